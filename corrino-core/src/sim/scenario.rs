//! What to simulate besides the plan: the load, how long, the clocks of the controllers, and the figures the plan
//! does not hold (serving speed, startup and provisioning delays), each with a documented default.

use std::fmt;

use serde::de::{MapAccess, Visitor, value::MapAccessDeserializer};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::cluster_autoscaler::parse_go_duration;
use super::error::{Number, Range, ScenarioError, Unit};
use super::load::Load;
use super::serving::ServingModel;
use crate::manifest::oci::AutoscalerTiming;

/// A scenario: every field has a default, so `{}` is the fixture's llmperf run for an hour. It is read only from an
/// object (not from a list of its values), with unknown keys refused.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields, remote = "Self")]
// `remote = "Self"` would name the schema `Self`.
#[cfg_attr(feature = "schema", schemars(rename = "Scenario"))]
pub struct Scenario {
    /// How long to simulate, seconds.
    pub duration_seconds: u64,
    /// The simulation step, seconds (1 by default; every controller interval must be a multiple of it).
    pub step_seconds: u64,
    /// How often a row is added to the timeline, seconds.
    pub sample_interval_seconds: u64,
    /// How often Prometheus scrapes vLLM (`scrape_interval`), seconds.
    pub scrape_interval_seconds: u64,
    /// How often the HPA controller syncs (`--horizontal-pod-autoscaler-sync-period`), seconds.
    pub hpa_sync_period_seconds: u64,
    /// What drives the scenario.
    pub load: Load,
    /// Seed of the request sizes and arrivals.
    pub seed: u64,
    /// The latency a request must not exceed to meet the service level, seconds (the default query's bound).
    pub latency_bound_seconds: f64,
    /// KEDA's `ignoreNullValues`: an empty result or NaN reads as 0 (true) or fails the trigger (false).
    pub ignore_null_values: bool,
    /// KEDA's `activationThreshold`.
    pub activation_threshold: f64,
    /// The serving model of one replica; `None` estimates it from the shape.
    pub serving: Option<ServingModel>,
    /// Pod startup to Ready, seconds; `None` uses the model's cold-start budget (`corrino plan` shows it), or the
    /// default estimate when the model's size is unknown.
    pub pod_startup_seconds: Option<u64>,
    /// Image pull on a fresh node, seconds; `None` uses the cold-start budget's (from the image).
    pub image_pull_seconds: Option<u64>,
    /// Node provisioning, seconds; `None` uses the cold-start budget's, the default for the shape's class.
    pub node_provisioning_seconds: Option<u64>,
    /// The Cluster Autoscaler add-on's timing keys.
    pub autoscaler_timing: AutoscalerTiming,
    /// Replicas Ready at the start; `None` starts at `min_replicas` (a recipe already deployed and idle).
    pub initial_replicas: Option<u32>,
    /// Nodes Ready at the start; `None` starts with enough for the initial replicas, at least `min_nodes`.
    pub initial_nodes: Option<u32>,
    /// The fewest nodes of the pool, for Kubernetes input without a node pool document (a recipe on a shared pool
    /// has none either). With `max_nodes`, the Cluster Autoscaler scales the pool between the two; alone, the pool
    /// has this many nodes. Neither: the pool holds exactly the nodes `maxReplicas` needs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_nodes: Option<u32>,
    /// The most nodes of the pool, for input without a node pool document (see `min_nodes`; 0 when only this is
    /// given).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_nodes: Option<u32>,
}

impl Default for Scenario {
    fn default() -> Self {
        Scenario {
            duration_seconds: 3600,
            step_seconds: 1,
            sample_interval_seconds: 15,
            scrape_interval_seconds: 15,
            hpa_sync_period_seconds: 15,
            load: Load::llmperf_example(),
            seed: 1,
            latency_bound_seconds: crate::promql::LATENCY_BOUND_SECONDS,
            ignore_null_values: true,
            activation_threshold: 0.0,
            serving: None,
            pod_startup_seconds: None,
            image_pull_seconds: None,
            node_provisioning_seconds: None,
            autoscaler_timing: AutoscalerTiming::default(),
            initial_replicas: None,
            initial_nodes: None,
            min_nodes: None,
            max_nodes: None,
        }
    }
}

impl Serialize for Scenario {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Scenario::serialize(self, serializer)
    }
}

/// serde would also read a struct from a sequence of its fields in order (`[600]` as a 600-second scenario);
/// a scenario is named settings, so only an object is read.
impl<'de> Deserialize<'de> for Scenario {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Fields;
        impl<'de> Visitor<'de> for Fields {
            type Value = Scenario;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a scenario object")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Scenario, A::Error> {
                Scenario::deserialize(MapAccessDeserializer::new(map))
            }
        }
        deserializer.deserialize_map(Fields)
    }
}

/// The longest scenario simulated: 31 days (2 678 400 s), a month of traffic at the default steps.
pub const MAX_DURATION_SECONDS: u64 = 31 * 24 * 3600;
/// The longest step and controller interval (`step_seconds`, `sample_interval_seconds`,
/// `scrape_interval_seconds`, `hpa_sync_period_seconds`): 1 day.
pub const MAX_INTERVAL_SECONDS: u64 = 24 * 3600;
/// The most rows a timeline records (`duration_seconds / sample_interval_seconds`, rounded up): 31 days at the
/// default 15 s interval (178 560 rows) fit, a day at 1 s too.
pub const MAX_TIMELINE_ROWS: u64 = 200_000;
/// The most points of a rate table or a metric trace, read from CSV or JSON: a month of 15 s samples fits.
pub const MAX_TABLE_POINTS: u64 = 200_000;
/// The most clients of a closed loop. Each client is a request in the serving model at every moment, so the
/// simulation's work grows with them; ten thousand is well beyond what one autoscaled vLLM deployment serves at
/// once (256 sequences per replica by default).
pub const MAX_CLIENTS: u32 = 10_000;
/// The highest request rate of an open loop, per second. Arrivals of one step are drawn as one batch, so the rate
/// costs nothing per request; the cap keeps a step's draw and the counts of a month exact in integers.
pub const MAX_RPS: f64 = 100_000.0;
/// The longest mean prompt or completion, and the largest standard deviation, in tokens: ten million, the
/// longest context windows of current models.
pub const MAX_TOKENS: f64 = 10_000_000.0;
/// The largest seed and `max_requests`: 2^53 − 1, the largest integer a JavaScript number holds exactly, so that
/// the WebAssembly face reads the same value as the CLI and Python.
pub const MAX_EXACT_INTEGER: u64 = (1 << 53) - 1;
/// The longest latency bound: 1 hour.
pub const MAX_LATENCY_BOUND_SECONDS: u64 = 3600;
/// The largest `activation_threshold` in absolute value: the HPA carries metric values in milli-units in a
/// 64-bit integer, so nothing larger reaches it.
pub const MAX_METRIC_VALUE: f64 = 9.2e15;
/// The most replicas simulated, for `initial_replicas` and the recipe's `max_replicas`: every replica is a serving
/// engine stepped every second.
pub const MAX_SIMULATED_REPLICAS: u32 = 1000;
/// The most nodes simulated, for `initial_nodes` and the recipe's node bounds.
pub const MAX_SIMULATED_NODES: u32 = 1000;
/// The most replica-steps of a run: the recipe's `max_replicas` times the steps (`duration_seconds /
/// step_seconds`), the work the serving model does at most. 10⁸ is a month at 1 s steps for up to 37 replicas, or a
/// day for up to 1000, and tens of seconds of computing at worst.
pub const MAX_REPLICA_STEPS: u64 = 100_000_000;

/// The largest scenario read from a file, in bytes: 16 MiB, room for [`MAX_TABLE_POINTS`] points written as JSON.
pub const MAX_SCENARIO_BYTES: usize = 16 << 20;

/// What `duration_seconds` may be: 1 s to [`MAX_DURATION_SECONDS`] ("between 1 s and 31 days").
#[must_use]
pub fn duration_range() -> Range {
    Range::between(1u64, MAX_DURATION_SECONDS, Unit::Seconds)
}

/// `value` within `range` (both ends included unless `range.min_exclusive`).
pub(super) fn check(
    field: &str,
    value: impl Into<Number>,
    range: Range,
) -> Result<(), ScenarioError> {
    let value = value.into();
    let as_f64 = |n: Number| match n {
        #[allow(clippy::cast_precision_loss)]
        Number::Integer(i) => i as f64,
        Number::Float(x) => x,
    };
    let fits = match value {
        // Integers compare exactly against integer bounds (a bound of 2^53 − 1 is not rounded up).
        Number::Integer(v) => {
            let above_min = match range.min {
                None => true,
                Some(Number::Integer(min)) => v > min || (v == min && !range.min_exclusive),
                Some(min) => {
                    as_f64(Number::Integer(v)) > as_f64(min)
                        || (as_f64(Number::Integer(v)) == as_f64(min) && !range.min_exclusive)
                }
            };
            let below_max = match range.max {
                None => true,
                Some(Number::Integer(max)) => v <= max,
                Some(max) => as_f64(Number::Integer(v)) <= as_f64(max),
            };
            above_min && below_max
        }
        Number::Float(v) => {
            v.is_finite()
                && range
                    .min
                    .is_none_or(|min| v > as_f64(min) || (v == as_f64(min) && !range.min_exclusive))
                && range.max.is_none_or(|max| v <= as_f64(max))
        }
    };
    if fits {
        Ok(())
    } else {
        Err(ScenarioError::OutOfRange {
            field: field.to_owned(),
            value,
            range,
        })
    }
}

/// Seconds from 0 up to [`MAX_DURATION_SECONDS`].
pub(super) fn seconds_range() -> Range {
    Range::between(0u64, MAX_DURATION_SECONDS, Unit::Seconds)
}

impl Scenario {
    /// Checks every field against its bound (the `MAX_*` constants of this module); the plan's values are checked
    /// where they are combined.
    ///
    /// # Errors
    ///
    /// The first field out of its bound, with its value and the bound.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        check("/duration_seconds", self.duration_seconds, duration_range())?;
        let interval = Range::between(1u64, MAX_INTERVAL_SECONDS, Unit::Seconds);
        check("/step_seconds", self.step_seconds, interval)?;
        for (field, value) in [
            ("/sample_interval_seconds", self.sample_interval_seconds),
            ("/scrape_interval_seconds", self.scrape_interval_seconds),
            ("/hpa_sync_period_seconds", self.hpa_sync_period_seconds),
        ] {
            check(field, value, interval)?;
            if value % self.step_seconds != 0 {
                return Err(ScenarioError::NotAMultiple {
                    field: field.to_owned(),
                    value,
                    step_seconds: self.step_seconds,
                });
            }
        }
        let rows = self.duration_seconds.div_ceil(self.sample_interval_seconds);
        if rows > MAX_TIMELINE_ROWS {
            let smallest = self.duration_seconds.div_ceil(MAX_TIMELINE_ROWS);
            return Err(ScenarioError::TooManyRows {
                duration_seconds: self.duration_seconds,
                sample_interval_seconds: self.sample_interval_seconds,
                rows,
                max: MAX_TIMELINE_ROWS,
                smallest_interval_seconds: smallest.div_ceil(self.step_seconds) * self.step_seconds,
            });
        }
        check(
            "/seed",
            self.seed,
            Range::at_most(MAX_EXACT_INTEGER, Unit::Plain),
        )?;
        check(
            "/latency_bound_seconds",
            self.latency_bound_seconds,
            Range::positive_up_to(MAX_LATENCY_BOUND_SECONDS, Unit::Seconds),
        )?;
        check(
            "/activation_threshold",
            self.activation_threshold,
            Range::between(-MAX_METRIC_VALUE, MAX_METRIC_VALUE, Unit::Plain),
        )?;
        for (field, value) in [
            ("/pod_startup_seconds", self.pod_startup_seconds),
            ("/image_pull_seconds", self.image_pull_seconds),
            ("/node_provisioning_seconds", self.node_provisioning_seconds),
        ] {
            if let Some(value) = value {
                check(field, value, seconds_range())?;
            }
        }
        if let Some(replicas) = self.initial_replicas {
            check(
                "/initial_replicas",
                replicas,
                Range::at_most(MAX_SIMULATED_REPLICAS, Unit::Replicas),
            )?;
        }
        for (field, nodes) in [
            ("/initial_nodes", self.initial_nodes),
            ("/min_nodes", self.min_nodes),
            ("/max_nodes", self.max_nodes),
        ] {
            if let Some(nodes) = nodes {
                check(
                    field,
                    nodes,
                    Range::at_most(MAX_SIMULATED_NODES, Unit::Nodes),
                )?;
            }
        }
        if let (Some(min), Some(max)) = (self.min_nodes, self.max_nodes) {
            check("/min_nodes", min, Range::at_most(max, Unit::Nodes))?;
        }
        let timing = &self.autoscaler_timing;
        for (key, value) in [
            ("scanInterval", &timing.scan_interval),
            ("scaleDownDelayAfterAdd", &timing.scale_down_delay_after_add),
            ("scaleDownUnneededTime", &timing.scale_down_unneeded_time),
            ("maxNodeProvisionTime", &timing.max_node_provision_time),
        ] {
            // A value that is not a duration is refused when the Cluster Autoscaler's settings are read.
            if let Some(seconds) = parse_go_duration(value) {
                check(
                    &format!("/autoscaler_timing/{key}"),
                    u64::try_from(seconds).unwrap_or(0),
                    seconds_range(),
                )?;
            }
        }
        if let Some(serving) = &self.serving {
            serving.validate()?;
        }
        self.load.validate()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::load::RateProfile;

    #[test]
    fn scenarios_read_from_json_with_defaults() {
        let empty: Scenario = serde_json::from_str("{}").expect("defaults");
        assert_eq!(empty, Scenario::default());
        let text = r#"{"duration_seconds": 600, "load": {"kind": "open-loop", "rate": {"kind": "constant", "rps": 2}},
                       "autoscaler_timing": {"scanInterval": "5s"}}"#;
        let scenario: Scenario = serde_json::from_str(text).expect("scenario");
        assert_eq!(scenario.duration_seconds, 600);
        assert!(matches!(
            scenario.load,
            Load::OpenLoop { rate: RateProfile::Constant { rps }, .. } if rps == 2.0
        ));
        assert_eq!(scenario.autoscaler_timing.scan_interval, "5s");
        assert_eq!(scenario.autoscaler_timing.scale_down_unneeded_time, "10m");
        let bad = Scenario {
            sample_interval_seconds: 7,
            step_seconds: 2,
            ..Scenario::default()
        };
        assert!(bad.validate().is_err());
    }

    #[test]
    fn only_objects_are_scenarios() {
        for text in ["[600]", "[]", "600", "\"1h\""] {
            let error = serde_json::from_str::<Scenario>(text)
                .expect_err(text)
                .to_string();
            assert!(
                error.contains("expected a scenario object"),
                "{text}: {error}"
            );
        }
        let back: Scenario =
            serde_json::from_str(&serde_json::to_string(&Scenario::default()).expect("json"))
                .expect("round trip");
        assert_eq!(back, Scenario::default());
    }

    #[test]
    fn misspelled_scenario_keys_are_refused() {
        for text in [
            r#"{"duration": 600}"#,
            r#"{"load": {"kind": "closed-loop", "clients": 3, "client": 4}}"#,
            r#"{"load": {"kind": "open-loop", "rate": {"kind": "constant", "rps": 1, "rpm": 2}}}"#,
            r#"{"load": {"kind": "closed-loop", "clients": 3, "requests": {"mean_output": 10}}}"#,
        ] {
            let error = serde_json::from_str::<Scenario>(text)
                .expect_err(text)
                .to_string();
            assert!(error.contains("unknown field"), "{text}: {error}");
        }
    }
}
