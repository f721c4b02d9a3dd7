//! The node pool a workload's pods land on, from the OCI documents corrino renders: the pool
//! (`CreateNodePoolDetails`) whose labels and shape satisfy the pods' node selector, and the OKE Cluster Autoscaler
//! add-on's bounds of it (`nodes: min:max:<pool OCID>` or `nodeGroupAutoDiscovery: …,nodepoolTags:k=v,min:…,max:…`)
//! and timing keys, parsed.

use std::collections::BTreeMap;

use super::pod::INSTANCE_TYPE_LABEL;
use super::{NodeBounds, Objects, Pool, Target};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::manifest::oci::{AutoscalerTiming, ClusterAutoscalerAddon, CreateNodePoolDetails};
use crate::sim::cluster_autoscaler::Timing;

/// The OKE add-on's own defaults for the timing keys it is not given (Oracle's table of the add-on's parameters:
/// `scanInterval` 10s, `scaleDownDelayAfterAdd` 10m, `scaleDownUnneededTime` 10m, `maxNodeProvisionTime` 15m).
#[must_use]
pub fn addon_defaults() -> AutoscalerTiming {
    AutoscalerTiming {
        scan_interval: "10s".into(),
        scale_down_delay_after_add: "10m".into(),
        scale_down_unneeded_time: "10m".into(),
        max_node_provision_time: "15m".into(),
    }
}

/// Whether the pool's nodes carry every label the selector asks for (the kubelet adds the instance type).
fn selects(selector: &BTreeMap<String, String>, pool: &CreateNodePoolDetails) -> bool {
    selector.iter().all(|(key, value)| {
        (key == INSTANCE_TYPE_LABEL && *value == pool.node_shape)
            || pool
                .initial_node_labels
                .iter()
                .any(|l| l.key == *key && l.value == *value)
    })
}

/// The pool of the target's pods, with the add-on's bounds and timing when the input holds the add-on.
pub(super) fn pool(
    objects: &Objects,
    target: &Target,
    selector: &BTreeMap<String, String>,
    diagnostics: &mut Diagnostics,
) -> Option<Pool> {
    let pool = objects
        .node_pools
        .iter()
        .find(|p| selects(selector, &p.object))?;
    let mut found = Pool {
        at: pool.at.as_str().to_owned(),
        shape: pool.object.node_shape.clone(),
        size: pool.object.node_config_details.size,
        autoscaled: None,
        timing: None,
    };
    if pool.object.node_shape != target.shape.name {
        diagnostics.push(Diagnostic::error(
            pool.at.key("nodeShape"),
            Code::UnknownShape,
            format!(
                "the node pool is of `{}`, but the pods select `{}`",
                pool.object.node_shape, target.shape.name
            ),
        ));
    }
    for addon in &objects.cluster_autoscalers {
        let Some(bounds) = bounds_of(
            &addon.object,
            &pool.object,
            objects.node_pools.len(),
            diagnostics,
            &addon.at,
        ) else {
            continue;
        };
        found.autoscaled = Some(bounds);
        found.timing = timing(&addon.object, &addon.at, diagnostics);
        break;
    }
    Some(found)
}

/// The add-on's bounds of `pool`: a `nodeGroupAutoDiscovery` whose tags the pool carries, or the one `nodes` group
/// when the input holds one pool (a pool document has no OCID yet to match `nodes` by).
fn bounds_of(
    addon: &ClusterAutoscalerAddon,
    pool: &CreateNodePoolDetails,
    pools: usize,
    diagnostics: &mut Diagnostics,
    at: &crate::diagnostic::Pointer,
) -> Option<NodeBounds> {
    if addon.addon_name != "ClusterAutoscaler" {
        return None;
    }
    for (i, entry) in addon.configurations.iter().enumerate() {
        let entry_at = at.key("configurations").index(i).key("value");
        let parsed = match entry.key.as_str() {
            "nodes" => {
                let groups: Vec<&str> = entry
                    .value
                    .split(',')
                    .filter(|g| !g.trim().is_empty())
                    .collect();
                if groups.len() != 1 || pools != 1 {
                    continue;
                }
                let mut parts = groups[0].splitn(3, ':');
                match (parts.next(), parts.next()) {
                    (Some(min), Some(max)) => min.trim().parse().ok().zip(max.trim().parse().ok()),
                    _ => None,
                }
            }
            "nodeGroupAutoDiscovery" => {
                let fields: BTreeMap<&str, &str> = entry
                    .value
                    .split(',')
                    .filter_map(|f| f.split_once(':'))
                    .collect();
                let tags_match = fields.get("nodepoolTags").is_none_or(|tags| {
                    tags.split('&').all(|tag| {
                        tag.split_once('=')
                            .is_some_and(|(k, v)| pool.freeform_tags.get(k).is_some_and(|t| t == v))
                    })
                });
                if !tags_match {
                    continue;
                }
                fields
                    .get("min")
                    .and_then(|m| m.trim().parse().ok())
                    .zip(fields.get("max").and_then(|m| m.trim().parse().ok()))
            }
            _ => continue,
        };
        match parsed {
            Some((min, max)) if min <= max => {
                return Some(NodeBounds {
                    min,
                    max,
                    at: entry_at.as_str().to_owned(),
                });
            }
            _ => {
                diagnostics.push(Diagnostic::error(
                    entry_at,
                    Code::NodeBounds,
                    format!(
                        "`{}` is `{}`: the node group's bounds cannot be read as min ≤ max",
                        entry.key, entry.value
                    ),
                ));
                return None;
            }
        }
    }
    None
}

/// The add-on's timing keys, parsed (the add-on's defaults for those it leaves out).
fn timing(
    addon: &ClusterAutoscalerAddon,
    at: &crate::diagnostic::Pointer,
    diagnostics: &mut Diagnostics,
) -> Option<Timing> {
    let mut timing = addon_defaults();
    let mut index = BTreeMap::new();
    for (i, entry) in addon.configurations.iter().enumerate() {
        let slot = match entry.key.as_str() {
            "scanInterval" => &mut timing.scan_interval,
            "scaleDownDelayAfterAdd" => &mut timing.scale_down_delay_after_add,
            "scaleDownUnneededTime" => &mut timing.scale_down_unneeded_time,
            "maxNodeProvisionTime" => &mut timing.max_node_provision_time,
            _ => continue,
        };
        slot.clone_from(&entry.value);
        index.insert(entry.key.as_str(), i);
    }
    match Timing::parse(&timing) {
        Ok(timing) => Some(timing),
        Err(error) => {
            let entry_at = index.get(error.key).map_or_else(
                || at.key("configurations"),
                |i| at.key("configurations").index(*i).key("value"),
            );
            diagnostics.push(
                Diagnostic::error(entry_at, Code::InvalidDuration, error.to_string())
                    .with_hint("write a Go duration: `10s`, `10m`, `1h30m`"),
            );
            None
        }
    }
}
