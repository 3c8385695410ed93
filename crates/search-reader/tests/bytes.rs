//! What a first one-word query fetches with the exported format (measurements, `--ignored`):
//!
//! `cargo test -p mallette-search-reader --release --test bytes -- --ignored --nocapture`
//!
//! A query here is what `crates/search/src/query.rs` asks of an index for one word (its BM25
//! terms: the stems in the six stemmed fields, the folded word in the two raw fields; its typo
//! corrections when the index does not know it; the prefix terms of a word still being typed),
//! run on a fresh reader that has only the meta file: every chunk it reads is counted, raw and
//! gzipped (a host that compresses, as Pagefind's figures assume).

mod common;

use std::collections::BTreeMap;
use std::io::Write;

use common::*;
use mallette_search_reader::export::{export_index, Export, ExportOptions, GroupSpec};
use mallette_search_reader::{levenshtein, FetchStats, Reader, TermInfo};

const STEMMED: [&str; 6] = [
    "title_fr",
    "summary_fr",
    "body_fr",
    "title_en",
    "summary_en",
    "body_en",
];
const RAW: [&str; 2] = ["title_raw", "text_raw"];

fn gz(b: &[u8]) -> usize {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(b).unwrap();
    e.finish().unwrap().len()
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    /// Typed and followed by a space: stems + folded word.
    Word,
    /// Still being typed: also every term it prefixes in the raw fields.
    Prefix,
    /// Unknown as typed: typo corrections.
    Typo,
}

/// The terms one word reads and their postings (query.rs's term_query / typo_variants).
fn one_word(r: &Reader, word: &str, kind: Kind) -> usize {
    let mut fr = mallette_search::analysis::french();
    let mut en = mallette_search::analysis::english();
    let mut folded = mallette_search::analysis::folded();
    let Some(f) = analyse(&mut folded, word) else {
        return 0;
    };
    let stems = [analyse(&mut fr, &f), analyse(&mut en, &f)];
    let mut infos: Vec<TermInfo> = Vec::new();
    let stemmed = |r: &Reader, stems: &[Option<String>; 2], infos: &mut Vec<TermInfo>| {
        for field in STEMMED {
            let stem = if field.ends_with("_fr") {
                &stems[0]
            } else {
                &stems[1]
            };
            if let Some(stem) = stem {
                infos.extend(r.term_info(r.field(field).unwrap(), stem).unwrap());
            }
        }
    };
    stemmed(r, &stems, &mut infos);
    let mut known = false;
    for field in RAW {
        if let Some(t) = r.term_info(r.field(field).unwrap(), &f).unwrap() {
            known = true;
            infos.push(t);
        }
    }
    let len = f.chars().count();
    if kind == Kind::Prefix && len >= 3 {
        for field in RAW {
            infos.extend(
                r.prefix_terms(r.field(field).unwrap(), &f)
                    .unwrap()
                    .into_iter()
                    .map(|x| x.1),
            );
        }
    }
    if !known && len >= 4 {
        let d = if len >= 8 { 2 } else { 1 };
        let mut found: BTreeMap<String, (u64, Vec<TermInfo>)> = BTreeMap::new();
        for field in RAW {
            for (t, i) in r.fuzzy_terms(r.field(field).unwrap(), &f, d).unwrap() {
                if t.chars().count() < 4 {
                    continue;
                }
                let e = found.entry(t).or_default();
                e.0 += u64::from(i.doc_freq);
                e.1.push(i);
            }
        }
        let mut scored: Vec<(u8, u64, String, Vec<TermInfo>)> = found
            .into_iter()
            .filter_map(|(t, (df, is))| levenshtein::distance(&t, &f, d).map(|k| (k, df, t, is)))
            .collect();
        if let Some(best) = scored.iter().map(|x| x.0).min() {
            scored.retain(|x| x.0 == best);
        }
        scored.sort_by(|a, b| b.1.cmp(&a.1).then(a.2.cmp(&b.2)));
        scored.truncate(32);
        for (i, (_, _, v, is)) in scored.into_iter().enumerate() {
            infos.extend(is);
            if i < 8 {
                stemmed(r, &[analyse(&mut fr, &v), analyse(&mut en, &v)], &mut infos);
            }
        }
    }
    let mut n = 0;
    for t in &infos {
        n += r.postings(t).unwrap().len();
    }
    n
}

struct Cost {
    raw: u64,
    gz: u64,
    chunks: usize,
}

fn cost(export: &Export, stats: &FetchStats) -> Cost {
    let mut g = 0;
    for (name, chunk, _) in &stats.log {
        let f = export.files.iter().find(|f| &f.name == name).unwrap();
        let (a, b) = f.chunks[*chunk as usize];
        g += gz(&f.bytes[a..b]) as u64;
    }
    Cost {
        raw: stats.bytes,
        gz: g,
        chunks: stats.chunks,
    }
}

fn pct(v: &mut [u64], p: usize) -> u64 {
    v.sort_unstable();
    if v.is_empty() {
        return 0;
    }
    v[(v.len() - 1) * p / 100]
}

/// Words as a visitor would type them: drawn by document frequency from the folded text.
fn words(r: &Reader, n: usize, rng: &mut Rng) -> (Vec<String>, Vec<String>) {
    let f = r.field("text_raw").unwrap();
    let terms: Vec<(String, u32)> = r
        .prefix_terms(f, "")
        .unwrap()
        .into_iter()
        .map(|(t, i)| (t, i.doc_freq))
        .filter(|(t, _)| t.chars().count() >= 4 && t.chars().all(|c| c.is_alphabetic()))
        .collect();
    let total: u64 = terms.iter().map(|t| u64::from(t.1)).sum();
    let mut by_df = Vec::new();
    for _ in 0..n {
        let mut x = rng.next() % total;
        for (t, df) in &terms {
            if x < u64::from(*df) {
                by_df.push(t.clone());
                break;
            }
            x -= u64::from(*df);
        }
    }
    let uniform: Vec<String> = (0..n)
        .map(|_| terms[rng.below(terms.len())].0.clone())
        .collect();
    (by_df, uniform)
}

fn report(label: &str, export: &Export, words_by_df: &[String], uniform: &[String], rng: &mut Rng) {
    let meta_gz = gz(&export.meta);
    let sizes: Vec<String> = export
        .files
        .iter()
        .map(|f| format!("{} {} B/{} chunks", f.name, f.bytes.len(), f.chunks.len()))
        .collect();
    eprintln!(
        "{label}: meta {} B ({meta_gz} B gz); files: {}; total {} B",
        export.meta.len(),
        sizes.join(", "),
        export.total_bytes()
    );
    let typos: Vec<String> = uniform.iter().map(|w| typo(w, rng)).collect();
    for (what, list, kind) in [
        ("word (by frequency)", words_by_df, Kind::Word),
        ("word (any term)", uniform, Kind::Word),
        ("being typed (by frequency)", words_by_df, Kind::Prefix),
        ("typo (of any term)", &typos, Kind::Typo),
    ] {
        let (mut raw, mut gzs, mut chunks) = (Vec::new(), Vec::new(), Vec::new());
        for w in list {
            let r = export.reader().unwrap();
            one_word(&r, w, kind);
            let c = cost(export, &r.fetch_stats());
            raw.push(c.raw);
            gzs.push(c.gz);
            chunks.push(c.chunks as u64);
        }
        eprintln!(
            "  {what:28} bytes after meta: median {} (gz {}), p90 {} (gz {}), max {} (gz {}); chunks median {}, max {}",
            pct(&mut raw, 50),
            pct(&mut gzs, 50),
            pct(&mut raw, 90),
            pct(&mut gzs, 90),
            pct(&mut raw, 100),
            pct(&mut gzs, 100),
            pct(&mut chunks, 50),
            pct(&mut chunks, 100)
        );
    }
}

fn measure(label: &str, dir: &std::path::Path, variants: &[(&str, ExportOptions)]) {
    let index = open_tantivy(dir);
    for (name, opts) in variants {
        let export = export_index(&index, opts).unwrap();
        let r = export.reader().unwrap();
        let mut rng = Rng(42);
        let (by_df, uniform) = words(&r, 200, &mut rng);
        report(
            &format!("{label} [{name}]"),
            &export,
            &by_df,
            &uniform,
            &mut rng,
        );
    }
}

fn variants() -> Vec<(&'static str, ExportOptions)> {
    let d = ExportOptions::default();
    if std::env::var_os("BYTES_VARIANTS").is_none() {
        return vec![("default", d)];
    }
    let with = |page: usize, chunk: usize, inline: usize| ExportOptions {
        dict_page_bytes: page,
        postings_chunk_bytes: chunk,
        inline_bytes: inline,
        ..ExportOptions::default()
    };
    let groups = |gs: Vec<GroupSpec>| ExportOptions {
        groups: gs,
        ..ExportOptions::default()
    };
    const STEMS: &[&str] = &[
        "title_fr",
        "summary_fr",
        "body_fr",
        "meta_fr",
        "title_en",
        "summary_en",
        "body_en",
        "lex",
    ];
    const ALL: &[&str] = &[
        "title_fr",
        "summary_fr",
        "body_fr",
        "meta_fr",
        "title_en",
        "summary_en",
        "body_en",
        "lex",
        "title_raw",
        "text_raw",
    ];
    if std::env::var_os("BYTES_GROUPS").is_some() {
        let mut raw0 = GroupSpec::new("raw", &RAW);
        raw0.inline_bytes = Some(0);
        return vec![
            ("default", d),
            ("one text group", groups(vec![GroupSpec::new("text", ALL)])),
            (
                "raw apart, inline",
                groups(vec![
                    GroupSpec::new("raw", &RAW),
                    GroupSpec::new("stems", STEMS),
                ]),
            ),
            (
                "raw apart, not inline",
                groups(vec![raw0, GroupSpec::new("stems", STEMS)]),
            ),
        ];
    }
    vec![
        ("default", d),
        ("page 2K, chunk 4K", with(2048, 4096, 24)),
        ("page 1K, chunk 4K", with(1024, 4096, 24)),
        ("page 4K, chunk 8K", with(4096, 8192, 24)),
        ("inline 0", with(1024, 2048, 0)),
        ("inline 64", with(1024, 2048, 64)),
    ]
}

#[test]
#[ignore]
fn bytes_real_corpus() {
    measure("real-fr", &real_corpus_index(), &variants());
}

#[test]
#[ignore]
fn bytes_1000_kits() {
    measure("1,000 kits", &generated_index(1_000), &variants());
}

#[test]
#[ignore]
fn bytes_10000_kits() {
    measure("10,000 kits", &generated_index(10_000), &variants());
}
