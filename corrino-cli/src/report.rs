//! Printing diagnostics for people (like a compiler) and for machines (JSON).

use std::io::{self, Write};

use corrino_core::{Diagnostic, Diagnostics, Severity};

const RESET: &str = "\x1b[0m";
const BOLD: &str = "\x1b[1m";
const BLUE: &str = "\x1b[1;34m";

fn colour(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "\x1b[1;31m",
        Severity::Warning => "\x1b[1;33m",
        Severity::Info => "\x1b[1;36m",
    }
}

/// Writes one block per diagnostic and a summary line. Colours are written as ANSI codes; `anstream` strips
/// them when the output is not a terminal or `NO_COLOR` is set.
pub fn write_text<W: Write>(out: &mut W, file: &str, diagnostics: &Diagnostics) -> io::Result<()> {
    for d in diagnostics {
        write_one(out, file, d)?;
        writeln!(out)?;
    }
    let count = |s: Severity, word: &str| {
        let n = diagnostics.count(s);
        format!("{n} {word}{}", if n == 1 { "" } else { "s" })
    };
    let summary = format!(
        "{}, {}, {}",
        count(Severity::Error, "error"),
        count(Severity::Warning, "warning"),
        count(Severity::Info, "note")
    );
    if diagnostics.has_errors() {
        writeln!(
            out,
            "{}error{RESET}{BOLD}: {file} is not a valid recipe ({summary}){RESET}",
            colour(Severity::Error)
        )
    } else {
        writeln!(out, "{BOLD}ok{RESET}: {file} is a valid recipe ({summary})")
    }
}

/// Writes `{"file", "valid", "errors", "warnings", "notes", "diagnostics": […]}` and a newline.
pub fn write_json<W: Write>(out: &mut W, file: &str, diagnostics: &Diagnostics) -> io::Result<()> {
    let report = serde_json::json!({
        "file": file,
        "valid": !diagnostics.has_errors(),
        "errors": diagnostics.count(Severity::Error),
        "warnings": diagnostics.count(Severity::Warning),
        "notes": diagnostics.count(Severity::Info),
        "diagnostics": diagnostics,
    });
    serde_json::to_writer_pretty(&mut *out, &report)?;
    writeln!(out)
}

/// Writes one diagnostic: the headline, where it is, and the hint.
fn write_one<W: Write>(out: &mut W, file: &str, d: &Diagnostic) -> io::Result<()> {
    let path = if d.path.is_empty() { "/" } else { &d.path };
    writeln!(
        out,
        "{}{}[{}]{RESET}{BOLD}: {}{RESET}",
        colour(d.severity),
        d.severity,
        d.code,
        d.message
    )?;
    writeln!(out, "  {BLUE}-->{RESET} {file}: {path}")?;
    if let Some(hint) = &d.hint {
        writeln!(out, "  {BLUE}={RESET} {BOLD}hint{RESET}: {hint}")?;
    }
    Ok(())
}

/// Writes only the warnings (used when rendering succeeded), without a summary line.
pub fn write_warnings<W: Write>(
    out: &mut W,
    file: &str,
    diagnostics: &Diagnostics,
) -> io::Result<()> {
    for d in diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
    {
        write_one(out, file, d)?;
    }
    Ok(())
}

/// Writes every diagnostic of `diagnostics` (a simulation's notes about its scenario), without a summary line.
pub fn write_notes<W: Write>(
    out: &mut W,
    source: &str,
    diagnostics: &Diagnostics,
) -> io::Result<()> {
    for d in diagnostics {
        write_one(out, source, d)?;
    }
    Ok(())
}

/// Writes a plan as a short human summary.
pub fn write_plan<W: Write>(
    out: &mut W,
    file: &str,
    plan: &corrino_core::Preview,
) -> io::Result<()> {
    use corrino_core::autoscaling::{QuerySource, Resolved, Source};
    fn src<T: std::fmt::Display>(r: &Resolved<T>) -> String {
        let from = match r.source {
            Source::Recipe => "recipe",
            Source::NodeParams => "moved from node params",
            Source::Default => "default",
        };
        format!("{} ({from})", r.value)
    }
    writeln!(out, "{BOLD}{file}{RESET}")?;
    if let Some(name) = &plan.name {
        writeln!(
            out,
            "  name              {name} (Service {})",
            name.service_name()
        )?;
    }
    if let Some(shape) = &plan.shape {
        writeln!(
            out,
            "  shape             {} ({})",
            shape.name,
            shape.summary()
        )?;
    }
    if let Some(c) = &plan.capacity {
        writeln!(
            out,
            "  replicas per node {} ({} idle per node)",
            c.replicas_per_node, c.idle_per_node
        )?;
        writeln!(
            out,
            "  nodes at max      {} for {} replicas",
            c.nodes_needed, c.max_replicas
        )?;
        if let Some(fit) = c.replicas_that_fit {
            writeln!(
                out,
                "  pool holds        {fit} replicas ({} Pending)",
                c.pending_replicas
            )?;
        }
    }
    if let Some(p) = &plan.pod_autoscaling {
        writeln!(out, "  {BOLD}pod autoscaling{RESET}")?;
        writeln!(
            out,
            "    replicas        {}–{}",
            src(&p.min_replicas),
            p.max_replicas
        )?;
        writeln!(
            out,
            "    threshold       {} ({})",
            src(&p.threshold),
            p.metric_type.as_str()
        )?;
        writeln!(out, "    query window    {} s", src(&p.window_seconds))?;
        writeln!(
            out,
            "    polling         {} s",
            src(&p.polling_interval_seconds)
        )?;
        writeln!(out, "    cooldown        {} s", src(&p.cooldown_seconds))?;
        writeln!(
            out,
            "    up              window {} s, one pod per {} s",
            src(&p.stabilization_window_up_seconds),
            src(&p.scaling_period_up_seconds)
        )?;
        writeln!(
            out,
            "    down            window {} s, one pod per {} s",
            src(&p.stabilization_window_down_seconds),
            src(&p.scaling_period_down_seconds)
        )?;
        let query = match &p.query {
            QuerySource::DefaultLatency => {
                "default: fraction of requests slower than 5 s".to_owned()
            }
            QuerySource::Custom(q) => q.clone(),
        };
        writeln!(out, "    query           {query}")?;
    }
    if let Some(n) = &plan.node_autoscaling {
        writeln!(
            out,
            "  {BOLD}node autoscaling{RESET} {}–{} nodes",
            n.min_nodes, n.max_nodes
        )?;
    }
    let summary = format!(
        "{} errors, {} warnings, {} notes",
        plan.diagnostics.count(Severity::Error),
        plan.diagnostics.count(Severity::Warning),
        plan.diagnostics.count(Severity::Info)
    );
    writeln!(
        out,
        "  diagnostics       {summary} (see `corrino validate`)"
    )?;
    // A deployment group's members, each as a plan of its own (a member without a recipe has none).
    for member in &plan.members {
        let name = member.member.as_deref().unwrap_or("?");
        write_plan(out, &format!("{file}: member `{name}`"), member)?;
    }
    Ok(())
}

/// Writes a simulation's summary for people.
pub fn write_simulation<W: Write>(
    out: &mut W,
    file: &str,
    simulation: &corrino_core::sim::Simulation,
) -> io::Result<()> {
    let s = &simulation.summary;
    let at = |t: Option<i64>| t.map_or_else(|| "never".to_owned(), |t| format!("{t} s"));
    let seconds = |v: Option<f64>| v.map_or_else(|| "–".to_owned(), |v| format!("{v:.1} s"));
    writeln!(
        out,
        "{BOLD}{file}{RESET}: {} s simulated",
        s.duration_seconds
    )?;
    writeln!(out, "  first scale-up        {}", at(s.first_scale_up_at))?;
    writeln!(
        out,
        "  first node requested  {}",
        at(s.first_node_requested_at)
    )?;
    writeln!(out, "  steady state          {}", at(s.steady_state_at))?;
    writeln!(
        out,
        "  peak replicas         {} (ready {})",
        s.peak_spec_replicas, s.peak_ready_replicas
    )?;
    writeln!(out, "  peak nodes            {}", s.peak_nodes)?;
    writeln!(
        out,
        "  scale events          {} ({} reversals within 5 minutes)",
        s.scale_events, s.flapping_count
    )?;
    writeln!(
        out,
        "  requests              {} sent: {} completed, {} failed, {} still queued or running at the end",
        s.requests_sent, s.requests_completed, s.requests_failed, s.requests_in_flight
    )?;
    writeln!(
        out,
        "  latency               p50 {}, p95 {}",
        seconds(s.latency_p50),
        seconds(s.latency_p95)
    )?;
    writeln!(
        out,
        "  over the SLO          {} requests, {} s",
        s.slo_misses, s.seconds_over_slo
    )?;
    writeln!(
        out,
        "  pending replica-time  {} s",
        s.pending_replica_seconds
    )?;
    writeln!(out, "  GPU-hours             {:.2}", s.gpu_hours)
}
