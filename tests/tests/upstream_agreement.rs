//! corrino agrees with upstream's server about what it refuses: seeded mutants of upstream's public samples are
//! judged by upstream's JSON Schema (`blueprint_json_schema.json`, through Python's `jsonschema`, as the server
//! validates a deployment) and by corrino's library.
//!
//! * Whatever the schema refuses, corrino refuses too (an error the unmutated sample does not have), or accepts
//!   with a warning at the mutated field (or around it) saying that upstream's server refuses it.
//! * Whatever corrino refuses that the schema accepts is one of the rules listed, with its reason, in
//!   `docs/diagnostics.md` ("Where corrino is stricter than upstream's schema").
//!
//! The samples and the schema live beside the project (`../shared/reference/oci-ai-blueprints/`, or where
//! `CORRINO_UPSTREAM_REFERENCE` says); Python with
//! `jsonschema` is `.venv/bin/python` (which `scripts/test-all.sh` prepares) or else `python3`. Without either the
//! test says so and checks nothing, unless `CORRINO_REQUIRE_AGREEMENT` is set, as CI does. `CORRINO_AGREEMENT_SEED`
//! and `CORRINO_AGREEMENT_MUTANTS` choose the mutants (by default seed 1 and 3000 of them).

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use corrino_core::sim::load::Rng;
use corrino_core::{Code, Diagnostic, PlanOptions, Severity, plan_bytes};
use serde_json::{Value, json};

use corrino_test_support as support;
use support::workspace;

const REQUIRE: &str = "CORRINO_REQUIRE_AGREEMENT";

/// Upstream's reference files: `CORRINO_UPSTREAM_REFERENCE`, or `../shared/reference/oci-ai-blueprints` beside the
/// project.
fn reference() -> PathBuf {
    std::env::var_os("CORRINO_UPSTREAM_REFERENCE").map_or_else(
        || workspace().join("../shared/reference/oci-ai-blueprints"),
        PathBuf::from,
    )
}

/// Skips (returns `None`) with a message, or fails when the environment requires the check.
fn unavailable<T>(why: &str) -> Option<T> {
    assert!(
        std::env::var_os(REQUIRE).is_none(),
        "{REQUIRE} is set, but {why}"
    );
    eprintln!("upstream agreement: {why}: skipped (set {REQUIRE} to make this an error)");
    None
}

fn samples() -> Option<Vec<(String, Value)>> {
    let dir = reference().join("samples");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return unavailable("upstream's samples are not beside the project");
    };
    let mut samples: Vec<(String, Value)> = entries
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            let name = p.file_name().expect("name").to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&p).expect("sample");
            (name, serde_json::from_str(&text).expect("a sample is JSON"))
        })
        .collect();
    samples.sort_by(|a, b| a.0.cmp(&b.0));
    Some(samples)
}

/// A Python that can import `jsonschema`.
fn python() -> Option<PathBuf> {
    let venv = workspace().join(".venv/bin/python");
    for candidate in [venv, PathBuf::from("python3")] {
        let works = Command::new(&candidate)
            .args(["-c", "import jsonschema"])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if works {
            return Some(candidate);
        }
    }
    unavailable("no Python with `jsonschema` (.venv/bin/python or python3)")
}

// -----------------------------------------------------------------------------------------------------------------
// Mutants
// -----------------------------------------------------------------------------------------------------------------

/// One mutation of one sample: where, what, and the document as JSON text (numbers such as 2^64 are spliced into
/// the text, since a `serde_json::Value` cannot hold them exactly).
struct Mutant {
    sample: usize,
    path: String,
    operator: &'static str,
    text: String,
}

/// Every JSON pointer of `value`, the root excluded.
fn paths(value: &Value, at: &str, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let here = format!("{at}/{}", key.replace('~', "~0").replace('/', "~1"));
                out.push(here.clone());
                paths(child, &here, out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                let here = format!("{at}/{i}");
                out.push(here.clone());
                paths(child, &here, out);
            }
        }
        _ => {}
    }
}

fn pick<'a, T>(rng: &mut Rng, items: &'a [T]) -> &'a T {
    let index = usize::try_from(rng.next_u64() % items.len() as u64).expect("an index");
    &items[index]
}

/// Big integers written as literals: beyond i64, beyond u64 (2^64 is an integer to JSON Schema), and a whole number
/// written with a fraction.
const RAW_NUMBERS: [&str; 5] = [
    "18446744073709551616",
    "9223372036854775808",
    "-9223372036854775809",
    "8.0",
    "1e20",
];

/// What a mutated value may become, by the kind of the value.
fn replacement(rng: &mut Rng, value: &Value) -> (&'static str, Value) {
    let any: [(&'static str, Value); 4] = [
        ("null", Value::Null),
        ("wrapped-in-array", json!([value.clone()])),
        ("empty-object", json!({})),
        ("boolean", json!(true)),
    ];
    let typed: Vec<(&'static str, Value)> = match value {
        Value::String(s) => {
            let mut v = vec![
                ("empty-string", json!("")),
                ("upper-case", json!(s.to_uppercase())),
                ("padded", json!(format!(" {s} "))),
                (
                    "string-to-integer",
                    json!(s.trim().parse::<i64>().unwrap_or(0)),
                ),
                (
                    "string-to-number",
                    json!(s.trim().parse::<f64>().unwrap_or(1.5)),
                ),
            ];
            if let Some(rest) = s.strip_prefix("https://") {
                v.push(("scheme-in-capitals", json!(format!("HTTPS://{rest}"))));
                v.push(("plain-http", json!(format!("http://{rest}"))));
            }
            v
        }
        Value::Number(n) => {
            let f = n.as_f64().unwrap_or(0.0);
            vec![
                ("number-to-string", json!(n.to_string())),
                ("whole-float", json!(f.trunc() + 0.0)),
                ("fraction", json!(f.trunc() + 0.5)),
                ("negative", json!(-(f.abs().max(1.0)))),
                ("zero", json!(0)),
                ("2^31", json!(2_147_483_648u64)),
                ("2^32+1", json!(4_294_967_297u64)),
                ("2^53+1", json!(9_007_199_254_740_993u64)),
                ("u64-max", json!(u64::MAX)),
                (
                    "raw-literal",
                    json!(format!("\u{0}RAW{}\u{0}", pick(rng, &RAW_NUMBERS))),
                ),
            ]
        }
        Value::Bool(b) => vec![
            ("boolean-to-string", json!(b.to_string())),
            ("boolean-to-integer", json!(u8::from(*b))),
            ("flipped", json!(!b)),
        ],
        Value::Array(items) => {
            let mut v = vec![("empty-array", json!([]))];
            if let Some(first) = items.first() {
                let mut twice = items.clone();
                twice.push(first.clone());
                v.push(("repeated-item", Value::Array(twice)));
                let mut odd = items.clone();
                odd.push(json!(7));
                v.push(("item-of-another-type", Value::Array(odd)));
            }
            v
        }
        Value::Object(_) | Value::Null => Vec::new(),
    };
    // Type-specific changes are the interesting ones: three times as likely as the generic ones.
    if !typed.is_empty() && !rng.next_u64().is_multiple_of(4) {
        pick(rng, &typed).clone()
    } else {
        pick(rng, &any).clone()
    }
}

/// A key near `key`: one letter dropped or doubled, or an underscore for a dash (or the reverse).
fn near_key(rng: &mut Rng, key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    if chars.len() < 2 {
        return format!("{key}_x");
    }
    let i = usize::try_from(rng.next_u64() % chars.len() as u64).expect("index");
    match rng.next_u64() % 3 {
        0 => chars
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, c)| c)
            .collect(),
        1 => chars
            .iter()
            .enumerate()
            .flat_map(|(j, c)| if j == i { vec![*c, *c] } else { vec![*c] })
            .collect(),
        _ => key.replace('_', "-").to_uppercase(),
    }
}

/// A (key, value) pair that some sample holds in an object under the same key: how a mutant gets a field its
/// sample lacks (an autoscaling block, a probe, a storage list).
fn donor_member(rng: &mut Rng, donors: &BTreeMap<String, Vec<Value>>) -> Option<(String, Value)> {
    let keys: Vec<&String> = donors.keys().collect();
    if keys.is_empty() {
        return None;
    }
    let key = (*pick(rng, &keys)).clone();
    let value = pick(rng, &donors[&key]).clone();
    Some((key, value))
}

fn mutate(
    rng: &mut Rng,
    sample: &Value,
    donors: &BTreeMap<String, Vec<Value>>,
) -> Option<(String, &'static str, Value)> {
    let mut all = Vec::new();
    paths(sample, "", &mut all);
    let mut objects: Vec<String> = vec![String::new()];
    objects.extend(
        all.iter()
            .filter(|p| sample.pointer(p).is_some_and(Value::is_object))
            .cloned(),
    );
    let mut doc = sample.clone();
    match rng.next_u64() % 8 {
        // Add a member to an object: a misspelling of one of its keys, or a field another sample has.
        0 | 1 => {
            let at = pick(rng, &objects).clone();
            let target = doc.pointer_mut(&at)?.as_object_mut()?;
            let (key, value, operator) = if rng.next_u64().is_multiple_of(2) && !target.is_empty() {
                let keys: Vec<String> = target.keys().cloned().collect();
                let key = pick(rng, &keys).clone();
                let value = target[&key].clone();
                (near_key(rng, &key), value, "misspelled-key")
            } else {
                let (key, value) = donor_member(rng, donors)?;
                (key, value, "member-from-another-sample")
            };
            if target.contains_key(&key) {
                return None;
            }
            target.insert(key.clone(), value);
            let escaped = key.replace('~', "~0").replace('/', "~1");
            Some((format!("{at}/{escaped}"), operator, doc))
        }
        // Remove a member.
        2 => {
            let at = pick(rng, &all).clone();
            let (parent, key) = at.rsplit_once('/')?;
            let target = doc.pointer_mut(parent)?.as_object_mut()?;
            target.remove(&key.replace("~1", "/").replace("~0", "~"))?;
            Some((at, "removed", doc))
        }
        // Change a value.
        _ => {
            let at = pick(rng, &all).clone();
            let (operator, value) = replacement(rng, doc.pointer(&at)?);
            *doc.pointer_mut(&at)? = value;
            Some((at, operator, doc))
        }
    }
}

/// Every object member of every sample, by key, for [`donor_member`].
fn donors(samples: &[(String, Value)]) -> BTreeMap<String, Vec<Value>> {
    fn walk(value: &Value, out: &mut BTreeMap<String, Vec<Value>>) {
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    let list = out.entry(key.clone()).or_default();
                    if !list.contains(child) && list.len() < 8 {
                        list.push(child.clone());
                    }
                    walk(child, out);
                }
            }
            Value::Array(items) => items.iter().for_each(|i| walk(i, out)),
            _ => {}
        }
    }
    let mut out = BTreeMap::new();
    for (_, sample) in samples {
        walk(sample, &mut out);
    }
    out
}

fn mutants(samples: &[(String, Value)], seed: u64, count: usize) -> Vec<Mutant> {
    let donors = donors(samples);
    let mut rng = Rng::new(seed);
    let mut out = Vec::with_capacity(count);
    let mut seen = BTreeSet::new();
    let mut attempts = 0;
    while out.len() < count && attempts < count * 20 {
        attempts += 1;
        let sample = usize::try_from(rng.next_u64() % samples.len() as u64).expect("index");
        let Some((path, operator, doc)) = mutate(&mut rng, &samples[sample].1, &donors) else {
            continue;
        };
        let mut text = serde_json::to_string(&doc).expect("json");
        // Splice raw literals: "\u0000RAW<literal>\u0000" as JSON is "\"\\u0000RAW…\\u0000\"".
        while let Some(start) = text.find("\"\\u0000RAW") {
            let Some(end) = text[start..].find("\\u0000\"") else {
                break;
            };
            let literal = text[start + 10..start + end].to_owned();
            text.replace_range(start..start + end + 7, &literal);
        }
        if seen.insert(text.clone()) {
            out.push(Mutant {
                sample,
                path,
                operator,
                text,
            });
        }
    }
    out
}

// -----------------------------------------------------------------------------------------------------------------
// Judges
// -----------------------------------------------------------------------------------------------------------------

/// Upstream's verdict on each document: the schema's errors, empty when it accepts.
fn upstream(python: &Path, documents: &[&str]) -> Vec<Vec<Value>> {
    let mut child = Command::new(python)
        .arg(workspace().join("tests/agreement/judge.py"))
        .arg(reference().join("blueprint_json_schema.json"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run the judge");
    let mut stdin = child.stdin.take().expect("stdin");
    let input: String = documents.iter().map(|d| format!("{d}\n")).collect();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let stdout = child.stdout.take().expect("stdout");
    let verdicts: Vec<Vec<Value>> = BufReader::new(stdout)
        .lines()
        .map(|line| serde_json::from_str(&line.expect("a verdict")).expect("JSON"))
        .collect();
    writer.join().expect("writer").expect("write documents");
    assert!(child.wait().expect("judge").success(), "the judge failed");
    assert_eq!(verdicts.len(), documents.len(), "one verdict per document");
    verdicts
}

fn corrino(text: &str) -> Vec<Diagnostic> {
    plan_bytes(text.as_bytes(), &PlanOptions::default())
        .diagnostics
        .iter()
        .cloned()
        .collect()
}

/// `a` and `b` are the same place, or one holds the other.
fn related(a: &str, b: &str) -> bool {
    a == b
        || a.starts_with(&format!("{b}/"))
        || b.starts_with(&format!("{a}/"))
        || a.is_empty()
        || b.is_empty()
}

/// A rule of the table in docs/diagnostics.md: a code, and where (a pointer with `*` for any run of characters).
struct Rule {
    code: String,
    place: String,
}

fn glob(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, tail)) => {
            text.starts_with(head)
                && (0..=text.len() - head.len()).any(|i| {
                    text.is_char_boundary(head.len() + i) && glob(tail, &text[head.len() + i..])
                })
        }
    }
}

/// The table "Where corrino is stricter than upstream's schema" of docs/diagnostics.md.
fn stricter_rules() -> Vec<Rule> {
    let docs = std::fs::read_to_string(workspace().join("docs/diagnostics.md")).expect("docs");
    let section = docs
        .split("## Where corrino is stricter than upstream's schema")
        .nth(1)
        .expect("docs/diagnostics.md has the section of stricter rules");
    let section = section.split("\n## ").next().unwrap_or(section);
    let mut rules = Vec::new();
    for line in section.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let (Some(code), Some(places), Some(why)) = (cells.get(1), cells.get(2), cells.get(3))
        else {
            panic!("a row of code, where and why: {line}");
        };
        let code = code.trim_matches('`');
        assert!(
            Code::from_name(code).is_some(),
            "the table of stricter rules names `{code}`, which is not a diagnostic code"
        );
        assert!(why.len() > 10, "the rule for `{code}` needs its reason");
        // `where` holds one or more pointers in backquotes, separated by commas.
        for place in places.split(',').map(|p| p.trim().trim_matches('`')) {
            rules.push(Rule {
                code: code.to_owned(),
                place: place.to_owned(),
            });
        }
    }
    assert!(!rules.is_empty(), "the table of stricter rules is empty");
    rules
}

#[test]
fn mutants_of_upstream_samples_are_refused_as_upstream_refuses_them() {
    let Some(samples) = samples() else { return };
    let Some(python) = python() else { return };
    let seed = std::env::var("CORRINO_AGREEMENT_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let count = std::env::var("CORRINO_AGREEMENT_MUTANTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3000);
    let rules = stricter_rules();

    // The samples themselves: upstream accepts every one.
    let texts: Vec<String> = samples
        .iter()
        .map(|(_, v)| serde_json::to_string(v).expect("json"))
        .collect();
    let verdicts = upstream(
        &python,
        &texts.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    for ((name, _), verdict) in samples.iter().zip(&verdicts) {
        assert!(
            verdict.is_empty(),
            "upstream's schema refuses its own sample {name}: {verdict:?}"
        );
    }
    let base: Vec<BTreeSet<(String, String, Severity)>> = texts
        .iter()
        .map(|t| {
            corrino(t)
                .into_iter()
                .map(|d| (d.path, d.code.as_str().to_owned(), d.severity))
                .collect()
        })
        .collect();

    let mutants = mutants(&samples, seed, count);
    let verdicts = upstream(
        &python,
        &mutants.iter().map(|m| m.text.as_str()).collect::<Vec<_>>(),
    );
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut by_rule: BTreeMap<String, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    for (mutant, verdict) in mutants.iter().zip(&verdicts) {
        let new: Vec<Diagnostic> = corrino(&mutant.text)
            .into_iter()
            .filter(|d| {
                !base[mutant.sample].contains(&(
                    d.path.clone(),
                    d.code.as_str().to_owned(),
                    d.severity,
                ))
            })
            .collect();
        let errors: Vec<&Diagnostic> = new
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        let describe = || {
            format!(
                "{} at {} of {}",
                mutant.operator, mutant.path, samples[mutant.sample].0
            )
        };
        if verdict.is_empty() {
            if errors.is_empty() {
                *counts.entry("both accept").or_default() += 1;
                continue;
            }
            let mut listed = true;
            for d in errors {
                match rules
                    .iter()
                    .find(|r| r.code == d.code.as_str() && glob(&r.place, &d.path))
                {
                    Some(rule) => {
                        *by_rule
                            .entry(format!("`{}` at `{}`", rule.code, rule.place))
                            .or_default() += 1
                    }
                    None => listed = false,
                }
                if !listed {
                    failures.push(format!(
                        "upstream accepts but corrino refuses, by no listed rule: {}: {}[{}] {}: {}",
                        describe(),
                        d.severity,
                        d.code,
                        d.path,
                        d.message
                    ));
                    break;
                }
            }
            if listed {
                *counts
                    .entry("upstream accepts, corrino refuses by a listed rule")
                    .or_default() += 1;
            }
        } else {
            // corrino refuses it too (for whatever reason: the author cannot deploy it either way), or accepts it
            // with a warning at the mutated field that says upstream's server refuses it.
            let warned = new.iter().any(|d| {
                d.severity == Severity::Warning
                    && related(&d.path, &mutant.path)
                    && d.message.contains("upstream's server refuses")
            });
            if !errors.is_empty() {
                *counts.entry("both refuse").or_default() += 1;
            } else if warned {
                *counts
                    .entry("upstream refuses, corrino warns that the server refuses it")
                    .or_default() += 1;
            } else {
                failures.push(format!(
                    "upstream refuses, corrino accepts without saying the server refuses it: {}: upstream: {}; corrino: {}",
                    describe(),
                    verdict
                        .iter()
                        .map(|e| format!("{} {}", e["path"].as_str().unwrap_or(""), e["message"].as_str().unwrap_or("")))
                        .collect::<Vec<_>>()
                        .join("; "),
                    new.iter()
                        .map(|d| format!("{}[{}] {}", d.severity, d.code, d.path))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        }
    }
    eprintln!(
        "upstream agreement: {} mutants of {} samples (seed {seed})",
        mutants.len(),
        samples.len()
    );
    for (what, n) in &counts {
        eprintln!("  {n:5}  {what}");
    }
    for (rule, n) in &by_rule {
        eprintln!("  {n:5}    refused by {rule}");
    }
    failures.sort();
    failures.dedup();
    assert!(
        failures.is_empty(),
        "{} disagreements with upstream's schema:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn globs_match_pointers() {
    assert!(glob("/recipe_node_shape", "/recipe_node_shape"));
    assert!(glob(
        "*/recipe_image_uri",
        "/deployment_group/deployments/0/recipe/recipe_image_uri"
    ));
    assert!(glob(
        "/input_object_storage/*/par",
        "/input_object_storage/12/par"
    ));
    assert!(!glob(
        "/input_object_storage/*/par",
        "/input_object_storage/1/bucket_name"
    ));
    assert!(glob("*", ""));
}
