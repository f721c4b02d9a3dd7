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
import type { RecipeInput, Target } from "./corrino_wasm.js";
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
  TuneResult, Target,
};

/** One figure of two runs side by side (null: it never happened, as a scale-up that did not occur). */
export interface ComparedFigure {
  /** A stable identifier: the summary field it comes from. */
  figure: string;
  label: string;
  unit: string;
  first: number | null;
  second: number | null;
  /** second − first, when both have a value. */
  difference: number | null;
}

/** What compare() gives: the figures side by side and the chart of both runs. */
export interface Compared {
  comparison: { first: string; second: string; figures: ComparedFigure[] };
  /** Both runs in one SVG document: ready replicas, nodes and the 95th percentile latency. */
  chart: string;
}

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
    /// The cluster's releases.
    #[wasm_bindgen(typescript_type = "Target")]
    pub type TargetInput;
    /// A simulation scenario.
    #[wasm_bindgen(typescript_type = "Scenario")]
    pub type ScenarioOutput;
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

/// How the recipe's (or a deployment's: Kubernetes YAML text, or an array of objects, with a ScaledObject or HPA and
/// the workload it scales) autoscaling behaves under a load: KEDA, the HPA, the Cluster Autoscaler and the replicas,
/// stepped together over the scenario (`undefined` for `defaultScenario()`), with the chart of the run. `target`
/// (`{keda, kubernetes}`, each optional) chooses the releases whose KEDA and HPA run: by default KEDA 2.17.0, as
/// OCI AI Blueprints installs it, and Kubernetes 1.34. A recipe with errors
/// gives `simulation: null` and its diagnostics, as the main module's `render` does. Throws for a scenario that is
/// not one (a misspelled field is refused by name) and when the recipe cannot be simulated: no pod autoscaling, no
/// GPU capacity plan, a scenario past one of its bounds (the error's `details` name the field, its value and the
/// bound), or a custom scaling query, which only the query module evaluates.
#[wasm_bindgen]
pub fn simulate(
    recipe: RecipeInput,
    scenario: Option<ScenarioInput>,
    target: Option<TargetInput>,
) -> Result<SimulatedOutput, Error> {
    let simulated = simulation::simulated(&recipe, scenario.as_deref(), target.as_deref())?
        .map_err(|e| match e {
            SimError::UnsupportedQuery { .. } => cannot_simulate(
                &e,
                "; the query module's `simulate` (`corrino/query`) evaluates them",
            ),
            _ => cannot_simulate(&e, ""),
        })?;
    Ok(to_js(&simulated)?.unchecked_into())
}

/// Two inputs (recipes, or Kubernetes YAML as `simulate` takes it) simulated on the same scenario and compared:
/// the figures side by side (`corrino simulate A --compare B`'s) and the chart of both. `names` label them
/// (`["first", "second"]` by default). Throws for an input that cannot be simulated: the message says which, and
/// `diagnostics` (input errors) or `details` (a scenario past a bound) say why.
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

/// The scenario used when none is given: the autoscaling guide's llmperf run (30 clients, 512/512 tokens, 3000
/// requests) for an hour. Start from it and change what differs.
#[wasm_bindgen(js_name = defaultScenario)]
pub fn default_scenario() -> Result<ScenarioOutput, Error> {
    Ok(to_js(&Scenario::default())?.unchecked_into())
}
