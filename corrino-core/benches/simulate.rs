//! `simulate`: 24 hours at 1-second steps of the autoscaling fixture, the target being at most 10 ms: under the
//! fixture's default scenario (the autoscaling guide's llmperf run, which the validator page starts from), and under
//! a heavier diurnal open-loop load that keeps the serving model busy all day (mean 1.5 requests/s, ±1.2, peak at
//! 14:00; 512/512-token requests, 130 000 of them). Beside them, the same day replayed from a metric trace (the
//! controllers alone, no serving model) and with no traffic (the controllers and the query, no requests) show where
//! the time goes, and the chart of the day's result is drawn.

use std::hint::black_box;
use std::time::{Duration, Instant};

use corrino_core::manifest;
use corrino_core::sim::{self, Load, MetricTrace, RateProfile, RequestShape, Scenario};
use corrino_core::{Plan, PlanOptions, plan_bytes};
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

    // The same day's trace, from the YAML the recipe renders to (with its OCI documents), as a user replays it.
    let Plan::Service(service) = &plan else {
        panic!("the fixture is a service")
    };
    let manifests = sim::render_for_simulation(service, &trace).expect("renders");
    let mut yaml = manifest::to_yaml(&manifests).expect("yaml");
    for (_, json) in manifest::oci_documents(&manifests).expect("json") {
        yaml.push_str("---\n");
        yaml.push_str(&json);
    }
    let options = PlanOptions::default();
    let from_yaml = || {
        sim::simulate_bytes(black_box(yaml.as_bytes()), &options, black_box(&trace))
            .expect("simulates")
    };
    assert_eq!(
        from_yaml().simulation,
        sim::simulate(&plan, &trace).expect("simulates")
    );
    group.bench_function("24 h trace from YAML (the 10 ms target)", |b| {
        b.iter(from_yaml);
    });
    group.finish();

    let round = |millis: u64| {
        let start = Instant::now();
        let mut n = 0u32;
        while start.elapsed() < Duration::from_millis(millis) {
            black_box(from_yaml());
            n += 1;
        }
        start.elapsed().as_secs_f64() / f64::from(n)
    };
    let mut rounds: Vec<f64> = (0..40).map(|_| round(100)).collect();
    rounds.sort_by(f64::total_cmp);
    let median = rounds[rounds.len() / 2];
    let read = {
        let start = Instant::now();
        let mut n = 0u32;
        while start.elapsed() < Duration::from_millis(500) {
            black_box(corrino_core::deployed::read(
                black_box(yaml.as_bytes()),
                &options,
            ));
            n += 1;
        }
        start.elapsed().as_secs_f64() / f64::from(n)
    };
    println!(
        "24 h metric trace from YAML at 1 s steps: {:.2} ms (reading the YAML and assessing the pod {:.3} ms): {:.2} × the 10 ms target",
        median * 1e3,
        read * 1e3,
        median / 10e-3
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
