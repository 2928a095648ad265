//! The CI gate through the binary: discovery of files, directories, globs
//! and Markdown docs; waivers; baselines; completions and the man page.
//! Each snapshot holds the exit code, stdout and stderr.

use super::support::{AS_OF, exit_code, run};

const FRONTIER: &str = "fixtures/gate/repo/frontier.yaml";
const ARCH: &str = "fixtures/gate/repo/docs/arch.md";

fn check(extra: &[&str]) -> String {
    let mut args = vec!["check", "--as-of", AS_OF];
    args.extend_from_slice(extra);
    run(&args)
}

/// Only the lines that say what was checked and how it ended, for
/// snapshots of runs whose full report is snapshot elsewhere.
fn outline(out: &str) -> String {
    out.lines()
        .filter(|l| {
            l.starts_with("exit:")
                || l.starts_with("note:")
                || l.starts_with("fixtures/")
                || l.starts_with("summary:")
                || l.starts_with("error")
                || l.starts_with("warning: no topology")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_directory_checks_topologies_and_docs_and_skips_the_rest() {
    let out = check(&["fixtures/gate/repo", "--verbose"]);
    insta::assert_snapshot!(outline(&out), @"
    exit: 1
    fixtures/gate/repo/.hidden/checked.yaml (Hidden but checked)
    summary: 13 hold, 0 breached, 0 contested, 0 not in force; 0 warnings
    fixtures/gate/repo/docs/arch.md#1 (Option A)
    summary: 13 hold, 0 breached, 0 contested, 0 not in force; 0 warnings
    fixtures/gate/repo/docs/arch.md#2 (Option B)
    summary: 7 hold, 6 breached, 0 contested, 0 not in force; 0 warnings
    fixtures/gate/repo/frontier.yaml (Frontier on an AWS stateful runtime)
    summary: 8 hold, 1 breached, 4 contested, 0 not in force; 0 warnings
    note: skipped `fixtures/gate/repo/ci.yml`: its top level has no `nodes`
    note: skipped `fixtures/gate/repo/docs/notes.md`: no ```proviso or ```yaml proviso block
    note: definition `runtimes` matches no node in `fixtures/gate/repo/docs/arch.md#1` (another topology of this run uses it)
    note: no edge has kind `session` in `fixtures/gate/repo/docs/arch.md#1` (another topology of this run uses it)
    note: no edge has kind `inference` in `fixtures/gate/repo/docs/arch.md#1` (another topology of this run uses it)
    note: no edge has kind `telemetry` in `fixtures/gate/repo/docs/arch.md#1` (another topology of this run uses it)
    note: definition `azure_api` matches no node in `fixtures/gate/repo/docs/arch.md#2` (another topology of this run uses it)
    note: definition `runtimes` matches no node in `fixtures/gate/repo/docs/arch.md#2` (another topology of this run uses it)
    note: no edge has kind `session` in `fixtures/gate/repo/docs/arch.md#2` (another topology of this run uses it)
    note: no edge has kind `inference` in `fixtures/gate/repo/docs/arch.md#2` (another topology of this run uses it)
    note: no edge has kind `telemetry` in `fixtures/gate/repo/docs/arch.md#2` (another topology of this run uses it)
    note: no edge has kind `telemetry` in `fixtures/gate/repo/frontier.yaml` (another topology of this run uses it)
    note: no edge has attribute `stateful` in `fixtures/gate/repo/frontier.yaml` (another topology of this run uses it)
    ");
    // A hidden directory is no hiding place: its topology is checked.
    assert!(
        out.contains("fixtures/gate/repo/.hidden/checked.yaml (Hidden but checked)"),
        "{out}"
    );
}

#[test]
fn without_verbose_skips_are_silent() {
    let out = check(&["fixtures/gate/repo"]);
    assert!(!out.contains("note: skipped"), "{out}");
}

#[test]
fn a_glob_picks_files_in_sorted_order() {
    let out = check(&["fixtures/gate/repo/**/*.md", "--verbose"]);
    insta::assert_snapshot!(outline(&out), @"
    exit: 1
    fixtures/gate/repo/docs/arch.md#1 (Option A)
    summary: 13 hold, 0 breached, 0 contested, 0 not in force; 0 warnings
    fixtures/gate/repo/docs/arch.md#2 (Option B)
    summary: 7 hold, 6 breached, 0 contested, 0 not in force; 0 warnings
    note: skipped `fixtures/gate/repo/docs/notes.md`: no ```proviso or ```yaml proviso block
    note: definition `azure_api` matches no node in `fixtures/gate/repo/docs/arch.md#2` (another topology of this run uses it)
    ");
    let yaml = check(&["fixtures/gate/*/*.yaml", "--verbose"]);
    insta::assert_snapshot!(outline(&yaml), @"
    exit: 1
    fixtures/gate/default-waivers/design.yaml
    summary: 1 hold, 1 breached, 0 contested, 0 not in force; 0 warnings; 1 finding waived
    fixtures/gate/repo/frontier.yaml (Frontier on an AWS stateful runtime)
    summary: 8 hold, 1 breached, 4 contested, 0 not in force; 0 warnings
    note: skipped `fixtures/gate/default-waivers/proviso-waivers.yaml`: its top level has no `nodes`
    note: skipped `fixtures/gate/errors/waivers-bad-date.yaml`: its top level has no `nodes`
    note: skipped `fixtures/gate/errors/waivers-missing-field.yaml`: its top level has no `nodes`
    note: skipped `fixtures/gate/errors/waivers-unknown-key.yaml`: its top level has no `nodes`
    note: skipped `fixtures/gate/waivers/active.yaml`: its top level has no `nodes`
    note: skipped `fixtures/gate/waivers/expired.yaml`: its top level has no `nodes`
    note: skipped `fixtures/gate/waivers/stale.yaml`: its top level has no `nodes`
    ");
}

#[test]
fn a_glob_that_matches_nothing_is_an_input_error() {
    insta::assert_snapshot!(check(&["fixtures/gate/nowhere/*.yaml"]), @"
    exit: 2
    --- stdout
    --- stderr
    error: no file matches `fixtures/gate/nowhere/*.yaml`
     |
    help: check the pattern; `*` stays within a directory, `**` crosses directories

    error: 1 problem in the input; nothing was checked for the files above
    ");
}

#[test]
fn a_file_named_twice_is_checked_once() {
    let out = check(&[FRONTIER, "fixtures/gate/repo"]);
    assert_eq!(
        out.matches("fixtures/gate/repo/frontier.yaml (").count(),
        1,
        "{out}"
    );
}

#[test]
fn a_named_file_that_is_not_a_topology_is_an_error() {
    assert_eq!(
        exit_code(&["check", "fixtures/gate/repo/ci.yml", "--as-of", AS_OF]),
        2
    );
}

#[test]
fn a_named_doc_without_a_block_is_an_input_error() {
    insta::assert_snapshot!(check(&["fixtures/gate/repo/docs/notes.md"]), @"
    exit: 2
    --- stdout
    --- stderr
    error: `fixtures/gate/repo/docs/notes.md` has no ```yaml proviso block
     |
    help: a doc named on the command line must hold a topology: mark its block ```yaml proviso, or name the doc's directory instead

    error: 1 problem in the input; nothing was checked for the files above
    ");
}

#[test]
fn a_markdown_doc_reports_each_block_with_doc_lines() {
    insta::assert_snapshot!("arch_md_human", check(&[ARCH]));
    insta::assert_snapshot!("arch_md_json", check(&[ARCH, "--format", "json"]));
}

#[test]
fn a_malformed_block_points_into_the_doc() {
    insta::assert_snapshot!(check(&["fixtures/gate/errors/broken-block.md"]), @"
    exit: 2
    --- stdout
    --- stderr
    error: edge 1 has no `from`
      --> fixtures/gate/errors/broken-block.md:20:5
       |
    20 |   - {form: app, to: gpt, kind: api}
       |     ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ this edge
       |
    help: every edge needs `from`, `to` and `kind`, such as `{from: app, to: gateway, kind: api}`

    error: 1 problem in the input; nothing was checked for the files above
    ");
    insta::assert_snapshot!(check(&["fixtures/gate/errors/empty-block.md"]), @"
    exit: 2
    --- stdout
    --- stderr
    error: the `proviso` block #1 of `fixtures/gate/errors/empty-block.md` is empty
     --> fixtures/gate/errors/empty-block.md:5:1
      |
    5 | ```proviso
      | ^^^^^^^^^^ this block
      |
    help: a topology needs `nodes:` (a map from node id to attributes) and `edges:` (a list of `{from, to, kind}`)

    error: 1 problem in the input; nothing was checked for the files above
    ");
}

#[test]
fn directories_include_json_topologies() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("gate-json");
    std::fs::create_dir_all(&dir).expect("a temp dir");
    let agreement = format!(
        "{}/fixtures/contracts/azure-openai.contract",
        env!("CARGO_MANIFEST_DIR")
    );
    let topology = "{\"nodes\": {\"m\": {\"kind\": \"model\", \"provider\": \"openai\", \"cloud\": \"aws\"}}, \"edges\": []}";
    std::fs::write(dir.join("t.json"), topology).expect("a temp file");
    std::fs::write(dir.join("other.json"), "{\"not\": \"a topology\"}").expect("a temp file");
    let out = run(&[
        "check",
        dir.to_str().expect("utf-8 path"),
        "--agreement",
        &agreement,
        "--as-of",
        "2026-11-26",
        "--format",
        "json",
    ]);
    // 7.3 is breached: the model has no approved region; other.json is skipped.
    assert!(out.starts_with("exit: 1\n"), "{out}");
    assert!(out.contains("gate-json/t.json"), "{out}");
    assert!(!out.contains("other.json"), "{out}");
}

#[test]
fn active_waivers_waive() {
    insta::assert_snapshot!(check(&[
        FRONTIER,
        "--waivers",
        "fixtures/gate/waivers/active.yaml"
    ]));
    insta::assert_snapshot!(
        "active_waivers_json",
        check(&[
            FRONTIER,
            "--waivers",
            "fixtures/gate/waivers/active.yaml",
            "--format",
            "json"
        ])
    );
}

#[test]
fn a_waiver_waives_through_its_expiry_day_only() {
    let day_after = run(&[
        "check",
        FRONTIER,
        "--as-of",
        "2026-11-27",
        "--waivers",
        "fixtures/gate/waivers/active.yaml",
    ]);
    assert!(day_after.starts_with("exit: 1\n"), "{day_after}");
    assert!(
        day_after.contains("expired after 2026-11-26: clause 4.4"),
        "{day_after}"
    );
}

#[test]
fn an_expired_waiver_no_longer_waives() {
    insta::assert_snapshot!(check(&[
        FRONTIER,
        "--waivers",
        "fixtures/gate/waivers/expired.yaml"
    ]));
}

#[test]
fn a_stale_waiver_is_a_warning_and_fails_under_strict() {
    let out = check(&[FRONTIER, "--waivers", "fixtures/gate/waivers/stale.yaml"]);
    insta::assert_snapshot!(outline(&out), @"
    exit: 0
    fixtures/gate/repo/frontier.yaml (Frontier on an AWS stateful runtime)
    summary: 8 hold, 1 breached, 4 contested, 0 not in force; 0 warnings; 1 finding waived
    ");
    assert!(
        out.contains("stale, matched no finding: clause 4.1"),
        "{out}"
    );
    // The default waiver file beside gate.contract: its design has no
    // warnings and nothing contested, so only the stale waiver fails --strict.
    let design = "fixtures/gate/default-waivers/design.yaml";
    insta::assert_snapshot!("default_waivers", check(&[design]));
    assert_eq!(
        exit_code(&["check", design, "--as-of", AS_OF, "--strict"]),
        1
    );
}

#[test]
fn malformed_waivers_are_input_errors() {
    for name in ["unknown-key", "bad-date", "missing-field"] {
        let file = format!("fixtures/gate/errors/waivers-{name}.yaml");
        insta::assert_snapshot!(
            format!("waivers_{name}"),
            check(&[FRONTIER, "--waivers", &file])
        );
    }
}

#[test]
fn a_baseline_of_the_same_findings_passes() {
    let out = check(&[
        FRONTIER,
        "--baseline",
        "fixtures/gate/baselines/frontier.json",
    ]);
    insta::assert_snapshot!(outline(&out) + "\n" + baseline_line(&out), @"
    exit: 0
    fixtures/gate/repo/frontier.yaml (Frontier on an AWS stateful runtime)
    summary: 8 hold, 1 breached, 4 contested, 0 not in force; 0 warnings
    baseline fixtures/gate/baselines/frontier.json: 0 new, 10 unchanged, 0 fixed, 0 stale
    ");
}

#[test]
fn findings_not_in_the_baseline_fail() {
    let out = check(&[
        FRONTIER,
        ARCH,
        "--baseline",
        "fixtures/gate/baselines/frontier.json",
    ]);
    insta::assert_snapshot!(outline(&out) + "\n" + baseline_line(&out), @"
    exit: 1
    fixtures/gate/repo/frontier.yaml (Frontier on an AWS stateful runtime)
    summary: 8 hold, 1 breached, 4 contested, 0 not in force; 0 warnings
    fixtures/gate/repo/docs/arch.md#1 (Option A)
    summary: 13 hold, 0 breached, 0 contested, 0 not in force; 0 warnings
    fixtures/gate/repo/docs/arch.md#2 (Option B)
    summary: 7 hold, 6 breached, 0 contested, 0 not in force; 0 warnings
    baseline fixtures/gate/baselines/frontier.json: 15 new, 10 unchanged, 0 fixed, 0 stale
    ");
}

#[test]
fn a_baseline_reports_new_unchanged_fixed_and_stale() {
    insta::assert_snapshot!(check(&[
        FRONTIER,
        "--baseline",
        "fixtures/gate/baselines/earlier.json"
    ]));
    insta::assert_snapshot!(
        "earlier_baseline_json",
        check(&[
            FRONTIER,
            "--baseline",
            "fixtures/gate/baselines/earlier.json",
            "--format",
            "json"
        ])
    );
}

#[test]
fn a_baseline_from_before_nodes_moved_still_matches() {
    // The baseline's lines really differ from today's file...
    let lines = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| l.contains("\"line\""))
            .map(str::to_string)
            .collect()
    };
    let before =
        std::fs::read_to_string("fixtures/gate/baselines/moved.json").expect("the fixture exists");
    let now = std::fs::read_to_string("fixtures/gate/baselines/frontier.json")
        .expect("the fixture exists");
    assert_ne!(lines(&before), lines(&now));
    // ...and every finding is still unchanged.
    let out = check(&[FRONTIER, "--baseline", "fixtures/gate/baselines/moved.json"]);
    insta::assert_snapshot!(outline(&out) + "\n" + baseline_line(&out), @"
    exit: 0
    fixtures/gate/repo/frontier.yaml (Frontier on an AWS stateful runtime)
    summary: 8 hold, 1 breached, 4 contested, 0 not in force; 0 warnings
    baseline fixtures/gate/baselines/moved.json: 0 new, 10 unchanged, 0 fixed, 0 stale
    ");
}

#[test]
fn write_baseline_writes_the_json_report() {
    let dir = std::env::temp_dir().join(format!("proviso-gate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temp dir");
    let file = dir.join("baseline.json");
    let path = file.to_str().expect("utf-8 path");
    let out = check(&[FRONTIER, "--write-baseline", path]);
    // Recording the findings succeeds, so the adoption step passes `set -e`.
    assert!(out.starts_with("exit: 0\n"), "{out}");
    let written = std::fs::read_to_string(&file).expect("the baseline was written");
    let json = check(&[FRONTIER, "--format", "json"]);
    let stdout = json
        .split_once("--- stdout\n")
        .and_then(|(_, r)| r.split_once("--- stderr\n"))
        .map(|(o, _)| o)
        .expect("stdout");
    assert_eq!(written, stdout);
    let again = check(&[FRONTIER, "--baseline", path]);
    assert!(again.starts_with("exit: 0\n"), "{again}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_invalid_baseline_is_an_input_error() {
    insta::assert_snapshot!(check(&[
        FRONTIER,
        "--baseline",
        "fixtures/gate/baselines/README.md"
    ]), @"
    exit: 2
    --- stdout
    --- stderr
    error: `fixtures/gate/baselines/README.md` is not a proviso JSON report: this is not JSON
     --> fixtures/gate/baselines/README.md:1:1
      |
    1 | # Baseline fixtures
      | ^ here
      |
    help: write a baseline with `proviso check ... --write-baseline FILE`

    error: 1 problem in the input; nothing was checked for the files above
    ");
    insta::assert_snapshot!(check(&[
        FRONTIER,
        "--baseline",
        "fixtures/gate/errors/not-a-report.json"
    ]), @r#"
    exit: 2
    --- stdout
    --- stderr
    error: `fixtures/gate/errors/not-a-report.json` is not a proviso JSON report: invalid type: integer `42`, expected a string
     --> fixtures/gate/errors/not-a-report.json:3:19
      |
    3 |     {"topology": 42}
      |                   ^ here
      |
    help: write a baseline with `proviso check ... --write-baseline FILE`

    error: 1 problem in the input; nothing was checked for the files above
    "#);
}

#[test]
fn a_baseline_of_the_wrong_shape_names_no_rust_type() {
    let file = "fixtures/gate/errors/baseline-array.json";
    let out = check(&[FRONTIER, "--baseline", file]);
    assert!(out.starts_with("exit: 2"), "{out}");
    assert!(
        out.contains("is not a proviso JSON report: expected a JSON object with `format_version` and `reports`"),
        "{out}"
    );
    assert!(!out.contains("struct"), "{out}");
    assert!(out.contains(&format!("{file}:1:")), "{out}");
}

#[test]
fn completions_and_man_page_are_generated() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = run(&["completions", shell]);
        assert!(out.starts_with("exit: 0\n"), "{shell}: {out}");
        assert!(out.contains("write-baseline"), "{shell}: {out}");
    }
    let man = run(&["man"]);
    assert!(man.starts_with("exit: 0\n"), "{man}");
    assert!(man.contains(".TH proviso 1"), "{man}");
    assert_eq!(exit_code(&["completions", "tcsh"]), 2);
}

fn baseline_line(out: &str) -> &str {
    out.lines()
        .find(|l| l.starts_with("baseline "))
        .unwrap_or("no baseline line")
}

/// Waivers that cannot be right are input errors at their place, with
/// "did you mean" where a near name exists; each file says why.
#[test]
fn waivers_that_cannot_be_right_are_errors() {
    insta::glob!("../../fixtures", "gate/waivers/wrong/*.yaml", |path| {
        let file = super::support::relative(path);
        let out = check(&[FRONTIER, "--waivers", &file]);
        assert!(out.starts_with("exit: 2"), "{out}");
        insta::assert_snapshot!("wrong_waiver", out);
    });
}

#[test]
fn an_unknown_clause_in_a_waiver_is_an_error_with_did_you_mean() {
    let file = "fixtures/gate/waivers/wrong/unknown-clause.yaml";
    let out = check(&[FRONTIER, "--waivers", file]);
    assert!(
        out.contains("error: unknown clause `4.22` in a waiver"),
        "{out}"
    );
    assert!(out.contains(&format!("{file}:4:13")), "{out}");
    assert!(out.contains("did you mean `4.2`?"), "{out}");
}

#[test]
fn an_unknown_witness_node_is_an_error_with_did_you_mean() {
    let file = "fixtures/gate/waivers/wrong/unknown-witness.yaml";
    let out = check(&[FRONTIER, "--waivers", file]);
    assert!(
        out.contains("unknown node `frontier-runtim` in a waiver's witness"),
        "{out}"
    );
    assert!(out.contains(&format!("{file}:7:31")), "{out}");
    assert!(out.contains("did you mean `frontier-runtime`?"), "{out}");
}

#[test]
fn a_null_witness_is_an_error_not_every_witness() {
    let out = check(&[
        FRONTIER,
        "--waivers",
        "fixtures/gate/waivers/wrong/null-witness.yaml",
    ]);
    assert!(
        out.contains("`witness: null` would waive every witness"),
        "{out}"
    );
}

#[test]
fn a_reason_of_invisible_characters_is_blank() {
    let out = check(&[
        FRONTIER,
        "--waivers",
        "fixtures/gate/waivers/wrong/invisible-reason.yaml",
    ]);
    assert!(
        out.contains("`reason` holds only invisible characters"),
        "{out}"
    );
}

#[test]
fn a_duplicate_key_in_a_waiver_is_worded_and_located() {
    let file = "fixtures/gate/waivers/wrong/duplicate-key.yaml";
    let out = check(&[FRONTIER, "--waivers", file]);
    assert!(out.contains("the key `reason` is given twice"), "{out}");
    assert!(out.contains(&format!("{file}:7:")), "{out}");
    assert!(!out.contains("DuplicateKeyPolicy"), "{out}");
}

#[test]
fn an_unknown_anchor_in_a_waiver_is_worded() {
    let out = check(&[
        FRONTIER,
        "--waivers",
        "fixtures/gate/waivers/wrong/unknown-anchor.yaml",
    ]);
    assert!(out.contains("an alias (`*name`) names no anchor"), "{out}");
}

#[test]
fn a_waiver_file_over_the_value_budget_is_worded_and_located() {
    let path = std::env::temp_dir().join(format!("proviso-budget-{}.yaml", std::process::id()));
    let ids = vec!["a"; 250_001].join(", ");
    let text = format!(
        "waivers:\n  - clause: \"4.4\"\n    topology: x\n    witness: [{ids}]\n    reason: r\n    approved_by: s\n    expires: 2027-01-31\n"
    );
    std::fs::write(&path, text).expect("a temporary file");
    let out = check(&[FRONTIER, "--waivers", &path.to_string_lossy()]);
    let _ = std::fs::remove_file(&path);
    assert!(out.starts_with("exit: 2"), "{out}");
    assert!(
        out.contains("the YAML holds or expands to more values than proviso reads from one file"),
        "{out}"
    );
    assert!(!out.contains("budget breached"), "{out}");
    assert!(out.contains(".yaml:4:"), "{out}");
}

#[test]
fn a_glob_with_a_dot_slash_matches_as_written() {
    let out = check(&[
        FRONTIER,
        "--waivers",
        "fixtures/gate/waivers/globs/dot-slash.yaml",
    ]);
    assert!(out.starts_with("exit: 0"), "{out}");
    assert!(out.contains("1 finding waived"), "{out}");
}
