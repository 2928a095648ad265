//! The scanner for the plainest YAML (`topology::yaml_scan`) against
//! granit, the full loader's parser, on any text: the scanner may decline
//! anything, but whatever it reads it must read as granit does (the same
//! scalars, with the same text, style and byte span, and the same
//! collections in the same order). And through the loader, the topology
//! read on the scanner's events must be the full loader's.
#![no_main]

use std::fmt::Write as _;

use libfuzzer_sys::fuzz_target;
use proviso::topology::yaml_events::{self, EventSource};
use proviso::topology::{Topology, load};

/// Everything a check can see of a topology, in a canonical text.
fn canonical(t: &Topology) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "name {:?}\nagreement {:?}", t.name, t.agreement);
    for i in 0..t.strings.len() {
        let _ = writeln!(out, "sym {i} {:?}", t.strings.resolve(i as u32));
    }
    for n in &t.nodes {
        let _ = writeln!(out, "node {n:?}");
    }
    for e in &t.edges {
        let _ = writeln!(out, "edge {e:?}");
    }
    out
}

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
        Ok(full) => assert_eq!(canonical(&fast), canonical(&full), "the loaders differ"),
        Err(e) => panic!("the scanner's path accepted what the full loader refuses: {e:?}"),
    }
});
