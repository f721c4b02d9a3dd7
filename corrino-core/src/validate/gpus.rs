//! The shape, its GPUs and MIG: counts against the shape, the vendor's resource, MIG profiles and layouts.

use super::root;
use crate::diagnostic::{Code, Diagnostic};
use crate::recipe::convert::Sink;
use crate::recipe::{Recipe, RecipeMode};
use crate::shape::{GpuVendor, Shape, ShapeCatalog};

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
        None if !sink.was_invalid(&root(own_key))
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
