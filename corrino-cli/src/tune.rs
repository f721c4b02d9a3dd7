//! `corrino tune`: the search of `corrino_core::tune`, with its candidates simulated on several threads.
//!
//! The core's search is single-threaded and pure; this face runs step 2 (one simulation per candidate) on
//! `--jobs` threads that take candidates in turn from a shared counter and keep each result at its candidate's
//! index, so the outcome is the same whatever the number of threads. Plain `std::thread::scope` does it: the work
//! is one flat loop over independent items, which needs no pool.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use clap::Args;
use corrino_core::document::{self, Format};
use corrino_core::sim::Scenario;
use corrino_core::tune::{self, Evaluation, Knobs, SearchSpace, Slo, TuneError, TuneResult};
use corrino_core::{Plan, plan_bytes};

use super::{
    OutputFormat, ScenarioFlags, TargetFlags, display_name, exit_for, output, read_bounded,
    read_input, written,
};

/// `corrino tune`'s arguments.
#[derive(Args)]
pub struct TuneArgs {
    /// The recipe (JSON or YAML), or `-` for standard input.
    recipe: PathBuf,
    /// The latency objective: `p95<5s`, `p50<800ms`.
    #[arg(long)]
    slo: String,
    /// A scenario as JSON (every field optional; see `corrino_core::sim::Scenario`).
    #[arg(long)]
    scenario: Option<PathBuf>,
    /// How long to simulate each candidate, a duration such as `2h` or `90m`.
    #[arg(long)]
    duration: Option<String>,
    /// A closed loop of this many clients sending requests back to back.
    #[arg(long, conflicts_with_all = ["rps", "rate_csv"])]
    clients: Option<u32>,
    /// An open loop of this many requests per second.
    #[arg(long, conflicts_with = "rate_csv")]
    rps: Option<f64>,
    /// An open loop whose rate follows a `t,rps` CSV file.
    #[arg(long)]
    rate_csv: Option<PathBuf>,
    /// The values to search, as JSON (see `corrino_core::tune::SearchSpace`; every field optional).
    #[arg(long)]
    space: Option<PathBuf>,
    /// Random combinations to try besides the one-at-a-time variations (at most 2000).
    #[arg(long)]
    samples: Option<u32>,
    /// The seed of those combinations.
    #[arg(long)]
    seed: Option<u64>,
    /// Threads that simulate candidates (default: the machine's cores).
    #[arg(long)]
    jobs: Option<usize>,
    /// Write the recipe with the chosen settings (JSON) to this file.
    #[arg(long)]
    write: Option<PathBuf>,
    /// Write the chosen settings as an RFC 6902 JSON patch of the recipe to this file.
    #[arg(long)]
    patch: Option<PathBuf>,
    /// How to print the result.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    format: OutputFormat,
    #[command(flatten)]
    target: TargetFlags,
}

/// Runs `corrino tune`.
pub fn run(args: &TuneArgs) -> Result<ExitCode, String> {
    let slo = Slo::parse(&args.slo).map_err(|e| format!("--slo: {e}"))?;
    let (scenario, set_by) = ScenarioFlags {
        file: args.scenario.as_deref(),
        duration: args.duration.as_deref(),
        clients: args.clients,
        rps: args.rps,
        rate_csv: args.rate_csv.as_deref(),
        metric_trace: None,
    }
    .scenario()?;
    let mut space: SearchSpace = match &args.space {
        Some(path) => {
            serde_json::from_str(&read_bounded(path, MAX_SPACE_BYTES, "the search space")?)
                .map_err(|e| format!("{}: not a search space: {e}", path.display()))?
        }
        None => SearchSpace::default(),
    };
    if let Some(samples) = args.samples {
        space.samples = samples;
    }
    if let Some(seed) = args.seed {
        space.seed = seed;
    }
    let bytes = read_input(&args.recipe)?;
    let shown = display_name(&args.recipe);
    let mut stderr = anstream::stderr().lock();
    let (plan, diagnostics) = match plan_bytes(&bytes, &args.target.plan_options()).into_plan() {
        Ok(planned) => planned,
        Err(diagnostics) => {
            super::report::write_text(&mut stderr, &shown, &diagnostics)
                .map_err(|e| e.to_string())?;
            return Ok(exit_for(true));
        }
    };
    super::report::write_warnings(&mut stderr, &shown, &diagnostics).map_err(|e| e.to_string())?;
    let jobs = args.jobs.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    });
    let result = search(&plan, &scenario, &slo, &space, jobs.clamp(1, 64)).map_err(|e| {
        let flag = match &e {
            TuneError::Simulation(e) => super::set_by_flag(&set_by, e),
            _ => String::new(),
        };
        format!("cannot tune {shown}: {e}{flag}")
    })?;
    // Both files are written, or neither.
    let mut files = Vec::new();
    if args.write.is_some() || args.patch.is_some() {
        let (node, _) = document::read(&bytes, Format::Auto);
        let recipe = node
            .map(|n| n.to_json())
            .ok_or("the recipe cannot be read")?;
        let own = tune::recipe_knobs(&plan).map_err(|e| e.to_string())?;
        let ops = tune::patch(&recipe, &own, &result.chosen.knobs);
        if let Some(path) = &args.patch {
            files.push((
                path.clone(),
                pretty(&serde_json::to_value(&ops).map_err(|e| e.to_string())?)?,
            ));
        }
        if let Some(path) = &args.write {
            files.push((path.clone(), pretty(&tune::write_recipe(&recipe, &ops))?));
        }
    }
    let files: Vec<(std::path::PathBuf, &[u8])> = files
        .iter()
        .map(|(p, b)| (p.clone(), b.as_slice()))
        .collect();
    output::write_files(&files)?;
    match args.format {
        OutputFormat::Json => {
            let mut out = output::machine();
            serde_json::to_writer_pretty(&mut out, &result).map_err(|e| e.to_string())?;
            writeln!(out).and_then(|()| out.flush()).map_err(written)?;
        }
        OutputFormat::Text => {
            let mut out = output::human();
            write!(out, "{}", text(&shown, &result))
                .and_then(|()| out.flush())
                .map_err(written)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The largest search-space file read: 1 MiB, far beyond 16 values for each of a dozen settings.
const MAX_SPACE_BYTES: usize = 1 << 20;

/// Pretty JSON and a newline.
fn pretty(value: &serde_json::Value) -> Result<Vec<u8>, String> {
    let mut bytes = serde_json::to_vec_pretty(value).map_err(|e| e.to_string())?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// The core's search with step 2 on `jobs` threads.
pub fn search(
    plan: &Plan,
    scenario: &Scenario,
    slo: &Slo,
    space: &SearchSpace,
    jobs: usize,
) -> Result<TuneResult, tune::TuneError> {
    let first = tune::candidates(plan, space)?;
    let mut evaluations = evaluate(plan, scenario, slo, &first, jobs);
    match evaluations.first() {
        Some(Ok(own)) if own.is_recipe => {}
        Some(Err(error)) => return Err(error.clone()),
        _ => return Err(tune::TuneError::NotTunable),
    }
    let mut kept: Vec<Evaluation> = evaluations.drain(..).filter_map(Result::ok).collect();
    let second = tune::refine(plan, space, &kept)?;
    kept.extend(
        evaluate(plan, scenario, slo, &second, jobs)
            .into_iter()
            .filter_map(Result::ok),
    );
    tune::select(&kept, slo, scenario.duration_seconds)
}

/// Simulates every candidate on `jobs` threads; results in the candidates' order.
pub fn evaluate(
    plan: &Plan,
    scenario: &Scenario,
    slo: &Slo,
    candidates: &[Knobs],
    jobs: usize,
) -> Vec<Result<Evaluation, tune::TuneError>> {
    let next = AtomicUsize::new(0);
    let results = Mutex::new(vec![None; candidates.len()]);
    std::thread::scope(|scope| {
        for _ in 0..jobs.min(candidates.len()).max(1) {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(knobs) = candidates.get(index) else {
                        break;
                    };
                    let outcome = tune::evaluate(plan, scenario, slo, knobs);
                    if let Ok(mut slots) = results.lock()
                        && let Some(slot) = slots.get_mut(index)
                    {
                        *slot = Some(outcome);
                    }
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_default()
        .into_iter()
        .map(|slot| slot.unwrap_or(Err(tune::TuneError::NotTunable)))
        .collect()
}

fn window(seconds: u64) -> String {
    if seconds.is_multiple_of(60) {
        format!("{}m", seconds / 60)
    } else {
        format!("{seconds}s")
    }
}

fn settings(k: &Knobs) -> String {
    format!(
        "{:>9} {:>6} {:>5}/{:<5} {:>4}/{:<4} {:>3}–{:<3} {:>5}",
        k.threshold,
        window(k.window_seconds),
        k.stabilization_window_up_seconds,
        k.stabilization_window_down_seconds,
        k.scaling_period_up_seconds,
        k.scaling_period_down_seconds,
        k.min_replicas,
        k.max_replicas,
        k.max_nodes.map_or("-".to_owned(), |n| n.to_string()),
    )
}

/// The comparison of the recipe's settings and the chosen ones, as a Markdown table (the README quotes it).
#[must_use]
pub fn comparison(result: &TuneResult) -> String {
    let (r, c) = (&result.recipe, &result.chosen);
    let (rk, ck) = (&r.knobs, &c.knobs);
    let nodes = |k: &Knobs| k.max_nodes.map_or("-".to_owned(), |n| n.to_string());
    let p95 = |e: &Evaluation| e.latency_p95.map_or("-".to_owned(), |p| format!("{p} s"));
    let rows = [
        (
            "scaling_threshold".to_owned(),
            rk.threshold.to_string(),
            ck.threshold.to_string(),
        ),
        (
            "collect_metrics_timespan".to_owned(),
            window(rk.window_seconds),
            window(ck.window_seconds),
        ),
        (
            "stabilization_window_up / down".to_owned(),
            format!(
                "{} s / {} s",
                rk.stabilization_window_up_seconds, rk.stabilization_window_down_seconds
            ),
            format!(
                "{} s / {} s",
                ck.stabilization_window_up_seconds, ck.stabilization_window_down_seconds
            ),
        ),
        (
            "scaling_period_up / down".to_owned(),
            format!(
                "{} s / {} s",
                rk.scaling_period_up_seconds, rk.scaling_period_down_seconds
            ),
            format!(
                "{} s / {} s",
                ck.scaling_period_up_seconds, ck.scaling_period_down_seconds
            ),
        ),
        (
            "min_replicas – max_replicas".to_owned(),
            format!("{} – {}", rk.min_replicas, rk.max_replicas),
            format!("{} – {}", ck.min_replicas, ck.max_replicas),
        ),
        ("max_nodes".to_owned(), nodes(rk), nodes(ck)),
        (
            "GPU-hours".to_owned(),
            format!("{:.2}", r.gpu_hours),
            format!("{:.2}", c.gpu_hours),
        ),
        (
            format!("seconds over {}", result.slo),
            r.seconds_over_slo.to_string(),
            c.seconds_over_slo.to_string(),
        ),
        ("flaps".to_owned(), r.flaps.to_string(), c.flaps.to_string()),
        ("latency p95".to_owned(), p95(r), p95(c)),
        (
            "requests failed".to_owned(),
            r.requests_failed.to_string(),
            c.requests_failed.to_string(),
        ),
    ];
    let mut out = String::from("| | the recipe's | chosen |\n|---|---|---|\n");
    for (name, own, chosen) in rows {
        out.push_str(&format!("| {name} | {own} | {chosen} |\n"));
    }
    out
}

/// The report for people.
#[must_use]
pub fn text(shown: &str, result: &TuneResult) -> String {
    let mut out = format!(
        "{shown}: {} settings simulated for {} s each, objective {} (met with at most {} s over it)\n\n",
        result.evaluated, result.duration_seconds, result.slo, result.budget_seconds
    );
    out.push_str(
        "Pareto front, cheapest first (* the recipe's own, > chosen):\n\
         \x20   GPU-h  over-SLO s  flaps  threshold window  stab up/down  period    replicas nodes\n",
    );
    for e in &result.front {
        let mark = if e.knobs == result.chosen.knobs {
            '>'
        } else if e.is_recipe {
            '*'
        } else {
            ' '
        };
        out.push_str(&format!(
            "{mark} {:>7.2} {:>11} {:>6} {}\n",
            e.gpu_hours,
            e.seconds_over_slo,
            e.flaps,
            settings(&e.knobs)
        ));
    }
    if !result.recipe_on_front {
        let r = &result.recipe;
        out.push_str(&format!(
            "* {:>7.2} {:>11} {:>6} {}   (the recipe's own, not on the front)\n",
            r.gpu_hours,
            r.seconds_over_slo,
            r.flaps,
            settings(&r.knobs)
        ));
    }
    out.push_str(&format!("\nChosen: {}.\n\n", result.reason));
    out.push_str(&comparison(result));
    out
}
