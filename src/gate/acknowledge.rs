//! Acknowledged warnings: `[warnings] acknowledge = [...]` in proviso.toml.
//!
//! Some warnings are expected: an agreement that defines `probes` for
//! designs that have none, an edge kind no clause is meant to follow. An
//! acknowledgement names a warning by its code (`unused-definition:probes`,
//! `uncovered-kind:etl`, as printed in the help line and in the JSON
//! report), for every topology. The warning is still listed, marked as
//! acknowledged, and no longer fails `--strict`; an acknowledgement that
//! matches no warning of the run is itself a warning, so none outlives
//! its reason. They live in the configuration, which in CI is taken from
//! the protected branch: a pull request cannot silence its own warnings.

use std::collections::{HashMap, HashSet};

use super::config::Acknowledgement;
use crate::escape;
use crate::report::model::{Document, Warning};

/// Marks the warnings of `doc` that an acknowledgement expects, and adds a
/// run-level warning for each acknowledgement that matched nothing.
pub fn apply(doc: &mut Document, acks: &[Acknowledgement]) {
    let mut first: HashMap<&str, usize> = HashMap::new();
    for (i, a) in acks.iter().enumerate() {
        first.entry(a.code.as_str()).or_insert(i);
    }
    let mut used: HashSet<usize> = HashSet::new();
    let warnings = doc
        .reports
        .iter_mut()
        .flat_map(|r| r.warnings.iter_mut())
        .chain(doc.warnings.iter_mut());
    for w in warnings {
        if let Some(&i) = first.get(w.code.as_str()) {
            w.acknowledged = Some(acks[i].location.clone());
            used.insert(i);
        }
    }
    for (i, a) in acks.iter().enumerate() {
        if used.contains(&i) || first.get(a.code.as_str()) != Some(&i) {
            continue;
        }
        doc.warnings.push(Warning {
            code: format!("unused-acknowledgement:{}", a.code),
            topology: None,
            message: format!(
                "the acknowledgement `{}` matches no warning of this run",
                escape::display(&a.code)
            ),
            location: Some(a.location.clone()),
            help: Some(
                "remove it, or correct the code (the warning's code is in its help line and in the JSON report)"
                    .to_string(),
            ),
            acknowledged: None,
        });
    }
}
