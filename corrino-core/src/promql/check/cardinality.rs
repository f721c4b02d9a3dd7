//! The type of a query's result and how many series it can return: KEDA decodes exactly one sample of an instant
//! vector (or an empty result), so ranges, scalars, strings and several series fail the scaler.

use promql_parser::parser::{
    self, AggregateExpr, BinaryExpr, Call, Expr, LabelModifier, VectorMatchCardinality,
};

/// How many series an expression can return, ordered from fewest to most.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Cardinality {
    /// At most one series.
    One,
    /// One series per histogram bucket (`sum by (le)`).
    PerBucket,
    /// Possibly many series.
    Many,
}

/// The type of an expression's result, and for vectors how many series.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum ResultType {
    Scalar,
    Text,
    Vector(Cardinality),
    Range(Cardinality),
}

impl ResultType {
    fn card(self) -> Option<Cardinality> {
        match self {
            ResultType::Vector(c) | ResultType::Range(c) => Some(c),
            ResultType::Scalar | ResultType::Text => None,
        }
    }
}

pub(super) fn op_name(expr: &AggregateExpr) -> String {
    expr.op.to_string().to_ascii_lowercase()
}

pub(super) fn grouping_card(modifier: Option<&LabelModifier>) -> Cardinality {
    match modifier {
        None => Cardinality::One,
        Some(LabelModifier::Include(labels)) => match labels.labels.as_slice() {
            [] => Cardinality::One,
            [only] if only == "le" => Cardinality::PerBucket,
            _ => Cardinality::Many,
        },
        Some(LabelModifier::Exclude(_)) => Cardinality::Many,
    }
}

/// How many series an aggregation lets through, whatever its input.
pub(super) fn aggregate_grouping(a: &AggregateExpr) -> Cardinality {
    match op_name(a).as_str() {
        "count_values" | "limit_ratio" => Cardinality::Many,
        "topk" | "bottomk" | "limitk" => {
            if a.param
                .as_deref()
                .and_then(literal)
                .is_some_and(|k| k <= 1.0)
            {
                grouping_card(a.modifier.as_ref())
            } else {
                Cardinality::Many
            }
        }
        _ => grouping_card(a.modifier.as_ref()),
    }
}

pub(super) fn literal(expr: &Expr) -> Option<f64> {
    match expr {
        Expr::NumberLiteral(n) => Some(n.val),
        Expr::Paren(p) => literal(&p.expr),
        Expr::Unary(u) => literal(&u.expr).map(|v| -v),
        _ => None,
    }
}

pub(super) fn result_type(expr: &Expr) -> ResultType {
    match expr {
        Expr::NumberLiteral(_) => ResultType::Scalar,
        Expr::StringLiteral(_) => ResultType::Text,
        Expr::VectorSelector(_) => ResultType::Vector(Cardinality::Many),
        Expr::MatrixSelector(_) => ResultType::Range(Cardinality::Many),
        Expr::Subquery(s) => {
            ResultType::Range(result_type(&s.expr).card().unwrap_or(Cardinality::One))
        }
        Expr::Paren(p) => result_type(&p.expr),
        Expr::Unary(u) => result_type(&u.expr),
        Expr::Aggregate(a) => {
            let inner = result_type(&a.expr).card().unwrap_or(Cardinality::Many);
            ResultType::Vector(inner.min(aggregate_grouping(a)))
        }
        Expr::Binary(b) => binary_shape(b),
        Expr::Call(c) => call_shape(c),
        Expr::Extension(_) => ResultType::Vector(Cardinality::Many),
    }
}

pub(super) fn binary_shape(b: &BinaryExpr) -> ResultType {
    let (lhs, rhs) = (result_type(&b.lhs), result_type(&b.rhs));
    match (lhs, rhs) {
        (ResultType::Scalar, ResultType::Scalar) => ResultType::Scalar,
        (ResultType::Scalar, other) | (other, ResultType::Scalar) => match other.card() {
            Some(c) => ResultType::Vector(c),
            None => other,
        },
        _ => {
            let l = lhs.card().unwrap_or(Cardinality::Many);
            let r = rhs.card().unwrap_or(Cardinality::Many);
            let name = b.op.to_string().to_ascii_lowercase();
            let card = match name.as_str() {
                "and" | "unless" => l,
                "or" => l.max(r),
                _ => match b.modifier.as_ref().map(|m| &m.card) {
                    Some(VectorMatchCardinality::ManyToOne(_)) => l,
                    Some(VectorMatchCardinality::OneToMany(_)) => r,
                    _ => l.min(r),
                },
            };
            ResultType::Vector(card)
        }
    }
}

pub(super) fn call_shape(c: &Call) -> ResultType {
    let args: Vec<ResultType> = c.args.args.iter().map(|a| result_type(a)).collect();
    let first_series = args.iter().find_map(|s| s.card());
    match c.func.name {
        "vector" | "absent" | "absent_over_time" => ResultType::Vector(Cardinality::One),
        "histogram_quantile" | "histogram_fraction" => {
            let input = args
                .last()
                .and_then(|s| s.card())
                .unwrap_or(Cardinality::Many);
            ResultType::Vector(if input == Cardinality::PerBucket {
                Cardinality::One
            } else {
                input
            })
        }
        _ => match c.func.return_type {
            parser::value::ValueType::Scalar => ResultType::Scalar,
            parser::value::ValueType::String => ResultType::Text,
            parser::value::ValueType::Matrix => {
                ResultType::Range(first_series.unwrap_or(Cardinality::One))
            }
            parser::value::ValueType::Vector => {
                ResultType::Vector(first_series.unwrap_or(Cardinality::One))
            }
        },
    }
}

/// Why an expression can return many series, naming the construct responsible.
pub(super) fn explain_many(expr: &Expr) -> (String, String) {
    let wrap = "wrap it in sum(...) or max(...)".to_string();
    match expr {
        Expr::Paren(p) => explain_many(&p.expr),
        Expr::Unary(u) => explain_many(&u.expr),
        Expr::Subquery(s) => explain_many(&s.expr),
        Expr::Binary(b) => {
            // Follow the side whose series count the result inherits.
            if result_type(&b.lhs).card() == result_type(expr).card() {
                explain_many(&b.lhs)
            } else {
                explain_many(&b.rhs)
            }
        }
        Expr::Aggregate(a) if Some(aggregate_grouping(a)) > result_type(expr).card() => {
            // The input, not the grouping, limits how many series come out.
            explain_many(&a.expr)
        }
        Expr::Aggregate(a) => {
            let op = op_name(a);
            match a.modifier.as_ref() {
                Some(LabelModifier::Include(labels)) if !labels.labels.is_empty() => {
                    let list = labels.labels.join(", ");
                    if labels.labels.len() == 1 && labels.labels[0] == "le" {
                        (
                            format!("`{op} by (le)` returns one series per histogram bucket"),
                            "select one bucket with `le=\"…\"`, or wrap it in histogram_quantile(…)"
                                .to_string(),
                        )
                    } else {
                        (
                            format!("`{op} by ({list})` returns one series per value of {list}"),
                            format!("drop `by ({list})`, or wrap it in max(...)"),
                        )
                    }
                }
                Some(LabelModifier::Exclude(_)) => (
                    format!("`{op} without (…)` keeps every other label"),
                    format!("write `{op}(…)` without grouping"),
                ),
                _ if matches!(op.as_str(), "topk" | "bottomk" | "limitk") => (
                    format!("`{op}` with k above 1 returns up to k series"),
                    format!("use `{op}(1, …)`, or max(...)"),
                ),
                _ if matches!(op.as_str(), "count_values" | "limit_ratio") => {
                    (format!("`{op}` returns several series"), wrap)
                }
                _ => explain_many(&a.expr),
            }
        }
        Expr::Call(c) if matches!(c.func.name, "histogram_quantile" | "histogram_fraction") => (
            format!(
                "`{}` keeps every label of its input except `le`, one result per pod or instance",
                c.func.name
            ),
            format!(
                "aggregate the buckets first: `{}(…, sum by (le) (rate(…_bucket[5m])))`",
                c.func.name
            ),
        ),
        Expr::Call(c) => (
            format!(
                "`{}(…)` returns one series per series of its argument",
                c.func.name
            ),
            wrap,
        ),
        Expr::VectorSelector(_) | Expr::MatrixSelector(_) => (
            "a bare selector returns every series that matches it".to_string(),
            wrap,
        ),
        _ => ("it may return several series".to_string(), wrap),
    }
}
