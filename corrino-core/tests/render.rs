//! Every service, shared pool and deployment group recipe in `fixtures/recipes/` renders, its Kubernetes objects match
//! `fixtures/expected/<name>.yaml` and its OCI documents `fixtures/expected/<name>.oci.json`; rendering is
//! deterministic; other modes are refused with a diagnostic. Regenerate with `UPDATE_GOLDEN=1 cargo test`.

use std::collections::BTreeMap;
use std::path::Path;

use corrino_test_support as support;
use support::{golden, json_recipes, lands_on, workspace};

use corrino_core::manifest::{self, Manifest, RenderOptions, ScrapeMode};
use corrino_core::{Code, Plan, PlanOptions, RecipeMode, plan_bytes};

fn options() -> RenderOptions {
    support::fixture_render_options()
}

/// Compares with the golden file, or, when there is nothing to compare, checks that no stale golden is left.
fn golden_or_none(path: &Path, actual: Option<&str>) {
    match actual {
        Some(text) => golden(path, text),
        None => {
            assert!(
                !path.exists() || std::env::var_os("UPDATE_GOLDEN").is_some(),
                "stale {}",
                path.display()
            );
            let _ = std::fs::remove_file(path);
        }
    }
}

#[test]
fn every_fixture_renders_to_its_goldens_whatever_its_mode() {
    let mut modes: BTreeMap<String, usize> = BTreeMap::new();
    for path in json_recipes() {
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("stem")
            .to_owned();
        let planning = plan_bytes(
            &std::fs::read(&path).expect("read"),
            &PlanOptions::default(),
        );
        let plan = planning.plan.expect("plan");
        let result = manifest::render(&plan, &options());
        let multinode = matches!(&plan, Plan::Service(s) if s.multinode.is_some());
        let mode = match plan.mode() {
            Some(RecipeMode::Service) if multinode => "multinode service".to_owned(),
            Some(mode) => mode.as_str().to_owned(),
            None => "group".to_owned(),
        };
        *modes.entry(mode).or_default() += 1;
        let manifests = result.unwrap_or_else(|d| panic!("{stem} does not render:\n{d}"));
        let yaml = manifest::to_yaml(&manifests).expect("yaml");
        let again = manifest::to_yaml(&manifest::render(&plan, &options()).expect("renders"))
            .expect("yaml");
        assert_eq!(yaml, again, "{stem}: rendering is not deterministic");
        let expected = workspace().join("fixtures/expected");
        golden_or_none(
            &expected.join(format!("{stem}.yaml")),
            (!yaml.is_empty()).then_some(yaml.as_str()),
        );
        let documents = manifest::oci_documents(&manifests).expect("json");
        let joined: BTreeMap<String, serde_json::Value> = documents
            .iter()
            .map(|(name, text)| (name.clone(), serde_json::from_str(text).expect("json")))
            .collect();
        let joined = serde_json::to_string_pretty(&joined).expect("json") + "\n";
        golden_or_none(
            &expected.join(format!("{stem}.oci.json")),
            (!documents.is_empty()).then_some(joined.as_str()),
        );
    }
    for mode in [
        "service",
        "multinode service",
        "job",
        "shared_node_pool",
        "team",
        "update",
        "group",
    ] {
        assert!(
            modes.contains_key(mode),
            "no fixture of mode {mode}: {modes:?}"
        );
    }
    assert!(
        modes["service"] >= 12,
        "expected most fixtures to be services"
    );
}

fn render_example(options: &RenderOptions) -> Vec<Manifest> {
    let bytes =
        std::fs::read(workspace().join("fixtures/recipes/autoscaling-example.json")).expect("read");
    let plan = plan_bytes(&bytes, &PlanOptions::default()).plan;
    manifest::render(&plan.expect("plan"), options).expect("renders")
}

#[test]
fn objects_come_in_apply_order() {
    let titles: Vec<String> = render_example(&RenderOptions {
        scrape: ScrapeMode::PodMonitor,
        ..options()
    })
    .iter()
    .map(Manifest::title)
    .collect();
    assert_eq!(
        titles,
        [
            "Deployment/autoscalevllmexample",
            "Service/recipe-autoscalevllmexample",
            "Ingress/autoscalevllmexample",
            "PodMonitor/autoscalevllmexample",
            "ScaledObject/autoscalevllmexample",
            "node-pool.json",
            "cluster-autoscaler-addon.json",
        ]
    );
}

#[test]
fn the_default_query_selects_what_the_scrape_mode_produces() {
    let query = |scrape| {
        let manifests = render_example(&RenderOptions {
            scrape,
            ..options()
        });
        let so = manifests
            .iter()
            .find_map(|m| match m {
                Manifest::ScaledObject(so) => Some((**so).clone()),
                _ => None,
            })
            .expect("scaled object");
        so.spec.triggers[0].metadata["query"].clone()
    };
    let annotations = query(ScrapeMode::Annotations);
    assert!(
        annotations.contains(r#"namespace="default",corrino_oci_recipe="autoscalevllmexample""#),
        "{annotations}"
    );
    assert_eq!(annotations, query(ScrapeMode::PodMonitor));
    assert_eq!(annotations, query(ScrapeMode::ServiceMonitor));
    let upstream = query(ScrapeMode::None);
    assert_eq!(
        upstream,
        r#"1 - (sum(rate(vllm:e2e_request_latency_seconds_bucket{le="5.0",instance="recipe-autoscalevllmexample.default:80"}[5m])) / sum(rate(vllm:e2e_request_latency_seconds_bucket{le="+Inf",instance="recipe-autoscalevllmexample.default:80"}[5m])))"#
    );
}

#[test]
fn a_plan_with_errors_is_refused_with_its_diagnostics() {
    let bytes =
        std::fs::read(workspace().join("fixtures/invalid/too-many-gpus.json")).expect("read");
    let planning = plan_bytes(&bytes, &PlanOptions::default());
    assert!(
        planning.plan.is_none(),
        "a recipe with errors has no checked plan"
    );
    let err =
        manifest::render_bytes(&bytes, &PlanOptions::default(), &options()).expect_err("errors");
    assert_eq!(err, planning.diagnostics);
}

#[test]
fn file_storage_without_its_export_is_a_render_error() {
    let bytes = std::fs::read(
        workspace().join("fixtures/recipes/deployment-with-secrets-and-storage.json"),
    )
    .expect("read");
    let plan = plan_bytes(&bytes, &PlanOptions::default()).plan;
    let err = manifest::render(&plan.expect("plan"), &RenderOptions::default())
        .expect_err("needs the export");
    assert!(err.contains(Code::RenderOption), "{err}");
}

/// Renders a fixture recipe, changed by `edit` first.
fn render_fixture(stem: &str, edit: impl FnOnce(&mut serde_json::Value)) -> Vec<Manifest> {
    let path = workspace().join(format!("fixtures/recipes/{stem}.json"));
    let mut recipe: serde_json::Value =
        serde_json::from_slice(&std::fs::read(path).expect("read")).expect("json");
    edit(&mut recipe);
    manifest::render_json(&recipe, &PlanOptions::default(), &options())
        .unwrap_or_else(|d| panic!("{stem} does not render:\n{d}"))
        .manifests
}

#[test]
fn services_on_a_shared_pool_land_on_the_nodes_its_pool_recipe_creates() {
    let pool = render_fixture("mig-shared-node-pool-h100", |_| {});
    assert_eq!(
        pool.len(),
        1,
        "a shared pool is its node pool document alone"
    );
    assert!(manifest::to_yaml(&pool).expect("yaml").is_empty());
    let service = |selector: Option<&str>| {
        render_fixture("mig-shared-pool-service", |r| {
            if let Some(s) = selector {
                r["recipe_shared_node_pool_selector"] = s.into();
            }
        })
    };
    // Without a selector a service may use any shared pool of its shape; with one, only the pool it names.
    assert!(lands_on(&service(None), &pool));
    assert!(lands_on(&service(Some("mig-h100")), &pool));
    assert!(!lands_on(&service(Some("another-pool")), &pool));
    // A pool of another shape is not one of its pools.
    let a10 = render_fixture("shared-node-pool-a10", |_| {});
    assert!(!lands_on(&service(None), &a10));
}
