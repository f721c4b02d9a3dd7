//! `simulate`: 24 hours at 1-second steps of the autoscaling fixture, the target being at most 10 ms: under the
//! fixture's default scenario (the autoscaling guide's llmperf run, which the validator page starts from), and under
//! a heavier diurnal open-loop load that keeps the serving model busy all day (mean 1.5 requests/s, ±1.2, peak at
//! 14:00; 512/512-token requests, 130 000 of them). Beside them, the same day replayed from a metric trace (the
//! controllers alone, no serving model) and with no traffic (the controllers and the query, no requests) show where
//! the time goes, and the chart of the day's result is drawn.

use std::hint::black_box;

use corrino_core::sim::{self, Load, MetricTrace, RateProfile, RequestShape, Scenario};
use corrino_core::{PlanOptions, plan_bytes};
use criterion::{Criterion, criterion_group, criterion_main};

const RECIPE: &[u8] = include_bytes!("../../fixtures/recipes/autoscaling-example.json");

fn day(load: Load) -> Scenario {
    Scenario {
        duration_seconds: 24 * 3600,
        load,
        ..Scenario::default()
    }
}

fn diurnal() -> Load {
    Load::OpenLoop {
        rate: RateProfile::Diurnal {
            mean_rps: 1.5,
            amplitude_rps: 1.2,
            period_seconds: 86_400.0,
            peak_at_seconds: 14.0 * 3600.0,
        },
        requests: RequestShape::default(),
    }
}

fn bench(c: &mut Criterion) {
    let plan = plan_bytes(RECIPE, &PlanOptions::default())
        .plan
        .expect("the fixture plans");
    let scenario = day(diurnal());
    let simulation = sim::simulate(&plan, &scenario).expect("simulates");
    println!(
        "24 h: {} requests, peak {} replicas on {} nodes, {:.1} GPU-hours, {} rows",
        simulation.summary.requests_completed,
        simulation.summary.peak_spec_replicas,
        simulation.summary.peak_nodes,
        simulation.summary.gpu_hours,
        simulation.samples.len()
    );
    let trace = day(Load::MetricTrace {
        trace: MetricTrace::parse_csv("0,0.05\n").expect("trace"),
    });
    let idle = day(Load::OpenLoop {
        rate: RateProfile::Constant { rps: 0.0 },
        requests: RequestShape::default(),
    });

    // The fixture under its own default scenario (the autoscaling guide's llmperf run: 30 clients, 3000 requests),
    // for a whole day: the run the validator page starts from, at the longest duration it offers.
    let guide_day = day(Scenario::default().load);

    let mut group = c.benchmark_group("simulate");
    group.sample_size(30);
    group.bench_function("24 h at 1 s steps, the guide's llmperf run", |b| {
        b.iter(|| sim::simulate(black_box(&plan), black_box(&guide_day)).expect("simulates"));
    });
    group.bench_function("24 h at 1 s steps, diurnal load", |b| {
        b.iter(|| sim::simulate(black_box(&plan), black_box(&scenario)).expect("simulates"));
    });
    group.bench_function("24 h, metric trace (controllers only)", |b| {
        b.iter(|| sim::simulate(black_box(&plan), black_box(&trace)).expect("simulates"));
    });
    group.bench_function("24 h, no traffic (controllers and query)", |b| {
        b.iter(|| sim::simulate(black_box(&plan), black_box(&idle)).expect("simulates"));
    });
    group.bench_function("chart of the 24 h run", |b| {
        b.iter(|| sim::svg(black_box(&simulation)));
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
