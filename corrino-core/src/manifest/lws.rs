//! A multinode service as a LeaderWorkerSet (`leaderworkerset.x-k8s.io/v1`, LWS v0.10): each replica is a group of
//! `multinode_num_nodes_to_use_from_shared_pool` pods, one leader and the workers, each on a node of its own, that
//! form one Ray cluster serving one vLLM instance with the recipe's tensor and pipeline parallelism.
//!
//! - The leader starts the Ray head, waits until every worker has joined, then runs vLLM with the recipe's
//!   arguments (or the recipe's own command, when it has one). Its readiness is the recipe's readiness probe.
//! - Each worker joins the leader's Ray head (`LWS_LEADER_ADDRESS`), retrying until the head answers, and stays.
//! - Startup policy `LeaderCreated`: workers are created once the leader pod exists, and wait for its head
//!   themselves. (`LeaderReady` would deadlock: the leader serves, and so becomes ready, only once the workers
//!   have joined.) Restart policy `RecreateGroupOnPodRestart`: a Ray cluster that lost a member is rebuilt whole.
//! - The Service selects the leaders only (`leaderworkerset.sigs.k8s.io/worker-index: "0"`), which serve the API.
//! - With RDMA, every pod uses the host's network and RDMA devices on RDMA nodes (see [`super::pod`]).
//!
//! With pod autoscaling, the ScaledObject targets the LeaderWorkerSet, whose scale subresource counts groups.

use k8s_openapi::api::core::v1::{PodTemplateSpec, Service};
use k8s_openapi::api::networking::v1::Ingress;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::{Deserialize, Serialize};

use super::RenderOptions;
use super::keda::resource_serde;
use super::labels::{object_labels, pod_selector};
use super::pod::{PodSettings, meta, pod};
use super::service::{ingress, service};
use crate::diagnostic::Diagnostics;
use crate::plan::ServicePlan;
use k8s_openapi::api::core::v1::{PersistentVolume, PersistentVolumeClaim};

/// The label LWS puts on every pod of a group: its index in the group (the leader's is `0`).
pub const WORKER_INDEX_LABEL: &str = "leaderworkerset.sigs.k8s.io/worker-index";

/// The port of the Ray head (GCS).
pub const RAY_PORT: u16 = 6379;

/// A LeaderWorkerSet.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LeaderWorkerSet {
    /// The object's metadata.
    pub metadata: ObjectMeta,
    /// Its spec.
    pub spec: LeaderWorkerSetSpec,
}

impl k8s_openapi::Resource for LeaderWorkerSet {
    const API_VERSION: &'static str = "leaderworkerset.x-k8s.io/v1";
    const GROUP: &'static str = "leaderworkerset.x-k8s.io";
    const KIND: &'static str = "LeaderWorkerSet";
    const VERSION: &'static str = "v1";
    const URL_PATH_SEGMENT: &'static str = "leaderworkersets";
    type Scope = k8s_openapi::NamespaceResourceScope;
}

impl k8s_openapi::Metadata for LeaderWorkerSet {
    type Ty = ObjectMeta;

    fn metadata(&self) -> &ObjectMeta {
        &self.metadata
    }

    fn metadata_mut(&mut self) -> &mut ObjectMeta {
        &mut self.metadata
    }
}

resource_serde!(LeaderWorkerSet, LeaderWorkerSetSpec);

/// `LeaderWorkerSet.spec`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LeaderWorkerSetSpec {
    /// Groups; left out under KEDA, whose HPA owns the count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<i32>,
    /// `LeaderCreated` or `LeaderReady`.
    pub startup_policy: String,
    /// The group's templates.
    pub leader_worker_template: LeaderWorkerTemplate,
}

/// `LeaderWorkerSet.spec.leaderWorkerTemplate`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LeaderWorkerTemplate {
    /// Pods per group, the leader included.
    pub size: i32,
    /// What happens to a group when one of its pods restarts.
    pub restart_policy: String,
    /// The leader's pod.
    pub leader_template: PodTemplateSpec,
    /// The workers' pod.
    pub worker_template: PodTemplateSpec,
}

/// The objects of a multinode service, in apply order.
pub struct MultinodeObjects {
    /// File Storage volumes.
    pub volumes: Vec<PersistentVolume>,
    /// Their claims.
    pub claims: Vec<PersistentVolumeClaim>,
    /// The groups.
    pub leader_worker_set: LeaderWorkerSet,
    /// `recipe-<name>`, in front of the leaders.
    pub service: Service,
    /// The public route.
    pub ingress: Ingress,
}

/// Quotes a word for a POSIX shell: in single quotes, with each `'` written as `'\''`.
fn shell_quote(word: &str) -> String {
    if !word.is_empty()
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./=:,@%+".contains(&b))
    {
        return word.to_owned();
    }
    format!("'{}'", word.replace('\'', r"'\''"))
}

/// The leader's script: the Ray head, a wait for the group's `$(LWS_GROUP_SIZE)` nodes, then the server.
fn leader_script(server: &str) -> String {
    format!(
        "ray start --head --port={RAY_PORT} --disable-usage-stats\n\
         until python3 -c \"import os, ray; ray.init(address='auto', logging_level='ERROR'); \
         raise SystemExit(len([n for n in ray.nodes() if n['Alive']]) < int(os.environ['LWS_GROUP_SIZE']))\"; \
         do sleep 5; done\n\
         exec {server}"
    )
}

/// The worker's script: join the leader's head, retrying until it answers, then stay in the foreground.
fn worker_script() -> String {
    format!(
        "until ray start --address=$LWS_LEADER_ADDRESS:{RAY_PORT} --disable-usage-stats --block; do sleep 5; done"
    )
}

/// Builds a multinode service's objects.
pub fn multinode_objects(
    plan: &ServicePlan,
    nodes: u32,
    rdma: bool,
    options: &RenderOptions,
    diagnostics: &mut Diagnostics,
) -> MultinodeObjects {
    let workload = &plan.workload;
    let recipe = &workload.recipe;
    let name = &workload.name;
    let settings = |component, serving: bool| PodSettings {
        component,
        serving_port: serving.then_some(plan.container_port),
        gpus: workload.gpus_per_replica,
        rdma,
    };
    let mut leader = pod(workload, &settings("leader", true), options, diagnostics);
    // The workers need the same storage (the model), and it is reported once, from the leader.
    let mut worker = pod(
        workload,
        &settings("worker", false),
        options,
        &mut Diagnostics::new(),
    );
    // The server: the recipe's command (as written, or through a shell), else vLLM's OpenAI server.
    let (command, args) = super::pod::command(recipe);
    let server: Vec<String> = match command {
        Some(command) => command
            .into_iter()
            .chain(args.unwrap_or_default())
            .collect(),
        None => ["python3", "-m", "vllm.entrypoints.openai.api_server"]
            .into_iter()
            .map(str::to_owned)
            .chain(args.unwrap_or_default())
            .collect(),
    };
    let server = server
        .iter()
        .map(|w| shell_quote(w))
        .collect::<Vec<_>>()
        .join(" ");
    if let Some(container) = leader.main_container() {
        container.command = Some(vec!["/bin/sh".into(), "-c".into()]);
        container.args = Some(vec![leader_script(&server)]);
    }
    if let Some(container) = worker.main_container() {
        container.command = Some(vec!["/bin/sh".into(), "-c".into()]);
        container.args = Some(vec![worker_script()]);
    }
    let labels = object_labels(
        name,
        "inference",
        recipe.recipe_id.as_deref(),
        &options.labels,
    );
    let replicas = match plan.pod_autoscaling {
        Some(_) => None,
        None => Some(i32::try_from(recipe.recipe_replica_count.unwrap_or(1)).unwrap_or(i32::MAX)),
    };
    let mut leaders = pod_selector(name);
    leaders.insert(WORKER_INDEX_LABEL.into(), "0".into());
    let leader_worker_set = LeaderWorkerSet {
        metadata: meta(
            name.as_str().to_owned(),
            Some(&options.namespace),
            labels,
            &options.annotations,
        ),
        spec: LeaderWorkerSetSpec {
            replicas,
            startup_policy: "LeaderCreated".into(),
            leader_worker_template: LeaderWorkerTemplate {
                size: i32::try_from(nodes).unwrap_or(i32::MAX),
                restart_policy: "RecreateGroupOnPodRestart".into(),
                leader_template: PodTemplateSpec {
                    metadata: Some(leader.template_meta()),
                    spec: Some(leader.spec),
                },
                worker_template: PodTemplateSpec {
                    metadata: Some(worker.template_meta()),
                    spec: Some(worker.spec),
                },
            },
        },
    };
    MultinodeObjects {
        volumes: leader.volumes,
        claims: leader.claims,
        leader_worker_set,
        service: service(workload, leaders, options),
        ingress: ingress(name, workload, options),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_quoted_for_the_shell() {
        assert_eq!(shell_quote("--model"), "--model");
        assert_eq!(shell_quote("/models"), "/models");
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote("$(HOME)"), "'$(HOME)'");
        assert_eq!(shell_quote(""), "''");
    }
}
