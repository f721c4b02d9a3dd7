//! The decision functions of the Kubernetes `HorizontalPodAutoscaler` controller, as pure functions.
//!
//! Every function here mirrors one function of kubernetes `pkg/controller/podautoscaler/horizontal.go` or
//! `replica_calculator.go`, keeps its name (in snake case) and its arithmetic, and takes the state it reads
//! (recommendation history, scale events, the clock) as explicit arguments instead of controller fields.
//! [`Hpa::reconcile`] composes them the way one controller sync does.
//!
//! Conventions carried over from the controller:
//!
//! * **Time** is whole seconds (`i64`). Upstream compares `time.Time` values with `Before`/`After`, which are
//!   strict; here `a.Before(b)` is `a < b` and `a.After(b)` is `a > b`, so an entry stamped exactly at a cutoff
//!   belongs to neither side of a strict test.
//! * **Replica counts** are `i32` and sums of them wrap like Go's `int32`. Float-to-count conversions truncate
//!   toward zero (Go's `int32(f)`); where Go leaves an out-of-range or NaN conversion to the platform, the
//!   result here saturates at the `i32` bounds and NaN becomes 0.
//! * **Metric values and targets** are `i64` milli-units (`Quantity.MilliValue()` upstream); ratios between
//!   them are computed in `f64`, as upstream does.

use std::borrow::Cow;
use std::fmt;

use super::go::{f64_to_i32, milli_to_f64};
use super::versions::{FeatureGates, KubernetesVersion};

/// Multiplier of the per-sync scale-up cap on the no-behavior path (`scaleUpLimitFactor`).
pub const SCALE_UP_LIMIT_FACTOR: f64 = 2.0;

/// Floor of the per-sync scale-up cap on the no-behavior path (`scaleUpLimitMinimum`).
pub const SCALE_UP_LIMIT_MINIMUM: f64 = 4.0;

/// Cluster-wide metric tolerance (`--horizontal-pod-autoscaler-tolerance`).
pub const DEFAULT_TOLERANCE: f64 = 0.1;

/// Scale-down stabilization window of the controller (`--horizontal-pod-autoscaler-downscale-stabilization`).
///
/// It is the window of the no-behavior path, and the window of a behavior whose `scaleDown` leaves
/// `stabilizationWindowSeconds` unset.
pub const DEFAULT_DOWNSCALE_STABILIZATION_SECONDS: i64 = 300;

/// How often the controller reconciles one autoscaler (`--horizontal-pod-autoscaler-sync-period`).
pub const DEFAULT_SYNC_PERIOD_SECONDS: i64 = 15;

/// `minReplicas` when the spec leaves it unset.
pub const DEFAULT_MIN_REPLICAS: i32 = 1;

/// Pods a defaulted `scaleUp` may add per period.
pub const DEFAULT_SCALE_UP_PODS: i32 = 4;

/// Percent a defaulted `scaleUp` may grow per period.
pub const DEFAULT_SCALE_UP_PERCENT: i32 = 100;

/// Percent a defaulted `scaleDown` may remove per period.
pub const DEFAULT_SCALE_DOWN_PERCENT: i32 = 100;

/// Period of every defaulted policy, in seconds.
pub const DEFAULT_POLICY_PERIOD_SECONDS: i32 = 15;

/// Stabilization window of a defaulted `scaleUp`, in seconds (no up-stabilization).
pub const DEFAULT_SCALE_UP_STABILIZATION_SECONDS: i32 = 0;

// ---------------------------------------------------------------------------------------------------------------
// Data
// ---------------------------------------------------------------------------------------------------------------

/// One unstabilized replica recommendation remembered for the stabilization windows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct TimestampedRecommendation {
    /// The replica count the metrics asked for, before stabilization and rate limits.
    pub recommendation: i32,
    /// When it was computed, in seconds.
    pub timestamp: i64,
}

/// One rescale the controller performed, remembered for the rate-limiting policies.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ScaleEvent {
    /// How many replicas were added (in the scale-up list) or removed (in the scale-down list); never negative.
    pub replica_change: i32,
    /// When the rescale happened, in seconds.
    pub timestamp: i64,
    /// Older than the longest policy period: the slot may be reused by the next event.
    pub outdated: bool,
}

/// How a scaling policy measures change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PolicyType {
    /// An absolute number of pods per period.
    Pods,
    /// A percentage of the replica count at the start of the period.
    Percent,
}

impl PolicyType {
    /// The API spelling (`Pods`, `Percent`).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            PolicyType::Pods => "Pods",
            PolicyType::Percent => "Percent",
        }
    }
}

/// One rate limit: at most `value` pods (or percent) of change within any `period_seconds`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ScalingPolicy {
    /// Whether `value` counts pods or percent.
    pub policy_type: PolicyType,
    /// Amount of change allowed per period; the API requires it to be positive.
    pub value: i32,
    /// Length of the look-back period in seconds; the API requires `1..=1800`.
    pub period_seconds: i32,
}

/// Which policy wins when a direction has several.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum SelectPolicy {
    /// The policy that allows the largest change (the API default).
    #[default]
    Max,
    /// The policy that allows the smallest change.
    Min,
    /// No change in this direction at all.
    Disabled,
}

impl SelectPolicy {
    /// The API spelling (`Max`, `Min`, `Disabled`).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            SelectPolicy::Max => "Max",
            SelectPolicy::Min => "Min",
            SelectPolicy::Disabled => "Disabled",
        }
    }
}

/// Scaling rules of one direction (`HPAScalingRules`).
///
/// Unset fields are `None` (or an empty `policies` list); [`Behavior::with_defaults`] fills them the way the API
/// server does. The rate-limit functions read an unset `select_policy` as [`SelectPolicy::Max`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ScalingRules {
    /// How far back recommendations are considered, in seconds (`0..=3600`).
    pub stabilization_window_seconds: Option<i32>,
    /// Which policy wins.
    pub select_policy: Option<SelectPolicy>,
    /// The rate limits. An empty list counts as unset: the API rejects an empty list, so only defaulting fills it.
    pub policies: Vec<ScalingPolicy>,
    /// Ratio tolerance for this direction; `None` uses the cluster tolerance.
    pub tolerance: Option<f64>,
}

impl ScalingRules {
    /// The rules a missing `scaleUp` gets: no stabilization, `+4 pods` or `+100 %` per 15 s, the larger wins.
    #[must_use]
    pub fn default_scale_up() -> Self {
        ScalingRules {
            stabilization_window_seconds: Some(DEFAULT_SCALE_UP_STABILIZATION_SECONDS),
            select_policy: Some(SelectPolicy::Max),
            policies: vec![
                ScalingPolicy {
                    policy_type: PolicyType::Pods,
                    value: DEFAULT_SCALE_UP_PODS,
                    period_seconds: DEFAULT_POLICY_PERIOD_SECONDS,
                },
                ScalingPolicy {
                    policy_type: PolicyType::Percent,
                    value: DEFAULT_SCALE_UP_PERCENT,
                    period_seconds: DEFAULT_POLICY_PERIOD_SECONDS,
                },
            ],
            tolerance: None,
        }
    }

    /// The rules a missing `scaleDown` gets: window left to the controller (300 s), `-100 %` per 15 s.
    #[must_use]
    pub fn default_scale_down() -> Self {
        ScalingRules {
            stabilization_window_seconds: None,
            select_policy: Some(SelectPolicy::Max),
            policies: vec![ScalingPolicy {
                policy_type: PolicyType::Percent,
                value: DEFAULT_SCALE_DOWN_PERCENT,
                period_seconds: DEFAULT_POLICY_PERIOD_SECONDS,
            }],
            tolerance: None,
        }
    }

    /// Fills every unset field of `rules` from `defaults`, field by field (upstream `copyHPAScalingRules`).
    fn overlaid_on(rules: Option<&ScalingRules>, defaults: ScalingRules) -> ScalingRules {
        let Some(rules) = rules else {
            return defaults;
        };
        ScalingRules {
            stabilization_window_seconds: rules
                .stabilization_window_seconds
                .or(defaults.stabilization_window_seconds),
            select_policy: rules.select_policy.or(defaults.select_policy),
            policies: if rules.policies.is_empty() {
                defaults.policies
            } else {
                rules.policies.clone()
            },
            tolerance: rules.tolerance.or(defaults.tolerance),
        }
    }
}

/// The optional `spec.behavior` of an autoscaler (`HorizontalPodAutoscalerBehavior`).
///
/// An autoscaler without behavior (`Option<Behavior>` is `None`) takes the legacy path of the controller
/// ([`stabilize_recommendation`] + [`convert_desired_replicas_with_rules`]); one with a behavior, even an empty
/// one, takes the policy path after [`Behavior::with_defaults`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Behavior {
    /// Rules for growing.
    pub scale_up: Option<ScalingRules>,
    /// Rules for shrinking.
    pub scale_down: Option<ScalingRules>,
}

impl Behavior {
    /// Returns this behavior with every unset field defaulted.
    ///
    /// Mirrors `SetDefaults_HorizontalPodAutoscalerBehavior` in kubernetes `pkg/apis/autoscaling/v2/defaults.go`.
    /// The API server runs it on every write of an autoscaler that has a behavior, so the controller never sees
    /// a gap: a missing direction gets [`ScalingRules::default_scale_up`] / [`ScalingRules::default_scale_down`],
    /// a partly filled one keeps its own fields and takes the rest from those. The scale-down window stays
    /// `None`; the controller substitutes its own flag for it. Defaulting is idempotent.
    #[must_use]
    pub fn with_defaults(&self) -> Behavior {
        let (scale_up, scale_down) = defaulted_rules(self);
        Behavior {
            scale_up: Some(scale_up.into_owned()),
            scale_down: Some(scale_down.into_owned()),
        }
    }
}

/// An empty behavior after API defaulting: what `behavior: {}` means.
///
/// Mirrors `SetDefaults_HorizontalPodAutoscalerBehavior` applied to an empty behavior (kubernetes
/// `pkg/apis/autoscaling/v2/defaults.go`). It differs from having no behavior: scale-up becomes "4 pods or
/// double per 15 s" instead of "double or 4 per sync", and events start being recorded.
#[must_use]
pub fn default_behavior() -> Behavior {
    Behavior::default().with_defaults()
}

/// Both directions' rules after defaulting. Rules that defaulting would not change (as the API server leaves them,
/// and as every sync of a simulation sees them) are borrowed, not rebuilt.
fn defaulted_rules(behavior: &Behavior) -> (Cow<'_, ScalingRules>, Cow<'_, ScalingRules>) {
    (
        overlaid(
            behavior.scale_up.as_ref(),
            true,
            ScalingRules::default_scale_up,
        ),
        overlaid(
            behavior.scale_down.as_ref(),
            false,
            ScalingRules::default_scale_down,
        ),
    )
}

/// [`ScalingRules::overlaid_on`], borrowing `rules` when every field the defaults would fill is already set.
/// `default_has_window`: whether the defaults set a stabilization window (scale-up's do, scale-down's leave it to
/// the controller); no default sets a tolerance.
fn overlaid(
    rules: Option<&ScalingRules>,
    default_has_window: bool,
    defaults: fn() -> ScalingRules,
) -> Cow<'_, ScalingRules> {
    match rules {
        Some(rules)
            if rules.select_policy.is_some()
                && !rules.policies.is_empty()
                && (rules.stabilization_window_seconds.is_some() || !default_has_window) =>
        {
            Cow::Borrowed(rules)
        }
        _ => Cow::Owned(ScalingRules::overlaid_on(rules, defaults())),
    }
}

/// The band of usage ratios within which the controller keeps the current replica count.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tolerances {
    /// How far below 1.0 the ratio may fall before scaling down.
    pub scale_down: f64,
    /// How far above 1.0 the ratio may rise before scaling up.
    pub scale_up: f64,
}

impl Default for Tolerances {
    fn default() -> Self {
        Tolerances::uniform(DEFAULT_TOLERANCE)
    }
}

impl Tolerances {
    /// The same tolerance in both directions.
    #[must_use]
    pub const fn uniform(tolerance: f64) -> Self {
        Tolerances {
            scale_down: tolerance,
            scale_up: tolerance,
        }
    }

    /// The tolerances that apply to an autoscaler.
    ///
    /// Mirrors `(*HorizontalController).tolerancesForHpa` in kubernetes `pkg/controller/podautoscaler/horizontal.go`.
    /// With the `HPAConfigurableTolerance` feature gate on (`configurable_tolerance`; beta and on by default from
    /// 1.35, see [`KubernetesVersion::supports_tolerance`]), a direction's own `tolerance` overrides the cluster
    /// value; this is what lets a recipe react to small rises quickly while ignoring small dips. With the gate off
    /// both directions use the cluster value, whatever the behavior says.
    #[must_use]
    pub fn for_hpa(
        behavior: Option<&Behavior>,
        cluster_tolerance: f64,
        configurable_tolerance: bool,
    ) -> Self {
        let mut tolerances = Tolerances::uniform(cluster_tolerance);
        let Some(behavior) = behavior.filter(|_| configurable_tolerance) else {
            return tolerances;
        };
        if let Some(down) = behavior
            .scale_down
            .as_ref()
            .and_then(|rules| rules.tolerance)
        {
            tolerances.scale_down = down;
        }
        if let Some(up) = behavior.scale_up.as_ref().and_then(|rules| rules.tolerance) {
            tolerances.scale_up = up;
        }
        tolerances
    }

    /// Whether `usage_ratio` lies in `[1 - scale_down, 1 + scale_up]`, bounds included (NaN never does).
    ///
    /// Mirrors `Tolerances.isWithin` in kubernetes `pkg/controller/podautoscaler/replica_calculator.go`. A ratio
    /// exactly on a bound (1.1 with the default tolerance) counts as within, so it does not trigger a rescale.
    #[must_use]
    pub fn is_within(self, usage_ratio: f64) -> bool {
        (1.0 - self.scale_down) <= usage_ratio && usage_ratio <= (1.0 + self.scale_up)
    }
}

/// Why the controller arrived at a replica count: the reasons of its status conditions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Reason {
    /// The target has 0 replicas while `minReplicas` is not 0: the controller leaves it alone.
    ScalingDisabled,
    /// The target had more replicas than `maxReplicas`; corrected at once, without rate limits.
    CurrentAboveMaxReplicas,
    /// The target had fewer replicas than `minReplicas`; corrected at once, without rate limits.
    CurrentBelowMinReplicas,
    /// No usable proposal: every metric failed, or one failed while the others asked for fewer replicas.
    FailedGetExternalMetric,
    /// A lower recent recommendation held the count below what the metrics asked for.
    ScaleUpStabilized,
    /// A higher recent recommendation held the count above what the metrics asked for.
    ScaleDownStabilized,
    /// Stabilization did not change the recommendation.
    ReadyForNewScale,
    /// The scale-up rate limit capped the count.
    ScaleUpLimit,
    /// The scale-down rate limit held the count up.
    ScaleDownLimit,
    /// `maxReplicas` capped the count.
    TooManyReplicas,
    /// `minReplicas` held the count up.
    TooFewReplicas,
    /// Nothing limited the recommendation.
    DesiredWithinRange,
}

impl Reason {
    /// The condition reason as the controller spells it (for the two out-of-range corrections, which set no
    /// condition upstream, a name in the same style).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Reason::ScalingDisabled => "ScalingDisabled",
            Reason::CurrentAboveMaxReplicas => "CurrentAboveMaxReplicas",
            Reason::CurrentBelowMinReplicas => "CurrentBelowMinReplicas",
            Reason::FailedGetExternalMetric => "FailedGetExternalMetric",
            Reason::ScaleUpStabilized => "ScaleUpStabilized",
            Reason::ScaleDownStabilized => "ScaleDownStabilized",
            Reason::ReadyForNewScale => "ReadyForNewScale",
            Reason::ScaleUpLimit => "ScaleUpLimit",
            Reason::ScaleDownLimit => "ScaleDownLimit",
            Reason::TooManyReplicas => "TooManyReplicas",
            Reason::TooFewReplicas => "TooFewReplicas",
            Reason::DesiredWithinRange => "DesiredWithinRange",
        }
    }

    /// A one-line explanation for a timeline.
    #[must_use]
    pub const fn message(self) -> &'static str {
        match self {
            Reason::ScalingDisabled => "target is at zero replicas, so the autoscaler does not act",
            Reason::CurrentAboveMaxReplicas => {
                "replica count was above maxReplicas and is set to it"
            }
            Reason::CurrentBelowMinReplicas => {
                "replica count was below minReplicas and is set to it"
            }
            Reason::FailedGetExternalMetric => "metrics unavailable; the replica count is kept",
            Reason::ScaleUpStabilized => {
                "a lower recommendation within the scale-up window holds growth back"
            }
            Reason::ScaleDownStabilized => {
                "a higher recommendation within the scale-down window holds shrinking back"
            }
            Reason::ReadyForNewScale => "stabilization left the recommendation unchanged",
            Reason::ScaleUpLimit => "growth is capped by the scale-up rate",
            Reason::ScaleDownLimit => "shrinking is capped by the scale-down rate",
            Reason::TooManyReplicas => "capped at maxReplicas",
            Reason::TooFewReplicas => "held at minReplicas",
            Reason::DesiredWithinRange => "the recommendation is applied as is",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Reason {
    /// Every reason, in declaration order.
    pub const ALL: [Reason; 12] = [
        Reason::ScalingDisabled,
        Reason::CurrentAboveMaxReplicas,
        Reason::CurrentBelowMinReplicas,
        Reason::FailedGetExternalMetric,
        Reason::ScaleUpStabilized,
        Reason::ScaleDownStabilized,
        Reason::ReadyForNewScale,
        Reason::ScaleUpLimit,
        Reason::ScaleDownLimit,
        Reason::TooManyReplicas,
        Reason::TooFewReplicas,
        Reason::DesiredWithinRange,
    ];
}

/// A reason is written as the controller spells it ([`Reason::as_str`]), one of those [`Reason::ALL`] lists.
#[cfg(feature = "schema")]
impl schemars::JsonSchema for Reason {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "HpaReason".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let names: Vec<&str> = Reason::ALL.iter().map(|r| r.as_str()).collect();
        schemars::json_schema!({
            "description": "The HPA's condition reason, as the controller spells it.",
            "type": "string",
            "enum": names,
        })
    }
}

/// Rounds a replica estimate up and caps it at `i32::MAX`, as the replica calculator does before converting.
fn ceil_capped(replicas: f64) -> i32 {
    let rounded = replicas.ceil();
    if rounded > f64::from(i32::MAX) {
        i32::MAX
    } else {
        f64_to_i32(rounded)
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Replica calculation (replica_calculator.go)
// ---------------------------------------------------------------------------------------------------------------

/// Replicas for a ratio of usage to target, given the current and ready pod counts.
///
/// Mirrors `(*ReplicaCalculator).getUsageRatioReplicaCount` in kubernetes
/// `pkg/controller/podautoscaler/replica_calculator.go`. At 0 current replicas it skips the tolerance and the
/// ready-pod count entirely (`ceil(ratio)`), which is what lets an autoscaler with `minReplicas: 0` leave zero.
/// Otherwise a ratio within tolerance keeps the current count and anything else scales the *ready* pods, so pods
/// that are still starting do not count.
#[must_use]
pub fn get_usage_ratio_replica_count(
    current_replicas: i32,
    ready_pods: i32,
    usage_ratio: f64,
    tolerances: Tolerances,
) -> i32 {
    if current_replicas != 0 {
        if tolerances.is_within(usage_ratio) {
            return current_replicas;
        }
        let replicas = usage_ratio * f64::from(ready_pods);
        if replicas > f64::from(i32::MAX) {
            i32::MAX
        } else {
            f64_to_i32(replicas.ceil())
        }
    } else {
        f64_to_i32(usage_ratio.ceil())
    }
}

/// Replicas proposed by an External metric with a `Value` target.
///
/// Mirrors `(*ReplicaCalculator).GetExternalMetricReplicas` in kubernetes
/// `pkg/controller/podautoscaler/replica_calculator.go`. `usage_milli` and `target_milli` are milli-values
/// (`MilliValue()` of the metric and of the target quantity); their ratio is taken in `f64`. This target type
/// treats the metric as a total for the whole workload: the proposal scales the ready pods by
/// `usage / target`, e.g. ratio 4.5 with 3 ready pods gives `ceil(13.5) = 14`.
///
/// Upstream fails this metric when the target's selector matches no pod at all (it counts ready pods only
/// after the tolerance test); [`compute_replicas_for_external_metric`] reproduces that, this function does not.
#[must_use]
pub fn get_external_metric_replicas(
    spec_replicas: i32,
    ready_pods: i32,
    usage_milli: i64,
    target_milli: i64,
    tolerances: Tolerances,
) -> i32 {
    let usage_ratio = milli_to_f64(usage_milli) / milli_to_f64(target_milli);
    get_usage_ratio_replica_count(spec_replicas, ready_pods, usage_ratio, tolerances)
}

/// Replicas proposed by an External metric with an `AverageValue` target (KEDA's default).
///
/// Mirrors `(*ReplicaCalculator).GetExternalPerPodMetricReplicas` in kubernetes
/// `pkg/controller/podautoscaler/replica_calculator.go`. `usage_milli` and `target_milli` are milli-values; the
/// ratio is `usage / (target × status_replicas)` in `f64`. Outside tolerance the proposal is
/// `ceil(usage / target)` whatever the current count, so a queue of 45 at 10 per pod asks for 5 pods. Within
/// tolerance the count stays, even where `ceil` would differ (31 at 10 per pod on 3 pods stays at 3). With
/// `status_replicas == 0` the ratio is infinite (or NaN for zero usage), never within tolerance.
#[must_use]
pub fn get_external_per_pod_metric_replicas(
    status_replicas: i32,
    usage_milli: i64,
    target_milli: i64,
    tolerances: Tolerances,
) -> i32 {
    let usage = milli_to_f64(usage_milli);
    let target = milli_to_f64(target_milli);
    let usage_ratio = usage / (target * f64::from(status_replicas));
    if tolerances.is_within(usage_ratio) {
        status_replicas
    } else {
        ceil_capped(usage / target)
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Stabilization (horizontal.go)
// ---------------------------------------------------------------------------------------------------------------

/// Writes `entry` over the slot at `old_index` if there is one, else appends it.
fn store_recommendation(
    recommendations: &mut Vec<TimestampedRecommendation>,
    old_index: Option<usize>,
    entry: TimestampedRecommendation,
) {
    match old_index.and_then(|index| recommendations.get_mut(index)) {
        Some(slot) => *slot = entry,
        None => recommendations.push(entry),
    }
}

/// Scale-down stabilization of the no-behavior path: the highest recommendation of the window.
///
/// Mirrors `(*HorizontalController).stabilizeRecommendation` in kubernetes
/// `pkg/controller/podautoscaler/horizontal.go`. Returns the maximum of `desired` and every remembered
/// recommendation not older than `now - window_seconds` (an entry exactly at the cutoff still counts), so a
/// drop in load only shows after the window has passed while a rise shows at once. It then remembers
/// `(desired, now)`, overwriting the last entry that fell out of the window or appending when none did; the
/// history therefore never grows past one entry per sync within the window.
#[must_use]
pub fn stabilize_recommendation(
    recommendations: &mut Vec<TimestampedRecommendation>,
    desired: i32,
    now: i64,
    window_seconds: i64,
) -> i32 {
    let cutoff = now - window_seconds;
    let mut max_recommendation = desired;
    let mut old_index = None;
    for (index, entry) in recommendations.iter().enumerate() {
        if entry.timestamp < cutoff {
            old_index = Some(index);
        } else if entry.recommendation > max_recommendation {
            max_recommendation = entry.recommendation;
        }
    }
    store_recommendation(
        recommendations,
        old_index,
        TimestampedRecommendation {
            recommendation: desired,
            timestamp: now,
        },
    );
    max_recommendation
}

/// Two-sided stabilization of the behavior path.
///
/// Mirrors `(*HorizontalController).stabilizeRecommendationWithBehaviors` in kubernetes
/// `pkg/controller/podautoscaler/horizontal.go`. Entries strictly younger than the up window bound growth to
/// their minimum; entries strictly younger than the down window bound shrinking to their maximum (an entry
/// exactly at a cutoff is outside, unlike [`stabilize_recommendation`]). The result starts from `current`
/// and moves toward `desired` only as far as both bounds allow, so a brief spike or dip inside a window
/// does not move the count. The *unstabilized* `desired` is remembered, overwriting the last entry older
/// than both windows, else appended.
///
/// The reason is [`Reason::ScaleUpStabilized`] when `desired >= current`, else
/// [`Reason::ScaleDownStabilized`]; it describes the outcome only when the result differs from `desired`.
#[must_use]
pub fn stabilize_recommendation_with_behaviors(
    recommendations: &mut Vec<TimestampedRecommendation>,
    current: i32,
    desired: i32,
    up_window_seconds: i64,
    down_window_seconds: i64,
    now: i64,
) -> (i32, Reason) {
    let up_cutoff = now - up_window_seconds;
    let down_cutoff = now - down_window_seconds;
    let mut up_recommendation = desired;
    let mut down_recommendation = desired;
    let mut old_index = None;
    for (index, entry) in recommendations.iter().enumerate() {
        if entry.timestamp > up_cutoff {
            up_recommendation = up_recommendation.min(entry.recommendation);
        }
        if entry.timestamp > down_cutoff {
            down_recommendation = down_recommendation.max(entry.recommendation);
        }
        if entry.timestamp < up_cutoff && entry.timestamp < down_cutoff {
            old_index = Some(index);
        }
    }

    let mut recommendation = current;
    if recommendation < up_recommendation {
        recommendation = up_recommendation;
    }
    if recommendation > down_recommendation {
        recommendation = down_recommendation;
    }

    store_recommendation(
        recommendations,
        old_index,
        TimestampedRecommendation {
            recommendation: desired,
            timestamp: now,
        },
    );

    let reason = if desired >= current {
        Reason::ScaleUpStabilized
    } else {
        Reason::ScaleDownStabilized
    };
    (recommendation, reason)
}

// ---------------------------------------------------------------------------------------------------------------
// Rate limits (horizontal.go)
// ---------------------------------------------------------------------------------------------------------------

/// The per-sync scale-up cap of the no-behavior path: `max(2 × current, 4)`.
///
/// Mirrors `calculateScaleUpLimit` in kubernetes `pkg/controller/podautoscaler/horizontal.go`. It is the only
/// brake on growth when an autoscaler has no behavior (KEDA's default): from 1 replica the count can go
/// 4, 8, 16, … one step per sync.
#[must_use]
pub fn calculate_scale_up_limit(current: i32) -> i32 {
    f64_to_i32((SCALE_UP_LIMIT_FACTOR * f64::from(current)).max(SCALE_UP_LIMIT_MINIMUM))
}

/// Clamps a stabilized recommendation on the no-behavior path.
///
/// Mirrors `convertDesiredReplicasWithRules` in kubernetes `pkg/controller/podautoscaler/horizontal.go`. The
/// floor is `min`; the ceiling is the smaller of `max` and [`calculate_scale_up_limit`], reported as
/// [`Reason::ScaleUpLimit`] when the rate is the tighter one and [`Reason::TooManyReplicas`] otherwise (a tie
/// counts as `TooManyReplicas`). There is no scale-down rate here: shrinking is limited only by the window of
/// [`stabilize_recommendation`].
#[must_use]
pub fn convert_desired_replicas_with_rules(
    current: i32,
    desired: i32,
    min: i32,
    max: i32,
) -> (i32, Reason) {
    let scale_up_limit = calculate_scale_up_limit(current);
    let (maximum_allowed, limiting_reason) = if max > scale_up_limit {
        (scale_up_limit, Reason::ScaleUpLimit)
    } else {
        (max, Reason::TooManyReplicas)
    };
    if desired < min {
        (min, Reason::TooFewReplicas)
    } else if desired > maximum_allowed {
        (maximum_allowed, limiting_reason)
    } else {
        (desired, Reason::DesiredWithinRange)
    }
}

/// Sum of the changes of the events strictly younger than `period_seconds`.
///
/// Mirrors `getReplicasChangePerPeriod` in kubernetes `pkg/controller/podautoscaler/horizontal.go`. An event
/// exactly `period_seconds` old no longer counts, so a "1 pod per 60 s" policy that added a pod at `t` allows the
/// next one at `t + 60`. The `outdated` flag is not consulted; only the timestamp is.
#[must_use]
pub fn get_replicas_change_per_period(period_seconds: i32, events: &[ScaleEvent], now: i64) -> i32 {
    let cutoff = now - i64::from(period_seconds);
    events
        .iter()
        .filter(|event| event.timestamp > cutoff)
        .fold(0_i32, |sum, event| sum.wrapping_add(event.replica_change))
}

/// The replica count each policy window started from: current minus what it added, plus what it removed.
fn period_start_replicas(
    current: i32,
    policy: &ScalingPolicy,
    up_events: &[ScaleEvent],
    down_events: &[ScaleEvent],
    now: i64,
) -> i32 {
    let added = get_replicas_change_per_period(policy.period_seconds, up_events, now);
    let removed = get_replicas_change_per_period(policy.period_seconds, down_events, now);
    current.wrapping_sub(added).wrapping_add(removed)
}

/// The highest replica count the scale-up policies allow now.
///
/// Mirrors `calculateScaleUpLimitWithScalingRules` in kubernetes `pkg/controller/podautoscaler/horizontal.go`.
/// Each policy starts from the count at the beginning of its period and adds `value` pods, or grows by
/// `value` percent rounded **up** (so a small percentage still allows one pod; the product is computed in
/// `f64`, and e.g. 10 % of 100 allows 111 because `100 × 1.1` is slightly above 110). `Max` keeps the largest
/// proposal, `Min` the smallest, `Disabled` returns `current`. With no policies the result is `i32::MIN`
/// (or `i32::MAX` for `Min`), which callers clamp.
#[must_use]
pub fn calculate_scale_up_limit_with_scaling_rules(
    current: i32,
    up_events: &[ScaleEvent],
    down_events: &[ScaleEvent],
    rules: &ScalingRules,
    now: i64,
) -> i32 {
    let (mut result, pick): (i32, fn(i32, i32) -> i32) =
        match rules.select_policy.unwrap_or_default() {
            SelectPolicy::Disabled => return current,
            SelectPolicy::Min => (i32::MAX, std::cmp::min),
            SelectPolicy::Max => (i32::MIN, std::cmp::max),
        };
    for policy in &rules.policies {
        let start = period_start_replicas(current, policy, up_events, down_events, now);
        let proposed = match policy.policy_type {
            PolicyType::Pods => start.wrapping_add(policy.value),
            PolicyType::Percent => {
                f64_to_i32((f64::from(start) * (1.0 + f64::from(policy.value) / 100.0)).ceil())
            }
        };
        result = pick(result, proposed);
    }
    result
}

/// The lowest replica count the scale-down policies allow now.
///
/// Mirrors `calculateScaleDownLimitWithBehaviors` in kubernetes `pkg/controller/podautoscaler/horizontal.go`.
/// Each policy starts from the count at the beginning of its period and removes `value` pods, or keeps
/// `100 - value` percent **truncated** (10 % of 9 keeps 8; 50 % of 7 keeps 3). `Max` (the largest change)
/// keeps the smallest floor, `Min` the largest, `Disabled` returns `current`. With no policies the result is
/// `i32::MAX` (or `i32::MIN` for `Min`), which callers clamp.
#[must_use]
pub fn calculate_scale_down_limit_with_behaviors(
    current: i32,
    up_events: &[ScaleEvent],
    down_events: &[ScaleEvent],
    rules: &ScalingRules,
    now: i64,
) -> i32 {
    let (mut result, pick): (i32, fn(i32, i32) -> i32) =
        match rules.select_policy.unwrap_or_default() {
            SelectPolicy::Disabled => return current,
            SelectPolicy::Min => (i32::MIN, std::cmp::max),
            SelectPolicy::Max => (i32::MAX, std::cmp::min),
        };
    for policy in &rules.policies {
        let start = period_start_replicas(current, policy, up_events, down_events, now);
        let proposed = match policy.policy_type {
            PolicyType::Pods => start.wrapping_sub(policy.value),
            PolicyType::Percent => {
                f64_to_i32(f64::from(start) * (1.0 - f64::from(policy.value) / 100.0))
            }
        };
        result = pick(result, proposed);
    }
    result
}

/// Clamps a stabilized recommendation on the behavior path.
///
/// Mirrors `(*HorizontalController).convertDesiredReplicasWithBehaviorRate` in kubernetes
/// `pkg/controller/podautoscaler/horizontal.go`. Growing is capped by
/// [`calculate_scale_up_limit_with_scaling_rules`] (never below `current`) and `max`; shrinking is floored by
/// [`calculate_scale_down_limit_with_behaviors`] (never above `current`) and `min`. When `desired == current`
/// nothing is clamped, not even to `min`/`max`: [`Hpa::reconcile`] corrects out-of-range counts before this
/// runs. `behavior` is defaulted first, as the API server would have.
#[allow(
    clippy::too_many_arguments,
    reason = "mirrors the inputs of the upstream function one to one"
)]
#[must_use]
pub fn convert_desired_replicas_with_behavior_rate(
    current: i32,
    desired: i32,
    min: i32,
    max: i32,
    behavior: &Behavior,
    up_events: &[ScaleEvent],
    down_events: &[ScaleEvent],
    now: i64,
) -> (i32, Reason) {
    let (scale_up, scale_down) = defaulted_rules(behavior);
    if desired > current {
        let scale_up_limit = calculate_scale_up_limit_with_scaling_rules(
            current,
            up_events,
            down_events,
            &scale_up,
            now,
        )
        .max(current);
        let (maximum_allowed, reason) = if max > scale_up_limit {
            (scale_up_limit, Reason::ScaleUpLimit)
        } else {
            (max, Reason::TooManyReplicas)
        };
        if desired > maximum_allowed {
            return (maximum_allowed, reason);
        }
    } else if desired < current {
        let scale_down_limit = calculate_scale_down_limit_with_behaviors(
            current,
            up_events,
            down_events,
            &scale_down,
            now,
        )
        .min(current);
        let (minimum_allowed, reason) = if min < scale_down_limit {
            (scale_down_limit, Reason::ScaleDownLimit)
        } else {
            (min, Reason::TooFewReplicas)
        };
        if desired < minimum_allowed {
            return (minimum_allowed, reason);
        }
    }
    (desired, Reason::DesiredWithinRange)
}

/// The longest `period_seconds` among the rules' policies, 0 when there are none.
///
/// Mirrors `getLongestPolicyPeriod` in kubernetes `pkg/controller/podautoscaler/horizontal.go`: events older
/// than this can no longer affect any policy, so their slots may be reused.
#[must_use]
pub fn get_longest_policy_period(rules: &ScalingRules) -> i32 {
    rules
        .policies
        .iter()
        .map(|policy| policy.period_seconds)
        .fold(0, i32::max)
}

/// Flags every event strictly older than `longest_period_seconds` as outdated (the flag is never cleared).
///
/// Mirrors `markScaleEventsOutdated` in kubernetes `pkg/controller/podautoscaler/horizontal.go`.
pub fn mark_scale_events_outdated(
    events: &mut [ScaleEvent],
    longest_period_seconds: i32,
    now: i64,
) {
    let cutoff = now - i64::from(longest_period_seconds);
    for event in events.iter_mut().filter(|event| event.timestamp < cutoff) {
        event.outdated = true;
    }
}

/// Remembers a rescale from `prev` to `new` replicas for the rate-limit policies.
///
/// Mirrors `(*HorizontalController).storeScaleEvent` in kubernetes `pkg/controller/podautoscaler/horizontal.go`.
/// Without a behavior nothing is stored (the no-behavior path has no policies to feed). Otherwise the event
/// goes to the up list when `new > prev` and to the down list otherwise, with the absolute change. Events
/// older than that direction's longest policy period are first marked outdated; the new event overwrites the
/// **last** outdated one, or is appended when none is. `behavior` is defaulted first.
pub fn store_scale_event(
    behavior: Option<&Behavior>,
    up_events: &mut Vec<ScaleEvent>,
    down_events: &mut Vec<ScaleEvent>,
    prev: i32,
    new: i32,
    now: i64,
) {
    let Some(behavior) = behavior else {
        return;
    };
    let (scale_up, scale_down) = defaulted_rules(behavior);
    let (events, rules, replica_change) = if new > prev {
        (up_events, scale_up, new.wrapping_sub(prev))
    } else {
        (down_events, scale_down, prev.wrapping_sub(new))
    };
    mark_scale_events_outdated(events, get_longest_policy_period(&rules), now);
    let event = ScaleEvent {
        replica_change,
        timestamp: now,
        outdated: false,
    };
    match events.iter_mut().rev().find(|existing| existing.outdated) {
        Some(slot) => *slot = event,
        None => events.push(event),
    }
}

// ---------------------------------------------------------------------------------------------------------------
// One controller sync
// ---------------------------------------------------------------------------------------------------------------

/// The target value of an External metric, in milli-units.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MetricTarget {
    /// `target.value`: the metric is a total for the workload; see [`get_external_metric_replicas`].
    Value {
        /// Target in milli-units.
        milli: i64,
    },
    /// `target.averageValue`: the metric is divided by the pods; see [`get_external_per_pod_metric_replicas`].
    AverageValue {
        /// Target per pod in milli-units.
        milli: i64,
    },
}

/// One External metric as the controller sees it at one sync: its target and the value it fetched.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ExternalMetricReading {
    /// The metric's target.
    pub target: MetricTarget,
    /// The metric value in milli-units, or `None` when the external metrics API did not serve it.
    pub usage_milli: Option<i64>,
}

/// The scale subresource of the target and its pods, as read at the start of a sync.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ScaleTarget {
    /// `spec.replicas`: the count the autoscaler last set (or someone else did).
    pub spec_replicas: i32,
    /// `status.replicas`: pods that exist; the divisor of `AverageValue` targets.
    pub status_replicas: i32,
    /// Pods running and ready; the multiplier of `Value` targets.
    pub ready_pods: i32,
}

/// What the metrics propose for one sync.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MetricsProposal {
    /// A usable proposal: the highest of the working metrics.
    Replicas {
        /// The proposed replica count.
        replicas: i32,
        /// How many metrics failed (the sync still acts on the others).
        invalid_metrics: usize,
    },
    /// No usable proposal: the controller keeps the current count.
    Unavailable {
        /// How many metrics failed.
        invalid_metrics: usize,
    },
}

/// The proposal of one External metric, or `None` when it cannot be computed.
///
/// Mirrors `(*HorizontalController).computeStatusForExternalMetric` in kubernetes
/// `pkg/controller/podautoscaler/horizontal.go`: an `AverageValue` target goes to
/// [`get_external_per_pod_metric_replicas`] with `status.replicas`, a `Value` target to
/// [`get_external_metric_replicas`] with `spec.replicas` and the ready pods. A `Value` metric also fails when it
/// is outside tolerance on a non-zero target whose selector matches no pod, modelled here as
/// `status_replicas == 0`.
#[must_use]
pub fn compute_replicas_for_external_metric(
    target: ScaleTarget,
    reading: &ExternalMetricReading,
    tolerances: Tolerances,
) -> Option<i32> {
    let usage_milli = reading.usage_milli?;
    match reading.target {
        MetricTarget::AverageValue { milli } => Some(get_external_per_pod_metric_replicas(
            target.status_replicas,
            usage_milli,
            milli,
            tolerances,
        )),
        MetricTarget::Value { milli } => {
            let usage_ratio = milli_to_f64(usage_milli) / milli_to_f64(milli);
            let needs_pods = target.spec_replicas != 0 && !tolerances.is_within(usage_ratio);
            if needs_pods && target.status_replicas == 0 {
                return None;
            }
            Some(get_usage_ratio_replica_count(
                target.spec_replicas,
                target.ready_pods,
                usage_ratio,
                tolerances,
            ))
        }
    }
}

/// The highest proposal over all metrics, with upstream's rule for broken metrics.
///
/// Mirrors `(*HorizontalController).computeReplicasForMetrics` in kubernetes
/// `pkg/controller/podautoscaler/horizontal.go`. Each metric proposes a count; the highest working one wins,
/// so one hot metric is enough to grow. When every metric fails (including when there are none), or when
/// some fail and the rest would shrink the target below `spec.replicas`, there is no proposal: a broken
/// metric can stop a scale-down but never cause one.
#[must_use]
pub fn compute_replicas_for_metrics(
    target: ScaleTarget,
    metrics: &[ExternalMetricReading],
    tolerances: Tolerances,
) -> MetricsProposal {
    let mut replicas = 0_i32;
    let mut invalid_metrics = 0_usize;
    for reading in metrics {
        match compute_replicas_for_external_metric(target, reading, tolerances) {
            None => invalid_metrics += 1,
            Some(proposal) => {
                if replicas == 0 || proposal > replicas {
                    replicas = proposal;
                }
            }
        }
    }
    if invalid_metrics >= metrics.len() || (invalid_metrics > 0 && replicas < target.spec_replicas)
    {
        MetricsProposal::Unavailable { invalid_metrics }
    } else {
        MetricsProposal::Replicas {
            replicas,
            invalid_metrics,
        }
    }
}

/// The spec fields of an autoscaler that the decision reads.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HpaSpec {
    /// `minReplicas`; `None` means [`DEFAULT_MIN_REPLICAS`].
    pub min_replicas: Option<i32>,
    /// `maxReplicas`.
    pub max_replicas: i32,
    /// `behavior`; `None` selects the no-behavior path.
    pub behavior: Option<Behavior>,
}

/// Flags of the controller manager that shape the decision, and the feature gates of its release.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ControllerConfig {
    /// `--horizontal-pod-autoscaler-tolerance`.
    pub tolerance: f64,
    /// `--horizontal-pod-autoscaler-downscale-stabilization`, in seconds.
    pub downscale_stabilization_seconds: i64,
    /// `HPAConfigurableTolerance` and `HPAScaleToZero`.
    pub feature_gates: FeatureGates,
}

impl Default for ControllerConfig {
    fn default() -> Self {
        ControllerConfig::for_version(KubernetesVersion::default())
    }
}

impl ControllerConfig {
    /// The default flags, with a release's feature gates at their defaults.
    #[must_use]
    pub fn for_version(version: KubernetesVersion) -> Self {
        ControllerConfig {
            tolerance: DEFAULT_TOLERANCE,
            downscale_stabilization_seconds: DEFAULT_DOWNSCALE_STABILIZATION_SECONDS,
            feature_gates: FeatureGates::defaults(version),
        }
    }
}

/// Why the API server refuses an autoscaler's `minReplicas`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MinReplicasError {
    /// 0 while `HPAScaleToZero` is off, or with no Object or External metric.
    #[error(
        "minReplicas must be greater than 0 (0 needs the HPAScaleToZero feature gate and an Object or External metric)"
    )]
    ZeroNotAllowed,
    /// Below 0.
    #[error("minReplicas must not be negative")]
    Negative,
}

/// Whether the API server accepts `minReplicas`.
///
/// The `minReplicas` rule of `validateHorizontalPodAutoscalerSpec` in kubernetes
/// `pkg/apis/autoscaling/validation/validation.go`, as the API documents it: "minReplicas is allowed to be 0 if
/// the alpha feature gate HPAScaleToZero is enabled and at least one Object or External metric is configured".
/// The gate is off by default up to 1.36 and on from 1.37 (kubernetes/kubernetes#139648). KEDA never asks for 0
/// ([`super::keda::hpa_min_replicas`]): it keeps the workload at zero itself.
///
/// # Errors
///
/// [`MinReplicasError`] when the value is refused.
pub fn validate_min_replicas(
    min_replicas: Option<i32>,
    has_object_or_external_metric: bool,
    feature_gates: FeatureGates,
) -> Result<(), MinReplicasError> {
    match min_replicas {
        Some(min) if min < 0 => Err(MinReplicasError::Negative),
        Some(0) if !(feature_gates.hpa_scale_to_zero && has_object_or_external_metric) => {
            Err(MinReplicasError::ZeroNotAllowed)
        }
        _ => Ok(()),
    }
}

/// The result of stabilizing and clamping one proposal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Normalization {
    /// The replica count to apply.
    pub desired: i32,
    /// The count after stabilization, before rate limits and bounds.
    pub stabilized: i32,
    /// The reason of the `AbleToScale` condition: stabilized or ready for a new scale.
    pub able_to_scale: Reason,
    /// The reason of the `ScalingLimited` condition: which bound or rate applied, if any.
    pub scaling_limited: Reason,
}

impl Normalization {
    /// The one reason that best explains `desired`: the limit if one applied, else the stabilization if it
    /// changed the proposal, else [`Reason::DesiredWithinRange`].
    #[must_use]
    pub fn reason(&self, proposal: i32) -> Reason {
        if self.desired != self.stabilized {
            self.scaling_limited
        } else if self.stabilized != proposal {
            self.able_to_scale
        } else {
            Reason::DesiredWithinRange
        }
    }
}

/// What one sync decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ReconcileOutcome {
    /// The replica count after this sync (`status.desiredReplicas`): the new count when rescaled, else the
    /// current one.
    pub desired_replicas: i32,
    /// Whether the sync wrote a new count to the target.
    pub rescaled: bool,
    /// The main reason for `desired_replicas`.
    pub reason: Reason,
    /// The metrics' proposal, when the metrics were consulted and usable.
    pub metric_replicas: Option<i32>,
    /// How many metrics failed in this sync.
    pub invalid_metrics: usize,
    /// Normalization details, when the sync got that far.
    pub normalization: Option<Normalization>,
}

/// One autoscaler: its spec, the controller flags, and the history the controller keeps for it in memory.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Hpa {
    /// What the autoscaler asks for.
    pub spec: HpaSpec,
    /// Controller-manager flags.
    pub config: ControllerConfig,
    /// Unstabilized recommendations, for the stabilization windows.
    pub recommendations: Vec<TimestampedRecommendation>,
    /// Rescales that added replicas (recorded only with a behavior).
    pub scale_up_events: Vec<ScaleEvent>,
    /// Rescales that removed replicas (recorded only with a behavior).
    pub scale_down_events: Vec<ScaleEvent>,
}

impl Hpa {
    /// An autoscaler with default controller flags and empty history.
    #[must_use]
    pub fn new(spec: HpaSpec) -> Self {
        Hpa {
            spec,
            ..Hpa::default()
        }
    }

    /// `minReplicas` with its default applied.
    #[must_use]
    pub fn min_replicas(&self) -> i32 {
        self.spec.min_replicas.unwrap_or(DEFAULT_MIN_REPLICAS)
    }

    /// Stabilizes and clamps a proposal on the no-behavior path.
    ///
    /// Mirrors `(*HorizontalController).normalizeDesiredReplicas` in kubernetes
    /// `pkg/controller/podautoscaler/horizontal.go`: [`stabilize_recommendation`] over the controller's
    /// scale-down window, then [`convert_desired_replicas_with_rules`].
    pub fn normalize_desired_replicas(
        &mut self,
        current: i32,
        proposal: i32,
        min: i32,
        now: i64,
    ) -> Normalization {
        let stabilized = stabilize_recommendation(
            &mut self.recommendations,
            proposal,
            now,
            self.config.downscale_stabilization_seconds,
        );
        let able_to_scale = if stabilized == proposal {
            Reason::ReadyForNewScale
        } else {
            Reason::ScaleDownStabilized
        };
        let (desired, scaling_limited) =
            convert_desired_replicas_with_rules(current, stabilized, min, self.spec.max_replicas);
        Normalization {
            desired,
            stabilized,
            able_to_scale,
            scaling_limited,
        }
    }

    /// Stabilizes and clamps a proposal on the behavior path.
    ///
    /// Mirrors `(*HorizontalController).normalizeDesiredReplicasWithBehaviors` in kubernetes
    /// `pkg/controller/podautoscaler/horizontal.go`, including `maybeInitScaleDownStabilizationWindow`: an
    /// unset scale-down window takes the controller's flag. Runs
    /// [`stabilize_recommendation_with_behaviors`], then [`convert_desired_replicas_with_behavior_rate`].
    pub fn normalize_desired_replicas_with_behaviors(
        &mut self,
        behavior: &Behavior,
        current: i32,
        proposal: i32,
        min: i32,
        now: i64,
    ) -> Normalization {
        let (scale_up, scale_down) = defaulted_rules(behavior);
        let up_window = i64::from(
            scale_up
                .stabilization_window_seconds
                .unwrap_or(DEFAULT_SCALE_UP_STABILIZATION_SECONDS),
        );
        let down_window = scale_down
            .stabilization_window_seconds
            .map_or(self.config.downscale_stabilization_seconds, i64::from);
        let (stabilized, stabilization_reason) = stabilize_recommendation_with_behaviors(
            &mut self.recommendations,
            current,
            proposal,
            up_window,
            down_window,
            now,
        );
        let able_to_scale = if stabilized == proposal {
            Reason::ReadyForNewScale
        } else {
            stabilization_reason
        };
        let (desired, scaling_limited) = convert_desired_replicas_with_behavior_rate(
            current,
            stabilized,
            min,
            self.spec.max_replicas,
            behavior,
            &self.scale_up_events,
            &self.scale_down_events,
            now,
        );
        Normalization {
            desired,
            stabilized,
            able_to_scale,
            scaling_limited,
        }
    }

    /// One controller sync of this autoscaler at time `now`.
    ///
    /// Mirrors `(*HorizontalController).reconcileAutoscaler` in kubernetes
    /// `pkg/controller/podautoscaler/horizontal.go`:
    ///
    /// 1. The first sync remembers `(spec.replicas, now)` as a recommendation, so the very first proposal
    ///    cannot shrink the target (`recordInitialRecommendation`).
    /// 2. At 0 replicas with `minReplicas != 0` nothing happens ([`Reason::ScalingDisabled`]); this is how an
    ///    autoscaler under KEDA rests while KEDA holds the workload at zero.
    /// 3. A count above `maxReplicas` or below `minReplicas` is set to that bound at once.
    /// 4. Otherwise the metrics propose ([`compute_replicas_for_metrics`]); without a usable proposal the count
    ///    is kept. The proposal is stabilized and clamped by the no-behavior or the behavior path.
    /// 5. When the count changes, the rescale is recorded as a scale event if there is a behavior.
    pub fn reconcile(
        &mut self,
        target: ScaleTarget,
        metrics: &[ExternalMetricReading],
        now: i64,
    ) -> ReconcileOutcome {
        let current = target.spec_replicas;
        if self.recommendations.is_empty() {
            self.recommendations.push(TimestampedRecommendation {
                recommendation: current,
                timestamp: now,
            });
        }
        let min = self.min_replicas();
        let max = self.spec.max_replicas;

        let mut outcome = ReconcileOutcome {
            desired_replicas: current,
            rescaled: false,
            reason: Reason::ScalingDisabled,
            metric_replicas: None,
            invalid_metrics: 0,
            normalization: None,
        };

        let desired = if current == 0 && min != 0 {
            return outcome;
        } else if current > max {
            outcome.reason = Reason::CurrentAboveMaxReplicas;
            max
        } else if current < min {
            outcome.reason = Reason::CurrentBelowMinReplicas;
            min
        } else {
            let tolerances = Tolerances::for_hpa(
                self.spec.behavior.as_ref(),
                self.config.tolerance,
                self.config.feature_gates.hpa_configurable_tolerance,
            );
            let proposal = match compute_replicas_for_metrics(target, metrics, tolerances) {
                MetricsProposal::Unavailable { invalid_metrics } => {
                    outcome.reason = Reason::FailedGetExternalMetric;
                    outcome.invalid_metrics = invalid_metrics;
                    return outcome;
                }
                MetricsProposal::Replicas {
                    replicas,
                    invalid_metrics,
                } => {
                    outcome.invalid_metrics = invalid_metrics;
                    outcome.metric_replicas = Some(replicas);
                    replicas.max(0)
                }
            };
            let normalization = match self.spec.behavior.clone() {
                None => self.normalize_desired_replicas(current, proposal, min, now),
                Some(behavior) => self.normalize_desired_replicas_with_behaviors(
                    &behavior, current, proposal, min, now,
                ),
            };
            outcome.reason = normalization.reason(proposal);
            outcome.normalization = Some(normalization);
            normalization.desired
        };

        if desired != current {
            store_scale_event(
                self.spec.behavior.as_ref(),
                &mut self.scale_up_events,
                &mut self.scale_down_events,
                current,
                desired,
                now,
            );
            outcome.desired_replicas = desired;
            outcome.rescaled = true;
        }
        outcome
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 10_000;

    #[test]
    fn every_reason_is_listed_once() {
        // A new variant fails this match until it is listed in `Reason::ALL` too.
        let position = |reason: Reason| match reason {
            Reason::ScalingDisabled => 0,
            Reason::CurrentAboveMaxReplicas => 1,
            Reason::CurrentBelowMinReplicas => 2,
            Reason::FailedGetExternalMetric => 3,
            Reason::ScaleUpStabilized => 4,
            Reason::ScaleDownStabilized => 5,
            Reason::ReadyForNewScale => 6,
            Reason::ScaleUpLimit => 7,
            Reason::ScaleDownLimit => 8,
            Reason::TooManyReplicas => 9,
            Reason::TooFewReplicas => 10,
            Reason::DesiredWithinRange => 11,
        };
        for (i, reason) in Reason::ALL.iter().enumerate() {
            assert_eq!(position(*reason), i, "{reason}");
        }
    }

    fn rec(recommendation: i32, timestamp: i64) -> TimestampedRecommendation {
        TimestampedRecommendation {
            recommendation,
            timestamp,
        }
    }

    /// A recommendation history from `(value, seconds relative to NOW)` pairs.
    fn history(entries: &[(i32, i64)]) -> Vec<TimestampedRecommendation> {
        entries
            .iter()
            .map(|&(value, offset)| rec(value, NOW + offset))
            .collect()
    }

    fn event(replica_change: i32, timestamp: i64) -> ScaleEvent {
        ScaleEvent {
            replica_change,
            timestamp,
            outdated: false,
        }
    }

    /// Scale events from `(change, seconds relative to NOW)` pairs.
    fn events(entries: &[(i32, i64)]) -> Vec<ScaleEvent> {
        entries
            .iter()
            .map(|&(change, offset)| event(change, NOW + offset))
            .collect()
    }

    fn pods(value: i32, period_seconds: i32) -> ScalingPolicy {
        ScalingPolicy {
            policy_type: PolicyType::Pods,
            value,
            period_seconds,
        }
    }

    fn percent(value: i32, period_seconds: i32) -> ScalingPolicy {
        ScalingPolicy {
            policy_type: PolicyType::Percent,
            value,
            period_seconds,
        }
    }

    fn rules(select_policy: Option<SelectPolicy>, policies: Vec<ScalingPolicy>) -> ScalingRules {
        ScalingRules {
            select_policy,
            policies,
            ..ScalingRules::default()
        }
    }

    fn average(target_milli: i64, usage_milli: i64) -> ExternalMetricReading {
        ExternalMetricReading {
            target: MetricTarget::AverageValue {
                milli: target_milli,
            },
            usage_milli: Some(usage_milli),
        }
    }

    fn broken() -> ExternalMetricReading {
        ExternalMetricReading {
            target: MetricTarget::AverageValue { milli: 1_000 },
            usage_milli: None,
        }
    }

    fn settled(replicas: i32) -> ScaleTarget {
        ScaleTarget {
            spec_replicas: replicas,
            status_replicas: replicas,
            ready_pods: replicas,
        }
    }

    // ---- defaults ----------------------------------------------------------------------------------------------

    #[test]
    fn with_defaults_fills_missing_directions_and_fields() {
        let filled = default_behavior();
        assert_eq!(filled.scale_up, Some(ScalingRules::default_scale_up()));
        assert_eq!(filled.scale_down, Some(ScalingRules::default_scale_down()));

        // A partial scaleUp keeps its own policies and gets the default window and selectPolicy.
        let partial = Behavior {
            scale_up: Some(rules(None, vec![pods(1, 60)])),
            scale_down: Some(ScalingRules {
                stabilization_window_seconds: Some(180),
                tolerance: Some(0.05),
                ..ScalingRules::default()
            }),
        }
        .with_defaults();
        let up = partial.scale_up.clone().unwrap_or_default();
        assert_eq!(up.policies, vec![pods(1, 60)]);
        assert_eq!(up.stabilization_window_seconds, Some(0));
        assert_eq!(up.select_policy, Some(SelectPolicy::Max));
        let down = partial.scale_down.clone().unwrap_or_default();
        assert_eq!(down.stabilization_window_seconds, Some(180));
        assert_eq!(down.policies, vec![percent(100, 15)]);
        assert_eq!(down.tolerance, Some(0.05));

        // Idempotent.
        assert_eq!(partial.with_defaults(), partial);
        // The scale-down window stays unset for the controller to fill.
        let filled_down = filled.scale_down.unwrap_or_default();
        assert_eq!(filled_down.stabilization_window_seconds, None);
    }

    #[test]
    fn tolerances_for_behavior() {
        // No behavior: the cluster value both ways.
        assert_eq!(
            Tolerances::for_hpa(None, 0.1, true),
            Tolerances::uniform(0.1)
        );
        // Per-direction overrides.
        let behavior = Behavior {
            scale_up: Some(ScalingRules {
                tolerance: Some(0.0),
                ..ScalingRules::default()
            }),
            scale_down: Some(ScalingRules {
                tolerance: Some(0.2),
                ..ScalingRules::default()
            }),
        };
        let expected = Tolerances {
            scale_down: 0.2,
            scale_up: 0.0,
        };
        assert_eq!(Tolerances::for_hpa(Some(&behavior), 0.1, true), expected);
        // Only the down side overridden: up keeps the cluster value.
        let down_only = Behavior {
            scale_up: None,
            scale_down: Some(ScalingRules {
                tolerance: Some(0.3),
                ..ScalingRules::default()
            }),
        };
        let expected = Tolerances {
            scale_down: 0.3,
            scale_up: 0.1,
        };
        assert_eq!(Tolerances::for_hpa(Some(&down_only), 0.1, true), expected);
    }

    #[test]
    fn tolerance_needs_the_feature_gate() {
        // HPAConfigurableTolerance: alpha, off by default, in 1.33 and 1.34 (kubernetes/kubernetes#130797); beta
        // and on from 1.35 (kubernetes/kubernetes#133128). With the gate off the behavior's tolerance is ignored.
        let behavior = Behavior {
            scale_up: Some(ScalingRules {
                tolerance: Some(0.0),
                ..ScalingRules::default()
            }),
            scale_down: None,
        };
        // 10 % above target on 10 pods: within the cluster's 0.1 (stays at 10), outside a 0 tolerance (11).
        for (version, expected) in [
            (KubernetesVersion::V1_34, 10),
            (KubernetesVersion::V1_35, 11),
        ] {
            let mut hpa = Hpa {
                config: ControllerConfig::for_version(version),
                ..Hpa::new(HpaSpec {
                    max_replicas: 20,
                    behavior: Some(behavior.clone()),
                    ..HpaSpec::default()
                })
            };
            let outcome = hpa.reconcile(settled(10), &[average(1_000, 11_000)], NOW);
            assert_eq!(outcome.desired_replicas, expected, "{version}");
        }
    }

    #[test]
    fn min_replicas_zero_needs_the_feature_gate() {
        // HPAScaleToZero: alpha (off) up to 1.36, beta (on) in 1.37 (kubernetes/kubernetes#139648); 0 also needs
        // an Object or External metric.
        let at = |version| FeatureGates::defaults(version);
        let cases = [
            (
                Some(0),
                true,
                KubernetesVersion::V1_36,
                Err(MinReplicasError::ZeroNotAllowed),
            ),
            (Some(0), true, KubernetesVersion::V1_37, Ok(())),
            (
                Some(0),
                false,
                KubernetesVersion::V1_37,
                Err(MinReplicasError::ZeroNotAllowed),
            ),
            (Some(1), false, KubernetesVersion::V1_33, Ok(())),
            (None, false, KubernetesVersion::V1_33, Ok(())),
            (
                Some(-1),
                true,
                KubernetesVersion::V1_37,
                Err(MinReplicasError::Negative),
            ),
        ];
        for (min, external, version, expected) in cases {
            assert_eq!(
                validate_min_replicas(min, external, at(version)),
                expected,
                "{min:?} {external} {version}"
            );
        }
    }

    #[test]
    fn is_within_bounds() {
        let tolerances = Tolerances::uniform(0.1);
        #[rustfmt::skip]
        let cases = [
            (1.0, true),
            (1.1, true),           // 1.0 + 0.1 == 1.1 in f64: the upper bound is included
            (11.0 / 10.0, true),   // the same value reached by division
            (0.9, true),           // 1.0 - 0.1 == 0.9 in f64: the lower bound is included
            (1.100_001, false),
            (0.899_999, false),
            (f64::NAN, false),
            (f64::INFINITY, false),
        ];
        for (ratio, within) in cases {
            assert_eq!(tolerances.is_within(ratio), within, "ratio {ratio}");
        }
    }

    // ---- replica calculation -----------------------------------------------------------------------------------

    #[test]
    fn external_value_replicas() {
        let t = Tolerances::default();
        let no_up = Tolerances {
            scale_down: 0.1,
            scale_up: 0.0,
        };
        // (spec, ready, usage milli, target milli, tolerances, expected)
        #[rustfmt::skip]
        let cases = [
            (0, 0, 45_000, 10_000, t, 5),           // spec 0: ceil(45 / 10) = 5, no tolerance, no ready pods
            (0, 0, 0, 10_000, t, 0),                // spec 0, no usage: ceil(0) = 0
            (0, 0, 10_500, 10_000, t, 2),           // spec 0, ratio 1.05: tolerance skipped → ceil(1.05) = 2
            (3, 3, 10_500, 10_000, t, 3),           // ratio 1.05 within tolerance → keep 3
            (3, 3, 11_000, 10_000, t, 3),           // ratio exactly 1.1: within → keep 3
            (3, 3, 9_000, 10_000, t, 3),            // ratio exactly 0.9: within → keep 3
            (3, 3, 45_000, 10_000, t, 14),          // 4.5 × 3 ready = 13.5 → 14
            (3, 2, 45_000, 10_000, t, 9),           // only 2 ready: 4.5 × 2 = 9
            (4, 4, 5_000, 10_000, t, 2),            // 0.5 × 4 = 2
            (3, 0, 45_000, 10_000, t, 0),           // outside tolerance with no ready pod: ceil(0) = 0
            (1, 10, i64::MAX, 1, t, i32::MAX),      // huge ratio: capped
            (3, 3, 10_500, 10_000, no_up, 4),       // scale-up tolerance 0: ceil(1.05 × 3) = ceil(3.15) = 4
        ];
        for (spec, ready, usage, target, tolerances, expected) in cases {
            let got = get_external_metric_replicas(spec, ready, usage, target, tolerances);
            assert_eq!(
                got, expected,
                "spec {spec} ready {ready} usage {usage} target {target}"
            );
        }
    }

    #[test]
    fn external_average_value_replicas() {
        let t = Tolerances::default();
        let loose_down = Tolerances {
            scale_down: 0.5,
            scale_up: 0.1,
        };
        // (status replicas, usage milli, target milli, tolerances, expected)
        #[rustfmt::skip]
        let cases = [
            (3, 45_000, 10_000, t, 5),          // 45 / 30 = 1.5 → ceil(45 / 10) = 5
            (3, 31_000, 10_000, t, 3),          // 31 / 30 = 1.033 within → 3 (although ceil(3.1) = 4)
            (3, 33_000, 10_000, t, 3),          // 33 / 30 = 1.1 exactly: within → 3
            (3, 34_000, 10_000, t, 4),          // 34 / 30 = 1.133 → ceil(3.4) = 4
            (3, 27_000, 10_000, t, 3),          // 27 / 30 = 0.9 exactly: within → 3
            (3, 26_000, 10_000, t, 3),          // 26 / 30 = 0.867 → ceil(2.6) = 3
            (3, 12_000, 10_000, t, 2),          // 12 / 30 = 0.4 → ceil(1.2) = 2
            (4, 0, 10_000, t, 0),               // no usage: ratio 0 → 0
            (0, 5_000, 10_000, t, 1),           // no pods: ratio +inf → ceil(0.5) = 1
            (0, 0, 10_000, t, 0),               // no pods, no usage: ratio NaN, never within → 0
            (2, 1_000, 0, t, i32::MAX),         // target 0: usage / 0 = +inf → capped
            (1, 1_000, 333, t, 4),              // target 0.333: 1 / 0.333 = 3.003 → 4
            (5, 30_000, 10_000, loose_down, 5), // scale-down tolerance 0.5: ratio 0.6 within → 5
        ];
        for (status, usage, target, tolerances, expected) in cases {
            let got = get_external_per_pod_metric_replicas(status, usage, target, tolerances);
            assert_eq!(
                got, expected,
                "status {status} usage {usage} target {target}"
            );
        }
    }

    #[test]
    fn usage_ratio_replica_count_nan_is_zero() {
        let t = Tolerances::default();
        // current 2, ratio NaN: outside tolerance, NaN × ready is NaN → converted to 0.
        assert_eq!(get_usage_ratio_replica_count(2, 2, f64::NAN, t), 0);
        // current 0, ratio NaN → 0.
        assert_eq!(get_usage_ratio_replica_count(0, 0, f64::NAN, t), 0);
    }

    // ---- stabilization -----------------------------------------------------------------------------------------

    #[test]
    fn stabilize_recommendation_cases() {
        // (history, desired, window, expected, history afterwards); times relative to NOW
        type Case = (&'static [(i32, i64)], i32, i64, i32, &'static [(i32, i64)]);
        #[rustfmt::skip]
        let cases: [Case; 8] = [
            // empty history: the desired value, appended
            (&[], 3, 300, 3, &[(3, 0)]),
            // a higher value inside the window holds the scale-down
            (&[(5, -100)], 3, 300, 5, &[(5, -100), (3, 0)]),
            // the higher value is older than the window: ignored, its slot reused
            (&[(5, -301)], 3, 300, 3, &[(3, 0)]),
            // exactly at the cutoff: not Before(cutoff), so it still counts and is not reused
            (&[(5, -300)], 3, 300, 5, &[(5, -300), (3, 0)]),
            // two old entries: the last old one (index 1) is overwritten; max over the young one is 4
            (&[(9, -400), (8, -350), (4, -10)], 2, 300, 4, &[(9, -400), (2, 0), (4, -10)]),
            // a rise is not delayed
            (&[(2, -10)], 7, 300, 7, &[(2, -10), (7, 0)]),
            // window 0: an entry from this very second still counts, one from a second ago does not
            (&[(5, 0)], 3, 0, 5, &[(5, 0), (3, 0)]),
            (&[(5, -1)], 3, 0, 3, &[(3, 0)]),
        ];
        for (before, desired, window, expected, after) in cases {
            let mut recommendations = history(before);
            let got = stabilize_recommendation(&mut recommendations, desired, NOW, window);
            assert_eq!(
                got, expected,
                "{before:?} desired {desired} window {window}"
            );
            assert_eq!(recommendations, history(after));
        }
    }

    #[test]
    fn stabilize_with_behaviors_cases() {
        use Reason::{ScaleDownStabilized as Down, ScaleUpStabilized as Up};
        // (history, current, desired, (up window, down window), expected, history length afterwards)
        type Case = (
            &'static [(i32, i64)],
            i32,
            i32,
            (i64, i64),
            (i32, Reason),
            usize,
        );
        #[rustfmt::skip]
        let cases: [Case; 9] = [
            // empty: up = down = 5; from 3 up to 5
            (&[], 3, 5, (0, 300), (5, Up), 1),
            // up window 60: growth held at the lowest recent value, 4
            (&[(4, -30)], 3, 6, (60, 300), (4, Up), 2),
            // down window 300: shrinking held at the highest recent value, 8
            (&[(8, -100)], 8, 2, (0, 300), (8, Down), 2),
            // entry exactly at the down cutoff: not After(cutoff) → ignored → 2; not Before either → kept
            (&[(8, -300)], 8, 2, (0, 300), (2, Down), 2),
            // entry older than both windows: ignored, its slot reused
            (&[(8, -400)], 8, 2, (0, 300), (2, Down), 1),
            // up window longer than down: 2 at t-100 bounds growth only → stays at 2
            (&[(2, -100)], 2, 6, (180, 60), (2, Up), 2),
            // desired == current: no movement; the reason is reported as scale-up
            (&[(9, -5)], 4, 4, (0, 300), (4, Up), 2),
            // up window 0: an entry from this very second is not After(now) → growth is free
            (&[(1, 0)], 1, 9, (0, 300), (9, Up), 2),
            // both windows 0: nothing bounds; the entry at t-1 is Before both cutoffs → reused
            (&[(7, -1)], 7, 1, (0, 0), (1, Down), 1),
        ];
        for (before, current, desired, (up, down), expected, len) in cases {
            let mut recommendations = history(before);
            let got = stabilize_recommendation_with_behaviors(
                &mut recommendations,
                current,
                desired,
                up,
                down,
                NOW,
            );
            assert_eq!(
                got, expected,
                "{before:?} current {current} desired {desired}"
            );
            assert_eq!(recommendations.len(), len);
            assert!(
                recommendations.contains(&rec(desired, NOW)),
                "unstabilized value stored"
            );
        }
    }

    // ---- no-behavior rate limit --------------------------------------------------------------------------------

    #[test]
    fn scale_up_limit() {
        // max(2 × current, 4); 2 × i32::MAX does not fit and saturates
        let cases = [
            (0, 4),
            (1, 4),
            (2, 4),
            (3, 6),
            (100, 200),
            (i32::MAX, i32::MAX),
        ];
        for (current, expected) in cases {
            assert_eq!(
                calculate_scale_up_limit(current),
                expected,
                "current {current}"
            );
        }
    }

    #[test]
    fn convert_with_rules_cases() {
        use Reason::{DesiredWithinRange, ScaleUpLimit, TooFewReplicas, TooManyReplicas};
        // (current, desired, min, max, expected)
        #[rustfmt::skip]
        let cases = [
            (3, 5, 1, 10, (5, DesiredWithinRange)), // limit 6 < max 10; 5 fits
            (3, 9, 1, 10, (6, ScaleUpLimit)),       // limit 6 caps 9
            (1, 9, 1, 10, (4, ScaleUpLimit)),       // from 1 the limit is 4
            (3, 9, 1, 5, (5, TooManyReplicas)),     // max 5 is below the limit 6
            (3, 8, 1, 6, (6, TooManyReplicas)),     // max equal to the limit counts as TooManyReplicas
            (3, 0, 1, 10, (1, TooFewReplicas)),     // below min
            (2, 7, 3, 3, (3, TooManyReplicas)),     // min == max, growing
            (2, 1, 3, 3, (3, TooFewReplicas)),      // min == max, shrinking
            (0, 10, 0, 100, (4, ScaleUpLimit)),     // from 0 (minReplicas 0): limit 4
            (10, 1, 1, 10, (1, DesiredWithinRange)), // shrinking is not rate limited here
        ];
        for (current, desired, min, max, expected) in cases {
            let got = convert_desired_replicas_with_rules(current, desired, min, max);
            assert_eq!(
                got, expected,
                "current {current} desired {desired} min {min} max {max}"
            );
        }
    }

    // ---- behavior rate limits ----------------------------------------------------------------------------------

    #[test]
    fn replicas_change_per_period() {
        // (period, events, expected); times relative to NOW
        type Case = (i32, &'static [(i32, i64)], i32);
        #[rustfmt::skip]
        let cases: [Case; 5] = [
            (60, &[], 0),
            (60, &[(2, -10), (3, -60), (4, -61)], 2),   // only the event strictly younger than 60 s
            (0, &[(2, 0)], 0),                          // period 0: this second's event is not After(now)
            (300, &[(1, -10), (2, -100), (3, -299)], 6), // all inside: summed
            (15, &[(1, -14), (1, -15)], 1),             // 15 s old is out
        ];
        for (period, entries, expected) in cases {
            let got = get_replicas_change_per_period(period, &events(entries), NOW);
            assert_eq!(got, expected, "period {period} events {entries:?}");
        }
        // The outdated flag is not consulted.
        let outdated = ScaleEvent {
            replica_change: 5,
            timestamp: NOW - 5,
            outdated: true,
        };
        assert_eq!(get_replicas_change_per_period(60, &[outdated], NOW), 5);
    }

    #[test]
    fn scale_up_limit_with_rules() {
        type Case<'a> = (
            i32,
            &'a [(i32, i64)],
            &'a [(i32, i64)],
            &'a ScalingRules,
            i32,
        );
        let defaults = ScalingRules::default_scale_up();
        let select = |select_policy| ScalingRules {
            select_policy: Some(select_policy),
            ..ScalingRules::default_scale_up()
        };
        let ten_percent = rules(None, vec![percent(10, 60)]);
        let one_pod = rules(None, vec![pods(1, 60)]);
        let none = rules(None, vec![]);
        // (current, up events, down events, rules, expected); times relative to NOW
        #[rustfmt::skip]
        let cases: [Case; 11] = [
            (3, &[], &[], &defaults, 7),                      // Pods 3 + 4 = 7; Percent ceil(3 × 2) = 6; Max → 7
            (3, &[], &[], &select(SelectPolicy::Min), 6),     // Min → 6
            (3, &[], &[], &select(SelectPolicy::Disabled), 3), // Disabled → current
            (5, &[(2, -10)], &[], &defaults, 7),              // 2 added 10 s ago: start 3 → Pods 7, Percent 6
            (5, &[(2, -15)], &[], &defaults, 10),             // added exactly 15 s ago: out; start 5 → 9 / 10
            (3, &[], &[(2, -10)], &defaults, 10),             // 2 removed 10 s ago: start 5 → 9 / 10
            (3, &[], &[], &ten_percent, 4),                   // 10 % of 3 rounds up: ceil(3.3) = 4
            (100, &[], &[], &ten_percent, 111),               // 100 × 1.1 = 110.00000000000001 in f64 → 111
            (10, &[], &[], &ten_percent, 11),                 // 10 × 1.1 rounds to exactly 11.0 → 11
            (3, &[], &[], &none, i32::MIN),                   // no policies under Max: i32::MIN
            (4, &[(4, -5)], &[], &one_pod, 1),                // start 0 + 1: below current; callers clamp
        ];
        for (current, up, down, rules, expected) in cases {
            let got = calculate_scale_up_limit_with_scaling_rules(
                current,
                &events(up),
                &events(down),
                rules,
                NOW,
            );
            assert_eq!(
                got, expected,
                "current {current} up {up:?} down {down:?} {rules:?}"
            );
        }
    }

    #[test]
    fn scale_down_limit_with_rules() {
        type Case<'a> = (
            i32,
            &'a [(i32, i64)],
            &'a [(i32, i64)],
            &'a ScalingRules,
            i32,
        );
        let defaults = ScalingRules::default_scale_down();
        let mixed = |select_policy| rules(select_policy, vec![pods(2, 60), percent(10, 60)]);
        let (p10, p30, p50) = (
            rules(None, vec![percent(10, 60)]),
            rules(None, vec![percent(30, 60)]),
            rules(None, vec![percent(50, 60)]),
        );
        let one_pod = rules(None, vec![pods(1, 60)]);
        let none = rules(None, vec![]);
        // (current, up events, down events, rules, expected); times relative to NOW
        #[rustfmt::skip]
        let cases: [Case; 11] = [
            (10, &[], &[], &defaults, 0),                              // default -100 % → 0
            (9, &[], &[], &p10, 8),                                    // 10 % of 9 keeps 8.1 → 8 (truncated)
            (7, &[], &[], &p50, 3),                                    // keeps 3.5 → 3 (scale-up would round up)
            (10, &[], &[], &p30, 7),                                   // keeps 7
            (10, &[], &[], &mixed(None), 8),                           // Pods → 8, Percent → 9; unset = Max → 8
            (10, &[], &[], &mixed(Some(SelectPolicy::Max)), 8),        // Max (largest change) → 8
            (10, &[], &[], &mixed(Some(SelectPolicy::Min)), 9),        // Min (smallest change) → 9
            (10, &[], &[], &mixed(Some(SelectPolicy::Disabled)), 10),  // Disabled → current
            (7, &[], &[(3, -10)], &p10, 9),                            // 3 removed 10 s ago: start 10 → 9
            (10, &[(2, -10)], &[], &one_pod, 7),                       // 2 added 10 s ago: start 8 → 7
            (10, &[], &[], &none, i32::MAX),                           // no policies under Max: i32::MAX
        ];
        for (current, up, down, rules, expected) in cases {
            let got = calculate_scale_down_limit_with_behaviors(
                current,
                &events(up),
                &events(down),
                rules,
                NOW,
            );
            assert_eq!(
                got, expected,
                "current {current} up {up:?} down {down:?} {rules:?}"
            );
        }
    }

    #[test]
    fn convert_with_behavior_rate_cases() {
        use Reason::{
            DesiredWithinRange, ScaleDownLimit, ScaleUpLimit, TooFewReplicas, TooManyReplicas,
        };
        type Case<'a> = (
            i32,
            i32,
            i32,
            i32,
            &'a Behavior,
            &'a [(i32, i64)],
            (i32, Reason),
        );
        let defaults = Behavior::default();
        let slow_up = Behavior {
            scale_up: Some(rules(None, vec![pods(1, 60)])),
            scale_down: None,
        };
        let slow_down = Behavior {
            scale_up: None,
            scale_down: Some(rules(None, vec![pods(1, 60)])),
        };
        let frozen_down = Behavior {
            scale_up: None,
            scale_down: Some(rules(Some(SelectPolicy::Disabled), vec![])),
        };
        // (current, desired, min, max, behavior, up events, expected); times relative to NOW
        #[rustfmt::skip]
        let cases: [Case; 10] = [
            (3, 20, 1, 100, &defaults, &[], (7, ScaleUpLimit)),         // defaults from 3: limit 7
            (3, 20, 1, 5, &defaults, &[], (5, TooManyReplicas)),        // max 5 below the limit
            (3, 20, 1, 7, &defaults, &[], (7, TooManyReplicas)),        // max equal to the limit 7
            (3, 6, 1, 100, &defaults, &[], (6, DesiredWithinRange)),    // within the limit
            (4, 6, 1, 10, &slow_up, &[(4, -5)], (4, ScaleUpLimit)),     // limit 1 raised to current 4
            (5, 0, 1, 10, &defaults, &[], (1, TooFewReplicas)),         // -100 % floor 0 → min 1
            (5, 2, 1, 10, &defaults, &[], (2, DesiredWithinRange)),     // 2 is above every floor
            (5, 2, 1, 10, &slow_down, &[], (4, ScaleDownLimit)),        // 1 pod per 60 s: floor 4
            (5, 1, 1, 10, &frozen_down, &[], (5, ScaleDownLimit)),      // Disabled: floor = current
            (12, 12, 1, 10, &defaults, &[], (12, DesiredWithinRange)),  // equal: never clamped, even above max
        ];
        for (current, desired, min, max, behavior, up, expected) in cases {
            let got = convert_desired_replicas_with_behavior_rate(
                current,
                desired,
                min,
                max,
                behavior,
                &events(up),
                &[],
                NOW,
            );
            assert_eq!(
                got, expected,
                "current {current} desired {desired} {behavior:?}"
            );
        }
    }

    #[test]
    fn longest_policy_period() {
        assert_eq!(get_longest_policy_period(&rules(None, vec![])), 0);
        let two = rules(None, vec![pods(1, 60), percent(10, 300)]);
        assert_eq!(get_longest_policy_period(&two), 300);
    }

    #[test]
    fn store_scale_event_cases() {
        let behavior = default_behavior();

        // No behavior: nothing stored.
        let (mut up, mut down) = (vec![], vec![]);
        store_scale_event(None, &mut up, &mut down, 1, 4, NOW);
        assert!(up.is_empty() && down.is_empty());

        // Scale-up into empty lists: appended with change 3.
        store_scale_event(Some(&behavior), &mut up, &mut down, 1, 4, NOW);
        assert_eq!(up, vec![event(3, NOW)]);
        assert!(down.is_empty());

        // Scale-down: the change is prev - new, into the down list.
        store_scale_event(Some(&behavior), &mut up, &mut down, 5, 2, NOW);
        assert_eq!(down, vec![event(3, NOW)]);

        // Longest up period 15 s: the two older events are marked outdated, the LAST outdated slot is reused.
        let mut up = events(&[(1, -100), (1, -90), (1, -5)]);
        store_scale_event(Some(&behavior), &mut up, &mut vec![], 2, 4, NOW);
        let still_outdated = ScaleEvent {
            outdated: true,
            ..event(1, NOW - 100)
        };
        assert_eq!(up, vec![still_outdated, event(2, NOW), event(1, NOW - 5)]);

        // An event exactly one longest period old is not Before(cutoff): kept, the new one appended.
        let mut up = events(&[(1, -15)]);
        store_scale_event(Some(&behavior), &mut up, &mut vec![], 2, 3, NOW);
        assert_eq!(up, events(&[(1, -15), (1, 0)]));

        // Longest period 300 s: an event 200 s old stays live.
        let long = Behavior {
            scale_up: Some(rules(None, vec![pods(1, 60), percent(10, 300)])),
            scale_down: None,
        };
        let mut up = events(&[(1, -200)]);
        store_scale_event(Some(&long), &mut up, &mut vec![], 2, 3, NOW);
        assert_eq!(up, events(&[(1, -200), (1, 0)]));
    }

    // ---- one sync ----------------------------------------------------------------------------------------------

    #[test]
    fn reconcile_early_branches() {
        // 0 replicas with minReplicas 1 (the default): scaling disabled, nothing changes.
        let mut hpa = Hpa::new(HpaSpec {
            max_replicas: 10,
            ..HpaSpec::default()
        });
        let outcome = hpa.reconcile(settled(0), &[average(1_000, 50_000)], NOW);
        assert_eq!((outcome.desired_replicas, outcome.rescaled), (0, false));
        assert_eq!(outcome.reason, Reason::ScalingDisabled);
        assert_eq!(
            hpa.recommendations,
            vec![rec(0, NOW)],
            "initial recommendation recorded"
        );

        // Above max: straight to max, bypassing the rate limits; recorded as a down event with a behavior.
        let mut hpa = Hpa::new(HpaSpec {
            max_replicas: 10,
            behavior: Some(Behavior::default()),
            ..HpaSpec::default()
        });
        let outcome = hpa.reconcile(settled(40), &[average(1_000, 1_000)], NOW);
        assert_eq!(outcome.desired_replicas, 10);
        assert_eq!(outcome.reason, Reason::CurrentAboveMaxReplicas);
        assert_eq!(hpa.scale_down_events, vec![event(30, NOW)]);

        // Below min: straight to min; no events without a behavior.
        let mut hpa = Hpa::new(HpaSpec {
            min_replicas: Some(3),
            max_replicas: 10,
            behavior: None,
        });
        let outcome = hpa.reconcile(settled(1), &[average(1_000, 1_000)], NOW);
        assert_eq!(outcome.desired_replicas, 3);
        assert_eq!(outcome.reason, Reason::CurrentBelowMinReplicas);
        assert!(hpa.scale_up_events.is_empty());
    }

    #[test]
    fn reconcile_from_zero_with_min_zero() {
        // minReplicas 0: the metrics are consulted at 0 replicas. 25 at 10 per pod, no pods → ceil(2.5) = 3;
        // stabilized max(3, initial 0) = 3; the limit from 0 is 4 → 3.
        let mut hpa = Hpa::new(HpaSpec {
            min_replicas: Some(0),
            max_replicas: 10,
            behavior: None,
        });
        let outcome = hpa.reconcile(settled(0), &[average(10_000, 25_000)], NOW);
        assert_eq!((outcome.desired_replicas, outcome.rescaled), (3, true));
        assert_eq!(outcome.reason, Reason::DesiredWithinRange);
    }

    #[test]
    fn reconcile_broken_metrics() {
        use Reason::{DesiredWithinRange, FailedGetExternalMetric as Failed};
        let spec = HpaSpec {
            max_replicas: 20,
            ..HpaSpec::default()
        };
        // (metrics, expected replicas, reason, invalid metrics); current 5
        #[rustfmt::skip]
        let cases = [
            (vec![broken()], 5, Failed, 1),                              // all broken: keep 5
            (vec![], 5, Failed, 0),                                      // no metrics counts as all broken
            (vec![broken(), average(1_000, 1_000)], 5, Failed, 1),       // the other wants 1 < 5: blocked
            (vec![average(1_000, 9_000), broken()], 9, DesiredWithinRange, 1), // wants 9 ≥ 5: proceeds
        ];
        for (metrics, expected, reason, invalid) in cases {
            let mut hpa = Hpa::new(spec.clone());
            let outcome = hpa.reconcile(settled(5), &metrics, NOW);
            assert_eq!(outcome.desired_replicas, expected, "{metrics:?}");
            assert_eq!(outcome.reason, reason, "{metrics:?}");
            assert_eq!(outcome.invalid_metrics, invalid, "{metrics:?}");
        }
    }

    #[test]
    fn reconcile_takes_max_over_metrics() {
        // Metric A on 3 pods wants ceil(4000 / 1000) = 4, metric B ceil(12000 / 2000) = 6 → 6 (limit from 3 is 6).
        let mut hpa = Hpa::new(HpaSpec {
            max_replicas: 20,
            ..HpaSpec::default()
        });
        let metrics = [average(1_000, 4_000), average(2_000, 12_000)];
        let outcome = hpa.reconcile(settled(3), &metrics, NOW);
        assert_eq!(outcome.metric_replicas, Some(6));
        assert_eq!(outcome.desired_replicas, 6);
    }

    #[test]
    fn reconcile_value_metric_without_pods_fails() {
        // Value target, spec 2 but no pod yet, ratio 3 outside tolerance: the metric fails → keep 2.
        let mut hpa = Hpa::new(HpaSpec {
            max_replicas: 20,
            ..HpaSpec::default()
        });
        let reading = ExternalMetricReading {
            target: MetricTarget::Value { milli: 1_000 },
            usage_milli: Some(3_000),
        };
        let target = ScaleTarget {
            spec_replicas: 2,
            status_replicas: 0,
            ready_pods: 0,
        };
        let outcome = hpa.reconcile(target, &[reading], NOW);
        assert_eq!(outcome.desired_replicas, 2);
        assert_eq!(outcome.reason, Reason::FailedGetExternalMetric);
    }

    #[test]
    fn reconcile_ignores_negative_proposals() {
        // A negative usage gives ceil(-5000 / 1000) = -5; only a positive proposal replaces the starting 0, so
        // 0 is what gets stabilized and remembered. With no down window the count drops to minReplicas 1.
        let mut hpa = Hpa::new(HpaSpec {
            max_replicas: 10,
            behavior: Some(Behavior {
                scale_up: None,
                scale_down: Some(ScalingRules {
                    stabilization_window_seconds: Some(0),
                    ..ScalingRules::default()
                }),
            }),
            ..HpaSpec::default()
        });
        let outcome = hpa.reconcile(settled(3), &[average(1_000, -5_000)], NOW);
        assert_eq!(outcome.metric_replicas, Some(-5));
        assert_eq!(outcome.desired_replicas, 1);
        assert_eq!(outcome.reason, Reason::TooFewReplicas);
        assert_eq!(hpa.recommendations, vec![rec(3, NOW), rec(0, NOW)]);
    }

    #[test]
    fn first_sync_cannot_scale_down() {
        // The initial recommendation (5, now) is inside the window: the max is 5 → no change.
        let mut hpa = Hpa::new(HpaSpec {
            max_replicas: 10,
            ..HpaSpec::default()
        });
        let outcome = hpa.reconcile(settled(5), &[average(1_000, 2_000)], NOW);
        assert_eq!((outcome.desired_replicas, outcome.rescaled), (5, false));
        assert_eq!(outcome.reason, Reason::ScaleDownStabilized);
    }

    // ---- scenarios ---------------------------------------------------------------------------------------------

    /// Syncs every 15 s from `start` to `end` inclusive, pods following the count at once; `load` is the
    /// metric in milli-units against a target of 1 per pod. Returns `(time, replicas after the sync)`.
    fn run(
        hpa: &mut Hpa,
        mut replicas: i32,
        (start, end): (i64, i64),
        load: impl Fn(i64) -> i64,
    ) -> Vec<(i64, i32)> {
        let mut timeline = Vec::new();
        let mut now = start;
        while now <= end {
            let outcome = hpa.reconcile(settled(replicas), &[average(1_000, load(now))], now);
            replicas = outcome.desired_replicas;
            timeline.push((now, replicas));
            now += DEFAULT_SYNC_PERIOD_SECONDS;
        }
        timeline
    }

    #[test]
    fn scenario_one_pod_per_minute() {
        // scaleUp {Pods 1 / 60 s}, demand 100 pods, max 10: +1 at t = 0, 60, 120, …, reaching 10 at t = 480.
        let mut hpa = Hpa::new(HpaSpec {
            max_replicas: 10,
            behavior: Some(Behavior {
                scale_up: Some(rules(None, vec![pods(1, 60)])),
                scale_down: None,
            }),
            ..HpaSpec::default()
        });
        let timeline = run(&mut hpa, 1, (0, 600), |_| 100_000);
        for &(t, replicas) in &timeline {
            let expected = i32::try_from(2 + t / 60).unwrap_or(i32::MAX).min(10);
            assert_eq!(replicas, expected, "t = {t}");
        }
        // No span shorter than 60 s ever sees more than one added pod.
        for (i, &(t0, r0)) in timeline.iter().enumerate() {
            for &(t1, r1) in timeline.iter().skip(i).take_while(|&&(t1, _)| t1 - t0 < 60) {
                assert!(r1 - r0 <= 1, "t {t0}..{t1}: {r0} → {r1}");
            }
        }
    }

    #[test]
    fn scenario_default_doubling_without_behavior() {
        // No behavior, demand 40 pods, max 50: 1 → 4 → 8 → 16 → 32 → 40, one step per sync.
        let mut hpa = Hpa::new(HpaSpec {
            max_replicas: 50,
            ..HpaSpec::default()
        });
        let timeline = run(&mut hpa, 1, (0, 75), |_| 40_000);
        let counts: Vec<i32> = timeline.iter().map(|&(_, r)| r).collect();
        assert_eq!(counts, vec![4, 8, 16, 32, 40, 40]);
    }

    #[test]
    fn scenario_scale_down_delayed_by_window() {
        // 6 pods of load until t = 285, 1 pod from t = 300. scaleDown window 180 s: the last high
        // recommendation (t = 285) counts while 285 > t - 180, i.e. through t = 450; at t = 465 the count
        // drops to 1 (default -100 % per 15 s, min 1).
        let mut hpa = Hpa::new(HpaSpec {
            max_replicas: 10,
            behavior: Some(Behavior {
                scale_up: None,
                scale_down: Some(ScalingRules {
                    stabilization_window_seconds: Some(180),
                    ..ScalingRules::default()
                }),
            }),
            ..HpaSpec::default()
        });
        let load = |t: i64| if t < 300 { 6_000 } else { 1_000 };
        let timeline = run(&mut hpa, 6, (0, 600), load);
        for &(t, replicas) in &timeline {
            let expected = if t < 465 { 6 } else { 1 };
            assert_eq!(replicas, expected, "t = {t}");
        }
        // While held, the reason says so.
        let mut held = hpa.clone();
        held.recommendations = vec![rec(6, 1_000)];
        let outcome = held.reconcile(settled(6), &[average(1_000, 1_000)], 1_100);
        assert_eq!(outcome.reason, Reason::ScaleDownStabilized);
    }

    #[test]
    fn scenario_window_boundary_differs_between_paths() {
        // Same 300 s window, same drop at t = 300 (last high recommendation at t = 285).
        // Without behavior an entry exactly at the cutoff still counts (not Before): 285 >= t - 300
        // through t = 585 → drop at 600. With a behavior it must be After: 285 > t - 300 through t = 570
        // → drop at 585.
        let load = |t: i64| if t < 300 { 6_000 } else { 1_000 };
        let mut legacy = Hpa::new(HpaSpec {
            max_replicas: 10,
            ..HpaSpec::default()
        });
        let mut with_behavior = Hpa::new(HpaSpec {
            max_replicas: 10,
            behavior: Some(Behavior::default()),
            ..HpaSpec::default()
        });
        let first_drop =
            |timeline: Vec<(i64, i32)>| timeline.into_iter().find(|&(_, r)| r < 6).map(|(t, _)| t);
        assert_eq!(first_drop(run(&mut legacy, 6, (0, 900), load)), Some(600));
        assert_eq!(
            first_drop(run(&mut with_behavior, 6, (0, 900), load)),
            Some(585)
        );
    }

    #[test]
    fn scenario_recommendation_history_stays_bounded() {
        // One entry per sync within the 300 s window (21) plus at most one more before a slot frees up.
        let mut hpa = Hpa::new(HpaSpec {
            max_replicas: 10,
            ..HpaSpec::default()
        });
        let load = |t: i64| if (t / 60) % 2 == 0 { 3_000 } else { 9_000 };
        let _ = run(&mut hpa, 3, (0, 3_600), load);
        assert!(
            hpa.recommendations.len() <= 22,
            "{}",
            hpa.recommendations.len()
        );
    }
}
