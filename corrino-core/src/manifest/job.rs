//! A job recipe as a `batch/v1` Job: the recipe's container runs to completion on the shape's GPUs, placed and
//! given its inputs as a service's pod is, and its outputs (`output_object_storage`) are uploaded to their buckets
//! once it has succeeded.
//!
//! How the results survive a failed upload: each output is a PersistentVolumeClaim (a block volume, render option
//! `storage_class`), not an `emptyDir`. The recipe's container runs as the pod's last init container, so it must
//! succeed before anything is uploaded; the upload containers then run as the pod's containers. The pod restarts
//! failed containers in place (`restartPolicy: OnFailure`), so a failed upload is retried with the results on the
//! volume, up to the Job's `backoffLimit`; if the Job gives up, the claim stays with the results until `corrino
//! delete` removes it. A job without outputs runs its container as the pod's container.
//!
//! Under a team, the Job goes to the team's Namespace with `kueue.x-k8s.io/queue-name` (its LocalQueue) and
//! `kueue.x-k8s.io/priority-class`; Kueue suspends it on creation and admits it when its quota allows. corrino never
//! writes `spec.suspend`, so applying again does not take the Job back from Kueue.
#![allow(clippy::needless_update)] // k8s-openapi structs differ across Kubernetes versions: see `pod`.

use std::collections::BTreeMap;

use k8s_openapi::api::batch::v1::{Job, JobSpec};
use k8s_openapi::api::core::v1::{
    Container, PersistentVolume, PersistentVolumeClaim, PersistentVolumeClaimSpec,
    PersistentVolumeClaimVolumeSource, PodTemplateSpec, Volume, VolumeMount,
    VolumeResourceRequirements,
};

use super::RenderOptions;
use super::labels::object_labels;
use super::pod::{PodSettings, meta, mount_at, pod, quantity};
use crate::diagnostic::Diagnostics;
use crate::plan::JobPlan;
use crate::recipe::ObjectStorageOutput;

/// The label that puts a job into a Kueue LocalQueue.
pub const QUEUE_NAME_LABEL: &str = "kueue.x-k8s.io/queue-name";

/// The label that gives a job's workload its Kueue priority.
pub const PRIORITY_CLASS_LABEL: &str = "kueue.x-k8s.io/priority-class";

/// The objects of a job, in apply order.
pub struct JobObjects {
    /// File Storage volumes.
    pub volumes: Vec<PersistentVolume>,
    /// Their claims, and the output volumes' claims.
    pub claims: Vec<PersistentVolumeClaim>,
    /// The Job.
    pub job: Job,
}

/// The container that uploads output `index` from `volume` once the job's container has succeeded.
fn upload_container(
    index: usize,
    output: &ObjectStorageOutput,
    volume: &str,
    options: &RenderOptions,
) -> Container {
    let source = "/upload";
    Container {
        name: format!("upload-output-{index}"),
        image: Some(options.object_storage_image.clone()),
        command: Some(
            [
                "oci",
                "os",
                "object",
                "bulk-upload",
                "--auth",
                "instance_principal",
                "--bucket-name",
                output.bucket_name.as_deref().unwrap_or_default(),
                "--src-dir",
                source,
                "--overwrite",
            ]
            .into_iter()
            .map(str::to_owned)
            .collect(),
        ),
        volume_mounts: Some(vec![VolumeMount {
            read_only: Some(true),
            ..mount_at(volume, source)
        }]),
        ..Container::default()
    }
}

/// Builds a job's objects.
pub fn job_objects(
    plan: &JobPlan,
    options: &RenderOptions,
    diagnostics: &mut Diagnostics,
) -> JobObjects {
    let workload = &plan.workload;
    let recipe = &workload.recipe;
    let name = &workload.name;
    // A team's job lives in the team's Namespace, with everything it mounts.
    let team_options;
    let options = match &plan.queue {
        Some(queue) => {
            team_options = RenderOptions {
                namespace: queue.namespace.clone(),
                ..options.clone()
            };
            &team_options
        }
        None => options,
    };
    let ns = options.namespace.as_str();
    let mut parts = pod(
        workload,
        &PodSettings {
            component: "job",
            serving_port: None,
            gpus: workload.gpus_per_replica,
            rdma: false,
        },
        options,
        diagnostics,
    );
    let mut labels = object_labels(name, "job", recipe.recipe_id.as_deref(), &options.labels);
    if let Some(queue) = &plan.queue {
        labels.insert(QUEUE_NAME_LABEL.into(), queue.local_queue.clone());
        labels.insert(PRIORITY_CLASS_LABEL.into(), queue.priority_class.clone());
    }
    // Outputs go to claims that outlive the pod, and are uploaded after the job's container has succeeded.
    let mut claims = std::mem::take(&mut parts.claims);
    let mut uploads = Vec::new();
    for (i, output) in recipe.output_object_storage.iter().flatten().enumerate() {
        let (Some(_), Some(size)) = (&output.mount_location, output.volume_size_in_gbs) else {
            continue;
        };
        let volume = format!("output-{i}");
        let claim = format!("{name}-output-{i}");
        claims.push(PersistentVolumeClaim {
            metadata: meta(
                claim.clone(),
                Some(ns),
                object_labels(
                    name,
                    "storage",
                    recipe.recipe_id.as_deref(),
                    &options.labels,
                ),
                &options.annotations,
            ),
            spec: Some(PersistentVolumeClaimSpec {
                access_modes: Some(vec!["ReadWriteOnce".into()]),
                resources: Some(VolumeResourceRequirements {
                    requests: Some(BTreeMap::from([(
                        "storage".into(),
                        quantity(format!("{size}Gi")),
                    )])),
                    limits: None,
                }),
                storage_class_name: Some(options.storage_class.clone()),
                ..PersistentVolumeClaimSpec::default()
            }),
            status: None,
        });
        if let Some(v) = parts
            .spec
            .volumes
            .iter_mut()
            .flatten()
            .find(|v| v.name == volume)
        {
            *v = Volume {
                name: volume.clone(),
                persistent_volume_claim: Some(PersistentVolumeClaimVolumeSource {
                    claim_name: claim,
                    read_only: None,
                }),
                ..Volume::default()
            };
        }
        uploads.push(upload_container(i, output, &volume, options));
    }
    if !uploads.is_empty() {
        let work = std::mem::replace(&mut parts.spec.containers, uploads);
        parts
            .spec
            .init_containers
            .get_or_insert_with(Vec::new)
            .extend(work);
    }
    parts.spec.restart_policy = Some("OnFailure".into());
    let mut template_meta = parts.template_meta();
    if let (Some(queue), Some(pod_labels)) = (&plan.queue, template_meta.labels.as_mut()) {
        pod_labels.insert(QUEUE_NAME_LABEL.into(), queue.local_queue.clone());
    }
    let count = i32::try_from(recipe.recipe_replica_count.unwrap_or(1)).unwrap_or(i32::MAX);
    let job = Job {
        metadata: meta(
            name.as_str().to_owned(),
            Some(ns),
            labels,
            &options.annotations,
        ),
        spec: Some(JobSpec {
            backoff_limit: Some(i32::try_from(options.job_backoff_limit).unwrap_or(i32::MAX)),
            completions: Some(count),
            parallelism: Some(count),
            ttl_seconds_after_finished: options
                .job_ttl_seconds_after_finished
                .map(|s| i32::try_from(s).unwrap_or(i32::MAX)),
            template: PodTemplateSpec {
                metadata: Some(template_meta),
                spec: Some(parts.spec),
            },
            ..JobSpec::default()
        }),
        status: None,
    };
    JobObjects {
        volumes: parts.volumes,
        claims,
        job,
    }
}
