//! corrino-core turns an OCI AI Blueprints inference recipe into everything that makes it run and autoscale.
//!
//! The pipeline is a chain of pure functions: bytes are read into a bounded tree ([`document`]), converted into a
//! typed [`Recipe`] while every structural problem is collected ([`recipe`]), and planned ([`mod@plan`]): every
//! rule runs ([`validate`], [`group`], [`autoscaling`], [`capacity`]) and the result is a [`Planning`]: every
//! diagnostic, a [`Preview`] of what the recipe resolves to, and, when there is no error, the checked [`Plan`] that
//! rendering ([`manifest`]) and simulation ([`sim`]) take.
//!
//! ```
//! use corrino_core::{Plan, PlanOptions, plan_bytes};
//!
//! let recipe = br#"{
//!     "recipe_mode": "service", "deployment_name": "demo",
//!     "recipe_image_uri": "docker.io/vllm/vllm-openai:v0.9.1",
//!     "recipe_node_shape": "VM.GPU.A10.2", "recipe_nvidia_gpu_count": 3
//! }"#;
//! let planning = plan_bytes(recipe, &PlanOptions::default());
//! assert!(planning.preview.is_some());
//! assert!(planning.plan.is_none(), "a recipe with errors has no checked plan");
//! assert!(planning.diagnostics.iter().any(|d| d.code.as_str() == "too-many-gpus"));
//! ```
//!
//! corrino-core does no I/O and reads no clock: the same input always gives the same output.

#![deny(missing_docs)]

pub mod apply;
pub mod autoscaling;
pub mod capacity;
pub mod deployed;
pub mod diagnostic;
pub mod document;
pub mod group;
pub mod input;
pub mod manifest;
pub mod model;
pub mod names;
pub mod plan;
pub mod promql;
pub mod quantity;
pub mod recipe;
#[cfg(feature = "schema")]
pub mod schema;
pub mod shape;
pub mod sim;
pub mod target;
pub mod tune;
pub mod validate;
pub mod vllm;
pub mod yaml;

pub use capacity::Capacity;
pub use diagnostic::{Code, Diagnostic, Diagnostics, Severity};
pub use document::Format;
pub use plan::{
    Plan, PlanOptions, Planning, Preview, plan_bytes, plan_json, plan_recipe, validate_bytes,
};
pub use recipe::{CanonicalName, Recipe, RecipeMode};
pub use shape::{Shape, ShapeCatalog};
pub use target::{KedaVersion, KubernetesVersion, Target};
