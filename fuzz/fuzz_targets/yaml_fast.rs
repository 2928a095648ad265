//! The YAML fast path (`topology::yaml_events`) against the full
//! serde-saphyr loader, on any text: the fast path may give up on
//! anything, but whenever it gives a topology the full loader must give
//! the same one (nodes, edges, spans, strings in the same interning
//! order). Neither may panic or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use proviso::topology::{load, yaml_events};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let source = proviso::Source::new("fuzz.yaml", text);
    let Some(fast) = yaml_events::load(&source) else {
        return;
    };
    match load::yaml_serde(&source) {
        Ok(full) => assert_eq!(fast.canonical(), full.canonical(), "the loaders differ"),
        Err(e) => panic!("the fast path accepted what the full loader refuses: {e:?}"),
    }
});
