//! The `/deployment` payload of OCI AI Blueprints as typed values.
//!
//! Every field is optional here: this is the recipe *as written*, permissive on purpose, so that a recipe with
//! problems can still be read, reported on and previewed. Which fields a recipe needs depends on its
//! `recipe_mode`; [`crate::validate`] checks that. Field types follow what real recipes send: ports are strings
//! (`"8000"`), environment values are strings or integers.

pub mod convert;
pub mod image;
pub mod name;
pub mod reference;

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::diagnostic::{At, Code, Diagnostic, Diagnostics, Pointer};
use crate::document::{self, Format, Node};
use convert::{FromNode, Sink, recipe_object, string_enum};

pub use name::{CanonicalName, canonical_name};

string_enum! {
    /// What kind of payload a recipe is.
    pub enum RecipeMode {
        /// A long-running workload behind a Service and an Ingress (inference).
        Service = "service",
        /// A run-to-completion workload (fine-tuning, benchmarks, downloads).
        Job = "job",
        /// A change to existing nodes or pools (labels, MIG configuration).
        Update = "update",
        /// A node pool that several recipes share.
        SharedNodePool = "shared_node_pool",
        /// A team with Kueue quotas.
        Team = "team",
    }
}

string_enum! {
    /// The protocol a probe uses.
    pub enum ProbeScheme {
        /// Plain HTTP.
        Http = "HTTP",
        /// HTTPS (certificate not verified, as Kubernetes does).
        Https = "HTTPS",
    }
}

string_enum! {
    /// The KEDA scaler that reads the scaling metric. Upstream offers only Prometheus.
    pub enum ScalerType {
        /// KEDA's `prometheus` trigger.
        Prometheus = "prometheus",
    }
}

/// A port written as upstream's schema wants it, a string such as `"8000"`.
///
/// Integers are read too, because a port is a number to everyone but that schema, with a warning: upstream's server
/// validates recipes against its schema and refuses them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PortText(pub String);

impl PortText {
    /// The port number, when the text is one in 1–65535.
    #[must_use]
    pub fn number(&self) -> Option<u16> {
        self.0.trim().parse::<u16>().ok().filter(|p| *p > 0)
    }
}

impl fmt::Display for PortText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Upstream writes ports as strings; corrino also reads integers (with a note), and so does its schema.
#[cfg(feature = "schema")]
impl schemars::JsonSchema for PortText {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "PortText".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A port number, written as a string such as \"8000\" (an integer is read too, with a warning: upstream's server refuses it).",
            "anyOf": [
                {"type": "string", "pattern": "^[0-9]+$"},
                {"type": "integer", "minimum": 1, "maximum": 65535}
            ]
        })
    }
}

impl FromNode for PortText {
    fn expected() -> String {
        "a port number as a string, like \"8000\"".to_owned()
    }
    fn from_node(node: &Node, at: &At<'_>, sink: &mut Sink) -> Option<Self> {
        match node {
            Node::String(s) => Some(PortText(s.to_string())),
            Node::Int(i) => {
                sink.note(
                    Diagnostic::warning(
                        at,
                        Code::CoercedType,
                        format!(
                            "the port is written as the number {i}; upstream's schema wants a string, so upstream's server refuses the recipe"
                        ),
                    )
                    .with_hint(format!("write \"{i}\"")),
                );
                Some(PortText(i.to_string()))
            }
            other => {
                convert::wrong_type::<Self>(other, at, sink);
                None
            }
        }
    }
}

/// An environment variable's value: real recipes send strings and integers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum EnvValue {
    /// A string value.
    Text(String),
    /// An integer value, passed to the container as its decimal text. JSON Schema's "integer" is any number without
    /// a fractional part, so `8.0` and 2^64 are integers too (hence `i128`, which holds every integer a JSON reader
    /// gives exactly).
    Integer(i128),
}

/// Upstream's schema: a string or an integer (any size).
#[cfg(feature = "schema")]
impl schemars::JsonSchema for EnvValue {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "EnvValue".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "An environment variable's value: a string, or an integer passed as its decimal text.",
            "anyOf": [{"type": "string"}, {"type": "integer"}]
        })
    }
}

impl EnvValue {
    /// The value as the container sees it.
    #[must_use]
    pub fn to_text(&self) -> String {
        match self {
            EnvValue::Text(s) => s.clone(),
            EnvValue::Integer(i) => i.to_string(),
        }
    }
}

/// 2^53: integers up to this size are exact in a double, beyond it JSON readers may round them.
const EXACT_IN_A_DOUBLE: u128 = 9_007_199_254_740_992;

impl FromNode for EnvValue {
    fn expected() -> String {
        "a string or an integer".to_owned()
    }
    fn from_node(node: &Node, at: &At<'_>, sink: &mut Sink) -> Option<Self> {
        match node {
            Node::String(s) => Some(EnvValue::Text(s.to_string())),
            Node::Int(i) => {
                // Read exactly; a reader of 64-bit integers holds it too unless it is beyond them.
                if *i > i128::from(u64::MAX) || *i < i128::from(i64::MIN) {
                    beyond_a_double(&i.to_string(), at, sink);
                }
                Some(EnvValue::Integer(*i))
            }
            // A whole number written with a fraction or an exponent (`8.0`, `1e3`), or beyond 128 bits: an integer
            // to JSON Schema, and to upstream's server.
            Node::Float { value: f, written } if f.is_finite() && f.fract() == 0.0 => {
                // An integer beyond 64 bits: the text as written, which the reader kept.
                if let Some(text) = written {
                    beyond_a_double(text, at, sink);
                    return Some(match text.parse::<i128>() {
                        Ok(i) => EnvValue::Integer(i),
                        Err(_) => EnvValue::Text((*text).to_owned()),
                    });
                }
                if f.abs() >= 1e38 {
                    // Beyond i128 (`1e40`): its decimal text.
                    let text = format!("{f}");
                    beyond_a_double(&text, at, sink);
                    return Some(EnvValue::Text(text));
                }
                #[allow(clippy::cast_possible_truncation)]
                let whole = EnvValue::Integer(*f as i128);
                let text = whole.to_text();
                if f.abs() > EXACT_IN_A_DOUBLE as f64 {
                    beyond_a_double(&text, at, sink);
                } else {
                    sink.note(
                        Diagnostic::note(
                            at,
                            Code::CoercedType,
                            format!(
                                "the integer is written as {f:?}; the container gets \"{text}\""
                            ),
                        )
                        .with_hint(format!("write \"{text}\" to say it exactly")),
                    );
                }
                Some(whole)
            }
            other => {
                convert::wrong_type::<Self>(other, at, sink);
                None
            }
        }
    }
}

/// An environment value that JSON readers that hold numbers as doubles round (beyond 2^53, or beyond 64 bits for
/// readers that hold integers apart).
fn beyond_a_double(text: &str, at: &At<'_>, sink: &mut Sink) {
    sink.note(
        Diagnostic::warning(
            at,
            Code::CoercedType,
            format!(
                "the value is a number that many JSON readers round: corrino passes \"{text}\" to the container, but another reader of the recipe may not"
            ),
        )
        .with_hint("write the value as a string"),
    );
}

/// `collect_metrics_timespan`: a Prometheus duration (`"5m"`) or, as upstream's doc types it, an integer
/// number of seconds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum Timespan {
    /// A Prometheus duration as written (`"2m"`, `"90s"`, `"1h30m"`).
    Text(String),
    /// A number of seconds.
    Seconds(u64),
}

impl FromNode for Timespan {
    fn expected() -> String {
        "a Prometheus duration such as \"5m\", or a number of seconds".to_owned()
    }
    fn from_node(node: &Node, at: &At<'_>, sink: &mut Sink) -> Option<Self> {
        match node {
            Node::String(s) => Some(Timespan::Text(s.to_string())),
            Node::Int(_) | Node::Float { .. } => {
                let seconds = u64::from_node(node, at, sink)?;
                sink.note(
                    Diagnostic::warning(
                        at,
                        Code::CoercedType,
                        format!(
                            "`collect_metrics_timespan` is written as the number {seconds}; upstream's schema wants a string, so upstream's server refuses the recipe"
                        ),
                    )
                    .with_hint(format!("write \"{}\"", crate::promql::format_duration(seconds))),
                );
                Some(Timespan::Seconds(seconds))
            }
            other => {
                convert::wrong_type::<Self>(other, at, sink);
                None
            }
        }
    }
}

recipe_object! {
    /// One `recipe_container_env` entry.
    pub struct EnvVar {
        /// The variable's name.
        key: String,
        /// Its value.
        value: EnvValue,
    }
    required: [key, value];
}

recipe_object! {
    /// One `recipe_environment_secrets` entry: an environment variable read from a Kubernetes Secret.
    pub struct EnvironmentSecret {
        /// The variable's name in the container.
        envvar_name: String,
        /// The Secret in the recipe's namespace.
        secret_name: String,
        /// The key inside the Secret.
        secret_key: String,
    }
    required: [envvar_name, secret_name, secret_key];
}

recipe_object! {
    /// One `input_object_storage` entry: an OCI Object Storage bucket mounted into the container.
    pub struct ObjectStorageInput {
        /// A pre-authenticated request URL (one of `par` and `bucket_name`).
        par: String,
        /// A bucket name (one of `par` and `bucket_name`).
        bucket_name: String,
        /// Where the data appears in the container.
        mount_location: String,
        /// Size of the volume the data is copied to.
        volume_size_in_gbs: u32,
        /// Object prefixes to copy (all when absent).
        include: Vec<String>,
        /// Object prefixes to skip.
        exclude: Vec<String>,
    }
    required: [mount_location, volume_size_in_gbs];
}

recipe_object! {
    /// One `output_object_storage` entry: a bucket that receives a job's results.
    pub struct ObjectStorageOutput {
        /// The bucket's name.
        bucket_name: String,
        /// Where the container writes.
        mount_location: String,
        /// Size of the staging volume.
        volume_size_in_gbs: u32,
    }
    required: [bucket_name, mount_location, volume_size_in_gbs];
}

recipe_object! {
    /// One `input_file_system` entry: an OCI File Storage file system (NFS) mounted into the container.
    pub struct FileSystemMount {
        /// The file system's OCID.
        file_system_ocid: String,
        /// The mount target's OCID.
        mount_target_ocid: String,
        /// Where it appears in the container.
        mount_location: String,
        /// The capacity claimed.
        volume_size_in_gbs: u32,
    }
    required: [file_system_ocid, mount_target_ocid, mount_location, volume_size_in_gbs];
}

recipe_object! {
    /// One `local_filesystem` entry: a directory of the node mounted into the container (a hostPath).
    pub struct LocalFilesystemMount {
        /// The directory on the node.
        node_directory_path: String,
        /// Where it appears in the container.
        mount_location: String,
    }
    required: [node_directory_path, mount_location];
}

recipe_object! {
    /// One `recipe_additional_ingress_ports` entry: another container port exposed on the ingress.
    pub struct IngressPort {
        /// The port's name (also the Service port's name).
        name: String,
        /// The container port.
        port: u32,
        /// The ingress path routed to it.
        path: String,
    }
    required: [name, port, path];
}

recipe_object! {
    /// `recipe_inference_gateway`: a route on the shared inference gateway.
    pub struct InferenceGateway {
        /// The model name clients send; unique per gateway.
        model_name: String,
        /// An extra URL path.
        url_path: String,
        /// An API key; unique per gateway.
        api_key: String,
    }
    required: [model_name];
}

recipe_object! {
    /// `service_endpoint`: where the service is published.
    pub struct ServiceEndpoint {
        /// The domain the endpoint is published under.
        domain: String,
        /// Whether the service gets a load balancer of its own.
        dedicated_load_balancer: bool,
    }
}

recipe_object! {
    /// A key/value pair (`shared_node_pool_custom_node_selectors`).
    pub struct KeyValue {
        /// The key.
        key: String,
        /// The value.
        value: String,
    }
    required: [key, value];
}

recipe_object! {
    /// `recipe_startup_probe_params`, `recipe_liveness_probe_params`, `recipe_readiness_probe_params`.
    pub struct ProbeParams {
        /// Consecutive failures before the probe fails.
        failure_threshold: u32,
        /// The HTTP path probed.
        endpoint_path: String,
        /// The port probed (an integer, unlike the container port).
        port: u32,
        /// HTTP or HTTPS.
        scheme: ProbeScheme,
        /// Seconds before the first probe.
        initial_delay_seconds: u32,
        /// Seconds between probes.
        period_seconds: u32,
        /// Consecutive successes before the probe succeeds.
        success_threshold: u32,
        /// Seconds before one probe times out.
        timeout_seconds: u32,
    }
}

recipe_object! {
    /// `recipe_pod_autoscaling_params`: how KEDA and the HPA scale the pods.
    pub struct PodAutoscalingParams {
        /// The fewest replicas.
        min_replicas: u32,
        /// The most replicas.
        max_replicas: u32,
        /// The vLLM metric the default query reads (upstream's schema; informational).
        scaling_metric: String,
        /// The PromQL range of the default query.
        collect_metrics_timespan: Timespan,
        /// The value of the query above which the deployment scales up.
        scaling_threshold: f64,
        /// Seconds before scaling to zero is allowed (KEDA `cooldownPeriod`).
        scaling_cooldown: u32,
        /// Seconds between metric queries (KEDA `pollingInterval`).
        polling_interval: u32,
        /// Seconds of history the HPA considers before scaling down.
        stabilization_window_down: u32,
        /// Seconds between removing pods.
        scaling_period_down: u32,
        /// Seconds of history the HPA considers before scaling up.
        stabilization_window_up: u32,
        /// Seconds between adding pods.
        scaling_period_up: u32,
        /// A PromQL query that replaces the default latency query.
        query: String,
        /// The KEDA scaler.
        scaler_type: ScalerType,
        /// The Prometheus server's URL.
        server_address: String,
    }
}

recipe_object! {
    /// `recipe_node_autoscaling_params`: the node pool's Cluster Autoscaler bounds.
    ///
    /// The advanced pod parameters are accepted here too, because upstream's own autoscaling document (its
    /// "Example 3") puts them here; validation moves them to the pod parameters with a warning.
    pub struct NodeAutoscalingParams {
        /// The fewest nodes.
        min_nodes: u32,
        /// The most nodes.
        max_nodes: u32,
        /// Misplaced; see [`PodAutoscalingParams::collect_metrics_timespan`].
        collect_metrics_timespan: Timespan,
        /// Misplaced; see [`PodAutoscalingParams::scaling_threshold`].
        scaling_threshold: f64,
        /// Misplaced; see [`PodAutoscalingParams::scaling_cooldown`].
        scaling_cooldown: u32,
        /// Misplaced; see [`PodAutoscalingParams::polling_interval`].
        polling_interval: u32,
        /// Misplaced; see [`PodAutoscalingParams::stabilization_window_down`].
        stabilization_window_down: u32,
        /// Misplaced; see [`PodAutoscalingParams::scaling_period_down`].
        scaling_period_down: u32,
        /// Misplaced; see [`PodAutoscalingParams::stabilization_window_up`].
        stabilization_window_up: u32,
        /// Misplaced; see [`PodAutoscalingParams::scaling_period_up`].
        scaling_period_up: u32,
        /// Misplaced; see [`PodAutoscalingParams::query`].
        query: String,
    }
}

recipe_object! {
    /// `recipe_team_info`: the team a recipe runs under.
    pub struct TeamInfo {
        /// The team's name.
        team_name: String,
    }
}

recipe_object! {
    /// One quota of a team, per shape (Kueue resource quantities as strings).
    pub struct TeamQuota {
        /// The shape the quota applies to.
        shape_name: String,
        /// Nominal CPU quota.
        cpu_nominal_quota: String,
        /// CPU the team may borrow.
        cpu_borrowing_limit: String,
        /// CPU the team may lend.
        cpu_lending_limit: String,
        /// Nominal memory quota.
        mem_nominal_quota: String,
        /// Memory the team may borrow.
        mem_borrowing_limit: String,
        /// Memory the team may lend.
        mem_lending_limit: String,
        /// Nominal GPU quota.
        gpu_nominal_quota: String,
        /// GPUs the team may borrow.
        gpu_borrowing_limit: String,
        /// GPUs the team may lend.
        gpu_lending_limit: String,
    }
    required: [shape_name];
}

recipe_object! {
    /// `team`: a team definition (`recipe_mode: team`).
    pub struct Team {
        /// The team's name.
        team_name: String,
        /// Workloads below this priority may be preempted.
        priority_threshold: i64,
        /// Quotas per shape.
        quotas: Vec<TeamQuota>,
    }
    required: [team_name, priority_threshold, quotas];
}

recipe_object! {
    /// One member of a deployment group.
    pub struct GroupDeployment {
        /// The member's name inside the group.
        name: String,
        /// The member's recipe.
        recipe: Box<Recipe>,
        /// Members that must be deployed first.
        depends_on: Vec<String>,
        /// Values other members may reference (`service_url`, `internal_dns_name`).
        exports: Vec<String>,
    }
    required: [name, recipe];
}

recipe_object! {
    /// `deployment_group`: several recipes deployed together, in dependency order.
    pub struct DeploymentGroup {
        /// The group's name.
        name: String,
        /// Its members.
        deployments: Vec<GroupDeployment>,
    }
    required: [name, deployments];
}

recipe_object! {
    /// A recipe: the body of `POST /deployment`.
    pub struct Recipe {
        // Core and container.
        /// A free-form label of the blueprint (`llm_inference_nvidia`, `cpu_inference`, …).
        recipe_id: String,
        /// The deployment's name, unique per cluster; canonicalised into Kubernetes names.
        deployment_name: String,
        /// What kind of payload this is.
        recipe_mode: RecipeMode,
        /// A portal label of the sample the recipe started from.
        pre_filled_sample_name: String,
        /// The compartment the deployment belongs to.
        recipe_compartment_ocid: String,
        /// The container image.
        recipe_image_uri: String,
        /// The port the container listens on.
        recipe_container_port: PortText,
        /// The Service port (80 when absent).
        recipe_host_port: PortText,
        /// The container's entrypoint.
        recipe_container_command: Vec<String>,
        /// The container's arguments; may reference environment variables as `$(NAME)`.
        recipe_container_command_args: Vec<String>,
        /// Whether the command runs through a shell.
        recipe_container_command_use_shell: bool,
        /// Environment variables.
        recipe_container_env: Vec<EnvVar>,
        /// The image pull secret.
        recipe_container_secret_name: String,
        /// Environment variables read from Secrets.
        recipe_environment_secrets: Vec<EnvironmentSecret>,
        /// Memory in GB, both requested and limited.
        recipe_container_memory_size: u32,
        /// CPUs, both requested and limited.
        recipe_container_cpu_count: u32,
        /// NVIDIA GPUs per replica.
        recipe_nvidia_gpu_count: u32,
        /// AMD GPUs per replica.
        recipe_amd_gpu_count: u32,
        /// A MIG slice per replica, such as `1g.20gb`.
        mig_resource_request: String,
        /// The size of `/dev/shm` in MB.
        recipe_shared_memory_volume_size_limit_in_mb: u32,
        /// Ephemeral storage in GB.
        recipe_ephemeral_storage_size: u32,
        /// Whether Prometheus scrapes the container.
        recipe_prometheus_enabled: bool,

        // Node and pool placement.
        /// The OCI shape of the nodes.
        recipe_node_shape: String,
        /// Nodes in the recipe's own pool.
        recipe_node_pool_size: u32,
        /// Replicas (upstream: "always 1"; autoscaling uses `min_replicas`).
        recipe_replica_count: u32,
        /// The nodes' boot volume in GB.
        recipe_node_boot_volume_size_in_gbs: u32,
        /// OCPUs of a flex shape.
        recipe_flex_shape_ocpu_count: u32,
        /// Memory of a flex shape in GB.
        recipe_flex_shape_memory_size_in_gbs: u32,
        /// The CPU architecture the pod selects.
        recipe_node_selector_arch: String,
        /// The availability domain of the pool.
        recipe_availability_domain: String,
        /// The node image.
        recipe_node_image_ocid: String,
        /// An SSH key for the nodes.
        recipe_public_ssh_key: String,
        /// The pod limit per node.
        recipe_max_pods_per_node: u32,
        /// The worker subnet's network security group.
        recipe_worker_subnet_nsg_ocid: String,
        /// The pod subnet.
        recipe_pod_subnet_ocid: String,
        /// The pod subnet's network security group.
        recipe_pod_subnet_nsg_ocid: String,
        /// Labels for the pool's nodes (or, with `update`, for one node).
        recipe_node_labels: BTreeMap<String, String>,
        /// The node to update (its private IP).
        recipe_node_name: String,
        /// The pool to update.
        recipe_node_pool_name: String,
        /// Whether to run on a shared pool instead of a pool of its own.
        recipe_use_shared_node_pool: bool,
        /// Which shared pool.
        recipe_shared_node_pool_selector: String,
        /// Extra node selectors on a shared pool.
        shared_node_pool_custom_node_selectors: Vec<KeyValue>,
        /// Nodes in a shared pool (`shared_node_pool` mode).
        shared_node_pool_size: u32,
        /// The shape of a shared pool.
        shared_node_pool_shape: String,
        /// The boot volume of a shared pool's nodes.
        shared_node_pool_boot_volume_size_in_gbs: u32,
        /// OCPUs of a flex shared pool.
        shared_node_pool_flex_shape_ocpu_count: u32,
        /// Memory of a flex shared pool.
        shared_node_pool_flex_shape_memory_size_in_gbs: u32,
        /// The selector recipes use to find this shared pool.
        shared_node_pool_selector: String,
        /// The MIG layout of a shared pool (`all-1g.20gb`, `all-balanced`, `all-disabled`).
        shared_node_pool_mig_config: String,
        /// Nodes of the shared pool a multinode service spans.
        multinode_num_nodes_to_use_from_shared_pool: u32,
        /// Whether a multinode service uses RDMA.
        multinode_rdma_enabled_in_shared_pool: bool,

        // Storage.
        /// Buckets copied into the container.
        input_object_storage: Vec<ObjectStorageInput>,
        /// Buckets that receive output.
        output_object_storage: Vec<ObjectStorageOutput>,
        /// File systems mounted into the container.
        input_file_system: Vec<FileSystemMount>,
        /// Node directories mounted into the container.
        local_filesystem: Vec<LocalFilesystemMount>,

        // Networking.
        /// More ports on the ingress.
        recipe_additional_ingress_ports: Vec<IngressPort>,
        /// A route on the inference gateway.
        recipe_inference_gateway: InferenceGateway,
        /// The domain the endpoint points to.
        service_endpoint_domain: String,
        /// Where the service is published.
        service_endpoint: ServiceEndpoint,

        // Probes.
        /// The startup probe.
        recipe_startup_probe_params: ProbeParams,
        /// The liveness probe.
        recipe_liveness_probe_params: ProbeParams,
        /// The readiness probe.
        recipe_readiness_probe_params: ProbeParams,

        // Autoscaling.
        /// Pod autoscaling (KEDA + HPA).
        recipe_pod_autoscaling_params: PodAutoscalingParams,
        /// Node autoscaling (Cluster Autoscaler).
        recipe_node_autoscaling_params: NodeAutoscalingParams,

        // Teams, groups, checks.
        /// The team this recipe runs under.
        recipe_team_info: TeamInfo,
        /// A team definition.
        team: Team,
        /// Several recipes deployed together.
        deployment_group: DeploymentGroup,
        /// Skips upstream's check that the shape has capacity.
        skip_capacity_validation: bool,
        /// Skips upstream's quota check.
        skip_quota_validation: bool,
    }
}

impl Recipe {
    /// The recipe's mode; a payload with only `deployment_group` is a group.
    #[must_use]
    pub fn mode(&self) -> Option<RecipeMode> {
        self.recipe_mode
    }

    /// Whether the recipe runs on a shared pool rather than a pool of its own.
    #[must_use]
    pub fn uses_shared_pool(&self) -> bool {
        self.recipe_use_shared_node_pool == Some(true)
    }
}

/// Converts a tree into a [`Recipe`], reporting every structural problem (unknown fields, wrong types).
#[must_use]
pub fn from_node(node: &Node) -> (Option<Recipe>, Sink) {
    let mut sink = Sink::default();
    let root = Pointer::root();
    let recipe = match node {
        Node::Object(members) => {
            group_payload_alone(members, &mut sink);
            Recipe::from_node(node, &At::Pointer(&root), &mut sink)
        }
        other => {
            sink.invalid(
                &root,
                Diagnostic::error(
                    "",
                    Code::NotAnObject,
                    format!(
                        "a recipe is a JSON object of fields, but this document is {}",
                        other.kind()
                    ),
                ),
            );
            None
        }
    };
    sink.summarize_unknown_fields();
    (recipe, sink)
}

/// A deployment group payload holds `deployment_group` alone: upstream's schema allows no other field beside it (and
/// `recipe_payload` has no `deployment_group`), so its server refuses both mixes. corrino plans a payload with
/// `recipe_mode` as a recipe and one without as a group, and says which part it ignores.
fn group_payload_alone(members: &[(std::borrow::Cow<'_, str>, Node<'_>)], sink: &mut Sink) {
    if !members.iter().any(|(key, _)| key == "deployment_group") {
        return;
    }
    let root = Pointer::root();
    if members.iter().any(|(key, _)| key == "recipe_mode") {
        sink.note(Diagnostic::warning(
            root.key("deployment_group"),
            Code::IgnoredField,
            "`deployment_group` is ignored in a recipe with `recipe_mode`; upstream's server refuses a recipe that holds a deployment group",
        ).with_hint("post the group on its own, or remove `deployment_group`"));
        return;
    }
    for (key, _) in members.iter().filter(|(key, _)| key != "deployment_group") {
        sink.note(
            Diagnostic::warning(
                root.key(key),
                Code::IgnoredField,
                format!("`{key}` is ignored beside `deployment_group`; upstream's server refuses a deployment group payload with other fields"),
            )
            .with_hint("move it into a member's `recipe`, or remove it"),
        );
    }
}

/// Reads recipe bytes (JSON or YAML) into a [`Recipe`] plus every problem met on the way.
///
/// `None` means the bytes could not be read as a recipe at all; the diagnostics say why.
#[must_use]
pub fn parse(input: &[u8], format: Format) -> (Option<Recipe>, Sink) {
    from_tree(document::read(input, format))
}

/// [`parse`], also giving the document as read (`None` when it could not be read), in which planning looks up each
/// diagnostic's input.
#[must_use]
pub fn read(input: &[u8], format: Format) -> (Option<Node<'_>>, Option<Recipe>, Sink) {
    read_tree(document::read(input, format))
}

/// Converts a tree as [`document::read`] or a [`document::TreeBuilder`] gives it (`None` when there is no tree, and
/// the diagnostics of reading) into a [`Recipe`], the diagnostics of reading first.
#[must_use]
pub fn from_tree(tree: (Option<Node<'_>>, Diagnostics)) -> (Option<Recipe>, Sink) {
    let (_, recipe, sink) = read_tree(tree);
    (recipe, sink)
}

/// [`from_tree`], also giving the tree back.
#[must_use]
pub fn read_tree(
    (node, read_diagnostics): (Option<Node<'_>>, Diagnostics),
) -> (Option<Node<'_>>, Option<Recipe>, Sink) {
    let Some(node) = node else {
        let mut sink = Sink::default();
        sink.diagnostics = read_diagnostics;
        return (None, None, sink);
    };
    let (recipe, mut sink) = from_node(&node);
    let mut all = read_diagnostics;
    all.extend(std::mem::take(&mut sink.diagnostics));
    sink.diagnostics = all;
    (Some(node), recipe, sink)
}

/// Parses, returning only the diagnostics of reading and structure (no rules).
#[must_use]
pub fn parse_diagnostics(input: &[u8]) -> Diagnostics {
    parse(input, Format::Auto).1.diagnostics
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(json: &str) -> (Option<Recipe>, Vec<(String, Code)>) {
        let (r, sink) = parse(json.as_bytes(), Format::Auto);
        let d = sink
            .diagnostics
            .iter()
            .map(|d| (d.path.clone(), d.code))
            .collect();
        (r, d)
    }

    #[test]
    fn reads_typed_fields() {
        let (r, d) = parsed(
            r#"{"deployment_name": "x", "recipe_mode": "service", "recipe_container_port": "8000",
                "recipe_container_env": [{"key": "A", "value": 1}, {"key": "B", "value": "b"}],
                "recipe_pod_autoscaling_params": {"min_replicas": 1, "collect_metrics_timespan": "2m"}}"#,
        );
        assert!(d.is_empty(), "{d:?}");
        let r = r.unwrap();
        assert_eq!(r.recipe_mode, Some(RecipeMode::Service));
        assert_eq!(r.recipe_container_port.unwrap().number(), Some(8000));
        let env = r.recipe_container_env.unwrap();
        assert_eq!(env[0].value, Some(EnvValue::Integer(1)));
        assert_eq!(
            r.recipe_pod_autoscaling_params
                .unwrap()
                .collect_metrics_timespan,
            Some(Timespan::Text("2m".into()))
        );
    }

    #[test]
    fn reports_every_structural_problem_with_its_path() {
        let (r, d) = parsed(
            r#"{"recipe_node_shap": "VM.GPU.A10.2", "recipe_nvidia_gpu_count": "1",
                "recipe_mode": "servise", "recipe_container_env": [{"key": "A"}, {"value": true, "key": "B"}],
                "recipe_pod_autoscaling_params": {"max_replica": 4, "min_replicas": -1}}"#,
        );
        assert!(r.is_some());
        assert_eq!(
            d,
            vec![
                ("/recipe_node_shap".into(), Code::UnknownField),
                ("/recipe_nvidia_gpu_count".into(), Code::WrongType),
                ("/recipe_mode".into(), Code::UnknownVariant),
                ("/recipe_container_env/0/value".into(), Code::MissingField),
                ("/recipe_container_env/1/value".into(), Code::WrongType),
                (
                    "/recipe_pod_autoscaling_params/max_replica".into(),
                    Code::UnknownField
                ),
                (
                    "/recipe_pod_autoscaling_params/min_replicas".into(),
                    Code::OutOfRange
                ),
            ]
        );
    }

    #[test]
    fn unknown_fields_get_did_you_mean_hints() {
        let (_, sink) = parse(br#"{"recipe_node_shap": "x"}"#, Format::Auto);
        let d = sink.diagnostics.iter().next().unwrap();
        assert_eq!(d.hint.as_deref(), Some("did you mean `recipe_node_shape`?"));
    }

    #[test]
    fn serializes_back_to_the_same_json() {
        let json = r#"{"deployment_name":"x","recipe_mode":"service","recipe_container_port":"8000","recipe_container_env":[{"key":"A","value":1}]}"#;
        let (r, _) = parsed(json);
        assert_eq!(serde_json::to_string(&r.unwrap()).unwrap(), json);
    }

    #[test]
    fn hints_for_the_first_unknown_fields_and_a_count_for_the_rest() {
        let keys: Vec<String> = (0..100)
            .map(|i| format!("\"recipe_node_shap{i}\": 1"))
            .collect();
        let (_, sink) = parse(format!("{{{}}}", keys.join(",")).as_bytes(), Format::Auto);
        let d: Vec<&Diagnostic> = sink.diagnostics.iter().collect();
        assert_eq!(d.len(), 101);
        let hinted = d.iter().filter(|d| d.hint.is_some()).count();
        assert_eq!(hinted, convert::SUGGESTED_UNKNOWN_FIELDS);
        assert!(d[..hinted].iter().all(|d| d.hint.is_some()));
        let summary = d.last().expect("a summary");
        assert_eq!(
            (summary.path.as_str(), summary.code),
            ("", Code::UnknownField)
        );
        assert!(
            summary.message.contains("100 unknown fields") && summary.message.contains("first 32")
        );
    }

    #[test]
    fn numbers_are_printed_as_written_or_short() {
        let message = |json: &str| {
            let (_, sink) = parse(json.as_bytes(), Format::Json);
            let d = sink
                .diagnostics
                .iter()
                .next()
                .expect("a diagnostic")
                .clone();
            (d.code, d.message)
        };
        assert_eq!(
            message(r#"{"recipe_replica_count": -99999999999999999999}"#),
            (Code::OutOfRange, "the number -99999999999999999999 must not be negative: expected a non-negative integer".into())
        );
        assert_eq!(
            message(r#"{"team": {"priority_threshold": -9223372036854775809}}"#),
            (
                Code::OutOfRange,
                "the number -9223372036854775809 is far too small: expected an integer".into()
            )
        );
        assert_eq!(
            message(r#"{"recipe_ephemeral_storage_size": 1e-400}"#),
            (
                Code::WrongType,
                "expected a non-negative integer, found the number 1e-400".into()
            )
        );
        assert_eq!(
            message(r#"{"recipe_pod_autoscaling_params": {"scaling_threshold": 1e-400}}"#).0,
            Code::OutOfRange
        );
        assert_eq!(
            message(r#"{"recipe_replica_count": 1e300}"#).1,
            "the number 1e300 is far too large: expected a non-negative integer"
        );
        // YAML integers are exact up to 128 bits.
        let (_, sink) = parse(
            b"recipe_replica_count: -99999999999999999999\n",
            Format::Yaml,
        );
        assert!(
            sink.diagnostics
                .iter()
                .next()
                .unwrap()
                .message
                .starts_with("-99999999999999999999 must not")
        );
    }

    #[test]
    fn top_level_must_be_an_object() {
        let (r, d) = parsed("[1, 2]");
        assert!(r.is_none());
        assert_eq!(d, vec![(String::new(), Code::NotAnObject)]);
    }
}
