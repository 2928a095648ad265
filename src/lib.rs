//! proviso checks proposed cloud deployment topologies against the clauses
//! of partner agreements, under the letter and the spirit of each clause.
//!
//! The pipeline is the module list: [`syntax`] turns agreement text into a
//! checked AST, [`topology`] turns YAML into a graph, [`engine`] judges each
//! clause and [`report`] renders the result; [`gate`] applies waivers and
//! a baseline to a report for CI. The binary is a thin layer of argument
//! parsing, file discovery and file reading over these.
//!
//! ```
//! let agreement = proviso::parse_agreement(
//!     "deal.contract",
//!     "define models as nodes where kind = model
//!      define azure as nodes where cloud = azure
//!      in spirit, inference counts as api
//!      clause 1: api access to models must route via azure",
//! )?;
//! let topology = proviso::load_topology(
//!     "design.yaml",
//!     "nodes:
//!   app: {kind: client}
//!   gw: {kind: gateway, cloud: azure}
//!   gpt: {kind: model}
//! edges:
//!   - {from: app, to: gw, kind: api}
//!   - {from: gw, to: gpt, kind: api}
//!   - {from: app, to: gpt, kind: inference}",
//! )?;
//! let as_of = proviso::Date::from_ymd_opt(2026, 1, 1).unwrap();
//! let report = proviso::check(&agreement, &topology, as_of).report;
//! let verdict = &report.verdicts[0];
//! // The letter (api edges only) holds; the spirit sees the inference bypass.
//! assert_eq!(verdict.verdict, proviso::Verdict::Contested);
//! assert_eq!(verdict.spirit.as_ref().unwrap().witnesses[0].nodes, ["app", "gpt"]);
//! # Ok::<(), proviso::Errors>(())
//! ```

// Diagnostics are large (labels hold their source) and travel only on the
// cold error path, where boxing them would buy nothing.
#![allow(clippy::result_large_err)]

pub mod authoring;
pub mod diag;
pub mod engine;
pub mod escape;
pub mod gate;
pub mod input;
pub mod lsp;
pub mod number;
pub mod report;
pub mod schema;
pub mod source;
pub mod syntax;
pub mod topology;

/// A calendar day, as `--as-of` and the agreement's windows use it. This
/// is chrono's `NaiveDate` (no time zone: clauses are in force by day),
/// re-exported so that callers need not depend on chrono themselves.
pub use chrono::NaiveDate as Date;
pub use diag::{Diagnostic, Errors, Severity};
pub use engine::Checked;
pub use report::model::{
    ClauseVerdict, Document, Hop, Level, Reading, ReadingResult, Report, Summary, Verdict, Warning,
    Witness,
};
pub use source::{Location, Source, SourceRef};
pub use syntax::ast::Agreement;
pub use topology::Topology;

/// Parses and checks an agreement given its display path and text.
pub fn parse_agreement(path: &str, text: &str) -> Result<Agreement, Errors> {
    syntax::parse_agreement(&Source::new(path, text))
}

/// Loads a YAML topology given its display path and text.
pub fn load_topology(path: &str, text: &str) -> Result<Topology, Errors> {
    topology::load::yaml(&Source::new(path, text))
}

/// Judges every clause of `agreement` on `topology` as of a day, keeping
/// [`engine::DEFAULT_MAX_WITNESSES`] witnesses per clause and reading (use
/// [`engine::check`] with [`engine::Options`] to choose).
pub fn check(agreement: &Agreement, topology: &Topology, as_of: Date) -> Checked {
    engine::check(agreement, topology, &engine::Options::new(as_of))
}
