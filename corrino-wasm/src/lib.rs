//! WebAssembly bindings of corrino-core: validate, plan and render recipes in a browser or in Node.js.
//!
//! Every function converts its arguments, calls corrino-core and converts the result; the rules live in
//! corrino-core. Problems of a recipe come back as data (a list of diagnostics) and never throw; only a call that
//! cannot run (an argument of the wrong kind, invalid render options) throws a JS `Error`.
//!
//! This module is built without corrino-core's `promql-check` feature, so custom PromQL queries are not parsed
//! here: the second module, `corrino_wasm_query` (crate `corrino-wasm-query`), checks them.

use std::collections::BTreeMap;

use corrino_core::manifest::{self, Manifest, RenderOptions, ScrapeMode};
use corrino_core::promql;
use corrino_core::{Diagnostics, PlanOptions, ShapeCatalog};
use js_sys::Error;
use serde::Serialize;
use wasm_bindgen::prelude::*;

use corrino_wasm_common::convert::{
    from_json_text, into_error, invalid_argument, optional, plan_options, recipe_bytes, to_js,
};

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
import type { Recipe, RecipeMode } from "../types/recipe.js";
import type {
  AutoscalerTiming, Capacity, Code, Diagnostic, FileSystemExport, KedaVersion, KubernetesVersion, MetricType,
  NodeAutoscaling, Plan, PodAutoscaling, QuerySource, RenderOptions, ScrapeMode, Severity, Shape, Source, Target,
} from "../types/api.js";
export type {
  AutoscalerTiming, Capacity, Code, Diagnostic, FileSystemExport, KedaVersion, KubernetesVersion, MetricType,
  NodeAutoscaling, Plan, PodAutoscaling, QuerySource, Recipe, RecipeMode, RenderOptions, ScrapeMode, Severity, Shape,
  Source, Target,
};

/** A recipe: a parsed object, its JSON or YAML text, or the bytes of a file. */
export type RecipeInput = Recipe | string | Uint8Array;

/** A rendered Kubernetes object. */
export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: { name?: string; namespace?: string; labels?: Record<string, string>; [key: string]: unknown };
  [key: string]: unknown;
}

/** What render() gives: the objects, or (when the recipe cannot be rendered) null and the reasons. */
export interface Rendered {
  /** The Kubernetes objects, in apply order. */
  objects: KubernetesObject[] | null;
  /** The OCI documents (node-pool.json, cluster-autoscaler-addon.json) by file name. */
  ociDocuments: Record<string, Record<string, unknown>> | null;
  /** OCI identifiers written as <placeholders> in the OCI documents. */
  placeholders: string[];
  /** The recipe's warnings and notes, or every reason it cannot be rendered. */
  diagnostics: Diagnostic[];
}

/** What renderYaml() gives: the same as render(), as text. */
export interface RenderedText {
  /** The Kubernetes objects as one YAML stream, ready for `kubectl apply -f -`. */
  yaml: string | null;
  /** The OCI documents as pretty JSON, by file name. */
  ociDocuments: Record<string, string> | null;
  placeholders: string[];
  diagnostics: Diagnostic[];
}
"#;

#[wasm_bindgen]
extern "C" {
    /// A recipe argument.
    #[wasm_bindgen(typescript_type = "RecipeInput")]
    pub type RecipeInput;
    /// Render options.
    #[wasm_bindgen(typescript_type = "RenderOptions")]
    pub type RenderOptionsInput;
    /// A scrape mode.
    #[wasm_bindgen(typescript_type = "ScrapeMode")]
    pub type ScrapeModeInput;
    /// The cluster's releases.
    #[wasm_bindgen(typescript_type = "Target")]
    pub type TargetInput;
    /// A list of diagnostics.
    #[wasm_bindgen(typescript_type = "Diagnostic[]")]
    pub type DiagnosticList;
    /// A plan, or `null`.
    #[wasm_bindgen(typescript_type = "Plan | null")]
    pub type PlanOrNull;
    /// Rendered objects.
    #[wasm_bindgen(typescript_type = "Rendered")]
    pub type RenderedOutput;
    /// Rendered text.
    #[wasm_bindgen(typescript_type = "RenderedText")]
    pub type RenderedTextOutput;
    /// Render options.
    #[wasm_bindgen(typescript_type = "RenderOptions")]
    pub type RenderOptionsOutput;
    /// A list of shapes.
    #[wasm_bindgen(typescript_type = "Shape[]")]
    pub type ShapeList;
}

#[wasm_bindgen(start, private)]
fn start() {
    #[cfg(feature = "console_error_panic_hook")]
    console_error_panic_hook::set_once();
}

/// Every problem of a recipe: reading, structure and rules (custom PromQL queries are checked by the query module),
/// for the cluster's releases (`{keda, kubernetes}`; by default KEDA 2.17.0, as OCI AI Blueprints installs it, and
/// Kubernetes 1.34). Throws for a target that is not one.
#[wasm_bindgen]
pub fn validate(recipe: RecipeInput, target: Option<TargetInput>) -> Result<DiagnosticList, Error> {
    let options = plan_options(target.as_deref())?;
    let diagnostics = corrino_core::validate_bytes(&recipe_bytes(&recipe)?, &options);
    Ok(to_js(&diagnostics)?.unchecked_into())
}

/// The recipe resolved: capacity, autoscaling values and their sources, and every problem found, for the target
/// (as `validate` takes it). `null` when the input is not a recipe at all (unreadable, or not an object); `validate`
/// says why.
#[wasm_bindgen]
pub fn plan(recipe: RecipeInput, target: Option<TargetInput>) -> Result<PlanOrNull, Error> {
    let options = plan_options(target.as_deref())?;
    let planning = corrino_core::plan_bytes(&recipe_bytes(&recipe)?, &options);
    Ok(to_js(&planning.preview)?.unchecked_into())
}

/// The Kubernetes objects and OCI documents of a recipe, as objects. Throws only for invalid options.
#[wasm_bindgen]
pub fn render(
    recipe: RecipeInput,
    options: Option<RenderOptionsInput>,
) -> Result<RenderedOutput, Error> {
    let js = match rendered(&recipe, options)? {
        Ok((manifests, diagnostics)) => to_js(&Rendered {
            objects: Some(manifests.iter().filter(|m| m.is_kubernetes()).collect()),
            oci_documents: Some(
                manifest::named_oci_documents(&manifests)
                    .into_iter()
                    .collect(),
            ),
            placeholders: manifest::placeholders(&manifests),
            diagnostics,
        }),
        Err(diagnostics) => to_js(&Rendered {
            diagnostics,
            ..Rendered::default()
        }),
    }?;
    Ok(js.unchecked_into())
}

/// The Kubernetes objects of a recipe as one YAML stream, and its OCI documents as JSON text.
#[wasm_bindgen(js_name = renderYaml)]
pub fn render_yaml(
    recipe: RecipeInput,
    options: Option<RenderOptionsInput>,
) -> Result<RenderedTextOutput, Error> {
    let out = match rendered(&recipe, options)? {
        Ok((manifests, diagnostics)) => RenderedText {
            yaml: Some(manifest::to_yaml(&manifests).map_err(into_error)?),
            oci_documents: Some(
                manifest::oci_documents(&manifests)
                    .map_err(into_error)?
                    .into_iter()
                    .collect(),
            ),
            placeholders: manifest::placeholders(&manifests),
            diagnostics,
        },
        Err(diagnostics) => RenderedText {
            diagnostics,
            ..RenderedText::default()
        },
    };
    Ok(to_js(&out)?.unchecked_into())
}

/// The render options used when none are given: start from these and change what differs.
#[wasm_bindgen(js_name = defaultRenderOptions)]
pub fn default_render_options() -> Result<RenderOptionsOutput, Error> {
    Ok(to_js(&RenderOptions::default())?.unchecked_into())
}

/// The default scaling query (the fraction of requests slower than 5 s) of a deployment, selecting its series by
/// the labels the scrape mode produces. `window` is a Prometheus duration (default `5m`, written back the way
/// Prometheus prints it); `scrape` defaults to `annotations`. Throws when the name or the window is not usable.
#[wasm_bindgen(js_name = defaultQuery)]
pub fn default_query(
    name: &str,
    namespace: &str,
    window: Option<String>,
    scrape: Option<ScrapeModeInput>,
) -> Result<String, Error> {
    let window = window.unwrap_or_else(promql::default_window);
    let scrape: ScrapeMode = match scrape {
        Some(s) => serde_wasm_bindgen::from_value(s.into())
            .map_err(|e| invalid_argument("scrape mode", e))?,
        None => ScrapeMode::default(),
    };
    promql::DefaultQuery::from_text(name, namespace, &window, scrape)
        .map(|q| q.to_string())
        .map_err(|e| into_error(e.to_string()))
}

/// Every shape of the built-in catalog: GPUs, memory, OCPUs, MIG profiles, RDMA.
#[wasm_bindgen]
pub fn shapes() -> Result<ShapeList, Error> {
    let catalog = ShapeCatalog::builtin();
    let shapes: Vec<_> = catalog.iter().collect();
    Ok(to_js(&shapes)?.unchecked_into())
}

/// What `render` returns.
#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase")]
struct Rendered<'a> {
    objects: Option<Vec<&'a Manifest>>,
    oci_documents: Option<BTreeMap<String, &'a Manifest>>,
    placeholders: Vec<String>,
    diagnostics: Diagnostics,
}

/// What `renderYaml` returns.
#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase")]
struct RenderedText {
    yaml: Option<String>,
    oci_documents: Option<BTreeMap<String, String>>,
    placeholders: Vec<String>,
    diagnostics: Diagnostics,
}

/// Reads, plans and renders, as `corrino render` does: the manifests and the plan's diagnostics, or the reasons the
/// recipe cannot be rendered. The recipe is planned for the options' `keda` and `kubernetes`. The outer error is a
/// failure of the call.
#[allow(clippy::type_complexity)]
fn rendered(
    recipe: &JsValue,
    options: Option<RenderOptionsInput>,
) -> Result<Result<(Vec<Manifest>, Diagnostics), Diagnostics>, Error> {
    let bytes = recipe_bytes(recipe)?;
    let options: RenderOptions = match options.as_deref().and_then(optional) {
        Some(value) => from_json_text("render options", value)?,
        None => RenderOptions::default(),
    };
    Ok(
        manifest::render_bytes(&bytes, &PlanOptions::default(), &options)
            .map(|rendered| (rendered.manifests, rendered.diagnostics)),
    )
}
