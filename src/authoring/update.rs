//! `proviso test --update`: the expectations rewritten from the actual
//! results, in place, so that a test file works like a snapshot.
//!
//! The file is edited line by line, never re-serialised: every line that
//! is not an expectation stays byte for byte (comments, blank lines, key
//! order, the topology). Within `verdicts`, `readings` and `witnesses`,
//! each entry keeps its key, its place, the comment lines above it and
//! the comment after it; only its value is rewritten. `"*"` keeps its
//! verdict, and a clause it no longer describes gets an entry of its own
//! just above it. A case with no `verdicts` gets `exit`, `verdicts` (each
//! clause) and `witnesses` (each failing clause). `warnings` and `exit`
//! are rewritten where written. A flow mapping (`verdicts: {...}`) is
//! rewritten in block style under its key, keeping the key's comment.

use super::judge;
use super::spec::{Case, Spec};
use crate::report::model::{ClauseVerdict, Report};

/// What a case found, for rewriting it.
#[derive(Debug, Clone)]
pub struct Found<'a> {
    /// The report of the case's topology.
    pub report: &'a Report,
    /// The warning codes, sorted.
    pub warnings: Vec<String>,
    /// The exit code.
    pub exit: u8,
}

/// One line of the file: its text (without the newline) and indentation.
struct Line {
    text: String,
}

impl Line {
    fn indent(&self) -> usize {
        self.text.len() - self.text.trim_start().len()
    }
    fn blank_or_comment(&self) -> bool {
        let t = self.text.trim_start();
        t.is_empty() || t.starts_with('#')
    }
    /// The key this line starts, at `col` (after `- ` on a case's first line).
    fn key_at(&self, col: usize) -> Option<&str> {
        let rest = self.text.get(col..)?;
        if self.text[..col]
            .trim_start_matches([' ', '-'])
            .trim()
            .is_empty()
        {
            let end = rest.find(':')?;
            let key = &rest[..end];
            (!key.is_empty() && !key.contains(' ')).then_some(key)
        } else {
            None
        }
    }
    /// What follows `key:` on the line, without its comment, trimmed.
    fn inline_value(&self, col: usize) -> &str {
        let rest = &self.text[col..];
        let after = rest.find(':').map_or("", |i| &rest[i + 1..]);
        strip_comment(after).0.trim()
    }
}

/// A line's text and its trailing comment (with the spaces before it).
fn strip_comment(text: &str) -> (&str, &str) {
    let mut quoted: Option<char> = None;
    for (i, c) in text.char_indices() {
        match (quoted, c) {
            (None, '"' | '\'') => quoted = Some(c),
            (Some(q), c) if c == q => quoted = None,
            (None, '#') if i == 0 || text[..i].ends_with([' ', '\t']) => {
                let start = text[..i].trim_end().len();
                return (&text[..start], &text[start..]);
            }
            _ => {}
        }
    }
    (text, "")
}

/// The test file's text with every case's expectations rewritten from
/// `found` (one per case, in order).
pub fn rewrite(spec: &Spec, found: &[Found<'_>]) -> String {
    let text = spec.source.text();
    let mut lines: Vec<Line> = text
        .split('\n')
        .map(|l| Line {
            text: l.to_string(),
        })
        .collect();
    let trailing_newline = text.ends_with('\n');
    if trailing_newline {
        lines.pop();
    }
    // Cases from the last, so earlier line numbers stay valid.
    for (case, f) in spec.cases.iter().zip(found).rev() {
        let (line, col) = spec.source.line_col(case.span.start);
        let first = line - spec.source.first_line();
        let col = col - 1;
        let mut end = first + 1;
        while end < lines.len() && (lines[end].blank_or_comment() || lines[end].indent() >= col) {
            end += 1;
        }
        // Trailing comment and blank lines belong to what follows.
        while end > first + 1 && lines[end - 1].blank_or_comment() {
            end -= 1;
        }
        let new = rewrite_case(&lines[first..end], col, case, f);
        lines.splice(first..end, new.into_iter().map(|text| Line { text }));
    }
    let mut out = lines
        .iter()
        .map(|l| l.text.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    if trailing_newline {
        out.push('\n');
    }
    out
}

/// A block of a case: its key and its lines (the key line first).
struct Block {
    key: Option<String>,
    lines: Vec<String>,
}

fn rewrite_case(lines: &[Line], col: usize, case: &Case, f: &Found<'_>) -> Vec<String> {
    let mut blocks: Vec<Block> = Vec::new();
    for l in lines {
        match l.key_at(col) {
            Some(k) if l.indent() <= col => blocks.push(Block {
                key: Some(k.to_string()),
                lines: vec![l.text.clone()],
            }),
            _ => match blocks.last_mut() {
                Some(b) => b.lines.push(l.text.clone()),
                None => blocks.push(Block {
                    key: None,
                    lines: vec![l.text.clone()],
                }),
            },
        }
    }
    let pad = " ".repeat(col);
    let verdicts = &f.report.verdicts;
    for b in &mut blocks {
        let key_line = Line {
            text: b.lines[0].clone(),
        };
        let prefix = &key_line.text[..col];
        let comment = strip_comment(&key_line.text).1.to_string();
        match b.key.as_deref() {
            Some("exit") => {
                b.lines[0] = format!("{prefix}exit: {}{comment}", f.exit);
            }
            Some("verdicts") if case.verdicts.is_some() => {
                let entries = entries(&b.lines[1..], &key_line, col);
                b.lines = vec![format!("{prefix}verdicts:{comment}")];
                b.lines.extend(rewrite_verdicts(entries, verdicts, col));
            }
            Some("readings") if case.readings.is_some() => {
                let entries = entries(&b.lines[1..], &key_line, col);
                b.lines = vec![format!("{prefix}readings:{comment}")];
                for e in entries {
                    let v = verdicts.iter().find(|v| v.clause == e.id);
                    let names = case
                        .readings
                        .iter()
                        .flatten()
                        .find(|(k, _)| k.value == e.id)
                        .map(|(_, rs)| rs.iter().map(|(n, _)| n.value.clone()).collect())
                        .unwrap_or_else(Vec::new);
                    let value = match v {
                        Some(v) => readings_value(v, &names),
                        None => e.value.clone(),
                    };
                    b.lines.extend(e.render(&value));
                }
            }
            Some("witnesses") if case.witnesses.is_some() => {
                let entries = entries(&b.lines[1..], &key_line, col);
                b.lines = vec![format!("{prefix}witnesses:{comment}")];
                for e in entries {
                    let value = match verdicts.iter().find(|v| v.clause == e.id) {
                        Some(v) => witnesses_value(v),
                        None => e.value.clone(),
                    };
                    b.lines.extend(e.render(&value));
                }
            }
            Some("warnings") if case.warnings.is_some() => {
                let list = f
                    .warnings
                    .iter()
                    .map(|w| scalar(w))
                    .collect::<Vec<_>>()
                    .join(", ");
                // Comment lines under the key stay (a block list's items go).
                let kept: Vec<String> = b.lines[1..]
                    .iter()
                    .filter(|l| Line { text: (*l).clone() }.blank_or_comment())
                    .cloned()
                    .collect();
                b.lines = vec![format!("{prefix}warnings: [{list}]{comment}")];
                b.lines.extend(kept);
            }
            _ => {}
        }
    }
    let mut out: Vec<String> = blocks.into_iter().flat_map(|b| b.lines).collect();
    if case.verdicts.is_none() {
        if case.exit.is_none() {
            out.push(format!("{pad}exit: {}", f.exit));
        }
        out.push(format!("{pad}verdicts:"));
        for v in verdicts {
            out.push(format!(
                "{pad}  {}: {}",
                quoted(&v.clause),
                v.verdict.as_str()
            ));
        }
        let failing: Vec<&ClauseVerdict> = verdicts
            .iter()
            .filter(|v| !judge::deciding_witnesses(v).is_empty())
            .collect();
        if case.witnesses.is_none() && !failing.is_empty() {
            out.push(format!("{pad}witnesses:"));
            for v in failing {
                out.push(format!(
                    "{pad}  {}: {}",
                    quoted(&v.clause),
                    witnesses_value(v)
                ));
            }
        }
    }
    out
}

/// An entry of a block mapping: the comment lines above it, its key as
/// written, its clause id, its value as written and its comment.
struct Entry {
    above: Vec<String>,
    indent: String,
    key: String,
    id: String,
    value: String,
    comment: String,
}

impl Entry {
    fn render(&self, value: &str) -> Vec<String> {
        let mut out = self.above.clone();
        out.push(format!(
            "{}{}: {value}{}",
            self.indent, self.key, self.comment
        ));
        out
    }
}

/// The entries under a key: block style (one entry a line, continuation
/// lines folded into the value), or a flow mapping on the key line.
fn entries(lines: &[String], key_line: &Line, col: usize) -> Vec<Entry> {
    let inline = key_line.inline_value(col);
    let indent = " ".repeat(col + 2);
    if inline.starts_with('{') {
        return flow_entries(inline)
            .into_iter()
            .map(|(key, value)| Entry {
                above: Vec::new(),
                indent: indent.clone(),
                id: unquote(&key),
                key,
                value,
                comment: String::new(),
            })
            .collect();
    }
    let mut out: Vec<Entry> = Vec::new();
    let mut above = Vec::new();
    let mut entry_col = None;
    for l in lines {
        let line = Line { text: l.clone() };
        if line.blank_or_comment() {
            above.push(l.clone());
            continue;
        }
        let ind = line.indent();
        if entry_col.is_none() {
            entry_col = Some(ind);
        }
        if Some(ind) == entry_col {
            let (body, comment) = strip_comment(l.trim_start());
            let (key, value) = split_key(body);
            out.push(Entry {
                above: std::mem::take(&mut above),
                indent: " ".repeat(ind),
                id: unquote(&key),
                key,
                value: value.trim().to_string(),
                comment: comment.to_string(),
            });
        } else if let Some(last) = out.last_mut() {
            // A continuation: folded into the value, rewritten anyway.
            last.value.push(' ');
            last.value.push_str(strip_comment(l.trim()).0);
        }
    }
    if let Some(last) = out.last_mut() {
        // Comment lines after the last entry stay after it.
        last.comment
            .push_str(&above.iter().map(|a| format!("\n{a}")).collect::<String>());
    }
    out
}

/// `KEY: VALUE`, with a quoted key that may hold `:`.
fn split_key(body: &str) -> (String, String) {
    let b = body.trim();
    let end = if let Some(q @ ('"' | '\'')) = b.chars().next() {
        b[1..].find(q).map_or(b.len(), |i| i + 2)
    } else {
        b.find(':').unwrap_or(b.len())
    };
    let key = b[..end.min(b.len())].to_string();
    let rest = b[end.min(b.len())..].trim_start();
    let value = rest.strip_prefix(':').unwrap_or(rest);
    (key, value.to_string())
}

/// The top-level pairs of a one-line flow mapping.
fn flow_entries(flow: &str) -> Vec<(String, String)> {
    let inner = flow.trim().trim_start_matches('{').trim_end_matches('}');
    let mut parts = Vec::new();
    let (mut depth, mut start, mut quoted) = (0i32, 0, None);
    for (i, c) in inner.char_indices() {
        match (quoted, c) {
            (None, '"' | '\'') => quoted = Some(c),
            (Some(q), c) if c == q => quoted = None,
            (None, '[' | '{') => depth += 1,
            (None, ']' | '}') => depth -= 1,
            (None, ',') if depth == 0 => {
                parts.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts
        .into_iter()
        .filter(|p| !p.trim().is_empty())
        .map(|p| {
            let (k, v) = split_key(p);
            (k, v.trim().to_string())
        })
        .collect()
}

fn rewrite_verdicts(entries: Vec<Entry>, verdicts: &[ClauseVerdict], col: usize) -> Vec<String> {
    let star = entries
        .iter()
        .find(|e| e.id == "*")
        .map(|e| e.value.clone());
    let listed: Vec<&str> = entries.iter().map(|e| e.id.as_str()).collect();
    let indent = entries
        .first()
        .map_or_else(|| " ".repeat(col + 2), |e| e.indent.clone());
    // Clauses `*` would now describe wrongly, or that nothing describes.
    let added: Vec<String> = verdicts
        .iter()
        .filter(|v| !listed.contains(&v.clause.as_str()))
        .filter(|v| star.as_deref() != Some(v.verdict.as_str()))
        .map(|v| format!("{indent}{}: {}", quoted(&v.clause), v.verdict.as_str()))
        .collect();
    let mut out = Vec::new();
    let mut added_once = Some(added);
    for e in &entries {
        if e.id == "*" {
            out.extend(added_once.take().unwrap_or_default());
            out.extend(e.render(&e.value));
            continue;
        }
        let value = verdicts
            .iter()
            .find(|v| v.clause == e.id)
            .map_or(e.value.clone(), |v| v.verdict.as_str().to_string());
        out.extend(e.render(&value));
    }
    out.extend(added_once.unwrap_or_default());
    out
}

/// `{letter: holds, spirit: fails}` for the readings named (all when none).
fn readings_value(v: &ClauseVerdict, names: &[String]) -> String {
    let all = v.all_readings();
    let pairs: Vec<String> = all
        .iter()
        .filter(|(w, _)| names.is_empty() || names.iter().any(|n| n == w.name()))
        .map(|(w, r)| {
            format!(
                "{}: {}",
                scalar(w.name()),
                if r.holds { "holds" } else { "fails" }
            )
        })
        .collect();
    format!("{{{}}}", pairs.join(", "))
}

/// `[[a, b, c], [d]]`: the deciding witnesses' node ids.
fn witnesses_value(v: &ClauseVerdict) -> String {
    let paths: Vec<String> = judge::deciding_witnesses(v)
        .iter()
        .map(|p| {
            format!(
                "[{}]",
                p.iter().map(|n| scalar(n)).collect::<Vec<_>>().join(", ")
            )
        })
        .collect();
    format!("[{}]", paths.join(", "))
}

fn unquote(key: &str) -> String {
    let k = key.trim();
    if k.len() >= 2
        && ((k.starts_with('"') && k.ends_with('"')) || (k.starts_with('\'') && k.ends_with('\'')))
    {
        k[1..k.len() - 1].to_string()
    } else {
        k.to_string()
    }
}

/// A clause id as a YAML key: always quoted, since `4.2` is a number.
fn quoted(id: &str) -> String {
    serde_json::to_string(id).unwrap_or_else(|_| format!("\"{id}\""))
}

/// A plain scalar when YAML reads it back as the same string, else quoted.
fn scalar(s: &str) -> String {
    let plain = s
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/' | ':'))
        && !s.ends_with(':')
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "y" | "n"
        );
    if plain { s.to_string() } else { quoted(s) }
}
