//! What a cluster runs for one autoscaled service, as the simulator needs it: the autoscaler (a KEDA ScaledObject or
//! an `autoscaling/v2` HorizontalPodAutoscaler) with its durations and quantities parsed, the workload it scales
//! (a Deployment, a StatefulSet or a LeaderWorkerSet: its replicas, its pod template's GPUs, image, command and
//! storage, from which the model is assessed), and the node pool its pods land on with the Cluster Autoscaler's
//! bounds and timing.
//!
//! This is the simulator's only input. A recipe is simulated by rendering it ([`crate::manifest::render`]) and
//! reading the rendered objects back here ([`Deployed::from_manifests`]); Kubernetes YAML, from a file or a
//! `kubectl get -o yaml` dump, is read here too ([`read`]). The autoscaling intent is therefore translated once,
//! by the renderer, and what the simulator previews is what is applied.
//!
//! Where each figure comes from:
//!
//! | figure | from |
//! |---|---|
//! | replica bounds, polling, cooldown, fallback, idle count, pause annotations | the ScaledObject's `spec` and annotations (KEDA's defaults for what is unset), or the HPA's `minReplicas`/`maxReplicas` |
//! | the HPA's behavior | `spec.advanced.horizontalPodAutoscalerConfig.behavior`, or the HPA's `spec.behavior` |
//! | the metric, its target and type | the ScaledObject's one trigger (`threshold`, `metricType`, `activationThreshold`, `ignoreNullValues`, a Prometheus `query`), or the HPA's one metric |
//! | pods per replica | 1, or a LeaderWorkerSet's `size` |
//! | the node shape | the pod template's `node.kubernetes.io/instance-type` selector (or the node pool document's shape) |
//! | GPUs per pod | the container's `nvidia.com/gpu` / `amd.com/gpu` / `nvidia.com/mig-<profile>` limits |
//! | the model, its fit and cold-start budget, the serving speed | [`crate::model::assess`] on the recipe fields the pod template holds: image, command and arguments, environment, Object Storage inputs (copied in by init containers), File Storage and node directories, GPUs, group size |
//! | node bounds | the Cluster Autoscaler add-on's `nodes` or `nodeGroupAutoDiscovery`; a pool without it keeps its `size`; without node pool documents, the scenario's `min_nodes`/`max_nodes`, else the nodes `maxReplicas` needs, fixed |
//! | Cluster Autoscaler timing | the add-on's keys (the add-on's defaults for keys it leaves out); without the add-on, the scenario's `autoscaler_timing` |
//!
//! The recipe itself is not read: a figure the objects do not hold (the latency bound, the load, the serving speed
//! when the model is unknown) is the scenario's.

mod nodes;
mod pod;
mod read;

use k8s_openapi::api::apps::v1::{Deployment, StatefulSet};
use k8s_openapi::api::autoscaling::v2::{
    HPAScalingRules, HorizontalPodAutoscaler, HorizontalPodAutoscalerBehavior, MetricSpec,
};
use k8s_openapi::api::core::v1::PodTemplateSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::Serialize;

use crate::capacity::Unit;
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Pointer};
use crate::manifest::Manifest;
use crate::manifest::keda::{MetricType as KedaMetricType, ScaledObject};
use crate::manifest::lws::LeaderWorkerSet;
use crate::manifest::oci::{ClusterAutoscalerAddon, CreateNodePoolDetails};
use crate::model::ModelAssessment;
use crate::plan::PlanOptions;
use crate::promql::{DefaultQuery, LATENCY_BOUND};
use crate::quantity::Quantity;
use crate::shape::Shape;
use crate::sim::cluster_autoscaler::Timing;
use crate::sim::hpa::{self, Behavior, PolicyType, ScalingPolicy, ScalingRules, SelectPolicy};
use crate::sim::keda::{self, Fallback, FallbackBehavior, ScaledObjectSpec, ScalingAnnotations};

pub use read::{InputKind, detect, read};

/// One autoscaled service as deployed.
#[derive(Clone, Debug, PartialEq)]
pub struct Deployed {
    /// What scales it.
    pub autoscaler: Autoscaler,
    /// What is scaled.
    pub target: Target,
    /// Where its pods run, when node pool documents were given.
    pub pool: Option<Pool>,
    /// The KEDA and Kubernetes releases it runs on (the plan options' target): objects do not say, and the
    /// controllers' behavior depends on them.
    pub releases: crate::target::Target,
}

/// The autoscaler of a [`Deployed`] service.
#[derive(Clone, Debug, PartialEq)]
pub enum Autoscaler {
    /// A KEDA ScaledObject, and the HPA it creates.
    Keda(Box<KedaScaling>),
    /// A plain `autoscaling/v2` HorizontalPodAutoscaler.
    Hpa(Box<HpaScaling>),
}

/// A ScaledObject, as the simulator's KEDA loop and HPA read it.
#[derive(Clone, Debug, PartialEq)]
pub struct KedaScaling {
    /// Where it is in the input.
    pub at: String,
    /// The fields of the scale loop.
    pub spec: ScaledObjectSpec,
    /// The behavior of the HPA KEDA creates (`None`: the controller's defaults, without a behavior).
    pub behavior: Option<Behavior>,
    /// Its trigger.
    pub trigger: Trigger,
}

/// The one trigger of a ScaledObject.
#[derive(Clone, Debug, PartialEq)]
pub struct Trigger {
    /// Where it is in the input.
    pub at: String,
    /// The scaler (`prometheus`, `kafka`, …).
    pub scaler: String,
    /// How the HPA reads its value.
    pub metric_type: keda::MetricType,
    /// `threshold` (for the Prometheus scaler; other scalers' target values are read from their own keys).
    pub threshold: f64,
    /// `activationThreshold`, when written.
    pub activation_threshold: Option<f64>,
    /// `ignoreNullValues`, when written.
    pub ignore_null_values: Option<bool>,
    /// A Prometheus trigger's query.
    pub query: Option<TriggerQuery>,
}

/// A Prometheus trigger's query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TriggerQuery {
    /// The default query corrino renders (the fraction of requests slower than 5 s), over this window; the
    /// simulator evaluates it on its own histograms.
    DefaultLatency {
        /// The `rate()` window, seconds.
        window_seconds: u64,
    },
    /// Any other query, evaluated when the simulator's PromQL subset covers it.
    Custom(String),
}

/// A plain HorizontalPodAutoscaler.
#[derive(Clone, Debug, PartialEq)]
pub struct HpaScaling {
    /// Where it is in the input.
    pub at: String,
    /// Its bounds and behavior.
    pub spec: hpa::HpaSpec,
    /// Its one metric.
    pub metric: HpaMetric,
}

/// The one metric of a HorizontalPodAutoscaler, which a metric trace replays.
#[derive(Clone, Debug, PartialEq)]
pub struct HpaMetric {
    /// Where it is in the input.
    pub at: String,
    /// What it is, in words (`External vllm_waiting`, `Resource cpu`).
    pub describe: String,
    /// Its target, in milli-units, with the formula the controller applies.
    pub target: hpa::MetricTarget,
    /// The target as a number, for the timeline.
    pub threshold: f64,
}

/// The kind of a scaled workload.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum TargetKind {
    /// `apps/v1` Deployment.
    Deployment,
    /// `apps/v1` StatefulSet.
    StatefulSet,
    /// `leaderworkerset.x-k8s.io/v1` LeaderWorkerSet.
    LeaderWorkerSet,
}

/// The workload a [`Deployed`] autoscaler scales.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    /// Where it is in the input.
    pub at: String,
    /// Its kind.
    pub kind: TargetKind,
    /// Its name.
    pub name: String,
    /// How its controller creates and deletes pods.
    pub management: crate::sim::pods::PodManagement,
    /// Pods per replica: 1, or a LeaderWorkerSet's group size (each pod on a node of its own).
    pub group_size: u32,
    /// The node shape its pods select.
    pub shape: Shape,
    /// What one pod takes from a node.
    pub unit: Unit,
    /// The serving container's image.
    pub image: Option<String>,
    /// The model assessment of the pod template (a vLLM or NIM server), as planning assesses a recipe's.
    pub model: Option<ModelAssessment>,
}

/// A node pool: its size and, with the Cluster Autoscaler add-on, its bounds and timing.
#[derive(Clone, Debug, PartialEq)]
pub struct Pool {
    /// Where its document is in the input.
    pub at: String,
    /// Its shape.
    pub shape: String,
    /// Its nodes at creation.
    pub size: u32,
    /// The Cluster Autoscaler's bounds of it, and where they are written, when the add-on scales it.
    pub autoscaled: Option<NodeBounds>,
    /// The add-on's timing, when the input holds the add-on.
    pub timing: Option<Timing>,
}

/// A node group's bounds in the Cluster Autoscaler add-on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeBounds {
    /// The fewest nodes.
    pub min: u32,
    /// The most nodes.
    pub max: u32,
    /// Where they are written.
    pub at: String,
}

/// One object of the input, where it is.
#[derive(Clone, Debug)]
pub struct Located<T> {
    /// A JSON pointer to it in the input.
    pub at: Pointer,
    /// The object.
    pub object: T,
}

/// The objects of the input the simulator reads; everything else (Services, Ingresses, monitors) is left aside.
#[derive(Clone, Debug, Default)]
pub struct Objects {
    /// Deployments.
    pub deployments: Vec<Located<Deployment>>,
    /// StatefulSets.
    pub stateful_sets: Vec<Located<StatefulSet>>,
    /// LeaderWorkerSets.
    pub leader_worker_sets: Vec<Located<LeaderWorkerSet>>,
    /// KEDA ScaledObjects.
    pub scaled_objects: Vec<Located<ScaledObject>>,
    /// `autoscaling/v2` HorizontalPodAutoscalers.
    pub hpas: Vec<Located<HorizontalPodAutoscaler>>,
    /// OCI node pool documents.
    pub node_pools: Vec<Located<CreateNodePoolDetails>>,
    /// OKE Cluster Autoscaler add-on documents.
    pub cluster_autoscalers: Vec<Located<ClusterAutoscalerAddon>>,
}

impl Objects {
    /// The objects of a render, each at its index in the list.
    #[must_use]
    pub fn of_manifests(manifests: &[Manifest]) -> Self {
        let mut objects = Objects::default();
        for (i, manifest) in manifests.iter().enumerate() {
            let at = Pointer::root().index(i);
            match manifest {
                Manifest::Deployment(d) => objects.deployments.push(located(at, d)),
                Manifest::LeaderWorkerSet(l) => objects.leader_worker_sets.push(located(at, l)),
                Manifest::ScaledObject(s) => objects.scaled_objects.push(located(at, s)),
                Manifest::NodePool(p) => objects.node_pools.push(located(at, p)),
                Manifest::ClusterAutoscaler(c) => objects.cluster_autoscalers.push(located(at, c)),
                _ => {}
            }
        }
        objects
    }
}

fn located<T: Clone>(at: Pointer, object: &T) -> Located<T> {
    Located {
        at,
        object: object.clone(),
    }
}

impl Deployed {
    /// The service a render describes: a checked plan's objects read back as the simulator reads Kubernetes YAML.
    ///
    /// # Errors
    /// What the objects lack (a render with no ScaledObject, a shape not in the catalog), with paths into the list.
    pub fn from_manifests(
        manifests: &[Manifest],
        options: &PlanOptions,
    ) -> Result<Self, Diagnostics> {
        Self::from_objects(&Objects::of_manifests(manifests), options)
    }

    /// The service that the objects describe: their one autoscaler, its target and the target's node pool.
    ///
    /// # Errors
    /// Every problem found: no autoscaler or several, a target that is missing or of a kind not simulated, a
    /// trigger or metric the simulator does not model, a pod template without a shape or GPUs, an unreadable value.
    pub fn from_objects(objects: &Objects, options: &PlanOptions) -> Result<Self, Diagnostics> {
        let mut diagnostics = Diagnostics::new();
        let found = objects.scaled_objects.len() + objects.hpas.len();
        if found == 0 {
            diagnostics.push(
                Diagnostic::error(
                    "",
                    Code::NoAutoscaler,
                    "the input holds no KEDA ScaledObject and no autoscaling/v2 HorizontalPodAutoscaler: there is no scaling to simulate",
                )
                .with_hint("add the ScaledObject (`kubectl get scaledobject NAME -o yaml`) or the HPA, with the workload it scales"),
            );
            return Err(diagnostics);
        }
        if found > 1 {
            let names: Vec<String> =
                objects
                    .scaled_objects
                    .iter()
                    .map(|s| format!("ScaledObject/{}", name_of(&s.object.metadata)))
                    .chain(objects.hpas.iter().map(|h| {
                        format!("HorizontalPodAutoscaler/{}", name_of(&h.object.metadata))
                    }))
                    .collect();
            let at = objects
                .scaled_objects
                .get(1)
                .map(|s| s.at.clone())
                .or_else(|| {
                    objects
                        .hpas
                        .get(usize::from(!objects.scaled_objects.is_empty()))
                        .map(|h| h.at.clone())
                })
                .unwrap_or_default();
            diagnostics.push(
                Diagnostic::error(
                    at,
                    Code::SeveralAutoscalers,
                    format!(
                        "the input holds {found} autoscalers ({}); the simulator runs one",
                        names.join(", ")
                    ),
                )
                .with_hint("keep one autoscaler and the workload it scales in the input"),
            );
            return Err(diagnostics);
        }
        let (autoscaler, reference) = match (objects.scaled_objects.first(), objects.hpas.first()) {
            (Some(so), _) => {
                let reference = TargetRef {
                    kind: so
                        .object
                        .spec
                        .scale_target_ref
                        .kind
                        .clone()
                        .unwrap_or_else(|| "Deployment".into()),
                    name: so.object.spec.scale_target_ref.name.clone(),
                    namespace: so.object.metadata.namespace.clone(),
                    at: so.at.key("spec").key("scaleTargetRef"),
                };
                (
                    keda_scaling(so, &mut diagnostics).map(|k| Autoscaler::Keda(Box::new(k))),
                    reference,
                )
            }
            (None, Some(h)) => {
                let reference = TargetRef {
                    kind: h.object.spec.scale_target_ref.kind.clone(),
                    name: h.object.spec.scale_target_ref.name.clone(),
                    namespace: h.object.metadata.namespace.clone(),
                    at: h.at.key("spec").key("scaleTargetRef"),
                };
                (
                    hpa_scaling(h, &mut diagnostics).map(|h| Autoscaler::Hpa(Box::new(h))),
                    reference,
                )
            }
            (None, None) => unreachable!("one autoscaler was found above"),
        };
        let target = target(objects, &reference, options, &mut diagnostics);
        let pool = target
            .as_ref()
            .and_then(|(t, selector)| nodes::pool(objects, t, selector, &mut diagnostics));
        match (autoscaler, target) {
            (Some(autoscaler), Some((target, _))) if !diagnostics.has_errors() => Ok(Deployed {
                autoscaler,
                target,
                pool,
                releases: options.target,
            }),
            _ => Err(diagnostics),
        }
    }

    /// The replica bounds: `(min, max)` as the HPA holds them, and where `max` is written.
    #[must_use]
    pub fn max_replicas(&self) -> (i32, String) {
        match &self.autoscaler {
            Autoscaler::Keda(k) => (
                k.spec.hpa_max_replicas(),
                format!("{}/spec/maxReplicaCount", k.at),
            ),
            Autoscaler::Hpa(h) => (h.spec.max_replicas, format!("{}/spec/maxReplicas", h.at)),
        }
    }
}

fn name_of(meta: &ObjectMeta) -> &str {
    meta.name.as_deref().unwrap_or("<unnamed>")
}

/// What an autoscaler's `scaleTargetRef` names.
struct TargetRef {
    kind: String,
    name: String,
    namespace: Option<String>,
    at: Pointer,
}

/// Whether an object of `meta` is the one named (a namespace on only one side matches any).
fn named(meta: &ObjectMeta, reference: &TargetRef) -> bool {
    meta.name.as_deref() == Some(reference.name.as_str())
        && match (&meta.namespace, &reference.namespace) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        }
}

/// The scale target, and its pod template's node selector.
fn target(
    objects: &Objects,
    reference: &TargetRef,
    options: &PlanOptions,
    diagnostics: &mut Diagnostics,
) -> Option<(Target, std::collections::BTreeMap<String, String>)> {
    use crate::sim::pods::PodManagement;
    let found: Option<(
        Pointer,
        TargetKind,
        PodManagement,
        u32,
        &PodTemplateSpec,
        Pointer,
    )> = match reference.kind.as_str() {
        "Deployment" => objects
            .deployments
            .iter()
            .find(|d| named(&d.object.metadata, reference))
            .map(|d| {
                (
                    d.at.clone(),
                    TargetKind::Deployment,
                    PodManagement::ReplicaSet,
                    1,
                    &d.object.spec.template,
                    d.at.key("spec").key("template"),
                )
            }),
        "StatefulSet" => objects
            .stateful_sets
            .iter()
            .find(|s| named(&s.object.metadata, reference))
            .map(|s| {
                let parallel = s.object.spec.pod_management_policy.as_deref() == Some("Parallel");
                (
                    s.at.clone(),
                    TargetKind::StatefulSet,
                    if parallel {
                        PodManagement::Parallel
                    } else {
                        PodManagement::OrderedReady
                    },
                    1,
                    &s.object.spec.template,
                    s.at.key("spec").key("template"),
                )
            }),
        "LeaderWorkerSet" => objects
            .leader_worker_sets
            .iter()
            .find(|l| named(&l.object.metadata, reference))
            .map(|l| {
                let template = &l.object.spec.leader_worker_template;
                (
                    l.at.clone(),
                    TargetKind::LeaderWorkerSet,
                    PodManagement::Parallel,
                    u32::try_from(template.size).unwrap_or(0),
                    &template.leader_template,
                    l.at.key("spec")
                        .key("leaderWorkerTemplate")
                        .key("leaderTemplate"),
                )
            }),
        other => {
            diagnostics.push(
                    Diagnostic::error(
                        reference.at.key("kind"),
                        Code::UnsupportedTarget,
                        format!("the autoscaler scales a {other}; the simulator runs Deployments, StatefulSets and LeaderWorkerSets"),
                    )
                    .with_hint("simulate a Deployment, StatefulSet or LeaderWorkerSet with the same pod template"),
                );
            return None;
        }
    };
    let Some((at, kind, management, group_size, template, template_at)) = found else {
        diagnostics.push(
            Diagnostic::error(
                reference.at.key("name"),
                Code::ScaleTargetMissing,
                format!(
                    "the autoscaler scales the {} `{}`, which is not in the input",
                    reference.kind, reference.name
                ),
            )
            .with_hint(format!(
                "add it: `kubectl get {} {} -o yaml` (as a `---` document, or in the same `List`)",
                reference.kind.to_ascii_lowercase(),
                reference.name
            )),
        );
        return None;
    };
    if group_size == 0 {
        diagnostics.push(Diagnostic::error(
            at.key("spec").key("leaderWorkerTemplate").key("size"),
            Code::InvalidValue,
            "a LeaderWorkerSet's group size must be at least 1",
        ));
        return None;
    }
    let pod = pod::read(
        template,
        &template_at,
        group_size,
        objects,
        options,
        diagnostics,
    )?;
    Some((
        Target {
            at: at.as_str().to_owned(),
            kind,
            name: reference.name.clone(),
            management,
            group_size,
            shape: pod.shape,
            unit: pod.unit,
            image: pod.image,
            model: pod.model,
        },
        pod.node_selector,
    ))
}

/// A decimal setting of a trigger (`threshold`, `activationThreshold`), as KEDA reads it (`strconv.ParseFloat`).
fn decimal(
    metadata: &std::collections::BTreeMap<String, String>,
    key: &str,
    at: &Pointer,
    diagnostics: &mut Diagnostics,
) -> Option<f64> {
    let text = metadata.get(key)?;
    match text.trim().parse::<f64>() {
        Ok(value) if value.is_finite() => Some(value),
        _ => {
            diagnostics.push(Diagnostic::error(
                at.key("metadata").key(key),
                Code::InvalidValue,
                format!("`{key}` is `{text}`, which is not a number KEDA reads"),
            ));
            None
        }
    }
}

fn keda_scaling(so: &Located<ScaledObject>, diagnostics: &mut Diagnostics) -> Option<KedaScaling> {
    let spec = &so.object.spec;
    let at = so.at.key("spec");
    if spec
        .advanced
        .as_ref()
        .is_some_and(|a| a.scaling_modifiers.is_some())
    {
        diagnostics.push(
            Diagnostic::error(
                at.key("advanced").key("scalingModifiers"),
                Code::UnsupportedAutoscaling,
                "the ScaledObject combines its triggers with `scalingModifiers`, which the simulator does not model",
            )
            .with_hint("simulate one trigger without the formula, replaying the formula's value with a metric trace"),
        );
    }
    let triggers = &spec.triggers;
    if triggers.len() != 1 {
        diagnostics.push(
            Diagnostic::error(
                at.key("triggers"),
                Code::UnsupportedAutoscaling,
                format!(
                    "the ScaledObject has {} triggers; the simulator replays one metric",
                    triggers.len()
                ),
            )
            .with_hint(
                "keep the trigger that decides the scaling, or simulate each trigger on its own",
            ),
        );
        return None;
    }
    let trigger = &triggers[0];
    let trigger_at = at.key("triggers").index(0);
    let metric_type = match trigger.metric_type {
        None | Some(KedaMetricType::AverageValue) => keda::MetricType::AverageValue,
        Some(KedaMetricType::Value) => keda::MetricType::Value,
        Some(KedaMetricType::Utilization) => {
            diagnostics.push(Diagnostic::error(
                trigger_at.key("metricType"),
                Code::UnsupportedAutoscaling,
                "`Utilization` is a CPU or memory scaler's target, which the simulator does not model",
            ));
            return None;
        }
    };
    let prometheus = trigger.type_ == "prometheus";
    let threshold = if prometheus {
        let Some(threshold) = decimal(&trigger.metadata, "threshold", &trigger_at, diagnostics)
        else {
            if !trigger.metadata.contains_key("threshold") {
                diagnostics.push(Diagnostic::error(
                    trigger_at.key("metadata"),
                    Code::MissingField,
                    "the Prometheus trigger has no `threshold`",
                ));
            }
            return None;
        };
        threshold
    } else {
        // Other scalers name their target differently (`lagThreshold`, `value`, `targetQueryValue`…): the first
        // such key read as a number, else 1.
        trigger
            .metadata
            .iter()
            .filter(|(k, _)| {
                let k = k.to_ascii_lowercase();
                (k.contains("threshold") || k.contains("target") || k == "value")
                    && !k.contains("activation")
            })
            .find_map(|(_, v)| v.trim().parse::<f64>().ok().filter(|v| v.is_finite()))
            .unwrap_or(1.0)
    };
    let activation_threshold = decimal(
        &trigger.metadata,
        "activationThreshold",
        &trigger_at,
        diagnostics,
    );
    let ignore_null_values = match trigger.metadata.get("ignoreNullValues") {
        None => None,
        Some(text) => match keda::go_parse_bool(text) {
            Some(value) => Some(value),
            None => {
                diagnostics.push(Diagnostic::error(
                    trigger_at.key("metadata").key("ignoreNullValues"),
                    Code::InvalidValue,
                    format!("`ignoreNullValues` is `{text}`, which is not a boolean KEDA reads"),
                ));
                None
            }
        },
    };
    let query = if prometheus {
        match trigger.metadata.get("query") {
            Some(text) => Some(match DefaultQuery::recognize(text) {
                Some(q) if q.latency_bound == LATENCY_BOUND => TriggerQuery::DefaultLatency {
                    window_seconds: q.window_seconds,
                },
                _ => TriggerQuery::Custom(text.clone()),
            }),
            None => {
                diagnostics.push(Diagnostic::error(
                    trigger_at.key("metadata"),
                    Code::MissingField,
                    "the Prometheus trigger has no `query`",
                ));
                return None;
            }
        }
    } else {
        None
    };
    let annotations: Vec<(&str, &str)> = so
        .object
        .metadata
        .annotations
        .iter()
        .flatten()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let annotations = match ScalingAnnotations::from_annotations(
        crate::sim::versions::KedaVersion::default(),
        &annotations,
    ) {
        Ok(a) => a,
        Err(reason) => {
            diagnostics.push(Diagnostic::error(
                so.at.key("metadata").key("annotations"),
                Code::InvalidValue,
                format!("the ScaledObject's scaling annotations cannot be read: {reason}"),
            ));
            return None;
        }
    };
    let behavior = spec
        .advanced
        .as_ref()
        .and_then(|a| a.horizontal_pod_autoscaler_config.as_ref())
        .and_then(|c| c.behavior.as_ref())
        .and_then(|b| {
            behavior(
                b,
                &at.key("advanced")
                    .key("horizontalPodAutoscalerConfig")
                    .key("behavior"),
                diagnostics,
            )
        });
    let fallback = spec.fallback.as_ref().map(|f| Fallback {
        failure_threshold: f.failure_threshold,
        replicas: f.replicas,
        behavior: match f.behavior.unwrap_or_default() {
            crate::manifest::keda::FallbackBehavior::Static => FallbackBehavior::Static,
            crate::manifest::keda::FallbackBehavior::CurrentReplicas => {
                FallbackBehavior::CurrentReplicas
            }
            crate::manifest::keda::FallbackBehavior::CurrentReplicasIfHigher => {
                FallbackBehavior::CurrentReplicasIfHigher
            }
            crate::manifest::keda::FallbackBehavior::CurrentReplicasIfLower => {
                FallbackBehavior::CurrentReplicasIfLower
            }
            crate::manifest::keda::FallbackBehavior::ScalingModifiers => {
                FallbackBehavior::ScalingModifiers
            }
        },
    });
    let min = spec
        .min_replica_count
        .unwrap_or(keda::DEFAULT_MIN_REPLICA_COUNT);
    let max = spec
        .max_replica_count
        .unwrap_or(keda::DEFAULT_HPA_MAX_REPLICAS);
    if min < 0 || max < 1 || min > max {
        diagnostics.push(
            Diagnostic::error(
                at.key("minReplicaCount"),
                Code::ReplicaBounds,
                format!("`minReplicaCount` {min} and `maxReplicaCount` {max} are not bounds KEDA accepts (0 ≤ min ≤ max, max ≥ 1)"),
            ),
        );
        return None;
    }
    Some(KedaScaling {
        at: so.at.as_str().to_owned(),
        spec: ScaledObjectSpec {
            min_replica_count: spec.min_replica_count,
            max_replica_count: spec.max_replica_count,
            idle_replica_count: spec.idle_replica_count,
            polling_interval: spec.polling_interval.map(|p| p.max(1)),
            cooldown_period: spec.cooldown_period,
            initial_cooldown_period: spec.initial_cooldown_period,
            fallback,
            annotations,
        },
        behavior,
        trigger: Trigger {
            at: trigger_at.as_str().to_owned(),
            scaler: trigger.type_.clone(),
            metric_type,
            threshold,
            activation_threshold,
            ignore_null_values,
            query,
        },
    })
}

/// An `autoscaling/v2` behavior as the simulator's HPA reads it; `None` (with a diagnostic) when a policy or a
/// select policy is not one the API server accepts.
fn behavior(
    behavior: &HorizontalPodAutoscalerBehavior,
    at: &Pointer,
    diagnostics: &mut Diagnostics,
) -> Option<Behavior> {
    let rules = |rules: &Option<HPAScalingRules>, key: &str, diagnostics: &mut Diagnostics| {
        let Some(rules) = rules else {
            return Some(None);
        };
        let at = at.key(key);
        let select_policy = match rules.select_policy.as_deref() {
            None => None,
            Some("Max") => Some(SelectPolicy::Max),
            Some("Min") => Some(SelectPolicy::Min),
            Some("Disabled") => Some(SelectPolicy::Disabled),
            Some(other) => {
                diagnostics.push(Diagnostic::error(
                    at.key("selectPolicy"),
                    Code::UnknownVariant,
                    format!("`selectPolicy` is `{other}`; the API server accepts `Max`, `Min` and `Disabled`"),
                ));
                return None;
            }
        };
        let mut policies = Vec::new();
        for (i, policy) in rules.policies.iter().flatten().enumerate() {
            let policy_type = match policy.type_.as_str() {
                "Pods" => PolicyType::Pods,
                "Percent" => PolicyType::Percent,
                other => {
                    diagnostics.push(Diagnostic::error(
                        at.key("policies").index(i).key("type"),
                        Code::UnknownVariant,
                        format!("the policy type is `{other}`; the API server accepts `Pods` and `Percent`"),
                    ));
                    return None;
                }
            };
            if policy.value <= 0 || !(1..=1800).contains(&policy.period_seconds) {
                diagnostics.push(Diagnostic::error(
                    at.key("policies").index(i),
                    Code::InvalidValue,
                    format!(
                        "a policy of {} per {} s: the API server wants a positive value and a period of 1–1800 s",
                        policy.value, policy.period_seconds
                    ),
                ));
                return None;
            }
            policies.push(ScalingPolicy {
                policy_type,
                value: policy.value,
                period_seconds: policy.period_seconds,
            });
        }
        let tolerance = match &rules.tolerance {
            None => None,
            Some(q) => match Quantity::parse(&q.0) {
                Ok(q) if !q.is_negative() => Some(q.units()),
                _ => {
                    diagnostics.push(Diagnostic::error(
                        at.key("tolerance"),
                        Code::InvalidValue,
                        format!("`tolerance` is `{}`, not a quantity of at least 0", q.0),
                    ));
                    return None;
                }
            },
        };
        Some(Some(ScalingRules {
            stabilization_window_seconds: rules.stabilization_window_seconds,
            select_policy,
            policies,
            tolerance,
        }))
    };
    let scale_up = rules(&behavior.scale_up, "scaleUp", diagnostics)?;
    let scale_down = rules(&behavior.scale_down, "scaleDown", diagnostics)?;
    Some(Behavior {
        scale_up,
        scale_down,
    })
}

/// A quantity's milli-value, rounded up as `Quantity.MilliValue()` does.
fn milli_of(quantity: &Quantity) -> i64 {
    let micro = quantity.nanos.div_euclid(1_000_000)
        + i128::from(quantity.nanos.rem_euclid(1_000_000) != 0);
    i64::try_from(micro).unwrap_or(if micro < 0 { i64::MIN } else { i64::MAX })
}

fn hpa_scaling(
    h: &Located<HorizontalPodAutoscaler>,
    diagnostics: &mut Diagnostics,
) -> Option<HpaScaling> {
    let spec = &h.object.spec;
    let at = h.at.key("spec");
    let metrics = spec.metrics.as_deref().unwrap_or_default();
    if metrics.len() != 1 {
        diagnostics.push(
            Diagnostic::error(
                at.key("metrics"),
                Code::UnsupportedAutoscaling,
                format!(
                    "the HorizontalPodAutoscaler has {} metrics; the simulator replays one",
                    metrics.len()
                ),
            )
            .with_hint(
                "keep the metric that decides the scaling (the HPA follows the largest proposal)",
            ),
        );
        return None;
    }
    let metric = hpa_metric(&metrics[0], &at.key("metrics").index(0), diagnostics)?;
    let behavior = match &spec.behavior {
        None => None,
        Some(b) => Some(behavior(b, &at.key("behavior"), diagnostics)?),
    };
    let min = spec.min_replicas.unwrap_or(hpa::DEFAULT_MIN_REPLICAS);
    if min < 1 || spec.max_replicas < min {
        diagnostics.push(Diagnostic::error(
            at.key("maxReplicas"),
            Code::ReplicaBounds,
            format!(
                "`minReplicas` {min} and `maxReplicas` {}: the API server wants 1 ≤ min ≤ max",
                spec.max_replicas
            ),
        ));
        return None;
    }
    Some(HpaScaling {
        at: h.at.as_str().to_owned(),
        spec: hpa::HpaSpec {
            min_replicas: spec.min_replicas,
            max_replicas: spec.max_replicas,
            behavior,
        },
        metric,
    })
}

/// The target of an HPA metric: `Value` as a whole (`replicas × value / target`), `AverageValue` and
/// `Utilization` per pod. A Pods, Resource or ContainerResource metric is an average over the Ready pods, so its
/// proposal is `ready × average / target`, the `Value` formula (the controller's adjustments for pods without a
/// reading, `calcPlainMetricReplicas`, are not modelled: every simulated pod that is Ready has one).
fn hpa_metric(
    metric: &MetricSpec,
    at: &Pointer,
    diagnostics: &mut Diagnostics,
) -> Option<HpaMetric> {
    let (describe, target, per_pod) = match metric.type_.as_str() {
        "External" => metric
            .external
            .as_ref()
            .map(|m| (format!("External {}", m.metric.name), &m.target, false)),
        "Object" => metric
            .object
            .as_ref()
            .map(|m| (format!("Object {}", m.metric.name), &m.target, false)),
        "Pods" => metric
            .pods
            .as_ref()
            .map(|m| (format!("Pods {}", m.metric.name), &m.target, true)),
        "Resource" => metric
            .resource
            .as_ref()
            .map(|m| (format!("Resource {}", m.name), &m.target, true)),
        "ContainerResource" => metric
            .container_resource
            .as_ref()
            .map(|m| (format!("ContainerResource {}", m.name), &m.target, true)),
        other => {
            diagnostics.push(Diagnostic::error(
                at.key("type"),
                Code::UnknownVariant,
                format!("the metric type is `{other}`; autoscaling/v2 has External, Object, Pods, Resource and ContainerResource"),
            ));
            return None;
        }
    }
    .or_else(|| {
        diagnostics.push(Diagnostic::error(
            at.clone(),
            Code::MissingField,
            format!("the `{}` metric has no `{}` source", metric.type_, lower_first(&metric.type_)),
        ));
        None
    })?;
    let target_at = at.key(&lower_first(&metric.type_)).key("target");
    let quantity = |q: &k8s_openapi::apimachinery::pkg::api::resource::Quantity,
                    key: &str,
                    diagnostics: &mut Diagnostics| {
        match Quantity::parse(&q.0) {
            Ok(q) if q.nanos > 0 => Some(q),
            _ => {
                diagnostics.push(Diagnostic::error(
                    target_at.key(key),
                    Code::InvalidValue,
                    format!("`{key}` is `{}`, not a positive quantity", q.0),
                ));
                None
            }
        }
    };
    let (milli, threshold, whole) = match (
        target.type_.as_str(),
        &target.value,
        &target.average_value,
        target.average_utilization,
    ) {
        ("Value", Some(v), _, _) => {
            let q = quantity(v, "value", diagnostics)?;
            (milli_of(&q), q.units(), true)
        }
        ("AverageValue", _, Some(v), _) => {
            let q = quantity(v, "averageValue", diagnostics)?;
            (milli_of(&q), q.units(), false)
        }
        ("Utilization", _, _, Some(percent)) if percent > 0 => {
            (i64::from(percent) * 1000, f64::from(percent), false)
        }
        (kind, ..) => {
            diagnostics.push(Diagnostic::error(
                target_at.clone(),
                Code::InvalidValue,
                format!("the target of type `{kind}` has no matching value (`value`, `averageValue` or `averageUtilization`)"),
            ));
            return None;
        }
    };
    let target = if whole || per_pod {
        hpa::MetricTarget::Value { milli }
    } else {
        hpa::MetricTarget::AverageValue { milli }
    };
    Some(HpaMetric {
        at: at.as_str().to_owned(),
        describe,
        target,
        threshold,
    })
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_ascii_lowercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests;
