//! JSON Schemas (draft 2020-12) derived from the Rust types (cargo feature `schema`), so that nothing written
//! elsewhere can drift from them:
//!
//! - [`recipe_schema`], the recipe format: editors use it to complete and check recipes as they are typed; it
//!   accepts what corrino's parser accepts structurally (the rules beyond structure, such as GPU counts against
//!   shapes, are only in [`mod@crate::plan`]);
//! - [`api_schema`], the values the library takes and gives (render options, plans, diagnostics): the TypeScript
//!   declarations of the WebAssembly module and the Python package's typed dictionaries are generated from it.

use crate::diagnostic::Diagnostic;
use crate::manifest::RenderOptions;
use crate::plan::Preview;
use crate::recipe::Recipe;
use crate::shape::Shape;
use crate::target::Target;

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
/// the releases that planning and simulation take.
#[must_use]
pub fn api_schema() -> serde_json::Value {
    let mut generator = schemars::generate::SchemaSettings::draft2020_12().into_generator();
    let roots = [
        ("RenderOptions", generator.subschema_for::<RenderOptions>()),
        ("Plan", generator.subschema_for::<Preview>()),
        ("Diagnostic", generator.subschema_for::<Diagnostic>()),
        ("Shape", generator.subschema_for::<Shape>()),
        ("Target", generator.subschema_for::<Target>()),
    ];
    let definitions = generator.take_definitions(true);
    let properties: serde_json::Map<String, serde_json::Value> = roots
        .into_iter()
        .map(|(name, schema)| (name.to_owned(), schema.to_value()))
        .collect();
    serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": API_SCHEMA_ID,
        "title": "corrino API",
        "description": "The values corrino's library takes and gives, one property per value.",
        "type": "object",
        "properties": properties,
        "$defs": definitions,
    })
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
