//! Language v2, construct by construct, through the library: edge
//! conditions, each party's reading, permissions, quantities, obligors,
//! the new predicates, `direct` and `route only via`. Each test is one
//! sentence of the language reference: what holds and what fails, under
//! each reading.

use proviso::{ClauseVerdict, Verdict};

const HEADER: &str = "
agreement \"Language v2\" between alpha, beta
define apps     as nodes where kind = app
define models   as nodes where kind = model
define gateways as nodes where kind = gateway
define azure    as nodes where cloud = azure
define aws      as nodes where cloud = aws
define gov      as nodes where zone = government
in spirit, session counts as api
";

/// The verdicts of `clauses` (after the header and `declarations`).
fn report(declarations: &str, clauses: &str, topology: &str) -> proviso::Report {
    let text = format!("{HEADER}{declarations}\n{clauses}\n");
    let ag = proviso::parse_agreement("v2.contract", &text).unwrap_or_else(|e| panic!("{e}"));
    let topo = proviso::load_topology("v2.yaml", topology).unwrap_or_else(|e| panic!("{e}"));
    let day = proviso::Date::from_ymd_opt(2026, 11, 26).expect("a date");
    proviso::check(&ag, &topo, day).report
}

fn clause<'a>(r: &'a proviso::Report, id: &str) -> &'a ClauseVerdict {
    r.verdicts
        .iter()
        .find(|v| v.clause == id)
        .unwrap_or_else(|| panic!("no clause {id}"))
}

/// `contested: letter holds, spirit fails, beta holds`: the verdict and
/// each reading's outcome, as a sentence to compare.
fn outcome(v: &ClauseVerdict) -> String {
    let readings: Vec<String> = v
        .all_readings()
        .iter()
        .map(|(w, r)| format!("{} {}", w.name(), if r.holds { "holds" } else { "fails" }))
        .collect();
    format!("{}: {}", v.verdict.as_str(), readings.join(", "))
}

/// The witnesses of the binding reading, `a -k-> b` or a node id.
fn witnesses(v: &ClauseVerdict) -> Vec<String> {
    let r = v.result(v.binding.into()).expect("in force");
    r.witnesses.iter().map(path).collect()
}

fn path(w: &proviso::Witness) -> String {
    if w.hops.is_empty() {
        return w.nodes[0].clone();
    }
    let mut s = w.hops[0].from.clone();
    for h in &w.hops {
        s.push_str(&format!(" -{}-> {}", h.kind, h.to));
    }
    s
}

/// app -api-> gw -api-> m1; app -session{stateful}-> rt -inference{stateless}-> m2.
const RUNTIME: &str = "
nodes:
  app: {kind: app}
  gw: {kind: gateway, cloud: azure}
  rt: {kind: runtime, cloud: aws}
  m1: {kind: model, cloud: azure}
  m2: {kind: model, cloud: azure}
edges:
  - {from: app, to: gw, kind: api}
  - {from: gw, to: m1, kind: api}
  - {from: app, to: rt, kind: session, stateful: true}
  - {from: rt, to: m2, kind: inference, stateful: false}
";

// ---- 1. conditions on edges

#[test]
fn an_edge_condition_keeps_only_the_paths_whose_every_edge_meets_it() {
    let r = report(
        "according to alpha, inference counts as api",
        "clause 1: api access where stateful != true to models must route via gateways\n\
         clause 2: api access where stateful = true to models must route via gateways",
        RUNTIME,
    );
    // Under alpha, rt -inference-> m2 is a stateless api call off the gateway.
    assert_eq!(
        outcome(clause(&r, "1")),
        "contested: letter holds, spirit holds, alpha fails"
    );
    // Only the session edge is stateful, and alone it reaches no model.
    assert_eq!(
        outcome(clause(&r, "2")),
        "holds: letter holds, spirit holds, alpha holds"
    );
}

#[test]
fn an_edge_condition_applies_to_isolation_dependency_and_stay_within() {
    let r = report(
        "",
        "clause 1: apps must not have access where stateful = true to models\n\
         clause 2: apps must not depend where stateful = false on models\n\
         clause 3: session where stateful = true from apps must stay within nodes except models\n\
         clause 4: session from apps must not have access to aws",
        RUNTIME,
    );
    // app -session-> rt -inference-> m2: the inference edge is not stateful.
    assert_eq!(clause(&r, "1").verdict, Verdict::Holds);
    // app's first edge to rt is stateful: no all-stateless path from app.
    assert_eq!(clause(&r, "2").verdict, Verdict::Holds);
    assert_eq!(clause(&r, "3").verdict, Verdict::Holds);
    // The access form in flow order: session from apps reaches rt on aws.
    assert_eq!(
        outcome(clause(&r, "4")),
        "breached: letter fails, spirit fails"
    );
    assert_eq!(witnesses(clause(&r, "4")), ["app -session-> rt"]);
}

// ---- 2. each party's reading

#[test]
fn a_party_reading_replaces_the_spirit_only_for_the_kinds_it_declares() {
    let r = report(
        "in spirit, inference counts as api\n\
         according to alpha, session and inference count as api\n\
         according to beta, inference counts as runtime-call",
        "clause 1: api access from apps to models must route via gateways",
        RUNTIME,
    );
    let v = clause(&r, "1");
    // beta keeps the spirit's `session counts as api` but not inference.
    assert_eq!(
        outcome(v),
        "contested: letter holds, spirit fails, alpha fails, beta holds"
    );
    assert_eq!(v.readings[1].result.kinds, ["api", "session"]);
    assert_eq!(
        proviso::report::findings::readings_sentence(v),
        "the letter holds; the spirit fails; alpha's reading fails; beta's reading holds"
    );
}

#[test]
fn a_failing_binding_reading_is_a_breach_whatever_the_parties_say() {
    let r = report(
        "according to beta, inference counts as runtime-call",
        "clause 1: api access from apps to models, directly or indirectly, must route via gateways",
        "nodes:\n  app: {kind: app}\n  m: {kind: model}\nedges:\n  - {from: app, to: m, kind: session}\n",
    );
    assert_eq!(
        outcome(clause(&r, "1")),
        "breached: letter holds, spirit fails, beta fails"
    );
}

#[test]
fn an_agreement_without_party_readings_reports_no_readings_list() {
    let r = report(
        "",
        "clause 1: api access to models must route via gateways",
        RUNTIME,
    );
    assert!(clause(&r, "1").readings.is_empty());
    let json = serde_json::to_string(&r).expect("serialises");
    assert!(!json.contains("\"readings\""), "{json}");
}

// ---- 3. permissions

const GOV: &str = "
nodes:
  portal: {kind: app, zone: government}
  app: {kind: app}
  relay: {kind: proxy, cloud: aws}
  gw: {kind: gateway, cloud: azure}
  m: {kind: model, cloud: azure}
edges:
  - {from: portal, to: relay, kind: api}
  - {from: app, to: relay, kind: api}
  - {from: relay, to: m, kind: api}
  - {from: app, to: gw, kind: api}
  - {from: gw, to: m, kind: api}
";

#[test]
fn a_permission_excuses_the_paths_it_covers_and_no_others() {
    let r = report(
        "",
        "clause 4.2: api access from apps to models must route via gateways\n\
         clause 4.5 \"Government carve-out\" notwithstanding 4.2: api access from gov to models may route via aws",
        GOV,
    );
    let v = clause(&r, "4.2");
    // portal -> relay -> m is excused; app -> relay -> m is not.
    assert_eq!(v.verdict, Verdict::Breached);
    assert_eq!(witnesses(v), ["app -api-> relay -api-> m"]);
    let letter = v.letter.as_ref().expect("in force");
    assert_eq!(letter.excused.len(), 1);
    assert_eq!(letter.excused[0].by, "4.5");
    assert_eq!(
        path(&letter.excused[0].witnesses[0]),
        "portal -api-> relay -api-> m"
    );
    // The permission itself is not judged.
    assert!(r.verdicts.iter().all(|v| v.clause != "4.5"));
}

#[test]
fn a_clause_holds_when_permissions_excuse_every_violating_path() {
    let r = report(
        "",
        "clause 4.2: api access from gov to models must route via gateways\n\
         clause 4.5 notwithstanding 4.2: api access from gov to models may route via aws",
        GOV,
    );
    let v = clause(&r, "4.2");
    assert_eq!(v.verdict, Verdict::Holds);
    assert_eq!(
        v.letter.as_ref().expect("in force").excused[0]
            .witnesses
            .len(),
        1
    );
}

#[test]
fn a_permission_with_a_via_set_covers_only_paths_through_it() {
    let r = report(
        "",
        "clause 4.6: gov must not have api access to models\n\
         clause 4.5 notwithstanding 4.6: api access from gov to models may route via gateways",
        GOV,
    );
    // The portal's only path goes through the relay, not a gateway.
    assert_eq!(clause(&r, "4.6").verdict, Verdict::Breached);
}

#[test]
fn a_permission_is_read_under_each_reading() {
    let r = report(
        "according to beta, batch counts as api",
        "clause 1: api access from gov to models must route via gateways\n\
         clause 2 notwithstanding 1: api access from gov to models may route via aws",
        "nodes:\n  portal: {kind: app, zone: government}\n  relay: {kind: proxy, cloud: aws}\n  m: {kind: model}\n\
         edges:\n  - {from: portal, to: relay, kind: batch}\n  - {from: relay, to: m, kind: api}\n",
    );
    // Under beta the batch edge is api access, and the permission (api
    // access, read by beta) covers the path, so beta's reading holds too.
    let v = clause(&r, "1");
    assert_eq!(outcome(v), "holds: letter holds, spirit holds, beta holds");
    assert_eq!(v.readings[0].result.excused.len(), 1);
}

#[test]
fn the_remedy_of_a_clause_with_a_permission_cuts_only_its_uncovered_paths() {
    // Two uncovered routes to m (app and ops through the relay), one
    // excused (the portal's): one edge, relay -> m, cuts both uncovered.
    let topo = format!("{GOV}  - {{from: ops, to: relay, kind: api}}\n").replace(
        "  app: {kind: app}\n",
        "  app: {kind: app}\n  ops: {kind: app}\n",
    );
    let r = report(
        "",
        "clause 4.2: api access from apps to models must route via gateways\n\
         clause 4.5 notwithstanding 4.2: api access from gov to models may route via aws",
        &topo,
    );
    let remedy = clause(&r, "4.2")
        .remedy
        .as_ref()
        .expect("a breach has a remedy");
    let cut: Vec<String> = remedy
        .remove
        .iter()
        .map(|h| format!("{}->{}", h.from, h.to))
        .collect();
    assert_eq!(cut, ["relay->m"]);
    // And with only app's route uncovered, one edge still suffices.
    let r = report(
        "",
        "clause 4.2: api access from apps to models must route via gateways\n\
         clause 4.5 notwithstanding 4.2: api access from gov to models may route via aws",
        GOV,
    );
    let remedy = clause(&r, "4.2")
        .remedy
        .as_ref()
        .expect("a breach has a remedy");
    assert_eq!(remedy.remove.len(), 1);
}

// ---- 4. quantities

const FLEET: &str = "
nodes:
  a: {kind: model, cloud: azure, region: eastus, gpus: 8}
  b: {kind: model, cloud: azure, region: westus, gpus: 4}
  c: {kind: model, cloud: aws, region: northeurope, gpus: 4}
";

#[test]
fn span_counts_distinct_values_over_a_set() {
    let r = report(
        "",
        "clause 1: models must span at most 2 distinct region\n\
         clause 2: models must span at least 3 distinct region\n\
         clause 3: models must span exactly 2 distinct cloud",
        FLEET,
    );
    let v = clause(&r, "1");
    assert_eq!(v.verdict, Verdict::Breached);
    let m = v
        .letter
        .as_ref()
        .and_then(|l| l.measure.as_ref())
        .expect("a measure");
    assert_eq!(
        m.text(),
        "3 distinct region values: eastus, westus, northeurope; at most 2 required"
    );
    assert_eq!(witnesses(v), ["a", "b", "c"]);
    assert_eq!(clause(&r, "2").verdict, Verdict::Holds);
    assert_eq!(clause(&r, "3").verdict, Verdict::Holds);
}

#[test]
fn a_share_compares_exactly_by_count_or_by_weight() {
    let r = report(
        "",
        "clause 1: at least 80% of models must be hosted on azure\n\
         clause 2: at least 75% of models by gpus must be hosted on azure\n\
         clause 3: at most 25% of models by gpus must have cloud = aws\n\
         clause 4: at least 66.67% of models must be hosted on azure",
        FLEET,
    );
    let v = clause(&r, "1");
    assert_eq!(v.verdict, Verdict::Breached);
    assert_eq!(witnesses(v), ["c"], "the node that pulls the share down");
    let m = v
        .letter
        .as_ref()
        .and_then(|l| l.measure.as_ref())
        .expect("a measure");
    assert_eq!(m.actual, "66.67% (2 of 3 nodes)");
    // 12 of 16 gpus is exactly 75%: no float rounding tips it.
    assert_eq!(clause(&r, "2").verdict, Verdict::Holds);
    assert_eq!(clause(&r, "3").verdict, Verdict::Holds);
    // 2/3 is 66.666...%, below 66.67%.
    assert_eq!(clause(&r, "4").verdict, Verdict::Breached);
}

// ---- 5. obligors

#[test]
fn a_clause_names_who_owes_it() {
    let r = report(
        "",
        "clause 1 owed by beta: models must be hosted on azure\n\
         clause 2 owed by alpha and beta: models must be hosted on azure",
        FLEET,
    );
    assert_eq!(clause(&r, "1").owed_by, ["beta"]);
    assert_eq!(clause(&r, "2").owed_by, ["alpha", "beta"]);
}

// ---- 6. predicates and values

#[test]
fn numeric_comparisons_are_exact_decimals_and_false_on_text() {
    let topo = "nodes:\n  a: {kind: model, gpus: 8}\n  b: {kind: model, gpus: \"7.99\"}\n  c: {kind: model, gpus: lots}\n  d: {kind: model, gpus: 1e1}\n";
    let r = report(
        "define big as models where gpus >= 8",
        "clause 1: big must have gpus > 7.99\nclause 2: models where gpus < 8 must have gpus <= 7.99",
        topo,
    );
    assert_eq!(clause(&r, "1").verdict, Verdict::Holds);
    assert_eq!(clause(&r, "2").verdict, Verdict::Holds);
    let r = report("", "clause 1: models must have gpus >= 8", topo);
    // b is below 8 and c is no number: both fail; d is 10.
    assert_eq!(witnesses(clause(&r, "1")), ["b", "c"]);
}

#[test]
fn matches_takes_a_star_for_any_run_of_characters() {
    let topo =
        "nodes:\n  a: {kind: model, region: eu-west-1}\n  b: {kind: model, region: us-east-1}\n";
    let r = report(
        "",
        "clause 1: models must have region matches \"eu-*\"",
        topo,
    );
    assert_eq!(witnesses(clause(&r, "1")), ["b"]);
}

#[test]
fn contains_reads_lists_and_dotted_names_read_maps() {
    let topo = "nodes:\n  a: {kind: model, tags: [pci, phi], labels: {team: ml}}\n  b: {kind: model, tags: [pci], labels: {team: web}}\n";
    let r = report(
        "",
        "clause 1: models must have tags contains phi\nclause 2: models must have labels.team = ml\nclause 3: models must have tags = pci",
        topo,
    );
    assert_eq!(witnesses(clause(&r, "1")), ["b"]);
    assert_eq!(witnesses(clause(&r, "2")), ["b"]);
    // `=` compares one value: a list is never equal to one.
    assert_eq!(witnesses(clause(&r, "3")), ["a", "b"]);
}

#[test]
fn direct_access_is_a_path_of_one_edge() {
    let topo = "nodes:\n  app: {kind: app}\n  gw: {kind: gateway}\n  m: {kind: model}\n  n: {kind: model}\n\
                edges:\n  - {from: app, to: gw, kind: api}\n  - {from: gw, to: m, kind: api}\n  - {from: app, to: n, kind: api}\n";
    let r = report(
        "",
        "clause 1: apps must not have direct api access to models\n\
         clause 2: apps must have direct api access to gateways\n\
         clause 3: api access from apps to models, directly, must route via gateways",
        topo,
    );
    assert_eq!(witnesses(clause(&r, "1")), ["app -api-> n"]);
    assert_eq!(clause(&r, "2").verdict, Verdict::Holds);
    // A direct path has no interior, so it never routes via anything.
    assert_eq!(witnesses(clause(&r, "3")), ["app -api-> n"]);
    let remedy = clause(&r, "1").remedy.as_ref().expect("a remedy");
    assert_eq!(remedy.remove.len(), 1);
}

#[test]
fn route_only_via_needs_every_interior_node_in_the_set() {
    let topo = "nodes:\n  app: {kind: app}\n  gw: {kind: gateway}\n  cache: {kind: cache}\n  m: {kind: model}\n\
                edges:\n  - {from: app, to: gw, kind: api}\n  - {from: gw, to: cache, kind: api}\n  - {from: cache, to: m, kind: api}\n";
    let r = report(
        "",
        "clause 1: api access from apps to models must route only via gateways\n\
         clause 2: api access from apps to models must route via gateways",
        topo,
    );
    assert_eq!(
        witnesses(clause(&r, "1")),
        ["app -api-> gw -api-> cache -api-> m"]
    );
    assert_eq!(clause(&r, "2").verdict, Verdict::Holds);
}

#[test]
fn names_and_values_may_use_unicode_letters() {
    let topo = "nodes:\n  a: {kind: model, région: île-de-france}\n";
    let r = report(
        "define modèles as models where région = île-de-france",
        "clause 1: modèles must have has région",
        topo,
    );
    assert_eq!(clause(&r, "1").verdict, Verdict::Holds);
}

#[test]
fn a_clause_judged_by_every_old_reading_keeps_its_old_verdict() {
    // The v1 fixtures, with the verdicts the v1 binary gave them: see
    // fixtures/v1/README.md.
    let dir = std::path::Path::new("fixtures/v1/topologies");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).expect("fixtures/v1 exists") {
        let path = entry.expect("an entry").path();
        let name = path
            .file_stem()
            .expect("a name")
            .to_string_lossy()
            .to_string();
        let expected = std::fs::read_to_string(format!("fixtures/v1/expected/{name}.json"))
            .expect("an expected file");
        let out = super::support::run(&[
            "check",
            &path.to_string_lossy(),
            "--as-of",
            "2026-11-26",
            "--format",
            "verdicts",
        ]);
        let stdout = out
            .split("--- stdout\n")
            .nth(1)
            .and_then(|s| s.split("--- stderr").next())
            .unwrap_or("");
        assert_eq!(stdout.trim_end(), expected.trim_end(), "{name}");
        seen += 1;
    }
    assert_eq!(seen, 6, "every v1 fixture is checked");
}
