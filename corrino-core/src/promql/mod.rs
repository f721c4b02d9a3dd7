//! PromQL for scaling vLLM on KEDA's Prometheus trigger: the default latency query, label escaping, durations, and
//! checks of queries that recipe authors write themselves.
//!
//! KEDA sends the query to Prometheus' instant-query API and accepts an empty result (read as 0) or exactly one
//! sample of an instant vector; anything else fails the scaler on every poll. The checks here catch queries that
//! would fail that way, and queries that run but read nothing from vLLM: metric names it does not (or no longer)
//! export, labels it does not set, histogram bounds spelled differently from its buckets, windows too short for the
//! scrape interval, and counters read raw.
//!
//! Parsing needs the `promql-parser` crate, behind the `promql-check` feature. Generating the default query,
//! escaping and durations do not, so builds without the feature still render recipes.

mod default_query;
mod duration;

#[cfg(feature = "promql-check")]
mod check;

#[cfg(feature = "promql-check")]
pub use check::{QueryContext, check_query, is_ratio_query, upper_bound};
pub use default_query::{
    DefaultQuery, DefaultQueryError, LATENCY_BOUND, LATENCY_BOUND_SECONDS, default_window,
    instance_label,
};
pub use duration::{format_duration, parse_duration_seconds};

/// Escapes `value` for use inside a double-quoted PromQL string, so that any model or service name selects itself.
///
/// Backslashes and double quotes get a backslash; line breaks and tabs, which a PromQL string cannot hold raw, are
/// written as `\n`, `\r` and `\t`. Everything else, Unicode included, is kept as is.
#[must_use]
pub fn escape_label_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    push_escaped(&mut out, value);
    out
}

/// [`escape_label_value`] written onto the end of `out`.
pub(crate) fn push_escaped(out: &mut String, value: &str) {
    if !value.contains(['\\', '"', '\n', '\r', '\t']) {
        out.push_str(value);
        return;
    }
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
}

/// Whether `name` can be written bare as a label name (`[a-zA-Z_][a-zA-Z0-9_]*`); other names must be quoted.
#[must_use]
pub fn is_plain_label_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_quotes_backslashes_and_line_breaks() {
        assert_eq!(escape_label_value("plain"), "plain");
        assert_eq!(escape_label_value(r#"a"b"#), r#"a\"b"#);
        assert_eq!(escape_label_value(r"a\b"), r"a\\b");
        assert_eq!(escape_label_value("a\nb\tc\r"), r"a\nb\tc\r");
        assert_eq!(escape_label_value("modèle/😀"), "modèle/😀");
    }

    #[test]
    fn label_names_are_classified() {
        assert!(is_plain_label_name("instance"));
        assert!(is_plain_label_name("_x1"));
        assert!(!is_plain_label_name("1x"));
        assert!(!is_plain_label_name("a.b"));
        assert!(!is_plain_label_name(""));
    }
}
