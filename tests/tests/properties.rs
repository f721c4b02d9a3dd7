//! Properties that hold for every input: valid recipes validate clean, no input panics, canonicalisation is
//! idempotent.

use corrino_core::manifest::{self, RenderOptions};
use corrino_core::recipe::{Recipe, canonical_name};
use corrino_core::{PlanOptions, Severity, plan_bytes};
use corrino_tests::valid_recipe;
use proptest::prelude::*;
use serde_json::Value;

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

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn generated_valid_recipes_validate_clean(recipe in valid_recipe()) {
        let bytes = serde_json::to_vec(&recipe).expect("serialize");
        let (plan, diagnostics) = plan_bytes(&bytes, &PlanOptions::default());
        let problems: Vec<_> = diagnostics.iter().filter(|d| d.severity != Severity::Info).collect();
        prop_assert!(problems.is_empty(), "{problems:#?}\n{recipe:#}");
        prop_assert!(plan.expect("plan").is_renderable());
    }

    #[test]
    fn generated_valid_recipes_render_deterministically(recipe in valid_recipe()) {
        let bytes = serde_json::to_vec(&recipe).expect("serialize");
        let (plan, _) = plan_bytes(&bytes, &PlanOptions::default());
        let plan = plan.expect("plan");
        let options = RenderOptions::default();
        let first = manifest::render(&plan, &options).map_err(|d| TestCaseError::fail(d.to_string()))?;
        let second = manifest::render(&plan, &options).map_err(|d| TestCaseError::fail(d.to_string()))?;
        prop_assert_eq!(manifest::to_yaml(&first).expect("yaml"), manifest::to_yaml(&second).expect("yaml"));
        prop_assert_eq!(manifest::to_json(&first).expect("json"), manifest::to_json(&second).expect("json"));
    }

    #[test]
    fn arbitrary_json_never_panics(value in arbitrary_json()) {
        let bytes = serde_json::to_vec(&value).expect("serialize");
        if let (Some(plan), _) = plan_bytes(&bytes, &PlanOptions::default()) {
            // Rendering a plan of arbitrary input either succeeds or returns diagnostics; it never panics.
            let _ = manifest::render(&plan, &RenderOptions::default());
        }
        let yaml = serde_yaml::to_string(&value).expect("yaml");
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
        let (plan, diagnostics) = plan_bytes(&bytes, &PlanOptions::default());
        prop_assert!(plan.is_some());
        for d in &diagnostics {
            prop_assert!(d.path.is_empty() || d.path.starts_with('/'));
        }
    }

    #[test]
    fn written_yaml_reads_back_as_the_same_value(value in arbitrary_json()) {
        let yaml = corrino_core::yaml::to_string(&value).expect("yaml");
        let back: Value = serde_yaml::from_str(&yaml).map_err(|e| TestCaseError::fail(format!("{e}\n{yaml}")))?;
        prop_assert_eq!(back, value, "{}", yaml);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = plan_bytes(&bytes, &PlanOptions::default());
    }

    #[test]
    fn canonicalisation_is_idempotent(name in ".{0,80}") {
        let once = canonical_name(&name);
        prop_assert_eq!(canonical_name(&once), once);
    }
}
