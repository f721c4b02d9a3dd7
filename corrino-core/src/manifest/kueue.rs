//! A team as Kueue objects (API `kueue.x-k8s.io/v1beta2`, the storage version of Kueue v0.19): a ResourceFlavor per
//! quota shape, one Cohort that every team shares, the team's ClusterQueue with its quotas, a WorkloadPriorityClass
//! with its priority, and the team's Namespace with its LocalQueue.
//!
//! Upstream describes the objects but not their fields; corrino writes what a Kubernetes engineer would: each
//! flavor selects its shape's nodes by `node.kubernetes.io/instance-type`; the ClusterQueue covers CPU, memory and
//! the GPU resources of its shapes, in one resource group (Kueue wants every flavor of a group to list every covered
//! resource), and may reclaim its lent quota from any team of the cohort (`reclaimWithinCohort: Any`) and preempt
//! lower-priority workloads of its own (`withinClusterQueue: LowerPriority`). Flavors and the cohort are shared by
//! every team: they carry the label [`SHARED_LABEL`], and deleting one team leaves them.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Namespace;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::{Deserialize, Serialize};

use super::RenderOptions;
use super::keda::resource_serde;
use super::labels::MANAGER;
use super::pod::meta;
use crate::plan::TeamPlan;
use crate::shape::GpuVendor;
use crate::validate::{ResourceQuota, TeamSpec};

/// The label on objects that several recipes share (flavors, the cohort): `corrino delete` leaves them.
pub const SHARED_LABEL: &str = "corrino.oci/shared";

macro_rules! kueue_resource {
    ($ty:ident, $spec:ty, $kind:literal, $plural:literal, $scope:ty, $doc:literal) => {
        #[doc = $doc]
        #[derive(Clone, Debug, Default, PartialEq)]
        pub struct $ty {
            /// The object's metadata.
            pub metadata: ObjectMeta,
            /// Its spec.
            pub spec: $spec,
        }

        impl k8s_openapi::Resource for $ty {
            const API_VERSION: &'static str = "kueue.x-k8s.io/v1beta2";
            const GROUP: &'static str = "kueue.x-k8s.io";
            const KIND: &'static str = $kind;
            const VERSION: &'static str = "v1beta2";
            const URL_PATH_SEGMENT: &'static str = $plural;
            type Scope = $scope;
        }

        impl k8s_openapi::Metadata for $ty {
            type Ty = ObjectMeta;

            fn metadata(&self) -> &ObjectMeta {
                &self.metadata
            }

            fn metadata_mut(&mut self) -> &mut ObjectMeta {
                &mut self.metadata
            }
        }

        resource_serde!($ty, $spec);
    };
}

kueue_resource!(
    ResourceFlavor,
    ResourceFlavorSpec,
    "ResourceFlavor",
    "resourceflavors",
    k8s_openapi::ClusterResourceScope,
    "A kind of node a queue's quota is for: here, one shape."
);
kueue_resource!(
    Cohort,
    CohortSpec,
    "Cohort",
    "cohorts",
    k8s_openapi::ClusterResourceScope,
    "The group of ClusterQueues that lend and borrow quota among themselves."
);
kueue_resource!(
    ClusterQueue,
    ClusterQueueSpec,
    "ClusterQueue",
    "clusterqueues",
    k8s_openapi::ClusterResourceScope,
    "A team's quotas."
);
kueue_resource!(
    LocalQueue,
    LocalQueueSpec,
    "LocalQueue",
    "localqueues",
    k8s_openapi::NamespaceResourceScope,
    "The queue a namespace's jobs are submitted to (`kueue.x-k8s.io/queue-name`)."
);

/// `ResourceFlavor.spec`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceFlavorSpec {
    /// The labels of the flavor's nodes.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub node_labels: BTreeMap<String, String>,
}

/// `Cohort.spec`: empty; the cohort exists so that ClusterQueues can name it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CohortSpec {}

/// `ClusterQueue.spec`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterQueueSpec {
    /// The cohort it lends to and borrows from.
    pub cohort_name: String,
    /// The namespaces whose LocalQueues may point at it (the team's).
    pub namespace_selector: k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector,
    /// How it preempts.
    pub preemption: Preemption,
    /// Its quotas.
    pub resource_groups: Vec<ResourceGroup>,
}

/// `ClusterQueue.spec.preemption`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Preemption {
    /// Whether it reclaims its lent quota from other queues of the cohort.
    pub reclaim_within_cohort: String,
    /// Whether its own workloads preempt each other.
    pub within_cluster_queue: String,
}

/// One resource group: the resources it covers and the quota of each flavor.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceGroup {
    /// The resources, in the order each flavor lists them.
    pub covered_resources: Vec<String>,
    /// The flavors.
    pub flavors: Vec<FlavorQuotas>,
}

/// The quotas of one flavor.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FlavorQuotas {
    /// The flavor.
    pub name: String,
    /// One entry per covered resource.
    pub resources: Vec<ResourceQuotaSpec>,
}

/// One resource's quota.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceQuotaSpec {
    /// The resource.
    pub name: String,
    /// The guaranteed quantity.
    pub nominal_quota: String,
    /// How much more it may borrow.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub borrowing_limit: Option<String>,
    /// How much of its idle quota it lends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lending_limit: Option<String>,
}

/// `LocalQueue.spec`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LocalQueueSpec {
    /// The ClusterQueue it submits to.
    pub cluster_queue: String,
}

/// The priority of a team's workloads. It has no `spec`: its fields are at the top level.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WorkloadPriorityClass {
    /// The object's metadata.
    pub metadata: ObjectMeta,
    /// The priority.
    pub value: i32,
    /// What it is for.
    pub description: Option<String>,
}

impl k8s_openapi::Resource for WorkloadPriorityClass {
    const API_VERSION: &'static str = "kueue.x-k8s.io/v1beta2";
    const GROUP: &'static str = "kueue.x-k8s.io";
    const KIND: &'static str = "WorkloadPriorityClass";
    const VERSION: &'static str = "v1beta2";
    const URL_PATH_SEGMENT: &'static str = "workloadpriorityclasses";
    type Scope = k8s_openapi::ClusterResourceScope;
}

impl k8s_openapi::Metadata for WorkloadPriorityClass {
    type Ty = ObjectMeta;

    fn metadata(&self) -> &ObjectMeta {
        &self.metadata
    }

    fn metadata_mut(&mut self) -> &mut ObjectMeta {
        &mut self.metadata
    }
}

impl Serialize for WorkloadPriorityClass {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use k8s_openapi::Resource as _;
        use serde::ser::SerializeStruct as _;
        let fields = if self.description.is_some() { 5 } else { 4 };
        let mut state = serializer.serialize_struct(Self::KIND, fields)?;
        state.serialize_field("apiVersion", Self::API_VERSION)?;
        state.serialize_field("kind", Self::KIND)?;
        state.serialize_field("metadata", &self.metadata)?;
        state.serialize_field("value", &self.value)?;
        if let Some(description) = &self.description {
            state.serialize_field("description", description)?;
        }
        state.end()
    }
}

/// A team's objects, in apply order: the cluster-scoped ones first, the Namespace before its LocalQueue.
pub struct TeamObjects {
    /// One per quota shape (shared).
    pub flavors: Vec<ResourceFlavor>,
    /// The cohort (shared).
    pub cohort: Cohort,
    /// The team's priority.
    pub priority: WorkloadPriorityClass,
    /// The team's quotas.
    pub cluster_queue: ClusterQueue,
    /// The team's Namespace.
    pub namespace: Namespace,
    /// The team's queue in it.
    pub local_queue: LocalQueue,
}

/// The name of the ResourceFlavor of a shape: its name in lower case (`BM.GPU.H100.8` → `bm.gpu.h100.8`).
#[must_use]
pub fn flavor_name(shape: &str) -> String {
    shape.to_ascii_lowercase()
}

/// The objects of a `team` recipe.
#[must_use]
pub fn team_objects(plan: &TeamPlan, options: &RenderOptions) -> TeamObjects {
    let team = &plan.team;
    let labels = team_labels(team, &plan.name, options);
    let shared_labels = {
        let mut labels = options.labels.clone();
        labels.insert("app.kubernetes.io/managed-by".into(), MANAGER.into());
        labels.insert(SHARED_LABEL.into(), "true".into());
        labels
    };
    let flavors = team
        .quotas
        .iter()
        .map(|q| ResourceFlavor {
            metadata: meta(
                flavor_name(&q.shape),
                None,
                shared_labels.clone(),
                &options.annotations,
            ),
            spec: ResourceFlavorSpec {
                node_labels: BTreeMap::from([(
                    "node.kubernetes.io/instance-type".to_owned(),
                    q.shape.clone(),
                )]),
            },
        })
        .collect();
    // Every flavor of the group lists every covered resource, in the same order.
    let mut gpu_resources: Vec<&str> = team
        .quotas
        .iter()
        .filter_map(|q| q.vendor.map(GpuVendor::resource_name))
        .collect();
    gpu_resources.sort_unstable();
    gpu_resources.dedup();
    let mut covered: Vec<String> = vec!["cpu".into(), "memory".into()];
    covered.extend(gpu_resources.iter().map(|r| (*r).to_owned()));
    let zero = ResourceQuota {
        nominal: crate::quantity::Quantity {
            text: "0".into(),
            nanos: 0,
        },
        borrowing: None,
        lending: None,
    };
    let flavors_quotas = team
        .quotas
        .iter()
        .map(|q| FlavorQuotas {
            name: flavor_name(&q.shape),
            resources: covered
                .iter()
                .map(|resource| {
                    let quota = match resource.as_str() {
                        "cpu" => &q.cpu,
                        "memory" => &q.memory,
                        gpu if q.vendor.map(GpuVendor::resource_name) == Some(gpu) => &q.gpus,
                        _ => &zero,
                    };
                    ResourceQuotaSpec {
                        name: resource.clone(),
                        nominal_quota: quota.nominal.text.clone(),
                        borrowing_limit: quota.borrowing.as_ref().map(|b| b.text.clone()),
                        lending_limit: quota.lending.as_ref().map(|l| l.text.clone()),
                    }
                })
                .collect(),
        })
        .collect();
    let namespace = team.namespace.clone();
    TeamObjects {
        flavors,
        cohort: Cohort {
            metadata: meta(
                team.cohort.clone(),
                None,
                shared_labels,
                &options.annotations,
            ),
            spec: CohortSpec {},
        },
        priority: WorkloadPriorityClass {
            metadata: meta(
                team.priority_class.clone(),
                None,
                labels.clone(),
                &options.annotations,
            ),
            value: team.priority,
            description: Some(format!("The workloads of the team {}", team.name)),
        },
        cluster_queue: ClusterQueue {
            metadata: meta(
                team.cluster_queue.clone(),
                None,
                labels.clone(),
                &options.annotations,
            ),
            spec: ClusterQueueSpec {
                cohort_name: team.cohort.clone(),
                namespace_selector: k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector {
                    match_labels: Some(BTreeMap::from([(
                        "kubernetes.io/metadata.name".to_owned(),
                        namespace.clone(),
                    )])),
                    ..Default::default()
                },
                preemption: Preemption {
                    reclaim_within_cohort: "Any".into(),
                    within_cluster_queue: "LowerPriority".into(),
                },
                resource_groups: vec![ResourceGroup {
                    covered_resources: covered,
                    flavors: flavors_quotas,
                }],
            },
        },
        namespace: Namespace {
            metadata: meta(
                namespace.clone(),
                None,
                labels.clone(),
                &options.annotations,
            ),
            ..Namespace::default()
        },
        local_queue: LocalQueue {
            metadata: meta(
                team.local_queue.clone(),
                Some(&namespace),
                labels,
                &options.annotations,
            ),
            spec: LocalQueueSpec {
                cluster_queue: team.cluster_queue.clone(),
            },
        },
    }
}

/// The labels of a team's own objects.
fn team_labels(team: &TeamSpec, recipe: &str, options: &RenderOptions) -> BTreeMap<String, String> {
    let mut labels = options.labels.clone();
    labels.insert("app.kubernetes.io/name".into(), "kueue-team".into());
    labels.insert("app.kubernetes.io/instance".into(), team.name.clone());
    labels.insert("app.kubernetes.io/managed-by".into(), MANAGER.into());
    labels.insert(super::labels::RECIPE_LABEL.into(), recipe.to_owned());
    labels
}
