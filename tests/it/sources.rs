//! Topologies imported from other tools' files (docs/sources.md): each
//! fixture under fixtures/sources/<format>/ checked as a user runs it, in
//! every output format, and each importer's malformed files.

use super::support::{AS_OF, relative, run};

const AGREEMENT: &str = "fixtures/contracts/azure-openai.contract";

/// The starter profiles, as the fixtures are meant to be read.
const PROFILES: [&str; 8] = [
    "--profile",
    "profiles/aws-ai.yaml",
    "--profile",
    "profiles/azure-ai.yaml",
    "--profile",
    "profiles/gcp-ai.yaml",
    "--profile",
    "profiles/backstage.yaml",
];

fn check(path: &str, format: &str) -> String {
    let mut args = vec![
        "check",
        path,
        "--agreement",
        AGREEMENT,
        "--as-of",
        AS_OF,
        "--format",
        format,
    ];
    args.extend(PROFILES);
    run(&args)
}

/// Every source fixture, human and JSON.
#[test]
fn fixtures_human_and_json() {
    insta::glob!(
        "../../fixtures",
        "sources/{terraform,mermaid,structurizr,backstage}/*",
        |path| {
            let path = relative(path);
            insta::assert_snapshot!("human", check(&path, "human"));
            insta::assert_snapshot!("json", check(&path, "json"));
        }
    );
}

/// The hybrid plan in the other formats: locations are the plan's lines.
#[test]
fn the_hybrid_plan_in_every_format() {
    let plan = "fixtures/sources/terraform/hybrid-agent.plan.json";
    for format in ["sarif", "junit", "github", "markdown", "verdicts"] {
        insta::assert_snapshot!(format!("hybrid_plan_{format}"), check(plan, format));
    }
}

/// Each importer's malformed files: located errors, exit 2, never a panic.
#[test]
fn malformed_sources() {
    insta::glob!(
        "../../fixtures",
        "sources/errors/{terraform,structurizr,backstage,mermaid}/*",
        |path| {
            let path = relative(path);
            let out = check(&path, "human");
            assert!(out.starts_with("exit: 2\n"), "{out}");
            insta::assert_snapshot!("error", out);
        }
    );
}

#[test]
fn an_aws_runtime_calling_a_model_on_sagemaker_bypasses_azure() {
    let out = check("fixtures/sources/terraform/hybrid-agent.plan.json", "human");
    assert!(out.starts_with("exit: 1\n"), "{out}");
    assert!(out.contains("clause 4.1: breached"), "{out}");
    // The hop points at the lambda's `environment` in the plan's configuration.
    assert!(
        out.contains("aws_lambda_function.agent --api--> aws_sagemaker_endpoint.gpt_oss\n      --> fixtures/sources/terraform/hybrid-agent.plan.json:284:13"),
        "{out}"
    );
    assert!(
        out.contains("clause 4.3 \"Frontier models are hosted on Azure\": breached"),
        "{out}"
    );
    // The call to Azure OpenAI goes through the account, on Azure: no breach.
    assert!(
        !out.contains("--api--> module.openai.azurerm_cognitive_deployment.gpt4o\n"),
        "{out}"
    );
}

#[test]
fn without_a_profile_raw_types_are_kinds_and_edges_are_named_after_attributes() {
    let out = run(&[
        "check",
        "fixtures/sources/terraform/hybrid-agent.plan.json",
        "--agreement",
        AGREEMENT,
        "--as-of",
        AS_OF,
        "--format",
        "verdicts",
    ]);
    // No node is a `model` without the profile, so nothing is breached.
    assert!(out.starts_with("exit: 0\n"), "{out}");
    let loaded = proviso::topology::sources::load(
        &proviso::Source::new(
            "plan.json",
            std::fs::read_to_string("fixtures/sources/terraform/hybrid-agent.plan.json").unwrap(),
        ),
        proviso::topology::sources::Format::Terraform,
        None,
    )
    .unwrap();
    let lambda = loaded.node_index("aws_lambda_function.agent").unwrap();
    let node = &loaded.nodes[lambda as usize];
    let kind = loaded.strings.get("kind").unwrap();
    assert_eq!(
        loaded.strings.resolve(node.attr(kind).unwrap()),
        "aws_lambda_function"
    );
    let region = loaded.strings.get("region").unwrap();
    // From the provider configuration: the lambda's values have no region.
    assert_eq!(
        loaded.strings.resolve(node.attr(region).unwrap()),
        "us-east-1"
    );
    let kinds: Vec<&str> = loaded
        .edges
        .iter()
        .filter(|e| e.from == lambda)
        .map(|e| loaded.strings.resolve(e.kind))
        .collect();
    assert_eq!(
        kinds,
        [
            // To the Azure OpenAI account (through the module's output),
            // to the SageMaker endpoint and to the bucket.
            "aws_lambda_function.environment",
            "aws_lambda_function.environment",
            "aws_lambda_function.environment",
            "aws_lambda_function.role",
            "depends-on"
        ]
    );
}

#[test]
fn a_broken_plan_in_a_directory_scan_is_an_error_not_a_skip() {
    let out = run(&[
        "check",
        "fixtures/sources/errors/terraform",
        "--agreement",
        AGREEMENT,
        "--as-of",
        AS_OF,
    ]);
    assert!(out.starts_with("exit: 2\n"), "{out}");
    assert!(out.contains("truncated.plan.json:6:9"), "{out}");
    assert!(out.contains("trailing-comma.plan.json:4:39"), "{out}");
}

#[test]
fn input_format_forces_an_importer() {
    // A proviso topology read as a plan: the plan's words, located.
    let out = run(&[
        "check",
        "fixtures/json/all-forms.json",
        "--input-format",
        "terraform",
        "--agreement",
        AGREEMENT,
    ]);
    assert!(out.starts_with("exit: 2\n"), "{out}");
    assert!(out.contains("`planned_values` must be an object"), "{out}");
}

#[test]
fn a_structurizr_instance_inherits_its_deployment_nodes_and_is_hosted_in_them() {
    let out = check(
        "fixtures/sources/structurizr/model-platform.workspace.json",
        "human",
    );
    // The evaluation harness's instance runs on AWS and calls the frontier
    // model's instance on Azure by inference, not through the gateway.
    assert!(
        out.contains("Production/AWS/Evaluation harness[1] --inference--> Production/Azure/East US/Frontier model[1]"),
        "{out}"
    );
    assert!(
        out.contains("clause 4.4 \"No indirect circumvention\": breached"),
        "{out}"
    );
    let text =
        std::fs::read_to_string("fixtures/sources/structurizr/model-platform.workspace.json")
            .unwrap();
    let t = proviso::topology::sources::load(
        &proviso::Source::new("w.json", text),
        proviso::topology::sources::Format::Structurizr,
        None,
    )
    .unwrap();
    let gpt = t
        .node_index("Production/Azure/East US/Frontier model[1]")
        .unwrap();
    let node = &t.nodes[gpt as usize];
    let value = |name: &str| {
        t.strings
            .resolve(node.attr(t.strings.get(name).unwrap()).unwrap())
    };
    assert_eq!(value("cloud"), "azure"); // from the `Azure` deployment node
    assert_eq!(value("region"), "eastus"); // from `East US`
    assert_eq!(value("kind"), "model"); // from the container it instantiates
    let hosted = t.strings.get("hosted-in").unwrap();
    assert!(t.edges.iter().any(|e| e.from == gpt && e.kind == hosted));
}

#[test]
fn backstage_apis_lead_to_their_providers_and_refs_are_checked() {
    let out = check("fixtures/sources/backstage/catalog-info.yaml", "json");
    assert!(out.starts_with("exit: 0\n"), "{out}");
    let text = std::fs::read_to_string("fixtures/sources/backstage/catalog-info.yaml").unwrap();
    let t = proviso::topology::sources::load(
        &proviso::Source::new("catalog-info.yaml", text),
        proviso::topology::sources::Format::Backstage,
        None,
    )
    .unwrap();
    let pairs: Vec<(String, String, String)> = t
        .edges
        .iter()
        .map(|e| {
            (
                t.nodes[e.from as usize].id.to_string(),
                t.strings.resolve(e.kind).to_string(),
                t.nodes[e.to as usize].id.to_string(),
            )
        })
        .collect();
    let has = |a: &str, k: &str, b: &str| pairs.contains(&(a.into(), k.into(), b.into()));
    assert!(
        has("component:agent-service", "api", "api:openai-proxy"),
        "{pairs:?}"
    );
    assert!(
        has("api:openai-proxy", "api", "component:azure-gateway"),
        "{pairs:?}"
    );
    assert!(
        has("component:azure-gateway", "depends-on", "resource:gpt-4o"),
        "{pairs:?}"
    );
    // The Group is read and left out.
    assert!(t.node_index("group:team-agents").is_none());
}

/// A plan whose `count` fan-out would make quadratically many edges is
/// refused with a located error instead of taking quadratic memory.
#[test]
fn a_hostile_count_fan_out_is_capped() {
    let n = 400;
    let mut planned = Vec::new();
    for i in 0..n {
        for name in ["a", "b"] {
            planned.push(format!(
                r#"{{"address":"null_resource.{name}[{i}]","mode":"managed","type":"null_resource","name":"{name}","index":{i}}}"#
            ));
        }
    }
    let plan = format!(
        r#"{{"format_version":"1.2","planned_values":{{"root_module":{{"resources":[{}]}}}},
"configuration":{{"root_module":{{"resources":[
{{"address":"null_resource.a","mode":"managed","type":"null_resource","name":"a","expressions":{{"triggers":{{"references":["null_resource.b"]}}}}}}]}}}}}}"#,
        planned.join(",")
    );
    let source = proviso::Source::new("fanout.plan.json", plan);
    let e = proviso::topology::sources::load(
        &source,
        proviso::topology::sources::Format::Terraform,
        None,
    )
    .unwrap_err();
    assert!(
        e.0[0].message.contains("more edges than proviso reads"),
        "{}",
        e.0[0].message
    );
    assert_eq!(e.0[0].location().unwrap().line, 3);
}

const ESTATE: &str = "fixtures/sources/hybrid.estate.yaml";

/// The estate of a plan, a workspace and a native graph, in every format.
#[test]
fn the_hybrid_estate_in_every_format() {
    for format in ["human", "json", "sarif", "junit", "github", "markdown"] {
        insta::assert_snapshot!(format!("estate_{format}"), check(ESTATE, format));
    }
}

/// A path that starts in the native graph and goes on in the plan: each
/// hop of the witness names its own file.
#[test]
fn an_estate_path_crosses_files_and_each_hop_names_its_file() {
    let out = check(ESTATE, "json");
    assert!(out.starts_with("exit: 1\n"), "{out}");
    let json: serde_json::Value = serde_json::from_str(
        out.split_once("--- stdout\n")
            .unwrap()
            .1
            .split("\n--- stderr")
            .next()
            .unwrap(),
    )
    .unwrap();
    let text = json.to_string();
    assert!(
        text.contains("\"fixtures/sources/estate/partners.yaml\""),
        "{text}"
    );
    // Clause 4.2's first witness: partner-app (partners.yaml) through the
    // plan's API gateway to the SageMaker endpoint.
    let clause = json["reports"][0]["verdicts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["clause"] == "4.2")
        .unwrap();
    let hops = clause["letter"]["witnesses"][0]["hops"].to_string();
    let files: std::collections::BTreeSet<String> = hops
        .split("\"file\":\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().to_string())
        .collect();
    assert!(
        files.contains("fixtures/sources/estate/partners.yaml"),
        "{files:?}"
    );
    assert!(
        files.contains("fixtures/sources/terraform/hybrid-agent.plan.json"),
        "{files:?}"
    );
}

/// A scan that finds a manifest and its parts judges the parts in the
/// estate only, and says so.
#[test]
fn a_scan_judges_an_estate_part_once() {
    let out = run(&[
        "check",
        ESTATE,
        "fixtures/sources/estate",
        "--agreement",
        AGREEMENT,
        "--as-of",
        AS_OF,
        "--format",
        "json",
        "--verbose",
    ]);
    assert!(out.starts_with("exit: 1\n"), "{out}");
    assert!(
        out.contains("`fixtures/sources/estate/partners.yaml` is judged as a part of its estate"),
        "{out}"
    );
    assert!(
        !out.contains("\"topology\": \"fixtures/sources/estate/partners.yaml\""),
        "{out}"
    );
}

/// Each malformed estate: located errors, exit 2.
#[test]
fn malformed_estates() {
    insta::glob!("../../fixtures", "sources/errors/estate/*.yaml", |path| {
        let path = relative(path);
        let out = check(&path, "human");
        assert!(out.starts_with("exit: 2\n"), "{out}");
        insta::assert_snapshot!("estate_error", out);
    });
}

/// `profile` in proviso.toml (relative to it) maps the sources; a
/// `--profile` given as well comes after it and wins on the same key.
#[test]
fn the_gate_configuration_names_profiles() {
    let plan = "fixtures/sources/terraform/hybrid-agent.plan.json";
    let config = "fixtures/sources/config/proviso.toml";
    let out = run(&["check", plan, "--config", config, "--as-of", AS_OF]);
    assert!(out.contains("--configured-api-->"), "{out}");
    let out = run(&[
        "check",
        plan,
        "--config",
        config,
        "--profile",
        "fixtures/sources/config/later.yaml",
        "--as-of",
        AS_OF,
    ]);
    assert!(out.contains("--later-api-->"), "{out}");
    assert!(!out.contains("configured-api"), "{out}");
}

/// The Azure OpenAI deployment has no location of its own: it inherits
/// its account's (`cognitive_account_id`), so clause 7.3 (approved
/// regions) is breached by the SageMaker endpoint alone.
#[test]
fn a_sub_resource_inherits_the_region_of_its_parent() {
    let out = check("fixtures/sources/terraform/hybrid-agent.plan.json", "human");
    let clause = out
        .split("clause 7.3")
        .nth(1)
        .and_then(|s| s.split("\nclause ").next())
        .expect("clause 7.3 is reported");
    assert!(clause.contains("it fails: 1 witness"), "{clause}");
    assert!(
        clause.contains("aws_sagemaker_endpoint.gpt_oss"),
        "{clause}"
    );
    assert!(!clause.contains("azurerm_cognitive_deployment"), "{clause}");
}

/// The other source fixtures in the formats the hybrid plan's test
/// covers: every fixture is then snapshot-tested in every format.
#[test]
fn the_other_fixtures_in_every_format() {
    insta::glob!(
        "../../fixtures",
        "sources/{mermaid,structurizr,backstage}/*",
        |path| {
            let path = relative(path);
            for format in ["sarif", "junit", "github", "markdown"] {
                insta::assert_snapshot!(format!("source_{format}"), check(&path, format));
            }
        }
    );
}

/// A part that is a symbolic link out of the manifest's directory is
/// refused, even though its path looks innocent.
#[cfg(unix)]
#[test]
fn an_estate_part_may_not_be_a_symlink_out_of_its_directory() {
    let root = super::support::temp_dir("estate-symlink");
    let outside = root.join("outside.yaml");
    std::fs::write(&outside, "nodes:\n  a: {kind: app}\n").unwrap();
    let dir = root.join("estate");
    std::fs::create_dir_all(&dir).unwrap();
    std::os::unix::fs::symlink(&outside, dir.join("part.yaml")).unwrap();
    let manifest = dir.join("x.estate.yaml");
    std::fs::write(&manifest, "estate: x\nparts:\n  - path: part.yaml\n").unwrap();
    let out = run(&[
        "check",
        manifest.to_str().unwrap(),
        "--agreement",
        AGREEMENT,
        "--as-of",
        AS_OF,
    ]);
    assert!(out.starts_with("exit: 2\n"), "{out}");
    assert!(
        out.contains(
            "the part `part.yaml` is a symbolic link that leaves the manifest's directory"
        ),
        "{out}"
    );
    let _ = std::fs::remove_dir_all(&root);
}
