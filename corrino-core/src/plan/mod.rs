//! Planning: every rule run over a recipe, and what it resolves to.
//!
//! [`plan_bytes`] never stops at the first problem. It returns a [`Planning`]: every diagnostic, a [`Preview`] of
//! what the recipe resolves to (also with errors, for previews), and, exactly when there is no error, the checked
//! [`Plan`] of the recipe's mode. Rendering and simulation take only the checked plan, so they never meet a missing
//! name, shape or port: parse, don't validate.

mod checked;
mod preview;

pub use checked::{
    GroupMember, GroupPlan, JobPlan, Plan, ServicePlan, SharedNodePoolPlan, TeamPlan, UpdatePlan,
    Workload,
};
pub use preview::{JobQueue, Preview};

use crate::autoscaling;
use crate::capacity;
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Pointer};
use crate::document::{Format, Node};
use crate::group;
use crate::input;
use crate::model::{self, ModelCatalog};
use crate::recipe::convert::Sink;
use crate::recipe::{self, Recipe, RecipeMode};
use crate::shape::ShapeCatalog;
use crate::target::{self, Target};
use crate::validate;

/// The longest canonical name of an autoscaled recipe: KEDA's HPA is `keda-hpa-<name>`, at most 63 characters.
pub const MAX_AUTOSCALED_NAME_LEN: usize = 63 - "keda-hpa-".len();

/// What planning needs besides the recipe.
#[derive(Clone, Debug)]
pub struct PlanOptions {
    /// The shapes recipes may use.
    pub catalog: ShapeCatalog,
    /// How often Prometheus scrapes vLLM, in seconds (query windows must hold a few scrapes).
    pub scrape_interval_seconds: u32,
    /// The models a service's model is recognised among.
    pub models: ModelCatalog,
    /// The KEDA and Kubernetes releases the recipe is checked for; the checked plan carries it to rendering and
    /// simulation.
    pub target: Target,
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions {
            catalog: ShapeCatalog::builtin(),
            scrape_interval_seconds: 15,
            models: ModelCatalog::builtin(),
            target: Target::default(),
        }
    }
}

/// What planning a recipe found.
#[derive(Clone, Debug, PartialEq)]
pub struct Planning {
    /// Every problem, in a deterministic order.
    pub diagnostics: Diagnostics,
    /// What the recipe resolves to, also with errors; `None` when the input is not a recipe at all.
    pub preview: Option<Preview>,
    /// The checked plan, present exactly when there is no error.
    pub plan: Option<Plan>,
}

impl Planning {
    /// The checked plan with the warnings and notes, or every diagnostic when the recipe has errors.
    ///
    /// # Errors
    /// Every diagnostic (errors, warnings and notes), when there is no checked plan.
    pub fn into_plan(self) -> Result<(Plan, Diagnostics), Diagnostics> {
        match self.plan {
            Some(plan) => Ok((plan, self.diagnostics)),
            None => Err(self.diagnostics),
        }
    }
}

/// Reads recipe bytes (JSON or YAML) and plans them.
#[must_use]
pub fn plan_bytes(input: &[u8], options: &PlanOptions) -> Planning {
    let (document, recipe, sink) = recipe::read(input, Format::Auto);
    let mut planning = finish(recipe, sink, options, true);
    if let Some(document) = &document {
        attach_inputs(&mut planning, document);
    }
    planning
}

/// Plans a recipe already held as JSON (as the bindings receive it).
#[must_use]
pub fn plan_json(value: &serde_json::Value, options: &PlanOptions) -> Planning {
    let document = Node::from_json(value);
    let (recipe, sink) = recipe::from_node(&document);
    let mut planning = finish(recipe, sink, options, true);
    attach_inputs(&mut planning, &document);
    planning
}

/// Plans a typed recipe (built in code rather than parsed).
#[must_use]
pub fn plan_recipe(recipe: &Recipe, options: &PlanOptions) -> Planning {
    finish(Some(recipe.clone()), Sink::default(), options, true)
}

/// Every problem of recipe bytes: reading, structure and rules. Cheaper than [`plan_bytes`]: no checked plan is
/// built.
#[must_use]
pub fn validate_bytes(input: &[u8], options: &PlanOptions) -> Diagnostics {
    let (document, recipe, sink) = recipe::read(input, Format::Auto);
    let mut planning = finish(recipe, sink, options, false);
    if let Some(document) = &document {
        attach_inputs(&mut planning, document);
    }
    planning.diagnostics
}

/// Every diagnostic's `input`, looked up in the document as read, once every rule has run: the planning's list,
/// the preview's, and each deployment group member's (whose paths are relative to its own recipe).
fn attach_inputs(planning: &mut Planning, document: &Node) {
    let mut budget = input::MAX_INPUTS;
    match &mut planning.preview {
        Some(preview) => {
            // The planning's list is the preview's (see `finish`): let go of it first, so that the preview's is
            // changed in place rather than copied.
            planning.diagnostics = Diagnostics::new();
            preview_inputs(preview, document, &mut budget);
            planning.diagnostics.clone_from(&preview.diagnostics);
        }
        None => input::attach(document, planning.diagnostics.iter_mut(), &mut budget),
    }
}

fn preview_inputs(preview: &mut Preview, document: &Node, budget: &mut usize) {
    if *budget == 0 {
        return;
    }
    input::attach(document, preview.diagnostics.iter_mut(), budget);
    if preview.members.is_empty() {
        return;
    }
    // The members are the deployments that have a recipe, in order (as `resolve_in` plans them).
    let deployments = preview
        .recipe
        .deployment_group
        .as_ref()
        .and_then(|group| group.deployments.as_deref())
        .unwrap_or_default();
    let nodes = document
        .get("deployment_group")
        .and_then(|group| group.get("deployments"));
    let member_nodes = deployments
        .iter()
        .enumerate()
        .filter(|(_, deployment)| deployment.recipe.is_some())
        .map(|(i, _)| match nodes {
            Some(Node::Array(items)) => items.get(i).and_then(|item| item.get("recipe")),
            _ => None,
        });
    for (member, node) in preview.members.iter_mut().zip(member_nodes) {
        if let Some(node) = node {
            preview_inputs(member, node, budget);
        }
    }
}

/// Plans a tree as [`document::read`](crate::document::read) or a [`TreeBuilder`](crate::document::TreeBuilder)
/// gives it: how a binding plans values it holds (a dict) without writing them as text.
#[must_use]
pub fn plan_tree(tree: (Option<Node<'_>>, Diagnostics), options: &PlanOptions) -> Planning {
    let (document, recipe, sink) = recipe::read_tree(tree);
    let mut planning = finish(recipe, sink, options, true);
    if let Some(document) = &document {
        attach_inputs(&mut planning, document);
    }
    planning
}

/// [`validate_bytes`] of a tree (see [`plan_tree`]).
#[must_use]
pub fn validate_tree(tree: (Option<Node<'_>>, Diagnostics), options: &PlanOptions) -> Diagnostics {
    let (document, recipe, sink) = recipe::read_tree(tree);
    let mut planning = finish(recipe, sink, options, false);
    if let Some(document) = &document {
        attach_inputs(&mut planning, document);
    }
    planning.diagnostics
}

fn finish(recipe: Option<Recipe>, sink: Sink, options: &PlanOptions, checked: bool) -> Planning {
    match recipe {
        Some(recipe) => {
            let (preview, plan) = resolve(recipe, sink, options, checked);
            Planning {
                diagnostics: preview.diagnostics.clone(),
                preview: Some(preview),
                plan,
            }
        }
        None => Planning {
            diagnostics: sink.diagnostics,
            preview: None,
            plan: None,
        },
    }
}

/// Runs every rule over one recipe (a deployment group's members included), and builds its checked plan when it
/// has no error and `checked` asks for one.
fn resolve(
    recipe: Recipe,
    sink: Sink,
    options: &PlanOptions,
    checked: bool,
) -> (Preview, Option<Plan>) {
    resolve_in(recipe, sink, options, checked, false)
}

/// [`resolve`], for a recipe of its own or (`member`) a deployment group's member, whose group checks what its
/// members need of each other.
fn resolve_in(
    recipe: Recipe,
    mut sink: Sink,
    options: &PlanOptions,
    checked: bool,
    member: bool,
) -> (Preview, Option<Plan>) {
    if recipe.recipe_mode.is_none()
        && let Some(deployment_group) = recipe.deployment_group.clone()
    {
        return resolve_group(recipe, &deployment_group, sink, options, checked);
    }
    validate::required_fields(&recipe, &mut sink);
    let name = validate::deployment_name(&recipe, &mut sink);
    let shape_field = if recipe.recipe_mode == Some(RecipeMode::SharedNodePool) {
        (
            "shared_node_pool_shape",
            recipe.shared_node_pool_shape.as_deref(),
        )
    } else {
        ("recipe_node_shape", recipe.recipe_node_shape.as_deref())
    };
    let shape = validate::shape(shape_field.1, shape_field.0, &options.catalog, &mut sink).cloned();
    let gpus_per_replica = validate::gpus(&recipe, shape.as_ref(), &mut sink);
    validate::mig_config(&recipe, shape.as_ref(), &mut sink);
    let multinode = validate::placement(&recipe, shape.as_ref(), &mut sink);
    validate::storage(&recipe, &mut sink);
    let container_port = validate::ports_and_probes(&recipe, &mut sink);
    validate::image(&recipe, &mut sink);
    validate::environment(&recipe, &mut sink);
    validate::labels(&recipe, &mut sink);
    let team = validate::team(&recipe, &options.catalog, &mut sink);
    let queue = validate::job_team(&recipe, &mut sink).map(|team| JobQueue::of_team(&team));
    if let Some(queue) = &queue
        && !member
    {
        sink.note(group::team_must_exist(&queue.team));
    }
    let update = validate::update(&recipe, &options.catalog, &mut sink);
    let (pod_autoscaling, node_autoscaling) =
        autoscaling::resolve(&recipe, options.scrape_interval_seconds, &mut sink);
    if let (Some(name), Some(_)) = (&name, &pod_autoscaling)
        && name.as_str().len() > MAX_AUTOSCALED_NAME_LEN
    {
        sink.note(Diagnostic::error(
            Pointer::root().key("deployment_name"),
            Code::InvalidName,
            format!(
                "`{name}` is {} characters long; KEDA names its HPA `keda-hpa-<name>`, which must stay within 63, so an autoscaled recipe's name has at most {MAX_AUTOSCALED_NAME_LEN}",
                name.as_str().len()
            ),
        ));
    }
    if let (Some(name), Some(pod)) = (&name, &pod_autoscaling) {
        let object = crate::manifest::scaling::scaled_object_for(
            name,
            recipe.recipe_id.as_deref(),
            pod,
            multinode.is_some(),
            options.target.keda,
            &crate::manifest::RenderOptions::default(),
        );
        target::lints::check(&object, pod, options.target, &mut sink);
    }
    let capacity = capacity::resolve(
        &recipe,
        shape.as_ref(),
        gpus_per_replica,
        pod_autoscaling.as_ref(),
        node_autoscaling.as_ref(),
        multinode.as_ref(),
        &mut sink,
    );
    let model = model::assess(
        &recipe,
        shape.as_ref(),
        model::Scaling {
            pod: pod_autoscaling.as_ref(),
            node: node_autoscaling.as_ref(),
        },
        &options.models,
        &mut sink,
    );
    let mut preview = Preview {
        member: None,
        name,
        mode: recipe.recipe_mode,
        shape,
        gpus_per_replica,
        container_port,
        pod_autoscaling,
        node_autoscaling,
        capacity,
        model,
        multinode,
        queue,
        team,
        update,
        members: Vec::new(),
        diagnostics: sink.diagnostics,
        recipe,
    };
    let plan = if checked && !preview.diagnostics.has_errors() {
        match checked::single(&preview, options.target) {
            Ok(plan) => Some(plan),
            Err(missing) => {
                preview.diagnostics.push(checked::internal(missing));
                None
            }
        }
    } else {
        None
    };
    (preview, plan)
}

/// A deployment group: each member planned as a recipe of its own, then what the members need of each other.
fn resolve_group(
    recipe: Recipe,
    deployment_group: &crate::recipe::DeploymentGroup,
    mut sink: Sink,
    options: &PlanOptions,
    checked: bool,
) -> (Preview, Option<Plan>) {
    let at = Pointer::root().key("deployment_group").key("deployments");
    let deployments = deployment_group.deployments.as_deref().unwrap_or_default();
    let mut members = Vec::new();
    let mut plans = Vec::new();
    for (i, member) in deployments.iter().enumerate() {
        let Some(member_recipe) = &member.recipe else {
            continue;
        };
        let (mut preview, plan) = resolve_in(
            (**member_recipe).clone(),
            Sink::default(),
            options,
            checked,
            true,
        );
        preview.member.clone_from(&member.name);
        let prefix = at.index(i).key("recipe");
        sink.diagnostics.extend(
            preview
                .diagnostics
                .iter()
                .cloned()
                .map(|d| d.with_outer_path(prefix.as_str())),
        );
        members.push(preview);
        plans.push((i, plan));
    }
    group::check(deployments, &at, &mut sink);
    group::members_together(
        &plans
            .iter()
            .zip(&members)
            .map(|((i, _), preview)| (*i, preview))
            .collect::<Vec<_>>(),
        &at,
        &mut sink,
    );
    group::gateway_uniqueness(
        plans
            .iter()
            .zip(&members)
            .map(|((i, _), preview)| (*i, &preview.recipe)),
        &at,
        &mut sink,
    );
    let plan = (checked && !sink.diagnostics.has_errors())
        .then(|| checked::group(deployments, plans, &mut sink))
        .flatten();
    let preview = Preview {
        member: None,
        name: None,
        mode: None,
        shape: None,
        gpus_per_replica: 0,
        container_port: None,
        pod_autoscaling: None,
        node_autoscaling: None,
        capacity: None,
        model: None,
        multinode: None,
        queue: None,
        team: None,
        update: None,
        members,
        diagnostics: sink.diagnostics,
        recipe,
    };
    (preview, plan)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(json: &str) -> Vec<(String, Code)> {
        let planning = plan_bytes(json.as_bytes(), &PlanOptions::default());
        planning
            .diagnostics
            .iter()
            .map(|d| (d.path.clone(), d.code))
            .collect()
    }

    #[test]
    fn pending_replicas_warning_carries_the_numbers() {
        let json = r#"{"recipe_mode": "service", "deployment_name": "x", "recipe_image_uri": "vllm/vllm-openai:v1",
            "recipe_node_shape": "VM.GPU.A10.2", "recipe_container_port": "8000", "recipe_nvidia_gpu_count": 1,
            "recipe_node_pool_size": 1, "recipe_node_boot_volume_size_in_gbs": 300, "recipe_ephemeral_storage_size": 100,
            "recipe_shared_memory_volume_size_limit_in_mb": 200,
            "recipe_pod_autoscaling_params": {"min_replicas": 1, "max_replicas": 8},
            "recipe_node_autoscaling_params": {"min_nodes": 1, "max_nodes": 2}}"#;
        let planning = plan_bytes(json.as_bytes(), &PlanOptions::default());
        let d: Vec<_> = planning
            .diagnostics
            .iter()
            .filter(|d| d.code == Code::PendingReplicas)
            .collect();
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].message,
            "max_replicas 8 needs 4 node(s) of VM.GPU.A10.2 (1 GPU(s) per replica, 2 per node); max_nodes 2 holds 4: 4 replica(s) would stay Pending"
        );
        let Some(Plan::Service(service)) = planning.plan else {
            panic!("a service plan")
        };
        assert_eq!(service.capacity.expect("capacity").pending_replicas, 4);
        assert_eq!(service.workload.name.as_str(), "x");
        assert_eq!(service.container_port, 8000);
    }

    #[test]
    fn deployment_group_members_are_checked_with_their_paths() {
        let d = codes(
            r#"{"deployment_group": {"name": "g", "deployments": [
                {"name": "a", "recipe": {"recipe_mode": "service"}, "depends_on": ["b"]},
                {"name": "b", "recipe": {"recipe_mode": "job", "deployment_name": "b"}, "depends_on": ["a"]}
            ]}}"#,
        );
        assert!(d.contains(&(
            "/deployment_group/deployments/0/recipe/deployment_name".into(),
            Code::MissingField
        )));
        assert!(d.contains(&("/deployment_group/deployments".into(), Code::InvalidValue)));
    }

    #[test]
    fn a_plan_exists_exactly_when_there_is_no_error() {
        let bad = plan_bytes(
            br#"{"recipe_mode": "service", "deployment_name": "x"}"#,
            &PlanOptions::default(),
        );
        assert!(bad.diagnostics.has_errors());
        assert!(bad.plan.is_none());
        assert!(bad.preview.is_some());
        let errors = bad.clone().into_plan().expect_err("errors");
        assert_eq!(errors, bad.diagnostics);
        let not_a_recipe = plan_bytes(b"[1, 2]", &PlanOptions::default());
        assert!(not_a_recipe.preview.is_none() && not_a_recipe.plan.is_none());
        let example = plan_bytes(
            include_bytes!("../../../fixtures/recipes/autoscaling-example.json"),
            &PlanOptions::default(),
        );
        let (plan, warnings) = example.into_plan().expect("a plan");
        assert!(!warnings.has_errors());
        assert!(matches!(plan, Plan::Service(_)));
        assert!(
            validate_bytes(
                include_bytes!("../../../fixtures/recipes/autoscaling-example.json"),
                &PlanOptions::default()
            ) == warnings
        );
    }

    #[test]
    fn group_members_carry_their_names_in_dependency_order() {
        let planning = plan_bytes(
            include_bytes!("../../../fixtures/recipes/deployment-group-chat.json"),
            &PlanOptions::default(),
        );
        let Some(Plan::Group(group)) = planning.plan else {
            panic!("a group plan: {}", planning.diagnostics)
        };
        let names: Vec<&str> = group.members.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["vllm", "chat_ui"]);
        assert_eq!(group.members[1].index, 0);
    }
}
