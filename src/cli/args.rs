//! The command-line arguments, as clap derives them.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Checks cloud deployment topologies against the clauses of partner agreements.
#[derive(Debug, Parser)]
#[command(name = "proviso", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check topologies against their agreement and report each clause's verdict.
    ///
    /// Exit status: 0 when no must/shall clause is breached, 1 when one is
    /// (with --strict, also contested clauses, should breaches and
    /// warnings), 2 on invalid input or usage, 3 on an internal error.
    Check(CheckArgs),
    /// Print a shell completion script, generated from these definitions.
    ///
    /// For bash: `proviso completions bash > ~/.local/share/bash-completion/completions/proviso`.
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), generated from these definitions.
    ///
    /// Install it with `proviso man > ~/.local/share/man/man1/proviso.1`.
    Man,
}

/// `proviso check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Topology files, directories or globs.
    ///
    /// A file is always checked: YAML, JSON or a Markdown doc (its
    /// `proviso` blocks). A directory is searched recursively (hidden and
    /// git-ignored files skipped) for YAML and JSON files whose top level
    /// has `nodes`, and Markdown docs with a `proviso` block; a quoted glob
    /// such as `'docs/**/*.md'` picks files the same way.
    #[arg(required = true, value_name = "TOPOLOGY")]
    pub topologies: Vec<PathBuf>,

    /// The agreement to check against; overrides each topology's `agreement:` key.
    #[arg(long, value_name = "FILE")]
    pub agreement: Option<PathBuf>,

    /// Judge clauses as in force on this day (YYYY-MM-DD); default: today.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<chrono::NaiveDate>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Write the chosen format to FILE; the terminal (stdout) gets the human view.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Also fail (exit 1) on contested clauses, should breaches, warnings
    /// and expired or stale waivers.
    #[arg(long)]
    pub strict: bool,

    /// Waivers to apply; default: `proviso-waivers.yaml` beside each agreement, if present.
    #[arg(long, value_name = "FILE")]
    pub waivers: Option<PathBuf>,

    /// An earlier JSON report: only findings not in it fail the gate.
    #[arg(long, value_name = "REPORT.json")]
    pub baseline: Option<PathBuf>,

    /// Write this run's JSON report to FILE, for a later `--baseline`.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,

    /// Say on stderr which files a directory or glob search skipped, and why.
    #[arg(short, long)]
    pub verbose: bool,

    /// Largest input file accepted, such as 512MiB or 2GiB.
    #[arg(long, value_name = "SIZE", default_value = "1GiB", value_parser = proviso::input::parse_size)]
    pub max_input_size: u64,

    /// Print how long each phase took (read, agreement, load, index, each clause) on stderr.
    #[arg(long)]
    pub timings: bool,

    /// Stop after reading and loading the files: report input errors only, check no clause.
    #[arg(long)]
    pub load_only: bool,

    /// Most witnesses kept per clause and reading (0: all); every format
    /// says how many more there are.
    ///
    /// The witnesses kept are those of the first offending nodes in file
    /// order, so the choice is deterministic. The default, 10, is enough
    /// to act on and bounds the report: a witness path can be as long as
    /// the topology, so one clause on a chain of 2,000 nodes would
    /// otherwise report about 2 million hops (a 1.4 GB JSON report, a
    /// 2.2 GB SARIF run) and a hostile pull request could exhaust the CI
    /// runner. A clause with omitted witnesses is never accepted by
    /// waivers or a baseline, which cannot see them: raise the cap when
    /// you keep a baseline of a large estate.
    #[arg(long, value_name = "N", default_value_t = proviso::engine::DEFAULT_MAX_WITNESSES)]
    pub max_witnesses: usize,
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people, in a terminal.
    Human,
    /// The stable JSON report.
    Json,
    /// SARIF 2.1.0, for code scanning (GitHub, IDEs).
    Sarif,
    /// JUnit XML: a test suite per topology, a test case per clause.
    Junit,
    /// GitHub Actions annotations, plus a job summary in $GITHUB_STEP_SUMMARY.
    Github,
    /// A Markdown report for a pull-request comment, with Mermaid diagrams.
    Markdown,
}

impl From<Format> for proviso::report::Format {
    fn from(f: Format) -> Self {
        use proviso::report::Format as F;
        match f {
            Format::Human => F::Human,
            Format::Json => F::Json,
            Format::Sarif => F::Sarif,
            Format::Junit => F::Junit,
            Format::Github => F::Github,
            Format::Markdown => F::Markdown,
        }
    }
}

fn parse_date(text: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| format!("`{text}` is not a date such as 2026-01-31"))
}
