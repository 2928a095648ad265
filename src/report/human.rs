//! The terminal report, for the person who has to act on it.
//!
//! One block per clause: a line with the id, title, verdict and binding
//! reading, the clause's location, and for anything but `holds` the clause
//! text, each reading's outcome and every witness hop by hop with its edge
//! kinds and its location in the topology. Waived and baseline findings
//! are marked where they are listed, and the gate's own sections follow the
//! reports: the waived findings (why, who, until when), the waivers that
//! waived nothing, and the comparison with the baseline. Colour is decided
//! by the caller: this module writes ANSI styles only when asked.

use std::fmt::Write as _;

use anstyle::{AnsiColor, Style};

use crate::escape::display as esc;

use super::model::{
    BaselineState, ClauseVerdict, Document, FindingKey, Level, ReadingResult, Report, Verdict,
    WaiverState, Warning, Witness,
};

struct Paint {
    color: bool,
}

impl Paint {
    fn style(&self, style: Style, text: &str) -> String {
        if self.color {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_string()
        }
    }
    fn verdict(&self, v: &ClauseVerdict) -> String {
        let color = match (v.verdict, v.level) {
            (Verdict::Holds, _) => AnsiColor::Green,
            (Verdict::Breached, Level::Error) => AnsiColor::Red,
            (Verdict::Breached, Level::Warning) | (Verdict::Contested, _) => AnsiColor::Yellow,
            (Verdict::NotInForce, _) => AnsiColor::BrightBlack,
        };
        self.style(
            Style::new().bold().fg_color(Some(color.into())),
            v.verdict.as_str(),
        )
    }
    fn dim(&self, text: &str) -> String {
        self.style(
            Style::new().fg_color(Some(AnsiColor::BrightBlack.into())),
            text,
        )
    }
    fn bold(&self, text: &str) -> String {
        self.style(Style::new().bold(), text)
    }
}

/// The whole document, one report after another.
pub fn render(doc: &Document, color: bool) -> String {
    let p = Paint { color };
    let mut out = String::new();
    for (i, report) in doc.reports.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        render_report(report, &p, &mut out);
    }
    if !doc.warnings.is_empty() {
        let open = doc.warnings.iter().filter(|w| w.open()).count();
        let _ = writeln!(
            out,
            "\n{} {open} warning{} about the whole run",
            p.bold("run:"),
            if open == 1 { "" } else { "s" }
        );
        render_warnings(&doc.warnings, &p, &mut out);
    }
    render_waived(doc, &p, &mut out);
    render_waiver_status(doc, &p, &mut out);
    render_baseline(doc, &p, &mut out);
    // Strings from the input are escaped already, but a line may still
    // hold `##vso[` pieced together from them; the view is also written
    // to files (`-o`), so it is defused here, not only on stdout.
    if color {
        crate::escape::output_colored(&out).into_owned()
    } else {
        crate::escape::output(&out).into_owned()
    }
}

/// The waived findings, each once (the deciding reading's copy).
fn render_waived(doc: &Document, p: &Paint, out: &mut String) {
    let mut lines = Vec::new();
    for r in &doc.reports {
        for v in &r.verdicts {
            let Some(d) = crate::gate::findings::deciding(v) else {
                continue;
            };
            for w in &d.witnesses {
                if let Some(n) = &w.waiver {
                    lines.push(format!(
                        "  clause {} in {}: {}\n    {}, approved by {}, until {}\n    {} {}\n",
                        esc(&v.clause),
                        esc(&r.topology),
                        path_text(w),
                        esc(&n.reason),
                        esc(&n.approved_by),
                        n.expires,
                        p.dim("-->"),
                        n.location
                    ));
                }
            }
        }
    }
    if !lines.is_empty() {
        let _ = writeln!(out, "\n{} {}", p.bold("waived findings:"), lines.len());
        out.push_str(&lines.concat());
    }
}

fn render_waiver_status(doc: &Document, p: &Paint, out: &mut String) {
    if doc.waivers.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "\n{} {}",
        p.bold("waivers that waived nothing:"),
        doc.waivers.len()
    );
    for w in &doc.waivers {
        let state = match w.state {
            WaiverState::Expired => format!("expired after {}", w.expires),
            WaiverState::Stale => "stale, matched no finding".to_string(),
        };
        let witness = if w.witness.is_empty() {
            String::new()
        } else {
            format!(", witness {}", esc(&w.witness.join(" ")))
        };
        let _ = writeln!(
            out,
            "  {}: clause {} in {}{witness}\n    {} {}",
            p.style(
                Style::new().fg_color(Some(AnsiColor::Yellow.into())),
                &state
            ),
            esc(&w.clause),
            esc(&w.topology),
            p.dim("-->"),
            w.location
        );
    }
}

fn render_baseline(doc: &Document, p: &Paint, out: &mut String) {
    let Some(b) = &doc.baseline else { return };
    let _ = writeln!(
        out,
        "\n{} {} new, {} unchanged, {} fixed, {} stale",
        p.bold(&format!("baseline {}:", esc(&b.file))),
        b.new,
        b.unchanged,
        b.fixed.len(),
        b.stale.len()
    );
    let key = |k: &FindingKey| {
        format!(
            "clause {} in {}: {}",
            esc(&k.clause),
            esc(&k.topology),
            esc(&k.subject())
        )
    };
    for k in &b.fixed {
        let _ = writeln!(out, "  fixed: {}", key(k));
    }
    for k in &b.stale {
        let _ = writeln!(out, "  stale, not checked this run: {}", key(k));
    }
}

fn render_report(r: &Report, p: &Paint, out: &mut String) {
    let name = r
        .name
        .as_ref()
        .map(|n| format!(" ({})", esc(n)))
        .unwrap_or_default();
    let _ = writeln!(out, "{}{name}", p.bold(&esc(&r.topology)));
    let title = r
        .agreement_title
        .as_ref()
        .map(|t| format!(" \"{}\"", esc(t)))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "{}",
        p.dim(&format!(
            "checked against {}{title} as of {}",
            esc(&r.agreement),
            r.as_of
        ))
    );
    for v in &r.verdicts {
        out.push('\n');
        render_verdict(v, p, out);
    }
    out.push('\n');
    let s = &r.summary;
    let should = r
        .verdicts
        .iter()
        .filter(|v| v.verdict == Verdict::Breached && v.level == Level::Warning)
        .count();
    let breached = if should > 0 {
        format!(
            "{} breached ({should} of them `should` clauses)",
            s.breached
        )
    } else {
        format!("{} breached", s.breached)
    };
    let waived: usize = r
        .verdicts
        .iter()
        .filter_map(crate::gate::findings::deciding)
        .map(|d| d.witnesses.iter().filter(|w| w.waiver.is_some()).count())
        .sum();
    let waived = match waived {
        0 => String::new(),
        n => format!("; {n} finding{} waived", if n == 1 { "" } else { "s" }),
    };
    let open = r.warnings.iter().filter(|w| w.open()).count();
    let acknowledged = match r.warnings.len() - open {
        0 => String::new(),
        n => format!(" ({n} more acknowledged)"),
    };
    let _ = writeln!(
        out,
        "{} {} hold, {breached}, {} contested, {} not in force; {open} warning{}{acknowledged}{waived}",
        p.bold("summary:"),
        s.holds,
        s.contested,
        s.not_in_force,
        if open == 1 { "" } else { "s" }
    );
    render_warnings(&r.warnings, p, out);
}

/// Warnings, each with its code (what an acknowledgement names), where it
/// points and its help; acknowledged ones say by what.
fn render_warnings(warnings: &[Warning], p: &Paint, out: &mut String) {
    for w in warnings {
        out.push('\n');
        let (head, style) = match &w.acknowledged {
            None => (
                "warning",
                Style::new().bold().fg_color(Some(AnsiColor::Yellow.into())),
            ),
            Some(_) => (
                "acknowledged",
                Style::new().fg_color(Some(AnsiColor::BrightBlack.into())),
            ),
        };
        let _ = writeln!(
            out,
            "{}: {}",
            p.style(style, &format!("{head}[{}]", esc(&w.code))),
            esc(&w.message)
        );
        if let Some(l) = &w.location {
            let _ = writeln!(out, "  {} {l}", p.dim("-->"));
        }
        if let Some(h) = &w.help {
            let _ = writeln!(out, "  {} {}", p.bold("help:"), esc(h));
        }
        if let Some(a) = &w.acknowledged {
            let _ = writeln!(out, "  {} acknowledged at {a}", p.dim("="));
        }
    }
}

fn render_verdict(v: &ClauseVerdict, p: &Paint, out: &mut String) {
    let title = v
        .title
        .as_ref()
        .map(|t| format!(" \"{}\"", esc(t)))
        .unwrap_or_default();
    let owed = if v.owed_by.is_empty() {
        String::new()
    } else {
        format!("; owed by {}", v.owed_by.join(" and "))
    };
    let binds = match v.verdict {
        Verdict::NotInForce => format!(" (as of the report date; {} clause{owed})", v.modal),
        _ => format!(" ({} binds; {}{owed})", v.binding.as_str(), v.modal),
    };
    let accepted = if v.accepted { "; accepted" } else { "" };
    let _ = writeln!(
        out,
        "clause {}{title}: {}{binds}{accepted}",
        p.bold(&esc(&v.clause)),
        p.verdict(v)
    );
    let _ = writeln!(out, "  {} {}", p.dim("-->"), v.location);
    if let Some(why) = &v.why {
        let _ = writeln!(out, "  {} {}", p.dim("why:"), esc(why));
    }
    if v.verdict == Verdict::NotInForce {
        return;
    }
    if v.verdict == Verdict::Holds {
        // A clause that holds because a permission excuses its paths
        // says so: the carve-out is part of why.
        if let Some(r) = &v.letter {
            render_excused(r, p, out);
        }
        return;
    }
    let _ = writeln!(out, "  {}", esc(&v.text));
    let all = v.all_readings();
    if let Some(((_, first), rest)) = all.split_first() {
        if rest.iter().all(|(_, r)| r == first) {
            let label = match (v.form.as_str(), all.len()) {
                ("hosting" | "attribute" | "span" | "share", _) => "it",
                (_, 2) => "both readings",
                _ => "every reading",
            };
            render_reading(label, first, p, out);
        } else {
            // Readings that find the same are told once: "the spirit and
            // microsoft's reading fail".
            let mut groups: Vec<(Vec<String>, &ReadingResult)> = Vec::new();
            for (w, r) in &all {
                match groups.iter_mut().find(|(_, g)| g == r) {
                    Some((labels, _)) => labels.push(w.label()),
                    None => groups.push((vec![w.label()], r)),
                }
            }
            for (labels, r) in groups {
                render_reading(&and_list(&labels), r, p, out);
            }
        }
    }
    if let Some(r) = &v.remedy {
        let _ = writeln!(out, "  {}", super::findings::remedy_text(r));
        for h in &r.remove {
            let _ = writeln!(
                out,
                "    {}\n      {} {}",
                super::findings::edge_text(&h.from, &h.kind, &h.to),
                p.dim("-->"),
                h.location
            );
        }
    }
}

fn render_reading(label: &str, r: &ReadingResult, p: &Paint, out: &mut String) {
    let kinds = match (label, r.kinds.is_empty()) {
        ("it", _) => String::new(),
        (_, true) => " (all edges)".to_string(),
        (_, false) => format!(" ({})", esc(&r.kinds.join(", "))),
    };
    let plural = label == "both readings" || label == "every reading" || label.contains(" and ");
    if let Some(m) = &r.measure {
        let _ = writeln!(out, "  counted: {}", esc(&m.text()));
    }
    if r.holds {
        let verb = if plural { "hold" } else { "holds" };
        let _ = writeln!(out, "  {label} {verb}{kinds}");
        render_excused(r, p, out);
        return;
    }
    let n = r.witnesses.len() + r.omitted;
    let verb = if plural { "fail" } else { "fails" };
    let _ = writeln!(
        out,
        "  {label} {verb}{kinds}: {n} witness{}",
        if n == 1 { "" } else { "es" }
    );
    for w in &r.witnesses {
        let _ = writeln!(out, "    {}{}", path_text(w), marks(w));
        let _ = writeln!(out, "      {} {}", p.dim("-->"), w.location);
        if let Some(n) = &w.waiver {
            let _ = writeln!(
                out,
                "      {} until {} by {}",
                p.dim("waived"),
                n.expires,
                n.location
            );
        }
    }
    if r.omitted > 0 {
        let _ = writeln!(out, "    … {}", more_witnesses(r.omitted));
    }
    render_violating(r, p, out);
    render_excused(r, p, out);
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The paths permissions excuse: listed apart, each under its permission.
fn render_excused(r: &ReadingResult, p: &Paint, out: &mut String) {
    for x in &r.excused {
        let n = x.witnesses.len() + x.omitted;
        let title = x
            .title
            .as_ref()
            .map(|t| format!(" \"{}\"", esc(t)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "    excused by {}{title}: {n} path{}",
            esc(&x.by),
            if n == 1 { "" } else { "s" }
        );
        for w in &x.witnesses {
            let _ = writeln!(out, "      {}", path_text(w));
            let _ = writeln!(out, "        {} {}", p.dim("-->"), w.location);
        }
        if x.omitted > 0 {
            let _ = writeln!(out, "      … {}", more_witnesses(x.omitted));
        }
    }
}

/// The number of violating edges, and each one new since the baseline
/// (a new route may share its target with an old witness, so the new
/// edge would otherwise appear nowhere).
fn render_violating(r: &ReadingResult, p: &Paint, out: &mut String) {
    let Some(count) = super::findings::violating_count(r) else {
        return;
    };
    let _ = writeln!(out, "    {count}");
    for e in r
        .violating
        .iter()
        .filter(|e| e.baseline == Some(BaselineState::New))
    {
        let _ = writeln!(
            out,
            "      new: {}\n        {} {}",
            super::findings::edge_text(&e.from, &e.kind, &e.to),
            p.dim("-->"),
            e.location
        );
    }
}

/// `and 3 more witnesses (raise --max-witnesses to list them)`: what every
/// format says about the witnesses the engine did not keep.
pub fn more_witnesses(omitted: usize) -> String {
    format!(
        "and {omitted} more witness{} (raise --max-witnesses to list them)",
        if omitted == 1 { "" } else { "es" }
    )
}

/// ` [waived]`, ` [new]`, ` [unchanged]`: how the gate treats a witness.
fn marks(w: &Witness) -> String {
    let mut m = Vec::new();
    if w.waiver.is_some() {
        m.push("waived");
    }
    match w.baseline {
        Some(BaselineState::New) => m.push("new"),
        Some(BaselineState::Unchanged) => m.push("unchanged"),
        None => {}
    }
    if m.is_empty() {
        String::new()
    } else {
        format!("  [{}]", m.join(", "))
    }
}

/// `a --kind--> b <--kind-- c` (a hop against its edge points back), or
/// the node id alone; untrusted text
/// escaped ([`crate::escape::display`]).
pub fn path_text(w: &Witness) -> String {
    if w.hops.is_empty() {
        return esc(&w.nodes.join(" ")).into_owned();
    }
    let mut s = esc(&w.hops[0].from).into_owned();
    for h in &w.hops {
        let (l, r) = h.arrows();
        let _ = write!(s, " {l}{}{r} {}", esc(&h.kind), esc(&h.to));
    }
    s
}
