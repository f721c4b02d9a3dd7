//! The walk over a parsed query: names vLLM does not export, labels it does not set, bucket bounds spelled
//! differently from its buckets, windows shorter than two scrapes, counters read raw, and matchers copied from
//! another deployment.

use std::time::Duration;

use promql_parser::label::{MatchOp, Matcher};
use promql_parser::parser::{AtModifier, Call, Expr, VectorSelector};

use super::cardinality::{Cardinality, ResultType, explain_many, op_name, result_type};
use super::{QueryContext, RATE_FUNCTIONS};
use crate::diagnostic::{Code, Diagnostic, did_you_mean, suggest};
use crate::promql::format_duration;
use crate::vllm::{self, Metric, MetricKind, MetricStatus, SeriesPart, VllmVersion};

/// `$name`, `${name}` or `[[name]]`, Grafana's ways of writing a dashboard variable.
pub(super) fn looks_like_grafana_variable(value: &str) -> bool {
    let ident = |s: &str| {
        s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    let braced = |s: &str| {
        let name = s.split([':', '.']).next().unwrap_or(s);
        ident(name)
    };
    value
        .strip_prefix("${")
        .and_then(|r| r.strip_suffix('}'))
        .is_some_and(braced)
        || value.strip_prefix('$').is_some_and(ident)
        || value
            .strip_prefix("[[")
            .and_then(|r| r.strip_suffix("]]"))
            .is_some_and(braced)
}

/// Every finding of the walk over `expr`: first the one about the result's type, then the others in the order of
/// the query's text (duplicates included; the caller keeps each once).
pub(super) fn lint(expr: &Expr, query: &str, at: &str, ctx: &QueryContext) -> Vec<Diagnostic> {
    let mut checker = Checker {
        at,
        ctx,
        found: Vec::new(),
    };
    checker.result_shape(expr, query);
    checker.walk(expr, Scope::default());
    checker.found
}

/// Where in the tree a node sits, as far as the checks care.
#[derive(Clone, Copy, Default)]
pub(super) struct Scope {
    /// Inside a subquery: instant selectors there are evaluated over a range and fed to a range function.
    under_subquery: bool,
    /// The rate-like function this node is an argument of.
    rate_function: Option<&'static str>,
    /// Only the presence of series matters here (`absent`, `count`, `group`, `timestamp`), not their values.
    values_unused: bool,
}

pub(super) struct Checker<'a> {
    at: &'a str,
    ctx: &'a QueryContext,
    found: Vec<Diagnostic>,
}

impl Checker<'_> {
    /// Reports a matcher that names another deployment: its Service as `instance` (`recipe-<name>.<ns>:<port>`,
    /// as upstream's examples write it), as `service` or `job`, or its recipe label.
    fn foreign_deployment(&mut self, label: &str, value: &str, own: &str) {
        let other = match label {
            "instance" => value
                .split(['.', ':'])
                .next()
                .and_then(|host| host.strip_prefix("recipe-")),
            "service" | "job" => value.strip_prefix("recipe-"),
            "corrino_oci_recipe" => Some(value),
            _ => None,
        };
        let Some(other) = other.filter(|other| !other.is_empty() && *other != own) else {
            return;
        };
        let fixed = if label == "corrino_oci_recipe" {
            own.to_owned()
        } else {
            value.replacen(&format!("recipe-{other}"), &format!("recipe-{own}"), 1)
        };
        self.warn(
            format!(
                "`{label}=\"{value}\"` selects deployment `{other}`, not this one (`{own}`): the query would scale this deployment on another one's metrics"
            ),
            Some(format!(
                "write `{label}=\"{}\"`",
                crate::promql::escape_label_value(&fixed)
            )),
        );
    }

    fn warn(&mut self, message: String, hint: Option<String>) {
        let d = Diagnostic::warning(self.at, Code::Query, message);
        self.found.push(match hint {
            Some(h) => d.with_hint(h),
            None => d,
        });
    }

    fn result_shape(&mut self, expr: &Expr, query: &str) {
        let at = self.at;
        match result_type(expr) {
            ResultType::Vector(Cardinality::One) => {}
            ResultType::Vector(_) => {
                let (why, hint) = explain_many(expr);
                self.warn(
                    format!(
                        "this query can return more than one series ({why}); KEDA fails when a query returns more than one element"
                    ),
                    Some(hint),
                );
            }
            ResultType::Range(_) => self.found.push(
                Diagnostic::error(
                    at,
                    Code::Query,
                    "this query returns a range vector; KEDA needs a single instant value",
                )
                .with_hint(
                    "apply rate(), increase() or avg_over_time() to the range, or drop the `[…]`",
                ),
            ),
            ResultType::Scalar => self.found.push(
                Diagnostic::error(
                    at,
                    Code::Query,
                    "this query returns a scalar; KEDA decodes only instant-vector results and fails on a scalar",
                )
                .with_hint("wrap it in vector(...)"),
            ),
            ResultType::Text => {
                let quoted = {
                    let t = query.trim();
                    t.len() >= 2
                        && ((t.starts_with('"') && t.ends_with('"'))
                            || (t.starts_with('\'') && t.ends_with('\'')))
                };
                self.found.push(
                    Diagnostic::error(
                        at,
                        Code::Query,
                        "this query returns a string; KEDA needs a single instant value",
                    )
                    .with_hint(if quoted {
                        "remove the quotes around the query"
                    } else {
                        "query a metric instead of a string literal"
                    }),
                );
            }
        }
    }

    fn walk(&mut self, expr: &Expr, scope: Scope) {
        match expr {
            Expr::Aggregate(a) => {
                if let Some(param) = &a.param {
                    self.walk(param, scope);
                }
                let counts = matches!(op_name(a).as_str(), "count" | "group" | "count_values");
                self.walk(
                    &a.expr,
                    Scope {
                        values_unused: scope.values_unused || counts,
                        ..scope
                    },
                );
            }
            Expr::Unary(u) => self.walk(&u.expr, scope),
            Expr::Paren(p) => self.walk(&p.expr, scope),
            Expr::Binary(b) => {
                self.walk(&b.lhs, scope);
                self.walk(&b.rhs, scope);
            }
            Expr::Subquery(s) => {
                self.pinned(s.at.as_ref());
                self.walk(
                    &s.expr,
                    Scope {
                        under_subquery: true,
                        rate_function: None,
                        values_unused: scope.values_unused,
                    },
                );
            }
            Expr::VectorSelector(vs) => self.selector(vs, false, scope),
            Expr::MatrixSelector(ms) => self.selector(&ms.vs, true, scope),
            Expr::Call(c) => {
                let rate_function = RATE_FUNCTIONS.iter().copied().find(|f| *f == c.func.name);
                if let Some(function) = rate_function {
                    self.rate_window(function, c);
                }
                let presence = matches!(
                    c.func.name,
                    "absent" | "absent_over_time" | "present_over_time" | "timestamp"
                );
                for arg in &c.args.args {
                    self.walk(
                        arg,
                        Scope {
                            under_subquery: scope.under_subquery,
                            rate_function,
                            values_unused: scope.values_unused || presence,
                        },
                    );
                }
            }
            Expr::NumberLiteral(_) | Expr::StringLiteral(_) | Expr::Extension(_) => {}
        }
    }

    fn pinned(&mut self, at: Option<&AtModifier>) {
        if let Some(AtModifier::At(_)) = at {
            self.warn(
                "`@` pins the query to a fixed time, so KEDA would see the same value on every poll".to_string(),
                Some("remove the `@ …` modifier".to_string()),
            );
        }
    }

    fn rate_window(&mut self, function: &str, call: &Call) {
        let range = match call.args.args.first().map(|a| a.as_ref()) {
            Some(Expr::MatrixSelector(ms)) => ms.range,
            Some(Expr::Subquery(s)) => s.range,
            _ => return,
        };
        let interval = u64::from(self.ctx.scrape_interval_seconds);
        if interval == 0 || range >= Duration::from_secs(2 * interval) {
            return;
        }
        self.warn(
            format!(
                "`{function}` over a {} window sees fewer than two scrapes at the {interval} s scrape interval, so it often returns nothing",
                show_duration(range)
            ),
            Some(format!(
                "use a window of at least {}",
                format_duration(4 * interval)
            )),
        );
    }

    fn selector(&mut self, vs: &VectorSelector, in_range: bool, scope: Scope) {
        self.pinned(vs.at.as_ref());
        let all_matchers: Vec<&Matcher> = vs
            .matchers
            .matchers
            .iter()
            .chain(vs.matchers.or_matchers.iter().flatten())
            .collect();
        let name = vs.name.clone().or_else(|| {
            all_matchers
                .iter()
                .find(|m| m.name == "__name__" && m.op == MatchOp::Equal)
                .map(|m| m.value.clone())
        });
        let Some(name) = name else { return };
        let found = vllm::lookup(&name);
        let is_vllm = name.starts_with(vllm::PREFIX) || name.starts_with("vllm_");
        if name.starts_with(vllm::PREFIX) {
            match found {
                Some((metric, part)) => self.metric_status(&name, metric, part),
                None => self.unknown_metric(&name),
            }
        } else if let Some(rest) = name.strip_prefix("vllm_") {
            let colon = format!("{}{rest}", vllm::PREFIX);
            let hint = if vllm::lookup(&colon).is_some() {
                format!("write `{colon}`")
            } else {
                let names = vllm::all_series_names();
                did_you_mean(&suggest(&colon, names.iter().map(String::as_str), 3))
                    .unwrap_or_else(|| format!("write `{colon}`"))
            };
            self.warn(
                format!(
                    "vLLM names its metrics with a colon (`vllm:…`); `{name}` matches only if something renamed them on the way to Prometheus"
                ),
                Some(hint),
            );
        }
        for m in &all_matchers {
            if looks_like_grafana_variable(&m.value) {
                self.warn(
                    format!(
                        "`{}` looks like a Grafana variable; KEDA sends the query as written, so `{}` matches only that literal text",
                        m.value, m.name
                    ),
                    Some("write the value itself".to_string()),
                );
            }
        }
        if let Some(own) = &self.ctx.deployment {
            for m in &all_matchers {
                if m.op == MatchOp::Equal {
                    self.foreign_deployment(&m.name, &m.value, own);
                }
            }
        }
        if is_vllm {
            for m in &all_matchers {
                if m.name == "model" {
                    self.warn(
                        format!(
                            "vLLM labels the served model `model_name`; `{name}` has no `model` label unless the scrape configuration adds one"
                        ),
                        Some(format!(
                            "write `model_name=\"{}\"`",
                            crate::promql::escape_label_value(&m.value)
                        )),
                    );
                }
            }
        }
        if let Some((metric, part)) = found {
            for m in &all_matchers {
                if m.name != "le" {
                    continue;
                }
                if part == SeriesPart::Bucket {
                    if m.op == MatchOp::Equal {
                        self.bucket_bound(metric, &name, &m.value);
                    }
                } else {
                    self.warn(
                        format!("`{name}` has no `le` label, so this matcher selects nothing"),
                        metric
                            .series_name(SeriesPart::Bucket)
                            .map(|b| format!("bucket bounds are on `{b}`")),
                    );
                }
            }
            if scope
                .rate_function
                .is_some_and(|f| f != "deriv" && f != "delta")
                && metric.kind == MetricKind::Gauge
            {
                self.warn(
                    format!(
                        "`{}` is meant for counters, and `{name}` is a gauge: its ups and downs read as counter resets",
                        scope.rate_function.unwrap_or("rate")
                    ),
                    Some("use avg_over_time(…) or max_over_time(…), or the gauge itself".to_string()),
                );
            }
        }
        if !in_range && !scope.under_subquery && !scope.values_unused {
            match found {
                Some((metric, part)) if part.is_cumulative() => self.warn(
                    format!(
                        "`{name}` is a counter read without rate() or increase(): it only grows, so the query tracks the {} since the server started, not the current load",
                        if metric.kind == MetricKind::Histogram { "whole history" } else { "total" }
                    ),
                    Some(format!("write rate({name}[5m]) or increase({name}[5m])")),
                ),
                None if !is_vllm && name.ends_with("_total") => self.found.push(
                    Diagnostic::note(
                        self.at,
                        Code::Query,
                        format!(
                            "`{name}` looks like a counter (by its `_total` suffix); read raw, it only grows"
                        ),
                    )
                    .with_hint(format!("write rate({name}[5m]) if it is a counter")),
                ),
                _ => {}
            }
        }
    }

    fn metric_status(&mut self, name: &str, metric: &Metric, part: SeriesPart) {
        let status = match self.ctx.vllm_version {
            Some(version) => metric.status.at(version),
            None => metric.status,
        };
        let instead = |replacement: Option<&'static str>| {
            replacement.and_then(vllm::metric).map(|r| {
                let series = r
                    .series_name(part)
                    .or_else(|| r.series_names().into_iter().next())
                    .unwrap_or_else(|| r.name.to_string());
                format!("use `{series}`")
            })
        };
        match status {
            MetricStatus::Current => {}
            MetricStatus::Deprecated { since, replacement } => self.warn(
                format!("`{name}` is deprecated since vLLM {since}; later releases hide and then remove it"),
                instead(replacement),
            ),
            MetricStatus::Hidden {
                hidden_since,
                replacement,
                ..
            } => {
                let flag = VllmVersion::new(
                    hidden_since.major,
                    hidden_since.minor.saturating_sub(1),
                    0,
                );
                self.warn(
                    format!(
                        "`{name}` is hidden since vLLM {hidden_since}: servers export it only with `--show-hidden-metrics-for-version={flag}`, so by default the query returns nothing"
                    ),
                    instead(replacement),
                );
            }
            MetricStatus::Removed {
                deprecated_since,
                removed_since,
                replacement,
                ..
            } => self.warn(
                format!(
                    "`{name}` was removed in vLLM {removed_since} (deprecated since {deprecated_since}); on current servers this selector matches nothing"
                ),
                instead(replacement).or_else(|| Some(format!("no replacement exists: {}", metric.help))),
            ),
        }
        if let (Some(version), Some(added)) = (self.ctx.vllm_version, metric.added)
            && version < added
        {
            let predecessor = vllm::METRICS
                .iter()
                .find(|m| m.status.replacement() == Some(metric.name))
                .and_then(|m| m.series_name(part));
            self.warn(
                format!(
                    "`{name}` first appeared in vLLM {added}; a {version} server does not export it"
                ),
                predecessor.map(|p| format!("on {version} use `{p}`")),
            );
        }
    }

    fn unknown_metric(&mut self, name: &str) {
        if let Some(family) = vllm::metric(name) {
            let series = family.series_names();
            let first = series.first().cloned().unwrap_or_default();
            let (what, hint) = match family.kind {
                MetricKind::Counter => (
                    format!("a counter; Prometheus stores it as `{first}`"),
                    format!("write `{first}`"),
                ),
                MetricKind::Histogram => (
                    format!(
                        "a histogram; its series are {}",
                        list(series.iter().map(String::as_str))
                    ),
                    format!("for a latency bound use `{first}{{le=\"…\"}}`"),
                ),
                MetricKind::Gauge => ("a gauge".to_string(), format!("write `{}`", family.name)),
            };
            self.warn(
                format!("`{name}` is {what}, so the query matches nothing"),
                Some(hint),
            );
            return;
        }
        let names = vllm::all_series_names();
        let suggestions = suggest(name, names.iter().map(String::as_str), 3);
        self.warn(
            format!(
                "`{name}` is not a vLLM metric this checker knows; the query may return nothing"
            ),
            did_you_mean(&suggestions),
        );
    }

    fn bucket_bound(&mut self, metric: &Metric, series: &str, value: &str) {
        if value == "+Inf" {
            return;
        }
        let overridden = self
            .ctx
            .bucket_overrides
            .iter()
            .find(|(family, _)| family == metric.name)
            .map(|(_, bounds)| bounds.iter().map(String::as_str).collect::<Vec<_>>());
        let bounds: Vec<&str> = overridden.unwrap_or_else(|| metric.buckets.to_vec());
        if bounds.contains(&value) {
            return;
        }
        let matches_nothing = format!("`{series}{{le=\"{value}\"}}` matches nothing");
        if matches!(
            value.to_ascii_lowercase().as_str(),
            "inf" | "+inf" | "infinity" | "+infinity"
        ) {
            self.warn(
                format!("{matches_nothing}: the last bucket is spelled `+Inf`"),
                Some("write `le=\"+Inf\"`".to_string()),
            );
            return;
        }
        let Ok(number) = value.trim().parse::<f64>() else {
            self.warn(
                format!("{matches_nothing}: `le` holds a number"),
                Some(bounds_hint(&bounds, None)),
            );
            return;
        };
        if bounds.is_empty() {
            // Token-count histograms: bounds follow 1, 2, 5, 10, … up to the model's context length.
            if vllm::is_one_two_five(number) {
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                let spelled = vllm::format_bound(number as u64);
                if spelled != value {
                    self.warn(
                        format!("{matches_nothing}: vLLM writes this bound as `{spelled}`"),
                        Some(format!("write `le=\"{spelled}\"`")),
                    );
                }
            } else {
                self.warn(
                    format!("{matches_nothing}: its bounds run 1, 2, 5, 10, 20, 50, … up to the model's context length"),
                    Some("pick a bound from that series, written with `.0` (`le=\"100.0\"`)".to_string()),
                );
            }
            return;
        }
        if let Some(same) = bounds
            .iter()
            .find(|b| b.parse::<f64>().is_ok_and(|b| b == number))
        {
            self.warn(
                format!("{matches_nothing}: vLLM writes this bound as `{same}`"),
                Some(format!("write `le=\"{same}\"`")),
            );
            return;
        }
        self.warn(
            format!(
                "{matches_nothing}: `{value}` is not one of its bucket bounds, and a bucket ratio cannot interpolate"
            ),
            Some(bounds_hint(&bounds, Some(number))),
        );
    }
}

/// The bounds nearest to `number`, or the whole list when there is no number.
pub(super) fn bounds_hint(bounds: &[&str], number: Option<f64>) -> String {
    let parsed: Vec<(f64, &str)> = bounds
        .iter()
        .filter_map(|b| b.parse::<f64>().ok().map(|v| (v, *b)))
        .collect();
    if bounds.is_empty() {
        return "its bounds run `1.0`, `2.0`, `5.0`, `10.0`, … up to the model's context length"
            .to_string();
    }
    let Some(number) = number else {
        return format!("its bounds are {}", list(bounds.iter().copied()));
    };
    let below = parsed
        .iter()
        .filter(|(v, _)| *v < number)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    let above = parsed
        .iter()
        .filter(|(v, _)| *v > number)
        .min_by(|a, b| a.0.total_cmp(&b.0));
    match (below, above) {
        (Some((_, lo)), Some((_, hi))) => format!("the nearest bounds are `{lo}` and `{hi}`"),
        (Some((_, lo)), None) => format!("the largest bound is `{lo}` (then `+Inf`)"),
        (None, Some((_, hi))) => format!("the smallest bound is `{hi}`"),
        (None, None) => "use `+Inf`".to_string(),
    }
}

pub(super) fn list<'a>(items: impl Iterator<Item = &'a str>) -> String {
    items
        .map(|b| format!("`{b}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A range as written in PromQL: whole seconds in Prometheus form, else milliseconds.
pub(super) fn show_duration(d: Duration) -> String {
    if d.subsec_nanos() == 0 {
        format_duration(d.as_secs())
    } else {
        format!("{}ms", d.as_millis())
    }
}
