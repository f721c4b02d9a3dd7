//! Teams: the shapes of their quotas.

use super::root;
use crate::diagnostic::{Code, Diagnostic};
use crate::recipe::Recipe;
use crate::recipe::convert::Sink;
use crate::shape::ShapeCatalog;

/// Checks a team definition's quota shapes.
pub fn team(recipe: &Recipe, catalog: &ShapeCatalog, sink: &mut Sink) {
    let Some(team) = &recipe.team else { return };
    for (i, quota) in team.quotas.iter().flatten().enumerate() {
        if let Some(name) = &quota.shape_name
            && let Err(unknown) = catalog.lookup(name)
        {
            let mut d = Diagnostic::warning(
                root("team").key("quotas").index(i).key("shape_name"),
                Code::UnknownShape,
                format!("`{name}` is not an OCI shape that corrino knows"),
            );
            if let Some(hint) = unknown.hint() {
                d = d.with_hint(hint);
            }
            sink.note(d);
        }
    }
}
