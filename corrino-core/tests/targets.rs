//! The target (KEDA and Kubernetes releases) flows from the options through planning to rendering and simulation:
//! the ScaledObject holds what the target's KEDA admits without a warning, the plan's diagnostics are the target's,
//! rendering refuses another target than the plan's, and the simulation runs the target's semantics.

use corrino_core::manifest::{self, Manifest, RenderOptions, ScaledObject};
use corrino_core::sim::{self, Scenario};
use corrino_core::target::admission;
use corrino_core::{Code, KedaVersion, KubernetesVersion, Plan, PlanOptions, Target, plan_json};

const EXAMPLE: &[u8] = include_bytes!("../../fixtures/recipes/autoscaling-example.json");

fn example(edit: impl FnOnce(&mut serde_json::Value)) -> serde_json::Value {
    let mut recipe: serde_json::Value = serde_json::from_slice(EXAMPLE).expect("json");
    edit(&mut recipe);
    recipe
}

fn target(keda: KedaVersion) -> Target {
    Target {
        keda,
        ..Target::default()
    }
}

fn plan(recipe: &serde_json::Value, target: Target) -> Plan {
    let planning = plan_json(
        recipe,
        &PlanOptions {
            target,
            ..PlanOptions::default()
        },
    );
    planning
        .plan
        .unwrap_or_else(|| panic!("plans: {}", planning.diagnostics))
}

fn scaled_object(recipe: &serde_json::Value, target: Target) -> ScaledObject {
    let options = RenderOptions {
        keda: target.keda,
        kubernetes: target.kubernetes,
        ..RenderOptions::default()
    };
    let manifests = manifest::render(&plan(recipe, target), &options).expect("renders");
    manifests
        .into_iter()
        .find_map(|m| match m {
            Manifest::ScaledObject(object) => Some(*object),
            _ => None,
        })
        .expect("a ScaledObject")
}

#[test]
fn timing_that_does_nothing_is_left_out_where_keda_would_warn() {
    // The fixture: min_replicas 1, polling_interval and scaling_cooldown unwritten (upstream's 15 s and 60 s).
    let recipe = example(|_| {});
    for keda in KedaVersion::ALL {
        let object = scaled_object(&recipe, target(keda));
        let quiet = keda < KedaVersion::V2_20_0;
        assert_eq!(object.spec.polling_interval, quiet.then_some(15), "{keda}");
        assert_eq!(object.spec.cooldown_period, quiet.then_some(60), "{keda}");
        let review = admission::review(keda, &object);
        assert!(
            review.admitted() && review.warnings.is_empty(),
            "{keda}: {review:?}"
        );
    }
    // Written, they are kept, and KEDA 2.20 warns about them (as planning says).
    let written = example(|r| {
        r["recipe_pod_autoscaling_params"]["polling_interval"] = 20.into();
        r["recipe_pod_autoscaling_params"]["scaling_cooldown"] = 120.into();
    });
    let object = scaled_object(&written, target(KedaVersion::V2_20_2));
    assert_eq!(
        (object.spec.polling_interval, object.spec.cooldown_period),
        (Some(20), Some(120))
    );
    assert_eq!(
        admission::review(KedaVersion::V2_20_2, &object)
            .warnings
            .len(),
        2
    );
    // At zero replicas both matter, and are rendered for every release.
    let zero = example(|r| {
        r["recipe_pod_autoscaling_params"]["min_replicas"] = 0.into();
        r["recipe_pod_autoscaling_params"]["query"] = "sum(vllm:num_requests_waiting)".into();
    });
    let object = scaled_object(&zero, target(KedaVersion::V2_20_2));
    assert_eq!(
        (object.spec.polling_interval, object.spec.cooldown_period),
        (Some(15), Some(60))
    );
}

#[test]
fn rendering_plans_for_the_options_target_and_refuses_another() {
    let recipe = example(|r| {
        r["recipe_pod_autoscaling_params"]["polling_interval"] = 20.into();
    });
    let bytes = serde_json::to_vec(&recipe).expect("json");
    let warned = |options: &RenderOptions| {
        manifest::render_bytes(&bytes, &PlanOptions::default(), options)
            .expect("renders")
            .diagnostics
            .iter()
            .filter(|d| d.code == Code::KedaAdmissionWarning)
            .count()
    };
    assert_eq!(warned(&RenderOptions::default()), 0);
    let newer = RenderOptions {
        keda: KedaVersion::V2_20_2,
        ..RenderOptions::default()
    };
    assert_eq!(warned(&newer), 1);
    let refused = manifest::render(&plan(&recipe, Target::default()), &newer)
        .expect_err("planned for 2.17.0");
    let messages: Vec<&str> = refused.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "render options `keda` and `kubernetes`: the plan was checked for KEDA 2.17.0 on Kubernetes 1.34, the options ask for KEDA 2.20.2 on Kubernetes 1.34"
        ]
    );
}

#[test]
fn simulations_run_the_plans_target() {
    let recipe = example(|r| {
        r["recipe_pod_autoscaling_params"]["scaling_threshold"] = 0.1005.into();
    });
    let scenario = Scenario {
        duration_seconds: 600,
        ..Scenario::default()
    };
    let settings = |target: Target| {
        sim::simulate(&plan(&recipe, target), &scenario)
            .expect("simulates")
            .settings
    };
    let old = settings(Target::default());
    assert_eq!(old.target, Target::default());
    // GetMetricTargetMili: 0.1005 × 1000 truncated to 100 on 2.17, "%.3f" rounds it to 0.101 from 2.20.0.
    assert_eq!(old.threshold_milli, 100);
    assert_eq!(
        (old.polling_interval_seconds, old.cooldown_seconds),
        (15, 60)
    );
    let new = Target {
        keda: KedaVersion::V2_20_2,
        kubernetes: KubernetesVersion::V1_37,
    };
    let newer = settings(new);
    assert_eq!(newer.target, new);
    assert_eq!(newer.threshold_milli, 101);
    // Left out of the ScaledObject, as rendered: KEDA's own defaults.
    assert_eq!(
        (newer.polling_interval_seconds, newer.cooldown_seconds),
        (30, 300)
    );
}
