//! A scenario is untrusted input: every quantity has a cap, and a scenario past one is refused with the field, its
//! value and the bound, the same in every face. The refusals of `fixtures/scenarios/invalid.json` are pinned in
//! `fixtures/expected/invalid-scenarios.json` (the message and the structured error), which the Python and
//! WebAssembly tests compare with too; regenerate with `UPDATE_GOLDEN=1` and review the diff.

use corrino_core::sim::scenario::{
    MAX_DURATION_SECONDS, MAX_REPLICA_STEPS, MAX_SIMULATED_NODES, MAX_SIMULATED_REPLICAS,
};
use corrino_core::sim::{self, Load, MetricTrace, RateProfile, RequestShape, Scenario, SimError};
use corrino_core::{Code, Plan, PlanOptions, plan_bytes, plan_json};
use serde_json::{Value, json};

use corrino_test_support as support;
use support::{golden, workspace};

fn example() -> Value {
    let text =
        std::fs::read_to_string(workspace().join("fixtures/recipes/autoscaling-example.json"))
            .expect("the example recipe");
    serde_json::from_str(&text).expect("json")
}

fn plan_of(recipe: &Value) -> Plan {
    plan_json(recipe, &PlanOptions::default())
        .plan
        .expect("the recipe plans")
}

#[test]
fn every_scenario_past_a_cap_is_refused_with_its_field_value_and_bound() {
    let cases: Vec<Value> = serde_json::from_str(
        &std::fs::read_to_string(workspace().join("fixtures/scenarios/invalid.json"))
            .expect("fixtures/scenarios/invalid.json"),
    )
    .expect("json");
    let plan = plan_of(&example());
    let mut expected = Vec::new();
    for case in &cases {
        let name = case["name"].as_str().expect("name");
        let scenario: Scenario = serde_json::from_value(case["scenario"].clone())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let refusal = match sim::simulate(&plan, &scenario) {
            Err(SimError::BadScenario(error)) => error,
            other => panic!("{name}: not refused as a bad scenario: {other:?}"),
        };
        let message = SimError::BadScenario(refusal.clone()).to_string();
        assert!(message.starts_with("bad scenario: `/"), "{name}: {message}");
        assert!(
            message.contains(&format!("`{}`", refusal.field())),
            "{name}: the message names the field: {message}"
        );
        expected.push(json!({"name": name, "message": message, "error": refusal}));
    }
    let mut text = String::from("[\n");
    for (i, row) in expected.iter().enumerate() {
        let comma = if i + 1 < expected.len() { "," } else { "" };
        text.push_str(&format!(
            "  {}{comma}\n",
            serde_json::to_string(row).expect("row")
        ));
    }
    text.push_str("]\n");
    golden(
        &workspace().join("fixtures/expected/invalid-scenarios.json"),
        &text,
    );
}

#[test]
fn the_caps_themselves_are_accepted() {
    let at_caps = Scenario {
        duration_seconds: MAX_DURATION_SECONDS,
        pod_startup_seconds: Some(MAX_DURATION_SECONDS),
        image_pull_seconds: Some(MAX_DURATION_SECONDS),
        node_provisioning_seconds: Some(MAX_DURATION_SECONDS),
        seed: (1 << 53) - 1,
        initial_replicas: Some(MAX_SIMULATED_REPLICAS),
        initial_nodes: Some(MAX_SIMULATED_NODES),
        load: Load::ClosedLoop {
            clients: 10_000,
            requests: RequestShape {
                mean_input_tokens: 1e7,
                stddev_input_tokens: 1e7,
                mean_output_tokens: 1.0,
                stddev_output_tokens: 0.0,
            },
            max_requests: Some((1 << 53) - 1),
            think_time_seconds: MAX_DURATION_SECONDS as f64,
        },
        ..Scenario::default()
    };
    assert_eq!(at_caps.validate(), Ok(()));
    let open = Scenario {
        load: Load::OpenLoop {
            rate: RateProfile::Constant { rps: 100_000.0 },
            requests: RequestShape::default(),
        },
        ..at_caps
    };
    assert_eq!(open.validate(), Ok(()));
}

/// Seconds near `u64::MAX` used to be converted with saturation and added to the clock, which wrapped around in
/// release builds and changed the result; at the cap, the pod simply never becomes Ready within the run.
#[test]
fn startup_seconds_at_the_cap_are_simply_never_reached() {
    let plan = plan_of(&example());
    let scenario = Scenario {
        duration_seconds: 1800,
        pod_startup_seconds: Some(MAX_DURATION_SECONDS),
        load: Load::MetricTrace {
            trace: MetricTrace::parse_csv("0,1\n").expect("trace"),
        },
        ..Scenario::default()
    };
    let simulation = sim::simulate(&plan, &scenario).expect("simulates");
    assert!(simulation.summary.peak_spec_replicas > 1);
    assert!(simulation.samples.iter().all(|s| s.ready_replicas <= 1));
    let beyond = Scenario {
        pod_startup_seconds: Some(u64::MAX),
        ..scenario
    };
    assert!(matches!(
        sim::simulate(&plan, &beyond),
        Err(SimError::BadScenario(_))
    ));
}

#[test]
fn a_plan_beyond_the_simulator_is_refused_with_the_recipe_field() {
    let mut recipe = example();
    recipe["recipe_pod_autoscaling_params"]["max_replicas"] = json!(MAX_SIMULATED_REPLICAS + 1);
    recipe["recipe_node_autoscaling_params"]["max_nodes"] = json!(600);
    let error = sim::simulate(&plan_of(&recipe), &Scenario::default()).expect_err("too large");
    assert_eq!(
        error.to_string(),
        "`/recipe_pod_autoscaling_params/max_replicas` is 1001; the simulator runs at most 1000 replicas"
    );
    recipe["recipe_pod_autoscaling_params"]["max_replicas"] = json!(8);
    recipe["recipe_node_autoscaling_params"]["max_nodes"] = json!(MAX_SIMULATED_NODES + 1);
    let error = sim::simulate(&plan_of(&recipe), &Scenario::default()).expect_err("too large");
    assert!(
        matches!(&error, SimError::PlanTooLarge { field, value: 1001, max: 1000, .. } if field == "/recipe_node_autoscaling_params/max_nodes"),
        "{error}"
    );
    // A thousand replicas for a month is more work than a run may take; the error says how long fits.
    recipe["recipe_pod_autoscaling_params"]["max_replicas"] = json!(1000);
    recipe["recipe_node_autoscaling_params"]["max_nodes"] = json!(500);
    let month = Scenario {
        duration_seconds: MAX_DURATION_SECONDS,
        ..Scenario::default()
    };
    let error = sim::simulate(&plan_of(&recipe), &month).expect_err("too much work");
    assert_eq!(
        error,
        SimError::TooMuchWork {
            replicas: 1000,
            steps: MAX_DURATION_SECONDS,
            max: MAX_REPLICA_STEPS,
            longest_duration_seconds: 100_000,
        }
    );
    assert!(
        error.to_string().contains("simulate at most 100000 s"),
        "{error}"
    );
}

#[test]
fn requests_still_in_flight_at_the_end_are_reported() {
    let plan = plan_of(&example());
    // 50 requests per second against four A10 replicas at most: most of them are still queued at the end.
    let overloaded = Scenario {
        duration_seconds: 1800,
        load: Load::OpenLoop {
            rate: RateProfile::Constant { rps: 50.0 },
            requests: RequestShape::default(),
        },
        ..Scenario::default()
    };
    let summary = sim::simulate(&plan, &overloaded)
        .expect("simulates")
        .summary;
    assert!(
        summary.requests_in_flight > summary.requests_completed,
        "{summary:?}"
    );
    for scenario in [overloaded, Scenario::default()] {
        let summary = sim::simulate(&plan, &scenario).expect("simulates").summary;
        assert_eq!(
            summary.requests_sent,
            summary.requests_completed + summary.requests_failed + summary.requests_in_flight,
            "{summary:?}"
        );
    }
}

#[test]
fn table_rows_past_the_end_are_noted_in_the_result() {
    let plan = plan_of(&example());
    let trace = Scenario {
        duration_seconds: 600,
        load: Load::MetricTrace {
            trace: MetricTrace::parse_csv("0,0\n300,1\n600,0\n900,0\n").expect("trace"),
        },
        ..Scenario::default()
    };
    let notes = sim::simulate(&plan, &trace).expect("simulates").notes;
    let notes: Vec<_> = notes.iter().collect();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(
        (notes[0].code, notes[0].path.as_str()),
        (Code::PointsPastEnd, "/load/trace/points")
    );
    assert!(
        notes[0]
            .message
            .starts_with("2 rows of the metric trace (from t = 600 s)"),
        "{}",
        notes[0].message
    );
    // A rate table's first row past the end still sets the rate before it: only the rows after it are unused.
    let table = Scenario {
        duration_seconds: 600,
        load: Load::OpenLoop {
            rate: RateProfile::Table {
                points: sim::load::parse_rate_csv("0,0\n900,1\n").expect("table"),
            },
            requests: RequestShape::default(),
        },
        ..Scenario::default()
    };
    assert!(
        sim::simulate(&plan, &table)
            .expect("simulates")
            .notes
            .is_empty()
    );
    // Within the run, nothing to say.
    let default = sim::simulate(&plan, &Scenario::default()).expect("simulates");
    assert!(default.notes.is_empty());
    let bytes = serde_json::to_vec(&example()).expect("json");
    assert!(plan_bytes(&bytes, &PlanOptions::default()).plan.is_some());
}
