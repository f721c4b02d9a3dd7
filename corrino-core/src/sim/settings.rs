//! What a simulation runs with: the deployed autoscaling ([`crate::deployed::Deployed`]) translated into the
//! controllers' settings, with the scenario's figures and the defaults for what neither gives.

use serde::Serialize;

use super::SimError;
use super::cluster_autoscaler::{ClusterAutoscalerConfig, Timing, default_provisioning_seconds};
use super::hpa::{self, Behavior, HpaSpec, MetricTarget};
use super::keda::{self, ScaledObjectSpec};
use super::metrics::Query;
use super::pods::{
    DEFAULT_IMAGE_PULL_SECONDS, DEFAULT_POD_STARTUP_SECONDS, PodManagement, PodTiming,
};
use super::scenario::{MAX_SIMULATED_NODES, Scenario};
use super::serving::ServingModel;
use super::versions::KedaVersion;
use crate::capacity::Unit;
use crate::deployed::{Autoscaler, Deployed, TriggerQuery};
use crate::target::Target;

/// The values the simulation ran with, defaults resolved.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "SimulationSettings"))]
pub struct Settings {
    /// The node shape.
    pub shape: String,
    /// GPUs per node.
    pub gpus_per_node: u32,
    /// Replicas per node (pods per node for a group's pods).
    pub replicas_per_node: u32,
    /// Pods per replica: a LeaderWorkerSet's group size, each pod on a node of its own (left out when 1).
    #[serde(skip_serializing_if = "is_one")]
    pub pods_per_replica: u32,
    /// `hpa` when a plain HorizontalPodAutoscaler scales the workload, without KEDA (left out for KEDA).
    #[serde(skip_serializing_if = "is_keda")]
    pub autoscaler: &'static str,
    /// KEDA `minReplicaCount` (the HPA's `minReplicas` without KEDA).
    pub min_replicas: i32,
    /// KEDA `maxReplicaCount` (the HPA's `maxReplicas` without KEDA).
    pub max_replicas: i32,
    /// The trigger threshold (the metric's target without KEDA).
    pub threshold: f64,
    /// The threshold in milli-units, as the HPA receives it.
    pub threshold_milli: i64,
    /// `Value` or `AverageValue`.
    #[cfg_attr(feature = "schema", schemars(with = "crate::autoscaling::MetricType"))]
    pub metric_type: &'static str,
    /// The query: `default-latency`, the custom text, or what a metric trace stands for.
    pub query: String,
    /// KEDA `pollingInterval`, seconds (0 without KEDA).
    pub polling_interval_seconds: i64,
    /// KEDA `cooldownPeriod`, seconds (0 without KEDA).
    pub cooldown_seconds: i64,
    /// HPA sync period, seconds.
    pub hpa_sync_period_seconds: i64,
    /// Prometheus scrape interval, seconds.
    pub scrape_interval_seconds: i64,
    /// The serving model of one replica.
    pub serving: ServingModel,
    /// Where the serving model comes from: `scenario`, `calibrated` (derived from the pod's model, GPU and
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
    /// The KEDA and Kubernetes releases simulated: the plan's target.
    pub target: Target,
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's `skip_serializing_if` passes a reference.
fn is_one(value: &u32) -> bool {
    *value == 1
}

#[allow(clippy::trivially_copy_pass_by_ref)]
fn is_keda(value: &&'static str) -> bool {
    *value == "keda"
}

/// What runs the simulation besides the settings: the controllers' specs as deployed.
#[derive(Clone, Debug)]
pub(super) struct Controllers {
    /// KEDA's scale loop, when KEDA scales the workload.
    pub(super) keda: Option<ScaledObjectSpec>,
    /// The HPA (KEDA's, or the plain one).
    pub(super) hpa: HpaSpec,
    /// The HPA's target of the metric.
    pub(super) target: MetricTarget,
    /// The trigger's type and target, for KEDA's metrics server.
    pub(super) trigger: keda::TriggerTarget,
    /// `ignoreNullValues`: the trigger's, else the scenario's.
    pub(super) ignore_null_values: bool,
    /// `activationThreshold`: the trigger's, else the scenario's.
    pub(super) activation_threshold: f64,
    /// How the workload's controller manages its pods.
    pub(super) management: PodManagement,
}

/// The query the trigger scales on, as the simulator evaluates it; an error when only a metric trace can stand
/// for it.
pub(super) fn build_query(deployed: &Deployed) -> Result<Query, SimError> {
    let trigger = match &deployed.autoscaler {
        Autoscaler::Keda(k) => &k.trigger,
        Autoscaler::Hpa(h) => {
            return Err(SimError::MetricTraceNeeded {
                at: h.metric.at.clone(),
                what: format!("the HorizontalPodAutoscaler's {} metric", h.metric.describe),
            });
        }
    };
    match &trigger.query {
        Some(TriggerQuery::DefaultLatency { window_seconds }) => {
            Query::default_latency(*window_seconds, crate::promql::LATENCY_BOUND).map_err(|error| {
                SimError::UnsupportedQuery {
                    query: "default-latency".into(),
                    reason: error.0,
                }
            })
        }
        Some(TriggerQuery::Custom(text)) => parse_custom(text),
        None => Err(SimError::MetricTraceNeeded {
            at: trigger.at.clone(),
            what: format!("the `{}` trigger", trigger.scaler),
        }),
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

/// The controllers as deployed, with the scenario's values for what the trigger leaves unset.
pub(super) fn controllers(
    deployed: &Deployed,
    scenario: &Scenario,
    version: KedaVersion,
) -> Controllers {
    let management = deployed.target.management;
    match &deployed.autoscaler {
        Autoscaler::Keda(k) => {
            let milli = keda::metric_target_milli(version, k.trigger.threshold);
            Controllers {
                keda: Some(k.spec),
                hpa: HpaSpec {
                    min_replicas: Some(k.spec.hpa_min_replicas()),
                    max_replicas: k.spec.hpa_max_replicas(),
                    behavior: k.behavior.clone(),
                },
                target: match k.trigger.metric_type {
                    keda::MetricType::Value => MetricTarget::Value { milli },
                    _ => MetricTarget::AverageValue { milli },
                },
                trigger: keda::TriggerTarget {
                    metric_type: k.trigger.metric_type,
                    target_milli: milli,
                },
                ignore_null_values: k
                    .trigger
                    .ignore_null_values
                    .unwrap_or(scenario.ignore_null_values),
                activation_threshold: k
                    .trigger
                    .activation_threshold
                    .unwrap_or(scenario.activation_threshold),
                management,
            }
        }
        Autoscaler::Hpa(h) => Controllers {
            keda: None,
            hpa: h.spec.clone(),
            target: h.metric.target,
            trigger: keda::TriggerTarget::default(),
            ignore_null_values: scenario.ignore_null_values,
            activation_threshold: scenario.activation_threshold,
            management,
        },
    }
}

/// The behavior the HPA runs with (for tests and callers that show it).
#[must_use]
pub fn behavior_of(deployed: &Deployed) -> Option<Behavior> {
    match &deployed.autoscaler {
        Autoscaler::Keda(k) => k.behavior.clone(),
        Autoscaler::Hpa(h) => h.spec.behavior.clone(),
    }
}

pub(super) fn resolve_settings(
    deployed: &Deployed,
    controllers: &Controllers,
    scenario: &Scenario,
) -> Result<Settings, SimError> {
    let target = &deployed.target;
    let shape = &target.shape;
    let gpus_per_node = shape.gpus.as_ref().map_or(0, |g| g.count);
    let (max_replicas, max_at) = deployed.max_replicas();
    let max_replicas = u32::try_from(max_replicas.max(0)).unwrap_or(0);
    let capacity = crate::capacity::plan_capacity(
        &shape.name,
        gpus_per_node,
        target.unit.clone(),
        max_replicas,
        None,
        crate::capacity::NodeBound::Unknown,
        target.group_size,
    );
    let Some(capacity) = capacity.filter(|c| c.replicas_per_node > 0) else {
        return Err(SimError::ReplicaDoesNotFit {
            shape: shape.name.to_string(),
        });
    };
    // A group's pods each take a whole node: one pod per node, whatever the GPUs say.
    let replicas_per_node = if target.group_size > 1 {
        1
    } else {
        capacity.replicas_per_node
    };
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
    let calibrated = super::calibration::for_replica(
        shape,
        target.image.as_deref(),
        target.model.as_ref(),
        gpu_share,
    );
    let serving_basis = calibrated.as_ref().map(|(_, basis)| basis.clone());
    let (serving, serving_source) = match (&scenario.serving, calibrated) {
        (Some(model), _) => (*model, "scenario"),
        (None, Some((model, _))) => (model, "calibrated"),
        (None, None) => (ServingModel::a10_8b(), "a10-default"),
    };
    let has_gpus = capacity.gpus_per_node > 0;
    // The cold-start budget of the pod's model assessment, as planning shows it; the pod's own startup only when
    // the weights were counted, since without them the budget leaves out the longest part.
    let budget = target.model.as_ref().map(|m| &m.startup);
    let provisioning = match (scenario.node_provisioning_seconds, budget) {
        (Some(seconds), _) => to_i64(seconds),
        (None, Some(budget)) => to_i64(budget.node_provisioning_seconds),
        (None, None) => default_provisioning_seconds(&capacity.shape, has_gpus),
    };
    let (bounds, enabled, field) = match (&deployed.pool, scenario.min_nodes, scenario.max_nodes) {
        (Some(pool), ..) => match &pool.autoscaled {
            Some(b) => ((b.min, b.max), true, b.at.clone()),
            None => (
                (pool.size, pool.size),
                false,
                format!("{}/nodeConfigDetails/size", pool.at),
            ),
        },
        (None, min, Some(max)) => (
            (min.unwrap_or(0).min(max), max),
            true,
            "/max_nodes".to_owned(),
        ),
        (None, Some(min), None) => ((min, min), false, "/min_nodes".to_owned()),
        (None, None, None) => {
            let needed = max_replicas
                .max(1)
                .saturating_mul(target.group_size)
                .div_ceil(replicas_per_node)
                .max(1);
            ((needed, needed), false, max_at)
        }
    };
    if bounds.0.max(bounds.1) > MAX_SIMULATED_NODES {
        return Err(SimError::PlanTooLarge {
            field,
            value: u64::from(bounds.0.max(bounds.1)),
            max: u64::from(MAX_SIMULATED_NODES),
            what: "nodes",
        });
    }
    let timing = match deployed.pool.as_ref().and_then(|p| p.timing) {
        Some(timing) => timing,
        None => Timing::parse(&scenario.autoscaler_timing)?,
    };
    let mut cluster_autoscaler = ClusterAutoscalerConfig::new(
        &timing,
        provisioning,
        bounds,
        replicas_per_node,
        utilization_per_pod,
    );
    cluster_autoscaler.enabled = enabled;
    let min_replicas = match &deployed.autoscaler {
        Autoscaler::Keda(k) => k.spec.min_replicas(),
        Autoscaler::Hpa(h) => h.spec.min_replicas.unwrap_or(hpa::DEFAULT_MIN_REPLICAS),
    };
    let max = u32::try_from(controllers.hpa.max_replicas.max(0)).unwrap_or(0);
    let initial_replicas = scenario
        .initial_replicas
        .unwrap_or(u32::try_from(min_replicas.max(0)).unwrap_or(0))
        .min(max);
    let initial_nodes = match scenario.initial_nodes {
        Some(nodes) => nodes.clamp(cluster_autoscaler.min_nodes, cluster_autoscaler.max_nodes),
        None if enabled => initial_replicas
            .saturating_mul(target.group_size)
            .div_ceil(replicas_per_node)
            .clamp(cluster_autoscaler.min_nodes, cluster_autoscaler.max_nodes),
        None => cluster_autoscaler.max_nodes,
    };
    let (threshold, query, metric_type, polling, cooldown) = match &deployed.autoscaler {
        Autoscaler::Keda(k) => (
            k.trigger.threshold,
            match &k.trigger.query {
                Some(TriggerQuery::DefaultLatency { .. }) => "default-latency".to_owned(),
                Some(TriggerQuery::Custom(text)) => text.clone(),
                None => format!("the `{}` trigger's value", k.trigger.scaler),
            },
            k.trigger.metric_type,
            k.spec.polling_interval_seconds(),
            k.spec.cooldown_period_seconds(),
        ),
        Autoscaler::Hpa(h) => (
            h.metric.threshold,
            format!("the {} metric", h.metric.describe),
            match h.metric.target {
                MetricTarget::Value { .. } => keda::MetricType::Value,
                MetricTarget::AverageValue { .. } => keda::MetricType::AverageValue,
            },
            0,
            0,
        ),
    };
    let threshold_milli = match controllers.target {
        MetricTarget::Value { milli } | MetricTarget::AverageValue { milli } => milli,
    };
    Ok(Settings {
        shape: capacity.shape.clone(),
        gpus_per_node: capacity.gpus_per_node,
        replicas_per_node,
        pods_per_replica: target.group_size,
        autoscaler: match deployed.autoscaler {
            Autoscaler::Keda(_) => "keda",
            Autoscaler::Hpa(_) => "hpa",
        },
        min_replicas,
        max_replicas: controllers.hpa.max_replicas,
        threshold,
        threshold_milli,
        metric_type: match metric_type {
            keda::MetricType::Value => "Value",
            _ => "AverageValue",
        },
        query,
        polling_interval_seconds: polling,
        cooldown_seconds: cooldown,
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
        target: deployed.releases,
    })
}
