//! The serving model against every published point of `fixtures/calibration/points.json`.

use crate::model::ModelCatalog;
use serde_json::Value;

use super::*;
use crate::sim::load::Arrival;
use crate::sim::metrics::LatencyBuckets;
use crate::sim::serving::Engine;

const POINTS: &str = include_str!("../../../../fixtures/calibration/points.json");

fn text<'a>(point: &'a Value, key: &str) -> &'a str {
    point[key].as_str().unwrap_or_default()
}

fn number(point: &Value, key: &str) -> f64 {
    point[key].as_f64().unwrap_or(f64::NAN)
}

/// The serving model the point's setup gets.
fn model_for(point: &Value) -> ServingModel {
    let catalog = ModelCatalog::builtin();
    let spec = catalog
        .get(text(point, "model"))
        .unwrap_or_else(|| panic!("{} is in the catalog", text(point, "model")));
    let format = match text(point, "weights") {
        "fp8" => WeightFormat::Bits8,
        _ => WeightFormat::Float16,
    };
    let shape = ModelShape::of(spec, format, 2);
    let memory_gb = point["memory_gb"].as_u64().unwrap_or(80) as u32;
    serving_model(&Replica {
        gpu: gpu_figures(text(point, "gpu"), memory_gb).expect("a GPU with figures"),
        memory_gb,
        gpu_share: 1.0,
        tensor_parallel: point["tensor_parallel"].as_u64().unwrap_or(1) as u32,
        model: &shape,
        generation: Generation::of(VllmVersion::parse(text(point, "vllm"))),
        kv_cache_tokens: None,
    })
}

/// The mean end-to-end latency of `count` requests arriving evenly at `rate` per second, served by one engine.
fn mean_latency(model: &ServingModel, rate: f64, input: f64, output: f64, count: u32) -> f64 {
    let buckets = LatencyBuckets::vllm();
    let mut engine = Engine::new(0);
    let mut done = Vec::new();
    let dt = 0.005;
    let mut sent = 0;
    let mut step = 0u32;
    while step < 2_000_000 {
        let t = f64::from(step) * dt;
        while sent < count && f64::from(sent) / rate < t + dt {
            engine.enqueue(Arrival {
                count: 1,
                at: f64::from(sent) / rate,
                input_tokens: input,
                output_tokens: output,
            });
            sent += 1;
        }
        engine.step(model, &buckets, t, dt, &mut done);
        if sent == count && engine.in_flight() == 0 {
            break;
        }
        step += 1;
    }
    let total: f64 = done.iter().map(|c| c.latency * f64::from(c.count)).sum();
    total / f64::from(count)
}

fn predict(point: &Value) -> f64 {
    let model = model_for(point);
    match text(point, "metric") {
        "itl_seconds" => {
            let running = number(point, "running");
            model.decode_step_seconds
                + running * model.decode_step_seconds_per_sequence
                + running * number(point, "context_tokens") * model.decode_step_seconds_per_kv_token
        }
        "e2e_mean_seconds" => mean_latency(
            &model,
            number(point, "rate_rps"),
            number(point, "input_tokens"),
            number(point, "output_tokens"),
            300,
        ),
        other => panic!("unknown metric {other}"),
    }
}

/// Mean absolute percentage error of the points `keep` selects, and how many.
fn mape(rows: &[(Value, f64)], keep: impl Fn(&Value) -> bool) -> (f64, usize) {
    let errors: Vec<f64> = rows
        .iter()
        .filter(|(p, _)| p.get("excluded").is_none() && keep(p))
        .map(|(p, predicted)| (predicted / number(p, "value") - 1.0).abs())
        .collect();
    (
        errors.iter().sum::<f64>() / errors.len().max(1) as f64,
        errors.len(),
    )
}

#[test]
fn the_serving_model_matches_published_measurements() {
    let document: Value = serde_json::from_str(POINTS).expect("the fixture is JSON");
    let points = document["points"].as_array().expect("points");
    let rows: Vec<(Value, f64)> = points.iter().map(|p| (p.clone(), predict(p))).collect();
    println!(
        "{:<58} {:>9} {:>9} {:>6}",
        "point", "published", "model", "error"
    );
    for (point, predicted) in &rows {
        let value = number(point, "value");
        let mark = if point.get("excluded").is_some() {
            " (excluded)"
        } else if point["held_out"].as_bool() == Some(true) {
            " (held out)"
        } else {
            ""
        };
        println!(
            "{:<58} {value:>9.4} {predicted:>9.4} {:>+5.0}%{mark}",
            text(point, "id"),
            100.0 * (predicted / value - 1.0)
        );
    }
    let held = |p: &Value| p["held_out"].as_bool() == Some(true);
    let (fitted, n_fitted) = mape(&rows, |p| !held(p));
    let (held_out, n_held) = mape(&rows, held);
    let (all, n_all) = mape(&rows, |_| true);
    println!("fitted points:   {:>5.1} % over {n_fitted}", 100.0 * fitted);
    println!("held-out points: {:>5.1} % over {n_held}", 100.0 * held_out);
    println!("all points:      {:>5.1} % over {n_all}", 100.0 * all);
    for gpu in ["A100", "H100"] {
        for generation in ["0.5", "0.8"] {
            let (error, n) = mape(&rows, |p| {
                text(p, "gpu") == gpu && text(p, "vllm").starts_with(generation)
            });
            println!("{gpu} vLLM {generation}: {:>5.1} % over {n}", 100.0 * error);
        }
    }
    // Guards against a change that makes the model worse; the figures above are the ones the README quotes.
    assert!(fitted <= 0.08, "fitted points: {fitted}");
    assert!(held_out <= 0.20, "held-out points: {held_out}");
    assert!(all <= 0.12, "all points: {all}");
}

#[test]
fn the_golden_chat_load_neither_saturates_an_a100_nor_misses_the_h100_measurement() {
    // inference-sim's golden run: Llama 3.1 8B, 10 requests/s of 354 prompt and 215 completion tokens, vLLM
    // 0.8.4 on one H100: a mean of 2.01 s. Its fitted A100 coefficients give ≈ 17 ms steps and no saturation.
    let point = |gpu: &str| {
        serde_json::json!({"model": "meta-llama/Llama-3.1-8B-Instruct", "weights": "bf16", "gpu": gpu,
            "memory_gb": 80, "tensor_parallel": 1, "vllm": "0.9.1"})
    };
    let h100 = model_for(&point("H100"));
    let latency = mean_latency(&h100, 10.0, 354.0, 215.0, 300);
    assert!((1.8..2.2).contains(&latency), "{latency}");
    let a100 = model_for(&point("A100"));
    // No saturation: twice as many requests do not wait longer (inference-sim's coefficients give ≈ 5 s; this
    // model's steeper A100 slope, fitted mostly to vLLM 0.5.4, gives about twice that).
    let latency = mean_latency(&a100, 10.0, 354.0, 215.0, 300);
    let longer = mean_latency(&a100, 10.0, 354.0, 215.0, 600);
    assert!(
        latency < 12.0 && longer < latency * 1.1,
        "{latency} {longer}"
    );
    assert!(a100.step_seconds(32, 32.0 * 600.0) < 0.03, "{a100:?}");
}

#[test]
fn the_release_picks_the_measurements() {
    assert_eq!(Generation::of(VllmVersion::parse("0.9.1")), Generation::V1);
    assert_eq!(Generation::of(VllmVersion::parse("0.8.0")), Generation::V1);
    assert_eq!(Generation::of(VllmVersion::parse("0.6.6")), Generation::V0);
    assert_eq!(Generation::of(None), Generation::V1);
    let spec = ModelCatalog::builtin();
    let spec = spec
        .get("meta-llama/Llama-3.1-8B-Instruct")
        .expect("in the catalog");
    let shape = ModelShape::of(spec, WeightFormat::Float16, 2);
    let replica = |generation| Replica {
        gpu: gpu_figures("H100", 80).expect("figures"),
        memory_gb: 80,
        gpu_share: 1.0,
        tensor_parallel: 1,
        model: &shape,
        generation,
        kv_cache_tokens: None,
    };
    let old = serving_model(&replica(Generation::V0));
    let new = serving_model(&replica(Generation::V1));
    // At 64 running sequences vLLM 0.5's CPU work makes a step about twice as long.
    let ratio = old.step_seconds(64, 64_000.0) / new.step_seconds(64, 64_000.0);
    assert!((1.5..3.0).contains(&ratio), "{ratio}");
}

#[test]
fn the_example_recipe_is_an_a10_estimate_for_vllm_0_9_1() {
    let bytes = include_bytes!("../../../../fixtures/recipes/autoscaling-example.json");
    let plan = crate::plan_bytes(bytes, &crate::PlanOptions::default())
        .plan
        .expect("plans");
    let crate::Plan::Service(service) = plan else {
        panic!("a service")
    };
    let (model, basis) = for_service(&service, 1.0).expect("an A10 has figures");
    assert_eq!(basis.vllm_version.as_deref(), Some("0.9.1"));
    assert_eq!(basis.generation, Generation::V1);
    assert!(basis.estimate && basis.gpu.starts_with("A10 (no measurement"));
    assert_eq!(basis.model, "Llama 3.1 8B");
    assert!((model.decode_step_seconds - ServingModel::a10_8b().decode_step_seconds).abs() < 1e-4);
}
