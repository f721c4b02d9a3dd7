//! The range of a query's value, where it follows from the query's shape: a fraction of one histogram's buckets, a
//! `_perc` gauge and arithmetic with constants stay within known bounds; sums over pods, rates and latencies do not.

use promql_parser::label::MatchOp;
use promql_parser::parser::{BinaryExpr, Call, Expr, VectorSelector};

use super::FRACTION_PAIRS;
use super::cardinality::{literal, op_name};
use crate::vllm::{self, SeriesPart};

/// Lowest and highest values an expression can take, where they follow from its shape.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(super) struct Bounds {
    pub(super) lo: Option<f64>,
    pub(super) hi: Option<f64>,
}

impl Bounds {
    const UNKNOWN: Bounds = Bounds { lo: None, hi: None };
    const NON_NEGATIVE: Bounds = Bounds {
        lo: Some(0.0),
        hi: None,
    };
    const FRACTION: Bounds = Bounds {
        lo: Some(0.0),
        hi: Some(1.0),
    };

    fn exact(v: f64) -> Bounds {
        Bounds {
            lo: Some(v),
            hi: Some(v),
        }
    }
}

pub(super) fn bounds(expr: &Expr) -> Bounds {
    match expr {
        Expr::NumberLiteral(n) if n.val.is_finite() => Bounds::exact(n.val),
        Expr::Paren(p) => bounds(&p.expr),
        Expr::Subquery(s) => bounds(&s.expr),
        Expr::Unary(u) => {
            let b = bounds(&u.expr);
            Bounds {
                lo: b.hi.map(|v| -v),
                hi: b.lo.map(|v| -v),
            }
        }
        Expr::VectorSelector(vs) => selector_bounds(vs),
        Expr::MatrixSelector(ms) => selector_bounds(&ms.vs),
        Expr::Aggregate(a) => {
            let inner = bounds(&a.expr);
            match op_name(a).as_str() {
                "avg" | "min" | "max" | "quantile" | "topk" | "bottomk" | "limitk"
                | "limit_ratio" => inner,
                "group" => Bounds::exact(1.0),
                "sum" => Bounds {
                    lo: inner.lo.filter(|v| *v >= 0.0).map(|_| 0.0),
                    hi: inner.hi.filter(|v| *v <= 0.0).map(|_| 0.0),
                },
                "count" | "stddev" | "stdvar" | "count_values" => Bounds::NON_NEGATIVE,
                _ => Bounds::UNKNOWN,
            }
        }
        Expr::Call(c) => call_bounds(c),
        Expr::Binary(b) => binary_bounds(b),
        _ => Bounds::UNKNOWN,
    }
}

pub(super) fn selector_bounds(vs: &VectorSelector) -> Bounds {
    let Some(name) = vs.name.as_deref() else {
        return Bounds::UNKNOWN;
    };
    match vllm::lookup(name) {
        Some((metric, SeriesPart::Value)) if metric.is_fraction() => Bounds::FRACTION,
        Some(_) => Bounds::NON_NEGATIVE,
        None if name.ends_with("_total")
            || name.ends_with("_bucket")
            || name.ends_with("_count") =>
        {
            Bounds::NON_NEGATIVE
        }
        None => Bounds::UNKNOWN,
    }
}

pub(super) fn call_bounds(c: &Call) -> Bounds {
    let arg = |i: usize| c.args.args.get(i).map_or(Bounds::UNKNOWN, |a| bounds(a));
    let literal_arg = |i: usize| c.args.args.get(i).and_then(|a| literal(a));
    match c.func.name {
        "rate" | "irate" | "increase" => Bounds::NON_NEGATIVE,
        "histogram_fraction" => Bounds::FRACTION,
        "avg_over_time" | "min_over_time" | "max_over_time" | "last_over_time" | "vector"
        | "scalar" | "sort" | "sort_desc" | "label_replace" | "label_join" => arg(0),
        "quantile_over_time" => arg(1),
        "clamp_max" => {
            let b = arg(0);
            Bounds {
                lo: b.lo,
                hi: min_known(b.hi, literal_arg(1)),
            }
        }
        "clamp_min" => {
            let b = arg(0);
            Bounds {
                lo: max_known(b.lo, literal_arg(1)),
                hi: b.hi,
            }
        }
        "clamp" => {
            let b = arg(0);
            Bounds {
                lo: max_known(b.lo, literal_arg(1)),
                hi: min_known(b.hi, literal_arg(2)),
            }
        }
        "abs" => {
            let b = arg(0);
            Bounds {
                lo: Some(0.0),
                hi: b.lo.zip(b.hi).map(|(lo, hi)| lo.abs().max(hi.abs())),
            }
        }
        _ => Bounds::UNKNOWN,
    }
}

pub(super) fn min_known(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (x, None) | (None, x) => x,
    }
}

pub(super) fn max_known(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (x, None) | (None, x) => x,
    }
}

pub(super) fn binary_bounds(b: &BinaryExpr) -> Bounds {
    let op = b.op.to_string().to_ascii_lowercase();
    let returns_bool = b.modifier.as_ref().is_some_and(|m| m.return_bool);
    let (l, r) = (bounds(&b.lhs), bounds(&b.rhs));
    let add = |x: Option<f64>, y: Option<f64>| x.zip(y).map(|(x, y)| x + y);
    let sub = |x: Option<f64>, y: Option<f64>| x.zip(y).map(|(x, y)| x - y);
    match op.as_str() {
        _ if b.op.is_comparison_operator() => {
            if returns_bool {
                Bounds::FRACTION
            } else if literal(&b.lhs).is_some() {
                r
            } else {
                l
            }
        }
        "and" | "unless" => l,
        "or" => Bounds {
            lo: l.lo.zip(r.lo).map(|(x, y)| x.min(y)),
            hi: l.hi.zip(r.hi).map(|(x, y)| x.max(y)),
        },
        "+" => Bounds {
            lo: add(l.lo, r.lo),
            hi: add(l.hi, r.hi),
        },
        "-" => Bounds {
            lo: sub(l.lo, r.hi),
            hi: sub(l.hi, r.lo),
        },
        "*" => match (l.lo, l.hi, r.lo, r.hi) {
            (Some(a), Some(b2), Some(c), Some(d)) => {
                let p = [a * c, a * d, b2 * c, b2 * d];
                Bounds {
                    lo: p.iter().copied().reduce(f64::min),
                    hi: p.iter().copied().reduce(f64::max),
                }
            }
            (Some(a), _, Some(c), _) if a >= 0.0 && c >= 0.0 => Bounds {
                lo: Some(a * c),
                hi: None,
            },
            _ => Bounds::UNKNOWN,
        },
        "/" => {
            if is_fraction(&b.lhs, &b.rhs) {
                return Bounds::FRACTION;
            }
            match (r.lo, r.hi) {
                (Some(c), Some(d)) if c == d && c > 0.0 => Bounds {
                    lo: l.lo.map(|v| v / c),
                    hi: l.hi.map(|v| v / c),
                },
                _ if l.lo.is_some_and(|v| v >= 0.0) && r.lo.is_some_and(|v| v >= 0.0) => {
                    Bounds::NON_NEGATIVE
                }
                _ => Bounds::UNKNOWN,
            }
        }
        _ => Bounds::UNKNOWN,
    }
}

/// A selector seen while looking for fractions: its series, and the `le` it pins, if any.
pub(super) struct Seen {
    series: String,
    le: Option<String>,
}

pub(super) fn collect_selectors(expr: &Expr, out: &mut Vec<Seen>) {
    let mut push = |vs: &VectorSelector| {
        out.push(Seen {
            series: vs.name.clone().unwrap_or_default(),
            le: vs
                .matchers
                .matchers
                .iter()
                .find(|m| m.name == "le" && m.op == MatchOp::Equal)
                .map(|m| m.value.clone()),
        });
    };
    match expr {
        Expr::VectorSelector(vs) => push(vs),
        Expr::MatrixSelector(ms) => push(&ms.vs),
        Expr::Paren(p) => collect_selectors(&p.expr, out),
        Expr::Unary(u) => collect_selectors(&u.expr, out),
        Expr::Subquery(s) => collect_selectors(&s.expr, out),
        Expr::Aggregate(a) => collect_selectors(&a.expr, out),
        Expr::Binary(b) => {
            collect_selectors(&b.lhs, out);
            collect_selectors(&b.rhs, out);
        }
        Expr::Call(c) => {
            for a in &c.args.args {
                collect_selectors(a, out);
            }
        }
        Expr::NumberLiteral(_) | Expr::StringLiteral(_) | Expr::Extension(_) => {}
    }
}

/// Whether `num / den` divides part of a count by the whole: buckets (or the count) of one histogram over its
/// `+Inf` bucket or count, or hits over lookups.
pub(super) fn is_fraction(num: &Expr, den: &Expr) -> bool {
    let (mut n, mut d) = (Vec::new(), Vec::new());
    collect_selectors(num, &mut n);
    collect_selectors(den, &mut d);
    if n.is_empty() || d.is_empty() {
        return false;
    }
    let same = |seen: &[Seen], name: &str| seen.iter().all(|s| s.series == name);
    if FRACTION_PAIRS
        .iter()
        .any(|(part, whole)| same(&n, part) && same(&d, whole))
    {
        return true;
    }
    let family = |s: &Seen| vllm::lookup(&s.series).map(|(m, part)| (m.name, part));
    let Some((histogram, _)) = family(&n[0]) else {
        return false;
    };
    let numerator_ok = n.iter().all(|s| {
        matches!(family(s), Some((h, SeriesPart::Bucket | SeriesPart::Count)) if h == histogram)
    });
    let denominator_ok = d.iter().all(|s| match family(s) {
        Some((h, SeriesPart::Count)) => h == histogram,
        Some((h, SeriesPart::Bucket)) => h == histogram && s.le.as_deref() == Some("+Inf"),
        _ => false,
    });
    numerator_ok && denominator_ok
}
