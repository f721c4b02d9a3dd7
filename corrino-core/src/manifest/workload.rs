//! The workload: the Deployment that runs the server, the Service `recipe-<name>` in front of it, the Ingress
//! that publishes it, and the volumes its storage needs.
//!
//! What upstream's control plane generates is not public; these objects follow its documented behaviour (Service
//! `recipe-<name>` on port 80, host `<name>.<base domain>`, ingress class `nginx`) and the Kubernetes conventions
//! for GPU pods (GPUs in `limits`, a toleration of the GPU taint, `/dev/shm` as a Memory emptyDir).
//!
//! k8s-openapi's structs gain fields from one Kubernetes version to the next, and the version is chosen by the
//! crate that uses this one; so literals end in `..Default::default()` even where, for the newest version, every
//! field is already written.
#![allow(clippy::needless_update)]

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{Deployment, DeploymentSpec, DeploymentStrategy};
use k8s_openapi::api::core::v1::{
    CSIPersistentVolumeSource, Container, ContainerPort, EmptyDirVolumeSource, EnvVar,
    EnvVarSource, HTTPGetAction, HostPathVolumeSource, LocalObjectReference, PersistentVolume,
    PersistentVolumeClaim, PersistentVolumeClaimSpec, PersistentVolumeClaimVolumeSource,
    PersistentVolumeSpec, PodSpec, PodTemplateSpec, Probe, ResourceRequirements, SecretKeySelector,
    Service, ServicePort, ServiceSpec, Toleration, Volume, VolumeMount, VolumeResourceRequirements,
};
use k8s_openapi::api::networking::v1::{
    HTTPIngressPath, HTTPIngressRuleValue, Ingress, IngressBackend, IngressRule,
    IngressServiceBackend, IngressSpec, IngressTLS, ServiceBackendPort,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::labels::{
    POOL_LABEL, RECIPE_LABEL, SHARED_POOL_ANY_LABEL, SHARED_POOL_LABEL, object_labels, pod_selector,
};
use super::{RenderOptions, ScrapeMode};
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Pointer};
use crate::plan::ServicePlan;
use crate::recipe::{ProbeParams, ProbeScheme};

/// The port the Service listens on when the recipe names none (upstream: "defaults to 80").
pub const DEFAULT_SERVICE_PORT: u16 = 80;

/// The name of the main container port and Service port.
pub const HTTP_PORT_NAME: &str = "http";

/// The FSS CSI driver of OKE.
pub const FSS_CSI_DRIVER: &str = "fss.csi.oraclecloud.com";

/// The objects of a service, in apply order.
pub struct ServiceObjects {
    /// Cluster-scoped PersistentVolumes of File Storage mounts.
    pub volumes: Vec<PersistentVolume>,
    /// Their claims.
    pub claims: Vec<PersistentVolumeClaim>,
    /// The Deployment.
    pub deployment: Deployment,
    /// The Service.
    pub service: Service,
    /// The Ingress.
    pub ingress: Ingress,
}

fn meta(
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

fn quantity(text: String) -> Quantity {
    Quantity(text)
}

/// An `emptyDir` volume of at most `size`, in memory when `medium` is `Memory`.
fn empty_dir(name: &str, medium: Option<&str>, size: String) -> Volume {
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

fn mount_at(volume: &str, path: &str) -> VolumeMount {
    VolumeMount {
        name: volume.to_owned(),
        mount_path: path.to_owned(),
        ..VolumeMount::default()
    }
}

/// Builds the workload. Problems the plan cannot show (render options that are missing for this recipe) are
/// reported into `diagnostics`.
#[allow(clippy::too_many_lines)]
pub fn service_objects(
    plan: &ServicePlan,
    options: &RenderOptions,
    diagnostics: &mut Diagnostics,
) -> ServiceObjects {
    let recipe = &plan.workload.recipe;
    let name = &plan.workload.name;
    let container_port = plan.container_port;
    let ns = options.namespace.as_str();
    let labels = object_labels(
        name,
        "inference",
        recipe.recipe_id.as_deref(),
        &options.labels,
    );

    // Container.
    let mut env: Vec<EnvVar> = recipe
        .recipe_container_env
        .iter()
        .flatten()
        .filter_map(|v| {
            Some(EnvVar {
                name: v.key.clone()?,
                value: Some(
                    v.value
                        .as_ref()
                        .map(crate::recipe::EnvValue::to_text)
                        .unwrap_or_default(),
                ),
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
    let vendor = plan.workload.shape.gpus.as_ref().map(|g| g.vendor);
    let mut tolerations = Vec::new();
    if let Some(vendor) = vendor {
        // GPUs go in limits only: Kubernetes copies them to requests, and they cannot be overcommitted.
        match &recipe.mig_resource_request {
            Some(profile) => {
                limits.insert(format!("nvidia.com/mig-{profile}"), quantity("1".into()));
            }
            None if plan.workload.gpus_per_replica > 0 => {
                limits.insert(
                    vendor.resource_name().into(),
                    quantity(plan.workload.gpus_per_replica.to_string()),
                );
            }
            None => {}
        }
        // `Exists` matches both the real node's taint and the Cluster Autoscaler's template node (empty value).
        tolerations.push(Toleration {
            key: Some(vendor.resource_name().into()),
            operator: Some("Exists".into()),
            effect: Some("NoSchedule".into()),
            ..Toleration::default()
        });
    }

    let mut volumes = Vec::new();
    let mut mounts = Vec::new();
    if let Some(mb) = recipe.recipe_shared_memory_volume_size_limit_in_mb {
        volumes.push(empty_dir("shm", Some("Memory"), format!("{mb}Mi")));
        mounts.push(mount_at("shm", "/dev/shm"));
    }
    let mut init_containers = Vec::new();
    for (i, input) in recipe.input_object_storage.iter().flatten().enumerate() {
        let (Some(mount), Some(size)) = (&input.mount_location, input.volume_size_in_gbs) else {
            continue;
        };
        let volume = format!("input-{i}");
        volumes.push(empty_dir(&volume, None, format!("{size}Gi")));
        mounts.push(mount_at(&volume, mount));
        init_containers.push(super::storage::download_container(
            i, input, &volume, options,
        ));
    }
    for (i, output) in recipe.output_object_storage.iter().flatten().enumerate() {
        let (Some(mount), Some(size)) = (&output.mount_location, output.volume_size_in_gbs) else {
            continue;
        };
        let volume = format!("output-{i}");
        volumes.push(empty_dir(&volume, None, format!("{size}Gi")));
        mounts.push(mount_at(&volume, mount));
    }
    let mut persistent_volumes = Vec::new();
    let mut claims = Vec::new();
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
        persistent_volumes.push(PersistentVolume {
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
        claims.push(PersistentVolumeClaim {
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
        volumes.push(Volume {
            name: volume.clone(),
            persistent_volume_claim: Some(PersistentVolumeClaimVolumeSource {
                claim_name: pv_name,
                read_only: None,
            }),
            ..Volume::default()
        });
        mounts.push(mount_at(&volume, mount));
    }
    for (i, local) in recipe.local_filesystem.iter().flatten().enumerate() {
        let (Some(path), Some(mount)) = (&local.node_directory_path, &local.mount_location) else {
            continue;
        };
        let volume = format!("local-{i}");
        volumes.push(Volume {
            name: volume.clone(),
            host_path: Some(HostPathVolumeSource {
                path: path.clone(),
                type_: Some("Directory".into()),
                ..HostPathVolumeSource::default()
            }),
            ..Volume::default()
        });
        mounts.push(mount_at(&volume, mount));
    }

    let mut ports = vec![ContainerPort {
        name: Some(HTTP_PORT_NAME.into()),
        container_port: i32::from(container_port),
        protocol: Some("TCP".into()),
        ..ContainerPort::default()
    }];
    let extra_ports: Vec<(String, i32, String)> = recipe
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
        .collect();
    for (port_name, port, _) in &extra_ports {
        ports.push(ContainerPort {
            name: Some(port_name.clone()),
            container_port: *port,
            protocol: Some("TCP".into()),
            ..ContainerPort::default()
        });
    }

    let (command, args) = if recipe.recipe_container_command_use_shell == Some(true) {
        // The command and its arguments become one shell line, so that `$VAR`, pipes and `&&` work.
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
    };

    let container = Container {
        name: name.as_str().to_owned(),
        image: recipe.recipe_image_uri.clone(),
        command,
        args,
        env: (!env.is_empty()).then_some(env),
        ports: Some(ports),
        resources: Some(ResourceRequirements {
            limits: (!limits.is_empty()).then_some(limits),
            requests: (!requests.is_empty()).then_some(requests),
            ..ResourceRequirements::default()
        }),
        volume_mounts: (!mounts.is_empty()).then_some(mounts),
        startup_probe: recipe
            .recipe_startup_probe_params
            .as_ref()
            .map(|p| probe(p, container_port)),
        liveness_probe: recipe
            .recipe_liveness_probe_params
            .as_ref()
            .map(|p| probe(p, container_port)),
        readiness_probe: recipe
            .recipe_readiness_probe_params
            .as_ref()
            .map(|p| probe(p, container_port)),
        ..Container::default()
    };

    // Placement.
    let mut node_selector = BTreeMap::from([(
        "node.kubernetes.io/instance-type".to_owned(),
        plan.workload.shape.name.to_string(),
    )]);
    if recipe.uses_shared_pool() {
        match &recipe.recipe_shared_node_pool_selector {
            Some(selector) => node_selector.insert(SHARED_POOL_LABEL.into(), selector.clone()),
            None => node_selector.insert(SHARED_POOL_ANY_LABEL.into(), "true".into()),
        };
        for kv in recipe
            .shared_node_pool_custom_node_selectors
            .iter()
            .flatten()
        {
            if let (Some(k), Some(v)) = (&kv.key, &kv.value) {
                node_selector.insert(k.clone(), v.clone());
            }
        }
    } else {
        node_selector.insert(POOL_LABEL.into(), name.as_str().to_owned());
    }
    if let Some(arch) = &recipe.recipe_node_selector_arch {
        node_selector.insert("kubernetes.io/arch".into(), arch.clone());
    }

    let mut pod_labels = labels.clone();
    pod_labels.insert(RECIPE_LABEL.into(), name.as_str().to_owned());
    let mut pod_annotations = BTreeMap::new();
    if options.scrape == ScrapeMode::Annotations {
        // Read by the `kubernetes-pods` job of the plain Prometheus chart upstream installs.
        pod_annotations.insert("prometheus.io/scrape".into(), "true".into());
        pod_annotations.insert("prometheus.io/port".into(), container_port.to_string());
        pod_annotations.insert("prometheus.io/path".into(), "/metrics".into());
    }

    // Under KEDA the HPA owns the replica count: writing it here would reset it on every apply (the field
    // would belong to corrino's field manager), so it is left out and the HPA raises the count to its minimum.
    let replicas = match plan.pod_autoscaling {
        Some(_) => None,
        None => Some(i32::try_from(recipe.recipe_replica_count.unwrap_or(1)).unwrap_or(i32::MAX)),
    };
    let deployment = Deployment {
        metadata: meta(
            name.as_str().to_owned(),
            Some(ns),
            labels.clone(),
            &options.annotations,
        ),
        spec: DeploymentSpec {
            replicas,
            selector: LabelSelector {
                match_labels: Some(pod_selector(name)),
                ..LabelSelector::default()
            },
            // A GPU node rarely has room for a surge pod: replace pods one at a time instead.
            strategy: Some(DeploymentStrategy {
                type_: Some(
                    if vendor.is_some() {
                        "Recreate"
                    } else {
                        "RollingUpdate"
                    }
                    .into(),
                ),
                rolling_update: None,
            }),
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(pod_labels),
                    annotations: (!pod_annotations.is_empty()).then_some(pod_annotations),
                    ..ObjectMeta::default()
                }),
                spec: Some(PodSpec {
                    containers: vec![container],
                    init_containers: (!init_containers.is_empty()).then_some(init_containers),
                    image_pull_secrets: recipe
                        .recipe_container_secret_name
                        .as_ref()
                        .map(|s| vec![LocalObjectReference { name: s.clone() }]),
                    node_selector: Some(node_selector),
                    tolerations: (!tolerations.is_empty()).then_some(tolerations),
                    volumes: (!volumes.is_empty()).then_some(volumes),
                    ..PodSpec::default()
                }),
            },
            ..DeploymentSpec::default()
        },
        status: None,
    };

    // Service.
    let service_port = recipe
        .recipe_host_port
        .as_ref()
        .and_then(crate::recipe::PortText::number)
        .unwrap_or(DEFAULT_SERVICE_PORT);
    let mut service_ports = vec![ServicePort {
        name: Some(HTTP_PORT_NAME.into()),
        port: i32::from(service_port),
        target_port: Some(IntOrString::String(HTTP_PORT_NAME.into())),
        protocol: Some("TCP".into()),
        ..ServicePort::default()
    }];
    for (port_name, port, _) in &extra_ports {
        service_ports.push(ServicePort {
            name: Some(port_name.clone()),
            port: *port,
            target_port: Some(IntOrString::String(port_name.clone())),
            protocol: Some("TCP".into()),
            ..ServicePort::default()
        });
    }
    let service = Service {
        metadata: meta(
            name.service_name(),
            Some(ns),
            labels.clone(),
            &options.annotations,
        ),
        spec: Some(ServiceSpec {
            selector: Some(pod_selector(name)),
            ports: Some(service_ports),
            type_: Some("ClusterIP".into()),
            ..ServiceSpec::default()
        }),
        status: None,
    };

    // Ingress.
    let backend = |port_name: &str| IngressBackend {
        service: Some(IngressServiceBackend {
            name: name.service_name(),
            port: Some(ServiceBackendPort {
                name: Some(port_name.into()),
                number: None,
            }),
        }),
        resource: None,
    };
    let mut paths = vec![HTTPIngressPath {
        path: Some("/".into()),
        path_type: "Prefix".into(),
        backend: backend(HTTP_PORT_NAME),
    }];
    for (port_name, _, path) in &extra_ports {
        paths.push(HTTPIngressPath {
            path: Some(path.clone()),
            path_type: "Prefix".into(),
            backend: backend(port_name),
        });
    }
    let host = options
        .base_domain
        .as_ref()
        .map(|base| format!("{name}.{base}"));
    let mut ingress_annotations = options.annotations.clone();
    if let Some(issuer) = &options.tls_issuer {
        ingress_annotations.insert("cert-manager.io/cluster-issuer".into(), issuer.clone());
    }
    let ingress = Ingress {
        metadata: meta(
            name.as_str().to_owned(),
            Some(ns),
            labels,
            &ingress_annotations,
        ),
        spec: Some(IngressSpec {
            ingress_class_name: options.ingress_class.clone(),
            rules: Some(vec![IngressRule {
                host: host.clone(),
                http: Some(HTTPIngressRuleValue { paths }),
            }]),
            tls: match (&options.tls_issuer, &host) {
                (Some(_), Some(host)) => Some(vec![IngressTLS {
                    hosts: Some(vec![host.clone()]),
                    secret_name: Some(format!("{name}-tls")),
                }]),
                _ => None,
            },
            default_backend: None,
        }),
        status: None,
    };

    ServiceObjects {
        volumes: persistent_volumes,
        claims,
        deployment,
        service,
        ingress,
    }
}

/// A probe from the recipe's parameters; the port defaults to the container port and the path to `/health`.
fn probe(p: &ProbeParams, container_port: u16) -> Probe {
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
