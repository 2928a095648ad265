//! proviso's integration tests, in one binary (one link, one run).
//!
//! - `authoring`: `proviso test`, `explain`, `graph` and `fmt` through the binary;
//! - `cli`: the real binary on every fixture, stdout, stderr and exit code
//!   snapshot together;
//! - `engine`: each clause form and modal under both readings, through the
//!   library, one sentence per test;
//! - `grammar`: every construct of the clause language, and the words of
//!   its syntax errors;
//! - `language`: language v2 construct by construct (edge conditions,
//!   party readings, permissions, quantities, obligors, predicates), and
//!   the v1 fixtures' old verdicts;
//! - `errors`: every error and warning message, snapshot with its location;
//! - `bad`: the adversarial corpus, which must never crash or hang proviso;
//! - `props`: property tests, random inputs that must never panic;
//! - `formats`: SARIF, JUnit, GitHub and Markdown output, `--output`;
//! - `gate`: discovery, Markdown docs, waivers, baselines, completions;
//! - `security`: every attack of the threat model in docs/security.md,
//!   each of which must fail safe.
//! - `sources`: Terraform plans and the other imported sources, their
//!   fixtures in every format and their malformed files;
//! - `hostile`: inputs built to exhaust the gate, under memory and CPU limits.
//! - `lsp`: the language server over JSON-RPC, responses snapshot;
//! - `schemas`: the committed JSON Schemas, and every fixture against them.
//! - `parallel`: many files on one thread and on four, the same output; a
//!   large file read in two halves, the same text.
//! - `json_fast`: the JSON fast path against the serde loader, differentially.
//! - `yaml_fast`: the YAML fast path against the full loader, differentially.

mod authoring;
mod bad;
mod cli;
mod engine;
mod errors;
mod findings;
mod formats;
mod gate;
mod grammar;
mod hostile;
mod json_fast;
mod language;
mod lsp;
mod parallel;
mod props;
mod schemas;
mod security;
mod sources;
mod support;
mod warnings;
mod yaml_fast;
