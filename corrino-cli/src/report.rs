//! Printing diagnostics for people (like a compiler) and for machines (JSON).
//!
//! Messages quote the recipe, and a recipe is untrusted: its text is printed with control characters escaped, so
//! that a recipe cannot clear a terminal or move its cursor (`\e[2J`), nor reorder the line with bidirectional
//! overrides. JSON output holds the exact text, with those characters written as `\u` escapes.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{self, Write};

use corrino_core::{Diagnostic, Diagnostics, Severity};

const RESET: &str = "\x1b[0m";
const BOLD: &str = "\x1b[1m";
const BLUE: &str = "\x1b[1;34m";

fn colour(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "\x1b[1;31m",
        Severity::Warning => "\x1b[1;33m",
        Severity::Note => "\x1b[1;36m",
    }
}

/// Whether a character must not reach a terminal as it is: controls (C0, DEL, C1), the line and paragraph
/// separators, and the characters that change the direction of text.
fn unprintable(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200e}' | '\u{200f}' | '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// `text` for a terminal: [`unprintable`] characters written as Rust escapes (`\n`, `\u{1b}`), the rest as is.
fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(unprintable) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if unprintable(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// JSON text with every [`unprintable`] character written as a `\u` escape. Such characters stand only inside JSON
/// strings (the rest of JSON is ASCII punctuation, digits and letters), where the escape means the same character.
fn escape_json(json: &str) -> Cow<'_, str> {
    // serde_json escapes the C0 controls in strings, so those left are the layout's newlines; what remains to
    // escape is DEL, C1 and the separators and overrides.
    let escaped = |c: char| unprintable(c) && u32::from(c) >= 0x20;
    if !json.chars().any(escaped) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if escaped(c) {
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Writes one block per diagnostic and a summary line. Colours are written as ANSI codes; `anstream` strips
/// them when the output is not a terminal or `NO_COLOR` is set.
pub fn write_text<W: Write>(out: &mut W, file: &str, diagnostics: &Diagnostics) -> io::Result<()> {
    write_with_summary(
        out,
        file,
        diagnostics,
        ("is not a valid recipe", "is a valid recipe"),
    )
}

/// [`write_text`] for an input that may be a recipe or Kubernetes objects: the summary says whether it can be
/// simulated.
pub fn write_simulation_problems<W: Write>(
    out: &mut W,
    file: &str,
    diagnostics: &Diagnostics,
) -> io::Result<()> {
    write_with_summary(
        out,
        file,
        diagnostics,
        ("cannot be simulated", "can be simulated"),
    )
}

fn write_with_summary<W: Write>(
    out: &mut W,
    file: &str,
    diagnostics: &Diagnostics,
    (bad, good): (&str, &str),
) -> io::Result<()> {
    let file = &printable(file);
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
        count(Severity::Note, "note")
    );
    if diagnostics.has_errors() {
        writeln!(
            out,
            "{}error{RESET}{BOLD}: {file} {bad} ({summary}){RESET}",
            colour(Severity::Error)
        )
    } else {
        writeln!(out, "{BOLD}ok{RESET}: {file} {good} ({summary})")
    }
}

/// Writes `{"file", "valid", "errors", "warnings", "notes", "diagnostics": […]}` and a newline.
pub fn write_json<W: Write>(out: &mut W, file: &str, diagnostics: &Diagnostics) -> io::Result<()> {
    let report = serde_json::json!({
        "file": file,
        "valid": !diagnostics.has_errors(),
        "errors": diagnostics.count(Severity::Error),
        "warnings": diagnostics.count(Severity::Warning),
        "notes": diagnostics.count(Severity::Note),
        "diagnostics": diagnostics,
    });
    let json = serde_json::to_string_pretty(&report)?;
    writeln!(out, "{}", escape_json(&json))
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
        printable(&d.message)
    )?;
    writeln!(out, "  {BLUE}-->{RESET} {file}: {}", printable(path))?;
    if let Some(hint) = &d.hint {
        writeln!(
            out,
            "  {BLUE}={RESET} {BOLD}hint{RESET}: {}",
            printable(hint)
        )?;
    }
    Ok(())
}

/// Writes only the warnings (used when rendering succeeded), without a summary line.
pub fn write_warnings<W: Write>(
    out: &mut W,
    file: &str,
    diagnostics: &Diagnostics,
) -> io::Result<()> {
    let file = &printable(file);
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
    writeln!(out, "{BOLD}{}{RESET}", printable(file))?;
    if let Some(name) = &plan.name {
        if plan.mode == Some(corrino_core::RecipeMode::Service) {
            writeln!(
                out,
                "  name              {} (Service {})",
                printable(name.as_str()),
                printable(&name.service_name())
            )?;
        } else {
            writeln!(out, "  name              {}", printable(name.as_str()))?;
        }
    }
    if let Some(shape) = &plan.shape {
        writeln!(
            out,
            "  shape             {} ({})",
            printable(&shape.name),
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
            QuerySource::DefaultLatency => format!(
                "default: fraction of requests slower than {} s",
                corrino_core::promql::LATENCY_BOUND_SECONDS
            ),
            QuerySource::Custom(q) => q.clone(),
        };
        writeln!(out, "    query           {}", printable(&query))?;
    }
    if let Some(model) = &plan.model {
        write_model(out, model)?;
    }
    if let Some(m) = &plan.multinode {
        writeln!(
            out,
            "  multinode         {} nodes per replica (a LeaderWorkerSet group){}",
            m.nodes,
            if m.rdma { ", RDMA" } else { "" }
        )?;
    }
    if let Some(q) = &plan.queue {
        writeln!(
            out,
            "  team              {}: LocalQueue {} in {}, priority class {}",
            q.team, q.local_queue, q.namespace, q.priority_class
        )?;
    }
    if let Some(team) = &plan.team {
        writeln!(
            out,
            "  team              {} (priority {}): ClusterQueue {}, LocalQueue {} in {}",
            team.name, team.priority, team.cluster_queue, team.local_queue, team.namespace
        )?;
        for q in &team.quotas {
            let limits = |r: &corrino_core::validate::ResourceQuota| {
                let mut extra = Vec::new();
                if let Some(b) = &r.borrowing {
                    extra.push(format!("borrows up to {b}"));
                }
                if let Some(l) = &r.lending {
                    extra.push(format!("lends up to {l}"));
                }
                if extra.is_empty() {
                    r.nominal.to_string()
                } else {
                    format!("{} ({})", r.nominal, extra.join(", "))
                }
            };
            writeln!(
                out,
                "    {:<16}cpu {}, memory {}, GPUs {}",
                q.shape,
                limits(&q.cpu),
                limits(&q.memory),
                limits(&q.gpus)
            )?;
        }
    }
    if let Some(update) = &plan.update {
        let labels: Vec<String> = update
            .labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        writeln!(
            out,
            "  update            {}: {}",
            update.target.describe(),
            labels.join(", ")
        )?;
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
        plan.diagnostics.count(Severity::Note)
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

/// Writes what planning knows of a service's model: which it is, whether it fits, and its cold-start budget.
fn write_model<W: Write>(out: &mut W, a: &corrino_core::model::ModelAssessment) -> io::Result<()> {
    use corrino_core::model::fit::gib;
    use corrino_core::model::startup::Phase;
    use corrino_core::model::{Recognition, WeightsSource};
    let source = match a.model.weights_source {
        WeightsSource::HuggingFace => "downloaded from Hugging Face at each start",
        WeightsSource::HuggingFaceCache => {
            "downloaded from Hugging Face into a cache that outlives the pod"
        }
        WeightsSource::Ngc => "downloaded from NVIDIA's registry",
        WeightsSource::ObjectStorage => "copied from Object Storage",
        WeightsSource::FileStorage => "read from File Storage",
        WeightsSource::NodeDisk => "read from the node's disk",
        WeightsSource::Unknown => "from a path no volume provides",
    };
    let what = match &a.model.recognition {
        Recognition::Catalog { name, id, .. } => format!("{name} ({id}), {source}"),
        Recognition::Size { matched, .. } => {
            format!("{matched} (not in the catalog; its size from its name), {source}")
        }
        Recognition::Unknown { reason } => format!("not recognised: {reason}"),
    };
    writeln!(out, "  {BOLD}model{RESET}             {}", printable(&what))?;
    if let (Some(format), Some(bytes)) = (a.weight_format, a.weights_bytes) {
        let p = &a.parallelism;
        writeln!(
            out,
            "    weights         {} in {}, tensor × pipeline {} × {} over {} GPU(s){}",
            gib(bytes),
            format.as_str(),
            p.tensor,
            p.pipeline,
            p.available(),
            p.mig_profile
                .as_deref()
                .map_or_else(String::new, |m| format!(" (MIG {m})"))
        )?;
    }
    if let Some(m) = &a.memory {
        writeln!(
            out,
            "    memory          {} of weights + {} of activations per GPU, of {} usable ({} × {:.2}): {}",
            gib(m.weights_bytes_per_gpu),
            gib(m.overhead_bytes_per_gpu),
            gib(m.usable_bytes_per_gpu),
            m.device.name,
            m.gpu_memory_utilization,
            if m.weights_fit {
                "fits"
            } else {
                "does not fit"
            }
        )?;
        if let Some(kv) = &m.kv {
            writeln!(
                out,
                "    KV cache        {} tokens: {} sequence(s) of {} (max-model-len), {} of {}",
                kv.tokens,
                kv.sequences_at_max_model_len,
                kv.max_model_len,
                kv.sequences_at_expected_length,
                kv.expected.tokens_per_sequence
            )?;
        }
    }
    let budget = &a.startup;
    let parts: Vec<String> = budget
        .parts
        .iter()
        .map(|p| {
            let name = match p.phase {
                Phase::NodeProvisioning => "new node",
                Phase::ImagePull => "image pull",
                Phase::WeightsDownload => "download",
                Phase::WeightsLoad => "load",
                Phase::EngineStart => "engine start",
            };
            format!("{name} {} s", p.seconds)
        })
        .collect();
    writeln!(
        out,
        "    cold start      {} s ({}); on a node with the image {} s",
        budget.cold_start_seconds,
        parts.join(", "),
        budget.pod_startup_seconds
    )?;
    for unchecked in &a.unchecked {
        writeln!(out, "    not checked     {}", printable(unchecked))?;
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
        "{BOLD}{}{RESET}: {} s simulated",
        printable(file),
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

#[cfg(test)]
mod tests {
    use super::*;
    use corrino_core::Code;

    #[test]
    fn text_output_escapes_what_a_terminal_would_obey_and_json_stays_exact() {
        let message = "unknown field `\u{1b}[2J\u{1b}]0;owned\u{7}\u{9b}1m\u{202e}txt.exe\nx`";
        let diagnostics = Diagnostics::from(vec![
            Diagnostic::error("/\u{1b}[2J", Code::UnknownField, message).with_hint("\u{1b}[31m"),
        ]);
        let mut text = Vec::new();
        write_text(&mut text, "recipe\u{1b}.json", &diagnostics).unwrap();
        let text = String::from_utf8(text).unwrap();
        // Our own colours are the only escapes left.
        let ours = text.matches('\u{1b}').count();
        let colours = text.matches("\u{1b}[0m").count()
            + text.matches("\u{1b}[1m").count()
            + text.matches("\u{1b}[1;3").count();
        assert_eq!(ours, colours, "{text:?}");
        for c in ['\u{7}', '\u{9b}', '\u{202e}'] {
            assert!(!text.contains(c), "{text:?}");
        }
        assert!(
            text.contains("\\u{1b}[2J") && text.contains("\\n"),
            "{text:?}"
        );

        let mut json = Vec::new();
        write_json(&mut json, "recipe.json", &diagnostics).unwrap();
        let json = String::from_utf8(json).unwrap();
        assert!(
            !json.chars().any(|c| unprintable(c) && c != '\n'),
            "{json:?}"
        );
        let back: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(back["diagnostics"][0]["message"], message);
        assert_eq!(back["diagnostics"][0]["path"], "/\u{1b}[2J");
    }
}
