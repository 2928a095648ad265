//! The test file: cases of expected verdicts, read with their locations.
//!
//! ```yaml
//! # fixtures/tests/azure-openai.proviso-test.yaml
//! agreement: ../contracts/azure-openai.contract   # default of every case
//! as_of: 2026-11-26                                # default of every case
//! cases:
//!   - name: the seed dispute
//!     topology: ../topologies/frontier-on-aws.yaml  # or an inline block: |
//!     exit: 1
//!     verdicts:
//!       "4.2": contested
//!       "4.4": breached
//!       "*": holds                                   # every other clause
//!     readings:
//!       "4.2": {letter: holds, spirit: fails, microsoft: fails, openai: holds}
//!     witnesses:
//!       "4.4": [[enterprise-app, frontier-runtime, gpt-frontier]]
//!     warnings: [unused-definition:probes]
//!     vacuous: ["4.6"]                               # may hold on an empty set
//! ```
//!
//! Paths are relative to the test file. Every key but `name` and
//! `topology` is optional, and only what is written is compared: a case
//! with `verdicts` only says nothing about warnings. Mistakes are errors
//! at their line and column: an unknown key (with the nearest key), a
//! verdict or reading result that is not one, a date that is not
//! `YYYY-MM-DD`, an empty case list.

use chrono::NaiveDate;
use serde::Deserialize;
use serde_saphyr::{MessageFormatter as _, Spanned};

use crate::diag::{Diagnostic, Errors, suggest};
use crate::report::model::Verdict;
use crate::source::{SourceRef, Span};

/// The file name every test file ends with, for a directory search.
pub const SUFFIX: &str = ".proviso-test.yaml";

/// The keys of a case, in the order `--update` writes them.
pub const CASE_KEYS: [&str; 10] = [
    "name",
    "topology",
    "agreement",
    "as_of",
    "exit",
    "verdicts",
    "readings",
    "witnesses",
    "warnings",
    "vacuous",
];

const FILE_KEYS: [&str; 3] = ["agreement", "as_of", "cases"];

/// A test file.
#[derive(Debug, Clone)]
pub struct Spec {
    /// The file.
    pub source: SourceRef,
    /// The cases, in file order.
    pub cases: Vec<Case>,
}

/// A text from the file with where it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct At<T> {
    /// The value.
    pub value: T,
    /// Its span in the test file.
    pub span: Span,
}

/// Where a case's topology comes from.
#[derive(Debug, Clone)]
pub enum TopologyRef {
    /// A file, relative to the test file.
    Path(At<String>),
    /// A YAML topology written in the case (`topology: |`), as a source
    /// whose lines are the test file's.
    Inline(SourceRef),
}

/// One reading's expected outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The reading holds.
    Holds,
    /// The reading fails.
    Fails,
}

impl Outcome {
    /// `holds` or `fails`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Outcome::Holds => "holds",
            Outcome::Fails => "fails",
        }
    }
}

/// Per clause id, each reading's expected outcome.
pub type ReadingExpectations = Vec<(At<String>, Vec<(At<String>, At<Outcome>)>)>;

/// Per clause id, the node ids of each expected witness.
pub type WitnessExpectations = Vec<(At<String>, Vec<Vec<String>>)>;

/// A case: a topology, a day, and what to expect.
#[derive(Debug, Clone)]
pub struct Case {
    /// The case's name.
    pub name: At<String>,
    /// Where the case starts (the first key).
    pub span: Span,
    /// The topology.
    pub topology: TopologyRef,
    /// The agreement, relative to the test file (the file's default, else
    /// the topology's own `agreement:`).
    pub agreement: Option<At<String>>,
    /// The day clauses are judged at (the file's default, else today).
    pub as_of: Option<At<NaiveDate>>,
    /// The expected exit code of `proviso check` on this topology alone.
    pub exit: Option<At<u8>>,
    /// Clause id (or `*`, every clause not listed) to verdict, in file order.
    pub verdicts: Option<Vec<(At<String>, At<Verdict>)>>,
    /// Clause id to reading name to outcome.
    pub readings: Option<ReadingExpectations>,
    /// Clause id to the node ids of each witness of its deciding reading.
    pub witnesses: Option<WitnessExpectations>,
    /// The codes of every warning `proviso check` gives on the topology alone.
    pub warnings: Option<Vec<At<String>>>,
    /// Clauses allowed to hold although a source or target set is empty.
    pub vacuous: Vec<At<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    agreement: Option<Spanned<String>>,
    #[serde(default)]
    as_of: Option<Spanned<String>>,
    cases: Spanned<Vec<Spanned<RawCase>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCase {
    name: Spanned<String>,
    topology: Spanned<String>,
    #[serde(default)]
    agreement: Option<Spanned<String>>,
    #[serde(default)]
    as_of: Option<Spanned<String>>,
    #[serde(default)]
    exit: Option<Spanned<u8>>,
    #[serde(default)]
    verdicts: Option<Ordered<Spanned<String>>>,
    #[serde(default)]
    readings: Option<Ordered<Ordered<Spanned<String>>>>,
    #[serde(default)]
    witnesses: Option<Ordered<Vec<Vec<String>>>>,
    #[serde(default)]
    warnings: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    vacuous: Vec<Spanned<String>>,
}

/// A YAML mapping in the order written (clause ids are keys, and
/// `--update` keeps their order).
struct Ordered<V>(Vec<(Spanned<String>, V)>);

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Ordered<V> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit<V>(std::marker::PhantomData<V>);
        impl<'de, V: Deserialize<'de>> serde::de::Visitor<'de> for Visit<V> {
            type Value = Ordered<V>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a map from clause ids")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(entry) = map.next_entry::<Spanned<String>, V>()? {
                    out.push(entry);
                }
                Ok(Ordered(out))
            }
        }
        d.deserialize_map(Visit(std::marker::PhantomData))
    }
}

/// Parses a test file.
pub fn parse(source: &SourceRef) -> Result<Spec, Errors> {
    let mut options = serde_saphyr::Options::default();
    options.with_snippet = false;
    options.reject_unsupported_tags = true;
    let raw: RawFile = serde_saphyr::from_str_with_options(source.text(), options)
        .map_err(|e| parse_error(source, &e))?;
    let mut errors = Vec::new();
    let file_agreement = raw.agreement.map(|a| text(source, a));
    let file_as_of = raw.as_of.and_then(|d| date(source, d, &mut errors));
    if raw.cases.value.is_empty() {
        errors.push(
            Diagnostic::error("the test file has no case")
                .at(source, span(source, &raw.cases.referenced, 1), "empty")
                .help("add a case: `- name: ...`, `topology: design.yaml`, `verdicts: {\"*\": holds}`"),
        );
    }
    let mut cases = Vec::new();
    let mut names: Vec<String> = Vec::new();
    for c in raw.cases.value {
        let start = span(source, &c.referenced, 1);
        let c = c.value;
        if names.contains(&c.name.value) {
            errors.push(
                Diagnostic::error(format!(
                    "two cases are named `{}`",
                    crate::escape::display(&c.name.value)
                ))
                .at(
                    source,
                    value_span(source, &c.name),
                    "a second case of this name",
                )
                .help("give each case its own name: failures and JUnit test cases are named by it"),
            );
        }
        names.push(c.name.value.clone());
        let topology = topology(source, c.topology);
        let verdicts = c.verdicts.map(|v| {
            v.0.into_iter()
                .filter_map(|(k, v)| {
                    let at = value_span(source, &v);
                    let verdict = verdict(&v.value).or_else(|| {
                        errors.push(
                            Diagnostic::error(format!(
                                "`{}` is not a verdict",
                                crate::escape::display(&v.value)
                            ))
                            .at(source, at.clone(), "expected a verdict")
                            .help(verdict_help(&v.value)),
                        );
                        None
                    })?;
                    Some((
                        text(source, k),
                        At {
                            value: verdict,
                            span: at,
                        },
                    ))
                })
                .collect()
        });
        let readings = c.readings.map(|r| {
            r.0.into_iter()
                .map(|(k, rs)| {
                    let rs = rs
                        .0
                        .into_iter()
                        .filter_map(|(name, o)| {
                            let at = value_span(source, &o);
                            let outcome = match o.value.as_str() {
                                "holds" => Outcome::Holds,
                                "fails" => Outcome::Fails,
                                other => {
                                    errors.push(
                                        Diagnostic::error(format!(
                                            "`{}` is not a reading's outcome",
                                            crate::escape::display(other)
                                        ))
                                        .at(source, at, "expected `holds` or `fails`")
                                        .help("a reading holds or fails; the clause's verdict (breached, contested) goes under `verdicts`"),
                                    );
                                    return None;
                                }
                            };
                            Some((text(source, name), At { value: outcome, span: at }))
                        })
                        .collect();
                    (text(source, k), rs)
                })
                .collect()
        });
        let case = Case {
            name: text(source, c.name),
            span: start,
            topology,
            agreement: c
                .agreement
                .map(|a| text(source, a))
                .or(file_agreement.clone()),
            as_of: match c.as_of {
                Some(d) => date(source, d, &mut errors),
                None => file_as_of.clone(),
            },
            exit: c.exit.map(|e| At {
                span: span(source, &e.referenced, 1),
                value: e.value,
            }),
            verdicts,
            readings,
            witnesses: c
                .witnesses
                .map(|w| w.0.into_iter().map(|(k, v)| (text(source, k), v)).collect()),
            warnings: c
                .warnings
                .map(|w| w.into_iter().map(|s| text(source, s)).collect()),
            vacuous: c.vacuous.into_iter().map(|s| text(source, s)).collect(),
        };
        if let Some(e) = &case.exit
            && e.value > 3
        {
            errors.push(
                Diagnostic::error(format!("`{}` is not an exit code of proviso", e.value))
                    .at(source, e.span.clone(), "expected 0, 1 or 2")
                    .help("0: no must clause breached, 1: one is, 2: invalid input"),
            );
        }
        cases.push(case);
    }
    if errors.is_empty() {
        Ok(Spec {
            source: source.clone(),
            cases,
        })
    } else {
        errors.sort_by_key(|d| d.primary.as_ref().map(|l| l.span.start));
        Err(Errors(errors))
    }
}

fn verdict(text: &str) -> Option<Verdict> {
    Some(match text {
        "holds" => Verdict::Holds,
        "breached" => Verdict::Breached,
        "contested" => Verdict::Contested,
        "not-in-force" => Verdict::NotInForce,
        _ => return None,
    })
}

const VERDICTS: [&str; 4] = ["holds", "breached", "contested", "not-in-force"];

fn verdict_help(word: &str) -> String {
    suggest::help_line(word, VERDICTS.iter().copied())
        .unwrap_or_else(|| format!("a verdict is one of {}", VERDICTS.join(", ")))
}

/// A topology path, or an inline block kept with the test file's lines
/// and columns: the block's lines are taken from the file as written, so
/// an error in them points into the test file.
fn topology(source: &SourceRef, t: Spanned<String>) -> TopologyRef {
    let at = span(source, &t.referenced, 1);
    let here = source.text().get(at.start..).unwrap_or("");
    let block = here.starts_with('|') || here.starts_with('>');
    if !block && !t.value.contains('\n') {
        return TopologyRef::Path(text(source, t));
    }
    if !block {
        // A multi-line plain or quoted scalar: its text as parsed.
        let line = source.line_col(at.start).0;
        return TopologyRef::Inline(crate::source::Source::part_of(source.path(), t.value, line));
    }
    // The block's lines: from the line after the indicator, as many as
    // the value has (blank lines included).
    let first = source.line_range(at.start).end;
    let lines = t.value.lines().count();
    let rest = &source.text()[first.min(source.text().len())..];
    let end = rest
        .match_indices('\n')
        .nth(lines.saturating_sub(1))
        .map_or(rest.len(), |(i, _)| i + 1);
    let line = source.line_col(first.min(source.text().len())).0;
    TopologyRef::Inline(crate::source::Source::part_of(
        source.path(),
        rest[..end].to_string(),
        line,
    ))
}

fn date(
    source: &SourceRef,
    d: Spanned<String>,
    errors: &mut Vec<Diagnostic>,
) -> Option<At<NaiveDate>> {
    let at = value_span(source, &d);
    let shaped = d.value.len() == 10 && d.value.as_bytes().get(4) == Some(&b'-');
    match NaiveDate::parse_from_str(&d.value, "%Y-%m-%d") {
        Ok(value) if shaped => Some(At { value, span: at }),
        _ => {
            errors.push(
                Diagnostic::error(format!(
                    "`{}` is not a date written YYYY-MM-DD",
                    crate::escape::display(&d.value)
                ))
                .at(source, at, "expected YYYY-MM-DD")
                .help("write the day clauses are judged at, such as 2026-11-26"),
            );
            None
        }
    }
}

fn text(source: &SourceRef, s: Spanned<String>) -> At<String> {
    At {
        span: value_span(source, &s),
        value: s.value,
    }
}

fn span(source: &SourceRef, at: &serde_saphyr::Location, len: usize) -> Span {
    let start = match at.span().byte_offset() {
        Some(o) => (o as usize).min(source.text().len()),
        None => source.offset(at.line() as usize, at.column() as usize),
    };
    start..(start + len).min(source.text().len()).max(start)
}

/// The span of a scalar: its bytes as written when known, else the rest
/// of its line.
fn value_span(source: &SourceRef, s: &Spanned<String>) -> Span {
    let start = span(source, &s.referenced, 0).start;
    match s.referenced.span().byte_len() {
        Some(len) if len > 0 => start..(start + len as usize).min(source.text().len()),
        _ => {
            let line = source.line_range(start);
            start..line.end.max(start)
        }
    }
}

/// serde-saphyr's error in our words, at its place.
fn parse_error(source: &SourceRef, e: &serde_saphyr::Error) -> Errors {
    let raw = serde_saphyr::DefaultMessageFormatter
        .format_message(e.without_snippet())
        .to_string();
    let (message, help, len) = match crate::topology::load::limits(e.without_snippet()) {
        Some((m, h)) => (m, h, 1),
        None => translate(&raw),
    };
    let d = Diagnostic::error(message).maybe_help(help);
    let d = match e.location() {
        Some(loc) => d.at(source, span(source, &loc, len), "here"),
        None => d,
    };
    d.into()
}

fn translate(raw: &str) -> (String, Option<String>, usize) {
    if let Some(rest) = raw.strip_prefix("unknown field `") {
        let field = rest.split('`').next().unwrap_or("");
        let top = raw.contains("`cases`");
        let known: &[&str] = if top { &FILE_KEYS } else { &CASE_KEYS };
        let what = if top { "a test file" } else { "a case" };
        let help = suggest::help_line(field, known.iter().copied())
            .unwrap_or_else(|| format!("{what} has {}", suggest::list(known, known.len())));
        return (
            format!("unknown key `{}` in {what}", crate::escape::display(field)),
            Some(help),
            field.len().max(1),
        );
    }
    if let Some(rest) = raw.strip_prefix("missing field `") {
        let field = rest.split('`').next().unwrap_or("");
        let help = match field {
            "cases" => "a test file lists its cases under `cases:`",
            "name" => "every case has a `name:`, used in failures and JUnit",
            "topology" => {
                "every case names a `topology:` file, or writes one inline after `topology: |`"
            }
            _ => "see docs/authoring.md for the keys of a test file",
        };
        return (
            format!("missing key `{}`", crate::escape::display(field)),
            Some(help.to_string()),
            1,
        );
    }
    let first = raw.lines().next().unwrap_or(raw);
    (
        format!(
            "the test file cannot be read: {}",
            crate::escape::display(first)
        ),
        Some(
            "a test file is YAML: `cases:` with a list of `name:`, `topology:` and expectations"
                .to_string(),
        ),
        1,
    )
}
