//! Test corpora and the parity harness: the same queries through tantivy's own searcher and
//! through the reader.
//!
//! Built sites are cached under `target/search-reader-cache/` (or `$MALLETTE_READER_CACHE`;
//! rebuilt when the `mallette`
//! binary is newer than the cached index). The binary is `$MALLETTE_BIN`, or
//! `target/release/mallette` (`cargo build --release`); the generator is
//! `$MALLETTE_GEN_KITS` or `/work/shared/bench/gen_kits.py`; the real corpus is
//! `$MALLETTE_REAL_CORPUS` or `/work/shared/corpora/real-fr`.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use mallette_search::tantivy::collector::{Collector, SegmentCollector, TopDocs};
use mallette_search::tantivy::directory::MmapDirectory;
use mallette_search::tantivy::query::{
    BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, Query, TermQuery,
};
use mallette_search::tantivy::schema::IndexRecordOption;
use mallette_search::tantivy::tokenizer::TextAnalyzer;
use mallette_search::tantivy::{self, DocId, Index, Score, SegmentReader, Term};
use mallette_search_reader::export::{export_index, Export, ExportOptions};
use mallette_search_reader::{ops, Reader};

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
    let bin = env_path("MALLETTE_BIN", || {
        workspace().join("target/release/mallette")
    });
    assert!(
        bin.exists(),
        "{} is missing: run `cargo build --release` (or set MALLETTE_BIN)",
        bin.display()
    );
    bin
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
        let status = Command::new(&bin)
            .arg("build")
            .arg("--root")
            .arg(root)
            .arg("--out")
            .arg(out)
            .stdout(std::process::Stdio::null())
            .status()
            .expect("running mallette build");
        assert!(
            status.success(),
            "mallette build --root {} failed",
            root.display()
        );
    }
    index
}

/// The real French corpus's index.
pub fn real_corpus_index() -> PathBuf {
    let root = env_path("MALLETTE_REAL_CORPUS", || {
        PathBuf::from("/work/shared/corpora/real-fr")
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
