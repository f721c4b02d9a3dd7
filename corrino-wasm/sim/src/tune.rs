//! `tune`: corrino-core's search of a recipe's autoscaling settings, as `corrino tune` runs it (on one thread: a
//! page that wants it off the main thread runs the module in a worker).

use corrino_core::sim::Scenario;
use corrino_core::tune::{self, SearchSpace, Slo, TuneResult};
use corrino_core::{Diagnostics, PlanOptions, plan_bytes};
use js_sys::Error;
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::{RecipeInput, ScenarioInput};
use corrino_wasm_common::convert::{from_json_text, optional, recipe_bytes, to_js};

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** The values a search may give each setting; every field optional (an empty list: values around the recipe's). */
export interface SearchSpace {
  thresholds?: number[];
  windows_seconds?: number[];
  stabilization_windows_up_seconds?: number[];
  stabilization_windows_down_seconds?: number[];
  scaling_periods_up_seconds?: number[];
  scaling_periods_down_seconds?: number[];
  min_replicas?: number[];
  max_replicas?: number[];
  max_nodes?: number[];
  /** Random combinations besides the one-at-a-time variations (0: 120; at most 2000). */
  samples?: number;
  seed?: number;
}

/** The autoscaling settings a search varies. */
export interface TunedSettings {
  threshold: number;
  window_seconds: number;
  stabilization_window_up_seconds: number;
  stabilization_window_down_seconds: number;
  scaling_period_up_seconds: number;
  scaling_period_down_seconds: number;
  min_replicas: number;
  max_replicas: number;
  max_nodes: number | null;
}

/** One candidate's outcome. */
export interface TuneEvaluation {
  knobs: TunedSettings;
  gpu_hours: number;
  seconds_over_slo: number;
  flaps: number;
  scale_events: number;
  slow_requests: number;
  requests_completed: number;
  requests_failed: number;
  latency_p95: number | null;
  peak_nodes: number;
  is_recipe: boolean;
}

/** One flat row of the front. */
export interface TuneRecord extends Omit<TunedSettings, never> {
  gpu_hours: number;
  seconds_over_slo: number;
  flaps: number;
  requests_failed: number;
  latency_p95: number | null;
  on_front: boolean;
  is_recipe: boolean;
  chosen: boolean;
}

/** A search's outcome (as `corrino tune --format json`). */
export interface TuneResult {
  slo: string;
  budget_seconds: number;
  duration_seconds: number;
  evaluated: number;
  recipe: TuneEvaluation;
  chosen: TuneEvaluation;
  reason: string;
  /** The Pareto front of GPU-hours, seconds over the objective and flaps, cheapest first. */
  front: TuneEvaluation[];
  recipe_on_front: boolean;
  records: TuneRecord[];
}

/** What tune() gives: the result, or (when the recipe has errors) null and the reasons. */
export interface Tuned {
  result: TuneResult | null;
  diagnostics: Diagnostic[];
}
"#;

#[wasm_bindgen]
extern "C" {
    /// A search space.
    #[wasm_bindgen(typescript_type = "SearchSpace")]
    pub type SearchSpaceInput;
    /// A search's outcome.
    #[wasm_bindgen(typescript_type = "Tuned")]
    pub type TunedOutput;
}

#[derive(Serialize, Default)]
struct Tuned {
    result: Option<TuneResult>,
    diagnostics: Diagnostics,
}

/// Searches the recipe's autoscaling settings with the simulator for a latency objective (`"p95<5s"`,
/// `"p50<800ms"`) under the scenario (`undefined` for `defaultScenario()`), within the search space (`undefined`
/// for the values around the recipe's own). A recipe with errors gives `result: null` and its diagnostics. Throws
/// for an objective, scenario or space that is not one, and when the recipe cannot be tuned (no pod autoscaling).
#[wasm_bindgen]
pub fn tune(
    recipe: RecipeInput,
    slo: &str,
    scenario: Option<ScenarioInput>,
    space: Option<SearchSpaceInput>,
) -> Result<TunedOutput, Error> {
    let bytes = recipe_bytes(&recipe)?;
    let slo = Slo::parse(slo).map_err(|e| Error::new(&e.to_string()))?;
    let scenario: Scenario = match scenario.as_deref().and_then(optional) {
        Some(value) => from_json_text("scenario", value)?,
        None => Scenario::default(),
    };
    let space: SearchSpace = match space.as_deref().and_then(optional) {
        Some(value) => from_json_text("search space", value)?,
        None => SearchSpace::default(),
    };
    let tuned = match plan_bytes(&bytes, &PlanOptions::default()).into_plan() {
        Err(diagnostics) => Tuned {
            diagnostics,
            ..Tuned::default()
        },
        Ok((plan, diagnostics)) => Tuned {
            result: Some(
                tune::tune(&plan, &scenario, &slo, &space)
                    .map_err(|e| Error::new(&format!("cannot tune the recipe: {e}")))?,
            ),
            diagnostics,
        },
    };
    Ok(to_js(&tuned)?.unchecked_into())
}
