//! The deployment name and its canonical form.

use super::root;
use crate::diagnostic::{Code, Diagnostic};
use crate::names::label_value_problem;
use crate::recipe::convert::Sink;
use crate::recipe::name::CanonicalName;
use crate::recipe::{Recipe, RecipeMode};

/// Canonicalises `deployment_name`: an error when the canonical form is unusable, a note when it differs.
///
/// Services and jobs become Kubernetes objects named after the deployment, so their canonical name must be a
/// DNS-1123 label; pools, teams and updates only carry it as a label value, which also allows `.` and `_`.
pub fn deployment_name(recipe: &Recipe, sink: &mut Sink) -> Option<CanonicalName> {
    let raw = recipe.deployment_name.as_deref()?;
    let at = root("deployment_name");
    let named_objects = matches!(
        recipe.recipe_mode,
        Some(RecipeMode::Service | RecipeMode::Job) | None
    );
    if !named_objects {
        let canonical = crate::recipe::canonical_name(raw);
        if let Some(problem) = label_value_problem(&canonical)
            .or_else(|| canonical.is_empty().then(|| "it is empty".to_owned()))
        {
            sink.note(Diagnostic::error(
                &at,
                Code::InvalidName,
                format!("`{raw}` canonicalises to `{canonical}`, which is not a valid label value: {problem}"),
            ));
        } else if canonical != raw {
            sink.note(Diagnostic::note(
                &at,
                Code::NameCanonicalised,
                format!("`{raw}` becomes `{canonical}` where it is used as a label"),
            ));
        }
        return None;
    }
    match CanonicalName::new(raw) {
        Ok(name) => {
            if name.as_str() != raw {
                let what = if recipe.recipe_mode == Some(RecipeMode::Service) {
                    format!(
                        "in Kubernetes names, the Service `{}` and the public host",
                        name.service_name()
                    )
                } else {
                    "in Kubernetes names".to_owned()
                };
                sink.note(Diagnostic::note(
                    &at,
                    Code::NameCanonicalised,
                    format!("`{raw}` becomes `{name}` {what}"),
                ));
            }
            Some(name)
        }
        Err(e) => {
            sink.note(
                Diagnostic::error(
                    &at,
                    Code::InvalidName,
                    format!(
                        "`{raw}` canonicalises to `{}`, which is not a valid DNS-1123 label: {}",
                        e.canonical, e.reason
                    ),
                )
                .with_hint("use lower-case letters, digits and `-`, starting and ending with a letter or digit, at most 56 characters"),
            );
            None
        }
    }
}
