//! A service: the Deployment that runs the server, the Service `recipe-<name>` in front of it, the Ingress that
//! publishes it, and the volumes its storage needs.
//!
//! What upstream's control plane generates is not public; these objects follow its documented behaviour (Service
//! `recipe-<name>` on port 80, host `<name>.<base domain>`, ingress class `nginx`) and the Kubernetes conventions
//! for GPU pods (GPUs in `limits`, a toleration of the GPU taint, `/dev/shm` as a Memory emptyDir).
#![allow(clippy::needless_update)] // k8s-openapi structs differ across Kubernetes versions: see `pod`.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{Deployment, DeploymentSpec, DeploymentStrategy};
use k8s_openapi::api::core::v1::{
    PersistentVolume, PersistentVolumeClaim, PodTemplateSpec, Service, ServicePort, ServiceSpec,
};
use k8s_openapi::api::networking::v1::{
    HTTPIngressPath, HTTPIngressRuleValue, Ingress, IngressBackend, IngressRule,
    IngressServiceBackend, IngressSpec, IngressTLS, ServiceBackendPort,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::RenderOptions;
use super::labels::{object_labels, pod_selector};
use super::pod::{HTTP_PORT_NAME, PodSettings, extra_ports, meta, pod, service_port};
use crate::diagnostic::Diagnostics;
use crate::plan::{ServicePlan, Workload};
use crate::recipe::CanonicalName;

/// The port the Service listens on when the recipe names none (upstream: "defaults to 80").
pub const DEFAULT_SERVICE_PORT: u16 = 80;

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

/// Builds a single-node service's objects. Problems the plan cannot show (render options that are missing for this
/// recipe) are reported into `diagnostics`.
pub fn service_objects(
    plan: &ServicePlan,
    options: &RenderOptions,
    diagnostics: &mut Diagnostics,
) -> ServiceObjects {
    let workload = &plan.workload;
    let name = &workload.name;
    let labels = object_labels(
        name,
        "inference",
        workload.recipe.recipe_id.as_deref(),
        &options.labels,
    );
    let pod = pod(
        workload,
        &PodSettings {
            component: "inference",
            serving_port: Some(plan.container_port),
            gpus: workload.gpus_per_replica,
            rdma: false,
        },
        options,
        diagnostics,
    );
    // Under KEDA the HPA owns the replica count: writing it here would reset it on every apply (the field
    // would belong to corrino's field manager), so it is left out and the HPA raises the count to its minimum.
    let replicas = match plan.pod_autoscaling {
        Some(_) => None,
        None => Some(
            i32::try_from(workload.recipe.recipe_replica_count.unwrap_or(1)).unwrap_or(i32::MAX),
        ),
    };
    let gpu_node = workload.shape.gpus.is_some();
    let deployment = Deployment {
        metadata: meta(
            name.as_str().to_owned(),
            Some(&options.namespace),
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
                    if gpu_node {
                        "Recreate"
                    } else {
                        "RollingUpdate"
                    }
                    .into(),
                ),
                rolling_update: None,
            }),
            template: PodTemplateSpec {
                metadata: Some(pod.template_meta()),
                spec: Some(pod.spec),
            },
            ..DeploymentSpec::default()
        },
        status: None,
    };
    ServiceObjects {
        volumes: pod.volumes,
        claims: pod.claims,
        deployment,
        service: service(workload, pod_selector(name), options),
        ingress: ingress(name, workload, options),
    }
}

/// The Service `recipe-<name>` in front of the pods `selector` picks: port 80 (or `recipe_host_port`) to the
/// container port, and the extra ingress ports.
pub fn service(
    workload: &Workload,
    selector: BTreeMap<String, String>,
    options: &RenderOptions,
) -> Service {
    let recipe = &workload.recipe;
    let name = &workload.name;
    let mut ports = vec![ServicePort {
        name: Some(HTTP_PORT_NAME.into()),
        port: i32::from(service_port(recipe)),
        target_port: Some(IntOrString::String(HTTP_PORT_NAME.into())),
        protocol: Some("TCP".into()),
        ..ServicePort::default()
    }];
    for (port_name, port, _) in extra_ports(recipe) {
        ports.push(ServicePort {
            name: Some(port_name.clone()),
            port,
            target_port: Some(IntOrString::String(port_name)),
            protocol: Some("TCP".into()),
            ..ServicePort::default()
        });
    }
    Service {
        metadata: meta(
            name.service_name(),
            Some(&options.namespace),
            object_labels(
                name,
                "inference",
                recipe.recipe_id.as_deref(),
                &options.labels,
            ),
            &options.annotations,
        ),
        spec: Some(ServiceSpec {
            selector: Some(selector),
            ports: Some(ports),
            type_: Some("ClusterIP".into()),
            ..ServiceSpec::default()
        }),
        status: None,
    }
}

/// The Ingress `<name>`: host `<name>.<base domain>` (any host without one), the ingress class and TLS issuer from
/// the options, and a path per extra ingress port.
pub fn ingress(name: &CanonicalName, workload: &Workload, options: &RenderOptions) -> Ingress {
    let recipe = &workload.recipe;
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
    for (port_name, _, path) in extra_ports(recipe) {
        paths.push(HTTPIngressPath {
            path: Some(path),
            path_type: "Prefix".into(),
            backend: backend(&port_name),
        });
    }
    let host = options
        .base_domain
        .as_ref()
        .map(|base| format!("{name}.{base}"));
    let mut annotations = options.annotations.clone();
    if let Some(issuer) = &options.tls_issuer {
        annotations.insert("cert-manager.io/cluster-issuer".into(), issuer.clone());
    }
    Ingress {
        metadata: meta(
            name.as_str().to_owned(),
            Some(&options.namespace),
            object_labels(
                name,
                "inference",
                recipe.recipe_id.as_deref(),
                &options.labels,
            ),
            &annotations,
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
    }
}
