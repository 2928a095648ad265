//! Any text through the structurizr importer (docs/sources.md), with and
//! without a mapping profile: it may fail, never panic or hang; a
//! topology it builds can be checked, and errors rendered.
#![no_main]

use libfuzzer_sys::fuzz_target;
use proviso::topology::sources::{self, Format};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let source = proviso::source::Source::new("fuzz.structurizr", text);
    match sources::load(&source, Format::Structurizr, None) {
        Ok(topology) => {
            for ix in 0..topology.nodes.len() as u32 {
                let _ = topology.node_location(ix);
            }
            for ix in 0..topology.edges.len() as u32 {
                let _ = topology.edge_location(ix);
            }
        }
        Err(errors) => {
            let _ = proviso::diag::render::render(&errors.0, false);
        }
    }
    // Detection reads every text without panicking.
    let _ = sources::detect(text);
});
