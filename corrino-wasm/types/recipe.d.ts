// The recipe format (the body of POST /deployment), generated from fixtures/recipe.schema.json by
// tools/recipe-types.mjs: do not edit.

/**
 * An environment variable's value: a string, or an integer passed as its decimal text.
 */
export type EnvValue = string | number;
/**
 * A port number, written as a string such as "8000" (an integer is read too, with a warning: upstream's server refuses it).
 */
export type PortText = string | number;
/**
 * The protocol a probe uses.
 */
export type ProbeScheme = "HTTP" | "HTTPS";
/**
 * What kind of payload a recipe is.
 */
export type RecipeMode = "service" | "job" | "update" | "shared_node_pool" | "team";
/**
 * `collect_metrics_timespan`: a Prometheus duration (`"5m"`) or, as upstream's doc types it, an integer
 * number of seconds.
 */
export type Timespan = string | number;
/**
 * The KEDA scaler that reads the scaling metric. Upstream offers only Prometheus.
 */
export type ScalerType = "prometheus";

/**
 * A recipe: the body of `POST /deployment`.
 */
export interface Recipe {
  deployment_group?: DeploymentGroup;
  /**
   * The deployment's name, unique per cluster; canonicalised into Kubernetes names.
   */
  deployment_name?: string;
  /**
   * File systems mounted into the container.
   */
  input_file_system?: FileSystemMount[];
  /**
   * Buckets copied into the container.
   */
  input_object_storage?: ObjectStorageInput[];
  /**
   * Node directories mounted into the container.
   */
  local_filesystem?: LocalFilesystemMount[];
  /**
   * A MIG slice per replica, such as `1g.20gb`.
   */
  mig_resource_request?: string;
  /**
   * Nodes of the shared pool a multinode service spans.
   */
  multinode_num_nodes_to_use_from_shared_pool?: number;
  /**
   * Whether a multinode service uses RDMA.
   */
  multinode_rdma_enabled_in_shared_pool?: boolean;
  /**
   * Buckets that receive output.
   */
  output_object_storage?: ObjectStorageOutput[];
  /**
   * A portal label of the sample the recipe started from.
   */
  pre_filled_sample_name?: string;
  /**
   * More ports on the ingress.
   */
  recipe_additional_ingress_ports?: IngressPort[];
  /**
   * AMD GPUs per replica.
   */
  recipe_amd_gpu_count?: number;
  /**
   * The availability domain of the pool.
   */
  recipe_availability_domain?: string;
  /**
   * The compartment the deployment belongs to.
   */
  recipe_compartment_ocid?: string;
  /**
   * The container's entrypoint.
   */
  recipe_container_command?: string[];
  /**
   * The container's arguments; may reference environment variables as `$(NAME)`.
   */
  recipe_container_command_args?: string[];
  /**
   * Whether the command runs through a shell.
   */
  recipe_container_command_use_shell?: boolean;
  /**
   * CPUs, both requested and limited.
   */
  recipe_container_cpu_count?: number;
  /**
   * Environment variables.
   */
  recipe_container_env?: EnvVar[];
  /**
   * Memory in GB, both requested and limited.
   */
  recipe_container_memory_size?: number;
  recipe_container_port?: PortText;
  /**
   * The image pull secret.
   */
  recipe_container_secret_name?: string;
  /**
   * Environment variables read from Secrets.
   */
  recipe_environment_secrets?: EnvironmentSecret[];
  /**
   * Ephemeral storage in GB.
   */
  recipe_ephemeral_storage_size?: number;
  /**
   * Memory of a flex shape in GB.
   */
  recipe_flex_shape_memory_size_in_gbs?: number;
  /**
   * OCPUs of a flex shape.
   */
  recipe_flex_shape_ocpu_count?: number;
  recipe_host_port?: PortText;
  /**
   * A free-form label of the blueprint (`llm_inference_nvidia`, `cpu_inference`, …).
   */
  recipe_id?: string;
  /**
   * The container image.
   */
  recipe_image_uri?: string;
  recipe_inference_gateway?: InferenceGateway;
  recipe_liveness_probe_params?: ProbeParams;
  /**
   * The pod limit per node.
   */
  recipe_max_pods_per_node?: number;
  recipe_mode?: RecipeMode;
  recipe_node_autoscaling_params?: NodeAutoscalingParams;
  /**
   * The nodes' boot volume in GB.
   */
  recipe_node_boot_volume_size_in_gbs?: number;
  /**
   * The node image.
   */
  recipe_node_image_ocid?: string;
  /**
   * Labels for the pool's nodes (or, with `update`, for one node).
   */
  recipe_node_labels?: {
    [k: string]: string;
  };
  /**
   * The node to update (its private IP).
   */
  recipe_node_name?: string;
  /**
   * The pool to update.
   */
  recipe_node_pool_name?: string;
  /**
   * Nodes in the recipe's own pool.
   */
  recipe_node_pool_size?: number;
  /**
   * The CPU architecture the pod selects.
   */
  recipe_node_selector_arch?: string;
  /**
   * The OCI shape of the nodes.
   */
  recipe_node_shape?: string;
  /**
   * NVIDIA GPUs per replica.
   */
  recipe_nvidia_gpu_count?: number;
  recipe_pod_autoscaling_params?: PodAutoscalingParams;
  /**
   * The pod subnet's network security group.
   */
  recipe_pod_subnet_nsg_ocid?: string;
  /**
   * The pod subnet.
   */
  recipe_pod_subnet_ocid?: string;
  /**
   * Whether Prometheus scrapes the container.
   */
  recipe_prometheus_enabled?: boolean;
  /**
   * An SSH key for the nodes.
   */
  recipe_public_ssh_key?: string;
  recipe_readiness_probe_params?: ProbeParams;
  /**
   * Replicas (upstream: "always 1"; autoscaling uses `min_replicas`).
   */
  recipe_replica_count?: number;
  /**
   * The size of `/dev/shm` in MB.
   */
  recipe_shared_memory_volume_size_limit_in_mb?: number;
  /**
   * Which shared pool.
   */
  recipe_shared_node_pool_selector?: string;
  recipe_startup_probe_params?: ProbeParams;
  recipe_team_info?: TeamInfo;
  /**
   * Whether to run on a shared pool instead of a pool of its own.
   */
  recipe_use_shared_node_pool?: boolean;
  /**
   * The worker subnet's network security group.
   */
  recipe_worker_subnet_nsg_ocid?: string;
  service_endpoint?: ServiceEndpoint;
  /**
   * The domain the endpoint points to.
   */
  service_endpoint_domain?: string;
  /**
   * The boot volume of a shared pool's nodes.
   */
  shared_node_pool_boot_volume_size_in_gbs?: number;
  /**
   * Extra node selectors on a shared pool.
   */
  shared_node_pool_custom_node_selectors?: KeyValue[];
  /**
   * Memory of a flex shared pool.
   */
  shared_node_pool_flex_shape_memory_size_in_gbs?: number;
  /**
   * OCPUs of a flex shared pool.
   */
  shared_node_pool_flex_shape_ocpu_count?: number;
  /**
   * The MIG layout of a shared pool (`all-1g.20gb`, `all-balanced`, `all-disabled`).
   */
  shared_node_pool_mig_config?: string;
  /**
   * The selector recipes use to find this shared pool.
   */
  shared_node_pool_selector?: string;
  /**
   * The shape of a shared pool.
   */
  shared_node_pool_shape?: string;
  /**
   * Nodes in a shared pool (`shared_node_pool` mode).
   */
  shared_node_pool_size?: number;
  /**
   * Skips upstream's check that the shape has capacity.
   */
  skip_capacity_validation?: boolean;
  /**
   * Skips upstream's quota check.
   */
  skip_quota_validation?: boolean;
  team?: Team;
}
/**
 * `deployment_group`: several recipes deployed together, in dependency order.
 */
export interface DeploymentGroup {
  /**
   * Its members.
   */
  deployments: GroupDeployment[];
  /**
   * The group's name.
   */
  name: string;
}
/**
 * One member of a deployment group.
 */
export interface GroupDeployment {
  /**
   * Members that must be deployed first.
   */
  depends_on?: string[];
  /**
   * Values other members may reference (`service_url`, `internal_dns_name`).
   */
  exports?: string[];
  /**
   * The member's name inside the group.
   */
  name: string;
  recipe: Recipe;
}
/**
 * One `input_file_system` entry: an OCI File Storage file system (NFS) mounted into the container.
 */
export interface FileSystemMount {
  /**
   * The file system's OCID.
   */
  file_system_ocid: string;
  /**
   * Where it appears in the container.
   */
  mount_location: string;
  /**
   * The mount target's OCID.
   */
  mount_target_ocid: string;
  /**
   * The capacity claimed.
   */
  volume_size_in_gbs: number;
}
/**
 * One `input_object_storage` entry: an OCI Object Storage bucket mounted into the container.
 */
export interface ObjectStorageInput {
  /**
   * A bucket name (one of `par` and `bucket_name`).
   */
  bucket_name?: string;
  /**
   * Object prefixes to skip.
   */
  exclude?: string[];
  /**
   * Object prefixes to copy (all when absent).
   */
  include?: string[];
  /**
   * Where the data appears in the container.
   */
  mount_location: string;
  /**
   * A pre-authenticated request URL (one of `par` and `bucket_name`).
   */
  par?: string;
  /**
   * Size of the volume the data is copied to.
   */
  volume_size_in_gbs: number;
}
/**
 * One `local_filesystem` entry: a directory of the node mounted into the container (a hostPath).
 */
export interface LocalFilesystemMount {
  /**
   * Where it appears in the container.
   */
  mount_location: string;
  /**
   * The directory on the node.
   */
  node_directory_path: string;
}
/**
 * One `output_object_storage` entry: a bucket that receives a job's results.
 */
export interface ObjectStorageOutput {
  /**
   * The bucket's name.
   */
  bucket_name: string;
  /**
   * Where the container writes.
   */
  mount_location: string;
  /**
   * Size of the staging volume.
   */
  volume_size_in_gbs: number;
}
/**
 * One `recipe_additional_ingress_ports` entry: another container port exposed on the ingress.
 */
export interface IngressPort {
  /**
   * The port's name (also the Service port's name).
   */
  name: string;
  /**
   * The ingress path routed to it.
   */
  path: string;
  /**
   * The container port.
   */
  port: number;
}
/**
 * One `recipe_container_env` entry.
 */
export interface EnvVar {
  /**
   * The variable's name.
   */
  key: string;
  value: EnvValue;
}
/**
 * One `recipe_environment_secrets` entry: an environment variable read from a Kubernetes Secret.
 */
export interface EnvironmentSecret {
  /**
   * The variable's name in the container.
   */
  envvar_name: string;
  /**
   * The key inside the Secret.
   */
  secret_key: string;
  /**
   * The Secret in the recipe's namespace.
   */
  secret_name: string;
}
/**
 * `recipe_inference_gateway`: a route on the shared inference gateway.
 */
export interface InferenceGateway {
  /**
   * An API key; unique per gateway.
   */
  api_key?: string;
  /**
   * The model name clients send; unique per gateway.
   */
  model_name: string;
  /**
   * An extra URL path.
   */
  url_path?: string;
}
/**
 * `recipe_startup_probe_params`, `recipe_liveness_probe_params`, `recipe_readiness_probe_params`.
 */
export interface ProbeParams {
  /**
   * The HTTP path probed.
   */
  endpoint_path?: string;
  /**
   * Consecutive failures before the probe fails.
   */
  failure_threshold?: number;
  /**
   * Seconds before the first probe.
   */
  initial_delay_seconds?: number;
  /**
   * Seconds between probes.
   */
  period_seconds?: number;
  /**
   * The port probed (an integer, unlike the container port).
   */
  port?: number;
  scheme?: ProbeScheme;
  /**
   * Consecutive successes before the probe succeeds.
   */
  success_threshold?: number;
  /**
   * Seconds before one probe times out.
   */
  timeout_seconds?: number;
}
/**
 * `recipe_node_autoscaling_params`: the node pool's Cluster Autoscaler bounds.
 *
 * The advanced pod parameters are accepted here too, because upstream's own autoscaling document (its
 * "Example 3") puts them here; validation moves them to the pod parameters with a warning.
 */
export interface NodeAutoscalingParams {
  collect_metrics_timespan?: Timespan;
  /**
   * The most nodes.
   */
  max_nodes?: number;
  /**
   * The fewest nodes.
   */
  min_nodes?: number;
  /**
   * Misplaced; see [`PodAutoscalingParams::polling_interval`].
   */
  polling_interval?: number;
  /**
   * Misplaced; see [`PodAutoscalingParams::query`].
   */
  query?: string;
  /**
   * Misplaced; see [`PodAutoscalingParams::scaling_cooldown`].
   */
  scaling_cooldown?: number;
  /**
   * Misplaced; see [`PodAutoscalingParams::scaling_period_down`].
   */
  scaling_period_down?: number;
  /**
   * Misplaced; see [`PodAutoscalingParams::scaling_period_up`].
   */
  scaling_period_up?: number;
  /**
   * Misplaced; see [`PodAutoscalingParams::scaling_threshold`].
   */
  scaling_threshold?: number;
  /**
   * Misplaced; see [`PodAutoscalingParams::stabilization_window_down`].
   */
  stabilization_window_down?: number;
  /**
   * Misplaced; see [`PodAutoscalingParams::stabilization_window_up`].
   */
  stabilization_window_up?: number;
}
/**
 * `recipe_pod_autoscaling_params`: how KEDA and the HPA scale the pods.
 */
export interface PodAutoscalingParams {
  collect_metrics_timespan?: Timespan;
  /**
   * The most replicas.
   */
  max_replicas?: number;
  /**
   * The fewest replicas.
   */
  min_replicas?: number;
  /**
   * Seconds between metric queries (KEDA `pollingInterval`).
   */
  polling_interval?: number;
  /**
   * A PromQL query that replaces the default latency query.
   */
  query?: string;
  scaler_type?: ScalerType;
  /**
   * Seconds before scaling to zero is allowed (KEDA `cooldownPeriod`).
   */
  scaling_cooldown?: number;
  /**
   * The vLLM metric the default query reads (upstream's schema; informational).
   */
  scaling_metric?: string;
  /**
   * Seconds between removing pods.
   */
  scaling_period_down?: number;
  /**
   * Seconds between adding pods.
   */
  scaling_period_up?: number;
  /**
   * The value of the query above which the deployment scales up.
   */
  scaling_threshold?: number;
  /**
   * The Prometheus server's URL.
   */
  server_address?: string;
  /**
   * Seconds of history the HPA considers before scaling down.
   */
  stabilization_window_down?: number;
  /**
   * Seconds of history the HPA considers before scaling up.
   */
  stabilization_window_up?: number;
}
/**
 * `recipe_team_info`: the team a recipe runs under.
 */
export interface TeamInfo {
  /**
   * The team's name.
   */
  team_name?: string;
}
/**
 * `service_endpoint`: where the service is published.
 */
export interface ServiceEndpoint {
  /**
   * Whether the service gets a load balancer of its own.
   */
  dedicated_load_balancer?: boolean;
  /**
   * The domain the endpoint is published under.
   */
  domain?: string;
}
/**
 * A key/value pair (`shared_node_pool_custom_node_selectors`).
 */
export interface KeyValue {
  /**
   * The key.
   */
  key: string;
  /**
   * The value.
   */
  value: string;
}
/**
 * `team`: a team definition (`recipe_mode: team`).
 */
export interface Team {
  /**
   * Workloads below this priority may be preempted.
   */
  priority_threshold: number;
  /**
   * Quotas per shape.
   */
  quotas: TeamQuota[];
  /**
   * The team's name.
   */
  team_name: string;
}
/**
 * One quota of a team, per shape (Kueue resource quantities as strings).
 */
export interface TeamQuota {
  /**
   * CPU the team may borrow.
   */
  cpu_borrowing_limit?: string;
  /**
   * CPU the team may lend.
   */
  cpu_lending_limit?: string;
  /**
   * Nominal CPU quota.
   */
  cpu_nominal_quota?: string;
  /**
   * GPUs the team may borrow.
   */
  gpu_borrowing_limit?: string;
  /**
   * GPUs the team may lend.
   */
  gpu_lending_limit?: string;
  /**
   * Nominal GPU quota.
   */
  gpu_nominal_quota?: string;
  /**
   * Memory the team may borrow.
   */
  mem_borrowing_limit?: string;
  /**
   * Memory the team may lend.
   */
  mem_lending_limit?: string;
  /**
   * Nominal memory quota.
   */
  mem_nominal_quota?: string;
  /**
   * The shape the quota applies to.
   */
  shape_name: string;
}
