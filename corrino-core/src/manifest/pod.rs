//! The pod every workload runs, built once: the recipe's container (image, command, environment, resources, GPUs,
//! ports, probes), its storage (`/dev/shm`, Object Storage inputs copied in by init containers, File Storage
//! volumes, node directories) and its placement (the shape, its own pool or a shared pool, the GPU taint).
//!
//! A service's Deployment, a job's Job and a multinode service's leader and worker templates all start from
//! [`pod`], each then changing what differs (a job runs its container to completion, a worker starts Ray).
//! k8s-openapi's structs gain fields from one Kubernetes version to the next, and the version is chosen by the
//! crate that uses this one; so literals end in `..Default::default()`.
#![allow(clippy::needless_update)]

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    CSIPersistentVolumeSource, Container, ContainerPort, EmptyDirVolumeSource, EnvVar,
    EnvVarSource, HTTPGetAction, HostPathVolumeSource, LocalObjectReference, PersistentVolume,
    PersistentVolumeClaim, PersistentVolumeClaimSpec, PersistentVolumeClaimVolumeSource,
    PersistentVolumeSpec, PodSpec, Probe, ResourceRequirements, SecretKeySelector, Toleration,
    Volume, VolumeMount, VolumeResourceRequirements,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::RenderOptions;
use super::labels::{
    POOL_LABEL, RDMA_LABEL, SHARED_POOL_ANY_LABEL, SHARED_POOL_LABEL, object_labels,
};
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Pointer};
use crate::plan::Workload;
use crate::recipe::{EnvValue, PortText, ProbeParams, ProbeScheme, Recipe};
use crate::shape::GpuVendor;

/// The name of the main container port and Service port.
pub const HTTP_PORT_NAME: &str = "http";

/// The FSS CSI driver of OKE.
pub const FSS_CSI_DRIVER: &str = "fss.csi.oraclecloud.com";

/// What differs between the pods built from one recipe.
pub struct PodSettings<'a> {
    /// The `app.kubernetes.io/component` of the pod's objects (`inference`, `job`, …).
    pub component: &'a str,
    /// The port the container serves on, with the recipe's extra ingress ports, and its probes; `None` for jobs.
    pub serving_port: Option<u16>,
    /// The GPUs this pod takes (a multinode service's pods each take the recipe's count).
    pub gpus: u32,
    /// Whether the pod joins an RDMA network: host networking, `IPC_LOCK`, `/dev/infiniband`, and RDMA nodes only.
    pub rdma: bool,
}

/// A pod template's parts, and the cluster objects its storage needs.
pub struct PodParts {
    /// The pod's labels (the recipe label included, so that selectors find it).
    pub labels: BTreeMap<String, String>,
    /// The pod's annotations.
    pub annotations: BTreeMap<String, String>,
    /// The pod.
    pub spec: PodSpec,
    /// File Storage PersistentVolumes (cluster-scoped).
    pub volumes: Vec<PersistentVolume>,
    /// Their claims.
    pub claims: Vec<PersistentVolumeClaim>,
}

impl PodParts {
    /// The pod's metadata for a template.
    #[must_use]
    pub fn template_meta(&self) -> ObjectMeta {
        ObjectMeta {
            labels: Some(self.labels.clone()),
            annotations: (!self.annotations.is_empty()).then(|| self.annotations.clone()),
            ..ObjectMeta::default()
        }
    }

    /// The recipe's own container.
    pub fn main_container(&mut self) -> Option<&mut Container> {
        self.spec.containers.first_mut()
    }
}

/// Object metadata: a name, a namespace (none for cluster-scoped objects), labels and the options' annotations.
pub(super) fn meta(
    name: String,
    namespace: Option<&str>,
    labels: BTreeMap<String, String>,
    annotations: &BTreeMap<String, String>,
) -> ObjectMeta {
    ObjectMeta {
        name: Some(name),
        namespace: namespace.map(str::to_owned),
        labels: Some(labels),
        annotations: (!annotations.is_empty()).then(|| annotations.clone()),
        ..ObjectMeta::default()
    }
}

pub(super) fn quantity(text: String) -> Quantity {
    Quantity(text)
}

/// An `emptyDir` volume of at most `size`, in memory when `medium` is `Memory`.
pub(super) fn empty_dir(name: &str, medium: Option<&str>, size: String) -> Volume {
    Volume {
        name: name.to_owned(),
        empty_dir: Some(EmptyDirVolumeSource {
            medium: medium.map(str::to_owned),
            size_limit: Some(quantity(size)),
            ..EmptyDirVolumeSource::default()
        }),
        ..Volume::default()
    }
}

pub(super) fn mount_at(volume: &str, path: &str) -> VolumeMount {
    VolumeMount {
        name: volume.to_owned(),
        mount_path: path.to_owned(),
        ..VolumeMount::default()
    }
}

/// The recipe's environment: its variables, then those read from Secrets.
fn environment(recipe: &Recipe) -> Vec<EnvVar> {
    let mut env: Vec<EnvVar> = recipe
        .recipe_container_env
        .iter()
        .flatten()
        .filter_map(|v| {
            Some(EnvVar {
                name: v.key.clone()?,
                value: Some(v.value.as_ref().map(EnvValue::to_text).unwrap_or_default()),
                ..EnvVar::default()
            })
        })
        .collect();
    env.extend(
        recipe
            .recipe_environment_secrets
            .iter()
            .flatten()
            .filter_map(|s| {
                Some(EnvVar {
                    name: s.envvar_name.clone()?,
                    value_from: Some(EnvVarSource {
                        secret_key_ref: Some(SecretKeySelector {
                            name: s.secret_name.clone()?,
                            key: s.secret_key.clone()?,
                            optional: None,
                        }),
                        ..EnvVarSource::default()
                    }),
                    ..EnvVar::default()
                })
            }),
    );
    env
}

/// CPU, memory and ephemeral storage as requests and limits, and the GPUs in limits only: Kubernetes copies them
/// to requests, and they cannot be overcommitted.
fn resources(recipe: &Recipe, vendor: Option<GpuVendor>, gpus: u32) -> ResourceRequirements {
    let mut limits: BTreeMap<String, Quantity> = BTreeMap::new();
    let mut requests: BTreeMap<String, Quantity> = BTreeMap::new();
    if let Some(cpus) = recipe.recipe_container_cpu_count {
        limits.insert("cpu".into(), quantity(cpus.to_string()));
        requests.insert("cpu".into(), quantity(cpus.to_string()));
    }
    if let Some(gb) = recipe.recipe_container_memory_size {
        limits.insert("memory".into(), quantity(format!("{gb}Gi")));
        requests.insert("memory".into(), quantity(format!("{gb}Gi")));
    }
    if let Some(gb) = recipe.recipe_ephemeral_storage_size {
        requests.insert("ephemeral-storage".into(), quantity(format!("{gb}Gi")));
        limits.insert("ephemeral-storage".into(), quantity(format!("{gb}Gi")));
    }
    if let Some(vendor) = vendor {
        match &recipe.mig_resource_request {
            Some(profile) => {
                limits.insert(format!("nvidia.com/mig-{profile}"), quantity("1".into()));
            }
            None if gpus > 0 => {
                limits.insert(vendor.resource_name().into(), quantity(gpus.to_string()));
            }
            None => {}
        }
    }
    ResourceRequirements {
        limits: (!limits.is_empty()).then_some(limits),
        requests: (!requests.is_empty()).then_some(requests),
        ..ResourceRequirements::default()
    }
}

/// The pod's storage: volumes, the container's mounts, the init containers that copy inputs in, and the File
/// Storage volumes and claims (a missing mount target is a render-option error).
struct Storage {
    volumes: Vec<Volume>,
    mounts: Vec<VolumeMount>,
    init_containers: Vec<Container>,
    persistent_volumes: Vec<PersistentVolume>,
    claims: Vec<PersistentVolumeClaim>,
}

fn storage(workload: &Workload, options: &RenderOptions, diagnostics: &mut Diagnostics) -> Storage {
    let recipe = &workload.recipe;
    let name = &workload.name;
    let mut out = Storage {
        volumes: Vec::new(),
        mounts: Vec::new(),
        init_containers: Vec::new(),
        persistent_volumes: Vec::new(),
        claims: Vec::new(),
    };
    if let Some(mb) = recipe.recipe_shared_memory_volume_size_limit_in_mb {
        out.volumes
            .push(empty_dir("shm", Some("Memory"), format!("{mb}Mi")));
        out.mounts.push(mount_at("shm", "/dev/shm"));
    }
    for (i, input) in recipe.input_object_storage.iter().flatten().enumerate() {
        let (Some(mount), Some(size)) = (&input.mount_location, input.volume_size_in_gbs) else {
            continue;
        };
        let volume = format!("input-{i}");
        out.volumes
            .push(empty_dir(&volume, None, format!("{size}Gi")));
        out.mounts.push(mount_at(&volume, mount));
        out.init_containers.push(super::storage::download_container(
            i, input, &volume, options,
        ));
    }
    for (i, output) in recipe.output_object_storage.iter().flatten().enumerate() {
        let (Some(mount), Some(size)) = (&output.mount_location, output.volume_size_in_gbs) else {
            continue;
        };
        let volume = format!("output-{i}");
        out.volumes
            .push(empty_dir(&volume, None, format!("{size}Gi")));
        out.mounts.push(mount_at(&volume, mount));
    }
    let ns = options.namespace.as_str();
    for (i, fs) in recipe.input_file_system.iter().flatten().enumerate() {
        let (Some(fs_ocid), Some(mount), Some(size)) = (
            &fs.file_system_ocid,
            &fs.mount_location,
            fs.volume_size_in_gbs,
        ) else {
            continue;
        };
        let at = Pointer::root().key("input_file_system").index(i);
        let Some(export) = options.file_systems.get(fs_ocid) else {
            diagnostics.push(
                Diagnostic::error(
                    at.key("file_system_ocid"),
                    Code::RenderOption,
                    format!("mounting `{fs_ocid}` needs its mount target's IP address and export path, which the recipe does not hold"),
                )
                .with_hint(format!("pass the render option `file_systems` (CLI: --file-system {fs_ocid}=<mount target IP>:<export path>)")),
            );
            continue;
        };
        let pv_name = format!("{name}-fss-{i}");
        let fs_labels = object_labels(
            name,
            "storage",
            recipe.recipe_id.as_deref(),
            &options.labels,
        );
        out.persistent_volumes.push(PersistentVolume {
            metadata: meta(
                pv_name.clone(),
                None,
                fs_labels.clone(),
                &options.annotations,
            ),
            spec: Some(PersistentVolumeSpec {
                access_modes: Some(vec!["ReadWriteMany".into()]),
                capacity: Some(BTreeMap::from([(
                    "storage".into(),
                    quantity(format!("{size}Gi")),
                )])),
                csi: Some(CSIPersistentVolumeSource {
                    driver: FSS_CSI_DRIVER.into(),
                    volume_handle: format!(
                        "{fs_ocid}:{}:{}",
                        export.mount_target_ip, export.export_path
                    ),
                    ..CSIPersistentVolumeSource::default()
                }),
                persistent_volume_reclaim_policy: Some("Retain".into()),
                storage_class_name: Some(String::new()),
                ..PersistentVolumeSpec::default()
            }),
            status: None,
        });
        out.claims.push(PersistentVolumeClaim {
            metadata: meta(pv_name.clone(), Some(ns), fs_labels, &options.annotations),
            spec: Some(PersistentVolumeClaimSpec {
                access_modes: Some(vec!["ReadWriteMany".into()]),
                resources: Some(VolumeResourceRequirements {
                    requests: Some(BTreeMap::from([(
                        "storage".into(),
                        quantity(format!("{size}Gi")),
                    )])),
                    limits: None,
                }),
                storage_class_name: Some(String::new()),
                volume_name: Some(pv_name.clone()),
                ..PersistentVolumeClaimSpec::default()
            }),
            status: None,
        });
        let volume = format!("fss-{i}");
        out.volumes.push(Volume {
            name: volume.clone(),
            persistent_volume_claim: Some(PersistentVolumeClaimVolumeSource {
                claim_name: pv_name,
                read_only: None,
            }),
            ..Volume::default()
        });
        out.mounts.push(mount_at(&volume, mount));
    }
    for (i, local) in recipe.local_filesystem.iter().flatten().enumerate() {
        let (Some(path), Some(mount)) = (&local.node_directory_path, &local.mount_location) else {
            continue;
        };
        let volume = format!("local-{i}");
        out.volumes.push(host_path(&volume, path, "Directory"));
        out.mounts.push(mount_at(&volume, mount));
    }
    out
}

fn host_path(volume: &str, path: &str, kind: &str) -> Volume {
    Volume {
        name: volume.to_owned(),
        host_path: Some(HostPathVolumeSource {
            path: path.to_owned(),
            type_: Some(kind.into()),
            ..HostPathVolumeSource::default()
        }),
        ..Volume::default()
    }
}

/// The recipe's extra ingress ports: name, port and path.
pub(super) fn extra_ports(recipe: &Recipe) -> Vec<(String, i32, String)> {
    recipe
        .recipe_additional_ingress_ports
        .iter()
        .flatten()
        .filter_map(|p| {
            Some((
                p.name.clone()?,
                i32::try_from(p.port?).ok()?,
                p.path.clone().unwrap_or_else(|| "/".into()),
            ))
        })
        .collect()
}

/// The container ports: the serving port and the extra ingress ports.
fn ports(recipe: &Recipe, port: u16) -> Vec<ContainerPort> {
    let mut ports = vec![ContainerPort {
        name: Some(HTTP_PORT_NAME.into()),
        container_port: i32::from(port),
        protocol: Some("TCP".into()),
        ..ContainerPort::default()
    }];
    for (port_name, port, _) in extra_ports(recipe) {
        ports.push(ContainerPort {
            name: Some(port_name),
            container_port: port,
            protocol: Some("TCP".into()),
            ..ContainerPort::default()
        });
    }
    ports
}

/// The command and arguments: as written, or with `recipe_container_command_use_shell` one shell line, so that
/// `$VAR`, pipes and `&&` work.
pub(super) fn command(recipe: &Recipe) -> (Option<Vec<String>>, Option<Vec<String>>) {
    if recipe.recipe_container_command_use_shell == Some(true) {
        let line: Vec<String> = recipe
            .recipe_container_command
            .iter()
            .flatten()
            .chain(recipe.recipe_container_command_args.iter().flatten())
            .cloned()
            .collect();
        (
            Some(vec!["/bin/sh".into(), "-c".into()]),
            Some(vec![line.join(" ")]),
        )
    } else {
        (
            recipe.recipe_container_command.clone(),
            recipe.recipe_container_command_args.clone(),
        )
    }
}

/// A probe from the recipe's parameters; the port defaults to the container port and the path to `/health`.
pub(super) fn probe(p: &ProbeParams, container_port: u16) -> Probe {
    let int = |v: Option<u32>| v.map(|v| i32::try_from(v).unwrap_or(i32::MAX));
    Probe {
        http_get: Some(HTTPGetAction {
            path: Some(p.endpoint_path.clone().unwrap_or_else(|| "/health".into())),
            port: IntOrString::Int(
                p.port
                    .and_then(|port| i32::try_from(port).ok())
                    .unwrap_or(i32::from(container_port)),
            ),
            scheme: Some(p.scheme.unwrap_or(ProbeScheme::Http).as_str().into()),
            ..HTTPGetAction::default()
        }),
        failure_threshold: int(p.failure_threshold),
        initial_delay_seconds: int(p.initial_delay_seconds),
        period_seconds: int(p.period_seconds),
        success_threshold: int(p.success_threshold),
        timeout_seconds: int(p.timeout_seconds),
        ..Probe::default()
    }
}

/// The node selector: the shape, then the pool (its own pool's label, or a shared pool's selector, or any shared
/// pool of the shape), RDMA nodes for an RDMA group, and the architecture when the recipe names one.
fn node_selector(workload: &Workload, rdma: bool) -> BTreeMap<String, String> {
    let recipe = &workload.recipe;
    let mut selector = BTreeMap::from([(
        "node.kubernetes.io/instance-type".to_owned(),
        workload.shape.name.to_string(),
    )]);
    if recipe.uses_shared_pool() {
        match &recipe.recipe_shared_node_pool_selector {
            Some(pool) => selector.insert(SHARED_POOL_LABEL.into(), pool.clone()),
            None => selector.insert(SHARED_POOL_ANY_LABEL.into(), "true".into()),
        };
        for kv in recipe
            .shared_node_pool_custom_node_selectors
            .iter()
            .flatten()
        {
            if let (Some(k), Some(v)) = (&kv.key, &kv.value) {
                selector.insert(k.clone(), v.clone());
            }
        }
    } else {
        selector.insert(POOL_LABEL.into(), workload.name.as_str().to_owned());
    }
    if rdma {
        selector.insert(RDMA_LABEL.into(), "true".into());
    }
    if let Some(arch) = &recipe.recipe_node_selector_arch {
        selector.insert("kubernetes.io/arch".into(), arch.clone());
    }
    selector
}

/// The pod of a workload, with the settings of its kind.
pub fn pod(
    workload: &Workload,
    settings: &PodSettings<'_>,
    options: &RenderOptions,
    diagnostics: &mut Diagnostics,
) -> PodParts {
    let recipe = &workload.recipe;
    let name = &workload.name;
    let vendor = workload.shape.gpus.as_ref().map(|g| g.vendor);
    let mut storage = storage(workload, options, diagnostics);
    let (command, args) = command(recipe);
    let env = environment(recipe);
    let port = settings.serving_port;
    let probe_of = |params: &Option<ProbeParams>| {
        port.and_then(|port| params.as_ref().map(|p| probe(p, port)))
    };
    let mut security_context = None;
    if settings.rdma {
        // RDMA needs the host's NICs (host networking), pinned memory (`IPC_LOCK`) and the verbs devices, as
        // OCI's RDMA clusters run NCCL.
        security_context = Some(k8s_openapi::api::core::v1::SecurityContext {
            capabilities: Some(k8s_openapi::api::core::v1::Capabilities {
                add: Some(vec!["IPC_LOCK".into()]),
                drop: None,
            }),
            ..k8s_openapi::api::core::v1::SecurityContext::default()
        });
        storage
            .volumes
            .push(host_path("infiniband", "/dev/infiniband", "Directory"));
        storage
            .mounts
            .push(mount_at("infiniband", "/dev/infiniband"));
    }
    let container = Container {
        name: name.as_str().to_owned(),
        image: recipe.recipe_image_uri.clone(),
        command,
        args,
        env: (!env.is_empty()).then_some(env),
        ports: port.map(|port| ports(recipe, port)),
        resources: Some(resources(recipe, vendor, settings.gpus)),
        volume_mounts: (!storage.mounts.is_empty()).then(|| storage.mounts.clone()),
        startup_probe: probe_of(&recipe.recipe_startup_probe_params),
        liveness_probe: probe_of(&recipe.recipe_liveness_probe_params),
        readiness_probe: probe_of(&recipe.recipe_readiness_probe_params),
        security_context,
        ..Container::default()
    };
    // `Exists` matches both the real node's taint and the Cluster Autoscaler's template node (empty value).
    let tolerations: Vec<Toleration> = vendor
        .into_iter()
        .map(|vendor| Toleration {
            key: Some(vendor.resource_name().into()),
            operator: Some("Exists".into()),
            effect: Some("NoSchedule".into()),
            ..Toleration::default()
        })
        .collect();
    let mut labels = object_labels(
        name,
        settings.component,
        recipe.recipe_id.as_deref(),
        &options.labels,
    );
    labels.insert(super::labels::RECIPE_LABEL.into(), name.as_str().to_owned());
    let mut annotations = BTreeMap::new();
    if let Some(port) = port
        && options.scrape == super::ScrapeMode::Annotations
    {
        // Read by the `kubernetes-pods` job of the plain Prometheus chart upstream installs.
        annotations.insert("prometheus.io/scrape".into(), "true".into());
        annotations.insert("prometheus.io/port".into(), port.to_string());
        annotations.insert("prometheus.io/path".into(), "/metrics".into());
    }
    let spec = PodSpec {
        containers: vec![container],
        init_containers: (!storage.init_containers.is_empty()).then_some(storage.init_containers),
        image_pull_secrets: recipe
            .recipe_container_secret_name
            .as_ref()
            .map(|s| vec![LocalObjectReference { name: s.clone() }]),
        node_selector: Some(node_selector(workload, settings.rdma)),
        tolerations: (!tolerations.is_empty()).then_some(tolerations),
        volumes: (!storage.volumes.is_empty()).then_some(storage.volumes),
        host_network: settings.rdma.then_some(true),
        dns_policy: settings.rdma.then(|| "ClusterFirstWithHostNet".to_owned()),
        ..PodSpec::default()
    };
    PodParts {
        labels,
        annotations,
        spec,
        volumes: storage.persistent_volumes,
        claims: storage.claims,
    }
}

/// The Service port of a recipe: `recipe_host_port`, else 80.
pub(super) fn service_port(recipe: &Recipe) -> u16 {
    recipe
        .recipe_host_port
        .as_ref()
        .and_then(PortText::number)
        .unwrap_or(super::service::DEFAULT_SERVICE_PORT)
}
