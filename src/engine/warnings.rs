//! Warnings that catch typos before they pass silently.
//!
//! An agreement is written once and checked against many designs, so a
//! definition that matches no node in one design is normal. Two kinds of
//! finding are therefore kept apart:
//!
//! - **Typo signals**, judged per topology and reported as warnings: a
//!   value that is a near miss of one the topology has (including case,
//!   invisible characters and look-alike letters from other scripts), an
//!   attribute or edge kind that is a near miss of one it has, and edge
//!   kinds that no clause and no `counts as` declaration mentions, which
//!   escape every kind-specific clause.
//! - **Absences**, recorded per topology as [`Absences`] and judged over a
//!   whole run by [`fold`]: a definition that matches no node, an
//!   attribute no node has, a kind no edge has. Only what is absent from
//!   *every* topology checked against an agreement is a warning (once per
//!   agreement and run); the rest are notes.
//!
//! Every check here is linear in the agreement and the topology: one pass
//! over nodes and edges, and the values of an attribute gathered once.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::rc::Rc;

use fixedbitset::FixedBitSet;

use super::select::Definitions;
use crate::diag::{Diagnostic, suggest};
use chrono::NaiveDate;

use crate::escape;
use crate::source::Span;
use crate::syntax::ast::{
    Agreement, Atom, Clause, Form, Name, Predicate, SelBase, Selector, SetOp, ShareTest,
};
use crate::syntax::meaning::selectors;
use crate::topology::{Sym, Topology};

/// How many edges a coverage warning lists before it counts the rest.
const SHOWN_EDGES: usize = 3;

/// What kind of name of the agreement a topology does not use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Unused {
    /// A definition that matches no node.
    Definition,
    /// An attribute that no node has.
    Attribute,
    /// An edge kind (in a clause or a `counts as` declaration) that no
    /// edge has.
    Kind,
    /// An attribute an edge condition tests that no edge has.
    EdgeAttribute,
}

impl Unused {
    /// The warning code's prefix: `unused-definition`, `unknown-attribute`,
    /// `unused-kind`.
    pub fn code(&self) -> &'static str {
        match self {
            Unused::Definition => "unused-definition",
            Unused::Attribute => "unknown-attribute",
            Unused::Kind => "unused-kind",
            Unused::EdgeAttribute => "unknown-edge-attribute",
        }
    }

    fn phrase(&self, name: &str) -> String {
        match self {
            Unused::Definition => format!("definition `{name}` matches no node"),
            Unused::Attribute => format!("no node has attribute `{name}`"),
            Unused::Kind => format!("no edge has kind `{name}`"),
            Unused::EdgeAttribute => format!("no edge has attribute `{name}`"),
        }
    }
}

/// One name of the agreement that one topology does not use.
#[derive(Debug, Clone)]
pub struct Absence {
    /// Which kind of name.
    pub what: Unused,
    /// The name.
    pub name: String,
    /// Where the agreement first uses it.
    pub span: Span,
    /// What this topology has instead, when it helps.
    pub help: Option<String>,
}

/// The names of an agreement that one topology does not use, in agreement
/// order, each once: the facts [`fold`] judges over a whole run.
#[derive(Debug, Clone, Default)]
pub struct Absences {
    /// The topology, as reported (`docs/arch.md#2`).
    pub topology: String,
    /// What it does not use.
    pub items: Vec<Absence>,
}

/// The run-level judgement of absences for one agreement.
#[derive(Debug, Clone, Default)]
pub struct Folded {
    /// Names no topology uses: (code, warning), in agreement order.
    pub warnings: Vec<(String, Diagnostic)>,
    /// Names some topologies use and others do not, one note per
    /// topology and name, for `--verbose`.
    pub notes: Vec<String>,
}

/// Folds the absences of every topology checked against `agreement` in a
/// run: a name absent from all of them is a warning (one per agreement and
/// run), a name absent from only some is a note for each of those.
/// Linear in the number of absences.
///
/// ```
/// let ag = proviso::parse_agreement(
///     "a.contract",
///     "define models as nodes where kind = model
///      define probes as nodes where kind = probe
///      clause 1: models must have zone = internal",
/// )?;
/// let one = proviso::load_topology("one.yaml", "nodes:\n  gpt: {kind: model, zone: internal}\n")?;
/// let two = proviso::load_topology("two.yaml", "nodes:\n  p: {kind: probe, zone: internal}\n")?;
/// let as_of = proviso::Date::from_ymd_opt(2026, 1, 1).unwrap();
/// let a = proviso::check(&ag, &one, as_of).absences;
/// let b = proviso::check(&ag, &two, as_of).absences;
/// let folded = proviso::engine::fold(&ag, [&a, &b]);
/// // Each definition is used by one design: no warning, two notes.
/// assert!(folded.warnings.is_empty());
/// assert_eq!(folded.notes.len(), 2);
/// # Ok::<(), proviso::Errors>(())
/// ```
pub fn fold<'a>(agreement: &Agreement, runs: impl IntoIterator<Item = &'a Absences>) -> Folded {
    let runs: Vec<&Absences> = runs.into_iter().collect();
    let mut count: HashMap<(Unused, &str), (usize, &Absence)> = HashMap::new();
    for run in &runs {
        for a in &run.items {
            count.entry((a.what, a.name.as_str())).or_insert((0, a)).0 += 1;
        }
    }
    let mut everywhere: Vec<&Absence> = count
        .values()
        .filter(|(n, _)| *n == runs.len())
        .map(|(_, a)| *a)
        .collect();
    everywhere.sort_by_key(|a| (a.span.start, a.what, a.name.clone()));
    let src = &agreement.source;
    let ag = escape::display(src.path());
    let names: Vec<String> = runs
        .iter()
        .map(|r| escape::display(&r.topology).into_owned())
        .collect();
    let checked = match &names[..] {
        [one] => format!("`{one}`, the only topology checked against `{ag}`"),
        many => {
            let refs: Vec<&str> = many.iter().map(String::as_str).collect();
            format!(
                "any of the {} topologies checked against `{ag}` ({})",
                many.len(),
                suggest::list(&refs, 3)
            )
        }
    };
    let mut out = Folded::default();
    for a in everywhere {
        let name = escape::display(&a.name);
        let code = format!("{}:{}", a.what.code(), a.name);
        let help = match &a.help {
            Some(h) => format!(
                "{h}; if no design is meant to have it, acknowledge `{}` in proviso.toml",
                escape::display(&code)
            ),
            None => format!(
                "check the spelling, or acknowledge `{}` in proviso.toml if no design is meant to have it",
                escape::display(&code)
            ),
        };
        out.warnings.push((
            code,
            Diagnostic::warning(format!("{} in {checked}", a.what.phrase(&name)))
                .at(src, a.span.clone(), "used by no topology of this run")
                .help(help),
        ));
    }
    for run in &runs {
        for a in &run.items {
            if count
                .get(&(a.what, a.name.as_str()))
                .is_some_and(|(n, _)| *n < runs.len())
            {
                out.notes.push(format!(
                    "{} in `{}` (another topology of this run uses it)",
                    a.what.phrase(&escape::display(&a.name)),
                    escape::display(&run.topology)
                ));
            }
        }
    }
    out
}

/// A per-topology warning with its code.
pub type Coded = (String, Diagnostic);

/// The typo signals (warnings) and the absences of this agreement on this
/// topology, `label` naming the topology in messages.
pub fn collect(
    ag: &Agreement,
    topo: &Topology,
    defs: &Definitions,
    label: &str,
) -> (Vec<Coded>, Absences) {
    let mut w = Collector {
        ag,
        facts: Facts::new(topo),
        label: escape::display(label).into_owned(),
        out: Vec::new(),
        absences: Absences {
            topology: label.to_string(),
            items: Vec::new(),
        },
        absent: HashSet::new(),
        look_alikes: HashSet::new(),
        codes: HashSet::new(),
    };
    let (atoms, quiet) = uses(ag);
    for def in &ag.definitions {
        if !quiet.contains(def.name.node.as_str())
            && defs.get(&def.name.node).is_some_and(FixedBitSet::is_clear)
        {
            w.absent(Unused::Definition, &def.name, None);
        }
    }
    w.look_alike_values(&atoms);
    // An attribute is an absence only where it is not quiet; a quiet test
    // first met is judged again, loud, when the agreement has one.
    let loud: HashSet<&str> = atoms
        .iter()
        .filter(|(_, _, q)| !q)
        .map(|(a, _, _)| a.node.as_str())
        .collect();
    for (attr, values, _) in &atoms {
        w.atom(attr, values, loud.contains(attr.node.as_str()));
    }
    let mut mentioned: HashSet<&str> = HashSet::new();
    for decl in &ag.counts_as {
        mentioned.insert(&decl.target.node);
        for k in &decl.kinds {
            mentioned.insert(&k.node);
            w.kind(k);
        }
    }
    // A kind declared to move data some way is guarded like any other
    // (a typo there silently leaves the edges walked with the call), but
    // it does not cover the kind: no clause reads it for that.
    let mut declared: HashSet<&str> = HashSet::new();
    for decl in &ag.directions {
        for k in &decl.kinds {
            if !mentioned.contains(k.node.as_str()) && declared.insert(&k.node) {
                w.kind(k);
            }
        }
    }
    let mut specific = false;
    for clause in &ag.clauses {
        if let Some(k) = clause_kind(&clause.form) {
            specific = true;
            if !mentioned.contains(k.node.as_str()) && !declared.contains(k.node.as_str()) {
                w.kind(k);
            }
            mentioned.insert(&k.node);
        }
    }
    if specific {
        w.coverage(&mentioned);
    }
    let (more, absent) = super::values::collect(ag, topo, label);
    for (code, d) in more {
        w.warn(code, d);
    }
    for (what, name, help) in absent {
        w.absent(what, name, help);
    }
    (w.out, w.absences)
}

fn clause_kind(form: &Form) -> Option<&Name> {
    match form {
        Form::Route { kind, .. } | Form::Access { kind, .. } => kind.as_ref(),
        Form::Stay { kind, .. } => Some(kind),
        _ => None,
    }
}

/// One attribute test of the agreement: the attribute, the values it is
/// compared with (none for `has`), and whether it only serves to forbid
/// or exclude (see [`uses`]).
type AtomUse<'a> = (&'a Name, &'a [Name], bool);

/// What the agreement names, in agreement order: every attribute test
/// (with whether it is *quiet*), and the definitions that are quiet.
///
/// A name is quiet when the agreement uses it only where matching nothing
/// is the compliant state: after `except`, as the waypoint of a `must not
/// route via`, as either side of `must not have access`, as what a subject
/// `must not depend on` or `be hosted on`, anywhere in a permission (a
/// carve-out a design does not use), or inside a definition that is
/// itself quiet. `competitors` in `competitors must not have api access to
/// models` matches nothing in a compliant design, by design: its absence
/// is no typo guard.
fn uses(ag: &Agreement) -> (Vec<AtomUse<'_>>, HashSet<&str>) {
    let mut loud: HashSet<&str> = HashSet::new();
    let mut used: HashSet<&str> = HashSet::new();
    let mut clause_atoms = Vec::new();
    for clause in &ag.clauses {
        let neg = clause.modal.node.negated;
        // A permission's sets matching nothing is normal: the carve-out is
        // simply not used by the design.
        let permission = clause.modal.node.is_permission();
        for (sel, quiet) in clause_selectors(&clause.form, neg) {
            let quiet = quiet || permission;
            walk(sel, quiet, &mut |u| match u {
                Use::Ref(n, q) => {
                    used.insert(n.node.as_str());
                    if !q {
                        loud.insert(n.node.as_str());
                    }
                }
                Use::Atom(a, v, q) => clause_atoms.push((a, v, q)),
            });
        }
        let tested = match &clause.form {
            Form::Attribute { predicate, .. }
            | Form::Share {
                test: ShareTest::Attribute(predicate),
                ..
            } => Some(predicate),
            _ => None,
        };
        if let Some(predicate) = tested {
            predicate_atoms(predicate, false, &mut |u| {
                if let Use::Atom(a, v, q) = u {
                    clause_atoms.push((a, v, q));
                }
            });
        }
        // The attribute a span counts and a share weighs by.
        match &clause.form {
            Form::Span { attr, .. } | Form::Share { by: Some(attr), .. } => {
                clause_atoms.push((attr, &[][..], false))
            }
            _ => {}
        }
    }
    // A definition is used only by clauses and by definitions below it,
    // so walking them from the last decides each before its uses are read.
    let mut quiet: HashSet<&str> = HashSet::new();
    let mut def_atoms: Vec<Vec<AtomUse<'_>>> = Vec::new();
    for def in ag.definitions.iter().rev() {
        let name = def.name.node.as_str();
        let this_quiet = used.contains(name) && !loud.contains(name);
        if this_quiet {
            quiet.insert(name);
        }
        let mut atoms = Vec::new();
        walk(&def.selector, this_quiet, &mut |u| match u {
            Use::Ref(n, q) => {
                used.insert(n.node.as_str());
                if !q {
                    loud.insert(n.node.as_str());
                }
            }
            Use::Atom(a, v, q) => atoms.push((a, v, q)),
        });
        def_atoms.push(atoms);
    }
    let mut out: Vec<AtomUse<'_>> = def_atoms.into_iter().rev().flatten().collect();
    out.extend(clause_atoms);
    (out, quiet)
}

/// A clause's selectors, each with whether matching nothing there is the
/// compliant state.
fn clause_selectors(form: &Form, negated: bool) -> Vec<(&Selector, bool)> {
    match form {
        Form::Route { from, to, via, .. } => from
            .iter()
            .map(|s| (s, false))
            .chain([(to, false), (via, negated)])
            .collect(),
        Form::Access { subject, to, .. } => vec![(subject, negated), (to, negated)],
        Form::Depend { subject, on, .. } | Form::Hosted { subject, on } => {
            vec![(subject, false), (on, negated)]
        }
        f => selectors(f).into_iter().map(|s| (s, false)).collect(),
    }
}

/// A name met while walking a selector, with whether it is quiet there.
enum Use<'a> {
    Ref(&'a Name, bool),
    Atom(&'a Name, &'a [Name], bool),
}

fn walk<'a>(sel: &'a Selector, quiet: bool, f: &mut impl FnMut(Use<'a>)) {
    let terms =
        std::iter::once((None, &sel.first)).chain(sel.rest.iter().map(|(op, t)| (Some(*op), t)));
    for (op, term) in terms {
        let q = quiet || op == Some(SetOp::Except);
        match &term.base {
            SelBase::Ref(n) => f(Use::Ref(n, q)),
            SelBase::Group(inner) => walk(inner, q, f),
            SelBase::All(_) => {}
        }
        if let Some(p) = &term.filter {
            predicate_atoms(p, q, f);
        }
    }
}

fn predicate_atoms<'a>(pred: &'a Predicate, quiet: bool, f: &mut impl FnMut(Use<'a>)) {
    for factor in pred.any.iter().flatten() {
        match &factor.atom {
            Atom::Group(inner) => predicate_atoms(inner, quiet, f),
            Atom::Has(attr) => f(Use::Atom(attr, &[][..], quiet)),
            Atom::Compare { attr, values, .. } => f(Use::Atom(attr, &values[..], quiet)),
            Atom::Contains { attr, value } => {
                f(Use::Atom(attr, std::slice::from_ref(value), quiet))
            }
            // A number or a pattern is no value to look alike.
            Atom::Order { attr, .. } | Atom::Matches { attr, .. } => {
                f(Use::Atom(attr, &[][..], quiet))
            }
        }
    }
}

struct Collector<'a, 't> {
    ag: &'a Agreement,
    facts: Facts<'t>,
    label: String,
    out: Vec<Coded>,
    absences: Absences,
    absent: HashSet<(Unused, String)>,
    /// (attribute, agreement value) pairs a look-alike warning covers.
    look_alikes: HashSet<(String, String)>,
    codes: HashSet<String>,
}

impl Collector<'_, '_> {
    /// Adds a warning, once per code.
    fn warn(&mut self, code: String, d: Diagnostic) {
        if self.codes.insert(code.clone()) {
            self.out.push((code, d));
        }
    }

    fn absent(&mut self, what: Unused, name: &Name, help: Option<String>) {
        if self.absent.insert((what, name.node.clone())) {
            self.absences.items.push(Absence {
                what,
                name: name.node.clone(),
                span: name.span.clone(),
                help,
            });
        }
    }

    /// An attribute test: a near-miss attribute is a typo here, an absent
    /// one an absence; a value that is a near miss of one this topology
    /// has is a typo.
    fn atom(&mut self, attr: &Name, values: &[Name], loud: bool) {
        let src = &self.ag.source;
        let Some(seen) = self.facts.values_of(&attr.node) else {
            let names = self.facts.attr_names();
            let near = suggest::did_you_mean(&attr.node, names.iter().copied());
            let nearest = suggest::nearest(&attr.node, names.iter().copied());
            match near {
                Some(n) => {
                    let code = format!("{}:{}", Unused::Attribute.code(), attr.node);
                    if self.absent.insert((Unused::Attribute, attr.node.clone())) {
                        let d = Diagnostic::warning(format!(
                            "no node has attribute `{}` in `{}`",
                            escape::display(&attr.node),
                            self.label
                        ))
                        .at(src, attr.span.clone(), "unknown attribute")
                        .help(format!(
                            "did you mean `{}`? attributes that exist: {}",
                            escape::display(n),
                            suggest::list(&nearest, 8)
                        ));
                        self.warn(code, d);
                    }
                }
                None if loud => {
                    let help = (!nearest.is_empty())
                        .then(|| format!("attributes that exist: {}", suggest::list(&nearest, 8)));
                    self.absent(Unused::Attribute, attr, help);
                }
                None => {}
            }
            return;
        };
        for v in values {
            if seen.contains_key(v.node.as_str())
                || self
                    .look_alikes
                    .contains(&(attr.node.clone(), v.node.clone()))
            {
                continue;
            }
            let limit = (v.node.chars().count() / 4).max(1);
            let near = suggest::nearest(&v.node, seen.keys().copied());
            let Some(first) = near.first().copied() else {
                continue;
            };
            let alike = why_alike(first, &v.node);
            let close = alike.is_some()
                || strsim::damerau_levenshtein(&v.node.to_lowercase(), &first.to_lowercase())
                    <= limit;
            if !close {
                continue;
            }
            let code = format!("near-miss:{}={}", attr.node, v.node);
            let help = match alike {
                Some(why) => format!(
                    "the topology has `{}`, which {why}; write the same value on both sides",
                    shown(first)
                ),
                None => format!(
                    "did you mean `{}`? seen: {}",
                    shown(first),
                    suggest::list(&near, 8)
                ),
            };
            let d = Diagnostic::warning(format!(
                "no node has {} `{}` in `{}`",
                escape::display(&attr.node),
                shown(&v.node),
                self.label
            ))
            .at(src, v.span.clone(), "no node has this value")
            .help(help);
            self.warn(code, d);
        }
    }

    /// Values in the topology that look like a value of the agreement but
    /// are not it (case, invisible characters, look-alike letters): the
    /// nodes holding them silently escape the clauses about that value.
    fn look_alike_values(&mut self, atoms: &[AtomUse<'_>]) {
        let mut wanted: BTreeMap<&str, HashMap<String, &str>> = BTreeMap::new();
        let mut order: Vec<&str> = Vec::new();
        for (attr, values, _) in atoms {
            if values.is_empty() {
                continue;
            }
            let entry = wanted.entry(attr.node.as_str()).or_insert_with(|| {
                order.push(attr.node.as_str());
                HashMap::new()
            });
            for v in *values {
                entry.entry(skeleton(&v.node)).or_insert(v.node.as_str());
            }
        }
        let topo = self.facts.topo;
        for attr in order {
            let Some(seen) = self.facts.values_of(attr) else {
                continue;
            };
            let Some(skeletons) = wanted.get(attr) else {
                continue;
            };
            let exact: HashSet<&str> = skeletons.values().copied().collect();
            for (value, &(node, count)) in seen.iter() {
                if exact.contains(value) {
                    continue;
                }
                let Some(&meant) = skeletons.get(&skeleton(value)) else {
                    continue;
                };
                let Some(why) = why_alike(value, meant) else {
                    continue;
                };
                self.look_alikes
                    .insert((attr.to_string(), meant.to_string()));
                let n = &topo.nodes[node as usize];
                let others = match count {
                    1 => String::new(),
                    2 => " (and 1 other node)".to_string(),
                    c => format!(" (and {} other nodes)", c - 1),
                };
                let d = Diagnostic::warning(format!(
                    "node `{}` has {} `{}`, which is not `{}`: it {why}, in `{}`{others}",
                    escape::display(&n.id),
                    escape::display(attr),
                    shown(value),
                    shown(meant),
                    self.label
                ))
                .at(
                    topo.locate(&n.span()).0,
                    topo.locate(&n.span()).1,
                    "looks like an agreement value",
                )
                .help(format!(
                    "write `{}` exactly, or the clauses about `{}` do not see this node",
                    shown(meant),
                    shown(meant)
                ));
                self.warn(format!("look-alike:{attr}={meant}"), d);
            }
        }
    }

    /// A kind named by a clause or a `counts as` declaration.
    fn kind(&mut self, k: &Name) {
        if self.facts.edge_kinds.contains(k.node.as_str()) {
            return;
        }
        let kinds: Vec<&str> = self.facts.edge_kinds.iter().copied().collect();
        match suggest::did_you_mean(&k.node, kinds.iter().copied()) {
            Some(n) if self.absent.insert((Unused::Kind, k.node.clone())) => {
                let d = Diagnostic::warning(format!(
                    "no edge has kind `{}` in `{}`",
                    escape::display(&k.node),
                    self.label
                ))
                .at(&self.ag.source, k.span.clone(), "no edge of this kind")
                .help(format!(
                    "did you mean `{}`? the topology's edge kinds are {}",
                    escape::display(n),
                    suggest::list(&kinds, 8)
                ));
                self.warn(format!("{}:{}", Unused::Kind.code(), k.node), d);
            }
            Some(_) => {}
            None => {
                let help = (!kinds.is_empty())
                    .then(|| format!("the topology's edge kinds are {}", suggest::list(&kinds, 8)));
                self.absent(Unused::Kind, k, help);
            }
        }
    }

    /// Edge kinds no clause and no `counts as` declaration mentions: they
    /// escape every kind-specific clause, in the letter and the spirit.
    fn coverage(&mut self, mentioned: &HashSet<&str>) {
        let topo = self.facts.topo;
        // Per kind, in the order of its first edge: the first few edges
        // and how many there are.
        let mut by_kind: HashMap<Sym, usize> = HashMap::new();
        let mut found: Vec<(Sym, Vec<u32>, usize)> = Vec::new();
        for (i, e) in topo.edges.iter().enumerate() {
            let ix = *by_kind.entry(e.kind).or_insert_with(|| {
                found.push((e.kind, Vec::new(), 0));
                found.len() - 1
            });
            let entry = &mut found[ix];
            entry.2 += 1;
            if entry.1.len() < SHOWN_EDGES {
                entry.1.push(i as u32);
            }
        }
        for (kind, edges, count) in found {
            let name = topo.strings.resolve(kind);
            if mentioned.contains(name) {
                continue;
            }
            let shown: Vec<String> = edges
                .iter()
                .map(|&e| {
                    let edge = &topo.edges[e as usize];
                    format!(
                        "`{} --{}--> {}` at {}",
                        escape::display(&topo.nodes[edge.from as usize].id),
                        escape::display(name),
                        escape::display(&topo.nodes[edge.to as usize].id),
                        topo.edge_location(e)
                    )
                })
                .collect();
            let more = count - edges.len();
            let more = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            let Some(&first) = edges.first() else {
                continue;
            };
            let d = Diagnostic::warning(format!(
                "{count} edge{} of kind `{}` in `{}` escape{} every kind-specific clause: {}{more}",
                if count == 1 { "" } else { "s" },
                escape::display(name),
                self.label,
                if count == 1 { "s" } else { "" },
                shown.join(", "),
            ))
            .at(
                topo.locate(&topo.edges[first as usize].span()).0,
                topo.locate(&topo.edges[first as usize].span()).1,
                "no clause follows this kind",
            )
            .help(format!(
                "no clause and no `counts as` declaration names `{0}`; if it carries api access or data, declare `in spirit, {0} counts as ...`",
                escape::display(name)
            ));
            self.warn(format!("uncovered-kind:{name}"), d);
        }
    }
}

/// Why `found` looks like `meant` without being it: an invisible
/// character, a space at either end, a look-alike letter from another
/// script, or case. `None` when they differ otherwise.
fn why_alike(found: &str, meant: &str) -> Option<String> {
    if found == meant || skeleton(found) != skeleton(meant) {
        return None;
    }
    for s in [found, meant] {
        if let Some(c) = s.chars().find(|&c| invisible(c).is_some()) {
            return Some(format!(
                "holds an invisible U+{:04X} ({})",
                c as u32,
                invisible(c).unwrap_or_default()
            ));
        }
    }
    for s in [found, meant] {
        if s.trim() != s {
            return Some("has a space at one end".to_string());
        }
    }
    for s in [found, meant] {
        if let Some(c) = s.chars().find(|&c| latin(c) != c) {
            return Some(format!(
                "holds the {} letter U+{:04X}, which looks like `{}`",
                script(c),
                c as u32,
                latin(c)
            ));
        }
    }
    Some("differs only in case".to_string())
}

/// A value for a message: unsafe characters escaped as everywhere, and
/// invisible ones too, so the reader sees what differs.
fn shown(s: &str) -> String {
    let s = escape::display(s);
    if !s.chars().any(|c| invisible(c).is_some()) {
        return s.into_owned();
    }
    s.chars()
        .map(|c| match invisible(c) {
            Some(_) => format!("\\u{{{:x}}}", c as u32),
            None => c.to_string(),
        })
        .collect()
}

/// The name of an invisible character, if `c` is one.
fn invisible(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{200b}' => "zero-width space",
        '\u{200c}' => "zero-width non-joiner",
        '\u{200d}' => "zero-width joiner",
        '\u{2060}' => "word joiner",
        '\u{feff}' => "byte-order mark",
        '\u{00a0}' => "no-break space",
        '\u{00ad}' => "soft hyphen",
        '\u{180e}' => "mongolian vowel separator",
        _ => return None,
    })
}

/// A value as it looks: invisible characters and spaces at the ends
/// dropped, common Cyrillic and Greek look-alikes mapped to Latin, lower
/// case.
fn skeleton(s: &str) -> String {
    let visible: String = s.chars().filter(|&c| invisible(c).is_none()).collect();
    visible
        .trim()
        .chars()
        .map(latin)
        .collect::<String>()
        .to_lowercase()
}

fn script(c: char) -> &'static str {
    if ('\u{0370}'..='\u{03ff}').contains(&c) {
        "Greek"
    } else {
        "Cyrillic"
    }
}

/// The Latin letter a Cyrillic or Greek letter is commonly mistaken for.
fn latin(c: char) -> char {
    match c {
        'а' => 'a',
        'е' => 'e',
        'о' => 'o',
        'р' => 'p',
        'с' => 'c',
        'у' => 'y',
        'х' => 'x',
        'і' => 'i',
        'ј' => 'j',
        'ѕ' => 's',
        'ԁ' => 'd',
        'һ' => 'h',
        'ԛ' => 'q',
        'ԝ' => 'w',
        'А' => 'A',
        'В' => 'B',
        'Е' => 'E',
        'К' => 'K',
        'М' => 'M',
        'Н' => 'H',
        'О' => 'O',
        'Р' => 'P',
        'С' => 'C',
        'Т' => 'T',
        'Х' => 'X',
        'І' => 'I',
        'Ѕ' => 'S',
        'ο' => 'o',
        'α' => 'a',
        'ν' => 'v',
        'ρ' => 'p',
        'ι' => 'i',
        'κ' => 'k',
        'Α' => 'A',
        'Β' => 'B',
        'Ε' => 'E',
        'Ζ' => 'Z',
        'Η' => 'H',
        'Ι' => 'I',
        'Κ' => 'K',
        'Μ' => 'M',
        'Ν' => 'N',
        'Ο' => 'O',
        'Ρ' => 'P',
        'Τ' => 'T',
        'Χ' => 'X',
        'Υ' => 'Y',
        c => c,
    }
}

/// What the topology has: attribute names, values per attribute, edge kinds.
///
/// Built for a million nodes: one pass marks which attribute names and
/// edge kinds occur (bitsets over interned symbols), and the values of an
/// attribute are gathered only when a predicate names it, once per name.
struct Facts<'t> {
    topo: &'t Topology,
    attrs: FixedBitSet,
    edge_kinds: BTreeSet<&'t str>,
    values: RefCell<HashMap<Sym, Rc<Values<'t>>>>,
}

/// The values of one attribute: each with its first node and how many
/// nodes have it.
type Values<'t> = BTreeMap<&'t str, (u32, usize)>;

impl<'t> Facts<'t> {
    fn new(topo: &'t Topology) -> Self {
        let mut attrs = FixedBitSet::with_capacity(topo.strings.len());
        for n in &topo.nodes {
            for &(k, _) in &n.attrs {
                attrs.insert(k as usize);
            }
        }
        let mut kinds = FixedBitSet::with_capacity(topo.strings.len());
        for e in &topo.edges {
            kinds.insert(e.kind as usize);
        }
        let edge_kinds = kinds
            .ones()
            .map(|k| topo.strings.resolve(k as Sym))
            .collect();
        Facts {
            topo,
            attrs,
            edge_kinds,
            values: RefCell::new(HashMap::new()),
        }
    }

    fn attr_names(&self) -> Vec<&'t str> {
        let mut names: Vec<&str> = self
            .attrs
            .ones()
            .map(|k| self.topo.strings.resolve(k as Sym))
            .collect();
        names.sort();
        names
    }

    /// The values some node has for `attr`; `None` if no node has it.
    fn values_of(&self, attr: &str) -> Option<Rc<Values<'t>>> {
        let a = self.topo.strings.get(attr)?;
        if !self.attrs.contains(a as usize) {
            return None;
        }
        let mut cache = self.values.borrow_mut();
        let set = cache.entry(a).or_insert_with(|| {
            let mut syms: HashMap<Sym, (u32, usize)> = HashMap::new();
            for (i, n) in self.topo.nodes.iter().enumerate() {
                for v in n.values(a) {
                    syms.entry(v).or_insert((i as u32, 0)).1 += 1;
                }
            }
            Rc::new(
                syms.into_iter()
                    .map(|(v, seen)| (self.topo.strings.resolve(v), seen))
                    .collect(),
            )
        });
        Some(Rc::clone(set))
    }
}

/// The warnings about effective dates, which depend on the day judged at
/// and not on the topology: a clause window outside the agreement's term,
/// and an agreement not in force at all on `as_of`.
pub fn dates(ag: &Agreement, as_of: NaiveDate) -> Vec<Coded> {
    let mut out = Vec::new();
    term_warning(ag, as_of, &mut out);
    for clause in &ag.clauses {
        window_warning(ag, clause, &mut out);
    }
    out
}

/// An agreement whose term excludes `as_of` has no clause in force: the
/// report would say "not in force" for every clause and pass, which is
/// rarely what a gate means to do.
fn term_warning(ag: &Agreement, as_of: NaiveDate, out: &mut Vec<Coded>) {
    let Some(term) = &ag.window else { return };
    if ag.clauses.is_empty() || term.node.contains(as_of) {
        return;
    }
    let day = as_of.format("%Y-%m-%d");
    let label = if as_of < term.node.from {
        "the term has not started"
    } else {
        "the term has ended"
    };
    out.push((
        "agreement-not-in-force".to_string(),
        Diagnostic::warning(format!(
            "the agreement is not in force on {day}: its term is {}",
            term.node.describe()
        ))
        .at(&ag.source, term.span.clone(), label)
        .help(format!(
            "no clause is checked; pass `--as-of` a day inside the term, or check against the agreement in force on {day}"
        )),
    ));
}

/// A clause window that starts before the agreement's term or runs past it:
/// the clause is in force only inside the term, so part of what is written
/// is not obeyed.
fn window_warning(ag: &Agreement, clause: &Clause, out: &mut Vec<Coded>) {
    let (Some(own), Some(term)) = (&clause.window, &ag.window) else {
        return;
    };
    let (w, t) = (own.node, term.node);
    let early = w.from < t.from;
    let late = match (w.until, t.until) {
        (_, None) => false,
        (None, Some(_)) => true,
        (Some(a), Some(b)) => a > b,
    };
    let label = match (early, late) {
        (false, false) => return,
        (true, false) => "starts before the agreement's term",
        (false, true) => "runs past the agreement's term",
        (true, true) => "starts before and runs past the agreement's term",
    };
    let both = w.intersect(&t);
    let help = if both.until.is_some_and(|u| u <= both.from) {
        "the windows do not overlap, so the clause is never in force; move its window inside the term, or extend the term".to_string()
    } else {
        format!(
            "the clause is in force only {}; move its window inside the term, or extend the term",
            both.describe()
        )
    };
    out.push((
        format!("clause-window:{}", clause.id.node),
        Diagnostic::warning(format!(
            "clause `{}` is effective {}, outside the agreement's term {}",
            clause.id.node,
            w.describe(),
            t.describe()
        ))
        .at(&ag.source, own.span.clone(), label)
        .also(&ag.source, term.span.clone(), "the agreement's term")
        .help(help),
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn look_alikes_are_explained() {
        assert_eq!(
            why_alike("azure\u{200b}", "azure").as_deref(),
            Some("holds an invisible U+200B (zero-width space)")
        );
        assert_eq!(
            why_alike("azure ", "azure").as_deref(),
            Some("has a space at one end")
        );
        assert_eq!(
            why_alike("\u{0430}zure", "azure").as_deref(),
            Some("holds the Cyrillic letter U+0430, which looks like `a`")
        );
        assert_eq!(
            why_alike("Model", "model").as_deref(),
            Some("differs only in case")
        );
        assert_eq!(why_alike("aws", "azure"), None);
    }
}
