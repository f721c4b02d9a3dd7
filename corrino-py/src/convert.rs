//! Values across the boundary: recipe arguments into bytes or trees, scenario arguments into the core's `Scenario`,
//! Rust values into plain Python data, diagnostics into `Diagnostics` lists, and failures into Python exceptions.

use std::fmt::Write as _;
use std::io::Read;
use std::path::{Path, PathBuf};

use corrino_core::document::{MAX_INPUT_BYTES, Node};
use corrino_core::manifest::{self, RenderOptions, Rendered};
use corrino_core::plan::{self, PlanOptions, Planning};
use corrino_core::sim::{Scenario, ScenarioError};
use corrino_core::{Diagnostics, Severity, Target};
use pyo3::exceptions::{PyOSError, PyTypeError, PyValueError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyList, PyMapping, PyString, PyType};
use serde::Serialize;
use serde::de::{DeserializeOwned, IntoDeserializer};

use crate::tree;
use crate::types::Diagnostic;

/// A recipe argument, ready for corrino-core: the bytes of a file or text, or the tree of a mapping.
pub enum RecipeInput<'a> {
    /// JSON or YAML bytes.
    Bytes(Vec<u8>),
    /// A mapping read into a tree (see [`tree`]), or the diagnostics of why it has none.
    Tree((Option<Node<'a>>, Diagnostics)),
}

impl RecipeInput<'_> {
    pub fn validate(self, options: &PlanOptions) -> Diagnostics {
        match self {
            RecipeInput::Bytes(bytes) => corrino_core::validate_bytes(&bytes, options),
            RecipeInput::Tree(tree) => plan::validate_tree(tree, options),
        }
    }

    pub fn plan(self, options: &PlanOptions) -> Planning {
        match self {
            RecipeInput::Bytes(bytes) => plan::plan_bytes(&bytes, options),
            RecipeInput::Tree(tree) => plan::plan_tree(tree, options),
        }
    }

    pub fn render(
        self,
        plan_options: &PlanOptions,
        options: &RenderOptions,
    ) -> Result<Rendered, Diagnostics> {
        match self {
            RecipeInput::Bytes(bytes) => manifest::render_bytes(&bytes, plan_options, options),
            RecipeInput::Tree(tree) => manifest::render_tree(tree, plan_options, options),
        }
    }
}

/// A recipe argument as corrino-core reads it:
///
/// - a mapping is read into a tree ([`tree::read`]) as its JSON text would be read: in its key order, within the same
///   size and depth limits. A `dict` (subclasses included) is read as it is; another mapping through `dict(...)`.
///   The tree borrows its strings from `held`;
/// - `bytes` and `bytearray` are the content of a file (JSON or YAML);
/// - a `str` is the recipe's text when it is blank, spans several lines or starts with `{` or `[`; any other `str`
///   names a file, as any `os.PathLike` does. Files are read up to one byte past the size limit, so that an
///   oversized file is reported without being held whole.
pub fn recipe<'a, 'py>(
    recipe: &Bound<'py, PyAny>,
    held: &'a tree::Held<'py>,
) -> PyResult<RecipeInput<'a>> {
    let py = recipe.py();
    if recipe.cast::<PyDict>().is_ok() {
        return Ok(RecipeInput::Tree(tree::read(recipe, held)?));
    }
    if let Some(bytes) = file_bytes(recipe)? {
        return Ok(RecipeInput::Bytes(bytes));
    }
    if recipe.cast::<PyMapping>().is_ok() {
        let dict = py.get_type::<PyDict>().call1((recipe,))?;
        return Ok(RecipeInput::Tree(tree::read(&dict, held)?));
    }
    Err(not_an_input(recipe)?)
}

/// The bytes of an argument that holds or names a file: `str` (its text, or a path), `bytes`, `bytearray`, or an
/// `os.PathLike`; `None` for anything else.
fn file_bytes(input: &Bound<'_, PyAny>) -> PyResult<Option<Vec<u8>>> {
    let py = input.py();
    if let Ok(text) = input.cast::<PyString>() {
        let text = text.to_cow()?;
        return Ok(Some(if is_recipe_text(&text) {
            text.into_owned().into_bytes()
        } else {
            read_file(py, Path::new(&*text))?
        }));
    }
    if let Ok(bytes) = input.cast::<PyBytes>() {
        return Ok(Some(bytes.as_bytes().to_vec()));
    }
    if let Ok(bytes) = input.cast::<PyByteArray>() {
        return Ok(Some(bytes.to_vec()));
    }
    if input.cast::<PyMapping>().is_err() && input.hasattr(intern!(py, "__fspath__"))? {
        return Ok(Some(read_file(py, &input.extract::<PathBuf>()?)?));
    }
    Ok(None)
}

fn not_an_input(input: &Bound<'_, PyAny>) -> PyResult<PyErr> {
    Ok(PyTypeError::new_err(format!(
        "a recipe is a dict, its JSON or YAML text (str or bytes), or a path; got {}",
        input.get_type().name()?
    )))
}

/// What the simulator takes, as bytes: what [`recipe`] takes, or a list of Kubernetes objects as dicts (what
/// `render` returns), read as a `List`. A mapping is read as its JSON text, in which corrino-core tells a recipe
/// from a Kubernetes object.
pub fn simulation_bytes(input: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    let py = input.py();
    if input.cast::<pyo3::types::PyList>().is_ok() || input.cast::<pyo3::types::PyTuple>().is_ok() {
        let list = PyDict::new(py);
        list.set_item("apiVersion", "v1")?;
        list.set_item("kind", "List")?;
        list.set_item("items", input)?;
        return crate::json::to_json(list.as_any());
    }
    if input.cast::<PyDict>().is_ok() {
        return crate::json::to_json(input);
    }
    if let Some(bytes) = file_bytes(input)? {
        return Ok(bytes);
    }
    if input.cast::<PyMapping>().is_ok() {
        return crate::json::to_json(&py.get_type::<PyDict>().call1((input,))?);
    }
    Err(not_an_input(input)?)
}

fn is_recipe_text(text: &str) -> bool {
    let start = text.trim_start();
    start.is_empty() || start.starts_with(['{', '[']) || text.contains('\n')
}

fn read_file(py: Python<'_>, path: &Path) -> PyResult<Vec<u8>> {
    let limit = u64::try_from(MAX_INPUT_BYTES + 1).unwrap_or(u64::MAX);
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(limit).read_to_end(&mut bytes))
        .map_err(|e| os_error(py, &e, path))?;
    Ok(bytes)
}

/// An I/O failure as Python raises it: `OSError(errno, strerror, filename)`, which becomes the matching subclass
/// (`FileNotFoundError`, `IsADirectoryError`, …).
fn os_error(py: Python<'_>, err: &std::io::Error, path: &Path) -> PyErr {
    let filename = path.display().to_string();
    let Some(errno) = err.raw_os_error() else {
        return PyOSError::new_err(format!("cannot read {filename}: {err}"));
    };
    let strerror = py
        .import("os")
        .and_then(|os| os.call_method1("strerror", (errno,)))
        .and_then(|s| s.extract::<String>())
        .unwrap_or_else(|_| err.to_string());
    PyOSError::new_err((errno, strerror, filename))
}

/// A scenario argument as the core's `Scenario`, read by serde exactly as `corrino simulate --scenario` reads its
/// file: every field optional, unknown keys refused. A mapping is written as JSON text first (as a recipe mapping is),
/// so that it is read the same way as its text; a `str`, `bytes` or `bytearray` is the JSON text itself.
///
/// `SimulationError` when the scenario does not read; errors in mappings leave out the position in the intermediate
/// text, which would mean nothing to the caller.
pub fn scenario(value: &Bound<'_, PyAny>) -> PyResult<Scenario> {
    let py = value.py();
    let (bytes, is_text) = if value.cast::<PyDict>().is_ok() {
        (crate::json::to_json(value)?, false)
    } else if let Ok(text) = value.cast::<PyString>() {
        (text.to_cow()?.into_owned().into_bytes(), true)
    } else if let Ok(bytes) = value.cast::<PyBytes>() {
        (bytes.as_bytes().to_vec(), true)
    } else if let Ok(bytes) = value.cast::<PyByteArray>() {
        (bytes.to_vec(), true)
    } else if value.cast::<PyMapping>().is_ok() {
        let dict = py.get_type::<PyDict>().call1((value,))?;
        (crate::json::to_json(&dict)?, false)
    } else {
        return Err(PyTypeError::new_err(format!(
            "a scenario is a dict or its JSON text (str or bytes); got {}",
            value.get_type().name()?
        )));
    };
    serde_json::from_slice(&bytes).map_err(|e| {
        let mut message = e.to_string();
        if !is_text {
            let position = format!(" at line {} column {}", e.line(), e.column());
            if let Some(kept) = message.strip_suffix(&position) {
                message.truncate(kept.len());
            }
        }
        simulation_error(py, &format!("bad scenario: {message}"), None)
    })
}

/// `corrino.SimulationError` with `message`, and `details`: the structured refusal of a scenario past one of its
/// bounds (as a dict), or `None`.
pub fn simulation_error(py: Python<'_>, message: &str, details: Option<&ScenarioError>) -> PyErr {
    static SIMULATION_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    let details = match details.map(|details| to_py(py, details)).transpose() {
        Ok(details) => details,
        Err(failure) => return failure,
    };
    match SIMULATION_ERROR
        .import(py, "corrino._types", "SimulationError")
        .and_then(|class| class.call1((message, details)))
    {
        Ok(error) => PyErr::from_value(error),
        Err(failure) => failure,
    }
}

/// A Rust value as plain Python data: what `json.loads` makes of the JSON that the CLI prints.
pub fn to_py<'py, T: Serialize + ?Sized>(
    py: Python<'py>,
    value: &T,
) -> PyResult<Bound<'py, PyAny>> {
    Ok(pythonize::pythonize(py, value)?)
}

/// A kebab-case or lowercase name (`pod-monitor`, `error`) as the core enum it names, as serde reads it.
pub fn parse_name<T: DeserializeOwned>(what: &str, name: &str) -> PyResult<T> {
    T::deserialize(IntoDeserializer::<serde::de::value::Error>::into_deserializer(name))
        .map_err(|e| PyValueError::new_err(format!("invalid {what}: {e}")))
}

/// The render options from keyword arguments, read with serde into the core's `RenderOptions` (so that the keywords
/// are its fields, defined once). A keyword given as `None` keeps its default. `TypeError` for an unknown keyword or
/// a value of the wrong type, `ValueError` for a name that is not one of the choices (a scrape mode, a discovery).
pub fn render_options(options: Option<&Bound<'_, PyDict>>) -> PyResult<RenderOptions> {
    let Some(options) = options else {
        return Ok(RenderOptions::default());
    };
    let given = PyDict::new(options.py());
    for (key, value) in options.iter() {
        if !value.is_none() {
            given.set_item(key, value)?;
        }
    }
    pythonize::depythonize::<RenderOptions>(given.as_any())
        .map_err(|e| option_error(&format!("invalid render options: {e}")))
}

/// A failure to read options: `ValueError` for a name that is not one of the choices (a scrape mode, a KEDA
/// release), `TypeError` for the rest (an unknown keyword, a value of the wrong type).
fn option_error(message: &str) -> PyErr {
    if message.contains("unknown variant") || message.contains("release corrino knows") {
        PyValueError::new_err(message.to_owned())
    } else {
        PyTypeError::new_err(message.to_owned())
    }
}

/// The target from the `keda` and `kubernetes` keywords, read with serde into the core's `Target` as the render
/// options read the same keywords; `None` keeps the default.
pub fn target(
    keda: Option<&Bound<'_, PyAny>>,
    kubernetes: Option<&Bound<'_, PyAny>>,
) -> PyResult<Target> {
    let given: Vec<(&str, &Bound<'_, PyAny>)> = [("keda", keda), ("kubernetes", kubernetes)]
        .into_iter()
        .filter_map(|(key, value)| Some((key, value.filter(|v| !v.is_none())?)))
        .collect();
    let Some((_, first)) = given.first() else {
        return Ok(Target::default());
    };
    let keywords = PyDict::new(first.py());
    for (key, value) in given {
        keywords.set_item(key, value)?;
    }
    pythonize::depythonize::<Target>(keywords.as_any())
        .map_err(|e| option_error(&format!("invalid target: {e}")))
}

/// The core's diagnostics as a `corrino.Diagnostics` list of `Diagnostic` objects.
pub fn diagnostics(py: Python<'_>, diagnostics: Diagnostics) -> PyResult<Bound<'_, PyAny>> {
    static DIAGNOSTICS: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    let items = PyList::new(py, diagnostics.into_iter().map(Diagnostic))?;
    DIAGNOSTICS
        .import(py, "corrino._types", "Diagnostics")?
        .call1((items,))
}

/// `corrino.RecipeError`: `what`, every error on a line of its own, and the diagnostics.
pub fn recipe_error(py: Python<'_>, what: &str, diagnostics: Diagnostics) -> PyErr {
    static RECIPE_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    let errors = diagnostics.count(Severity::Error);
    let mut message = format!(
        "{what} ({errors} error{})",
        if errors == 1 { "" } else { "s" }
    );
    for d in diagnostics.iter().filter(|d| d.severity == Severity::Error) {
        let _ = write!(message, "\n  {d}");
    }
    let error = RECIPE_ERROR
        .import(py, "corrino._types", "RecipeError")
        .and_then(|class| class.call1((message, self::diagnostics(py, diagnostics)?)));
    match error {
        Ok(error) => PyErr::from_value(error),
        Err(failure) => failure,
    }
}
