//! Whole-recipe checks of [`assess`], and how planning calls it.

use super::*;
use crate::diagnostic::Severity;

/// The codes the assessment reports (the recipes here leave out fields that validation requires).
const MODEL_CODES: &[Code] = &[
    Code::ModelUnrecognised,
    Code::ServingArgument,
    Code::WeightsExceedGpuMemory,
    Code::KvCacheTooSmall,
    Code::KvCacheConcurrency,
    Code::StartupProbeTooShort,
    Code::LivenessWithoutStartupProbe,
    Code::ScaleDownWithinColdStart,
    Code::ScaleFromZeroBlind,
    Code::Probe,
];

/// The assessment as planning makes it, after validation, with the shape and the autoscaling planning resolved;
/// and the assessment's diagnostics among planning's.
fn plan_like(json: &str) -> (Option<ModelAssessment>, Vec<Diagnostic>) {
    let planning = crate::plan::plan_bytes(json.as_bytes(), &crate::plan::PlanOptions::default());
    let preview = planning.preview.expect("a recipe");
    let model = planning
        .diagnostics
        .into_vec()
        .into_iter()
        .filter(|d| MODEL_CODES.contains(&d.code))
        .collect();
    (preview.model, model)
}

fn service(shape: &str, gpus: u32, args: &str, extra: &str) -> String {
    format!(
        r#"{{"recipe_mode": "service", "deployment_name": "t", "recipe_image_uri": "docker.io/vllm/vllm-openai:v0.9.1",
            "recipe_node_shape": "{shape}", "recipe_nvidia_gpu_count": {gpus},
            "recipe_container_command_args": [{args}]{extra}}}"#
    )
}

fn of(d: &[Diagnostic], code: Code) -> Vec<&Diagnostic> {
    d.iter().filter(|d| d.code == code).collect()
}

#[test]
fn an_8b_model_fits_one_a10() {
    // It fits, with room for 15 requests of 1024 tokens at the default utilization: half of upstream's guide load,
    // which is a note (the guide's traffic is an example, and autoscaling spreads it), not an error.
    let (a, d) = plan_like(&service(
        "VM.GPU.A10.1",
        1,
        r#""--model", "meta-llama/Llama-3.1-8B-Instruct", "--max-model-len", "8192""#,
        "",
    ));
    assert!(d.iter().all(|d| d.severity != Severity::Error), "{d:#?}");
    let a = a.unwrap();
    let memory = a.memory.unwrap();
    assert!(memory.weights_fit);
    let kv = memory.kv.unwrap();
    // 22.18 GiB × 0.9 − 14.96 GiB − 3.05 GiB ≈ 1.96 GiB at 128 KiB per token.
    assert_eq!(kv.bytes_per_token_per_gpu, 128 * 1024);
    assert!((15_500..16_500).contains(&kv.tokens), "{}", kv.tokens);
    assert_eq!(kv.sequences_at_max_model_len, 1);
    assert_eq!(a.weights_bytes, Some(16_060_522_496));
    let c = of(&d, Code::KvCacheConcurrency);
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].severity, Severity::Note);
    assert!(
        c[0].message
            .contains("15 sequences of 1024 tokens at once, fewer than the 30"),
        "{}",
        c[0].message
    );
}

#[test]
fn an_8b_model_at_its_full_context_is_refused_on_one_a10() {
    let (_, d) = plan_like(&service(
        "VM.GPU.A10.1",
        1,
        r#""--model", "meta-llama/Llama-3.1-8B-Instruct", "--max-model-len", "131072""#,
        "",
    ));
    let kv = of(&d, Code::KvCacheTooSmall);
    assert_eq!(kv.len(), 1, "{d:#?}");
    assert_eq!(kv[0].severity, Severity::Error);
    assert_eq!(kv[0].path, "/recipe_container_command_args/3");
    assert!(
        kv[0].message.contains("--max-model-len 131072"),
        "{}",
        kv[0].message
    );
    assert!(
        kv[0].message.contains("16.0 GiB of KV cache"),
        "{}",
        kv[0].message
    );
    assert!(kv[0].message.contains("tokens fit"), "{}", kv[0].message);
    let hint = kv[0].hint.as_deref().unwrap();
    assert!(hint.contains("set --max-model-len 15360 or less"), "{hint}");
    // Without --max-model-len vLLM uses the model's context: the same refusal, pointing at the model.
    let (_, d) = plan_like(&service(
        "VM.GPU.A10.1",
        1,
        r#""--model", "meta-llama/Llama-3.1-8B-Instruct""#,
        "",
    ));
    let kv = of(&d, Code::KvCacheTooSmall);
    assert_eq!(kv[0].path, "/recipe_container_command_args/1");
    assert!(
        kv[0]
            .message
            .contains("the model's context of 131072 tokens")
    );
}

#[test]
fn a_70b_model_is_refused_on_two_a10s_with_the_smallest_fit() {
    let (a, d) = plan_like(&service(
        "VM.GPU.A10.2",
        2,
        r#""--model", "meta-llama/Llama-3.3-70B-Instruct", "--tensor-parallel-size", "2", "--max-model-len", "8192""#,
        "",
    ));
    let w = of(&d, Code::WeightsExceedGpuMemory);
    assert_eq!(w.len(), 1, "{d:#?}");
    assert_eq!(w[0].severity, Severity::Error);
    assert_eq!(w[0].path, "/recipe_node_shape");
    assert_eq!(
        w[0].message,
        "Llama 3.3 70B needs 131.4 GiB of weights in bf16/fp16 over 2 GPUs (tensor 2 × pipeline 1): 65.7 GiB per GPU, more than vLLM may use: 20.0 GiB of each A10 (22.2 GiB × --gpu-memory-utilization 0.90)"
    );
    // "Smallest" is the least GPU memory per replica: one B200 (166 GiB) holds the 131.4 GiB of weights and an
    // 8192-token sequence, less than four L40S (177 GiB) or two H200 (261 GiB); an AMD shape would need another
    // image, so it comes only after every NVIDIA one.
    assert_eq!(
        w[0].hint.as_deref(),
        Some(
            "the smallest shape of the catalog that fits is `BM.GPU.B200.8` (8 × NVIDIA B200 180 GB) with --tensor-parallel-size 1"
        )
    );
    assert!(!a.unwrap().memory.unwrap().weights_fit);
    // No KV error on top of the weights error.
    assert!(of(&d, Code::KvCacheTooSmall).is_empty());
}

#[test]
fn a_larger_parallelism_on_the_same_shape_is_suggested_first() {
    // Two H100s hold the 65.7 GiB per GPU of weights, but leave 0.0 GiB for the KV cache at 0.9: four are needed.
    let (_, d) = plan_like(&service(
        "BM.GPU.H100.8",
        1,
        r#""--model", "meta-llama/Llama-3.1-70B-Instruct", "--max-model-len", "8192""#,
        "",
    ));
    let w = of(&d, Code::WeightsExceedGpuMemory);
    assert_eq!(w.len(), 1, "{d:#?}");
    assert_eq!(
        w[0].hint.as_deref(),
        Some(
            "on `BM.GPU.H100.8` it fits with --tensor-parallel-size 4 and `recipe_nvidia_gpu_count` 4"
        )
    );
}

#[test]
fn a_startup_probe_of_30_seconds_for_a_70b_model_is_an_error() {
    let (a, d) = plan_like(&service(
        "BM.GPU.H100.8",
        4,
        r#""--model", "meta-llama/Llama-3.3-70B-Instruct", "--tensor-parallel-size", "4", "--max-model-len", "32768""#,
        r#", "recipe_startup_probe_params": {"endpoint_path": "/health", "initial_delay_seconds": 0, "period_seconds": 10, "failure_threshold": 3}"#,
    ));
    assert!(of(&d, Code::WeightsExceedGpuMemory).is_empty(), "{d:#?}");
    let p = of(&d, Code::StartupProbeTooShort);
    assert_eq!(p.len(), 1, "{d:#?}");
    assert_eq!(p[0].severity, Severity::Error);
    assert_eq!(p[0].path, "/recipe_startup_probe_params");
    let budget = a.unwrap().startup;
    assert!(
        p[0].message.contains(&format!(
            "allows 30 s (0 + 3 × 10) before Kubernetes restarts the container, but starting Llama 3.3 70B takes an estimated {} s",
            budget.container_start_seconds
        )),
        "{}",
        p[0].message
    );
    // 141 GB from Hugging Face at 200 MB/s alone is over ten minutes.
    assert!(budget.container_start_seconds > 700, "{budget:#?}");
}

#[test]
fn a_liveness_probe_without_a_startup_probe_kills_a_slow_start() {
    let (_, d) = plan_like(&service(
        "VM.GPU.A10.1",
        1,
        r#""--model", "meta-llama/Llama-3.1-8B-Instruct", "--max-model-len", "4096""#,
        r#", "recipe_liveness_probe_params": {"endpoint_path": "/health", "initial_delay_seconds": 65, "period_seconds": 10, "failure_threshold": 3}"#,
    ));
    let p = of(&d, Code::LivenessWithoutStartupProbe);
    assert_eq!(p.len(), 1, "{d:#?}");
    assert_eq!(p[0].severity, Severity::Warning);
    assert!(
        p[0].hint
            .as_deref()
            .unwrap()
            .contains("recipe_startup_probe_params")
    );
}

#[test]
fn upstreams_default_window_outlasts_an_8b_restart() {
    // 180 s against the 155 s an 8B model takes to start again on the node it left.
    let (a, d) = plan_like(&service(
        "VM.GPU.A10.1",
        1,
        r#""--model", "meta-llama/Llama-3.1-8B-Instruct", "--max-model-len", "4096""#,
        r#", "recipe_pod_autoscaling_params": {"min_replicas": 1, "max_replicas": 2},
            "recipe_node_autoscaling_params": {"min_nodes": 1, "max_nodes": 2}"#,
    ));
    assert!(a.unwrap().startup.pod_startup_seconds < 180);
    assert!(of(&d, Code::ScaleDownWithinColdStart).is_empty(), "{d:#?}");
}

#[test]
fn scale_down_windows_shorter_than_a_cold_start_are_flagged() {
    let (a, d) = plan_like(&service(
        "VM.GPU.A10.1",
        1,
        r#""--model", "meta-llama/Llama-3.1-8B-Instruct", "--max-model-len", "4096""#,
        r#", "recipe_pod_autoscaling_params": {"min_replicas": 0, "max_replicas": 2, "scaling_cooldown": 60,
            "stabilization_window_down": 60, "query": "sum(rate(vllm:request_success_total[1m]))"},
            "recipe_node_autoscaling_params": {"min_nodes": 1, "max_nodes": 2}"#,
    ));
    let budget = a.unwrap().startup;
    let s = of(&d, Code::ScaleDownWithinColdStart);
    assert_eq!(s.len(), 2, "{d:#?}");
    assert_eq!(
        s[0].path,
        "/recipe_pod_autoscaling_params/stabilization_window_down"
    );
    // A replica comes back on its node, in the pod's own startup; the last one's node goes too.
    assert!(
        s[0].message.contains(&format!(
            "60 s, shorter than bringing a replica back on its node ({} s to start the pod)",
            budget.pod_startup_seconds
        )),
        "{}",
        s[0].message
    );
    assert!(
        s[1].message.contains(&format!(
            "({} s: a new node 300 s",
            budget.cold_start_seconds
        )),
        "{}",
        s[1].message
    );
    assert_eq!(s[1].path, "/recipe_pod_autoscaling_params/scaling_cooldown");
    let z = of(&d, Code::ScaleFromZeroBlind);
    assert_eq!(z.len(), 1);
    assert_eq!(z[0].path, "/recipe_pod_autoscaling_params/query");
}

#[test]
fn mig_slices_multinode_groups_and_amd_gpus_are_counted() {
    // Llama 3.2 3B on a 1g.10gb slice at 0.99, as upstream's MIG sample: the weights fit, one 16k sequence too.
    let (a, d) = plan_like(&service(
        "BM.GPU.H100.8",
        1,
        r#""--model", "meta-llama/Llama-3.2-3B-Instruct", "--gpu-memory-utilization", "0.99", "--max-model-len", "16384""#,
        r#", "mig_resource_request": "1g.10gb", "recipe_use_shared_node_pool": true"#,
    ));
    let memory = a.unwrap().memory.unwrap();
    assert_eq!(memory.device.name, "H100 MIG 1g.10gb");
    assert!(memory.weights_fit);
    assert!(of(&d, Code::ServingArgument).is_empty(), "{d:#?}");
    // Llama 3.1 405B over two BM.GPU.H100.8 nodes, tensor 8 × pipeline 2.
    let (a, d) = plan_like(&service(
        "BM.GPU.H100.8",
        8,
        r#""--model", "meta-llama/Llama-3.1-405B-Instruct", "--tensor-parallel-size", "8", "--pipeline-parallel-size", "2""#,
        r#", "multinode_num_nodes_to_use_from_shared_pool": 2, "recipe_use_shared_node_pool": true"#,
    ));
    assert!(d.iter().all(|d| d.severity != Severity::Error), "{d:#?}");
    let a = a.unwrap();
    assert_eq!(a.parallelism.available(), 16);
    assert_eq!(a.memory.unwrap().gpus, 16);
    // Llama 4 Maverick in FP8 over four MI300X.
    let json = r#"{"recipe_mode": "service", "recipe_image_uri": "docker.io/rocm/vllm-dev:llama4-20250514",
        "recipe_node_shape": "BM.GPU.MI300X.8", "recipe_amd_gpu_count": 4,
        "recipe_container_command_args": ["--model", "meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8",
            "--tensor-parallel-size", "4", "--max-model-len", "36000"]}"#;
    let (a, d) = plan_like(json);
    assert!(d.iter().all(|d| d.severity != Severity::Error), "{d:#?}");
    let a = a.unwrap();
    assert_eq!(a.weight_format, Some(WeightFormat::Bits8));
    assert!(a.memory.unwrap().weights_fit);
}

#[test]
fn cpu_shapes_and_other_servers_are_not_memory_checked() {
    let json = r#"{"recipe_mode": "service", "recipe_image_uri": "public.ecr.aws/x/vllm-cpu-release-repo:v0.11.2",
        "recipe_node_shape": "BM.Standard3.64",
        "recipe_container_command_args": ["--model", "NousResearch/Meta-Llama-3-8B-Instruct", "--dtype", "float32"]}"#;
    let (a, d) = plan_like(json);
    assert!(d.is_empty(), "{d:#?}");
    let a = a.unwrap();
    assert!(a.memory.is_none());
    assert!(a.unchecked[0].contains("CPU shape"), "{:?}", a.unchecked);
    assert_eq!(a.weight_format, Some(WeightFormat::Float32));
    let json = r#"{"recipe_mode": "service", "recipe_image_uri": "x/whisper_transcription_v8", "recipe_node_shape": "VM.GPU.A10.2",
        "recipe_nvidia_gpu_count": 2}"#;
    let (a, d) = plan_like(json);
    assert!(d.is_empty(), "{d:#?}");
    assert_eq!(a.unwrap().engine, Engine::Other);
    // Jobs are not assessed.
    let (a, _) =
        plan_like(r#"{"recipe_mode": "job", "recipe_container_command_args": ["--model", "x"]}"#);
    assert!(a.is_none());
}

#[test]
fn unknown_models_are_said_to_be_unknown() {
    let (a, d) = plan_like(&service("VM.GPU.A10.1", 1, r#""--model", "/weights""#, ""));
    let n = of(&d, Code::ModelUnrecognised);
    assert_eq!(n.len(), 1);
    assert_eq!(n[0].severity, Severity::Note);
    assert!(a.unwrap().memory.is_none());
    // A size in the name checks the weights: 34 B in bf16 does not fit one A10.
    let (_, d) = plan_like(&service(
        "VM.GPU.A10.1",
        1,
        r#""--model", "acme/Chat-34B""#,
        "",
    ));
    assert_eq!(of(&d, Code::ModelUnrecognised).len(), 1);
    assert_eq!(of(&d, Code::WeightsExceedGpuMemory).len(), 1, "{d:#?}");
}

#[test]
fn contexts_beyond_the_models_are_refused_unless_allowed() {
    let args = r#""--model", "meta-llama/Meta-Llama-3-8B-Instruct", "--max-model-len", "16384""#;
    let (_, d) = plan_like(&service("BM.GPU.H100.8", 1, args, ""));
    assert_eq!(of(&d, Code::ServingArgument).len(), 1, "{d:#?}");
    let (_, d) = plan_like(&service(
        "BM.GPU.H100.8",
        1,
        args,
        r#", "recipe_container_env": [{"key": "VLLM_ALLOW_LONG_MAX_MODEL_LEN", "value": "1"}]"#,
    ));
    assert!(of(&d, Code::ServingArgument).is_empty(), "{d:#?}");
}

#[test]
fn nim_containers_are_checked_for_weights_only() {
    let json = r#"{"recipe_mode": "service", "recipe_image_uri": "nvcr.io/nim/meta/llama-3.2-3b-instruct:1.8.5",
        "recipe_node_shape": "VM.GPU.A10.1", "recipe_nvidia_gpu_count": 1}"#;
    let (a, d) = plan_like(json);
    assert!(d.is_empty(), "{d:#?}");
    let a = a.unwrap();
    assert_eq!(a.engine, Engine::Nim);
    let memory = a.memory.unwrap();
    assert!(memory.weights_fit && memory.kv.is_none());
}

#[test]
fn absurd_settings_are_reported_not_computed_with() {
    let (a, d) = plan_like(&service(
        "VM.GPU.A10.1",
        1,
        r#""--model", "meta-llama/Llama-3.1-405B-Instruct", "-tp", "1024", "-pp", "1024", "--max-model-len", "1099511627776",
            "--max-num-seqs", "4294967295", "--gpu-memory-utilization", "1""#,
        "",
    ));
    assert!(a.is_some());
    assert!(!of(&d, Code::ServingArgument).is_empty(), "{d:#?}");
    let (a, _) = plan_like(&service(
        "VM.GPU.A10.1",
        1,
        r#""--model", "meta-llama/Llama-3.1-8B-Instruct", "--max-model-len", "99999999999999999999999", "-tp", "1025""#,
        "",
    ));
    let a = a.unwrap();
    assert_eq!(a.parallelism.tensor, 1);
    assert!(a.args.max_model_len.is_none());
}

#[test]
fn the_assessment_is_plain_data() {
    let (a, _) = plan_like(&service(
        "VM.GPU.A10.1",
        1,
        r#""--model", "meta-llama/Llama-3.1-8B-Instruct", "--max-model-len", "8192""#,
        "",
    ));
    let a = a.unwrap();
    let json = serde_json::to_string(&a).unwrap();
    let back: ModelAssessment = serde_json::from_str(&json).unwrap();
    assert_eq!(back, a);
    assert!(json.contains(r#""pod_startup_seconds":"#));
    assert!(json.contains(r#""node_provisioning_seconds":300"#));
}
