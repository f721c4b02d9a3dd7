//! What corrino's YAML writer emits reads back as the same JSON value in the YAML readers people use: PyYAML (YAML
//! 1.1: yes/no/on/off, sexagesimal `1:20`, old octal, `1_000`, timestamps, `=`, `<<`) and js-yaml (its default
//! schema: YAML 1.2's core schema with timestamps and merge keys). One document holds every string made of up to
//! three pieces that a reader might take for something else, each also as a key, strings that need escapes, a key
//! longer than a reader takes for an implicit key, and floats at the edges; it is written once as YAML by corrino and
//! once as JSON by serde_json, and each reader loads the YAML and compares it with the JSON, types included.
//!
//! Needs python3 with PyYAML (in `.venv` or the system's) and Node.js with `npm ci --prefix tests/schema` (the test
//! script installs all three). Without them the test says so and passes, unless `CORRINO_REQUIRE_YAML_READERS=1` is
//! set, as it is in CI.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Map, Value, json};

use corrino_test_support as support;
use support::workspace;

const PIECES: &[&str] = &[
    "0",
    "1",
    "7",
    "59",
    "2001",
    "-",
    "+",
    ".",
    "_",
    ":",
    "e",
    "x",
    "o",
    "b",
    "T",
    "Z",
    " ",
    "inf",
    "NaN",
    "y",
    "n",
    "on",
    "Off",
    "yes",
    "NO",
    "true",
    "~",
    "null",
    "=",
    "<<",
    "0x",
    "0o",
    "1:20",
    "2001-12-14",
    "21:59:43",
    "#",
    "é",
];

/// The strings of the document: pieces alone, in pairs, and a spread of triples.
fn strings() -> Vec<String> {
    let mut out: Vec<String> = PIECES.iter().map(|p| (*p).to_owned()).collect();
    for a in PIECES {
        for b in PIECES {
            out.push(format!("{a}{b}"));
        }
    }
    let n = PIECES.len();
    for i in (0..n * n * n).step_by(7) {
        out.push(format!(
            "{}{}{}",
            PIECES[i / (n * n)],
            PIECES[(i / n) % n],
            PIECES[i % n]
        ));
    }
    out.extend(
        [
            "2001-12-14t21:59:43.10-05:00",
            "2001-12-14 21:59:43.10 -5",
            "2002-1-1",
            "1_000",
            "0o17",
            "017",
            "0b1010",
            "190:20:30",
            "+.INF",
            "-.inf",
            ".Nan",
            "1e3",
            "tab\there",
            "line\nbreak",
            "nel\u{85}next",
            "separator\u{2028}x",
            "bom\u{feff}",
            "del\u{7f}",
            "esc\u{1b}[2J",
            "\"quoted\"",
            "'single'",
            "- dash",
            "key: value",
            "a #comment",
            "trailing ",
            " leading",
            "*alias",
            "&anchor",
            "!tag",
            "%directive",
            "@at",
            "`tick",
            "|literal",
            ">folded",
            "?question",
            "[flow]",
            "{flow}",
        ]
        .map(str::to_owned),
    );
    out
}

fn document() -> Value {
    let strings = strings();
    let keys: Map<String, Value> = strings
        .iter()
        .map(|s| (s.clone(), Value::from(s.clone())))
        .collect();
    let floats = [
        1e300,
        5e-324,
        -1.5e-7,
        1e16,
        0.1,
        1.0,
        -0.0,
        2.5e-5,
        123_456_789.125,
        f64::MAX,
        f64::MIN_POSITIVE,
    ];
    json!({
        "strings": strings,
        "keys": keys,
        "floats": floats,
        "integers": [0, -1, 9_007_199_254_740_993_i64, i64::MIN, u64::MAX],
        "k".repeat(1100): {"long key": true},
    })
}

/// A python that has PyYAML: the project's `.venv` first, then the system's.
fn python() -> Option<PathBuf> {
    [
        workspace().join(".venv/bin/python"),
        PathBuf::from("python3"),
    ]
    .into_iter()
    .find(|p| {
        Command::new(p)
            .args(["-c", "import yaml"])
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

fn required() -> bool {
    std::env::var_os("CORRINO_REQUIRE_YAML_READERS").is_some()
}

const PYYAML: &str = r#"
import json, sys, yaml
# The C parser where PyYAML has it; the resolvers and constructors are PyYAML's own either way.
loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
with open(sys.argv[1], encoding="utf-8") as f:
    loaded = yaml.load(f, Loader=loader)
with open(sys.argv[2], encoding="utf-8") as f:
    expected = json.load(f)
differences = []
def compare(a, b, path):
    if type(a) is not type(b) and not (type(a) in (int, float) and type(b) in (int, float) and a == b):
        differences.append(f"{path}: {b!r} read as the {type(a).__name__} {a!r}")
    elif isinstance(a, list):
        if len(a) != len(b):
            differences.append(f"{path}: {len(a)} items, not {len(b)}")
        for i, (x, y) in enumerate(zip(a, b)):
            compare(x, y, f"{path}/{i}")
    elif isinstance(a, dict):
        for key in a.keys() - b.keys():
            differences.append(f"{path}: the key {key!r} is not written")
        for key in b.keys() - a.keys():
            differences.append(f"{path}: the key {key!r} is lost")
        for key in a.keys() & b.keys():
            compare(a[key], b[key], f"{path}/{key}")
    elif a != b:
        differences.append(f"{path}: {b!r} read as {a!r}")
for d in differences[:50]:
    print(d)
print("PyYAML", yaml.__version__, "reads every value as written" if not differences else f"differs in {len(differences)} values")
sys.exit(1 if differences else 0)
"#;

fn check(name: &str, output: std::io::Result<std::process::Output>) {
    let output = output.unwrap_or_else(|e| panic!("{name} could not run: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    eprintln!("{stdout}");
    assert!(
        output.status.success(),
        "{name} reads corrino's YAML differently:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn write(dir: &Path) -> (PathBuf, PathBuf) {
    let value = document();
    let yaml = dir.join("written.yaml");
    let json = dir.join("expected.json");
    std::fs::write(&yaml, corrino_core::yaml::to_string(&value).expect("yaml")).expect("write");
    std::fs::write(&json, serde_json::to_string(&value).expect("json")).expect("write");
    (yaml, json)
}

#[test]
fn pyyaml_reads_what_corrino_writes() {
    let Some(python) = python() else {
        assert!(
            !required(),
            "python3 with PyYAML is required (CORRINO_REQUIRE_YAML_READERS)"
        );
        eprintln!("skipped: no python3 with PyYAML (pip install pyyaml)");
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let (yaml, json) = write(dir.path());
    check(
        "PyYAML",
        Command::new(python)
            .args(["-c", PYYAML])
            .arg(&yaml)
            .arg(&json)
            .output(),
    );
}

#[test]
fn js_yaml_reads_what_corrino_writes() {
    if !support::schema_package_ready("js-yaml") {
        assert!(
            !required(),
            "npm ci --prefix tests/schema is required (CORRINO_REQUIRE_YAML_READERS)"
        );
        eprintln!("skipped: js-yaml is not installed (npm ci --prefix tests/schema)");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let (yaml, json) = write(dir.path());
    check(
        "js-yaml",
        Command::new("node")
            .arg(workspace().join("tests/schema/yaml-readers.mjs"))
            .arg(&yaml)
            .arg(&json)
            .output(),
    );
}
