//! Pod and node autoscaling: the recipe's parameters, upstream's defaults, and what they resolve to.
//!
//! Upstream documents the parameters but not all of their meaning; our reading (each point is surfaced as a
//! diagnostic where it matters):
//! - the advanced parameters belong in `recipe_pod_autoscaling_params`; upstream's own document also puts them in
//!   `recipe_node_autoscaling_params`, so there they are accepted and moved, with a warning;
//! - `polling_interval` is KEDA's `pollingInterval`; the stabilization windows are the HPA's
//!   `stabilizationWindowSeconds`; the periods are HPA policies of one pod per period;
//! - `scaling_cooldown` is KEDA's `cooldownPeriod`, which only governs scaling to zero;
//! - the default query is a ratio in [0, 1], so it is read with KEDA's `Value` metric type: with `AverageValue`
//!   the HPA would compute `ceil(value / threshold)` and never exceed `ceil(1 / threshold)` replicas.

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Code, Diagnostic, Pointer, ShortNumber};
use crate::promql;
use crate::recipe::convert::Sink;
use crate::recipe::{NodeAutoscalingParams, PodAutoscalingParams, Recipe, RecipeMode, Timespan};

/// Upstream's defaults for the advanced parameters (its autoscaling document's "Example" column).
pub mod defaults {
    /// `collect_metrics_timespan`, in seconds (`5m`).
    pub const COLLECT_METRICS_TIMESPAN_SECONDS: u64 = 300;
    /// `scaling_threshold`: scale when half of the requests take longer than 5 s.
    pub const SCALING_THRESHOLD: f64 = 0.5;
    /// `scaling_cooldown`, seconds.
    pub const SCALING_COOLDOWN: u32 = 60;
    /// `polling_interval`, seconds.
    pub const POLLING_INTERVAL: u32 = 15;
    /// `stabilization_window_down`, seconds.
    pub const STABILIZATION_WINDOW_DOWN: u32 = 180;
    /// `scaling_period_down`, seconds.
    pub const SCALING_PERIOD_DOWN: u32 = 90;
    /// `stabilization_window_up`, seconds.
    pub const STABILIZATION_WINDOW_UP: u32 = 120;
    /// `scaling_period_up`, seconds.
    pub const SCALING_PERIOD_UP: u32 = 60;
    /// `min_replicas` when only `max_replicas` is given.
    pub const MIN_REPLICAS: u32 = 1;
    /// The Prometheus server upstream installs (chart `prometheus`, namespace `cluster-tools`).
    pub const SERVER_ADDRESS: &str = "http://prometheus-server.cluster-tools.svc.cluster.local";
}

/// Where a resolved value came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    /// Written in `recipe_pod_autoscaling_params`.
    Recipe,
    /// Written in `recipe_node_autoscaling_params` and moved.
    NodeParams,
    /// Upstream's default.
    Default,
}

/// A value with its source, so that previews can say "0.5 (default)".
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(inline))]
pub struct Resolved<T> {
    /// The value in effect.
    pub value: T,
    /// Where it came from.
    pub source: Source,
}

/// KEDA's metric target type, which decides how the HPA turns the query's value into replicas.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum MetricType {
    /// `desired = ceil(ready × value / threshold)`: for values that describe the whole deployment's state.
    Value,
    /// `desired = ceil(value / threshold)`: for totals that pods share (KEDA's default).
    AverageValue,
}

impl MetricType {
    /// KEDA's spelling.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            MetricType::Value => "Value",
            MetricType::AverageValue => "AverageValue",
        }
    }
}

/// Which query drives scaling.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", content = "query", rename_all = "kebab-case")]
pub enum QuerySource {
    /// The fraction of requests slower than the latency bound (built at render time, for the namespace and
    /// scrape mode in use).
    DefaultLatency,
    /// The recipe's own query.
    Custom(String),
}

/// The pod autoscaling of a recipe, every parameter resolved.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PodAutoscaling {
    /// The fewest replicas (KEDA `minReplicaCount`).
    pub min_replicas: Resolved<u32>,
    /// The most replicas (KEDA `maxReplicaCount`).
    pub max_replicas: u32,
    /// The PromQL range of the default query, in seconds.
    pub window_seconds: Resolved<u64>,
    /// The threshold (KEDA trigger `threshold`).
    pub threshold: Resolved<f64>,
    /// KEDA `cooldownPeriod`.
    pub cooldown_seconds: Resolved<u32>,
    /// KEDA `pollingInterval`.
    pub polling_interval_seconds: Resolved<u32>,
    /// HPA `scaleDown.stabilizationWindowSeconds`.
    pub stabilization_window_down_seconds: Resolved<u32>,
    /// HPA `scaleDown` policy period (one pod per period).
    pub scaling_period_down_seconds: Resolved<u32>,
    /// HPA `scaleUp.stabilizationWindowSeconds`.
    pub stabilization_window_up_seconds: Resolved<u32>,
    /// HPA `scaleUp` policy period (one pod per period).
    pub scaling_period_up_seconds: Resolved<u32>,
    /// The query.
    pub query: QuerySource,
    /// How the HPA reads the query.
    pub metric_type: MetricType,
    /// The Prometheus server's URL, when the recipe names one (else the render options decide).
    pub server_address: Option<String>,
}

/// The node autoscaling of a recipe.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct NodeAutoscaling {
    /// The fewest nodes.
    pub min_nodes: u32,
    /// The most nodes.
    pub max_nodes: u32,
}

/// Moves advanced parameters written under the node parameters into the pod parameters, reporting each move and
/// each conflict. Returns the pod parameters in effect.
fn merge_misplaced(
    pod: Option<&PodAutoscalingParams>,
    node: Option<&NodeAutoscalingParams>,
    sink: &mut Sink,
) -> Option<PodAutoscalingParams> {
    let node_at = Pointer::root().key("recipe_node_autoscaling_params");
    let pod_at = Pointer::root().key("recipe_pod_autoscaling_params");
    let Some(node) = node else {
        return pod.cloned();
    };
    let mut merged = pod.cloned();
    macro_rules! each {
        ($($field:ident),*) => {$(
            if let Some(value) = &node.$field {
                let key = stringify!($field);
                match merged.as_mut() {
                    None => sink.note(
                        Diagnostic::warning(
                            node_at.key(key),
                            Code::MisplacedAutoscalingParam,
                            format!("`{key}` is a pod autoscaling parameter, and this recipe has no `recipe_pod_autoscaling_params`: it has no effect"),
                        )
                        .with_hint("add `recipe_pod_autoscaling_params` with `min_replicas` and `max_replicas`, and move it there"),
                    ),
                    Some(pod) => match &pod.$field {
                        Some(existing) if existing != value => sink.note(
                            Diagnostic::error(
                                node_at.key(key),
                                Code::ConflictingAutoscalingParam,
                                format!("`{key}` is set to different values here and in `recipe_pod_autoscaling_params`"),
                            )
                            .with_hint(format!("keep only {}", pod_at.key(key))),
                        ),
                        Some(_) => sink.note(
                            Diagnostic::warning(
                                node_at.key(key),
                                Code::MisplacedAutoscalingParam,
                                format!("`{key}` belongs in `recipe_pod_autoscaling_params`, where it is already set to the same value"),
                            )
                            .with_hint("remove it here"),
                        ),
                        None => {
                            sink.note(
                                Diagnostic::warning(
                                    node_at.key(key),
                                    Code::MisplacedAutoscalingParam,
                                    format!("`{key}` is a pod autoscaling parameter; it is used as if written in `recipe_pod_autoscaling_params`"),
                                )
                                .with_hint(format!("move it to {}", pod_at.key(key))),
                            );
                            pod.$field = Some(value.clone());
                        }
                    },
                }
            }
        )*};
    }
    each!(
        collect_metrics_timespan,
        scaling_threshold,
        scaling_cooldown,
        polling_interval,
        stabilization_window_down,
        scaling_period_down,
        stabilization_window_up,
        scaling_period_up,
        query
    );
    merged
}

/// A parameter of `recipe_pod_autoscaling_params`, by name rather than by string, so that asking where one was
/// written cannot silently miss a misspelled key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Param {
    MinReplicas,
    CollectMetricsTimespan,
    ScalingThreshold,
    ScalingCooldown,
    PollingInterval,
    StabilizationWindowDown,
    ScalingPeriodDown,
    StabilizationWindowUp,
    ScalingPeriodUp,
    Query,
}

impl Param {
    /// The recipe's key.
    fn key(self) -> &'static str {
        match self {
            Param::MinReplicas => "min_replicas",
            Param::CollectMetricsTimespan => "collect_metrics_timespan",
            Param::ScalingThreshold => "scaling_threshold",
            Param::ScalingCooldown => "scaling_cooldown",
            Param::PollingInterval => "polling_interval",
            Param::StabilizationWindowDown => "stabilization_window_down",
            Param::ScalingPeriodDown => "scaling_period_down",
            Param::StabilizationWindowUp => "stabilization_window_up",
            Param::ScalingPeriodUp => "scaling_period_up",
            Param::Query => "query",
        }
    }

    /// Whether the pod parameters write it.
    fn in_pod(self, p: &PodAutoscalingParams) -> bool {
        match self {
            Param::MinReplicas => p.min_replicas.is_some(),
            Param::CollectMetricsTimespan => p.collect_metrics_timespan.is_some(),
            Param::ScalingThreshold => p.scaling_threshold.is_some(),
            Param::ScalingCooldown => p.scaling_cooldown.is_some(),
            Param::PollingInterval => p.polling_interval.is_some(),
            Param::StabilizationWindowDown => p.stabilization_window_down.is_some(),
            Param::ScalingPeriodDown => p.scaling_period_down.is_some(),
            Param::StabilizationWindowUp => p.stabilization_window_up.is_some(),
            Param::ScalingPeriodUp => p.scaling_period_up.is_some(),
            Param::Query => p.query.is_some(),
        }
    }

    /// Whether the node parameters write it (where upstream's own document puts the advanced ones).
    fn in_node(self, n: &NodeAutoscalingParams) -> bool {
        match self {
            Param::MinReplicas => false,
            Param::CollectMetricsTimespan => n.collect_metrics_timespan.is_some(),
            Param::ScalingThreshold => n.scaling_threshold.is_some(),
            Param::ScalingCooldown => n.scaling_cooldown.is_some(),
            Param::PollingInterval => n.polling_interval.is_some(),
            Param::StabilizationWindowDown => n.stabilization_window_down.is_some(),
            Param::ScalingPeriodDown => n.scaling_period_down.is_some(),
            Param::StabilizationWindowUp => n.stabilization_window_up.is_some(),
            Param::ScalingPeriodUp => n.scaling_period_up.is_some(),
            Param::Query => n.query.is_some(),
        }
    }
}

/// Where the recipe wrote each parameter: in the pod parameters, or (moved) in the node parameters.
struct Written<'a> {
    pod: Option<&'a PodAutoscalingParams>,
    node: Option<&'a NodeAutoscalingParams>,
}

impl Written<'_> {
    /// Where the value in effect came from.
    fn source(&self, param: Param) -> Source {
        if self.pod.is_some_and(|p| param.in_pod(p)) {
            Source::Recipe
        } else if self.node.is_some_and(|n| param.in_node(n)) {
            Source::NodeParams
        } else {
            Source::Default
        }
    }

    /// Where a diagnostic about the parameter points: where it was written, else where it belongs.
    fn at(&self, param: Param) -> Pointer {
        let params = if self.source(param) == Source::NodeParams {
            "recipe_node_autoscaling_params"
        } else {
            "recipe_pod_autoscaling_params"
        };
        Pointer::root().key(params).key(param.key())
    }

    /// A value with its source, `default` when not written.
    fn resolve<T>(&self, param: Param, value: Option<T>, default: T) -> Resolved<T> {
        match value {
            Some(value) => Resolved {
                value,
                source: self.source(param),
            },
            None => Resolved {
                value: default,
                source: Source::Default,
            },
        }
    }
}

/// Resolves the recipe's pod and node autoscaling and checks every rule about them.
///
/// `scrape_interval_seconds` is how often Prometheus scrapes vLLM: a query window shorter than two scrapes holds
/// too few samples for `rate()`.
pub fn resolve(
    recipe: &Recipe,
    scrape_interval_seconds: u32,
    sink: &mut Sink,
) -> (Option<PodAutoscaling>, Option<NodeAutoscaling>) {
    let written = Written {
        pod: recipe.recipe_pod_autoscaling_params.as_ref(),
        node: recipe.recipe_node_autoscaling_params.as_ref(),
    };
    if matches!(recipe.recipe_mode, Some(mode) if mode != RecipeMode::Service) {
        not_applicable(&written, sink);
        return (None, None);
    }
    let merged = merge_misplaced(written.pod, written.node, sink);
    let node = resolve_node(
        recipe,
        written.node,
        &Pointer::root().key("recipe_node_autoscaling_params"),
        sink,
    );
    let Some(params) = merged else {
        return (None, node);
    };
    let (min_replicas, max_replicas) = replica_bounds(recipe, &params, &written, sink);
    let (query, metric_type, threshold) = query_and_threshold(
        recipe,
        &params,
        &written,
        max_replicas,
        scrape_interval_seconds,
        sink,
    );
    let window_seconds = window(&params, &written, scrape_interval_seconds, sink);
    let timing = timing(&params, &written, min_replicas.value, sink);
    server_address(&params, sink);
    if min_replicas.value == 0 && query == QuerySource::DefaultLatency {
        sink.note(
            Diagnostic::warning(
                Pointer::root().key("recipe_pod_autoscaling_params").key("min_replicas"),
                Code::ReplicaBounds,
                "with `min_replicas` 0 and the default latency query, no pod serves requests at zero replicas, so the latency query stays empty and KEDA never scales back up",
            )
            .with_hint("use `min_replicas` 1, or a query over traffic that exists at zero replicas (e.g. the ingress' request rate)"),
        );
    }
    let pod = PodAutoscaling {
        min_replicas,
        max_replicas,
        window_seconds,
        threshold,
        cooldown_seconds: timing.cooldown,
        polling_interval_seconds: timing.polling,
        stabilization_window_down_seconds: timing.stabilization_down,
        scaling_period_down_seconds: timing.period_down,
        stabilization_window_up_seconds: timing.stabilization_up,
        scaling_period_up_seconds: timing.period_up,
        query,
        metric_type,
        server_address: params.server_address.clone(),
    };
    (Some(pod), node)
}

/// Autoscaling on a recipe that is not a service: ignored, with a warning per parameters object.
fn not_applicable(written: &Written<'_>, sink: &mut Sink) {
    for (present, key) in [
        (written.pod.is_some(), "recipe_pod_autoscaling_params"),
        (written.node.is_some(), "recipe_node_autoscaling_params"),
    ] {
        if present {
            sink.note(Diagnostic::warning(
                Pointer::root().key(key),
                Code::AutoscalingNotApplicable,
                "autoscaling applies to `service` recipes only; it is ignored here",
            ));
        }
    }
}

/// `min_replicas` and `max_replicas`, and the replica count beside them.
fn replica_bounds(
    recipe: &Recipe,
    params: &PodAutoscalingParams,
    written: &Written<'_>,
    sink: &mut Sink,
) -> (Resolved<u32>, u32) {
    let pod_at = Pointer::root().key("recipe_pod_autoscaling_params");
    let max_replicas = match params.max_replicas {
        Some(0) => {
            sink.note(Diagnostic::error(
                pod_at.key("max_replicas"),
                Code::ReplicaBounds,
                "`max_replicas` is 0; KEDA needs at least 1",
            ));
            1
        }
        Some(n) => n,
        None => {
            if !sink.was_invalid(&pod_at.key("max_replicas")) {
                sink.note(
                    Diagnostic::error(
                        pod_at.key("max_replicas"),
                        Code::MissingField,
                        "pod autoscaling needs `max_replicas`",
                    )
                    .with_hint("without it KEDA would allow up to 100 GPU pods"),
                );
            }
            1
        }
    };
    let min_replicas = written.resolve(
        Param::MinReplicas,
        params.min_replicas,
        defaults::MIN_REPLICAS,
    );
    if params.min_replicas.is_none() && !sink.was_invalid(&pod_at.key("min_replicas")) {
        sink.note(Diagnostic::note(
            pod_at.key("min_replicas"),
            Code::MissingField,
            format!(
                "`min_replicas` is not set; {} is used",
                defaults::MIN_REPLICAS
            ),
        ));
    }
    if min_replicas.value > max_replicas {
        sink.note(
            Diagnostic::error(
                pod_at.key("min_replicas"),
                Code::ReplicaBounds,
                format!(
                    "`min_replicas` {} is above `max_replicas` {max_replicas}",
                    min_replicas.value
                ),
            )
            .with_hint("KEDA rejects a ScaledObject whose minimum exceeds its maximum"),
        );
    }
    if let Some(count) = recipe.recipe_replica_count
        && (count < min_replicas.value || count > max_replicas)
    {
        sink.note(Diagnostic::warning(
            Pointer::root().key("recipe_replica_count"),
            Code::ReplicaBounds,
            format!(
                "`recipe_replica_count` {count} is outside {}–{max_replicas}; with autoscaling the deployment starts at `min_replicas` ({})",
                min_replicas.value, min_replicas.value
            ),
        ));
    }
    (min_replicas, max_replicas)
}

/// The query (the recipe's, or the default latency ratio), how KEDA reads it, and the threshold, with the checks
/// of a custom query.
#[cfg_attr(not(feature = "promql-check"), allow(unused_variables))]
fn query_and_threshold(
    recipe: &Recipe,
    params: &PodAutoscalingParams,
    written: &Written<'_>,
    max_replicas: u32,
    scrape_interval_seconds: u32,
    sink: &mut Sink,
) -> (QuerySource, MetricType, Resolved<f64>) {
    let pod_at = Pointer::root().key("recipe_pod_autoscaling_params");
    let query = match params.query.as_deref() {
        Some(q) if !q.trim().is_empty() => QuerySource::Custom(q.to_owned()),
        Some(_) => {
            sink.note(Diagnostic::error(
                written.at(Param::Query),
                Code::Query,
                "the query is empty",
            ));
            QuerySource::DefaultLatency
        }
        None => QuerySource::DefaultLatency,
    };
    let metric_type = match &query {
        QuerySource::DefaultLatency => MetricType::Value,
        QuerySource::Custom(_) => MetricType::AverageValue,
    };
    let threshold = written.resolve(
        Param::ScalingThreshold,
        params.scaling_threshold,
        defaults::SCALING_THRESHOLD,
    );
    check_threshold(
        &threshold,
        &query,
        max_replicas,
        &written.at(Param::ScalingThreshold),
        sink,
    );
    if let QuerySource::Custom(q) = &query {
        #[cfg(feature = "promql-check")]
        sink.diagnostics.extend(promql::check_query(
            q,
            &written.at(Param::Query),
            &promql::QueryContext {
                scrape_interval_seconds,
                // Metric renames are judged at the vLLM release the image runs, when its tag says.
                vllm_version: vllm_version(recipe),
                deployment: recipe
                    .deployment_name
                    .as_deref()
                    .and_then(|name| crate::CanonicalName::new(name).ok())
                    .map(|name| name.to_string()),
                ..promql::QueryContext::default()
            },
        ));
        if let Some(bound) = query_upper_bound(q)
            && metric_type == MetricType::AverageValue
        {
            let cap = ratio_cap(bound, threshold.value);
            if cap < u64::from(max_replicas) {
                sink.note(
                    Diagnostic::warning(
                        written.at(Param::Query),
                        Code::Query,
                        format!(
                            "this query never exceeds {bound}; read as KEDA's AverageValue, the HPA computes ceil(value / {}) and can never run more than {cap} replicas, below `max_replicas` {max_replicas}",
                            threshold.value
                        ),
                    )
                    .with_hint("scale on a total (a sum over pods), or lower the threshold"),
                );
            }
        }
        if params.scaling_metric.is_some() {
            sink.note(Diagnostic::note(
                pod_at.key("scaling_metric"),
                Code::IgnoredField,
                "`scaling_metric` has no effect when `query` is given",
            ));
        }
    } else if let Some(metric) = &params.scaling_metric
        && metric.trim_start_matches("vllm:") != "e2e_request_latency_seconds_bucket"
    {
        sink.note(
            Diagnostic::warning(
                pod_at.key("scaling_metric"),
                Code::IgnoredField,
                format!("`scaling_metric` `{metric}` does not change the default query, which reads `vllm:e2e_request_latency_seconds_bucket`"),
            )
            .with_hint("write a `query` over that metric to scale on it"),
        );
    }
    (query, metric_type, threshold)
}

/// `collect_metrics_timespan`: the default query's range, which must hold a few scrapes.
fn window(
    params: &PodAutoscalingParams,
    written: &Written<'_>,
    scrape_interval_seconds: u32,
    sink: &mut Sink,
) -> Resolved<u64> {
    let Some(timespan) = &params.collect_metrics_timespan else {
        return Resolved {
            value: defaults::COLLECT_METRICS_TIMESPAN_SECONDS,
            source: Source::Default,
        };
    };
    let at = written.at(Param::CollectMetricsTimespan);
    let seconds = match timespan {
        Timespan::Seconds(s) => Some(*s),
        Timespan::Text(text) => {
            let parsed = promql::parse_duration_seconds(text.trim());
            if parsed.is_none() {
                let mut d = Diagnostic::error(
                    &at,
                    Code::InvalidDuration,
                    format!("`{text}` is not a Prometheus duration"),
                )
                .with_hint("write a duration such as \"2m\", \"90s\" or \"1h30m\"");
                if let Ok(n) = text.trim().parse::<u64>() {
                    d = d.with_hint(format!("write \"{n}s\" for {n} seconds"));
                }
                sink.note(d);
            }
            parsed
        }
    };
    if let Some(s) = seconds {
        if s == 0 {
            sink.note(Diagnostic::error(
                &at,
                Code::InvalidDuration,
                "the query window must be longer than zero",
            ));
        } else if s < 2 * u64::from(scrape_interval_seconds) {
            sink.note(Diagnostic::warning(
                &at,
                Code::InvalidDuration,
                format!(
                    "a {s} s window holds fewer than two scrapes at Prometheus' {scrape_interval_seconds} s interval, so rate() returns nothing"
                ),
            ).with_hint(format!("use at least {}", promql::format_duration(4 * u64::from(scrape_interval_seconds)))));
        }
    }
    Resolved {
        value: seconds.unwrap_or(defaults::COLLECT_METRICS_TIMESPAN_SECONDS),
        source: written.source(Param::CollectMetricsTimespan),
    }
}

/// KEDA's polling and cooldown, and the HPA's stabilization windows and policy periods.
struct Timing {
    polling: Resolved<u32>,
    cooldown: Resolved<u32>,
    stabilization_down: Resolved<u32>,
    stabilization_up: Resolved<u32>,
    period_down: Resolved<u32>,
    period_up: Resolved<u32>,
}

fn timing(
    params: &PodAutoscalingParams,
    written: &Written<'_>,
    min_replicas: u32,
    sink: &mut Sink,
) -> Timing {
    let polling = written.resolve(
        Param::PollingInterval,
        params.polling_interval,
        defaults::POLLING_INTERVAL,
    );
    if polling.value == 0 {
        sink.note(Diagnostic::error(
            written.at(Param::PollingInterval),
            Code::InvalidValue,
            "`polling_interval` must be at least 1 second (KEDA's minimum)",
        ));
    }
    let cooldown = written.resolve(
        Param::ScalingCooldown,
        params.scaling_cooldown,
        defaults::SCALING_COOLDOWN,
    );
    if params.scaling_cooldown.is_some() && min_replicas >= 1 {
        sink.note(
            Diagnostic::note(
                written.at(Param::ScalingCooldown),
                Code::CooldownNoEffect,
                "`scaling_cooldown` becomes KEDA's cooldownPeriod, which only delays scaling to zero; with `min_replicas` ≥ 1 it has no effect",
            )
            .with_hint("`stabilization_window_down` and `scaling_period_down` govern how fast pods are removed"),
        );
    }
    let mut stabilization = |param: Param, value: Option<u32>, default: u32| {
        let r = written.resolve(param, value, default);
        if r.value > 3600 {
            sink.note(Diagnostic::error(
                written.at(param),
                Code::InvalidValue,
                format!(
                    "`{}` is {} s; the HPA allows at most 3600",
                    param.key(),
                    r.value
                ),
            ));
        }
        r
    };
    let stabilization_down = stabilization(
        Param::StabilizationWindowDown,
        params.stabilization_window_down,
        defaults::STABILIZATION_WINDOW_DOWN,
    );
    let stabilization_up = stabilization(
        Param::StabilizationWindowUp,
        params.stabilization_window_up,
        defaults::STABILIZATION_WINDOW_UP,
    );
    check_polling(
        &polling,
        min_replicas,
        [
            ("stabilization_window_up", &stabilization_up),
            ("stabilization_window_down", &stabilization_down),
        ],
        &written.at(Param::PollingInterval),
        sink,
    );
    let mut period = |param: Param, value: Option<u32>, default: u32| {
        let r = written.resolve(param, value, default);
        if r.value == 0 || r.value > 1800 {
            sink.note(Diagnostic::error(
                written.at(param),
                Code::InvalidValue,
                format!(
                    "`{}` is {} s; an HPA policy period must be 1–1800 s",
                    param.key(),
                    r.value
                ),
            ));
        }
        r
    };
    let period_down = period(
        Param::ScalingPeriodDown,
        params.scaling_period_down,
        defaults::SCALING_PERIOD_DOWN,
    );
    let period_up = period(
        Param::ScalingPeriodUp,
        params.scaling_period_up,
        defaults::SCALING_PERIOD_UP,
    );
    Timing {
        polling,
        cooldown,
        stabilization_down,
        stabilization_up,
        period_down,
        period_up,
    }
}

/// The recipe's Prometheus URL, when it names one.
fn server_address(params: &PodAutoscalingParams, sink: &mut Sink) {
    if let Some(address) = &params.server_address
        && !(address.starts_with("http://") || address.starts_with("https://"))
    {
        sink.note(
            Diagnostic::error(
                Pointer::root()
                    .key("recipe_pod_autoscaling_params")
                    .key("server_address"),
                Code::InvalidValue,
                format!("`{address}` is not an http:// or https:// URL"),
            )
            .with_hint(format!(
                "upstream's Prometheus is {}",
                defaults::SERVER_ADDRESS
            )),
        );
    }
}

/// The largest value a bounded query (a ratio, a percentage gauge) can return, when it has one.
#[cfg(feature = "promql-check")]
fn query_upper_bound(q: &str) -> Option<f64> {
    promql::upper_bound(q).filter(|b| b.is_finite() && *b > 0.0)
}

#[cfg(not(feature = "promql-check"))]
fn query_upper_bound(_: &str) -> Option<f64> {
    None
}

/// The vLLM release of the recipe's image, read from its tag (`v0.9.1`, `v0.9.1-cu128`).
#[cfg(feature = "promql-check")]
fn vllm_version(recipe: &Recipe) -> Option<crate::vllm::VllmVersion> {
    let image = recipe.recipe_image_uri.as_deref()?;
    let reference = crate::recipe::image::parse_image(image).ok()?;
    if !reference.path.contains("vllm") {
        return None;
    }
    crate::vllm::VllmVersion::parse(reference.tag?)
}

/// `polling_interval` against the stabilization windows. KEDA's poll decides activation from zero replicas (and
/// keeps the cooldown clock); between 1 and max the HPA reads the query through KEDA's metrics server at every sync,
/// uncached in the rendered ScaledObject, so a long poll paces nothing there.
fn check_polling(
    polling: &Resolved<u32>,
    min_replicas: u32,
    windows: [(&str, &Resolved<u32>); 2],
    at: &Pointer,
    sink: &mut Sink,
) {
    let Some((key, window)) = windows
        .into_iter()
        .filter(|(_, w)| w.value > 0 && polling.value > w.value)
        .min_by_key(|(_, w)| w.value)
    else {
        return;
    };
    let (p, w) = (polling.value, window.value);
    if min_replicas == 0 && key == "stabilization_window_up" {
        sink.note(
            Diagnostic::warning(
                at,
                Code::PollingInterval,
                format!(
                    "`polling_interval` {p} s is longer than `stabilization_window_up` {w} s: at zero replicas KEDA notices load only at its next poll, so the first pod can wait up to {p} s before it is even created"
                ),
            )
            .with_hint(format!("lower `polling_interval` to {w} s or less")),
        );
    } else if polling.source != Source::Default {
        sink.note(
            Diagnostic::note(
                at,
                Code::PollingInterval,
                format!(
                    "`polling_interval` {p} s is longer than `{key}` {w} s, but it does not pace scaling between 1 and `max_replicas`: the HPA reads the query through KEDA at every sync (15 s); the poll only decides activation from zero and the cooldown clock"
                ),
            )
            .with_hint("to scale more calmly, lengthen the stabilization windows or the scaling periods"),
        );
    }
}

/// The most replicas a query bounded by `bound` can ask for under `AverageValue`: `ceil(bound / threshold)`.
fn ratio_cap(bound: f64, threshold: f64) -> u64 {
    if threshold <= 0.0 || !threshold.is_finite() {
        return u64::MAX;
    }
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let cap = (bound / threshold).ceil().min(1e18) as u64;
    cap
}

fn check_threshold(
    threshold: &Resolved<f64>,
    query: &QuerySource,
    max_replicas: u32,
    at: &Pointer,
    sink: &mut Sink,
) {
    let t = threshold.value;
    // Printed short: a threshold of 5e-324 would otherwise print 330 digits.
    let shown = ShortNumber(t);
    if t <= 0.0 {
        sink.note(
            Diagnostic::error(
                at,
                Code::Threshold,
                format!("`scaling_threshold` is {shown}; it must be above 0"),
            )
            .with_hint(format!(
                "upstream's default is {}",
                defaults::SCALING_THRESHOLD
            )),
        );
        return;
    }
    if *query == QuerySource::DefaultLatency {
        if t >= 1.0 {
            sink.note(
                Diagnostic::error(
                    at,
                    Code::Threshold,
                    format!("the default query is the fraction of slow requests (0–1), so a threshold of {shown} can never be crossed"),
                )
                .with_hint("use a value between 0 and 1, such as 0.5"),
            );
        } else if t < 0.05 && max_replicas > 1 {
            sink.note(Diagnostic::note(
                at,
                Code::Threshold,
                format!(
                    "a threshold of {shown} scales up as soon as {:.0} % of requests take longer than {} s",
                    t * 100.0,
                    promql::LATENCY_BOUND_SECONDS
                ),
            ));
        }
    }
}

fn resolve_node(
    recipe: &Recipe,
    params: Option<&NodeAutoscalingParams>,
    at: &Pointer,
    sink: &mut Sink,
) -> Option<NodeAutoscaling> {
    let params = params?;
    if recipe.uses_shared_pool() {
        sink.note(Diagnostic::error(
            at,
            Code::AutoscalingNotApplicable,
            "node autoscaling resizes the recipe's own pool, but this recipe runs on a shared pool",
        ).with_hint("remove `recipe_node_autoscaling_params`, or set `recipe_use_shared_node_pool` to false"));
        return None;
    }
    let pool_size = recipe.recipe_node_pool_size;
    let (min_nodes, max_nodes) = (params.min_nodes, params.max_nodes);
    if min_nodes.is_none() && max_nodes.is_none() {
        sink.note(
            Diagnostic::warning(
                at,
                Code::MissingField,
                "`recipe_node_autoscaling_params` has neither `min_nodes` nor `max_nodes`: node autoscaling is off",
            )
            .with_hint("add `min_nodes` and `max_nodes`"),
        );
        return None;
    }
    let min_nodes = min_nodes.or(pool_size).unwrap_or(1);
    let Some(max_nodes) = max_nodes else {
        if !sink.was_invalid(&at.key("max_nodes")) {
            sink.note(Diagnostic::error(
                at.key("max_nodes"),
                Code::MissingField,
                "node autoscaling needs `max_nodes`",
            ));
        }
        return None;
    };
    if max_nodes == 0 {
        sink.note(Diagnostic::error(
            at.key("max_nodes"),
            Code::NodeBounds,
            "`max_nodes` is 0: the pool could never hold a node",
        ));
        return None;
    }
    if min_nodes > max_nodes {
        sink.note(Diagnostic::error(
            at.key("min_nodes"),
            Code::NodeBounds,
            format!("`min_nodes` {min_nodes} is above `max_nodes` {max_nodes}"),
        ));
        return None;
    }
    if let Some(size) = pool_size
        && (size < min_nodes || size > max_nodes)
    {
        sink.note(Diagnostic::warning(
            Pointer::root().key("recipe_node_pool_size"),
            Code::NodeBounds,
            format!("`recipe_node_pool_size` {size} is outside `min_nodes`–`max_nodes` ({min_nodes}–{max_nodes}); the Cluster Autoscaler will move the pool into that range"),
        ));
    }
    if recipe.recipe_pod_autoscaling_params.is_none() {
        sink.note(Diagnostic::note(
            at,
            Code::AutoscalingNotApplicable,
            "without pod autoscaling the replica count is fixed, so the Cluster Autoscaler only adds nodes for replicas that do not fit at deploy time",
        ));
    }
    Some(NodeAutoscaling {
        min_nodes,
        max_nodes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Format;

    fn resolve_json(
        json: &str,
    ) -> (
        Option<PodAutoscaling>,
        Option<NodeAutoscaling>,
        Vec<(String, Code)>,
    ) {
        let (recipe, mut sink) = crate::recipe::parse(json.as_bytes(), Format::Json);
        let (pod, node) = resolve(&recipe.unwrap(), 15, &mut sink);
        let d = sink
            .diagnostics
            .iter()
            .map(|d| (d.path.clone(), d.code))
            .collect();
        (pod, node, d)
    }

    #[test]
    fn polling_longer_than_the_windows() {
        let at = "/recipe_pod_autoscaling_params/polling_interval".to_string();
        let recipe = |min: u32, polling: u32| {
            format!(
                r#"{{"recipe_mode": "service", "recipe_pod_autoscaling_params": {{"min_replicas": {min},
                    "max_replicas": 4, "polling_interval": {polling}, "stabilization_window_up": 30,
                    "stabilization_window_down": 300}}}}"#
            )
        };
        // From zero replicas the poll is the reaction time: a warning.
        let (_, _, d) = resolve_json(&recipe(0, 60));
        assert!(d.contains(&(at.clone(), Code::PollingInterval)), "{d:?}");
        // From one replica up it paces nothing: said as information.
        let (recipe_1, mut sink) = crate::recipe::parse(recipe(1, 60).as_bytes(), Format::Json);
        resolve(&recipe_1.unwrap(), 15, &mut sink);
        let said: Vec<_> = sink
            .diagnostics
            .iter()
            .filter(|d| d.code == Code::PollingInterval)
            .collect();
        assert_eq!(said.len(), 1);
        assert_eq!(said[0].severity, crate::Severity::Note);
        assert!(
            said[0]
                .message
                .contains("60 s is longer than `stabilization_window_up` 30 s")
        );
        // Within the windows, nothing.
        let (_, _, d) = resolve_json(&recipe(0, 30));
        assert!(!d.iter().any(|(_, c)| *c == Code::PollingInterval), "{d:?}");
    }

    #[test]
    fn applies_upstreams_defaults() {
        let (pod, node, d) = resolve_json(
            r#"{"recipe_mode": "service", "recipe_pod_autoscaling_params": {"min_replicas": 1, "max_replicas": 4}}"#,
        );
        assert!(d.is_empty(), "{d:?}");
        assert!(node.is_none());
        let pod = pod.unwrap();
        assert_eq!(
            pod.threshold,
            Resolved {
                value: 0.5,
                source: Source::Default
            }
        );
        assert_eq!(pod.window_seconds.value, 300);
        assert_eq!(pod.stabilization_window_down_seconds.value, 180);
        assert_eq!(pod.metric_type, MetricType::Value);
        assert_eq!(pod.query, QuerySource::DefaultLatency);
    }

    #[test]
    fn moves_advanced_params_from_node_params_with_a_warning() {
        let (pod, node, d) = resolve_json(
            r#"{"recipe_mode": "service", "recipe_node_pool_size": 1,
                "recipe_node_autoscaling_params": {"min_nodes": 1, "max_nodes": 4, "scaling_threshold": 0.4, "collect_metrics_timespan": "2m"},
                "recipe_pod_autoscaling_params": {"min_replicas": 1, "max_replicas": 8}}"#,
        );
        let pod = pod.unwrap();
        assert_eq!(
            pod.threshold,
            Resolved {
                value: 0.4,
                source: Source::NodeParams
            }
        );
        assert_eq!(pod.window_seconds.value, 120);
        assert_eq!(
            node,
            Some(NodeAutoscaling {
                min_nodes: 1,
                max_nodes: 4
            })
        );
        assert_eq!(
            d,
            vec![
                (
                    "/recipe_node_autoscaling_params/collect_metrics_timespan".into(),
                    Code::MisplacedAutoscalingParam
                ),
                (
                    "/recipe_node_autoscaling_params/scaling_threshold".into(),
                    Code::MisplacedAutoscalingParam
                ),
            ]
        );
    }

    #[test]
    fn conflicting_values_are_an_error() {
        let (_, _, d) = resolve_json(
            r#"{"recipe_mode": "service",
                "recipe_node_autoscaling_params": {"min_nodes": 1, "max_nodes": 2, "polling_interval": 10},
                "recipe_pod_autoscaling_params": {"min_replicas": 1, "max_replicas": 2, "polling_interval": 30}}"#,
        );
        assert!(d.contains(&(
            "/recipe_node_autoscaling_params/polling_interval".into(),
            Code::ConflictingAutoscalingParam
        )));
    }

    #[test]
    fn cooldown_with_min_one_has_no_effect() {
        let (_, _, d) = resolve_json(
            r#"{"recipe_mode": "service", "recipe_pod_autoscaling_params": {"min_replicas": 1, "max_replicas": 2, "scaling_cooldown": 30}}"#,
        );
        assert_eq!(
            d,
            vec![(
                "/recipe_pod_autoscaling_params/scaling_cooldown".into(),
                Code::CooldownNoEffect
            )]
        );
    }

    #[test]
    fn thresholds_are_printed_short() {
        let planning = crate::plan_bytes(
            br#"{"recipe_mode": "service", "recipe_pod_autoscaling_params": {"min_replicas": 1, "max_replicas": 4, "scaling_threshold": 5e-324}}"#,
            &crate::PlanOptions::default(),
        );
        let d = planning
            .diagnostics
            .iter()
            .find(|d| d.code == Code::Threshold)
            .expect("a threshold note");
        assert!(d.message.starts_with("a threshold of 5e-324 scales"), "{d}");
    }

    #[test]
    fn bounds_and_threshold_rules() {
        let (_, _, d) = resolve_json(
            r#"{"recipe_mode": "service", "recipe_pod_autoscaling_params": {"min_replicas": 5, "max_replicas": 2, "scaling_threshold": 1.5, "scaling_period_up": 0, "collect_metrics_timespan": "5 minutes"}}"#,
        );
        let codes: Vec<Code> = d.iter().map(|(_, c)| *c).collect();
        assert_eq!(
            codes,
            vec![
                Code::ReplicaBounds,
                Code::Threshold,
                Code::InvalidDuration,
                Code::InvalidValue
            ]
        );
    }

    #[cfg(feature = "promql-check")]
    #[test]
    fn a_custom_ratio_query_read_as_average_value_warns_with_its_cap() {
        let (pod, _, d) = resolve_json(
            r#"{"recipe_mode": "service", "recipe_pod_autoscaling_params": {"min_replicas": 1, "max_replicas": 8,
                "scaling_threshold": 0.5, "query": "avg(vllm:kv_cache_usage_perc{model_name=\"m\"})"}}"#,
        );
        assert_eq!(pod.unwrap().metric_type, MetricType::AverageValue);
        assert!(
            d.contains(&("/recipe_pod_autoscaling_params/query".into(), Code::Query)),
            "{d:?}"
        );
        let (_, _, d) = resolve_json(
            r#"{"recipe_mode": "service", "recipe_pod_autoscaling_params": {"min_replicas": 1, "max_replicas": 8,
                "scaling_threshold": 5, "query": "sum(vllm:num_requests_waiting{model_name=\"m\"})"}}"#,
        );
        assert!(d.is_empty(), "{d:?}");
    }

    #[test]
    fn ratio_cap_matches_the_hpa_formula() {
        assert_eq!(ratio_cap(1.0, 0.5), 2);
        assert_eq!(ratio_cap(1.0, 0.1), 10);
        assert_eq!(ratio_cap(1.0, 0.3), 4);
        assert_eq!(ratio_cap(100.0, 30.0), 4);
    }
}
