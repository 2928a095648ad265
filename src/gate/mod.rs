//! The CI gate: which findings fail a run, once waivers and a baseline
//! have had their say.
//!
//! A check reports every breach; a gate in CI must also know which of
//! them a team has already accepted. Two mechanisms do that, and both work
//! on the serialisable [`Document`](crate::report::model::Document) after
//! the engine ran, so they never touch the topology or the agreement:
//!
//! - [`waivers`]: a file owned by whoever approves exceptions (kept apart
//!   from the topologies), each waiver naming a clause, a topology glob,
//!   optionally a witness, a reason, an approver and an expiry date;
//! - [`baseline`]: an earlier JSON report, so that only findings that are
//!   new since then fail.
//!
//! Both key findings the same way ([`findings`]): topology, agreement
//! (path and text hash), clause id and one violating edge (from, kind, to)
//! or one offending node, never a line number, so moving a node in a file
//! changes nothing, and never the witness a search happened to pick.

pub mod acknowledge;
pub mod baseline;
pub mod config;
pub mod findings;
pub mod waivers;
