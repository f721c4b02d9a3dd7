use super::*;
use crate::sim::{Load, RateProfile, RequestShape};
use crate::{PlanOptions, plan_bytes};

const EXAMPLE: &[u8] = include_bytes!("../../../fixtures/recipes/autoscaling-example.json");

fn example() -> Plan {
    plan_bytes(EXAMPLE, &PlanOptions::default())
        .plan
        .expect("the example plans")
}

#[test]
fn objectives_read_as_written() {
    assert_eq!(
        Slo::parse("p95<5s").unwrap(),
        Slo {
            quantile: 95,
            bound_seconds: 5.0
        }
    );
    assert_eq!(Slo::parse(" P50 < 800ms ").unwrap().bound_seconds, 0.8);
    assert_eq!(Slo::parse("p95<2.5").unwrap().bound_seconds, 2.5);
    for bad in [
        "p99<5s", "p95>5s", "p95<", "p95<-1s", "p95<nan", "p95<1e9s", "", "latency",
    ] {
        assert!(Slo::parse(bad).is_err(), "{bad}");
    }
    assert_eq!(Slo::parse("p95<5s").unwrap().to_string(), "p95<5s");
}

#[test]
fn candidates_start_with_the_recipe_and_stay_in_bounds() {
    let plan = example();
    let space = SearchSpace::default();
    let first = candidates(&plan, &space).unwrap();
    assert_eq!(first[0], recipe_knobs(&plan).unwrap());
    assert!(first.len() > 30 && first.len() <= 1 + 16 * 9 + DEFAULT_SAMPLES as usize);
    assert!(first.iter().all(admissible));
    assert_eq!(first, candidates(&plan, &space).unwrap(), "deterministic");
    let other = candidates(
        &plan,
        &SearchSpace {
            seed: 7,
            ..SearchSpace::default()
        },
    )
    .unwrap();
    assert_ne!(first, other);
    let too_many = SearchSpace {
        thresholds: (1..=17).map(f64::from).collect(),
        ..SearchSpace::default()
    };
    assert!(matches!(
        candidates(&plan, &too_many),
        Err(TuneError::BadSpace(_))
    ));
    for bad in [
        SearchSpace {
            thresholds: vec![f64::NAN],
            ..SearchSpace::default()
        },
        SearchSpace {
            max_replicas: vec![0],
            ..SearchSpace::default()
        },
        SearchSpace {
            samples: MAX_SAMPLES + 1,
            ..SearchSpace::default()
        },
    ] {
        assert!(bad.validate().is_err(), "{bad:?}");
    }
}

#[test]
fn a_search_finds_settings_no_worse_than_the_recipe() {
    let plan = example();
    let scenario = Scenario {
        duration_seconds: 1800,
        load: Load::OpenLoop {
            rate: RateProfile::Constant { rps: 1.5 },
            requests: RequestShape::default(),
        },
        ..Scenario::default()
    };
    let slo = Slo::parse("p95<30s").unwrap();
    let space = SearchSpace {
        samples: 20,
        ..SearchSpace::default()
    };
    let result = tune(&plan, &scenario, &slo, &space).unwrap();
    assert!(result.recipe.is_recipe);
    let (chosen, recipe) = (&result.chosen, &result.recipe);
    assert!(
        chosen.seconds_over_slo <= recipe.seconds_over_slo || chosen.gpu_hours <= recipe.gpu_hours,
        "{result:#?}"
    );
    assert!(!result.front.is_empty());
    // Nothing on the front is dominated by anything evaluated, and it is sorted by cost.
    assert!(
        result
            .front
            .windows(2)
            .all(|pair| pair[0].gpu_hours <= pair[1].gpu_hours)
    );
    assert_eq!(result, tune(&plan, &scenario, &slo, &space).unwrap());
}

#[test]
fn the_patch_writes_only_what_changed_where_the_recipe_keeps_it() {
    let plan = example();
    let own = recipe_knobs(&plan).unwrap();
    let recipe: Value = serde_json::from_slice(EXAMPLE).unwrap();
    assert!(patch(&recipe, &own, &own).is_empty());
    let changed = Knobs {
        threshold: 0.3,
        window_seconds: 120,
        max_nodes: Some(3),
        ..own.clone()
    };
    let ops = patch(&recipe, &own, &changed);
    let paths: Vec<&str> = ops.iter().map(|o| o.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "/recipe_pod_autoscaling_params/scaling_threshold",
            "/recipe_pod_autoscaling_params/collect_metrics_timespan",
            "/recipe_node_autoscaling_params/max_nodes"
        ]
    );
    let written = write_recipe(&recipe, &ops);
    assert_eq!(
        written["recipe_pod_autoscaling_params"]["collect_metrics_timespan"],
        "2m"
    );
    let replanned = crate::plan_json(&written, &PlanOptions::default())
        .plan
        .expect("the written recipe plans");
    assert_eq!(recipe_knobs(&replanned).unwrap(), changed);
    // The search simulates exactly what the written recipe would.
    let short = Scenario {
        duration_seconds: 600,
        ..Scenario::default()
    };
    assert_eq!(
        simulate(&with_knobs(&plan, &changed).unwrap(), &short),
        simulate(&replanned, &short)
    );
    // A parameter written (misplaced) under the node parameters is changed there.
    let mut misplaced = recipe.clone();
    misplaced["recipe_node_autoscaling_params"]["scaling_threshold"] = 0.1.into();
    if let Some(pod) = misplaced["recipe_pod_autoscaling_params"].as_object_mut() {
        pod.remove("scaling_threshold");
    }
    let ops = patch(&misplaced, &own, &changed);
    assert_eq!(
        ops[0].path,
        "/recipe_node_autoscaling_params/scaling_threshold"
    );
}

#[test]
fn what_cannot_be_tuned_is_an_error() {
    let recipe: Value = serde_json::from_slice(EXAMPLE).unwrap();
    let mut fixed = recipe.clone();
    if let Some(object) = fixed.as_object_mut() {
        object.remove("recipe_pod_autoscaling_params");
    }
    let plan = crate::plan_json(&fixed, &PlanOptions::default())
        .plan
        .expect("plans");
    assert_eq!(
        candidates(&plan, &SearchSpace::default()),
        Err(TuneError::NotTunable)
    );
    assert!(select(&[], &Slo::parse("p95<5s").unwrap(), 60).is_err());
}
