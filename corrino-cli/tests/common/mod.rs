//! What the CLI tests share: running the `corrino` binary (what every crate's tests share is
//! `corrino_test_support`).

use std::path::Path;
use std::process::Command;

use corrino_test_support::workspace;

/// Runs `corrino` in the workspace root without colours, with extra environment variables; returns the exit code,
/// standard output and standard error.
pub fn run(args: &[&str], env: &[(&str, &Path)]) -> (i32, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_corrino"));
    command
        .args(args)
        .current_dir(workspace())
        .env("NO_COLOR", "1");
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command.output().expect("run corrino");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}
