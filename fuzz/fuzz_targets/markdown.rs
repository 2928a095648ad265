//! Any text as a Markdown doc: its `proviso` blocks found, each loaded as
//! a YAML topology. Either may fail, never panic or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use proviso::Source;
use proviso::topology::{load, markdown};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let doc = Source::new("doc.md", text);
    match markdown::blocks(&doc) {
        Ok(blocks) => {
            for block in blocks {
                if let Err(errors) = load::yaml(&block.source) {
                    let _ = proviso::diag::render::render(&errors.0, false);
                }
            }
        }
        Err(errors) => {
            let _ = proviso::diag::render::render(&errors.0, false);
        }
    }
});
