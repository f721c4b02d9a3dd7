//! Python data read straight into corrino-core's document tree, as `json.dumps` would write it and the core would
//! read that text back, without the text.
//!
//! The walk takes what `json.dumps` takes: dicts (`str`, `int`, `float`, `bool` and `None` keys), lists, tuples,
//! strings, integers, finite floats, booleans and `None`, subclasses included (`OrderedDict`, `IntEnum`, a `str`
//! enum), each read as `json.dumps` writes it; anything else raises what it raises (`TypeError`, `ValueError`).
//! corrino-core's [`TreeBuilder`] counts the bytes of that compact text as the values come, and refuses the values
//! where reading the text would refuse it: the size limit (a string referenced a thousand times counts a thousand
//! times), the depth limit, a number beyond the largest float, with the same diagnostics. So the walk stops at the
//! size limit (a dict that holds itself is too large, as its text is endless), and below the depth limit it only
//! counts, iteratively, so that a list nested a million times over never reaches Python's recursion limit or
//! Rust's stack.
//!
//! Strings are borrowed, not copied: the tree points into the UTF-8 of each `str` (which CPython keeps with the
//! string), and [`Held`] holds a reference to every such `str`, so that the tree stays valid while the interpreter is
//! released and other threads change the dict. Integers that fit in 64 bits are taken as they are; floats and larger
//! integers go through their Python text (`float.__repr__`, `int.__repr__`), which is exactly what `json.dumps`
//! writes.

use std::borrow::Cow;
use std::collections::HashSet;

use corrino_core::Diagnostics;
use corrino_core::document::{Node, TooLarge, TreeBuilder};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use typed_arena::Arena;

/// The Python objects a tree borrows its strings from, alive as long as the tree.
pub type Held<'py> = Arena<Bound<'py, PyAny>>;

/// Reads `value` (a dict) into a tree as corrino-core reads its JSON text: the tree, or the diagnostics of why
/// there is none. Python errors (a value `json.dumps` refuses, a `str` with a lone surrogate) are raised.
pub fn read<'a, 'py>(
    value: &Bound<'py, PyAny>,
    held: &'a Held<'py>,
) -> PyResult<(Option<Node<'a>>, Diagnostics)> {
    let mut reader = Reader {
        builder: TreeBuilder::new(),
        held,
    };
    let root = match reader.value(value.clone()) {
        Ok(root) => Ok(root),
        Err(Stop::TooLarge) => Err(TooLarge),
        Err(Stop::Python(error)) => return Err(error),
    };
    Ok(reader.builder.finish(root))
}

/// Why a walk stops early.
enum Stop {
    /// The values' text passed the size limit.
    TooLarge,
    /// Python raised.
    Python(PyErr),
}

impl From<PyErr> for Stop {
    fn from(error: PyErr) -> Self {
        Stop::Python(error)
    }
}

impl From<TooLarge> for Stop {
    fn from(_: TooLarge) -> Self {
        Stop::TooLarge
    }
}

struct Reader<'a, 'py> {
    builder: TreeBuilder,
    held: &'a Held<'py>,
}

/// What a value is, as `json.dumps` tells it.
enum Kind<'v, 'py> {
    Null,
    Bool(bool),
    Str,
    Int(&'v Bound<'py, PyInt>),
    Float(&'v Bound<'py, PyFloat>),
    /// A `list` or a `tuple`, subclasses included.
    Sequence,
    /// A `dict`; `exact` when it is no subclass (whose `items()` may say otherwise than its storage).
    Dict(&'v Bound<'py, PyDict>, bool),
}

fn kind<'v, 'py>(value: &'v Bound<'py, PyAny>) -> PyResult<Kind<'v, 'py>> {
    // The exact built-in types first: each test is one pointer comparison.
    if value.is_exact_instance_of::<PyString>() {
        return Ok(Kind::Str);
    }
    if let Ok(dict) = value.cast_exact::<PyDict>() {
        return Ok(Kind::Dict(dict, true));
    }
    if let Ok(int) = value.cast_exact::<PyInt>() {
        return Ok(Kind::Int(int));
    }
    if value.is_exact_instance_of::<PyList>() {
        return Ok(Kind::Sequence);
    }
    if value.is_none() {
        return Ok(Kind::Null);
    }
    if let Ok(float) = value.cast::<PyFloat>() {
        return Ok(Kind::Float(float));
    }
    if let Ok(b) = value.cast_exact::<PyBool>() {
        return Ok(Kind::Bool(b.is_true()));
    }
    // Subclasses, in the order `json.dumps` tries them.
    if value.is_instance_of::<PyString>() {
        return Ok(Kind::Str);
    }
    if let Ok(int) = value.cast::<PyInt>() {
        return Ok(Kind::Int(int));
    }
    if value.is_instance_of::<PyList>() || value.is_instance_of::<PyTuple>() {
        return Ok(Kind::Sequence);
    }
    if let Ok(dict) = value.cast::<PyDict>() {
        return Ok(Kind::Dict(dict, false));
    }
    Err(PyTypeError::new_err(format!(
        "Object of type {} is not JSON serializable",
        value.get_type().name()?
    )))
}

/// The items of a list or tuple, as `json.dumps` takes them: a plain one's storage, a subclass's iteration.
fn sequence_items<'py>(value: &Bound<'py, PyAny>) -> PyResult<Vec<Bound<'py, PyAny>>> {
    if let Ok(list) = value.cast_exact::<PyList>() {
        Ok(list.iter().collect())
    } else if let Ok(tuple) = value.cast_exact::<PyTuple>() {
        Ok(tuple.iter().collect())
    } else {
        value.try_iter()?.collect()
    }
}

/// The members of a dict as `json.dumps` takes them: a plain (or empty) dict's storage, else what `items()` says
/// (an `OrderedDict`'s own order). Taken before any is read, so that Python code run meanwhile (a subclass's
/// `items()`) cannot change them under the walk.
fn dict_members<'py>(
    dict: &Bound<'py, PyDict>,
    exact: bool,
) -> PyResult<Vec<(Bound<'py, PyAny>, Bound<'py, PyAny>)>> {
    if exact || dict.is_empty() {
        return Ok(dict.iter().collect());
    }
    dict.call_method0(intern!(dict.py(), "items"))?
        .try_iter()?
        .map(|item| item?.extract())
        .collect()
}

/// `float.__repr__` of a finite float (what `json.dumps` writes); `ValueError` for NaN and the infinities, as
/// `json.dumps(allow_nan=False)` raises.
fn float_text<'py>(float: &Bound<'py, PyFloat>) -> PyResult<Bound<'py, PyString>> {
    let value = float.value();
    if !value.is_finite() {
        let repr = if value.is_nan() {
            "nan"
        } else if value > 0.0 {
            "inf"
        } else {
            "-inf"
        };
        return Err(PyValueError::new_err(format!(
            "Out of range float values are not JSON compliant: {repr}"
        )));
    }
    if float.is_exact_instance_of::<PyFloat>() {
        float.repr()
    } else {
        PyFloat::new(float.py(), value).repr()
    }
}

/// `int.__repr__` (a subclass's own `__repr__` is not what `json.dumps` writes).
fn int_text<'py>(int: &Bound<'py, PyInt>) -> PyResult<Bound<'py, PyString>> {
    let py = int.py();
    py.get_type::<PyInt>()
        .call_method1(intern!(py, "__repr__"), (int,))?
        .cast_into::<PyString>()
        .map_err(Into::into)
}

impl<'a, 'py> Reader<'a, 'py> {
    /// Keeps `value` alive as long as the tree, and borrows its UTF-8.
    fn borrow_str(&self, value: Bound<'py, PyAny>) -> PyResult<&'a str> {
        let held: &'a Bound<'py, PyAny> = self.held.alloc(value);
        held.cast::<PyString>()?.to_str()
    }

    fn value(&mut self, value: Bound<'py, PyAny>) -> Result<Node<'a>, Stop> {
        Ok(match kind(&value)? {
            Kind::Str => {
                let text = self.borrow_str(value)?;
                self.builder.string(text)?
            }
            Kind::Int(int) => match int.extract::<i64>() {
                Ok(n) => self.builder.integer(n)?,
                Err(_) => {
                    let text = self.borrow_str(int_text(int)?.into_any())?;
                    self.builder.number(text)?
                }
            },
            Kind::Float(float) => {
                let text = self.borrow_str(float_text(float)?.into_any())?;
                self.builder.number(text)?
            }
            Kind::Null => self.builder.null()?,
            Kind::Bool(b) => self.builder.boolean(b)?,
            Kind::Sequence => {
                if !self.builder.begin()? {
                    self.count_below(&value)?;
                    return Ok(Node::Null);
                }
                let items = sequence_items(&value)?;
                let mut nodes = Vec::with_capacity(items.len());
                for (i, item) in items.into_iter().enumerate() {
                    self.builder.element(i)?;
                    nodes.push(self.value(item)?);
                }
                self.builder.end()?;
                Node::Array(nodes)
            }
            Kind::Dict(dict, exact) => {
                if !self.builder.begin()? {
                    self.count_below(&value)?;
                    return Ok(Node::Null);
                }
                if !exact {
                    self.builder.keys_may_repeat();
                }
                let items = dict_members(dict, exact)?;
                let mut members = Vec::with_capacity(items.len());
                for (i, (key, item)) in items.into_iter().enumerate() {
                    let key = self.key(i, key)?;
                    members.push((key, self.value(item)?));
                }
                self.builder.end()?;
                Node::Object(members)
            }
        })
    }

    /// A key as `json.dumps` writes it: a `str` as it is, `int`, `float`, `True`, `False` and `None` as their JSON
    /// text (which may then repeat another key: `1` and `"1"`).
    fn key(&mut self, index: usize, key: Bound<'py, PyAny>) -> Result<Cow<'a, str>, Stop> {
        if key.is_exact_instance_of::<PyString>() {
            let text = self.borrow_str(key)?;
            return Ok(self.builder.key(index, text)?);
        }
        self.builder.keys_may_repeat();
        let text: Cow<'a, str> = if key.is_instance_of::<PyString>() {
            Cow::Borrowed(self.borrow_str(key)?)
        } else if let Ok(float) = key.cast::<PyFloat>() {
            Cow::Owned(float_text(float)?.to_str()?.to_owned())
        } else if let Ok(b) = key.cast_exact::<PyBool>() {
            Cow::Borrowed(if b.is_true() { "true" } else { "false" })
        } else if key.is_none() {
            Cow::Borrowed("null")
        } else if let Ok(int) = key.cast::<PyInt>() {
            Cow::Owned(int_text(int)?.to_str()?.to_owned())
        } else {
            return Err(PyTypeError::new_err(format!(
                "keys must be str, int, float, bool or None, not {}",
                key.get_type().name()?
            ))
            .into());
        };
        Ok(self.builder.key(index, text)?)
    }

    /// Counts what a container nested past the depth limit holds, without building it and without recursion: it
    /// may be nested far deeper. A container inside itself raises `ValueError` as `json.dumps` does (its text would
    /// be endless; this says why sooner).
    fn count_below(&mut self, container: &Bound<'py, PyAny>) -> Result<(), Stop> {
        /// A container being counted: its items (a dict's as key and value) and the next one.
        struct Open<'py> {
            items: Vec<(Option<Bound<'py, PyAny>>, Bound<'py, PyAny>)>,
            next: usize,
            address: usize,
        }
        let open = |value: &Bound<'py, PyAny>| -> PyResult<Open<'py>> {
            let items = match kind(value)? {
                Kind::Dict(dict, exact) => dict_members(dict, exact)?
                    .into_iter()
                    .map(|(k, v)| (Some(k), v))
                    .collect(),
                _ => sequence_items(value)?
                    .into_iter()
                    .map(|v| (None, v))
                    .collect(),
            };
            Ok(Open {
                items,
                next: 0,
                address: value.as_ptr() as usize,
            })
        };
        let mut path: HashSet<usize> = HashSet::new();
        let mut stack = vec![open(container)?];
        path.insert(container.as_ptr() as usize);
        while let Some(top) = stack.last_mut() {
            let Some((key, item)) = top.items.get(top.next).cloned() else {
                path.remove(&top.address);
                stack.pop();
                self.builder.end()?;
                continue;
            };
            let index = top.next;
            top.next += 1;
            match key {
                Some(key) => {
                    self.key(index, key)?;
                }
                None => self.builder.element(index)?,
            }
            match kind(&item)? {
                Kind::Sequence | Kind::Dict(..) => {
                    if !path.insert(item.as_ptr() as usize) {
                        return Err(PyValueError::new_err("Circular reference detected").into());
                    }
                    self.builder.begin()?;
                    stack.push(open(&item)?);
                }
                _ => {
                    self.value(item)?;
                }
            }
        }
        Ok(())
    }
}
