//! The command line: arguments, files, exit codes.
//!
//! Everything that touches the process lives here: parsing arguments with
//! clap, reading files, choosing colour, writing stdout and stderr, and
//! turning the outcome into an exit code. The library never exits and
//! never prints. A panic that escapes is caught and reported as an
//! internal error with exit code 3, without a backtrace unless
//! `RUST_BACKTRACE` is set.

pub mod alloc;
mod args;
mod author;
mod discover;
mod editor;
mod estate;
mod fmt;
mod generate;
mod progress;
mod run;
mod test;

use std::process::ExitCode;

use clap::Parser as _;

/// What the process tells its caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    /// No must/shall clause breached (and, with `--strict`, nothing else).
    Compliant = 0,
    /// A must/shall clause breached (with `--strict`, also contested
    /// clauses, should breaches and warnings).
    Breached = 1,
    /// Unreadable or invalid input, or a usage error.
    Input = 2,
    /// A bug in proviso.
    Internal = 3,
}

impl std::process::Termination for Exit {
    fn report(self) -> ExitCode {
        ExitCode::from(self as u8)
    }
}

/// Runs the command line and returns the exit code.
pub fn main() -> ExitCode {
    let quiet_panics = std::env::var_os("RUST_BACKTRACE").is_none();
    if quiet_panics {
        std::panic::set_hook(Box::new(|info| {
            let place = info
                .location()
                .map(|l| format!(" at {}:{}", l.file(), l.line()))
                .unwrap_or_default();
            eprintln!(
                "error: internal error in proviso{place}; this is a bug, please report it with the input that caused it"
            );
        }));
    }
    let args = match args::Cli::try_parse() {
        Ok(a) => a,
        Err(e) => {
            let code = if e.use_stderr() {
                Exit::Input
            } else {
                Exit::Compliant
            };
            let _ = e.print();
            return ExitCode::from(code as u8);
        }
    };
    let exit = std::panic::catch_unwind(|| {
        // The one way to reach the internal-error path on purpose, so that
        // its exit code and message are tested like any other.
        if std::env::var_os("PROVISO_TEST_INTERNAL_ERROR").is_some() {
            panic!("internal error requested by PROVISO_TEST_INTERNAL_ERROR");
        }
        run::run(args)
    })
    .unwrap_or(Exit::Internal);
    ExitCode::from(exit as u8)
}
