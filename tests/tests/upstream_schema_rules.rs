//! The cases where corrino and upstream's JSON Schema used to disagree, one by one (the mutants of
//! `upstream_agreement.rs` find such cases; these pin them without upstream's files).
//!
//! * What the schema refuses, corrino reports with a warning saying that upstream's server refuses it: a port or
//!   `collect_metrics_timespan` written as a number, a deployment group payload with other fields.
//! * What the schema accepts, corrino accepts: an environment value that is an integer in JSON Schema's sense
//!   (`8.0`, 2^63, 2^64), a pre-authenticated request whose scheme is in capitals.

use corrino_core::{Code, Diagnostic, PlanOptions, Severity, plan_bytes};
use serde_json::{Value, json};

use corrino_test_support as support;
use support::workspace;

fn example() -> Value {
    let text =
        std::fs::read_to_string(workspace().join("fixtures/recipes/autoscaling-example.json"))
            .expect("the example recipe");
    serde_json::from_str(&text).expect("json")
}

fn diagnostics(text: &str) -> Vec<Diagnostic> {
    plan_bytes(text.as_bytes(), &PlanOptions::default())
        .diagnostics
        .iter()
        .cloned()
        .collect()
}

fn at<'a>(all: &'a [Diagnostic], path: &str) -> Vec<&'a Diagnostic> {
    all.iter().filter(|d| d.path == path).collect()
}

fn errors(all: &[Diagnostic]) -> Vec<&Diagnostic> {
    all.iter()
        .filter(|d| d.severity == Severity::Error)
        .collect()
}

#[test]
fn numbers_where_the_schema_wants_strings_are_read_with_a_warning_that_the_server_refuses_them() {
    for (path, value) in [
        ("/recipe_container_port", json!(8000)),
        ("/recipe_host_port", json!(8080)),
        (
            "/recipe_pod_autoscaling_params/collect_metrics_timespan",
            json!(300),
        ),
    ] {
        let mut recipe = example();
        *recipe
            .pointer_mut(path.rsplit_once('/').expect("parent").0)
            .expect("parent")
            .as_object_mut()
            .expect("object")
            .entry(path.rsplit_once('/').expect("key").1)
            .or_insert(Value::Null) = value;
        let all = diagnostics(&recipe.to_string());
        assert!(errors(&all).is_empty(), "{path}: {all:?}");
        let here = at(&all, path);
        assert!(
            here.iter().any(|d| d.severity == Severity::Warning
                && d.code == Code::CoercedType
                && d.message.contains("upstream's server refuses")),
            "{path}: {here:?}"
        );
    }
    let mut recipe = example();
    recipe["recipe_pod_autoscaling_params"]["collect_metrics_timespan"] = json!(300);
    let all = diagnostics(&recipe.to_string());
    let hint = at(
        &all,
        "/recipe_pod_autoscaling_params/collect_metrics_timespan",
    )[0]
    .hint
    .clone();
    assert_eq!(hint.as_deref(), Some("write \"5m\""));
}

#[test]
fn integers_in_json_schemas_sense_are_environment_values() {
    for (literal, container_gets, severity) in [
        ("8.0", "8", Severity::Note),
        ("9223372036854775808", "9223372036854775808", Severity::Note),
        (
            "18446744073709551615",
            "18446744073709551615",
            Severity::Note,
        ),
        (
            "18446744073709551616",
            "18446744073709551616",
            Severity::Warning,
        ),
        // Read exactly, whatever other readers make of it.
        (
            "-9223372036854775809",
            "-9223372036854775809",
            Severity::Warning,
        ),
        ("1e3", "1000", Severity::Note),
    ] {
        let mut recipe = example();
        recipe["recipe_container_env"] = json!([{"key": "N", "value": "__N__"}]);
        let text = recipe.to_string().replace("\"__N__\"", literal);
        let all = diagnostics(&text);
        assert!(errors(&all).is_empty(), "{literal}: {all:?}");
        let notes = at(&all, "/recipe_container_env/0/value");
        // Integers that a 64-bit reader holds exactly need no word; the others say what the container gets.
        match literal {
            "9223372036854775808" | "18446744073709551615" => {
                assert!(notes.is_empty(), "{literal}: {notes:?}")
            }
            _ => assert!(
                notes.iter().any(|d| d.severity == severity
                    && d.code == Code::CoercedType
                    && d.message.contains(&format!("\"{container_gets}\""))),
                "{literal}: {notes:?}"
            ),
        }
        let planning = plan_bytes(text.as_bytes(), &PlanOptions::default());
        let env = &planning
            .preview
            .expect("preview")
            .recipe
            .recipe_container_env;
        let value = env
            .as_ref()
            .and_then(|e| e[0].value.clone())
            .expect("value");
        assert_eq!(value.to_text(), container_gets, "{literal}");
    }
    // A number with a fraction is not an integer: upstream's schema refuses it, and so does corrino.
    let mut recipe = example();
    recipe["recipe_container_env"] = json!([{"key": "N", "value": 8.5}]);
    let all = diagnostics(&recipe.to_string());
    assert!(
        at(&all, "/recipe_container_env/0/value")
            .iter()
            .any(|d| d.code == Code::WrongType && d.severity == Severity::Error)
    );
}

#[test]
fn a_pre_authenticated_requests_scheme_is_case_insensitive() {
    for (par, refused) in [
        (
            "https://objectstorage.us-ashburn-1.oraclecloud.com/p/x/n/ns/b/models/o/",
            false,
        ),
        (
            "HTTPS://objectstorage.us-ashburn-1.oraclecloud.com/p/x/n/ns/b/models/o/",
            false,
        ),
        (
            "Https://objectstorage.us-ashburn-1.oraclecloud.com/p/x/n/ns/b/models/o/",
            false,
        ),
        (
            "http://objectstorage.us-ashburn-1.oraclecloud.com/p/x/n/ns/b/models/o/",
            true,
        ),
        ("https:", true),
    ] {
        let mut recipe = example();
        recipe["input_object_storage"] =
            json!([{"par": par, "mount_location": "/models", "volume_size_in_gbs": 100}]);
        let all = diagnostics(&recipe.to_string());
        let here = at(&all, "/input_object_storage/0/par");
        assert_eq!(
            here.iter().any(|d| d.code == Code::StorageSource),
            refused,
            "{par}: {here:?}"
        );
    }
}

#[test]
fn a_deployment_group_payload_holds_the_group_alone() {
    let member = example();
    let group = json!({"deployment_group": {"name": "g", "deployments": [{"name": "vllm", "recipe": member}]}});
    assert!(
        diagnostics(&group.to_string())
            .iter()
            .all(|d| d.code != Code::IgnoredField),
        "a plain group is fine"
    );
    let mut beside = group.clone();
    beside["deployment_name"] = json!("g");
    let all = diagnostics(&beside.to_string());
    let here = at(&all, "/deployment_name");
    assert!(
        here.iter().any(|d| d.code == Code::IgnoredField
            && d.severity == Severity::Warning
            && d.message.contains("upstream's server refuses")),
        "{all:?}"
    );
    let mut inside = example();
    inside["deployment_group"] = group["deployment_group"].clone();
    let all = diagnostics(&inside.to_string());
    assert!(
        at(&all, "/deployment_group")
            .iter()
            .any(|d| d.code == Code::IgnoredField
                && d.severity == Severity::Warning
                && d.message.contains("upstream's server refuses")),
        "{all:?}"
    );
}

#[test]
fn repeated_exports_are_a_warning_that_the_server_refuses_them() {
    let member = example();
    let group = json!({"deployment_group": {"name": "g", "deployments": [
        {"name": "vllm", "recipe": member, "exports": ["service_url", "service_url"]}
    ]}});
    let all = diagnostics(&group.to_string());
    assert!(
        at(&all, "/deployment_group/deployments/0/exports/1")
            .iter()
            .any(|d| d.severity == Severity::Warning
                && d.message.contains("upstream's server refuses")),
        "{all:?}"
    );
}
