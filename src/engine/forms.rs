//! Each clause form as a graph property, evaluated under one reading.
//!
//! A reading is just a kind mask; the form decides the search. Every form
//! is at most a few O(V+E) searches (see `paths`: the witnesses, then the
//! violating edges, which a baseline needs because one witness per target
//! hides every other route to it) plus a pass over the nodes. The remedy
//! of a breached path clause (`remedy`, see `cut`) asks the same question
//! as its search. Negated modals flip what counts as an offence, not the
//! search.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use fixedbitset::FixedBitSet;

use super::cut::{self, Cut};
use super::graph::{Graph, KindMask};
use super::paths::{self, Goal, Path};
use super::select::{self, Definitions};
use crate::syntax::ast::{Clause, Form, Selector};
use crate::topology::Topology;

/// A witness before it is turned into strings and locations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Offence {
    /// A path of edges to an offending node.
    Path(Path),
    /// An offending node on its own.
    Node(u32),
}

/// What one reading of a clause found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Found {
    /// The offending nodes: the first ones with their witnesses, and how
    /// many in all.
    pub offences: Offences,
    /// Every edge on some violating walk, in file order (path forms only).
    pub violating: Vec<u32>,
}

/// The offences of one clause under one reading: the first ones kept as
/// witnesses, and how many there are in all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Offences {
    /// The first offences (at most the cap), in file order of the offending node.
    pub kept: Vec<Offence>,
    /// How many offences there are, kept or not.
    pub total: usize,
}

impl Offences {
    /// The first `max` of `all`, counting the rest without keeping them.
    fn first(all: impl Iterator<Item = Offence>, max: usize) -> Offences {
        let mut kept = Vec::new();
        let mut total = 0;
        for o in all {
            if total < max {
                kept.push(o);
            }
            total += 1;
        }
        Offences { kept, total }
    }
}

/// What a form needs from the topology.
pub struct Ctx<'a> {
    /// The topology.
    pub topo: &'a Topology,
    /// Its adjacency.
    pub graph: &'a Graph,
    /// The evaluated definitions.
    pub defs: &'a Definitions,
    /// Searches already done for earlier clauses and readings.
    pub memo: Memo,
    /// Most witnesses kept per clause and reading (`usize::MAX`: all).
    pub max: usize,
}

/// One search, by everything its answer depends on.
#[derive(PartialEq, Eq, Hash)]
struct Query {
    kinds: KindMask,
    sources: FixedBitSet,
    targets: FixedBitSet,
    via: Option<FixedBitSet>,
    goal: Goal,
}

/// The answers of searches, shared by clauses and readings that ask the
/// same question (R1's letter and R2's letter in the benchmark agreement,
/// an isolation clause and its spirit twin). Keys are the evaluated sets,
/// not the clause text, so two selectors that denote the same nodes share
/// too. Hashing a key costs O(V/64), far below the search it saves.
///
/// Behind mutexes because clauses are judged in parallel; a lock is held
/// only to look up or to store, never during a search, so two clauses
/// asking the same question at once may both search (with one answer).
#[derive(Default)]
pub struct Memo {
    paths: Mutex<HashMap<Query, Found>>,
    reach: Mutex<HashMap<(KindMask, FixedBitSet), FixedBitSet>>,
}

/// A lock on a memo table. A poisoned lock only means a search panicked
/// in another clause; the table itself is still a valid cache.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Ctx<'_> {
    fn set(&self, sel: &Selector) -> FixedBitSet {
        select::selector(sel, self.topo, self.defs)
    }

    fn paths(
        &self,
        kinds: &KindMask,
        s: &FixedBitSet,
        t: &FixedBitSet,
        w: Option<&FixedBitSet>,
        goal: Goal,
    ) -> Found {
        let query = Query {
            kinds: kinds.clone(),
            sources: s.clone(),
            targets: t.clone(),
            via: w.cloned(),
            goal,
        };
        if let Some(found) = lock(&self.memo.paths).get(&query) {
            return found.clone();
        }
        let (paths, total) =
            paths::forward(self.graph, &self.topo.edges, kinds, s, t, w, goal, self.max);
        let found = Found {
            offences: Offences {
                kept: paths.into_iter().map(Offence::Path).collect(),
                total,
            },
            violating: paths::violating_edges(self.graph, &self.topo.edges, kinds, s, t, w, goal),
        };
        lock(&self.memo.paths).insert(query, found.clone());
        found
    }

    /// Nodes of `subject` with no path to `to`: the offences of "every S has access to T".
    fn unreached(&self, kinds: &KindMask, subject: &FixedBitSet, to: &FixedBitSet) -> Offences {
        let key = (kinds.clone(), to.clone());
        let cached = lock(&self.memo.reach).get(&key).cloned();
        let reach = cached.unwrap_or_else(|| {
            let reach = paths::can_reach(self.graph, &self.topo.edges, kinds, to);
            lock(&self.memo.reach).insert(key, reach.clone());
            reach
        });
        let unreached = subject.ones().filter(|&i| !reach.contains(i));
        Offences::first(unreached.map(|i| Offence::Node(i as u32)), self.max)
    }
}

/// The question a clause asks under one reading: a path search, or
/// offending nodes found directly.
enum Question {
    Paths {
        kinds: KindMask,
        s: FixedBitSet,
        t: FixedBitSet,
        w: Option<FixedBitSet>,
        goal: Goal,
    },
    Nodes(Offences),
}

/// What `clause` finds under the reading that follows `kinds`.
pub fn offences(clause: &Clause, kinds: &KindMask, ctx: &Ctx<'_>) -> Found {
    match question(clause, kinds, ctx) {
        Question::Paths {
            kinds,
            s,
            t,
            w,
            goal,
        } => ctx.paths(&kinds, &s, &t, w.as_ref(), goal),
        Question::Nodes(offences) => Found {
            offences,
            violating: Vec::new(),
        },
    }
}

/// For a path clause whose reading `kinds` fails, the edges whose removal
/// makes it hold (see [`cut`]); `None` for node forms or when it holds.
pub fn remedy(clause: &Clause, kinds: &KindMask, ctx: &Ctx<'_>) -> Option<Cut> {
    match question(clause, kinds, ctx) {
        Question::Paths {
            kinds,
            s,
            t,
            w,
            goal,
        } => cut::min_cut(
            ctx.graph,
            &ctx.topo.edges,
            &kinds,
            &s,
            &t,
            w.as_ref(),
            goal,
            cut::MAX_CUT,
        ),
        Question::Nodes(_) => None,
    }
}

fn question(clause: &Clause, kinds: &KindMask, ctx: &Ctx<'_>) -> Question {
    let paths = |kinds: &KindMask, s, t, w, goal| Question::Paths {
        kinds: kinds.clone(),
        s,
        t,
        w,
        goal,
    };
    let negated = clause.modal.node.negated;
    let all_edges = KindMask(None);
    match &clause.form {
        Form::Route { from, to, via, .. } => {
            let t = ctx.set(to);
            let w = ctx.set(via);
            let s = match from {
                Some(f) => ctx.set(f),
                None => {
                    let mut s = t.clone();
                    s.union_with(&w);
                    s.toggle_range(..);
                    s
                }
            };
            let goal = if negated {
                Goal::Through
            } else {
                Goal::Avoiding
            };
            paths(kinds, s, t, Some(w), goal)
        }
        Form::Access { subject, to, .. } => {
            let (s, t) = (ctx.set(subject), ctx.set(to));
            if negated {
                paths(kinds, s, t, None, Goal::Any)
            } else {
                Question::Nodes(ctx.unreached(kinds, &s, &t))
            }
        }
        Form::Depend { subject, on } => {
            let (s, t) = (ctx.set(subject), ctx.set(on));
            if negated {
                paths(&all_edges, s, t, None, Goal::Any)
            } else {
                Question::Nodes(ctx.unreached(&all_edges, &s, &t))
            }
        }
        Form::Hosted { subject, on } => {
            let (t, w) = (ctx.set(subject), ctx.set(on));
            let off = t.ones().filter(|&i| w.contains(i) == negated);
            Question::Nodes(Offences::first(
                off.map(|i| Offence::Node(i as u32)),
                ctx.max,
            ))
        }
        Form::Attribute { subject, predicate } => {
            let t = ctx.set(subject);
            let ok = select::satisfying(predicate, ctx.topo, &t);
            let off = t.ones().filter(|&i| ok.contains(i) == negated);
            Question::Nodes(Offences::first(
                off.map(|i| Offence::Node(i as u32)),
                ctx.max,
            ))
        }
        Form::Stay { from, within, .. } => {
            let s = ctx.set(from);
            let mut outside = ctx.set(within);
            outside.toggle_range(..);
            paths(kinds, s, outside, None, Goal::Any)
        }
    }
}

/// The access kind a clause names, if any (forms 1, 2 and 6).
pub fn access_kind(form: &Form) -> Option<&str> {
    match form {
        Form::Route { kind, .. } | Form::Access { kind, .. } => {
            kind.as_ref().map(|k| k.node.as_str())
        }
        Form::Stay { kind, .. } => Some(kind.node.as_str()),
        _ => None,
    }
}
