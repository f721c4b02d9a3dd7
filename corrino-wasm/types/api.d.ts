// The values corrino takes and gives (render options, plans, diagnostics, shapes), generated from
// fixtures/api.schema.json by tools/api-types.mjs: do not edit.
import type { Recipe, RecipeMode } from "./recipe.js";


/**
 * What kind of problem, stable across releases (listed in docs/diagnostics.md).
 */
export type Code =
  | "empty-input"
  | "input-too-large"
  | "invalid-utf8"
  | "syntax"
  | "too-deep"
  | "duplicate-key"
  | "not-an-object"
  | "unknown-field"
  | "wrong-type"
  | "out-of-range"
  | "unknown-variant"
  | "missing-field"
  | "ignored-field"
  | "coerced-type"
  | "invalid-name"
  | "name-canonicalised"
  | "invalid-image"
  | "unpinned-image"
  | "invalid-env-name"
  | "duplicate-env"
  | "invalid-port"
  | "invalid-path"
  | "invalid-duration"
  | "invalid-label"
  | "invalid-value"
  | "duplicate-value"
  | "unknown-shape"
  | "too-many-gpus"
  | "gpus-on-cpu-shape"
  | "gpu-vendor-mismatch"
  | "no-gpu-requested"
  | "invalid-gpu-count"
  | "invalid-mig"
  | "flex-shape-config"
  | "self-managed-shape"
  | "no-rdma"
  | "shape-caveat"
  | "ephemeral-exceeds-boot-volume"
  | "storage-source"
  | "duplicate-mount"
  | "shared-memory"
  | "multinode"
  | "pool-placement"
  | "probe"
  | "misplaced-autoscaling-param"
  | "conflicting-autoscaling-param"
  | "replica-bounds"
  | "threshold"
  | "cooldown-no-effect"
  | "polling-interval"
  | "query"
  | "autoscaling-not-applicable"
  | "pending-replicas"
  | "idle-gpus"
  | "node-bounds"
  | "amd-scale-from-zero"
  | "model-unrecognised"
  | "serving-argument"
  | "weights-exceed-gpu-memory"
  | "kv-cache-too-small"
  | "kv-cache-concurrency"
  | "startup-probe-too-short"
  | "liveness-without-startup-probe"
  | "scale-down-within-cold-start"
  | "scale-from-zero-blind"
  | "render-option"
  | "render-unsupported"
  | "placeholder"
  | "points-past-end"
  | "internal";
/**
 * How serious a problem is.
 */
export type Severity = "error" | "warning" | "info";
/**
 * Where the node count's upper bound comes from.
 */
export type NodeBound = "max-nodes" | "pool-size" | "unknown";
/**
 * What one replica takes from a node.
 */
export type Unit =
  | {
      kind: "gpus";
      /**
       * GPUs per replica.
       */
      per_replica: number;
    }
  | {
      kind: "mig-slice";
      /**
       * Slices of that profile per GPU.
       */
      per_gpu: number;
      /**
       * The MIG profile, such as `1g.20gb`.
       */
      profile: string;
    };
/**
 * Every problem found in one recipe, in the order they were found (which is deterministic).
 */
export type Diagnostics = Diagnostic[];
/**
 * A canonical deployment name: a DNS-1123 label whose `recipe-` Service name is one too.
 */
export type CanonicalName = string;
/**
 * Where a resolved value came from.
 */
export type Source = "recipe" | "node-params" | "default";
/**
 * KEDA's metric target type, which decides how the HPA turns the query's value into replicas.
 */
export type MetricType = "Value" | "AverageValue";
/**
 * Which query drives scaling.
 */
export type QuerySource =
  | {
      kind: "default-latency";
    }
  | {
      kind: "custom";
      query: string;
    };
/**
 * The CPU architecture of a shape's host.
 */
export type Arch = "amd64" | "arm64";
/**
 * Who makes a GPU, which decides the Kubernetes resource name and the node taint.
 */
export type GpuVendor = "nvidia" | "amd";
/**
 * How the Cluster Autoscaler finds the pool.
 */
export type NodeGroupDiscovery = "nodes" | "auto-discovery";
/**
 * Where a File Storage file system is exported: its mount target's IP address and the export path, as an object, as the text `<ip>:<path>` (an IPv6 address in brackets), or as an `[ip, path]` pair.
 */
export type FileSystemExport =
  | {
      /**
       * The export path, such as `/models`.
       */
      export_path: string;
      /**
       * The mount target's private IP address.
       */
      mount_target_ip: string;
    }
  | string
  | [unknown, unknown];
/**
 * How Prometheus finds the pods.
 */
export type ScrapeMode = "annotations" | "pod-monitor" | "service-monitor" | "none";

/**
 * The values corrino's library takes and gives, one property per value.
 */
/**
 * One problem in a recipe.
 */
export interface Diagnostic {
  code: Code;
  /**
   * How to fix it, where we can tell ("did you mean …").
   */
  hint?: string;
  /**
   * What is wrong, in one sentence, with the numbers that matter.
   */
  message: string;
  /**
   * Where: a JSON pointer (RFC 6901) into the recipe, `""` for the whole document.
   */
  path: string;
  severity: Severity;
}
/**
 * A recipe with everything derived from it resolved where it could be; every part that a problem made unknown is
 * `None`. Rendering and simulation do not take a preview but a checked [`Plan`](super::Plan).
 */
export interface Plan {
  /**
   * The capacity plan of a GPU workload.
   */
  capacity?: Capacity | null;
  /**
   * The container port, when valid.
   */
  container_port?: number | null;
  diagnostics: Diagnostics;
  /**
   * GPUs per replica (0 for CPU workloads).
   */
  gpus_per_replica: number;
  /**
   * A deployment group member's name in its group; `None` for a recipe of its own.
   */
  member?: string | null;
  /**
   * The previews of a deployment group's members that have a recipe, in the group's order.
   */
  members?: Plan[];
  /**
   * The recipe's mode.
   */
  mode?: RecipeMode | null;
  /**
   * The canonical deployment name, when valid.
   */
  name?: CanonicalName | null;
  /**
   * Node autoscaling, when asked for.
   */
  node_autoscaling?: NodeAutoscaling | null;
  /**
   * Pod autoscaling, when asked for.
   */
  pod_autoscaling?: PodAutoscaling | null;
  recipe: Recipe;
  /**
   * The node shape, when known.
   */
  shape?: Shape | null;
}
/**
 * The capacity plan of a GPU recipe.
 */
export interface Capacity {
  /**
   * GPUs per node.
   */
  gpus_per_node: number;
  /**
   * GPUs (or, with MIG, slices) left idle on a full node.
   */
  idle_per_node: number;
  /**
   * The most nodes the pool may have, when known.
   */
  max_nodes?: number | null;
  /**
   * The most replicas the recipe asks for (`max_replicas`, or the fixed replica count).
   */
  max_replicas: number;
  node_bound: NodeBound;
  /**
   * Nodes needed to run `max_replicas`.
   */
  nodes_needed: number;
  /**
   * Replicas that would stay Pending at `max_replicas`.
   */
  pending_replicas: number;
  /**
   * Replicas one node holds.
   */
  replicas_per_node: number;
  /**
   * Replicas the largest allowed pool holds, when known.
   */
  replicas_that_fit?: number | null;
  /**
   * The node shape.
   */
  shape: string;
  unit: Unit;
}
/**
 * The node autoscaling of a recipe.
 */
export interface NodeAutoscaling {
  /**
   * The most nodes.
   */
  max_nodes: number;
  /**
   * The fewest nodes.
   */
  min_nodes: number;
}
/**
 * The pod autoscaling of a recipe, every parameter resolved.
 */
export interface PodAutoscaling {
  /**
   * KEDA `cooldownPeriod`.
   */
  cooldown_seconds: {
    source: Source;
    /**
     * The value in effect.
     */
    value: number;
  };
  /**
   * The most replicas (KEDA `maxReplicaCount`).
   */
  max_replicas: number;
  metric_type: MetricType;
  /**
   * The fewest replicas (KEDA `minReplicaCount`).
   */
  min_replicas: {
    source: Source;
    /**
     * The value in effect.
     */
    value: number;
  };
  /**
   * KEDA `pollingInterval`.
   */
  polling_interval_seconds: {
    source: Source;
    /**
     * The value in effect.
     */
    value: number;
  };
  query: QuerySource;
  /**
   * HPA `scaleDown` policy period (one pod per period).
   */
  scaling_period_down_seconds: {
    source: Source;
    /**
     * The value in effect.
     */
    value: number;
  };
  /**
   * HPA `scaleUp` policy period (one pod per period).
   */
  scaling_period_up_seconds: {
    source: Source;
    /**
     * The value in effect.
     */
    value: number;
  };
  /**
   * The Prometheus server's URL, when the recipe names one (else the render options decide).
   */
  server_address?: string | null;
  /**
   * HPA `scaleDown.stabilizationWindowSeconds`.
   */
  stabilization_window_down_seconds: {
    source: Source;
    /**
     * The value in effect.
     */
    value: number;
  };
  /**
   * HPA `scaleUp.stabilizationWindowSeconds`.
   */
  stabilization_window_up_seconds: {
    source: Source;
    /**
     * The value in effect.
     */
    value: number;
  };
  /**
   * The threshold (KEDA trigger `threshold`).
   */
  threshold: {
    source: Source;
    /**
     * The value in effect.
     */
    value: number;
  };
  /**
   * The PromQL range of the default query, in seconds.
   */
  window_seconds: {
    source: Source;
    /**
     * The value in effect.
     */
    value: number;
  };
}
/**
 * One OCI shape.
 */
export interface Shape {
  arch: Arch;
  /**
   * A known problem with this shape upstream, said to users.
   */
  caveat?: string | null;
  /**
   * Present for flexible shapes.
   */
  flex?: FlexLimits | null;
  /**
   * Its GPUs, if any.
   */
  gpus?: Gpus | null;
  /**
   * Memory per node in GB (for flex shapes, the most).
   */
  memory_gb: number;
  /**
   * The shape's name, such as `VM.GPU.A10.2`.
   */
  name: string;
  /**
   * OCPUs per node (for flex shapes, the most).
   */
  ocpus: number;
  /**
   * Whether the shape has an RDMA cluster network.
   */
  rdma: boolean;
  /**
   * Whether OKE cannot manage its image, so that pools need an availability domain and a node image.
   */
  self_managed: boolean;
}
/**
 * The limits of a flexible shape, whose OCPUs and memory are chosen per pool.
 */
export interface FlexLimits {
  /**
   * The most memory per node, in GB.
   */
  max_memory_gb: number;
  /**
   * The most OCPUs per node.
   */
  max_ocpus: number;
}
/**
 * The GPUs of a shape.
 */
export interface Gpus {
  /**
   * How many per node.
   */
  count: number;
  /**
   * Memory per GPU in GB.
   */
  memory_gb: number;
  /**
   * MIG profiles, where upstream supports MIG on this shape.
   */
  mig_profiles?: MigProfile[];
  /**
   * The model, such as `A10` or `H100`.
   */
  model: string;
  vendor: GpuVendor;
}
/**
 * A MIG profile: a slice of one GPU, and how many of them one GPU holds when the whole GPU uses that profile.
 */
export interface MigProfile {
  /**
   * The profile's name, such as `1g.20gb` (the resource is `nvidia.com/mig-<name>`).
   */
  name: string;
  /**
   * Slices of this profile per GPU.
   */
  per_gpu: number;
}
/**
 * How a plan is rendered. Every field has a default, so callers name only what they change; an unknown field is
 * an error rather than silently ignored. The same struct is read from the CLI's flags, Python's keyword arguments
 * and JavaScript's options object.
 */
export interface RenderOptions {
  /**
   * Annotations added to every object.
   */
  annotations?: {
    [k: string]: string;
  };
  autoscaler_timing?: AutoscalerTiming;
  /**
   * The base domain of the public host `<name>.<base domain>`; without one the Ingress matches any host.
   */
  base_domain?: string | null;
  /**
   * The OKE cluster; a placeholder when absent.
   */
  cluster_id?: string | null;
  /**
   * The compartment of the node pool (the recipe's `recipe_compartment_ocid` wins); a placeholder when absent.
   */
  compartment_id?: string | null;
  discovery?: NodeGroupDiscovery;
  /**
   * Where each File Storage file system is exported, by file system OCID: `{mount_target_ip, export_path}` or
   * the text `<mount target IP>:<export path>`.
   */
  file_systems?: {
    [k: string]: FileSystemExport;
  };
  /**
   * The ingress class (upstream: `nginx`).
   */
  ingress_class?: string | null;
  /**
   * Labels added to every object (the labels corrino sets itself are not replaced).
   */
  labels?: {
    [k: string]: string;
  };
  /**
   * The namespace of every namespaced object.
   */
  namespace?: string;
  /**
   * The node pool's OCID, known once it exists (for the autoscaler's `nodes` key); a placeholder when absent.
   */
  node_pool_id?: string | null;
  /**
   * The image of the init containers that copy Object Storage inputs (it needs `oci` and `python3`).
   */
  object_storage_image?: string;
  /**
   * The Prometheus server KEDA queries, unless the recipe names one.
   */
  prometheus_address?: string;
  scrape?: ScrapeMode;
  /**
   * The worker subnet; a placeholder when absent.
   */
  subnet_id?: string | null;
  /**
   * A cert-manager ClusterIssuer for the Ingress' TLS certificate (upstream: `letsencrypt-prod`).
   */
  tls_issuer?: string | null;
}
/**
 * The Cluster Autoscaler add-on's timing keys.
 */
export interface AutoscalerTiming {
  /**
   * How long a new node may take to register before the scale-up counts as failed. GPU bare-metal nodes are
   * slow to boot, so the default is Oracle's GPU example (25m) rather than the add-on's 15m.
   */
  maxNodeProvisionTime?: string;
  /**
   * How long after a scale-up no node is removed.
   */
  scaleDownDelayAfterAdd?: string;
  /**
   * How long a node must be unneeded before it is removed.
   */
  scaleDownUnneededTime?: string;
  /**
   * How often the autoscaler looks at pending pods and unneeded nodes.
   */
  scanInterval?: string;
}
