//! Mapping profiles: a source's raw vocabulary in an agreement's words.
//!
//! A Terraform plan says `azurerm_cognitive_account`; an agreement says
//! `kind = model`. A profile is a small YAML file that maps a node's raw
//! `type` to attributes, and an edge's raw kind to another kind, the other
//! direction, or nothing:
//!
//! ```yaml
//! profile: azure-ai
//! attributes:
//!   tags.model-provider: provider
//! nodes:
//!   azurerm_cognitive_deployment: {kind: model, provider: openai}
//!   "azurerm_api_management*": {kind: api-gateway}
//! edges:
//!   azurerm_api_management_backend.url: {kind: api}
//!   aws_lambda_permission.function_name: {kind: invoke, reverse: true}
//!   depends-on: {drop: true}
//! ```
//!
//! `attributes` copies a raw attribute under another name (a tag into the
//! agreement's attribute), before the `nodes` rules, which win over it.
//! A key ending in `*` matches by prefix; an exact key wins over any
//! prefix, and a longer prefix over a shorter one, so the answer never
//! depends on the order of the file. A profile is explicit data the user
//! chose (`--profile`, or `profile` in proviso.toml), never read from the
//! sources themselves: a pull request cannot rename its own resources
//! into compliance without changing a file the gate's owners review.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::draft::{DraftEdge, DraftNode};
use crate::diag::{Diagnostic, Errors};
use crate::source::SourceRef;

/// A loaded profile.
#[derive(Debug, Clone, Default)]
pub struct Profile {
    /// Its `profile:` name, for messages.
    pub name: Option<String>,
    attributes: BTreeMap<String, String>,
    nodes: Rules<BTreeMap<String, String>>,
    edges: Rules<EdgeRule>,
}

/// What a profile does to an edge of a kind.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EdgeRule {
    /// The kind to give it.
    #[serde(default)]
    pub kind: Option<String>,
    /// Turn it round: the referenced resource calls the referrer.
    #[serde(default)]
    pub reverse: bool,
    /// Leave it out of the topology.
    #[serde(default)]
    pub drop: bool,
}

/// Rules by exact key and by prefix (longest first).
#[derive(Debug, Clone)]
struct Rules<T> {
    exact: BTreeMap<String, T>,
    prefixes: Vec<(String, T)>,
}

impl<T> Default for Rules<T> {
    fn default() -> Self {
        Rules {
            exact: BTreeMap::new(),
            prefixes: Vec::new(),
        }
    }
}

impl<T> Rules<T> {
    fn from(map: BTreeMap<String, T>) -> Self {
        let mut r = Rules::default();
        for (k, v) in map {
            match k.strip_suffix('*') {
                Some(p) => r.prefixes.push((p.to_string(), v)),
                None => {
                    r.exact.insert(k, v);
                }
            }
        }
        r.prefixes
            .sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
        r
    }

    fn merge(mut self, later: Rules<T>) -> Rules<T> {
        self.exact.extend(later.exact);
        let mut prefixes = later.prefixes;
        for (p, v) in self.prefixes {
            if !prefixes.iter().any(|(q, _)| *q == p) {
                prefixes.push((p, v));
            }
        }
        prefixes.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
        self.prefixes = prefixes;
        self
    }

    fn get(&self, key: &str) -> Option<&T> {
        self.exact.get(key).or_else(|| {
            self.prefixes
                .iter()
                .find(|(p, _)| key.starts_with(p.as_str()))
                .map(|(_, v)| v)
        })
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProfile {
    #[serde(default)]
    profile: Option<String>,
    #[serde(default)]
    attributes: BTreeMap<String, String>,
    #[serde(default)]
    nodes: BTreeMap<String, BTreeMap<String, String>>,
    #[serde(default)]
    edges: BTreeMap<String, EdgeRule>,
}

impl Profile {
    /// Reads a profile file.
    pub fn parse(source: &SourceRef) -> Result<Profile, Errors> {
        let mut options = serde_saphyr::Options::default();
        options.with_snippet = false;
        options.reject_unsupported_tags = true;
        let mut budget = serde_saphyr::Budget::default();
        budget.max_documents = 1;
        budget.max_depth = 16;
        budget.max_aliases = 1000;
        options.budget = Some(budget);
        let raw: RawProfile = serde_saphyr::from_str_with_options(source.text(), options)
            .map_err(|e| {
                let message = crate::topology::load::yaml_message(&e);
                let d = Diagnostic::error(format!(
                    "the profile `{}` cannot be read: {}",
                    source.path(),
                    crate::escape::display(&message)
                ))
                .help("a profile has `nodes:` (a map from a raw type to attributes) and `edges:` (a map from a raw edge kind to `{kind, reverse, drop}`)");
                let d = crate::topology::load::at_yaml_error(d, source, &e);
                Errors(vec![d])
            })?;
        Ok(Profile {
            name: raw.profile,
            attributes: raw.attributes,
            nodes: Rules::from(raw.nodes),
            edges: Rules::from(raw.edges),
        })
    }

    /// This profile with `later`'s rules added; on the same key `later` wins.
    pub fn merge(mut self, later: Profile) -> Profile {
        self.name = match (self.name, later.name) {
            (Some(a), Some(b)) => Some(format!("{a}+{b}")),
            (a, b) => a.or(b),
        };
        self.attributes.extend(later.attributes);
        self.nodes = self.nodes.merge(later.nodes);
        self.edges = self.edges.merge(later.edges);
        self
    }

    /// Sets the attributes the node's raw `type` maps to.
    pub fn apply_node(&self, node: &mut DraftNode) {
        for (from, to) in &self.attributes {
            if let Some(v) = node.get(from).map(str::to_string) {
                node.set(to.clone(), v);
            }
        }
        let Some(t) = node.get("type").map(str::to_string) else {
            return;
        };
        if let Some(attrs) = self.nodes.get(&t) {
            for (k, v) in attrs {
                node.set(k.clone(), v.clone());
            }
        }
    }

    /// Maps an edge; `false` when the profile drops it.
    pub fn apply_edge(&self, edge: &mut DraftEdge) -> bool {
        let Some(rule) = self.edges.get(&edge.kind) else {
            return true;
        };
        if rule.drop {
            return false;
        }
        if rule.reverse {
            std::mem::swap(&mut edge.from, &mut edge.to);
            if let Some((a, b)) = edge.ends.take() {
                edge.ends = Some((b, a));
            }
        }
        if let Some(k) = &rule.kind {
            edge.attrs
                .push(("source-kind".to_string(), edge.kind.clone()));
            edge.kind = k.clone();
        }
        true
    }
}
