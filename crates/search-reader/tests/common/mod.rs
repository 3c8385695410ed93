//! Test corpora and the parity harness: the same queries through tantivy's own searcher and
//! through the reader.
//!
//! Built sites are cached under `target/search-reader-cache/` (or `$MALLETTE_READER_CACHE`;
//! rebuilt when the `mallette`
//! binary is newer than the cached index). The binary is `$MALLETTE_BIN`, else
//! `target/release/mallette`, else `target/debug/mallette` (built if missing); the generator is
//! `$MALLETTE_GEN_KITS` or `/work/shared/bench/gen_kits.py`; the real corpus is
//! `$MALLETTE_REAL_CORPUS` or the copy in `tests/corpora/real-fr`.

#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use mallette_search::schema::FACETS;
use mallette_search::tantivy::collector::{Collector, SegmentCollector, TopDocs};
use mallette_search::tantivy::directory::MmapDirectory;
use mallette_search::tantivy::fieldnorm::FieldNormReader;
use mallette_search::tantivy::postings::Postings as _;
use mallette_search::tantivy::query::{
    BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, Query, TermQuery,
};
use mallette_search::tantivy::schema::{FieldType, IndexRecordOption};
use mallette_search::tantivy::tokenizer::TextAnalyzer;
use mallette_search::tantivy::{
    self, DocId, DocSet, Index, ReloadPolicy, Score, SegmentReader, Term, TERMINATED,
};
use mallette_search_reader::export::{export_index, Export, ExportOptions};
use mallette_search_reader::{bm25, ops, Reader};

pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

pub fn cache() -> PathBuf {
    let d = env_path("MALLETTE_READER_CACHE", || {
        workspace().join("target/search-reader-cache")
    });
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn env_path(var: &str, default: impl FnOnce() -> PathBuf) -> PathBuf {
    std::env::var_os(var)
        .map(PathBuf::from)
        .unwrap_or_else(default)
}

fn mallette_bin() -> PathBuf {
    if let Some(bin) = std::env::var_os("MALLETTE_BIN") {
        return PathBuf::from(bin);
    }
    // `cargo test --workspace` has built the debug binary (the root package's tests need it);
    // a release binary, when there is one, builds the large sites faster.
    for profile in ["release", "debug"] {
        let bin = workspace().join("target").join(profile).join("mallette");
        if bin.exists() {
            return bin;
        }
    }
    let status = Command::new(env!("CARGO"))
        .args(["build", "--bin", "mallette"])
        .current_dir(workspace())
        .status()
        .expect("running cargo build");
    assert!(status.success(), "cargo build --bin mallette failed");
    workspace().join("target/debug/mallette")
}

fn mtime(p: &Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(p).and_then(|m| m.modified()).ok()
}

/// Builds the site of `root` into `out` with the mallette binary unless a build newer than the
/// binary is there; returns the tantivy index folder.
pub fn built_index(root: &Path, out: &Path) -> PathBuf {
    let bin = mallette_bin();
    let index = out.join("search/index");
    let fresh = match (mtime(&index.join("meta.json")), mtime(&bin)) {
        (Some(i), Some(b)) => i >= b,
        _ => false,
    };
    if !fresh {
        let run = Command::new(&bin)
            .arg("build")
            .arg("--root")
            .arg(root)
            .arg("--out")
            .arg(out)
            .output()
            .expect("running mallette build");
        assert!(
            run.status.success(),
            "mallette build --root {} failed:\n{}",
            root.display(),
            String::from_utf8_lossy(&run.stderr)
        );
    }
    index
}

/// The real French corpus's index.
pub fn real_corpus_index() -> PathBuf {
    let root = env_path("MALLETTE_REAL_CORPUS", || {
        workspace().join("tests/corpora/real-fr")
    });
    built_index(&root, &cache().join("site-real-fr"))
}

/// The index of `n` generated kits (`gen_kits.py --kits n --flavor mallette`).
pub fn generated_index(n: usize) -> PathBuf {
    let kits = cache().join(format!("kits-{n}"));
    if !kits.join("mallette.toml").exists() {
        let script = env_path("MALLETTE_GEN_KITS", || {
            PathBuf::from("/work/shared/bench/gen_kits.py")
        });
        let status = Command::new("python3")
            .arg(&script)
            .args(["--kits", &n.to_string(), "--flavor", "mallette", "--out"])
            .arg(&kits)
            .status()
            .expect("running gen_kits.py");
        assert!(status.success(), "gen_kits.py failed");
    }
    built_index(&kits, &cache().join(format!("site-{n}")))
}

/// Opens a tantivy index read-only, with mallette's analyzers.
pub fn open_tantivy(dir: &Path) -> Index {
    let mmap = MmapDirectory::open(dir).unwrap();
    let index = Index::open(mallette_search::ReadOnlyDirectory(mmap)).unwrap();
    mallette_search::analysis::register_analyzers(index.tokenizers());
    index
}

pub fn export(index: &Index) -> Export {
    export_index(index, &ExportOptions::default()).unwrap()
}

/// Every document matched, with its score.
pub struct All;
pub struct AllSeg(Vec<(DocId, Score)>);

impl Collector for All {
    type Fruit = Vec<(DocId, Score)>;
    type Child = AllSeg;
    fn for_segment(&self, _: u32, _: &SegmentReader) -> tantivy::Result<AllSeg> {
        Ok(AllSeg(Vec::new()))
    }
    fn requires_scoring(&self) -> bool {
        true
    }
    fn merge_fruits(&self, f: Vec<Vec<(DocId, Score)>>) -> tantivy::Result<Self::Fruit> {
        Ok(f.into_iter().flatten().collect())
    }
}

impl SegmentCollector for AllSeg {
    type Fruit = Vec<(DocId, Score)>;
    fn collect(&mut self, doc: DocId, score: Score) {
        self.0.push((doc, score));
    }
    fn harvest(self) -> Self::Fruit {
        self.0
    }
}

/// A query both engines run.
#[derive(Debug, Clone)]
pub enum Q {
    Term(String, String),
    Boost(Box<Q>, f32),
    Bool(Vec<(Occur, Q)>),
}

impl Q {
    pub fn term(field: &str, text: &str) -> Q {
        Q::Term(field.to_string(), text.to_string())
    }

    pub fn boost(self, b: f32) -> Q {
        Q::Boost(Box::new(self), b)
    }

    /// The fields of its terms.
    pub fn fields(&self) -> Vec<&str> {
        match self {
            Q::Term(f, _) => vec![f.as_str()],
            Q::Boost(q, _) => q.fields(),
            Q::Bool(cs) => cs.iter().flat_map(|(_, q)| q.fields()).collect(),
        }
    }

    pub fn tantivy(&self, index: &Index) -> Box<dyn Query> {
        match self {
            Q::Term(f, t) => {
                let field = index.schema().get_field(f).unwrap();
                Box::new(TermQuery::new(
                    Term::from_field_text(field, t),
                    IndexRecordOption::WithFreqs,
                ))
            }
            Q::Boost(q, b) => Box::new(BoostQuery::new(q.tantivy(index), *b)),
            Q::Bool(cs) => Box::new(BooleanQuery::new(
                cs.iter().map(|(o, q)| (*o, q.tantivy(index))).collect(),
            )),
        }
    }

    /// The reader's evaluation, boosts carried down to the terms as tantivy's weights do.
    pub fn reader(&self, r: &Reader, boost: f32) -> ops::Scored {
        match self {
            Q::Term(f, t) => {
                let field = r.field(f).unwrap();
                match r.term_info(field, t).unwrap() {
                    Some(ti) => r.term_scores(&ti, boost).unwrap(),
                    None => Vec::new(),
                }
            }
            Q::Boost(q, b) => q.reader(r, boost * b),
            Q::Bool(cs) => {
                let mut must = Vec::new();
                let mut should = Vec::new();
                for (o, q) in cs {
                    let l = q.reader(r, boost);
                    match o {
                        Occur::Must => must.push(l),
                        Occur::Should => should.push(l),
                        Occur::MustNot => unimplemented!(),
                    }
                }
                ops::boolean(&must, &should)
            }
        }
    }
}

#[derive(Debug, Default)]
pub struct Parity {
    pub queries: usize,
    pub with_hits: usize,
    pub hits: usize,
    pub max_diff: f32,
    /// Queries whose order differed only among scores within 1e-5 (float summation order).
    pub near_tie_swaps: usize,
    pub top_checked: usize,
    /// Queries on a field without frequencies or without norms, where tantivy's `TopDocs` is not
    /// compared: its postings serializer writes a block-max of (fieldnorm 0, tf 0) for every full
    /// block of such a field (it computes one only with both a BM25 weight, which needs
    /// frequencies, and a fieldnorm reader), so block-WAND skips whole blocks and `TopDocs` can
    /// miss the documents its exhaustive scoring (and the reader) rank first.
    pub top_skipped: usize,
}

impl Parity {
    /// Runs `q` through both engines: same hits, scores within 1e-4, same order (score
    /// descending, then doc id), and tantivy's `TopDocs` (top 10) equal to the reader's top 10.
    pub fn check(&mut self, index: &Index, searcher: &tantivy::Searcher, r: &Reader, q: &Q) {
        let tq = q.tantivy(index);
        let mut t = searcher.search(tq.as_ref(), &All).unwrap();
        t.sort_by_key(|x| x.0);
        let mine = q.reader(r, 1.0);
        self.queries += 1;
        assert_eq!(
            t.iter().map(|x| x.0).collect::<Vec<_>>(),
            mine.iter().map(|x| x.0).collect::<Vec<_>>(),
            "hits of {q:?}"
        );
        for (a, b) in t.iter().zip(&mine) {
            let d = (a.1 - b.1).abs();
            self.max_diff = self.max_diff.max(d);
            assert!(
                d <= 1e-4,
                "{q:?}: doc {} scores {} (tantivy) vs {} (reader)",
                a.0,
                a.1,
                b.1
            );
        }
        if !t.is_empty() {
            self.with_hits += 1;
        }
        self.hits += t.len();
        let order_t: Vec<u32> = ops::top(&t, usize::MAX).iter().map(|x| x.0).collect();
        let order_m: Vec<u32> = ops::top(&mine, usize::MAX).iter().map(|x| x.0).collect();
        if order_t != order_m {
            // Only acceptable between documents whose scores differ by float rounding.
            let score: BTreeMap<u32, f32> = t.iter().copied().collect();
            for (a, b) in order_t.iter().zip(&order_m) {
                if a != b {
                    assert!(
                        (score[a] - score[b]).abs() <= 1e-5,
                        "order of {q:?}: {a} ({}) vs {b} ({})",
                        score[a],
                        score[b]
                    );
                }
            }
            self.near_tie_swaps += 1;
        }
        // tantivy's own top-k collector (block-WAND for unions).
        let wand_broken = q.fields().iter().any(|f| {
            let f = r.field(f).unwrap();
            !(r.has_freqs(f) && r.has_norms(f))
        });
        if wand_broken {
            self.top_skipped += 1;
            return;
        }
        let top = searcher
            .search(tq.as_ref(), &TopDocs::with_limit(10).order_by_score())
            .unwrap();
        let top_docs: Vec<u32> = top.iter().map(|(_, a)| a.doc_id).collect();
        if order_t != order_m {
            return;
        }
        let mut expected: Vec<u32> = order_m.iter().copied().take(10).collect();
        if top_docs != expected {
            // Ties at the cut: the same scores, perhaps other documents.
            let sm: BTreeMap<u32, f32> = mine.iter().copied().collect();
            let ts: Vec<f32> = top.iter().map(|(s, _)| *s).collect();
            let ms: Vec<f32> = expected.iter().map(|d| sm[d]).collect();
            for (a, b) in ts.iter().zip(&ms) {
                assert!(
                    (a - b).abs() <= 1e-4,
                    "TopDocs of {q:?}: {top_docs:?} vs {expected:?}"
                );
            }
            expected.clear();
        }
        self.top_checked += 1;
    }
}

/// The first token of `word` through an analyzer (its stem, for the stemming ones).
pub fn analyse(a: &mut TextAnalyzer, word: &str) -> Option<String> {
    let mut s = a.token_stream(word);
    if s.advance() {
        Some(s.token().text.clone())
    } else {
        None
    }
}

/// Deterministic pseudo-random numbers (xorshift).
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// A typo of `word`: one deletion, substitution, transposition or insertion.
pub fn typo(word: &str, rng: &mut Rng) -> String {
    let mut c: Vec<char> = word.chars().collect();
    if c.len() < 2 {
        return format!("{word}e");
    }
    let i = rng.below(c.len() - 1);
    match rng.below(4) {
        0 => {
            c.remove(i);
        }
        1 => c[i] = if c[i] == 'e' { 'a' } else { 'e' },
        2 => c.swap(i, i + 1),
        _ => c.insert(i, 'r'),
    }
    c.into_iter().collect()
}

/// The terms of a field through tantivy's Levenshtein automaton (or prefix automaton), with
/// their doc frequencies: what `query.rs::typo_variants` walks.
pub fn tantivy_automaton_terms(
    index: &Index,
    searcher: &tantivy::Searcher,
    field: &str,
    word: &str,
    distance: u8,
    prefix: bool,
) -> Vec<(String, u32)> {
    let field = index.schema().get_field(field).unwrap();
    let term = Term::from_field_text(field, word);
    let q = if prefix {
        FuzzyTermQuery::new_prefix(term, distance, true)
    } else {
        FuzzyTermQuery::new(term, distance, true)
    };
    let mut out = Vec::new();
    for seg in searcher.segment_readers() {
        let inv = seg.inverted_index(field).unwrap();
        let mut stream = inv
            .terms()
            .search(q.automaton().unwrap())
            .into_stream()
            .unwrap();
        while stream.advance() {
            out.push((
                String::from_utf8(stream.key().to_vec()).unwrap(),
                stream.value().doc_freq,
            ));
        }
    }
    out
}

pub const STEMMED: [&str; 6] = [
    "title_fr",
    "summary_fr",
    "body_fr",
    "title_en",
    "summary_en",
    "body_en",
];
pub const RAW: [&str; 2] = ["title_raw", "text_raw"];

pub fn searcher(index: &Index) -> tantivy::Searcher {
    let reader: tantivy::IndexReader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()
        .unwrap();
    reader.searcher()
}

/// Dictionaries, postings, norms, statistics, facet columns and browse order, all compared.
pub fn structure(index: &Index, s: &tantivy::Searcher, r: &Reader) -> usize {
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
pub fn sample_words(r: &Reader, n: usize, rng: &mut Rng) -> Vec<String> {
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
pub fn word_query(word: &str, fr: &Option<String>, en: &Option<String>) -> Q {
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

pub fn queries_and_fuzzy(
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
    // Fields of other analyzers (whatever else the index holds): their own terms, frequent and
    // rare, alone and as boosted groups.
    let fields: Vec<(mallette_search_reader::Field, String)> =
        r.fields().map(|(f, n)| (f, n.to_string())).collect();
    for (f, name) in &fields {
        if STEMMED.contains(&name.as_str()) || RAW.contains(&name.as_str()) {
            continue;
        }
        let mut terms: Vec<(String, u32)> = r
            .prefix_terms(*f, "")
            .unwrap()
            .into_iter()
            .map(|(t, i)| (t, i.doc_freq))
            .collect();
        terms.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let step = (terms.len() / 20).max(1);
        let picked: Vec<String> = terms
            .iter()
            .step_by(step)
            .take(25)
            .map(|t| t.0.clone())
            .collect();
        for t in &picked {
            parity.check(index, s, r, &Q::term(name, t));
        }
        for w in picked.windows(2) {
            let q = Q::Bool(vec![
                (Occur::Should, Q::term(name, &w[0]).boost(3.0)),
                (Occur::Should, Q::term(name, &w[1]).boost(2.0)),
            ]);
            parity.check(index, s, r, &q);
        }
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
