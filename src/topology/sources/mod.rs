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

/// The format of a file (`forced`, else detected), and its proviso load
/// when that was tried first: what [`detect`] says, without its second
/// parse of a large `.json` topology.
///
/// A `.json` file is first offered to proviso's own JSON loader. One that
/// loads without error has only proviso's top-level keys (`name`,
/// `agreement`, `nodes`, `edges`; any other is an error), so it holds
/// neither a plan's `format_version` and `planned_values` nor a
/// workspace's `model`, and [`detect`] would leave it to proviso: the
/// load is the answer. One that fails is detected as before (a broken
/// plan is still read as a plan), and its failed load is returned only
/// when detection leaves the file to proviso, so its errors are not
/// computed twice. At a million nodes this saves a third of a second.
pub fn detect_loading(
    source: &SourceRef,
    forced: Option<Format>,
) -> (Option<Format>, Option<Result<Topology, Errors>>) {
    if forced.is_some() {
        return (forced, None);
    }
    if load::Kind::of_path(source.path()) != Some(load::Kind::Json) {
        return (detect(source.text()), None);
    }
    let loaded = load::from_source(source, load::Kind::Json);
    if loaded.is_ok() {
        return (Some(Format::Proviso(load::Kind::Json)), Some(loaded));
    }
    match detect(source.text()) {
        None => (None, Some(loaded)),
        other => (other, None),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Texts on both sides of detection's line: proviso topologies, plans,
    /// workspaces, broken ones, and proviso files with a plan's keys.
    const TEXTS: [&str; 9] = [
        r#"{"nodes": {"a": {"kind": "service"}}, "edges": []}"#,
        r#"{"name": "x", "nodes": {}}"#,
        r#"{"format_version": "1.2", "planned_values": {}}"#,
        r#"{"format_version": "1.2", "planned_values": {}, "nodes": {}}"#,
        r#"{"model": {}, "nodes": {}}"#,
        r#"{"model": {"softwareSystems": []}}"#,
        r#"{"format_version": "1.2", "planned_values": {"#,
        r#"{"nodes": {"a": {"kind": "service", "note": "planned_values format_version"}}"#,
        r#"{"nodes": {"a": {"kind": "service"}}, "edges": [{"from": "a", "to": "b"}]}"#,
    ];

    fn outcome(r: &Result<Topology, Errors>) -> Result<usize, Vec<String>> {
        match r {
            Ok(t) => Ok(t.nodes.len()),
            Err(e) => Err(e.0.iter().map(|d| d.message.clone()).collect()),
        }
    }

    #[test]
    fn loading_first_picks_what_detection_picks_and_loads_what_the_loader_loads() {
        for text in TEXTS {
            let source = crate::source::Source::new("t.json", text);
            let (format, preloaded) = detect_loading(&source, None);
            let loaded = load::from_source(&source, load::Kind::Json);
            let detected = detect(text);
            match (&preloaded, loaded.is_ok()) {
                // A clean load: detection would have left it to proviso.
                (Some(Ok(_)), true) => {
                    assert_eq!(detected, None, "{text}");
                    assert_eq!(format, Some(Format::Proviso(load::Kind::Json)), "{text}");
                }
                (Some(Err(_)), false) => assert_eq!((format, detected), (None, None), "{text}"),
                (None, false) => {
                    assert!(detected.is_some(), "{text}");
                    assert_eq!(format, detected, "{text}");
                }
                _ => panic!("the load first and the load alone disagree on {text}"),
            }
            if let Some(p) = &preloaded {
                assert_eq!(outcome(p), outcome(&loaded), "{text}");
            }
        }
    }

    #[test]
    fn a_file_not_named_json_is_only_detected() {
        for text in TEXTS {
            let (format, preloaded) =
                detect_loading(&crate::source::Source::new("t.yaml", text), None);
            assert!(preloaded.is_none());
            assert_eq!(format, detect(text), "{text}");
        }
    }
}
