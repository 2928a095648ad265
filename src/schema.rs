//! JSON Schemas for the files people write and the report proviso writes
//! (`proviso schema NAME`), so that editors validate a topology, a waiver
//! file or `proviso.toml` as it is typed.
//!
//! Each schema is derived with schemars from the types that read or write
//! the file: the waiver file's and the configuration's serde structs, and
//! the report model. The topology loader is hand-written (it streams events
//! to keep every location), so its file shape is described here by plain
//! types that nothing else uses; a test validates every topology fixture
//! against the result, and the committed copies under `schemas/` are
//! compared with these in a test, so neither can drift unnoticed.

use std::collections::BTreeMap;

use schemars::JsonSchema;

/// The schemas, by the name `proviso schema` takes.
pub const NAMES: [&str; 4] = ["topology", "waivers", "config", "report"];

/// The schema called `name` (one of [`NAMES`]), as pretty JSON ending in a
/// newline; `None` for another name.
pub fn json(name: &str) -> Option<String> {
    let schema = match name {
        "topology" => schemars::schema_for!(TopologyFile),
        "waivers" => crate::gate::waivers::schema(),
        "config" => crate::gate::config::schema(),
        "report" => schemars::schema_for!(crate::report::model::Document),
        _ => return None,
    };
    let mut text = serde_json::to_string_pretty(&schema).expect("a schema serialises");
    text.push('\n');
    Some(text)
}

/// A topology file (YAML or JSON): the nodes of a proposed deployment and
/// the edges between them, from caller to callee.
#[derive(JsonSchema)]
#[schemars(title = "proviso topology", deny_unknown_fields)]
#[allow(dead_code)] // only its schema is used
struct TopologyFile {
    /// The design's name, shown in reports.
    #[serde(default)]
    name: String,
    /// The agreement file, relative to this file (`--agreement` overrides;
    /// in CI the gate configuration names it instead).
    #[serde(default)]
    agreement: String,
    /// Node ids to their attributes (`kind`, `cloud`, `zone`, ...).
    nodes: BTreeMap<String, Attributes>,
    /// The edges, each from caller to callee.
    #[serde(default)]
    edges: Vec<Edge>,
}

/// An edge: `from` and `to` name nodes, `kind` says what flows
/// (`api`, `inference`, `data`, ...); any other key is an edge attribute.
#[derive(JsonSchema)]
#[allow(dead_code)]
struct Edge {
    /// The caller's node id.
    from: String,
    /// The callee's node id.
    to: String,
    /// The edge kind.
    kind: String,
    /// Edge attributes.
    #[serde(flatten)]
    attributes: BTreeMap<String, Value>,
}

/// A node's attributes, or `null` for a node without any.
#[derive(JsonSchema)]
#[allow(dead_code)]
#[serde(untagged)]
enum Attributes {
    /// Attribute names to values.
    Map(BTreeMap<String, Value>),
    /// No attributes.
    None(()),
}

/// An attribute value: plain, a list of plain values, or a map (read as
/// dotted names: `labels: {team: ml}` gives `labels.team`).
#[derive(JsonSchema)]
#[allow(dead_code)]
#[serde(untagged)]
enum Value {
    /// Text, a number or a boolean; numbers compare as written.
    Plain(Plain),
    /// A list of plain values (`tags: [pci, phi]`).
    List(Vec<Plain>),
    /// A map of values, flattened into dotted names.
    Map(BTreeMap<String, Value>),
}

/// Text, a number or a boolean.
#[derive(JsonSchema)]
#[allow(dead_code)]
#[serde(untagged)]
enum Plain {
    /// Text.
    Text(String),
    /// A number, compared as its text.
    Number(serde_json::Number),
    /// A boolean, compared as its text.
    Bool(bool),
}
