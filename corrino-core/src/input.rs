//! The offending input of each diagnostic: the value at its path in the document as read, written into the
//! diagnostic's `input` once planning is done (one pass for every rule, rather than each rule copying what it
//! saw), and cut to a bounded size so that a diagnostic never carries a megabyte of recipe.
//!
//! The bounds ([`MAX_INPUT_CHARS`], [`MAX_INPUT_ITEMS`], [`MAX_INPUT_DEPTH`]) keep every input under a few
//! kilobytes however large the value is; `docs/diagnostics.md` states them for users.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::diagnostic::Diagnostic;
use crate::document::Node;

/// The most characters of a string kept; a longer one keeps these and ends with `…`.
pub const MAX_INPUT_CHARS: usize = 100;

/// The most elements of an array, or members of an object, kept; the rest are counted in a final `"… N more"`
/// element (an array) or a `"…"` member whose value is `"N more"` (an object).
pub const MAX_INPUT_ITEMS: usize = 10;

/// How deep arrays and objects are shown below the value: its own elements or members, and theirs; arrays and
/// objects deeper than that are written as `"[…]"` and `"{…}"`.
pub const MAX_INPUT_DEPTH: usize = 2;

/// Objects with more members than this are looked up through an index built on first use, so that many
/// diagnostics in one large object (every unknown field of a hostile recipe) cost linear time, not quadratic.
const INDEXED_MEMBERS: usize = 16;

/// The most diagnostics of one planning that get their input: a hostile recipe has hundreds of thousands of problems
/// (every key of a megabyte repeated), and an input for each would take more memory than the recipe's own tree. A
/// deployment group's members count against the same budget. Past it, `input` is absent.
pub const MAX_INPUTS: usize = 1000;

/// Sets the `input` of every diagnostic whose path points at a value of `document`, and leaves it absent for the
/// others (a missing field, a path into another document), while `budget` (taken from [`MAX_INPUTS`]) lasts.
pub fn attach<'d>(
    document: &Node<'_>,
    diagnostics: impl IntoIterator<Item = &'d mut Diagnostic>,
    budget: &mut usize,
) {
    let mut lookup = Lookup::new(document);
    for diagnostic in diagnostics {
        if *budget == 0 {
            return;
        }
        *budget -= 1;
        diagnostic.input = lookup
            .find(&diagnostic.path)
            .map(|node| Box::new(summary(node, 0)));
    }
}

/// Finds the node at a JSON pointer, remembering the indexes of large objects between calls.
struct Lookup<'n, 'a> {
    root: &'n Node<'a>,
    /// By the address of the object's member list: its members by key, the last of duplicates winning (as
    /// [`Node::get`] reads them).
    indexes: HashMap<usize, HashMap<&'n str, &'n Node<'a>>>,
}

impl<'n, 'a> Lookup<'n, 'a> {
    fn new(root: &'n Node<'a>) -> Self {
        Lookup {
            root,
            indexes: HashMap::new(),
        }
    }

    /// The node at `pointer` (RFC 6901), `None` when nothing is there or the pointer is not one.
    fn find(&mut self, pointer: &str) -> Option<&'n Node<'a>> {
        if pointer.is_empty() {
            return Some(self.root);
        }
        let mut node = self.root;
        for token in pointer.strip_prefix('/')?.split('/') {
            node = match node {
                Node::Object(members) => {
                    let key = unescape(token);
                    if members.len() > INDEXED_MEMBERS {
                        let index = self
                            .indexes
                            .entry(members.as_ptr() as usize)
                            .or_insert_with(|| {
                                members.iter().map(|(k, v)| (k.as_ref(), v)).collect()
                            });
                        *index.get(key.as_str())?
                    } else {
                        members
                            .iter()
                            .rev()
                            .find(|(k, _)| *k == key)
                            .map(|(_, v)| v)?
                    }
                }
                Node::Array(items) => items.get(array_index(token)?)?,
                _ => return None,
            };
        }
        Some(node)
    }
}

/// A reference token with `~1` and `~0` read back as `/` and `~`.
fn unescape(token: &str) -> String {
    if token.contains('~') {
        token.replace("~1", "/").replace("~0", "~")
    } else {
        token.to_owned()
    }
}

/// An array index as RFC 6901 writes it: digits, without a leading zero.
fn array_index(token: &str) -> Option<usize> {
    let digits = !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit());
    (digits && (token == "0" || !token.starts_with('0')))
        .then(|| token.parse().ok())
        .flatten()
}

/// `node` as JSON within the bounds, `depth` levels below the diagnostic's value.
fn summary(node: &Node<'_>, depth: usize) -> Value {
    match node {
        Node::Null => Value::Null,
        Node::Bool(b) => Value::Bool(*b),
        Node::Int(i) => i64::try_from(*i)
            .map(Value::from)
            .or_else(|_| u64::try_from(*i).map(Value::from))
            // Beyond 64 bits (a YAML integer): the nearest float, as a JSON reader would take it.
            .unwrap_or_else(|_| float(*i as f64, None)),
        Node::Float { value, written } => float(*value, *written),
        Node::String(text) => Value::String(cut(text)),
        Node::Array(items) if depth >= MAX_INPUT_DEPTH && !items.is_empty() => "[…]".into(),
        Node::Object(members) if depth >= MAX_INPUT_DEPTH && !members.is_empty() => "{…}".into(),
        Node::Array(items) => {
            let mut out: Vec<Value> = items
                .iter()
                .take(MAX_INPUT_ITEMS)
                .map(|item| summary(item, depth + 1))
                .collect();
            if items.len() > MAX_INPUT_ITEMS {
                out.push(format!("… {} more", items.len() - MAX_INPUT_ITEMS).into());
            }
            Value::Array(out)
        }
        Node::Object(members) => {
            // Duplicate keys: the last value, as the reader uses it; the first MAX_INPUT_ITEMS keys in document
            // order.
            let mut out = Map::new();
            let mut more = 0;
            for (key, value) in members {
                if out.contains_key(key.as_ref()) || out.len() < MAX_INPUT_ITEMS {
                    out.insert(cut(key), summary(value, depth + 1));
                } else {
                    more += 1;
                }
            }
            if more > 0 {
                out.insert("…".into(), format!("{more} more").into());
            }
            Value::Object(out)
        }
    }
}

/// A float as JSON: a number when finite; else the number's text as written (`1e400`), or as YAML writes it
/// (`.inf`, `-.inf`, `.nan`), since JSON has no such numbers.
fn float(value: f64, written: Option<&str>) -> Value {
    match serde_json::Number::from_f64(value) {
        Some(number) => Value::Number(number),
        None => Value::String(match written {
            Some(text) => cut(text),
            None if value.is_nan() => ".nan".into(),
            None if value > 0.0 => ".inf".into(),
            None => "-.inf".into(),
        }),
    }
}

/// `text` cut to [`MAX_INPUT_CHARS`] characters, with `…` after a cut.
fn cut(text: &str) -> String {
    match text.char_indices().nth(MAX_INPUT_CHARS) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Code;
    use crate::document::{Format, read};
    use serde_json::json;

    fn inputs(document: &str, paths: &[&str]) -> Vec<Option<Value>> {
        let (node, _) = read(document.as_bytes(), Format::Auto);
        let node = node.expect("a document");
        let mut diagnostics: Vec<Diagnostic> = paths
            .iter()
            .map(|p| Diagnostic::error(*p, Code::WrongType, "m"))
            .collect();
        let mut budget = usize::MAX;
        attach(&node, diagnostics.iter_mut(), &mut budget);
        diagnostics
            .into_iter()
            .map(|d| d.input.map(|v| *v))
            .collect()
    }

    #[test]
    fn inputs_are_the_values_at_the_paths() {
        let found = inputs(
            r#"{"a": {"b/c": [1, "x", null], "m~n": true}, "d": 2.5, "d": 3}"#,
            &[
                "/a/b~1c/1",
                "/a/m~0n",
                "/a/b~1c",
                "/d",
                "/a/b~1c/2",
                "/missing",
                "/a/b~1c/3",
                "/a/b~1c/01",
                "/d/x",
                "",
                "no-slash",
            ],
        );
        assert_eq!(
            found,
            [
                Some(json!("x")),
                Some(json!(true)),
                Some(json!([1, "x", null])),
                // The last of a duplicated key, as the recipe reader uses it.
                Some(json!(3)),
                Some(Value::Null),
                None,
                None,
                None,
                None,
                Some(json!({"a": {"b/c": "[…]", "m~n": true}, "d": 3})),
                None,
            ]
        );
    }

    #[test]
    fn large_values_are_cut_to_their_bounds() {
        let long = "é".repeat(150);
        let items: Vec<u32> = (0..25).collect();
        let members: Map<String, Value> = (0..30).map(|i| (format!("k{i:02}"), json!(i))).collect();
        let document =
            json!({"s": long, "a": items, "o": members, "deep": [[[1]], {"x": {"y": 1}}, [], {}]});
        let found = inputs(&document.to_string(), &["/s", "/a", "/o", "/deep"]);
        let cut_string = format!("{}…", "é".repeat(MAX_INPUT_CHARS));
        assert_eq!(found[0], Some(Value::String(cut_string)));
        let mut first: Vec<Value> = (0..10).map(|i| json!(i)).collect();
        first.push(json!("… 15 more"));
        assert_eq!(found[1], Some(Value::Array(first)));
        let object = found[2]
            .as_ref()
            .and_then(Value::as_object)
            .expect("an object");
        assert_eq!(object.len(), MAX_INPUT_ITEMS + 1);
        assert_eq!(object["k00"], json!(0));
        assert_eq!(object["k09"], json!(9));
        assert_eq!(object["…"], json!("20 more"));
        // Containers two levels below the value are written as markers; empty ones as they are.
        assert_eq!(found[3], Some(json!([["[…]"], {"x": "{…}"}, [], {}])));
    }

    #[test]
    fn numbers_json_cannot_hold_are_written_as_text() {
        let (node, _) = read(b"a: .inf\nb: -.inf\nc: .nan\n", Format::Yaml);
        let node = node.expect("a document");
        let mut diagnostics: Vec<Diagnostic> = ["/a", "/b", "/c"]
            .iter()
            .map(|p| Diagnostic::error(*p, Code::WrongType, "m"))
            .collect();
        let mut budget = usize::MAX;
        attach(&node, diagnostics.iter_mut(), &mut budget);
        let found: Vec<_> = diagnostics
            .into_iter()
            .map(|d| d.input.map(|v| *v))
            .collect();
        assert_eq!(
            found,
            [
                Some(json!(".inf")),
                Some(json!("-.inf")),
                Some(json!(".nan"))
            ]
        );
        // Beyond 64 bits, JSON's integers are read as the nearest float.
        let found = inputs(r#"{"huge": 99999999999999999999}"#, &["/huge"]);
        assert_eq!(found, [Some(json!(1e20))]);
    }

    #[test]
    fn many_lookups_in_one_large_object_stay_linear() {
        // 20 000 members, each looked up: with the index this is a few milliseconds; a scan per lookup would take
        // 200 million comparisons.
        let members: Map<String, Value> =
            (0..20_000).map(|i| (format!("k{i}"), json!(i))).collect();
        let text = Value::Object(members).to_string();
        let paths: Vec<String> = (0..20_000).map(|i| format!("/k{i}")).collect();
        let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
        let found = inputs(&text, &paths);
        assert_eq!(found[19_999], Some(json!(19_999)));
        assert!(found.iter().all(Option::is_some));
    }

    #[test]
    fn inputs_stop_when_the_budget_is_spent() {
        let (node, _) = read(br#"{"a": 1, "b": 2, "c": 3}"#, Format::Json);
        let node = node.expect("a document");
        let mut diagnostics: Vec<Diagnostic> = ["/a", "/b", "/c"]
            .iter()
            .map(|p| Diagnostic::error(*p, Code::WrongType, "m"))
            .collect();
        let mut budget = 2;
        attach(&node, diagnostics.iter_mut(), &mut budget);
        let found: Vec<_> = diagnostics
            .into_iter()
            .map(|d| d.input.map(|v| *v))
            .collect();
        assert_eq!(found, [Some(json!(1)), Some(json!(2)), None]);
        assert_eq!(budget, 0);
    }
}
