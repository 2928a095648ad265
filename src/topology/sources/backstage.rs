//! Backstage catalogs (`catalog-info.yaml`, several documents per file) as
//! topologies.
//!
//! Components, APIs, Resources and Systems are nodes; other kinds (Group,
//! User, Domain, Location, Template) are read and left out. A node's id is
//! its entity ref, the kind lowercased and the namespace left out when it
//! is `default` (`component:agent-runtime`, `api:ops/openai-proxy`).
//! Attributes: `entity` (the kind), `type` (`spec.type`, else the kind),
//! `lifecycle`, `owner`, `system`, `tags` (a list), `labels.*` and
//! `annotations.*`. Edges: `dependsOn` (kind `depends-on`, the kind of the
//! ref defaulting to `component`), `consumesApis` to the API (kind `api`),
//! and from an API to each component that `providesApis` it (kind `api`).
//! A ref to an entity not in the file is an error.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_saphyr::Spanned;

use super::draft::{Draft, DraftEdge, DraftNode};
use crate::diag::{Diagnostic, Errors};
use crate::source::{SourceRef, Span};

/// Whether a YAML text is a Backstage catalog: a document whose
/// `apiVersion` is `backstage.io/...`.
pub fn is_catalog(text: &str) -> bool {
    text.lines().any(|l| {
        l.strip_prefix("apiVersion:").is_some_and(|v| {
            v.trim()
                .trim_matches(|c| c == '"' || c == '\'')
                .starts_with("backstage.io/")
        })
    })
}

#[derive(Deserialize)]
struct Entity {
    #[serde(rename = "apiVersion", default)]
    api_version: Option<Spanned<String>>,
    #[serde(default)]
    kind: Option<Spanned<String>>,
    #[serde(default)]
    metadata: Option<Metadata>,
    #[serde(default)]
    spec: Option<Spec>,
}

#[derive(Deserialize, Default)]
struct Metadata {
    #[serde(default)]
    name: Option<Spanned<String>>,
    #[serde(default)]
    namespace: Option<String>,
    #[serde(default)]
    labels: BTreeMap<String, String>,
    #[serde(default)]
    annotations: BTreeMap<String, String>,
    #[serde(default)]
    tags: Vec<String>,
}

#[derive(Deserialize, Default)]
struct Spec {
    #[serde(rename = "type", default)]
    typ: Option<String>,
    #[serde(default)]
    lifecycle: Option<String>,
    #[serde(default)]
    owner: Option<String>,
    #[serde(default)]
    system: Option<String>,
    #[serde(rename = "dependsOn", default)]
    depends_on: Vec<Spanned<String>>,
    #[serde(rename = "consumesApis", default)]
    consumes_apis: Vec<Spanned<String>>,
    #[serde(rename = "providesApis", default)]
    provides_apis: Vec<Spanned<String>>,
}

/// The kinds that become nodes.
const NODE_KINDS: [&str; 4] = ["component", "api", "resource", "system"];

/// An entity ref in canonical form: `kind:name`, or `kind:ns/name`.
fn canonical(reference: &str, default_kind: &str, default_ns: &str) -> String {
    let (kind, rest) = match reference.split_once(':') {
        Some((k, r)) => (k.to_ascii_lowercase(), r),
        None => (default_kind.to_string(), reference),
    };
    let (ns, name) = match rest.split_once('/') {
        Some((n, m)) => (n.to_string(), m),
        None => (default_ns.to_string(), rest),
    };
    if ns == "default" {
        format!("{kind}:{name}")
    } else {
        format!("{kind}:{ns}/{name}")
    }
}

fn span(source: &SourceRef, s: &Spanned<String>) -> Span {
    let start = source.offset(s.referenced.line() as usize, s.referenced.column() as usize);
    let line = source.line_range(start);
    start..line.end.max(start)
}

/// Reads a catalog.
pub fn import(source: &SourceRef) -> Result<Draft, Errors> {
    let mut options = serde_saphyr::Options::default();
    options.with_snippet = false;
    options.reject_unsupported_tags = true;
    let len = source.text().len();
    let mut budget = serde_saphyr::Budget::default();
    budget.max_nodes = len + 10_000;
    budget.max_events = 2 * len + 10_000;
    budget.max_documents = len / 4 + 16;
    budget.max_depth = 64;
    budget.max_aliases = 10_000;
    budget.max_anchors = 10_000;
    options.budget = Some(budget);
    let docs: Vec<Entity> = serde_saphyr::from_multiple_with_options(source.text(), options)
        .map_err(|e| {
            let message = crate::topology::load::yaml_message(&e);
            let d = Diagnostic::error(format!(
                "the Backstage catalog cannot be read: {}",
                crate::escape::display(&message)
            ))
            .help("each document is an entity: `apiVersion: backstage.io/v1alpha1`, `kind`, `metadata.name`, `spec`");
            let d = crate::topology::load::at_yaml_error(d, source, &e);
            Errors(vec![d])
        })?;
    let mut draft = Draft::new(source, "entity");
    let mut provides: Vec<(String, String, Span)> = Vec::new();
    for doc in docs {
        let Some(kind) = doc.kind else {
            if let Some(v) = &doc.api_version {
                draft
                    .error("this entity has no `kind`", span(source, v), "here")
                    .help = Some("give it `kind: Component` (or API, Resource, System)".into());
            }
            continue;
        };
        let entity = kind.value.to_ascii_lowercase();
        if !NODE_KINDS.contains(&entity.as_str()) {
            continue;
        }
        let meta = doc.metadata.unwrap_or_default();
        let Some(name) = meta.name else {
            draft.error(
                format!("this {} has no `metadata.name`", kind.value),
                span(source, &kind),
                "here",
            );
            continue;
        };
        let ns = meta
            .namespace
            .clone()
            .unwrap_or_else(|| "default".to_string());
        let id = canonical(&name.value, &entity, &ns);
        let mut node = DraftNode::new(id.clone(), span(source, &name));
        node.set("entity", entity.clone());
        let spec = doc.spec.unwrap_or_default();
        node.set("type", spec.typ.clone().unwrap_or_else(|| entity.clone()));
        for (k, v) in [
            ("lifecycle", &spec.lifecycle),
            ("owner", &spec.owner),
            ("system", &spec.system),
        ] {
            if let Some(v) = v {
                node.set(k, v.clone());
            }
        }
        node.set_list("tags", meta.tags.clone());
        for (k, v) in &meta.labels {
            node.set(format!("labels.{k}"), v.clone());
        }
        for (k, v) in &meta.annotations {
            node.set(format!("annotations.{k}"), v.clone());
        }
        draft.nodes.push(node);
        for d in &spec.depends_on {
            let to = canonical(&d.value, "component", &ns);
            draft.edges.push(DraftEdge::new(
                id.clone(),
                to,
                "depends-on",
                span(source, d),
            ));
        }
        for a in &spec.consumes_apis {
            let to = canonical(&a.value, "api", &ns);
            draft
                .edges
                .push(DraftEdge::new(id.clone(), to, "api", span(source, a)));
        }
        for a in &spec.provides_apis {
            provides.push((canonical(&a.value, "api", &ns), id.clone(), span(source, a)));
        }
    }
    // An API leads to the components that provide it; after every entity
    // is known, so a file may list them in any order.
    for (api, component, at) in provides {
        draft.edges.push(DraftEdge::new(api, component, "api", at));
    }
    Ok(draft)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refs_take_the_field_default_kind_and_drop_the_default_namespace() {
        assert_eq!(
            canonical("openai-proxy", "api", "default"),
            "api:openai-proxy"
        );
        assert_eq!(
            canonical("Resource:ops/db", "component", "default"),
            "resource:ops/db"
        );
        assert_eq!(canonical("db", "component", "ops"), "component:ops/db");
    }

    #[test]
    fn a_catalog_is_known_by_its_api_version() {
        assert!(is_catalog(
            "---\napiVersion: backstage.io/v1alpha1\nkind: Component\n"
        ));
        assert!(!is_catalog("nodes:\n  a: {}\n"));
    }
}
