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

use crate::manifest::Manifest;
use crate::manifest::labels::MANAGER;

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
            writeln!(f, "{}. {} {}{sep}{query}", i + 1, step.method, step.path)?;
            writeln!(
                f,
                "   # {}; Content-Type: {}",
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
    })
}

fn step(
    manifest: &Manifest,
    verb: Verb,
    options: &ApplyOptions,
) -> Option<Result<Step, PlanError>> {
    Some(match manifest {
        Manifest::PersistentVolume(o) => step_for(&**o, verb, options),
        Manifest::PersistentVolumeClaim(o) => step_for(&**o, verb, options),
        Manifest::Deployment(o) => step_for(&**o, verb, options),
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
            .filter_map(|m| step(m, Verb::Delete, options))
            .collect::<Result<_, _>>()?,
    })
}
