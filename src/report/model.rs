//! The report: what a check found, as plain serialisable data.
//!
//! This is the stable JSON format (documented in the README) and the input
//! of every renderer. It holds strings and locations, never indices into a
//! topology, so a report can be stored, compared with a later one, or
//! snapshot-tested by a library user.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::source::Location;

/// The version of the JSON report this proviso writes. 2 added violating
/// edges, remedies, agreement hashes and finding keys by edge; a
/// document without the field is version 1 (or older), whose baseline
/// keys (witness node lists) cannot be compared with today's.
pub const FORMAT_VERSION: u32 = 2;

/// The whole output of one run: a report per topology.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Document {
    /// The report format's version ([`FORMAT_VERSION`] when written by
    /// this proviso; 1 when read from a document without it).
    #[serde(default = "version_one")]
    pub format_version: u32,
    /// One report per topology, in the order checked.
    pub reports: Vec<Report>,
    /// Waivers that did not waive anything this run (expired or stale);
    /// absent when no waiver file was used.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub waivers: Vec<WaiverStatus>,
    /// The comparison with `--baseline`, when one was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineSummary>,
    /// Warnings about the whole run rather than one topology: a name of an
    /// agreement that no topology checked against it uses, and
    /// acknowledgements that matched no warning.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Warning>,
    /// Where the report's relative paths start and where the repository
    /// root is, for formats that name files relative to the root (SARIF);
    /// never serialised. `None`: paths are written as reported.
    #[serde(skip)]
    pub base: Option<PathBase>,
}

/// The working directory the report's paths are relative to, and the
/// repository root, both absolute.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PathBase {
    /// The directory relative paths start from.
    pub cwd: std::path::PathBuf,
    /// The repository root.
    pub root: std::path::PathBuf,
}

impl PathBase {
    /// `path` (relative to `cwd`, or absolute) relative to the root, with
    /// `/` separators; `None` when it lies outside the root.
    pub fn relative(&self, path: &str) -> Option<String> {
        let abs = crate::input::normalize(&self.cwd.join(path));
        let rel = abs.strip_prefix(&self.root).ok()?;
        Some(rel.to_string_lossy().replace('\\', "/"))
    }
}

fn version_one() -> u32 {
    1
}

impl Document {
    /// A document of reports, with no gate applied yet.
    pub fn new(reports: Vec<Report>) -> Document {
        Document {
            format_version: FORMAT_VERSION,
            reports,
            waivers: Vec::new(),
            baseline: None,
            base: None,
            warnings: Vec::new(),
        }
    }
}

/// A waiver that did not waive anything this run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct WaiverStatus {
    /// `expired` (past its expiry date, so it waives nothing) or `stale`
    /// (matched no finding).
    pub state: WaiverState,
    /// The clause id the waiver names.
    pub clause: String,
    /// The topology glob it covers.
    pub topology: String,
    /// The witness node ids it covers, if it names one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub witness: Vec<String>,
    /// Its expiry date (YYYY-MM-DD).
    pub expires: String,
    /// Where the waiver is written.
    pub location: Location,
}

/// Why a waiver waived nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum WaiverState {
    /// Past its expiry date.
    Expired,
    /// Matched no finding.
    Stale,
}

/// A waiver that covers a witness.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct WaiverNote {
    /// Why the finding is accepted.
    pub reason: String,
    /// Who approved it.
    pub approved_by: String,
    /// When it stops waiving (YYYY-MM-DD).
    pub expires: String,
    /// Where the waiver is written.
    pub location: Location,
}

/// How a finding compares with the baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum BaselineState {
    /// Not in the baseline: fails the gate.
    New,
    /// In the baseline: reported, does not fail the gate.
    Unchanged,
}

/// A finding's identity: stable when nodes move in the file, and
/// independent of which witness a search happens to pick. A path clause's
/// findings are its violating edges, a node clause's its offending nodes.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
pub struct FindingKey {
    /// The topology file (or `doc.md#N` block), as reported.
    pub topology: String,
    /// The agreement file.
    pub agreement: String,
    /// The agreement text's hash (see [`Report::agreement_hash`]).
    pub agreement_hash: String,
    /// The clause id.
    pub clause: String,
    /// The violating edge, for a path clause.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edge: Option<EdgeKey>,
    /// The offending node, for a node clause.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node: Option<String>,
}

impl FindingKey {
    /// What the finding is about: `a --kind--> b`, or a node id.
    pub fn subject(&self) -> String {
        match (&self.edge, &self.node) {
            (Some(e), _) => format!("{} --{}--> {}", e.from, e.kind, e.to),
            (None, Some(n)) => n.clone(),
            (None, None) => String::new(),
        }
    }
}

/// An edge by its ends and kind (two edges with the same three are one
/// finding).
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
pub struct EdgeKey {
    /// Caller.
    pub from: String,
    /// The edge kind as labelled.
    pub kind: String,
    /// Callee.
    pub to: String,
}

/// The comparison of this run with a baseline report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct BaselineSummary {
    /// The baseline file.
    pub file: String,
    /// Findings not in the baseline.
    pub new: usize,
    /// Findings also in the baseline.
    pub unchanged: usize,
    /// Baseline findings whose clause and topology were checked but that
    /// were not found again (and whose clause kept all its witnesses: one
    /// with omitted witnesses may have omitted this one).
    pub fixed: Vec<FindingKey>,
    /// Baseline findings for a topology or clause not checked this run.
    pub stale: Vec<FindingKey>,
}

/// The verdicts of one agreement on one topology.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Report {
    /// The topology file.
    pub topology: String,
    /// The topology's `name:`, if any.
    pub name: Option<String>,
    /// The agreement file.
    pub agreement: String,
    /// The agreement's title, if it has a header.
    pub agreement_title: Option<String>,
    /// A hash of the agreement's text (64-bit FNV-1a, 16 hex digits), so
    /// a baseline knows which agreement, word for word, its findings
    /// were judged under.
    #[serde(default)]
    pub agreement_hash: String,
    /// The date the clauses were judged at (YYYY-MM-DD).
    pub as_of: String,
    /// One verdict per clause, in agreement order.
    pub verdicts: Vec<ClauseVerdict>,
    /// Warnings about the agreement or the topology (likely typos).
    pub warnings: Vec<Warning>,
    /// How many clauses got each verdict.
    pub summary: Summary,
}

/// Counts of verdicts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Summary {
    /// Clauses that hold.
    pub holds: usize,
    /// Clauses breached (any modal).
    pub breached: usize,
    /// Clauses contested.
    pub contested: usize,
    /// Clauses not in force.
    pub not_in_force: usize,
}

/// The verdict on one clause.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Both readings hold.
    Holds,
    /// The binding reading fails.
    Breached,
    /// The binding reading holds and the other fails.
    Contested,
    /// Outside its effective window.
    NotInForce,
}

impl Verdict {
    /// As written in reports.
    pub fn as_str(&self) -> &'static str {
        match self {
            Verdict::Holds => "holds",
            Verdict::Breached => "breached",
            Verdict::Contested => "contested",
            Verdict::NotInForce => "not-in-force",
        }
    }
}

/// The letter or the spirit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Reading {
    /// Edge kinds as labelled.
    Letter,
    /// Edge kinds as declared to count.
    Spirit,
}

impl Reading {
    /// As written in reports.
    pub fn as_str(&self) -> &'static str {
        match self {
            Reading::Letter => "letter",
            Reading::Spirit => "spirit",
        }
    }

    /// "the letter", "the spirit".
    pub fn label(&self) -> &'static str {
        match self {
            Reading::Letter => "the letter",
            Reading::Spirit => "the spirit",
        }
    }
}

/// One reading of a clause by name: the letter, the spirit or a party's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which<'a> {
    /// The letter.
    Letter,
    /// The shared spirit.
    Spirit,
    /// A party's own reading.
    Party(&'a str),
}

impl Which<'_> {
    /// `letter`, `spirit`, or the party's name.
    pub fn name(&self) -> &str {
        match self {
            Which::Letter => "letter",
            Which::Spirit => "spirit",
            Which::Party(p) => p,
        }
    }

    /// `the letter`, `the spirit`, `microsoft's reading` (untrusted text
    /// is not in it: party names are the agreement's, as written there).
    pub fn label(&self) -> String {
        match self {
            Which::Letter => "the letter".to_string(),
            Which::Spirit => "the spirit".to_string(),
            Which::Party(p) => format!("{p}'s reading"),
        }
    }
}

impl From<Reading> for Which<'_> {
    fn from(r: Reading) -> Self {
        match r {
            Reading::Letter => Which::Letter,
            Reading::Spirit => Which::Spirit,
        }
    }
}

impl ClauseVerdict {
    /// Every reading with its result, in report order: the letter, the
    /// spirit, then each party's; empty when not in force.
    pub fn all_readings(&self) -> Vec<(Which<'_>, &ReadingResult)> {
        let mut out = Vec::new();
        if let Some(l) = &self.letter {
            out.push((Which::Letter, l));
        }
        if let Some(s) = &self.spirit {
            out.push((Which::Spirit, s));
        }
        out.extend(
            self.readings
                .iter()
                .map(|p| (Which::Party(p.party.as_str()), &p.result)),
        );
        out
    }

    /// The result of one reading.
    pub fn result(&self, w: Which<'_>) -> Option<&ReadingResult> {
        match w {
            Which::Letter => self.letter.as_ref(),
            Which::Spirit => self.spirit.as_ref(),
            Which::Party(p) => self
                .readings
                .iter()
                .find(|r| r.party == p)
                .map(|r| &r.result),
        }
    }

    /// Every reading's result, mutably (for the gate's marks).
    pub fn results_mut(&mut self) -> impl Iterator<Item = &mut ReadingResult> {
        self.letter
            .iter_mut()
            .chain(self.spirit.iter_mut())
            .chain(self.readings.iter_mut().map(|p| &mut p.result))
    }
}

/// How a breach counts: must/shall breaches are errors, should breaches warnings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// must, shall.
    Error,
    /// should.
    Warning,
}

/// One clause's verdict with both readings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ClauseVerdict {
    /// The clause id, such as `4.2`.
    pub clause: String,
    /// The clause title, if any.
    pub title: Option<String>,
    /// The clause body as written, whitespace folded.
    pub text: String,
    /// `must`, `must not`, `shall`, `should`...
    pub modal: String,
    /// `error` for must/shall, `warning` for should.
    pub level: Level,
    /// The form: waypoint, isolation, reachability, dependency, hosting,
    /// attribute or containment.
    pub form: String,
    /// The verdict.
    pub verdict: Verdict,
    /// Which reading binds.
    pub binding: Reading,
    /// Where the clause is in the agreement.
    pub location: Location,
    /// The letter reading; absent when the clause is not in force.
    pub letter: Option<ReadingResult>,
    /// The spirit reading; absent when the clause is not in force.
    pub spirit: Option<ReadingResult>,
    /// Each party's own reading (`according to P, ...`), in the order of
    /// `between`; absent when no party declares one or the clause is not
    /// in force.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub readings: Vec<PartyReading>,
    /// The parties that owe the clause (`owed by P`); absent when unnamed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub owed_by: Vec<String>,
    /// For a breached path clause, edges whose removal makes the binding
    /// reading hold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remedy: Option<Remedy>,
    /// Whether every finding of the deciding reading (each violating
    /// edge, or each offending node) is waived (or, with a baseline,
    /// unchanged), so the clause does not fail the gate.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub accepted: bool,
    /// Why, in one line, for `check --explain` (see
    /// [`crate::authoring::explain::summary`]); shown in the human view
    /// only, never serialised.
    #[serde(skip)]
    pub why: Option<String>,
}

/// A party's own reading of a clause.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PartyReading {
    /// The party (`microsoft`).
    pub party: String,
    /// What the clause gives under the party's reading.
    #[serde(flatten)]
    pub result: ReadingResult,
}

/// The paths of a clause a permission excuses (`notwithstanding`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Excused {
    /// The permission's clause id.
    pub by: String,
    /// Its title, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The first excused paths (at most `--max-witnesses`).
    pub witnesses: Vec<Witness>,
    /// How many more excused paths there are; absent when 0.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub omitted: usize,
}

/// What a quantity clause counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Measure {
    /// What was found: `3 distinct region values`, `62.5% (50 of 80 gpus)`.
    pub actual: String,
    /// What the clause requires: `at most 2`, `at least 80%`.
    pub required: String,
    /// The distinct values counted, for a span (the first ones).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
    /// How many more distinct values there are; absent when 0.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub omitted: usize,
}

impl Measure {
    /// `3 distinct region values (eastus, westus, northeurope); at most 2 required`.
    pub fn text(&self) -> String {
        let mut s = self.actual.clone();
        if !self.values.is_empty() {
            s.push_str(": ");
            s.push_str(&self.values.join(", "));
            if self.omitted > 0 {
                s.push_str(&format!(" and {} more", self.omitted));
            }
        }
        s.push_str(&format!("; {} required", self.required));
        s
    }
}

/// The edges to remove to restore a breached path clause.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Remedy {
    /// The edges, in file order; empty when `capped`.
    pub remove: Vec<Hop>,
    /// Whether no smaller set of edges restores the clause. Always true
    /// for one-layer searches; false when a `must not route via` cut may
    /// be up to twice the smallest.
    pub minimum: bool,
    /// Set when more than `limit` edges would have to go: the cut was not
    /// computed (nothing wrong is printed instead).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub capped: bool,
    /// The most edges a remedy lists.
    pub limit: usize,
}

/// The outcome of one reading.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ReadingResult {
    /// Whether the clause holds under this reading.
    pub holds: bool,
    /// The edge kinds this reading followed (empty: every kind).
    pub kinds: Vec<String>,
    /// Why it fails: one witness per offending node, for the first
    /// offending nodes in file order (at most `--max-witnesses`).
    pub witnesses: Vec<Witness>,
    /// How many more offending nodes there are, whose witnesses were not
    /// kept; absent when 0. Violating edges are always listed in full.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub omitted: usize,
    /// Every edge on some violating path, in file order (path clauses
    /// only; the findings a baseline compares).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub violating: Vec<Violation>,
    /// Violating paths that permissions excuse, per permission; they do
    /// not make the reading fail.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub excused: Vec<Excused>,
    /// For a quantity clause, what was counted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measure: Option<Measure>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// An edge that lies on some path breaking the clause.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Violation {
    /// Caller.
    pub from: String,
    /// The edge kind as labelled.
    pub kind: String,
    /// Callee.
    pub to: String,
    /// Where the edge is defined.
    pub location: Location,
    /// The waiver that covers this edge, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiver: Option<WaiverNote>,
    /// How it compares with `--baseline`, when one was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineState>,
}

/// A counterexample: a path (two or more nodes) or a single node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Witness {
    /// The ordered node ids of the path, or the one offending node.
    pub nodes: Vec<String>,
    /// The hops of a path, in order; empty for a node witness.
    pub hops: Vec<Hop>,
    /// Where to look: the last hop's edge, or the node.
    pub location: Location,
    /// The waiver that covers this witness, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiver: Option<WaiverNote>,
    /// How it compares with `--baseline`, when one was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineState>,
}

/// One edge of a witness path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Hop {
    /// Caller; the callee when [`Hop::against`].
    pub from: String,
    /// Callee; the caller when [`Hop::against`].
    pub to: String,
    /// The edge kind as labelled.
    pub kind: String,
    /// Where the edge is defined.
    pub location: Location,
    /// Whether the hop is walked against its edge: data moving from
    /// callee to caller (`data moves against the call` or `both ways`),
    /// so `from` and `to` are in walking order and the edge itself runs
    /// from `to` to `from`. Omitted when false.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub against: bool,
}

impl Hop {
    /// The edge's caller and callee, whichever way the hop walks it.
    pub fn edge_ends(&self) -> (&str, &str) {
        if self.against {
            (&self.to, &self.from)
        } else {
            (&self.from, &self.to)
        }
    }

    /// `a --kind--> b`, or `a <--kind-- b` against the edge, in walking
    /// order, as is: each format escapes it its own way.
    pub fn text(&self) -> String {
        let (l, r) = self.arrows();
        format!("{} {l}{}{r} {}", self.from, self.kind, self.to)
    }

    /// The arrow around the kind: `--`, `-->` with the edge, `<--`, `--`
    /// against it.
    pub fn arrows(&self) -> (&'static str, &'static str) {
        if self.against {
            ("<--", "--")
        } else {
            ("--", "-->")
        }
    }
}

/// A warning, located where possible.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Warning {
    /// What it is about, as an acknowledgement names it:
    /// `unused-definition:probes`, `uncovered-kind:etl`...
    #[serde(default)]
    pub code: String,
    /// The topology it concerns (`docs/arch.md#2`); absent for a warning
    /// about the whole run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topology: Option<String>,
    /// The message.
    pub message: String,
    /// Where it points.
    pub location: Option<Location>,
    /// The suggested fix, if any.
    pub help: Option<String>,
    /// The acknowledgement that expects this warning, if any: an
    /// acknowledged warning is listed but never fails `--strict`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acknowledged: Option<Location>,
}

impl Warning {
    /// Whether it counts against `--strict` (it is not acknowledged).
    pub fn open(&self) -> bool {
        self.acknowledged.is_none()
    }
}
