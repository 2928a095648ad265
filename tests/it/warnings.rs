//! Warnings worth reading: typo signals per topology, absences judged over
//! the whole run, coverage of edge kinds, acknowledgements, `--strict`.

use std::path::Path;

use crate::support::{AS_OF, outcome, proviso, temp_dir};

/// Every path clause names its kind, so edges of other kinds escape them.
const AGREEMENT: &str = "\
define models as nodes where kind = model
define azure as nodes where cloud = azure
define probes as nodes where kind = probe
define customers as nodes where zone = external
clause 1: api access from customers to models must route via azure
clause 2: data from customers must stay within azure
clause 3: probes must have cloud = azure
";

const PLAIN: &str = "\
nodes:
  app: {kind: client, zone: external}
  gw: {kind: gateway, cloud: azure}
  gpt: {kind: model, cloud: azure}
edges:
  - {from: app, to: gw, kind: api}
  - {from: gw, to: gpt, kind: api}
  - {from: app, to: gw, kind: data}
";

const WITH_PROBE: &str = "\
nodes:
  app: {kind: client, zone: external}
  gw: {kind: gateway, cloud: azure}
  gpt: {kind: model, cloud: azure}
  p: {kind: probe, cloud: azure}
edges:
  - {from: app, to: gw, kind: api}
  - {from: gw, to: gpt, kind: api}
  - {from: app, to: gw, kind: data}
";

fn tree(name: &str, files: &[(&str, &str)]) -> std::path::PathBuf {
    let dir = temp_dir(name);
    for (path, text) in files {
        let p = dir.join(path);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("a directory can be made");
        }
        std::fs::write(p, text).expect("a file can be written");
    }
    dir
}

fn check_in(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = proviso()
        .current_dir(dir)
        .args(["check", "--agreement", "a.contract", "--as-of", AS_OF])
        .args(args)
        .output()
        .expect("the proviso binary runs");
    (out.status.code().unwrap_or(-1), outcome(&out))
}

#[test]
fn a_definition_no_topology_of_the_run_uses_is_one_warning_for_the_run() {
    let dir = tree(
        "unused-all",
        &[
            ("a.contract", AGREEMENT),
            ("one.yaml", PLAIN),
            ("two.yaml", PLAIN),
        ],
    );
    let (code, out) = check_in(&dir, &["one.yaml", "two.yaml", "--strict"]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(
        out.matches("warning[unused-definition:probes]: definition `probes` matches no node in any of the 2 topologies checked against `a.contract`").count(),
        1,
        "{out}"
    );
}

#[test]
fn a_definition_used_by_one_topology_gives_no_warning_and_a_verbose_note_for_the_others() {
    let dir = tree(
        "unused-some",
        &[
            ("a.contract", AGREEMENT),
            ("one.yaml", PLAIN),
            ("two.yaml", WITH_PROBE),
        ],
    );
    let (code, out) = check_in(&dir, &["one.yaml", "two.yaml", "--strict", "--verbose"]);
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains("warning["), "{out}");
    assert!(
        out.contains("note: definition `probes` matches no node in `one.yaml` (another topology of this run uses it)"),
        "{out}"
    );
    let (_, quiet) = check_in(&dir, &["one.yaml", "two.yaml"]);
    assert!(!quiet.contains("note:"), "{quiet}");
}

#[test]
fn a_value_differing_only_in_case_is_a_warning_naming_the_node_and_topology() {
    let topo = PLAIN.replace("gpt: {kind: model", "gpt: {kind: Model");
    let dir = tree("case", &[("a.contract", AGREEMENT), ("d.yaml", &topo)]);
    let (code, out) = check_in(&dir, &["d.yaml", "--strict"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("warning[look-alike:kind=model]: node `gpt` has kind `Model`, which is not `model`: it differs only in case, in `d.yaml`"),
        "{out}"
    );
}

#[test]
fn a_zero_width_space_in_a_value_is_a_warning_that_shows_it() {
    let topo = PLAIN.replace(
        "gw: {kind: gateway, cloud: azure}",
        "gw: {kind: gateway, cloud: \"azure\\u200b\"}",
    );
    let dir = tree("zwsp", &[("a.contract", AGREEMENT), ("d.yaml", &topo)]);
    let (code, out) = check_in(&dir, &["d.yaml", "--strict"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("warning[look-alike:cloud=azure]: node `gw` has cloud `azure\\u{200b}`, which is not `azure`: it holds an invisible U+200B (zero-width space), in `d.yaml`"),
        "{out}"
    );
}

#[test]
fn a_cyrillic_letter_in_a_value_is_a_homoglyph_warning() {
    let topo = PLAIN.replace(
        "gw: {kind: gateway, cloud: azure}",
        "gw: {kind: gateway, cloud: \u{0430}zure}",
    );
    let dir = tree("cyrillic", &[("a.contract", AGREEMENT), ("d.yaml", &topo)]);
    let (code, out) = check_in(&dir, &["d.yaml", "--strict"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("which is not `azure`: it holds the Cyrillic letter U+0430, which looks like `a`, in `d.yaml`"),
        "{out}"
    );
}

#[test]
fn a_kind_declared_to_move_data_that_no_edge_has_is_a_typo_warning() {
    let agreement = format!("data moves against the call over dta\n{AGREEMENT}");
    let dir = tree(
        "direction-typo",
        &[("a.contract", &agreement), ("d.yaml", PLAIN)],
    );
    let (code, out) = check_in(&dir, &["d.yaml", "--strict"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("warning[unused-kind:dta]: no edge has kind `dta` in `d.yaml`"),
        "{out}"
    );
    assert!(out.contains("did you mean `data`?"), "{out}");
}

#[test]
fn an_edge_kind_no_clause_mentions_is_a_coverage_warning_with_its_edges() {
    let topo = format!(
        "{PLAIN}  - {{from: app, to: gpt, kind: etl}}\n  - {{from: gw, to: gpt, kind: etl}}\n  - {{from: app, to: gw, kind: etl}}\n  - {{from: gpt, to: app, kind: etl}}\n"
    );
    let dir = tree("coverage", &[("a.contract", AGREEMENT), ("d.yaml", &topo)]);
    let (code, out) = check_in(&dir, &["d.yaml", "--strict"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("warning[uncovered-kind:etl]: 4 edges of kind `etl` in `d.yaml` escape every kind-specific clause: `app --etl--> gpt` at d.yaml:9:5, `gw --etl--> gpt` at d.yaml:10:5, `app --etl--> gw` at d.yaml:11:5 and 1 more"),
        "{out}"
    );
}

#[test]
fn an_acknowledged_warning_is_listed_as_acknowledged_and_does_not_fail_strict() {
    let dir = tree(
        "ack",
        &[
            ("a.contract", AGREEMENT),
            ("d.yaml", PLAIN),
            (
                "proviso.toml",
                "[warnings]\nacknowledge = [\"unused-definition:probes\"]\n",
            ),
        ],
    );
    let (code, out) = check_in(&dir, &["d.yaml", "--strict"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("acknowledged[unused-definition:probes]"),
        "{out}"
    );
    assert!(out.contains("= acknowledged at proviso.toml:2:16"), "{out}");
}

#[test]
fn an_acknowledgement_that_matches_no_warning_is_a_warning() {
    let dir = tree(
        "ack-unused",
        &[
            ("a.contract", AGREEMENT),
            ("d.yaml", WITH_PROBE),
            (
                "proviso.toml",
                "[warnings]\nacknowledge = [\"unused-definition:probes\"]\n",
            ),
        ],
    );
    let (code, out) = check_in(&dir, &["d.yaml", "--strict"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("warning[unused-acknowledgement:unused-definition:probes]: the acknowledgement `unused-definition:probes` matches no warning of this run"),
        "{out}"
    );
}

#[test]
fn strict_passes_on_the_compliant_fixtures() {
    let out = proviso()
        .args([
            "check",
            "fixtures/topologies/azure-routed.yaml",
            "--as-of",
            AS_OF,
            "--strict",
        ])
        .output()
        .expect("the proviso binary runs");
    assert_eq!(out.status.code(), Some(0), "{}", outcome(&out));
    // The compliant block of the gate's doc, on its own, under the repo's
    // configuration (which acknowledges what a single design lacks).
    let doc = std::fs::read_to_string("fixtures/gate/repo/docs/arch.md").expect("the doc exists");
    let start = doc.find("```yaml proviso").expect("a block");
    let end = start + doc[start..].find("\n```\n").expect("its end") + 5;
    let block =
        doc[start..end].replace("agreement: ../../../contracts/azure-openai.contract\n", "");
    let dir = tree("compliant-block", &[("option-a.md", &block)]);
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/gate/repo/proviso.toml");
    let agreement =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/contracts/azure-openai.contract");
    let out = proviso()
        .current_dir(&dir)
        .args([
            "check",
            "option-a.md",
            "--as-of",
            AS_OF,
            "--strict",
            "--config",
        ])
        .arg(&config)
        .arg("--agreement")
        .arg(&agreement)
        .output()
        .expect("the proviso binary runs");
    assert_eq!(out.status.code(), Some(0), "{}", outcome(&out));
}

#[test]
fn a_doc_of_several_blocks_gives_few_warnings_each_naming_its_topology() {
    let out = proviso()
        .args([
            "check",
            "fixtures/gate/repo/docs/arch.md",
            "--as-of",
            AS_OF,
            "--format",
            "github",
        ])
        .output()
        .expect("the proviso binary runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let warnings: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("::warning") && l.contains("proviso warning"))
        .collect();
    assert!(warnings.len() <= 4, "{text}");
    for w in warnings {
        assert!(
            w.contains("checked against `fixtures/contracts/azure-openai.contract`")
                || w.contains("arch.md#"),
            "{w}"
        );
    }
}

/// An agreement testing edge attributes, numbers and a list.
const VALUES_AGREEMENT: &str = "\
define models as nodes where kind = model
define customers as nodes where zone = external
define big as nodes where gpus >= 8
define tagged as nodes where tags = phi
clause 1: api access where stateful != true from customers to models must route via models
clause 2: big must have kind = model
clause 3: tagged must have kind = model
clause 4: at least 50% of models by gpus must have zone = internal
";

const VALUES_TOPOLOGY: &str = "\
nodes:
  app: {kind: client, zone: external}
  gpt: {kind: model, zone: internal, gpus: eight, tags: [phi, pci]}
edges:
  - {from: app, to: gpt, kind: api, statefull: false}
";

fn values_check(name: &str, agreement: &str, topology: &str) -> (i32, String) {
    let dir = tree(name, &[("a.contract", agreement), ("d.yaml", topology)]);
    check_in(&dir, &["d.yaml"])
}

#[test]
fn an_edge_condition_attribute_no_edge_has_is_a_typo_warning_with_did_you_mean() {
    let (_, out) = values_check(
        "an_edge_condition_attribute_no_edge_has_",
        VALUES_AGREEMENT,
        VALUES_TOPOLOGY,
    );
    assert!(
        out.contains(
            "warning[unknown-edge-attribute:stateful]: no edge has attribute `stateful` in `d.yaml`"
        ),
        "{out}"
    );
    assert!(out.contains("did you mean `statefull`?"), "{out}");
    assert!(out.contains("a.contract:5:28"), "{out}");
}

#[test]
fn an_edge_attribute_absent_from_every_topology_is_a_run_warning() {
    let topology = VALUES_TOPOLOGY.replace(", statefull: false", "");
    let (_, out) = values_check(
        "an_edge_attribute_absent_from_every_topo",
        VALUES_AGREEMENT,
        &topology,
    );
    assert!(
        out.contains("warning[unknown-edge-attribute:stateful]: no edge has attribute `stateful` in `d.yaml`, the only topology checked"),
        "{out}"
    );
}

#[test]
fn an_edge_value_near_one_the_edges_have_is_a_typo_warning() {
    let agreement = VALUES_AGREEMENT.replace("stateful != true", "statefull = flase");
    let (_, out) = values_check(
        "an_edge_value_near_one_the_edges_have_is",
        &agreement,
        VALUES_TOPOLOGY,
    );
    assert!(
        out.contains(
            "warning[near-miss-edge:statefull=flase]: no edge has statefull `flase` in `d.yaml`"
        ),
        "{out}"
    );
    assert!(out.contains("did you mean `false`?"), "{out}");
}

#[test]
fn a_number_test_on_a_value_that_is_not_a_number_is_a_located_warning() {
    let (_, out) = values_check(
        "a_number_test_on_a_value_that_is_not_a_n",
        VALUES_AGREEMENT,
        VALUES_TOPOLOGY,
    );
    assert!(
        out.contains("warning[not-a-number:node:gpus]: node `gpt` (d.yaml:3:3) has gpus `eight` in `d.yaml`, which is not a number"),
        "{out}"
    );
    // Both places: the test in the agreement and the node in the topology.
    assert!(out.contains("a.contract:3:27"), "{out}");
    assert!(out.contains("`gpus >= ...` is false for it"), "{out}");
}

#[test]
fn a_weight_that_is_not_a_number_is_a_warning_that_it_counts_as_zero() {
    let agreement = VALUES_AGREEMENT
        .replace("define big as nodes where gpus >= 8\n", "")
        .replace("clause 2: big must have kind = model\n", "");
    let (_, out) = values_check(
        "a_weight_that_is_not_a_number_is_a_warni",
        &agreement,
        VALUES_TOPOLOGY,
    );
    assert!(out.contains("warning[not-a-number:node:gpus]"), "{out}");
    assert!(
        out.contains("a share weighed by `gpus` counts the node as 0"),
        "{out}"
    );
}

#[test]
fn equals_on_a_list_attribute_is_a_warning_suggesting_contains() {
    let (_, out) = values_check(
        "equals_on_a_list_attribute_is_a_warning_",
        VALUES_AGREEMENT,
        VALUES_TOPOLOGY,
    );
    assert!(
        out.contains("warning[equals-on-list:node:tags]: node `gpt` (d.yaml:3:3) holds `tags` as a list in `d.yaml`"),
        "{out}"
    );
    assert!(out.contains("write `tags contains phi`"), "{out}");
}

#[test]
fn numbers_and_scalars_where_they_belong_give_none_of_these_warnings() {
    let topology = VALUES_TOPOLOGY
        .replace("gpus: eight, tags: [phi, pci]", "gpus: 8, tags: phi")
        .replace("statefull", "stateful");
    let (_, out) = values_check(
        "numbers_and_scalars_where_they_belong_gi",
        VALUES_AGREEMENT,
        &topology,
    );
    for code in [
        "not-a-number",
        "equals-on-list",
        "unknown-edge-attribute",
        "near-miss-edge",
    ] {
        assert!(!out.contains(code), "{code}: {out}");
    }
}
