//! The rules a recipe must follow beyond its structure: required fields per mode, names, shapes and GPUs,
//! storage, ports, probes, images, environment, placement.
//!
//! Each rule reads the typed [`Recipe`] and reports into the [`Sink`]; none stops the others. Autoscaling rules
//! live in [`crate::autoscaling`] and capacity in [`crate::capacity`]; [`mod@crate::plan`] runs them all.

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostic::{Code, Diagnostic, Pointer};
use crate::names::{dns_label_problem, label_key_problem, label_value_problem, subdomain_problem};
use crate::recipe::convert::Sink;
use crate::recipe::image::parse_image;
use crate::recipe::name::CanonicalName;
use crate::recipe::{PortText, ProbeParams, Recipe, RecipeMode};
use crate::shape::{GpuVendor, Shape, ShapeCatalog};

fn root(key: &str) -> Pointer {
    Pointer::root().key(key)
}

/// Reports `key` missing unless it is present, or present but already reported as unusable.
fn require(present: bool, key: &str, why: &str, sink: &mut Sink) {
    if !present && !sink.was_invalid(root(key).as_str()) {
        sink.note(Diagnostic::error(
            root(key),
            Code::MissingField,
            format!("`{key}` is required {why}"),
        ));
    }
}

/// Checks the fields each mode needs.
pub fn required_fields(recipe: &Recipe, sink: &mut Sink) {
    require(
        recipe.deployment_name.is_some(),
        "deployment_name",
        "in every recipe",
        sink,
    );
    let Some(mode) = recipe.recipe_mode else {
        if !sink.was_invalid("/recipe_mode") {
            sink.note(
                Diagnostic::error(
                    root("recipe_mode"),
                    Code::MissingField,
                    "`recipe_mode` is required in every recipe",
                )
                .with_hint("one of `service`, `job`, `update`, `shared_node_pool`, `team`"),
            );
        }
        return;
    };
    let r = recipe;
    match mode {
        RecipeMode::Service | RecipeMode::Job => {
            let why = format!("for a `{}` recipe", mode.as_str());
            require(r.recipe_image_uri.is_some(), "recipe_image_uri", &why, sink);
            require(
                r.recipe_node_shape.is_some(),
                "recipe_node_shape",
                &why,
                sink,
            );
            require(
                r.recipe_ephemeral_storage_size.is_some(),
                "recipe_ephemeral_storage_size",
                &why,
                sink,
            );
            if mode == RecipeMode::Service {
                require(
                    r.recipe_container_port.is_some(),
                    "recipe_container_port",
                    "for a `service` recipe (the ingress points at it)",
                    sink,
                );
            }
            if !r.uses_shared_pool() {
                let why = "when the recipe creates its own node pool";
                require(
                    r.recipe_node_pool_size.is_some(),
                    "recipe_node_pool_size",
                    why,
                    sink,
                );
                require(
                    r.recipe_node_boot_volume_size_in_gbs.is_some(),
                    "recipe_node_boot_volume_size_in_gbs",
                    why,
                    sink,
                );
            }
        }
        RecipeMode::SharedNodePool => {
            let why = "for a `shared_node_pool` recipe";
            require(
                r.shared_node_pool_size.is_some(),
                "shared_node_pool_size",
                why,
                sink,
            );
            require(
                r.shared_node_pool_shape.is_some(),
                "shared_node_pool_shape",
                why,
                sink,
            );
            require(
                r.shared_node_pool_boot_volume_size_in_gbs.is_some(),
                "shared_node_pool_boot_volume_size_in_gbs",
                why,
                sink,
            );
        }
        RecipeMode::Update => {
            if r.recipe_node_name.is_none() && r.recipe_node_pool_name.is_none() {
                sink.note(Diagnostic::error(
                    root("recipe_node_name"),
                    Code::MissingField,
                    "an `update` recipe needs `recipe_node_name` (a node's private IP) or `recipe_node_pool_name`",
                ));
            }
            if r.recipe_node_labels.is_none() && r.shared_node_pool_mig_config.is_none() {
                sink.note(Diagnostic::error(
                    root("recipe_node_labels"),
                    Code::MissingField,
                    "an `update` recipe changes `recipe_node_labels` or `shared_node_pool_mig_config`; it has neither",
                ));
            }
        }
        RecipeMode::Team => require(r.team.is_some(), "team", "for a `team` recipe", sink),
    }
}

/// Canonicalises `deployment_name`: an error when the canonical form is unusable, a note when it differs.
///
/// Services and jobs become Kubernetes objects named after the deployment, so their canonical name must be a
/// DNS-1123 label; pools, teams and updates only carry it as a label value, which also allows `.` and `_`.
pub fn deployment_name(recipe: &Recipe, sink: &mut Sink) -> Option<CanonicalName> {
    let raw = recipe.deployment_name.as_deref()?;
    let at = root("deployment_name");
    let named_objects = matches!(
        recipe.recipe_mode,
        Some(RecipeMode::Service | RecipeMode::Job) | None
    );
    if !named_objects {
        let canonical = crate::recipe::canonical_name(raw);
        if let Some(problem) = label_value_problem(&canonical)
            .or_else(|| canonical.is_empty().then(|| "it is empty".to_owned()))
        {
            sink.note(Diagnostic::error(
                &at,
                Code::InvalidName,
                format!("`{raw}` canonicalises to `{canonical}`, which is not a valid label value: {problem}"),
            ));
        } else if canonical != raw {
            sink.note(Diagnostic::info(
                &at,
                Code::NameCanonicalised,
                format!("`{raw}` becomes `{canonical}` where it is used as a label"),
            ));
        }
        return None;
    }
    match CanonicalName::new(raw) {
        Ok(name) => {
            if name.as_str() != raw {
                let what = if recipe.recipe_mode == Some(RecipeMode::Service) {
                    format!(
                        "in Kubernetes names, the Service `{}` and the public host",
                        name.service_name()
                    )
                } else {
                    "in Kubernetes names".to_owned()
                };
                sink.note(Diagnostic::info(
                    &at,
                    Code::NameCanonicalised,
                    format!("`{raw}` becomes `{name}` {what}"),
                ));
            }
            Some(name)
        }
        Err(e) => {
            sink.note(
                Diagnostic::error(
                    &at,
                    Code::InvalidName,
                    format!(
                        "`{raw}` canonicalises to `{}`, which is not a valid DNS-1123 label: {}",
                        e.canonical, e.reason
                    ),
                )
                .with_hint("use lower-case letters, digits and `-`, starting and ending with a letter or digit, at most 56 characters"),
            );
            None
        }
    }
}

/// Looks up the shape field `key`, reporting an unknown name with suggestions.
pub fn shape<'c>(
    recipe_shape: Option<&str>,
    key: &str,
    catalog: &'c ShapeCatalog,
    sink: &mut Sink,
) -> Option<&'c Shape> {
    let name = recipe_shape?;
    match catalog.lookup(name) {
        Ok(shape) => {
            if let Some(caveat) = &shape.caveat {
                sink.note(Diagnostic::warning(
                    root(key),
                    Code::ShapeCaveat,
                    caveat.to_string(),
                ));
            }
            Some(shape)
        }
        Err(unknown) => {
            let mut d = Diagnostic::error(
                root(key),
                Code::UnknownShape,
                format!("`{name}` is not an OCI shape that corrino knows"),
            );
            if let Some(hint) = unknown.hint() {
                d = d.with_hint(hint);
            }
            sink.note(d);
            None
        }
    }
}

/// Checks GPU counts, MIG and the shape's vendor. Returns the GPUs each replica takes (0 for CPU workloads).
pub fn gpus(recipe: &Recipe, shape: Option<&Shape>, sink: &mut Sink) -> u32 {
    let nvidia = recipe.recipe_nvidia_gpu_count;
    let amd = recipe.recipe_amd_gpu_count;
    for (count, key) in [
        (nvidia, "recipe_nvidia_gpu_count"),
        (amd, "recipe_amd_gpu_count"),
    ] {
        if count == Some(0) {
            sink.note(
                Diagnostic::error(
                    root(key),
                    Code::InvalidGpuCount,
                    format!("`{key}` is 0; upstream requires at least 1"),
                )
                .with_hint("remove the field for a CPU workload"),
            );
        }
    }
    if nvidia.is_some_and(|n| n > 0) && amd.is_some_and(|n| n > 0) {
        sink.note(Diagnostic::error(
            root("recipe_amd_gpu_count"),
            Code::GpuVendorMismatch,
            "a recipe asks for NVIDIA or AMD GPUs, not both",
        ));
    }
    let Some(shape) = shape else {
        return nvidia.or(amd).unwrap_or(0);
    };
    let Some(gpus) = &shape.gpus else {
        for (count, key) in [
            (nvidia, "recipe_nvidia_gpu_count"),
            (amd, "recipe_amd_gpu_count"),
        ] {
            if count.is_some_and(|n| n > 0) {
                sink.note(
                    Diagnostic::error(
                        root(key),
                        Code::GpusOnCpuShape,
                        format!(
                            "`{}` has no GPUs, but the recipe asks for {}",
                            shape.name,
                            count.unwrap_or(0)
                        ),
                    )
                    .with_hint("choose a GPU shape such as VM.GPU.A10.2, or remove the GPU count"),
                );
            }
        }
        if recipe.mig_resource_request.is_some() {
            sink.note(Diagnostic::error(
                root("mig_resource_request"),
                Code::InvalidMig,
                format!("`{}` has no GPUs to slice", shape.name),
            ));
        }
        return 0;
    };
    let (own, own_key, other, other_key) = match gpus.vendor {
        GpuVendor::Nvidia => (
            nvidia,
            "recipe_nvidia_gpu_count",
            amd,
            "recipe_amd_gpu_count",
        ),
        GpuVendor::Amd => (
            amd,
            "recipe_amd_gpu_count",
            nvidia,
            "recipe_nvidia_gpu_count",
        ),
    };
    if other.is_some_and(|n| n > 0) {
        sink.note(
            Diagnostic::error(
                root(other_key),
                Code::GpuVendorMismatch,
                format!(
                    "`{}` has {} GPUs, but the recipe counts them in `{other_key}`",
                    shape.name,
                    gpus.vendor.display_name()
                ),
            )
            .with_hint(format!("use `{own_key}`")),
        );
    }
    let per_replica = own.or(other).unwrap_or(0);
    match own {
        Some(n) if n > gpus.count && recipe.mig_resource_request.is_none() => sink.note(
            Diagnostic::error(
                root(own_key),
                Code::TooManyGpus,
                format!(
                    "{n} GPUs per replica, but `{}` has {}",
                    shape.name, gpus.count
                ),
            )
            .with_hint(format!("at most {}, or a larger shape", gpus.count)),
        ),
        None if !sink.was_invalid(root(own_key).as_str())
            && other.is_none()
            && matches!(
                recipe.recipe_mode,
                Some(RecipeMode::Service | RecipeMode::Job)
            ) =>
        {
            sink.note(
                Diagnostic::warning(
                    root(own_key),
                    Code::NoGpuRequested,
                    format!(
                        "`{}` is a GPU shape, but the recipe requests no GPU: the container will not see one",
                        shape.name
                    ),
                )
                .with_hint(format!("set `{own_key}`")),
            );
        }
        _ => {}
    }
    if let Some(profile) = &recipe.mig_resource_request {
        mig_request(recipe, shape, profile, sink);
    }
    per_replica
}

fn mig_request(recipe: &Recipe, shape: &Shape, profile: &str, sink: &mut Sink) {
    let at = root("mig_resource_request");
    let profiles: Vec<&str> = shape
        .gpus
        .as_ref()
        .map(|g| g.mig_profiles.iter().map(|p| p.name.as_ref()).collect())
        .unwrap_or_default();
    if profiles.is_empty() {
        sink.note(
            Diagnostic::error(
                &at,
                Code::InvalidMig,
                format!("`{}` does not support MIG", shape.name),
            )
            .with_hint("MIG is available on BM.GPU.H100.8, BM.GPU.H200.8 and BM.GPU.B200.8"),
        );
        return;
    }
    if shape.mig_profile(profile).is_none() {
        let suggestions = crate::diagnostic::suggest(profile, profiles.iter().copied(), 2);
        let mut d = Diagnostic::error(
            &at,
            Code::InvalidMig,
            format!(
                "`{}` offers no MIG profile `{profile}`; it offers {}",
                shape.name,
                profiles.join(", ")
            ),
        );
        if let Some(hint) = crate::diagnostic::did_you_mean(&suggestions) {
            d = d.with_hint(hint);
        }
        sink.note(d);
    }
    if !recipe.uses_shared_pool() {
        sink.note(Diagnostic::error(
            &at,
            Code::InvalidMig,
            "MIG slices come from a shared node pool configured with `shared_node_pool_mig_config`; set `recipe_use_shared_node_pool` to true",
        ));
    }
    if recipe.recipe_nvidia_gpu_count.is_some_and(|n| n > 1) {
        sink.note(Diagnostic::warning(
            root("recipe_nvidia_gpu_count"),
            Code::InvalidMig,
            "with MIG each replica gets one slice; the GPU count is not used",
        ));
    }
}

/// Checks a shared pool's MIG layout (`all-<profile>`, `all-balanced`, `all-disabled`).
pub fn mig_config(recipe: &Recipe, shape: Option<&Shape>, sink: &mut Sink) {
    let Some(config) = &recipe.shared_node_pool_mig_config else {
        return;
    };
    let at = root("shared_node_pool_mig_config");
    let Some(shape) = shape else { return };
    let profiles: Vec<String> = shape
        .gpus
        .as_ref()
        .map(|g| {
            g.mig_profiles
                .iter()
                .map(|p| format!("all-{}", p.name))
                .collect()
        })
        .unwrap_or_default();
    if profiles.is_empty() && config != "all-disabled" {
        sink.note(Diagnostic::error(
            &at,
            Code::InvalidMig,
            format!("`{}` does not support MIG", shape.name),
        ));
        return;
    }
    let mut allowed: Vec<&str> = vec!["all-balanced", "all-disabled"];
    allowed.extend(profiles.iter().map(String::as_str));
    if !allowed.contains(&config.as_str()) {
        let suggestions = crate::diagnostic::suggest(config, allowed.iter().copied(), 2);
        let mut d = Diagnostic::error(
            &at,
            Code::InvalidMig,
            format!("`{config}` is not a MIG layout of `{}`", shape.name),
        );
        if let Some(hint) = crate::diagnostic::did_you_mean(&suggestions) {
            d = d.with_hint(hint);
        }
        sink.note(d);
    }
}

/// Checks flex sizing, self-managed shapes, architecture and RDMA for the pool the recipe creates or uses.
pub fn placement(recipe: &Recipe, shape: Option<&Shape>, sink: &mut Sink) {
    let creates_pool = match recipe.recipe_mode {
        Some(RecipeMode::Service | RecipeMode::Job) => !recipe.uses_shared_pool(),
        Some(RecipeMode::SharedNodePool) => true,
        _ => false,
    };
    let shared_mode = recipe.recipe_mode == Some(RecipeMode::SharedNodePool);
    let (ocpu_key, mem_key) = if shared_mode {
        (
            "shared_node_pool_flex_shape_ocpu_count",
            "shared_node_pool_flex_shape_memory_size_in_gbs",
        )
    } else {
        (
            "recipe_flex_shape_ocpu_count",
            "recipe_flex_shape_memory_size_in_gbs",
        )
    };
    let (ocpus, memory) = if shared_mode {
        (
            recipe.shared_node_pool_flex_shape_ocpu_count,
            recipe.shared_node_pool_flex_shape_memory_size_in_gbs,
        )
    } else {
        (
            recipe.recipe_flex_shape_ocpu_count,
            recipe.recipe_flex_shape_memory_size_in_gbs,
        )
    };
    if let Some(shape) = shape {
        match &shape.flex {
            Some(limits) if creates_pool => {
                for (value, key, max, unit) in [
                    (ocpus, ocpu_key, limits.max_ocpus, "OCPUs"),
                    (memory, mem_key, limits.max_memory_gb, "GB"),
                ] {
                    match value {
                        None => {
                            if !sink.was_invalid(root(key).as_str()) {
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
        if shape.self_managed && creates_pool {
            for key in ["recipe_availability_domain", "recipe_node_image_ocid"] {
                let present = match key {
                    "recipe_availability_domain" => recipe.recipe_availability_domain.is_some(),
                    _ => recipe.recipe_node_image_ocid.is_some(),
                };
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
    if recipe.uses_shared_pool() && recipe.recipe_mode != Some(RecipeMode::SharedNodePool) {
        for key in [
            "recipe_node_pool_size",
            "recipe_node_boot_volume_size_in_gbs",
        ] {
            let present = match key {
                "recipe_node_pool_size" => recipe.recipe_node_pool_size.is_some(),
                _ => recipe.recipe_node_boot_volume_size_in_gbs.is_some(),
            };
            if present {
                sink.note(Diagnostic::info(
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
    if shared_mode {
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
    multinode(recipe, shape, sink);
}

fn multinode(recipe: &Recipe, shape: Option<&Shape>, sink: &mut Sink) {
    let Some(nodes) = recipe.multinode_num_nodes_to_use_from_shared_pool else {
        return;
    };
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
}

/// Checks storage sizes, mount paths and sources.
pub fn storage(recipe: &Recipe, sink: &mut Sink) {
    if let (Some(ephemeral), Some(boot)) = (
        recipe.recipe_ephemeral_storage_size,
        recipe.recipe_node_boot_volume_size_in_gbs,
    ) && ephemeral > boot
        && !recipe.uses_shared_pool()
    {
        sink.note(
            Diagnostic::error(
                root("recipe_ephemeral_storage_size"),
                Code::EphemeralExceedsBootVolume,
                format!("{ephemeral} GB of ephemeral storage, but the node's boot volume is {boot} GB"),
            )
            .with_hint("ephemeral storage lives on the boot volume: lower it or raise `recipe_node_boot_volume_size_in_gbs`"),
        );
    }
    if recipe
        .recipe_node_boot_volume_size_in_gbs
        .is_some_and(|gb| gb < 50)
    {
        sink.note(Diagnostic::error(
            root("recipe_node_boot_volume_size_in_gbs"),
            Code::InvalidValue,
            "OCI boot volumes are at least 50 GB",
        ));
    }
    let mut mounts: BTreeMap<String, Pointer> = BTreeMap::new();
    let mut mount = |path: Option<&String>, at: Pointer, sink: &mut Sink| {
        let Some(path) = path else { return };
        if !path.starts_with('/') {
            sink.note(Diagnostic::error(
                &at,
                Code::InvalidPath,
                format!("the mount location `{path}` is not an absolute path"),
            ));
            return;
        }
        let normalised = path.trim_end_matches('/').to_owned();
        if let Some(first) = mounts.get(&normalised) {
            sink.note(Diagnostic::error(
                &at,
                Code::DuplicateMount,
                format!("`{path}` is already mounted by {first}"),
            ));
        } else {
            mounts.insert(normalised, at);
        }
    };
    for (i, item) in recipe.input_object_storage.iter().flatten().enumerate() {
        let at = root("input_object_storage").index(i);
        match (&item.par, &item.bucket_name) {
            (None, None) => sink.note(Diagnostic::error(
                &at,
                Code::StorageSource,
                "an object storage input needs `par` (a pre-authenticated URL) or `bucket_name`",
            )),
            (Some(_), Some(_)) => sink.note(Diagnostic::error(
                &at,
                Code::StorageSource,
                "give `par` or `bucket_name`, not both",
            )),
            (Some(par), None) if !par.starts_with("https://") => sink.note(Diagnostic::error(
                at.key("par"),
                Code::StorageSource,
                "a pre-authenticated request is an https:// URL",
            )),
            _ => {}
        }
        size_positive(item.volume_size_in_gbs, &at, sink);
        mount(item.mount_location.as_ref(), at.key("mount_location"), sink);
    }
    for (i, item) in recipe.output_object_storage.iter().flatten().enumerate() {
        let at = root("output_object_storage").index(i);
        size_positive(item.volume_size_in_gbs, &at, sink);
        mount(item.mount_location.as_ref(), at.key("mount_location"), sink);
    }
    for (i, item) in recipe.input_file_system.iter().flatten().enumerate() {
        let at = root("input_file_system").index(i);
        for (value, key, kind) in [
            (&item.file_system_ocid, "file_system_ocid", "filesystem"),
            (&item.mount_target_ocid, "mount_target_ocid", "mounttarget"),
        ] {
            if let Some(ocid) = value
                && !ocid.starts_with(&format!("ocid1.{kind}."))
            {
                sink.note(Diagnostic::error(
                    at.key(key),
                    Code::InvalidValue,
                    format!("`{ocid}` is not a {kind} OCID (`ocid1.{kind}.…`)"),
                ));
            }
        }
        size_positive(item.volume_size_in_gbs, &at, sink);
        mount(item.mount_location.as_ref(), at.key("mount_location"), sink);
    }
    for (i, item) in recipe.local_filesystem.iter().flatten().enumerate() {
        let at = root("local_filesystem").index(i);
        if let Some(path) = &item.node_directory_path
            && !path.starts_with('/')
        {
            sink.note(Diagnostic::error(
                at.key("node_directory_path"),
                Code::InvalidPath,
                format!("the node directory `{path}` is not an absolute path"),
            ));
        }
        mount(item.mount_location.as_ref(), at.key("mount_location"), sink);
    }
}

fn size_positive(size: Option<u32>, at: &Pointer, sink: &mut Sink) {
    if size == Some(0) {
        sink.note(Diagnostic::error(
            at.key("volume_size_in_gbs"),
            Code::InvalidValue,
            "a volume of 0 GB holds nothing",
        ));
    }
}

/// Checks a port string; returns the number when valid.
fn port_text(port: Option<&PortText>, key: &str, sink: &mut Sink) -> Option<u16> {
    let text = port?;
    let number = text.number();
    if number.is_none() {
        let shown = &text.0;
        let why = match text.0.trim().parse::<i64>() {
            Ok(n) => format!("{n} is outside 1–65535"),
            Err(_) => format!("`{shown}` is not a number"),
        };
        sink.note(
            Diagnostic::error(root(key), Code::InvalidPort, format!("invalid port: {why}"))
                .with_hint("write the port the container listens on, such as \"8000\""),
        );
    }
    number
}

/// Checks ports, the extra ingress ports and the probes; returns the container port.
pub fn ports_and_probes(recipe: &Recipe, sink: &mut Sink) -> Option<u16> {
    let container_port = port_text(
        recipe.recipe_container_port.as_ref(),
        "recipe_container_port",
        sink,
    );
    port_text(recipe.recipe_host_port.as_ref(), "recipe_host_port", sink);
    let mut names = BTreeSet::new();
    for (i, item) in recipe
        .recipe_additional_ingress_ports
        .iter()
        .flatten()
        .enumerate()
    {
        let at = root("recipe_additional_ingress_ports").index(i);
        if let Some(port) = item.port
            && !(1..=65535).contains(&port)
        {
            sink.note(Diagnostic::error(
                at.key("port"),
                Code::InvalidPort,
                format!("{port} is outside 1–65535"),
            ));
        }
        if let Some(name) = &item.name {
            // A Service port name: an IANA service name (lower-case, at most 15 characters).
            if let Some(problem) = dns_label_problem(name, 15) {
                sink.note(Diagnostic::error(
                    at.key("name"),
                    Code::InvalidValue,
                    format!("`{name}` cannot name a Service port: {problem}"),
                ));
            } else if !names.insert(name.clone()) || name == "http" {
                sink.note(Diagnostic::error(
                    at.key("name"),
                    Code::DuplicateValue,
                    format!("the port name `{name}` is used twice (`http` is the main port)"),
                ));
            }
        }
        if let Some(path) = &item.path
            && !path.starts_with('/')
        {
            sink.note(Diagnostic::error(
                at.key("path"),
                Code::InvalidPath,
                format!("the ingress path `{path}` must start with `/`"),
            ));
        }
    }
    for (key, kind) in [
        ("recipe_startup_probe_params", ProbeKind::Startup),
        ("recipe_liveness_probe_params", ProbeKind::Liveness),
        ("recipe_readiness_probe_params", ProbeKind::Readiness),
    ] {
        let probe = match kind {
            ProbeKind::Startup => recipe.recipe_startup_probe_params.as_ref(),
            ProbeKind::Liveness => recipe.recipe_liveness_probe_params.as_ref(),
            ProbeKind::Readiness => recipe.recipe_readiness_probe_params.as_ref(),
        };
        if let Some(probe) = probe {
            check_probe(probe, kind, &root(key), container_port, sink);
        }
    }
    container_port
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ProbeKind {
    Startup,
    Liveness,
    Readiness,
}

fn check_probe(
    probe: &ProbeParams,
    kind: ProbeKind,
    at: &Pointer,
    container_port: Option<u16>,
    sink: &mut Sink,
) {
    match &probe.endpoint_path {
        None => {
            if !sink.was_invalid(at.key("endpoint_path").as_str()) {
                sink.note(
                    Diagnostic::error(
                        at.key("endpoint_path"),
                        Code::Probe,
                        "a probe needs `endpoint_path`",
                    )
                    .with_hint("vLLM answers on \"/health\""),
                );
            }
        }
        Some(path) if !path.starts_with('/') => sink.note(Diagnostic::error(
            at.key("endpoint_path"),
            Code::Probe,
            format!("`{path}` must start with `/`"),
        )),
        Some(_) => {}
    }
    for (value, key) in [
        (probe.period_seconds, "period_seconds"),
        (probe.timeout_seconds, "timeout_seconds"),
        (probe.failure_threshold, "failure_threshold"),
        (probe.success_threshold, "success_threshold"),
    ] {
        if value == Some(0) {
            sink.note(Diagnostic::error(
                at.key(key),
                Code::Probe,
                format!("`{key}` must be at least 1 (Kubernetes' minimum)"),
            ));
        }
    }
    if kind != ProbeKind::Readiness && probe.success_threshold.is_some_and(|n| n > 1) {
        sink.note(Diagnostic::error(
            at.key("success_threshold"),
            Code::Probe,
            "Kubernetes requires `success_threshold` 1 for liveness and startup probes",
        ));
    }
    if let Some(port) = probe.port {
        if !(1..=65535).contains(&port) {
            sink.note(Diagnostic::error(
                at.key("port"),
                Code::InvalidPort,
                format!("{port} is outside 1–65535"),
            ));
        } else if let Some(container) = container_port
            && port != u32::from(container)
        {
            sink.note(Diagnostic::warning(
                at.key("port"),
                Code::Probe,
                format!("the probe checks port {port}, but the container listens on {container}"),
            ));
        }
    }
    if kind == ProbeKind::Startup
        && let (Some(f), Some(p)) = (probe.failure_threshold, probe.period_seconds)
    {
        let budget =
            u64::from(probe.initial_delay_seconds.unwrap_or(0)) + u64::from(f) * u64::from(p);
        if budget < 60 {
            sink.note(Diagnostic::info(
                at,
                Code::Probe,
                format!("the startup probe gives the server {budget} s to start; loading a model usually takes longer, after which Kubernetes restarts the container"),
            ));
        }
    }
}

/// Checks the image reference.
pub fn image(recipe: &Recipe, sink: &mut Sink) {
    let Some(image) = &recipe.recipe_image_uri else {
        return;
    };
    let at = root("recipe_image_uri");
    match parse_image(image) {
        Err(why) => sink.note(Diagnostic::error(
            &at,
            Code::InvalidImage,
            format!("`{image}` is not a valid image reference: {why}"),
        )),
        Ok(r) if r.digest.is_none() && matches!(r.tag, None | Some("latest")) => sink.note(
            Diagnostic::warning(
                &at,
                Code::UnpinnedImage,
                format!("`{image}` has no fixed tag: each new node may pull a different image"),
            )
            .with_hint("pin a version tag or a digest"),
        ),
        Ok(_) => {}
    }
}

/// Whether `name` is an environment variable name every supported cluster accepts: Kubernetes' long-standing
/// rule `[-._a-zA-Z][-._a-zA-Z0-9]*` (newer clusters relax it, older ones on OKE do not).
fn env_name_ok(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, '-' | '.' | '_'))
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
}

/// Checks environment variable names, duplicates, and `$(NAME)` references in the arguments.
pub fn environment(recipe: &Recipe, sink: &mut Sink) {
    let mut seen: BTreeMap<String, Pointer> = BTreeMap::new();
    let mut check = |name: &str, at: Pointer, sink: &mut Sink| {
        if !env_name_ok(name) {
            sink.note(
                Diagnostic::error(
                    &at,
                    Code::InvalidEnvName,
                    format!("`{name}` is not a valid environment variable name"),
                )
                .with_hint(
                    "start with a letter, `_`, `-` or `.`, then letters, digits, `_`, `-` or `.`",
                ),
            );
        }
        if let Some(first) = seen.get(name) {
            sink.note(Diagnostic::warning(
                &at,
                Code::DuplicateEnv,
                format!("`{name}` is also set at {first}; the container sees only the last"),
            ));
        } else {
            seen.insert(name.to_owned(), at);
        }
    };
    for (i, var) in recipe.recipe_container_env.iter().flatten().enumerate() {
        if let Some(key) = &var.key {
            check(key, root("recipe_container_env").index(i).key("key"), sink);
        }
    }
    for (i, secret) in recipe
        .recipe_environment_secrets
        .iter()
        .flatten()
        .enumerate()
    {
        let at = root("recipe_environment_secrets").index(i);
        if let Some(name) = &secret.envvar_name {
            check(name, at.key("envvar_name"), sink);
        }
        if let Some(secret_name) = &secret.secret_name
            && let Some(problem) = subdomain_problem(secret_name)
        {
            sink.note(Diagnostic::error(
                at.key("secret_name"),
                Code::InvalidValue,
                format!("`{secret_name}` is not a valid Secret name: {problem}"),
            ));
        }
    }
    // Kubernetes expands `$(NAME)` in command and args only for variables defined in the container; any other
    // reference is passed through verbatim, which is rarely what the author meant.
    for (key, list) in [
        ("recipe_container_command", &recipe.recipe_container_command),
        (
            "recipe_container_command_args",
            &recipe.recipe_container_command_args,
        ),
    ] {
        for (i, arg) in list.iter().flatten().enumerate() {
            for reference in env_references(arg) {
                if !seen.contains_key(reference) {
                    sink.note(Diagnostic::warning(
                        root(key).index(i),
                        Code::InvalidEnvName,
                        format!("`$({reference})` names no variable of the container, so it is passed on literally"),
                    ).with_hint(format!("define `{reference}` in `recipe_container_env`")));
                }
            }
        }
    }
}

/// The `NAME`s of `$(NAME)` references in `arg`, skipping `$$(…)` escapes.
fn env_references(arg: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let bytes = arg.as_bytes();
    let mut i = 0;
    while i + 1 < bytes.len() {
        if bytes[i] == b'$' && bytes[i + 1] == b'$' {
            i += 2;
            continue;
        }
        if bytes[i] == b'$'
            && bytes[i + 1] == b'('
            && let Some(end) = arg[i + 2..].find(')')
        {
            out.push(&arg[i + 2..i + 2 + end]);
            i += end + 3;
            continue;
        }
        i += 1;
    }
    out
}

/// Checks node labels against Kubernetes' label syntax.
pub fn labels(recipe: &Recipe, sink: &mut Sink) {
    let at = root("recipe_node_labels");
    for (key, value) in recipe.recipe_node_labels.iter().flatten() {
        if let Some(problem) = label_key_problem(key) {
            sink.note(Diagnostic::error(
                at.key(key),
                Code::InvalidLabel,
                format!("`{key}` is not a valid label key: {problem}"),
            ));
        }
        if let Some(problem) = label_value_problem(value) {
            sink.note(Diagnostic::error(
                at.key(key),
                Code::InvalidLabel,
                format!("`{value}` is not a valid label value: {problem}"),
            ));
        }
    }
    // Both become the value of the `corrino` node label: the pool's nodes carry it, the service's pods select it.
    for (key, selector) in [
        (
            "recipe_shared_node_pool_selector",
            &recipe.recipe_shared_node_pool_selector,
        ),
        (
            "shared_node_pool_selector",
            &recipe.shared_node_pool_selector,
        ),
    ] {
        if let Some(problem) = selector.as_deref().and_then(label_value_problem) {
            sink.note(Diagnostic::error(
                root(key),
                Code::InvalidLabel,
                format!("the selector is the value of a node label, and this one is not valid: {problem}"),
            ));
        }
    }
    for (i, kv) in recipe
        .shared_node_pool_custom_node_selectors
        .iter()
        .flatten()
        .enumerate()
    {
        let item = root("shared_node_pool_custom_node_selectors").index(i);
        if let Some(problem) = kv.key.as_deref().and_then(label_key_problem) {
            sink.note(Diagnostic::error(
                item.key("key"),
                Code::InvalidLabel,
                format!("not a valid label key: {problem}"),
            ));
        }
        if let Some(problem) = kv.value.as_deref().and_then(label_value_problem) {
            sink.note(Diagnostic::error(
                item.key("value"),
                Code::InvalidLabel,
                format!("not a valid label value: {problem}"),
            ));
        }
    }
}

/// Checks a team definition's quota shapes.
pub fn team(recipe: &Recipe, catalog: &ShapeCatalog, sink: &mut Sink) {
    let Some(team) = &recipe.team else { return };
    for (i, quota) in team.quotas.iter().flatten().enumerate() {
        if let Some(name) = &quota.shape_name
            && let Err(unknown) = catalog.lookup(name)
        {
            let mut d = Diagnostic::warning(
                root("team").key("quotas").index(i).key("shape_name"),
                Code::UnknownShape,
                format!("`{name}` is not an OCI shape that corrino knows"),
            );
            if let Some(hint) = unknown.hint() {
                d = d.with_hint(hint);
            }
            sink.note(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_names_follow_kubernetes() {
        for ok in ["HF_TOKEN", "Model_Path", "_x", "a.b-c"] {
            assert!(env_name_ok(ok), "{ok}");
        }
        for bad in ["", "1BAD", "BAD NAME", "A=B", "é"] {
            assert!(!env_name_ok(bad), "{bad}");
        }
    }

    #[test]
    fn finds_env_references() {
        assert_eq!(env_references("$(A) x $(B_C)"), vec!["A", "B_C"]);
        assert_eq!(env_references("$$(A) $(B"), Vec::<&str>::new());
    }
}
