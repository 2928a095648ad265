//! The authoring commands: `proviso test`, `explain`, `graph` and `fmt`,
//! through the binary, each output snapshot with its exit code.

use super::support::{AS_OF, run, temp_dir};

const FRONTIER: &str = "fixtures/topologies/frontier-on-aws.yaml";
const ROUTED: &str = "fixtures/topologies/azure-routed.yaml";

// ------------------------------------------------------------ proviso test

/// The fixtures' expected verdicts live in fixtures/tests; every case
/// passes, so a change in any verdict of any fixture fails here.
#[test]
fn the_fixtures_expected_verdicts_hold() {
    let out = run(&["test", "fixtures/tests"]);
    assert!(out.starts_with("exit: 0\n"), "{out}");
    insta::assert_snapshot!("test_fixtures_human", out);
}

#[test]
fn the_fixtures_test_run_as_junit_with_coverage() {
    let out = run(&["test", "fixtures/tests", "--format", "junit", "--coverage"]);
    assert!(out.starts_with("exit: 0\n"), "{out}");
    insta::assert_snapshot!("test_fixtures_junit", out);
}

#[test]
fn coverage_lists_clauses_never_seen_failing() {
    let out = run(&["test", "fixtures/tests", "--coverage"]);
    assert!(
        out.contains("coverage of fixtures/contracts/azure-openai.contract: 7 of 13 clauses"),
        "{out}"
    );
    assert!(out.contains("  5.2: never seen failing"), "{out}");
    assert!(out.contains("  W1: never judged in force"), "{out}");
}

/// A failing case prints each expectation against the actual, at the
/// expectation's line, with the witness; the run exits 1.
#[test]
fn a_failing_case_reads_like_a_diff() {
    let out = run(&["test", "fixtures/authoring/failing.proviso-test.yaml"]);
    assert!(out.starts_with("exit: 1\n"), "{out}");
    assert!(out.contains("fixtures/authoring/failing.proviso-test.yaml:9:14: clause 4.2\n  - expected: holds\n  + actual:   contested\n"), "{out}");
    insta::assert_snapshot!("test_failing_human", out);
    let junit = run(&[
        "test",
        "fixtures/authoring/failing.proviso-test.yaml",
        "--format",
        "junit",
    ]);
    assert!(junit.starts_with("exit: 1\n"), "{junit}");
    insta::assert_snapshot!("test_failing_junit", junit);
}

/// `--update` rewrites the values, keeps every comment and the key order,
/// and the next run passes.
#[test]
fn update_rewrites_expectations_and_keeps_comments() {
    let dir = temp_dir("update");
    let root = env!("CARGO_MANIFEST_DIR");
    let text = std::fs::read_to_string(format!(
        "{root}/fixtures/authoring/failing.proviso-test.yaml"
    ))
    .unwrap()
    .replace("../contracts/", &format!("{root}/fixtures/contracts/"))
    .replace("../topologies/", &format!("{root}/fixtures/topologies/"));
    let file = dir.join("t.proviso-test.yaml");
    std::fs::write(&file, &text).unwrap();
    let file_s = file.to_string_lossy().to_string();
    let out = run(&["test", &file_s, "--update"]);
    assert!(out.starts_with("exit: 0\n"), "{out}");
    let updated = std::fs::read_to_string(&file).unwrap();
    let rel = updated.replace(root, "ROOT");
    insta::assert_snapshot!("test_updated_file", rel);
    for comment in [
        "# Expectations that do not hold",
        "# it exits 1: 4.4 is breached",
        "# contested",
    ] {
        assert!(updated.contains(comment), "{comment} lost:\n{updated}");
    }
    assert!(updated.contains("\"4.2\": contested"), "{updated}");
    let again = run(&["test", &file_s]);
    assert!(again.starts_with("exit: 0\n"), "{again}");
    // Nothing left to change: a second update leaves the file alone.
    let _ = run(&["test", &file_s, "--update"]);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), updated);
}

/// A case with only a topology gets its verdicts and witnesses written.
#[test]
fn update_fills_a_new_case() {
    let dir = temp_dir("update-new");
    let root = env!("CARGO_MANIFEST_DIR");
    let file = dir.join("new.proviso-test.yaml");
    std::fs::write(
        &file,
        format!(
            "# a new case\nagreement: {root}/fixtures/contracts/phi-data.contract\nas_of: {AS_OF}\ncases:\n  - name: new\n    topology: {root}/fixtures/topologies/phi-read.yaml\n"
        ),
    )
    .unwrap();
    let file_s = file.to_string_lossy().to_string();
    let first = run(&["test", &file_s]);
    assert!(
        first.starts_with("exit: 0\n"),
        "a case without expectations passes: {first}"
    );
    let _ = run(&["test", &file_s, "--update"]);
    let updated = std::fs::read_to_string(&file)
        .unwrap()
        .replace(root, "ROOT");
    assert_eq!(
        updated,
        format!(
            "# a new case\nagreement: ROOT/fixtures/contracts/phi-data.contract\nas_of: {AS_OF}\ncases:\n  - name: new\n    topology: ROOT/fixtures/topologies/phi-read.yaml\n    exit: 1\n    verdicts:\n      \"P1\": breached\n      \"P2\": breached\n    witnesses:\n      \"P1\": [[phi-store, billing], [phi-store, billing, ledger], [phi-store, mirror]]\n      \"P2\": [[billing, phi-store]]\n"
        )
    );
    assert!(run(&["test", &file_s]).starts_with("exit: 0\n"));
}

/// A clause that holds only because its set is empty fails the case;
/// listing it under `vacuous` says the case means it.
#[test]
fn a_vacuous_pass_fails_unless_the_case_allows_it() {
    let out = run(&["test", "fixtures/authoring/vacuous.proviso-test.yaml"]);
    assert!(out.starts_with("exit: 1\n"), "{out}");
    assert!(
        out.contains("+ actual:   holds vacuously\n      its targets `models` select no node"),
        "{out}"
    );
    assert!(
        out.contains(
            "ok   fixtures/authoring/vacuous.proviso-test.yaml:15:5 case \"the same, meant\""
        ),
        "{out}"
    );
    insta::assert_snapshot!("test_vacuous", out);
}

/// Mistakes in a test file are located errors (exit 2), with the nearest
/// key, verdict, clause or reading.
#[test]
fn mistakes_in_test_files_are_located_errors() {
    insta::glob!(
        "../../fixtures",
        "authoring/wrong/*.proviso-test.yaml",
        |path| {
            let file = super::support::relative(path);
            let out = run(&["test", &file]);
            assert!(out.starts_with("exit: 2\n"), "{out}");
            insta::assert_snapshot!("test_wrong", out);
        }
    );
}

#[test]
fn a_directory_without_test_files_is_an_error() {
    let out = run(&["test", "fixtures/contracts"]);
    assert!(out.starts_with("exit: 2\n"), "{out}");
    assert!(
        out.contains("no test file in `fixtures/contracts`"),
        "{out}"
    );
}

// ------------------------------------------------------------ proviso explain

/// The seed dispute explained, in words and as JSON: the sets, each
/// reading's kinds with the line that adds them, the failing spirit's
/// witness and the holding letter's cut through the gateway.
#[test]
fn explain_the_seed_dispute() {
    let human = run(&["explain", "4.2", FRONTIER, "--as-of", AS_OF]);
    assert!(human.starts_with("exit: 0\n"), "{human}");
    assert!(
        human.contains("    session counts as api by line 19\n"),
        "{human}"
    );
    assert!(
        human.contains("  the letter: 2 edges lie on paths from S to T, and every such path passes this one (no fewer edges would do):\n    enterprise-app --api--> azure-gateway"),
        "{human}"
    );
    insta::assert_snapshot!("explain_human", human);
    let json = run(&[
        "explain", "4.2", FRONTIER, "--as-of", AS_OF, "--format", "json",
    ]);
    assert!(json.starts_with("exit: 0\n"), "{json}");
    insta::assert_snapshot!("explain_json", json);
}

/// Each fixture clause explained (one snapshot per form and verdict).
#[test]
fn explain_every_form() {
    for (clause, topology) in [
        ("4.4", "fixtures/topologies/direct-aws-api.yaml"),
        ("4.6", ROUTED),
        ("7.4", ROUTED),
        ("9.2", FRONTIER),
        ("P1", "fixtures/topologies/phi-read.yaml"),
        ("I3", "fixtures/topologies/all-forms.yaml"),
        ("W1", "fixtures/topologies/all-forms.yaml"),
    ] {
        let out = run(&["explain", clause, topology, "--as-of", AS_OF]);
        assert!(out.starts_with("exit: 0\n"), "{out}");
        insta::assert_snapshot!(format!("explain_{clause}"), out);
    }
    let json = run(&[
        "explain",
        "4.4",
        "fixtures/topologies/direct-aws-api.yaml",
        "--as-of",
        AS_OF,
        "--format",
        "json",
    ]);
    insta::assert_snapshot!("explain_breached_json", json);
}

/// A holding `route via` is shown by its cut: every path from the
/// customers to the models passes the gateway.
#[test]
fn explain_shows_why_a_route_clause_holds() {
    let out = run(&["explain", "4.2", ROUTED, "--as-of", AS_OF]);
    assert!(
        out.contains("in short: every path from customers to models under the letter passes enterprise-app --api--> azure-gateway (waypoints on them: azure-gateway)"),
        "{out}"
    );
}

#[test]
fn explain_errors_are_located() {
    let unknown = run(&["explain", "4.22", FRONTIER]);
    assert!(unknown.starts_with("exit: 2\n"), "{unknown}");
    assert!(unknown.contains("help: did you mean `4.2`?"), "{unknown}");
    let permission = run(&["explain", "4.8", FRONTIER]);
    assert!(permission.starts_with("exit: 2\n"), "{permission}");
    insta::assert_snapshot!("explain_permission", permission);
    let no_agreement = run(&["explain", "1", "fixtures/bad/duplicate-node.yaml"]);
    assert!(no_agreement.starts_with("exit: 2\n"), "{no_agreement}");
    let block = run(&["explain", "4.2", FRONTIER, "--block", "2"]);
    assert!(
        block.contains("`--block` picks a block of a Markdown doc"),
        "{block}"
    );
}

/// `check --explain` adds one "why" line under each verdict of the human view.
#[test]
fn check_explain_adds_a_why_line() {
    let out = run(&["check", FRONTIER, "--as-of", AS_OF, "--explain"]);
    assert!(out.starts_with("exit: 1\n"), "{out}");
    assert!(
        out.contains("  why: the spirit fails: enterprise-app --session--> frontier-runtime --inference--> gpt-frontier\n"),
        "{out}"
    );
    insta::assert_snapshot!("check_explain_human", out);
    // The JSON report does not change.
    let plain = run(&["check", FRONTIER, "--as-of", AS_OF, "--format", "json"]);
    let explained = run(&[
        "check",
        FRONTIER,
        "--as-of",
        AS_OF,
        "--format",
        "json",
        "--explain",
    ]);
    assert_eq!(plain, explained);
}

// ------------------------------------------------------------ proviso graph

/// Every fixture drawn in both formats, and the seed dispute for clause
/// 4.2 (sets coloured, the spirit's witness red) and 4.4 (the cut).
#[test]
fn graph_every_fixture_in_both_formats() {
    insta::glob!("../../fixtures", "topologies/*.yaml", |path| {
        let path = super::support::relative(path);
        let dot = run(&["graph", &path]);
        assert!(dot.starts_with("exit: 0\n"), "{dot}");
        insta::assert_snapshot!("graph_dot", dot);
        let mermaid = run(&["graph", &path, "--format", "mermaid"]);
        insta::assert_snapshot!("graph_mermaid", mermaid);
    });
    for (clause, topology) in [
        ("4.2", FRONTIER),
        ("4.4", "fixtures/topologies/direct-aws-api.yaml"),
    ] {
        for format in ["dot", "mermaid"] {
            let out = run(&[
                "graph", topology, "--clause", clause, "--as-of", AS_OF, "--format", format,
            ]);
            assert!(out.starts_with("exit: 0\n"), "{out}");
            insta::assert_snapshot!(format!("graph_{clause}_{format}"), out);
        }
    }
}

/// Hostile ids cannot break out of a label in either format.
#[test]
fn graph_labels_are_escaped() {
    let dir = temp_dir("graph-hostile");
    let file = dir.join("h.yaml");
    std::fs::write(
        &file,
        "nodes:\n  'a\"] -> x; evil [label=\"': {kind: app}\n  'b|c<script>``#': {kind: app}\nedges:\n  - {from: 'a\"] -> x; evil [label=\"', to: 'b|c<script>``#', kind: k}\n",
    )
    .unwrap();
    let f = file.to_string_lossy().to_string();
    let dot = run(&["graph", &f]);
    assert!(
        dot.contains("n0 [label=\"a\\\"] -> x; evil [label=\\\"\"];"),
        "{dot}"
    );
    let mermaid = run(&["graph", &f, "--format", "mermaid"]);
    assert!(
        mermaid.contains("n1[\"b#124;c#lt;script#gt;#96;#96;#35;\"]"),
        "{mermaid}"
    );
}

#[test]
fn graph_errors_are_located() {
    let out = run(&["graph", FRONTIER, "--clause", "4.22"]);
    assert!(out.starts_with("exit: 2\n"), "{out}");
    assert!(out.contains("did you mean `4.2`?"), "{out}");
    let missing = run(&["graph", "fixtures/topologies/nowhere.yaml"]);
    assert!(missing.starts_with("exit: 2\n"), "{missing}");
}
