//! # mallette-search-reader
//!
//! A small reader of mallette's search index — what a query needs and nothing else — shared by
//! the browser (compiled to WebAssembly, no dependency at all) and the terminal.
//!
//! The index stays a real tantivy index, written by tantivy at build time
//! (`mallette_search::write_index`). The build then **exports** it (feature `export`, on by
//! default: [`export::export_dir`]), reading it natively with tantivy's own readers, into a
//! compact format designed to be fetched in small chunks; this crate's [`Reader`] reads that
//! format with no tantivy code. What the reader returns is exactly what tantivy has: the same
//! terms and document frequencies, the same postings, the same field-norm ids, the same column
//! values, and [`bm25`] computes BM25 operation for operation as tantivy 0.27 does, so that
//! scores are bit-identical (`tests/parity.rs` checks all of it against tantivy's searcher).
//!
//! Without default features the crate has no dependency and compiles for
//! `wasm32-unknown-unknown`; a module using the whole API (`examples/wasm_probe.rs`) weighs
//! 96 KB raw, 40 KB gzipped with the workspace's `wasm` profile.
//!
//! ## API
//!
//! - [`Reader::open`] (the meta file's bytes + a [`ChunkSource`]), [`Reader::open_dir`];
//!   [`export::Export::reader`] in memory.
//! - Statistics: [`Reader::num_docs`], [`Reader::total_num_tokens`], [`Reader::doc_freq`].
//! - Terms: [`Reader::term_info`] (exact), [`Reader::prefix_terms`], [`Reader::fuzzy_terms`]
//!   (Levenshtein distance ≤ 1 or 2 over characters, adjacent transpositions costing 1: the
//!   terms tantivy's `FuzzyTermQuery::new(term, d, true)` automaton accepts), each with its
//!   [`TermInfo`] (doc frequency and where the postings are).
//! - Postings: [`Reader::postings`]: documents in order with their term frequencies and
//!   field-norm ids; [`Reader::fieldnorm_id`] of any document.
//! - Scores: [`Reader::bm25`] → [`Bm25Weight`] (`for_one_term`, `boost_by`, `score(fieldnorm id,
//!   tf)`), [`Reader::term_scores`] (a `TermQuery` inside `BoostQuery`s), and [`ops`] to combine
//!   them as `BooleanQuery` does (`Must`, `Should`, nested boosts, constant scores).
//! - Columns: [`Reader::facet`] (a fast text column: its values, each document's ordinals),
//!   [`Reader::numbers`] (a `u64` fast field), [`Reader::browse_order`] /
//!   [`Reader::browse_range`] (documents by `title_sort`, then doc id; no value last).
//! - Fetch planning: `Reader::wanted_for_{terms,prefix,fuzzy,postings,columns,browse}` list the
//!   chunks a call will need and does not have yet, [`Reader::insert`] hands them over: a browser
//!   fetches them in parallel, asynchronously, then runs the query synchronously without a single
//!   request (dictionary pages first, then the postings they point to: two or three rounds).
//!   [`Reader::fetch_stats`] tells what was fetched.
//!
//! ## Files
//!
//! An export is a small `meta` file and a few others, each cut into chunks; a chunk is the unit
//! of fetching (a static host serves each as its own file, `<file>.<chunk>`:
//! [`export::Export::write_chunked`], [`ChunkDirSource`]). Integers are LEB128 varints unless
//! said otherwise; bit-packed values are LSB first; "front-coded" strings are a varint length of
//! the prefix shared with the previous string, then the rest as varint length + bytes.
//!
//! - **`meta`** (read first, whole): magic `MSRX`, version, `num_docs`; the file table (name,
//!   length, chunking: fixed size, explicit chunk lengths, or "paged" for the postings); the
//!   indexed text fields (name, has frequencies, has norms, `total_num_tokens`, dictionary group
//!   and slot in it, offset of its norms); the dictionary groups (dictionary file, fields by slot,
//!   and the **page index**: the first term of each dictionary page, front-coded — in the meta
//!   file if it takes at most 1 KB, else in a chunk of `pages`); the facet and number columns
//!   (file, chunk); the browse file.
//! - **`dict-<group>`**: the terms of the fields of one group, in byte order, in **pages of at
//!   most 1 KB**, one chunk each. Fields analysed alike share a dictionary, so one lookup (one
//!   page) serves all of them. Default groups: `text` (tokenized fields with frequencies: the
//!   stemmed fields), `typo` (tokenized fields without: `title_raw`, `text_raw`, the targets of
//!   typo and prefix enumeration, kept apart so that a fuzzy walk reads a small dictionary), and
//!   one per untokenized field (`slug`, each facet). A page: varint offset in `postings` of its
//!   first list, varint number of its first postings chunk, varint entry count; then per term:
//!   front-coded term (the first one whole), varint mask of the group's fields that have it, and
//!   per such field its doc frequency and `list length << 1 | inline`; a list of at most 24
//!   bytes is inline, right there (never in the `typo` group).
//! - **`postings`**: the other lists, page after page, term after term, field after field. A
//!   list: blocks of 128 documents, each `u8` doc width, `u8` tf width (fields with
//!   frequencies), `u8` min + `u8` width of the field-norm ids (fields with norms), then the
//!   bit-packed `doc − previous − 1`, `tf − 1`, `fieldnorm id − min`, byte-aligned. The field-norm
//!   id of each posting is in the posting itself, so scoring a term needs its list only. Chunks
//!   are not listed anywhere: each page's lists start a chunk and are packed greedily into
//!   **chunks of 2 KB** (a term's lists go whole into the current chunk, or start the next one;
//!   lists longer than a chunk fill whole chunks) — the writer cuts with the function the reader
//!   replays from the page.
//! - **`pages`**: the page indexes too large for the meta file, one chunk per group.
//! - **`norms`**: per field with norms, `num_docs` bytes: tantivy's field-norm ids (4 KB chunks;
//!   queries never read it, the ids being in the postings).
//! - **`facets`**: one chunk per column. A text column: its values front-coded (in ordinal
//!   order), then its rows; a number column: its rows. Rows: kind `0` bitsets of one bit per
//!   value, `1` lists (count width, value width, varint minimum, then every row's count, then
//!   every value − minimum), `2` one value per row (value width, minimum, values − minimum) —
//!   whichever is smallest.
//! - **`browse`**: the document ids in browse order, bit-packed on `bits(num_docs − 1)` bits
//!   (4 KB chunks: the first page of a browse list reads one).
//!
//! ## What a query fetches
//!
//! After the meta file (2.6 KB, 1.7 KB gzipped at 10,000 generated kits; 1.9 KB at 1,000), a
//! one-word query as `query.rs` builds it (stems in the stemmed fields, the folded word in the raw
//! fields: two dictionary pages and their lists) fetches, measured by `tests/bytes.rs` over 200
//! words drawn by frequency: **at 1,000 kits 5.7 KB median (4 chunks), 6.1 KB at most; at
//! 10,000 kits 9.6 KB median (6 chunks), 15.7 KB p90, 21 KB at most** (10.9 KB with the
//! prefix terms of a word being typed). A word unknown to the index adds its typo walk: the
//! dictionary pages of the `typo` group whose key range may hold a term within the distance
//! (27.5 KB median at 1,000 kits, 34.7 KB at 10,000: most of that dictionary, the first letter
//! being among the edits — the fraction falls as dictionaries grow). Counting facets reads the
//! facet columns once (7.9 KB at 1,000 kits, 75 KB at 10,000).
//!
//! ## Fetching in a browser
//!
//! A [`ChunkSource`] answers "chunk `c` of file `f`" (its name, offset and length are given
//! too, so a source may serve per-chunk static files or byte ranges of whole files). The reader
//! asks for each chunk once and keeps it. A synchronous source (a worker's synchronous request)
//! works as is; or the caller plans with `wanted_for_*`, fetches in parallel, [`Reader::insert`]s,
//! and gives the reader a source that fails (any miss then is an error, not a request).

mod bits;
pub mod bm25;
mod columns;
#[cfg(feature = "export")]
pub mod export;
mod format;
pub mod levenshtein;
pub mod ops;
mod page;
mod reader;
mod source;

pub use bm25::Bm25Weight;
pub use format::Postings;
pub use reader::{FacetColumn, FetchStats, Field, NumberColumn, Reader, TermInfo, Wanted};
pub use source::{ChunkDirSource, ChunkRef, ChunkSource, DirSource, MemorySource};

/// Name of the meta file, beside the other files.
pub const META_FILE: &str = "meta";

/// What can go wrong reading an index.
#[derive(Debug)]
pub enum Error {
    /// A chunk could not be fetched.
    Io(std::io::Error),
    /// The bytes are not what this reader writes (another version, or damaged).
    Format(String),
    /// The index has no such field.
    NoSuchField(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Io(e) => write!(f, "reading the search index: {e}"),
            Error::Format(m) => write!(f, "search index: {m}"),
            Error::NoSuchField(n) => write!(f, "the search index has no field `{n}`"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io(e) => Some(e),
            _ => None,
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Error {
        Error::Io(e)
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
