//! Two simulations of the same load side by side: when each first scaled up, how far each went (replicas, nodes),
//! how long each kept requests over the latency bound, what each cost in GPU-hours and how often each flapped.
//!
//! [`compare`] reads the figures from the two [`Summary`]s; [`Comparison::table`] writes them as the aligned text
//! `corrino simulate A --compare B` prints, and the JSON form (and Python's list of records) is the same rows.

use std::fmt::Write as _;

use serde::Serialize;

use super::simulation::{Simulation, Summary};

/// One compared figure.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Figure {
    /// A stable identifier: the [`Summary`] field it comes from.
    pub figure: &'static str,
    /// What it is, in words.
    pub label: &'static str,
    /// Its unit (`s`, `replicas`, `nodes`, `GPU-h`, …).
    pub unit: &'static str,
    /// The first simulation's value (`None`: it never happened, as a scale-up that did not occur).
    pub first: Option<f64>,
    /// The second simulation's value.
    pub second: Option<f64>,
    /// `second − first`, when both have a value.
    pub difference: Option<f64>,
}

/// Two simulations' figures side by side.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Comparison {
    /// The first input's name.
    pub first: String,
    /// The second input's name.
    pub second: String,
    /// The figures, in a fixed order.
    pub figures: Vec<Figure>,
}

/// How a figure is read from a summary.
type Read = fn(&Summary) -> Option<f64>;

#[allow(clippy::cast_precision_loss)] // Times and counts of a run are far below 2^53.
fn figures() -> [(&'static str, &'static str, &'static str, Read); 14] {
    [
        ("first_scale_up_at", "first scale-up", "s", |s| {
            s.first_scale_up_at.map(|t| t as f64)
        }),
        (
            "first_node_requested_at",
            "first node requested",
            "s",
            |s| s.first_node_requested_at.map(|t| t as f64),
        ),
        ("peak_spec_replicas", "peak replicas", "replicas", |s| {
            Some(f64::from(s.peak_spec_replicas))
        }),
        (
            "peak_ready_replicas",
            "peak ready replicas",
            "replicas",
            |s| Some(f64::from(s.peak_ready_replicas)),
        ),
        ("peak_nodes", "peak nodes", "nodes", |s| {
            Some(f64::from(s.peak_nodes))
        }),
        (
            "seconds_over_slo",
            "seconds over the latency bound",
            "s",
            |s| Some(s.seconds_over_slo as f64),
        ),
        (
            "slo_misses",
            "requests over the latency bound",
            "requests",
            |s| Some(s.slo_misses as f64),
        ),
        ("latency_p95", "95th percentile latency", "s", |s| {
            s.latency_p95
        }),
        ("gpu_hours", "GPU-hours", "GPU-h", |s| Some(s.gpu_hours)),
        ("flapping_count", "flaps", "reversals", |s| {
            Some(f64::from(s.flapping_count))
        }),
        ("scale_events", "scale events", "changes", |s| {
            Some(f64::from(s.scale_events))
        }),
        (
            "requests_completed",
            "requests completed",
            "requests",
            |s| Some(s.requests_completed as f64),
        ),
        ("requests_failed", "requests failed", "requests", |s| {
            Some(s.requests_failed as f64)
        }),
        (
            "pending_replica_seconds",
            "replicas waiting for a node",
            "replica-s",
            |s| Some(s.pending_replica_seconds as f64),
        ),
    ]
}

/// The figures of two simulations of the same scenario, side by side.
#[must_use]
pub fn compare(first: &Simulation, second: &Simulation, (a, b): (&str, &str)) -> Comparison {
    let figures = figures()
        .into_iter()
        .map(|(figure, label, unit, read)| {
            let (x, y) = (read(&first.summary), read(&second.summary));
            Figure {
                figure,
                label,
                unit,
                first: x,
                second: y,
                difference: x.zip(y).map(|(x, y)| round(y - x)),
            }
        })
        .collect();
    Comparison {
        first: a.to_owned(),
        second: b.to_owned(),
        figures,
    }
}

/// A difference without the float noise of a subtraction (GPU-hours are sums of fractions).
fn round(value: f64) -> f64 {
    (value * 1e6).round() / 1e6
}

/// A value as the table shows it: whole numbers without decimals, others with up to two; `-` for none.
fn shown(value: Option<f64>) -> String {
    match value {
        None => "-".to_owned(),
        Some(v) if v.fract() == 0.0 && v.abs() < 1e15 => format!("{v:.0}"),
        Some(v) => {
            let text = format!("{v:.2}");
            text.trim_end_matches('0').trim_end_matches('.').to_owned()
        }
    }
}

impl Comparison {
    /// The figures as an aligned text table: the figure, the two values, and the difference (signed).
    #[must_use]
    pub fn table(&self) -> String {
        let rows: Vec<[String; 4]> = self
            .figures
            .iter()
            .map(|f| {
                [
                    format!("{} ({})", f.label, f.unit),
                    shown(f.first),
                    shown(f.second),
                    match f.difference {
                        None => "-".to_owned(),
                        Some(d) if d > 0.0 => format!("+{}", shown(Some(d))),
                        Some(d) => shown(Some(d)),
                    },
                ]
            })
            .collect();
        let header = [
            "figure".to_owned(),
            self.first.clone(),
            self.second.clone(),
            "difference".to_owned(),
        ];
        let width = |i: usize| {
            rows.iter()
                .map(|r| r[i].chars().count())
                .chain([header[i].chars().count()])
                .max()
                .unwrap_or(0)
        };
        let widths = [width(0), width(1), width(2), width(3)];
        let mut out = String::new();
        for row in std::iter::once(&header).chain(&rows) {
            let _ = writeln!(
                out,
                "{:<w0$}  {:>w1$}  {:>w2$}  {:>w3$}",
                row[0],
                row[1],
                row[2],
                row[3],
                w0 = widths[0],
                w1 = widths[1],
                w2 = widths[2],
                w3 = widths[3],
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_shown_plainly() {
        assert_eq!(shown(None), "-");
        assert_eq!(shown(Some(135.0)), "135");
        assert_eq!(shown(Some(3.5)), "3.5");
        assert_eq!(shown(Some(2.0 / 3.0)), "0.67");
        assert_eq!(round(0.1 + 0.2 - 0.3), 0.0);
    }
}
