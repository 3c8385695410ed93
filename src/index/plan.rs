//! Cutting the index into chunks and choosing what a first query fetches: by recording which
//! chunks tantivy reads when the index is opened and a few sample queries are run, natively, at
//! build time (see the module doc of [`super`]).

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
use mallette_search::{Query, Searcher};
use sha2::{Digest, Sha256};

use super::{hex, WHOLE_FACTOR};

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
        sort: mallette_search::Sort::Relevance,
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
pub static STUB_STORE: &[u8] = include_bytes!("../../assets/stub.store");

fn stub_store() -> Result<Vec<u8>> {
    Ok(STUB_STORE.to_vec())
}

/// The doc store the indexer writes for a one-document index.
#[cfg(test)]
fn written_stub_store() -> Result<Vec<u8>> {
    let dir = tempfile::tempdir()?;
    let index = dir.path().join("index");
    mallette_search::write_index(&[mallette_search::SearchDoc::default()], &index)?;
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
}
