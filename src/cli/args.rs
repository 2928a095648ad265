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
    Check(Box<CheckArgs>),
    /// Print a shell completion script, generated from these definitions.
    ///
    /// For bash: `proviso completions bash > ~/.local/share/bash-completion/completions/proviso`.
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print a manual page (roff), generated from these definitions.
    ///
    /// `proviso man` prints proviso(1); `proviso man check` prints
    /// proviso-check(1), with every flag and the exit codes; `proviso man
    /// --dir ~/.local/share/man/man1` writes every page there.
    Man {
        /// The subcommand whose page to print (`check`, `completions`, `man`).
        page: Option<String>,
        /// Write every page into this directory instead.
        #[arg(long, value_name = "DIR", conflicts_with = "page")]
        dir: Option<PathBuf>,
    },
}

/// `proviso check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Topology files, directories or globs; default: `paths` in proviso.toml.
    ///
    /// A file is always checked: YAML, JSON or a Markdown doc (its
    /// `proviso` blocks). A directory is searched recursively (inside a git
    /// work tree: the files git lists) for YAML and JSON files whose top
    /// level has `nodes`, and Markdown docs with a `proviso` block; a file
    /// that looks like a topology but cannot be read is an error. A path
    /// with `*`, `?`, `[` or `{` is always a glob (quote it:
    /// `'docs/**/*.md'`).
    #[arg(value_name = "TOPOLOGY")]
    pub topologies: Vec<PathBuf>,

    /// The agreement to check against, for every topology. A topology's
    /// own `agreement:` key must then name the same file, or be absent.
    #[arg(long, value_name = "FILE")]
    pub agreement: Option<PathBuf>,

    /// The gate's configuration; default: `proviso.toml` in the working
    /// directory, if there is one.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// The repository root: an `agreement:` key of a topology must stay
    /// inside it. Default: the configuration's directory, else the git
    /// work tree's top, else the working directory.
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,

    /// Judge clauses as in force on this day (YYYY-MM-DD); default: today.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<chrono::NaiveDate>,

    /// Output format [default: human, or `format` in proviso.toml].
    #[arg(long, value_enum)]
    pub format: Option<Format>,

    /// Write a report to a file; stdout then gets the human view.
    ///
    /// `-o FILE` writes the `--format` chosen; `-o sarif=proviso.sarif`
    /// names the format itself, so one run can write several
    /// (`-o sarif=a.sarif -o junit=a.xml`); `-o -` means stdout.
    #[arg(long, short, value_name = "[FORMAT=]FILE")]
    pub output: Vec<String>,

    /// Judge only these clauses (repeatable; ids as in the agreement).
    #[arg(long = "clause", value_name = "ID")]
    pub clauses: Vec<String>,

    /// Judge every clause but these (repeatable).
    #[arg(long = "skip-clause", value_name = "ID")]
    pub skip_clauses: Vec<String>,

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

    /// Write this run's JSON report to FILE, for a later `--baseline`; the
    /// run then exits 0 once the file is written (the findings are
    /// recorded, not judged), or 2 on invalid input.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,

    /// Say on stderr which files a directory or glob search skipped, and why.
    #[arg(short, long)]
    pub verbose: bool,

    /// The format of the topology files; by default each file's content
    /// says (a Terraform plan by its `format_version` and `planned_values`).
    /// See docs/sources.md.
    #[arg(long, value_enum, value_name = "FORMAT", default_value = "auto")]
    pub input_format: InputFormat,

    /// A mapping profile (YAML) that maps imported sources' raw types and
    /// edge kinds to an agreement's words; repeatable, a later file wins on
    /// the same key (`--profile profiles/aws-ai.yaml --profile profiles/azure-ai.yaml`).
    #[arg(long, value_name = "FILE")]
    pub profile: Vec<PathBuf>,

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

/// Input formats, for `--input-format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputFormat {
    /// Each file's content and extension decide.
    Auto,
    /// proviso's own YAML or JSON graph (by the file's extension).
    Proviso,
    /// `terraform show -json` output.
    Terraform,
    /// A Mermaid flowchart (in Markdown: ```` ```mermaid proviso ```` blocks).
    Mermaid,
    /// A Structurizr workspace JSON.
    Structurizr,
    /// A Backstage catalog (`catalog-info.yaml`).
    Backstage,
}

impl InputFormat {
    /// The forced format for a file, or `None` to detect it.
    pub fn forced(self, path: &str) -> Option<proviso::topology::sources::Format> {
        use proviso::topology::load::Kind;
        use proviso::topology::sources::Format as F;
        match self {
            InputFormat::Auto => None,
            InputFormat::Proviso => Some(F::Proviso(Kind::of_path(path).unwrap_or(Kind::Yaml))),
            InputFormat::Terraform => Some(F::Terraform),
            InputFormat::Mermaid => Some(F::Mermaid),
            InputFormat::Structurizr => Some(F::Structurizr),
            InputFormat::Backstage => Some(F::Backstage),
        }
    }
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
    /// The compact verdict view: clause, verdict, binding, witness node ids (JSON, no locations).
    Verdicts,
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
            Format::Verdicts => F::Verdicts,
        }
    }
}

/// A day as `YYYY-MM-DD`, exactly: `2024-6-1` is refused rather than
/// guessed, as the agreement language refuses it.
fn parse_date(text: &str) -> Result<chrono::NaiveDate, String> {
    let shaped = text.len() == 10
        && text.char_indices().all(|(i, c)| {
            if i == 4 || i == 7 {
                c == '-'
            } else {
                c.is_ascii_digit()
            }
        });
    shaped
        .then(|| chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").ok())
        .flatten()
        .ok_or_else(|| format!("`{text}` is not a date written YYYY-MM-DD, such as 2026-01-31"))
}
