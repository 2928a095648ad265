//! Each clause form under each modal and both readings, through the library.
//!
//! `judge(clause, topology)` checks one clause (written after a shared
//! prelude of definitions) and returns its verdict with each reading's
//! witnesses as text, so each test reads like the rule it pins down.

use proviso::{Verdict, Witness};

const PRELUDE: &str = "
define apps     as nodes where kind = app
define models   as nodes where kind = model
define gateways as nodes where kind = gateway
define azure    as nodes where cloud = azure
define aws      as nodes where cloud = aws
in spirit, session and inference count as api
in spirit, stream counts as session
in spirit, replication counts as data
";

/// A verdict and each reading's witnesses (`a -k-> b` or a node id).
#[derive(Debug, PartialEq)]
struct Judged {
    verdict: Verdict,
    letter: Vec<String>,
    spirit: Vec<String>,
}

/// `a -k-> b`, and `b <-k- a` for a hop walked against its edge `a -k-> b`.
fn text(w: &Witness) -> String {
    if w.hops.is_empty() {
        return w.nodes[0].clone();
    }
    let mut s = w.hops[0].from.clone();
    for h in &w.hops {
        if h.against {
            s.push_str(&format!(" <-{}- {}", h.kind, h.to));
        } else {
            s.push_str(&format!(" -{}-> {}", h.kind, h.to));
        }
    }
    s
}

fn judge_on(clause: &str, topology: &str, as_of: &str) -> Judged {
    judged(&check_on("", clause, topology, as_of))
}

/// The report of one clause, after the prelude and `declarations`.
fn check_on(declarations: &str, clause: &str, topology: &str, as_of: &str) -> proviso::Report {
    let sep = if clause.starts_with("effective") {
        " "
    } else {
        ": "
    };
    let agreement = format!("{PRELUDE}{declarations}\nclause T{sep}{clause}\n");
    let ag = proviso::parse_agreement("t.contract", &agreement).unwrap_or_else(|e| panic!("{e}"));
    let topo = proviso::load_topology("t.yaml", topology).unwrap_or_else(|e| panic!("{e}"));
    let day = proviso::Date::parse_from_str(as_of, "%Y-%m-%d").expect("a date");
    proviso::check(&ag, &topo, day).report
}

fn judged(report: &proviso::Report) -> Judged {
    let v = &report.verdicts[0];
    let texts = |r: &Option<proviso::ReadingResult>| {
        r.as_ref()
            .map(|r| r.witnesses.iter().map(text).collect())
            .unwrap_or_default()
    };
    Judged {
        verdict: v.verdict,
        letter: texts(&v.letter),
        spirit: texts(&v.spirit),
    }
}

fn judge(clause: &str, topology: &str) -> Judged {
    judge_on(clause, topology, "2026-11-26")
}

fn holds(clause: &str, topology: &str) {
    assert_eq!(judge(clause, topology).verdict, Verdict::Holds, "{clause}");
}

fn j(verdict: Verdict, letter: &[&str], spirit: &[&str]) -> Judged {
    Judged {
        verdict,
        letter: letter.iter().map(|s| s.to_string()).collect(),
        spirit: spirit.iter().map(|s| s.to_string()).collect(),
    }
}

/// app -api-> gw -api-> m, and app -session-> rt -inference-> m: the seed bypass.
const BYPASS: &str = "
nodes:
  app: {kind: app}
  gw: {kind: gateway, cloud: azure}
  rt: {kind: runtime, cloud: aws}
  m: {kind: model, cloud: azure}
edges:
  - {from: app, to: gw, kind: api}
  - {from: gw, to: m, kind: api}
  - {from: app, to: rt, kind: session}
  - {from: rt, to: m, kind: inference}
";

// ---- 1. waypoints

#[test]
fn route_via_is_contested_when_only_the_spirit_sees_the_bypass() {
    assert_eq!(
        judge(
            "api access from apps to models must route via gateways",
            BYPASS
        ),
        j(
            Verdict::Contested,
            &[],
            &["app -session-> rt -inference-> m"]
        )
    );
}

#[test]
fn directly_or_indirectly_binds_the_spirit() {
    assert_eq!(
        judge(
            "api access from apps to models, directly or indirectly, must route via gateways",
            BYPASS
        ),
        j(
            Verdict::Breached,
            &[],
            &["app -session-> rt -inference-> m"]
        )
    );
}

#[test]
fn route_via_without_from_starts_from_every_node_outside_targets_and_waypoints() {
    // rt is a source too, and its direct edge to m has no interior at all.
    assert_eq!(
        judge("api access to models must route via gateways", BYPASS),
        j(Verdict::Contested, &[], &["rt -inference-> m"])
    );
}

#[test]
fn route_via_without_a_kind_follows_every_edge_in_both_readings() {
    assert_eq!(
        judge("access from apps to models must route via gateways", BYPASS),
        j(
            Verdict::Breached,
            &["app -session-> rt -inference-> m"],
            &["app -session-> rt -inference-> m"]
        )
    );
}

#[test]
fn a_waypoint_at_either_end_does_not_count() {
    // The only path is a direct edge from a gateway: no interior node.
    let topo =
        "nodes: {g: {kind: gateway}, m: {kind: model}}\nedges: [{from: g, to: m, kind: api}]";
    assert_eq!(
        judge(
            "api access from gateways to models must route via gateways",
            topo
        ),
        j(Verdict::Breached, &["g -api-> m"], &["g -api-> m"])
    );
}

#[test]
fn must_not_route_via_finds_a_path_through_the_waypoint() {
    assert_eq!(
        judge(
            "api access from apps to models must not route via aws",
            BYPASS
        ),
        j(
            Verdict::Contested,
            &[],
            &["app -session-> rt -inference-> m"]
        )
    );
    holds(
        "api access from apps to models must not route via nodes where kind = nothing",
        BYPASS,
    );
}

#[test]
fn must_not_route_via_reports_the_shortest_path_through_the_waypoint() {
    // A short path avoids W, a longer one passes it: only the longer one counts.
    let topo = "
nodes: {a: {kind: app}, x: {kind: hop}, w: {kind: hop, cloud: aws}, m: {kind: model}}
edges:
  - {from: a, to: m, kind: api}
  - {from: a, to: w, kind: api}
  - {from: w, to: x, kind: api}
  - {from: x, to: m, kind: api}
";
    assert_eq!(
        judge(
            "api access from apps to models must not route via aws",
            topo
        ),
        j(
            Verdict::Breached,
            &["a -api-> w -api-> x -api-> m"],
            &["a -api-> w -api-> x -api-> m"]
        )
    );
}

#[test]
fn witnesses_break_ties_by_file_order_of_edges() {
    let topo = "
nodes: {a: {kind: app}, p: {kind: hop}, q: {kind: hop}, m: {kind: model}}
edges:
  - {from: a, to: q, kind: api}
  - {from: a, to: p, kind: api}
  - {from: p, to: m, kind: api}
  - {from: q, to: m, kind: api}
";
    assert_eq!(
        judge(
            "api access from apps to models must route via gateways",
            topo
        )
        .letter,
        ["a -api-> q -api-> m"]
    );
}

#[test]
fn one_witness_per_offending_target_in_file_order() {
    let topo = "
nodes: {m2: {kind: model}, a: {kind: app}, m1: {kind: model}}
edges:
  - {from: a, to: m1, kind: api}
  - {from: a, to: m2, kind: api}
";
    assert_eq!(
        judge(
            "api access from apps to models must route via gateways",
            topo
        )
        .letter,
        ["a -api-> m2", "a -api-> m1"]
    );
}

#[test]
fn paths_through_cycles_terminate() {
    let topo = "
nodes: {a: {kind: app}, b: {kind: hop}, c: {kind: hop}, m: {kind: model}}
edges:
  - {from: a, to: b, kind: api}
  - {from: b, to: c, kind: api}
  - {from: c, to: b, kind: api}
  - {from: c, to: a, kind: api}
";
    holds(
        "api access from apps to models must route via gateways",
        topo,
    );
}

#[test]
fn a_source_that_is_also_a_target_is_reached_by_its_own_path() {
    // a is both app and model; b -> a is a one-edge path that reaches it.
    let topo = "
nodes: {a: {kind: model}, b: {kind: model}}
edges: [{from: b, to: a, kind: api}]
";
    assert_eq!(
        judge(
            "api access from models to models must route via gateways",
            topo
        )
        .letter,
        ["b -api-> a"]
    );
}

#[test]
fn counts_as_is_transitive() {
    // stream counts as session, which counts as api.
    let topo = "
nodes: {a: {kind: app}, m: {kind: model}}
edges: [{from: a, to: m, kind: stream}]
";
    assert_eq!(
        judge(
            "api access from apps to models must route via gateways",
            topo
        ),
        j(Verdict::Contested, &[], &["a -stream-> m"])
    );
}

#[test]
fn kinds_and_names_are_case_insensitive_and_values_exact() {
    let topo = "
nodes: {a: {kind: app}, m: {kind: model}, M: {kind: Model}}
edges: [{from: a, to: m, kind: API}, {from: a, to: M, kind: api}]
";
    // `Model` is not `model`: only m is a target; `API` edges are `api`.
    assert_eq!(
        judge(
            "API access from Apps to MODELS must route via Gateways",
            topo
        )
        .letter,
        ["a -api-> m"]
    );
}

// ---- 2. isolation and reachability

#[test]
fn must_not_have_access_finds_a_path_in_the_reading() {
    assert_eq!(
        judge("apps must not have api access to models", BYPASS),
        j(
            Verdict::Breached,
            &["app -api-> gw -api-> m"],
            &["app -api-> gw -api-> m"]
        )
    );
    let spirit_only =
        "nodes: {a: {kind: app}, m: {kind: model}}\nedges: [{from: a, to: m, kind: inference}]";
    assert_eq!(
        judge("apps must not have api access to models", spirit_only),
        j(Verdict::Contested, &[], &["a -inference-> m"])
    );
    assert_eq!(
        judge(
            "apps must not have api access to models, directly or indirectly",
            spirit_only
        )
        .verdict,
        Verdict::Breached
    );
}

#[test]
fn must_have_access_names_each_subject_without_a_path() {
    let topo = "
nodes: {a: {kind: app}, b: {kind: app}, c: {kind: app}, m: {kind: model}}
edges:
  - {from: a, to: m, kind: api}
  - {from: b, to: m, kind: session}
";
    assert_eq!(
        judge("apps must have api access to models", topo),
        j(Verdict::Breached, &["b", "c"], &["c"])
    );
    assert_eq!(
        judge("apps should have api access to models", topo).verdict,
        Verdict::Breached
    );
}

#[test]
fn access_needs_at_least_one_edge() {
    // A model is not "reachable" from itself without an edge.
    let topo = "nodes: {m: {kind: model, role: app}}\nedges: []";
    assert_eq!(
        judge("nodes where role = app must have access to models", topo),
        j(Verdict::Breached, &["m"], &["m"])
    );
}

// ---- 3. dependency

#[test]
fn depend_on_follows_every_edge_in_one_reading() {
    holds("apps must depend on azure", BYPASS);
    assert_eq!(
        judge("apps must not depend on aws", BYPASS),
        j(
            Verdict::Breached,
            &["app -session-> rt"],
            &["app -session-> rt"]
        )
    );
    assert_eq!(
        judge("models must depend on apps", BYPASS),
        j(Verdict::Breached, &["m"], &["m"])
    );
}

// ---- 4. hosting

#[test]
fn hosted_on_checks_membership() {
    holds("models must be hosted on azure", BYPASS);
    assert_eq!(
        judge("models must not be hosted on azure", BYPASS),
        j(Verdict::Breached, &["m"], &["m"])
    );
    assert_eq!(
        judge("nodes must be hosted on azure", BYPASS),
        j(Verdict::Breached, &["app", "rt"], &["app", "rt"])
    );
}

// ---- 5. attributes

#[test]
fn have_predicate_checks_every_node() {
    holds("models must have cloud = azure", BYPASS);
    assert_eq!(
        judge("models must not have cloud in [azure, gcp]", BYPASS).letter,
        ["m"]
    );
    assert_eq!(judge("nodes must have has cloud", BYPASS).letter, ["app"]);
}

#[test]
fn a_missing_attribute_is_unequal_to_every_value() {
    // app has no cloud: `cloud != aws` and `cloud not in [..]` hold for it,
    // `cloud = aws` and `cloud in [..]` do not.
    assert_eq!(
        judge("apps must have cloud != aws", BYPASS).verdict,
        Verdict::Holds
    );
    assert_eq!(
        judge("apps must have cloud not in [aws, azure]", BYPASS).verdict,
        Verdict::Holds
    );
    assert_eq!(
        judge("apps must have cloud in [aws, azure]", BYPASS).letter,
        ["app"]
    );
    assert_eq!(
        judge("apps must not have cloud = aws", BYPASS).verdict,
        Verdict::Holds
    );
}

#[test]
fn numbers_and_booleans_compare_as_their_text() {
    let topo = "nodes: {m: {kind: model, replicas: 2, public: false, ratio: 1.50}}";
    holds(
        "models must have replicas = 2 and public = \"false\" and ratio = 1.50",
        topo,
    );
    assert_eq!(
        judge("models must have ratio = 1.5", topo).verdict,
        Verdict::Breached
    );
}

#[test]
fn predicates_combine_with_not_and_or_and_parentheses() {
    let topo =
        "nodes: {a: {kind: model, x: '1', y: '2'}, b: {kind: model, x: '1'}, c: {kind: model}}";
    // not > and > or: `x = 1 and y = 2 or not has x` is `(x=1 and y=2) or (not has x)`.
    assert_eq!(
        judge("models must have x = 1 and y = 2 or not has x", topo).letter,
        ["b"]
    );
    assert_eq!(
        judge("models must have x = 1 and (y = 2 or not has x)", topo).letter,
        ["b", "c"]
    );
    assert_eq!(
        judge("models must have not not not has y", topo).letter,
        ["a"]
    );
}

// ---- selectors

#[test]
fn selectors_refine_unite_and_subtract_left_to_right() {
    let topo = "nodes: {a: {kind: model, t: x}, b: {kind: model, t: y}, c: {kind: app, t: x}}";
    assert_eq!(
        judge("models where t = x must have kind = app", topo).letter,
        ["a"]
    );
    assert_eq!(
        judge(
            "models or apps except nodes where t = y must have kind = none",
            topo
        )
        .letter,
        ["a", "c"]
    );
    assert_eq!(
        judge(
            "models or (apps except nodes where t = x) must have kind = none",
            topo
        )
        .letter,
        ["a", "b"]
    );
    assert_eq!(
        judge(
            "nodes where t = y or nodes where kind = app must have kind = none",
            topo
        )
        .letter,
        ["b", "c"]
    );
}

// ---- 6. containment

#[test]
fn stay_within_reports_every_node_reached_outside() {
    let topo = "
nodes: {app: {kind: app}, s: {kind: store, cloud: azure}, b: {kind: store, cloud: aws}, c: {kind: store, cloud: aws}}
edges:
  - {from: app, to: s, kind: data}
  - {from: s, to: b, kind: replication}
  - {from: b, to: c, kind: data}
";
    // The letter follows data edges only: app -> s. The spirit adds
    // replication, reaching b and, from b, c.
    assert_eq!(
        judge("data from apps must stay within azure", topo),
        j(
            Verdict::Contested,
            &[],
            &[
                "app -data-> s -replication-> b",
                "app -data-> s -replication-> b -data-> c"
            ]
        )
    );
}

// ---- which way data moves

/// billing (aws) reads phi (azure): data moves from phi to billing,
/// against the edge.
const READ: &str = "
nodes:
  billing: {kind: app, cloud: aws}
  phi: {kind: store, cloud: azure}
edges:
  - {from: billing, to: phi, kind: read}
";

/// `clause` judged after the prelude, `define stores` and `declarations`.
fn declaring(declarations: &str, clause: &str, topology: &str) -> proviso::Report {
    let declarations = format!("define stores as nodes where kind = store\n{declarations}");
    check_on(&declarations, clause, topology, "2026-11-26")
}

const AGAINST: &str = "data moves against the call over read";
const BOTH: &str = "data moves both ways over sync";

#[test]
fn a_read_carries_data_out_of_the_callee_only_once_declared_to_move_against_the_call() {
    let clause = "read from stores must stay within azure";
    assert_eq!(judged(&declaring("", clause, READ)).verdict, Verdict::Holds);
    assert_eq!(
        judged(&declaring(AGAINST, clause, READ)),
        j(
            Verdict::Breached,
            &["phi <-read- billing"],
            &["phi <-read- billing"]
        )
    );
}

#[test]
fn data_counted_as_another_kind_moves_the_way_its_own_kind_is_declared() {
    let decl = format!("{AGAINST}\nin spirit, read counts as data");
    assert_eq!(
        judged(&declaring(
            &decl,
            "data from stores must stay within azure",
            READ
        )),
        j(Verdict::Contested, &[], &["phi <-read- billing"])
    );
}

#[test]
fn data_moving_against_the_call_no_longer_moves_with_it() {
    let topo = "
nodes: {phi: {kind: store, cloud: azure}, cache: {kind: cache, cloud: aws}}
edges:
  - {from: phi, to: cache, kind: read}
";
    // phi calls cache to read from it: the data comes to phi, not from it.
    let clause = "read from stores must stay within azure";
    assert_eq!(
        judged(&declaring("", clause, topo)),
        j(
            Verdict::Breached,
            &["phi -read-> cache"],
            &["phi -read-> cache"]
        )
    );
    holds_declaring(AGAINST, clause, topo);
}

#[test]
fn data_moving_both_ways_leaves_by_either_end_of_the_edge() {
    let topo = "
nodes: {ext: {kind: app, cloud: aws}, phi: {kind: store, cloud: azure}, out: {kind: app, cloud: aws}}
edges:
  - {from: ext, to: phi, kind: sync}
  - {from: phi, to: out, kind: sync}
";
    let clause = "sync from stores must stay within azure";
    assert_eq!(
        judged(&declaring("", clause, topo)),
        j(
            Verdict::Breached,
            &["phi -sync-> out"],
            &["phi -sync-> out"]
        )
    );
    let both = ["phi <-sync- ext", "phi -sync-> out"];
    assert_eq!(
        judged(&declaring(BOTH, clause, topo)),
        j(Verdict::Breached, &both, &both)
    );
}

#[test]
fn a_reader_has_access_to_what_it_reads_whichever_way_its_data_moves() {
    let clause = "apps must not have read access to stores";
    for decl in ["", AGAINST] {
        assert_eq!(
            judged(&declaring(decl, clause, READ)),
            j(
                Verdict::Breached,
                &["billing -read-> phi"],
                &["billing -read-> phi"]
            ),
            "{decl}"
        );
    }
    holds_declaring(AGAINST, "stores must not have read access to apps", READ);
}

#[test]
fn the_callee_of_an_edge_whose_data_moves_both_ways_has_access_back() {
    let topo = "
nodes: {app: {kind: app}, phi: {kind: store}}
edges:
  - {from: app, to: phi, kind: sync}
";
    let clause = "stores must not have sync access to apps";
    holds_declaring("", clause, topo);
    assert_eq!(
        judged(&declaring(BOTH, clause, topo)),
        j(
            Verdict::Breached,
            &["phi <-sync- app"],
            &["phi <-sync- app"]
        )
    );
    let reach = "stores must have sync access to apps";
    assert_eq!(
        judged(&declaring("", reach, topo)).verdict,
        Verdict::Breached
    );
    holds_declaring(BOTH, reach, topo);
}

#[test]
fn route_forms_walk_back_over_edges_whose_data_moves_both_ways() {
    let topo = "
nodes: {app: {kind: app}, gw: {kind: gateway}, phi: {kind: store}}
edges:
  - {from: app, to: phi, kind: sync}
  - {from: gw, to: app, kind: sync}
";
    let clause = "sync access from stores to apps must route via gateways";
    holds_declaring("", clause, topo);
    assert_eq!(
        judged(&declaring(BOTH, clause, topo)),
        j(
            Verdict::Breached,
            &["phi <-sync- app"],
            &["phi <-sync- app"]
        )
    );
}

#[test]
fn dependency_follows_calls_whichever_way_data_moves() {
    holds_declaring(AGAINST, "stores must not depend on apps", READ);
}

#[test]
fn a_hop_against_its_edge_says_so_and_findings_name_the_edge_as_written() {
    let report = declaring(AGAINST, "read from stores must stay within azure", READ);
    let v = &report.verdicts[0];
    let letter = v.letter.as_ref().expect("in force");
    let hop = &letter.witnesses[0].hops[0];
    assert_eq!(
        (hop.from.as_str(), hop.to.as_str(), hop.against),
        ("phi", "billing", true)
    );
    assert_eq!(letter.witnesses[0].nodes, ["phi", "billing"]);
    let edge = &letter.violating[0];
    assert_eq!((edge.from.as_str(), edge.to.as_str()), ("billing", "phi"));
    let remedy = v.remedy.as_ref().expect("a breach has a remedy");
    assert_eq!(
        (
            remedy.remove[0].from.as_str(),
            remedy.remove[0].to.as_str(),
            remedy.remove[0].against
        ),
        ("billing", "phi", false)
    );
    let json = serde_json::to_string(&report).expect("json");
    assert!(json.contains("\"against\":true"), "{json}");
}

#[test]
fn an_edge_walked_both_ways_is_one_edge_to_remove() {
    let topo = "
nodes: {a: {kind: store, cloud: azure}, b: {kind: store, cloud: aws}}
edges:
  - {from: a, to: b, kind: sync}
";
    // a and b are both sources; each reaches the other over the one edge.
    let report = declaring(BOTH, "sync from stores must stay within azure", topo);
    let v = &report.verdicts[0];
    let remedy = v.remedy.as_ref().expect("a breach has a remedy");
    assert_eq!(remedy.remove.len(), 1);
    assert_eq!(v.letter.as_ref().map(|r| r.violating.len()), Some(1));
}

fn holds_declaring(declarations: &str, clause: &str, topology: &str) {
    assert_eq!(
        judged(&declaring(declarations, clause, topology)).verdict,
        Verdict::Holds,
        "{declarations} / {clause}"
    );
}

// ---- modals and windows

#[test]
fn shall_means_must() {
    assert_eq!(
        judge(
            "api access from apps to models, directly or indirectly, shall route via gateways",
            BYPASS
        )
        .verdict,
        Verdict::Breached
    );
}

#[test]
fn until_is_exclusive_and_effective_inclusive() {
    let clause = "effective 2026-01-01 until 2027-01-01: models must be hosted on aws";
    let topo = "nodes: {m: {kind: model}}";
    let at = |day| {
        let agreement = format!("{PRELUDE}\nclause W {clause}\n");
        let ag = proviso::parse_agreement("t", &agreement).expect("parses");
        let t = proviso::load_topology("t", topo).expect("loads");
        let d = proviso::Date::parse_from_str(day, "%Y-%m-%d").expect("date");
        proviso::check(&ag, &t, d).report.verdicts[0].verdict
    };
    assert_eq!(at("2025-12-31"), Verdict::NotInForce);
    assert_eq!(at("2026-01-01"), Verdict::Breached);
    assert_eq!(at("2026-12-31"), Verdict::Breached);
    assert_eq!(at("2027-01-01"), Verdict::NotInForce);
}

#[test]
fn the_header_window_applies_to_clauses_without_one() {
    let ag =
        "agreement \"x\" effective 2030-01-01\ndefine m as nodes\nclause 1: m must have kind = z";
    let ag = proviso::parse_agreement("t", ag).expect("parses");
    let t = proviso::load_topology("t", "nodes: {a: {kind: y}}").expect("loads");
    let d = proviso::Date::from_ymd_opt(2029, 12, 31).expect("date");
    assert_eq!(
        proviso::check(&ag, &t, d).report.verdicts[0].verdict,
        Verdict::NotInForce
    );
}

/// Checks `agreement` (a header and clauses, no prelude) against one model
/// on `day`: each clause's verdict and the warnings as `line:col message`.
fn windows(agreement: &str, day: &str) -> (Vec<Verdict>, Vec<String>) {
    let ag = proviso::parse_agreement("t", agreement).expect("parses");
    let t = proviso::load_topology("t", "nodes: {m: {kind: model}}").expect("loads");
    let d = proviso::Date::parse_from_str(day, "%Y-%m-%d").expect("date");
    let report = proviso::check(&ag, &t, d).report;
    let warnings = report
        .warnings
        .iter()
        .map(|w| {
            let at = w.location.as_ref().expect("located");
            format!("{}:{} {}", at.line, at.column, w.message)
        })
        .collect();
    (
        report.verdicts.iter().map(|v| v.verdict).collect(),
        warnings,
    )
}

const TERM: &str = "agreement \"x\" effective 2025-01-01 until 2027-01-01\ndefine m as nodes\n";

#[test]
fn a_clause_that_starts_before_the_term_is_in_force_only_from_the_term_start() {
    let ag = format!("{TERM}clause 1 effective 2024-01-01: m must have kind = z\n");
    assert_eq!(windows(&ag, "2024-06-01").0, [Verdict::NotInForce]);
    assert_eq!(windows(&ag, "2025-01-01").0, [Verdict::Breached]);
}

#[test]
fn a_clause_without_until_ends_with_the_term() {
    let ag = format!("{TERM}clause 1 effective 2026-01-01: m must have kind = z\n");
    assert_eq!(windows(&ag, "2026-12-31").0, [Verdict::Breached]);
    assert_eq!(windows(&ag, "2027-01-01").0, [Verdict::NotInForce]);
}

#[test]
fn a_clause_until_after_the_term_ends_with_the_term() {
    let ag =
        format!("{TERM}clause 1 effective 2026-01-01 until 2030-01-01: m must have kind = z\n");
    assert_eq!(windows(&ag, "2027-06-01").0, [Verdict::NotInForce]);
}

#[test]
fn a_clause_window_that_pokes_out_of_the_term_is_a_located_warning() {
    let ag = format!(
        "{TERM}clause 1 effective 2024-01-01: m must have kind = z\nclause 2 effective 2025-06-01 until 2026-01-01: m must have kind = z\n"
    );
    let (_, warnings) = windows(&ag, "2026-11-26");
    assert_eq!(
        warnings,
        [
            "3:10 clause `1` is effective 2024-01-01 onwards, outside the agreement's term 2025-01-01 until 2027-01-01"
        ]
    );
}

#[test]
fn an_agreement_whose_term_excludes_the_day_is_a_warning_and_judges_nothing() {
    let ag = format!("{TERM}clause 1: m must have kind = z\n");
    let (verdicts, warnings) = windows(&ag, "2027-03-01");
    assert_eq!(verdicts, [Verdict::NotInForce]);
    assert_eq!(
        warnings,
        [
            "1:15 the agreement is not in force on 2027-03-01: its term is 2025-01-01 until 2027-01-01"
        ]
    );
    assert!(windows(&ag, "2026-03-01").1.is_empty());
}

#[test]
fn not_in_force_clauses_have_no_readings() {
    let judged = judge_on(
        "effective 2099-01-01: models must be hosted on aws",
        BYPASS,
        "2026-11-26",
    );
    assert_eq!(judged, j(Verdict::NotInForce, &[], &[]));
}
