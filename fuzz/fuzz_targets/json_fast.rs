//! The JSON fast path (`topology::json_fast`) against the serde loader,
//! on any text: the fast path may decline anything, but whenever it gives
//! a topology the serde loader must give the same one (nodes, edges,
//! spans, strings in the same interning order). Neither may panic or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use proviso::topology::{json, json_fast};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let source = proviso::Source::new("fuzz.json", text);
    let Some(fast) = json_fast::load(&source) else {
        return;
    };
    match json::json_serde(&source) {
        Ok(full) => assert_eq!(fast.canonical(), full.canonical(), "the loaders differ"),
        Err(e) => panic!("the fast path accepted what the serde loader refuses: {e:?}"),
    }
});
