//! Prometheus Operator `PodMonitor` and `ServiceMonitor` (`monitoring.coreos.com/v1`) as typed values.
//!
//! Both CRDs are large. The subset modelled is what a scrape of vLLM's `/metrics` needs plus the fields commonly
//! set:
//!
//! - spec: `selector`, `namespaceSelector`, `jobLabel`, `podTargetLabels`, `targetLabels` (ServiceMonitor only),
//!   `podMetricsEndpoints` / `endpoints`, `sampleLimit`, `targetLimit` and `scrapeClass`;
//! - each endpoint: `port`, `portNumber` (PodMonitor only), `targetPort`, `path`, `scheme`, `params`, `interval`,
//!   `scrapeTimeout`, `honorLabels`, `honorTimestamps`, `filterRunning`, `relabelings` and `metricRelabelings`;
//! - each relabelling step: all of its fields.
//!
//! Not modelled: authentication and transport settings (`authorization`, `basicAuth`, `bearerTokenSecret`,
//! `bearerTokenFile`, `oauth2`, `tlsConfig`, the proxy fields, `followRedirects`, `enableHttp2`), scrape protocol
//! negotiation (`scrapeProtocols`, `fallbackScrapeProtocol`), native and classic histogram settings, the other
//! per-scrape limits (`labelLimit`, `labelNameLengthLimit`, `labelValueLengthLimit`, `bodySizeLimit`,
//! `keepDroppedTargets`, `nativeHistogramBucketLimit`), `attachMetadata`, `selectorMechanism`,
//! `serviceDiscoveryRole`, `trackTimestampsStaleness` and `status`. Reading an object that sets any of them drops
//! them, so these types suit writing monitors, not editing foreign ones in place.
//!
//! The types follow k8s-openapi's conventions, as the ScaledObject's do: optional fields are `Option`s left out of
//! the output when `None`, and the objects write `apiVersion` and `kind` first, from their
//! [`k8s_openapi::Resource`] constants.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use serde::{Deserialize, Serialize};

use super::keda::resource_serde;

/// A Prometheus Operator PodMonitor: makes the Prometheus instances that select it scrape pods directly, without a
/// Service.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PodMonitor {
    /// Standard object metadata. A Prometheus resource picks up monitors by these labels and by namespace.
    pub metadata: ObjectMeta,
    /// Which pods to scrape, and how.
    pub spec: PodMonitorSpec,
}

/// A Prometheus Operator ServiceMonitor: makes the Prometheus instances that select it scrape the endpoints behind
/// Services.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ServiceMonitor {
    /// Standard object metadata. A Prometheus resource picks up monitors by these labels and by namespace.
    pub metadata: ObjectMeta,
    /// Which Services to scrape, and how.
    pub spec: ServiceMonitorSpec,
}

/// The spec of a [`PodMonitor`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodMonitorSpec {
    /// Selects the pods to scrape by their labels (required). An empty selector selects every pod of the searched
    /// namespaces.
    pub selector: LabelSelector,
    /// The namespaces searched for pods. Unset: only the PodMonitor's own namespace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace_selector: Option<NamespaceSelector>,
    /// A pod label whose value becomes the `job` label of every series. Unset or empty: `job` is
    /// `<namespace>/<PodMonitor name>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_label: Option<String>,
    /// Pod labels copied onto every series, under names with the characters Prometheus does not allow turned into
    /// `_` (`app.kubernetes.io/name` becomes `app_kubernetes_io_name`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_target_labels: Option<Vec<String>>,
    /// The endpoints scraped on each selected pod.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_metrics_endpoints: Option<Vec<PodMetricsEndpoint>>,
    /// The most samples one scrape may keep after metric relabelling; a scrape with more fails as a whole (at least
    /// 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample_limit: Option<i64>,
    /// The most targets this monitor may yield after relabelling; beyond it, its targets are marked failed and not
    /// scraped (at least 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_limit: Option<i64>,
    /// A scrape class declared in the Prometheus resource whose settings apply to this monitor. Unset: the default
    /// scrape class, if one is declared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scrape_class: Option<String>,
}

/// The spec of a [`ServiceMonitor`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceMonitorSpec {
    /// Selects the Services whose endpoints are scraped, by their labels (required).
    pub selector: LabelSelector,
    /// The namespaces searched for Services. Unset: only the ServiceMonitor's own namespace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace_selector: Option<NamespaceSelector>,
    /// A Service label whose value becomes the `job` label of every series. Unset, empty, or missing on the
    /// Service: `job` is the Service's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_label: Option<String>,
    /// Service labels copied onto every series (names sanitised as for `podTargetLabels`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_labels: Option<Vec<String>>,
    /// Labels of the pods behind the Service copied onto every series (names sanitised: `.` and `/` become `_`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_target_labels: Option<Vec<String>>,
    /// The Service ports to scrape (required).
    pub endpoints: Vec<Endpoint>,
    /// The most samples one scrape may keep after metric relabelling; a scrape with more fails as a whole (at least
    /// 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample_limit: Option<i64>,
    /// The most targets this monitor may yield after relabelling; beyond it, its targets are marked failed and not
    /// scraped (at least 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_limit: Option<i64>,
    /// A scrape class declared in the Prometheus resource whose settings apply to this monitor. Unset: the default
    /// scrape class, if one is declared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scrape_class: Option<String>,
}

/// `spec.namespaceSelector`: the namespaces a monitor searches.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NamespaceSelector {
    /// When true, every namespace is searched and `matchNames` does not matter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub any: Option<bool>,
    /// The namespaces to search, by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub match_names: Option<Vec<String>>,
}

/// One entry of a PodMonitor's `podMetricsEndpoints`: a port of each selected pod and how to scrape it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodMetricsEndpoint {
    /// The name of the pod port to scrape; it wins over `portNumber` and `targetPort`. A pod without a port of
    /// this name gives no target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<String>,
    /// The number of a port the pod declares (1 to 65535), for unnamed ports. A port the pod does not declare
    /// cannot be scraped this way.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port_number: Option<i32>,
    /// The pod port by name or number. Deprecated by the operator in favour of `port` and `portNumber`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_port: Option<IntOrString>,
    /// The HTTP path of the metrics. Prometheus uses `/metrics` when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The protocol of the scrape. Prometheus uses `http` when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheme: Option<Scheme>,
    /// Query parameters added to the scrape URL, each name with its values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub params: Option<BTreeMap<String, Vec<String>>>,
    /// How often to scrape, as a Prometheus duration such as `15s` or `1m`. Unset: the global scrape interval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<String>,
    /// How long a scrape may take before it counts as failed, as a Prometheus duration; the operator rejects a
    /// value above `interval`. Unset: the global scrape timeout, or the interval when that is shorter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scrape_timeout: Option<String>,
    /// When true, labels the target exposes win over the target labels Prometheus attaches when names collide;
    /// otherwise the exposed ones are kept as `exported_<name>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub honor_labels: Option<bool>,
    /// Whether Prometheus keeps the timestamps the target exposes (it does when unset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub honor_timestamps: Option<bool>,
    /// Whether pods that are not running (failed or succeeded) are left out of discovery (they are when unset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter_running: Option<bool>,
    /// Relabelling of each target before it is scraped, applied after the operator's own rules; the original job
    /// name is in the `__tmp_prometheus_job_name` label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relabelings: Option<Vec<RelabelConfig>>,
    /// Relabelling of each scraped sample before it is stored, for instance to drop series.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric_relabelings: Option<Vec<RelabelConfig>>,
}

/// One entry of a ServiceMonitor's `endpoints`: a port of the selected Services and how to scrape it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Endpoint {
    /// The name of the Service port to scrape (a `spec.ports[].name` of the Service); it wins over `targetPort`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<String>,
    /// A container port of the pods behind the Service: a name is matched against the containers' port names, a
    /// number against their port numbers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_port: Option<IntOrString>,
    /// The HTTP path of the metrics. Prometheus uses `/metrics` when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The protocol of the scrape. Prometheus uses `http` when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheme: Option<Scheme>,
    /// Query parameters added to the scrape URL, each name with its values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub params: Option<BTreeMap<String, Vec<String>>>,
    /// How often to scrape, as a Prometheus duration such as `15s` or `1m`. Unset: the global scrape interval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<String>,
    /// How long a scrape may take before it counts as failed, as a Prometheus duration; the operator rejects a
    /// value above `interval`. Unset: the global scrape timeout, or the interval when that is shorter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scrape_timeout: Option<String>,
    /// When true, labels the target exposes win over the target labels Prometheus attaches when names collide;
    /// otherwise the exposed ones are kept as `exported_<name>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub honor_labels: Option<bool>,
    /// Whether Prometheus keeps the timestamps the target exposes (it does when unset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub honor_timestamps: Option<bool>,
    /// Whether pods that are not running (failed or succeeded) are left out of discovery (they are when unset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter_running: Option<bool>,
    /// Relabelling of each target before it is scraped, applied after the operator's own rules; the original job
    /// name is in the `__tmp_prometheus_job_name` label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relabelings: Option<Vec<RelabelConfig>>,
    /// Relabelling of each scraped sample before it is stored, for instance to drop series.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric_relabelings: Option<Vec<RelabelConfig>>,
}

/// The protocol Prometheus scrapes an endpoint with.
///
/// The CRD also accepts the upper-case spellings `HTTP` and `HTTPS`; they read as these values and are written
/// back in lower case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Scheme {
    /// Plain HTTP.
    #[serde(rename = "http", alias = "HTTP")]
    Http,
    /// HTTP over TLS.
    #[serde(rename = "https", alias = "HTTPS")]
    Https,
}

/// One Prometheus relabelling step. The values of `sourceLabels` are joined with `separator`, the result is matched
/// against `regex`, and `action` decides what follows.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RelabelConfig {
    /// The labels whose values are joined and matched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_labels: Option<Vec<String>>,
    /// What joins the source values. Prometheus uses `;` when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub separator: Option<String>,
    /// The label the step writes (`replace`, `hashmod`, `lowercase`, `uppercase`) or compares with (`keepequal`,
    /// `dropequal`); those actions require it. It may refer to capture groups of `regex`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_label: Option<String>,
    /// The regular expression, anchored at both ends, matched against the joined value. Prometheus uses `(.*)`
    /// when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regex: Option<String>,
    /// The divisor of `hashmod` (at least 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modulus: Option<i64>,
    /// The value `replace` writes, with `$1`-style references to capture groups. Prometheus uses `$1` when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replacement: Option<String>,
    /// What the step does. The CRD sets `replace` when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<RelabelAction>,
}

/// What a [`RelabelConfig`] step does.
///
/// Values are written in lower case, Prometheus' own spelling. The CRD also accepts a capitalised spelling of each
/// (`Replace`, `HashMod`, `LabelMap`, `KeepEqual`, …); it reads as the same value.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum RelabelAction {
    /// On a match, writes `replacement` (capture groups expanded) to `targetLabel`. The default.
    #[default]
    #[serde(rename = "replace", alias = "Replace")]
    Replace,
    /// Drops the target or sample unless `regex` matches.
    #[serde(rename = "keep", alias = "Keep")]
    Keep,
    /// Drops the target or sample when `regex` matches.
    #[serde(rename = "drop", alias = "Drop")]
    Drop,
    /// Writes a hash of the joined value modulo `modulus` to `targetLabel`, to shard targets.
    #[serde(rename = "hashmod", alias = "HashMod")]
    HashMod,
    /// Copies each label whose name matches `regex` to the name `replacement` gives.
    #[serde(rename = "labelmap", alias = "LabelMap")]
    LabelMap,
    /// Removes each label whose name matches `regex`.
    #[serde(rename = "labeldrop", alias = "LabelDrop")]
    LabelDrop,
    /// Removes each label whose name does not match `regex`.
    #[serde(rename = "labelkeep", alias = "LabelKeep")]
    LabelKeep,
    /// Writes the joined value in lower case to `targetLabel` (Prometheus 2.36 or later).
    #[serde(rename = "lowercase", alias = "Lowercase")]
    Lowercase,
    /// Writes the joined value in upper case to `targetLabel` (Prometheus 2.36 or later).
    #[serde(rename = "uppercase", alias = "Uppercase")]
    Uppercase,
    /// Drops the target or sample unless the joined value equals the value of `targetLabel` (Prometheus 2.41 or
    /// later).
    #[serde(rename = "keepequal", alias = "KeepEqual")]
    KeepEqual,
    /// Drops the target or sample when the joined value equals the value of `targetLabel` (Prometheus 2.41 or
    /// later).
    #[serde(rename = "dropequal", alias = "DropEqual")]
    DropEqual,
}

/// Implements `Resource`, `ListableResource` and `Metadata` for a `monitoring.coreos.com/v1` kind.
macro_rules! monitor_resource {
    ($ty:ty, $kind:literal, $list_kind:literal, $plural:literal) => {
        impl k8s_openapi::Resource for $ty {
            const API_VERSION: &'static str = "monitoring.coreos.com/v1";
            const GROUP: &'static str = "monitoring.coreos.com";
            const KIND: &'static str = $kind;
            const VERSION: &'static str = "v1";
            const URL_PATH_SEGMENT: &'static str = $plural;
            type Scope = k8s_openapi::NamespaceResourceScope;
        }

        impl k8s_openapi::ListableResource for $ty {
            const LIST_KIND: &'static str = $list_kind;
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

monitor_resource!(PodMonitor, "PodMonitor", "PodMonitorList", "podmonitors");
monitor_resource!(
    ServiceMonitor,
    "ServiceMonitor",
    "ServiceMonitorList",
    "servicemonitors"
);
resource_serde!(PodMonitor, PodMonitorSpec);
resource_serde!(ServiceMonitor, ServiceMonitorSpec);

#[cfg(test)]
mod tests {
    use k8s_openapi::ListableResource;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelectorRequirement;

    use super::super::keda::crd_schema;
    use super::*;

    const POD_MONITOR_CRD: &str = "prometheus-operator/monitoring.coreos.com_podmonitors.yaml";
    const SERVICE_MONITOR_CRD: &str =
        "prometheus-operator/monitoring.coreos.com_servicemonitors.yaml";

    const ACTIONS: [RelabelAction; 11] = [
        RelabelAction::Replace,
        RelabelAction::Keep,
        RelabelAction::Drop,
        RelabelAction::HashMod,
        RelabelAction::LabelMap,
        RelabelAction::LabelDrop,
        RelabelAction::LabelKeep,
        RelabelAction::Lowercase,
        RelabelAction::Uppercase,
        RelabelAction::KeepEqual,
        RelabelAction::DropEqual,
    ];

    fn metadata() -> ObjectMeta {
        ObjectMeta {
            name: Some("demo".into()),
            namespace: Some("inference".into()),
            labels: Some(BTreeMap::from([("release".into(), "prometheus".into())])),
            ..ObjectMeta::default()
        }
    }

    fn selector() -> LabelSelector {
        LabelSelector {
            match_labels: Some(BTreeMap::from([("app".into(), "demo".into())])),
            match_expressions: Some(vec![LabelSelectorRequirement {
                key: "tier".into(),
                operator: "In".into(),
                values: Some(vec!["inference".into()]),
            }]),
        }
    }

    fn namespaces() -> NamespaceSelector {
        NamespaceSelector {
            any: Some(false),
            match_names: Some(vec!["inference".into()]),
        }
    }

    fn relabel(action: RelabelAction) -> RelabelConfig {
        RelabelConfig {
            source_labels: Some(vec!["__meta_kubernetes_pod_node_name".into()]),
            separator: Some(";".into()),
            target_label: Some("node".into()),
            regex: Some("(.*)".into()),
            modulus: Some(4),
            replacement: Some("$1".into()),
            action: Some(action),
        }
    }

    fn params() -> BTreeMap<String, Vec<String>> {
        BTreeMap::from([("format".into(), vec!["prometheus".into()])])
    }

    /// A PodMonitor with every modelled field set.
    fn pod_monitor() -> PodMonitor {
        PodMonitor {
            metadata: metadata(),
            spec: PodMonitorSpec {
                selector: selector(),
                namespace_selector: Some(namespaces()),
                job_label: Some("app".into()),
                pod_target_labels: Some(vec!["app.kubernetes.io/name".into()]),
                pod_metrics_endpoints: Some(vec![PodMetricsEndpoint {
                    port: Some("http".into()),
                    port_number: Some(8000),
                    target_port: Some(IntOrString::Int(8000)),
                    path: Some("/metrics".into()),
                    scheme: Some(Scheme::Http),
                    params: Some(params()),
                    interval: Some("15s".into()),
                    scrape_timeout: Some("10s".into()),
                    honor_labels: Some(true),
                    honor_timestamps: Some(true),
                    filter_running: Some(true),
                    relabelings: Some(vec![relabel(RelabelAction::Replace)]),
                    metric_relabelings: Some(vec![relabel(RelabelAction::DropEqual)]),
                }]),
                sample_limit: Some(100_000),
                target_limit: Some(50),
                scrape_class: Some("default".into()),
            },
        }
    }

    /// A ServiceMonitor with every modelled field set.
    fn service_monitor() -> ServiceMonitor {
        ServiceMonitor {
            metadata: metadata(),
            spec: ServiceMonitorSpec {
                selector: selector(),
                namespace_selector: Some(namespaces()),
                job_label: Some("app".into()),
                target_labels: Some(vec!["app".into()]),
                pod_target_labels: Some(vec!["app.kubernetes.io/name".into()]),
                endpoints: vec![Endpoint {
                    port: Some("http".into()),
                    target_port: Some(IntOrString::String("http".into())),
                    path: Some("/metrics".into()),
                    scheme: Some(Scheme::Https),
                    params: Some(params()),
                    interval: Some("30s".into()),
                    scrape_timeout: Some("10s".into()),
                    honor_labels: Some(false),
                    honor_timestamps: Some(false),
                    filter_running: Some(false),
                    relabelings: Some(vec![relabel(RelabelAction::HashMod)]),
                    metric_relabelings: Some(vec![relabel(RelabelAction::LabelDrop)]),
                }],
                sample_limit: Some(100_000),
                target_limit: Some(50),
                scrape_class: Some("default".into()),
            },
        }
    }

    #[test]
    fn api_version_and_kind_come_first() {
        for (json, kind) in [
            (serde_json::to_string(&pod_monitor()).unwrap(), "PodMonitor"),
            (
                serde_json::to_string(&service_monitor()).unwrap(),
                "ServiceMonitor",
            ),
        ] {
            let start =
                format!(r#"{{"apiVersion":"monitoring.coreos.com/v1","kind":"{kind}","metadata":"#);
            assert!(json.starts_with(&start), "{json}");
        }
        for (yaml, kind) in [
            (yaml_serde::to_string(&pod_monitor()).unwrap(), "PodMonitor"),
            (
                yaml_serde::to_string(&service_monitor()).unwrap(),
                "ServiceMonitor",
            ),
        ] {
            let start = format!("apiVersion: monitoring.coreos.com/v1\nkind: {kind}\nmetadata:\n");
            assert!(yaml.starts_with(&start), "{yaml}");
        }
    }

    #[test]
    fn round_trip_through_json_and_yaml() {
        let pm = pod_monitor();
        let json = serde_json::to_string(&pm).unwrap();
        assert_eq!(serde_json::from_str::<PodMonitor>(&json).unwrap(), pm);
        let yaml = yaml_serde::to_string(&pm).unwrap();
        assert_eq!(yaml_serde::from_str::<PodMonitor>(&yaml).unwrap(), pm);
        let sm = service_monitor();
        let json = serde_json::to_string(&sm).unwrap();
        assert_eq!(serde_json::from_str::<ServiceMonitor>(&json).unwrap(), sm);
        let yaml = yaml_serde::to_string(&sm).unwrap();
        assert_eq!(yaml_serde::from_str::<ServiceMonitor>(&yaml).unwrap(), sm);
        // Each kind refuses the other.
        assert!(serde_json::from_str::<PodMonitor>(&json).is_err());
    }

    #[test]
    fn unset_fields_are_left_out() {
        let sm = ServiceMonitor {
            metadata: ObjectMeta {
                name: Some("demo".into()),
                ..ObjectMeta::default()
            },
            spec: ServiceMonitorSpec {
                endpoints: vec![Endpoint {
                    port: Some("http".into()),
                    ..Endpoint::default()
                }],
                ..ServiceMonitorSpec::default()
            },
        };
        assert_eq!(
            serde_json::to_string(&sm).unwrap(),
            r#"{"apiVersion":"monitoring.coreos.com/v1","kind":"ServiceMonitor","metadata":{"name":"demo"},"spec":{"selector":{},"endpoints":[{"port":"http"}]}}"#
        );
    }

    #[test]
    fn capitalised_spellings_read_as_the_same_values() {
        let step: RelabelConfig = serde_json::from_str(r#"{"action":"HashMod"}"#).unwrap();
        assert_eq!(step.action, Some(RelabelAction::HashMod));
        assert_eq!(
            serde_json::to_string(&step).unwrap(),
            r#"{"action":"hashmod"}"#
        );
        let scheme: Scheme = serde_json::from_str(r#""HTTPS""#).unwrap();
        assert_eq!(scheme, Scheme::Https);
        assert_eq!(RelabelAction::default(), RelabelAction::Replace);
    }

    #[test]
    fn resource_constants_match_the_crds() {
        fn check<T: ListableResource>(relative: &str) {
            let Some(crd) = crd_schema::load(relative) else {
                return;
            };
            let spec = &crd["spec"];
            assert_eq!(spec["group"], T::GROUP);
            assert_eq!(spec["names"]["kind"], T::KIND);
            assert_eq!(spec["names"]["listKind"], T::LIST_KIND);
            assert_eq!(spec["names"]["plural"], T::URL_PATH_SEGMENT);
            assert_eq!(spec["scope"], "Namespaced");
            assert_eq!(spec["versions"][0]["name"], T::VERSION);
            assert_eq!(T::API_VERSION, format!("{}/{}", T::GROUP, T::VERSION));
        }
        check::<PodMonitor>(POD_MONITOR_CRD);
        check::<ServiceMonitor>(SERVICE_MONITOR_CRD);
    }

    /// Every key the fully populated monitors write is in their CRD, with the CRD's type and enum values.
    #[test]
    fn every_written_field_is_in_the_crds() {
        for (relative, value) in [
            (
                POD_MONITOR_CRD,
                serde_json::to_value(pod_monitor()).unwrap(),
            ),
            (
                SERVICE_MONITOR_CRD,
                serde_json::to_value(service_monitor()).unwrap(),
            ),
        ] {
            let Some(crd) = crd_schema::load(relative) else {
                continue;
            };
            let mut problems = Vec::new();
            crd_schema::problems(&value, crd_schema::root_schema(&crd), "", &mut problems);
            assert!(problems.is_empty(), "{relative}: {problems:#?}");
        }
    }

    /// The enums write only values the CRDs allow, and every value the CRDs allow reads back.
    #[test]
    fn enums_match_the_crds() {
        for (relative, endpoints) in [
            (POD_MONITOR_CRD, "podMetricsEndpoints"),
            (SERVICE_MONITOR_CRD, "endpoints"),
        ] {
            let Some(crd) = crd_schema::load(relative) else {
                continue;
            };
            let root = crd_schema::root_schema(&crd);
            for list in ["relabelings", "metricRelabelings"] {
                let action = crd_schema::at(root, &["spec", endpoints, list, "action"]);
                let allowed = crd_schema::enum_values(action);
                let mut written: Vec<String> = ACTIONS
                    .iter()
                    .map(|a| {
                        serde_json::to_value(a)
                            .unwrap()
                            .as_str()
                            .unwrap()
                            .to_owned()
                    })
                    .collect();
                let mut lower: Vec<String> = allowed.iter().map(|a| a.to_lowercase()).collect();
                written.sort();
                lower.sort();
                lower.dedup();
                assert_eq!(written, lower, "{relative}: {list}");
                for name in &allowed {
                    serde_json::from_value::<RelabelAction>(name.as_str().into()).unwrap();
                }
                assert_eq!(action["default"], "replace");
            }
            let scheme = crd_schema::at(root, &["spec", endpoints, "scheme"]);
            for name in crd_schema::enum_values(scheme) {
                let read: Scheme = serde_json::from_value(name.as_str().into()).unwrap();
                assert_eq!(serde_json::to_value(read).unwrap(), name.to_lowercase());
            }
        }
    }
}
