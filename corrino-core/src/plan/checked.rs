//! The checked plan of each recipe mode: built only from a recipe without errors, so that what rendering and
//! simulation need (a name, a shape, a port, a pool size) is there, not optional.

use crate::autoscaling::{NodeAutoscaling, PodAutoscaling};
use crate::capacity::Capacity;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::ModelAssessment;
use crate::recipe::convert::Sink;
use crate::recipe::reference::Export;
use crate::recipe::{CanonicalName, GroupDeployment, Recipe, RecipeMode, canonical_name};
use crate::shape::Shape;
use crate::target::Target;

use super::{JobQueue, Preview};
use crate::validate::{Multinode, NodeUpdate, TeamSpec};

/// A recipe without errors, checked for its mode: what rendering and simulation take.
#[derive(Clone, Debug, PartialEq)]
pub enum Plan {
    /// A long-running server behind a Service.
    Service(Box<ServicePlan>),
    /// A run-to-completion workload.
    Job(Box<JobPlan>),
    /// A node pool that several recipes share.
    SharedNodePool(Box<SharedNodePoolPlan>),
    /// A change to existing nodes.
    Update(Box<UpdatePlan>),
    /// A team with Kueue quotas.
    Team(Box<TeamPlan>),
    /// Several recipes deployed together.
    Group(GroupPlan),
}

impl Plan {
    /// The target a service (or a group's services) was checked for; `None` for plans that nothing on the target
    /// changes (jobs, pools, updates, teams).
    #[must_use]
    pub fn target(&self) -> Option<Target> {
        match self {
            Plan::Service(service) => Some(service.target),
            Plan::Group(group) => group.members.iter().find_map(|member| member.plan.target()),
            Plan::Job(_) | Plan::SharedNodePool(_) | Plan::Update(_) | Plan::Team(_) => None,
        }
    }

    /// The recipe mode, or `None` for a deployment group.
    #[must_use]
    pub fn mode(&self) -> Option<RecipeMode> {
        match self {
            Plan::Service(_) => Some(RecipeMode::Service),
            Plan::Job(_) => Some(RecipeMode::Job),
            Plan::SharedNodePool(_) => Some(RecipeMode::SharedNodePool),
            Plan::Update(_) => Some(RecipeMode::Update),
            Plan::Team(_) => Some(RecipeMode::Team),
            Plan::Group(_) => None,
        }
    }
}

/// What a service and a job share: a container of the recipe's, named after it, on a shape.
#[derive(Clone, Debug, PartialEq)]
pub struct Workload {
    /// The recipe as written.
    pub recipe: Recipe,
    /// The canonical deployment name, which names the Kubernetes objects.
    pub name: CanonicalName,
    /// The node shape.
    pub shape: Shape,
    /// Whole GPUs per pod (0 for CPU workloads and MIG slices).
    pub gpus_per_replica: u32,
}

/// A `service` recipe.
#[derive(Clone, Debug, PartialEq)]
pub struct ServicePlan {
    /// The server's container and where it runs.
    pub workload: Workload,
    /// The port the container listens on.
    pub container_port: u16,
    /// The capacity plan of a GPU service.
    pub capacity: Option<Capacity>,
    /// Pod autoscaling, when asked for.
    pub pod_autoscaling: Option<PodAutoscaling>,
    /// Node autoscaling, when asked for.
    pub node_autoscaling: Option<NodeAutoscaling>,
    /// A multinode service's group: it runs as a LeaderWorkerSet of `nodes` pods on whole nodes.
    pub multinode: Option<Multinode>,
    /// The model, its fit and its cold-start budget (the simulator's startup and serving figures).
    pub model: Option<ModelAssessment>,
    /// The KEDA and Kubernetes releases it was checked for, which rendering and simulation follow.
    pub target: Target,
}

/// A `job` recipe.
#[derive(Clone, Debug, PartialEq)]
pub struct JobPlan {
    /// The job's container and where it runs.
    pub workload: Workload,
    /// The capacity plan of a GPU job.
    pub capacity: Option<Capacity>,
    /// The team's Kueue queue, when the job runs under a team.
    pub queue: Option<JobQueue>,
}

/// A `shared_node_pool` recipe.
#[derive(Clone, Debug, PartialEq)]
pub struct SharedNodePoolPlan {
    /// The recipe as written.
    pub recipe: Recipe,
    /// The canonical deployment name, which names the pool (a label value: it may hold `.` and `_`).
    pub name: String,
    /// The pool's shape.
    pub shape: Shape,
    /// Its number of nodes.
    pub size: u32,
}

/// An `update` recipe.
#[derive(Clone, Debug, PartialEq)]
pub struct UpdatePlan {
    /// The recipe as written.
    pub recipe: Recipe,
    /// The canonical deployment name (a label value).
    pub name: String,
    /// The nodes and the labels set on them.
    pub update: NodeUpdate,
}

/// A `team` recipe.
#[derive(Clone, Debug, PartialEq)]
pub struct TeamPlan {
    /// The recipe as written.
    pub recipe: Recipe,
    /// The canonical deployment name (a label value).
    pub name: String,
    /// The team, as Kueue gets it.
    pub team: TeamSpec,
}

/// A deployment group: its members in dependency order, each with its name in the group.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupPlan {
    /// The members, each after those it depends on.
    pub members: Vec<GroupMember>,
}

/// One member of a deployment group.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupMember {
    /// Its name in the group, which `${name.export}` references use.
    pub name: String,
    /// Its place in the group's list, for diagnostics' paths (`/deployment_group/deployments/<index>`).
    pub index: usize,
    /// What it exports to the others.
    pub exports: Vec<Export>,
    /// Its own checked plan.
    pub plan: Plan,
}

/// The checked plan of a recipe without errors; `Err` names what was missing though no error said so.
pub(super) fn single(preview: &Preview, target: Target) -> Result<Plan, &'static str> {
    let recipe = &preview.recipe;
    let label_name = || {
        recipe
            .deployment_name
            .as_deref()
            .map(canonical_name)
            .ok_or("the deployment name")
    };
    let workload = || -> Result<Workload, &'static str> {
        Ok(Workload {
            recipe: recipe.clone(),
            name: preview.name.clone().ok_or("the deployment name")?,
            shape: preview.shape.clone().ok_or("the shape")?,
            gpus_per_replica: preview.gpus_per_replica,
        })
    };
    Ok(match preview.mode.ok_or("the recipe mode")? {
        RecipeMode::Service => Plan::Service(Box::new(ServicePlan {
            workload: workload()?,
            container_port: preview.container_port.ok_or("the container port")?,
            capacity: preview.capacity.clone(),
            pod_autoscaling: preview.pod_autoscaling.clone(),
            node_autoscaling: preview.node_autoscaling.clone(),
            multinode: preview.multinode.clone(),
            model: preview.model.clone(),
            target,
        })),
        RecipeMode::Job => Plan::Job(Box::new(JobPlan {
            workload: workload()?,
            capacity: preview.capacity.clone(),
            queue: preview.queue.clone(),
        })),
        RecipeMode::SharedNodePool => Plan::SharedNodePool(Box::new(SharedNodePoolPlan {
            recipe: recipe.clone(),
            name: label_name()?,
            shape: preview.shape.clone().ok_or("the shape")?,
            size: recipe.shared_node_pool_size.ok_or("the pool size")?,
        })),
        RecipeMode::Update => Plan::Update(Box::new(UpdatePlan {
            recipe: recipe.clone(),
            name: label_name()?,
            update: preview
                .update
                .clone()
                .ok_or("the nodes and labels to update")?,
        })),
        RecipeMode::Team => Plan::Team(Box::new(TeamPlan {
            recipe: recipe.clone(),
            name: label_name()?,
            team: preview.team.clone().ok_or("the team")?,
        })),
    })
}

/// The checked plan of a deployment group whose members all planned without errors. `plans` are the members'
/// places in the group with their checked plans.
pub(super) fn group(
    deployments: &[GroupDeployment],
    plans: Vec<(usize, Option<Plan>)>,
    sink: &mut Sink,
) -> Option<Plan> {
    let mut by_index: Vec<Option<Plan>> = vec![None; deployments.len()];
    for (i, plan) in plans {
        by_index[i] = plan;
    }
    let mut members = Vec::with_capacity(deployments.len());
    for i in crate::group::dependency_order(deployments) {
        let deployment = &deployments[i];
        let (Some(name), Some(plan)) = (deployment.name.clone(), by_index[i].take()) else {
            sink.note(internal("a member's name or plan"));
            return None;
        };
        members.push(GroupMember {
            name,
            index: i,
            exports: deployment
                .exports
                .iter()
                .flatten()
                .filter_map(|e| Export::parse(e))
                .collect(),
            plan,
        });
    }
    Some(Plan::Group(GroupPlan { members }))
}

/// The error of a recipe that passed every rule but still lacks `missing`: a bug in corrino, said as such rather
/// than rendered around.
pub(super) fn internal(missing: &str) -> Diagnostic {
    Diagnostic::error(
        "",
        Code::Internal,
        format!(
            "no rule found a problem, yet {missing} could not be resolved: this is a bug in corrino"
        ),
    )
    .with_hint("please report it with the recipe")
}
