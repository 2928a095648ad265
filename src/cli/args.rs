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
    /// Run test files: expected verdicts kept beside the agreement.
    ///
    /// Each `*.proviso-test.yaml` lists cases: a topology (a file, or one
    /// written inline), the day, and the expected verdict per clause
    /// (`"*"` for the rest), per reading, witnesses, warnings and exit
    /// code. A failure prints expected against actual, with the witness.
    /// A clause that holds only because one of its source or target sets
    /// is empty fails as vacuous, unless the case lists it under
    /// `vacuous`. See docs/authoring.md.
    ///
    /// Exit status: 0 when every case passes, 1 when one fails, 2 on
    /// invalid input (a located error).
    #[command(after_help = "Examples:
  proviso test                                  every *.proviso-test.yaml below .
  proviso test fixtures/tests --coverage        and which clauses no case saw hold or fail
  proviso test deal.proviso-test.yaml --update  rewrite the expectations from the results
  proviso test tests/ --format junit > test.xml")]
    Test(TestArgs),
    /// Explain one clause on one topology: its sets, its readings' kinds,
    /// and why it holds or fails.
    ///
    /// How the clause reads: S, T and W resolved (counts, first members,
    /// each definition's chain of refinements) and the edge kinds of each
    /// reading with the `counts as` line behind each. Why it fails: the
    /// witnesses, the violating edges and the remedy (the fewest edges to
    /// remove). Why a path clause holds: the fewest edges every path
    /// between its sets passes, and the waypoints on them. Exit status: 0,
    /// or 2 on invalid input.
    #[command(after_help = "Examples:
  proviso explain 4.2 fixtures/topologies/frontier-on-aws.yaml --as-of 2026-11-26
  proviso explain 9.2 design.yaml --agreement deal.contract --format json
  proviso explain 4.2 docs/architecture.md --block 2")]
    Explain(ExplainArgs),
    /// Draw a topology as Graphviz DOT or Mermaid, optionally for one clause.
    ///
    /// With `--clause`, the clause's sets are coloured (sources blue,
    /// targets green, waypoints yellow), each edge says which readings
    /// follow its kind (dashed: none), the witnesses are red and the
    /// remedy's edges are marked `(cut)`. Exit status: 0, or 2 on invalid
    /// input.
    #[command(after_help = "Examples:
  proviso graph fixtures/topologies/frontier-on-aws.yaml | dot -Tsvg > design.svg
  proviso graph design.yaml --clause 4.2 --as-of 2026-11-26 --format mermaid
  proviso graph docs/architecture.md --block 1")]
    Graph(GraphArgs),
    /// Rewrite agreements (`.contract`) in the canonical layout, comments kept.
    ///
    /// One definition a line with `as` aligned, each clause's heading and
    /// its body on one line each, keywords in lower case; names, values
    /// and comments as written. The formatted text always parses to the
    /// same agreement. Exit status: 0; with `--check`, 1 when a file is
    /// not formatted (its diff is printed); 2 on invalid input.
    #[command(after_help = "Examples:
  proviso fmt fixtures/contracts           format every .contract below
  proviso fmt --check deal.contract        in CI or a pre-commit hook")]
    Fmt(FmtArgs),
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
    /// Print the JSON Schema of a file proviso reads or writes.
    ///
    /// `topology` (YAML or JSON designs), `waivers` (proviso-waivers.yaml),
    /// `config` (proviso.toml) or `report` (`--format json`). The same
    /// schemas are kept in the repository's `schemas/` folder.
    Schema {
        /// Which schema.
        #[arg(value_parser = clap::builder::PossibleValuesParser::new(proviso::schema::NAMES))]
        name: String,
    },
    /// Run the language server for agreements (`.contract` files) over stdio.
    ///
    /// Editors start it themselves; see docs/editors.md for VS Code,
    /// Neovim and Helix.
    Lsp,
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

    /// Judge only the obligations NAME owes (`owed by NAME`), a party of the
    /// agreement's `between`; clauses that name no obligor are left out, and
    /// permissions (`may ... notwithstanding`) still excuse what they cover.
    #[arg(long, value_name = "NAME")]
    pub party: Option<String>,

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

    /// Largest input file accepted, such as 512MiB or 2GiB.
    #[arg(long, value_name = "SIZE", default_value = "1GiB", value_parser = proviso::input::parse_size)]
    pub max_input_size: u64,

    /// Add a short "why" line to each verdict of the human view: the
    /// failing reading's witness and remedy, or what every path passes.
    #[arg(long)]
    pub explain: bool,

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

/// `proviso explain`.
#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// The clause id, as in the agreement (`4.2`).
    #[arg(value_name = "CLAUSE")]
    pub clause: String,

    /// The topology: a YAML or JSON file, or a Markdown doc (see `--block`).
    #[arg(value_name = "TOPOLOGY")]
    pub topology: PathBuf,

    /// The agreement; default: the topology's `agreement:` key.
    #[arg(long, value_name = "FILE")]
    pub agreement: Option<PathBuf>,

    /// Which `proviso` block of a Markdown doc (1 is the first); default: 1.
    #[arg(long, value_name = "N")]
    pub block: Option<usize>,

    /// Judge the clause as in force on this day (YYYY-MM-DD); default: today.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<chrono::NaiveDate>,

    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: ExplainFormat,

    /// Largest input file accepted, such as 512MiB or 2GiB.
    #[arg(long, value_name = "SIZE", default_value = "1GiB", value_parser = proviso::input::parse_size)]
    pub max_input_size: u64,
}

/// Formats of `proviso explain`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    /// In words.
    Human,
    /// One JSON document.
    Json,
}

/// `proviso graph`.
#[derive(Debug, clap::Args)]
pub struct GraphArgs {
    /// The topology: a YAML or JSON file, or a Markdown doc (see `--block`).
    #[arg(value_name = "TOPOLOGY")]
    pub topology: PathBuf,

    /// Draw for this clause: its sets, readings, witnesses and cut.
    #[arg(long, value_name = "ID")]
    pub clause: Option<String>,

    /// The agreement (with `--clause`); default: the topology's `agreement:` key.
    #[arg(long, value_name = "FILE")]
    pub agreement: Option<PathBuf>,

    /// Which `proviso` block of a Markdown doc (1 is the first); default: 1.
    #[arg(long, value_name = "N")]
    pub block: Option<usize>,

    /// Judge the clause as in force on this day (YYYY-MM-DD); default: today.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<chrono::NaiveDate>,

    /// Output format.
    #[arg(long, value_enum, default_value = "dot")]
    pub format: GraphFormat,

    /// Largest input file accepted, such as 512MiB or 2GiB.
    #[arg(long, value_name = "SIZE", default_value = "1GiB", value_parser = proviso::input::parse_size)]
    pub max_input_size: u64,
}

/// Formats of `proviso graph`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    /// Graphviz DOT (`dot -Tsvg`).
    Dot,
    /// A Mermaid flowchart (GitHub renders it in a ```mermaid block).
    Mermaid,
}

/// `proviso fmt`.
#[derive(Debug, clap::Args)]
pub struct FmtArgs {
    /// Agreement files, or directories searched for `*.contract`; default: `.`.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Change nothing: print the diff of each file not formatted, and exit 1 if any.
    #[arg(long)]
    pub check: bool,

    /// Largest input file accepted, such as 512MiB or 2GiB.
    #[arg(long, value_name = "SIZE", default_value = "1GiB", value_parser = proviso::input::parse_size)]
    pub max_input_size: u64,
}

/// `proviso test`.
#[derive(Debug, clap::Args)]
pub struct TestArgs {
    /// Test files, or directories searched for `*.proviso-test.yaml`; default: `.`.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Rewrite each failing file's expectations from the actual results,
    /// keeping comments, order and everything else as written.
    #[arg(long)]
    pub update: bool,

    /// List, per agreement, the clauses no case saw hold or saw fail.
    #[arg(long)]
    pub coverage: bool,

    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: TestFormat,

    /// Largest input file accepted, such as 512MiB or 2GiB.
    #[arg(long, value_name = "SIZE", default_value = "1GiB", value_parser = proviso::input::parse_size)]
    pub max_input_size: u64,
}

/// Formats of `proviso test`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TestFormat {
    /// One line per case, failures as diffs.
    Human,
    /// JUnit XML: a suite per test file, a test case per case.
    Junit,
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
