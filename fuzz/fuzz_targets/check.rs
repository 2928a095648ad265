//! The whole check: an agreement and a YAML topology separated by a NUL
//! byte, optionally followed by a NUL and a waiver file, then a NUL and
//! the topology's display path; judged and rendered in every format.
//! Nothing may panic or hang, and every output must be safe to print:
//!
//! - JSON, SARIF and `verdicts` parse as JSON; JUnit is well-formed XML;
//! - no output holds a raw control or bidi character but `\n` and `\t`;
//! - no line (after leading whitespace) starts with `::` (but `:::`) or
//!   `##[`, or holds `##vso[`, except the `github` format's own command
//!   lines (`::error `, `::warning `, `::notice `), and the `github`
//!   format writes nothing else.
#![no_main]

use libfuzzer_sys::fuzz_target;
use proviso::report::{Format, render};

const FORMATS: [Format; 7] = [
    Format::Human,
    Format::Json,
    Format::Sarif,
    Format::Junit,
    Format::Github,
    Format::Markdown,
    Format::Verdicts,
];

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut parts = text.splitn(4, '\0');
    let (Some(agreement), Some(topology)) = (parts.next(), parts.next()) else {
        return;
    };
    let waivers = parts.next();
    let path = parts.next().unwrap_or("fuzz.yaml");
    let (Ok(agreement), Ok(topology)) = (
        proviso::parse_agreement("fuzz.contract", agreement),
        proviso::load_topology(path, topology),
    ) else {
        return;
    };
    let as_of = proviso::Date::from_ymd_opt(2026, 6, 1).expect("a valid date");
    let checked = proviso::check(&agreement, &topology, as_of);
    let mut doc = proviso::Document::new(vec![checked.report]);
    if let Some(waivers) = waivers {
        let source = proviso::Source::new("proviso-waivers.yaml", waivers);
        if let Ok(waivers) = proviso::gate::waivers::parse(&source) {
            proviso::gate::waivers::apply(&mut doc, &waivers, as_of);
        }
    }
    for format in FORMATS {
        for strict in [false, true] {
            if strict && format != Format::Junit {
                continue;
            }
            let out = render(format, &doc, strict, false);
            check_output(format, &out);
        }
    }
});

fn check_output(format: Format, out: &str) {
    match format {
        Format::Json | Format::Sarif | Format::Verdicts => {
            if let Err(e) = serde_json::from_str::<serde_json::Value>(out) {
                panic!("{format:?} output is not JSON: {e}\n{out}");
            }
        }
        Format::Junit => well_formed_xml(out),
        _ => {}
    }
    if let Some((at, c)) = out.char_indices().find(|&(_, c)| is_unsafe(c)) {
        panic!(
            "{format:?} output holds raw U+{:04X} at byte {at}:\n{out}",
            c as u32
        );
    }
    for line in out.split('\n') {
        if format == Format::Github {
            assert!(
                line.is_empty()
                    || line.starts_with("::error ")
                    || line.starts_with("::warning ")
                    || line.starts_with("::notice "),
                "github output holds a line that is not a command of ours: {line:?}\n{out}"
            );
        } else {
            assert!(
                !is_command_like(line),
                "{format:?} output holds a log-command line: {line:?}\n{out}"
            );
        }
    }
}

/// Written out here rather than taken from `proviso::escape`, so that the
/// oracle does not share a bug with the code it checks.
fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(
            c,
            '\u{061c}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{feff}'
                | '\u{fffe}'
                | '\u{ffff}'
        )
}

fn is_command_like(line: &str) -> bool {
    let t = line.trim_start();
    (t.starts_with("::") && !t.starts_with(":::"))
        || t.starts_with("##[")
        || line.contains("##vso[")
}

fn well_formed_xml(out: &str) {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(out);
    reader.config_mut().check_end_names = true;
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => break,
            Ok(Event::Start(e) | Event::Empty(e)) => {
                for a in e.attributes() {
                    let a = a.unwrap_or_else(|e| panic!("JUnit output: bad attribute: {e}\n{out}"));
                    if let Err(e) = a.normalized_value(quick_xml::XmlVersion::Implicit1_0) {
                        panic!("JUnit output: bad attribute value: {e}\n{out}");
                    }
                }
            }
            Ok(Event::Text(t)) => {
                if let Err(e) = t.decode() {
                    panic!("JUnit output: bad text: {e}\n{out}");
                }
            }
            Ok(_) => {}
            Err(e) => panic!(
                "JUnit output is not well-formed XML at {}: {e}\n{out}",
                reader.buffer_position()
            ),
        }
    }
}
