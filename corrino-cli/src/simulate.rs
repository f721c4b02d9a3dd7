//! `corrino simulate`: a recipe's or a deployment's autoscaling under a load, and two of them compared on the same
//! load (`--compare`).
//!
//! The input is a recipe or Kubernetes YAML (a file of objects, a `kubectl get -o yaml` dump, or the directory
//! `corrino render --out` writes); corrino-core tells them apart. This face reads files, turns flags into a scenario
//! and prints.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use corrino_core::PlanOptions;
use corrino_core::document::MAX_INPUT_BYTES;
use corrino_core::sim;

use super::{
    OutputFormat, ScenarioFlags, SetBy, TargetFlags, display_name, exit_for, output, read_input,
    report, set_by_flag, write_json, written,
};

/// `corrino simulate`'s arguments.
#[derive(Args)]
pub struct SimulateArgs {
    /// The recipe (JSON or YAML), Kubernetes YAML (a ScaledObject or an autoscaling/v2 HPA with the workload it
    /// scales, and the OCI node pool documents if any; a `kubectl get -o yaml` List), a directory written by
    /// `corrino render --out`, or `-` for standard input.
    input: PathBuf,
    /// Simulate this second input (a recipe or Kubernetes YAML) on the same load and print the two side by side.
    #[arg(long)]
    compare: Option<PathBuf>,
    /// A scenario as JSON (every field optional; see `corrino_core::sim::Scenario`).
    #[arg(long)]
    scenario: Option<PathBuf>,
    /// How long to simulate, a duration such as `2h` or `90m`.
    #[arg(long)]
    duration: Option<String>,
    /// A closed loop of this many clients sending requests back to back.
    #[arg(long, conflicts_with_all = ["rps", "rate_csv", "metric_trace"])]
    clients: Option<u32>,
    /// An open loop of this many requests per second.
    #[arg(long, conflicts_with_all = ["rate_csv", "metric_trace"])]
    rps: Option<f64>,
    /// An open loop whose rate follows a `t,rps` CSV file.
    #[arg(long, conflicts_with = "metric_trace")]
    rate_csv: Option<PathBuf>,
    /// Replay the scaling metric's recorded values instead of modelling traffic: a `t,value` CSV file, or the JSON
    /// Prometheus answers to `/api/v1/query_range` (one series).
    #[arg(long)]
    metric_trace: Option<PathBuf>,
    /// The node pool's bounds when the input has no node pool document: `MIN:MAX` (the Cluster Autoscaler scales
    /// between them) or `N` (a fixed pool).
    #[arg(long, value_parser = node_bounds)]
    nodes: Option<(u32, Option<u32>)>,
    /// Write the timeline as CSV (one simulation only).
    #[arg(long, conflicts_with = "compare")]
    csv: Option<PathBuf>,
    /// Write a chart as SVG: load, replicas, nodes and the metric; with `--compare`, both runs overlaid.
    #[arg(long)]
    svg: Option<PathBuf>,
    /// How to print the result.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    format: OutputFormat,
    /// The releases whose KEDA and HPA run (both inputs of `--compare` run on them).
    #[command(flatten)]
    target: TargetFlags,
}

/// `MIN:MAX` or `N`.
fn node_bounds(text: &str) -> Result<(u32, Option<u32>), String> {
    let number = |t: &str| {
        t.trim()
            .parse::<u32>()
            .map_err(|_| format!("`{text}`: expected MIN:MAX or N, whole numbers of nodes"))
    };
    match text.split_once(':') {
        Some((min, max)) => Ok((number(min)?, Some(number(max)?))),
        None => Ok((number(text)?, None)),
    }
}

/// Runs `corrino simulate`.
pub fn run(args: &SimulateArgs) -> Result<ExitCode, String> {
    let (mut scenario, mut set_by) = ScenarioFlags {
        file: args.scenario.as_deref(),
        duration: args.duration.as_deref(),
        clients: args.clients,
        rps: args.rps,
        rate_csv: args.rate_csv.as_deref(),
        metric_trace: args.metric_trace.as_deref(),
    }
    .scenario()?;
    if let Some((min, max)) = args.nodes {
        let flag = match max {
            Some(max) => format!("--nodes {min}:{max}"),
            None => format!("--nodes {min}"),
        };
        scenario.min_nodes = Some(min);
        scenario.max_nodes = max;
        set_by.push(("/min_nodes", flag.clone()));
        set_by.push(("/max_nodes", flag));
    }
    match &args.compare {
        None => simulate(args, &scenario, &set_by),
        Some(second) => compare(args, second, &scenario, &set_by),
    }
}

/// Simulates one input; prints its problems and returns `None` when it cannot be simulated.
fn simulated(
    path: &Path,
    options: &PlanOptions,
    scenario: &sim::Scenario,
    set_by: &SetBy,
) -> Result<Option<sim::Simulation>, String> {
    let bytes = read_simulation_input(path)?;
    let shown = display_name(path);
    let mut stderr = anstream::stderr().lock();
    match sim::simulate_bytes(&bytes, options, scenario) {
        Ok(simulated) => {
            report::write_warnings(&mut stderr, &shown, &simulated.diagnostics).map_err(written)?;
            Ok(Some(simulated.simulation))
        }
        Err(sim::SimulateError::Recipe(diagnostics)) => {
            report::write_simulation_problems(&mut stderr, &shown, &diagnostics)
                .map_err(written)?;
            Ok(None)
        }
        Err(sim::SimulateError::Simulation(e)) => {
            writeln!(
                stderr,
                "error: cannot simulate {shown}: {e}{}",
                set_by_flag(set_by, &e)
            )
            .map_err(written)?;
            Ok(None)
        }
    }
}

fn simulate(
    args: &SimulateArgs,
    scenario: &sim::Scenario,
    set_by: &SetBy,
) -> Result<ExitCode, String> {
    let Some(simulation) = simulated(&args.input, &args.target.plan_options(), scenario, set_by)?
    else {
        return Ok(exit_for(true));
    };
    let shown = display_name(&args.input);
    let source = match set_by.iter().rev().find(|(prefix, _)| *prefix == "/load") {
        Some((_, flag)) => flag.clone(),
        None => "the scenario".to_owned(),
    };
    report::write_notes(&mut anstream::stderr().lock(), &source, &simulation.notes)
        .map_err(written)?;
    let mut files = Vec::new();
    let table;
    let chart;
    if let Some(path) = &args.csv {
        table = sim::samples_csv(&simulation.samples);
        files.push((path.clone(), table.as_bytes()));
    }
    if let Some(path) = &args.svg {
        chart = sim::svg(&simulation);
        files.push((path.clone(), chart.as_bytes()));
    }
    output::write_files(&files)?;
    match args.format {
        OutputFormat::Json => write_json(serde_json::to_vec_pretty(&simulation))?,
        OutputFormat::Text => {
            let mut out = output::human();
            report::write_simulation(&mut out, &shown, &simulation)
                .and_then(|()| out.flush())
                .map_err(written)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn compare(
    args: &SimulateArgs,
    second: &Path,
    scenario: &sim::Scenario,
    set_by: &SetBy,
) -> Result<ExitCode, String> {
    let options = args.target.plan_options();
    let first = simulated(&args.input, &options, scenario, set_by)?;
    let other = simulated(second, &options, scenario, set_by)?;
    let (Some(first), Some(other)) = (first, other) else {
        return Ok(exit_for(true));
    };
    // The file names label the columns: whole paths make the table wide.
    let label = |path: &Path| {
        path.file_name()
            .filter(|_| path != Path::new("-"))
            .map_or_else(|| display_name(path), |n| n.to_string_lossy().into_owned())
    };
    let names = (label(&args.input), label(second));
    let names = (names.0.as_str(), names.1.as_str());
    let comparison = sim::compare(&first, &other, names);
    let chart;
    let mut files = Vec::new();
    if let Some(path) = &args.svg {
        chart = sim::compare_svg(&first, &other, names);
        files.push((path.clone(), chart.as_bytes()));
    }
    output::write_files(&files)?;
    match args.format {
        OutputFormat::Json => write_json(serde_json::to_vec_pretty(&comparison))?,
        OutputFormat::Text => {
            let mut out = output::human();
            writeln!(
                out,
                "{} and {}: {} s simulated on the same load",
                names.0, names.1, first.summary.duration_seconds
            )
            .and_then(|()| out.write_all(comparison.table().as_bytes()))
            .and_then(|()| out.flush())
            .map_err(written)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A file, standard input, or the directory `corrino render --out` writes (its `.yaml`, `.yml` and `.json` files, in
/// name order, as one stream of documents); never more than one byte past the input size limit, so that the core
/// reports an oversized input.
fn read_simulation_input(path: &Path) -> Result<Vec<u8>, String> {
    if !path.is_dir() {
        return read_input(path);
    }
    let failed = |e: std::io::Error| format!("cannot read {}: {e}", path.display());
    let mut files: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(failed)?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|p| {
            p.is_file()
                && p.extension()
                    .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
        })
        .collect();
    files.sort();
    let limit = u64::try_from(MAX_INPUT_BYTES + 1).unwrap_or(u64::MAX);
    let mut bytes = Vec::new();
    for file in files {
        let room = limit.saturating_sub(u64::try_from(bytes.len()).unwrap_or(u64::MAX));
        if room == 0 {
            break;
        }
        bytes.extend_from_slice(b"---\n");
        std::fs::File::open(&file)
            .and_then(|f| f.take(room).read_to_end(&mut bytes))
            .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        if !bytes.ends_with(b"\n") {
            bytes.push(b'\n');
        }
    }
    Ok(bytes)
}
