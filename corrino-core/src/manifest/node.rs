//! An `update` recipe as label changes on `v1` Nodes, applied server-side under corrino's field manager, so that
//! only `metadata.labels` is touched and a later delete (an apply without the labels) takes back exactly the labels
//! corrino set.
//!
//! One node by name is a partial Node object, ready for `kubectl apply --server-side` as well. Every node of a pool
//! cannot be named before the cluster is asked, so it is a [`NodeLabels`] document (`node-labels.json`) that the
//! apply plan turns into a selector step: the executor lists the nodes with the pool's label and applies the same
//! labels to each.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Node;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::{Deserialize, Serialize};

use crate::plan::UpdatePlan;
use crate::validate::NodeTarget;

/// Labels for every node that a label selector picks (not a Kubernetes object: the executor resolves it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeLabels {
    /// The label selector of the nodes, as `kubectl get nodes -l` takes it: `corrino.oci/recipe=h100pool`.
    pub selector: String,
    /// The labels set on each.
    pub labels: BTreeMap<String, String>,
}

/// A node's labels as the partial Node that server-side apply takes.
#[must_use]
pub fn node_patch(name: &str, labels: &BTreeMap<String, String>) -> Node {
    Node {
        metadata: ObjectMeta {
            name: Some(name.to_owned()),
            labels: (!labels.is_empty()).then(|| labels.clone()),
            ..ObjectMeta::default()
        },
        ..Node::default()
    }
}

/// What an `update` recipe renders to: a Node patch, or the labels of a pool's nodes.
pub enum NodeChange {
    /// One node, by name.
    Node(Box<Node>),
    /// Every node a selector picks.
    Selector(NodeLabels),
}

/// The node change of an `update` recipe.
#[must_use]
pub fn node_change(plan: &UpdatePlan) -> NodeChange {
    let update = &plan.update;
    match &update.target {
        NodeTarget::Node { name } => NodeChange::Node(Box::new(node_patch(name, &update.labels))),
        NodeTarget::Selector { label, value } => NodeChange::Selector(NodeLabels {
            selector: format!("{label}={value}"),
            labels: update.labels.clone(),
        }),
    }
}
