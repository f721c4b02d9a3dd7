//! Node labels and shared pool selectors, which become Kubernetes labels.

use super::root;
use crate::diagnostic::{Code, Diagnostic};
use crate::names::{label_key_problem, label_value_problem};
use crate::recipe::Recipe;
use crate::recipe::convert::Sink;

/// Checks node labels against Kubernetes' label syntax.
pub fn labels(recipe: &Recipe, sink: &mut Sink) {
    let at = root("recipe_node_labels");
    for (key, value) in recipe.recipe_node_labels.iter().flatten() {
        if let Some(problem) = label_key_problem(key) {
            sink.note(Diagnostic::error(
                at.key(key),
                Code::InvalidLabel,
                format!("`{key}` is not a valid label key: {problem}"),
            ));
        }
        if let Some(problem) = label_value_problem(value) {
            sink.note(Diagnostic::error(
                at.key(key),
                Code::InvalidLabel,
                format!("`{value}` is not a valid label value: {problem}"),
            ));
        }
    }
    // Both become the value of the `corrino` node label: the pool's nodes carry it, the service's pods select it.
    for (key, selector) in [
        (
            "recipe_shared_node_pool_selector",
            &recipe.recipe_shared_node_pool_selector,
        ),
        (
            "shared_node_pool_selector",
            &recipe.shared_node_pool_selector,
        ),
    ] {
        if let Some(problem) = selector.as_deref().and_then(label_value_problem) {
            sink.note(Diagnostic::error(
                root(key),
                Code::InvalidLabel,
                format!("the selector is the value of a node label, and this one is not valid: {problem}"),
            ));
        }
    }
    for (i, kv) in recipe
        .shared_node_pool_custom_node_selectors
        .iter()
        .flatten()
        .enumerate()
    {
        let item = root("shared_node_pool_custom_node_selectors").index(i);
        if let Some(problem) = kv.key.as_deref().and_then(label_key_problem) {
            sink.note(Diagnostic::error(
                item.key("key"),
                Code::InvalidLabel,
                format!("not a valid label key: {problem}"),
            ));
        }
        if let Some(problem) = kv.value.as_deref().and_then(label_value_problem) {
            sink.note(Diagnostic::error(
                item.key("value"),
                Code::InvalidLabel,
                format!("not a valid label value: {problem}"),
            ));
        }
    }
}
