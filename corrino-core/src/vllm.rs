//! The Prometheus metrics vLLM exposes, so that queries can be generated from them and checked against them.
//!
//! Every entry names a metric family as vLLM registers it, its Prometheus type, what it measures, where it stands
//! in vLLM's deprecation cycle, and, for histograms, the default bucket bounds spelled exactly as they appear in the
//! `le` label. The catalog follows vLLM's V1 engine up to the early-2026 releases.
//!
//! Facts worth knowing when writing a query against these metrics:
//! - every series carries the labels `model_name` (the served model name) and `engine` (the engine index); there is
//!   no `model` label;
//! - counters are exposed with a `_total` suffix (`vllm:prompt_tokens` → `vllm:prompt_tokens_total`), histograms as
//!   `_bucket`, `_sum` and `_count` series, and both also as a `_created` timestamp;
//! - bucket bounds are printed the way Python's `prometheus_client` prints floats: `le="5.0"`, never `le="5"`, so a
//!   selector must use exactly these strings;
//! - vLLM deprecates a metric in release X.Y, hides it in X.Y+1 (the flag
//!   `--show-hidden-metrics-for-version=X.Y` brings it back) and removes it in X.Y+2.

use std::fmt;

/// Every series name starts with this prefix.
pub const PREFIX: &str = "vllm:";

/// The label holding the served model name, on every vLLM series.
pub const MODEL_NAME_LABEL: &str = "model_name";

/// The label holding the engine index (data-parallel engines export one series each), on every vLLM series.
pub const ENGINE_LABEL: &str = "engine";

/// The labels vLLM itself puts on every series; Prometheus adds its target labels (`instance`, `job`, …) on top.
pub const COMMON_LABELS: &[&str] = &[MODEL_NAME_LABEL, ENGINE_LABEL];

/// The histogram the default scaling query reads: end-to-end request latency, in seconds.
pub const E2E_REQUEST_LATENCY: &str = "vllm:e2e_request_latency_seconds";

/// Request phase latencies (end to end, queue, inference, prefill, decode), seconds.
///
/// The tail from 120 s on arrived in April 2025; servers released before that stop at `60.0`.
pub const REQUEST_LATENCY_BUCKETS: &[&str] = &[
    "0.3", "0.5", "0.8", "1.0", "1.5", "2.0", "2.5", "5.0", "10.0", "15.0", "20.0", "30.0", "40.0",
    "50.0", "60.0", "120.0", "240.0", "480.0", "960.0", "1920.0", "7680.0",
];

/// Time to first token, seconds.
pub const TIME_TO_FIRST_TOKEN_BUCKETS: &[&str] = &[
    "0.001", "0.005", "0.01", "0.02", "0.04", "0.06", "0.08", "0.1", "0.25", "0.5", "0.75", "1.0",
    "2.5", "5.0", "7.5", "10.0", "20.0", "40.0", "80.0", "160.0", "640.0", "2560.0",
];

/// Time between output tokens (inter-token latency and per-request time per output token), seconds.
pub const INTER_TOKEN_LATENCY_BUCKETS: &[&str] = &[
    "0.01", "0.025", "0.05", "0.075", "0.1", "0.15", "0.2", "0.3", "0.4", "0.5", "0.75", "1.0",
    "2.5", "5.0", "7.5", "10.0", "20.0", "40.0", "80.0",
];

/// Tokens processed per engine step.
pub const ITERATION_TOKENS_BUCKETS: &[&str] = &[
    "1.0", "8.0", "16.0", "32.0", "64.0", "128.0", "256.0", "512.0", "1024.0", "2048.0", "4096.0",
    "8192.0", "16384.0",
];

/// The `n` sampling parameter of finished requests.
pub const REQUEST_PARAMS_N_BUCKETS: &[&str] = &["1.0", "2.0", "5.0", "10.0", "20.0"];

/// Preemptions per finished request.
pub const REQUEST_NUM_PREEMPTIONS_BUCKETS: &[&str] =
    &["1.0", "2.0", "3.0", "4.0", "5.0", "10.0", "20.0"];

/// Lifetimes and reuse gaps of sampled KV-cache blocks, seconds.
pub const KV_CACHE_RESIDENCY_BUCKETS: &[&str] = &[
    "0.001", "0.002", "0.005", "0.01", "0.02", "0.05", "0.1", "0.2", "0.5", "1.0", "2.0", "5.0",
    "10.0", "20.0", "30.0", "60.0", "120.0", "300.0", "600.0", "1200.0", "1800.0",
];

/// A vLLM release, compared by major, minor and patch number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct VllmVersion {
    /// The major number (`0` for every release so far).
    pub major: u16,
    /// The minor number: vLLM's deprecation policy counts in minor releases.
    pub minor: u16,
    /// The patch number.
    pub patch: u16,
}

impl VllmVersion {
    /// The release `major.minor.patch`.
    #[must_use]
    pub const fn new(major: u16, minor: u16, patch: u16) -> Self {
        VllmVersion {
            major,
            minor,
            patch,
        }
    }

    /// Reads a release as people write it: `0.11`, `0.9.2`, `v0.10.1`, or an image tag such as `v0.9.1-cu128`.
    ///
    /// Pre-release and build suffixes after the numbers are ignored. `None` when there is no `major.minor`.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let text = text.strip_prefix(['v', 'V']).unwrap_or(text);
        let end = text
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(text.len());
        let mut parts = text[..end].split('.');
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next()?.parse().ok()?;
        let patch = match parts.next() {
            None | Some("") => 0,
            Some(p) => p.parse().ok()?,
        };
        Some(VllmVersion::new(major, minor, patch))
    }
}

impl fmt::Display for VllmVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.patch == 0 {
            write!(f, "{}.{}", self.major, self.minor)
        } else {
            write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
        }
    }
}

const fn v(minor: u16) -> VllmVersion {
    VllmVersion::new(0, minor, 0)
}

/// The Prometheus type of a metric, which decides its series names and how a query should read it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MetricKind {
    /// A value that goes up and down: read it directly.
    Gauge,
    /// A value that only grows (until the process restarts): read it through `rate()` or `increase()`.
    Counter,
    /// Observations counted into buckets: `_bucket{le}`, `_sum` and `_count`, all counters.
    Histogram,
}

impl MetricKind {
    /// The lowercase name Prometheus uses in `# TYPE` lines.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            MetricKind::Gauge => "gauge",
            MetricKind::Counter => "counter",
            MetricKind::Histogram => "histogram",
        }
    }
}

impl fmt::Display for MetricKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a metric stands in vLLM's deprecation cycle, as of the newest release the catalog describes.
///
/// Use [`MetricStatus::at`] for the status in an older release.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MetricStatus {
    /// Exposed by default, not deprecated.
    Current,
    /// Still exposed by default, but slated for removal.
    Deprecated {
        /// The release that deprecated it.
        since: VllmVersion,
        /// The metric family to use instead, if there is one.
        replacement: Option<&'static str>,
    },
    /// Exposed only when vLLM runs with `--show-hidden-metrics-for-version` set to the deprecating release.
    Hidden {
        /// The release that deprecated it.
        deprecated_since: VllmVersion,
        /// The first release that hides it.
        hidden_since: VllmVersion,
        /// The metric family to use instead, if there is one.
        replacement: Option<&'static str>,
    },
    /// No longer exposed at all: a query on it returns nothing.
    Removed {
        /// The release that deprecated it.
        deprecated_since: VllmVersion,
        /// The first release that hid it, where known.
        hidden_since: Option<VllmVersion>,
        /// The first release without it.
        removed_since: VllmVersion,
        /// The metric family to use instead, if there is one.
        replacement: Option<&'static str>,
    },
}

impl MetricStatus {
    /// The status in release `version`: a metric removed in 0.12 was merely hidden in 0.11 and deprecated in 0.10.
    #[must_use]
    pub fn at(self, version: VllmVersion) -> MetricStatus {
        match self {
            MetricStatus::Current => MetricStatus::Current,
            MetricStatus::Deprecated { since, .. } => {
                if version < since {
                    MetricStatus::Current
                } else {
                    self
                }
            }
            MetricStatus::Hidden {
                deprecated_since,
                hidden_since,
                replacement,
            } => {
                if version >= hidden_since {
                    self
                } else {
                    MetricStatus::Deprecated {
                        since: deprecated_since,
                        replacement,
                    }
                    .at(version)
                }
            }
            MetricStatus::Removed {
                deprecated_since,
                hidden_since,
                removed_since,
                replacement,
            } => {
                if version >= removed_since {
                    self
                } else if let Some(hidden_since) = hidden_since {
                    MetricStatus::Hidden {
                        deprecated_since,
                        hidden_since,
                        replacement,
                    }
                    .at(version)
                } else {
                    MetricStatus::Deprecated {
                        since: deprecated_since,
                        replacement,
                    }
                    .at(version)
                }
            }
        }
    }

    /// The metric family to use instead, for any status but [`MetricStatus::Current`].
    #[must_use]
    pub fn replacement(self) -> Option<&'static str> {
        match self {
            MetricStatus::Current => None,
            MetricStatus::Deprecated { replacement, .. }
            | MetricStatus::Hidden { replacement, .. }
            | MetricStatus::Removed { replacement, .. } => replacement,
        }
    }

    /// Whether a vLLM server started with default flags exports the metric.
    #[must_use]
    pub fn is_exposed_by_default(self) -> bool {
        matches!(
            self,
            MetricStatus::Current | MetricStatus::Deprecated { .. }
        )
    }
}

/// Which of a metric family's series a name refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SeriesPart {
    /// A gauge's own series (no suffix).
    Value,
    /// A counter's `_total` series.
    Total,
    /// A histogram's `_bucket` series, one per `le` bound.
    Bucket,
    /// A histogram's `_sum` series: the sum of all observations.
    Sum,
    /// A histogram's `_count` series: the number of observations.
    Count,
    /// The `_created` series of a counter or histogram: when it was created, as a Unix timestamp.
    Created,
}

impl SeriesPart {
    /// The suffix appended to the family name (`""` for a gauge's value).
    #[must_use]
    pub fn suffix(self) -> &'static str {
        match self {
            SeriesPart::Value => "",
            SeriesPart::Total => "_total",
            SeriesPart::Bucket => "_bucket",
            SeriesPart::Sum => "_sum",
            SeriesPart::Count => "_count",
            SeriesPart::Created => "_created",
        }
    }

    /// Whether the series only grows, so that reading it without `rate()` or `increase()` tells the lifetime total.
    #[must_use]
    pub fn is_cumulative(self) -> bool {
        matches!(
            self,
            SeriesPart::Total | SeriesPart::Bucket | SeriesPart::Sum | SeriesPart::Count
        )
    }

    fn of(kind: MetricKind) -> &'static [SeriesPart] {
        match kind {
            MetricKind::Gauge => &[SeriesPart::Value],
            MetricKind::Counter => &[SeriesPart::Total, SeriesPart::Created],
            MetricKind::Histogram => &[
                SeriesPart::Bucket,
                SeriesPart::Sum,
                SeriesPart::Count,
                SeriesPart::Created,
            ],
        }
    }
}

/// One metric family vLLM exposes (or exposed).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Metric {
    /// The family name as vLLM registers it: without `_total` for counters, without `_bucket` etc. for histograms.
    pub name: &'static str,
    /// Gauge, counter or histogram.
    pub kind: MetricKind,
    /// What it measures, in one line.
    pub help: &'static str,
    /// Where it stands in the deprecation cycle, as of the newest release the catalog describes.
    pub status: MetricStatus,
    /// The first release that exposes it, where that matters for a query (`None`: every V1 release has it).
    pub added: Option<VllmVersion>,
    /// For histograms, the default bucket bounds as printed in `le` (`+Inf` is implied). Empty for gauges and
    /// counters, and for the token-count histograms whose bounds depend on the model: see [`token_count_buckets`].
    pub buckets: &'static [&'static str],
}

impl Metric {
    /// The name of one of its series, or `None` when the family has no such series (`_bucket` of a gauge).
    #[must_use]
    pub fn series_name(&self, part: SeriesPart) -> Option<String> {
        SeriesPart::of(self.kind)
            .contains(&part)
            .then(|| format!("{}{}", self.name, part.suffix()))
    }

    /// Every series the family is exposed as, in a fixed order.
    #[must_use]
    pub fn series_names(&self) -> Vec<String> {
        SeriesPart::of(self.kind)
            .iter()
            .map(|part| format!("{}{}", self.name, part.suffix()))
            .collect()
    }

    /// Whether the bucket bounds depend on the deployment (the 1-2-5 token-count series up to `max_model_len`).
    #[must_use]
    pub fn has_model_dependent_buckets(&self) -> bool {
        self.kind == MetricKind::Histogram && self.buckets.is_empty()
    }

    /// Whether the value is a fraction in [0, 1] (the `_perc` gauges).
    #[must_use]
    pub fn is_fraction(&self) -> bool {
        self.kind == MetricKind::Gauge && self.name.ends_with("_perc")
    }
}

const fn gauge(name: &'static str, help: &'static str) -> Metric {
    Metric {
        name,
        kind: MetricKind::Gauge,
        help,
        status: MetricStatus::Current,
        added: None,
        buckets: &[],
    }
}

const fn counter(name: &'static str, help: &'static str) -> Metric {
    Metric {
        name,
        kind: MetricKind::Counter,
        help,
        status: MetricStatus::Current,
        added: None,
        buckets: &[],
    }
}

const fn histogram(
    name: &'static str,
    help: &'static str,
    buckets: &'static [&'static str],
) -> Metric {
    Metric {
        name,
        kind: MetricKind::Histogram,
        help,
        status: MetricStatus::Current,
        added: None,
        buckets,
    }
}

const fn added(mut metric: Metric, version: VllmVersion) -> Metric {
    metric.added = Some(version);
    metric
}

const fn with_status(mut metric: Metric, status: MetricStatus) -> Metric {
    metric.status = status;
    metric
}

/// The V0 engine's metrics that V1 never carried: deprecated in 0.8, hidden in 0.9, removed in 0.10.
const fn gone_with_v0(metric: Metric, replacement: Option<&'static str>) -> Metric {
    with_status(
        metric,
        MetricStatus::Removed {
            deprecated_since: v(8),
            hidden_since: Some(v(9)),
            removed_since: v(10),
            replacement,
        },
    )
}

/// The `gpu_`-prefixed names renamed in 0.9.2: hidden in 0.11, removed in 0.12.
const fn renamed_in_0_9(metric: Metric, replacement: &'static str) -> Metric {
    with_status(
        metric,
        MetricStatus::Removed {
            deprecated_since: VllmVersion::new(0, 9, 2),
            hidden_since: Some(v(11)),
            removed_since: v(12),
            replacement: Some(replacement),
        },
    )
}

/// The release that brought the `kv_cache_usage_perc` and `prefix_cache_*` names.
const RENAME_RELEASE: VllmVersion = VllmVersion::new(0, 9, 2);

/// Every metric family the catalog knows, current ones first, then deprecated and removed ones.
pub const METRICS: &[Metric] = &[
    // Scheduler state.
    gauge(
        "vllm:num_requests_running",
        "Requests in the running batch.",
    ),
    gauge(
        "vllm:num_requests_waiting",
        "Requests queued and waiting to be scheduled: the most direct overload signal.",
    ),
    added(
        gauge(
            "vllm:kv_cache_usage_perc",
            "Fraction of KV-cache blocks in use, 0 to 1 (1 means full).",
        ),
        RENAME_RELEASE,
    ),
    gauge(
        "vllm:cache_config_info",
        "Always 1; the cache configuration (block size, number of GPU blocks, …) is in its labels.",
    ),
    gauge(
        "vllm:lora_requests_info",
        "Running and waiting LoRA adapters, in its labels; exposed only when LoRA is enabled.",
    ),
    // Counters.
    counter("vllm:prompt_tokens", "Prompt (prefill) tokens processed."),
    counter("vllm:generation_tokens", "Tokens generated."),
    counter(
        "vllm:request_success",
        "Finished requests, labelled by `finished_reason` (stop, length, abort, …).",
    ),
    counter(
        "vllm:num_preemptions",
        "Requests preempted by the scheduler.",
    ),
    added(
        counter(
            "vllm:prefix_cache_queries",
            "Tokens looked up in the prefix cache.",
        ),
        RENAME_RELEASE,
    ),
    added(
        counter(
            "vllm:prefix_cache_hits",
            "Tokens found in the prefix cache; divide by the queries for the hit rate.",
        ),
        RENAME_RELEASE,
    ),
    counter(
        "vllm:spec_decode_num_draft_tokens",
        "Draft tokens proposed by speculative decoding.",
    ),
    counter(
        "vllm:spec_decode_num_accepted_tokens",
        "Draft tokens accepted; divide by the draft tokens for the acceptance rate.",
    ),
    // Request latencies.
    histogram(
        "vllm:e2e_request_latency_seconds",
        "End-to-end request latency, from arrival to the last token, in seconds.",
        REQUEST_LATENCY_BUCKETS,
    ),
    histogram(
        "vllm:request_queue_time_seconds",
        "Time requests spent waiting in the queue, in seconds.",
        REQUEST_LATENCY_BUCKETS,
    ),
    histogram(
        "vllm:request_inference_time_seconds",
        "Time requests spent running (prefill and decode), in seconds.",
        REQUEST_LATENCY_BUCKETS,
    ),
    histogram(
        "vllm:request_prefill_time_seconds",
        "Time requests spent in prefill, in seconds.",
        REQUEST_LATENCY_BUCKETS,
    ),
    histogram(
        "vllm:request_decode_time_seconds",
        "Time requests spent in decode, in seconds.",
        REQUEST_LATENCY_BUCKETS,
    ),
    histogram(
        "vllm:time_to_first_token_seconds",
        "Time to first token, in seconds.",
        TIME_TO_FIRST_TOKEN_BUCKETS,
    ),
    added(
        histogram(
            "vllm:inter_token_latency_seconds",
            "Time between successive engine outputs of a request, in seconds.",
            INTER_TOKEN_LATENCY_BUCKETS,
        ),
        v(11),
    ),
    histogram(
        "vllm:request_time_per_output_token_seconds",
        "Average time per output token of each finished request, in seconds.",
        INTER_TOKEN_LATENCY_BUCKETS,
    ),
    // Token counts and request parameters.
    histogram(
        "vllm:iteration_tokens_total",
        "Tokens processed per engine step (a histogram despite the `_total` in its name).",
        ITERATION_TOKENS_BUCKETS,
    ),
    histogram(
        "vllm:request_prompt_tokens",
        "Prompt length of finished requests, in tokens.",
        &[],
    ),
    histogram(
        "vllm:request_generation_tokens",
        "Generated length of finished requests, in tokens.",
        &[],
    ),
    histogram(
        "vllm:request_max_num_generation_tokens",
        "Longest generation among the sequences of each finished request, in tokens.",
        &[],
    ),
    histogram(
        "vllm:request_params_max_tokens",
        "The `max_tokens` parameter of finished requests.",
        &[],
    ),
    histogram(
        "vllm:request_params_n",
        "The `n` parameter of finished requests.",
        REQUEST_PARAMS_N_BUCKETS,
    ),
    histogram(
        "vllm:request_num_preemptions",
        "Times each finished request was preempted.",
        REQUEST_NUM_PREEMPTIONS_BUCKETS,
    ),
    // KV-cache residency (only with KV-cache metrics sampling enabled).
    histogram(
        "vllm:kv_block_lifetime_seconds",
        "Lifetime of sampled KV-cache blocks, from allocation to eviction, in seconds.",
        KV_CACHE_RESIDENCY_BUCKETS,
    ),
    histogram(
        "vllm:kv_block_idle_before_evict_seconds",
        "Idle time of sampled KV-cache blocks between their last use and eviction, in seconds.",
        KV_CACHE_RESIDENCY_BUCKETS,
    ),
    histogram(
        "vllm:kv_block_reuse_gap_seconds",
        "Time between reuses of sampled KV-cache blocks, in seconds.",
        KV_CACHE_RESIDENCY_BUCKETS,
    ),
    // Deprecated, hidden or removed.
    with_status(
        histogram(
            "vllm:time_per_output_token_seconds",
            "Time between successive engine outputs; renamed because one step can emit several tokens.",
            INTER_TOKEN_LATENCY_BUCKETS,
        ),
        MetricStatus::Removed {
            deprecated_since: v(11),
            hidden_since: Some(v(12)),
            removed_since: v(15),
            replacement: Some("vllm:inter_token_latency_seconds"),
        },
    ),
    renamed_in_0_9(
        gauge(
            "vllm:gpu_cache_usage_perc",
            "Fraction of KV-cache blocks in use, 0 to 1 (the old name).",
        ),
        "vllm:kv_cache_usage_perc",
    ),
    renamed_in_0_9(
        counter(
            "vllm:gpu_prefix_cache_queries",
            "Tokens looked up in the prefix cache (the old name).",
        ),
        "vllm:prefix_cache_queries",
    ),
    renamed_in_0_9(
        counter(
            "vllm:gpu_prefix_cache_hits",
            "Tokens found in the prefix cache (the old name).",
        ),
        "vllm:prefix_cache_hits",
    ),
    gone_with_v0(
        gauge(
            "vllm:num_requests_swapped",
            "Requests swapped out to CPU memory (V0 engine only).",
        ),
        None,
    ),
    gone_with_v0(
        gauge(
            "vllm:cpu_cache_usage_perc",
            "Fraction of CPU swap blocks in use (V0 engine only).",
        ),
        None,
    ),
    gone_with_v0(
        gauge(
            "vllm:gpu_prefix_cache_hit_rate",
            "Prefix-cache hit rate (V0 engine only); divide the hits counter by the queries counter instead.",
        ),
        Some("vllm:prefix_cache_hits"),
    ),
    gone_with_v0(
        gauge(
            "vllm:cpu_prefix_cache_hit_rate",
            "CPU prefix-cache hit rate (V0 engine only).",
        ),
        None,
    ),
    gone_with_v0(
        histogram(
            "vllm:time_in_queue_requests",
            "Time requests spent queued (V0 engine only), in seconds.",
            &[],
        ),
        Some("vllm:request_queue_time_seconds"),
    ),
    gone_with_v0(
        histogram(
            "vllm:model_forward_time_milliseconds",
            "Model forward time (V0 engine, detailed tracing only), in milliseconds.",
            &[],
        ),
        None,
    ),
    gone_with_v0(
        histogram(
            "vllm:model_execute_time_milliseconds",
            "Model execute time (V0 engine, detailed tracing only), in milliseconds.",
            &[],
        ),
        None,
    ),
];

/// Finds the metric family a series name belongs to, and which of its series it is.
///
/// `vllm:e2e_request_latency_seconds_bucket` → the end-to-end latency histogram, [`SeriesPart::Bucket`];
/// `vllm:prompt_tokens_total` → the prompt-token counter, [`SeriesPart::Total`]. The family name of a counter or
/// histogram on its own is not a series and gives `None` (use [`metric`] for family names).
#[must_use]
pub fn lookup(series: &str) -> Option<(&'static Metric, SeriesPart)> {
    METRICS.iter().find_map(|m| {
        let rest = series.strip_prefix(m.name)?;
        SeriesPart::of(m.kind)
            .iter()
            .find(|part| part.suffix() == rest)
            .map(|part| (m, *part))
    })
}

/// Finds a metric family by the name vLLM registers it under (`vllm:prompt_tokens`, not `…_total`).
#[must_use]
pub fn metric(name: &str) -> Option<&'static Metric> {
    METRICS.iter().find(|m| m.name == name)
}

/// Every series name in the catalog, in catalog order: the candidates for "did you mean" suggestions.
#[must_use]
pub fn all_series_names() -> Vec<String> {
    METRICS.iter().flat_map(Metric::series_names).collect()
}

/// The bucket bounds of the token-count histograms (`vllm:request_prompt_tokens` and kin) for a model whose
/// context is `max_model_len` tokens: 1, 2, 5, 10, 20, 50, … up to `max_model_len`, spelled as in `le`.
#[must_use]
pub fn token_count_buckets(max_model_len: u64) -> Vec<String> {
    let mut bounds = Vec::new();
    let mut scale: u64 = 1;
    loop {
        for mantissa in [1, 2, 5] {
            match scale.checked_mul(mantissa) {
                Some(value) if value <= max_model_len => bounds.push(format_bound(value)),
                _ => return bounds,
            }
        }
        match scale.checked_mul(10) {
            Some(next) => scale = next,
            None => return bounds,
        }
    }
}

/// Whether `value` is in the 1-2-5 series (1, 2, 5, 10, 20, 50, …) that token-count bounds are drawn from.
#[must_use]
pub fn is_one_two_five(value: f64) -> bool {
    if !(value.is_finite() && value >= 1.0) || value.fract() != 0.0 {
        return false;
    }
    let mut scale = 1.0_f64;
    while scale <= value {
        if [1.0, 2.0, 5.0].iter().any(|m| m * scale == value) {
            return true;
        }
        scale *= 10.0;
    }
    false
}

/// A whole-number bucket bound as it appears in `le`: Python's `prometheus_client` prints `100.0`, and from seven
/// digits on switches to Go-style exponents (`1e+06`, `2.5e+07`).
#[must_use]
pub fn format_bound(value: u64) -> String {
    let digits = value.to_string();
    if digits.len() <= 6 {
        return format!("{digits}.0");
    }
    let (first, rest) = digits.split_at(1);
    let rest = rest.trim_end_matches('0');
    let mantissa = if rest.is_empty() {
        first.to_string()
    } else {
        format!("{first}.{rest}")
    };
    let exponent = digits.len() - 1;
    if digits.len() <= 16 {
        // The exporter pads with a literal zero rather than to two digits.
        format!("{mantissa}e+0{exponent}")
    } else {
        format!("{mantissa}e+{exponent}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_finds_series_of_every_kind() {
        let (m, part) = lookup("vllm:e2e_request_latency_seconds_bucket").expect("bucket series");
        assert_eq!(m.name, E2E_REQUEST_LATENCY);
        assert_eq!(m.kind, MetricKind::Histogram);
        assert_eq!(part, SeriesPart::Bucket);
        assert_eq!(m.buckets, REQUEST_LATENCY_BUCKETS);

        let (m, part) = lookup("vllm:prompt_tokens_total").expect("counter series");
        assert_eq!((m.name, part), ("vllm:prompt_tokens", SeriesPart::Total));

        let (m, part) = lookup("vllm:num_requests_waiting").expect("gauge series");
        assert_eq!((m.kind, part), (MetricKind::Gauge, SeriesPart::Value));

        let (m, part) =
            lookup("vllm:iteration_tokens_total_bucket").expect("histogram named _total");
        assert_eq!((m.kind, part), (MetricKind::Histogram, SeriesPart::Bucket));

        assert_eq!(
            lookup("vllm:e2e_request_latency_seconds_count").map(|(_, p)| p),
            Some(SeriesPart::Count)
        );
        assert_eq!(
            lookup("vllm:prompt_tokens_created").map(|(_, p)| p),
            Some(SeriesPart::Created)
        );
    }

    #[test]
    fn lookup_rejects_family_names_and_strangers() {
        assert!(lookup("vllm:prompt_tokens").is_none());
        assert!(lookup("vllm:e2e_request_latency_seconds").is_none());
        assert!(lookup("vllm:num_requests_waiting_total").is_none());
        assert!(lookup("vllm:iteration_tokens").is_none());
        assert!(lookup("vllm_num_requests_waiting").is_none());
        assert!(lookup("").is_none());
        assert!(metric("vllm:prompt_tokens").is_some());
    }

    #[test]
    fn names_are_unique_prefixed_and_series_do_not_collide() {
        let mut families = std::collections::BTreeSet::new();
        let mut series = std::collections::BTreeSet::new();
        for m in METRICS {
            assert!(m.name.starts_with(PREFIX), "{}", m.name);
            assert!(families.insert(m.name), "duplicate family {}", m.name);
            for s in m.series_names() {
                assert!(series.insert(s.clone()), "two families expose {s}");
                let (found, _) = lookup(&s).expect("every series resolves");
                assert_eq!(found.name, m.name);
            }
            if m.kind != MetricKind::Histogram {
                assert!(m.buckets.is_empty(), "{} has buckets", m.name);
            }
            assert!(!m.help.is_empty());
        }
        assert_eq!(all_series_names().len(), series.len());
    }

    #[test]
    fn replacements_exist_and_are_current() {
        for m in METRICS {
            if let Some(r) = m.status.replacement() {
                let target = metric(r).unwrap_or_else(|| panic!("{} → {r} missing", m.name));
                assert_eq!(target.status, MetricStatus::Current, "{r}");
            }
        }
    }

    #[test]
    fn buckets_are_sorted_unique_and_spelled_as_python_floats() {
        for m in METRICS.iter().filter(|m| !m.buckets.is_empty()) {
            let values: Vec<f64> = m
                .buckets
                .iter()
                .map(|b| b.parse::<f64>().expect("numeric bound"))
                .collect();
            assert!(
                values.windows(2).all(|w| w[0] < w[1]),
                "{} unsorted",
                m.name
            );
            for b in m.buckets {
                assert!(b.contains('.'), "{}: `{b}` lacks the decimal point", m.name);
                assert!(!b.ends_with('.'), "{}: `{b}`", m.name);
            }
        }
        assert_eq!(REQUEST_LATENCY_BUCKETS.len(), 21);
        assert!(REQUEST_LATENCY_BUCKETS.contains(&"5.0"));
        assert_eq!(REQUEST_LATENCY_BUCKETS.last(), Some(&"7680.0"));
    }

    #[test]
    fn statuses_follow_the_release_history() {
        let gpu = metric("vllm:gpu_cache_usage_perc").expect("old cache gauge");
        assert_eq!(gpu.status.replacement(), Some("vllm:kv_cache_usage_perc"));
        assert_eq!(
            gpu.status.at(VllmVersion::new(0, 9, 1)),
            MetricStatus::Current
        );
        assert!(matches!(
            gpu.status.at(v(10)),
            MetricStatus::Deprecated { .. }
        ));
        assert!(matches!(gpu.status.at(v(11)), MetricStatus::Hidden { .. }));
        assert!(matches!(gpu.status.at(v(12)), MetricStatus::Removed { .. }));
        assert!(!gpu.status.is_exposed_by_default());
        assert!(gpu.status.at(v(10)).is_exposed_by_default());

        let tpot = metric("vllm:time_per_output_token_seconds").expect("old ITL histogram");
        assert_eq!(
            tpot.status.replacement(),
            Some("vllm:inter_token_latency_seconds")
        );
        assert_eq!(tpot.status.at(v(10)), MetricStatus::Current);
        assert!(matches!(
            tpot.status.at(v(11)),
            MetricStatus::Deprecated { .. }
        ));
        assert!(matches!(tpot.status.at(v(12)), MetricStatus::Hidden { .. }));
    }

    #[test]
    fn versions_parse_from_tags() {
        assert_eq!(VllmVersion::parse("0.11"), Some(v(11)));
        assert_eq!(
            VllmVersion::parse("v0.9.2"),
            Some(VllmVersion::new(0, 9, 2))
        );
        assert_eq!(
            VllmVersion::parse("v0.10.1-cu128"),
            Some(VllmVersion::new(0, 10, 1))
        );
        assert_eq!(VllmVersion::parse("latest"), None);
        assert_eq!(VllmVersion::parse("1"), None);
        assert_eq!(VllmVersion::parse(""), None);
        assert_eq!(VllmVersion::new(0, 9, 2).to_string(), "0.9.2");
        assert_eq!(v(11).to_string(), "0.11");
        assert!(VllmVersion::new(0, 9, 2) < v(10));
    }

    #[test]
    fn token_count_buckets_follow_one_two_five() {
        assert_eq!(
            token_count_buckets(100),
            ["1.0", "2.0", "5.0", "10.0", "20.0", "50.0", "100.0"]
        );
        assert_eq!(token_count_buckets(0), Vec::<String>::new());
        let long = token_count_buckets(10_000_000);
        assert_eq!(long.last().map(String::as_str), Some("1e+07"));
        assert!(long.contains(&"500000.0".to_string()));
        assert!(long.contains(&"2e+06".to_string()));
        assert!(!token_count_buckets(u64::MAX).is_empty());
        assert_eq!(format_bound(25_000_000), "2.5e+07");
        assert_eq!(format_bound(10_000_000_000), "1e+010");
        assert!(is_one_two_five(1.0) && is_one_two_five(50.0) && is_one_two_five(2e6));
        assert!(!is_one_two_five(3.0) && !is_one_two_five(0.5) && !is_one_two_five(f64::NAN));
    }
}
