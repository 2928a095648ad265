//! `proviso test`: run the cases of test files, compare, report.
//!
//! Reading files is all this module does beyond the library: each case's
//! topology (a file, or the block written in the case) and agreement
//! (named by the case, the file, or the topology's own `agreement:`),
//! each agreement parsed once. Every input error of every file is
//! reported together (exit 2) before anything is judged.

// Diagnostics travel only on the cold error path (as in the library).
#![allow(clippy::result_large_err)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use proviso::authoring::judge::{self, Actual};
use proviso::authoring::outcome::{self, CaseResult, Coverage, FileResult};
use proviso::authoring::spec::{self, Case, Spec, TopologyRef};
use proviso::authoring::update;
use proviso::engine::sets::{self, Role};
use proviso::report::model::{Level, Report, Verdict};
use proviso::topology::load;
use proviso::{Agreement, Diagnostic, Errors, Topology};

use super::Exit;
use super::args::{TestArgs, TestFormat};

/// What one case gave.
struct Ran {
    report: Report,
    warnings: Vec<String>,
    exit: u8,
    empty: Vec<(String, Vec<String>)>,
    agreement: PathBuf,
}

/// Runs `proviso test`.
pub fn test(args: &TestArgs) -> Exit {
    let mut errors: Vec<Diagnostic> = Vec::new();
    let files = match test_files(&args.paths) {
        Ok(f) => f,
        Err(e) => return super::run::report_errors(&e.0),
    };
    let mut agreements: BTreeMap<PathBuf, Result<Agreement, Errors>> = BTreeMap::new();
    let mut results = Vec::new();
    let mut updated = Vec::new();
    for file in &files {
        let spec = match proviso::input::read(file, args.max_input_size)
            .and_then(|src| spec::parse(&src))
        {
            Ok(s) => s,
            Err(e) => {
                errors.extend(e.0);
                continue;
            }
        };
        let mut ran = Vec::new();
        let mut failed_input = false;
        for case in &spec.cases {
            match run_case(file, &spec, case, args, &mut agreements) {
                Ok(r) => ran.push(r),
                Err(e) => {
                    failed_input = true;
                    errors.extend(e);
                }
            }
        }
        if failed_input {
            continue;
        }
        let mut cases = Vec::new();
        for (case, r) in spec.cases.iter().zip(&ran) {
            let actual = Actual {
                report: &r.report,
                warnings: r.warnings.clone(),
                exit: r.exit,
                empty: r.empty.clone(),
            };
            match judge::judge(&spec.source, case, &actual) {
                Ok(m) => cases.push(CaseResult {
                    name: case.name.value.clone(),
                    location: spec.source.location(&case.span),
                    topology: r.report.topology.clone(),
                    clauses: compared(case, &r.report),
                    mismatches: m
                        .into_iter()
                        .map(|m| (spec.source.location(&m.at), m))
                        .collect(),
                }),
                Err(e) => {
                    failed_input = true;
                    errors.extend(e);
                }
            }
        }
        if failed_input {
            continue;
        }
        let stale = cases.iter().any(|c| !c.mismatches.is_empty())
            || spec.cases.iter().any(|c| c.verdicts.is_none());
        if args.update && stale {
            let found: Vec<update::Found<'_>> = ran
                .iter()
                .map(|r| update::Found {
                    report: &r.report,
                    warnings: r.warnings.clone(),
                    exit: r.exit,
                })
                .collect();
            let text = update::rewrite(&spec, &found);
            if text != spec.source.text() {
                if let Err(e) = std::fs::write(file, &text) {
                    errors.push(Diagnostic::error(format!(
                        "cannot write `{}`: {}",
                        file.display(),
                        e.to_string().to_lowercase()
                    )));
                    continue;
                }
                updated.push(proviso::input::display_path(file));
            }
            // What is left is what rewriting cannot fix (a vacuous pass).
            for c in &mut cases {
                c.mismatches.retain(|(_, m)| m.actual == "holds vacuously");
            }
        }
        results.push((spec, ran, cases));
    }
    if !errors.is_empty() {
        let n = errors.len();
        let mut all = errors;
        all.push(Diagnostic::error(format!(
            "{n} problem{} in the test input; no case was judged",
            if n == 1 { "" } else { "s" }
        )));
        return super::run::report_errors(&all);
    }
    let coverage = args.coverage.then(|| coverage(&results, &agreements));
    let file_results: Vec<FileResult> = results
        .iter()
        .map(|(spec, _, cases)| FileResult {
            path: spec.source.path().to_string(),
            cases: cases.clone(),
        })
        .collect();
    let mut text = match args.format {
        TestFormat::Human => outcome::human(&file_results, coverage.as_ref()),
        TestFormat::Junit => outcome::junit(&file_results, coverage.as_ref()),
    };
    if args.format == TestFormat::Human {
        for u in &updated {
            text.push_str(&format!("updated {}\n", proviso::escape::display(u)));
        }
    }
    super::run::print_stdout(&text);
    let (_, failed) = outcome::counts(&file_results);
    if failed > 0 {
        Exit::Breached
    } else {
        Exit::Compliant
    }
}

/// How many clauses a case compares a verdict of.
fn compared(case: &Case, report: &Report) -> usize {
    let Some(v) = &case.verdicts else { return 0 };
    if v.iter().any(|(k, _)| k.value == "*") {
        report.verdicts.len()
    } else {
        v.len()
    }
}

/// The test files: each file named, and every `*.proviso-test.yaml`
/// under each directory (sorted; hidden and ignored files skipped).
fn test_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Errors> {
    let paths = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for p in &paths {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = ignore::WalkBuilder::new(p)
                .sort_by_file_name(|a, b| a.cmp(b))
                .build()
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
                .map(|e| e.into_path())
                .filter(|f| f.to_string_lossy().ends_with(spec::SUFFIX))
                .collect();
            if found.is_empty() {
                errors.push(
                    Diagnostic::error(format!(
                        "no test file in `{}`",
                        proviso::escape::display(&proviso::input::display_path(p))
                    ))
                    .help(format!("test files are named `*{}`", spec::SUFFIX)),
                );
            }
            found.sort();
            out.extend(found);
        } else if p.is_file() {
            out.push(p.clone());
        } else {
            errors.push(
                Diagnostic::error(format!(
                    "`{}` does not exist",
                    proviso::escape::display(&proviso::input::display_path(p))
                ))
                .help(format!(
                    "name test files (`*{}`) or directories that hold them",
                    spec::SUFFIX
                )),
            );
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(Errors(errors))
    }
}

fn run_case(
    file: &Path,
    spec: &Spec,
    case: &Case,
    args: &TestArgs,
    agreements: &mut BTreeMap<PathBuf, Result<Agreement, Errors>>,
) -> Result<Ran, Vec<Diagnostic>> {
    let dir = file.parent().unwrap_or(Path::new(""));
    let (topology, topo_dir): (Topology, PathBuf) = match &case.topology {
        TopologyRef::Path(p) => {
            let path = proviso::input::normalize(&dir.join(&p.value));
            let src = proviso::input::read(&path, args.max_input_size).map_err(|e| {
                e.0.into_iter()
                    .map(|d| {
                        if d.primary.is_none() {
                            d.at(&spec.source, p.span.clone(), "the topology named here")
                        } else {
                            d
                        }
                    })
                    .collect::<Vec<_>>()
            })?;
            let kind = load::Kind::of_path(src.path()).unwrap_or(load::Kind::Yaml);
            let t = load::from_source(&src, kind).map_err(|e| e.0)?;
            (t, path.parent().unwrap_or(Path::new("")).to_path_buf())
        }
        TopologyRef::Inline(src) => (load::yaml(src).map_err(|e| e.0)?, dir.to_path_buf()),
    };
    let ag_path = match (&case.agreement, &topology.agreement) {
        (Some(a), _) => proviso::input::normalize(&dir.join(&a.value)),
        (None, Some((rel, _))) => proviso::input::normalize(&topo_dir.join(rel)),
        (None, None) => {
            return Err(vec![
                Diagnostic::error(format!(
                    "case `{}` has no agreement to judge its topology by",
                    proviso::escape::display(&case.name.value)
                ))
                .at(&spec.source, case.name.span.clone(), "this case")
                .help("add `agreement: FILE.contract` to the case or the test file, or an `agreement:` key to the topology"),
            ]);
        }
    };
    let parsed = agreements.entry(ag_path.clone()).or_insert_with(|| {
        proviso::input::read(&ag_path, args.max_input_size)
            .and_then(|src| proviso::syntax::parse_agreement(&src))
    });
    let agreement = match parsed {
        Ok(a) => a,
        Err(e) => {
            // Reported once, by the first case that uses it.
            let errs = std::mem::take(&mut e.0);
            if errs.is_empty() {
                return Err(Vec::new());
            }
            return Err(errs);
        }
    };
    let as_of = case
        .as_of
        .as_ref()
        .map_or_else(|| chrono::Local::now().date_naive(), |d| d.value);
    let label = match &case.topology {
        TopologyRef::Path(_) => topology.source.path().to_string(),
        TopologyRef::Inline(_) => format!("{}#{}", spec.source.path(), case.name.value),
    };
    let options = proviso::engine::Options {
        as_of,
        max_witnesses: proviso::engine::DEFAULT_MAX_WITNESSES,
        label: Some(label),
    };
    let checked = proviso::engine::check(agreement, &topology, &options);
    let folded = proviso::engine::fold(agreement, [&checked.absences]);
    let mut warnings: Vec<String> = checked
        .report
        .warnings
        .iter()
        .map(|w| w.code.clone())
        .chain(folded.warnings.into_iter().map(|(c, _)| c))
        .collect();
    warnings.sort();
    let exit = u8::from(
        checked
            .report
            .verdicts
            .iter()
            .any(|v| v.verdict == Verdict::Breached && v.level == Level::Error),
    );
    let empty = agreement
        .clauses
        .iter()
        .filter(|c| !c.modal.node.is_permission())
        .map(|c| {
            let empty: Vec<String> = sets::clause_sets(agreement, &topology, c)
                .into_iter()
                .filter(|s| s.role != Role::Waypoints && s.nodes.is_empty())
                .map(|s| format!("{} `{}`", s.role.as_str(), s.text))
                .collect();
            (c.id.node.clone(), empty)
        })
        .collect();
    Ok(Ran {
        report: checked.report,
        warnings,
        exit,
        empty,
        agreement: ag_path,
    })
}

fn coverage(
    results: &[(Spec, Vec<Ran>, Vec<CaseResult>)],
    agreements: &BTreeMap<PathBuf, Result<Agreement, Errors>>,
) -> Coverage {
    let mut cov = Coverage::default();
    for (path, ag) in agreements {
        let Ok(ag) = ag else { continue };
        let runs: Vec<&Ran> = results
            .iter()
            .flat_map(|(_, ran, _)| ran)
            .filter(|r| &r.agreement == path)
            .collect();
        let clauses = ag
            .clauses
            .iter()
            .filter(|c| !c.modal.node.is_permission())
            .map(|c| {
                let id = &c.id.node;
                let verdicts = runs
                    .iter()
                    .flat_map(|r| r.report.verdicts.iter().filter(|v| &v.clause == id));
                let held = verdicts.clone().any(|v| v.verdict == Verdict::Holds);
                let failed = verdicts
                    .into_iter()
                    .any(|v| matches!(v.verdict, Verdict::Breached | Verdict::Contested));
                (id.clone(), held, failed)
            })
            .collect();
        cov.agreements
            .push((proviso::input::display_path(path), clauses));
    }
    cov
}
