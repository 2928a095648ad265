//! The clause language: what parses, what it means, how syntax errors read.

use proviso::syntax::ast::{Form, Strength};

fn parse(text: &str) -> proviso::Agreement {
    proviso::parse_agreement("t.contract", text).unwrap_or_else(|e| panic!("{text}\n{e}"))
}

fn error(text: &str) -> String {
    match proviso::parse_agreement("t.contract", text) {
        Ok(_) => panic!("parsed: {text}"),
        Err(e) => proviso::diag::render::render(&e.0, false),
    }
}

#[test]
fn the_seed_agreement_parses_completely() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/contracts/azure-openai.contract"
    ))
    .expect("fixture");
    let ag = parse(&text);
    assert_eq!(
        ag.title.as_ref().map(|t| t.node.as_str()),
        Some("Azure-OpenAI cloud partnership")
    );
    let parties: Vec<&str> = ag.parties.iter().map(|p| p.node.as_str()).collect();
    assert_eq!(parties, ["microsoft", "openai"]);
    assert_eq!(ag.definitions.len(), 11);
    assert_eq!(ag.counts_as.len(), 4);
    let readings: Vec<Option<&str>> = ag
        .counts_as
        .iter()
        .map(|d| d.party.as_ref().map(|p| p.node.as_str()))
        .collect();
    assert_eq!(readings, [None, None, Some("microsoft"), Some("openai")]);
    let ids: Vec<&str> = ag.clauses.iter().map(|c| c.id.node.as_str()).collect();
    assert_eq!(
        ids,
        [
            "4.1", "4.2", "4.4", "4.6", "4.7", "4.8", "4.3", "5.1", "5.2", "6.1", "7.3", "7.4",
            "7.5", "9.2"
        ]
    );
    let forms: Vec<&str> = ag.clauses.iter().map(|c| c.form.name()).collect();
    assert_eq!(
        forms,
        [
            "waypoint",
            "waypoint",
            "waypoint",
            "waypoint",
            "waypoint",
            "waypoint",
            "hosting",
            "isolation",
            "isolation",
            "dependency",
            "attribute",
            "span",
            "share",
            "containment"
        ]
    );
    assert!(ag.clauses[2].indirect.is_some() && ag.clauses[13].indirect.is_some());
    assert!(ag.clauses[13].window.is_some());
    assert!(ag.clauses[4].form.edge_condition().is_some());
    assert!(ag.clauses[5].modal.node.is_permission());
    assert_eq!(ag.clauses[5].notwithstanding.len(), 2);
    assert_eq!(ag.clauses[1].obligors[0].node, "openai");
}

#[test]
fn keywords_end_at_a_word_boundary() {
    // `mustard`, `shallow`, `tokens` and `nodes_x` are names, not keywords.
    let ag = parse(
        "define mustard as nodes where shallow = x\ndefine nodes_x as nodes\n\
         clause 1: mustard must have tokens = y",
    );
    assert_eq!(ag.definitions[0].name.node, "mustard");
    assert!(matches!(ag.clauses[0].form, Form::Attribute { .. }));
}

#[test]
fn keywords_and_names_are_case_insensitive() {
    let ag = parse(
        "DEFINE Models AS NODES WHERE kind = model\nClause 1: MODELS Must Not Be Hosted On models",
    );
    assert_eq!(ag.definitions[0].name.node, "models");
    assert!(ag.clauses[0].modal.node.negated);
}

#[test]
fn comments_and_whitespace_are_not_significant() {
    let ag =
        parse("# a comment\ndefine m as # trailing\n nodes\n\n\nclause 1:m must have x=1 # end");
    assert_eq!(ag.clauses.len(), 1);
}

#[test]
fn clause_ids_titles_and_windows() {
    let ag = parse(
        "define m as nodes\n\
         clause 7.1(b) \"With title\": m must have x = 1\n\
         clause A-3 effective 2026-01-01: m must have x = 1\n\
         clause 9 \"Both\" effective 2026-01-01 until 2027-01-01: m must have x = 1",
    );
    let ids: Vec<&str> = ag.clauses.iter().map(|c| c.id.node.as_str()).collect();
    assert_eq!(ids, ["7.1(b)", "A-3", "9"]);
    assert_eq!(
        ag.clauses[0].title.as_ref().map(|t| t.node.as_str()),
        Some("With title")
    );
    assert!(
        ag.clauses[1]
            .window
            .as_ref()
            .is_some_and(|w| w.node.until.is_none())
    );
}

#[test]
fn modals_must_shall_should_with_and_without_not() {
    for (modal, strength, negated) in [
        ("must", Strength::Must, false),
        ("must not", Strength::Must, true),
        ("shall", Strength::Shall, false),
        ("shall not", Strength::Shall, true),
        ("should", Strength::Should, false),
        ("should not", Strength::Should, true),
    ] {
        let ag = parse(&format!(
            "define m as nodes\nclause 1: m {modal} be hosted on m"
        ));
        let got = ag.clauses[0].modal.node;
        assert_eq!((got.strength, got.negated), (strength, negated), "{modal}");
    }
}

#[test]
fn counts_as_accepts_count_counts_commas_and_and() {
    let ag = parse(
        "in spirit, a, b and c count as d\nin spirit, e, and f counts as g\nin spirit x counts as y",
    );
    let kinds: Vec<Vec<&str>> = ag
        .counts_as
        .iter()
        .map(|c| c.kinds.iter().map(|k| k.node.as_str()).collect())
        .collect();
    assert_eq!(kinds, [vec!["a", "b", "c"], vec!["e", "f"], vec!["x"]]);
}

#[test]
fn data_moves_against_the_call_or_both_ways_over_kinds() {
    use proviso::syntax::ast::Flow;
    let ag = parse(
        "data moves against the call over read, fetch and Lookup\n\
         DATA Moves BOTH WAYS over sync\n\
         define data as nodes\n\
         clause 1: data from data must stay within data",
    );
    let got: Vec<(Flow, Vec<&str>)> = ag
        .directions
        .iter()
        .map(|d| {
            (
                d.flow.node,
                d.kinds.iter().map(|k| k.node.as_str()).collect(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (Flow::Against, vec!["read", "fetch", "lookup"]),
            (Flow::Both, vec!["sync"])
        ]
    );
}

#[test]
fn a_kind_declared_to_move_two_ways_is_an_error_at_both_places() {
    let e = error("data moves against the call over read\ndata moves both ways over sync, read\n");
    assert!(
        e.contains("data over `read` is declared to move two ways"),
        "{e}"
    );
    assert!(e.contains("t.contract:2:33"), "{e}");
    assert!(e.contains("declared to move against the call here"), "{e}");
    // The same way twice is only said twice.
    parse("data moves both ways over sync\ndata moves both ways over sync\n");
}

#[test]
fn a_direction_other_than_against_the_call_or_both_ways_is_a_syntax_error_in_words() {
    let e = error("data moves with the call over read\n");
    assert!(
        e.contains("expected `against the call` or `both ways`"),
        "{e}"
    );
    let e = error("data moves against the call read\n");
    assert!(e.contains("expected `over` and edge kinds"), "{e}");
}

#[test]
fn values_may_be_bare_or_quoted() {
    let ag = parse(
        "define m as nodes where a = api-gateway and b = \"with space\" and c = 2 and d in [\"x\", y-1, 3.5]\n",
    );
    assert_eq!(ag.definitions.len(), 1);
}

#[test]
fn directly_or_indirectly_follows_the_access_phrase() {
    let ag = parse(
        "define m as nodes\n\
         clause 1: api access to m, directly or indirectly, must route via m\n\
         clause 2: m must not have api access to m, directly or indirectly\n\
         clause 3: data from m directly or indirectly must stay within m",
    );
    assert!(ag.clauses.iter().all(|c| c.indirect.is_some()));
}

#[test]
fn syntax_errors_say_what_was_expected_in_words() {
    let e = error("define m as nodes\nclause 4.2:\n  api access from m to m route via m\n");
    assert!(
        e.contains("a modal such as `must`, `should`, `must not` or `may`"),
        "{e}"
    );
    assert!(e.contains("t.contract:3:26"), "{e}");
    assert!(!e.contains("kw_"), "internal rule names leak: {e}");
    let e = error("define as nodes");
    assert!(
        e.contains("expected a name such as `models` or `api`"),
        "{e}"
    );
    assert!(e.contains("`as` is a keyword"), "{e}");
    let e = error("clause 1 m must have x = 1");
    assert!(
        e.contains("expected") && e.contains("`:`") || e.contains("\":\""),
        "{e}"
    );
}

#[test]
fn trees_compare_by_meaning_not_by_position() {
    let a =
        parse("define m as nodes where kind = model\nclause 1: m must not have api access to m");
    let b = parse(
        "\n\n   define   m as nodes where (kind = model)   # spaced out\nclause 1:\n  M must not have API access to m",
    );
    assert_eq!(a.definitions[0].name, b.definitions[0].name);
    assert_eq!(a.clauses[0].form, b.clauses[0].form);
    // The spans differ and point at the text they came from.
    assert_ne!(a.clauses[0].span.start, b.clauses[0].span.start);
    let text = "define m as nodes where kind = model";
    let c = parse(text);
    assert_eq!(
        &text[c.definitions[0].selector.span.0.clone()],
        "nodes where kind = model"
    );
}
