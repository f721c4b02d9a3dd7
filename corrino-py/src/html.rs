//! Tables for notebooks (`_repr_html_`): a list of diagnostics, a plan's resolved values above its diagnostics, and
//! a simulation's figures beside its chart. Every piece of text from the recipe is escaped, quotes included, so that
//! it can sit in an attribute too.

use std::fmt::Write as _;

use corrino_core::autoscaling::{Resolved, Source};
use corrino_core::sim::{self, Simulation};
use corrino_core::{Diagnostic, Preview, Severity};

/// Text with `&`, `<`, `>`, `"` and `'` written as character references (as the simulation chart escapes its text).
pub use html_escape::encode_quoted_attribute as escape;

fn colour(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "#c62828",
        Severity::Warning => "#b26a00",
        Severity::Note => "#1565c0",
    }
}

/// One row per diagnostic: severity, code, path, message, hint and input (as JSON).
pub fn diagnostics(items: &[Diagnostic]) -> String {
    if items.is_empty() {
        return "<p>No problems found.</p>".to_owned();
    }
    let mut out = String::from(
        "<table>\n<thead><tr><th>severity</th><th>code</th><th>path</th><th>message</th><th>hint</th><th>input</th></tr></thead>\n<tbody>\n",
    );
    for d in items {
        let path = if d.path.is_empty() { "/" } else { &d.path };
        let input = d
            .input
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "<tr><td style=\"color: {}; font-weight: bold\">{}</td><td><code>{}</code></td><td><code>{}</code></td><td>{}</td><td>{}</td><td><code>{}</code></td></tr>",
            colour(d.severity),
            d.severity,
            d.code,
            escape(path),
            escape(&d.message),
            escape(d.hint.as_deref().unwrap_or_default()),
            escape(&input),
        );
    }
    out.push_str("</tbody>\n</table>");
    out
}

fn resolved<T: std::fmt::Display>(r: &Resolved<T>, unit: &str) -> String {
    let source = match r.source {
        Source::Recipe => "recipe",
        Source::NodeParams => "moved from the node parameters",
        Source::Default => "default",
    };
    format!("{}{unit} ({source})", r.value)
}

/// The plan's main values, then its diagnostics.
pub fn plan(plan: &Preview) -> String {
    let mut rows: Vec<(&str, String)> = Vec::new();
    if let Some(name) = &plan.name {
        rows.push(("name", format!("{name} (Service {})", name.service_name())));
    }
    if let Some(mode) = plan.mode {
        rows.push(("mode", mode.as_str().to_owned()));
    }
    if let Some(shape) = &plan.shape {
        rows.push(("shape", format!("{} ({})", shape.name, shape.summary())));
        rows.push(("GPUs per replica", plan.gpus_per_replica.to_string()));
    }
    if let Some(port) = plan.container_port {
        rows.push(("container port", port.to_string()));
    }
    if let Some(c) = &plan.capacity {
        rows.push((
            "capacity",
            format!(
                "{} replica(s) per node; {} replica(s) need {} node(s); {} would stay Pending",
                c.replicas_per_node, c.max_replicas, c.nodes_needed, c.pending_replicas
            ),
        ));
    }
    if let Some(pod) = &plan.pod_autoscaling {
        rows.push((
            "pod autoscaling",
            format!(
                "{} to {} replicas, threshold {}, window {}",
                resolved(&pod.min_replicas, ""),
                pod.max_replicas,
                resolved(&pod.threshold, ""),
                resolved(&pod.window_seconds, " s")
            ),
        ));
    }
    if let Some(node) = &plan.node_autoscaling {
        rows.push((
            "node autoscaling",
            format!("{} to {} nodes", node.min_nodes, node.max_nodes),
        ));
    }
    let mut out = rows_table(&rows);
    out.push('\n');
    out.push_str(&diagnostics(plan.diagnostics.as_slice()));
    out
}

/// A two-column table of labelled values, the values escaped.
fn rows_table(rows: &[(&str, String)]) -> String {
    let mut out = String::from("<table>\n<tbody>\n");
    for (key, value) in rows {
        let _ = writeln!(
            out,
            "<tr><th style=\"text-align: left\">{key}</th><td style=\"text-align: left\">{}</td></tr>",
            escape(value)
        );
    }
    out.push_str("</tbody>\n</table>");
    out
}

/// What the simulation ran with and its figures over the run (the rows of `corrino simulate`'s text report), then
/// the core's chart. The chart escapes the text it draws (shape, query) itself.
pub fn simulation(simulation: &Simulation) -> String {
    let settings = &simulation.settings;
    let s = &simulation.summary;
    let at = |t: Option<i64>| t.map_or_else(|| "never".to_owned(), |t| format!("{t} s"));
    let seconds = |v: Option<f64>| v.map_or_else(|| "–".to_owned(), |v| format!("{v:.1} s"));
    let mut rows: Vec<(&str, String)> = vec![
        (
            "scaling",
            format!(
                "{} to {} replicas on {} ({} per node), threshold {} ({})",
                settings.min_replicas,
                settings.max_replicas,
                settings.shape,
                settings.replicas_per_node,
                settings.threshold,
                settings.metric_type
            ),
        ),
        ("query", settings.query.clone()),
        ("simulated", format!("{} s", s.duration_seconds)),
        ("first scale-up", at(s.first_scale_up_at)),
        ("first node requested", at(s.first_node_requested_at)),
        ("steady state", at(s.steady_state_at)),
    ];
    if let Some(t) = s.load_finished_at {
        rows.push(("load finished", format!("{t:.0} s")));
    }
    rows.extend([
        (
            "peak replicas",
            format!("{} (ready {})", s.peak_spec_replicas, s.peak_ready_replicas),
        ),
        ("peak nodes", s.peak_nodes.to_string()),
        (
            "scale events",
            format!(
                "{} ({} reversals within {} minutes)",
                s.scale_events,
                s.flapping_count,
                sim::FLAPPING_WINDOW_SECONDS / 60
            ),
        ),
        (
            "requests",
            format!(
                "{} sent: {} completed, {} failed, {} still queued or running at the end",
                s.requests_sent, s.requests_completed, s.requests_failed, s.requests_in_flight
            ),
        ),
        (
            "latency",
            format!(
                "p50 {}, p95 {}",
                seconds(s.latency_p50),
                seconds(s.latency_p95)
            ),
        ),
        (
            "over the SLO",
            format!("{} requests, {} s", s.slo_misses, s.seconds_over_slo),
        ),
        (
            "pending replica-time",
            format!("{} s", s.pending_replica_seconds),
        ),
        ("GPU-hours", format!("{:.2}", s.gpu_hours)),
    ]);
    let mut out = rows_table(&rows);
    out.push_str("\n<div>\n");
    out.push_str(&sim::svg(simulation));
    out.push_str("</div>");
    out
}

#[cfg(test)]
mod tests {
    use corrino_core::Diagnostic;
    use corrino_core::diagnostic::Code;

    #[test]
    fn text_is_escaped_quotes_included() {
        assert_eq!(
            super::escape(r#"<a title="x">'&'</a>"#),
            "&lt;a title=&quot;x&quot;&gt;&#x27;&amp;&#x27;&lt;/a&gt;"
        );
    }

    #[test]
    fn a_diagnostic_is_one_row_with_the_root_shown_as_a_slash() {
        let d = Diagnostic::error("", Code::Syntax, "bad <json>").with_hint("fix & retry");
        let table = super::diagnostics(&[d]);
        assert!(table.contains(
            "<td><code>syntax</code></td><td><code>/</code></td><td>bad &lt;json&gt;</td><td>fix &amp; retry</td>"
        ));
        assert_eq!(table.matches("<tr>").count(), 2);
    }
}
