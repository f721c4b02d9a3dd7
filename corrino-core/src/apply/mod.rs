//! Putting rendered objects into a cluster, as data: an ordered list of server-side-apply requests (or of deletes),
//! built by kube-core's `Request` without any I/O, so that any HTTP client, kube-rs, a test, or a person reading
//! `corrino apply --print-plan` sees exactly what would be sent.
//!
//! The plan also names the custom resource definitions it relies on, so that an executor can check them first and
//! fail with "KEDA is not installed in this cluster" rather than leave a recipe half applied. The optional
//! [`executor`] (cargo feature `kube`) sends a plan with kube-rs.

#[cfg(feature = "kube")]
pub mod executor;

use std::fmt;

use kube_core::params::{DeleteParams, Patch, PatchParams};
use kube_core::{Resource, request::Request};
use serde::{Deserialize, Serialize};

use k8s_openapi::api::core::v1::Node;

use crate::manifest::Manifest;
use crate::manifest::labels::MANAGER;
use crate::manifest::node::NodeLabels;

/// How the apply requests are made.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplyOptions {
    /// The field manager the server records as owner of the applied fields.
    pub field_manager: String,
    /// Take ownership of fields another manager set (`force=true`), as a tool that owns these objects should.
    pub force: bool,
    /// Ask the server to validate and admit the requests without persisting them (`dryRun=All`).
    pub dry_run: bool,
}

impl Default for ApplyOptions {
    fn default() -> Self {
        ApplyOptions {
            field_manager: MANAGER.to_owned(),
            force: true,
            dry_run: false,
        }
    }
}

/// The object a step acts on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectRef {
    /// `apiVersion` of the object.
    pub api_version: String,
    /// Its kind.
    pub kind: String,
    /// Its namespace (none for cluster-scoped kinds).
    pub namespace: Option<String>,
    /// Its name.
    pub name: String,
}

impl fmt::Display for ObjectRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.namespace {
            Some(ns) => write!(f, "{}/{} in {ns}", self.kind, self.name),
            None => write!(f, "{}/{}", self.kind, self.name),
        }
    }
}

/// One HTTP request of a plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// The object acted on.
    pub object: ObjectRef,
    /// `PATCH` (server-side apply) or `DELETE`.
    pub method: String,
    /// The API path, such as `/apis/apps/v1/namespaces/default/deployments/demo`.
    pub path: String,
    /// The query parameters, in order.
    pub query: Vec<(String, String)>,
    /// The content type of the body.
    pub content_type: String,
    /// The body: the object (apply) or the delete options (delete), as JSON (which is also YAML).
    pub body: String,
    /// For a step on every node a label selector picks: the selector. The path then ends in `{name}`, and the
    /// executor lists the nodes and sends the step once for each, with its name in the path and the body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_selector: Option<String>,
    /// Whether the step takes corrino's labels off nodes (an apply without them): deleting an `update` recipe.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub removes_labels: bool,
}

impl Step {
    /// The request as an `http::Request`, ready for any HTTP client (paths are relative to the API server).
    ///
    /// # Errors
    /// When the path or a header is not valid for `http` (it always is for steps this module builds).
    pub fn to_http(&self) -> Result<http::Request<Vec<u8>>, http::Error> {
        let mut uri = self.path.clone();
        if !self.query.is_empty() {
            let mut qs = form_urlencoded_pairs(&self.query);
            qs.insert(0, '?');
            uri.push_str(&qs);
        }
        http::Request::builder()
            .method(self.method.as_str())
            .uri(uri)
            .header(http::header::ACCEPT, "application/json")
            .header(http::header::CONTENT_TYPE, &self.content_type)
            .body(self.body.clone().into_bytes())
    }
}

fn form_urlencoded_pairs(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// A custom resource definition a plan relies on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CrdRequirement {
    /// The API group, such as `keda.sh`.
    pub group: String,
    /// The version served, such as `v1alpha1`.
    pub version: String,
    /// The kind, such as `ScaledObject`.
    pub kind: String,
    /// What installs it, for the message when it is missing.
    pub provided_by: String,
}

impl CrdRequirement {
    /// The discovery path that lists the group version's kinds.
    #[must_use]
    pub fn discovery_path(&self) -> String {
        format!("/apis/{}/{}", self.group, self.version)
    }

    /// The message when the kind is unknown to the cluster.
    #[must_use]
    pub fn missing_message(&self) -> String {
        format!(
            "{} is not installed in this cluster: {} ({}/{}) is unknown",
            self.provided_by, self.kind, self.group, self.version
        )
    }
}

/// An ordered list of requests and the CRDs they need.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplyPlan {
    /// Custom resource definitions to check before the first step.
    pub crds: Vec<CrdRequirement>,
    /// The requests, in order.
    pub steps: Vec<Step>,
}

impl fmt::Display for ApplyPlan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for crd in &self.crds {
            writeln!(
                f,
                "# requires {}/{} {} ({})",
                crd.group, crd.version, crd.kind, crd.provided_by
            )?;
        }
        for (i, step) in self.steps.iter().enumerate() {
            let query = form_urlencoded_pairs(&step.query);
            let sep = if query.is_empty() { "" } else { "?" };
            if let Some(selector) = &step.node_selector {
                writeln!(
                    f,
                    "{}. for each node with {selector} (GET /api/v1/nodes?labelSelector={selector}):",
                    i + 1
                )?;
                writeln!(f, "   {} {}{sep}{query}", step.method, step.path)?;
                let removes = if step.removes_labels {
                    "takes back the labels corrino set"
                } else {
                    "sets the labels"
                };
                writeln!(f, "   # {removes}; Content-Type: {}", step.content_type)?;
                continue;
            }
            writeln!(f, "{}. {} {}{sep}{query}", i + 1, step.method, step.path)?;
            let removes = if step.removes_labels {
                "; takes back the labels corrino set"
            } else {
                ""
            };
            writeln!(
                f,
                "   # {}; Content-Type: {}{removes}",
                step.object, step.content_type
            )?;
        }
        Ok(())
    }
}

/// Why a plan could not be built.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// An object has no name, or kube-core refused to build its request.
    #[error("cannot build the request for {object}: {source}")]
    Request {
        /// The object.
        object: String,
        /// kube-core's reason.
        #[source]
        source: kube_core::request::Error,
    },
}

/// Which requests to build.
#[derive(Clone, Copy)]
enum Verb {
    Apply,
    Delete,
}

fn step_for<K>(object: &K, verb: Verb, options: &ApplyOptions) -> Result<Step, PlanError>
where
    K: Resource<DynamicType = ()> + Serialize,
{
    let meta = object.meta();
    let name = meta.name.clone().unwrap_or_default();
    let namespace = meta.namespace.clone();
    let reference = ObjectRef {
        api_version: K::api_version(&()).into_owned(),
        kind: K::kind(&()).into_owned(),
        namespace: namespace.clone(),
        name: name.clone(),
    };
    let request = Request::new(K::url_path(&(), namespace.as_deref()));
    let built = match verb {
        Verb::Apply => {
            let mut params = PatchParams::apply(&options.field_manager);
            if options.force {
                params = params.force();
            }
            if options.dry_run {
                params = params.dry_run();
            }
            request.patch(&name, &params, &Patch::Apply(object))
        }
        Verb::Delete => {
            let mut params = DeleteParams::foreground();
            if options.dry_run {
                params = params.dry_run();
            }
            request.delete(&name, &params)
        }
    }
    .map_err(|source| PlanError::Request {
        object: reference.to_string(),
        source,
    })?;
    let (parts, body) = built.into_parts();
    let path = parts.uri.path().to_owned();
    let mut query: Vec<(String, String)> = parts
        .uri
        .query()
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (k.to_owned(), v.to_owned())
        })
        .collect();
    if let Verb::Delete = verb {
        // kube-core sends the propagation policy in the DeleteOptions body; the query says the same, so that the
        // intent is visible in logs and in `--print-plan`.
        query.push(("propagationPolicy".into(), "Foreground".into()));
    }
    let content_type = parts
        .headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/json")
        .to_owned();
    Ok(Step {
        object: reference,
        method: parts.method.as_str().to_owned(),
        path,
        query,
        content_type,
        body: String::from_utf8_lossy(&body).into_owned(),
        node_selector: None,
        removes_labels: false,
    })
}

/// The step that sets (apply) or takes back (delete) a node's labels: both are server-side applies, the second
/// without the labels, so that the server removes exactly the labels corrino's field manager set.
fn node_step(node: &Node, verb: Verb, options: &ApplyOptions) -> Result<Step, PlanError> {
    match verb {
        Verb::Apply => step_for(node, Verb::Apply, options),
        Verb::Delete => {
            let name = node.metadata.name.as_deref().unwrap_or_default();
            let mut step = step_for(
                &crate::manifest::node::node_patch(name, &Default::default()),
                Verb::Apply,
                options,
            )?;
            step.removes_labels = true;
            Ok(step)
        }
    }
}

/// The step for every node a selector picks: a template, with `{name}` where each node's name goes.
fn selector_step(
    labels: &NodeLabels,
    verb: Verb,
    options: &ApplyOptions,
) -> Result<Step, PlanError> {
    const NAME: &str = "{name}";
    let wanted = match verb {
        Verb::Apply => labels.labels.clone(),
        Verb::Delete => Default::default(),
    };
    let mut step = step_for(
        &crate::manifest::node::node_patch(NAME, &wanted),
        Verb::Apply,
        options,
    )?;
    step.object.name = format!("every node with {}", labels.selector);
    step.node_selector = Some(labels.selector.clone());
    step.removes_labels = matches!(verb, Verb::Delete);
    // The body names no node: the executor puts each node's name in.
    if let Ok(mut body) = serde_json::from_str::<serde_json::Value>(&step.body) {
        if let Some(meta) = body.get_mut("metadata").and_then(|m| m.as_object_mut()) {
            meta.remove("name");
        }
        step.body = body.to_string();
    }
    Ok(step)
}

fn step(
    manifest: &Manifest,
    verb: Verb,
    options: &ApplyOptions,
) -> Option<Result<Step, PlanError>> {
    Some(match manifest {
        Manifest::PersistentVolume(o) => step_for(&**o, verb, options),
        Manifest::PersistentVolumeClaim(o) => step_for(&**o, verb, options),
        Manifest::Namespace(o) => step_for(&**o, verb, options),
        Manifest::ResourceFlavor(o) => step_for(&**o, verb, options),
        Manifest::Cohort(o) => step_for(&**o, verb, options),
        Manifest::WorkloadPriorityClass(o) => step_for(&**o, verb, options),
        Manifest::ClusterQueue(o) => step_for(&**o, verb, options),
        Manifest::LocalQueue(o) => step_for(&**o, verb, options),
        Manifest::Deployment(o) => step_for(&**o, verb, options),
        Manifest::LeaderWorkerSet(o) => step_for(&**o, verb, options),
        Manifest::Job(o) => step_for(&**o, verb, options),
        Manifest::Node(o) => node_step(o, verb, options),
        Manifest::NodeLabels(o) => selector_step(o, verb, options),
        Manifest::Service(o) => step_for(&**o, verb, options),
        Manifest::Ingress(o) => step_for(&**o, verb, options),
        Manifest::PodMonitor(o) => step_for(&**o, verb, options),
        Manifest::ServiceMonitor(o) => step_for(&**o, verb, options),
        Manifest::ScaledObject(o) => step_for(&**o, verb, options),
        // OCI documents are written to files for the OCI CLI or Terraform, never sent to the cluster.
        Manifest::NodePool(_) | Manifest::ClusterAutoscaler(_) => return None,
    })
}

fn crds(manifests: &[Manifest]) -> Vec<CrdRequirement> {
    let mut out: Vec<CrdRequirement> = Vec::new();
    for m in manifests {
        let (group, version, kind, by) = match m {
            Manifest::ScaledObject(_) => ("keda.sh", "v1alpha1", "ScaledObject", "KEDA"),
            Manifest::PodMonitor(_) => (
                "monitoring.coreos.com",
                "v1",
                "PodMonitor",
                "the Prometheus Operator",
            ),
            Manifest::ServiceMonitor(_) => (
                "monitoring.coreos.com",
                "v1",
                "ServiceMonitor",
                "the Prometheus Operator",
            ),
            Manifest::LeaderWorkerSet(_) => (
                "leaderworkerset.x-k8s.io",
                "v1",
                "LeaderWorkerSet",
                "the LeaderWorkerSet controller",
            ),
            Manifest::ResourceFlavor(_) => ("kueue.x-k8s.io", "v1beta2", "ResourceFlavor", "Kueue"),
            Manifest::Cohort(_) => ("kueue.x-k8s.io", "v1beta2", "Cohort", "Kueue"),
            Manifest::WorkloadPriorityClass(_) => (
                "kueue.x-k8s.io",
                "v1beta2",
                "WorkloadPriorityClass",
                "Kueue",
            ),
            Manifest::ClusterQueue(_) => ("kueue.x-k8s.io", "v1beta2", "ClusterQueue", "Kueue"),
            Manifest::LocalQueue(_) => ("kueue.x-k8s.io", "v1beta2", "LocalQueue", "Kueue"),
            // A team's job is admitted by Kueue: without Kueue it would run unlimited.
            Manifest::Job(job)
                if job
                    .metadata
                    .labels
                    .as_ref()
                    .is_some_and(|l| l.contains_key(crate::manifest::job::QUEUE_NAME_LABEL)) =>
            {
                ("kueue.x-k8s.io", "v1beta2", "LocalQueue", "Kueue")
            }
            _ => continue,
        };
        if !out.iter().any(|c| c.kind == kind) {
            out.push(CrdRequirement {
                group: group.into(),
                version: version.into(),
                kind: kind.into(),
                provided_by: by.into(),
            });
        }
    }
    out
}

/// The server-side-apply requests for rendered objects, in their order (cluster-scoped first, the ScaledObject
/// after its Deployment).
///
/// # Errors
/// When a request cannot be built (an object without a name).
pub fn apply_plan(manifests: &[Manifest], options: &ApplyOptions) -> Result<ApplyPlan, PlanError> {
    Ok(ApplyPlan {
        crds: crds(manifests),
        steps: manifests
            .iter()
            .filter_map(|m| step(m, Verb::Apply, options))
            .collect::<Result<_, _>>()?,
    })
}

/// The deletes that take rendered objects out again, in reverse order (the ScaledObject before its Deployment, so
/// that the autoscaler stops before the workload goes), with foreground propagation so that the pods are gone when
/// the Deployment is. It needs no CRD check: deleting a kind the cluster lacks is a 404, which is "already gone".
///
/// # Errors
/// When a request cannot be built (an object without a name).
pub fn delete_plan(manifests: &[Manifest], options: &ApplyOptions) -> Result<ApplyPlan, PlanError> {
    Ok(ApplyPlan {
        crds: Vec::new(),
        steps: manifests
            .iter()
            .rev()
            // Kueue flavors and the cohort are shared by every team: deleting one team leaves them.
            .filter(|m| !m.is_shared())
            .filter_map(|m| step(m, Verb::Delete, options))
            .collect::<Result<_, _>>()?,
    })
}
