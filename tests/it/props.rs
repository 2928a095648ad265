//! Property tests: no input panics the parser or the loader, every
//! agreement the generator writes parses and checks, and `proviso fmt`
//! keeps the meaning of every generated agreement (v1 and v2 constructs,
//! with comments and odd spacing) and is idempotent on it.

use proptest::prelude::*;

/// Words of the language, so random text reaches deep into the grammar.
const WORDS: &[&str] = &[
    "define",
    "as",
    "nodes",
    "where",
    "or",
    "and",
    "not",
    "in",
    "has",
    "except",
    "spirit",
    "count",
    "counts",
    "clause",
    "must",
    "shall",
    "should",
    "access",
    "from",
    "to",
    "route",
    "via",
    "have",
    "depend",
    "on",
    "be",
    "hosted",
    "stay",
    "within",
    "directly",
    "indirectly",
    "effective",
    "until",
    "agreement",
    "between",
    "models",
    "api",
    "kind",
    "=",
    "!=",
    "[",
    "]",
    "(",
    ")",
    ",",
    ":",
    "\"",
    "#",
    "4.2",
    "2026-01-01",
    "2026-02-30",
    "x",
    "\n",
];

fn wordy() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(WORDS), 0..60).prop_map(|w| w.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics_the_agreement_parser(text in "\\PC*") {
        let _ = proviso::parse_agreement("p.contract", &text);
    }

    #[test]
    fn language_words_in_any_order_never_panic_the_parser(text in wordy()) {
        let _ = proviso::parse_agreement("p.contract", &text);
    }

    #[test]
    fn arbitrary_bytes_never_panic_the_topology_loader(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        if let Ok(text) = proviso::topology::load::utf8("p.yaml", bytes) {
            let _ = proviso::load_topology("p.yaml", &text);
        }
    }

    #[test]
    fn yaml_like_text_never_panics_the_topology_loader(text in "(nodes|edges|from|to|kind|[a-c]|[:{}\\[\\], \\n-]|&a|\\*a|!!str|---){0,80}") {
        let _ = proviso::load_topology("p.yaml", &text);
    }

    #[test]
    fn generated_agreements_parse_and_check(ag in agreement(), topo in topology()) {
        let parsed = proviso::parse_agreement("g.contract", &ag);
        prop_assert!(parsed.is_ok(), "{}\n{}", ag, parsed.err().map(|e| e.to_string()).unwrap_or_default());
        let topology = proviso::load_topology("g.yaml", &topo);
        prop_assert!(topology.is_ok(), "{}", topo);
        if let (Ok(a), Ok(t)) = (parsed, topology) {
            let report = proviso::check(&a, &t, proviso::Date::from_ymd_opt(2026, 6, 1).expect("date")).report;
            // Permissions (`may`) excuse paths of other clauses; they are no verdict.
            let obligations = a.clauses.iter().filter(|c| !c.modal.node.is_permission()).count();
            prop_assert_eq!(report.verdicts.len(), obligations);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn formatting_generated_agreements_keeps_their_meaning(ag in agreement(), extra in v2_items(), noise in prop::collection::vec(0usize..4, 0..40)) {
        let text = messy(&format!("{ag}{extra}"), &noise);
        prop_assume!(proviso::parse_agreement("g.contract", &text).is_ok());
        let checked = super::authoring::format_checked("g.contract", &text);
        prop_assert!(checked.is_ok(), "{}", checked.err().unwrap_or_default());
    }

    #[test]
    fn generated_v2_agreements_parse(ag in agreement(), extra in v2_items()) {
        let text = format!("{ag}{extra}");
        let parsed = proviso::parse_agreement("g.contract", &text);
        prop_assert!(parsed.is_ok(), "{}\n{}", text, parsed.err().map(|e| e.to_string()).unwrap_or_default());
    }
}

/// Language v2 items over the generated definitions `d0` (always there)
/// and the parties `a`, `b`: a party's reading, which way data moves,
/// edge conditions, spans, shares, obligors, direct access and a
/// permission over a route clause of its own.
fn v2_items() -> impl Strategy<Value = String> {
    let item = prop_oneof![
        Just("according to a, inference counts as api\n".to_string()),
        Just("according to b, session and data count as api\n".to_string()),
        Just("data moves against the call over data\n".to_string()),
        Just("data moves both ways over session\n".to_string()),
        (prop::sample::select(KINDS), predicate()).prop_map(|(k, p)| format!(
            "clause E1 owed by a: {k} access where {p} from d0 to d0 must route via d0\n"
        )),
        predicate().prop_map(|p| format!("clause E2: d0 must not depend where {p} on d0\n")),
        prop::sample::select(&["at most", "at least", "exactly"][..])
            .prop_map(|b| format!("clause S1: d0 must span {b} 2 distinct zone\n")),
        (prop::sample::select(&["80%", "50.5%", "100%"][..]), predicate()).prop_map(|(pc, p)| format!(
            "clause S2 owed by a and b: at least {pc} of d0 by tier must have {p}\n"
        )),
        Just("clause S3: exactly 50% of d0 must be hosted on nodes where cloud = azure\n".to_string()),
        Just("clause X1: d0 must not have direct api access to d0\n".to_string()),
        Just("clause X2: api access from d0 to d0, directly, must route via d0\n".to_string()),
        Just("clause X3: d0 must have name matches \"eu-*\" and tags contains pci or tier >= 2\n".to_string()),
        Just("clause R9: api access to d0 must route only via d0\nclause P9 notwithstanding R9: api access from d0 to d0 may route via d0\n".to_string()),
    ];
    prop::collection::vec(item, 0..5).prop_map(|items| {
        // Clause ids must be unique: keep the first of each.
        let mut seen = std::collections::BTreeSet::new();
        items
            .into_iter()
            .filter(|i| {
                seen.insert(
                    i.split(':')
                        .next()
                        .unwrap_or("")
                        .split_whitespace()
                        .take(2)
                        .collect::<String>(),
                )
            })
            .collect()
    })
}

/// The text with its whitespace disturbed and comments added, as people
/// write: `noise` picks, for each space in turn, two spaces, a newline,
/// a comment and a newline, or the space as it was.
fn messy(text: &str, noise: &[usize]) -> String {
    let mut out = String::new();
    let mut k = 0;
    let mut quoted = false;
    for c in text.chars() {
        if c == '"' {
            quoted = !quoted;
        }
        if c == ' ' && !quoted && k < noise.len() {
            out.push_str(match noise[k] {
                0 => "  ",
                1 => "\n    ",
                2 => " # a note\n  ",
                _ => " ",
            });
            k += 1;
        } else {
            out.push(c);
        }
    }
    out
}

const ATTRS: &[&str] = &["kind", "cloud", "zone", "tier"];
const VALUES: &[&str] = &["model", "app", "azure", "aws", "external", "\"gcp\"", "2"];
const KINDS: &[&str] = &["api", "session", "data", "inference"];

fn predicate() -> impl Strategy<Value = String> {
    let atom = prop_oneof![
        (prop::sample::select(ATTRS), prop::sample::select(VALUES))
            .prop_map(|(a, v)| format!("{a} = {v}")),
        (prop::sample::select(ATTRS), prop::sample::select(VALUES))
            .prop_map(|(a, v)| format!("{a} != {v}")),
        (
            prop::sample::select(ATTRS),
            prop::collection::vec(prop::sample::select(VALUES), 0..3)
        )
            .prop_map(|(a, v)| format!("{a} in [{}]", v.join(", "))),
        (
            prop::sample::select(ATTRS),
            prop::collection::vec(prop::sample::select(VALUES), 1..3)
        )
            .prop_map(|(a, v)| format!("{a} not in [{}]", v.join(", "))),
        prop::sample::select(ATTRS).prop_map(|a| format!("has {a}")),
        // Language v2: exact numbers, patterns, lists, Unicode names.
        (prop::sample::select(&["<", "<=", ">", ">="][..]), 0u32..10)
            .prop_map(|(op, n)| format!("gpus {op} {n}")),
        prop::sample::select(&["\"a*\"", "\"*z*e\"", "\"m*l\""][..])
            .prop_map(|p| format!("kind matches {p}")),
        prop::sample::select(VALUES).prop_map(|v| format!("tags contains {v}")),
        prop::sample::select(VALUES).prop_map(|v| format!("région = {v}")),
    ];
    atom.prop_recursive(3, 12, 2, |inner| {
        prop_oneof![
            inner.clone().prop_map(|p| format!("not {p}")),
            inner.clone().prop_map(|p| format!("({p})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} and {b}")),
            (inner.clone(), inner).prop_map(|(a, b)| format!("{a} or {b}")),
        ]
    })
}

/// A selector over the definitions d0..d{n-1}.
fn selector(n: usize) -> BoxedStrategy<String> {
    let base = prop_oneof![
        predicate().prop_map(|p| format!("nodes where {p}")),
        (0..n.max(1)).prop_map(move |i| if n == 0 {
            "nodes".to_string()
        } else {
            format!("d{i}")
        }),
    ];
    (
        base,
        prop::option::of((prop::sample::select(&["or", "except"][..]), predicate())),
    )
        .prop_map(|(b, rest)| match rest {
            Some((op, p)) => format!("{b} {op} nodes where {p}"),
            None => b,
        })
        .boxed()
}

/// An edge condition, or none.
fn edge_where() -> impl Strategy<Value = String> {
    prop::sample::select(
        &[
            "",
            " where encrypted = true",
            " where encrypted != true",
            " where weight >= 2 or not has encrypted",
        ][..],
    )
    .prop_map(str::to_string)
}

fn clause(n: usize) -> impl Strategy<Value = String> {
    let modal = prop::sample::select(&["must", "must not", "shall", "should", "should not"][..]);
    let positive = prop::sample::select(&["must", "should"][..]);
    let bound = prop::sample::select(&["at most", "at least", "exactly"][..]);
    let kind = prop::sample::select(KINDS);
    let indirect = prop::sample::select(&["", ", directly or indirectly,"][..]);
    let forms = prop_oneof![
        (
            kind.clone(),
            selector(n),
            selector(n),
            indirect.clone(),
            modal.clone(),
            selector(n)
        )
            .prop_map(|(k, s, t, i, m, w)| format!(
                "{k} access from {s} to {t}{i} {m} route via {w}"
            )),
        (selector(n), modal.clone(), kind.clone(), selector(n))
            .prop_map(|(s, m, k, t)| format!("{s} {m} have {k} access to {t}")),
        (
            kind.clone(),
            edge_where(),
            selector(n),
            selector(n),
            positive.clone(),
            selector(n)
        )
            .prop_map(|(k, e, s, t, m, w)| format!(
                "{k} access{e} from {s} to {t} {m} route only via {w}"
            )),
        (
            selector(n),
            modal.clone(),
            kind.clone(),
            edge_where(),
            selector(n)
        )
            .prop_map(|(s, m, k, e, t)| format!("{s} {m} have direct {k} access{e} to {t}")),
        (selector(n), positive.clone(), bound.clone(), 0u32..4)
            .prop_map(|(s, m, b, c)| format!("{s} {m} span {b} {c} distinct cloud")),
        (
            bound,
            0u32..101,
            selector(n),
            prop::sample::select(&["", " by gpus"][..]),
            positive,
            selector(n)
        )
            .prop_map(|(b, p, s, by, m, w)| format!("{b} {p}% of {s}{by} {m} be hosted on {w}")),
        (selector(n), modal.clone(), selector(n))
            .prop_map(|(s, m, t)| format!("{s} {m} depend on {t}")),
        (selector(n), modal.clone(), selector(n))
            .prop_map(|(s, m, t)| format!("{s} {m} be hosted on {t}")),
        (selector(n), modal, predicate()).prop_map(|(s, m, p)| format!("{s} {m} have {p}")),
        (kind, edge_where(), selector(n), indirect, selector(n))
            .prop_map(|(k, e, s, i, w)| format!("{k}{e} from {s}{i} must stay within {w}")),
    ];
    let window = prop::sample::select(
        &[
            "",
            " effective 2026-01-01",
            " effective 2020-02-29 until 2027-01-01",
        ][..],
    );
    let owed = prop::sample::select(&["", " owed by a", " owed by a and b"][..]);
    (forms, window, owed).prop_map(|(f, w, o)| format!("{w}{o}: {f}"))
}

/// Clause 1: a path clause a permission may override (a route, or an
/// access prohibition).
fn overridable(n: usize) -> impl Strategy<Value = String> {
    prop_oneof![
        (
            prop::sample::select(KINDS),
            edge_where(),
            selector(n),
            selector(n),
            selector(n)
        )
            .prop_map(|(k, e, s, t, w)| format!(
                ": {k} access{e} from {s} to {t} must route via {w}"
            )),
        (selector(n), prop::sample::select(KINDS), selector(n))
            .prop_map(|(s, k, t)| format!(" owed by b: {s} must not have {k} access to {t}")),
    ]
}

/// A permission overriding clause 1: a route or an access form.
fn permission(n: usize) -> impl Strategy<Value = String> {
    prop_oneof![
        (
            prop::sample::select(KINDS),
            selector(n),
            selector(n),
            selector(n)
        )
            .prop_map(|(k, s, t, w)| format!("{k} access from {s} to {t} may route via {w}")),
        (selector(n), prop::sample::select(KINDS), selector(n))
            .prop_map(|(s, k, t)| format!("{s} may have {k} access to {t}")),
    ]
    .prop_map(|f| format!(" notwithstanding 1: {f}"))
}

fn agreement() -> impl Strategy<Value = String> {
    (1usize..4).prop_flat_map(|n| {
        let defs: Vec<BoxedStrategy<String>> = (0..n).map(|i| selector(i).prop_map(move |s| format!("define d{i} as {s}")).boxed()).collect();
        (
            defs,
            overridable(n),
            prop::collection::vec(clause(n), 0..4),
            prop::collection::vec(permission(n), 0..3),
        )
    })
    .prop_map(|(defs, first, rest, permissions)| {
        let mut clauses = vec![first];
        clauses.extend(rest);
        clauses.extend(permissions);
        let mut text = String::from("agreement \"Generated\" between a, b\nin spirit, session and inference count as api\naccording to a, data counts as api\naccording to b, inference counts as data\n");
        for d in defs {
            text.push_str(&d);
            text.push('\n');
        }
        for (i, c) in clauses.iter().enumerate() {
            text.push_str(&format!("clause {}{c}\n", i + 1));
        }
        text
    })
}

fn topology() -> impl Strategy<Value = String> {
    let node = (prop::sample::select(VALUES), prop::sample::select(VALUES));
    (
        prop::collection::vec(node, 1..8),
        prop::collection::vec((0usize..8, 0usize..8, prop::sample::select(KINDS)), 0..16),
    )
        .prop_map(|(nodes, edges)| {
            let mut text = String::from("nodes:\n");
            for (i, (k, c)) in nodes.iter().enumerate() {
                text.push_str(&format!(
                    "  n{i}: {{kind: {k}, cloud: {c}, gpus: {}, tags: [{k}, {c}], région: {c}}}\n",
                    i % 5
                ));
            }
            text.push_str("edges:\n");
            for (a, b, k) in edges {
                text.push_str(&format!(
                    "  - {{from: n{}, to: n{}, kind: {k}, encrypted: {}, weight: {}}}\n",
                    a % nodes.len(),
                    b % nodes.len(),
                    a % 2 == 0,
                    b % 4
                ));
            }
            text
        })
}
