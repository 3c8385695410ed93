//! Query side: the typed text analysed ([`parse`]), unknown words corrected ([`typos`]), words
//! looked up in the lexicon, the tantivy query built (ranked matching, see the crate doc),
//! filtering and facet counts in one pass ([`collect`]), and the best documents turned into
//! [`Hit`]s. Compiles without the `native` feature (no file system, no threads).

mod collect;
mod parse;
mod typos;

use std::path::Path;

use anyhow::{bail, Context, Result};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, EnableScoring,
    FuzzyTermQuery, Occur, Query as TQuery, TermQuery, TermSetQuery,
};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::{Directory, DocAddress, DocSet, HasLen, Score, TantivyDocument, Term, TERMINATED};

use crate::analysis;
use crate::lexicon::{Keys, Kind, LexiconReader, LEXICON_FILE};
use crate::schema::{Fields, AUDIENCES, FACETS, LANGUAGE, LEVEL, TYPE};
use crate::{Hit, Matches, Query, Results, Searcher, StoredDoc, Synonym};
use collect::{DurationWish, FacetCollector, Order};
#[cfg(test)]
pub(crate) use parse::parse;
pub(crate) use parse::QTerm;
#[cfg(test)]
pub(crate) use typos::osa_distance;
pub(crate) use typos::PhoneticTable;

/// Boosts of the stemmed fields, per field part.
const TITLE_BOOST: Score = 3.0;
const SUMMARY_BOOST: Score = 2.0;
const BODY_BOOST: Score = 1.0;
/// Boost of the labels of a kit's audiences, level, materials…
const META_BOOST: Score = 2.0;
/// Constant score of a typo-tolerant (fuzzy) match on the folded text; ×[`TITLE_BOOST`] in titles.
const FUZZY_BOOST: Score = 0.3;
/// Weight of the stems of a word's typo corrections, relative to a stem of the word as typed.
const VARIANT_BOOST: Score = 0.5;
/// How many typo corrections (the most frequent) are also searched by their stems.
const MAX_STEMMED_VARIANTS: usize = 8;
/// Constant score of a prefix match of the last, possibly unfinished, word.
const PREFIX_BOOST: Score = 0.2;
/// BM25 weight of a lexicon group the document names, for a word of that group…
const SYNONYM_BOOST: Score = 1.0;
/// …and for a word whose group lists the document's term as related.
const RELATED_BOOST: Score = 0.5;

/// What covering one query word adds, × the word's weight (its inverse document frequency), when
/// the word matches as typed (or by its stem). Ranked matching: a kit covering more of the query
/// ranks higher, a word it lacks lowers its score instead of excluding it.
const COVER: Score = 3.0;
/// Fractions of [`COVER`] for the weaker ways a word can match: through a synonym, a related
/// term, a typo correction, as the prefix of an unfinished word, by the parts of a compound.
const SYNONYM_COVER: Score = 0.5;
const RELATED_COVER: Score = 0.3;
const TYPO_COVER: Score = 0.6;
const PREFIX_COVER: Score = 0.5;
const PARTS_COVER: Score = 0.9;
/// A document must cover at least this fraction of the words that can match (at least one).
const MIN_COVERED: f32 = 0.4;
/// A duration asked for in the text lifts the kits closest to it by up to this fraction of the
/// average word's coverage: more than one word's worth, since a mediator who states a duration
/// means it (relevance suite: 0.6 put 19 of 24 audience and duration queries first, 1.2 and
/// 1.8 put 22).
const DURATION_LIFT: Score = 1.2;

fn boosted(q: Box<dyn TQuery>, boost: Score) -> Box<dyn TQuery> {
    if boost == 1.0 {
        q
    } else {
        Box::new(BoostQuery::new(q, boost))
    }
}

fn term(field: Field, text: &str) -> Term {
    Term::from_field_text(field, text)
}

fn bm25(field: Field, text: &str, boost: Score) -> Box<dyn TQuery> {
    let tq = TermQuery::new(term(field, text), IndexRecordOption::WithFreqs);
    boosted(Box::new(tq), boost)
}

fn union(clauses: Vec<Box<dyn TQuery>>) -> Box<dyn TQuery> {
    Box::new(BooleanQuery::new(
        clauses.into_iter().map(|q| (Occur::Should, q)).collect(),
    ))
}

/// The word as typed, or by its stem, anywhere: what "covered as typed" means.
fn direct_query(f: &Fields, t: &QTerm) -> Box<dyn TQuery> {
    let mut terms = vec![term(f.title_raw, &t.folded), term(f.text_raw, &t.folded)];
    if let Some(stem) = &t.fr {
        for field in [f.title_fr, f.summary_fr, f.body_fr, f.meta_fr] {
            terms.push(term(field, stem));
        }
    }
    if let Some(stem) = &t.en {
        for field in [f.title_en, f.summary_en, f.body_en] {
            terms.push(term(field, stem));
        }
    }
    Box::new(TermSetQuery::new(terms))
}

/// The `lex` tokens a word finds through its groups, as synonyms: the kits holding a word of a
/// group the word belongs to.
fn synonym_tokens(t: &QTerm) -> Vec<(u32, String)> {
    t.groups
        .iter()
        .filter(|g| g.1 == Kind::Synonym)
        .map(|g| (g.0, Kind::Synonym.token(g.0)))
        .collect()
}

/// …and as related terms: the kits holding a related term of a group the word belongs to, and
/// the kits holding a word of a group the word is a related term of.
fn related_tokens(t: &QTerm) -> Vec<(u32, String)> {
    if !t.related {
        return Vec::new();
    }
    t.groups
        .iter()
        .map(|g| match g.1 {
            Kind::Synonym => (g.0, Kind::Related.token(g.0)),
            Kind::Related => (g.0, Kind::Synonym.token(g.0)),
        })
        .collect()
}

fn lex_terms(f: &Fields, tokens: &[(u32, String)]) -> Vec<Term> {
    tokens.iter().map(|(_, tok)| term(f.lex, tok)).collect()
}

/// Every way one word may match, summed: BM25 of its stems (and of its corrections' stems) by
/// field, small constant scores for the folded word, its corrections and its prefix, BM25 of its
/// lexicon groups, and its coverage (the best of the ways it is covered, see [`COVER`]).
fn word_query(f: &Fields, t: &QTerm) -> Box<dyn TQuery> {
    let mut clauses: Vec<Box<dyn TQuery>> = Vec::new();
    let stemmed = [
        (
            &t.fr,
            &t.variant_fr,
            vec![
                (f.title_fr, TITLE_BOOST),
                (f.summary_fr, SUMMARY_BOOST),
                (f.body_fr, BODY_BOOST),
                (f.meta_fr, META_BOOST),
            ],
        ),
        (
            &t.en,
            &t.variant_en,
            vec![
                (f.title_en, TITLE_BOOST),
                (f.summary_en, SUMMARY_BOOST),
                (f.body_en, BODY_BOOST),
            ],
        ),
    ];
    for (stem, variant_stems, fields) in &stemmed {
        let stems = stem
            .iter()
            .map(|s| (s, 1.0))
            .chain(variant_stems.iter().map(|s| (s, VARIANT_BOOST)));
        for (stem, stem_boost) in stems {
            for &(field, boost) in fields {
                clauses.push(bm25(field, stem, boost * stem_boost));
            }
        }
    }
    // Folded, unstemmed text: the word as typed (the only match for languages without stemming)
    // and its typo corrections, at a small constant score.
    for (field, boost) in [(f.title_raw, TITLE_BOOST), (f.text_raw, 1.0)] {
        let words = std::iter::once(term(field, &t.folded))
            .chain(t.variants.iter().map(|v| term(field, v)));
        let set = TermSetQuery::new(words);
        clauses.push(boosted(Box::new(set), FUZZY_BOOST * boost));
        if t.prefix {
            let pq = FuzzyTermQuery::new_prefix(term(field, &t.folded), 0, true);
            clauses.push(boosted(Box::new(pq), PREFIX_BOOST * boost));
        }
    }
    clauses.extend(lexicon_bm25(f, t));

    let cover = COVER * t.weight;
    let constant = |q: Box<dyn TQuery>, fraction: Score| -> Box<dyn TQuery> {
        Box::new(ConstScoreQuery::new(q, cover * fraction))
    };
    let mut ways: Vec<Box<dyn TQuery>> = vec![constant(direct_query(f, t), 1.0)];
    ways.extend(lexicon_coverage(f, t));
    if !t.variants.is_empty() {
        let words = t
            .variants
            .iter()
            .flat_map(|v| [term(f.title_raw, v), term(f.text_raw, v)]);
        ways.push(constant(Box::new(TermSetQuery::new(words)), TYPO_COVER));
    }
    if t.prefix {
        let pq = FuzzyTermQuery::new_prefix(term(f.text_raw, &t.folded), 0, true);
        ways.push(constant(Box::new(pq), PREFIX_COVER));
    }
    if let Some((prefix, rest)) = &t.parts {
        let part = |w: &str| -> Box<dyn TQuery> {
            Box::new(TermSetQuery::new([
                term(f.title_raw, w),
                term(f.text_raw, w),
            ]))
        };
        let both = BooleanQuery::new(vec![(Occur::Must, part(prefix)), (Occur::Must, part(rest))]);
        ways.push(constant(Box::new(both), PARTS_COVER));
    }
    clauses.push(Box::new(DisjunctionMaxQuery::new(ways)));
    union(clauses)
}

/// BM25 of the word's lexicon tokens: synonyms at [`SYNONYM_BOOST`], related at
/// [`RELATED_BOOST`].
fn lexicon_bm25(f: &Fields, t: &QTerm) -> Vec<Box<dyn TQuery>> {
    let mut clauses = Vec::new();
    for (tokens, boost) in [
        (synonym_tokens(t), SYNONYM_BOOST),
        (related_tokens(t), RELATED_BOOST),
    ] {
        for (_, tok) in tokens {
            clauses.push(bm25(f.lex, &tok, boost));
        }
    }
    clauses
}

/// The coverage of a word matched through the lexicon (see [`COVER`]).
fn lexicon_coverage(f: &Fields, t: &QTerm) -> Vec<Box<dyn TQuery>> {
    let cover = COVER * t.weight;
    let mut ways: Vec<Box<dyn TQuery>> = Vec::new();
    for (tokens, fraction) in [
        (synonym_tokens(t), SYNONYM_COVER),
        (related_tokens(t), RELATED_COVER),
    ] {
        if !tokens.is_empty() {
            let set = TermSetQuery::new(lex_terms(f, &tokens));
            ways.push(Box::new(ConstScoreQuery::new(
                Box::new(set),
                cover * fraction,
            )));
        }
    }
    ways
}

/// The whole text query: each word a clause, at least `min_covered` of them matched.
fn text_query(f: &Fields, terms: &[QTerm], min_covered: usize) -> Box<dyn TQuery> {
    if terms.len() == 1 {
        return word_query(f, &terms[0]);
    }
    let clauses = terms
        .iter()
        .map(|t| (Occur::Should, word_query(f, t)))
        .collect();
    Box::new(BooleanQuery::with_minimum_required_clauses(
        clauses,
        min_covered.max(1),
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
    for (i, &(addr, score)) in m.docs.iter().enumerate() {
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
            kind: doc.kind,
            synonyms: m.synonyms.get(i).cloned().unwrap_or_default(),
        });
    }
    Ok(Results {
        total: m.total,
        hits,
        facets: m.facets,
        suggestion: m.suggestion,
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
        kind: doc
            .get_first(f.facets[TYPE])
            .and_then(|v| v.as_str())
            .unwrap_or("kit")
            .to_string(),
    })
}

/// BM25's inverse document frequency, as tantivy computes it.
fn idf(doc_freq: u64, docs: u64) -> f32 {
    let (n, df) = (docs as f32, doc_freq as f32);
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

/// Typo corrections of the words the index does not know, and every word's document frequency.
/// A word that occurs as typed is not widened (`page` does not also fetch `base`, `passe`).
fn correct(s: &Searcher, searcher: &tantivy::Searcher, terms: &mut [QTerm]) -> Result<Vec<u64>> {
    let f = &s.fields;
    let doc_freq = |word: &str| -> Result<u64> {
        let mut df = 0;
        for field in [f.title_raw, f.text_raw] {
            df = df.max(searcher.doc_freq(&term(field, word))?);
        }
        Ok(df)
    };
    let mut freqs = Vec::with_capacity(terms.len());
    for t in terms.iter_mut() {
        let df = doc_freq(&t.folded)?;
        // A word of the lexicon is no typo, even if no kit writes it (`crypter` is not
        // `compter`): its synonyms find the kits.
        if df > 0
            || !t.groups.is_empty()
            || t.folded.chars().count() < 4
            || t.folded.bytes().any(|b| b.is_ascii_digit())
        {
            t.fuzzy = 0;
            freqs.push(df);
            continue;
        }
        let phonetic = match s.phonetic.get() {
            Some(table) => table,
            None => {
                let table = PhoneticTable::build(searcher, f)?;
                s.phonetic.get_or_init(|| table)
            }
        };
        t.variants = typos::typo_variants(searcher, f, t, Some(phonetic))?;
        let (mut fr, mut en) = (analysis::french(), analysis::english());
        let mut best = 0;
        for v in t.variants.iter().take(MAX_STEMMED_VARIANTS) {
            best = best.max(doc_freq(v)?);
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
        freqs.push(best);
    }
    Ok(freqs)
}

/// Attaches to each word the lexicon groups it belongs to, alone or with the words after it
/// (`bloqueur de pub` is one phrase of the lexicon). Runs before typo correction (a word of the
/// lexicon is not corrected), and again after it, a corrected word then counting by its first
/// correction too.
fn look_up_lexicon(
    s: &Searcher,
    searcher: &tantivy::Searcher,
    terms: &mut [QTerm],
    phrase_words: &[(String, Option<usize>)],
) -> Result<()> {
    let mut guard = s.lexicon.lock().unwrap_or_else(|e| e.into_inner());
    if matches!(*guard, Some(None)) {
        return Ok(());
    }
    let Ok(file) = searcher
        .index()
        .directory()
        .open_read(Path::new(LEXICON_FILE))
    else {
        *guard = Some(None);
        return Ok(());
    };
    let mut read = |r: std::ops::Range<usize>| -> std::io::Result<Vec<u8>> {
        Ok(file.read_bytes_slice(r)?.as_slice().to_vec())
    };
    if guard.is_none() {
        *guard = Some(LexiconReader::open(&mut read, file.len()).ok());
    }
    let Some(Some(reader)) = guard.as_mut() else {
        return Ok(());
    };
    let mut keys = Keys::new();
    let alternatives: Vec<Vec<String>> = phrase_words
        .iter()
        .map(|(word, index)| {
            let mut alt: Vec<String> = keys.word(word).into_iter().collect();
            if let Some(best) = index.and_then(|i| terms[i].variants.first()) {
                alt.extend(keys.word(best).filter(|k| !alt.contains(k)));
            }
            alt
        })
        .collect();
    for i in 0..phrase_words.len() {
        for first in &alternatives[i] {
            for (words, entries) in reader.lookup(first, &mut read)? {
                let n = words.len();
                if i + n > phrase_words.len()
                    || !(1..n).all(|j| alternatives[i + j].contains(&words[j]))
                {
                    continue;
                }
                // A negative phrase (`sans écran`) is not special: a kit that says it has the
                // words too, in its title or summary, and they count more there than the group
                // alone (measured on the relevance suite: treating them apart lost 2 of 24
                // audience and duration queries).
                for (_, index) in &phrase_words[i..i + n] {
                    let Some(t) = index.and_then(|k| terms.get_mut(k)) else {
                        continue;
                    };
                    for e in &entries {
                        if !t.groups.iter().any(|g| g.0 == e.group && g.1 == e.kind) {
                            t.groups.push((e.group, e.kind, e.canonical.clone()));
                        }
                    }
                }
            }
        }
    }
    Ok(())
}

/// Which of `docs` `query` matches.
fn docs_matching(
    searcher: &tantivy::Searcher,
    query: &dyn TQuery,
    docs: &[DocAddress],
) -> Result<Vec<bool>> {
    let weight = query.weight(EnableScoring::disabled_from_searcher(searcher))?;
    let mut out = vec![false; docs.len()];
    for (segment, reader) in searcher.segment_readers().iter().enumerate() {
        let mut mine: Vec<usize> = (0..docs.len())
            .filter(|&i| docs[i].segment_ord as usize == segment)
            .collect();
        if mine.is_empty() {
            continue;
        }
        mine.sort_by_key(|&i| docs[i].doc_id);
        let mut scorer = weight.scorer(reader, 1.0)?;
        for i in mine {
            let d = docs[i].doc_id;
            if scorer.doc() != TERMINATED && scorer.doc() < d {
                scorer.seek(d);
            }
            out[i] = scorer.doc() == d;
        }
    }
    Ok(out)
}

/// For each hit, the query words it matches only through the lexicon, with the group's word.
fn synonyms_of_hits(
    s: &Searcher,
    searcher: &tantivy::Searcher,
    terms: &[QTerm],
    docs: &[DocAddress],
) -> Result<Vec<Vec<Synonym>>> {
    let f = &s.fields;
    let mut out = vec![Vec::new(); docs.len()];
    for t in terms.iter().filter(|t| !t.groups.is_empty()) {
        let direct = {
            let mut direct = vec![direct_query(f, t)];
            if !t.variants.is_empty() {
                let words = t.variants.iter().map(|v| term(f.text_raw, v));
                direct.push(Box::new(TermSetQuery::new(words)));
            }
            docs_matching(searcher, &*union(direct), docs)?
        };
        let mut named = vec![false; docs.len()];
        // Synonyms first: the group's main word says best why the kit came.
        let tokens = synonym_tokens(t).into_iter().chain(related_tokens(t));
        for (g, token) in tokens {
            let canonical = t
                .groups
                .iter()
                .find(|x| x.0 == g)
                .map(|x| x.2.clone())
                .unwrap_or_default();
            let q = TermQuery::new(term(f.lex, &token), IndexRecordOption::Basic);
            for (i, hit) in docs_matching(searcher, &q, docs)?.into_iter().enumerate() {
                if hit && !direct[i] && !named[i] {
                    named[i] = true;
                    out[i].push(Synonym {
                        word: t.typed.clone(),
                        synonym: canonical.clone(),
                    });
                }
            }
        }
    }
    Ok(out)
}

/// The text with each unknown word replaced by its first correction, if any was corrected.
fn suggestion(text: &str, terms: &[QTerm]) -> Option<String> {
    let mut out = text.to_string();
    let mut changed = false;
    for t in terms {
        if let Some(best) = t.variants.first() {
            if let Some(at) = out.find(&t.typed) {
                out.replace_range(at..at + t.typed.len(), best);
                changed = true;
            }
        }
    }
    changed.then_some(out)
}

/// Text analysis, typo corrections, lexicon, matching and facet counting — everything but reading
/// the stored fields of the hits.
/// The query's words as the engine matches them: parsed, looked up in the lexicon, corrected,
/// weighted; with the duration the text asks for and how many words can match anything.
struct Words {
    terms: Vec<QTerm>,
    minutes: Option<u32>,
    can_match: usize,
}

/// See [`Words`]; shared by [`matches`] and [`explain`], so that what `explain` shows is what
/// `matches` ranks with.
fn words(s: &Searcher, searcher: &tantivy::Searcher, text: &str) -> Result<Words> {
    let parsed = parse::parse(text);
    let mut terms = parsed.terms;
    look_up_lexicon(s, searcher, &mut terms, &parsed.phrase_words)?;
    let freqs = correct(s, searcher, &mut terms)?;
    if terms.iter().any(|t| !t.variants.is_empty()) {
        // Corrected words may complete a phrase of the lexicon (`mot de pase`).
        look_up_lexicon(s, searcher, &mut terms, &parsed.phrase_words)?;
    }
    let docs = searcher.num_docs();
    let mut can_match = 0;
    for (t, &df) in terms.iter_mut().zip(&freqs) {
        t.related = df < related_limit(docs);
        let mut df = df;
        if df == 0 {
            for (_, token) in synonym_tokens(t).into_iter().chain(related_tokens(t)) {
                df = df.max(searcher.doc_freq(&term(s.fields.lex, &token))?);
            }
        }
        if df > 0 || t.prefix {
            can_match += 1;
        }
        t.weight = idf(df.max(1), docs.max(1));
    }
    Ok(Words {
        terms,
        minutes: parsed.minutes,
        can_match,
    })
}

pub(crate) fn matches(s: &Searcher, q: &Query, count_facets: bool) -> Result<Matches> {
    let filters = group_filters(&q.filters)?;
    let searcher = s.reader.searcher();
    let Words {
        terms,
        minutes,
        can_match,
    } = words(s, &searcher, &q.text)?;
    let mean_weight = if terms.is_empty() {
        1.0
    } else {
        terms.iter().map(|t| t.weight).sum::<f32>() / terms.len() as f32
    };
    let duration = minutes.map(|minutes| DurationWish {
        minutes,
        bonus: if terms.is_empty() {
            1.0
        } else {
            DURATION_LIFT * COVER * mean_weight
        },
    });
    let has_text = !terms.is_empty() || duration.is_some();
    let order = Order::of(q.sort, has_text);
    let collector = FacetCollector {
        filters,
        order,
        limit: q.limit,
        count: count_facets,
        scoring: has_text,
        duration,
    };

    let fruit = if terms.is_empty() {
        searcher.search(&AllQuery, &collector)?
    } else {
        let min_covered = ((can_match as f32) * MIN_COVERED).floor() as usize;
        let query = text_query(&s.fields, &terms, min_covered);
        let fruit = searcher.search(query.as_ref(), &collector)?;
        if fruit.total == 0 && min_covered > 1 {
            // Nothing covers that much of the query: any word will do.
            let any = text_query(&s.fields, &terms, 1);
            searcher.search(any.as_ref(), &collector)?
        } else {
            fruit
        }
    };

    let facets = FACETS
        .iter()
        .zip(fruit.facets)
        .map(|(name, counts)| (name.to_string(), counts))
        .collect();
    let docs: Vec<(DocAddress, f32)> = fruit
        .hits
        .into_iter()
        .map(|(score, _, _, addr)| (addr, score))
        .collect();
    let addresses: Vec<DocAddress> = docs.iter().map(|d| d.0).collect();
    let synonyms = synonyms_of_hits(s, &searcher, &terms, &addresses)?;
    Ok(Matches {
        total: fruit.total,
        docs,
        facets,
        synonyms,
        suggestion: suggestion(&q.text, &terms),
        terms,
    })
}

/// A word written in at least this many of `docs` documents finds kits as typed and through
/// its synonyms, not through related terms: those would add the tail of a long list (at 10,000
/// kits, a common word's related terms tripled its hits, and the bytes and time of the query
/// with them), while a rare word needs them. Never reached below 500 documents.
fn related_limit(docs: u64) -> u64 {
    (docs / 10).max(50)
}

/// See [`Searcher::explain`].
pub(crate) fn explain(s: &Searcher, text: &str, slugs: &[String]) -> Result<Vec<String>> {
    let searcher = s.reader.searcher();
    let Words { terms, minutes, .. } = words(s, &searcher, text)?;
    let mut out = vec![format!("duration wish: {minutes:?}")];
    for slug in slugs {
        let q = TermQuery::new(term(s.fields.slug, slug), IndexRecordOption::Basic);
        let found = searcher.search(&q, &tantivy::collector::DocSetCollector)?;
        let Some(&addr) = found.iter().next() else {
            out.push(format!("{slug}: no such document"));
            continue;
        };
        for t in &terms {
            let e = word_query(&s.fields, t).explain(&searcher, addr);
            let score = e.map(|e| e.value()).unwrap_or(0.0);
            out.push(format!(
                "{slug:<40} {:<16} w={:.2} score={score:.2} fr={:?} variants={:?} groups={:?}",
                t.folded,
                t.weight,
                t.fr,
                t.variants.iter().take(4).collect::<Vec<_>>(),
                t.groups
                    .iter()
                    .map(|g| format!(
                        "{}{}:{}",
                        if g.1 == Kind::Synonym { "s" } else { "r" },
                        g.0,
                        g.2
                    ))
                    .collect::<Vec<_>>()
            ));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn suggestions_replace_the_corrected_words() {
        let mut terms = parse("mot de pase").terms;
        terms[1].variants = vec!["passe".into()];
        assert_eq!(
            suggestion("mot de pase", &terms).as_deref(),
            Some("mot de passe")
        );
        assert_eq!(suggestion("mot", &parse("mot").terms), None);
    }
}
