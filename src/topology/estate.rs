//! Estates: one topology from many files.
//!
//! A design often spans several files (a plan per stack, a workspace per
//! platform, a hand-written graph for what no tool keeps). An estate
//! manifest (`NAME.estate.yaml`) lists them as parts, each read by its own
//! importer (or proviso's loaders), and says how ids join across them, so
//! a path that leaves one file and enters another is one path, and each
//! witness hop still names its own file and line.
//!
//! ```yaml
//! estate: hybrid
//! parts:
//!   - path: terraform/hybrid-agent.plan.json
//!   - {path: structurizr/model-platform.workspace.json, prefix: "c4:"}
//!   - {path: estate/partners.yaml, input-format: proviso, profile: p.yaml}
//! join:
//!   - {from: agents-api, to: aws_apigatewayv2_api.agents}
//! ```
//!
//! Why locations need no new field: an estate's nodes and edges keep their
//! spans, shifted into one address space (the manifest at 0, each part
//! after the one before; [`Topology::files`]), so [`Topology::locate`]
//! names the file of any span by binary search, the engine copies spans as
//! it always did, and a topology of one file is unchanged.
//!
//! Rules (docs/sources.md): a part path is relative, has no `..`, and
//! stays inside the manifest's directory once symbolic links are
//! resolved; a part cannot be a manifest (so cycles cannot be written);
//! the same id in two parts is an error naming both places unless a join
//! rule merges them; a join merges `from` into `to`, which keeps its id
//! and location; their attributes are united, and a name with different
//! values in both is an error unless the rule says `prefer: from` or
//! `prefer: to`. Work is linear in the parts' sizes.

use std::path::{Component, Path, PathBuf};

use foldhash::HashMap;
use serde::Deserialize;
use serde_saphyr::Spanned;

use super::sources::{self, Format, Profile};
use super::{EMPTY_LIST, LIST, Sym, Topology, load, markdown};
use crate::diag::{Diagnostic, Errors};
use crate::escape::display;
use crate::source::{SourceRef, Span};

/// Whether a file name is that of an estate manifest.
pub fn is_manifest_name(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.ends_with(".estate.yaml") || lower.ends_with(".estate.yml")
}

/// Whether a text is an estate manifest: a line `estate:` at the top
/// level (a native topology has no such key).
pub fn is_manifest(text: &str) -> bool {
    manifest_key(text).is_some()
}

/// The span of the top-level `estate:` key, if there is one.
pub fn manifest_key(text: &str) -> Option<Span> {
    let mut at = 0;
    for l in text.split_inclusive('\n') {
        if l.strip_prefix("estate:")
            .is_some_and(|r| r.trim_end().is_empty() || r.starts_with([' ', '\t']))
        {
            return Some(at..at + "estate".len());
        }
        at += l.len();
    }
    None
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawManifest {
    estate: Option<Spanned<String>>,
    #[serde(default)]
    agreement: Option<Spanned<String>>,
    #[serde(default)]
    parts: Vec<RawPart>,
    #[serde(default)]
    join: Vec<RawJoin>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawPart {
    path: Spanned<String>,
    #[serde(default)]
    input_format: Option<Spanned<String>>,
    #[serde(default)]
    profile: Option<Spanned<String>>,
    #[serde(default)]
    prefix: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawJoin {
    from: Spanned<String>,
    to: Spanned<String>,
    #[serde(default)]
    prefer: Option<Spanned<String>>,
}

/// A part as the manifest names it, resolved.
#[derive(Debug, Clone)]
pub struct Part {
    /// The file, the manifest's directory joined with the path.
    pub file: PathBuf,
    /// The forced format, if the part says one.
    pub format: Option<Format>,
    /// The part's own profile file.
    pub profile: Option<PathBuf>,
    /// Prepended to each node id of the part.
    pub prefix: String,
    /// Where the manifest names it.
    pub span: Span,
    profile_span: Span,
}

/// A join rule.
#[derive(Debug, Clone)]
struct Join {
    from: String,
    to: String,
    prefer: Prefer,
    span: Span,
    from_span: Span,
    to_span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Prefer {
    Neither,
    From,
    To,
}

/// A parsed manifest.
#[derive(Debug)]
pub struct Manifest {
    /// The manifest file.
    pub source: SourceRef,
    /// The `estate:` name.
    pub name: String,
    /// The `agreement:` key, as a native topology's.
    pub agreement: Option<(String, Span)>,
    /// The parts, in order.
    pub parts: Vec<Part>,
    joins: Vec<Join>,
}

fn spanned(source: &SourceRef, s: &Spanned<String>) -> Span {
    let start = source.offset(s.referenced.line() as usize, s.referenced.column() as usize);
    let line = source.line_range(start);
    start..line.end.max(start)
}

fn format_named(name: &str, path: &str) -> Option<Option<Format>> {
    Some(match name {
        "auto" => None,
        "proviso" => Some(Format::Proviso(
            load::Kind::of_path(path).unwrap_or(load::Kind::Yaml),
        )),
        "terraform" => Some(Format::Terraform),
        "structurizr" => Some(Format::Structurizr),
        "backstage" => Some(Format::Backstage),
        "mermaid" => Some(Format::Mermaid),
        _ => return None,
    })
}

const FORMATS: [&str; 6] = [
    "auto",
    "proviso",
    "terraform",
    "structurizr",
    "backstage",
    "mermaid",
];

/// Why a part path may not be read, if it may not: it must be relative,
/// without `..`, and stay inside `dir` once symbolic links are resolved.
pub fn confined(rel: &str, dir: &Path) -> Result<PathBuf, &'static str> {
    let p = Path::new(rel);
    if rel.is_empty() {
        return Err("is empty");
    }
    if p.is_absolute() || p.has_root() || rel.starts_with(['/', '\\']) || rel.contains(':') {
        return Err("is an absolute path; a part must lie inside the manifest's directory");
    }
    if p.components()
        .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
        || rel.split(['/', '\\']).any(|c| c == "..")
    {
        return Err("goes up with `..`; a part must lie inside the manifest's directory");
    }
    let file = dir.join(p);
    if let (Ok(real), Ok(real_dir)) = (std::fs::canonicalize(&file), std::fs::canonicalize(dir))
        && !real.starts_with(real_dir)
    {
        return Err("is a symbolic link that leaves the manifest's directory");
    }
    Ok(file)
}

impl Manifest {
    /// Reads a manifest found in `dir` (its directory).
    pub fn parse(source: &SourceRef, dir: &Path) -> Result<Manifest, Errors> {
        let mut options = serde_saphyr::Options::default();
        options.with_snippet = false;
        options.reject_unsupported_tags = true;
        let mut budget = serde_saphyr::Budget::default();
        budget.max_documents = 1;
        budget.max_depth = 16;
        budget.max_aliases = 1000;
        options.budget = Some(budget);
        let raw: RawManifest = serde_saphyr::from_str_with_options(source.text(), options)
            .map_err(|e| {
                let message = load::yaml_message(&e);
                let d = Diagnostic::error(format!(
                    "the estate manifest cannot be read: {}",
                    display(&message)
                ))
                .help("a manifest has `estate: NAME`, `parts:` (a list of `{path, input-format, profile, prefix}`) and `join:` (a list of `{from, to, prefer}`)");
                let d = load::at_yaml_error(d, source, &e);
                Errors(vec![d])
            })?;
        let mut errors = Vec::new();
        let name = match &raw.estate {
            Some(n) => n.value.clone(),
            None => {
                errors.push(
                    Diagnostic::error("an estate manifest needs `estate: NAME`").at(
                        source,
                        0..0,
                        "here",
                    ),
                );
                String::new()
            }
        };
        if raw.parts.is_empty() {
            errors.push(
                Diagnostic::error("an estate manifest lists no `parts`")
                    .at(source, 0..0, "here")
                    .help("list the files of the estate: `parts: [{path: a.plan.json}, ...]`"),
            );
        }
        let mut parts = Vec::new();
        for p in &raw.parts {
            let span = spanned(source, &p.path);
            let file = match confined(&p.path.value, dir) {
                Ok(f) => f,
                Err(why) => {
                    errors.push(
                        Diagnostic::error(format!("the part `{}` {why}", display(&p.path.value)))
                            .at(source, span, "not allowed here"),
                    );
                    continue;
                }
            };
            if is_manifest_name(&p.path.value) {
                errors.push(
                    Diagnostic::error(format!(
                        "the part `{}` is an estate manifest; estates do not nest",
                        display(&p.path.value)
                    ))
                    .at(source, span, "a manifest")
                    .help("list that manifest's parts here instead"),
                );
                continue;
            }
            let format = match &p.input_format {
                None => None,
                Some(f) => match format_named(&f.value, &p.path.value) {
                    Some(f) => f,
                    None => {
                        errors.push(
                            Diagnostic::error(format!(
                                "`{}` is not an input format",
                                display(&f.value)
                            ))
                            .at(source, spanned(source, f), "unknown")
                            .maybe_help(
                                crate::diag::suggest::help_line(&f.value, FORMATS)
                                    .or_else(|| Some(format!("one of {}", FORMATS.join(", ")))),
                            ),
                        );
                        continue;
                    }
                },
            };
            let mut profile_span = 0..0;
            let profile = match &p.profile {
                None => None,
                Some(pr) => {
                    profile_span = spanned(source, pr);
                    match confined(&pr.value, dir) {
                        Ok(f) => Some(f),
                        Err(why) => {
                            errors.push(
                                Diagnostic::error(format!(
                                    "the profile `{}` {why}",
                                    display(&pr.value)
                                ))
                                .at(
                                    source,
                                    profile_span,
                                    "not allowed here",
                                ),
                            );
                            continue;
                        }
                    }
                }
            };
            parts.push(Part {
                file,
                format,
                profile,
                prefix: p.prefix.clone().unwrap_or_default(),
                span,
                profile_span,
            });
        }
        let mut joins = Vec::new();
        for j in &raw.join {
            let prefer = match j.prefer.as_ref() {
                None => Prefer::Neither,
                Some(p) if p.value == "from" => Prefer::From,
                Some(p) if p.value == "to" => Prefer::To,
                Some(p) => {
                    let other = p.value.as_str();
                    errors.push(
                        Diagnostic::error(format!(
                            "`prefer: {}` is neither `from` nor `to`",
                            display(other)
                        ))
                        .at(source, spanned(source, p), "unknown"),
                    );
                    continue;
                }
            };
            let (from_span, to_span) = (spanned(source, &j.from), spanned(source, &j.to));
            joins.push(Join {
                from: j.from.value.clone(),
                to: j.to.value.clone(),
                prefer,
                span: from_span.start.min(to_span.start)..from_span.end.max(to_span.end),
                from_span,
                to_span,
            });
        }
        if errors.is_empty() {
            Ok(Manifest {
                source: source.clone(),
                name,
                agreement: raw
                    .agreement
                    .as_ref()
                    .map(|a| (a.value.clone(), spanned(source, a))),
                parts,
                joins,
            })
        } else {
            Err(Errors(errors))
        }
    }
}

/// How an estate reads its files: the caller's reader (the size limit and
/// error messages of the run).
pub trait Reader {
    /// The text of `path`.
    fn read(&self, path: &Path) -> Result<SourceRef, Errors>;
}

impl<F: Fn(&Path) -> Result<SourceRef, Errors>> Reader for F {
    fn read(&self, path: &Path) -> Result<SourceRef, Errors> {
        self(path)
    }
}

/// One loaded file of an estate: a part, or one block of a Markdown part.
struct Loaded {
    topology: Topology,
    prefix: String,
}

/// Reads every part of `manifest` and builds the estate's topology;
/// `profile` is the run's, under each part's own.
pub fn load(
    manifest: &Manifest,
    reader: &dyn Reader,
    profile: Option<&Profile>,
) -> Result<Topology, Errors> {
    let mut errors = Vec::new();
    let mut loaded = Vec::new();
    for part in &manifest.parts {
        let missing = |e: Errors| {
            e.0.into_iter().map(|d| {
                let message = d.message.clone();
                Diagnostic::error(format!("a part of the estate cannot be read: {message}"))
                    .at(&manifest.source, part.span.clone(), "this part")
                    .maybe_help(d.help.clone())
            })
        };
        let own = match &part.profile {
            None => None,
            Some(p) => match reader.read(p).and_then(|s| Profile::parse(&s)) {
                Ok(p) => Some(p),
                Err(e) => {
                    errors.extend(e.0.into_iter().map(|d| {
                        if d.primary.is_some() {
                            d
                        } else {
                            d.at(&manifest.source, part.profile_span.clone(), "this profile")
                        }
                    }));
                    continue;
                }
            },
        };
        let merged = match (profile, own) {
            (Some(run), Some(own)) => Some(run.clone().merge(own)),
            (None, own) => own,
            (Some(run), None) => Some(run.clone()),
        };
        let src = match reader.read(&part.file) {
            Ok(s) => s,
            Err(e) => {
                errors.extend(missing(e));
                continue;
            }
        };
        let lower = src.path().to_ascii_lowercase();
        let results: Vec<Result<Topology, Errors>> =
            if part.format.is_none() && (lower.ends_with(".md") || lower.ends_with(".markdown")) {
                match markdown::blocks(&src) {
                    Err(e) => vec![Err(e)],
                    Ok(blocks) if blocks.is_empty() => vec![Err(Diagnostic::error(format!(
                        "the part `{}` has no ```yaml proviso or ```mermaid proviso block",
                        display(src.path())
                    ))
                    .at(&manifest.source, part.span.clone(), "this part")
                    .into())],
                    Ok(blocks) => blocks
                        .iter()
                        .map(|b| {
                            if b.mermaid {
                                sources::load(&b.source, Format::Mermaid, merged.as_ref())
                            } else {
                                load::yaml(&b.source)
                            }
                        })
                        .collect(),
                }
            } else if is_manifest(src.text()) {
                vec![Err(Diagnostic::error(format!(
                    "the part `{}` is an estate manifest; estates do not nest",
                    display(src.path())
                ))
                .at(&manifest.source, part.span.clone(), "a manifest")
                .into())]
            } else {
                let (format, preloaded) = sources::detect_loading(&src, part.format);
                let format = format.unwrap_or_else(|| {
                    Format::Proviso(load::Kind::of_path(src.path()).unwrap_or(load::Kind::Yaml))
                });
                vec![preloaded.unwrap_or_else(|| sources::load(&src, format, merged.as_ref()))]
            };
        for r in results {
            match r {
                Ok(topology) => loaded.push(Loaded {
                    topology,
                    prefix: part.prefix.clone(),
                }),
                Err(e) => errors.extend(e.0),
            }
        }
    }
    if !errors.is_empty() {
        return Err(Errors(errors));
    }
    let mut topology = combine(manifest, loaded)?;
    topology.drop_index();
    Ok(topology)
}

/// Re-interns an attribute pair of `from` into `to`.
fn reintern(pair: (Sym, Sym), from: &Topology, to: &mut Topology) -> (Sym, Sym) {
    let n = to.strings.intern(from.strings.resolve(pair.0));
    let v = if pair.1 == EMPTY_LIST {
        EMPTY_LIST
    } else {
        let s = to
            .strings
            .intern(from.strings.resolve(super::untag(pair.1)));
        if super::is_list_value(pair.1) {
            s | LIST
        } else {
            s
        }
    };
    (n, v)
}

/// One graph of the loaded parts: nodes in part order (joined ones
/// merged into their target), then edges in part order.
fn combine(manifest: &Manifest, parts: Vec<Loaded>) -> Result<Topology, Errors> {
    let src = &manifest.source;
    let mut errors = Vec::new();
    let mut topo = Topology::new(src.clone());
    topo.name = Some(manifest.name.clone());
    topo.agreement = manifest.agreement.clone();
    // Bases: the manifest at 0, each part after the one before.
    let mut base = src.text().len() + 1;
    let mut bases = Vec::with_capacity(parts.len());
    for p in &parts {
        bases.push(base);
        topo.files.push((base, p.topology.source.clone()));
        base += p.topology.source.text().len() + 1;
    }
    // Every node and edge keeps its span in 32 bits (`CompactSpan`).
    if base as u64 > crate::source::MAX_OFFSET {
        return Err(Diagnostic::error(format!(
            "the parts of this estate hold {} together; an estate must be smaller than 4GiB",
            crate::input::human_size(base as u64)
        ))
        .at(src, 0..0, "this estate")
        .help("split it into estates checked one by one")
        .into());
    }
    let mut joins: HashMap<&str, usize> = HashMap::default();
    for (i, j) in manifest.joins.iter().enumerate() {
        if let Some(&prev) = joins.get(j.from.as_str()) {
            errors.push(
                Diagnostic::error(format!("`{}` is joined twice", display(&j.from)))
                    .at(src, j.from_span.clone(), "the second")
                    .also(src, manifest.joins[prev].from_span.clone(), "the first")
                    .help("a node joins one other node; join the others to that one"),
            );
            continue;
        }
        joins.insert(j.from.as_str(), i);
    }
    for j in &manifest.joins {
        if joins.contains_key(j.to.as_str()) {
            errors.push(
                Diagnostic::error(format!(
                    "`{}` is joined into `{}`, which is itself joined into another node",
                    display(&j.from),
                    display(&j.to)
                ))
                .at(src, j.to_span.clone(), "joined away")
                .help("join every node straight to the one that stays"),
            );
        }
    }
    // Where each node of the estate came from: (part, span in its file).
    let mut origin: Vec<(usize, Span)> = Vec::new();
    // The joined-away nodes: (join rule, part, local node index).
    let mut pending: Vec<(usize, usize, u32)> = Vec::new();
    // Where each join's `from` was found first: (part, node).
    let mut found_from: Vec<Option<(usize, u32)>> = vec![None; manifest.joins.len()];
    let mut maps: Vec<Vec<u32>> = Vec::with_capacity(parts.len());
    for (pi, p) in parts.iter().enumerate() {
        let t = &p.topology;
        let mut map = vec![u32::MAX; t.nodes.len()];
        for (ni, n) in t.nodes.iter().enumerate() {
            let id = if p.prefix.is_empty() {
                n.id.to_string()
            } else {
                format!("{}{}", p.prefix, n.id)
            };
            if let Some(&j) = joins.get(id.as_str()) {
                if let Some((fpi, fni)) = found_from[j] {
                    let fp = &parts[fpi].topology;
                    let first = fp.nodes[fni as usize].span();
                    errors.push(duplicate(&id, (t, &n.span()), (fp, &first)));
                    continue;
                }
                found_from[j] = Some((pi, ni as u32));
                pending.push((j, pi, ni as u32));
                continue;
            }
            let mut attrs: Vec<(Sym, Sym)> =
                n.attrs.iter().map(|&a| reintern(a, t, &mut topo)).collect();
            let span = n.span().start + bases[pi]..n.span().end + bases[pi];
            match topo.add_node_interned(&id, &mut attrs, span) {
                Ok(ix) => {
                    map[ni] = ix;
                    origin.push((pi, n.span()));
                }
                Err(prev) => {
                    let (ppi, pspan) = &origin[prev as usize];
                    errors.push(duplicate(
                        &id,
                        (t, &n.span()),
                        (&parts[*ppi].topology, pspan),
                    ));
                }
            }
        }
        maps.push(map);
    }
    for (j, rule) in manifest.joins.iter().enumerate() {
        if found_from[j].is_none() {
            errors.push(unknown_end(src, &rule.from, rule.from_span.clone(), &topo));
        }
        if topo.node_index(&rule.to).is_none() && !joins.contains_key(rule.to.as_str()) {
            errors.push(unknown_end(src, &rule.to, rule.to_span.clone(), &topo));
        }
    }
    for &(j, pi, ni) in &pending {
        let rule = &manifest.joins[j];
        let t = &parts[pi].topology;
        let Some(to) = topo.node_index(&rule.to) else {
            continue;
        };
        let from_attrs: Vec<(Sym, Sym)> = t.nodes[ni as usize]
            .attrs
            .iter()
            .map(|&a| reintern(a, t, &mut topo))
            .collect();
        let to_attrs = topo.nodes[to as usize].attrs.clone();
        let mut merged: Vec<(Sym, Sym)> = Vec::with_capacity(to_attrs.len() + from_attrs.len());
        let names = |a: &[(Sym, Sym)]| {
            let mut v: Vec<Sym> = a.iter().map(|p| p.0).collect();
            v.dedup();
            v
        };
        let (fnames, tnames) = (names(&from_attrs), names(&to_attrs));
        for &name in fnames.iter().chain(tnames.iter()) {
            if merged.iter().any(|p| p.0 == name) {
                continue;
            }
            let f = super::attrs::run(&from_attrs, name);
            let tv = super::attrs::run(&to_attrs, name);
            let chosen = if f.is_empty() || f == tv {
                tv
            } else if tv.is_empty() {
                f
            } else {
                match rule.prefer {
                    Prefer::From => f,
                    Prefer::To => tv,
                    Prefer::Neither => {
                        let (tpi, tspan) = &origin[to as usize];
                        let shown = |run: &[(Sym, Sym)]| {
                            run.iter()
                                .map(|&(_, v)| {
                                    if v == EMPTY_LIST {
                                        "[]".to_string()
                                    } else {
                                        display(topo.strings.resolve(super::untag(v))).into_owned()
                                    }
                                })
                                .collect::<Vec<_>>()
                                .join(", ")
                        };
                        errors.push(
                            Diagnostic::error(format!(
                                "joining `{}` into `{}`: `{}` is `{}` in one and `{}` in the other",
                                display(&rule.from),
                                display(&rule.to),
                                display(topo.strings.resolve(name)),
                                shown(f),
                                shown(tv),
                            ))
                            .at(src, rule.span.clone(), "this join")
                            .also(&t.source, t.nodes[ni as usize].span(), "`from`")
                            .also(&parts[*tpi].topology.source, tspan.clone(), "`to`")
                            .help("make the values agree, or say which wins: `prefer: from` or `prefer: to`"),
                        );
                        tv
                    }
                }
            };
            merged.extend_from_slice(chosen);
        }
        merged.sort_unstable();
        topo.nodes[to as usize].attrs = merged.into();
        maps[pi][ni as usize] = to;
    }
    if !errors.is_empty() {
        return Err(Errors(errors));
    }
    for (pi, p) in parts.iter().enumerate() {
        let t = &p.topology;
        for e in &t.edges {
            let (from, to) = (maps[pi][e.from as usize], maps[pi][e.to as usize]);
            let attrs = e.attrs.iter().map(|&a| reintern(a, t, &mut topo)).collect();
            let span = e.span().start + bases[pi]..e.span().end + bases[pi];
            topo.add_edge_interned(from, to, t.strings.resolve(e.kind), attrs, span);
        }
    }
    Ok(topo)
}

fn duplicate(id: &str, second: (&Topology, &Span), first: (&Topology, &Span)) -> Diagnostic {
    Diagnostic::error(format!(
        "two parts of the estate have a node `{}`",
        display(id)
    ))
    .at(&second.0.source, second.1.clone(), "the second")
    .also(&first.0.source, first.1.clone(), "the first")
    .help("give one part a `prefix`, or say they are one node with a `join: [{from, to}]` rule")
}

fn unknown_end(src: &SourceRef, id: &str, span: Span, topo: &Topology) -> Diagnostic {
    Diagnostic::error(format!(
        "the join names `{}`, which no part of the estate has",
        display(id)
    ))
    .at(src, span, "unknown")
    .maybe_help(
        crate::diag::suggest::help_line(id, topo.node_ids())
            .or_else(|| Some("ids are those of the parts, after their `prefix`".to_string())),
    )
}
