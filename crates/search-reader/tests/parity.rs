//! Parity of the reader with tantivy's own searcher on real indexes written by `mallette build`:
//! the real French corpus, and 10,000 generated kits (`--ignored`: it builds the site first, see
//! `generated_10000_kits`).

mod common;

use std::collections::BTreeSet;
use std::time::Instant;

use common::*;
use mallette_search::schema::FACETS;
use mallette_search::tantivy::fieldnorm::FieldNormReader;
use mallette_search::tantivy::postings::Postings as _;
use mallette_search::tantivy::query::Occur;
use mallette_search::tantivy::schema::{FieldType, IndexRecordOption};
use mallette_search::tantivy::{self, DocSet, Index, ReloadPolicy, TERMINATED};
use mallette_search_reader::{bm25, Reader};

const STEMMED: [&str; 6] = [
    "title_fr",
    "summary_fr",
    "body_fr",
    "title_en",
    "summary_en",
    "body_en",
];
const RAW: [&str; 2] = ["title_raw", "text_raw"];

fn searcher(index: &Index) -> tantivy::Searcher {
    let reader: tantivy::IndexReader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()
        .unwrap();
    reader.searcher()
}

/// Dictionaries, postings, norms, statistics, facet columns and browse order, all compared.
fn structure(index: &Index, s: &tantivy::Searcher, r: &Reader) -> usize {
    assert_eq!(u64::from(r.num_docs()), s.num_docs());
    for id in 0..=255u8 {
        assert_eq!(
            bm25::id_to_fieldnorm(id),
            FieldNormReader::id_to_fieldnorm(id)
        );
    }
    let schema = index.schema();
    let seg = &s.segment_readers()[0];
    let mut postings_checked = 0;
    for (field, name) in r.fields() {
        let tf = schema.get_field(name).unwrap();
        let inv = seg.inverted_index(tf).unwrap();
        assert_eq!(r.total_num_tokens(field), inv.total_num_tokens(), "{name}");
        let norms = r
            .has_norms(field)
            .then(|| seg.get_fieldnorms_reader(tf).unwrap());
        if let Some(n) = &norms {
            for d in 0..r.num_docs() {
                assert_eq!(
                    r.fieldnorm_id(field, d).unwrap(),
                    n.fieldnorm_id(d),
                    "{name} {d}"
                );
            }
        }
        // Every term, in order, with its doc frequency and postings.
        let all = r.prefix_terms(field, "").unwrap();
        let mut stream = inv.terms().stream().unwrap();
        let mut i = 0;
        while stream.advance() {
            let key = std::str::from_utf8(stream.key()).unwrap();
            let info = stream.value().clone();
            let (term, ti) = &all[i];
            assert_eq!(
                (term.as_str(), ti.doc_freq),
                (key, info.doc_freq),
                "{name} term {i}"
            );
            let looked_up = r.term_info(field, key).unwrap().unwrap();
            assert_eq!(looked_up.doc_freq, info.doc_freq);
            let mine = r.postings(ti).unwrap();
            let option = if r.has_freqs(field) {
                IndexRecordOption::WithFreqs
            } else {
                IndexRecordOption::Basic
            };
            let mut p = inv.read_postings_from_terminfo(&info, option).unwrap();
            let mut k = 0;
            while p.doc() != TERMINATED {
                let doc = p.doc();
                assert_eq!(mine.docs[k], doc, "{name}:{key}");
                let tf = if r.has_freqs(field) { p.term_freq() } else { 1 };
                assert_eq!(mine.term_freqs[k], tf, "{name}:{key}");
                let id = norms.as_ref().map_or(1, |n| n.fieldnorm_id(doc));
                assert_eq!(mine.fieldnorm_ids[k], id, "{name}:{key}");
                k += 1;
                p.advance();
            }
            assert_eq!(k, mine.len());
            postings_checked += 1;
            i += 1;
        }
        assert_eq!(i, all.len(), "{name}: terms");
        assert!(r.term_info(field, "\u{10FFFF}zzz").unwrap().is_none());
        assert!(
            r.term_info(field, "").unwrap().is_none()
                || all.first().is_some_and(|t| t.0.is_empty())
        );
    }
    // Facet columns: values in ordinal order, each document's ordinals.
    let ff = seg.fast_fields();
    let mut buf = String::new();
    // Every fast text column but the browse order's (mallette's FACETS, and whatever the index
    // was written with).
    let columns: Vec<String> = schema
        .fields()
        .filter(|(_, e)| e.is_fast() && matches!(e.field_type(), FieldType::Str(_)))
        .map(|(_, e)| e.name().to_string())
        .filter(|n| n != "title_sort")
        .collect();
    for name in FACETS {
        assert!(columns.iter().any(|c| c == name), "{name}");
    }
    for name in &columns {
        let name = name.as_str();
        let col = ff.str(name).unwrap().unwrap();
        let mine = r.facet(name).unwrap().unwrap();
        assert_eq!(mine.values.len(), col.num_terms(), "{name}");
        for (ord, v) in mine.values.iter().enumerate() {
            assert!(col.ord_to_str(ord as u64, &mut buf).unwrap());
            assert_eq!(&buf, v);
        }
        for d in 0..r.num_docs() {
            let t: Vec<u32> = col.term_ords(d).map(|o| o as u32).collect();
            assert_eq!(mine.ords(d), t.as_slice(), "{name} doc {d}");
        }
    }
    assert_eq!(r.facet_names().collect::<Vec<_>>(), columns);
    // Number columns: every u64 fast field, each document's values.
    let numbers: Vec<String> = schema
        .fields()
        .filter(|(_, e)| e.is_fast() && matches!(e.field_type(), FieldType::U64(_)))
        .map(|(_, e)| e.name().to_string())
        .collect();
    assert_eq!(r.number_names().collect::<Vec<_>>(), numbers);
    for name in &numbers {
        let col = ff.u64(name).unwrap();
        let mine = r.numbers(name).unwrap().unwrap();
        for d in 0..r.num_docs() {
            let t: Vec<u64> = col.values_for_doc(d).collect();
            assert_eq!(mine.values(d), t.as_slice(), "{name} doc {d}");
        }
    }
    // Browse order: by title_sort ordinal, then doc id (query.rs's order).
    let col = ff.str("title_sort").unwrap().unwrap();
    let mut expected: Vec<(u64, u32)> = (0..r.num_docs())
        .map(|d| (col.term_ords(d).next().unwrap_or(u64::MAX), d))
        .collect();
    expected.sort();
    let expected: Vec<u32> = expected.into_iter().map(|x| x.1).collect();
    assert_eq!(r.browse_order().unwrap(), expected);
    for (start, n) in [
        (0u32, 10u32),
        (3, 7),
        (r.num_docs() / 2, 25),
        (r.num_docs().saturating_sub(3), 10),
    ] {
        let s = start as usize;
        let e = (start + n).min(r.num_docs()) as usize;
        assert_eq!(r.browse_range(start, n).unwrap(), expected[s.min(e)..e]);
    }
    postings_checked
}

/// Words of the folded text, by frequency: the most frequent, the rarest, quantiles, random
/// ones, typos of some, and a few with accents (analysed like the index).
fn sample_words(r: &Reader, n: usize, rng: &mut Rng) -> Vec<String> {
    let f = r.field("text_raw").unwrap();
    let mut terms: Vec<(String, u32)> = r
        .prefix_terms(f, "")
        .unwrap()
        .into_iter()
        .map(|(t, i)| (t, i.doc_freq))
        .filter(|(t, _)| t.chars().count() >= 2)
        .collect();
    terms.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let q = n / 6;
    let mut words: Vec<String> = Vec::new();
    words.extend(terms.iter().take(q).map(|t| t.0.clone()));
    words.extend(terms.iter().rev().take(q).map(|t| t.0.clone()));
    for i in 0..q {
        words.push(terms[i * terms.len() / q].0.clone());
    }
    for _ in 0..q {
        words.push(terms[rng.below(terms.len())].0.clone());
    }
    let base: Vec<String> = words.clone();
    for _ in 0..(n - words.len().min(n)) {
        let w = &base[rng.below(base.len())];
        words.push(typo(w, rng));
    }
    words.extend(
        [
            "données",
            "sécurité",
            "navigateurs",
            "mots",
            "passe",
            "zzzz",
            "x",
        ]
        .map(String::from),
    );
    let mut seen = BTreeSet::new();
    words.retain(|w| seen.insert(w.clone()));
    words
}

/// The BM25 part of a word as `query.rs` builds it: stems in the stemmed fields (title ×3,
/// summary ×2, body ×1, both languages), the folded word in the raw fields.
fn word_query(word: &str, fr: &Option<String>, en: &Option<String>) -> Q {
    let mut cs = Vec::new();
    for (stem, lang) in [(fr, "fr"), (en, "en")] {
        if let Some(stem) = stem {
            for (part, b) in [("title", 3.0), ("summary", 2.0), ("body", 1.0)] {
                cs.push((
                    Occur::Should,
                    Q::term(&format!("{part}_{lang}"), stem).boost(b),
                ));
            }
        }
    }
    cs.push((Occur::Should, Q::term("title_raw", word).boost(0.9)));
    cs.push((Occur::Should, Q::term("text_raw", word).boost(0.3)));
    Q::Bool(cs)
}

fn queries_and_fuzzy(
    index: &Index,
    s: &tantivy::Searcher,
    r: &Reader,
    words: &[String],
) -> (Parity, usize, usize) {
    let mut fr = mallette_search::analysis::french();
    let mut en = mallette_search::analysis::english();
    let mut folded = mallette_search::analysis::folded();
    let mut parity = Parity::default();
    let mut analysed = Vec::new();
    for w in words {
        let Some(f) = analyse(&mut folded, w) else {
            continue;
        };
        let stem_fr = analyse(&mut fr, &f);
        let stem_en = analyse(&mut en, &f);
        // Single terms, every field.
        for field in STEMMED {
            let stem = if field.ends_with("_fr") {
                &stem_fr
            } else {
                &stem_en
            };
            if let Some(stem) = stem {
                parity.check(index, s, r, &Q::term(field, stem));
            }
        }
        for field in RAW {
            parity.check(index, s, r, &Q::term(field, &f));
        }
        // Boosted groups per language, and the whole word.
        for (stem, lang) in [(&stem_fr, "fr"), (&stem_en, "en")] {
            if let Some(stem) = stem {
                let cs = [("title", 3.0), ("summary", 2.0), ("body", 1.0)].map(|(p, b)| {
                    (
                        Occur::Should,
                        Q::term(&format!("{p}_{lang}"), stem).boost(b),
                    )
                });
                parity.check(index, s, r, &Q::Bool(cs.to_vec()));
            }
        }
        let wq = word_query(&f, &stem_fr, &stem_en);
        parity.check(index, s, r, &wq);
        parity.check(index, s, r, &wq.clone().boost(2.0));
        analysed.push(wq);
    }
    // Several words: all required, any, and mixed; nested boosts.
    for i in 0..analysed.len().saturating_sub(2) {
        let (a, b, c) = (&analysed[i], &analysed[i + 1], &analysed[i + 2]);
        parity.check(
            index,
            s,
            r,
            &Q::Bool(vec![(Occur::Must, a.clone()), (Occur::Must, b.clone())]),
        );
        parity.check(
            index,
            s,
            r,
            &Q::Bool(vec![
                (Occur::Should, a.clone()),
                (Occur::Should, b.clone()),
                (Occur::Should, c.clone()),
            ]),
        );
        parity.check(
            index,
            s,
            r,
            &Q::Bool(vec![
                (Occur::Must, a.clone()),
                (Occur::Should, b.clone().boost(0.5)),
                (Occur::Must, c.clone()),
            ]),
        );
    }
    // Typo and prefix enumeration against tantivy's automata.
    let mut fuzzy = 0;
    let mut prefix = 0;
    for w in words {
        let Some(f) = analyse(&mut folded, w) else {
            continue;
        };
        for field in RAW {
            let rf = r.field(field).unwrap();
            for d in [1u8, 2] {
                let t = tantivy_automaton_terms(index, s, field, &f, d, false);
                let mine: Vec<(String, u32)> = r
                    .fuzzy_terms(rf, &f, d)
                    .unwrap()
                    .into_iter()
                    .map(|(t, i)| (t, i.doc_freq))
                    .collect();
                assert_eq!(mine, t, "fuzzy {field} {f} {d}");
                fuzzy += 1;
            }
            for p in [f.chars().take(3).collect::<String>(), f.clone()] {
                let t = tantivy_automaton_terms(index, s, field, &p, 0, true);
                let mine: Vec<(String, u32)> = r
                    .prefix_terms(rf, &p)
                    .unwrap()
                    .into_iter()
                    .map(|(t, i)| (t, i.doc_freq))
                    .collect();
                assert_eq!(mine, t, "prefix {field} {p}");
                prefix += 1;
            }
        }
    }
    (parity, fuzzy, prefix)
}

fn run(label: &str, dir: &std::path::Path, words: usize) {
    let t0 = Instant::now();
    let index = open_tantivy(dir);
    let s = searcher(&index);
    let export = export(&index);
    let r = export.reader().unwrap();
    let t_export = t0.elapsed();
    let postings = structure(&index, &s, &r);
    let t_struct = t0.elapsed();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let words = sample_words(&r, words, &mut rng);
    let (p, fuzzy, prefix) = queries_and_fuzzy(&index, &s, &r, &words);
    eprintln!(
        "{label}: {} docs; export {:.1?}; structure {:.1?} ({postings} posting lists equal); \
         {} words: {} queries ({} with hits, {} hits), max score difference {:e}, \
         {} near-tie order swaps, {} top-10 checks; {fuzzy} fuzzy and {prefix} prefix enumerations equal; {:.1?}",
        r.num_docs(),
        t_export,
        t_struct - t_export,
        words.len(),
        p.queries,
        p.with_hits,
        p.hits,
        p.max_diff,
        p.near_tie_swaps,
        p.top_checked,
        t0.elapsed()
    );
    assert!(
        p.with_hits * 4 > p.queries,
        "many queries should match something"
    );
}

#[test]
fn real_corpus() {
    run("real-fr", &real_corpus_index(), 300);
}

/// 10,000 generated kits. Builds the site once (about 20 s with a release binary), cached under
/// `target/search-reader-cache/`. Run with
/// `cargo test -p mallette-search-reader --release --test parity -- --ignored generated_10000_kits`.
#[test]
#[ignore]
fn generated_10000_kits() {
    run("10,000 kits", &generated_index(10_000), 300);
}

#[test]
#[ignore]
fn generated_1000_kits() {
    run("1,000 kits", &generated_index(1_000), 300);
}
