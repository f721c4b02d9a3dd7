//! `update` recipes: new labels on existing nodes, one node by name (`recipe_node_name`, a node's private IP, which
//! OKE uses as its name) or every node of a pool (`recipe_node_pool_name`). Labels come from `recipe_node_labels`,
//! and a MIG layout from `shared_node_pool_mig_config`, which the NVIDIA GPU Operator's MIG manager reads from the
//! `nvidia.com/mig.config` label.

use std::collections::BTreeMap;

use super::root;
use crate::diagnostic::{Code, Diagnostic, did_you_mean, suggest};
use crate::manifest::labels::{MIG_CONFIG_LABEL, RECIPE_LABEL};
use crate::names::{label_value_problem, subdomain_problem};
use crate::recipe::convert::Sink;
use crate::recipe::{Recipe, RecipeMode, canonical_name};
use crate::shape::ShapeCatalog;

/// Which nodes an update changes.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum NodeTarget {
    /// One node, by name.
    Node {
        /// The node's name (its private IP on OKE).
        name: String,
    },
    /// Every node that carries `label: value` (a pool's nodes carry its canonical name in [`RECIPE_LABEL`]).
    Selector {
        /// The label key.
        label: String,
        /// Its value.
        value: String,
    },
}

impl NodeTarget {
    /// The target in words, for messages and plans: `node 10.0.10.5`, `nodes with corrino.oci/recipe=h100pool`.
    #[must_use]
    pub fn describe(&self) -> String {
        match self {
            NodeTarget::Node { name } => format!("node {name}"),
            NodeTarget::Selector { label, value } => format!("nodes with {label}={value}"),
        }
    }
}

/// What an update does: the labels it sets on its target.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct NodeUpdate {
    /// The nodes.
    pub target: NodeTarget,
    /// The labels set (a MIG layout included), ordered by key.
    pub labels: BTreeMap<String, String>,
}

/// Checks an `update` recipe's target and changes and returns them; `None` when a part is unusable (reported).
pub fn update(recipe: &Recipe, catalog: &ShapeCatalog, sink: &mut Sink) -> Option<NodeUpdate> {
    if recipe.recipe_mode != Some(RecipeMode::Update) {
        return None;
    }
    let target = match (&recipe.recipe_node_name, &recipe.recipe_node_pool_name) {
        (Some(_), Some(_)) => {
            sink.note(
                Diagnostic::error(
                    root("recipe_node_pool_name"),
                    Code::InvalidValue,
                    "an update changes one node (`recipe_node_name`) or every node of a pool (`recipe_node_pool_name`), not both",
                )
                .with_hint("remove one of the two"),
            );
            None
        }
        (Some(node), None) => match subdomain_problem(node) {
            None => Some(NodeTarget::Node { name: node.clone() }),
            Some(problem) => {
                sink.note(Diagnostic::error(
                    root("recipe_node_name"),
                    Code::InvalidName,
                    format!("`{node}` cannot name a node: {problem}"),
                ).with_hint("OKE names its nodes by their private IP address, such as `10.0.10.138` (see `kubectl get nodes`)"));
                None
            }
        },
        (None, Some(pool)) => {
            let canonical = canonical_name(pool);
            match label_value_problem(&canonical)
                .or_else(|| canonical.is_empty().then(|| "it is empty".to_owned()))
            {
                Some(problem) => {
                    sink.note(Diagnostic::error(
                        root("recipe_node_pool_name"),
                        Code::InvalidName,
                        format!("`{pool}` cannot name a pool: {problem}"),
                    ));
                    None
                }
                None => {
                    if canonical != *pool {
                        sink.note(Diagnostic::note(
                            root("recipe_node_pool_name"),
                            Code::NameCanonicalised,
                            format!("`{pool}` becomes `{canonical}`, the value its pool's nodes carry in `{RECIPE_LABEL}`"),
                        ));
                    }
                    Some(NodeTarget::Selector {
                        label: RECIPE_LABEL.to_owned(),
                        value: canonical,
                    })
                }
            }
        }
        // Reported as missing by the required-fields rule.
        (None, None) => None,
    };
    let mut labels: BTreeMap<String, String> = recipe
        .recipe_node_labels
        .iter()
        .flatten()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let mut usable = true;
    if let Some(config) = &recipe.shared_node_pool_mig_config {
        if mig_layout_known(config, catalog) {
            if labels.contains_key(MIG_CONFIG_LABEL) {
                sink.note(Diagnostic::error(
                    root("recipe_node_labels").key(MIG_CONFIG_LABEL),
                    Code::DuplicateValue,
                    "the MIG layout is set twice: by `shared_node_pool_mig_config` and by this label",
                ));
                usable = false;
            }
            labels.insert(MIG_CONFIG_LABEL.to_owned(), config.clone());
        } else {
            let layouts = mig_layouts(catalog);
            let mut d = Diagnostic::error(
                root("shared_node_pool_mig_config"),
                Code::InvalidMig,
                format!("`{config}` is not a MIG layout of any shape corrino knows"),
            )
            .with_hint("`all-disabled`, `all-balanced` or `all-<profile>`, such as `all-1g.10gb`");
            if let Some(hint) =
                did_you_mean(&suggest(config, layouts.iter().map(String::as_str), 2))
            {
                d = d.with_hint(hint);
            }
            sink.note(d);
            usable = false;
        }
    }
    Some(NodeUpdate {
        target: target?,
        labels: usable.then_some(labels)?,
    })
}

/// Every MIG layout the catalog's shapes offer: `all-disabled`, `all-balanced` and `all-<profile>`.
fn mig_layouts(catalog: &ShapeCatalog) -> Vec<String> {
    let mut layouts = vec!["all-disabled".to_owned(), "all-balanced".to_owned()];
    for shape in catalog.iter() {
        for profile in shape.gpus.iter().flat_map(|g| &g.mig_profiles) {
            let layout = format!("all-{}", profile.name);
            if !layouts.contains(&layout) {
                layouts.push(layout);
            }
        }
    }
    layouts
}

fn mig_layout_known(config: &str, catalog: &ShapeCatalog) -> bool {
    mig_layouts(catalog).iter().any(|l| l == config)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checked(recipe: serde_json::Value) -> (Option<NodeUpdate>, Vec<(String, Code)>) {
        let recipe: Recipe = serde_json::from_value(recipe).expect("a recipe");
        let mut sink = Sink::default();
        let update = super::update(&recipe, &ShapeCatalog::builtin(), &mut sink);
        let found = sink
            .diagnostics
            .iter()
            .map(|d| (d.path.clone(), d.code))
            .collect();
        (update, found)
    }

    #[test]
    fn a_mig_change_on_a_pool_selects_its_nodes_by_the_pool_label() {
        let (update, found) = checked(serde_json::json!({
            "recipe_mode": "update", "deployment_name": "x",
            "recipe_node_pool_name": "H100_mig_pool", "shared_node_pool_mig_config": "all-2g.20gb"
        }));
        let update = update.expect("an update");
        assert_eq!(
            update.target,
            NodeTarget::Selector {
                label: RECIPE_LABEL.into(),
                value: "h100migpool".into()
            }
        );
        assert_eq!(update.labels[MIG_CONFIG_LABEL], "all-2g.20gb");
        assert_eq!(
            found,
            [("/recipe_node_pool_name".into(), Code::NameCanonicalised)]
        );
    }

    #[test]
    fn both_targets_an_unknown_layout_and_a_bad_node_name_are_refused() {
        let (update, found) = checked(serde_json::json!({
            "recipe_mode": "update", "deployment_name": "x", "recipe_node_name": "10.0.10.5",
            "recipe_node_pool_name": "p", "shared_node_pool_mig_config": "all-1g.11gb"
        }));
        assert!(update.is_none());
        assert_eq!(
            found,
            [
                ("/recipe_node_pool_name".into(), Code::InvalidValue),
                ("/shared_node_pool_mig_config".into(), Code::InvalidMig),
            ]
        );
        let (_, found) = checked(serde_json::json!({
            "recipe_mode": "update", "deployment_name": "x", "recipe_node_name": "Node One",
            "recipe_node_labels": {"corrino/rdma": "true"}
        }));
        assert_eq!(found, [("/recipe_node_name".into(), Code::InvalidName)]);
    }
}
