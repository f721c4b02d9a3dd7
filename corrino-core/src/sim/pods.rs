//! The scaled workload's pods: the controller that creates and deletes them to match the replica count, the scheduler
//! that binds them to nodes with free GPUs, and the startup delay before they are Ready.
//!
//! A replica is one pod, or for a LeaderWorkerSet a group of `group_size` pods (a leader and its workers), each on
//! a node of its own; a group serves once its slowest pod is Ready, and a group that loses a pod is recreated whole
//! (LWS's `RecreateGroupOnPodRestart`). The controller follows the target's kind ([`PodManagement`]):
//!
//! * A Deployment's ReplicaSet: [`ReplicaSet::reconcile`] mirrors `manageReplicas` of kubernetes
//!   `pkg/controller/replicaset/replica_set.go`: missing pods are created at once, surplus pods are deleted in the
//!   order of `getPodsToDelete`, which ranks with `ActivePodsWithRanks` (`pkg/controller/controller_utils.go`):
//!   unscheduled before scheduled, pending before running, not ready before ready, pods sharing a node with more of
//!   their siblings first, then the most recently ready, then the newest. Pod deletion cost and restart counts are
//!   not modelled.
//! * A StatefulSet (`pkg/controller/statefulset/stateful_set_control.go`): the highest ordinal goes first on
//!   scale-down; with `podManagementPolicy: OrderedReady` (the default) one pod is created or deleted at a time,
//!   the next created only once every pod before it is Ready; with `Parallel`, all at once.
//! * A LeaderWorkerSet: its leaders are a StatefulSet with `Parallel` management (LWS
//!   `pkg/controllers/leaderworkerset_controller.go`), so groups are created together and the highest index goes
//!   first.
//! * [`ReplicaSet::schedule`] binds each Pending pod to the first Ready node, by node id, with a free slot (a
//!   node holds `replicas_per_node` recipe pods, from the capacity plan); pods with no slot stay Pending, which
//!   is what the Cluster Autoscaler reacts to.
//! * A bound pod is Ready after its startup delay: pulling the image (only on a node that does not have it yet;
//!   pods scheduled there while the first pull runs wait for that pull) plus starting vLLM and loading the model
//!   until the readiness probe passes.

use serde::{Deserialize, Serialize};

use super::cluster_autoscaler::NodePool;

/// Startup of a vLLM pod serving an 8B model on one A10, from container start to Ready, seconds: an estimate.
///
/// It covers downloading the weights (≈ 16 GB) when they are not on a shared volume, loading them, profiling
/// memory and capturing CUDA graphs. Published vLLM startup logs for 8B models show one to three minutes; the
/// fixture recipe's startup probe allows 30 + 40 × 5 = 230 s. Override it per scenario.
pub const DEFAULT_POD_STARTUP_SECONDS: i64 = 150;

/// Pulling the `vllm/vllm-openai` image (≈ 10 GB compressed) onto a node that does not have it, seconds: an
/// estimate.
pub const DEFAULT_IMAGE_PULL_SECONDS: i64 = 90;

/// How long pods take to start.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PodTiming {
    /// From binding (image present) to Ready, seconds.
    pub startup_seconds: i64,
    /// Extra time to pull the image on a node that never ran it, seconds.
    pub image_pull_seconds: i64,
}

impl Default for PodTiming {
    fn default() -> Self {
        PodTiming {
            startup_seconds: DEFAULT_POD_STARTUP_SECONDS,
            image_pull_seconds: DEFAULT_IMAGE_PULL_SECONDS,
        }
    }
}

/// How the workload's controller creates and deletes pods.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PodManagement {
    /// A Deployment's ReplicaSet: all at once, deleted by `ActivePodsWithRanks`.
    #[default]
    ReplicaSet,
    /// A StatefulSet with `OrderedReady`: one at a time, created in order once the earlier are Ready, deleted from
    /// the highest ordinal.
    OrderedReady,
    /// A StatefulSet with `Parallel` (and a LeaderWorkerSet's groups): all at once, deleted from the highest
    /// ordinal.
    Parallel,
}

/// One pod of the scaled workload.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pod {
    /// Its number, in order of creation.
    pub id: u32,
    /// The replica it belongs to: its own number, or its group's for a LeaderWorkerSet.
    pub group: u32,
    /// When it was created, seconds.
    pub created_at: i64,
    /// The node it is bound to, once scheduled.
    pub node: Option<u32>,
    /// When it becomes (or became) Ready, once scheduled.
    pub ready_at: Option<i64>,
    /// Whether it is Ready (serving and scraped).
    pub ready: bool,
}

/// The pods of the scaled workload, by replica.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReplicaSet {
    /// The pods, by id; a group's pods are next to each other.
    pub pods: Vec<Pod>,
    next_id: u32,
    next_group: u32,
    /// Pods per replica (1, or a LeaderWorkerSet's group size).
    group_size: u32,
    /// How pods are created and deleted.
    management: PodManagement,
    /// The earliest `ready_at` among pods not yet Ready, to skip idle steps cheaply.
    next_ready_at: Option<i64>,
    /// Ready replicas, kept current by every change.
    ready_count: u32,
    /// Pods without a node, kept current by every change.
    unscheduled_count: u32,
    /// Replicas with a pod without a node, kept current by every change.
    pending_count: u32,
}

impl Default for ReplicaSet {
    fn default() -> Self {
        ReplicaSet::new(1, PodManagement::ReplicaSet)
    }
}

impl ReplicaSet {
    /// No pods yet; replicas of `group_size` pods, managed as `management` says.
    #[must_use]
    pub fn new(group_size: u32, management: PodManagement) -> Self {
        ReplicaSet {
            pods: Vec::new(),
            next_id: 0,
            next_group: 0,
            group_size: group_size.max(1),
            management,
            next_ready_at: None,
            ready_count: 0,
            unscheduled_count: 0,
            pending_count: 0,
        }
    }

    /// `count` pods already Ready on the pool's nodes, packed first fit (a recipe that has been running).
    pub fn running(count: u32, pool: &mut NodePool, replicas_per_node: u32) -> Self {
        ReplicaSet::default().started(count, pool, replicas_per_node)
    }

    /// This set with `count` replicas already Ready on the pool's nodes, packed first fit; a group only when all
    /// its pods found a node.
    #[must_use]
    pub fn started(mut self, count: u32, pool: &mut NodePool, replicas_per_node: u32) -> Self {
        self.create(count, 0);
        self.schedule(pool, replicas_per_node, PodTiming::default(), 0);
        for group in self.pods.chunks_mut(self.group_size as usize) {
            let placed = group.iter().all(|pod| pod.node.is_some());
            for pod in group.iter_mut().filter(|pod| pod.node.is_some() && placed) {
                pod.ready = true;
                pod.ready_at = Some(0);
            }
        }
        self.next_ready_at = self
            .pods
            .iter()
            .filter(|pod| !pod.ready)
            .filter_map(|pod| pod.ready_at)
            .min();
        self.recount();
        self
    }

    fn recount(&mut self) {
        self.unscheduled_count = self.pods.iter().filter(|pod| pod.node.is_none()).count() as u32;
        if self.group_size == 1 {
            self.ready_count = self.pods.iter().filter(|pod| pod.ready).count() as u32;
            self.pending_count = self.unscheduled_count;
            return;
        }
        let groups = self.pods.chunks(self.group_size as usize);
        let (mut ready, mut pending) = (0, 0);
        for group in groups {
            ready += u32::from(group.iter().all(|pod| pod.ready));
            pending += u32::from(group.iter().any(|pod| pod.node.is_none()));
        }
        self.ready_count = ready;
        self.pending_count = pending;
    }

    fn create(&mut self, count: u32, now: i64) {
        for _ in 0..count {
            let group = self.next_group;
            self.next_group += 1;
            for _ in 0..self.group_size {
                self.pods.push(Pod {
                    id: self.next_id,
                    group,
                    created_at: now,
                    node: None,
                    ready_at: None,
                    ready: false,
                });
                self.next_id += 1;
            }
        }
        self.recount();
    }

    /// Replicas that exist (`status.replicas` of the workload; groups for a LeaderWorkerSet).
    #[must_use]
    pub fn total(&self) -> u32 {
        self.pods.len() as u32 / self.group_size
    }

    /// Ready replicas (a group when all its pods are).
    #[must_use]
    pub fn ready(&self) -> u32 {
        self.ready_count
    }

    /// Pods not bound to any node (Pending, unschedulable): what the Cluster Autoscaler sees.
    #[must_use]
    pub fn unscheduled(&self) -> u32 {
        self.unscheduled_count
    }

    /// Replicas with a pod not bound to any node.
    #[must_use]
    pub fn pending(&self) -> u32 {
        self.pending_count
    }

    /// Replicas whose pods are all bound, not all Ready yet.
    #[must_use]
    pub fn starting(&self) -> u32 {
        self.pods
            .chunks(self.group_size as usize)
            .filter(|group| {
                group.iter().all(|pod| pod.node.is_some()) && !group.iter().all(|pod| pod.ready)
            })
            .count() as u32
    }

    /// The node of a replica's first pod (a group's leader).
    #[must_use]
    pub fn leader_node(&self, group: u32) -> Option<u32> {
        self.pods
            .iter()
            .find(|pod| pod.group == group)
            .and_then(|pod| pod.node)
    }

    /// Pods bound to `node`.
    #[must_use]
    pub fn on_node(&self, node: u32) -> u32 {
        self.pods
            .iter()
            .filter(|pod| pod.node == Some(node))
            .count() as u32
    }

    /// Creates or deletes replicas towards `replicas` as the workload's controller does; returns the deleted
    /// replicas.
    pub fn reconcile(&mut self, replicas: u32, now: i64) -> Vec<u32> {
        let current = self.total();
        if replicas > current {
            let count = match self.management {
                PodManagement::OrderedReady if self.ready() < current => 0,
                PodManagement::OrderedReady => 1,
                PodManagement::ReplicaSet | PodManagement::Parallel => replicas - current,
            };
            self.create(count, now);
            return Vec::new();
        }
        let surplus = (current - replicas) as usize;
        if surplus == 0 {
            return Vec::new();
        }
        if self.management != PodManagement::ReplicaSet {
            // The highest ordinals first: the newest groups, at the end of the list.
            let count = if self.management == PodManagement::OrderedReady {
                1
            } else {
                surplus
            };
            let keep = self.pods.len() - count * self.group_size as usize;
            let mut deleted: Vec<u32> = Vec::with_capacity(count);
            for pod in self.pods.drain(keep..) {
                if deleted.last() != Some(&pod.group) {
                    deleted.push(pod.group);
                }
            }
            deleted.reverse();
            self.recount();
            return deleted;
        }
        let mut ranked: Vec<(DeletionRank, usize)> = self
            .pods
            .iter()
            .enumerate()
            .map(|(index, pod)| (self.deletion_rank(pod), index))
            .collect();
        ranked.sort_unstable();
        let mut doomed: Vec<usize> = ranked
            .iter()
            .take(surplus)
            .map(|&(_, index)| index)
            .collect();
        doomed.sort_unstable_by(|a, b| b.cmp(a));
        let mut deleted: Vec<u32> = doomed
            .into_iter()
            .map(|index| self.pods.remove(index).group)
            .collect();
        deleted.reverse();
        self.recount();
        deleted
    }

    /// The ordering key of `ActivePodsWithRanks`: smaller is deleted first.
    fn deletion_rank(&self, pod: &Pod) -> DeletionRank {
        let siblings_on_node = pod.node.map_or(0, |node| self.on_node(node));
        DeletionRank {
            scheduled: pod.node.is_some(),
            running: pod.node.is_some(),
            ready: pod.ready,
            fewer_siblings: u32::MAX - siblings_on_node,
            // Ready more recently first: a later ready_at sorts first.
            ready_for: if pod.ready {
                pod.ready_at.map_or(i64::MIN, |at| -at)
            } else {
                i64::MIN
            },
            // Newer first.
            age: -pod.created_at,
            id_desc: u32::MAX - pod.id,
        }
    }

    /// Deletes every replica with a pod on `node` (the node was removed; a group is recreated whole); returns them.
    /// The next [`ReplicaSet::reconcile`] replaces them with new Pending ones.
    pub fn evict_node(&mut self, node: u32) -> Vec<u32> {
        let mut evicted: Vec<u32> = Vec::new();
        for pod in self.pods.iter().filter(|pod| pod.node == Some(node)) {
            if !evicted.contains(&pod.group) {
                evicted.push(pod.group);
            }
        }
        self.pods.retain(|pod| !evicted.contains(&pod.group));
        self.recount();
        evicted
    }

    /// Binds Pending pods, oldest first, to the first Ready node with a free slot; returns how many were bound.
    pub fn schedule(
        &mut self,
        pool: &mut NodePool,
        replicas_per_node: u32,
        timing: PodTiming,
        now: i64,
    ) -> u32 {
        if self.unscheduled_count == 0 {
            return 0;
        }
        let mut used: Vec<(u32, u32)> = pool
            .nodes
            .iter()
            .filter(|node| node.ready)
            .map(|node| (node.id, self.on_node(node.id)))
            .collect();
        let mut bound = 0;
        for pod in self.pods.iter_mut().filter(|pod| pod.node.is_none()) {
            let Some(slot) = used.iter_mut().find(|(_, pods)| *pods < replicas_per_node) else {
                break;
            };
            slot.1 += 1;
            let node_id = slot.0;
            let image_at = match pool.get_mut(node_id) {
                Some(node) => *node
                    .image_ready_at
                    .get_or_insert(now + timing.image_pull_seconds),
                None => now,
            };
            let ready_at = image_at.max(now) + timing.startup_seconds;
            pod.node = Some(node_id);
            pod.ready_at = Some(ready_at);
            self.next_ready_at = Some(self.next_ready_at.map_or(ready_at, |at| at.min(ready_at)));
            bound += 1;
        }
        self.recount();
        bound
    }

    /// Marks the pods whose startup is over Ready; returns the replicas that became Ready (a group with its last
    /// pod).
    pub fn advance(&mut self, now: i64, became_ready: &mut Vec<u32>) {
        if self.next_ready_at.is_none_or(|at| at > now) {
            return;
        }
        let mut next = None::<i64>;
        for group in self.pods.chunks_mut(self.group_size as usize) {
            let mut changed = false;
            for pod in group.iter_mut() {
                match pod.ready_at {
                    Some(at) if !pod.ready && at <= now => {
                        pod.ready = true;
                        changed = true;
                    }
                    Some(at) if !pod.ready => next = Some(next.map_or(at, |n| n.min(at))),
                    _ => {}
                }
            }
            if changed && group.iter().all(|pod| pod.ready) {
                became_ready.push(group[0].group);
            }
        }
        self.next_ready_at = next;
        self.recount();
    }
}

/// `ActivePodsWithRanks` as a sortable key; fields compare in order, smaller first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct DeletionRank {
    scheduled: bool,
    running: bool,
    ready: bool,
    fewer_siblings: u32,
    ready_for: i64,
    age: i64,
    id_desc: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    const TIMING: PodTiming = PodTiming {
        startup_seconds: 150,
        image_pull_seconds: 90,
    };

    #[test]
    fn third_replica_stays_pending_on_a_full_node() {
        // VM.GPU.A10.2 with 1 GPU per replica: 2 per node.
        let mut pool = NodePool::with_ready_nodes(1, true);
        let mut set = ReplicaSet::running(1, &mut pool, 2);
        assert_eq!(set.ready(), 1);
        set.reconcile(3, 100);
        assert_eq!(set.schedule(&mut pool, 2, TIMING, 100), 1);
        assert_eq!((set.starting(), set.unscheduled()), (1, 1));
        // The warm node skips the pull: Ready at 100 + 150.
        let mut ready = Vec::new();
        set.advance(249, &mut ready);
        assert!(ready.is_empty());
        set.advance(250, &mut ready);
        assert_eq!(ready, vec![1]);
        // A new node (cold) takes the third: pull + startup.
        let node = pool.request(100, 400);
        let mut nodes = Vec::new();
        pool.advance(400, &mut nodes);
        assert_eq!(nodes, vec![node]);
        assert_eq!(set.schedule(&mut pool, 2, TIMING, 400), 1);
        assert_eq!(set.pods[2].ready_at, Some(400 + 90 + 150));
    }

    #[test]
    fn scale_down_deletes_unscheduled_then_starting_then_newest_ready() {
        let mut pool = NodePool::with_ready_nodes(1, true);
        let mut set = ReplicaSet::running(2, &mut pool, 2); // pods 0, 1 ready on node 0
        set.reconcile(4, 10); // pods 2, 3 pending, no room
        let deleted = set.reconcile(3, 20);
        assert_eq!(deleted, vec![3], "the newest unscheduled pod");
        let deleted = set.reconcile(2, 20);
        assert_eq!(deleted[0], 2);
        // Two ready pods, pod 1 ready later than pod 0: pod 1 goes first.
        set.pods[1].ready_at = Some(5);
        let deleted = set.reconcile(1, 30);
        assert_eq!(deleted[0], 1);
        assert_eq!(set.total(), 1);
    }

    #[test]
    fn evicted_pods_are_replaced_as_pending() {
        let mut pool = NodePool::with_ready_nodes(2, true);
        let mut set = ReplicaSet::running(3, &mut pool, 2);
        assert_eq!(set.on_node(1), 1);
        let evicted = set.evict_node(1);
        pool.remove(1);
        assert_eq!(evicted.len(), 1);
        set.reconcile(3, 50);
        assert_eq!(set.schedule(&mut pool, 2, TIMING, 50), 0, "node 0 is full");
        assert_eq!(set.unscheduled(), 1);
    }

    #[test]
    fn a_group_needs_a_node_per_pod_and_serves_with_its_slowest_pod() {
        // Groups of 2 pods, one pod per node: 3 nodes hold one group and half of another.
        let mut pool = NodePool::with_ready_nodes(3, true);
        let mut set = ReplicaSet::new(2, PodManagement::Parallel).started(1, &mut pool, 1);
        assert_eq!((set.total(), set.ready(), set.unscheduled()), (1, 1, 0));
        set.reconcile(3, 10);
        assert_eq!(set.total(), 3);
        assert_eq!(set.schedule(&mut pool, 1, TIMING, 10), 1, "one free node");
        assert_eq!(
            (set.unscheduled(), set.pending(), set.starting()),
            (3, 2, 0)
        );
        // A fresh node for the half-placed group: its second pod pulls the image, so the group waits for it.
        let node = pool.request(10, 100);
        pool.advance(100, &mut Vec::new());
        assert_eq!(set.schedule(&mut pool, 1, TIMING, 100), 1);
        assert_eq!((set.pending(), set.starting()), (1, 1));
        let mut ready = Vec::new();
        set.advance(10 + 150, &mut ready);
        assert!(ready.is_empty(), "the leader alone does not serve");
        set.advance(100 + 90 + 150, &mut ready);
        assert_eq!(ready, vec![1]);
        assert_eq!(set.leader_node(1), Some(2));
        // Losing a worker's node recreates the whole group; the highest group goes first on scale-down.
        assert_eq!(set.evict_node(node), vec![1]);
        assert_eq!((set.total(), set.pods.len()), (2, 4));
        assert_eq!(set.reconcile(1, 400), vec![2]);
        assert_eq!(set.total(), 1);
    }

    #[test]
    fn ordered_ready_creates_one_pod_at_a_time_after_the_previous_is_ready() {
        let mut pool = NodePool::with_ready_nodes(1, true);
        let mut set = ReplicaSet::new(1, PodManagement::OrderedReady).started(1, &mut pool, 4);
        set.reconcile(3, 0);
        assert_eq!(set.total(), 2, "one more, the first being Ready");
        set.reconcile(3, 1);
        assert_eq!(set.total(), 2, "the second is not Ready yet");
        set.schedule(&mut pool, 4, TIMING, 1);
        set.advance(151, &mut Vec::new());
        set.reconcile(3, 151);
        assert_eq!(set.total(), 3);
        assert_eq!(
            set.reconcile(1, 200),
            vec![2],
            "one at a time, the highest ordinal"
        );
    }
}
