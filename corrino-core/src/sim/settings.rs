//! What a simulation runs with: the plan's autoscaling translated into the controllers' settings, with the
//! scenario's figures and the defaults for what neither gives.

use serde::Serialize;

use super::SimError;
use super::cluster_autoscaler::{ClusterAutoscalerConfig, default_provisioning_seconds};
use super::hpa::{Behavior, PolicyType, ScalingPolicy, ScalingRules, SelectPolicy};
use super::keda;
use super::metrics::Query;
use super::pods::{DEFAULT_IMAGE_PULL_SECONDS, DEFAULT_POD_STARTUP_SECONDS, PodTiming};
use super::scenario::{MAX_SIMULATED_NODES, Scenario};
use super::serving::ServingModel;
use super::versions::KedaVersion;
use crate::autoscaling::{PodAutoscaling, QuerySource};
use crate::capacity::{Capacity, Unit};
use crate::plan::ServicePlan;

/// The values the simulation ran with, defaults resolved.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "SimulationSettings"))]
pub struct Settings {
    /// The node shape.
    pub shape: String,
    /// GPUs per node.
    pub gpus_per_node: u32,
    /// Replicas per node.
    pub replicas_per_node: u32,
    /// KEDA `minReplicaCount`.
    pub min_replicas: i32,
    /// KEDA `maxReplicaCount`.
    pub max_replicas: i32,
    /// The trigger threshold.
    pub threshold: f64,
    /// The threshold in milli-units, as the HPA receives it.
    pub threshold_milli: i64,
    /// `Value` or `AverageValue`.
    #[cfg_attr(feature = "schema", schemars(with = "crate::autoscaling::MetricType"))]
    pub metric_type: &'static str,
    /// The query: `default-latency` or the custom text.
    pub query: String,
    /// KEDA `pollingInterval`, seconds.
    pub polling_interval_seconds: i64,
    /// KEDA `cooldownPeriod`, seconds.
    pub cooldown_seconds: i64,
    /// HPA sync period, seconds.
    pub hpa_sync_period_seconds: i64,
    /// Prometheus scrape interval, seconds.
    pub scrape_interval_seconds: i64,
    /// The serving model of one replica.
    pub serving: ServingModel,
    /// Where the serving model comes from: `scenario`, `calibrated` (derived from the recipe's model, GPU and
    /// vLLM release: see `serving_basis`) or `a10-default` (a GPU without datasheet figures here).
    #[cfg_attr(
        feature = "schema",
        schemars(extend("enum" = ["scenario", "calibrated", "a10-default"]))
    )]
    pub serving_source: &'static str,
    /// What the calibrated serving model was derived from (also when the scenario gives its own).
    pub serving_basis: Option<super::calibration::ServingBasis>,
    /// Pod startup.
    pub pod_timing: PodTiming,
    /// The Cluster Autoscaler's parameters (including the provisioning delay).
    pub cluster_autoscaler: ClusterAutoscalerConfig,
    /// The latency bound, seconds.
    pub latency_bound_seconds: f64,
    /// Replicas at the start.
    pub initial_replicas: u32,
    /// Nodes at the start.
    pub initial_nodes: u32,
}

/// The query the recipe scales on, as the simulator evaluates it.
pub(super) fn build_query(pod: &PodAutoscaling) -> Result<Query, SimError> {
    match &pod.query {
        QuerySource::DefaultLatency => {
            Query::default_latency(pod.window_seconds.value, crate::promql::LATENCY_BOUND).map_err(
                |error| SimError::UnsupportedQuery {
                    query: "default-latency".into(),
                    reason: error.0,
                },
            )
        }
        QuerySource::Custom(text) => parse_custom(text),
    }
}

#[cfg(feature = "promql-check")]
fn parse_custom(text: &str) -> Result<Query, SimError> {
    Query::parse(text).map_err(|error| SimError::UnsupportedQuery {
        query: text.to_owned(),
        reason: error.0,
    })
}

#[cfg(not(feature = "promql-check"))]
fn parse_custom(text: &str) -> Result<Query, SimError> {
    Err(SimError::UnsupportedQuery {
        query: text.to_owned(),
        reason: "custom queries are evaluated only in builds with the `promql-check` feature"
            .into(),
    })
}

pub(super) fn to_i32(value: u32) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}

pub(super) fn to_i64(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

pub(super) fn resolve_settings(
    plan: &ServicePlan,
    pod: &PodAutoscaling,
    capacity: &Capacity,
    scenario: &Scenario,
) -> Result<Settings, SimError> {
    let replicas_per_node = capacity.replicas_per_node;
    if replicas_per_node == 0 {
        return Err(SimError::ReplicaDoesNotFit {
            shape: capacity.shape.clone(),
        });
    }
    let (gpu_share, utilization_per_pod) = match &capacity.unit {
        Unit::Gpus { per_replica } => (
            f64::from(*per_replica),
            f64::from(*per_replica) / f64::from(capacity.gpus_per_node.max(1)),
        ),
        Unit::MigSlice { per_gpu, .. } => (
            1.0 / f64::from((*per_gpu).max(1)),
            1.0 / f64::from(
                capacity
                    .gpus_per_node
                    .max(1)
                    .saturating_mul((*per_gpu).max(1)),
            ),
        ),
    };
    let calibrated = super::calibration::for_service(plan, gpu_share);
    let serving_basis = calibrated.as_ref().map(|(_, basis)| basis.clone());
    let (serving, serving_source) = match (&scenario.serving, calibrated) {
        (Some(model), _) => (*model, "scenario"),
        (None, Some((model, _))) => (model, "calibrated"),
        (None, None) => (ServingModel::a10_8b(), "a10-default"),
    };
    let has_gpus = capacity.gpus_per_node > 0;
    // The cold-start budget of planning's model assessment, so that the preview and the lints agree; the pod's
    // own startup only when the weights were counted, since without them the budget leaves out the longest part.
    let budget = plan.model.as_ref().map(|m| &m.startup);
    let provisioning = match (scenario.node_provisioning_seconds, budget) {
        (Some(seconds), _) => to_i64(seconds),
        (None, Some(budget)) => to_i64(budget.node_provisioning_seconds),
        (None, None) => default_provisioning_seconds(&capacity.shape, has_gpus),
    };
    let (bounds, enabled, field) = match (&plan.node_autoscaling, capacity.max_nodes) {
        (Some(nodes), _) => (
            (nodes.min_nodes, nodes.max_nodes),
            true,
            "/recipe_node_autoscaling_params/max_nodes",
        ),
        (None, Some(size)) => ((size, size), false, "/recipe_node_pool_size"),
        (None, None) => {
            let needed = capacity.nodes_needed.max(1);
            (
                (needed, needed),
                false,
                "/recipe_pod_autoscaling_params/max_replicas",
            )
        }
    };
    if bounds.0.max(bounds.1) > MAX_SIMULATED_NODES {
        return Err(SimError::PlanTooLarge {
            field: field.into(),
            value: u64::from(bounds.0.max(bounds.1)),
            max: u64::from(MAX_SIMULATED_NODES),
            what: "nodes",
        });
    }
    let mut cluster_autoscaler = ClusterAutoscalerConfig::from_timing(
        &scenario.autoscaler_timing,
        provisioning,
        bounds,
        replicas_per_node,
        utilization_per_pod,
    )?;
    cluster_autoscaler.enabled = enabled;
    let min_replicas = pod.min_replicas.value;
    let initial_replicas = scenario
        .initial_replicas
        .unwrap_or(min_replicas)
        .min(pod.max_replicas);
    let initial_nodes = match scenario.initial_nodes {
        Some(nodes) => nodes.clamp(cluster_autoscaler.min_nodes, cluster_autoscaler.max_nodes),
        None if enabled => initial_replicas
            .div_ceil(replicas_per_node)
            .clamp(cluster_autoscaler.min_nodes, cluster_autoscaler.max_nodes),
        None => cluster_autoscaler.max_nodes,
    };
    let threshold = pod.threshold.value;
    Ok(Settings {
        shape: capacity.shape.clone(),
        gpus_per_node: capacity.gpus_per_node,
        replicas_per_node,
        min_replicas: to_i32(min_replicas),
        max_replicas: to_i32(pod.max_replicas),
        threshold,
        threshold_milli: keda::metric_target_milli(KedaVersion::default(), threshold),
        metric_type: pod.metric_type.as_str(),
        query: match &pod.query {
            QuerySource::DefaultLatency => "default-latency".into(),
            QuerySource::Custom(text) => text.clone(),
        },
        polling_interval_seconds: i64::from(pod.polling_interval_seconds.value.max(1)),
        cooldown_seconds: i64::from(pod.cooldown_seconds.value),
        hpa_sync_period_seconds: to_i64(scenario.hpa_sync_period_seconds),
        scrape_interval_seconds: to_i64(scenario.scrape_interval_seconds),
        serving,
        serving_source,
        serving_basis,
        pod_timing: PodTiming {
            startup_seconds: match (scenario.pod_startup_seconds, budget) {
                (Some(seconds), _) => to_i64(seconds),
                (None, Some(budget)) if budget.weights_counted => {
                    to_i64(budget.pod_startup_seconds)
                }
                _ => DEFAULT_POD_STARTUP_SECONDS,
            },
            image_pull_seconds: match (scenario.image_pull_seconds, budget) {
                (Some(seconds), _) => to_i64(seconds),
                (None, Some(budget)) => to_i64(budget.image_pull_seconds),
                (None, None) => DEFAULT_IMAGE_PULL_SECONDS,
            },
        },
        cluster_autoscaler,
        latency_bound_seconds: scenario.latency_bound_seconds,
        initial_replicas,
        initial_nodes,
    })
}

/// The HPA's behavior as the ScaledObject's manifest writes it: one pod per period in each direction, the
/// stabilization windows, `selectPolicy: Max`.
pub(super) fn behavior(pod: &PodAutoscaling) -> Behavior {
    let rules = |window: u32, period: u32| ScalingRules {
        stabilization_window_seconds: Some(to_i32(window)),
        select_policy: Some(SelectPolicy::Max),
        policies: vec![ScalingPolicy {
            policy_type: PolicyType::Pods,
            value: 1,
            period_seconds: to_i32(period),
        }],
        tolerance: None,
    };
    Behavior {
        scale_up: Some(rules(
            pod.stabilization_window_up_seconds.value,
            pod.scaling_period_up_seconds.value,
        )),
        scale_down: Some(rules(
            pod.stabilization_window_down_seconds.value,
            pod.scaling_period_down_seconds.value,
        )),
    }
}
