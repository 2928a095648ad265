//! The agreement as a typed tree, every node with its span.
//!
//! Spans are carried by [`Node`] and ignored by equality, so tests can
//! compare trees built by hand with trees built by the parser. Names are
//! lowercased when lowered (names and edge kinds are case-insensitive);
//! attribute names and values keep their case (values compare exactly).
//!
//! Chains are flat (`a or b except c` is one [`Selector`] with a list of
//! terms, `not not x` is a count) so that walking a tree never recurses
//! deeper than the parentheses the user wrote, which are bounded before
//! parsing (see `limits`).

use chrono::NaiveDate;

use crate::source::{SourceRef, Span};

/// A value with the span it came from; equality ignores the span.
#[derive(Debug, Clone)]
pub struct Node<T> {
    /// The value.
    pub node: T,
    /// Where it came from.
    pub span: Span,
}

impl<T: PartialEq> PartialEq for Node<T> {
    fn eq(&self, other: &Self) -> bool {
        self.node == other.node
    }
}

impl<T> Node<T> {
    /// Wraps `node` with `span`.
    pub fn new(node: T, span: Span) -> Self {
        Node { node, span }
    }
}

/// The span of a composite node: a byte range that equality ignores, so
/// trees compare by meaning. It dereferences to the range.
#[derive(Debug, Clone, Default)]
pub struct At(pub Span);

impl PartialEq for At {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl std::ops::Deref for At {
    type Target = Span;
    fn deref(&self) -> &Span {
        &self.0
    }
}

/// A lowercased name (definition, party, edge kind) with its span.
pub type Name = Node<String>;

/// A parsed agreement.
#[derive(Debug, Clone)]
pub struct Agreement {
    /// The file it was read from.
    pub source: SourceRef,
    /// The title from the header, if there is a header.
    pub title: Option<Node<String>>,
    /// The parties from the header.
    pub parties: Vec<Name>,
    /// The header's effective window: the agreement's term. A clause is in
    /// force only inside it, and inside its own window if it has one.
    pub window: Option<Node<Window>>,
    /// `define NAME as SELECTOR`, in file order.
    pub definitions: Vec<Definition>,
    /// `in spirit, K1 and K2 count as K`, in file order.
    pub counts_as: Vec<CountsAs>,
    /// `data moves against the call over K` and `data moves both ways
    /// over K`, in file order.
    pub directions: Vec<Direction>,
    /// The clauses, in file order.
    pub clauses: Vec<Clause>,
}

/// `effective D [until D]`; `until` is exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// First day in force.
    pub from: NaiveDate,
    /// First day no longer in force.
    pub until: Option<NaiveDate>,
}

impl Window {
    /// Whether the window includes `day`.
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.from <= day && self.until.is_none_or(|u| day < u)
    }

    /// The days in both windows (possibly none: `from >= until`).
    pub fn intersect(&self, other: &Window) -> Window {
        let until = match (self.until, other.until) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        Window {
            from: self.from.max(other.from),
            until,
        }
    }

    /// `2025-01-01 until 2026-01-01`, or `2025-01-01 onwards` without an end.
    pub fn describe(&self) -> String {
        match self.until {
            Some(u) => format!(
                "{} until {}",
                self.from.format("%Y-%m-%d"),
                u.format("%Y-%m-%d")
            ),
            None => format!("{} onwards", self.from.format("%Y-%m-%d")),
        }
    }
}

/// `define NAME as SELECTOR`.
#[derive(Debug, Clone, PartialEq)]
pub struct Definition {
    /// The defined name.
    pub name: Name,
    /// What it selects.
    pub selector: Selector,
    /// The whole definition.
    pub span: At,
}

/// `in spirit, K1 and K2 count as K`, or a party's own reading:
/// `according to P, K1 and K2 count as K`.
#[derive(Debug, Clone, PartialEq)]
pub struct CountsAs {
    /// The party whose reading this is; `None` for the shared spirit.
    pub party: Option<Name>,
    /// The kinds that count as another.
    pub kinds: Vec<Name>,
    /// The kind they count as.
    pub target: Name,
    /// The whole declaration.
    pub span: At,
}

/// Which way data moves over an edge, when not with the call (from
/// caller to callee, every kind's default).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// `against the call`: from callee to caller (a read, a fetch).
    Against,
    /// `both ways`: in both directions (a sync, a replication).
    Both,
}

impl Flow {
    /// `against the call` or `both ways`, as written.
    pub fn as_str(&self) -> &'static str {
        match self {
            Flow::Against => "against the call",
            Flow::Both => "both ways",
        }
    }
}

/// `data moves against the call over K1, K2` or `data moves both ways over K`.
#[derive(Debug, Clone, PartialEq)]
pub struct Direction {
    /// Which way data moves.
    pub flow: Node<Flow>,
    /// The edge kinds it moves that way over.
    pub kinds: Vec<Name>,
    /// The whole declaration.
    pub span: At,
}

/// A set of nodes: terms combined left to right.
#[derive(Debug, Clone, PartialEq)]
pub struct Selector {
    /// The first term.
    pub first: SelTerm,
    /// The rest, each with the operator before it.
    pub rest: Vec<(SetOp, SelTerm)>,
    /// The whole selector.
    pub span: At,
}

/// How a term combines with what comes before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetOp {
    /// `or`: union.
    Or,
    /// `except`: difference.
    Except,
}

/// `BASE [where PRED]`.
#[derive(Debug, Clone, PartialEq)]
pub struct SelTerm {
    /// What is refined.
    pub base: SelBase,
    /// The refinement, if any.
    pub filter: Option<Predicate>,
    /// The whole term.
    pub span: At,
}

/// The start of a term.
#[derive(Debug, Clone, PartialEq)]
pub enum SelBase {
    /// `nodes`: every node.
    All(Span),
    /// A defined name.
    Ref(Name),
    /// A parenthesised selector.
    Group(Box<Selector>),
}

/// A predicate in disjunctive layers: `or` of `and` of (`not`* atom).
#[derive(Debug, Clone, PartialEq)]
pub struct Predicate {
    /// The `or` alternatives, each an `and` of factors.
    pub any: Vec<Vec<Factor>>,
    /// The whole predicate.
    pub span: At,
}

/// An atom under an even or odd number of `not`s.
#[derive(Debug, Clone, PartialEq)]
pub struct Factor {
    /// Whether an odd number of `not`s precede the atom.
    pub negated: bool,
    /// The test.
    pub atom: Atom,
    /// The `not`s and the atom.
    pub span: At,
}

/// One test on a node's attributes.
#[derive(Debug, Clone, PartialEq)]
pub enum Atom {
    /// `( PRED )`.
    Group(Box<Predicate>),
    /// `has ATTR`.
    Has(Node<String>),
    /// `ATTR = V`, `ATTR != V`, `ATTR in [..]`, `ATTR not in [..]`.
    Compare {
        /// The attribute.
        attr: Node<String>,
        /// The values compared against (one for `=` and `!=`).
        values: Vec<Node<String>>,
        /// `!=` or `not in`.
        negated: bool,
    },
    /// `ATTR < N`, `<=`, `>`, `>=`: numbers compared as exact decimals.
    Order {
        /// The attribute.
        attr: Node<String>,
        /// The comparison.
        op: Node<Order>,
        /// The number as written.
        value: Node<String>,
        /// Its value.
        number: rust_decimal::Decimal,
    },
    /// `ATTR matches "eu-*"`: `*` matches any run of characters.
    Matches {
        /// The attribute.
        attr: Node<String>,
        /// The pattern as written.
        pattern: Node<String>,
    },
    /// `ATTR contains V`: a list-valued attribute has `V` among its values.
    Contains {
        /// The attribute.
        attr: Node<String>,
        /// The value looked for.
        value: Node<String>,
    },
}

impl Atom {
    /// The attribute an atom tests, if it tests one directly.
    pub fn attr(&self) -> Option<&Node<String>> {
        match self {
            Atom::Group(_) => None,
            Atom::Has(a)
            | Atom::Compare { attr: a, .. }
            | Atom::Order { attr: a, .. }
            | Atom::Matches { attr: a, .. }
            | Atom::Contains { attr: a, .. } => Some(a),
        }
    }
}

/// A numeric comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// `<`.
    Lt,
    /// `<=`.
    Le,
    /// `>`.
    Gt,
    /// `>=`.
    Ge,
}

impl Order {
    /// `<`, `<=`, `>`, `>=`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Order::Lt => "<",
            Order::Le => "<=",
            Order::Gt => ">",
            Order::Ge => ">=",
        }
    }

    /// Whether `a OP b`.
    pub fn test(&self, a: &rust_decimal::Decimal, b: &rust_decimal::Decimal) -> bool {
        match self {
            Order::Lt => a < b,
            Order::Le => a <= b,
            Order::Gt => a > b,
            Order::Ge => a >= b,
        }
    }
}

/// `at least`, `at most`, `exactly`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// `at least`.
    AtLeast,
    /// `at most`.
    AtMost,
    /// `exactly`.
    Exactly,
}

impl Bound {
    /// As written.
    pub fn as_str(&self) -> &'static str {
        match self {
            Bound::AtLeast => "at least",
            Bound::AtMost => "at most",
            Bound::Exactly => "exactly",
        }
    }

    /// Whether `actual` is within the bound `limit`.
    pub fn test<T: PartialOrd>(&self, actual: &T, limit: &T) -> bool {
        match self {
            Bound::AtLeast => actual >= limit,
            Bound::AtMost => actual <= limit,
            Bound::Exactly => actual == limit,
        }
    }
}

/// A numbered clause.
#[derive(Debug, Clone, PartialEq)]
pub struct Clause {
    /// `4.2`, `7.1(b)`, `A-3`.
    pub id: Node<String>,
    /// The optional quoted title.
    pub title: Option<Node<String>>,
    /// The clause's own window, if any.
    pub window: Option<Node<Window>>,
    /// must / shall / should / may, with or without `not`.
    pub modal: Node<Modal>,
    /// What the clause requires (or, with `may`, permits).
    pub form: Form,
    /// Whether it says `directly or indirectly` (binds the spirit).
    pub indirect: Option<At>,
    /// Whether it says `directly` alone or `direct access`: only paths of
    /// one edge count.
    pub direct: Option<At>,
    /// `owed by P`: the parties that owe the clause, in order written.
    pub obligors: Vec<Name>,
    /// `notwithstanding 4.2, 4.6`: the clauses a permission overrides.
    pub notwithstanding: Vec<Node<String>>,
    /// The body after `clause ID ...:`.
    pub body: At,
    /// The whole clause.
    pub span: At,
}

/// must/shall (binding, errors) or should (advisory, warnings), maybe negated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Modal {
    /// The strength.
    pub strength: Strength,
    /// Whether `not` follows.
    pub negated: bool,
}

/// The modal verb.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strength {
    /// `must`.
    Must,
    /// `shall`, which means the same as `must`.
    Shall,
    /// `should`.
    Should,
    /// `may`: a permission (a carve-out from the clauses it names).
    May,
}

impl Modal {
    /// `must not`, `should`... as written (lowercase).
    pub fn as_str(&self) -> &'static str {
        match (self.strength, self.negated) {
            (Strength::Must, false) => "must",
            (Strength::Must, true) => "must not",
            (Strength::Shall, false) => "shall",
            (Strength::Shall, true) => "shall not",
            (Strength::Should, false) => "should",
            (Strength::Should, true) => "should not",
            (Strength::May, false) => "may",
            (Strength::May, true) => "may not",
        }
    }

    /// Whether a breach is an error (must, shall) rather than a warning.
    pub fn is_binding(&self) -> bool {
        !matches!(self.strength, Strength::Should | Strength::May)
    }

    /// Whether the clause grants a permission (`may`) rather than an obligation.
    pub fn is_permission(&self) -> bool {
        self.strength == Strength::May
    }
}

/// The clause forms.
#[derive(Debug, Clone, PartialEq)]
pub enum Form {
    /// 1. `[K] access [where E] [from S] to T must [not] route [only] via W`.
    Route {
        /// The access kind, if named.
        kind: Option<Name>,
        /// The condition every edge of a path meets, if any.
        edge: Option<Predicate>,
        /// `route only via W`: every interior node is in W.
        only: bool,
        /// The sources, if named.
        from: Option<Selector>,
        /// The targets.
        to: Selector,
        /// The waypoints.
        via: Selector,
    },
    /// 2. `S must [not] have [direct] [K] access [where E] to T`.
    Access {
        /// The subjects.
        subject: Selector,
        /// The access kind, if named.
        kind: Option<Name>,
        /// The condition every edge of a path meets, if any.
        edge: Option<Predicate>,
        /// The targets.
        to: Selector,
    },
    /// 3. `S must [not] depend [where E] on T`.
    Depend {
        /// The dependants.
        subject: Selector,
        /// The condition every edge of a path meets, if any.
        edge: Option<Predicate>,
        /// What they depend on.
        on: Selector,
    },
    /// 4. `T must [not] be hosted on W`.
    Hosted {
        /// The hosted nodes.
        subject: Selector,
        /// The hosts.
        on: Selector,
    },
    /// 5. `T must [not] have PRED`.
    Attribute {
        /// The nodes tested.
        subject: Selector,
        /// The test.
        predicate: Predicate,
    },
    /// 6. `K [where E] from S must stay within W`.
    Stay {
        /// The flow kind.
        kind: Name,
        /// The condition every edge of a path meets, if any.
        edge: Option<Predicate>,
        /// The sources.
        from: Selector,
        /// Where the flow must stay.
        within: Selector,
    },
    /// 7. `S must span at most N distinct ATTR` (`at least`, `exactly`).
    Span {
        /// The nodes counted.
        subject: Selector,
        /// The bound.
        bound: Node<Bound>,
        /// The count, as written.
        count: Node<u64>,
        /// The attribute whose distinct values are counted.
        attr: Node<String>,
    },
    /// 8. `at least P% of S [by ATTR] must be hosted on W` or `must have PRED`.
    Share {
        /// The bound.
        bound: Node<Bound>,
        /// The percentage, exact.
        percent: Node<rust_decimal::Decimal>,
        /// The nodes counted.
        subject: Selector,
        /// The numeric attribute that weighs each node, if any.
        by: Option<Node<String>>,
        /// What the share of nodes must satisfy.
        test: ShareTest,
    },
}

/// What the nodes counted by a share must satisfy.
#[derive(Debug, Clone, PartialEq)]
pub enum ShareTest {
    /// `be hosted on W`.
    Hosted(Selector),
    /// `have PRED`.
    Attribute(Predicate),
}

impl Form {
    /// The form's name in messages and reports.
    pub fn name(&self) -> &'static str {
        match self {
            Form::Route { .. } => "waypoint",
            Form::Access { .. } => "isolation",
            Form::Depend { .. } => "dependency",
            Form::Hosted { .. } => "hosting",
            Form::Attribute { .. } => "attribute",
            Form::Stay { .. } => "containment",
            Form::Span { .. } => "span",
            Form::Share { .. } => "share",
        }
    }

    /// The condition on edges the form names, if any.
    pub fn edge_condition(&self) -> Option<&Predicate> {
        match self {
            Form::Route { edge, .. }
            | Form::Access { edge, .. }
            | Form::Depend { edge, .. }
            | Form::Stay { edge, .. } => edge.as_ref(),
            _ => None,
        }
    }

    /// Whether the form is judged by paths (and so can be excused by a
    /// permission, walk edge conditions, be `direct`).
    pub fn is_path_form(&self) -> bool {
        matches!(
            self,
            Form::Route { .. } | Form::Access { .. } | Form::Depend { .. } | Form::Stay { .. }
        )
    }
}
