//! From pest pairs to the typed AST: one function per grammar rule.
//!
//! Each `lower_*` function takes the pair of its rule and returns the AST
//! node, with the pair's span. The grammar guarantees the shape of the
//! pairs, but we do not lean on that with `unwrap`: a pair of an unexpected
//! shape becomes an internal-error diagnostic, never a panic. Problems that
//! pest cannot see (an impossible date) are collected in [`Lowering::errors`]
//! so that several are reported together.

use chrono::NaiveDate;
use pest::iterators::Pair;

use super::ast::*;
use super::parser::Rule;
use crate::diag::Diagnostic;
use crate::source::{SourceRef, Span};

type R<T> = Result<T, Diagnostic>;

/// The state of one lowering: the source (for spans) and collected errors.
pub struct Lowering<'s> {
    source: &'s SourceRef,
    /// Errors found while lowering that did not stop it.
    pub errors: Vec<Diagnostic>,
}

fn span(p: &Pair<'_, Rule>) -> Span {
    p.as_span().start()..p.as_span().end()
}

impl<'s> Lowering<'s> {
    /// A lowering of `source`.
    pub fn new(source: &'s SourceRef) -> Self {
        Lowering {
            source,
            errors: Vec::new(),
        }
    }

    fn unexpected(&self, p: &Pair<'_, Rule>) -> Diagnostic {
        Diagnostic::error(format!(
            "internal error: unexpected {:?} while reading the agreement",
            p.as_rule()
        ))
        .at(self.source, span(p), "")
    }

    fn next<'i>(
        &self,
        pairs: &mut impl Iterator<Item = Pair<'i, Rule>>,
        parent: &Pair<'i, Rule>,
    ) -> R<Pair<'i, Rule>> {
        pairs.next().ok_or_else(|| self.unexpected(parent))
    }

    /// `agreement = { SOI ~ header? ~ item* ~ EOI }`
    pub fn lower_agreement(&mut self, pair: Pair<'_, Rule>) -> R<Agreement> {
        let mut ag = Agreement {
            source: self.source.clone(),
            title: None,
            parties: Vec::new(),
            window: None,
            definitions: Vec::new(),
            counts_as: Vec::new(),
            directions: Vec::new(),
            clauses: Vec::new(),
        };
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::header => self.lower_header(p, &mut ag)?,
                Rule::definition => ag.definitions.push(self.lower_definition(p)?),
                Rule::counts_as => ag.counts_as.push(self.lower_counts_as(p)?),
                Rule::clause => ag.clauses.push(self.lower_clause(p)?),
                Rule::direction => ag.directions.push(self.lower_direction(p)?),
                Rule::EOI => {}
                _ => return Err(self.unexpected(&p)),
            }
        }
        Ok(ag)
    }

    /// `header = { kw_agreement ~ string ~ parties? ~ window? }`
    fn lower_header(&mut self, pair: Pair<'_, Rule>, ag: &mut Agreement) -> R<()> {
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::kw_agreement => {}
                Rule::string => ag.title = Some(self.lower_string(p)),
                Rule::parties => ag.parties = self.lower_parties(p),
                Rule::window => ag.window = self.lower_window(p)?,
                _ => return Err(self.unexpected(&p)),
            }
        }
        Ok(())
    }

    /// `parties = { kw_between ~ name ~ (("," | kw_and) ~ name)* }`
    fn lower_parties(&mut self, pair: Pair<'_, Rule>) -> Vec<Name> {
        pair.into_inner()
            .filter(|p| p.as_rule() == Rule::name)
            .map(|p| self.lower_name(p))
            .collect()
    }

    /// `window = { kw_effective ~ date ~ (kw_until ~ date)? }`; `None` if a
    /// date is impossible (the error is collected).
    fn lower_window(&mut self, pair: Pair<'_, Rule>) -> R<Option<Node<Window>>> {
        let sp = span(&pair);
        let dates: Vec<Pair<'_, Rule>> = pair
            .into_inner()
            .filter(|p| p.as_rule() == Rule::date)
            .collect();
        let from = dates.first().and_then(|d| self.lower_date(d));
        let until = dates.get(1).map(|d| self.lower_date(d));
        let (Some(from), until) = (from, until) else {
            return Ok(None);
        };
        let until = match until {
            Some(Some(u)) => Some(u),
            Some(None) => return Ok(None),
            None => None,
        };
        if let (Some(u), Some(d)) = (until, dates.get(1))
            && u <= from
        {
            self.errors.push(
                Diagnostic::error(format!("`until {u}` is not after `effective {from}`"))
                    .at(self.source, span(d), "this date must be later")
                    .also(self.source, span(&dates[0]), "the window starts here")
                    .help("`until` is the first day the clause no longer applies"),
            );
            return Ok(None);
        }
        Ok(Some(Node::new(Window { from, until }, sp)))
    }

    /// `date = @{ YYYY-MM-DD }`; an impossible date is collected as an error.
    fn lower_date(&mut self, pair: &Pair<'_, Rule>) -> Option<NaiveDate> {
        match NaiveDate::parse_from_str(pair.as_str(), "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                self.errors.push(
                    Diagnostic::error(format!("`{}` is not a date in the calendar", pair.as_str()))
                        .at(self.source, span(pair), "no such day")
                        .help("dates are written YYYY-MM-DD, such as `2026-02-28`"),
                );
                None
            }
        }
    }

    /// `definition = { kw_define ~ name ~ kw_as ~ selector }`
    fn lower_definition(&mut self, pair: Pair<'_, Rule>) -> R<Definition> {
        let sp = span(&pair);
        let mut name = None;
        let mut selector = None;
        for p in pair.clone().into_inner() {
            match p.as_rule() {
                Rule::name => name = Some(self.lower_name(p)),
                Rule::selector => selector = Some(self.lower_selector(p)?),
                Rule::kw_define | Rule::kw_as => {}
                _ => return Err(self.unexpected(&p)),
            }
        }
        match (name, selector) {
            (Some(name), Some(selector)) => Ok(Definition {
                name,
                selector,
                span: At(sp),
            }),
            _ => Err(self.unexpected(&pair)),
        }
    }

    /// `counts_as = { (in_spirit | according) ~ ","? ~ kind ~ (list_sep ~ kind)* ~ kw_count ~ kw_as ~ kind }`
    fn lower_counts_as(&mut self, pair: Pair<'_, Rule>) -> R<CountsAs> {
        let mut kinds = Vec::new();
        let mut party = None;
        for p in pair.clone().into_inner() {
            match p.as_rule() {
                Rule::kind => kinds.push(self.lower_kind(p)?),
                Rule::according => party = Some(self.lower_according(p)?),
                _ => {}
            }
        }
        let target = kinds.pop().ok_or_else(|| self.unexpected(&pair))?;
        Ok(CountsAs {
            party,
            kinds,
            target,
            span: At(span(&pair)),
        })
    }

    /// `according = { kw_according ~ kw_to ~ name }`: the party.
    fn lower_according(&mut self, pair: Pair<'_, Rule>) -> R<Name> {
        let name = pair
            .clone()
            .into_inner()
            .find(|p| p.as_rule() == Rule::name)
            .ok_or_else(|| self.unexpected(&pair))?;
        Ok(self.lower_name(name))
    }

    /// `direction = { kw_data ~ kw_moves ~ (against_call | both_ways) ~ kw_over ~ kind ~ (list_sep ~ kind)* }`
    fn lower_direction(&mut self, pair: Pair<'_, Rule>) -> R<Direction> {
        let mut flow = None;
        let mut kinds = Vec::new();
        for p in pair.clone().into_inner() {
            match p.as_rule() {
                Rule::against_call => flow = Some(Node::new(Flow::Against, span(&p))),
                Rule::both_ways => flow = Some(Node::new(Flow::Both, span(&p))),
                Rule::kind => kinds.push(self.lower_kind(p)?),
                _ => {}
            }
        }
        let flow = flow.ok_or_else(|| self.unexpected(&pair))?;
        Ok(Direction {
            flow,
            kinds,
            span: At(span(&pair)),
        })
    }

    /// `kind = { name }`, also `access_kind` and `attr`.
    fn lower_kind(&mut self, pair: Pair<'_, Rule>) -> R<Name> {
        let mut inner = pair.clone().into_inner();
        let p = self.next(&mut inner, &pair)?;
        Ok(self.lower_name(p))
    }

    /// `name`, lowercased: names and kinds are case-insensitive.
    fn lower_name(&mut self, pair: Pair<'_, Rule>) -> Name {
        Node::new(pair.as_str().to_lowercase(), span(&pair))
    }

    /// `attr = { name }`, case kept: attribute names are topology keys.
    fn lower_attr(&mut self, pair: Pair<'_, Rule>) -> R<Node<String>> {
        let mut inner = pair.clone().into_inner();
        let p = self.next(&mut inner, &pair)?;
        Ok(Node::new(p.as_str().to_string(), span(&p)))
    }

    /// `string = ${ "\"" ~ string_inner ~ "\"" }`, unescaped.
    fn lower_string(&mut self, pair: Pair<'_, Rule>) -> Node<String> {
        let sp = span(&pair);
        let raw = pair.as_str();
        let inner = &raw[1..raw.len().saturating_sub(1).max(1)];
        let mut out = String::with_capacity(inner.len());
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            } else {
                out.push(c);
            }
        }
        Node::new(out, sp)
    }

    /// `value = { string | bare_value }`, the value as it compares.
    fn lower_value(&mut self, pair: Pair<'_, Rule>) -> R<Node<String>> {
        let mut inner = pair.clone().into_inner();
        let p = self.next(&mut inner, &pair)?;
        match p.as_rule() {
            Rule::string => Ok(self.lower_string(p)),
            Rule::bare_value => Ok(Node::new(p.as_str().to_string(), span(&p))),
            _ => Err(self.unexpected(&p)),
        }
    }

    /// `selector = { sel_term ~ (sel_op ~ sel_term)* }`
    fn lower_selector(&mut self, pair: Pair<'_, Rule>) -> R<Selector> {
        let sp = span(&pair);
        let mut inner = pair.clone().into_inner();
        let first_pair = self.next(&mut inner, &pair)?;
        let first = self.lower_sel_term(first_pair)?;
        let mut rest = Vec::new();
        while let Some(op) = inner.next() {
            let op = self.lower_sel_op(op)?;
            let term_pair = self.next(&mut inner, &pair)?;
            rest.push((op, self.lower_sel_term(term_pair)?));
        }
        Ok(Selector {
            first,
            rest,
            span: At(sp),
        })
    }

    /// `sel_op = { kw_or | kw_except }`
    fn lower_sel_op(&mut self, pair: Pair<'_, Rule>) -> R<SetOp> {
        let mut inner = pair.clone().into_inner();
        match self.next(&mut inner, &pair)?.as_rule() {
            Rule::kw_or => Ok(SetOp::Or),
            Rule::kw_except => Ok(SetOp::Except),
            _ => Err(self.unexpected(&pair)),
        }
    }

    /// `sel_term = { sel_base ~ (kw_where ~ predicate)? }`
    fn lower_sel_term(&mut self, pair: Pair<'_, Rule>) -> R<SelTerm> {
        let mut base = None;
        let mut filter = None;
        for p in pair.clone().into_inner() {
            match p.as_rule() {
                Rule::sel_base => base = Some(self.lower_sel_base(p)?),
                Rule::predicate => filter = Some(self.lower_predicate(p)?),
                Rule::kw_where => {}
                _ => return Err(self.unexpected(&p)),
            }
        }
        let base = base.ok_or_else(|| self.unexpected(&pair))?;
        Ok(SelTerm {
            base,
            filter,
            span: At(span(&pair)),
        })
    }

    /// `sel_base = { kw_nodes | name | "(" ~ selector ~ ")" }`
    fn lower_sel_base(&mut self, pair: Pair<'_, Rule>) -> R<SelBase> {
        let mut inner = pair
            .clone()
            .into_inner()
            .filter(|p| p.as_rule() != Rule::close_paren);
        let p = self.next(&mut inner, &pair)?;
        match p.as_rule() {
            Rule::kw_nodes => Ok(SelBase::All(span(&p))),
            Rule::name => Ok(SelBase::Ref(self.lower_name(p))),
            Rule::selector => Ok(SelBase::Group(Box::new(self.lower_selector(p)?))),
            _ => Err(self.unexpected(&p)),
        }
    }

    /// `predicate = { pred_and ~ (kw_or ~ pred_and)* }`
    fn lower_predicate(&mut self, pair: Pair<'_, Rule>) -> R<Predicate> {
        let sp = span(&pair);
        let mut any = Vec::new();
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::pred_and => any.push(self.lower_pred_and(p)?),
                Rule::kw_or => {}
                _ => return Err(self.unexpected(&p)),
            }
        }
        Ok(Predicate { any, span: At(sp) })
    }

    /// `pred_and = { pred_not ~ (kw_and ~ pred_not)* }`
    fn lower_pred_and(&mut self, pair: Pair<'_, Rule>) -> R<Vec<Factor>> {
        let mut all = Vec::new();
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::pred_not => all.push(self.lower_pred_not(p)?),
                Rule::kw_and => {}
                _ => return Err(self.unexpected(&p)),
            }
        }
        Ok(all)
    }

    /// `pred_not = { kw_not* ~ pred_atom }`
    fn lower_pred_not(&mut self, pair: Pair<'_, Rule>) -> R<Factor> {
        let mut negated = false;
        for p in pair.clone().into_inner() {
            match p.as_rule() {
                Rule::kw_not => negated = !negated,
                Rule::pred_atom => {
                    return Ok(Factor {
                        negated,
                        atom: self.lower_pred_atom(p)?,
                        span: At(span(&pair)),
                    });
                }
                _ => return Err(self.unexpected(&p)),
            }
        }
        Err(self.unexpected(&pair))
    }

    /// `pred_atom = { "(" ~ predicate ~ ")" | has_test | comparison }`
    fn lower_pred_atom(&mut self, pair: Pair<'_, Rule>) -> R<Atom> {
        let mut inner = pair
            .clone()
            .into_inner()
            .filter(|p| p.as_rule() != Rule::close_paren);
        let p = self.next(&mut inner, &pair)?;
        match p.as_rule() {
            Rule::predicate => Ok(Atom::Group(Box::new(self.lower_predicate(p)?))),
            Rule::has_test => self.lower_has_test(p),
            Rule::comparison => self.lower_comparison(p),
            _ => Err(self.unexpected(&p)),
        }
    }

    /// `has_test = { kw_has ~ attr }`
    fn lower_has_test(&mut self, pair: Pair<'_, Rule>) -> R<Atom> {
        let attr = pair
            .clone()
            .into_inner()
            .find(|p| p.as_rule() == Rule::attr)
            .ok_or_else(|| self.unexpected(&pair))?;
        Ok(Atom::Has(self.lower_attr(attr)?))
    }

    /// `comparison = { attr ~ (op_ne | op_eq | op_le | op_lt | op_ge | op_gt | op_not_in | op_in | op_matches | op_contains) }`
    fn lower_comparison(&mut self, pair: Pair<'_, Rule>) -> R<Atom> {
        let mut inner = pair.clone().into_inner();
        let attr_pair = self.next(&mut inner, &pair)?;
        let attr = self.lower_attr(attr_pair)?;
        let op = self.next(&mut inner, &pair)?;
        let rule = op.as_rule();
        let op_span = span(&op);
        let negated = matches!(rule, Rule::op_ne | Rule::op_not_in);
        let mut values = Vec::new();
        for p in op.into_inner() {
            match p.as_rule() {
                Rule::value => values.push(self.lower_value(p)?),
                Rule::value_list => values.extend(self.lower_value_list(p)?),
                Rule::kw_in | Rule::kw_not | Rule::kw_matches | Rule::kw_contains => {}
                _ => return Err(self.unexpected(&pair)),
            }
        }
        let order = match rule {
            Rule::op_lt => Some(Order::Lt),
            Rule::op_le => Some(Order::Le),
            Rule::op_gt => Some(Order::Gt),
            Rule::op_ge => Some(Order::Ge),
            _ => None,
        };
        let one = |values: Vec<Node<String>>| values.into_iter().next();
        match (rule, order) {
            (_, Some(o)) => {
                let value = one(values).ok_or_else(|| self.unexpected(&pair))?;
                let number = self.lower_number(&value, o)?;
                let op_len = o.as_str().len();
                Ok(Atom::Order {
                    attr,
                    op: Node::new(o, op_span.start..op_span.start + op_len),
                    value,
                    number,
                })
            }
            (Rule::op_matches, _) => Ok(Atom::Matches {
                attr,
                pattern: one(values).ok_or_else(|| self.unexpected(&pair))?,
            }),
            (Rule::op_contains, _) => Ok(Atom::Contains {
                attr,
                value: one(values).ok_or_else(|| self.unexpected(&pair))?,
            }),
            _ => Ok(Atom::Compare {
                attr,
                values,
                negated,
            }),
        }
    }

    /// The number a numeric comparison compares with; a value that is not
    /// one is collected as an error (and compares as zero, unused).
    fn lower_number(&mut self, value: &Node<String>, op: Order) -> R<rust_decimal::Decimal> {
        match crate::number::parse(&value.node) {
            Some(n) => Ok(n),
            None => {
                self.errors.push(
                    Diagnostic::error(format!(
                        "`{}` compares numbers, and `{}` is not one",
                        op.as_str(),
                        crate::escape::display(&value.node)
                    ))
                    .at(self.source, value.span.clone(), "not a number")
                    .help("write a number such as `8`, `0.5` or `1e3`; to compare text, use `=`, `in [..]` or `matches`"),
                );
                Ok(rust_decimal::Decimal::ZERO)
            }
        }
    }

    /// `value_list = { "[" ~ (value ~ ("," ~ value)* ~ ","?)? ~ "]" }`
    fn lower_value_list(&mut self, pair: Pair<'_, Rule>) -> R<Vec<Node<String>>> {
        pair.into_inner()
            .filter(|p| p.as_rule() != Rule::close_bracket)
            .map(|p| self.lower_value(p))
            .collect()
    }

    /// `clause = { kw_clause ~ clause_id ~ string? ~ window? ~ ":" ~ body }`
    fn lower_clause(&mut self, pair: Pair<'_, Rule>) -> R<Clause> {
        let sp = span(&pair);
        let mut id = None;
        let mut title = None;
        let mut window = None;
        let mut body = None;
        let mut obligors = Vec::new();
        let mut notwithstanding = Vec::new();
        for p in pair.clone().into_inner() {
            match p.as_rule() {
                Rule::kw_clause | Rule::colon => {}
                Rule::clause_id => id = Some(Node::new(p.as_str().to_string(), span(&p))),
                Rule::string => title = Some(self.lower_string(p)),
                Rule::window => window = self.lower_window(p)?,
                Rule::obligor => obligors = self.lower_obligor(p),
                Rule::notwithstanding => notwithstanding = self.lower_notwithstanding(p),
                Rule::route_form | Rule::stay_form | Rule::share_form | Rule::subject_form => {
                    body = Some((span(&p), self.lower_body(p)?))
                }
                _ => return Err(self.unexpected(&p)),
            }
        }
        let (Some(id), Some((body, b))) = (id, body) else {
            return Err(self.unexpected(&pair));
        };
        let (Some(form), Some(modal)) = (b.form, b.modal) else {
            return Err(self.unexpected(&pair));
        };
        Ok(Clause {
            id,
            title,
            window,
            modal,
            form,
            indirect: b.indirect,
            direct: b.direct,
            obligors,
            notwithstanding,
            body: At(body),
            span: At(sp),
        })
    }

    /// `obligor = { kw_owed ~ kw_by ~ name ~ (list_sep ~ name)* }`
    fn lower_obligor(&mut self, pair: Pair<'_, Rule>) -> Vec<Name> {
        pair.into_inner()
            .filter(|p| p.as_rule() == Rule::name)
            .map(|p| self.lower_name(p))
            .collect()
    }

    /// `notwithstanding = { kw_notwithstanding ~ clause_ref ~ (list_sep ~ clause_ref)* }`
    fn lower_notwithstanding(&mut self, pair: Pair<'_, Rule>) -> Vec<Node<String>> {
        pair.into_inner()
            .filter(|p| p.as_rule() == Rule::clause_ref)
            .map(|p| Node::new(p.as_str().to_string(), span(&p)))
            .collect()
    }

    /// The body of a clause: one of the four body rules.
    fn lower_body(&mut self, pair: Pair<'_, Rule>) -> R<Body> {
        match pair.as_rule() {
            Rule::route_form => self.lower_route_form(pair),
            Rule::stay_form => self.lower_stay_form(pair),
            Rule::share_form => self.lower_share_form(pair),
            _ => self.lower_subject_form(pair),
        }
    }

    /// `indirect = { ","? ~ kw_directly ~ (kw_or ~ kw_indirectly)? ~ ","? }`:
    /// `directly or indirectly` (binds the spirit) or `directly` alone (one edge).
    fn lower_indirect(&mut self, pair: Pair<'_, Rule>, body: &mut Body) {
        let alone = !pair
            .clone()
            .into_inner()
            .any(|p| p.as_rule() == Rule::kw_indirectly);
        if alone {
            body.direct = Some(At(span(&pair)));
        } else {
            body.indirect = Some(At(span(&pair)));
        }
    }

    /// `edge_where = { kw_where ~ predicate }`
    fn lower_edge_where(&mut self, pair: Pair<'_, Rule>) -> R<Predicate> {
        let p = pair
            .clone()
            .into_inner()
            .find(|p| p.as_rule() == Rule::predicate)
            .ok_or_else(|| self.unexpected(&pair))?;
        self.lower_predicate(p)
    }

    /// `bound = { kw_at ~ kw_least | kw_at ~ kw_most | kw_exactly }`
    fn lower_bound(&mut self, pair: Pair<'_, Rule>) -> R<Node<Bound>> {
        let sp = span(&pair);
        let mut bound = None;
        for p in pair.clone().into_inner() {
            match p.as_rule() {
                Rule::kw_least => bound = Some(Bound::AtLeast),
                Rule::kw_most => bound = Some(Bound::AtMost),
                Rule::kw_exactly => bound = Some(Bound::Exactly),
                Rule::kw_at => {}
                _ => return Err(self.unexpected(&p)),
            }
        }
        let bound = bound.ok_or_else(|| self.unexpected(&pair))?;
        Ok(Node::new(bound, sp))
    }

    /// `percent = @{ digits ["." digits] "%" }`, exact; above 100 is collected as an error.
    fn lower_percent(&mut self, pair: Pair<'_, Rule>) -> Node<rust_decimal::Decimal> {
        let sp = span(&pair);
        let text = pair.as_str().trim_end_matches('%');
        let value = crate::number::parse(text);
        let hundred = rust_decimal::Decimal::ONE_HUNDRED;
        match value {
            Some(v) if v <= hundred => Node::new(v, sp),
            _ => {
                self.errors.push(
                    Diagnostic::error(format!("`{}` is not a share of a set", pair.as_str()))
                        .at(self.source, sp.clone(), "more than 100%")
                        .help("a share is between `0%` and `100%`, such as `at least 80% of gpu_nodes`"),
                );
                Node::new(hundred, sp)
            }
        }
    }

    /// `count = @{ digits }`; one too large to count is collected as an error.
    fn lower_count(&mut self, pair: Pair<'_, Rule>) -> Node<u64> {
        let sp = span(&pair);
        match pair.as_str().parse::<u64>() {
            Ok(n) => Node::new(n, sp),
            Err(_) => {
                self.errors.push(
                    Diagnostic::error(format!("`{}` is too large a count", pair.as_str()))
                        .at(self.source, sp.clone(), "more than any topology holds")
                        .help("write a count such as `2`"),
                );
                Node::new(u64::MAX, sp)
            }
        }
    }

    /// `modal = { (kw_must | kw_shall | kw_should | kw_may) ~ kw_not? }`
    fn lower_modal(&mut self, pair: Pair<'_, Rule>) -> R<Node<Modal>> {
        let sp = span(&pair);
        let mut strength = None;
        let mut negated = false;
        for p in pair.clone().into_inner() {
            match p.as_rule() {
                Rule::kw_must => strength = Some(Strength::Must),
                Rule::kw_shall => strength = Some(Strength::Shall),
                Rule::kw_should => strength = Some(Strength::Should),
                Rule::kw_may => strength = Some(Strength::May),
                Rule::kw_not => negated = true,
                _ => return Err(self.unexpected(&p)),
            }
        }
        let strength = strength.ok_or_else(|| self.unexpected(&pair))?;
        Ok(Node::new(Modal { strength, negated }, sp))
    }

    /// `route_form = { access_kind? ~ kw_access ~ edge_where? ~ (kw_from ~ selector)? ~ kw_to ~ selector ~ indirect? ~ modal ~ kw_route ~ kw_only? ~ kw_via ~ selector }`
    fn lower_route_form(&mut self, pair: Pair<'_, Rule>) -> R<Body> {
        let mut kind = None;
        let mut edge = None;
        let mut only = false;
        let mut selectors = Vec::new();
        let mut saw_from = false;
        let mut body = Body::default();
        for p in pair.clone().into_inner() {
            match p.as_rule() {
                Rule::access_kind => kind = Some(self.lower_kind(p)?),
                Rule::edge_where => edge = Some(self.lower_edge_where(p)?),
                Rule::kw_from => saw_from = true,
                Rule::kw_only => only = true,
                Rule::selector => selectors.push(self.lower_selector(p)?),
                Rule::indirect => self.lower_indirect(p, &mut body),
                Rule::modal => body.modal = Some(self.lower_modal(p)?),
                Rule::kw_access | Rule::kw_to | Rule::kw_route | Rule::kw_via => {}
                _ => return Err(self.unexpected(&p)),
            }
        }
        let mut selectors = selectors.into_iter();
        let from = if saw_from { selectors.next() } else { None };
        let (Some(to), Some(via)) = (selectors.next(), selectors.next()) else {
            return Err(self.unexpected(&pair));
        };
        body.form = Some(Form::Route {
            kind,
            edge,
            only,
            from,
            to,
            via,
        });
        body.check(self, &pair)
    }

    /// `stay_form = { kind ~ edge_where? ~ kw_from ~ selector ~ indirect? ~ modal ~ (stay_tail | flow_access_tail) }`
    fn lower_stay_form(&mut self, pair: Pair<'_, Rule>) -> R<Body> {
        let mut kind = None;
        let mut edge = None;
        let mut from = None;
        let mut tail = None;
        let mut body = Body::default();
        for p in pair.clone().into_inner() {
            match p.as_rule() {
                Rule::kind => kind = Some(self.lower_kind(p)?),
                Rule::edge_where => edge = Some(self.lower_edge_where(p)?),
                Rule::selector => from = Some(self.lower_selector(p)?),
                Rule::indirect => self.lower_indirect(p, &mut body),
                Rule::modal => body.modal = Some(self.lower_modal(p)?),
                Rule::stay_tail | Rule::flow_access_tail => {
                    let rule = p.as_rule();
                    let sel = p
                        .clone()
                        .into_inner()
                        .find(|q| q.as_rule() == Rule::selector)
                        .ok_or_else(|| self.unexpected(&p))?;
                    tail = Some((rule, self.lower_selector(sel)?));
                }
                Rule::kw_from => {}
                _ => return Err(self.unexpected(&p)),
            }
        }
        let (Some(kind), Some(from), Some((rule, sel))) = (kind, from, tail) else {
            return Err(self.unexpected(&pair));
        };
        body.form = Some(if rule == Rule::stay_tail {
            Form::Stay {
                kind,
                edge,
                from,
                within: sel,
            }
        } else {
            Form::Access {
                subject: from,
                kind: Some(kind),
                edge,
                to: sel,
            }
        });
        body.check(self, &pair)
    }

    /// `share_form = { bound ~ percent ~ kw_of ~ selector ~ (kw_by ~ attr)? ~ modal ~ (hosted_tail | have_tail) }`
    fn lower_share_form(&mut self, pair: Pair<'_, Rule>) -> R<Body> {
        let mut bound = None;
        let mut percent = None;
        let mut subject = None;
        let mut by = None;
        let mut test = None;
        let mut body = Body::default();
        for p in pair.clone().into_inner() {
            match p.as_rule() {
                Rule::bound => bound = Some(self.lower_bound(p)?),
                Rule::percent => percent = Some(self.lower_percent(p)),
                Rule::selector => subject = Some(self.lower_selector(p)?),
                Rule::attr => by = Some(self.lower_attr(p)?),
                Rule::modal => body.modal = Some(self.lower_modal(p)?),
                Rule::hosted_tail | Rule::have_tail => {
                    let hosted = p.as_rule() == Rule::hosted_tail;
                    for q in p.clone().into_inner() {
                        match q.as_rule() {
                            Rule::selector if hosted => {
                                test = Some(ShareTest::Hosted(self.lower_selector(q)?))
                            }
                            Rule::predicate => {
                                test = Some(ShareTest::Attribute(self.lower_predicate(q)?))
                            }
                            _ => {}
                        }
                    }
                }
                Rule::kw_of | Rule::kw_by => {}
                _ => return Err(self.unexpected(&p)),
            }
        }
        let (Some(bound), Some(percent), Some(subject), Some(test)) =
            (bound, percent, subject, test)
        else {
            return Err(self.unexpected(&pair));
        };
        body.form = Some(Form::Share {
            bound,
            percent,
            subject,
            by,
            test,
        });
        body.check(self, &pair)
    }

    /// `subject_form = { selector ~ modal ~ (access_tail | depend_tail | hosted_tail | span_tail | have_tail) }`
    fn lower_subject_form(&mut self, pair: Pair<'_, Rule>) -> R<Body> {
        let mut inner = pair.clone().into_inner();
        let subject_pair = self.next(&mut inner, &pair)?;
        let subject = self.lower_selector(subject_pair)?;
        let modal_pair = self.next(&mut inner, &pair)?;
        let mut body = Body {
            modal: Some(self.lower_modal(modal_pair)?),
            ..Body::default()
        };
        let tail = self.next(&mut inner, &pair)?;
        let rule = tail.as_rule();
        let mut kind = None;
        let mut edge = None;
        let mut selector = None;
        let mut predicate = None;
        let mut bound = None;
        let mut count = None;
        let mut attr = None;
        for p in tail.into_inner() {
            match p.as_rule() {
                Rule::access_kind => kind = Some(self.lower_kind(p)?),
                Rule::edge_where => edge = Some(self.lower_edge_where(p)?),
                Rule::selector => selector = Some(self.lower_selector(p)?),
                Rule::predicate => predicate = Some(self.lower_predicate(p)?),
                Rule::indirect => self.lower_indirect(p, &mut body),
                Rule::kw_direct => body.direct = Some(At(span(&p))),
                Rule::bound => bound = Some(self.lower_bound(p)?),
                Rule::count => count = Some(self.lower_count(p)),
                Rule::attr => attr = Some(self.lower_attr(p)?),
                Rule::kw_have
                | Rule::kw_access
                | Rule::kw_to
                | Rule::kw_depend
                | Rule::kw_on
                | Rule::kw_be
                | Rule::kw_hosted
                | Rule::kw_span
                | Rule::kw_distinct => {}
                _ => return Err(self.unexpected(&p)),
            }
        }
        body.form = Some(match (rule, selector, predicate) {
            (Rule::access_tail, Some(to), _) => Form::Access {
                subject,
                kind,
                edge,
                to,
            },
            (Rule::depend_tail, Some(on), _) => Form::Depend { subject, edge, on },
            (Rule::hosted_tail, Some(on), _) => Form::Hosted { subject, on },
            (Rule::have_tail, _, Some(predicate)) => Form::Attribute { subject, predicate },
            (Rule::span_tail, _, _) => match (bound, count, attr) {
                (Some(bound), Some(count), Some(attr)) => Form::Span {
                    subject,
                    bound,
                    count,
                    attr,
                },
                _ => return Err(self.unexpected(&pair)),
            },
            _ => return Err(self.unexpected(&pair)),
        });
        body.check(self, &pair)
    }
}

/// A clause body as its lowering function gathers it.
#[derive(Default)]
struct Body {
    form: Option<Form>,
    modal: Option<Node<Modal>>,
    indirect: Option<At>,
    direct: Option<At>,
}

impl Body {
    /// The body, or an internal error if the pairs had no form or modal.
    fn check(self, l: &Lowering<'_>, pair: &Pair<'_, Rule>) -> R<Body> {
        if self.form.is_none() || self.modal.is_none() {
            return Err(l.unexpected(pair));
        }
        Ok(self)
    }
}
