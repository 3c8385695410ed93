//! Query side: parsing the typed text, building the tantivy query, filtering and counting facets
//! in one pass, and turning the best documents into [`Hit`]s. Compiles without the `native`
//! feature (no file system, no threads).

use std::collections::{BTreeMap, HashMap, HashSet};

use anyhow::{bail, Context, Result};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::StrColumn;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, Query as TQuery, TermQuery,
    TermSetQuery,
};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader, TantivyDocument, Term};

use crate::analysis;
use crate::schema::{Fields, AUDIENCES, FACETS, LANGUAGE, LEVEL, TITLE_SORT};
use crate::{Hit, Matches, Query, Results, Searcher, StoredDoc};

/// Boosts of the stemmed fields, per field part.
const TITLE_BOOST: Score = 3.0;
const SUMMARY_BOOST: Score = 2.0;
const BODY_BOOST: Score = 1.0;
/// Constant score of a typo-tolerant (fuzzy) match on the folded text; ×[`TITLE_BOOST`] in titles.
const FUZZY_BOOST: Score = 0.3;
/// Weight of the stems of a word's typo corrections, relative to a stem of the word as typed.
const VARIANT_BOOST: Score = 0.5;
/// How many typo corrections (the most frequent) are also searched by their stems.
const MAX_STEMMED_VARIANTS: usize = 8;
/// Constant score of a prefix match of the last, possibly unfinished, word.
const PREFIX_BOOST: Score = 0.2;

/// One word of the query, in every form the engine and the snippet builder need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct QTerm {
    /// Lower-cased, accent-folded, unstemmed.
    pub folded: String,
    /// French stem of `folded`.
    pub fr: Option<String>,
    /// English stem of `folded`.
    pub en: Option<String>,
    /// Levenshtein distance allowed on `folded` (0, 1 for ≥ 4 chars, 2 for ≥ 8 chars).
    pub fuzzy: u8,
    /// The last word, still being typed: also matches as a prefix (≥ 3 chars).
    pub prefix: bool,
    /// Typo corrections: folded words of the index within `fuzzy` of `folded` (closest distance
    /// only, see [`typo_variants`]). Filled by [`run`] for words the index does not know.
    pub variants: Vec<String>,
    /// French stems of the most frequent `variants` (BM25-scored at [`VARIANT_BOOST`]).
    pub variant_fr: Vec<String>,
    /// English stems of the most frequent `variants`.
    pub variant_en: Vec<String>,
}

/// Splits and analyses the typed text. Stop words are dropped unless the query has nothing else.
/// Duplicate words are kept once.
pub(crate) fn parse_text(text: &str) -> Vec<QTerm> {
    let mut folder = analysis::folded();
    let mut fr = analysis::french();
    let mut en = analysis::english();
    let toks = analysis::tokens(&mut folder, text);
    // The last word is "being typed" unless something (a space, a dot…) follows it.
    let open_end = toks.last().map(|t| t.to == text.len()).unwrap_or(false);
    let last_index = toks.len().saturating_sub(1);
    let all_stop = toks.iter().all(|t| analysis::is_stop_word(&t.text));
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for (i, tok) in toks.into_iter().enumerate() {
        if !all_stop && analysis::is_stop_word(&tok.text) {
            continue;
        }
        if !seen.insert(tok.text.clone()) {
            continue;
        }
        let len = tok.text.chars().count();
        let fuzzy = match len {
            0..=3 => 0,
            4..=7 => 1,
            _ => 2,
        };
        // A stem that is a stop word is dropped (unless the query is only stop words): the typo
        // `pase` stems to `pas`, which would match nearly every French text.
        let useful = |stem: Option<String>| stem.filter(|s| all_stop || !analysis::is_stop_word(s));
        out.push(QTerm {
            fr: useful(analysis::stem_one(&mut fr, &tok.text)),
            en: useful(analysis::stem_one(&mut en, &tok.text)),
            fuzzy,
            prefix: open_end && i == last_index && len >= 3,
            variants: Vec::new(),
            variant_fr: Vec::new(),
            variant_en: Vec::new(),
            folded: tok.text,
        });
    }
    out
}

fn boosted(q: Box<dyn TQuery>, boost: Score) -> Box<dyn TQuery> {
    if boost == 1.0 {
        q
    } else {
        Box::new(BoostQuery::new(q, boost))
    }
}

/// All the ways one word may match, OR-ed.
fn term_query(f: &Fields, t: &QTerm) -> Box<dyn TQuery> {
    let mut clauses: Vec<(Occur, Box<dyn TQuery>)> = Vec::new();
    let stemmed = [
        (&t.fr, &t.variant_fr, [f.title_fr, f.summary_fr, f.body_fr]),
        (&t.en, &t.variant_en, [f.title_en, f.summary_en, f.body_en]),
    ];
    for (stem, variant_stems, fields) in stemmed {
        let stems = stem
            .iter()
            .map(|s| (s, 1.0))
            .chain(variant_stems.iter().map(|s| (s, VARIANT_BOOST)));
        for (stem, stem_boost) in stems {
            for (field, boost) in fields
                .into_iter()
                .zip([TITLE_BOOST, SUMMARY_BOOST, BODY_BOOST])
            {
                let tq = TermQuery::new(
                    Term::from_field_text(field, stem),
                    IndexRecordOption::WithFreqs,
                );
                clauses.push((Occur::Should, boosted(Box::new(tq), boost * stem_boost)));
            }
        }
    }
    // Folded, unstemmed text: the word as typed (the only match for languages without stemming)
    // and its typo corrections, at a small constant score.
    for (field, boost) in [(f.title_raw, TITLE_BOOST), (f.text_raw, 1.0)] {
        let term = Term::from_field_text(field, &t.folded);
        let words = std::iter::once(term.clone())
            .chain(t.variants.iter().map(|v| Term::from_field_text(field, v)));
        let set = TermSetQuery::new(words);
        clauses.push((Occur::Should, boosted(Box::new(set), FUZZY_BOOST * boost)));
        if t.prefix {
            let pq = FuzzyTermQuery::new_prefix(term, 0, true);
            clauses.push((Occur::Should, boosted(Box::new(pq), PREFIX_BOOST * boost)));
        }
    }
    Box::new(BooleanQuery::new(clauses))
}

/// At most this many typo corrections per word (the most frequent ones).
const MAX_VARIANTS: usize = 32;
/// Typo corrections shorter than this are ignored: `pas` is not taken for a typo of `pase`.
const MIN_VARIANT_CHARS: usize = 4;

/// The typo corrections of an unknown word: folded words of the index (title or text) within the
/// word's Levenshtein distance (transpositions cost 1), keeping only the closest distance found,
/// never a stop word nor a word of fewer than [`MIN_VARIANT_CHARS`] characters, the
/// [`MAX_VARIANTS`] most frequent first. The term dictionary is walked with tantivy's Levenshtein
/// automaton, as `FuzzyTermQuery` would do, but the choice of words stays ours.
fn typo_variants(searcher: &tantivy::Searcher, f: &Fields, t: &QTerm) -> Result<Vec<String>> {
    let mut found: HashMap<String, u64> = HashMap::new();
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
                *found.entry(word.to_string()).or_default() += u64::from(stream.value().doc_freq);
            }
        }
    }
    let mut scored: Vec<(usize, u64, String)> = found
        .into_iter()
        .filter_map(|(w, df)| osa_distance(&w, &t.folded, t.fuzzy as usize).map(|d| (d, df, w)))
        .collect();
    let Some(best) = scored.iter().map(|x| x.0).min() else {
        return Ok(Vec::new());
    };
    scored.retain(|x| x.0 == best);
    scored.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.2.cmp(&b.2)));
    scored.truncate(MAX_VARIANTS);
    Ok(scored.into_iter().map(|x| x.2).collect())
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

/// The whole text query: every word required (`Occur::Must`) or any word (`Occur::Should`).
fn text_query(f: &Fields, terms: &[QTerm], occur: Occur) -> Box<dyn TQuery> {
    if terms.len() == 1 {
        return term_query(f, &terms[0]);
    }
    Box::new(BooleanQuery::new(
        terms.iter().map(|t| (occur, term_query(f, t))).collect(),
    ))
}

/// Validates the filters and groups them per facet (index in [`FACETS`]); an empty list means no
/// filter on that field.
fn group_filters(filters: &[(String, String)]) -> Result<Vec<Vec<String>>> {
    let mut groups = vec![Vec::new(); FACETS.len()];
    for (field, value) in filters {
        let Some(i) = FACETS.iter().position(|f| f == field) else {
            bail!(
                "unknown search filter field `{field}` (known: {})",
                FACETS.join(", ")
            );
        };
        if !groups[i].contains(value) {
            groups[i].push(value.clone());
        }
    }
    Ok(groups)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Order {
    Score,
    Title,
}

/// Collects, in one pass over the documents matching the text: the ones passing every filter
/// (the hits), and disjunctive facet counts — a document counts for field F's values when it
/// passes the filters of every field but F.
struct FacetCollector {
    filters: Vec<Vec<String>>,
    order: Order,
    limit: usize,
    /// Count facets; when false, only the columns of filtered fields are read.
    count: bool,
}

struct FacetSegmentCollector {
    segment: SegmentOrdinal,
    columns: Vec<Option<StrColumn>>,
    /// Per facet: `None` = no filter; `Some(ords)` = accepted term ordinals (may be empty).
    wanted: Vec<Option<Vec<u64>>>,
    /// Per facet: count per term ordinal.
    counts: Vec<Vec<u64>>,
    title_sort: Option<StrColumn>,
    order: Order,
    limit: usize,
    hits: Vec<(DocId, Score)>,
    total: usize,
    ords: Vec<u64>,
}

/// A segment's harvest: total, best hits (with their sort key) and facet counts.
struct SegmentFruit {
    total: usize,
    hits: Vec<(Score, String, DocAddress)>,
    facets: Vec<BTreeMap<String, u64>>,
}

impl Collector for FacetCollector {
    type Fruit = SegmentFruit;
    type Child = FacetSegmentCollector;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<FacetSegmentCollector> {
        let ff = reader.fast_fields();
        let mut columns = Vec::with_capacity(FACETS.len());
        let mut wanted = Vec::with_capacity(FACETS.len());
        let mut counts = Vec::with_capacity(FACETS.len());
        for (name, values) in FACETS.iter().zip(&self.filters) {
            if !self.count && values.is_empty() {
                columns.push(None);
                wanted.push(None);
                counts.push(Vec::new());
                continue;
            }
            let column = ff.str(name)?;
            counts.push(vec![0u64; column.as_ref().map_or(0, |c| c.num_terms())]);
            if values.is_empty() {
                wanted.push(None);
            } else {
                let mut ords = Vec::new();
                if let Some(c) = &column {
                    for v in values {
                        if let Some(ord) = c.dictionary().term_ord(v.as_bytes())? {
                            ords.push(ord);
                        }
                    }
                }
                wanted.push(Some(ords));
            }
            columns.push(column);
        }
        let title_sort = match self.order {
            Order::Title => ff.str(TITLE_SORT)?,
            Order::Score => None,
        };
        Ok(FacetSegmentCollector {
            segment,
            columns,
            wanted,
            counts,
            title_sort,
            order: self.order,
            limit: self.limit,
            hits: Vec::new(),
            total: 0,
            ords: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        self.order == Order::Score
    }

    fn merge_fruits(&self, fruits: Vec<SegmentFruit>) -> tantivy::Result<SegmentFruit> {
        let mut total = 0;
        let mut hits = Vec::new();
        let mut facets = vec![BTreeMap::new(); FACETS.len()];
        for fruit in fruits {
            total += fruit.total;
            hits.extend(fruit.hits);
            for (acc, counts) in facets.iter_mut().zip(fruit.facets) {
                for (value, n) in counts {
                    *acc.entry(value).or_insert(0) += n;
                }
            }
        }
        sort_hits(&mut hits, self.order);
        hits.truncate(self.limit);
        Ok(SegmentFruit {
            total,
            hits,
            facets,
        })
    }
}

fn sort_hits(hits: &mut [(Score, String, DocAddress)], order: Order) {
    match order {
        Order::Score => hits.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.2.cmp(&b.2))),
        Order::Title => hits.sort_by(|a, b| a.1.cmp(&b.1).then(a.2.cmp(&b.2))),
    }
}

impl SegmentCollector for FacetSegmentCollector {
    type Fruit = SegmentFruit;

    fn collect(&mut self, doc: DocId, score: Score) {
        // Which filtered fields does this document fail?
        let mut failed = 0usize;
        let mut failed_field = 0usize;
        for (i, wanted) in self.wanted.iter().enumerate() {
            let Some(wanted) = wanted else { continue };
            let ok = match &self.columns[i] {
                Some(c) => c.term_ords(doc).any(|o| wanted.contains(&o)),
                None => false,
            };
            if !ok {
                failed += 1;
                failed_field = i;
                if failed > 1 {
                    return;
                }
            }
        }
        let mut count_field = |i: usize, ords: &mut Vec<u64>| {
            if let Some(c) = &self.columns[i] {
                ords.clear();
                ords.extend(c.term_ords(doc));
                for &o in ords.iter() {
                    if let Some(n) = self.counts[i].get_mut(o as usize) {
                        *n += 1;
                    }
                }
            }
        };
        let mut ords = std::mem::take(&mut self.ords);
        if failed == 1 {
            count_field(failed_field, &mut ords);
        } else {
            for i in 0..FACETS.len() {
                count_field(i, &mut ords);
            }
            self.total += 1;
            self.hits.push((doc, score));
        }
        self.ords = ords;
    }

    fn harvest(mut self) -> SegmentFruit {
        // Keep this segment's best `limit` hits; the title key is only materialised for those.
        match self.order {
            Order::Score => self
                .hits
                .sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0))),
            Order::Title => {
                let col = &self.title_sort;
                let key = |d: DocId| {
                    col.as_ref()
                        .and_then(|c| c.term_ords(d).next())
                        .unwrap_or(u64::MAX)
                };
                self.hits.sort_by_key(|&(d, _)| (key(d), d));
            }
        }
        self.hits.truncate(self.limit);
        let mut buf = String::new();
        let hits = self
            .hits
            .iter()
            .map(|&(doc, score)| {
                let mut key = String::new();
                if let (Order::Title, Some(c)) = (self.order, &self.title_sort) {
                    if let Some(o) = c.term_ords(doc).next() {
                        if c.ord_to_str(o, &mut buf).unwrap_or(false) {
                            key = buf.clone();
                        }
                    }
                }
                (score, key, DocAddress::new(self.segment, doc))
            })
            .collect();
        let mut facets = Vec::with_capacity(FACETS.len());
        for (column, counts) in self.columns.iter().zip(&self.counts) {
            let mut map = BTreeMap::new();
            if let Some(c) = column {
                for (ord, &n) in counts.iter().enumerate() {
                    if n > 0 && c.ord_to_str(ord as u64, &mut buf).unwrap_or(false) {
                        map.insert(buf.clone(), n);
                    }
                }
            }
            facets.push(map);
        }
        SegmentFruit {
            total: self.total,
            hits,
            facets,
        }
    }
}

fn first_str(doc: &TantivyDocument, field: Field) -> String {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string()
}

/// Runs a [`Query`] (see the crate doc for the semantics).
pub(crate) fn run(s: &Searcher, q: &Query) -> Result<Results> {
    let m = matches(s, q, true)?;
    let mut hits = Vec::with_capacity(m.docs.len());
    for &(addr, score) in &m.docs {
        let doc = stored(s, addr)?;
        hits.push(Hit {
            snippet_html: m.snippet_html(&doc.excerpt, &doc.language),
            slug: doc.slug,
            url: doc.url,
            title: doc.title,
            summary: doc.summary,
            score,
            level: doc.level,
            audiences: doc.audiences,
            duration_minutes: doc.duration_minutes,
        });
    }
    Ok(Results {
        total: m.total,
        hits,
        facets: m.facets,
    })
}

/// The stored fields of one document.
pub(crate) fn stored(s: &Searcher, addr: DocAddress) -> Result<StoredDoc> {
    let f = &s.fields;
    let doc: TantivyDocument = s
        .reader
        .searcher()
        .doc(addr)
        .context("reading a search result")?;
    Ok(StoredDoc {
        slug: first_str(&doc, f.slug),
        url: first_str(&doc, f.url),
        title: first_str(&doc, f.title),
        summary: first_str(&doc, f.summary),
        excerpt: first_str(&doc, f.excerpt),
        language: doc
            .get_first(f.facets[LANGUAGE])
            .and_then(|v| v.as_str())
            .unwrap_or("fr")
            .to_string(),
        level: first_str(&doc, f.facets[LEVEL]),
        audiences: doc
            .get_all(f.facets[AUDIENCES])
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        duration_minutes: doc
            .get_first(f.duration_minutes)
            .and_then(|v| v.as_u64())
            .unwrap_or(0) as u32,
    })
}

/// Text analysis, typo corrections, matching and facet counting — everything but reading the
/// stored fields of the hits.
pub(crate) fn matches(s: &Searcher, q: &Query, count_facets: bool) -> Result<Matches> {
    let filters = group_filters(&q.filters)?;
    let mut terms = parse_text(&q.text);
    let searcher = s.reader.searcher();
    // Typo tolerance is for words the index does not know: a word that occurs as typed is not
    // expanded (`page` does not also fetch `base`, `passe`; `securite` not `securise`).
    for t in &mut terms {
        if t.fuzzy > 0 {
            let mut known = false;
            for field in [s.fields.title_raw, s.fields.text_raw] {
                known |= searcher.doc_freq(&Term::from_field_text(field, &t.folded))? > 0;
            }
            if known {
                t.fuzzy = 0;
            } else {
                t.variants = typo_variants(&searcher, &s.fields, t)?;
                let (mut fr, mut en) = (analysis::french(), analysis::english());
                for v in t.variants.iter().take(MAX_STEMMED_VARIANTS) {
                    for (an, out, own) in [
                        (&mut fr, &mut t.variant_fr, &t.fr),
                        (&mut en, &mut t.variant_en, &t.en),
                    ] {
                        if let Some(stem) = analysis::stem_one(an, v) {
                            if !analysis::is_stop_word(&stem)
                                && own.as_ref() != Some(&stem)
                                && !out.contains(&stem)
                            {
                                out.push(stem);
                            }
                        }
                    }
                }
            }
        }
    }
    let collector = |order| FacetCollector {
        filters: filters.clone(),
        order,
        limit: q.limit,
        count: count_facets,
    };

    let fruit = if terms.is_empty() {
        searcher.search(&AllQuery, &collector(Order::Title))?
    } else {
        let all = text_query(&s.fields, &terms, Occur::Must);
        let fruit = searcher.search(all.as_ref(), &collector(Order::Score))?;
        if fruit.total == 0 && terms.len() > 1 {
            // No document has every word: fall back to documents having any of them.
            let any = text_query(&s.fields, &terms, Occur::Should);
            searcher.search(any.as_ref(), &collector(Order::Score))?
        } else {
            fruit
        }
    };

    let facets = FACETS
        .iter()
        .zip(fruit.facets)
        .map(|(name, counts)| (name.to_string(), counts))
        .collect();
    Ok(Matches {
        total: fruit.total,
        docs: fruit
            .hits
            .into_iter()
            .map(|(score, _, addr)| (addr, score))
            .collect(),
        facets,
        terms,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_words_dropped_unless_alone() {
        let t: Vec<String> = parse_text("mot de pase ")
            .into_iter()
            .map(|t| t.folded)
            .collect();
        assert_eq!(t, vec!["mot", "pase"]);
        let t: Vec<String> = parse_text("de la").into_iter().map(|t| t.folded).collect();
        assert_eq!(t, vec!["de", "la"]);
    }

    #[test]
    fn stems_that_are_stop_words_are_dropped() {
        let t = parse_text("pase");
        assert_eq!(t[0].fr, None);
        assert_eq!(parse_text("pas")[0].fr.as_deref(), Some("pas"));
    }

    #[test]
    fn fuzziness_and_prefix() {
        let t = parse_text("cokies thunderbrid nav");
        assert_eq!((t[0].fuzzy, t[0].prefix), (1, false));
        assert_eq!((t[1].fuzzy, t[1].prefix), (2, false));
        assert_eq!((t[2].fuzzy, t[2].prefix), (0, true));
        assert!(!parse_text("nav ")[0].prefix);
    }

    #[test]
    fn distance() {
        assert_eq!(osa_distance("thunderbird", "thunderbrid", 2), Some(1));
        assert_eq!(osa_distance("cookies", "cokies", 1), Some(1));
        assert_eq!(osa_distance("cookies", "cake", 1), None);
        assert_eq!(osa_distance("ete", "ete", 0), Some(0));
        assert_eq!(osa_distance("passe", "pase", 2), Some(1));
    }

    #[test]
    fn unknown_filter_field_is_an_error() {
        assert!(group_filters(&[("colour".into(), "x".into())]).is_err());
        let g = group_filters(&[
            ("level".into(), "a".into()),
            ("level".into(), "b".into()),
            ("level".into(), "a".into()),
        ])
        .unwrap();
        assert_eq!(g[2], vec!["a", "b"]);
    }
}
