//! Completion: the language's keywords, the agreement's definitions,
//! parties and edge kinds, and the attribute names, values and edge kinds
//! of the topologies the workspace names.
//!
//! The list does not depend on the cursor: clients filter by the word
//! typed, and every item is one that can stand somewhere in a clause.
//! Items are sorted and deduplicated, so the answer is deterministic.

use std::collections::BTreeMap;

use lsp_types::{CompletionItem, CompletionItemKind};

use super::Workspace;
use super::index::{Analysis, What};

/// The words of the language, as the grammar spells its keywords.
const KEYWORDS: [&str; 57] = [
    "according",
    "access",
    "against",
    "agreement",
    "and",
    "as",
    "at",
    "be",
    "between",
    "both",
    "by",
    "call",
    "clause",
    "contains",
    "count",
    "counts",
    "data",
    "define",
    "depend",
    "direct",
    "directly",
    "distinct",
    "effective",
    "exactly",
    "except",
    "from",
    "has",
    "have",
    "hosted",
    "in",
    "indirectly",
    "least",
    "matches",
    "may",
    "most",
    "moves",
    "must",
    "nodes",
    "not",
    "notwithstanding",
    "of",
    "on",
    "only",
    "or",
    "over",
    "owed",
    "route",
    "shall",
    "should",
    "span",
    "spirit",
    "stay",
    "the",
    "to",
    "until",
    "via",
    "ways",
];

/// The completion items for a document.
pub fn items(analysis: &Analysis, ws: &Workspace) -> Vec<CompletionItem> {
    // One item per label; the first reason found is kept, in this order.
    let mut found: BTreeMap<String, (CompletionItemKind, String)> = BTreeMap::new();
    let mut add = |label: &str, kind, detail: &str| {
        found
            .entry(label.to_string())
            .or_insert((kind, detail.to_string()));
    };
    for o in &analysis.occurrences {
        let (kind, detail) = match o.what {
            What::Definition => (CompletionItemKind::VARIABLE, "definition"),
            What::Party => (CompletionItemKind::CONSTANT, "party"),
            What::Kind => (CompletionItemKind::ENUM_MEMBER, "edge kind"),
            What::Clause => continue,
        };
        add(&o.name, kind, detail);
    }
    for (path, t) in &ws.topologies {
        let mut names = std::collections::BTreeSet::new();
        let mut values = std::collections::BTreeSet::new();
        for node in &t.nodes {
            for &(n, v) in &node.attrs {
                names.insert(n);
                values.insert(crate::topology::untag(v));
            }
        }
        let kinds: std::collections::BTreeSet<_> = t.edges.iter().map(|e| e.kind).collect();
        let detail = |what: &str| format!("{what} in {path}");
        for n in names {
            add(
                t.strings.resolve(n),
                CompletionItemKind::PROPERTY,
                &detail("attribute"),
            );
        }
        for k in kinds {
            add(
                t.strings.resolve(k),
                CompletionItemKind::ENUM_MEMBER,
                &detail("edge kind"),
            );
        }
        for v in values {
            let v = t.strings.resolve(v);
            if !v.is_empty() {
                add(v, CompletionItemKind::VALUE, &detail("value"));
            }
        }
    }
    for k in KEYWORDS {
        add(k, CompletionItemKind::KEYWORD, "keyword");
    }
    found
        .into_iter()
        .map(|(label, (kind, detail))| CompletionItem {
            label,
            kind: Some(kind),
            detail: Some(detail),
            ..CompletionItem::default()
        })
        .collect()
}
