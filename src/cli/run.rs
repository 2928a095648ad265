//! `proviso check`: find, read, parse, load, check, gate, report.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use proviso::diag::render;
use proviso::gate::{baseline, findings, waivers};
use proviso::topology::{load, markdown};
use proviso::{Agreement, Diagnostic, Document, Errors, Level, Topology, Verdict};

use super::Exit;
use super::args::{CheckArgs, Cli, Command, Format};
use super::discover::{self, Found};
use super::progress::Progress;

/// The name of the waiver file looked for beside each agreement.
const DEFAULT_WAIVERS: &str = "proviso-waivers.yaml";

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Exit {
    match cli.command {
        Command::Check(args) => check(&args),
        Command::Completions { shell } => super::generate::completions(shell),
        Command::Man => super::generate::man(),
    }
}

/// One topology to check: its name in the report, the file its
/// `agreement:` is relative to, and the loaded graph.
struct Unit {
    label: String,
    file: PathBuf,
    topology: Topology,
}

/// What a run gathers before it reports.
struct Run<'a> {
    args: &'a CheckArgs,
    as_of: chrono::NaiveDate,
    agreements: BTreeMap<PathBuf, Result<Agreement, Errors>>,
    doc: Document,
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
    notes: Vec<String>,
    timings: Timings,
}

fn check(args: &CheckArgs) -> Exit {
    let mut run = Run {
        args,
        as_of: args
            .as_of
            .unwrap_or_else(|| chrono::Local::now().date_naive()),
        agreements: BTreeMap::new(),
        doc: Document {
            reports: Vec::new(),
            waivers: Vec::new(),
            baseline: None,
        },
        errors: Vec::new(),
        warnings: Vec::new(),
        notes: Vec::new(),
        timings: Timings::default(),
    };
    let files = discover::discover(&args.topologies).unwrap_or_else(|e| {
        run.errors.extend(e);
        Vec::new()
    });
    let progress = Progress::new(&files);
    for found in &files {
        progress.phase("loading", &found.path);
        for unit in run.units(found) {
            progress.phase("checking", &found.path);
            run.check_unit(unit);
        }
        progress.done(&found.path);
    }
    progress.clear();
    run.gate();
    run.finish()
}

impl Run<'_> {
    /// The topologies in one file: none (skipped or broken), one, or one
    /// per `proviso` block of a Markdown doc.
    fn units(&mut self, found: &Found) -> Vec<Unit> {
        let clock = Instant::now();
        let read = proviso::input::read(&found.path, self.args.max_input_size);
        self.timings.add(&found.path, "read", clock.elapsed());
        let src = match read {
            Ok(s) => s,
            Err(e) => {
                self.errors.extend(e.0);
                return Vec::new();
            }
        };
        let display = src.path().to_string();
        if display.to_ascii_lowercase().ends_with(".md") {
            return self.markdown_units(&found.path, &src);
        }
        let kind = load::Kind::of_path(&display).unwrap_or(load::Kind::Yaml);
        if !found.explicit && !load::looks_like_topology(src.text(), kind) {
            self.notes
                .push(format!("skipped `{display}`: its top level has no `nodes`"));
            return Vec::new();
        }
        let clock = Instant::now();
        let loaded = load::from_source(&src, kind);
        self.timings.add(&found.path, "load", clock.elapsed());
        self.load(loaded, display, &found.path)
            .into_iter()
            .collect()
    }

    fn markdown_units(&mut self, path: &Path, doc: &proviso::SourceRef) -> Vec<Unit> {
        let blocks = match markdown::blocks(doc) {
            Ok(b) => b,
            Err(d) => {
                self.errors.push(d);
                return Vec::new();
            }
        };
        if blocks.is_empty() {
            self.notes.push(format!(
                "skipped `{}`: no ```proviso or ```yaml proviso block",
                doc.path()
            ));
        }
        let mut out = Vec::new();
        for b in blocks {
            let label = format!("{}#{}", doc.path(), b.index);
            out.extend(self.load(load::yaml(&b.source), label, path));
        }
        out
    }

    fn load(&mut self, t: Result<Topology, Errors>, label: String, file: &Path) -> Option<Unit> {
        match t {
            Ok(topology) => Some(Unit {
                label,
                file: file.to_path_buf(),
                topology,
            }),
            Err(e) => {
                self.errors.extend(e.0);
                None
            }
        }
    }

    fn check_unit(&mut self, unit: Unit) {
        if self.args.load_only {
            return;
        }
        let Some(ag_path) = agreement_path(self.args, &unit.file, &unit.topology, &mut self.errors)
        else {
            return;
        };
        let max = self.args.max_input_size;
        let timings = &mut self.timings;
        let agreement = self.agreements.entry(ag_path.clone()).or_insert_with(|| {
            let clock = Instant::now();
            let ag = proviso::input::read(&ag_path, max)
                .and_then(|src| proviso::syntax::parse_agreement(&src));
            timings.add(&ag_path, "agreement", clock.elapsed());
            ag
        });
        let agreement = match agreement {
            Ok(a) => a,
            Err(e) => {
                // Report an agreement's errors once, however many topologies use it.
                self.errors.append(&mut e.0);
                return;
            }
        };
        let options = proviso::engine::Options {
            as_of: self.as_of,
            max_witnesses: self.args.max_witnesses,
        };
        let mut checked = proviso::engine::check(agreement, &unit.topology, &options);
        for (phase, took) in &checked.timings {
            self.timings.add(&unit.file, phase, *took);
        }
        checked.report.topology = unit.label;
        self.warnings.extend(checked.warnings);
        self.doc.reports.push(checked.report);
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
        waivers::apply(&mut self.doc, &all, self.as_of);
        if let Some(path) = &self.args.baseline {
            match proviso::input::read(path, self.args.max_input_size)
                .and_then(|src| baseline::parse(&src))
            {
                Ok(b) => baseline::apply(&mut self.doc, &b),
                Err(e) => self.errors.extend(e.0),
            }
        }
        findings::mark_accepted(&mut self.doc);
    }

    /// `--waivers`, else `proviso-waivers.yaml` beside each agreement used.
    fn waiver_files(&self) -> Vec<PathBuf> {
        if let Some(w) = &self.args.waivers {
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
        let color =
            anstream::AutoStream::choice(&std::io::stderr()) != anstream::ColorChoice::Never;
        let mut err = anstream::stderr();
        if self.args.timings {
            let _ = write!(err, "{}", self.timings.render());
        }
        if self.args.verbose {
            for n in &self.notes {
                let _ = writeln!(err, "note: {n}");
            }
        }
        if !self.errors.is_empty() {
            let _ = write!(err, "{}", render::render(&self.errors, color));
            let n = self.errors.len();
            let _ = writeln!(
                err,
                "error: {n} problem{} in the input; nothing was checked for the files above",
                if n == 1 { "" } else { "s" }
            );
            return Exit::Input;
        }
        if let Some(path) = &self.args.write_baseline
            && let Err(e) = std::fs::write(path, proviso::report::json::render(&self.doc))
        {
            let message = write_error(path, &e);
            let _ = write!(
                err,
                "{}",
                render::render(&[Diagnostic::error(message)], color)
            );
            return Exit::Input;
        }
        if self.args.load_only {
            return Exit::Compliant;
        }
        if self.doc.reports.is_empty() {
            let _ = writeln!(
                err,
                "warning: no topology found in the paths given; nothing was checked{}",
                if self.args.verbose {
                    ""
                } else {
                    " (`--verbose` says what was skipped)"
                }
            );
        }
        if let Err(message) = write_output(self.args, &self.doc, &self.warnings, color) {
            let _ = write!(
                err,
                "{}",
                render::render(&[Diagnostic::error(message)], color)
            );
            return Exit::Input;
        }
        exit_code(&self.doc, self.args.strict)
    }
}

/// Writes the report: the chosen format to stdout, or with `--output` to
/// the file while stdout gets the human view; the GitHub format also
/// appends its Markdown job summary to `$GITHUB_STEP_SUMMARY` when set.
fn write_output(
    args: &CheckArgs,
    doc: &Document,
    warnings: &[Diagnostic],
    color: bool,
) -> Result<(), String> {
    let format = proviso::report::Format::from(args.format);
    let terminal = if args.output.is_some() {
        Format::Human
    } else {
        args.format
    };
    if let Some(path) = &args.output {
        let text = proviso::report::render(format, doc, args.strict, false);
        std::fs::write(path, text).map_err(|e| write_error(path, &e))?;
    }
    if terminal == Format::Human && !warnings.is_empty() {
        let _ = write!(anstream::stderr(), "{}", render::render(warnings, color));
    }
    let out_color =
        anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never;
    let text = proviso::report::render(terminal.into(), doc, args.strict, out_color);
    let mut out = anstream::stdout();
    let _ = write!(out, "{text}");
    let _ = out.flush();
    if args.format == Format::Github
        && let Some(summary) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|s| !s.is_empty())
    {
        let path = PathBuf::from(summary);
        let md =
            proviso::report::render(proviso::report::Format::Markdown, doc, args.strict, false);
        append(&path, &md).map_err(|e| write_error(&path, &e))?;
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
                out.push_str(&format!("timings for `{f}`:\n"));
                file = f;
            }
            let ms = took.as_secs_f64() * 1000.0;
            out.push_str(&format!("  {phase:<16} {ms:>10.1} ms\n"));
        }
        out
    }
}

/// The agreement for a topology: `--agreement`, else its `agreement:` key
/// relative to the topology file (for a Markdown block, the doc).
fn agreement_path(
    args: &CheckArgs,
    topo_path: &Path,
    topo: &Topology,
    errors: &mut Vec<Diagnostic>,
) -> Option<PathBuf> {
    if let Some(a) = &args.agreement {
        return Some(a.clone());
    }
    match &topo.agreement {
        Some((rel, _)) => {
            let dir = topo_path.parent().unwrap_or(Path::new(""));
            Some(proviso::input::normalize(&dir.join(rel)))
        }
        None => {
            errors.push(
                Diagnostic::error(format!(
                    "no agreement to check `{}` against",
                    topo.source.path()
                ))
                .help("add `agreement: path/to/file.contract` to the topology (relative to it), or pass `--agreement FILE`"),
            );
            None
        }
    }
}

/// 1 when a verdict fails the gate: a must/shall breach (with `--strict`
/// any breach, a contested clause or a warning) that is not accepted
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
        }) || (strict && !r.warnings.is_empty())
    });
    let strict_only = strict && (!doc.waivers.is_empty() || doc.reports.is_empty());
    if failing || strict_only {
        Exit::Breached
    } else {
        Exit::Compliant
    }
}
