//! How fast `corrino_core::tune` searches: the guide's example recipe under a day of diurnal open-loop traffic (busy
//! all day), one simulated day per candidate, on one thread (the core's `tune`) and on every core (candidates spread
//! over threads, as the CLI does). Prints simulations per second and simulated days per second, and the floor: one
//! simulation of that day on its own. The target is 1000 simulated days in 10 s on the development machine.
//!
//! `cargo bench -p corrino-core --bench tune`

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use corrino_core::sim::{Load, RateProfile, RequestShape, Scenario};
use corrino_core::tune::{self, SearchSpace, Slo};
use corrino_core::{PlanOptions, plan_bytes};

fn main() {
    let bytes = include_bytes!("../../fixtures/recipes/autoscaling-example.json");
    let plan = plan_bytes(bytes, &PlanOptions::default())
        .plan
        .expect("the example plans");
    let day = 24 * 3600;
    let scenario = Scenario {
        duration_seconds: day,
        load: Load::OpenLoop {
            rate: RateProfile::Diurnal {
                mean_rps: 1.0,
                amplitude_rps: 0.8,
                period_seconds: day as f64,
                peak_at_seconds: 14.0 * 3600.0,
            },
            requests: RequestShape::default(),
        },
        ..Scenario::default()
    };
    let slo = Slo::parse("p95<30s").expect("objective");
    let space = SearchSpace::default();
    let candidates = tune::candidates(&plan, &space).expect("candidates");

    // The floor: one simulated day, alone.
    let start = Instant::now();
    let runs = 5;
    for _ in 0..runs {
        std::hint::black_box(tune::evaluate(&plan, &scenario, &slo, &candidates[0]).expect("runs"));
    }
    let floor = start.elapsed().as_secs_f64() / f64::from(runs);
    println!(
        "floor: one simulated day in {:.1} ms ({:.0} days/s on one thread)",
        floor * 1e3,
        1.0 / floor
    );

    // One thread: the core's whole search (both rounds).
    let start = Instant::now();
    let result = tune::tune(&plan, &scenario, &slo, &space).expect("tunes");
    let seconds = start.elapsed().as_secs_f64();
    report("one thread (tune::tune)", result.evaluated, seconds);

    // Every core: the first round's candidates spread over threads.
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let next = AtomicUsize::new(0);
    let start = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                while let Some(knobs) = candidates.get(next.fetch_add(1, Ordering::Relaxed)) {
                    std::hint::black_box(tune::evaluate(&plan, &scenario, &slo, knobs).ok());
                }
            });
        }
    });
    report(
        &format!("{threads} threads"),
        candidates.len(),
        start.elapsed().as_secs_f64(),
    );

    // The README's search: the guide's llmperf run for an hour per candidate (busy for ≈ 40 minutes).
    let hour = Scenario::default();
    let start = Instant::now();
    let result = tune::tune(
        &plan,
        &hour,
        &Slo::parse("p95<5s").expect("objective"),
        &space,
    )
    .expect("tunes");
    let seconds = start.elapsed().as_secs_f64();
    let rate = result.evaluated as f64 / seconds;
    println!(
        "the README's search (one hour each, one thread): {} simulations in {seconds:.2} s: {rate:.0} simulations/s, \
         {:.1} simulated days/s",
        result.evaluated,
        rate / 24.0
    );
}

/// Simulations of one day each, per second.
fn report(what: &str, simulations: usize, seconds: f64) {
    let rate = simulations as f64 / seconds;
    println!(
        "{what}: {simulations} simulated days in {seconds:.2} s: {rate:.0} simulations/s, {rate:.0} simulated days/s, \
         {:.1} s for 1000 days",
        1000.0 / rate
    );
}
