//! The outcome of a test run, and its two views: diff-style text for
//! people and JUnit XML for CI.
//!
//! A failure reads like a diff: the expectation's place in the test file,
//! `- expected` and `+ actual`, then why (the readings and the witness,
//! with its location in the topology). Both views are deterministic: test
//! files in the order given (a directory's sorted), cases in file order,
//! no durations.

use std::fmt::Write as _;

use quick_junit::{
    NonSuccessKind, Property, Report as JunitReport, TestCase, TestCaseStatus, TestSuite,
};

use super::judge::Mismatch;
use crate::source::Location;

/// One test file's results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileResult {
    /// The test file, as given.
    pub path: String,
    /// Its cases, in file order.
    pub cases: Vec<CaseResult>,
}

/// One case's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseResult {
    /// The case's name.
    pub name: String,
    /// Where the case is written.
    pub location: Location,
    /// Its topology, as reported.
    pub topology: String,
    /// How many clauses it compared a verdict of.
    pub clauses: usize,
    /// What differed, each with where its expectation is written.
    pub mismatches: Vec<(Location, Mismatch)>,
}

/// Per agreement, each clause: whether some case saw it hold and whether
/// some saw it fail (breached or contested).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Coverage {
    /// Agreement path, then per clause id (agreement order): (held, failed).
    pub agreements: Vec<(String, Vec<ClauseCoverage>)>,
}

/// A clause id, whether some case saw it hold, whether some saw it fail.
pub type ClauseCoverage = (String, bool, bool);

/// Passed and failed case counts.
pub fn counts(results: &[FileResult]) -> (usize, usize) {
    let all = results.iter().flat_map(|f| &f.cases);
    let failed = all.clone().filter(|c| !c.mismatches.is_empty()).count();
    (all.count() - failed, failed)
}

/// The run for people: one line per case, each failure as a diff.
pub fn human(results: &[FileResult], coverage: Option<&Coverage>) -> String {
    let mut out = String::new();
    for f in results {
        for c in &f.cases {
            let status = if c.mismatches.is_empty() {
                "ok  "
            } else {
                "FAIL"
            };
            let _ = writeln!(
                out,
                "{status} {} case \"{}\" ({}, {} clause{})",
                c.location,
                c.name,
                c.topology,
                c.clauses,
                if c.clauses == 1 { "" } else { "s" }
            );
            for (at, m) in &c.mismatches {
                let _ = writeln!(out, "  {at}: {}", m.what);
                let _ = writeln!(out, "  - expected: {}", m.expected);
                let _ = writeln!(out, "  + actual:   {}", m.actual);
                for d in &m.detail {
                    let _ = writeln!(out, "      {d}");
                }
            }
        }
    }
    let (passed, failed) = counts(results);
    let _ = writeln!(
        out,
        "\ntest result: {}. {passed} passed, {failed} failed",
        if failed == 0 { "ok" } else { "FAILED" }
    );
    if let Some(cov) = coverage {
        out.push_str(&coverage_text(cov));
    }
    out
}

/// `--coverage`: per agreement, the clauses never seen holding or never
/// seen failing.
pub fn coverage_text(cov: &Coverage) -> String {
    let mut out = String::new();
    for (agreement, clauses) in &cov.agreements {
        let both = clauses.iter().filter(|(_, h, f)| *h && *f).count();
        let _ = writeln!(
            out,
            "\ncoverage of {agreement}: {both} of {} clauses seen both holding and failing",
            clauses.len()
        );
        for (id, held, failed) in clauses {
            let gap = match (held, failed) {
                (true, true) => continue,
                (false, false) => "never judged in force",
                (true, false) => "never seen failing",
                (false, true) => "never seen holding",
            };
            let _ = writeln!(out, "  {id}: {gap}");
        }
    }
    out
}

/// The run as JUnit XML: a suite per test file, a test case per case.
pub fn junit(results: &[FileResult], coverage: Option<&Coverage>) -> String {
    let mut report = JunitReport::new("proviso test");
    for f in results {
        let mut suite = TestSuite::new(f.path.clone());
        for c in &f.cases {
            let mut tc = if c.mismatches.is_empty() {
                TestCase::new(c.name.clone(), TestCaseStatus::success())
            } else {
                let mut text = String::new();
                for (at, m) in &c.mismatches {
                    let _ = writeln!(text, "{at}: {}", m.what);
                    let _ = writeln!(text, "- expected: {}", m.expected);
                    let _ = writeln!(text, "+ actual:   {}", m.actual);
                    for d in &m.detail {
                        let _ = writeln!(text, "    {d}");
                    }
                }
                let n = c.mismatches.len();
                let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
                status
                    .set_type("mismatch")
                    .set_message(format!(
                        "{n} expectation{} not met",
                        if n == 1 { "" } else { "s" }
                    ))
                    .set_description(text);
                TestCase::new(c.name.clone(), status)
            };
            tc.set_classname(f.path.clone());
            tc.add_properties([
                Property::new("topology", c.topology.clone()),
                Property::new("location", c.location.to_string()),
                Property::new("clauses", c.clauses.to_string()),
            ]);
            suite.add_test_case(tc);
        }
        report.add_test_suite(suite);
    }
    if let Some(cov) = coverage {
        for (agreement, clauses) in &cov.agreements {
            let mut suite = TestSuite::new(format!("coverage {agreement}"));
            for (id, held, failed) in clauses {
                let mut tc = TestCase::new(format!("clause {id}"), TestCaseStatus::success());
                tc.add_properties([
                    Property::new("seen-holding", held.to_string()),
                    Property::new("seen-failing", failed.to_string()),
                ]);
                suite.add_test_case(tc);
            }
            report.add_test_suite(suite);
        }
    }
    let s = report
        .to_string()
        .unwrap_or_else(|e| format!("<!-- cannot write junit: {e} -->"));
    let mut s = crate::escape::output(&s).into_owned();
    s.push('\n');
    s
}
