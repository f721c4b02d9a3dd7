//! What the CLI writes is exact and whole: machine output on standard output is the same bytes as the files of
//! `--out` (control characters included), it is written in a few large writes, and `--out` replaces every file or
//! none.

mod common;
use corrino_test_support as support;

use std::path::{Path, PathBuf};
use std::process::Command;

const EXAMPLE: &str = "fixtures/recipes/autoscaling-example.json";

/// A fresh directory under the system's temporary directory, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("corrino-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("mkdir");
        Scratch(dir)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    fn text(&self, name: &str) -> String {
        self.path(name).to_str().expect("utf8").to_owned()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The example recipe with an environment value holding DEL (0x7f) and an escape character.
fn recipe_with_control_characters(dir: &Scratch) -> String {
    let text = std::fs::read_to_string(support::workspace().join(EXAMPLE)).expect("example");
    let mut recipe: serde_json::Value = serde_json::from_str(&text).expect("json");
    recipe["recipe_container_env"] =
        serde_json::json!([{"key": "MARKER", "value": "a\u{7f}b\u{1b}[31mc"}]);
    let path = dir.path("recipe.json");
    std::fs::write(&path, serde_json::to_vec(&recipe).expect("json")).expect("write");
    path.to_str().expect("utf8").to_owned()
}

fn stdout_bytes(args: &[&str]) -> Vec<u8> {
    let output = Command::new(env!("CARGO_BIN_EXE_corrino"))
        .args(args)
        .current_dir(support::workspace())
        .env("NO_COLOR", "1")
        .output()
        .expect("run corrino");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

#[test]
fn standard_output_is_the_same_bytes_as_the_files_of_out() {
    let dir = Scratch::new("exact");
    let recipe = recipe_with_control_characters(&dir);
    for (format, file) in [("json", "manifests.json"), ("yaml", "manifests.yaml")] {
        let printed = stdout_bytes(&["render", &recipe, "--format", format]);
        let out = dir.text(format);
        stdout_bytes(&["render", &recipe, "--format", format, "--out", &out]);
        let written = std::fs::read(Path::new(&out).join(file)).expect("written");
        assert!(
            printed == written,
            "{format}: standard output differs from {file}"
        );
        // JSON escapes the escape character and keeps DEL as it is (JSON does not escape it); YAML quotes both.
        let text = String::from_utf8(printed).expect("utf8");
        match format {
            "json" => assert!(text.contains("a\u{7f}b\\u001b[31mc"), "{text}"),
            _ => assert!(text.contains("MARKER"), "{text}"),
        }
    }
    let parsed: serde_json::Value =
        serde_json::from_slice(&stdout_bytes(&["render", &recipe, "--format", "json"]))
            .expect("json");
    let env = parsed["items"][0]["spec"]["template"]["spec"]["containers"][0]["env"].clone();
    assert!(
        env.as_array()
            .expect("env")
            .iter()
            .any(|e| e["value"] == "a\u{7f}b\u{1b}[31mc"),
        "{env}"
    );
}

#[test]
fn out_replaces_every_file_or_none() {
    let dir = Scratch::new("atomic");
    let out = dir.path("out");
    std::fs::create_dir_all(&out).expect("mkdir");
    std::fs::write(out.join("manifests.yaml"), "old\n").expect("write");
    // The node pool document cannot be written: a directory holds its name.
    std::fs::create_dir_all(out.join("node-pool.json")).expect("mkdir");
    let (code, _, stderr) = common::run(
        &["render", EXAMPLE, "--out", out.to_str().expect("utf8")],
        &[],
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("node-pool.json"), "{stderr}");
    assert!(
        std::fs::read_to_string(out.join("manifests.yaml")).expect("kept") == "old\n",
        "manifests.yaml was replaced although another file could not be written"
    );
    assert!(!out.join("cluster-autoscaler-addon.json").exists());
    let left: Vec<_> = std::fs::read_dir(&out)
        .expect("dir")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(left.len(), 2, "temporary files left behind: {left:?}");
    // Once it can, it writes them all, with the usual permissions.
    std::fs::remove_dir(out.join("node-pool.json")).expect("rmdir");
    let (code, _, stderr) = common::run(
        &["render", EXAMPLE, "--out", out.to_str().expect("utf8")],
        &[],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(
        std::fs::read_to_string(out.join("manifests.yaml"))
            .expect("yaml")
            .contains("kind: ScaledObject")
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(out.join("node-pool.json"))
            .expect("pool")
            .permissions()
            .mode();
        assert_ne!(
            mode & 0o044,
            0,
            "readable by others as fs::write makes it: {mode:o}"
        );
    }
}

/// Standard output is buffered: a day's simulation as JSON (megabytes) used to take one `write(2)` per token
/// of JSON, about 110 000 of them. Counted with strace where it is installed.
#[test]
fn a_day_of_json_is_a_few_writes() {
    let strace = Path::new("/usr/bin/strace");
    if !strace.exists() {
        eprintln!("strace is not installed: the write count is not checked");
        return;
    }
    let dir = Scratch::new("writes");
    let log = dir.path("strace.log");
    let status = Command::new(strace)
        .args(["-f", "-e", "trace=write", "-o"])
        .arg(&log)
        .arg(env!("CARGO_BIN_EXE_corrino"))
        .args(["simulate", EXAMPLE, "--format", "json", "--duration", "1d"])
        .current_dir(support::workspace())
        .stdout(std::process::Stdio::null())
        .status()
        .expect("strace");
    if !status.success() {
        eprintln!("strace cannot trace here: the write count is not checked");
        return;
    }
    let trace = std::fs::read_to_string(&log).expect("log");
    let writes = trace.lines().filter(|l| l.contains("write(1,")).count();
    assert!(
        (1..=16).contains(&writes),
        "{writes} writes to standard output"
    );
}
