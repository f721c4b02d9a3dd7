//! The metrics path from vLLM to KEDA: the counters each replica exposes, Prometheus scraping them, and the
//! scaling query evaluated over the scraped samples the way Prometheus evaluates it.
//!
//! * Each replica exposes the `vllm:e2e_request_latency_seconds` histogram with vLLM's bucket bounds
//!   ([`crate::vllm::REQUEST_LATENCY_BUCKETS`]), the request, prompt and generation counters, and the
//!   `num_requests_running`, `num_requests_waiting` and `kv_cache_usage_perc` gauges ([`VllmCounters`]).
//! * Prometheus scrapes every Ready replica as its own target at the same instants (every scrape interval from
//!   t = 0; real targets are offset from each other by a hash, which shifts samples by less than one interval).
//!   When a pod goes away its series go stale: instant selectors no longer see them, range selectors still see
//!   their samples inside the window ([`SeriesStore`]).
//! * `rate()` and `increase()` follow `extrapolatedRate` of Prometheus `promql/functions.go` (v2.52 and later):
//!   samples in the left-open window `(t − range, t]` (Prometheus 3), at least two per series, counter resets
//!   corrected, extrapolated to the window's edges when the first or last sample lies within 1.1 average sample
//!   intervals of them (else by half an interval), and never back past the counter's zero.
//! * A query is a small expression tree ([`Query`]): numbers, gauges, `rate`/`increase` of counters,
//!   `sum`/`avg`/`max`/`min`/`count` without grouping, unary minus and `+ - * /` with Prometheus' one-to-one
//!   label matching. The default latency query is built directly ([`Query::default_latency`]); custom queries
//!   are read with `promql-parser` when the `promql-check` feature is on ([`Query::parse`]), and are refused
//!   otherwise.
//! * KEDA accepts an empty result or exactly one sample: [`QueryOutcome`].

use std::collections::VecDeque;

use crate::vllm;

/// Number of latency buckets, `+Inf` included.
pub const LATENCY_BUCKETS: usize = vllm::REQUEST_LATENCY_BUCKETS.len() + 1;

/// How far back an instant selector looks for a sample (Prometheus' `--query.lookback-delta` default, 5 m).
pub const LOOKBACK_DELTA_SECONDS: i64 = 300;

/// The upper bounds of the end-to-end latency histogram, in seconds, without `+Inf`.
#[derive(Clone, Debug, PartialEq)]
pub struct LatencyBuckets {
    bounds: [f64; LATENCY_BUCKETS - 1],
}

impl LatencyBuckets {
    /// vLLM's default bounds.
    #[must_use]
    pub fn vllm() -> Self {
        let mut bounds = [f64::INFINITY; LATENCY_BUCKETS - 1];
        for (slot, text) in bounds.iter_mut().zip(vllm::REQUEST_LATENCY_BUCKETS) {
            *slot = text.parse().unwrap_or(f64::INFINITY);
        }
        LatencyBuckets { bounds }
    }

    /// The bucket a latency falls in: the first bound at or above it (`le` is inclusive), `+Inf` last.
    #[must_use]
    pub fn index(&self, latency: f64) -> usize {
        self.bounds.partition_point(|bound| *bound < latency)
    }

    /// The bucket whose `le` label is spelled `le`, `+Inf` included; `None` when vLLM has no such bucket.
    #[must_use]
    pub fn index_of_label(le: &str) -> Option<usize> {
        if le == "+Inf" {
            return Some(LATENCY_BUCKETS - 1);
        }
        vllm::REQUEST_LATENCY_BUCKETS
            .iter()
            .position(|bound| *bound == le)
    }
}

/// What one vLLM replica exposes, as running totals.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct VllmCounters {
    /// Finished requests per latency bucket (not cumulative; `+Inf` last).
    pub buckets: [u64; LATENCY_BUCKETS],
    /// `_count` of the latency histogram (= `vllm:request_success_total` here: no request is aborted).
    pub count: u64,
    /// `_sum` of the latency histogram, seconds.
    pub sum: f64,
    /// `vllm:prompt_tokens_total`.
    pub prompt_tokens: f64,
    /// `vllm:generation_tokens_total`.
    pub generation_tokens: f64,
}

impl VllmCounters {
    /// Records `count` requests that took `latency` seconds.
    pub fn observe(&mut self, buckets: &LatencyBuckets, latency: f64, count: u32) {
        let index = buckets.index(latency);
        if let Some(slot) = self.buckets.get_mut(index) {
            *slot += u64::from(count);
        }
        self.count += u64::from(count);
        self.sum += latency * f64::from(count);
    }
}

/// One scrape of one replica.
#[derive(Clone, Debug, PartialEq)]
pub struct Scrape {
    /// When, in seconds.
    pub t: i64,
    /// Cumulative bucket counts, as `_bucket{le=…}` reads (the last is `+Inf`).
    pub buckets: [f64; LATENCY_BUCKETS],
    /// `_count`.
    pub count: f64,
    /// `_sum`.
    pub sum: f64,
    /// `vllm:prompt_tokens_total`.
    pub prompt_tokens: f64,
    /// `vllm:generation_tokens_total`.
    pub generation_tokens: f64,
    /// `vllm:num_requests_running`.
    pub running: f64,
    /// `vllm:num_requests_waiting`.
    pub waiting: f64,
    /// `vllm:kv_cache_usage_perc`.
    pub kv_cache_usage: f64,
}

impl Scrape {
    /// A scrape of `counters` and the gauges at `t`.
    #[must_use]
    pub fn of(
        t: i64,
        counters: &VllmCounters,
        running: f64,
        waiting: f64,
        kv_cache_usage: f64,
    ) -> Self {
        let mut buckets = [0.0; LATENCY_BUCKETS];
        let mut total = 0u64;
        for (slot, count) in buckets.iter_mut().zip(counters.buckets) {
            total += count;
            *slot = total as f64;
        }
        Scrape {
            t,
            buckets,
            count: counters.count as f64,
            sum: counters.sum,
            prompt_tokens: counters.prompt_tokens,
            generation_tokens: counters.generation_tokens,
            running,
            waiting,
            kv_cache_usage,
        }
    }

    fn gauge(&self, gauge: Gauge) -> f64 {
        match gauge {
            Gauge::RequestsRunning => self.running,
            Gauge::RequestsWaiting => self.waiting,
            Gauge::KvCacheUsage => self.kv_cache_usage,
        }
    }
}

/// The scraped samples of one replica.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// The pod.
    pub pod: u32,
    /// Samples, oldest first, pruned to the longest window any query reads.
    pub samples: VecDeque<Scrape>,
    /// Whether the pod is gone (its series ended with a staleness marker).
    pub stale: bool,
}

/// Everything Prometheus holds about the recipe's replicas.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SeriesStore {
    /// One entry per pod ever scraped whose samples are still within the retention.
    pub series: Vec<Series>,
    /// How long samples are kept, in seconds.
    pub retention_seconds: i64,
}

impl SeriesStore {
    /// A store keeping samples for `retention_seconds`.
    #[must_use]
    pub fn new(retention_seconds: i64) -> Self {
        SeriesStore {
            series: Vec::new(),
            retention_seconds,
        }
    }

    /// Records a scrape of `pod`.
    pub fn record(&mut self, pod: u32, scrape: Scrape) {
        let cutoff = scrape.t - self.retention_seconds;
        match self
            .series
            .iter_mut()
            .find(|series| series.pod == pod && !series.stale)
        {
            Some(series) => {
                while series
                    .samples
                    .front()
                    .is_some_and(|sample| sample.t <= cutoff)
                {
                    series.samples.pop_front();
                }
                series.samples.push_back(scrape);
            }
            None => self.series.push(Series {
                pod,
                samples: VecDeque::from([scrape]),
                stale: false,
            }),
        }
    }

    /// Ends `pod`'s series (the pod was deleted).
    pub fn mark_stale(&mut self, pod: u32) {
        for series in self.series.iter_mut().filter(|series| series.pod == pod) {
            series.stale = true;
        }
    }

    /// Drops stale series whose samples have all left the retention.
    pub fn prune(&mut self, now: i64) {
        let cutoff = now - self.retention_seconds;
        self.series.retain(|series| {
            !series.stale
                || series
                    .samples
                    .back()
                    .is_some_and(|sample| sample.t > cutoff)
        });
    }
}

/// The result of `extrapolatedRate` for one series' samples in `(range_start, range_end]`, or `None` with fewer
/// than two samples.
///
/// Mirrors `extrapolatedRate` in Prometheus `promql/functions.go` for float samples of a counter: `is_rate`
/// divides by the range (`rate`), otherwise the increase is returned (`increase`).
#[must_use]
pub fn extrapolated_rate(
    samples: &[(i64, f64)],
    range_start: i64,
    range_end: i64,
    is_rate: bool,
) -> Option<f64> {
    extrapolated_rate_of(samples.iter().copied(), range_start, range_end, is_rate)
}

/// [`extrapolated_rate`] over samples in time order, read once without collecting them.
fn extrapolated_rate_of(
    samples: impl Iterator<Item = (i64, f64)>,
    range_start: i64,
    range_end: i64,
    is_rate: bool,
) -> Option<f64> {
    let mut first: Option<(i64, f64)> = None;
    let mut last = (0i64, 0.0f64);
    let mut count = 0usize;
    let mut resets = 0.0;
    for (t, value) in samples {
        if count > 0 && value < last.1 {
            resets += last.1;
        }
        first.get_or_insert((t, value));
        last = (t, value);
        count += 1;
    }
    let first = first?;
    extrapolate(
        first,
        last,
        count,
        resets,
        (range_start, range_end),
        is_rate,
    )
}

/// The extrapolation of `extrapolatedRate` from a window's first and last samples, their number and the sum of
/// the values before each counter reset.
fn extrapolate(
    (first_t, first_v): (i64, f64),
    (last_t, last_v): (i64, f64),
    count: usize,
    resets: f64,
    (range_start, range_end): (i64, i64),
    is_rate: bool,
) -> Option<f64> {
    if count < 2 || last_t <= first_t {
        return None;
    }
    let result = last_v - first_v + resets;
    let mut duration_to_start = (first_t - range_start) as f64;
    let mut duration_to_end = (range_end - last_t) as f64;
    let sampled_interval = (last_t - first_t) as f64;
    let average_interval = sampled_interval / (count - 1) as f64;
    let threshold = average_interval * 1.1;
    if duration_to_start >= threshold {
        duration_to_start = average_interval / 2.0;
    }
    if result > 0.0 && first_v >= 0.0 {
        let duration_to_zero = sampled_interval * (first_v / result);
        if duration_to_zero < duration_to_start {
            duration_to_start = duration_to_zero;
        }
    }
    if duration_to_end >= threshold {
        duration_to_end = average_interval / 2.0;
    }
    let mut factor = (sampled_interval + duration_to_start + duration_to_end) / sampled_interval;
    if is_rate {
        factor /= (range_end - range_start) as f64;
    }
    Some(result * factor)
}

// ---------------------------------------------------------------------------------------------------------------
// Queries
// ---------------------------------------------------------------------------------------------------------------

/// A vLLM gauge the simulator models.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gauge {
    /// `vllm:num_requests_running`.
    RequestsRunning,
    /// `vllm:num_requests_waiting`.
    RequestsWaiting,
    /// `vllm:kv_cache_usage_perc` (and its older name `vllm:gpu_cache_usage_perc`).
    KvCacheUsage,
}

/// Which `le` buckets a selector of the latency histogram picks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BucketSelection {
    /// Every bucket (no `le` matcher): one series per bucket.
    All,
    /// One bucket, by index (`+Inf` last).
    One(usize),
    /// None: the `le` value is not one of vLLM's bounds, so the selector matches no series.
    Nothing,
}

/// A vLLM counter the simulator models.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CounterSeries {
    /// `vllm:e2e_request_latency_seconds_bucket`.
    LatencyBucket(BucketSelection),
    /// `vllm:e2e_request_latency_seconds_count`.
    LatencyCount,
    /// `vllm:e2e_request_latency_seconds_sum`.
    LatencySum,
    /// `vllm:request_success_total`.
    RequestSuccess,
    /// `vllm:prompt_tokens_total`.
    PromptTokens,
    /// `vllm:generation_tokens_total`.
    GenerationTokens,
}

/// An aggregation without grouping.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Aggregation {
    /// `sum`.
    Sum,
    /// `avg`.
    Avg,
    /// `max`.
    Max,
    /// `min`.
    Min,
    /// `count`.
    Count,
}

/// An arithmetic operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operator {
    /// `+`.
    Add,
    /// `-`.
    Sub,
    /// `*`.
    Mul,
    /// `/`.
    Div,
}

/// The subset of PromQL the simulator evaluates.
#[derive(Clone, Debug, PartialEq)]
pub enum Query {
    /// A number literal.
    Number(f64),
    /// A gauge's latest value per replica.
    Gauge(Gauge),
    /// `rate(counter[window])` or `increase(counter[window])`, per replica (and bucket).
    Rate {
        /// The counter.
        series: CounterSeries,
        /// The range, in seconds.
        window_seconds: i64,
        /// `rate` (per second) rather than `increase`.
        per_second: bool,
    },
    /// An aggregation over every series.
    Aggregate(Aggregation, Box<Query>),
    /// Unary minus.
    Negate(Box<Query>),
    /// Arithmetic between two expressions.
    Binary(Operator, Box<Query>, Box<Query>),
}

/// Why a query cannot be simulated.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct UnsupportedQuery(pub String);

/// What KEDA gets from one query.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum QueryOutcome {
    /// No series: KEDA reads 0 with `ignoreNullValues`, else fails.
    Empty,
    /// One value.
    Value(f64),
    /// Several series: KEDA's Prometheus scaler fails ("returned multiple elements").
    MultipleSeries(usize),
}

/// The identity of a series once the metric name is dropped: its replica and its bucket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Labels {
    pod: Option<u32>,
    le: Option<usize>,
}

enum Value {
    Scalar(f64),
    Vector(Vec<(Labels, f64)>),
}

impl Query {
    /// The default query for a window and latency bound:
    /// `1 - (sum(rate(…_bucket{le="<bound>"}[w])) / sum(rate(…_bucket{le="+Inf"}[w])))`.
    ///
    /// # Errors
    ///
    /// When `latency_bound` is not one of vLLM's bucket bounds (the real query would return nothing).
    pub fn default_latency(
        window_seconds: u64,
        latency_bound: &str,
    ) -> Result<Self, UnsupportedQuery> {
        let bound = LatencyBuckets::index_of_label(latency_bound).ok_or_else(|| {
            UnsupportedQuery(format!(
                "`{latency_bound}` is not a bucket bound of vLLM's latency histogram"
            ))
        })?;
        let window_seconds = i64::try_from(window_seconds)
            .map_err(|_| UnsupportedQuery("the query window is too long".into()))?;
        let rate = |le| {
            Query::Aggregate(
                Aggregation::Sum,
                Box::new(Query::Rate {
                    series: CounterSeries::LatencyBucket(BucketSelection::One(le)),
                    window_seconds,
                    per_second: true,
                }),
            )
        };
        Ok(Query::Binary(
            Operator::Sub,
            Box::new(Query::Number(1.0)),
            Box::new(Query::Binary(
                Operator::Div,
                Box::new(rate(bound)),
                Box::new(rate(LATENCY_BUCKETS - 1)),
            )),
        ))
    }

    /// The longest range any part of the query reads, in seconds (at least the instant lookback).
    #[must_use]
    pub fn longest_window(&self) -> i64 {
        match self {
            Query::Number(_) | Query::Gauge(_) => LOOKBACK_DELTA_SECONDS,
            Query::Rate { window_seconds, .. } => (*window_seconds).max(LOOKBACK_DELTA_SECONDS),
            Query::Aggregate(_, inner) | Query::Negate(inner) => inner.longest_window(),
            Query::Binary(_, lhs, rhs) => lhs.longest_window().max(rhs.longest_window()),
        }
    }

    /// Evaluates the query at `t` over the scraped samples, as an instant query.
    #[must_use]
    pub fn evaluate(&self, store: &SeriesStore, t: i64) -> QueryOutcome {
        match self.eval(store, t) {
            Value::Scalar(value) => QueryOutcome::Value(value),
            Value::Vector(vector) => match vector.as_slice() {
                [] => QueryOutcome::Empty,
                [(_, value)] => QueryOutcome::Value(*value),
                more => QueryOutcome::MultipleSeries(more.len()),
            },
        }
    }

    fn eval(&self, store: &SeriesStore, t: i64) -> Value {
        match self {
            Query::Number(value) => Value::Scalar(*value),
            Query::Gauge(_) | Query::Rate { .. } => {
                let mut vector = Vec::new();
                self.each_series(store, t, |labels, value| vector.push((labels, value)));
                Value::Vector(vector)
            }
            Query::Aggregate(op, inner) => match inner.as_ref() {
                // Aggregating a selector directly: fold the series without collecting them.
                Query::Gauge(_) | Query::Rate { .. } => {
                    let mut folded = Fold::new(*op);
                    inner.each_series(store, t, |_, value| folded.add(value));
                    Value::Vector(folded.finish())
                }
                _ => match inner.eval(store, t) {
                    Value::Scalar(value) => Value::Scalar(value),
                    Value::Vector(vector) => {
                        let mut folded = Fold::new(*op);
                        for (_, value) in &vector {
                            folded.add(*value);
                        }
                        Value::Vector(folded.finish())
                    }
                },
            },
            Query::Negate(inner) => match inner.eval(store, t) {
                Value::Scalar(value) => Value::Scalar(-value),
                Value::Vector(vector) => Value::Vector(
                    vector
                        .into_iter()
                        .map(|(labels, value)| (labels, -value))
                        .collect(),
                ),
            },
            Query::Binary(op, lhs, rhs) => binary(*op, lhs.eval(store, t), rhs.eval(store, t)),
        }
    }

    /// Calls `f` with every series a selector (gauge or rate) yields at `t`.
    fn each_series(&self, store: &SeriesStore, t: i64, mut f: impl FnMut(Labels, f64)) {
        match self {
            Query::Gauge(gauge) => {
                let start = t - LOOKBACK_DELTA_SECONDS;
                for series in store.series.iter().filter(|series| !series.stale) {
                    if let Some(latest) = series.samples.iter().rev().find(|sample| sample.t <= t)
                        && latest.t > start
                    {
                        let labels = Labels {
                            pod: Some(series.pod),
                            le: None,
                        };
                        f(labels, latest.gauge(*gauge));
                    }
                }
            }
            Query::Rate {
                series: counter,
                window_seconds,
                per_second,
            } => rate_each(store, *counter, *window_seconds, *per_second, t, f),
            _ => {}
        }
    }
}

/// An aggregation in progress.
struct Fold {
    op: Aggregation,
    count: usize,
    value: f64,
}

impl Fold {
    fn new(op: Aggregation) -> Self {
        let value = match op {
            Aggregation::Max => f64::NEG_INFINITY,
            Aggregation::Min => f64::INFINITY,
            Aggregation::Sum | Aggregation::Avg | Aggregation::Count => 0.0,
        };
        Fold {
            op,
            count: 0,
            value,
        }
    }

    fn add(&mut self, value: f64) {
        self.count += 1;
        self.value = match self.op {
            Aggregation::Sum | Aggregation::Avg => self.value + value,
            Aggregation::Max => self.value.max(value),
            Aggregation::Min => self.value.min(value),
            Aggregation::Count => self.value + 1.0,
        };
    }

    /// The aggregate as a one-element vector without labels, or empty when nothing was aggregated.
    fn finish(self) -> Vec<(Labels, f64)> {
        if self.count == 0 {
            return Vec::new();
        }
        let value = match self.op {
            Aggregation::Avg => self.value / self.count as f64,
            _ => self.value,
        };
        vec![(
            Labels {
                pod: None,
                le: None,
            },
            value,
        )]
    }
}

fn rate_each(
    store: &SeriesStore,
    counter: CounterSeries,
    window_seconds: i64,
    per_second: bool,
    t: i64,
    mut f: impl FnMut(Labels, f64),
) {
    let buckets: &[usize] = match counter {
        CounterSeries::LatencyBucket(BucketSelection::Nothing) => return,
        CounterSeries::LatencyBucket(BucketSelection::One(index)) => &[index][..],
        CounterSeries::LatencyBucket(BucketSelection::All) => &ALL_BUCKETS[..],
        _ => &[0][..],
    };
    let is_bucket = matches!(counter, CounterSeries::LatencyBucket(_));
    let start = t - window_seconds;
    for series in &store.series {
        // Samples are in time order and pruned to a little more than the window: count from the ends.
        let from = series
            .samples
            .iter()
            .take_while(|sample| sample.t <= start)
            .count();
        let to = series.samples.len()
            - series
                .samples
                .iter()
                .rev()
                .take_while(|sample| sample.t > t)
                .count();
        if to < from + 2 {
            continue;
        }
        // Simulated counters never reset (a replaced pod is a new series), so the first and last samples of the
        // window carry everything `extrapolatedRate` needs besides the count.
        let (Some(first), Some(last)) = (series.samples.get(from), series.samples.get(to - 1))
        else {
            continue;
        };
        let count = to - from;
        for &bucket in buckets {
            let read = |sample: &Scrape| match counter {
                CounterSeries::LatencyBucket(_) => {
                    sample.buckets.get(bucket).copied().unwrap_or(0.0)
                }
                CounterSeries::LatencyCount | CounterSeries::RequestSuccess => sample.count,
                CounterSeries::LatencySum => sample.sum,
                CounterSeries::PromptTokens => sample.prompt_tokens,
                CounterSeries::GenerationTokens => sample.generation_tokens,
            };
            let value = extrapolate(
                (first.t, read(first)),
                (last.t, read(last)),
                count,
                0.0,
                (start, t),
                per_second,
            );
            if let Some(value) = value {
                let labels = Labels {
                    pod: Some(series.pod),
                    le: is_bucket.then_some(bucket),
                };
                f(labels, value);
            }
        }
    }
}

const ALL_BUCKETS: [usize; LATENCY_BUCKETS] = {
    let mut all = [0; LATENCY_BUCKETS];
    let mut i = 0;
    while i < LATENCY_BUCKETS {
        all[i] = i;
        i += 1;
    }
    all
};

fn apply(op: Operator, lhs: f64, rhs: f64) -> f64 {
    match op {
        Operator::Add => lhs + rhs,
        Operator::Sub => lhs - rhs,
        Operator::Mul => lhs * rhs,
        Operator::Div => lhs / rhs,
    }
}

/// Arithmetic with Prometheus' semantics: scalars apply to every element, two vectors match one to one on
/// identical labels (the metric name already dropped) and unmatched elements disappear.
fn binary(op: Operator, lhs: Value, rhs: Value) -> Value {
    match (lhs, rhs) {
        (Value::Scalar(a), Value::Scalar(b)) => Value::Scalar(apply(op, a, b)),
        (Value::Scalar(a), Value::Vector(v)) => Value::Vector(
            v.into_iter()
                .map(|(labels, b)| (labels, apply(op, a, b)))
                .collect(),
        ),
        (Value::Vector(v), Value::Scalar(b)) => Value::Vector(
            v.into_iter()
                .map(|(labels, a)| (labels, apply(op, a, b)))
                .collect(),
        ),
        (Value::Vector(left), Value::Vector(right)) => Value::Vector(
            left.into_iter()
                .filter_map(|(labels, a)| {
                    right
                        .iter()
                        .find(|(other, _)| *other == labels)
                        .map(|(_, b)| (labels, apply(op, a, *b)))
                })
                .collect(),
        ),
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Reading PromQL
// ---------------------------------------------------------------------------------------------------------------

/// Queries longer than this are refused before parsing (the planner's own checks use the same bound).
#[cfg(feature = "promql-check")]
const MAX_QUERY_BYTES: usize = 8 * 1024;

/// Nesting deeper than this is refused before parsing: the parser and the conversion recurse once per level.
#[cfg(feature = "promql-check")]
const MAX_NESTING: usize = 64;

#[cfg(feature = "promql-check")]
impl Query {
    /// Reads a custom scaling query into the subset the simulator evaluates.
    ///
    /// Label matchers other than `le` are taken to select the recipe's own series and are otherwise ignored; an
    /// `le` value that is not one of vLLM's bounds selects nothing, as in Prometheus.
    ///
    /// # Errors
    ///
    /// The query does not parse, or uses something outside the subset: grouping, functions other than `rate` and
    /// `increase`, comparison or set operators, `offset`/`@`, subqueries, metrics the simulator does not model,
    /// counters read without `rate()`.
    pub fn parse(text: &str) -> Result<Self, UnsupportedQuery> {
        if text.len() > MAX_QUERY_BYTES {
            return Err(UnsupportedQuery(format!(
                "the query is {} bytes long; at most {MAX_QUERY_BYTES} are read",
                text.len()
            )));
        }
        let mut depth = 0usize;
        for c in text.chars() {
            match c {
                '(' | '[' | '{' => {
                    depth += 1;
                    if depth > MAX_NESTING {
                        return Err(UnsupportedQuery("the query nests too deeply".into()));
                    }
                }
                ')' | ']' | '}' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        let expr = promql_parser::parser::parse(text).map_err(|message| {
            UnsupportedQuery(format!("the query is not valid PromQL: {message}"))
        })?;
        convert(&expr)
    }
}

#[cfg(feature = "promql-check")]
fn convert(expr: &promql_parser::parser::Expr) -> Result<Query, UnsupportedQuery> {
    use promql_parser::parser::{Expr, VectorMatchCardinality};
    let unsupported = |what: String| Err(UnsupportedQuery(what));
    match expr {
        Expr::NumberLiteral(number) => Ok(Query::Number(number.val)),
        Expr::Paren(paren) => convert(&paren.expr),
        Expr::Unary(unary) => Ok(Query::Negate(Box::new(convert(&unary.expr)?))),
        Expr::Aggregate(aggregate) => {
            if aggregate.param.is_some() {
                return unsupported(format!(
                    "`{}` with a parameter is not simulated",
                    aggregate.op
                ));
            }
            if aggregate
                .modifier
                .as_ref()
                .is_some_and(|m| !m.labels().is_empty())
            {
                return unsupported(
                    "grouping (`by`/`without`) is not simulated: KEDA needs a single series anyway"
                        .into(),
                );
            }
            let op = match aggregate.op.to_string().as_str() {
                "sum" => Aggregation::Sum,
                "avg" => Aggregation::Avg,
                "max" => Aggregation::Max,
                "min" => Aggregation::Min,
                "count" => Aggregation::Count,
                other => return unsupported(format!("the aggregation `{other}` is not simulated")),
            };
            Ok(Query::Aggregate(op, Box::new(convert(&aggregate.expr)?)))
        }
        Expr::Binary(binary) => {
            let op = match binary.op.to_string().as_str() {
                "+" => Operator::Add,
                "-" => Operator::Sub,
                "*" => Operator::Mul,
                "/" => Operator::Div,
                other => return unsupported(format!("the operator `{other}` is not simulated")),
            };
            if let Some(modifier) = &binary.modifier
                && (modifier.return_bool
                    || modifier.matching.is_some()
                    || !matches!(modifier.card, VectorMatchCardinality::OneToOne))
            {
                return unsupported(
                    "`on`, `ignoring`, `group_left`/`group_right` and `bool` are not simulated"
                        .into(),
                );
            }
            Ok(Query::Binary(
                op,
                Box::new(convert(&binary.lhs)?),
                Box::new(convert(&binary.rhs)?),
            ))
        }
        Expr::VectorSelector(selector) => {
            if selector.offset.is_some() || selector.at.is_some() {
                return unsupported("`offset` and `@` are not simulated".into());
            }
            let name = selector.name.clone().unwrap_or_default();
            match gauge_named(&name) {
                Some(gauge) => Ok(Query::Gauge(gauge)),
                None if counter_named(&name).is_some() => unsupported(format!(
                    "`{name}` is a counter: read it through rate() or increase()"
                )),
                None => unsupported(format!("`{name}` is not a metric the simulator models")),
            }
        }
        Expr::Call(call) => {
            let per_second = match call.func.name {
                "rate" => true,
                "increase" => false,
                other => return unsupported(format!("the function `{other}` is not simulated")),
            };
            let Some(Expr::MatrixSelector(matrix)) = call.args.args.first().map(|arg| arg.as_ref())
            else {
                return unsupported(format!("`{}` needs a range selector", call.func.name));
            };
            let selector = &matrix.vs;
            if selector.offset.is_some() || selector.at.is_some() {
                return unsupported("`offset` and `@` are not simulated".into());
            }
            let name = selector.name.clone().unwrap_or_default();
            let Some(mut series) = counter_named(&name) else {
                return unsupported(format!(
                    "`{name}` is not a counter the simulator models (rate() of a gauge is not simulated either)"
                ));
            };
            for matcher in &selector.matchers.matchers {
                if matcher.name != "le" {
                    continue;
                }
                if !matches!(matcher.op, promql_parser::label::MatchOp::Equal) {
                    return unsupported("only `le=\"…\"` is simulated for bucket selection".into());
                }
                series = match series {
                    CounterSeries::LatencyBucket(_) => CounterSeries::LatencyBucket(
                        LatencyBuckets::index_of_label(&matcher.value)
                            .map_or(BucketSelection::Nothing, BucketSelection::One),
                    ),
                    // An `le` matcher on a series without that label matches nothing unless it asks for "".
                    other if matcher.value.is_empty() => other,
                    _ => CounterSeries::LatencyBucket(BucketSelection::Nothing),
                };
            }
            let window_seconds = i64::try_from(matrix.range.as_secs())
                .ok()
                .filter(|seconds| *seconds > 0)
                .ok_or_else(|| UnsupportedQuery("the range must be at least one second".into()))?;
            Ok(Query::Rate {
                series,
                window_seconds,
                per_second,
            })
        }
        Expr::MatrixSelector(_) => {
            unsupported("a range selector must be inside rate() or increase()".into())
        }
        Expr::Subquery(_) => unsupported("subqueries are not simulated".into()),
        Expr::StringLiteral(_) => unsupported("a string is not a scaling value".into()),
        Expr::Extension(_) => unsupported("this expression is not simulated".into()),
    }
}

#[cfg(feature = "promql-check")]
fn gauge_named(name: &str) -> Option<Gauge> {
    match name {
        "vllm:num_requests_running" => Some(Gauge::RequestsRunning),
        "vllm:num_requests_waiting" => Some(Gauge::RequestsWaiting),
        "vllm:kv_cache_usage_perc" | "vllm:gpu_cache_usage_perc" => Some(Gauge::KvCacheUsage),
        _ => None,
    }
}

#[cfg(feature = "promql-check")]
fn counter_named(name: &str) -> Option<CounterSeries> {
    match name {
        "vllm:e2e_request_latency_seconds_bucket" => {
            Some(CounterSeries::LatencyBucket(BucketSelection::All))
        }
        "vllm:e2e_request_latency_seconds_count" => Some(CounterSeries::LatencyCount),
        "vllm:e2e_request_latency_seconds_sum" => Some(CounterSeries::LatencySum),
        "vllm:request_success_total" => Some(CounterSeries::RequestSuccess),
        "vllm:prompt_tokens_total" => Some(CounterSeries::PromptTokens),
        "vllm:generation_tokens_total" => Some(CounterSeries::GenerationTokens),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counters(latencies: &[(f64, u32)]) -> VllmCounters {
        let buckets = LatencyBuckets::vllm();
        let mut counters = VllmCounters::default();
        for &(latency, count) in latencies {
            counters.observe(&buckets, latency, count);
        }
        counters
    }

    #[test]
    fn buckets_are_inclusive_upper_bounds() {
        let buckets = LatencyBuckets::vllm();
        assert_eq!(buckets.index(0.1), 0);
        assert_eq!(buckets.index(0.3), 0, "le is inclusive");
        assert_eq!(buckets.index(5.0), 7);
        assert_eq!(buckets.index(5.01), 8);
        assert_eq!(buckets.index(1e9), LATENCY_BUCKETS - 1);
        assert_eq!(LatencyBuckets::index_of_label("5.0"), Some(7));
        assert_eq!(LatencyBuckets::index_of_label("5"), None);
        assert_eq!(LatencyBuckets::index_of_label("+Inf"), Some(21));
    }

    #[test]
    fn extrapolated_rate_matches_prometheus() {
        // Samples every 15 s at 15..=300 in a 300 s window ending at 300: the first sample is 15 s from the start
        // (< 1.1 × 15), so the window is covered; 0 → 190 over 285 s sampled, extrapolated to 300 s, but the
        // zero point (285 × 0/190 = 0 s before the first sample) caps the start: rate = 190 / 300 × 285/285.
        let samples: Vec<(i64, f64)> = (1..=20).map(|i| (i * 15, (i - 1) as f64 * 10.0)).collect();
        let rate = extrapolated_rate(&samples, 0, 300, true).unwrap();
        assert!((rate - 190.0 / 300.0).abs() < 1e-12, "{rate}");
        // Counter starting at 100: no zero cap; 15 s to the start is within the threshold → +15 s: 190 × 300/285.
        let shifted: Vec<(i64, f64)> = samples.iter().map(|&(t, v)| (t, v + 100.0)).collect();
        let increase = extrapolated_rate(&shifted, 0, 300, false).unwrap();
        assert!((increase - 200.0).abs() < 1e-9, "{increase}");
        // Two samples 15 s apart in the middle of a 300 s window: extrapolated by half an interval each side.
        let middle = extrapolated_rate(&[(150, 100.0), (165, 130.0)], 0, 300, false).unwrap();
        assert!((middle - 30.0 * 30.0 / 15.0).abs() < 1e-9, "{middle}");
        // The same from a counter at 10: the zero point, 5 s before the first sample, caps the start.
        let capped = extrapolated_rate(&[(150, 10.0), (165, 40.0)], 0, 300, false).unwrap();
        assert!((capped - 30.0 * 27.5 / 15.0).abs() < 1e-9, "{capped}");
        // A reset: 50 → 10 counts the 50.
        let reset = extrapolated_rate(&[(285, 50.0), (300, 10.0)], 0, 300, false).unwrap();
        assert!(reset > 0.0);
        assert_eq!(extrapolated_rate(&[(300, 1.0)], 0, 300, true), None);
    }

    fn store_with(pods: &[(u32, Vec<(f64, u32)>)], times: &[i64]) -> SeriesStore {
        let mut store = SeriesStore::new(600);
        for &t in times {
            for (pod, latencies) in pods {
                // Requests accumulate linearly: at time t, t/15 copies of the pattern.
                let repeat = u32::try_from(t / 15).unwrap_or(0);
                let scaled: Vec<(f64, u32)> =
                    latencies.iter().map(|&(l, c)| (l, c * repeat)).collect();
                store.record(*pod, Scrape::of(t, &counters(&scaled), 3.0, 1.0, 0.25));
            }
        }
        store
    }

    #[test]
    fn default_query_is_the_fraction_of_slow_requests() {
        let query = Query::default_latency(300, "5.0").unwrap();
        // Per 15 s: pod 0 finishes 3 fast and 1 slow request, pod 1 one slow one: 2 of 5 are slow.
        let times: Vec<i64> = (0..=20).map(|i| i * 15).collect();
        let store = store_with(
            &[(0, vec![(1.0, 3), (8.0, 1)]), (1, vec![(30.0, 1)])],
            &times,
        );
        match query.evaluate(&store, 300) {
            QueryOutcome::Value(value) => assert!((value - 0.4).abs() < 1e-12, "{value}"),
            other => panic!("{other:?}"),
        }
        // Nothing scraped yet: empty.
        assert_eq!(
            query.evaluate(&SeriesStore::new(600), 300),
            QueryOutcome::Empty
        );
        // Scraped but no request: 0 / 0 → NaN (KEDA reads it as 0 with ignoreNullValues).
        let idle = store_with(&[(0, vec![])], &times);
        assert!(matches!(query.evaluate(&idle, 300), QueryOutcome::Value(v) if v.is_nan()));
        assert!(Query::default_latency(300, "5").is_err());
    }

    #[test]
    fn gauges_see_live_pods_only() {
        let times = [0, 15, 30];
        let mut store = store_with(&[(0, vec![]), (1, vec![])], &times);
        let sum = Query::Aggregate(
            Aggregation::Sum,
            Box::new(Query::Gauge(Gauge::RequestsWaiting)),
        );
        assert_eq!(sum.evaluate(&store, 30), QueryOutcome::Value(2.0));
        assert_eq!(
            Query::Gauge(Gauge::KvCacheUsage).evaluate(&store, 30),
            QueryOutcome::MultipleSeries(2),
            "one series per pod: KEDA refuses it"
        );
        store.mark_stale(1);
        assert_eq!(sum.evaluate(&store, 30), QueryOutcome::Value(1.0));
        assert_eq!(
            sum.evaluate(&store, 30 + LOOKBACK_DELTA_SECONDS),
            QueryOutcome::Empty,
            "no sample within the lookback"
        );
        store.prune(1_000);
        assert_eq!(store.series.len(), 1);
    }

    #[cfg(feature = "promql-check")]
    #[test]
    fn parsed_queries_evaluate_like_the_built_ones() {
        let times: Vec<i64> = (0..=20).map(|i| i * 15).collect();
        let store = store_with(
            &[(0, vec![(1.0, 3), (8.0, 1)]), (1, vec![(30.0, 1)])],
            &times,
        );
        let text = r#"1 - (sum(rate(vllm:e2e_request_latency_seconds_bucket{le="5.0",namespace="default"}[5m])) / sum(rate(vllm:e2e_request_latency_seconds_bucket{le="+Inf",namespace="default"}[5m])))"#;
        let parsed = Query::parse(text).unwrap();
        assert_eq!(parsed, Query::default_latency(300, "5.0").unwrap());
        // Other le values and forms.
        let cases = [
            (
                r#"sum(rate(vllm:e2e_request_latency_seconds_bucket{le="10.0"}[5m])) / sum(rate(vllm:e2e_request_latency_seconds_bucket{le="+Inf"}[5m]))"#,
                QueryOutcome::Value(0.8),
            ),
            ("max(vllm:num_requests_running)", QueryOutcome::Value(3.0)),
            ("avg(vllm:kv_cache_usage_perc)", QueryOutcome::Value(0.25)),
            (
                "sum(vllm:num_requests_waiting) / 2",
                QueryOutcome::Value(1.0),
            ),
            (
                r#"sum(rate(vllm:e2e_request_latency_seconds_bucket{le="5"}[5m]))"#,
                QueryOutcome::Empty,
            ),
            ("vllm:num_requests_waiting", QueryOutcome::MultipleSeries(2)),
        ];
        for (text, expected) in cases {
            let query = Query::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            match (query.evaluate(&store, 300), expected) {
                (QueryOutcome::Value(a), QueryOutcome::Value(b)) => {
                    assert!((a - b).abs() < 1e-9, "{text}: {a}")
                }
                (got, expected) => assert_eq!(got, expected, "{text}"),
            }
        }
        for text in [
            "histogram_quantile(0.95, sum by (le) (rate(vllm:e2e_request_latency_seconds_bucket[5m])))",
            "sum by (pod) (vllm:num_requests_waiting)",
            "vllm:prompt_tokens_total",
            "up",
            "sum(vllm:num_requests_waiting) > 3",
            "not promql (",
        ] {
            assert!(Query::parse(text).is_err(), "{text}");
        }
    }
}
