// The values corrino takes and gives (render options, plans, diagnostics, shapes, scenarios, simulations and
// searches), generated from fixtures/api.schema.json by tools/api-types.mjs: do not edit.
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
  | "records-truncated"
  | "input-kind"
  | "no-autoscaler"
  | "several-autoscalers"
  | "scale-target-missing"
  | "unsupported-target"
  | "unsupported-autoscaling"
  | "metric-trace-needed"
  | "internal";
/**
 * How serious a problem is.
 */
export type Severity = "error" | "warning" | "note";
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
 * What drives the scenario.
 */
export type Load =
  | {
      kind: "metric-trace";
      trace: MetricTrace;
    }
  | {
      kind: "open-loop";
      rate: RateProfile;
      requests?: RequestShape;
    }
  | {
      /**
       * Concurrent clients (`--num-concurrent-requests`).
       */
      clients: number;
      kind: "closed-loop";
      /**
       * Stop sending once this many requests were sent (`--max-num-completed-requests`); `None` runs to the
       * end of the scenario.
       */
      max_requests?: number | null;
      requests?: RequestShape;
      /**
       * Seconds a client waits between an answer and its next request.
       */
      think_time_seconds?: number;
    };
/**
 * How requests arrive over time in an open loop, in requests per second.
 */
export type RateProfile =
  | {
      kind: "constant";
      /**
       * Requests per second.
       */
      rps: number;
    }
  | {
      /**
       * Rate from the step on.
       */
      after_rps: number;
      /**
       * When the step happens.
       */
      at_seconds: number;
      /**
       * Rate before the step.
       */
      before_rps: number;
      kind: "step";
    }
  | {
      /**
       * When it ends.
       */
      end_seconds: number;
      /**
       * Rate up to `start_seconds`.
       */
      from_rps: number;
      kind: "ramp";
      /**
       * When the ramp starts.
       */
      start_seconds: number;
      /**
       * Rate from `end_seconds` on.
       */
      to_rps: number;
    }
  | {
      /**
       * Half the difference between peak and trough.
       */
      amplitude_rps: number;
      kind: "diurnal";
      /**
       * The average rate.
       */
      mean_rps: number;
      /**
       * When the first peak happens.
       */
      peak_at_seconds: number;
      /**
       * Length of a cycle (86 400 s for a day).
       */
      period_seconds: number;
    }
  | {
      /**
       * Rate outside the burst.
       */
      base_rps: number;
      /**
       * How long it lasts.
       */
      duration_seconds: number;
      kind: "spike";
      /**
       * Rate during the burst.
       */
      peak_rps: number;
      /**
       * When the burst starts.
       */
      start_seconds: number;
    }
  | {
      kind: "table";
      /**
       * The points, by increasing time (see `parse_rate_csv`).
       */
      points: RatePoint[];
    };
/**
 * A scenario field that breaks its bound. `field` is a JSON pointer into the scenario (`/load/clients`,
 * `/load/rate/points/3/rps`).
 */
export type ScenarioError =
  | {
      /**
       * Where.
       */
      field: string;
      kind: "out-of-range";
      range: ScenarioRange;
      value: ScenarioNumber;
    }
  | {
      /**
       * Where.
       */
      field: string;
      kind: "not-a-multiple";
      /**
       * The step, seconds.
       */
      step_seconds: number;
      /**
       * What it holds, seconds.
       */
      value: number;
    }
  | {
      /**
       * The point that does not follow its predecessor.
       */
      field: string;
      kind: "not-increasing";
      /**
       * The time before it, seconds.
       */
      previous: number;
      /**
       * Its time, seconds.
       */
      t: number;
    }
  | {
      /**
       * `end_seconds`.
       */
      end: number;
      /**
       * Where (`…/end_seconds`).
       */
      field: string;
      kind: "ramp-backwards";
      /**
       * `start_seconds`.
       */
      start: number;
    }
  | {
      /**
       * Where.
       */
      field: string;
      kind: "empty";
    }
  | {
      /**
       * Where.
       */
      field: string;
      kind: "too-many-points";
      /**
       * The most allowed.
       */
      max: number;
      /**
       * How many it has.
       */
      points: number;
    }
  | {
      /**
       * `duration_seconds`.
       */
      duration_seconds: number;
      kind: "too-many-rows";
      /**
       * The most allowed.
       */
      max: number;
      /**
       * The rows the timeline would have.
       */
      rows: number;
      /**
       * `sample_interval_seconds`.
       */
      sample_interval_seconds: number;
      /**
       * The shortest sample interval that fits.
       */
      smallest_interval_seconds: number;
    };
/**
 * A value as the scenario holds it: a whole number (kept exact up to `u64::MAX`) or any other number.
 */
export type ScenarioNumber = number;
/**
 * What a number reads as, for the words of a bound.
 */
export type ScenarioUnit =
  | "seconds"
  | "requests-per-second"
  | "clients"
  | "tokens"
  | "tokens-per-second"
  | "replicas"
  | "nodes"
  | "sequences"
  | "requests"
  | "plain";
/**
 * The HPA's condition reason, as the controller spells it.
 */
export type HpaReason =
  | "ScalingDisabled"
  | "CurrentAboveMaxReplicas"
  | "CurrentBelowMinReplicas"
  | "FailedGetExternalMetric"
  | "ScaleUpStabilized"
  | "ScaleDownStabilized"
  | "ReadyForNewScale"
  | "ScaleUpLimit"
  | "ScaleDownLimit"
  | "TooManyReplicas"
  | "TooFewReplicas"
  | "DesiredWithinRange";
/**
 * One event.
 */
export type SimulationEvent =
  | {
      /**
       * When, in seconds.
       */
      t: number;
      by: Controller;
      /**
       * Before.
       */
      from: number;
      kind: "replicas-changed";
      /**
       * After.
       */
      to: number;
    }
  | {
      /**
       * When, in seconds.
       */
      t: number;
      kind: "nodes-requested";
      /**
       * Their ids.
       */
      nodes: number[];
    }
  | {
      /**
       * When, in seconds.
       */
      t: number;
      kind: "node-ready";
      /**
       * Its id.
       */
      node: number;
    }
  | {
      /**
       * When, in seconds.
       */
      t: number;
      kind: "node-removed";
      /**
       * Its id.
       */
      node: number;
      reason: ScanNote;
    }
  | {
      /**
       * When, in seconds.
       */
      t: number;
      kind: "pod-ready";
      /**
       * Its node.
       */
      node: number | null;
      /**
       * Its id.
       */
      pod: number;
    }
  | {
      /**
       * When, in seconds.
       */
      t: number;
      /**
       * How many.
       */
      count: number;
      kind: "requests-failed";
    }
  | {
      /**
       * When, in seconds.
       */
      t: number;
      kind: "load-finished";
    };
/**
 * Which controller changed the replica count.
 */
export type Controller = "hpa" | "keda";
/**
 * Why a scan did what it did.
 */
export type ScanNote =
  | "no-change"
  | "scale-up"
  | "max-nodes-reached"
  | "backoff"
  | "waiting-for-nodes"
  | "pods-too-new"
  | "scale-down-in-cooldown"
  | "scale-down"
  | "provisioning-failed";
/**
 * The generations of vLLM's engine whose CPU work differs.
 */
export type Generation = "v0" | "v1";

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
   * The value at `path` in the document as read, cut to a bounded size (a string to 100 characters, arrays and
   * objects to 10 items, two levels deep: see `docs/diagnostics.md`); absent when nothing is there (a missing
   * field) or the path points into something else than the recipe.
   */
  input?: unknown;
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
 * `None`. Rendering and simulation do not take a preview but a checked `Plan`.
 */
export interface Plan {
  /**
   * The capacity plan of a GPU workload.
   */
  capacity: Capacity | null;
  /**
   * The container port, when valid.
   */
  container_port: number | null;
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
  mode: RecipeMode | null;
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
  name: CanonicalName | null;
  /**
   * Node autoscaling, when asked for.
   */
  node_autoscaling: NodeAutoscaling | null;
  /**
   * Pod autoscaling, when asked for.
   */
  pod_autoscaling: PodAutoscaling | null;
  /**
   * The Kueue queue a job is submitted to (its team's).
   */
  queue?: JobQueue | null;
  recipe: Recipe;
  /**
   * The node shape, when known.
   */
  shape: Shape | null;
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
  max_nodes: number | null;
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
  replicas_that_fit: number | null;
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
  dtype: Arg | null;
  /**
   * `--enforce-eager` (or `--no-enforce-eager`).
   */
  enforce_eager: Arg5 | null;
  /**
   * `--gpu-memory-utilization`.
   */
  gpu_memory_utilization: Arg4 | null;
  /**
   * `--kv-cache-dtype`.
   */
  kv_cache_dtype: Arg | null;
  /**
   * `--max-model-len`.
   */
  max_model_len: Arg3 | null;
  /**
   * `--max-num-seqs`.
   */
  max_num_seqs: Arg2 | null;
  /**
   * `--model`, or the positional model of `vllm serve`: a Hugging Face id or a path in the container.
   */
  model: Arg | null;
  /**
   * Whether the command line starts vLLM itself (`vllm serve`, `vllm.entrypoints…`).
   */
  names_vllm: boolean;
  /**
   * `--pipeline-parallel-size` / `-pp`.
   */
  pipeline_parallel_size: Arg2 | null;
  /**
   * `--quantization` / `-q`.
   */
  quantization: Arg | null;
  /**
   * `--served-model-name`: the name clients use, often the model's own name.
   */
  served_model_name: Arg | null;
  /**
   * `--tensor-parallel-size` / `-tp`.
   */
  tensor_parallel_size: Arg2 | null;
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
   * (`OVERHEAD_FLOOR_BYTES`).
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
  window: number;
  /**
   * Layers whose attention only sees a window of recent tokens (sliding or chunked attention); vLLM's
   * hybrid KV cache (0.10 and later) keeps only that window for them.
   */
  windowed_layers: number;
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
  download_resumes: boolean;
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
  server_address: string | null;
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
  caveat: string | null;
  /**
   * Present for flexible shapes.
   */
  flex: FlexLimits | null;
  /**
   * Its GPUs, if any.
   */
  gpus: Gpus | null;
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
 * A team as Kueue gets it: checked names, priority and quotas. The names of its Kueue objects are fields rather
 * than computed where they are used, so that a plan shows them as the manifests have them.
 */
export interface TeamSpec {
  /**
   * The ClusterQueue that holds the quotas.
   */
  cluster_queue: string;
  /**
   * The Cohort the ClusterQueue lends to and borrows from (every team's).
   */
  cohort: string;
  /**
   * The LocalQueue in the Namespace, which a job's `kueue.x-k8s.io/queue-name` label names.
   */
  local_queue: string;
  /**
   * The canonical team name.
   */
  name: string;
  /**
   * The team's Namespace, where its jobs run.
   */
  namespace: string;
  /**
   * The priority of the team's workloads (a WorkloadPriorityClass value).
   */
  priority: number;
  /**
   * The WorkloadPriorityClass of the team's workloads.
   */
  priority_class: string;
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
  vendor: GpuVendor | null;
}
/**
 * One resource's limits in a ClusterQueue.
 */
export interface ResourceQuota {
  /**
   * How much more it may borrow from the cohort.
   */
  borrowing: Quantity | null;
  /**
   * How much of its idle quota it lends to the cohort.
   */
  lending: Quantity | null;
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
   * `MAX_JOB_BACKOFF_LIMIT`).
   */
  job_backoff_limit?: number;
  /**
   * How long a finished Job is kept before Kubernetes deletes it (`ttlSecondsAfterFinished`, at most
   * `MAX_JOB_TTL_SECONDS`); `None` keeps it, and its logs, until `corrino delete`.
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
 * A scenario: every field has a default, so `{}` is the fixture's llmperf run for an hour. It is read only from an
 * object (not from a list of its values), with unknown keys refused.
 */
export interface Scenario {
  /**
   * KEDA's `activationThreshold`.
   */
  activation_threshold?: number;
  autoscaler_timing?: AutoscalerTiming;
  /**
   * How long to simulate, seconds.
   */
  duration_seconds?: number;
  /**
   * How often the HPA controller syncs (`--horizontal-pod-autoscaler-sync-period`), seconds.
   */
  hpa_sync_period_seconds?: number;
  /**
   * KEDA's `ignoreNullValues`: an empty result or NaN reads as 0 (true) or fails the trigger (false).
   */
  ignore_null_values?: boolean;
  /**
   * Image pull on a fresh node, seconds; `None` uses the cold-start budget's (from the image).
   */
  image_pull_seconds?: number | null;
  /**
   * Nodes Ready at the start; `None` starts with enough for the initial replicas, at least `min_nodes`.
   */
  initial_nodes?: number | null;
  /**
   * Replicas Ready at the start; `None` starts at `min_replicas` (a recipe already deployed and idle).
   */
  initial_replicas?: number | null;
  /**
   * The latency a request must not exceed to meet the service level, seconds (the default query's bound).
   */
  latency_bound_seconds?: number;
  load?: Load;
  /**
   * The most nodes of the pool, for input without a node pool document (see `min_nodes`; 0 when only this is
   * given).
   */
  max_nodes?: number | null;
  /**
   * The fewest nodes of the pool, for Kubernetes input without a node pool document (a recipe on a shared pool
   * has none either). With `max_nodes`, the Cluster Autoscaler scales the pool between the two; alone, the pool
   * has this many nodes. Neither: the pool holds exactly the nodes `maxReplicas` needs.
   */
  min_nodes?: number | null;
  /**
   * Node provisioning, seconds; `None` uses the cold-start budget's, the default for the shape's class.
   */
  node_provisioning_seconds?: number | null;
  /**
   * Pod startup to Ready, seconds; `None` uses the model's cold-start budget (`corrino plan` shows it), or the
   * default estimate when the model's size is unknown.
   */
  pod_startup_seconds?: number | null;
  /**
   * How often a row is added to the timeline, seconds.
   */
  sample_interval_seconds?: number;
  /**
   * How often Prometheus scrapes vLLM (`scrape_interval`), seconds.
   */
  scrape_interval_seconds?: number;
  /**
   * Seed of the request sizes and arrivals.
   */
  seed?: number;
  /**
   * The serving model of one replica; `None` estimates it from the shape.
   */
  serving?: ServingModel | null;
  /**
   * The simulation step, seconds (1 by default; every controller interval must be a multiple of it).
   */
  step_seconds?: number;
}
/**
 * The query's value over time, replayed exactly instead of being computed from traffic.
 */
export interface MetricTrace {
  /**
   * The samples, by increasing time.
   */
  points: TracePoint[];
}
/**
 * One sample of a recorded query value.
 */
export interface TracePoint {
  /**
   * Seconds from the start of the scenario.
   */
  t: number;
  /**
   * The query's value; `None` is an empty result (no series), which KEDA reads per `ignoreNullValues`.
   */
  value?: number | null;
}
/**
 * One point of a request-rate table.
 */
export interface RatePoint {
  /**
   * Requests per second.
   */
  rps: number;
  /**
   * Seconds from the start of the scenario.
   */
  t: number;
}
/**
 * The size of requests, in tokens, as llmperf describes them.
 */
export interface RequestShape {
  /**
   * Mean prompt length (`--mean-input-tokens`).
   */
  mean_input_tokens?: number;
  /**
   * Mean completion length (`--mean-output-tokens`).
   */
  mean_output_tokens?: number;
  /**
   * Its standard deviation (`--stddev-input-tokens`).
   */
  stddev_input_tokens?: number;
  /**
   * Its standard deviation (`--stddev-output-tokens`).
   */
  stddev_output_tokens?: number;
}
/**
 * The serving model of one replica. See the module documentation for what each figure means.
 */
export interface ServingModel {
  /**
   * Duration of one decode step with a single sequence, in seconds.
   */
  decode_step_seconds: number;
  /**
   * What each token held in the running batch's KV cache adds to a decode step, in seconds (0 when absent).
   */
  decode_step_seconds_per_kv_token?: number;
  /**
   * What each running sequence adds to a decode step, in seconds.
   */
  decode_step_seconds_per_sequence: number;
  /**
   * Tokens the KV cache holds.
   */
  kv_cache_tokens: number;
  /**
   * The most sequences in the running batch (`--max-num-seqs`).
   */
  max_num_seqs: number;
  /**
   * Prompt tokens processed per second.
   */
  prefill_tokens_per_second: number;
}
/**
 * The values a field may hold: `min` (or more than `min` when `min_exclusive`) up to `max`, in `unit`.
 */
export interface ScenarioRange {
  /**
   * The largest value, if any.
   */
  max: ScenarioNumber | null;
  /**
   * The smallest value, if any.
   */
  min: ScenarioNumber | null;
  /**
   * Whether `min` itself is excluded (a positive number: more than 0).
   */
  min_exclusive: boolean;
  unit: ScenarioUnit;
}
/**
 * The values each setting may take; an empty list takes the default values around the recipe's own. Bounds (any
 * value outside them is refused): at most 16 values per setting, thresholds in (0, 1000], windows 15–3600 s,
 * stabilization windows 0–3600 s, periods 1–1800 s, replicas and nodes 1–64, at most 2000 samples.
 */
export interface SearchSpace {
  /**
   * `max_nodes` values (recipes with node autoscaling).
   */
  max_nodes?: number[];
  /**
   * `max_replicas` values.
   */
  max_replicas?: number[];
  /**
   * `min_replicas` values.
   */
  min_replicas?: number[];
  /**
   * Random combinations to try besides the one-at-a-time variations (0: the default, 120).
   */
  samples?: number;
  /**
   * Scale-down periods, seconds.
   */
  scaling_periods_down_seconds?: number[];
  /**
   * Scale-up periods, seconds.
   */
  scaling_periods_up_seconds?: number[];
  /**
   * The seed of those combinations.
   */
  seed?: number;
  /**
   * Scale-down stabilization windows, seconds.
   */
  stabilization_windows_down_seconds?: number[];
  /**
   * Scale-up stabilization windows, seconds.
   */
  stabilization_windows_up_seconds?: number[];
  /**
   * `scaling_threshold` values.
   */
  thresholds?: number[];
  /**
   * Query windows, seconds.
   */
  windows_seconds?: number[];
}
/**
 * A finished simulation.
 */
export interface Simulation {
  /**
   * The HPA's decisions, each time they changed (the first `MAX_RECORDS`).
   */
  decisions: ScalingDecision[];
  /**
   * What happened when (the first `MAX_RECORDS`).
   */
  events: SimulationEvent[];
  notes: Diagnostics;
  /**
   * One row per sample interval.
   */
  samples: SimulationSample[];
  settings: SimulationSettings;
  summary: SimulationSummary;
}
/**
 * One HPA sync whose outcome differed from the previous one: the "why" of the replica count.
 */
export interface ScalingDecision {
  /**
   * `spec.replicas` before the sync.
   */
  current_replicas: number;
  /**
   * The replica count after the sync.
   */
  desired_replicas: number;
  /**
   * The reason in words.
   */
  message: string;
  /**
   * The metric value the HPA received (KEDA's reading after `ignoreNullValues`), if any and not NaN.
   */
  metric: number | null;
  /**
   * What the metric alone asked for.
   */
  metric_replicas: number | null;
  /**
   * Ready pods at the sync.
   */
  ready_replicas: number;
  reason: HpaReason;
  /**
   * Whether the sync changed the count.
   */
  rescaled: boolean;
  /**
   * When, in seconds.
   */
  t: number;
}
/**
 * One row of the timeline.
 */
export interface SimulationSample {
  /**
   * Requests that finished since the previous row.
   */
  completed: number;
  /**
   * The HPA's last desired replica count.
   */
  hpa_desired: number;
  /**
   * Requests running or queued in the replicas.
   */
  in_flight: number;
  /**
   * Whether KEDA's trigger was active at its last poll.
   */
  keda_active: boolean;
  /**
   * Median latency of those, seconds.
   */
  latency_p50: number | null;
  /**
   * 95th percentile latency of those, seconds.
   */
  latency_p95: number | null;
  /**
   * Requests per second (open loop), active clients (closed loop), or 0 (metric trace).
   */
  load: number;
  /**
   * The metric as KEDA last read it (after `ignoreNullValues`); `None` when it failed, was NaN (KEDA before
   * 2.20 passes NaN on), or was not read yet.
   */
  metric: number | null;
  /**
   * Pods with no node (Pending, unschedulable).
   */
  pending_replicas: number;
  /**
   * Nodes requested and not yet Ready.
   */
  provisioning_nodes: number;
  /**
   * Ready nodes.
   */
  ready_nodes: number;
  /**
   * Ready pods.
   */
  ready_replicas: number;
  /**
   * How many of those were slower than the latency bound.
   */
  slo_misses: number;
  /**
   * The Deployment's `spec.replicas`.
   */
  spec_replicas: number;
  /**
   * Pods bound to a node and starting.
   */
  starting_replicas: number;
  /**
   * Seconds from the start.
   */
  t: number;
  /**
   * The trigger's threshold.
   */
  threshold: number;
}
/**
 * The values the simulation ran with, defaults resolved.
 */
export interface SimulationSettings {
  /**
   * `hpa` when a plain HorizontalPodAutoscaler scales the workload, without KEDA (left out for KEDA).
   */
  autoscaler?: string;
  cluster_autoscaler: ClusterAutoscalerConfig;
  /**
   * KEDA `cooldownPeriod`, seconds (0 without KEDA).
   */
  cooldown_seconds: number;
  /**
   * GPUs per node.
   */
  gpus_per_node: number;
  /**
   * HPA sync period, seconds.
   */
  hpa_sync_period_seconds: number;
  /**
   * Nodes at the start.
   */
  initial_nodes: number;
  /**
   * Replicas at the start.
   */
  initial_replicas: number;
  /**
   * The latency bound, seconds.
   */
  latency_bound_seconds: number;
  /**
   * KEDA `maxReplicaCount` (the HPA's `maxReplicas` without KEDA).
   */
  max_replicas: number;
  metric_type: MetricType;
  /**
   * KEDA `minReplicaCount` (the HPA's `minReplicas` without KEDA).
   */
  min_replicas: number;
  pod_timing: PodTiming;
  /**
   * Pods per replica: a LeaderWorkerSet's group size, each pod on a node of its own (left out when 1).
   */
  pods_per_replica?: number;
  /**
   * KEDA `pollingInterval`, seconds (0 without KEDA).
   */
  polling_interval_seconds: number;
  /**
   * The query: `default-latency`, the custom text, or what a metric trace stands for.
   */
  query: string;
  /**
   * Replicas per node (pods per node for a group's pods).
   */
  replicas_per_node: number;
  /**
   * Prometheus scrape interval, seconds.
   */
  scrape_interval_seconds: number;
  serving: ServingModel;
  /**
   * What the calibrated serving model was derived from (also when the scenario gives its own).
   */
  serving_basis: ServingBasis | null;
  /**
   * Where the serving model comes from: `scenario`, `calibrated` (derived from the pod's model, GPU and
   * vLLM release: see `serving_basis`) or `a10-default` (a GPU without datasheet figures here).
   */
  serving_source: "scenario" | "calibrated" | "a10-default";
  /**
   * The node shape.
   */
  shape: string;
  target: Target;
  /**
   * The trigger threshold (the metric's target without KEDA).
   */
  threshold: number;
  /**
   * The threshold in milli-units, as the HPA receives it.
   */
  threshold_milli: number;
}
/**
 * The Cluster Autoscaler's parameters for the recipe's node group.
 */
export interface ClusterAutoscalerConfig {
  /**
   * Whether the autoscaler manages the pool at all (a fixed pool has none).
   */
  enabled: boolean;
  /**
   * `maxNodeProvisionTime`, seconds.
   */
  max_node_provision_time_seconds: number;
  /**
   * The most nodes.
   */
  max_nodes: number;
  /**
   * The fewest nodes.
   */
  min_nodes: number;
  /**
   * How long a requested node takes to become Ready, seconds.
   */
  provisioning_seconds: number;
  /**
   * Recipe pods one node holds.
   */
  replicas_per_node: number;
  /**
   * `scaleDownDelayAfterAdd`, seconds.
   */
  scale_down_delay_after_add_seconds: number;
  /**
   * `scaleDownDelayAfterDelete`, seconds.
   */
  scale_down_delay_after_delete_seconds: number;
  /**
   * `scaleDownUnneededTime`, seconds.
   */
  scale_down_unneeded_time_seconds: number;
  /**
   * `scaleDownUtilizationThreshold` (GPU utilization for GPU nodes).
   */
  scale_down_utilization_threshold: number;
  /**
   * `scanInterval`, seconds.
   */
  scan_interval_seconds: number;
  /**
   * The share of a node's GPUs one pod takes (`gpus_per_replica / gpus_per_node`).
   */
  utilization_per_pod: number;
}
/**
 * How long pods take to start.
 */
export interface PodTiming {
  /**
   * Extra time to pull the image on a node that never ran it, seconds.
   */
  image_pull_seconds: number;
  /**
   * From binding (image present) to Ready, seconds.
   */
  startup_seconds: number;
}
/**
 * What the serving model was derived from, for the simulation's settings.
 */
export interface ServingBasis {
  /**
   * Whether any part is an estimate: a GPU without measurements, a model not in the catalog, or a release not
   * read from the image.
   */
  estimate: boolean;
  generation: Generation;
  /**
   * The GPU, and whether its efficiencies were measured or are the roofline estimate.
   */
  gpu: string;
  /**
   * The measurements those figures come from.
   */
  measurements: string;
  /**
   * The model and its format.
   */
  model: string;
  /**
   * `--tensor-parallel-size`.
   */
  tensor_parallel: number;
  /**
   * The vLLM release the image tag names, if it names one.
   */
  vllm_version: string | null;
}
/**
 * The releases a recipe is planned, rendered and simulated for. Every field has a default (what OCI AI Blueprints
 * runs); an unknown field is refused.
 */
export interface Target {
  keda?: KedaVersion;
  kubernetes?: KubernetesVersion;
}
/**
 * Figures over the whole run.
 */
export interface SimulationSummary {
  /**
   * Simulated seconds.
   */
  duration_seconds: number;
  /**
   * When the Cluster Autoscaler first requested a node.
   */
  first_node_requested_at: number | null;
  /**
   * When the replica count first rose above its starting value.
   */
  first_scale_up_at: number | null;
  /**
   * Changes that reversed the previous change's direction within 5 minutes of it.
   */
  flapping_count: number;
  /**
   * Σ over time of the nodes (Ready or provisioning, as both are billed) × GPUs per node, in hours.
   */
  gpu_hours: number;
  /**
   * Median latency of all answered requests, seconds (the upper edge of a 2.2 %-wide bin).
   */
  latency_p50: number | null;
  /**
   * 95th percentile latency of all answered requests, seconds (the upper edge of a 2.2 %-wide bin).
   */
  latency_p95: number | null;
  /**
   * When a closed loop's last request was answered.
   */
  load_finished_at: number | null;
  /**
   * The most nodes (Ready or provisioning).
   */
  peak_nodes: number;
  /**
   * The most Ready pods.
   */
  peak_ready_replicas: number;
  /**
   * The highest `spec.replicas`.
   */
  peak_spec_replicas: number;
  /**
   * Σ over time of the pods waiting for a node, in pod-seconds.
   */
  pending_replica_seconds: number;
  /**
   * Requests answered.
   */
  requests_completed: number;
  /**
   * Requests lost with their pod, or sent while no replica was Ready (open loop).
   */
  requests_failed: number;
  /**
   * Requests still queued or running in a replica when the run ended: sent, never answered within it (an
   * overloaded open loop leaves many).
   */
  requests_in_flight: number;
  /**
   * Requests the load sent: `requests_completed + requests_failed + requests_in_flight`.
   */
  requests_sent: number;
  /**
   * Changes of the replica count.
   */
  scale_events: number;
  /**
   * Seconds in which more than 5 % of the requests that finished were slower than the bound (that second's
   * 95th percentile above it).
   */
  seconds_over_slo: number;
  /**
   * Answered requests slower than the latency bound.
   */
  slo_misses: number;
  /**
   * When the replica count, the Ready replicas and the node count last changed: steady from then on.
   */
  steady_state_at: number | null;
}
/**
 * A search's outcome.
 */
export interface TuneResult {
  /**
   * Seconds over the objective allowed for it to count as met (1 % of the simulated time).
   */
  budget_seconds: number;
  chosen: TuneEvaluation;
  /**
   * Simulated seconds per candidate.
   */
  duration_seconds: number;
  /**
   * Candidates simulated.
   */
  evaluated: number;
  /**
   * The Pareto front of GPU-hours, seconds over the objective and flaps, cheapest first.
   */
  front: TuneEvaluation[];
  /**
   * Why those.
   */
  reason: string;
  recipe: TuneEvaluation;
  /**
   * Whether the recipe's own settings are on the front.
   */
  recipe_on_front: boolean;
  /**
   * The front (and the recipe's own settings when they are not on it) as flat rows, for tables and data frames.
   */
  records: TuneRecord[];
  /**
   * The objective, as text.
   */
  slo: string;
}
/**
 * One candidate's outcome.
 */
export interface TuneEvaluation {
  /**
   * Reversals of the replica count within five minutes of the previous change.
   */
  flaps: number;
  /**
   * GPU-hours billed (nodes Ready or provisioning × GPUs per node).
   */
  gpu_hours: number;
  /**
   * Whether these are the recipe's own settings.
   */
  is_recipe: boolean;
  knobs: TunedSettings;
  /**
   * The 95th percentile latency over the run, seconds.
   */
  latency_p95: number | null;
  /**
   * The most nodes.
   */
  peak_nodes: number;
  /**
   * Requests answered.
   */
  requests_completed: number;
  /**
   * Requests lost with their pod or sent with no replica Ready.
   */
  requests_failed: number;
  /**
   * Changes of the replica count.
   */
  scale_events: number;
  /**
   * Seconds over the objective.
   */
  seconds_over_slo: number;
  /**
   * Requests slower than the objective's bound.
   */
  slow_requests: number;
}
/**
 * The autoscaling settings a search varies.
 */
export interface TunedSettings {
  /**
   * `max_nodes`, for a recipe with node autoscaling.
   */
  max_nodes: number | null;
  /**
   * `max_replicas`.
   */
  max_replicas: number;
  /**
   * `min_replicas`.
   */
  min_replicas: number;
  /**
   * `scaling_period_down`, seconds.
   */
  scaling_period_down_seconds: number;
  /**
   * `scaling_period_up`, seconds.
   */
  scaling_period_up_seconds: number;
  /**
   * `stabilization_window_down`, seconds.
   */
  stabilization_window_down_seconds: number;
  /**
   * `stabilization_window_up`, seconds.
   */
  stabilization_window_up_seconds: number;
  /**
   * `scaling_threshold`.
   */
  threshold: number;
  /**
   * `collect_metrics_timespan`, seconds (the default query's window).
   */
  window_seconds: number;
}
/**
 * One row of `TuneResult::records`: an evaluation with its settings flattened.
 */
export interface TuneRecord {
  /**
   * The chosen settings.
   */
  chosen: boolean;
  /**
   * Flaps.
   */
  flaps: number;
  /**
   * GPU-hours.
   */
  gpu_hours: number;
  /**
   * The recipe's own settings.
   */
  is_recipe: boolean;
  /**
   * The 95th percentile latency, seconds.
   */
  latency_p95: number | null;
  /**
   * `max_nodes`.
   */
  max_nodes: number | null;
  /**
   * `max_replicas`.
   */
  max_replicas: number;
  /**
   * `min_replicas`.
   */
  min_replicas: number;
  /**
   * On the Pareto front.
   */
  on_front: boolean;
  /**
   * Requests failed.
   */
  requests_failed: number;
  /**
   * `scaling_period_down`, seconds.
   */
  scaling_period_down_seconds: number;
  /**
   * `scaling_period_up`, seconds.
   */
  scaling_period_up_seconds: number;
  /**
   * Seconds over the objective.
   */
  seconds_over_slo: number;
  /**
   * `stabilization_window_down`, seconds.
   */
  stabilization_window_down_seconds: number;
  /**
   * `stabilization_window_up`, seconds.
   */
  stabilization_window_up_seconds: number;
  /**
   * `scaling_threshold`.
   */
  threshold: number;
  /**
   * `collect_metrics_timespan`, seconds.
   */
  window_seconds: number;
}
