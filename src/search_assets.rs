//! The search files of the built site: the tantivy index written by `mallette_search`, and what
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
use std::fmt;
use std::io;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use anyhow::{Context, Result};
use mallette_search::tantivy::directory::error::{DeleteError, OpenReadError, OpenWriteError};
use mallette_search::tantivy::directory::{
    FileHandle, MmapDirectory, OwnedBytes, WatchCallback, WatchHandle, WritePtr,
};
use mallette_search::tantivy::{self, Directory, HasLen};
use mallette_search::{Query, SearchDoc, Searcher};
use rayon::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// Where the search index sits inside the built site.
pub const SEARCH_INDEX_DIR: &str = "search/index";

/// Size of the chunks index files are cut into.
pub const CHUNK_BYTES: usize = 4 * 1024;

/// The index is shipped whole (every chunk in `base.bin`) when all its chunks weigh at most this
/// many times what a first query fetches when chunked (base + an average query's own chunks).
pub const WHOLE_FACTOR: f64 = 1.5;

/// The browser engine, built from `crates/search-wasm` by `scripts/build-wasm.sh`.
pub static ENGINE_WASM: &[u8] = include_bytes!("../assets/mallette_search.wasm");
/// [`ENGINE_WASM`] gzipped (by `scripts/build-wasm.sh`).
pub static ENGINE_WASM_GZ: &[u8] = include_bytes!("../assets/mallette_search.wasm.gz");
/// `sha256sum` line of [`ENGINE_WASM`].
pub const ENGINE_SHA256: &str = include_str!("../assets/mallette_search.wasm.sha256");
/// The worker script that loads the engine and fetches chunks.
pub static WORKER_JS: &str = include_str!("../assets/search-worker.js");

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
    /// Sizes, for `mallette build` reports and benchmarks.
    pub stats: SearchStats,
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

/// The order and first state of the search page's filters: the same as `static/search.js`.
const FILTER_FIELDS: [&str; 9] = [
    "themes",
    "audiences",
    "level",
    "duration",
    "formats",
    "materials",
    "competences",
    "accessibility",
    "language",
];
const OPEN_FILTERS: [&str; 4] = ["themes", "audiences", "level", "duration"];
const DURATIONS: [&str; 4] = ["lt30", "30-60", "60-120", "gt120"];

fn filter_groups(
    labels: &Labels,
    counts: &BTreeMap<String, BTreeMap<String, u64>>,
) -> Vec<FilterGroup> {
    let empty = BTreeMap::new();
    FILTER_FIELDS
        .iter()
        .filter_map(|&field| {
            let counts = counts.get(field).unwrap_or(&empty);
            let values: Vec<(String, String, u64)> = if field == "duration" {
                DURATIONS
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
            let wanted = if field == "language" { 2 } else { 1 };
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
    /// Milliseconds spent writing the index, planning its chunks, writing every search file.
    pub index_ms: u64,
    pub plan_ms: u64,
    /// Writing the per-document result files; the engine.
    pub docs_ms: u64,
    pub engine_ms: u64,
    pub total_ms: u64,
}

/// Labels of filter values in the interface language: field → `[value, label]` pairs in the
/// vocabulary's order (values of the documents only), plus `_fields`: `[field, name]` pairs.
pub type Labels = BTreeMap<String, Vec<(String, String)>>;

/// Write the search index and the browser's search files into the site folder `site_dir`, with
/// filter values labelled by their slugs.
pub fn write(site_dir: &Path, docs: &[SearchDoc]) -> Result<SearchAssets> {
    write_with(site_dir, docs.iter().cloned(), &Labels::new(), false)
}

/// The labels of every filter value found in `docs`, and of the filter fields, as the site shows
/// them.
pub fn labels(renderer: &crate::render::Renderer, docs: &[SearchDoc]) -> Labels {
    let mut labels = Labels::new();
    let mut fields = Vec::new();
    for t in crate::vocabulary::TAXONOMIES {
        let vocabulary = renderer.vocabularies.get(t.key);
        fields.push((
            t.field.to_string(),
            vocabulary.label(&renderer.lang).to_string(),
        ));
        let present: BTreeSet<&str> = docs.iter().flat_map(|d| doc_values(d, t.field)).collect();
        let known: Vec<&str> = vocabulary
            .terms
            .iter()
            .map(|term| term.slug.as_str())
            .collect();
        let ordered = known
            .iter()
            .filter(|v| present.contains(*v))
            .chain(present.iter().filter(|v| !known.contains(v)));
        let values = ordered
            .filter(|v| !v.is_empty())
            .map(|value| {
                let term = renderer.term(t.key, value, 0);
                let label = match (&term.framework_label, &term.code) {
                    (Some(framework), Some(code)) => format!("{framework} {code} — {}", term.label),
                    _ => term.label,
                };
                (value.to_string(), label)
            })
            .collect();
        labels.insert(t.field.to_string(), values);
    }
    let languages: BTreeSet<&str> = docs.iter().map(|d| d.language.as_str()).collect();
    labels.insert(
        "language".into(),
        languages
            .into_iter()
            .map(|l| (l.to_string(), renderer.language_label(l)))
            .collect(),
    );
    labels.insert("_fields".into(), fields);
    labels
}

fn doc_values<'a>(doc: &'a SearchDoc, field: &str) -> Vec<&'a str> {
    let list = |v: &'a Vec<String>| v.iter().map(String::as_str).collect();
    match field {
        "themes" => list(&doc.themes),
        "audiences" => list(&doc.audiences),
        "level" => vec![doc.level.as_str()],
        "formats" => list(&doc.formats),
        "materials" => list(&doc.materials),
        "competences" => list(&doc.competences),
        "accessibility" => list(&doc.accessibility),
        _ => Vec::new(),
    }
}

/// [`write`], with the labels of filter values (see [`labels`]).
///
/// `offline` (for `mallette build --offline`) also writes the [offline bundle](write_offline_bundle)
/// and ships the index whole.
pub fn write_with(
    site_dir: &Path,
    docs: impl IntoIterator<Item = SearchDoc>,
    labels: &Labels,
    offline: bool,
) -> Result<SearchAssets> {
    let started = std::time::Instant::now();
    let index_dir = site_dir.join(SEARCH_INDEX_DIR);
    mallette_search::write_index(docs, &index_dir)?;
    let index_ms = started.elapsed().as_millis() as u64;
    let mut plan = plan(&index_dir, CHUNK_BYTES)?;
    // From disk, nothing can be fetched on demand: everything goes into the bundle.
    plan.whole |= offline;
    let plan_ms = started.elapsed().as_millis() as u64 - index_ms;
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

    // One small file per document: what a result shows, and the excerpt snippets come from.
    let searcher = mallette_search::open_index(&index_dir)?;
    let addresses = searcher.doc_addresses();
    stats.docs = addresses.len();
    let docs_started = std::time::Instant::now();
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
    stats.docs_ms = docs_started.elapsed().as_millis() as u64;
    let engine_started = std::time::Instant::now();
    written += addresses.len();

    // Engine and worker, under the hash of their content.
    let engine_hash = ENGINE_SHA256.get(..16).unwrap_or("0");
    let engine = format!("engine.{engine_hash}.wasm");
    write_file(&search_dir.join(&engine), ENGINE_WASM)?;
    write_file(&search_dir.join(format!("{engine}.gz")), ENGINE_WASM_GZ)?;
    let worker = format!("worker.{}.js", short_hash(WORKER_JS.as_bytes()));
    write_file(&search_dir.join(&worker), WORKER_JS.as_bytes())?;
    written += 3;
    stats.engine_ms = engine_started.elapsed().as_millis() as u64;

    let browse = searcher.search_matches(&Query::default())?;
    stats.index_ms = index_ms;
    stats.plan_ms = plan_ms;
    stats.total_ms = started.elapsed().as_millis() as u64;
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
        let name = write_offline_bundle(&search_dir, &manifest, &base_gz, &docs)?;
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
        stats,
    })
}

/// Write `search/offline.<hash>.js`, the search of a site opened from disk (`file://`), where a
/// page can neither fetch files nor start a worker, but can load a script: the worker's code
/// (which then runs on the page itself) followed by everything it would have fetched — the
/// manifest, the engine, the whole index and every result file — gzipped and in base64 strings.
/// `static/search.js` loads it instead of the worker when the page's URL is a `file:` one.
/// Returns the file's name.
fn write_offline_bundle(
    search_dir: &Path,
    manifest: &str,
    base_gz: &[u8],
    docs: &BTreeMap<String, &str>,
) -> Result<String> {
    use base64::Engine as _;
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
    let docs_json = serde_json::to_string(docs)?;
    let mut js =
        String::with_capacity(ENGINE_WASM_GZ.len() * 2 + base_gz.len() * 2 + docs_json.len());
    js.push_str(WORKER_JS);
    js.push_str("\n// The search files of this site, for use from file:// (written by mallette build --offline).\n");
    js.push_str("self.malletteOfflineSearch = {\"manifest\":");
    js.push_str(manifest);
    for (key, bytes) in [
        ("engine", ENGINE_WASM_GZ.to_vec()),
        ("base", base_gz.to_vec()),
        ("docs", gzip(docs_json.as_bytes())),
    ] {
        js.push_str(&format!(",\"{key}\":\""));
        js.push_str(&b64(&bytes));
        js.push('"');
    }
    js.push_str("};\n");
    let name = format!("offline.{}.js", short_hash(js.as_bytes()));
    write_file(&search_dir.join(&name), js.as_bytes())?;
    Ok(name)
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write as _;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
    encoder.write_all(bytes).expect("writing to memory");
    encoder.finish().expect("writing to memory")
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))
}

fn short_hash(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes)[..8])
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// One index file.
pub struct IndexFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// How the index is cut and shipped.
pub struct Plan {
    /// Index files, sorted by name: file number = position.
    pub files: Vec<IndexFile>,
    pub chunk_bytes: usize,
    /// Hash of the whole index.
    pub hash: String,
    /// `(file, chunk)` the browser may read.
    pub shipped: BTreeSet<(usize, usize)>,
    /// What opening the index and every sample query (without facet counts) read.
    pub base: BTreeSet<(usize, usize)>,
    /// What counting facets adds (outside `base`).
    pub facets: BTreeSet<(usize, usize)>,
    /// What browsing (an empty text) adds to both.
    pub browse: BTreeSet<(usize, usize)>,
    /// Average bytes of a sample query's chunks outside `base`.
    pub query_bytes: u64,
    pub whole: bool,
}

impl Plan {
    pub fn chunk(&self, file: usize, chunk: usize) -> &[u8] {
        let bytes = &self.files[file].bytes;
        let start = chunk * self.chunk_bytes;
        &bytes[start..(start + self.chunk_bytes).min(bytes.len())]
    }

    fn bytes_of<'a>(&self, chunks: impl IntoIterator<Item = &'a (usize, usize)>) -> u64 {
        chunks
            .into_iter()
            .map(|&(f, c)| self.chunk(f, c).len() as u64)
            .sum()
    }
}

/// Cuts the index in `dir` into chunks and decides what goes into `base.bin`, by recording what
/// opening it and a few sample queries read.
pub fn plan(dir: &Path, chunk_bytes: usize) -> Result<Plan> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let entry = entry?;
        if entry.file_type()?.is_file() {
            let path = entry.file_name().to_string_lossy().into_owned();
            let bytes = std::fs::read(entry.path())?;
            files.push(IndexFile { path, bytes });
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let mut hasher = Sha256::new();
    for f in &files {
        hasher.update(f.path.as_bytes());
        hasher.update([0]);
        hasher.update((f.bytes.len() as u64).to_le_bytes());
        hasher.update(&f.bytes);
    }
    let hash = hex(&hasher.finalize()[..8]);
    let number: BTreeMap<&str, usize> = files
        .iter()
        .enumerate()
        .map(|(i, f)| (f.path.as_str(), i))
        .collect();

    // What opening and browsing read, then what each sample query reads on a fresh open.
    let (recorder, index) = Recorder::open(dir, chunk_bytes)?;
    // Opening (not browsing: the browse order's title column is large and only browsing reads it).
    let _searcher = recorder.searcher()?;
    let opening = recorder.take(&number);
    let words = sample_words(&index)?;
    let query = |text: &str| Query {
        text: text.to_string(),
        filters: Vec::new(),
        limit: 10,
    };
    // Text queries without facet counts (search as you type)…
    let mut queries = Vec::new();
    for word in &words {
        let fresh = recorder.searcher()?;
        recorder.take(&number);
        fresh.search_matches_with(&query(word), false)?;
        queries.push(recorder.take(&number));
    }
    // …what counting facets adds to one (the facet columns)…
    let mut facets = BTreeSet::new();
    if let Some(word) = words.first() {
        let fresh = recorder.searcher()?;
        fresh.search_matches_with(&query(word), false)?;
        recorder.take(&number);
        fresh.search_matches(&query(word))?;
        facets = recorder.take(&number);
    }
    // …and what browsing (filters without text, in title order) reads.
    let fresh = recorder.searcher()?;
    recorder.take(&number);
    fresh.search_matches(&query(""))?;
    let browse = recorder.take(&number);

    let mut shipped = BTreeSet::new();
    for (i, f) in files.iter().enumerate() {
        if f.path.ends_with(".store") {
            continue;
        }
        for c in 0..f.bytes.len().div_ceil(chunk_bytes) {
            shipped.insert((i, c));
        }
    }
    shipped.extend(opening.iter().copied());
    let mut base = opening;
    if let Some(first) = queries.first() {
        base.extend(
            first
                .iter()
                .filter(|c| queries.iter().all(|q| q.contains(c)))
                .copied(),
        );
    }
    // The browser never reads a stored document (hits come from the result files), yet opening a
    // segment reads its doc store's skip index (14 KB at 10,000 kits): ship a one-document store
    // of a few bytes under the same name instead.
    if let Some(store) = files.iter().position(|f| f.path.ends_with(".store")) {
        let stub = stub_store()?;
        let chunks = files[store].bytes.len().div_ceil(chunk_bytes);
        for c in 0..chunks {
            shipped.remove(&(store, c));
            base.remove(&(store, c));
        }
        files[store].bytes = stub;
        for c in 0..files[store].bytes.len().div_ceil(chunk_bytes) {
            shipped.insert((store, c));
            base.insert((store, c));
        }
    }
    let facets: BTreeSet<_> = facets.difference(&base).copied().collect();
    let browse: BTreeSet<_> = browse
        .iter()
        .filter(|c| !base.contains(c) && !facets.contains(c))
        .copied()
        .collect();
    let mut plan = Plan {
        files,
        chunk_bytes,
        hash,
        shipped,
        base,
        facets,
        browse,
        query_bytes: 0,
        whole: false,
    };
    if !queries.is_empty() {
        let own: u64 = queries
            .iter()
            .map(|q| plan.bytes_of(q.difference(&plan.base)))
            .sum();
        plan.query_bytes = own / queries.len() as u64;
    }
    let first_query = plan.bytes_of(&plan.base) + plan.query_bytes;
    plan.whole = plan.bytes_of(&plan.shipped) as f64 <= first_query as f64 * WHOLE_FACTOR;
    Ok(plan)
}

/// The doc store of a one-document index (`SearchDoc::default()`): what the browser gets instead
/// of the real store. Committed, since writing an index to get it costs ~100 ms per build; the test
/// `stub_store_is_current` checks it is still what the indexer writes.
pub static STUB_STORE: &[u8] = include_bytes!("../assets/stub.store");

fn stub_store() -> Result<Vec<u8>> {
    Ok(STUB_STORE.to_vec())
}

/// The doc store the indexer writes for a one-document index.
#[cfg(test)]
fn written_stub_store() -> Result<Vec<u8>> {
    let dir = tempfile::tempdir()?;
    let index = dir.path().join("index");
    mallette_search::write_index(&[SearchDoc::default()], &index)?;
    for entry in std::fs::read_dir(&index)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "store") {
            return Ok(std::fs::read(path)?);
        }
    }
    anyhow::bail!("no doc store in a one-document index")
}

/// Sample words for recording what queries read: the most frequent word of the folded text, and
/// words at the 90th and 50th percentile of document frequency (5 letters or more: no stop word).
fn sample_words(index: &tantivy::Index) -> Result<Vec<String>> {
    let mut words: Vec<(u32, String)> = Vec::new();
    let field = index.schema().get_field("text_raw")?;
    let reader = index.reader()?;
    for segment in reader.searcher().segment_readers() {
        let inverted = segment.inverted_index(field)?;
        let mut stream = inverted.terms().stream()?;
        while stream.advance() {
            if let Ok(word) = std::str::from_utf8(stream.key()) {
                if word.chars().count() >= 5 && word.chars().all(char::is_alphabetic) {
                    words.push((stream.value().doc_freq, word.to_string()));
                }
            }
        }
    }
    words.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    if words.is_empty() {
        return Ok(Vec::new());
    }
    Ok([0.0, 0.1, 0.5]
        .iter()
        .map(|p| words[((words.len() - 1) as f64 * p) as usize].1.clone())
        .collect())
}

/// A read-only directory over the index files that records which chunks tantivy reads.
#[derive(Clone)]
struct Recorder {
    inner: MmapDirectory,
    chunk_bytes: usize,
    reads: Arc<Mutex<BTreeSet<(PathBuf, usize)>>>,
}

impl fmt::Debug for Recorder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Recorder")
    }
}

impl Recorder {
    /// The recorder, and the index opened plainly (for its term dictionary).
    fn open(dir: &Path, chunk_bytes: usize) -> Result<(Recorder, tantivy::Index)> {
        let inner = MmapDirectory::open(dir)
            .with_context(|| format!("opening search index {}", dir.display()))?;
        let index = tantivy::Index::open(mallette_search::ReadOnlyDirectory(inner.clone()))?;
        let recorder = Recorder {
            inner,
            chunk_bytes,
            reads: Arc::default(),
        };
        Ok((recorder, index))
    }

    fn searcher(&self) -> Result<Searcher> {
        mallette_search::open_directory(mallette_search::ReadOnlyDirectory(self.clone()))
    }

    /// The chunks read since the last call, as `(file number, chunk)`.
    fn take(&self, number: &BTreeMap<&str, usize>) -> BTreeSet<(usize, usize)> {
        let reads = std::mem::take(&mut *self.reads.lock().unwrap_or_else(|e| e.into_inner()));
        reads
            .into_iter()
            .filter_map(|(path, c)| Some((*number.get(path.to_str()?)?, c)))
            .collect()
    }

    fn record(&self, path: &Path, range: Range<usize>) {
        if range.is_empty() {
            return;
        }
        let mut reads = self.reads.lock().unwrap_or_else(|e| e.into_inner());
        for c in range.start / self.chunk_bytes..=(range.end - 1) / self.chunk_bytes {
            reads.insert((path.to_path_buf(), c));
        }
    }
}

struct RecordingFile {
    inner: Arc<dyn FileHandle>,
    path: PathBuf,
    recorder: Recorder,
}

impl fmt::Debug for RecordingFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RecordingFile({})", self.path.display())
    }
}

impl HasLen for RecordingFile {
    fn len(&self) -> usize {
        self.inner.len()
    }
}

impl FileHandle for RecordingFile {
    fn read_bytes(&self, range: Range<usize>) -> io::Result<OwnedBytes> {
        self.recorder.record(&self.path, range.clone());
        self.inner.read_bytes(range)
    }
}

impl Directory for Recorder {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        Ok(Arc::new(RecordingFile {
            inner: self.inner.get_file_handle(path)?,
            path: path.to_path_buf(),
            recorder: self.clone(),
        }))
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        let bytes = self.inner.atomic_read(path)?;
        self.record(path, 0..bytes.len());
        Ok(bytes)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.inner.delete(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.inner.open_write(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        self.inner.atomic_write(path, data)
    }

    fn sync_directory(&self) -> io::Result<()> {
        Ok(())
    }

    fn watch(&self, _callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        Ok(WatchHandle::empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Chunk-size experiments: `SEARCH_PLAN_INDEX=public/search/index cargo test --release
    /// plan_sizes -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn plan_sizes() {
        let dir = PathBuf::from(std::env::var("SEARCH_PLAN_INDEX").unwrap());
        for kib in [4, 8, 16, 32, 64] {
            let p = plan(&dir, kib * 1024).unwrap();
            println!(
                "chunk {kib:>2} KiB: base {:>7}  query {:>6}  first {:>7}  all {:>8}  whole {}",
                p.bytes_of(&p.base),
                p.query_bytes,
                p.bytes_of(&p.base) + p.query_bytes,
                p.bytes_of(&p.shipped),
                p.whole
            );
        }
    }

    /// `MALLETTE_UPDATE_ASSETS=1 cargo test --lib stub_store` rewrites assets/stub.store.
    #[test]
    fn stub_store_is_current() {
        let written = written_stub_store().unwrap();
        if std::env::var_os("MALLETTE_UPDATE_ASSETS").is_some() {
            std::fs::write(
                Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/stub.store"),
                &written,
            )
            .unwrap();
        } else {
            assert!(
                written == STUB_STORE,
                "assets/stub.store is stale: MALLETTE_UPDATE_ASSETS=1 cargo test --lib stub_store"
            );
        }
    }

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
