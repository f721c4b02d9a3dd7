//! `render`: parse + validate + plan + render to YAML of the autoscaling fixture, measured beside serializing the
//! same output objects with serde_json alone. The ratio (render time / serialization time) is printed; the target
//! is at most 3.
//!
//! It also prints a floor: what reading the recipe, making and freeing the output objects (a `clone`, with no
//! logic at all: every string of an owned k8s-openapi object is its own allocation) and writing their YAML cost,
//! each timed alone with warm caches. A pipeline through this reader, these objects and this writer cannot do
//! less, whatever its validation and planning cost.

use std::hint::black_box;
use std::time::{Duration, Instant};

use corrino_core::manifest::{self, RenderOptions};
use corrino_core::{PlanOptions, plan_bytes};
use criterion::{Criterion, criterion_group, criterion_main};

const RECIPE: &[u8] = include_bytes!("../../fixtures/recipes/autoscaling-example.json");

fn render_yaml(plan_options: &PlanOptions, options: &RenderOptions) -> String {
    let rendered =
        manifest::render_bytes(black_box(RECIPE), plan_options, options).expect("renders");
    manifest::to_yaml(&rendered.manifests).expect("yaml")
}

fn bench(c: &mut Criterion) {
    let plan_options = PlanOptions::default();
    let options = RenderOptions::default();
    let plan = plan_bytes(RECIPE, &plan_options).plan.expect("plan");
    let manifests = manifest::render(&plan, &options).expect("renders");

    let mut group = c.benchmark_group("render");
    group.bench_function("parse+validate+plan+render to YAML", |b| {
        b.iter(|| render_yaml(&plan_options, &options));
    });
    group.bench_function("serde_json of the rendered objects", |b| {
        b.iter(|| serde_json::to_string(black_box(&manifests)).expect("json"));
    });
    group.finish();

    // The same two, timed in alternating short rounds so that the machine's drift (other work, clock changes)
    // falls on both alike; the ratio is the median of the rounds' ratios.
    let time = |f: &dyn Fn(), millis: u64| -> f64 {
        let start = Instant::now();
        let mut n = 0u32;
        while start.elapsed() < Duration::from_millis(millis) {
            f();
            n += 1;
        }
        start.elapsed().as_secs_f64() / f64::from(n)
    };
    let render_once = || {
        black_box(render_yaml(&plan_options, &options));
    };
    let serialize_once = || {
        black_box(serde_json::to_string(black_box(&manifests)).expect("json"));
    };
    let median = |mut values: Vec<f64>| -> f64 {
        values.sort_by(f64::total_cmp);
        values[values.len() / 2]
    };
    let rounds: Vec<(f64, f64)> = (0..60)
        .map(|_| (time(&render_once, 25), time(&serialize_once, 25)))
        .collect();
    let render = median(rounds.iter().map(|r| r.0).collect());
    let serialize = median(rounds.iter().map(|r| r.1).collect());
    println!(
        "render {:.1} µs, serde_json alone {:.1} µs: ratio {:.2} (target ≤ 3)",
        render * 1e6,
        serialize * 1e6,
        median(rounds.iter().map(|(r, s)| r / s).collect())
    );
    // Where the time goes, stage by stage, beside the two yardsticks serde_json gives.
    let time = |f: &dyn Fn()| time(f, 500);
    let read = time(&|| {
        black_box(corrino_core::document::read(
            black_box(RECIPE),
            corrino_core::Format::Json,
        ));
    });
    let clone = time(&|| {
        black_box(black_box(&manifests).clone());
    });
    let yaml = time(&|| {
        black_box(manifest::to_yaml(black_box(&manifests)).expect("yaml"));
    });
    let stages: [(&str, f64); 8] = [
        (
            "read + structure + rules (plan_bytes)",
            time(&|| {
                black_box(plan_bytes(black_box(RECIPE), &plan_options));
            }),
        ),
        ("  of which reading the recipe (document::read)", read),
        (
            "build the objects (render)",
            time(&|| {
                black_box(manifest::render(&plan, &options).expect("renders"));
            }),
        ),
        ("  the same objects cloned and dropped", clone),
        ("write YAML (to_yaml)", yaml),
        (
            "serde_json: parse the recipe into a Value",
            time(&|| {
                black_box(
                    serde_json::from_slice::<serde_json::Value>(black_box(RECIPE)).expect("json"),
                );
            }),
        ),
        ("serde_json: serialize the objects", serialize),
        (
            "floor: read + clone and drop + write YAML",
            read + clone + yaml,
        ),
    ];
    for (stage, seconds) in stages {
        println!(
            "  {stage:<48} {:>7.1} µs  ({:.1}× serde_json's serialization)",
            seconds * 1e6,
            seconds / serialize
        );
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
