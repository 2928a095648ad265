//! Shell completions and the man page, generated from the clap
//! definitions so that they never drift from the real flags.

use std::io::Write as _;

use clap::CommandFactory as _;

use super::Exit;
use super::args::Cli;

/// Prints the completion script for `shell`.
pub fn completions(shell: clap_complete::Shell) -> Exit {
    let mut cmd = Cli::command();
    let mut out = std::io::stdout();
    clap_complete::generate(shell, &mut cmd, "proviso", &mut out);
    let _ = out.flush();
    Exit::Compliant
}

/// Prints the man page as roff.
pub fn man() -> Exit {
    let mut page = Vec::new();
    match clap_mangen::Man::new(Cli::command()).render(&mut page) {
        Ok(()) => {
            let mut out = std::io::stdout();
            let _ = out.write_all(&page);
            let _ = out.flush();
            Exit::Compliant
        }
        Err(e) => {
            eprintln!(
                "error: cannot render the man page: {}",
                e.to_string().to_lowercase()
            );
            Exit::Internal
        }
    }
}
