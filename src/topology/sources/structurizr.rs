//! Structurizr workspace JSON (as Structurizr tools export it) as a
//! topology.
//!
//! Every element is a node: people, software systems, their containers
//! and components, deployment nodes (nested), infrastructure nodes, and
//! container and software system instances. Structurizr's ids are
//! numbers, so a node's id is its path of names instead (`Model
//! platform/Inference API`, `Production/Azure/East US/Inference API[1]`),
//! and the numeric id is kept as `structurizr-id`. Attributes: `type`
//! (`person`, `software-system`, `container`, `component`,
//! `deployment-node`, `infrastructure-node`, `container-instance`,
//! `software-system-instance`), `tags` (a list), `technology`, `location`,
//! `description`, `environment`, and every `properties` entry under its own
//! name. An instance also gets the properties of the element it
//! instantiates, then of the deployment nodes it is hosted in (outer
//! first), then its own, and `hosted-in` (the list of those nodes); it and
//! each nested deployment node get a `hosted-in` edge to the node that
//! hosts it. Relationships (source -> destination) are edges of kind
//! `technology`, else their first tag other than `Relationship`, else
//! `uses`, with `description` kept.

use foldhash::HashMap;
use jsonc_parser::ast::{Object, Value};

use super::draft::{Draft, DraftEdge, DraftNode};
use super::json::{self, array, object, string};
use crate::diag::Errors;
use crate::source::{SourceRef, Span};

/// Whether a JSON document's top level marks a Structurizr workspace.
pub fn is_workspace(top: &[String]) -> bool {
    top.iter().any(|k| k == "model") && !top.iter().any(|k| k == "nodes" || k == "edges")
}

/// A deployment node still to read: the node, its parent's index, the
/// properties it inherits, the path of nodes that host it.
type Pending<'b, 'a> = (
    &'b Object<'a>,
    Option<usize>,
    Vec<(String, String)>,
    Vec<String>,
);

struct Reader<'s> {
    draft: Draft,
    /// Structurizr id to node index.
    ids: HashMap<String, usize>,
    /// Element properties by Structurizr id (for instances).
    props: HashMap<String, Vec<(String, String)>>,
    /// Relationships, read after every element: (object, source id).
    rels: Vec<(&'s Object<'s>, Option<String>)>,
}

/// Reads a workspace.
pub fn import(source: &SourceRef) -> Result<Draft, Errors> {
    let root = json::parse(source, "Structurizr workspace")?;
    let mut r = Reader {
        draft: Draft::new(source, "element"),
        ids: HashMap::default(),
        props: HashMap::default(),
        rels: Vec::new(),
    };
    let Some(model) = root.as_object().and_then(|t| object(t, "model")) else {
        r.draft
            .error(
                "a Structurizr workspace has a `model` object",
                json::span(&root),
                "no `model` here",
            )
            .help = Some("export the workspace as JSON from Structurizr".into());
        return Err(Errors(r.draft.errors));
    };
    if let Some((name, _)) = root.as_object().and_then(|t| string(t, "name")) {
        r.draft.name = Some(name.to_string());
    }
    for p in elements(model, "people") {
        r.element(p, "person", "");
    }
    for s in elements(model, "softwareSystems") {
        let sid = r.element(s, "software-system", "");
        for c in elements(s, "containers") {
            let cid = r.element(c, "container", &sid);
            for k in elements(c, "components") {
                r.element(k, "component", &cid);
            }
        }
    }
    // Deployment nodes nest: an explicit stack of (node, parent index,
    // environment, inherited properties, hosting path).
    let mut stack: Vec<Pending> = elements(model, "deploymentNodes")
        .rev()
        .map(|d| (d, None, Vec::new(), Vec::new()))
        .collect();
    while let Some((d, parent, inherited, hosted)) = stack.pop() {
        let env = string(d, "environment").map_or("", |(e, _)| e).to_string();
        let prefix = match parent {
            Some(p) => r.draft.nodes[p].id.clone(),
            None => env.clone(),
        };
        let id = r.element(d, "deployment-node", &prefix);
        let Some(&node) = r.ids.get(&id_of(d)) else {
            continue;
        };
        if let Some(p) = parent {
            let span = r.draft.nodes[node].span.clone();
            let to = r.draft.nodes[p].id.clone();
            r.draft
                .edges
                .push(DraftEdge::new(id.clone(), to, "hosted-in", span));
        }
        let mut props = inherited.clone();
        props.extend(r.props.get(&id_of(d)).cloned().unwrap_or_default());
        let mut path = hosted.clone();
        path.push(id.clone());
        for i in elements(d, "infrastructureNodes") {
            r.hosted(i, "infrastructure-node", &id, node, &props, &path, None);
        }
        for c in elements(d, "containerInstances") {
            let of = string(c, "containerId").map(|(s, _)| s.to_string());
            r.hosted(c, "container-instance", &id, node, &props, &path, of);
        }
        for s in elements(d, "softwareSystemInstances") {
            let of = string(s, "softwareSystemId").map(|(s, _)| s.to_string());
            r.hosted(s, "software-system-instance", &id, node, &props, &path, of);
        }
        for child in elements(d, "children").rev() {
            stack.push((child, Some(node), props.clone(), path.clone()));
        }
    }
    let rels = std::mem::take(&mut r.rels);
    for (rel, from) in rels {
        r.relationship(rel, from);
    }
    Ok(r.draft)
}

fn elements<'b, 'a>(
    o: &'b Object<'a>,
    key: &str,
) -> impl DoubleEndedIterator<Item = &'b Object<'a>> {
    array(o, key)
        .map(|a| &a.elements[..])
        .unwrap_or(&[])
        .iter()
        .filter_map(Value::as_object)
}

fn id_of(o: &Object<'_>) -> String {
    match json::get(o, "id") {
        Some(v) => json::scalar(v).unwrap_or_default(),
        None => String::new(),
    }
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}/{name}")
    }
}

impl<'s> Reader<'s> {
    /// Adds one element; its node id.
    fn element(&mut self, o: &'s Object<'s>, typ: &str, prefix: &str) -> String {
        let (name, span) = match string(o, "name") {
            Some((n, s)) => (n.to_string(), s),
            None => {
                let at = o.range.start..o.range.start + 1;
                self.draft
                    .error(format!("a {typ} has no `name`"), at.clone(), "here");
                (id_of(o), at)
            }
        };
        let id = join(prefix, &name);
        self.add(o, typ, id.clone(), span, Vec::new(), None);
        id
    }

    /// An element hosted in a deployment node.
    #[allow(clippy::too_many_arguments)]
    fn hosted(
        &mut self,
        o: &'s Object<'s>,
        typ: &str,
        host: &str,
        host_ix: usize,
        inherited: &[(String, String)],
        path: &[String],
        of: Option<String>,
    ) {
        let of_node = of.as_ref().and_then(|i| self.ids.get(i).copied());
        let (name, span) = match (string(o, "name"), of_node) {
            (Some((n, s)), _) => (n.to_string(), s),
            (None, Some(ix)) => {
                let base = self.draft.nodes[ix]
                    .id
                    .rsplit('/')
                    .next()
                    .unwrap_or("")
                    .to_string();
                let n = json::get(o, "instanceId").and_then(json::scalar);
                let at = json::get(o, "id").map_or(o.range.start..o.range.start + 1, json::span);
                (format!("{base}[{}]", n.unwrap_or_default()), at)
            }
            (None, None) => {
                let at = o.range.start..o.range.start + 1;
                let d = self.draft.error(
                    format!("a {typ} names no element of the model"),
                    at.clone(),
                    "here",
                );
                d.help = Some("give it a `name`, or a `containerId`/`softwareSystemId` of an element in `model`".into());
                (id_of(o), at)
            }
        };
        let mut props: Vec<(String, String)> = of
            .as_ref()
            .and_then(|i| self.props.get(i).cloned())
            .unwrap_or_default();
        props.extend(inherited.iter().cloned());
        let id = join(host, &name);
        self.add(o, typ, id.clone(), span.clone(), props, Some(path.to_vec()));
        let to = self.draft.nodes[host_ix].id.clone();
        self.draft
            .edges
            .push(DraftEdge::new(id, to, "hosted-in", span));
    }

    fn add(
        &mut self,
        o: &'s Object<'s>,
        typ: &str,
        id: String,
        span: Span,
        inherited: Vec<(String, String)>,
        hosted: Option<Vec<String>>,
    ) {
        let mut node = DraftNode::new(id.clone(), span);
        node.set("type", typ);
        let sid = id_of(o);
        node.set("structurizr-id", sid.clone());
        for (k, v) in &inherited {
            node.set(k.clone(), v.clone());
        }
        for key in ["technology", "location", "description", "environment"] {
            if let Some((v, _)) = string(o, key) {
                node.set(key, v);
            }
        }
        if let Some((tags, _)) = string(o, "tags") {
            node.set_list("tags", split_tags(tags));
        }
        let mut own = Vec::new();
        if let Some(props) = object(o, "properties") {
            for p in &props.properties {
                if let Some(v) = json::scalar(&p.value) {
                    node.set(p.name.as_str(), v.clone());
                    own.push((p.name.as_str().to_string(), v));
                }
            }
        }
        if let Some(h) = hosted {
            node.set_list("hosted-in", h);
        }
        let mut all = inherited;
        all.extend(own);
        self.props.insert(sid.clone(), all);
        if let Some(rels) = array(o, "relationships") {
            for rel in rels.elements.iter().filter_map(Value::as_object) {
                self.rels.push((rel, Some(sid.clone())));
            }
        }
        if let Some(&prev) = self.ids.get(&sid)
            && !sid.is_empty()
        {
            let first = self.draft.nodes[prev].span.clone();
            let src = self.draft.source.clone();
            let d = self.draft.error(
                format!(
                    "two elements have the Structurizr id `{}`",
                    crate::escape::display(&sid)
                ),
                node.span.clone(),
                "the second",
            );
            *d = d.clone().also(&src, first, "the first");
        }
        self.ids.insert(sid, self.draft.nodes.len());
        self.draft.nodes.push(node);
    }

    fn relationship(&mut self, rel: &Object<'_>, owner: Option<String>) {
        let source = string(rel, "sourceId")
            .map(|(s, _)| s.to_string())
            .or(owner);
        let dest = string(rel, "destinationId");
        let span = dest
            .as_ref()
            .map_or(rel.range.start..rel.range.start + 1, |(_, s)| s.clone());
        let ends = [source.as_deref(), dest.as_ref().map(|(d, _)| *d)];
        let mut ids = Vec::new();
        for end in ends {
            match end.and_then(|e| self.ids.get(e)) {
                Some(&ix) => ids.push(self.draft.nodes[ix].id.clone()),
                None => {
                    let d = self.draft.error(
                        format!(
                            "this relationship names `{}`, which is no element of the model",
                            crate::escape::display(end.unwrap_or(""))
                        ),
                        span.clone(),
                        "unknown element",
                    );
                    d.help = Some(
                        "`sourceId` and `destinationId` are the `id`s of elements in `model`"
                            .into(),
                    );
                    return;
                }
            }
        }
        let technology = string(rel, "technology")
            .map(|(t, _)| t.trim().to_string())
            .filter(|t| !t.is_empty());
        let tag = string(rel, "tags")
            .and_then(|(t, _)| split_tags(t).into_iter().find(|t| t != "Relationship"));
        let kind = technology.or(tag).unwrap_or_else(|| "uses".to_string());
        let mut edge = DraftEdge::new(ids[0].clone(), ids[1].clone(), kind, span);
        if let Some((d, _)) = string(rel, "description") {
            edge.attrs.push(("description".to_string(), d.to_string()));
        }
        self.draft.edges.push(edge);
    }
}

fn split_tags(tags: &str) -> Vec<String> {
    tags.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}
