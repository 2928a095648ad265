//! `proviso lsp`: the server driven over JSON-RPC, in process (an
//! in-memory connection, the same loop as over stdio) and once over the
//! real binary's pipes. Responses are snapshot as JSON.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::path::Path;
use std::process::Stdio;

use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use serde_json::{Value, json};

use super::support::{AS_OF, proviso};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
/// The URI the tests open documents under: the server never reads it.
const URI: &str = "file:///workspace/deal.contract";

/// A client talking to a server running on its own thread.
struct Client {
    conn: Connection,
    server: Option<std::thread::JoinHandle<anyhow::Result<()>>>,
    next: i32,
}

impl Client {
    /// Starts a server and initializes it with these options.
    fn start(options: Value) -> Client {
        let (server, conn) = Connection::memory();
        let handle = std::thread::spawn(move || proviso::lsp::serve(&server));
        let mut client = Client {
            conn,
            server: Some(handle),
            next: 0,
        };
        let root = format!("file://{ROOT}");
        let init = client.request(
            "initialize",
            json!({"capabilities": {}, "rootUri": root, "initializationOptions": options}),
        );
        assert!(
            init["capabilities"]["hoverProvider"] == json!(true),
            "{init}"
        );
        client.notify("initialized", json!({}));
        client
    }

    /// A server judging dates at the suite's day, with one topology.
    fn standard() -> Client {
        Client::start(json!({
            "asOf": AS_OF,
            "topologies": ["fixtures/topologies/frontier-on-aws.yaml", "fixtures/topologies/azure-routed.yaml"],
        }))
    }

    fn notify(&self, method: &str, params: Value) {
        let n = Notification::new(method.to_string(), params);
        self.conn.sender.send(Message::Notification(n)).unwrap();
    }

    fn send(&mut self, method: &str, params: Value) -> Response {
        self.next += 1;
        let id = RequestId::from(self.next);
        let req = Request::new(id.clone(), method.to_string(), params);
        self.conn.sender.send(Message::Request(req)).unwrap();
        loop {
            match self.conn.receiver.recv().expect("the server answers") {
                Message::Response(r) if r.id == id => return r,
                _ => continue,
            }
        }
    }

    /// The result of a request that must succeed.
    fn request(&mut self, method: &str, params: Value) -> Value {
        let r = self.send(method, params);
        r.response_result.expect("the request succeeds")
    }

    /// Opens a document and returns the diagnostics published for it.
    fn open(&self, text: &str) -> Value {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": URI, "languageId": "proviso", "version": 1, "text": text}}),
        );
        self.diagnostics()
    }

    fn change(&self, text: &str) -> Value {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": URI, "version": 2}, "contentChanges": [{"text": text}]}),
        );
        self.diagnostics()
    }

    fn diagnostics(&self) -> Value {
        loop {
            match self.conn.receiver.recv().expect("the server publishes") {
                Message::Notification(n) if n.method == "textDocument/publishDiagnostics" => {
                    assert_eq!(n.params["uri"], URI);
                    return n.params["diagnostics"].clone();
                }
                _ => continue,
            }
        }
    }

    /// A request at the `nth` (0-based) occurrence of `word` in `text`.
    fn at(&mut self, method: &str, text: &str, word: &str, nth: usize, extra: Value) -> Value {
        let position = position_of(text, word, nth);
        let mut params = json!({"textDocument": {"uri": URI}, "position": position});
        if let (Value::Object(p), Value::Object(e)) = (&mut params, extra) {
            p.extend(e);
        }
        self.request(method, params)
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        if let Some(handle) = self.server.take() {
            let _ = self.send("shutdown", Value::Null);
            self.notify("exit", Value::Null);
            handle.join().unwrap().expect("the server stops cleanly");
        }
    }
}

/// The LSP position of the `nth` occurrence of `word` (as a whole word), one character in.
fn position_of(text: &str, word: &str, nth: usize) -> Value {
    let mut seen = 0;
    for (line, l) in text.lines().enumerate() {
        let mut from = 0;
        while let Some(i) = l[from..].find(word) {
            let start = from + i;
            let end = start + word.len();
            let before = l[..start].chars().next_back();
            let after = l[end..].chars().next();
            let boundary =
                |c: Option<char>| c.is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == '-'));
            if boundary(before) && boundary(after) {
                if seen == nth {
                    return json!({"line": line, "character": l[..start].chars().count() + 1});
                }
                seen += 1;
            }
            from = end;
        }
    }
    panic!("no occurrence {nth} of `{word}`");
}

fn contract(name: &str) -> String {
    std::fs::read_to_string(Path::new(ROOT).join(name)).unwrap()
}

/// The text of a range of `text`.
fn slice(text: &str, range: &Value) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let (l1, c1) = (
        range["start"]["line"].as_u64().unwrap() as usize,
        range["start"]["character"].as_u64().unwrap() as usize,
    );
    let (l2, c2) = (
        range["end"]["line"].as_u64().unwrap() as usize,
        range["end"]["character"].as_u64().unwrap() as usize,
    );
    assert_eq!(l1, l2, "a name is on one line");
    lines[l1].chars().skip(c1).take(c2 - c1).collect()
}

#[test]
fn a_good_agreement_gets_no_diagnostics() {
    let client = Client::standard();
    let diags = client.open(&contract("fixtures/contracts/azure-openai.contract"));
    assert_eq!(diags, json!([]));
}

#[test]
fn every_error_fixture_gets_its_diagnostics_at_the_ranges_check_reports() {
    let client = Client::standard();
    let dir = Path::new(ROOT).join("fixtures/errors/agreement");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "contract"))
        .collect();
    paths.sort();
    assert!(paths.len() > 10);
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        let diags = client.open(&text);
        // typos.contract parses: its warnings need a topology.
        let Err(errors) = proviso::parse_agreement("deal.contract", &text) else {
            assert_eq!(diags, json!([]), "{}", path.display());
            continue;
        };
        let errors = errors.0;
        let got: Vec<(u64, u64)> = diags
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                let s = &d["range"]["start"];
                (
                    s["line"].as_u64().unwrap() + 1,
                    s["character"].as_u64().unwrap() + 1,
                )
            })
            .collect();
        let want: Vec<(u64, u64)> = errors
            .iter()
            .map(|e| {
                let l = e.location().expect("located");
                (l.line as u64, l.column as u64)
            })
            .collect();
        assert_eq!(got, want, "{}", path.display());
        assert!(
            diags.as_array().unwrap().iter().all(|d| d["severity"] == 1),
            "errors are errors"
        );
    }
}

#[test]
fn diagnostics_follow_each_change_with_message_help_and_related_places() {
    let client = Client::standard();
    let text = contract("fixtures/errors/agreement/duplicate-definition.contract");
    insta::assert_json_snapshot!("lsp_duplicate_definition", client.open(&text));
    assert_eq!(client.change("define a as nodes\n"), json!([]));
    insta::assert_json_snapshot!(
        "lsp_syntax_error",
        client.change("define a as nodes\nclause 1: a must\n")
    );
}

#[test]
fn a_clause_window_outside_the_term_is_a_warning_as_in_check() {
    let client = Client::standard();
    let text = "agreement \"A\" between x, y effective 2026-01-01 until 2027-01-01\n\
                define a as nodes\n\
                clause 1 effective 2025-01-01: a must have zone = z\n";
    let diags = client.open(text);
    insta::assert_json_snapshot!("lsp_window_warning", diags);
    assert_eq!(diags[0]["severity"], 2);
}

#[test]
fn the_outline_lists_definitions_and_clauses_in_order() {
    let mut client = Client::standard();
    client.open(&contract("fixtures/contracts/azure-openai.contract"));
    let symbols = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": URI}}),
    );
    insta::assert_json_snapshot!("lsp_document_symbols", symbols);
}

#[test]
fn definition_goes_from_a_use_to_the_define() {
    let mut client = Client::standard();
    let text = contract("fixtures/contracts/azure-openai.contract");
    client.open(&text);
    // `define frontier as models where ...`: the second `models` in the file.
    let target = client.at("textDocument/definition", &text, "models", 1, json!({}));
    assert_eq!(target["uri"], URI);
    let line = text
        .lines()
        .position(|l| l.starts_with("define models"))
        .unwrap();
    assert_eq!(
        target["range"]["start"],
        json!({"line": line, "character": 7})
    );
    assert_eq!(slice(&text, &target["range"]), "models");
}

#[test]
fn definition_of_a_clause_id_and_a_party() {
    let mut client = Client::standard();
    let text = contract("fixtures/contracts/azure-openai.contract");
    client.open(&text);
    // `notwithstanding 4.2, 4.6` names clause 4.2.
    let line = text
        .lines()
        .position(|l| l.contains("notwithstanding"))
        .unwrap();
    let col = text.lines().nth(line).unwrap().find("4.2").unwrap() + 1;
    let target = client.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": URI}, "position": {"line": line, "character": col}}),
    );
    let decl_line = text
        .lines()
        .position(|l| l.starts_with("clause 4.2"))
        .unwrap();
    assert_eq!(target["range"]["start"]["line"], decl_line);
    assert_eq!(slice(&text, &target["range"]), "4.2");
    // `owed by openai` names the party of the header.
    let line = text
        .lines()
        .position(|l| l.contains("owed by openai"))
        .unwrap();
    let col = text.lines().nth(line).unwrap().rfind("openai").unwrap() + 1;
    let target = client.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": URI}, "position": {"line": line, "character": col}}),
    );
    assert_eq!(target["range"]["start"]["line"], 3);
    assert_eq!(slice(&text, &target["range"]), "openai");
}

#[test]
fn references_list_every_use_with_or_without_the_declaration() {
    let mut client = Client::standard();
    let text = contract("fixtures/contracts/azure-openai.contract");
    client.open(&text);
    let all = client.at(
        "textDocument/references",
        &text,
        "azure_api",
        0,
        json!({"context": {"includeDeclaration": true}}),
    );
    let lines: Vec<u64> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["range"]["start"]["line"].as_u64().unwrap() + 1)
        .collect();
    assert_eq!(lines, [10, 32, 35]);
    let uses = client.at(
        "textDocument/references",
        &text,
        "azure_api",
        0,
        json!({"context": {"includeDeclaration": false}}),
    );
    assert_eq!(uses.as_array().unwrap().len(), 2);
}

#[test]
fn rename_changes_every_use_of_a_definition_whatever_its_case() {
    let mut client = Client::standard();
    let text = contract("fixtures/contracts/azure-openai.contract");
    client.open(&text);
    let edit = client.at(
        "textDocument/rename",
        &text,
        "azure",
        0,
        json!({"newName": "on_azure"}),
    );
    let edits = edit["changes"][URI].as_array().unwrap().clone();
    // `define azure`, `azure_api as azure`, `route via Azure` (4.1),
    // 4.7, 4.3, 6.1, 7.5 and 9.2; not the value in `cloud = azure`.
    assert_eq!(edits.len(), 8);
    assert!(edits.iter().any(|e| slice(&text, &e["range"]) == "Azure"));
    // Applied, the agreement still parses and means the same.
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut sorted = edits.clone();
    sorted.sort_by_key(|e| {
        std::cmp::Reverse((
            e["range"]["start"]["line"].as_u64().unwrap(),
            e["range"]["start"]["character"].as_u64().unwrap(),
        ))
    });
    for e in &sorted {
        let l = e["range"]["start"]["line"].as_u64().unwrap() as usize;
        let (a, b) = (
            e["range"]["start"]["character"].as_u64().unwrap() as usize,
            e["range"]["end"]["character"].as_u64().unwrap() as usize,
        );
        lines[l].replace_range(a..b, e["newText"].as_str().unwrap());
    }
    let renamed = lines.join("\n");
    let ag = proviso::parse_agreement("deal.contract", &renamed).expect("still parses");
    assert!(ag.definitions.iter().any(|d| d.name.node == "on_azure"));
    assert!(!ag.definitions.iter().any(|d| d.name.node == "azure"));
}

#[test]
fn rename_refuses_a_keyword_a_taken_name_and_a_clause_id() {
    let mut client = Client::standard();
    let text = contract("fixtures/contracts/azure-openai.contract");
    client.open(&text);
    let mut refused = |word: &str, nth: usize, new: &str| {
        let position = position_of(&text, word, nth);
        let r = client.send(
            "textDocument/rename",
            json!({"textDocument": {"uri": URI}, "position": position, "newName": new}),
        );
        r.response_result.expect_err("refused").message
    };
    insta::assert_snapshot!(refused("azure", 0, "must"), @"`must` is not a name: use letters, digits, `_` and `-`, starting with a letter or `_`, and not a keyword");
    insta::assert_snapshot!(refused("azure", 0, "models"), @"a definition `models` already exists");
    insta::assert_snapshot!(refused("4.1", 0, "x"), @"only a definition's name can be renamed");
}

#[test]
fn hover_shows_a_definition_its_refinements_and_its_matches_per_topology() {
    let mut client = Client::standard();
    let text = contract("fixtures/contracts/azure-openai.contract");
    client.open(&text);
    let hover = client.at("textDocument/hover", &text, "frontier", 0, json!({}));
    insta::assert_snapshot!(
        "lsp_hover_definition",
        hover["contents"]["value"].as_str().unwrap()
    );
}

#[test]
fn hover_shows_what_counts_as_a_kind_in_each_reading() {
    let mut client = Client::standard();
    let text = contract("fixtures/contracts/azure-openai.contract");
    client.open(&text);
    let hover = client.at("textDocument/hover", &text, "api", 0, json!({}));
    insta::assert_snapshot!(
        "lsp_hover_kind",
        hover["contents"]["value"].as_str().unwrap()
    );
}

#[test]
fn hover_says_a_clause_in_plain_words() {
    let mut client = Client::standard();
    let text = contract("fixtures/contracts/azure-openai.contract");
    client.open(&text);
    let ids = ["4.2", "4.6", "5.1", "7.4", "7.5", "9.2"];
    let words: Vec<String> = ids
        .iter()
        .map(|id| {
            let h = client.at("textDocument/hover", &text, id, 0, json!({}));
            h["contents"]["value"].as_str().unwrap().to_string()
        })
        .collect();
    insta::assert_snapshot!("lsp_hover_clauses", words.join("\n---\n"));
}

#[test]
fn completion_offers_keywords_names_and_the_topologies_attributes() {
    let mut client = Client::standard();
    let text = contract("fixtures/contracts/azure-openai.contract");
    client.open(&text);
    let items = client.at("textDocument/completion", &text, "models", 0, json!({}));
    let labels: Vec<(String, String)> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["label"].as_str().unwrap().to_string(),
                i["detail"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let has = |label: &str, detail: &str| labels.iter().any(|(l, d)| l == label && d == detail);
    assert!(has("must", "keyword"));
    assert!(has("frontier", "definition"));
    assert!(has("openai", "party"));
    assert!(has("inference", "edge kind"));
    assert!(has(
        "tier",
        "attribute in fixtures/topologies/frontier-on-aws.yaml"
    ));
    assert!(has(
        "stateful-runtime",
        "value in fixtures/topologies/frontier-on-aws.yaml"
    ));
    let mut sorted = labels.clone();
    sorted.sort();
    assert_eq!(labels, sorted, "sorted, so deterministic");
}

#[test]
fn a_request_for_a_document_not_open_is_an_error_not_a_crash() {
    let mut client = Client::standard();
    let r = client.send(
        "textDocument/hover",
        json!({"textDocument": {"uri": "file:///nowhere.contract"}, "position": {"line": 0, "character": 0}}),
    );
    assert!(r.response_result.is_err());
    // The server goes on answering.
    assert_eq!(client.open("define a as nodes\n"), json!([]));
}

#[test]
fn the_binary_serves_over_stdio_and_exits_on_request() {
    let mut child = proviso()
        .arg("lsp")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let frame = |v: Value| {
        let body = v.to_string();
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    };
    let script = [
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}),
        json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
        json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": URI, "languageId": "proviso", "version": 1, "text": "define a as nodes\nclause 1: b must have x = y\n"}}}),
        json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}),
        json!({"jsonrpc": "2.0", "method": "exit"}),
    ];
    for m in script {
        stdin.write_all(frame(m).as_bytes()).unwrap();
    }
    drop(stdin);
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut messages = Vec::new();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap() == 0 {
            break;
        }
        let len: usize = header
            .trim()
            .strip_prefix("Content-Length: ")
            .expect("a Content-Length header")
            .parse()
            .unwrap();
        let mut blank = String::new();
        reader.read_line(&mut blank).unwrap();
        let mut body = vec![0; len];
        reader.read_exact(&mut body).unwrap();
        messages.push(serde_json::from_slice::<Value>(&body).unwrap());
    }
    let status = child.wait().unwrap();
    assert!(status.success());
    assert_eq!(messages.len(), 3, "{messages:?}");
    assert_eq!(messages[0]["id"], 1);
    assert_eq!(messages[1]["method"], "textDocument/publishDiagnostics");
    let message = messages[1]["params"]["diagnostics"][0]["message"]
        .as_str()
        .unwrap();
    assert!(message.contains("`b`"), "{message}");
    assert_eq!(messages[2]["id"], 2);
}
