//! The JSON fast path (`topology::json_fast`) against the serde loader,
//! differentially: on every JSON fixture, on generated topologies pretty
//! and minified, on variations that each exercise one corner of the
//! subset or one way out of it, and on thousands of small mutations of a
//! valid file. Whenever the fast path gives a topology, the serde loader
//! must give the same one (nodes, edges, spans, strings in the same
//! interning order); whenever the serde loader fails, the fast path must
//! decline; and `json::json`, which tries the fast path first, must give
//! exactly what the serde loader gives, diagnostics included.

use std::fmt::Write as _;
use std::path::Path;

use proviso::source::Source;
use proviso::topology::{json, json_fast};

/// Compares the loaders on `text`; whether the fast path took it. The
/// fast path is also run with its second reader started at many bytes
/// ([`split_agrees`]).
fn same(text: &str) -> bool {
    let src = Source::new("t.json", text);
    let full = json::json_serde(&src);
    let fast = json_fast::load(&src);
    split_agrees(text);
    match (&fast, &full) {
        (Some(fast), Ok(full)) => assert_eq!(
            fast.canonical(),
            full.canonical(),
            "the loaders differ on:\n{text}"
        ),
        (Some(_), Err(e)) => {
            panic!("the fast path accepted what the serde loader refuses ({e:?}):\n{text}")
        }
        (None, _) => {}
    }
    match (json::json(&src), full) {
        (Ok(a), Ok(b)) => assert_eq!(a.canonical(), b.canonical(), "on:\n{text}"),
        (Err(a), Err(b)) => assert_eq!(format!("{a:?}"), format!("{b:?}"), "on:\n{text}"),
        (a, b) => panic!("one loader failed: {:?} / {:?}\n{text}", a.err(), b.err()),
    }
    fast.is_some()
}

/// Runs the fast path with its second reader started at each `{` that
/// follows a `,` (at most 40 of them, spread out) and at 20 other bytes,
/// and checks that each run gives what one reader alone gives; how many
/// runs took the second reader's edges.
fn split_agrees(text: &str) -> usize {
    let src = Source::new("t.json", text);
    let alone = json_fast::load_cut(&src, None).0.map(|t| t.canonical());
    let bytes = text.as_bytes();
    let mut after_comma = false;
    let mut starts = Vec::new();
    for (at, &b) in bytes.iter().enumerate() {
        match b {
            b' ' | b'\n' | b'\r' | b'\t' => continue,
            b'{' if after_comma => starts.push(at),
            _ => {}
        }
        after_comma = b == b',';
    }
    let step = starts.len().div_ceil(40).max(1);
    let mut cuts: Vec<usize> = starts.into_iter().step_by(step).collect();
    cuts.extend((0..20).map(|i| i * 7919 % bytes.len().max(1)));
    let mut met = 0;
    for cut in cuts {
        let (split, used) = json_fast::load_cut(&src, Some(cut));
        assert_eq!(
            split.map(|t| t.canonical()),
            alone,
            "a second reader at byte {cut} changed the result on:\n{text}"
        );
        met += usize::from(used);
    }
    MET.with(|m| m.set(m.get() + met));
    met
}

thread_local! {
    /// How many runs of [`split_agrees`] on this test's thread took the
    /// second reader's edges.
    static MET: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

fn json_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("fixtures dir")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            json_files(&p, out);
        } else if p.extension().and_then(|e| e.to_str()) == Some("json") {
            out.push(p);
        }
    }
}

#[test]
fn every_json_fixture_loads_the_same_both_ways() {
    let mut files = Vec::new();
    json_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"),
        &mut files,
    );
    assert!(files.len() > 5, "found only {} fixtures", files.len());
    let mut took = Vec::new();
    for f in &files {
        let Ok(text) = std::fs::read_to_string(f) else {
            continue;
        };
        if same(&text) {
            took.push(f.display().to_string());
        }
    }
    // The good proviso topologies go the fast way (else this test
    // compares nothing); Terraform plans and the like are declined.
    assert!(!took.is_empty(), "the fast path took no fixture");
}

/// A generated topology of `n` nodes, three edges each, with every kind of
/// value the subset holds; on one line when `minified`.
fn generated(n: usize, minified: bool, seed: u64) -> String {
    let mut x = seed;
    let mut rnd = |m: usize| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % m as u64) as usize
    };
    let clouds = ["azure", "gcp", "onprem", "Ünï"];
    let nl = if minified { "" } else { "\n  " };
    let mut s = format!(
        "{{\"name\": \"gen\",{nl}\"agreement\": \"fixtures/contracts/azure-openai.contract\",{nl}\"nodes\": {{"
    );
    for i in 0..n {
        let sep = if i == 0 { "" } else { "," };
        let cloud = clouds[rnd(4)];
        write!(
            s,
            "{sep}{nl}\"n-{i:05}\": {{\"kind\": \"runtime\", \"cloud\": \"{cloud}\", \"port\": {}, \"ratio\": -{}.25, \"on\": {}, \"tags\": [\"a\", \"b{}\", 7], \"none\": []}}",
            400 + i,
            rnd(9),
            rnd(2) == 0,
            rnd(4)
        )
        .unwrap();
    }
    write!(s, "}},{nl}\"edges\": [").unwrap();
    for i in 0..n {
        for j in 0..3 {
            let sep = if i == 0 && j == 0 { "" } else { "," };
            let to = rnd(n);
            let attrs = if j == 2 { ", \"tls\": true" } else { "" };
            let kind = ["api", "API", "data"][j];
            write!(
                s,
                "{sep}{nl}{{\"from\": \"n-{i:05}\", \"to\": \"n-{to:05}\", \"kind\": \"{kind}\"{attrs}}}"
            )
            .unwrap();
        }
    }
    s.push_str("]}\n");
    s
}

#[test]
fn generated_topologies_take_the_fast_path_and_agree() {
    for (n, minified, seed) in [
        (50, false, 1),
        (50, true, 2),
        (2000, false, 3),
        (2000, true, 4),
    ] {
        let text = generated(n, minified, seed);
        assert!(same(&text), "the fast path declined a plain topology");
        assert!(
            split_agrees(&text) >= 20,
            "the second reader's edges were seldom taken"
        );
    }
}

const BASE: &str = r#"{"name": "demo", "agreement": "a.contract",
"nodes": {"app": {"kind": "client", "zone": "external"}, "gw": {"kind": "gateway"}, "model": {"kind": "model"}},
"edges": [{"from": "app", "to": "gw", "kind": "api"}, {"kind": "API", "to": "model", "from": "gw", "port": 443}]}"#;

/// Variations within the subset: the fast path must take each, and give
/// what the serde loader gives.
#[test]
fn plain_variations_take_the_fast_path_and_agree() {
    let cases: &[&str] = &[
        BASE,
        r#"{"nodes": {}}"#,
        r#"{"nodes": {"a": {}}, "edges": []}"#,
        "\r\n\t {\"nodes\"\t:\r\n{ \"a\" : { } } }\n\n",
        r#"{"nodes": {"a": {"n": 0, "m": -0, "d": 10.50, "b": false, "l": [], "t": [true, "x", 1, "x"]}}}"#,
        r#"{"nodes": {"": {"": ""}}, "edges": [{"from": "", "to": "", "kind": ""}]}"#,
        r#"{"nodes": {"é-ünï": {"kind": "modèle"}, "b": {}}, "edges": [{"from": "é-ünï", "to": "b", "kind": "ÄPI"}]}"#,
        r#"{"agreement": "x", "name": "n", "nodes": {"a": {"kind": "x"}}}"#,
        r#"{"nodes": {"a": {"kind": "x"}}, "edges": [{"from": "a", "to": "a", "kind": "api", "tags": ["x", "y"], "none": []}]}"#,
        r#"{"nodes": {"a": {"k": 123456789012345}}}"#,
        "{\"nodes\": {\"a\": {\"v\": \"del \u{7f} and \u{202e} in a value\"}}}",
        // A second reader started at the second edge meets `zz` before
        // `a`: its attributes are in another order until they are sorted
        // again in the model's symbols.
        r#"{"nodes": {"n": {"a": "1"}}, "edges": [{"from": "n", "to": "n", "kind": "api"}, {"from": "n", "to": "n", "kind": "Api", "zz": "v", "a": "w", "t": ["w", "v"]}]}"#,
    ];
    for case in cases {
        assert!(same(case), "the fast path declined:\n{case}");
    }
}

/// Variations the fast path must leave to the serde loader, whose
/// diagnostics the caller then gets.
#[test]
fn everything_outside_the_subset_is_left_to_the_serde_loader() {
    let cases: &[&str] = &[
        // escapes and characters JSON or the names refuse
        r#"{"nodes": {"a\u0062": {"kind": "x"}}}"#,
        r#"{"nodes": {"a": {"kind": "x\"y"}}}"#,
        "{\"nodes\": {\"a\u{202e}b\": {}}}",
        "{\"nodes\": {\"a\": {\"ki\u{7f}nd\": \"x\"}}}",
        "{\"nodes\": {\"a\": {\"kind\": \"x\ny\"}}}",
        "{\"nodes\": {\"a\": {}}, \"edges\": [{\"from\": \"a\", \"to\": \"a\", \"kind\": \"a\u{200f}pi\"}]}",
        // values outside the subset
        r#"{"nodes": {"a": null}}"#,
        r#"{"nodes": {"a": {"kind": null}}}"#,
        r#"{"nodes": {"a": {"labels": {"team": "ml"}}}}"#,
        r#"{"nodes": {"a": {"t": [["x"]]}}}"#,
        r#"{"nodes": {"a": {"n": 1e3}}}"#,
        r#"{"nodes": {"a": {"n": 1E-3}}}"#,
        r#"{"nodes": {"a": {"n": 1234567890123456}}}"#,
        r#"{"nodes": {"a": {"n": 01}}}"#,
        r#"{"nodes": {"a": {"n": 1.}}}"#,
        r#"{"nodes": {"a": {"n": .5}}}"#,
        r#"{"nodes": {"a": {"n": -}}}"#,
        r#"{"nodes": {"a": {"n": tru}}}"#,
        r#"{"nodes": {"a": {"n": truex}}}"#,
        r#"{"nodes": {"a": 5}}"#,
        r#"{"name": 5, "nodes": {}}"#,
        r#"{"nodes": {"a": {}}, "edges": [{"from": 1, "to": "a", "kind": "api"}]}"#,
        // repeats
        r#"{"nodes": {"a": {}}, "nodes": {"b": {}}}"#,
        r#"{"name": "x", "name": "y", "nodes": {}}"#,
        r#"{"nodes": {"a": {}, "a": {}}}"#,
        r#"{"nodes": {"a": {"kind": "x", "kind": "y"}}}"#,
        r#"{"nodes": {"a": {"t": [], "t": ["x"]}}}"#,
        r#"{"nodes": {"a": {}}, "edges": [{"from": "a", "from": "a", "to": "a", "kind": "api"}]}"#,
        r#"{"nodes": {"a": {}}, "edges": [{"from": "a", "to": "a", "kind": "api", "x": 1, "x": 2}]}"#,
        // schema errors
        r#"{}"#,
        r#"{"edges": []}"#,
        r#"{"edges": [], "nodes": {"a": {}}}"#,
        r#"{"nodes": {"a": {}}, "edgez": []}"#,
        r#"{"nodes": {"a": {}}, "edges": null}"#,
        r#"{"nodes": {"a": {}}, "edges": [{}]}"#,
        r#"{"nodes": {"a": {}}, "edges": [{"from": "a", "kind": "api"}]}"#,
        r#"{"nodes": {"a": {}}, "edges": [{"from": "a", "to": "b", "kind": "api"}]}"#,
        r#"{"nodes": {"a": {}}, "edges": ["a"]}"#,
        // broken JSON
        "",
        "  ",
        "\u{feff}{\"nodes\": {}}",
        r#"{"nodes": {"a": {}}"#,
        r#"{"nodes": {"a": {}},}"#,
        r#"{"nodes": {"a": {},}}"#,
        r#"{"nodes": {"a": {"t": ["x",]}}}"#,
        r#"{"nodes": {"a": {}}} {}"#,
        r#"{"nodes": {"a": {}}} x"#,
        r#"{"nodes" {"a": {}}}"#,
        r#"[{"nodes": {}}]"#,
        r#"{"nodes": {"a": {"kind": "x}}}"#,
    ];
    for case in cases {
        assert!(!same(case), "the fast path took:\n{case}");
    }
}

/// Thousands of small edits of a valid file (a byte deleted, one of
/// JSON's structural bytes inserted, a span repeated), each compared.
/// What the fast path takes must be what the serde loader reads.
#[test]
fn mutations_of_a_valid_file_agree_or_are_declined() {
    let base = BASE.as_bytes();
    let inserts = b"\"\\{}[],: -.0e9tnx\n\xc3\xa9";
    let mut x = 0x9e37_79b9_7f4a_7c15_u64;
    let mut rnd = |m: usize| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % m as u64) as usize
    };
    let (mut took, mut declined) = (0, 0);
    for _ in 0..4000 {
        let mut bytes = base.to_vec();
        for _ in 0..1 + rnd(3) {
            let at = rnd(bytes.len());
            match rnd(3) {
                0 => {
                    bytes.remove(at);
                }
                1 => bytes.insert(at, inserts[rnd(inserts.len())]),
                _ => {
                    let len = rnd(12).min(bytes.len() - at);
                    let piece = bytes[at..at + len].to_vec();
                    bytes.splice(at..at, piece);
                }
            }
        }
        let Ok(text) = String::from_utf8(bytes) else {
            continue;
        };
        if same(&text) {
            took += 1;
        } else {
            declined += 1;
        }
    }
    // Both ways are exercised (else the comparison is empty), and so is
    // the second reader.
    let met = MET.with(|m| m.get());
    assert!(
        took > 100 && declined > 100 && met > 100,
        "took {took}, declined {declined}, second reader used {met} times"
    );
}
