//! `proviso explain` and `proviso graph`: one topology, its agreement,
//! one clause, read and judged as `check` would, then shown.

// Diagnostics travel only on the cold error path (as in the library).
#![allow(clippy::result_large_err)]

use std::path::{Path, PathBuf};

use proviso::authoring::{explain, graph};
use proviso::topology::{load, markdown};
use proviso::{Agreement, Diagnostic, Errors, Topology};

use super::Exit;
use super::args::{ExplainArgs, ExplainFormat, GraphArgs, GraphFormat};

/// A topology and the agreement that judges it.
struct Loaded {
    topology: Topology,
    label: String,
    agreement: Agreement,
}

/// Reads the topology (a YAML or JSON file, or block `block` of a
/// Markdown doc) and its agreement: `--agreement`, else the topology's
/// own `agreement:` key, under the same rules as `check` (a `.contract`
/// file inside the repository).
fn load_pair(
    path: &Path,
    block: Option<usize>,
    agreement: Option<&Path>,
    max: u64,
) -> Result<Loaded, Errors> {
    let src = proviso::input::read(path, max)?;
    let lower = src.path().to_ascii_lowercase();
    let (topology, label) = if lower.ends_with(".md") || lower.ends_with(".markdown") {
        let blocks = markdown::blocks(&src)?;
        let want = block.unwrap_or(1);
        let n = blocks.len();
        let Some(b) = blocks.into_iter().find(|b| b.index == want) else {
            return Err(Diagnostic::error(format!(
                "`{}` has no proviso block {want}",
                proviso::escape::display(src.path())
            ))
            .help(if n == 0 {
                "mark the topology's block ```yaml proviso".to_string()
            } else {
                format!(
                    "the doc has {n} block{}: pass `--block 1` to `--block {n}`",
                    if n == 1 { "" } else { "s" }
                )
            })
            .into());
        };
        (
            load::yaml(&b.source)?,
            format!("{}#{}", src.path(), b.index),
        )
    } else {
        if block.is_some() {
            return Err(
                Diagnostic::error("`--block` picks a block of a Markdown doc")
                    .help("name a `.md` doc, or leave `--block` out")
                    .into(),
            );
        }
        let kind = load::Kind::of_path(src.path()).unwrap_or(load::Kind::Yaml);
        (load::from_source(&src, kind)?, src.path().to_string())
    };
    let ag_path: PathBuf = match (agreement, &topology.agreement) {
        (Some(a), _) => a.to_path_buf(),
        (None, Some((rel, span))) => {
            let dir = path.parent().unwrap_or(Path::new(""));
            let named = proviso::input::normalize(&dir.join(rel));
            let root = super::run::git_top().unwrap_or_else(|| PathBuf::from("."));
            super::run::confined(rel, &named, &root).map_err(|why| {
                Diagnostic::error(format!(
                    "the agreement `{}` {why}",
                    proviso::escape::display(rel)
                ))
                .at(&topology.source, span.clone(), "not allowed here")
                .help("name a `.contract` file inside the repository, or pass `--agreement FILE`")
            })?;
            named
        }
        (None, None) => {
            return Err(Diagnostic::error(format!(
                "no agreement to judge `{}` by",
                proviso::escape::display(&label)
            ))
            .help("pass `--agreement FILE`, or add an `agreement:` key to the topology")
            .into());
        }
    };
    let agreement = proviso::input::read(&ag_path, max)
        .and_then(|src| proviso::syntax::parse_agreement(&src))?;
    Ok(Loaded {
        topology,
        label,
        agreement,
    })
}

/// The clause `id`, or an error with the nearest id.
fn find_clause<'a>(
    ag: &'a Agreement,
    id: &str,
) -> Result<(usize, &'a proviso::syntax::ast::Clause), Errors> {
    if let Some(found) = ag.clauses.iter().enumerate().find(|(_, c)| c.id.node == id) {
        if found.1.modal.node.is_permission() {
            return Err(Diagnostic::error(format!(
                "clause {} is a permission: it is not judged, it excuses paths of {}",
                proviso::escape::display(id),
                found
                    .1
                    .notwithstanding
                    .iter()
                    .map(|c| c.node.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
            .at(&ag.source, found.1.id.span.clone(), "a permission")
            .help("explain a clause it names: its report lists the paths this permission excuses")
            .into());
        }
        return Ok(found);
    }
    let ids: Vec<&str> = ag.clauses.iter().map(|c| c.id.node.as_str()).collect();
    let help = proviso::diag::suggest::help_line(id, ids.iter().copied()).unwrap_or_else(|| {
        format!(
            "the agreement's clauses are {}",
            proviso::diag::suggest::list(&ids, 8)
        )
    });
    Err(Diagnostic::error(format!(
        "the agreement `{}` has no clause `{}`",
        proviso::escape::display(ag.source.path()),
        proviso::escape::display(id)
    ))
    .help(help)
    .into())
}

fn judged(
    l: &Loaded,
    as_of: chrono::NaiveDate,
    clause_ix: usize,
) -> proviso::report::model::ClauseVerdict {
    let mut ag = l.agreement.clone();
    // Keep the clause and the permissions (they excuse its paths).
    let id = ag.clauses[clause_ix].id.node.clone();
    ag.clauses
        .retain(|c| c.id.node == id || c.modal.node.is_permission());
    let options = proviso::engine::Options {
        as_of,
        max_witnesses: proviso::engine::DEFAULT_MAX_WITNESSES,
        label: Some(l.label.clone()),
    };
    let checked = proviso::engine::check(&ag, &l.topology, &options);
    checked
        .report
        .verdicts
        .into_iter()
        .find(|v| v.clause == id)
        .expect("a clause that is not a permission gets a verdict")
}

/// `proviso explain`.
pub fn explain(args: &ExplainArgs) -> Exit {
    let result = (|| -> Result<String, Errors> {
        let l = load_pair(
            &args.topology,
            args.block,
            args.agreement.as_deref(),
            args.max_input_size,
        )?;
        let (ix, clause) = find_clause(&l.agreement, &args.clause)?;
        let as_of = args
            .as_of
            .unwrap_or_else(|| chrono::Local::now().date_naive());
        let verdict = judged(&l, as_of, ix);
        let e = explain::explain(
            &l.agreement,
            &l.topology,
            clause,
            &verdict,
            &l.label,
            &as_of.format("%Y-%m-%d").to_string(),
        );
        Ok(match args.format {
            ExplainFormat::Human => explain::human(&e),
            ExplainFormat::Json => explain::json(&e),
        })
    })();
    match result {
        Ok(text) => {
            super::run::print_stdout(&text);
            Exit::Compliant
        }
        Err(e) => super::run::report_errors(&e.0),
    }
}

/// `proviso graph`.
pub fn graph(args: &GraphArgs) -> Exit {
    let result = (|| -> Result<String, Errors> {
        let needs_agreement = args.clause.is_some();
        let l = if needs_agreement {
            load_pair(
                &args.topology,
                args.block,
                args.agreement.as_deref(),
                args.max_input_size,
            )?
        } else {
            // Without a clause only the topology is drawn: no agreement is read.
            let src = proviso::input::read(&args.topology, args.max_input_size)?;
            let lower = src.path().to_ascii_lowercase();
            let topology = if lower.ends_with(".md") || lower.ends_with(".markdown") {
                let want = args.block.unwrap_or(1);
                let blocks = markdown::blocks(&src)?;
                let n = blocks.len();
                let b = blocks
                    .into_iter()
                    .find(|b| b.index == want)
                    .ok_or_else(|| {
                        Errors::from(
                            Diagnostic::error(format!(
                                "`{}` has no proviso block {want}",
                                proviso::escape::display(src.path())
                            ))
                            .help(format!(
                                "the doc has {n} proviso block{}",
                                if n == 1 { "" } else { "s" }
                            )),
                        )
                    })?;
                load::yaml(&b.source)?
            } else {
                let kind = load::Kind::of_path(src.path()).unwrap_or(load::Kind::Yaml);
                load::from_source(&src, kind)?
            };
            return Ok(match args.format {
                GraphFormat::Dot => graph::dot(&topology, None),
                GraphFormat::Mermaid => graph::mermaid(&topology, None),
            });
        };
        let id = args.clause.as_deref().unwrap_or_default();
        let (ix, clause) = find_clause(&l.agreement, id)?;
        let as_of = args
            .as_of
            .unwrap_or_else(|| chrono::Local::now().date_naive());
        let verdict = judged(&l, as_of, ix);
        let overlay = graph::overlay(&l.agreement, &l.topology, clause, &verdict);
        Ok(match args.format {
            GraphFormat::Dot => graph::dot(&l.topology, Some(&overlay)),
            GraphFormat::Mermaid => graph::mermaid(&l.topology, Some(&overlay)),
        })
    })();
    match result {
        Ok(text) => {
            super::run::print_stdout(&text);
            Exit::Compliant
        }
        Err(e) => super::run::report_errors(&e.0),
    }
}
