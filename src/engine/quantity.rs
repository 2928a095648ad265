//! Quantities: how many distinct values a set spans, and what share of a
//! set (by count, or weighed by a numeric attribute) meets a test.
//!
//! Cloud deals count: "the models span at most 2 regions", "at least 80%
//! of the GPU fleet, by GPUs, runs on Azure". Counting is one pass over
//! the set. Shares are exact: weights are decimals as written
//! ([`crate::number`]), and `ok / total >= p%` is decided as
//! `100 * ok >= p * total`, so no rounding can tip a verdict. A weight that
//! is missing or not a number counts as 0 (and is warned about, located,
//! by the warnings pass).

use fixedbitset::FixedBitSet;

use super::forms::{Offence, Offences};
use crate::number::{self, Decimal};
use crate::report::model::Measure;
use crate::syntax::ast::Bound;
use crate::topology::{Sym, Topology};

/// `S must span BOUND N distinct ATTR`: the offences (one node per
/// distinct value, the first that has it, when the count is out of
/// bounds) and what was counted.
pub fn span(
    set: &FixedBitSet,
    bound: Bound,
    limit: u64,
    attr: &str,
    topo: &Topology,
    max: usize,
) -> (Offences, Measure) {
    let name = topo.strings.get(attr);
    let mut seen = FixedBitSet::with_capacity(topo.strings.len());
    let mut firsts: Vec<(Sym, usize)> = Vec::new();
    for i in set.ones() {
        for v in values(&topo.nodes[i].attrs, name) {
            if !seen.put(v as usize) {
                firsts.push((v, i));
            }
        }
    }
    let count = firsts.len() as u64;
    let holds = bound.test(&count, &limit);
    let shown: Vec<String> = firsts
        .iter()
        .take(max)
        .map(|&(v, _)| topo.strings.resolve(v).to_string())
        .collect();
    let measure = Measure {
        actual: format!(
            "{count} distinct {attr} value{}",
            if count == 1 { "" } else { "s" }
        ),
        required: format!("{} {limit}", bound.as_str()),
        omitted: firsts.len() - shown.len(),
        values: shown,
    };
    let offences = if holds {
        Offences::default()
    } else {
        Offences::first(firsts.iter().map(|&(_, i)| Offence::Node(i as u32)), max)
    };
    (offences, measure)
}

/// A share clause's numbers.
pub struct Share<'a> {
    /// At least, at most, exactly.
    pub bound: Bound,
    /// The percentage.
    pub percent: Decimal,
    /// The weight attribute, if any.
    pub by: Option<&'a str>,
}

/// `BOUND P% of S [by W] must ...`: `ok` are the nodes of `set` that meet
/// the test. The offences are the nodes that pull the share the wrong way
/// (those failing the test for `at least`, those meeting it for `at most`,
/// either for `exactly`, as the share is below or above).
pub fn share(
    set: &FixedBitSet,
    ok: &FixedBitSet,
    share: &Share<'_>,
    topo: &Topology,
    max: usize,
) -> (Offences, Measure) {
    let by = share.by.map(|b| topo.strings.get(b));
    let weight = |i: usize| match by {
        None => Decimal::ONE,
        Some(name) => {
            let mut vals = values(&topo.nodes[i].attrs, name);
            match (vals.next(), vals.next()) {
                (Some(v), None) => number::parse(topo.strings.resolve(v)).unwrap_or_default(),
                _ => Decimal::ZERO,
            }
        }
    };
    let (mut total, mut good) = (Decimal::ZERO, Decimal::ZERO);
    let mut overflow = false;
    for i in set.ones() {
        let w = weight(i);
        total = total.checked_add(w).unwrap_or_else(|| {
            overflow = true;
            total
        });
        if ok.contains(i) {
            good = good.checked_add(w).unwrap_or_else(|| {
                overflow = true;
                good
            });
        }
    }
    let hundred = Decimal::ONE_HUNDRED;
    // 100 * good against percent * total, exactly; past Decimal's range
    // (28 digits) the quotient, rounded at the 28th digit, decides.
    let (lhs, rhs) = match (good.checked_mul(hundred), share.percent.checked_mul(total)) {
        (Some(l), Some(r)) if !overflow => (l, r),
        _ => (
            good.checked_div(total).unwrap_or_default() * hundred,
            share.percent,
        ),
    };
    let holds = total.is_zero() || share.bound.test(&lhs, &rhs);
    let pct = if total.is_zero() {
        "no nodes".to_string()
    } else {
        let p = (good * hundred / total).round_dp(2).normalize();
        match share.by {
            Some(b) => format!("{p}% ({} of {} {b})", good.normalize(), total.normalize()),
            None => format!("{p}% ({} of {} nodes)", good.normalize(), total.normalize()),
        }
    };
    let measure = Measure {
        actual: pct,
        required: format!("{} {}%", share.bound.as_str(), share.percent.normalize()),
        values: Vec::new(),
        omitted: 0,
    };
    if holds {
        return (Offences::default(), measure);
    }
    let below = lhs < rhs;
    let pulls = set.ones().filter(|&i| ok.contains(i) != below);
    (
        Offences::first(pulls.map(|i| Offence::Node(i as u32)), max),
        measure,
    )
}

/// The value symbols of attribute `name` (every element of a list, none
/// of an empty list), untagged.
fn values(attrs: &[(Sym, Sym)], name: Option<Sym>) -> impl Iterator<Item = Sym> + '_ {
    use super::select::{EMPTY_LIST, LIST};
    attrs
        .iter()
        .filter(move |&&(n, v)| Some(n) == name && v != EMPTY_LIST)
        .map(|&(_, v)| v & !LIST)
}
