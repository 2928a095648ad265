//! Any text as an estate manifest, and as a mapping profile: parsing may
//! fail, never panic or hang. Parts are not read (the manifest's
//! directory is one that does not exist), so only the manifest's own
//! rules run: paths refused, formats and joins checked.
#![no_main]

use libfuzzer_sys::fuzz_target;
use proviso::topology::estate::Manifest;
use proviso::topology::sources::Profile;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let source = proviso::source::Source::new("fuzz.estate.yaml", text);
    if let Err(errors) = Manifest::parse(&source, std::path::Path::new("/nonexistent-fuzz-dir")) {
        let _ = proviso::diag::render::render(&errors.0, false);
    }
    if let Err(errors) = Profile::parse(&source) {
        let _ = proviso::diag::render::render(&errors.0, false);
    }
});
