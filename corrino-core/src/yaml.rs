//! Writing serde values as block-style YAML, the way `kubectl` prints objects.
//!
//! Written by hand because the YAML crates emit through libyaml or a translation of it: on our rendered objects
//! serde_yaml (which yaml_serde continues) took 18 times as long as serde_json, more than all the rest of rendering
//! together. Writing is simple when the output only has to be *read* correctly: strings are written plain only when
//! no YAML 1.1 or 1.2 reader could take them for anything else (a number, a boolean, null, an indicator), and
//! double-quoted with JSON escapes (valid YAML) otherwise. A property test reads the output back with a real YAML
//! parser.

use std::fmt::Write as _;

use serde::ser::{self, Impossible, Serialize};

/// Why a value could not be written as YAML.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Error(String);

impl ser::Error for Error {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Error(msg.to_string())
    }
}

/// Writes `value` as a YAML document (no `---` marker), ending with a newline.
///
/// # Errors
/// When the value has a map key that is not a string or a scalar, or when its `Serialize` implementation fails.
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> Result<String, Error> {
    let mut out = String::with_capacity(1024);
    append(&mut out, value)?;
    Ok(out)
}

/// Appends `value` as a YAML document to `out` (for streams of several documents).
///
/// # Errors
/// As [`to_string`].
pub fn append<T: Serialize + ?Sized>(out: &mut String, value: &T) -> Result<(), Error> {
    value.serialize(Writer {
        out,
        at: Place::Root,
    })
}

/// Where a value is written.
#[derive(Clone, Copy)]
enum Place {
    /// At the start of the document.
    Root,
    /// After `key:` whose key starts at this column.
    MapValue(usize),
    /// After `- ` whose dash is at this column.
    SeqItem(usize),
}

struct Writer<'a> {
    out: &'a mut String,
    at: Place,
}

fn indent(out: &mut String, col: usize) {
    const SPACES: &str = "                                                                ";
    let mut left = col;
    while left > 0 {
        let n = left.min(SPACES.len());
        out.push_str(&SPACES[..n]);
        left -= n;
    }
}

/// What a byte may be inside a plain scalar: never (`UNSAFE`: outside printable ASCII, or a flow indicator or
/// quote), part of something that reads as a number (`NUMERIC`), or a byte that matters with its neighbour (`PAIR`:
/// `: ` starts a mapping and ` #` a comment). A table, because this runs for every byte of every string and key
/// written: one load, one `or` and one `and` per byte, with the rare cases sorted out after the loop.
const UNSAFE: u8 = 1;
const NUMERIC: u8 = 2;
const PAIR: u8 = 4;

static CLASSES: [u8; 256] = {
    let mut table = [UNSAFE; 256];
    let mut b = 0x20;
    while b < 0x7f {
        table[b] = match b as u8 {
            b'{' | b'}' | b'[' | b']' | b',' | b'"' | b'\'' | b'\\' => UNSAFE,
            b'0'..=b'9' | b'a'..=b'f' | b'A'..=b'F' => NUMERIC,
            b'+' | b'-' | b'.' | b'_' | b'x' | b'X' | b'o' | b'O' => NUMERIC,
            b':' => NUMERIC | PAIR,
            b' ' | b'#' => PAIR,
            _ => 0,
        };
        b += 1;
    }
    table
};

/// Whether `s` reads back as the same string when written plain.
fn plain_is_safe(s: &str) -> bool {
    let bytes = s.as_bytes();
    let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else {
        return false;
    };
    // The classes of all bytes or-ed (any unsafe byte or pair?) and and-ed (all numeric?).
    let (mut any, mut all) = (0u8, NUMERIC);
    for &b in bytes {
        let class = CLASSES[usize::from(b)];
        any |= class;
        all &= class;
    }
    if any & UNSAFE != 0 {
        return false;
    }
    if any & PAIR != 0
        && (first == b' '
            || last == b' '
            || last == b':'
            || bytes.windows(2).any(|w| w == b": " || w == b" #"))
    {
        return false;
    }
    // Indicators that start something other than a plain scalar (the flow indicators and quotes are UNSAFE).
    if matches!(
        first,
        b'?' | b':' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'%' | b'@' | b'`'
    ) || (first == b'-' && (bytes.len() == 1 || bytes[1] == b' '))
    {
        return false;
    }
    // Anything that may read as a number: YAML 1.1 and 1.2 numbers (`1`, `-1.5e3`, `0x1f`, `0o7`, `0b1`, `1_000`,
    // `1:20`, `.5`) use only the NUMERIC bytes and start with a digit, a sign or a dot. `200Gi` or `1g.20gb` do not.
    if all & NUMERIC != 0 && (first.is_ascii_digit() || matches!(first, b'+' | b'-' | b'.')) {
        return false;
    }
    // YAML 1.1 timestamps (`2001-12-14`, `2001-12-14T21:59:43Z`, `2001-12-14 21:59:43.10 -5`), which PyYAML and
    // js-yaml read as dates: all start with four digits and a dash.
    if bytes.len() >= 5 && bytes[..4].iter().all(u8::is_ascii_digit) && bytes[4] == b'-' {
        return false;
    }
    // Words YAML 1.1 reads as null or booleans, and the infinities and not-a-number (after any signs). Every byte
    // is printable ASCII here.
    if bytes.len() <= 5 {
        let mut lower = [0u8; 5];
        for (l, b) in lower.iter_mut().zip(bytes) {
            *l = b.to_ascii_lowercase();
        }
        if matches!(
            &lower[..bytes.len()],
            b"null"
                | b"~"
                | b"true"
                | b"false"
                | b"yes"
                | b"no"
                | b"on"
                | b"off"
                | b"y"
                | b"n"
                | b"="
                | b"<<"
        ) {
            return false;
        }
    }
    if bytes.len() >= 4 && matches!(last, b'f' | b'F' | b'n' | b'N') {
        let (signs, tail) = s.split_at(bytes.len() - 4);
        if (tail.eq_ignore_ascii_case(".inf") || tail.eq_ignore_ascii_case(".nan"))
            && signs.bytes().all(|b| b == b'+' || b == b'-')
        {
            return false;
        }
    }
    true
}

/// Writes a finite float as the shortest digits that read back as it, in a form every YAML reader takes for a
/// float: YAML 1.1 (PyYAML) wants a `.` in the digits and a sign in the exponent (`1.0e+300`; `1e300` would be a
/// string there), YAML 1.2 accepts both.
fn write_float(out: &mut String, v: f64) {
    let mut buffer = ryu::Buffer::new();
    let text = buffer.format_finite(v);
    match text.split_once('e') {
        None => out.push_str(text),
        Some((digits, exponent)) => {
            out.push_str(digits);
            if !digits.contains('.') {
                out.push_str(".0");
            }
            out.push('e');
            if !exponent.starts_with('-') {
                out.push('+');
            }
            out.push_str(exponent);
        }
    }
}

/// The longest key written as a plain `key:`: YAML readers (libyaml, PyYAML) take at most 1024 characters for an
/// implicit key; a longer one is written as an explicit `? key` with its `: value` on the next line.
const MAX_IMPLICIT_KEY: usize = 1000;

/// Writes `s` plain when [`plain_is_safe`], double-quoted otherwise.
fn write_str(out: &mut String, s: &str) {
    if plain_is_safe(s) {
        out.push_str(s);
        return;
    }
    // A JSON string is a valid YAML double-quoted scalar. Bytes are scanned, and characters decoded only past
    // ASCII, where the C1 controls, the byte-order mark and the non-characters need escapes too.
    out.push('"');
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let (escape, len) = match bytes[i] {
            b'"' => ("\\\"", 1),
            b'\\' => ("\\\\", 1),
            b'\n' => ("\\n", 1),
            b'\r' => ("\\r", 1),
            b'\t' => ("\\t", 1),
            0..0x20 | 0x7f => ("", 1),
            0x80.. => {
                let c = s[i..].chars().next().unwrap_or_default();
                // YAML 1.1 reads U+2028 and U+2029 as line breaks, which a double-quoted scalar folds.
                if (0x80..=0x9f).contains(&u32::from(c))
                    || matches!(
                        c,
                        '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
                    )
                {
                    ("", c.len_utf8())
                } else {
                    i += c.len_utf8();
                    continue;
                }
            }
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&s[start..i]);
        if escape.is_empty() {
            let c = s[i..].chars().next().unwrap_or_default();
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push_str(escape);
        }
        i += len;
        start = i;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

impl<'a> Writer<'a> {
    /// Writes a scalar's text where the writer stands.
    fn scalar(self, text: impl FnOnce(&mut String)) {
        if let Place::MapValue(_) = self.at {
            self.out.push(' ');
        }
        text(self.out);
        self.out.push('\n');
    }

    /// Writes an empty collection (`{}` or `[]`).
    fn empty(out: &mut String, at: Place, text: &str) {
        if let Place::MapValue(_) = at {
            out.push(' ');
        }
        out.push_str(text);
        out.push('\n');
    }

    fn map(self) -> MapWriter<'a> {
        let col = match self.at {
            Place::Root => 0,
            Place::MapValue(c) | Place::SeqItem(c) => c + 2,
        };
        MapWriter {
            out: self.out,
            at: self.at,
            col,
            first: true,
        }
    }

    fn seq(self) -> SeqWriter<'a> {
        // Items of a sequence under a key sit at the key's column, as kubectl writes them.
        let col = match self.at {
            Place::Root => 0,
            Place::MapValue(c) => c,
            Place::SeqItem(c) => c + 2,
        };
        SeqWriter {
            out: self.out,
            at: self.at,
            col,
            first: true,
        }
    }
}

struct MapWriter<'a> {
    out: &'a mut String,
    at: Place,
    col: usize,
    first: bool,
}

impl MapWriter<'_> {
    fn key(&mut self, key: &str) {
        if self.first {
            match self.at {
                Place::MapValue(_) => {
                    self.out.push('\n');
                    indent(self.out, self.col);
                }
                // After `- ` the first key continues the line; at the root it starts the document.
                Place::SeqItem(_) | Place::Root => {}
            }
            self.first = false;
        } else {
            indent(self.out, self.col);
        }
        if key.len() <= MAX_IMPLICIT_KEY {
            write_str(self.out, key);
            self.out.push(':');
        } else {
            self.out.push_str("? ");
            write_str(self.out, key);
            self.out.push('\n');
            indent(self.out, self.col);
            self.out.push(':');
        }
    }

    fn value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        value.serialize(Writer {
            out: self.out,
            at: Place::MapValue(self.col),
        })
    }

    fn finish(self) {
        if self.first {
            Writer::empty(self.out, self.at, "{}");
        }
    }
}

struct SeqWriter<'a> {
    out: &'a mut String,
    at: Place,
    col: usize,
    first: bool,
}

impl SeqWriter<'_> {
    fn item<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        if self.first {
            match self.at {
                Place::MapValue(_) => {
                    self.out.push('\n');
                    indent(self.out, self.col);
                }
                Place::SeqItem(_) | Place::Root => {}
            }
            self.first = false;
        } else {
            indent(self.out, self.col);
        }
        self.out.push_str("- ");
        value.serialize(Writer {
            out: self.out,
            at: Place::SeqItem(self.col),
        })
    }

    fn finish(self) {
        if self.first {
            Writer::empty(self.out, self.at, "[]");
        }
    }
}

impl<'a> ser::Serializer for Writer<'a> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = SeqWriter<'a>;
    type SerializeTuple = SeqWriter<'a>;
    type SerializeTupleStruct = SeqWriter<'a>;
    type SerializeTupleVariant = Impossible<(), Error>;
    type SerializeMap = MapWriter<'a>;
    type SerializeStruct = MapWriter<'a>;
    type SerializeStructVariant = Impossible<(), Error>;

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.scalar(|o| o.push_str(if v { "true" } else { "false" }));
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        self.scalar(|o| o.push_str(itoa::Buffer::new().format(v)));
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        self.scalar(|o| o.push_str(itoa::Buffer::new().format(v)));
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        self.serialize_f64(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        self.scalar(|o| {
            if v.is_nan() {
                o.push_str(".nan");
            } else if v.is_infinite() {
                o.push_str(if v > 0.0 { ".inf" } else { "-.inf" });
            } else {
                write_float(o, v);
            }
        });
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<(), Error> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.scalar(|o| write_str(o, v));
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Error> {
        use ser::SerializeSeq as _;
        let mut seq = self.serialize_seq(Some(v.len()))?;
        for b in v {
            seq.serialize_element(b)?;
        }
        seq.end()
    }
    fn serialize_none(self) -> Result<(), Error> {
        self.serialize_unit()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Error> {
        self.scalar(|o| o.push_str("null"));
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Error> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        let mut map = self.map();
        map.key(variant);
        map.value(value)?;
        map.finish();
        Ok(())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<SeqWriter<'a>, Error> {
        Ok(self.seq())
    }
    fn serialize_tuple(self, _: usize) -> Result<SeqWriter<'a>, Error> {
        Ok(self.seq())
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<SeqWriter<'a>, Error> {
        Ok(self.seq())
    }
    fn serialize_tuple_variant(
        self,
        name: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(Error(format!(
            "tuple variants ({name}) are not written as YAML"
        )))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<MapWriter<'a>, Error> {
        Ok(self.map())
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<MapWriter<'a>, Error> {
        Ok(self.map())
    }
    fn serialize_struct_variant(
        self,
        name: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(Error(format!(
            "struct variants ({name}) are not written as YAML"
        )))
    }
}

impl ser::SerializeSeq for SeqWriter<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.item(value)
    }
    fn end(self) -> Result<(), Error> {
        self.finish();
        Ok(())
    }
}

impl ser::SerializeTuple for SeqWriter<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.item(value)
    }
    fn end(self) -> Result<(), Error> {
        self.finish();
        Ok(())
    }
}

impl ser::SerializeTupleStruct for SeqWriter<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.item(value)
    }
    fn end(self) -> Result<(), Error> {
        self.finish();
        Ok(())
    }
}

impl ser::SerializeMap for MapWriter<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        key.serialize(KeyWriter(self))
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.value(value)
    }
    fn end(self) -> Result<(), Error> {
        self.finish();
        Ok(())
    }
}

impl ser::SerializeStruct for MapWriter<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.key(key);
        self.value(value)
    }
    fn end(self) -> Result<(), Error> {
        self.finish();
        Ok(())
    }
}

/// Writes a map key; only scalars can be keys, and they are written as strings.
struct KeyWriter<'m, 'a>(&'m mut MapWriter<'a>);

impl KeyWriter<'_, '_> {
    fn text(self, text: impl std::fmt::Display) -> Result<(), Error> {
        self.0.key(&text.to_string());
        Ok(())
    }
}

fn not_scalar<T>() -> Result<T, Error> {
    Err(Error("a map key must be a scalar".into()))
}

impl ser::Serializer for KeyWriter<'_, '_> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Impossible<(), Error>;
    type SerializeTuple = Impossible<(), Error>;
    type SerializeTupleStruct = Impossible<(), Error>;
    type SerializeTupleVariant = Impossible<(), Error>;
    type SerializeMap = Impossible<(), Error>;
    type SerializeStruct = Impossible<(), Error>;
    type SerializeStructVariant = Impossible<(), Error>;

    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.0.key(v);
        Ok(())
    }
    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.text(v)
    }
    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        self.text(v)
    }
    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        self.text(v)
    }
    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        self.text(v)
    }
    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        self.text(v)
    }
    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        self.text(v)
    }
    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        self.text(v)
    }
    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        self.text(v)
    }
    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        self.text(v)
    }
    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        self.text(v)
    }
    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        self.text(v)
    }
    fn serialize_char(self, v: char) -> Result<(), Error> {
        self.text(v)
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), Error> {
        not_scalar()
    }
    fn serialize_none(self) -> Result<(), Error> {
        self.text("null")
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Error> {
        self.text("null")
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Error> {
        self.text("null")
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.text(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Error> {
        not_scalar()
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        not_scalar()
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Error> {
        not_scalar()
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        not_scalar()
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        not_scalar()
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Error> {
        not_scalar()
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Error> {
        not_scalar()
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        not_scalar()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn writes_block_style_like_kubectl() {
        let value = json!({
            "apiVersion": "v1",
            "spec": {
                "containers": [{"name": "a", "args": ["--model", "8000", "0.95"], "env": []}],
                "empty": {},
                "ratio": 0.5,
                "count": 3,
                "on": true,
                "none": null,
            }
        });
        assert_eq!(
            to_string(&value).unwrap(),
            "apiVersion: v1\nspec:\n  containers:\n  - args:\n    - --model\n    - \"8000\"\n    - \"0.95\"\n    env: []\n    name: a\n  count: 3\n  empty: {}\n  none: null\n  \"on\": true\n  ratio: 0.5\n"
        );
    }

    #[test]
    fn quotes_what_a_reader_would_misread() {
        for s in [
            "",
            "true",
            "No",
            "null",
            "~",
            "8000",
            "1:20",
            "0x1f",
            ".5",
            "-1",
            "- a",
            "a: b",
            "a #b",
            "#x",
            "'q'",
            "\"q\"",
            "{x}",
            "[x]",
            "x,y",
            "*a",
            "&a",
            "!t",
            "%x",
            "@x",
            "`x",
            " x",
            "x ",
            "é",
            "a\nb",
            "x:",
            "=",
            "<<",
            "?x",
            "|x",
            ">x",
            "-",
            ".NaN",
            "1e3",
            "0o17",
            "10.0.10.20",
            "+1",
            "-.inf",
            "2001-12-14",
            "2001-12-14T21:59:43Z",
            "2001-12-14t21:59:43.10-05:00",
            "2001-12-14 21:59:43.10 -5",
            "2002-1-1",
        ] {
            assert!(!plain_is_safe(s), "{s:?} must be quoted");
        }
        for s in [
            "v1",
            "docker.io/vllm/vllm-openai:v0.9.1",
            "--model",
            "/health",
            "http://x.y:80/z",
            "nvidia.com/gpu",
            "200Gi",
            "1g.20gb",
            "deadbeef",
        ] {
            assert!(plain_is_safe(s), "{s:?} may be plain");
        }
    }

    #[test]
    fn floats_are_floats_to_yaml_1_1_readers_too() {
        let written: Vec<String> = [1e300, 5e-324, -1.5e-7, 1e16, 0.5, 3.0]
            .iter()
            .map(|v| to_string(v).unwrap())
            .collect();
        assert_eq!(
            written,
            [
                "1.0e+300\n",
                "5.0e-324\n",
                "-1.5e-7\n",
                "1.0e+16\n",
                "0.5\n",
                "3.0\n"
            ]
        );
    }

    #[test]
    fn long_keys_are_explicit_and_line_separators_escaped() {
        let key = "k".repeat(2000);
        let value = json!({ key.clone(): {"a": ["\u{2028}"]}, "b": 1 });
        let yaml = to_string(&value).unwrap();
        assert!(yaml.starts_with("b: 1\n? kkk"), "{yaml}");
        assert!(yaml.contains("\\u2028"), "{yaml}");
        let back: serde_json::Value = yaml_serde::from_str(&yaml).unwrap();
        assert_eq!(back, value, "{yaml}");
    }

    #[test]
    fn reads_back_identically() {
        let value = json!({
            "a": ["x", {"b": [1, [2, 3], []], "c": {}}, [], ["nested", {"d": "e"}]],
            "q": "1 - (sum(rate(x{le=\"5.0\"}[5m])))",
            "f": 1.0,
            "neg": -2,
            "s": "tab\there \u{1}",
        });
        let yaml = to_string(&value).unwrap();
        let back: serde_json::Value = yaml_serde::from_str(&yaml).unwrap();
        assert_eq!(back, value, "{yaml}");
    }
}
