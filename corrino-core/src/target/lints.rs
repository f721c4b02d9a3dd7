//! Diagnostics of a service's autoscaling for its target, found while planning: what the target's KEDA admission
//! webhook refuses or warns about in the `ScaledObject` corrino would render ([`super::admission`]), and a
//! `scaling_threshold` that the target's KEDA cannot pass to the HPA as written.
//!
//! Each diagnostic points at the recipe field the object's value comes from (under
//! `recipe_node_autoscaling_params` when it was written there and moved), and one whose field already has an error
//! of its own is not reported again: `min_replicas` above `max_replicas` is a `replica-bounds` error for every
//! target before it is a refusal of KEDA 2.20's webhook.

use crate::autoscaling::{PodAutoscaling, Source};
use crate::diagnostic::{Code, Diagnostic, Pointer, Severity, ShortNumber};
use crate::manifest::ScaledObject;
use crate::recipe::convert::Sink;
use crate::sim::hpa::DEFAULT_TOLERANCE;
use crate::sim::keda::{AdmissionError, ReplicaCountError, metric_target_milli};

use super::admission::{self, Refusal, Warning};
use super::{KedaVersion, Target};

/// Every target diagnostic of a service whose pod autoscaling renders to `object`.
pub(crate) fn check(object: &ScaledObject, pod: &PodAutoscaling, target: Target, sink: &mut Sink) {
    let review = admission::review(target.keda, object);
    for refusal in &review.refusals {
        let at = refusal_field(refusal, pod);
        report(
            sink,
            Diagnostic::error(
                &at,
                Code::KedaAdmissionRefused,
                format!(
                    "KEDA {}'s admission webhook refuses the ScaledObject corrino renders: {refusal}",
                    target.keda
                ),
            ),
        );
    }
    for warning in &review.warnings {
        report(sink, timing_warning(*warning, pod, target.keda));
    }
    if let Some(diagnostic) = threshold(pod, target.keda) {
        report(sink, diagnostic);
    }
}

/// Adds `diagnostic` unless its field already has an error.
fn report(sink: &mut Sink, diagnostic: Diagnostic) {
    let reported = sink
        .diagnostics
        .iter()
        .any(|d| d.severity == Severity::Error && d.path == diagnostic.path);
    if !reported {
        sink.note(diagnostic);
    }
}

/// Where a pod autoscaling parameter was written: under `recipe_node_autoscaling_params` when it was moved from
/// there, else under `recipe_pod_autoscaling_params`.
fn written_at(key: &str, source: Source) -> Pointer {
    let params = match source {
        Source::NodeParams => "recipe_node_autoscaling_params",
        Source::Recipe | Source::Default => "recipe_pod_autoscaling_params",
    };
    Pointer::root().key(params).key(key)
}

/// The recipe field behind what the webhook refuses.
fn refusal_field(refusal: &Refusal, pod: &PodAutoscaling) -> Pointer {
    match refusal {
        Refusal::Scaling(AdmissionError::ReplicaCount(ReplicaCountError::MinAboveMax {
            ..
        })) => written_at("min_replicas", pod.min_replicas.source),
        Refusal::NameTooLong { .. } | Refusal::HpaNameTooLong { .. } => {
            Pointer::root().key("deployment_name")
        }
        // Fallback, modifiers, idle counts and triggers beyond the one query come from no recipe field.
        Refusal::Scaling(_) | Refusal::Triggers(_) => {
            Pointer::root().key("recipe_pod_autoscaling_params")
        }
    }
}

/// The webhook's warning about a timing field, at the recipe field, with the numbers.
fn timing_warning(warning: Warning, pod: &PodAutoscaling, keda: KedaVersion) -> Diagnostic {
    let (key, value, resolved_source) = match warning {
        Warning::PollingIntervalNotRelevant => (
            "polling_interval",
            pod.polling_interval_seconds.value,
            pod.polling_interval_seconds.source,
        ),
        Warning::CooldownPeriodNotRelevant => (
            "scaling_cooldown",
            pod.cooldown_seconds.value,
            pod.cooldown_seconds.source,
        ),
    };
    let quiet = last_release_without(KedaVersion::admission_warns_irrelevant_timing);
    Diagnostic::warning(
        written_at(key, resolved_source),
        Code::KedaAdmissionWarning,
        format!(
            "`{key}` {value} s has no effect while `min_replicas` is {}, and KEDA {keda}'s admission webhook says so on every apply: \"{warning}\"{}",
            pod.min_replicas.value,
            quiet.map_or_else(String::new, |release| format!(
                "; KEDA {release} and earlier admit it silently"
            )),
        ),
    )
    .with_hint(format!(
        "remove `{key}`: without it corrino leaves the field out of the ScaledObject for KEDA {keda}"
    ))
}

/// A threshold as text: the milli-value with its decimals (`1004` → `1.004`).
fn milli_text(milli: i64) -> String {
    let sign = if milli < 0 { "-" } else { "" };
    let magnitude = milli.unsigned_abs();
    let text = format!("{sign}{}.{:03}", magnitude / 1000, magnitude % 1000);
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// The threshold in milli-units when it has at most three decimals as written (its shortest decimal form) and fits.
fn exact_milli(threshold: f64) -> Option<i64> {
    let text = threshold.to_string();
    let decimals = text
        .split_once('.')
        .map_or(0, |(_, fraction)| fraction.len());
    let milli = (threshold * 1000.0).round();
    #[allow(
        clippy::cast_possible_truncation,
        reason = "checked to be an integer within the i64 range"
    )]
    (decimals <= 3 && milli.abs() < 9.2e18).then_some(milli as i64)
}

/// The oldest release from which every later one has `fact`, if the newest has it.
fn first_release_with(fact: impl Fn(KedaVersion) -> bool) -> Option<KedaVersion> {
    let mut first = None;
    for release in KedaVersion::ALL.into_iter().rev() {
        if !fact(release) {
            break;
        }
        first = Some(release);
    }
    first
}

/// The newest release before those that have `fact`, if any lacks it.
fn last_release_without(fact: impl Fn(KedaVersion) -> bool) -> Option<KedaVersion> {
    KedaVersion::ALL
        .into_iter()
        .take_while(|release| !fact(*release))
        .last()
}

/// How a release turns the threshold into milli-units, in words.
fn conversion(keda: KedaVersion) -> &'static str {
    if keda.quantity_from_text() {
        "it rounds to thousandths"
    } else {
        "it truncates the threshold × 1000 to an integer"
    }
}

/// A `scaling_threshold` that reaches the HPA as another number under `keda`.
///
/// KEDA hands the HPA its target as a quantity in milli-units ([`metric_target_milli`]: `GetMetricTargetMili` in
/// `pkg/scalers/scaler.go`): truncated up to 2.19, rounded to thousandths from 2.20.0. A target of 0 or less makes
/// the API server refuse the HPA (`validateMetricTarget` wants a positive value), so nothing scales: an error. A
/// target that differs by more than the HPA's tolerance (10 %, within which it does not scale either way) changes
/// when the HPA scales: a warning; a smaller difference, a note.
fn threshold(pod: &PodAutoscaling, keda: KedaVersion) -> Option<Diagnostic> {
    let threshold = pod.threshold.value;
    if !(threshold.is_finite() && threshold > 0.0) {
        return None; // refused as `threshold` already
    }
    let served = metric_target_milli(keda, threshold);
    let exact = exact_milli(threshold);
    if exact == Some(served) {
        return None;
    }
    let at = written_at("scaling_threshold", pod.threshold.source);
    let shown = ShortNumber(threshold);
    if served <= 0 {
        let rescued = first_release_with(|release| metric_target_milli(release, threshold) > 0);
        let message = format!(
            "KEDA {keda} passes `scaling_threshold` {shown} to the HPA in milli-units as {} ({}), and the API server refuses an HPA whose metric target is not positive: KEDA cannot create the HPA{}",
            milli_text(served),
            conversion(keda),
            rescued.map_or_else(String::new, |release| format!(
                "; KEDA {release} and later pass {}",
                milli_text(metric_target_milli(release, threshold))
            )),
        );
        let hint = match rescued {
            Some(release) => {
                format!("write 0.001 or more, or target KEDA {release} or later")
            }
            None => "write 0.001 or more".to_owned(),
        };
        return Some(Diagnostic::error(at, Code::ThresholdPrecision, message).with_hint(hint));
    }
    #[allow(clippy::cast_precision_loss, reason = "a ratio of two thresholds")]
    let change = (served as f64 / 1000.0 - threshold) / threshold;
    let keeps = match exact {
        Some(milli) => {
            first_release_with(|release| metric_target_milli(release, threshold) == milli)
                .map(|release| format!("; KEDA {release} and later keep {shown}"))
        }
        None => Some("; no KEDA release keeps more than three decimals".to_owned()),
    };
    let message = format!(
        "KEDA {keda} passes `scaling_threshold` {shown} to the HPA as {} ({:+.2} %): {}{}",
        milli_text(served),
        change * 100.0,
        conversion(keda),
        keeps.unwrap_or_default(),
    );
    let diagnostic = if change.abs() > DEFAULT_TOLERANCE {
        Diagnostic::warning(at, Code::ThresholdPrecision, message)
    } else {
        Diagnostic::note(at, Code::ThresholdPrecision, message)
    };
    Some(diagnostic.with_hint(format!(
        "write {} to say what the HPA compares against",
        milli_text(served)
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Severity;
    use crate::plan::{PlanOptions, plan_bytes};

    /// The fixture's service with its pod autoscaling parameters replaced.
    fn recipe(params: &str) -> String {
        format!(
            r#"{{"recipe_mode": "service", "deployment_name": "chat", "recipe_image_uri": "docker.io/vllm/vllm-openai:v0.9.1",
                "recipe_node_shape": "VM.GPU.A10.2", "recipe_nvidia_gpu_count": 1, "recipe_container_port": "8000",
                "recipe_node_pool_size": 1, "recipe_node_boot_volume_size_in_gbs": 300, "recipe_ephemeral_storage_size": 100,
                "recipe_shared_memory_volume_size_limit_in_mb": 1000,
                "recipe_pod_autoscaling_params": {params}}}"#
        )
    }

    fn found(params: &str, keda: KedaVersion, code: Code) -> Vec<Diagnostic> {
        let options = PlanOptions {
            target: Target {
                keda,
                ..Target::default()
            },
            ..PlanOptions::default()
        };
        plan_bytes(recipe(params).as_bytes(), &options)
            .diagnostics
            .iter()
            .filter(|d| d.code == code)
            .cloned()
            .collect()
    }

    #[test]
    fn written_timing_that_does_nothing_warns_on_2_20_only() {
        // scaledobject_webhook.go `verifyScaledObjects` (v2.20.0, kedacore/keda#7271).
        let params = r#"{"min_replicas": 1, "max_replicas": 2, "polling_interval": 10, "scaling_cooldown": 90}"#;
        assert!(found(params, KedaVersion::V2_19_0, Code::KedaAdmissionWarning).is_empty());
        let warned = found(params, KedaVersion::V2_20_0, Code::KedaAdmissionWarning);
        let paths: Vec<&str> = warned.iter().map(|d| d.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "/recipe_pod_autoscaling_params/polling_interval",
                "/recipe_pod_autoscaling_params/scaling_cooldown"
            ]
        );
        assert!(warned.iter().all(|d| d.severity == Severity::Warning));
        assert_eq!(
            warned[0].message,
            "`polling_interval` 10 s has no effect while `min_replicas` is 1, and KEDA 2.20.0's admission webhook says so on every apply: \"PollingInterval is configured but is not relevant. PollingInterval is only relevant when minReplicaCount = 0 or idleReplicaCount = 0 or useCachedMetrics is enabled\"; KEDA 2.19.0 and earlier admit it silently"
        );
        // Unwritten, the fields are left out of the object, so nothing is said; at zero they matter.
        let defaults = r#"{"min_replicas": 1, "max_replicas": 2}"#;
        assert!(found(defaults, KedaVersion::V2_20_2, Code::KedaAdmissionWarning).is_empty());
        let zero = r#"{"min_replicas": 0, "max_replicas": 2, "polling_interval": 10, "query": "sum(vllm:num_requests_waiting)"}"#;
        assert!(found(zero, KedaVersion::V2_20_2, Code::KedaAdmissionWarning).is_empty());
    }

    #[test]
    fn a_moved_parameter_is_reported_where_it_was_written() {
        let json = recipe(r#"{"min_replicas": 2, "max_replicas": 4}"#).replace(
            r#""recipe_node_pool_size": 1,"#,
            r#""recipe_node_pool_size": 1, "recipe_node_autoscaling_params": {"min_nodes": 1, "max_nodes": 2, "polling_interval": 20},"#,
        );
        let options = PlanOptions {
            target: Target {
                keda: KedaVersion::V2_20_2,
                ..Target::default()
            },
            ..PlanOptions::default()
        };
        let planning = plan_bytes(json.as_bytes(), &options);
        let warned: Vec<&Diagnostic> = planning
            .diagnostics
            .iter()
            .filter(|d| d.code == Code::KedaAdmissionWarning)
            .collect();
        assert_eq!(warned.len(), 1, "{}", planning.diagnostics);
        assert_eq!(
            warned[0].path,
            "/recipe_node_autoscaling_params/polling_interval"
        );
    }

    #[test]
    fn replica_bounds_are_reported_once() {
        // v2.20.0's webhook refuses min > max (kedacore/keda#5954), which `replica-bounds` already reports.
        let params = r#"{"min_replicas": 3, "max_replicas": 2}"#;
        assert!(found(params, KedaVersion::V2_20_2, Code::KedaAdmissionRefused).is_empty());
        assert_eq!(
            found(params, KedaVersion::V2_20_2, Code::ReplicaBounds).len(),
            1
        );
    }

    #[test]
    fn thresholds_keda_cannot_pass() {
        // pkg/scalers/scaler.go `GetMetricTargetMili`: int64(threshold × 1000) up to v2.19.0, "%.3f" from v2.20.0
        // (kedacore/keda#7534); the HPA refuses a target that is not positive.
        let custom = |threshold: &str| {
            format!(
                r#"{{"min_replicas": 1, "max_replicas": 4, "query": "sum(vllm:num_requests_waiting)", "scaling_threshold": {threshold}}}"#
            )
        };
        let zero = found(
            &custom("0.0007"),
            KedaVersion::V2_17_0,
            Code::ThresholdPrecision,
        );
        assert_eq!(zero.len(), 1);
        assert_eq!(zero[0].severity, Severity::Error);
        assert_eq!(
            zero[0].path,
            "/recipe_pod_autoscaling_params/scaling_threshold"
        );
        assert_eq!(
            zero[0].message,
            "KEDA 2.17.0 passes `scaling_threshold` 0.0007 to the HPA in milli-units as 0 (it truncates the threshold × 1000 to an integer), and the API server refuses an HPA whose metric target is not positive: KEDA cannot create the HPA; KEDA 2.20.0 and later pass 0.001"
        );
        assert_eq!(
            zero[0].hint.as_deref(),
            Some("write 0.001 or more, or target KEDA 2.20.0 or later")
        );
        let rounded = found(
            &custom("0.0007"),
            KedaVersion::V2_20_0,
            Code::ThresholdPrecision,
        );
        assert_eq!(rounded[0].severity, Severity::Warning);
        assert!(
            rounded[0].message.contains("as 0.001 (+42.86 %)"),
            "{}",
            rounded[0].message
        );
        let lost = found(
            &custom("0.0004"),
            KedaVersion::V2_20_2,
            Code::ThresholdPrecision,
        );
        assert_eq!(lost[0].hint.as_deref(), Some("write 0.001 or more"));
        // 1.005 × 1000 is just below 1005 in binary: 2.17 passes 1.004, 2.20 keeps 1.005.
        let binary = found(
            &custom("1.005"),
            KedaVersion::V2_17_0,
            Code::ThresholdPrecision,
        );
        assert_eq!(binary[0].severity, Severity::Note);
        assert!(
            binary[0]
                .message
                .ends_with("; KEDA 2.20.0 and later keep 1.005"),
            "{}",
            binary[0].message
        );
        assert!(
            found(
                &custom("1.005"),
                KedaVersion::V2_20_0,
                Code::ThresholdPrecision
            )
            .is_empty()
        );
        assert!(
            found(
                &custom("2.5"),
                KedaVersion::V2_17_0,
                Code::ThresholdPrecision
            )
            .is_empty()
        );
        let fine = found(
            &custom("0.0015"),
            KedaVersion::V2_17_0,
            Code::ThresholdPrecision,
        );
        assert!(
            fine[0].message.contains("as 0.001 (-33.33 %)")
                && fine[0]
                    .message
                    .ends_with("no KEDA release keeps more than three decimals"),
            "{}",
            fine[0].message
        );
    }

    #[test]
    fn milli_values_as_text() {
        assert_eq!(milli_text(1004), "1.004");
        assert_eq!(milli_text(500), "0.5");
        assert_eq!(milli_text(0), "0");
        assert_eq!(milli_text(-2500), "-2.5");
        assert_eq!(milli_text(i64::MIN), "-9223372036854775.808");
        assert_eq!(exact_milli(1.005), Some(1005));
        assert_eq!(exact_milli(0.0015), None);
        assert_eq!(exact_milli(1e300), None);
    }
}
