//! Shared helpers: running the binary, checking a clause in one line.

use std::path::Path;
use std::process::Command;

/// The day every test judges clauses at.
pub const AS_OF: &str = "2026-11-26";

/// Runs `proviso` from the repository root with `NO_COLOR`, and returns
/// the exit code, stdout and stderr in one text for a snapshot.
pub fn run(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_proviso"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("the proviso binary runs");
    format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        out.status
            .code()
            .map_or("signal".to_string(), |c| c.to_string()),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The exit code of `proviso` with these arguments.
pub fn exit_code(args: &[&str]) -> i32 {
    Command::new(env!("CARGO_BIN_EXE_proviso"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
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
