//! Parties: a reading `according to P` and an obligor `owed by P` must
//! name a party of the header's `between`, so a misspelt party never
//! becomes a reading nobody declared or an obligation nobody owes.

use crate::diag::{Diagnostic, suggest};
use crate::syntax::ast::{Agreement, Name};

/// Every reading and obligor that names no party of `between`.
pub fn check(ag: &Agreement, errors: &mut Vec<Diagnostic>) {
    for decl in &ag.counts_as {
        if let Some(p) = &decl.party {
            known(ag, p, "a reading", errors);
        }
    }
    for clause in &ag.clauses {
        for p in &clause.obligors {
            known(ag, p, "an obligation", errors);
        }
    }
}

fn known(ag: &Agreement, party: &Name, what: &str, errors: &mut Vec<Diagnostic>) {
    let names: Vec<&str> = ag.parties.iter().map(|p| p.node.as_str()).collect();
    if names.contains(&party.node.as_str()) {
        return;
    }
    let src = &ag.source;
    let d = Diagnostic::error(format!("`{}` is not a party to the agreement", party.node)).at(
        src,
        party.span.clone(),
        format!("{what} of an unknown party"),
    );
    let help = if names.is_empty() {
        Some(
            "name the parties in the header, such as `agreement \"Title\" between microsoft, openai`"
                .to_string(),
        )
    } else {
        suggest::help_line(&party.node, names.iter().copied())
            .or_else(|| Some(format!("the parties are {}", suggest::list(&names, 8))))
    };
    errors.push(d.maybe_help(help));
}
