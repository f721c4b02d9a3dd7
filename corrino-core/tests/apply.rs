//! The apply and delete plans of every fixture service: paths, order, query, content type and bodies, as golden
//! files `fixtures/expected/<name>.apply.json`. Regenerate with `UPDATE_GOLDEN=1 cargo test` and review the diff.

use std::path::Path;

use corrino_test_support as support;
use support::{golden, json_recipes, workspace};

use corrino_core::apply::{ApplyOptions, ApplyPlan, apply_plan, delete_plan};
use corrino_core::manifest::{self, RenderOptions, ScrapeMode};
use corrino_core::{PlanOptions, plan_bytes};

fn options() -> RenderOptions {
    support::fixture_render_options()
}

/// The plan as reviewable JSON: bodies parsed, so the golden shows objects rather than escaped strings.
fn reviewable(plan: &ApplyPlan) -> serde_json::Value {
    let mut value = serde_json::to_value(plan).expect("json");
    for step in value["steps"].as_array_mut().expect("steps") {
        let body = step["body"].as_str().expect("body").to_owned();
        step["body"] = serde_json::from_str(&body).expect("bodies are JSON");
    }
    value
}

fn rendered(path: &Path, options: &RenderOptions) -> Option<Vec<manifest::Manifest>> {
    let plan = plan_bytes(&std::fs::read(path).expect("read"), &PlanOptions::default()).plan;
    manifest::render(&plan?, options).ok()
}

#[test]
fn every_fixture_service_has_its_golden_apply_and_delete_plans() {
    let mut count = 0;
    for path in json_recipes() {
        let Some(manifests) = rendered(&path, &options()) else {
            continue;
        };
        let apply = apply_plan(&manifests, &ApplyOptions::default()).expect("apply plan");
        let delete = delete_plan(&manifests, &ApplyOptions::default()).expect("delete plan");
        // Every Kubernetes object (and a pool's node labels) is applied once, and deleted once in the reverse order,
        // but for the Kueue objects every team shares.
        let sent = manifests.iter().filter(|m| !m.is_oci()).count();
        assert_eq!(apply.steps.len(), sent);
        let forward: Vec<_> = apply
            .steps
            .iter()
            .zip(manifests.iter().filter(|m| !m.is_oci()))
            .filter(|(_, m)| !m.is_shared())
            .map(|(s, _)| &s.object)
            .collect();
        let mut backward: Vec<_> = delete.steps.iter().map(|s| &s.object).collect();
        backward.reverse();
        assert_eq!(forward, backward);
        let both = serde_json::json!({"apply": reviewable(&apply), "delete": reviewable(&delete)});
        let text = serde_json::to_string_pretty(&both).expect("json") + "\n";
        let stem = path.file_stem().and_then(|s| s.to_str()).expect("stem");
        golden(
            &workspace().join(format!("fixtures/expected/{stem}.apply.json")),
            &text,
        );
        count += 1;
    }
    assert!(count >= 18);
}

#[test]
fn monitors_add_their_crd_and_dry_run_and_force_are_query_parameters() {
    let path = workspace().join("fixtures/recipes/autoscaling-example.json");
    let manifests = rendered(
        &path,
        &RenderOptions {
            scrape: ScrapeMode::ServiceMonitor,
            ..options()
        },
    )
    .expect("renders");
    let plan = apply_plan(
        &manifests,
        &ApplyOptions {
            dry_run: true,
            force: false,
            ..ApplyOptions::default()
        },
    )
    .expect("plan");
    let kinds: Vec<&str> = plan.crds.iter().map(|c| c.kind.as_str()).collect();
    assert_eq!(kinds, ["ServiceMonitor", "ScaledObject"]);
    assert_eq!(
        plan.crds[0].missing_message(),
        "the Prometheus Operator is not installed in this cluster: ServiceMonitor (monitoring.coreos.com/v1) is unknown"
    );
    for step in &plan.steps {
        let keys: Vec<&str> = step.query.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["dryRun", "fieldManager"], "{}", step.path);
    }
    let http = plan.steps[0].to_http().expect("http request");
    assert_eq!(http.method(), "PATCH");
    assert_eq!(
        http.uri().to_string(),
        "/apis/apps/v1/namespaces/default/deployments/autoscalevllmexample?dryRun=All&fieldManager=corrino"
    );
}
