//! The checked, resolved form of a recipe: what everything downstream (rendering, simulation, previews) reads.
//!
//! [`plan`] runs every rule, never stopping at the first problem, and returns a [`Plan`] together with the
//! diagnostics. A plan of a recipe with errors is still useful for previews; [`Plan::is_renderable`] says whether
//! it may be turned into manifests.

use serde::{Deserialize, Serialize};

use crate::autoscaling::{self, NodeAutoscaling, PodAutoscaling};
use crate::capacity::{Capacity, NodeBound, Unit, plan_capacity};
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Pointer};
use crate::document::{Format, Node};
use crate::recipe::convert::Sink;
use crate::recipe::{self, CanonicalName, Recipe, RecipeMode};
use crate::shape::{Shape, ShapeCatalog};
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
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions {
            catalog: ShapeCatalog::builtin(),
            scrape_interval_seconds: 15,
        }
    }
}

/// A recipe with everything derived from it resolved.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Plan {
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
    /// The plans of a deployment group's members, in the group's order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<Plan>,
    /// Every problem found.
    pub diagnostics: Diagnostics,
}

impl Plan {
    /// Whether the recipe has no errors (warnings and notes allowed).
    #[must_use]
    pub fn is_renderable(&self) -> bool {
        !self.diagnostics.has_errors()
    }
}

/// Reads recipe bytes and plans them. `None` when the bytes are not a recipe at all; the diagnostics say why.
#[must_use]
pub fn plan_bytes(input: &[u8], options: &PlanOptions) -> (Option<Plan>, Diagnostics) {
    let (recipe, sink) = recipe::parse(input, Format::Auto);
    finish(recipe, sink, options)
}

/// Plans a recipe already held as JSON (as the bindings receive it).
#[must_use]
pub fn plan_json(value: &serde_json::Value, options: &PlanOptions) -> (Option<Plan>, Diagnostics) {
    let (recipe, sink) = recipe::from_node(&Node::from_json(value));
    finish(recipe, sink, options)
}

fn finish(
    recipe: Option<Recipe>,
    sink: Sink,
    options: &PlanOptions,
) -> (Option<Plan>, Diagnostics) {
    match recipe {
        Some(recipe) => {
            let plan = plan_with(recipe, sink, options);
            let diagnostics = plan.diagnostics.clone();
            (Some(plan), diagnostics)
        }
        None => (None, sink.diagnostics),
    }
}

/// Every problem of recipe bytes: reading, structure and rules.
#[must_use]
pub fn validate_bytes(input: &[u8], options: &PlanOptions) -> Diagnostics {
    plan_bytes(input, options).1
}

/// Plans a typed recipe (built in code rather than parsed).
#[must_use]
pub fn plan(recipe: &Recipe, options: &PlanOptions) -> Plan {
    plan_with(recipe.clone(), Sink::default(), options)
}

fn plan_with(recipe: Recipe, mut sink: Sink, options: &PlanOptions) -> Plan {
    let members = group_members(&recipe, &mut sink, options);
    if recipe.deployment_group.is_some() && recipe.recipe_mode.is_none() {
        return Plan {
            name: None,
            mode: None,
            shape: None,
            gpus_per_replica: 0,
            container_port: None,
            pod_autoscaling: None,
            node_autoscaling: None,
            capacity: None,
            members,
            diagnostics: sink.diagnostics,
            recipe,
        };
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
    validate::placement(&recipe, shape.as_ref(), &mut sink);
    validate::storage(&recipe, &mut sink);
    let container_port = validate::ports_and_probes(&recipe, &mut sink);
    validate::image(&recipe, &mut sink);
    validate::environment(&recipe, &mut sink);
    validate::labels(&recipe, &mut sink);
    validate::team(&recipe, &options.catalog, &mut sink);
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
    let capacity = capacity(
        &recipe,
        shape.as_ref(),
        gpus_per_replica,
        pod_autoscaling.as_ref(),
        node_autoscaling.as_ref(),
        &mut sink,
    );
    Plan {
        name,
        mode: recipe.recipe_mode,
        shape,
        gpus_per_replica,
        container_port,
        pod_autoscaling,
        node_autoscaling,
        capacity,
        members,
        diagnostics: sink.diagnostics,
        recipe,
    }
}

/// Plans a deployment group's members (each recipe's paths prefixed with its place in the group) and checks
/// the group's names and dependencies.
fn group_members(recipe: &Recipe, sink: &mut Sink, options: &PlanOptions) -> Vec<Plan> {
    let Some(group) = &recipe.deployment_group else {
        return Vec::new();
    };
    let at = Pointer::root().key("deployment_group").key("deployments");
    let deployments = group.deployments.as_deref().unwrap_or_default();
    let names: Vec<Option<&str>> = deployments.iter().map(|d| d.name.as_deref()).collect();
    let mut plans = Vec::new();
    for (i, member) in deployments.iter().enumerate() {
        let here = at.index(i);
        if let Some(name) = &member.name
            && names[..i].contains(&Some(name.as_str()))
        {
            sink.note(Diagnostic::error(
                here.key("name"),
                Code::DuplicateValue,
                format!("two members of the group are called `{name}`"),
            ));
        }
        for (j, dependency) in member.depends_on.iter().flatten().enumerate() {
            if !names.contains(&Some(dependency.as_str())) {
                let known: Vec<&str> = names.iter().flatten().copied().collect();
                let mut d = Diagnostic::error(
                    here.key("depends_on").index(j),
                    Code::InvalidValue,
                    format!("`{dependency}` is not a member of this group"),
                );
                if let Some(hint) = crate::diagnostic::did_you_mean(&crate::diagnostic::suggest(
                    dependency, known, 2,
                )) {
                    d = d.with_hint(hint);
                }
                sink.note(d);
            } else if member.name.as_deref() == Some(dependency.as_str()) {
                sink.note(Diagnostic::error(
                    here.key("depends_on").index(j),
                    Code::InvalidValue,
                    "a member cannot depend on itself",
                ));
            }
        }
        if let Some(member_recipe) = &member.recipe {
            let plan = plan(member_recipe, options);
            let prefix = here.key("recipe");
            sink.diagnostics.extend(
                plan.diagnostics
                    .iter()
                    .cloned()
                    .map(|d| d.with_outer_path(prefix.as_str())),
            );
            plans.push(plan);
        }
    }
    group_references(deployments, &at, sink);
    if let Some(cycle) = dependency_cycle(deployments) {
        sink.note(Diagnostic::error(
            &at,
            Code::InvalidValue,
            format!(
                "the members depend on each other in a cycle: {}",
                cycle.join(" → ")
            ),
        ));
    }
    gateway_uniqueness(&plans, &at, sink);
    plans
}

/// Checks each member's `exports`, and that every `${member.export}` in a member's container names a service of
/// the group and something that member exports.
fn group_references(deployments: &[recipe::GroupDeployment], at: &Pointer, sink: &mut Sink) {
    use crate::diagnostic::{did_you_mean, suggest};
    use recipe::reference::{EXPORTS, container_strings, references};
    for (i, member) in deployments.iter().enumerate() {
        for (j, export) in member.exports.iter().flatten().enumerate() {
            if !EXPORTS.contains(&export.as_str()) {
                let mut d = Diagnostic::error(
                    at.index(i).key("exports").index(j),
                    Code::InvalidValue,
                    format!("`{export}` is not something a member exports"),
                )
                .with_hint("`service_url` or `internal_dns_name`");
                if let Some(hint) = did_you_mean(&suggest(export, EXPORTS, 2)) {
                    d = d.with_hint(hint);
                }
                sink.note(d);
            }
        }
    }
    let names = deployments.iter().filter_map(|d| d.name.as_deref());
    for (i, member) in deployments.iter().enumerate() {
        let Some(recipe) = &member.recipe else {
            continue;
        };
        let prefix = at.index(i).key("recipe");
        for (path, text) in container_strings(recipe) {
            for r in references(&text) {
                let written = &text[r.range.clone()];
                let target = deployments
                    .iter()
                    .find(|d| d.name.as_deref() == Some(r.member));
                let d = match target {
                    None => {
                        let d = Diagnostic::error(
                            &path,
                            Code::InvalidValue,
                            format!(
                                "`{written}` names `{}`, which is not a member of this group",
                                r.member
                            ),
                        );
                        match did_you_mean(&suggest(r.member, names.clone(), 2)) {
                            Some(hint) => d.with_hint(hint),
                            None => d,
                        }
                    }
                    Some(_) if !EXPORTS.contains(&r.export) => {
                        let d = Diagnostic::error(
                            &path,
                            Code::InvalidValue,
                            format!(
                                "`{written}` asks for `{}`, which no member exports",
                                r.export
                            ),
                        )
                        .with_hint("`service_url` or `internal_dns_name`");
                        match did_you_mean(&suggest(r.export, EXPORTS, 2)) {
                            Some(hint) => d.with_hint(hint),
                            None => d,
                        }
                    }
                    Some(target) if !target.exports.iter().flatten().any(|e| e == r.export) => {
                        Diagnostic::error(
                            &path,
                            Code::InvalidValue,
                            format!("`{written}`: `{}` does not export `{}`", r.member, r.export),
                        )
                        .with_hint(format!(
                            "add `{}` to the `exports` of `{}`",
                            r.export, r.member
                        ))
                    }
                    Some(target) => {
                        let mode = target.recipe.as_ref().and_then(|r| r.recipe_mode);
                        if mode == Some(RecipeMode::Service) {
                            continue;
                        }
                        Diagnostic::error(
                            &path,
                            Code::InvalidValue,
                            format!(
                                "`{written}`: `{}` is a `{}` recipe, which has no Service and no public host",
                                r.member,
                                mode.map_or("modeless", RecipeMode::as_str)
                            ),
                        )
                    }
                };
                sink.note(d.with_outer_path(prefix.as_str()));
            }
        }
    }
}

/// A dependency cycle among group members, as names, when there is one.
fn dependency_cycle(deployments: &[recipe::GroupDeployment]) -> Option<Vec<String>> {
    let name_of = |i: usize| deployments[i].name.clone().unwrap_or_default();
    let index_of = |n: &str| {
        deployments
            .iter()
            .position(|d| d.name.as_deref() == Some(n))
    };
    // Depth-first search with colours: 0 unvisited, 1 on the stack, 2 done.
    fn visit(
        i: usize,
        edges: &[Vec<usize>],
        colour: &mut [u8],
        stack: &mut Vec<usize>,
    ) -> Option<Vec<usize>> {
        colour[i] = 1;
        stack.push(i);
        for &j in &edges[i] {
            if colour[j] == 1 {
                let start = stack.iter().position(|&k| k == j).unwrap_or(0);
                let mut cycle = stack[start..].to_vec();
                cycle.push(j);
                return Some(cycle);
            }
            if colour[j] == 0
                && let Some(c) = visit(j, edges, colour, stack)
            {
                return Some(c);
            }
        }
        stack.pop();
        colour[i] = 2;
        None
    }
    let edges: Vec<Vec<usize>> = deployments
        .iter()
        .enumerate()
        .map(|(i, d)| {
            d.depends_on
                .iter()
                .flatten()
                .filter_map(|n| index_of(n))
                .filter(|&j| j != i)
                .collect()
        })
        .collect();
    let mut colour = vec![0u8; deployments.len()];
    for i in 0..deployments.len() {
        if colour[i] == 0
            && let Some(cycle) = visit(i, &edges, &mut colour, &mut Vec::new())
        {
            return Some(cycle.into_iter().map(name_of).collect());
        }
    }
    None
}

/// Inference-gateway model names and API keys must be unique; within a group we can check that.
fn gateway_uniqueness(plans: &[Plan], at: &Pointer, sink: &mut Sink) {
    let mut models: Vec<&str> = Vec::new();
    let mut keys: Vec<&str> = Vec::new();
    for (i, plan) in plans.iter().enumerate() {
        let Some(gateway) = &plan.recipe.recipe_inference_gateway else {
            continue;
        };
        let here = at.index(i).key("recipe").key("recipe_inference_gateway");
        if let Some(model) = gateway.model_name.as_deref() {
            if models.contains(&model) {
                sink.note(Diagnostic::error(
                    here.key("model_name"),
                    Code::DuplicateValue,
                    format!("the gateway model name `{model}` is used by another member"),
                ));
            }
            models.push(model);
        }
        if let Some(key) = gateway.api_key.as_deref() {
            if keys.contains(&key) {
                sink.note(Diagnostic::error(
                    here.key("api_key"),
                    Code::DuplicateValue,
                    "this gateway API key is used by another member",
                ));
            }
            keys.push(key);
        }
    }
}

/// Plans capacity and reports replicas that would stay Pending and GPUs that would stay idle.
fn capacity(
    recipe: &Recipe,
    shape: Option<&Shape>,
    gpus_per_replica: u32,
    pod: Option<&PodAutoscaling>,
    node: Option<&NodeAutoscaling>,
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

    fn codes(json: &str) -> Vec<(String, Code)> {
        let (_, d) = plan_bytes(json.as_bytes(), &PlanOptions::default());
        d.iter().map(|d| (d.path.clone(), d.code)).collect()
    }

    #[test]
    fn pending_replicas_warning_carries_the_numbers() {
        let json = r#"{"recipe_mode": "service", "deployment_name": "x", "recipe_image_uri": "vllm/vllm-openai:v1",
            "recipe_node_shape": "VM.GPU.A10.2", "recipe_container_port": "8000", "recipe_nvidia_gpu_count": 1,
            "recipe_node_pool_size": 1, "recipe_node_boot_volume_size_in_gbs": 300, "recipe_ephemeral_storage_size": 100,
            "recipe_shared_memory_volume_size_limit_in_mb": 200,
            "recipe_pod_autoscaling_params": {"min_replicas": 1, "max_replicas": 8},
            "recipe_node_autoscaling_params": {"min_nodes": 1, "max_nodes": 2}}"#;
        let (plan, d) = plan_bytes(json.as_bytes(), &PlanOptions::default());
        let d: Vec<_> = d
            .iter()
            .filter(|d| d.code == Code::PendingReplicas)
            .collect();
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].message,
            "max_replicas 8 needs 4 node(s) of VM.GPU.A10.2 (1 GPU(s) per replica, 2 per node); max_nodes 2 holds 4: 4 replica(s) would stay Pending"
        );
        let capacity = plan.unwrap().capacity.unwrap();
        assert_eq!(capacity.pending_replicas, 4);
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
}
