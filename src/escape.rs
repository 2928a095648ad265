//! Escaping untrusted text for every output channel.
//!
//! In CI, topologies, docs and file names come from whoever opened the
//! pull request, and everything proviso prints lands in a CI log, an
//! annotation, a SARIF or JUnit file or a job summary. A node id with a
//! newline followed by `::error ...` would otherwise become a GitHub
//! workflow command; an ESC sequence would repaint a terminal; U+FFFE
//! makes JUnit XML ill-formed; a right-to-left override makes a path read
//! backwards. So there is one notion of an *unsafe* character
//! ([`is_unsafe`]) and three ways to neutralise it:
//!
//! - [`display`] for a string embedded in a message: every unsafe character,
//!   line breaks included, becomes a visible escape (`\n`, `\u{1b}`);
//! - [`placeholder`] for a source excerpt, where a caret points at a column:
//!   each unsafe character becomes one `�`, so columns still line up;
//! - [`output`] for a whole text proviso is about to write: unsafe
//!   characters other than its own line breaks and tabs are escaped, and no
//!   line can begin with `::` or `##[` (the prefixes of GitHub and Azure
//!   Pipelines log commands) or carry `##vso[` unless proviso wrote it as a
//!   command itself (the `github` format, which escapes its payloads with
//!   the runner's own rules instead).
//!
//! The JSON outputs (the report, SARIF, `verdicts`) keep strings exactly,
//! so a machine reading them sees the input as written: [`json`] writes
//! every unsafe character a JSON serialiser leaves raw (DEL, C1 controls,
//! bidi controls, U+2028...) as a JSON `\uXXXX` escape, which decodes to
//! the same string and is printable as it is.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether a character must never reach output as itself: C0 and C1
/// controls, DEL, the Unicode line and paragraph separators, the bidi
/// embedding, override, isolate and mark characters, the byte-order mark
/// and the noncharacters U+FFFE and U+FFFF (invalid in XML 1.0).
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || is_bidi(c)
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
        )
}

/// Whether `s` holds any [`is_unsafe`] character. Printable ASCII (nearly
/// every id and name) is decided a byte at a time, without decoding.
pub fn has_unsafe(s: &str) -> bool {
    !s.bytes().all(|b| (0x20..0x7f).contains(&b)) && s.chars().any(is_unsafe)
}

/// The characters that change the direction of the text around them.
pub fn is_bidi(c: char) -> bool {
    matches!(
        c,
        '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
    )
}

/// `s` with every unsafe character written as an escape: `\n`, `\r`,
/// `\t`, else `\u{hex}`.
pub fn display(s: &str) -> Cow<'_, str> {
    if !has_unsafe(s) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        push_escaped(&mut out, c);
    }
    Cow::Owned(out)
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if is_unsafe(c) => {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
        c => out.push(c),
    }
}

/// `s` with every unsafe character but a tab replaced by one `�`, so that
/// a caret under a column of `s` still points at the same character.
pub fn placeholder(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| c != '\t' && is_unsafe(c)) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| {
                if c != '\t' && is_unsafe(c) {
                    '\u{fffd}'
                } else {
                    c
                }
            })
            .collect(),
    )
}

/// A whole text about to be written to a terminal, a log or a file: unsafe
/// characters other than `\n` and `\t` escaped, and every line that would
/// start a log command (`::` or `##[`, after leading blanks) or that holds
/// `##vso[` defused by escaping its first `:` or `#`.
pub fn output(text: &str) -> Cow<'_, str> {
    filter(text, false)
}

/// [`output`] for a text that proviso coloured itself: its SGR sequences
/// (`ESC [ 1;31 m`, colour and weight only) are kept, every other escape
/// sequence is escaped. Strings from the input are escaped with
/// [`display`] before they are coloured, so the SGR sequences left are
/// proviso's own.
pub fn output_colored(text: &str) -> Cow<'_, str> {
    filter(text, true)
}

fn filter(text: &str, keep_sgr: bool) -> Cow<'_, str> {
    let safe_char = |c: char| c == '\n' || c == '\t' || !is_unsafe(c);
    let chars_ok = if keep_sgr {
        sgr_only(text)
    } else {
        text.chars().all(safe_char)
    };
    if chars_ok && !text.split('\n').any(is_command_like) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        // A command prefix: its first character. `##vso[`, which a runner
        // reads anywhere in a line: the first `#` of every occurrence.
        let t = line.trim_start();
        let mut defuse = is_command_prefix(t).then_some(line.len() - t.len());
        let mut vso = line.match_indices(VSO).map(|(at, _)| at).peekable();
        let mut sgr_end = 0;
        for (at, c) in line.char_indices() {
            if at < sgr_end {
                out.push(c);
            } else if defuse == Some(at) || vso.peek() == Some(&at) {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
                defuse = None;
                vso.next_if_eq(&at);
            } else if c == '\t' {
                out.push(c);
            } else if c == '\u{1b}'
                && keep_sgr
                && let Some(len) = sgr_len(&line[at..])
            {
                sgr_end = at + len;
                out.push(c);
            } else {
                push_escaped(&mut out, c);
            }
        }
    }
    Cow::Owned(out)
}

/// The length of an SGR sequence at the start of `s`: `ESC [`, digits and
/// semicolons, `m`.
fn sgr_len(s: &str) -> Option<usize> {
    let rest = s.strip_prefix("\u{1b}[")?;
    let params = rest.find(|c: char| !(c.is_ascii_digit() || c == ';'))?;
    rest[params..].starts_with('m').then_some(2 + params + 1)
}

/// Whether every unsafe character of `text` (but line breaks and tabs) is
/// the ESC of an SGR sequence.
fn sgr_only(text: &str) -> bool {
    text.char_indices().all(|(at, c)| {
        c == '\n' || c == '\t' || !is_unsafe(c) || (c == '\u{1b}' && sgr_len(&text[at..]).is_some())
    })
}

/// Serialised JSON with every unsafe character but `\n` and `\t` written
/// as a JSON `\uXXXX` escape (a surrogate pair above U+FFFF). A JSON
/// serialiser escapes C0 controls itself but writes DEL, C1 controls and
/// bidi controls raw; outside strings JSON holds none of them, so only
/// string contents change, and they decode to the same text.
pub fn json(text: &str) -> Cow<'_, str> {
    let escape = |c: char| c != '\n' && c != '\t' && is_unsafe(c);
    if !text.chars().any(escape) && !text.contains(VSO) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut units = [0u16; 2];
    for c in text.chars() {
        if escape(c) {
            for unit in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{unit:04x}");
            }
        } else {
            out.push(c);
        }
    }
    // `#` is only ever inside a string in JSON, where `\u0023` is `#`.
    Cow::Owned(out.replace(VSO, "\\u0023#vso["))
}

/// Whether a line would be read as a log command by a CI runner.
/// (`:::` is not: no runner reads a command whose name starts with `:`,
/// and it is how diagnostics mark a secondary file.)
fn is_command_like(line: &str) -> bool {
    is_command_prefix(line.trim_start()) || line.contains(VSO)
}

/// Whether a line, leading blanks trimmed, starts a GitHub or Azure
/// Pipelines log command.
fn is_command_prefix(t: &str) -> bool {
    (t.starts_with("::") && !t.starts_with(":::")) || t.starts_with("##[")
}

/// What starts an Azure Pipelines logging command anywhere in a line.
const VSO: &str = "##vso[";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_escapes_line_breaks_controls_and_bidi() {
        assert_eq!(display("a\n::error x"), "a\\n::error x");
        assert_eq!(display("\u{1b}[31mred"), "\\u{1b}[31mred");
        assert_eq!(display("abc\u{202e}txt.yaml"), "abc\\u{202e}txt.yaml");
        assert_eq!(display("x\u{fffe}"), "x\\u{fffe}");
        assert!(matches!(display("plain région"), Cow::Borrowed(_)));
    }

    #[test]
    fn placeholder_keeps_one_character_per_character() {
        assert_eq!(placeholder("a\u{1b}b\tc"), "a\u{fffd}b\tc");
    }

    #[test]
    fn output_defuses_command_lines_but_keeps_our_line_breaks() {
        assert_eq!(output("ok\n::error::x\n"), "ok\n\\u{3a}:error::x\n");
        assert_eq!(output("  ::add-mask::s"), "  \\u{3a}:add-mask::s");
        assert_eq!(output("##[error]x"), "\\u{23}#[error]x");
        assert_eq!(
            output("a ##vso[task.setvariable]"),
            "a \\u{23}#vso[task.setvariable]"
        );
        assert_eq!(output("a\rb\u{0}\tc"), "a\\rb\\u{0}\tc");
        assert_eq!(output("a: b :: c\n"), "a: b :: c\n");
        assert_eq!(output(" ::: a.yaml:2:8"), " ::: a.yaml:2:8");
        // Seen while fixing a `check` fuzz finding: the first `:` or `#`
        // of a line was escaped, not the `#` of its `##vso[`.
        assert_eq!(
            output("a: x ##vso[t] ##vso[u]"),
            "a: x \\u{23}#vso[t] \\u{23}#vso[u]"
        );
        assert_eq!(output("##vso[t]"), "\\u{23}#vso[t]");
        assert_eq!(output("::x ##vso[t]"), "\\u{3a}:x \\u{23}#vso[t]");
        assert_eq!(output(&output("a ##vso[t]")), output("a ##vso[t]"));
    }

    #[test]
    fn json_escapes_what_a_serialiser_leaves_raw() {
        let s = serde_json::to_string("a\u{7f}b\u{85}c\u{202e}d\u{2028}\u{1b}\n").expect("json");
        let escaped = json(&s);
        assert_eq!(escaped, r#""a\u007fb\u0085c\u202ed\u2028\u001b\n""#);
        assert_eq!(
            serde_json::from_str::<String>(&escaped).expect("still json"),
            "a\u{7f}b\u{85}c\u{202e}d\u{2028}\u{1b}\n"
        );
        assert!(matches!(
            json("{\n  \"a\": \"région\"\n}"),
            Cow::Borrowed(_)
        ));
        let s = serde_json::to_string("x ##vso[t]").expect("json");
        assert_eq!(json(&s), r#""x \u0023#vso[t]""#);
        assert_eq!(
            serde_json::from_str::<String>(&json(&s)).expect("json"),
            "x ##vso[t]"
        );
    }

    #[test]
    fn colored_output_keeps_only_colour_sequences() {
        assert_eq!(
            output_colored("\u{1b}[1;31mred\u{1b}[0m"),
            "\u{1b}[1;31mred\u{1b}[0m"
        );
        assert_eq!(
            output_colored("\u{1b}]0;title\u{7}x"),
            "\\u{1b}]0;title\\u{7}x"
        );
        assert_eq!(output_colored("\u{1b}[2J"), "\\u{1b}[2J");
    }
}
