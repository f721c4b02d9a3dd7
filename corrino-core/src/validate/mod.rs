//! The rules a recipe must follow beyond its structure: required fields per mode, names, shapes and GPUs,
//! storage, ports, probes, images, environment, placement, teams and node updates.
//!
//! Each rule reads the typed [`Recipe`](crate::Recipe) and reports into the [`Sink`]; none stops the others. Autoscaling rules
//! live in [`crate::autoscaling`] and capacity in [`crate::capacity`]; [`mod@crate::plan`] runs them all.

mod container;
mod gpus;
mod labels;
mod name;
mod placement;
mod ports;
mod required;
mod storage;
pub mod team;
pub mod update;

pub use container::{environment, image};
pub use gpus::{gpus, mig_config, shape};
pub use labels::labels;
pub use name::deployment_name;
pub use placement::{Multinode, placement};
pub use ports::ports_and_probes;
pub use required::required_fields;
pub use storage::storage;
pub use team::{ResourceQuota, ShapeQuota, TeamSpec, job_team, team};
pub use update::{NodeTarget, NodeUpdate, update};

use crate::diagnostic::{Code, Diagnostic, Pointer};
use crate::recipe::convert::Sink;

fn root(key: &str) -> Pointer {
    Pointer::root().key(key)
}

/// Reports `key` missing unless it is present, or present but already reported as unusable.
fn require(present: bool, key: &str, why: &str, sink: &mut Sink) {
    if !present && !sink.was_invalid(&root(key)) {
        sink.note(Diagnostic::error(
            root(key),
            Code::MissingField,
            format!("`{key}` is required {why}"),
        ));
    }
}
