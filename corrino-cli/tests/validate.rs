//! `corrino validate` on every broken recipe of `fixtures/invalid/` prints what the golden file
//! `fixtures/invalid/<name>.expected` holds. Regenerate with `UPDATE_GOLDEN=1 cargo test` and review the diff.

use std::path::PathBuf;
use std::process::Command;

mod common;
use corrino_test_support::{golden, workspace};

fn corrino(args: &[&str]) -> (i32, String, String) {
    common::run(args, &[])
}

#[test]
fn broken_recipes_print_their_golden_diagnostics() {
    let dir = workspace().join("fixtures/invalid");
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixtures/invalid")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json" || e == "yaml"))
        // Beside each recipe, its golden diagnostics as data (`<name>.diagnostics.json`).
        .filter(|p| !p.to_str().is_some_and(|p| p.ends_with(".diagnostics.json")))
        .collect();
    inputs.sort();
    assert!(inputs.len() >= 30);
    for input in inputs {
        let name = input.file_name().and_then(|n| n.to_str()).expect("name");
        let relative = format!("fixtures/invalid/{name}");
        let (code, stdout, stderr) = corrino(&["validate", &relative]);
        assert!(stderr.is_empty(), "{name}: {stderr}");
        let errors = stdout.lines().any(|l| l.starts_with("error["));
        assert_eq!(
            code,
            i32::from(errors),
            "{name}: exit code follows the errors"
        );
        let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
        golden(&dir.join(format!("{stem}.expected")), &stdout);
    }
}

#[test]
fn valid_recipe_exits_zero() {
    let (code, stdout, _) = corrino(&["validate", "fixtures/recipes/autoscaling-example.json"]);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("is a valid recipe"));
}

#[test]
fn json_format_is_machine_readable() {
    let (code, stdout, _) = corrino(&[
        "validate",
        "--format",
        "json",
        "fixtures/invalid/too-many-gpus.json",
    ]);
    assert_eq!(code, 1);
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(report["valid"], false);
    let codes: Vec<&str> = report["diagnostics"]
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert!(codes.contains(&"too-many-gpus"), "{codes:?}");
}

#[test]
fn reads_standard_input() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_corrino"))
        .args(["validate", "-"])
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin");
        stdin.write_all(b"[]").expect("write");
    }
    let output = child.wait_with_output().expect("wait");
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stdout).contains("error[not-an-object]"));
}

#[test]
fn a_missing_file_is_a_usage_error() {
    let (code, _, stderr) = corrino(&["validate", "fixtures/no-such-recipe.json"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("cannot read"), "{stderr}");
}

#[test]
fn oversized_input_is_refused_without_reading_it_all() {
    let dir = std::env::temp_dir().join(format!("corrino-big-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("mkdir");
    let big = dir.join("big.json");
    let mut text = String::from("{\"deployment_name\": \"");
    text.push_str(&"x".repeat(3 * 1024 * 1024));
    text.push_str("\"}");
    std::fs::write(&big, text).expect("write");
    let (code, stdout, _) = corrino(&["validate", big.to_str().expect("utf8 path")]);
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(code, 1);
    assert!(stdout.contains("error[input-too-large]"), "{stdout}");
}
