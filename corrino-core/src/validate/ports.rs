//! Ports, the extra ingress ports and the startup, liveness and readiness probes.

use std::collections::BTreeSet;

use super::root;
use crate::diagnostic::{Code, Diagnostic, Pointer};
use crate::names::dns_label_problem;
use crate::recipe::convert::Sink;
use crate::recipe::{PortText, ProbeParams, Recipe};

/// Checks a port string; returns the number when valid.
fn port_text(port: Option<&PortText>, key: &str, sink: &mut Sink) -> Option<u16> {
    let text = port?;
    let number = text.number();
    if number.is_none() {
        let shown = &text.0;
        let why = match text.0.trim().parse::<i64>() {
            Ok(n) => format!("{n} is outside 1–65535"),
            Err(_) => format!("`{shown}` is not a number"),
        };
        sink.note(
            Diagnostic::error(root(key), Code::InvalidPort, format!("invalid port: {why}"))
                .with_hint("write the port the container listens on, such as \"8000\""),
        );
    }
    number
}

/// Checks ports, the extra ingress ports and the probes; returns the container port.
pub fn ports_and_probes(recipe: &Recipe, sink: &mut Sink) -> Option<u16> {
    let container_port = port_text(
        recipe.recipe_container_port.as_ref(),
        "recipe_container_port",
        sink,
    );
    port_text(recipe.recipe_host_port.as_ref(), "recipe_host_port", sink);
    let mut names = BTreeSet::new();
    for (i, item) in recipe
        .recipe_additional_ingress_ports
        .iter()
        .flatten()
        .enumerate()
    {
        let at = root("recipe_additional_ingress_ports").index(i);
        if let Some(port) = item.port
            && !(1..=65535).contains(&port)
        {
            sink.note(Diagnostic::error(
                at.key("port"),
                Code::InvalidPort,
                format!("{port} is outside 1–65535"),
            ));
        }
        if let Some(name) = &item.name {
            // A Service port name: an IANA service name (lower-case, at most 15 characters).
            if let Some(problem) = dns_label_problem(name, 15) {
                sink.note(Diagnostic::error(
                    at.key("name"),
                    Code::InvalidValue,
                    format!("`{name}` cannot name a Service port: {problem}"),
                ));
            } else if !names.insert(name.clone()) || name == "http" {
                sink.note(Diagnostic::error(
                    at.key("name"),
                    Code::DuplicateValue,
                    format!("the port name `{name}` is used twice (`http` is the main port)"),
                ));
            }
        }
        if let Some(path) = &item.path
            && !path.starts_with('/')
        {
            sink.note(Diagnostic::error(
                at.key("path"),
                Code::InvalidPath,
                format!("the ingress path `{path}` must start with `/`"),
            ));
        }
    }
    for (key, kind) in [
        ("recipe_startup_probe_params", ProbeKind::Startup),
        ("recipe_liveness_probe_params", ProbeKind::Liveness),
        ("recipe_readiness_probe_params", ProbeKind::Readiness),
    ] {
        let probe = match kind {
            ProbeKind::Startup => recipe.recipe_startup_probe_params.as_ref(),
            ProbeKind::Liveness => recipe.recipe_liveness_probe_params.as_ref(),
            ProbeKind::Readiness => recipe.recipe_readiness_probe_params.as_ref(),
        };
        if let Some(probe) = probe {
            check_probe(probe, kind, &root(key), container_port, sink);
        }
    }
    container_port
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ProbeKind {
    Startup,
    Liveness,
    Readiness,
}

fn check_probe(
    probe: &ProbeParams,
    kind: ProbeKind,
    at: &Pointer,
    container_port: Option<u16>,
    sink: &mut Sink,
) {
    match &probe.endpoint_path {
        None => {
            if !sink.was_invalid(&at.key("endpoint_path")) {
                sink.note(
                    Diagnostic::error(
                        at.key("endpoint_path"),
                        Code::Probe,
                        "a probe needs `endpoint_path`",
                    )
                    .with_hint("vLLM answers on \"/health\""),
                );
            }
        }
        Some(path) if !path.starts_with('/') => sink.note(Diagnostic::error(
            at.key("endpoint_path"),
            Code::Probe,
            format!("`{path}` must start with `/`"),
        )),
        Some(_) => {}
    }
    for (value, key) in [
        (probe.period_seconds, "period_seconds"),
        (probe.timeout_seconds, "timeout_seconds"),
        (probe.failure_threshold, "failure_threshold"),
        (probe.success_threshold, "success_threshold"),
    ] {
        if value == Some(0) {
            sink.note(Diagnostic::error(
                at.key(key),
                Code::Probe,
                format!("`{key}` must be at least 1 (Kubernetes' minimum)"),
            ));
        }
    }
    if kind != ProbeKind::Readiness && probe.success_threshold.is_some_and(|n| n > 1) {
        sink.note(Diagnostic::error(
            at.key("success_threshold"),
            Code::Probe,
            "Kubernetes requires `success_threshold` 1 for liveness and startup probes",
        ));
    }
    if let Some(port) = probe.port {
        if !(1..=65535).contains(&port) {
            sink.note(Diagnostic::error(
                at.key("port"),
                Code::InvalidPort,
                format!("{port} is outside 1–65535"),
            ));
        } else if let Some(container) = container_port
            && port != u32::from(container)
        {
            sink.note(Diagnostic::warning(
                at.key("port"),
                Code::Probe,
                format!("the probe checks port {port}, but the container listens on {container}"),
            ));
        }
    }
}
