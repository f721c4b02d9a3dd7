//! Reading Kubernetes YAML (or JSON): a file of objects, a multi-document stream, a `kubectl get -o yaml` dump (a
//! `List` with `items`), with the OCI documents corrino renders beside them, into the typed objects the simulator
//! reads ([`super::Objects`]); and telling such input from a recipe ([`detect`]).
//!
//! Paths: a single document's problems point into it (`/spec/triggers/0`); a stream's start with the document's
//! index (`/2/spec/scaleTargetRef/name`); a `List`'s items with `/items/<i>`, a JSON array's with `/<i>`. The input is read by
//! [`crate::document::read_stream`], with its limits (1 MiB, nesting depth 64).

use serde::de::DeserializeOwned;

use super::{Deployed, Located, Objects};
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Pointer};
use crate::document::{self, Node};
use crate::plan::PlanOptions;

/// What an input holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputKind {
    /// An OCI AI Blueprints recipe (or deployment group).
    Recipe,
    /// Kubernetes objects (and OCI documents).
    Kubernetes,
}

/// Keys only a recipe has at its top level.
fn recipe_key(key: &str) -> bool {
    key.starts_with("recipe_")
        || matches!(
            key,
            "deployment_name"
                | "deployment_group"
                | "shared_node_pool_size"
                | "shared_node_pool_shape"
        )
}

/// Whether a document is an OCI document corrino renders (a node pool, the add-on), or a map of them by file name
/// (as `render_oci` and the `.oci.json` goldens hold them).
fn is_oci(node: &Node<'_>) -> bool {
    match node {
        Node::Object(members) => {
            node.get("addonName").is_some()
                || (node.get("nodeShape").is_some() && node.get("nodeConfigDetails").is_some())
                || (!members.is_empty()
                    && members
                        .iter()
                        .all(|(k, v)| k.ends_with(".json") && is_oci(v)))
        }
        _ => false,
    }
}

/// Whether the documents are a recipe or Kubernetes objects, and a note when the answer was not plain: one object
/// with both a recipe's keys and `apiVersion`/`kind` is read as Kubernetes when both are strings.
#[must_use]
pub fn detect(documents: &[Node<'_>]) -> (InputKind, Option<Diagnostic>) {
    let [document] = documents else {
        return (InputKind::Kubernetes, None);
    };
    let members = match document {
        Node::Object(members) => members,
        // A JSON array of objects (what `render` gives in Python and JavaScript) is a list's items.
        Node::Array(items)
            if items
                .iter()
                .any(|item| item.get("kind").is_some() || is_oci(item)) =>
        {
            return (InputKind::Kubernetes, None);
        }
        _ => return (InputKind::Recipe, None),
    };
    let typed = document.get("apiVersion").is_some() || document.get("kind").is_some();
    let recipe = members.iter().any(|(k, _)| recipe_key(k));
    let strings = matches!(document.get("apiVersion"), Some(Node::String(_)))
        && matches!(document.get("kind"), Some(Node::String(_)));
    match (typed, recipe) {
        (true, true) => {
            let kind = if strings {
                InputKind::Kubernetes
            } else {
                InputKind::Recipe
            };
            let read_as = match kind {
                InputKind::Kubernetes => "a Kubernetes object: it has `apiVersion` and `kind`",
                InputKind::Recipe => "a recipe: its `apiVersion` and `kind` are not both strings",
            };
            (
                kind,
                Some(
                    Diagnostic::note(
                        "",
                        Code::InputKind,
                        format!("the input has both a recipe's fields and Kubernetes' `apiVersion`/`kind`; it is read as {read_as}"),
                    )
                    .with_hint("give a recipe or Kubernetes objects, not a mixture"),
                ),
            )
        }
        (true, false) => (InputKind::Kubernetes, None),
        (false, _) if is_oci(document) => (InputKind::Kubernetes, None),
        (false, _) => (InputKind::Recipe, None),
    }
}

/// Reads Kubernetes YAML into the simulator's description of the service: the objects, their one autoscaler, its
/// target and the target's node pool. Every problem is reported, with paths into the input; warnings come with the
/// description.
#[must_use]
pub fn read(input: &[u8], options: &PlanOptions) -> (Option<Deployed>, Diagnostics) {
    let (documents, mut diagnostics) = document::read_stream(input);
    let Some(documents) = documents else {
        return (None, diagnostics);
    };
    let objects = objects(&documents, &mut diagnostics);
    if diagnostics.has_errors() {
        return (None, diagnostics);
    }
    match Deployed::from_objects(&objects, options) {
        Ok(deployed) => (Some(deployed), diagnostics),
        Err(problems) => {
            diagnostics.extend(problems);
            (None, diagnostics)
        }
    }
}

/// The typed objects of a stream of documents.
pub(crate) fn objects(documents: &[Node<'_>], diagnostics: &mut Diagnostics) -> Objects {
    let mut objects = Objects::default();
    let several = documents.len() > 1;
    for (i, document) in documents.iter().enumerate() {
        let at = if several {
            Pointer::root().index(i)
        } else {
            Pointer::root()
        };
        match document {
            Node::Array(items) => {
                for (j, item) in items.iter().enumerate() {
                    collect(item, &at.index(j), false, &mut objects, diagnostics);
                }
            }
            _ => collect(document, &at, true, &mut objects, diagnostics),
        }
    }
    objects
}

fn collect(
    node: &Node<'_>,
    at: &Pointer,
    top: bool,
    objects: &mut Objects,
    diagnostics: &mut Diagnostics,
) {
    let Node::Object(members) = node else {
        diagnostics.push(Diagnostic::warning(
            at.clone(),
            Code::NotAnObject,
            format!(
                "{} is left aside: a Kubernetes object is an object",
                node.kind()
            ),
        ));
        return;
    };
    let text = |key: &str| match node.get(key) {
        Some(Node::String(s)) => Some(s.as_ref()),
        _ => None,
    };
    match (text("apiVersion"), text("kind")) {
        (Some(_), Some(kind)) if kind == "List" || (kind.ends_with("List") && node.get("items").is_some()) => {
            if !top {
                return;
            }
            match node.get("items") {
                Some(Node::Array(items)) => {
                    for (i, item) in items.iter().enumerate() {
                        collect(item, &at.key("items").index(i), false, objects, diagnostics);
                    }
                }
                _ => diagnostics.push(Diagnostic::error(
                    at.key("items"),
                    Code::WrongType,
                    "a `List` holds its objects in an `items` array",
                )),
            }
        }
        (Some(api), Some(kind)) => match (api, kind) {
            ("apps/v1", "Deployment") => typed(node, at, kind, &mut objects.deployments, diagnostics),
            ("apps/v1", "StatefulSet") => typed(node, at, kind, &mut objects.stateful_sets, diagnostics),
            ("leaderworkerset.x-k8s.io/v1", "LeaderWorkerSet") => {
                typed(node, at, kind, &mut objects.leader_worker_sets, diagnostics);
            }
            ("keda.sh/v1alpha1", "ScaledObject") => {
                typed(node, at, kind, &mut objects.scaled_objects, diagnostics);
            }
            ("autoscaling/v2", "HorizontalPodAutoscaler") => typed(node, at, kind, &mut objects.hpas, diagnostics),
            (_, "HorizontalPodAutoscaler") => diagnostics.push(
                Diagnostic::error(
                    at.key("apiVersion"),
                    Code::UnsupportedAutoscaling,
                    format!("a HorizontalPodAutoscaler of `{api}`; the simulator reads `autoscaling/v2`"),
                )
                .with_hint("`kubectl get hpa NAME -o yaml` answers in autoscaling/v2 on any current cluster"),
            ),
            _ => {}
        },
        _ if is_oci(node) => {
            if node.get("addonName").is_some() {
                typed(node, at, "Cluster Autoscaler add-on document", &mut objects.cluster_autoscalers, diagnostics);
            } else if node.get("nodeShape").is_some() {
                typed(node, at, "node pool document", &mut objects.node_pools, diagnostics);
            } else if top {
                for (name, document) in members {
                    collect(document, &at.key(name), false, objects, diagnostics);
                }
            }
        }
        _ => diagnostics.push(
            Diagnostic::warning(
                at.clone(),
                Code::MissingField,
                "this document is left aside: it has no `apiVersion` and `kind`, and is not a node pool or Cluster Autoscaler add-on document",
            )
            .with_hint("a recipe is simulated on its own, not in a stream of Kubernetes objects"),
        ),
    }
}

/// Reads one object into its type, or reports why it cannot be.
fn typed<T: DeserializeOwned>(
    node: &Node<'_>,
    at: &Pointer,
    kind: &str,
    into: &mut Vec<Located<T>>,
    diagnostics: &mut Diagnostics,
) {
    match serde_json::from_value::<T>(node.to_json()) {
        Ok(object) => into.push(Located {
            at: at.clone(),
            object,
        }),
        Err(error) => diagnostics.push(Diagnostic::error(
            at.clone(),
            Code::WrongType,
            format!("the {kind} cannot be read: {error}"),
        )),
    }
}
