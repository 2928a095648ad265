//! Permissions: `may` clauses and the clauses they override.
//!
//! A permission excuses paths of the clauses it names (`notwithstanding
//! 4.2, 4.6`), so each of those must exist and be judged by paths; a
//! permission that names nothing, or a `notwithstanding` on an obligation,
//! would read as a carve-out and change no verdict. A permission grants
//! paths, so it is a route (`... may route via W`) or an access form
//! (`S may have access to T`). At most [`MAX_PER_CLAUSE`] permissions may
//! name one clause: the engine tracks, per path, which of them still
//! covers it, and that state grows as 3^k.

use std::collections::HashMap;

use crate::diag::{Diagnostic, suggest};
use crate::syntax::ast::{Agreement, Clause, Form};

/// The most permissions that may name the same clause.
pub const MAX_PER_CLAUSE: usize = 3;

/// Every problem with `may`, `notwithstanding`, `only` and `direct`.
pub fn check(ag: &Agreement, errors: &mut Vec<Diagnostic>) {
    let src = &ag.source;
    let ids: HashMap<&str, &Clause> = ag.clauses.iter().map(|c| (c.id.node.as_str(), c)).collect();
    let mut named: HashMap<&str, usize> = HashMap::new();
    for clause in &ag.clauses {
        let modal = clause.modal.node;
        shape(ag, clause, errors);
        if !modal.is_permission() {
            if let Some(first) = clause.notwithstanding.first() {
                errors.push(
                    Diagnostic::error("only a permission overrides other clauses")
                        .at(src, first.span.clone(), "`notwithstanding` on an obligation")
                        .also(src, clause.modal.span.clone(), "this clause is an obligation")
                        .help(format!(
                            "a carve-out says `may`: `clause {} notwithstanding {}: ... may route via ...`",
                            clause.id.node, first.node
                        )),
                );
            }
            continue;
        }
        if modal.negated {
            errors.push(
                Diagnostic::error("`may not` is ambiguous")
                    .at(
                        src,
                        clause.modal.span.clone(),
                        "a prohibition or a permission?",
                    )
                    .help("say `must not` for a prohibition; a permission says `may`"),
            );
        }
        if clause.notwithstanding.is_empty() {
            errors.push(
                Diagnostic::error(format!(
                    "permission `{}` does not say which clauses it overrides",
                    clause.id.node
                ))
                .at(
                    src,
                    clause.modal.span.clone(),
                    "a `may` clause without `notwithstanding`",
                )
                .help(format!(
                    "name them: `clause {} notwithstanding 4.2: ...`",
                    clause.id.node
                )),
            );
        }
        if !matches!(clause.form, Form::Route { .. } | Form::Access { .. }) {
            errors.push(
                Diagnostic::error("a permission grants paths")
                    .at(src, clause.body.0.clone(), format!("a {} clause cannot be permitted", clause.form.name()))
                    .help("write it as `api access from S to T may route via W` or `S may have api access to T`"),
            );
        }
        for target in &clause.notwithstanding {
            let Some(other) = ids.get(target.node.as_str()) else {
                let mut known: Vec<&str> = ids.keys().copied().collect();
                known.sort();
                errors.push(
                    Diagnostic::error(format!("unknown clause `{}`", target.node))
                        .at(src, target.span.clone(), "no clause has this number")
                        .maybe_help(suggest::help_line(&target.node, known.iter().copied())),
                );
                continue;
            };
            if let Some(why) = not_excusable(other) {
                errors.push(
                    Diagnostic::error(format!("clause `{}` cannot be overridden by a permission", target.node))
                        .at(src, target.span.clone(), why)
                        .also(src, other.id.span.clone(), "the clause")
                        .help("a permission excuses paths: it can override route, isolation, dependency and containment clauses"),
                );
                continue;
            }
            let n = named.entry(other.id.node.as_str()).or_default();
            *n += 1;
            if *n == MAX_PER_CLAUSE + 1 {
                errors.push(
                    Diagnostic::error(format!(
                        "more than {MAX_PER_CLAUSE} permissions override clause `{}`",
                        target.node
                    ))
                    .at(src, target.span.clone(), "one too many")
                    .help("merge permissions that grant the same paths, for example with `or` in their sets"),
                );
            }
        }
    }
}

/// Why a permission cannot excuse `clause`, if it cannot.
fn not_excusable(clause: &Clause) -> Option<&'static str> {
    let negated = clause.modal.node.negated;
    if clause.modal.node.is_permission() {
        return Some("it is a permission itself");
    }
    match clause.form {
        Form::Route { .. } | Form::Stay { .. } => None,
        Form::Access { .. } | Form::Depend { .. } if negated => None,
        Form::Access { .. } | Form::Depend { .. } => {
            Some("it requires access rather than forbidding paths")
        }
        _ => Some("it is judged node by node, not by paths"),
    }
}

/// `route only via` and `direct` where they make no sense.
fn shape(ag: &Agreement, clause: &Clause, errors: &mut Vec<Diagnostic>) {
    let src = &ag.source;
    if let Form::Route { only: true, .. } = clause.form
        && (clause.modal.node.negated || clause.modal.node.is_permission())
    {
        errors.push(
            Diagnostic::error(format!(
                "`{} route only via` makes no sense",
                clause.modal.node.as_str()
            ))
            .at(
                src,
                clause.modal.span.clone(),
                "`only via` is an obligation",
            )
            .help("say `must route only via W`, or `must not route via W` to forbid a waypoint"),
        );
    }
    if matches!(clause.form, Form::Span { .. } | Form::Share { .. }) && clause.modal.node.negated {
        errors.push(
            Diagnostic::error(format!(
                "`{}` with a count is ambiguous",
                clause.modal.node.as_str()
            ))
            .at(src, clause.modal.span.clone(), "negated count")
            .help("state the bound you mean: `must span at least 3 distinct region` for `must not span at most 2`, `at most 20% of ...` for `not at least 80%`"),
        );
    }
    if let (Some(direct), Some(indirect)) = (&clause.direct, &clause.indirect) {
        errors.push(
            Diagnostic::error("a clause cannot be both direct and `directly or indirectly`")
                .at(src, direct.0.clone(), "direct paths only")
                .also(src, indirect.0.clone(), "every path")
                .help("keep one of them"),
        );
    }
    if let Some(direct) = &clause.direct
        && clause.modal.node.is_permission()
    {
        errors.push(
            Diagnostic::error("a permission cannot be direct")
                .at(src, direct.0.clone(), "here")
                .help("a carve-out covers every path from its sources to its targets; leave out `direct` (or `directly`), or narrow its sources or targets"),
        );
    } else if let Some(direct) = &clause.direct
        && !clause.form.is_path_form()
    {
        errors.push(
            Diagnostic::error("only a path can be direct")
                .at(src, direct.0.clone(), "here")
                .help("`directly` and `direct` restrict access, route and stay-within clauses to paths of one edge"),
        );
    }
}
