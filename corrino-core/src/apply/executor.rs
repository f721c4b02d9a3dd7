//! Sending an [`ApplyPlan`] to a cluster with kube-rs (cargo feature `kube`).
//!
//! This is the one part of corrino-core that does I/O; the plan it sends is built without any. The executor checks
//! the plan's CRDs first (so that a cluster without KEDA gets a clear message before anything is written), sends the
//! steps in order, stops at the first failure and says which objects were already applied, and can wait until the
//! Deployment is available.

use std::time::Duration;

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::APIResourceList;
use serde::Serialize;

use super::{ApplyPlan, CrdRequirement, Step};

/// What happened to one object.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Outcome {
    /// The object, as "Kind/name in namespace".
    pub object: String,
    /// What the server did.
    pub result: OutcomeKind,
}

/// The result of one step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum OutcomeKind {
    /// Applied (created or updated).
    Applied,
    /// Deleted.
    Deleted,
    /// Already absent when deleting.
    AlreadyGone,
    /// corrino's labels taken off a node (deleting an `update` recipe).
    LabelsRemoved,
}

/// What an execution did, step by step.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    /// One outcome per step sent, in order.
    pub outcomes: Vec<Outcome>,
}

/// Why an execution stopped.
#[derive(Debug, thiserror::Error)]
pub enum ExecuteError {
    /// A CRD the plan needs is not served by the cluster; nothing was sent.
    #[error("{message}")]
    MissingCrd {
        /// The requirement.
        requirement: CrdRequirement,
        /// "KEDA is not installed in this cluster: ScaledObject (keda.sh/v1alpha1) is unknown".
        message: String,
    },
    /// A step failed; the steps before it were applied.
    #[error("{object}: the server answered {code} {reason}: {message} (applied before the failure: {applied})", applied = if applied.is_empty() { "nothing".to_owned() } else { applied.join(", ") })]
    StepFailed {
        /// The object of the failed step.
        object: String,
        /// The HTTP status code.
        code: u16,
        /// The Kubernetes reason (`Conflict`, `Invalid`, …).
        reason: String,
        /// The server's message.
        message: String,
        /// The objects applied before the failure, in order.
        applied: Vec<String>,
    },
    /// A step on every node a label selector picks found no node.
    #[error("no node has the label {selector} (applied before: {applied})", applied = if applied.is_empty() { "nothing".to_owned() } else { applied.join(", ") })]
    NoNodes {
        /// The selector.
        selector: String,
        /// The objects applied before, in order.
        applied: Vec<String>,
    },
    /// The Deployment did not become available in time.
    #[error("{object} was not available after {seconds} s")]
    Timeout {
        /// The Deployment.
        object: String,
        /// The time waited.
        seconds: u64,
    },
    /// The request could not be sent or its answer read.
    #[error("talking to the cluster failed at {object}: {source}")]
    Client {
        /// The object (or check) being processed.
        object: String,
        /// kube-rs' error.
        #[source]
        source: Box<kube::Error>,
    },
}

/// Options of an execution.
#[derive(Clone, Debug, Default)]
pub struct ExecuteOptions {
    /// Wait until the Deployment is available (all replicas ready), for at most this long.
    pub wait: Option<Duration>,
    /// How often to look while waiting.
    pub poll_interval: Option<Duration>,
}

/// Checks every CRD of the plan through discovery. Nothing is written.
///
/// # Errors
/// [`ExecuteError::MissingCrd`] for the first missing kind, [`ExecuteError::Client`] when discovery fails otherwise.
pub async fn preflight(client: &kube::Client, plan: &ApplyPlan) -> Result<(), ExecuteError> {
    // One discovery request per group version, however many of its kinds the plan needs.
    let mut served: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for crd in &plan.crds {
        let path = crd.discovery_path();
        if !served.contains_key(&path) {
            let request = http::Request::get(path.as_str())
                .body(Vec::new())
                .map_err(|e| client_error(&crd.kind, kube::Error::HttpError(e)))?;
            let kinds = match client.request::<APIResourceList>(request).await {
                Ok(list) => list.resources.into_iter().map(|r| r.kind).collect(),
                Err(kube::Error::Api(status)) if status.code == 404 => Vec::new(),
                Err(e) => return Err(client_error(&crd.kind, e)),
            };
            served.insert(path.clone(), kinds);
        }
        if !served[&path].contains(&crd.kind) {
            return Err(ExecuteError::MissingCrd {
                message: crd.missing_message(),
                requirement: crd.clone(),
            });
        }
    }
    Ok(())
}

fn client_error(object: &str, e: kube::Error) -> ExecuteError {
    ExecuteError::Client {
        object: object.to_owned(),
        source: Box::new(e),
    }
}

async fn send(client: &kube::Client, step: &Step) -> Result<OutcomeKind, ExecuteError> {
    let object = step.object.to_string();
    let request = step
        .to_http()
        .map_err(|e| client_error(&object, kube::Error::HttpError(e)))?;
    let deleting = step.method == "DELETE";
    match client.request_text(request).await {
        Ok(_) if step.removes_labels => Ok(OutcomeKind::LabelsRemoved),
        Ok(_) if deleting => Ok(OutcomeKind::Deleted),
        Ok(_) => Ok(OutcomeKind::Applied),
        Err(kube::Error::Api(status)) if deleting && status.code == 404 => {
            Ok(OutcomeKind::AlreadyGone)
        }
        Err(kube::Error::Api(status)) => Err(ExecuteError::StepFailed {
            object,
            code: status.code,
            reason: status.reason.clone(),
            message: status.message.clone(),
            applied: Vec::new(),
        }),
        Err(e) => Err(client_error(&object, e)),
    }
}

/// Checks the CRDs, then sends every step in order, stopping at the first failure; then waits for the Deployment
/// when asked to.
///
/// # Errors
/// See [`ExecuteError`]; a [`ExecuteError::StepFailed`] lists the objects applied before it.
pub async fn execute(
    client: &kube::Client,
    plan: &ApplyPlan,
    options: &ExecuteOptions,
) -> Result<Report, ExecuteError> {
    preflight(client, plan).await?;
    let mut report = Report::default();
    let mut steps: Vec<Step> = Vec::with_capacity(plan.steps.len());
    for step in &plan.steps {
        match &step.node_selector {
            None => steps.push(step.clone()),
            Some(selector) => {
                let nodes = nodes_with(client, selector).await?;
                if nodes.is_empty() && !step.removes_labels {
                    return Err(ExecuteError::NoNodes {
                        selector: selector.clone(),
                        applied: report.outcomes.iter().map(|o| o.object.clone()).collect(),
                    });
                }
                steps.extend(nodes.iter().map(|name| for_node(step, name)));
            }
        }
    }
    for step in &steps {
        match send(client, step).await {
            Ok(result) => report.outcomes.push(Outcome {
                object: step.object.to_string(),
                result,
            }),
            Err(ExecuteError::StepFailed {
                object,
                code,
                reason,
                message,
                ..
            }) => {
                return Err(ExecuteError::StepFailed {
                    object,
                    code,
                    reason,
                    message,
                    applied: report.outcomes.iter().map(|o| o.object.clone()).collect(),
                });
            }
            Err(e) => return Err(e),
        }
    }
    if let Some(limit) = options.wait {
        let dry_run = plan
            .steps
            .iter()
            .any(|s| s.query.iter().any(|(k, _)| k == "dryRun"));
        if let Some(step) = plan
            .steps
            .iter()
            .find(|s| s.object.kind == "Deployment" && s.method == "PATCH")
            .filter(|_| !dry_run)
        {
            wait_available(
                client,
                step,
                limit,
                options.poll_interval.unwrap_or(Duration::from_secs(2)),
            )
            .await?;
        }
    }
    Ok(report)
}

/// The names of the nodes a label selector picks.
async fn nodes_with(client: &kube::Client, selector: &str) -> Result<Vec<String>, ExecuteError> {
    let path = format!(
        "/api/v1/nodes?labelSelector={}",
        selector.replace('=', "%3D").replace(',', "%2C")
    );
    let request = http::Request::get(path)
        .body(Vec::new())
        .map_err(|e| client_error(selector, kube::Error::HttpError(e)))?;
    let list = client
        .request::<k8s_openapi::List<k8s_openapi::api::core::v1::Node>>(request)
        .await
        .map_err(|e| client_error(selector, e))?;
    let mut names: Vec<String> = list
        .items
        .into_iter()
        .filter_map(|node| node.metadata.name)
        .collect();
    names.sort();
    Ok(names)
}

/// A selector step for one node: its name in the path and in the body.
fn for_node(step: &Step, name: &str) -> Step {
    let mut one = step.clone();
    one.path = step.path.replace("{name}", name);
    one.object.name = name.to_owned();
    one.node_selector = None;
    if let Ok(mut body) = serde_json::from_str::<serde_json::Value>(&step.body)
        && let Some(meta) = body.get_mut("metadata").and_then(|m| m.as_object_mut())
    {
        meta.insert("name".into(), name.into());
        one.body = body.to_string();
    }
    one
}

/// Polls the Deployment until its `Available` condition is true and every replica is updated and ready.
async fn wait_available(
    client: &kube::Client,
    step: &Step,
    limit: Duration,
    every: Duration,
) -> Result<(), ExecuteError> {
    let object = step.object.to_string();
    let start = tokio::time::Instant::now();
    loop {
        let request = http::Request::get(step.path.as_str())
            .body(Vec::new())
            .map_err(|e| client_error(&object, kube::Error::HttpError(e)))?;
        match client.request::<Deployment>(request).await {
            Ok(deployment) if is_available(&deployment) => return Ok(()),
            Ok(_) | Err(kube::Error::Api(_)) => {}
            Err(e) => return Err(client_error(&object, e)),
        }
        if start.elapsed() >= limit {
            return Err(ExecuteError::Timeout {
                object,
                seconds: limit.as_secs(),
            });
        }
        tokio::time::sleep(every).await;
    }
}

fn is_available(deployment: &Deployment) -> bool {
    let Some(status) = &deployment.status else {
        return false;
    };
    let available =
        status.conditions.iter().flatten().any(|c| {
            c.type_.as_deref() == Some("Available") && c.status.as_deref() == Some("True")
        });
    let wanted = deployment.spec.replicas.unwrap_or(1);
    let current = status.observed_generation >= deployment.metadata.generation;
    available
        && current
        && status.updated_replicas.unwrap_or(0) >= wanted
        && status.ready_replicas.unwrap_or(0) >= wanted
}
