//! Every fixture recipe with pod autoscaling simulates the default scenario (the autoscaling guide's llmperf run:
//! 30 clients, 512/512 tokens, 3000 requests, one hour) deterministically; a few chosen ones, one per kind of
//! scaling, match `fixtures/expected/<name>.simulation.json` (the whole simulation, one timeline row per line), and
//! the bindings compare their own output with the same files. Regenerate with `UPDATE_GOLDEN=1 cargo test` and
//! review the diff.

use corrino_test_support as support;
use support::{golden, json_recipes, workspace};

use corrino_core::manifest;
use corrino_core::sim::{self, Scenario, SimError};
use corrino_core::{Plan, PlanOptions, plan_bytes};

/// The fixtures whose whole simulation is pinned: the seed example (one node, then a second), a custom query,
/// node autoscaling over four A10 nodes, two GPUs per replica on H100, and a multinode LeaderWorkerSet whose replicas
/// are groups of two whole H100 nodes.
const GOLDEN: [&str; 5] = [
    "autoscaling-example",
    "autoscaling-custom-query",
    "node-autoscaling-a10-four-nodes",
    "pod-autoscaling-h100-two-gpus-per-replica",
    "multinode-rdma-autoscaling",
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

/// The YAML stream `kubectl apply -f` takes, with the OCI documents after it as documents of their own: what a user
/// who rendered a recipe holds.
fn deployed_yaml(manifests: &[manifest::Manifest]) -> String {
    let mut yaml = manifest::to_yaml(manifests).expect("yaml");
    for (_, json) in manifest::oci_documents(manifests).expect("json") {
        yaml.push_str("---\n");
        yaml.push_str(&json);
    }
    yaml
}

/// The simulator reads what is deployed: every fixture with pod autoscaling, rendered to YAML and read back,
/// simulates to exactly the bytes the recipe does, under a load that serves (the default) and a replayed trace.
#[test]
fn rendered_yaml_read_back_simulates_exactly_as_the_recipe() {
    let trace = Scenario {
        duration_seconds: 1800,
        load: sim::Load::MetricTrace {
            trace: sim::MetricTrace::parse_csv("0,0.01\n300,1.0\n900,0\n").expect("trace"),
        },
        ..Scenario::default()
    };
    let mut compared = Vec::new();
    for path in json_recipes() {
        let bytes = std::fs::read(&path).expect("read");
        let Some(plan) = plan_bytes(&bytes, &PlanOptions::default()).plan else {
            continue;
        };
        let Plan::Service(service) = &plan else {
            continue;
        };
        if service.pod_autoscaling.is_none() || service.capacity.is_none() {
            continue;
        }
        let name = path
            .file_stem()
            .expect("stem")
            .to_string_lossy()
            .into_owned();
        for scenario in [Scenario::default(), trace.clone()] {
            let manifests = sim::render_for_simulation(service, &scenario).expect("renders");
            let yaml = deployed_yaml(&manifests);
            let from_recipe = sim::simulate(&plan, &scenario).expect("the recipe simulates");
            let from_yaml =
                sim::simulate_bytes(yaml.as_bytes(), &PlanOptions::default(), &scenario)
                    .unwrap_or_else(|e| panic!("{name}: the YAML does not simulate: {e:?}"));
            assert!(
                !from_yaml.diagnostics.has_errors(),
                "{name}: {}",
                from_yaml.diagnostics
            );
            assert_eq!(
                serde_json::to_string(&from_yaml.simulation).expect("json"),
                serde_json::to_string(&from_recipe).expect("json"),
                "{name}: the YAML and the recipe differ"
            );
        }
        compared.push(name);
    }
    assert!(compared.len() >= 10, "{compared:?}");
    assert!(
        compared.iter().any(|n| n == "multinode-rdma-autoscaling"),
        "{compared:?}"
    );
}
