//! Tables for notebooks (`_repr_html_`): a list of diagnostics, and a plan's resolved values above its diagnostics.
//! Every piece of text from the recipe is escaped, quotes included, so that it can sit in an attribute too.

use std::fmt::Write as _;

use corrino_core::autoscaling::{Resolved, Source};
use corrino_core::{Diagnostic, Plan, Severity};

/// Text with `&`, `<`, `>`, `"` and `'` written as character references.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
    out
}

fn colour(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "#c62828",
        Severity::Warning => "#b26a00",
        Severity::Info => "#1565c0",
    }
}

/// One row per diagnostic: severity, code, path, message and hint.
pub fn diagnostics(items: &[Diagnostic]) -> String {
    if items.is_empty() {
        return "<p>No problems found.</p>".to_owned();
    }
    let mut out = String::from(
        "<table>\n<thead><tr><th>severity</th><th>code</th><th>path</th><th>message</th><th>hint</th></tr></thead>\n<tbody>\n",
    );
    for d in items {
        let path = if d.path.is_empty() { "/" } else { &d.path };
        let _ = writeln!(
            out,
            "<tr><td style=\"color: {}; font-weight: bold\">{}</td><td><code>{}</code></td><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
            colour(d.severity),
            d.severity,
            d.code,
            escape(path),
            escape(&d.message),
            escape(d.hint.as_deref().unwrap_or_default()),
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
pub fn plan(plan: &Plan) -> String {
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
    let mut out = String::from("<table>\n<tbody>\n");
    for (key, value) in rows {
        let _ = writeln!(
            out,
            "<tr><th style=\"text-align: left\">{key}</th><td style=\"text-align: left\">{}</td></tr>",
            escape(&value)
        );
    }
    out.push_str("</tbody>\n</table>\n");
    out.push_str(&diagnostics(plan.diagnostics.as_slice()));
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
