//! What each grammar rule is called in an error message.
//!
//! pest reports the rules it expected by their internal names
//! (`kw_route`, `sel_op`); a user has never seen the grammar, so every rule
//! that can be expected gets words here. The match is exhaustive: adding a
//! rule to the grammar without words for it does not compile.

use super::parser::Rule;

/// Words for what the parser expected when it met `rule`.
pub fn describe(rule: Rule) -> &'static str {
    match rule {
        Rule::EOI => "the end of the file",
        Rule::WHITESPACE | Rule::COMMENT => "a space or a comment",
        Rule::colon => "`:`",
        Rule::close_paren => "`)`",
        Rule::close_bracket => "`]`",
        Rule::list_sep => "`,` or `and`",
        Rule::ident_char => "a letter, a digit, `_` or `-`",
        Rule::item => "a definition, a declaration or a clause",
        Rule::kw_agreement => "`agreement`",
        Rule::kw_between => "`between`",
        Rule::kw_effective => "`effective`",
        Rule::kw_until => "`until`",
        Rule::kw_define => "`define`",
        Rule::kw_as => "`as`",
        Rule::kw_nodes => "`nodes`",
        Rule::kw_where => "`where`",
        Rule::kw_or => "`or`",
        Rule::kw_and => "`and`",
        Rule::kw_not => "`not`",
        Rule::kw_in => "`in`",
        Rule::in_spirit => "`in spirit`",
        Rule::kw_has => "`has`",
        Rule::kw_except => "`except`",
        Rule::kw_spirit => "`spirit`",
        Rule::kw_count => "`count as` or `counts as`",
        Rule::kw_clause => "`clause`",
        Rule::kw_must | Rule::kw_shall | Rule::kw_should | Rule::modal => {
            "a modal such as `must`, `should`, `must not` or `may`"
        }
        Rule::kw_access => "`access`",
        Rule::kw_from => "`from`",
        Rule::kw_to => "`to`",
        Rule::kw_route => "`route via`",
        Rule::kw_via => "`via`",
        Rule::kw_have => "`have`",
        Rule::kw_depend => "`depend on`",
        Rule::kw_on => "`on`",
        Rule::kw_be => "`be hosted on`",
        Rule::kw_hosted => "`hosted`",
        Rule::kw_stay => "`stay within`",
        Rule::kw_within => "`within`",
        Rule::kw_directly | Rule::indirect => "`directly or indirectly`",
        Rule::kw_indirectly => "`indirectly`",
        Rule::kw_direct => "`direct`",
        Rule::kw_only => "`only`",
        Rule::kw_may => "`may`",
        Rule::kw_according | Rule::according => "`according to`",
        Rule::kw_notwithstanding | Rule::notwithstanding => "`notwithstanding`",
        Rule::kw_owed | Rule::obligor => "`owed by`",
        Rule::kw_by => "`by`",
        Rule::kw_span | Rule::span_tail => "`span`",
        Rule::kw_at => "`at least` or `at most`",
        Rule::kw_least => "`least`",
        Rule::kw_most => "`most`",
        Rule::kw_exactly => "`exactly`",
        Rule::bound => "`at least`, `at most` or `exactly`",
        Rule::kw_distinct => "`distinct` and an attribute",
        Rule::kw_of => "`of`",
        Rule::kw_contains | Rule::op_contains => "`contains` and a value",
        Rule::kw_matches | Rule::op_matches => "`matches` and a pattern such as \"eu-*\"",
        Rule::count => "a count such as `2`",
        Rule::percent => "a percentage such as `80%`",
        Rule::clause_ref => "a clause number such as `4.2`",
        Rule::edge_where => "`where` and a condition on edges",
        Rule::stay_tail => "`stay within`",
        Rule::flow_access_tail => "`have access to`",
        Rule::share_form => "a share such as `at least 80% of gpu_nodes must be hosted on azure`",
        Rule::op_lt | Rule::op_le | Rule::op_gt | Rule::op_ge => {
            "a numeric comparison: `<`, `<=`, `>` or `>=` and a number"
        }
        Rule::kw_data | Rule::data_word | Rule::data_glued => "`data moves`",
        Rule::kw_moves => "`moves`",
        Rule::kw_against | Rule::against_call => "`against the call`",
        Rule::kw_the => "`the`",
        Rule::kw_call => "`call`",
        Rule::kw_both | Rule::both_ways => "`both ways`",
        Rule::kw_ways => "`ways`",
        Rule::kw_over => "`over` and edge kinds",
        Rule::direction => "a declaration such as `data moves against the call over read`",
        Rule::keyword => "a keyword",
        Rule::name | Rule::kind | Rule::access_kind | Rule::attr | Rule::attr_name => {
            "a name such as `models` or `api`"
        }
        Rule::string | Rule::string_inner => "a \"quoted string\"",
        Rule::bare_value | Rule::value => "a value such as `azure` or \"a quoted value\"",
        Rule::date => "a date such as `2026-01-31`",
        Rule::clause_id => "a clause number such as `4.2` or `7.1(b)`",
        Rule::agreement => "an agreement",
        Rule::header => "the agreement header, such as `agreement \"Title\" between a, b`",
        Rule::parties => "`between` and the parties",
        Rule::window => "`effective` and a date",
        Rule::definition => "a definition, such as `define models as nodes where kind = model`",
        Rule::counts_as => "`in spirit` or `according to`",
        Rule::clause => "a clause, such as `clause 4.2: ...`",
        Rule::selector | Rule::sel_term | Rule::sel_base => {
            "a set of nodes, such as `nodes where kind = model` or a defined name"
        }
        Rule::sel_op => "`or`|`except`",
        Rule::predicate | Rule::pred_and | Rule::pred_not | Rule::pred_atom => {
            "a condition, such as `kind = model` or `has region`"
        }
        Rule::has_test => "`has` and an attribute",
        Rule::comparison => "a comparison such as `cloud = azure`",
        Rule::op_eq | Rule::op_ne | Rule::op_in | Rule::op_not_in => {
            "a comparison: `=`, `!=`, `<`, `>`, `in [..]`, `not in [..]`, `matches` or `contains`"
        }
        Rule::value_list => "a list of values such as `[eastus, westus]`",
        Rule::body | Rule::route_form | Rule::stay_form | Rule::subject_form => {
            "what the clause requires, such as `api access to models must route via azure`"
        }
        Rule::access_tail | Rule::depend_tail | Rule::hosted_tail | Rule::have_tail => {
            "`have access to`, `depend on`, `be hosted on`, `span` or `have` and a condition"
        }
    }
}

/// "a, b or c", each distinct description once, in the given order.
pub fn describe_all(rules: &[Rule]) -> String {
    let mut words: Vec<&str> = Vec::new();
    for &r in rules {
        // A description may name several alternatives, `a`|`b`.
        for w in describe(r).split('|') {
            if !words.contains(&w) {
                words.push(w);
            }
        }
    }
    match words.len() {
        0 => "something else".to_string(),
        1 => words[0].to_string(),
        n => format!("{} or {}", words[..n - 1].join(", "), words[n - 1]),
    }
}
