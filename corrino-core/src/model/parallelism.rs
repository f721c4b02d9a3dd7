//! How many GPUs a replica gets and how vLLM splits the model over them.
//!
//! A replica gets `recipe_nvidia_gpu_count` (or `recipe_amd_gpu_count`) GPUs on each of its nodes: one node, or
//! `multinode_num_nodes_to_use_from_shared_pool` nodes joined by Ray, or one MIG slice. vLLM needs exactly
//! `--tensor-parallel-size × --pipeline-parallel-size` of them (1 × 1 by default): more than the replica has and it
//! stops at startup; fewer and the rest stay idle while paid for. Tensor parallelism must also divide the model's
//! attention heads.

use serde::{Deserialize, Serialize};

use super::args::ServingArgs;
use super::catalog::ModelSpec;
use crate::diagnostic::{Code, Diagnostic, Pointer};
use crate::recipe::Recipe;
use crate::recipe::convert::Sink;
use crate::shape::{GpuVendor, Shape};

/// The parallelism of one replica.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Parallelism {
    /// `--tensor-parallel-size` in effect.
    pub tensor: u32,
    /// `--pipeline-parallel-size` in effect.
    pub pipeline: u32,
    /// GPUs (or MIG slices) per node of the replica.
    pub gpus_per_node: u32,
    /// Nodes of the replica (more than one for a multinode service).
    pub nodes: u32,
    /// The MIG profile, when the replica runs on a slice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mig_profile: Option<String>,
}

impl Parallelism {
    /// GPUs vLLM uses: tensor × pipeline parallelism.
    #[must_use]
    pub fn world_size(&self) -> u32 {
        self.tensor.saturating_mul(self.pipeline)
    }

    /// GPUs the replica gets: per node × nodes.
    #[must_use]
    pub fn available(&self) -> u32 {
        self.gpus_per_node.saturating_mul(self.nodes)
    }
}

/// The GPU count field the shape's vendor uses, and its value.
pub(crate) fn gpu_count(recipe: &Recipe, shape: Option<&Shape>) -> (&'static str, Option<u32>) {
    let vendor = shape.and_then(|s| s.gpus.as_ref()).map(|g| g.vendor);
    match vendor {
        Some(GpuVendor::Amd) => ("recipe_amd_gpu_count", recipe.recipe_amd_gpu_count),
        Some(GpuVendor::Nvidia) => ("recipe_nvidia_gpu_count", recipe.recipe_nvidia_gpu_count),
        None => match recipe.recipe_amd_gpu_count {
            Some(n) => ("recipe_amd_gpu_count", Some(n)),
            None => ("recipe_nvidia_gpu_count", recipe.recipe_nvidia_gpu_count),
        },
    }
}

/// The replica's parallelism, reporting where vLLM's world size and the GPUs disagree (`serving-argument`).
pub fn resolve(
    recipe: &Recipe,
    shape: Option<&Shape>,
    args: &ServingArgs,
    spec: Option<&ModelSpec>,
    sink: &mut Sink,
) -> Parallelism {
    let (count_key, count) = gpu_count(recipe, shape);
    let mig = recipe.mig_resource_request.clone();
    let nodes = recipe
        .multinode_num_nodes_to_use_from_shared_pool
        .unwrap_or(1)
        .max(1);
    let gpus_per_node = if mig.is_some() { 1 } else { count.unwrap_or(0) };
    let parallelism = Parallelism {
        tensor: args.tensor_parallel_size.as_ref().map_or(1, |a| a.value),
        pipeline: args.pipeline_parallel_size.as_ref().map_or(1, |a| a.value),
        gpus_per_node,
        nodes,
        mig_profile: mig,
    };
    let world = parallelism.world_size();
    let available = parallelism.available();
    let tp_at = args.tensor_parallel_size.as_ref().map_or_else(
        || Pointer::root().key("recipe_container_command_args"),
        |a| pointer(&a.path),
    );
    let gpus_on_a_gpu_shape = shape.is_some_and(|s| s.gpus.is_some());
    if let Some(profile) = &parallelism.mig_profile {
        if world > 1 {
            sink.note(Diagnostic::error(
                tp_at.clone(),
                Code::ServingArgument,
                format!(
                    "tensor × pipeline parallelism is {} × {} = {world}, but a replica on MIG gets one `{profile}` slice",
                    parallelism.tensor, parallelism.pipeline
                ),
            ).with_hint("use --tensor-parallel-size 1, or whole GPUs without MIG"));
        }
    } else if gpus_on_a_gpu_shape && available > 0 {
        let where_ = if nodes > 1 {
            format!("{gpus_per_node} GPU(s) on each of {nodes} nodes")
        } else {
            format!("`{count_key}` {gpus_per_node}")
        };
        if world > available {
            sink.note(
                Diagnostic::error(
                    tp_at.clone(),
                    Code::ServingArgument,
                    format!(
                        "vLLM needs tensor × pipeline parallelism = {} × {} = {world} GPUs, but the replica gets {available} ({where_}): it stops at startup",
                        parallelism.tensor, parallelism.pipeline
                    ),
                )
                .with_hint(format!(
                    "make tensor × pipeline parallelism equal {available}, or request {world} GPUs"
                )),
            );
        } else if world < available {
            sink.note(
                Diagnostic::warning(
                    tp_at.clone(),
                    Code::ServingArgument,
                    format!(
                        "the replica gets {available} GPUs ({where_}), but vLLM uses tensor × pipeline parallelism = {} × {} = {world}: {} GPU(s) stay idle",
                        parallelism.tensor,
                        parallelism.pipeline,
                        available - world
                    ),
                )
                .with_hint(if nodes > 1 {
                    format!("make tensor × pipeline parallelism equal {available}")
                } else {
                    format!(
                        "pass --tensor-parallel-size {available}, or lower `{count_key}` to {world}"
                    )
                }),
            );
        }
    }
    if let Some(spec) = spec
        && parallelism.tensor > 0
        && spec.attention_heads % parallelism.tensor != 0
    {
        let divisors: Vec<String> = [1u32, 2, 4, 8, 16]
            .iter()
            .filter(|d| spec.attention_heads % **d == 0)
            .map(u32::to_string)
            .collect();
        sink.note(
            Diagnostic::error(
                tp_at,
                Code::ServingArgument,
                format!(
                    "{} has {} attention heads, which --tensor-parallel-size {} does not divide: vLLM refuses to start",
                    spec.name, spec.attention_heads, parallelism.tensor
                ),
            )
            .with_hint(format!("use one of {}", divisors.join(", "))),
        );
    }
    parallelism
}

/// A JSON pointer from its text (the paths `args` records are pointers' texts, so this never falls back to the
/// whole document).
pub(crate) fn pointer(path: &str) -> Pointer {
    Pointer::parse(path).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Format;
    use crate::model::args;
    use crate::model::catalog::ModelCatalog;
    use crate::shape::ShapeCatalog;

    fn check(json: &str, model: Option<&str>) -> (Parallelism, Vec<(String, Code)>) {
        let (recipe, _) = crate::recipe::parse(json.as_bytes(), Format::Json);
        let recipe = recipe.unwrap();
        let shapes = ShapeCatalog::builtin();
        let shape = recipe
            .recipe_node_shape
            .as_deref()
            .and_then(|n| shapes.get(n));
        let mut sink = Sink::default();
        let a = args::read(&recipe, &mut sink);
        let catalog = ModelCatalog::builtin();
        let spec = model.and_then(|m| catalog.get(m));
        let p = resolve(&recipe, shape, &a, spec, &mut sink);
        let d = sink
            .diagnostics
            .iter()
            .map(|d| (d.path.clone(), d.code))
            .collect();
        (p, d)
    }

    #[test]
    fn multinode_groups_count_every_node() {
        let (p, d) = check(
            r#"{"recipe_node_shape": "BM.GPU.A10.4", "recipe_nvidia_gpu_count": 4,
                "multinode_num_nodes_to_use_from_shared_pool": 2,
                "recipe_container_command_args": ["--tensor-parallel-size", "4", "--pipeline-parallel-size", "2"]}"#,
            None,
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!((p.world_size(), p.available()), (8, 8));
    }

    #[test]
    fn too_few_or_too_many_gpus_for_the_parallelism() {
        let (_, d) = check(
            r#"{"recipe_node_shape": "VM.GPU.A10.2", "recipe_nvidia_gpu_count": 1,
                "recipe_container_command_args": ["--tensor-parallel-size", "2"]}"#,
            None,
        );
        assert_eq!(
            d,
            vec![(
                "/recipe_container_command_args/1".into(),
                Code::ServingArgument
            )]
        );
        let (_, d) = check(
            r#"{"recipe_node_shape": "VM.GPU.A10.2", "recipe_nvidia_gpu_count": 2,
                "recipe_container_command_args": ["--model", "x"]}"#,
            None,
        );
        assert_eq!(
            d,
            vec![(
                "/recipe_container_command_args".into(),
                Code::ServingArgument
            )]
        );
    }

    #[test]
    fn tensor_parallelism_must_divide_the_heads() {
        // Llama 3.2 3B has 24 heads: 16 does not divide them.
        let (_, d) = check(
            r#"{"recipe_node_shape": "BM.GPU.H100.8", "recipe_nvidia_gpu_count": 8,
                "recipe_container_command_args": ["-tp", "8", "-pp", "1"]}"#,
            Some("meta-llama/Llama-3.2-3B-Instruct"),
        );
        assert!(d.is_empty(), "{d:?}");
        let (_, d) = check(
            r#"{"recipe_node_shape": "VM.GPU.A10.2", "recipe_nvidia_gpu_count": 2, "multinode_num_nodes_to_use_from_shared_pool": 8,
                "recipe_container_command_args": ["-tp", "16"]}"#,
            Some("meta-llama/Llama-3.2-3B-Instruct"),
        );
        assert_eq!(d.len(), 1);
    }

    #[test]
    fn mig_replicas_get_one_slice() {
        let (p, d) = check(
            r#"{"recipe_node_shape": "BM.GPU.H100.8", "recipe_nvidia_gpu_count": 1, "mig_resource_request": "1g.20gb",
                "recipe_container_command_args": ["-tp", "2"]}"#,
            None,
        );
        assert_eq!(p.available(), 1);
        assert_eq!(d.len(), 1);
    }

    #[test]
    fn pointers_round_trip() {
        let p = Pointer::root().key("a/b~c").index(3);
        assert_eq!(pointer(p.as_str()), p);
        assert_eq!(Pointer::parse(""), Some(Pointer::root()));
        for not_one in ["a/b", "/a~2", "/a~"] {
            assert_eq!(Pointer::parse(not_one), None, "{not_one}");
        }
    }
}
