//! A pod template as the simulator reads it: the node shape it selects, the GPUs it takes, and the model its
//! server runs, assessed from the recipe fields the template holds.
//!
//! The renderer writes a recipe's container (`manifest::pod`) and its Object Storage init containers
//! (`manifest::storage`); [`model_inputs`] reads them back into those recipe fields, so that
//! [`crate::model::assess`] finds the same model, parallelism, fit and cold-start budget as planning did. A test
//! holds the two to the same assessment for every fixture. Other templates (written by hand, by Helm charts) are
//! read the same way: a `sh -c` line is read as a shell line, any init container that fills a volume the server
//! mounts as a download before the server starts, a claim or NFS volume as File Storage, a `hostPath` as a node
//! directory.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Container, PodSpec, PodTemplateSpec};

use super::Objects;
use crate::capacity::Unit;
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Pointer};
use crate::model::{self, ModelAssessment};
use crate::plan::PlanOptions;
use crate::recipe::convert::Sink;
use crate::recipe::{
    EnvValue, EnvVar, FileSystemMount, LocalFilesystemMount, ObjectStorageInput, Recipe, RecipeMode,
};
use crate::shape::Shape;

/// The node label the kubelet sets to the node's shape on OKE.
pub const INSTANCE_TYPE_LABEL: &str = "node.kubernetes.io/instance-type";

/// What the simulator takes from a pod template.
pub(super) struct PodFigures {
    pub(super) shape: Shape,
    pub(super) unit: Unit,
    pub(super) image: Option<String>,
    pub(super) model: Option<ModelAssessment>,
    pub(super) node_selector: BTreeMap<String, String>,
}

/// Reads the pod template at `at`; `None` with a diagnostic when it names no shape the catalog knows or takes no GPU.
pub(super) fn read(
    template: &PodTemplateSpec,
    at: &Pointer,
    group_size: u32,
    objects: &Objects,
    options: &PlanOptions,
    diagnostics: &mut Diagnostics,
) -> Option<PodFigures> {
    let spec_at = at.key("spec");
    let Some(spec) = &template.spec else {
        diagnostics.push(Diagnostic::error(
            at.clone(),
            Code::MissingField,
            "the pod template has no `spec`",
        ));
        return None;
    };
    let node_selector = spec.node_selector.clone().unwrap_or_default();
    let (shape_name, shape_at) = match node_selector.get(INSTANCE_TYPE_LABEL) {
        Some(name) => (
            name.clone(),
            spec_at.key("nodeSelector").key(INSTANCE_TYPE_LABEL),
        ),
        None => match objects.node_pools.as_slice() {
            [pool] => (pool.object.node_shape.clone(), pool.at.key("nodeShape")),
            _ => {
                diagnostics.push(
                    Diagnostic::error(
                        spec_at.key("nodeSelector"),
                        Code::MissingField,
                        format!("the pod template does not select a node shape (`{INSTANCE_TYPE_LABEL}`), so the GPUs of its nodes are unknown"),
                    )
                    .with_hint(format!("add `{INSTANCE_TYPE_LABEL}: <shape>` to its nodeSelector, or the node pool's document to the input")),
                );
                return None;
            }
        },
    };
    let Some(shape) = options.catalog.get(&shape_name).cloned() else {
        let mut diagnostic = Diagnostic::error(
            shape_at,
            Code::UnknownShape,
            format!("`{shape_name}` is not a shape of the catalog"),
        );
        if let Err(unknown) = options.catalog.lookup(&shape_name)
            && let Some(hint) = unknown.hint()
        {
            diagnostic = diagnostic.with_hint(hint);
        }
        diagnostics.push(diagnostic);
        return None;
    };
    let index = server_index(spec);
    let container_at = spec_at.key("containers").index(index);
    let Some(container) = spec.containers.get(index) else {
        diagnostics.push(Diagnostic::error(
            spec_at.key("containers"),
            Code::MissingField,
            "the pod template has no container",
        ));
        return None;
    };
    let recipe = model_inputs(spec, container, &shape, group_size);
    let unit = match (&recipe.mig_resource_request, gpus(&recipe)) {
        (Some(profile), _) => match shape.mig_profile(profile) {
            Some(mig) => Unit::MigSlice {
                profile: profile.clone(),
                per_gpu: mig.per_gpu,
            },
            None => {
                diagnostics.push(Diagnostic::error(
                    container_at.key("resources").key("limits"),
                    Code::InvalidMig,
                    format!("`{}` offers no MIG profile `{profile}`", shape.name),
                ));
                return None;
            }
        },
        (None, Some(count)) if count > 0 => Unit::Gpus { per_replica: count },
        _ => {
            diagnostics.push(
                Diagnostic::error(
                    container_at.key("resources").key("limits"),
                    Code::NoGpuRequested,
                    "the serving container takes no GPU (`nvidia.com/gpu`, `amd.com/gpu` or `nvidia.com/mig-<profile>`): the simulator models GPU replicas",
                )
                .with_hint("simulate the workload whose pods take GPUs"),
            );
            return None;
        }
    };
    let model = model::assess(
        &recipe,
        Some(&shape),
        model::Scaling::default(),
        &options.models,
        &mut Sink::default(),
    );
    Some(PodFigures {
        shape,
        unit,
        image: container.image.clone(),
        model,
        node_selector,
    })
}

/// The serving container: the first that takes GPUs, else the first.
fn server_index(spec: &PodSpec) -> usize {
    spec.containers
        .iter()
        .position(|c| gpu_limits(c).is_some())
        .unwrap_or(0)
}

/// A container's GPU resources: `(resource, count)`, from its limits (where Kubernetes wants extended resources),
/// else its requests.
fn gpu_limits(container: &Container) -> Option<(String, String)> {
    let resources = container.resources.as_ref()?;
    [&resources.limits, &resources.requests]
        .into_iter()
        .flatten()
        .flat_map(|map| map.iter())
        .find(|(k, _)| {
            k.as_str() == "nvidia.com/gpu"
                || k.as_str() == "amd.com/gpu"
                || k.starts_with("nvidia.com/mig-")
        })
        .map(|(k, v)| (k.clone(), v.0.clone()))
}

/// Whole GPUs per pod, from the recipe fields read back.
fn gpus(recipe: &Recipe) -> Option<u32> {
    recipe
        .recipe_nvidia_gpu_count
        .or(recipe.recipe_amd_gpu_count)
}

/// Whether a command starts a shell that runs its next argument (`sh -c`, `/bin/bash -c`).
fn is_shell(command: &[String]) -> bool {
    matches!(
        command.first().map(String::as_str),
        Some("sh" | "/bin/sh" | "bash" | "/bin/bash" | "/usr/bin/bash")
    ) && command.get(1).map(String::as_str) == Some("-c")
}

/// The recipe fields [`model::assess`] reads, as the pod template holds them: what `manifest::pod` wrote from a
/// recipe, read back.
#[must_use]
pub fn model_inputs(
    spec: &PodSpec,
    container: &Container,
    shape: &Shape,
    group_size: u32,
) -> Recipe {
    let command = container.command.clone().unwrap_or_default();
    let args = container.args.clone().unwrap_or_default();
    let (use_shell, command, args) = if is_shell(&command) {
        // `sh -c LINE` (the line in the command or as the first argument): one shell line, as
        // `recipe_container_command_use_shell` renders it.
        let line = command
            .get(2)
            .or_else(|| args.first())
            .cloned()
            .unwrap_or_default();
        (Some(true), None, Some(vec![line]))
    } else {
        (
            None,
            (!command.is_empty()).then_some(command),
            (!args.is_empty()).then_some(args),
        )
    };
    let env: Vec<EnvVar> = container
        .env
        .iter()
        .flatten()
        .filter_map(|var| {
            Some(EnvVar {
                key: Some(var.name.clone()),
                value: Some(EnvValue::Text(var.value.clone()?)),
            })
        })
        .collect();
    let (mut nvidia, mut amd, mut mig) = (None, None, None);
    if let Some((resource, count)) = gpu_limits(container) {
        let count = count.trim().parse::<u32>().ok();
        match resource.as_str() {
            "nvidia.com/gpu" => nvidia = count,
            "amd.com/gpu" => amd = count,
            other => mig = other.strip_prefix("nvidia.com/mig-").map(str::to_owned),
        }
    }
    let volumes: BTreeMap<&str, &k8s_openapi::api::core::v1::Volume> = spec
        .volumes
        .iter()
        .flatten()
        .map(|v| (v.name.as_str(), v))
        .collect();
    let (mut inputs, mut file_systems, mut local) = (Vec::new(), Vec::new(), Vec::new());
    for mount in container.volume_mounts.iter().flatten() {
        let Some(volume) = volumes.get(mount.name.as_str()) else {
            continue;
        };
        let location = Some(mount.mount_path.clone());
        if volume.persistent_volume_claim.is_some() || volume.nfs.is_some() {
            file_systems.push(FileSystemMount {
                mount_location: location,
                ..FileSystemMount::default()
            });
        } else if let Some(host) = &volume.host_path {
            // `/dev/infiniband` is the RDMA devices, not storage.
            if host.path != "/dev/infiniband" {
                local.push(LocalFilesystemMount {
                    node_directory_path: Some(host.path.clone()),
                    mount_location: location,
                });
            }
        } else if volume.empty_dir.is_some()
            && let Some(fill) = spec.init_containers.iter().flatten().find(|init| {
                init.volume_mounts
                    .iter()
                    .flatten()
                    .any(|m| m.name == mount.name)
            })
        {
            inputs.push(download(fill, location));
        }
    }
    Recipe {
        recipe_mode: Some(RecipeMode::Service),
        recipe_node_shape: Some(shape.name.to_string()),
        recipe_image_uri: container.image.clone(),
        recipe_container_command: command,
        recipe_container_command_args: args,
        recipe_container_command_use_shell: use_shell,
        recipe_container_env: (!env.is_empty()).then_some(env),
        recipe_nvidia_gpu_count: nvidia,
        recipe_amd_gpu_count: amd,
        mig_resource_request: mig,
        input_object_storage: (!inputs.is_empty()).then_some(inputs),
        input_file_system: (!file_systems.is_empty()).then_some(file_systems),
        local_filesystem: (!local.is_empty()).then_some(local),
        multinode_num_nodes_to_use_from_shared_pool: (group_size > 1).then_some(group_size),
        ..Recipe::default()
    }
}

/// An Object Storage input from the init container that fills it: a PAR download (`PAR_URL`, `INCLUDE` in its
/// environment) or `oci os object bulk-download --bucket-name B --include P*`, as `manifest::storage` writes them;
/// any other init container is a download of unknown objects.
fn download(init: &Container, mount_location: Option<String>) -> ObjectStorageInput {
    let env = |name: &str| {
        init.env
            .iter()
            .flatten()
            .find(|v| v.name == name)
            .and_then(|v| v.value.clone())
    };
    let words: Vec<&String> = init
        .command
        .iter()
        .flatten()
        .chain(init.args.iter().flatten())
        .collect();
    let after = |flag: &str| {
        words
            .windows(2)
            .filter(|w| w[0] == flag)
            .map(|w| w[1].clone())
            .collect::<Vec<String>>()
    };
    let par = env("PAR_URL");
    let mut include: Vec<String> = match &par {
        Some(_) => env("INCLUDE")
            .unwrap_or_default()
            .split('\n')
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
            .collect(),
        None => after("--include")
            .into_iter()
            .map(|p| p.strip_suffix('*').map_or(p.clone(), str::to_owned))
            .collect(),
    };
    include.retain(|p| !p.is_empty());
    ObjectStorageInput {
        bucket_name: if par.is_some() {
            None
        } else {
            after("--bucket-name").into_iter().next()
        },
        par,
        mount_location,
        include: (!include.is_empty()).then_some(include),
        ..ObjectStorageInput::default()
    }
}
