//! Any text as a baseline (an earlier JSON report): it may fail, never
//! panic or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use proviso::Source;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let source = Source::new("baseline.json", text);
    if let Err(errors) = proviso::gate::baseline::parse(&source) {
        let _ = proviso::diag::render::render(&errors.0, false);
    }
});
