//! `corrino render`: YAML on standard output (warnings on standard error), files with `--out`, JSON, refusals.

mod common;
use corrino_test_support as support;

fn corrino(args: &[&str]) -> (i32, String, String) {
    common::run(args, &[])
}

const EXAMPLE: &str = "fixtures/recipes/autoscaling-example.json";

#[test]
fn prints_a_yaml_stream_of_kubernetes_objects() {
    let (code, stdout, stderr) =
        corrino(&["render", EXAMPLE, "--base-domain", "203-0-113-10.nip.io"]);
    assert_eq!(code, 0, "{stderr}");
    let kinds: Vec<&str> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("kind: "))
        .collect();
    assert_eq!(kinds, ["Deployment", "Service", "Ingress", "ScaledObject"]);
    assert_eq!(stdout.matches("---\n").count(), 4);
    assert!(stdout.contains("host: autoscalevllmexample.203-0-113-10.nip.io"));
    // The OCI documents are not mixed into the stream.
    assert!(!stdout.contains("nodeShape"));
    assert!(stderr.contains("written only with --out"), "{stderr}");
}

#[test]
fn writes_kubernetes_and_oci_files_with_out() {
    let dir = std::env::temp_dir().join(format!("corrino-render-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (code, _, stderr) = corrino(&[
        "render",
        EXAMPLE,
        "--out",
        dir.to_str().expect("utf8"),
        "--cluster-id",
        "ocid1.cluster.oc1.iad.example",
        "--discovery",
        "auto-discovery",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let pool: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("node-pool.json")).expect("pool"))
            .expect("json");
    assert_eq!(pool["nodeShape"], "VM.GPU.A10.2");
    assert_eq!(pool["clusterId"], "ocid1.cluster.oc1.iad.example");
    let addon = std::fs::read_to_string(dir.join("cluster-autoscaler-addon.json")).expect("addon");
    assert!(
        addon.contains("nodepoolTags:corrino-recipe=autoscalevllmexample,min:1,max:2"),
        "{addon}"
    );
    assert!(
        std::fs::read_to_string(dir.join("manifests.yaml"))
            .expect("yaml")
            .contains("kind: ScaledObject")
    );
    assert!(stderr.contains("placeholders to fill in"), "{stderr}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn json_format_is_a_kubernetes_list() {
    let (code, stdout, _) = corrino(&[
        "render",
        EXAMPLE,
        "--format",
        "json",
        "--scrape",
        "pod-monitor",
    ]);
    assert_eq!(code, 0);
    let list: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(list["kind"], "List");
    let kinds: Vec<&str> = list["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|i| i["kind"].as_str())
        .collect();
    assert_eq!(
        kinds,
        [
            "Deployment",
            "Service",
            "Ingress",
            "PodMonitor",
            "ScaledObject"
        ]
    );
}

#[test]
fn a_broken_recipe_renders_nothing() {
    let (code, stdout, stderr) = corrino(&["render", "fixtures/invalid/too-many-gpus.json"]);
    assert_eq!(code, 1);
    assert!(stdout.is_empty());
    assert!(stderr.contains("error[too-many-gpus]"), "{stderr}");
}

#[test]
fn rendering_is_byte_identical_across_runs() {
    let first = corrino(&["render", EXAMPLE]).1;
    let second = corrino(&["render", EXAMPLE]).1;
    assert!(!first.is_empty());
    assert_eq!(first, second);
}

#[test]
fn plan_shows_resolved_values_and_their_source() {
    let (code, stdout, _) = corrino(&[
        "plan",
        "fixtures/recipes/node-autoscaling-a10-advanced-params.json",
    ]);
    assert_eq!(code, 0);
    assert!(
        stdout.contains("threshold       0.4 (moved from node params) (Value)"),
        "{stdout}"
    );
    assert!(stdout.contains("replicas per node 2"), "{stdout}");
    assert!(stdout.contains("node autoscaling 1–4 nodes"), "{stdout}");
    let (code, stdout, _) = corrino(&["plan", "--format", "json", EXAMPLE]);
    assert_eq!(code, 0);
    let plan: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(plan["capacity"]["replicas_per_node"], 2);
    assert_eq!(plan["pod_autoscaling"]["threshold"]["source"], "recipe");
    assert_eq!(
        plan["model"]["spec"]["id"],
        "meta-llama/Llama-3.1-8B-Instruct"
    );
    assert_eq!(plan["model"]["memory"]["weights_fit"], true);
}

#[test]
fn plan_shows_the_models_fit_and_cold_start_with_its_parts() {
    let (code, stdout, _) = corrino(&["plan", EXAMPLE]);
    assert_eq!(code, 0);
    for line in [
        "model             Llama 3.1 8B (meta-llama/Llama-3.1-8B-Instruct), downloaded from Hugging Face at each start",
        "weights         15.0 GiB in bf16/fp16, tensor × pipeline 1 × 1 over 1 GPU(s)",
        "of 21.1 GiB usable (A10 × 0.95): fits",
        "KV cache        25113 tokens: 6 sequence(s) of 4096 (max-model-len), 24 of 1024",
        "cold start      545 s (new node 300 s, image pull 90 s, download 81 s, load 9 s, engine start 65 s); on a node with the image 155 s",
    ] {
        assert!(stdout.contains(line), "{line}\n{stdout}");
    }
    // A 70B model on two A10s: refused before render, with the numbers and what would fit.
    let recipe = std::env::temp_dir().join(format!("corrino-70b-{}.json", std::process::id()));
    let mut json: serde_json::Value = serde_json::from_slice(
        &std::fs::read(support::workspace().join(EXAMPLE)).expect("example"),
    )
    .expect("json");
    json["recipe_container_command_args"] = serde_json::json!([
        "--model",
        "meta-llama/Llama-3.3-70B-Instruct",
        "--tensor-parallel-size",
        "2"
    ]);
    json["recipe_nvidia_gpu_count"] = serde_json::json!(2);
    json["recipe_pod_autoscaling_params"]["max_replicas"] = serde_json::json!(2);
    std::fs::write(&recipe, json.to_string()).expect("write");
    let recipe = recipe.to_str().expect("utf-8");
    let (code, stdout, stderr) = corrino(&["render", recipe]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("error[weights-exceed-gpu-memory]"),
        "{stderr}"
    );
    let (_, stdout, _) = corrino(&["plan", recipe]);
    assert!(stdout.contains("does not fit"), "{stdout}");
    std::fs::remove_file(recipe).expect("remove");
}

#[test]
fn a_shared_pool_renders_its_node_pool_document_alone() {
    const POOL: &str = "fixtures/recipes/mig-shared-node-pool-h100.json";
    let (code, stdout, stderr) = corrino(&["render", POOL]);
    assert_eq!(code, 0, "{stderr}");
    // With no Kubernetes object, the node pool document is the output.
    let pool: serde_json::Value = serde_json::from_str(&stdout).expect("one JSON document");
    assert_eq!(pool["nodeShape"], "BM.GPU.H100.8");
    assert_eq!(pool["nodeConfigDetails"]["size"], 1);
    assert!(!stderr.contains("written only with --out"), "{stderr}");
    let dir = std::env::temp_dir().join(format!("corrino-render-pool-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (code, stdout, stderr) = corrino(&["render", POOL, "--out", dir.to_str().expect("utf8")]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.is_empty());
    let written: Vec<String> = std::fs::read_dir(&dir)
        .expect("out dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(written, ["node-pool.json"]);
    std::fs::remove_dir_all(&dir).ok();
}
