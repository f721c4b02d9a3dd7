//! The decision functions of KEDA's `ScaledObject` handling, as pure functions.
//!
//! KEDA does two separate things for a `ScaledObject`, and this module models both:
//!
//! * **Activation** (0 ↔ N): every polling interval it asks the triggers whether they are active and, in
//!   [`request_scale`], moves the workload between zero (or the idle count) and the HPA's range. The HPA never
//!   leaves zero on its own: at zero replicas it reports "scaling disabled".
//! * **Metric serving** (1 ↔ N is the HPA's job): it serves each trigger's value to the HPA through the external
//!   metrics API, in milli-units ([`metric_value_milli`]), substituting a synthetic value when a trigger keeps
//!   failing and a fallback is configured ([`get_metrics_with_fallback`]).
//!
//! Each function names the KEDA Go function it mirrors. Where releases differ, the function takes the
//! [`KedaVersion`] and asks it (see [`super::versions`] for each difference and the change that made it); the
//! simulator runs the plan's target (by default 2.17.0, the release OCI AI Blueprints installs). Time is whole
//! seconds (`i64`); Go's `a.Before(b)` is `a < b` here.

use std::fmt;

pub use super::go::go_int64;
use super::go::milli_to_f64;
use super::modifiers::ScalingModifiers;
use super::versions::{HpaHealthReporting, KedaVersion};

/// Seconds between two activity checks when `pollingInterval` is unset.
pub const DEFAULT_POLLING_INTERVAL_SECONDS: i32 = 30;

/// Seconds of inactivity before scaling to zero when `cooldownPeriod` is unset.
pub const DEFAULT_COOLDOWN_PERIOD_SECONDS: i32 = 300;

/// Seconds after creation before a never-active object may scale to zero when `initialCooldownPeriod` is unset.
pub const DEFAULT_INITIAL_COOLDOWN_PERIOD_SECONDS: i32 = 0;

/// `minReplicaCount` when unset.
pub const DEFAULT_MIN_REPLICA_COUNT: i32 = 0;

/// The HPA's `minReplicas` when `minReplicaCount` is unset or 0 (an HPA cannot go below 1).
pub const DEFAULT_HPA_MIN_REPLICAS: i32 = 1;

/// The HPA's `maxReplicas` when `maxReplicaCount` is unset.
pub const DEFAULT_HPA_MAX_REPLICAS: i32 = 100;

/// The Prometheus trigger's `activationThreshold` when unset.
pub const DEFAULT_ACTIVATION_THRESHOLD: f64 = 0.0;

/// The Prometheus trigger's `ignoreNullValues` when unset.
pub const DEFAULT_IGNORE_NULL_VALUES: bool = true;

/// How long after an HPA's creation 2.20.0 and 2.20.1 ignore its health (`hpaHealthGracePeriod`).
pub const HPA_HEALTH_GRACE_PERIOD_SECONDS: i64 = 60;

// ---------------------------------------------------------------------------------------------------------------
// Trigger values
// ---------------------------------------------------------------------------------------------------------------

/// Why a trigger produced no value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MetricError {
    /// The query returned no series (and `ignoreNullValues` is off).
    EmptyResult,
    /// The query returned NaN or ±Inf (and `ignoreNullValues` is off).
    NonFiniteValue,
    /// The scaler failed for any other reason (server unreachable, non-2xx, several series, …).
    ScalerFailed,
    /// A fallback was due but could not be computed (a `Value` target with no ready replica).
    FallbackFailed,
}

impl MetricError {
    /// A short, stable identifier.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            MetricError::EmptyResult => "empty-result",
            MetricError::NonFiniteValue => "non-finite-value",
            MetricError::ScalerFailed => "scaler-failed",
            MetricError::FallbackFailed => "fallback-failed",
        }
    }
}

impl fmt::Display for MetricError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            MetricError::EmptyResult => "the query returned no result",
            MetricError::NonFiniteValue => "the query returned NaN or an infinite value",
            MetricError::ScalerFailed => "the scaler could not get a value",
            MetricError::FallbackFailed => "the fallback value could not be computed",
        };
        f.write_str(text)
    }
}

impl std::error::Error for MetricError {}

/// What Prometheus answered to a trigger's instant query, as the scaler decodes it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum PromResult {
    /// A status outside 2xx, or no answer at all.
    HttpError,
    /// `data.result` is empty (or absent).
    NoResult,
    /// Several series: a trigger's query must return one.
    MultipleResults,
    /// One series whose `value` is an empty list.
    EmptyValue,
    /// One series whose `value` has fewer than two elements.
    ShortValue,
    /// One series whose sample is JSON `null`.
    NullSample,
    /// One series whose sample text is not a number.
    UnparsableSample,
    /// One series with a numeric sample (`"NaN"`, `"+Inf"` and `"-Inf"` included).
    Sample(f64),
}

/// The value of a Prometheus trigger for what the query returned.
///
/// Mirrors the result handling of `(*prometheusScaler).ExecutePromQuery` in KEDA `pkg/scalers/prometheus_scaler.go`.
/// With `ignoreNullValues` (the default) an empty result or an empty value list reads as 0, so a quiet service
/// deactivates instead of erroring; without it they are errors. ±Inf is handled the same way; NaN too from 2.20.0
/// ([`KedaVersion::prometheus_nan_as_null`]), before which it passes through as a value. A `null` sample leaves
/// the scaler's initial value, -1, without an error. Negative values pass through.
///
/// # Errors
///
/// [`MetricError::EmptyResult`] or [`MetricError::NonFiniteValue`] when `ignore_null_values` is off, and
/// [`MetricError::ScalerFailed`] for an HTTP error, several series, a short or unparsable sample.
pub fn execute_prom_query(
    version: KedaVersion,
    result: PromResult,
    ignore_null_values: bool,
) -> Result<f64, MetricError> {
    let null = |error| {
        if ignore_null_values {
            Ok(0.0)
        } else {
            Err(error)
        }
    };
    match result {
        PromResult::HttpError
        | PromResult::MultipleResults
        | PromResult::ShortValue
        | PromResult::UnparsableSample => Err(MetricError::ScalerFailed),
        PromResult::NoResult | PromResult::EmptyValue => null(MetricError::EmptyResult),
        PromResult::NullSample => Ok(-1.0),
        PromResult::Sample(value)
            if value.is_infinite() || (value.is_nan() && version.prometheus_nan_as_null()) =>
        {
            null(MetricError::NonFiniteValue)
        }
        PromResult::Sample(value) => Ok(value),
    }
}

/// [`execute_prom_query`] for a query that returned one sample (`Some`) or no series (`None`).
///
/// # Errors
///
/// As [`execute_prom_query`].
pub fn prometheus_value(
    version: KedaVersion,
    result: Option<f64>,
    ignore_null_values: bool,
) -> Result<f64, MetricError> {
    let result = result.map_or(PromResult::NoResult, PromResult::Sample);
    execute_prom_query(version, result, ignore_null_values)
}

/// Whether a trigger value activates the workload: strictly above `activationThreshold`.
///
/// Mirrors the activity test of `(*prometheusScaler).GetMetricsAndActivity` in KEDA
/// `pkg/scalers/prometheus_scaler.go`. It is strict, so with the default threshold 0 any positive value (even
/// 0.5) activates and exactly 0 does not; it uses the raw value, before milli rounding, and NaN never activates.
#[must_use]
pub fn is_active(value: f64, activation_threshold: f64) -> bool {
    value > activation_threshold
}

/// A float rendered with three decimals (Go's `"%.3f"`, which Rust's `{:.3}` matches digit for digit) and read
/// back as milli-units, saturating at the `i64` bounds.
fn quantity_milli_from_text(value: f64) -> i64 {
    let text = format!("{value:.3}");
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.as_str()),
    };
    let mut milli: i64 = 0;
    for digit in digits.bytes().filter(u8::is_ascii_digit) {
        match milli
            .checked_mul(10)
            .and_then(|shifted| shifted.checked_add(i64::from(digit - b'0')))
        {
            Some(next) => milli = next,
            None => return if negative { i64::MIN } else { i64::MAX },
        }
    }
    if negative { -milli } else { milli }
}

/// A float as a milli-quantity, the way a release builds metric values and targets.
fn quantity_milli(version: KedaVersion, value: f64) -> i64 {
    if !version.quantity_from_text() {
        return go_int64(value * 1000.0);
    }
    if !value.is_finite() || (value < 0.0 && version.negative_metrics_as_zero()) {
        return 0;
    }
    quantity_milli_from_text(value)
}

/// The HPA target for a trigger threshold, in milli-units.
///
/// Mirrors `GetMetricTargetMili` in KEDA `pkg/scalers/scaler.go`. Up to 2.19 it is `int64(threshold × 1000)`,
/// truncated (0.0005 → 0, 2.5555 → 2555, and 1.005 → 1004 because 1.005 × 1000 is just below 1005 in binary).
/// From 2.20.0 the threshold is printed with three decimals and parsed as a quantity, so it is rounded half to
/// even on the exact binary value (0.0005 → 1, 1.005 → 1005), and NaN and ±Inf give 0; from 2.20.2 a negative
/// threshold gives 0 too.
#[must_use]
pub fn metric_target_milli(version: KedaVersion, threshold: f64) -> i64 {
    quantity_milli(version, threshold)
}

/// The value KEDA serves to the HPA for a trigger value, in milli-units.
///
/// Mirrors `GenerateMetricInMili` in KEDA `pkg/scalers/scaler.go`, with the same conversion as
/// [`metric_target_milli`]: truncated up to 2.19 (where NaN becomes `i64::MIN` on amd64, a value the HPA reads
/// as hugely negative), rounded with NaN and ±Inf as 0 from 2.20.0, and negatives as 0 from 2.20.2
/// ([`KedaVersion::negative_metrics_as_zero`]).
#[must_use]
pub fn metric_value_milli(version: KedaVersion, value: f64) -> i64 {
    quantity_milli(version, value)
}

/// The HPA's `minReplicas` for a `minReplicaCount`: the count itself when positive, else 1.
///
/// Mirrors `GetHPAMinReplicas` in KEDA `apis/keda/v1alpha1/scaledobject_types.go`. Zero is KEDA's business
/// (activation), never the HPA's.
#[must_use]
pub fn hpa_min_replicas(min_replica_count: Option<i32>) -> i32 {
    match min_replica_count {
        Some(min) if min > 0 => min,
        _ => DEFAULT_HPA_MIN_REPLICAS,
    }
}

/// The HPA's `maxReplicas` for a `maxReplicaCount`: the count itself, or 100 when unset.
///
/// Mirrors `GetHPAMaxReplicas` in KEDA `apis/keda/v1alpha1/scaledobject_types.go`.
#[must_use]
pub fn hpa_max_replicas(max_replica_count: Option<i32>) -> i32 {
    max_replica_count.unwrap_or(DEFAULT_HPA_MAX_REPLICAS)
}

/// Why the replica counts of a `ScaledObject` were refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReplicaCountError {
    /// `minReplicaCount` above `maxReplicaCount`.
    #[error("MinReplicaCount={min} must be less than MaxReplicaCount={max}")]
    MinAboveMax {
        /// The HPA minimum.
        min: i32,
        /// The HPA maximum.
        max: i32,
    },
    /// `idleReplicaCount` not below `minReplicaCount`.
    #[error("IdleReplicaCount={idle} must be less than MinReplicaCount={min}")]
    IdleNotBelowMin {
        /// The idle count.
        idle: i32,
        /// The minimum.
        min: i32,
    },
}

/// The admission check of the replica counts.
///
/// Mirrors `CheckReplicaCountBoundsAreValid` in KEDA `apis/keda/v1alpha1/scaledobject_types.go`: the HPA minimum
/// (0 when `minReplicaCount` is unset) may not exceed the maximum, and an idle count must be below the minimum.
///
/// # Errors
///
/// The first rule that fails.
pub fn check_replica_count_bounds_are_valid(
    spec: &ScaledObjectSpec,
) -> Result<(), ReplicaCountError> {
    let min = match spec.min_replica_count {
        Some(_) => hpa_min_replicas(spec.min_replica_count),
        None => 0,
    };
    let max = hpa_max_replicas(spec.max_replica_count);
    if min > max {
        return Err(ReplicaCountError::MinAboveMax { min, max });
    }
    match spec.idle_replica_count {
        Some(idle) if idle >= min => Err(ReplicaCountError::IdleNotBelowMin { idle, min }),
        _ => Ok(()),
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Activity
// ---------------------------------------------------------------------------------------------------------------

/// Activity and error state of a `ScaledObject` for one poll.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ScaledObjectState {
    /// At least one trigger answered and is active.
    pub is_active: bool,
    /// At least one trigger failed.
    pub is_error: bool,
}

/// Combines the answers of triggers that are all External (`Ok(active)` or the error): [`get_scaled_object_state`]
/// without `cpu`/`memory` triggers and without modifiers.
#[must_use]
pub fn scaled_object_state(triggers: &[Result<bool, MetricError>]) -> ScaledObjectState {
    get_scaled_object_state(triggers, 0, None)
}

/// Combines the triggers' answers of one poll into the object's activity.
///
/// Mirrors the aggregation in `(*scaleHandler).getScaledObjectState` in KEDA `pkg/scaling/scale_handler.go`:
/// `external` holds each External trigger's answer; any active one activates the object, any failing one flags
/// an error, and a failing trigger is never active. `resource_triggers` counts the `cpu`/`memory` triggers, which
/// the loop does not query: an object with only those (and no error) is always active, since nothing else could
/// wake it. With modifiers, `composite` is whether the composite metric is active ([`super::modifiers::composite_is_active`]),
/// `None` when the formula gave no metric; it replaces the triggers' own activity, and an error makes the object
/// inactive.
#[must_use]
pub fn get_scaled_object_state(
    external: &[Result<bool, MetricError>],
    resource_triggers: usize,
    composite: Option<Option<bool>>,
) -> ScaledObjectState {
    let is_error = external.iter().any(Result::is_err);
    let mut is_active = external.iter().any(|trigger| matches!(trigger, Ok(true)));
    if let Some(composite) = composite {
        is_active = !is_error && composite.unwrap_or(false);
    }
    if external.is_empty() && resource_triggers > 0 && !is_error {
        is_active = true;
    }
    ScaledObjectState {
        is_active,
        is_error,
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Fallback
// ---------------------------------------------------------------------------------------------------------------

/// How a fallback picks its replica count.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum FallbackBehavior {
    /// Always `fallback.replicas` (the default).
    #[default]
    Static,
    /// The current replica count, whatever `fallback.replicas` says.
    CurrentReplicas,
    /// The larger of the current count and `fallback.replicas`.
    CurrentReplicasIfHigher,
    /// The smaller of the current count and `fallback.replicas`.
    CurrentReplicasIfLower,
    /// 2.20.0: failing triggers read as nil in the `scalingModifiers` formula, which decides (with `??`).
    ScalingModifiers,
}

impl FallbackBehavior {
    /// The API spelling.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            FallbackBehavior::Static => "static",
            FallbackBehavior::CurrentReplicas => "currentReplicas",
            FallbackBehavior::CurrentReplicasIfHigher => "currentReplicasIfHigher",
            FallbackBehavior::CurrentReplicasIfLower => "currentReplicasIfLower",
            FallbackBehavior::ScalingModifiers => "scalingModifiers",
        }
    }
}

/// `spec.fallback` of a `ScaledObject`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Fallback {
    /// Consecutive failures tolerated before the fallback applies (it applies from failure `threshold + 1`).
    pub failure_threshold: i32,
    /// The replica count to fall back to.
    pub replicas: i32,
    /// How the count is chosen.
    pub behavior: FallbackBehavior,
}

/// How the HPA reads a trigger's value (`metricType`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum MetricType {
    /// Divided by the pod count (KEDA's default).
    #[default]
    AverageValue,
    /// Taken as a total for the workload.
    Value,
    /// A percentage of the pods' requests: only `cpu`/`memory` triggers use it.
    Utilization,
}

/// A trigger's HPA target: its type and its milli-value (see [`metric_target_milli`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct TriggerTarget {
    /// `metricType` of the trigger.
    pub metric_type: MetricType,
    /// The target in milli-units.
    pub target_milli: i64,
}

/// The replica count a fallback aims at.
///
/// The behavior switch of `doFallback` in KEDA `pkg/fallback/fallback.go` (`scalingModifiers` has no count of its
/// own; the formula's nil value uses `fallback.replicas`).
#[must_use]
pub fn fallback_replicas(fallback: &Fallback, current_replicas: i32) -> i32 {
    match fallback.behavior {
        FallbackBehavior::Static | FallbackBehavior::ScalingModifiers => fallback.replicas,
        FallbackBehavior::CurrentReplicas => current_replicas,
        FallbackBehavior::CurrentReplicasIfHigher => current_replicas.max(fallback.replicas),
        FallbackBehavior::CurrentReplicasIfLower => current_replicas.min(fallback.replicas),
    }
}

/// Everything about a `ScaledObject` the fallback reads, for one trigger metric.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FallbackContext<'a> {
    /// The KEDA release.
    pub version: KedaVersion,
    /// `spec.fallback`.
    pub fallback: Option<&'a Fallback>,
    /// The metric's HPA target.
    pub target: TriggerTarget,
    /// `spec.advanced.scalingModifiers`, when set.
    pub modifiers: Option<&'a ScalingModifiers>,
    /// The workload's `spec.replicas`.
    pub current_replicas: i32,
    /// Pods running and ready (the divisor of a `Value` fallback).
    pub ready_replicas: i32,
}

impl FallbackContext<'_> {
    /// The metric type the fallback computes for: the modifiers' (unset reads as `AverageValue`), else the
    /// trigger's.
    fn metric_type(&self) -> MetricType {
        match self.modifiers.filter(|m| m.is_using_modifiers()) {
            Some(modifiers) => modifiers.metric_type.unwrap_or_default(),
            None => self.target.metric_type,
        }
    }
}

/// Whether this metric's failures are handled by the fallback at all.
///
/// Mirrors `isFallbackEnabled` in KEDA `pkg/fallback/fallback.go`. From 2.18.0 a configured fallback is enough;
/// 2.17 also needs an `AverageValue` target (the modifiers' `metricType` when modifiers are used), else the
/// metric fails as if there were no fallback ([`KedaVersion::value_fallback`]).
#[must_use]
pub fn is_fallback_enabled(context: &FallbackContext<'_>) -> bool {
    if context.fallback.is_none() {
        return false;
    }
    context.version.value_fallback() || context.metric_type() == MetricType::AverageValue
}

/// Whether a fallback is usable: non-negative threshold and replicas, and with modifiers an integer target
/// above 0.
///
/// Mirrors `HasValidFallback` in KEDA `pkg/fallback/fallback.go` (the modifiers' target is read with
/// `ParseInt`, so `"2.5"` invalidates the fallback). An invalid fallback behaves as if there were none, and its
/// failures are not counted.
#[must_use]
pub fn has_valid_fallback(fallback: &Fallback, modifiers: Option<&ScalingModifiers>) -> bool {
    let modifier_checking = match modifiers.filter(|m| m.is_using_modifiers()) {
        Some(modifiers) => modifiers
            .target
            .parse::<i64>()
            .is_ok_and(|target| target > 0),
        None => true,
    };
    fallback.failure_threshold >= 0 && fallback.replicas >= 0 && modifier_checking
}

/// One trigger as the fallback admission check reads it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct TriggerSpec {
    /// A `cpu` or `memory` trigger.
    pub resource_metric: bool,
    /// `metricType` as written (`None`: unset).
    pub metric_type: Option<MetricType>,
}

/// Why `spec.fallback` was refused at admission.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FallbackInvalid {
    /// A negative threshold or replica count.
    #[error(
        "FailureThreshold={failure_threshold} & Replicas={replicas} must both be greater than or equal to 0"
    )]
    Negative {
        /// `failureThreshold`.
        failure_threshold: i32,
        /// `replicas`.
        replicas: i32,
    },
    /// No trigger the fallback could apply to.
    #[error(
        "at least one trigger (that is not cpu or memory) has to have the `AverageValue` type for the fallback to be enabled"
    )]
    NoAverageValueTrigger,
    /// 2.17: modifiers with `metricType: Value`.
    #[error(
        "when using ScalingModifiers, ScaledObject.Spec.Advanced.ScalingModifiers.MetricType must be AverageValue to have fallback enabled"
    )]
    ModifiersNotAverageValue,
}

/// The admission check of `spec.fallback`.
///
/// Mirrors `CheckFallbackValid` in KEDA `apis/keda/v1alpha1/scaledobject_types.go`: threshold and replicas must
/// not be negative; without modifiers a trigger other than `cpu`/`memory` must be able to fall back
/// ([`KedaVersion::fallback_allowed`]: 2.17 wants `AverageValue`, 2.18.0 any such trigger); with modifiers 2.17
/// refuses `metricType: Value` and later releases accept them.
///
/// # Errors
///
/// The first rule that fails.
pub fn check_fallback_valid(
    version: KedaVersion,
    fallback: Option<&Fallback>,
    triggers: &[TriggerSpec],
    modifiers: Option<&ScalingModifiers>,
) -> Result<(), FallbackInvalid> {
    let Some(fallback) = fallback else {
        return Ok(());
    };
    if fallback.failure_threshold < 0 || fallback.replicas < 0 {
        return Err(FallbackInvalid::Negative {
            failure_threshold: fallback.failure_threshold,
            replicas: fallback.replicas,
        });
    }
    if let Some(modifiers) = modifiers.filter(|m| m.is_using_modifiers()) {
        if !version.value_fallback() && modifiers.metric_type == Some(MetricType::Value) {
            return Err(FallbackInvalid::ModifiersNotAverageValue);
        }
        return Ok(());
    }
    let metric_types: Vec<Option<MetricType>> = triggers
        .iter()
        .filter(|trigger| !trigger.resource_metric)
        .map(|trigger| trigger.metric_type)
        .collect();
    if version.fallback_allowed(&metric_types) {
        Ok(())
    } else {
        Err(FallbackInvalid::NoAverageValueTrigger)
    }
}

/// Why the admission webhook refuses a `ScaledObject`, among the checks that concern scaling.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AdmissionError {
    /// `verifyReplicaCount`.
    #[error(transparent)]
    ReplicaCount(#[from] ReplicaCountError),
    /// `verifyFallback`.
    #[error(transparent)]
    Fallback(#[from] FallbackInvalid),
    /// The `scalingModifiers` check.
    #[error(transparent)]
    Modifiers(#[from] super::modifiers::ModifiersError),
    /// 2.20: `fallback.behavior: scalingModifiers` without a formula.
    #[error("scalingModifiers fallback behavior requires scalingModifiers.formula to be defined")]
    ScalingModifiersFallbackWithoutFormula,
}

/// The admission webhook's checks that concern scaling, in its order.
///
/// Mirrors the scaling part of `validateWorkload` in KEDA `apis/keda/v1alpha1/scaledobject_webhook.go`:
/// `verifyReplicaCount` ([`check_replica_count_bounds_are_valid`], which refuses from 2.20.0 only:
/// [`KedaVersion::admission_refuses_replica_bounds`]), `verifyFallback` ([`check_fallback_valid`]),
/// and in `verifyScaledObjects` the modifiers' check
/// ([`super::modifiers::validate_and_compile_scaling_modifiers`]) and, from 2.20.0, the rule that the
/// `scalingModifiers` fallback behavior needs a formula. The checks of other objects in the cluster (HPA
/// ownership, workload resource requests) are not modelled.
///
/// # Errors
///
/// The first check that fails.
pub fn validate_scaled_object(
    version: KedaVersion,
    spec: &ScaledObjectSpec,
    triggers: &[TriggerSpec],
    formula_triggers: &[super::modifiers::FormulaTrigger<'_>],
    modifiers: Option<&ScalingModifiers>,
) -> Result<(), AdmissionError> {
    if version.admission_refuses_replica_bounds() {
        check_replica_count_bounds_are_valid(spec)?;
    }
    check_fallback_valid(version, spec.fallback.as_ref(), triggers, modifiers)?;
    let using = modifiers.filter(|m| m.is_using_modifiers());
    if let Some(modifiers) = using {
        super::modifiers::validate_and_compile_scaling_modifiers(
            version,
            modifiers,
            formula_triggers,
        )?;
    }
    let modifiers_fallback = spec
        .fallback
        .is_some_and(|fallback| fallback.behavior == FallbackBehavior::ScalingModifiers);
    if version.scaling_modifiers_fallback()
        && modifiers_fallback
        && using.is_none_or(|m| m.formula.is_empty())
    {
        return Err(AdmissionError::ScalingModifiersFallbackWithoutFormula);
    }
    Ok(())
}

/// The synthetic metric value, in milli-units, that makes the HPA land on the fallback's replica count.
///
/// Mirrors `doFallback` in KEDA `pkg/fallback/fallback.go`: `target × replicas` for an `AverageValue` target
/// (the HPA then computes `ceil(value / target) = replicas`), `target × replicas / ready` for a `Value` target
/// (the HPA multiplies the ratio by the ready pods). With modifiers the target is the modifiers' `target`. From
/// 2.18.0 the product is computed in `f64` and truncated to milli-units; 2.17 first truncates the target to an
/// integer, so a fractional threshold falls back to less than intended (0.5 → 0)
/// ([`KedaVersion::fractional_fallback_target`]).
///
/// # Errors
///
/// [`MetricError::FallbackFailed`] for a `Value` target while no replica is ready (KEDA cannot divide and
/// serves an error instead), or for the `scalingModifiers` behavior, which has no synthetic value.
pub fn fallback_metric_value(context: &FallbackContext<'_>) -> Result<i64, MetricError> {
    let Some(fallback) = context.fallback else {
        return Err(MetricError::FallbackFailed);
    };
    if fallback.behavior == FallbackBehavior::ScalingModifiers {
        return Err(MetricError::FallbackFailed);
    }
    let count = fallback_replicas(fallback, context.current_replicas);
    let modifiers_target = context.modifiers.filter(|m| m.is_using_modifiers());
    if !context.version.fractional_fallback_target() {
        let normalisation = match modifiers_target {
            Some(modifiers) => modifiers.target.parse::<i64>().unwrap_or(0),
            None => go_int64(milli_to_f64(context.target.target_milli) / 1000.0),
        };
        return Ok(normalisation
            .wrapping_mul(1000)
            .wrapping_mul(i64::from(count)));
    }
    let mut replicas = f64::from(count);
    if context.metric_type() == MetricType::Value {
        if context.ready_replicas <= 0 {
            return Err(MetricError::FallbackFailed);
        }
        replicas /= f64::from(context.ready_replicas);
    }
    let normalisation = match modifiers_target {
        Some(modifiers) => super::modifiers::go_parse_float(&modifiers.target).unwrap_or(0.0),
        None => milli_to_f64(context.target.target_milli) * 0.001,
    };
    Ok(go_int64(normalisation * 1000.0 * replicas))
}

/// Health of one trigger metric, kept in `status.health` of the `ScaledObject`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct MetricHealth {
    /// Consecutive failed reads.
    pub number_of_failures: i32,
    /// Whether the last read failed (`Failing`; else `Happy`).
    pub failing: bool,
}

/// A metric value handed to the HPA.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ServedMetric {
    /// The value in milli-units.
    pub value_milli: i64,
    /// Whether it is the fallback's synthetic value rather than a real reading.
    pub fallback_active: bool,
}

/// The placeholder the `scalingModifiers` fallback behavior serves for a failing trigger: -1, in milli-units. The
/// formula never sees it (the trigger reads as nil).
pub const SCALING_MODIFIERS_PLACEHOLDER_MILLI: i64 = -1000;

/// Serves one trigger metric, counting failures and substituting the fallback when due.
///
/// Mirrors `GetMetricsWithFallback` in KEDA `pkg/fallback/fallback.go`. Health is tracked only when the fallback
/// is enabled ([`is_fallback_enabled`]) and valid ([`has_valid_fallback`]): a successful read resets it; a failed
/// read increments the failure count, and once the count exceeds `failureThreshold` the synthetic value of
/// [`fallback_metric_value`] is served instead of the error (under the `scalingModifiers` behavior, the
/// placeholder [`SCALING_MODIFIERS_PLACEHOLDER_MILLI`], not marked as a fallback). Until then (and always without
/// a fallback) the error is passed on: the HPA keeps the replica count or, with other metrics working, at least
/// never scales down.
///
/// # Errors
///
/// The reading's error while no fallback applies, or [`MetricError::FallbackFailed`] when the fallback value
/// cannot be computed.
pub fn get_metrics_with_fallback(
    context: &FallbackContext<'_>,
    health: &mut MetricHealth,
    reading: Result<i64, MetricError>,
) -> Result<ServedMetric, MetricError> {
    let fallback = context.fallback.filter(|fallback| {
        is_fallback_enabled(context) && has_valid_fallback(fallback, context.modifiers)
    });
    let error = match reading {
        Ok(value_milli) => {
            if fallback.is_some() {
                *health = MetricHealth::default();
            }
            return Ok(ServedMetric {
                value_milli,
                fallback_active: false,
            });
        }
        Err(error) => error,
    };
    let Some(fallback) = fallback else {
        return Err(error);
    };
    health.number_of_failures = health.number_of_failures.saturating_add(1);
    health.failing = true;
    if health.number_of_failures <= fallback.failure_threshold {
        return Err(error);
    }
    if fallback.behavior == FallbackBehavior::ScalingModifiers
        && context.version.scaling_modifiers_fallback()
    {
        return Ok(ServedMetric {
            value_milli: SCALING_MODIFIERS_PLACEHOLDER_MILLI,
            fallback_active: false,
        });
    }
    let value_milli = fallback_metric_value(context)?;
    Ok(ServedMetric {
        value_milli,
        fallback_active: true,
    })
}

/// Whether some metric is failing beyond the threshold: the test behind the `Fallback` condition.
///
/// Mirrors `fallbackExceededThreshold` (2.20; `fallbackExistsInScaledObject` before) in KEDA `pkg/fallback/fallback.go`.
#[must_use]
pub fn fallback_exceeded_threshold(healths: &[MetricHealth], failure_threshold: i32) -> bool {
    healths
        .iter()
        .any(|health| health.failing && health.number_of_failures > failure_threshold)
}

/// The `Fallback` condition after one metric read: `Some(true)` (`FallbackExists`), `Some(false)`
/// (`NoFallbackFound`), or `None` when the condition is left as it was (no enabled, valid fallback).
///
/// Mirrors the condition update of `updateStatus` in KEDA `pkg/fallback/fallback.go`. `before` and `after` are the
/// health of every metric before and after the read; up to 2.19 the condition is computed from `before`, so it
/// turns on one read after the fallback does ([`KedaVersion::fallback_condition_from_updated_status`]).
#[must_use]
pub fn fallback_condition(
    context: &FallbackContext<'_>,
    before: &[MetricHealth],
    after: &[MetricHealth],
) -> Option<bool> {
    let fallback = context.fallback?;
    if !is_fallback_enabled(context) || !has_valid_fallback(fallback, context.modifiers) {
        return None;
    }
    let healths = if context.version.fallback_condition_from_updated_status() {
        after
    } else {
        before
    };
    Some(fallback_exceeded_threshold(
        healths,
        fallback.failure_threshold,
    ))
}

/// One trigger's answer to a poll.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ScalerState {
    /// Whether the trigger counts as active.
    pub is_active: bool,
    /// The error the loop sees, if any.
    pub error: Option<MetricError>,
    /// Whether the fallback stood in for a failing read.
    pub fallback_active: bool,
}

impl ScalerState {
    /// The answer as [`get_scaled_object_state`] takes it.
    pub fn answer(self) -> Result<bool, MetricError> {
        match self.error {
            Some(error) => Err(error),
            None => Ok(self.is_active),
        }
    }
}

/// One trigger's answer to the polling loop.
///
/// Mirrors `(*scaleHandler).getScalerState` in KEDA `pkg/scaling/scale_handler.go`. `reading` is the scaler's
/// value in milli-units and whether it is active, or its error. Up to 2.18 the loop takes it as it is and leaves
/// the health alone. From 2.19.0 the read also goes through [`get_metrics_with_fallback`], on the same health
/// as the HPA's reads: a failing trigger whose fallback is due is active and not an error, which lets the
/// object scale up from zero ([`KedaVersion::fallback_in_polling_loop`]).
pub fn get_scaler_state(
    context: &FallbackContext<'_>,
    health: &mut MetricHealth,
    reading: Result<(i64, bool), MetricError>,
) -> ScalerState {
    if !context.version.fallback_in_polling_loop() {
        return match reading {
            Ok((_, active)) => ScalerState {
                is_active: active,
                error: None,
                fallback_active: false,
            },
            Err(error) => ScalerState {
                is_active: false,
                error: Some(error),
                fallback_active: false,
            },
        };
    }
    let active = reading.is_ok_and(|(_, active)| active);
    match get_metrics_with_fallback(context, health, reading.map(|(milli, _)| milli)) {
        Ok(served) => ScalerState {
            is_active: served.fallback_active || active,
            error: None,
            fallback_active: served.fallback_active,
        },
        Err(error) => ScalerState {
            is_active: false,
            error: Some(error),
            fallback_active: false,
        },
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Annotations
// ---------------------------------------------------------------------------------------------------------------

/// `autoscaling.keda.sh/paused`.
pub const PAUSED_ANNOTATION: &str = "autoscaling.keda.sh/paused";
/// `autoscaling.keda.sh/paused-replicas`.
pub const PAUSED_REPLICAS_ANNOTATION: &str = "autoscaling.keda.sh/paused-replicas";
/// `autoscaling.keda.sh/paused-scale-in` (2.18.0).
pub const PAUSED_SCALE_IN_ANNOTATION: &str = "autoscaling.keda.sh/paused-scale-in";
/// `autoscaling.keda.sh/paused-scale-out` (2.18.0).
pub const PAUSED_SCALE_OUT_ANNOTATION: &str = "autoscaling.keda.sh/paused-scale-out";
/// `autoscaling.keda.sh/force-activation` (2.18.0).
pub const FORCE_ACTIVATION_ANNOTATION: &str = "autoscaling.keda.sh/force-activation";

/// Go's `strconv.ParseBool`.
#[must_use]
pub fn go_parse_bool(text: &str) -> Option<bool> {
    match text {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Some(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Some(false),
        _ => None,
    }
}

fn annotation<'a>(annotations: &[(&str, &'a str)], key: &str) -> Option<&'a str> {
    annotations
        .iter()
        .find(|(name, _)| *name == key)
        .map(|(_, value)| *value)
}

/// A boolean annotation: absent is false, a value that is not a boolean is true.
///
/// Mirrors `getBoolAnnotation` in KEDA `apis/keda/v1alpha1/scaledobject_types.go`.
#[must_use]
pub fn get_bool_annotation(annotations: &[(&str, &str)], key: &str) -> bool {
    annotation(annotations, key).is_some_and(|value| go_parse_bool(value).unwrap_or(true))
}

/// Whether `paused-replicas` is present, whatever its value.
///
/// Mirrors `(*ScaledObject).HasPausedReplicaAnnotation` in KEDA `apis/keda/v1alpha1/scaledobject_types.go` (2.17).
#[must_use]
pub fn has_paused_replica_annotation(annotations: &[(&str, &str)]) -> bool {
    annotation(annotations, PAUSED_REPLICAS_ANNOTATION).is_some()
}

/// Whether `paused` or `paused-replicas` is present, whatever its value.
///
/// Mirrors `(*ScaledObject).HasPausedAnnotation` in KEDA `apis/keda/v1alpha1/scaledobject_types.go`.
#[must_use]
pub fn has_paused_annotation(annotations: &[(&str, &str)]) -> bool {
    annotation(annotations, PAUSED_ANNOTATION).is_some()
        || annotation(annotations, PAUSED_REPLICAS_ANNOTATION).is_some()
}

/// The `paused-replicas` count, `Ok(None)` when absent.
///
/// Mirrors `GetPausedReplicaCount` (the executor's up to 2.19, the `ScaledObject` method from 2.20) in KEDA.
///
/// # Errors
///
/// The text when it is not a 32-bit integer.
pub fn get_paused_replica_count(annotations: &[(&str, &str)]) -> Result<Option<i32>, String> {
    match annotation(annotations, PAUSED_REPLICAS_ANNOTATION) {
        None => Ok(None),
        Some(text) => text.parse().map(Some).map_err(|_| text.to_owned()),
    }
}

/// Whether the object is paused by its annotations.
///
/// Mirrors `(*ScaledObject).NeedToBePausedByAnnotation` in KEDA `apis/keda/v1alpha1/scaledobject_types.go`: a
/// `paused-replicas` annotation pauses (2.17: only once `status.pausedReplicaCount` is set,
/// [`KedaVersion::paused_replicas_pause_at_once`]), else `paused` as a boolean annotation.
#[must_use]
pub fn need_to_be_paused_by_annotation(
    version: KedaVersion,
    annotations: &[(&str, &str)],
    status_paused_replica_count: Option<i32>,
) -> bool {
    if annotation(annotations, PAUSED_REPLICAS_ANNOTATION).is_some() {
        return version.paused_replicas_pause_at_once() || status_paused_replica_count.is_some();
    }
    get_bool_annotation(annotations, PAUSED_ANNOTATION)
}

/// Annotations on a `ScaledObject` that change the scale loop, as booleans.
#[allow(
    clippy::struct_excessive_bools,
    reason = "each flag mirrors one independent annotation"
)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ScalingAnnotations {
    /// `autoscaling.keda.sh/paused`: the loop does nothing.
    pub paused: bool,
    /// `autoscaling.keda.sh/paused-replicas`: the workload is held at this count.
    pub paused_replicas: Option<i32>,
    /// `autoscaling.keda.sh/paused-scale-in` (2.18.0): no deactivation to zero/idle.
    pub paused_scale_in: bool,
    /// `autoscaling.keda.sh/paused-scale-out` (2.18.0): no activation from zero/idle.
    pub paused_scale_out: bool,
    /// `autoscaling.keda.sh/force-activation` (2.18.0): behave as active whatever the triggers say.
    pub force_activation: bool,
}

impl ScalingAnnotations {
    /// Reads the annotations a release knows: 2.17 has only `paused` and `paused-replicas`.
    ///
    /// # Errors
    ///
    /// The `paused-replicas` text when it is not an integer (the executor then refuses to scale).
    pub fn from_annotations(
        version: KedaVersion,
        annotations: &[(&str, &str)],
    ) -> Result<Self, String> {
        let newer = |key| version.scaling_annotations() && get_bool_annotation(annotations, key);
        Ok(ScalingAnnotations {
            paused: get_bool_annotation(annotations, PAUSED_ANNOTATION),
            paused_replicas: get_paused_replica_count(annotations)?,
            paused_scale_in: newer(PAUSED_SCALE_IN_ANNOTATION),
            paused_scale_out: newer(PAUSED_SCALE_OUT_ANNOTATION),
            force_activation: newer(FORCE_ACTIVATION_ANNOTATION),
        })
    }
}

// ---------------------------------------------------------------------------------------------------------------
// The scale loop
// ---------------------------------------------------------------------------------------------------------------

/// The fields of a `ScaledObject` the scale loop reads.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ScaledObjectSpec {
    /// `minReplicaCount`.
    pub min_replica_count: Option<i32>,
    /// `maxReplicaCount`.
    pub max_replica_count: Option<i32>,
    /// `idleReplicaCount`: where an inactive object rests instead of `minReplicaCount`.
    pub idle_replica_count: Option<i32>,
    /// `pollingInterval`, in seconds.
    pub polling_interval: Option<i32>,
    /// `cooldownPeriod`, in seconds.
    pub cooldown_period: Option<i32>,
    /// `initialCooldownPeriod`, in seconds.
    pub initial_cooldown_period: Option<i32>,
    /// `fallback`.
    pub fallback: Option<Fallback>,
    /// Scaling annotations.
    pub annotations: ScalingAnnotations,
}

impl ScaledObjectSpec {
    /// `minReplicaCount` with its default (0).
    #[must_use]
    pub fn min_replicas(&self) -> i32 {
        self.min_replica_count.unwrap_or(DEFAULT_MIN_REPLICA_COUNT)
    }

    /// `pollingInterval` with its default (30 s).
    #[must_use]
    pub fn polling_interval_seconds(&self) -> i64 {
        i64::from(
            self.polling_interval
                .unwrap_or(DEFAULT_POLLING_INTERVAL_SECONDS),
        )
    }

    /// `cooldownPeriod` with its default (300 s).
    #[must_use]
    pub fn cooldown_period_seconds(&self) -> i64 {
        i64::from(
            self.cooldown_period
                .unwrap_or(DEFAULT_COOLDOWN_PERIOD_SECONDS),
        )
    }

    /// `initialCooldownPeriod` with its default (0 s).
    #[must_use]
    pub fn initial_cooldown_period_seconds(&self) -> i64 {
        i64::from(
            self.initial_cooldown_period
                .unwrap_or(DEFAULT_INITIAL_COOLDOWN_PERIOD_SECONDS),
        )
    }

    /// The generated HPA's `minReplicas` ([`hpa_min_replicas`]).
    #[must_use]
    pub fn hpa_min_replicas(&self) -> i32 {
        hpa_min_replicas(self.min_replica_count)
    }

    /// The generated HPA's `maxReplicas` ([`hpa_max_replicas`]).
    #[must_use]
    pub fn hpa_max_replicas(&self) -> i32 {
        hpa_max_replicas(self.max_replica_count)
    }
}

/// What the scale loop does to the workload.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ScaleAction {
    /// Leave `spec.replicas` as it is (the HPA may still change it).
    #[default]
    NoChange,
    /// Set `spec.replicas` to this count.
    ScaleTo(i32),
}

/// Which branch of the scale loop was taken: why KEDA did (or did not) touch the workload.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KedaStep {
    /// The object is paused; nothing was evaluated.
    Paused,
    /// Up to 2.19: `paused-replicas` is set and the executor holds the workload at that count.
    PausedReplicas,
    /// Active while at zero (or below the minimum in idle mode): scaled up to the HPA's range.
    ScaleFromZeroOrIdle,
    /// Would have activated, but scale-out is paused.
    ScaleOutPaused,
    /// Active, but some trigger failed: no change, activity time not refreshed.
    PartialTriggerError,
    /// Active and in the HPA's range: activity time refreshed, the HPA is in charge.
    Active,
    /// Inactive with failing triggers and a non-zero fallback: held so the fallback can act through the HPA.
    AwaitingFallback,
    /// Inactive with failing triggers and no fallback: no change.
    TriggerError,
    /// Inactive for longer than the cooldown: scaled to the idle or minimum count.
    ScaleToZeroOrIdle,
    /// Would have deactivated, but scale-in is paused.
    ScaleInPaused,
    /// Inactive, but still within the cooldown.
    CoolingDown,
    /// Inactive and below `minReplicaCount` without idle mode: raised to the minimum.
    RestoreMinReplicas,
    /// Inactive and nothing to do.
    NoChange,
}

impl KedaStep {
    /// A short, stable identifier.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            KedaStep::Paused => "paused",
            KedaStep::PausedReplicas => "paused-replicas",
            KedaStep::ScaleFromZeroOrIdle => "scale-from-zero-or-idle",
            KedaStep::ScaleOutPaused => "scale-out-paused",
            KedaStep::PartialTriggerError => "partial-trigger-error",
            KedaStep::Active => "active",
            KedaStep::AwaitingFallback => "awaiting-fallback",
            KedaStep::TriggerError => "trigger-error",
            KedaStep::ScaleToZeroOrIdle => "scale-to-zero-or-idle",
            KedaStep::ScaleInPaused => "scale-in-paused",
            KedaStep::CoolingDown => "cooling-down",
            KedaStep::RestoreMinReplicas => "restore-min-replicas",
            KedaStep::NoChange => "no-change",
        }
    }

    /// The reason KEDA writes on the condition that reflects this step (`Paused`, `Ready` or `Active`).
    #[must_use]
    pub const fn condition_reason(self) -> &'static str {
        match self {
            KedaStep::Paused | KedaStep::PausedReplicas => "ScaledObjectPaused",
            KedaStep::ScaleFromZeroOrIdle | KedaStep::ScaleOutPaused | KedaStep::Active => {
                "ScalerActive"
            }
            KedaStep::PartialTriggerError => "PartialTriggerError",
            KedaStep::TriggerError => "TriggerError",
            KedaStep::CoolingDown => "ScalerCooldown",
            KedaStep::AwaitingFallback
            | KedaStep::ScaleToZeroOrIdle
            | KedaStep::ScaleInPaused
            | KedaStep::RestoreMinReplicas
            | KedaStep::NoChange => "ScalerNotActive",
        }
    }
}

impl fmt::Display for KedaStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The status of a condition.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ConditionStatus {
    /// `True`.
    True,
    /// `False`.
    False,
    /// `Unknown`.
    Unknown,
}

/// A condition KEDA sets on the `ScaledObject`: its status and reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Condition {
    /// `status`.
    pub status: ConditionStatus,
    /// `reason`.
    pub reason: &'static str,
}

impl Condition {
    const fn new(status: ConditionStatus, reason: &'static str) -> Self {
        Condition { status, reason }
    }
}

/// The `Ready` reason of a healthy `ScaledObject` (`ScaledObjectConditionReadySuccessReason`).
pub const READY_REASON: &str = "ScaledObjectReady";

/// What one poll of the scale loop decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ScaleDecision {
    /// What to do to the workload.
    pub action: ScaleAction,
    /// The branch taken.
    pub step: KedaStep,
    /// The new `status.lastActiveTime`, when this poll refreshed it.
    pub last_active_time: Option<i64>,
    /// The `Active` condition this poll set (`None`: left as it was).
    pub active: Option<Condition>,
    /// The `Ready` condition this poll set (`None`: left as it was).
    pub ready: Option<Condition>,
}

impl ScaleDecision {
    const fn new(step: KedaStep, action: ScaleAction) -> Self {
        ScaleDecision {
            action,
            step,
            last_active_time: None,
            active: None,
            ready: None,
        }
    }
}

/// The count an inactive object rests at: `(true, idleReplicaCount)` when set, else `(false, minReplicaCount)`.
///
/// Mirrors `getIdleOrMinimumReplicaCount` in KEDA `pkg/scaling/executor/scale_scaledobjects.go`.
#[must_use]
pub fn get_idle_or_minimum_replica_count(spec: &ScaledObjectSpec) -> (bool, i32) {
    match spec.idle_replica_count {
        Some(idle) => (true, idle),
        None => (false, spec.min_replicas()),
    }
}

/// What the scale loop remembers about a `ScaledObject` between polls.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ScaledObjectStatus {
    /// `metadata.creationTimestamp`, in seconds.
    pub creation_time: i64,
    /// `status.lastActiveTime`, in seconds; `None` until a trigger has been active.
    pub last_active_time: Option<i64>,
}

/// Whether an inactive object has waited long enough to be deactivated.
///
/// The time test of `scaleToZeroOrIdle` in KEDA `pkg/scaling/executor/scale_scaledobjects.go`: with a
/// `lastActiveTime`, strictly more than `cooldownPeriod` must have passed since it; without one (never
/// active), strictly more than `initialCooldownPeriod` since creation. The cooldown clock is the last poll in
/// which a trigger was active, not the last time the HPA scaled.
#[must_use]
pub fn cooldown_elapsed(spec: &ScaledObjectSpec, status: &ScaledObjectStatus, now: i64) -> bool {
    match status.last_active_time {
        None => status.creation_time + spec.initial_cooldown_period_seconds() < now,
        Some(last_active) => last_active + spec.cooldown_period_seconds() < now,
    }
}

/// Deactivation: scale to the idle or minimum count once the cooldown has passed.
///
/// Mirrors `(*scaleExecutor).scaleToZeroOrIdle` in KEDA `pkg/scaling/executor/scale_scaledobjects.go`. It
/// scales directly from whatever count the HPA left, so a workload at 7 replicas goes to 0 in one step.
#[must_use]
pub fn scale_to_zero_or_idle(
    spec: &ScaledObjectSpec,
    status: &ScaledObjectStatus,
    now: i64,
) -> ScaleDecision {
    if spec.annotations.paused_scale_in {
        return ScaleDecision::new(KedaStep::ScaleInPaused, ScaleAction::NoChange);
    }
    if cooldown_elapsed(spec, status, now) {
        let (_, replicas) = get_idle_or_minimum_replica_count(spec);
        ScaleDecision::new(KedaStep::ScaleToZeroOrIdle, ScaleAction::ScaleTo(replicas))
    } else {
        ScaleDecision::new(KedaStep::CoolingDown, ScaleAction::NoChange)
    }
}

/// Activation: scale to `minReplicaCount`, or 1 when it is 0, and refresh the activity time.
///
/// Mirrors `(*scaleExecutor).scaleFromZeroOrIdle` in KEDA `pkg/scaling/executor/scale_scaledobjects.go`. This is
/// the 0 → 1 step the HPA cannot take; the HPA continues from there on its next sync.
#[must_use]
pub fn scale_from_zero_or_idle(spec: &ScaledObjectSpec, now: i64) -> ScaleDecision {
    if spec.annotations.paused_scale_out {
        return ScaleDecision::new(KedaStep::ScaleOutPaused, ScaleAction::NoChange);
    }
    let replicas = match spec.min_replica_count {
        Some(min) if min > 0 => min,
        _ => 1,
    };
    ScaleDecision {
        last_active_time: Some(now),
        ..ScaleDecision::new(
            KedaStep::ScaleFromZeroOrIdle,
            ScaleAction::ScaleTo(replicas),
        )
    }
}

/// The triggers' answer for one poll, with the workload's count.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Poll {
    /// The workload's `spec.replicas`.
    pub current_replicas: i32,
    /// Some trigger is active ([`ScaledObjectState::is_active`]).
    pub is_active: bool,
    /// Some trigger failed ([`ScaledObjectState::is_error`]).
    pub is_error: bool,
}

/// One poll of the scale loop for a `ScaledObject`.
///
/// Mirrors `(*scaleExecutor).RequestScale` in KEDA `pkg/scaling/executor/scale_scaledobjects.go`:
///
/// * paused → nothing (up to 2.19, a `paused-replicas` count is applied by the executor itself, see
///   [`KedaVersion::executor_scales_to_paused_replicas`]);
/// * active (or forced, from 2.18.0): from zero — or below the minimum in idle mode — activate
///   ([`scale_from_zero_or_idle`]); else with a failing trigger only report it; else refresh
///   `lastActiveTime` and leave scaling to the HPA;
/// * inactive: a failure with a non-zero fallback holds the count (so the HPA's fallback metric can act,
///   even with `minReplicaCount: 0`); a failure without fallback holds it too; above the idle count, or above
///   zero with minimum 0, deactivate after the cooldown ([`scale_to_zero_or_idle`]); below the minimum
///   without idle mode, raise to the minimum.
///
/// A fallback with `replicas: 0` does not hold: a failing object then deactivates like an inactive one. The
/// decision also carries the `Active` and `Ready` conditions the poll sets: `Ready` is `True` unless a trigger
/// failed (`Unknown`/`PartialTriggerError` while active, `False`/`TriggerError` while inactive without fallback);
/// up to 2.19 a failing poll that takes neither branch leaves `Ready` as it was, from 2.20 it is `True`.
#[must_use]
pub fn request_scale(
    version: KedaVersion,
    spec: &ScaledObjectSpec,
    status: &ScaledObjectStatus,
    poll: Poll,
    now: i64,
) -> ScaleDecision {
    let ready_ok = Condition::new(ConditionStatus::True, READY_REASON);
    let initial_ready = if version.executor_scales_to_paused_replicas() && poll.is_error {
        None
    } else {
        Some(ready_ok)
    };
    let annotations = spec.annotations;
    if version.executor_scales_to_paused_replicas() {
        if let Some(paused) = annotations.paused_replicas {
            let action = if paused == poll.current_replicas {
                ScaleAction::NoChange
            } else {
                ScaleAction::ScaleTo(paused)
            };
            return ScaleDecision {
                ready: initial_ready,
                ..ScaleDecision::new(KedaStep::PausedReplicas, action)
            };
        }
        if annotations.paused {
            return ScaleDecision::new(KedaStep::Paused, ScaleAction::NoChange);
        }
    } else if annotations.paused || annotations.paused_replicas.is_some() {
        return ScaleDecision {
            ready: initial_ready,
            ..ScaleDecision::new(KedaStep::Paused, ScaleAction::NoChange)
        };
    }

    let min = spec.min_replicas();
    let current = poll.current_replicas;
    let forced = version.scaling_annotations() && annotations.force_activation;
    let mut decision = if poll.is_active || forced {
        let mut decision = if (spec.idle_replica_count.is_some() && current < min) || current == 0 {
            scale_from_zero_or_idle(spec, now)
        } else if poll.is_error {
            ScaleDecision {
                ready: Some(Condition::new(
                    ConditionStatus::Unknown,
                    "PartialTriggerError",
                )),
                ..ScaleDecision::new(KedaStep::PartialTriggerError, ScaleAction::NoChange)
            }
        } else {
            ScaleDecision {
                last_active_time: Some(now),
                ..ScaleDecision::new(KedaStep::Active, ScaleAction::NoChange)
            }
        };
        decision.active = Some(Condition::new(ConditionStatus::True, "ScalerActive"));
        decision
    } else {
        let mut decision =
            if poll.is_error && spec.fallback.is_some_and(|fallback| fallback.replicas != 0) {
                ScaleDecision::new(KedaStep::AwaitingFallback, ScaleAction::NoChange)
            } else if poll.is_error && spec.fallback.is_none() {
                ScaleDecision {
                    ready: Some(Condition::new(ConditionStatus::False, "TriggerError")),
                    ..ScaleDecision::new(KedaStep::TriggerError, ScaleAction::NoChange)
                }
            } else if spec.idle_replica_count.is_some_and(|idle| current > idle)
                || (current > 0 && min == 0)
            {
                scale_to_zero_or_idle(spec, status, now)
            } else if spec.idle_replica_count.is_none() && current < min {
                ScaleDecision::new(KedaStep::RestoreMinReplicas, ScaleAction::ScaleTo(min))
            } else {
                ScaleDecision::new(KedaStep::NoChange, ScaleAction::NoChange)
            };
        let reason = if decision.step == KedaStep::CoolingDown {
            "ScalerCooldown"
        } else {
            "ScalerNotActive"
        };
        decision.active = Some(Condition::new(ConditionStatus::False, reason));
        decision
    };
    decision.ready = decision.ready.or(initial_ready);
    decision
}

/// A `ScaledObject` with the state its scale loop carries between polls.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ScaledObjectLoop {
    /// The KEDA release running the loop.
    pub version: KedaVersion,
    /// The spec.
    pub spec: ScaledObjectSpec,
    /// The status the loop keeps.
    pub status: ScaledObjectStatus,
}

impl ScaledObjectLoop {
    /// A freshly created object that has never been active.
    #[must_use]
    pub fn new(version: KedaVersion, spec: ScaledObjectSpec, creation_time: i64) -> Self {
        ScaledObjectLoop {
            version,
            spec,
            status: ScaledObjectStatus {
                creation_time,
                last_active_time: None,
            },
        }
    }

    /// `status.lastActiveTime`.
    #[must_use]
    pub fn last_active_time(&self) -> Option<i64> {
        self.status.last_active_time
    }

    /// One poll: [`request_scale`] with this object's state, then records a refreshed activity time.
    ///
    /// Mirrors `(*scaleExecutor).RequestScale` together with the handler persisting its `lastActiveTime`.
    pub fn request_scale(
        &mut self,
        current_replicas: i32,
        is_active: bool,
        is_error: bool,
        now: i64,
    ) -> ScaleDecision {
        let poll = Poll {
            current_replicas,
            is_active,
            is_error,
        };
        let decision = request_scale(self.version, &self.spec, &self.status, poll, now);
        if let Some(last_active) = decision.last_active_time {
            self.status.last_active_time = Some(last_active);
        }
        decision
    }

    /// When the next poll happens after one at `now`.
    #[must_use]
    pub fn next_poll(&self, now: i64) -> i64 {
        now + self.spec.polling_interval_seconds()
    }
}

// ---------------------------------------------------------------------------------------------------------------
// The HPA's health (2.20)
// ---------------------------------------------------------------------------------------------------------------

/// What the executor can see of the HPA it manages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HpaObservation<'a> {
    /// No HPA name in the status yet, the HPA could not be read, or it has no `ScalingActive` condition yet.
    Unobservable,
    /// The HPA's `ScalingActive` condition.
    ScalingActive {
        /// Its status.
        status: bool,
        /// Its reason (may be empty).
        reason: &'a str,
        /// When the HPA was created, in seconds.
        created_at: i64,
    },
}

/// The `ScaledObject` conditions that reflect the HPA after one poll.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct HpaHealthConditions {
    /// `Ready`, when the HPA's health changed it (2.20.0–2.20.1).
    pub ready: Option<Condition>,
    /// `HPAActive` (2.20.2); `None`: left as it was.
    pub hpa_active: Option<Condition>,
}

/// How the HPA's health shows on the `ScaledObject`.
///
/// Mirrors `checkHPAHealth` and `getHPAHealth` in KEDA `pkg/scaling/executor/scale_scaledobjects.go`
/// ([`KedaVersion::hpa_health_reporting`]). An HPA whose `ScalingActive` is true, or false with reason
/// `ScalingDisabled` (KEDA holds the workload at zero), is healthy. 2.20.0–2.20.1: an unhealthy HPA older than
/// [`HPA_HEALTH_GRACE_PERIOD_SECONDS`] turns `Ready` false (`HPAMetricsUnavailable`, or `ScalingDegraded` when
/// `Ready` was already not true). 2.20.2: `Ready` is left alone and `HPAActive` mirrors the HPA (reason
/// `HPAActive` or `ScalingDisabled` when healthy, the HPA's own reason when not, `HPAMetricsUnavailable` for an
/// empty one); an unobservable HPA leaves it as it was.
#[must_use]
pub fn check_hpa_health(
    version: KedaVersion,
    ready: Option<Condition>,
    observation: HpaObservation<'_>,
    now: i64,
) -> HpaHealthConditions {
    let unchanged = HpaHealthConditions {
        ready: None,
        hpa_active: None,
    };
    let HpaObservation::ScalingActive {
        status,
        reason,
        created_at,
    } = observation
    else {
        return unchanged;
    };
    let disabled = !status && reason == "ScalingDisabled";
    match version.hpa_health_reporting() {
        HpaHealthReporting::None => unchanged,
        HpaHealthReporting::ReadyCondition => {
            let in_grace = created_at + HPA_HEALTH_GRACE_PERIOD_SECONDS > now;
            if status || disabled || in_grace {
                return unchanged;
            }
            let ready_true = ready.is_some_and(|ready| ready.status == ConditionStatus::True);
            let reason = if ready_true {
                "HPAMetricsUnavailable"
            } else {
                "ScalingDegraded"
            };
            HpaHealthConditions {
                ready: Some(Condition::new(ConditionStatus::False, reason)),
                hpa_active: None,
            }
        }
        HpaHealthReporting::HpaActiveCondition => {
            let condition = if status {
                Condition::new(ConditionStatus::True, "HPAActive")
            } else if disabled {
                Condition::new(ConditionStatus::True, "ScalingDisabled")
            } else if reason.is_empty() {
                Condition::new(ConditionStatus::False, "HPAMetricsUnavailable")
            } else {
                Condition::new(ConditionStatus::False, hpa_reason(reason))
            };
            HpaHealthConditions {
                ready: None,
                hpa_active: Some(condition),
            }
        }
    }
}

/// The HPA's `ScalingActive` reasons, as static text (an unknown one reads as `HPAMetricsUnavailable`).
fn hpa_reason(reason: &str) -> &'static str {
    const KNOWN: [&str; 5] = [
        "FailedGetExternalMetric",
        "FailedGetObjectMetric",
        "FailedGetPodsMetric",
        "FailedGetResourceMetric",
        "InvalidSelector",
    ];
    KNOWN
        .into_iter()
        .find(|known| *known == reason)
        .unwrap_or("HPAMetricsUnavailable")
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 10_000;
    const V17: KedaVersion = KedaVersion::V2_17_0;
    const V20: KedaVersion = KedaVersion::V2_20_2;

    #[test]
    fn prometheus_value_cases() {
        use MetricError::{EmptyResult, NonFiniteValue};
        // (sample, ignoreNullValues, expected at 2.17, expected at 2.20)
        #[rustfmt::skip]
        let cases = [
            (Some(4.5), true, Ok(4.5), Ok(4.5)),
            (Some(-2.0), true, Ok(-2.0), Ok(-2.0)),                     // negatives pass through
            (None, true, Ok(0.0), Ok(0.0)),                             // empty result read as 0
            (None, false, Err(EmptyResult), Err(EmptyResult)),
            (Some(f64::INFINITY), true, Ok(0.0), Ok(0.0)),
            (Some(f64::NEG_INFINITY), false, Err(NonFiniteValue), Err(NonFiniteValue)),
            (Some(f64::NAN), false, Ok(f64::NAN), Err(NonFiniteValue)), // NaN: a value before 2.20.0
            (Some(f64::NAN), true, Ok(f64::NAN), Ok(0.0)),
        ];
        for (sample, ignore, at_17, at_20) in cases {
            for (version, expected) in [(V17, at_17), (V20, at_20)] {
                let got = prometheus_value(version, sample, ignore).map(f64::to_bits);
                assert_eq!(
                    got,
                    expected.map(f64::to_bits),
                    "{version} {sample:?} ignore {ignore}"
                );
            }
        }
    }

    #[test]
    fn is_active_is_strict() {
        // (value, activationThreshold, expected)
        #[rustfmt::skip]
        let cases = [
            (0.0, 0.0, false),      // exactly at the threshold
            (0.5, 0.0, true),       // any positive value beats the default 0
            (40.0, 50.0, false),
            (50.0, 50.0, false),
            (50.001, 50.0, true),
            (-1.0, 0.0, false),
            (f64::NAN, 0.0, false),
        ];
        for (value, threshold, expected) in cases {
            assert_eq!(
                is_active(value, threshold),
                expected,
                "{value} > {threshold}"
            );
        }
    }

    #[test]
    fn metric_milli_by_release() {
        // (value, 2.17 `int64(v × 1000)`, 2.20.0 `%.3f`, 2.20.2 `%.3f` with negatives as 0)
        #[rustfmt::skip]
        let cases = [
            (10.0, 10_000, 10_000, 10_000),
            (0.1, 100, 100, 100),
            (1.005, 1_004, 1_005, 1_005),              // 1.005 × 1000 = 1004.9999999999999
            (2.5555, 2_555, 2_555, 2_555),
            (0.0005, 0, 1, 1),                         // truncated, then rounded
            (1.0005, 1_000, 1_000, 1_000),
            (0.0625, 62, 62, 62),                      // a tie: half to even
            (-0.5, -500, -500, 0),                     // 2.20.2: negative → 0
            (f64::NAN, i64::MIN, 0, 0),                // amd64's integer indefinite
            (f64::INFINITY, i64::MIN, 0, 0),
            (1e20, i64::MIN, i64::MAX, i64::MAX),      // beyond int64 milli-units
            (9_000_000_000_000.0, 9_000_000_000_000_000, 9_000_000_000_000_000, 9_000_000_000_000_000),
        ];
        for (value, at_17, at_20_0, at_20_2) in cases {
            assert_eq!(metric_value_milli(V17, value), at_17, "2.17 {value}");
            assert_eq!(
                metric_value_milli(KedaVersion::V2_20_0, value),
                at_20_0,
                "2.20.0 {value}"
            );
            assert_eq!(metric_target_milli(V20, value), at_20_2, "2.20.2 {value}");
        }
    }

    #[test]
    fn go_int64_cases() {
        assert_eq!(go_int64(2.9), 2);
        assert_eq!(go_int64(-2.9), -2);
        assert_eq!(go_int64(9.3e18), i64::MIN); // beyond 2^63
        assert_eq!(go_int64(-(2.0_f64.powi(63))), i64::MIN); // -2^63 fits, and is MIN
        assert_eq!(go_int64(f64::NAN), i64::MIN);
    }

    #[test]
    fn object_state_with_resource_triggers_and_modifiers() {
        use MetricError::ScalerFailed;
        let state = |is_active, is_error| ScaledObjectState {
            is_active,
            is_error,
        };
        // (external answers, cpu/memory triggers, composite activity, expected)
        #[rustfmt::skip]
        type Case<'a> = (&'a [Result<bool, MetricError>], usize, Option<Option<bool>>, ScaledObjectState);
        let cases: [Case; 8] = [
            (&[], 0, None, state(false, false)),
            (&[Ok(false), Ok(true)], 0, None, state(true, false)),
            (&[Err(ScalerFailed), Ok(true)], 0, None, state(true, true)),
            (&[Err(ScalerFailed)], 0, None, state(false, true)),
            (&[], 1, None, state(true, false)), // cpu only: always active
            (&[Ok(false)], 1, None, state(false, false)), // cpu and an external trigger
            (&[Ok(true)], 0, Some(Some(false)), state(false, false)), // the composite decides
            (
                &[Err(ScalerFailed), Ok(true)],
                0,
                Some(Some(true)),
                state(false, true),
            ),
        ];
        for (external, resource, composite, expected) in cases {
            assert_eq!(
                get_scaled_object_state(external, resource, composite),
                expected,
                "{external:?} {resource} {composite:?}"
            );
        }
    }

    #[test]
    fn hpa_bounds() {
        // min: a positive count is kept; unset, 0 or negative → 1
        let mins = [
            (None, 1),
            (Some(0), 1),
            (Some(-1), 1),
            (Some(1), 1),
            (Some(3), 3),
        ];
        for (min, expected) in mins {
            assert_eq!(hpa_min_replicas(min), expected, "{min:?}");
        }
        // max: unset → 100
        let maxes = [(None, 100), (Some(1), 1), (Some(8), 8)];
        for (max, expected) in maxes {
            assert_eq!(hpa_max_replicas(max), expected, "{max:?}");
        }
    }

    // ---- fallback ----------------------------------------------------------------------------------------------

    fn fallback(behavior: FallbackBehavior, replicas: i32) -> Fallback {
        Fallback {
            failure_threshold: 2,
            replicas,
            behavior,
        }
    }

    fn average(target_milli: i64) -> TriggerTarget {
        TriggerTarget {
            metric_type: MetricType::AverageValue,
            target_milli,
        }
    }

    fn value(target_milli: i64) -> TriggerTarget {
        TriggerTarget {
            metric_type: MetricType::Value,
            target_milli,
        }
    }

    fn context(
        version: KedaVersion,
        fallback: Option<&Fallback>,
        target: TriggerTarget,
        current_replicas: i32,
        ready_replicas: i32,
    ) -> FallbackContext<'_> {
        FallbackContext {
            version,
            fallback,
            target,
            modifiers: None,
            current_replicas,
            ready_replicas,
        }
    }

    #[test]
    fn fallback_replicas_cases() {
        use FallbackBehavior::{
            CurrentReplicas, CurrentReplicasIfHigher, CurrentReplicasIfLower, Static,
        };
        // (behavior, fallback.replicas, current, expected)
        #[rustfmt::skip]
        let cases = [
            (Static, 5, 9, 5),
            (CurrentReplicas, 5, 9, 9),
            (CurrentReplicasIfHigher, 5, 3, 5),
            (CurrentReplicasIfHigher, 5, 8, 8),
            (CurrentReplicasIfLower, 5, 3, 3),
            (CurrentReplicasIfLower, 5, 8, 5),
        ];
        for (behavior, replicas, current, expected) in cases {
            let got = fallback_replicas(&fallback(behavior, replicas), current);
            assert_eq!(got, expected, "{behavior:?} {replicas} current {current}");
        }
    }

    #[test]
    fn fallback_metric_value_cases() {
        use FallbackBehavior::{CurrentReplicas, Static};
        // (fallback, target, current, ready, expected milli-value) at 2.18.0 and later
        #[rustfmt::skip]
        let cases = [
            (fallback(Static, 5), average(10_000), 1, 1, Ok(50_000)),         // 10 × 1000 × 5; HPA: ceil(50 / 10) = 5
            (fallback(CurrentReplicas, 5), average(10_000), 7, 7, Ok(70_000)), // current 7
            (fallback(Static, 3), average(333), 1, 1, Ok(999)),               // 0.333 × 1000 × 3 → 999; ceil(999 / 333) = 3
            (fallback(Static, 6), value(10_000), 2, 4, Ok(15_000)),           // Value: 6 / 4 ready = 1.5; HPA: ceil(1.5 × 4) = 6
            (fallback(Static, 6), value(10_000), 2, 0, Err(MetricError::FallbackFailed)), // no ready replica
            (fallback(Static, 0), average(10_000), 4, 4, Ok(0)),              // static 0 → 0
        ];
        for (fallback, target, current, ready, expected) in cases {
            let got = fallback_metric_value(&context(V20, Some(&fallback), target, current, ready));
            assert_eq!(
                got, expected,
                "{fallback:?} {target:?} current {current} ready {ready}"
            );
        }
    }

    #[test]
    fn fallback_2_17_truncates_the_target_and_refuses_value() {
        // kedacore/keda#6655 (2.18.0) computes doFallback in float64 and adds Value targets; 2.17 truncates the
        // target to an integer and does not enable the fallback for a Value target.
        let static_3 = fallback(FallbackBehavior::Static, 3);
        let half = average(500);
        assert_eq!(
            fallback_metric_value(&context(V17, Some(&static_3), half, 1, 1)),
            Ok(0)
        );
        assert_eq!(
            fallback_metric_value(&context(KedaVersion::V2_18_0, Some(&static_3), half, 1, 1)),
            Ok(1_500)
        );
        let on_value = context(V17, Some(&static_3), value(10_000), 1, 1);
        assert!(!is_fallback_enabled(&on_value));
        let mut health = MetricHealth::default();
        for _ in 0..5 {
            let served =
                get_metrics_with_fallback(&on_value, &mut health, Err(MetricError::ScalerFailed));
            assert_eq!(served, Err(MetricError::ScalerFailed));
        }
        assert_eq!(
            health,
            MetricHealth::default(),
            "2.17 does not track a Value metric"
        );
        let on_value_18 = context(KedaVersion::V2_18_0, Some(&static_3), value(10_000), 1, 1);
        assert!(is_fallback_enabled(&on_value_18));
    }

    #[test]
    fn fallback_counts_consecutive_failures() {
        let fallback = fallback(FallbackBehavior::Static, 4);
        let context = context(V20, Some(&fallback), average(10_000), 1, 1);
        let mut health = MetricHealth::default();
        let failed = Err(MetricError::ScalerFailed);

        // Failures 1 and 2 (≤ threshold 2) pass the error on; the 3rd (> 2) serves 10 × 4 = 40 000 m.
        assert_eq!(
            get_metrics_with_fallback(&context, &mut health, failed),
            Err(MetricError::ScalerFailed)
        );
        assert_eq!(
            get_metrics_with_fallback(&context, &mut health, failed),
            Err(MetricError::ScalerFailed)
        );
        let synthetic = ServedMetric {
            value_milli: 40_000,
            fallback_active: true,
        };
        assert_eq!(
            get_metrics_with_fallback(&context, &mut health, failed),
            Ok(synthetic)
        );
        assert_eq!(
            health,
            MetricHealth {
                number_of_failures: 3,
                failing: true,
            }
        );

        // A good read is served as is and resets the count.
        let real = ServedMetric {
            value_milli: 12_000,
            fallback_active: false,
        };
        assert_eq!(
            get_metrics_with_fallback(&context, &mut health, Ok(12_000)),
            Ok(real)
        );
        assert_eq!(health, MetricHealth::default());

        // Threshold 0: the first failure already falls back.
        let eager = Fallback {
            failure_threshold: 0,
            ..fallback
        };
        let eager_context = FallbackContext {
            fallback: Some(&eager),
            ..context
        };
        assert_eq!(
            get_metrics_with_fallback(&eager_context, &mut MetricHealth::default(), failed),
            Ok(synthetic)
        );
    }

    #[test]
    fn no_or_invalid_fallback_passes_errors_untracked() {
        let mut health = MetricHealth::default();
        let none = context(V20, None, average(10_000), 1, 1);
        for _ in 0..5 {
            let served =
                get_metrics_with_fallback(&none, &mut health, Err(MetricError::EmptyResult));
            assert_eq!(served, Err(MetricError::EmptyResult));
        }
        assert_eq!(
            health,
            MetricHealth::default(),
            "health untouched without a fallback"
        );

        let invalid = Fallback {
            failure_threshold: -1,
            replicas: 3,
            behavior: FallbackBehavior::Static,
        };
        let with_invalid = context(V20, Some(&invalid), average(10_000), 1, 1);
        let served =
            get_metrics_with_fallback(&with_invalid, &mut health, Err(MetricError::ScalerFailed));
        assert_eq!(served, Err(MetricError::ScalerFailed));
        assert_eq!(
            health,
            MetricHealth::default(),
            "health untouched with an invalid fallback"
        );
    }

    #[test]
    fn polling_loop_applies_the_fallback_from_2_19() {
        // kedacore/keda#7244 (2.19.0): a failing trigger whose fallback is due is active for the loop, so a
        // ScaledObject at zero replicas activates; before, the loop saw an error and held the count.
        let fallback = Fallback {
            failure_threshold: 1,
            replicas: 3,
            behavior: FallbackBehavior::Static,
        };
        let spec = ScaledObjectSpec {
            fallback: Some(fallback),
            ..spec(None)
        };
        for (version, expected) in [
            (KedaVersion::V2_18_3, ScaleAction::NoChange),
            (KedaVersion::V2_19_0, ScaleAction::ScaleTo(1)),
        ] {
            let context = context(version, Some(&fallback), average(10_000), 0, 0);
            let mut health = MetricHealth::default();
            let mut object = ScaledObjectLoop::new(version, spec, 0);
            let mut last = ScaleAction::NoChange;
            for poll in 0..3 {
                let state = get_scaler_state(&context, &mut health, Err(MetricError::ScalerFailed));
                let object_state = get_scaled_object_state(&[state.answer()], 0, None);
                let decision = object.request_scale(
                    0,
                    object_state.is_active,
                    object_state.is_error,
                    poll * 30,
                );
                last = decision.action;
                if last != ScaleAction::NoChange {
                    break;
                }
            }
            assert_eq!(last, expected, "{version}");
        }
    }

    #[test]
    fn fallback_condition_is_one_read_late_before_2_20() {
        // kedacore/keda#7490 (2.20.0): the Fallback condition is computed from the health just updated.
        let fallback = Fallback {
            failure_threshold: 1,
            replicas: 3,
            behavior: FallbackBehavior::Static,
        };
        let before = [MetricHealth {
            number_of_failures: 1,
            failing: true,
        }];
        let after = [MetricHealth {
            number_of_failures: 2,
            failing: true,
        }];
        for (version, expected) in [(KedaVersion::V2_19_0, false), (KedaVersion::V2_20_0, true)] {
            let context = context(version, Some(&fallback), average(1_000), 1, 1);
            assert_eq!(
                fallback_condition(&context, &before, &after),
                Some(expected),
                "{version}"
            );
        }
    }

    // ---- scale loop --------------------------------------------------------------------------------------------

    fn spec(min: Option<i32>) -> ScaledObjectSpec {
        ScaledObjectSpec {
            min_replica_count: min,
            max_replica_count: Some(10),
            ..ScaledObjectSpec::default()
        }
    }

    fn annotated(annotations: ScalingAnnotations) -> ScaledObjectSpec {
        ScaledObjectSpec {
            annotations,
            ..spec(None)
        }
    }

    fn status(last_active_time: Option<i64>) -> ScaledObjectStatus {
        ScaledObjectStatus {
            creation_time: 0,
            last_active_time,
        }
    }

    fn poll(current_replicas: i32, is_active: bool, is_error: bool) -> Poll {
        Poll {
            current_replicas,
            is_active,
            is_error,
        }
    }

    #[test]
    fn request_scale_cases() {
        use KedaStep::{
            Active, AwaitingFallback, CoolingDown, NoChange, PartialTriggerError, Paused,
            RestoreMinReplicas, ScaleFromZeroOrIdle, ScaleInPaused, ScaleOutPaused,
            ScaleToZeroOrIdle, TriggerError,
        };
        use ScaleAction::{NoChange as Keep, ScaleTo};
        type Case<'a> = (
            &'a ScaledObjectSpec,
            Option<i64>,
            i32,
            bool,
            bool,
            KedaStep,
            ScaleAction,
            bool,
        );
        let none = ScalingAnnotations::default();
        let idle = ScaledObjectSpec {
            idle_replica_count: Some(0),
            ..spec(Some(3))
        };
        let with_fallback = |replicas| ScaledObjectSpec {
            fallback: Some(fallback(FallbackBehavior::Static, replicas)),
            ..spec(None)
        };
        let paused = annotated(ScalingAnnotations {
            paused: true,
            ..none
        });
        let no_out = annotated(ScalingAnnotations {
            paused_scale_out: true,
            ..none
        });
        let no_in = annotated(ScalingAnnotations {
            paused_scale_in: true,
            ..none
        });
        let forced = annotated(ScalingAnnotations {
            force_activation: true,
            ..none
        });
        let (min0, min2, min3) = (spec(None), spec(Some(2)), spec(Some(3)));
        let long_ago = Some(NOW - 1_000);

        // (spec, lastActiveTime, current, active, error, step, action, lastActiveTime refreshed) at 2.20.2;
        // cooldown 300 s, created at 0.
        #[rustfmt::skip]
        let cases: [Case; 22] = [
            (&min0, None, 0, true, false, ScaleFromZeroOrIdle, ScaleTo(1), true),     // active at 0, min 0 → 1
            (&min3, None, 0, true, false, ScaleFromZeroOrIdle, ScaleTo(3), true),     // active at 0, min 3 → 3
            (&idle, None, 2, true, false, ScaleFromZeroOrIdle, ScaleTo(3), true),     // idle mode, 2 < min 3 → 3
            (&min0, None, 5, true, false, Active, Keep, true),                        // in range: the HPA's job
            (&min0, None, 5, true, true, PartialTriggerError, Keep, false),           // error: no refresh
            (&min0, None, 0, true, true, ScaleFromZeroOrIdle, ScaleTo(1), true),      // at 0 activation wins
            (&forced, None, 0, false, false, ScaleFromZeroOrIdle, ScaleTo(1), true),  // forced while inactive
            (&paused, None, 0, true, false, Paused, Keep, false),                     // paused: nothing at all
            (&no_out, None, 0, true, false, ScaleOutPaused, Keep, false),             // no activation, no refresh
            (&with_fallback(3), long_ago, 4, false, true, AwaitingFallback, Keep, false), // held despite min 0
            (&with_fallback(0), long_ago, 4, false, true, ScaleToZeroOrIdle, ScaleTo(0), false), // replicas 0: no hold
            (&min0, long_ago, 4, false, true, TriggerError, Keep, false),             // failing, no fallback
            (&min0, long_ago, 4, false, false, ScaleToZeroOrIdle, ScaleTo(0), false), // 1000 s > 300 s: 4 → 0
            (&min0, Some(NOW - 300), 4, false, false, CoolingDown, Keep, false),      // last + 300 < now is false
            (&min0, Some(NOW - 301), 4, false, false, ScaleToZeroOrIdle, ScaleTo(0), false), // 301 s → 0
            (&no_in, long_ago, 4, false, false, ScaleInPaused, Keep, false),          // scale-in paused
            (&idle, long_ago, 4, false, false, ScaleToZeroOrIdle, ScaleTo(0), false), // 4 > idle 0 → 0
            (&idle, long_ago, 0, false, false, NoChange, Keep, false),                // at idle: no restore to min
            (&min2, long_ago, 1, false, false, RestoreMinReplicas, ScaleTo(2), false), // below min → 2
            (&min2, long_ago, 0, false, false, RestoreMinReplicas, ScaleTo(2), false), // at 0 below min → 2
            (&min2, long_ago, 3, false, false, NoChange, Keep, false),                // in range: the HPA's job
            (&min0, long_ago, 0, false, false, NoChange, Keep, false),                // already at 0
        ];
        for (spec, last_active, current, active, error, step, action, refreshed) in cases {
            let decision = request_scale(
                V20,
                spec,
                &status(last_active),
                poll(current, active, error),
                NOW,
            );
            let context = format!("{spec:?} current {current} active {active} error {error}");
            assert_eq!(decision.step, step, "{context}");
            assert_eq!(decision.action, action, "{context}");
            assert_eq!(
                decision.last_active_time,
                refreshed.then_some(NOW),
                "{context}"
            );
        }
    }

    #[test]
    fn annotations_by_release() {
        // force-activation, paused-scale-in and paused-scale-out arrived in 2.18.0 (kedacore/keda#6903, #6902,
        // #7022); 2.17 reads them as absent.
        let pairs = [
            (FORCE_ACTIVATION_ANNOTATION, "true"),
            (PAUSED_SCALE_IN_ANNOTATION, "yes"), // not a boolean: true
        ];
        let at_17 = ScalingAnnotations::from_annotations(V17, &pairs).unwrap_or_default();
        assert_eq!(at_17, ScalingAnnotations::default());
        let at_18 =
            ScalingAnnotations::from_annotations(KedaVersion::V2_18_0, &pairs).unwrap_or_default();
        assert!(at_18.force_activation && at_18.paused_scale_in && !at_18.paused_scale_out);
        let decision = request_scale(
            V17,
            &annotated(at_17),
            &status(None),
            poll(0, false, false),
            NOW,
        );
        assert_eq!(decision.action, ScaleAction::NoChange);
        let decision = request_scale(
            KedaVersion::V2_18_0,
            &annotated(at_18),
            &status(None),
            poll(0, false, false),
            NOW,
        );
        assert_eq!(decision.action, ScaleAction::ScaleTo(1));
        assert!(
            ScalingAnnotations::from_annotations(V17, &[(PAUSED_REPLICAS_ANNOTATION, "x")])
                .is_err()
        );
    }

    #[test]
    fn paused_replicas_move_from_executor_to_reconciler_in_2_20() {
        // kedacore/keda#7664 (2.20.0): the executor no longer scales to paused-replicas itself.
        let held = annotated(ScalingAnnotations {
            paused_replicas: Some(0),
            ..ScalingAnnotations::default()
        });
        let at_19 = request_scale(
            KedaVersion::V2_19_0,
            &held,
            &status(None),
            poll(2, true, false),
            NOW,
        );
        assert_eq!(
            (at_19.step, at_19.action),
            (KedaStep::PausedReplicas, ScaleAction::ScaleTo(0))
        );
        let at_20 = request_scale(
            KedaVersion::V2_20_0,
            &held,
            &status(None),
            poll(2, true, false),
            NOW,
        );
        assert_eq!(
            (at_20.step, at_20.action),
            (KedaStep::Paused, ScaleAction::NoChange)
        );
    }

    #[test]
    fn initial_cooldown_applies_before_first_activity() {
        // Never active, created at t = 0, 2 replicas, min 0.
        let mut spec = spec(None);
        // (initialCooldownPeriod, now, expected step)
        #[rustfmt::skip]
        let cases = [
            (None, 0, KedaStep::CoolingDown),               // 0 + 0 < 0 is false
            (None, 1, KedaStep::ScaleToZeroOrIdle),         // 0 + 0 < 1
            (Some(120), 120, KedaStep::CoolingDown),        // 120 < 120 is false
            (Some(120), 121, KedaStep::ScaleToZeroOrIdle),  // 120 < 121
        ];
        for (initial, now, expected) in cases {
            spec.initial_cooldown_period = initial;
            let decision = request_scale(V17, &spec, &status(None), poll(2, false, false), now);
            assert_eq!(decision.step, expected, "{initial:?} at {now}");
        }
    }

    #[test]
    fn step_reasons() {
        assert_eq!(KedaStep::CoolingDown.condition_reason(), "ScalerCooldown");
        assert_eq!(KedaStep::Active.condition_reason(), "ScalerActive");
        assert_eq!(
            KedaStep::ScaleToZeroOrIdle.condition_reason(),
            "ScalerNotActive"
        );
        assert_eq!(
            KedaStep::PartialTriggerError.to_string(),
            "partial-trigger-error"
        );
    }

    #[test]
    fn scenario_cooldown_from_last_active_poll() {
        // Polls every 30 s from t = 0; the trigger is active through t = 600, then inactive. lastActiveTime
        // ends at 600; 600 + 300 < now first holds at the poll t = 930, which scales to 0 directly from the
        // 6 replicas the HPA left.
        let mut object = ScaledObjectLoop::new(V17, spec(None), 0);
        let mut replicas = 0;
        let mut now = 0;
        let mut zero_at = None;
        while now <= 1_200 {
            let active = now <= 600;
            let decision = object.request_scale(replicas, active, false, now);
            if let ScaleAction::ScaleTo(target) = decision.action {
                replicas = target;
                if target == 0 && zero_at.is_none() {
                    zero_at = Some(now);
                }
            }
            if replicas == 1 && active {
                replicas = 6; // the HPA grows the workload between polls
            }
            now = object.next_poll(now);
        }
        assert_eq!(object.last_active_time(), Some(600));
        assert_eq!(zero_at, Some(930));
        assert_eq!(replicas, 0);
    }

    #[test]
    fn scenario_activation_above_threshold_only() {
        // threshold 10, activationThreshold 50, value 40: the HPA alone would want 4 pods, but the object is
        // inactive, so KEDA deactivates it after the cooldown.
        let value =
            prometheus_value(V17, Some(40.0), DEFAULT_IGNORE_NULL_VALUES).unwrap_or_default();
        let active = is_active(value, 50.0);
        assert!(!active);
        let decision = request_scale(
            V17,
            &spec(None),
            &status(Some(NOW - 301)),
            poll(4, active, false),
            NOW,
        );
        assert_eq!(decision.action, ScaleAction::ScaleTo(0));
        // 40 000 m served against a 10 000 m target.
        let served = (
            metric_value_milli(V17, value),
            metric_target_milli(V17, 10.0),
        );
        assert_eq!(served, (40_000, 10_000));
    }
}
