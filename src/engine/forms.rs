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
//!
//! A reading is an [`EdgeMask`]: the kinds it follows and, when the clause
//! has an edge condition, the edges that meet it. A clause that is
//! `direct`, or that permissions name, is searched on a layered view (see
//! `layers`) built from the same walked graph; quantities (span and share)
//! are counted in `quantity`.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use fixedbitset::FixedBitSet;

use super::cut::{self, Cut};
use super::graph::{EdgeMask, Graph, KindMask};
use super::kinds::{self, Reading};
use super::layers::{self, Cover, Layered, Want};
use super::paths::{self, Goal, Path};
use super::quantity;
use super::select::{self, Definitions};
use super::view::{Follow, View};
use crate::report::model::Measure;
use crate::syntax::ast::{Agreement, Clause, Form, Selector};
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
    /// `path` as original edges, each mapped by `original`.
    fn new(path: Path, original: impl Fn(u32) -> (u32, bool)) -> Walk {
        Walk {
            target: path.target,
            steps: path.edges.iter().map(|&e| original(e)).collect(),
        }
    }
}

/// The original edge of walked edge `e`, and whether it is walked against.
fn through_view(view: Option<&View>, e: u32) -> (u32, bool) {
    match view {
        Some(v) => (v.origin[e as usize], v.against.contains(e as usize)),
        None => (e, false),
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
    /// For each permission naming the clause (its clause index), the
    /// violating paths it excuses.
    pub excused: Vec<(usize, Offences)>,
    /// For a quantity, what was counted.
    pub measure: Option<Measure>,
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
    pub fn first(all: impl Iterator<Item = Offence>, max: usize) -> Offences {
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
    /// The agreement (for the permissions that name a clause).
    pub ag: &'a Agreement,
    /// For each clause (by index), the permissions that name it.
    pub permits: Vec<Vec<usize>>,
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
    kinds: EdgeMask,
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
    reach: Mutex<HashMap<(Follow, EdgeMask, FixedBitSet), FixedBitSet>>,
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

    /// `mask` (over the topology's edges) for the edges `follow` walks.
    fn walked_mask(&self, follow: Follow, mask: &EdgeMask) -> EdgeMask {
        match (self.view(follow), &mask.edges) {
            (Some(v), Some(_)) => mask.through(&v.origin),
            _ => mask.clone(),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn paths(
        &self,
        follow: Follow,
        kinds: &EdgeMask,
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
        let kinds = &self.walked_mask(follow, kinds);
        let (paths, total, violating) =
            paths::forward_violating(graph, edges, kinds, s, t, w, goal, self.max);
        let found = Found {
            offences: Offences {
                kept: paths
                    .into_iter()
                    .map(|p| Offence::Path(Walk::new(p, |e| through_view(view, e))))
                    .collect(),
                total,
            },
            violating: match view {
                Some(v) => v.originals(&violating),
                None => violating,
            },
            ..Found::default()
        };
        lock(&self.memo.paths).insert(query, found.clone());
        found
    }

    /// Nodes of `subject` with no path to `to` (of one edge when
    /// `direct`): the offences of "every S has access to T".
    fn unreached(
        &self,
        follow: Follow,
        kinds: &EdgeMask,
        subject: &FixedBitSet,
        to: &FixedBitSet,
        direct: bool,
    ) -> Offences {
        let (graph, edges, _) = self.walked(follow);
        let kinds = &self.walked_mask(follow, kinds);
        let reach = if direct {
            let mut reach = FixedBitSet::with_capacity(graph.len());
            for (e, edge) in edges.iter().enumerate() {
                if kinds.allows(e as u32, edge) && to.contains(edge.to as usize) {
                    reach.insert(edge.from as usize);
                }
            }
            reach
        } else {
            let key = (follow, kinds.clone(), to.clone());
            let cached = lock(&self.memo.reach).get(&key).cloned();
            cached.unwrap_or_else(|| {
                let reach = paths::can_reach(graph, kinds, to);
                lock(&self.memo.reach).insert(key, reach.clone());
                reach
            })
        };
        let unreached = subject.ones().filter(|&i| !reach.contains(i));
        Offences::first(unreached.map(|i| Offence::Node(i as u32)), self.max)
    }
}

/// The question a clause asks: a path search, the subjects that cannot
/// reach, or offending nodes found directly.
enum Question {
    Paths(Search),
    Unreached {
        follow: Follow,
        subject: FixedBitSet,
        to: FixedBitSet,
    },
    Nodes(Offences, Option<Measure>),
}

/// A path search: where paths start and end, the waypoints and the goal.
struct Search {
    follow: Follow,
    s: FixedBitSet,
    t: FixedBitSet,
    w: Option<FixedBitSet>,
    goal: Goal,
}

/// The edges `clause` follows under `reading`, over the topology's edges:
/// its kind's kinds in that reading (every kind when it names none) and,
/// with an edge condition, the edges that meet it.
pub fn mask(clause: &Clause, reading: &Reading, topo: &Topology) -> EdgeMask {
    form_mask(&clause.form, reading, topo)
}

fn form_mask(form: &Form, reading: &Reading, topo: &Topology) -> EdgeMask {
    EdgeMask {
        kinds: match access_kind(form) {
            Some(k) => kinds::mask(&reading.kinds(k), topo),
            None => KindMask(None),
        },
        edges: form
            .edge_condition()
            .map(|p| select::edges_satisfying(p, topo)),
    }
}

/// What `clause` finds under `reading`, whose edges are `mask`.
pub fn offences(
    ix: usize,
    clause: &Clause,
    reading: &Reading,
    mask: &EdgeMask,
    ctx: &Ctx<'_>,
) -> Found {
    let direct = clause.direct.is_some();
    match question(clause, ctx) {
        Question::Paths(q) => {
            let covers = covers(ix, &q, reading, ctx);
            if !direct && covers.is_empty() {
                return ctx.paths(q.follow, mask, &q.s, &q.t, q.w.as_ref(), q.goal);
            }
            let mut found = ctx.layered_found(&q, mask, direct, &covers, Want::Uncovered);
            for (j, &perm) in ctx.permits[ix].iter().enumerate() {
                let excused = ctx.layered_found(&q, mask, direct, &covers, Want::CoveredBy(j));
                if excused.offences.total > 0 {
                    found.excused.push((perm, excused.offences));
                }
            }
            found
        }
        Question::Unreached {
            follow,
            subject,
            to,
        } => Found {
            offences: ctx.unreached(follow, mask, &subject, &to, direct),
            ..Found::default()
        },
        Question::Nodes(offences, measure) => Found {
            offences,
            measure,
            ..Found::default()
        },
    }
}

/// The masks that decide `clause` under `reading`: its own and those of
/// the permissions naming it (two readings with the same masks find the
/// same, so the search runs once).
pub fn signature(ix: usize, clause: &Clause, reading: &Reading, ctx: &Ctx<'_>) -> Vec<EdgeMask> {
    let mut out = vec![mask(clause, reading, ctx.topo)];
    for &p in &ctx.permits[ix] {
        out.push(form_mask(&ctx.ag.clauses[p].form, reading, ctx.topo));
    }
    out
}

/// What each permission naming clause `ix` covers under `reading`, over
/// the edges the clause's search walks.
fn covers(ix: usize, q: &Search, reading: &Reading, ctx: &Ctx<'_>) -> Vec<Cover> {
    let n = ctx.topo.nodes.len();
    ctx.permits[ix]
        .iter()
        .map(|&p| {
            let perm = &ctx.ag.clauses[p];
            let mask = ctx.walked_mask(q.follow, &form_mask(&perm.form, reading, ctx.topo));
            let all = || {
                let mut all = FixedBitSet::with_capacity(n);
                all.insert_range(..);
                all
            };
            let (sources, targets, via) = match &perm.form {
                Form::Route { from, to, via, .. } => (
                    from.as_ref().map_or_else(all, |f| ctx.set(f)),
                    ctx.set(to),
                    Some(ctx.set(via)),
                ),
                Form::Access { subject, to, .. } => (ctx.set(subject), ctx.set(to), None),
                // `meaning` admits no other permission form.
                _ => (
                    FixedBitSet::with_capacity(n),
                    FixedBitSet::with_capacity(n),
                    None,
                ),
            };
            Cover {
                sources,
                targets,
                via,
                mask,
            }
        })
        .collect()
}

impl Ctx<'_> {
    /// The layered view of search `q` under `mask`.
    fn layered(
        &self,
        q: &Search,
        mask: &EdgeMask,
        direct: bool,
        covers: &[Cover],
        want: Want,
    ) -> Layered {
        let (graph, edges, _) = self.walked(q.follow);
        let mask = self.walked_mask(q.follow, mask);
        layers::build(&layers::Ask {
            graph,
            edges,
            mask: &mask,
            sources: &q.s,
            targets: &q.t,
            via: q.w.as_ref(),
            direct,
            covers,
            want,
        })
    }

    /// The original edge of product edge `p` of `lay`, and whether it is
    /// walked against.
    fn original(&self, follow: Follow, lay: &Layered, p: u32) -> (u32, bool) {
        through_view(self.view(follow), lay.origin[p as usize])
    }

    /// What search `q` finds on its layered view.
    fn layered_found(
        &self,
        q: &Search,
        mask: &EdgeMask,
        direct: bool,
        covers: &[Cover],
        want: Want,
    ) -> Found {
        let lay = self.layered(q, mask, direct, covers, want);
        let all = EdgeMask::all();
        let (paths, total, violating) = paths::forward_violating(
            &lay.graph,
            &lay.edges,
            &all,
            &lay.sources,
            &lay.targets,
            lay.via.as_ref(),
            q.goal,
            self.max,
        );
        let mut violating: Vec<u32> = violating
            .into_iter()
            .map(|p| self.original(q.follow, &lay, p).0)
            .collect();
        violating.sort_unstable();
        violating.dedup();
        Found {
            offences: Offences {
                kept: paths
                    .into_iter()
                    .map(|p| Offence::Path(Walk::new(p, |e| self.original(q.follow, &lay, e))))
                    .collect(),
                total,
            },
            violating,
            ..Found::default()
        }
    }
}

/// For a path clause whose reading (edges `mask`) fails, the edges whose
/// removal makes it hold (see [`cut`]); `None` for node forms or when it holds.
pub fn remedy(
    ix: usize,
    clause: &Clause,
    reading: &Reading,
    mask: &EdgeMask,
    ctx: &Ctx<'_>,
) -> Option<Cut> {
    let Question::Paths(q) = question(clause, ctx) else {
        return None;
    };
    let covers = covers(ix, &q, reading, ctx);
    if clause.direct.is_some() || !covers.is_empty() {
        return layered_remedy(&q, mask, clause.direct.is_some(), &covers, ctx);
    }
    let Search {
        follow,
        s,
        t,
        w,
        goal,
    } = q;
    let (graph, edges, view) = ctx.walked(follow);
    let kinds = ctx.walked_mask(follow, mask);
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
                let live = paths::violating_edges(graph, edges, &kinds, &s, &t, w.as_ref(), goal);
                let cuttable: Vec<u32> = live
                    .into_iter()
                    .filter(|&e| {
                        let to = edges[e as usize].to as usize;
                        goal == Goal::Through || !s.contains(to) || t.contains(to)
                    })
                    .collect();
                layers::shares_origin(&cuttable, &v.origin)
            };
            Cut::Edges {
                edges: v.originals(&cut),
                minimum: minimum && !both_live,
            }
        }
    })
}

/// The remedy of a clause searched on a layered view: the cut of product
/// edges, as the edges they stand for. One edge can stand for several
/// product edges, so the cut is proven the fewest only when no two live
/// product edges share one.
fn layered_remedy(
    q: &Search,
    mask: &EdgeMask,
    direct: bool,
    covers: &[Cover],
    ctx: &Ctx<'_>,
) -> Option<Cut> {
    let lay = ctx.layered(q, mask, direct, covers, Want::Uncovered);
    let all = EdgeMask::all();
    let (s, t, w) = (&lay.sources, &lay.targets, lay.via.as_ref());
    let cut = cut::min_cut(&lay.graph, &lay.edges, &all, s, t, w, q.goal, cut::MAX_CUT)?;
    Some(match cut {
        Cut::Capped => Cut::Capped,
        Cut::Edges { edges, minimum } => {
            let live = paths::violating_edges(&lay.graph, &lay.edges, &all, s, t, w, q.goal);
            let origins: Vec<u32> = (0..lay.edges.len() as u32)
                .map(|p| ctx.original(q.follow, &lay, p).0)
                .collect();
            let mut out: Vec<u32> = edges.iter().map(|&p| origins[p as usize]).collect();
            out.sort_unstable();
            out.dedup();
            Cut::Edges {
                edges: out,
                minimum: minimum && !layers::shares_origin(&live, &origins),
            }
        }
    })
}

fn question(clause: &Clause, ctx: &Ctx<'_>) -> Question {
    let paths = |follow, s, t, w, goal| {
        Question::Paths(Search {
            follow,
            s,
            t,
            w,
            goal,
        })
    };
    let negated = clause.modal.node.negated;
    let node_offences = |off: Vec<usize>| {
        Question::Nodes(
            Offences::first(off.into_iter().map(|i| Offence::Node(i as u32)), ctx.max),
            None,
        )
    };
    match &clause.form {
        Form::Route {
            from,
            to,
            via,
            only,
            ..
        } => {
            let t = ctx.set(to);
            let mut w = ctx.set(via);
            let s = match from {
                Some(f) => ctx.set(f),
                None => {
                    let mut s = t.clone();
                    s.union_with(&w);
                    s.toggle_range(..);
                    s
                }
            };
            // `route only via W` fails on a path with an interior node
            // outside W: `must not route via` the rest.
            let through = negated || *only;
            if *only {
                w.toggle_range(..);
            }
            let goal = if through {
                Goal::Through
            } else {
                Goal::Avoiding
            };
            paths(Follow::Access, s, t, Some(w), goal)
        }
        Form::Access { subject, to, .. } => {
            let (s, t) = (ctx.set(subject), ctx.set(to));
            if negated || clause.modal.node.is_permission() {
                paths(Follow::Access, s, t, None, Goal::Any)
            } else {
                Question::Unreached {
                    follow: Follow::Access,
                    subject: s,
                    to: t,
                }
            }
        }
        Form::Depend { subject, on, .. } => {
            let (s, t) = (ctx.set(subject), ctx.set(on));
            if negated {
                paths(Follow::Calls, s, t, None, Goal::Any)
            } else {
                Question::Unreached {
                    follow: Follow::Calls,
                    subject: s,
                    to: t,
                }
            }
        }
        Form::Hosted { subject, on } => {
            let (t, w) = (ctx.set(subject), ctx.set(on));
            node_offences(t.ones().filter(|&i| w.contains(i) == negated).collect())
        }
        Form::Attribute { subject, predicate } => {
            let t = ctx.set(subject);
            let ok = select::satisfying(predicate, ctx.topo, &t);
            node_offences(t.ones().filter(|&i| ok.contains(i) == negated).collect())
        }
        Form::Stay { from, within, .. } => {
            let s = ctx.set(from);
            let mut outside = ctx.set(within);
            outside.toggle_range(..);
            paths(Follow::Data, s, outside, None, Goal::Any)
        }
        Form::Span {
            subject,
            bound,
            count,
            attr,
        } => {
            let (off, measure) = quantity::span(
                &ctx.set(subject),
                bound.node,
                count.node,
                &attr.node,
                ctx.topo,
                ctx.max,
            );
            Question::Nodes(off, Some(measure))
        }
        Form::Share {
            bound,
            percent,
            subject,
            by,
            test,
        } => {
            let t = ctx.set(subject);
            let ok = match test {
                crate::syntax::ast::ShareTest::Hosted(on) => ctx.set(on),
                crate::syntax::ast::ShareTest::Attribute(p) => select::satisfying(p, ctx.topo, &t),
            };
            let share = quantity::Share {
                bound: bound.node,
                percent: percent.node,
                by: by.as_ref().map(|b| b.node.as_str()),
            };
            let (off, measure) = quantity::share(&t, &ok, &share, ctx.topo, ctx.max);
            Question::Nodes(off, Some(measure))
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
