//! Prometheus Operator `PodMonitor` and `ServiceMonitor` (monitoring.coreos.com/v1) as typed values.
//!
//! These CRDs are large (authentication, TLS, proxies, native histograms, limits); the subset modelled here is what a
//! scrape of vLLM's `/metrics` needs and what users commonly set: the selectors, the label copying, the endpoint's
//! port, path, scheme, interval and timeout, label honouring, and relabelling. Every field has the CRD's name and
//! type (a test checks the names against the CRD when it sits beside the project).

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use serde::{Deserialize, Serialize};

use super::keda::resource_serde;

/// Tells a Prometheus Operator how to scrape pods directly.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PodMonitor {
    /// Name, namespace, labels (the Prometheus resource selects monitors by label).
    pub metadata: ObjectMeta,
    /// Which pods and how.
    pub spec: PodMonitorSpec,
}

/// Tells a Prometheus Operator how to scrape the endpoints of Services.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ServiceMonitor {
    /// Name, namespace, labels (the Prometheus resource selects monitors by label).
    pub metadata: ObjectMeta,
    /// Which Services and how.
    pub spec: ServiceMonitorSpec,
}

/// Which namespaces a monitor looks in (its own when unset).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NamespaceSelector {
    /// Every namespace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub any: Option<bool>,
    /// These namespaces.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub match_names: Option<Vec<String>>,
}

/// The spec of a [`PodMonitor`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodMonitorSpec {
    /// The pods to scrape.
    pub selector: LabelSelector,
    /// The namespaces to look in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace_selector: Option<NamespaceSelector>,
    /// A pod label whose value becomes the `job` label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_label: Option<String>,
    /// Pod labels copied onto every series (names sanitised: `a.b/c` → `a_b_c`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_target_labels: Option<Vec<String>>,
    /// The endpoints of each pod to scrape.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_metrics_endpoints: Option<Vec<PodMetricsEndpoint>>,
    /// The most samples per scrape before the scrape fails.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample_limit: Option<i64>,
}

/// The spec of a [`ServiceMonitor`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceMonitorSpec {
    /// The Services whose endpoints are scraped.
    pub selector: LabelSelector,
    /// The namespaces to look in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace_selector: Option<NamespaceSelector>,
    /// A Service label whose value becomes the `job` label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_label: Option<String>,
    /// Service labels copied onto every series.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_labels: Option<Vec<String>>,
    /// Pod labels copied onto every series.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_target_labels: Option<Vec<String>>,
    /// The Service ports to scrape.
    pub endpoints: Vec<Endpoint>,
    /// The most samples per scrape before the scrape fails.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample_limit: Option<i64>,
}

/// One scraped endpoint of a [`PodMonitor`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodMetricsEndpoint {
    /// The container port's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<String>,
    /// The container port's number, when it has no name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port_number: Option<i32>,
    /// Deprecated in the operator: use `port` or `portNumber`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_port: Option<IntOrString>,
    /// The HTTP path of the metrics (`/metrics` when unset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// `http` or `https`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheme: Option<String>,
    /// How often to scrape (the Prometheus default when unset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<String>,
    /// How long one scrape may take.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scrape_timeout: Option<String>,
    /// Whether the target's own labels win over the ones Prometheus attaches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub honor_labels: Option<bool>,
    /// Relabelling of the target before the scrape.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relabelings: Option<Vec<RelabelConfig>>,
    /// Relabelling of the samples after the scrape.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric_relabelings: Option<Vec<RelabelConfig>>,
}

/// One scraped endpoint of a [`ServiceMonitor`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Endpoint {
    /// The Service port's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<String>,
    /// The pod port, by name or number, when the Service port has no name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_port: Option<IntOrString>,
    /// The HTTP path of the metrics (`/metrics` when unset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// `http` or `https`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheme: Option<String>,
    /// How often to scrape.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<String>,
    /// How long one scrape may take.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scrape_timeout: Option<String>,
    /// Whether the target's own labels win over the ones Prometheus attaches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub honor_labels: Option<bool>,
    /// Relabelling of the target before the scrape.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relabelings: Option<Vec<RelabelConfig>>,
    /// Relabelling of the samples after the scrape.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric_relabelings: Option<Vec<RelabelConfig>>,
}

/// A Prometheus relabelling step.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RelabelConfig {
    /// The labels whose values are joined and matched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_labels: Option<Vec<String>>,
    /// What joins them (`;`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub separator: Option<String>,
    /// The label written by `replace`, `hashmod`, `lowercase`, `uppercase`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_label: Option<String>,
    /// The regular expression matched against the joined value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regex: Option<String>,
    /// The modulus of `hashmod`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modulus: Option<i64>,
    /// The value written, with `$1`-style references.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replacement: Option<String>,
    /// What to do (`replace`, `keep`, `drop`, `labelmap`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
}

macro_rules! monitor_resource {
    ($ty:ty, $kind:literal, $plural:literal) => {
        impl k8s_openapi::Resource for $ty {
            const API_VERSION: &'static str = "monitoring.coreos.com/v1";
            const GROUP: &'static str = "monitoring.coreos.com";
            const KIND: &'static str = $kind;
            const VERSION: &'static str = "v1";
            const URL_PATH_SEGMENT: &'static str = $plural;
            type Scope = k8s_openapi::NamespaceResourceScope;
        }

        impl k8s_openapi::Metadata for $ty {
            type Ty = ObjectMeta;
            fn metadata(&self) -> &ObjectMeta {
                &self.metadata
            }
            fn metadata_mut(&mut self) -> &mut ObjectMeta {
                &mut self.metadata
            }
        }
    };
}

monitor_resource!(PodMonitor, "PodMonitor", "podmonitors");
monitor_resource!(ServiceMonitor, "ServiceMonitor", "servicemonitors");
resource_serde!(PodMonitor, PodMonitorSpec);
resource_serde!(ServiceMonitor, ServiceMonitorSpec);

#[cfg(test)]
mod tests {
    use super::*;

    fn relabel() -> RelabelConfig {
        RelabelConfig {
            source_labels: Some(vec!["__meta_kubernetes_pod_name".into()]),
            separator: Some(";".into()),
            target_label: Some("pod".into()),
            regex: Some("(.*)".into()),
            modulus: Some(1),
            replacement: Some("$1".into()),
            action: Some("replace".into()),
        }
    }

    fn pod_monitor() -> PodMonitor {
        PodMonitor {
            metadata: ObjectMeta {
                name: Some("demo".into()),
                ..ObjectMeta::default()
            },
            spec: PodMonitorSpec {
                selector: LabelSelector {
                    match_labels: Some(std::collections::BTreeMap::from([(
                        "a".into(),
                        "b".into(),
                    )])),
                    match_expressions: None,
                },
                namespace_selector: Some(NamespaceSelector {
                    any: Some(false),
                    match_names: Some(vec!["default".into()]),
                }),
                job_label: Some("app".into()),
                pod_target_labels: Some(vec!["app".into()]),
                pod_metrics_endpoints: Some(vec![PodMetricsEndpoint {
                    port: Some("http".into()),
                    port_number: Some(8000),
                    target_port: Some(IntOrString::Int(8000)),
                    path: Some("/metrics".into()),
                    scheme: Some("http".into()),
                    interval: Some("15s".into()),
                    scrape_timeout: Some("10s".into()),
                    honor_labels: Some(true),
                    relabelings: Some(vec![relabel()]),
                    metric_relabelings: Some(vec![relabel()]),
                }]),
                sample_limit: Some(1000),
            },
        }
    }

    fn service_monitor() -> ServiceMonitor {
        ServiceMonitor {
            metadata: ObjectMeta {
                name: Some("demo".into()),
                ..ObjectMeta::default()
            },
            spec: ServiceMonitorSpec {
                selector: LabelSelector::default(),
                namespace_selector: Some(NamespaceSelector::default()),
                job_label: Some("app".into()),
                target_labels: Some(vec!["app".into()]),
                pod_target_labels: Some(vec!["app".into()]),
                endpoints: vec![Endpoint {
                    port: Some("http".into()),
                    target_port: Some(IntOrString::String("http".into())),
                    path: Some("/metrics".into()),
                    scheme: Some("https".into()),
                    interval: Some("30s".into()),
                    scrape_timeout: Some("10s".into()),
                    honor_labels: Some(false),
                    relabelings: Some(vec![relabel()]),
                    metric_relabelings: Some(vec![relabel()]),
                }],
                sample_limit: Some(1000),
            },
        }
    }

    #[test]
    fn round_trip_with_api_version_and_kind_first() {
        let pm = pod_monitor();
        let json = serde_json::to_string(&pm).unwrap();
        assert!(
            json.starts_with(r#"{"apiVersion":"monitoring.coreos.com/v1","kind":"PodMonitor","#)
        );
        assert_eq!(serde_json::from_str::<PodMonitor>(&json).unwrap(), pm);
        let sm = service_monitor();
        let json = serde_json::to_string(&sm).unwrap();
        assert_eq!(serde_json::from_str::<ServiceMonitor>(&json).unwrap(), sm);
        assert!(serde_json::from_str::<PodMonitor>(&json).is_err());
    }

    #[test]
    fn every_field_exists_in_the_crds() {
        let dir = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/reference/prometheus-operator"
        );
        for (file, value) in [
            (
                "monitoring.coreos.com_podmonitors.yaml",
                serde_json::to_value(pod_monitor()).unwrap(),
            ),
            (
                "monitoring.coreos.com_servicemonitors.yaml",
                serde_json::to_value(service_monitor()).unwrap(),
            ),
        ] {
            let Ok(text) = std::fs::read_to_string(format!("{dir}/{file}")) else {
                eprintln!("{file} not found beside the project: skipped");
                return;
            };
            let crd: serde_json::Value = serde_yaml::from_str(&text).unwrap();
            let schema = &crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"];
            let mut missing = Vec::new();
            super::super::crd_check::check_keys(
                &value["spec"],
                &schema["properties"]["spec"],
                "spec",
                &mut missing,
            );
            assert!(missing.is_empty(), "{file}: not in the CRD: {missing:?}");
        }
    }
}
