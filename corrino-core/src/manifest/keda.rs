//! KEDA's `ScaledObject` (keda.sh/v1alpha1) as typed values, with every field of KEDA 2.20's spec.
//!
//! KEDA applies most defaults in code rather than in its CRD, so they are noted on each field: an unset
//! `pollingInterval` is 30 s, `cooldownPeriod` 300 s, `minReplicaCount` 0, `maxReplicaCount` 100, and a trigger's
//! `metricType` `AverageValue`. `status` is not modelled: corrino never writes it.

use std::collections::BTreeMap;

use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscalerBehavior;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::{Deserialize, Serialize};

/// A KEDA ScaledObject: scales a workload on external metrics through an HPA that KEDA creates and owns.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ScaledObject {
    /// Name, namespace, labels, annotations (KEDA reads `autoscaling.keda.sh/*` annotations).
    pub metadata: ObjectMeta,
    /// What to scale, on what, and how.
    pub spec: ScaledObjectSpec,
}

/// The spec of a [`ScaledObject`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScaledObjectSpec {
    /// The workload to scale (one ScaledObject per workload).
    pub scale_target_ref: ScaleTarget,
    /// Seconds between trigger queries (KEDA: 30 when unset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub polling_interval: Option<i32>,
    /// Seconds after the last active trigger before scaling to zero or to `idleReplicaCount` (KEDA: 300). It does
    /// not govern scaling between 1 and N, which the HPA does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cooldown_period: Option<i32>,
    /// Seconds after creation before the first scale to zero is allowed (KEDA: 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_cooldown_period: Option<i32>,
    /// Replicas while no trigger is active; must be below `minReplicaCount` (only 0 is reliable).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_replica_count: Option<i32>,
    /// The fewest replicas (KEDA: 0; the HPA it creates never goes below 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_replica_count: Option<i32>,
    /// The most replicas (KEDA: 100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_replica_count: Option<i32>,
    /// What to do when the triggers keep failing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback: Option<Fallback>,
    /// HPA settings and scaling modifiers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub advanced: Option<AdvancedConfig>,
    /// The metrics that drive scaling (at least one).
    pub triggers: Vec<ScaleTrigger>,
}

/// `spec.scaleTargetRef`: the workload a ScaledObject scales.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScaleTarget {
    /// The target's API version (KEDA: `apps/v1`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// The target's kind (KEDA: `Deployment`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The target's name.
    pub name: String,
    /// The container whose environment triggers may read (KEDA: the first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env_source_container_name: Option<String>,
}

/// `spec.fallback`: replicas to hold when a trigger has failed more than `failureThreshold` times in a row.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Fallback {
    /// Consecutive failures before the fallback applies.
    pub failure_threshold: i32,
    /// The replica count the fallback asks for.
    pub replicas: i32,
    /// How `replicas` combines with the current count (KEDA: `static`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub behavior: Option<FallbackBehavior>,
}

/// `spec.fallback.behavior`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum FallbackBehavior {
    /// Exactly `replicas`.
    #[serde(rename = "static")]
    Static,
    /// Keep the current count.
    #[serde(rename = "currentReplicas")]
    CurrentReplicas,
    /// The larger of the current count and `replicas`.
    #[serde(rename = "currentReplicasIfHigher")]
    CurrentReplicasIfHigher,
    /// The smaller of the current count and `replicas`.
    #[serde(rename = "currentReplicasIfLower")]
    CurrentReplicasIfLower,
    /// Let the scaling-modifiers formula decide.
    #[serde(rename = "scalingModifiers")]
    ScalingModifiers,
}

/// `spec.advanced`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AdvancedConfig {
    /// Whether deleting the ScaledObject restores the workload's replica count from before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restore_to_original_replica_count: Option<bool>,
    /// The HPA KEDA creates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub horizontal_pod_autoscaler_config: Option<HorizontalPodAutoscalerConfig>,
    /// A formula that combines the triggers' metrics into one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scaling_modifiers: Option<ScalingModifiers>,
}

/// `spec.advanced.horizontalPodAutoscalerConfig`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HorizontalPodAutoscalerConfig {
    /// The HPA's name (KEDA: `keda-hpa-<ScaledObject name>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Copied into the HPA as its `behavior`; without it the HPA uses the controller's defaults.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub behavior: Option<HorizontalPodAutoscalerBehavior>,
}

/// `spec.advanced.scalingModifiers`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScalingModifiers {
    /// An expression over the named triggers' values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub formula: Option<String>,
    /// The target of the composite metric.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// The composite metric's activation target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activation_target: Option<String>,
    /// How the HPA reads the composite metric.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric_type: Option<MetricType>,
}

/// How the HPA turns a metric into replicas.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum MetricType {
    /// `ceil(value / target)`: the value is a total shared by the pods (KEDA's default).
    AverageValue,
    /// `ceil(ready pods × value / target)`: the value describes the whole workload.
    Value,
    /// A percentage of requests (CPU and memory scalers only).
    Utilization,
}

/// One entry of `spec.triggers`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScaleTrigger {
    /// The scaler, such as `prometheus`.
    #[serde(rename = "type")]
    pub type_: String,
    /// A name, used by scaling-modifier formulas.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The scaler's settings (for Prometheus: `serverAddress`, `query`, `threshold`, …).
    pub metadata: BTreeMap<String, String>,
    /// Credentials for the scaler.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authentication_ref: Option<AuthenticationRef>,
    /// How the HPA reads this trigger's metric (KEDA: `AverageValue`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric_type: Option<MetricType>,
    /// Whether the HPA's metric requests reuse the value of the last poll instead of querying again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub use_cached_metrics: Option<bool>,
}

/// `triggers[].authenticationRef`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthenticationRef {
    /// The (Cluster)TriggerAuthentication's name.
    pub name: String,
    /// Which of the two kinds (KEDA: `TriggerAuthentication`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<AuthenticationKind>,
}

/// The kind an [`AuthenticationRef`] points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AuthenticationKind {
    /// A namespaced TriggerAuthentication.
    TriggerAuthentication,
    /// A ClusterTriggerAuthentication.
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

impl k8s_openapi::Metadata for ScaledObject {
    type Ty = ObjectMeta;
    fn metadata(&self) -> &ObjectMeta {
        &self.metadata
    }
    fn metadata_mut(&mut self) -> &mut ObjectMeta {
        &mut self.metadata
    }
}

/// Serializes a custom resource with `apiVersion` and `kind` first, from its [`k8s_openapi::Resource`] constants.
macro_rules! resource_serde {
    ($ty:ty, $spec:ty) => {
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use k8s_openapi::Resource as _;
                use serde::ser::SerializeStruct as _;
                let mut s = serializer.serialize_struct(<$ty>::KIND, 4)?;
                s.serialize_field("apiVersion", <$ty>::API_VERSION)?;
                s.serialize_field("kind", <$ty>::KIND)?;
                s.serialize_field("metadata", &self.metadata)?;
                s.serialize_field("spec", &self.spec)?;
                s.end()
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                use k8s_openapi::Resource as _;
                use serde::de::Error as _;
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
                if raw.api_version != <$ty>::API_VERSION || raw.kind != <$ty>::KIND {
                    return Err(D::Error::custom(format!(
                        "expected {} {}, found {} {}",
                        <$ty>::API_VERSION,
                        <$ty>::KIND,
                        raw.api_version,
                        raw.kind
                    )));
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

#[cfg(test)]
mod tests {
    use super::*;

    fn full() -> ScaledObject {
        ScaledObject {
            metadata: ObjectMeta {
                name: Some("demo".into()),
                namespace: Some("default".into()),
                ..ObjectMeta::default()
            },
            spec: ScaledObjectSpec {
                scale_target_ref: ScaleTarget {
                    api_version: Some("apps/v1".into()),
                    kind: Some("Deployment".into()),
                    name: "demo".into(),
                    env_source_container_name: Some("demo".into()),
                },
                polling_interval: Some(15),
                cooldown_period: Some(60),
                initial_cooldown_period: Some(0),
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
                        behavior: Some(HorizontalPodAutoscalerBehavior::default()),
                    }),
                    scaling_modifiers: Some(ScalingModifiers {
                        formula: Some("a + b".into()),
                        target: Some("2".into()),
                        activation_target: Some("1".into()),
                        metric_type: Some(MetricType::Value),
                    }),
                }),
                triggers: vec![ScaleTrigger {
                    type_: "prometheus".into(),
                    name: Some("a".into()),
                    metadata: BTreeMap::from([("query".into(), "up".into())]),
                    authentication_ref: Some(AuthenticationRef {
                        name: "auth".into(),
                        kind: Some(AuthenticationKind::ClusterTriggerAuthentication),
                    }),
                    metric_type: Some(MetricType::AverageValue),
                    use_cached_metrics: Some(false),
                }],
            },
        }
    }

    #[test]
    fn api_version_and_kind_come_first_and_round_trip() {
        let so = full();
        let json = serde_json::to_string(&so).unwrap();
        assert!(
            json.starts_with(r#"{"apiVersion":"keda.sh/v1alpha1","kind":"ScaledObject","#),
            "{json}"
        );
        let back: ScaledObject = serde_json::from_str(&json).unwrap();
        assert_eq!(back, so);
        let yaml = serde_yaml::to_string(&so).unwrap();
        assert!(yaml.starts_with("apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\n"));
        let wrong = json.replace("ScaledObject", "ScaledJob");
        assert!(serde_json::from_str::<ScaledObject>(&wrong).is_err());
    }

    /// Every key the fully populated object writes exists in KEDA's CRD (when the CRD sits beside the project).
    #[test]
    fn every_field_exists_in_the_crd() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/reference/keda/keda.sh_scaledobjects.yaml"
        );
        let Ok(text) = std::fs::read_to_string(path) else {
            eprintln!("KEDA CRD not found beside the project: skipped");
            return;
        };
        let crd: serde_json::Value = serde_yaml::from_str(&text).unwrap();
        let schema = &crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"];
        let json = serde_json::to_value(full()).unwrap();
        let mut missing = Vec::new();
        super::super::crd_check::check_keys(
            &json["spec"],
            &schema["properties"]["spec"],
            "spec",
            &mut missing,
        );
        assert!(missing.is_empty(), "not in the CRD: {missing:?}");
    }
}
