//! # mallette-search-wasm
//!
//! The search engine of a built mallette site, compiled to `wasm32-unknown-unknown` and run by
//! the site's search worker (`themes/default/static/search-worker.js`). It is
//! [`mallette_search`] — the very code `mallette search` runs in a terminal — over a
//! [`ChunkedDirectory`]: the index files are cut into fixed-size chunks that the worker fetches
//! one by one, synchronously, the first time the engine reads them.
//!
//! Built by `scripts/build-wasm.sh` into `assets/mallette_search.wasm` (committed with its
//! SHA-256 and embedded into the `mallette` binary, so building a site needs no wasm toolchain).
//!
//! ## ABI (no wasm-bindgen: a raw C ABI and a hand-written loader)
//!
//! Imports, module `env`:
//! - `fetch_chunk(file: u32, chunk: u32, dst: *mut u8, len: u32) -> i32`: write the `len` bytes
//!   of chunk `chunk` of file number `file` at `dst`; return 0, or non-zero on failure.
//!
//! Exports:
//! - `alloc(len) -> ptr`, `dealloc(ptr, len)`: buffers the loader fills with UTF-8 input. A
//!   function given an input buffer takes it over (frees it).
//! - `open(ptr, len) -> status`: input is the JSON list of index files
//!   `[{"path": "meta.json", "len": 1234, "chunk": 65536}, …]`, file number = position.
//! - `search(ptr, len) -> status`: input `{"q": "mot de pase", "f": [["level", "debutant"]],
//!   "n": 10, "c": true, "s": "date"}` (`c`: count facets, default true; `s`: the sort, see
//!   [`mallette_search::Sort::parse`], default relevance); output `{"total": 3, "hits":
//!   [{"doc": "0-12", "score": 4.2, "syn": [["ordi", "ordinateur"]]}], "facets": {…},
//!   "suggestion": "mot de passe"}` ([`mallette_search::Matches`]; `doc` is `segment-docid`, the
//!   name of the hit's document file; `syn` the query words it matched only through the
//!   lexicon, with the group's word; `suggestion` null unless a word was corrected).
//! - `snippets(ptr, len) -> status`: input `[{"x": excerpt, "g": language}, …]` of hits of the
//!   last `search`; output the list of their snippet HTML strings.
//! - `out_ptr() -> ptr`, `out_len() -> len`: the output (or error message) of the last call.
//!
//! A status is 0 on success, 1 on error (the output is then the message).

pub mod chunked;

use std::sync::Arc;

use mallette_search::{Matches, Query, Searcher};
use serde::Deserialize;

pub use chunked::{ChunkSource, ChunkedDirectory, FileSpec};

/// An open index and the last query's matches (for snippets).
pub struct Engine {
    searcher: Searcher,
    last: Option<Matches>,
}

#[derive(Deserialize)]
struct SearchInput {
    #[serde(default)]
    q: String,
    #[serde(default)]
    f: Vec<(String, String)>,
    #[serde(default = "default_limit")]
    n: usize,
    /// Count facets (default): false for a results-only view, which then reads fewer chunks.
    #[serde(default = "default_true")]
    c: bool,
    /// Sort name (`date`, `duree`, `seance`, `titre`); empty = relevance.
    #[serde(default)]
    s: String,
}

fn default_true() -> bool {
    true
}

fn default_limit() -> usize {
    10
}

#[derive(Deserialize)]
struct SnippetInput {
    x: String,
    #[serde(default)]
    g: String,
}

fn error_text(e: impl std::fmt::Display) -> String {
    format!("{e:#}")
}

impl Engine {
    /// Opens the index described by `files` (JSON list of [`FileSpec`]).
    pub fn open(files: &str, source: Arc<dyn ChunkSource>) -> Result<Engine, String> {
        let specs: Vec<FileSpec> = serde_json::from_str(files).map_err(error_text)?;
        let dir = ChunkedDirectory::new(&specs, source);
        let searcher = mallette_search::open_directory(dir).map_err(error_text)?;
        Ok(Engine {
            searcher,
            last: None,
        })
    }

    /// Runs a query given as JSON; answers JSON (see the crate doc).
    pub fn search(&mut self, input: &str) -> Result<String, String> {
        let input: SearchInput = serde_json::from_str(input).map_err(error_text)?;
        let sort = mallette_search::Sort::parse(&input.s)
            .ok_or_else(|| format!("unknown sort `{}`", input.s))?;
        let query = Query {
            text: input.q,
            filters: input.f,
            limit: input.n,
            sort,
        };
        let m = self
            .searcher
            .search_matches_with(&query, input.c)
            .map_err(error_text)?;
        let hits: Vec<serde_json::Value> = m
            .docs
            .iter()
            .enumerate()
            .map(|(i, (addr, score))| {
                let syn: Vec<[&str; 2]> = m
                    .synonyms
                    .get(i)
                    .into_iter()
                    .flatten()
                    .map(|s| [s.word.as_str(), s.synonym.as_str()])
                    .collect();
                serde_json::json!({
                    "doc": format!("{}-{}", addr.segment_ord, addr.doc_id),
                    "score": score,
                    "syn": syn,
                })
            })
            .collect();
        let out = serde_json::json!({
            "total": m.total, "hits": hits, "facets": m.facets, "suggestion": m.suggestion,
        });
        self.last = Some(m);
        Ok(out.to_string())
    }

    /// Snippets of hits of the last query, given their excerpts and languages.
    pub fn snippets(&self, input: &str) -> Result<String, String> {
        let input: Vec<SnippetInput> = serde_json::from_str(input).map_err(error_text)?;
        let m = self.last.as_ref().ok_or("no search was run yet")?;
        let out: Vec<String> = input.iter().map(|s| m.snippet_html(&s.x, &s.g)).collect();
        serde_json::to_string(&out).map_err(error_text)
    }
}

#[cfg(target_arch = "wasm32")]
mod abi;

#[cfg(test)]
mod tests;
