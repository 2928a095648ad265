//! The whole check: an agreement and a YAML topology separated by a NUL
//! byte, judged and rendered in every format. Nothing may panic or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use proviso::report::{Format, render};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Some((agreement, topology)) = text.split_once('\0') else {
        return;
    };
    let (Ok(agreement), Ok(topology)) = (
        proviso::parse_agreement("fuzz.contract", agreement),
        proviso::load_topology("fuzz.yaml", topology),
    ) else {
        return;
    };
    let as_of = proviso::Date::from_ymd_opt(2026, 6, 1).expect("a valid date");
    let checked = proviso::check(&agreement, &topology, as_of);
    let doc = proviso::Document::new(vec![checked.report]);
    for format in [Format::Human, Format::Json, Format::Sarif, Format::Junit, Format::Github, Format::Markdown] {
        let _ = render(format, &doc, false, false);
    }
});
