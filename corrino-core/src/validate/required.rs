//! The fields each recipe mode needs.

use super::{require, root};
use crate::diagnostic::{Code, Diagnostic};
use crate::recipe::convert::Sink;
use crate::recipe::{Recipe, RecipeMode};

/// Checks the fields each mode needs.
pub fn required_fields(recipe: &Recipe, sink: &mut Sink) {
    require(
        recipe.deployment_name.is_some(),
        "deployment_name",
        "in every recipe",
        sink,
    );
    let Some(mode) = recipe.recipe_mode else {
        if !sink.was_invalid(&root("recipe_mode")) {
            sink.note(
                Diagnostic::error(
                    root("recipe_mode"),
                    Code::MissingField,
                    "`recipe_mode` is required in every recipe",
                )
                .with_hint("one of `service`, `job`, `update`, `shared_node_pool`, `team`"),
            );
        }
        return;
    };
    let r = recipe;
    match mode {
        RecipeMode::Service | RecipeMode::Job => {
            let why = format!("for a `{}` recipe", mode.as_str());
            require(r.recipe_image_uri.is_some(), "recipe_image_uri", &why, sink);
            require(
                r.recipe_node_shape.is_some(),
                "recipe_node_shape",
                &why,
                sink,
            );
            require(
                r.recipe_ephemeral_storage_size.is_some(),
                "recipe_ephemeral_storage_size",
                &why,
                sink,
            );
            if mode == RecipeMode::Service {
                require(
                    r.recipe_container_port.is_some(),
                    "recipe_container_port",
                    "for a `service` recipe (the ingress points at it)",
                    sink,
                );
            }
            if !r.uses_shared_pool() {
                let why = "when the recipe creates its own node pool";
                require(
                    r.recipe_node_pool_size.is_some(),
                    "recipe_node_pool_size",
                    why,
                    sink,
                );
                require(
                    r.recipe_node_boot_volume_size_in_gbs.is_some(),
                    "recipe_node_boot_volume_size_in_gbs",
                    why,
                    sink,
                );
            }
        }
        RecipeMode::SharedNodePool => {
            let why = "for a `shared_node_pool` recipe";
            require(
                r.shared_node_pool_size.is_some(),
                "shared_node_pool_size",
                why,
                sink,
            );
            require(
                r.shared_node_pool_shape.is_some(),
                "shared_node_pool_shape",
                why,
                sink,
            );
            require(
                r.shared_node_pool_boot_volume_size_in_gbs.is_some(),
                "shared_node_pool_boot_volume_size_in_gbs",
                why,
                sink,
            );
        }
        RecipeMode::Update => {
            if r.recipe_node_name.is_none() && r.recipe_node_pool_name.is_none() {
                sink.note(Diagnostic::error(
                    root("recipe_node_name"),
                    Code::MissingField,
                    "an `update` recipe needs `recipe_node_name` (a node's private IP) or `recipe_node_pool_name`",
                ));
            }
            if r.recipe_node_labels.is_none() && r.shared_node_pool_mig_config.is_none() {
                sink.note(Diagnostic::error(
                    root("recipe_node_labels"),
                    Code::MissingField,
                    "an `update` recipe changes `recipe_node_labels` or `shared_node_pool_mig_config`; it has neither",
                ));
            }
        }
        RecipeMode::Team => require(r.team.is_some(), "team", "for a `team` recipe", sink),
    }
}
