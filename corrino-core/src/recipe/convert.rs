//! Converting a [`Node`] tree into typed recipe values while collecting every structural problem.
//!
//! serde stops at the first error; a recipe author wants them all. So each typed value implements
//! [`FromNode`], which converts what it can, reports what it cannot (with its JSON pointer), and carries on.

use std::collections::{BTreeMap, HashSet};

use crate::diagnostic::{
    At, Code, Diagnostic, Diagnostics, Pointer, ShortNumber, did_you_mean, suggest,
};
use crate::document::Node;

/// How many unknown fields of one recipe get "did you mean" hints. Each search compares the key with every field
/// name of its object; a recipe of many thousands of unknown keys is not a recipe with typos, and the hints would cost
/// more than everything else.
pub const SUGGESTED_UNKNOWN_FIELDS: usize = 32;

/// Where conversion reports its problems, and which fields were present but unusable.
///
/// Later rules consult [`Sink::was_invalid`] so that a field with a wrong type is not also reported as missing.
#[derive(Debug, Default)]
pub struct Sink {
    /// Every problem found so far.
    pub diagnostics: Diagnostics,
    /// Looked up, never listed: a hash set (a recipe of 100,000 bad values made this a hot spot as a tree).
    invalid: HashSet<String>,
    unknown_fields: usize,
}

impl Sink {
    /// Records an error that makes the value at `at` unusable.
    pub fn invalid(&mut self, at: impl Into<String>, diagnostic: Diagnostic) {
        self.invalid.insert(at.into());
        self.diagnostics.push(diagnostic);
    }

    /// Records a problem that does not make the value unusable.
    pub fn note(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// Whether the value at `at` was present but could not be converted.
    #[must_use]
    pub fn was_invalid(&self, at: &Pointer) -> bool {
        self.invalid.contains(at.as_str())
    }

    /// Says, once the whole recipe is converted, how many unknown fields went without hints.
    pub fn summarize_unknown_fields(&mut self) {
        if self.unknown_fields > SUGGESTED_UNKNOWN_FIELDS {
            self.note(Diagnostic::note(
                "",
                Code::UnknownField,
                format!(
                    "the recipe has {} unknown fields; \"did you mean\" hints are given for the first {SUGGESTED_UNKNOWN_FIELDS} only",
                    self.unknown_fields
                ),
            ));
        }
    }
}

/// A value that can be built from a [`Node`], reporting problems into a [`Sink`].
pub trait FromNode: Sized {
    /// What the value should look like, for messages: "a string", "a non-negative integer".
    fn expected() -> String;

    /// Converts `node`; on failure reports into `sink` and returns `None`.
    fn from_node(node: &Node, at: &At<'_>, sink: &mut Sink) -> Option<Self>;
}

/// Reports that `node` has the wrong type for `T`.
pub fn wrong_type<T: FromNode>(node: &Node, at: &At<'_>, sink: &mut Sink) {
    let expected = T::expected();
    let mut d = Diagnostic::error(
        at,
        Code::WrongType,
        format!("expected {expected}, found {}", describe(node)),
    );
    if let Some(hint) = type_hint(&expected, node) {
        d = d.with_hint(hint);
    }
    sink.invalid(at, d);
}

fn describe(node: &Node) -> String {
    match node {
        Node::String(s) if s.chars().count() <= 40 => format!("the string {s:?}"),
        Node::Int(i) => format!("the number {i}"),
        Node::Float {
            written: Some(text),
            ..
        } => format!("the number {text}"),
        Node::Float { value, .. } => format!("the number {}", ShortNumber(*value)),
        Node::Bool(b) => format!("{b}"),
        other => other.kind().to_owned(),
    }
}

/// Whether a number's text is not 0 although it reads as 0 (`1e-400`, below the smallest float): a digit before
/// its exponent is not 0.
fn underflowed(text: &str) -> bool {
    text.split(['e', 'E'])
        .next()
        .is_some_and(|mantissa| mantissa.bytes().any(|b| matches!(b, b'1'..=b'9')))
}

fn type_hint(expected: &str, node: &Node) -> Option<String> {
    match node {
        Node::String(s) if expected.contains("integer") && s.trim().parse::<i64>().is_ok() => {
            Some(format!("write {} without quotes", s.trim()))
        }
        Node::String(s) if expected.contains("number") && s.trim().parse::<f64>().is_ok() => {
            Some(format!("write {} without quotes", s.trim()))
        }
        Node::String(s) if expected == "a boolean" && matches!(s.as_ref(), "true" | "false") => {
            Some(format!("write {s} without quotes"))
        }
        Node::Int(i) if expected == "a string" => Some(format!("write \"{i}\" in quotes")),
        Node::String(_) if expected.starts_with("an array") => {
            Some("put the value in a list: [\"…\"]".to_owned())
        }
        _ => None,
    }
}

/// Reports an unknown member `key` of an object whose known members are `known`.
pub fn unknown_field(key: &str, known: &[&str], at: &At<'_>, sink: &mut Sink) {
    let mut d = Diagnostic::error(
        &at.key(key),
        Code::UnknownField,
        format!("unknown field `{key}`"),
    );
    if sink.unknown_fields < SUGGESTED_UNKNOWN_FIELDS
        && let Some(hint) = did_you_mean(&suggest(key, known.iter().copied(), 2))
    {
        d = d.with_hint(hint);
    }
    sink.unknown_fields += 1;
    // Not recorded as invalid: rules ask about the fields they know, and an unknown field is none of them.
    sink.note(d);
}

/// Reports a required member `key` missing from the object at `at`.
pub fn missing_field(key: &str, at: &At<'_>, sink: &mut Sink) {
    sink.note(Diagnostic::error(
        &at.key(key),
        Code::MissingField,
        format!("`{key}` is required here"),
    ));
}

impl FromNode for String {
    fn expected() -> String {
        "a string".to_owned()
    }
    fn from_node(node: &Node, at: &At<'_>, sink: &mut Sink) -> Option<Self> {
        match node {
            Node::String(s) => Some(s.to_string()),
            other => {
                wrong_type::<Self>(other, at, sink);
                None
            }
        }
    }
}

impl FromNode for bool {
    fn expected() -> String {
        "a boolean".to_owned()
    }
    fn from_node(node: &Node, at: &At<'_>, sink: &mut Sink) -> Option<Self> {
        match node {
            Node::Bool(b) => Some(*b),
            other => {
                wrong_type::<Self>(other, at, sink);
                None
            }
        }
    }
}

/// An integer from a node: integers, and floats with no fractional part (JSON Schema's "integer"), but not a
/// number whose text shows it is none (`1e-400`, read as 0).
fn integer(node: &Node) -> Option<i128> {
    match node {
        Node::Int(i) => Some(*i),
        Node::Float { value, written }
            if value.fract() == 0.0
                && value.abs() < 1e18
                && !(*value == 0.0 && written.is_some_and(underflowed)) =>
        {
            #[allow(clippy::cast_possible_truncation)]
            Some(*value as i128)
        }
        _ => None,
    }
}

/// Whether `node` is an integer too large for any field (beyond 10¹⁸), read as a float; `Some(true)` when negative.
fn huge_integer(node: &Node) -> Option<bool> {
    match node {
        Node::Float { value, .. } if value.fract() == 0.0 && value.abs() >= 1e18 => {
            Some(*value < 0.0)
        }
        _ => None,
    }
}

macro_rules! from_node_int {
    ($($ty:ty => $expected:literal),*) => {$(
        impl FromNode for $ty {
            fn expected() -> String {
                $expected.to_owned()
            }
            fn from_node(node: &Node, at: &At<'_>, sink: &mut Sink) -> Option<Self> {
                let Some(i) = integer(node) else {
                    if let Some(negative) = huge_integer(node) {
                        let why = match (negative, <$ty>::MIN == 0) {
                            (true, true) => "must not be negative",
                            (true, false) => "is far too small",
                            (false, _) => "is far too large",
                        };
                        sink.invalid(at, Diagnostic::error(
                            at,
                            Code::OutOfRange,
                            format!("{} {why}: expected {}", describe(node), $expected),
                        ));
                    } else {
                        wrong_type::<Self>(node, at, sink);
                    }
                    return None;
                };
                match <$ty>::try_from(i) {
                    Ok(v) => Some(v),
                    Err(_) => {
                        let why = if i < 0 { "must not be negative" } else { "is too large" };
                        sink.invalid(at, Diagnostic::error(
                            at,
                            Code::OutOfRange,
                            format!("{i} {why}: expected {}", $expected),
                        ));
                        None
                    }
                }
            }
        }
    )*};
}

from_node_int!(
    u32 => "a non-negative integer",
    i64 => "an integer",
    u64 => "a non-negative integer"
);

impl FromNode for f64 {
    fn expected() -> String {
        "a number".to_owned()
    }
    fn from_node(node: &Node, at: &At<'_>, sink: &mut Sink) -> Option<Self> {
        match node {
            #[allow(clippy::cast_precision_loss)]
            Node::Int(i) => Some(*i as f64),
            Node::Float {
                value,
                written: Some(text),
            } if *value == 0.0 && underflowed(text) => {
                sink.invalid(
                    at,
                    Diagnostic::error(
                        at,
                        Code::OutOfRange,
                        format!("the number {text} is too close to 0 for a 64-bit float, which reads it as 0"),
                    ),
                );
                None
            }
            Node::Float { value, .. } if value.is_finite() => Some(*value),
            other => {
                wrong_type::<Self>(other, at, sink);
                None
            }
        }
    }
}

/// A boxed value reads as the value: a group member's recipe is boxed, so that a member without one costs a pointer
/// rather than a whole recipe's room.
impl<T: FromNode> FromNode for Box<T> {
    fn expected() -> String {
        T::expected()
    }

    fn from_node(node: &Node, at: &At<'_>, sink: &mut Sink) -> Option<Self> {
        T::from_node(node, at, sink).map(Box::new)
    }
}

impl<T: FromNode> FromNode for Vec<T> {
    fn expected() -> String {
        format!("an array of {}", strip_article(&T::expected()))
    }
    fn from_node(node: &Node, at: &At<'_>, sink: &mut Sink) -> Option<Self> {
        let Node::Array(items) = node else {
            wrong_type::<Self>(node, at, sink);
            return None;
        };
        // Sized once: a `filter_map` gives no lower bound, and doubling a vector of recipes (two kilobytes each)
        // held both copies at once.
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            out.extend(T::from_node(item, &at.index(i), sink));
        }
        Some(out)
    }
}

fn strip_article(s: &str) -> String {
    let s = s
        .strip_prefix("an ")
        .or_else(|| s.strip_prefix("a "))
        .unwrap_or(s);
    if s.ends_with('s') || s.contains(' ') {
        s.to_owned()
    } else {
        format!("{s}s")
    }
}

impl FromNode for BTreeMap<String, String> {
    fn expected() -> String {
        "an object of strings".to_owned()
    }
    fn from_node(node: &Node, at: &At<'_>, sink: &mut Sink) -> Option<Self> {
        let Node::Object(members) = node else {
            wrong_type::<Self>(node, at, sink);
            return None;
        };
        let mut map = BTreeMap::new();
        for (k, v) in members {
            if let Some(v) = String::from_node(v, &at.key(k), sink) {
                map.insert(k.to_string(), v);
            }
        }
        Some(map)
    }
}

/// Converts `node` when present; `null` is a wrong type, as upstream's JSON Schema says.
pub fn field<T: FromNode>(node: &Node, at: &At<'_>, sink: &mut Sink) -> Option<T> {
    T::from_node(node, at, sink)
}

/// Defines a plain recipe object: a struct whose members are all optional (the raw, permissive form), its list
/// of known field names, and a [`FromNode`] conversion that reports unknown and missing members.
macro_rules! recipe_object {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $(
                $(#[$fmeta:meta])*
                $field:ident : $ty:ty,
            )*
        }
        $(required: [$($required:ident),* $(,)?];)?
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        #[cfg_attr(feature = "schema", schemars(extend("required" = [$($(stringify!($required)),*)?])))]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            $(
                $(#[$fmeta])*
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $field: Option<$ty>,
            )*
        }

        impl $name {
            /// The names of every field this object accepts, in declaration order.
            pub const FIELDS: &'static [&'static str] = &[$(stringify!($field)),*];
        }

        impl $crate::recipe::convert::FromNode for $name {
            fn expected() -> String {
                "an object".to_owned()
            }

            fn from_node(
                node: &$crate::document::Node,
                at: &$crate::diagnostic::At<'_>,
                sink: &mut $crate::recipe::convert::Sink,
            ) -> Option<Self> {
                let $crate::document::Node::Object(members) = node else {
                    $crate::recipe::convert::wrong_type::<Self>(node, at, sink);
                    return None;
                };
                let mut out = Self::default();
                for (key, value) in members {
                    let here = at.key(key);
                    match key.as_ref() {
                        $(
                            stringify!($field) => {
                                out.$field = $crate::recipe::convert::field(value, &here, sink);
                            }
                        )*
                        other => $crate::recipe::convert::unknown_field(other, Self::FIELDS, at, sink),
                    }
                }
                $($(
                    if !members.iter().any(|(k, _)| k == stringify!($required)) {
                        $crate::recipe::convert::missing_field(stringify!($required), at, sink);
                    }
                )*)?
                Some(out)
            }
        }
    };
}

pub(crate) use recipe_object;

/// Defines a string enum whose variants have fixed spellings, with "did you mean" for near misses.
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $text)] $variant, )*
        }

        impl $name {
            /// Every accepted spelling.
            pub const NAMES: &'static [&'static str] = &[$($text),*];

            /// The spelling used in recipes.
            #[must_use]
            pub fn as_str(self) -> &'static str {
                match self { $( $name::$variant => $text, )* }
            }
        }

        impl $crate::recipe::convert::FromNode for $name {
            fn expected() -> String {
                let names: Vec<String> = Self::NAMES.iter().map(|n| format!("`{n}`")).collect();
                format!("one of {}", names.join(", "))
            }

            fn from_node(
                node: &$crate::document::Node,
                at: &$crate::diagnostic::At<'_>,
                sink: &mut $crate::recipe::convert::Sink,
            ) -> Option<Self> {
                let $crate::document::Node::String(s) = node else {
                    $crate::recipe::convert::wrong_type::<Self>(node, at, sink);
                    return None;
                };
                match s.as_ref() {
                    $( $text => Some($name::$variant), )*
                    other => {
                        let suggestions = $crate::diagnostic::suggest(other, Self::NAMES.iter().copied(), 2);
                        let mut d = $crate::diagnostic::Diagnostic::error(
                            at,
                            $crate::diagnostic::Code::UnknownVariant,
                            format!("`{other}` is not allowed here: expected {}", Self::expected()),
                        );
                        if let Some(hint) = $crate::diagnostic::did_you_mean(&suggestions) {
                            d = d.with_hint(hint);
                        }
                        sink.invalid(at, d);
                        None
                    }
                }
            }
        }
    };
}

pub(crate) use string_enum;
