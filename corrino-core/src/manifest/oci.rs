//! The OCI side of node autoscaling: the recipe's node pool (or the pool a `shared_node_pool` recipe creates) as a
//! `CreateNodePoolDetails` document (Container Engine API 20180222) and the OKE `ClusterAutoscaler` add-on
//! configuration (`InstallAddonDetails`).
//!
//! These are written to files for the OCI CLI (`oci ce node-pool create --from-json`, `oci ce cluster
//! install-addon --from-json`) or Terraform, never sent anywhere. Identifiers the recipe does not hold (cluster,
//! compartment, subnet, the pool's own OCID once created) come from [`RenderOptions`]; when absent they are written as
//! `<placeholder>` strings and a note lists them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::labels::{
    MIG_CONFIG_LABEL, POOL_LABEL, RDMA_LABEL, RECIPE_LABEL, SHARED_POOL_ANY_LABEL,
    SHARED_POOL_LABEL,
};
use super::options::{NodeGroupDiscovery, RenderOptions};
use crate::autoscaling::NodeAutoscaling;
use crate::plan::{ServicePlan, SharedNodePoolPlan, Workload};
use crate::recipe::Recipe;
use crate::shape::{GpuVendor, Shape};

/// The freeform tag that names the recipe on its node pool (OCI tag keys cannot hold `.` or `/`).
pub const RECIPE_TAG: &str = "corrino-recipe";

/// The Cluster Autoscaler's timing keys, as the OKE add-on names them (values are Go durations).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct AutoscalerTiming {
    /// How often the autoscaler looks at pending pods and unneeded nodes.
    pub scan_interval: String,
    /// How long after a scale-up no node is removed.
    pub scale_down_delay_after_add: String,
    /// How long a node must be unneeded before it is removed.
    pub scale_down_unneeded_time: String,
    /// How long a new node may take to register before the scale-up counts as failed. GPU bare-metal nodes are
    /// slow to boot, so the default is Oracle's GPU example (25m) rather than the add-on's 15m.
    pub max_node_provision_time: String,
}

impl Default for AutoscalerTiming {
    fn default() -> Self {
        AutoscalerTiming {
            scan_interval: "10s".into(),
            scale_down_delay_after_add: "10m".into(),
            scale_down_unneeded_time: "10m".into(),
            max_node_provision_time: "25m".into(),
        }
    }
}

/// A `{key, value}` pair, as OCI lists node labels and add-on configurations.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyValue {
    /// The key.
    pub key: String,
    /// The value.
    pub value: String,
}

/// `nodeSourceDetails`: the image and boot volume of the nodes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeSourceDetails {
    /// Always `IMAGE`.
    pub source_type: String,
    /// The node image.
    pub image_id: String,
    /// The boot volume in GB.
    #[serde(
        rename = "bootVolumeSizeInGBs",
        skip_serializing_if = "Option::is_none"
    )]
    pub boot_volume_size_in_gbs: Option<u32>,
}

/// `nodeShapeConfig`: the size of a flexible shape.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeShapeConfig {
    /// OCPUs per node.
    pub ocpus: u32,
    /// Memory per node in GB.
    #[serde(rename = "memoryInGBs")]
    pub memory_in_gbs: u32,
}

/// One placement of the pool's nodes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlacementConfig {
    /// The availability domain.
    pub availability_domain: String,
    /// The worker subnet.
    pub subnet_id: String,
}

/// `nodePoolPodNetworkOptionDetails` for VCN-native pod networking (which OKE requires for GPU pools).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodNetworkOptions {
    /// `OCI_VCN_IP_NATIVE`.
    pub cni_type: String,
    /// The pod subnets.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pod_subnet_ids: Vec<String>,
    /// The most pods per node.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_pods_per_node: Option<u32>,
    /// Network security groups of the pods.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pod_nsg_ids: Vec<String>,
}

/// `nodeConfigDetails`: how many nodes, where.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeConfigDetails {
    /// The initial number of nodes (the Cluster Autoscaler owns it afterwards).
    pub size: u32,
    /// Where the nodes go.
    pub placement_configs: Vec<PlacementConfig>,
    /// Network security groups of the nodes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nsg_ids: Vec<String>,
    /// Pod networking.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node_pool_pod_network_option_details: Option<PodNetworkOptions>,
    /// Tags of the node instances.
    pub freeform_tags: BTreeMap<String, String>,
}

/// OCI `CreateNodePoolDetails`: a recipe's own node pool, or a shared pool.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateNodePoolDetails {
    /// The compartment.
    pub compartment_id: String,
    /// The cluster.
    pub cluster_id: String,
    /// The pool's name.
    pub name: String,
    /// The shape.
    pub node_shape: String,
    /// The size of a flexible shape.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node_shape_config: Option<NodeShapeConfig>,
    /// Image and boot volume.
    pub node_source_details: NodeSourceDetails,
    /// Size and placement.
    pub node_config_details: NodeConfigDetails,
    /// Labels every node gets; the pods select their pool by them, and the Cluster Autoscaler's template node
    /// carries them, so scaling from zero works.
    pub initial_node_labels: Vec<KeyValue>,
    /// Node metadata: `kubelet-extra-args` registers the GPU taint, which the autoscaler also reads.
    pub node_metadata: BTreeMap<String, String>,
    /// An SSH key for the nodes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ssh_public_key: Option<String>,
    /// Tags of the pool, which the autoscaler's auto-discovery matches.
    pub freeform_tags: BTreeMap<String, String>,
}

/// OKE `InstallAddonDetails` of the `ClusterAutoscaler` add-on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterAutoscalerAddon {
    /// `ClusterAutoscaler`.
    pub addon_name: String,
    /// The add-on's `{key, value}` configuration.
    pub configurations: Vec<KeyValue>,
}

/// The value, or a `<placeholder>` for the user to fill in ([`super::placeholders`] lists those written).
fn or_placeholder(value: Option<&String>, placeholder: &str) -> String {
    value.map_or_else(|| placeholder.to_owned(), Clone::clone)
}

/// A node label or an add-on configuration key.
fn key_value(key: &str, value: impl Into<String>) -> KeyValue {
    KeyValue {
        key: key.into(),
        value: value.into(),
    }
}

/// The node pool document of a recipe that creates its own pool. Its nodes carry [`POOL_LABEL`], which the
/// recipe's pods select, and [`RECIPE_LABEL`].
#[must_use]
pub fn node_pool(
    workload: &Workload,
    node: Option<&NodeAutoscaling>,
    options: &RenderOptions,
) -> CreateNodePoolDetails {
    let recipe = &workload.recipe;
    let size = node.map_or(recipe.recipe_node_pool_size.unwrap_or(1), |n| {
        recipe
            .recipe_node_pool_size
            .unwrap_or(n.min_nodes)
            .clamp(n.min_nodes, n.max_nodes)
    });
    let name = workload.name.as_str();
    pool_document(
        recipe,
        &workload.shape,
        Pool {
            name,
            size,
            boot_volume_size_in_gbs: recipe.recipe_node_boot_volume_size_in_gbs,
            flex: (
                recipe.recipe_flex_shape_ocpu_count,
                recipe.recipe_flex_shape_memory_size_in_gbs,
            ),
            labels: vec![key_value(POOL_LABEL, name), key_value(RECIPE_LABEL, name)],
        },
        options,
    )
}

/// The node pool document of a `shared_node_pool` recipe, named after its canonical `deployment_name`.
///
/// Its nodes carry the labels that services with `recipe_use_shared_node_pool` select, as upstream's shared pools
/// do: `corrino/pool-shared-any: "true"` on every shared pool (upstream places a service without
/// `recipe_shared_node_pool_selector` on any shared pool of its shape), and `corrino: <shared_node_pool_selector>`
/// when the pool has a selector. With `shared_node_pool_mig_config`, `nvidia.com/mig.config` tells the NVIDIA GPU
/// Operator's MIG manager how to partition the GPUs; with `multinode_rdma_enabled_in_shared_pool`,
/// `corrino/rdma: "true"` marks the RDMA nodes.
#[must_use]
pub fn shared_node_pool(
    plan: &SharedNodePoolPlan,
    options: &RenderOptions,
) -> CreateNodePoolDetails {
    let recipe = &plan.recipe;
    let name = &plan.name;
    let mut labels = vec![
        key_value(SHARED_POOL_ANY_LABEL, "true"),
        key_value(RECIPE_LABEL, name),
    ];
    if let Some(selector) = &recipe.shared_node_pool_selector {
        labels.push(key_value(SHARED_POOL_LABEL, selector));
    }
    if let Some(config) = &recipe.shared_node_pool_mig_config {
        labels.push(key_value(MIG_CONFIG_LABEL, config));
    }
    if recipe.multinode_rdma_enabled_in_shared_pool == Some(true) {
        labels.push(key_value(RDMA_LABEL, "true"));
    }
    pool_document(
        recipe,
        &plan.shape,
        Pool {
            name,
            size: plan.size,
            boot_volume_size_in_gbs: recipe.shared_node_pool_boot_volume_size_in_gbs,
            flex: (
                recipe.shared_node_pool_flex_shape_ocpu_count,
                recipe.shared_node_pool_flex_shape_memory_size_in_gbs,
            ),
            labels,
        },
        options,
    )
}

/// What a recipe's own pool and a shared pool set differently.
struct Pool<'a> {
    /// The canonical name the pool, its labels and tags are named after.
    name: &'a str,
    size: u32,
    boot_volume_size_in_gbs: Option<u32>,
    /// OCPUs and memory in GB of a flexible shape.
    flex: (Option<u32>, Option<u32>),
    /// The pool's own node labels; the recipe's `recipe_node_labels` follow, except where they would replace one.
    labels: Vec<KeyValue>,
}

fn pool_document(
    recipe: &Recipe,
    shape: &Shape,
    pool: Pool<'_>,
    options: &RenderOptions,
) -> CreateNodePoolDetails {
    let Pool {
        name,
        size,
        boot_volume_size_in_gbs,
        flex: (ocpus, memory_in_gbs),
        mut labels,
    } = pool;
    let own = labels.len();
    for (k, v) in recipe.recipe_node_labels.iter().flatten() {
        if !labels[..own].iter().any(|l| &l.key == k) {
            labels.push(key_value(k, v));
        }
    }
    let mut node_metadata = BTreeMap::new();
    if let Some(gpus) = &shape.gpus {
        let taint = match gpus.vendor {
            GpuVendor::Nvidia => "nvidia.com/gpu=present:NoSchedule",
            GpuVendor::Amd => "amd.com/gpu=present:NoSchedule",
        };
        node_metadata.insert(
            "kubelet-extra-args".into(),
            format!("--register-with-taints={taint}"),
        );
    }
    let tags = BTreeMap::from([(RECIPE_TAG.to_owned(), name.to_owned())]);
    let subnet = or_placeholder(options.subnet_id.as_ref(), "<worker-subnet-ocid>");
    let pod_network = PodNetworkOptions {
        cni_type: "OCI_VCN_IP_NATIVE".into(),
        pod_subnet_ids: recipe.recipe_pod_subnet_ocid.iter().cloned().collect(),
        max_pods_per_node: recipe.recipe_max_pods_per_node,
        pod_nsg_ids: recipe.recipe_pod_subnet_nsg_ocid.iter().cloned().collect(),
    };
    CreateNodePoolDetails {
        compartment_id: or_placeholder(
            recipe
                .recipe_compartment_ocid
                .as_ref()
                .or(options.compartment_id.as_ref()),
            "<compartment-ocid>",
        ),
        cluster_id: or_placeholder(options.cluster_id.as_ref(), "<cluster-ocid>"),
        name: format!("corrino-{name}"),
        node_shape: shape.name.to_string(),
        node_shape_config: shape.flex.as_ref().map(|_| NodeShapeConfig {
            ocpus: ocpus.unwrap_or(1),
            memory_in_gbs: memory_in_gbs.unwrap_or(16),
        }),
        node_source_details: NodeSourceDetails {
            source_type: "IMAGE".into(),
            image_id: or_placeholder(recipe.recipe_node_image_ocid.as_ref(), "<node-image-ocid>"),
            boot_volume_size_in_gbs,
        },
        node_config_details: NodeConfigDetails {
            size,
            placement_configs: vec![PlacementConfig {
                availability_domain: or_placeholder(
                    recipe.recipe_availability_domain.as_ref(),
                    "<availability-domain>",
                ),
                subnet_id: subnet,
            }],
            nsg_ids: recipe
                .recipe_worker_subnet_nsg_ocid
                .iter()
                .cloned()
                .collect(),
            node_pool_pod_network_option_details: Some(pod_network),
            freeform_tags: tags.clone(),
        },
        initial_node_labels: labels,
        node_metadata,
        ssh_public_key: recipe.recipe_public_ssh_key.clone(),
        freeform_tags: tags,
    }
}

/// The Cluster Autoscaler add-on configuration for a recipe with node autoscaling.
#[must_use]
pub fn cluster_autoscaler(
    plan: &ServicePlan,
    options: &RenderOptions,
) -> Option<ClusterAutoscalerAddon> {
    let node = plan.node_autoscaling.as_ref()?;
    let name = &plan.workload.name;
    let (min, max) = (node.min_nodes, node.max_nodes);
    let mut configurations = vec![key_value("authType", "instance")];
    match options.discovery {
        NodeGroupDiscovery::Nodes => {
            let pool = or_placeholder(options.node_pool_id.as_ref(), "<node-pool-ocid>");
            configurations.push(key_value("nodes", format!("{min}:{max}:{pool}")));
        }
        NodeGroupDiscovery::AutoDiscovery => {
            let compartment = or_placeholder(
                plan.workload
                    .recipe
                    .recipe_compartment_ocid
                    .as_ref()
                    .or(options.compartment_id.as_ref()),
                "<compartment-ocid>",
            );
            configurations.push(key_value(
                "nodeGroupAutoDiscovery",
                format!("compartmentId:{compartment},nodepoolTags:{RECIPE_TAG}={name},min:{min},max:{max}"),
            ));
        }
    }
    let t = &options.autoscaler_timing;
    configurations.push(key_value("scanInterval", t.scan_interval.clone()));
    configurations.push(key_value(
        "scaleDownDelayAfterAdd",
        t.scale_down_delay_after_add.clone(),
    ));
    configurations.push(key_value(
        "scaleDownUnneededTime",
        t.scale_down_unneeded_time.clone(),
    ));
    configurations.push(key_value(
        "maxNodeProvisionTime",
        t.max_node_provision_time.clone(),
    ));
    Some(ClusterAutoscalerAddon {
        addon_name: "ClusterAutoscaler".into(),
        configurations,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{PlanOptions, plan_json};

    fn shared_pool(recipe: &serde_json::Value) -> CreateNodePoolDetails {
        let planning = plan_json(recipe, &PlanOptions::default());
        let Some(crate::Plan::SharedNodePool(plan)) = planning.plan else {
            panic!("a shared pool plan: {}", planning.diagnostics)
        };
        shared_node_pool(&plan, &RenderOptions::default())
    }

    fn labels(pool: &CreateNodePoolDetails) -> Vec<(&str, &str)> {
        pool.initial_node_labels
            .iter()
            .map(|l| (l.key.as_str(), l.value.as_str()))
            .collect()
    }

    #[test]
    fn a_flexible_shared_pool_takes_its_own_size_fields_and_keeps_its_labels() {
        let pool = shared_pool(&serde_json::json!({
            "deployment_name": "CPU pool",
            "recipe_mode": "shared_node_pool",
            "shared_node_pool_size": 2,
            "shared_node_pool_shape": "VM.Standard.E4.Flex",
            "shared_node_pool_boot_volume_size_in_gbs": 200,
            "shared_node_pool_flex_shape_ocpu_count": 8,
            "shared_node_pool_flex_shape_memory_size_in_gbs": 64,
            "recipe_node_labels": {"corrino/pool-shared-any": "false", "team": "a"}
        }));
        assert_eq!(pool.name, "corrino-cpu-pool");
        assert_eq!(pool.node_config_details.size, 2);
        assert_eq!(pool.node_source_details.boot_volume_size_in_gbs, Some(200));
        assert_eq!(
            pool.node_shape_config,
            Some(NodeShapeConfig {
                ocpus: 8,
                memory_in_gbs: 64
            })
        );
        // A recipe's extra labels never take a pool's own label away.
        assert_eq!(
            labels(&pool),
            [
                ("corrino/pool-shared-any", "true"),
                ("corrino.oci/recipe", "cpu-pool"),
                ("team", "a"),
            ]
        );
        assert!(pool.node_metadata.is_empty(), "a CPU pool has no GPU taint");
        assert_eq!(pool.freeform_tags[RECIPE_TAG], "cpu-pool");
    }

    #[test]
    fn rdma_pools_are_labelled_and_amd_pools_tainted_for_their_gpus() {
        let rdma = shared_pool(&serde_json::json!({
            "deployment_name": "rdma",
            "recipe_mode": "shared_node_pool",
            "shared_node_pool_size": 2,
            "shared_node_pool_shape": "BM.GPU.H100.8",
            "shared_node_pool_boot_volume_size_in_gbs": 1000,
            "multinode_rdma_enabled_in_shared_pool": true
        }));
        assert!(labels(&rdma).contains(&(RDMA_LABEL, "true")));
        let amd = shared_pool(&serde_json::json!({
            "deployment_name": "mi300x",
            "recipe_mode": "shared_node_pool",
            "shared_node_pool_size": 1,
            "shared_node_pool_shape": "BM.GPU.MI300X.8",
            "shared_node_pool_boot_volume_size_in_gbs": 1000,
            "recipe_availability_domain": "TrcQ:US-ASHBURN-AD-3",
            "recipe_node_image_ocid": "ocid1.image.oc1.iad.example"
        }));
        assert_eq!(
            amd.node_source_details.image_id,
            "ocid1.image.oc1.iad.example"
        );
        assert!(!labels(&amd).iter().any(|(k, _)| *k == RDMA_LABEL));
        assert_eq!(
            amd.node_metadata["kubelet-extra-args"],
            "--register-with-taints=amd.com/gpu=present:NoSchedule"
        );
    }
}
