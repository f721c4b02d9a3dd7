//! `fixtures/recipe.schema.json` (generated from the Rust types, checked current by corrino-core's tests) accepts
//! every recipe corrino accepts: the fixtures and every upstream sample without errors; and it rejects recipes
//! with structural mistakes. The schema is checked with ajv (draft 2020-12) from `tests/schema`.

use std::path::{Path, PathBuf};
use std::process::Command;

use corrino_core::{Code, PlanOptions, plan_bytes};

use corrino_test_support as support;
use support::workspace;

fn ready() -> bool {
    support::schema_package_ready("ajv")
}

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.map(|e| e.expect("entry").path()).collect())
        .unwrap_or_default();
    // `fixtures/invalid/<name>.diagnostics.json` are the broken recipes' golden diagnostics, not recipes.
    paths.retain(|p| {
        p.extension().is_some_and(|e| e == "json")
            && !p.to_str().is_some_and(|p| p.ends_with(".diagnostics.json"))
    });
    paths.sort();
    paths
}

fn check(files: &[PathBuf]) -> (bool, String) {
    let output = Command::new("node")
        .arg(workspace().join("tests/schema/validate-recipes.mjs"))
        .arg(workspace().join("fixtures/recipe.schema.json"))
        .args(files)
        .output()
        .expect("node");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

#[test]
fn the_schema_accepts_every_recipe_corrino_accepts() {
    if !ready() {
        return;
    }
    let mut accepted = json_files(&workspace().join("fixtures/recipes"));
    let samples = json_files(&workspace().join("../shared/reference/oci-ai-blueprints/samples"));
    let mut from_samples = 0;
    for sample in samples {
        let diagnostics = plan_bytes(
            &std::fs::read(&sample).expect("read"),
            &PlanOptions::default(),
        )
        .diagnostics;
        if !diagnostics.has_errors() {
            accepted.push(sample);
            from_samples += 1;
        }
    }
    eprintln!(
        "{} recipes ({from_samples} upstream samples)",
        accepted.len()
    );
    let (ok, report) = check(&accepted);
    assert!(ok, "{report}");
}

#[test]
fn the_schema_rejects_structural_mistakes() {
    if !ready() {
        return;
    }
    let structural = [
        Code::UnknownField,
        Code::WrongType,
        Code::UnknownVariant,
        Code::OutOfRange,
    ];
    let mut broken = Vec::new();
    for path in json_files(&workspace().join("fixtures/invalid")) {
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let diagnostics = plan_bytes(&bytes, &PlanOptions::default()).diagnostics;
        if diagnostics.iter().any(|d| structural.contains(&d.code))
            && serde_json::from_slice::<serde_json::Value>(&bytes).is_ok()
        {
            broken.push(path);
        }
    }
    assert!(broken.len() >= 5, "{broken:?}");
    for path in broken {
        let (ok, report) = check(std::slice::from_ref(&path));
        assert!(!ok, "{} passes the schema:\n{report}", path.display());
    }
}
