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

/// Prints a man page as roff: `proviso(1)`, or with a subcommand's name
/// `proviso-NAME(1)`, which the main page refers to; with `dir`, writes
/// every page there as `proviso.1`, `proviso-check.1`, ...
pub fn man(page: Option<&str>, dir: Option<&std::path::Path>) -> Exit {
    let main = Cli::command();
    let pages: Vec<clap::Command> = match (page, dir) {
        (_, Some(_)) => std::iter::once(main.clone())
            .chain(main.get_subcommands().map(sub_page))
            .collect(),
        (None, None) => vec![main],
        (Some(name), None) => match main.find_subcommand(name) {
            Some(sub) => vec![sub_page(sub)],
            None => {
                let names: Vec<&str> = main.get_subcommands().map(|c| c.get_name()).collect();
                eprintln!(
                    "error: there is no page `{}`; the pages are {}",
                    proviso::escape::display(name),
                    names.join(", ")
                );
                return Exit::Input;
            }
        },
    };
    for cmd in pages {
        let mut roff = Vec::new();
        if let Err(e) = clap_mangen::Man::new(cmd.clone()).render(&mut roff) {
            eprintln!(
                "error: cannot render the man page: {}",
                e.to_string().to_lowercase()
            );
            return Exit::Internal;
        }
        match dir {
            Some(dir) => {
                let path = dir.join(format!("{}.1", cmd.get_name()));
                if let Err(e) = std::fs::write(&path, &roff) {
                    eprintln!(
                        "error: cannot write `{}`: {}",
                        path.display(),
                        e.to_string().to_lowercase()
                    );
                    return Exit::Input;
                }
            }
            None => {
                let mut out = std::io::stdout();
                let _ = out.write_all(&roff);
                let _ = out.flush();
            }
        }
    }
    Exit::Compliant
}

/// A subcommand as its own page, `proviso-NAME`.
fn sub_page(sub: &clap::Command) -> clap::Command {
    let name: &'static str = match sub.get_name() {
        "check" => "proviso-check",
        "test" => "proviso-test",
        "explain" => "proviso-explain",
        "fmt" => "proviso-fmt",
        "graph" => "proviso-graph",
        "completions" => "proviso-completions",
        "man" => "proviso-man",
        _ => "proviso-subcommand",
    };
    sub.clone().name(name).bin_name(name.replacen('-', " ", 1))
}
