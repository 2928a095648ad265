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
    if let Err(message) = write_output(args, &doc, &warnings, color) {
        let mut err = anstream::stderr();
        let _ = write!(
            err,
            "{}",
            render::render(&[Diagnostic::error(message)], color)
        );
        return Exit::Input;
    }
    exit_code(&doc, args.strict)
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
