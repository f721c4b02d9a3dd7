//! The Python classes `Diagnostic`, `Plan` and `Simulation`: the core's values, read through properties that convert
//! on access.

use std::hash::{Hash, Hasher};

use corrino_core::Severity;
use corrino_core::diagnostic::Code;
use corrino_core::sim;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyString, PyType};

use crate::convert::{self, parse_name, to_py};

/// A Python value as JSON, as a recipe dict is read: `ValueError` for what JSON cannot hold.
fn json_value(value: &Bound<'_, PyAny>) -> PyResult<serde_json::Value> {
    pythonize::depythonize(value)
        .map_err(|e| PyValueError::new_err(format!("not a JSON value: {e}")))
}
use crate::html;

/// One problem of a recipe: where (a JSON pointer), what kind (a stable code), how serious, what is wrong, where it
/// can be told how to fix it, and the value it is about (`input`).
#[pyclass(module = "corrino", name = "Diagnostic", frozen, eq, hash)]
#[derive(Clone, PartialEq, Eq)]
pub struct Diagnostic(pub corrino_core::Diagnostic);

impl Hash for Diagnostic {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let d = &self.0;
        (&d.path, d.code, d.severity, &d.message, &d.hint).hash(state);
        // A JSON value is not hashable itself; its text is, and equal values write the same text.
        d.input.as_ref().map(ToString::to_string).hash(state);
    }
}

#[pymethods]
impl Diagnostic {
    #[new]
    #[pyo3(signature = (path, code, severity, message, hint = None, input = None))]
    fn new(
        path: String,
        code: String,
        severity: String,
        message: String,
        hint: Option<String>,
        input: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        Ok(Diagnostic(corrino_core::Diagnostic {
            path,
            code: parse_name::<Code>("diagnostic code", &code)?,
            severity: parse_name::<Severity>("severity", &severity)?,
            message,
            hint,
            input: input.map(json_value).transpose()?.map(Box::new),
        }))
    }

    /// The diagnostic of a dict as `to_dict()` writes it (and `corrino validate --format json`, and the goldens
    /// `fixtures/invalid/*.diagnostics.json`): an `input` key, `None` included, is the input; no key, none.
    #[classmethod]
    fn from_dict(_class: &Bound<'_, PyType>, value: &Bound<'_, PyAny>) -> PyResult<Self> {
        pythonize::depythonize::<corrino_core::Diagnostic>(value)
            .map(Diagnostic)
            .map_err(|e| PyValueError::new_err(format!("not a diagnostic: {e}")))
    }

    /// Where: a JSON pointer (RFC 6901) into the recipe, `""` for the whole document.
    #[getter]
    fn path(&self) -> &str {
        &self.0.path
    }

    /// What kind of problem, stable across releases (kebab-case, listed in docs/diagnostics.md).
    #[getter]
    fn code(&self) -> &'static str {
        self.0.code.as_str()
    }

    /// `"error"`, `"warning"` or `"note"`.
    #[getter]
    fn severity(&self) -> &'static str {
        self.0.severity.as_str()
    }

    /// What is wrong, in one sentence, with the numbers that matter.
    #[getter]
    fn message(&self) -> &str {
        &self.0.message
    }

    /// How to fix it, where it can be told.
    #[getter]
    fn hint(&self) -> Option<&str> {
        self.0.hint.as_deref()
    }

    /// The value at `path` in the recipe as read, cut to a bounded size (see docs/diagnostics.md); `None` when
    /// nothing is there (a missing field), which `to_dict()` tells from a `null` in the recipe by having no key.
    #[getter]
    fn input<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match &self.0.input {
            Some(value) => to_py(py, value),
            None => Ok(py.None().into_bound(py)),
        }
    }

    /// The diagnostic as `corrino validate --format json` writes it (no `hint` or `input` key when there is none).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.0)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let quoted = |s: &str| -> PyResult<String> { Ok(PyString::new(py, s).repr()?.to_string()) };
        let hint = match &self.0.hint {
            Some(hint) => quoted(hint)?,
            None => "None".to_owned(),
        };
        let input = match &self.0.input {
            Some(value) => format!(", input={}", to_py(py, value)?.repr()?),
            None => String::new(),
        };
        Ok(format!(
            "Diagnostic(path={}, code={}, severity={}, message={}, hint={hint}{input})",
            quoted(&self.0.path)?,
            quoted(self.0.code.as_str())?,
            quoted(self.0.severity.as_str())?,
            quoted(&self.0.message)?,
        ))
    }

    fn __str__(&self) -> String {
        self.0.to_string()
    }

    /// Pickles as its dict, which `from_dict` reads back (an input of `None` stays one).
    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyAny>, (Bound<'py, PyAny>,))> {
        let from_dict = slf.get_type().getattr("from_dict")?;
        Ok((from_dict, (to_py(slf.py(), &slf.get().0)?,)))
    }

    fn _repr_html_(&self) -> String {
        html::diagnostics(std::slice::from_ref(&self.0))
    }
}

/// A recipe with everything derived from it resolved, and every problem found.
///
/// Each property holds what `to_dict()` holds under its name, converted anew on each access; `diagnostics` holds
/// `Diagnostic` objects and `members` `Plan` objects.
#[pyclass(module = "corrino", name = "Plan", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct Plan(pub corrino_core::Preview);

#[pymethods]
impl Plan {
    /// The recipe as written (as corrino reads it).
    #[getter]
    fn recipe<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.0.recipe)
    }

    /// The canonical deployment name, when valid.
    #[getter]
    fn name(&self) -> Option<&str> {
        self.0.name.as_ref().map(|n| n.as_str())
    }

    /// The recipe's mode (`"service"`, `"job"`, `"shared_node_pool"`, …).
    #[getter]
    fn mode(&self) -> Option<&'static str> {
        self.0.mode.map(corrino_core::RecipeMode::as_str)
    }

    /// The node shape, as `shapes()` lists it, when known.
    #[getter]
    fn shape<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.0.shape)
    }

    /// GPUs per replica (0 for CPU workloads).
    #[getter]
    fn gpus_per_replica(&self) -> u32 {
        self.0.gpus_per_replica
    }

    /// The container port, when valid.
    #[getter]
    fn container_port(&self) -> Option<u16> {
        self.0.container_port
    }

    /// Pod autoscaling, when asked for: each value with its source.
    #[getter]
    fn pod_autoscaling<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.0.pod_autoscaling)
    }

    /// Node autoscaling, when asked for.
    #[getter]
    fn node_autoscaling<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.0.node_autoscaling)
    }

    /// The capacity plan of a GPU workload.
    #[getter]
    fn capacity<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.0.capacity)
    }

    /// A service's model: `{"engine", "model", "args", "parallelism", "weights_bytes", "memory", "startup", …}`,
    /// whether it fits its GPUs and its cold-start budget.
    #[getter]
    fn model<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.0.model)
    }

    /// A multinode service's group: `{"nodes", "rdma"}`.
    #[getter]
    fn multinode<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.0.multinode)
    }

    /// The Kueue queue of a job under a team: `{"team", "namespace", "local_queue", "priority_class"}`.
    #[getter]
    fn queue<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.0.queue)
    }

    /// A `team` recipe's team as Kueue gets it: name, its objects' names (namespace, queues, priority class, cohort),
    /// priority and quotas per shape.
    #[getter]
    fn team<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.0.team)
    }

    /// An `update` recipe's target nodes and the labels set on them.
    #[getter]
    fn update<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.0.update)
    }

    /// A deployment group member's name in its group (`None` for a recipe of its own).
    #[getter]
    fn member(&self) -> Option<&str> {
        self.0.member.as_deref()
    }

    /// The plans of a deployment group's members, in the group's order.
    #[getter]
    fn members(&self) -> Vec<Plan> {
        self.0.members.iter().cloned().map(Plan).collect()
    }

    /// Every problem found.
    #[getter]
    fn diagnostics<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        convert::diagnostics(py, self.0.diagnostics.clone())
    }

    /// Whether the recipe has no errors (warnings and notes allowed).
    #[getter]
    fn is_renderable(&self) -> bool {
        self.0.is_renderable()
    }

    /// The plan as `corrino plan --format json` writes it.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.0)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let quoted = |s: Option<&str>| -> PyResult<String> {
            match s {
                Some(s) => Ok(PyString::new(py, s).repr()?.to_string()),
                None => Ok("None".to_owned()),
            }
        };
        let d = &self.0.diagnostics;
        Ok(format!(
            "Plan(name={}, mode={}, shape={}, errors={}, warnings={}, notes={})",
            quoted(self.name())?,
            quoted(self.mode())?,
            quoted(self.0.shape.as_ref().map(|s| &*s.name))?,
            d.count(Severity::Error),
            d.count(Severity::Warning),
            d.count(Severity::Note),
        ))
    }

    fn _repr_html_(&self) -> String {
        html::plan(&self.0)
    }
}

/// A finished simulation of a recipe's autoscaling: the values it ran with, the timeline, the HPA's decisions, what
/// happened when, and figures over the run.
///
/// Each property holds what `to_dict()` holds under its name, converted anew on each access.
#[pyclass(module = "corrino", name = "Simulation", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct Simulation(pub sim::Simulation);

#[pymethods]
impl Simulation {
    /// The values the simulation ran with, defaults resolved: shape, replica range, threshold, query, controller
    /// intervals, serving model, pod timing, Cluster Autoscaler parameters.
    #[getter]
    fn settings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.0.settings)
    }

    /// The timeline: one row per sample interval.
    #[getter]
    fn samples<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.0.samples)
    }

    /// The HPA's syncs whose outcome differed from the previous one, with the controller's reason.
    #[getter]
    fn decisions<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.0.decisions)
    }

    /// What happened when: replica changes, nodes requested, Ready and removed, pods Ready, failed requests.
    #[getter]
    fn events<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.0.events)
    }

    /// Figures over the whole run.
    #[getter]
    fn summary<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.0.summary)
    }

    /// What to know about the scenario as it ran (`points-past-end`), as diagnostics whose paths point into the
    /// scenario.
    #[getter]
    fn notes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.0.notes)
    }

    /// The simulation as `corrino simulate --format json` writes it.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.0)
    }

    /// The timeline as CSV text (what `corrino simulate --csv` writes).
    fn csv(&self, py: Python<'_>) -> String {
        py.detach(|| sim::samples_csv(&self.0.samples))
    }

    /// The chart as SVG text (what `corrino simulate --svg` writes).
    fn svg(&self, py: Python<'_>) -> String {
        py.detach(|| sim::svg(&self.0))
    }

    fn __repr__(&self) -> String {
        let s = &self.0.summary;
        let first_scale_up = s
            .first_scale_up_at
            .map_or_else(|| "None".to_owned(), |t| t.to_string());
        format!(
            "Simulation(duration_seconds={}, peak_spec_replicas={}, peak_nodes={}, first_scale_up_at={first_scale_up}, \
             gpu_hours={:.2})",
            s.duration_seconds, s.peak_spec_replicas, s.peak_nodes, s.gpu_hours
        )
    }

    fn _repr_html_(&self, py: Python<'_>) -> String {
        py.detach(|| html::simulation(&self.0))
    }
}
