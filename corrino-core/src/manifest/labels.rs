//! The labels and names every object of a recipe carries.
//!
//! Labels follow Kubernetes' recommended `app.kubernetes.io/*` keys, plus [`RECIPE_LABEL`], which ties every
//! object (and the node pool's nodes) to the recipe it came from, so that one selector finds them all.

use std::collections::BTreeMap;

use crate::recipe::CanonicalName;

/// The label that names the recipe an object belongs to.
pub const RECIPE_LABEL: &str = "corrino.oci/recipe";

/// The node label a recipe's own node pool puts on its nodes (and its pods select).
pub const POOL_LABEL: &str = "corrino.oci/pool";

/// The node label upstream's shared pools carry: `corrino: <pool selector>`.
pub const SHARED_POOL_LABEL: &str = "corrino";

/// The node label every upstream shared pool carries when any recipe may use it.
pub const SHARED_POOL_ANY_LABEL: &str = "corrino/pool-shared-any";

/// The node label upstream puts on the nodes of a shared pool with RDMA (`multinode_rdma_enabled_in_shared_pool`).
pub const RDMA_LABEL: &str = "corrino/rdma";

/// The node label the NVIDIA GPU Operator's MIG manager reads: the MIG layout to apply to the node's GPUs.
pub const MIG_CONFIG_LABEL: &str = "nvidia.com/mig.config";

/// The field manager and `managed-by` value of everything corrino writes.
pub const MANAGER: &str = "corrino";

/// The labels of every object of the recipe `name`, plus the caller's extra labels (which never override ours).
#[must_use]
pub fn object_labels(
    name: &CanonicalName,
    component: &str,
    part_of: Option<&str>,
    extra: &BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    let mut labels = extra.clone();
    labels.insert("app.kubernetes.io/name".into(), "vllm".into());
    labels.insert(
        "app.kubernetes.io/instance".into(),
        name.as_str().to_owned(),
    );
    labels.insert("app.kubernetes.io/component".into(), component.into());
    labels.insert("app.kubernetes.io/managed-by".into(), MANAGER.into());
    // `recipe_id` is free-form upstream: it becomes `part-of` only when it is a valid label value.
    if let Some(part_of) = part_of.filter(|p| crate::names::label_value_problem(p).is_none()) {
        labels.insert("app.kubernetes.io/part-of".into(), part_of.into());
    }
    labels.insert(RECIPE_LABEL.into(), name.as_str().to_owned());
    labels
}

/// The selector that finds the recipe's pods (immutable on a Deployment, so kept to the one label).
#[must_use]
pub fn pod_selector(name: &CanonicalName) -> BTreeMap<String, String> {
    BTreeMap::from([(RECIPE_LABEL.to_owned(), name.as_str().to_owned())])
}

/// How Prometheus turns a Kubernetes label into a series label (`corrino.oci/recipe` → `corrino_oci_recipe`).
#[must_use]
pub fn prometheus_label_name(label: &str) -> String {
    label
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}
