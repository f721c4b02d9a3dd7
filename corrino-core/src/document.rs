//! Reading untrusted bytes into a bounded, generic tree.
//!
//! Recipes arrive from users, files and browsers. Before any typed conversion, the bytes are read into a [`Node`]
//! tree so that every later problem can be reported with its path, and so that no input can exhaust memory or
//! the stack: input is capped at [`MAX_INPUT_BYTES`] and nesting at [`MAX_DEPTH`]. Duplicate keys are kept (the
//! last one wins, as upstream's Python parser does) and reported.

use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::diagnostic::{At, Code, Diagnostic, Diagnostics, Pointer};

/// The largest recipe accepted, in bytes (1 MiB). Real recipes are a few kilobytes; the cap keeps a stray
/// 100 MB upload from being parsed at all.
pub const MAX_INPUT_BYTES: usize = 1024 * 1024;

/// The deepest nesting of arrays and objects accepted. Real recipes nest four levels.
pub const MAX_DEPTH: usize = 64;

/// A JSON/YAML value, with object members kept in document order (duplicates included).
///
/// Strings and keys borrow from the input where they can (JSON strings without escapes): reading a recipe then
/// allocates little beyond the tree itself.
#[derive(Clone, Debug, PartialEq)]
pub enum Node<'a> {
    /// `null` (JSON) or `~`/empty (YAML).
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// An integer that fits in 64 bits (signed or unsigned).
    Int(i128),
    /// Any other number.
    Float(f64),
    /// A string.
    String(Cow<'a, str>),
    /// An array.
    Array(Vec<Node<'a>>),
    /// An object: members in document order, duplicate keys kept.
    Object(Vec<(Cow<'a, str>, Node<'a>)>),
}

impl<'a> Node<'a> {
    /// The JSON type name, for messages ("expected a string, found an array").
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Node::Null => "null",
            Node::Bool(_) => "a boolean",
            Node::Int(_) | Node::Float(_) => "a number",
            Node::String(_) => "a string",
            Node::Array(_) => "an array",
            Node::Object(_) => "an object",
        }
    }

    /// The member `key` of an object (the last one when the key is duplicated).
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Node<'a>> {
        match self {
            Node::Object(members) => members.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Converts to a `serde_json::Value` (duplicate keys: the last one wins).
    #[must_use]
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match self {
            Node::Null => Value::Null,
            Node::Bool(b) => Value::Bool(*b),
            Node::Int(i) => i64::try_from(*i)
                .map(Value::from)
                .or_else(|_| u64::try_from(*i).map(Value::from))
                .unwrap_or(Value::Null),
            Node::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
            Node::String(s) => Value::String(s.to_string()),
            Node::Array(items) => Value::Array(items.iter().map(Node::to_json).collect()),
            Node::Object(members) => {
                let mut map = serde_json::Map::new();
                for (k, v) in members {
                    map.insert(k.to_string(), v.to_json());
                }
                Value::Object(map)
            }
        }
    }

    /// Builds a tree from a `serde_json::Value` (for callers that already hold parsed JSON, such as bindings).
    /// Depth is not bounded here: `serde_json` values are built by trusted code.
    #[must_use]
    pub fn from_json(value: &'a serde_json::Value) -> Node<'a> {
        use serde_json::Value;
        match value {
            Value::Null => Node::Null,
            Value::Bool(b) => Node::Bool(*b),
            Value::Number(n) => {
                if let Some(i) = n.as_i64() {
                    Node::Int(i128::from(i))
                } else if let Some(u) = n.as_u64() {
                    Node::Int(i128::from(u))
                } else {
                    Node::Float(n.as_f64().unwrap_or(f64::NAN))
                }
            }
            Value::String(s) => Node::String(Cow::Borrowed(s)),
            Value::Array(items) => Node::Array(items.iter().map(Node::from_json).collect()),
            Value::Object(map) => Node::Object(
                map.iter()
                    .map(|(k, v)| (Cow::Borrowed(k.as_str()), Node::from_json(v)))
                    .collect(),
            ),
        }
    }
}

/// The text format of a recipe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Format {
    /// JSON when the first non-blank character is `{` or `[`, else YAML.
    #[default]
    Auto,
    /// JSON only.
    Json,
    /// YAML (which also reads most JSON).
    Yaml,
}

/// Reads `input` into a tree. Never panics: every failure becomes a diagnostic, and the tree is `None` when the
/// input could not be read at all. Non-fatal findings (duplicate keys) come with a tree.
#[must_use]
pub fn read(input: &[u8], format: Format) -> (Option<Node<'_>>, Diagnostics) {
    let mut diagnostics = Diagnostics::new();
    if input.len() > MAX_INPUT_BYTES {
        diagnostics.push(
            Diagnostic::error(
                "",
                Code::InputTooLarge,
                format!("the recipe is larger than {MAX_INPUT_BYTES} bytes (1 MiB), the limit for one recipe"),
            )
            .with_hint("a recipe is a few kilobytes: check that the right file was given"),
        );
        return (None, diagnostics);
    }
    let text = match std::str::from_utf8(input) {
        Ok(text) => text,
        Err(e) => {
            let (line, column) = line_column(input, e.valid_up_to());
            diagnostics.push(Diagnostic::error(
                "",
                Code::InvalidUtf8,
                format!(
                    "the recipe is not valid UTF-8: bad byte at line {line}, column {column} (offset {})",
                    e.valid_up_to()
                ),
            ));
            return (None, diagnostics);
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        diagnostics.push(Diagnostic::error(
            "",
            Code::EmptyInput,
            "the recipe is empty",
        ));
        return (None, diagnostics);
    }
    let json = match format {
        Format::Json => true,
        Format::Yaml => false,
        Format::Auto => text.trim_start().starts_with(['{', '[']),
    };
    let too_deep = Cell::new(false);
    let seed = NodeSeed {
        depth: 0,
        too_deep: &too_deep,
    };
    let result = if json {
        read_json(text, seed)
    } else {
        read_yaml(text, seed)
    };
    match result {
        Ok(node) => {
            report_duplicates(&node, &At::Pointer(&Pointer::root()), &mut diagnostics);
            (Some(node), diagnostics)
        }
        Err(message) if too_deep.get() => {
            diagnostics.push(Diagnostic::error(
                "",
                Code::TooDeep,
                format!(
                    "the recipe nests arrays or objects more than {MAX_DEPTH} levels deep ({})",
                    message.trim_start_matches(&format!("nesting deeper than {MAX_DEPTH} levels ")),
                ),
            ));
            (None, diagnostics)
        }
        Err(message) => {
            let what = if json { "JSON" } else { "YAML" };
            diagnostics.push(Diagnostic::error(
                "",
                Code::Syntax,
                format!("the recipe is not valid {what}: {message}"),
            ));
            (None, diagnostics)
        }
    }
}

fn read_json<'a>(text: &'a str, seed: NodeSeed<'_>) -> Result<Node<'a>, String> {
    let mut de = serde_json::Deserializer::from_str(text);
    // Our own depth bound (MAX_DEPTH) is lower than serde_json's, so it always triggers first.
    let node = seed.deserialize(&mut de).map_err(|e| e.to_string())?;
    de.end().map_err(|e| e.to_string())?;
    Ok(node)
}

fn read_yaml<'a>(text: &'a str, seed: NodeSeed<'_>) -> Result<Node<'a>, String> {
    let mut documents = yaml_serde::Deserializer::from_str(text);
    let Some(first) = documents.next() else {
        return Err("no YAML document".to_owned());
    };
    let node = seed.deserialize(first).map_err(|e| e.to_string())?;
    if documents.next().is_some() {
        return Err(
            "the file holds more than one YAML document; give one recipe per file".to_owned(),
        );
    }
    Ok(node)
}

fn line_column(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
    (line, column)
}

fn report_duplicates(node: &Node, at: &At<'_>, diagnostics: &mut Diagnostics) {
    match node {
        Node::Object(members) => {
            for (i, (key, value)) in members.iter().enumerate() {
                if members[i + 1..].iter().any(|(k, _)| k == key) {
                    diagnostics.push(
                        Diagnostic::warning(
                            &at.key(key),
                            Code::DuplicateKey,
                            format!("`{key}` is written more than once in this object; the last value is used"),
                        )
                        .with_hint("remove all but one"),
                    );
                }
                report_duplicates(value, &at.key(key), diagnostics);
            }
        }
        Node::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                report_duplicates(item, &at.index(i), diagnostics);
            }
        }
        _ => {}
    }
}

/// Builds a [`Node`] while counting depth; sets `too_deep` and fails past [`MAX_DEPTH`].
#[derive(Clone, Copy)]
struct NodeSeed<'a> {
    depth: usize,
    too_deep: &'a Cell<bool>,
}

impl<'de> DeserializeSeed<'de> for NodeSeed<'_> {
    type Value = Node<'de>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Node<'de>, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl NodeSeed<'_> {
    fn deeper<E: de::Error>(self) -> Result<Self, E> {
        if self.depth >= MAX_DEPTH {
            self.too_deep.set(true);
            return Err(E::custom(format!("nesting deeper than {MAX_DEPTH} levels")));
        }
        Ok(NodeSeed {
            depth: self.depth + 1,
            too_deep: self.too_deep,
        })
    }
}

impl<'de> Visitor<'de> for NodeSeed<'_> {
    type Value = Node<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON or YAML value")
    }

    fn visit_unit<E>(self) -> Result<Node<'de>, E> {
        Ok(Node::Null)
    }
    fn visit_none<E>(self) -> Result<Node<'de>, E> {
        Ok(Node::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node<'de>, D::Error> {
        self.deserialize(d)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Node<'de>, E> {
        Ok(Node::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Node<'de>, E> {
        Ok(Node::Int(i128::from(v)))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Node<'de>, E> {
        Ok(Node::Int(i128::from(v)))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Node<'de>, E> {
        Ok(Node::Int(v))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Node<'de>, E> {
        Ok(i128::try_from(v).map_or(Node::Float(v as f64), Node::Int))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Node<'de>, E> {
        Ok(Node::Float(v))
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Node<'de>, E> {
        Ok(Node::String(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Node<'de>, E> {
        Ok(Node::String(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<Node<'de>, E> {
        Ok(Node::String(Cow::Owned(v)))
    }
    fn visit_bytes<E: de::Error>(self, _: &[u8]) -> Result<Node<'de>, E> {
        Err(E::custom("binary values are not allowed in a recipe"))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node<'de>, A::Error> {
        let inner = self.deeper()?;
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(inner)? {
            items.push(item);
        }
        Ok(Node::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node<'de>, A::Error> {
        let inner = self.deeper()?;
        let mut members = Vec::new();
        while let Some(key) = map.next_key_seed(KeySeed)? {
            let value = map.next_value_seed(inner)?;
            members.push((key, value));
        }
        Ok(Node::Object(members))
    }
}

/// Object keys: strings, or YAML scalars written without quotes (`8000:`), turned into their text.
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Cow<'de, str>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string key")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_string()))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_string()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_string()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_string()))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed("null"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(input: &[u8]) -> Vec<Code> {
        read(input, Format::Auto).1.iter().map(|d| d.code).collect()
    }

    #[test]
    fn reads_json_and_yaml_to_the_same_tree() {
        let (json, d1) = read(br#"{"a": 1, "b": ["x", true, null, 1.5]}"#, Format::Auto);
        let (yaml, d2) = read(b"a: 1\nb: [x, true, ~, 1.5]\n", Format::Auto);
        assert!(d1.is_empty() && d2.is_empty());
        assert_eq!(json, yaml);
    }

    #[test]
    fn bad_inputs_become_diagnostics() {
        assert_eq!(codes(b""), vec![Code::EmptyInput]);
        assert_eq!(codes(b"  \n\t"), vec![Code::EmptyInput]);
        assert_eq!(codes(b"{\"a\": \xff}"), vec![Code::InvalidUtf8]);
        assert_eq!(codes(b"{\"a\": 1,}"), vec![Code::Syntax]);
        assert_eq!(codes(b"{\"a\": 1} {"), vec![Code::Syntax]);
        assert_eq!(
            codes(&vec![b' '; MAX_INPUT_BYTES + 1]),
            vec![Code::InputTooLarge]
        );
        assert_eq!(codes(b"a: 1\n---\nb: 2\n"), vec![Code::Syntax]);
    }

    #[test]
    fn depth_is_bounded_in_json_and_yaml() {
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert_eq!(codes(deep.as_bytes()), vec![Code::TooDeep]);
        let yaml = format!("a: {}1{}", "[".repeat(500), "]".repeat(500));
        assert_eq!(codes(yaml.as_bytes()), vec![Code::TooDeep]);
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(codes(ok.as_bytes()).is_empty());
    }

    #[test]
    fn duplicate_keys_warn_and_the_last_wins() {
        let (node, d) = read(br#"{"a": 1, "b": {"c": 1, "c": 2}, "a": 3}"#, Format::Auto);
        let node = node.unwrap();
        assert_eq!(node.get("a"), Some(&Node::Int(3)));
        let paths: Vec<&str> = d.iter().map(|d| d.path.as_str()).collect();
        assert_eq!(paths, vec!["/a", "/b/c"]);
        assert!(d.iter().all(|d| d.code == Code::DuplicateKey));
    }

    #[test]
    fn plain_json_strings_borrow_from_the_input_and_escaped_ones_are_decoded() {
        let (node, d) = read(br#"{"plain": "text", "esc\"aped": "a\nb"}"#, Format::Json);
        assert!(d.is_empty());
        let Some(Node::Object(members)) = node else {
            panic!("an object")
        };
        assert!(matches!(&members[0].0, Cow::Borrowed("plain")));
        assert!(matches!(&members[0].1, Node::String(Cow::Borrowed("text"))));
        assert_eq!(members[1].0, "esc\"aped");
        assert_eq!(members[1].1, Node::String(Cow::Owned("a\nb".to_owned())));
        // YAML strings are decoded by the YAML reader, and read the same.
        let (yaml, _) = read(b"plain: text\n", Format::Yaml);
        assert_eq!(
            yaml.unwrap().get("plain"),
            Some(&Node::String("text".into()))
        );
    }

    #[test]
    fn big_numbers_do_not_panic() {
        let (node, d) = read(br#"{"n": 99999999999999999999, "m": -1e308}"#, Format::Auto);
        assert!(d.is_empty());
        let node = node.unwrap();
        assert!(matches!(node.get("n"), Some(Node::Float(_) | Node::Int(_))));
        assert_eq!(codes(br#"{"n": 1e400}"#), vec![Code::Syntax]);
    }
}
