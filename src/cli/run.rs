//! `proviso check`: find, read, parse, load, check, gate, report.

// Diagnostics travel only on the cold error path (as in the library).
#![allow(clippy::result_large_err)]

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use proviso::diag::render;
use proviso::gate::config::{self, Config, Ignore};
use proviso::gate::{acknowledge, baseline, findings, waivers};
use proviso::topology::{load, markdown, sources};
use proviso::{Agreement, Diagnostic, Document, Errors, Level, Topology, Verdict};

use super::Exit;
use super::args::{CheckArgs, Cli, Command, Format};
use super::discover::{self, Found};
use super::progress::Progress;

/// The name of the waiver file looked for beside each agreement.
const DEFAULT_WAIVERS: &str = "proviso-waivers.yaml";

/// What reading and loading one file gave: its topologies, and the
/// errors, notes and timings it adds to the run, merged in file order.
#[derive(Default)]
struct Loaded {
    units: Vec<Unit>,
    errors: Vec<Diagnostic>,
    notes: Vec<String>,
    timings: Timings,
}

impl Loaded {
    /// The topologies in one file: none (not a topology, or broken), one,
    /// or one per `proviso` block of a Markdown doc.
    fn units(args: &CheckArgs, profile: Option<&sources::Profile>, found: &Found) -> Loaded {
        let mut out = Loaded::default();
        let clock = Instant::now();
        let read = proviso::input::read(&found.path, args.max_input_size);
        out.timings.add(&found.path, "read", clock.elapsed());
        let src = match read {
            Ok(s) => s,
            Err(e) => {
                out.errors.extend(e.0);
                return out;
            }
        };
        let display = src.path().to_string();
        if let Some(estate) = super::estate::load(&src, &found.path, args.max_input_size, profile) {
            out.load(estate, display, &found.path);
            return out;
        }
        let lower = display.to_ascii_lowercase();
        if lower.ends_with(".md") || lower.ends_with(".markdown") {
            Loaded::markdown_units(&mut out, found, &src, profile);
            return out;
        }
        let clock = Instant::now();
        let (format, preloaded) = sources::detect_loading(&src, args.input_format.forced(&display));
        if preloaded.is_some() {
            out.timings.add(&found.path, "load", clock.elapsed());
        }
        if let Some(format) = format.filter(|f| !matches!(f, sources::Format::Proviso(_))) {
            let clock = Instant::now();
            let loaded = sources::load(&src, format, profile);
            out.timings.add(&found.path, "load", clock.elapsed());
            out.load(loaded, display, &found.path);
            return out;
        }
        let kind = match format {
            Some(sources::Format::Proviso(kind)) => kind,
            _ => load::Kind::of_path(&display).unwrap_or(load::Kind::Yaml),
        };
        // A clean load with nodes or edges is a topology, whatever the
        // scan would say (only proviso's top-level keys loaded).
        let clean = matches!(&preloaded, Some(Ok(t)) if !t.nodes.is_empty() || !t.edges.is_empty());
        if !found.explicit && !clean {
            match load::classify(src.text(), kind) {
                load::Class::Topology => {}
                load::Class::Other(why) => {
                    out.notes.push(format!(
                        "skipped `{}`: {why}",
                        proviso::escape::display(&display)
                    ));
                    return out;
                }
                load::Class::Unreadable => {
                    // Whatever it holds, it cannot hide: the loader says
                    // what is wrong, and the run fails.
                    out.errors.push(
                        Diagnostic::error(format!(
                            "`{}` cannot be parsed, so it may be a topology: a scan does not skip it",
                            proviso::escape::display(&display)
                        ))
                        .help("fix the file, or, if it is not a topology, list it under `exclude` in proviso.toml"),
                    );
                }
            }
        }
        let loaded = preloaded.unwrap_or_else(|| {
            let clock = Instant::now();
            let loaded = load::from_source(&src, kind);
            out.timings.add(&found.path, "load", clock.elapsed());
            loaded
        });
        out.load(loaded, display, &found.path);
        out
    }

    fn markdown_units(
        &mut self,
        found: &Found,
        doc: &proviso::SourceRef,
        profile: Option<&sources::Profile>,
    ) {
        let blocks = match markdown::blocks(doc) {
            Ok(b) => b,
            Err(e) => {
                self.errors.extend(e.0);
                return;
            }
        };
        let shown = proviso::escape::display(doc.path()).into_owned();
        if blocks.is_empty() && found.explicit {
            self.errors.push(
                Diagnostic::error(format!("`{shown}` has no ```yaml proviso block"))
                    .help("a doc named on the command line must hold a topology: mark its block ```yaml proviso, or name the doc's directory instead"),
            );
        } else if blocks.is_empty() {
            self.notes.push(format!(
                "skipped `{shown}`: no ```proviso or ```yaml proviso block"
            ));
        }
        for b in blocks {
            let label = format!("{}#{}", doc.path(), b.index);
            let loaded = if b.mermaid {
                sources::load(&b.source, sources::Format::Mermaid, profile)
            } else {
                load::yaml(&b.source)
            };
            self.load(loaded, label, &found.path);
        }
    }

    fn load(&mut self, t: Result<Topology, Errors>, label: String, file: &Path) {
        match t {
            Ok(topology) => self.units.push(Unit {
                label,
                file: file.to_path_buf(),
                topology,
            }),
            Err(e) => self.errors.extend(e.0),
        }
    }
}

/// The files of a run in groups that are loaded and checked in parallel,
/// one group after another: at most [`CHUNK_FILES`] files or
/// [`CHUNK_BYTES`] bytes (at least one file), so a run over many large
/// topologies never holds them all in memory at once.
fn chunks(files: &[Found]) -> Vec<&[Found]> {
    let mut out = Vec::new();
    let (mut start, mut bytes) = (0, 0u64);
    for (i, f) in files.iter().enumerate() {
        let size = std::fs::metadata(&f.path).map_or(0, |m| m.len());
        if i > start && (i - start >= CHUNK_FILES || bytes + size > CHUNK_BYTES) {
            out.push(&files[start..i]);
            (start, bytes) = (i, 0);
        }
        bytes += size;
    }
    if start < files.len() {
        out.push(&files[start..]);
    }
    out
}

/// Most files loaded at once.
const CHUNK_FILES: usize = 256;
/// Most bytes of topology files loaded at once (a file larger than this
/// is a group of its own).
const CHUNK_BYTES: u64 = 64 << 20;

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Exit {
    match cli.command {
        Command::Check(args) => check(&args),
        Command::Test(args) => super::test::test(&args),
        Command::Explain(args) => super::author::explain(&args),
        Command::Graph(args) => super::author::graph(&args),
        Command::Fmt(args) => super::fmt::fmt(&args),
        Command::Completions { shell } => super::generate::completions(shell),
        Command::Man { page, dir } => super::generate::man(page.as_deref(), dir.as_deref()),
        Command::Schema { name } => super::editor::schema(&name),
        Command::Lsp => super::editor::lsp(),
    }
}

/// One topology to check: its name in the report, the file its
/// `agreement:` is relative to, and the loaded graph.
struct Unit {
    label: String,
    file: PathBuf,
    topology: Topology,
}

/// Frees a large topology on a thread of its own, once its check is
/// recorded. Why: a million-node model is some four million allocations,
/// and freeing them took 33 to 49 ms (3 to 8 ms at 100k nodes) on the
/// path to the report; off it, the report is written meanwhile, and a
/// process that ends first leaves the rest to the system. Each model is
/// still freed (a run over many files holds one at a time, as before).
fn free_later(topology: Topology) {
    const LARGE: usize = 10_000;
    if topology.nodes.len() + topology.edges.len() < LARGE {
        return;
    }
    // If no thread can be started, the closure (and the model) is dropped
    // here, as it would have been.
    let _ = std::thread::Builder::new()
        .name("free".to_string())
        .spawn(move || drop(topology));
}

/// The run's settings: the command line, over the configuration.
struct Settings {
    config: Option<Config>,
    root: PathBuf,
    topologies: Vec<PathBuf>,
    format: Format,
    /// Reports to write to files, each in its format.
    outputs: Vec<(Format, PathBuf)>,
    strict: bool,
    waivers: Option<PathBuf>,
    baseline: Option<PathBuf>,
    /// Running in CI, where the agreement must be pinned.
    ci: bool,
}

/// What a run gathers before it reports.
struct Run<'a> {
    args: &'a CheckArgs,
    settings: Settings,
    as_of: chrono::NaiveDate,
    agreements: BTreeMap<PathBuf, Result<Agreement, Errors>>,
    doc: Document,
    errors: Vec<Diagnostic>,
    /// What each agreement's topologies do not use, for the run-level
    /// warnings.
    absences: BTreeMap<PathBuf, Vec<proviso::engine::Absences>>,
    notes: Vec<String>,
    timings: Timings,
    /// Every clause id of the agreements read, before `--clause` filtered.
    clause_ids: BTreeSet<String>,
    /// Every party of the agreements read, with where the first agreement
    /// naming parties names its first, for an unknown `--party`.
    parties: BTreeSet<String>,
    parties_at: Option<(proviso::source::SourceRef, proviso::source::Span)>,
    /// Each checked topology's label and node ids, kept only when a
    /// waiver file may need them (its witnesses are checked against them).
    node_ids: Vec<(String, Vec<String>)>,
    /// The mapping profile of `--profile`, for imported sources.
    profile: Option<proviso::topology::sources::Profile>,
}

fn check(args: &CheckArgs) -> Exit {
    let settings = match settings(args) {
        Ok(s) => s,
        Err(e) => return report_errors(&e.0),
    };
    let mut run = Run {
        args,
        as_of: args
            .as_of
            .unwrap_or_else(|| chrono::Local::now().date_naive()),
        agreements: BTreeMap::new(),
        doc: Document::new(Vec::new()),
        errors: Vec::new(),
        absences: BTreeMap::new(),
        notes: Vec::new(),
        timings: Timings::default(),
        clause_ids: BTreeSet::new(),
        parties: BTreeSet::new(),
        parties_at: None,
        node_ids: Vec::new(),
        profile: None,
        settings,
    };
    run.profile = run.load_profiles();
    let scan = discover::Scan {
        root: &run.settings.root,
        ignore: run
            .settings
            .config
            .as_ref()
            .map_or(Ignore::default(), |c| c.ignore),
        config: run.settings.config.as_ref(),
    };
    let found = discover::discover(&run.settings.topologies, &scan);
    run.errors.extend(found.errors);
    run.notes.extend(found.notes);
    // Parts of an estate the scan also found are judged in the estate.
    let claimed = super::estate::claimed(&found.files, args.max_input_size);
    let mut files = found.files;
    let mut in_estates = Vec::new();
    files.retain(|f| {
        let part = !f.explicit && claimed.contains(&proviso::input::normalize(&f.path));
        if part {
            in_estates.push(f.origin);
            run.notes.push(format!(
                "`{}` is judged as a part of its estate",
                proviso::escape::display(&proviso::input::display_path(&f.path))
            ));
        }
        !part
    });
    // A path that already gave an error needs no second one.
    let mut checked: Vec<bool> = (0..run.settings.topologies.len())
        .map(|i| found.failed.contains(&i) || in_estates.contains(&i))
        .collect();
    let progress = Progress::new(&files);
    for chunk in chunks(&files) {
        run.check_files(chunk, &progress, &mut checked);
    }
    progress.clear();
    run.nothing_found(&checked);
    if !args.clauses.is_empty() || !args.skip_clauses.is_empty() {
        run.unknown_clause_ids();
    }
    if args.party.is_some() {
        run.unknown_party();
    }
    run.unused();
    run.gate();
    run.doc.base = path_base(&run.settings.root);
    run.finish()
}

/// The command line over the configuration, and the repository root.
fn settings(args: &CheckArgs) -> Result<Settings, Errors> {
    let config_path = args.config.clone().or_else(|| {
        let default = PathBuf::from(config::FILE_NAME);
        default.is_file().then_some(default)
    });
    let config = match &config_path {
        Some(path) => {
            let src = proviso::input::read(path, args.max_input_size)?;
            Some(config::parse(path, &src)?)
        }
        None => None,
    };
    let root = args
        .root
        .clone()
        .or_else(|| config.as_ref().map(|c| c.root.clone()))
        .or_else(git_top)
        .unwrap_or_else(|| PathBuf::from("."));
    let topologies = if args.topologies.is_empty() {
        config.as_ref().map(|c| c.paths.clone()).unwrap_or_default()
    } else {
        args.topologies.clone()
    };
    if topologies.is_empty() {
        return Err(Diagnostic::error("no topology to check")
            .help("name files, directories or globs (`proviso check designs/`), or list them as `paths` in proviso.toml")
            .into());
    }
    let format = match (
        args.format,
        config.as_ref().and_then(|c| c.format.as_deref()),
    ) {
        (Some(f), _) => f,
        (None, Some(name)) => <Format as clap::ValueEnum>::from_str(name, true).map_err(|_| {
            Diagnostic::error(format!(
                "`format = \"{}\"` in the configuration is not a format",
                proviso::escape::display(name)
            ))
            .help("use one of human, json, sarif, junit, github, markdown")
        })?,
        (None, None) => Format::Human,
    };
    let cfg = |f: fn(&Config) -> Option<PathBuf>| config.as_ref().and_then(f);
    Ok(Settings {
        root,
        topologies,
        format,
        outputs: outputs(args, format, config.as_ref())?,
        strict: args.strict || config.as_ref().is_some_and(|c| c.strict),
        waivers: args.waivers.clone().or_else(|| cfg(|c| c.waivers.clone())),
        baseline: args
            .baseline
            .clone()
            .or_else(|| cfg(|c| c.baseline.clone())),
        ci: in_ci(),
        config,
    })
}

/// The files to write: each `-o [FORMAT=]FILE` (the format defaults to
/// `--format`; `-o -` is stdout, so no file), else the configuration's
/// `output`.
fn outputs(
    args: &CheckArgs,
    format: Format,
    config: Option<&Config>,
) -> Result<Vec<(Format, PathBuf)>, Errors> {
    let mut out = Vec::new();
    for spec in &args.output {
        let (f, file) = match spec.split_once('=') {
            Some((name, file)) => match <Format as clap::ValueEnum>::from_str(name, true) {
                Ok(f) => (f, file),
                Err(_) => (format, spec.as_str()),
            },
            None => (format, spec.as_str()),
        };
        if file.is_empty() {
            return Err(
                Diagnostic::error(format!("`--output {spec}` names no file"))
                    .help("write `-o FILE`, `-o FORMAT=FILE` or `-o -` for stdout")
                    .into(),
            );
        }
        if file != "-" {
            out.push((f, PathBuf::from(file)));
        }
    }
    if args.output.is_empty()
        && let Some(file) = config.and_then(|c| c.output.clone())
    {
        out.push((format, file));
    }
    Ok(out)
}

/// The working directory and the repository root, absolute, for formats
/// that name files relative to the root (SARIF).
fn path_base(root: &Path) -> Option<proviso::report::model::PathBase> {
    let cwd = std::env::current_dir().ok()?;
    let cwd = std::fs::canonicalize(&cwd).unwrap_or(cwd);
    let root = std::fs::canonicalize(cwd.join(root)).ok()?;
    Some(proviso::report::model::PathBase { cwd, root })
}

/// Whether this is a CI run: `CI` set to anything but `false` or `0`
/// (GitHub Actions, GitLab CI, CircleCI, Buildkite, Jenkins' plugins and
/// most others set it), or `GITHUB_ACTIONS=true`.
fn in_ci() -> bool {
    let set = |name: &str| {
        std::env::var(name)
            .ok()
            .is_some_and(|v| !v.is_empty() && v != "false" && v != "0")
    };
    set("CI") || set("GITHUB_ACTIONS")
}

/// The top of the git work tree around the working directory: the
/// nearest directory, from the working directory up, that holds a git
/// directory (`.git/HEAD`) or a `.git` file (a worktree's or submodule's
/// link).
///
/// Why not `git rev-parse --show-toplevel`: starting git took 5 to 7 ms
/// of every run (a tenth of checking a 100k-node estate, half of checking
/// a small file), for what a few metadata reads find. The answer is the
/// same in a plain clone, a worktree and a submodule; what it does not
/// follow is git's own configuration (`GIT_DIR`, `core.worktree`, a
/// refusal for "dubious ownership"), none of which a pull request can set.
pub(super) fn git_top() -> Option<PathBuf> {
    let cwd = std::fs::canonicalize(std::env::current_dir().ok()?).ok()?;
    cwd.ancestors()
        .find(|dir| {
            let git = dir.join(".git");
            git.join("HEAD").is_file() || std::fs::symlink_metadata(&git).is_ok_and(|m| m.is_file())
        })
        .map(Path::to_path_buf)
}

impl Run<'_> {
    /// The `--profile` files, merged in order.
    fn load_profiles(&mut self) -> Option<sources::Profile> {
        let mut merged: Option<sources::Profile> = None;
        // proviso.toml's `profile` first, then `--profile` (later wins).
        let configured = self.settings.config.as_ref().map(|c| c.profiles.clone());
        for path in configured.iter().flatten().chain(&self.args.profile) {
            match proviso::input::read(path, self.args.max_input_size)
                .and_then(|src| sources::Profile::parse(&src))
            {
                Ok(p) => {
                    merged = Some(match merged {
                        Some(m) => m.merge(p),
                        None => p,
                    })
                }
                Err(e) => self.errors.extend(e.0),
            }
        }
        merged
    }

    /// A `--clause` or `--skip-clause` id that no agreement of the run has
    /// is an error (a typo would otherwise judge nothing, or everything).
    fn unknown_clause_ids(&mut self) {
        let known = &self.clause_ids;
        if known.is_empty() {
            return;
        }
        let mut errors = Vec::new();
        for id in self.args.clauses.iter().chain(&self.args.skip_clauses) {
            if !known.contains(id) {
                let help = proviso::diag::suggest::help_line(id, known.iter().map(String::as_str))
                    .unwrap_or_else(|| {
                        "use a clause id of the agreement, such as `4.2`".to_string()
                    });
                errors.push(
                    Diagnostic::error(format!(
                        "no agreement of this run has a clause `{}`",
                        proviso::escape::display(id)
                    ))
                    .help(help),
                );
            }
        }
        self.errors.extend(errors);
    }

    /// A `--party` that no agreement of the run names in `between` is an
    /// error: a misspelt party would otherwise judge nothing and pass.
    fn unknown_party(&mut self) {
        let Some(party) = &self.args.party else {
            return;
        };
        let all_parsed = self.agreements.values().all(Result::is_ok);
        if self.parties.contains(party) || !all_parsed || self.agreements.is_empty() {
            return;
        }
        let shown = proviso::escape::display(party);
        let mut d = Diagnostic::error(format!("no agreement of this run names a party `{shown}`"));
        if let Some((src, span)) = &self.parties_at {
            d = d.at(src, span.clone(), "the parties are named here");
        }
        let known: Vec<&str> = self.parties.iter().map(String::as_str).collect();
        let help = if known.is_empty() {
            "the agreement names no parties; add them to its header, such as `agreement \"Title\" between microsoft, openai`, and `owed by` to its clauses".to_string()
        } else {
            proviso::diag::suggest::help_line(party, known.iter().copied()).unwrap_or_else(|| {
                format!(
                    "the parties are {}",
                    proviso::diag::suggest::list(&known, 8)
                )
            })
        };
        self.errors.push(d.help(help));
    }

    /// A directory or glob that held no topology is an error: a named
    /// path is always checked or the run fails.
    fn nothing_found(&mut self, checked: &[bool]) {
        for (path, _) in self
            .settings
            .topologies
            .iter()
            .zip(checked)
            .filter(|(_, c)| !**c)
        {
            let shown = proviso::escape::display(&proviso::input::display_path(path)).into_owned();
            if path.is_dir() || discover::is_glob(path) {
                self.errors.push(
                    Diagnostic::error(format!("no topology found in `{shown}`"))
                        .help("`--verbose` says what each file held; a topology has a top-level `nodes` map, a doc a ```yaml proviso block"),
                );
            }
        }
    }

    /// Loads and checks a group of files in parallel (rayon): loading,
    /// then, in file order, what must be sequential (merging each file's
    /// errors and notes, reading each agreement once), then the checks,
    /// then recording their reports in file order. The output is byte for
    /// byte that of one file after the other (`RAYON_NUM_THREADS=1`).
    fn check_files(&mut self, files: &[Found], progress: &Progress, checked: &mut [bool]) {
        use rayon::prelude::*;
        let (args, profile) = (self.args, self.profile.as_ref());
        let loaded: Vec<Loaded> = files
            .par_iter()
            .map(|found| {
                progress.phase("loading", &found.path);
                Loaded::units(args, profile, found)
            })
            .collect();
        // (unit, its agreement, how many timings preceded its check)
        let mut jobs = Vec::new();
        for (found, loaded) in files.iter().zip(loaded) {
            self.errors.extend(loaded.errors);
            self.notes.extend(loaded.notes);
            self.timings.0.extend(loaded.timings.0);
            for unit in loaded.units {
                checked[found.origin] = true;
                if let Some(ag_path) = self.agreement_for(&unit) {
                    jobs.push((unit, ag_path, self.timings.0.len()));
                }
            }
        }
        let (as_of, agreements) = (self.as_of, &self.agreements);
        let results: Vec<proviso::engine::Checked> = jobs
            .par_iter()
            .map(|(unit, ag_path, _)| {
                progress.phase("checking", &unit.file);
                let Some(Ok(agreement)) = agreements.get(ag_path) else {
                    unreachable!("a job's agreement was read")
                };
                let options = proviso::engine::Options {
                    as_of,
                    max_witnesses: args.max_witnesses,
                    label: Some(unit.label.clone()),
                };
                let mut checked = proviso::engine::check(agreement, &unit.topology, &options);
                if args.explain {
                    explain_verdicts(agreement, &unit.topology, &mut checked.report);
                }
                checked
            })
            .collect();
        // Each check's timings go where the sequential run put them.
        let mut earlier = std::mem::take(&mut self.timings.0).into_iter();
        let mut at = 0;
        for ((unit, ag_path, before), checked) in jobs.into_iter().zip(results) {
            self.timings.0.extend(earlier.by_ref().take(before - at));
            at = before;
            self.record(unit, ag_path, checked);
        }
        self.timings.0.extend(earlier);
        for found in files {
            progress.done(&found.path);
        }
    }

    /// The agreement that judges `unit`, read and parsed on first use;
    /// `None` (with the error recorded) when there is none to check with,
    /// or with `--load-only`.
    fn agreement_for(&mut self, unit: &Unit) -> Option<PathBuf> {
        if self.args.load_only {
            return None;
        }
        let ag_path = match self.agreement_path(unit) {
            Ok(p) => p,
            Err(d) => {
                self.errors.push(d);
                return None;
            }
        };
        let max = self.args.max_input_size;
        let timings = &mut self.timings;
        let (only, skip) = (&self.args.clauses, &self.args.skip_clauses);
        let ids = &mut self.clause_ids;
        let party = self.args.party.as_deref();
        let (parties, parties_at) = (&mut self.parties, &mut self.parties_at);
        // An agreement file that cannot be read is shown where the topology
        // names it, when it does.
        let topo = &unit.topology;
        let named_at = topo
            .agreement
            .as_ref()
            .map(|(_, span)| (topo.source.clone(), span.clone()));
        let agreement = self.agreements.entry(ag_path.clone()).or_insert_with(|| {
            let clock = Instant::now();
            let ag = proviso::input::read(&ag_path, max)
                .map_err(|mut e| {
                    if let (Some((src, span)), Some(d)) = (named_at, e.0.first_mut())
                        && d.primary.is_none()
                    {
                        *d = d.clone().at(&src, span, "the agreement named here");
                    }
                    e
                })
                .and_then(|src| proviso::syntax::parse_agreement(&src))
                .map(|mut ag| {
                    ids.extend(ag.clauses.iter().map(|c| c.id.node.clone()));
                    // `--clause` and `--skip-clause`: judge part of it.
                    ag.clauses.retain(|c| {
                        let id = &c.id.node;
                        (only.is_empty() || only.contains(id)) && !skip.contains(id)
                    });
                    // `--party`: that party's obligations, and every
                    // permission (a carve-out excuses whoever owes).
                    if let Some(p) = party {
                        parties.extend(ag.parties.iter().map(|n| n.node.clone()));
                        if parties_at.is_none()
                            && let Some(first) = ag.parties.first()
                        {
                            *parties_at = Some((ag.source.clone(), first.span.clone()));
                        }
                        ag.clauses.retain(|c| {
                            c.modal.node.is_permission() || c.obligors.iter().any(|o| o.node == p)
                        });
                    }
                    ag
                });
            timings.add(&ag_path, "agreement", clock.elapsed());
            ag
        });
        match agreement {
            Ok(_) => Some(ag_path),
            Err(e) => {
                // Report an agreement's errors once, however many topologies use it.
                self.errors.append(&mut e.0);
                None
            }
        }
    }

    /// Records one topology's check, in file order.
    fn record(&mut self, unit: Unit, ag_path: PathBuf, checked: proviso::engine::Checked) {
        for (phase, took) in &checked.timings {
            self.timings.add(&unit.file, phase, *took);
        }
        let waivable = self.settings.waivers.is_some()
            || ag_path
                .parent()
                .unwrap_or(Path::new(""))
                .join(DEFAULT_WAIVERS)
                .is_file();
        if waivable {
            let ids = unit
                .topology
                .nodes
                .iter()
                .map(|n| n.id.to_string())
                .collect();
            self.node_ids.push((unit.label.clone(), ids));
        }
        self.absences
            .entry(ag_path)
            .or_default()
            .push(checked.absences);
        self.doc.reports.push(checked.report);
        free_later(unit.topology);
    }

    /// The run-level warnings: per agreement, what no topology checked
    /// against it uses; what only some do not use becomes a note.
    fn unused(&mut self) {
        for (path, absences) in &self.absences {
            let Some(Ok(agreement)) = self.agreements.get(path) else {
                continue;
            };
            let folded = proviso::engine::fold(agreement, absences);
            self.notes.extend(folded.notes);
            for (code, d) in folded.warnings {
                self.doc.warnings.push(proviso::Warning {
                    code,
                    ..proviso::report::warning(&d)
                });
            }
        }
    }

    /// The agreement that judges a topology. When the command line or the
    /// configuration pins one, the topology's `agreement:` key is only a
    /// consistency check; otherwise (never in CI) the key is obeyed, inside
    /// the repository root and only for a `.contract` file.
    fn agreement_path(&self, unit: &Unit) -> Result<PathBuf, Diagnostic> {
        let pinned = self.args.agreement.clone().or_else(|| {
            self.settings
                .config
                .as_ref()
                .and_then(|c| c.agreement_for(&unit.file))
                .map(Path::to_path_buf)
        });
        let topo = &unit.topology;
        let Some((rel, span)) = &topo.agreement else {
            return pinned.ok_or_else(|| {
                Diagnostic::error(format!(
                    "no agreement to check `{}` against",
                    proviso::escape::display(topo.source.path())
                ))
                .help("pass `--agreement FILE`, or set `agreement` in proviso.toml")
            });
        };
        let dir = unit.file.parent().unwrap_or(Path::new(""));
        let named = proviso::input::normalize(&dir.join(rel));
        let src = &topo.source;
        if let Some(pinned) = pinned {
            if same_file(&pinned, &named) {
                return Ok(pinned);
            }
            return Err(Diagnostic::error(format!(
                "this topology names the agreement `{}`, but the gate pins `{}`",
                proviso::escape::display(&proviso::input::display_path(&named)),
                proviso::input::display_path(&pinned)
            ))
            .at(src, span.clone(), "a different agreement")
            .help("a pinned agreement judges every topology: remove the `agreement:` key, or make it name the pinned file"));
        }
        if self.settings.ci {
            return Err(Diagnostic::error(
                "in CI the agreement must be pinned, not chosen by the topology",
            )
            .at(src, span.clone(), "a topology may not choose its own agreement in CI")
            .help("set `agreement = \"...\"` in proviso.toml (kept on the protected branch) or pass `--agreement FILE`"));
        }
        confined(rel, &named, &self.settings.root).map_err(|why| {
            Diagnostic::error(format!(
                "the agreement `{}` {why}",
                proviso::escape::display(rel)
            ))
            .at(src, span.clone(), "not allowed here")
            .help("name a `.contract` file inside the repository, relative to this topology, or pass `--agreement FILE`")
        })?;
        Ok(named)
    }
    /// Applies the waivers and the baseline.
    fn gate(&mut self) {
        let mut all = Vec::new();
        for file in self.waiver_files() {
            match proviso::input::read(&file, self.args.max_input_size)
                .and_then(|src| waivers::parse(&src))
            {
                Ok(w) => all.extend(w),
                Err(e) => self.errors.extend(e.0),
            }
        }
        // Every clause id of the agreements read (before `--clause`
        // filtered them), unless one failed to parse and its ids are unknown.
        let all_parsed = self.agreements.values().all(Result::is_ok);
        let clauses = (all_parsed && !self.clause_ids.is_empty())
            .then(|| self.clause_ids.iter().cloned().collect::<Vec<String>>());
        let known = waivers::Known {
            clauses,
            topologies: std::mem::take(&mut self.node_ids),
        };
        self.errors.extend(waivers::check(&all, &known));
        waivers::apply(&mut self.doc, &all, self.as_of);
        if let Some(c) = &self.settings.config {
            acknowledge::apply(&mut self.doc, &c.acknowledge);
        }
        if let Some(path) = &self.settings.baseline {
            match proviso::input::read(path, self.args.max_input_size)
                .and_then(|src| baseline::parse(&src))
            {
                Ok(b) => baseline::apply(&mut self.doc, &b),
                Err(e) => self.errors.extend(e.0),
            }
        }
        findings::mark_accepted(&mut self.doc);
    }

    /// `--waivers` (or the configuration's), else `proviso-waivers.yaml`
    /// beside each agreement used.
    fn waiver_files(&self) -> Vec<PathBuf> {
        if let Some(w) = &self.settings.waivers {
            return vec![w.clone()];
        }
        let dirs: BTreeSet<PathBuf> = self
            .agreements
            .keys()
            .map(|a| a.parent().unwrap_or(Path::new("")).join(DEFAULT_WAIVERS))
            .collect();
        dirs.into_iter().filter(|p| p.is_file()).collect()
    }

    fn finish(self) -> Exit {
        // On GitHub Actions the runner reads workflow commands from every
        // line of the log; everything we print is escaped already, and the
        // runner is also told to stop reading commands until we are done
        // (except for the `github` format, whose commands are the point).
        let _stop = (std::env::var("GITHUB_ACTIONS").as_deref() == Ok("true")
            && self.settings.format != Format::Github)
            .then(StopCommands::start);
        self.report()
    }

    fn report(self) -> Exit {
        let color =
            anstream::AutoStream::choice(&std::io::stderr()) != anstream::ColorChoice::Never;
        let mut err = String::new();
        if self.args.timings {
            err.push_str(&self.timings.render());
        }
        if self.args.verbose {
            for n in &self.notes {
                let _ = writeln!(err, "note: {n}");
            }
        }
        if !self.errors.is_empty() {
            err.push_str(&render::render(&self.errors, color));
            let n = self.errors.len();
            let _ = writeln!(
                err,
                "error: {n} problem{} in the input; nothing was checked for the files above",
                if n == 1 { "" } else { "s" }
            );
            emit(&mut anstream::stderr(), &err, color);
            return Exit::Input;
        }
        if let Some(path) = &self.args.write_baseline
            && let Err(e) = std::fs::write(path, proviso::report::json::render(&self.doc))
        {
            err.push_str(&render::render(
                &[Diagnostic::error(write_error(path, &e))],
                color,
            ));
            emit(&mut anstream::stderr(), &err, color);
            return Exit::Input;
        }
        if self.args.load_only {
            emit(&mut anstream::stderr(), &err, color);
            return Exit::Compliant;
        }
        let result = write_output(&self.settings, &self.doc, &mut err);
        if let Err(message) = result {
            err.push_str(&render::render(&[Diagnostic::error(message)], color));
            emit(&mut anstream::stderr(), &err, color);
            return Exit::Input;
        }
        emit(&mut anstream::stderr(), &err, color);
        if self.args.write_baseline.is_some() {
            // Recording the findings is the adoption step: it succeeds.
            return Exit::Compliant;
        }
        exit_code(&self.doc, self.settings.strict)
    }
}

/// `--explain`: each verdict's one-line why (see `proviso explain`).
fn explain_verdicts(agreement: &Agreement, topology: &Topology, report: &mut proviso::Report) {
    for v in &mut report.verdicts {
        let Some(clause) = agreement.clauses.iter().find(|c| c.id.node == v.clause) else {
            continue;
        };
        let e = proviso::authoring::explain::explain(
            agreement,
            topology,
            clause,
            v,
            &report.topology,
            &report.as_of,
        );
        v.why = Some(e.summary);
    }
}

/// Writes text of ours to a stream, escaped for it: see
/// [`proviso::escape::output`].
fn emit(stream: &mut impl std::io::Write, text: &str, color: bool) {
    let text = if color {
        proviso::escape::output_colored(text)
    } else {
        proviso::escape::output(text)
    };
    let _ = stream.write_all(text.as_bytes());
    let _ = stream.flush();
}

/// `::stop-commands::TOKEN` on stdout now, `::TOKEN::` when dropped: the
/// runner executes no workflow command in between, whatever a line holds.
/// The token is random (std's hasher keys come from the OS), so input
/// cannot guess it and resume commands early.
struct StopCommands(String);

impl StopCommands {
    fn start() -> Self {
        use std::hash::{BuildHasher as _, Hasher as _};
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u32(std::process::id());
        let token = format!("proviso-{:016x}", h.finish());
        let mut out = std::io::stdout();
        let _ = writeln!(out, "::stop-commands::{token}");
        let _ = out.flush();
        StopCommands(token)
    }
}

impl Drop for StopCommands {
    fn drop(&mut self) {
        let mut out = std::io::stdout();
        let _ = writeln!(out, "::{}::", self.0);
        let _ = out.flush();
    }
}

/// Writes the report: the chosen format to stdout, or with `--output` to
/// the file while stdout gets the human view; the GitHub format also
/// appends its Markdown job summary to `$GITHUB_STEP_SUMMARY` when set.
/// Warnings are part of every format (in the human view, after the
/// report they concern).
fn write_output(settings: &Settings, doc: &Document, err: &mut String) -> Result<(), String> {
    let strict = settings.strict;
    let terminal = if settings.outputs.is_empty() {
        settings.format
    } else {
        Format::Human
    };
    for (format, path) in &settings.outputs {
        let text = proviso::report::render((*format).into(), doc, strict, false);
        std::fs::write(path, text).map_err(|e| write_error(path, &e))?;
    }
    if doc.reports.is_empty() {
        err.push_str("warning: no topology was checked\n");
    }
    let out_color =
        anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never;
    let text = proviso::report::render(terminal.into(), doc, strict, out_color);
    let mut out = anstream::stdout();
    if terminal == Format::Github {
        // Workflow commands on purpose; their payloads are escaped by the
        // renderer with the runner's own rules.
        let _ = out.write_all(text.as_bytes());
        let _ = out.flush();
    } else {
        emit(&mut out, &text, out_color);
    }
    if settings.format == Format::Github
        && let Some(summary) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|s| !s.is_empty())
    {
        let path = PathBuf::from(summary);
        let md = proviso::report::render(proviso::report::Format::Markdown, doc, strict, false);
        append(&path, &md).map_err(|e| write_error(&path, &e))?;
    }
    Ok(())
}

/// Writes text to stdout, escaped for it (colour only on a terminal).
pub(super) fn print_stdout(text: &str) {
    let color = anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never;
    emit(&mut anstream::stdout(), text, color);
}

/// Prints errors found before anything could be checked; exit 2.
pub(super) fn report_errors(errors: &[Diagnostic]) -> Exit {
    let color = anstream::AutoStream::choice(&std::io::stderr()) != anstream::ColorChoice::Never;
    emit(
        &mut anstream::stderr(),
        &render::render(errors, color),
        color,
    );
    Exit::Input
}

/// Whether two paths name the same file (the same canonical path, or the
/// same normalised path when one does not exist).
fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => proviso::input::normalize(a) == proviso::input::normalize(b),
    }
}

/// Why a topology may not name `rel` (resolved to `named`) as its
/// agreement, if it may not: it must be relative, stay inside `root` once
/// `..` and symbolic links are resolved, and be a `.contract` file.
pub(super) fn confined(rel: &str, named: &Path, root: &Path) -> Result<(), &'static str> {
    let rel_path = Path::new(rel);
    if rel_path.is_absolute() || rel.starts_with(['/', '\\']) || rel_path.has_root() {
        return Err("is an absolute path; a topology may only name files inside the repository");
    }
    if named.extension().and_then(|e| e.to_str()) != Some("contract") {
        return Err("is not a `.contract` file");
    }
    let cwd = std::env::current_dir().unwrap_or_default();
    let lexical = proviso::input::normalize(&cwd.join(named));
    let root_abs = proviso::input::normalize(&cwd.join(root));
    if !lexical.starts_with(&root_abs) {
        return Err("lies outside the repository root");
    }
    if let (Ok(real), Ok(real_root)) = (std::fs::canonicalize(named), std::fs::canonicalize(root))
        && !real.starts_with(real_root)
    {
        return Err("is a symbolic link that leaves the repository root");
    }
    Ok(())
}

fn append(path: &Path, text: &str) -> std::io::Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    f.write_all(text.as_bytes())
}

fn write_error(path: &Path, e: &std::io::Error) -> String {
    format!("cannot write `{}`: {}", path.display(), io_reason(e))
}

/// An I/O error in words, without the OS's capitalisation and error code.
fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "the directory does not exist".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        std::io::ErrorKind::IsADirectory => "it is a directory".to_string(),
        _ => e.to_string().to_lowercase(),
    }
}

/// Phase times for `--timings`, in the order they happened.
#[derive(Default)]
struct Timings(Vec<(String, String, Duration)>);

impl Timings {
    fn add(&mut self, file: &Path, phase: &str, took: Duration) {
        let file = proviso::input::display_path(file);
        self.0.push((file, phase.to_string(), took));
    }

    fn render(&self) -> String {
        let mut out = String::new();
        let mut file = "";
        for (f, phase, took) in &self.0 {
            if f != file {
                out.push_str(&format!("timings for `{}`:\n", proviso::escape::display(f)));
                file = f;
            }
            let ms = took.as_secs_f64() * 1000.0;
            out.push_str(&format!("  {phase:<16} {ms:>10.1} ms\n"));
        }
        out
    }
}

/// 1 when a verdict fails the gate: a must/shall breach (with `--strict`
/// any breach, a contested clause or a warning that is not acknowledged)
/// that is not accepted
/// (every finding waived or in the baseline). With `--strict`, expired and
/// stale waivers fail too. An empty run fails only under `--strict`.
fn exit_code(doc: &Document, strict: bool) -> Exit {
    let failing = doc.reports.iter().any(|r| {
        r.verdicts.iter().any(|v| {
            !v.accepted
                && match v.verdict {
                    Verdict::Breached => v.level == Level::Error || strict,
                    Verdict::Contested => strict,
                    _ => false,
                }
        }) || (strict && r.warnings.iter().any(proviso::Warning::open))
    }) || (strict && doc.warnings.iter().any(proviso::Warning::open));
    let strict_only = strict && (!doc.waivers.is_empty() || doc.reports.is_empty());
    if failing || strict_only {
        Exit::Breached
    } else {
        Exit::Compliant
    }
}
