//! The third WebAssembly module of corrino: the autoscaling simulator. KEDA, the HPA, the Cluster Autoscaler and
//! the replicas of a recipe, stepped together under a load, and the chart of the run.
//!
//! It is apart from the main module to keep that one small (with the simulator and its chart, the main module would
//! grow from 375 KB to 444 KB gzipped); a page loads it when it first shows a simulation. Like the main module it is
//! built without corrino-core's `promql-check` feature, so it simulates the default scaling query; the query
//! module's `simulate` evaluates custom ones.

mod tune;

pub use tune::tune;

use corrino_core::sim::{Scenario, SimError};
use js_sys::Error;
use wasm_bindgen::prelude::*;

use corrino_wasm_common::convert::to_js;
use corrino_wasm_common::simulation::{self, cannot_simulate};

// The simulator's values are declared once, in `types/api.d.ts`, generated from corrino-core's types; only what
// this module's functions wrap them in is declared here.
#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
import type { RecipeInput } from "./corrino_wasm.js";
import type {
  AutoscalerTiming, ClusterAutoscalerConfig, Controller, Diagnostic, Generation, HpaReason, Load, MetricTrace,
  PodTiming, RatePoint, RateProfile, RequestShape, ScalingDecision, ScanNote, Scenario, ScenarioError,
  ScenarioNumber, ScenarioRange, ScenarioUnit, SearchSpace, ServingBasis, ServingModel, Simulation, SimulationEvent,
  SimulationSample, SimulationSettings, SimulationSummary, TracePoint, TuneEvaluation, TunedSettings, TuneRecord,
  TuneResult,
} from "../types/api.js";
export type {
  AutoscalerTiming, ClusterAutoscalerConfig, Controller, Diagnostic, Generation, HpaReason, Load, MetricTrace,
  PodTiming, RatePoint, RateProfile, RecipeInput, RequestShape, ScalingDecision, ScanNote, Scenario, ScenarioError,
  ScenarioNumber, ScenarioRange, ScenarioUnit, SearchSpace, ServingBasis, ServingModel, Simulation, SimulationEvent,
  SimulationSample, SimulationSettings, SimulationSummary, TracePoint, TuneEvaluation, TunedSettings, TuneRecord,
  TuneResult,
};

/** What simulate() gives: the simulation and its chart, or (when the recipe has errors) nulls and the reasons. */
export interface Simulated {
  simulation: Simulation | null;
  /** The chart as an SVG document: load, replicas and nodes, metric against threshold, over time. */
  chart: string | null;
  /** The recipe's warnings and notes, or its errors. */
  diagnostics: Diagnostic[];
}

/** What simulate() and tune() throw when the simulation cannot run; for a scenario past one of its bounds,
 *  `details` names the field, its value and the bound. */
export interface SimulationError extends Error {
  details?: ScenarioError;
}
"#;

#[wasm_bindgen]
extern "C" {
    /// A recipe argument.
    #[wasm_bindgen(typescript_type = "RecipeInput")]
    pub type RecipeInput;
    /// A simulation scenario.
    #[wasm_bindgen(typescript_type = "Scenario")]
    pub type ScenarioInput;
    /// A simulation scenario.
    #[wasm_bindgen(typescript_type = "Scenario")]
    pub type ScenarioOutput;
    /// A simulation with its chart.
    #[wasm_bindgen(typescript_type = "Simulated")]
    pub type SimulatedOutput;
}

#[wasm_bindgen(start, private)]
fn start() {
    #[cfg(feature = "console_error_panic_hook")]
    console_error_panic_hook::set_once();
}

/// How the recipe's autoscaling behaves under a load: KEDA, the HPA, the Cluster Autoscaler and the replicas, stepped
/// together over the scenario (`undefined` for `defaultScenario()`), with the chart of the run. A recipe with errors
/// gives `simulation: null` and its diagnostics, as the main module's `render` does. Throws for a scenario that is
/// not one (a misspelled field is refused by name) and when the recipe cannot be simulated: no pod autoscaling, no
/// GPU capacity plan, a scenario past one of its bounds (the error's `details` name the field, its value and the
/// bound), or a custom scaling query, which only the query module evaluates.
#[wasm_bindgen]
pub fn simulate(
    recipe: RecipeInput,
    scenario: Option<ScenarioInput>,
) -> Result<SimulatedOutput, Error> {
    let simulated = simulation::simulated(&recipe, scenario.as_deref())?.map_err(|e| match e {
        SimError::UnsupportedQuery { .. } => cannot_simulate(
            &e,
            "; the query module's `simulate` (`corrino/query`) evaluates them",
        ),
        _ => cannot_simulate(&e, ""),
    })?;
    Ok(to_js(&simulated)?.unchecked_into())
}

/// The scenario used when none is given: the autoscaling guide's llmperf run (30 clients, 512/512 tokens, 3000
/// requests) for an hour. Start from it and change what differs.
#[wasm_bindgen(js_name = defaultScenario)]
pub fn default_scenario() -> Result<ScenarioOutput, Error> {
    Ok(to_js(&Scenario::default())?.unchecked_into())
}
