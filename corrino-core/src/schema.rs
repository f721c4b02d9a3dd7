//! JSON Schemas (draft 2020-12) derived from the Rust types (cargo feature `schema`), so that nothing written
//! elsewhere can drift from them:
//!
//! - [`recipe_schema`], the recipe format: editors use it to complete and check recipes as they are typed; it
//!   accepts what corrino's parser accepts structurally (the rules beyond structure, such as GPU counts against
//!   shapes, are only in [`mod@crate::plan`]);
//! - [`api_schema`], the values the library takes and gives (render options, plans, diagnostics, scenarios,
//!   simulations, searches): the TypeScript declarations of the WebAssembly modules and the Python package's typed
//!   dictionaries are generated from it.

use crate::diagnostic::Diagnostic;
use crate::manifest::RenderOptions;
use crate::plan::Preview;
use crate::recipe::Recipe;
use crate::shape::Shape;
use crate::sim::{Scenario, ScenarioError, Simulation};
use crate::target::Target;
use crate::tune::{SearchSpace, TuneResult};

/// The schema's `$id`.
pub const SCHEMA_ID: &str = "https://corrino.invalid/recipe.schema.json";

/// The JSON Schema of a recipe.
#[must_use]
pub fn recipe_schema() -> serde_json::Value {
    let mut schema = schemars::schema_for!(Recipe).to_value();
    without_null(&mut schema);
    if let Some(object) = schema.as_object_mut() {
        object.insert("$id".into(), SCHEMA_ID.into());
        object.insert(
            "title".into(),
            "OCI AI Blueprints recipe (the body of POST /deployment)".into(),
        );
    }
    schema
}

/// Removes the `null` that schemars allows for `Option` fields: an absent field is fine, but a field written as
/// `null` is an error for corrino, as it is for upstream's schema.
fn without_null(schema: &mut serde_json::Value) {
    use serde_json::Value;
    match schema {
        Value::Object(map) => {
            if let Some(Value::Array(types)) = map.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let only = types.remove(0);
                    map.insert("type".into(), only);
                }
            }
            if let Some(Value::Array(options)) = map.get_mut("anyOf") {
                options.retain(|o| o.get("type").is_none_or(|t| t != "null"));
                if options.len() == 1
                    && let Some(Value::Object(only)) = options.pop()
                {
                    map.remove("anyOf");
                    for (k, v) in only {
                        map.entry(k).or_insert(v);
                    }
                }
            }
            for value in map.values_mut() {
                without_null(value);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(without_null),
        _ => {}
    }
}

/// The schema as pretty JSON with a final newline, as `fixtures/recipe.schema.json` holds it.
#[must_use]
pub fn recipe_schema_text() -> String {
    let mut text = serde_json::to_string_pretty(&recipe_schema()).unwrap_or_default();
    text.push('\n');
    text
}

/// The `$id` of the API schema.
pub const API_SCHEMA_ID: &str = "https://corrino.invalid/api.schema.json";

/// The values of the library's API, each a definition of one schema (`$defs`) named as the faces name it: `Plan` is
/// a plan as `corrino plan` prints it (a [`Preview`]), `RenderOptions` the options of every render function, `Target`
/// the releases that planning and simulation take, `Scenario` and `SearchSpace` what a simulation and a search take, `Simulation` and `TuneResult` what they give,
/// `ScenarioError` why a scenario is refused.
///
/// What the library takes is described as serde reads it (a field with a default may be left out); what it gives,
/// as serde writes it (a field is always there unless it is skipped when empty, `null` included), so that readers of
/// a plan or a simulation are told which fields they can count on. A type that is both taken and given (the
/// serving model) is described as it is read; `api_definitions` keeps the two descriptions of such a type apart
/// for the test that checks they differ only in which fields are required.
#[must_use]
pub fn api_schema() -> serde_json::Value {
    let (roots, definitions) = api_definitions();
    let mut merged = definitions.read;
    for (name, schema) in definitions.written {
        merged.entry(name).or_insert(schema);
    }
    let mut merged: serde_json::Value =
        merged.into_iter().collect::<serde_json::Map<_, _>>().into();
    without_doc_links(&mut merged);
    serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": API_SCHEMA_ID,
        "title": "corrino API",
        "description": "The values corrino's library takes and gives, one property per value.",
        "type": "object",
        "properties": roots,
        "$defs": merged,
    })
}

/// Descriptions without rustdoc's links, which mean nothing to the TypeScript and Python readers of the API:
/// ``[`super::scenario::MAX_ROWS`]`` becomes `` `MAX_ROWS` `` (a path's lowercase modules dropped, a type's member
/// kept), ``[`Plan`](super::Plan)`` becomes `` `Plan` ``.
fn without_doc_links(schema: &mut serde_json::Value) {
    use serde_json::Value;
    match schema {
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                match value {
                    Value::String(text) if key == "description" => *text = unlinked(text),
                    other => without_doc_links(other),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(without_doc_links),
        _ => {}
    }
}

/// `text` with each ``[`path`]`` (and its `(target)`, if any) written as `` `name` ``.
fn unlinked(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("[`") {
        let Some(length) = rest[start + 2..].find("`]") else {
            break;
        };
        let path = &rest[start + 2..start + 2 + length];
        out.push_str(&rest[..start]);
        let mut segments: Vec<&str> = path.split("::").collect();
        while segments.len() > 1 && segments[0].starts_with(|c: char| c.is_ascii_lowercase()) {
            segments.remove(0);
        }
        out.push('`');
        out.push_str(&segments.join("::"));
        out.push('`');
        rest = &rest[start + 2 + length + 2..];
        // A link's target, `(super::Plan)`, goes with it.
        if rest.starts_with('(')
            && let Some(end) = rest.find(')')
        {
            rest = &rest[end + 1..];
        }
    }
    out.push_str(rest);
    out
}

/// The definitions of the API's values as read and as written, by name.
struct ApiDefinitions {
    read: std::collections::BTreeMap<String, serde_json::Value>,
    written: std::collections::BTreeMap<String, serde_json::Value>,
}

/// The root values (as `$ref`s, by face name) and every definition they use.
fn api_definitions() -> (serde_json::Map<String, serde_json::Value>, ApiDefinitions) {
    use schemars::generate::SchemaSettings;
    let mut read = SchemaSettings::draft2020_12().into_generator();
    let mut written = SchemaSettings::draft2020_12()
        .for_serialize()
        .into_generator();
    let roots = [
        ("RenderOptions", read.subschema_for::<RenderOptions>()),
        ("Scenario", read.subschema_for::<Scenario>()),
        ("SearchSpace", read.subschema_for::<SearchSpace>()),
        ("Target", read.subschema_for::<Target>()),
        ("Plan", written.subschema_for::<Preview>()),
        ("Diagnostic", written.subschema_for::<Diagnostic>()),
        ("Shape", written.subschema_for::<Shape>()),
        ("Simulation", written.subschema_for::<Simulation>()),
        ("ScenarioError", written.subschema_for::<ScenarioError>()),
        ("TuneResult", written.subschema_for::<TuneResult>()),
    ];
    let roots = roots
        .into_iter()
        .map(|(name, schema)| (name.to_owned(), schema.to_value()))
        .collect();
    let definitions = ApiDefinitions {
        read: read.take_definitions(true).into_iter().collect(),
        written: written.take_definitions(true).into_iter().collect(),
    };
    (roots, definitions)
}

/// The API schema as pretty JSON with a final newline, as `fixtures/api.schema.json` holds it.
#[must_use]
pub fn api_schema_text() -> String {
    let mut text = serde_json::to_string_pretty(&api_schema()).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    #[test]
    fn descriptions_lose_their_doc_links() {
        assert_eq!(
            super::unlinked("at most [`super::scenario::MAX_ROWS`] rows"),
            "at most `MAX_ROWS` rows"
        );
        assert_eq!(
            super::unlinked("a [`Plan`](super::Plan), [`TuneResult::records`]"),
            "a `Plan`, `TuneResult::records`"
        );
        assert_eq!(super::unlinked("[`a` b"), "[`a` b");
    }

    /// A type both read and written is described once, as read: that is right for its readers only if the two
    /// descriptions differ in nothing but which fields are required.
    #[test]
    fn types_read_and_written_differ_only_in_required_fields() {
        fn without_required(schema: &serde_json::Value) -> serde_json::Value {
            match schema {
                serde_json::Value::Object(map) => map
                    .iter()
                    .filter(|(k, _)| *k != "required")
                    .map(|(k, v)| (k.clone(), without_required(v)))
                    .collect(),
                serde_json::Value::Array(items) => items.iter().map(without_required).collect(),
                other => other.clone(),
            }
        }
        let (_, definitions) = super::api_definitions();
        let mut shared = Vec::new();
        for (name, written) in &definitions.written {
            if let Some(read) = definitions.read.get(name) {
                assert_eq!(
                    without_required(read),
                    without_required(written),
                    "`{name}` is read and written in different shapes: give one of them its own name"
                );
                shared.push(name.as_str());
            }
        }
        // The serving model is a scenario's field and a simulation's setting.
        assert!(shared.contains(&"ServingModel"), "{shared:?}");
    }

    /// The committed API schema is the one the types produce; regenerate with `UPDATE_GOLDEN=1 cargo test`.
    #[test]
    fn committed_api_schema_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/api.schema.json");
        let text = super::api_schema_text();
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            std::fs::write(path, &text).unwrap();
            return;
        }
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            committed == text,
            "fixtures/api.schema.json is stale: run `UPDATE_GOLDEN=1 cargo test -p corrino-core --features schema` (or `corrino schema --api > fixtures/api.schema.json`)"
        );
    }

    /// The committed schema is the one the types produce; regenerate with `UPDATE_GOLDEN=1 cargo test`.
    #[test]
    fn committed_schema_is_current() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../fixtures/recipe.schema.json"
        );
        let text = super::recipe_schema_text();
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            std::fs::write(path, &text).unwrap();
            return;
        }
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            committed == text,
            "fixtures/recipe.schema.json is stale: run `UPDATE_GOLDEN=1 cargo test -p corrino-core --features schema` (or `corrino schema > fixtures/recipe.schema.json`)"
        );
    }
}
