//! Authoring agreements with confidence: expected verdicts kept beside
//! the agreement (`proviso test`), and the pieces `explain`, `fmt` and
//! `graph` share.
//!
//! People who write agreements (compliance engineers, lawyers with
//! architects) need the feedback loop programmers have: a test that says
//! "on this design, clause 4.2 is contested" and fails when an edit
//! changes that, an explanation of why a clause holds, a formatter, a
//! picture. These live in the library, not the command line, so that
//! they can be tested without a process and reused; the command line
//! only reads the files and prints.
//!
//! - [`spec`]: the test file (`*.proviso-test.yaml`), parsed with locations;
//! - [`judge`]: one case's expectations against a report;
//! - [`update`]: `--update`, the expectations rewritten in place;
//! - [`outcome`]: the run's human and JUnit views, and coverage.

pub mod explain;
pub mod fmt;
pub mod graph;
pub mod judge;
pub mod outcome;
pub mod spec;
pub mod update;
