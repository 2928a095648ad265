//! The JSON fast path (`topology::json_fast`) against the serde loader,
//! on any text: the fast path may decline anything, but whenever it gives
//! a topology the serde loader must give the same one (nodes, edges,
//! spans, strings in the same interning order). And a second reader
//! started anywhere (at up to five `{`, some of which may start an edge,
//! and at one byte picked from the length) must change nothing. Neither
//! may panic or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use proviso::topology::{json, json_fast};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let source = proviso::Source::new("fuzz.json", text);
    let alone = json_fast::load_cut(&source, None).0;
    let mut cuts: Vec<usize> = text.match_indices('{').map(|(at, _)| at).collect();
    let step = cuts.len().div_ceil(4).max(1);
    cuts = cuts.into_iter().step_by(step).collect();
    cuts.push(text.len().wrapping_mul(2_654_435_761) % text.len().max(1));
    let canonical = alone.as_ref().map(|t| t.canonical());
    for cut in cuts {
        let split = json_fast::load_cut(&source, Some(cut)).0;
        assert_eq!(
            split.map(|t| t.canonical()),
            canonical,
            "a second reader at {cut} changed the result"
        );
    }
    let Some(fast) = alone else {
        return;
    };
    match json::json_serde(&source) {
        Ok(full) => assert_eq!(fast.canonical(), full.canonical(), "the loaders differ"),
        Err(e) => panic!("the fast path accepted what the serde loader refuses: {e:?}"),
    }
});
