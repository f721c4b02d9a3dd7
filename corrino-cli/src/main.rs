//! `corrino`: the command-line face of corrino-core. It reads files, calls the library and prints.

mod output;
mod report;
mod simulate;
mod tune;

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use corrino_core::apply::ApplyOptions;
use corrino_core::apply::executor::{self, ExecuteOptions, OutcomeKind};
use corrino_core::document::MAX_INPUT_BYTES;
use corrino_core::manifest::{
    self, FileSystemExport, NodeGroupDiscovery, RenderOptions, ScrapeMode,
};
use corrino_core::sim;
use corrino_core::{
    KedaVersion, KubernetesVersion, PlanOptions, Target, plan_bytes, validate_bytes,
};

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
        #[command(flatten)]
        target: TargetFlags,
    },
    /// Print what a recipe resolves to: capacity, autoscaling values and where each came from.
    Plan {
        /// The recipe (JSON or YAML), or `-` for standard input.
        recipe: PathBuf,
        /// How to print the plan.
        #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
        format: OutputFormat,
        #[command(flatten)]
        target: TargetFlags,
    },
    /// Render a recipe into Kubernetes objects (YAML for `kubectl apply -f -`) and OCI documents. A
    /// `shared_node_pool` recipe has only its node pool document, which is printed in their place.
    Render {
        /// The recipe (JSON or YAML), or `-` for standard input.
        recipe: PathBuf,
        /// The format of the Kubernetes objects.
        #[arg(long, value_enum, default_value_t = ManifestFormat::Yaml)]
        format: ManifestFormat,
        /// Write `manifests.yaml` (or `.json`) and the OCI documents into this directory instead of printing.
        #[arg(long)]
        out: Option<PathBuf>,
        #[command(flatten)]
        options: Box<RenderFlags>,
    },
    /// Render a recipe and put it into the cluster of the current kubeconfig (or the pod's service account) with
    /// server-side apply. The OCI documents are only written to files (`--oci-out`), never sent.
    Apply {
        /// The recipe (JSON or YAML), or `-` for standard input.
        recipe: PathBuf,
        /// `server`: the API server validates and admits everything but persists nothing.
        #[arg(long, value_enum)]
        dry_run: Option<DryRun>,
        /// Wait until the Deployment is available.
        #[arg(long)]
        wait: bool,
        /// How long `--wait` waits, in seconds.
        #[arg(long, default_value_t = 900)]
        timeout: u64,
        /// Print the requests that would be sent, and send nothing.
        #[arg(long)]
        print_plan: bool,
        /// Do not take over fields that another field manager owns (no `force=true`).
        #[arg(long)]
        no_force: bool,
        /// Write the OCI documents (node pool, Cluster Autoscaler add-on) into this directory.
        #[arg(long)]
        oci_out: Option<PathBuf>,
        #[command(flatten)]
        options: Box<RenderFlags>,
    },
    /// Search the recipe's autoscaling settings with the simulator for a latency objective (`--slo 'p95<5s'`) and
    /// print the Pareto front of GPU-hours, seconds over the objective and flaps.
    Tune(Box<tune::TuneArgs>),
    /// Print the JSON Schema of the recipe format (for editors: see the README).
    Schema,
    /// Preview what the recipe's (or a deployment's) autoscaling does under a load: pods, nodes, latency, cost. The
    /// input is a recipe or Kubernetes YAML (a ScaledObject or HPA with its workload); `--compare` runs a second one
    /// on the same load. By default the load is the upstream guide's llmperf run (30 clients, 512/512 tokens, 3000
    /// requests) for an hour.
    Simulate(Box<simulate::SimulateArgs>),
    /// Delete what `apply` put into the cluster, in reverse order, waiting for dependents (foreground).
    Delete {
        /// The recipe (JSON or YAML), or `-` for standard input.
        recipe: PathBuf,
        /// `server`: the API server checks the deletes but performs none.
        #[arg(long, value_enum)]
        dry_run: Option<DryRun>,
        /// Print the requests that would be sent, and send nothing.
        #[arg(long)]
        print_plan: bool,
        #[command(flatten)]
        options: Box<RenderFlags>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum DryRun {
    /// Server-side dry run (`dryRun=All`).
    Server,
}

#[derive(Clone, Copy, ValueEnum)]
enum OutputFormat {
    /// Human-readable, coloured on a terminal.
    Text,
    /// One JSON document, for machines.
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum ManifestFormat {
    /// A multi-document YAML stream.
    Yaml,
    /// A JSON `List`.
    Json,
}

/// The cluster's releases as flags (the core's `Target`): what the recipe is checked, rendered and simulated for.
#[derive(Args, Clone, Copy)]
pub(crate) struct TargetFlags {
    /// The cluster's KEDA release (OCI AI Blueprints installs 2.17.0); `2.17` means 2.17.0.
    #[arg(long, value_enum, default_value_t = KedaVersion::default())]
    keda: KedaVersion,
    /// The cluster's Kubernetes minor release (default: the newest OKE offers).
    #[arg(long, value_enum, default_value_t = KubernetesVersion::default())]
    kubernetes: KubernetesVersion,
}

impl TargetFlags {
    fn target(self) -> Target {
        Target {
            keda: self.keda,
            kubernetes: self.kubernetes,
        }
    }

    /// The plan options for this target.
    pub(crate) fn plan_options(self) -> PlanOptions {
        PlanOptions {
            target: self.target(),
            ..PlanOptions::default()
        }
    }
}

/// The render options as flags: one flag per field of the core's `RenderOptions`, with its defaults.
#[derive(Args)]
struct RenderFlags {
    /// The namespace of the objects.
    #[arg(long, default_value_t = RenderOptions::default().namespace)]
    namespace: String,
    /// The base domain of the public host `<name>.<base domain>`.
    #[arg(long)]
    base_domain: Option<String>,
    /// The ingress class.
    #[arg(long, default_value_t = RenderOptions::default().ingress_class.unwrap_or_default())]
    ingress_class: String,
    /// A cert-manager ClusterIssuer for TLS (for example `letsencrypt-prod`).
    #[arg(long)]
    tls_issuer: Option<String>,
    /// The Prometheus server KEDA queries (unless the recipe names one).
    #[arg(long, default_value_t = RenderOptions::default().prometheus_address)]
    prometheus_address: String,
    /// How Prometheus finds vLLM's metrics.
    #[arg(long, value_enum, default_value_t = ScrapeMode::default())]
    scrape: ScrapeMode,
    /// A label to add to every object, `key=value` (repeatable).
    #[arg(long = "label", value_parser = key_value)]
    labels: Vec<(String, String)>,
    /// An annotation to add to every object, `key=value` (repeatable).
    #[arg(long = "annotation", value_parser = key_value)]
    annotations: Vec<(String, String)>,
    /// The image of the init containers that copy Object Storage inputs.
    #[arg(long, default_value_t = RenderOptions::default().object_storage_image)]
    object_storage_image: String,
    /// Where a File Storage file system is exported: `<file system OCID>=<mount target IP>:<export path>`.
    #[arg(long = "file-system", value_parser = file_system)]
    file_systems: Vec<(String, FileSystemExport)>,
    /// The OKE cluster's OCID, for the node pool document.
    #[arg(long)]
    cluster_id: Option<String>,
    /// The compartment's OCID, for the node pool document.
    #[arg(long)]
    compartment_id: Option<String>,
    /// The worker subnet's OCID, for the node pool document.
    #[arg(long)]
    subnet_id: Option<String>,
    /// The node pool's OCID once it exists, for the Cluster Autoscaler's `nodes` key.
    #[arg(long)]
    node_pool_id: Option<String>,
    /// How the Cluster Autoscaler finds the pool.
    #[arg(long, value_enum, default_value_t = NodeGroupDiscovery::default())]
    discovery: NodeGroupDiscovery,
    /// The StorageClass of a job's output volumes.
    #[arg(long, default_value_t = RenderOptions::default().storage_class)]
    storage_class: String,
    /// How often a job's failed pod is retried before the Job fails.
    #[arg(long, default_value_t = RenderOptions::default().job_backoff_limit)]
    job_backoff_limit: u32,
    /// Delete a finished Job after this many seconds (kept until `corrino delete` otherwise).
    #[arg(long)]
    job_ttl_seconds_after_finished: Option<u32>,
    #[command(flatten)]
    target: TargetFlags,
}

fn key_value(s: &str) -> Result<(String, String), String> {
    s.split_once('=')
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .ok_or_else(|| format!("expected key=value, got `{s}`"))
}

fn file_system(s: &str) -> Result<(String, FileSystemExport), String> {
    let (ocid, export) = key_value(s)?;
    Ok((ocid, export.parse()?))
}

impl RenderFlags {
    /// The options; the core checks them when rendering.
    fn options(&self) -> RenderOptions {
        RenderOptions {
            namespace: self.namespace.clone(),
            base_domain: self.base_domain.clone(),
            ingress_class: Some(self.ingress_class.clone()),
            tls_issuer: self.tls_issuer.clone(),
            prometheus_address: self.prometheus_address.clone(),
            scrape: self.scrape,
            labels: self.labels.iter().cloned().collect(),
            annotations: self.annotations.iter().cloned().collect(),
            object_storage_image: self.object_storage_image.clone(),
            file_systems: self.file_systems.iter().cloned().collect(),
            compartment_id: self.compartment_id.clone(),
            cluster_id: self.cluster_id.clone(),
            subnet_id: self.subnet_id.clone(),
            node_pool_id: self.node_pool_id.clone(),
            discovery: self.discovery,
            autoscaler_timing: RenderOptions::default().autoscaler_timing,
            storage_class: self.storage_class.clone(),
            job_backoff_limit: self.job_backoff_limit,
            job_ttl_seconds_after_finished: self.job_ttl_seconds_after_finished,
            keda: self.target.keda,
            kubernetes: self.target.kubernetes,
        }
    }
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
        Command::Validate {
            recipe,
            format,
            target,
        } => {
            let bytes = read_input(&recipe)?;
            let diagnostics = validate_bytes(&bytes, &target.plan_options());
            let shown = display_name(&recipe);
            let written = match format {
                OutputFormat::Text => {
                    let mut out = output::human();
                    report::write_text(&mut out, &shown, &diagnostics).and_then(|()| out.flush())
                }
                OutputFormat::Json => {
                    let mut out = output::machine();
                    report::write_json(&mut out, &shown, &diagnostics).and_then(|()| out.flush())
                }
            };
            written.map_err(|e| format!("cannot write the report: {e}"))?;
            Ok(exit_for(diagnostics.has_errors()))
        }
        Command::Plan {
            recipe,
            format,
            target,
        } => {
            let bytes = read_input(&recipe)?;
            let shown = display_name(&recipe);
            let planning = plan_bytes(&bytes, &target.plan_options());
            let diagnostics = planning.diagnostics;
            let Some(plan) = planning.preview else {
                report::write_text(&mut anstream::stderr().lock(), &shown, &diagnostics)
                    .map_err(|e| e.to_string())?;
                return Ok(exit_for(true));
            };
            match format {
                OutputFormat::Json => write_json(serde_json::to_vec_pretty(&plan))?,
                OutputFormat::Text => {
                    let mut out = output::human();
                    report::write_plan(&mut out, &shown, &plan)
                        .and_then(|()| out.flush())
                        .map_err(written)?;
                }
            }
            Ok(exit_for(diagnostics.has_errors()))
        }
        Command::Render {
            recipe,
            format,
            out,
            options,
        } => render(&recipe, format, out.as_deref(), &options.options()),
        Command::Apply {
            recipe,
            dry_run,
            wait,
            timeout,
            print_plan,
            no_force,
            oci_out,
            options,
        } => {
            let apply = ApplyOptions {
                force: !no_force,
                dry_run: dry_run.is_some(),
                ..ApplyOptions::default()
            };
            let wait = wait.then(|| Duration::from_secs(timeout));
            send(
                &recipe,
                &options.options(),
                &apply,
                Action::Apply { wait, oci_out },
                print_plan,
            )
        }
        Command::Simulate(args) => simulate::run(&args),
        Command::Tune(args) => tune::run(&args),
        Command::Schema => {
            write_raw(corrino_core::schema::recipe_schema_text().as_bytes())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Delete {
            recipe,
            dry_run,
            print_plan,
            options,
        } => {
            let apply = ApplyOptions {
                dry_run: dry_run.is_some(),
                ..ApplyOptions::default()
            };
            send(
                &recipe,
                &options.options(),
                &apply,
                Action::Delete,
                print_plan,
            )
        }
    }
}

/// A file of at most `limit` bytes, as text. Files are read through a bound, so that a huge one is refused
/// without this process holding it.
fn read_bounded(path: &Path, limit: usize, what: &str) -> Result<String, String> {
    let failed = |e: io::Error| format!("cannot read {}: {e}", path.display());
    let file = std::fs::File::open(path).map_err(failed)?;
    let mut text = String::new();
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    file.take(cap).read_to_string(&mut text).map_err(failed)?;
    if text.len() > limit {
        let size = std::fs::metadata(path).map_or(0, |m| m.len());
        return Err(format!(
            "{}: {what} is {} bytes; at most {limit} bytes ({} MiB) are read",
            path.display(),
            size.max(u64::try_from(text.len()).unwrap_or(u64::MAX)),
            limit >> 20
        ));
    }
    Ok(text)
}

/// Which flag set which part of a scenario: `(JSON pointer prefix, the flag as written)`.
type SetBy = Vec<(&'static str, String)>;

/// The simulate command's scenario flags.
struct ScenarioFlags<'a> {
    file: Option<&'a Path>,
    duration: Option<&'a str>,
    clients: Option<u32>,
    rps: Option<f64>,
    rate_csv: Option<&'a Path>,
    metric_trace: Option<&'a Path>,
}

impl ScenarioFlags<'_> {
    /// The scenario the flags describe (a JSON scenario file, then the flags on top of it), and which flag set
    /// which part of it: `(JSON pointer prefix, the flag as written)`, for error messages. The core checks every
    /// value against its bound.
    fn scenario(&self) -> Result<(sim::Scenario, SetBy), String> {
        let mut scenario: sim::Scenario = match self.file {
            Some(path) => {
                let text = read_bounded(path, sim::scenario::MAX_SCENARIO_BYTES, "the scenario")?;
                serde_json::from_str(&text)
                    .map_err(|e| format!("{}: not a scenario: {e}", path.display()))?
            }
            None => sim::Scenario::default(),
        };
        let mut set_by = Vec::new();
        if let Some(text) = self.duration {
            scenario.duration_seconds = corrino_core::promql::parse_duration_seconds(text)
                .ok_or_else(|| {
                    format!(
                        "--duration {text}: expected a duration {}, such as 2h, 90m or 3600s",
                        sim::scenario::duration_range()
                    )
                })?;
            set_by.push(("/duration_seconds", format!("--duration {text}")));
        }
        if let Some(clients) = self.clients {
            scenario.load = sim::Load::ClosedLoop {
                clients,
                requests: sim::RequestShape::default(),
                max_requests: None,
                think_time_seconds: 0.0,
            };
            set_by.push(("/load", format!("--clients {clients}")));
        }
        if let Some(rps) = self.rps {
            scenario.load = sim::Load::OpenLoop {
                rate: sim::RateProfile::Constant { rps },
                requests: sim::RequestShape::default(),
            };
            set_by.push(("/load", format!("--rps {rps}")));
        }
        if let Some(path) = self.rate_csv {
            let points = sim::load::parse_rate_csv(&read_table(path)?)
                .map_err(|e| format!("{}: {e}", path.display()))?;
            scenario.load = sim::Load::OpenLoop {
                rate: sim::RateProfile::Table { points },
                requests: sim::RequestShape::default(),
            };
            set_by.push(("/load", format!("--rate-csv {}", path.display())));
        }
        if let Some(path) = self.metric_trace {
            let trace = sim::MetricTrace::parse(&read_table(path)?)
                .map_err(|e| format!("{}: {e}", path.display()))?;
            scenario.load = sim::Load::MetricTrace { trace };
            set_by.push(("/load", format!("--metric-trace {}", path.display())));
        }
        Ok((scenario, set_by))
    }
}

/// ` (set by --flag …)` when a flag set the scenario value that `error` refuses, else nothing.
fn set_by_flag(set_by: &SetBy, error: &sim::SimError) -> String {
    match error {
        sim::SimError::BadScenario(bad) => set_by
            .iter()
            .rev()
            .find(|(prefix, _)| bad.field().starts_with(prefix))
            .map(|(_, flag)| format!(" (set by {flag})"))
            .unwrap_or_default(),
        _ => String::new(),
    }
}

/// A `t,value` table file, refused past the core's size cap.
fn read_table(path: &Path) -> Result<String, String> {
    read_bounded(path, sim::load::MAX_CSV_BYTES, "the table")
}

/// Pretty JSON and a newline on standard output, exactly.
fn write_json(json: serde_json::Result<Vec<u8>>) -> Result<(), String> {
    let mut json = json.map_err(|e| format!("cannot write the output: {e}"))?;
    json.push(b'\n');
    write_raw(&json)
}

/// Bytes on standard output, exactly.
fn write_raw(bytes: &[u8]) -> Result<(), String> {
    let mut out = output::machine();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(written)
}

fn written(e: io::Error) -> String {
    format!("cannot write the output: {e}")
}

enum Action {
    Apply {
        wait: Option<Duration>,
        oci_out: Option<PathBuf>,
    },
    Delete,
}

/// Renders and applies or deletes; prints the plan instead when asked.
fn send(
    recipe: &Path,
    options: &RenderOptions,
    apply: &ApplyOptions,
    action: Action,
    print_plan: bool,
) -> Result<ExitCode, String> {
    let Some(manifests) = rendered(recipe, options)? else {
        return Ok(exit_for(true));
    };
    let plan = match action {
        Action::Apply { .. } => corrino_core::apply::apply_plan(&manifests, apply),
        Action::Delete => corrino_core::apply::delete_plan(&manifests, apply),
    }
    .map_err(|e| e.to_string())?;
    let mut stderr = anstream::stderr().lock();
    if let Action::Apply { oci_out, .. } = &action {
        let oci: Vec<manifest::Manifest> =
            manifests.iter().filter(|m| m.is_oci()).cloned().collect();
        let documents = manifest::oci_documents(&oci).map_err(|e| e.to_string())?;
        match oci_out {
            Some(dir) => {
                std::fs::create_dir_all(dir)
                    .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
                let files: Vec<(PathBuf, &[u8])> = documents
                    .iter()
                    .map(|(name, json)| (dir.join(name), json.as_bytes()))
                    .collect();
                output::write_files(&files)?;
            }
            None if !documents.is_empty() => {
                writeln!(stderr, "note: the OCI documents are written only with --oci-out DIR; nothing is sent to OCI")
                    .map_err(|e| e.to_string())?;
            }
            None => {}
        }
    }
    if print_plan {
        write_raw(plan.to_string().as_bytes())?;
        return Ok(ExitCode::SUCCESS);
    }
    if plan.steps.is_empty() {
        // A shared pool has no Kubernetes object: there is no cluster to reach.
        writeln!(stderr, "note: nothing to send to the cluster").map_err(|e| e.to_string())?;
        return Ok(ExitCode::SUCCESS);
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    let result = runtime.block_on(async {
        let client = kube::Client::try_default().await.map_err(|e| {
            format!("cannot reach a cluster (kubeconfig or in-cluster config): {e}")
        })?;
        let wait = match &action {
            Action::Apply { wait, .. } => *wait,
            Action::Delete => None,
        };
        Ok::<_, String>(
            executor::execute(
                &client,
                &plan,
                &ExecuteOptions {
                    wait,
                    poll_interval: None,
                },
            )
            .await,
        )
    })?;
    let mut stdout = output::human();
    match result {
        Ok(report) => {
            for outcome in &report.outcomes {
                let what = match outcome.result {
                    OutcomeKind::Applied if apply.dry_run => "applied (server dry run)",
                    OutcomeKind::Applied => "applied",
                    OutcomeKind::Deleted if apply.dry_run => "deleted (server dry run)",
                    OutcomeKind::Deleted => "deleted",
                    OutcomeKind::AlreadyGone => "already gone",
                    OutcomeKind::LabelsRemoved if apply.dry_run => {
                        "labels removed (server dry run)"
                    }
                    OutcomeKind::LabelsRemoved => "labels removed",
                };
                writeln!(stdout, "{}: {what}", outcome.object).map_err(written)?;
            }
            stdout.flush().map_err(written)?;
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            writeln!(stderr, "error: {e}").map_err(|e| e.to_string())?;
            Ok(ExitCode::from(1))
        }
    }
}

/// Reads, plans and renders a recipe; prints the problems and returns `None` when it cannot be rendered.
fn rendered(
    recipe: &Path,
    options: &RenderOptions,
) -> Result<Option<Vec<manifest::Manifest>>, String> {
    let bytes = read_input(recipe)?;
    let shown = display_name(recipe);
    let mut stderr = anstream::stderr().lock();
    match manifest::render_bytes(&bytes, &PlanOptions::default(), options) {
        Ok(rendered) => {
            // Warnings go to standard error so that standard output stays clean for pipes.
            report::write_warnings(&mut stderr, &shown, &rendered.diagnostics)
                .map_err(|e| e.to_string())?;
            Ok(Some(rendered.manifests))
        }
        Err(problems) => {
            report::write_text(&mut stderr, &shown, &problems).map_err(|e| e.to_string())?;
            Ok(None)
        }
    }
}

fn render(
    recipe: &Path,
    format: ManifestFormat,
    out_dir: Option<&Path>,
    options: &RenderOptions,
) -> Result<ExitCode, String> {
    let Some(manifests) = rendered(recipe, options)? else {
        return Ok(exit_for(true));
    };
    let mut stderr = anstream::stderr().lock();
    let text = match format {
        ManifestFormat::Yaml => manifest::to_yaml(&manifests).map_err(|e| e.to_string())?,
        ManifestFormat::Json => manifest::to_json(&manifests).map_err(|e| e.to_string())?,
    };
    let documents = manifest::oci_documents(&manifests).map_err(|e| e.to_string())?;
    let placeholders = manifest::placeholders(&manifests);
    let kubernetes = manifests.iter().any(manifest::Manifest::is_kubernetes);
    match out_dir {
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            let file = match format {
                ManifestFormat::Yaml => "manifests.yaml",
                ManifestFormat::Json => "manifests.json",
            };
            let mut files: Vec<(PathBuf, &[u8])> = Vec::new();
            if kubernetes {
                files.push((dir.join(file), text.as_bytes()));
            }
            for (name, json) in &documents {
                files.push((dir.join(name), json.as_bytes()));
            }
            output::write_files(&files)?;
            let names: Vec<String> = files
                .iter()
                .filter_map(|(path, _)| path.file_name())
                .map(|name| name.to_string_lossy().into_owned())
                .collect();
            writeln!(stderr, "wrote {} in {}", names.join(", "), dir.display())
                .map_err(|e| e.to_string())?;
        }
        // A shared pool renders to its node pool document alone, which is then the output.
        None if !kubernetes => {
            let all: String = documents.iter().map(|(_, json)| json.as_str()).collect();
            write_raw(all.as_bytes())?;
        }
        None => {
            write_raw(text.as_bytes())?;
            if !documents.is_empty() {
                let names: Vec<&str> = documents.iter().map(|(n, _)| n.as_str()).collect();
                writeln!(
                    stderr,
                    "note: the OCI documents ({}) are written only with --out DIR",
                    names.join(", ")
                )
                .map_err(|e| e.to_string())?;
            }
        }
    }
    if !placeholders.is_empty() {
        writeln!(
            stderr,
            "note: the OCI documents hold placeholders to fill in: {}",
            placeholders.join(", ")
        )
        .map_err(|e| e.to_string())?;
    }
    Ok(ExitCode::SUCCESS)
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
