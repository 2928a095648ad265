//! List- and map-valued attributes, read by both loaders.

use super::load::{Kind, from_source};
use super::{EMPTY_LIST, LIST, Topology, untag};
use crate::diag::{Diagnostic, Errors};
use crate::source::Source;

fn load(path: &str, text: &str) -> Result<Topology, Errors> {
    let kind = Kind::of_path(path).expect("a YAML or JSON path");
    from_source(&Source::new(path, text), kind)
}

fn ok(path: &str, text: &str) -> Topology {
    match load(path, text) {
        Ok(t) => t,
        Err(e) => panic!("{path} should load: {:?}", messages(&e.0)),
    }
}

fn messages(problems: &[Diagnostic]) -> Vec<String> {
    problems.iter().map(|d| d.message.clone()).collect()
}

/// The values of a node's attribute, as text, in symbol order.
fn values(t: &Topology, node: usize, name: &str) -> Vec<String> {
    let Some(a) = t.strings.get(name) else {
        return Vec::new();
    };
    t.nodes[node]
        .values(a)
        .map(|v| t.strings.resolve(v).to_string())
        .collect()
}

fn sorted(v: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = v.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}

const YAML: &str = "nodes:
  app: {kind: client, tags: [pci, phi], labels: {team: ml, env: {tier: gold}}, none: []}
  db:
    kind: store
    tags:
      - phi
edges:
  - {from: app, to: db, kind: api, ports: [443, 8443], meta: {owner: data}}
";

const JSON: &str = r#"{"nodes": {
  "app": {"kind": "client", "tags": ["pci", "phi"], "labels": {"team": "ml", "env": {"tier": "gold"}}, "none": []},
  "db": {"kind": "store", "tags": ["phi"]}
 },
 "edges": [{"from": "app", "to": "db", "kind": "api", "ports": [443, 8443], "meta": {"owner": "data"}}]}"#;

#[test]
fn lists_and_maps_load_the_same_from_yaml_and_json() {
    for (path, text) in [("t.yaml", YAML), ("t.json", JSON)] {
        let t = ok(path, text);
        let tags = t.strings.get("tags").expect("`tags` is interned");
        let app = &t.nodes[0];
        assert!(app.is_list(tags) && app.has(tags), "{path}");
        assert_eq!(app.attr(tags), None, "{path}: a list has no scalar value");
        let mut got = values(&t, 0, "tags");
        got.sort();
        assert_eq!(got, sorted(&["pci", "phi"]), "{path}");
        assert_eq!(values(&t, 1, "tags"), ["phi"], "{path}");
        // A map is flattened into dotted names, recursively.
        let team = t.strings.get("labels.team").expect("flattened name");
        let ml = app.attr(team).map(|v| t.strings.resolve(v));
        assert_eq!(ml, Some("ml"), "{path}");
        assert_eq!(values(&t, 0, "labels.env.tier"), ["gold"], "{path}");
        assert!(t.strings.get("labels").is_none_or(|l| !app.has(l)));
        // A plain attribute is one value and not a list.
        let kind = t.strings.get("kind").expect("`kind`");
        assert!(!app.is_list(kind) && app.has(kind));
        assert_eq!(values(&t, 0, "kind"), ["client"], "{path}");
        // Edges read the same way; numbers keep their text.
        let e = &t.edges[0];
        let ports = t.strings.get("ports").expect("`ports`");
        assert!(e.is_list(ports));
        let mut got: Vec<&str> = e.values(ports).map(|v| t.strings.resolve(v)).collect();
        got.sort();
        assert_eq!(got, ["443", "8443"], "{path}");
        let owner = t.strings.get("meta.owner").expect("`meta.owner`");
        assert_eq!(e.attr(owner).map(|v| t.strings.resolve(v)), Some("data"));
    }
}

#[test]
fn attrs_are_sorted_and_list_values_tagged() {
    for (path, text) in [("t.yaml", YAML), ("t.json", JSON)] {
        let t = ok(path, text);
        for n in &t.nodes {
            assert!(n.attrs.windows(2).all(|w| w[0] < w[1]), "{path}: sorted");
        }
        let tags = t.strings.get("tags").expect("`tags`");
        let app = &t.nodes[0];
        let tagged: Vec<_> = app.attrs.iter().filter(|(n, _)| *n == tags).collect();
        assert_eq!(tagged.len(), 2);
        assert!(
            tagged
                .iter()
                .all(|(_, v)| v & LIST != 0 && *v != EMPTY_LIST)
        );
        let phi = t.strings.get("phi").expect("`phi`");
        assert!(tagged.iter().any(|(_, v)| untag(*v) == phi));
    }
}

#[test]
fn an_empty_list_is_present_with_no_values() {
    for (path, text) in [("t.yaml", YAML), ("t.json", JSON)] {
        let t = ok(path, text);
        let none = t.strings.get("none").expect("`none` is interned");
        let app = &t.nodes[0];
        assert!(app.has(none) && app.is_list(none), "{path}");
        assert_eq!(app.values(none).count(), 0, "{path}");
        assert_eq!(app.attr(none), None);
        let pairs: Vec<_> = app.attrs.iter().filter(|(n, _)| *n == none).collect();
        assert_eq!(pairs, [&(none, EMPTY_LIST)], "{path}: one EMPTY_LIST pair");
    }
}

#[test]
fn a_flattened_name_beside_the_same_literal_key_is_a_duplicate_naming_both_places() {
    let cases = [
        (
            "t.yaml",
            "nodes:\n  app: {labels: {team: ml}, \"labels.team\": x}\n",
        ),
        (
            "t.json",
            r#"{"nodes": {"app": {"labels.team": "x", "labels": {"team": "ml"}}}}"#,
        ),
        (
            "t.yaml",
            "nodes:\n  a: {}\nedges:\n  - {from: a, to: a, kind: api, m: {k: 1}, m.k: 2}\n",
        ),
    ];
    for (path, text) in cases {
        let problems = load(path, text).expect_err("a duplicate name").0;
        assert_eq!(problems.len(), 1, "{path}: {:?}", messages(&problems));
        let d = &problems[0];
        assert!(
            d.message.contains("`labels.team` is given twice")
                || d.message.contains("`m.k` is given twice"),
            "{}",
            d.message
        );
        let again = d.primary.as_ref().expect("located");
        let first = d.secondary.first().expect("the first place too");
        let at = |l: &crate::diag::Label| text[l.span.clone()].to_string();
        let both = [at(first), at(again)];
        assert!(
            both == ["team", "\"labels.team\""]
                || both == ["\"labels.team\"", "team"]
                || both == ["labels.team", "team"]
                || both == ["k", "m.k"],
            "{path}: {both:?}"
        );
        assert!(first.span.start < again.span.start);
    }
}

#[test]
fn a_list_or_map_inside_a_list_is_a_located_wrong_kind() {
    let cases = [
        ("t.yaml", "nodes:\n  app: {tags: [a, [b]]}\n", "a list"),
        ("t.yaml", "nodes:\n  app: {tags: [a, {b: c}]}\n", "a map"),
        (
            "t.json",
            r#"{"nodes": {"app": {"tags": ["a", ["b"]]}}}"#,
            "a list",
        ),
        (
            "t.json",
            r#"{"nodes": {"app": {"tags": [{"b": "c"}]}}}"#,
            "a map",
        ),
    ];
    for (path, text, found) in cases {
        let problems = load(path, text).expect_err("a list in a list").0;
        assert_eq!(problems.len(), 1, "{path}: {:?}", messages(&problems));
        let d = &problems[0];
        assert_eq!(
            d.message,
            format!(
                "expected a plain value (text, number or boolean) for each element of attribute `tags` of node `app`, found {found}"
            )
        );
        let at = d.primary.as_ref().expect("located").span.clone();
        assert_eq!(text[at].trim_matches('"'), "tags", "{path}");
    }
}

#[test]
fn repeated_list_elements_are_kept_once() {
    let t = ok("t.yaml", "nodes:\n  app: {tags: [a, b, a]}\n");
    assert_eq!(values(&t, 0, "tags"), ["a", "b"]);
}

/// The tables keyed by a file's strings are seeded per table: with an
/// unkeyed hash (FxHash) a pull request could bring node ids or values
/// chosen to collide, and loading would go quadratic.
#[test]
fn tables_keyed_by_the_files_text_hash_with_a_seed_of_their_own() {
    use std::hash::BuildHasher;
    let keys: Vec<String> = (0..8).map(|i| format!("node-{i}")).collect();
    let differ =
        |a: &dyn Fn(&str) -> u64, b: &dyn Fn(&str) -> u64| keys.iter().any(|k| a(k) != b(k));
    let (x, y) = (super::Interner::default(), super::Interner::default());
    assert!(differ(&|k| x.ids.hasher().hash_one(k), &|k| y
        .ids
        .hasher()
        .hash_one(k)));
    let (x, y) = (
        super::index::NodeIndex::of(&[]),
        super::index::NodeIndex::of(&[]),
    );
    assert!(differ(&|k| x.hash(k), &|k| y.hash(k)));
}
