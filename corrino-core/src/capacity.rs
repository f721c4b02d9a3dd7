//! How many replicas fit on a node, how many nodes `max_replicas` needs, and what stays Pending.
//!
//! GPUs are whole and never shared between pods, so packing is arithmetic: a node of `G` GPUs holds
//! `floor(G / gpus_per_replica)` replicas and leaves the remainder idle. With MIG, the unit is a slice: a node of
//! `G` GPUs cut into `s` slices each holds `G × s` replicas of one slice. Replicas beyond what the largest allowed
//! pool holds stay Pending; nothing in Kubernetes warns about that before deploying, so we do.

use serde::{Deserialize, Serialize};

use crate::autoscaling::{NodeAutoscaling, PodAutoscaling};
use crate::diagnostic::{Code, Diagnostic, Pointer};
use crate::recipe::convert::Sink;
use crate::recipe::{Recipe, RecipeMode};
use crate::shape::Shape;
use crate::validate::Multinode;

/// What one replica takes from a node.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Unit {
    /// Whole GPUs.
    Gpus {
        /// GPUs per replica.
        per_replica: u32,
    },
    /// One MIG slice of the given profile.
    MigSlice {
        /// The MIG profile, such as `1g.20gb`.
        profile: String,
        /// Slices of that profile per GPU.
        per_gpu: u32,
    },
}

/// Where the node count's upper bound comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum NodeBound {
    /// `recipe_node_autoscaling_params.max_nodes`.
    MaxNodes,
    /// The fixed `recipe_node_pool_size`.
    PoolSize,
    /// A shared pool whose size this recipe does not know.
    Unknown,
}

/// The capacity plan of a GPU recipe.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Capacity {
    /// The node shape.
    pub shape: String,
    /// GPUs per node.
    pub gpus_per_node: u32,
    /// What one replica takes.
    pub unit: Unit,
    /// Replicas one node holds (for a multinode service: the group's pods one node holds, always 1).
    pub replicas_per_node: u32,
    /// Nodes one replica spans: 1, or a multinode service's group size (a replica is then a group of pods).
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub nodes_per_replica: u32,
    /// GPUs (or, with MIG, slices) left idle on a full node.
    pub idle_per_node: u32,
    /// The most replicas the recipe asks for (`max_replicas`, or the fixed replica count).
    pub max_replicas: u32,
    /// Nodes needed to run `max_replicas`.
    pub nodes_needed: u32,
    /// The most nodes the pool may have, when known.
    pub max_nodes: Option<u32>,
    /// Where `max_nodes` comes from.
    pub node_bound: NodeBound,
    /// Replicas the largest allowed pool holds, when known.
    pub replicas_that_fit: Option<u32>,
    /// Replicas that would stay Pending at `max_replicas`.
    pub pending_replicas: u32,
}

fn one() -> u32 {
    1
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's `skip_serializing_if` passes a reference.
fn is_one(value: &u32) -> bool {
    *value == 1
}

/// Computes the capacity plan; `None` when a replica takes nothing countable (no GPUs, or zero per replica).
/// `nodes_per_replica` is 1, or a multinode group's size: each of its pods takes a node of its own.
#[must_use]
pub fn plan_capacity(
    shape: &str,
    gpus_per_node: u32,
    unit: Unit,
    max_replicas: u32,
    max_nodes: Option<u32>,
    node_bound: NodeBound,
    nodes_per_replica: u32,
) -> Option<Capacity> {
    let (units_per_node, per_replica) = match &unit {
        Unit::Gpus { per_replica } => (gpus_per_node, *per_replica),
        Unit::MigSlice { per_gpu, .. } => (gpus_per_node.checked_mul(*per_gpu)?, 1),
    };
    if per_replica == 0 || units_per_node == 0 {
        return None;
    }
    let replicas_per_node = units_per_node / per_replica;
    let idle_per_node = units_per_node % per_replica;
    let nodes_per_replica = nodes_per_replica.max(1);
    let (nodes_needed, replicas_that_fit) = if replicas_per_node == 0 {
        (0, max_nodes.map(|_| 0))
    } else if nodes_per_replica > 1 {
        // A group's pods each take a node of their own.
        (
            max_replicas.saturating_mul(nodes_per_replica),
            max_nodes.map(|n| n / nodes_per_replica),
        )
    } else {
        (
            max_replicas.div_ceil(replicas_per_node),
            max_nodes.map(|n| n.saturating_mul(replicas_per_node)),
        )
    };
    let pending_replicas = replicas_that_fit.map_or(0, |fit| max_replicas.saturating_sub(fit));
    Some(Capacity {
        shape: shape.to_owned(),
        gpus_per_node,
        unit,
        replicas_per_node,
        nodes_per_replica,
        idle_per_node,
        max_replicas,
        nodes_needed,
        max_nodes,
        node_bound,
        replicas_that_fit,
        pending_replicas,
    })
}

/// The capacity plan of a service or job on its shape, reporting replicas that would stay Pending and GPUs that would stay idle.
pub fn resolve(
    recipe: &Recipe,
    shape: Option<&Shape>,
    gpus_per_replica: u32,
    pod: Option<&PodAutoscaling>,
    node: Option<&NodeAutoscaling>,
    multinode: Option<&Multinode>,
    sink: &mut Sink,
) -> Option<Capacity> {
    if !matches!(
        recipe.recipe_mode,
        Some(RecipeMode::Service | RecipeMode::Job)
    ) {
        return None;
    }
    let shape = shape?;
    let gpus = shape.gpus.as_ref()?;
    let unit = match recipe.mig_resource_request.as_deref() {
        Some(profile) => {
            let mig = shape.mig_profile(profile)?;
            Unit::MigSlice {
                profile: profile.to_owned(),
                per_gpu: mig.per_gpu,
            }
        }
        None if gpus_per_replica > 0 => Unit::Gpus {
            per_replica: gpus_per_replica,
        },
        None => return None,
    };
    let max_replicas = pod.map_or_else(
        || recipe.recipe_replica_count.unwrap_or(1),
        |p| p.max_replicas,
    );
    let (max_nodes, bound) = if recipe.uses_shared_pool() {
        (None, NodeBound::Unknown)
    } else if let Some(node) = node {
        (Some(node.max_nodes), NodeBound::MaxNodes)
    } else {
        (recipe.recipe_node_pool_size, NodeBound::PoolSize)
    };
    let capacity = plan_capacity(
        &shape.name,
        gpus.count,
        unit,
        max_replicas,
        max_nodes,
        bound,
        multinode.map_or(1, |m| m.nodes),
    )?;
    let what = match &capacity.unit {
        Unit::Gpus { per_replica } => format!("{per_replica} GPU(s) per replica"),
        Unit::MigSlice { profile, .. } => format!("one `{profile}` slice per replica"),
    };
    if capacity.replicas_per_node == 0 {
        // Already reported as too many GPUs for the shape.
        return Some(capacity);
    }
    if capacity.pending_replicas > 0 {
        let (bound_name, at) = match bound {
            NodeBound::MaxNodes => (
                "max_nodes",
                Pointer::root()
                    .key("recipe_node_autoscaling_params")
                    .key("max_nodes"),
            ),
            _ => (
                "recipe_node_pool_size",
                Pointer::root().key("recipe_node_pool_size"),
            ),
        };
        let replicas_key = if pod.is_some() {
            "max_replicas"
        } else {
            "recipe_replica_count"
        };
        let at = if pod.is_some() {
            Pointer::root()
                .key("recipe_pod_autoscaling_params")
                .key("max_replicas")
        } else {
            at
        };
        let nodes = capacity.max_nodes.unwrap_or(0);
        sink.note(
            Diagnostic::warning(
                at,
                Code::PendingReplicas,
                format!(
                    "{replicas_key} {} needs {} node(s) of {} ({what}, {} per node); {bound_name} {nodes} holds {}: {} replica(s) would stay Pending",
                    capacity.max_replicas,
                    capacity.nodes_needed,
                    shape.name,
                    capacity.replicas_per_node,
                    capacity.replicas_that_fit.unwrap_or(0),
                    capacity.pending_replicas
                ),
            )
            .with_hint(format!(
                "raise {bound_name} to {} or lower {replicas_key} to {}",
                capacity.nodes_needed,
                capacity.replicas_that_fit.unwrap_or(0)
            )),
        );
    }
    if let Unit::Gpus { per_replica } = capacity.unit
        && capacity.idle_per_node > 0
    {
        sink.note(
            Diagnostic::warning(
                Pointer::root().key(gpus.vendor.count_field()),
                Code::IdleGpus,
                format!(
                    "{per_replica} GPUs per replica do not divide the {} GPUs of {}: {} GPU(s) per node stay idle",
                    gpus.count, shape.name, capacity.idle_per_node
                ),
            )
            .with_hint("choose a GPU count that divides the node's GPUs"),
        );
    }
    if let Some(node) = node
        && gpus.vendor == crate::shape::GpuVendor::Amd
        && node.min_nodes == 0
    {
        sink.note(Diagnostic::warning(
            Pointer::root().key("recipe_node_autoscaling_params").key("min_nodes"),
            Code::AmdScaleFromZero,
            "the Cluster Autoscaler's template for an empty OKE pool advertises `nvidia.com/gpu`, not `amd.com/gpu`, so it cannot add the first AMD node",
        ).with_hint("keep `min_nodes` at 1 or more for AMD pools"));
    }
    if let Some(pod) = pod {
        let min_nodes_needed = pod.min_replicas.value.div_ceil(capacity.replicas_per_node);
        let start_nodes = node.map_or(recipe.recipe_node_pool_size.unwrap_or(0), |n| {
            n.min_nodes.max(recipe.recipe_node_pool_size.unwrap_or(0))
        });
        if !recipe.uses_shared_pool()
            && node.is_none()
            && min_nodes_needed > start_nodes
            && start_nodes > 0
        {
            sink.note(Diagnostic::warning(
                Pointer::root().key("recipe_pod_autoscaling_params").key("min_replicas"),
                Code::PendingReplicas,
                format!("`min_replicas` {} needs {min_nodes_needed} node(s), but the pool has {start_nodes}", pod.min_replicas.value),
            ));
        }
    }
    Some(capacity)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_example_third_replica_needs_a_second_node() {
        let c = plan_capacity(
            "VM.GPU.A10.2",
            2,
            Unit::Gpus { per_replica: 1 },
            3,
            Some(2),
            NodeBound::MaxNodes,
            1,
        )
        .unwrap();
        assert_eq!(
            (c.replicas_per_node, c.nodes_needed, c.pending_replicas),
            (2, 2, 0)
        );
    }

    #[test]
    fn replicas_beyond_max_nodes_stay_pending() {
        let c = plan_capacity(
            "VM.GPU.A10.2",
            2,
            Unit::Gpus { per_replica: 1 },
            8,
            Some(2),
            NodeBound::MaxNodes,
            1,
        )
        .unwrap();
        assert_eq!(
            (c.nodes_needed, c.replicas_that_fit, c.pending_replicas),
            (4, Some(4), 4)
        );
    }

    #[test]
    fn gpus_that_do_not_divide_leave_idle_gpus() {
        let c = plan_capacity(
            "BM.GPU.A10.4",
            4,
            Unit::Gpus { per_replica: 3 },
            2,
            Some(1),
            NodeBound::PoolSize,
            1,
        )
        .unwrap();
        assert_eq!(
            (c.replicas_per_node, c.idle_per_node, c.pending_replicas),
            (1, 1, 1)
        );
    }

    #[test]
    fn mig_counts_slices() {
        let unit = Unit::MigSlice {
            profile: "1g.20gb".into(),
            per_gpu: 4,
        };
        let c = plan_capacity(
            "BM.GPU.H100.8",
            8,
            unit,
            50,
            Some(1),
            NodeBound::PoolSize,
            1,
        )
        .unwrap();
        assert_eq!((c.replicas_per_node, c.pending_replicas), (32, 18));
    }

    #[test]
    fn unknown_pool_size_means_no_pending_claim() {
        let c = plan_capacity(
            "BM.GPU.H100.8",
            8,
            Unit::Gpus { per_replica: 2 },
            8,
            None,
            NodeBound::Unknown,
            1,
        )
        .unwrap();
        assert_eq!(
            (c.nodes_needed, c.replicas_that_fit, c.pending_replicas),
            (2, None, 0)
        );
        assert!(
            plan_capacity(
                "x",
                0,
                Unit::Gpus { per_replica: 1 },
                1,
                None,
                NodeBound::Unknown,
                1,
            )
            .is_none()
        );
    }
}

#[cfg(test)]
mod multinode_tests {
    use super::*;

    #[test]
    fn a_group_of_nodes_is_one_replica() {
        // Two groups of 3 nodes on a pool of 7: 6 nodes, and 1 left over; 3 groups would need 9.
        let c = plan_capacity(
            "BM.GPU.H100.8",
            8,
            Unit::Gpus { per_replica: 8 },
            3,
            Some(7),
            NodeBound::PoolSize,
            3,
        )
        .expect("capacity");
        assert_eq!(c.nodes_per_replica, 3);
        assert_eq!(c.nodes_needed, 9);
        assert_eq!(c.replicas_that_fit, Some(2));
        assert_eq!(c.pending_replicas, 1);
    }
}
