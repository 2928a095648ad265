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

// ------------------------------------------------------------ proviso fmt

/// What an agreement means: its tree without spans and without its file.
/// The tree's equality ignores most spans but not all (`nodes` keeps its
/// range), so the trees are compared as their debug text with every byte
/// range masked.
pub fn meaning(a: &proviso::Agreement) -> String {
    let text = format!(
        "{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}",
        a.title, a.parties, a.window, a.definitions, a.counts_as, a.directions, a.clauses
    );
    mask_ranges(&text)
}

/// `172..177` becomes `_`.
fn mask_ranges(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        let start = i;
        let mut j = i;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        if j > start && b[j..].starts_with(b"..") {
            let mut k = j + 2;
            while k < b.len() && b[k].is_ascii_digit() {
                k += 1;
            }
            if k > j + 2 {
                out.push('_');
                i = k;
                continue;
            }
        }
        let c = text[i..].chars().next().unwrap();
        out.push(c);
        i += c.len_utf8();
    }
    out
}

pub fn same_meaning(a: &proviso::Agreement, b: &proviso::Agreement) -> bool {
    meaning(a) == meaning(b)
}

/// Formats `text`, checks that the result means the same and is a fixed
/// point, and returns it.
pub fn format_checked(path: &str, text: &str) -> Result<String, String> {
    let src = proviso::Source::new(path, text);
    let formatted = proviso::authoring::fmt::format(&src).map_err(|e| e.to_string())?;
    let before = proviso::parse_agreement(path, text).map_err(|e| e.to_string())?;
    let after = proviso::parse_agreement(path, &formatted)
        .map_err(|e| format!("the formatted text does not parse: {e}\n{formatted}"))?;
    if !same_meaning(&before, &after) {
        return Err(format!("the meaning changed:\n{text}\n---\n{formatted}"));
    }
    let again = proviso::authoring::fmt::format(&proviso::Source::new(path, formatted.as_str()))
        .map_err(|e| e.to_string())?;
    if again != formatted {
        return Err(format!("not idempotent:\n{formatted}\n---\n{again}"));
    }
    Ok(formatted)
}

/// Every agreement of the repository (fixtures, v1, gate, bench) keeps
/// its meaning and is a fixed point once formatted.
#[test]
fn formatting_every_fixture_keeps_its_meaning_and_is_idempotent() {
    let mut n = 0;
    insta::glob!("../../fixtures", "**/*.contract", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let rel = super::support::relative(path);
        // Agreements that are wrong on purpose are not formatted.
        if proviso::parse_agreement(&rel, &text).is_err() {
            return;
        }
        n += 1;
        if let Err(e) = format_checked(&rel, &text) {
            panic!("{rel}: {e}");
        }
    });
    assert!(n >= 8, "only {n} agreements formatted");
}

/// The layout of each fixture, as `fmt --check` shows it (a diff, exit 1).
#[test]
fn fmt_check_prints_a_diff_and_exits_1() {
    insta::glob!("../../fixtures", "contracts/*.contract", |path| {
        let rel = super::support::relative(path);
        let out = run(&["fmt", "--check", &rel]);
        insta::assert_snapshot!("fmt_check", out);
    });
}

/// Comments stay where they were (at the end of their line, or above the
/// line of the word after them), keywords go lower case, lists read
/// `a, b and c`, and the formatted file passes `--check`.
#[test]
fn fmt_rewrites_a_messy_agreement() {
    let dir = temp_dir("fmt");
    let file = dir.join("messy.contract");
    let root = env!("CARGO_MANIFEST_DIR");
    let text =
        std::fs::read_to_string(format!("{root}/fixtures/authoring/messy.contract")).unwrap();
    std::fs::write(&file, &text).unwrap();
    let f = file.to_string_lossy().to_string();
    let out = run(&["fmt", &f]);
    assert!(out.starts_with("exit: 0\n"), "{out}");
    let formatted = std::fs::read_to_string(&file).unwrap();
    insta::assert_snapshot!("fmt_messy", formatted);
    for comment in [
        "# trailing on x",
        "# about y",
        "# after heading",
        "# inside the body",
        "# end",
    ] {
        assert_eq!(
            formatted.matches(comment).count(),
            1,
            "{comment}:\n{formatted}"
        );
    }
    assert!(
        formatted.contains("in spirit, session, inference and grpc count as api"),
        "{formatted}"
    );
    assert!(run(&["fmt", "--check", &f]).starts_with("exit: 0\n"));
    format_checked("messy.contract", &text).unwrap();
}

#[test]
fn fmt_refuses_an_agreement_that_does_not_parse() {
    let out = run(&["fmt", "--check", "fixtures/bad/unknown-references.contract"]);
    assert!(out.starts_with("exit: 2\n"), "{out}");
    assert!(
        out.contains("--> fixtures/bad/unknown-references.contract:"),
        "{out}"
    );
    let none = run(&["fmt", "fixtures/topologies"]);
    assert!(none.starts_with("exit: 2\n"), "{none}");
    assert!(
        none.contains("no `.contract` file in `fixtures/topologies`"),
        "{none}"
    );
}

// ------------------------------------------------------------ help, man, completions

/// Each new command has help with examples, its own man page, and a place
/// in every shell's completions.
#[test]
fn each_command_has_help_a_man_page_and_completions() {
    for cmd in ["test", "explain", "graph", "fmt"] {
        let help = run(&[cmd, "--help"]);
        assert!(help.starts_with("exit: 0\n"), "{help}");
        assert!(help.contains("Examples:\n  proviso "), "{cmd}: {help}");
        let man = run(&["man", cmd]);
        assert!(man.starts_with("exit: 0\n"), "{man}");
        assert!(
            man.contains(&format!(".TH proviso-{cmd} 1")),
            "{cmd}: {man}"
        );
        assert!(man.contains("Examples:"), "{cmd}: {man}");
    }
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = run(&["completions", shell]);
        for flag in ["coverage", "update", "block", "explain"] {
            assert!(out.contains(flag), "{shell} lacks {flag}");
        }
    }
    let dir = temp_dir("man");
    let d = dir.to_string_lossy().to_string();
    assert!(run(&["man", "--dir", &d]).starts_with("exit: 0\n"));
    for page in [
        "proviso-test.1",
        "proviso-explain.1",
        "proviso-graph.1",
        "proviso-fmt.1",
    ] {
        assert!(dir.join(page).is_file(), "{page}");
    }
}
