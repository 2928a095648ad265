//! Edge kinds under the two readings.
//!
//! The letter reads `api access` as edges of kind `api` only. The spirit
//! also counts every kind declared to count as `api`, transitively:
//! `session counts as api` and `websocket counts as session` make a
//! websocket edge api access in spirit. The closure is a search over the
//! small graph of declarations, done once per clause kind.

use std::collections::{BTreeSet, HashMap};

use super::graph::KindMask;
use crate::syntax::ast::Agreement;
use crate::topology::Topology;

/// The kinds that count as each kind, as declared.
#[derive(Debug, Default)]
pub struct CountsAs {
    counted_as: HashMap<String, Vec<String>>,
}

impl CountsAs {
    /// Collects an agreement's declarations.
    pub fn new(ag: &Agreement) -> Self {
        let mut counted_as: HashMap<String, Vec<String>> = HashMap::new();
        for decl in &ag.counts_as {
            let entry = counted_as.entry(decl.target.node.clone()).or_default();
            entry.extend(decl.kinds.iter().map(|k| k.node.clone()));
        }
        CountsAs { counted_as }
    }

    /// `kind` and every kind that counts as it, directly or through others.
    pub fn spirit(&self, kind: &str) -> BTreeSet<String> {
        let mut out = BTreeSet::from([kind.to_string()]);
        let mut stack = vec![kind.to_string()];
        while let Some(k) = stack.pop() {
            for other in self.counted_as.get(&k).into_iter().flatten() {
                if out.insert(other.clone()) {
                    stack.push(other.clone());
                }
            }
        }
        out
    }
}

/// A mask over the topology's interned strings that allows these kinds.
pub fn mask(kinds: &BTreeSet<String>, topo: &Topology) -> KindMask {
    let mut mask = vec![false; topo.strings.len()];
    for k in kinds {
        if let Some(sym) = topo.strings.get(k) {
            mask[sym as usize] = true;
        }
    }
    KindMask(Some(mask))
}
