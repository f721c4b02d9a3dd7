//! How a plan is rendered: the options every face offers (the CLI's flags, Python's keyword arguments, the
//! JavaScript options object), defined once here and read with serde, and checked here so that every face refuses
//! the same values the API server or OCI would refuse.

use std::collections::BTreeMap;
use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize};

use super::labels::{MANAGER, RECIPE_LABEL};
use super::oci::AutoscalerTiming;
use crate::autoscaling::defaults;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::names::{dns_label_problem, label_key_problem, label_value_problem, subdomain_problem};
use crate::target::{KedaVersion, KubernetesVersion, Target};

/// How Prometheus finds vLLM's `/metrics`, which also decides the labels the default query selects by.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum ScrapeMode {
    /// `prometheus.io/*` pod annotations, read by the `kubernetes-pods` job of the plain Prometheus chart that
    /// upstream installs. The series carry `namespace` and the pod's labels (`corrino_oci_recipe`).
    #[default]
    Annotations,
    /// A Prometheus Operator PodMonitor; it copies the recipe label onto the series (`podTargetLabels`).
    PodMonitor,
    /// A Prometheus Operator ServiceMonitor on the Service; the series carry `namespace` and `service`.
    ServiceMonitor,
    /// Nothing is emitted: scraping is configured elsewhere, as upstream's control plane does, and the default
    /// query selects upstream's `instance="recipe-<name>.<namespace>:80"`.
    None,
}

/// How the Cluster Autoscaler add-on is told which pools to manage.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum NodeGroupDiscovery {
    /// `nodes: <min>:<max>:<node pool OCID>`: explicit, needs the pool's OCID.
    #[default]
    Nodes,
    /// `nodeGroupAutoDiscovery: compartmentId:…,nodepoolTags:corrino-recipe=<name>,min:…,max:…`: finds the pool
    /// by its freeform tag (OKE 1.30.10 and later).
    AutoDiscovery,
}

/// How a plan is rendered. Every field has a default, so callers name only what they change; an unknown field is
/// an error rather than silently ignored. The same struct is read from the CLI's flags, Python's keyword arguments
/// and JavaScript's options object.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct RenderOptions {
    /// The namespace of every namespaced object.
    pub namespace: String,
    /// The base domain of the public host `<name>.<base domain>`; without one the Ingress matches any host.
    pub base_domain: Option<String>,
    /// The ingress class (upstream: `nginx`).
    pub ingress_class: Option<String>,
    /// A cert-manager ClusterIssuer for the Ingress' TLS certificate (upstream: `letsencrypt-prod`).
    pub tls_issuer: Option<String>,
    /// The Prometheus server KEDA queries, unless the recipe names one.
    pub prometheus_address: String,
    /// How Prometheus finds the pods.
    pub scrape: ScrapeMode,
    /// Labels added to every object (the labels corrino sets itself are not replaced).
    pub labels: BTreeMap<String, String>,
    /// Annotations added to every object.
    pub annotations: BTreeMap<String, String>,
    /// The image of the init containers that copy Object Storage inputs (it needs `oci` and `python3`).
    pub object_storage_image: String,
    /// Where each File Storage file system is exported, by file system OCID: `{mount_target_ip, export_path}` or
    /// the text `<mount target IP>:<export path>`.
    pub file_systems: BTreeMap<String, FileSystemExport>,
    /// The compartment of the node pool (the recipe's `recipe_compartment_ocid` wins); a placeholder when absent.
    pub compartment_id: Option<String>,
    /// The OKE cluster; a placeholder when absent.
    pub cluster_id: Option<String>,
    /// The worker subnet; a placeholder when absent.
    pub subnet_id: Option<String>,
    /// The node pool's OCID, known once it exists (for the autoscaler's `nodes` key); a placeholder when absent.
    pub node_pool_id: Option<String>,
    /// How the Cluster Autoscaler finds the pool.
    pub discovery: NodeGroupDiscovery,
    /// The Cluster Autoscaler add-on's timing keys.
    pub autoscaler_timing: AutoscalerTiming,
    /// The StorageClass of a job's output volumes (OKE's block volumes: `oci-bv`; OCI gives at least 50 GB).
    pub storage_class: String,
    /// How often a job's failed pod is retried before the Job fails (`backoffLimit`, at most
    /// [`MAX_JOB_BACKOFF_LIMIT`]).
    pub job_backoff_limit: u32,
    /// How long a finished Job is kept before Kubernetes deletes it (`ttlSecondsAfterFinished`, at most
    /// [`MAX_JOB_TTL_SECONDS`]); `None` keeps it, and its logs, until `corrino delete`.
    pub job_ttl_seconds_after_finished: Option<u32>,
    /// The cluster's KEDA release (2.17.0, as OCI AI Blueprints installs it): the recipe is planned for it, and the
    /// ScaledObject holds only what it admits. With `kubernetes`, the target, written flat so that every face names
    /// it `keda`.
    pub keda: KedaVersion,
    /// The cluster's Kubernetes minor release (1.34, the newest OKE offers).
    pub kubernetes: KubernetesVersion,
}

/// The most retries of a job's pod: a GPU job that failed this often will not succeed by retrying.
pub const MAX_JOB_BACKOFF_LIMIT: u32 = 100;

/// The longest a finished Job is kept: a year.
pub const MAX_JOB_TTL_SECONDS: u32 = 365 * 24 * 3600;

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            namespace: "default".into(),
            base_domain: None,
            ingress_class: Some("nginx".into()),
            tls_issuer: None,
            prometheus_address: defaults::SERVER_ADDRESS.into(),
            scrape: ScrapeMode::default(),
            labels: BTreeMap::new(),
            annotations: BTreeMap::new(),
            object_storage_image: "ghcr.io/oracle/oci-cli:20250701".into(),
            file_systems: BTreeMap::new(),
            compartment_id: None,
            cluster_id: None,
            subnet_id: None,
            node_pool_id: None,
            discovery: NodeGroupDiscovery::default(),
            autoscaler_timing: AutoscalerTiming::default(),
            storage_class: "oci-bv".into(),
            job_backoff_limit: 2,
            job_ttl_seconds_after_finished: None,
            keda: KedaVersion::default(),
            kubernetes: KubernetesVersion::default(),
        }
    }
}

/// The labels corrino puts on every object itself; an extra label of the same key is not used.
pub const RESERVED_LABELS: [&str; 6] = [
    "app.kubernetes.io/name",
    "app.kubernetes.io/instance",
    "app.kubernetes.io/component",
    "app.kubernetes.io/managed-by",
    "app.kubernetes.io/part-of",
    RECIPE_LABEL,
];

/// The longest value an option may hold, in bytes: far beyond any real name, address or identifier, and small
/// enough that no option can make the output large.
pub const MAX_OPTION_BYTES: usize = 4096;

impl RenderOptions {
    /// The releases rendered for.
    #[must_use]
    pub fn target(&self) -> Target {
        Target {
            keda: self.keda,
            kubernetes: self.kubernetes,
        }
    }

    /// Every problem of the options themselves, whatever the recipe: values the API server or OCI would refuse
    /// (errors), and values that would be ignored (warnings). Each names the option.
    #[must_use]
    pub fn problems(&self) -> Diagnostics {
        let mut out = Diagnostics::new();
        let mut error = |option: &str, message: String| {
            out.push(Diagnostic::error(
                "",
                Code::RenderOption,
                format!("render option `{option}`: {message}"),
            ));
        };
        if let Some(problem) = dns_label_problem(&self.namespace, 63) {
            error(
                "namespace",
                format!(
                    "`{}` is not a namespace name: {problem}",
                    shown(&self.namespace)
                ),
            );
        }
        if let Some(base) = &self.base_domain {
            // `<name>.<base domain>` must be a DNS subdomain; names have up to 56 characters.
            if let Some(problem) = subdomain_problem(base) {
                error(
                    "base_domain",
                    format!("`{}` is not a DNS domain: {problem}", shown(base)),
                );
            } else if base.len() > 253 - 57 {
                error(
                    "base_domain",
                    format!(
                        "`{}` is {} characters long; with `<name>.` in front the host may exceed 253 characters",
                        shown(base),
                        base.len()
                    ),
                );
            }
        }
        for (option, value) in [
            ("ingress_class", &self.ingress_class),
            ("tls_issuer", &self.tls_issuer),
        ] {
            if let Some(problem) = value.as_deref().and_then(subdomain_problem) {
                error(
                    option,
                    format!(
                        "`{}` cannot name a Kubernetes object: {problem}",
                        shown(value.as_deref().unwrap_or_default())
                    ),
                );
            }
        }
        if let Some(problem) = url_problem(&self.prometheus_address) {
            error(
                "prometheus_address",
                format!(
                    "`{}` is not an http(s) URL: {problem}",
                    shown(&self.prometheus_address)
                ),
            );
        }
        if let Err(problem) = crate::recipe::image::parse_image(&self.object_storage_image) {
            error(
                "object_storage_image",
                format!(
                    "`{}` is not an image reference: {problem}",
                    shown(&self.object_storage_image)
                ),
            );
        }
        for (key, value) in &self.labels {
            if let Some(problem) = label_key_problem(key).or_else(|| label_value_problem(value)) {
                error(
                    "labels",
                    format!(
                        "`{}={}` cannot be put on Kubernetes objects: {problem}",
                        shown(key),
                        shown(value)
                    ),
                );
            }
        }
        for key in self.annotations.keys() {
            if let Some(problem) = label_key_problem(key) {
                error(
                    "annotations",
                    format!("`{}` is not an annotation key: {problem}", shown(key)),
                );
            }
        }
        if let Some(value) = self
            .annotations
            .values()
            .find(|v| v.len() > MAX_OPTION_BYTES)
        {
            error(
                "annotations",
                format!(
                    "a value is {} bytes long; at most {MAX_OPTION_BYTES} are accepted",
                    value.len()
                ),
            );
        }
        for (ocid, export) in &self.file_systems {
            if let Some(problem) = ocid_problem(ocid, &["filesystem"]) {
                error(
                    "file_systems",
                    format!("`{}` is not a file system OCID: {problem}", shown(ocid)),
                );
            }
            if let Some(problem) = export.problem() {
                error(
                    "file_systems",
                    format!("the export of `{}`: {problem}", shown(ocid)),
                );
            }
        }
        for (option, value, kinds) in [
            (
                "compartment_id",
                &self.compartment_id,
                &["compartment", "tenancy"][..],
            ),
            ("cluster_id", &self.cluster_id, &["cluster"][..]),
            ("subnet_id", &self.subnet_id, &["subnet"][..]),
            ("node_pool_id", &self.node_pool_id, &["nodepool"][..]),
        ] {
            if let Some(problem) = value.as_deref().and_then(|v| ocid_problem(v, kinds)) {
                error(
                    option,
                    format!(
                        "`{}` is not such an OCID: {problem}",
                        shown(value.as_deref().unwrap_or_default())
                    ),
                );
            }
        }
        if let Some(problem) = subdomain_problem(&self.storage_class) {
            error(
                "storage_class",
                format!(
                    "`{}` cannot name a StorageClass: {problem}",
                    shown(&self.storage_class)
                ),
            );
        }
        if self.job_backoff_limit > MAX_JOB_BACKOFF_LIMIT {
            error(
                "job_backoff_limit",
                format!(
                    "{} retries; at most {MAX_JOB_BACKOFF_LIMIT} are accepted",
                    self.job_backoff_limit
                ),
            );
        }
        if let Some(ttl) = self.job_ttl_seconds_after_finished
            && ttl > MAX_JOB_TTL_SECONDS
        {
            error(
                "job_ttl_seconds_after_finished",
                format!("{ttl} seconds; at most {MAX_JOB_TTL_SECONDS} (a year) are accepted"),
            );
        }
        for key in self
            .labels
            .keys()
            .filter(|k| RESERVED_LABELS.contains(&k.as_str()))
        {
            out.push(
                Diagnostic::warning(
                    "",
                    Code::RenderOption,
                    format!(
                        "render option `labels`: corrino sets `{key}` on every object itself (managed by `{MANAGER}`), so the value given is not used"
                    ),
                )
                .with_hint("choose a key of your own"),
            );
        }
        out
    }
}

/// A value as a message shows it: at most 80 characters, the rest elided.
fn shown(value: &str) -> String {
    const SHOWN: usize = 80;
    match value.char_indices().nth(SHOWN) {
        Some((cut, _)) => format!("{}…", &value[..cut]),
        None => value.to_owned(),
    }
}

/// Why `text` is not an `http://` or `https://` URL with a host.
fn url_problem(text: &str) -> Option<String> {
    if text.len() > MAX_OPTION_BYTES {
        return Some(format!("it is {} bytes long", text.len()));
    }
    match text.parse::<http::Uri>() {
        Err(e) => Some(e.to_string()),
        Ok(uri) => match (uri.scheme_str(), uri.host()) {
            (Some("http" | "https"), Some(host)) if !host.is_empty() => None,
            (Some(scheme), _) if !matches!(scheme, "http" | "https") => {
                Some(format!("the scheme is `{scheme}`"))
            }
            (None, _) => Some("it has no `http://` or `https://`".to_owned()),
            _ => Some("it has no host".to_owned()),
        },
    }
}

/// Why `text` is not an OCID of one of `kinds`: `ocid1.<kind>.<realm>.[region].<unique id>`.
fn ocid_problem(text: &str, kinds: &[&str]) -> Option<String> {
    let parts: Vec<&str> = text.split('.').collect();
    if parts.len() < 5 || parts[0] != "ocid1" {
        return Some(
            "an OCID reads `ocid1.<resource type>.<realm>.[region].<unique id>`".to_owned(),
        );
    }
    if !kinds.contains(&parts[1]) {
        return Some(format!(
            "it names a `{}`, not {}",
            parts[1],
            kinds
                .iter()
                .map(|k| format!("a `{k}`"))
                .collect::<Vec<_>>()
                .join(" or ")
        ));
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_');
    if let Some(c) = text.chars().find(|c| !allowed(*c)) {
        return Some(format!("it contains `{}`", c.escape_default()));
    }
    if text.len() > 255 {
        return Some(format!("it is {} characters long", text.len()));
    }
    None
}

/// Where an OCI File Storage file system is exported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FileSystemExport {
    /// The mount target's private IP address.
    pub mount_target_ip: String,
    /// The export path, such as `/models`.
    pub export_path: String,
}

/// The three forms it is read from (see the `Deserialize` impl).
#[cfg(feature = "schema")]
impl schemars::JsonSchema for FileSystemExport {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "FileSystemExport".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "Where a File Storage file system is exported: its mount target's IP address and the export path, as an object, as the text `<ip>:<path>` (an IPv6 address in brackets), or as an `[ip, path]` pair.",
            "anyOf": [
                {
                    "type": "object",
                    "properties": {
                        "mount_target_ip": {"type": "string", "description": "The mount target's private IP address."},
                        "export_path": {"type": "string", "description": "The export path, such as `/models`."}
                    },
                    "required": ["mount_target_ip", "export_path"],
                    "additionalProperties": false
                },
                {"type": "string"},
                {
                    "type": "array",
                    "prefixItems": [{"type": "string"}, {"type": "string"}],
                    "minItems": 2,
                    "maxItems": 2
                }
            ]
        })
    }
}

impl FileSystemExport {
    /// Why the export cannot be mounted: the IP address must be one, the path absolute.
    #[must_use]
    pub fn problem(&self) -> Option<String> {
        if self.mount_target_ip.parse::<IpAddr>().is_err() {
            return Some(format!(
                "`{}` is not an IP address",
                shown(&self.mount_target_ip)
            ));
        }
        if !self.export_path.starts_with('/') || self.export_path.len() > MAX_OPTION_BYTES {
            return Some(format!(
                "the export path `{}` is not an absolute path",
                shown(&self.export_path)
            ));
        }
        if self.export_path.chars().any(char::is_control) {
            return Some("the export path holds a control character".to_owned());
        }
        None
    }
}

impl fmt::Display for FileSystemExport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mount_target_ip.contains(':') {
            write!(f, "[{}]:{}", self.mount_target_ip, self.export_path)
        } else {
            write!(f, "{}:{}", self.mount_target_ip, self.export_path)
        }
    }
}

/// `<mount target IP>:<export path>`, an IPv6 address in brackets: `10.0.10.5:/models`, `[fd00::5]:/models`.
impl FromStr for FileSystemExport {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let split = if let Some(rest) = text.strip_prefix('[') {
            rest.split_once("]:")
        } else {
            text.split_once(':')
        };
        match split {
            Some((ip, path)) => Ok(FileSystemExport {
                mount_target_ip: ip.to_owned(),
                export_path: path.to_owned(),
            }),
            None => Err(format!(
                "`{text}`: expected <mount target IP>:<export path>"
            )),
        }
    }
}

/// Read from `{mount_target_ip, export_path}`, from the text `<ip>:<path>`, or from a pair `[ip, path]` (a Python
/// tuple).
impl<'de> Deserialize<'de> for FileSystemExport {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Fields {
            mount_target_ip: String,
            export_path: String,
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Form {
            Fields(Fields),
            Text(String),
            Pair(String, String),
        }
        match Form::deserialize(deserializer).map_err(|_| {
            serde::de::Error::custom(
                "expected {mount_target_ip, export_path}, `<ip>:<path>` or an (ip, path) pair",
            )
        })? {
            Form::Fields(f) => Ok(FileSystemExport {
                mount_target_ip: f.mount_target_ip,
                export_path: f.export_path,
            }),
            Form::Text(text) => text.parse().map_err(serde::de::Error::custom),
            Form::Pair(mount_target_ip, export_path) => Ok(FileSystemExport {
                mount_target_ip,
                export_path,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(options: &RenderOptions) -> Vec<String> {
        options
            .problems()
            .iter()
            .map(|d| d.message.clone())
            .collect()
    }

    #[test]
    fn defaults_have_no_problem() {
        assert!(RenderOptions::default().problems().is_empty());
    }

    #[test]
    fn values_the_api_server_refuses_are_errors_naming_the_option() {
        let options = RenderOptions {
            base_domain: Some("ex ample.com".into()),
            ingress_class: Some("NGINX CLASS".into()),
            prometheus_address: "not a url".into(),
            ..RenderOptions::default()
        };
        let found = messages(&options);
        assert_eq!(found.len(), 3, "{found:#?}");
        assert!(
            found[0].starts_with("render option `base_domain`"),
            "{found:#?}"
        );
        assert!(
            found[1].starts_with("render option `ingress_class`"),
            "{found:#?}"
        );
        assert!(
            found[2].starts_with("render option `prometheus_address`"),
            "{found:#?}"
        );
        let long = RenderOptions {
            base_domain: Some(format!("{}.com", "a.".repeat(150))),
            ..RenderOptions::default()
        };
        assert!(long.problems().has_errors());
        for bad in ["ftp://prometheus", "http://", "prometheus:9090"] {
            let options = RenderOptions {
                prometheus_address: bad.into(),
                ..RenderOptions::default()
            };
            assert!(options.problems().has_errors(), "{bad}");
        }
        let good = RenderOptions {
            prometheus_address: "https://prometheus.monitoring.svc:9090/prefix".into(),
            base_domain: Some("inference.example.com".into()),
            tls_issuer: Some("letsencrypt-prod".into()),
            ..RenderOptions::default()
        };
        assert!(good.problems().is_empty(), "{:?}", messages(&good));
    }

    #[test]
    fn identifiers_and_exports_are_checked() {
        let options = RenderOptions {
            cluster_id: Some("ocid1.subnet.oc1.iad.aaaa".into()),
            compartment_id: Some("ocid1.tenancy.oc1..aaaa".into()),
            file_systems: BTreeMap::from([(
                "ocid1.filesystem.oc1.iad.aaaa".to_owned(),
                FileSystemExport {
                    mount_target_ip: "10.0.0.300".into(),
                    export_path: "/models".into(),
                },
            )]),
            ..RenderOptions::default()
        };
        let found = messages(&options);
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(found[0].contains("not an IP address"), "{found:#?}");
        assert!(
            found[1].contains("names a `subnet`, not a `cluster`"),
            "{found:#?}"
        );
    }

    #[test]
    fn reserved_labels_are_a_warning() {
        let options = RenderOptions {
            labels: BTreeMap::from([
                ("app.kubernetes.io/name".to_owned(), "x".to_owned()),
                ("team".to_owned(), "a".to_owned()),
            ]),
            ..RenderOptions::default()
        };
        let problems = options.problems();
        assert!(!problems.has_errors());
        assert_eq!(problems.len(), 1);
        assert!(
            problems
                .iter()
                .next()
                .is_some_and(|d| d.message.contains("`app.kubernetes.io/name`"))
        );
    }

    #[test]
    fn file_system_exports_read_in_three_forms() {
        let expected = FileSystemExport {
            mount_target_ip: "10.0.10.5".into(),
            export_path: "/models".into(),
        };
        for text in [
            r#"{"mount_target_ip": "10.0.10.5", "export_path": "/models"}"#,
            r#""10.0.10.5:/models""#,
            r#"["10.0.10.5", "/models"]"#,
        ] {
            let read: FileSystemExport = serde_json::from_str(text).expect(text);
            assert_eq!(read, expected);
        }
        let v6: FileSystemExport = "[fd00::5]:/models".parse().expect("v6");
        assert_eq!(v6.mount_target_ip, "fd00::5");
        assert_eq!(v6.to_string(), "[fd00::5]:/models");
        assert!(v6.problem().is_none());
        assert!("10.0.10.5".parse::<FileSystemExport>().is_err());
        assert!(serde_json::from_str::<FileSystemExport>("7").is_err());
    }

    #[test]
    fn options_read_from_json_need_only_what_changes() {
        let options: RenderOptions = serde_json::from_str(
            r#"{"namespace": "inference", "autoscaler_timing": {"scanInterval": "20s"}}"#,
        )
        .expect("partial options");
        assert_eq!(options.namespace, "inference");
        assert_eq!(options.ingress_class.as_deref(), Some("nginx"));
        assert_eq!(options.autoscaler_timing.scan_interval, "20s");
        assert_eq!(options.autoscaler_timing.scale_down_unneeded_time, "10m");
        assert!(serde_json::from_str::<RenderOptions>(r#"{"baseDomain": "x"}"#).is_err());
        let targeted: RenderOptions =
            serde_json::from_str(r#"{"keda": "2.20", "kubernetes": "1.36"}"#).expect("a target");
        assert_eq!(
            targeted.target(),
            Target {
                keda: KedaVersion::V2_20_0,
                kubernetes: KubernetesVersion::V1_36
            }
        );
        assert!(serde_json::from_str::<RenderOptions>(r#"{"keda": "2.16"}"#).is_err());
    }
}
