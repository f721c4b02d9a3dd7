//! Refusing what could exhaust the parser before parsing (size, nesting, durations too large to represent), and
//! hints for the syntax errors of queries copied from elsewhere.

use promql_parser::parser::{self, Expr};

use super::{MAX_COMPLEXITY, MAX_DURATION_SECONDS, MAX_QUERY_BYTES};
use crate::diagnostic::{Code, Diagnostic};

/// Why a query was refused before any check could run.
pub(super) enum Unparsed {
    Empty,
    TooLong(usize),
    TooComplex,
    HugeDuration(String),
    Syntax(String),
}

impl Unparsed {
    pub(super) fn into_diagnostic(self, at: &str, query: &str) -> Diagnostic {
        match self {
            Unparsed::Empty => Diagnostic::error(at, Code::Query, "the query is empty"),
            Unparsed::TooLong(len) => Diagnostic::error(
                at,
                Code::Query,
                format!("the query is {len} bytes long; at most {MAX_QUERY_BYTES} are checked"),
            ),
            Unparsed::TooComplex => Diagnostic::error(
                at,
                Code::Query,
                format!(
                    "the query nests or chains more than {MAX_COMPLEXITY} parentheses, brackets and operators"
                ),
            )
            .with_hint("split it into a recording rule and query that"),
            Unparsed::HugeDuration(text) => Diagnostic::error(
                at,
                Code::Query,
                format!("the duration `{text}` is out of range"),
            )
            .with_hint("write a duration such as `5m`"),
            Unparsed::Syntax(message) => {
                let d = Diagnostic::error(
                    at,
                    Code::Query,
                    format!("the query is not valid PromQL: {message}"),
                );
                match syntax_hint(query, &message) {
                    Some(hint) => d.with_hint(hint),
                    None => d,
                }
            }
        }
    }
}

/// Parses after refusing input that could exhaust the stack or crash the parser.
pub(super) fn parse_guarded(query: &str) -> Result<Expr, Unparsed> {
    if query.trim().is_empty() {
        return Err(Unparsed::Empty);
    }
    if query.len() > MAX_QUERY_BYTES {
        return Err(Unparsed::TooLong(query.len()));
    }
    prescan(query)?;
    parser::parse(query).map_err(Unparsed::Syntax)
}

/// A quick lexical pass that bounds the parse tree's depth and finds numeric durations too large to represent.
///
/// Strings and comments are skipped. Inside `[…]` each `:`-separated part, and the word after `offset`, must not
/// be a bare number of a trillion seconds or more (or infinity, or NaN).
pub(super) fn prescan(query: &str) -> Result<(), Unparsed> {
    let chars: Vec<char> = query.chars().collect();
    let mut i = 0;
    let mut complexity = 0usize;
    let mut braces = false;
    let mut bracket: Option<String> = None;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '"' | '\'' | '`' => {
                i = skip_string(&chars, i);
                continue;
            }
            '#' => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
                continue;
            }
            _ => {}
        }
        if let Some(inside) = bracket.as_mut() {
            if c == ']' {
                for part in inside.split(':') {
                    check_numeric_duration(part)?;
                }
                bracket = None;
            } else {
                inside.push(c);
            }
            i += 1;
            continue;
        }
        match c {
            '{' => braces = true,
            '}' => braces = false,
            '[' if !braces => {
                complexity += 1;
                bracket = Some(String::new());
            }
            '(' | '+' | '-' | '*' | '/' | '%' | '^' | '=' | '!' | '<' | '>' if !braces => {
                complexity += 1;
            }
            c if c.is_alphabetic() || c == '_' => {
                let start = i;
                while i < chars.len()
                    && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == ':')
                {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                if !braces {
                    let lower = word.to_ascii_lowercase();
                    if matches!(lower.as_str(), "and" | "or" | "unless" | "atan2") {
                        complexity += 1;
                    } else if lower == "offset" {
                        let mut j = i;
                        while j < chars.len() {
                            match chars[j] {
                                '#' => {
                                    while j < chars.len() && chars[j] != '\n' {
                                        j += 1;
                                    }
                                }
                                c if c.is_whitespace() || c == '+' || c == '-' => j += 1,
                                _ => break,
                            }
                        }
                        let begin = j;
                        while j < chars.len()
                            && (chars[j].is_alphanumeric() || matches!(chars[j], '.' | '_'))
                        {
                            j += 1;
                        }
                        let token: String = chars[begin..j].iter().collect();
                        check_numeric_duration(&token)?;
                    }
                }
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    if complexity > MAX_COMPLEXITY {
        return Err(Unparsed::TooComplex);
    }
    Ok(())
}

/// The index after the string literal starting at `start` (or the end of input when it is not closed).
pub(super) fn skip_string(chars: &[char], start: usize) -> usize {
    let quote = chars[start];
    let mut i = start + 1;
    while i < chars.len() {
        match chars[i] {
            '\\' if quote != '`' => i += 2,
            c if c == quote => return i + 1,
            _ => i += 1,
        }
    }
    chars.len()
}

pub(super) fn check_numeric_duration(text: &str) -> Result<(), Unparsed> {
    let text = text.trim();
    match text.parse::<f64>() {
        Ok(seconds) if !(0.0..MAX_DURATION_SECONDS).contains(&seconds) => {
            Err(Unparsed::HugeDuration(text.to_string()))
        }
        _ => Ok(()),
    }
}

/// A hint for the mistakes that most often break a query copied from elsewhere.
pub(super) fn syntax_hint(query: &str, message: &str) -> Option<String> {
    if query.contains("$__") || query.contains("[$") {
        return Some(
            "a Grafana variable such as `$__rate_interval` is not PromQL: write a duration such as `5m`".to_string(),
        );
    }
    let trimmed = query.trim();
    if let Some(stripped) = trimmed
        .strip_suffix('"')
        .or_else(|| trimmed.strip_suffix('\''))
        && parse_guarded(stripped).is_ok()
    {
        return Some("remove the stray quote at the end of the query".to_string());
    }
    if message.contains("inside braces") {
        return Some(
            "label matchers are written `name=\"value\"`, with the value in quotes".to_string(),
        );
    }
    None
}
