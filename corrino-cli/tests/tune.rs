//! `corrino tune`: the search's report and JSON against goldens, the README's table against the report, the
//! written recipe and patch, and the claim that the choice does better than the recipe's own settings.

mod common;
use corrino_test_support as support;

use std::path::Path;

const EXAMPLE: &str = "fixtures/recipes/autoscaling-example.json";

fn tune(extra: &[&str]) -> String {
    let mut args = vec!["tune", EXAMPLE, "--slo", "p95<5s"];
    args.extend_from_slice(extra);
    let (code, stdout, stderr) = common::run(&args, &[]);
    assert_eq!(code, 0, "{stderr}");
    stdout
}

#[test]
fn the_report_matches_its_goldens_and_the_readme_quotes_it() {
    let text = tune(&[]);
    support::golden(
        &support::workspace().join("fixtures/expected/autoscaling-example.tune.txt"),
        &text,
    );
    let json = tune(&["--format", "json", "--jobs", "1"]);
    support::golden(
        &support::workspace().join("fixtures/expected/autoscaling-example.tune.json"),
        &json,
    );
    // The same search on one thread and on several gives the same result.
    let several: serde_json::Value =
        serde_json::from_str(&tune(&["--format", "json", "--jobs", "3"])).expect("json");
    let one: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(one, several);
    // The README shows the comparison table exactly as the command prints it.
    let table_start = text.find("| | the recipe's").expect("a comparison table");
    let readme =
        std::fs::read_to_string(support::workspace().join("README.md")).expect("the README");
    assert!(
        readme.contains(&text[table_start..]),
        "the README's tuning table is stale: paste\n{}",
        &text[table_start..]
    );
    // The claim: the choice misses the objective less, or costs less, than the recipe's own settings.
    let (recipe, chosen) = (&one["recipe"], &one["chosen"]);
    let less = |key: &str| chosen[key].as_f64() < recipe[key].as_f64();
    assert!(less("seconds_over_slo") || less("gpu_hours"), "{one:#}");
    assert!(chosen["seconds_over_slo"].as_f64() <= recipe["seconds_over_slo"].as_f64());
}

#[test]
fn writes_the_chosen_recipe_and_its_patch() {
    let dir = std::env::temp_dir().join(format!("corrino-tune-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("mkdir");
    let (recipe, patch) = (dir.join("tuned.json"), dir.join("tuned.patch.json"));
    let json = tune(&[
        "--format",
        "json",
        "--samples",
        "10",
        "--write",
        recipe.to_str().expect("utf8"),
        "--patch",
        patch.to_str().expect("utf8"),
    ]);
    let result: serde_json::Value = serde_json::from_str(&json).expect("json");
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&recipe).expect("written")).expect("json");
    let ops: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&patch).expect("written")).expect("json");
    assert!(
        ops.as_array()
            .is_some_and(|ops| ops.iter().all(|op| op["op"] == "add"))
    );
    // The written recipe validates and holds the chosen settings.
    let (code, _, stderr) = common::run(&["validate", recipe.to_str().expect("utf8")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let chosen = &result["chosen"]["knobs"];
    assert_eq!(
        written["recipe_pod_autoscaling_params"]["scaling_threshold"],
        chosen["threshold"]
    );
    assert_eq!(
        written["recipe_pod_autoscaling_params"]["max_replicas"],
        chosen["max_replicas"]
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_objectives_and_recipes_are_refused() {
    let (code, _, stderr) = common::run(&["tune", EXAMPLE, "--slo", "p99<5s"], &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("p95<5s"), "{stderr}");
    let (code, _, stderr) = common::run(
        &[
            "tune",
            "fixtures/recipes/no-autoscaling-a10.json",
            "--slo",
            "p95<5s",
        ],
        &[],
    );
    assert_ne!(code, 0, "{stderr}");
    assert!(stderr.contains("pod autoscaling"), "{stderr}");
    assert!(Path::new(EXAMPLE).is_relative());
}
