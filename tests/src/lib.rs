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
            "recipe_container_command_args": ["--model", "$(Model_Path)", "--tensor-parallel-size", "$(TP)", "--port", port.to_string()],
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

prop_compose! {
    /// A valid job recipe: a GPU shape, on its own pool or a shared one, under a team or not, with inputs and
    /// outputs in buckets.
    pub fn valid_job()(
        shape in 0..SHAPES.len(),
        name in "[a-z][a-z0-9]{0,12}",
        shared in any::<bool>(),
        team in prop::option::of("[a-z][a-z0-9]{0,10}"),
        outputs in 0usize..3,
        shell in any::<bool>(),
    ) -> Value {
        let (shape_name, gpus, _) = SHAPES[shape];
        let mut recipe = json!({
            "recipe_id": "lora_finetune_nvidia",
            "recipe_mode": "job",
            "deployment_name": name,
            "recipe_image_uri": "iad.ocir.io/example/ml/finetune:1.0.0",
            "recipe_node_shape": shape_name,
            "recipe_nvidia_gpu_count": gpus,
            "recipe_ephemeral_storage_size": 100,
            "recipe_shared_memory_volume_size_limit_in_mb": 1000,
            "recipe_container_command": ["python3", "train.py"],
            "recipe_container_command_args": ["--epochs", "2"],
            "recipe_container_command_use_shell": shell,
            "input_object_storage": [{"bucket_name": "weights", "mount_location": "/models", "volume_size_in_gbs": 100}],
            "output_object_storage": (0..outputs)
                .map(|i| json!({"bucket_name": format!("out{i}"), "mount_location": format!("/out{i}"), "volume_size_in_gbs": 50}))
                .collect::<Vec<_>>(),
        });
        if shared {
            recipe["recipe_use_shared_node_pool"] = json!(true);
        } else {
            recipe["recipe_node_pool_size"] = json!(1);
            recipe["recipe_node_boot_volume_size_in_gbs"] = json!(300);
        }
        if let Some(team) = team {
            recipe["recipe_team_info"] = json!({"team_name": team});
        }
        recipe
    }
}

prop_compose! {
    /// A valid team recipe: quotas for one to three shapes, each resource with or without limits.
    pub fn valid_team()(
        name in "[a-z][a-z0-9]{0,20}",
        priority in -1000i64..100_000,
        quotas in prop::collection::btree_set(0..SHAPES.len(), 1..4),
        nominal in 1u32..64,
        limits in any::<(bool, bool)>(),
    ) -> Value {
        let quotas: Vec<Value> = quotas
            .into_iter()
            .map(|i| {
                let mut quota = json!({
                    "shape_name": SHAPES[i].0,
                    "cpu_nominal_quota": nominal.to_string(),
                    "mem_nominal_quota": format!("{nominal}Gi"),
                    "gpu_nominal_quota": SHAPES[i].1.to_string(),
                });
                if limits.0 {
                    quota["gpu_borrowing_limit"] = json!(SHAPES[i].1.to_string());
                }
                if limits.1 {
                    quota["cpu_lending_limit"] = json!((nominal / 2).to_string());
                }
                quota
            })
            .collect();
        json!({"recipe_mode": "team", "deployment_name": format!("{name}-team"),
               "team": {"team_name": name, "priority_threshold": priority, "quotas": quotas}})
    }
}

prop_compose! {
    /// A valid update recipe: one node or a pool's nodes, new labels and perhaps a MIG layout.
    pub fn valid_update()(
        node in prop::option::of((1u8..255, 1u8..255)),
        pool in "[a-z][a-z0-9]{0,12}",
        labels in prop::collection::btree_map("[a-z]{1,8}(/[a-z]{1,8})?", "[a-z0-9]{0,10}", 0..4),
        mig in prop::option::of(prop::sample::select(vec!["all-1g.10gb", "all-2g.20gb", "all-disabled", "all-balanced"])),
    ) -> Value {
        let mut recipe = json!({"recipe_mode": "update", "deployment_name": "update"});
        match node {
            Some((a, b)) => recipe["recipe_node_name"] = json!(format!("10.0.{a}.{b}")),
            None => recipe["recipe_node_pool_name"] = json!(pool),
        }
        recipe["recipe_node_labels"] = json!(labels);
        match mig {
            Some(layout) => recipe["shared_node_pool_mig_config"] = json!(layout),
            None if labels.is_empty() => recipe["recipe_node_labels"] = json!({"corrino/rdma": "true"}),
            None => {}
        }
        recipe
    }
}

prop_compose! {
    /// A valid multinode service: whole nodes of a shared pool per group, perhaps RDMA, perhaps autoscaled.
    pub fn valid_multinode()(
        shape in 0..SHAPES.len(),
        name in "[a-z][a-z0-9]{0,12}",
        nodes in 2u32..5,
        rdma in any::<bool>(),
        autoscaled in any::<bool>(),
    ) -> Value {
        let (shape_name, gpus, _) = SHAPES[shape];
        // Only bare-metal H100 and H200 shapes of this list have an RDMA cluster network.
        let rdma = rdma && matches!(shape_name, "BM.GPU.H100.8" | "BM.GPU.H200.8");
        let mut recipe = json!({
            "recipe_mode": "service",
            "deployment_name": name,
            "recipe_image_uri": "docker.io/vllm/vllm-openai:v0.9.1",
            "recipe_node_shape": shape_name,
            "recipe_use_shared_node_pool": true,
            "multinode_num_nodes_to_use_from_shared_pool": nodes,
            "multinode_rdma_enabled_in_shared_pool": rdma,
            "recipe_container_port": "8000",
            "recipe_nvidia_gpu_count": gpus,
            "recipe_ephemeral_storage_size": 100,
            "recipe_container_command_args": ["--model", "/models", "--tensor-parallel-size", gpus.to_string(),
                "--pipeline-parallel-size", nodes.to_string(), "--distributed-executor-backend", "ray"],
        });
        if autoscaled {
            recipe["recipe_pod_autoscaling_params"] = json!({"min_replicas": 1, "max_replicas": 2});
        }
        recipe
    }
}

/// A valid recipe of any mode.
pub fn valid_recipe_of_any_mode() -> impl Strategy<Value = Value> {
    prop_oneof![
        valid_recipe(),
        valid_job(),
        valid_team(),
        valid_update(),
        valid_multinode(),
    ]
}
