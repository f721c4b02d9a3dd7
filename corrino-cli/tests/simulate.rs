//! `corrino simulate`: a summary for people, JSON for machines, the timeline as CSV and a chart as SVG.

mod common;

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
