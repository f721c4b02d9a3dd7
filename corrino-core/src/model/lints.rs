//! Probe and autoscaling settings measured against the cold-start budget.
//!
//! * **Startup probe shorter than the start.** Kubernetes restarts a container whose startup probe has not passed
//!   within `initial_delay_seconds + failure_threshold × period_seconds`; the restarted container starts from
//!   scratch (a download into the container is lost with it), so a probe shorter than the start kills the pod in a
//!   loop and it never serves. Below half the estimate that is certain whatever the estimate's error: an error.
//!   Below four fifths of the estimate it is likely: a warning. Closer than that, the estimate's own error
//!   decides: a note.
//! * **Liveness probe without a startup probe.** Without a startup probe the liveness probe runs from the start,
//!   and kills a container still loading its model after `initial_delay + failure_threshold × period`; same
//!   severities.
//! * **Scale-down faster than a restart.** The HPA removes a replica once the scale-down stabilization window
//!   has seen lower recommendations throughout; a window shorter than the pod's startup gives away a replica that
//!   takes longer to bring back than the dip lasted (it comes back on its node, which the Cluster Autoscaler keeps
//!   for ten minutes, with the image there). With `min_replicas` 0, KEDA's cooldown removes the last replica, whose
//!   node then goes too: that is measured against the whole cold start. Warnings.
//! * **Scale from zero with a query that has no series at zero.** vLLM's metrics exist only while a pod serves; at
//!   zero replicas a query over them returns nothing, which KEDA reads as 0 under its default
//!   `ignoreNullValues: true`, so the deployment never wakes up. The default query is reported by
//!   [`crate::autoscaling::resolve`]; custom queries are checked here.

use super::Scaling;
use super::startup::{Phase, StartupBudget};
use crate::autoscaling::{QuerySource, Source};
use crate::diagnostic::{Code, Diagnostic, Pointer};
use crate::recipe::convert::Sink;
use crate::recipe::{ProbeParams, Recipe};

/// Kubernetes' probe defaults: `initialDelaySeconds` 0, `periodSeconds` 10, `failureThreshold` 3.
const DEFAULT_PERIOD_SECONDS: u64 = 10;
const DEFAULT_FAILURE_THRESHOLD: u64 = 3;

/// The time a probe allows before Kubernetes restarts the container: `initial_delay + failure_threshold × period`.
fn probe_allowance(probe: &ProbeParams) -> (u64, String) {
    let delay = u64::from(probe.initial_delay_seconds.unwrap_or(0));
    let failures = probe
        .failure_threshold
        .map_or(DEFAULT_FAILURE_THRESHOLD, u64::from);
    let period = probe
        .period_seconds
        .map_or(DEFAULT_PERIOD_SECONDS, u64::from);
    (
        delay.saturating_add(failures.saturating_mul(period)),
        format!("{delay} + {failures} × {period}"),
    )
}

/// The in-container parts of the budget, in words: "download 81 s, load 9 s, engine 65 s".
fn in_container(budget: &StartupBudget) -> String {
    budget
        .parts
        .iter()
        .filter(|p| p.in_container)
        .map(|p| {
            let what = match p.phase {
                Phase::WeightsDownload => "download",
                Phase::WeightsLoad => "load",
                Phase::EngineStart => "engine start",
                Phase::NodeProvisioning => "node",
                Phase::ImagePull => "image pull",
            };
            format!("{what} {} s", p.seconds)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The probe allowance to suggest: 1.5 × the estimate, as `failure_threshold` at the probe's period.
fn suggested_failures(probe: &ProbeParams, needed: u64) -> u64 {
    let delay = u64::from(probe.initial_delay_seconds.unwrap_or(0));
    let period = probe
        .period_seconds
        .map_or(DEFAULT_PERIOD_SECONDS, u64::from)
        .max(1);
    (needed.saturating_mul(3) / 2)
        .saturating_sub(delay)
        .div_ceil(period)
        .max(1)
}

/// Checks the recipe's probes and its resolved autoscaling against `budget`. `name` names the model in messages.
pub fn check(
    recipe: &Recipe,
    budget: &StartupBudget,
    scaling: Scaling<'_>,
    name: &str,
    sink: &mut Sink,
) {
    probes(recipe, budget, name, sink);
    windows(budget, scaling, sink);
}

/// Below this, a startup probe is short for any model server, whatever its model.
const SHORT_STARTUP_PROBE_SECONDS: u64 = 60;

fn probes(recipe: &Recipe, budget: &StartupBudget, name: &str, sink: &mut Sink) {
    if !budget.weights_counted {
        // Without the model's size there is no estimate to measure against; a minute is short for any of them.
        if let Some(probe) = &recipe.recipe_startup_probe_params {
            let (allowed, formula) = probe_allowance(probe);
            if allowed < SHORT_STARTUP_PROBE_SECONDS {
                sink.note(Diagnostic::note(
                    Pointer::root().key("recipe_startup_probe_params"),
                    Code::Probe,
                    format!("the startup probe gives the server {allowed} s ({formula}) to start; loading a model usually takes longer, after which Kubernetes restarts the container"),
                ));
            }
        }
        return;
    }
    let needed = budget.container_start_seconds;
    let parts = in_container(budget);
    let (probe, key, code, what) = match (
        &recipe.recipe_startup_probe_params,
        &recipe.recipe_liveness_probe_params,
    ) {
        (Some(p), _) => (
            p,
            "recipe_startup_probe_params",
            Code::StartupProbeTooShort,
            "the startup probe",
        ),
        (None, Some(p)) => (
            p,
            "recipe_liveness_probe_params",
            Code::LivenessWithoutStartupProbe,
            "the liveness probe, with no startup probe to hold it back,",
        ),
        (None, None) => return,
    };
    let (allowed, formula) = probe_allowance(probe);
    if allowed >= needed {
        return;
    }
    let download = budget
        .parts
        .iter()
        .filter(|p| p.phase == Phase::WeightsDownload && p.in_container)
        .fold(0u64, |s, p| s.saturating_add(p.seconds));
    let resumes = budget.download_resumes && needed.saturating_sub(download) < allowed;
    let certain = !resumes && allowed.saturating_mul(2) < needed;
    // Within a quarter of the estimate, the estimate's own error decides: a note.
    let close = !certain && needed.saturating_mul(4) <= allowed.saturating_mul(5);
    let message = if resumes {
        // Each attempt downloads for as long as the probe allows, and the cache keeps what it got.
        let restarts = download.div_ceil(allowed.max(1));
        format!(
            "{what} allows {allowed} s ({formula}) before Kubernetes restarts the container, but starting {name} on a node whose cache is empty takes an estimated {needed} s ({parts}): the download resumes in the cache after each restart, so the container is restarted about {restarts} time(s), with Kubernetes' growing back-off between them, before it serves"
        )
    } else {
        format!(
            "{what} allows {allowed} s ({formula}) before Kubernetes restarts the container, but starting {name} takes an estimated {needed} s ({parts}): the container {} restarted before it serves, again and again",
            if certain {
                "is"
            } else if close {
                "may be"
            } else {
                "is likely"
            }
        )
    };
    let d = if certain {
        Diagnostic::error(Pointer::root().key(key), code, message)
    } else if close {
        Diagnostic::note(Pointer::root().key(key), code, message)
    } else {
        Diagnostic::warning(Pointer::root().key(key), code, message)
    };
    let hint = if code == Code::StartupProbeTooShort {
        format!(
            "allow about {} s: set `failure_threshold` to {}",
            needed.saturating_mul(3) / 2,
            suggested_failures(probe, needed)
        )
    } else {
        format!(
            "add `recipe_startup_probe_params` allowing about {} s; the liveness probe then starts once it passes",
            needed.saturating_mul(3) / 2
        )
    };
    sink.note(d.with_hint(hint));
}

fn windows(budget: &StartupBudget, scaling: Scaling<'_>, sink: &mut Sink) {
    let (Some(pod), node) = (scaling.pod, scaling.node) else {
        return;
    };
    let at = |key: &str, source: Source| {
        let params = if source == Source::NodeParams {
            "recipe_node_autoscaling_params"
        } else {
            "recipe_pod_autoscaling_params"
        };
        Pointer::root().key(params).key(key)
    };
    if budget.weights_counted {
        // A replica removed by a dip comes back on the node it left, which the Cluster Autoscaler keeps for its
        // scale-down delay (ten minutes by default) and which has the image: in the pod's own startup.
        let back = budget.pod_startup_seconds;
        let window = &pod.stabilization_window_down_seconds;
        if u64::from(window.value) < back {
            sink.note(
                Diagnostic::warning(
                    at("stabilization_window_down", window.source),
                    Code::ScaleDownWithinColdStart,
                    format!(
                        "`stabilization_window_down` is {} s{}, shorter than bringing a replica back on its node ({back} s to start the pod): a dip in load shorter than that removes a replica that the next burst waits {back} s for",
                        window.value,
                        if window.source == Source::Default { " (upstream's default)" } else { "" }
                    ),
                )
                .with_hint(format!("set `stabilization_window_down` to {back} or more")),
            );
        }
        let (cold, how) = if node.is_some() {
            (
                budget.cold_start_seconds,
                format!(
                    "a new node {} s, image pull {} s, pod start {} s",
                    budget.node_provisioning_seconds,
                    budget.image_pull_seconds,
                    budget.pod_startup_seconds
                ),
            )
        } else {
            (
                budget
                    .image_pull_seconds
                    .saturating_add(budget.pod_startup_seconds),
                format!(
                    "image pull {} s, pod start {} s",
                    budget.image_pull_seconds, budget.pod_startup_seconds
                ),
            )
        };
        let cooldown = &pod.cooldown_seconds;
        if pod.min_replicas.value == 0 && u64::from(cooldown.value) < cold {
            sink.note(
                Diagnostic::warning(
                    at("scaling_cooldown", cooldown.source),
                    Code::ScaleDownWithinColdStart,
                    format!(
                        "`scaling_cooldown` is {} s, shorter than a cold start ({cold} s: {how}): KEDA scales to zero after a quiet spell shorter than the wait the next request then has",
                        cooldown.value
                    ),
                )
                .with_hint(format!("set `scaling_cooldown` to {cold} or more, or keep `min_replicas` at 1")),
            );
        }
    }
    if pod.min_replicas.value == 0
        && let QuerySource::Custom(query) = &pod.query
        && only_pod_metrics(query)
    {
        sink.note(
            Diagnostic::warning(
                at("query", Source::Recipe),
                Code::ScaleFromZeroBlind,
                "with `min_replicas` 0 this query reads only vLLM's own metrics, which no pod exports at zero replicas: the query returns nothing, KEDA reads that as 0 (`ignoreNullValues` is on by default), and the deployment never scales up from zero",
            )
            .with_hint("scale on traffic that exists without pods (the ingress controller's request rate), or keep `min_replicas` at 1"),
        );
    }
}

/// Whether every metric a PromQL query selects is one of vLLM's (`vllm:…`, or `vllm_…` as some relabelling spells
/// it), which exist only while a pod serves. A lexical reading: label matchers, ranges, strings and grouping lists
/// are skipped, and words followed by `(` are functions.
#[must_use]
pub fn only_pod_metrics(query: &str) -> bool {
    // Operators and the aggregations, which may be followed by `by (…)` before their parenthesis.
    const KEYWORDS: &[&str] = &[
        "by",
        "without",
        "on",
        "ignoring",
        "group_left",
        "group_right",
        "bool",
        "and",
        "or",
        "unless",
        "offset",
        "inf",
        "nan",
        "atan2",
        "sum",
        "avg",
        "min",
        "max",
        "count",
        "group",
        "stddev",
        "stdvar",
        "topk",
        "bottomk",
        "quantile",
        "count_values",
        "limitk",
        "limit_ratio",
    ];
    let bytes = query.as_bytes();
    let mut metrics = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'"' | b'\'' | b'`' => {
                i += 1;
                while i < bytes.len() && bytes[i] != c {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                i += 1;
            }
            b'{' | b'[' => {
                let close = if c == b'{' { b'}' } else { b']' };
                while i < bytes.len() && bytes[i] != close {
                    i += 1;
                }
                i += 1;
            }
            c if c.is_ascii_alphabetic() || c == b'_' || c == b':' => {
                let start = i;
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b':')
                {
                    i += 1;
                }
                let word = &query[start..i];
                let mut j = i;
                while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                    j += 1;
                }
                let call = bytes.get(j) == Some(&b'(');
                let lower = word.to_ascii_lowercase();
                if matches!(
                    lower.as_str(),
                    "by" | "without" | "on" | "ignoring" | "group_left" | "group_right"
                ) && call
                {
                    // Skip the label list.
                    while j < bytes.len() && bytes[j] != b')' {
                        j += 1;
                    }
                    i = j + 1;
                } else if !call && !KEYWORDS.contains(&lower.as_str()) {
                    metrics.push(word);
                }
            }
            _ => i += 1,
        }
    }
    !metrics.is_empty()
        && metrics
            .iter()
            .all(|m| m.starts_with("vllm:") || m.starts_with("vllm_"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_metrics_a_query_reads() {
        assert!(only_pod_metrics(
            r#"sum(rate(vllm:request_success_total{model_name="x"}[1m])) by (pod)"#
        ));
        assert!(only_pod_metrics(
            "histogram_quantile(0.9, sum by (le) (rate(vllm:e2e_request_latency_seconds_bucket[5m]))) or vector(0)"
        ));
        assert!(!only_pod_metrics(
            r#"sum(rate(nginx_ingress_controller_requests{service="recipe-x"}[1m]))"#
        ));
        assert!(!only_pod_metrics(
            "sum(vllm:num_requests_running) + sum(rate(nginx_ingress_controller_requests[1m]))"
        ));
        assert!(!only_pod_metrics("vector(1)"));
        assert!(!only_pod_metrics(r#"up{job="vllm:x"}"#));
    }

    #[test]
    fn probe_allowance_uses_kubernetes_defaults() {
        let probe = ProbeParams {
            initial_delay_seconds: Some(60),
            ..ProbeParams::default()
        };
        assert_eq!(probe_allowance(&probe).0, 90);
        let probe = ProbeParams {
            failure_threshold: Some(30),
            period_seconds: Some(2),
            ..ProbeParams::default()
        };
        assert_eq!(probe_allowance(&probe).0, 60);
        assert_eq!(suggested_failures(&probe, 100), 75);
    }
}
