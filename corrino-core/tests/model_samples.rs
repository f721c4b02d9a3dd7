//! Every upstream sample recipe is understood by the model assessment: the model each service serves and where
//! its weights come from, or why there is none to check.
//!
//! The samples live beside the project (`shared/reference/oci-ai-blueprints/samples/`, found next to the workspace
//! or one of its parents); when they are absent the test says so and checks nothing. The expected lines are below,
//! one per sample (and per member of a deployment group).

use std::fmt::Write as _;
use std::path::PathBuf;

use corrino_core::model::{Engine, ModelCatalog, Recognition, Scaling, assess};
use corrino_core::recipe::{self, Recipe, RecipeMode};
use corrino_core::{Format, Severity, ShapeCatalog};

use corrino_test_support as support;

fn samples_dir() -> Option<PathBuf> {
    let root = std::fs::canonicalize(support::workspace()).ok()?;
    root.ancestors()
        .take(3)
        .map(|a| a.join("shared/reference/oci-ai-blueprints/samples"))
        .find(|d| d.is_dir())
}

/// What the assessment makes of one recipe, in one line.
fn describe(recipe: &Recipe) -> String {
    if recipe.recipe_mode != Some(RecipeMode::Service) {
        let mode = recipe.recipe_mode.map_or("modeless", RecipeMode::as_str);
        return format!("not a service ({mode}): not assessed");
    }
    let shapes = ShapeCatalog::builtin();
    let shape = recipe
        .recipe_node_shape
        .as_deref()
        .and_then(|n| shapes.get(n));
    let mut sink = recipe::convert::Sink::default();
    let a = assess(
        recipe,
        shape,
        Scaling::default(),
        &ModelCatalog::builtin(),
        &mut sink,
    )
    .expect("a service");
    let errors: Vec<&str> = sink
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.code.as_str())
        .collect();
    let found = match &a.model.recognition {
        Recognition::Catalog { id, .. } => format!("{id} from {:?}", a.model.weights_source),
        Recognition::Size { parameters, .. } => format!("{parameters} parameters"),
        Recognition::Unknown { reason } => format!("none: {reason}"),
    };
    let fit = match &a.memory {
        Some(m) => match &m.kv {
            Some(kv) => format!(
                ", {} tokens of KV cache, {} s to start",
                kv.tokens, a.startup.pod_startup_seconds
            ),
            None => format!(", weights fit: {}", m.weights_fit),
        },
        None => String::new(),
    };
    let errors = if errors.is_empty() {
        String::new()
    } else {
        format!(" [{}]", errors.join(", "))
    };
    format!("{found}{fit}{errors}")
}

const EXPECTED: &str = "\
auto_scaling__example_recipe.json: meta-llama/Llama-3.1-8B-Instruct from HuggingFace, 32381 tokens of KV cache, 125 s to start
gpu_benchmarking__lora-benchmarking__mlcommons_lora_finetune_nvidia_sample_recipe.json: not a service (job): not assessed
gpu_benchmarking__offline-inference-infra__offline-benchmark-blueprint.json: not a service (job): not assessed
gpu_benchmarking__offline-inference-infra__shared_node_pool_a10.json: not a service (shared_node_pool): not assessed
gpu_benchmarking__online-inference-infra__online_deployment.json: not a service (job): not assessed
gpu_benchmarking__online-inference-infra__online_inference_job.json: not a service (job): not assessed
gpu_health_check__gpu-health-check__healthcheck_fp16_a10.json: not a service (job): not assessed
gpu_health_check__gpu-health-check__healthcheck_fp16_h100.json: not a service (job): not assessed
gpu_health_check__gpu-health-check__healthcheck_fp32_a10.json: not a service (job): not assessed
model_fine_tuning__lora-fine-tuning__bucket_checkpoint_bucket_model_open_dataset.backend.json: not a service (job): not assessed
model_fine_tuning__lora-fine-tuning__bucket_model_open_dataset.backend.json: not a service (job): not assessed
model_fine_tuning__lora-fine-tuning__bucket_par_open_dataset.backend.json: not a service (job): not assessed
model_fine_tuning__lora-fine-tuning__closed_model_open_dataset_hf.backend.json: not a service (job): not assessed
model_fine_tuning__lora-fine-tuning__open_model_open_dataset_hf.backend.json: not a service (job): not assessed
model_serving__auto_scaling__autoscaling_blueprint.json: meta-llama/Llama-3.2-1B-Instruct from ObjectStorage, 535888 tokens of KV cache, 80 s to start
model_serving__cpu-inference__cpu-inference-A2-bm.json: none: `ghcr.io/amperecomputingai/ollama-ampere:1.0.0-ol9` is not a vLLM server: its model is not checked
model_serving__cpu-inference__cpu-inference-gemma.json: none: `iad.ocir.io/iduyx1qnmway/corrino-devops-repository:cpu_inference_service_v0.2` is not a vLLM server: its model is not checked
model_serving__cpu-inference__cpu-inference-mistral-bm.json: none: `iad.ocir.io/iduyx1qnmway/corrino-devops-repository:cpu_inference_service_v0.2` is not a vLLM server: its model is not checked
model_serving__cpu-inference__cpu-inference-mistral-vm.json: none: `iad.ocir.io/iduyx1qnmway/corrino-devops-repository:cpu_inference_service_v0.2` is not a vLLM server: its model is not checked
model_serving__llm_inference_with_vllm__vllm-closed-hf-model.json: meta-llama/Llama-3.2-11B-Vision-Instruct from HuggingFace, 94735 tokens of KV cache, 183 s to start [kv-cache-too-small]
model_serving__llm_inference_with_vllm__vllm-model-from-obj-storage.json: meta-llama/Llama-3.1-8B-Instruct from ObjectStorage, 160715 tokens of KV cache, 155 s to start
model_serving__llm_inference_with_vllm__vllm-open-hf-model-api-key-functionality.json: meta-llama/Meta-Llama-3-8B-Instruct from HuggingFace, 160715 tokens of KV cache, 155 s to start
model_serving__llm_inference_with_vllm__vllm-open-hf-model-cpu.json: meta-llama/Meta-Llama-3-8B-Instruct from HuggingFace
model_serving__llm_inference_with_vllm__vllm-open-hf-model.json: meta-llama/Meta-Llama-3-8B-Instruct from HuggingFace, 160715 tokens of KV cache, 155 s to start
model_serving__mig_multi_instance_gpu__mig_enabled_shared_node_pool.json: not a service (shared_node_pool): not assessed
model_serving__mig_multi_instance_gpu__mig_inference_multiple_replicas.json: meta-llama/Llama-3.2-3B-Instruct from HuggingFace, 11422 tokens of KV cache, 102 s to start
model_serving__mig_multi_instance_gpu__mig_inference_single_replica.json: meta-llama/Llama-3.2-3B-Instruct from HuggingFace, 103205 tokens of KV cache, 102 s to start
model_serving__mig_multi_instance_gpu__mig_inference_single_replica_10gb.json: meta-llama/Llama-3.2-3B-Instruct from HuggingFace, 11422 tokens of KV cache, 102 s to start
model_serving__mig_multi_instance_gpu__mig_update_node_with_node_name.json: not a service (update): not assessed
model_serving__mig_multi_instance_gpu__mig_update_shared_pool_with_node_pool_name.json: not a service (update): not assessed
model_serving__multi-node-inference__multinode_inference_BM_A10.json: meta-llama/Llama-3.1-8B-Instruct from ObjectStorage, 1028838 tokens of KV cache, 185 s to start
model_serving__multi-node-inference__multinode_inference_VM_A10.json: meta-llama/Llama-3.1-8B-Instruct from ObjectStorage, 450089 tokens of KV cache, 185 s to start
other__exisiting_cluster_installation__add_node_to_control_plane.json: not a service (update): not assessed
other__model_storage__download_closed_hf_model_to_object_storage.json: not a service (job): not assessed
other__model_storage__download_open_hf_model_to_object_storage.json: not a service (job): not assessed
other__using_rdma_enabled_node_pools__rdma_distributed_inference.json: meta-llama/Llama-3.1-405B-Instruct from ObjectStorage, 645392 tokens of KV cache, 4560 s to start
other__using_rdma_enabled_node_pools__rdma_shared_node_pool.json: not a service (shared_node_pool): not assessed
other__using_rdma_enabled_node_pools__rdma_update_nodes.json: not a service (update): not assessed
other__whisper_transcription__whisper-transcription-A10.json: none: `iad.ocir.io/iduyx1qnmway/corrino-devops-repository:whisper_transcription_v8` is not a vLLM server: its model is not checked
other__whisper_transcription__whisper-transcription-A100.json: none: `iad.ocir.io/iduyx1qnmway/corrino-devops-repository:whisper_transcription_v8` is not a vLLM server: its model is not checked
other__whisper_transcription__whisper-transcription-H100.json: none: `iad.ocir.io/iduyx1qnmway/corrino-devops-repository:whisper_transcription_v8` is not a vLLM server: its model is not checked
partner_blueprints__llama-stack__llama_stack_basic.json: not a service (modeless): not assessed
partner_blueprints__llama-stack__llama_stack_basic.json#postgres: none: `docker.io/library/postgres:13` is not a vLLM server: its model is not checked
partner_blueprints__llama-stack__llama_stack_basic.json#chroma: none: `docker.io/chromadb/chroma:1.0.20` is not a vLLM server: its model is not checked
partner_blueprints__llama-stack__llama_stack_basic.json#vllm: meta-llama/Llama-3.1-8B-Instruct from ObjectStorage, 160715 tokens of KV cache, 155 s to start
partner_blueprints__llama-stack__llama_stack_basic.json#jaeger: none: `docker.io/jaegertracing/jaeger:2.9.0` is not a vLLM server: its model is not checked
partner_blueprints__llama-stack__llama_stack_basic.json#llamastack_app: none: `docker.io/llamastack/distribution-postgres-demo:0.2.18` is not a vLLM server: its model is not checked
platform_features__deployment_groups__llama_stack_basic.json: not a service (modeless): not assessed
platform_features__deployment_groups__llama_stack_basic.json#postgres: none: `docker.io/library/postgres:latest` is not a vLLM server: its model is not checked
platform_features__deployment_groups__llama_stack_basic.json#chroma: none: `docker.io/chromadb/chroma:latest` is not a vLLM server: its model is not checked
platform_features__deployment_groups__llama_stack_basic.json#vllm: meta-llama/Llama-3.1-8B-Instruct from ObjectStorage, 160715 tokens of KV cache, 125 s to start
platform_features__deployment_groups__llama_stack_basic.json#jaeger: none: `docker.io/jaegertracing/jaeger:latest` is not a vLLM server: its model is not checked
platform_features__deployment_groups__llama_stack_basic.json#llamastack_app: none: `docker.io/llamastack/distribution-postgres-demo:latest` is not a vLLM server: its model is not checked
platform_features__inference_gateway__example_vllm_gpt_oss_120b.json: openai/gpt-oss-120b from HuggingFace, 1079975 tokens of KV cache, 425 s to start
platform_features__inference_gateway__example_vllm_llama4_maverick.json: meta-llama/Llama-4-Maverick-17B-128E-Instruct from NodeDisk, 1291088 tokens of KV cache, 267 s to start
platform_features__inference_gateway__example_vllm_llama4_scout.json: meta-llama/Llama-4-Scout-17B-16E-Instruct from NodeDisk, 2274122 tokens of KV cache, 174 s to start
platform_features__shared_node_pools__shared_node_pool_A10_BM.json: not a service (shared_node_pool): not assessed
platform_features__shared_node_pools__shared_node_pool_A10_VM.json: not a service (shared_node_pool): not assessed
platform_features__shared_node_pools__shared_node_pool_B200_BM.json: not a service (shared_node_pool): not assessed
platform_features__shared_node_pools__shared_node_pool_MI300x_BM.json: not a service (shared_node_pool): not assessed
platform_features__shared_node_pools__vllm_inference_MI300x_shared_node_pool.json: meta-llama/Llama-4-Maverick-17B-128E-Instruct from NodeDisk, 1291088 tokens of KV cache, 267 s to start
platform_features__shared_node_pools__vllm_inference_sample_shared_pool_blueprint.json: meta-llama/Llama-3.1-8B-Instruct from ObjectStorage, 160715 tokens of KV cache, 155 s to start
platform_features__startup_liveness_readiness_probes__autoscale_with_fss.json: meta-llama/Llama-3.2-1B-Instruct from FileStorage, 564960 tokens of KV cache, 85 s to start
platform_features__teams__create_job_with_team.json: not a service (job): not assessed
platform_features__teams__create_team.json: not a service (team): not assessed
secrets__nim_inference.json: meta-llama/Llama-3.2-3B-Instruct from Ngc, weights fit: true
secrets__vllm_from_hf.json: meta-llama/Llama-3.2-1B-Instruct from HuggingFace, 535888 tokens of KV cache, 80 s to start
";

#[test]
fn every_upstream_sample_is_understood() {
    let Some(dir) = samples_dir() else {
        eprintln!("upstream samples not found beside the project: skipped");
        return;
    };
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("samples")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 50, "expected the 57 upstream samples");
    let mut report = String::new();
    for path in &paths {
        let name = path.file_name().and_then(|n| n.to_str()).expect("name");
        let bytes = std::fs::read(path).expect("read");
        let (recipe, _) = recipe::parse(&bytes, Format::Auto);
        let recipe = recipe.expect("every sample parses");
        writeln!(report, "{name}: {}", describe(&recipe)).expect("write");
        for member in recipe
            .deployment_group
            .iter()
            .flat_map(|g| g.deployments.iter().flatten())
        {
            if let Some(r) = &member.recipe {
                let member_name = member.name.as_deref().unwrap_or("?");
                writeln!(report, "{name}#{member_name}: {}", describe(r)).expect("write");
            }
        }
    }
    let expected: Vec<&str> = EXPECTED.lines().collect();
    let actual: Vec<&str> = report.lines().collect();
    for (e, a) in expected.iter().zip(&actual) {
        assert_eq!(a, e);
    }
    assert_eq!(actual.len(), expected.len(), "{report}");
}

#[test]
fn every_vllm_service_of_the_samples_names_a_catalog_model() {
    let Some(dir) = samples_dir() else {
        return;
    };
    for entry in std::fs::read_dir(dir).expect("samples") {
        let path = entry.expect("entry").path();
        let bytes = std::fs::read(&path).expect("read");
        let (Some(recipe), _) = recipe::parse(&bytes, Format::Auto) else {
            continue;
        };
        let mut all = vec![recipe.clone()];
        all.extend(
            recipe
                .deployment_group
                .iter()
                .flat_map(|g| g.deployments.iter().flatten())
                .filter_map(|m| m.recipe.as_deref().cloned()),
        );
        for r in all {
            let mut sink = recipe::convert::Sink::default();
            let Some(a) = assess(
                &r,
                None,
                Scaling::default(),
                &ModelCatalog::builtin(),
                &mut sink,
            ) else {
                continue;
            };
            if a.engine == Engine::Vllm {
                assert!(
                    matches!(a.model.recognition, Recognition::Catalog { .. }),
                    "{}: {:?}",
                    path.display(),
                    a.model
                );
            }
        }
    }
}
