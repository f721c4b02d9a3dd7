//! The default query, read back by an independent PromQL parser: for every deployment name that validates and
//! every namespace, the query parses, and each of its selectors picks exactly the series of that deployment: the
//! Service address as `instance` for static targets, the namespace and the recipe label otherwise.

use corrino_core::CanonicalName;
use corrino_core::manifest::ScrapeMode;
use corrino_core::promql::DefaultQuery;
use promql_parser::label::MatchOp;
use promql_parser::parser::{self, Expr, VectorSelector};
use proptest::prelude::*;

/// Every vector selector of an expression, in the order they are written.
fn selectors(expr: &Expr, out: &mut Vec<VectorSelector>) {
    match expr {
        Expr::VectorSelector(vs) => out.push(vs.clone()),
        Expr::MatrixSelector(ms) => out.push(ms.vs.clone()),
        Expr::Aggregate(a) => selectors(&a.expr, out),
        Expr::Unary(u) => selectors(&u.expr, out),
        Expr::Binary(b) => {
            selectors(&b.lhs, out);
            selectors(&b.rhs, out);
        }
        Expr::Paren(p) => selectors(&p.expr, out),
        Expr::Subquery(s) => selectors(&s.expr, out),
        Expr::Call(c) => c.args.args.iter().for_each(|a| selectors(a, out)),
        Expr::Extension(_) | Expr::NumberLiteral(_) | Expr::StringLiteral(_) => {}
    }
}

/// The equality matchers of a selector, other than the metric name and the bucket bound.
fn deployment_matchers(vs: &VectorSelector) -> Vec<(String, String)> {
    let mut found: Vec<(String, String)> = vs
        .matchers
        .matchers
        .iter()
        .filter(|m| m.name != "__name__" && m.name != "le")
        .map(|m| {
            assert_eq!(m.op, MatchOp::Equal, "{m:?}");
            (m.name.clone(), m.value.clone())
        })
        .collect();
    found.sort();
    found
}

const MODES: [ScrapeMode; 4] = [
    ScrapeMode::Annotations,
    ScrapeMode::PodMonitor,
    ScrapeMode::ServiceMonitor,
    ScrapeMode::None,
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn the_default_query_selects_exactly_the_deployment(
        name in prop_oneof![".{0,70}", "[A-Za-z0-9 ._/-]{1,70}", "[a-z][a-z0-9-]{0,40}"],
        namespace in prop_oneof![Just("default".to_owned()), "[a-z0-9-]{1,30}", ".{0,20}"],
        window in 1u64..7200,
        mode in prop::sample::select(MODES.to_vec()),
    ) {
        let Ok(name) = CanonicalName::new(&name) else {
            return Ok(());
        };
        let default_query = DefaultQuery::for_deployment(&name, &namespace, window, mode);
        let query = default_query.to_string();
        let expr = parser::parse(&query).map_err(|e| TestCaseError::fail(format!("{e}: {query}")))?;
        let mut found = Vec::new();
        selectors(&expr, &mut found);
        prop_assert_eq!(found.len(), 2, "{}", query);
        let mut expected = default_query.labels.clone();
        expected.sort();
        for vs in &found {
            prop_assert_eq!(vs.name.as_deref(), Some("vllm:e2e_request_latency_seconds_bucket"));
            prop_assert_eq!(&deployment_matchers(vs), &expected, "{}", query);
        }
        if mode == ScrapeMode::None {
            let address = format!("{}.{namespace}:80", name.service_name());
            prop_assert_eq!(&expected, &vec![("instance".to_owned(), address)]);
        } else {
            prop_assert!(expected.contains(&("namespace".to_owned(), namespace.clone())));
            prop_assert!(expected.iter().any(|(_, value)| value == name.as_str()));
        }
    }
}
