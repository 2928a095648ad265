//! A Markdown report for a pull-request comment or a CI job summary.
//!
//! Reviewers read it on GitHub or GitLab, so it is plain GitHub-flavoured
//! Markdown: per topology a summary table of every clause, then one section
//! per breached or contested clause with its witness paths, their locations
//! and a Mermaid flowchart of each path (both forges draw them). Waived
//! findings are counted and listed apart, baseline states are marked, and
//! waivers that waived nothing are listed at the end. User text is escaped
//! for where it lands: table cells, code spans and Mermaid labels.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::findings::{self, Finding};
use super::human::{more_witnesses, path_text};
use super::model::{
    BaselineState, BaselineSummary, ClauseVerdict, Document, Report, Verdict, WaiverState, Warning,
    Witness,
};

/// The document as Markdown.
pub fn render(doc: &Document) -> String {
    let mut out = String::from("# proviso report\n");
    for r in &doc.reports {
        report(r, &mut out);
    }
    run_warnings(doc, &mut out);
    waiver_statuses(doc, &mut out);
    if let Some(b) = &doc.baseline {
        baseline(b, &mut out);
    }
    crate::escape::output(&out).into_owned()
}

fn report(r: &Report, out: &mut String) {
    let name = r
        .name
        .as_ref()
        .map(|n| format!(" ({})", code(n)))
        .unwrap_or_default();
    let _ = writeln!(out, "\n## {}{name}\n", code(&r.topology));
    let title = r
        .agreement_title
        .as_ref()
        .map(|t| format!(" ({})", text(t)))
        .unwrap_or_default();
    let s = &r.summary;
    let _ = writeln!(
        out,
        "Checked against {}{title} as of {}: {} breached, {} contested, {} hold, {} not in force; {} warning{}.\n",
        code(&r.agreement),
        r.as_of,
        s.breached,
        s.contested,
        s.holds,
        s.not_in_force,
        r.warnings.len(),
        if r.warnings.len() == 1 { "" } else { "s" }
    );
    table(r, out);
    for v in &r.verdicts {
        // A clause that holds only because a permission excuses its paths
        // gets its section too: the excused paths are part of why.
        let excused = v
            .result(v.binding.into())
            .is_some_and(|r| !r.excused.is_empty());
        if matches!(v.verdict, Verdict::Breached | Verdict::Contested) || excused {
            clause(r, v, out);
        }
    }
    waived(r, out);
    warnings(r, out);
}

fn table(r: &Report, out: &mut String) {
    out.push_str("| Clause | Title | Verdict | Binding |\n|---|---|---|---|\n");
    for v in &r.verdicts {
        let verdict = match (v.verdict, v.accepted) {
            (Verdict::Breached, false) => "**breached**".to_string(),
            (Verdict::Holds | Verdict::NotInForce, _) => v.verdict.as_str().to_string(),
            (_, true) => format!("{} (accepted)", v.verdict.as_str()),
            (_, false) => v.verdict.as_str().to_string(),
        };
        let binding = match v.verdict {
            Verdict::NotInForce => "",
            _ => v.binding.as_str(),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {verdict} | {binding} |",
            cell(&v.clause),
            cell(v.title.as_deref().unwrap_or("")),
        );
    }
}

fn clause(r: &Report, v: &ClauseVerdict, out: &mut String) {
    let _ = writeln!(
        out,
        "\n### Clause {}: {}\n",
        text(&findings::clause_label(v)),
        v.verdict.as_str()
    );
    let _ = writeln!(out, "> {}\n", text(&v.text));
    let _ = writeln!(
        out,
        "{} clause at {}; {} binds.{}\n",
        text(&v.modal),
        code(&v.location.to_string()),
        v.binding.label(),
        if v.accepted {
            " Every finding is waived or in the baseline, so it does not fail the gate."
        } else {
            ""
        }
    );
    if !v.owed_by.is_empty() {
        let _ = writeln!(out, "Owed by {}.\n", text(&v.owed_by.join(" and ")));
    }
    if !v.readings.is_empty() && v.verdict != Verdict::NotInForce {
        let _ = writeln!(
            out,
            "Readings: {}.\n",
            text(&findings::readings_sentence(v))
        );
    }
    if let Some(m) = v.result(v.binding.into()).and_then(|r| r.measure.as_ref()) {
        let _ = writeln!(out, "Counted: {}.\n", text(&m.text()));
    }
    if let Some(r) = v.result(v.binding.into()) {
        for x in &r.excused {
            let n = x.witnesses.len() + x.omitted;
            let _ = writeln!(
                out,
                "Excused by clause {}: {n} path{}.\n",
                text(&x.by),
                if n == 1 { "" } else { "s" }
            );
            for w in &x.witnesses {
                let _ = writeln!(
                    out,
                    "- {} at {}",
                    code(&super::human::path_text(w)),
                    code(&w.location.to_string())
                );
            }
            if !x.witnesses.is_empty() {
                out.push('\n');
            }
        }
    }
    let Some((reading, result)) = findings::deciding(v) else {
        return;
    };
    let kinds = match (result.kinds.is_empty(), v.form.as_str()) {
        (_, "hosting" | "attribute" | "span" | "share") => String::new(),
        (true, _) => " (all edges)".to_string(),
        (false, _) => format!(" ({})", text(&result.kinds.join(", "))),
    };
    let n = result.witnesses.len() + result.omitted;
    let lead = match v.verdict {
        Verdict::Contested => format!("{} holds, but {}", v.binding.label(), reading.label()),
        _ => reading.label(),
    };
    let _ = writeln!(
        out,
        "{} fails{kinds}: {n} witness{}.",
        capitalised(&lead),
        if n == 1 { "" } else { "es" }
    );
    for f in findings::of_clause(r, v) {
        witness(&f, out);
    }
    if result.omitted > 0 {
        let _ = writeln!(out, "\n… {}.", more_witnesses(result.omitted));
    }
    if let Some(count) = findings::violating_count(result) {
        let verb = if count.starts_with("1 ") {
            "lies"
        } else {
            "lie"
        };
        let _ = writeln!(
            out,
            "\n{} {verb} on some violating path (`--format json` lists them).",
            capitalised(&count)
        );
        for e in result
            .violating
            .iter()
            .filter(|e| e.baseline == Some(BaselineState::New))
        {
            let _ = writeln!(
                out,
                "- new: {} at {}",
                code(&findings::edge_text(&e.from, &e.kind, &e.to)),
                code(&e.location.to_string())
            );
        }
    }
    if let Some(rm) = &v.remedy {
        let _ = writeln!(out, "\n{}.", capitalised(&findings::remedy_text(rm)));
        if !rm.remove.is_empty() {
            out.push('\n');
        }
        for h in &rm.remove {
            let _ = writeln!(
                out,
                "- {} at {}",
                code(&findings::edge_text(&h.from, &h.kind, &h.to)),
                code(&h.location.to_string())
            );
        }
    }
}

fn witness(f: &Finding<'_>, out: &mut String) {
    let w = f.witness;
    let mut notes = Vec::new();
    match w.baseline {
        Some(BaselineState::New) => notes.push("new since the baseline".to_string()),
        Some(BaselineState::Unchanged) => notes.push("unchanged since the baseline".to_string()),
        None => {}
    }
    if let Some(wv) = &w.waiver {
        notes.push(format!(
            "waived until {} by {}: {}",
            wv.expires,
            text(&wv.approved_by),
            text(&wv.reason)
        ));
    }
    let notes = if notes.is_empty() {
        String::new()
    } else {
        format!(" ({})", notes.join("; "))
    };
    let _ = writeln!(
        out,
        "\n- {} at {}{notes}",
        code(&path_text(w)),
        code(&w.location.to_string())
    );
    // A one-hop path is located on its only edge already.
    for h in w.hops.iter().filter(|_| w.hops.len() > 1) {
        let hop = h.text();
        let _ = writeln!(
            out,
            "  - {} at {}",
            code(&hop),
            code(&h.location.to_string())
        );
    }
    if !w.hops.is_empty() {
        let _ = write!(out, "\n```mermaid\n{}```\n", mermaid(w));
    }
}

/// A left-to-right flowchart of a witness path. Node ids are generated
/// (`n0`, `n1`...) so any topology id is safe; the real id is the label.
pub fn mermaid(w: &Witness) -> String {
    let mut ids: BTreeMap<&str, String> = BTreeMap::new();
    let mut out = String::from("flowchart LR\n");
    for h in &w.hops {
        let from = node(&mut ids, &h.from, &mut out);
        let to = node(&mut ids, &h.to, &mut out);
        // Against its edge the arrow is dotted and says so: data moves
        // this way, the call the other.
        let (arrow, note) = if h.against {
            ("-.->", " (against the call)")
        } else {
            ("-->", "")
        };
        let _ = writeln!(
            out,
            "  {from} {arrow}|\"{}{note}\"| {to}",
            mermaid_label(&h.kind)
        );
    }
    out
}

/// A node's generated id, declaring it with its label the first time.
fn node<'a>(ids: &mut BTreeMap<&'a str, String>, id: &'a str, out: &mut String) -> String {
    if let Some(n) = ids.get(id) {
        return n.clone();
    }
    let n = format!("n{}", ids.len());
    let _ = writeln!(out, "  {n}[\"{}\"]", mermaid_label(id));
    ids.insert(id, n.clone());
    n
}

/// Text for inside a quoted Mermaid label: `#` first (it starts Mermaid's
/// entity codes), then quotes, angle brackets, backticks and pipes as
/// entity codes; line breaks as spaces.
pub fn mermaid_label(s: &str) -> String {
    let s = crate::escape::display(s);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '#' => out.push_str("#35;"),
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '`' => out.push_str("#96;"),
            '|' => out.push_str("#124;"),
            '\r' | '\n' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// The findings of this report that a waiver covers, counted and listed.
fn waived(r: &Report, out: &mut String) {
    let list: Vec<Finding<'_>> = r
        .verdicts
        .iter()
        .flat_map(|v| findings::of_clause(r, v))
        .filter(|f| f.witness.waiver.is_some())
        .collect();
    if list.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n### Waived findings ({})\n", list.len());
    for f in list {
        if let Some(w) = &f.witness.waiver {
            let _ = writeln!(
                out,
                "- clause {}: {}: {} (approved by {}, until {}; {})",
                text(&f.verdict.clause),
                code(&path_text(f.witness)),
                text(&w.reason),
                text(&w.approved_by),
                w.expires,
                code(&w.location.to_string())
            );
        }
    }
}

fn warnings(r: &Report, out: &mut String) {
    if r.warnings.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n### Warnings ({})\n", r.warnings.len());
    warning_list(&r.warnings, out);
}

/// One list item per warning: the message in code (it quotes input), where,
/// and whether it is acknowledged.
fn warning_list(warnings: &[Warning], out: &mut String) {
    for w in warnings {
        let at = w
            .location
            .as_ref()
            .map(|l| format!(" at {}", code(&l.to_string())))
            .unwrap_or_default();
        let ack = if w.open() { "" } else { " (acknowledged)" };
        let _ = writeln!(out, "- {}{at}{ack}", code(&w.message));
    }
}

/// The warnings about the whole run.
fn run_warnings(doc: &Document, out: &mut String) {
    if doc.warnings.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "\n## Warnings about the whole run ({})\n",
        doc.warnings.len()
    );
    warning_list(&doc.warnings, out);
}

fn waiver_statuses(doc: &Document, out: &mut String) {
    if doc.waivers.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "\n## Waivers that waived nothing ({})\n",
        doc.waivers.len()
    );
    for w in &doc.waivers {
        let state = match w.state {
            WaiverState::Expired => format!("expired on {}", w.expires),
            WaiverState::Stale => "stale: matched no finding".to_string(),
        };
        let witness = if w.witness.is_empty() {
            String::new()
        } else {
            format!(", witness {}", code(&w.witness.join(" ")))
        };
        let _ = writeln!(
            out,
            "- clause {} on {}{witness}: {state} ({})",
            text(&w.clause),
            code(&w.topology),
            code(&w.location.to_string())
        );
    }
}

fn baseline(b: &BaselineSummary, out: &mut String) {
    let _ = writeln!(
        out,
        "\n## Baseline {}\n\n{} new, {} unchanged, {} fixed, {} stale.",
        code(&b.file),
        b.new,
        b.unchanged,
        b.fixed.len(),
        b.stale.len()
    );
    for (label, keys) in [("Fixed", &b.fixed), ("Stale", &b.stale)] {
        if keys.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{label}:\n");
        for k in keys {
            let _ = writeln!(
                out,
                "- clause {} in {}: {}",
                text(&k.clause),
                code(&k.topology),
                code(&k.subject())
            );
        }
    }
}

/// Inline code that holds any text: a fence longer than the longest run
/// of backticks inside, padded when the text starts or ends with one.
/// `|` is escaped because GitHub splits table rows on it even in code.
///
/// Every string from a topology or a file name lands in a code span:
/// GitHub renders nothing inside one (no link, image, autolink, @mention
/// or issue reference), which backslash escapes alone cannot promise.
/// Control and bidi characters are shown as escapes.
pub fn code(s: &str) -> String {
    let s = crate::escape::display(s).replace('|', "\\|");
    let mut longest = 0;
    let mut run = 0;
    for c in s.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{s}{pad}{fence}")
}

/// Plain text from the trusted side (the agreement, the waivers): the
/// punctuation that starts emphasis, code, links, images, HTML, entities,
/// headings, tables, strikethrough or mentions escaped with a backslash,
/// control and bidi characters shown as escapes. Untrusted strings go in
/// [`code`] spans instead.
pub fn text(s: &str) -> String {
    let s = crate::escape::display(s);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '`'
                | '*'
                | '_'
                | '{'
                | '}'
                | '['
                | ']'
                | '('
                | ')'
                | '<'
                | '>'
                | '#'
                | '!'
                | '|'
                | '~'
                | '&'
                | '@'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A table cell: plain text (which also escapes `|`).
fn cell(s: &str) -> String {
    text(s)
}

fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::model::{Hop, Witness};
    use super::super::testdoc;
    use super::*;
    use crate::source::Location;

    #[test]
    fn mermaid_uses_generated_ids_and_escapes_labels() {
        let at = Location {
            file: "t.yaml".to_string(),
            line: 1,
            column: 1,
        };
        let hop = |from: &str, to: &str, kind: &str| Hop {
            from: from.to_string(),
            to: to.to_string(),
            kind: kind.to_string(),
            location: at.clone(),
            against: false,
        };
        let w = Witness {
            nodes: vec![],
            hops: vec![
                hop("end", "a \"b\" <c>", "x|y"),
                hop("a \"b\" <c>", "#1;`z`", "api"),
            ],
            location: at.clone(),
            waiver: None,
            baseline: None,
        };
        assert_eq!(
            mermaid(&w),
            "flowchart LR\n  n0[\"end\"]\n  n1[\"a #quot;b#quot; #lt;c#gt;\"]\n  n0 -->|\"x#124;y\"| n1\n  n2[\"#35;1;#96;z#96;\"]\n  n1 -->|\"api\"| n2\n"
        );
    }

    #[test]
    fn code_spans_and_text_hold_any_input() {
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x`"), "`` `x` ``");
        assert_eq!(code("a|b"), "`a\\|b`");
        assert_eq!(
            text("a_b *c* <d>\nx|y @me"),
            "a\\_b \\*c\\* \\<d\\>\\\\nx\\|y \\@me"
        );
    }

    #[test]
    fn waivers_and_baselines_are_shown() {
        let md = render(&testdoc::document());
        assert!(
            md.contains("| W1 | Title of W1 | breached (accepted) | letter |"),
            "{md}"
        );
        assert!(
            md.contains("| B1 | Title of B1 | **breached** | letter |"),
            "{md}"
        );
        assert!(md.contains("(waived until 2027-01-31 by security\\@example.com: legacy path, migration ticket OPS-12)"), "{md}");
        assert!(md.contains("### Waived findings (1)\n\n- clause W1: `app --api--> gw --api--> model`: legacy path"), "{md}");
        assert!(
            md.contains("`app --api--> model` at `t.yaml:20:5` (new since the baseline)"),
            "{md}"
        );
        assert!(
            md.contains("`rival --api--> model` at `t.yaml:30:5` (unchanged since the baseline)"),
            "{md}"
        );
        assert!(md.contains("## Waivers that waived nothing (2)\n\n- clause X9 on `*.yaml`, witness `app`: expired on 2026-01-01 (`proviso-waivers.yaml:9:5`)\n- clause X8 on `other.yaml`: stale: matched no finding (`proviso-waivers.yaml:15:5`)"), "{md}");
        assert!(md.contains("## Baseline `baseline.json`\n\n1 new, 1 unchanged, 1 fixed, 0 stale.\n\nFixed:\n\n- clause B1 in `t.yaml`: `old --api--> model`"), "{md}");
    }
}
