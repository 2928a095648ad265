//! `proviso lsp`: a language server for agreements (`.contract` files).
//!
//! The transport is rust-analyzer's `lsp-server` (synchronous JSON-RPC over
//! stdio, or in memory for the tests) with the protocol types of
//! `lsp-types`. The server is one loop over messages: the parser and the
//! checks are synchronous and fast (an agreement is a few hundred lines),
//! so an async runtime would buy nothing.
//!
//! Documents are synced whole. Each change is analysed again by the
//! library's own parser and date checks ([`index`]), and the diagnostics
//! are published at the ranges `proviso check` reports. Definitions,
//! clause ids and parties resolve to their declaration; a definition can
//! be renamed; hovers and completions come from [`hover`] and
//! [`complete`]; formatting is `proviso fmt`'s own code.
//!
//! The client may pass `initializationOptions`: `asOf` (YYYY-MM-DD, the
//! day the date warnings are judged at; default today) and `topologies`
//! (paths, relative to the workspace root): the server reads those files,
//! and only those, to count the nodes each definition matches and to
//! complete attribute names and values.

mod complete;
mod hover;
mod index;
mod text;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use lsp_server::{Connection, Message, Notification, Request, Response};
use lsp_types::{
    CompletionOptions, Diagnostic as LspDiagnostic, DiagnosticRelatedInformation,
    DiagnosticSeverity, DocumentSymbol, GotoDefinitionResponse, Hover, HoverContents,
    HoverProviderCapability, InitializeParams, Location, MarkupContent, MarkupKind, OneOf,
    Position, PublishDiagnosticsParams, RenameOptions, ServerCapabilities, SymbolKind,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextEdit, Uri, WorkspaceEdit,
};
use serde_json::Value;

use crate::Date;
use crate::diag::Severity;
use index::{Analysis, What};
use text::Lines;

/// Runs the server over stdio until the client says `exit`.
pub fn stdio() -> anyhow::Result<()> {
    let (connection, threads) = Connection::stdio();
    serve(&connection)?;
    drop(connection);
    threads.join()?;
    Ok(())
}

/// The capabilities this server announces.
pub fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        document_symbol_provider: Some(OneOf::Left(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(false),
            work_done_progress_options: Default::default(),
        })),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        completion_provider: Some(CompletionOptions::default()),
        ..ServerCapabilities::default()
    }
}

/// What the server knows beyond the open documents.
#[derive(Default)]
pub struct Workspace {
    /// The day date warnings are judged at.
    as_of: Option<Date>,
    /// Each configured topology's path as given (with `#N` for the Nth
    /// block of a Markdown doc) and the topology read; a file that does
    /// not load is left out.
    topologies: Vec<(String, crate::Topology)>,
}

/// An open document.
struct Document {
    text: String,
    analysis: Analysis,
}

/// Serves one client over `connection`: the handshake, then requests and
/// notifications until `shutdown` and `exit`.
pub fn serve(connection: &Connection) -> anyhow::Result<()> {
    let caps = serde_json::to_value(capabilities())?;
    let params: InitializeParams = serde_json::from_value(connection.initialize(caps)?)?;
    let mut server = Server {
        workspace: workspace(&params),
        documents: BTreeMap::new(),
    };
    for message in &connection.receiver {
        match message {
            Message::Request(req) => {
                if connection.handle_shutdown(&req)? {
                    return Ok(());
                }
                let response = server.request(req);
                connection.sender.send(response.into())?;
            }
            Message::Notification(n) => {
                for out in server.notification(n) {
                    connection.sender.send(out.into())?;
                }
            }
            Message::Response(_) => {}
        }
    }
    Ok(())
}

/// The workspace the client describes: its root and options.
fn workspace(params: &InitializeParams) -> Workspace {
    let options = params.initialization_options.as_ref();
    let as_of = options
        .and_then(|o| o.get("asOf"))
        .and_then(Value::as_str)
        .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    #[allow(deprecated)] // rootUri is what most clients still send
    let root = params
        .workspace_folders
        .as_ref()
        .and_then(|f| f.first().map(|f| f.uri.clone()))
        .or_else(|| params.root_uri.clone())
        .and_then(|u| file_path(&u));
    let topologies = options
        .and_then(|o| o.get("topologies"))
        .and_then(Value::as_array)
        .map(|list| list.iter().filter_map(Value::as_str).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .flat_map(|p| {
            let path = match &root {
                Some(r) if Path::new(p).is_relative() => r.join(p),
                _ => PathBuf::from(p),
            };
            // Read as `proviso check FILE` reads it (YAML, JSON or a
            // Markdown doc's blocks), through the library's one reader.
            let loaded = crate::input::load_topologies(&path, crate::input::DEFAULT_MAX_INPUT)
                .unwrap_or_default();
            let many = loaded.len() > 1;
            loaded
                .into_iter()
                .enumerate()
                .map(|(i, l)| {
                    let label = if many {
                        format!("{p}#{}", i + 1)
                    } else {
                        p.to_string()
                    };
                    (label, l.topology)
                })
                .collect::<Vec<_>>()
        })
        .collect();
    Workspace { as_of, topologies }
}

/// The local path of a `file:` URI.
fn file_path(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    let decoded = percent_encoding::percent_decode_str(rest)
        .decode_utf8()
        .ok()?;
    Some(PathBuf::from(decoded.as_ref()))
}

struct Server {
    workspace: Workspace,
    documents: BTreeMap<String, Document>,
}

impl Server {
    fn as_of(&self) -> Date {
        self.workspace
            .as_of
            .unwrap_or_else(|| chrono::Local::now().date_naive())
    }

    fn notification(&mut self, n: Notification) -> Vec<Notification> {
        let uri = n
            .params
            .pointer("/textDocument/uri")
            .and_then(Value::as_str)
            // A URI that does not parse is never stored, so every URI the
            // server answers with (all of them of open documents) parses.
            .filter(|u| u.parse::<lsp_types::Uri>().is_ok())
            .map(str::to_string);
        let Some(uri) = uri else { return Vec::new() };
        match n.method.as_str() {
            "textDocument/didOpen" => {
                let text = n
                    .params
                    .pointer("/textDocument/text")
                    .and_then(Value::as_str);
                self.update(&uri, text.unwrap_or("").to_string())
            }
            "textDocument/didChange" => {
                // Full sync: the last change holds the whole text.
                let text = n
                    .params
                    .get("contentChanges")
                    .and_then(Value::as_array)
                    .and_then(|c| c.last())
                    .and_then(|c| c.get("text"))
                    .and_then(Value::as_str);
                match text {
                    Some(t) => self.update(&uri, t.to_string()),
                    None => Vec::new(),
                }
            }
            "textDocument/didClose" => {
                self.documents.remove(&uri);
                vec![publish(&uri, Vec::new())]
            }
            _ => Vec::new(),
        }
    }

    fn update(&mut self, uri: &str, text: String) -> Vec<Notification> {
        let path = display_path(uri);
        let analysis = Analysis::new(&path, &text, self.as_of());
        let lines = Lines::new(&text);
        let diagnostics = analysis
            .diagnostics
            .iter()
            .map(|d| diagnostic(d, uri, &lines))
            .collect();
        self.documents
            .insert(uri.to_string(), Document { text, analysis });
        vec![publish(uri, diagnostics)]
    }

    fn request(&self, req: Request) -> Response {
        let id = req.id.clone();
        match self.answer(&req) {
            Ok(value) => Response::new_ok(id, value),
            Err((code, message)) => Response::new_err(id, code, message),
        }
    }

    fn answer(&self, req: &Request) -> Result<Value, (i32, String)> {
        const METHODS: [&str; 7] = [
            "textDocument/formatting",
            "textDocument/documentSymbol",
            "textDocument/definition",
            "textDocument/references",
            "textDocument/rename",
            "textDocument/hover",
            "textDocument/completion",
        ];
        if !METHODS.contains(&req.method.as_str()) {
            return Err((
                METHOD_NOT_FOUND,
                format!("`{}` is not supported", req.method),
            ));
        }
        let uri = req
            .params
            .pointer("/textDocument/uri")
            .and_then(Value::as_str)
            .ok_or((INVALID_PARAMS, "no textDocument.uri".to_string()))?;
        let position: Option<Position> = req
            .params
            .get("position")
            .and_then(|p| serde_json::from_value(p.clone()).ok());
        let Some(doc) = self.documents.get(uri) else {
            return Err((INVALID_PARAMS, format!("`{uri}` is not open")));
        };
        let lines = Lines::new(&doc.text);
        let found = position.and_then(|p| doc.analysis.at(lines.offset(p)));
        let location = |span: &crate::source::Span| Location {
            uri: uri.parse().expect("the client's own URI parses"),
            range: lines.range(span),
        };
        let json = |v: Result<Value, serde_json::Error>| v.map_err(|e| (INTERNAL, e.to_string()));
        match req.method.as_str() {
            "textDocument/formatting" => {
                // The same code as `proviso fmt`: one edit replacing the whole
                // text, none when it is already formatted.
                let source = crate::Source::new(display_path(uri), doc.text.clone());
                let formatted = crate::authoring::fmt::format(&source).map_err(|e| {
                    let first = e.0.first().map_or(String::new(), |d| d.message.clone());
                    (REQUEST_FAILED, format!("not formatted: {first}"))
                })?;
                let edits = if formatted == doc.text {
                    Vec::new()
                } else {
                    vec![TextEdit::new(lines.range(&(0..doc.text.len())), formatted)]
                };
                json(serde_json::to_value(edits))
            }
            "textDocument/documentSymbol" => json(serde_json::to_value(symbols(doc, &lines))),
            "textDocument/definition" => {
                let target = found.and_then(|o| doc.analysis.declaration(o));
                json(serde_json::to_value(
                    target.map(|t| GotoDefinitionResponse::Scalar(location(&t.span))),
                ))
            }
            "textDocument/references" => {
                let include = req
                    .params
                    .pointer("/context/includeDeclaration")
                    .and_then(Value::as_bool)
                    .unwrap_or(true);
                let refs: Option<Vec<Location>> = found.map(|o| {
                    doc.analysis
                        .all(o)
                        .filter(|x| include || !x.declaration)
                        .map(|x| location(&x.span))
                        .collect()
                });
                json(serde_json::to_value(refs))
            }
            "textDocument/rename" => {
                let new = req
                    .params
                    .get("newName")
                    .and_then(Value::as_str)
                    .unwrap_or("");
                let edit = rename(doc, found, new, &lines, uri)?;
                json(serde_json::to_value(edit))
            }
            "textDocument/hover" => {
                let Some(o) = found else {
                    return Ok(Value::Null);
                };
                let selections = self.selections(&doc.analysis);
                let value = hover::hover(&doc.analysis, o, &selections);
                json(serde_json::to_value(value.map(|value| Hover {
                    contents: HoverContents::Markup(MarkupContent {
                        kind: MarkupKind::Markdown,
                        value,
                    }),
                    range: Some(lines.range(&o.span)),
                })))
            }
            "textDocument/completion" => {
                let items = complete::items(&doc.analysis, &self.workspace);
                json(serde_json::to_value(items))
            }
            other => Err((METHOD_NOT_FOUND, format!("`{other}` is not supported"))),
        }
    }

    /// What each definition of `uri` selects in each configured topology.
    fn selections(&self, analysis: &Analysis) -> Vec<hover::Selection> {
        let Some(ag) = analysis.agreement.as_ref() else {
            return Vec::new();
        };
        self.workspace
            .topologies
            .iter()
            .map(|(p, t)| (p.clone(), crate::engine::selections(ag, t)))
            .collect()
    }
}

const INVALID_PARAMS: i32 = -32602;
const METHOD_NOT_FOUND: i32 = -32601;
const INTERNAL: i32 = -32603;
/// The LSP's code for a request that cannot be carried out here.
const REQUEST_FAILED: i32 = -32803;

/// The path shown in diagnostics: the URI's path for a file, else the URI.
fn display_path(uri: &str) -> String {
    uri.parse::<Uri>()
        .ok()
        .and_then(|u| file_path(&u))
        .map_or(uri.to_string(), |p| p.display().to_string())
}

fn publish(uri: &str, diagnostics: Vec<LspDiagnostic>) -> Notification {
    let params = PublishDiagnosticsParams {
        uri: uri.parse().expect("the client's own URI parses"),
        diagnostics,
        version: None,
    };
    Notification::new("textDocument/publishDiagnostics".to_string(), params)
}

/// A proviso diagnostic in the protocol's terms: the primary label's range,
/// the message with the label and help below it, secondary labels as
/// related information.
fn diagnostic(d: &crate::Diagnostic, uri: &str, lines: &Lines<'_>) -> LspDiagnostic {
    let range = d
        .primary
        .as_ref()
        .map(|l| lines.range(&l.span))
        .unwrap_or_default();
    let mut message = d.message.clone();
    if let Some(l) = d.primary.as_ref().filter(|l| !l.text.is_empty()) {
        message.push_str(&format!(": {}", l.text));
    }
    if let Some(h) = &d.help {
        message.push_str(&format!("\nhelp: {h}"));
    }
    let related: Vec<DiagnosticRelatedInformation> = d
        .secondary
        .iter()
        .map(|l| DiagnosticRelatedInformation {
            location: Location {
                uri: uri.parse().expect("the client's own URI parses"),
                range: lines.range(&l.span),
            },
            message: l.text.clone(),
        })
        .collect();
    LspDiagnostic {
        range,
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        source: Some("proviso".to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..LspDiagnostic::default()
    }
}

/// Definitions and clauses, in source order, for the outline.
fn symbols(doc: &Document, lines: &Lines<'_>) -> Vec<DocumentSymbol> {
    let Some(ag) = &doc.analysis.agreement else {
        return Vec::new();
    };
    let whole = |span: &crate::source::Span| index::trim(&doc.text, span);
    #[allow(deprecated)] // `deprecated` is a required field of the type
    let symbol = |name: String, detail: Option<String>, kind, span: &crate::source::Span, at| {
        DocumentSymbol {
            name,
            detail,
            kind,
            tags: None,
            deprecated: None,
            range: lines.range(span),
            selection_range: lines.range(at),
            children: None,
        }
    };
    let mut out: Vec<(usize, DocumentSymbol)> = Vec::new();
    for d in &ag.definitions {
        let s = symbol(
            d.name.node.clone(),
            Some("definition".to_string()),
            SymbolKind::VARIABLE,
            &whole(&d.span),
            &d.name.span,
        );
        out.push((d.span.start, s));
    }
    for c in &ag.clauses {
        let s = symbol(
            format!("clause {}", c.id.node),
            c.title.as_ref().map(|t| t.node.clone()),
            SymbolKind::FUNCTION,
            &whole(&c.span),
            &c.id.span,
        );
        out.push((c.span.start, s));
    }
    out.sort_by_key(|(start, _)| *start);
    out.into_iter().map(|(_, s)| s).collect()
}

/// The edits that rename the definition under the cursor everywhere.
fn rename(
    doc: &Document,
    found: Option<&index::Occurrence>,
    new: &str,
    lines: &Lines<'_>,
    uri: &str,
) -> Result<WorkspaceEdit, (i32, String)> {
    let o = found.filter(|o| o.what == What::Definition).ok_or((
        REQUEST_FAILED,
        "only a definition's name can be renamed".to_string(),
    ))?;
    if !is_name(new) {
        return Err((
            REQUEST_FAILED,
            format!(
                "`{}` is not a name: use letters, digits, `_` and `-`, starting with a letter or `_`, and not a keyword",
                new.escape_debug()
            ),
        ));
    }
    let lowered = new.to_lowercase();
    if lowered != o.name
        && doc
            .analysis
            .occurrences
            .iter()
            .any(|x| x.what == What::Definition && x.declaration && x.name == lowered)
    {
        return Err((
            REQUEST_FAILED,
            format!("a definition `{new}` already exists"),
        ));
    }
    let edits: Vec<TextEdit> = doc
        .analysis
        .all(o)
        .map(|x| TextEdit::new(lines.range(&x.span), new.to_string()))
        .collect();
    // lsp-types keys the edits by its `Uri`, which clippy sees as mutable
    // (it caches parsed parts); the key is never changed here.
    #[allow(clippy::mutable_key_type)]
    let mut changes = std::collections::HashMap::new();
    changes.insert(uri.parse().expect("the client's own URI parses"), edits);
    Ok(WorkspaceEdit::new(changes))
}

/// Whether `word` can stand as a definition name: parsed with the
/// language's own grammar, as the only item of a tiny agreement.
fn is_name(word: &str) -> bool {
    if word.is_empty() || word.contains(|c: char| c.is_whitespace() || c == '#') {
        return false;
    }
    let probe = format!("define {word} as nodes");
    let source = crate::Source::new("rename", probe);
    matches!(crate::syntax::analyse(&source), (Some(ag), e) if e.is_empty() && ag.definitions.len() == 1)
}
