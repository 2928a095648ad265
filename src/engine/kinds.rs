//! Edge kinds under each reading of the agreement.
//!
//! The letter reads `api access` as edges of kind `api` only. The spirit
//! also counts every kind declared to count as `api` (`in spirit, ...`),
//! transitively: `session counts as api` and `websocket counts as session`
//! make a websocket edge api access in spirit. A party may declare its own
//! reading (`according to openai, inference counts as runtime-call`): it
//! starts from the shared spirit and, for each kind the party declares,
//! the party's declaration replaces what the spirit says of that kind. So
//! the parties argue only where they say something different, and a party
//! that affirms the spirit reads like it. The closure is a search over the
//! small graph of declarations, done once per clause kind and reading.

use std::collections::{BTreeSet, HashMap};

use super::graph::KindMask;
use crate::syntax::ast::{Agreement, CountsAs};
use crate::topology::Topology;

/// Which reading: the letter, the shared spirit or a party's.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ReadingName {
    /// Edge kinds as labelled.
    Letter,
    /// The shared `in spirit` declarations.
    Spirit,
    /// A party's own reading (`according to P`).
    Party(String),
}

/// One reading: which kinds count as which.
#[derive(Debug, Clone)]
pub struct Reading {
    /// Its name.
    pub name: ReadingName,
    /// For each kind, the kinds declared to count as it.
    counted_as: HashMap<String, Vec<String>>,
}

impl Reading {
    /// `kind` and every kind that counts as it under this reading.
    pub fn kinds(&self, kind: &str) -> BTreeSet<String> {
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

/// The readings of an agreement, in report order: the letter, the spirit,
/// then each party that declares a reading, in the order of `between`.
pub fn readings(ag: &Agreement) -> Vec<Reading> {
    let shared: Vec<&CountsAs> = ag.counts_as.iter().filter(|d| d.party.is_none()).collect();
    let mut out = vec![
        Reading {
            name: ReadingName::Letter,
            counted_as: HashMap::new(),
        },
        Reading {
            name: ReadingName::Spirit,
            counted_as: table(shared.iter().copied(), &BTreeSet::new()),
        },
    ];
    for party in &ag.parties {
        let own: Vec<&CountsAs> = ag
            .counts_as
            .iter()
            .filter(|d| d.party.as_ref().is_some_and(|p| p.node == party.node))
            .collect();
        if own.is_empty() {
            continue;
        }
        let restated: BTreeSet<&str> = own
            .iter()
            .flat_map(|d| d.kinds.iter().map(|k| k.node.as_str()))
            .collect();
        let mut counted_as = table(shared.iter().copied(), &restated);
        for (k, v) in table(own.iter().copied(), &BTreeSet::new()) {
            counted_as.entry(k).or_default().extend(v);
        }
        out.push(Reading {
            name: ReadingName::Party(party.node.clone()),
            counted_as,
        });
    }
    out
}

/// Target kind to the kinds that count as it, leaving out declarations of
/// the kinds in `except`.
fn table<'a>(
    decls: impl Iterator<Item = &'a CountsAs>,
    except: &BTreeSet<&str>,
) -> HashMap<String, Vec<String>> {
    let mut counted_as: HashMap<String, Vec<String>> = HashMap::new();
    for decl in decls {
        let entry = counted_as.entry(decl.target.node.clone()).or_default();
        entry.extend(
            decl.kinds
                .iter()
                .filter(|k| !except.contains(k.node.as_str()))
                .map(|k| k.node.clone()),
        );
    }
    counted_as
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
