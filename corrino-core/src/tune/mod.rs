//! Searching a service recipe's autoscaling settings with the simulator: which threshold, query window,
//! stabilization windows, scaling periods, replica bounds and node bound meet a latency objective at the least
//! cost.
//!
//! A search is three pure steps, so that a caller with threads can run the middle one in parallel (the CLI does):
//!
//! 1. [`candidates`]: the recipe's own settings, each setting varied alone over its values in the
//!    [`SearchSpace`], then `samples` combinations drawn with a seeded generator; [`refine`] adds the neighbours of
//!    the best settings found so far;
//! 2. [`evaluate`]: one simulation per candidate, reduced to the objectives: GPU-hours, seconds over the
//!    objective ([`Slo`]) and flaps (reversals of the replica count within five minutes);
//! 3. [`select`]: the Pareto front of those three objectives, and the settings chosen from it.
//!
//! [`tune`] runs the three in order on one thread. The choice: the cheapest settings whose seconds over the
//! objective stay within its budget (1 % of the simulated time); when none do, the settings that do best against
//! the recipe's own (no worse on any objective, fewest seconds over the objective, then fewest GPU-hours); when
//! none do, the recipe's own. [`patch`] writes the choice as an RFC 6902 JSON patch of the recipe, and
//! [`write_recipe`] applies it.
//!
//! Scale to zero is not searched (`min_replicas` ≥ 1): requests sent while no replica runs fail rather than
//! finish late, which the latency objective would not see.

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::autoscaling::{QuerySource, Resolved, Source};
use crate::capacity::plan_capacity;
use crate::plan::{Plan, ServicePlan};
use crate::sim::load::Rng;
use crate::sim::{Scenario, SimError, Simulation, simulate};

/// Why a search cannot run.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum TuneError {
    /// The objective is not one this module reads.
    #[error("the objective `{0}` is not of the form p95<5s (p50 or p95, a bound in s or ms)")]
    BadObjective(String),
    /// The search space is out of its bounds.
    #[error("the search space is out of bounds: {0}")]
    BadSpace(String),
    /// The plan is not a service with pod autoscaling and a capacity plan.
    #[error("only a service recipe with pod autoscaling can be tuned")]
    NotTunable,
    /// The recipe's own settings cannot be simulated.
    #[error(transparent)]
    Simulation(#[from] SimError),
}

/// A latency objective: the `quantile` of the latency stays under `bound_seconds`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Slo {
    /// 50 or 95.
    pub quantile: u8,
    /// The bound, seconds.
    pub bound_seconds: f64,
}

/// The largest latency bound an objective may name, seconds.
pub const MAX_BOUND_SECONDS: f64 = 3600.0;

impl Slo {
    /// Reads `p95<5s`, `p50 < 800ms`, `p95<2.5s`.
    ///
    /// # Errors
    /// [`TuneError::BadObjective`] for anything else, or a bound outside (0, 3600] s.
    pub fn parse(text: &str) -> Result<Self, TuneError> {
        let bad = || TuneError::BadObjective(text.chars().take(64).collect());
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        let lower = compact.to_ascii_lowercase();
        let (quantile, bound) = lower.split_once('<').ok_or_else(bad)?;
        let quantile = match quantile {
            "p50" => 50,
            "p95" => 95,
            _ => return Err(bad()),
        };
        let (number, scale) = if let Some(ms) = bound.strip_suffix("ms") {
            (ms, 1e-3)
        } else if let Some(s) = bound.strip_suffix('s') {
            (s, 1.0)
        } else {
            (bound, 1.0)
        };
        let value: f64 = number.parse().map_err(|_| bad())?;
        let bound_seconds = value * scale;
        if !(bound_seconds.is_finite() && bound_seconds > 0.0 && bound_seconds <= MAX_BOUND_SECONDS)
        {
            return Err(bad());
        }
        Ok(Slo {
            quantile,
            bound_seconds,
        })
    }

    /// Seconds of `simulation` over the objective: for p95, the seconds in which more than 5 % of the requests
    /// that finished were slower than the bound (the simulation runs with the bound as its latency bound); for
    /// p50, the timeline rows whose median is over it, times the row interval.
    #[must_use]
    pub fn seconds_over(&self, simulation: &Simulation) -> u64 {
        if self.quantile == 95 {
            return simulation.summary.seconds_over_slo;
        }
        let interval = simulation
            .samples
            .windows(2)
            .next()
            .map_or(1, |pair| (pair[1].t - pair[0].t).max(1));
        simulation
            .samples
            .iter()
            .filter(|s| s.latency_p50.is_some_and(|p| p > self.bound_seconds))
            .count() as u64
            * interval.unsigned_abs()
    }
}

impl fmt::Display for Slo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "p{}<{}s", self.quantile, self.bound_seconds)
    }
}

/// The autoscaling settings a search varies.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "TunedSettings"))]
pub struct Knobs {
    /// `scaling_threshold`.
    pub threshold: f64,
    /// `collect_metrics_timespan`, seconds (the default query's window).
    pub window_seconds: u64,
    /// `stabilization_window_up`, seconds.
    pub stabilization_window_up_seconds: u32,
    /// `stabilization_window_down`, seconds.
    pub stabilization_window_down_seconds: u32,
    /// `scaling_period_up`, seconds.
    pub scaling_period_up_seconds: u32,
    /// `scaling_period_down`, seconds.
    pub scaling_period_down_seconds: u32,
    /// `min_replicas`.
    pub min_replicas: u32,
    /// `max_replicas`.
    pub max_replicas: u32,
    /// `max_nodes`, for a recipe with node autoscaling.
    pub max_nodes: Option<u32>,
}

impl Knobs {
    /// The settings a service plan holds.
    fn of(plan: &ServicePlan) -> Option<Self> {
        let pod = plan.pod_autoscaling.as_ref()?;
        Some(Knobs {
            threshold: pod.threshold.value,
            window_seconds: pod.window_seconds.value,
            stabilization_window_up_seconds: pod.stabilization_window_up_seconds.value,
            stabilization_window_down_seconds: pod.stabilization_window_down_seconds.value,
            scaling_period_up_seconds: pod.scaling_period_up_seconds.value,
            scaling_period_down_seconds: pod.scaling_period_down_seconds.value,
            min_replicas: pod.min_replicas.value,
            max_replicas: pod.max_replicas,
            max_nodes: plan.node_autoscaling.as_ref().map(|n| n.max_nodes),
        })
    }

    /// A key that tells settings apart (the threshold by its bits).
    fn key(&self) -> [u64; 9] {
        [
            self.threshold.to_bits(),
            self.window_seconds,
            u64::from(self.stabilization_window_up_seconds),
            u64::from(self.stabilization_window_down_seconds),
            u64::from(self.scaling_period_up_seconds),
            u64::from(self.scaling_period_down_seconds),
            u64::from(self.min_replicas),
            u64::from(self.max_replicas),
            self.max_nodes.map_or(u64::MAX, u64::from),
        ]
    }
}

/// The values each setting may take; an empty list takes the default values around the recipe's own. Bounds (any
/// value outside them is refused): at most 16 values per setting, thresholds in (0, 1000], windows 15–3600 s,
/// stabilization windows 0–3600 s, periods 1–1800 s, replicas and nodes 1–64, at most 2000 samples.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct SearchSpace {
    /// `scaling_threshold` values.
    pub thresholds: Vec<f64>,
    /// Query windows, seconds.
    pub windows_seconds: Vec<u64>,
    /// Scale-up stabilization windows, seconds.
    pub stabilization_windows_up_seconds: Vec<u32>,
    /// Scale-down stabilization windows, seconds.
    pub stabilization_windows_down_seconds: Vec<u32>,
    /// Scale-up periods, seconds.
    pub scaling_periods_up_seconds: Vec<u32>,
    /// Scale-down periods, seconds.
    pub scaling_periods_down_seconds: Vec<u32>,
    /// `min_replicas` values.
    pub min_replicas: Vec<u32>,
    /// `max_replicas` values.
    pub max_replicas: Vec<u32>,
    /// `max_nodes` values (recipes with node autoscaling).
    pub max_nodes: Vec<u32>,
    /// Random combinations to try besides the one-at-a-time variations (0: the default, 120).
    pub samples: u32,
    /// The seed of those combinations.
    pub seed: u64,
}

/// The most values one setting may take.
pub const MAX_VALUES: usize = 16;
/// The most random combinations.
pub const MAX_SAMPLES: u32 = 2000;
/// Random combinations when the space does not say.
pub const DEFAULT_SAMPLES: u32 = 120;
/// The most replicas or nodes searched.
pub const MAX_REPLICAS: u32 = 64;

/// Every value of one setting, sorted and without repeats.
#[derive(Clone, Debug, PartialEq)]
struct Axes {
    thresholds: Vec<f64>,
    windows: Vec<u64>,
    up: Vec<u32>,
    down: Vec<u32>,
    period_up: Vec<u32>,
    period_down: Vec<u32>,
    min_replicas: Vec<u32>,
    max_replicas: Vec<u32>,
    max_nodes: Vec<u32>,
}

fn sorted<T: PartialOrd + Copy>(mut values: Vec<T>) -> Vec<T> {
    values.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    values.dedup_by(|a, b| a == b);
    values
}

fn check<T: PartialOrd + Copy + fmt::Display>(
    name: &str,
    values: &[T],
    low: T,
    high: T,
) -> Result<(), TuneError> {
    if values.len() > MAX_VALUES {
        return Err(TuneError::BadSpace(format!(
            "`{name}` has {} values; at most {MAX_VALUES}",
            values.len()
        )));
    }
    match values.iter().find(|v| !(**v >= low && **v <= high)) {
        Some(v) => Err(TuneError::BadSpace(format!(
            "`{name}` value {v} is outside {low}–{high}"
        ))),
        None => Ok(()),
    }
}

fn or_default<T: Copy>(given: &[T], default: &[T], own: T) -> Vec<T> {
    let mut values = if given.is_empty() {
        default.to_vec()
    } else {
        given.to_vec()
    };
    values.push(own);
    values
}

impl SearchSpace {
    /// Checks every bound.
    ///
    /// # Errors
    /// [`TuneError::BadSpace`] naming the first value out of bounds.
    pub fn validate(&self) -> Result<(), TuneError> {
        check("thresholds", &self.thresholds, f64::MIN_POSITIVE, 1000.0)?;
        check("windows_seconds", &self.windows_seconds, 15, 3600)?;
        check(
            "stabilization_windows_up_seconds",
            &self.stabilization_windows_up_seconds,
            0,
            3600,
        )?;
        check(
            "stabilization_windows_down_seconds",
            &self.stabilization_windows_down_seconds,
            0,
            3600,
        )?;
        check(
            "scaling_periods_up_seconds",
            &self.scaling_periods_up_seconds,
            1,
            1800,
        )?;
        check(
            "scaling_periods_down_seconds",
            &self.scaling_periods_down_seconds,
            1,
            1800,
        )?;
        check("min_replicas", &self.min_replicas, 1, MAX_REPLICAS)?;
        check("max_replicas", &self.max_replicas, 1, MAX_REPLICAS)?;
        check("max_nodes", &self.max_nodes, 1, MAX_REPLICAS)?;
        if self.samples > MAX_SAMPLES {
            return Err(TuneError::BadSpace(format!(
                "`samples` is {}; at most {MAX_SAMPLES}",
                self.samples
            )));
        }
        Ok(())
    }

    fn axes(&self, plan: &ServicePlan, own: &Knobs) -> Axes {
        let per_node = plan
            .capacity
            .as_ref()
            .map_or(1, |c| c.replicas_per_node.max(1));
        let own_max = own.max_replicas.clamp(1, MAX_REPLICAS);
        let max_replicas = or_default(
            &self.max_replicas,
            &[
                own_max.div_ceil(2),
                own_max,
                (own_max + own_max.div_ceil(2)).min(MAX_REPLICAS),
                (own_max * 2).min(MAX_REPLICAS),
            ],
            own_max,
        );
        let custom_query = plan
            .pod_autoscaling
            .as_ref()
            .is_some_and(|p| matches!(p.query, QuerySource::Custom(_)));
        let max_nodes = match own.max_nodes {
            None => Vec::new(),
            Some(own_nodes) => {
                let mut defaults: Vec<u32> = max_replicas
                    .iter()
                    .map(|r| r.div_ceil(per_node).clamp(1, MAX_REPLICAS))
                    .collect();
                defaults.push(own_nodes.clamp(1, MAX_REPLICAS));
                sorted(or_default(
                    &self.max_nodes,
                    &defaults,
                    own_nodes.clamp(1, MAX_REPLICAS),
                ))
            }
        };
        Axes {
            thresholds: sorted(or_default(
                &self.thresholds,
                &[0.05, 0.1, 0.2, 0.3, 0.5, 0.7],
                own.threshold,
            )),
            // A custom query carries its own window: the setting changes nothing there.
            windows: if custom_query {
                vec![own.window_seconds]
            } else {
                sorted(or_default(
                    &self.windows_seconds,
                    &[60, 120, 300, 600],
                    own.window_seconds,
                ))
            },
            up: sorted(or_default(
                &self.stabilization_windows_up_seconds,
                &[0, 30, 60, 120, 300],
                own.stabilization_window_up_seconds,
            )),
            down: sorted(or_default(
                &self.stabilization_windows_down_seconds,
                &[60, 180, 300, 600],
                own.stabilization_window_down_seconds,
            )),
            period_up: sorted(or_default(
                &self.scaling_periods_up_seconds,
                &[15, 30, 60],
                own.scaling_period_up_seconds,
            )),
            period_down: sorted(or_default(
                &self.scaling_periods_down_seconds,
                &[30, 60, 90, 180],
                own.scaling_period_down_seconds,
            )),
            min_replicas: sorted(or_default(
                &self.min_replicas,
                &[1, 2],
                own.min_replicas.clamp(1, MAX_REPLICAS),
            )),
            max_replicas: sorted(max_replicas),
            max_nodes,
        }
    }
}

/// The tunable service of a plan.
fn service(plan: &Plan) -> Result<&ServicePlan, TuneError> {
    match plan {
        Plan::Service(service)
            if service.pod_autoscaling.is_some() && service.capacity.is_some() =>
        {
            Ok(service)
        }
        _ => Err(TuneError::NotTunable),
    }
}

/// Settings that can run: at least one replica, the minimum under the maximum.
fn admissible(knobs: &Knobs) -> bool {
    knobs.min_replicas >= 1 && knobs.min_replicas <= knobs.max_replicas
}

/// The candidates of step 1: the recipe's own settings first, then each setting varied alone, then `samples`
/// random combinations; no two alike.
///
/// # Errors
/// [`TuneError::NotTunable`] for a plan that is not a service with pod autoscaling; [`TuneError::BadSpace`].
pub fn candidates(plan: &Plan, space: &SearchSpace) -> Result<Vec<Knobs>, TuneError> {
    space.validate()?;
    let service = service(plan)?;
    let own = Knobs::of(service).ok_or(TuneError::NotTunable)?;
    let axes = space.axes(service, &own);
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    let mut push = |knobs: Knobs, out: &mut Vec<Knobs>| {
        if admissible(&knobs) && seen.insert(knobs.key()) {
            out.push(knobs);
        }
    };
    push(own.clone(), &mut out);
    for variation in one_at_a_time(&axes, &own) {
        push(variation, &mut out);
    }
    let samples = if space.samples == 0 {
        DEFAULT_SAMPLES
    } else {
        space.samples
    };
    let mut rng = Rng::new(space.seed);
    for _ in 0..samples {
        push(draw(&axes, &own, &mut rng), &mut out);
    }
    Ok(out)
}

fn one_at_a_time(axes: &Axes, own: &Knobs) -> Vec<Knobs> {
    let mut out = Vec::new();
    for &v in &axes.thresholds {
        out.push(Knobs {
            threshold: v,
            ..own.clone()
        });
    }
    for &v in &axes.windows {
        out.push(Knobs {
            window_seconds: v,
            ..own.clone()
        });
    }
    for &v in &axes.up {
        out.push(Knobs {
            stabilization_window_up_seconds: v,
            ..own.clone()
        });
    }
    for &v in &axes.down {
        out.push(Knobs {
            stabilization_window_down_seconds: v,
            ..own.clone()
        });
    }
    for &v in &axes.period_up {
        out.push(Knobs {
            scaling_period_up_seconds: v,
            ..own.clone()
        });
    }
    for &v in &axes.period_down {
        out.push(Knobs {
            scaling_period_down_seconds: v,
            ..own.clone()
        });
    }
    for &v in &axes.min_replicas {
        out.push(Knobs {
            min_replicas: v,
            ..own.clone()
        });
    }
    for &v in &axes.max_replicas {
        out.push(Knobs {
            max_replicas: v,
            ..own.clone()
        });
    }
    for &v in &axes.max_nodes {
        out.push(Knobs {
            max_nodes: Some(v),
            ..own.clone()
        });
    }
    out
}

fn pick<T: Copy>(values: &[T], rng: &mut Rng, fallback: T) -> T {
    if values.is_empty() {
        return fallback;
    }
    let index = (rng.next_u64() % values.len() as u64) as usize;
    values.get(index).copied().unwrap_or(fallback)
}

fn draw(axes: &Axes, own: &Knobs, rng: &mut Rng) -> Knobs {
    Knobs {
        threshold: pick(&axes.thresholds, rng, own.threshold),
        window_seconds: pick(&axes.windows, rng, own.window_seconds),
        stabilization_window_up_seconds: pick(&axes.up, rng, own.stabilization_window_up_seconds),
        stabilization_window_down_seconds: pick(
            &axes.down,
            rng,
            own.stabilization_window_down_seconds,
        ),
        scaling_period_up_seconds: pick(&axes.period_up, rng, own.scaling_period_up_seconds),
        scaling_period_down_seconds: pick(&axes.period_down, rng, own.scaling_period_down_seconds),
        min_replicas: pick(&axes.min_replicas, rng, own.min_replicas),
        max_replicas: pick(&axes.max_replicas, rng, own.max_replicas),
        max_nodes: own.max_nodes.map(|n| pick(&axes.max_nodes, rng, n)),
    }
}

/// The neighbours of step 1's best settings (each setting one value up or down on its axis, alone) that were not
/// evaluated yet: the second round of a search.
///
/// # Errors
/// As [`candidates`].
pub fn refine(
    plan: &Plan,
    space: &SearchSpace,
    evaluated: &[Evaluation],
) -> Result<Vec<Knobs>, TuneError> {
    space.validate()?;
    let service = service(plan)?;
    let own = Knobs::of(service).ok_or(TuneError::NotTunable)?;
    let axes = space.axes(service, &own);
    let mut seen: BTreeSet<[u64; 9]> = evaluated.iter().map(|e| e.knobs.key()).collect();
    let front = pareto_front(evaluated);
    let mut out = Vec::new();
    for index in front {
        let Some(best) = evaluated.get(index) else {
            continue;
        };
        for knobs in neighbours(&axes, &best.knobs) {
            if admissible(&knobs) && seen.insert(knobs.key()) {
                out.push(knobs);
            }
        }
    }
    Ok(out)
}

fn step<T: PartialEq + Copy>(values: &[T], current: T) -> Vec<T> {
    match values.iter().position(|v| *v == current) {
        Some(i) => [i.checked_sub(1), Some(i + 1)]
            .into_iter()
            .flatten()
            .filter_map(|j| values.get(j).copied())
            .collect(),
        None => Vec::new(),
    }
}

fn neighbours(axes: &Axes, at: &Knobs) -> Vec<Knobs> {
    let mut out = Vec::new();
    for v in step(&axes.thresholds, at.threshold) {
        out.push(Knobs {
            threshold: v,
            ..at.clone()
        });
    }
    for v in step(&axes.windows, at.window_seconds) {
        out.push(Knobs {
            window_seconds: v,
            ..at.clone()
        });
    }
    for v in step(&axes.up, at.stabilization_window_up_seconds) {
        out.push(Knobs {
            stabilization_window_up_seconds: v,
            ..at.clone()
        });
    }
    for v in step(&axes.down, at.stabilization_window_down_seconds) {
        out.push(Knobs {
            stabilization_window_down_seconds: v,
            ..at.clone()
        });
    }
    for v in step(&axes.period_up, at.scaling_period_up_seconds) {
        out.push(Knobs {
            scaling_period_up_seconds: v,
            ..at.clone()
        });
    }
    for v in step(&axes.period_down, at.scaling_period_down_seconds) {
        out.push(Knobs {
            scaling_period_down_seconds: v,
            ..at.clone()
        });
    }
    for v in step(&axes.min_replicas, at.min_replicas) {
        out.push(Knobs {
            min_replicas: v,
            ..at.clone()
        });
    }
    for v in step(&axes.max_replicas, at.max_replicas) {
        out.push(Knobs {
            max_replicas: v,
            ..at.clone()
        });
    }
    if let Some(nodes) = at.max_nodes {
        for v in step(&axes.max_nodes, nodes) {
            out.push(Knobs {
                max_nodes: Some(v),
                ..at.clone()
            });
        }
    }
    out
}

/// A service plan with `knobs` in place of its own settings (the capacity plan recomputed for the new bounds).
///
/// # Errors
/// [`TuneError::NotTunable`] when the plan is not a tunable service or the bounds leave no capacity.
pub fn with_knobs(plan: &Plan, knobs: &Knobs) -> Result<Plan, TuneError> {
    let mut service = service(plan)?.clone();
    fn set<T>(value: T) -> Resolved<T> {
        Resolved {
            value,
            source: Source::Recipe,
        }
    }
    if let Some(pod) = service.pod_autoscaling.as_mut() {
        pod.threshold = set(knobs.threshold);
        pod.window_seconds = set(knobs.window_seconds);
        pod.stabilization_window_up_seconds = set(knobs.stabilization_window_up_seconds);
        pod.stabilization_window_down_seconds = set(knobs.stabilization_window_down_seconds);
        pod.scaling_period_up_seconds = set(knobs.scaling_period_up_seconds);
        pod.scaling_period_down_seconds = set(knobs.scaling_period_down_seconds);
        pod.min_replicas = set(knobs.min_replicas);
        pod.max_replicas = knobs.max_replicas;
    }
    if let (Some(nodes), Some(max_nodes)) = (service.node_autoscaling.as_mut(), knobs.max_nodes) {
        nodes.max_nodes = max_nodes.max(nodes.min_nodes);
    }
    let capacity = service.capacity.as_ref().ok_or(TuneError::NotTunable)?;
    let max_nodes = match (&service.node_autoscaling, knobs.max_nodes) {
        (Some(nodes), Some(_)) => Some(nodes.max_nodes),
        _ => capacity.max_nodes,
    };
    service.capacity = Some(
        plan_capacity(
            &capacity.shape,
            capacity.gpus_per_node,
            capacity.unit.clone(),
            knobs.max_replicas,
            max_nodes,
            capacity.node_bound,
            capacity.nodes_per_replica,
        )
        .ok_or(TuneError::NotTunable)?,
    );
    Ok(Plan::Service(Box::new(service)))
}

/// One candidate's outcome.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "TuneEvaluation"))]
pub struct Evaluation {
    /// The settings.
    pub knobs: Knobs,
    /// GPU-hours billed (nodes Ready or provisioning × GPUs per node).
    pub gpu_hours: f64,
    /// Seconds over the objective.
    pub seconds_over_slo: u64,
    /// Reversals of the replica count within five minutes of the previous change.
    pub flaps: u32,
    /// Changes of the replica count.
    pub scale_events: u32,
    /// Requests slower than the objective's bound.
    pub slow_requests: u64,
    /// Requests answered.
    pub requests_completed: u64,
    /// Requests lost with their pod or sent with no replica Ready.
    pub requests_failed: u64,
    /// The 95th percentile latency over the run, seconds.
    pub latency_p95: Option<f64>,
    /// The most nodes.
    pub peak_nodes: u32,
    /// Whether these are the recipe's own settings.
    pub is_recipe: bool,
}

/// Simulates `knobs` under `scenario` (with the objective's bound as its latency bound) and reduces the run to
/// the objectives.
///
/// # Errors
/// [`TuneError::NotTunable`], or the simulation's error.
pub fn evaluate(
    plan: &Plan,
    scenario: &Scenario,
    slo: &Slo,
    knobs: &Knobs,
) -> Result<Evaluation, TuneError> {
    let own = Knobs::of(service(plan)?).ok_or(TuneError::NotTunable)?;
    let candidate = with_knobs(plan, knobs)?;
    let scenario = Scenario {
        latency_bound_seconds: slo.bound_seconds,
        ..scenario.clone()
    };
    let simulation = simulate(&candidate, &scenario)?;
    let summary = &simulation.summary;
    Ok(Evaluation {
        knobs: knobs.clone(),
        gpu_hours: summary.gpu_hours,
        seconds_over_slo: slo.seconds_over(&simulation),
        flaps: summary.flapping_count,
        scale_events: summary.scale_events,
        slow_requests: summary.slo_misses,
        requests_completed: summary.requests_completed,
        requests_failed: summary.requests_failed,
        latency_p95: summary.latency_p95,
        peak_nodes: summary.peak_nodes,
        is_recipe: knobs.key() == own.key(),
    })
}

/// Whether `a` is no worse than `b` on every objective and better on one. Failed requests count as an objective
/// too, so that settings that drop requests never look better than ones that serve them late.
fn dominates(a: &Evaluation, b: &Evaluation) -> bool {
    let no_worse = a.gpu_hours <= b.gpu_hours
        && a.seconds_over_slo <= b.seconds_over_slo
        && a.flaps <= b.flaps
        && a.requests_failed <= b.requests_failed;
    let better = a.gpu_hours < b.gpu_hours
        || a.seconds_over_slo < b.seconds_over_slo
        || a.flaps < b.flaps
        || a.requests_failed < b.requests_failed;
    no_worse && better
}

/// The indices of the evaluations no other dominates, by GPU-hours, then seconds over the objective, then flaps;
/// of settings with equal objectives, the first.
#[must_use]
pub fn pareto_front(evaluations: &[Evaluation]) -> Vec<usize> {
    let mut front: Vec<usize> = Vec::new();
    for (i, e) in evaluations.iter().enumerate() {
        if evaluations.iter().any(|other| dominates(other, e)) {
            continue;
        }
        let same = front.iter().any(|&j| {
            evaluations.get(j).is_some_and(|f| {
                f.gpu_hours == e.gpu_hours
                    && f.seconds_over_slo == e.seconds_over_slo
                    && f.flaps == e.flaps
                    && f.requests_failed == e.requests_failed
            })
        });
        if !same {
            front.push(i);
        }
    }
    front.sort_by(|&a, &b| {
        let (a, b) = (&evaluations[a], &evaluations[b]);
        a.gpu_hours
            .total_cmp(&b.gpu_hours)
            .then(a.seconds_over_slo.cmp(&b.seconds_over_slo))
            .then(a.flaps.cmp(&b.flaps))
    });
    front
}

/// A search's outcome.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TuneResult {
    /// The objective, as text.
    pub slo: String,
    /// Seconds over the objective allowed for it to count as met (1 % of the simulated time).
    pub budget_seconds: u64,
    /// Simulated seconds per candidate.
    pub duration_seconds: u64,
    /// Candidates simulated.
    pub evaluated: usize,
    /// The recipe's own settings.
    pub recipe: Evaluation,
    /// The settings chosen.
    pub chosen: Evaluation,
    /// Why those.
    pub reason: String,
    /// The Pareto front of GPU-hours, seconds over the objective and flaps, cheapest first.
    pub front: Vec<Evaluation>,
    /// Whether the recipe's own settings are on the front.
    pub recipe_on_front: bool,
    /// The front (and the recipe's own settings when they are not on it) as flat rows, for tables and data frames.
    pub records: Vec<Record>,
}

/// One row of [`TuneResult::records`]: an evaluation with its settings flattened.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "TuneRecord"))]
pub struct Record {
    /// GPU-hours.
    pub gpu_hours: f64,
    /// Seconds over the objective.
    pub seconds_over_slo: u64,
    /// Flaps.
    pub flaps: u32,
    /// Requests failed.
    pub requests_failed: u64,
    /// The 95th percentile latency, seconds.
    pub latency_p95: Option<f64>,
    /// `scaling_threshold`.
    pub threshold: f64,
    /// `collect_metrics_timespan`, seconds.
    pub window_seconds: u64,
    /// `stabilization_window_up`, seconds.
    pub stabilization_window_up_seconds: u32,
    /// `stabilization_window_down`, seconds.
    pub stabilization_window_down_seconds: u32,
    /// `scaling_period_up`, seconds.
    pub scaling_period_up_seconds: u32,
    /// `scaling_period_down`, seconds.
    pub scaling_period_down_seconds: u32,
    /// `min_replicas`.
    pub min_replicas: u32,
    /// `max_replicas`.
    pub max_replicas: u32,
    /// `max_nodes`.
    pub max_nodes: Option<u32>,
    /// On the Pareto front.
    pub on_front: bool,
    /// The recipe's own settings.
    pub is_recipe: bool,
    /// The chosen settings.
    pub chosen: bool,
}

fn record(e: &Evaluation, on_front: bool, chosen: &Knobs) -> Record {
    let k = &e.knobs;
    Record {
        gpu_hours: e.gpu_hours,
        seconds_over_slo: e.seconds_over_slo,
        flaps: e.flaps,
        requests_failed: e.requests_failed,
        latency_p95: e.latency_p95,
        threshold: k.threshold,
        window_seconds: k.window_seconds,
        stabilization_window_up_seconds: k.stabilization_window_up_seconds,
        stabilization_window_down_seconds: k.stabilization_window_down_seconds,
        scaling_period_up_seconds: k.scaling_period_up_seconds,
        scaling_period_down_seconds: k.scaling_period_down_seconds,
        min_replicas: k.min_replicas,
        max_replicas: k.max_replicas,
        max_nodes: k.max_nodes,
        on_front,
        is_recipe: e.is_recipe,
        chosen: k.key() == chosen.key(),
    }
}

/// Step 3: the front and the choice (see the module documentation). `evaluations` must hold the recipe's own
/// settings (as [`candidates`] puts them first).
///
/// # Errors
/// [`TuneError::NotTunable`] when the recipe's own settings are not among the evaluations.
pub fn select(
    evaluations: &[Evaluation],
    slo: &Slo,
    duration_seconds: u64,
) -> Result<TuneResult, TuneError> {
    let recipe = evaluations
        .iter()
        .find(|e| e.is_recipe)
        .cloned()
        .ok_or(TuneError::NotTunable)?;
    let budget_seconds = duration_seconds / 100;
    let front_indices = pareto_front(evaluations);
    let front: Vec<Evaluation> = front_indices
        .iter()
        .filter_map(|&i| evaluations.get(i).cloned())
        .collect();
    let meets = |e: &&Evaluation| e.seconds_over_slo <= budget_seconds && e.requests_failed == 0;
    let (chosen, reason) = if let Some(best) = front.iter().filter(meets).min_by(|a, b| {
        a.gpu_hours
            .total_cmp(&b.gpu_hours)
            .then(a.flaps.cmp(&b.flaps))
    }) {
        (
            best.clone(),
            format!(
                "the cheapest settings within the objective's budget ({budget_seconds} s over {slo})"
            ),
        )
    } else if let Some(best) = front
        .iter()
        .filter(|e| dominates(e, &recipe))
        .min_by(|a, b| {
            a.seconds_over_slo
                .cmp(&b.seconds_over_slo)
                .then(a.gpu_hours.total_cmp(&b.gpu_hours))
                .then(a.flaps.cmp(&b.flaps))
        })
    {
        (
            best.clone(),
            format!(
                "no settings meet {slo}; these do best against the recipe's own: no worse on any objective, fewest seconds over it"
            ),
        )
    } else {
        (
            recipe.clone(),
            "no settings found that do better than the recipe's own".to_owned(),
        )
    };
    let recipe_on_front = front.iter().any(|e| e.is_recipe);
    let mut records: Vec<Record> = front
        .iter()
        .map(|e| record(e, true, &chosen.knobs))
        .collect();
    if !recipe_on_front {
        records.push(record(&recipe, false, &chosen.knobs));
    }
    Ok(TuneResult {
        slo: slo.to_string(),
        budget_seconds,
        duration_seconds,
        evaluated: evaluations.len(),
        recipe,
        chosen,
        reason,
        front,
        recipe_on_front,
        records,
    })
}

/// Evaluates every candidate in order, skipping those that cannot run (the recipe's own must run).
///
/// # Errors
/// The recipe's own settings' simulation error.
pub fn evaluate_all(
    plan: &Plan,
    scenario: &Scenario,
    slo: &Slo,
    knobs: &[Knobs],
) -> Result<Vec<Evaluation>, TuneError> {
    let mut out = Vec::with_capacity(knobs.len());
    for (index, candidate) in knobs.iter().enumerate() {
        match evaluate(plan, scenario, slo, candidate) {
            Ok(evaluation) => out.push(evaluation),
            Err(error) if index == 0 => return Err(error),
            Err(_) => {}
        }
    }
    Ok(out)
}

/// The whole search on one thread: [`candidates`], [`evaluate`], [`refine`] and [`evaluate`] again, [`select`].
///
/// # Errors
/// A plan that is not a tunable service, a space out of bounds, or a scenario that cannot run.
pub fn tune(
    plan: &Plan,
    scenario: &Scenario,
    slo: &Slo,
    space: &SearchSpace,
) -> Result<TuneResult, TuneError> {
    let first = candidates(plan, space)?;
    let mut evaluations = evaluate_all(plan, scenario, slo, &first)?;
    let second = refine(plan, space, &evaluations)?;
    for candidate in &second {
        if let Ok(evaluation) = evaluate(plan, scenario, slo, candidate) {
            evaluations.push(evaluation);
        }
    }
    select(&evaluations, slo, scenario.duration_seconds)
}

/// One operation of an RFC 6902 JSON patch.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PatchOp {
    /// Always `add`, which replaces a member that exists.
    pub op: &'static str,
    /// A JSON pointer into the recipe.
    pub path: String,
    /// The new value.
    pub value: Value,
}

/// A duration as a recipe writes `collect_metrics_timespan`: `2m`, `90s`.
fn timespan(seconds: u64) -> String {
    if seconds.is_multiple_of(3600) {
        format!("{}h", seconds / 3600)
    } else if seconds.is_multiple_of(60) {
        format!("{}m", seconds / 60)
    } else {
        format!("{seconds}s")
    }
}

/// The operations that turn `recipe` (a service recipe as JSON) into one with `knobs`: only the settings that
/// differ from `from` (the recipe's own), each written where the recipe keeps it (a parameter written,
/// misplaced, under `recipe_node_autoscaling_params` is changed there).
#[must_use]
pub fn patch(recipe: &Value, from: &Knobs, knobs: &Knobs) -> Vec<PatchOp> {
    const POD: &str = "recipe_pod_autoscaling_params";
    const NODE: &str = "recipe_node_autoscaling_params";
    let mut ops = Vec::new();
    let mut pod = |key: &str, changed: bool, value: Value| {
        if !changed {
            return;
        }
        let misplaced = recipe.get(NODE).and_then(|n| n.get(key)).is_some()
            && recipe.get(POD).and_then(|p| p.get(key)).is_none();
        let parent = if misplaced { NODE } else { POD };
        ops.push(PatchOp {
            op: "add",
            path: format!("/{parent}/{key}"),
            value,
        });
    };
    pod(
        "scaling_threshold",
        knobs.threshold.to_bits() != from.threshold.to_bits(),
        Value::from(knobs.threshold),
    );
    pod(
        "collect_metrics_timespan",
        knobs.window_seconds != from.window_seconds,
        Value::from(timespan(knobs.window_seconds)),
    );
    pod(
        "stabilization_window_up",
        knobs.stabilization_window_up_seconds != from.stabilization_window_up_seconds,
        Value::from(knobs.stabilization_window_up_seconds),
    );
    pod(
        "stabilization_window_down",
        knobs.stabilization_window_down_seconds != from.stabilization_window_down_seconds,
        Value::from(knobs.stabilization_window_down_seconds),
    );
    pod(
        "scaling_period_up",
        knobs.scaling_period_up_seconds != from.scaling_period_up_seconds,
        Value::from(knobs.scaling_period_up_seconds),
    );
    pod(
        "scaling_period_down",
        knobs.scaling_period_down_seconds != from.scaling_period_down_seconds,
        Value::from(knobs.scaling_period_down_seconds),
    );
    pod(
        "min_replicas",
        knobs.min_replicas != from.min_replicas,
        Value::from(knobs.min_replicas),
    );
    pod(
        "max_replicas",
        knobs.max_replicas != from.max_replicas,
        Value::from(knobs.max_replicas),
    );
    if let Some(nodes) = knobs.max_nodes
        && knobs.max_nodes != from.max_nodes
    {
        ops.push(PatchOp {
            op: "add",
            path: format!("/{NODE}/max_nodes"),
            value: Value::from(nodes),
        });
    }
    ops
}

/// `recipe` with `ops` applied (`add` into existing objects; an operation whose parent is missing creates it).
#[must_use]
pub fn write_recipe(recipe: &Value, ops: &[PatchOp]) -> Value {
    let mut out = recipe.clone();
    for op in ops {
        let mut parts = op.path.trim_start_matches('/').splitn(2, '/');
        let (Some(parent), Some(key)) = (parts.next(), parts.next()) else {
            continue;
        };
        if let Some(object) = out.as_object_mut() {
            let entry = object
                .entry(parent.to_owned())
                .or_insert_with(|| Value::Object(serde_json::Map::new()));
            if let Some(fields) = entry.as_object_mut() {
                fields.insert(key.to_owned(), op.value.clone());
            }
        }
    }
    out
}

/// The recipe's own settings, for [`patch`].
///
/// # Errors
/// [`TuneError::NotTunable`].
pub fn recipe_knobs(plan: &Plan) -> Result<Knobs, TuneError> {
    Knobs::of(service(plan)?).ok_or(TuneError::NotTunable)
}

#[cfg(test)]
mod tests;
