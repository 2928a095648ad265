//! The output formats on the fixtures: SARIF, JUnit, GitHub annotations
//! and Markdown snapshots, `--output`, and the GitHub job summary.

use std::path::PathBuf;

use super::support::{AS_OF, relative, run, temp_dir};

/// Every topology fixture in every new format, as a user runs it.
#[test]
fn fixtures_in_every_format() {
    insta::glob!("../../fixtures", "topologies/*.yaml", |path| {
        let path = relative(path);
        for format in ["sarif", "junit", "github", "markdown"] {
            let out = run(&["check", &path, "--as-of", AS_OF, "--format", format]);
            insta::assert_snapshot!(format, out);
        }
    });
}

/// A Markdown architecture doc with two topology blocks, one compliant and
/// one not, in every new format: locations are lines of the doc.
#[test]
fn a_markdown_doc_with_two_blocks_in_every_format() {
    for format in ["sarif", "junit", "github", "markdown"] {
        let out = run(&[
            "check",
            "fixtures/gate/repo/docs/arch.md",
            "--as-of",
            AS_OF,
            "--format",
            format,
        ]);
        insta::assert_snapshot!(format!("arch_md_{format}"), out);
    }
}

/// A fresh directory under the system temp dir, unique to this test run.

#[test]
fn output_writes_the_format_to_the_file_and_the_human_view_to_stdout() {
    let dir = temp_dir("output");
    let file = dir.join("report.sarif");
    let topo = "fixtures/topologies/frontier-on-aws.yaml";
    let file_arg = file.to_string_lossy().to_string();
    let both = run(&[
        "check", topo, "--as-of", AS_OF, "--format", "sarif", "--output", &file_arg,
    ]);
    let human = run(&["check", topo, "--as-of", AS_OF]);
    assert_eq!(
        both, human,
        "stdout, stderr and exit code are the human run's"
    );
    let sarif = run(&["check", topo, "--as-of", AS_OF, "--format", "sarif"]);
    let written = std::fs::read_to_string(&file).expect("the output file is written");
    assert!(sarif.contains(&written), "the file holds the SARIF log");
    assert!(written.starts_with("{\n  \"$schema\""), "{written}");
    std::fs::remove_dir_all(&dir).expect("the temp dir can be removed");
}

#[test]
fn an_unwritable_output_is_an_input_error() {
    let out = run(&[
        "check",
        "fixtures/topologies/azure-routed.yaml",
        "--as-of",
        AS_OF,
        "--format",
        "junit",
        "--output",
        "fixtures/no-such-dir/report.xml",
    ]);
    assert!(out.starts_with("exit: 2\n"), "{out}");
    assert!(
        out.contains(
            "error: cannot write `fixtures/no-such-dir/report.xml`: the directory does not exist"
        ),
        "{out}"
    );
}

#[test]
fn github_appends_the_markdown_report_to_the_step_summary() {
    let dir = temp_dir("summary");
    let summary = dir.join("summary.md");
    std::fs::write(&summary, "earlier step\n").expect("the summary file is written");
    let args = [
        "check",
        "fixtures/topologies/frontier-on-aws.yaml",
        "--as-of",
        AS_OF,
    ];
    let github = |env: Option<&PathBuf>| {
        let mut cmd = super::support::proviso();
        cmd.args(args)
            .args(["--format", "github"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("NO_COLOR", "1")
            .env_remove("GITHUB_STEP_SUMMARY");
        if let Some(p) = env {
            cmd.env("GITHUB_STEP_SUMMARY", p);
        }
        cmd.output().expect("the proviso binary runs")
    };
    let with = github(Some(&summary));
    let without = github(None);
    assert_eq!(
        with.stdout, without.stdout,
        "stdout does not depend on the env"
    );
    assert_eq!(with.status.code(), Some(1));
    let markdown = run(&[&args[..], &["--format", "markdown"]].concat());
    let written = std::fs::read_to_string(&summary).expect("the summary is readable");
    let appended = written
        .strip_prefix("earlier step\n")
        .expect("earlier content is kept");
    assert!(appended.starts_with("# proviso report\n"), "{appended}");
    assert!(
        markdown.contains(appended),
        "the summary is the markdown report"
    );
    std::fs::remove_dir_all(&dir).expect("the temp dir can be removed");
}

#[test]
fn junit_fails_contested_clauses_only_under_strict() {
    let args = [
        "check",
        "fixtures/topologies/frontier-on-aws.yaml",
        "--as-of",
        AS_OF,
        "--format",
        "junit",
    ];
    let lax = run(&args);
    let strict = run(&[&args[..], &["--strict"]].concat());
    let contested = "<failure message=\"contested (letter binds): the letter holds; the spirit fails; microsoft&apos;s reading fails; openai&apos;s reading holds";
    assert!(!lax.contains(contested), "{lax}");
    assert!(
        lax.contains(
            "<property name=\"finding\" value=\"contested (letter binds): the letter holds"
        ),
        "{lax}"
    );
    assert_eq!(strict.matches(contested).count(), 4, "{strict}");
}

#[test]
fn sarif_uris_are_relative_to_the_repository_root_never_absolute() {
    let root = env!("CARGO_MANIFEST_DIR");
    let topology = format!("{root}/fixtures/topologies/frontier-on-aws.yaml");
    let out = super::support::proviso()
        .current_dir(std::env::temp_dir())
        .args([
            "check", &topology, "--as-of", AS_OF, "--format", "sarif", "--root", root,
        ])
        .output()
        .expect("runs");
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).expect("sarif");
    let text = sarif.to_string();
    assert!(
        !text.contains(&format!("\"uri\":\"{root}")),
        "an absolute uri: {text}"
    );
    let first =
        &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(first["uri"], "fixtures/topologies/frontier-on-aws.yaml");
    assert_eq!(first["uriBaseId"], "SRCROOT");
    assert!(sarif["runs"][0]["originalUriBaseIds"]["SRCROOT"].is_object());
}

/// A path a permission excuses is a suppressed SARIF result (suppressed
/// in source: the agreement's own carve-out), and a JUnit property with
/// the path in system-out, while the clause itself holds.
#[test]
fn excused_paths_are_sarif_suppressions_and_junit_properties() {
    let design = "fixtures/topologies/clinic-cloud.yaml";
    let sarif = run(&["check", design, "--as-of", AS_OF, "--format", "sarif"]);
    let json = sarif
        .split_once("--- stdout\n")
        .and_then(|(_, r)| r.split_once("--- stderr\n"))
        .map(|(s, _)| s)
        .expect("stdout");
    let log: serde_json::Value = serde_json::from_str(json).expect("SARIF is JSON");
    let results = log["runs"][0]["results"].as_array().expect("results");
    let excused: Vec<&serde_json::Value> = results
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(excused.len(), 1, "{json}");
    let r = excused[0];
    assert_eq!(r["ruleId"], "2.3");
    assert_eq!(r["suppressions"][0]["kind"], "inSource");
    assert_eq!(r["suppressions"][0]["status"], "accepted");
    assert_eq!(
        r["suppressions"][0]["justification"],
        "excused by clause 2.4 \"Audit carve-out\""
    );
    assert_eq!(r["properties"]["excusedBy"], "2.4");
    let junit = run(&["check", design, "--as-of", AS_OF, "--format", "junit"]);
    let case = junit
        .split("<testcase ")
        .find(|c| c.starts_with("name=\"2.3 "))
        .expect("a case for 2.3");
    assert!(
        case.contains("<property name=\"verdict\" value=\"holds\"/>"),
        "{case}"
    );
    assert!(
        case.contains("<property name=\"excused\" value=\"by 2.4: 1 path\"/>"),
        "{case}"
    );
    assert!(case.contains("auditor --phi--&gt; records-de"), "{case}");
}
