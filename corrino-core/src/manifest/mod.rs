//! Rendering a plan into everything a cluster needs: typed Kubernetes objects (k8s-openapi), the KEDA
//! ScaledObject, a Prometheus Operator monitor if asked for, and the OCI node pool and Cluster Autoscaler
//! documents. A `shared_node_pool` recipe renders to its node pool document alone.
//!
//! [`render`] refuses a plan with errors (it returns the diagnostics), so no half-written manifest ever leaves.
//! Output is deterministic: maps are ordered, objects come in a fixed order (cluster-scoped before namespaced, the
//! ScaledObject after its Deployment), and the same plan always gives the same bytes.

mod group;
pub mod job;
pub mod keda;
pub mod kueue;
pub mod labels;
pub mod lws;
pub mod monitoring;
pub mod node;
pub mod oci;
pub mod options;
pub mod pod;
pub mod scaling;
pub mod service;
pub mod storage;

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::{
    Namespace, Node, PersistentVolume, PersistentVolumeClaim, Service,
};
use k8s_openapi::api::networking::v1::Ingress;
use serde::Serialize;

use crate::diagnostic::Diagnostics;
use crate::plan::{JobPlan, Plan, PlanOptions, Planning, ServicePlan, TeamPlan};

pub use keda::ScaledObject;
pub use monitoring::{PodMonitor, ServiceMonitor};
pub use oci::{AutoscalerTiming, ClusterAutoscalerAddon, CreateNodePoolDetails};
pub use options::{FileSystemExport, NodeGroupDiscovery, RenderOptions, ScrapeMode};

/// One rendered object. Each is boxed: the objects are large (a Deployment alone is over 2 KB) and moved and
/// collected as they are built, so the enum stays a pointer wide.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Manifest {
    /// A File Storage volume (cluster-scoped).
    PersistentVolume(Box<PersistentVolume>),
    /// Its claim.
    PersistentVolumeClaim(Box<PersistentVolumeClaim>),
    /// A team's Namespace.
    Namespace(Box<Namespace>),
    /// A kind of node a team's quota is for (Kueue; shared by every team).
    ResourceFlavor(Box<kueue::ResourceFlavor>),
    /// The group of team queues that lend and borrow (Kueue; shared by every team).
    Cohort(Box<kueue::Cohort>),
    /// A team's priority (Kueue).
    WorkloadPriorityClass(Box<kueue::WorkloadPriorityClass>),
    /// A team's quotas (Kueue).
    ClusterQueue(Box<kueue::ClusterQueue>),
    /// A team's queue in its Namespace (Kueue).
    LocalQueue(Box<kueue::LocalQueue>),
    /// The server.
    Deployment(Box<Deployment>),
    /// A multinode server: groups of a leader and workers.
    LeaderWorkerSet(Box<lws::LeaderWorkerSet>),
    /// A run-to-completion workload.
    Job(Box<Job>),
    /// `recipe-<name>`.
    Service(Box<Service>),
    /// The public route.
    Ingress(Box<Ingress>),
    /// The scrape configuration, with the Prometheus Operator.
    PodMonitor(Box<PodMonitor>),
    /// The scrape configuration, with the Prometheus Operator.
    ServiceMonitor(Box<ServiceMonitor>),
    /// Pod autoscaling.
    ScaledObject(Box<ScaledObject>),
    /// The recipe's own node pool, or the pool of a `shared_node_pool` recipe (an OCI document, not a Kubernetes
    /// object).
    NodePool(Box<CreateNodePoolDetails>),
    /// The Cluster Autoscaler add-on configuration (an OCI document, not a Kubernetes object).
    ClusterAutoscaler(Box<ClusterAutoscalerAddon>),
    /// New labels on one node, by server-side apply.
    Node(Box<Node>),
    /// New labels on every node a selector picks (not a Kubernetes object: the apply plan resolves it).
    NodeLabels(Box<node::NodeLabels>),
}

impl Manifest {
    /// Whether this is a Kubernetes object (as opposed to an OCI document).
    #[must_use]
    pub fn is_kubernetes(&self) -> bool {
        !matches!(
            self,
            Manifest::NodePool(_) | Manifest::ClusterAutoscaler(_) | Manifest::NodeLabels(_)
        )
    }

    /// Whether this is an OCI document (a node pool, the Cluster Autoscaler add-on), which is written to a file for
    /// the OCI CLI or Terraform and never sent to the cluster.
    #[must_use]
    pub fn is_oci(&self) -> bool {
        matches!(self, Manifest::NodePool(_) | Manifest::ClusterAutoscaler(_))
    }

    /// Whether the object is shared by several recipes (a Kueue flavor, the cohort), so that deleting one recipe
    /// leaves it.
    #[must_use]
    pub fn is_shared(&self) -> bool {
        let meta = match self {
            Manifest::ResourceFlavor(o) => &o.metadata,
            Manifest::Cohort(o) => &o.metadata,
            _ => return false,
        };
        meta.labels
            .as_ref()
            .is_some_and(|l| l.contains_key(kueue::SHARED_LABEL))
    }

    /// `Kind/name` for Kubernetes objects, the document's file name for OCI documents.
    #[must_use]
    pub fn title(&self) -> String {
        fn named(
            kind: &str,
            meta: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta,
        ) -> String {
            format!("{kind}/{}", meta.name.as_deref().unwrap_or_default())
        }
        match self {
            Manifest::PersistentVolume(o) => named("PersistentVolume", &o.metadata),
            Manifest::PersistentVolumeClaim(o) => named("PersistentVolumeClaim", &o.metadata),
            Manifest::Namespace(o) => named("Namespace", &o.metadata),
            Manifest::ResourceFlavor(o) => named("ResourceFlavor", &o.metadata),
            Manifest::Cohort(o) => named("Cohort", &o.metadata),
            Manifest::WorkloadPriorityClass(o) => named("WorkloadPriorityClass", &o.metadata),
            Manifest::ClusterQueue(o) => named("ClusterQueue", &o.metadata),
            Manifest::LocalQueue(o) => named("LocalQueue", &o.metadata),
            Manifest::Deployment(o) => named("Deployment", &o.metadata),
            Manifest::LeaderWorkerSet(o) => named("LeaderWorkerSet", &o.metadata),
            Manifest::Job(o) => named("Job", &o.metadata),
            Manifest::Node(o) => named("Node", &o.metadata),
            Manifest::NodeLabels(labels) => format!(
                "node-labels-{}.json",
                labels
                    .selector
                    .split_once('=')
                    .map_or(labels.selector.as_str(), |(_, value)| value)
            ),
            Manifest::Service(o) => named("Service", &o.metadata),
            Manifest::Ingress(o) => named("Ingress", &o.metadata),
            Manifest::PodMonitor(o) => named("PodMonitor", &o.metadata),
            Manifest::ServiceMonitor(o) => named("ServiceMonitor", &o.metadata),
            Manifest::ScaledObject(o) => named("ScaledObject", &o.metadata),
            Manifest::NodePool(_) => "node-pool.json".into(),
            Manifest::ClusterAutoscaler(_) => "cluster-autoscaler-addon.json".into(),
        }
    }
}

/// Renders a checked plan. Render options that are invalid, or missing for this recipe, give every problem instead;
/// so do options whose target (`keda`, `kubernetes`) is not the one the plan was checked for, since the plan's
/// diagnostics would not hold for the objects.
///
/// # Errors
/// The problems of the render options, or of a mode corrino does not render.
pub fn render(plan: &Plan, options: &RenderOptions) -> Result<Vec<Manifest>, Diagnostics> {
    let mut problems = options.problems();
    if let Some(planned) = plan.target()
        && planned != options.target()
    {
        problems.push(
            crate::diagnostic::Diagnostic::error(
                "",
                crate::diagnostic::Code::RenderOption,
                format!(
                    "render options `keda` and `kubernetes`: the plan was checked for {planned}, the options ask for {}",
                    options.target()
                ),
            )
            .with_hint("plan with the same target (`PlanOptions::target`), or render with `render_bytes`, which plans for the options' target"),
        );
    }
    if problems.has_errors() {
        return Err(problems);
    }
    render_checked(plan, options)
}

/// [`render`] once the options are known to be valid (a group's members are rendered with it).
fn render_checked(plan: &Plan, options: &RenderOptions) -> Result<Vec<Manifest>, Diagnostics> {
    match plan {
        Plan::Service(service) => render_service(service, options),
        Plan::SharedNodePool(pool) => Ok(vec![Manifest::NodePool(Box::new(
            oci::shared_node_pool(pool, options),
        ))]),
        Plan::Group(members) => group::render(members, options),
        Plan::Job(job) => render_job(job, options),
        Plan::Team(team) => Ok(render_team(team, options)),
        Plan::Update(update) => Ok(vec![match node::node_change(update) {
            node::NodeChange::Node(n) => Manifest::Node(n),
            node::NodeChange::Selector(labels) => Manifest::NodeLabels(Box::new(labels)),
        }]),
    }
}

/// A `job` recipe: its volumes, the Job, and its own pool's document.
fn render_job(plan: &JobPlan, options: &RenderOptions) -> Result<Vec<Manifest>, Diagnostics> {
    let mut diagnostics = Diagnostics::new();
    let objects = job::job_objects(plan, options, &mut diagnostics);
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    let mut out = storage(objects.volumes, objects.claims);
    out.push(Manifest::Job(Box::new(objects.job)));
    if !plan.workload.recipe.uses_shared_pool() {
        out.push(Manifest::NodePool(Box::new(oci::node_pool(
            &plan.workload,
            None,
            options,
        ))));
    }
    Ok(out)
}

/// The File Storage volumes and claims a workload mounts, which come first in every render that has them (a claim
/// binds to its volume, and the pod waits for its claims).
fn storage(volumes: Vec<PersistentVolume>, claims: Vec<PersistentVolumeClaim>) -> Vec<Manifest> {
    volumes
        .into_iter()
        .map(|v| Manifest::PersistentVolume(Box::new(v)))
        .chain(
            claims
                .into_iter()
                .map(|c| Manifest::PersistentVolumeClaim(Box::new(c))),
        )
        .collect()
}

/// A `team` recipe: its Kueue objects and Namespace, cluster-scoped ones first.
fn render_team(plan: &TeamPlan, options: &RenderOptions) -> Vec<Manifest> {
    let objects = kueue::team_objects(plan, options);
    let mut out: Vec<Manifest> = objects
        .flavors
        .into_iter()
        .map(|f| Manifest::ResourceFlavor(Box::new(f)))
        .collect();
    out.push(Manifest::Cohort(Box::new(objects.cohort)));
    out.push(Manifest::WorkloadPriorityClass(Box::new(objects.priority)));
    out.push(Manifest::ClusterQueue(Box::new(objects.cluster_queue)));
    out.push(Manifest::Namespace(Box::new(objects.namespace)));
    out.push(Manifest::LocalQueue(Box::new(objects.local_queue)));
    out
}

/// What rendering a recipe gives: its objects and documents, and the recipe's warnings and notes.
#[derive(Clone, Debug, PartialEq)]
pub struct Rendered {
    /// The Kubernetes objects and OCI documents, in apply order.
    pub manifests: Vec<Manifest>,
    /// The recipe's warnings and notes.
    pub diagnostics: Diagnostics,
}

/// Reads, plans and renders recipe bytes: what every face does, written once. The recipe is planned for the render
/// options' target, whatever `plan_options.target` says.
///
/// # Errors
/// Every diagnostic of the recipe (its warnings and notes included) when it has errors or cannot be rendered with
/// these options.
pub fn render_bytes(
    input: &[u8],
    plan_options: &PlanOptions,
    options: &RenderOptions,
) -> Result<Rendered, Diagnostics> {
    let plan_options = for_target(plan_options, options);
    rendered(crate::plan::plan_bytes(input, &plan_options), options)
}

/// The plan options with the render options' target (borrowed when they already agree: the catalogs are large).
fn for_target<'a>(
    plan_options: &'a PlanOptions,
    options: &RenderOptions,
) -> std::borrow::Cow<'a, PlanOptions> {
    if plan_options.target == options.target() {
        std::borrow::Cow::Borrowed(plan_options)
    } else {
        std::borrow::Cow::Owned(PlanOptions {
            target: options.target(),
            ..plan_options.clone()
        })
    }
}

/// [`render_bytes`] of a tree (see [`plan_tree`](crate::plan::plan_tree)).
///
/// # Errors
/// As [`render_bytes`].
pub fn render_tree(
    tree: (Option<crate::document::Node<'_>>, Diagnostics),
    plan_options: &PlanOptions,
    options: &RenderOptions,
) -> Result<Rendered, Diagnostics> {
    rendered(crate::plan::plan_tree(tree, plan_options), options)
}

/// [`render_bytes`] for a recipe already held as JSON.
///
/// # Errors
/// As [`render_bytes`].
pub fn render_json(
    value: &serde_json::Value,
    plan_options: &PlanOptions,
    options: &RenderOptions,
) -> Result<Rendered, Diagnostics> {
    let plan_options = for_target(plan_options, options);
    rendered(crate::plan::plan_json(value, &plan_options), options)
}

fn rendered(planning: Planning, options: &RenderOptions) -> Result<Rendered, Diagnostics> {
    let (plan, diagnostics) = planning.into_plan()?;
    match render(&plan, options) {
        Ok(manifests) => Ok(Rendered {
            manifests,
            diagnostics,
        }),
        Err(problems) => {
            let mut all = diagnostics;
            all.extend(problems);
            Err(all)
        }
    }
}

/// A `service` recipe: its workload, scaling and, when it has its own pool, the OCI documents. The options are
/// taken as valid (see [`render`], which checks them first).
pub(crate) fn render_service(
    plan: &ServicePlan,
    options: &RenderOptions,
) -> Result<Vec<Manifest>, Diagnostics> {
    let mut diagnostics = Diagnostics::new();
    let recipe = &plan.workload.recipe;
    if let Some(multinode) = &plan.multinode {
        let objects = lws::multinode_objects(
            plan,
            multinode.nodes,
            multinode.rdma,
            options,
            &mut diagnostics,
        );
        let monitor = scaling::monitor(plan, options);
        let scaled_object = scaling::scaled_object(plan, options);
        if diagnostics.has_errors() {
            return Err(diagnostics);
        }
        let mut out = storage(objects.volumes, objects.claims);
        out.push(Manifest::LeaderWorkerSet(Box::new(
            objects.leader_worker_set,
        )));
        out.push(Manifest::Service(Box::new(objects.service)));
        out.push(Manifest::Ingress(Box::new(objects.ingress)));
        out.extend(monitor);
        out.extend(scaled_object.map(|so| Manifest::ScaledObject(Box::new(so))));
        return Ok(out);
    }
    let w = service::service_objects(plan, options, &mut diagnostics);
    let monitor = scaling::monitor(plan, options);
    let scaled_object = scaling::scaled_object(plan, options);
    let node_pool = (!recipe.uses_shared_pool())
        .then(|| oci::node_pool(&plan.workload, plan.node_autoscaling.as_ref(), options));
    let autoscaler = oci::cluster_autoscaler(plan, options);
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    let mut out = storage(w.volumes, w.claims);
    out.push(Manifest::Deployment(Box::new(w.deployment)));
    out.push(Manifest::Service(Box::new(w.service)));
    out.push(Manifest::Ingress(Box::new(w.ingress)));
    if let Some(m) = monitor {
        out.push(m);
    }
    if let Some(so) = scaled_object {
        out.push(Manifest::ScaledObject(Box::new(so)));
    }
    out.extend(node_pool.map(|p| Manifest::NodePool(Box::new(p))));
    out.extend(autoscaler.map(|a| Manifest::ClusterAutoscaler(Box::new(a))));
    Ok(out)
}

/// The identifiers written as placeholders in the OCI documents, for a note to the user.
#[must_use]
pub fn placeholders(manifests: &[Manifest]) -> Vec<String> {
    let mut found = Vec::new();
    for m in manifests.iter().filter(|m| !m.is_kubernetes()) {
        let text = serde_json::to_string(m).unwrap_or_default();
        let mut rest = text.as_str();
        while let Some(start) = rest.find('<') {
            let Some(len) = rest[start..].find('>') else {
                break;
            };
            let p = &rest[start..=start + len];
            if !found.iter().any(|f: &String| f == p) {
                found.push(p.to_owned());
            }
            rest = &rest[start + len..];
        }
    }
    found
}

/// The Kubernetes objects as one multi-document YAML stream, ready for `kubectl apply -f -`.
///
/// # Errors
/// When serialization fails (it does not for the objects [`render`] builds).
pub fn to_yaml(manifests: &[Manifest]) -> Result<String, crate::yaml::Error> {
    let mut out = String::with_capacity(8 * 1024);
    for m in manifests.iter().filter(|m| m.is_kubernetes()) {
        out.push_str("---\n");
        crate::yaml::append(&mut out, m)?;
    }
    Ok(out)
}

/// The Kubernetes objects as a JSON `List`, which `kubectl` also accepts.
///
/// # Errors
/// When serialization fails (it does not for the objects [`render`] builds).
pub fn to_json(manifests: &[Manifest]) -> Result<String, serde_json::Error> {
    let items: Vec<&Manifest> = manifests.iter().filter(|m| m.is_kubernetes()).collect();
    let list = serde_json::json!({"apiVersion": "v1", "kind": "List", "items": items});
    serde_json::to_string_pretty(&list).map(|s| s + "\n")
}

/// The documents that are not Kubernetes objects, with their file names: the OCI documents (`node-pool.json`,
/// `cluster-autoscaler-addon.json`) and the labels of a pool's nodes (`node-labels-<pool>.json`). The node pools of a
/// deployment group's members are named after their recipes (`node-pool-<name>.json`), so that no file name
/// repeats.
#[must_use]
pub fn named_oci_documents(manifests: &[Manifest]) -> Vec<(String, &Manifest)> {
    let pools = manifests
        .iter()
        .filter(|m| matches!(m, Manifest::NodePool(_)))
        .count();
    manifests
        .iter()
        .filter(|m| !m.is_kubernetes())
        .map(|m| {
            let name = match m {
                Manifest::NodePool(pool) if pools > 1 => format!(
                    "node-pool-{}.json",
                    pool.freeform_tags
                        .get(oci::RECIPE_TAG)
                        .map_or("", String::as_str)
                ),
                _ => m.title(),
            };
            (name, m)
        })
        .collect()
}

/// The documents as `(file name, pretty JSON)` pairs, named as [`named_oci_documents`] names them.
///
/// # Errors
/// When serialization fails (it does not for the documents [`render`] builds).
pub fn oci_documents(manifests: &[Manifest]) -> Result<Vec<(String, String)>, serde_json::Error> {
    named_oci_documents(manifests)
        .into_iter()
        .map(|(name, m)| Ok((name, serde_json::to_string_pretty(m)? + "\n")))
        .collect()
}
