//! Each clause form as a graph property, evaluated under one reading.
//!
//! A reading is just a kind mask; the form decides the search. Every form
//! is at most a few O(V+E) searches (see `paths`: the witnesses, then the
//! violating edges, which a baseline needs because one witness per target
//! hides every other route to it) plus a pass over the nodes. The remedy
//! of a breached path clause (`remedy`, see `cut`) asks the same question
//! as its search. Negated modals flip what counts as an offence, not the
//! search. Each form also says how it walks edges ([`Follow`]): the
//! stay-within and access forms walk the agreement's view of which way
//! data moves (see `view`), the others walk calls.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use fixedbitset::FixedBitSet;

use super::cut::{self, Cut};
use super::graph::{Graph, KindMask};
use super::paths::{self, Goal, Path};
use super::select::{self, Definitions};
use super::view::{Follow, View};
use crate::syntax::ast::{Clause, Form, Selector};
use crate::topology::{Edge, Topology};

/// A witness before it is turned into strings and locations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Offence {
    /// A path of edges to an offending node.
    Path(Walk),
    /// An offending node on its own.
    Node(u32),
}

/// A violating path in terms of the topology's own edges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Walk {
    /// The offending target node.
    pub target: u32,
    /// The edges in walking order, each with whether it is walked against
    /// its direction (from callee to caller); never empty.
    pub steps: Vec<(u32, bool)>,
}

impl Walk {
    /// `path`, found on `view` (or on the topology's own edges), as
    /// original edges.
    fn new(path: Path, view: Option<&View>) -> Walk {
        let steps = path
            .edges
            .iter()
            .map(|&e| match view {
                Some(v) => (v.origin[e as usize], v.against.contains(e as usize)),
                None => (e, false),
            })
            .collect();
        Walk {
            target: path.target,
            steps,
        }
    }
}

/// The views of the topology the forms that follow data walk (see
/// `view`); `None` where they walk the edges as written.
#[derive(Default)]
pub struct Views {
    /// For the stay-within form.
    pub data: Option<View>,
    /// For the access and route forms.
    pub access: Option<View>,
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
    /// How the forms that follow data walk the edges.
    pub views: Views,
}

/// One search, by everything its answer depends on.
#[derive(PartialEq, Eq, Hash)]
struct Query {
    follow: Follow,
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
    reach: Mutex<HashMap<(Follow, KindMask, FixedBitSet), FixedBitSet>>,
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

    /// The view `follow` walks, if it is not the topology's own edges.
    fn view(&self, follow: Follow) -> Option<&View> {
        match follow {
            Follow::Calls => None,
            Follow::Data => self.views.data.as_ref(),
            Follow::Access => self.views.access.as_ref(),
        }
    }

    /// The graph and edges `follow` walks.
    fn walked(&self, follow: Follow) -> (&Graph, &[Edge], Option<&View>) {
        match self.view(follow) {
            Some(v) => (&v.graph, &v.edges, Some(v)),
            None => (self.graph, &self.topo.edges, None),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn paths(
        &self,
        follow: Follow,
        kinds: &KindMask,
        s: &FixedBitSet,
        t: &FixedBitSet,
        w: Option<&FixedBitSet>,
        goal: Goal,
    ) -> Found {
        let query = Query {
            follow,
            kinds: kinds.clone(),
            sources: s.clone(),
            targets: t.clone(),
            via: w.cloned(),
            goal,
        };
        if let Some(found) = lock(&self.memo.paths).get(&query) {
            return found.clone();
        }
        let (graph, edges, view) = self.walked(follow);
        let (paths, total) = paths::forward(graph, edges, kinds, s, t, w, goal, self.max);
        let violating = paths::violating_edges(graph, edges, kinds, s, t, w, goal);
        let found = Found {
            offences: Offences {
                kept: paths
                    .into_iter()
                    .map(|p| Offence::Path(Walk::new(p, view)))
                    .collect(),
                total,
            },
            violating: match view {
                Some(v) => v.originals(&violating),
                None => violating,
            },
        };
        lock(&self.memo.paths).insert(query, found.clone());
        found
    }

    /// Nodes of `subject` with no path to `to`: the offences of "every S has access to T".
    fn unreached(
        &self,
        follow: Follow,
        kinds: &KindMask,
        subject: &FixedBitSet,
        to: &FixedBitSet,
    ) -> Offences {
        let key = (follow, kinds.clone(), to.clone());
        let cached = lock(&self.memo.reach).get(&key).cloned();
        let reach = cached.unwrap_or_else(|| {
            let (graph, edges, _) = self.walked(follow);
            let reach = paths::can_reach(graph, edges, kinds, to);
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
        follow: Follow,
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
            follow,
            kinds,
            s,
            t,
            w,
            goal,
        } => ctx.paths(follow, &kinds, &s, &t, w.as_ref(), goal),
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
            follow,
            kinds,
            s,
            t,
            w,
            goal,
        } => {
            let (graph, edges, view) = ctx.walked(follow);
            let cut = cut::min_cut(graph, edges, &kinds, &s, &t, w.as_ref(), goal, cut::MAX_CUT)?;
            Some(match (cut, view) {
                (cut, None) => cut,
                (Cut::Capped, Some(_)) => Cut::Capped,
                (
                    Cut::Edges {
                        edges: cut,
                        minimum,
                    },
                    Some(v),
                ) => {
                    // An edge walked both ways is two arcs of the cut's
                    // network but one edge to remove, so the cut is only
                    // proven minimum when no edge could be cut both ways
                    // (else it is within twice the minimum). An arc into
                    // a source's start state is never cut (that state is
                    // on the sources' side), and outside `must not route
                    // via` entering a source that is no target (an arrival
                    // is an arc to the sink) is entering its start state.
                    let both_live = v.doubled && {
                        let live =
                            paths::violating_edges(graph, edges, &kinds, &s, &t, w.as_ref(), goal);
                        let cuttable: Vec<u32> = live
                            .into_iter()
                            .filter(|&e| {
                                let to = edges[e as usize].to as usize;
                                goal == Goal::Through || !s.contains(to) || t.contains(to)
                            })
                            .collect();
                        cuttable
                            .windows(2)
                            .any(|p| v.origin[p[0] as usize] == v.origin[p[1] as usize])
                    };
                    Cut::Edges {
                        edges: v.originals(&cut),
                        minimum: minimum && !both_live,
                    }
                }
            })
        }
        Question::Nodes(_) => None,
    }
}

fn question(clause: &Clause, kinds: &KindMask, ctx: &Ctx<'_>) -> Question {
    let paths = |follow, kinds: &KindMask, s, t, w, goal| Question::Paths {
        follow,
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
            paths(Follow::Access, kinds, s, t, Some(w), goal)
        }
        Form::Access { subject, to, .. } => {
            let (s, t) = (ctx.set(subject), ctx.set(to));
            if negated {
                paths(Follow::Access, kinds, s, t, None, Goal::Any)
            } else {
                Question::Nodes(ctx.unreached(Follow::Access, kinds, &s, &t))
            }
        }
        Form::Depend { subject, on } => {
            let (s, t) = (ctx.set(subject), ctx.set(on));
            if negated {
                paths(Follow::Calls, &all_edges, s, t, None, Goal::Any)
            } else {
                Question::Nodes(ctx.unreached(Follow::Calls, &all_edges, &s, &t))
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
            paths(Follow::Data, kinds, s, outside, None, Goal::Any)
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
