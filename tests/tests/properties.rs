//! Properties that hold for every input: valid recipes validate clean, no input panics, canonicalisation and
//! autoscaling resolution are idempotent.

use corrino_core::manifest::{self, RenderOptions};
use corrino_core::recipe::{Recipe, canonical_name};
use corrino_core::{PlanOptions, Severity, plan_bytes};
use corrino_tests::valid_recipe;
use proptest::prelude::*;
use serde_json::Value;

/// The resolved pod autoscaling of a recipe, without the sources: only what takes effect.
fn resolved_values(recipe: &Value) -> Result<Value, TestCaseError> {
    fn strip_sources(value: &mut Value) {
        match value {
            Value::Object(members) => {
                if members.contains_key("source") && members.contains_key("value") {
                    *value = members.remove("value").unwrap_or(Value::Null);
                    strip_sources(value);
                } else {
                    members.values_mut().for_each(strip_sources);
                }
            }
            Value::Array(items) => items.iter_mut().for_each(strip_sources),
            _ => {}
        }
    }
    let bytes = serde_json::to_vec(recipe).expect("serialize");
    let planning = plan_bytes(&bytes, &PlanOptions::default());
    let diagnostics = planning.diagnostics;
    let plan = planning
        .preview
        .ok_or_else(|| TestCaseError::fail(format!("no plan: {diagnostics}")))?;
    prop_assert!(!diagnostics.has_errors(), "{}", diagnostics);
    let mut value = serde_json::to_value(&plan.pod_autoscaling).expect("json");
    strip_sources(&mut value);
    Ok(value)
}

/// The recipe's pod parameters rewritten with every resolved value, defaults included.
fn with_everything_explicit(recipe: &Value, resolved: &Value) -> Value {
    let mut recipe = recipe.clone();
    let r = resolved;
    let mut params = serde_json::json!({
        "min_replicas": r["min_replicas"],
        "max_replicas": r["max_replicas"],
        "collect_metrics_timespan": format!("{}s", r["window_seconds"]),
        "scaling_threshold": r["threshold"],
        "scaling_cooldown": r["cooldown_seconds"],
        "polling_interval": r["polling_interval_seconds"],
        "stabilization_window_down": r["stabilization_window_down_seconds"],
        "scaling_period_down": r["scaling_period_down_seconds"],
        "stabilization_window_up": r["stabilization_window_up_seconds"],
        "scaling_period_up": r["scaling_period_up_seconds"],
    });
    if let Some(query) = r["query"]["query"].as_str() {
        params["query"] = Value::from(query);
    }
    recipe["recipe_pod_autoscaling_params"] = params;
    recipe
}

fn arbitrary_json() -> impl Strategy<Value = Value> {
    let names: Vec<&'static str> = Recipe::FIELDS.to_vec();
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        ".{0,20}".prop_map(Value::String),
        prop::sample::select(vec![
            "service",
            "job",
            "VM.GPU.A10.2",
            "BM.GPU.MI300X.8",
            "1g.20gb",
            "8000",
            "5m",
            "/health"
        ])
        .prop_map(|s| Value::String(s.to_owned())),
    ];
    leaf.prop_recursive(6, 64, 8, move |inner| {
        let names = names.clone();
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop_oneof![
                        prop::sample::select(names).prop_map(str::to_owned),
                        "[a-z_]{1,12}"
                    ],
                    inner
                ),
                0..8
            )
            .prop_map(|members| Value::Object(members.into_iter().collect())),
        ]
    })
}

/// Strings made of the pieces that make a YAML reader take a scalar for something else: numbers, booleans, null,
/// infinities, indicators, `: ` and ` #`, quotes, escapes, controls, the byte-order mark.
fn tricky_scalar() -> impl Strategy<Value = String> {
    // Few enough that any two or three of them meet often.
    const PIECES: &[&str] = &[
        "5", "0x", "e3", ".", "-", "+", ":", " ", "#", "inf", "nan", "true", "No", "null", "~",
        "a", "é", "\"", "\\", "\n", "\u{85}", "\u{feff}", "[", "*", "<<",
    ];
    prop::collection::vec(prop::sample::select(PIECES), 0..5).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn generated_valid_recipes_validate_clean(recipe in valid_recipe()) {
        let bytes = serde_json::to_vec(&recipe).expect("serialize");
        let planning = plan_bytes(&bytes, &PlanOptions::default());
        let problems: Vec<_> = planning.diagnostics.iter().filter(|d| d.severity != Severity::Note).collect();
        prop_assert!(problems.is_empty(), "{problems:#?}\n{recipe:#}");
        prop_assert!(planning.plan.is_some());
    }

    #[test]
    fn generated_valid_recipes_render_deterministically(recipe in valid_recipe()) {
        let bytes = serde_json::to_vec(&recipe).expect("serialize");
        let plan = plan_bytes(&bytes, &PlanOptions::default()).plan.expect("plan");
        let options = RenderOptions::default();
        let first = manifest::render(&plan, &options).map_err(|d| TestCaseError::fail(d.to_string()))?;
        let second = manifest::render(&plan, &options).map_err(|d| TestCaseError::fail(d.to_string()))?;
        prop_assert_eq!(manifest::to_yaml(&first).expect("yaml"), manifest::to_yaml(&second).expect("yaml"));
        prop_assert_eq!(manifest::to_json(&first).expect("json"), manifest::to_json(&second).expect("json"));
    }

    #[test]
    fn generated_recipes_of_every_mode_render_deterministically(recipe in corrino_tests::valid_recipe_of_any_mode()) {
        let bytes = serde_json::to_vec(&recipe).expect("serialize");
        let planning = plan_bytes(&bytes, &PlanOptions::default());
        let errors: Vec<_> = planning.diagnostics.iter().filter(|d| d.severity == Severity::Error).collect();
        prop_assert!(errors.is_empty(), "{errors:#?}\n{recipe:#}");
        let plan = planning.plan.expect("plan");
        let options = RenderOptions::default();
        let first = manifest::render(&plan, &options).map_err(|d| TestCaseError::fail(format!("{d}\n{recipe:#}")))?;
        let second = manifest::render(&plan, &options).map_err(|d| TestCaseError::fail(d.to_string()))?;
        prop_assert_eq!(manifest::to_yaml(&first).expect("yaml"), manifest::to_yaml(&second).expect("yaml"));
        prop_assert_eq!(
            manifest::oci_documents(&first).expect("json"),
            manifest::oci_documents(&second).expect("json")
        );
        // Every object it would send has a request in the apply and the delete plans.
        let apply = corrino_core::apply::apply_plan(&first, &Default::default()).expect("apply plan");
        prop_assert_eq!(apply.steps.len(), first.iter().filter(|m| !m.is_oci()).count());
    }

    #[test]
    fn arbitrary_json_never_panics(value in arbitrary_json()) {
        let bytes = serde_json::to_vec(&value).expect("serialize");
        if let Some(plan) = plan_bytes(&bytes, &PlanOptions::default()).plan {
            // Rendering a plan of arbitrary input either succeeds or returns diagnostics; it never panics.
            let _ = manifest::render(&plan, &RenderOptions::default());
        }
        let yaml = yaml_serde::to_string(&value).expect("yaml");
        let _ = plan_bytes(yaml.as_bytes(), &PlanOptions::default());
    }

    #[test]
    fn arbitrary_values_in_a_real_recipe_never_panic(
        recipe in valid_recipe(),
        field in prop::sample::select(Recipe::FIELDS.to_vec()),
        value in arbitrary_json(),
    ) {
        let mut recipe = recipe;
        recipe[field] = value;
        let bytes = serde_json::to_vec(&recipe).expect("serialize");
        let planning = plan_bytes(&bytes, &PlanOptions::default());
        prop_assert!(planning.preview.is_some());
        prop_assert_eq!(planning.plan.is_some(), !planning.diagnostics.has_errors());
        for d in &planning.diagnostics {
            prop_assert!(d.path.is_empty() || d.path.starts_with('/'));
        }
    }

    #[test]
    fn written_yaml_reads_back_as_the_same_value(value in arbitrary_json()) {
        let yaml = corrino_core::yaml::to_string(&value).expect("yaml");
        let back: Value = yaml_serde::from_str(&yaml).map_err(|e| TestCaseError::fail(format!("{e}\n{yaml}")))?;
        prop_assert_eq!(back, value, "{}", yaml);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = plan_bytes(&bytes, &PlanOptions::default());
    }

    #[test]
    fn resolving_the_resolved_values_changes_nothing(recipe in valid_recipe()) {
        let resolved = resolved_values(&recipe)?;
        prop_assert!(resolved.is_object(), "{recipe:#}");
        let explicit = with_everything_explicit(&recipe, &resolved);
        prop_assert_eq!(resolved_values(&explicit)?, resolved);
    }

    #[test]
    fn advanced_parameters_resolve_the_same_under_the_node_parameters(recipe in valid_recipe()) {
        // Upstream's "Example 3" writes them there; they are moved, with a warning, to the same effect.
        let Some(node) = recipe.get("recipe_node_autoscaling_params").cloned() else {
            return Ok(());
        };
        let resolved = resolved_values(&recipe)?;
        let mut moved = recipe.clone();
        let pod = moved["recipe_pod_autoscaling_params"].as_object_mut().expect("pod params");
        let mut node = node.as_object().expect("node params").clone();
        for key in ["scaling_threshold", "collect_metrics_timespan", "scaling_period_up", "scaling_period_down",
                    "stabilization_window_up", "stabilization_window_down"] {
            if let Some(value) = pod.remove(key) {
                node.insert(key.to_owned(), value);
            }
        }
        moved["recipe_node_autoscaling_params"] = Value::Object(node);
        prop_assert_eq!(resolved_values(&moved)?, resolved);
    }

    #[test]
    fn canonicalisation_is_idempotent(name in ".{0,80}") {
        let once = canonical_name(&name);
        prop_assert_eq!(canonical_name(&once), once);
    }
}

proptest! {
    // Cheap cases, and a bug needs the right two or three pieces side by side: many cases.
    #![proptest_config(ProptestConfig { cases: 8192, ..ProptestConfig::default() })]

    #[test]
    fn written_strings_read_back_as_the_same_strings(text in tricky_scalar()) {
        let value = serde_json::json!({ text.clone(): [text] });
        let yaml = corrino_core::yaml::to_string(&value).expect("yaml");
        let back: Value = yaml_serde::from_str(&yaml).map_err(|e| TestCaseError::fail(format!("{e}\n{yaml}")))?;
        prop_assert_eq!(back, value, "{}", yaml);
    }
}

/// How YAML readers resolve a plain scalar, written from their specifications and sources, for the property below:
/// PyYAML's resolver (YAML 1.1: yes/no/on/off, sexagesimal `1:20`, `0b`, old octal `017`, `1_000`, timestamps, `=`
/// and `<<`), the YAML 1.1 boolean list that Go's yaml.v3 documents (`y`, `n` too), and YAML 1.2's core schema as
/// js-yaml and yaml.v3 read it (`0o17`, `0x1f`, `.inf`, `1e3`), plus js-yaml's timestamps and merge key. A plain
/// scalar any of them matches is read as something other than a string.
mod resolvers {
    use regex::Regex;
    use std::sync::LazyLock;

    static NOT_STRINGS: LazyLock<Vec<Regex>> = LazyLock::new(|| {
        [
            // YAML 1.1 booleans (PyYAML; the spec and yaml.v3 add y/Y/n/N).
            r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$",
            // YAML 1.1 floats (PyYAML).
            r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
            // YAML 1.1 integers (PyYAML).
            r"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$",
            // Merge key, null, value key (PyYAML), timestamps (PyYAML and js-yaml).
            r"^(?:<<|~|null|Null|NULL|=|)$",
            r"^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$",
            // YAML 1.2 core integers and floats (js-yaml also takes `_` between digits; yaml.v3 reads base-0 Go integers).
            r"^[-+]?(?:0b[01_]+|0o[0-7_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*)$",
            r"^(?:[-+]?(?:\.[0-9][0-9_]*|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        ]
        .iter()
        .map(|r| Regex::new(r).expect("regex"))
        .collect()
    });

    /// Whether some reader takes the plain scalar `text` for something other than a string.
    pub fn not_a_string(text: &str) -> bool {
        NOT_STRINGS.iter().any(|r| r.is_match(text))
    }

    /// Whether a written number reads as a float under YAML 1.1 (PyYAML) and YAML 1.2 alike.
    pub fn float_everywhere(text: &str) -> bool {
        NOT_STRINGS[1].is_match(text) && NOT_STRINGS[6].is_match(text)
    }
}

/// Pieces of the scalars that YAML 1.1 and 1.2 readers resolve: digits, signs, dots, underscores, colons, exponent
/// and radix letters, timestamp parts, words.
fn resolver_scalar() -> impl Strategy<Value = String> {
    const PIECES: &[&str] = &[
        "0",
        "1",
        "7",
        "12",
        "59",
        "2001",
        "-",
        "+",
        ".",
        "_",
        ":",
        "e",
        "E",
        "x",
        "o",
        "b",
        "T",
        "t",
        "Z",
        " ",
        "\t",
        "inf",
        "Inf",
        "nan",
        "NaN",
        "y",
        "Y",
        "n",
        "on",
        "Off",
        "yes",
        "NO",
        "true",
        "~",
        "null",
        "=",
        "<<",
        "0x",
        "0o",
        "0b",
        "1:20",
        "2001-12-14",
        "21:59:43",
        "-05:00",
        ".5",
        "a",
        "2001-12-14T21:59:43Z",
        "2001-12-14 21:59:43.10 -5",
        "2002-1-1t1:00:00",
    ];
    prop::collection::vec(prop::sample::select(PIECES), 1..5).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8192, ..ProptestConfig::default() })]

    #[test]
    fn plain_scalars_are_strings_to_every_reader(text in resolver_scalar()) {
        let yaml = corrino_core::yaml::to_string(&serde_json::json!([text.clone()])).expect("yaml");
        let written = yaml.strip_prefix("- ").and_then(|y| y.strip_suffix('\n')).expect("one item");
        if !written.starts_with('"') {
            prop_assert_eq!(written, text.as_str());
            prop_assert!(!resolvers::not_a_string(written), "{:?} is written plain, and a reader takes it for no string", written);
        }
    }

    #[test]
    fn written_floats_are_floats_to_every_reader(value in any::<f64>().prop_filter("finite", |v| v.is_finite())) {
        let yaml = corrino_core::yaml::to_string(&value).expect("yaml");
        let written = yaml.trim_end();
        prop_assert!(resolvers::float_everywhere(written), "{} is not a float to every reader", written);
        prop_assert_eq!(written.parse::<f64>().ok(), Some(value));
    }
}
