//! Deployment groups: several recipes deployed together, each after the members it depends on, referring to each
//! other's addresses with `${member.export}`.
//!
//! The rules of a group as a whole live here: member names (and the Kubernetes names their recipes become) are
//! unique, dependencies name members and form no cycle, references name a service of the group and something it
//! exports, inference-gateway model names and keys are not shared. Each member's own recipe is planned like any
//! other ([`mod@crate::plan`]); rendering takes the members in [`dependency_order`].

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::diagnostic::{Code, Diagnostic, Pointer, did_you_mean, suggest};
use crate::plan::Preview;
use crate::recipe::convert::{SUGGESTED_UNKNOWN_FIELDS, Sink};
use crate::recipe::reference::{Export, container_strings, malformed_references, references};
use crate::recipe::{GroupDeployment, Recipe, RecipeMode, canonical_name};

/// Reports every problem of the group as a whole: empty groups, duplicate names, unknown or cyclic dependencies,
/// unknown exports and unresolvable references. `at` is the path of the members' list.
pub fn check(deployments: &[GroupDeployment], at: &Pointer, sink: &mut Sink) {
    if deployments.is_empty() && !sink.was_invalid(at) {
        sink.note(
            Diagnostic::error(at, Code::MissingField, "the group has no member")
                .with_hint("list the recipes to deploy together under `deployments`"),
        );
    }
    names(deployments, at, sink);
    dependencies(deployments, at, sink);
    exports(deployments, at, sink);
    references_between(deployments, at, sink);
    if let Some(cycle) = dependency_cycle(deployments) {
        sink.note(Diagnostic::error(
            at,
            Code::InvalidValue,
            format!(
                "the members depend on each other in a cycle: {}",
                cycle.join(" → ")
            ),
        ));
    }
}

/// Member names are unique, and so are the Kubernetes names of their recipes: `Chat UI` and `chat-ui` both become
/// `chat-ui`, and two Deployments of one name would replace each other.
fn names(deployments: &[GroupDeployment], at: &Pointer, sink: &mut Sink) {
    let mut members: HashMap<&str, usize> = HashMap::new();
    let mut objects: HashMap<String, usize> = HashMap::new();
    for (i, member) in deployments.iter().enumerate() {
        if let Some(name) = member.name.as_deref() {
            if let Some(&first) = members.get(name) {
                sink.note(Diagnostic::error(
                    at.index(i).key("name"),
                    Code::DuplicateValue,
                    format!(
                        "two members of the group are called `{name}` (the other is at {})",
                        at.index(first).key("name")
                    ),
                ));
            } else {
                members.insert(name, i);
            }
        }
        let Some(raw) = member
            .recipe
            .as_ref()
            .and_then(|r| r.deployment_name.as_deref())
        else {
            continue;
        };
        let canonical = canonical_name(raw);
        match objects.get(&canonical) {
            Some(&first) => {
                let first_raw = deployments[first]
                    .recipe
                    .as_ref()
                    .and_then(|r| r.deployment_name.as_deref())
                    .unwrap_or_default();
                sink.note(
                    Diagnostic::error(
                        at.index(i).key("recipe").key("deployment_name"),
                        Code::DuplicateValue,
                        format!(
                            "`{raw}` and `{first_raw}` (at {}) both become `{canonical}`: their objects would replace each other",
                            at.index(first).key("recipe").key("deployment_name")
                        ),
                    )
                    .with_hint("give each member's recipe a deployment name of its own"),
                );
            }
            None => {
                objects.insert(canonical, i);
            }
        }
    }
}

/// "Did you mean" among the member names, for the names that are not members, while the searches have compared
/// fewer than [`MemberHints::COMPARISONS`] names (and for at most [`SUGGESTED_UNKNOWN_FIELDS`] names): each search
/// reads every member's name, and a group of thousands of members with as many wrong names would take quadratic
/// time. A real group of a few members gets every hint.
struct MemberHints<'a> {
    names: Vec<&'a str>,
    given: usize,
    compared: usize,
}

impl<'a> MemberHints<'a> {
    const COMPARISONS: usize = 20_000;

    fn new(deployments: &'a [GroupDeployment]) -> Self {
        MemberHints {
            names: deployments
                .iter()
                .filter_map(|d| d.name.as_deref())
                .collect(),
            given: 0,
            compared: 0,
        }
    }

    fn hint(&mut self, name: &str) -> Option<String> {
        if self.given >= SUGGESTED_UNKNOWN_FIELDS
            || self.compared + self.names.len() > Self::COMPARISONS
        {
            return None;
        }
        self.given += 1;
        self.compared += self.names.len();
        did_you_mean(&suggest(name, self.names.iter().copied(), 2))
    }
}

/// Each `depends_on` entry names another member.
fn dependencies(deployments: &[GroupDeployment], at: &Pointer, sink: &mut Sink) {
    let known: HashSet<&str> = deployments
        .iter()
        .filter_map(|d| d.name.as_deref())
        .collect();
    let mut hints = MemberHints::new(deployments);
    for (i, member) in deployments.iter().enumerate() {
        for (j, dependency) in member.depends_on.iter().flatten().enumerate() {
            let here = at.index(i).key("depends_on").index(j);
            if !known.contains(dependency.as_str()) {
                let mut d = Diagnostic::error(
                    here,
                    Code::InvalidValue,
                    format!("`{dependency}` is not a member of this group"),
                );
                if let Some(hint) = hints.hint(dependency) {
                    d = d.with_hint(hint);
                }
                sink.note(d);
            } else if member.name.as_deref() == Some(dependency.as_str()) {
                sink.note(Diagnostic::error(
                    here,
                    Code::InvalidValue,
                    "a member cannot depend on itself",
                ));
            }
        }
    }
}

/// Each `exports` entry is something a member can export, and is listed once (upstream's schema wants unique items).
fn exports(deployments: &[GroupDeployment], at: &Pointer, sink: &mut Sink) {
    for (i, member) in deployments.iter().enumerate() {
        let listed = member.exports.as_deref().unwrap_or_default();
        let mut seen = HashSet::new();
        for (j, export) in listed.iter().enumerate() {
            let here = at.index(i).key("exports").index(j);
            if Export::parse(export).is_none() {
                let mut d = Diagnostic::error(
                    here,
                    Code::InvalidValue,
                    format!("`{export}` is not something a member exports"),
                )
                .with_hint("`service_url` or `internal_dns_name`");
                if let Some(hint) = did_you_mean(&suggest(export, Export::NAMES, 2)) {
                    d = d.with_hint(hint);
                }
                sink.note(d);
            } else if !seen.insert(export) {
                sink.note(Diagnostic::warning(
                    here,
                    Code::DuplicateValue,
                    format!("`{export}` is listed twice; upstream's server refuses an `exports` list with repeated items"),
                ));
            }
        }
    }
}

/// Every `${member.export}` in a member's container names a service of the group and something it exports.
fn references_between(deployments: &[GroupDeployment], at: &Pointer, sink: &mut Sink) {
    // The first member of each name, as a search from the start finds it.
    let mut members: HashMap<&str, &GroupDeployment> = HashMap::new();
    for d in deployments {
        if let Some(name) = d.name.as_deref() {
            members.entry(name).or_insert(d);
        }
    }
    let mut hints = MemberHints::new(deployments);
    for (i, member) in deployments.iter().enumerate() {
        let Some(recipe) = &member.recipe else {
            continue;
        };
        let prefix = at.index(i).key("recipe");
        for (path, text) in container_strings(recipe) {
            for m in malformed_references(&text) {
                let written = &text[m.range.clone()];
                sink.note(
                    Diagnostic::warning(
                        &path,
                        Code::MalformedReference,
                        format!(
                            "`{written}` looks like a reference to another member, but {}: it reaches the container as written",
                            m.problem.describe()
                        ),
                    )
                    .with_hint(format!("write `{}`", m.meant))
                    .with_outer_path(prefix.as_str()),
                );
            }
            for r in references(&text) {
                let written = &text[r.range.clone()];
                let target = members.get(r.member).copied();
                let d = match (target, Export::parse(r.export)) {
                    (None, _) => {
                        let d = Diagnostic::error(
                            &path,
                            Code::InvalidValue,
                            format!(
                                "`{written}` names `{}`, which is not a member of this group",
                                r.member
                            ),
                        );
                        match hints.hint(r.member) {
                            Some(hint) => d.with_hint(hint),
                            None => d,
                        }
                    }
                    (Some(_), None) => {
                        let d = Diagnostic::error(
                            &path,
                            Code::InvalidValue,
                            format!(
                                "`{written}` asks for `{}`, which no member exports",
                                r.export
                            ),
                        )
                        .with_hint("`service_url` or `internal_dns_name`");
                        match did_you_mean(&suggest(r.export, Export::NAMES, 2)) {
                            Some(hint) => d.with_hint(hint),
                            None => d,
                        }
                    }
                    (Some(target), Some(_))
                        if !target.exports.iter().flatten().any(|e| e == r.export) =>
                    {
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
                    (Some(target), Some(_)) => {
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

/// What the members need of each other: a job's team made by a `team` member (else a note that it must exist), and
/// a multinode service's group of nodes on a shared pool member of its shape and selector (else an error with the
/// numbers). `members` are the members' places in the group with their previews.
pub fn members_together(members: &[(usize, &Preview)], at: &Pointer, sink: &mut Sink) {
    let teams: Vec<&str> = members
        .iter()
        .filter_map(|(_, p)| p.team.as_ref().map(|t| t.name.as_str()))
        .collect();
    for (i, preview) in members {
        if let Some(queue) = &preview.queue
            && !teams.contains(&queue.team.as_str())
        {
            sink.note(
                team_must_exist(&queue.team).with_outer_path(at.index(*i).key("recipe").as_str()),
            );
        }
        let (Some(multinode), Some(shape)) = (&preview.multinode, &preview.shape) else {
            continue;
        };
        let selector = preview.recipe.recipe_shared_node_pool_selector.as_deref();
        let pools: Vec<(usize, &Preview)> = members
            .iter()
            .filter(|(_, p)| {
                p.mode == Some(RecipeMode::SharedNodePool)
                    && p.shape.as_ref().is_some_and(|s| s.name == shape.name)
                    && selector
                        .is_none_or(|s| p.recipe.shared_node_pool_selector.as_deref() == Some(s))
            })
            .map(|(j, p)| (*j, *p))
            .collect();
        let sizes: Vec<u32> = pools
            .iter()
            .filter_map(|(_, p)| p.recipe.shared_node_pool_size)
            .collect();
        if sizes.is_empty() || sizes.iter().any(|size| *size >= multinode.nodes) {
            continue;
        }
        let largest = sizes.iter().copied().max().unwrap_or(0);
        sink.note(
            Diagnostic::error(
                at.index(*i)
                    .key("recipe")
                    .key("multinode_num_nodes_to_use_from_shared_pool"),
                Code::Multinode,
                format!(
                    "a group of {} `{}` nodes cannot be placed: the group's shared pools of that shape hold at most {largest} node(s)",
                    multinode.nodes, shape.name
                ),
            )
            .with_hint(format!(
                "raise `shared_node_pool_size` of {} to {} or use fewer nodes per group",
                pools
                    .iter()
                    .map(|(j, _)| format!("member {}", deployments_name(members, *j)))
                    .collect::<Vec<_>>()
                    .join(", "),
                multinode.nodes
            )),
        );
    }
}

/// A member's name for messages: its place in the group when it has no recipe name.
fn deployments_name(members: &[(usize, &Preview)], index: usize) -> String {
    members
        .iter()
        .find(|(i, _)| *i == index)
        .and_then(|(_, p)| p.member.clone())
        .unwrap_or_else(|| index.to_string())
}

/// The note of a job whose team nothing in sight creates: Kueue holds the job until the team's LocalQueue exists.
#[must_use]
pub fn team_must_exist(team: &str) -> Diagnostic {
    Diagnostic::note(
        Pointer::root().key("recipe_team_info").key("team_name"),
        Code::TeamNotCreated,
        format!(
            "the team `{team}` must exist before the job runs: Kueue holds the job until the LocalQueue `{}` does",
            crate::validate::team::local_queue(team)
        ),
    )
    .with_hint("deploy the team's `team` recipe first, or in the same deployment group")
}

/// Inference-gateway model names and API keys must be unique; within a group we can check that. `members` are the
/// members' places in the group with their recipes.
pub fn gateway_uniqueness<'r>(
    members: impl IntoIterator<Item = (usize, &'r Recipe)>,
    at: &Pointer,
    sink: &mut Sink,
) {
    let mut models: HashSet<&str> = HashSet::new();
    let mut keys: HashSet<&str> = HashSet::new();
    for (i, recipe) in members {
        let Some(gateway) = &recipe.recipe_inference_gateway else {
            continue;
        };
        let here = at.index(i).key("recipe").key("recipe_inference_gateway");
        if let Some(model) = gateway.model_name.as_deref()
            && !models.insert(model)
        {
            sink.note(Diagnostic::error(
                here.key("model_name"),
                Code::DuplicateValue,
                format!("the gateway model name `{model}` is used by another member"),
            ));
        }
        if let Some(key) = gateway.api_key.as_deref()
            && !keys.insert(key)
        {
            sink.note(Diagnostic::error(
                here.key("api_key"),
                Code::DuplicateValue,
                "this gateway API key is used by another member",
            ));
        }
    }
}

/// The members' dependency edges by index: `edges[i]` lists the members `i` depends on (unknown names and
/// self-references left out; validation reports them).
fn edges(deployments: &[GroupDeployment]) -> Vec<Vec<usize>> {
    let index: HashMap<&str, usize> = deployments
        .iter()
        .enumerate()
        .rev()
        .filter_map(|(i, d)| Some((d.name.as_deref()?, i)))
        .collect();
    deployments
        .iter()
        .enumerate()
        .map(|(i, d)| {
            d.depends_on
                .iter()
                .flatten()
                .filter_map(|n| index.get(n.as_str()).copied())
                .filter(|&j| j != i)
                .collect()
        })
        .collect()
}

/// The members' indices, each after those it depends on, otherwise in the group's order. Validation refuses
/// cycles; were there one, the first member not yet placed would be taken to break it.
///
/// Kahn's algorithm, taking the lowest ready index first: linear in the members and edges (up to a logarithm), so
/// that a group of many members cannot take quadratic time.
#[must_use]
pub fn dependency_order(deployments: &[GroupDeployment]) -> Vec<usize> {
    let n = deployments.len();
    let mut waiting_for = vec![0usize; n];
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, mut deps) in edges(deployments).into_iter().enumerate() {
        deps.sort_unstable();
        deps.dedup();
        waiting_for[i] = deps.len();
        for j in deps {
            dependents[j].push(i);
        }
    }
    let mut ready: BTreeSet<usize> = (0..n).filter(|&i| waiting_for[i] == 0).collect();
    let mut placed = vec![false; n];
    let mut first_unplaced = 0;
    let mut order = Vec::with_capacity(n);
    while order.len() < n {
        let next = match ready.pop_first() {
            Some(i) => i,
            None => {
                while placed[first_unplaced] {
                    first_unplaced += 1;
                }
                first_unplaced
            }
        };
        if placed[next] {
            continue;
        }
        placed[next] = true;
        order.push(next);
        for &d in &dependents[next] {
            waiting_for[d] = waiting_for[d].saturating_sub(1);
            if waiting_for[d] == 0 && !placed[d] {
                ready.insert(d);
            }
        }
    }
    order
}

/// A dependency cycle among the members, as names, when there is one.
fn dependency_cycle(deployments: &[GroupDeployment]) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Colour {
        Unvisited,
        OnStack,
        Done,
    }
    // Depth-first search without recursion, so that a long chain of members cannot exhaust the stack.
    let edges = edges(deployments);
    let mut colour = vec![Colour::Unvisited; deployments.len()];
    for start in 0..deployments.len() {
        if colour[start] != Colour::Unvisited {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        colour[start] = Colour::OnStack;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            if let Some(&j) = edges[node].get(*next) {
                *next += 1;
                match colour[j] {
                    Colour::OnStack => {
                        let from = stack.iter().position(|&(k, _)| k == j).unwrap_or(0);
                        let mut cycle: Vec<usize> = stack[from..].iter().map(|&(k, _)| k).collect();
                        cycle.push(j);
                        return Some(
                            cycle
                                .into_iter()
                                .map(|i| deployments[i].name.clone().unwrap_or_default())
                                .collect(),
                        );
                    }
                    Colour::Unvisited => {
                        colour[j] = Colour::OnStack;
                        stack.push((j, 0));
                    }
                    Colour::Done => {}
                }
            } else {
                colour[node] = Colour::Done;
                stack.pop();
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(members: serde_json::Value) -> Vec<GroupDeployment> {
        serde_json::from_value(members).expect("members")
    }

    fn problems(members: serde_json::Value) -> Vec<(String, Code)> {
        let mut sink = Sink::default();
        check(
            &group(members),
            &Pointer::root().key("deployment_group").key("deployments"),
            &mut sink,
        );
        sink.diagnostics
            .iter()
            .map(|d| (d.path.clone(), d.code))
            .collect()
    }

    #[test]
    fn members_follow_what_they_depend_on_and_otherwise_keep_their_order() {
        let members = group(serde_json::json!([
            {"name": "ui", "depends_on": ["api"]},
            {"name": "db"},
            {"name": "api", "depends_on": ["db"]},
            {"name": "docs"}
        ]));
        assert_eq!(dependency_order(&members), [1, 2, 0, 3]);
    }

    #[test]
    fn cycles_are_found_without_recursion() {
        let members = group(serde_json::json!([
            {"name": "a", "depends_on": ["b"]},
            {"name": "b", "depends_on": ["c"]},
            {"name": "c", "depends_on": ["a"]},
        ]));
        assert_eq!(
            dependency_cycle(&members),
            Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
        );
        assert_eq!(dependency_order(&members), [0, 2, 1]);
        let chain: Vec<serde_json::Value> = (0..20_000)
            .map(|i| serde_json::json!({"name": format!("m{i}"), "depends_on": [format!("m{}", i + 1)]}))
            .collect();
        let chain = group(serde_json::Value::Array(chain));
        assert_eq!(dependency_cycle(&chain), None);
        let order = dependency_order(&chain);
        assert_eq!(order.first(), Some(&19_999));
        assert_eq!(order.last(), Some(&0));
    }

    #[test]
    fn names_that_become_one_kubernetes_name_are_refused_with_both_paths() {
        let found = problems(serde_json::json!([
            {"name": "a", "recipe": {"deployment_name": "Chat UI"}},
            {"name": "b", "recipe": {"deployment_name": "chat-ui"}},
            {"name": "a", "recipe": {"deployment_name": "other"}},
        ]));
        assert_eq!(
            found,
            [
                (
                    "/deployment_group/deployments/1/recipe/deployment_name".into(),
                    Code::DuplicateValue
                ),
                (
                    "/deployment_group/deployments/2/name".into(),
                    Code::DuplicateValue
                ),
            ]
        );
        let mut sink = Sink::default();
        let at = Pointer::root().key("deployments");
        names(
            &group(serde_json::json!([
                {"name": "a", "recipe": {"deployment_name": "Chat UI"}},
                {"name": "b", "recipe": {"deployment_name": "chat-ui"}},
            ])),
            &at,
            &mut sink,
        );
        let message = &sink.diagnostics.iter().next().expect("one").message;
        assert!(
            message.contains("/deployments/0/recipe/deployment_name"),
            "{message}"
        );
    }

    #[test]
    fn empty_groups_and_repeated_exports_are_reported() {
        assert_eq!(
            problems(serde_json::json!([])),
            [("/deployment_group/deployments".into(), Code::MissingField)]
        );
        assert_eq!(
            problems(serde_json::json!([
                {"name": "a", "exports": ["service_url", "service_url"]}
            ])),
            [(
                "/deployment_group/deployments/0/exports/1".into(),
                Code::DuplicateValue
            )]
        );
    }
}
