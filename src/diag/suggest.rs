//! "Did you mean": the nearest known name to a misspelt one.
//!
//! Typos are the commonest mistake in a hand-written agreement or topology,
//! and a suggestion turns a puzzling error into a one-key fix. We rank by
//! Damerau-Levenshtein distance (strsim) and only suggest names close enough
//! to be a plausible typo, so an unrelated name is never offered.

/// The candidates close to `word`, nearest first (ties keep the given order).
pub fn nearest<'a, I>(word: &str, candidates: I) -> Vec<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let word_lc = word.to_lowercase();
    let mut scored: Vec<(usize, usize, &str)> = candidates
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            (
                strsim::damerau_levenshtein(&word_lc, &c.to_lowercase()),
                i,
                c,
            )
        })
        .collect();
    scored.sort();
    scored.dedup_by(|a, b| a.2 == b.2);
    scored.into_iter().map(|(_, _, c)| c).collect()
}

/// The one candidate close enough to `word` to be a plausible typo.
pub fn did_you_mean<'a, I>(word: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let limit = (word.chars().count() / 3).max(1);
    let word_lc = word.to_lowercase();
    nearest(word, candidates)
        .into_iter()
        .next()
        .filter(|c| strsim::damerau_levenshtein(&word_lc, &c.to_lowercase()) <= limit)
}

/// `did you mean `x`?` as a help line, when there is a close candidate.
pub fn help_line<'a, I>(word: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
{
    did_you_mean(word, candidates).map(|c| format!("did you mean `{c}`?"))
}

/// `a`, `b` and `c`: a short list in backticks, at most `max` items.
pub fn list(items: &[&str], max: usize) -> String {
    let shown: Vec<String> = items.iter().take(max).map(|s| format!("`{s}`")).collect();
    let more = items.len().saturating_sub(max);
    let mut text = shown.join(", ");
    if more > 0 {
        text.push_str(&format!(" and {more} more"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_a_near_name() {
        assert_eq!(
            did_you_mean("azure_apj", ["models", "azure_api", "azure"]),
            Some("azure_api")
        );
        assert_eq!(
            did_you_mean("edgs", ["name", "agreement", "nodes", "edges"]),
            Some("edges")
        );
    }

    #[test]
    fn does_not_suggest_an_unrelated_name() {
        assert_eq!(did_you_mean("zzz", ["models", "azure"]), None);
    }

    #[test]
    fn lists_are_cut() {
        assert_eq!(list(&["a", "b", "c"], 2), "`a`, `b` and 1 more");
    }
}
