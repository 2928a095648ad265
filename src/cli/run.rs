//! `proviso check`: read, parse, load, check, report.

use std::collections::HashMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use proviso::diag::render;
use proviso::{Agreement, Diagnostic, Document, Errors, Level, Verdict};

use super::Exit;
use super::args::{CheckArgs, Cli, Command, Format};

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Exit {
    match cli.command {
        Command::Check(args) => check(&args),
    }
}

fn check(args: &CheckArgs) -> Exit {
    let as_of = args
        .as_of
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let mut agreements: HashMap<PathBuf, Result<Agreement, Errors>> = HashMap::new();
    let mut doc = Document {
        reports: Vec::new(),
        waivers: Vec::new(),
        baseline: None,
    };
    let mut errors: Vec<Diagnostic> = Vec::new();
    let mut warnings: Vec<Diagnostic> = Vec::new();
    let mut timings = Timings::default();
    for path in &args.topologies {
        let clock = Instant::now();
        let topo = proviso::input::read(path, args.max_input_size).and_then(|src| {
            timings.add(path, "read", clock.elapsed());
            let clock = Instant::now();
            let topo = load_topology(&src);
            timings.add(path, "load", clock.elapsed());
            topo
        });
        let topo = match topo {
            Ok(t) => t,
            Err(e) => {
                errors.extend(e.0);
                continue;
            }
        };
        if args.load_only {
            continue;
        }
        let Some(ag_path) = agreement_path(args, path, &topo, &mut errors) else {
            continue;
        };
        let agreement = agreements.entry(ag_path.clone()).or_insert_with(|| {
            let clock = Instant::now();
            let ag = proviso::input::read(&ag_path, args.max_input_size)
                .and_then(|src| proviso::syntax::parse_agreement(&src));
            timings.add(&ag_path, "agreement", clock.elapsed());
            ag
        });
        let agreement = match agreement {
            Ok(a) => a,
            Err(e) => {
                // Report an agreement's errors once, however many topologies use it.
                if !e.0.is_empty() {
                    errors.append(&mut e.0);
                }
                continue;
            }
        };
        let checked = proviso::check(agreement, &topo, as_of);
        for (phase, took) in &checked.timings {
            timings.add(path, phase, *took);
        }
        warnings.extend(checked.warnings);
        doc.reports.push(checked.report);
    }
    if args.timings {
        let _ = write!(anstream::stderr(), "{}", timings.render());
    }
    let color = anstream::AutoStream::choice(&std::io::stderr()) != anstream::ColorChoice::Never;
    if !errors.is_empty() {
        let mut err = anstream::stderr();
        let _ = write!(err, "{}", render::render(&errors, color));
        let n = errors.len();
        let _ = writeln!(
            err,
            "error: {n} problem{} in the input; nothing was checked for the files above",
            if n == 1 { "" } else { "s" }
        );
        return Exit::Input;
    }
    if args.load_only {
        return Exit::Compliant;
    }
    let mut out = anstream::stdout();
    let out_color =
        anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never;
    match args.format {
        Format::Human => {
            if !warnings.is_empty() {
                let mut err = anstream::stderr();
                let _ = write!(err, "{}", render::render(&warnings, color));
            }
            let _ = write!(out, "{}", proviso::report::human::render(&doc, out_color));
        }
        Format::Json => {
            let _ = write!(out, "{}", proviso::report::json::render(&doc));
        }
    }
    let _ = out.flush();
    exit_code(&doc, args.strict)
}

/// A topology by its file name: `*.json` is JSON, anything else YAML.
fn load_topology(src: &proviso::SourceRef) -> Result<proviso::Topology, proviso::Errors> {
    let is_json = Path::new(src.path())
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    if is_json {
        proviso::topology::json::json(src)
    } else {
        proviso::topology::load::yaml(src)
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
/// relative to the topology file.
fn agreement_path(
    args: &CheckArgs,
    topo_path: &Path,
    topo: &proviso::Topology,
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

fn exit_code(doc: &Document, strict: bool) -> Exit {
    let failing = doc.reports.iter().any(|r| {
        r.verdicts.iter().any(|v| match v.verdict {
            Verdict::Breached => v.level == Level::Error || strict,
            Verdict::Contested => strict,
            _ => false,
        }) || (strict && !r.warnings.is_empty())
    });
    if failing {
        Exit::Breached
    } else {
        Exit::Compliant
    }
}
