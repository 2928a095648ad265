//! The JSON Schemas: the committed copies in `schemas/` are what `proviso
//! schema` prints, every fixture validates against its schema, and files
//! the loaders refuse for their shape are refused by the schema too.

use std::path::{Path, PathBuf};

use super::support::{AS_OF, proviso, relative};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn schema_path(name: &str) -> PathBuf {
    Path::new(ROOT)
        .join("schemas")
        .join(format!("{name}.schema.json"))
}

fn validator(name: &str) -> jsonschema::Validator {
    let text = proviso::schema::json(name).expect("a known schema");
    let schema: serde_json::Value = serde_json::from_str(&text).expect("the schema is JSON");
    jsonschema::validator_for(&schema).expect("the schema is a valid JSON Schema")
}

/// A YAML, JSON or TOML file as a JSON value.
fn read(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).expect("the fixture reads");
    match path.extension().and_then(|e| e.to_str()) {
        Some("json") => serde_json::from_str(&text).expect("JSON fixture"),
        Some("toml") => toml::from_str(&text).expect("TOML fixture"),
        _ => serde_saphyr::from_str(&text).expect("YAML fixture"),
    }
}

/// The errors of `instance` under `validator`, one line each.
fn errors(validator: &jsonschema::Validator, instance: &serde_json::Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

fn files(dir: &str, exts: &[&str]) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(Path::new(ROOT).join(dir))
        .expect("the fixture folder exists")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| {
            p.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| exts.contains(&e))
        })
        .collect();
    out.sort();
    assert!(!out.is_empty(), "no fixtures in {dir}");
    out
}

fn assert_all_valid(name: &str, paths: &[PathBuf]) {
    let v = validator(name);
    for path in paths {
        let errs = errors(&v, &read(path));
        assert!(
            errs.is_empty(),
            "{} does not validate against the {name} schema:\n{}",
            relative(path),
            errs.join("\n")
        );
    }
}

#[test]
fn committed_schemas_are_what_proviso_schema_prints() {
    for name in proviso::schema::NAMES {
        let printed = proviso()
            .args(["schema", name])
            .output()
            .expect("the binary runs");
        assert!(printed.status.success(), "proviso schema {name} failed");
        let printed = String::from_utf8(printed.stdout).expect("UTF-8");
        assert_eq!(printed, proviso::schema::json(name).unwrap());
        let committed = std::fs::read_to_string(schema_path(name)).unwrap_or_default();
        assert!(
            committed == printed,
            "schemas/{name}.schema.json is out of date: run `cargo run -- schema {name} > schemas/{name}.schema.json`"
        );
    }
}

#[test]
fn an_unknown_schema_name_is_a_usage_error() {
    let out = proviso().args(["schema", "topolgy"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("topology"), "{stderr}");
}

#[test]
fn every_topology_fixture_validates() {
    let mut paths = files("fixtures/topologies", &["yaml"]);
    paths.extend(files("fixtures/v1/topologies", &["yaml"]));
    paths.extend(files("fixtures/json", &["json"]));
    paths.push(Path::new(ROOT).join("fixtures/gate/repo/frontier.yaml"));
    paths.push(Path::new(ROOT).join("fixtures/gate/default-waivers/design.yaml"));
    assert_all_valid("topology", &paths);
}

#[test]
fn topologies_of_the_wrong_shape_are_refused_by_the_schema() {
    let v = validator("topology");
    for file in [
        "unknown-key.json",
        "missing-field.json",
        "nodes-list.json",
        "wrong-type.json",
    ] {
        let path = Path::new(ROOT).join("fixtures/errors/topology").join(file);
        assert!(
            !errors(&v, &read(&path)).is_empty(),
            "{file} is refused by the loader but valid under the schema"
        );
    }
}

#[test]
fn every_waiver_fixture_validates_and_a_null_witness_does_not() {
    let mut paths = files("fixtures/gate/waivers", &["yaml"]);
    paths.push(Path::new(ROOT).join("fixtures/gate/waivers/globs/dot-slash.yaml"));
    paths.push(Path::new(ROOT).join("fixtures/gate/default-waivers/proviso-waivers.yaml"));
    assert_all_valid("waivers", &paths);
    let null = read(&Path::new(ROOT).join("fixtures/gate/waivers/wrong/null-witness.yaml"));
    assert!(!errors(&validator("waivers"), &null).is_empty());
}

#[test]
fn the_gate_configuration_validates_and_an_unknown_key_does_not() {
    assert_all_valid(
        "config",
        &[Path::new(ROOT).join("fixtures/gate/repo/proviso.toml")],
    );
    let typo: serde_json::Value = toml::from_str("agreemnt = \"a.contract\"\n").unwrap();
    assert!(!errors(&validator("config"), &typo).is_empty());
}

#[test]
fn every_json_report_validates() {
    // The committed baselines (reports of earlier runs) ...
    assert_all_valid("report", &files("fixtures/gate/baselines", &["json"]));
    // ... and the report of every topology fixture, as written today.
    let v = validator("report");
    for path in files("fixtures/topologies", &["yaml"]) {
        let out = proviso()
            .args([
                "check",
                &relative(&path),
                "--format",
                "json",
                "--as-of",
                AS_OF,
            ])
            .output()
            .unwrap();
        assert!(
            out.status.code().is_some_and(|c| c <= 1),
            "{}",
            relative(&path)
        );
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let errs = errors(&v, &report);
        assert!(errs.is_empty(), "{}:\n{}", relative(&path), errs.join("\n"));
    }
}
