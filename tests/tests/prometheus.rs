//! The default scaling query, asked of a real Prometheus: the test serves vLLM-format latency histograms with known
//! counts from small exporters on 127.0.0.1, starts `prometheus` (the Debian package) on a temporary config and data
//! directory to scrape them every second, and asks the query that `corrino render` puts into the ScaledObject
//! through the HTTP API. The answer must be the fraction of slow requests the exporter of that deployment serves,
//! within 1e-6, whatever the other deployments and namespaces serve.
//!
//! Without a `prometheus` binary the test says so and passes, unless `CORRINO_REQUIRE_PROMETHEUS=1` is set, as it
//! is by the project's test command (which installs the package). `CORRINO_PROMETHEUS` names another binary.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use corrino_core::manifest::{self, RenderOptions, ScrapeMode};
use corrino_core::vllm::{E2E_REQUEST_LATENCY, REQUEST_LATENCY_BUCKETS};
use corrino_core::{PlanOptions, plan_bytes};
use serde_json::Value;

/// The fixture whose query is asked, and its canonical name.
const RECIPE: &str = "fixtures/recipes/autoscaling-example.json";
const NAME: &str = "autoscalevllmexample";

/// An exporter of one vLLM server: every scrape adds `per_scrape[i]` requests to the i-th bucket of
/// [`REQUEST_LATENCY_BUCKETS`] (the last entry is the `+Inf` overflow), so the counters grow in the same proportion
/// and the share of requests above a bound is exact at every scrape.
struct Exporter {
    port: u16,
    slow_fraction: f64,
}

impl Exporter {
    /// Serves `slow` of every 1000 requests above 5 s, spread over the buckets on either side of the bound.
    fn start(slow: u64) -> Exporter {
        assert!(slow <= 1000);
        let bound = REQUEST_LATENCY_BUCKETS
            .iter()
            .position(|b| *b == "5.0")
            .expect("5.0 is a vLLM bucket");
        let mut per_scrape = vec![0u64; REQUEST_LATENCY_BUCKETS.len() + 1];
        // Fast requests in the buckets up to 5.0, slow ones above it (including +Inf), unevenly, as real ones are.
        let mut spread = |range: std::ops::Range<usize>, mut count: u64| {
            let slots: Vec<usize> = range.collect();
            for (n, slot) in slots.iter().enumerate() {
                let share = if n + 1 == slots.len() {
                    count
                } else {
                    count / 2
                };
                per_scrape[*slot] += share;
                count -= share;
            }
        };
        spread(0..bound + 1, 1000 - slow);
        spread(bound + 1..REQUEST_LATENCY_BUCKETS.len() + 1, slow);

        let server = tiny_http::Server::http("127.0.0.1:0").expect("exporter listens");
        let port = server.server_addr().to_ip().expect("an IP address").port();
        thread::spawn(move || {
            let mut scrapes = 0u64;
            for request in server.incoming_requests() {
                scrapes += 1;
                let body = exposition(&per_scrape, scrapes);
                let header = tiny_http::Header::from_bytes(
                    "Content-Type",
                    "text/plain; version=0.0.4; charset=utf-8",
                )
                .expect("header");
                let _ = request.respond(tiny_http::Response::from_string(body).with_header(header));
            }
        });
        Exporter {
            port,
            slow_fraction: slow as f64 / 1000.0,
        }
    }

    fn target(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }
}

/// The text vLLM's `/metrics` serves for the end-to-end latency histogram after `scrapes` scrapes.
fn exposition(per_scrape: &[u64], scrapes: u64) -> String {
    let labels = r#"engine="0",model_name="/models/meta-llama/Llama-3.1-8B-Instruct""#;
    let mut out = format!(
        "# HELP {E2E_REQUEST_LATENCY} Histogram of e2e request latency in seconds.\n# TYPE {E2E_REQUEST_LATENCY} histogram\n"
    );
    let mut cumulative = 0u64;
    let bounds = REQUEST_LATENCY_BUCKETS.iter().copied().chain(["+Inf"]);
    for (bound, count) in bounds.zip(per_scrape) {
        cumulative += count * scrapes;
        out.push_str(&format!(
            "{E2E_REQUEST_LATENCY}_bucket{{{labels},le=\"{bound}\"}} {cumulative}\n"
        ));
    }
    out.push_str(&format!(
        "{E2E_REQUEST_LATENCY}_count{{{labels}}} {cumulative}\n"
    ));
    out.push_str(&format!(
        "{E2E_REQUEST_LATENCY}_sum{{{labels}}} {}\n",
        cumulative * 3
    ));
    out
}

/// A running Prometheus, stopped when dropped.
struct Prometheus {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Prometheus {
    fn start(binary: &str, scrape_configs: &str) -> Prometheus {
        let dir = tempfile::tempdir().expect("temporary directory");
        let config = dir.path().join("prometheus.yml");
        std::fs::write(
            &config,
            format!(
                "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n{scrape_configs}"
            ),
        )
        .expect("write config");
        let port = free_port();
        let log = std::fs::File::create(dir.path().join("prometheus.log")).expect("log file");
        let child = Command::new(binary)
            .arg(format!("--config.file={}", config.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.path().join("data").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .arg("--log.level=warn")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {binary}: {e}"));
        let prometheus = Prometheus {
            child,
            port,
            _dir: dir,
        };
        prometheus.wait_until_ready();
        prometheus
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn wait_until_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if ureq::get(&self.url("/-/ready")).call().is_ok() {
                return;
            }
            thread::sleep(Duration::from_millis(200));
        }
        panic!("Prometheus was not ready within 30 s");
    }

    /// The values of an instant query's result vector, one per series.
    fn query(&self, query: &str) -> Vec<f64> {
        let mut response = ureq::get(&self.url("/api/v1/query"))
            .query("query", query)
            .call()
            .unwrap_or_else(|e| panic!("query {query}: {e}"));
        let body: Value = serde_json::from_str(
            &response
                .body_mut()
                .read_to_string()
                .expect("a response body"),
        )
        .expect("JSON");
        assert_eq!(body["status"], "success", "{body}");
        assert_eq!(body["data"]["resultType"], "vector", "{body}");
        body["data"]["result"]
            .as_array()
            .expect("a result vector")
            .iter()
            .map(|series| {
                series["value"][1]
                    .as_str()
                    .expect("a sample value")
                    .parse::<f64>()
                    .expect("a number")
            })
            .collect()
    }

    /// Asks until the answer is one finite sample (two scrapes must have happened for `rate()`).
    fn query_one(&self, query: &str) -> f64 {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let values = self.query(query);
            if let [value] = values[..]
                && value.is_finite()
            {
                return value;
            }
            assert!(
                Instant::now() < deadline,
                "no single finite sample within 60 s for {query}: {values:?}"
            );
            thread::sleep(Duration::from_millis(500));
        }
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

fn prometheus_binary() -> Option<String> {
    if let Some(binary) = std::env::var_os("CORRINO_PROMETHEUS") {
        return Some(binary.to_string_lossy().into_owned());
    }
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("prometheus"))
            .find(|p| p.is_file())
    });
    found.map(|p: PathBuf| p.to_string_lossy().into_owned())
}

/// The query of the ScaledObject that `corrino render` makes of the fixture with this scrape mode.
fn rendered_query(scrape: ScrapeMode) -> String {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let bytes = std::fs::read(root.join(RECIPE)).expect("fixture");
    let planning = plan_bytes(&bytes, &PlanOptions::default());
    let diagnostics = planning.diagnostics;
    let plan = planning.plan.unwrap_or_else(|| panic!("{diagnostics}"));
    let corrino_core::Plan::Service(service) = &plan else {
        panic!("a service")
    };
    assert_eq!(service.workload.name.as_str(), NAME);
    let options = RenderOptions {
        scrape,
        ..RenderOptions::default()
    };
    let manifests = manifest::render(&plan, &options).expect("render");
    let list: Value =
        serde_json::from_str(&manifest::to_json(&manifests).expect("json")).expect("parse");
    let scaled_object = list["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|item| item["kind"] == "ScaledObject")
        .expect("a ScaledObject");
    scaled_object["spec"]["triggers"][0]["metadata"]["query"]
        .as_str()
        .expect("a query")
        .to_owned()
}

#[test]
fn the_default_query_reads_the_share_of_slow_requests_from_a_real_prometheus() {
    let Some(binary) = prometheus_binary() else {
        assert!(
            std::env::var_os("CORRINO_REQUIRE_PROMETHEUS").is_none(),
            "CORRINO_REQUIRE_PROMETHEUS is set but no `prometheus` binary is on PATH"
        );
        eprintln!("skipped: no `prometheus` binary (install the Debian package `prometheus`)");
        return;
    };

    // The deployment, scraped through pod annotations: the kubernetes-pods job of the plain chart copies the
    // namespace and the pod's labels onto its series.
    let annotated = Exporter::start(237);
    // The same deployment behind a static target named by its Service address (scrape mode `none`).
    let static_target = Exporter::start(612);
    // Another deployment in the same namespace, and the same name in another namespace: never selected.
    let neighbour = Exporter::start(900);
    let elsewhere = Exporter::start(50);

    let job = |name: &str, exporter: &Exporter, labels: &str, instance: Option<&str>| {
        let relabel = instance.map_or_else(String::new, |instance| {
            format!("    relabel_configs:\n      - target_label: instance\n        replacement: \"{instance}\"\n")
        });
        format!(
            "  - job_name: {name}\n    static_configs:\n      - targets: [\"{}\"]\n        labels: {{{labels}}}\n{relabel}",
            exporter.target()
        )
    };
    let configs = [
        job(
            "kubernetes-pods",
            &annotated,
            &format!("namespace: default, corrino_oci_recipe: {NAME}"),
            None,
        ),
        job(
            "static",
            &static_target,
            "",
            Some(&format!("recipe-{NAME}.default:80")),
        ),
        job(
            "neighbour",
            &neighbour,
            "namespace: default, corrino_oci_recipe: other",
            Some("recipe-other.default:80"),
        ),
        job(
            "elsewhere",
            &elsewhere,
            &format!("namespace: staging, corrino_oci_recipe: {NAME}"),
            Some(&format!("recipe-{NAME}.staging:80")),
        ),
    ]
    .concat();
    let prometheus = Prometheus::start(&binary, &configs);

    for (scrape, exporter) in [
        (ScrapeMode::Annotations, &annotated),
        (ScrapeMode::None, &static_target),
    ] {
        let query = rendered_query(scrape);
        let value = prometheus.query_one(&query);
        assert!(
            (value - exporter.slow_fraction).abs() < 1e-6,
            "{scrape:?}: {query} = {value}, expected {}",
            exporter.slow_fraction
        );
    }

    // The commonest silent failure: `le="5"` where vLLM writes "5.0" selects nothing, so KEDA would read 0.
    let misspelled = rendered_query(ScrapeMode::Annotations).replace(r#"le="5.0""#, r#"le="5""#);
    assert!(
        prometheus.query(&misspelled).is_empty(),
        "{misspelled} should select nothing"
    );
}
