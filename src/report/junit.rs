//! JUnit XML, for the test-report views of CI systems (GitLab, Jenkins...).
//!
//! A CI system already knows how to show failing tests, so each topology is
//! a test suite and each clause a test case named `CLAUSE-ID title`. What
//! fails mirrors the exit code: a must/shall breach is a failure; a should
//! breach, a contested clause and the input warnings are failures only
//! under `--strict` and otherwise pass with properties saying why they are
//! worth a look; a clause not in force is skipped; an accepted clause
//! (every finding waived or in the baseline) passes with an `accepted`
//! property. Built with `quick-junit`, without timestamps or durations, so
//! the same input gives the same bytes.

use std::fmt::Write as _;

use quick_junit::{
    NonSuccessKind, Property, Report as JunitReport, TestCase, TestCaseStatus, TestSuite,
};

use super::findings::{self, Finding};
use super::model::{ClauseVerdict, Document, Level, Report, Verdict, WaiverState, Warning};

/// The document as JUnit XML with a final newline.
pub fn render(doc: &Document, strict: bool) -> String {
    let mut junit = JunitReport::new("proviso");
    for r in &doc.reports {
        junit.add_test_suite(suite(r, strict));
    }
    if let Some(tc) = warnings_case(&doc.warnings, "run", strict) {
        let mut s = TestSuite::new("run warnings");
        s.add_test_case(tc);
        junit.add_test_suite(s);
    }
    if !doc.waivers.is_empty() {
        junit.add_test_suite(waivers(doc, strict));
    }
    if let Some(b) = &doc.baseline {
        let mut s = TestSuite::new(format!("baseline {}", b.file));
        s.add_properties([
            Property::new("new", b.new.to_string()),
            Property::new("unchanged", b.unchanged.to_string()),
            Property::new("fixed", b.fixed.len().to_string()),
            Property::new("stale", b.stale.len().to_string()),
        ]);
        junit.add_test_suite(s);
    }
    let s = junit
        .to_string()
        .unwrap_or_else(|e| format!("<!-- cannot write junit: {e} -->"));
    // Characters XML 1.0 cannot hold (most controls, U+FFFE) and those
    // that would mislead a reader are written as visible escapes, which
    // are plain XML text; so is the `:` of a line that would start a CI
    // log command when the file is printed.
    let mut s = crate::escape::output(&s).into_owned();
    s.push('\n');
    s
}

fn suite(r: &Report, strict: bool) -> TestSuite {
    let mut s = TestSuite::new(r.topology.clone());
    s.add_property(Property::new("agreement", r.agreement.clone()));
    s.add_property(Property::new("as-of", r.as_of.clone()));
    if let Some(n) = &r.name {
        s.add_property(Property::new("name", n.clone()));
    }
    for v in &r.verdicts {
        s.add_test_case(case(r, v, strict));
    }
    if let Some(tc) = warnings_case(&r.warnings, &r.topology, strict) {
        s.add_test_case(tc);
    }
    s
}

/// The warnings as one test case: a failure under `--strict` when one is
/// not acknowledged.
fn warnings_case(warnings: &[Warning], classname: &str, strict: bool) -> Option<TestCase> {
    if warnings.is_empty() {
        return None;
    }
    let mut text = String::new();
    for w in warnings {
        match &w.location {
            Some(l) => {
                let _ = write!(text, "{l}: {}", w.message);
            }
            None => {
                let _ = write!(text, "{}", w.message);
            }
        }
        let _ = writeln!(text, "{}", if w.open() { "" } else { " (acknowledged)" });
    }
    let n = warnings.len();
    let message = format!("{n} warning{}", if n == 1 { "" } else { "s" });
    let fails = strict && warnings.iter().any(Warning::open);
    let mut tc = gated("warnings", fails, "warnings", &message, text);
    tc.set_classname(classname.to_string());
    Some(tc)
}

fn case(r: &Report, v: &ClauseVerdict, strict: bool) -> TestCase {
    let name = match &v.title {
        Some(t) => format!("{} {t}", v.clause),
        None => v.clause.clone(),
    };
    let excused = excused_text(v);
    let mut tc = match v.verdict {
        Verdict::Holds => {
            let mut tc = TestCase::new(name, TestCaseStatus::success());
            if let Some(text) = &excused {
                tc.set_system_out(text.clone());
            }
            tc
        }
        Verdict::NotInForce => {
            let mut status = TestCaseStatus::skipped();
            status.set_message(format!("not in force as of {}", r.as_of));
            TestCase::new(name, status)
        }
        Verdict::Breached | Verdict::Contested => {
            let fails = !v.accepted
                && (strict || (v.verdict == Verdict::Breached && v.level == Level::Error));
            gated(
                &name,
                fails,
                v.verdict.as_str(),
                &headline(v),
                witnesses(r, v) + excused.as_deref().unwrap_or(""),
            )
        }
    };
    tc.set_classname(r.topology.clone());
    tc.add_properties([
        Property::new("verdict", v.verdict.as_str()),
        Property::new("binding", v.binding.as_str()),
        Property::new("modal", v.modal.clone()),
    ]);
    if v.accepted {
        tc.add_property(Property::new("accepted", acceptance(r, v)));
    }
    for x in v
        .result(v.binding.into())
        .into_iter()
        .flat_map(|r| &r.excused)
    {
        let n = x.witnesses.len() + x.omitted;
        tc.add_property(Property::new(
            "excused",
            format!("by {}: {n} path{}", x.by, if n == 1 { "" } else { "s" }),
        ));
    }
    tc
}

/// The paths permissions excuse under the binding reading, each with
/// the permission and its location; `None` when there are none.
fn excused_text(v: &ClauseVerdict) -> Option<String> {
    let r = v.result(v.binding.into())?;
    if r.excused.is_empty() {
        return None;
    }
    let mut text = String::new();
    for x in &r.excused {
        let title = x
            .title
            .as_ref()
            .map(|t| format!(" \"{t}\""))
            .unwrap_or_default();
        let _ = writeln!(text, "excused by {}{title}:", x.by);
        for w in &x.witnesses {
            let _ = writeln!(text, "  {}", super::human::path_text(w));
            let _ = writeln!(text, "    --> {}", w.location);
        }
        if x.omitted > 0 {
            let _ = writeln!(text, "  … {}", super::human::more_witnesses(x.omitted));
        }
    }
    Some(text)
}

/// A failure when `fails`, else a passing case whose text is kept as
/// system-out and whose message as a `finding` property.
fn gated(name: &str, fails: bool, ty: &str, message: &str, text: String) -> TestCase {
    if fails {
        let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
        status
            .set_type(ty)
            .set_message(message)
            .set_description(text);
        return TestCase::new(name, status);
    }
    let mut tc = TestCase::new(name, TestCaseStatus::success());
    tc.add_property(Property::new("finding", message));
    tc.set_system_out(text);
    tc
}

/// `breached (spirit binds; must): 2 witnesses`, or for a contested clause
/// which reading holds and which fails.
fn headline(v: &ClauseVerdict) -> String {
    let n = findings::deciding(v).map_or(0, |(_, r)| r.witnesses.len() + r.omitted);
    let mut count = format!("{n} witness{}", if n == 1 { "" } else { "es" });
    if let Some(e) = findings::deciding(v).and_then(|(_, r)| findings::violating_count(r)) {
        count = format!("{count}, {e}");
    }
    match v.verdict {
        Verdict::Contested if v.readings.is_empty() => format!(
            "contested: {} holds and binds, {} fails: {count}",
            v.binding.label(),
            findings::deciding(v).map_or_else(String::new, |(w, _)| w.label())
        ),
        Verdict::Contested => format!(
            "contested ({} binds): {}: {count}",
            v.binding.as_str(),
            findings::readings_sentence(v)
        ),
        _ => format!(
            "{} ({} binds; {}): {count}",
            v.verdict.as_str(),
            v.binding.as_str(),
            v.modal
        ),
    }
}

/// The clause text, its location, and every witness path with its hops'
/// locations and what accepts it.
fn witnesses(r: &Report, v: &ClauseVerdict) -> String {
    let mut text = format!("{}\n  --> {}\n", v.text, v.location);
    for f in findings::of_clause(r, v) {
        let _ = writeln!(text, "{}", super::human::path_text(f.witness));
        // A node or one-hop path has one location; a longer path one per hop.
        if f.witness.hops.len() <= 1 {
            let _ = writeln!(text, "  --> {}", f.witness.location);
        }
        for h in f.witness.hops.iter().filter(|_| f.witness.hops.len() > 1) {
            let _ = writeln!(text, "  {}: {}", h.text(), h.location);
        }
        if let Some(a) = f.acceptance() {
            let _ = writeln!(text, "  {a}");
        }
    }
    if let Some(rm) = &v.remedy {
        let _ = writeln!(text, "{}", findings::remedy_text(rm));
        for h in &rm.remove {
            let e = findings::edge_text(&h.from, &h.kind, &h.to);
            let _ = writeln!(text, "  {e}: {}", h.location);
        }
    }
    if let Some((_, res)) = findings::deciding(v).filter(|(_, res)| res.omitted > 0) {
        let _ = writeln!(text, "… {}", super::human::more_witnesses(res.omitted));
    }
    text
}

/// Why an accepted clause passes: waived, in the baseline, or both.
fn acceptance(r: &Report, v: &ClauseVerdict) -> &'static str {
    let all: Vec<Finding<'_>> = findings::of_clause(r, v).collect();
    let waived = all.iter().any(|f| f.witness.waiver.is_some());
    let baseline = all.iter().any(|f| f.witness.waiver.is_none());
    match (waived, baseline) {
        (true, false) => "waived",
        (false, true) => "baseline",
        _ => "waived and baseline",
    }
}

/// Waivers that waived nothing: a stale one fails under `--strict`, an
/// expired one is reported (its findings fail in their own clauses).
fn waivers(doc: &Document, strict: bool) -> TestSuite {
    let mut s = TestSuite::new("waivers");
    for w in &doc.waivers {
        let name = format!("waiver {} on {}", w.clause, w.topology);
        let (state, message) = match w.state {
            WaiverState::Stale => ("stale", "matched no finding".to_string()),
            WaiverState::Expired => ("expired", format!("expired on {}", w.expires)),
        };
        let fails = strict && w.state == WaiverState::Stale;
        let mut tc = gated(&name, fails, state, &message, format!("{}\n", w.location));
        tc.add_property(Property::new("state", state));
        tc.add_property(Property::new("expires", w.expires.clone()));
        s.add_test_case(tc);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::super::testdoc;

    #[test]
    fn an_accepted_clause_passes_with_a_property_and_the_other_fails() {
        let xml = super::render(&testdoc::document(), false);
        let w1 = xml
            .split("<testcase name=\"W1 Title of W1\"")
            .nth(1)
            .and_then(|s| s.split("</testcase>").next())
            .expect("W1 is a test case");
        assert!(!w1.contains("<failure"), "{w1}");
        assert!(
            w1.contains("<property name=\"accepted\" value=\"waived\"/>"),
            "{w1}"
        );
        assert!(w1.contains("waived: legacy path, migration ticket OPS-12 (approved by security@example.com, until 2027-01-31"), "{w1}");
        let b1 = xml
            .split("<testcase name=\"B1 Title of B1\"")
            .nth(1)
            .and_then(|s| s.split("</testcase>").next())
            .expect("B1 is a test case");
        assert!(
            b1.contains("<failure message=\"breached (letter binds; must): 2 witnesses, 2 violating edges (1 new)\""),
            "{b1}"
        );
        assert!(b1.contains("unchanged since the baseline"), "{b1}");
    }

    #[test]
    fn a_stale_waiver_fails_only_under_strict() {
        let doc = testdoc::document();
        let lax = super::render(&doc, false);
        let strict = super::render(&doc, true);
        let stale = "<testcase name=\"waiver X8 on other.yaml\"";
        let body = |xml: &str| {
            xml.split(stale)
                .nth(1)
                .and_then(|s| s.split("</testcase>").next())
                .map(str::to_string)
                .expect("the stale waiver is a test case")
        };
        assert!(!body(&lax).contains("<failure"));
        assert!(body(&strict).contains("<failure message=\"matched no finding\" type=\"stale\">"));
        assert!(lax.contains("<testsuite name=\"baseline baseline.json\""));
        assert!(lax.contains("<property name=\"fixed\" value=\"1\"/>"));
    }
}
