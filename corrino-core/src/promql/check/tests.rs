use promql_parser::label::MatchOp;
use promql_parser::parser::{self, Expr};

use super::*;
use crate::diagnostic::{Code, Diagnostics, Pointer, Severity};
use crate::promql::DefaultQuery;
use crate::vllm::VllmVersion;

fn at() -> Pointer {
    Pointer::root()
        .key("recipe_pod_autoscaling_params")
        .key("query")
}

fn check(q: &str) -> Diagnostics {
    check_query(q, &at(), &QueryContext::default())
}

fn messages(d: &Diagnostics) -> String {
    d.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

/// A range selector's metric name, equality matchers and range.
type Selector = (String, Vec<(String, String)>, std::time::Duration);

/// The range selectors of a query, with their matchers, in order.
fn selectors(expr: &Expr) -> Vec<Selector> {
    fn go(expr: &Expr, out: &mut Vec<Selector>) {
        match expr {
            Expr::MatrixSelector(ms) => out.push((
                ms.vs.name.clone().unwrap_or_default(),
                ms.vs
                    .matchers
                    .matchers
                    .iter()
                    .map(|m| {
                        assert_eq!(m.op, MatchOp::Equal);
                        (m.name.clone(), m.value.clone())
                    })
                    .collect(),
                ms.range,
            )),
            Expr::Binary(b) => {
                go(&b.lhs, out);
                go(&b.rhs, out);
            }
            Expr::Paren(p) => go(&p.expr, out),
            Expr::Aggregate(a) => go(&a.expr, out),
            Expr::Call(c) => c.args.args.iter().for_each(|a| go(a, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    go(expr, &mut out);
    out
}

#[test]
fn default_query_parses_into_the_expected_tree() {
    let q = DefaultQuery::for_deployment(
        &crate::CanonicalName::new("x").expect("a name"),
        "default",
        300,
        crate::manifest::ScrapeMode::None,
    )
    .to_string();
    let expr = parser::parse(&q).expect("parses");
    let Expr::Binary(top) = &expr else {
        panic!("top is not a binary expression: {expr:?}")
    };
    assert_eq!(top.op.to_string(), "-");
    assert!(matches!(*top.lhs, Expr::NumberLiteral(ref n) if n.val == 1.0));
    let Expr::Paren(p) = &*top.rhs else {
        panic!("rhs is not parenthesised")
    };
    let Expr::Binary(div) = &*p.expr else {
        panic!("no division")
    };
    assert_eq!(div.op.to_string(), "/");
    for side in [&div.lhs, &div.rhs] {
        let Expr::Aggregate(sum) = &**side else {
            panic!("side is not an aggregation")
        };
        assert_eq!(sum.op.to_string(), "sum");
        assert!(sum.modifier.is_none());
        assert!(matches!(&*sum.expr, Expr::Call(c) if c.func.name == "rate"));
    }
    let sels = selectors(&expr);
    assert_eq!(sels.len(), 2);
    for (sel, le) in sels.iter().zip(["5.0", "+Inf"]) {
        assert_eq!(sel.0, "vllm:e2e_request_latency_seconds_bucket");
        assert_eq!(
            sel.1,
            vec![
                ("le".to_string(), le.to_string()),
                ("instance".to_string(), "recipe-x.default:80".to_string())
            ]
        );
        assert_eq!(sel.2, std::time::Duration::from_secs(300));
    }
    assert!(check(&q).is_empty(), "{}", messages(&check(&q)));
    assert!(is_ratio_query(&q));
    assert_eq!(upper_bound(&q), Some(1.0));
}

#[test]
fn escaped_values_round_trip_through_the_parser() {
    let mut tricky: Vec<String> = [
        "",
        "plain",
        r#"quote""#,
        r#"""#,
        r"back\slash",
        r"\",
        r"\\",
        r#"\""#,
        "new\nline",
        "tab\tand\rreturn",
        "modèle-ünïcode-日本語-😀",
        "}{][)(",
        "$__rate_interval",
        "'single'",
        "`back`",
        "# not a comment",
        "a=\"b\",c=\"d",
        "\u{7f}\u{1}",
    ]
    .iter()
    .map(ToString::to_string)
    .collect();
    // A deterministic pseudo-random sweep over an alphabet of troublemakers.
    let alphabet: Vec<char> = "\\\"'`\n\t\r{}[]()=,#$ aé😀\u{0}\u{85}\u{2028}"
        .chars()
        .collect();
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..300 {
        let mut s = String::new();
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let len = (state % 12) as usize;
        for _ in 0..len {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            s.push(alphabet[(state % alphabet.len() as u64) as usize]);
        }
        tricky.push(s);
    }
    for name in &tricky {
        let q = DefaultQuery {
            labels: vec![("model_name".to_string(), name.clone())],
            window_seconds: 300,
            latency_bound: crate::promql::LATENCY_BOUND.into(),
        }
        .to_string();
        let expr = parser::parse(&q).unwrap_or_else(|e| panic!("{name:?}: {e}\n{q}"));
        for sel in selectors(&expr) {
            assert_eq!(sel.1[1], ("model_name".to_string(), name.clone()), "{q}");
        }
    }
}

/// Queries from the Grafana dashboard upstream ships with its vLLM blueprints, with Grafana's variables replaced.
const DASHBOARD: &[&str] = &[
    r#"histogram_quantile(0.99, sum by(le) (rate(vllm:e2e_request_latency_seconds_bucket{model_name="$model_name"}[$__rate_interval])))"#,
    r#"rate(vllm:e2e_request_latency_seconds_sum{model_name="$model_name"}[$__rate_interval])
/
rate(vllm:e2e_request_latency_seconds_count{model_name="$model_name"}[$__rate_interval])"#,
    r#"rate(vllm:prompt_tokens_total{model_name="$model_name"}[$__rate_interval])"#,
    r#"histogram_quantile(0.9, sum by(le) (rate(vllm:time_per_output_token_seconds_bucket{model_name="$model_name"}[$__rate_interval])))"#,
    r#"vllm:num_requests_waiting{model_name="$model_name"}"#,
    r#"vllm:gpu_cache_usage_perc{model_name="$model_name"}"#,
    r#"vllm:num_requests_swapped{model_name="$model_name"}"#,
    r#"sum by(le) (increase(vllm:request_prompt_tokens_bucket{model_name="$model_name"}[$__rate_interval]))"#,
    r#"sum by(finished_reason) (increase(vllm:request_success_total{model_name="$model_name"}[$__rate_interval]))"#,
    r#"rate(vllm:request_max_num_generation_tokens_sum{model_name="$model_name"}[$__rate_interval])"#,
];

fn with_variables(q: &str) -> String {
    q.replace("$__rate_interval", "1m")
        .replace("$model_name", "/models/llama")
}

#[test]
fn dashboard_queries_parse_and_get_the_expected_verdicts() {
    for raw in DASHBOARD {
        // Grafana's variables break the syntax in a range and match nothing inside a label value.
        let with_vars = check(raw);
        assert!(
            with_vars
                .iter()
                .any(|d| d.to_string().contains("Grafana variable")),
            "{}",
            messages(&with_vars)
        );
        assert_eq!(
            with_vars.has_errors(),
            raw.contains("$__rate_interval"),
            "{raw}"
        );
        let q = with_variables(raw);
        assert!(parser::parse(&q).is_ok(), "{q}");
        let d = check(&q);
        assert!(!d.has_errors(), "{q}\n{}", messages(&d));
    }
    let verdict = |i: usize| messages(&check(&with_variables(DASHBOARD[i])));
    // One quantile over all pods: fine for KEDA.
    assert_eq!(verdict(0), "");
    // Per-series rates, a bare gauge, per-bucket and per-reason groupings: more than one element.
    for i in [1, 2, 4, 7, 8, 9] {
        assert!(
            verdict(i).contains("more than one series"),
            "{i}: {}",
            verdict(i)
        );
    }
    assert!(verdict(7).contains("sum by (le)"));
    assert!(verdict(8).contains("finished_reason"));
    // Renamed or removed metrics.
    assert!(verdict(3).contains("vllm:inter_token_latency_seconds_bucket"));
    assert!(verdict(5).contains("vllm:kv_cache_usage_perc"));
    assert!(verdict(6).contains("removed in vLLM 0.10"));
}

#[test]
fn the_whole_dashboard_file_parses_when_present() {
    let crate_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let Some(text) = ["../../shared", "../shared"].iter().find_map(|shared| {
        std::fs::read_to_string(
            crate_dir
                .join(shared)
                .join("reference/oci-ai-blueprints/vllm-dashboard.json"),
        )
        .ok()
    }) else {
        return;
    };
    let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) else {
        return;
    };
    fn exprs(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(map) => {
                if let Some(serde_json::Value::String(e)) = map.get("expr") {
                    out.push(e.clone());
                }
                map.values().for_each(|v| exprs(v, out));
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| exprs(v, out)),
            _ => {}
        }
    }
    let mut found = Vec::new();
    exprs(&json, &mut found);
    for e in &found {
        let q = with_variables(e);
        assert!(parser::parse(&q).is_ok(), "{q}");
        assert!(!check(&q).has_errors(), "{q}");
    }
}

/// One query that triggers a finding and one that does not, per check.
#[test]
fn each_check_fires_only_when_it_should() {
    let cases: &[(&str, &str, &str, Severity)] = &[
        // (triggers, clean, expected words, severity)
        (
            "sum(rate(vllm:prompt_tokens_total[5m]",
            "sum(rate(vllm:prompt_tokens_total[5m]))",
            "not valid PromQL",
            Severity::Error,
        ),
        (
            "rate(vllm:prompt_tokens_total[5m])",
            "sum(rate(vllm:prompt_tokens_total[5m]))",
            "more than one series",
            Severity::Warning,
        ),
        (
            "sum by (pod) (vllm:num_requests_waiting)",
            "sum(vllm:num_requests_waiting)",
            "`sum by (pod)`",
            Severity::Warning,
        ),
        (
            "max without (pod) (vllm:num_requests_waiting)",
            "max(vllm:num_requests_waiting)",
            "without",
            Severity::Warning,
        ),
        (
            "vllm:num_requests_waiting[5m]",
            "avg_over_time(sum(vllm:num_requests_waiting)[5m:])",
            "range vector",
            Severity::Error,
        ),
        (
            "scalar(sum(vllm:num_requests_waiting))",
            "vector(scalar(sum(vllm:num_requests_waiting)))",
            "scalar",
            Severity::Error,
        ),
        (
            "sum(vllm:num_request_waiting)",
            "sum(vllm:num_requests_waiting)",
            "did you mean `vllm:num_requests_waiting`",
            Severity::Warning,
        ),
        (
            "max(vllm:gpu_cache_usage_perc)",
            "max(vllm:kv_cache_usage_perc)",
            "use `vllm:kv_cache_usage_perc`",
            Severity::Warning,
        ),
        (
            "sum(vllm_num_requests_waiting)",
            "sum(vllm:num_requests_waiting)",
            "write `vllm:num_requests_waiting`",
            Severity::Warning,
        ),
        (
            r#"sum(vllm:num_requests_waiting{model="m"})"#,
            r#"sum(vllm:num_requests_waiting{model_name="m"})"#,
            "`model_name`",
            Severity::Warning,
        ),
        (
            r#"sum(rate(vllm:e2e_request_latency_seconds_bucket{le="5"}[5m]))"#,
            r#"sum(rate(vllm:e2e_request_latency_seconds_bucket{le="5.0"}[5m]))"#,
            "`le=\"5.0\"`",
            Severity::Warning,
        ),
        (
            r#"sum(rate(vllm:e2e_request_latency_seconds_bucket{le="3.0"}[5m]))"#,
            r#"sum(rate(vllm:e2e_request_latency_seconds_bucket{le="2.5"}[5m]))"#,
            "`2.5` and `5.0`",
            Severity::Warning,
        ),
        (
            "sum(rate(vllm:prompt_tokens_total[15s]))",
            "sum(rate(vllm:prompt_tokens_total[30s]))",
            "fewer than two scrapes",
            Severity::Warning,
        ),
        (
            "sum(vllm:prompt_tokens_total)",
            "sum(increase(vllm:prompt_tokens_total[5m]))",
            "only grows",
            Severity::Warning,
        ),
        (
            "sum(rate(vllm:num_requests_waiting[5m]))",
            "sum(avg_over_time(vllm:num_requests_waiting[5m]))",
            "is a gauge",
            Severity::Warning,
        ),
        (
            "sum(vllm:num_requests_waiting @ 1700000000)",
            "sum(vllm:num_requests_waiting @ end())",
            "fixed time",
            Severity::Warning,
        ),
        (
            "sum(vllm:e2e_request_latency_seconds)",
            "sum(rate(vllm:e2e_request_latency_seconds_count[5m]))",
            "a histogram",
            Severity::Warning,
        ),
        (
            r#"sum(vllm:num_requests_waiting{le="1.0"})"#,
            "sum(vllm:num_requests_waiting)",
            "no `le` label",
            Severity::Warning,
        ),
        (
            "sum(http_requests_total)",
            "sum(rate(http_requests_total[5m]))",
            "looks like a counter",
            Severity::Note,
        ),
        (
            r#"sum(vllm:num_requests_waiting{model_name="$model_name"})"#,
            r#"sum(vllm:num_requests_waiting{model_name="$5 model"})"#,
            "Grafana variable",
            Severity::Warning,
        ),
    ];
    for (bad, good, words, severity) in cases {
        let d = check(bad);
        let hit = d.iter().find(|d| {
            d.to_string().contains(words) && d.severity == *severity && d.code == Code::Query
        });
        assert!(
            hit.is_some(),
            "{bad}: expected {severity} with {words:?}, got\n{}",
            messages(&d)
        );
        for d in &d {
            assert_eq!(d.path, "/recipe_pod_autoscaling_params/query");
        }
        let clean = check(good);
        assert!(
            clean.is_empty(),
            "{good}: expected nothing, got\n{}",
            messages(&clean)
        );
    }
}

#[test]
fn single_element_shapes_are_recognised() {
    for q in [
        "sum(vllm:num_requests_waiting)",
        "max(vllm:kv_cache_usage_perc)",
        "avg(vllm:num_requests_running) / 10",
        "sum(vllm:num_requests_waiting) + sum(vllm:num_requests_running)",
        "sum(vllm:num_requests_waiting) / count(vllm:num_requests_running)",
        "quantile(0.9, vllm:kv_cache_usage_perc)",
        "topk(1, vllm:num_requests_waiting)",
        "sum(vllm:num_requests_waiting) or vector(0)",
        "histogram_quantile(0.9, sum by (le) (rate(vllm:time_to_first_token_seconds_bucket[5m])))",
        "histogram_quantile(0.9, sum(rate(vllm:time_to_first_token_seconds_bucket[5m])) by (le))",
        "sum by () (vllm:num_requests_waiting)",
        "sum(vllm:num_requests_waiting) > 3",
        "absent(vllm:num_requests_waiting)",
        "vector(1)",
        "-sum(vllm:num_requests_waiting)",
        "sum(vllm:num_requests_waiting) * on() group_left sum(vllm:num_requests_running)",
        "absent(vllm:prompt_tokens_total)",
        "count(vllm:prompt_tokens_total)",
        "max(timestamp(vllm:e2e_request_latency_seconds_count))",
    ] {
        let d = check(q);
        assert!(d.is_empty(), "{q}\n{}", messages(&d));
    }
    for q in [
        "vllm:num_requests_waiting",
        "vllm:num_requests_waiting * 2",
        "sum by (le) (rate(vllm:e2e_request_latency_seconds_bucket[5m]))",
        "histogram_quantile(0.9, rate(vllm:e2e_request_latency_seconds_bucket[5m]))",
        "histogram_quantile(0.9, sum by (le, pod) (rate(vllm:e2e_request_latency_seconds_bucket[5m])))",
        "topk(3, vllm:num_requests_waiting)",
        "count_values(\"v\", vllm:num_requests_waiting)",
        "sum(vllm:num_requests_waiting) + vllm:num_requests_running * 0 + on(pod) group_right vllm:num_requests_running",
    ] {
        let d = check(q);
        assert!(
            d.iter().any(|d| d.message.contains("more than one series")),
            "{q}\n{}",
            messages(&d)
        );
    }
}

#[test]
fn statuses_depend_on_the_vllm_version() {
    let at_version = |q: &str, v: VllmVersion| {
        check_query(
            q,
            &at(),
            &QueryContext {
                vllm_version: Some(v),
                ..QueryContext::default()
            },
        )
    };
    let old = "max(vllm:gpu_cache_usage_perc)";
    assert!(at_version(old, VllmVersion::new(0, 9, 0)).is_empty());
    assert!(
        messages(&at_version(old, VllmVersion::new(0, 10, 0)))
            .contains("deprecated since vLLM 0.9.2")
    );
    assert!(
        messages(&at_version(old, VllmVersion::new(0, 11, 1)))
            .contains("--show-hidden-metrics-for-version=0.10")
    );
    assert!(messages(&check(old)).contains("removed in vLLM 0.12"));
    let new = "max(vllm:kv_cache_usage_perc)";
    let d = at_version(new, VllmVersion::new(0, 8, 5));
    assert!(
        d.iter()
            .any(|d| d.hint.as_deref() == Some("on 0.8.5 use `vllm:gpu_cache_usage_perc`")),
        "{}",
        messages(&d)
    );
    assert!(at_version(new, VllmVersion::new(0, 11, 0)).is_empty());
}

#[test]
fn bucket_overrides_and_model_dependent_buckets() {
    let ctx = QueryContext {
        bucket_overrides: vec![(
            "vllm:e2e_request_latency_seconds".to_string(),
            vec!["3.0".to_string(), "6.0".to_string()],
        )],
        ..QueryContext::default()
    };
    let q = r#"sum(rate(vllm:e2e_request_latency_seconds_bucket{le="3.0"}[5m]))"#;
    assert!(check_query(q, &at(), &ctx).is_empty());
    assert!(!check(q).is_empty());

    let tokens = |le: &str| {
        check(&format!(
            r#"sum(rate(vllm:request_prompt_tokens_bucket{{le="{le}"}}[5m]))"#
        ))
    };
    assert!(tokens("100.0").is_empty());
    assert!(tokens("1e+06").is_empty());
    assert!(messages(&tokens("100")).contains("`100.0`"));
    assert!(messages(&tokens("300.0")).contains("1, 2, 5"));
    assert!(messages(&tokens("inf")).contains("+Inf"));
    assert!(messages(&tokens("abc")).contains("holds a number"));
}

#[test]
fn ratio_queries_are_recognised() {
    for q in [
        "max(vllm:kv_cache_usage_perc)",
        "avg(vllm:gpu_cache_usage_perc)",
        r#"sum(rate(vllm:e2e_request_latency_seconds_bucket{le="5.0"}[5m])) / sum(rate(vllm:e2e_request_latency_seconds_bucket{le="+Inf"}[5m]))"#,
        r#"sum(rate(vllm:time_to_first_token_seconds_bucket{le="1.0"}[5m])) / sum(rate(vllm:time_to_first_token_seconds_count[5m]))"#,
        "sum(rate(vllm:prefix_cache_hits_total[5m])) / sum(rate(vllm:prefix_cache_queries_total[5m]))",
        "1 - avg(vllm:kv_cache_usage_perc)",
        "clamp_max(sum(vllm:num_requests_waiting), 1)",
        "max(vllm:kv_cache_usage_perc) * 0.5",
        "histogram_fraction(0, 5, sum by (le) (rate(vllm:e2e_request_latency_seconds_bucket[5m])))",
        "max_over_time(max(vllm:kv_cache_usage_perc)[5m:])",
        "0.5",
    ] {
        assert!(is_ratio_query(q), "{q}");
    }
    for q in [
        "sum(vllm:num_requests_waiting)",
        "sum(vllm:kv_cache_usage_perc)",
        "max(vllm:kv_cache_usage_perc) * 100",
        "sum(rate(vllm:e2e_request_latency_seconds_sum[5m])) / sum(rate(vllm:e2e_request_latency_seconds_count[5m]))",
        "histogram_quantile(0.9, sum by (le) (rate(vllm:e2e_request_latency_seconds_bucket[5m])))",
        "sum(rate(vllm:prompt_tokens_total[5m]))",
        "sum(rate(vllm:prefix_cache_queries_total[5m])) / sum(rate(vllm:prefix_cache_hits_total[5m]))",
        "not promql (",
        "",
    ] {
        assert!(!is_ratio_query(q), "{q}");
    }
    assert_eq!(
        upper_bound("max(vllm:kv_cache_usage_perc) * 100"),
        Some(100.0)
    );
    assert_eq!(upper_bound("sum(vllm:num_requests_waiting)"), None);
}

#[test]
fn a_query_copied_from_another_deployment_is_reported() {
    let ctx = QueryContext {
        deployment: Some("autoscalevllmexample".into()),
        ..QueryContext::default()
    };
    // Upstream's documented default query names `vllmautowithfss`, whatever the recipe is called.
    let copied = r#"1 - (sum(rate(vllm:e2e_request_latency_seconds_bucket{le='5.0', instance='recipe-vllmautowithfss.default:80'}[5m])) / sum(rate(vllm:e2e_request_latency_seconds_bucket{le='+Inf', instance='recipe-vllmautowithfss.default:80'}[5m])))"#;
    let d = check_query(copied, &at(), &ctx);
    let found: Vec<_> = d
        .iter()
        .filter(|d| d.message.contains("selects deployment `vllmautowithfss`"))
        .collect();
    assert_eq!(found.len(), 1, "said once for both selectors: {d}");
    assert_eq!(found[0].severity, crate::Severity::Warning);
    assert_eq!(
        found[0].hint.as_deref(),
        Some(r#"write `instance="recipe-autoscalevllmexample.default:80"`"#)
    );
    let own = copied.replace("vllmautowithfss", "autoscalevllmexample");
    assert!(
        check_query(&own, &at(), &ctx).is_empty(),
        "{}",
        check_query(&own, &at(), &ctx)
    );
    for (q, other) in [
        (
            r#"sum(vllm:num_requests_waiting{service="recipe-other"})"#,
            "other",
        ),
        (
            r#"sum(vllm:num_requests_waiting{corrino_oci_recipe="llama"})"#,
            "llama",
        ),
        (
            r#"sum(vllm:num_requests_waiting{job="recipe-llama"})"#,
            "llama",
        ),
    ] {
        assert!(
            messages(&check_query(q, &at(), &ctx))
                .contains(&format!("selects deployment `{other}`")),
            "{q}"
        );
    }
    // Without a name to compare with, or for labels that do not name a deployment, nothing is said.
    assert!(check_query(copied, &at(), &QueryContext::default()).is_empty());
    assert!(
        check_query(
            r#"sum(vllm:num_requests_waiting{instance="10.0.0.7:8000"})"#,
            &at(),
            &ctx
        )
        .is_empty()
    );
}

#[test]
fn hints_for_copied_queries() {
    let stray = r#"1 - (sum(rate(vllm:e2e_request_latency_seconds_bucket{le='5.0', instance='recipe-vllmautowithfss.default:80'}[5m])) / sum(rate(vllm:e2e_request_latency_seconds_bucket{le='+Inf', instance='recipe-vllmautowithfss.default:80'}[5m])))""#;
    let d = check(stray);
    assert!(d.has_errors());
    assert_eq!(
        d.iter().next().and_then(|d| d.hint.as_deref()),
        Some("remove the stray quote at the end of the query")
    );
    assert!(check(stray.trim_end_matches('"')).is_empty());

    let quoted = "\"sum(vllm:num_requests_waiting)\"";
    assert!(messages(&check(quoted)).contains("remove the quotes"));
    assert!(messages(&check("sum(x{le=5})")).contains("in quotes"));
    assert!(messages(&check("   ")).contains("empty"));
}

#[test]
fn oversized_and_overflowing_input_is_refused_without_panicking() {
    for q in [
        "foo[1e400]".to_string(),
        "foo[5m:1e400]".to_string(),
        "sum(foo offset 1e400)".to_string(),
        "sum(foo offset -inf)".to_string(),
        "sum(foo offset NaN)".to_string(),
        "sum(foo offset # a comment\n 1e400)".to_string(),
        "foo[ 1e30 ]".to_string(),
        format!("{}1{}", "(".repeat(300), ")".repeat(300)),
        format!("{}x{}", "sum(".repeat(300), ")".repeat(300)),
        "1".to_string() + &"+1".repeat(300),
        "x".repeat(9000),
    ] {
        let d = check(&q);
        assert!(d.has_errors(), "{q}");
        assert!(!is_ratio_query(&q));
    }
    // Just under the limits still works.
    let deep = format!(
        "{}sum(vllm:num_requests_waiting){}",
        "max(".repeat(100),
        ")".repeat(100)
    );
    assert!(check(&deep).is_empty(), "{}", messages(&check(&deep)));
}

#[test]
fn garbage_never_panics_and_output_is_deterministic() {
    let alphabet: Vec<&str> = vec![
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        "\"",
        "'",
        "`",
        "\\",
        ",",
        ":",
        "=",
        "=~",
        "!=",
        "+",
        "-",
        "*",
        "/",
        "^",
        "%",
        " ",
        "\n",
        "#",
        "@",
        "1",
        "0",
        "5m",
        "1e400",
        "inf",
        "NaN",
        "0x",
        "le",
        "by",
        "without",
        "sum",
        "rate",
        "offset",
        "bool",
        "on",
        "group_left",
        "and",
        "or",
        "vllm:",
        "vllm_",
        "e2e_request_latency_seconds_bucket",
        "histogram_quantile",
        "topk",
        "é",
        "😀",
        "\u{0}",
        "$",
        "[5m:]",
        "vector(",
        "scalar(",
        "count_values(",
        "model=",
        "\"5\"",
        "_total",
    ];
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..3000 {
        let len = (next() % 24) as usize;
        let q: String = (0..len)
            .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
            .collect();
        let first = check(&q);
        assert_eq!(first, check(&q), "{q:?}");
        let _ = is_ratio_query(&q);
    }
}

#[test]
fn context_defaults_to_a_fifteen_second_scrape() {
    let ctx = QueryContext::default();
    assert_eq!(ctx.scrape_interval_seconds, 15);
    assert!(ctx.vllm_version.is_none());
}
