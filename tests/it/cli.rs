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
        "clause 4.2 \"API access to models routes via Azure\": contested (letter binds; must; owed by openai)"
    ));
    // The two parties' readings: Microsoft's fails with the spirit, OpenAI's holds.
    assert!(
        out.contains("the spirit and microsoft's reading fail (api, inference, session)"),
        "{out}"
    );
    assert!(
        out.contains("openai's reading holds (api, session)"),
        "{out}"
    );
    assert!(out.contains(
        "clause 4.7 \"Stateless API calls route via Azure\": contested (letter binds; must; owed by openai)"
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

/// The JSON twin of a loaded YAML topology: every value that JSON can hold
/// as a number or a boolean is written as one, as written in the YAML
/// (`1.10`, `1e3`, `12345678901234567890`), the rest as strings.
fn json_twin(topo: &proviso::Topology) -> String {
    let s = |t: &str| serde_json::to_string(t).expect("a string serialises");
    let value = |t: &str| match serde_json::from_str::<serde_json::Value>(t) {
        Ok(serde_json::Value::Number(_) | serde_json::Value::Bool(_)) => t.to_string(),
        _ => s(t),
    };
    // A list is one pair per element, its value tagged (`tags: [a, b]`).
    let attrs = |attrs: &[(u32, u32)]| {
        use proviso::topology::{EMPTY_LIST, LIST, untag};
        let mut out: Vec<String> = Vec::new();
        let mut i = 0;
        while i < attrs.len() {
            let (k, v) = attrs[i];
            let key = s(topo.strings.resolve(k));
            if v == EMPTY_LIST {
                out.push(format!("{key}: []"));
                i += 1;
            } else if v & LIST != 0 {
                let mut items = Vec::new();
                while i < attrs.len() && attrs[i].0 == k {
                    items.push(value(topo.strings.resolve(untag(attrs[i].1))));
                    i += 1;
                }
                out.push(format!("{key}: [{}]", items.join(", ")));
            } else {
                out.push(format!("{key}: {}", value(topo.strings.resolve(v))));
                i += 1;
            }
        }
        out
    };
    let mut out = String::from("{\n");
    if let Some(name) = &topo.name {
        out.push_str(&format!("\"name\": {},\n", s(name)));
    }
    let nodes: Vec<String> = topo
        .nodes
        .iter()
        .map(|n| format!("  {}: {{{}}}", s(&n.id), attrs(&n.attrs).join(", ")))
        .collect();
    out.push_str(&format!("\"nodes\": {{\n{}\n}},\n", nodes.join(",\n")));
    let edges: Vec<String> = topo
        .edges
        .iter()
        .map(|e| {
            let mut fields = vec![
                format!("\"from\": {}", s(&topo.nodes[e.from as usize].id)),
                format!("\"to\": {}", s(&topo.nodes[e.to as usize].id)),
                format!("\"kind\": {}", s(topo.strings.resolve(e.kind))),
            ];
            fields.extend(attrs(&e.attrs));
            format!("  {{{}}}", fields.join(", "))
        })
        .collect();
    out.push_str(&format!("\"edges\": [\n{}\n]\n}}\n", edges.join(",\n")));
    out
}

#[test]
fn every_fixture_gives_the_same_report_from_its_json_twin() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/topologies");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("the fixtures directory")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    paths.sort();
    assert!(paths.iter().any(|p| p.ends_with("values.yaml")));
    let day = proviso::Date::parse_from_str(AS_OF, "%Y-%m-%d").expect("a date");
    for path in paths {
        let text = std::fs::read_to_string(&path).expect("the fixture reads");
        let yaml = proviso::load_topology("topology", &text).unwrap_or_else(|e| panic!("{e}"));
        let twin = json_twin(&yaml);
        let src = proviso::Source::new("topology", twin.clone());
        let json = proviso::topology::load::from_source(&src, proviso::topology::load::Kind::Json)
            .unwrap_or_else(|e| panic!("{e}\n{twin}"));
        let (rel, _) = yaml
            .agreement
            .clone()
            .expect("every fixture names its agreement");
        let ag_path = path.parent().expect("a directory").join(rel);
        let ag_text = std::fs::read_to_string(&ag_path).expect("the agreement reads");
        let ag = proviso::parse_agreement("a.contract", &ag_text).unwrap_or_else(|e| panic!("{e}"));
        let report = |t: &proviso::Topology| {
            let mut v = serde_json::to_value(proviso::check(&ag, t, day).report)
                .expect("a report serialises");
            without_locations(&mut v);
            v
        };
        assert_eq!(report(&yaml), report(&json), "{}\n{twin}", path.display());
    }
}

#[test]
fn null_and_booleans_mean_the_same_in_yaml_and_json() {
    let json = |text: &str| {
        let src = proviso::Source::new("t.json", text);
        proviso::topology::load::from_source(&src, proviso::topology::load::Kind::Json)
    };
    let message = |r: Result<proviso::Topology, proviso::Errors>| match r {
        Ok(_) => panic!("`null` is not a value"),
        Err(e) => (e.0[0].message.clone(), e.0[0].help.clone()),
    };
    assert_eq!(
        message(proviso::load_topology(
            "t.yaml",
            "nodes:\n  a: {kind: client, tls: null}\n"
        )),
        message(json(r#"{"nodes": {"a": {"kind": "client", "tls": null}}}"#))
    );
    let value = |t: &proviso::Topology| {
        let tls = t.strings.get("tls").expect("`tls` is an attribute");
        t.strings
            .resolve(t.nodes[0].attr(tls).expect("a has tls"))
            .to_string()
    };
    for v in ["true", "false"] {
        let yaml = proviso::load_topology("t.yaml", &format!("nodes:\n  a: {{tls: {v}}}\n"))
            .unwrap_or_else(|e| panic!("{e}"));
        let json = json(&format!(r#"{{"nodes": {{"a": {{"tls": {v}}}}}}}"#))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((value(&yaml), value(&json)), (v.to_string(), v.to_string()));
    }
}

#[test]
fn an_agreement_out_of_force_warns_and_fails_only_under_strict() {
    // azure-openai.contract's term ends 2032-12-31 (exclusive).
    let topo = "fixtures/topologies/azure-routed.yaml";
    let out = run(&["check", topo, "--as-of", "2033-06-01"]);
    assert!(
        out.contains(
            "the agreement is not in force on 2033-06-01: its term is 2019-07-22 until 2032-12-31"
        ),
        "{out}"
    );
    assert!(
        out.contains("fixtures/contracts/azure-openai.contract:5:3"),
        "{out}"
    );
    assert_eq!(exit_code(&["check", topo, "--as-of", "2033-06-01"]), 0);
    assert_eq!(
        exit_code(&["check", topo, "--as-of", "2033-06-01", "--strict"]),
        1
    );
}

#[test]
fn a_date_not_written_yyyy_mm_dd_is_a_usage_error() {
    let out = run(&[
        "check",
        "fixtures/topologies/azure-routed.yaml",
        "--as-of",
        "2024-6-1",
    ]);
    assert!(out.starts_with("exit: 2"), "{out}");
    assert!(
        out.contains("`2024-6-1` is not a date written YYYY-MM-DD"),
        "{out}"
    );
}

#[test]
fn clause_and_skip_clause_judge_part_of_the_agreement() {
    let ids = |extra: &[&str]| {
        let mut args = vec![
            "check",
            "fixtures/topologies/frontier-on-aws.yaml",
            "--as-of",
            AS_OF,
            "--format",
            "json",
        ];
        args.extend_from_slice(extra);
        let out = super::support::proviso()
            .args(&args)
            .output()
            .expect("runs");
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        doc["reports"][0]["verdicts"]
            .as_array()
            .expect("verdicts")
            .iter()
            .map(|v| v["clause"].as_str().expect("id").to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&["--clause", "4.2", "--clause", "4.4"]), ["4.2", "4.4"]);
    let all = ids(&[]);
    let skipped = ids(&["--skip-clause", "4.2"]);
    assert_eq!(skipped.len() + 1, all.len());
    assert!(!skipped.contains(&"4.2".to_string()));
    let out = run(&[
        "check",
        "fixtures/topologies/frontier-on-aws.yaml",
        "--as-of",
        AS_OF,
        "--clause",
        "4.22",
    ]);
    assert!(out.starts_with("exit: 2"), "{out}");
    assert!(
        out.contains("no agreement of this run has a clause `4.22`"),
        "{out}"
    );
    assert!(out.contains("did you mean `4.2`?"), "{out}");
}

#[test]
fn several_outputs_in_one_run_and_a_dash_for_stdout() {
    let dir = super::support::temp_dir("outputs");
    let sarif = dir.join("a.sarif");
    let junit = dir.join("a.xml");
    let out = run(&[
        "check",
        "fixtures/topologies/frontier-on-aws.yaml",
        "--as-of",
        AS_OF,
        "-o",
        &format!("sarif={}", sarif.display()),
        "-o",
        &format!("junit={}", junit.display()),
    ]);
    assert!(out.starts_with("exit: 1"), "{out}");
    assert!(
        out.contains("clause 4.2"),
        "stdout keeps the human view: {out}"
    );
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).expect("sarif written"))
            .expect("json");
    assert_eq!(s["version"], "2.1.0");
    assert!(
        std::fs::read_to_string(&junit)
            .expect("junit written")
            .starts_with("<?xml")
    );
    let dash = run(&[
        "check",
        "fixtures/topologies/frontier-on-aws.yaml",
        "--as-of",
        AS_OF,
        "--format",
        "json",
        "-o",
        "-",
    ]);
    assert!(
        dash.contains("--- stdout\n{"),
        "`-o -` writes the format to stdout: {dash}"
    );
    assert!(
        !std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("-")
            .exists()
    );
}

#[test]
fn write_baseline_exits_0_once_the_findings_are_recorded() {
    let dir = super::support::temp_dir("write-baseline");
    let file = dir.join("baseline.json");
    let out = run(&[
        "check",
        "fixtures/topologies/frontier-on-aws.yaml",
        "--as-of",
        AS_OF,
        "--write-baseline",
        &file.display().to_string(),
    ]);
    assert!(out.starts_with("exit: 0"), "{out}");
    assert!(file.exists());
}

#[test]
fn every_subcommand_has_a_man_page_with_its_flags() {
    let check = run(&["man", "check"]);
    assert!(check.contains(".TH proviso-check 1"), "{check}");
    assert!(check.contains("strict"), "{check}");
    assert!(check.contains("Exit status"), "{check}");
    let main = run(&["man"]);
    assert!(main.contains("proviso\\-check(1)"), "{main}");
    let dir = super::support::temp_dir("man");
    let out = run(&["man", "--dir", &dir.display().to_string()]);
    assert!(out.starts_with("exit: 0"), "{out}");
    for page in [
        "proviso.1",
        "proviso-check.1",
        "proviso-completions.1",
        "proviso-man.1",
    ] {
        assert!(dir.join(page).exists(), "{page}");
    }
}

#[test]
fn the_verdicts_view_has_no_locations_so_a_json_twin_gives_the_same_one() {
    let view = |path: &str| {
        let out = super::support::proviso()
            .args(["check", path, "--as-of", AS_OF, "--format", "verdicts"])
            .output()
            .expect("runs");
        let mut v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        v[0]["topology"] = serde_json::Value::Null;
        v
    };
    let yaml = view("fixtures/topologies/all-forms.yaml");
    assert!(!yaml.to_string().contains("line"), "{yaml}");
    assert!(yaml.to_string().contains("\"witnesses\":[["), "{yaml}");
    assert_eq!(yaml, view("fixtures/json/all-forms.json"));
}

#[test]
fn a_missing_agreement_file_is_shown_where_the_topology_names_it() {
    let dir = super::support::temp_dir("missing-agreement");
    std::fs::write(
        dir.join("d.yaml"),
        "name: d\nagreement: missing.contract\nnodes:\n  a: {kind: client}\n",
    )
    .expect("written");
    let out = super::support::proviso()
        .current_dir(&dir)
        .args(["check", "d.yaml", "--root", "."])
        .output()
        .expect("runs");
    let text = super::support::outcome(&out);
    assert!(text.starts_with("exit: 2"), "{text}");
    assert!(
        text.contains("cannot read `missing.contract`: no such file"),
        "{text}"
    );
    assert!(text.contains("d.yaml:2:12"), "{text}");
}

#[test]
fn strict_passes_on_every_compliant_fixture() {
    let mut compliant = Vec::new();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/topologies");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("the fixtures")
        .map(|e| e.expect("an entry").path())
        .collect();
    files.sort();
    files.push(dir.join("../gate/repo/.hidden/checked.yaml"));
    for path in files {
        let path = super::support::relative(&path);
        if exit_code(&["check", &path, "--as-of", AS_OF]) != 0 {
            continue; // breached on purpose
        }
        assert_eq!(
            exit_code(&["check", &path, "--as-of", AS_OF, "--strict"]),
            0,
            "{path} is compliant but fails --strict"
        );
        compliant.push(path);
    }
    assert!(compliant.len() >= 3, "{compliant:?}");
}

#[test]
fn party_judges_only_the_obligations_that_party_owes() {
    let out = run(&[
        "check",
        "fixtures/topologies/frontier-on-aws.yaml",
        "--as-of",
        AS_OF,
        "--party",
        "openai",
    ]);
    // 4.2 and 4.7 are owed by openai; 4.1 names no obligor, 4.4 none either.
    assert!(
        out.contains("clause 4.2 \"API access to models routes via Azure\""),
        "{out}"
    );
    assert!(out.contains("clause 4.7 "), "{out}");
    assert!(!out.contains("clause 4.1:"), "{out}");
    assert!(!out.contains("clause 4.4 "), "{out}");
    assert!(out.contains("owed by openai"), "{out}");
}

#[test]
fn an_unknown_party_is_a_located_error_with_did_you_mean() {
    let args = [
        "check",
        "fixtures/topologies/frontier-on-aws.yaml",
        "--as-of",
        AS_OF,
        "--party",
        "micrsoft",
    ];
    assert_eq!(exit_code(&args), 2);
    let out = run(&args);
    assert!(
        out.contains("no agreement of this run names a party `micrsoft`"),
        "{out}"
    );
    assert!(out.contains("did you mean `microsoft`?"), "{out}");
    assert!(
        out.contains("fixtures/contracts/azure-openai.contract:"),
        "{out}"
    );
}
