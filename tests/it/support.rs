//! Shared helpers: running the binary, checking a clause in one line.

use std::path::Path;
use std::process::Command;

/// The day every test judges clauses at.
pub const AS_OF: &str = "2026-11-26";

/// `proviso` as a developer runs it: from the repository root, without
/// colour, and outside CI (the suite itself runs under `CI=true`, where a
/// topology may not choose its agreement; tests of CI mode set it back).
pub fn proviso() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_proviso"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env_remove("RUST_BACKTRACE")
        .env_remove("CI")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_STEP_SUMMARY");
    cmd
}

/// The exit code, stdout and stderr of a finished run in one text.
pub fn outcome(out: &std::process::Output) -> String {
    format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        out.status
            .code()
            .map_or("signal".to_string(), |c| c.to_string()),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Runs `proviso` from the repository root with `NO_COLOR`, and returns
/// the exit code, stdout and stderr in one text for a snapshot.
pub fn run(args: &[&str]) -> String {
    let out = proviso()
        .args(args)
        .output()
        .expect("the proviso binary runs");
    outcome(&out)
}

/// The exit code of `proviso` with these arguments.
pub fn exit_code(args: &[&str]) -> i32 {
    proviso()
        .args(args)
        .output()
        .expect("the proviso binary runs")
        .status
        .code()
        .unwrap_or(-1)
}

/// A path relative to the repository root, with `/` separators.
pub fn relative(path: &Path) -> String {
    path.strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// A fresh directory under the system's temp dir, for this process.
pub fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("proviso-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temp dir can be made");
    dir
}
