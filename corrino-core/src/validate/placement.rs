//! Where the recipe runs: the pool it creates or the shared pool it uses, flex sizing, self-managed shapes,
//! architecture, RDMA and multinode groups.

use super::root;
use crate::diagnostic::{Code, Diagnostic};
use crate::recipe::convert::Sink;
use crate::recipe::{Recipe, RecipeMode};
use crate::shape::Shape;

/// A multinode service's group: how many whole nodes one replica spans, and whether they talk over RDMA.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Multinode {
    /// Nodes per group: one leader and `nodes - 1` workers.
    pub nodes: u32,
    /// Whether the group uses the shared pool's RDMA network (`multinode_rdma_enabled_in_shared_pool`).
    pub rdma: bool,
}

/// The flexible-shape sizing fields a recipe fills for the pool it creates: its own pool's, or a shared pool's.
struct Sizing {
    ocpu_key: &'static str,
    memory_key: &'static str,
    ocpus: Option<u32>,
    memory: Option<u32>,
}

impl Sizing {
    fn of(recipe: &Recipe) -> Self {
        if recipe.recipe_mode == Some(RecipeMode::SharedNodePool) {
            Sizing {
                ocpu_key: "shared_node_pool_flex_shape_ocpu_count",
                memory_key: "shared_node_pool_flex_shape_memory_size_in_gbs",
                ocpus: recipe.shared_node_pool_flex_shape_ocpu_count,
                memory: recipe.shared_node_pool_flex_shape_memory_size_in_gbs,
            }
        } else {
            Sizing {
                ocpu_key: "recipe_flex_shape_ocpu_count",
                memory_key: "recipe_flex_shape_memory_size_in_gbs",
                ocpus: recipe.recipe_flex_shape_ocpu_count,
                memory: recipe.recipe_flex_shape_memory_size_in_gbs,
            }
        }
    }
}

/// Checks where the recipe runs; returns a multinode service's group, when it has a usable one.
pub fn placement(recipe: &Recipe, shape: Option<&Shape>, sink: &mut Sink) -> Option<Multinode> {
    let creates_pool = match recipe.recipe_mode {
        Some(RecipeMode::Service | RecipeMode::Job) => !recipe.uses_shared_pool(),
        Some(RecipeMode::SharedNodePool) => true,
        _ => false,
    };
    let sizing = Sizing::of(recipe);
    if let Some(shape) = shape {
        flex_sizing(shape, &sizing, creates_pool, sink);
        if creates_pool {
            self_managed(recipe, shape, sink);
        }
        fits_the_node(recipe, shape, &sizing, sink);
    }
    pool_fields(recipe, creates_pool, sink);
    multinode(recipe, shape, sink)
}

/// A flexible shape's OCPUs and memory, which a pool of it needs; a fixed shape's, which it ignores.
fn flex_sizing(shape: &Shape, sizing: &Sizing, creates_pool: bool, sink: &mut Sink) {
    let Sizing {
        ocpu_key,
        memory_key: mem_key,
        ocpus,
        memory,
    } = *sizing;
    match &shape.flex {
        Some(limits) if creates_pool => {
            for (value, key, max, unit) in [
                (ocpus, ocpu_key, limits.max_ocpus, "OCPUs"),
                (memory, mem_key, limits.max_memory_gb, "GB"),
            ] {
                match value {
                    None => {
                        if !sink.was_invalid(&root(key)) {
                            sink.note(Diagnostic::error(
                                root(key),
                                Code::FlexShapeConfig,
                                format!(
                                    "`{}` is a flexible shape: the pool needs `{key}`",
                                    shape.name
                                ),
                            ));
                        }
                    }
                    Some(0) => sink.note(Diagnostic::error(
                        root(key),
                        Code::FlexShapeConfig,
                        format!("`{key}` is 0"),
                    )),
                    Some(v) if v > max => sink.note(Diagnostic::error(
                        root(key),
                        Code::FlexShapeConfig,
                        format!("{v} {unit} is more than `{}` offers ({max})", shape.name),
                    )),
                    Some(_) => {}
                }
            }
        }
        None => {
            for (value, key) in [(ocpus, ocpu_key), (memory, mem_key)] {
                if value.is_some() {
                    sink.note(Diagnostic::warning(
                        root(key),
                        Code::FlexShapeConfig,
                        format!("`{}` is a fixed shape; `{key}` is ignored", shape.name),
                    ));
                }
            }
        }
        Some(_) => {}
    }
}

/// A shape OCI offers only with an availability domain and a node image.
fn self_managed(recipe: &Recipe, shape: &Shape, sink: &mut Sink) {
    if !shape.self_managed {
        return;
    }
    for (key, present) in [
        (
            "recipe_availability_domain",
            recipe.recipe_availability_domain.is_some(),
        ),
        (
            "recipe_node_image_ocid",
            recipe.recipe_node_image_ocid.is_some(),
        ),
    ] {
        if !present {
            sink.note(Diagnostic::error(
                root(key),
                Code::SelfManagedShape,
                format!(
                    "`{}` is a self-managed shape upstream: a pool of it needs `{key}`",
                    shape.name
                ),
            ));
        }
    }
}

/// What the pod asks of one node (architecture, RDMA, memory, CPUs, `/dev/shm`) against what the shape has.
fn fits_the_node(recipe: &Recipe, shape: &Shape, sizing: &Sizing, sink: &mut Sink) {
    let (ocpus, memory) = (sizing.ocpus, sizing.memory);
    if let Some(arch) = &recipe.recipe_node_selector_arch
        && arch != shape.arch.as_str()
    {
        sink.note(Diagnostic::error(
            root("recipe_node_selector_arch"),
            Code::InvalidValue,
            format!("`{}` nodes are `{}`, but the recipe selects `{arch}`: the pod would never schedule", shape.name, shape.arch.as_str()),
        ));
    }
    if recipe.multinode_rdma_enabled_in_shared_pool == Some(true) && !shape.rdma {
        sink.note(Diagnostic::error(
            root("multinode_rdma_enabled_in_shared_pool"),
            Code::NoRdma,
            format!("`{}` has no RDMA cluster network", shape.name),
        ).with_hint("RDMA shapes: BM.GPU.H100.8, BM.GPU.H200.8, BM.GPU.B200.8, BM.GPU.B4.8, BM.GPU.MI300X.8"));
    }
    if let Some(gb) = recipe.recipe_container_memory_size
        && u64::from(gb) > u64::from(memory.unwrap_or(shape.memory_gb))
    {
        sink.note(Diagnostic::error(
            root("recipe_container_memory_size"),
            Code::InvalidValue,
            format!(
                "{gb} GB of memory per replica, but a `{}` node has {} GB",
                shape.name,
                memory.unwrap_or(shape.memory_gb)
            ),
        ));
    }
    if let Some(cpus) = recipe.recipe_container_cpu_count {
        // An x86 OCPU is two hardware threads; an Ampere OCPU is one core.
        let per_ocpu = if shape.arch == crate::shape::Arch::Amd64 {
            2
        } else {
            1
        };
        let vcpus = ocpus.unwrap_or(shape.ocpus).saturating_mul(per_ocpu);
        if cpus > vcpus {
            sink.note(Diagnostic::error(
                root("recipe_container_cpu_count"),
                Code::InvalidValue,
                format!(
                    "{cpus} CPUs per replica, but a `{}` node has {vcpus}",
                    shape.name
                ),
            ));
        }
    }
    if let Some(mb) = recipe.recipe_shared_memory_volume_size_limit_in_mb
        && u64::from(mb) > u64::from(shape.memory_gb) * 1024
    {
        sink.note(Diagnostic::error(
            root("recipe_shared_memory_volume_size_limit_in_mb"),
            Code::SharedMemory,
            format!(
                "{mb} MB of /dev/shm is more than a `{}` node's {} GB of memory",
                shape.name, shape.memory_gb
            ),
        ));
    }
    if shape.gpus.is_some()
        && recipe.recipe_mode == Some(RecipeMode::Service)
        && recipe
            .recipe_shared_memory_volume_size_limit_in_mb
            .is_none()
    {
        sink.note(Diagnostic::warning(
            root("recipe_shared_memory_volume_size_limit_in_mb"),
            Code::SharedMemory,
            "no /dev/shm size on a GPU shape: the container gets the runtime's 64 MB default, too small for vLLM's tensor-parallel workers",
        ).with_hint("upstream recommends at least 100; its samples use 200–10000"));
    }
}

/// Fields of a recipe's own pool on a shared pool, a shared pool's twin fields, and empty pools.
fn pool_fields(recipe: &Recipe, creates_pool: bool, sink: &mut Sink) {
    if recipe.uses_shared_pool() && recipe.recipe_mode != Some(RecipeMode::SharedNodePool) {
        for (key, present) in [
            (
                "recipe_node_pool_size",
                recipe.recipe_node_pool_size.is_some(),
            ),
            (
                "recipe_node_boot_volume_size_in_gbs",
                recipe.recipe_node_boot_volume_size_in_gbs.is_some(),
            ),
        ] {
            if present {
                sink.note(Diagnostic::note(
                    root(key),
                    Code::PoolPlacement,
                    format!("`{key}` is ignored: the recipe runs on a shared pool"),
                ));
            }
        }
    } else if recipe.recipe_shared_node_pool_selector.is_some() {
        sink.note(Diagnostic::warning(
            root("recipe_shared_node_pool_selector"),
            Code::PoolPlacement,
            "`recipe_shared_node_pool_selector` has no effect unless `recipe_use_shared_node_pool` is true",
        ));
    }
    if recipe.recipe_mode == Some(RecipeMode::SharedNodePool) {
        // A shared pool reads its own fields; a value in the twin field of a recipe's own pool was meant for it.
        for (own, present, shared) in [
            (
                "recipe_node_shape",
                recipe.recipe_node_shape.is_some(),
                "shared_node_pool_shape",
            ),
            (
                "recipe_node_pool_size",
                recipe.recipe_node_pool_size.is_some(),
                "shared_node_pool_size",
            ),
            (
                "recipe_node_boot_volume_size_in_gbs",
                recipe.recipe_node_boot_volume_size_in_gbs.is_some(),
                "shared_node_pool_boot_volume_size_in_gbs",
            ),
            (
                "recipe_flex_shape_ocpu_count",
                recipe.recipe_flex_shape_ocpu_count.is_some(),
                "shared_node_pool_flex_shape_ocpu_count",
            ),
            (
                "recipe_flex_shape_memory_size_in_gbs",
                recipe.recipe_flex_shape_memory_size_in_gbs.is_some(),
                "shared_node_pool_flex_shape_memory_size_in_gbs",
            ),
        ] {
            if present {
                sink.note(
                    Diagnostic::warning(
                        root(own),
                        Code::PoolPlacement,
                        format!("`{own}` is ignored: a `shared_node_pool` recipe reads `{shared}`"),
                    )
                    .with_hint(format!("move the value to `{shared}`")),
                );
            }
        }
    }
    for (key, size) in [
        ("recipe_node_pool_size", recipe.recipe_node_pool_size),
        ("shared_node_pool_size", recipe.shared_node_pool_size),
    ] {
        if size == Some(0) && creates_pool {
            sink.note(Diagnostic::warning(
                root(key),
                Code::NodeBounds,
                "a pool of 0 nodes cannot run anything until something scales it up",
            ));
        }
    }
}

fn multinode(recipe: &Recipe, shape: Option<&Shape>, sink: &mut Sink) -> Option<Multinode> {
    let nodes = recipe.multinode_num_nodes_to_use_from_shared_pool?;
    let errors = sink.diagnostics.count(crate::Severity::Error);
    let at = root("multinode_num_nodes_to_use_from_shared_pool");
    if !recipe.uses_shared_pool() {
        sink.note(
            Diagnostic::error(
                &at,
                Code::Multinode,
                "a multinode service spans nodes of a shared pool: it needs `recipe_use_shared_node_pool: true`",
            )
            .with_hint("set `recipe_use_shared_node_pool` to true and create the shared pool first"),
        );
    }
    if nodes < 2 {
        sink.note(Diagnostic::error(
            &at,
            Code::Multinode,
            format!(
                "{nodes} node is not a multinode deployment: use at least 2, or remove the field"
            ),
        ));
    }
    if let Some(size) = recipe
        .recipe_node_pool_size
        .or(recipe.shared_node_pool_size)
        && nodes >= size
    {
        sink.note(Diagnostic::error(
            &at,
            Code::Multinode,
            format!("{nodes} nodes of a pool of {size}: upstream requires fewer nodes than the shared pool has"),
        ));
    }
    if let Some(shape) = shape {
        match &shape.gpus {
            None => sink.note(Diagnostic::error(
                &at,
                Code::Multinode,
                format!(
                    "multinode inference runs on GPU shapes only; `{}` has none",
                    shape.name
                ),
            )),
            Some(g) => {
                let per_node = recipe
                    .recipe_nvidia_gpu_count
                    .or(recipe.recipe_amd_gpu_count);
                if let Some(n) = per_node
                    && n < g.count
                {
                    sink.note(Diagnostic::warning(
                        root(g.vendor.count_field()),
                        Code::Multinode,
                        format!("a multinode group takes whole nodes: {n} of the {} GPUs of each `{}` node would stay idle", g.count, shape.name),
                    ));
                }
            }
        }
    }
    (recipe.recipe_mode == Some(RecipeMode::Service)
        && sink.diagnostics.count(crate::Severity::Error) == errors)
        .then(|| Multinode {
            nodes,
            rdma: recipe.multinode_rdma_enabled_in_shared_pool == Some(true),
        })
}
