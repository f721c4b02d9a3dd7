//! Shared test data for the cross-crate tests: generators of valid recipes.

use proptest::prelude::*;
use serde_json::{Value, json};

/// A GPU shape usable by a generated recipe: (name, GPUs, AMD?).
const SHAPES: &[(&str, u32, bool)] = &[
    ("VM.GPU.A10.1", 1, false),
    ("VM.GPU.A10.2", 2, false),
    ("BM.GPU.A10.4", 4, false),
    ("BM.GPU.A100-v2.8", 8, false),
    ("BM.GPU.L40S.4", 4, false),
    ("BM.GPU.H100.8", 8, false),
    ("BM.GPU.H200.8", 8, false),
];

fn divisors(n: u32) -> Vec<u32> {
    (1..=n).filter(|d| n.is_multiple_of(*d)).collect()
}

prop_compose! {
    /// A valid service recipe: a GPU shape, a GPU count that divides it, capacity that holds `max_replicas`,
    /// probes on the container port, and autoscaling with or without node autoscaling.
    pub fn valid_recipe()(
        shape in 0..SHAPES.len(),
        divisor_pick in any::<prop::sample::Index>(),
        name in "[a-z][a-z0-9]{0,12}(-[a-z0-9]{1,8})?",
        port in 1024u32..65535,
        pool_size in 1u32..3,
        extra_nodes in 0u32..4,
        min_replicas in 1u32..3,
        threshold in 0.05f64..0.95,
        window_minutes in 1u64..30,
        periods in (1u32..600, 1u32..600, 0u32..3600, 0u32..3600),
        with_node_autoscaling in any::<bool>(),
        tag in "v[0-9]\\.[0-9]{1,2}\\.[0-9]",
    ) -> Value {
        let (shape_name, gpus, _) = SHAPES[shape];
        let divisors = divisors(gpus);
        let per_replica = divisors[divisor_pick.index(divisors.len())];
        let per_node = gpus / per_replica;
        let max_nodes = pool_size + extra_nodes;
        let nodes = if with_node_autoscaling { max_nodes } else { pool_size };
        let capacity = nodes * per_node;
        let min_replicas = min_replicas.min(capacity);
        let max_replicas = capacity;
        let mut recipe = json!({
            "recipe_id": "llm_inference_nvidia",
            "recipe_mode": "service",
            "deployment_name": name,
            "recipe_image_uri": format!("docker.io/vllm/vllm-openai:{tag}"),
            "recipe_node_shape": shape_name,
            "recipe_container_port": port.to_string(),
            "recipe_nvidia_gpu_count": per_replica,
            "recipe_replica_count": min_replicas,
            "recipe_node_pool_size": pool_size,
            "recipe_node_boot_volume_size_in_gbs": 300,
            "recipe_ephemeral_storage_size": 200,
            "recipe_shared_memory_volume_size_limit_in_mb": 1000,
            "recipe_container_command_args": ["--model", "$(Model_Path)", "--port", port.to_string()],
            "recipe_container_env": [{"key": "Model_Path", "value": "/models"}, {"key": "TP", "value": per_replica}],
            "recipe_startup_probe_params": {"failure_threshold": 60, "endpoint_path": "/health", "port": port,
                "scheme": "HTTP", "initial_delay_seconds": 30, "period_seconds": 5, "success_threshold": 1, "timeout_seconds": 2},
            "recipe_pod_autoscaling_params": {
                "min_replicas": min_replicas, "max_replicas": max_replicas,
                "scaling_threshold": threshold, "collect_metrics_timespan": format!("{window_minutes}m"),
                "scaling_period_up": periods.0, "scaling_period_down": periods.1,
                "stabilization_window_up": periods.2, "stabilization_window_down": periods.3,
            },
        });
        if with_node_autoscaling {
            recipe["recipe_node_autoscaling_params"] = json!({"min_nodes": pool_size, "max_nodes": max_nodes});
        }
        recipe
    }
}
