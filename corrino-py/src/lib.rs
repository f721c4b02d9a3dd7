//! Python bindings of corrino-core: the extension module `corrino._corrino`, which the `corrino` package
//! re-exports.
//!
//! Every function converts its arguments, calls corrino-core and converts the result; the rules live in corrino-core.
//! Problems of a recipe are data (`Diagnostic` objects); `RecipeError` is raised only when the asked-for result
//! cannot exist (rendering or simulating a recipe with errors, planning something that is not a recipe), and
//! `SimulationError` when a simulation cannot run. The core runs with the interpreter released, so other Python
//! threads go on meanwhile.

mod convert;
mod html;
mod json;
mod tree;
mod tune;
mod types;

use std::borrow::Cow;
use std::sync::OnceLock;

use corrino_core::manifest::{self, Manifest};
use corrino_core::promql;
use corrino_core::sim::{self, Scenario};
use corrino_core::{PlanOptions, ShapeCatalog, Target};
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use types::{Diagnostic, Plan, Simulation};

/// The plan options: the built-in shape catalog (built once), the scrape interval and the target.
fn plan_options(scrape_interval_seconds: Option<u32>, target: Target) -> Cow<'static, PlanOptions> {
    static DEFAULT: OnceLock<PlanOptions> = OnceLock::new();
    let default = DEFAULT.get_or_init(PlanOptions::default);
    if scrape_interval_seconds.is_none() && target == default.target {
        return Cow::Borrowed(default);
    }
    Cow::Owned(PlanOptions {
        scrape_interval_seconds: scrape_interval_seconds.unwrap_or(default.scrape_interval_seconds),
        target,
        ..default.clone()
    })
}

/// Every problem of a recipe: reading, structure and rules, in a deterministic order.
#[pyfunction]
#[pyo3(signature = (recipe, /, *, scrape_interval_seconds = None, keda = None, kubernetes = None))]
fn validate<'py>(
    py: Python<'py>,
    recipe: &Bound<'py, PyAny>,
    scrape_interval_seconds: Option<u32>,
    keda: Option<&Bound<'py, PyAny>>,
    kubernetes: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let held = tree::Held::new();
    let input = convert::recipe(recipe, &held)?;
    let options = plan_options(scrape_interval_seconds, convert::target(keda, kubernetes)?);
    let diagnostics = py.detach(|| input.validate(&options));
    convert::diagnostics(py, diagnostics)
}

/// The recipe resolved: capacity, autoscaling values with their sources, and every problem found. A recipe with
/// errors still has a plan; `RecipeError` only when the input is not a recipe at all.
#[pyfunction]
#[pyo3(signature = (recipe, /, *, scrape_interval_seconds = None, keda = None, kubernetes = None))]
fn plan(
    py: Python<'_>,
    recipe: &Bound<'_, PyAny>,
    scrape_interval_seconds: Option<u32>,
    keda: Option<&Bound<'_, PyAny>>,
    kubernetes: Option<&Bound<'_, PyAny>>,
) -> PyResult<Plan> {
    let held = tree::Held::new();
    let input = convert::recipe(recipe, &held)?;
    let options = plan_options(scrape_interval_seconds, convert::target(keda, kubernetes)?);
    let planning = py.detach(|| input.plan(&options));
    match planning.preview {
        Some(preview) => Ok(Plan(preview)),
        None => Err(convert::recipe_error(
            py,
            "the input is not a recipe",
            planning.diagnostics,
        )),
    }
}

/// The recipe's autoscaling simulated under a scenario (by default the autoscaling guide's llmperf run for an hour),
/// with the KEDA and HPA of its target (`keda`, `kubernetes`). The input may also be Kubernetes YAML (a ScaledObject or HPA with the workload it scales), its text, a path, or
/// a list of objects as dicts (as `render` returns them). `RecipeError` when the input has errors, as `corrino
/// simulate` refuses it; `SimulationError` when the scenario does not read or the input has nothing to simulate.
#[pyfunction]
#[pyo3(signature = (recipe, /, scenario = None, *, scrape_interval_seconds = None, keda = None, kubernetes = None))]
fn simulate(
    py: Python<'_>,
    recipe: &Bound<'_, PyAny>,
    scenario: Option<&Bound<'_, PyAny>>,
    scrape_interval_seconds: Option<u32>,
    keda: Option<&Bound<'_, PyAny>>,
    kubernetes: Option<&Bound<'_, PyAny>>,
) -> PyResult<Simulation> {
    let bytes = convert::simulation_bytes(recipe)?;
    let target = convert::target(keda, kubernetes)?;
    let scenario = match scenario {
        Some(scenario) => convert::scenario(scenario)?,
        None => Scenario::default(),
    };
    let options = plan_options(scrape_interval_seconds, target);
    match py.detach(|| sim::simulate_bytes(&bytes, &options, &scenario)) {
        Ok(simulated) => Ok(Simulation(simulated.simulation)),
        Err(sim::SimulateError::Simulation(error)) => {
            let details = match &error {
                sim::SimError::BadScenario(details) => Some(details),
                _ => None,
            };
            Err(convert::simulation_error(py, &error.to_string(), details))
        }
        Err(sim::SimulateError::Recipe(diagnostics)) => Err(convert::recipe_error(
            py,
            "the recipe cannot be simulated",
            diagnostics,
        )),
    }
}

/// Two inputs (recipes or Kubernetes YAML, as `simulate` takes them) simulated on the same scenario and compared: a
/// list of flat records, one per figure (`figure`, `label`, `unit`, `first`, `second`, `difference`), which a
/// DataFrame takes as it is. `names` label the two in the figures' table and chart. `RecipeError` or
/// `SimulationError` as `simulate` raises them, for whichever input cannot be simulated.
#[pyfunction]
#[pyo3(signature = (first, second, /, scenario = None, *, names = None, scrape_interval_seconds = None, keda = None, kubernetes = None))]
#[allow(clippy::too_many_arguments)] // Python keywords, each a parameter as pyo3 reads them.
fn compare<'py>(
    py: Python<'py>,
    first: &Bound<'py, PyAny>,
    second: &Bound<'py, PyAny>,
    scenario: Option<&Bound<'py, PyAny>>,
    names: Option<(String, String)>,
    scrape_interval_seconds: Option<u32>,
    keda: Option<&Bound<'py, PyAny>>,
    kubernetes: Option<&Bound<'py, PyAny>>,
) -> PyResult<Vec<Bound<'py, PyAny>>> {
    let inputs = (
        convert::simulation_bytes(first)?,
        convert::simulation_bytes(second)?,
    );
    let target = convert::target(keda, kubernetes)?;
    let scenario = match scenario {
        Some(scenario) => convert::scenario(scenario)?,
        None => Scenario::default(),
    };
    let names = names.unwrap_or_else(|| ("first".to_owned(), "second".to_owned()));
    let options = plan_options(scrape_interval_seconds, target);
    let compared = py.detach(|| {
        sim::compare_bytes(
            &inputs.0,
            &inputs.1,
            (&names.0, &names.1),
            &options,
            &scenario,
        )
    });
    match compared {
        Ok(compared) => compared
            .comparison
            .figures
            .iter()
            .map(|figure| convert::to_py(py, figure))
            .collect(),
        Err(sim::CompareError::First(error)) => Err(simulate_error(py, &names.0, error)),
        Err(sim::CompareError::Second(error)) => Err(simulate_error(py, &names.1, error)),
    }
}

/// A refusal of `simulate_bytes` as Python raises it.
fn simulate_error(py: Python<'_>, name: &str, error: sim::SimulateError) -> PyErr {
    match error {
        sim::SimulateError::Simulation(error) => {
            let details = match &error {
                sim::SimError::BadScenario(details) => Some(details),
                _ => None,
            };
            convert::simulation_error(py, &format!("{name}: {error}"), details)
        }
        sim::SimulateError::Recipe(diagnostics) => {
            convert::recipe_error(py, &format!("{name} cannot be simulated"), diagnostics)
        }
    }
}

/// Reads, plans and renders; `RecipeError` when the recipe has errors or cannot be rendered as asked.
fn rendered(
    py: Python<'_>,
    recipe: &Bound<'_, PyAny>,
    scrape_interval_seconds: Option<u32>,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<Vec<Manifest>> {
    let held = tree::Held::new();
    let input = convert::recipe(recipe, &held)?;
    let options = convert::render_options(options)?;
    // The recipe is planned for the render options' target (rendering sees to it).
    let plan_options = plan_options(scrape_interval_seconds, options.target());
    py.detach(|| input.render(&plan_options, &options))
        .map(|rendered| rendered.manifests)
        .map_err(|diagnostics| {
            convert::recipe_error(py, "the recipe cannot be rendered", diagnostics)
        })
}

/// Defines a function that takes a recipe and the render options as keyword arguments (the fields of the core's
/// `RenderOptions`, read into it with serde), and turns the rendered manifests into its result. The three render
/// functions share one signature this way.
macro_rules! render_function {
    ($(#[doc = $doc:literal])* fn $name:ident($py:ident, $manifests:ident) -> $ret:ty $body:block) => {
        $(#[doc = $doc])*
        #[pyfunction]
        #[pyo3(
            signature = (recipe, /, *, scrape_interval_seconds = None, **options),
            text_signature = "(recipe, /, *, scrape_interval_seconds=None, **options)"
        )]
        fn $name<'py>(
            $py: Python<'py>,
            recipe: &Bound<'py, PyAny>,
            scrape_interval_seconds: Option<u32>,
            options: Option<&Bound<'py, PyDict>>,
        ) -> PyResult<$ret> {
            let $manifests = rendered($py, recipe, scrape_interval_seconds, options)?;
            $body
        }
    };
}

render_function! {
    /// The Kubernetes objects of a recipe, in apply order, as dicts.
    fn render(py, manifests) -> Vec<Bound<'py, PyAny>> {
        manifests
            .iter()
            .filter(|m| m.is_kubernetes())
            .map(|m| convert::to_py(py, m))
            .collect()
    }
}

render_function! {
    /// The OCI documents of a recipe (its node pool, the Cluster Autoscaler add-on) by file name, as dicts.
    fn render_oci(py, manifests) -> Bound<'py, PyDict> {
        let documents = PyDict::new(py);
        for (name, m) in manifest::named_oci_documents(&manifests) {
            documents.set_item(name, convert::to_py(py, m)?)?;
        }
        Ok(documents)
    }
}

render_function! {
    /// The Kubernetes objects of a recipe as one YAML stream, ready for `kubectl apply -f -`.
    fn render_yaml(py, manifests) -> String {
        manifest::to_yaml(&manifests).map_err(|e| PyRuntimeError::new_err(e.to_string()))
    }
}

/// The default scaling query of a deployment (the fraction of requests slower than 5 s), selecting its series by
/// the labels the scrape mode produces. `ValueError` when the name or the window is not usable.
#[pyfunction]
#[pyo3(
    signature = (
        name, namespace = String::from("default"), window = promql::default_window(),
        scrape = String::from("annotations")
    ),
    text_signature = "(name, namespace='default', window='5m', scrape='annotations')"
)]
fn default_query(
    name: String,
    namespace: String,
    window: String,
    scrape: String,
) -> PyResult<String> {
    let scrape = convert::parse_name("scrape mode", &scrape)?;
    promql::DefaultQuery::from_text(&name, &namespace, &window, scrape)
        .map(|q| q.to_string())
        .map_err(|e| PyValueError::new_err(e.to_string()))
}

/// Every shape of the built-in catalog, by name: GPUs, memory, OCPUs, MIG profiles, RDMA.
#[pyfunction]
fn shapes(py: Python<'_>) -> PyResult<Vec<Bound<'_, PyAny>>> {
    let catalog = ShapeCatalog::builtin();
    catalog
        .iter()
        .map(|shape| convert::to_py(py, shape))
        .collect()
}

/// The HTML table of a list of diagnostics (what `Diagnostics._repr_html_` shows).
#[pyfunction]
fn _diagnostics_html(diagnostics: Vec<PyRef<'_, Diagnostic>>) -> String {
    let items: Vec<corrino_core::Diagnostic> = diagnostics.iter().map(|d| d.0.clone()).collect();
    html::diagnostics(&items)
}

/// Reads a recipe argument as every function does (a dict into the core's tree, text and files as files), and
/// nothing more: the number of diagnostics of reading. The benchmark times it apart from planning.
#[pyfunction]
#[pyo3(signature = (recipe, /))]
fn _read_recipe(py: Python<'_>, recipe: &Bound<'_, PyAny>) -> PyResult<usize> {
    let held = tree::Held::new();
    Ok(match convert::recipe(recipe, &held)? {
        convert::RecipeInput::Tree((_, diagnostics)) => diagnostics.len(),
        convert::RecipeInput::Bytes(bytes) => py.detach(|| {
            corrino_core::document::read(&bytes, corrino_core::Format::Auto)
                .1
                .len()
        }),
    })
}

/// corrino-core's validation, planning, rendering and autoscaling simulation of OCI AI Blueprints recipes.
#[pymodule(name = "_corrino", gil_used = false)]
mod corrino_module {
    use pyo3::prelude::*;

    #[pymodule_export]
    use super::tune::tune;
    #[pymodule_export]
    use super::{
        _diagnostics_html, _read_recipe, Diagnostic, Plan, Simulation, compare, default_query,
        plan, render, render_oci, render_yaml, shapes, simulate, validate,
    };

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        m.add("__version__", env!("CARGO_PKG_VERSION"))
    }
}
