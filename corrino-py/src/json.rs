//! Python data as JSON text, for the arguments read with serde as their files are (a scenario, a search space), so
//! that a dict is read in its key order with the file's messages. (A recipe dict is read without text: see
//! `tree.rs`.)
//!
//! The plain JSON types (dict with `str` keys, list, tuple, str, int, finite float, bool, None) are written here,
//! which takes a fraction of the standard library encoder's time. Anything else (other key types, NaN, sets,
//! arbitrary objects, values nested deeper than corrino-core reads) goes to the standard library's encoder, which
//! writes it the way `json.dumps` does or raises `TypeError` / `ValueError`.

use corrino_core::document::MAX_DEPTH;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};

/// `value` as compact JSON text.
pub fn to_json(value: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    let mut out = Vec::with_capacity(4096);
    write(value, 0, &mut out)?;
    Ok(out)
}

fn write(value: &Bound<'_, PyAny>, depth: usize, out: &mut Vec<u8>) -> PyResult<()> {
    // The exact built-in types first: each check is one pointer comparison.
    if let Ok(text) = value.cast_exact::<PyString>() {
        write_str(text, out)
    } else if let Ok(dict) = value.cast_exact::<PyDict>() {
        write_object(dict, depth, out)
    } else if let Ok(int) = value.cast_exact::<PyInt>() {
        write_int(int, out)
    } else if let Ok(list) = value.cast_exact::<PyList>() {
        write_array(list.iter(), depth, value, out)
    } else if value.is_none() {
        out.extend_from_slice(b"null");
        Ok(())
    } else {
        write_other(value, depth, out)
    }
}

/// Floats, booleans, tuples, subclasses of the JSON types (str and int enums, `OrderedDict`), and the rest.
fn write_other(value: &Bound<'_, PyAny>, depth: usize, out: &mut Vec<u8>) -> PyResult<()> {
    if let Ok(float) = value.cast::<PyFloat>() {
        let x = float.value();
        if !x.is_finite() {
            return by_python(value, out);
        }
        out.extend_from_slice(ryu::Buffer::new().format_finite(x).as_bytes());
        Ok(())
    } else if value.is_instance_of::<PyBool>() {
        out.extend_from_slice(if value.is_truthy()? {
            b"true"
        } else {
            b"false"
        });
        Ok(())
    } else if let Ok(text) = value.cast::<PyString>() {
        write_str(text, out)
    } else if let Ok(int) = value.cast::<PyInt>() {
        write_int(int, out)
    } else if let Ok(dict) = value.cast::<PyDict>() {
        write_object(dict, depth, out)
    } else if let Ok(list) = value.cast::<PyList>() {
        write_array(list.iter(), depth, value, out)
    } else if let Ok(tuple) = value.cast::<PyTuple>() {
        write_array(tuple.iter(), depth, value, out)
    } else {
        by_python(value, out)
    }
}

fn write_object(dict: &Bound<'_, PyDict>, depth: usize, out: &mut Vec<u8>) -> PyResult<()> {
    if depth > MAX_DEPTH {
        return by_python(dict, out);
    }
    let start = out.len();
    out.push(b'{');
    for (i, (key, item)) in dict.iter().enumerate() {
        let Ok(key) = key.cast::<PyString>() else {
            // Other key types are written (or refused) as `json.dumps` does.
            out.truncate(start);
            return by_python(dict, out);
        };
        if i > 0 {
            out.push(b',');
        }
        write_str(key, out)?;
        out.push(b':');
        write(&item, depth + 1, out)?;
    }
    out.push(b'}');
    Ok(())
}

fn write_int(int: &Bound<'_, PyInt>, out: &mut Vec<u8>) -> PyResult<()> {
    match int.extract::<i64>() {
        Ok(n) => out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes()),
        // Beyond 64 bits: the digits, which the core reports as out of range, as it would from a file.
        Err(_) => out.extend_from_slice(int.str()?.to_cow()?.as_bytes()),
    }
    Ok(())
}

fn write_array<'py>(
    items: impl Iterator<Item = Bound<'py, PyAny>>,
    depth: usize,
    value: &Bound<'py, PyAny>,
    out: &mut Vec<u8>,
) -> PyResult<()> {
    if depth > MAX_DEPTH {
        return by_python(value, out);
    }
    out.push(b'[');
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write(&item, depth + 1, out)?;
    }
    out.push(b']');
    Ok(())
}

/// A string as a JSON string. Only `"`, `\\` and control characters are escaped; they are ASCII, so the UTF-8
/// bytes are scanned as they are.
fn write_str(text: &Bound<'_, PyString>, out: &mut Vec<u8>) -> PyResult<()> {
    let utf8 = text.encode_utf8()?;
    let bytes = utf8.as_bytes();
    out.push(b'"');
    let mut plain = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b >= 0x20 && b != b'"' && b != b'\\' {
            continue;
        }
        out.extend_from_slice(&bytes[plain..i]);
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(b"\\u00");
                out.push(HEX[usize::from(b >> 4)]);
                out.push(HEX[usize::from(b & 0xf)]);
            }
        }
        plain = i + 1;
    }
    out.extend_from_slice(&bytes[plain..]);
    out.push(b'"');
    Ok(())
}

/// `value` written by `json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":"))`.
fn by_python(value: &Bound<'_, PyAny>, out: &mut Vec<u8>) -> PyResult<()> {
    static ENCODE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let py = value.py();
    let encode = ENCODE.get_or_try_init(py, || -> PyResult<Py<PyAny>> {
        let kwargs = PyDict::new(py);
        kwargs.set_item("ensure_ascii", false)?;
        kwargs.set_item("allow_nan", false)?;
        kwargs.set_item("separators", (",", ":"))?;
        let encoder = py
            .import("json")?
            .getattr("JSONEncoder")?
            .call((), Some(&kwargs))?;
        Ok(encoder.getattr("encode")?.unbind())
    })?;
    let text = encode.bind(py).call1((value,))?;
    out.extend_from_slice(text.cast::<PyString>()?.to_cow()?.as_bytes());
    Ok(())
}
