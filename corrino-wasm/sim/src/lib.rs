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

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
import type { AutoscalerTiming, Diagnostic, RecipeInput } from "./corrino_wasm.js";
export type { AutoscalerTiming, Diagnostic, RecipeInput };

/** How big requests are, in tokens, as llmperf's options size them; 512 in and 512 out, deviation 10, by default. */
export interface RequestShape {
  mean_input_tokens?: number;
  stddev_input_tokens?: number;
  mean_output_tokens?: number;
  stddev_output_tokens?: number;
}

/** An open loop's request rate over time, in requests per second. */
export type RateProfile =
  | { kind: "constant"; rps: number }
  | { kind: "step"; before_rps: number; after_rps: number; at_seconds: number }
  | { kind: "ramp"; from_rps: number; to_rps: number; start_seconds: number; end_seconds: number }
  /** `mean + amplitude × cos(2π (t − peak) / period)`, never below 0. */
  | { kind: "diurnal"; mean_rps: number; amplitude_rps: number; period_seconds: number; peak_at_seconds: number }
  | { kind: "spike"; base_rps: number; peak_rps: number; start_seconds: number; duration_seconds: number }
  /** Interpolated linearly between points, flat outside them. */
  | { kind: "table"; points: { t: number; rps: number }[] };

/** What drives a simulation. */
export type Load =
  /** The query's value replayed as recorded (null: an empty result); no traffic, no latencies. */
  | { kind: "metric-trace"; trace: { points: { t: number; value?: number | null }[] } }
  /** Requests arriving at a rate, however fast they are served. */
  | { kind: "open-loop"; rate: RateProfile; requests?: RequestShape }
  /** Clients that each send a request, wait for the answer and send the next (llmperf's
   *  `--num-concurrent-requests`); `max_requests` stops them, null runs to the end. */
  | {
      kind: "closed-loop";
      clients: number;
      requests?: RequestShape;
      max_requests?: number | null;
      think_time_seconds?: number;
    };

/** The serving model of one replica (vLLM on the recipe's GPUs). */
export interface ServingModel {
  /** vLLM's `--max-num-seqs`. */
  max_num_seqs: number;
  kv_cache_tokens: number;
  prefill_tokens_per_second: number;
  /** One decode step with a single sequence. */
  decode_step_seconds: number;
  /** What each running sequence adds to a decode step. */
  decode_step_seconds_per_sequence: number;
  /** What each token held in the running batch's KV cache adds to a decode step (0 when absent). */
  decode_step_seconds_per_kv_token?: number;
}

/** What a calibrated serving model was derived from. */
export interface ServingBasis {
  /** The GPU, and whether its efficiencies were measured or are the roofline estimate. */
  gpu: string;
  model: string;
  /** The vLLM release the image tag names, if it names one. */
  vllm_version: string | null;
  generation: "v0" | "v1";
  measurements: string;
  tensor_parallel: number;
  /** Whether any part is an estimate. */
  estimate: boolean;
}

/** The Cluster Autoscaler add-on's timing keys, as Go durations ("10s", "10m"). */

/**
 * What to simulate besides the recipe. Every field is optional; `{}` is defaultScenario(): the autoscaling guide's
 * llmperf run (30 clients, 512/512 tokens, 3000 requests) for an hour. Unknown fields are refused.
 */
export interface Scenario {
  duration_seconds?: number;
  /** The simulation step; the intervals below must be multiples of it. */
  step_seconds?: number;
  /** How often a row is added to `samples`. */
  sample_interval_seconds?: number;
  scrape_interval_seconds?: number;
  hpa_sync_period_seconds?: number;
  load?: Load;
  /** Seed of request sizes and arrivals: the same seed gives the same simulation. */
  seed?: number;
  /** The latency a request must not exceed, seconds (the default query's bound, 5). */
  latency_bound_seconds?: number;
  /** KEDA's `ignoreNullValues`. */
  ignore_null_values?: boolean;
  /** KEDA's `activationThreshold`. */
  activation_threshold?: number;
  /** null estimates the serving model from the shape's GPU. */
  serving?: ServingModel | null;
  pod_startup_seconds?: number | null;
  image_pull_seconds?: number | null;
  node_provisioning_seconds?: number | null;
  autoscaler_timing?: Partial<AutoscalerTiming>;
  /** Replicas Ready at the start; null starts at min_replicas. */
  initial_replicas?: number | null;
  /** Nodes Ready at the start; null starts with enough for the initial replicas, at least min_nodes. */
  initial_nodes?: number | null;
}

/** The values a simulation ran with, defaults resolved. */
export interface SimulationSettings {
  shape: string;
  gpus_per_node: number;
  replicas_per_node: number;
  min_replicas: number;
  max_replicas: number;
  threshold: number;
  /** The threshold in milli-units, as the HPA receives it from KEDA. */
  threshold_milli: number;
  metric_type: "Value" | "AverageValue";
  /** "default-latency", or the custom query's text. */
  query: string;
  polling_interval_seconds: number;
  cooldown_seconds: number;
  hpa_sync_period_seconds: number;
  scrape_interval_seconds: number;
  serving: ServingModel;
  serving_source: "scenario" | "calibrated" | "a10-default";
  serving_basis: ServingBasis | null;
  pod_timing: { startup_seconds: number; image_pull_seconds: number };
  cluster_autoscaler: {
    scan_interval_seconds: number;
    scale_down_delay_after_add_seconds: number;
    scale_down_delay_after_delete_seconds: number;
    scale_down_unneeded_time_seconds: number;
    max_node_provision_time_seconds: number;
    scale_down_utilization_threshold: number;
    provisioning_seconds: number;
    min_nodes: number;
    max_nodes: number;
    replicas_per_node: number;
    utilization_per_pod: number;
    /** false for a fixed node pool. */
    enabled: boolean;
  };
  latency_bound_seconds: number;
  initial_replicas: number;
  initial_nodes: number;
}

/** One row of the timeline, every `sample_interval_seconds`. */
export interface SimulationSample {
  /** Seconds from the start. */
  t: number;
  /** Requests per second (open loop), active clients (closed loop), or 0 (metric trace). */
  load: number;
  /** The metric as KEDA last read it; null when it failed or was not read yet. */
  metric: number | null;
  threshold: number;
  keda_active: boolean;
  hpa_desired: number;
  spec_replicas: number;
  ready_replicas: number;
  starting_replicas: number;
  /** Pods waiting for a node. */
  pending_replicas: number;
  ready_nodes: number;
  provisioning_nodes: number;
  in_flight: number;
  /** Requests that finished since the previous row, and their latencies in seconds. */
  completed: number;
  latency_p50: number | null;
  latency_p95: number | null;
  slo_misses: number;
}

/** The HPA's condition reason, as the controller spells it. */
export type HpaReason =
  | "ScalingDisabled" | "CurrentAboveMaxReplicas" | "CurrentBelowMinReplicas" | "FailedGetExternalMetric"
  | "ScaleUpStabilized" | "ScaleDownStabilized" | "ReadyForNewScale" | "ScaleUpLimit" | "ScaleDownLimit"
  | "TooManyReplicas" | "TooFewReplicas" | "DesiredWithinRange";

/** An HPA sync whose outcome differed from the previous one: why the replica count is what it is. */
export interface ScalingDecision {
  t: number;
  current_replicas: number;
  ready_replicas: number;
  metric: number | null;
  /** What the metric alone asked for. */
  metric_replicas: number | null;
  desired_replicas: number;
  rescaled: boolean;
  reason: HpaReason;
  message: string;
}

/** Why the Cluster Autoscaler removed a node. */
export type ScanNote =
  | "no-change" | "scale-up" | "max-nodes-reached" | "backoff" | "waiting-for-nodes" | "scale-down-in-cooldown"
  | "scale-down" | "provisioning-failed";

/** Something that happened, at `t` seconds. */
export type SimulationEvent = { t: number } & (
  | { kind: "replicas-changed"; from: number; to: number; by: "hpa" | "keda" }
  | { kind: "nodes-requested"; nodes: number[] }
  | { kind: "node-ready"; node: number }
  | { kind: "node-removed"; node: number; reason: ScanNote }
  | { kind: "pod-ready"; pod: number; node: number | null }
  | { kind: "requests-failed"; count: number }
  | { kind: "load-finished" }
);

/** Figures over the whole run; times in seconds from the start, null when it never happened. */
export interface SimulationSummary {
  duration_seconds: number;
  first_scale_up_at: number | null;
  first_node_requested_at: number | null;
  /** When replicas and nodes last changed. */
  steady_state_at: number | null;
  /** When a closed loop's last request was answered. */
  load_finished_at: number | null;
  peak_spec_replicas: number;
  peak_ready_replicas: number;
  /** Ready or provisioning. */
  peak_nodes: number;
  scale_events: number;
  /** Changes of the replica count that reversed the previous one within 5 minutes. */
  flapping_count: number;
  /** Requests the load sent: completed + failed + in flight. */
  requests_sent: number;
  requests_completed: number;
  requests_failed: number;
  /** Requests still queued or running in a replica when the run ended. */
  requests_in_flight: number;
  slo_misses: number;
  /** Seconds whose 95th percentile latency was above the bound. */
  seconds_over_slo: number;
  pending_replica_seconds: number;
  /** Nodes (Ready or provisioning) × GPUs per node, over time. */
  gpu_hours: number;
  latency_p50: number | null;
  latency_p95: number | null;
}

/** A finished simulation (as fixtures/expected/*.simulation.json and `corrino simulate --format json`). */
export interface Simulation {
  settings: SimulationSettings;
  samples: SimulationSample[];
  decisions: ScalingDecision[];
  events: SimulationEvent[];
  summary: SimulationSummary;
  /** What to know about the scenario as it ran (`points-past-end`); paths point into the scenario. */
  notes: Diagnostic[];
}

/** What simulate() gives: the simulation and its chart, or (when the recipe has errors) nulls and the reasons. */
export interface Simulated {
  simulation: Simulation | null;
  /** The chart as an SVG document: load, replicas and nodes, metric against threshold, over time. */
  chart: string | null;
  /** The recipe's warnings and notes, or its errors. */
  diagnostics: Diagnostic[];
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
