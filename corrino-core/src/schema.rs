//! The recipe format as a JSON Schema (draft 2020-12), derived from the Rust types (cargo feature `schema`).
//!
//! Editors use it to complete and check recipes as they are typed; it accepts what corrino's parser accepts
//! structurally (the rules beyond structure, such as GPU counts against shapes, are only in [`mod@crate::plan`]).

use crate::recipe::Recipe;

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

#[cfg(test)]
mod tests {
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
