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
//! Each function names the KEDA v2.20 Go function it mirrors. Time is whole seconds (`i64`); Go's
//! `a.Before(b)` is `a < b` here.

use std::fmt;

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

/// The value of a Prometheus trigger, given the single sample its query returned (`None`: no series).
///
/// Mirrors the result handling of `(*prometheusScaler).ExecutePromQuery` in KEDA `pkg/scalers/prometheus_scaler.go`.
/// With `ignoreNullValues` (the default) an empty result, NaN and ±Inf all read as 0, so a quiet service
/// deactivates instead of erroring; without it they are errors, which count toward the fallback threshold and
/// block scale-to-zero. Negative values pass through.
///
/// # Errors
///
/// [`MetricError::EmptyResult`] or [`MetricError::NonFiniteValue`] when `ignore_null_values` is off.
pub fn prometheus_value(result: Option<f64>, ignore_null_values: bool) -> Result<f64, MetricError> {
    match result {
        None if ignore_null_values => Ok(0.0),
        None => Err(MetricError::EmptyResult),
        Some(value) if !value.is_finite() => {
            if ignore_null_values {
                Ok(0.0)
            } else {
                Err(MetricError::NonFiniteValue)
            }
        }
        Some(value) => Ok(value),
    }
}

/// Whether a trigger value activates the workload: strictly above `activationThreshold`.
///
/// Mirrors the activity test of `(*prometheusScaler).GetMetricsAndActivity` in KEDA
/// `pkg/scalers/prometheus_scaler.go`. It is strict, so with the default threshold 0 any positive value (even
/// 0.5) activates and exactly 0 does not; it uses the raw value, before milli rounding.
#[must_use]
pub fn is_active(value: f64, activation_threshold: f64) -> bool {
    value > activation_threshold
}

/// A float rendered with three decimals (Go's `"%.3f"`, which Rust's `{:.3}` matches digit for digit) and read
/// back as milli-units. NaN, ±Inf and non-positive values give 0; values beyond `i64` saturate.
fn quantity_milli(value: f64) -> i64 {
    if !value.is_finite() || value <= 0.0 {
        return 0;
    }
    let text = format!("{value:.3}");
    let mut milli: i64 = 0;
    for digit in text.bytes().filter(u8::is_ascii_digit) {
        match milli
            .checked_mul(10)
            .and_then(|shifted| shifted.checked_add(i64::from(digit - b'0')))
        {
            Some(next) => milli = next,
            None => return i64::MAX,
        }
    }
    milli
}

/// The HPA target for a trigger threshold, in milli-units.
///
/// Mirrors `GetMetricTargetMili` in KEDA `pkg/scalers/scaler.go`: the threshold is printed with three decimals
/// and parsed as a quantity, so thresholds finer than 0.001 are rounded (half to even on the exact binary value:
/// 0.0005 → 1, 1.0005 → 1000). NaN and ±Inf give 0; so does a negative threshold, which the HPA API would
/// reject anyway.
#[must_use]
pub fn metric_target_milli(threshold: f64) -> i64 {
    quantity_milli(threshold)
}

/// The value KEDA serves to the HPA for a trigger value, in milli-units.
///
/// Mirrors `GenerateMetricInMili` in KEDA `pkg/scalers/scaler.go`: the same three-decimal rounding as
/// [`metric_target_milli`], NaN and ±Inf as 0, negatives as 0.
#[must_use]
pub fn metric_value_milli(value: f64) -> i64 {
    quantity_milli(value)
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

/// Activity and error state of a `ScaledObject` for one poll.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ScaledObjectState {
    /// At least one trigger answered and is active.
    pub is_active: bool,
    /// At least one trigger failed.
    pub is_error: bool,
}

/// Combines the triggers' answers of one poll (`Ok(active)` or the error).
///
/// Mirrors the aggregation in `(*scaleHandler).getScaledObjectState` in KEDA `pkg/scaling/scale_handler.go`
/// (without scaling modifiers and cpu/memory triggers): any active trigger activates the object, any failing one
/// flags an error; a failing trigger never counts as active.
#[must_use]
pub fn scaled_object_state(triggers: &[Result<bool, MetricError>]) -> ScaledObjectState {
    ScaledObjectState {
        is_active: triggers.iter().any(|trigger| matches!(trigger, Ok(true))),
        is_error: triggers.iter().any(Result::is_err),
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
/// The behavior switch of `doFallback` in KEDA `pkg/fallback/fallback.go`.
#[must_use]
pub fn fallback_replicas(fallback: &Fallback, current_replicas: i32) -> i32 {
    match fallback.behavior {
        FallbackBehavior::Static => fallback.replicas,
        FallbackBehavior::CurrentReplicas => current_replicas,
        FallbackBehavior::CurrentReplicasIfHigher => current_replicas.max(fallback.replicas),
        FallbackBehavior::CurrentReplicasIfLower => current_replicas.min(fallback.replicas),
    }
}

/// The synthetic metric value, in milli-units, that makes the HPA land on the fallback's replica count.
///
/// Mirrors `doFallback` in KEDA `pkg/fallback/fallback.go`: `target × replicas` for an `AverageValue` target
/// (the HPA then computes `ceil(value / target) = replicas`), `target × replicas / ready` for a `Value` target
/// (the HPA multiplies the ratio by the ready pods). The product is computed in `f64` from the target as a
/// decimal (`target_milli × 0.001`), times 1000, and truncated to milli-units like Go's `int64(f)`.
///
/// # Errors
///
/// [`MetricError::FallbackFailed`] for a `Value` target while no replica is ready (KEDA cannot divide and
/// serves the error instead).
pub fn fallback_metric_value(
    fallback: &Fallback,
    target: TriggerTarget,
    current_replicas: i32,
    ready_replicas: i32,
) -> Result<i64, MetricError> {
    let mut replicas = f64::from(fallback_replicas(fallback, current_replicas));
    if target.metric_type == MetricType::Value {
        if ready_replicas <= 0 {
            return Err(MetricError::FallbackFailed);
        }
        replicas /= f64::from(ready_replicas);
    }
    let normalisation = milli_to_f64(target.target_milli) * 0.001;
    Ok(f64_to_i64(normalisation * 1000.0 * replicas))
}

/// Go's `float64(x)` for an `int64` milli-value.
#[allow(
    clippy::cast_precision_loss,
    reason = "KEDA converts the target quantity to float64 the same way"
)]
fn milli_to_f64(milli: i64) -> f64 {
    milli as f64
}

/// Go's `int64(f)` as modelled here: truncation toward zero, saturating at the bounds, NaN → 0.
#[allow(
    clippy::cast_possible_truncation,
    reason = "saturating truncation is the modelled conversion"
)]
fn f64_to_i64(value: f64) -> i64 {
    value as i64
}

/// Whether a fallback is usable at all: non-negative threshold and replicas.
///
/// Mirrors `HasValidFallback` in KEDA `pkg/fallback/fallback.go` (without scaling modifiers). An invalid
/// fallback behaves as if there were none, and its failures are not counted.
#[must_use]
pub fn has_valid_fallback(fallback: &Fallback) -> bool {
    fallback.failure_threshold >= 0 && fallback.replicas >= 0
}

/// Health of one trigger metric, kept in `status.health` of the `ScaledObject`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct MetricHealth {
    /// Consecutive failed reads.
    pub number_of_failures: i32,
    /// Whether the last read failed.
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

/// Serves one trigger metric to the HPA, counting failures and substituting the fallback when due.
///
/// Mirrors `GetMetricsWithFallback` in KEDA `pkg/fallback/fallback.go`. Health is tracked only when a valid
/// fallback is configured: a successful read resets it; a failed read increments the failure count, and once
/// the count exceeds `failureThreshold` the synthetic value of [`fallback_metric_value`] is served instead of
/// the error. Until then (and always without a fallback) the error reaches the HPA, which keeps the replica
/// count or, with other metrics working, at least never scales down.
///
/// # Errors
///
/// The reading's error while no fallback applies, or [`MetricError::FallbackFailed`] when the fallback value
/// cannot be computed.
pub fn get_metrics_with_fallback(
    health: &mut MetricHealth,
    reading: Result<i64, MetricError>,
    fallback: Option<&Fallback>,
    target: TriggerTarget,
    current_replicas: i32,
    ready_replicas: i32,
) -> Result<ServedMetric, MetricError> {
    let fallback = fallback.filter(|fallback| has_valid_fallback(fallback));
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
    if health.number_of_failures > fallback.failure_threshold {
        let value_milli =
            fallback_metric_value(fallback, target, current_replicas, ready_replicas)?;
        Ok(ServedMetric {
            value_milli,
            fallback_active: true,
        })
    } else {
        Err(error)
    }
}

// ---------------------------------------------------------------------------------------------------------------
// The scale loop
// ---------------------------------------------------------------------------------------------------------------

/// Annotations on a `ScaledObject` that change the scale loop.
#[allow(
    clippy::struct_excessive_bools,
    reason = "each flag mirrors one independent annotation"
)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ScalingAnnotations {
    /// `autoscaling.keda.sh/paused`: the loop does nothing.
    pub paused: bool,
    /// `autoscaling.keda.sh/paused-scale-in`: no deactivation to zero/idle.
    pub paused_scale_in: bool,
    /// `autoscaling.keda.sh/paused-scale-out`: no activation from zero/idle.
    pub paused_scale_out: bool,
    /// `autoscaling.keda.sh/force-activation`: behave as active whatever the triggers say.
    pub force_activation: bool,
}

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
            KedaStep::Paused => "ScaledObjectPaused",
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

/// What one poll of the scale loop decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ScaleDecision {
    /// What to do to the workload.
    pub action: ScaleAction,
    /// The branch taken.
    pub step: KedaStep,
    /// The new `status.lastActiveTime`, when this poll refreshed it.
    pub last_active_time: Option<i64>,
}

impl ScaleDecision {
    const fn new(step: KedaStep, action: ScaleAction) -> Self {
        ScaleDecision {
            action,
            step,
            last_active_time: None,
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

/// Whether an inactive object has waited long enough to be deactivated.
///
/// The time test of `scaleToZeroOrIdle` in KEDA `pkg/scaling/executor/scale_scaledobjects.go`: with a
/// `lastActiveTime`, strictly more than `cooldownPeriod` must have passed since it; without one (never
/// active), strictly more than `initialCooldownPeriod` since creation. The cooldown clock is the last poll in
/// which a trigger was active, not the last time the HPA scaled.
#[must_use]
pub fn cooldown_elapsed(
    spec: &ScaledObjectSpec,
    creation_time: i64,
    last_active_time: Option<i64>,
    now: i64,
) -> bool {
    match last_active_time {
        None => creation_time + spec.initial_cooldown_period_seconds() < now,
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
    creation_time: i64,
    last_active_time: Option<i64>,
    now: i64,
) -> ScaleDecision {
    if spec.annotations.paused_scale_in {
        return ScaleDecision::new(KedaStep::ScaleInPaused, ScaleAction::NoChange);
    }
    if cooldown_elapsed(spec, creation_time, last_active_time, now) {
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
        action: ScaleAction::ScaleTo(replicas),
        step: KedaStep::ScaleFromZeroOrIdle,
        last_active_time: Some(now),
    }
}

/// One poll of the scale loop for a `ScaledObject`.
///
/// Mirrors `(*scaleExecutor).RequestScale` in KEDA `pkg/scaling/executor/scale_scaledobjects.go`:
///
/// * paused → nothing;
/// * active (or forced): from zero — or below the minimum in idle mode — activate
///   ([`scale_from_zero_or_idle`]); else with a failing trigger only report it; else refresh
///   `lastActiveTime` and leave scaling to the HPA;
/// * inactive: a failure with a non-zero fallback holds the count (so the HPA's fallback metric can act,
///   even with `minReplicaCount: 0`); a failure without fallback holds it too; above the idle count, or above
///   zero with minimum 0, deactivate after the cooldown ([`scale_to_zero_or_idle`]); below the minimum
///   without idle mode, raise to the minimum.
///
/// A fallback with `replicas: 0` does not hold: a failing object then deactivates like an inactive one.
#[must_use]
pub fn request_scale(
    spec: &ScaledObjectSpec,
    creation_time: i64,
    last_active_time: Option<i64>,
    current_replicas: i32,
    is_active: bool,
    is_error: bool,
    now: i64,
) -> ScaleDecision {
    if spec.annotations.paused {
        return ScaleDecision::new(KedaStep::Paused, ScaleAction::NoChange);
    }
    let min = spec.min_replicas();
    if is_active || spec.annotations.force_activation {
        if (spec.idle_replica_count.is_some() && current_replicas < min) || current_replicas == 0 {
            scale_from_zero_or_idle(spec, now)
        } else if is_error {
            ScaleDecision::new(KedaStep::PartialTriggerError, ScaleAction::NoChange)
        } else {
            ScaleDecision {
                action: ScaleAction::NoChange,
                step: KedaStep::Active,
                last_active_time: Some(now),
            }
        }
    } else if is_error && spec.fallback.is_some_and(|fallback| fallback.replicas != 0) {
        ScaleDecision::new(KedaStep::AwaitingFallback, ScaleAction::NoChange)
    } else if is_error && spec.fallback.is_none() {
        ScaleDecision::new(KedaStep::TriggerError, ScaleAction::NoChange)
    } else if spec
        .idle_replica_count
        .is_some_and(|idle| current_replicas > idle)
        || (current_replicas > 0 && min == 0)
    {
        scale_to_zero_or_idle(spec, creation_time, last_active_time, now)
    } else if spec.idle_replica_count.is_none() && current_replicas < min {
        ScaleDecision::new(KedaStep::RestoreMinReplicas, ScaleAction::ScaleTo(min))
    } else {
        ScaleDecision::new(KedaStep::NoChange, ScaleAction::NoChange)
    }
}

/// A `ScaledObject` with the state its scale loop carries between polls.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ScaledObjectLoop {
    /// The spec.
    pub spec: ScaledObjectSpec,
    /// `metadata.creationTimestamp`, in seconds.
    pub creation_time: i64,
    /// `status.lastActiveTime`, in seconds; `None` until a trigger has been active.
    pub last_active_time: Option<i64>,
}

impl ScaledObjectLoop {
    /// A freshly created object that has never been active.
    #[must_use]
    pub fn new(spec: ScaledObjectSpec, creation_time: i64) -> Self {
        ScaledObjectLoop {
            spec,
            creation_time,
            last_active_time: None,
        }
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
        let decision = request_scale(
            &self.spec,
            self.creation_time,
            self.last_active_time,
            current_replicas,
            is_active,
            is_error,
            now,
        );
        if let Some(last_active) = decision.last_active_time {
            self.last_active_time = Some(last_active);
        }
        decision
    }

    /// When the next poll happens after one at `now`.
    #[must_use]
    pub fn next_poll(&self, now: i64) -> i64 {
        now + self.spec.polling_interval_seconds()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 10_000;

    #[test]
    fn prometheus_value_cases() {
        use MetricError::{EmptyResult, NonFiniteValue};
        // (sample, ignoreNullValues, expected)
        #[rustfmt::skip]
        let cases = [
            (Some(4.5), true, Ok(4.5)),
            (Some(4.5), false, Ok(4.5)),
            (Some(-2.0), true, Ok(-2.0)),                       // negatives pass through
            (None, true, Ok(0.0)),                              // empty result read as 0
            (None, false, Err(EmptyResult)),
            (Some(f64::NAN), true, Ok(0.0)),
            (Some(f64::NAN), false, Err(NonFiniteValue)),
            (Some(f64::INFINITY), true, Ok(0.0)),
            (Some(f64::NEG_INFINITY), false, Err(NonFiniteValue)),
        ];
        for (sample, ignore, expected) in cases {
            let got = prometheus_value(sample, ignore).map(f64::to_bits);
            assert_eq!(
                got,
                expected.map(f64::to_bits),
                "{sample:?} ignore {ignore}"
            );
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
    fn metric_target_milli_cases() {
        // (threshold, expected milli-value)
        #[rustfmt::skip]
        let cases = [
            (10.0, 10_000),
            (0.1, 100),
            (0.333, 333),
            (2.5555, 2_555),        // 2.5555 is just below …55 in binary → rounds down
            (0.0005, 1),            // 0.0005 is just above half a milli in binary → rounds up
            (1.0005, 1_000),        // just below → rounds down
            (0.0625, 62),           // an exact tie → half to even
            (0.0004, 0),            // below half a milli
            (0.0, 0),
            (-3.0, 0),              // negative → 0
            (f64::NAN, 0),
            (f64::INFINITY, 0),
            (f64::NEG_INFINITY, 0),
            (1e20, i64::MAX),       // beyond i64 milli-units → saturates
            (9_000_000_000_000.0, 9_000_000_000_000_000),
        ];
        for (threshold, expected) in cases {
            assert_eq!(
                metric_target_milli(threshold),
                expected,
                "threshold {threshold}"
            );
        }
        assert_eq!(metric_value_milli(45.0), 45_000);
        assert_eq!(metric_value_milli(-0.5), 0);
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

    #[test]
    fn scaled_object_state_cases() {
        use MetricError::{EmptyResult, ScalerFailed};
        let state = |is_active, is_error| ScaledObjectState {
            is_active,
            is_error,
        };
        // (trigger answers, expected state)
        #[rustfmt::skip]
        let cases: [(&[Result<bool, MetricError>], ScaledObjectState); 5] = [
            (&[], state(false, false)),
            (&[Ok(false)], state(false, false)),
            (&[Ok(false), Ok(true)], state(true, false)),         // any active trigger
            (&[Err(ScalerFailed), Ok(true)], state(true, true)),  // active and erroring at once
            (&[Err(EmptyResult)], state(false, true)),            // a failing trigger is not active
        ];
        for (triggers, expected) in cases {
            assert_eq!(scaled_object_state(triggers), expected, "{triggers:?}");
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
        // (fallback, target, current, ready, expected milli-value)
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
            let got = fallback_metric_value(&fallback, target, current, ready);
            assert_eq!(
                got, expected,
                "{fallback:?} {target:?} current {current} ready {ready}"
            );
        }
    }

    #[test]
    fn fallback_counts_consecutive_failures() {
        let fallback = fallback(FallbackBehavior::Static, 4);
        let target = average(10_000);
        let mut health = MetricHealth::default();
        let failed = Err(MetricError::ScalerFailed);
        let serve = |health: &mut MetricHealth, reading, fallback: &Fallback| {
            get_metrics_with_fallback(health, reading, Some(fallback), target, 1, 1)
        };

        // Failures 1 and 2 (≤ threshold 2) surface the error; the 3rd (> 2) serves 10 × 4 = 40 000 m.
        assert_eq!(
            serve(&mut health, failed, &fallback),
            Err(MetricError::ScalerFailed)
        );
        assert_eq!(
            serve(&mut health, failed, &fallback),
            Err(MetricError::ScalerFailed)
        );
        let served = serve(&mut health, failed, &fallback);
        let synthetic = ServedMetric {
            value_milli: 40_000,
            fallback_active: true,
        };
        assert_eq!(served, Ok(synthetic));
        let failing = MetricHealth {
            number_of_failures: 3,
            failing: true,
        };
        assert_eq!(health, failing);

        // A good read is served as is and resets the count.
        let real = ServedMetric {
            value_milli: 12_000,
            fallback_active: false,
        };
        assert_eq!(serve(&mut health, Ok(12_000), &fallback), Ok(real));
        assert_eq!(health, MetricHealth::default());

        // Threshold 0: the first failure already falls back.
        let eager = Fallback {
            failure_threshold: 0,
            ..fallback
        };
        assert_eq!(
            serve(&mut MetricHealth::default(), failed, &eager),
            Ok(synthetic)
        );
    }

    #[test]
    fn no_or_invalid_fallback_surfaces_errors_untracked() {
        let target = average(10_000);
        let mut health = MetricHealth::default();
        for _ in 0..5 {
            let failed = Err(MetricError::EmptyResult);
            let served = get_metrics_with_fallback(&mut health, failed, None, target, 1, 1);
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
        let failed = Err(MetricError::ScalerFailed);
        let served = get_metrics_with_fallback(&mut health, failed, Some(&invalid), target, 1, 1);
        assert_eq!(served, Err(MetricError::ScalerFailed));
        assert_eq!(
            health,
            MetricHealth::default(),
            "health untouched with an invalid fallback"
        );
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

        // (spec, lastActiveTime, current, active, error, step, action, lastActiveTime refreshed);
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
            let decision = request_scale(spec, 0, last_active, current, active, error, NOW);
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
            let decision = request_scale(&spec, 0, None, 2, false, false, now);
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
        let mut object = ScaledObjectLoop::new(spec(None), 0);
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
        assert_eq!(object.last_active_time, Some(600));
        assert_eq!(zero_at, Some(930));
        assert_eq!(replicas, 0);
    }

    #[test]
    fn scenario_activation_above_threshold_only() {
        // threshold 10, activationThreshold 50, value 40: the HPA alone would want 4 pods, but the object is
        // inactive, so KEDA deactivates it after the cooldown.
        let value = prometheus_value(Some(40.0), DEFAULT_IGNORE_NULL_VALUES).unwrap_or_default();
        let active = is_active(value, 50.0);
        assert!(!active);
        let decision = request_scale(&spec(None), 0, Some(NOW - 301), 4, active, false, NOW);
        assert_eq!(decision.action, ScaleAction::ScaleTo(0));
        // 40 000 m served against a 10 000 m target.
        let served = (metric_value_milli(value), metric_target_milli(10.0));
        assert_eq!(served, (40_000, 10_000));
    }
}
