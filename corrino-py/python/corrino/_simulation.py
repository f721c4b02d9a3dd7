"""A simulation's and a search's values as typed dictionaries: the ``scenario`` of ``simulate`` and ``tune``,
the parts of a ``Simulation`` (``settings``, ``samples``, ``decisions``, ``events``, ``summary``), the ``space``
and the result of ``tune``, and a ``SimulationError``'s ``details``.

Generated from fixtures/api.schema.json (corrino-core's ``sim`` and ``tune`` types) by tools/api_types.py: do
not edit.
"""

from typing import List, Literal, Optional, TypedDict, Union

from ._options import AutoscalerTiming, Target

__all__ = [
    "ClusterAutoscalerConfig",
    "Controller",
    "Generation",
    "HpaReason",
    "Load",
    "LoadClosedLoop",
    "LoadMetricTrace",
    "LoadOpenLoop",
    "MetricTrace",
    "MetricType",
    "PodTiming",
    "RatePoint",
    "RateProfile",
    "RateProfileConstant",
    "RateProfileDiurnal",
    "RateProfileRamp",
    "RateProfileSpike",
    "RateProfileStep",
    "RateProfileTable",
    "RequestShape",
    "ScalingDecision",
    "ScanNote",
    "Scenario",
    "ScenarioError",
    "ScenarioErrorEmpty",
    "ScenarioErrorNotAMultiple",
    "ScenarioErrorNotIncreasing",
    "ScenarioErrorOutOfRange",
    "ScenarioErrorRampBackwards",
    "ScenarioErrorTooManyPoints",
    "ScenarioErrorTooManyRows",
    "ScenarioNumber",
    "ScenarioRange",
    "ScenarioUnit",
    "SearchSpace",
    "ServingBasis",
    "ServingModel",
    "SimulationEvent",
    "SimulationEventLoadFinished",
    "SimulationEventNodeReady",
    "SimulationEventNodeRemoved",
    "SimulationEventNodesRequested",
    "SimulationEventPodReady",
    "SimulationEventReplicasChanged",
    "SimulationEventRequestsFailed",
    "SimulationSample",
    "SimulationSettings",
    "SimulationSummary",
    "TracePoint",
    "TuneEvaluation",
    "TuneRecord",
    "TuneResult",
    "TunedSettings",
]


class _TracePointRequired(TypedDict, total=True):
    #: Seconds from the start of the scenario.
    t: float


class TracePoint(_TracePointRequired, total=False):
    """One sample of a recorded query value."""

    #: The query's value; `None` is an empty result (no series), which KEDA reads per `ignoreNullValues`.
    value: Optional[float]


class MetricTrace(TypedDict, total=True):
    """The query's value over time, replayed exactly instead of being computed from traffic."""

    #: The samples, by increasing time.
    points: List[TracePoint]


class RatePoint(TypedDict, total=True):
    """One point of a request-rate table."""

    #: Requests per second.
    rps: float
    #: Seconds from the start of the scenario.
    t: float


class RateProfileConstant(TypedDict, total=True):
    """The same rate throughout."""

    kind: Literal["constant"]
    #: Requests per second.
    rps: float


class RateProfileStep(TypedDict, total=True):
    """One rate, then another from `at_seconds` on."""

    #: Rate from the step on.
    after_rps: float
    #: When the step happens.
    at_seconds: float
    #: Rate before the step.
    before_rps: float
    kind: Literal["step"]


class RateProfileRamp(TypedDict, total=True):
    """A linear change between two times, flat before and after."""

    #: When it ends.
    end_seconds: float
    #: Rate up to `start_seconds`.
    from_rps: float
    kind: Literal["ramp"]
    #: When the ramp starts.
    start_seconds: float
    #: Rate from `end_seconds` on.
    to_rps: float


class RateProfileDiurnal(TypedDict, total=True):
    """A daily cycle: `mean + amplitude × cos(2π (t − peak) / period)`, never below 0."""

    #: Half the difference between peak and trough.
    amplitude_rps: float
    kind: Literal["diurnal"]
    #: The average rate.
    mean_rps: float
    #: When the first peak happens.
    peak_at_seconds: float
    #: Length of a cycle (86 400 s for a day).
    period_seconds: float


class RateProfileSpike(TypedDict, total=True):
    """A base rate with one burst."""

    #: Rate outside the burst.
    base_rps: float
    #: How long it lasts.
    duration_seconds: float
    kind: Literal["spike"]
    #: Rate during the burst.
    peak_rps: float
    #: When the burst starts.
    start_seconds: float


class RateProfileTable(TypedDict, total=True):
    """A table of `(t, rps)` points, interpolated linearly and held flat outside its range."""

    kind: Literal["table"]
    #: The points, by increasing time (see `parse_rate_csv`).
    points: List[RatePoint]


#: How requests arrive over time in an open loop, in requests per second.
RateProfile = Union[
    RateProfileConstant,
    RateProfileStep,
    RateProfileRamp,
    RateProfileDiurnal,
    RateProfileSpike,
    RateProfileTable,
]


class RequestShape(TypedDict, total=False):
    """The size of requests, in tokens, as llmperf describes them."""

    #: Mean prompt length (`--mean-input-tokens`). Default: ``512.0``.
    mean_input_tokens: float
    #: Mean completion length (`--mean-output-tokens`). Default: ``512.0``.
    mean_output_tokens: float
    #: Its standard deviation (`--stddev-input-tokens`). Default: ``10.0``.
    stddev_input_tokens: float
    #: Its standard deviation (`--stddev-output-tokens`). Default: ``10.0``.
    stddev_output_tokens: float


class LoadMetricTrace(TypedDict, total=True):
    """The query's value itself, replayed (no traffic, no latencies)."""

    kind: Literal["metric-trace"]
    #: The recorded values.
    trace: MetricTrace


class _LoadOpenLoopRequired(TypedDict, total=True):
    kind: Literal["open-loop"]
    #: The rate over time.
    rate: RateProfile


class LoadOpenLoop(_LoadOpenLoopRequired, total=False):
    """Requests arriving at a rate, whatever the service does."""

    #: The size of each request. Default: ``{"mean_input_tokens": 512.0, "mean_output_tokens": 512.0,
    #: "stddev_input_tokens": 10.0, "stddev_output_tokens": 10.0}``.
    requests: RequestShape


class _LoadClosedLoopRequired(TypedDict, total=True):
    #: Concurrent clients (`--num-concurrent-requests`).
    clients: int
    kind: Literal["closed-loop"]


class LoadClosedLoop(_LoadClosedLoopRequired, total=False):
    """A fixed number of clients, each sending its next request when the previous one is answered."""

    #: Stop sending once this many requests were sent (`--max-num-completed-requests`); `None` runs to the end of the
    #: scenario.
    max_requests: Optional[int]
    #: The size of each request. Default: ``{"mean_input_tokens": 512.0, "mean_output_tokens": 512.0,
    #: "stddev_input_tokens": 10.0, "stddev_output_tokens": 10.0}``.
    requests: RequestShape
    #: Seconds a client waits between an answer and its next request. Default: ``0.0``.
    think_time_seconds: float


#: What drives the scenario.
Load = Union[LoadMetricTrace, LoadOpenLoop, LoadClosedLoop]


class _ServingModelRequired(TypedDict, total=True):
    #: Duration of one decode step with a single sequence, in seconds.
    decode_step_seconds: float
    #: What each running sequence adds to a decode step, in seconds.
    decode_step_seconds_per_sequence: float
    #: Tokens the KV cache holds.
    kv_cache_tokens: float
    #: The most sequences in the running batch (`--max-num-seqs`).
    max_num_seqs: int
    #: Prompt tokens processed per second.
    prefill_tokens_per_second: float


class ServingModel(_ServingModelRequired, total=False):
    """The serving model of one replica. See the module documentation for what each figure means."""

    #: What each token held in the running batch's KV cache adds to a decode step, in seconds (0 when absent). Default:
    #: ``0.0``.
    decode_step_seconds_per_kv_token: float


class Scenario(TypedDict, total=False):
    """A scenario: every field has a default, so `{}` is the fixture's llmperf run for an hour. It is read only from an
    object (not from a list of its values), with unknown keys refused."""

    #: KEDA's `activationThreshold`. Default: ``0.0``.
    activation_threshold: float
    #: The Cluster Autoscaler add-on's timing keys. Default: ``{"maxNodeProvisionTime": "25m",
    #: "scaleDownDelayAfterAdd": "10m", "scaleDownUnneededTime": "10m", "scanInterval": "10s"}``.
    autoscaler_timing: AutoscalerTiming
    #: How long to simulate, seconds. Default: ``3600``.
    duration_seconds: int
    #: How often the HPA controller syncs (`--horizontal-pod-autoscaler-sync-period`), seconds. Default: ``15``.
    hpa_sync_period_seconds: int
    #: KEDA's `ignoreNullValues`: an empty result or NaN reads as 0 (true) or fails the trigger (false). Default:
    #: ``true``.
    ignore_null_values: bool
    #: Image pull on a fresh node, seconds; `None` uses the cold-start budget's (from the image).
    image_pull_seconds: Optional[int]
    #: Nodes Ready at the start; `None` starts with enough for the initial replicas, at least `min_nodes`.
    initial_nodes: Optional[int]
    #: Replicas Ready at the start; `None` starts at `min_replicas` (a recipe already deployed and idle).
    initial_replicas: Optional[int]
    #: The latency a request must not exceed to meet the service level, seconds (the default query's bound). Default:
    #: ``5.0``.
    latency_bound_seconds: float
    #: What drives the scenario. Default: ``{"clients": 30, "kind": "closed-loop", "max_requests": 3000, "requests":
    #: {"mean_input_tokens": 512.0, "mean_output_tokens": 512.0, "stddev_input_tokens": 10.0, "stddev_output_tokens":
    #: 10.0}, "think_time_seconds": 0.0}``.
    load: Load
    #: The most nodes of the pool, for input without a node pool document (see `min_nodes`; 0 when only this is given).
    max_nodes: Optional[int]
    #: The fewest nodes of the pool, for Kubernetes input without a node pool document (a recipe on a shared pool has
    #: none either). With `max_nodes`, the Cluster Autoscaler scales the pool between the two; alone, the pool has this
    #: many nodes. Neither: the pool holds exactly the nodes `maxReplicas` needs.
    min_nodes: Optional[int]
    #: Node provisioning, seconds; `None` uses the cold-start budget's, the default for the shape's class.
    node_provisioning_seconds: Optional[int]
    #: Pod startup to Ready, seconds; `None` uses the model's cold-start budget (`corrino plan` shows it), or the
    #: default estimate when the model's size is unknown.
    pod_startup_seconds: Optional[int]
    #: How often a row is added to the timeline, seconds. Default: ``15``.
    sample_interval_seconds: int
    #: How often Prometheus scrapes vLLM (`scrape_interval`), seconds. Default: ``15``.
    scrape_interval_seconds: int
    #: Seed of the request sizes and arrivals. Default: ``1``.
    seed: int
    #: The serving model of one replica; `None` estimates it from the shape.
    serving: Optional[ServingModel]
    #: The simulation step, seconds (1 by default; every controller interval must be a multiple of it). Default: ``1``.
    step_seconds: int


class ClusterAutoscalerConfig(TypedDict, total=True):
    """The Cluster Autoscaler's parameters for the recipe's node group."""

    #: Whether the autoscaler manages the pool at all (a fixed pool has none).
    enabled: bool
    #: `maxNodeProvisionTime`, seconds.
    max_node_provision_time_seconds: int
    #: The most nodes.
    max_nodes: int
    #: The fewest nodes.
    min_nodes: int
    #: How long a requested node takes to become Ready, seconds.
    provisioning_seconds: int
    #: Recipe pods one node holds.
    replicas_per_node: int
    #: `scaleDownDelayAfterAdd`, seconds.
    scale_down_delay_after_add_seconds: int
    #: `scaleDownDelayAfterDelete`, seconds.
    scale_down_delay_after_delete_seconds: int
    #: `scaleDownUnneededTime`, seconds.
    scale_down_unneeded_time_seconds: int
    #: `scaleDownUtilizationThreshold` (GPU utilization for GPU nodes).
    scale_down_utilization_threshold: float
    #: `scanInterval`, seconds.
    scan_interval_seconds: int
    #: The share of a node's GPUs one pod takes (`gpus_per_replica / gpus_per_node`).
    utilization_per_pod: float


#: KEDA's metric target type, which decides how the HPA turns the query's value into replicas.
MetricType = Literal["Value", "AverageValue"]


class PodTiming(TypedDict, total=True):
    """How long pods take to start."""

    #: Extra time to pull the image on a node that never ran it, seconds.
    image_pull_seconds: int
    #: From binding (image present) to Ready, seconds.
    startup_seconds: int


#: The generations of vLLM's engine whose CPU work differs.
Generation = Literal["v0", "v1"]


class ServingBasis(TypedDict, total=True):
    """What the serving model was derived from, for the simulation's settings."""

    #: Whether any part is an estimate: a GPU without measurements, a model not in the catalog, or a release not read
    #: from the image.
    estimate: bool
    #: The engine generation whose figures apply.
    generation: Generation
    #: The GPU, and whether its efficiencies were measured or are the roofline estimate.
    gpu: str
    #: The measurements those figures come from.
    measurements: str
    #: The model and its format.
    model: str
    #: `--tensor-parallel-size`.
    tensor_parallel: int
    #: The vLLM release the image tag names, if it names one.
    vllm_version: Optional[str]


class _SimulationSettingsRequired(TypedDict, total=True):
    #: The Cluster Autoscaler's parameters (including the provisioning delay).
    cluster_autoscaler: ClusterAutoscalerConfig
    #: KEDA `cooldownPeriod`, seconds (0 without KEDA).
    cooldown_seconds: int
    #: GPUs per node.
    gpus_per_node: int
    #: HPA sync period, seconds.
    hpa_sync_period_seconds: int
    #: Nodes at the start.
    initial_nodes: int
    #: Replicas at the start.
    initial_replicas: int
    #: The latency bound, seconds.
    latency_bound_seconds: float
    #: KEDA `maxReplicaCount` (the HPA's `maxReplicas` without KEDA).
    max_replicas: int
    #: `Value` or `AverageValue`.
    metric_type: MetricType
    #: KEDA `minReplicaCount` (the HPA's `minReplicas` without KEDA).
    min_replicas: int
    #: Pod startup.
    pod_timing: PodTiming
    #: KEDA `pollingInterval`, seconds (0 without KEDA).
    polling_interval_seconds: int
    #: The query: `default-latency`, the custom text, or what a metric trace stands for.
    query: str
    #: Replicas per node (pods per node for a group's pods).
    replicas_per_node: int
    #: Prometheus scrape interval, seconds.
    scrape_interval_seconds: int
    #: The serving model of one replica.
    serving: ServingModel
    #: What the calibrated serving model was derived from (also when the scenario gives its own).
    serving_basis: Optional[ServingBasis]
    #: Where the serving model comes from: `scenario`, `calibrated` (derived from the pod's model, GPU and vLLM
    #: release: see `serving_basis`) or `a10-default` (a GPU without datasheet figures here).
    serving_source: Literal["scenario", "calibrated", "a10-default"]
    #: The node shape.
    shape: str
    #: The KEDA and Kubernetes releases simulated: the plan's target.
    target: Target
    #: The trigger threshold (the metric's target without KEDA).
    threshold: float
    #: The threshold in milli-units, as the HPA receives it.
    threshold_milli: int


class SimulationSettings(_SimulationSettingsRequired, total=False):
    """The values the simulation ran with, defaults resolved."""

    #: `hpa` when a plain HorizontalPodAutoscaler scales the workload, without KEDA (left out for KEDA).
    autoscaler: str
    #: Pods per replica: a LeaderWorkerSet's group size, each pod on a node of its own (left out when 1).
    pods_per_replica: int


class SimulationSample(TypedDict, total=True):
    """One row of the timeline."""

    #: Requests that finished since the previous row.
    completed: int
    #: The HPA's last desired replica count.
    hpa_desired: int
    #: Requests running or queued in the replicas.
    in_flight: int
    #: Whether KEDA's trigger was active at its last poll.
    keda_active: bool
    #: Median latency of those, seconds.
    latency_p50: Optional[float]
    #: 95th percentile latency of those, seconds.
    latency_p95: Optional[float]
    #: Requests per second (open loop), active clients (closed loop), or 0 (metric trace).
    load: float
    #: The metric as KEDA last read it (after `ignoreNullValues`); `None` when it failed, was NaN (KEDA before 2.20
    #: passes NaN on), or was not read yet.
    metric: Optional[float]
    #: Pods with no node (Pending, unschedulable).
    pending_replicas: int
    #: Nodes requested and not yet Ready.
    provisioning_nodes: int
    #: Ready nodes.
    ready_nodes: int
    #: Ready pods.
    ready_replicas: int
    #: How many of those were slower than the latency bound.
    slo_misses: int
    #: The Deployment's `spec.replicas`.
    spec_replicas: int
    #: Pods bound to a node and starting.
    starting_replicas: int
    #: Seconds from the start.
    t: int
    #: The trigger's threshold.
    threshold: float


#: The HPA's condition reason, as the controller spells it.
HpaReason = Literal[
    "ScalingDisabled",
    "CurrentAboveMaxReplicas",
    "CurrentBelowMinReplicas",
    "FailedGetExternalMetric",
    "ScaleUpStabilized",
    "ScaleDownStabilized",
    "ReadyForNewScale",
    "ScaleUpLimit",
    "ScaleDownLimit",
    "TooManyReplicas",
    "TooFewReplicas",
    "DesiredWithinRange",
]


class ScalingDecision(TypedDict, total=True):
    """One HPA sync whose outcome differed from the previous one: the "why" of the replica count."""

    #: `spec.replicas` before the sync.
    current_replicas: int
    #: The replica count after the sync.
    desired_replicas: int
    #: The reason in words.
    message: str
    #: The metric value the HPA received (KEDA's reading after `ignoreNullValues`), if any and not NaN.
    metric: Optional[float]
    #: What the metric alone asked for.
    metric_replicas: Optional[int]
    #: Ready pods at the sync.
    ready_replicas: int
    #: The controller's reason (`ScaleUpLimit`, `ScaleDownStabilized`, …).
    reason: HpaReason
    #: Whether the sync changed the count.
    rescaled: bool
    #: When, in seconds.
    t: int


#: Which controller changed the replica count.
Controller = Literal["hpa", "keda"]


#: Why a scan did what it did.
ScanNote = Literal[
    "no-change",
    "scale-up",
    "max-nodes-reached",
    "backoff",
    "waiting-for-nodes",
    "pods-too-new",
    "scale-down-in-cooldown",
    "scale-down",
    "provisioning-failed",
]


#: The Deployment's replica count changed.
SimulationEventReplicasChanged = TypedDict("SimulationEventReplicasChanged", {
    #: When, in seconds.
    "t": int,
    #: By whom.
    "by": Controller,
    #: Before.
    "from": int,
    "kind": Literal["replicas-changed"],
    #: After.
    "to": int,
})


class SimulationEventNodesRequested(TypedDict, total=True):
    """The Cluster Autoscaler requested nodes."""

    #: When, in seconds.
    t: int
    kind: Literal["nodes-requested"]
    #: Their ids.
    nodes: List[int]


class SimulationEventNodeReady(TypedDict, total=True):
    """A node became Ready."""

    #: When, in seconds.
    t: int
    kind: Literal["node-ready"]
    #: Its id.
    node: int


class SimulationEventNodeRemoved(TypedDict, total=True):
    """A node was removed."""

    #: When, in seconds.
    t: int
    kind: Literal["node-removed"]
    #: Its id.
    node: int
    #: Why.
    reason: ScanNote


class SimulationEventPodReady(TypedDict, total=True):
    """A pod became Ready."""

    #: When, in seconds.
    t: int
    kind: Literal["pod-ready"]
    #: Its node.
    node: Optional[int]
    #: Its id.
    pod: int


class SimulationEventRequestsFailed(TypedDict, total=True):
    """Requests in flight on deleted pods failed."""

    #: When, in seconds.
    t: int
    #: How many.
    count: int
    kind: Literal["requests-failed"]


class SimulationEventLoadFinished(TypedDict, total=True):
    """The closed loop sent its last request and every request was answered."""

    #: When, in seconds.
    t: int
    kind: Literal["load-finished"]


#: One event.
SimulationEvent = Union[
    SimulationEventReplicasChanged,
    SimulationEventNodesRequested,
    SimulationEventNodeReady,
    SimulationEventNodeRemoved,
    SimulationEventPodReady,
    SimulationEventRequestsFailed,
    SimulationEventLoadFinished,
]


class SimulationSummary(TypedDict, total=True):
    """Figures over the whole run."""

    #: Simulated seconds.
    duration_seconds: int
    #: When the Cluster Autoscaler first requested a node.
    first_node_requested_at: Optional[int]
    #: When the replica count first rose above its starting value.
    first_scale_up_at: Optional[int]
    #: Changes that reversed the previous change's direction within 5 minutes of it.
    flapping_count: int
    #: Σ over time of the nodes (Ready or provisioning, as both are billed) × GPUs per node, in hours.
    gpu_hours: float
    #: Median latency of all answered requests, seconds (the upper edge of a 2.2 %-wide bin).
    latency_p50: Optional[float]
    #: 95th percentile latency of all answered requests, seconds (the upper edge of a 2.2 %-wide bin).
    latency_p95: Optional[float]
    #: When a closed loop's last request was answered.
    load_finished_at: Optional[float]
    #: The most nodes (Ready or provisioning).
    peak_nodes: int
    #: The most Ready pods.
    peak_ready_replicas: int
    #: The highest `spec.replicas`.
    peak_spec_replicas: int
    #: Σ over time of the pods waiting for a node, in pod-seconds.
    pending_replica_seconds: int
    #: Requests answered.
    requests_completed: int
    #: Requests lost with their pod, or sent while no replica was Ready (open loop).
    requests_failed: int
    #: Requests still queued or running in a replica when the run ended: sent, never answered within it (an overloaded
    #: open loop leaves many).
    requests_in_flight: int
    #: Requests the load sent: `requests_completed + requests_failed + requests_in_flight`.
    requests_sent: int
    #: Changes of the replica count.
    scale_events: int
    #: Seconds in which more than 5 % of the requests that finished were slower than the bound (that second's 95th
    #: percentile above it).
    seconds_over_slo: int
    #: Answered requests slower than the latency bound.
    slo_misses: int
    #: When the replica count, the Ready replicas and the node count last changed: steady from then on.
    steady_state_at: Optional[int]


#: A value as the scenario holds it: a whole number (kept exact up to `u64::MAX`) or any other number.
ScenarioNumber = Union[int, float]


#: What a number reads as, for the words of a bound.
ScenarioUnit = Literal[
    "seconds",
    "requests-per-second",
    "clients",
    "tokens",
    "tokens-per-second",
    "replicas",
    "nodes",
    "sequences",
    "requests",
    "plain",
]


class ScenarioRange(TypedDict, total=True):
    """The values a field may hold: `min` (or more than `min` when `min_exclusive`) up to `max`, in `unit`."""

    #: The largest value, if any.
    max: Optional[ScenarioNumber]
    #: The smallest value, if any.
    min: Optional[ScenarioNumber]
    #: Whether `min` itself is excluded (a positive number: more than 0).
    min_exclusive: bool
    #: What the numbers count.
    unit: ScenarioUnit


class ScenarioErrorOutOfRange(TypedDict, total=True):
    """A number outside its range."""

    #: Where.
    field: str
    kind: Literal["out-of-range"]
    #: What it may hold.
    range: ScenarioRange
    #: What it holds.
    value: ScenarioNumber


class ScenarioErrorNotAMultiple(TypedDict, total=True):
    """A controller interval that is not a whole number of simulation steps."""

    #: Where.
    field: str
    kind: Literal["not-a-multiple"]
    #: The step, seconds.
    step_seconds: int
    #: What it holds, seconds.
    value: int


class ScenarioErrorNotIncreasing(TypedDict, total=True):
    """A table whose times do not increase."""

    #: The point that does not follow its predecessor.
    field: str
    kind: Literal["not-increasing"]
    #: The time before it, seconds.
    previous: float
    #: Its time, seconds.
    t: float


class ScenarioErrorRampBackwards(TypedDict, total=True):
    """A ramp that ends before it starts."""

    #: `end_seconds`.
    end: float
    #: Where (`…/end_seconds`).
    field: str
    kind: Literal["ramp-backwards"]
    #: `start_seconds`.
    start: float


class ScenarioErrorEmpty(TypedDict, total=True):
    """A table with no point."""

    #: Where.
    field: str
    kind: Literal["empty"]


class ScenarioErrorTooManyPoints(TypedDict, total=True):
    """A table with more points than `MAX_TABLE_POINTS`."""

    #: Where.
    field: str
    kind: Literal["too-many-points"]
    #: The most allowed.
    max: int
    #: How many it has.
    points: int


class ScenarioErrorTooManyRows(TypedDict, total=True):
    """A timeline with more rows than `MAX_TIMELINE_ROWS`."""

    #: `duration_seconds`.
    duration_seconds: int
    kind: Literal["too-many-rows"]
    #: The most allowed.
    max: int
    #: The rows the timeline would have.
    rows: int
    #: `sample_interval_seconds`.
    sample_interval_seconds: int
    #: The shortest sample interval that fits.
    smallest_interval_seconds: int


#: A scenario field that breaks its bound. `field` is a JSON pointer into the scenario (`/load/clients`,
#: `/load/rate/points/3/rps`).
ScenarioError = Union[
    ScenarioErrorOutOfRange,
    ScenarioErrorNotAMultiple,
    ScenarioErrorNotIncreasing,
    ScenarioErrorRampBackwards,
    ScenarioErrorEmpty,
    ScenarioErrorTooManyPoints,
    ScenarioErrorTooManyRows,
]


class SearchSpace(TypedDict, total=False):
    """The values each setting may take; an empty list takes the default values around the recipe's own. Bounds (any
    value outside them is refused): at most 16 values per setting, thresholds in (0, 1000], windows 15–3600 s,
    stabilization windows 0–3600 s, periods 1–1800 s, replicas and nodes 1–64, at most 2000 samples."""

    #: `max_nodes` values (recipes with node autoscaling).
    max_nodes: List[int]
    #: `max_replicas` values.
    max_replicas: List[int]
    #: `min_replicas` values.
    min_replicas: List[int]
    #: Random combinations to try besides the one-at-a-time variations (0: the default, 120). Default: ``0``.
    samples: int
    #: Scale-down periods, seconds.
    scaling_periods_down_seconds: List[int]
    #: Scale-up periods, seconds.
    scaling_periods_up_seconds: List[int]
    #: The seed of those combinations. Default: ``0``.
    seed: int
    #: Scale-down stabilization windows, seconds.
    stabilization_windows_down_seconds: List[int]
    #: Scale-up stabilization windows, seconds.
    stabilization_windows_up_seconds: List[int]
    #: `scaling_threshold` values.
    thresholds: List[float]
    #: Query windows, seconds.
    windows_seconds: List[int]


class TunedSettings(TypedDict, total=True):
    """The autoscaling settings a search varies."""

    #: `max_nodes`, for a recipe with node autoscaling.
    max_nodes: Optional[int]
    #: `max_replicas`.
    max_replicas: int
    #: `min_replicas`.
    min_replicas: int
    #: `scaling_period_down`, seconds.
    scaling_period_down_seconds: int
    #: `scaling_period_up`, seconds.
    scaling_period_up_seconds: int
    #: `stabilization_window_down`, seconds.
    stabilization_window_down_seconds: int
    #: `stabilization_window_up`, seconds.
    stabilization_window_up_seconds: int
    #: `scaling_threshold`.
    threshold: float
    #: `collect_metrics_timespan`, seconds (the default query's window).
    window_seconds: int


class TuneEvaluation(TypedDict, total=True):
    """One candidate's outcome."""

    #: Reversals of the replica count within five minutes of the previous change.
    flaps: int
    #: GPU-hours billed (nodes Ready or provisioning × GPUs per node).
    gpu_hours: float
    #: Whether these are the recipe's own settings.
    is_recipe: bool
    #: The settings.
    knobs: TunedSettings
    #: The 95th percentile latency over the run, seconds.
    latency_p95: Optional[float]
    #: The most nodes.
    peak_nodes: int
    #: Requests answered.
    requests_completed: int
    #: Requests lost with their pod or sent with no replica Ready.
    requests_failed: int
    #: Changes of the replica count.
    scale_events: int
    #: Seconds over the objective.
    seconds_over_slo: int
    #: Requests slower than the objective's bound.
    slow_requests: int


class TuneRecord(TypedDict, total=True):
    """One row of `TuneResult::records`: an evaluation with its settings flattened."""

    #: The chosen settings.
    chosen: bool
    #: Flaps.
    flaps: int
    #: GPU-hours.
    gpu_hours: float
    #: The recipe's own settings.
    is_recipe: bool
    #: The 95th percentile latency, seconds.
    latency_p95: Optional[float]
    #: `max_nodes`.
    max_nodes: Optional[int]
    #: `max_replicas`.
    max_replicas: int
    #: `min_replicas`.
    min_replicas: int
    #: On the Pareto front.
    on_front: bool
    #: Requests failed.
    requests_failed: int
    #: `scaling_period_down`, seconds.
    scaling_period_down_seconds: int
    #: `scaling_period_up`, seconds.
    scaling_period_up_seconds: int
    #: Seconds over the objective.
    seconds_over_slo: int
    #: `stabilization_window_down`, seconds.
    stabilization_window_down_seconds: int
    #: `stabilization_window_up`, seconds.
    stabilization_window_up_seconds: int
    #: `scaling_threshold`.
    threshold: float
    #: `collect_metrics_timespan`, seconds.
    window_seconds: int


class TuneResult(TypedDict, total=True):
    """A search's outcome."""

    #: Seconds over the objective allowed for it to count as met (1 % of the simulated time).
    budget_seconds: int
    #: The settings chosen.
    chosen: TuneEvaluation
    #: Simulated seconds per candidate.
    duration_seconds: int
    #: Candidates simulated.
    evaluated: int
    #: The Pareto front of GPU-hours, seconds over the objective and flaps, cheapest first.
    front: List[TuneEvaluation]
    #: Why those.
    reason: str
    #: The recipe's own settings.
    recipe: TuneEvaluation
    #: Whether the recipe's own settings are on the front.
    recipe_on_front: bool
    #: The front (and the recipe's own settings when they are not on it) as flat rows, for tables and data frames.
    records: List[TuneRecord]
    #: The objective, as text.
    slo: str
