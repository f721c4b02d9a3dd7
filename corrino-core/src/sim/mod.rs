//! The autoscaling simulator: KEDA, the HPA, the Cluster Autoscaler, pods and vLLM replicas under a load, stepped
//! together so that a recipe's scaling can be judged before it is deployed.
//!
//! The decision functions ([`hpa`], [`keda`] with [`modifiers`], [`cluster_autoscaler`]) mirror upstream so that each
//! step can be checked against upstream's own definition and tests, for the releases in [`versions`]; the rest
//! ([`pods`], [`serving`], [`metrics`], [`load`]) models what they act on. [`simulate`] runs a [`Scenario`] against a [`Plan`](crate::Plan) and returns a
//! [`Simulation`]: a timeline, the HPA's reasons, events and a summary; [`chart::svg`] draws it.
//!
//! Everything here is pure: histories with timestamps in seconds, an explicit `now`, seeded randomness, no clock
//! and no I/O, so the same input always gives the same output.

pub mod calibration;
pub mod chart;
pub mod cluster_autoscaler;
mod digest;
mod error;
pub mod hpa;
pub mod keda;
pub mod load;
pub mod metrics;
pub mod modifiers;
pub mod pods;
pub mod scenario;
pub mod serving;
pub mod settings;
pub mod simulation;
pub mod timeline;
pub mod versions;

pub use chart::svg;
pub use error::{Number, Range, ScenarioError, SimError, Unit};
pub use load::{Load, MetricTrace, RateProfile, RequestShape};
pub use scenario::Scenario;
pub use serving::ServingModel;
pub use settings::Settings;
pub use simulation::{
    Controller, Decision, Event, EventKind, FLAPPING_WINDOW_SECONDS, Sample, Simulation, Summary,
    samples_csv,
};
pub use timeline::simulate;
pub use versions::{
    FeatureGate, FeatureGates, KedaVersion, KubernetesVersion, tolerance_takes_effect,
};

use crate::diagnostic::Diagnostics;
use crate::plan::{PlanOptions, Planning, plan_bytes, plan_json};

/// Why [`simulate_bytes`] gave no simulation.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum SimulateError {
    /// The recipe has errors: every diagnostic, warnings and notes included.
    #[error("the recipe has errors")]
    Recipe(Diagnostics),
    /// The recipe is fine, but the simulation cannot run.
    #[error(transparent)]
    Simulation(#[from] SimError),
}

/// A simulation, and the recipe's warnings and notes.
#[derive(Clone, Debug, PartialEq)]
pub struct Simulated {
    /// The simulation.
    pub simulation: Simulation,
    /// The recipe's warnings and notes.
    pub diagnostics: Diagnostics,
}

/// Reads, plans and simulates recipe bytes: what every face does, written once.
///
/// # Errors
/// [`SimulateError::Recipe`] with every diagnostic when the recipe has errors; [`SimulateError::Simulation`] when
/// the simulation cannot run.
pub fn simulate_bytes(
    input: &[u8],
    plan_options: &PlanOptions,
    scenario: &Scenario,
) -> Result<Simulated, SimulateError> {
    simulated(plan_bytes(input, plan_options), scenario)
}

/// [`simulate_bytes`] of a tree (see [`plan_tree`](crate::plan::plan_tree)).
///
/// # Errors
/// As [`simulate_bytes`].
pub fn simulate_tree(
    tree: (Option<crate::document::Node<'_>>, Diagnostics),
    plan_options: &PlanOptions,
    scenario: &Scenario,
) -> Result<Simulated, SimulateError> {
    simulated(crate::plan::plan_tree(tree, plan_options), scenario)
}

/// [`simulate_bytes`] for a recipe already held as JSON.
///
/// # Errors
/// As [`simulate_bytes`].
pub fn simulate_json(
    value: &serde_json::Value,
    plan_options: &PlanOptions,
    scenario: &Scenario,
) -> Result<Simulated, SimulateError> {
    simulated(plan_json(value, plan_options), scenario)
}

fn simulated(planning: Planning, scenario: &Scenario) -> Result<Simulated, SimulateError> {
    let (plan, diagnostics) = planning.into_plan().map_err(SimulateError::Recipe)?;
    Ok(Simulated {
        simulation: simulate(&plan, scenario)?,
        diagnostics,
    })
}
