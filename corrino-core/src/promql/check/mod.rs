//! Checks of the queries that recipe authors write themselves: what KEDA would refuse, and what would run but read
//! nothing from vLLM.
//!
//! - [`guard`] refuses input that could exhaust the parser (size, nesting, huge durations) and explains syntax errors;
//! - [`cardinality`] works out the type of a query's result and how many series it can return (KEDA takes one);
//! - [`lints`] walks the parsed query for names, labels, buckets, windows and functions that read nothing;
//! - [`bounds`] derives the range of a query's value (a ratio never exceeds 1).

mod bounds;
mod cardinality;
mod guard;
mod lints;
#[cfg(test)]
mod tests;

use crate::diagnostic::{Diagnostic, Diagnostics, Pointer};
use crate::vllm;
use bounds::bounds;
use guard::parse_guarded;

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

/// Longer queries are refused before parsing: KEDA queries are a line or two.
pub(super) const MAX_QUERY_BYTES: usize = 8 * 1024;

/// Parentheses, brackets and operators a query may hold before it is refused unparsed: the parser and these
/// checks recurse once per level, and a stack overflow cannot be caught.
pub(super) const MAX_COMPLEXITY: usize = 256;

/// Durations written as a plain number of seconds must stay below this, well inside what the parser can hold.
pub(super) const MAX_DURATION_SECONDS: f64 = 1e15;

/// Functions that turn a counter's range into a per-second or per-window change.
pub(super) const RATE_FUNCTIONS: &[&str] =
    &["rate", "irate", "increase", "delta", "idelta", "deriv"];

/// Counter pairs whose quotient is a fraction (hits never exceed lookups).
pub(super) const FRACTION_PAIRS: &[(&str, &str)] = &[
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

/// Checks a custom scaling query; every diagnostic is at `at`, with code [`Code::Query`](crate::diagnostic::Code::Query).
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
    let found = match parse_guarded(query) {
        Ok(expr) => lints::lint(&expr, query, at.as_str(), ctx),
        Err(problem) => vec![problem.into_diagnostic(at.as_str(), query)],
    };
    let mut unique: Vec<Diagnostic> = Vec::with_capacity(found.len());
    for d in found {
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
