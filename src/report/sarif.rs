//! SARIF 2.1.0, for code-scanning tools (GitHub code scanning, IDE viewers).
//!
//! Built with the typed model of `serde-sarif` (generated from the official
//! schema) rather than hand-assembled JSON, so a field name or an enum value
//! cannot be misspelled. One run; one rule per clause; one result per
//! finding (see [`super::findings`]) located on the topology line that
//! breaks the clause, with the witness path as a code flow that a viewer can
//! step through hop by hop. Waivers become suppressions and the baseline a
//! `baselineState`, so viewers hide or mark them without proviso's help.
//! Nothing varies between runs: no timestamps, no absolute paths, no GUIDs.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use serde_sarif::sarif::{
    ArtifactChange, ArtifactLocation, CodeFlow, Fix, Invocation, Location as SarifLocation,
    Message, Notification, PhysicalLocation, PropertyBag, Region, Replacement,
    ReportingConfiguration, ReportingDescriptor, Result as SarifResult, ResultBaselineState,
    ResultLevel, Run, Sarif, Suppression, SupressionKind, SupressionStatus, ThreadFlow,
    ThreadFlowLocation, Tool, ToolComponent,
};

use super::findings::{self, Finding, Severity};
use super::model::{BaselineState, ClauseVerdict, Document, Level, Reading, Witness};
use crate::source::Location;

/// The schema URI written into the log.
const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The document as a pretty-printed SARIF log with a final newline.
pub fn render(doc: &Document) -> String {
    BASE.with(|b| *b.borrow_mut() = doc.base.clone());
    let log = render_log(doc);
    BASE.with(|b| *b.borrow_mut() = None);
    log
}

thread_local! {
    /// The paths' base for [`uri`] during one [`render`]: every location
    /// helper names files through it, and threading it through each of
    /// them would only repeat it.
    static BASE: std::cell::RefCell<Option<crate::report::model::PathBase>> =
        const { std::cell::RefCell::new(None) };
}

/// The base id every artifact URI is relative to: the repository root,
/// which GitHub code scanning and other consumers know as the checkout.
const SRCROOT: &str = "SRCROOT";

fn render_log(doc: &Document) -> String {
    let rules = Rules::collect(doc);
    let mut results: Vec<SarifResult> = findings::all(doc).map(|f| result(&f, &rules)).collect();
    results.extend(findings::excused(doc).map(|x| excused_result(&x, &rules)));
    let driver = ToolComponent::builder()
        .name("proviso")
        .version(env!("CARGO_PKG_VERSION"))
        .semantic_version(env!("CARGO_PKG_VERSION"))
        .opt_information_uri(information_uri())
        .rules(rules.descriptors)
        .build();
    let run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .column_kind(json!("unicodeCodePoints"))
        .invocations(vec![invocation(doc)])
        .results(results)
        .properties(run_properties(doc))
        .original_uri_base_ids(BTreeMap::from([(
            SRCROOT.to_string(),
            ArtifactLocation::builder()
                .description(Message::from(
                    "The repository root: every artifact URI is relative to it.",
                ))
                .build(),
        )]))
        .build();
    let log = Sarif::builder()
        .schema(SCHEMA)
        .version(json!("2.1.0"))
        .runs(vec![run])
        .build();
    let s = serde_json::to_string_pretty(&log)
        .unwrap_or_else(|e| format!("{{\"error\": \"cannot write sarif: {e}\"}}"));
    let mut s = crate::escape::json(&s).into_owned();
    s.push('\n');
    s
}

/// The project's page, from Cargo.toml's `homepage` or `repository` when it
/// declares one. proviso declares none yet, so the log has no
/// `informationUri` (the validator's SARIF2005 warning) rather than an
/// invented address.
fn information_uri() -> Option<String> {
    [env!("CARGO_PKG_HOMEPAGE"), env!("CARGO_PKG_REPOSITORY")]
        .into_iter()
        .find(|u| !u.is_empty())
        .map(str::to_string)
}

/// The rules, one per clause, and where each clause's rule is.
struct Rules {
    descriptors: Vec<ReportingDescriptor>,
    /// (agreement, clause id) -> (rule id, index in `descriptors`).
    index: BTreeMap<(String, String), (String, usize)>,
}

impl Rules {
    /// One rule per clause of every agreement, in first-seen order. Rule ids
    /// are the clause ids; if two agreements share a clause id, the later
    /// one's rule id is qualified with its agreement file.
    fn collect(doc: &Document) -> Rules {
        let mut rules = Rules {
            descriptors: Vec::new(),
            index: BTreeMap::new(),
        };
        let mut taken: BTreeMap<String, String> = BTreeMap::new();
        for r in &doc.reports {
            for v in &r.verdicts {
                let key = (r.agreement.clone(), v.clause.clone());
                if rules.index.contains_key(&key) {
                    continue;
                }
                let id = match taken.get(&v.clause) {
                    Some(a) if *a != r.agreement => format!("{}/{}", r.agreement, v.clause),
                    _ => v.clause.clone(),
                };
                taken.entry(v.clause.clone()).or_insert(r.agreement.clone());
                rules.descriptors.push(rule(&id, v));
                rules.index.insert(key, (id, rules.descriptors.len() - 1));
            }
        }
        rules
    }
}

fn rule(id: &str, v: &ClauseVerdict) -> ReportingDescriptor {
    let level = match v.level {
        Level::Error => "error",
        Level::Warning => "warning",
    };
    let short = v.title.clone().unwrap_or_else(|| v.text.clone());
    let help = format!(
        "Clause {} ({}) says: {}. Change the topology so that every path and node the clause names complies under its binding reading, or record an approved waiver for the finding.",
        v.clause, v.location, v.text
    );
    ReportingDescriptor::builder()
        .id(id)
        .name(pascal_case(&short))
        .short_description(&sentence(&short))
        .full_description(&with_period(&v.text))
        .help(&help)
        .default_configuration(
            ReportingConfiguration::builder()
                .level(json!(level))
                .build(),
        )
        .properties(bag([
            ("modal", json!(v.modal)),
            ("form", json!(v.form)),
            ("clauseLocation", json!(v.location.to_string())),
        ]))
        .build()
}

fn result(f: &Finding<'_>, rules: &Rules) -> SarifResult {
    let key = (f.report.agreement.clone(), f.verdict.clause.clone());
    let (rule_id, rule_index) = rules
        .index
        .get(&key)
        .map(|(id, i)| (id.clone(), i64::try_from(*i).unwrap_or(-1)))
        .unwrap_or_else(|| (f.verdict.clause.clone(), -1));
    let level = match findings::verdict_severity(f.verdict) {
        Severity::Error => ResultLevel::Error,
        Severity::Warning => ResultLevel::Warning,
        Severity::Note => ResultLevel::Note,
    };
    let clause_text = format!("clause {}", findings::clause_label(f.verdict));
    let clause_loc = location(&f.verdict.location, Some(1), Some(&clause_text));
    SarifResult::builder()
        .rule_id(rule_id)
        .rule_index(rule_index)
        .level(level)
        .message(&sentence(&f.sentence()))
        .locations(vec![location(&f.witness.location, None, None)])
        .related_locations(vec![clause_loc])
        .opt_code_flows(code_flow(f.witness).map(|c| vec![c]))
        .opt_fixes(fixes(f.verdict))
        .partial_fingerprints(BTreeMap::from([(
            "provisoFinding/v1".to_string(),
            fingerprint(f),
        )]))
        .opt_suppressions(f.witness.waiver.as_ref().map(|w| {
            vec![
                Suppression::builder()
                    .kind(json!(SupressionKind::External.to_string()))
                    .status(json!(SupressionStatus::Accepted.to_string()))
                    .justification(w.reason.clone())
                    .location(location(&w.location, None, None))
                    .properties(bag([
                        ("approvedBy", json!(w.approved_by)),
                        ("expires", json!(w.expires)),
                    ]))
                    .build(),
            ]
        }))
        .opt_baseline_state(f.witness.baseline.map(|b| {
            json!(
                match b {
                    BaselineState::New => ResultBaselineState::New,
                    BaselineState::Unchanged => ResultBaselineState::Unchanged,
                }
                .to_string()
            )
        }))
        .properties(result_properties(f))
        .build()
}

/// A path a permission excuses: a result of the clause's rule, suppressed
/// in source (the agreement's own carve-out accepts it), so viewers list
/// it as suppressed rather than drop it.
fn excused_result(x: &findings::ExcusedPath<'_>, rules: &Rules) -> SarifResult {
    let key = (x.report.agreement.clone(), x.verdict.clause.clone());
    let (rule_id, rule_index) = rules
        .index
        .get(&key)
        .map(|(id, i)| (id.clone(), i64::try_from(*i).unwrap_or(-1)))
        .unwrap_or_else(|| (x.verdict.clause.clone(), -1));
    let level = match x.verdict.level {
        Level::Error => ResultLevel::Error,
        Level::Warning => ResultLevel::Warning,
    };
    let clause_text = format!("clause {}", findings::clause_label(x.verdict));
    let title =
        x.by.title
            .as_ref()
            .map(|t| format!(" \"{t}\""))
            .unwrap_or_default();
    SarifResult::builder()
        .rule_id(rule_id)
        .rule_index(rule_index)
        .level(level)
        .message(&sentence(&x.sentence()))
        .locations(vec![location(&x.witness.location, None, None)])
        .related_locations(vec![location(
            &x.verdict.location,
            Some(1),
            Some(&clause_text),
        )])
        .opt_code_flows(code_flow(x.witness).map(|c| vec![c]))
        .partial_fingerprints(BTreeMap::from([(
            "provisoFinding/v1".to_string(),
            json!([
                x.report.topology,
                x.verdict.clause,
                x.witness.nodes,
                "excused"
            ])
            .to_string(),
        )]))
        .suppressions(vec![
            Suppression::builder()
                .kind(json!(SupressionKind::InSource.to_string()))
                .status(json!(SupressionStatus::Accepted.to_string()))
                .justification(
                    crate::escape::display(&format!("excused by clause {}{title}", x.by.by))
                        .into_owned(),
                )
                .build(),
        ])
        .properties(bag([("excusedBy", json!(x.by.by))]))
        .build()
}

/// A breached clause's remedy as one fix: delete each cut edge. The
/// deleted region is the edge's first line (a whole-line region: only
/// `startLine`), which is the whole edge in the usual one-line style
/// `- {from: a, to: b, kind: api}`; the report holds no end position, so
/// an edge written over several lines needs its other lines removed too.
/// None when there is no remedy or the cut search was capped (the
/// `remedy` result property says so).
fn fixes(v: &ClauseVerdict) -> Option<Vec<Fix>> {
    let r = v
        .remedy
        .as_ref()
        .filter(|r| !r.capped && !r.remove.is_empty())?;
    let mut by_file: BTreeMap<&str, Vec<Replacement>> = BTreeMap::new();
    for h in &r.remove {
        let region = Region::builder()
            .start_line(i64::try_from(h.location.line).unwrap_or(i64::MAX))
            .build();
        by_file
            .entry(h.location.file.as_str())
            .or_default()
            .push(Replacement::builder().deleted_region(region).build());
    }
    let changes: Vec<ArtifactChange> = by_file
        .into_iter()
        .map(|(file, replacements)| {
            ArtifactChange::builder()
                .artifact_location(artifact(file))
                .replacements(replacements)
                .build()
        })
        .collect();
    Some(vec![
        Fix::builder()
            .description(&sentence(&findings::remedy_text(r)))
            .artifact_changes(changes)
            .build(),
    ])
}

/// The witness path as one thread flow, one location per hop; none for a
/// node witness (its one location is the result's).
fn code_flow(w: &Witness) -> Option<CodeFlow> {
    if w.hops.is_empty() {
        return None;
    }
    let locations: Vec<ThreadFlowLocation> = w
        .hops
        .iter()
        .map(|h| {
            let text = h.text();
            ThreadFlowLocation::builder()
                .location(location(&h.location, None, Some(&text)))
                .build()
        })
        .collect();
    let path = super::human::path_text(w);
    Some(
        CodeFlow::builder()
            .message(&sentence(&format!("the path {path}")))
            .thread_flows(vec![ThreadFlow::builder().locations(locations).build()])
            .build(),
    )
}

/// A physical location: the file as the report names it (a relative URI
/// when the user gave a relative path), line and column.
fn location(l: &Location, id: Option<i64>, message: Option<&str>) -> SarifLocation {
    let region = Region::builder()
        .start_line(i64::try_from(l.line).unwrap_or(i64::MAX))
        .start_column(i64::try_from(l.column).unwrap_or(i64::MAX))
        .build();
    let physical = PhysicalLocation::builder()
        .artifact_location(artifact(&l.file))
        .region(region)
        .build();
    SarifLocation::builder()
        .physical_location(physical)
        .opt_id(id)
        .opt_message(message.map(Message::from))
        .build()
}

/// A file as an artifact location: relative to the repository root (with
/// `uriBaseId` SRCROOT) when the run said where that is and the file lies
/// under it, else as reported.
fn artifact(file: &str) -> ArtifactLocation {
    let rooted = BASE.with(|b| b.borrow().as_ref().and_then(|b| b.relative(file)));
    match rooted {
        Some(rel) => ArtifactLocation::builder()
            .uri(uri(&rel))
            .uri_base_id(SRCROOT)
            .build(),
        None => ArtifactLocation::builder().uri(uri(file)).build(),
    }
}

/// A file path as a URI reference: `/` separators, and everything but
/// unreserved characters and `/` percent-encoded (a space, `#`, `%`...).
pub fn uri(path: &str) -> String {
    use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
    const KEEP: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~')
        .remove(b'/');
    utf8_percent_encode(&path.replace('\\', "/"), KEEP).to_string()
}

/// A finding's identity, stable when nodes move in the file: topology,
/// clause and witness node ids (the same key as a baseline's).
///
/// The parts are written as a JSON array, so no node id, however it is
/// spelled, can make two different findings print the same fingerprint
/// (joining with a separator would: `[a>b, c]` and `[a, b>c]`).
fn fingerprint(f: &Finding<'_>) -> String {
    json!([f.report.topology, f.verdict.clause, f.witness.nodes]).to_string()
}

/// The verdict with both readings, so a contested result carries them.
fn result_properties(f: &Finding<'_>) -> PropertyBag {
    let v = f.verdict;
    let reading = |r: Reading| {
        findings::reading(v, r.into()).map_or(
            Value::Null,
            |res| json!({"holds": res.holds, "kinds": res.kinds}),
        )
    };
    let mut props = bag([
        ("topology", json!(f.report.topology)),
        ("verdict", json!(v.verdict.as_str())),
        ("binding", json!(v.binding.as_str())),
        ("reading", json!(f.reading.name())),
        ("modal", json!(v.modal)),
        ("letter", reading(Reading::Letter)),
        ("spirit", reading(Reading::Spirit)),
        ("nodes", json!(f.witness.nodes)),
    ]);
    if !v.readings.is_empty() {
        let parties: Vec<Value> = v
            .readings
            .iter()
            .map(|p| json!({"party": p.party, "holds": p.result.holds, "kinds": p.result.kinds}))
            .collect();
        props
            .additional_properties
            .insert("readings".to_string(), json!(parties));
    }
    if !v.owed_by.is_empty() {
        props
            .additional_properties
            .insert("owedBy".to_string(), json!(v.owed_by));
    }
    // Every violating edge is listed once per clause and reading, on its
    // first result: on every result, the log would grow with witnesses
    // times edges (quadratic with `--max-witnesses 0`).
    let first = |r: &&crate::report::model::ReadingResult| {
        r.witnesses
            .first()
            .is_some_and(|w| std::ptr::eq(w, f.witness))
    };
    if let Some(r) = findings::reading(v, f.reading).filter(|r| !r.violating.is_empty()) {
        props
            .additional_properties
            .insert("violatingEdgeCount".to_string(), json!(r.violating.len()));
    }
    if let Some(r) = findings::reading(v, f.reading)
        .filter(|r| !r.violating.is_empty())
        .filter(first)
    {
        let edges: Vec<Value> = r
            .violating
            .iter()
            .map(|e| {
                let mut o = json!({
                    "from": e.from,
                    "kind": e.kind,
                    "to": e.to,
                    "location": e.location.to_string(),
                });
                if let Some(b) = e.baseline {
                    o["baseline"] = json!(b);
                }
                if e.waiver.is_some() {
                    o["waived"] = json!(true);
                }
                o
            })
            .collect();
        props
            .additional_properties
            .insert("violatingEdges".to_string(), json!(edges));
    }
    if let Some(rm) = &v.remedy {
        let remove: Vec<Value> = rm
            .remove
            .iter()
            .map(|h| json!({"from": h.from, "kind": h.kind, "to": h.to, "location": h.location.to_string()}))
            .collect();
        props.additional_properties.insert(
            "remedy".to_string(),
            json!({"text": findings::remedy_text(rm), "remove": remove, "minimum": rm.minimum, "capped": rm.capped, "limit": rm.limit}),
        );
    }
    if v.accepted {
        props
            .additional_properties
            .insert("accepted".to_string(), json!(true));
    }
    let omitted = findings::reading(v, f.reading).map_or(0, |res| res.omitted);
    if omitted > 0 {
        props
            .additional_properties
            .insert("omittedWitnesses".to_string(), json!(omitted));
    }
    props
}

/// Warnings, expired and stale waivers, as notifications of the one
/// invocation (they are about the inputs, not findings).
fn invocation(doc: &Document) -> Invocation {
    let mut notes = Vec::new();
    for w in doc
        .reports
        .iter()
        .flat_map(|r| &r.warnings)
        .chain(&doc.warnings)
    {
        {
            // An acknowledged warning is expected: a note, not a warning.
            let level = if w.open() { "warning" } else { "note" };
            let mut n = Notification::builder()
                .message(&sentence(&w.message))
                .level(json!(level))
                .build();
            n.locations = w.location.as_ref().map(|l| vec![location(l, None, None)]);
            notes.push(n);
        }
    }
    // The witnesses the engine did not keep: one note per clause.
    for r in &doc.reports {
        for v in &r.verdicts {
            if let Some((_, res)) = findings::deciding(v).filter(|(_, res)| res.omitted > 0) {
                let text = format!(
                    "clause {} on `{}`: {}",
                    findings::clause_label(v),
                    r.topology,
                    super::human::more_witnesses(res.omitted)
                );
                notes.push(
                    Notification::builder()
                        .message(&sentence(&text))
                        .level(json!("note"))
                        .locations(vec![location(&v.location, None, None)])
                        .build(),
                );
            }
        }
    }
    for w in &doc.waivers {
        let text = match w.state {
            super::model::WaiverState::Expired => format!(
                "the waiver for clause {} on `{}` expired on {} and waives nothing",
                w.clause, w.topology, w.expires
            ),
            super::model::WaiverState::Stale => format!(
                "the waiver for clause {} on `{}` matched no finding",
                w.clause, w.topology
            ),
        };
        notes.push(
            Notification::builder()
                .message(&sentence(&text))
                .level(json!("warning"))
                .locations(vec![location(&w.location, None, None)])
                .build(),
        );
    }
    Invocation::builder()
        .execution_successful(true)
        .opt_tool_configuration_notifications(None)
        .opt_tool_execution_notifications((!notes.is_empty()).then_some(notes))
        .build()
}

/// Per-topology summaries and the baseline comparison.
fn run_properties(doc: &Document) -> PropertyBag {
    let reports: Vec<Value> = doc
        .reports
        .iter()
        .map(|r| {
            json!({
                "topology": r.topology,
                "agreement": r.agreement,
                "asOf": r.as_of,
                "summary": r.summary,
            })
        })
        .collect();
    let mut props = bag([("reports", json!(reports))]);
    if let Some(b) = &doc.baseline {
        props
            .additional_properties
            .insert("baseline".to_string(), json!(b));
    }
    props
}

fn bag<const N: usize>(entries: [(&str, Value); N]) -> PropertyBag {
    PropertyBag::builder()
        .additional_properties(
            entries
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect::<BTreeMap<_, _>>(),
        )
        .build()
}

/// A message as a sentence: capitalised, ending with a period (SARIF
/// viewers and the validator expect whole sentences).
fn sentence(text: &str) -> String {
    let text = crate::escape::display(text);
    let mut chars = text.chars();
    let mut s: String = match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    };
    if !s.ends_with(['.', '!', '?']) {
        s.push('.');
    }
    s
}

/// The clause text as written (not capitalised), ending with a period.
fn with_period(text: &str) -> String {
    if text.ends_with(['.', '!', '?']) {
        text.to_string()
    } else {
        format!("{text}.")
    }
}

/// `API access to models routes via Azure` -> `ApiAccessToModelsRoutesViaAzure`;
/// prefixed with `Clause` when it would start with a digit.
fn pascal_case(text: &str) -> String {
    let mut out = String::new();
    for word in text.split(|c: char| !c.is_alphanumeric()) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
            out.extend(chars.flat_map(char::to_lowercase));
        }
    }
    if !out.starts_with(|c: char| c.is_alphabetic()) {
        out.insert_str(0, "Clause");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pascal_case_joins_words_and_avoids_a_leading_digit() {
        assert_eq!(
            pascal_case("API access to models routes via Azure"),
            "ApiAccessToModelsRoutesViaAzure"
        );
        assert_eq!(
            pascal_case("must route via azure_api"),
            "MustRouteViaAzureApi"
        );
        assert_eq!(pascal_case("3 zones"), "Clause3Zones");
    }

    #[test]
    fn sentences_are_capitalised_and_end_with_a_period() {
        assert_eq!(
            sentence("clause 4.2 is breached"),
            "Clause 4.2 is breached."
        );
        assert_eq!(sentence("Done."), "Done.");
    }

    #[test]
    fn uris_escape_what_a_uri_reference_cannot_hold() {
        assert_eq!(uri("fixtures/a b#1.yaml"), "fixtures/a%20b%231.yaml");
        assert_eq!(uri("dir\\x.yaml"), "dir/x.yaml");
        assert_eq!(uri("ü.yaml"), "%C3%BC.yaml");
    }
}

#[cfg(test)]
mod waiver_and_baseline_tests {
    use super::super::testdoc;
    use serde_json::Value;

    fn log() -> Value {
        serde_json::from_str(&super::render(&testdoc::document())).expect("valid json")
    }

    #[test]
    fn a_waived_witness_is_an_external_accepted_suppression() {
        let log = log();
        let r = &log["runs"][0]["results"][0];
        assert_eq!(r["ruleId"], "W1");
        let s = &r["suppressions"][0];
        assert_eq!(s["kind"], "external");
        assert_eq!(s["status"], "accepted");
        assert_eq!(s["justification"], "legacy path, migration ticket OPS-12");
        assert_eq!(s["properties"]["approvedBy"], "security@example.com");
        assert_eq!(s["properties"]["expires"], "2027-01-31");
        assert_eq!(
            s["location"]["physicalLocation"]["artifactLocation"]["uri"],
            "proviso-waivers.yaml"
        );
        assert_eq!(r["properties"]["accepted"], true);
    }

    #[test]
    fn baseline_states_and_summary_are_carried() {
        let log = log();
        let results = &log["runs"][0]["results"];
        assert_eq!(results[1]["baselineState"], "new");
        assert_eq!(results[2]["baselineState"], "unchanged");
        assert!(results[1].get("suppressions").is_none());
        let b = &log["runs"][0]["properties"]["baseline"];
        assert_eq!(b["file"], "baseline.json");
        assert_eq!(b["fixed"][0]["edge"]["from"], "old");
    }

    #[test]
    fn waivers_that_waived_nothing_are_notifications() {
        let log = log();
        let notes = &log["runs"][0]["invocations"][0]["toolExecutionNotifications"];
        assert_eq!(
            notes[0]["message"]["text"],
            "The waiver for clause X9 on `*.yaml` expired on 2026-01-01 and waives nothing."
        );
        assert_eq!(
            notes[1]["message"]["text"],
            "The waiver for clause X8 on `other.yaml` matched no finding."
        );
    }
}
