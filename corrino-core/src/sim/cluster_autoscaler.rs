//! The recipe's node pool and the Cluster Autoscaler that sizes it, as pure state and a scan function.
//!
//! [`ClusterAutoscaler::scan_pending`] mirrors one iteration of `RunOnce` in kubernetes/autoscaler
//! `cluster-autoscaler/core/static_autoscaler.go` (tag `cluster-autoscaler-1.36.1`), reduced to one node group
//! whose template node holds `replicas_per_node` recipe pods:
//!
//! 1. **Failed provisioning.** A requested node that has not registered strictly more than `maxNodeProvisionTime`
//!    after its request is removed and the group backs off: 5 minutes, doubling after each later failure up to
//!    30 minutes, reset 3 hours after the last failure ([`Backoff`]).
//! 2. **Scale-up.** Unschedulable pods older than `--new-pod-scale-up-delay` count; while they are all very new
//!    (2 s, or 30 s for the oldest GPU pod) the scan waits a loop. Those that would not fit on nodes already being
//!    provisioned are bin-packed onto new template nodes, `ceil(pods / replicas_per_node)` of them, capped at
//!    `max_nodes`, unless the group is backing off. A scan that scales up does not scale down.
//! 3. **Scale-down.** A Ready node is *unneeded* while it runs no recipe pod, or while its GPU utilization (its
//!    pods' GPUs over the node's) is below `scaleDownUtilizationThreshold` (0.5; GPU nodes count GPUs only) and
//!    its pods fit on the other Ready nodes. After strictly more than `scaleDownUnneededTime` of continuous
//!    unneededness, and not within `scaleDownDelayAfterAdd` of the last scale-up, `--scale-down-delay-after-failure`
//!    of a failed scale-down or `scaleDownDelayAfterDelete` of the last removal, empty nodes are removed together
//!    (up to 10) and otherwise one non-empty node is drained; the pool never goes below `min_nodes`. Scale-down is
//!    not considered while pods are unschedulable.
//!
//! The boundaries (strict or not) follow the code; the rules themselves are the FAQ's, transcribed with their
//! sections in `fixtures/upstream-cases/cluster-autoscaler/faq.json`. The flags the OKE add-on does not expose keep
//! their upstream defaults ([`ScanRules`]).
//!
//! Timing comes from the OKE add-on's keys ([`AutoscalerTiming`], Go durations). A requested node becomes Ready
//! after a provisioning delay that is not a Cluster Autoscaler setting but the cloud's: see
//! [`default_provisioning_seconds`].

use serde::{Deserialize, Serialize};

use crate::manifest::oci::AutoscalerTiming;

/// `--scale-down-utilization-threshold` / `--scale-down-gpu-utilization-threshold` default.
pub const DEFAULT_SCALE_DOWN_UTILIZATION_THRESHOLD: f64 = 0.5;

/// `scaleDownDelayAfterDelete` of the OKE add-on (the upstream flag defaults to 0; Oracle's table lists 10 s).
pub const DEFAULT_SCALE_DOWN_DELAY_AFTER_DELETE_SECONDS: i64 = 10;

/// `--initial-node-group-backoff-duration`: how long a group that failed to scale up is left alone.
pub const NODE_GROUP_BACKOFF_SECONDS: i64 = 300;

/// Provisioning delay of a VM GPU node (e.g. `VM.GPU.A10.2`), seconds: an estimate.
///
/// No published OCI figure was found. Five minutes covers instance launch, the OKE node image boot, kubelet
/// registration and the NVIDIA device plugin advertising the GPUs; the Cluster Autoscaler's own GPU code notes
/// that a GPU node "can take up to 15 minutes" to report its GPUs allocatable after becoming ready
/// (`utils/gpu/gpu.go`), so real figures spread widely. Override it per scenario.
pub const DEFAULT_VM_GPU_PROVISIONING_SECONDS: i64 = 300;

/// Provisioning delay of a bare-metal GPU node (e.g. `BM.GPU.H100.8`), seconds: an estimate.
///
/// Bare-metal hosts take longer to wipe, boot and validate; Oracle's Cluster Autoscaler examples raise
/// `max-node-provision-time` from 15 to 25 minutes for GPU bare metal, which bounds the figure from above. Twelve
/// minutes is our estimate within that bound.
pub const DEFAULT_BM_GPU_PROVISIONING_SECONDS: i64 = 720;

/// Provisioning delay of a CPU node, seconds: an estimate (instance launch and registration).
pub const DEFAULT_CPU_PROVISIONING_SECONDS: i64 = 180;

/// The default provisioning delay for a shape: by its class (`BM.` bare metal, otherwise VM) and whether it has
/// GPUs. These are estimates, not measurements.
#[must_use]
pub fn default_provisioning_seconds(shape_name: &str, has_gpus: bool) -> i64 {
    match (has_gpus, shape_name.starts_with("BM.")) {
        (true, true) => DEFAULT_BM_GPU_PROVISIONING_SECONDS,
        (true, false) => DEFAULT_VM_GPU_PROVISIONING_SECONDS,
        (false, _) => DEFAULT_CPU_PROVISIONING_SECONDS,
    }
}

/// Reads a Go duration (`10s`, `10m`, `1h30m`, `1.5h`, `500ms`) as whole seconds, rounded to the nearest.
///
/// Go's `time.ParseDuration` accepts a sequence of decimal numbers, each with a unit among `ns`, `us`/`µs`,
/// `ms`, `s`, `m`, `h`, and a plain `0`. Signs are refused (no timing key may be negative). `None` when the text is
/// not such a duration.
#[must_use]
pub fn parse_go_duration(text: &str) -> Option<i64> {
    let text = text.trim();
    if text == "0" {
        return Some(0);
    }
    if text.is_empty() {
        return None;
    }
    let mut seconds = 0.0;
    let mut rest = text;
    while !rest.is_empty() {
        let number_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number: f64 = rest[..number_end].parse().ok()?;
        rest = &rest[number_end..];
        let unit_end = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let scale = match &rest[..unit_end] {
            "ns" => 1e-9,
            "us" | "µs" | "μs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return None,
        };
        rest = &rest[unit_end..];
        seconds += number * scale;
    }
    (seconds.is_finite() && seconds < 1e12).then(|| seconds.round() as i64)
}

/// The Cluster Autoscaler's parameters for the recipe's node group.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ClusterAutoscalerConfig {
    /// `scanInterval`, seconds.
    pub scan_interval_seconds: i64,
    /// `scaleDownDelayAfterAdd`, seconds.
    pub scale_down_delay_after_add_seconds: i64,
    /// `scaleDownDelayAfterDelete`, seconds.
    pub scale_down_delay_after_delete_seconds: i64,
    /// `scaleDownUnneededTime`, seconds.
    pub scale_down_unneeded_time_seconds: i64,
    /// `maxNodeProvisionTime`, seconds.
    pub max_node_provision_time_seconds: i64,
    /// `scaleDownUtilizationThreshold` (GPU utilization for GPU nodes).
    pub scale_down_utilization_threshold: f64,
    /// How long a requested node takes to become Ready, seconds.
    pub provisioning_seconds: i64,
    /// The fewest nodes.
    pub min_nodes: u32,
    /// The most nodes.
    pub max_nodes: u32,
    /// Recipe pods one node holds.
    pub replicas_per_node: u32,
    /// The share of a node's GPUs one pod takes (`gpus_per_replica / gpus_per_node`).
    pub utilization_per_pod: f64,
    /// Whether the autoscaler manages the pool at all (a fixed pool has none).
    pub enabled: bool,
}

/// A timing key that is not a Go duration.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "the Cluster Autoscaler key `{key}` is `{value}`, which is not a duration such as `10s` or `10m`"
)]
pub struct TimingError {
    /// The add-on key.
    pub key: &'static str,
    /// Its value.
    pub value: String,
}

/// The add-on's timing keys, parsed: what the simulator runs with, read once from the add-on's configuration or
/// the scenario.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timing {
    /// `scanInterval`, seconds (at least 1).
    pub scan_interval_seconds: i64,
    /// `scaleDownDelayAfterAdd`, seconds.
    pub scale_down_delay_after_add_seconds: i64,
    /// `scaleDownUnneededTime`, seconds.
    pub scale_down_unneeded_time_seconds: i64,
    /// `maxNodeProvisionTime`, seconds.
    pub max_node_provision_time_seconds: i64,
}

impl Timing {
    /// The keys read as Go durations.
    ///
    /// # Errors
    ///
    /// A key that is not a Go duration, or a scan interval of zero.
    pub fn parse(timing: &AutoscalerTiming) -> Result<Self, TimingError> {
        let read = |key: &'static str, value: &str| {
            parse_go_duration(value).ok_or_else(|| TimingError {
                key,
                value: value.to_owned(),
            })
        };
        let scan_interval_seconds = read("scanInterval", &timing.scan_interval)?;
        if scan_interval_seconds <= 0 {
            return Err(TimingError {
                key: "scanInterval",
                value: timing.scan_interval.clone(),
            });
        }
        Ok(Timing {
            scan_interval_seconds,
            scale_down_delay_after_add_seconds: read(
                "scaleDownDelayAfterAdd",
                &timing.scale_down_delay_after_add,
            )?,
            scale_down_unneeded_time_seconds: read(
                "scaleDownUnneededTime",
                &timing.scale_down_unneeded_time,
            )?,
            max_node_provision_time_seconds: read(
                "maxNodeProvisionTime",
                &timing.max_node_provision_time,
            )?,
        })
    }
}

impl ClusterAutoscalerConfig {
    /// The parameters from the add-on's timing keys and the node group's shape.
    ///
    /// # Errors
    ///
    /// A key that is not a Go duration, or a scan interval of zero.
    pub fn from_timing(
        timing: &AutoscalerTiming,
        provisioning_seconds: i64,
        bounds: (u32, u32),
        replicas_per_node: u32,
        utilization_per_pod: f64,
    ) -> Result<Self, TimingError> {
        Ok(Self::new(
            &Timing::parse(timing)?,
            provisioning_seconds,
            bounds,
            replicas_per_node,
            utilization_per_pod,
        ))
    }

    /// The parameters from parsed timing and the node group's shape.
    #[must_use]
    pub fn new(
        timing: &Timing,
        provisioning_seconds: i64,
        (min_nodes, max_nodes): (u32, u32),
        replicas_per_node: u32,
        utilization_per_pod: f64,
    ) -> Self {
        ClusterAutoscalerConfig {
            scan_interval_seconds: timing.scan_interval_seconds,
            scale_down_delay_after_add_seconds: timing.scale_down_delay_after_add_seconds,
            scale_down_delay_after_delete_seconds: DEFAULT_SCALE_DOWN_DELAY_AFTER_DELETE_SECONDS,
            scale_down_unneeded_time_seconds: timing.scale_down_unneeded_time_seconds,
            max_node_provision_time_seconds: timing.max_node_provision_time_seconds,
            scale_down_utilization_threshold: DEFAULT_SCALE_DOWN_UTILIZATION_THRESHOLD,
            provisioning_seconds,
            min_nodes,
            max_nodes: max_nodes.max(min_nodes),
            replicas_per_node: replicas_per_node.max(1),
            utilization_per_pod,
            enabled: true,
        }
    }
}

/// One node of the pool.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Node {
    /// Its number, in order of request.
    pub id: u32,
    /// When it was requested, seconds (`None` for nodes present from the start).
    pub requested_at: Option<i64>,
    /// When it becomes (or became) Ready.
    pub ready_at: i64,
    /// Whether it is Ready and schedulable.
    pub ready: bool,
    /// Since when it has been unneeded, if it is.
    pub unneeded_since: Option<i64>,
    /// When the serving image is (or will be) on it: set by the first pod scheduled there, whose pull the
    /// pods that follow wait for too.
    pub image_ready_at: Option<i64>,
}

/// The recipe's node pool.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NodePool {
    /// Its nodes, by id.
    pub nodes: Vec<Node>,
    next_id: u32,
}

impl NodePool {
    /// A pool of `count` Ready nodes (the image already pulled on them when `warm`).
    #[must_use]
    pub fn with_ready_nodes(count: u32, warm: bool) -> Self {
        let mut pool = NodePool::default();
        for _ in 0..count {
            let id = pool.next_id;
            pool.next_id += 1;
            pool.nodes.push(Node {
                id,
                requested_at: None,
                ready_at: 0,
                ready: true,
                unneeded_since: None,
                image_ready_at: warm.then_some(0),
            });
        }
        pool
    }

    /// Requests a node at `now` that becomes Ready at `ready_at`; returns its id.
    pub fn request(&mut self, now: i64, ready_at: i64) -> u32 {
        let id = self.next_id;
        self.next_id += 1;
        self.nodes.push(Node {
            id,
            requested_at: Some(now),
            ready_at,
            ready: false,
            unneeded_since: None,
            image_ready_at: None,
        });
        id
    }

    /// Marks the nodes whose time has come Ready; returns their ids.
    pub fn advance(&mut self, now: i64, became_ready: &mut Vec<u32>) {
        for node in self
            .nodes
            .iter_mut()
            .filter(|node| !node.ready && node.ready_at <= now)
        {
            node.ready = true;
            became_ready.push(node.id);
        }
    }

    /// Removes a node.
    pub fn remove(&mut self, id: u32) {
        self.nodes.retain(|node| node.id != id);
    }

    /// Nodes Ready.
    #[must_use]
    pub fn ready_count(&self) -> u32 {
        self.nodes.iter().filter(|node| node.ready).count() as u32
    }

    /// Nodes requested and not yet Ready.
    #[must_use]
    pub fn provisioning_count(&self) -> u32 {
        self.nodes.iter().filter(|node| !node.ready).count() as u32
    }

    /// All nodes, Ready or not (what is billed).
    #[must_use]
    pub fn len(&self) -> u32 {
        self.nodes.len() as u32
    }

    /// Whether the pool has no node.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The node `id`.
    #[must_use]
    pub fn get(&self, id: u32) -> Option<&Node> {
        self.nodes.iter().find(|node| node.id == id)
    }

    /// The node `id`, mutably.
    pub fn get_mut(&mut self, id: u32) -> Option<&mut Node> {
        self.nodes.iter_mut().find(|node| node.id == id)
    }
}

/// Why a scan did what it did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum ScanNote {
    /// Nothing to do.
    NoChange,
    /// Nodes were requested for unschedulable pods.
    ScaleUp,
    /// Pods are unschedulable but the pool is at `max_nodes`.
    MaxNodesReached,
    /// Pods are unschedulable but the group is backing off after a failed scale-up.
    Backoff,
    /// Pods are unschedulable and nodes already being provisioned will hold them.
    WaitingForNodes,
    /// Every unschedulable pod is very new (2 s; 30 s for GPU pods): the scan waits one iteration for more.
    PodsTooNew,
    /// Some nodes are unneeded, but a recent scale-up, removal or failed removal forbids scale-down.
    ScaleDownInCooldown,
    /// Unneeded nodes were removed.
    ScaleDown,
    /// Nodes that did not register in time were removed.
    ProvisioningFailed,
}

/// What one scan decided.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ScanOutcome {
    /// Nodes requested.
    pub requested: Vec<u32>,
    /// Nodes removed (their pods are evicted).
    pub removed: Vec<u32>,
    /// The main reason.
    pub note: Option<ScanNote>,
}

/// The Cluster Autoscaler's flags that the OKE add-on does not expose, at their upstream defaults
/// (`cluster-autoscaler/FAQ.md`, "What are the parameters to CA?", and `core/static_autoscaler.go`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScanRules {
    /// `--scale-down-delay-after-failure`: no scale-down for this long after a failed one (3 min).
    pub scale_down_delay_after_failure_seconds: i64,
    /// `--new-pod-scale-up-delay`: unschedulable pods younger than this are ignored (0 s).
    pub new_pod_scale_up_delay_seconds: i64,
    /// `--initial-node-group-backoff-duration` (5 min).
    pub initial_backoff_seconds: i64,
    /// `--max-node-group-backoff-duration` (30 min).
    pub max_backoff_seconds: i64,
    /// `--node-group-backoff-reset-timeout`: a group's backoff history is forgotten this long after its last
    /// failure (3 h).
    pub backoff_reset_seconds: i64,
    /// Empty nodes deleted together at most (`--max-empty-bulk-delete` in the FAQ, now
    /// `--max-scale-down-parallelism`; 10).
    pub max_empty_bulk_delete: u32,
    /// `unschedulablePodTimeBuffer`: when every unschedulable pod is younger than this, wait a loop (2 s).
    pub new_pods_buffer_seconds: i64,
    /// `unschedulablePodWithGpuTimeBuffer`: the same for the oldest GPU pod (30 s).
    pub new_gpu_pods_buffer_seconds: i64,
}

impl Default for ScanRules {
    fn default() -> Self {
        ScanRules {
            scale_down_delay_after_failure_seconds: 180,
            new_pod_scale_up_delay_seconds: 0,
            initial_backoff_seconds: NODE_GROUP_BACKOFF_SECONDS,
            max_backoff_seconds: 1_800,
            backoff_reset_seconds: 10_800,
            max_empty_bulk_delete: 10,
            new_pods_buffer_seconds: 2,
            new_gpu_pods_buffer_seconds: 30,
        }
    }
}

/// A node group's backoff after failed scale-ups.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Backoff {
    /// The group is backed off up to and including this time.
    pub until: i64,
    /// The length of the current backoff.
    pub duration: i64,
    /// When the last scale-up failed.
    pub last_failure: i64,
}

impl Backoff {
    /// Records a failed scale-up at `now`.
    ///
    /// Mirrors `(*exponentialBackoff).Backoff` in kubernetes/autoscaler `cluster-autoscaler/utils/backoff/exponential_backoff.go`:
    /// the first failure backs off for the initial duration; a failure after a backoff has run out doubles it, up
    /// to the maximum; a failure during a backoff keeps its duration.
    #[must_use]
    pub fn after_failure(previous: Option<Backoff>, rules: &ScanRules, now: i64) -> Backoff {
        let duration = match previous {
            None => rules.initial_backoff_seconds,
            Some(previous) if previous.until < now => {
                (previous.duration * 2).min(rules.max_backoff_seconds)
            }
            Some(previous) => previous.duration,
        };
        Backoff {
            until: now + duration,
            duration,
            last_failure: now,
        }
    }

    /// Whether the group is backed off at `now` (`BackoffStatus`: until the backoff time has passed).
    #[must_use]
    pub fn is_backed_off(&self, now: i64) -> bool {
        self.until >= now
    }
}

/// An unschedulable pod, as the scan sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PendingPod {
    /// When the pod was created, in seconds.
    pub created_at: i64,
    /// Whether it requests GPUs.
    pub gpu: bool,
}

/// The Cluster Autoscaler's state between scans.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClusterAutoscaler {
    /// Its parameters.
    pub config: ClusterAutoscalerConfig,
    /// The flags the OKE add-on does not set.
    pub rules: ScanRules,
    /// When it last requested nodes.
    pub last_scale_up: Option<i64>,
    /// When it last removed a node.
    pub last_scale_down: Option<i64>,
    /// When a scale-down last failed (the caller reports it with [`ClusterAutoscaler::record_scale_down_failure`]).
    pub last_scale_down_failure: Option<i64>,
    /// The group's backoff after failed scale-ups.
    pub backoff: Option<Backoff>,
}

impl ClusterAutoscaler {
    /// An autoscaler that has not acted yet, with the upstream defaults for the flags the add-on does not set.
    ///
    /// Upstream starts with every "last" time an hour in the past, so that no delay applies at start
    /// (`NewStaticAutoscaler`); `None` stands for that.
    #[must_use]
    pub fn new(config: ClusterAutoscalerConfig) -> Self {
        ClusterAutoscaler {
            config,
            rules: ScanRules::default(),
            last_scale_up: None,
            last_scale_down: None,
            last_scale_down_failure: None,
            backoff: None,
        }
    }

    /// Whether scale-down is forbidden at `now`.
    ///
    /// Mirrors `(*StaticAutoscaler).isScaleDownInCooldown` in `core/static_autoscaler.go`: within
    /// `scaleDownDelayAfterAdd` of the last scale-up, `--scale-down-delay-after-failure` of the last failed
    /// scale-down, or `scaleDownDelayAfterDelete` of the last removal (each test strict: `last + delay > now`).
    #[must_use]
    pub fn scale_down_in_cooldown(&self, now: i64) -> bool {
        let within = |last: Option<i64>, delay: i64| last.is_some_and(|at| at + delay > now);
        within(
            self.last_scale_up,
            self.config.scale_down_delay_after_add_seconds,
        ) || within(
            self.last_scale_down_failure,
            self.rules.scale_down_delay_after_failure_seconds,
        ) || within(
            self.last_scale_down,
            self.config.scale_down_delay_after_delete_seconds,
        )
    }

    /// Records that a scale-down started at `now` failed (an eviction was refused, say), which holds further
    /// scale-down for `--scale-down-delay-after-failure`.
    pub fn record_scale_down_failure(&mut self, now: i64) {
        self.last_scale_down_failure = Some(now);
    }

    /// Whether the node group is backed off at `now`.
    #[must_use]
    pub fn backed_off(&self, now: i64) -> bool {
        self.backoff
            .is_some_and(|backoff| backoff.is_backed_off(now))
    }

    /// One scan at `now`, given how many recipe pods are unschedulable (of unknown age, so counted as old) and
    /// how many run on each node (`pods_on(node id)`); see [`ClusterAutoscaler::scan_pending`].
    pub fn scan(
        &mut self,
        pool: &mut NodePool,
        unschedulable: u32,
        pods_on: impl Fn(u32) -> u32,
        now: i64,
    ) -> ScanOutcome {
        let old = PendingPod {
            created_at: i64::MIN / 2,
            gpu: false,
        };
        let pending = vec![old; unschedulable as usize];
        self.scan_pending(pool, &pending, pods_on, now)
    }

    /// One scan at `now`, given the unschedulable pods and how many pods run on each node (`pods_on(node id)`).
    /// Requests and removes nodes in `pool`.
    ///
    /// Mirrors one iteration of `(*StaticAutoscaler).RunOnce` in `core/static_autoscaler.go`, with the timing
    /// rules of `cluster-autoscaler/FAQ.md`:
    ///
    /// 1. A requested node still unregistered strictly more than `maxNodeProvisionTime` after its request is
    ///    removed, and the group backs off ([`Backoff::after_failure`]; forgotten after the reset timeout).
    /// 2. Pods not older than `--new-pod-scale-up-delay` are ignored (`filterOutYoungPods`). When the rest are all
    ///    very new (the oldest younger than 2 s, or the oldest GPU pod younger than 30 s: `allPodsAreNew`) the
    ///    scan waits, and does not scale down either.
    /// 3. Otherwise pods that would not fit on nodes being provisioned are bin-packed onto new nodes, up to
    ///    `max_nodes`, unless the group is backed off. A scan with unschedulable pods does not scale down.
    /// 4. Scale-down: a Ready node is unneeded while it runs no recipe pod, or while its GPU utilization is below
    ///    the threshold and its pods fit elsewhere; strictly more than `scaleDownUnneededTime` of unneededness makes
    ///    it removable, outside the cooldown ([`ClusterAutoscaler::scale_down_in_cooldown`]). Empty nodes go
    ///    together (at most [`ScanRules::max_empty_bulk_delete`]), else one non-empty node; never below
    ///    `min_nodes`.
    pub fn scan_pending(
        &mut self,
        pool: &mut NodePool,
        pending: &[PendingPod],
        pods_on: impl Fn(u32) -> u32,
        now: i64,
    ) -> ScanOutcome {
        let mut outcome = ScanOutcome::default();
        if !self.config.enabled {
            return outcome;
        }
        if self
            .backoff
            .is_some_and(|backoff| backoff.last_failure + self.rules.backoff_reset_seconds < now)
        {
            self.backoff = None;
        }

        // 1. Nodes that never registered.
        let deadline = self.config.max_node_provision_time_seconds;
        let failed: Vec<u32> = pool
            .nodes
            .iter()
            .filter(|node| !node.ready && node.requested_at.is_some_and(|at| at + deadline < now))
            .map(|node| node.id)
            .collect();
        if !failed.is_empty() {
            for id in &failed {
                pool.remove(*id);
            }
            self.backoff = Some(Backoff::after_failure(self.backoff, &self.rules, now));
            outcome.removed = failed;
            outcome.note = Some(ScanNote::ProvisioningFailed);
        }

        // 2. Unschedulable pods that count.
        let delay = self.rules.new_pod_scale_up_delay_seconds;
        let counted: Vec<PendingPod> = pending
            .iter()
            .copied()
            .filter(|pod| now - pod.created_at > delay)
            .collect();
        if !counted.is_empty() {
            let oldest = counted.iter().map(|pod| pod.created_at).min();
            let oldest_gpu = counted
                .iter()
                .filter(|pod| pod.gpu)
                .map(|pod| pod.created_at)
                .min();
            let too_new = oldest.is_some_and(|at| at + self.rules.new_pods_buffer_seconds > now)
                || oldest_gpu.is_some_and(|at| at + self.rules.new_gpu_pods_buffer_seconds > now);
            let note = if too_new {
                ScanNote::PodsTooNew
            } else {
                self.scale_up(
                    pool,
                    u32::try_from(counted.len()).unwrap_or(u32::MAX),
                    now,
                    &mut outcome,
                )
            };
            outcome.note = outcome.note.or(Some(note));
            return outcome;
        }

        // 3. Scale-down.
        self.scale_down(pool, pods_on, now, &mut outcome);
        outcome
    }

    /// Requests nodes for `unschedulable` pods, or says why not.
    fn scale_up(
        &mut self,
        pool: &mut NodePool,
        unschedulable: u32,
        now: i64,
        outcome: &mut ScanOutcome,
    ) -> ScanNote {
        let config = &self.config;
        let per_node = config.replicas_per_node;
        let upcoming = pool.provisioning_count().saturating_mul(per_node);
        let remaining = unschedulable.saturating_sub(upcoming);
        let needed = remaining.div_ceil(per_node);
        let room = config.max_nodes.saturating_sub(pool.len());
        if needed == 0 {
            ScanNote::WaitingForNodes
        } else if self.backed_off(now) {
            ScanNote::Backoff
        } else if room == 0 {
            ScanNote::MaxNodesReached
        } else {
            let ready_at = now + config.provisioning_seconds;
            for _ in 0..needed.min(room) {
                outcome.requested.push(pool.request(now, ready_at));
            }
            self.last_scale_up = Some(now);
            ScanNote::ScaleUp
        }
    }

    /// Marks unneeded nodes and removes those whose time has come.
    fn scale_down(
        &mut self,
        pool: &mut NodePool,
        pods_on: impl Fn(u32) -> u32,
        now: i64,
        outcome: &mut ScanOutcome,
    ) {
        let config = &self.config;
        let per_node = config.replicas_per_node;
        let load: Vec<(u32, bool, u32)> = pool
            .nodes
            .iter()
            .map(|node| {
                (
                    node.id,
                    node.ready,
                    if node.ready { pods_on(node.id) } else { 0 },
                )
            })
            .collect();
        let free_total: u32 = load
            .iter()
            .filter(|(_, ready, _)| *ready)
            .map(|(_, _, pods)| per_node.saturating_sub(*pods))
            .sum();
        for (node, &(_, ready, pods)) in pool.nodes.iter_mut().zip(&load) {
            if !ready {
                node.unneeded_since = None;
                continue;
            }
            let free_elsewhere = free_total - per_node.saturating_sub(pods);
            let utilization = f64::from(pods) * config.utilization_per_pod;
            let unneeded = pods == 0
                || (utilization < config.scale_down_utilization_threshold
                    && pods <= free_elsewhere);
            if unneeded {
                node.unneeded_since.get_or_insert(now);
            } else {
                node.unneeded_since = None;
            }
        }
        let unneeded_for = config.scale_down_unneeded_time_seconds;
        let eligible: Vec<(u32, u32)> = pool
            .nodes
            .iter()
            .zip(&load)
            .filter(|(node, _)| {
                node.unneeded_since
                    .is_some_and(|since| since + unneeded_for < now)
            })
            .map(|(node, &(_, _, pods))| (node.id, pods))
            .collect();
        if eligible.is_empty() {
            return;
        }
        if self.scale_down_in_cooldown(now) {
            outcome.note = outcome.note.or(Some(ScanNote::ScaleDownInCooldown));
            return;
        }
        let mut removable = pool.len().saturating_sub(config.min_nodes);
        // Empty nodes go together, newest first; else one non-empty node is drained.
        let mut empty: Vec<u32> = eligible
            .iter()
            .filter(|(_, pods)| *pods == 0)
            .map(|(id, _)| *id)
            .collect();
        empty.sort_unstable_by(|a, b| b.cmp(a));
        let mut chosen: Vec<u32> = Vec::new();
        for id in empty {
            if removable == 0 || chosen.len() >= self.rules.max_empty_bulk_delete as usize {
                break;
            }
            chosen.push(id);
            removable -= 1;
        }
        if chosen.is_empty()
            && removable > 0
            && let Some(&(id, _)) = eligible
                .iter()
                .filter(|(_, pods)| *pods > 0)
                .min_by_key(|(_, pods)| *pods)
        {
            chosen.push(id);
        }
        if !chosen.is_empty() {
            for id in &chosen {
                pool.remove(*id);
            }
            self.last_scale_down = Some(now);
            outcome.removed.extend(chosen);
            outcome.note = outcome.note.or(Some(ScanNote::ScaleDown));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> ClusterAutoscalerConfig {
        ClusterAutoscalerConfig::from_timing(&AutoscalerTiming::default(), 300, (1, 2), 2, 0.5)
            .unwrap()
    }

    #[test]
    fn go_durations() {
        let cases = [
            ("10s", Some(10)),
            ("10m", Some(600)),
            ("25m", Some(1500)),
            ("1h30m", Some(5400)),
            ("1.5h", Some(5400)),
            ("1500ms", Some(2)),
            ("0", Some(0)),
            ("", None),
            ("10", None),
            ("-1m", None),
            ("5d", None),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_go_duration(text), expected, "{text:?}");
        }
    }

    #[test]
    fn timing_defaults_and_errors() {
        let c = config();
        assert_eq!(
            (
                c.scan_interval_seconds,
                c.scale_down_delay_after_add_seconds,
                c.scale_down_unneeded_time_seconds,
                c.max_node_provision_time_seconds
            ),
            (10, 600, 600, 1500)
        );
        let bad = AutoscalerTiming {
            scan_interval: "often".into(),
            ..AutoscalerTiming::default()
        };
        let error = ClusterAutoscalerConfig::from_timing(&bad, 300, (1, 2), 2, 0.5).unwrap_err();
        assert_eq!(error.key, "scanInterval");
        assert_eq!(default_provisioning_seconds("VM.GPU.A10.2", true), 300);
        assert_eq!(default_provisioning_seconds("BM.GPU.H100.8", true), 720);
    }

    #[test]
    fn pending_pods_request_nodes_up_to_max() {
        let mut ca = ClusterAutoscaler::new(config());
        let mut pool = NodePool::with_ready_nodes(1, true);
        // 3 unschedulable pods at 2 per node → 2 nodes wanted, but max 2 leaves room for 1.
        let outcome = ca.scan(&mut pool, 3, |_| 2, 100);
        assert_eq!(outcome.requested.len(), 1);
        assert_eq!(outcome.note, Some(ScanNote::ScaleUp));
        assert_eq!((pool.len(), pool.provisioning_count()), (2, 1));
        // The next scan: the upcoming node holds 2 of the 3, the third has nowhere to go.
        let outcome = ca.scan(&mut pool, 3, |_| 2, 110);
        assert_eq!(outcome.note, Some(ScanNote::MaxNodesReached));
        // 2 pending pods fit on the upcoming node.
        let outcome = ca.scan(&mut pool, 2, |_| 2, 120);
        assert_eq!(outcome.note, Some(ScanNote::WaitingForNodes));
        let mut ready = Vec::new();
        pool.advance(400, &mut ready);
        assert_eq!(ready, vec![1]);
    }

    #[test]
    fn unneeded_nodes_go_after_the_unneeded_time_and_the_cooldown() {
        let mut ca = ClusterAutoscaler::new(config());
        let mut pool = NodePool::with_ready_nodes(1, true);
        ca.scan(&mut pool, 1, |_| 2, 0); // node 1 requested at 0, Ready at 300
        let mut ready = Vec::new();
        pool.advance(300, &mut ready);
        // Node 1 has no pod from t = 300: unneeded from its first scan; removable once unneeded for strictly
        // more than 600 s (the first scan after 300 + 600, at 910), and the scale-up cooldown (0 + 600) is over.
        let pods_on = |id: u32| if id == 0 { 2 } else { 0 };
        let mut removed_at = None;
        let mut t = 300;
        while t <= 1_200 && removed_at.is_none() {
            if !ca.scan(&mut pool, 0, pods_on, t).removed.is_empty() {
                removed_at = Some(t);
            }
            t += 10;
        }
        assert_eq!(removed_at, Some(910));
        assert_eq!(pool.len(), 1);
        // Never below min_nodes: the last node, even empty, stays.
        for t in (1_000..3_000).step_by(10) {
            ca.scan(&mut pool, 0, |_| 0, t);
        }
        assert_eq!(pool.len(), 1);
    }

    #[test]
    fn nodes_that_never_register_are_removed_and_the_group_backs_off() {
        let timing = AutoscalerTiming {
            max_node_provision_time: "5m".into(),
            ..AutoscalerTiming::default()
        };
        let config = ClusterAutoscalerConfig::from_timing(&timing, 900, (1, 3), 1, 1.0).unwrap();
        let mut ca = ClusterAutoscaler::new(config);
        let mut pool = NodePool::with_ready_nodes(1, true);
        ca.scan(&mut pool, 1, |_| 1, 0);
        // Requested at 0: still within 5 min at 300 (0 + 300 < 300 is false), given up at 310.
        let outcome = ca.scan(&mut pool, 1, |_| 1, 300);
        assert_eq!(outcome.note, Some(ScanNote::WaitingForNodes));
        let outcome = ca.scan(&mut pool, 1, |_| 1, 310);
        assert_eq!(outcome.note, Some(ScanNote::ProvisioningFailed));
        assert_eq!(pool.len(), 1);
        // Backed off for 5 min, up to and including 610.
        assert_eq!(
            ca.scan(&mut pool, 1, |_| 1, 320).note,
            Some(ScanNote::Backoff)
        );
        assert_eq!(
            ca.scan(&mut pool, 1, |_| 1, 610).note,
            Some(ScanNote::Backoff)
        );
        assert_eq!(
            ca.scan(&mut pool, 1, |_| 1, 620).note,
            Some(ScanNote::ScaleUp)
        );
    }
}
