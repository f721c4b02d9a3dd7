//! The autoscaling simulator: KEDA, the HPA, the Cluster Autoscaler, pods and vLLM replicas under a load, stepped
//! together so that a recipe's scaling can be judged before it is deployed.
//!
//! The decision functions ([`hpa`], [`keda`] with [`modifiers`], [`cluster_autoscaler`]) mirror upstream so that each
//! step can be checked against upstream's own definition and tests, for the releases in [`versions`]; the rest
//! ([`pods`], [`serving`], [`metrics`], [`load`]) models what they act on. [`simulate_deployed`] runs a [`Scenario`]
//! against what is deployed ([`crate::deployed::Deployed`], read from Kubernetes objects) and returns a
//! [`Simulation`]: a timeline, the HPA's reasons, events and a summary; [`chart::svg`] draws it. [`simulate`] does
//! the same for a [`Plan`](crate::Plan), by rendering it and reading the objects back, and [`compare()`] sets two
//! simulations side by side.
//!
//! Everything here is pure: histories with timestamps in seconds, an explicit `now`, seeded randomness, no clock
//! and no I/O, so the same input always gives the same output.

pub mod calibration;
pub mod chart;
pub mod cluster_autoscaler;
pub mod compare;
mod digest;
mod error;
pub mod go;
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

pub use chart::{compare_svg, svg};
pub use compare::{Comparison, Figure, compare};
pub use error::{Number, Range, ScenarioError, SimError, Unit};
pub use load::{Load, MetricTrace, RateProfile, RequestShape};
pub use scenario::Scenario;
pub use serving::ServingModel;
pub use settings::Settings;
pub use simulation::{
    Controller, Decision, Event, EventKind, FLAPPING_WINDOW_SECONDS, MAX_RECORDS, Sample,
    Simulation, Summary, samples_csv,
};
pub use timeline::{render_for_simulation, simulate, simulate_deployed};
pub use versions::{
    FeatureGate, FeatureGates, KedaVersion, KubernetesVersion, tolerance_takes_effect,
};

use crate::deployed::{self, Autoscaler, Deployed, InputKind};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::document;
use crate::plan::{PlanOptions, Planning, plan_bytes, plan_json};

/// Why [`simulate_bytes`] gave no simulation.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum SimulateError {
    /// The input has errors (a recipe's, or Kubernetes objects' with paths into them): every diagnostic, warnings
    /// and notes included.
    #[error("the input has errors")]
    Recipe(Diagnostics),
    /// The input is fine, but the simulation cannot run.
    #[error(transparent)]
    Simulation(#[from] SimError),
}

/// A simulation, and the input's warnings and notes.
#[derive(Clone, Debug, PartialEq)]
pub struct Simulated {
    /// The simulation.
    pub simulation: Simulation,
    /// The input's warnings and notes (for Kubernetes input, what it was read as when that was not plain).
    pub diagnostics: Diagnostics,
}

/// Reads and simulates an input, what every face does, written once: a recipe (planned, rendered and read back) or
/// Kubernetes YAML (a file of objects, a multi-document stream, a `kubectl get -o yaml` `List`, with the OCI
/// documents beside them), told apart by [`deployed::detect`].
///
/// # Errors
/// [`SimulateError::Recipe`] with every diagnostic when the input has errors (a trigger that needs a metric trace
/// the scenario does not replay is one, `metric-trace-needed`, with the trigger's path); [`SimulateError::Simulation`]
/// when the simulation cannot run.
pub fn simulate_bytes(
    input: &[u8],
    plan_options: &PlanOptions,
    scenario: &Scenario,
) -> Result<Simulated, SimulateError> {
    match read_input(input) {
        Input::Recipe(note) => {
            let mut result = simulated(plan_bytes(input, plan_options), scenario);
            if let Some(note) = note {
                match &mut result {
                    Ok(simulated) => simulated.diagnostics.push(note),
                    Err(SimulateError::Recipe(diagnostics)) => diagnostics.push(note),
                    Err(SimulateError::Simulation(_)) => {}
                }
            }
            result
        }
        Input::Kubernetes(diagnostics) => {
            simulate_kubernetes(input, plan_options, scenario, diagnostics)
        }
        Input::Unreadable(diagnostics) => Err(SimulateError::Recipe(diagnostics)),
    }
}

/// What an input was read as.
enum Input {
    Recipe(Option<Diagnostic>),
    Kubernetes(Diagnostics),
    Unreadable(Diagnostics),
}

/// Tells a recipe from Kubernetes objects. An input that cannot be read is left to the recipe reader (whose messages
/// speak of a recipe), unless it is a stream of several documents.
fn read_input(input: &[u8]) -> Input {
    let (documents, diagnostics) = document::read_stream(input);
    match documents {
        Some(documents) => match deployed::detect(&documents) {
            (InputKind::Recipe, note) => Input::Recipe(note),
            (InputKind::Kubernetes, note) => {
                let mut diagnostics = Diagnostics::new();
                diagnostics.extend(note);
                Input::Kubernetes(diagnostics)
            }
        },
        None if std::str::from_utf8(input)
            .is_ok_and(|text| text.trim_start().starts_with("---") || text.contains("\n---")) =>
        {
            Input::Unreadable(diagnostics)
        }
        None => Input::Recipe(None),
    }
}

/// Reads Kubernetes objects and simulates them; a trigger that needs a metric trace is a diagnostic at its path.
fn simulate_kubernetes(
    input: &[u8],
    plan_options: &PlanOptions,
    scenario: &Scenario,
    mut diagnostics: Diagnostics,
) -> Result<Simulated, SimulateError> {
    let (deployed, read) = deployed::read(input, plan_options);
    diagnostics.extend(read);
    let Some(deployed) = deployed else {
        return Err(SimulateError::Recipe(diagnostics));
    };
    match simulate_deployed(&deployed, scenario) {
        Ok(simulation) => Ok(Simulated {
            simulation,
            diagnostics,
        }),
        Err(error) => match trace_needed(&deployed, &error) {
            Some(diagnostic) => {
                diagnostics.push(diagnostic);
                Err(SimulateError::Recipe(diagnostics))
            }
            None => Err(SimulateError::Simulation(error)),
        },
    }
}

/// A refusal that a metric trace would lift, as a `metric-trace-needed` diagnostic at the trigger or metric.
fn trace_needed(deployed: &Deployed, error: &SimError) -> Option<Diagnostic> {
    let (at, message, hint) = match error {
        SimError::MetricTraceNeeded { at, .. } => (
            at.clone(),
            error.to_string(),
            "record the metric as the HPA reads it (`kubectl get --raw /apis/external.metrics.k8s.io/v1beta1/namespaces/<namespace>/<metric>` over time, or the scaler's own source) as a `t,value` CSV, then `--metric-trace trace.csv`",
        ),
        SimError::UnsupportedQuery { reason, .. } => {
            let Autoscaler::Keda(keda) = &deployed.autoscaler else {
                return None;
            };
            (
                format!("{}/metadata/query", keda.trigger.at),
                format!(
                    "the trigger's query cannot be evaluated by the simulator ({reason}): replay its recorded values with a metric trace"
                ),
                "record the value: `curl -G <prometheus>/api/v1/query_range --data-urlencode query=<the query> -d start=… -d end=… -d step=15s > trace.json`, then `--metric-trace trace.json` (or a `t,value` CSV)",
            )
        }
        _ => return None,
    };
    Some(Diagnostic::error(at, Code::MetricTraceNeeded, message).with_hint(hint))
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

/// Which of two compared inputs could not be simulated.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum CompareError {
    /// The first.
    #[error("the first input: {0}")]
    First(SimulateError),
    /// The second.
    #[error("the second input: {0}")]
    Second(SimulateError),
}

/// Two inputs simulated on the same scenario, and their comparison.
#[derive(Clone, Debug, PartialEq)]
pub struct Compared {
    /// The first input's simulation.
    pub first: Simulated,
    /// The second input's simulation.
    pub second: Simulated,
    /// The figures side by side.
    pub comparison: Comparison,
}

/// Simulates two inputs (each a recipe or Kubernetes YAML) under the same scenario and compares them; `names` label
/// them in the comparison and the chart.
///
/// # Errors
/// The input that could not be simulated, and why.
pub fn compare_bytes(
    first: &[u8],
    second: &[u8],
    names: (&str, &str),
    plan_options: &PlanOptions,
    scenario: &Scenario,
) -> Result<Compared, CompareError> {
    let first = simulate_bytes(first, plan_options, scenario).map_err(CompareError::First)?;
    let second = simulate_bytes(second, plan_options, scenario).map_err(CompareError::Second)?;
    let comparison = compare(&first.simulation, &second.simulation, names);
    Ok(Compared {
        first,
        second,
        comparison,
    })
}
