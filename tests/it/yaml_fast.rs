//! The YAML fast path (`topology::yaml_events`) against the full
//! serde-saphyr loader, differentially: on every YAML fixture, on
//! generated topologies in several styles, and on small variations that
//! each exercise one corner of YAML. Whenever the fast path gives a
//! topology, the full loader must give the same one (nodes, edges, spans,
//! strings in the same interning order); whenever the full loader fails,
//! the fast path must give up; and `load::yaml`, which tries the fast
//! path first, must give exactly what the full loader gives, diagnostics
//! included.

use std::fmt::Write as _;
use std::path::Path;

use proviso::source::Source;
use proviso::topology::yaml_events::EventSource;
use proviso::topology::{load, yaml_events};

/// Compares the loaders on `text`: the fast path on each parser's events
/// and as callers get it, against the full loader; and the scanner's
/// events against granit's. Whether the fast path took it.
fn same(text: &str) -> bool {
    took_by(text).is_some()
}

/// As [`same`]; which parser the fast path read `text` on, if any.
fn took_by(text: &str) -> Option<EventSource> {
    let src = Source::new("t.yaml", text);
    let full = load::yaml_serde(&src);
    if let Err(e) = yaml_events::scan_agrees_with_granit(text) {
        panic!("the scanner and granit read differently ({e}):\n{text}");
    }
    for via in [EventSource::Scan, EventSource::Saphyr, EventSource::Granit] {
        match (yaml_events::load_with(&src, via), &full) {
            (Some(fast), Ok(full)) => assert_eq!(
                fast.canonical(),
                full.canonical(),
                "the loaders differ on {via:?} events on:\n{text}"
            ),
            (Some(_), Err(e)) => panic!(
                "the fast path on {via:?} events accepted what the full loader refuses ({e:?}):\n{text}"
            ),
            (None, _) => {}
        }
    }
    let fast = yaml_events::load(&src);
    let took = fast.is_some().then(|| {
        [EventSource::Scan, EventSource::Saphyr, EventSource::Granit]
            .into_iter()
            .find(|via| yaml_events::load_with(&src, *via).is_some())
            .expect("a path that took it")
    });
    // What callers get: the same result and the same diagnostics.
    match (load::yaml(&src), full) {
        (Ok(a), Ok(b)) => assert_eq!(a.canonical(), b.canonical(), "on:\n{text}"),
        (Err(a), Err(b)) => assert_eq!(format!("{a:?}"), format!("{b:?}"), "on:\n{text}"),
        (a, b) => panic!("one loader failed: {:?} / {:?}\n{text}", a.err(), b.err()),
    }
    took
}

fn yaml_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("fixtures dir")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            yaml_files(&p, out);
        } else if matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")) {
            out.push(p);
        }
    }
}

#[test]
fn every_yaml_fixture_loads_the_same_both_ways() {
    let mut files = Vec::new();
    yaml_files(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures")
            .as_path(),
        &mut files,
    );
    assert!(files.len() > 30, "found only {} fixtures", files.len());
    let mut took = 0;
    for f in &files {
        let Ok(text) = std::fs::read_to_string(f) else {
            continue; // non-UTF-8: refused before either loader runs
        };
        if same(&text) {
            took += 1;
        }
    }
    // The good topologies go the fast way (else this test compares nothing).
    assert!(
        took >= 10,
        "the fast path took only {took} of {} fixtures",
        files.len()
    );
}

/// A generated topology: `n` nodes in a few layers, three edges each, in
/// block or flow style.
fn generated(n: usize, flow: bool, seed: u64) -> String {
    let mut x = seed;
    let mut rnd = |m: usize| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % m as u64) as usize
    };
    let clouds = ["azure", "gcp", "onprem"];
    let mut s =
        String::from("name: gen\nagreement: fixtures/contracts/azure-openai.contract\nnodes:\n");
    for i in 0..n {
        let cloud = clouds[rnd(3)];
        if flow {
            writeln!(
                s,
                "  n-{i:05}: {{kind: runtime, cloud: {cloud}, port: {}, tags: [a, b{}]}}",
                400 + i,
                rnd(4)
            )
            .unwrap();
        } else {
            writeln!(s, "  n-{i:05}:\n    kind: runtime\n    cloud: {cloud}\n    labels:\n      team: t{}\n    enabled: true", rnd(5)).unwrap();
        }
    }
    s.push_str("edges:\n");
    for i in 0..n {
        for _ in 0..3 {
            let to = rnd(n);
            if flow {
                writeln!(s, "  - {{from: n-{i:05}, to: n-{to:05}, kind: api}}").unwrap();
            } else {
                writeln!(
                    s,
                    "  - from: n-{i:05}\n    to: n-{to:05}\n    kind: Rpc\n    tls: yes"
                )
                .unwrap();
            }
        }
    }
    s
}

#[test]
fn generated_topologies_load_the_same_both_ways() {
    for (n, flow, seed) in [
        (50, true, 1),
        (50, false, 2),
        (300, true, 3),
        (300, false, 4),
    ] {
        assert!(
            same(&generated(n, flow, seed)),
            "the fast path refused a plain topology"
        );
    }
}

const BASE: &str = "name: demo
agreement: a.contract
nodes:
  app: {kind: client, zone: external}
  gw:
    kind: gateway
    cloud: azure
  model: {kind: model, cloud: azure}
edges:
  - {from: app, to: gw, kind: api}
  - from: gw
    to: model
    kind: API
";

/// Variations that the fast path must load exactly as the full loader.
#[test]
fn plain_variations_take_the_fast_path_and_agree() {
    let cases: &[&str] = &[
        BASE,
        "nodes: {a: {kind: x}}\n",
        "nodes:\n  a:\n  b: ~\n  c: null\nedges:\n",
        "nodes: {a: {}, b: {}}\nedges: []\n",
        "# heading\nnodes: # the nodes\n  a: {kind: x} # trailing\n# between\nedges: []\n",
        "---\nnodes: {a: {kind: x}}\n...\n",
        "nodes:\n  \"quoted id\": {'single': \"dou\\\"ble\"}\n  b: {kind: y}\nedges:\n  - {from: \"quoted id\", to: b, kind: 'api'}\n",
        "nodes:\n  a: {port: 443, ratio: 1.10, hex: 0x1F, oct: 0o17, big: 123456789012345678901234567890, on: true, y: yes, neg: -3, exp: 1e3}\n",
        "nodes:\n  a: {tags: [pci, phi, pci], none: [], nums: [1, 2.5, true]}\n",
        "nodes:\n  a:\n    labels:\n      team: ml\n      owner: {name: ann, email: a@x}\n",
        "nodes:\n  a:\n    note: |\n      line one\n      line two\n    folded: >\n      one\n      two\n",
        "nodes:\n  a: {kind: x}\n  b: {kind: y}\nedges:\n  - {from: a, to: b, kind: api, tls: true, ports: [80, 443], meta: {via: proxy}}\n",
        "nodes:\n  é-ünï: {kind: modèle}\n  b: {kind: y}\nedges:\n  - {from: é-ünï, to: b, kind: ÄPI}\n",
        "nodes:\r\n  a: {kind: x}\r\n  b: {kind: y}\r\nedges:\r\n  - {from: a, to: b, kind: api}\r\n",
        "\u{feff}nodes:\n  a: {kind: x}\n",
        "nodes:\n\ta: {kind: x}\n",
        "nodes:\n  a: {kind: x}\n  b: {kind: y}\nedges:\n- from: a\n  to: b\n  kind: api\n",
        "edges: []\nnodes: {a: {kind: x}}\n",
        "nodes: {a: {kind: x}, b: {kind: y}}\nedges: [{from: a, to: b, kind: api}, {from: b, to: a, kind: api}]",
        "nodes:\n  1: {kind: x}\n  true: {kind: y}\n  2.5: {kind: z}\nedges:\n  - {from: 1, to: true, kind: 7}\n",
        "name: 12\nagreement: \"a b.contract\"\nnodes: {a: {kind: x}}\n",
        "nodes:\n  a: {kind: x, 'labels.team': ml}\n",
        "nodes:\n  a: {kind: \"\"}\n",
        "nodes:\n  a: {kind:   spaced   }\n",
        "nodes:\n  a: {kind: x}\n  b: {kind: y}\nedges:\n  - { from: a , to: b , kind: api }\n",
        "nodes:\n  .inf: {kind: x}\n  b: {kind: .inf.}\nedges:\n  - {from: .inf, to: b, kind: .nan}\n",
        "nodes:\n  a: {x: .Inf, y: .NaN, z: -.inf, w: +.INF}\n",
        "nodes:\n  a: {kind: x}\n  b:\n    kind: y\n    note: two\n      lines\n",
        "nodes:\n  a: {kind: x}\n  b: {kind: y}\nedges:\n  - from: a\n    to:\n      b\n    kind: api\n",
    ];
    for case in cases {
        same(case);
    }
    // These are plain enough that the fast path must not give up on them.
    for case in &cases[..8] {
        assert!(same(case), "the fast path gave up on:\n{case}");
    }
}

/// Variations the fast path must leave to the full loader, whose
/// diagnostics (or handling of aliases and merge keys) are then what the
/// caller gets.
#[test]
fn unusual_yaml_is_left_to_the_full_loader() {
    let cases: &[&str] = &[
        // anchors, aliases, merge keys, tags
        "nodes:\n  a: &base {kind: x}\n  b: *base\n",
        "nodes:\n  a: {kind: &k x}\n  b: {kind: *k}\n",
        "base: &b {cloud: azure}\nnodes:\n  a: {<<: *b, kind: x}\n",
        "nodes:\n  a: {kind: !!str x}\n",
        "nodes:\n  a: !custom {kind: x}\n",
        // duplicates
        "nodes: {a: {kind: x}}\nnodes: {b: {kind: y}}\n",
        "nodes:\n  a: {kind: x}\n  a: {kind: y}\n",
        "nodes:\n  a: {kind: x, kind: y}\n",
        "nodes:\n  a: {labels: {team: a}, labels.team: b}\n",
        "nodes: {a: {kind: x}, b: {kind: y}}\nedges: [{from: a, from: b, to: b, kind: api}]\n",
        // schema errors
        "nodes: {a: {kind: x}}\nedgez: []\n",
        "node: {a: {kind: x}}\n",
        "nodes: {a: {kind: x}}\nedges: [{from: a, to: b, kind: api}]\n",
        "nodes: {a: {kind: x}}\nedges: [{from: a, kind: api}]\n",
        "nodes: {a: {kind: x}}\nedges: [{}]\n",
        "nodes: {a: {kind: x}}\nedges: [a]\n",
        "nodes: {a: {kind: }}\n",
        "nodes: {a: {kind: null}}\n",
        "nodes: {a: {tags: [[x]]}}\n",
        "nodes: {a: {tags: [{x: 1}]}}\n",
        "nodes: [a, b]\n",
        "nodes: {a: x}\n",
        "nodes: {\"a\\u202e\": {kind: x}}\n",
        "nodes: {a: {kind: x}}\nedges: {a: b}\n",
        "nodes:\n",
        "[1, 2]\n",
        "nodes: {a: {kind: x}}\n---\nnodes: {b: {kind: y}}\n",
        // syntax errors
        "nodes: {a: {kind: x}\n",
        "nodes:\n  a: {kind: x}\n b: {kind: y}\n",
        "nodes: {a: {kind: \"x}}\n",
        // non-finite numbers, which serde-saphyr refuses (the second was
        // found by the `yaml_fast` fuzz target)
        "nodes: {a: {quota: .inf}}\n",
        "nodes: {a: {quota: 1e999}}\n",
        "nodes: {a: {quota: -1234567890123456780e390}}\n",
        // too deep for the fast path
        "nodes: {a: {l: {l: {l: {l: {l: {l: {l: {l: {l: {l: {l: {l: x}}}}}}}}}}}}}\n",
    ];
    for case in cases {
        assert!(!same(case), "the fast path took:\n{case}");
    }
}

#[test]
fn deep_flow_nesting_is_refused_by_both() {
    let deep = format!("nodes: {}x{}\n", "[".repeat(300), "]".repeat(300));
    assert!(!same(&deep));
    let deep = format!("nodes: {}\n", "{a: ".repeat(300));
    assert!(!same(&deep));
}

#[test]
fn the_fuzzers_findings_load_the_same_both_ways() {
    // Each file is an input on which the `yaml_fast` fuzz target once
    // found the loaders disagreeing.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions/yaml_fast");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("the regressions are kept")
        .map(|e| e.expect("a directory entry").path())
        .collect();
    files.sort();
    assert!(files.len() >= 2, "the regressions are in {}", dir.display());
    for f in files {
        let bytes = std::fs::read(&f).expect("readable");
        let text = String::from_utf8(bytes).expect("the fuzz target feeds UTF-8 only");
        same(&text);
    }
}

/// Topologies in the plainest YAML, each in a style people write: the
/// scanner (`topology::yaml_scan`) must read every one, as the full
/// loader does.
#[test]
fn the_scanner_reads_the_plainest_yaml() {
    let cases: &[&str] = &[
        BASE,
        "nodes: {a: {kind: x}}\n",
        "nodes:\n  a:\n  b: ~\n  c: null\nedges:\n",
        "nodes: {a: {}, b: {}}\nedges: []\n",
        "# heading\nnodes: # the nodes\n  a: {kind: x} # trailing\n# between\nedges: []\n",
        // a sequence at its key's indentation; items indented further
        "nodes:\n  a: {kind: x}\n  b: {kind: y}\nedges:\n- from: a\n  to: b\n  kind: api\n- {from: b, to: a, kind: api}\nname: after\n",
        "nodes:\n  a: {kind: x}\n  b: {kind: y}\nedges:\n    -   from: a\n        to: b\n        kind: api\n",
        // an item whose mapping starts on the next line
        "nodes:\n  a: {kind: x}\n  b: {kind: y}\nedges:\n  -\n    from: a\n    to: b\n    kind: api\n  - # a comment\n    from: b\n    to: a\n    kind: api\n",
        // quoted keys and values, spaces before a colon, blank lines, no final newline
        "nodes:\n  'a b': {\"kind\": 'x y', note: \"# not a comment\"}\n\n   \n  c :\n    kind : z\nedges:\n  - {from: 'a b', to: c, kind: \"api\"}",
        // nested flow collections, numbers, lists
        "nodes:\n  a: {tags: [pci, phi], meta: {via: proxy, ports: [80, 443]}, gpus: 8, ratio: -1.5}\n  b:\n    tags: [x]\n    labels:\n      team: ml\n      owner: ann@example\n",
        "nodes:\n  a: {kind: x}\n  b: {kind: y}\nedges:\n  - {from: a, to: b, kind: api, tls: true, ports: [80, 443], meta: {via: proxy}}\n",
        "name: 12\nagreement: a-b.contract\nnodes: {a: {kind: x}}\n",
        "nodes:\n  a: {kind:   spaced   }\n",
        "nodes:\n  a: {kind: x}\n  b: {kind: y}\nedges:\n  - { from: a , to: b , kind: api }\n",
    ];
    // Null values, where granit places them (at the key's colon, at the
    // end of an item's line after spaces and a comment): null edges are
    // an error the full loader reports, but the events must agree.
    for case in [
        "nodes:\n  a:   \n  b:  # c\n  c: {}\nedges:\n- \n-   # c\n-\nname: x\n",
        "nodes:\n  a: {}\nedges:\n  - \n  -\n",
    ] {
        assert_eq!(
            yaml_events::scan_agrees_with_granit(case),
            Ok(true),
            "{case}"
        );
        assert_eq!(took_by(case), None, "{case}");
    }
    for case in cases {
        assert_eq!(
            took_by(case),
            Some(EventSource::Scan),
            "the scanner did not read:\n{case}"
        );
    }
    for (n, flow, seed) in [(40, true, 5), (40, false, 6)] {
        let text = generated(n, flow, seed);
        assert_eq!(took_by(&text), Some(EventSource::Scan), "{text}");
    }
}

/// What the scanner must decline (each is valid YAML it does not read,
/// or an error the full loader reports): the fast path then reads it on
/// a full parser, or leaves it to the full loader.
#[test]
fn the_scanner_declines_what_it_does_not_read() {
    let long_key = format!("nodes:\n  {}: {{kind: x}}\n", "k".repeat(1100));
    let cases: &[&str] = &[
        // a plain scalar continued on the next line
        "nodes:\n  a:\n    note: two\n      lines\n",
        "nodes:\n  a: {kind: x}\n  b: {kind: y}\nedges:\n  - from: a\n    to:\n      b\n    kind: api\n",
        // block scalars, anchors, aliases, tags, complex keys
        "nodes:\n  a:\n    note: |\n      text\n",
        "nodes:\n  a: &x {kind: x}\n  b: *x\n",
        "nodes:\n  a: !!map {kind: x}\n",
        "nodes:\n  ? a\n  : {kind: x}\n",
        // a list of lists, a trailing comma, an empty entry
        "nodes:\n  a:\n    tags:\n      - - x\n",
        "nodes:\n  a: {tags: [x, y,]}\n",
        "nodes:\n  a: {tags: [x, , y]}\n",
        // characters outside the scanner's plain scalars
        "nodes:\n  a: {url: http://x}\n",
        "nodes:\n  a: {kind: x#y}\n",
        "nodes:\n  a: {kind: 'it''s'}\n",
        "nodes:\n  a: {kind: \"tab\\t\"}\n",
        // a flow collection over two lines
        "nodes:\n  a: {kind: x,\n    zone: y}\n",
        // a root that is not a block mapping at column 0
        "- a\n- b\n",
        "  nodes: {a: {kind: x}}\n",
        "{nodes: {a: {kind: x}}}\n",
        // indentation errors, a key with no colon, a second value
        "nodes:\n  a: {kind: x}\n b: {kind: y}\n",
        "nodes:\n  a: {kind: x}\n  b\n",
        "nodes:\n  a: x: y\n",
        "nodes:\n  a: {kind: x} extra\n",
        "",
        "# only a comment\n",
        &long_key,
    ];
    for case in cases {
        assert_eq!(
            yaml_events::scan_agrees_with_granit(case),
            Ok(false),
            "the scanner read:\n{case}"
        );
        assert_ne!(took_by(case), Some(EventSource::Scan), "{case}");
    }
}

/// Every one-byte edit of a small plain topology (each YAML indicator,
/// a space, a line feed or a letter inserted at each place, or the byte
/// there deleted): the scanner reads the result as granit does, or
/// declines it, and the fast path gives the full loader's topology.
#[test]
fn one_byte_edits_of_a_plain_topology_read_the_same_every_way() {
    let base = "nodes:\n  a: {kind: x, tags: [p, q]}\n  b:\n    kind: y\nedges:\n- from: a\n  to: 'b'\n  kind: api # c\n";
    let mut read = 0;
    for at in 0..=base.len() {
        for insert in [
            "", " ", "\n", "-", ":", "#", ",", "[", "]", "{", "}", "'", "\"", "x", "?", "&", "|",
        ] {
            let mut text = String::from(&base[..at]);
            text.push_str(insert);
            // The empty insertion deletes the byte at `at`.
            let rest = if insert.is_empty() {
                base.get(at + 1..).unwrap_or("")
            } else {
                &base[at..]
            };
            text.push_str(rest);
            if took_by(&text) == Some(EventSource::Scan) {
                read += 1;
            }
        }
    }
    // Many edits stay plain (a letter in a name, a space after a colon):
    // else this test compares nothing.
    assert!(read > 100, "the scanner read only {read} edits");
}

/// A file with old Mac line endings (a lone `\r`) means what the same
/// file with `\n` means, and its problems are reported at the lines an
/// editor shows, not as one long line; `\r\n` files are left as they are.
#[test]
fn lone_carriage_returns_end_lines_as_newlines_do() {
    let unix = "# the estate\nnodes:\n  a: {kind: client}\n  b: {kind: model}\nedges:\n  - {from: a, to: b, kind: api}\n";
    let mac = unix.replace('\n', "\r");
    let windows = unix.replace('\n', "\r\n");
    let load = |text: &str| load::yaml(&Source::new("t.yaml", text)).expect("a topology");
    assert_eq!(load(&mac).canonical(), load(unix).canonical());
    // Spans are byte offsets, and CRLF shifts them: compare the graph.
    let w = load(&windows);
    assert_eq!(w.nodes.len(), 2);
    assert_eq!((w.edges[0].from, w.edges[0].to), (0, 1));

    let broken = mac.replace("to: b", "to: c");
    let errors = load::yaml(&Source::new("t.yaml", broken)).expect_err("c is unknown");
    let at = errors.0[0].primary.as_ref().expect("a place");
    assert_eq!(errors.0[0].message, "edge to unknown node `c`");
    assert_eq!(at.source.location(&at.span).line, 6);
    assert_eq!(at.source.location(&at.span).column, 19);
    // The comment on the first line does not swallow the rest.
    assert!(same(&mac));
}

/// On saphyr-parser's events a quoted scalar is taken when its span is
/// the quoted text, `''` in single quotes included; a quoted key with no
/// value in a flow mapping, whose span saphyr-parser cuts short, is left
/// to granit, which reads it as the full loader does.
#[test]
fn quoted_scalars_on_saphyr_events_keep_their_quotes_in_the_span() {
    let taken = "nodes: {'a b': {kind: 'it''s'}, \"c\": {note: \"# x\"}}\nedges: []\n";
    let src = Source::new("t.yaml", taken);
    assert!(yaml_events::load_with(&src, EventSource::Saphyr).is_some());
    assert!(same(taken));
    let cut = "nodes: {a, \"b  c\"    }\n";
    let src = Source::new("t.yaml", cut);
    assert!(yaml_events::load_with(&src, EventSource::Saphyr).is_none());
    let full = load::yaml_serde(&src).expect("a topology");
    assert_eq!(full.nodes[1].span(), 11..17);
    assert!(same(cut));
}
