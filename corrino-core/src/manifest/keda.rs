//! KEDA's `ScaledObject` (`keda.sh/v1alpha1`) as typed values, with every field of the spec in KEDA 2.20.
//!
//! The types follow k8s-openapi's conventions: plain structs with public fields, each optional field an `Option`
//! that is left out of the output when `None`, and ordered maps so the same value always gives the same bytes.
//! [`ScaledObject`] writes `apiVersion` and `kind` first, from its [`k8s_openapi::Resource`] constants, and refuses
//! to read an object of another group, version or kind.
//!
//! KEDA applies most defaults in its controller rather than in the CRD, so an unset field is not a zero: an unset
//! `pollingInterval` means 30 s, `cooldownPeriod` 300 s, `initialCooldownPeriod` 0 s, `minReplicaCount` 0,
//! `maxReplicaCount` 100, and a trigger's `metricType` `AverageValue`. Each field names its default.
//!
//! `status` is not modelled: the KEDA operator writes it, a client rendering manifests never does. Reading an object
//! that carries one ignores it.

use std::collections::BTreeMap;

use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscalerBehavior;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::{Deserialize, Serialize};

/// A KEDA ScaledObject: KEDA scales one workload on the metrics of its triggers. It moves the workload between zero
/// (or the idle count) and one itself, and creates and owns an HPA for the range above.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ScaledObject {
    /// Standard object metadata. KEDA also reads `autoscaling.keda.sh/*` annotations here, for instance to pause
    /// scaling.
    pub metadata: ObjectMeta,
    /// The desired scaling.
    pub spec: ScaledObjectSpec,
}

/// The spec of a [`ScaledObject`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScaledObjectSpec {
    /// The workload to scale. It must have a `/scale` subresource, and only one ScaledObject may target it.
    pub scale_target_ref: ScaleTarget,
    /// Seconds between two runs of KEDA's scale loop, which checks the triggers and decides whether the workload
    /// is active (scaled up from zero or the idle count). KEDA uses 30 when unset; the CRD requires at least 1. The
    /// HPA reads the metrics on its own schedule, independently of this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub polling_interval: Option<i32>,
    /// Seconds since a trigger was last active before KEDA scales the workload down to zero or to
    /// `idleReplicaCount`. KEDA uses 300 when unset. Scaling down within the HPA's range is governed by the HPA's
    /// behavior, not by this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cooldown_period: Option<i32>,
    /// Seconds after the ScaledObject is created before KEDA may first scale the workload down to zero or to
    /// `idleReplicaCount`. KEDA uses 0 when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_cooldown_period: Option<i32>,
    /// Replicas while no trigger is active, in place of `minReplicaCount`. It must be lower than `minReplicaCount`,
    /// and KEDA documents only 0 as dependable. Unset: there is no idle state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_replica_count: Option<i32>,
    /// The fewest replicas. KEDA uses 0 when unset, which lets the workload scale to zero; the HPA KEDA creates
    /// never goes below 1, since KEDA handles the step between zero and one. The CRD requires it to be at most
    /// `maxReplicaCount` (100 when that is unset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_replica_count: Option<i32>,
    /// The most replicas; it becomes the HPA's `maxReplicas`. KEDA uses 100 when unset; the CRD requires at least 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_replica_count: Option<i32>,
    /// Replicas to fall back to once a trigger's metric has failed too many times in a row. Unset: no fallback, and
    /// the HPA keeps the current count while it cannot read the metric.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback: Option<Fallback>,
    /// Settings of the HPA KEDA creates, a formula combining the triggers, and what deleting the ScaledObject does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub advanced: Option<AdvancedConfig>,
    /// The scalers that supply metrics; at least one. The workload is active when any trigger is, and the HPA takes
    /// the largest replica count any of their metrics asks for.
    pub triggers: Vec<ScaleTrigger>,
}

/// `spec.scaleTargetRef`: the workload a [`ScaledObject`] scales, in the ScaledObject's namespace.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScaleTarget {
    /// The target's API version. KEDA assumes `apps/v1` when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// The target's kind, such as `Deployment`, `StatefulSet` or a custom resource with a `/scale` subresource.
    /// KEDA assumes `Deployment` when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The target's name (required, not empty).
    pub name: String,
    /// The container whose environment variables trigger settings may refer to. KEDA uses the pod template's
    /// first container when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env_source_container_name: Option<String>,
}

/// `spec.fallback`: what KEDA reports to the HPA while a trigger's metric cannot be read, so that the HPA settles
/// on a chosen replica count.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Fallback {
    /// How many consecutive failed reads of a trigger start the fallback (at least 0).
    pub failure_threshold: i32,
    /// The replica count to fall back to, combined with the current count as `behavior` says (at least 0).
    pub replicas: i32,
    /// How `replicas` combines with the current replica count. The CRD sets `static` when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub behavior: Option<FallbackBehavior>,
}

/// `spec.fallback.behavior`: how the fallback replica count is chosen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum FallbackBehavior {
    /// Exactly `fallback.replicas` (the CRD's default).
    #[default]
    #[serde(rename = "static")]
    Static,
    /// The current replica count, whatever `fallback.replicas` says.
    #[serde(rename = "currentReplicas")]
    CurrentReplicas,
    /// The larger of the current count and `fallback.replicas`.
    #[serde(rename = "currentReplicasIfHigher")]
    CurrentReplicasIfHigher,
    /// The smaller of the current count and `fallback.replicas`.
    #[serde(rename = "currentReplicasIfLower")]
    CurrentReplicasIfLower,
    /// The scaling-modifiers formula decides, with the failing trigger's value missing from it.
    #[serde(rename = "scalingModifiers")]
    ScalingModifiers,
}

/// `spec.advanced`: the HPA KEDA creates, composite metrics, and clean-up.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AdvancedConfig {
    /// When true, deleting the ScaledObject scales the workload back to the replica count it had before KEDA took
    /// it over; when false or unset, the workload keeps its current count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restore_to_original_replica_count: Option<bool>,
    /// Name and scaling behavior of the HPA KEDA creates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub horizontal_pod_autoscaler_config: Option<HorizontalPodAutoscalerConfig>,
    /// A formula that combines the triggers' metrics into one composite metric for the HPA.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scaling_modifiers: Option<ScalingModifiers>,
}

/// `spec.advanced.horizontalPodAutoscalerConfig`: settings of the HPA KEDA creates for the ScaledObject.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HorizontalPodAutoscalerConfig {
    /// The HPA's name. KEDA uses `keda-hpa-<ScaledObject name>` when unset; either must fit in 63 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Copied as is into the HPA's `spec.behavior`: the scale-up and scale-down rules (policies, how a policy is
    /// picked, stabilization window, tolerance). Unset: the HPA controller's defaults, which allow doubling or
    /// adding 4 pods (whichever is more) per 15 s upwards and scale down after a 300 s stabilization window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub behavior: Option<HorizontalPodAutoscalerBehavior>,
}

/// `spec.advanced.scalingModifiers`: one composite metric computed from the named triggers, which replaces their
/// individual metrics in the HPA.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScalingModifiers {
    /// An expression over the triggers' values, each referred to by its `name`, such as `(a + b) / 2`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub formula: Option<String>,
    /// The composite metric's target, as a decimal string; the HPA scales so the metric meets it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// The composite value above which the workload is active, as a decimal string. KEDA uses 0 when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activation_target: Option<String>,
    /// How the HPA reads the composite metric. KEDA uses `AverageValue` when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric_type: Option<CompositeMetricType>,
}

/// How the HPA turns a trigger's metric into a replica count (the `autoscaling/v2` metric target types).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum MetricType {
    /// The metric is a total shared by the pods: replicas = ceil(value / target). KEDA's default.
    #[serde(rename = "AverageValue")]
    AverageValue,
    /// The metric describes the workload as a whole: replicas = ceil(ready replicas × value / target).
    #[serde(rename = "Value")]
    Value,
    /// A percentage of the pods' resource requests; only the `cpu` and `memory` scalers accept it.
    #[serde(rename = "Utilization")]
    Utilization,
}

/// How the HPA turns the composite metric of [`ScalingModifiers`] into a replica count; the CRD allows only these
/// two of the [`MetricType`] values here.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum CompositeMetricType {
    /// The composite value is a total shared by the pods (KEDA's default).
    #[serde(rename = "AverageValue")]
    AverageValue,
    /// The composite value describes the workload as a whole.
    #[serde(rename = "Value")]
    Value,
}

/// One entry of `spec.triggers`: a scaler and its settings.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScaleTrigger {
    /// The scaler, such as `prometheus`, `cpu` or `kafka` (required, not empty).
    #[serde(rename = "type")]
    pub type_: String,
    /// A name unique within the ScaledObject, by which the scaling-modifiers formula refers to the trigger.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The scaler's settings, all strings; the keys depend on `type` (for `prometheus`: `serverAddress`, `query`,
    /// `threshold`, `activationThreshold` and others). Required, though it may be empty.
    pub metadata: BTreeMap<String, String>,
    /// The TriggerAuthentication or ClusterTriggerAuthentication holding the scaler's credentials.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authentication_ref: Option<AuthenticationRef>,
    /// How the HPA reads this trigger's metric. KEDA uses `AverageValue` when unset. The CRD types the field as a
    /// free string; KEDA rejects values outside [`MetricType`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric_type: Option<MetricType>,
    /// When true, the HPA's metric requests get the value KEDA read at its last poll instead of a fresh query to
    /// the scaler. KEDA uses false when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub use_cached_metrics: Option<bool>,
}

/// `spec.triggers[].authenticationRef`: the object holding a trigger's credentials.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthenticationRef {
    /// The name of the TriggerAuthentication (in the ScaledObject's namespace) or ClusterTriggerAuthentication.
    pub name: String,
    /// Which kind `name` refers to. KEDA uses `TriggerAuthentication` when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<AuthenticationKind>,
}

/// The kind an [`AuthenticationRef`] refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AuthenticationKind {
    /// A TriggerAuthentication in the ScaledObject's namespace.
    #[serde(rename = "TriggerAuthentication")]
    TriggerAuthentication,
    /// A cluster-wide ClusterTriggerAuthentication.
    #[serde(rename = "ClusterTriggerAuthentication")]
    ClusterTriggerAuthentication,
}

impl k8s_openapi::Resource for ScaledObject {
    const API_VERSION: &'static str = "keda.sh/v1alpha1";
    const GROUP: &'static str = "keda.sh";
    const KIND: &'static str = "ScaledObject";
    const VERSION: &'static str = "v1alpha1";
    const URL_PATH_SEGMENT: &'static str = "scaledobjects";
    type Scope = k8s_openapi::NamespaceResourceScope;
}

impl k8s_openapi::ListableResource for ScaledObject {
    const LIST_KIND: &'static str = "ScaledObjectList";
}

impl k8s_openapi::Metadata for ScaledObject {
    type Ty = ObjectMeta;

    fn metadata(&self) -> &ObjectMeta {
        &self.metadata
    }

    fn metadata_mut(&mut self) -> &mut ObjectMeta {
        &mut self.metadata
    }
}

/// Implements `Serialize` and `Deserialize` for a custom resource type with `metadata` and `spec` fields.
///
/// Serialization writes `apiVersion`, `kind`, `metadata` and `spec`, in that order, the first two from the type's
/// [`k8s_openapi::Resource`] constants. Deserialization requires `apiVersion` and `kind` to equal those constants,
/// defaults a missing `metadata`, requires `spec`, and ignores other fields (such as `status`).
macro_rules! resource_serde {
    ($ty:ty, $spec:ty) => {
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use k8s_openapi::Resource as _;
                use serde::ser::SerializeStruct as _;
                let mut state = serializer.serialize_struct(<$ty>::KIND, 4)?;
                state.serialize_field("apiVersion", <$ty>::API_VERSION)?;
                state.serialize_field("kind", <$ty>::KIND)?;
                state.serialize_field("metadata", &self.metadata)?;
                state.serialize_field("spec", &self.spec)?;
                state.end()
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                use k8s_openapi::Resource as _;
                use serde::de::{Error as _, Unexpected};

                #[derive(serde::Deserialize)]
                #[serde(rename_all = "camelCase")]
                struct Raw {
                    api_version: String,
                    kind: String,
                    #[serde(default)]
                    metadata: k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta,
                    spec: $spec,
                }

                let raw = Raw::deserialize(deserializer)?;
                if raw.api_version != <$ty>::API_VERSION {
                    return Err(D::Error::invalid_value(
                        Unexpected::Str(&raw.api_version),
                        &<$ty>::API_VERSION,
                    ));
                }
                if raw.kind != <$ty>::KIND {
                    return Err(D::Error::invalid_value(
                        Unexpected::Str(&raw.kind),
                        &<$ty>::KIND,
                    ));
                }
                Ok(Self {
                    metadata: raw.metadata,
                    spec: raw.spec,
                })
            }
        }
    };
}

pub(crate) use resource_serde;

resource_serde!(ScaledObject, ScaledObjectSpec);

/// Test support: reads a CRD from the shared reference folder and compares serialized values with its schema.
#[cfg(test)]
pub(crate) mod crd_schema {
    use serde_json::Value;

    /// The CRD at `relative` (under `shared/reference` beside the project) as JSON, or `None`, with a note, when
    /// the file is not there.
    pub(crate) fn load(relative: &str) -> Option<Value> {
        let path = format!(
            "{}/../../shared/reference/{relative}",
            env!("CARGO_MANIFEST_DIR")
        );
        match std::fs::read_to_string(&path) {
            Ok(text) => Some(yaml_serde::from_str(&text).expect("the CRD is valid YAML")),
            Err(_) => {
                eprintln!("{path} not found: the comparison with the CRD is skipped");
                None
            }
        }
    }

    /// The `openAPIV3Schema` of a CRD's first version.
    pub(crate) fn root_schema(crd: &Value) -> &Value {
        &crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]
    }

    /// The schema at a path of property names from `schema`, stepping through array items on the way.
    pub(crate) fn at<'a>(mut schema: &'a Value, path: &[&str]) -> &'a Value {
        for key in path {
            if schema["type"] == "array" {
                schema = &schema["items"];
            }
            schema = &schema["properties"][*key];
            assert!(!schema.is_null(), "the CRD has no `{key}` in {path:?}");
        }
        schema
    }

    /// The string values of a schema's `enum`.
    pub(crate) fn enum_values(schema: &Value) -> Vec<String> {
        schema["enum"]
            .as_array()
            .expect("the schema has an enum")
            .iter()
            .map(|v| v.as_str().expect("a string enum value").to_owned())
            .collect()
    }

    fn type_matches(value: &Value, schema: &Value) -> bool {
        if schema["x-kubernetes-int-or-string"] == true {
            return value.is_string() || value.is_i64() || value.is_u64();
        }
        match schema["type"].as_str() {
            None => true,
            Some("object") => value.is_object(),
            Some("array") => value.is_array(),
            Some("string") => value.is_string(),
            Some("boolean") => value.is_boolean(),
            Some("number") => value.is_number(),
            Some("integer") => match schema["format"].as_str() {
                Some("int32") => value.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
                _ => value.is_i64() || value.is_u64(),
            },
            Some(other) => panic!("unexpected schema type `{other}`"),
        }
    }

    /// Walks `value` alongside `schema` and records each key the schema does not declare, each value of another
    /// JSON type than the schema's, each value outside the schema's `enum`, and each required key left out.
    pub(crate) fn problems(value: &Value, schema: &Value, path: &str, out: &mut Vec<String>) {
        if !type_matches(value, schema) {
            out.push(format!("{path}: {value} is not of type {}", schema["type"]));
            return;
        }
        if let Some(allowed) = schema["enum"].as_array()
            && !allowed.contains(value)
        {
            out.push(format!("{path}: {value} is not one of {allowed:?}"));
        }
        match value {
            Value::Object(map) => {
                if let Some(properties) = schema["properties"].as_object() {
                    for (key, child) in map {
                        match properties.get(key) {
                            Some(child_schema) => {
                                problems(child, child_schema, &format!("{path}.{key}"), out);
                            }
                            None => out.push(format!("{path}.{key}: not in the CRD")),
                        }
                    }
                    for required in schema["required"].as_array().into_iter().flatten() {
                        let key = required.as_str().unwrap_or_default();
                        if !map.contains_key(key) {
                            out.push(format!("{path}.{key}: required by the CRD, not written"));
                        }
                    }
                } else if schema["additionalProperties"].is_object() {
                    for (key, child) in map {
                        let item = &schema["additionalProperties"];
                        problems(child, item, &format!("{path}[{key}]"), out);
                    }
                }
                // Otherwise the object is opaque to the CRD (such as `metadata`).
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    problems(item, &schema["items"], &format!("{path}[{i}]"), out);
                }
            }
            _ => {}
        }
    }

    /// Walks `schema` alongside `value` and records each property of the schema that `value` lacks, except the
    /// top-level ones in `skip`. Only the first item of each array is looked into.
    pub(crate) fn unwritten(value: &Value, schema: &Value, path: &str, out: &mut Vec<String>) {
        let Some(properties) = schema["properties"].as_object() else {
            return;
        };
        for (key, child_schema) in properties {
            match &value[key.as_str()] {
                Value::Null => out.push(format!("{path}.{key}")),
                Value::Array(items) => {
                    if let Some(first) = items.first() {
                        unwritten(
                            first,
                            &child_schema["items"],
                            &format!("{path}.{key}[0]"),
                            out,
                        );
                    } else {
                        out.push(format!("{path}.{key}[0]"));
                    }
                }
                child => unwritten(child, child_schema, &format!("{path}.{key}"), out),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use k8s_openapi::api::autoscaling::v2::{HPAScalingPolicy, HPAScalingRules};
    use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
    use k8s_openapi::{ListableResource, Metadata, Resource};

    use super::*;

    const CRD: &str = "keda/keda.sh_scaledobjects.yaml";

    const FALLBACK_BEHAVIORS: [FallbackBehavior; 5] = [
        FallbackBehavior::Static,
        FallbackBehavior::CurrentReplicas,
        FallbackBehavior::CurrentReplicasIfHigher,
        FallbackBehavior::CurrentReplicasIfLower,
        FallbackBehavior::ScalingModifiers,
    ];

    fn rules(window: i32, tolerance: &str) -> HPAScalingRules {
        HPAScalingRules {
            policies: Some(vec![
                HPAScalingPolicy {
                    type_: "Pods".into(),
                    value: 1,
                    period_seconds: 60,
                },
                HPAScalingPolicy {
                    type_: "Percent".into(),
                    value: 50,
                    period_seconds: 120,
                },
            ]),
            select_policy: Some("Max".into()),
            stabilization_window_seconds: Some(window),
            tolerance: Some(Quantity(tolerance.into())),
        }
    }

    /// A ScaledObject with every field set.
    fn full() -> ScaledObject {
        ScaledObject {
            metadata: ObjectMeta {
                name: Some("demo".into()),
                namespace: Some("inference".into()),
                labels: Some(BTreeMap::from([("app".into(), "demo".into())])),
                ..ObjectMeta::default()
            },
            spec: ScaledObjectSpec {
                scale_target_ref: ScaleTarget {
                    api_version: Some("apps/v1".into()),
                    kind: Some("Deployment".into()),
                    name: "demo".into(),
                    env_source_container_name: Some("vllm".into()),
                },
                polling_interval: Some(15),
                cooldown_period: Some(600),
                initial_cooldown_period: Some(900),
                idle_replica_count: Some(0),
                min_replica_count: Some(1),
                max_replica_count: Some(4),
                fallback: Some(Fallback {
                    failure_threshold: 3,
                    replicas: 2,
                    behavior: Some(FallbackBehavior::CurrentReplicasIfHigher),
                }),
                advanced: Some(AdvancedConfig {
                    restore_to_original_replica_count: Some(true),
                    horizontal_pod_autoscaler_config: Some(HorizontalPodAutoscalerConfig {
                        name: Some("keda-hpa-demo".into()),
                        behavior: Some(HorizontalPodAutoscalerBehavior {
                            scale_up: Some(rules(0, "0.05")),
                            scale_down: Some(rules(300, "0.1")),
                        }),
                    }),
                    scaling_modifiers: Some(ScalingModifiers {
                        formula: Some("(latency + queue) / 2".into()),
                        target: Some("2.5".into()),
                        activation_target: Some("0.5".into()),
                        metric_type: Some(CompositeMetricType::Value),
                    }),
                }),
                triggers: vec![
                    ScaleTrigger {
                        type_: "prometheus".into(),
                        name: Some("latency".into()),
                        metadata: BTreeMap::from([
                            ("serverAddress".into(), "http://prometheus:9090".into()),
                            ("query".into(), "sum(vllm:num_requests_waiting)".into()),
                            ("threshold".into(), "5".into()),
                        ]),
                        authentication_ref: Some(AuthenticationRef {
                            name: "prometheus-auth".into(),
                            kind: Some(AuthenticationKind::ClusterTriggerAuthentication),
                        }),
                        metric_type: Some(MetricType::AverageValue),
                        use_cached_metrics: Some(true),
                    },
                    ScaleTrigger {
                        type_: "cpu".into(),
                        name: Some("queue".into()),
                        metadata: BTreeMap::from([("value".into(), "80".into())]),
                        metric_type: Some(MetricType::Utilization),
                        ..ScaleTrigger::default()
                    },
                ],
            },
        }
    }

    #[test]
    fn api_version_and_kind_come_first() {
        let json = serde_json::to_string(&full()).unwrap();
        assert!(
            json.starts_with(
                r#"{"apiVersion":"keda.sh/v1alpha1","kind":"ScaledObject","metadata":"#
            ),
            "{json}"
        );
        let yaml = yaml_serde::to_string(&full()).unwrap();
        assert!(
            yaml.starts_with("apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata:\n"),
            "{yaml}"
        );
    }

    #[test]
    fn round_trips_through_json_and_yaml() {
        let so = full();
        let json = serde_json::to_string_pretty(&so).unwrap();
        assert_eq!(serde_json::from_str::<ScaledObject>(&json).unwrap(), so);
        let yaml = yaml_serde::to_string(&so).unwrap();
        assert_eq!(yaml_serde::from_str::<ScaledObject>(&yaml).unwrap(), so);
    }

    #[test]
    fn unset_fields_are_left_out() {
        let so = ScaledObject {
            metadata: ObjectMeta {
                name: Some("demo".into()),
                ..ObjectMeta::default()
            },
            spec: ScaledObjectSpec {
                scale_target_ref: ScaleTarget {
                    name: "demo".into(),
                    ..ScaleTarget::default()
                },
                triggers: vec![ScaleTrigger {
                    type_: "prometheus".into(),
                    ..ScaleTrigger::default()
                }],
                ..ScaledObjectSpec::default()
            },
        };
        assert_eq!(
            serde_json::to_string(&so).unwrap(),
            r#"{"apiVersion":"keda.sh/v1alpha1","kind":"ScaledObject","metadata":{"name":"demo"},"spec":{"scaleTargetRef":{"name":"demo"},"triggers":[{"type":"prometheus","metadata":{}}]}}"#
        );
    }

    #[test]
    fn reading_checks_api_version_and_kind() {
        let json = serde_json::to_value(full()).unwrap();
        let with = |key: &str, value: serde_json::Value| {
            let mut changed = json.clone();
            changed[key] = value;
            serde_json::from_value::<ScaledObject>(changed)
        };
        let error = with("kind", "ScaledJob".into()).unwrap_err().to_string();
        assert!(
            error.contains("ScaledJob") && error.contains("ScaledObject"),
            "{error}"
        );
        assert!(with("apiVersion", "keda.sh/v1".into()).is_err());
        let mut without = json.clone();
        without.as_object_mut().unwrap().remove("apiVersion");
        assert!(serde_json::from_value::<ScaledObject>(without).is_err());
        // `status` is ignored and a missing `metadata` is empty, as k8s-openapi reads its own types.
        let mut live = json.clone();
        live["status"] = serde_json::json!({"hpaName": "keda-hpa-demo"});
        live.as_object_mut().unwrap().remove("metadata");
        let read: ScaledObject = serde_json::from_value(live).unwrap();
        assert_eq!(read.metadata, ObjectMeta::default());
        assert_eq!(read.spec, full().spec);
    }

    #[test]
    fn resource_traits() {
        let mut so = full();
        assert_eq!(k8s_openapi::api_version(&so), "keda.sh/v1alpha1");
        assert_eq!(k8s_openapi::kind(&so), "ScaledObject");
        so.metadata_mut().name = Some("other".into());
        assert_eq!(so.metadata().name.as_deref(), Some("other"));
        assert_eq!(ScaledObject::LIST_KIND, "ScaledObjectList");
    }

    #[test]
    fn fallback_behavior_defaults_to_static() {
        assert_eq!(FallbackBehavior::default(), FallbackBehavior::Static);
        assert_eq!(
            serde_json::to_value(FallbackBehavior::default()).unwrap(),
            "static"
        );
    }

    #[test]
    fn resource_constants_match_the_crd() {
        let Some(crd) = crd_schema::load(CRD) else {
            return;
        };
        let spec = &crd["spec"];
        assert_eq!(spec["group"], ScaledObject::GROUP);
        assert_eq!(spec["names"]["kind"], ScaledObject::KIND);
        assert_eq!(spec["names"]["listKind"], ScaledObject::LIST_KIND);
        assert_eq!(spec["names"]["plural"], ScaledObject::URL_PATH_SEGMENT);
        assert_eq!(spec["scope"], "Namespaced");
        assert_eq!(spec["versions"][0]["name"], ScaledObject::VERSION);
        assert_eq!(
            ScaledObject::API_VERSION,
            format!("{}/{}", ScaledObject::GROUP, ScaledObject::VERSION)
        );
    }

    /// Every key the fully populated object writes is in the CRD, with the CRD's type and enum values.
    #[test]
    fn every_written_field_is_in_the_crd() {
        let Some(crd) = crd_schema::load(CRD) else {
            return;
        };
        let json = serde_json::to_value(full()).unwrap();
        let mut problems = Vec::new();
        crd_schema::problems(&json, crd_schema::root_schema(&crd), "", &mut problems);
        assert!(problems.is_empty(), "{problems:#?}");
    }

    /// The comparison with the CRD notices invented keys, wrong types, unknown enum values and unwritten fields.
    #[test]
    fn the_crd_comparison_notices_mistakes() {
        let Some(crd) = crd_schema::load(CRD) else {
            return;
        };
        let root = crd_schema::root_schema(&crd);
        let mut json = serde_json::to_value(full()).unwrap();
        json["spec"]["pollingIntervall"] = 15.into();
        json["spec"]["minReplicaCount"] = "1".into();
        json["spec"]["maxReplicaCount"] = (1_i64 << 40).into();
        json["spec"]["fallback"]["behavior"] = "sometimes".into();
        json["spec"]["triggers"][0]["metadata"]["threshold"] = 5.into();
        json["spec"]["triggers"][1]
            .as_object_mut()
            .unwrap()
            .remove("type");
        let mut problems = Vec::new();
        crd_schema::problems(&json, root, "", &mut problems);
        let mut paths: Vec<&str> = problems
            .iter()
            .map(|p| p.split(':').next().unwrap())
            .collect();
        paths.sort_unstable();
        assert_eq!(
            paths,
            [
                ".spec.fallback.behavior",
                ".spec.maxReplicaCount",
                ".spec.minReplicaCount",
                ".spec.pollingIntervall",
                ".spec.triggers[0].metadata[threshold]",
                ".spec.triggers[1].type",
            ],
            "{problems:#?}"
        );
        json["spec"]["fallback"]
            .as_object_mut()
            .unwrap()
            .remove("behavior");
        let mut unwritten = Vec::new();
        crd_schema::unwritten(
            &json["spec"],
            crd_schema::at(root, &["spec"]),
            "spec",
            &mut unwritten,
        );
        assert_eq!(unwritten, ["spec.fallback.behavior"]);
    }

    /// Every field of the CRD's spec is modelled: the fully populated object writes each one.
    #[test]
    fn every_spec_field_of_the_crd_is_modelled() {
        let Some(crd) = crd_schema::load(CRD) else {
            return;
        };
        let json = serde_json::to_value(full()).unwrap();
        let spec_schema = crd_schema::at(crd_schema::root_schema(&crd), &["spec"]);
        let mut unwritten = Vec::new();
        crd_schema::unwritten(&json["spec"], spec_schema, "spec", &mut unwritten);
        assert!(unwritten.is_empty(), "not modelled: {unwritten:#?}");
    }

    /// The enums have exactly the values the CRD allows, and every one of them reads back.
    #[test]
    fn enums_match_the_crd() {
        let Some(crd) = crd_schema::load(CRD) else {
            return;
        };
        let root = crd_schema::root_schema(&crd);
        fn names<T: Serialize>(values: &[T]) -> Vec<String> {
            values
                .iter()
                .map(|v| {
                    serde_json::to_value(v)
                        .unwrap()
                        .as_str()
                        .unwrap()
                        .to_owned()
                })
                .collect()
        }
        let cases = [
            (
                &["spec", "fallback", "behavior"][..],
                names(&FALLBACK_BEHAVIORS),
            ),
            (
                &["spec", "triggers", "authenticationRef", "kind"][..],
                names(&[
                    AuthenticationKind::TriggerAuthentication,
                    AuthenticationKind::ClusterTriggerAuthentication,
                ]),
            ),
            (
                &["spec", "advanced", "scalingModifiers", "metricType"][..],
                names(&[
                    CompositeMetricType::AverageValue,
                    CompositeMetricType::Value,
                ]),
            ),
        ];
        for (path, ours) in cases {
            let theirs = crd_schema::enum_values(crd_schema::at(root, path));
            assert_eq!(ours, theirs, "{path:?}");
        }
        for name in crd_schema::enum_values(crd_schema::at(root, &["spec", "fallback", "behavior"]))
        {
            serde_json::from_value::<FallbackBehavior>(name.into()).unwrap();
        }
        // The trigger's metricType is a free string in the CRD; these are the `autoscaling/v2` target types.
        assert_eq!(
            names(&[
                MetricType::AverageValue,
                MetricType::Value,
                MetricType::Utilization
            ]),
            ["AverageValue", "Value", "Utilization"]
        );
    }
}
