//! Python bindings of corrino-core. They convert values and forward calls; every rule lives in corrino-core.
//!
//! The pyo3 module is not built yet: this crate only reserves its place in the workspace.

pub use corrino_core::{Diagnostic, Diagnostics, Plan};
