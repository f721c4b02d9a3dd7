//! A chart of a simulation as SVG text: the load, the replicas and nodes, and the metric against the threshold,
//! in three panels over a shared time axis, each with its axis, labels and legend; and the chart of two simulations
//! of one load, overlaid ([`compare_svg`]).
//!
//! The SVG is written by hand rather than with a plotting crate: three panels of polylines, axes and a few labels
//! do not justify a plotting library's dependencies in the browser build, and writing the text directly keeps the
//! output byte-for-byte deterministic (coordinates are printed with one decimal, in a fixed order).
//!
//! Long timelines are thinned to at most two points per pixel column (each column's lowest and highest value, in
//! the order they occurred), so the chart stays small while spikes stay visible.

use std::fmt::Write as _;

// Text and attribute values escaped alike (`&`, `<`, `>` and both quotes), as the Python notebook tables do.
use html_escape::encode_quoted_attribute as escape;

use super::simulation::{Sample, Simulation};

const WIDTH: f64 = 960.0;
const LEFT: f64 = 70.0;
const RIGHT: f64 = 180.0;
const TOP: f64 = 40.0;
const PANEL_HEIGHT: f64 = 150.0;
const PANEL_GAP: f64 = 45.0;
const BOTTOM: f64 = 50.0;

/// How a series is drawn.
#[derive(Clone, Copy)]
struct Stroke {
    color: &'static str,
    width: f64,
    dashed: bool,
}

const fn stroke(color: &'static str, width: f64, dashed: bool) -> Stroke {
    Stroke {
        color,
        width,
        dashed,
    }
}

const LOAD: Stroke = stroke("#4c78a8", 1.5, false);
/// Wide and drawn first, so the ready replicas stay visible on top of it where the two agree.
const SPEC: Stroke = stroke("#f58518", 4.0, false);
const READY: Stroke = stroke("#54a24b", 1.5, false);
const NODES: Stroke = stroke("#b279a2", 1.5, true);
const METRIC: Stroke = stroke("#e45756", 1.5, false);
const THRESHOLD: Stroke = stroke("#555555", 1.5, true);

/// A round tick step for a range of `span`, aiming at about five ticks (1, 2 or 5 × 10ᵏ).
fn tick_step(span: f64) -> f64 {
    if !(span.is_finite() && span > 0.0) {
        return 1.0;
    }
    let raw = span / 5.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    let unit = raw / magnitude;
    let nice = if unit <= 1.0 {
        1.0
    } else if unit <= 2.0 {
        2.0
    } else if unit <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * magnitude
}

/// A tick label: whole numbers without decimals, others with as few as the step needs.
fn tick_label(value: f64, step: f64) -> String {
    if step >= 1.0 || value == 0.0 {
        format!("{value:.0}")
    } else {
        let decimals = (-step.log10().floor()).clamp(1.0, 6.0) as usize;
        format!("{value:.decimals$}")
    }
}

/// One panel's geometry: where its plot area is and what its axes span.
struct Panel {
    top: f64,
    x_max: f64,
    y_max: f64,
}

impl Panel {
    fn plot_width() -> f64 {
        WIDTH - LEFT - RIGHT
    }

    fn x(&self, t: f64) -> f64 {
        LEFT + t / self.x_max * Self::plot_width()
    }

    fn y(&self, value: f64) -> f64 {
        self.top + PANEL_HEIGHT - value.clamp(0.0, self.y_max) / self.y_max * PANEL_HEIGHT
    }
}

struct Svg {
    out: String,
}

/// The time axis' unit for a run of `x_max` seconds: hours past four hours, minutes below.
fn time_unit(x_max: f64) -> (f64, &'static str) {
    if x_max > 4.0 * 3600.0 {
        (3600.0, "h")
    } else {
        (60.0, "min")
    }
}

impl Svg {
    /// A document of the chart's width and `height` on a white ground.
    fn begin(height: f64, capacity: usize) -> Self {
        let mut svg = Svg {
            out: String::with_capacity(capacity),
        };
        let _ = writeln!(
            svg.out,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH:.0}" height="{height:.0}" viewBox="0 0 {WIDTH:.0} {height:.0}" font-family="sans-serif">"#
        );
        let _ = writeln!(
            svg.out,
            r#"<rect width="100%" height="100%" fill="white"/>"#
        );
        svg
    }

    fn line(&mut self, (x1, y1): (f64, f64), (x2, y2): (f64, f64), style: &str) {
        let _ = writeln!(
            self.out,
            r#"<line x1="{x1:.1}" y1="{y1:.1}" x2="{x2:.1}" y2="{y2:.1}" {style}/>"#
        );
    }

    fn text(&mut self, (x, y): (f64, f64), anchor: &str, size: u32, text: &str) {
        let _ = writeln!(
            self.out,
            r#"<text x="{x:.1}" y="{y:.1}" text-anchor="{anchor}" font-size="{size}">{}</text>"#,
            escape(text)
        );
    }

    fn polyline(&mut self, points: &[(f64, f64)], style: Stroke) {
        if points.len() < 2 {
            return;
        }
        let mut coordinates = String::with_capacity(points.len() * 12);
        for (index, (x, y)) in points.iter().enumerate() {
            if index > 0 {
                coordinates.push(' ');
            }
            let _ = write!(coordinates, "{x:.1},{y:.1}");
        }
        let Stroke {
            color,
            width,
            dashed,
        } = style;
        let dash = if dashed {
            r#" stroke-dasharray="6 4""#
        } else {
            ""
        };
        let _ = writeln!(
            self.out,
            r#"<polyline fill="none" stroke="{color}" stroke-width="{width:.1}"{dash} points="{coordinates}"/>"#
        );
    }

    fn legend(&mut self, panel: &Panel, entries: &[(&str, Stroke)]) {
        let x = WIDTH - RIGHT + 15.0;
        for (index, (label, style)) in entries.iter().enumerate() {
            let y = panel.top + 12.0 + index as f64 * 18.0;
            let Stroke {
                color,
                width,
                dashed,
            } = *style;
            let dash = if dashed {
                r#" stroke-dasharray="6 4""#
            } else {
                ""
            };
            self.line(
                (x, y - 4.0),
                (x + 22.0, y - 4.0),
                &format!(r#"stroke="{color}" stroke-width="{width:.1}"{dash}"#),
            );
            self.text((x + 28.0, y), "start", 12, label);
        }
    }

    fn axes(&mut self, panel: &Panel, title: &str, time_unit: (f64, &str), last: bool) {
        let bottom = panel.top + PANEL_HEIGHT;
        let right = LEFT + Panel::plot_width();
        let axis = r##"stroke="#333333" stroke-width="1""##;
        let grid = r##"stroke="#dddddd" stroke-width="1""##;
        let step = tick_step(panel.y_max);
        let mut value = 0.0;
        while value <= panel.y_max * (1.0 + 1e-9) {
            let y = panel.y(value);
            self.line((LEFT, y), (right, y), grid);
            self.text((LEFT - 6.0, y + 4.0), "end", 11, &tick_label(value, step));
            value += step;
        }
        let (seconds_per_unit, unit) = time_unit;
        let span = panel.x_max / seconds_per_unit;
        let step = tick_step(span);
        let mut tick = 0.0;
        while tick <= span * (1.0 + 1e-9) {
            let x = panel.x(tick * seconds_per_unit);
            self.line((x, bottom), (x, bottom + 4.0), axis);
            if last {
                self.text((x, bottom + 17.0), "middle", 11, &tick_label(tick, step));
            }
            tick += step;
        }
        self.line((LEFT, panel.top), (LEFT, bottom), axis);
        self.line((LEFT, bottom), (right, bottom), axis);
        self.text((LEFT, panel.top - 8.0), "start", 13, title);
        if last {
            self.text(
                (LEFT + Panel::plot_width() / 2.0, bottom + 36.0),
                "middle",
                12,
                &format!("time ({unit})"),
            );
        }
    }
}

/// One pixel column being thinned: its x pixel, its lowest and highest point, and whether the lowest came
/// first.
type Column = (i64, (f64, f64), (f64, f64), bool);

/// How one count series of the middle panel is read from a row.
type CountSeries<'a> = (&'a str, Stroke, fn(&Sample) -> f64);

/// Thins a series to at most two points per pixel column (the column's lowest and highest value, in order), or
/// draws it as steps when `steps` and the series is short enough for every change to show.
fn trace(
    panel: &Panel,
    samples: &[Sample],
    value: impl Fn(&Sample) -> Option<f64>,
    steps: bool,
) -> Vec<Vec<(f64, f64)>> {
    let columns = Panel::plot_width().floor() as usize;
    let thin = samples.len() > columns * 2;
    let mut segments: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut current: Vec<(f64, f64)> = Vec::new();
    let mut column: Option<Column> = None;
    let flush = |current: &mut Vec<(f64, f64)>, column: &mut Option<Column>| {
        if let Some((_, low, high, low_first)) = column.take() {
            if low_first {
                current.push(low);
                current.push(high);
            } else {
                current.push(high);
                current.push(low);
            }
        }
    };
    for sample in samples {
        let Some(v) = value(sample).filter(|v| v.is_finite()) else {
            flush(&mut current, &mut column);
            if current.len() > 1 {
                segments.push(std::mem::take(&mut current));
            } else {
                current.clear();
            }
            continue;
        };
        let point = (panel.x(sample.t as f64), panel.y(v));
        if thin {
            let pixel = point.0.floor() as i64;
            match &mut column {
                Some((at, low, high, low_first)) if *at == pixel => {
                    if point.1 > low.1 {
                        *low = point;
                        *low_first = false;
                    }
                    if point.1 < high.1 {
                        *high = point;
                        *low_first = true;
                    }
                }
                _ => {
                    flush(&mut current, &mut column);
                    column = Some((pixel, point, point, true));
                }
            }
        } else {
            if steps && let Some(&(_, previous_y)) = current.last() {
                current.push((point.0, previous_y));
            }
            current.push(point);
        }
    }
    flush(&mut current, &mut column);
    if current.len() > 1 {
        segments.push(current);
    }
    segments
}

/// The chart of a simulation, as a complete SVG document.
#[must_use]
pub fn svg(simulation: &Simulation) -> String {
    let samples = &simulation.samples;
    let settings = &simulation.settings;
    let x_max = samples
        .last()
        .map_or(1.0, |sample| sample.t as f64)
        .max(simulation.summary.duration_seconds as f64)
        .max(1.0);
    let time_unit = time_unit(x_max);
    let height = TOP + 3.0 * PANEL_HEIGHT + 2.0 * PANEL_GAP + BOTTOM;
    let mut svg = Svg::begin(height, 16 * 1024);
    svg.text(
        (WIDTH / 2.0, 22.0),
        "middle",
        15,
        &format!(
            "{} · {} query, threshold {}",
            settings.shape, settings.query, settings.threshold
        ),
    );

    let panel_top = |index: f64| TOP + index * (PANEL_HEIGHT + PANEL_GAP);

    // Load.
    let load_max = samples.iter().map(|s| s.load).fold(0.0, f64::max);
    let load = Panel {
        top: panel_top(0.0),
        x_max,
        y_max: nice_max(load_max),
    };
    svg.axes(&load, "load (requests/s or clients)", time_unit, false);
    for segment in trace(&load, samples, |s| Some(s.load), false) {
        svg.polyline(&segment, LOAD);
    }
    svg.legend(&load, &[("load", LOAD)]);

    // Replicas and nodes.
    let count_max = samples
        .iter()
        .map(|s| {
            f64::from(s.spec_replicas.max(0))
                .max(f64::from(s.ready_replicas))
                .max(f64::from(s.ready_nodes + s.provisioning_nodes))
        })
        .fold(f64::from(settings.max_replicas.max(1)), f64::max);
    let counts = Panel {
        top: panel_top(1.0),
        x_max,
        y_max: nice_max(count_max),
    };
    svg.axes(&counts, "replicas and nodes", time_unit, false);
    let series: [CountSeries; 3] = [
        ("spec replicas", SPEC, |s| f64::from(s.spec_replicas)),
        ("ready replicas", READY, |s| f64::from(s.ready_replicas)),
        ("nodes", NODES, |s| {
            f64::from(s.ready_nodes + s.provisioning_nodes)
        }),
    ];
    for (_, style, value) in &series {
        for segment in trace(&counts, samples, |s| Some(value(s)), true) {
            svg.polyline(&segment, *style);
        }
    }
    let entries: Vec<(&str, Stroke)> = series
        .iter()
        .map(|(label, style, _)| (*label, *style))
        .collect();
    svg.legend(&counts, &entries);

    // Metric against the threshold.
    let metric_max = samples
        .iter()
        .filter_map(|s| s.metric)
        .filter(|v| v.is_finite())
        .fold(settings.threshold, f64::max);
    let metric = Panel {
        top: panel_top(2.0),
        x_max,
        y_max: nice_max(metric_max),
    };
    svg.axes(&metric, "scaling metric", time_unit, true);
    for segment in trace(&metric, samples, |s| s.metric, false) {
        svg.polyline(&segment, METRIC);
    }
    let threshold_y = metric.y(settings.threshold);
    svg.polyline(
        &[
            (LEFT, threshold_y),
            (LEFT + Panel::plot_width(), threshold_y),
        ],
        THRESHOLD,
    );
    svg.legend(&metric, &[("metric", METRIC), ("threshold", THRESHOLD)]);

    svg.out.push_str("</svg>\n");
    svg.out
}

const FIRST: Stroke = stroke("#4c78a8", 2.0, false);
const FIRST_THIN: Stroke = stroke("#4c78a8", 1.2, true);
const SECOND: Stroke = stroke("#f58518", 2.0, false);
const SECOND_THIN: Stroke = stroke("#f58518", 1.2, true);

/// Two simulations of the same load in one chart: ready replicas (and the replica count asked for, dashed), nodes,
/// and the 95th percentile latency against the bound, the first in blue and the second in orange.
#[must_use]
pub fn compare_svg(first: &Simulation, second: &Simulation, (a, b): (&str, &str)) -> String {
    let both = [first, second];
    let x_max = both
        .iter()
        .flat_map(|s| {
            [
                s.samples.last().map_or(1.0, |sample| sample.t as f64),
                s.summary.duration_seconds as f64,
            ]
        })
        .fold(1.0, f64::max);
    let time_unit = time_unit(x_max);
    let height = TOP + 3.0 * PANEL_HEIGHT + 2.0 * PANEL_GAP + BOTTOM;
    let mut svg = Svg::begin(height, 32 * 1024);
    svg.text(
        (WIDTH / 2.0, 22.0),
        "middle",
        15,
        &format!("{a} (blue) and {b} (orange), same load"),
    );
    let panel_top = |index: f64| TOP + index * (PANEL_HEIGHT + PANEL_GAP);
    let styles = [(FIRST, FIRST_THIN), (SECOND, SECOND_THIN)];

    let replica_max = both
        .iter()
        .flat_map(|s| {
            s.samples
                .iter()
                .map(|r| f64::from(r.spec_replicas.max(0)).max(f64::from(r.ready_replicas)))
        })
        .fold(1.0, f64::max);
    let replicas = Panel {
        top: panel_top(0.0),
        x_max,
        y_max: nice_max(replica_max),
    };
    svg.axes(
        &replicas,
        "ready replicas (asked for: dashed)",
        time_unit,
        false,
    );
    for (simulation, (solid, dashed)) in both.iter().zip(styles) {
        for segment in trace(
            &replicas,
            &simulation.samples,
            |r| Some(f64::from(r.spec_replicas)),
            true,
        ) {
            svg.polyline(&segment, dashed);
        }
        for segment in trace(
            &replicas,
            &simulation.samples,
            |r| Some(f64::from(r.ready_replicas)),
            true,
        ) {
            svg.polyline(&segment, solid);
        }
    }
    svg.legend(&replicas, &[(a, FIRST), (b, SECOND)]);

    let node_max = both
        .iter()
        .flat_map(|s| {
            s.samples
                .iter()
                .map(|r| f64::from(r.ready_nodes + r.provisioning_nodes))
        })
        .fold(1.0, f64::max);
    let nodes = Panel {
        top: panel_top(1.0),
        x_max,
        y_max: nice_max(node_max),
    };
    svg.axes(&nodes, "nodes (ready or provisioning)", time_unit, false);
    for (simulation, (solid, _)) in both.iter().zip(styles) {
        for segment in trace(
            &nodes,
            &simulation.samples,
            |r| Some(f64::from(r.ready_nodes + r.provisioning_nodes)),
            true,
        ) {
            svg.polyline(&segment, solid);
        }
    }
    svg.legend(&nodes, &[(a, FIRST), (b, SECOND)]);

    let bound = first.settings.latency_bound_seconds;
    let latency_max = both
        .iter()
        .flat_map(|s| s.samples.iter().filter_map(|r| r.latency_p95))
        .filter(|v| v.is_finite())
        .fold(bound, f64::max);
    let latency = Panel {
        top: panel_top(2.0),
        x_max,
        y_max: nice_max(latency_max),
    };
    svg.axes(&latency, "95th percentile latency (s)", time_unit, true);
    for (simulation, (solid, _)) in both.iter().zip(styles) {
        for segment in trace(&latency, &simulation.samples, |r| r.latency_p95, false) {
            svg.polyline(&segment, solid);
        }
    }
    let bound_y = latency.y(bound);
    svg.polyline(
        &[(LEFT, bound_y), (LEFT + Panel::plot_width(), bound_y)],
        THRESHOLD,
    );
    svg.legend(
        &latency,
        &[(a, FIRST), (b, SECOND), ("latency bound", THRESHOLD)],
    );

    svg.out.push_str("</svg>\n");
    svg.out
}

/// The axis maximum for data up to `max`: the next multiple of the tick step at or above it.
fn nice_max(max: f64) -> f64 {
    if !(max.is_finite() && max > 0.0) {
        return 1.0;
    }
    let step = tick_step(max);
    (max / step).ceil().max(1.0) * step
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round() {
        assert_eq!(tick_step(4.0), 1.0);
        assert_eq!(tick_step(0.5), 0.1);
        assert_eq!(tick_step(60.0), 20.0);
        assert_eq!(nice_max(4.0), 4.0);
        assert!((nice_max(0.13) - 0.15).abs() < 1e-12);
        assert_eq!(nice_max(0.0), 1.0);
        assert_eq!(tick_label(0.25, 0.05), "0.25");
        assert_eq!(
            escape("a<b & \"c\" 'd'"),
            "a&lt;b &amp; &quot;c&quot; &#x27;d&#x27;"
        );
    }
}
