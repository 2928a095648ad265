//! Terraform plan JSON (`terraform show -json plan.out`) as a topology.
//!
//! Nodes are the resource instances of `planned_values` (recursing into
//! `child_modules`), data sources included (`mode: data`), and the
//! instances `resource_changes` deletes, which `planned_values` no longer
//! holds; the id is the instance address. Edges come from `configuration`:
//! each expression's `references`, resolved in the module where the
//! expression is written (`var.x` through the module call's argument,
//! `module.m.out` through the child's output), from each instance of the
//! referring resource to each instance of the referenced one, the kind
//! named after the referring attribute (`aws_lambda_function.role`);
//! `depends_on` entries give `depends-on` edges.
//!
//! The configuration describes resources, not instances, so edges between
//! `count`/`for_each` instances are approximate: an instance referring to
//! a counted resource with an explicit constant index (`aws_subnet.a[0]`)
//! gets that instance; one whose expression uses `count.index` or `each`
//! gets the instance of the same key when the target has it; otherwise
//! every instance. Instances of module calls only meet instances of the
//! same module instance (or its ancestors and descendants). `local.*`
//! values are not in the plan's configuration, so references through them
//! are lost. Work is linear in the plan except for that fan-out, which is
//! capped (an error past [`MAX_EDGES_PER_BYTE`] edges per byte of plan).

use foldhash::{HashMap, HashSet};
use jsonc_parser::ast::{Object, Value};

use super::draft::{Draft, DraftEdge, DraftNode};
use super::json::{self, array, get, object, string};
use crate::diag::Errors;
use crate::source::{SourceRef, Span};

/// The most edges a plan may expand to, per byte of its text: far above
/// any real plan (an edge costs a reference of some 30 bytes), and what
/// keeps a hostile `count` fan-out from taking quadratic memory.
pub const MAX_EDGES_PER_BYTE: usize = 1;

/// Whether a JSON document's top level marks a Terraform plan.
pub fn is_plan(top: &[String]) -> bool {
    top.iter().any(|k| k == "format_version") && top.iter().any(|k| k == "planned_values")
}

/// One planned resource instance.
struct Instance {
    /// Index in the draft's nodes.
    node: usize,
    /// The module instance address (`module.a[0]`), empty at the root.
    module: String,
    /// The instance key as written in an address (`0`, `"eu"`), if any.
    key: Option<String>,
}

/// A module of the configuration.
struct Module<'b, 'a> {
    /// Its resources (`resources`), by address within the module.
    resources: Vec<&'b Object<'a>>,
    /// Its module calls, by name: the call object.
    calls: HashMap<String, &'b Object<'a>>,
    /// Its outputs, by name.
    outputs: HashMap<String, &'b Object<'a>>,
    /// The module this one is called from, and the call's name.
    parent: Option<(String, String)>,
}

/// Reads a plan.
pub fn import(source: &SourceRef) -> Result<Draft, Errors> {
    let root = json::parse(source, "Terraform plan")?;
    let mut draft = Draft::new(source, "resource");
    let Some(top) = root.as_object() else {
        draft.error(
            "a Terraform plan is a JSON object",
            json::span(&root),
            "not an object",
        );
        return Err(Errors(draft.errors));
    };
    let Some(planned) = object(top, "planned_values") else {
        let at = get(top, "planned_values").map_or(0..0, json::span);
        draft
            .error(
                "`planned_values` must be an object in a Terraform plan",
                at,
                "expected an object",
            )
            .help = Some("export the plan with `terraform show -json plan.out`".into());
        return Err(Errors(draft.errors));
    };
    let providers = provider_regions(top);
    let actions = actions(top);
    let mut instances: Vec<Instance> = Vec::new();
    let mut by_config: HashMap<String, Vec<usize>> = HashMap::default();
    let mut config_keys: HashMap<String, Option<String>> = HashMap::default();
    collect_config_providers(top, &mut config_keys);
    if let Some(root_module) = object(planned, "root_module") {
        planned_module(
            &mut draft,
            root_module,
            "",
            &providers,
            &config_keys,
            &actions,
            &mut instances,
            &mut by_config,
        );
    }
    deleted(&mut draft, top, &actions);
    if let Some(config) = object(top, "configuration")
        && let Some(root_module) = object(config, "root_module")
    {
        let mut modules: HashMap<String, Module> = HashMap::default();
        config_modules(root_module, String::new(), None, &mut modules);
        let budget = source.text().len() * MAX_EDGES_PER_BYTE + 10_000;
        let mut edges = Edges {
            modules: &modules,
            instances: &instances,
            by_config: &by_config,
            draft: &mut draft,
            budget,
            seen: HashSet::default(),
            memo: HashMap::default(),
        };
        let mut paths: Vec<&String> = modules.keys().collect();
        paths.sort();
        for path in paths {
            for r in &modules[path].resources {
                edges.resource(path, r);
            }
        }
    }
    inherit_regions(&mut draft);
    // Mistakes found so far stay in the draft: `finish` adds its own
    // (duplicate addresses) and reports them all together.
    Ok(draft)
}

/// How many parents a region is looked for through.
const MAX_REGION_HOPS: usize = 16;

/// A sub-resource without a location of its own (an Azure OpenAI
/// deployment, a Cosmos DB container) lives where its parent does: a
/// resource with no `region` takes the `region` of the resource its first
/// `*_id` reference points at (`cognitive_account_id`), through at most
/// [`MAX_REGION_HOPS`] such parents, and records that parent as
/// `region-from`; `cloud` too when it has none. Only own regions are
/// inherited (read before any is set), so the answer does not depend on
/// the order of the plan, and the work is linear.
fn inherit_regions(draft: &mut Draft) {
    let index: HashMap<&str, usize> = draft
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id.as_str(), i))
        .collect();
    let mut parent: Vec<Option<usize>> = vec![None; draft.nodes.len()];
    for e in &draft.edges {
        let attr = e.kind.rsplit('.').next().unwrap_or("");
        if !attr.ends_with("_id") {
            continue;
        }
        if let (Some(&f), Some(&t)) = (index.get(e.from.as_str()), index.get(e.to.as_str()))
            && f != t
            && parent[f].is_none()
        {
            parent[f] = Some(t);
        }
    }
    drop(index);
    let own: Vec<Option<(String, Option<String>)>> = draft
        .nodes
        .iter()
        .map(|n| {
            n.get("region")
                .map(|r| (r.to_string(), n.get("cloud").map(str::to_string)))
        })
        .collect();
    for i in 0..draft.nodes.len() {
        if own[i].is_some() {
            continue;
        }
        let mut at = i;
        for _ in 0..MAX_REGION_HOPS {
            let Some(p) = parent[at] else { break };
            if let Some((region, cloud)) = &own[p] {
                let from = draft.nodes[p].id.clone();
                let node = &mut draft.nodes[i];
                node.set("region", region.clone());
                node.set("region-from", from);
                if node.get("cloud").is_none()
                    && let Some(c) = cloud
                {
                    node.set("cloud", c.clone());
                }
                break;
            }
            at = p;
        }
    }
}

/// `provider_config` entries' constant `region`, by config key.
fn provider_regions(top: &Object<'_>) -> HashMap<String, String> {
    let mut out = HashMap::default();
    let Some(pc) = object(top, "configuration").and_then(|c| object(c, "provider_config")) else {
        return out;
    };
    for p in &pc.properties {
        let region = p
            .value
            .as_object()
            .and_then(|o| object(o, "expressions"))
            .and_then(|e| object(e, "region"))
            .and_then(|r| get(r, "constant_value"))
            .and_then(json::scalar);
        if let Some(region) = region {
            out.insert(p.name.as_str().to_string(), region);
        }
    }
    out
}

/// Each configured resource's `provider_config_key`, by its config address.
fn collect_config_providers(top: &Object<'_>, out: &mut HashMap<String, Option<String>>) {
    let Some(root) = object(top, "configuration").and_then(|c| object(c, "root_module")) else {
        return;
    };
    let mut stack: Vec<(String, &Object)> = vec![(String::new(), root)];
    while let Some((path, m)) = stack.pop() {
        for r in array(m, "resources")
            .map(|a| &a.elements[..])
            .unwrap_or(&[])
        {
            if let Some(r) = r.as_object()
                && let Some((addr, _)) = string(r, "address")
            {
                let key = string(r, "provider_config_key").map(|(k, _)| k.to_string());
                out.insert(join(&path, addr), key);
            }
        }
        if let Some(calls) = object(m, "module_calls") {
            for c in &calls.properties {
                if let Some(child) = c.value.as_object().and_then(|o| object(o, "module")) {
                    stack.push((join(&path, &format!("module.{}", c.name.as_str())), child));
                }
            }
        }
    }
}

/// The actions of `resource_changes`, by instance address, in our words.
fn actions<'b>(top: &'b Object<'_>) -> HashMap<String, (String, Span, &'b Object<'b>)> {
    let mut out = HashMap::default();
    for rc in array(top, "resource_changes")
        .map(|a| &a.elements[..])
        .unwrap_or(&[])
    {
        let Some(rc) = rc.as_object() else { continue };
        let Some((addr, span)) = string(rc, "address") else {
            continue;
        };
        let list: Vec<String> = object(rc, "change")
            .and_then(|c| array(c, "actions"))
            .map(|a| a.elements.iter().filter_map(json::scalar).collect())
            .unwrap_or_default();
        let action = match list.iter().map(String::as_str).collect::<Vec<_>>()[..] {
            ["delete", "create"] | ["create", "delete"] => "replace".to_string(),
            [one] => one.to_string(),
            _ => list.join("-"),
        };
        out.insert(addr.to_string(), (action, span, rc));
    }
    out
}

/// The nodes of one `planned_values` module and its children.
#[allow(clippy::too_many_arguments)]
fn planned_module(
    draft: &mut Draft,
    m: &Object<'_>,
    module: &str,
    providers: &HashMap<String, String>,
    config_keys: &HashMap<String, Option<String>>,
    actions: &HashMap<String, (String, Span, &Object<'_>)>,
    instances: &mut Vec<Instance>,
    by_config: &mut HashMap<String, Vec<usize>>,
) {
    // Modules nest as deep as the JSON does, which the parser caps; an
    // explicit stack keeps the order (resources, then children in order).
    let mut stack: Vec<(String, &Object)> = vec![(module.to_string(), m)];
    while let Some((module, m)) = stack.pop() {
        for r in array(m, "resources")
            .map(|a| &a.elements[..])
            .unwrap_or(&[])
        {
            let Some(r) = r.as_object() else { continue };
            let Some((addr, span)) = string(r, "address") else {
                let at = r.range.start..r.range.start + 1;
                draft.error("a planned resource has no `address`", at, "here");
                continue;
            };
            let mut node = DraftNode::new(addr, span);
            let typ = string(r, "type").map(|(t, _)| t.to_string());
            let mode = string(r, "mode").map_or("managed", |(m, _)| m).to_string();
            let name = string(r, "name").map(|(n, _)| n.to_string());
            if let Some(t) = &typ {
                node.set("type", t.clone());
            }
            node.set("mode", mode.clone());
            if let Some(n) = &name {
                node.set("name", n.clone());
            }
            if !module.is_empty() {
                node.set("module", module.clone());
            }
            let provider = string(r, "provider_name").map(|(p, _)| p.to_string());
            if let Some(p) = &provider {
                let short = p.rsplit('/').next().unwrap_or(p).to_string();
                node.set("cloud", cloud(&short));
                node.set("provider", short);
            }
            let values = object(r, "values");
            let region = values
                .and_then(|v| get(v, "region").or_else(|| get(v, "location")))
                .and_then(json::scalar)
                .or_else(|| {
                    let config = config_address(&module, &mode, typ.as_deref(), name.as_deref());
                    let key = config_keys.get(&config)?.as_ref()?;
                    providers.get(key).cloned()
                });
            if let Some(region) = region {
                node.set("region", region);
            }
            if let Some(tags) = values.and_then(|v| object(v, "tags")) {
                for t in &tags.properties {
                    if let Some(v) = json::scalar(&t.value) {
                        node.set(format!("tags.{}", t.name.as_str()), v);
                    }
                }
            }
            let action = actions
                .get(addr)
                .map(|(a, _, _)| a.clone())
                .unwrap_or_else(|| if mode == "data" { "read" } else { "no-op" }.to_string());
            node.set("action", action);
            let key = get(r, "index").map(|v| match v {
                Value::StringLit(s) => format!("{:?}", s.value.as_ref()),
                other => json::scalar(other).unwrap_or_default(),
            });
            let config = config_address(&module, &mode, typ.as_deref(), name.as_deref());
            by_config.entry(config).or_default().push(instances.len());
            instances.push(Instance {
                node: draft.nodes.len(),
                module: module.clone(),
                key,
            });
            draft.nodes.push(node);
        }
        if let Some(children) = array(m, "child_modules") {
            for c in children.elements.iter().rev() {
                let Some(c) = c.as_object() else { continue };
                let addr = string(c, "address").map_or_else(String::new, |(a, _)| a.to_string());
                stack.push((addr, c));
            }
        }
    }
}

/// Instances that the plan deletes: in `resource_changes`, no longer in
/// `planned_values`.
fn deleted(
    draft: &mut Draft,
    _top: &Object<'_>,
    actions: &HashMap<String, (String, Span, &Object<'_>)>,
) {
    let known: HashSet<String> = draft.nodes.iter().map(|n| n.id.clone()).collect();
    let mut gone: Vec<(&String, &(String, Span, &Object))> = actions
        .iter()
        .filter(|(a, (act, _, _))| act == "delete" && !known.contains(*a))
        .collect();
    gone.sort_by_key(|(_, (_, span, _))| span.start);
    for (addr, (_, span, rc)) in gone {
        let mut node = DraftNode::new(addr.clone(), span.clone());
        if let Some((t, _)) = string(rc, "type") {
            node.set("type", t);
        }
        node.set("mode", string(rc, "mode").map_or("managed", |(m, _)| m));
        if let Some((p, _)) = string(rc, "provider_name") {
            let short = p.rsplit('/').next().unwrap_or(p).to_string();
            node.set("cloud", cloud(&short));
            node.set("provider", short);
        }
        node.set("action", "delete");
        draft.nodes.push(node);
    }
}

/// The cloud a provider deploys to, for clauses about clouds.
fn cloud(provider: &str) -> String {
    match provider {
        "aws" | "awscc" => "aws",
        "azurerm" | "azuread" | "azapi" | "azuredevops" => "azure",
        "google" | "google-beta" => "gcp",
        "oci" => "oracle",
        "alicloud" => "alibaba",
        "ibm" => "ibm",
        "kubernetes" | "helm" => "kubernetes",
        other => other,
    }
    .to_string()
}

/// `module.a.module.b.aws_x.y` for a resource of module instance `module`.
fn config_address(module: &str, mode: &str, typ: Option<&str>, name: Option<&str>) -> String {
    let local = match mode {
        "data" => format!("data.{}.{}", typ.unwrap_or(""), name.unwrap_or("")),
        _ => format!("{}.{}", typ.unwrap_or(""), name.unwrap_or("")),
    };
    join(&strip_keys(module), &local)
}

fn join(path: &str, rest: &str) -> String {
    if path.is_empty() {
        rest.to_string()
    } else {
        format!("{path}.{rest}")
    }
}

/// An address without its instance keys: `module.a["x"].module.b[0]` to
/// `module.a.module.b`.
fn strip_keys(addr: &str) -> String {
    let mut out = String::with_capacity(addr.len());
    let mut depth = 0usize;
    let mut quoted = false;
    let mut escaped = false;
    for c in addr.chars() {
        if depth > 0 {
            if quoted {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == '"' {
                    quoted = false;
                }
            } else if c == '"' {
                quoted = true;
            } else if c == ']' {
                depth -= 1;
            } else if c == '[' {
                depth += 1;
            }
            continue;
        }
        if c == '[' {
            depth = 1;
        } else {
            out.push(c);
        }
    }
    out
}

/// A reference split into its dotted names, each with the key that
/// follows it (`aws_subnet.a[0].id` to `[aws_subnet, a[0], id]`).
fn segments(reference: &str) -> Vec<(String, Option<String>)> {
    let mut out: Vec<(String, Option<String>)> = Vec::new();
    let mut name = String::new();
    let mut key: Option<String> = None;
    let mut chars = reference.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '.' => {
                out.push((std::mem::take(&mut name), key.take()));
            }
            '[' => {
                let mut k = String::new();
                let mut quoted = false;
                let mut escaped = false;
                for c in chars.by_ref() {
                    if quoted {
                        k.push(c);
                        if escaped {
                            escaped = false;
                        } else if c == '\\' {
                            escaped = true;
                        } else if c == '"' {
                            quoted = false;
                        }
                    } else if c == ']' {
                        break;
                    } else {
                        if c == '"' {
                            quoted = true;
                        }
                        k.push(c);
                    }
                }
                key = Some(k);
            }
            c => name.push(c),
        }
    }
    out.push((name, key));
    out
}

/// The configured modules by path, with their resources, calls and outputs.
fn config_modules<'b, 'a>(
    root: &'b Object<'a>,
    path: String,
    parent: Option<(String, String)>,
    out: &mut HashMap<String, Module<'b, 'a>>,
) {
    let mut stack = vec![(path, parent, root)];
    while let Some((path, parent, m)) = stack.pop() {
        let resources = array(m, "resources")
            .map(|a| a.elements.iter().filter_map(Value::as_object).collect())
            .unwrap_or_default();
        let mut calls = HashMap::default();
        if let Some(mc) = object(m, "module_calls") {
            for c in &mc.properties {
                let Some(call) = c.value.as_object() else {
                    continue;
                };
                let name = c.name.as_str().to_string();
                if let Some(child) = object(call, "module") {
                    let child_path = join(&path, &format!("module.{name}"));
                    stack.push((child_path, Some((path.clone(), name.clone())), child));
                }
                calls.insert(name, call);
            }
        }
        let mut outputs = HashMap::default();
        if let Some(os) = object(m, "outputs") {
            for o in &os.properties {
                if let Some(obj) = o.value.as_object() {
                    outputs.insert(o.name.as_str().to_string(), obj);
                }
            }
        }
        out.insert(
            path,
            Module {
                resources,
                calls,
                outputs,
                parent,
            },
        );
    }
}

/// The edge builder: resolves references, expands instances, counts.
struct Edges<'s, 'b, 'a> {
    modules: &'s HashMap<String, Module<'b, 'a>>,
    instances: &'s [Instance],
    by_config: &'s HashMap<String, Vec<usize>>,
    draft: &'s mut Draft,
    budget: usize,
    seen: HashSet<(usize, usize, String)>,
    /// Resolved `var.*` and `module.*.output` references, by module path
    /// and name, so each is followed once (and cycles end).
    memo: HashMap<(String, String), Vec<Target>>,
}

/// A referenced resource: its config address and the key written after it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Target {
    config: String,
    key: Option<String>,
}

impl Edges<'_, '_, '_> {
    fn resource(&mut self, path: &str, r: &Object<'_>) {
        let Some((addr, _)) = string(r, "address") else {
            return;
        };
        let typ = string(r, "type").map_or("", |(t, _)| t).to_string();
        let config = join(path, addr);
        let Some(from) = self.by_config.get(&config).cloned() else {
            return;
        };
        if let Some(expressions) = object(r, "expressions") {
            for p in &expressions.properties {
                let mut refs: Vec<String> = Vec::new();
                collect_references(&p.value, &mut refs);
                let per_key = refs
                    .iter()
                    .any(|r| r == "count.index" || r.starts_with("each."));
                let mut targets: Vec<Target> = Vec::new();
                for reference in &refs {
                    for t in self.resolve(path, reference) {
                        if !targets.contains(&t) {
                            targets.push(t);
                        }
                    }
                }
                let kind = format!("{typ}.{}", p.name.as_str());
                let span = {
                    use jsonc_parser::common::Ranged;
                    let r = p.name.range();
                    r.start..r.end
                };
                for t in &targets {
                    self.connect(&from, t, per_key, &kind, &span);
                }
            }
        }
        if let Some(deps) = array(r, "depends_on") {
            for d in &deps.elements {
                let Value::StringLit(s) = d else { continue };
                let span = s.range.start..s.range.end;
                for t in self.resolve(path, &s.value) {
                    self.connect(&from, &t, false, "depends-on", &span);
                }
            }
        }
    }

    /// The resources a reference written in module `path` stands for.
    fn resolve(&mut self, path: &str, reference: &str) -> Vec<Target> {
        let segs = segments(reference);
        let name = |i: usize| segs.get(i).map_or("", |(n, _)| n.as_str());
        match name(0) {
            "var" => self.through(path, "var", name(1)),
            "module" => {
                let child = join(path, &format!("module.{}", name(1)));
                if segs.len() >= 3 {
                    self.through(&child, "output", name(2))
                } else {
                    // The whole module object: every output.
                    let outputs: Vec<String> = self
                        .modules
                        .get(&child)
                        .map(|m| m.outputs.keys().cloned().collect())
                        .unwrap_or_default();
                    let mut all = Vec::new();
                    let mut outputs = outputs;
                    outputs.sort();
                    for o in outputs {
                        all.extend(self.through(&child, "output", &o));
                    }
                    all
                }
            }
            "data" if segs.len() >= 3 => vec![Target {
                config: join(path, &format!("data.{}.{}", name(1), name(2))),
                key: segs[2].1.clone(),
            }],
            "local" | "each" | "count" | "path" | "terraform" | "self" | "data" | "" => Vec::new(),
            _ if segs.len() >= 2 => vec![Target {
                config: join(path, &format!("{}.{}", name(0), name(1))),
                key: segs[1].1.clone(),
            }],
            _ => Vec::new(),
        }
    }

    /// A variable (resolved in the calling module through the call's
    /// argument) or an output (through its expression), memoised.
    fn through(&mut self, path: &str, what: &str, name: &str) -> Vec<Target> {
        let memo_key = (path.to_string(), format!("{what}.{name}"));
        if let Some(t) = self.memo.get(&memo_key) {
            return t.clone();
        }
        // Mark as in progress: a cycle resolves to nothing.
        self.memo.insert(memo_key.clone(), Vec::new());
        let Some(m) = self.modules.get(path) else {
            return Vec::new();
        };
        let (refs, at): (Vec<String>, String) = if what == "var" {
            let Some((parent, call)) = &m.parent else {
                return Vec::new();
            };
            let Some(call) = self.modules.get(parent).and_then(|p| p.calls.get(call)) else {
                return Vec::new();
            };
            let mut refs = Vec::new();
            if let Some(v) = object(call, "expressions").and_then(|e| get(e, name)) {
                collect_references(v, &mut refs);
            }
            (refs, parent.clone())
        } else {
            let mut refs = Vec::new();
            if let Some(v) = m.outputs.get(name).and_then(|o| get(o, "expression")) {
                collect_references(v, &mut refs);
            }
            (refs, path.to_string())
        };
        let mut out: Vec<Target> = Vec::new();
        for r in refs {
            for t in self.resolve(&at, &r) {
                if !out.contains(&t) {
                    out.push(t);
                }
            }
        }
        self.memo.insert(memo_key, out.clone());
        out
    }

    /// Edges from each referring instance to the target's instances.
    fn connect(&mut self, from: &[usize], t: &Target, per_key: bool, kind: &str, span: &Span) {
        let Some(to) = self.by_config.get(&t.config) else {
            return;
        };
        for &f in from {
            let fi = &self.instances[f];
            let near: Vec<usize> = to
                .iter()
                .copied()
                .filter(|&x| related(&fi.module, &self.instances[x].module))
                .collect();
            let chosen: Vec<usize> = if let Some(k) = &t.key {
                let exact: Vec<usize> = near
                    .iter()
                    .copied()
                    .filter(|&x| self.instances[x].key.as_deref() == Some(k.as_str()))
                    .collect();
                if exact.is_empty() { near } else { exact }
            } else if per_key && fi.key.is_some() {
                let same: Vec<usize> = near
                    .iter()
                    .copied()
                    .filter(|&x| self.instances[x].key == fi.key)
                    .collect();
                if same.is_empty() { near } else { same }
            } else {
                near
            };
            for x in chosen {
                let (a, b) = (fi.node, self.instances[x].node);
                if a == b || !self.seen.insert((a, b, kind.to_string())) {
                    continue;
                }
                if self.budget == 0 {
                    if self.draft.errors.is_empty() {
                        self.draft
                            .error(
                                "the plan's references expand to more edges than proviso reads from one file",
                                span.clone(),
                                "while expanding this reference to every instance",
                            )
                            .help = Some("split the plan, or reference instances by key".into());
                    }
                    return;
                }
                self.budget -= 1;
                let from_id = self.draft.nodes[a].id.clone();
                let to_id = self.draft.nodes[b].id.clone();
                self.draft
                    .edges
                    .push(DraftEdge::new(from_id, to_id, kind, span.clone()));
            }
        }
    }
}

/// Whether two module instances can refer to each other's resources: the
/// same, or one inside the other.
fn related(a: &str, b: &str) -> bool {
    let inside = |outer: &str, inner: &str| {
        outer.is_empty()
            || inner == outer
            || (inner.starts_with(outer) && inner.as_bytes().get(outer.len()) == Some(&b'.'))
    };
    inside(a, b) || inside(b, a)
}

/// Every string of every `references` list under an expression (nested
/// blocks are arrays and objects of expressions).
fn collect_references(v: &Value<'_>, out: &mut Vec<String>) {
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(o) => {
                for p in o.properties.iter().rev() {
                    if p.name.as_str() == "references" {
                        if let Value::Array(a) = &p.value {
                            for r in &a.elements {
                                if let Value::StringLit(s) = r {
                                    out.push(s.value.to_string());
                                }
                            }
                        }
                    } else if p.name.as_str() != "constant_value" {
                        stack.push(&p.value);
                    }
                }
            }
            Value::Array(a) => stack.extend(a.elements.iter().rev()),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_stripped_from_module_addresses() {
        assert_eq!(
            strip_keys(r#"module.a["x.]"].module.b[0]"#),
            "module.a.module.b"
        );
    }

    #[test]
    fn references_split_at_dots_outside_keys() {
        let s = segments(r#"aws_subnet.a["eu.west"].id"#);
        assert_eq!(s[0].0, "aws_subnet");
        assert_eq!(s[1], ("a".to_string(), Some(r#""eu.west""#.to_string())));
        assert_eq!(s[2].0, "id");
    }

    #[test]
    fn module_instances_meet_their_own_and_their_ancestors() {
        assert!(related("", "module.a[0]"));
        assert!(related("module.a[0]", "module.a[0].module.b"));
        assert!(!related("module.a[0]", "module.a[1]"));
        assert!(!related("module.a", "module.ab"));
    }
}
