//! Every object corrino renders passes real schema checks: the Kubernetes and CRD validators that npm packages ship
//! (`kubernetes-models`, `@kubernetes-models/keda`, `@kubernetes-models/prometheus-operator`), and, where the
//! reference data sits beside the project, the strict Kubernetes 1.37 JSON Schemas and the exact KEDA 2.20 and
//! Prometheus Operator CRDs. The checks run in `tests/schema/validate.mjs`.
//!
//! Rendered: every fixture recipe of every mode (services in each scrape mode), every upstream sample that is valid,
//! and a batch of generated valid recipes. LeaderWorkerSets and Kueue objects are checked against the exact
//! LeaderWorkerSet v0.10 and Kueue v0.19 CRDs; Jobs, Namespaces and Nodes against the strict 1.37 schemas.
//!
//! Needs Node.js and `npm ci --prefix tests/schema` (the test script installs both). Without them the test says so
//! and passes, unless `CORRINO_REQUIRE_SCHEMA_CHECK=1` is set, as it is in CI.

use std::path::{Path, PathBuf};
use std::process::Command;

use corrino_core::manifest::{self, RenderOptions, ScrapeMode};
use corrino_core::{PlanOptions, plan_bytes};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;

use corrino_test_support as support;
use support::{fixture_render_options, json_recipes, workspace};

fn reference() -> Option<PathBuf> {
    let dir = workspace().join("../shared/reference");
    dir.is_dir().then_some(dir)
}

/// Whether the validator can run; fails the test when it must.
fn validator_ready() -> bool {
    support::schema_package_ready("kubernetes-models")
}

/// Renders `recipe` with `options` into `dir/<stem>.yaml`; returns whether it rendered Kubernetes objects (a recipe
/// with errors has none, nor has a shared pool or a pool-wide node update: their documents are not objects).
fn render_into(dir: &Path, stem: &str, recipe: &[u8], options: &RenderOptions) -> bool {
    let Some(plan) = plan_bytes(recipe, &PlanOptions::default()).plan else {
        return false;
    };
    let manifests =
        manifest::render(&plan, options).unwrap_or_else(|d| panic!("{stem} does not render:\n{d}"));
    if !manifests.iter().any(manifest::Manifest::is_kubernetes) {
        return false;
    }
    let yaml = manifest::to_yaml(&manifests).expect("yaml");
    std::fs::write(dir.join(format!("{stem}.yaml")), yaml).expect("write");
    true
}

fn validate(dir: &Path) {
    let mut command = Command::new("node");
    command.arg(workspace().join("tests/schema/validate.mjs"));
    if let Some(reference) = reference() {
        command.arg("--reference").arg(reference);
    }
    let output = command.arg(dir).output().expect("run node");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let failures: Vec<&str> = stdout.lines().filter(|l| l.starts_with("FAIL")).collect();
    assert!(
        output.status.success() && failures.is_empty(),
        "schema check failed:\n{}\n{}",
        failures.join("\n"),
        String::from_utf8_lossy(&output.stderr)
    );
    let checked = stdout.lines().filter(|l| l.starts_with("ok ")).count();
    let skipped = stdout.lines().filter(|l| l.starts_with("skip ")).count();
    assert!(checked > 0, "no object was checked");
    assert!(
        skipped == 0 || reference().is_none(),
        "objects skipped with the reference present:\n{stdout}"
    );
    eprintln!(
        "{checked} objects passed the schema checks, {skipped} skipped (no validator without the reference CRDs)"
    );
    kubectl_parses(dir, checked + skipped);
}

/// Where `kubectl` is installed, it must read every rendered stream back. Without a cluster only its local mode
/// works (`create --dry-run=client` needs API discovery), so `label --local` parses each file and prints the objects.
fn kubectl_parses(dir: &Path, objects: usize) {
    let Ok(version) = Command::new("kubectl")
        .args(["version", "--client"])
        .output()
    else {
        eprintln!("kubectl not installed: its parse check skipped");
        return;
    };
    if !version.status.success() {
        return;
    }
    let output = Command::new("kubectl")
        .args(["label", "--local", "-o", "json", "-f"])
        .arg(dir)
        .arg("corrino-check=parsed")
        .output()
        .expect("run kubectl");
    assert!(
        output.status.success(),
        "kubectl cannot read the stream: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    // One JSON document per object (a List when a file holds several).
    let mut parsed = 0;
    for document in
        serde_json::Deserializer::from_slice(&output.stdout).into_iter::<serde_json::Value>()
    {
        let document = document.expect("kubectl prints JSON");
        parsed += document["items"].as_array().map_or(1, Vec::len);
    }
    assert_eq!(
        parsed, objects,
        "kubectl read a different number of objects"
    );
}

fn out_dir(name: &str) -> PathBuf {
    let dir = workspace().join("target/schema-check").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    dir
}

#[test]
fn fixture_and_upstream_recipes_render_valid_objects() {
    if !validator_ready() {
        return;
    }
    let dir = out_dir("recipes");
    let mut count = 0;
    for path in &json_recipes() {
        let stem = path.file_stem().and_then(|s| s.to_str()).expect("stem");
        let bytes = std::fs::read(path).expect("read");
        for (mode, scrape) in [
            ("annotations", ScrapeMode::Annotations),
            ("pod-monitor", ScrapeMode::PodMonitor),
            ("service-monitor", ScrapeMode::ServiceMonitor),
            ("none", ScrapeMode::None),
        ] {
            // The scrape modes change only what serves metrics: other modes are rendered once.
            let service = serde_json::from_slice::<serde_json::Value>(&bytes)
                .is_ok_and(|r| r["recipe_mode"] == "service");
            if mode != "annotations" && !service {
                continue;
            }
            let options = RenderOptions {
                scrape,
                ..fixture_render_options()
            };
            if render_into(&dir, &format!("{stem}.{mode}"), &bytes, &options) {
                count += 1;
            }
        }
    }
    if let Some(reference) = reference() {
        let samples = reference.join("oci-ai-blueprints/samples");
        let mut paths: Vec<PathBuf> = std::fs::read_dir(samples)
            .expect("samples")
            .map(|e| e.expect("entry").path())
            .collect();
        paths.sort();
        let mut rendered = 0;
        for path in paths {
            let stem = path.file_stem().and_then(|s| s.to_str()).expect("stem");
            let bytes = std::fs::read(&path).expect("read");
            // Upstream's File Storage sample mounts a file system whose export we must be told.
            let mut options = fixture_render_options();
            if let Ok(text) = std::str::from_utf8(&bytes) {
                for ocid in text
                    .split('"')
                    .filter(|s| s.starts_with("ocid1.filesystem."))
                {
                    options.file_systems.insert(
                        ocid.to_owned(),
                        manifest::FileSystemExport {
                            mount_target_ip: "10.0.10.21".into(),
                            export_path: "/fss".into(),
                        },
                    );
                }
            }
            if render_into(&dir, &format!("upstream.{stem}"), &bytes, &options) {
                rendered += 1;
            }
        }
        assert!(
            rendered >= 40,
            "expected every upstream sample with Kubernetes objects to render, got {rendered}"
        );
        count += rendered;
    }
    assert!(count > 40);
    validate(&dir);
}

#[test]
fn generated_valid_recipes_render_valid_objects() {
    if !validator_ready() {
        return;
    }
    let dir = out_dir("generated");
    let mut runner = TestRunner::deterministic();
    let strategy = corrino_tests::valid_recipe_of_any_mode();
    let mut with_objects = 0;
    for i in 0..96 {
        let recipe = strategy.new_tree(&mut runner).expect("generate").current();
        let bytes = serde_json::to_vec(&recipe).expect("json");
        let pool_update = recipe["recipe_node_pool_name"].is_string();
        let rendered = render_into(
            &dir,
            &format!("generated-{i:03}"),
            &bytes,
            &fixture_render_options(),
        );
        // Only an update of a pool's nodes renders no Kubernetes object (its labels are a document).
        assert!(
            rendered || pool_update,
            "generated recipe {i} did not render: {recipe:#}"
        );
        with_objects += usize::from(rendered);
    }
    assert!(with_objects > 60);
    validate(&dir);
}
