//! What a recipe resolves to as far as it goes, also when it has errors: what `corrino plan`, the page and the
//! notebooks show while a recipe is being written.

use serde::{Deserialize, Serialize};

use crate::autoscaling::{NodeAutoscaling, PodAutoscaling};
use crate::capacity::Capacity;
use crate::diagnostic::Diagnostics;
use crate::model::ModelAssessment;
use crate::recipe::{CanonicalName, Recipe, RecipeMode};
use crate::shape::Shape;
use crate::validate::{Multinode, NodeUpdate, TeamSpec};

/// The Kueue queue a job is submitted to: its team's LocalQueue, in the team's Namespace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct JobQueue {
    /// The canonical team name.
    pub team: String,
    /// The team's Namespace, where the job runs.
    pub namespace: String,
    /// The LocalQueue (`kueue.x-k8s.io/queue-name`).
    pub local_queue: String,
    /// The WorkloadPriorityClass of the team's workloads (`kueue.x-k8s.io/priority-class`).
    pub priority_class: String,
}

impl JobQueue {
    /// The queue of the team `team` (canonical).
    #[must_use]
    pub fn of_team(team: &str) -> Self {
        use crate::validate::team::{local_queue, namespace, priority_class};
        JobQueue {
            team: team.to_owned(),
            namespace: namespace(team),
            local_queue: local_queue(team),
            priority_class: priority_class(team),
        }
    }
}

/// A recipe with everything derived from it resolved where it could be; every part that a problem made unknown is
/// `None`. Rendering and simulation do not take a preview but a checked [`Plan`](super::Plan).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "Plan"))]
pub struct Preview {
    /// A deployment group member's name in its group; `None` for a recipe of its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member: Option<String>,
    /// The recipe as written.
    pub recipe: Recipe,
    /// The canonical deployment name, when valid.
    pub name: Option<CanonicalName>,
    /// The recipe's mode.
    pub mode: Option<RecipeMode>,
    /// The node shape, when known.
    pub shape: Option<Shape>,
    /// GPUs per replica (0 for CPU workloads).
    pub gpus_per_replica: u32,
    /// The container port, when valid.
    pub container_port: Option<u16>,
    /// Pod autoscaling, when asked for.
    pub pod_autoscaling: Option<PodAutoscaling>,
    /// Node autoscaling, when asked for.
    pub node_autoscaling: Option<NodeAutoscaling>,
    /// The capacity plan of a GPU workload.
    pub capacity: Option<Capacity>,
    /// A service's model: whether it fits its GPUs, and its cold-start budget.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<ModelAssessment>,
    /// A multinode service's group of whole nodes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multinode: Option<Multinode>,
    /// The Kueue queue a job is submitted to (its team's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue: Option<JobQueue>,
    /// A `team` recipe's team, as Kueue gets it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<TeamSpec>,
    /// An `update` recipe's nodes and labels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update: Option<NodeUpdate>,
    /// The previews of a deployment group's members that have a recipe, in the group's order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<Preview>,
    /// Every problem found.
    pub diagnostics: Diagnostics,
}

impl Preview {
    /// Whether the recipe has no errors (warnings and notes allowed), so that it has a checked plan.
    #[must_use]
    pub fn is_renderable(&self) -> bool {
        !self.diagnostics.has_errors()
    }
}
