//! Parity of the reader with tantivy's own searcher on real indexes written by `mallette build`:
//! the real French corpus, and 1,000 and 10,000 generated kits (`--ignored`: they build the sites
//! first, see `generated_10000_kits`).

mod common;

use std::time::Instant;

use common::*;

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
         {} near-tie order swaps, {} top-10 checks ({} skipped); {fuzzy} fuzzy and {prefix} prefix enumerations equal; {:.1?}",
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
        p.top_skipped,
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
