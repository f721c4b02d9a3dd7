//! `corrino`: the command-line face of corrino-core. It reads files, calls the library and prints.

mod report;

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use corrino_core::document::MAX_INPUT_BYTES;
use corrino_core::{PlanOptions, plan_bytes, validate_bytes};

/// Validate, plan and render OCI AI Blueprints inference recipes.
#[derive(Parser)]
#[command(name = "corrino", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check a recipe and print every problem, like a compiler. Exits 1 when there are errors.
    Validate {
        /// The recipe (JSON or YAML), or `-` for standard input.
        recipe: PathBuf,
        /// How to print the problems.
        #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
        format: OutputFormat,
    },
    /// Print what a recipe resolves to: capacity, autoscaling values and where each came from.
    Plan {
        /// The recipe (JSON or YAML), or `-` for standard input.
        recipe: PathBuf,
        /// How to print the plan.
        #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
        format: OutputFormat,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum OutputFormat {
    /// Human-readable, coloured on a terminal.
    Text,
    /// One JSON document, for machines.
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(message) => {
            let _ = writeln!(anstream::stderr(), "corrino: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, String> {
    match cli.command {
        Command::Validate { recipe, format } => {
            let bytes = read_input(&recipe)?;
            let diagnostics = validate_bytes(&bytes, &PlanOptions::default());
            let shown = display_name(&recipe);
            let mut out = anstream::stdout().lock();
            let written = match format {
                OutputFormat::Text => report::write_text(&mut out, &shown, &diagnostics),
                OutputFormat::Json => report::write_json(&mut out, &shown, &diagnostics),
            };
            written.map_err(|e| format!("cannot write the report: {e}"))?;
            Ok(exit_for(diagnostics.has_errors()))
        }
        Command::Plan { recipe, format } => {
            let bytes = read_input(&recipe)?;
            let shown = display_name(&recipe);
            let (plan, diagnostics) = plan_bytes(&bytes, &PlanOptions::default());
            let mut out = anstream::stdout().lock();
            let Some(plan) = plan else {
                report::write_text(&mut anstream::stderr().lock(), &shown, &diagnostics)
                    .map_err(|e| e.to_string())?;
                return Ok(exit_for(true));
            };
            match format {
                OutputFormat::Json => {
                    serde_json::to_writer_pretty(&mut out, &plan).map_err(|e| e.to_string())?;
                    writeln!(out).map_err(|e| e.to_string())?;
                }
                OutputFormat::Text => {
                    report::write_plan(&mut out, &shown, &plan).map_err(|e| e.to_string())?
                }
            }
            Ok(exit_for(diagnostics.has_errors()))
        }
    }
}

fn exit_for(errors: bool) -> ExitCode {
    if errors {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn display_name(path: &Path) -> String {
    if path == Path::new("-") {
        "<stdin>".to_owned()
    } else {
        path.display().to_string()
    }
}

/// Reads a file or standard input, never more than one byte past the recipe size limit (so that the library
/// reports an oversized input without this process holding all of it).
fn read_input(path: &Path) -> Result<Vec<u8>, String> {
    let limit = u64::try_from(MAX_INPUT_BYTES + 1).unwrap_or(u64::MAX);
    let mut bytes = Vec::new();
    let result = if path == Path::new("-") {
        io::stdin().lock().take(limit).read_to_end(&mut bytes)
    } else {
        std::fs::File::open(path).and_then(|f| f.take(limit).read_to_end(&mut bytes))
    };
    result.map_err(|e| format!("cannot read {}: {e}", display_name(path)))?;
    Ok(bytes)
}
