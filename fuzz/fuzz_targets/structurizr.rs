//! Any text through the structurizr importer (docs/sources.md); the body is
//! shared with the other importers' targets, in `importer.rs`.
#![no_main]

#[path = "importer.rs"]
mod importer;

use libfuzzer_sys::fuzz_target;
use proviso::topology::sources::Format;

fuzz_target!(|data: &[u8]| importer::run(Format::Structurizr, "fuzz.structurizr", data));
