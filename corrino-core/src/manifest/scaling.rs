//! Pod autoscaling objects: the KEDA ScaledObject, and the Prometheus Operator monitor that feeds its query.
//!
//! The default query selects the recipe's series by labels that the chosen [`ScrapeMode`] produces:
//! - `annotations`: the plain Prometheus chart's `kubernetes-pods` job copies pod labels onto series (with `.`
//!   and `/` turned into `_`) and adds `namespace`, so the query selects `namespace` and `corrino_oci_recipe`;
//! - `pod-monitor` / `service-monitor`: the monitor copies the recipe label (`podTargetLabels` / `targetLabels`),
//!   and the operator adds `namespace`, so the query selects the same two labels;
//! - `none`: scraping is configured elsewhere, as upstream's control plane does with a static target per
//!   Service, so the query selects upstream's `instance="recipe-<name>.<namespace>:80"`.
#![allow(clippy::needless_update)] // k8s-openapi structs differ across Kubernetes versions: see `workload`.

use std::collections::BTreeMap;

use k8s_openapi::api::autoscaling::v2::{
    HPAScalingPolicy, HPAScalingRules, HorizontalPodAutoscalerBehavior,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};

use super::keda::{
    AdvancedConfig, HorizontalPodAutoscalerConfig, MetricType as KedaMetricType, ScaleTarget,
    ScaleTrigger, ScaledObject, ScaledObjectSpec,
};
use super::labels::{RECIPE_LABEL, object_labels, pod_selector};
use super::monitoring::{
    Endpoint, PodMetricsEndpoint, PodMonitor, PodMonitorSpec, ServiceMonitor, ServiceMonitorSpec,
};
use super::pod::HTTP_PORT_NAME;
use super::{Manifest, RenderOptions, ScrapeMode};
use crate::autoscaling::{MetricType, PodAutoscaling, QuerySource, Source};
use crate::plan::ServicePlan;
use crate::promql::DefaultQuery;
use crate::recipe::CanonicalName;
use crate::target::{KedaVersion, admission};

/// The query KEDA runs for a plan's pod autoscaling.
#[must_use]
pub fn query(pod: &PodAutoscaling, name: &CanonicalName, options: &RenderOptions) -> String {
    match &pod.query {
        QuerySource::Custom(q) => q.clone(),
        QuerySource::DefaultLatency => DefaultQuery::for_deployment(
            name,
            &options.namespace,
            pod.window_seconds.value,
            options.scrape,
        )
        .to_string(),
    }
}

/// A threshold as KEDA reads it (a decimal string).
fn threshold_text(value: f64) -> String {
    let text = format!("{value}");
    if text.contains(['e', 'E']) {
        format!("{value:.6}")
    } else {
        text
    }
}

fn rules(window: u32, period: u32) -> HPAScalingRules {
    HPAScalingRules {
        stabilization_window_seconds: Some(i32::try_from(window).unwrap_or(i32::MAX)),
        select_policy: Some("Max".into()),
        // One pod per period, in both directions: upstream's "another pod" wording.
        policies: Some(vec![HPAScalingPolicy {
            type_: "Pods".into(),
            value: 1,
            period_seconds: i32::try_from(period).unwrap_or(i32::MAX),
        }]),
        ..HPAScalingRules::default()
    }
}

/// The ScaledObject of a plan with pod autoscaling, for the KEDA release the plan was checked for.
#[must_use]
pub fn scaled_object(plan: &ServicePlan, options: &RenderOptions) -> Option<ScaledObject> {
    let pod = plan.pod_autoscaling.as_ref()?;
    Some(scaled_object_for(
        &plan.workload.name,
        plan.workload.recipe.recipe_id.as_deref(),
        pod,
        plan.multinode.is_some(),
        plan.target.keda,
        options,
    ))
}

/// `pollingInterval` as rendered for `keda`: the recipe's, or upstream's default, except that the default is left
/// out where the release's admission webhook would warn that it does nothing (KEDA 2.20 with `min_replicas` ≥ 1:
/// [`admission::polling_interval_relevant`]). KEDA then uses its own default, 30 s, for a loop that moves nothing.
/// A value the recipe writes is kept, and planning warns about it (`keda-admission-warning`).
#[must_use]
pub fn polling_interval(pod: &PodAutoscaling, keda: KedaVersion) -> Option<u32> {
    let pointless = keda.admission_warns_irrelevant_timing()
        && !admission::polling_interval_relevant(Some(min_replica_count(pod)), None, false);
    let unwritten = pod.polling_interval_seconds.source == Source::Default;
    (!(pointless && unwritten)).then_some(pod.polling_interval_seconds.value)
}

/// `cooldownPeriod` as rendered for `keda`, left out on the same terms as [`polling_interval`] (KEDA then uses
/// 300 s, for a scale to zero that never comes).
#[must_use]
pub fn cooldown_period(pod: &PodAutoscaling, keda: KedaVersion) -> Option<u32> {
    let pointless = keda.admission_warns_irrelevant_timing()
        && !admission::cooldown_period_relevant(Some(min_replica_count(pod)), None);
    let unwritten = pod.cooldown_seconds.source == Source::Default;
    (!(pointless && unwritten)).then_some(pod.cooldown_seconds.value)
}

fn min_replica_count(pod: &PodAutoscaling) -> i32 {
    i32::try_from(pod.min_replicas.value).unwrap_or(i32::MAX)
}

/// The ScaledObject of a service's pod autoscaling, from its parts: planning builds it too, before there is a
/// checked plan, to check it against the target's admission webhook.
///
/// The fields written are those of KEDA 2.17's CRD, which every later release keeps; the HPA behavior has no
/// `tolerance`, which 2.17's CRD would prune (the test `tests/tests/target_crds.rs` walks each release's CRD).
#[must_use]
pub fn scaled_object_for(
    name: &CanonicalName,
    recipe_id: Option<&str>,
    pod: &PodAutoscaling,
    multinode: bool,
    keda: KedaVersion,
    options: &RenderOptions,
) -> ScaledObject {
    let int = |v: u32| i32::try_from(v).unwrap_or(i32::MAX);
    let server = pod
        .server_address
        .clone()
        .unwrap_or_else(|| options.prometheus_address.clone());
    let metadata = BTreeMap::from([
        ("serverAddress".to_owned(), server),
        ("query".to_owned(), query(pod, name, options)),
        ("threshold".to_owned(), threshold_text(pod.threshold.value)),
    ]);
    ScaledObject {
        metadata: ObjectMeta {
            name: Some(name.as_str().to_owned()),
            namespace: Some(options.namespace.clone()),
            labels: Some(object_labels(
                name,
                "autoscaling",
                recipe_id,
                &options.labels,
            )),
            annotations: (!options.annotations.is_empty()).then(|| options.annotations.clone()),
            ..ObjectMeta::default()
        },
        spec: ScaledObjectSpec {
            // A multinode service scales its LeaderWorkerSet, whose scale subresource counts groups.
            scale_target_ref: if multinode {
                ScaleTarget {
                    api_version: Some("leaderworkerset.x-k8s.io/v1".into()),
                    kind: Some("LeaderWorkerSet".into()),
                    name: name.as_str().to_owned(),
                    env_source_container_name: None,
                }
            } else {
                ScaleTarget {
                    api_version: Some("apps/v1".into()),
                    kind: Some("Deployment".into()),
                    name: name.as_str().to_owned(),
                    env_source_container_name: None,
                }
            },
            polling_interval: polling_interval(pod, keda).map(int),
            cooldown_period: cooldown_period(pod, keda).map(int),
            min_replica_count: Some(int(pod.min_replicas.value)),
            max_replica_count: Some(int(pod.max_replicas)),
            advanced: Some(AdvancedConfig {
                horizontal_pod_autoscaler_config: Some(HorizontalPodAutoscalerConfig {
                    name: None,
                    behavior: Some(HorizontalPodAutoscalerBehavior {
                        scale_up: Some(rules(
                            pod.stabilization_window_up_seconds.value,
                            pod.scaling_period_up_seconds.value,
                        )),
                        scale_down: Some(rules(
                            pod.stabilization_window_down_seconds.value,
                            pod.scaling_period_down_seconds.value,
                        )),
                    }),
                }),
                ..AdvancedConfig::default()
            }),
            triggers: vec![ScaleTrigger {
                type_: "prometheus".into(),
                name: Some("latency".into()).filter(|_| pod.query == QuerySource::DefaultLatency),
                metric_type: Some(match pod.metric_type {
                    MetricType::Value => KedaMetricType::Value,
                    MetricType::AverageValue => KedaMetricType::AverageValue,
                }),
                metadata,
                ..ScaleTrigger::default()
            }],
            ..ScaledObjectSpec::default()
        },
    }
}

/// The Prometheus Operator monitor of the chosen scrape mode, if it needs one.
#[must_use]
pub fn monitor(plan: &ServicePlan, options: &RenderOptions) -> Option<Manifest> {
    let name = &plan.workload.name;
    if matches!(options.scrape, ScrapeMode::Annotations | ScrapeMode::None) {
        return None;
    }
    let metadata = ObjectMeta {
        name: Some(name.as_str().to_owned()),
        namespace: Some(options.namespace.clone()),
        labels: Some(object_labels(
            name,
            "monitoring",
            plan.workload.recipe.recipe_id.as_deref(),
            &options.labels,
        )),
        annotations: (!options.annotations.is_empty()).then(|| options.annotations.clone()),
        ..ObjectMeta::default()
    };
    let selector = LabelSelector {
        match_labels: Some(pod_selector(name)),
        ..LabelSelector::default()
    };
    match options.scrape {
        ScrapeMode::Annotations | ScrapeMode::None => None,
        ScrapeMode::PodMonitor => Some(Manifest::PodMonitor(Box::new(PodMonitor {
            metadata,
            spec: PodMonitorSpec {
                selector,
                pod_target_labels: Some(vec![RECIPE_LABEL.into()]),
                pod_metrics_endpoints: Some(vec![PodMetricsEndpoint {
                    port: Some(HTTP_PORT_NAME.into()),
                    path: Some("/metrics".into()),
                    ..PodMetricsEndpoint::default()
                }]),
                ..PodMonitorSpec::default()
            },
        }))),
        ScrapeMode::ServiceMonitor => Some(Manifest::ServiceMonitor(Box::new(ServiceMonitor {
            metadata,
            spec: ServiceMonitorSpec {
                selector,
                target_labels: Some(vec![RECIPE_LABEL.into()]),
                endpoints: vec![Endpoint {
                    port: Some(HTTP_PORT_NAME.into()),
                    path: Some("/metrics".into()),
                    ..Endpoint::default()
                }],
                ..ServiceMonitorSpec::default()
            },
        }))),
    }
}
