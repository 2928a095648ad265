//! The binary on the fixtures: human and JSON output, exit codes.

use super::support::{AS_OF, exit_code, relative, run};

/// Every topology fixture, in both formats, as a user runs it.
#[test]
fn fixtures_human_and_json() {
    insta::glob!("../../fixtures", "topologies/*.yaml", |path| {
        let path = relative(path);
        let human = run(&["check", &path, "--as-of", AS_OF]);
        insta::assert_snapshot!("human", human);
        let json = run(&["check", &path, "--as-of", AS_OF, "--format", "json"]);
        insta::assert_snapshot!("json", json);
    });
}

#[test]
fn the_seed_dispute_is_contested_under_4_2_and_breached_under_4_4() {
    let out = run(&[
        "check",
        "fixtures/topologies/frontier-on-aws.yaml",
        "--as-of",
        AS_OF,
    ]);
    assert!(out.starts_with("exit: 1\n"), "{out}");
    assert!(out.contains(
        "clause 4.2 \"API access to models routes via Azure\": contested (letter binds; must)"
    ));
    assert!(
        out.contains("clause 4.4 \"No indirect circumvention\": breached (spirit binds; must)")
    );
    assert!(
        out.contains("enterprise-app --session--> frontier-runtime --inference--> gpt-frontier")
    );
}

#[test]
fn a_compliant_design_exits_0() {
    assert_eq!(
        exit_code(&[
            "check",
            "fixtures/topologies/azure-routed.yaml",
            "--as-of",
            AS_OF
        ]),
        0
    );
}

#[test]
fn a_must_breach_exits_1() {
    assert_eq!(
        exit_code(&[
            "check",
            "fixtures/topologies/direct-aws-api.yaml",
            "--as-of",
            AS_OF
        ]),
        1
    );
}

#[test]
fn strict_passes_on_a_compliant_design_whose_agreement_names_what_it_lacks() {
    // azure-routed holds everywhere; the definitions it does not match
    // (`probes`, `competitors`, `other_clouds`) are only excluded or
    // forbidden by the agreement, so they are no typo guards.
    assert_eq!(
        exit_code(&[
            "check",
            "fixtures/topologies/azure-routed.yaml",
            "--as-of",
            AS_OF,
            "--strict"
        ]),
        0
    );
}

#[test]
fn input_errors_exit_2() {
    assert_eq!(exit_code(&["check", "fixtures/does-not-exist.yaml"]), 2);
    assert_eq!(
        exit_code(&[
            "check",
            "fixtures/topologies/azure-routed.yaml",
            "--as-of",
            "2026-13-01"
        ]),
        2
    );
    assert_eq!(exit_code(&["check"]), 2);
    assert_eq!(exit_code(&["frobnicate"]), 2);
}

#[test]
fn help_and_version_exit_0() {
    assert_eq!(exit_code(&["--help"]), 0);
    assert_eq!(exit_code(&["--version"]), 0);
}

#[test]
fn the_effective_window_follows_as_of() {
    // Clause 9.2 is in force from 2026-01-01 until (not on) 2030-12-31.
    let before = run(&[
        "check",
        "fixtures/topologies/direct-aws-api.yaml",
        "--as-of",
        "2025-12-31",
    ]);
    assert!(
        before.contains("clause 9.2 \"Customer data stays on Azure\": not-in-force"),
        "{before}"
    );
    let first_day = run(&[
        "check",
        "fixtures/topologies/direct-aws-api.yaml",
        "--as-of",
        "2026-01-01",
    ]);
    assert!(
        first_day.contains("clause 9.2 \"Customer data stays on Azure\": breached"),
        "{first_day}"
    );
    let until = run(&[
        "check",
        "fixtures/topologies/direct-aws-api.yaml",
        "--as-of",
        "2030-12-31",
    ]);
    assert!(
        until.contains("clause 9.2 \"Customer data stays on Azure\": not-in-force"),
        "{until}"
    );
    // The agreement's own window (until 2032-12-31) applies to the others.
    let after = run(&[
        "check",
        "fixtures/topologies/direct-aws-api.yaml",
        "--as-of",
        "2033-01-01",
    ]);
    assert!(after.contains("clause 4.1: not-in-force"), "{after}");
    assert!(after.starts_with("exit: 0"), "{after}");
}

#[test]
fn agreement_flag_and_a_different_topology_key_is_an_input_error() {
    let out = run(&[
        "check",
        "fixtures/topologies/all-forms.yaml",
        "--agreement",
        "fixtures/contracts/azure-openai.contract",
        "--as-of",
        AS_OF,
    ]);
    assert!(out.starts_with("exit: 2"), "{out}");
    assert!(
        out.contains("this topology names the agreement `fixtures/contracts/all-forms.contract`, but the gate pins `fixtures/contracts/azure-openai.contract`"),
        "{out}"
    );
}

#[test]
fn output_is_byte_identical_across_runs() {
    for format in ["human", "json", "sarif", "junit", "github", "markdown"] {
        let args = [
            "check",
            "fixtures/topologies/all-forms.yaml",
            "fixtures/topologies/frontier-on-aws.yaml",
            "--as-of",
            AS_OF,
            "--format",
            format,
        ];
        assert_eq!(run(&args), run(&args), "{format}");
    }
}

/// Drops what legitimately differs between a YAML file and its JSON twin:
/// the file name and the line of each witness.
fn without_locations(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(map) => {
            map.remove("location");
            map.remove("topology");
            // A warning's message names its topology file.
            map.remove("message");
            map.values_mut().for_each(without_locations);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(without_locations),
        _ => {}
    }
}

#[test]
fn a_json_topology_gives_the_same_verdicts_and_witnesses_as_its_yaml_twin() {
    let report = |path: &str| {
        let out = super::support::proviso()
            .args(["check", path, "--as-of", AS_OF, "--format", "json"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .expect("the proviso binary runs");
        assert_eq!(out.status.code(), Some(1), "{path}: all-forms has breaches");
        let mut v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json report");
        without_locations(&mut v);
        v
    };
    let yaml = report("fixtures/topologies/all-forms.yaml");
    let json = report("fixtures/json/all-forms.json");
    assert!(
        yaml.to_string().contains("\"witnesses\":[{"),
        "the twin has witnesses to compare"
    );
    assert_eq!(yaml, json);
}

#[test]
fn a_json_witness_points_at_the_json_line_of_its_edge() {
    let out = run(&["check", "fixtures/json/all-forms.json", "--as-of", AS_OF]);
    // R1's spirit witness ends with `{"from": "relay", "to": "m2", ...}`,
    // line 19 of the twin, and points at its `{`.
    assert!(out.contains("fixtures/json/all-forms.json:19:3"), "{out}");
}

#[test]
fn a_panic_is_an_internal_error_with_exit_3_and_one_line() {
    let out = super::support::proviso()
        .args(["check", "fixtures/topologies/azure-routed.yaml"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("PROVISO_TEST_INTERNAL_ERROR", "1")
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("the proviso binary runs");
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: internal error in proviso"),
        "{stderr}"
    );
    assert!(stderr.contains("please report it"), "{stderr}");
    assert!(!stderr.contains("backtrace"), "{stderr}");
}
