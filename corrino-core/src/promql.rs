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

use crate::vllm;

/// The query window upstream documents as the default for `collect_metrics_timespan`.
pub const DEFAULT_WINDOW: &str = "5m";

/// The latency bound of the default query, in seconds: one of vLLM's end-to-end latency buckets.
pub const DEFAULT_LATENCY_BOUND: &str = "5.0";

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
fn push_escaped(out: &mut String, value: &str) {
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

/// The inputs of the default scaling query: which series belong to the recipe, over what window, and which latency
/// bound counts as slow.
///
/// How the recipe's series are selected depends on how Prometheus scrapes vLLM: a static target per Service carries
/// `instance="recipe-<name>.<namespace>:80"` (upstream's setup, [`DefaultQuery::for_instance`]); a PodMonitor or
/// ServiceMonitor labels series with `namespace`, `service` or `pod` instead ([`DefaultQuery::for_labels`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DefaultQuery {
    /// Equality matchers selecting the recipe's series, in the order they are written; values are escaped.
    pub labels: Vec<(String, String)>,
    /// The `rate()` window, a Prometheus duration such as `5m` (the recipe's `collect_metrics_timespan`).
    pub window: String,
    /// The latency bound in seconds, spelled as one of vLLM's `le` values (`5.0`, not `5`).
    pub latency_bound: String,
}

impl DefaultQuery {
    /// Selects the recipe by the `instance` label of a static scrape target: `<service>.<namespace>:<port>`.
    ///
    /// `service` is the Service name (`recipe-<name>`); upstream's Service listens on port 80.
    #[must_use]
    pub fn for_instance(service: &str, namespace: &str, port: u16) -> Self {
        Self::for_labels(vec![(
            "instance".to_string(),
            instance_label(service, namespace, port),
        )])
    }

    /// Selects the recipe by arbitrary labels, with the default window and latency bound.
    #[must_use]
    pub fn for_labels(labels: Vec<(String, String)>) -> Self {
        DefaultQuery {
            labels,
            window: DEFAULT_WINDOW.to_string(),
            latency_bound: DEFAULT_LATENCY_BOUND.to_string(),
        }
    }

    /// Whether the latency bound is one of the default end-to-end latency buckets (else the query reads nothing).
    #[must_use]
    pub fn latency_bound_is_bucket(&self) -> bool {
        vllm::REQUEST_LATENCY_BUCKETS.contains(&self.latency_bound.as_str())
    }
}

/// The `instance` label of a Service scraped as a static target: `<service>.<namespace>:<port>`.
#[must_use]
pub fn instance_label(service: &str, namespace: &str, port: u16) -> String {
    format!("{service}.{namespace}:{port}")
}

/// The default scaling query: the fraction of the recipe's requests that took longer than the latency bound.
///
/// `1 - (sum(rate(<e2e>_bucket{le="<bound>",…}[<window>])) / sum(rate(<e2e>_bucket{le="+Inf",…}[<window>])))`.
/// The value is a ratio in [0, 1]. Without traffic it is NaN (0 / 0), and empty before vLLM exported anything; KEDA
/// reads both as 0 while its `ignoreNullValues` is on, the default. Label values are escaped and label names that are
/// not plain identifiers are quoted; the window is written as given, so check it with [`parse_duration_seconds`]
/// first.
#[must_use]
pub fn default_query(q: &DefaultQuery) -> String {
    let selector = |out: &mut String, le: &str| {
        out.push_str(vllm::E2E_REQUEST_LATENCY);
        out.push_str("_bucket{le=\"");
        push_escaped(out, le);
        out.push('"');
        for (name, value) in &q.labels {
            out.push(',');
            if is_plain_label_name(name) {
                out.push_str(name);
            } else {
                out.push('"');
                push_escaped(out, name);
                out.push('"');
            }
            out.push_str("=\"");
            push_escaped(out, value);
            out.push('"');
        }
        out.push_str("}[");
        out.push_str(&q.window);
        out.push(']');
    };
    let mut out = String::with_capacity(256);
    out.push_str("1 - (sum(rate(");
    selector(&mut out, &q.latency_bound);
    out.push_str(")) / sum(rate(");
    selector(&mut out, "+Inf");
    out.push_str(")))");
    out
}

const DURATION_UNITS: [(&str, u64); 7] = [
    ("y", 365 * 24 * 3600),
    ("w", 7 * 24 * 3600),
    ("d", 24 * 3600),
    ("h", 3600),
    ("m", 60),
    ("s", 1),
    ("ms", 0),
];

/// Reads a Prometheus duration (`90s`, `5m`, `1h30m`, `2d`) as whole seconds.
///
/// The units are `y` (365 days), `w`, `d`, `h`, `m`, `s` and `ms`, written largest first, each at most once, each
/// after a whole number; `0` alone is zero, as in Prometheus. Milliseconds are accepted only when the total is a whole
/// number of seconds (`1500ms` is `None`, `2000ms` is 2): windows and intervals here are counted in seconds, and
/// rounding would make the checked value differ from the one Prometheus uses. `None` for anything else, including
/// signs, fractions, spaces, an empty string and totals that overflow.
#[must_use]
pub fn parse_duration_seconds(text: &str) -> Option<u64> {
    if text == "0" {
        return Some(0);
    }
    let mut rest = text;
    let mut next_unit = 0;
    let mut millis: u64 = 0;
    let mut seconds: u64 = 0;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        if digits == 0 {
            return None;
        }
        let number: u64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        // Try the longer unit first so that `ms` is not read as `m` followed by garbage.
        let (index, unit_len) = DURATION_UNITS
            .iter()
            .enumerate()
            .skip(next_unit)
            .filter(|(_, (unit, _))| rest.starts_with(unit))
            .map(|(i, (unit, _))| (i, unit.len()))
            .max_by_key(|&(_, len)| len)?;
        rest = &rest[unit_len..];
        next_unit = index + 1;
        let (unit, factor) = DURATION_UNITS[index];
        if unit == "ms" {
            millis = number;
        } else {
            seconds = seconds.checked_add(number.checked_mul(factor)?)?;
        }
    }
    if !millis.is_multiple_of(1000) {
        return None;
    }
    seconds.checked_add(millis / 1000)
}

/// Writes whole seconds as Prometheus prints durations: `90` → `1m30s`, `300` → `5m`, `0` → `0s`.
///
/// Years and weeks are used only when they divide the value exactly (`8d`, not `1w1d`), as Prometheus does, so the
/// output reads back through [`parse_duration_seconds`] to the same number.
#[must_use]
pub fn format_duration(seconds: u64) -> String {
    if seconds == 0 {
        return "0s".to_string();
    }
    let mut rest = seconds;
    let mut out = String::new();
    for (unit, factor) in DURATION_UNITS {
        if factor == 0 {
            continue;
        }
        let exact_only = unit == "y" || unit == "w";
        if exact_only && !rest.is_multiple_of(factor) {
            continue;
        }
        let count = rest / factor;
        if count > 0 {
            out.push_str(&count.to_string());
            out.push_str(unit);
            rest -= count * factor;
        }
    }
    out
}

/// What the checks of a custom query need to know about the deployment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryContext {
    /// How often Prometheus scrapes vLLM, in seconds: `rate()` needs two scrapes inside its window. 0 skips that
    /// check.
    pub scrape_interval_seconds: u32,
    /// The vLLM release the recipe runs, when known (from its image tag): metric statuses are judged at that release
    /// rather than at the newest one the catalog describes.
    pub vllm_version: Option<vllm::VllmVersion>,
    /// Bucket bounds that differ from vLLM's defaults, by histogram family name (`vllm:e2e_request_latency_seconds`),
    /// spelled as in `le`.
    pub bucket_overrides: Vec<(String, Vec<String>)>,
    /// The canonical name of the deployment the query scales, when known: a query that selects another
    /// deployment's Service or recipe label (copied from an example) is reported.
    pub deployment: Option<String>,
}

impl Default for QueryContext {
    fn default() -> Self {
        QueryContext {
            scrape_interval_seconds: 15,
            vllm_version: None,
            bucket_overrides: Vec::new(),
            deployment: None,
        }
    }
}

#[cfg(feature = "promql-check")]
pub use check::{check_query, is_ratio_query, upper_bound};

#[cfg(feature = "promql-check")]
mod check {
    use std::time::Duration;

    use promql_parser::label::{MatchOp, Matcher};
    use promql_parser::parser::{
        self, AggregateExpr, AtModifier, BinaryExpr, Call, Expr, LabelModifier,
        VectorMatchCardinality, VectorSelector,
    };

    use super::{QueryContext, format_duration};
    use crate::diagnostic::{Code, Diagnostic, Diagnostics, Pointer, did_you_mean, suggest};
    use crate::vllm::{self, Metric, MetricKind, MetricStatus, SeriesPart, VllmVersion};

    /// Longer queries are refused before parsing: KEDA queries are a line or two.
    const MAX_QUERY_BYTES: usize = 8 * 1024;

    /// Parentheses, brackets and operators a query may hold before it is refused unparsed: the parser and these
    /// checks recurse once per level, and a stack overflow cannot be caught.
    const MAX_COMPLEXITY: usize = 256;

    /// Durations written as a plain number of seconds must stay below this, well inside what the parser can hold.
    const MAX_DURATION_SECONDS: f64 = 1e15;

    /// Functions that turn a counter's range into a per-second or per-window change.
    const RATE_FUNCTIONS: &[&str] = &["rate", "irate", "increase", "delta", "idelta", "deriv"];

    /// Counter pairs whose quotient is a fraction (hits never exceed lookups).
    const FRACTION_PAIRS: &[(&str, &str)] = &[
        (
            "vllm:prefix_cache_hits_total",
            "vllm:prefix_cache_queries_total",
        ),
        (
            "vllm:gpu_prefix_cache_hits_total",
            "vllm:gpu_prefix_cache_queries_total",
        ),
        (
            "vllm:spec_decode_num_accepted_tokens_total",
            "vllm:spec_decode_num_draft_tokens_total",
        ),
    ];

    /// Checks a custom scaling query; every diagnostic is at `at`, with code [`Code::Query`].
    ///
    /// Errors: the query does not parse, or returns a range vector, a scalar or a string (KEDA decodes only instant
    /// vectors). Warnings: it may return more than one series; it names a vLLM metric that is unknown, deprecated,
    /// hidden or removed, or writes `vllm_` for `vllm:`; it matches on `model` (vLLM's label is `model_name`); an `le`
    /// value is not one of the histogram's bucket bounds; a `rate()` window holds fewer than two scrapes; a counter is
    /// read without `rate()`/`increase()`; `rate()` is applied to a gauge; `@` pins the query to a fixed time.
    /// Label values that look like Grafana variables (`$model_name`) warn too, and a raw `_total` series of another
    /// exporter gets a note. Each finding is reported once: first the one about the result's shape, then the others
    /// in the order of the query's text.
    #[must_use]
    pub fn check_query(query: &str, at: &Pointer, ctx: &QueryContext) -> Diagnostics {
        let mut checker = Checker {
            at: at.as_str(),
            ctx,
            found: Vec::new(),
        };
        match parse_guarded(query) {
            Ok(expr) => {
                checker.result_shape(&expr, query);
                checker.walk(&expr, Scope::default());
            }
            Err(problem) => checker
                .found
                .push(problem.into_diagnostic(at.as_str(), query)),
        }
        let mut unique: Vec<Diagnostic> = Vec::with_capacity(checker.found.len());
        for d in checker.found {
            if !unique.contains(&d) {
                unique.push(d);
            }
        }
        Diagnostics::from(unique)
    }

    /// Whether the query's value can never exceed 1, like the default latency query (`1 - a / b`), a fraction of one
    /// histogram's buckets, or a `_perc` gauge.
    ///
    /// Read with KEDA's `AverageValue`, the HPA asks for `ceil(value / threshold)` replicas, so such a query can never
    /// ask for more than `ceil(1 / threshold)`. `false` when the query does not parse or no bound can be shown.
    #[must_use]
    pub fn is_ratio_query(query: &str) -> bool {
        upper_bound(query).is_some_and(|u| u <= 1.0)
    }

    /// The largest value the query can return, when it follows from the query's shape: 1 for fractions and `_perc`
    /// gauges, propagated through arithmetic with constants, `avg`/`min`/`max`, `clamp*` and `*_over_time`.
    ///
    /// `None` when the query does not parse or its value is unbounded (a sum over pods, a rate, a latency).
    #[must_use]
    pub fn upper_bound(query: &str) -> Option<f64> {
        let expr = parse_guarded(query).ok()?;
        bounds(&expr).hi
    }

    /// Why a query was refused before any check could run.
    enum Unparsed {
        Empty,
        TooLong(usize),
        TooComplex,
        HugeDuration(String),
        Syntax(String),
    }

    impl Unparsed {
        fn into_diagnostic(self, at: &str, query: &str) -> Diagnostic {
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
    fn parse_guarded(query: &str) -> Result<Expr, Unparsed> {
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
    fn prescan(query: &str) -> Result<(), Unparsed> {
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
    fn skip_string(chars: &[char], start: usize) -> usize {
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

    fn check_numeric_duration(text: &str) -> Result<(), Unparsed> {
        let text = text.trim();
        match text.parse::<f64>() {
            Ok(seconds) if !(0.0..MAX_DURATION_SECONDS).contains(&seconds) => {
                Err(Unparsed::HugeDuration(text.to_string()))
            }
            _ => Ok(()),
        }
    }

    /// A hint for the mistakes that most often break a query copied from elsewhere.
    fn syntax_hint(query: &str, message: &str) -> Option<String> {
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

    /// `$name`, `${name}` or `[[name]]`, Grafana's ways of writing a dashboard variable.
    fn looks_like_grafana_variable(value: &str) -> bool {
        let ident = |s: &str| {
            s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        };
        let braced = |s: &str| {
            let name = s.split([':', '.']).next().unwrap_or(s);
            ident(name)
        };
        value
            .strip_prefix("${")
            .and_then(|r| r.strip_suffix('}'))
            .is_some_and(braced)
            || value.strip_prefix('$').is_some_and(ident)
            || value
                .strip_prefix("[[")
                .and_then(|r| r.strip_suffix("]]"))
                .is_some_and(braced)
    }

    /// How many series an expression can return, ordered from fewest to most.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
    enum Card {
        /// At most one series.
        One,
        /// One series per histogram bucket (`sum by (le)`).
        PerBucket,
        /// Possibly many series.
        Many,
    }

    /// The type of an expression's result, and for vectors how many series.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    enum Shape {
        Scalar,
        Text,
        Vector(Card),
        Range(Card),
    }

    impl Shape {
        fn card(self) -> Option<Card> {
            match self {
                Shape::Vector(c) | Shape::Range(c) => Some(c),
                Shape::Scalar | Shape::Text => None,
            }
        }
    }

    fn op_name(expr: &AggregateExpr) -> String {
        expr.op.to_string().to_ascii_lowercase()
    }

    fn grouping_card(modifier: Option<&LabelModifier>) -> Card {
        match modifier {
            None => Card::One,
            Some(LabelModifier::Include(labels)) => match labels.labels.as_slice() {
                [] => Card::One,
                [only] if only == "le" => Card::PerBucket,
                _ => Card::Many,
            },
            Some(LabelModifier::Exclude(_)) => Card::Many,
        }
    }

    /// How many series an aggregation lets through, whatever its input.
    fn aggregate_grouping(a: &AggregateExpr) -> Card {
        match op_name(a).as_str() {
            "count_values" | "limit_ratio" => Card::Many,
            "topk" | "bottomk" | "limitk" => {
                if a.param
                    .as_deref()
                    .and_then(literal)
                    .is_some_and(|k| k <= 1.0)
                {
                    grouping_card(a.modifier.as_ref())
                } else {
                    Card::Many
                }
            }
            _ => grouping_card(a.modifier.as_ref()),
        }
    }

    fn literal(expr: &Expr) -> Option<f64> {
        match expr {
            Expr::NumberLiteral(n) => Some(n.val),
            Expr::Paren(p) => literal(&p.expr),
            Expr::Unary(u) => literal(&u.expr).map(|v| -v),
            _ => None,
        }
    }

    fn shape(expr: &Expr) -> Shape {
        match expr {
            Expr::NumberLiteral(_) => Shape::Scalar,
            Expr::StringLiteral(_) => Shape::Text,
            Expr::VectorSelector(_) => Shape::Vector(Card::Many),
            Expr::MatrixSelector(_) => Shape::Range(Card::Many),
            Expr::Subquery(s) => Shape::Range(shape(&s.expr).card().unwrap_or(Card::One)),
            Expr::Paren(p) => shape(&p.expr),
            Expr::Unary(u) => shape(&u.expr),
            Expr::Aggregate(a) => {
                let inner = shape(&a.expr).card().unwrap_or(Card::Many);
                Shape::Vector(inner.min(aggregate_grouping(a)))
            }
            Expr::Binary(b) => binary_shape(b),
            Expr::Call(c) => call_shape(c),
            Expr::Extension(_) => Shape::Vector(Card::Many),
        }
    }

    fn binary_shape(b: &BinaryExpr) -> Shape {
        let (lhs, rhs) = (shape(&b.lhs), shape(&b.rhs));
        match (lhs, rhs) {
            (Shape::Scalar, Shape::Scalar) => Shape::Scalar,
            (Shape::Scalar, other) | (other, Shape::Scalar) => match other.card() {
                Some(c) => Shape::Vector(c),
                None => other,
            },
            _ => {
                let l = lhs.card().unwrap_or(Card::Many);
                let r = rhs.card().unwrap_or(Card::Many);
                let name = b.op.to_string().to_ascii_lowercase();
                let card = match name.as_str() {
                    "and" | "unless" => l,
                    "or" => l.max(r),
                    _ => match b.modifier.as_ref().map(|m| &m.card) {
                        Some(VectorMatchCardinality::ManyToOne(_)) => l,
                        Some(VectorMatchCardinality::OneToMany(_)) => r,
                        _ => l.min(r),
                    },
                };
                Shape::Vector(card)
            }
        }
    }

    fn call_shape(c: &Call) -> Shape {
        let args: Vec<Shape> = c.args.args.iter().map(|a| shape(a)).collect();
        let first_series = args.iter().find_map(|s| s.card());
        match c.func.name {
            "vector" | "absent" | "absent_over_time" => Shape::Vector(Card::One),
            "histogram_quantile" | "histogram_fraction" => {
                let input = args.last().and_then(|s| s.card()).unwrap_or(Card::Many);
                Shape::Vector(if input == Card::PerBucket {
                    Card::One
                } else {
                    input
                })
            }
            _ => match c.func.return_type {
                parser::value::ValueType::Scalar => Shape::Scalar,
                parser::value::ValueType::String => Shape::Text,
                parser::value::ValueType::Matrix => Shape::Range(first_series.unwrap_or(Card::One)),
                parser::value::ValueType::Vector => {
                    Shape::Vector(first_series.unwrap_or(Card::One))
                }
            },
        }
    }

    /// Why an expression can return many series, naming the construct responsible.
    fn explain_many(expr: &Expr) -> (String, String) {
        let wrap = "wrap it in sum(...) or max(...)".to_string();
        match expr {
            Expr::Paren(p) => explain_many(&p.expr),
            Expr::Unary(u) => explain_many(&u.expr),
            Expr::Subquery(s) => explain_many(&s.expr),
            Expr::Binary(b) => {
                // Follow the side whose series count the result inherits.
                if shape(&b.lhs).card() == shape(expr).card() {
                    explain_many(&b.lhs)
                } else {
                    explain_many(&b.rhs)
                }
            }
            Expr::Aggregate(a) if Some(aggregate_grouping(a)) > shape(expr).card() => {
                // The input, not the grouping, limits how many series come out.
                explain_many(&a.expr)
            }
            Expr::Aggregate(a) => {
                let op = op_name(a);
                match a.modifier.as_ref() {
                    Some(LabelModifier::Include(labels)) if !labels.labels.is_empty() => {
                        let list = labels.labels.join(", ");
                        if labels.labels.len() == 1 && labels.labels[0] == "le" {
                            (
                                format!("`{op} by (le)` returns one series per histogram bucket"),
                                "select one bucket with `le=\"…\"`, or wrap it in histogram_quantile(…)"
                                    .to_string(),
                            )
                        } else {
                            (
                                format!(
                                    "`{op} by ({list})` returns one series per value of {list}"
                                ),
                                format!("drop `by ({list})`, or wrap it in max(...)"),
                            )
                        }
                    }
                    Some(LabelModifier::Exclude(_)) => (
                        format!("`{op} without (…)` keeps every other label"),
                        format!("write `{op}(…)` without grouping"),
                    ),
                    _ if matches!(op.as_str(), "topk" | "bottomk" | "limitk") => (
                        format!("`{op}` with k above 1 returns up to k series"),
                        format!("use `{op}(1, …)`, or max(...)"),
                    ),
                    _ if matches!(op.as_str(), "count_values" | "limit_ratio") => {
                        (format!("`{op}` returns several series"), wrap)
                    }
                    _ => explain_many(&a.expr),
                }
            }
            Expr::Call(c) if matches!(c.func.name, "histogram_quantile" | "histogram_fraction") => {
                (
                    format!(
                        "`{}` keeps every label of its input except `le`, one result per pod or instance",
                        c.func.name
                    ),
                    format!(
                        "aggregate the buckets first: `{}(…, sum by (le) (rate(…_bucket[5m])))`",
                        c.func.name
                    ),
                )
            }
            Expr::Call(c) => (
                format!(
                    "`{}(…)` returns one series per series of its argument",
                    c.func.name
                ),
                wrap,
            ),
            Expr::VectorSelector(_) | Expr::MatrixSelector(_) => (
                "a bare selector returns every series that matches it".to_string(),
                wrap,
            ),
            _ => ("it may return several series".to_string(), wrap),
        }
    }

    /// Where in the tree a node sits, as far as the checks care.
    #[derive(Clone, Copy, Default)]
    struct Scope {
        /// Inside a subquery: instant selectors there are evaluated over a range and fed to a range function.
        under_subquery: bool,
        /// The rate-like function this node is an argument of.
        rate_function: Option<&'static str>,
        /// Only the presence of series matters here (`absent`, `count`, `group`, `timestamp`), not their values.
        values_unused: bool,
    }

    struct Checker<'a> {
        at: &'a str,
        ctx: &'a QueryContext,
        found: Vec<Diagnostic>,
    }

    impl Checker<'_> {
        /// Reports a matcher that names another deployment: its Service as `instance` (`recipe-<name>.<ns>:<port>`,
        /// as upstream's examples write it), as `service` or `job`, or its recipe label.
        fn foreign_deployment(&mut self, label: &str, value: &str, own: &str) {
            let other = match label {
                "instance" => value
                    .split(['.', ':'])
                    .next()
                    .and_then(|host| host.strip_prefix("recipe-")),
                "service" | "job" => value.strip_prefix("recipe-"),
                "corrino_oci_recipe" => Some(value),
                _ => None,
            };
            let Some(other) = other.filter(|other| !other.is_empty() && *other != own) else {
                return;
            };
            let fixed = if label == "corrino_oci_recipe" {
                own.to_owned()
            } else {
                value.replacen(&format!("recipe-{other}"), &format!("recipe-{own}"), 1)
            };
            self.warn(
                format!(
                    "`{label}=\"{value}\"` selects deployment `{other}`, not this one (`{own}`): the query would scale this deployment on another one's metrics"
                ),
                Some(format!(
                    "write `{label}=\"{}\"`",
                    super::escape_label_value(&fixed)
                )),
            );
        }

        fn warn(&mut self, message: String, hint: Option<String>) {
            let d = Diagnostic::warning(self.at, Code::Query, message);
            self.found.push(match hint {
                Some(h) => d.with_hint(h),
                None => d,
            });
        }

        fn result_shape(&mut self, expr: &Expr, query: &str) {
            let at = self.at;
            match shape(expr) {
                Shape::Vector(Card::One) => {}
                Shape::Vector(_) => {
                    let (why, hint) = explain_many(expr);
                    self.warn(
                        format!(
                            "this query can return more than one series ({why}); KEDA fails when a query returns more than one element"
                        ),
                        Some(hint),
                    );
                }
                Shape::Range(_) => self.found.push(
                    Diagnostic::error(
                        at,
                        Code::Query,
                        "this query returns a range vector; KEDA needs a single instant value",
                    )
                    .with_hint(
                        "apply rate(), increase() or avg_over_time() to the range, or drop the `[…]`",
                    ),
                ),
                Shape::Scalar => self.found.push(
                    Diagnostic::error(
                        at,
                        Code::Query,
                        "this query returns a scalar; KEDA decodes only instant-vector results and fails on a scalar",
                    )
                    .with_hint("wrap it in vector(...)"),
                ),
                Shape::Text => {
                    let quoted = {
                        let t = query.trim();
                        t.len() >= 2
                            && ((t.starts_with('"') && t.ends_with('"'))
                                || (t.starts_with('\'') && t.ends_with('\'')))
                    };
                    self.found.push(
                        Diagnostic::error(
                            at,
                            Code::Query,
                            "this query returns a string; KEDA needs a single instant value",
                        )
                        .with_hint(if quoted {
                            "remove the quotes around the query"
                        } else {
                            "query a metric instead of a string literal"
                        }),
                    );
                }
            }
        }

        fn walk(&mut self, expr: &Expr, scope: Scope) {
            match expr {
                Expr::Aggregate(a) => {
                    if let Some(param) = &a.param {
                        self.walk(param, scope);
                    }
                    let counts = matches!(op_name(a).as_str(), "count" | "group" | "count_values");
                    self.walk(
                        &a.expr,
                        Scope {
                            values_unused: scope.values_unused || counts,
                            ..scope
                        },
                    );
                }
                Expr::Unary(u) => self.walk(&u.expr, scope),
                Expr::Paren(p) => self.walk(&p.expr, scope),
                Expr::Binary(b) => {
                    self.walk(&b.lhs, scope);
                    self.walk(&b.rhs, scope);
                }
                Expr::Subquery(s) => {
                    self.pinned(s.at.as_ref());
                    self.walk(
                        &s.expr,
                        Scope {
                            under_subquery: true,
                            rate_function: None,
                            values_unused: scope.values_unused,
                        },
                    );
                }
                Expr::VectorSelector(vs) => self.selector(vs, false, scope),
                Expr::MatrixSelector(ms) => self.selector(&ms.vs, true, scope),
                Expr::Call(c) => {
                    let rate_function = RATE_FUNCTIONS.iter().copied().find(|f| *f == c.func.name);
                    if let Some(function) = rate_function {
                        self.rate_window(function, c);
                    }
                    let presence = matches!(
                        c.func.name,
                        "absent" | "absent_over_time" | "present_over_time" | "timestamp"
                    );
                    for arg in &c.args.args {
                        self.walk(
                            arg,
                            Scope {
                                under_subquery: scope.under_subquery,
                                rate_function,
                                values_unused: scope.values_unused || presence,
                            },
                        );
                    }
                }
                Expr::NumberLiteral(_) | Expr::StringLiteral(_) | Expr::Extension(_) => {}
            }
        }

        fn pinned(&mut self, at: Option<&AtModifier>) {
            if let Some(AtModifier::At(_)) = at {
                self.warn(
                    "`@` pins the query to a fixed time, so KEDA would see the same value on every poll".to_string(),
                    Some("remove the `@ …` modifier".to_string()),
                );
            }
        }

        fn rate_window(&mut self, function: &str, call: &Call) {
            let range = match call.args.args.first().map(|a| a.as_ref()) {
                Some(Expr::MatrixSelector(ms)) => ms.range,
                Some(Expr::Subquery(s)) => s.range,
                _ => return,
            };
            let interval = u64::from(self.ctx.scrape_interval_seconds);
            if interval == 0 || range >= Duration::from_secs(2 * interval) {
                return;
            }
            self.warn(
                format!(
                    "`{function}` over a {} window sees fewer than two scrapes at the {interval} s scrape interval, so it often returns nothing",
                    show_duration(range)
                ),
                Some(format!(
                    "use a window of at least {}",
                    format_duration(4 * interval)
                )),
            );
        }

        fn selector(&mut self, vs: &VectorSelector, in_range: bool, scope: Scope) {
            self.pinned(vs.at.as_ref());
            let all_matchers: Vec<&Matcher> = vs
                .matchers
                .matchers
                .iter()
                .chain(vs.matchers.or_matchers.iter().flatten())
                .collect();
            let name = vs.name.clone().or_else(|| {
                all_matchers
                    .iter()
                    .find(|m| m.name == "__name__" && m.op == MatchOp::Equal)
                    .map(|m| m.value.clone())
            });
            let Some(name) = name else { return };
            let found = vllm::lookup(&name);
            let is_vllm = name.starts_with(vllm::PREFIX) || name.starts_with("vllm_");
            if name.starts_with(vllm::PREFIX) {
                match found {
                    Some((metric, part)) => self.metric_status(&name, metric, part),
                    None => self.unknown_metric(&name),
                }
            } else if let Some(rest) = name.strip_prefix("vllm_") {
                let colon = format!("{}{rest}", vllm::PREFIX);
                let hint = if vllm::lookup(&colon).is_some() {
                    format!("write `{colon}`")
                } else {
                    let names = vllm::all_series_names();
                    did_you_mean(&suggest(&colon, names.iter().map(String::as_str), 3))
                        .unwrap_or_else(|| format!("write `{colon}`"))
                };
                self.warn(
                    format!(
                        "vLLM names its metrics with a colon (`vllm:…`); `{name}` matches only if something renamed them on the way to Prometheus"
                    ),
                    Some(hint),
                );
            }
            for m in &all_matchers {
                if looks_like_grafana_variable(&m.value) {
                    self.warn(
                        format!(
                            "`{}` looks like a Grafana variable; KEDA sends the query as written, so `{}` matches only that literal text",
                            m.value, m.name
                        ),
                        Some("write the value itself".to_string()),
                    );
                }
            }
            if let Some(own) = &self.ctx.deployment {
                for m in &all_matchers {
                    if m.op == MatchOp::Equal {
                        self.foreign_deployment(&m.name, &m.value, own);
                    }
                }
            }
            if is_vllm {
                for m in &all_matchers {
                    if m.name == "model" {
                        self.warn(
                            format!(
                                "vLLM labels the served model `model_name`; `{name}` has no `model` label unless the scrape configuration adds one"
                            ),
                            Some(format!(
                                "write `model_name=\"{}\"`",
                                super::escape_label_value(&m.value)
                            )),
                        );
                    }
                }
            }
            if let Some((metric, part)) = found {
                for m in &all_matchers {
                    if m.name != "le" {
                        continue;
                    }
                    if part == SeriesPart::Bucket {
                        if m.op == MatchOp::Equal {
                            self.bucket_bound(metric, &name, &m.value);
                        }
                    } else {
                        self.warn(
                            format!("`{name}` has no `le` label, so this matcher selects nothing"),
                            metric
                                .series_name(SeriesPart::Bucket)
                                .map(|b| format!("bucket bounds are on `{b}`")),
                        );
                    }
                }
                if scope
                    .rate_function
                    .is_some_and(|f| f != "deriv" && f != "delta")
                    && metric.kind == MetricKind::Gauge
                {
                    self.warn(
                        format!(
                            "`{}` is meant for counters, and `{name}` is a gauge: its ups and downs read as counter resets",
                            scope.rate_function.unwrap_or("rate")
                        ),
                        Some("use avg_over_time(…) or max_over_time(…), or the gauge itself".to_string()),
                    );
                }
            }
            if !in_range && !scope.under_subquery && !scope.values_unused {
                match found {
                    Some((metric, part)) if part.is_cumulative() => self.warn(
                        format!(
                            "`{name}` is a counter read without rate() or increase(): it only grows, so the query tracks the {} since the server started, not the current load",
                            if metric.kind == MetricKind::Histogram { "whole history" } else { "total" }
                        ),
                        Some(format!("write rate({name}[5m]) or increase({name}[5m])")),
                    ),
                    None if !is_vllm && name.ends_with("_total") => self.found.push(
                        Diagnostic::info(
                            self.at,
                            Code::Query,
                            format!(
                                "`{name}` looks like a counter (by its `_total` suffix); read raw, it only grows"
                            ),
                        )
                        .with_hint(format!("write rate({name}[5m]) if it is a counter")),
                    ),
                    _ => {}
                }
            }
        }

        fn metric_status(&mut self, name: &str, metric: &Metric, part: SeriesPart) {
            let status = match self.ctx.vllm_version {
                Some(version) => metric.status.at(version),
                None => metric.status,
            };
            let instead = |replacement: Option<&'static str>| {
                replacement.and_then(vllm::metric).map(|r| {
                    let series = r
                        .series_name(part)
                        .or_else(|| r.series_names().into_iter().next())
                        .unwrap_or_else(|| r.name.to_string());
                    format!("use `{series}`")
                })
            };
            match status {
                MetricStatus::Current => {}
                MetricStatus::Deprecated { since, replacement } => self.warn(
                    format!("`{name}` is deprecated since vLLM {since}; later releases hide and then remove it"),
                    instead(replacement),
                ),
                MetricStatus::Hidden {
                    hidden_since,
                    replacement,
                    ..
                } => {
                    let flag = VllmVersion::new(
                        hidden_since.major,
                        hidden_since.minor.saturating_sub(1),
                        0,
                    );
                    self.warn(
                        format!(
                            "`{name}` is hidden since vLLM {hidden_since}: servers export it only with `--show-hidden-metrics-for-version={flag}`, so by default the query returns nothing"
                        ),
                        instead(replacement),
                    );
                }
                MetricStatus::Removed {
                    deprecated_since,
                    removed_since,
                    replacement,
                    ..
                } => self.warn(
                    format!(
                        "`{name}` was removed in vLLM {removed_since} (deprecated since {deprecated_since}); on current servers this selector matches nothing"
                    ),
                    instead(replacement).or_else(|| Some(format!("no replacement exists: {}", metric.help))),
                ),
            }
            if let (Some(version), Some(added)) = (self.ctx.vllm_version, metric.added)
                && version < added
            {
                let predecessor = vllm::METRICS
                    .iter()
                    .find(|m| m.status.replacement() == Some(metric.name))
                    .and_then(|m| m.series_name(part));
                self.warn(
                    format!("`{name}` first appeared in vLLM {added}; a {version} server does not export it"),
                    predecessor.map(|p| format!("on {version} use `{p}`")),
                );
            }
        }

        fn unknown_metric(&mut self, name: &str) {
            if let Some(family) = vllm::metric(name) {
                let series = family.series_names();
                let first = series.first().cloned().unwrap_or_default();
                let (what, hint) = match family.kind {
                    MetricKind::Counter => (
                        format!("a counter; Prometheus stores it as `{first}`"),
                        format!("write `{first}`"),
                    ),
                    MetricKind::Histogram => (
                        format!(
                            "a histogram; its series are {}",
                            list(series.iter().map(String::as_str))
                        ),
                        format!("for a latency bound use `{first}{{le=\"…\"}}`"),
                    ),
                    MetricKind::Gauge => {
                        ("a gauge".to_string(), format!("write `{}`", family.name))
                    }
                };
                self.warn(
                    format!("`{name}` is {what}, so the query matches nothing"),
                    Some(hint),
                );
                return;
            }
            let names = vllm::all_series_names();
            let suggestions = suggest(name, names.iter().map(String::as_str), 3);
            self.warn(
                format!(
                    "`{name}` is not a vLLM metric this checker knows; the query may return nothing"
                ),
                did_you_mean(&suggestions),
            );
        }

        fn bucket_bound(&mut self, metric: &Metric, series: &str, value: &str) {
            if value == "+Inf" {
                return;
            }
            let overridden = self
                .ctx
                .bucket_overrides
                .iter()
                .find(|(family, _)| family == metric.name)
                .map(|(_, bounds)| bounds.iter().map(String::as_str).collect::<Vec<_>>());
            let bounds: Vec<&str> = overridden.unwrap_or_else(|| metric.buckets.to_vec());
            if bounds.contains(&value) {
                return;
            }
            let matches_nothing = format!("`{series}{{le=\"{value}\"}}` matches nothing");
            if matches!(
                value.to_ascii_lowercase().as_str(),
                "inf" | "+inf" | "infinity" | "+infinity"
            ) {
                self.warn(
                    format!("{matches_nothing}: the last bucket is spelled `+Inf`"),
                    Some("write `le=\"+Inf\"`".to_string()),
                );
                return;
            }
            let Ok(number) = value.trim().parse::<f64>() else {
                self.warn(
                    format!("{matches_nothing}: `le` holds a number"),
                    Some(bounds_hint(&bounds, None)),
                );
                return;
            };
            if bounds.is_empty() {
                // Token-count histograms: bounds follow 1, 2, 5, 10, … up to the model's context length.
                if vllm::is_one_two_five(number) {
                    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                    let spelled = vllm::format_bound(number as u64);
                    if spelled != value {
                        self.warn(
                            format!("{matches_nothing}: vLLM writes this bound as `{spelled}`"),
                            Some(format!("write `le=\"{spelled}\"`")),
                        );
                    }
                } else {
                    self.warn(
                        format!("{matches_nothing}: its bounds run 1, 2, 5, 10, 20, 50, … up to the model's context length"),
                        Some("pick a bound from that series, written with `.0` (`le=\"100.0\"`)".to_string()),
                    );
                }
                return;
            }
            if let Some(same) = bounds
                .iter()
                .find(|b| b.parse::<f64>().is_ok_and(|b| b == number))
            {
                self.warn(
                    format!("{matches_nothing}: vLLM writes this bound as `{same}`"),
                    Some(format!("write `le=\"{same}\"`")),
                );
                return;
            }
            self.warn(
                format!(
                    "{matches_nothing}: `{value}` is not one of its bucket bounds, and a bucket ratio cannot interpolate"
                ),
                Some(bounds_hint(&bounds, Some(number))),
            );
        }
    }

    /// The bounds nearest to `number`, or the whole list when there is no number.
    fn bounds_hint(bounds: &[&str], number: Option<f64>) -> String {
        let parsed: Vec<(f64, &str)> = bounds
            .iter()
            .filter_map(|b| b.parse::<f64>().ok().map(|v| (v, *b)))
            .collect();
        if bounds.is_empty() {
            return "its bounds run `1.0`, `2.0`, `5.0`, `10.0`, … up to the model's context length".to_string();
        }
        let Some(number) = number else {
            return format!("its bounds are {}", list(bounds.iter().copied()));
        };
        let below = parsed
            .iter()
            .filter(|(v, _)| *v < number)
            .max_by(|a, b| a.0.total_cmp(&b.0));
        let above = parsed
            .iter()
            .filter(|(v, _)| *v > number)
            .min_by(|a, b| a.0.total_cmp(&b.0));
        match (below, above) {
            (Some((_, lo)), Some((_, hi))) => format!("the nearest bounds are `{lo}` and `{hi}`"),
            (Some((_, lo)), None) => format!("the largest bound is `{lo}` (then `+Inf`)"),
            (None, Some((_, hi))) => format!("the smallest bound is `{hi}`"),
            (None, None) => "use `+Inf`".to_string(),
        }
    }

    fn list<'a>(items: impl Iterator<Item = &'a str>) -> String {
        items
            .map(|b| format!("`{b}`"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// A range as written in PromQL: whole seconds in Prometheus form, else milliseconds.
    fn show_duration(d: Duration) -> String {
        if d.subsec_nanos() == 0 {
            format_duration(d.as_secs())
        } else {
            format!("{}ms", d.as_millis())
        }
    }

    /// Lowest and highest values an expression can take, where they follow from its shape.
    #[derive(Clone, Copy, Debug, Default, PartialEq)]
    struct Bounds {
        lo: Option<f64>,
        hi: Option<f64>,
    }

    impl Bounds {
        const UNKNOWN: Bounds = Bounds { lo: None, hi: None };
        const NON_NEGATIVE: Bounds = Bounds {
            lo: Some(0.0),
            hi: None,
        };
        const FRACTION: Bounds = Bounds {
            lo: Some(0.0),
            hi: Some(1.0),
        };

        fn exact(v: f64) -> Bounds {
            Bounds {
                lo: Some(v),
                hi: Some(v),
            }
        }
    }

    fn bounds(expr: &Expr) -> Bounds {
        match expr {
            Expr::NumberLiteral(n) if n.val.is_finite() => Bounds::exact(n.val),
            Expr::Paren(p) => bounds(&p.expr),
            Expr::Subquery(s) => bounds(&s.expr),
            Expr::Unary(u) => {
                let b = bounds(&u.expr);
                Bounds {
                    lo: b.hi.map(|v| -v),
                    hi: b.lo.map(|v| -v),
                }
            }
            Expr::VectorSelector(vs) => selector_bounds(vs),
            Expr::MatrixSelector(ms) => selector_bounds(&ms.vs),
            Expr::Aggregate(a) => {
                let inner = bounds(&a.expr);
                match op_name(a).as_str() {
                    "avg" | "min" | "max" | "quantile" | "topk" | "bottomk" | "limitk"
                    | "limit_ratio" => inner,
                    "group" => Bounds::exact(1.0),
                    "sum" => Bounds {
                        lo: inner.lo.filter(|v| *v >= 0.0).map(|_| 0.0),
                        hi: inner.hi.filter(|v| *v <= 0.0).map(|_| 0.0),
                    },
                    "count" | "stddev" | "stdvar" | "count_values" => Bounds::NON_NEGATIVE,
                    _ => Bounds::UNKNOWN,
                }
            }
            Expr::Call(c) => call_bounds(c),
            Expr::Binary(b) => binary_bounds(b),
            _ => Bounds::UNKNOWN,
        }
    }

    fn selector_bounds(vs: &VectorSelector) -> Bounds {
        let Some(name) = vs.name.as_deref() else {
            return Bounds::UNKNOWN;
        };
        match vllm::lookup(name) {
            Some((metric, SeriesPart::Value)) if metric.is_fraction() => Bounds::FRACTION,
            Some(_) => Bounds::NON_NEGATIVE,
            None if name.ends_with("_total")
                || name.ends_with("_bucket")
                || name.ends_with("_count") =>
            {
                Bounds::NON_NEGATIVE
            }
            None => Bounds::UNKNOWN,
        }
    }

    fn call_bounds(c: &Call) -> Bounds {
        let arg = |i: usize| c.args.args.get(i).map_or(Bounds::UNKNOWN, |a| bounds(a));
        let literal_arg = |i: usize| c.args.args.get(i).and_then(|a| literal(a));
        match c.func.name {
            "rate" | "irate" | "increase" => Bounds::NON_NEGATIVE,
            "histogram_fraction" => Bounds::FRACTION,
            "avg_over_time" | "min_over_time" | "max_over_time" | "last_over_time" | "vector"
            | "scalar" | "sort" | "sort_desc" | "label_replace" | "label_join" => arg(0),
            "quantile_over_time" => arg(1),
            "clamp_max" => {
                let b = arg(0);
                Bounds {
                    lo: b.lo,
                    hi: min_known(b.hi, literal_arg(1)),
                }
            }
            "clamp_min" => {
                let b = arg(0);
                Bounds {
                    lo: max_known(b.lo, literal_arg(1)),
                    hi: b.hi,
                }
            }
            "clamp" => {
                let b = arg(0);
                Bounds {
                    lo: max_known(b.lo, literal_arg(1)),
                    hi: min_known(b.hi, literal_arg(2)),
                }
            }
            "abs" => {
                let b = arg(0);
                Bounds {
                    lo: Some(0.0),
                    hi: b.lo.zip(b.hi).map(|(lo, hi)| lo.abs().max(hi.abs())),
                }
            }
            _ => Bounds::UNKNOWN,
        }
    }

    fn min_known(a: Option<f64>, b: Option<f64>) -> Option<f64> {
        match (a, b) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (x, None) | (None, x) => x,
        }
    }

    fn max_known(a: Option<f64>, b: Option<f64>) -> Option<f64> {
        match (a, b) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (x, None) | (None, x) => x,
        }
    }

    fn binary_bounds(b: &BinaryExpr) -> Bounds {
        let op = b.op.to_string().to_ascii_lowercase();
        let returns_bool = b.modifier.as_ref().is_some_and(|m| m.return_bool);
        let (l, r) = (bounds(&b.lhs), bounds(&b.rhs));
        let add = |x: Option<f64>, y: Option<f64>| x.zip(y).map(|(x, y)| x + y);
        let sub = |x: Option<f64>, y: Option<f64>| x.zip(y).map(|(x, y)| x - y);
        match op.as_str() {
            _ if b.op.is_comparison_operator() => {
                if returns_bool {
                    Bounds::FRACTION
                } else if literal(&b.lhs).is_some() {
                    r
                } else {
                    l
                }
            }
            "and" | "unless" => l,
            "or" => Bounds {
                lo: l.lo.zip(r.lo).map(|(x, y)| x.min(y)),
                hi: l.hi.zip(r.hi).map(|(x, y)| x.max(y)),
            },
            "+" => Bounds {
                lo: add(l.lo, r.lo),
                hi: add(l.hi, r.hi),
            },
            "-" => Bounds {
                lo: sub(l.lo, r.hi),
                hi: sub(l.hi, r.lo),
            },
            "*" => match (l.lo, l.hi, r.lo, r.hi) {
                (Some(a), Some(b2), Some(c), Some(d)) => {
                    let p = [a * c, a * d, b2 * c, b2 * d];
                    Bounds {
                        lo: p.iter().copied().reduce(f64::min),
                        hi: p.iter().copied().reduce(f64::max),
                    }
                }
                (Some(a), _, Some(c), _) if a >= 0.0 && c >= 0.0 => Bounds {
                    lo: Some(a * c),
                    hi: None,
                },
                _ => Bounds::UNKNOWN,
            },
            "/" => {
                if is_fraction(&b.lhs, &b.rhs) {
                    return Bounds::FRACTION;
                }
                match (r.lo, r.hi) {
                    (Some(c), Some(d)) if c == d && c > 0.0 => Bounds {
                        lo: l.lo.map(|v| v / c),
                        hi: l.hi.map(|v| v / c),
                    },
                    _ if l.lo.is_some_and(|v| v >= 0.0) && r.lo.is_some_and(|v| v >= 0.0) => {
                        Bounds::NON_NEGATIVE
                    }
                    _ => Bounds::UNKNOWN,
                }
            }
            _ => Bounds::UNKNOWN,
        }
    }

    /// A selector seen while looking for fractions: its series, and the `le` it pins, if any.
    struct Seen {
        series: String,
        le: Option<String>,
    }

    fn collect_selectors(expr: &Expr, out: &mut Vec<Seen>) {
        let mut push = |vs: &VectorSelector| {
            out.push(Seen {
                series: vs.name.clone().unwrap_or_default(),
                le: vs
                    .matchers
                    .matchers
                    .iter()
                    .find(|m| m.name == "le" && m.op == MatchOp::Equal)
                    .map(|m| m.value.clone()),
            });
        };
        match expr {
            Expr::VectorSelector(vs) => push(vs),
            Expr::MatrixSelector(ms) => push(&ms.vs),
            Expr::Paren(p) => collect_selectors(&p.expr, out),
            Expr::Unary(u) => collect_selectors(&u.expr, out),
            Expr::Subquery(s) => collect_selectors(&s.expr, out),
            Expr::Aggregate(a) => collect_selectors(&a.expr, out),
            Expr::Binary(b) => {
                collect_selectors(&b.lhs, out);
                collect_selectors(&b.rhs, out);
            }
            Expr::Call(c) => {
                for a in &c.args.args {
                    collect_selectors(a, out);
                }
            }
            Expr::NumberLiteral(_) | Expr::StringLiteral(_) | Expr::Extension(_) => {}
        }
    }

    /// Whether `num / den` divides part of a count by the whole: buckets (or the count) of one histogram over its
    /// `+Inf` bucket or count, or hits over lookups.
    fn is_fraction(num: &Expr, den: &Expr) -> bool {
        let (mut n, mut d) = (Vec::new(), Vec::new());
        collect_selectors(num, &mut n);
        collect_selectors(den, &mut d);
        if n.is_empty() || d.is_empty() {
            return false;
        }
        let same = |seen: &[Seen], name: &str| seen.iter().all(|s| s.series == name);
        if FRACTION_PAIRS
            .iter()
            .any(|(part, whole)| same(&n, part) && same(&d, whole))
        {
            return true;
        }
        let family = |s: &Seen| vllm::lookup(&s.series).map(|(m, part)| (m.name, part));
        let Some((histogram, _)) = family(&n[0]) else {
            return false;
        };
        let numerator_ok = n.iter().all(|s| {
            matches!(family(s), Some((h, SeriesPart::Bucket | SeriesPart::Count)) if h == histogram)
        });
        let denominator_ok = d.iter().all(|s| match family(s) {
            Some((h, SeriesPart::Count)) => h == histogram,
            Some((h, SeriesPart::Bucket)) => h == histogram && s.le.as_deref() == Some("+Inf"),
            _ => false,
        });
        numerator_ok && denominator_ok
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_query_has_the_documented_form() {
        let q = DefaultQuery::for_instance("recipe-x", "default", 80);
        assert_eq!(
            default_query(&q),
            r#"1 - (sum(rate(vllm:e2e_request_latency_seconds_bucket{le="5.0",instance="recipe-x.default:80"}[5m])) / sum(rate(vllm:e2e_request_latency_seconds_bucket{le="+Inf",instance="recipe-x.default:80"}[5m])))"#
        );
        assert!(q.latency_bound_is_bucket());
    }

    #[test]
    fn default_query_follows_its_inputs() {
        let mut q = DefaultQuery::for_instance("recipe-autoscalevllmexample", "inference", 80);
        q.window = "1m".to_string();
        q.latency_bound = "10.0".to_string();
        assert_eq!(
            default_query(&q),
            r#"1 - (sum(rate(vllm:e2e_request_latency_seconds_bucket{le="10.0",instance="recipe-autoscalevllmexample.inference:80"}[1m])) / sum(rate(vllm:e2e_request_latency_seconds_bucket{le="+Inf",instance="recipe-autoscalevllmexample.inference:80"}[1m])))"#
        );

        let q = DefaultQuery::for_labels(vec![
            ("namespace".to_string(), "team-a".to_string()),
            ("service".to_string(), "recipe-llama".to_string()),
        ]);
        assert_eq!(
            default_query(&q),
            r#"1 - (sum(rate(vllm:e2e_request_latency_seconds_bucket{le="5.0",namespace="team-a",service="recipe-llama"}[5m])) / sum(rate(vllm:e2e_request_latency_seconds_bucket{le="+Inf",namespace="team-a",service="recipe-llama"}[5m])))"#
        );

        let odd = DefaultQuery::for_labels(vec![(
            "app.kubernetes.io/name".to_string(),
            "v".to_string(),
        )]);
        assert!(default_query(&odd).contains(r#","app.kubernetes.io/name"="v"}"#));

        let mut off_bucket = DefaultQuery::for_instance("recipe-x", "default", 80);
        off_bucket.latency_bound = "5".to_string();
        assert!(!off_bucket.latency_bound_is_bucket());
    }

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

    #[test]
    fn durations_parse_in_prometheus_form() {
        let cases: &[(&str, Option<u64>)] = &[
            ("90s", Some(90)),
            ("5m", Some(300)),
            ("1h30m", Some(5400)),
            ("2d", Some(172_800)),
            ("1w", Some(604_800)),
            ("1y", Some(31_536_000)),
            (
                "1y2w3d4h5m6s",
                Some(31_536_000 + 1_209_600 + 259_200 + 14_400 + 306),
            ),
            ("2000ms", Some(2)),
            ("1s1000ms", Some(2)),
            ("0", Some(0)),
            ("0s", Some(0)),
            ("05m", Some(300)),
            ("500ms", None),
            ("1500ms", None),
            ("30m1h", None),
            ("1m1m", None),
            ("1.5h", None),
            ("-5m", None),
            ("5", None),
            ("5 m", None),
            (" 5m", None),
            ("5M", None),
            ("m", None),
            ("", None),
            ("5mm", None),
            ("5msm", None),
            ("99999999999999999999s", None),
            ("584942417356y", None),
        ];
        for (text, want) in cases {
            assert_eq!(parse_duration_seconds(text), *want, "{text:?}");
        }
    }

    #[test]
    fn durations_format_canonically_and_round_trip() {
        assert_eq!(format_duration(0), "0s");
        assert_eq!(format_duration(90), "1m30s");
        assert_eq!(format_duration(300), "5m");
        assert_eq!(format_duration(5400), "1h30m");
        assert_eq!(format_duration(86_400 * 8), "8d");
        assert_eq!(format_duration(604_800), "1w");
        assert_eq!(format_duration(31_536_000), "1y");
        assert_eq!(format_duration(31_536_000 + 1), "365d1s");
        for s in (0..20_000)
            .step_by(7)
            .chain([u64::MAX, u64::MAX / 3, 31_536_000 * 2])
        {
            assert_eq!(parse_duration_seconds(&format_duration(s)), Some(s), "{s}");
        }
    }

    #[test]
    fn context_defaults_to_a_fifteen_second_scrape() {
        let ctx = QueryContext::default();
        assert_eq!(ctx.scrape_interval_seconds, 15);
        assert!(ctx.vllm_version.is_none());
    }
}

#[cfg(all(test, feature = "promql-check"))]
mod check_tests {
    use promql_parser::label::MatchOp;
    use promql_parser::parser::{self, Expr};

    use super::*;
    use crate::diagnostic::{Code, Diagnostics, Pointer, Severity};
    use crate::vllm::VllmVersion;

    fn at() -> Pointer {
        Pointer::root()
            .key("recipe_pod_autoscaling_params")
            .key("query")
    }

    fn check(q: &str) -> Diagnostics {
        check_query(q, &at(), &QueryContext::default())
    }

    fn messages(d: &Diagnostics) -> String {
        d.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// A range selector's metric name, equality matchers and range.
    type Selector = (String, Vec<(String, String)>, std::time::Duration);

    /// The range selectors of a query, with their matchers, in order.
    fn selectors(expr: &Expr) -> Vec<Selector> {
        fn go(expr: &Expr, out: &mut Vec<Selector>) {
            match expr {
                Expr::MatrixSelector(ms) => out.push((
                    ms.vs.name.clone().unwrap_or_default(),
                    ms.vs
                        .matchers
                        .matchers
                        .iter()
                        .map(|m| {
                            assert_eq!(m.op, MatchOp::Equal);
                            (m.name.clone(), m.value.clone())
                        })
                        .collect(),
                    ms.range,
                )),
                Expr::Binary(b) => {
                    go(&b.lhs, out);
                    go(&b.rhs, out);
                }
                Expr::Paren(p) => go(&p.expr, out),
                Expr::Aggregate(a) => go(&a.expr, out),
                Expr::Call(c) => c.args.args.iter().for_each(|a| go(a, out)),
                _ => {}
            }
        }
        let mut out = Vec::new();
        go(expr, &mut out);
        out
    }

    #[test]
    fn default_query_parses_into_the_expected_tree() {
        let q = default_query(&DefaultQuery::for_instance("recipe-x", "default", 80));
        let expr = parser::parse(&q).expect("parses");
        let Expr::Binary(top) = &expr else {
            panic!("top is not a binary expression: {expr:?}")
        };
        assert_eq!(top.op.to_string(), "-");
        assert!(matches!(*top.lhs, Expr::NumberLiteral(ref n) if n.val == 1.0));
        let Expr::Paren(p) = &*top.rhs else {
            panic!("rhs is not parenthesised")
        };
        let Expr::Binary(div) = &*p.expr else {
            panic!("no division")
        };
        assert_eq!(div.op.to_string(), "/");
        for side in [&div.lhs, &div.rhs] {
            let Expr::Aggregate(sum) = &**side else {
                panic!("side is not an aggregation")
            };
            assert_eq!(sum.op.to_string(), "sum");
            assert!(sum.modifier.is_none());
            assert!(matches!(&*sum.expr, Expr::Call(c) if c.func.name == "rate"));
        }
        let sels = selectors(&expr);
        assert_eq!(sels.len(), 2);
        for (sel, le) in sels.iter().zip(["5.0", "+Inf"]) {
            assert_eq!(sel.0, "vllm:e2e_request_latency_seconds_bucket");
            assert_eq!(
                sel.1,
                vec![
                    ("le".to_string(), le.to_string()),
                    ("instance".to_string(), "recipe-x.default:80".to_string())
                ]
            );
            assert_eq!(sel.2, std::time::Duration::from_secs(300));
        }
        assert!(check(&q).is_empty(), "{}", messages(&check(&q)));
        assert!(is_ratio_query(&q));
        assert_eq!(upper_bound(&q), Some(1.0));
    }

    #[test]
    fn escaped_values_round_trip_through_the_parser() {
        let mut tricky: Vec<String> = [
            "",
            "plain",
            r#"quote""#,
            r#"""#,
            r"back\slash",
            r"\",
            r"\\",
            r#"\""#,
            "new\nline",
            "tab\tand\rreturn",
            "modèle-ünïcode-日本語-😀",
            "}{][)(",
            "$__rate_interval",
            "'single'",
            "`back`",
            "# not a comment",
            "a=\"b\",c=\"d",
            "\u{7f}\u{1}",
        ]
        .iter()
        .map(ToString::to_string)
        .collect();
        // A deterministic pseudo-random sweep over an alphabet of troublemakers.
        let alphabet: Vec<char> = "\\\"'`\n\t\r{}[]()=,#$ aé😀\u{0}\u{85}\u{2028}"
            .chars()
            .collect();
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..300 {
            let mut s = String::new();
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let len = (state % 12) as usize;
            for _ in 0..len {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                s.push(alphabet[(state % alphabet.len() as u64) as usize]);
            }
            tricky.push(s);
        }
        for name in &tricky {
            let q = default_query(&DefaultQuery::for_labels(vec![(
                "model_name".to_string(),
                name.clone(),
            )]));
            let expr = parser::parse(&q).unwrap_or_else(|e| panic!("{name:?}: {e}\n{q}"));
            for sel in selectors(&expr) {
                assert_eq!(sel.1[1], ("model_name".to_string(), name.clone()), "{q}");
            }
        }
    }

    /// Queries from the Grafana dashboard upstream ships with its vLLM blueprints, with Grafana's variables replaced.
    const DASHBOARD: &[&str] = &[
        r#"histogram_quantile(0.99, sum by(le) (rate(vllm:e2e_request_latency_seconds_bucket{model_name="$model_name"}[$__rate_interval])))"#,
        r#"rate(vllm:e2e_request_latency_seconds_sum{model_name="$model_name"}[$__rate_interval])
/
rate(vllm:e2e_request_latency_seconds_count{model_name="$model_name"}[$__rate_interval])"#,
        r#"rate(vllm:prompt_tokens_total{model_name="$model_name"}[$__rate_interval])"#,
        r#"histogram_quantile(0.9, sum by(le) (rate(vllm:time_per_output_token_seconds_bucket{model_name="$model_name"}[$__rate_interval])))"#,
        r#"vllm:num_requests_waiting{model_name="$model_name"}"#,
        r#"vllm:gpu_cache_usage_perc{model_name="$model_name"}"#,
        r#"vllm:num_requests_swapped{model_name="$model_name"}"#,
        r#"sum by(le) (increase(vllm:request_prompt_tokens_bucket{model_name="$model_name"}[$__rate_interval]))"#,
        r#"sum by(finished_reason) (increase(vllm:request_success_total{model_name="$model_name"}[$__rate_interval]))"#,
        r#"rate(vllm:request_max_num_generation_tokens_sum{model_name="$model_name"}[$__rate_interval])"#,
    ];

    fn with_variables(q: &str) -> String {
        q.replace("$__rate_interval", "1m")
            .replace("$model_name", "/models/llama")
    }

    #[test]
    fn dashboard_queries_parse_and_get_the_expected_verdicts() {
        for raw in DASHBOARD {
            // Grafana's variables break the syntax in a range and match nothing inside a label value.
            let with_vars = check(raw);
            assert!(
                with_vars
                    .iter()
                    .any(|d| d.to_string().contains("Grafana variable")),
                "{}",
                messages(&with_vars)
            );
            assert_eq!(
                with_vars.has_errors(),
                raw.contains("$__rate_interval"),
                "{raw}"
            );
            let q = with_variables(raw);
            assert!(parser::parse(&q).is_ok(), "{q}");
            let d = check(&q);
            assert!(!d.has_errors(), "{q}\n{}", messages(&d));
        }
        let verdict = |i: usize| messages(&check(&with_variables(DASHBOARD[i])));
        // One quantile over all pods: fine for KEDA.
        assert_eq!(verdict(0), "");
        // Per-series rates, a bare gauge, per-bucket and per-reason groupings: more than one element.
        for i in [1, 2, 4, 7, 8, 9] {
            assert!(
                verdict(i).contains("more than one series"),
                "{i}: {}",
                verdict(i)
            );
        }
        assert!(verdict(7).contains("sum by (le)"));
        assert!(verdict(8).contains("finished_reason"));
        // Renamed or removed metrics.
        assert!(verdict(3).contains("vllm:inter_token_latency_seconds_bucket"));
        assert!(verdict(5).contains("vllm:kv_cache_usage_perc"));
        assert!(verdict(6).contains("removed in vLLM 0.10"));
    }

    #[test]
    fn the_whole_dashboard_file_parses_when_present() {
        let crate_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let Some(text) = ["../../shared", "../shared"].iter().find_map(|shared| {
            std::fs::read_to_string(
                crate_dir
                    .join(shared)
                    .join("reference/oci-ai-blueprints/vllm-dashboard.json"),
            )
            .ok()
        }) else {
            return;
        };
        let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) else {
            return;
        };
        fn exprs(v: &serde_json::Value, out: &mut Vec<String>) {
            match v {
                serde_json::Value::Object(map) => {
                    if let Some(serde_json::Value::String(e)) = map.get("expr") {
                        out.push(e.clone());
                    }
                    map.values().for_each(|v| exprs(v, out));
                }
                serde_json::Value::Array(items) => items.iter().for_each(|v| exprs(v, out)),
                _ => {}
            }
        }
        let mut found = Vec::new();
        exprs(&json, &mut found);
        for e in &found {
            let q = with_variables(e);
            assert!(parser::parse(&q).is_ok(), "{q}");
            assert!(!check(&q).has_errors(), "{q}");
        }
    }

    /// One query that triggers a finding and one that does not, per check.
    #[test]
    fn each_check_fires_only_when_it_should() {
        let cases: &[(&str, &str, &str, Severity)] = &[
            // (triggers, clean, expected words, severity)
            (
                "sum(rate(vllm:prompt_tokens_total[5m]",
                "sum(rate(vllm:prompt_tokens_total[5m]))",
                "not valid PromQL",
                Severity::Error,
            ),
            (
                "rate(vllm:prompt_tokens_total[5m])",
                "sum(rate(vllm:prompt_tokens_total[5m]))",
                "more than one series",
                Severity::Warning,
            ),
            (
                "sum by (pod) (vllm:num_requests_waiting)",
                "sum(vllm:num_requests_waiting)",
                "`sum by (pod)`",
                Severity::Warning,
            ),
            (
                "max without (pod) (vllm:num_requests_waiting)",
                "max(vllm:num_requests_waiting)",
                "without",
                Severity::Warning,
            ),
            (
                "vllm:num_requests_waiting[5m]",
                "avg_over_time(sum(vllm:num_requests_waiting)[5m:])",
                "range vector",
                Severity::Error,
            ),
            (
                "scalar(sum(vllm:num_requests_waiting))",
                "vector(scalar(sum(vllm:num_requests_waiting)))",
                "scalar",
                Severity::Error,
            ),
            (
                "sum(vllm:num_request_waiting)",
                "sum(vllm:num_requests_waiting)",
                "did you mean `vllm:num_requests_waiting`",
                Severity::Warning,
            ),
            (
                "max(vllm:gpu_cache_usage_perc)",
                "max(vllm:kv_cache_usage_perc)",
                "use `vllm:kv_cache_usage_perc`",
                Severity::Warning,
            ),
            (
                "sum(vllm_num_requests_waiting)",
                "sum(vllm:num_requests_waiting)",
                "write `vllm:num_requests_waiting`",
                Severity::Warning,
            ),
            (
                r#"sum(vllm:num_requests_waiting{model="m"})"#,
                r#"sum(vllm:num_requests_waiting{model_name="m"})"#,
                "`model_name`",
                Severity::Warning,
            ),
            (
                r#"sum(rate(vllm:e2e_request_latency_seconds_bucket{le="5"}[5m]))"#,
                r#"sum(rate(vllm:e2e_request_latency_seconds_bucket{le="5.0"}[5m]))"#,
                "`le=\"5.0\"`",
                Severity::Warning,
            ),
            (
                r#"sum(rate(vllm:e2e_request_latency_seconds_bucket{le="3.0"}[5m]))"#,
                r#"sum(rate(vllm:e2e_request_latency_seconds_bucket{le="2.5"}[5m]))"#,
                "`2.5` and `5.0`",
                Severity::Warning,
            ),
            (
                "sum(rate(vllm:prompt_tokens_total[15s]))",
                "sum(rate(vllm:prompt_tokens_total[30s]))",
                "fewer than two scrapes",
                Severity::Warning,
            ),
            (
                "sum(vllm:prompt_tokens_total)",
                "sum(increase(vllm:prompt_tokens_total[5m]))",
                "only grows",
                Severity::Warning,
            ),
            (
                "sum(rate(vllm:num_requests_waiting[5m]))",
                "sum(avg_over_time(vllm:num_requests_waiting[5m]))",
                "is a gauge",
                Severity::Warning,
            ),
            (
                "sum(vllm:num_requests_waiting @ 1700000000)",
                "sum(vllm:num_requests_waiting @ end())",
                "fixed time",
                Severity::Warning,
            ),
            (
                "sum(vllm:e2e_request_latency_seconds)",
                "sum(rate(vllm:e2e_request_latency_seconds_count[5m]))",
                "a histogram",
                Severity::Warning,
            ),
            (
                r#"sum(vllm:num_requests_waiting{le="1.0"})"#,
                "sum(vllm:num_requests_waiting)",
                "no `le` label",
                Severity::Warning,
            ),
            (
                "sum(http_requests_total)",
                "sum(rate(http_requests_total[5m]))",
                "looks like a counter",
                Severity::Info,
            ),
            (
                r#"sum(vllm:num_requests_waiting{model_name="$model_name"})"#,
                r#"sum(vllm:num_requests_waiting{model_name="$5 model"})"#,
                "Grafana variable",
                Severity::Warning,
            ),
        ];
        for (bad, good, words, severity) in cases {
            let d = check(bad);
            let hit = d.iter().find(|d| {
                d.to_string().contains(words) && d.severity == *severity && d.code == Code::Query
            });
            assert!(
                hit.is_some(),
                "{bad}: expected {severity} with {words:?}, got\n{}",
                messages(&d)
            );
            for d in &d {
                assert_eq!(d.path, "/recipe_pod_autoscaling_params/query");
            }
            let clean = check(good);
            assert!(
                clean.is_empty(),
                "{good}: expected nothing, got\n{}",
                messages(&clean)
            );
        }
    }

    #[test]
    fn single_element_shapes_are_recognised() {
        for q in [
            "sum(vllm:num_requests_waiting)",
            "max(vllm:kv_cache_usage_perc)",
            "avg(vllm:num_requests_running) / 10",
            "sum(vllm:num_requests_waiting) + sum(vllm:num_requests_running)",
            "sum(vllm:num_requests_waiting) / count(vllm:num_requests_running)",
            "quantile(0.9, vllm:kv_cache_usage_perc)",
            "topk(1, vllm:num_requests_waiting)",
            "sum(vllm:num_requests_waiting) or vector(0)",
            "histogram_quantile(0.9, sum by (le) (rate(vllm:time_to_first_token_seconds_bucket[5m])))",
            "histogram_quantile(0.9, sum(rate(vllm:time_to_first_token_seconds_bucket[5m])) by (le))",
            "sum by () (vllm:num_requests_waiting)",
            "sum(vllm:num_requests_waiting) > 3",
            "absent(vllm:num_requests_waiting)",
            "vector(1)",
            "-sum(vllm:num_requests_waiting)",
            "sum(vllm:num_requests_waiting) * on() group_left sum(vllm:num_requests_running)",
            "absent(vllm:prompt_tokens_total)",
            "count(vllm:prompt_tokens_total)",
            "max(timestamp(vllm:e2e_request_latency_seconds_count))",
        ] {
            let d = check(q);
            assert!(d.is_empty(), "{q}\n{}", messages(&d));
        }
        for q in [
            "vllm:num_requests_waiting",
            "vllm:num_requests_waiting * 2",
            "sum by (le) (rate(vllm:e2e_request_latency_seconds_bucket[5m]))",
            "histogram_quantile(0.9, rate(vllm:e2e_request_latency_seconds_bucket[5m]))",
            "histogram_quantile(0.9, sum by (le, pod) (rate(vllm:e2e_request_latency_seconds_bucket[5m])))",
            "topk(3, vllm:num_requests_waiting)",
            "count_values(\"v\", vllm:num_requests_waiting)",
            "sum(vllm:num_requests_waiting) + vllm:num_requests_running * 0 + on(pod) group_right vllm:num_requests_running",
        ] {
            let d = check(q);
            assert!(
                d.iter().any(|d| d.message.contains("more than one series")),
                "{q}\n{}",
                messages(&d)
            );
        }
    }

    #[test]
    fn statuses_depend_on_the_vllm_version() {
        let at_version = |q: &str, v: VllmVersion| {
            check_query(
                q,
                &at(),
                &QueryContext {
                    vllm_version: Some(v),
                    ..QueryContext::default()
                },
            )
        };
        let old = "max(vllm:gpu_cache_usage_perc)";
        assert!(at_version(old, VllmVersion::new(0, 9, 0)).is_empty());
        assert!(
            messages(&at_version(old, VllmVersion::new(0, 10, 0)))
                .contains("deprecated since vLLM 0.9.2")
        );
        assert!(
            messages(&at_version(old, VllmVersion::new(0, 11, 1)))
                .contains("--show-hidden-metrics-for-version=0.10")
        );
        assert!(messages(&check(old)).contains("removed in vLLM 0.12"));
        let new = "max(vllm:kv_cache_usage_perc)";
        let d = at_version(new, VllmVersion::new(0, 8, 5));
        assert!(
            d.iter()
                .any(|d| d.hint.as_deref() == Some("on 0.8.5 use `vllm:gpu_cache_usage_perc`")),
            "{}",
            messages(&d)
        );
        assert!(at_version(new, VllmVersion::new(0, 11, 0)).is_empty());
    }

    #[test]
    fn bucket_overrides_and_model_dependent_buckets() {
        let ctx = QueryContext {
            bucket_overrides: vec![(
                "vllm:e2e_request_latency_seconds".to_string(),
                vec!["3.0".to_string(), "6.0".to_string()],
            )],
            ..QueryContext::default()
        };
        let q = r#"sum(rate(vllm:e2e_request_latency_seconds_bucket{le="3.0"}[5m]))"#;
        assert!(check_query(q, &at(), &ctx).is_empty());
        assert!(!check(q).is_empty());

        let tokens = |le: &str| {
            check(&format!(
                r#"sum(rate(vllm:request_prompt_tokens_bucket{{le="{le}"}}[5m]))"#
            ))
        };
        assert!(tokens("100.0").is_empty());
        assert!(tokens("1e+06").is_empty());
        assert!(messages(&tokens("100")).contains("`100.0`"));
        assert!(messages(&tokens("300.0")).contains("1, 2, 5"));
        assert!(messages(&tokens("inf")).contains("+Inf"));
        assert!(messages(&tokens("abc")).contains("holds a number"));
    }

    #[test]
    fn ratio_queries_are_recognised() {
        for q in [
            "max(vllm:kv_cache_usage_perc)",
            "avg(vllm:gpu_cache_usage_perc)",
            r#"sum(rate(vllm:e2e_request_latency_seconds_bucket{le="5.0"}[5m])) / sum(rate(vllm:e2e_request_latency_seconds_bucket{le="+Inf"}[5m]))"#,
            r#"sum(rate(vllm:time_to_first_token_seconds_bucket{le="1.0"}[5m])) / sum(rate(vllm:time_to_first_token_seconds_count[5m]))"#,
            "sum(rate(vllm:prefix_cache_hits_total[5m])) / sum(rate(vllm:prefix_cache_queries_total[5m]))",
            "1 - avg(vllm:kv_cache_usage_perc)",
            "clamp_max(sum(vllm:num_requests_waiting), 1)",
            "max(vllm:kv_cache_usage_perc) * 0.5",
            "histogram_fraction(0, 5, sum by (le) (rate(vllm:e2e_request_latency_seconds_bucket[5m])))",
            "max_over_time(max(vllm:kv_cache_usage_perc)[5m:])",
            "0.5",
        ] {
            assert!(is_ratio_query(q), "{q}");
        }
        for q in [
            "sum(vllm:num_requests_waiting)",
            "sum(vllm:kv_cache_usage_perc)",
            "max(vllm:kv_cache_usage_perc) * 100",
            "sum(rate(vllm:e2e_request_latency_seconds_sum[5m])) / sum(rate(vllm:e2e_request_latency_seconds_count[5m]))",
            "histogram_quantile(0.9, sum by (le) (rate(vllm:e2e_request_latency_seconds_bucket[5m])))",
            "sum(rate(vllm:prompt_tokens_total[5m]))",
            "sum(rate(vllm:prefix_cache_queries_total[5m])) / sum(rate(vllm:prefix_cache_hits_total[5m]))",
            "not promql (",
            "",
        ] {
            assert!(!is_ratio_query(q), "{q}");
        }
        assert_eq!(
            upper_bound("max(vllm:kv_cache_usage_perc) * 100"),
            Some(100.0)
        );
        assert_eq!(upper_bound("sum(vllm:num_requests_waiting)"), None);
    }

    #[test]
    fn a_query_copied_from_another_deployment_is_reported() {
        let ctx = QueryContext {
            deployment: Some("autoscalevllmexample".into()),
            ..QueryContext::default()
        };
        // Upstream's documented default query names `vllmautowithfss`, whatever the recipe is called.
        let copied = r#"1 - (sum(rate(vllm:e2e_request_latency_seconds_bucket{le='5.0', instance='recipe-vllmautowithfss.default:80'}[5m])) / sum(rate(vllm:e2e_request_latency_seconds_bucket{le='+Inf', instance='recipe-vllmautowithfss.default:80'}[5m])))"#;
        let d = check_query(copied, &at(), &ctx);
        let found: Vec<_> = d
            .iter()
            .filter(|d| d.message.contains("selects deployment `vllmautowithfss`"))
            .collect();
        assert_eq!(found.len(), 1, "said once for both selectors: {d}");
        assert_eq!(found[0].severity, crate::Severity::Warning);
        assert_eq!(
            found[0].hint.as_deref(),
            Some(r#"write `instance="recipe-autoscalevllmexample.default:80"`"#)
        );
        let own = copied.replace("vllmautowithfss", "autoscalevllmexample");
        assert!(
            check_query(&own, &at(), &ctx).is_empty(),
            "{}",
            check_query(&own, &at(), &ctx)
        );
        for (q, other) in [
            (
                r#"sum(vllm:num_requests_waiting{service="recipe-other"})"#,
                "other",
            ),
            (
                r#"sum(vllm:num_requests_waiting{corrino_oci_recipe="llama"})"#,
                "llama",
            ),
            (
                r#"sum(vllm:num_requests_waiting{job="recipe-llama"})"#,
                "llama",
            ),
        ] {
            assert!(
                messages(&check_query(q, &at(), &ctx))
                    .contains(&format!("selects deployment `{other}`")),
                "{q}"
            );
        }
        // Without a name to compare with, or for labels that do not name a deployment, nothing is said.
        assert!(check_query(copied, &at(), &QueryContext::default()).is_empty());
        assert!(
            check_query(
                r#"sum(vllm:num_requests_waiting{instance="10.0.0.7:8000"})"#,
                &at(),
                &ctx
            )
            .is_empty()
        );
    }

    #[test]
    fn hints_for_copied_queries() {
        let stray = r#"1 - (sum(rate(vllm:e2e_request_latency_seconds_bucket{le='5.0', instance='recipe-vllmautowithfss.default:80'}[5m])) / sum(rate(vllm:e2e_request_latency_seconds_bucket{le='+Inf', instance='recipe-vllmautowithfss.default:80'}[5m])))""#;
        let d = check(stray);
        assert!(d.has_errors());
        assert_eq!(
            d.iter().next().and_then(|d| d.hint.as_deref()),
            Some("remove the stray quote at the end of the query")
        );
        assert!(check(stray.trim_end_matches('"')).is_empty());

        let quoted = "\"sum(vllm:num_requests_waiting)\"";
        assert!(messages(&check(quoted)).contains("remove the quotes"));
        assert!(messages(&check("sum(x{le=5})")).contains("in quotes"));
        assert!(messages(&check("   ")).contains("empty"));
    }

    #[test]
    fn oversized_and_overflowing_input_is_refused_without_panicking() {
        for q in [
            "foo[1e400]".to_string(),
            "foo[5m:1e400]".to_string(),
            "sum(foo offset 1e400)".to_string(),
            "sum(foo offset -inf)".to_string(),
            "sum(foo offset NaN)".to_string(),
            "sum(foo offset # a comment\n 1e400)".to_string(),
            "foo[ 1e30 ]".to_string(),
            format!("{}1{}", "(".repeat(300), ")".repeat(300)),
            format!("{}x{}", "sum(".repeat(300), ")".repeat(300)),
            "1".to_string() + &"+1".repeat(300),
            "x".repeat(9000),
        ] {
            let d = check(&q);
            assert!(d.has_errors(), "{q}");
            assert!(!is_ratio_query(&q));
        }
        // Just under the limits still works.
        let deep = format!(
            "{}sum(vllm:num_requests_waiting){}",
            "max(".repeat(100),
            ")".repeat(100)
        );
        assert!(check(&deep).is_empty(), "{}", messages(&check(&deep)));
    }

    #[test]
    fn garbage_never_panics_and_output_is_deterministic() {
        let alphabet: Vec<&str> = vec![
            "(",
            ")",
            "[",
            "]",
            "{",
            "}",
            "\"",
            "'",
            "`",
            "\\",
            ",",
            ":",
            "=",
            "=~",
            "!=",
            "+",
            "-",
            "*",
            "/",
            "^",
            "%",
            " ",
            "\n",
            "#",
            "@",
            "1",
            "0",
            "5m",
            "1e400",
            "inf",
            "NaN",
            "0x",
            "le",
            "by",
            "without",
            "sum",
            "rate",
            "offset",
            "bool",
            "on",
            "group_left",
            "and",
            "or",
            "vllm:",
            "vllm_",
            "e2e_request_latency_seconds_bucket",
            "histogram_quantile",
            "topk",
            "é",
            "😀",
            "\u{0}",
            "$",
            "[5m:]",
            "vector(",
            "scalar(",
            "count_values(",
            "model=",
            "\"5\"",
            "_total",
        ];
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..3000 {
            let len = (next() % 24) as usize;
            let q: String = (0..len)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect();
            let first = check(&q);
            assert_eq!(first, check(&q), "{q:?}");
            let _ = is_ratio_query(&q);
        }
    }
}
