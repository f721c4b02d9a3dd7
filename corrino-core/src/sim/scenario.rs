//! What to simulate besides the plan: the load, how long, the clocks of the controllers, and the figures the plan
//! does not hold (serving speed, startup and provisioning delays), each with a documented default.

use std::fmt;

use serde::de::{MapAccess, Visitor, value::MapAccessDeserializer};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::load::Load;
use super::serving::ServingModel;
use crate::manifest::oci::AutoscalerTiming;

/// A scenario: every field has a default, so `{}` is the fixture's llmperf run for an hour. It is read only from an
/// object (see the `Deserialize` impl below), with unknown keys refused.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, remote = "Self")]
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
            latency_bound_seconds: 5.0,
            ignore_null_values: true,
            activation_threshold: 0.0,
            serving: None,
            pod_startup_seconds: None,
            image_pull_seconds: None,
            node_provisioning_seconds: None,
            autoscaler_timing: AutoscalerTiming::default(),
            initial_replicas: None,
            initial_nodes: None,
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

/// The longest scenario simulated: 31 days.
pub const MAX_DURATION_SECONDS: u64 = 31 * 24 * 3600;

impl Scenario {
    /// Checks the scenario on its own (the plan's values are checked where they are combined).
    ///
    /// # Errors
    ///
    /// What is wrong, in words.
    pub fn validate(&self) -> Result<(), String> {
        if self.step_seconds == 0 {
            return Err("`step_seconds` must be at least 1".into());
        }
        if self.duration_seconds == 0 || self.duration_seconds > MAX_DURATION_SECONDS {
            return Err(format!(
                "`duration_seconds` must be between 1 and {MAX_DURATION_SECONDS}"
            ));
        }
        for (name, value) in [
            ("sample_interval_seconds", self.sample_interval_seconds),
            ("scrape_interval_seconds", self.scrape_interval_seconds),
            ("hpa_sync_period_seconds", self.hpa_sync_period_seconds),
        ] {
            if value == 0 || value % self.step_seconds != 0 {
                return Err(format!(
                    "`{name}` must be a positive multiple of `step_seconds` ({})",
                    self.step_seconds
                ));
            }
        }
        if !(self.latency_bound_seconds.is_finite() && self.latency_bound_seconds > 0.0) {
            return Err("`latency_bound_seconds` must be positive".into());
        }
        if !self.activation_threshold.is_finite() {
            return Err("`activation_threshold` must be finite".into());
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
