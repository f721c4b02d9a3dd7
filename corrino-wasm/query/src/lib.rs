//! The second WebAssembly module of corrino: checks and simulations of custom PromQL scaling queries, with
//! corrino-core's `promql-check` feature. It is apart from the main module because the PromQL parser is most of its
//! size; a page loads it only for recipes that have their own query.
//!
//! `checkQuery` checks one query; `validate` is the main module's `validate` with the query checks included, so
//! that a recipe with a custom query gets exactly the diagnostics of `corrino validate`; `simulate` is the
//! simulator module's `simulate`, with custom queries evaluated.

use std::collections::BTreeMap;

use corrino_core::diagnostic::Pointer;
use corrino_core::promql::{self, QueryContext};
use corrino_core::vllm::VllmVersion;
use corrino_core::{CanonicalName, Diagnostics};
use js_sys::Error;
use serde::Deserialize;
use wasm_bindgen::prelude::*;

use corrino_wasm_common::convert::{
    into_error, invalid_argument, optional, plan_options, recipe_bytes, to_js,
};
use corrino_wasm_common::simulation;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
import type { Diagnostic, RecipeInput, Target } from "./corrino_wasm.js";
import type { Compared, Scenario, Simulated } from "./corrino_wasm_sim.js";
export type { Compared, Diagnostic, RecipeInput, Scenario, Simulated, Target };

/** What the checks of a query need to know about the deployment. */
export interface QueryContext {
  /** How often Prometheus scrapes vLLM, in seconds (default 15); 0 skips the window check. */
  scrapeIntervalSeconds?: number;
  /** The vLLM release the recipe runs ("0.9.1"), to judge metric renames at that release. */
  vllmVersion?: string;
  /** Histogram bucket bounds that differ from vLLM's, by family name, spelled as in `le`. */
  bucketOverrides?: Record<string, string[]>;
  /** The deployment the query scales (its `deployment_name`), so that a query selecting another one is reported. */
  deployment?: string;
}
"#;

#[wasm_bindgen]
extern "C" {
    /// A recipe argument.
    #[wasm_bindgen(typescript_type = "RecipeInput")]
    pub type RecipeInput;
    /// The context of a query.
    #[wasm_bindgen(typescript_type = "QueryContext")]
    pub type QueryContextInput;
    /// A list of diagnostics.
    #[wasm_bindgen(typescript_type = "Diagnostic[]")]
    pub type DiagnosticList;
    /// A simulation scenario.
    #[wasm_bindgen(typescript_type = "Scenario")]
    pub type ScenarioInput;
    /// The cluster's releases.
    #[wasm_bindgen(typescript_type = "Target")]
    pub type TargetInput;
    /// A simulation with its chart.
    #[wasm_bindgen(typescript_type = "Simulated")]
    pub type SimulatedOutput;
    /// Two simulations compared.
    #[wasm_bindgen(typescript_type = "Compared")]
    pub type ComparedOutput;
}

#[wasm_bindgen(start, private)]
fn start() {
    #[cfg(feature = "console_error_panic_hook")]
    console_error_panic_hook::set_once();
}

/// The problems of a custom scaling query, each reported at `path` (a JSON pointer, default ""): a query that does
/// not parse or cannot give KEDA one sample, metrics and labels vLLM does not export, windows too short, and more.
#[wasm_bindgen(js_name = checkQuery)]
pub fn check_query(
    query: &str,
    path: Option<String>,
    context: Option<QueryContextInput>,
) -> Result<DiagnosticList, Error> {
    let context = match context.as_deref().and_then(optional) {
        Some(value) => serde_wasm_bindgen::from_value::<Context>(value.clone())
            .map_err(|e| invalid_argument("query context", e))?
            .into_query_context()?,
        None => QueryContext::default(),
    };
    let prefix = path.unwrap_or_default();
    let diagnostics: Diagnostics = promql::check_query(query, &Pointer::root(), &context)
        .into_iter()
        .map(|d| d.with_outer_path(&prefix))
        .collect::<Vec<_>>()
        .into();
    Ok(to_js(&diagnostics)?.unchecked_into())
}

/// Every problem of a recipe, custom queries included, for the target (as the main module's `validate` takes it):
/// the same list as `corrino validate`.
#[wasm_bindgen]
pub fn validate(recipe: RecipeInput, target: Option<TargetInput>) -> Result<DiagnosticList, Error> {
    let options = plan_options(target.as_deref())?;
    let diagnostics = corrino_core::validate_bytes(&recipe_bytes(&recipe)?, &options);
    Ok(to_js(&diagnostics)?.unchecked_into())
}

/// The simulator module's `simulate`, able to evaluate custom scaling queries too (within the subset of PromQL that the
/// simulator computes from its modelled series; a query outside it is refused with the reason).
#[wasm_bindgen]
pub fn simulate(
    recipe: RecipeInput,
    scenario: Option<ScenarioInput>,
    target: Option<TargetInput>,
) -> Result<SimulatedOutput, Error> {
    let simulated = simulation::simulated(&recipe, scenario.as_deref(), target.as_deref())?
        .map_err(|e| simulation::cannot_simulate(&e, ""))?;
    Ok(to_js(&simulated)?.unchecked_into())
}

/// The simulator module's `compare`, able to evaluate custom scaling queries too.
#[wasm_bindgen]
pub fn compare(
    first: RecipeInput,
    second: RecipeInput,
    scenario: Option<ScenarioInput>,
    names: Option<Vec<String>>,
    target: Option<TargetInput>,
) -> Result<ComparedOutput, Error> {
    let compared = simulation::compare(
        &first,
        &second,
        scenario.as_deref(),
        names.as_deref(),
        target.as_deref(),
    )?;
    Ok(compared.unchecked_into())
}

/// `QueryContext` as JS writes it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Context {
    scrape_interval_seconds: Option<u32>,
    vllm_version: Option<String>,
    #[serde(default)]
    bucket_overrides: BTreeMap<String, Vec<String>>,
    deployment: Option<String>,
}

impl Context {
    fn into_query_context(self) -> Result<QueryContext, Error> {
        let defaults = QueryContext::default();
        let vllm_version = match self.vllm_version {
            Some(text) => Some(VllmVersion::parse(&text).ok_or_else(|| {
                into_error(format!("`{text}` is not a vLLM version such as 0.9.1"))
            })?),
            None => None,
        };
        Ok(QueryContext {
            scrape_interval_seconds: self
                .scrape_interval_seconds
                .unwrap_or(defaults.scrape_interval_seconds),
            vllm_version,
            bucket_overrides: self.bucket_overrides.into_iter().collect(),
            deployment: match self.deployment {
                Some(name) => Some(
                    CanonicalName::new(&name)
                        .map_err(|e| {
                            into_error(format!("`{name}` cannot name a deployment: {}", e.reason))
                        })?
                        .to_string(),
                ),
                None => None,
            },
        })
    }
}
