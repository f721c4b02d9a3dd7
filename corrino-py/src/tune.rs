//! `corrino.tune`: corrino-core's search of a recipe's autoscaling settings, on one thread with the interpreter
//! released.

use corrino_core::PlanOptions;
use corrino_core::sim::Scenario;
use corrino_core::tune::{SearchSpace, Slo, TuneError};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::convert;

/// The recipe's autoscaling settings searched with the simulator for a latency objective (`"p95<5s"`): a dict with
/// the recipe's own outcome, the chosen settings and why, the Pareto front, and `records` (a list of flat dicts a
/// DataFrame takes). `space` is a mapping or its JSON text (see `corrino_core::tune::SearchSpace`). `ValueError`
/// for an objective or space out of bounds, `RecipeError` for a recipe with errors, `SimulationError` when the
/// scenario cannot run or the recipe has no pod autoscaling.
#[pyfunction]
#[pyo3(signature = (recipe, /, slo = "p95<5s", scenario = None, space = None, *, keda = None, kubernetes = None))]
pub fn tune<'py>(
    py: Python<'py>,
    recipe: &Bound<'py, PyAny>,
    slo: &str,
    scenario: Option<&Bound<'py, PyAny>>,
    space: Option<&Bound<'py, PyAny>>,
    keda: Option<&Bound<'py, PyAny>>,
    kubernetes: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let held = crate::tree::Held::new();
    let input = convert::recipe(recipe, &held)?;
    let plan_options = PlanOptions {
        target: convert::target(keda, kubernetes)?,
        ..PlanOptions::default()
    };
    let slo = Slo::parse(slo).map_err(|e| PyValueError::new_err(e.to_string()))?;
    let scenario = match scenario {
        Some(scenario) => convert::scenario(scenario)?,
        None => Scenario::default(),
    };
    let space: SearchSpace = match space {
        Some(space) => {
            let text = match space.extract::<String>() {
                Ok(text) => text.into_bytes(),
                Err(_) => crate::json::to_json(space)?,
            };
            serde_json::from_slice(&text)
                .map_err(|e| PyValueError::new_err(format!("bad search space: {e}")))?
        }
        None => SearchSpace::default(),
    };
    let planning = py.detach(|| input.plan(&plan_options));
    let (plan, _) = planning.into_plan().map_err(|diagnostics| {
        convert::recipe_error(py, "the recipe cannot be tuned", diagnostics)
    })?;
    match py.detach(|| corrino_core::tune::tune(&plan, &scenario, &slo, &space)) {
        Ok(result) => convert::to_py(py, &result),
        Err(error @ (TuneError::BadObjective(_) | TuneError::BadSpace(_))) => {
            Err(PyValueError::new_err(error.to_string()))
        }
        Err(TuneError::Simulation(corrino_core::sim::SimError::BadScenario(details))) => Err(
            convert::simulation_error(py, &details.to_string(), Some(&details)),
        ),
        Err(error) => Err(convert::simulation_error(py, &error.to_string(), None)),
    }
}
