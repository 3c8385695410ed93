//! Typo corrections of a word the index does not know: words of the index within one or two
//! edits, and words that sound the same (French phonetic keys, [`analysis::phonetic_key`]).

use std::collections::HashMap;

use anyhow::Result;
use tantivy::query::FuzzyTermQuery;
use tantivy::Term;

use super::parse::QTerm;
use crate::analysis;
use crate::schema::Fields;

/// At most this many typo corrections per word (the most frequent ones).
pub(crate) const MAX_VARIANTS: usize = 32;
/// Typo corrections shorter than this are ignored: `pas` is not taken for a typo of `pase`.
const MIN_VARIANT_CHARS: usize = 4;
/// Words shorter than this get no phonetic candidates (too many words sound alike).
const MIN_PHONETIC_CHARS: usize = 5;

/// Folded words of the index (titles and text) by phonetic key, with their document
/// frequencies: built once per open index, at the first word it does not know.
#[derive(Debug, Default)]
pub(crate) struct PhoneticTable {
    by_key: HashMap<String, Vec<(String, u64)>>,
}

impl PhoneticTable {
    pub(crate) fn build(searcher: &tantivy::Searcher, f: &Fields) -> Result<PhoneticTable> {
        let mut words: HashMap<String, u64> = HashMap::new();
        for field in [f.title_raw, f.text_raw] {
            for reader in searcher.segment_readers() {
                let inverted = reader.inverted_index(field)?;
                let mut stream = inverted.terms().stream()?;
                while stream.advance() {
                    let Ok(word) = std::str::from_utf8(stream.key()) else {
                        continue;
                    };
                    if word.len() >= MIN_PHONETIC_CHARS
                        && word.bytes().all(|b| b.is_ascii_lowercase())
                    {
                        let df = u64::from(stream.value().doc_freq);
                        let e = words.entry(word.to_string()).or_default();
                        *e = (*e).max(df);
                    }
                }
            }
        }
        let mut by_key: HashMap<String, Vec<(String, u64)>> = HashMap::new();
        for (word, df) in words {
            by_key
                .entry(analysis::phonetic_key(&word))
                .or_default()
                .push((word, df));
        }
        for list in by_key.values_mut() {
            list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        }
        Ok(PhoneticTable { by_key })
    }

    /// Words of the index that sound like `typed` (its phonetic key), most frequent first.
    fn sounding_like(&self, typed: &str) -> &[(String, u64)] {
        self.by_key
            .get(&analysis::phonetic_key(typed))
            .map_or(&[], Vec::as_slice)
    }
}

/// The typo corrections of an unknown word: folded words of the index (title or text) within the
/// word's Levenshtein distance (transpositions cost 1), keeping only the closest distance found,
/// then words of 5 letters or more that sound like it; never a stop word nor a word of fewer than
/// [`MIN_VARIANT_CHARS`] characters; the [`MAX_VARIANTS`] most frequent of each source first.
/// The term dictionary is walked with tantivy's Levenshtein automaton, as `FuzzyTermQuery` would
/// do, but the choice of words stays ours.
pub(crate) fn typo_variants(
    searcher: &tantivy::Searcher,
    f: &Fields,
    t: &QTerm,
    phonetic: Option<&PhoneticTable>,
) -> Result<Vec<String>> {
    let mut found: HashMap<String, u64> = HashMap::new();
    if t.fuzzy > 0 {
        for field in [f.title_raw, f.text_raw] {
            let fuzzy = FuzzyTermQuery::new(Term::from_field_text(field, &t.folded), t.fuzzy, true);
            for reader in searcher.segment_readers() {
                let inverted = reader.inverted_index(field)?;
                let mut stream = inverted.terms().search(fuzzy.automaton()?).into_stream()?;
                while stream.advance() {
                    let Ok(word) = std::str::from_utf8(stream.key()) else {
                        continue;
                    };
                    if word.chars().count() < MIN_VARIANT_CHARS || analysis::is_stop_word(word) {
                        continue;
                    }
                    let e = found.entry(word.to_string()).or_default();
                    *e = (*e).max(u64::from(stream.value().doc_freq));
                }
            }
        }
    }
    let mut scored: Vec<(usize, u64, String)> = found
        .into_iter()
        .filter_map(|(w, df)| osa_distance(&w, &t.folded, t.fuzzy as usize).map(|d| (d, df, w)))
        .collect();
    if let Some(best) = scored.iter().map(|x| x.0).min() {
        scored.retain(|x| x.0 == best);
    }
    scored.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.2.cmp(&b.2)));
    scored.truncate(MAX_VARIANTS);
    let mut out: Vec<String> = scored.into_iter().map(|x| x.2).collect();
    if let Some(table) = phonetic {
        if t.folded.chars().count() >= MIN_PHONETIC_CHARS {
            let typed = t.typed.to_lowercase();
            for (word, _) in table.sounding_like(&typed).iter().take(MAX_VARIANTS / 2) {
                if !out.contains(word) && !analysis::is_stop_word(word) {
                    out.push(word.clone());
                }
            }
        }
    }
    Ok(out)
}

/// Optimal-string-alignment distance (Levenshtein plus adjacent transpositions), if ≤ `max`.
pub(crate) fn osa_distance(a: &str, b: &str, max: usize) -> Option<usize> {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for (j, cell) in d.iter_mut().take(w).enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        d[i * w] = i;
        let mut row_min = d[i * w];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * w + j] + 1)
                .min(d[i * w + j - 1] + 1)
                .min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = v;
            row_min = row_min.min(v);
        }
        if row_min > max {
            return None;
        }
    }
    let dist = d[a.len() * w + b.len()];
    (dist <= max).then_some(dist)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance() {
        assert_eq!(osa_distance("thunderbird", "thunderbrid", 2), Some(1));
        assert_eq!(osa_distance("cookies", "cokies", 1), Some(1));
        assert_eq!(osa_distance("cookies", "cake", 1), None);
        assert_eq!(osa_distance("ete", "ete", 0), Some(0));
        assert_eq!(osa_distance("passe", "pase", 2), Some(1));
    }
}
