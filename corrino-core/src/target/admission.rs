//! What KEDA's admission webhook answers for a `ScaledObject`, release by release: the checks that read only the
//! object, applied to the typed object corrino renders ([`crate::manifest::ScaledObject`]).
//!
//! Mirrors `validateWorkload` in KEDA `apis/keda/v1alpha1/scaledobject_webhook.go` (compared at v2.17.0 and
//! v2.20.2, and at each tag between for the changes [`KedaVersion`] names):
//!
//! * `verifyReplicaCount`, `verifyFallback` and the `scalingModifiers` checks of `verifyScaledObjects` are the
//!   simulator's mirror ([`crate::sim::keda::validate_scaled_object`]), run on the object converted to its types;
//! * `verifyName` (2.20.0): the name and the HPA name `keda-hpa-<name>` within 63 characters;
//! * `verifyTriggers`: `ValidateTriggers` in `apis/keda/v1alpha1/scaletriggers_types.go`, the same in every release
//!   modelled;
//! * the warnings of `verifyScaledObjects` (2.20.0): `pollingInterval` and `cooldownPeriod` "configured but not
//!   relevant".
//!
//! Not modelled: the checks that read other objects of the cluster (`verifyScaledObjects`' other ScaledObjects,
//! `verifyHpas`' HPAs, `verifyCPUMemoryScalers`' workload), which corrino cannot see. KEDA runs its checks in a Go
//! map's order and stops at the first refusal; [`review`] lists every refusal it finds.

use std::fmt;

use crate::manifest::keda::{
    CompositeMetricType, FallbackBehavior, MetricType, ScaleTrigger, ScaledObject,
};
use crate::sim::keda::{self as sim, AdmissionError, TriggerSpec};
use crate::sim::modifiers::{FormulaTrigger, ScalingModifiers};

use super::KedaVersion;

/// The longest name, and HPA name, KEDA 2.20 admits: a label value's limit (`maxK8sLabelValueLength`).
pub const MAX_NAME_LEN: usize = 63;

/// What the webhook answers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Review {
    /// Why it refuses the object; empty when it admits it.
    pub refusals: Vec<Refusal>,
    /// What it warns about (with the object admitted, `kubectl apply` prints them).
    pub warnings: Vec<Warning>,
}

impl Review {
    /// Whether the object is admitted.
    #[must_use]
    pub fn admitted(&self) -> bool {
        self.refusals.is_empty()
    }
}

/// Why the webhook refuses an object.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// `verifyReplicaCount` (from 2.20.0), `verifyFallback` or the `scalingModifiers` checks.
    #[error(transparent)]
    Scaling(#[from] AdmissionError),
    /// `verifyName` (from 2.20.0): the name is a label value on the object and its HPA.
    #[error(
        "scaledobject name {name:?} is {length} characters long; must be no more than {MAX_NAME_LEN} characters because it is used as the \"scaledobject.keda.sh/name\" label value"
    )]
    NameTooLong {
        /// The object's name.
        name: String,
        /// Its length.
        length: usize,
    },
    /// `verifyName` (from 2.20.0): the HPA name, `keda-hpa-<name>` unless the object names its HPA.
    #[error(
        "HPA name {hpa_name:?} derived from scaledobject is {length} characters long; must be no more than {MAX_NAME_LEN} characters; set spec.advanced.horizontalPodAutoscalerConfig.name to a shorter name or shorten the scaledobject name"
    )]
    HpaNameTooLong {
        /// The HPA's name.
        hpa_name: String,
        /// Its length.
        length: usize,
    },
    /// `verifyTriggers`.
    #[error(transparent)]
    Triggers(#[from] TriggersInvalid),
}

/// Why `ValidateTriggers` refuses the triggers.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TriggersInvalid {
    /// No trigger at all.
    #[error("no triggers defined in the ScaledObject/ScaledJob")]
    NoTriggers,
    /// `useCachedMetrics` on a scaler that has no cache.
    #[error("property \"useCachedMetrics\" is not supported for {0:?} scaler")]
    CachedMetricsNotSupported(String),
    /// Two triggers of the same name.
    #[error(
        "triggerName {0:?} is defined multiple times in the ScaledObject/ScaledJob, but it must be unique"
    )]
    DuplicateName(String),
}

/// A warning of the webhook, in KEDA's words.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Warning {
    /// `pollingInterval` set while nothing polls on its clock.
    PollingIntervalNotRelevant,
    /// `cooldownPeriod` set while nothing scales to zero.
    CooldownPeriodNotRelevant,
}

impl Warning {
    /// The warning as KEDA writes it.
    #[must_use]
    pub const fn message(self) -> &'static str {
        match self {
            Warning::PollingIntervalNotRelevant => {
                "PollingInterval is configured but is not relevant. PollingInterval is only relevant when minReplicaCount = 0 or idleReplicaCount = 0 or useCachedMetrics is enabled"
            }
            Warning::CooldownPeriodNotRelevant => {
                "CooldownPeriod is configured but is not relevant. CooldownPeriod is only relevant when minReplicaCount = 0 or idleReplicaCount = 0"
            }
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

/// Whether `pollingInterval` paces anything: only when the object rests at zero (`minReplicaCount` 0, or
/// `idleReplicaCount` 0) or a trigger serves the value KEDA cached at its last poll.
///
/// The condition of the `pollingInterval` warning of `verifyScaledObjects` (2.20.0), negated.
#[must_use]
pub fn polling_interval_relevant(
    min_replica_count: Option<i32>,
    idle_replica_count: Option<i32>,
    uses_cached_metrics: bool,
) -> bool {
    cooldown_period_relevant(min_replica_count, idle_replica_count) || uses_cached_metrics
}

/// Whether `cooldownPeriod` delays anything: only when the object rests at zero (`minReplicaCount` 0, or
/// `idleReplicaCount` 0).
///
/// The condition of the `cooldownPeriod` warning of `verifyScaledObjects` (2.20.0), negated.
#[must_use]
pub fn cooldown_period_relevant(
    min_replica_count: Option<i32>,
    idle_replica_count: Option<i32>,
) -> bool {
    min_replica_count.unwrap_or(0) <= 0 || idle_replica_count == Some(0)
}

/// What `release`'s webhook answers for `object`.
#[must_use]
pub fn review(release: KedaVersion, object: &ScaledObject) -> Review {
    let spec = &object.spec;
    let mut review = Review::default();
    let triggers: Vec<TriggerSpec> = spec
        .triggers
        .iter()
        .map(|trigger| TriggerSpec {
            resource_metric: is_resource(trigger),
            metric_type: trigger.metric_type.map(metric_type),
        })
        .collect();
    let formula_triggers: Vec<FormulaTrigger<'_>> = spec
        .triggers
        .iter()
        .map(|trigger| FormulaTrigger {
            name: trigger.name.as_deref().unwrap_or_default(),
            resource_metric: is_resource(trigger),
        })
        .collect();
    let modifiers = scaling_modifiers(object);
    if let Err(error) = sim::validate_scaled_object(
        release,
        &sim_spec(object),
        &triggers,
        &formula_triggers,
        modifiers.as_ref(),
    ) {
        review.refusals.push(error.into());
    }
    if release.admission_checks_names() {
        let name = object.metadata.name.as_deref().unwrap_or_default();
        if name.len() > MAX_NAME_LEN {
            review.refusals.push(Refusal::NameTooLong {
                name: name.to_owned(),
                length: name.len(),
            });
        } else {
            let hpa_name = hpa_name(object);
            if hpa_name.len() > MAX_NAME_LEN {
                review.refusals.push(Refusal::HpaNameTooLong {
                    length: hpa_name.len(),
                    hpa_name,
                });
            }
        }
    }
    if let Err(error) = validate_triggers(&spec.triggers) {
        review.refusals.push(error.into());
    }
    if release.admission_warns_irrelevant_timing() {
        let cached = spec
            .triggers
            .iter()
            .any(|trigger| trigger.use_cached_metrics == Some(true));
        if spec.polling_interval.is_some()
            && !polling_interval_relevant(spec.min_replica_count, spec.idle_replica_count, cached)
        {
            review.warnings.push(Warning::PollingIntervalNotRelevant);
        }
        if spec.cooldown_period.is_some()
            && !cooldown_period_relevant(spec.min_replica_count, spec.idle_replica_count)
        {
            review.warnings.push(Warning::CooldownPeriodNotRelevant);
        }
    }
    review
}

/// The HPA's name: the one the object gives it, else `keda-hpa-<name>` (`getHpaName` in
/// `scaledobject_webhook.go`).
#[must_use]
pub fn hpa_name(object: &ScaledObject) -> String {
    object
        .spec
        .advanced
        .as_ref()
        .and_then(|advanced| advanced.horizontal_pod_autoscaler_config.as_ref())
        .and_then(|config| config.name.clone())
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| {
            format!(
                "keda-hpa-{}",
                object.metadata.name.as_deref().unwrap_or_default()
            )
        })
}

/// Mirrors `ValidateTriggers` in KEDA `apis/keda/v1alpha1/scaletriggers_types.go`: at least one trigger, no
/// `useCachedMetrics` on `cpu`, `memory` or `cron`, and names unique among the named triggers.
///
/// # Errors
///
/// The first rule that fails, in KEDA's order.
pub fn validate_triggers(triggers: &[ScaleTrigger]) -> Result<(), TriggersInvalid> {
    if triggers.is_empty() {
        return Err(TriggersInvalid::NoTriggers);
    }
    let mut names = std::collections::HashSet::new();
    for trigger in triggers {
        if trigger.use_cached_metrics == Some(true)
            && matches!(trigger.type_.as_str(), "cpu" | "memory" | "cron")
        {
            return Err(TriggersInvalid::CachedMetricsNotSupported(
                trigger.type_.clone(),
            ));
        }
        if let Some(name) = trigger.name.as_deref().filter(|name| !name.is_empty())
            && !names.insert(name)
        {
            return Err(TriggersInvalid::DuplicateName(name.to_owned()));
        }
    }
    Ok(())
}

fn is_resource(trigger: &ScaleTrigger) -> bool {
    matches!(trigger.type_.as_str(), "cpu" | "memory")
}

fn metric_type(metric_type: MetricType) -> sim::MetricType {
    match metric_type {
        MetricType::AverageValue => sim::MetricType::AverageValue,
        MetricType::Value => sim::MetricType::Value,
        MetricType::Utilization => sim::MetricType::Utilization,
    }
}

/// The object's spec as the simulator's mirror reads it.
fn sim_spec(object: &ScaledObject) -> sim::ScaledObjectSpec {
    let spec = &object.spec;
    sim::ScaledObjectSpec {
        min_replica_count: spec.min_replica_count,
        max_replica_count: spec.max_replica_count,
        idle_replica_count: spec.idle_replica_count,
        polling_interval: spec.polling_interval,
        cooldown_period: spec.cooldown_period,
        initial_cooldown_period: spec.initial_cooldown_period,
        fallback: spec.fallback.as_ref().map(|fallback| sim::Fallback {
            failure_threshold: fallback.failure_threshold,
            replicas: fallback.replicas,
            behavior: match fallback.behavior.unwrap_or_default() {
                FallbackBehavior::Static => sim::FallbackBehavior::Static,
                FallbackBehavior::CurrentReplicas => sim::FallbackBehavior::CurrentReplicas,
                FallbackBehavior::CurrentReplicasIfHigher => {
                    sim::FallbackBehavior::CurrentReplicasIfHigher
                }
                FallbackBehavior::CurrentReplicasIfLower => {
                    sim::FallbackBehavior::CurrentReplicasIfLower
                }
                FallbackBehavior::ScalingModifiers => sim::FallbackBehavior::ScalingModifiers,
            },
        }),
        ..sim::ScaledObjectSpec::default()
    }
}

fn scaling_modifiers(object: &ScaledObject) -> Option<ScalingModifiers> {
    let modifiers = object.spec.advanced.as_ref()?.scaling_modifiers.as_ref()?;
    Some(ScalingModifiers {
        formula: modifiers.formula.clone().unwrap_or_default(),
        target: modifiers.target.clone().unwrap_or_default(),
        activation_target: modifiers.activation_target.clone().unwrap_or_default(),
        metric_type: modifiers.metric_type.map(|metric_type| match metric_type {
            CompositeMetricType::AverageValue => sim::MetricType::AverageValue,
            CompositeMetricType::Value => sim::MetricType::Value,
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::keda::{
        AdvancedConfig, Fallback, HorizontalPodAutoscalerConfig, ScaledObjectSpec,
    };
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
    use std::collections::BTreeMap;

    const V17: KedaVersion = KedaVersion::V2_17_0;
    const V19: KedaVersion = KedaVersion::V2_19_0;
    const V20: KedaVersion = KedaVersion::V2_20_2;

    fn prometheus(metric_type: Option<MetricType>) -> ScaleTrigger {
        ScaleTrigger {
            type_: "prometheus".into(),
            metadata: BTreeMap::new(),
            metric_type,
            ..ScaleTrigger::default()
        }
    }

    fn object(name: &str, spec: ScaledObjectSpec) -> ScaledObject {
        ScaledObject {
            metadata: ObjectMeta {
                name: Some(name.into()),
                ..ObjectMeta::default()
            },
            spec,
        }
    }

    fn scaled(min: i32, max: i32) -> ScaledObjectSpec {
        ScaledObjectSpec {
            min_replica_count: Some(min),
            max_replica_count: Some(max),
            triggers: vec![prometheus(Some(MetricType::Value))],
            ..ScaledObjectSpec::default()
        }
    }

    #[test]
    fn replica_bounds_are_refused_from_2_20() {
        // scaledobject_webhook.go `verifyReplicaCount`: `return nil` up to v2.19.0, `return nil, err` from v2.20.0
        // (kedacore/keda#5954), with `CheckReplicaCountBoundsAreValid`'s message.
        let wrong = object("x", scaled(10, 5));
        assert!(review(V17, &wrong).admitted());
        assert!(review(V19, &wrong).admitted());
        let refused = review(V20, &wrong);
        assert_eq!(
            refused.refusals[0].to_string(),
            "MinReplicaCount=10 must be less than MaxReplicaCount=5"
        );
    }

    #[test]
    fn a_value_trigger_cannot_fall_back_on_2_17() {
        // scaledobject_types.go `CheckFallbackValid` at v2.17.0: "at least one trigger (that is not cpu or memory)
        // has to have the `AverageValue` type"; v2.18.0 accepts any such trigger (kedacore/keda#6655).
        let spec = ScaledObjectSpec {
            fallback: Some(Fallback {
                failure_threshold: 3,
                replicas: 2,
                behavior: None,
            }),
            ..scaled(1, 4)
        };
        let with_fallback = object("x", spec);
        let refused = review(V17, &with_fallback);
        assert!(
            refused.refusals[0]
                .to_string()
                .contains("has to have the `AverageValue` type"),
            "{refused:?}"
        );
        assert!(review(KedaVersion::V2_18_0, &with_fallback).admitted());
    }

    #[test]
    fn names_are_checked_from_2_20() {
        // scaledobject_webhook.go `verifyName` (v2.20.0, kedacore/keda#6998): the name, then `keda-hpa-<name>`,
        // within 63 characters.
        let long = "a".repeat(55);
        let hpa = object(&long, scaled(1, 2));
        assert!(review(V19, &hpa).admitted());
        assert_eq!(
            review(V20, &hpa).refusals,
            [Refusal::HpaNameTooLong {
                hpa_name: format!("keda-hpa-{long}"),
                length: 64
            }]
        );
        let named = object(
            &long,
            ScaledObjectSpec {
                advanced: Some(AdvancedConfig {
                    horizontal_pod_autoscaler_config: Some(HorizontalPodAutoscalerConfig {
                        name: Some("short".into()),
                        behavior: None,
                    }),
                    ..AdvancedConfig::default()
                }),
                ..scaled(1, 2)
            },
        );
        assert!(review(V20, &named).admitted());
        let too_long = object(&"b".repeat(64), scaled(1, 2));
        assert!(matches!(
            review(V20, &too_long).refusals[..],
            [Refusal::NameTooLong { length: 64, .. }]
        ));
    }

    #[test]
    fn triggers_are_checked_in_every_release() {
        // scaletriggers_types.go `ValidateTriggers`, identical at v2.17.0 and v2.20.2.
        assert_eq!(validate_triggers(&[]), Err(TriggersInvalid::NoTriggers));
        let named = |name: &str| ScaleTrigger {
            name: Some(name.into()),
            ..prometheus(None)
        };
        assert_eq!(
            validate_triggers(&[named("a"), named("a")]),
            Err(TriggersInvalid::DuplicateName("a".into()))
        );
        assert_eq!(
            validate_triggers(&[named("a"), prometheus(None), prometheus(None)]),
            Ok(())
        );
        let cached_cpu = ScaleTrigger {
            type_: "cpu".into(),
            use_cached_metrics: Some(true),
            ..prometheus(None)
        };
        let refused = review(
            V17,
            &object(
                "x",
                ScaledObjectSpec {
                    triggers: vec![cached_cpu],
                    ..scaled(1, 2)
                },
            ),
        );
        assert_eq!(
            refused.refusals[0].to_string(),
            "property \"useCachedMetrics\" is not supported for \"cpu\" scaler"
        );
    }

    #[test]
    fn timing_that_does_nothing_is_warned_about_from_2_20() {
        // scaledobject_webhook.go `verifyScaledObjects` at v2.20.0 (kedacore/keda#7271): with minReplicaCount > 0
        // and no idleReplicaCount of 0, a set cooldownPeriod is not relevant, nor a set pollingInterval unless a
        // trigger uses cached metrics.
        let timed = |min: i32, idle: Option<i32>, cached: bool| {
            object(
                "x",
                ScaledObjectSpec {
                    polling_interval: Some(15),
                    cooldown_period: Some(60),
                    idle_replica_count: idle,
                    triggers: vec![ScaleTrigger {
                        use_cached_metrics: Some(cached),
                        ..prometheus(None)
                    }],
                    ..scaled(min, 4)
                },
            )
        };
        use Warning::{
            CooldownPeriodNotRelevant as Cooldown, PollingIntervalNotRelevant as Polling,
        };
        let cases = [
            (1, None, false, vec![Polling, Cooldown]),
            (1, None, true, vec![Cooldown]),
            (0, None, false, vec![]),
            (2, Some(0), false, vec![]),
        ];
        for (min, idle, cached, expected) in cases {
            let object = timed(min, idle, cached);
            assert_eq!(
                review(V20, &object).warnings,
                expected,
                "{min} {idle:?} {cached}"
            );
            assert!(review(V19, &object).warnings.is_empty());
        }
        let unset = object("x", scaled(1, 4));
        assert!(review(V20, &unset).warnings.is_empty());
        assert!(
            Polling
                .message()
                .starts_with("PollingInterval is configured but is not relevant")
        );
    }
}
