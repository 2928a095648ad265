//! Topologies from what teams already keep: Terraform plans, Mermaid
//! flowcharts, Structurizr workspaces and Backstage catalogs, each read by
//! its own importer into the same
//! [`Topology`] the YAML and JSON loaders build.
//!
//! Each importer reads its format into a [`draft::Draft`] (nodes and
//! edges by id, with raw attributes and the span of their definition in
//! the source), and [`draft::finish`] applies a mapping [`profile`] and
//! builds the graph, so every importer ends in the same model and every
//! witness hop names a line of the source file. What each importer reads
//! and what is approximate is in docs/sources.md.
//!
//! A format is chosen by [`detect`] (by content, never by a name alone: a
//! file that looks like a plan is read as one, and fails loudly if it is
//! broken) or forced with `--input-format`.

pub mod backstage;
pub mod draft;
pub mod json;
pub mod mermaid;
pub mod profile;
pub mod structurizr;
pub mod terraform;

use crate::diag::Errors;
use crate::source::SourceRef;
use crate::topology::Topology;
use crate::topology::load;

pub use profile::Profile;

/// Every input format proviso reads a topology from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// proviso's own YAML or JSON graph.
    Proviso(load::Kind),
    /// `terraform show -json` output.
    Terraform,
    /// A Mermaid flowchart (the body of a ```` ```mermaid proviso ```` block,
    /// or a `.mmd` file).
    Mermaid,
    /// A Structurizr workspace JSON.
    Structurizr,
    /// A Backstage catalog (`catalog-info.yaml`, several documents).
    Backstage,
}

impl Format {
    /// The name `--input-format` takes and messages use.
    pub fn name(self) -> &'static str {
        match self {
            Format::Proviso(load::Kind::Yaml) => "proviso (YAML)",
            Format::Proviso(load::Kind::Json) => "proviso (JSON)",
            Format::Terraform => "terraform",
            Format::Mermaid => "mermaid",
            Format::Structurizr => "structurizr",
            Format::Backstage => "backstage",
        }
    }
}

/// What a file's content says it is, if it is one of the sources: the top
/// level of a JSON document (`format_version` and `planned_values` make a
/// Terraform plan). `None` leaves the file to proviso's own loaders and
/// their classification.
pub fn detect(text: &str) -> Option<Format> {
    let start = text.trim_start_matches('\u{feff}').trim_start();
    if start.starts_with('{') {
        match json_top_keys(text) {
            Some(top) if terraform::is_plan(&top) => return Some(Format::Terraform),
            Some(top) if structurizr::is_workspace(&top) => return Some(Format::Structurizr),
            Some(_) => {}
            // Broken JSON that names a plan's keys is read as a plan, so
            // its error is the plan's (located), and a scan cannot skip it.
            None if has(text, "\"planned_values\"") && has(text, "\"format_version\"") => {
                return Some(Format::Terraform);
            }
            None if has(text, "\"model\"")
                && (has(text, "\"softwareSystems\"") || has(text, "\"deploymentNodes\"")) =>
            {
                return Some(Format::Structurizr);
            }
            None => {}
        }
        return None;
    }
    backstage::is_catalog(text).then_some(Format::Backstage)
}

fn has(text: &str, needle: &str) -> bool {
    memchr::memmem::find(text.as_bytes(), needle.as_bytes()).is_some()
}

/// The keys of a JSON document's top-level object; values skipped unread.
fn json_top_keys(text: &str) -> Option<Vec<String>> {
    let map: std::collections::BTreeMap<String, serde::de::IgnoredAny> =
        serde_json::from_str(text).ok()?;
    Some(map.into_keys().collect())
}

/// Loads a source of a given format into a topology, through `profile`.
pub fn load(
    source: &SourceRef,
    format: Format,
    profile: Option<&Profile>,
) -> Result<Topology, Errors> {
    let mut topology = match format {
        Format::Proviso(kind) => load::from_source(source, kind),
        Format::Terraform => draft::finish(terraform::import(source)?, profile),
        Format::Mermaid => draft::finish(mermaid::import(source)?, profile),
        Format::Structurizr => draft::finish(structurizr::import(source)?, profile),
        Format::Backstage => draft::finish(backstage::import(source)?, profile),
    }?;
    topology.drop_index();
    Ok(topology)
}
