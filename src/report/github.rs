//! GitHub Actions workflow commands: one annotation per finding.
//!
//! Printed on a job's stdout, `::error file=...,line=...::message` lines
//! become annotations on the pull request's diff, on the line of the
//! topology that breaks the clause. Must/shall breaches are errors, should
//! breaches and contested clauses warnings, accepted (waived or baseline)
//! findings notices; input warnings and waivers that waived nothing follow
//! as warnings. The Markdown job summary is the [`super::markdown`] report,
//! which the command line appends to `$GITHUB_STEP_SUMMARY` itself: this
//! renderer reads no environment, so its output is the same everywhere.

use std::fmt::Write as _;

use super::findings::{self, Finding, Severity};
use super::model::{Document, WaiverState};
use crate::source::Location;

/// The workflow commands for a document, one per line.
pub fn render(doc: &Document) -> String {
    let mut out = String::new();
    for f in findings::all(doc) {
        finding(&f, &mut out);
    }
    // Paths a permission excuses: notices, so a reviewer sees the carve-out
    // at work without it failing the job.
    for x in findings::excused(doc) {
        let title = format!("clause {} (excused by {})", x.verdict.clause, x.by.by);
        command(
            &mut out,
            "notice",
            Some(&x.witness.location),
            &title,
            &x.sentence(),
        );
    }
    // The witnesses the engine did not keep: one annotation per clause, on
    // the clause, as severe as the clause's unaccepted findings.
    for r in &doc.reports {
        for v in &r.verdicts {
            if let Some((_, res)) = findings::deciding(v).filter(|(_, res)| res.omitted > 0) {
                let kind = match findings::verdict_severity(v) {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                    Severity::Note => "notice",
                };
                let title = format!("clause {} ({})", v.clause, v.verdict.as_str());
                let msg = format!(
                    "clause {} on `{}`: {}",
                    findings::clause_label(v),
                    r.topology,
                    super::human::more_witnesses(res.omitted)
                );
                command(&mut out, kind, Some(&v.location), &title, &msg);
            }
        }
    }
    for w in doc
        .reports
        .iter()
        .flat_map(|r| &r.warnings)
        .chain(&doc.warnings)
    {
        let mut msg = w.message.clone();
        if let Some(h) = &w.help {
            let _ = write!(msg, "\nhelp: {h}");
        }
        let (kind, title) = match &w.acknowledged {
            None => ("warning", format!("proviso warning [{}]", w.code)),
            Some(a) => {
                let _ = write!(msg, "\nacknowledged at {a}");
                ("notice", format!("acknowledged [{}]", w.code))
            }
        };
        command(&mut out, kind, w.location.as_ref(), &title, &msg);
    }
    for w in &doc.waivers {
        let (title, msg) = match w.state {
            WaiverState::Expired => (
                "expired waiver",
                format!(
                    "the waiver for clause {} on `{}` expired on {} and waives nothing",
                    w.clause, w.topology, w.expires
                ),
            ),
            WaiverState::Stale => (
                "stale waiver",
                format!(
                    "the waiver for clause {} on `{}` matched no finding",
                    w.clause, w.topology
                ),
            ),
        };
        command(&mut out, "warning", Some(&w.location), title, &msg);
    }
    out
}

fn finding(f: &Finding<'_>, out: &mut String) {
    let kind = match f.severity() {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "notice",
    };
    let v = f.verdict;
    let title = match &v.title {
        Some(t) => format!("clause {} {t} ({})", v.clause, v.verdict.as_str()),
        None => format!("clause {} ({})", v.clause, v.verdict.as_str()),
    };
    let mut msg = f.sentence();
    // A one-hop path is located on its only edge already.
    for h in f.witness.hops.iter().filter(|_| f.witness.hops.len() > 1) {
        let _ = write!(msg, "\n  {} at {}", h.text(), h.location);
    }
    if let Some(a) = f.acceptance() {
        let _ = write!(msg, "\n{a}");
    }
    if let Some(r) = &v.remedy {
        let _ = write!(msg, "\n{}", findings::remedy_text(r));
        for h in &r.remove {
            let e = findings::edge_text(&h.from, &h.kind, &h.to);
            let _ = write!(msg, "\n  {e} at {}", h.location);
        }
    }
    command(out, kind, Some(&f.witness.location), &title, &msg);
}

/// One `::kind file=...,line=...,col=...,title=...::message` line.
fn command(out: &mut String, kind: &str, at: Option<&Location>, title: &str, message: &str) {
    let mut props = Vec::new();
    if let Some(l) = at {
        props.push(format!("file={}", escape_property(&l.file)));
        props.push(format!("line={}", l.line));
        props.push(format!("col={}", l.column));
    }
    props.push(format!("title={}", escape_property(title)));
    let _ = writeln!(
        out,
        "::{kind} {}::{}",
        props.join(","),
        escape_data(message)
    );
}

/// A command's message: `%`, CR and LF escaped, as the runner unescapes
/// them; every other unsafe character (ESC, NUL, bidi controls) written
/// as a visible escape ([`crate::escape::display`]).
pub fn escape_data(s: &str) -> String {
    let s = s
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    crate::escape::display(&s).into_owned()
}

/// A command's property value: as a message, and also `:` and `,`, which
/// would otherwise end the value.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_escapes_percent_first_then_line_breaks() {
        assert_eq!(escape_data("50% a\r\nb"), "50%25 a%0D%0Ab");
        assert_eq!(escape_data("a:b,c"), "a:b,c");
    }

    #[test]
    fn properties_also_escape_colon_and_comma() {
        assert_eq!(
            escape_property("clause 4.2: a, b 100%\n"),
            "clause 4.2%3A a%2C b 100%25%0A"
        );
    }

    #[test]
    fn a_command_without_a_location_has_only_a_title() {
        let mut out = String::new();
        command(&mut out, "warning", None, "t:1", "m\nn");
        assert_eq!(out, "::warning title=t%3A1::m%0An\n");
    }
}

#[cfg(test)]
mod waiver_and_baseline_tests {
    use super::super::testdoc;

    #[test]
    fn accepted_findings_are_notices_and_new_ones_errors() {
        let out = super::render(&testdoc::document());
        let lines: Vec<&str> = out.lines().collect();
        assert!(
            lines[0].starts_with(
                "::notice file=t.yaml,line=11,col=5,title=clause W1 Title of W1 (breached)::"
            ),
            "{out}"
        );
        assert!(lines[0].contains("%0Awaived: legacy path, migration ticket OPS-12 (approved by security@example.com, until 2027-01-31; proviso-waivers.yaml:4:5)"), "{out}");
        assert!(
            lines[1].starts_with("::error file=t.yaml,line=20,"),
            "{out}"
        );
        assert!(
            lines[2].starts_with("::notice file=t.yaml,line=30,"),
            "{out}"
        );
        assert!(
            lines[2].contains(
                "%0Aunchanged since the baseline%0Aremoving these 2 edges restores the clause"
            ),
            "{out}"
        );
        assert_eq!(
            lines[3],
            "::warning file=proviso-waivers.yaml,line=9,col=5,title=expired waiver::the waiver for clause X9 on `*.yaml` expired on 2026-01-01 and waives nothing"
        );
        assert_eq!(
            lines[4],
            "::warning file=proviso-waivers.yaml,line=15,col=5,title=stale waiver::the waiver for clause X8 on `other.yaml` matched no finding"
        );
        assert_eq!(lines.len(), 5);
    }
}
