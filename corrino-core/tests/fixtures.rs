//! Every recipe in `fixtures/recipes/` plans without errors, and its plan matches the golden file in
//! `fixtures/expected/<name>.plan.json`. Regenerate the goldens with `UPDATE_GOLDEN=1 cargo test` and review
//! the diff.

use std::path::PathBuf;

use corrino_core::{Code, Diagnostics, PlanOptions, Severity, plan_bytes, validate_bytes};

use corrino_test_support as support;
use support::{golden, workspace};

fn fixtures(dir: &str) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(workspace().join("fixtures").join(dir))
        .expect("fixtures directory")
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("json" | "yaml")
            ) && !is_golden(p)
        })
        .collect();
    paths.sort();
    paths
}

/// A broken recipe's golden diagnostics (`<name>.diagnostics.json`), which sit beside the recipes.
fn is_golden(path: &std::path::Path) -> bool {
    path.to_str()
        .is_some_and(|p| p.ends_with(".diagnostics.json"))
}

#[test]
fn valid_recipes_plan_without_errors_and_match_their_goldens() {
    let recipes = fixtures("recipes");
    assert!(recipes.len() >= 15, "expected the fixture recipes");
    for path in recipes {
        let bytes = std::fs::read(&path).expect("read fixture");
        let planning = plan_bytes(&bytes, &PlanOptions::default());
        let errors: Vec<_> = planning
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
        let plan = planning.preview.expect("a preview");
        assert!(
            planning.plan.is_some(),
            "{}: no checked plan",
            path.display()
        );
        if path.extension().is_some_and(|e| e == "yaml") {
            // Checked against its JSON twin below.
            continue;
        }
        let stem = path.file_stem().and_then(|n| n.to_str()).expect("name");
        let out = workspace()
            .join("fixtures/expected")
            .join(format!("{stem}.plan.json"));
        let json = serde_json::to_string_pretty(&plan).expect("serialize") + "\n";
        golden(&out, &json);
    }
}

#[test]
fn the_yaml_and_json_examples_plan_identically() {
    let dir = workspace().join("fixtures/recipes");
    let json = std::fs::read(dir.join("autoscaling-example.json")).expect("json");
    let yaml = std::fs::read(dir.join("autoscaling-example.yaml")).expect("yaml");
    let options = PlanOptions::default();
    assert_eq!(plan_bytes(&json, &options), plan_bytes(&yaml, &options));
}

#[test]
fn upstream_example_3_is_accepted_with_warnings() {
    let path = workspace().join("fixtures/recipes/node-autoscaling-a10-advanced-params.json");
    let planning = plan_bytes(&std::fs::read(path).expect("read"), &PlanOptions::default());
    let (plan, diagnostics) = (planning.preview, planning.diagnostics);
    let moved = diagnostics
        .iter()
        .filter(|d| d.code == Code::MisplacedAutoscalingParam)
        .count();
    assert_eq!(moved, 8, "every advanced parameter is moved: {diagnostics}");
    let pod = plan
        .and_then(|p| p.pod_autoscaling)
        .expect("pod autoscaling");
    assert!((pod.threshold.value - 0.4).abs() < 1e-12);
    assert_eq!(pod.polling_interval_seconds.value, 10);
}

/// Every broken recipe's diagnostics, as data: `fixtures/invalid/<name>.diagnostics.json` (the CLI's text of the
/// same list is `<name>.expected`). The Python and JavaScript tests compare with the same files.
#[test]
fn broken_recipes_give_their_golden_diagnostics() {
    let broken = fixtures("invalid");
    assert!(broken.len() >= 40, "expected the broken fixtures");
    let mut inputs = 0;
    for path in broken {
        let bytes = std::fs::read(&path).expect("read fixture");
        let diagnostics = validate_bytes(&bytes, &PlanOptions::default());
        assert_eq!(
            plan_bytes(&bytes, &PlanOptions::default()).diagnostics,
            diagnostics,
            "{}: planning and validation disagree",
            path.display()
        );
        let stem = path.file_stem().and_then(|n| n.to_str()).expect("name");
        let out = workspace()
            .join("fixtures/invalid")
            .join(format!("{stem}.diagnostics.json"));
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            let json = serde_json::to_string_pretty(&diagnostics).expect("serialize") + "\n";
            golden(&out, &json);
            continue;
        }
        let text = std::fs::read_to_string(&out)
            .unwrap_or_else(|_| panic!("{} is missing: run with UPDATE_GOLDEN=1", out.display()));
        let expected: Diagnostics = serde_json::from_str(&text).expect("a list of diagnostics");
        assert_eq!(diagnostics, expected, "{}", out.display());
        inputs += diagnostics.iter().filter(|d| d.input.is_some()).count();
    }
    if std::env::var_os("UPDATE_GOLDEN").is_none() {
        assert!(inputs >= 40, "only {inputs} diagnostics carry their input");
    }
}

#[test]
fn invalid_recipes_all_report_something() {
    for path in fixtures("invalid") {
        let bytes = std::fs::read(&path).expect("read fixture");
        let diagnostics = plan_bytes(&bytes, &PlanOptions::default()).diagnostics;
        assert!(
            diagnostics.iter().any(|d| d.severity != Severity::Note),
            "{} reports no error or warning",
            path.display()
        );
    }
}
