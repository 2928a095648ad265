//! Complete violations: every violating edge, finding identity by edge,
//! and remedies (minimum edge cuts), through the library and the binary.
//!
//! Topologies are written as `"a:app b:model"` (node ids with their kind)
//! and `"a api b; b api c"` (edges), so each test reads like its graph.

use std::collections::BTreeSet;

use proptest::prelude::*;
use proviso::{ClauseVerdict, Verdict};

use super::support::{AS_OF, run};

const PRELUDE: &str = "
define apps     as nodes where kind = app
define models   as nodes where kind = model
define gateways as nodes where kind = gateway
define azure    as nodes where cloud = azure
";

/// A topology from `"id:kind[:cloud] ..."` and `"from kind to; ..."`.
fn topology(nodes: &str, edges: &str) -> String {
    let mut t = String::from("nodes:\n");
    for n in nodes.split_whitespace() {
        let mut parts = n.split(':');
        let id = parts.next().unwrap_or_default();
        let kind = parts.next().unwrap_or("thing");
        let cloud = parts
            .next()
            .map(|c| format!(", cloud: {c}"))
            .unwrap_or_default();
        t.push_str(&format!("  {id}: {{kind: {kind}{cloud}}}\n"));
    }
    t.push_str("edges:\n");
    for e in edges.split(';').map(str::trim).filter(|e| !e.is_empty()) {
        let p: Vec<&str> = e.split_whitespace().collect();
        t.push_str(&format!(
            "  - {{from: {}, to: {}, kind: {}}}\n",
            p[0], p[2], p[1]
        ));
    }
    t
}

fn verdict(clause: &str, topo: &str) -> ClauseVerdict {
    let ag = proviso::parse_agreement("t.contract", &format!("{PRELUDE}\nclause T: {clause}\n"))
        .unwrap_or_else(|e| panic!("{e}"));
    let topo = proviso::load_topology("t.yaml", topo).unwrap_or_else(|e| panic!("{e}"));
    let day = proviso::Date::parse_from_str(AS_OF, "%Y-%m-%d").expect("a date");
    proviso::check(&ag, &topo, day).report.verdicts.remove(0)
}

/// The binding reading's violating edges as `a k b`, in file order.
fn violating(clause: &str, nodes: &str, edges: &str) -> Vec<String> {
    let v = verdict(clause, &topology(nodes, edges));
    v.letter
        .map(|r| {
            r.violating
                .iter()
                .map(|e| format!("{} {} {}", e.from, e.kind, e.to))
                .collect()
        })
        .unwrap_or_default()
}

/// The remedy's edges as `a k b`.
fn remedy(clause: &str, nodes: &str, edges: &str) -> Vec<String> {
    let v = verdict(clause, &topology(nodes, edges));
    let r = v.remedy.expect("a breached path clause has a remedy");
    assert!(!r.capped);
    r.remove
        .iter()
        .map(|h| format!("{} {} {}", h.from, h.kind, h.to))
        .collect()
}

/// The edges with those in `cut` taken out.
fn without(edges: &str, cut: &[String]) -> String {
    edges
        .split(';')
        .map(str::trim)
        .filter(|e| !e.is_empty() && !cut.iter().any(|c| c == e))
        .collect::<Vec<_>>()
        .join("; ")
}

fn holds_after_cut(clause: &str, nodes: &str, edges: &str) {
    let cut = remedy(clause, nodes, edges);
    let v = verdict(clause, &topology(nodes, &without(edges, &cut)));
    assert!(
        v.letter.is_some_and(|r| r.holds),
        "{clause}: cutting {cut:?} did not restore it"
    );
}

#[test]
fn both_sides_of_a_diamond_are_violating_and_edges_past_the_target_or_elsewhere_are_not() {
    let got = violating(
        "apps must not have api access to models",
        "s:app a b m:model z x y",
        "s api a; s api b; a api m; b api m; m api z; x api y",
    );
    assert_eq!(got, ["s api a", "s api b", "a api m", "b api m"]);
}

#[test]
fn a_cycle_on_the_way_to_a_target_is_violating() {
    let got = violating(
        "apps must not have api access to models",
        "s:app a b m:model",
        "s api a; a api b; b api a; b api m",
    );
    assert_eq!(got, ["s api a", "a api b", "b api a", "b api m"]);
}

#[test]
fn route_via_counts_only_edges_of_paths_that_avoid_the_gateway() {
    let got = violating(
        "api access from apps to models must route via gateways",
        "s:app g:gateway r m:model",
        "s api g; g api m; s api r; r api m; g api r",
    );
    assert_eq!(got, ["s api r", "r api m"]);
}

#[test]
fn not_route_via_counts_only_edges_of_paths_through_the_gateway() {
    let got = violating(
        "api access from apps to models must not route via gateways",
        "s:app g:gateway r m:model",
        "s api g; g api r; r api m; s api m",
    );
    assert_eq!(got, ["s api g", "g api r", "r api m"]);
}

#[test]
fn stay_within_counts_every_edge_towards_and_beyond_the_first_node_outside() {
    let got = violating(
        "data from apps must stay within azure",
        "s:app:azure a:store:azure b:store:aws c:store:aws d:store:azure",
        "s data a; a data b; b data c; a data d",
    );
    assert_eq!(got, ["s data a", "a data b", "b data c"]);
}

#[test]
fn the_cut_of_two_disjoint_routes_is_two_edges_and_removing_them_restores_the_clause() {
    let (nodes, edges) = ("s:app a b m:model", "s api a; a api m; s api b; b api m");
    let clause = "apps must not have api access to models";
    assert_eq!(remedy(clause, nodes, edges).len(), 2);
    holds_after_cut(clause, nodes, edges);
}

#[test]
fn the_cut_of_a_bottleneck_is_the_one_shared_edge() {
    let (nodes, edges) = (
        "s:app t:app a b m:model",
        "s api a; t api a; a api b; b api m",
    );
    let clause = "api access from apps to models must route via gateways";
    assert_eq!(remedy(clause, nodes, edges), ["a api b"]);
    holds_after_cut(clause, nodes, edges);
}

#[test]
fn a_not_route_via_cut_restores_the_clause_and_says_whether_it_is_minimum() {
    let clause = "api access from apps to models must not route via gateways";
    // Each edge is used once, before passing g: the cut is minimum.
    let (nodes, edges) = ("s:app g:gateway m:model", "s api g; g api g; g api m");
    holds_after_cut(clause, nodes, edges);
    assert!(
        verdict(clause, &topology(nodes, edges))
            .remedy
            .is_some_and(|r| r.minimum)
    );
    // a -> g is used before passing g (s a g a m) and after (its second
    // lap): the cut is valid but not proven minimum, and says so.
    let (nodes, edges) = (
        "s:app a g:gateway m:model",
        "s api a; a api g; g api a; a api m",
    );
    holds_after_cut(clause, nodes, edges);
    assert!(
        verdict(clause, &topology(nodes, edges))
            .remedy
            .is_some_and(|r| !r.minimum)
    );
}

#[test]
fn more_than_a_hundred_disjoint_routes_cap_the_cut_and_say_so() {
    let mut nodes = String::from("s:app m:model");
    let mut edges = String::new();
    for i in 0..101 {
        nodes.push_str(&format!(" r{i}"));
        edges.push_str(&format!("s api r{i}; r{i} api m; "));
    }
    let v = verdict(
        "apps must not have api access to models",
        &topology(&nodes, &edges),
    );
    let r = v.remedy.clone().expect("a remedy");
    assert!(r.capped && r.remove.is_empty() && r.limit == 100);
    let doc = proviso::Document::new(vec![proviso::Report {
        verdicts: vec![v],
        ..verdict_report()
    }]);
    for format in [
        proviso::report::Format::Human,
        proviso::report::Format::Json,
        proviso::report::Format::Sarif,
        proviso::report::Format::Junit,
        proviso::report::Format::Github,
        proviso::report::Format::Markdown,
    ] {
        let out = proviso::report::render(format, &doc, false, false);
        assert!(
            out.contains("more than 100 edges would have to be removed")
                || out.contains("\"capped\": true"),
            "{format:?}: {out}"
        );
    }
}

fn verdict_report() -> proviso::Report {
    let ag = proviso::parse_agreement("t.contract", PRELUDE).unwrap_or_else(|e| panic!("{e}"));
    let topo = proviso::load_topology("t.yaml", "nodes: {}\n").unwrap_or_else(|e| panic!("{e}"));
    let day = proviso::Date::parse_from_str(AS_OF, "%Y-%m-%d").expect("a date");
    proviso::check(&ag, &topo, day).report
}

// ---- the gate, through the binary -------------------------------------

const HIDDEN_AGREEMENT: &str = "
define clients     as nodes where kind = client
define models      as nodes where kind = model
define checkpoints as nodes where kind = checkpoint
clause H1: access from clients to models must route via checkpoints
";

/// A scratch directory with files written into it.
fn scratch(name: &str, files: &[(&str, &str)]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("proviso-findings-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    for (f, text) in files {
        std::fs::write(dir.join(f), text).expect("a scratch file");
    }
    dir
}

const BEFORE: &str = "nodes:
  web: {kind: client}
  gw: {kind: client}
  relay: {kind: proxy}
  llm: {kind: model}
edges:
  - {from: web, to: relay, kind: stream}
  - {from: relay, to: llm, kind: api}
";

fn after() -> String {
    format!("{BEFORE}  - {{from: gw, to: relay, kind: api}}\n")
}

fn gate(dir: &std::path::Path, agreement: &str, topo: &str, extra: &[&str]) -> String {
    let d = dir.to_string_lossy().to_string();
    let mut args = vec![
        "check".to_string(),
        format!("{d}/{topo}"),
        "--agreement".to_string(),
        format!("{d}/{agreement}"),
        "--as-of".to_string(),
        AS_OF.to_string(),
    ];
    args.extend(extra.iter().map(|a| a.replace("DIR", &d)));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run(&args)
}

#[test]
fn a_new_route_to_an_old_target_is_new_and_fails_the_gate() {
    let after = after();
    let dir = scratch(
        "hidden",
        &[
            ("a.contract", HIDDEN_AGREEMENT),
            ("before.yaml", BEFORE),
            ("after.yaml", &after),
        ],
    );
    gate(
        &dir,
        "a.contract",
        "before.yaml",
        &["--write-baseline", "DIR/base.json"],
    );
    // The baseline's topology label must be the one checked: write it from
    // the same path, then change the file.
    std::fs::write(dir.join("before.yaml"), &after).expect("rewrite");
    let out = gate(
        &dir,
        "a.contract",
        "before.yaml",
        &["--baseline", "DIR/base.json"],
    );
    assert!(out.starts_with("exit: 1\n"), "{out}");
    assert!(out.contains("1 new, 2 unchanged"), "{out}");
    assert!(out.contains("new: gw --api--> relay"), "{out}");
}

#[test]
fn a_baseline_from_another_agreement_with_the_same_clause_id_does_not_suppress() {
    let other = HIDDEN_AGREEMENT.replace("checkpoints\n", "checkpoints # the other one\n");
    let dir = scratch(
        "other",
        &[
            ("a.contract", HIDDEN_AGREEMENT),
            ("b.contract", &other),
            ("t.yaml", BEFORE),
        ],
    );
    gate(
        &dir,
        "a.contract",
        "t.yaml",
        &["--write-baseline", "DIR/base.json"],
    );
    let same = gate(
        &dir,
        "a.contract",
        "t.yaml",
        &["--baseline", "DIR/base.json"],
    );
    assert!(same.starts_with("exit: 0\n"), "{same}");
    let out = gate(
        &dir,
        "b.contract",
        "t.yaml",
        &["--baseline", "DIR/base.json"],
    );
    assert!(out.starts_with("exit: 1\n"), "{out}");
    assert!(out.contains("2 new, 0 unchanged"), "{out}");
}

#[test]
fn a_baseline_written_before_format_2_is_refused_with_a_migration_message() {
    let out = run(&[
        "check",
        "fixtures/gate/repo/frontier.yaml",
        "--as-of",
        AS_OF,
        "--baseline",
        "fixtures/gate/baselines/v1-frontier.json",
    ]);
    assert!(out.starts_with("exit: 2\n"), "{out}");
    assert!(
        out.contains("this baseline was written by an older proviso"),
        "{out}"
    );
    assert!(
        out.contains("fixtures/gate/baselines/v1-frontier.json:1:1"),
        "{out}"
    );
    assert!(out.contains("--write-baseline"), "{out}");
}

#[test]
fn a_waiver_naming_the_old_witness_path_does_not_cover_the_new_edge() {
    let after = after();
    let waivers = "waivers:
  - clause: H1
    topology: \"**\"
    witness: [web, relay, llm]
    reason: legacy stream
    approved_by: sec@example.com
    expires: 2099-01-01
";
    let dir = scratch(
        "waiver",
        &[
            ("a.contract", HIDDEN_AGREEMENT),
            ("t.yaml", &after),
            ("w.yaml", waivers),
        ],
    );
    let out = gate(&dir, "a.contract", "t.yaml", &["--waivers", "DIR/w.yaml"]);
    assert!(out.starts_with("exit: 1\n"), "{out}");
    let dir2 = scratch(
        "waiver2",
        &[
            ("a.contract", HIDDEN_AGREEMENT),
            ("t.yaml", BEFORE),
            ("w.yaml", waivers),
        ],
    );
    let out = gate(&dir2, "a.contract", "t.yaml", &["--waivers", "DIR/w.yaml"]);
    assert!(out.starts_with("exit: 0\n"), "{out}");
}

// ---- properties on random small graphs --------------------------------

/// Kinds of the random nodes: index 0 app, 1 gateway, 2 model, else plain.
fn random_topology(kinds: &[u8], edges: &[(usize, usize)]) -> (String, String) {
    let names = ["app", "gateway", "model", "thing"];
    let nodes: Vec<String> = kinds
        .iter()
        .enumerate()
        .map(|(i, k)| format!("n{i}:{}", names[*k as usize % 4]))
        .collect();
    let n = kinds.len();
    let es: Vec<String> = edges
        .iter()
        .map(|(a, b)| format!("n{} api n{}", a % n, b % n))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    (nodes.join(" "), es.join("; "))
}

const CLAUSES: [&str; 3] = [
    "api access from apps to models must route via gateways",
    "api access from apps to models must not route via gateways",
    "apps must not have api access to models",
];

/// Brute force: the edges on some violating walk, by enumerating walks
/// of at most `2 * 2n + 1` edges over (node, passed) states. A violating
/// walk through an edge can always be shortened to one that visits each
/// state at most once before the edge and once after it, so this bound
/// loses nothing.
fn brute_violating(clause: usize, kinds: &[u8], edges: &[(usize, usize)]) -> BTreeSet<String> {
    let n = kinds.len();
    let es: Vec<(usize, usize)> = edges
        .iter()
        .map(|(a, b)| (a % n, b % n))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let kind = |v: usize| kinds[v] % 4;
    let mut out = BTreeSet::new();
    let max = 4 * n + 1;
    // Depth-first over walks: (node, passed, edges so far).
    let mut stack: Vec<(usize, bool, Vec<usize>)> = (0..n)
        .filter(|&v| kind(v) == 0)
        .map(|v| (v, false, Vec::new()))
        .collect();
    while let Some((u, passed, walk)) = stack.pop() {
        if walk.len() >= max {
            continue;
        }
        for (i, &(a, b)) in es.iter().enumerate() {
            if a != u {
                continue;
            }
            let violates = kind(b) == 2
                && match clause {
                    0 => !passed,
                    1 => passed,
                    _ => true,
                };
            let mut w = walk.clone();
            w.push(i);
            if violates {
                for &j in &w {
                    out.insert(format!("n{} api n{}", es[j].0, es[j].1));
                }
            }
            let next = passed || kind(b) == 1;
            if clause == 0 && next {
                continue;
            }
            stack.push((b, next, w));
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn violating_edges_match_brute_force_and_removing_the_cut_restores_the_clause(
        kinds in prop::collection::vec(0u8..4, 2..5),
        edges in prop::collection::vec((0usize..5, 0usize..5), 0..6),
        clause in 0usize..3,
    ) {
        let (nodes, es) = random_topology(&kinds, &edges);
        let got: BTreeSet<String> = violating(CLAUSES[clause], &nodes, &es).into_iter().collect();
        prop_assert_eq!(&got, &brute_violating(clause, &kinds, &edges));
        let v = verdict(CLAUSES[clause], &topology(&nodes, &es));
        if v.verdict == Verdict::Breached {
            let cut = remedy(CLAUSES[clause], &nodes, &es);
            let after = verdict(CLAUSES[clause], &topology(&nodes, &without(&es, &cut)));
            prop_assert!(after.letter.is_some_and(|r| r.holds));
            // Single-layer forms: no smaller subset of the violating edges works.
            if clause != 1 && !cut.is_empty() {
                let all: Vec<String> = got.iter().cloned().collect();
                for mask in 0u32..(1 << all.len()) {
                    if (mask.count_ones() as usize) < cut.len() {
                        let drop: Vec<String> = (0..all.len()).filter(|i| mask & (1 << i) != 0).map(|i| all[i].clone()).collect();
                        let w = verdict(CLAUSES[clause], &topology(&nodes, &without(&es, &drop)));
                        prop_assert!(!w.letter.is_some_and(|r| r.holds), "a smaller cut {:?} exists than {:?}", drop, cut);
                    }
                }
            }
        }
    }
}
