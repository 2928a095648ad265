//! The pest parser generated from `grammar/proviso.pest`.
//!
//! This is the concrete syntax tree stage: pest gives pairs, `lower` turns
//! them into the typed AST. Nothing outside `syntax` sees a pest type.

#![allow(missing_docs)]

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/proviso.pest"]
pub struct ProvisoParser;
