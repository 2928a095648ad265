//! The scanner for the plainest YAML (`topology::yaml_scan`) against
//! granit, the full loader's parser, on any text: the scanner may decline
//! anything, but whatever it reads it must read as granit does (the same
//! scalars, with the same text, style and byte span, and the same
//! collections in the same order). And through the loader, the topology
//! read on the scanner's events must be the full loader's.
#![no_main]

use libfuzzer_sys::fuzz_target;
use proviso::topology::load;
use proviso::topology::yaml_events::{self, EventSource};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(e) = yaml_events::scan_agrees_with_granit(text) {
        panic!("the scanner and granit read differently: {e}");
    }
    let source = proviso::Source::new("fuzz.yaml", text);
    let Some(fast) = yaml_events::load_with(&source, EventSource::Scan) else {
        return;
    };
    match load::yaml_serde(&source) {
        Ok(full) => assert_eq!(fast.canonical(), full.canonical(), "the loaders differ"),
        Err(e) => panic!("the scanner's path accepted what the full loader refuses: {e:?}"),
    }
});
