//! `proviso check`: read, parse, load, check, report.

use std::collections::HashMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

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
    for path in &args.topologies {
        let topo = match proviso::input::read(path, args.max_input_size)
            .and_then(|src| proviso::topology::load::yaml(&src))
        {
            Ok(t) => t,
            Err(e) => {
                errors.extend(e.0);
                continue;
            }
        };
        let Some(ag_path) = agreement_path(args, path, &topo, &mut errors) else {
            continue;
        };
        let agreement = agreements.entry(ag_path.clone()).or_insert_with(|| {
            proviso::input::read(&ag_path, args.max_input_size)
                .and_then(|src| proviso::syntax::parse_agreement(&src))
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
        warnings.extend(checked.warnings);
        doc.reports.push(checked.report);
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
