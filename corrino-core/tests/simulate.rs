//! Every fixture recipe with pod autoscaling simulates the default scenario (the autoscaling guide's llmperf run:
//! 30 clients, 512/512 tokens, 3000 requests, one hour) deterministically; a few chosen ones, one per kind of
//! scaling, match `fixtures/expected/<name>.simulation.json` (the whole simulation, one timeline row per line), and
//! the bindings compare their own output with the same files. Regenerate with `UPDATE_GOLDEN=1 cargo test` and
//! review the diff.

mod common;
use common::{golden, json_recipes, workspace};

use corrino_core::sim::{self, Scenario, SimError};
use corrino_core::{Plan, PlanOptions, plan_bytes};

/// The fixtures whose whole simulation is pinned: the seed example (one node, then a second), a custom query,
/// node autoscaling over four A10 nodes, and two GPUs per replica on H100.
const GOLDEN: [&str; 4] = [
    "autoscaling-example",
    "autoscaling-custom-query",
    "node-autoscaling-a10-four-nodes",
    "pod-autoscaling-h100-two-gpus-per-replica",
];

/// Pretty JSON, except that the elements of a top-level array sit one per line: a timeline stays reviewable in a
/// diff without taking twenty lines a row.
fn rows_per_line(value: &serde_json::Value) -> String {
    let serde_json::Value::Object(fields) = value else {
        panic!("a simulation is an object")
    };
    let mut out = String::from("{\n");
    for (i, (key, field)) in fields.iter().enumerate() {
        out.push_str(&format!("  {}: ", serde_json::to_string(key).expect("key")));
        match field {
            serde_json::Value::Array(rows) if !rows.is_empty() => {
                out.push_str("[\n");
                for (j, row) in rows.iter().enumerate() {
                    let comma = if j + 1 < rows.len() { "," } else { "" };
                    out.push_str(&format!(
                        "    {}{comma}\n",
                        serde_json::to_string(row).expect("row")
                    ));
                }
                out.push_str("  ]");
            }
            other => {
                let pretty = serde_json::to_string_pretty(other).expect("field");
                out.push_str(&pretty.replace('\n', "\n  "));
            }
        }
        out.push_str(if i + 1 < fields.len() { ",\n" } else { "\n" });
    }
    out.push_str("}\n");
    out
}

#[test]
fn fixtures_with_pod_autoscaling_simulate_to_their_goldens() {
    let mut simulated = Vec::new();
    for path in json_recipes() {
        let bytes = std::fs::read(&path).expect("read");
        let Some(plan) = plan_bytes(&bytes, &PlanOptions::default()).plan else {
            continue;
        };
        if !matches!(&plan, Plan::Service(s) if s.pod_autoscaling.is_some()) {
            continue;
        }
        let name = path
            .file_stem()
            .expect("stem")
            .to_string_lossy()
            .into_owned();
        let scenario = Scenario::default();
        let simulation = match sim::simulate(&plan, &scenario) {
            Ok(simulation) => simulation,
            Err(SimError::NoCapacity) => continue,
            Err(error) => panic!("{name}: {error}"),
        };
        let again = sim::simulate(&plan, &scenario).expect("second run");
        assert_eq!(simulation, again, "{name}: not deterministic");
        if GOLDEN.contains(&name.as_str()) {
            let value = serde_json::to_value(&simulation).expect("json");
            golden(
                &workspace().join(format!("fixtures/expected/{name}.simulation.json")),
                &rows_per_line(&value),
            );
        }
        simulated.push(name);
    }
    assert!(
        simulated.iter().any(|n| n == "autoscaling-example"),
        "the main example must simulate: {simulated:?}"
    );
    for name in GOLDEN {
        assert!(
            simulated.iter().any(|n| n == name),
            "{name} did not simulate"
        );
    }
    assert!(simulated.len() >= 10, "{simulated:?}");
}
