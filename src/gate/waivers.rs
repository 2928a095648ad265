//! Waivers: findings a team has accepted, for a reason, until a date.
//!
//! The file is YAML, kept apart from the topologies so that the people who
//! approve exceptions own it:
//!
//! ```yaml
//! waivers:
//!   - clause: "4.4"
//!     topology: "deploy/*.yaml"          # glob over topology paths as reported
//!     witness: [app, runtime, model]     # optional: one path, or one node
//!     reason: migration to the gateway tracked in OPS-12
//!     approved_by: security@example.com
//!     expires: 2027-03-31                # waives through this day
//! ```
//!
//! What a waiver covers follows the findings (see [`findings`]): without
//! `witness`, every finding of the clause in the matching topologies;
//! with a path `witness: [a, b, c]`, the violating edges from `a` to `b`
//! and from `b` to `c` (any kind), so a new route that adds another edge
//! is not covered; with one node `witness: x`, the offending node `x` of a
//! node clause. A witness path is marked waived when all its edges are.
//!
//! A waiver that cannot be right is an error, not a quiet no-op:
//! `witness: null`, a reason or approver that is blank once invisible
//! characters are removed, and, once the run's agreements and topologies
//! are known ([`check`]), a clause id no agreement has or a witness node
//! id no matching topology has (each with "did you mean"). A glob may
//! start with `./`: topology paths are reported without it.
//!
//! A waiver is in force through its expiry day and expired from the day
//! after. An expired waiver waives nothing and is reported; so is one that
//! matched no finding (stale). The first waiver in file order that covers
//! a finding is the one reported for it.

use chrono::NaiveDate;
use globset::{GlobBuilder, GlobMatcher};
use serde::Deserialize;
use serde_saphyr::{MessageFormatter as _, Spanned};

use super::findings;
use crate::diag::{Diagnostic, Errors, suggest};
use crate::report::model::{Document, FindingKey, WaiverNote, WaiverState, WaiverStatus};
use crate::source::{Location, SourceRef, Span};

/// The keys a waiver may have.
const KEYS: [&str; 6] = [
    "clause",
    "topology",
    "witness",
    "reason",
    "approved_by",
    "expires",
];

/// One parsed waiver.
#[derive(Debug, Clone)]
pub struct Waiver {
    /// The clause id it covers.
    pub clause: String,
    /// The topology glob as written.
    pub topology: String,
    glob: GlobMatcher,
    /// The witness's node ids; empty: every witness of the clause.
    pub witness: Vec<String>,
    /// Why.
    pub reason: String,
    /// Who approved it.
    pub approved_by: String,
    /// The last day it waives.
    pub expires: NaiveDate,
    /// Where it is written.
    pub location: Location,
    source: SourceRef,
    clause_span: Span,
    /// Where each witness node id is written.
    witness_spans: Vec<Span>,
}

/// What a run checked, to check waivers against: the clause ids of its
/// agreements (`None` when one failed to parse, so the ids are unknown)
/// and each topology as reported, with its node ids.
#[derive(Debug, Clone, Default)]
pub struct Known {
    /// The clause ids of every agreement used, if all parsed.
    pub clauses: Option<Vec<String>>,
    /// Each topology's path as reported and its node ids.
    pub topologies: Vec<(String, Vec<String>)>,
}

/// A waiver file (`proviso-waivers.yaml`): findings a team has accepted,
/// for a reason, until a date.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "proviso waivers")]
pub(crate) struct RawFile {
    /// The waivers; the first in file order that covers a finding is the one reported for it.
    #[schemars(with = "Vec<RawWaiver>")]
    waivers: Vec<Spanned<RawWaiver>>,
}

/// One accepted finding.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawWaiver {
    /// The clause id, as in the agreement (quote ids such as "4.4").
    #[schemars(with = "String")]
    clause: Spanned<String>,
    /// A glob over topology paths as reported (`deploy/*.yaml`).
    #[schemars(with = "String")]
    topology: Spanned<String>,
    /// One witness path (node ids, in order) or one offending node id;
    /// leave it out to cover every finding of the clause.
    #[serde(default, deserialize_with = "present")]
    #[schemars(with = "Witness")]
    witness: Option<Spanned<Option<Witness>>>,
    /// Why the finding is accepted (not blank).
    #[schemars(with = "String")]
    reason: Spanned<String>,
    /// Who approved it (not blank).
    #[schemars(with = "String")]
    approved_by: Spanned<String>,
    /// The last day the waiver is in force (YYYY-MM-DD).
    #[schemars(with = "String", extend("format" = "date"))]
    expires: Spanned<String>,
}

/// A witness: one node, or a path of nodes.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
enum Witness {
    /// An offending node of a node clause.
    Node(String),
    /// A path: the violating edges between consecutive nodes.
    Path(Vec<String>),
}

/// The JSON Schema of a waiver file.
pub fn schema() -> schemars::Schema {
    schemars::schema_for!(RawFile)
}

/// `Some` whenever the key is written, so `witness: null` is told apart
/// from no `witness`.
fn present<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<Spanned<Option<Witness>>>, D::Error> {
    Spanned::<Option<Witness>>::deserialize(d).map(Some)
}

/// Whether a text is empty once whitespace and invisible characters
/// (zero-width spaces and joiners, byte-order marks, soft hyphens) are
/// removed.
fn blank(text: &str) -> bool {
    text.chars().all(|c| {
        c.is_whitespace()
            || matches!(
                c,
                '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}'
            )
    })
}

/// Parses a waiver file.
pub fn parse(source: &SourceRef) -> Result<Vec<Waiver>, Errors> {
    let mut options = serde_saphyr::Options::default();
    options.with_snippet = false;
    options.reject_unsupported_tags = true;
    let raw: RawFile = serde_saphyr::from_str_with_options(source.text(), options)
        .map_err(|e| parse_error(source, &e))?;
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for w in raw.waivers {
        match waiver(source, w) {
            Ok(w) => out.push(w),
            Err(d) => errors.push(d),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(Errors(errors))
    }
}

fn waiver(source: &SourceRef, w: Spanned<RawWaiver>) -> Result<Waiver, Diagnostic> {
    let location = source.location(&span(source, &w.referenced, 1));
    let w = w.value;
    // Topology paths are reported without `./`, so a glob need not have it.
    let pattern = w.topology.value.trim_start_matches("./");
    let glob = GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
        .map_err(|e| {
            Diagnostic::error(format!(
                "`{}` is not a valid glob: {}",
                w.topology.value,
                e.kind().to_string().to_lowercase()
            ))
            .at(source, value_span(source, &w.topology), "here")
            .help("use `*` within a directory, `**` across directories, such as `deploy/**/*.yaml`")
        })?;
    let expires = NaiveDate::parse_from_str(&w.expires.value, "%Y-%m-%d").map_err(|_| {
        Diagnostic::error(format!(
            "`{}` is not a date such as 2027-03-31",
            w.expires.value
        ))
        .at(
            source,
            value_span(source, &w.expires),
            "expected YYYY-MM-DD",
        )
    })?;
    let (witness, witness_at) = match w.witness.map(|s| (s.value, s.referenced)) {
        None => (Vec::new(), None),
        Some((None, at)) => {
            return Err(Diagnostic::error("`witness: null` would waive every witness of the clause")
                .at(source, span(source, &at, 1), "here")
                .help("name the node ids of the path, such as `[app, gateway, model]`, or remove `witness` to cover every finding of the clause"));
        }
        Some((Some(Witness::Node(n)), at)) => (vec![n], Some(at)),
        Some((Some(Witness::Path(p)), at)) if p.is_empty() => {
            return Err(Diagnostic::error("the witness is an empty list")
                .at(source, span(source, &at, 1), "here")
                .help("name the node ids of the path, such as `[app, gateway, model]`, or remove `witness` to cover every witness of the clause"));
        }
        Some((Some(Witness::Path(p)), at)) => (p, Some(at)),
    };
    let witness_spans = match witness_at {
        Some(at) => ids_spans(source, &at, &witness),
        None => Vec::new(),
    };
    for (field, s) in [("reason", &w.reason), ("approved_by", &w.approved_by)] {
        if s.value.trim().is_empty() {
            return Err(Diagnostic::error(format!("`{field}` is empty"))
                .at(source, value_span(source, s), "here")
                .help("every waiver says why it is accepted and who approved it"));
        }
        if blank(&s.value) {
            return Err(Diagnostic::error(format!(
                "`{field}` holds only invisible characters"
            ))
            .at(source, value_span(source, s), "blank once zero-width characters are removed")
            .help("every waiver says, in visible words, why it is accepted and who approved it"));
        }
    }
    let clause_span = value_span(source, &w.clause);
    Ok(Waiver {
        clause: w.clause.value,
        topology: w.topology.value,
        glob: glob.compile_matcher(),
        witness,
        reason: w.reason.value,
        approved_by: w.approved_by.value,
        expires,
        location,
        source: source.clone(),
        clause_span,
        witness_spans,
    })
}

/// Where each witness id is written: searched for in order from the
/// witness's start (a plain or quoted id in a flow or block list).
fn ids_spans(source: &SourceRef, at: &serde_saphyr::Location, ids: &[String]) -> Vec<Span> {
    let text = source.text();
    let mut from = source.offset(at.line() as usize, at.column() as usize);
    ids.iter()
        .map(|id| {
            let found = text
                .get(from..)
                .and_then(|rest| rest.find(id.as_str()))
                .map(|i| from + i);
            match found {
                Some(start) if !id.is_empty() => {
                    from = start + id.len();
                    start..from
                }
                _ => {
                    let end = (from + 1).min(text.len());
                    from.min(end)..end
                }
            }
        })
        .collect()
}

/// The waivers that cannot be right for this run: a clause id that no
/// agreement of the run has, or a witness node id that no topology the
/// waiver's glob matches has; each error says the nearest known id.
pub fn check(waivers: &[Waiver], known: &Known) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for w in waivers {
        if let Some(clauses) = &known.clauses
            && !clauses.contains(&w.clause)
        {
            let help = suggest::help_line(&w.clause, clauses.iter().map(String::as_str))
                .unwrap_or_else(|| {
                    let ids: Vec<&str> = clauses.iter().map(String::as_str).collect();
                    format!(
                        "the clauses of the agreements used are {}",
                        suggest::list(&ids, 8)
                    )
                });
            out.push(
                Diagnostic::error(format!(
                    "unknown clause `{}` in a waiver",
                    crate::escape::display(&w.clause)
                ))
                .at(
                    &w.source,
                    w.clause_span.clone(),
                    "no agreement in this run has this clause",
                )
                .help(help),
            );
        }
        let matched: Vec<&(String, Vec<String>)> = known
            .topologies
            .iter()
            .filter(|(t, _)| covers_topology(w, t))
            .collect();
        if matched.is_empty() {
            continue;
        }
        for (id, at) in w.witness.iter().zip(&w.witness_spans) {
            if matched.iter().any(|(_, ids)| ids.contains(id)) {
                continue;
            }
            let names: Vec<&str> = matched
                .iter()
                .flat_map(|(_, ids)| ids.iter().map(String::as_str))
                .collect();
            let shown: Vec<&str> = matched.iter().map(|(t, _)| t.as_str()).collect();
            let help = suggest::help_line(id, names.iter().copied()).unwrap_or_else(|| {
                "a witness names node ids of the topologies its glob matches".to_string()
            });
            out.push(
                Diagnostic::error(format!(
                    "unknown node `{}` in a waiver's witness",
                    crate::escape::display(id)
                ))
                .at(
                    &w.source,
                    at.clone(),
                    format!("not a node of {}", suggest::list(&shown, 3)),
                )
                .help(help),
            );
        }
    }
    out
}

fn span(source: &SourceRef, at: &serde_saphyr::Location, len: usize) -> Span {
    let start = source.offset(at.line() as usize, at.column() as usize);
    start..(start + len).min(source.text().len()).max(start)
}

fn value_span(source: &SourceRef, s: &Spanned<String>) -> Span {
    let start = source.offset(s.referenced.line() as usize, s.referenced.column() as usize);
    let line = source.line_range(start);
    start..line.end.max(start)
}

/// serde-saphyr's error, in our words where we know better, at its place.
fn parse_error(source: &SourceRef, e: &serde_saphyr::Error) -> Errors {
    let raw = serde_saphyr::DefaultMessageFormatter
        .format_message(e.without_snippet())
        .to_string();
    let (message, help) = match crate::topology::load::limits(e.without_snippet()) {
        Some(known) => known,
        None => translate(&raw),
    };
    // An unknown key is underlined whole.
    let len = message
        .strip_prefix("unknown key `")
        .and_then(|r| r.split('`').next())
        .map_or(1, str::len);
    let d = Diagnostic::error(message).maybe_help(help);
    let d = match e.location() {
        Some(loc) => d.at(source, span(source, &loc, len), "here"),
        None => d,
    };
    d.into()
}

fn translate(raw: &str) -> (String, Option<String>) {
    if let Some(rest) = raw.strip_prefix("unknown field `") {
        let field = rest.split('`').next().unwrap_or("");
        let top = raw.contains("`waivers`") && !raw.contains("`clause`");
        let known: &[&str] = if top { &["waivers"] } else { &KEYS };
        let help = suggest::help_line(field, known.iter().copied()).or_else(|| {
            Some(format!(
                "a waiver has {}",
                suggest::list(known, known.len())
            ))
        });
        let place = if top { "waiver file" } else { "waiver" };
        return (format!("unknown key `{field}` in a {place}"), help);
    }
    if let Some(rest) = raw.strip_prefix("missing field `") {
        let field = rest.split('`').next().unwrap_or("");
        if field == "waivers" {
            return (
                "the waiver file has no `waivers` list".into(),
                Some("start the file with `waivers:` followed by a list of waivers".into()),
            );
        }
        return (
            format!("a waiver is missing `{field}`"),
            Some("every waiver needs `clause`, `topology`, `reason`, `approved_by` and `expires`; `witness` is optional".into()),
        );
    }
    if raw.contains("did not match any variant") {
        return (
            "a witness is a node id or a list of node ids".into(),
            Some("such as `witness: [app, gateway, model]` or `witness: model`".into()),
        );
    }
    if raw.contains("invalid type") || raw.starts_with("expected string scalar") {
        return (
            format!("unexpected value: {}", raw.replace("invalid type: ", "")),
            Some("see `docs/ci.md` for the layout of a waiver file".into()),
        );
    }
    (raw.to_string(), None)
}

/// Whether a waiver covers topology `topo` (as reported; a Markdown
/// block `doc.md#2` is also covered by a glob matching `doc.md`).
fn covers_topology(w: &Waiver, topo: &str) -> bool {
    let topo = topo.trim_start_matches("./");
    w.glob.is_match(topo)
        || topo
            .rsplit_once('#')
            .is_some_and(|(doc, _)| w.glob.is_match(doc))
}

/// Whether a waiver's `witness` covers a finding: no witness covers all;
/// a path covers each of its consecutive pairs as an edge (any kind); a
/// single node covers that offending node.
fn covers_finding(witness: &[String], key: &FindingKey) -> bool {
    if witness.is_empty() {
        return true;
    }
    match (&key.edge, &key.node) {
        (Some(e), _) => witness.windows(2).any(|p| p[0] == e.from && p[1] == e.to),
        (None, Some(n)) => witness.len() == 1 && witness[0] == *n,
        (None, None) => false,
    }
}

/// Applies the waivers to a document: annotates the findings they cover
/// and lists the expired and stale ones in `doc.waivers`.
pub fn apply(doc: &mut Document, waivers: &[Waiver], as_of: NaiveDate) {
    let mut matched = vec![false; waivers.len()];
    findings::visit(doc, |key, marks| {
        if marks.waiver.is_some() {
            return;
        }
        let hit = waivers.iter().enumerate().find(|(_, w)| {
            w.expires >= as_of
                && w.clause == key.clause
                && covers_topology(w, &key.topology)
                && covers_finding(&w.witness, key)
        });
        if let Some((i, w)) = hit {
            matched[i] = true;
            *marks.waiver = Some(WaiverNote {
                reason: w.reason.clone(),
                approved_by: w.approved_by.clone(),
                expires: w.expires.format("%Y-%m-%d").to_string(),
                location: w.location.clone(),
            });
        }
    });
    findings::settle(doc);
    for (w, hit) in waivers.iter().zip(matched) {
        let state = if w.expires < as_of {
            WaiverState::Expired
        } else if !hit {
            WaiverState::Stale
        } else {
            continue;
        };
        doc.waivers.push(WaiverStatus {
            state,
            clause: w.clause.clone(),
            topology: w.topology.clone(),
            witness: w.witness.clone(),
            expires: w.expires.format("%Y-%m-%d").to_string(),
            location: w.location.clone(),
        });
    }
}
