//! Generates imported sources for the benchmarks (docs/sources.md,
//! "Importer performance"): a Terraform plan of N resources, or a
//! Structurizr workspace of N containers.
//!
//! cargo run --release --example gen-source -- terraform 10000 > plan.json
//! cargo run --release --example gen-source -- structurizr 10000 > workspace.json
//!
//! The plan repeats a unit of four resources (an IAM role, a Lambda
//! function referring to the role and to an Azure OpenAI deployment, a
//! Cognitive account, and its deployment referring to the account by
//! `cognitive_account_id`, so region inheritance runs), with
//! `planned_values`, `resource_changes` and `configuration` references.
//! The workspace has one software system of N containers, each using the
//! next, and a deployment node holding one instance of each. Output is
//! deterministic.

use std::fmt::Write as _;

fn terraform(n: usize) -> String {
    let units = n.div_ceil(4);
    let mut planned = Vec::new();
    let mut changes = Vec::new();
    let mut config = Vec::new();
    let aws = "registry.terraform.io/hashicorp/aws";
    let az = "registry.terraform.io/hashicorp/azurerm";
    for i in 0..units {
        let res = [
            (
                "aws_iam_role",
                format!("r{i}"),
                aws,
                r#"{"name": "role"}"#.to_string(),
                String::new(),
            ),
            (
                "aws_lambda_function",
                format!("f{i}"),
                aws,
                format!(
                    r#"{{"function_name": "f{i}", "tags": {{"owner": "team{}"}}}}"#,
                    i % 7
                ),
                format!(
                    r#""role": {{"references": ["aws_iam_role.r{i}.arn", "aws_iam_role.r{i}"]}}, "environment": [{{"variables": {{"references": ["azurerm_cognitive_deployment.d{i}.name", "azurerm_cognitive_deployment.d{i}"]}}}}]"#
                ),
            ),
            (
                "azurerm_cognitive_account",
                format!("a{i}"),
                az,
                format!(
                    r#"{{"location": "{}", "kind": "OpenAI"}}"#,
                    if i % 2 == 0 { "eastus" } else { "westeurope" }
                ),
                String::new(),
            ),
            (
                "azurerm_cognitive_deployment",
                format!("d{i}"),
                az,
                r#"{"name": "gpt-4o"}"#.to_string(),
                format!(
                    r#""cognitive_account_id": {{"references": ["azurerm_cognitive_account.a{i}.id", "azurerm_cognitive_account.a{i}"]}}"#
                ),
            ),
        ];
        for (t, name, provider, values, exprs) in res {
            let addr = format!("{t}.{name}");
            planned.push(format!(
                r#"{{"address": "{addr}", "mode": "managed", "type": "{t}", "name": "{name}", "provider_name": "{provider}", "values": {values}}}"#
            ));
            changes.push(format!(
                r#"{{"address": "{addr}", "mode": "managed", "type": "{t}", "name": "{name}", "change": {{"actions": ["create"]}}}}"#
            ));
            let key = if provider == aws { "aws" } else { "azurerm" };
            config.push(format!(
                r#"{{"address": "{addr}", "mode": "managed", "type": "{t}", "name": "{name}", "provider_config_key": "{key}", "expressions": {{{exprs}}}}}"#
            ));
        }
    }
    format!(
        "{{\"format_version\": \"1.2\", \"terraform_version\": \"1.9.5\",\n\"planned_values\": {{\"root_module\": {{\"resources\": [\n{}\n]}}}},\n\"resource_changes\": [\n{}\n],\n\"configuration\": {{\"provider_config\": {{\"aws\": {{\"name\": \"aws\", \"expressions\": {{\"region\": {{\"constant_value\": \"us-east-1\"}}}}}}, \"azurerm\": {{\"name\": \"azurerm\"}}}},\n\"root_module\": {{\"resources\": [\n{}\n]}}}}}}\n",
        planned.join(",\n"),
        changes.join(",\n"),
        config.join(",\n")
    )
}

fn structurizr(n: usize) -> String {
    let mut containers = String::new();
    let mut instances = String::new();
    for i in 0..n {
        let rel = if i + 1 < n {
            format!(
                r#", "relationships": [{{"id": "r{i}", "sourceId": "c{i}", "destinationId": "c{}", "technology": "api", "tags": "Relationship"}}]"#,
                i + 1
            )
        } else {
            String::new()
        };
        let sep = if i == 0 { "" } else { ",\n" };
        let _ = write!(
            containers,
            r#"{sep}{{"id": "c{i}", "name": "Container {i}", "technology": "Rust", "tags": "Element,Container", "properties": {{"kind": "{}", "tier": "t{}"}}{rel}}}"#,
            if i % 10 == 0 { "model" } else { "service" },
            i % 3
        );
        let _ = write!(
            instances,
            r#"{sep}{{"id": "i{i}", "containerId": "c{i}", "instanceId": 1, "environment": "Production", "tags": "Container Instance"}}"#
        );
    }
    format!(
        "{{\"id\": 1, \"name\": \"Generated\", \"model\": {{\"softwareSystems\": [{{\"id\": \"s\", \"name\": \"Platform\", \"tags\": \"Element,Software System\", \"containers\": [\n{containers}\n]}}],\n\"deploymentNodes\": [{{\"id\": \"dn\", \"name\": \"Azure\", \"environment\": \"Production\", \"properties\": {{\"cloud\": \"azure\", \"region\": \"eastus\"}}, \"containerInstances\": [\n{instances}\n]}}]}}, \"views\": {{}}}}\n"
    )
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(10_000);
    let out = match args.first().map(String::as_str) {
        Some("terraform") => terraform(n),
        Some("structurizr") => structurizr(n),
        _ => {
            eprintln!("usage: gen-source terraform|structurizr [N]");
            std::process::exit(2);
        }
    };
    print!("{out}");
}
