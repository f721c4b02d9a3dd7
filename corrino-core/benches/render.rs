//! `render`: parse + validate + plan + render to YAML of the autoscaling fixture, measured beside serializing the
//! same output objects with serde_json alone. The ratio (render time / serialization time) is printed; the target
//! is at most 3.

use std::hint::black_box;
use std::time::{Duration, Instant};

use corrino_core::manifest::{self, RenderOptions};
use corrino_core::{PlanOptions, plan_bytes};
use criterion::{Criterion, criterion_group, criterion_main};

const RECIPE: &[u8] = include_bytes!("../../fixtures/recipes/autoscaling-example.json");

fn render_yaml(plan_options: &PlanOptions, options: &RenderOptions) -> String {
    let (plan, _) = plan_bytes(black_box(RECIPE), plan_options);
    let manifests = manifest::render(&plan.expect("plan"), options).expect("renders");
    manifest::to_yaml(&manifests).expect("yaml")
}

fn bench(c: &mut Criterion) {
    let plan_options = PlanOptions::default();
    let options = RenderOptions::default();
    let (plan, _) = plan_bytes(RECIPE, &plan_options);
    let manifests = manifest::render(&plan.expect("plan"), &options).expect("renders");

    let mut group = c.benchmark_group("render");
    group.bench_function("parse+validate+plan+render to YAML", |b| {
        b.iter(|| render_yaml(&plan_options, &options));
    });
    group.bench_function("serde_json of the rendered objects", |b| {
        b.iter(|| serde_json::to_string(black_box(&manifests)).expect("json"));
    });
    group.finish();

    // The same two, timed side by side in one loop, for the ratio.
    let time = |f: &dyn Fn()| -> f64 {
        let start = Instant::now();
        let mut n = 0u32;
        while start.elapsed() < Duration::from_millis(1500) {
            f();
            n += 1;
        }
        start.elapsed().as_secs_f64() / f64::from(n)
    };
    let render = time(&|| {
        black_box(render_yaml(&plan_options, &options));
    });
    let serialize = time(&|| {
        black_box(serde_json::to_string(black_box(&manifests)).expect("json"));
    });
    println!(
        "render {:.1} µs, serde_json alone {:.1} µs: ratio {:.2} (target ≤ 3)",
        render * 1e6,
        serialize * 1e6,
        render / serialize
    );
    // Where the time goes, stage by stage, beside the two yardsticks serde_json gives.
    let (plan, _) = plan_bytes(RECIPE, &plan_options);
    let plan = plan.expect("plan");
    let stages: [(&str, f64); 5] = [
        (
            "read + structure + rules (plan_bytes)",
            time(&|| {
                black_box(plan_bytes(black_box(RECIPE), &plan_options));
            }),
        ),
        (
            "build the objects (render)",
            time(&|| {
                black_box(manifest::render(&plan, &options).expect("renders"));
            }),
        ),
        (
            "write YAML (to_yaml)",
            time(&|| {
                black_box(manifest::to_yaml(black_box(&manifests)).expect("yaml"));
            }),
        ),
        (
            "serde_json: parse the recipe into a Value",
            time(&|| {
                black_box(
                    serde_json::from_slice::<serde_json::Value>(black_box(RECIPE)).expect("json"),
                );
            }),
        ),
        ("serde_json: serialize the objects", serialize),
    ];
    for (stage, seconds) in stages {
        println!(
            "  {stage:<45} {:>7.1} µs  ({:.1}× serde_json's serialization)",
            seconds * 1e6,
            seconds / serialize
        );
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
