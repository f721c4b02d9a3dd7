//! Every public upstream sample recipe parses, and every diagnostic it gets is one we defend.
//!
//! The samples live beside the project (`../shared/reference/oci-ai-blueprints/samples/`); when they are absent
//! (a clone without them), the test says so and checks nothing. The expected diagnostics of each sample are in
//! `fixtures/upstream-samples.expected`, one line per diagnostic; regenerate with `UPDATE_GOLDEN=1`.

use std::fmt::Write as _;
use std::path::PathBuf;

use corrino_core::manifest;
use corrino_core::{Code, Plan, PlanOptions, plan_bytes};

use corrino_test_support as support;
use support::{lands_on, workspace};

fn samples_dir() -> Option<PathBuf> {
    let dir = workspace().join("../shared/reference/oci-ai-blueprints/samples");
    dir.is_dir().then_some(dir)
}

fn samples() -> Vec<(String, Vec<u8>)> {
    let Some(dir) = samples_dir() else {
        eprintln!("upstream samples not found beside the project: skipped");
        return Vec::new();
    };
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .expect("samples")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            let name = p
                .file_name()
                .and_then(|n| n.to_str())
                .expect("name")
                .to_owned();
            (name, std::fs::read(&p).expect("read"))
        })
        .collect();
    out.sort();
    out
}

fn codes_of(name: &str, all: &[(String, Vec<u8>)]) -> Vec<(String, Code)> {
    let (_, bytes) = all.iter().find(|(n, _)| n == name).expect(name);
    let d = plan_bytes(bytes, &PlanOptions::default()).diagnostics;
    d.iter().map(|d| (d.path.clone(), d.code)).collect()
}

#[test]
fn every_sample_parses_and_matches_the_reviewed_diagnostics() {
    let all = samples();
    if all.is_empty() {
        return;
    }
    assert!(all.len() >= 50, "expected the 57 upstream samples");
    let mut report = String::new();
    for (name, bytes) in &all {
        let planning = plan_bytes(bytes, &PlanOptions::default());
        let diagnostics = planning.diagnostics;
        assert!(
            planning.preview.is_some(),
            "{name} did not parse: {diagnostics}"
        );
        for d in &diagnostics {
            // No sample has a structural problem: unknown fields and wrong types would mean our model is wrong.
            assert!(
                !matches!(d.code, Code::UnknownField | Code::WrongType | Code::Syntax),
                "{name}: {d}"
            );
            writeln!(
                report,
                "{name}: {}[{}] {}: {}",
                d.severity, d.code, d.path, d.message
            )
            .expect("write");
        }
    }
    let golden = workspace().join("fixtures/upstream-samples.expected");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&golden, &report).expect("write golden");
        return;
    }
    let expected = std::fs::read_to_string(&golden).expect("fixtures/upstream-samples.expected");
    assert!(
        expected == report,
        "upstream sample diagnostics changed; run with UPDATE_GOLDEN=1 and review:\n{report}"
    );
}

/// The real mistakes in upstream's samples, named one by one.
#[test]
fn the_samples_real_mistakes_are_found() {
    let all = samples();
    if all.is_empty() {
        return;
    }
    // `BM.GPU.A100.8` is not an OCI shape (A100 shapes are BM.GPU4.8, BM.GPU.B4.8 and BM.GPU.A100-v2.8).
    for sample in [
        "other__whisper_transcription__whisper-transcription-A100.json",
        "gpu_benchmarking__lora-benchmarking__mlcommons_lora_finetune_nvidia_sample_recipe.json",
    ] {
        assert!(
            codes_of(sample, &all).contains(&("/recipe_node_shape".into(), Code::UnknownShape)),
            "{sample}"
        );
    }
    // 50 replicas of a 1g.20gb slice, but one H100 node cut into 1g.20gb slices holds 32: the doc's own
    // "avoid setting more replicas than available GPUs" is broken (on a shared pool the size is unknown, so
    // this shows in the capacity plan rather than as Pending replicas).
    let (_, bytes) = all
        .iter()
        .find(|(n, _)| {
            n == "model_serving__mig_multi_instance_gpu__mig_inference_single_replica.json"
        })
        .expect("mig sample");
    let preview = plan_bytes(bytes, &PlanOptions::default()).preview;
    let capacity = preview.and_then(|p| p.capacity).expect("capacity");
    assert_eq!(capacity.replicas_per_node, 32);
    assert_eq!(capacity.max_replicas, 50);
    assert_eq!(capacity.nodes_needed, 2);
    // A job named `MLCommons Finetune LORA/PEFT`: the `/` survives canonicalisation and no Kubernetes name allows it.
    assert!(codes_of(
        "gpu_benchmarking__lora-benchmarking__mlcommons_lora_finetune_nvidia_sample_recipe.json",
        &all
    )
    .contains(&("/deployment_name".into(), Code::InvalidName)));
    // A benchmark client placed on a GPU shape without asking for a GPU: it holds a GPU node and uses no GPU.
    assert!(
        codes_of(
            "gpu_benchmarking__online-inference-infra__online_inference_job.json",
            &all
        )
        .contains(&("/recipe_nvidia_gpu_count".into(), Code::NoGpuRequested))
    );
    // Shared pools named with dots and spaces (`BM.GPU.A10.4 shared pool`) are fine: a pool's name is a label
    // value, not a DNS label.
    assert!(
        !codes_of(
            "platform_features__shared_node_pools__shared_node_pool_A10_BM.json",
            &all
        )
        .iter()
        .any(|(_, c)| *c == Code::InvalidName)
    );
    // The autoscaling blueprint's `model_name` env var is empty and unused; its args reference `$(Model_Path)`,
    // which is defined: no false alarm there.
    let blueprint = codes_of(
        "model_serving__auto_scaling__autoscaling_blueprint.json",
        &all,
    );
    assert!(
        !blueprint.iter().any(|(_, c)| *c == Code::InvalidEnvName),
        "{blueprint:?}"
    );
}

/// Every upstream shared pool renders its node pool, and every upstream service on a shared pool that renders lands
/// on the nodes of one of them (MIG layouts aside: upstream changes those later with `update` recipes).
#[test]
fn upstream_services_on_shared_pools_land_on_an_upstream_shared_pool() {
    let all = samples();
    if all.is_empty() {
        return;
    }
    let options = support::fixture_render_options();
    let mut pools = Vec::new();
    let mut services = Vec::new();
    for (name, bytes) in &all {
        let Some(plan) = plan_bytes(bytes, &PlanOptions::default()).plan else {
            continue;
        };
        match &plan {
            Plan::SharedNodePool(_) => {
                let pool = manifest::render(&plan, &options)
                    .unwrap_or_else(|d| panic!("{name} does not render:\n{d}"));
                pools.push((name, pool));
            }
            Plan::Service(service) if service.workload.recipe.uses_shared_pool() => {
                if let Ok(service) = manifest::render(&plan, &options) {
                    services.push((name, service));
                }
            }
            _ => {}
        }
    }
    assert!(
        pools.len() >= 7,
        "expected upstream's 7 shared pools, got {}",
        pools.len()
    );
    assert!(
        services.len() >= 7,
        "expected upstream's 7 services on shared pools that render, got {}",
        services.len()
    );
    for (name, service) in &services {
        let homes: Vec<&str> = pools
            .iter()
            .filter(|(_, pool)| lands_on(service, pool))
            .map(|(pool, _)| pool.as_str())
            .collect();
        assert!(!homes.is_empty(), "{name} lands on no upstream shared pool");
    }
}

/// Upstream's deployment group (a RAG stack: Postgres, Chroma, vLLM, Jaeger and a Llama Stack app) renders whole:
/// members after what they depend on, every `${member.internal_dns_name}` resolved, one node pool per member.
#[test]
fn the_upstream_deployment_group_renders_with_its_references_resolved() {
    let all = samples();
    if all.is_empty() {
        return;
    }
    let (_, bytes) = all
        .iter()
        .find(|(n, _)| n == "platform_features__deployment_groups__llama_stack_basic.json")
        .expect("the group sample");
    let manifests = manifest::render_bytes(
        bytes,
        &PlanOptions::default(),
        &support::fixture_render_options(),
    )
    .unwrap_or_else(|d| panic!("{d}"))
    .manifests;
    let deployments: Vec<String> = manifests
        .iter()
        .filter(|m| matches!(m, manifest::Manifest::Deployment(_)))
        .map(manifest::Manifest::title)
        .collect();
    assert_eq!(
        deployments,
        [
            "Deployment/postgres",
            "Deployment/chroma",
            "Deployment/vllm",
            "Deployment/jaeger",
            "Deployment/llamastackapp"
        ]
    );
    let yaml = manifest::to_yaml(&manifests).expect("yaml");
    assert!(!yaml.contains("${"), "a reference is left:\n{yaml}");
    assert!(yaml.contains("value: http://recipe-vllm.default.svc/v1\n"));
    assert!(yaml.contains("value: recipe-postgres.default.svc\n"));
    let documents: Vec<String> = manifest::named_oci_documents(&manifests)
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    assert_eq!(
        documents,
        [
            "node-pool-postgres.json",
            "node-pool-chroma.json",
            "node-pool-vllm.json",
            "node-pool-jaeger.json",
            "node-pool-llamastackapp.json"
        ]
    );
}

/// Every upstream sample without errors renders, whatever its mode: a test prints the count and fails below all of
/// them. A sample that mounts File Storage gets its export as a render option, as a user would pass it.
#[test]
fn every_valid_upstream_sample_renders() {
    let all = samples();
    if all.is_empty() {
        return;
    }
    let mut valid = 0;
    let mut rendered = 0;
    let mut by_mode: std::collections::BTreeMap<String, usize> = Default::default();
    let mut refused = Vec::new();
    for (name, bytes) in &all {
        let Some(plan) = plan_bytes(bytes, &PlanOptions::default()).plan else {
            continue;
        };
        valid += 1;
        let mut options = support::fixture_render_options();
        for ocid in std::str::from_utf8(bytes)
            .unwrap_or_default()
            .split('"')
            .filter(|s| s.starts_with("ocid1.filesystem."))
        {
            options.file_systems.insert(
                ocid.to_owned(),
                "10.0.10.21:/fss".parse().expect("an export"),
            );
        }
        match manifest::render(&plan, &options) {
            Ok(manifests) => {
                rendered += 1;
                let mode = plan.mode().map_or("group", |m| m.as_str()).to_owned();
                *by_mode.entry(mode).or_default() += 1;
                // Deterministic: the same plan gives the same bytes.
                let again = manifest::render(&plan, &options).expect("renders again");
                assert_eq!(
                    manifest::to_yaml(&manifests).expect("yaml"),
                    manifest::to_yaml(&again).expect("yaml"),
                    "{name}"
                );
            }
            Err(d) => refused.push(format!("{name}: {d}")),
        }
    }
    eprintln!(
        "{rendered} of {valid} valid upstream samples render ({} of {} samples); by mode: {by_mode:?}",
        rendered,
        all.len()
    );
    assert!(refused.is_empty(), "refused:\n{}", refused.join("\n"));
    assert_eq!(rendered, valid);
    assert!(
        valid >= 50,
        "expected most of the 57 samples to be valid, got {valid}"
    );
}
