//! Every ScaledObject corrino renders holds only fields its target's KEDA CRD names: the API server prunes an unknown
//! field of a custom resource without a word (a `tolerance` sent to KEDA 2.17 is dropped and the HPA never sees it),
//! so a field the target's CRD lacks is a setting silently lost.
//!
//! Rendered: every fixture recipe with pod autoscaling, in each scrape mode, for each target (every KEDA release
//! modelled, on every Kubernetes minor modelled). Each object is walked along the `openAPIV3Schema` of its release's
//! CRD from `../shared/reference/`: every field must be named there (or sit where the schema preserves unknown
//! fields), with the type, enum values, minimum and required fields the schema gives. The CEL rules are not
//! evaluated.
//!
//! The reference holds the CRDs of v2.17.0 and v2.20.2. The ScaledObject's spec fields are the same from v2.17.0 to
//! v2.17.3 and from v2.18.0 to v2.20.2 (`config/crd/bases/keda.sh_scaledobjects.yaml` compared tag by tag: v2.18.0
//! added `behavior.scaleUp/scaleDown.tolerance`, later tags only status fields), so a release is checked against
//! v2.17.0's CRD when it prunes `tolerance` ([`KedaVersion::supports_tolerance`]) and v2.20.2's otherwise.
//!
//! Without the reference the test says so and passes, unless `CORRINO_REQUIRE_KEDA_CRDS=1` is set, as
//! `scripts/test-all.sh` does where the reference is present (in CI).

use std::path::PathBuf;

use corrino_core::manifest::{self, Manifest, RenderOptions, ScrapeMode};
use corrino_core::{KedaVersion, KubernetesVersion, PlanOptions, Target, plan_bytes};
use serde_json::Value;

use corrino_test_support as support;
use support::{fixture_render_options, json_recipes, workspace};

const REQUIRE: &str = "CORRINO_REQUIRE_KEDA_CRDS";

/// The ScaledObject CRDs of v2.17.0 and v2.20.2, when the reference is beside the project.
fn crds() -> Option<(Value, Value)> {
    let reference = workspace().join("../shared/reference");
    let read = |relative: &str| -> Option<Value> {
        let path: PathBuf = reference.join(relative);
        let text = std::fs::read_to_string(&path).ok()?;
        Some(yaml_serde::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
    };
    match (
        read("keda-2.17/keda.sh_scaledobjects.yaml"),
        read("keda/keda.sh_scaledobjects.yaml"),
    ) {
        (Some(old), Some(new)) => Some((old, new)),
        _ => {
            assert!(
                std::env::var_os(REQUIRE).is_none(),
                "{REQUIRE} is set but the KEDA CRDs are not in ../shared/reference"
            );
            eprintln!(
                "the KEDA CRDs of ../shared/reference are absent: the pruning check is skipped"
            );
            None
        }
    }
}

/// The `openAPIV3Schema` of a CRD's only version.
fn schema(crd: &Value) -> &Value {
    &crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]
}

/// Every way `value` departs from `schema`, each as `<path>: <what>`.
fn walk(value: &Value, schema: &Value, path: &str, problems: &mut Vec<String>) {
    if schema["x-kubernetes-preserve-unknown-fields"] == true {
        return;
    }
    if schema["x-kubernetes-int-or-string"] == true {
        if !(value.is_string() || value.is_i64() || value.is_u64()) {
            problems.push(format!(
                "{path}: {value} is neither an integer nor a string"
            ));
        }
        return;
    }
    match schema["type"].as_str() {
        Some("object") => {
            let Some(members) = value.as_object() else {
                problems.push(format!("{path}: {value} is not an object"));
                return;
            };
            for (key, member) in members {
                let at = format!("{path}/{key}");
                match (
                    schema["properties"].get(key),
                    &schema["additionalProperties"],
                ) {
                    (Some(field), _) => walk(member, field, &at, problems),
                    (None, map @ Value::Object(_)) => walk(member, map, &at, problems),
                    (None, _) => problems.push(format!(
                        "{at}: the CRD does not name this field, so the API server prunes it"
                    )),
                }
            }
            for required in schema["required"].as_array().into_iter().flatten() {
                let name = required.as_str().unwrap_or_default();
                if !members.contains_key(name) {
                    problems.push(format!("{path}: `{name}` is required"));
                }
            }
        }
        Some("array") => match value.as_array() {
            Some(items) => {
                for (i, item) in items.iter().enumerate() {
                    walk(item, &schema["items"], &format!("{path}/{i}"), problems);
                }
            }
            None => problems.push(format!("{path}: {value} is not an array")),
        },
        Some("string") if !value.is_string() => {
            problems.push(format!("{path}: {value} is not a string"));
        }
        Some("integer") => match value.as_i64() {
            Some(n) => {
                if let Some(minimum) = schema["minimum"].as_i64()
                    && n < minimum
                {
                    problems.push(format!("{path}: {n} is below the minimum {minimum}"));
                }
            }
            None => problems.push(format!("{path}: {value} is not an integer")),
        },
        Some("boolean") if !value.is_boolean() => {
            problems.push(format!("{path}: {value} is not a boolean"));
        }
        Some("string" | "boolean") => {}
        Some(other) => problems.push(format!("{path}: the walk does not know type `{other}`")),
        None => {}
    }
    if let Some(allowed) = schema["enum"].as_array()
        && !allowed.contains(value)
    {
        problems.push(format!("{path}: {value} is not one of {allowed:?}"));
    }
}

/// The problems of a rendered ScaledObject against a CRD: the spec is walked, `apiVersion` and `kind` compared.
fn check(object: &Value, crd: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let group = crd["spec"]["group"].as_str().unwrap_or_default();
    let version = crd["spec"]["versions"][0]["name"]
        .as_str()
        .unwrap_or_default();
    if object["apiVersion"] != format!("{group}/{version}").as_str()
        || object["kind"] != crd["spec"]["names"]["kind"]
    {
        problems.push(format!(
            "{} {} is not this CRD's kind",
            object["apiVersion"], object["kind"]
        ));
    }
    walk(
        &object["spec"],
        &schema(crd)["properties"]["spec"],
        "/spec",
        &mut problems,
    );
    problems
}

fn targets() -> impl Iterator<Item = Target> {
    KedaVersion::ALL.into_iter().flat_map(|keda| {
        KubernetesVersion::ALL
            .into_iter()
            .map(move |kubernetes| Target { keda, kubernetes })
    })
}

#[test]
fn rendered_scaled_objects_hold_only_fields_their_targets_crd_names() {
    let Some((old, new)) = crds() else {
        return;
    };
    let mut checked = 0;
    let mut failures = Vec::new();
    for path in json_recipes() {
        let stem = path.file_stem().and_then(|s| s.to_str()).expect("stem");
        let bytes = std::fs::read(&path).expect("read");
        for target in targets() {
            let plan_options = PlanOptions {
                target,
                ..PlanOptions::default()
            };
            let Some(plan) = plan_bytes(&bytes, &plan_options).plan else {
                continue;
            };
            let crd = if target.keda.supports_tolerance() {
                &new
            } else {
                &old
            };
            for scrape in [
                ScrapeMode::Annotations,
                ScrapeMode::PodMonitor,
                ScrapeMode::ServiceMonitor,
                ScrapeMode::None,
            ] {
                let options = RenderOptions {
                    scrape,
                    keda: target.keda,
                    kubernetes: target.kubernetes,
                    ..fixture_render_options()
                };
                let manifests = manifest::render(&plan, &options)
                    .unwrap_or_else(|d| panic!("{stem} does not render for {target}:\n{d}"));
                for object in manifests.iter().filter_map(|m| match m {
                    Manifest::ScaledObject(object) => Some(object),
                    _ => None,
                }) {
                    let json = serde_json::to_value(object).expect("json");
                    checked += 1;
                    for problem in check(&json, crd) {
                        failures.push(format!("{stem} ({scrape:?}, {target}): {problem}"));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Several fixtures autoscale; each renders once per scrape mode and target.
    let per_fixture = 4 * KedaVersion::ALL.len() * KubernetesVersion::ALL.len();
    assert!(
        checked >= 3 * per_fixture && checked % per_fixture == 0,
        "{checked} ScaledObjects checked"
    );
    eprintln!("{checked} ScaledObjects hold only fields their target's CRD names");
}

#[test]
fn the_walk_finds_what_the_2_17_crd_prunes() {
    let Some((old, new)) = crds() else {
        return;
    };
    // The reference agrees with the releases' model: 2.17's CRD has no `tolerance`, 2.20.2's has it.
    let behavior = |crd: &Value| {
        schema(crd)["properties"]["spec"]["properties"]["advanced"]["properties"]
            ["horizontalPodAutoscalerConfig"]["properties"]["behavior"]["properties"]["scaleUp"]
            ["properties"]
            .clone()
    };
    assert!(
        !KedaVersion::V2_17_3.supports_tolerance() && behavior(&old).get("tolerance").is_none()
    );
    assert!(KedaVersion::V2_20_2.supports_tolerance() && behavior(&new).get("tolerance").is_some());

    let planning = plan_bytes(
        &std::fs::read(workspace().join("fixtures/recipes/autoscaling-example.json"))
            .expect("read"),
        &PlanOptions::default(),
    );
    let manifests =
        manifest::render(&planning.plan.expect("plan"), &RenderOptions::default()).expect("render");
    let mut object = manifests
        .iter()
        .find_map(|m| match m {
            Manifest::ScaledObject(object) => serde_json::to_value(object).ok(),
            _ => None,
        })
        .expect("a ScaledObject");
    assert!(check(&object, &old).is_empty());
    let scale_up =
        &mut object["spec"]["advanced"]["horizontalPodAutoscalerConfig"]["behavior"]["scaleUp"];
    scale_up["tolerance"] = "0.05".into();
    assert_eq!(
        check(&object, &old),
        [
            "/spec/advanced/horizontalPodAutoscalerConfig/behavior/scaleUp/tolerance: the CRD does not name this field, so the API server prunes it"
        ]
    );
    assert!(check(&object, &new).is_empty());
    object["spec"]["pollingInterval"] = 0.into();
    object["spec"]["triggers"][0]["metricType"] = "Ratio".into();
    assert_eq!(
        check(&object, &new),
        ["/spec/pollingInterval: 0 is below the minimum 1"],
        "metricType is a free string in the CRD; KEDA refuses other values itself"
    );
}
