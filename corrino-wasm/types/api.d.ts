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
  | "assumed-unit"
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
  | "malformed-reference"
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
  | "threshold-precision"
  | "keda-admission-refused"
  | "keda-admission-warning"
  | "team-not-created"
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
 * `--max-model-len`: a number of tokens, or `auto` (vLLM fits the longest context the memory allows).
 */
export type MaxModelLen =
  | {
      tokens: number;
    }
  | "auto";
/**
 * The serving engine, which decides how the server starts.
 */
export type Engine = "vllm" | "nim" | "other";
/**
 * Where the context length checked comes from.
 */
export type LengthSource = "recipe" | "auto" | "model-context";
/**
 * How the weights are stored on the GPU.
 */
export type WeightFormat = "float32" | "float16" | "bits8" | "int4" | "fp4";
/**
 * How the model was recognised.
 */
export type Recognition =
  | {
      /**
       * Whether those figures were checked against a published config.
       */
      confirmed: boolean;
      /**
       * Its Hugging Face id.
       */
      id: string;
      kind: "catalog";
      /**
       * The text it was recognised in.
       */
      matched: string;
      /**
       * Its short name.
       */
      name: string;
      /**
       * The catalog figures' source.
       */
      source: string;
    }
  | {
      kind: "size";
      /**
       * The text that announced it.
       */
      matched: string;
      /**
       * The parameters the name announces.
       */
      parameters: number;
    }
  | {
      kind: "unknown";
      /**
       * Why, in words.
       */
      reason: string;
    };
/**
 * Where the weights come from.
 */
export type WeightsSource =
  "hugging-face" | "hugging-face-cache" | "ngc" | "object-storage" | "file-storage" | "node-disk" | "unknown";
/**
 * A phase of a cold start.
 */
export type Phase = "node-provisioning" | "image-pull" | "weights-download" | "weights-load" | "engine-start";
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
 * A Kubernetes quantity, such as `8`, `500m` or `64Gi`.
 */
export type Quantity = string;
/**
 * Which nodes an update changes.
 */
export type NodeTarget =
  | {
      kind: "node";
      /**
       * The node's name (its private IP on OKE).
       */
      name: string;
    }
  | {
      kind: "selector";
      /**
       * The label key.
       */
      label: string;
      /**
       * Its value.
       */
      value: string;
    };
/**
 * How the Cluster Autoscaler add-on is told which pools to manage.
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
 * A KEDA release, 2.17.0 to 2.20.2, as text (`v` in front is also read).
 */
export type KedaVersion =
  | "2.17.0"
  | "2.17.1"
  | "2.17.2"
  | "2.17.3"
  | "2.18.0"
  | "2.18.1"
  | "2.18.2"
  | "2.18.3"
  | "2.19.0"
  | "2.20.0"
  | "2.20.1"
  | "2.20.2"
  | "2.17"
  | "2.18"
  | "2.19"
  | "2.20";
/**
 * A Kubernetes minor release, 1.33 to 1.37, as text (a patch level, `1.34.2`, and `v` in front are also read).
 */
export type KubernetesVersion = "1.33" | "1.34" | "1.35" | "1.36" | "1.37";
/**
 * How Prometheus finds vLLM's `/metrics`, which also decides the labels the default query selects by.
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
   * A service's model: whether it fits its GPUs, and its cold-start budget.
   */
  model?: ModelAssessment | null;
  /**
   * A multinode service's group of whole nodes.
   */
  multinode?: Multinode | null;
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
  /**
   * The Kueue queue a job is submitted to (its team's).
   */
  queue?: JobQueue | null;
  recipe: Recipe;
  /**
   * The node shape, when known.
   */
  shape?: Shape | null;
  /**
   * A `team` recipe's team, as Kueue gets it.
   */
  team?: TeamSpec | null;
  /**
   * An `update` recipe's nodes and labels.
   */
  update?: NodeUpdate | null;
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
   * Nodes one replica spans: 1, or a multinode service's group size (a replica is then a group of pods).
   */
  nodes_per_replica?: number;
  /**
   * Replicas that would stay Pending at `max_replicas`.
   */
  pending_replicas: number;
  /**
   * Replicas one node holds (for a multinode service: the group's pods one node holds, always 1).
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
 * What corrino knows about a service recipe's model: which it is, how it is split, whether it fits, and how long
 * it takes to start.
 */
export interface ModelAssessment {
  args: ServingArgs;
  engine: Engine;
  /**
   * The memory check, when the model's size and the GPU are known.
   */
  memory?: MemoryFit | null;
  model: Identification;
  parallelism: Parallelism;
  /**
   * The catalog's entry for the model, when recognised as one: its architecture, which the simulator's serving
   * model reads.
   */
  spec?: ModelSpec | null;
  startup: StartupBudget;
  /**
   * What was not checked, and why.
   */
  unchecked?: string[];
  /**
   * The weights' format, when the model's size is known.
   */
  weight_format?: WeightFormat | null;
  /**
   * The weights' size in bytes, when known.
   */
  weights_bytes?: number | null;
}
/**
 * The vLLM settings of a recipe. Absent fields were not written (vLLM's defaults apply).
 */
export interface ServingArgs {
  /**
   * `--dtype`.
   */
  dtype?: Arg | null;
  /**
   * `--enforce-eager` (or `--no-enforce-eager`).
   */
  enforce_eager?: Arg5 | null;
  /**
   * `--gpu-memory-utilization`.
   */
  gpu_memory_utilization?: Arg4 | null;
  /**
   * `--kv-cache-dtype`.
   */
  kv_cache_dtype?: Arg | null;
  /**
   * `--max-model-len`.
   */
  max_model_len?: Arg3 | null;
  /**
   * `--max-num-seqs`.
   */
  max_num_seqs?: Arg2 | null;
  /**
   * `--model`, or the positional model of `vllm serve`: a Hugging Face id or a path in the container.
   */
  model?: Arg | null;
  /**
   * Whether the command line starts vLLM itself (`vllm serve`, `vllm.entrypoints…`).
   */
  names_vllm: boolean;
  /**
   * `--pipeline-parallel-size` / `-pp`.
   */
  pipeline_parallel_size?: Arg2 | null;
  /**
   * `--quantization` / `-q`.
   */
  quantization?: Arg | null;
  /**
   * `--served-model-name`: the name clients use, often the model's own name.
   */
  served_model_name?: Arg | null;
  /**
   * `--tensor-parallel-size` / `-tp`.
   */
  tensor_parallel_size?: Arg2 | null;
}
/**
 * A value read from the recipe, with where it was written.
 */
export interface Arg {
  /**
   * The JSON pointer of the array element it was read from.
   */
  path: string;
  /**
   * The value, after environment references were expanded.
   */
  value: string;
  /**
   * The text as written there (`$(tensor_parallel_size)`), when it differs from the value.
   */
  written?: string | null;
}
/**
 * A value read from the recipe, with where it was written.
 */
export interface Arg5 {
  /**
   * The JSON pointer of the array element it was read from.
   */
  path: string;
  /**
   * The value, after environment references were expanded.
   */
  value: boolean;
  /**
   * The text as written there (`$(tensor_parallel_size)`), when it differs from the value.
   */
  written?: string | null;
}
/**
 * A value read from the recipe, with where it was written.
 */
export interface Arg4 {
  /**
   * The JSON pointer of the array element it was read from.
   */
  path: string;
  /**
   * The value, after environment references were expanded.
   */
  value: number;
  /**
   * The text as written there (`$(tensor_parallel_size)`), when it differs from the value.
   */
  written?: string | null;
}
/**
 * A value read from the recipe, with where it was written.
 */
export interface Arg3 {
  /**
   * The JSON pointer of the array element it was read from.
   */
  path: string;
  value: MaxModelLen;
  /**
   * The text as written there (`$(tensor_parallel_size)`), when it differs from the value.
   */
  written?: string | null;
}
/**
 * A value read from the recipe, with where it was written.
 */
export interface Arg2 {
  /**
   * The JSON pointer of the array element it was read from.
   */
  path: string;
  /**
   * The value, after environment references were expanded.
   */
  value: number;
  /**
   * The text as written there (`$(tensor_parallel_size)`), when it differs from the value.
   */
  written?: string | null;
}
/**
 * The memory of one replica's GPUs.
 */
export interface MemoryFit {
  device: Device;
  /**
   * `--gpu-memory-utilization` in effect.
   */
  gpu_memory_utilization: number;
  /**
   * GPUs (or slices) of the replica: tensor × pipeline parallelism.
   */
  gpus: number;
  /**
   * The KV cache, when the model's layers are known and the weights fit.
   */
  kv?: KvFit | null;
  /**
   * Activations, CUDA graphs and runtime buffers per GPU (estimated).
   */
  overhead_bytes_per_gpu: number;
  /**
   * Bytes vLLM allows itself per GPU.
   */
  usable_bytes_per_gpu: number;
  weight_format: WeightFormat;
  /**
   * The weights' size.
   */
  weights_bytes: number;
  /**
   * The weights on each GPU.
   */
  weights_bytes_per_gpu: number;
  /**
   * Whether the weights alone fit in the usable memory.
   */
  weights_fit: boolean;
}
/**
 * The memory of the device one worker runs on.
 */
export interface Device {
  /**
   * Whether the figure is an estimate rather than a published runtime reading.
   */
  estimate: boolean;
  /**
   * Bytes the runtime reports as the device's total.
   */
  memory_bytes: number;
  /**
   * What it is: `A10`, or `H100 MIG 1g.20gb`.
   */
  name: string;
  /**
   * Where the figure comes from.
   */
  source: string;
}
/**
 * How the KV cache of one replica compares with the context and the load.
 */
export interface KvFit {
  /**
   * KV bytes per token on each GPU, while within every window.
   */
  bytes_per_token_per_gpu: number;
  /**
   * Bytes left for the KV cache on each GPU.
   */
  cache_bytes_per_gpu: number;
  expected: ExpectedLoad;
  /**
   * The longest single sequence that fits.
   */
  longest_sequence: number;
  /**
   * The longest single sequence that fits with the least overhead vLLM has been seen to need
   * ([`OVERHEAD_FLOOR_BYTES`]).
   */
  longest_sequence_best_case: number;
  /**
   * The context length checked.
   */
  max_model_len: number;
  max_model_len_source: LengthSource;
  /**
   * Sequences of the expected length that fit at once.
   */
  sequences_at_expected_length: number;
  /**
   * Sequences of `max_model_len` tokens that fit at once (vLLM's "maximum concurrency").
   */
  sequences_at_max_model_len: number;
  /**
   * Tokens the cache holds (each counted in every layer).
   */
  tokens: number;
}
/**
 * The load the KV cache is checked against.
 */
export interface ExpectedLoad {
  /**
   * Concurrent sequences.
   */
  concurrency: number;
  /**
   * Whether `concurrency` is the recipe's `--max-num-seqs` (else upstream's guide load).
   */
  from_max_num_seqs: boolean;
  /**
   * Tokens per sequence.
   */
  tokens_per_sequence: number;
}
/**
 * The model a recipe serves.
 */
export interface Identification {
  /**
   * The model as the recipe names it (after environment expansion), when it names one.
   */
  model?: string | null;
  /**
   * The JSON pointer where it is named.
   */
  path?: string | null;
  recognition: Recognition;
  weights_source: WeightsSource;
}
/**
 * The parallelism of one replica.
 */
export interface Parallelism {
  /**
   * GPUs (or MIG slices) per node of the replica.
   */
  gpus_per_node: number;
  /**
   * The MIG profile, when the replica runs on a slice.
   */
  mig_profile?: string | null;
  /**
   * Nodes of the replica (more than one for a multinode service).
   */
  nodes: number;
  /**
   * `--pipeline-parallel-size` in effect.
   */
  pipeline: number;
  /**
   * `--tensor-parallel-size` in effect.
   */
  tensor: number;
}
/**
 * One model's architecture, as its `config.json` states it.
 */
export interface ModelSpec {
  /**
   * Parameters used per token, for a mixture of experts.
   */
  active_parameters?: number | null;
  /**
   * Name fragments that identify the model (compared without case or punctuation).
   */
  aliases: string[];
  /**
   * `num_attention_heads`.
   */
  attention_heads: number;
  /**
   * The published checkpoint's size in bytes, where its format mixes widths (gpt-oss keeps attention in
   * bf16 and experts in MXFP4), so that no per-parameter width describes it.
   */
  checkpoint_bytes?: number | null;
  /**
   * Whether the figures were checked against a published copy of the config or model card.
   */
  confirmed: boolean;
  /**
   * `head_dim` (or `hidden_size / num_attention_heads`).
   */
  head_dim: number;
  /**
   * `hidden_size`.
   */
  hidden_size: number;
  /**
   * The Hugging Face repository id, such as `meta-llama/Llama-3.1-8B-Instruct`.
   */
  id: string;
  /**
   * `num_key_value_heads`.
   */
  kv_heads: number;
  /**
   * Transformer layers (`num_hidden_layers`; the text model's, for multimodal models).
   */
  layers: number;
  /**
   * `max_position_embeddings`: the context vLLM uses when `--max-model-len` is not given.
   */
  max_context: number;
  /**
   * A short name for messages, such as `Llama 3.1 8B`.
   */
  name: string;
  native_format: WeightFormat;
  /**
   * What was not checked, or what the figures leave out.
   */
  note?: string;
  /**
   * All parameters (for a mixture of experts, every expert).
   */
  parameters: number;
  /**
   * Where the figures come from.
   */
  source: string;
  /**
   * `tie_word_embeddings`: the output head shares the embedding matrix.
   */
  tied_embeddings: boolean;
  /**
   * `vocab_size`.
   */
  vocab_size: number;
  /**
   * The window of those layers, in tokens.
   */
  window?: number;
  /**
   * Layers whose attention only sees a window of recent tokens (sliding or chunked attention); vLLM's
   * hybrid KV cache (0.10 and later) keeps only that window for them.
   */
  windowed_layers?: number;
}
/**
 * The cold-start budget of one replica.
 */
export interface StartupBudget {
  /**
   * A replica on a new node: provisioning + image pull + pod startup.
   */
  cold_start_seconds: number;
  /**
   * From the server's container starting to Ready: what the startup probe must allow.
   */
  container_start_seconds: number;
  /**
   * Whether a restarted container resumes the weights' download (the hub's cache outlives it) rather than
   * starting it again.
   */
  download_resumes?: boolean;
  /**
   * Pulling the image onto a fresh node (the simulator's `image_pull_seconds`).
   */
  image_pull_seconds: number;
  /**
   * A new node, when the replica needs one (the simulator's `node_provisioning_seconds`).
   */
  node_provisioning_seconds: number;
  /**
   * The parts, in order.
   */
  parts: StartupPart[];
  /**
   * From the pod's binding to a node that has the image, to Ready (the simulator's `pod_startup_seconds`).
   */
  pod_startup_seconds: number;
  /**
   * Whether the weights' size was known, so that their download and load are counted.
   */
  weights_counted: boolean;
}
/**
 * One part of the budget.
 */
export interface StartupPart {
  /**
   * What the figure assumes about this recipe.
   */
  assumption: string;
  /**
   * Whether it runs inside the server's container, where the startup and liveness probes count it.
   */
  in_container: boolean;
  phase: Phase;
  /**
   * How long, in seconds.
   */
  seconds: number;
  /**
   * Where the figure comes from.
   */
  source: string;
}
/**
 * A multinode service's group: how many whole nodes one replica spans, and whether they talk over RDMA.
 */
export interface Multinode {
  /**
   * Nodes per group: one leader and `nodes - 1` workers.
   */
  nodes: number;
  /**
   * Whether the group uses the shared pool's RDMA network (`multinode_rdma_enabled_in_shared_pool`).
   */
  rdma: boolean;
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
 * The Kueue queue a job is submitted to: its team's LocalQueue, in the team's Namespace.
 */
export interface JobQueue {
  /**
   * The LocalQueue (`kueue.x-k8s.io/queue-name`).
   */
  local_queue: string;
  /**
   * The team's Namespace, where the job runs.
   */
  namespace: string;
  /**
   * The WorkloadPriorityClass of the team's workloads (`kueue.x-k8s.io/priority-class`).
   */
  priority_class: string;
  /**
   * The canonical team name.
   */
  team: string;
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
 * A team as Kueue gets it: checked names, priority and quotas.
 */
export interface TeamSpec {
  /**
   * The canonical team name.
   */
  name: string;
  /**
   * The priority of the team's workloads (a WorkloadPriorityClass value).
   */
  priority: number;
  /**
   * One quota per shape, each a Kueue ResourceFlavor.
   */
  quotas: ShapeQuota[];
}
/**
 * The quotas of one shape.
 */
export interface ShapeQuota {
  cpu: ResourceQuota;
  gpus: ResourceQuota;
  memory: ResourceQuota;
  /**
   * The shape's name, which its nodes carry as `node.kubernetes.io/instance-type`.
   */
  shape: string;
  /**
   * The GPU vendor of the shape, which decides the GPU resource's name; `None` for CPU shapes.
   */
  vendor?: GpuVendor | null;
}
/**
 * One resource's limits in a ClusterQueue.
 */
export interface ResourceQuota {
  /**
   * How much more it may borrow from the cohort.
   */
  borrowing?: Quantity | null;
  /**
   * How much of its idle quota it lends to the cohort.
   */
  lending?: Quantity | null;
  nominal: Quantity;
}
/**
 * What an update does: the labels it sets on its target.
 */
export interface NodeUpdate {
  /**
   * The labels set (a MIG layout included), ordered by key.
   */
  labels: {
    [k: string]: string;
  };
  target: NodeTarget;
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
   * How often a job's failed pod is retried before the Job fails (`backoffLimit`, at most
   * [`MAX_JOB_BACKOFF_LIMIT`]).
   */
  job_backoff_limit?: number;
  /**
   * How long a finished Job is kept before Kubernetes deletes it (`ttlSecondsAfterFinished`, at most
   * [`MAX_JOB_TTL_SECONDS`]); `None` keeps it, and its logs, until `corrino delete`.
   */
  job_ttl_seconds_after_finished?: number | null;
  keda?: KedaVersion;
  kubernetes?: KubernetesVersion;
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
   * The StorageClass of a job's output volumes (OKE's block volumes: `oci-bv`; OCI gives at least 50 GB).
   */
  storage_class?: string;
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
 * The Cluster Autoscaler's timing keys, as the OKE add-on names them (values are Go durations).
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
/**
 * The releases a recipe is planned, rendered and simulated for. Every field has a default (what OCI AI Blueprints
 * runs); an unknown field is refused.
 */
export interface Target {
  keda?: KedaVersion;
  kubernetes?: KubernetesVersion;
}
