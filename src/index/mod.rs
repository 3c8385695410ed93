//! The index stage: the search files of the built site: the tantivy index written by `mallette_search`, and what
//! the browser needs to search it without downloading it whole.
//!
//! ```text
//! search/index/                       the index as tantivy wrote it (read by `mallette search`)
//! search/manifest.<hash>.json         what a page reads first: engine, worker, files, labels
//! search/engine.<hash>.wasm(.gz)       the engine (crates/search-wasm, embedded in this binary)
//! search/worker.<hash>.js             the Web Worker that runs it (assets/search-worker.js)
//! search/i/<hash>/base.bin(.gz)       the chunks every query needs, in one file
//! search/i/<hash>/facets.bin(.gz)     the chunks counting facets adds (search page)
//! search/i/<hash>/browse.bin(.gz)     the chunks browsing without text adds
//! search/i/<hash>/<file>.<chunk>      every other chunk of the index files, fetched on demand
//! search/i/<hash>/d/<seg>-<doc>.json.gz  one small file per document: title, summary, URL,
//!                                     level, audiences, duration, language, snippet excerpt
//! ```
//!
//! Every name holds a hash of its content (the `i/<hash>/` folder: of the whole index), so all of
//! it may be cached forever; only the pages, which name the manifest, change.
//!
//! **Compression.** The files the worker fetches asynchronously (engine, base pack, result files)
//! are also written gzipped (`.gz`; result files only so): the worker fetches those and inflates
//! them with the browser's `DecompressionStream` (search needs it: Chromium 80, Firefox 113,
//! Safari 16.4), so even a static host that compresses nothing (a plain web server, a USB stick
//! served locally) sends compressed bytes. Chunks, read synchronously, are sent as they are.
//!
//! **Chunks.** Index files are cut into [`CHUNK_BYTES`] chunks. The engine reads the index through
//! a directory that fetches a chunk the first time tantivy reads a byte of it (synchronous
//! requests in the worker), so a query downloads only the parts of the index it touches — plain
//! files, no HTTP range requests. The chunks that opening the index and *every* sample query read
//! (term dictionaries, field norms…) are found by running those natively at build time over a
//! recording directory, and packed into `base.bin`, which the worker fetches in one request
//! alongside the engine. What counting facets adds (the facet columns: the search page, not the
//! header box) goes into `facets.bin`, and what browsing without text adds into `browse.bin`,
//! each fetched the first time a query needs it. The doc store is never read by
//! the browser (hits come from the per-document files): a one-document store of a few bytes
//! stands in for it, under its name.
//!
//! **Whole or chunked.** When every chunk together weighs little more than what a first query
//! would fetch anyway (small instances), `base.bin` simply holds them all: the build decides,
//! see [`WHOLE_FACTOR`].

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{Context, Result};
use mallette_search::{Query, SearchDoc};
use rayon::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

mod bundle;
mod documents;
mod plan;

pub use documents::{labels, search_documents, search_input};
use plan::plan;

/// Where the search index sits inside the built site.
pub const SEARCH_INDEX_DIR: &str = "search/index";

/// Size of the chunks index files are cut into.
pub const CHUNK_BYTES: usize = 4 * 1024;

/// The index is shipped whole (every chunk in `base.bin`) when all its chunks weigh at most this
/// many times what a first query fetches when chunked (base + an average query's own chunks).
pub const WHOLE_FACTOR: f64 = 1.5;

/// The browser engine, built from `crates/search-wasm` by `scripts/build-wasm.sh`.
pub static ENGINE_WASM: &[u8] = include_bytes!("../../assets/mallette_search.wasm");
/// [`ENGINE_WASM`] gzipped (by `scripts/build-wasm.sh`).
pub static ENGINE_WASM_GZ: &[u8] = include_bytes!("../../assets/mallette_search.wasm.gz");
/// `sha256sum` line of [`ENGINE_WASM`].
pub const ENGINE_SHA256: &str = include_str!("../../assets/mallette_search.wasm.sha256");
/// The worker script that loads the engine and fetches chunks.
pub static WORKER_JS: &str = include_str!("../../assets/search-worker.js");

/// What pages need to know about the search files (site-relative paths).
#[derive(Debug, Clone)]
pub struct SearchAssets {
    /// The file a page's search script reads first to find the engine and the index.
    pub manifest: String,
    /// The small loader script pages include.
    pub script: String,
    /// `search/offline.<hash>.js`, written by offline builds.
    pub offline_bundle: Option<String>,
    /// The filters the search page offers before any query, in its order: drawn into the page at
    /// build time so that the page does not move when the script takes them over.
    pub filters: Vec<FilterGroup>,
    pub files_written: usize,
}

/// One filter field of the search page and its values (those of at least one document).
#[derive(Debug, Clone, Serialize)]
pub struct FilterGroup {
    pub field: String,
    /// The field's name, for taxonomies (the template names `duration` and `language` itself).
    pub name: String,
    /// Open at first (as `static/search.js` draws them).
    pub open: bool,
    /// `(value, label, count)` over the whole site.
    pub values: Vec<(String, String, u64)>,
}

/// The order and first state of the search page's filters: the page draws them in this order
/// (`search.filters`), and `static/search.js` reads the fields from the page and the manifest.
pub const FILTER_FIELDS: [&str; 11] = [
    "themes",
    "audiences",
    "level",
    "duration",
    "type",
    "tested",
    "formats",
    "materials",
    "competences",
    "accessibility",
    "language",
];
const OPEN_FILTERS: [&str; 4] = ["themes", "audiences", "level", "duration"];
const DURATIONS: [&str; 4] = ["lt30", "30-60", "60-120", "gt120"];
/// Fields whose values the template names itself (they are not in a vocabulary), in order.
const FIXED_VALUES: [(&str, &[&str]); 3] = [
    ("duration", &DURATIONS),
    ("type", &["kit", "parcours"]),
    ("tested", &["oui"]),
];

fn filter_groups(
    labels: &Labels,
    counts: &BTreeMap<String, BTreeMap<String, u64>>,
) -> Vec<FilterGroup> {
    let empty = BTreeMap::new();
    FILTER_FIELDS
        .iter()
        .filter_map(|&field| {
            let counts = counts.get(field).unwrap_or(&empty);
            let fixed = FIXED_VALUES.iter().find(|(f, _)| *f == field);
            let values: Vec<(String, String, u64)> = if let Some((_, fixed)) = fixed {
                fixed
                    .iter()
                    .filter_map(|&v| counts.get(v).map(|&n| (v.to_string(), String::new(), n)))
                    .collect()
            } else {
                labels
                    .get(field)
                    .into_iter()
                    .flatten()
                    .filter_map(|(v, label)| {
                        counts
                            .get(v)
                            .filter(|&&n| n > 0)
                            .map(|&n| (v.clone(), label.clone(), n))
                    })
                    .collect()
            };
            let name = labels
                .get("_fields")
                .and_then(|names| names.iter().find(|(f, _)| f == field))
                .map(|(_, name)| name.clone())
                .unwrap_or_default();
            // A choice between one language or one type is no choice.
            let wanted = if field == "language" || field == "type" {
                2
            } else {
                1
            };
            (values.len() >= wanted).then(|| FilterGroup {
                field: field.to_string(),
                name,
                open: OPEN_FILTERS.contains(&field),
                values,
            })
        })
        .collect()
}

/// What the build wrote and decided.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SearchStats {
    pub docs: usize,
    /// Sum of the index files' sizes as shipped to browsers (with the stand-in doc store).
    pub index_bytes: u64,
    /// Bytes of the chunks written (the doc store's unread chunks are not).
    pub chunk_bytes: u64,
    pub base_bytes: u64,
    /// Average bytes of its own chunks a sample query fetches after `base.bin`.
    pub query_bytes: u64,
    pub whole: bool,
    /// Sum of the gzipped result files.
    pub doc_file_bytes: u64,
    pub base_gz_bytes: u64,
    /// Time spent writing the tantivy index (and the lexicon), in milliseconds.
    pub index_ms: u64,
    /// Time spent on every search file, in milliseconds.
    pub total_ms: u64,
}

/// Labels of filter values in the interface language: field → `[value, label]` pairs in the
/// vocabulary's order (values of the documents only), plus `_fields`: `[field, name]` pairs.
pub type Labels = BTreeMap<String, Vec<(String, String)>>;

/// Write the search index of `docs` and the browser's search files into the site folder
/// `site_dir`, with the labels of filter values (see [`labels`]).
///
/// `offline` (for `mallette build --offline`) also writes the [offline bundle](bundle::write)
/// and ships the index whole.
pub fn write(
    site_dir: &Path,
    docs: impl IntoIterator<Item = SearchDoc>,
    lexicon: &mallette_search::Lexicon,
    labels: &Labels,
    offline: bool,
) -> Result<SearchAssets> {
    let started = std::time::Instant::now();
    let index_dir = site_dir.join(SEARCH_INDEX_DIR);
    mallette_search::write_index_with_lexicon(docs, &index_dir, lexicon)?;
    let index_ms = started.elapsed().as_millis() as u64;
    let mut plan = plan(&index_dir, CHUNK_BYTES)?;
    // From disk, nothing can be fetched on demand: everything goes into the bundle.
    plan.whole |= offline;
    let search_dir = site_dir.join("search");
    let mut written = plan.files.len();
    let mut stats = SearchStats {
        index_bytes: plan.files.iter().map(|f| f.bytes.len() as u64).sum(),
        ..SearchStats::default()
    };

    // Index chunks.
    let index_rel = format!("i/{}/", plan.hash);
    let out = search_dir.join(&index_rel);
    std::fs::create_dir_all(out.join("d"))
        .with_context(|| format!("creating {}", out.display()))?;
    // Packs: `base` (fetched with the engine), `facets` (when counts are first asked for) and
    // `browse` (when filters are used without text). Whole: everything in `base`.
    let (base_chunks, facet_chunks, browse_chunks) = if plan.whole {
        (plan.shipped.clone(), BTreeSet::new(), BTreeSet::new())
    } else {
        (plan.base.clone(), plan.facets.clone(), plan.browse.clone())
    };
    // The base pack gzipped: what the offline bundle carries too.
    let mut base_gz = Vec::new();
    let mut packs = serde_json::Map::new();
    for (name, chunks) in [
        ("base", &base_chunks),
        ("facets", &facet_chunks),
        ("browse", &browse_chunks),
    ] {
        let mut bytes = Vec::new();
        for &(f, c) in chunks {
            bytes.extend_from_slice(plan.chunk(f, c));
        }
        let gz = gzip(&bytes);
        if name == "base" {
            stats.base_bytes = bytes.len() as u64;
            stats.base_gz_bytes = gz.len() as u64;
            base_gz = gz.clone();
        }
        if !chunks.is_empty() || name == "base" {
            write_file(&out.join(format!("{name}.bin")), &bytes)?;
            write_file(&out.join(format!("{name}.bin.gz")), &gz)?;
            written += 2;
            packs.insert(name.into(), serde_json::json!(chunks));
        }
    }
    for &(f, c) in &plan.shipped {
        stats.chunk_bytes += plan.chunk(f, c).len() as u64;
        if !base_chunks.contains(&(f, c)) {
            write_file(&out.join(format!("{f}.{c}")), plan.chunk(f, c))?;
            written += 1;
        }
    }
    stats.whole = plan.whole;
    stats.query_bytes = plan.query_bytes;
    stats.index_ms = index_ms;

    // One small file per document: what a result shows, and the excerpt snippets come from.
    let searcher = mallette_search::open_index(&index_dir)?;
    let addresses = searcher.doc_addresses();
    stats.docs = addresses.len();
    let doc_files = addresses
        .par_iter()
        .map(|addr| -> Result<(String, u64)> {
            let doc = searcher.stored(*addr)?;
            let json = serde_json::json!({
                "t": doc.title,
                "s": doc.summary,
                "u": doc.url,
                "l": doc.level,
                "a": doc.audiences,
                "d": doc.duration_minutes,
                "dd": mallette_content::i18n::duration_text(doc.duration_minutes),
                "k": doc.kind,
                "g": doc.language,
                "x": doc.excerpt,
            })
            .to_string();
            let name = format!("{}-{}.json", addr.segment_ord, addr.doc_id);
            // Gzipped only: one file per kit fewer (file creation is much of a large build's
            // time), and every browser the engine runs in can inflate it (`DecompressionStream`).
            let path = out.join("d").join(format!("{name}.gz"));
            let gz = gzip(json.as_bytes());
            write_file(&path, &gz)?;
            Ok((json, gz.len() as u64))
        })
        .collect::<Result<Vec<(String, u64)>>>()?;
    stats.doc_file_bytes = doc_files.iter().map(|(_, gz)| gz).sum();
    written += addresses.len();

    // Engine and worker, under the hash of their content.
    let engine_hash = ENGINE_SHA256.get(..16).unwrap_or("0");
    let engine = format!("engine.{engine_hash}.wasm");
    write_file(&search_dir.join(&engine), ENGINE_WASM)?;
    write_file(&search_dir.join(format!("{engine}.gz")), ENGINE_WASM_GZ)?;
    let worker = format!("worker.{}.js", short_hash(WORKER_JS.as_bytes()));
    write_file(&search_dir.join(&worker), WORKER_JS.as_bytes())?;
    written += 3;

    let browse = searcher.search_matches(&Query::default())?;
    // Timings make the manifest (and its name) differ from one build to the next: they are for
    // benchmarks only (MALLETTE_SEARCH_TIMINGS=1); builds stay byte-identical otherwise.
    if std::env::var_os("MALLETTE_SEARCH_TIMINGS").is_some() {
        stats.total_ms = started.elapsed().as_millis() as u64;
    } else {
        stats.index_ms = 0;
    }
    let manifest = serde_json::json!({
        "version": 1,
        "engine": engine,
        "engine_bytes": ENGINE_WASM.len(),
        "worker": worker,
        "index": index_rel,
        "files": plan.files.iter().map(|f| serde_json::json!({
            "path": f.path, "len": f.bytes.len(), "chunk": plan.chunk_bytes,
        })).collect::<Vec<_>>(),
        "packs": packs,
        "docs": searcher.num_docs(),
        "labels": labels,
        "filters": FILTER_FIELDS.iter().map(|f| serde_json::json!({
            "field": f, "open": OPEN_FILTERS.contains(f),
        })).collect::<Vec<_>>(),
        "durations": DURATIONS,
        "counts": browse.facets,
        "stats": stats,
    })
    .to_string();
    let manifest_name = format!("manifest.{}.json", short_hash(manifest.as_bytes()));
    write_file(&search_dir.join(&manifest_name), manifest.as_bytes())?;
    written += 1;

    let offline_bundle = if offline {
        let docs: BTreeMap<String, &str> = addresses
            .iter()
            .zip(&doc_files)
            .map(|(addr, (json, _))| {
                (
                    format!("{}-{}", addr.segment_ord, addr.doc_id),
                    json.as_str(),
                )
            })
            .collect();
        let name = bundle::write(&search_dir, &manifest, &base_gz, &docs)?;
        written += 1;
        Some(format!("search/{name}"))
    } else {
        None
    };

    Ok(SearchAssets {
        manifest: format!("search/{manifest_name}"),
        script: "static/search.js".into(),
        offline_bundle,
        filters: filter_groups(labels, &browse.facets),
        files_written: written,
    })
}

pub(crate) fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write as _;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
    encoder.write_all(bytes).expect("writing to memory");
    encoder.finish().expect("writing to memory")
}

pub(crate) fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))
}

pub(crate) fn short_hash(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes)[..8])
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_engine_matches_its_checksum() {
        let want = ENGINE_SHA256.split_whitespace().next().unwrap();
        assert_eq!(hex(&Sha256::digest(ENGINE_WASM)), want);
        assert_eq!(&ENGINE_WASM[..4], b"\0asm");
        let mut inflated = Vec::new();
        std::io::Read::read_to_end(
            &mut flate2::read::GzDecoder::new(ENGINE_WASM_GZ),
            &mut inflated,
        )
        .unwrap();
        assert!(
            inflated == ENGINE_WASM,
            "assets/mallette_search.wasm.gz is not the gzipped engine: run scripts/build-wasm.sh"
        );
    }
}
