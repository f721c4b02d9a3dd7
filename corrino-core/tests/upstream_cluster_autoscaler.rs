//! The Cluster Autoscaler's documented timing rules (`fixtures/upstream-cases/cluster-autoscaler/faq.json`), each a
//! scenario of scans over time, run against `corrino_core::sim::cluster_autoscaler`. Every case cites the FAQ section
//! and lines it comes from; the test prints how many there are and fails listing every step that does not match.

use corrino_test_support as support;

use serde::Deserialize;
use serde_json::Value as Json;

use corrino_core::manifest::oci::AutoscalerTiming;
use corrino_core::sim::cluster_autoscaler::{
    ClusterAutoscaler, ClusterAutoscalerConfig, NodePool, PendingPod, ScanNote, ScanRules,
};

#[derive(Deserialize)]
struct CaseFile {
    repository: String,
    tag: String,
    commit: String,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    test: String,
    source: Json,
    kind: String,
    #[serde(default)]
    given: Json,
    #[serde(default)]
    expect: Json,
}

fn int(json: &Json, key: &str) -> Option<i64> {
    json.get(key).and_then(Json::as_i64)
}

fn base_config() -> ClusterAutoscalerConfig {
    ClusterAutoscalerConfig {
        scan_interval_seconds: 10,
        scale_down_delay_after_add_seconds: 600,
        scale_down_delay_after_delete_seconds: 10,
        scale_down_unneeded_time_seconds: 600,
        max_node_provision_time_seconds: 900,
        scale_down_utilization_threshold: 0.5,
        provisioning_seconds: 100,
        min_nodes: 0,
        max_nodes: 4,
        replicas_per_node: 2,
        utilization_per_pod: 0.5,
        enabled: true,
    }
}

fn config(given: &Json) -> ClusterAutoscalerConfig {
    let mut config = base_config();
    let Some(overrides) = given.get("config") else {
        return config;
    };
    let seconds = |key: &str, value: &mut i64| {
        if let Some(v) = int(overrides, key) {
            *value = v;
        }
    };
    seconds(
        "max_node_provision_time",
        &mut config.max_node_provision_time_seconds,
    );
    seconds("provisioning", &mut config.provisioning_seconds);
    seconds(
        "scale_down_unneeded_time",
        &mut config.scale_down_unneeded_time_seconds,
    );
    seconds(
        "scale_down_delay_after_delete",
        &mut config.scale_down_delay_after_delete_seconds,
    );
    seconds(
        "scale_down_delay_after_add",
        &mut config.scale_down_delay_after_add_seconds,
    );
    if let Some(min) = int(overrides, "min_nodes").and_then(|v| u32::try_from(v).ok()) {
        config.min_nodes = min;
    }
    if let Some(share) = overrides.get("utilization_per_pod").and_then(Json::as_f64) {
        config.utilization_per_pod = share;
    }
    config
}

fn rules(given: &Json) -> ScanRules {
    let mut rules = ScanRules::default();
    if let Some(delay) = given
        .get("rules")
        .and_then(|r| int(r, "new_pod_scale_up_delay"))
    {
        rules.new_pod_scale_up_delay_seconds = delay;
    }
    rules
}

fn note_name(note: Option<ScanNote>) -> Json {
    note.map_or(Json::Null, |note| {
        serde_json::to_value(note).unwrap_or(Json::Null)
    })
}

fn pending(step: &Json) -> Vec<PendingPod> {
    let mut pods = Vec::new();
    for group in step
        .get("pending")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
    {
        let count = int(group, "count").unwrap_or(1);
        let pod = PendingPod {
            created_at: int(group, "created_at").unwrap_or(0),
            gpu: group.get("gpu").and_then(Json::as_bool).unwrap_or(false),
        };
        for _ in 0..count {
            pods.push(pod);
        }
    }
    pods
}

fn pods_on(step: &Json) -> impl Fn(u32) -> u32 {
    let map: Vec<(u32, u32)> = step
        .get("pods")
        .and_then(Json::as_object)
        .map(|map| {
            map.iter()
                .filter_map(|(id, count)| {
                    Some((id.parse().ok()?, u32::try_from(count.as_u64()?).ok()?))
                })
                .collect()
        })
        .unwrap_or_default();
    move |node| {
        map.iter()
            .find(|(id, _)| *id == node)
            .map_or(0, |(_, count)| *count)
    }
}

fn run_scan(given: &Json) -> Result<usize, String> {
    let mut autoscaler = ClusterAutoscaler::new(config(given));
    autoscaler.rules = rules(given);
    let ready = int(given, "ready_nodes")
        .and_then(|n| u32::try_from(n).ok())
        .unwrap_or(1);
    let mut pool = NodePool::with_ready_nodes(ready, true);
    let steps = given
        .get("steps")
        .and_then(Json::as_array)
        .ok_or("no steps")?;
    for step in steps {
        let t = int(step, "t").ok_or("a step without t")?;
        let mut became_ready = Vec::new();
        pool.advance(t, &mut became_ready);
        if step.get("fail_scale_down").and_then(Json::as_bool) == Some(true) {
            autoscaler.record_scale_down_failure(t);
        }
        let outcome = autoscaler.scan_pending(&mut pool, &pending(step), pods_on(step), t);
        let expect = step.get("expect").cloned().unwrap_or(Json::Null);
        let fail = |what: String| Err(format!("t = {t}: {what}"));
        if let Some(note) = expect.get("note") {
            let actual = note_name(outcome.note);
            if &actual != note {
                return fail(format!("note: expected {note}, got {actual}"));
            }
        }
        if let Some(requested) = int(&expect, "requested")
            && usize::try_from(requested).ok() != Some(outcome.requested.len())
        {
            return fail(format!(
                "requested: expected {requested}, got {:?}",
                outcome.requested
            ));
        }
        if let Some(removed) = expect.get("removed").and_then(Json::as_array) {
            let expected: Vec<u64> = removed.iter().filter_map(Json::as_u64).collect();
            let actual: Vec<u64> = outcome.removed.iter().map(|id| u64::from(*id)).collect();
            if expected != actual {
                return fail(format!("removed: expected {expected:?}, got {actual:?}"));
            }
        }
        if let Some(count) = int(&expect, "removed_count")
            && usize::try_from(count).ok() != Some(outcome.removed.len())
        {
            return fail(format!(
                "removed: expected {count} nodes, got {:?}",
                outcome.removed
            ));
        }
        if let Some(nodes) = int(&expect, "nodes")
            && i64::from(pool.len()) != nodes
        {
            return fail(format!("nodes: expected {nodes}, got {}", pool.len()));
        }
    }
    Ok(steps.len())
}

fn check_defaults(expect: &Json) -> Result<usize, String> {
    let config =
        ClusterAutoscalerConfig::from_timing(&AutoscalerTiming::default(), 300, (1, 2), 2, 0.5)
            .map_err(|e| e.to_string())?;
    let rules = ScanRules::default();
    let actual = [
        ("scan_interval", Json::from(config.scan_interval_seconds)),
        (
            "scale_down_delay_after_add",
            Json::from(config.scale_down_delay_after_add_seconds),
        ),
        (
            "scale_down_unneeded_time",
            Json::from(config.scale_down_unneeded_time_seconds),
        ),
        (
            "scale_down_utilization_threshold",
            Json::from(config.scale_down_utilization_threshold),
        ),
        (
            "scale_down_delay_after_failure",
            Json::from(rules.scale_down_delay_after_failure_seconds),
        ),
        (
            "new_pod_scale_up_delay",
            Json::from(rules.new_pod_scale_up_delay_seconds),
        ),
        ("initial_backoff", Json::from(rules.initial_backoff_seconds)),
        ("max_backoff", Json::from(rules.max_backoff_seconds)),
        ("backoff_reset", Json::from(rules.backoff_reset_seconds)),
        (
            "max_empty_bulk_delete",
            Json::from(rules.max_empty_bulk_delete),
        ),
    ];
    let object = expect.as_object().ok_or("no expectations")?;
    for (key, expected) in object {
        let found = actual
            .iter()
            .find(|(name, _)| name == key)
            .ok_or_else(|| format!("unknown default {key}"))?;
        if found.1.as_f64() != expected.as_f64() {
            return Err(format!("{key}: expected {expected}, got {}", found.1));
        }
    }
    Ok(object.len())
}

#[test]
fn cluster_autoscaler_faq_timing_rules() {
    let path = support::workspace().join("fixtures/upstream-cases/cluster-autoscaler/faq.json");
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let file: CaseFile =
        serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(file.repository, "kubernetes/autoscaler");
    assert_eq!(file.commit.len(), 40, "the tag's commit");
    let mut failures = Vec::new();
    let mut checks = 0;
    for case in &file.cases {
        if !case.source.is_object() {
            failures.push(format!("{}: no source", case.test));
        }
        let result = match case.kind.as_str() {
            "scan" => run_scan(&case.given),
            "defaults" => check_defaults(&case.expect),
            other => Err(format!("unknown kind {other}")),
        };
        match result {
            Ok(count) => checks += count,
            Err(error) => failures.push(format!("{}: {error}", case.test)),
        }
    }
    eprintln!(
        "Cluster Autoscaler FAQ timing rules ({} {}): {} cases, {checks} scans and defaults checked, {} failing",
        file.tag,
        &file.commit[..8],
        file.cases.len(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} case(s) fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
