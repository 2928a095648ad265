//! What the server knows of one agreement: the tree (when it parses), the
//! diagnostics `check` would give for it alone, and every name it declares
//! or uses, with its span.
//!
//! Everything comes from the library's own parser and checks
//! ([`crate::syntax::analyse`], [`crate::engine::dates`]), so the editor
//! shows exactly what `proviso check` would, at the same ranges.

use crate::Date;
use crate::diag::Diagnostic;
use crate::source::{Source, Span};
use crate::syntax::ast::{Agreement, Form, SelBase, Selector};

/// What a name names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum What {
    /// A definition (`define NAME as ...`).
    Definition,
    /// A clause id.
    Clause,
    /// A party of the header.
    Party,
    /// An edge kind.
    Kind,
}

/// One place a name is written.
#[derive(Debug, Clone)]
pub struct Occurrence {
    /// What it names.
    pub what: What,
    /// The name, lowercased for names and kinds, as written for clause ids.
    pub name: String,
    /// Where it is written.
    pub span: Span,
    /// Whether this is where it is declared.
    pub declaration: bool,
}

/// One analysed version of a document.
pub struct Analysis {
    /// The tree, unless the text has a syntax error.
    pub agreement: Option<Agreement>,
    /// Errors, then the date warnings, as `check` gives them.
    pub diagnostics: Vec<Diagnostic>,
    /// Every name written, in source order.
    pub occurrences: Vec<Occurrence>,
}

impl Analysis {
    /// Parses and checks `text`, read from `path`, judging its dates as of `as_of`.
    pub fn new(path: &str, text: &str, as_of: Date) -> Self {
        let source = Source::new(path, text);
        let (agreement, mut diagnostics) = crate::syntax::analyse(&source);
        let mut occurrences = Vec::new();
        if let Some(ag) = &agreement {
            diagnostics.extend(crate::engine::dates(ag, as_of).into_iter().map(|(_, d)| d));
            occurrences = collect(ag);
        }
        Analysis {
            agreement,
            diagnostics,
            occurrences,
        }
    }

    /// The occurrence under a byte offset (a cursor just after a name counts).
    pub fn at(&self, offset: usize) -> Option<&Occurrence> {
        self.occurrences
            .iter()
            .find(|o| o.span.start <= offset && offset <= o.span.end)
    }

    /// Every occurrence of the same name as `o`.
    pub fn all<'a>(&'a self, o: &Occurrence) -> impl Iterator<Item = &'a Occurrence> + use<'a> {
        let (what, name) = (o.what, o.name.clone());
        self.occurrences
            .iter()
            .filter(move |x| x.what == what && x.name == name)
    }

    /// The declaration of the name of `o`, if the agreement has one.
    pub fn declaration(&self, o: &Occurrence) -> Option<&Occurrence> {
        self.all(o).find(|x| x.declaration)
    }
}

fn collect(ag: &Agreement) -> Vec<Occurrence> {
    let mut out = Vec::new();
    let mut push = |what, name: &str, span: &Span, declaration| {
        out.push(Occurrence {
            what,
            name: name.to_string(),
            span: span.clone(),
            declaration,
        })
    };
    for p in &ag.parties {
        push(What::Party, &p.node, &p.span, true);
    }
    for d in &ag.definitions {
        push(What::Definition, &d.name.node, &d.name.span, true);
        selector_refs(&d.selector, &mut push);
    }
    for c in &ag.counts_as {
        if let Some(p) = &c.party {
            push(What::Party, &p.node, &p.span, false);
        }
        for k in c.kinds.iter().chain([&c.target]) {
            push(What::Kind, &k.node, &k.span, false);
        }
    }
    for d in &ag.directions {
        for k in &d.kinds {
            push(What::Kind, &k.node, &k.span, false);
        }
    }
    for c in &ag.clauses {
        push(What::Clause, &c.id.node, &c.id.span, true);
        for n in &c.notwithstanding {
            push(What::Clause, &n.node, &n.span, false);
        }
        for p in &c.obligors {
            push(What::Party, &p.node, &p.span, false);
        }
        if let Some(k) = form_kind(&c.form) {
            push(What::Kind, &k.node, &k.span, false);
        }
        for s in crate::syntax::meaning::selectors(&c.form) {
            selector_refs(s, &mut push);
        }
    }
    out.sort_by_key(|o| o.span.start);
    out
}

/// `span` without what the parser let it run over at its end: blanks and
/// comments (a pest rule's span takes in the skipped text between its
/// last token and the next attempt), so that outlines and hovers show the
/// construct as written.
pub fn trim(text: &str, span: &Span) -> Span {
    let Some(mut s) = text.get(span.clone()) else {
        return span.clone();
    };
    loop {
        let t = s.trim_end();
        let line_start = t.rfind('\n').map_or(0, |i| i + 1);
        let cut = comment_start(&t[line_start..]).map(|c| line_start + c);
        match cut {
            Some(c) if c < t.len() => s = &t[..c],
            _ => {
                s = t;
                break;
            }
        }
    }
    span.start..span.start + s.len()
}

/// Where a `#` comment starts on a line, outside `"quoted"` text.
fn comment_start(line: &str) -> Option<usize> {
    let mut quoted = false;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            '#' if !quoted => return Some(i),
            _ => {}
        }
    }
    None
}

/// The edge kind a clause names, if any.
pub fn form_kind(form: &Form) -> Option<&crate::syntax::ast::Name> {
    match form {
        Form::Route { kind, .. } | Form::Access { kind, .. } => kind.as_ref(),
        Form::Stay { kind, .. } => Some(kind),
        _ => None,
    }
}

/// The definitions a selector names, through its parentheses (whose depth
/// the parser bounds).
fn selector_refs(sel: &Selector, push: &mut impl FnMut(What, &str, &Span, bool)) {
    for term in std::iter::once(&sel.first).chain(sel.rest.iter().map(|(_, t)| t)) {
        match &term.base {
            SelBase::All(_) => {}
            SelBase::Ref(n) => push(What::Definition, &n.node, &n.span, false),
            SelBase::Group(inner) => selector_refs(inner, push),
        }
    }
}
