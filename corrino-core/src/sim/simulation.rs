//! What a simulation records: the timeline's rows, the HPA's decisions, the events and the figures over the run.

use serde::Serialize;

use super::cluster_autoscaler::ScanNote;
use super::settings::Settings;
use crate::diagnostic::Diagnostics;

/// Which controller changed the replica count.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Controller {
    /// The HorizontalPodAutoscaler.
    Hpa,
    /// KEDA's scale loop (activation, minimum, scale to zero).
    Keda,
}

/// Something that happened, for the timeline's annotations.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum EventKind {
    /// The Deployment's replica count changed.
    ReplicasChanged {
        /// Before.
        from: i32,
        /// After.
        to: i32,
        /// By whom.
        by: Controller,
    },
    /// The Cluster Autoscaler requested nodes.
    NodesRequested {
        /// Their ids.
        nodes: Vec<u32>,
    },
    /// A node became Ready.
    NodeReady {
        /// Its id.
        node: u32,
    },
    /// A node was removed.
    NodeRemoved {
        /// Its id.
        node: u32,
        /// Why.
        reason: ScanNote,
    },
    /// A pod became Ready.
    PodReady {
        /// Its id.
        pod: u32,
        /// Its node.
        node: Option<u32>,
    },
    /// Requests in flight on deleted pods failed.
    RequestsFailed {
        /// How many.
        count: u64,
    },
    /// The closed loop sent its last request and every request was answered.
    LoadFinished,
}

/// One event.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "SimulationEvent"))]
pub struct Event {
    /// When, in seconds.
    pub t: i64,
    /// What.
    #[serde(flatten)]
    pub kind: EventKind,
}

/// One HPA sync whose outcome differed from the previous one: the "why" of the replica count.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "ScalingDecision"))]
pub struct Decision {
    /// When, in seconds.
    pub t: i64,
    /// `spec.replicas` before the sync.
    pub current_replicas: i32,
    /// Ready pods at the sync.
    pub ready_replicas: u32,
    /// The metric value the HPA received (KEDA's reading after `ignoreNullValues`), if any and not NaN.
    pub metric: Option<f64>,
    /// What the metric alone asked for.
    pub metric_replicas: Option<i32>,
    /// The replica count after the sync.
    pub desired_replicas: i32,
    /// Whether the sync changed the count.
    pub rescaled: bool,
    /// The controller's reason (`ScaleUpLimit`, `ScaleDownStabilized`, …).
    #[cfg_attr(feature = "schema", schemars(with = "super::hpa::Reason"))]
    pub reason: &'static str,
    /// The reason in words.
    pub message: &'static str,
}

/// One row of the timeline.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "SimulationSample"))]
pub struct Sample {
    /// Seconds from the start.
    pub t: i64,
    /// Requests per second (open loop), active clients (closed loop), or 0 (metric trace).
    pub load: f64,
    /// The metric as KEDA last read it (after `ignoreNullValues`); `None` when it failed, was NaN (KEDA before
    /// 2.20 passes NaN on), or was not read yet.
    pub metric: Option<f64>,
    /// The trigger's threshold.
    pub threshold: f64,
    /// Whether KEDA's trigger was active at its last poll.
    pub keda_active: bool,
    /// The HPA's last desired replica count.
    pub hpa_desired: i32,
    /// The Deployment's `spec.replicas`.
    pub spec_replicas: i32,
    /// Ready pods.
    pub ready_replicas: u32,
    /// Pods bound to a node and starting.
    pub starting_replicas: u32,
    /// Pods with no node (Pending, unschedulable).
    pub pending_replicas: u32,
    /// Ready nodes.
    pub ready_nodes: u32,
    /// Nodes requested and not yet Ready.
    pub provisioning_nodes: u32,
    /// Requests running or queued in the replicas.
    pub in_flight: u64,
    /// Requests that finished since the previous row.
    pub completed: u64,
    /// Median latency of those, seconds.
    pub latency_p50: Option<f64>,
    /// 95th percentile latency of those, seconds.
    pub latency_p95: Option<f64>,
    /// How many of those were slower than the latency bound.
    pub slo_misses: u64,
}

/// Figures over the whole run.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "SimulationSummary"))]
pub struct Summary {
    /// Simulated seconds.
    pub duration_seconds: i64,
    /// When the replica count first rose above its starting value.
    pub first_scale_up_at: Option<i64>,
    /// When the Cluster Autoscaler first requested a node.
    pub first_node_requested_at: Option<i64>,
    /// When the replica count, the Ready replicas and the node count last changed: steady from then on.
    pub steady_state_at: Option<i64>,
    /// When a closed loop's last request was answered.
    pub load_finished_at: Option<f64>,
    /// The highest `spec.replicas`.
    pub peak_spec_replicas: i32,
    /// The most Ready pods.
    pub peak_ready_replicas: u32,
    /// The most nodes (Ready or provisioning).
    pub peak_nodes: u32,
    /// Changes of the replica count.
    pub scale_events: u32,
    /// Changes that reversed the previous change's direction within 5 minutes of it.
    pub flapping_count: u32,
    /// Requests the load sent: `requests_completed + requests_failed + requests_in_flight`.
    pub requests_sent: u64,
    /// Requests answered.
    pub requests_completed: u64,
    /// Requests lost with their pod, or sent while no replica was Ready (open loop).
    pub requests_failed: u64,
    /// Requests still queued or running in a replica when the run ended: sent, never answered within it (an
    /// overloaded open loop leaves many).
    pub requests_in_flight: u64,
    /// Answered requests slower than the latency bound.
    pub slo_misses: u64,
    /// Seconds in which more than 5 % of the requests that finished were slower than the bound (that second's
    /// 95th percentile above it).
    pub seconds_over_slo: u64,
    /// Σ over time of the pods waiting for a node, in pod-seconds.
    pub pending_replica_seconds: u64,
    /// Σ over time of the nodes (Ready or provisioning, as both are billed) × GPUs per node, in hours.
    pub gpu_hours: f64,
    /// Median latency of all answered requests, seconds (the upper edge of a 2.2 %-wide bin).
    pub latency_p50: Option<f64>,
    /// 95th percentile latency of all answered requests, seconds (the upper edge of a 2.2 %-wide bin).
    pub latency_p95: Option<f64>,
}

/// The most HPA decisions, and the most events, a simulation keeps: a month at 1 s steps whose HPA changes its mind
/// every sync would otherwise record millions (hundreds of megabytes). Past it the run goes on, and a note
/// (`records-truncated`) says how many were not kept; the samples and the summary cover the whole run.
pub const MAX_RECORDS: usize = 10_000;

/// A finished simulation.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Simulation {
    /// The values used.
    pub settings: Settings,
    /// One row per sample interval.
    pub samples: Vec<Sample>,
    /// The HPA's decisions, each time they changed (the first [`MAX_RECORDS`]).
    pub decisions: Vec<Decision>,
    /// What happened when (the first [`MAX_RECORDS`]).
    pub events: Vec<Event>,
    /// Figures over the run.
    pub summary: Summary,
    /// What the caller should know about the scenario as it ran (`points-past-end`: table rows the run never
    /// reached; `records-truncated`: decisions or events past [`MAX_RECORDS`]), with paths into the scenario.
    pub notes: Diagnostics,
}

/// Two reversals of direction closer than this count as flapping.
pub const FLAPPING_WINDOW_SECONDS: i64 = 300;

/// The timeline as CSV, one row per sample, empty cells where a value is absent (no query result, no requests).
#[must_use]
pub fn samples_csv(samples: &[Sample]) -> String {
    use std::fmt::Write as _;
    let opt = |v: Option<f64>| v.map_or_else(String::new, |v| format!("{v}"));
    let mut out = String::from(
        "t,load,metric,threshold,keda_active,hpa_desired,spec_replicas,ready_replicas,starting_replicas,pending_replicas,ready_nodes,provisioning_nodes,in_flight,completed,latency_p50,latency_p95,slo_misses\n",
    );
    for s in samples {
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
            s.t,
            s.load,
            opt(s.metric),
            s.threshold,
            s.keda_active,
            s.hpa_desired,
            s.spec_replicas,
            s.ready_replicas,
            s.starting_replicas,
            s.pending_replicas,
            s.ready_nodes,
            s.provisioning_nodes,
            s.in_flight,
            s.completed,
            opt(s.latency_p50),
            opt(s.latency_p95),
            s.slo_misses
        );
    }
    out
}
