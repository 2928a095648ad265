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
}

/// `proviso check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Topology files (YAML, or JSON with the same schema if named `*.json`).
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

    /// Also fail (exit 1) on contested clauses, should breaches and warnings.
    #[arg(long)]
    pub strict: bool,

    /// Largest input file accepted, such as 512MiB or 2GiB.
    #[arg(long, value_name = "SIZE", default_value = "1GiB", value_parser = proviso::input::parse_size)]
    pub max_input_size: u64,

    /// Print how long each phase took (read, agreement, load, index, each clause) on stderr.
    #[arg(long)]
    pub timings: bool,

    /// Stop after reading and loading the files: report input errors only, check no clause.
    #[arg(long)]
    pub load_only: bool,
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people, in a terminal.
    Human,
    /// The stable JSON report.
    Json,
}

fn parse_date(text: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| format!("`{text}` is not a date such as 2026-01-31"))
}
