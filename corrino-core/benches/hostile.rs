//! `hostile`: recipes written to exhaust the library, each up to the 1 MiB input limit, read, planned and rendered as
//! a service embedding corrino would (`plan_bytes`, then `render_bytes` and `to_yaml` when the recipe plans).
//!
//! Targets on this machine: at most 100 ms and 64 MB of peak heap for any input. Peak heap is measured by a counting
//! global allocator (`peak_alloc`) in this binary: the largest number of bytes live at once while one input is
//! handled, beyond what was live before. Times are the fastest of several runs under that allocator (which copies on
//! every `realloc`, so they are a little pessimistic).
//!
//! Each input is also timed at a quarter of its size: a ratio (full / quarter) near 4 is linear, near 16 quadratic.
//! The floors printed last are what no pipeline through this reader can avoid: the largest input's plain
//! `serde_json::Value` parse, the tree of the input with the most values, and, for inputs whose every value is a
//! problem, making that many diagnostics (a path, a message) and the one copy of the list that planning makes.

use std::hint::black_box;
use std::time::{Duration, Instant};

use corrino_core::manifest::{self, RenderOptions};
use corrino_core::{PlanOptions, plan_bytes};
use criterion::{Criterion, criterion_group, criterion_main};
use peak_alloc::PeakAlloc;

#[global_allocator]
static HEAP: PeakAlloc = PeakAlloc;

const RECIPE: &str = include_str!("../../fixtures/recipes/autoscaling-example.json");
const LIMIT: usize = corrino_core::document::MAX_INPUT_BYTES;
const TIME_TARGET: Duration = Duration::from_millis(100);
const MEMORY_TARGET: usize = 64 * 1024 * 1024;

/// The fixture with `members` (JSON text, each starting with `,`) added before its closing brace.
fn fixture_with(members: &str) -> String {
    let end = RECIPE.rfind('}').expect("an object");
    format!("{}{members}\n}}", &RECIPE[..end])
}

/// Repeats `item(i)` joined by `,` while the whole stays within `budget` bytes.
fn repeated(budget: usize, item: impl Fn(usize) -> String) -> String {
    let mut out = String::new();
    for i in 0.. {
        let next = item(i);
        if out.len() + next.len() + 1 > budget {
            break;
        }
        if i > 0 {
            out.push(',');
        }
        out.push_str(&next);
    }
    out
}

/// Hostile inputs of about `size` bytes, with their names.
fn inputs(size: usize) -> Vec<(&'static str, Vec<u8>)> {
    let room = size.saturating_sub(RECIPE.len() + 200);
    let mut out: Vec<(&'static str, String)> = Vec::new();

    // One long anchored string and as many aliases of it as fit (each alias is 3 bytes of input).
    let string = "x".repeat(room / 2);
    let aliases = vec!["*s"; (room / 2) / 3].join(",");
    out.push((
        "yaml: aliases of one long string",
        format!(
            "recipe_mode: service\ndeployment_name: a\nrecipe_id: &s {string}\nrecipe_container_command_args: [{aliases}]\n"
        ),
    ));
    // Nested aliases: each level is ten of the one below (a "billion laughs"), over a list of a thousand.
    let mut laughs = format!(
        "recipe_mode: service\nl0: &l0 [{}]\n",
        ["x"; 1000].join(",")
    );
    for level in 1..9 {
        let below = format!("*l{}", level - 1);
        laughs.push_str(&format!(
            "l{level}: &l{level} [{}]\n",
            [below.as_str(); 10].join(",")
        ));
    }
    laughs.push_str("recipe_container_command_args: *l8\n");
    out.push(("yaml: nested aliases", laughs));
    // Unknown keys: each one gets an error, and would get a "did you mean" search.
    out.push((
        "json: unknown keys",
        format!("{{{}}}", repeated(size - 2, |i| format!("\"k{i:06}\":1"))),
    ));
    out.push((
        "json: unknown keys close to known ones",
        format!(
            "{{{}}}",
            repeated(size - 2, |i| format!("\"recipe_node_shap{i}\":1"))
        ),
    ));
    // A valid recipe with many node labels: every one is checked, and rendered into the node pool's documents.
    out.push((
        "json: valid recipe with many labels",
        fixture_with(&format!(
            ",\"recipe_node_labels\":{{{}}}",
            repeated(room, |i| format!("\"l{i}\":\"v\""))
        )),
    ));
    // The same key many times: duplicate detection.
    out.push((
        "json: one key repeated",
        format!("{{{}}}", repeated(size - 2, |_| "\"a\":1".to_owned())),
    ));
    // Nesting at the depth cap, many times over.
    let deep = format!("{}{}", "[".repeat(62), "]".repeat(62));
    out.push((
        "json: nesting at the depth cap",
        fixture_with(&format!(
            ",\"recipe_node_labels\":[{}]",
            repeated(room, |_| deep.clone())
        )),
    ));
    // Long strings where names, images, shapes, queries and arguments go.
    let long = "a".repeat(room / 6);
    out.push((
        "json: long strings in every kind of field",
        fixture_with(&format!(
            ",\"recipe_node_shap{long}\":1,\"recipe_shared_node_pool_selector\":\"{long}\",\"recipe_id\":\"{long}\",\"mig_resource_request\":\"{long}\",\"recipe_container_command\":[\"{long}\"],\"pre_filled_sample_name\":\"{long}\""
        )),
    ));
    out.push((
        "json: a long deployment name and image",
        fixture_with(&format!(
            ",\"deployment_name\":\"{}\",\"recipe_image_uri\":\"{}:v1\"",
            "a".repeat(room / 2),
            "b/".repeat(room / 4)
        )),
    ));
    out.push((
        "json: a long valid argument",
        fixture_with(&format!(
            ",\"recipe_container_command_args\":[\"{}\"]",
            "a".repeat(room)
        )),
    ));
    // Numbers beyond 64 bits and below the smallest float, in integer fields.
    out.push((
        "json: huge and tiny numbers",
        fixture_with(&format!(
            ",\"recipe_container_command_args\":[{}]",
            repeated(room, |i| if i % 2 == 0 {
                "-99999999999999999999999".to_owned()
            } else {
                "1e-400".to_owned()
            })
        )),
    ));
    // Many environment variables, each referring to the others.
    out.push((
        "json: many environment variables",
        fixture_with(&format!(
            ",\"recipe_container_env\":[{}]",
            repeated(room, |i| format!(
                "{{\"key\":\"V{i}\",\"value\":\"$(V{})\"}}",
                i + 1
            ))
        )),
    ));
    // A deployment group of many small members, each depending on and referring to the one before.
    let member = |i: usize| {
        let before = i.saturating_sub(1);
        format!(
            "{{\"name\":\"m{i}\",\"depends_on\":[\"m{before}\"],\"exports\":[\"internal_dns_name\"],\"recipe\":{{\"recipe_mode\":\"service\",\"deployment_name\":\"m{i}\",\"recipe_image_uri\":\"i:v1\",\"recipe_node_shape\":\"VM.Standard.E4.Flex\",\"recipe_flex_shape_ocpu_count\":1,\"recipe_flex_shape_memory_size_in_gbs\":8,\"recipe_container_port\":\"80\",\"recipe_replica_count\":1,\"recipe_node_pool_size\":1,\"recipe_node_boot_volume_size_in_gbs\":100,\"recipe_ephemeral_storage_size\":10,\"recipe_container_env\":[{{\"key\":\"U\",\"value\":\"http://${{m{before}.internal_dns_name}}/\"}}]}}}}"
        )
    };
    out.push((
        "json: a group of many members",
        format!(
            "{{\"deployment_group\":{{\"name\":\"g\",\"deployments\":[{}]}}}}",
            repeated(size - 60, member)
        ),
    ));
    // Members that each name a member that does not exist: "did you mean" among all of them.
    out.push((
        "json: a group of unknown names",
        format!(
            "{{\"deployment_group\":{{\"name\":\"g\",\"deployments\":[{}]}}}}",
            repeated(size - 60, |i| format!(
                "{{\"name\":\"member{i}\",\"depends_on\":[\"membr{i}\"]}}"
            ))
        ),
    ));
    // Texts that a search from each opening would read to the end: `$(` for environment references, `${` for
    // references between members.
    out.push((
        "json: unclosed references",
        format!(
            "{{\"deployment_group\":{{\"name\":\"g\",\"deployments\":[{{\"name\":\"a\",\"recipe\":{{\"recipe_mode\":\"service\",\"recipe_container_command_args\":[\"{}\",\"{}}}\"]}}}}]}}}}",
            "$(".repeat(room / 4),
            "${".repeat(room / 4)
        ),
    ));
    // A custom query at the checker's limits (8 KiB, 256 operators), and one far beyond them.
    let query = |terms: usize| {
        (0..terms)
            .map(|i| {
                format!("sum(rate(vllm:e2e_request_latency_seconds_count{{model_name=\\\"m{i}\\\"}}[5m]))")
            })
            .collect::<Vec<_>>()
            .join(" + ")
    };
    let params = |q: &str| {
        format!(
            ",\"recipe_pod_autoscaling_params\":{{\"min_replicas\":1,\"max_replicas\":2,\"scaling_threshold\":1,\"query\":\"{q}\"}}"
        )
    };
    out.push((
        "json: a custom query at the checker's limits",
        fixture_with(&params(&query(100))),
    ));
    out.push((
        "json: a long custom query",
        fixture_with(&params(&query(room / 80))),
    ));
    out.into_iter()
        .map(|(name, text)| {
            assert!(text.len() <= LIMIT, "{name} is {} bytes", text.len());
            (name, text.into_bytes())
        })
        .collect()
}

/// What a service does with a recipe: plan it, and render it (to YAML) when it plans.
fn pipeline(input: &[u8]) -> usize {
    let planning = plan_bytes(input, &PlanOptions::default());
    let mut out = planning.diagnostics.len();
    if let Some(plan) = &planning.plan
        && let Ok(manifests) = manifest::render(plan, &RenderOptions::default())
    {
        out += manifest::to_yaml(&manifests).map_or(0, |y| y.len());
    }
    out
}

/// The fastest of a few runs of `f` (at least 3, at most 15, within about a second): the machine is shared, and the
/// fastest run is the one others disturbed least.
fn fastest(f: &dyn Fn()) -> Duration {
    let mut times = Vec::new();
    let start = Instant::now();
    while times.len() < 3 || (times.len() < 15 && start.elapsed() < Duration::from_secs(1)) {
        let t = Instant::now();
        f();
        times.push(t.elapsed());
    }
    times.into_iter().min().unwrap_or_default()
}

/// The peak heap of `f`, beyond what was live before it.
fn peak_heap(f: &dyn Fn()) -> usize {
    let before = HEAP.current_usage();
    HEAP.reset_peak_usage();
    f();
    HEAP.peak_usage().saturating_sub(before)
}

fn mb(bytes: usize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn bench(c: &mut Criterion) {
    let full = inputs(LIMIT);
    let quarter = inputs(LIMIT / 4);
    let mut worst_time = (Duration::ZERO, "");
    let mut worst_heap = (0, "");
    println!(
        "{:<44} {:>9} {:>10} {:>8} {:>9} {:>7}  outcome",
        "input", "bytes", "time", "ratio", "peak heap", "output"
    );
    for ((name, input), (_, small)) in full.iter().zip(&quarter) {
        let time = fastest(&|| {
            black_box(pipeline(black_box(input)));
        });
        let small_time = fastest(&|| {
            black_box(pipeline(black_box(small)));
        });
        let heap = peak_heap(&|| {
            black_box(pipeline(black_box(input)));
        });
        let planning = plan_bytes(input, &PlanOptions::default());
        let outcome = match planning.diagnostics.iter().next() {
            None => "plans clean".to_owned(),
            Some(first) => format!(
                "{} diagnostics, first {}",
                planning.diagnostics.len(),
                first.code
            ),
        };
        println!(
            "{name:<44} {:>9} {:>7.1} ms {:>7.1}× {:>6.1} MB {:>7}  {outcome}",
            input.len(),
            time.as_secs_f64() * 1e3,
            time.as_secs_f64() / small_time.as_secs_f64().max(1e-9),
            mb(heap),
            pipeline(input),
        );
        if time > worst_time.0 {
            worst_time = (time, name);
        }
        if heap > worst_heap.0 {
            worst_heap = (heap, name);
        }
    }
    println!(
        "worst time {:.1} ms ({}; target {} ms), worst peak heap {:.1} MB ({}; target {} MB)",
        worst_time.0.as_secs_f64() * 1e3,
        worst_time.1,
        TIME_TARGET.as_millis(),
        mb(worst_heap.0),
        worst_heap.1,
        MEMORY_TARGET / (1024 * 1024),
    );

    // Floors: a plain parse of the largest JSON input, and the tree of values of the input with the most of them.
    let (largest, input) = full
        .iter()
        .filter(|(name, _)| name.starts_with("json"))
        .max_by_key(|(_, input)| input.len())
        .expect("inputs");
    let parse = fastest(&|| {
        black_box(serde_json::from_slice::<serde_json::Value>(black_box(input)).ok());
    });
    let (most, values) = full
        .iter()
        .filter(|(name, _)| name.starts_with("json"))
        .max_by_key(|(_, input)| input.iter().filter(|&&b| b == b',').count())
        .expect("inputs");
    let tree_heap = peak_heap(&|| {
        black_box(corrino_core::document::read(
            black_box(values),
            corrino_core::Format::Json,
        ));
    });
    let most_diagnostics = full
        .iter()
        .map(|(_, input)| plan_bytes(input, &PlanOptions::default()).diagnostics.len())
        .max()
        .unwrap_or(0);
    let diagnostics = fastest(&|| {
        let list: corrino_core::Diagnostics = (0..most_diagnostics)
            .map(|i| {
                corrino_core::Diagnostic::error(
                    format!("/k{i:06}"),
                    corrino_core::Code::UnknownField,
                    format!("unknown field `k{i:06}`"),
                )
            })
            .collect::<Vec<_>>()
            .into();
        black_box((list.clone(), list));
    });
    println!(
        "floors: serde_json::Value of \"{largest}\" {:.1} ms; the tree of \"{most}\" alone {:.1} MB; {most_diagnostics} diagnostics made and copied once {:.1} ms",
        parse.as_secs_f64() * 1e3,
        mb(tree_heap),
        diagnostics.as_secs_f64() * 1e3,
    );

    let mut group = c.benchmark_group("hostile");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2));
    for (name, input) in &full {
        group.bench_function(*name, |b| b.iter(|| pipeline(black_box(input))));
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
