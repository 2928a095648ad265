//! The YAML fast path (`topology::yaml_events`) against the full
//! serde-saphyr loader, on any text: the fast path may give up on
//! anything, but whenever it gives a topology the full loader must give
//! the same one (nodes, edges, spans, strings in the same interning
//! order). Neither may panic or hang.
#![no_main]

use std::fmt::Write as _;

use libfuzzer_sys::fuzz_target;
use proviso::topology::{Topology, load, yaml_events};

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
    let source = proviso::Source::new("fuzz.yaml", text);
    let Some(fast) = yaml_events::load(&source) else {
        return;
    };
    match load::yaml_serde(&source) {
        Ok(full) => assert_eq!(canonical(&fast), canonical(&full), "the loaders differ"),
        Err(e) => panic!("the fast path accepted what the full loader refuses: {e:?}"),
    }
});
