//! `corrino simulate`: a summary for people, JSON for machines, the timeline as CSV and a chart as SVG.

mod common;
use corrino_test_support as support;

const EXAMPLE: &str = "fixtures/recipes/autoscaling-example.json";

#[test]
fn the_guide_example_scales_pods_then_nodes() {
    let (code, stdout, stderr) = common::run(&["simulate", EXAMPLE], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("first scale-up        135 s"), "{stdout}");
    assert!(stdout.contains("peak nodes            2"), "{stdout}");
    assert!(stdout.contains("3000 completed"), "{stdout}");
}

#[test]
fn writes_csv_and_svg_and_json() {
    let dir = std::env::temp_dir().join(format!("corrino-sim-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("mkdir");
    let (csv, svg) = (dir.join("t.csv"), dir.join("t.svg"));
    let (code, stdout, stderr) = common::run(
        &[
            "simulate",
            EXAMPLE,
            "--rps",
            "0.5",
            "--duration",
            "30m",
            "--format",
            "json",
            "--csv",
            csv.to_str().expect("utf8"),
            "--svg",
            svg.to_str().expect("utf8"),
        ],
        &[],
    );
    assert_eq!(code, 0, "{stderr}");
    let simulation: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(simulation["summary"]["duration_seconds"], 1800);
    let table = std::fs::read_to_string(&csv).expect("csv");
    assert!(table.starts_with("t,load,metric,threshold,"));
    assert_eq!(
        table.lines().count(),
        1 + simulation["samples"].as_array().expect("samples").len()
    );
    assert!(
        std::fs::read_to_string(&svg)
            .expect("svg")
            .starts_with("<svg")
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_recipe_without_pod_autoscaling_cannot_be_simulated() {
    let (code, _, stderr) = common::run(
        &["simulate", "fixtures/recipes/no-autoscaling-a10.json"],
        &[],
    );
    assert_eq!(code, 1);
    assert!(stderr.contains("cannot simulate"), "{stderr}");
}

#[test]
fn a_group_is_simulated_through_its_member_that_scales_pods() {
    const GROUP: &str = "fixtures/recipes/deployment-group-chat.json";
    let json = |recipe: &str| {
        let (code, stdout, stderr) = common::run(&["simulate", recipe, "--format", "json"], &[]);
        assert_eq!(code, 0, "{stderr}");
        serde_json::from_str::<serde_json::Value>(&stdout).expect("json")
    };
    // The group's `vllm` member is the main example under another name.
    assert_eq!(json(GROUP)["summary"], json(EXAMPLE)["summary"]);
    let (code, stdout, _) = common::run(&["plan", GROUP], &[]);
    assert_eq!(code, 0);
    assert!(
        stdout.contains("member `vllm`\n  name              vllm (Service recipe-vllm)"),
        "{stdout}"
    );
    assert!(stdout.contains("member `chat_ui`"), "{stdout}");
}

#[test]
fn scenario_flags_past_their_caps_are_refused_naming_the_flag_and_the_bound() {
    let cases = [
        (
            vec!["--clients", "100000000"],
            "`/load/clients` is 100000000: it must be between 1 and 10000 clients (set by --clients 100000000)",
        ),
        (
            vec!["--duration", "0s"],
            "`/duration_seconds` is 0: it must be between 1 s and 31 days (set by --duration 0s)",
        ),
        (
            vec!["--duration", "32d"],
            "`/duration_seconds` is 2764800: it must be between 1 s and 31 days (set by --duration 32d)",
        ),
        (
            vec!["--rps", "1e9"],
            "`/load/rate/rps` is 1000000000: it must be between 0 and 100000 requests per second (set by --rps 1000000000)",
        ),
    ];
    for (flags, expected) in cases {
        let mut args = vec!["simulate", EXAMPLE];
        args.extend(&flags);
        let started = std::time::Instant::now();
        let (code, stdout, stderr) = common::run(&args, &[]);
        assert_eq!(code, 1, "{flags:?}: {stderr}");
        assert!(stdout.is_empty(), "{flags:?}: {stdout}");
        assert!(stderr.contains(expected), "{flags:?}: {stderr}");
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "{flags:?} took {:?}",
            started.elapsed()
        );
    }
    let (code, _, stderr) = common::run(&["simulate", EXAMPLE, "--duration", "soon"], &[]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("--duration soon: expected a duration between 1 s and 31 days"),
        "{stderr}"
    );
}

/// A fresh file under the system's temporary directory.
fn temporary(name: &str, contents: &[u8]) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("corrino-{}-{name}", std::process::id()));
    std::fs::write(&path, contents).expect("write");
    path
}

#[test]
fn rate_tables_name_the_line_of_a_bad_value_and_are_bounded_in_size() {
    // Line 5 holds the negative rate: a header, a point, a blank line and a comment come first.
    let table = temporary("bad-rate.csv", b"t,rps\n0,1\n\n# a comment\n10,-1\n");
    let (code, _, stderr) = common::run(
        &[
            "simulate",
            EXAMPLE,
            "--rate-csv",
            table.to_str().expect("utf8"),
        ],
        &[],
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("line 5: the rate at t = 10"), "{stderr}");
    std::fs::remove_file(&table).ok();

    let huge = temporary("huge.csv", &b"0,1\n".repeat(9 << 18));
    for flag in ["--rate-csv", "--metric-trace"] {
        let (code, _, stderr) = common::run(
            &["simulate", EXAMPLE, flag, huge.to_str().expect("utf8")],
            &[],
        );
        assert_eq!(code, 2, "{stderr}");
        assert!(
            stderr.contains("the table is 9437184 bytes; at most 8388608 bytes (8 MiB) are read"),
            "{stderr}"
        );
    }
    std::fs::remove_file(&huge).ok();
}

#[test]
fn rows_past_the_duration_are_noted_and_unserved_requests_reported() {
    let trace = temporary("trace.csv", b"t,value\n0,0.5\n600,1\n3600,0\n7200,0\n");
    let (code, stdout, stderr) = common::run(
        &[
            "simulate",
            EXAMPLE,
            "--metric-trace",
            trace.to_str().expect("utf8"),
            "--duration",
            "1h",
        ],
        &[],
    );
    std::fs::remove_file(&trace).ok();
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("note[points-past-end]: 2 rows of the metric trace (from t = 3600 s) lie past the end of the run (3600 s) and are never used"),
        "{stderr}"
    );
    assert!(stderr.contains("--metric-trace"), "{stderr}");
    assert!(stdout.contains("0 sent: 0 completed"), "{stdout}");

    // 50 requests per second outrun four A10 replicas: most are still queued when the run ends.
    let (code, stdout, stderr) = common::run(
        &[
            "simulate",
            EXAMPLE,
            "--rps",
            "50",
            "--duration",
            "30m",
            "--format",
            "json",
        ],
        &[],
    );
    assert_eq!(code, 0, "{stderr}");
    let summary =
        serde_json::from_str::<serde_json::Value>(&stdout).expect("json")["summary"].clone();
    let count = |key: &str| summary[key].as_u64().expect(key);
    assert!(
        count("requests_in_flight") > count("requests_completed"),
        "{summary}"
    );
    assert_eq!(
        count("requests_sent"),
        count("requests_completed") + count("requests_failed") + count("requests_in_flight")
    );
    let (_, text, _) = common::run(
        &["simulate", EXAMPLE, "--rps", "50", "--duration", "30m"],
        &[],
    );
    assert!(
        text.contains(&format!(
            "{} still queued or running at the end",
            count("requests_in_flight")
        )),
        "{text}"
    );
}

const FOUR_NODES: &str = "fixtures/recipes/node-autoscaling-a10-four-nodes.json";

/// `--compare` runs both on the same load; the table and the JSON are pinned by golden files.
#[test]
fn two_inputs_compare_side_by_side() {
    let (code, text, stderr) = common::run(&["simulate", EXAMPLE, "--compare", FOUR_NODES], &[]);
    assert_eq!(code, 0, "{stderr}");
    let expected = support::workspace().join("fixtures/expected");
    support::golden(&expected.join("autoscaling-example.compare.txt"), &text);
    let dir = std::env::temp_dir().join(format!("corrino-compare-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("mkdir");
    let chart = dir.join("both.svg");
    let (code, json, stderr) = common::run(
        &[
            "simulate",
            EXAMPLE,
            "--compare",
            FOUR_NODES,
            "--format",
            "json",
            "--svg",
            chart.to_str().expect("utf8"),
        ],
        &[],
    );
    assert_eq!(code, 0, "{stderr}");
    support::golden(&expected.join("autoscaling-example.compare.json"), &json);
    let svg = std::fs::read_to_string(&chart).expect("svg");
    assert!(svg.starts_with("<svg") && svg.contains("autoscaling-example.json (blue)"));
    let value: serde_json::Value = serde_json::from_str(&json).expect("json");
    let peak = value["figures"]
        .as_array()
        .expect("figures")
        .iter()
        .find(|f| f["figure"] == "peak_nodes")
        .expect("peak nodes");
    assert_eq!(
        (peak["first"].as_f64(), peak["second"].as_f64()),
        (Some(2.0), Some(4.0))
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// What `corrino render --out` writes simulates exactly as the recipe does.
#[test]
fn a_rendered_directory_simulates_as_its_recipe() {
    let dir = std::env::temp_dir().join(format!("corrino-rendered-{}", std::process::id()));
    let (code, _, stderr) = common::run(
        &["render", EXAMPLE, "--out", dir.to_str().expect("utf8")],
        &[],
    );
    assert_eq!(code, 0, "{stderr}");
    let (code, from_yaml, stderr) = common::run(
        &["simulate", dir.to_str().expect("utf8"), "--format", "json"],
        &[],
    );
    assert_eq!(code, 0, "{stderr}");
    let (_, from_recipe, _) = common::run(&["simulate", EXAMPLE, "--format", "json"], &[]);
    assert_eq!(from_yaml, from_recipe);
    std::fs::remove_dir_all(&dir).ok();
}

/// A trigger the simulator cannot evaluate is refused with its path until a trace replays it; Prometheus' own
/// range answer is such a trace.
#[test]
fn another_scaler_replays_a_recorded_trace() {
    let dir = std::env::temp_dir().join(format!("corrino-kafka-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("mkdir");
    let yaml = dir.join("kafka.yaml");
    std::fs::write(
        &yaml,
        r#"apiVersion: v1
kind: List
items:
- apiVersion: keda.sh/v1alpha1
  kind: ScaledObject
  metadata: {name: chat}
  spec:
    scaleTargetRef: {name: chat}
    minReplicaCount: 1
    maxReplicaCount: 6
    triggers:
    - type: kafka
      metadata: {lagThreshold: "50", topic: requests}
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: chat}
  spec:
    selector: {matchLabels: {app: chat}}
    template:
      metadata: {labels: {app: chat}}
      spec:
        nodeSelector: {node.kubernetes.io/instance-type: VM.GPU.A10.2}
        containers:
        - name: vllm
          image: vllm/vllm-openai:v0.9.1
          args: ["--model", "Qwen/Qwen2.5-7B-Instruct"]
          resources: {limits: {nvidia.com/gpu: "1"}}
"#,
    )
    .expect("write");
    let input = yaml.to_str().expect("utf8");
    let (code, _, stderr) = common::run(&["simulate", input], &[]);
    assert_eq!(code, 1);
    assert!(stderr.contains("error[metric-trace-needed]"), "{stderr}");
    assert!(stderr.contains("/items/0/spec/triggers/0"), "{stderr}");
    assert!(stderr.contains("cannot be simulated"), "{stderr}");
    let trace = dir.join("lag.json");
    std::fs::write(
        &trace,
        r#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1700000000,"10"],[1700000060,"300"],[1700000900,"20"]]}]}}"#,
    )
    .expect("write");
    let (code, stdout, stderr) = common::run(
        &[
            "simulate",
            input,
            "--metric-trace",
            trace.to_str().expect("utf8"),
            "--duration",
            "30m",
            "--nodes",
            "1:3",
            "--format",
            "json",
        ],
        &[],
    );
    assert_eq!(code, 0, "{stderr}");
    let simulation: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    // 300 / 50 per replica asks for six replicas; two fit on a VM.GPU.A10.2, and `--nodes 1:3` allows three nodes.
    assert_eq!(simulation["summary"]["peak_spec_replicas"], 6);
    assert_eq!(simulation["summary"]["peak_nodes"], 3);
    assert_eq!(simulation["settings"]["cluster_autoscaler"]["max_nodes"], 3);
    std::fs::remove_dir_all(&dir).ok();
}
