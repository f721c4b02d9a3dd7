//! KEDA's own tests, transcribed as data, run against the mirror in `corrino_core::sim::keda` and
//! `corrino_core::sim::modifiers` at every release each test covers.
//!
//! Each file in `fixtures/upstream-cases/keda/` is one upstream test file: its cases name the Go test (and
//! subtest), the range of releases whose copy of the test has that data (`tags`), the inputs (`given`) and the
//! assertions (`expect`). A case the mirror deliberately does not model carries `skip` with the reason instead.
//! The test prints how many cases and (case, release) runs each file holds, and fails listing every case that
//! does not pass.

use corrino_test_support as support;

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;
use serde_json::Value as Json;

use corrino_core::sim::KedaVersion;
use corrino_core::sim::keda::{
    self, Condition, ConditionStatus, Fallback, FallbackBehavior, FallbackContext, HpaObservation,
    MetricError, MetricHealth, MetricType, Poll, PromResult, ScaleAction, ScaledObjectSpec,
    ScaledObjectStatus, ScalingAnnotations, TriggerSpec, TriggerTarget,
};
use corrino_core::sim::modifiers::{self, FormulaTrigger, ScalingModifiers};

/// When the polls of the transcribed tests run; the objects were created at 0.
const NOW: i64 = 10_000;

#[derive(Deserialize)]
struct CaseFile {
    repository: String,
    file: String,
    /// The commit of each release tag the cases cite.
    commits: BTreeMap<String, String>,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    test: String,
    tags: [String; 2],
    kind: Option<String>,
    skip: Option<String>,
    #[serde(default)]
    given: Json,
    #[serde(default)]
    expect: Json,
}

fn case_files() -> Vec<PathBuf> {
    let dir = support::workspace().join("fixtures/upstream-cases/keda");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    paths.sort();
    paths
}

/// The releases from `tags[0]` to `tags[1]`, inclusive.
fn releases(tags: &[String; 2]) -> Result<Vec<KedaVersion>, String> {
    let from = KedaVersion::parse(&tags[0]).map_err(|e| e.to_string())?;
    let to = KedaVersion::parse(&tags[1]).map_err(|e| e.to_string())?;
    if from > to {
        return Err(format!("tags {tags:?} are not in order"));
    }
    Ok(KedaVersion::ALL
        .into_iter()
        .filter(|version| (from..=to).contains(version))
        .collect())
}

// ---- reading the data ------------------------------------------------------------------------------------------

fn field<'a>(json: &'a Json, key: &str) -> Option<&'a Json> {
    json.get(key).filter(|value| !value.is_null())
}

fn int(json: &Json, key: &str) -> Result<Option<i32>, String> {
    field(json, key)
        .map(|value| {
            value
                .as_i64()
                .and_then(|n| i32::try_from(n).ok())
                .ok_or_else(|| format!("`{key}` is not an int32: {value}"))
        })
        .transpose()
}

fn boolean(json: &Json, key: &str) -> Result<bool, String> {
    field(json, key).map_or(Ok(false), |value| {
        value
            .as_bool()
            .ok_or_else(|| format!("`{key}` is not a boolean: {value}"))
    })
}

fn text<'a>(json: &'a Json, key: &str) -> &'a str {
    field(json, key).and_then(Json::as_str).unwrap_or("")
}

fn number(json: &Json, key: &str) -> Result<Option<f64>, String> {
    field(json, key)
        .map(|value| {
            value
                .as_f64()
                .ok_or_else(|| format!("`{key}` is not a number: {value}"))
        })
        .transpose()
}

fn behavior(name: &str) -> Result<FallbackBehavior, String> {
    Ok(match name {
        "" | "static" => FallbackBehavior::Static,
        "currentReplicas" => FallbackBehavior::CurrentReplicas,
        "currentReplicasIfHigher" => FallbackBehavior::CurrentReplicasIfHigher,
        "currentReplicasIfLower" => FallbackBehavior::CurrentReplicasIfLower,
        "scalingModifiers" => FallbackBehavior::ScalingModifiers,
        other => return Err(format!("unknown fallback behavior {other}")),
    })
}

fn fallback(json: &Json) -> Result<Option<Fallback>, String> {
    let Some(fallback) = field(json, "fallback") else {
        return Ok(None);
    };
    Ok(Some(Fallback {
        failure_threshold: int(fallback, "failure_threshold")?.unwrap_or(0),
        replicas: int(fallback, "replicas")?.unwrap_or(0),
        behavior: behavior(text(fallback, "behavior"))?,
    }))
}

fn metric_type(name: &str) -> Result<Option<MetricType>, String> {
    Ok(match name {
        "" => None,
        "AverageValue" => Some(MetricType::AverageValue),
        "Value" => Some(MetricType::Value),
        "Utilization" => Some(MetricType::Utilization),
        other => return Err(format!("unknown metricType {other}")),
    })
}

fn modifiers(json: &Json) -> Result<Option<ScalingModifiers>, String> {
    let Some(modifiers) = field(json, "modifiers") else {
        return Ok(None);
    };
    Ok(Some(ScalingModifiers {
        formula: text(modifiers, "formula").to_owned(),
        target: text(modifiers, "target").to_owned(),
        activation_target: text(modifiers, "activation_target").to_owned(),
        metric_type: metric_type(text(modifiers, "metric_type"))?,
    }))
}

fn annotations(json: &Json) -> Vec<(&str, &str)> {
    field(json, "annotations")
        .and_then(Json::as_object)
        .map(|map| {
            map.iter()
                .map(|(key, value)| (key.as_str(), value.as_str().unwrap_or("")))
                .collect()
        })
        .unwrap_or_default()
}

fn health(json: &Json) -> Result<Option<MetricHealth>, String> {
    field(json, "health").map(health_json).transpose()
}

fn condition_status(name: &str) -> Result<ConditionStatus, String> {
    Ok(match name {
        "True" => ConditionStatus::True,
        "False" => ConditionStatus::False,
        "Unknown" => ConditionStatus::Unknown,
        other => return Err(format!("unknown condition status {other}")),
    })
}

/// Compares a condition with its expectation: `"unchanged"`, or `[status, reason]`. No expectation: not checked.
fn check_condition(name: &str, expect: &Json, actual: Option<Condition>) -> Result<(), String> {
    let Some(expected) = field(expect, name) else {
        return Ok(());
    };
    let expected = match expected {
        Json::String(word) if word == "unchanged" => None,
        Json::Array(pair) => {
            let status = condition_status(pair.first().and_then(Json::as_str).unwrap_or(""))?;
            let reason = pair.get(1).and_then(Json::as_str).unwrap_or("");
            Some((status, reason.to_owned()))
        }
        other => return Err(format!("`{name}` expectation {other} is not understood")),
    };
    let actual = actual.map(|condition| (condition.status, condition.reason.to_owned()));
    if actual == expected {
        Ok(())
    } else {
        Err(format!("{name}: expected {expected:?}, got {actual:?}"))
    }
}

fn hpa_observation(json: &Json) -> Result<Option<HpaObservation<'_>>, String> {
    let Some(hpa) = json.get("hpa") else {
        return Ok(None);
    };
    if hpa.is_null() {
        return Ok(Some(HpaObservation::Unobservable));
    }
    let created_ago = number(hpa, "created_ago")?.unwrap_or(10_000.0);
    Ok(Some(HpaObservation::ScalingActive {
        status: boolean(hpa, "scaling_active")?,
        reason: text(hpa, "reason"),
        created_at: NOW - seconds(created_ago),
    }))
}

#[allow(
    clippy::cast_possible_truncation,
    reason = "whole seconds from the fixture"
)]
fn seconds(value: f64) -> i64 {
    value as i64
}

// ---- the kinds -------------------------------------------------------------------------------------------------

fn request_scale(version: KedaVersion, given: &Json, expect: &Json) -> Result<(), String> {
    let spec_json = field(given, "spec").cloned().unwrap_or(Json::Null);
    let annotations = ScalingAnnotations::from_annotations(version, &annotations(given))?;
    let spec = ScaledObjectSpec {
        min_replica_count: int(&spec_json, "min")?,
        max_replica_count: int(&spec_json, "max")?,
        idle_replica_count: int(&spec_json, "idle")?,
        cooldown_period: int(&spec_json, "cooldown")?,
        initial_cooldown_period: int(&spec_json, "initial_cooldown")?,
        fallback: fallback(&spec_json)?,
        annotations,
        ..ScaledObjectSpec::default()
    };
    let status = ScaledObjectStatus {
        creation_time: 0,
        last_active_time: number(given, "last_active_ago")?.map(|ago| NOW - seconds(ago)),
    };
    let poll = Poll {
        current_replicas: int(given, "current_replicas")?.unwrap_or(0),
        is_active: boolean(given, "is_active")?,
        is_error: boolean(given, "is_error")?,
    };
    let decision = keda::request_scale(version, &spec, &status, poll, NOW);
    let mut ready = decision.ready;
    let mut hpa_active = None;
    if let Some(observation) = hpa_observation(given)? {
        let health = keda::check_hpa_health(version, ready, observation, NOW);
        ready = health.ready.or(ready);
        hpa_active = health.hpa_active;
    }
    if let Some(expected) = expect.get("replicas") {
        let actual = match decision.action {
            ScaleAction::ScaleTo(replicas) => Json::from(replicas),
            ScaleAction::NoChange => Json::Null,
        };
        if &actual != expected {
            return Err(format!("replicas: expected {expected}, got {actual}"));
        }
    }
    if let Some(step) = field(expect, "step").and_then(Json::as_str)
        && step != decision.step.as_str()
    {
        return Err(format!("step: expected {step}, got {}", decision.step));
    }
    if let Some(set) = field(expect, "last_active_time_set").and_then(Json::as_bool)
        && set != decision.last_active_time.is_some()
    {
        return Err(format!("lastActiveTime set: expected {set}"));
    }
    check_condition("active", expect, decision.active)?;
    check_condition("ready", expect, ready)?;
    check_condition("hpa_active", expect, hpa_active)
}

fn hpa_health(version: KedaVersion, given: &Json, expect: &Json) -> Result<(), String> {
    let observation = hpa_observation(given)?.unwrap_or(HpaObservation::Unobservable);
    let ready = Some(Condition {
        status: ConditionStatus::True,
        reason: keda::READY_REASON,
    });
    let health = keda::check_hpa_health(version, ready, observation, NOW);
    check_condition("ready", expect, health.ready)?;
    check_condition("hpa_active", expect, health.hpa_active)
}

fn health_json(health: &Json) -> Result<MetricHealth, String> {
    Ok(MetricHealth {
        number_of_failures: int(health, "failures")?.unwrap_or(0),
        failing: text(health, "status") == "Failing",
    })
}

fn target(given: &Json) -> Result<TriggerTarget, String> {
    let value = number(given, "target")?.unwrap_or(1.0);
    Ok(TriggerTarget {
        metric_type: metric_type(text(given, "target_type"))?.unwrap_or_default(),
        target_milli: keda::metric_target_milli(KedaVersion::LATEST, value),
    })
}

fn fallback_case(version: KedaVersion, given: &Json, expect: &Json) -> Result<(), String> {
    let fallback = fallback(given)?;
    let modifiers = modifiers(given)?;
    let context = FallbackContext {
        version,
        fallback: fallback.as_ref(),
        target: target(given)?,
        modifiers: modifiers.as_ref(),
        current_replicas: int(given, "current_replicas")?.unwrap_or(0),
        ready_replicas: int(given, "ready_replicas")?.unwrap_or(0),
    };
    if let Some(enabled) = field(expect, "enabled").and_then(Json::as_bool) {
        let actual = keda::is_fallback_enabled(&context);
        if actual != enabled {
            return Err(format!("enabled: expected {enabled}, got {actual}"));
        }
    }
    let Some(reading) = field(given, "reading") else {
        return Ok(());
    };
    let reading = match reading {
        Json::String(word) if word == "error" => Err(MetricError::ScalerFailed),
        other => other
            .as_f64()
            .map(|value| Ok(keda::metric_value_milli(KedaVersion::LATEST, value)))
            .ok_or_else(|| format!("reading {other} is not understood"))?,
    };
    let before = health(given)?.unwrap_or_default();
    let mut after = before;
    let served = keda::get_metrics_with_fallback(&context, &mut after, reading);
    if let Some(expected) = field(expect, "value").and_then(Json::as_f64) {
        let actual = served.map(|served| served.value_milli);
        let expected_milli = keda::metric_value_milli(KedaVersion::LATEST, expected);
        if actual != Ok(expected_milli) {
            return Err(format!(
                "value: expected {expected_milli} m, got {actual:?}"
            ));
        }
    }
    if let Some(active) = field(expect, "fallback_active").and_then(Json::as_bool)
        && served.map(|served| served.fallback_active) != Ok(active)
    {
        return Err(format!(
            "fallback active: expected {active}, got {served:?}"
        ));
    }
    if let Some(error) = field(expect, "error").and_then(Json::as_bool)
        && error != served.is_err()
    {
        return Err(format!("error: expected {error}, got {served:?}"));
    }
    if let Some(expected) = field(expect, "health") {
        let expected = health_json(expected)?;
        if after != expected {
            return Err(format!("health: expected {expected:?}, got {after:?}"));
        }
    }
    if let Some(expected) = field(expect, "fallback_condition") {
        let others = field(given, "other_health")
            .and_then(Json::as_array)
            .map(|list| list.iter().map(health_json).collect::<Result<Vec<_>, _>>())
            .transpose()?
            .unwrap_or_default();
        let with = |this: MetricHealth| {
            let mut all = others.clone();
            all.push(this);
            all
        };
        let actual = keda::fallback_condition(&context, &with(before), &with(after));
        let expected = match expected {
            Json::Bool(value) => Some(*value),
            _ => None,
        };
        if actual != expected {
            return Err(format!(
                "fallback condition: expected {expected:?}, got {actual:?}"
            ));
        }
    }
    Ok(())
}

fn triggers(given: &Json) -> Result<Vec<(String, String, Option<MetricType>)>, String> {
    field(given, "triggers")
        .and_then(Json::as_array)
        .map(|list| {
            list.iter()
                .map(|trigger| {
                    Ok((
                        text(trigger, "type").to_owned(),
                        text(trigger, "name").to_owned(),
                        metric_type(text(trigger, "metric_type"))?,
                    ))
                })
                .collect()
        })
        .unwrap_or_else(|| Ok(Vec::new()))
}

fn is_resource(kind: &str) -> bool {
    kind == "cpu" || kind == "memory"
}

fn check_error(expect: &Json, result: Result<(), String>) -> Result<(), String> {
    let valid = field(expect, "valid")
        .and_then(Json::as_bool)
        .unwrap_or(true);
    match (valid, result) {
        (true, Ok(())) => Ok(()),
        (true, Err(error)) => Err(format!("expected valid, got: {error}")),
        (false, Ok(())) => Err("expected an error, got none".to_owned()),
        (false, Err(error)) => {
            let contains = text(expect, "error_contains");
            if error.contains(contains) {
                Ok(())
            } else {
                Err(format!("error {error:?} does not contain {contains:?}"))
            }
        }
    }
}

fn check_fallback_valid(version: KedaVersion, given: &Json, expect: &Json) -> Result<(), String> {
    let specs: Vec<TriggerSpec> = triggers(given)?
        .iter()
        .map(|(kind, _, metric_type)| TriggerSpec {
            resource_metric: is_resource(kind),
            metric_type: *metric_type,
        })
        .collect();
    let fallback = fallback(given)?;
    let modifiers = modifiers(given)?;
    let result = keda::check_fallback_valid(version, fallback.as_ref(), &specs, modifiers.as_ref())
        .map_err(|error| error.to_string());
    check_error(expect, result)
}

fn annotations_case(version: KedaVersion, given: &Json, expect: &Json) -> Result<(), String> {
    let pairs = annotations(given);
    let status = int(given, "status_paused_replica_count")?;
    let checks: [(&str, Json); 4] = [
        (
            "has_paused_annotation",
            Json::from(keda::has_paused_annotation(&pairs)),
        ),
        (
            "has_paused_replica_annotation",
            Json::from(keda::has_paused_replica_annotation(&pairs)),
        ),
        (
            "need_to_be_paused",
            Json::from(keda::need_to_be_paused_by_annotation(
                version, &pairs, status,
            )),
        ),
        (
            "paused_replica_count",
            match keda::get_paused_replica_count(&pairs) {
                Ok(count) => Json::from(count),
                Err(_) => Json::from("error"),
            },
        ),
    ];
    for (key, actual) in checks {
        if let Some(expected) = expect.get(key)
            && expected != &actual
        {
            return Err(format!("{key}: expected {expected}, got {actual}"));
        }
    }
    Ok(())
}

fn is_using_modifiers_case(given: &Json, expect: &Json) -> Result<(), String> {
    let modifiers = modifiers(given)?;
    let actual = modifiers::is_using_modifiers(modifiers.as_ref());
    let expected = boolean(expect, "using")?;
    if actual == expected {
        Ok(())
    } else {
        Err(format!("expected {expected}, got {actual}"))
    }
}

fn replica_counts(given: &Json, expect: &Json) -> Result<(), String> {
    let spec = ScaledObjectSpec {
        min_replica_count: int(given, "min")?,
        max_replica_count: int(given, "max")?,
        idle_replica_count: int(given, "idle")?,
        ..ScaledObjectSpec::default()
    };
    if let Some(expected) = int(expect, "hpa_min")?
        && spec.hpa_min_replicas() != expected
    {
        return Err(format!(
            "HPA min: expected {expected}, got {}",
            spec.hpa_min_replicas()
        ));
    }
    if let Some(expected) = int(expect, "hpa_max")?
        && spec.hpa_max_replicas() != expected
    {
        return Err(format!(
            "HPA max: expected {expected}, got {}",
            spec.hpa_max_replicas()
        ));
    }
    if field(expect, "valid").is_some() {
        let result = keda::check_replica_count_bounds_are_valid(&spec).map_err(|e| e.to_string());
        check_error(expect, result)?;
    }
    Ok(())
}

/// The named values of `given.values` as the formula sees them: a number, `null` (nil), or `{value, failures}` for
/// a trigger with a health entry, read through `scaling_modifier_trigger_value`.
fn values(
    version: KedaVersion,
    given: &Json,
    fallback: Option<&Fallback>,
) -> Result<Vec<(String, Option<f64>)>, String> {
    let Some(map) = field(given, "values").and_then(Json::as_object) else {
        return Ok(Vec::new());
    };
    map.iter()
        .map(|(name, entry)| {
            let value = match entry {
                Json::Object(_) => {
                    let value = number(entry, "value")?.unwrap_or(0.0);
                    let health = MetricHealth {
                        number_of_failures: int(entry, "failures")?.unwrap_or(0),
                        failing: true,
                    };
                    modifiers::scaling_modifier_trigger_value(
                        version,
                        value,
                        fallback,
                        Some(health),
                    )
                }
                other => other.as_f64(),
            };
            Ok((name.clone(), value))
        })
        .collect()
}

/// The composite metric in milli-units, through the formula the operator compiles.
fn composite(
    version: Option<KedaVersion>,
    modifiers: &ScalingModifiers,
    values: &[(String, Option<f64>)],
    fallback: Option<&Fallback>,
) -> Result<i64, String> {
    let cast = match version {
        Some(version) => modifiers::cast_to_float_if_necessary(version, &modifiers.formula),
        None => modifiers.formula.clone(),
    };
    let formula = modifiers::Formula::parse(&cast).map_err(|e| e.to_string())?;
    let values: Vec<(&str, Option<f64>)> = values
        .iter()
        .map(|(name, value)| (name.as_str(), *value))
        .collect();
    modifiers::calculate_scaling_modifiers_formula(&formula, &values, fallback, modifiers)
        .map_err(|e| e.to_string())
}

fn scaled_object_state(version: KedaVersion, given: &Json, expect: &Json) -> Result<(), String> {
    let mut external = Vec::new();
    let mut resource = 0;
    let mut inputs = Vec::new();
    for trigger in field(given, "triggers")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
    {
        if is_resource(text(trigger, "type")) {
            resource += 1;
            continue;
        }
        let answer = match field(trigger, "answer") {
            Some(Json::Bool(active)) => Ok(*active),
            _ => Err(MetricError::ScalerFailed),
        };
        if let Some(value) = number(trigger, "value")? {
            inputs.push((text(trigger, "name").to_owned(), Some(value)));
        }
        external.push(answer);
    }
    let composite = modifiers(given)?.map(|modifiers| {
        composite(Some(version), &modifiers, &inputs, None)
            .ok()
            .and_then(|milli| modifiers::composite_is_active(milli, &modifiers).ok())
    });
    let state = keda::get_scaled_object_state(&external, resource, composite);
    let expected = (boolean(expect, "active")?, boolean(expect, "error")?);
    if (state.is_active, state.is_error) == expected {
        Ok(())
    } else {
        Err(format!(
            "(active, error): expected {expected:?}, got {state:?}"
        ))
    }
}

fn formula_case(version: KedaVersion, given: &Json, expect: &Json) -> Result<(), String> {
    let modifiers = modifiers(given)?.unwrap_or_default();
    let fallback = fallback(given)?;
    let values = values(version, given, fallback.as_ref())?;
    let cast = field(given, "cast").and_then(Json::as_bool).unwrap_or(true);
    let actual = composite(
        cast.then_some(version),
        &modifiers,
        &values,
        fallback.as_ref(),
    );
    match field(expect, "composite") {
        Some(Json::String(word)) if word == "error" => match actual {
            Err(_) => Ok(()),
            Ok(milli) => Err(format!("expected an error, got {milli} m")),
        },
        Some(expected) => {
            let expected = expected
                .as_f64()
                .ok_or_else(|| format!("composite {expected} is not understood"))?;
            let expected_milli = keda::go_int64(expected * 1000.0);
            if actual == Ok(expected_milli) {
                Ok(())
            } else {
                Err(format!(
                    "composite: expected {expected_milli} m, got {actual:?}"
                ))
            }
        }
        None => Err("no composite expectation".to_owned()),
    }
}

fn admission(version: KedaVersion, given: &Json, expect: &Json) -> Result<(), String> {
    let spec_json = field(given, "spec").cloned().unwrap_or(Json::Null);
    let spec = ScaledObjectSpec {
        min_replica_count: int(&spec_json, "min")?,
        max_replica_count: int(&spec_json, "max")?,
        idle_replica_count: int(&spec_json, "idle")?,
        fallback: fallback(&spec_json)?,
        ..ScaledObjectSpec::default()
    };
    let triggers = triggers(given)?;
    let specs: Vec<TriggerSpec> = triggers
        .iter()
        .map(|(kind, _, metric_type)| TriggerSpec {
            resource_metric: is_resource(kind),
            metric_type: *metric_type,
        })
        .collect();
    let formula_triggers: Vec<FormulaTrigger<'_>> = triggers
        .iter()
        .map(|(kind, name, _)| FormulaTrigger {
            name,
            resource_metric: is_resource(kind),
        })
        .collect();
    let modifiers = modifiers(given)?;
    let result = keda::validate_scaled_object(
        version,
        &spec,
        &specs,
        &formula_triggers,
        modifiers.as_ref(),
    )
    .map_err(|error| error.to_string());
    check_error(expect, result)
}

fn trigger_value(version: KedaVersion, given: &Json, expect: &Json) -> Result<(), String> {
    let value = number(given, "value")?.unwrap_or(0.0);
    let fallback = fallback(given)?;
    let actual = modifiers::scaling_modifier_trigger_value(
        version,
        value,
        fallback.as_ref(),
        health(given)?,
    );
    let expected = field(expect, "value").and_then(Json::as_f64);
    if actual == expected {
        Ok(())
    } else {
        Err(format!("expected {expected:?}, got {actual:?}"))
    }
}

fn idle_or_minimum(given: &Json, expect: &Json) -> Result<(), String> {
    let spec = ScaledObjectSpec {
        min_replica_count: int(given, "min")?,
        idle_replica_count: int(given, "idle")?,
        ..ScaledObjectSpec::default()
    };
    let actual = keda::get_idle_or_minimum_replica_count(&spec);
    let expected = (
        boolean(expect, "idle")?,
        int(expect, "replicas")?.unwrap_or(0),
    );
    if actual == expected {
        Ok(())
    } else {
        Err(format!("expected {expected:?}, got {actual:?}"))
    }
}

/// What the Prometheus scaler decodes from a response (`json.Unmarshal` into its `promQueryResult`).
fn prom_result(status: i64, body: &str) -> Result<PromResult, String> {
    if !(200..=299).contains(&status) {
        return Ok(PromResult::HttpError);
    }
    let json: Json = serde_json::from_str(body).map_err(|e| format!("body: {e}"))?;
    let results = json
        .pointer("/data/result")
        .and_then(Json::as_array)
        .cloned()
        .unwrap_or_default();
    Ok(match results.as_slice() {
        [] => PromResult::NoResult,
        [one] => {
            let value = one
                .get("value")
                .and_then(Json::as_array)
                .cloned()
                .unwrap_or_default();
            match value.as_slice() {
                [] => PromResult::EmptyValue,
                [_] => PromResult::ShortValue,
                [_, Json::Null, ..] => PromResult::NullSample,
                [_, sample, ..] => match sample.as_str().map(str::parse::<f64>) {
                    Some(Ok(number)) => PromResult::Sample(number),
                    _ => PromResult::UnparsableSample,
                },
            }
        }
        _ => PromResult::MultipleResults,
    })
}

fn prometheus(version: KedaVersion, given: &Json, expect: &Json) -> Result<(), String> {
    let status = field(given, "status").and_then(Json::as_i64).unwrap_or(200);
    let result = prom_result(status, text(given, "body"))?;
    let ignore = boolean(given, "ignore_null_values")?;
    let actual = keda::execute_prom_query(version, result, ignore);
    if boolean(expect, "error")? {
        return match actual {
            Err(_) => Ok(()),
            Ok(value) => Err(format!("expected an error, got {value}")),
        };
    }
    let expected = number(expect, "value")?.ok_or("no value expectation")?;
    match actual {
        Ok(value) if value.to_bits() == expected.to_bits() => Ok(()),
        other => Err(format!("expected {expected}, got {other:?}")),
    }
}

fn run_case(kind: &str, version: KedaVersion, given: &Json, expect: &Json) -> Result<(), String> {
    match kind {
        "request_scale" => request_scale(version, given, expect),
        "hpa_health" => hpa_health(version, given, expect),
        "fallback" => fallback_case(version, given, expect),
        "check_fallback_valid" => check_fallback_valid(version, given, expect),
        "annotations" => annotations_case(version, given, expect),
        "is_using_modifiers" => is_using_modifiers_case(given, expect),
        "replica_counts" => replica_counts(given, expect),
        "scaled_object_state" => scaled_object_state(version, given, expect),
        "formula" => formula_case(version, given, expect),
        "admission" => admission(version, given, expect),
        "trigger_value" => trigger_value(version, given, expect),
        "idle_or_minimum" => idle_or_minimum(given, expect),
        "prometheus" => prometheus(version, given, expect),
        other => Err(format!("unknown kind {other}")),
    }
}

#[test]
fn keda_upstream_cases() {
    let mut failures = Vec::new();
    let mut by_version: BTreeMap<KedaVersion, usize> = BTreeMap::new();
    let (mut total_cases, mut total_runs, mut total_skipped) = (0, 0, 0);
    for path in case_files() {
        let bytes = std::fs::read(&path).expect("read a case file");
        let file: CaseFile =
            serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(file.repository, "kedacore/keda", "{}", path.display());
        let (mut cases, mut runs, mut skipped) = (0, 0, 0);
        for case in &file.cases {
            if let Some(tag) = case
                .tags
                .iter()
                .find(|tag| !file.commits.contains_key(*tag))
            {
                failures.push(format!("{} {}: no commit for {tag}", file.file, case.test));
            }
            let versions = match releases(&case.tags) {
                Ok(versions) => versions,
                Err(error) => {
                    failures.push(format!("{} {}: {error}", file.file, case.test));
                    continue;
                }
            };
            if case.skip.is_some() {
                skipped += 1;
                continue;
            }
            let Some(kind) = case.kind.as_deref() else {
                failures.push(format!(
                    "{} {}: neither kind nor skip",
                    file.file, case.test
                ));
                continue;
            };
            cases += 1;
            for version in versions {
                runs += 1;
                *by_version.entry(version).or_default() += 1;
                if let Err(error) = run_case(kind, version, &case.given, &case.expect) {
                    failures.push(format!("{} {} @{version}: {error}", file.file, case.test));
                }
            }
        }
        eprintln!(
            "{}: {cases} cases ({runs} runs over releases), {skipped} skipped",
            file.file
        );
        total_cases += cases;
        total_runs += runs;
        total_skipped += skipped;
    }
    let per_version: Vec<String> = by_version
        .iter()
        .map(|(version, runs)| format!("{version}: {runs}"))
        .collect();
    eprintln!("runs per release: {}", per_version.join(", "));
    eprintln!(
        "KEDA upstream cases: {total_cases} transcribed ({total_runs} runs), {total_skipped} skipped, {} failing",
        failures.len()
    );
    assert!(total_cases > 0, "no upstream cases found");
    assert!(
        failures.is_empty(),
        "{} upstream case run(s) fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
