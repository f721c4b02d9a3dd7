//! Values across the boundary: recipe arguments into bytes, results into plain JS objects, failures into `Error`s.
//!
//! Every module reads recipes and reports failures through these, so that they do it alike.

use js_sys::{Error, JSON, Uint8Array};
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};

/// A failure of the call itself (never a problem of the recipe, which is a diagnostic) as a JS `Error`.
pub fn into_error<E: std::fmt::Display>(err: E) -> Error {
    Error::new(&err.to_string())
}

/// The bytes of a recipe argument: a `Uint8Array` as is, a string (JSON or YAML) as UTF-8, anything else as its JSON
/// text. Objects take the same path as files, so the same size and depth limits apply to them.
pub fn recipe_bytes(recipe: &JsValue) -> Result<Vec<u8>, Error> {
    if let Some(text) = recipe.as_string() {
        return Ok(text.into_bytes());
    }
    if let Some(bytes) = recipe.dyn_ref::<Uint8Array>() {
        return Ok(bytes.to_vec());
    }
    let json = JSON::stringify(recipe).map_err(|e| {
        e.dyn_into::<Error>()
            .unwrap_or_else(|_| Error::new("the recipe cannot be written as JSON"))
    })?;
    json.as_string().map(String::into_bytes).ok_or_else(|| {
        Error::new("a recipe is an object, a JSON or YAML string, or a Uint8Array of one")
    })
}

/// A Rust value as plain JS data: exactly what `JSON.parse` makes of the JSON that the CLI prints.
///
/// Going through JSON text keeps integers beyond 2^53 readable (as the nearest double, where a direct conversion
/// would fail), and keeps the module smaller than a second, JS-specific serializer of every type would.
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, Error> {
    let text = serde_json::to_string(value).map_err(into_error)?;
    JSON::parse(&text).map_err(|_| Error::new("serde_json wrote JSON that JSON.parse rejects"))
}

/// An argument that JS passed in the wrong shape (a missing field, an unknown value) as a JS `Error`.
pub fn invalid_argument(what: &str, err: serde_wasm_bindgen::Error) -> Error {
    let cause: Error = JsValue::from(err).unchecked_into();
    Error::new(&format!(
        "invalid {what}: {}",
        String::from(cause.message())
    ))
}

/// An argument read as its JSON text, so that serde's `deny_unknown_fields` refuses a misspelled field: going through
/// serde-wasm-bindgen instead would read only the fields it knows and silently drop the rest.
pub fn from_json_text<T: DeserializeOwned>(what: &str, value: &JsValue) -> Result<T, Error> {
    let text = JSON::stringify(value)
        .ok()
        .and_then(|text| text.as_string())
        .ok_or_else(|| Error::new(&format!("invalid {what}: not serializable as JSON")))?;
    serde_json::from_str(&text).map_err(|e| Error::new(&format!("invalid {what}: {e}")))
}

/// An optional argument: `None` for `undefined` and `null`.
pub fn optional(value: &JsValue) -> Option<&JsValue> {
    (!value.is_undefined() && !value.is_null()).then_some(value)
}

/// The plan options for a target argument (`{keda, kubernetes}`, each optional; `undefined` or `null` for the
/// defaults), read as its JSON text so that a misspelled field is refused.
pub fn plan_options(target: Option<&JsValue>) -> Result<corrino_core::PlanOptions, Error> {
    let target = match target.and_then(optional) {
        Some(value) => from_json_text("target", value)?,
        None => corrino_core::Target::default(),
    };
    Ok(corrino_core::PlanOptions {
        target,
        ..corrino_core::PlanOptions::default()
    })
}
