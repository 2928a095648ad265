//! Any bytes through the topology loaders (the first byte picks YAML or
//! JSON): they may fail, never panic or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use proviso::topology::load::{self, Kind};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let kind = if selector % 2 == 0 {
        Kind::Yaml
    } else {
        Kind::Json
    };
    let name = if kind == Kind::Yaml {
        "fuzz.yaml"
    } else {
        "fuzz.json"
    };
    let text = match load::utf8(name, rest.to_vec()) {
        Ok(text) => text,
        Err(d) => {
            let _ = proviso::diag::render::render(&[d], false);
            return;
        }
    };
    let source = proviso::Source::new(name, text);
    if let Err(errors) = load::from_source(&source, kind) {
        let _ = proviso::diag::render::render(&errors.0, false);
    }
});
