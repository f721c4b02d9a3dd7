//! Building a [`Node`] tree from values a program holds, within the limits of [`read`](super::read).

use std::borrow::Cow;
use std::cell::RefCell;

use super::{
    Limits, MAX_DEPTH, MAX_INPUT_BYTES, Node, NodeSeed, Numbers, ReadError, Reading,
    TOO_LARGE_HINT, read_error, read_json, report_duplicates,
};
use crate::diagnostic::{At, Code, Diagnostic, Diagnostics, Pointer};

/// Builds a [`Node`] tree from values a program already holds (a binding's dicts and lists), refusing them exactly
/// where [`read`](super::read) refuses the same values written as compact JSON text, with the same diagnostics.
///
/// That text has no blanks; its strings use the short escapes (`\"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t`), `\u00XX`
/// for the other control characters and UTF-8 for everything else, as `json.dumps(ensure_ascii=False,
/// separators=(",", ":"))` and `JSON.stringify` write them. The builder counts its bytes as the values come, so the
/// text is never written: the same [`MAX_INPUT_BYTES`] holds on it (a value referenced many times counts every time,
/// as YAML aliases do), and the same [`MAX_DEPTH`]. A number is read from its text as [`read`](super::read) reads it (an integer
/// beyond 64 bits keeps its digits; one beyond the largest float fails there). Diagnostics are those of [`read`](super::read),
/// the column within the one-line text included; one differs: past [`MAX_INPUT_BYTES`] the values are not counted
/// to their end (a dict may be unbounded, or hold itself), so that message says "more than" instead of the size.
///
/// A face walks its values depth-first in order, with one call per value: [`null`](Self::null),
/// [`boolean`](Self::boolean), [`integer`](Self::integer), [`number`](Self::number), [`string`](Self::string), or
/// [`begin`](Self::begin) and [`end`](Self::end) around an array's [`element`](Self::element)s and values or an
/// object's [`key`](Self::key)s and values, then calls [`finish`](Self::finish). Each call fails with
/// [`TooLarge`] once the text passes [`MAX_INPUT_BYTES`]: the face stops there and hands that to `finish`.
#[derive(Debug, Default)]
pub struct TreeBuilder {
    /// Bytes of text so far.
    written: usize,
    /// Arrays and objects open around the next value.
    depth: usize,
    /// The first error reading the text would stop at.
    failure: Option<(ReadError, bool)>,
    /// The offset of the bracket of a container past [`MAX_DEPTH`] with nothing in it so far: the column the reader
    /// reports depends on whether it is empty.
    deep_bracket: Option<usize>,
    /// Some object may hold a key twice.
    keys_may_repeat: bool,
}

/// The values' text passed [`MAX_INPUT_BYTES`]: stop, and give this to [`TreeBuilder::finish`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TooLarge;

impl TreeBuilder {
    /// A builder for one recipe.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// `null`.
    ///
    /// # Errors
    /// [`TooLarge`] past the size limit.
    pub fn null(&mut self) -> Result<Node<'static>, TooLarge> {
        self.count(4)?;
        Ok(Node::Null)
    }

    /// `true` or `false`.
    ///
    /// # Errors
    /// [`TooLarge`] past the size limit.
    pub fn boolean(&mut self, value: bool) -> Result<Node<'static>, TooLarge> {
        self.count(if value { 4 } else { 5 })?;
        Ok(Node::Bool(value))
    }

    /// An integer that fits in 64 bits, signed (the common case, without text).
    ///
    /// # Errors
    /// [`TooLarge`] past the size limit.
    pub fn integer(&mut self, value: i64) -> Result<Node<'static>, TooLarge> {
        self.count(itoa::Buffer::new().format(value).len())?;
        Ok(Node::Int(i128::from(value)))
    }

    /// Any other number, as its JSON text (`1.5`, `1e+16`, an integer's digits): read as [`read`](super::read) reads it. A text
    /// that is no JSON number, or one beyond the largest float, is where reading fails.
    ///
    /// # Errors
    /// [`TooLarge`] past the size limit.
    pub fn number<'a>(&mut self, text: &'a str) -> Result<Node<'a>, TooLarge> {
        let at = self.written;
        self.count(text.len())?;
        let limits = Limits {
            numbers: Some(RefCell::new(Numbers::default())),
            ..Limits::default()
        };
        let seed = NodeSeed {
            depth: 0,
            limits: &limits,
        };
        match read_json(text, seed) {
            Ok(mut node) => {
                if let Some(numbers) = &limits.numbers {
                    numbers.borrow().write_texts(text, &mut node);
                }
                Ok(node)
            }
            Err(error) => {
                // The error's column counts from the number's first byte, on the text's one line.
                let (message, column) = match error.location {
                    Some((_, column)) => {
                        let suffix = format!(" at line 1 column {column}");
                        let message = error
                            .message
                            .strip_suffix(&suffix)
                            .unwrap_or(&error.message);
                        (message.to_owned(), at + column)
                    }
                    None => (error.message, at + 1),
                };
                self.fail(&message, column, false);
                Ok(Node::Null)
            }
        }
    }

    /// A string.
    ///
    /// # Errors
    /// [`TooLarge`] past the size limit.
    pub fn string<'a>(&mut self, value: impl Into<Cow<'a, str>>) -> Result<Node<'a>, TooLarge> {
        let value = value.into();
        self.count(json_string_len(&value))?;
        Ok(Node::String(value))
    }

    /// Opens an array or an object. `false` when it is nested deeper than [`MAX_DEPTH`]: reading fails there, so
    /// nothing inside needs building, though the face still walks it with these methods (the size limit, checked
    /// first, may yet be passed) and closes it with [`end`](Self::end).
    ///
    /// # Errors
    /// [`TooLarge`] past the size limit.
    pub fn begin(&mut self) -> Result<bool, TooLarge> {
        let at = self.written;
        self.count(1)?;
        self.depth += 1;
        if self.depth <= MAX_DEPTH {
            return Ok(true);
        }
        if self.failure.is_none() && self.deep_bracket.is_none() {
            self.deep_bracket = Some(at);
        }
        Ok(false)
    }

    /// Before the element at `index` of an array.
    ///
    /// # Errors
    /// [`TooLarge`] past the size limit.
    pub fn element(&mut self, index: usize) -> Result<(), TooLarge> {
        if index > 0 {
            self.count(1)?;
        }
        Ok(())
    }

    /// The key of the member at `index` of an object, before its value.
    ///
    /// # Errors
    /// [`TooLarge`] past the size limit.
    pub fn key<'a>(
        &mut self,
        index: usize,
        key: impl Into<Cow<'a, str>>,
    ) -> Result<Cow<'a, str>, TooLarge> {
        let key = key.into();
        self.count(usize::from(index > 0) + json_string_len(&key) + 1)?;
        Ok(key)
    }

    /// Says that some object may hold a key twice (keys the face turned into text, such as the numbers `1` and
    /// `"1"`): [`finish`](Self::finish) then reports duplicates as [`read`](super::read) does. Without it, keys are taken to be
    /// distinct within each object, as a dict's strings are, and the search is saved.
    pub fn keys_may_repeat(&mut self) {
        self.keys_may_repeat = true;
    }

    /// Closes the innermost array or object.
    ///
    /// # Errors
    /// [`TooLarge`] past the size limit.
    pub fn end(&mut self) -> Result<(), TooLarge> {
        if let Some(at) = self.deep_bracket.take() {
            // An empty container: the reader has taken its closing bracket too when it stops.
            self.fail_deep(at + 2);
        }
        self.depth = self.depth.saturating_sub(1);
        self.count(1)
    }

    /// The tree, or why there is none, as [`read`](super::read) gives them.
    #[must_use]
    pub fn finish<'a>(
        mut self,
        root: Result<Node<'a>, TooLarge>,
    ) -> (Option<Node<'a>>, Diagnostics) {
        let mut diagnostics = Diagnostics::new();
        let root = match root {
            Ok(root) => root,
            Err(TooLarge) => {
                diagnostics.push(
                    Diagnostic::error(
                        "",
                        Code::InputTooLarge,
                        format!(
                            "the recipe is more than {MAX_INPUT_BYTES} bytes (1 MiB) as JSON text, the limit for one recipe"
                        ),
                    )
                    .with_hint(TOO_LARGE_HINT),
                );
                return (None, diagnostics);
            }
        };
        if let Some(at) = self.deep_bracket.take() {
            self.fail_deep(at + 1);
        }
        if let Some((error, too_deep)) = &self.failure {
            let limits = Limits::default();
            limits.too_deep.set(*too_deep);
            diagnostics.push(read_error(error, "", true, &limits, &Reading::RECIPE));
            return (None, diagnostics);
        }
        if self.keys_may_repeat {
            report_duplicates(&root, &At::Pointer(&Pointer::root()), &mut diagnostics);
        }
        (Some(root), diagnostics)
    }

    fn count(&mut self, bytes: usize) -> Result<(), TooLarge> {
        if let Some(at) = self.deep_bracket.take() {
            // Something inside the container past the depth limit: the reader stops just after its bracket.
            self.fail_deep(at + 1);
        }
        self.written = self.written.saturating_add(bytes);
        if self.written > MAX_INPUT_BYTES {
            return Err(TooLarge);
        }
        Ok(())
    }

    fn fail_deep(&mut self, column: usize) {
        self.fail(
            &format!("nesting deeper than {MAX_DEPTH} levels"),
            column,
            true,
        );
    }

    fn fail(&mut self, message: &str, column: usize, too_deep: bool) {
        if self.failure.is_none() {
            let error = ReadError {
                message: format!("{message} at line 1 column {column}"),
                location: Some((1, column)),
            };
            self.failure = Some((error, too_deep));
        }
    }
}

/// The length of `text` as a JSON string, quotes included, written with the short escapes.
fn json_string_len(text: &str) -> usize {
    // Most strings have nothing to escape: one pass without branches finds out.
    let plain = text.bytes().fold(true, |plain, b| {
        plain & (b >= 0x20) & (b != b'"') & (b != b'\\')
    });
    if plain {
        return text.len() + 2;
    }
    let escapes: usize = text
        .bytes()
        .map(|b| match b {
            b'"' | b'\\' | 0x08 | 0x0c | b'\n' | b'\r' | b'\t' => 1,
            0..0x20 => 5,
            _ => 0,
        })
        .sum();
    text.len() + 2 + escapes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Format, read};

    /// A value as a face holds it, its numbers as their text.
    #[derive(Clone, Debug)]
    enum Held {
        Null,
        Bool(bool),
        Int(i64),
        Number(String),
        Str(String),
        Array(Vec<Held>),
        Object(Vec<(String, Held)>),
    }

    impl Held {
        fn number(text: &str) -> Held {
            Held::Number(text.to_owned())
        }

        fn str(text: &str) -> Held {
            Held::Str(text.to_owned())
        }

        fn nested(depth: usize, innermost: Held) -> Held {
            (0..depth).fold(innermost, |inner, i| {
                if i % 2 == 0 {
                    Held::Array(vec![inner])
                } else {
                    Held::Object(vec![("k".to_owned(), inner)])
                }
            })
        }

        /// The compact JSON text, written independently of the builder's counting.
        fn text(&self, out: &mut String) {
            match self {
                Held::Null => out.push_str("null"),
                Held::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
                Held::Int(i) => out.push_str(&i.to_string()),
                Held::Number(text) => out.push_str(text),
                Held::Str(s) => out.push_str(&serde_json::to_string(s).unwrap()),
                Held::Array(items) => {
                    out.push('[');
                    for (i, item) in items.iter().enumerate() {
                        if i > 0 {
                            out.push(',');
                        }
                        item.text(out);
                    }
                    out.push(']');
                }
                Held::Object(members) => {
                    out.push('{');
                    for (i, (key, value)) in members.iter().enumerate() {
                        if i > 0 {
                            out.push(',');
                        }
                        out.push_str(&serde_json::to_string(key).unwrap());
                        out.push(':');
                        value.text(out);
                    }
                    out.push('}');
                }
            }
        }

        /// What a face does: one builder call per value, in order.
        fn build<'a>(&'a self, b: &mut TreeBuilder) -> Result<Node<'a>, TooLarge> {
            match self {
                Held::Null => b.null(),
                Held::Bool(v) => b.boolean(*v),
                Held::Int(i) => b.integer(*i),
                Held::Number(text) => b.number(text),
                Held::Str(s) => b.string(s.as_str()),
                Held::Array(items) => {
                    let build = b.begin()?;
                    let mut nodes = Vec::new();
                    for (i, item) in items.iter().enumerate() {
                        b.element(i)?;
                        let node = item.build(b)?;
                        if build {
                            nodes.push(node);
                        }
                    }
                    b.end()?;
                    Ok(Node::Array(nodes))
                }
                Held::Object(members) => {
                    let build = b.begin()?;
                    let mut nodes = Vec::new();
                    for (i, (key, value)) in members.iter().enumerate() {
                        let key = b.key(i, key.as_str())?;
                        let node = value.build(b)?;
                        if build {
                            nodes.push((key, node));
                        }
                    }
                    b.end()?;
                    Ok(Node::Object(nodes))
                }
            }
        }
    }

    /// The builder's tree and diagnostics are those of reading the values' text.
    fn built_as_read(held: &Held, keys_may_repeat: bool) -> Diagnostics {
        let mut text = String::new();
        held.text(&mut text);
        let mut builder = TreeBuilder::new();
        if keys_may_repeat {
            builder.keys_may_repeat();
        }
        let root = held.build(&mut builder);
        let built = builder.finish(root);
        let read = read(text.as_bytes(), Format::Json);
        if text.len() > MAX_INPUT_BYTES {
            // Past the limit the builder stops counting: the same diagnostic without the size.
            assert_eq!(built.0, None);
            let d = built.1.iter().next().expect("a diagnostic");
            assert_eq!(built.1.len(), 1);
            assert_eq!((d.code, d.path.as_str()), (Code::InputTooLarge, ""));
            assert!(d.message.contains("more than 1048576 bytes"), "{d}");
            assert_eq!(
                read.1.iter().next().map(|d| d.code),
                Some(Code::InputTooLarge)
            );
        } else {
            assert_eq!(built, read, "{}", &text[..text.len().min(300)]);
        }
        built.1
    }

    #[test]
    fn a_built_tree_is_the_tree_of_its_text() {
        let recipe = Held::Object(vec![
            ("recipe_mode".to_owned(), Held::str("service")),
            (
                "escaped \" \\ \u{8} \u{c} \n \r \t \u{1} \u{1f} \u{7f} é 😀".to_owned(),
                Held::str("a\u{0}b\"c"),
            ),
            (
                "list".to_owned(),
                Held::Array(vec![
                    Held::Null,
                    Held::Bool(true),
                    Held::Bool(false),
                    Held::Array(vec![]),
                ]),
            ),
            (
                "ints".to_owned(),
                Held::Array([0, -1, i64::MAX, i64::MIN].map(Held::Int).to_vec()),
            ),
            (
                "numbers".to_owned(),
                Held::Array(
                    [
                        "0.5",
                        "1e+16",
                        "-0.0",
                        "0.0",
                        "5e-324",
                        "1.7976931348623157e+308",
                        "18446744073709551615",
                        "18446744073709551616",
                        "-9223372036854775809",
                        "99999999999999999999",
                        "1e-05",
                    ]
                    .map(Held::number)
                    .to_vec(),
                ),
            ),
            ("empty".to_owned(), Held::Object(vec![])),
        ]);
        assert!(built_as_read(&recipe, false).is_empty());
        let Held::Object(members) = &recipe else {
            unreachable!()
        };
        let mut builder = TreeBuilder::new();
        let root = recipe.build(&mut builder);
        let (node, _) = builder.finish(root);
        let node = node.expect("a tree");
        // Strings are borrowed, and the numbers whose value misstates their text keep it.
        assert!(matches!(
            node.get("recipe_mode"),
            Some(Node::String(Cow::Borrowed("service")))
        ));
        let Some(Node::Array(numbers)) = node.get("numbers") else {
            panic!("an array")
        };
        assert_eq!(
            numbers[1],
            Node::Float {
                value: 1e16,
                written: Some("1e+16")
            }
        );
        assert_eq!(numbers[6], Node::Int(i128::from(u64::MAX)));
        assert!(members.len() == 6);
    }

    #[test]
    fn a_built_tree_is_refused_where_its_text_is() {
        // Depth: the 65th level fails, at the column of its bracket (one further when it is empty).
        for (innermost, levels) in [
            (Held::Int(1), 0),
            (Held::Array(vec![]), 1),
            (Held::Object(vec![]), 1),
            (Held::Object(vec![("k".to_owned(), Held::Null)]), 1),
            (Held::str("x"), 0),
        ] {
            let fits = Held::nested(MAX_DEPTH - levels, innermost.clone());
            assert!(built_as_read(&fits, false).is_empty());
            for depth in [MAX_DEPTH + 1 - levels, MAX_DEPTH + 2, 300] {
                let d = built_as_read(&Held::nested(depth, innermost.clone()), false);
                assert_eq!(
                    d.iter().map(|d| d.code).collect::<Vec<_>>(),
                    vec![Code::TooDeep]
                );
            }
        }
        let deep_then_more = Held::Array(vec![
            Held::nested(70, Held::Null),
            Held::number("1e400"),
            Held::nested(80, Held::Int(1)),
        ]);
        let d = built_as_read(&deep_then_more, false);
        assert_eq!(
            d.iter().map(|d| d.code).collect::<Vec<_>>(),
            vec![Code::TooDeep]
        );
        // A number beyond the largest float fails where it ends; what fails first is reported.
        let out_of_range = Held::Array(vec![
            Held::str("é"),
            Held::number("1e400"),
            Held::nested(70, Held::Null),
        ]);
        let d = built_as_read(&out_of_range, false);
        assert!(
            d.iter()
                .next()
                .unwrap()
                .message
                .contains("number out of range at line 1 column 11"),
            "{d}"
        );
        let digits = "9".repeat(400);
        assert_eq!(
            built_as_read(
                &Held::Array(vec![Held::Int(1), Held::number(&digits)]),
                false
            )
            .iter()
            .map(|d| d.code)
            .collect::<Vec<_>>(),
            vec![Code::Syntax]
        );
        // Duplicate keys, when the face says keys may repeat.
        let repeated = Held::Object(vec![
            ("1".to_owned(), Held::Int(1)),
            (
                "a".to_owned(),
                Held::Object(vec![
                    ("b".to_owned(), Held::Null),
                    ("b".to_owned(), Held::Null),
                ]),
            ),
            ("1".to_owned(), Held::Int(2)),
        ]);
        assert_eq!(built_as_read(&repeated, true).len(), 2);
    }

    #[test]
    fn a_built_tree_meets_the_size_limit_of_its_text_to_the_byte() {
        // `{"a":"…"}` is 8 bytes besides the string's content; each `\n` takes two.
        for (content, fits) in [
            ("x".repeat(MAX_INPUT_BYTES - 8), true),
            ("x".repeat(MAX_INPUT_BYTES - 7), false),
            (format!("{}\n", "x".repeat(MAX_INPUT_BYTES - 10)), true),
            (format!("{}\n", "x".repeat(MAX_INPUT_BYTES - 9)), false),
            (format!("{}\u{1}", "x".repeat(MAX_INPUT_BYTES - 14)), true),
            (format!("{}\u{1}", "x".repeat(MAX_INPUT_BYTES - 13)), false),
        ] {
            let held = Held::Object(vec![("a".to_owned(), Held::Str(content))]);
            assert_eq!(built_as_read(&held, false).is_empty(), fits);
        }
        // A value held once and referenced many times counts every time, as its text repeats it.
        let shared = Held::Array(vec![Held::str(&"x".repeat(100_000)); 11]);
        assert_eq!(built_as_read(&shared, false).len(), 1);
        // So is a long array, and a deep one: the size comes first.
        assert_eq!(
            built_as_read(&Held::Array(vec![Held::Int(1); 600_000]), false).len(),
            1
        );
        let deep_and_large = Held::nested(100, Held::str(&"x".repeat(MAX_INPUT_BYTES)));
        let d = built_as_read(&deep_and_large, false);
        assert_eq!(
            d.iter().map(|d| d.code).collect::<Vec<_>>(),
            vec![Code::InputTooLarge]
        );
    }

    #[test]
    fn built_trees_of_generated_values_are_the_trees_of_their_text() {
        // A small deterministic generator (xorshift): values of every kind, strings with every kind of escape,
        // nesting past the limit now and then.
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % n
        };
        fn generate(next: &mut dyn FnMut(u64) -> u64, depth: usize) -> Held {
            let pieces = ["a", "é", "\"", "\\", "\n", "\u{1}", "\u{8}", "😀", "/", " "];
            let numbers = [
                "0.1",
                "1e+16",
                "-0.0",
                "5e-324",
                "123456789012345678901234",
                "1e400",
                "-7",
            ];
            match next(if depth > 90 { 6 } else { 9 }) {
                0 => Held::Null,
                1 => Held::Bool(next(2) == 0),
                2 => Held::Int(next(u64::MAX) as i64),
                3 => Held::number(numbers[next(numbers.len() as u64) as usize]),
                4 | 5 => Held::Str(
                    (0..next(6))
                        .map(|_| pieces[next(pieces.len() as u64) as usize])
                        .collect(),
                ),
                6 => Held::Array((0..next(4)).map(|_| generate(next, depth + 1)).collect()),
                _ => Held::Object(
                    (0..next(4))
                        .map(|_| {
                            (
                                ["k", "k", "é\n", ""][next(4) as usize].to_owned(),
                                generate(next, depth + 1),
                            )
                        })
                        .collect(),
                ),
            }
        }
        let mut outcomes = std::collections::BTreeSet::new();
        for _ in 0..3000 {
            let held = Held::Array(vec![Held::nested(
                next(80) as usize,
                generate(&mut next, 0),
            )]);
            let d = built_as_read(&held, true);
            outcomes.extend(d.iter().map(|d| d.code));
        }
        // Each outcome came up: a tree, too deep, out of range, duplicates.
        assert!(
            outcomes.contains(&Code::TooDeep)
                && outcomes.contains(&Code::Syntax)
                && outcomes.contains(&Code::DuplicateKey),
            "{outcomes:?}"
        );
    }
}
