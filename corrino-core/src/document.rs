//! Reading untrusted bytes into a bounded, generic tree.
//!
//! Recipes arrive from users, files and browsers. Before any typed conversion, the bytes are read into a [`Node`]
//! tree so that every later problem can be reported with its path, and so that no input can exhaust memory or
//! the stack: input is capped at [`MAX_INPUT_BYTES`], and so is the tree once YAML aliases are expanded; nesting is
//! capped at [`MAX_DEPTH`]. Duplicate keys are kept (the last one wins, as upstream's Python parser does) and
//! reported.
//!
//! Values a program already holds (a binding's dicts) are built into the same tree by [`TreeBuilder`], refused
//! where their JSON text would be.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::diagnostic::{At, Code, Diagnostic, Diagnostics, Pointer, ShortNumber};

/// The largest recipe accepted, in bytes (1 MiB). Real recipes are a few kilobytes; the cap keeps a stray
/// 100 MB upload from being parsed at all.
pub const MAX_INPUT_BYTES: usize = 1024 * 1024;

/// The deepest nesting of arrays and objects accepted. Real recipes nest four levels.
pub const MAX_DEPTH: usize = 64;

const TOO_LARGE_HINT: &str = "a recipe is a few kilobytes: check that the right file was given";

mod builder;
pub use builder::{TooLarge, TreeBuilder};

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
    /// An integer that fits in 64 bits (signed or unsigned); YAML integers up to 128 bits.
    Int(i128),
    /// Any other number. `written` is the number's text in a JSON recipe when the value alone would misstate it:
    /// an integer beyond 64 bits (read as the nearest float), a number too small for a float (read as 0), `-0`.
    /// Messages print that text.
    Float {
        /// The value as read.
        value: f64,
        /// The text as written, where it says more than the value.
        written: Option<&'a str>,
    },
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
            Node::Int(_) | Node::Float { .. } => "a number",
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

    /// A float read without its text.
    #[must_use]
    pub fn float(value: f64) -> Node<'a> {
        Node::Float {
            value,
            written: None,
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
            Node::Float { value, .. } => {
                serde_json::Number::from_f64(*value).map_or(Value::Null, Value::Number)
            }
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
                    Node::float(n.as_f64().unwrap_or(f64::NAN))
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
    let (documents, diagnostics) = read_with(input, format, &Reading::RECIPE);
    (documents.and_then(|mut d| d.pop()), diagnostics)
}

/// Reads a stream of documents: JSON (one document), or YAML with any number of documents separated by `---`, as
/// `kubectl apply -f` and `kubectl get -o yaml` write them. Empty documents are left out. The same limits hold as for
/// [`read`], for the whole stream: [`MAX_INPUT_BYTES`] of input and of values once aliases are expanded, and
/// [`MAX_DEPTH`] of nesting. Messages speak of "the input" rather than of a recipe.
#[must_use]
pub fn read_stream(input: &[u8]) -> (Option<Vec<Node<'_>>>, Diagnostics) {
    read_with(input, Format::Auto, &Reading::STREAM)
}

/// How a read words its messages, and whether it takes several documents.
struct Reading {
    /// What the input is called: "the recipe", "the input".
    noun: &'static str,
    /// The limit's name: "one recipe", "one input".
    one: &'static str,
    /// Whether a YAML input may hold several documents.
    stream: bool,
}

impl Reading {
    const RECIPE: Reading = Reading {
        noun: "the recipe",
        one: "one recipe",
        stream: false,
    };
    const STREAM: Reading = Reading {
        noun: "the input",
        one: "one input",
        stream: true,
    };
}

fn read_with<'a>(
    input: &'a [u8],
    format: Format,
    reading: &Reading,
) -> (Option<Vec<Node<'a>>>, Diagnostics) {
    let Reading { noun, one, .. } = *reading;
    let mut diagnostics = Diagnostics::new();
    if input.len() > MAX_INPUT_BYTES {
        diagnostics.push(
            Diagnostic::error(
                "",
                Code::InputTooLarge,
                format!(
                    "{noun} is {} bytes, more than {MAX_INPUT_BYTES} bytes (1 MiB), the limit for {one}",
                    input.len()
                ),
            )
            .with_hint(TOO_LARGE_HINT),
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
                    "{noun} is not valid UTF-8: bad byte at line {line}, column {column} (offset {})",
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
            format!("{noun} is empty"),
        ));
        return (None, diagnostics);
    }
    let start = text.trim_start();
    let json = match format {
        Format::Json => true,
        Format::Yaml => false,
        // A comment before the object is JSON with a comment (which JSON does not have), not YAML.
        Format::Auto => {
            start.starts_with(['{', '[']) || start.starts_with("//") || start.starts_with("/*")
        }
    };
    let limits = Limits {
        numbers: json.then(|| RefCell::new(Numbers::default())),
        ..Limits::default()
    };
    let seed = NodeSeed {
        depth: 0,
        limits: &limits,
    };
    let result = if json {
        read_json(text, seed).map(|node| vec![node])
    } else {
        read_yaml(text, seed, reading.stream)
    };
    match result {
        Ok(mut nodes) => {
            if let Some(numbers) = &limits.numbers
                && let Some(node) = nodes.first_mut()
            {
                numbers.borrow().write_texts(text, node);
            }
            let several = nodes.len() > 1;
            for (i, node) in nodes.iter().enumerate() {
                let root = if several {
                    Pointer::root().index(i)
                } else {
                    Pointer::root()
                };
                report_duplicates(node, &At::Pointer(&root), &mut diagnostics);
            }
            (Some(nodes), diagnostics)
        }
        Err(error) => {
            diagnostics.push(read_error(&error, text, json, &limits, reading));
            (None, diagnostics)
        }
    }
}

/// Why reading failed: the message of the JSON or YAML reader (which ends with where), and where.
#[derive(Debug)]
struct ReadError {
    message: String,
    /// Line and column (1-based), when the reader tells.
    location: Option<(usize, usize)>,
}

/// The diagnostic of a failed read.
fn read_error(
    error: &ReadError,
    text: &str,
    json: bool,
    limits: &Limits,
    reading: &Reading,
) -> Diagnostic {
    let Reading { noun, one, .. } = *reading;
    let at = error
        .location
        .map(|(line, column)| format!(" at line {line}, column {column}"))
        .unwrap_or_default();
    if limits.too_deep.get() {
        return Diagnostic::error(
            "",
            Code::TooDeep,
            format!(
                "{noun} nests arrays or objects more than {MAX_DEPTH} levels deep ({})",
                error
                    .message
                    .trim_start_matches(&format!("nesting deeper than {MAX_DEPTH} levels "))
            ),
        );
    }
    // yaml_serde's own guard: it follows at most 100 aliases per event of the document. Nested aliases (an alias of
    // a list of aliases of lists…) reach it before the values grow past our limit.
    if !json && error.message.starts_with("repetition limit exceeded") {
        return Diagnostic::error(
            "",
            Code::InputTooLarge,
            format!(
                "{noun}'s YAML aliases (`*name`) nest so that expanding its {} bytes follows more than 100 aliases for each value written in it, the YAML reader's limit{at}",
                text.len()
            ),
        )
        .with_hint("each alias brings in a copy of what its anchor (`&name`) names, aliases inside it included: write the values out, or use fewer aliases");
    }
    if limits.too_large.get() {
        return Diagnostic::error(
            "",
            Code::InputTooLarge,
            format!(
                "{noun}'s YAML aliases (`*name`) make its {} bytes hold more than {MAX_INPUT_BYTES} bytes (1 MiB) of values, the limit for {one} (reached at the value{at})",
                text.len()
            ),
        )
        .with_hint("each alias brings in a copy of what its anchor (`&name`) names: write the values out, or use fewer aliases");
    }
    if let Some(tag) = limits.tag.borrow().as_deref() {
        return Diagnostic::error(
            "",
            Code::Syntax,
            format!("{noun} uses the YAML tag `!{tag}`{at}; corrino reads no tags"),
        )
        .with_hint(
            "a recipe holds plain strings, numbers, booleans, lists and objects: remove the tag",
        );
    }
    if json && let Some((line, column)) = error.location {
        let offset = offset_of(text, line, column);
        let here = text.get(offset..).unwrap_or_default();
        let before = text.get(..offset).unwrap_or_default();
        // serde_json stops on the comment's first `/` or on its second (`//`, `/*`).
        let comment = here.starts_with("//")
            || here.starts_with("/*")
            || (before.ends_with('/') && here.starts_with(['/', '*']));
        if comment {
            return Diagnostic::error(
                "",
                Code::Syntax,
                format!("{noun} is JSON with a comment at line {line}: JSON has no comments"),
            )
            .with_hint(
                "remove the comment, or write the recipe as YAML, where comments start with `#`",
            );
        }
    }
    let what = if json { "JSON" } else { "YAML" };
    Diagnostic::error(
        "",
        Code::Syntax,
        format!("{noun} is not valid {what}: {}", error.message),
    )
}

/// The byte offset of a 1-based line and column (serde_json counts the column in bytes; 0 is the end of the
/// previous line).
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let line_start = if line <= 1 {
        0
    } else {
        text.match_indices('\n')
            .nth(line - 2)
            .map_or(text.len(), |(i, _)| i + 1)
    };
    (line_start + column.saturating_sub(1)).min(text.len())
}

fn read_json<'a>(text: &'a str, seed: NodeSeed<'_>) -> Result<Node<'a>, ReadError> {
    let error = |e: serde_json::Error| ReadError {
        message: e.to_string(),
        location: (e.line() > 0).then(|| (e.line(), e.column())),
    };
    let mut de = serde_json::Deserializer::from_str(text);
    // Our own depth bound (MAX_DEPTH) is lower than serde_json's, so it always triggers first.
    let node = seed.deserialize(&mut de).map_err(error)?;
    de.end().map_err(error)?;
    Ok(node)
}

fn read_yaml<'a>(
    text: &'a str,
    seed: NodeSeed<'_>,
    stream: bool,
) -> Result<Vec<Node<'a>>, ReadError> {
    let error = |e: yaml_serde::Error| ReadError {
        message: e.to_string(),
        location: e.location().map(|l| (l.line(), l.column())),
    };
    let mut documents = yaml_serde::Deserializer::from_str(text);
    if stream {
        let mut nodes = Vec::new();
        for document in documents {
            let node = seed.deserialize(document).map_err(error)?;
            if node != Node::Null {
                nodes.push(node);
            }
        }
        if nodes.is_empty() {
            return Err(ReadError {
                message: "no YAML document holds anything".to_owned(),
                location: None,
            });
        }
        return Ok(nodes);
    }
    let Some(first) = documents.next() else {
        return Err(ReadError {
            message: "no YAML document".to_owned(),
            location: None,
        });
    };
    let node = seed.deserialize(first).map_err(error)?;
    if documents.next().is_some() {
        return Err(ReadError {
            message: "the file holds more than one YAML document; give one recipe per file"
                .to_owned(),
            location: None,
        });
    }
    Ok(vec![node])
}

fn line_column(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
    (line, column)
}

/// Objects with more members than this find their duplicate keys by hashing; smaller ones (every object of a real
/// recipe) by comparing, which is faster there.
const HASH_ABOVE: usize = 16;

/// Warns once for each key written more than once in an object, where it is first written.
fn report_duplicates(node: &Node, at: &At<'_>, diagnostics: &mut Diagnostics) {
    match node {
        Node::Object(members) => {
            // How often each key is written, and where first.
            let counts: Option<HashMap<&str, (usize, usize)>> =
                (members.len() > HASH_ABOVE).then(|| {
                    let mut counts = HashMap::with_capacity(members.len());
                    for (i, (k, _)) in members.iter().enumerate() {
                        counts.entry(k.as_ref()).or_insert((i, 0)).1 += 1;
                    }
                    counts
                });
            for (i, (key, value)) in members.iter().enumerate() {
                let times = match &counts {
                    Some(counts) => counts
                        .get(key.as_ref())
                        .filter(|(first, _)| *first == i)
                        .map_or(0, |(_, n)| *n),
                    None if members[..i].iter().any(|(k, _)| k == key) => 0,
                    None => members[i..].iter().filter(|(k, _)| k == key).count(),
                };
                if times > 1 {
                    let how_often = if times == 2 {
                        "more than once".to_owned()
                    } else {
                        format!("{times} times")
                    };
                    diagnostics.push(
                        Diagnostic::warning(
                            &at.key(key),
                            Code::DuplicateKey,
                            format!("`{key}` is written {how_often} in this object; the last value is used"),
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

/// What one read has met so far, shared by every level of the tree being built.
#[derive(Default)]
struct Limits {
    /// Nesting went past [`MAX_DEPTH`].
    too_deep: Cell<bool>,
    /// The size of the values read so far: the bytes of every string and key, and one for every other value.
    /// Without YAML aliases it stays below the input's length (every value takes at least one byte of input, and no
    /// string grows when read); each alias adds the whole of what it names, which yaml_serde reads again.
    size: Cell<usize>,
    /// `size` went past [`MAX_INPUT_BYTES`].
    too_large: Cell<bool>,
    /// A YAML tag (`!name`) was met: its name.
    tag: RefCell<Option<String>>,
    /// JSON only: the numbers whose text is wanted.
    numbers: Option<RefCell<Numbers>>,
}

impl Limits {
    /// Counts `bytes` more of values; fails past [`MAX_INPUT_BYTES`].
    fn grow<E: de::Error>(&self, bytes: usize) -> Result<(), E> {
        let size = self.size.get().saturating_add(bytes.max(1));
        self.size.set(size);
        if size > MAX_INPUT_BYTES {
            self.too_large.set(true);
            return Err(E::custom(format!(
                "the values take more than {MAX_INPUT_BYTES} bytes"
            )));
        }
        Ok(())
    }

    /// Counts a number, and asks for its text when its value misstates it.
    fn number(&self, misstated: bool) {
        if let Some(numbers) = &self.numbers {
            let mut numbers = numbers.borrow_mut();
            if misstated {
                let index = numbers.count;
                numbers.wanted.push(index);
            }
            numbers.count += 1;
        }
    }
}

/// The numbers of a JSON document whose value misstates their text, by their place among its numbers.
///
/// serde_json gives a visitor the value of a number, not its text (short of its `arbitrary_precision` feature, which
/// would change every `serde_json::Value` of the program). So the few numbers whose text matters are found again
/// afterwards, by a scan of the input that counts number tokens: simple, since the input is known to be valid JSON.
#[derive(Default)]
struct Numbers {
    count: usize,
    wanted: Vec<usize>,
}

impl Numbers {
    /// Writes the text of every wanted number into the tree.
    fn write_texts<'a>(&self, text: &'a str, node: &mut Node<'a>) {
        if self.wanted.is_empty() {
            return;
        }
        let texts = json_number_tokens(text);
        let mut index = 0;
        let mut wanted = self.wanted.iter().peekable();
        fill(node, &mut index, &mut wanted, &texts);
    }
}

fn fill<'a>(
    node: &mut Node<'a>,
    index: &mut usize,
    wanted: &mut std::iter::Peekable<std::slice::Iter<'_, usize>>,
    texts: &[&'a str],
) {
    match node {
        Node::Int(_) => *index += 1,
        Node::Float { written, .. } => {
            if wanted.next_if_eq(&index).is_some() {
                *written = texts.get(*index).copied();
            }
            *index += 1;
        }
        Node::Array(items) => {
            for item in items {
                fill(item, index, wanted, texts);
            }
        }
        Node::Object(members) => {
            for (_, value) in members {
                fill(value, index, wanted, texts);
            }
        }
        Node::Null | Node::Bool(_) | Node::String(_) => {}
    }
}

/// The number tokens of a valid JSON text, in order.
fn json_number_tokens(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'-' | b'0'..=b'9' => {
                let start = i;
                while i < bytes.len()
                    && matches!(bytes[i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                {
                    i += 1;
                }
                tokens.push(&text[start..i]);
            }
            _ => i += 1,
        }
    }
    tokens
}

/// Builds a [`Node`] while counting depth and size; fails past [`MAX_DEPTH`] or [`MAX_INPUT_BYTES`].
#[derive(Clone, Copy)]
struct NodeSeed<'a> {
    depth: usize,
    limits: &'a Limits,
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
            self.limits.too_deep.set(true);
            return Err(E::custom(format!("nesting deeper than {MAX_DEPTH} levels")));
        }
        self.limits.grow(1)?;
        Ok(NodeSeed {
            depth: self.depth + 1,
            limits: self.limits,
        })
    }
}

/// Whether a float read from JSON may misstate its text: an integer beyond 2⁵³ (maybe beyond 64 bits), zero (maybe
/// `-0` or an underflow such as `1e-400`), or a subnormal.
fn misstated(v: f64) -> bool {
    v == 0.0 || v.is_subnormal() || (v.fract() == 0.0 && v.abs() >= 9_007_199_254_740_992.0)
}

impl<'de> Visitor<'de> for NodeSeed<'_> {
    type Value = Node<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON or YAML value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Node<'de>, E> {
        self.limits.grow(1)?;
        Ok(Node::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Node<'de>, E> {
        self.visit_unit()
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node<'de>, D::Error> {
        self.deserialize(d)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Node<'de>, E> {
        self.limits.grow(1)?;
        Ok(Node::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Node<'de>, E> {
        self.visit_i128(i128::from(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Node<'de>, E> {
        self.visit_i128(i128::from(v))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Node<'de>, E> {
        self.limits.number(false);
        self.limits.grow(1)?;
        Ok(Node::Int(v))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Node<'de>, E> {
        match i128::try_from(v) {
            Ok(v) => self.visit_i128(v),
            #[allow(clippy::cast_precision_loss)]
            Err(_) => self.visit_f64(v as f64),
        }
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Node<'de>, E> {
        self.limits.number(misstated(v));
        self.limits.grow(1)?;
        Ok(Node::float(v))
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Node<'de>, E> {
        self.limits.grow(v.len())?;
        Ok(Node::String(Cow::Borrowed(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Node<'de>, E> {
        self.limits.grow(v.len())?;
        Ok(Node::String(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Node<'de>, E> {
        self.limits.grow(v.len())?;
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
        // A vector's first allocation holds four values: without this, a recipe of many one-element arrays holds
        // four times the memory its values need.
        items.shrink_to_fit();
        Ok(Node::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node<'de>, A::Error> {
        let inner = self.deeper()?;
        let mut members = Vec::new();
        while let Some(key) = map.next_key_seed(KeySeed(self.limits))? {
            let value = map.next_value_seed(inner)?;
            members.push((key, value));
        }
        members.shrink_to_fit();
        Ok(Node::Object(members))
    }

    /// yaml_serde reads a value with a tag of its own (`!name value`) as an enum; a recipe has none.
    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<Node<'de>, A::Error> {
        let (tag, _) = data.variant::<String>()?;
        let message = format!("the tag `!{tag}` is not supported");
        *self.limits.tag.borrow_mut() = Some(tag);
        Err(de::Error::custom(message))
    }
}

/// Object keys: strings, or YAML scalars written without quotes (`8000:`), turned into their text.
struct KeySeed<'a>(&'a Limits);

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = Cow<'de, str>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl KeySeed<'_> {
    fn key<'de, E: de::Error>(&self, key: Cow<'de, str>) -> Result<Cow<'de, str>, E> {
        self.0.grow(key.len())?;
        Ok(key)
    }

    fn scalar<'de, E: de::Error>(&self, text: String) -> Result<Cow<'de, str>, E> {
        self.0.grow(1)?;
        Ok(Cow::Owned(text))
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = Cow<'de, str>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string key")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        self.key(Cow::Borrowed(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        self.key(Cow::Owned(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        self.key(Cow::Owned(v))
    }
    // Keys that YAML reads as other scalars count one byte each, as their values would: their text is at most a few
    // dozen bytes (floats are written short: `1e300`, not 301 digits).
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        self.scalar(v.to_string())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        self.scalar(v.to_string())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        self.scalar(v.to_string())
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Self::Value, E> {
        self.scalar(v.to_string())
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Self::Value, E> {
        self.scalar(v.to_string())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        self.scalar(ShortNumber(v).to_string())
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        self.scalar("null".to_owned())
    }
    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
        let (tag, _) = data.variant::<String>()?;
        let message = format!("the tag `!{tag}` is not supported");
        *self.0.tag.borrow_mut() = Some(tag);
        Err(de::Error::custom(message))
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

    fn only(input: &[u8]) -> Diagnostic {
        let (node, d) = read(input, Format::Auto);
        assert!(node.is_none(), "{d}");
        assert_eq!(d.len(), 1, "{d}");
        d.into_vec().remove(0)
    }

    #[test]
    fn yaml_aliases_count_what_they_bring_in() {
        // 100 KB of string and a thousand aliases of it: 100 MB once expanded, in a 103 KB file.
        let yaml = format!(
            "recipe_id: &s {}\nrecipe_container_command_args: [{}]\n",
            "x".repeat(100_000),
            vec!["*s"; 1000].join(", ")
        );
        let d = only(yaml.as_bytes());
        assert_eq!(d.code, Code::InputTooLarge);
        assert!(
            d.message.contains(&format!("its {} bytes", yaml.len()))
                && d.message.contains("1048576 bytes")
                && d.message.contains("at the value at line 1, column 12"),
            "{d}"
        );
        // Nested aliases that yaml_serde's own repetition limit stops are the same problem.
        let mut laughs = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for (name, below) in ["ba", "cb", "dc", "ed", "fe", "gf"].map(|p| (&p[..1], &p[1..])) {
            laughs.push_str(&format!(
                "{name}: &{name} [{}]\n",
                vec![format!("*{below}"); 10].join(", ")
            ));
        }
        assert_eq!(only(laughs.as_bytes()).code, Code::InputTooLarge);
        // A few aliases of small values are fine, and read as copies.
        let (node, d) = read(b"a: &x [1, 2]\nb: *x\n", Format::Auto);
        assert!(d.is_empty(), "{d}");
        let node = node.expect("a tree");
        assert_eq!(node.get("a"), node.get("b"));
    }

    #[test]
    fn json_comments_and_yaml_tags_are_named() {
        let d = only(b"// the recipe\n{\"a\": 1}");
        assert_eq!(d.code, Code::Syntax);
        assert!(d.message.contains("JSON with a comment at line 1"), "{d}");
        let d = only(b"{\n  \"a\": 1, // why\n  \"b\": 2\n}");
        assert!(d.message.contains("JSON with a comment at line 2"), "{d}");
        let d = only(b"{\"a\": 1,\n /* why */ \"b\": 2}");
        assert!(d.message.contains("JSON with a comment at line 2"), "{d}");
        let d = only(b"a: 1\nb: !vault secret\n");
        assert_eq!(d.code, Code::Syntax);
        assert!(d.message.contains("tag `!vault` at line 2"), "{d}");
        let d = only(b"a: 1\nb: !custom {c: 1}\n");
        assert!(d.message.contains("tag `!custom`"), "{d}");
        // YAML's own tags are read as what they say.
        let (node, d) = read(b"a: !!str 123\n", Format::Auto);
        assert!(d.is_empty());
        assert_eq!(node.unwrap().get("a"), Some(&Node::String("123".into())));
    }

    #[test]
    fn json_numbers_keep_their_text_where_the_value_misstates_it() {
        let (node, d) = read(
            br#"{"big": -99999999999999999999, "tiny": 1e-400, "zero": -0, "plain": 0.5, "int": 7}"#,
            Format::Json,
        );
        assert!(d.is_empty());
        let node = node.unwrap();
        let written = |key| match node.get(key) {
            Some(Node::Float { written, .. }) => *written,
            _ => None,
        };
        assert_eq!(written("big"), Some("-99999999999999999999"));
        assert_eq!(written("tiny"), Some("1e-400"));
        assert_eq!(written("zero"), Some("-0"));
        assert_eq!(written("plain"), None);
        assert_eq!(node.get("int"), Some(&Node::Int(7)));
    }

    #[test]
    fn duplicate_keys_warn_once_per_key_in_large_objects_too() {
        let members: Vec<String> = (0..10_000)
            .map(|i| format!("\"k{}\": {i}", i % 5_000))
            .collect();
        let (_, d) = read(
            format!("{{{}}}", members.join(",")).as_bytes(),
            Format::Json,
        );
        assert_eq!(d.len(), 5_000);
        assert_eq!(d.iter().next().map(|d| d.path.as_str()), Some("/k0"));
        let (_, d) = read(br#"{"a": 1, "a": 2, "a": 3}"#, Format::Json);
        assert_eq!(d.len(), 1);
        assert!(d.iter().next().unwrap().message.contains("3 times"));
    }

    #[test]
    fn big_numbers_do_not_panic() {
        let (node, d) = read(br#"{"n": 99999999999999999999, "m": -1e308}"#, Format::Auto);
        assert!(d.is_empty());
        let node = node.unwrap();
        assert!(matches!(
            node.get("n"),
            Some(Node::Float { .. } | Node::Int(_))
        ));
        assert_eq!(codes(br#"{"n": 1e400}"#), vec![Code::Syntax]);
    }
}
