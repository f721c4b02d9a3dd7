//! What a recipe resolves to as far as it goes, also when it has errors: what `corrino plan`, the page and the
//! notebooks show while a recipe is being written.

use serde::{Deserialize, Serialize};

use crate::autoscaling::{NodeAutoscaling, PodAutoscaling};
use crate::capacity::Capacity;
use crate::diagnostic::Diagnostics;
use crate::recipe::{CanonicalName, Recipe, RecipeMode};
use crate::shape::Shape;

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
