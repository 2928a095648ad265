//! Any text through the agreement parser: it may fail, never panic or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Err(errors) = proviso::parse_agreement("fuzz.contract", text) {
            // Rendering the diagnostics is part of what users see.
            let _ = proviso::diag::render::render(&errors.0, false);
        }
    }
});
