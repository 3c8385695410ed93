//! # mallette-search
//!
//! The search engine of mallette, shared by the native indexer (`mallette build`, `mallette
//! search`) and the browser WebAssembly module. It wraps [tantivy] 0.27 with one schema, one set
//! of analyzers and one query builder, so that what the build writes is exactly what the browser
//! reads.
//!
//! ## Build and features
//!
//! tantivy is used with `default-features = false, features = ["lz4-compression", "stemmer"]`
//! everywhere, plus `mmap` through this crate's `native` feature (on by default). Without
//! `native` the crate holds only the query side (no file system, no threads) and compiles for
//! `wasm32-unknown-unknown`; a browser module opens the index with [`open_directory`] over a
//! read-only [`tantivy::Directory`] serving fetched bytes. The doc store is written with the LZ4
//! compressor (zstd does not build for wasm). [`tantivy`] is re-exported so that a wasm crate uses
//! the very same version.
//!
//! ## Index layout ([`schema`])
//!
//! One tantivy document per kit (and per translation: a translation is its own [`SearchDoc`],
//! with its own `language`). The text is indexed three times:
//!
//! - **stemmed French** (`title_fr`, `summary_fr`, `body_fr`, analyzer `mallette_fr`) for kits in
//!   French — and kits with an empty language, French being the default;
//! - **stemmed English** (`title_en`, `summary_en`, `body_en`, analyzer `mallette_en`) for kits
//!   whose language is `en` (or `en-…`);
//! - **folded, unstemmed** (`title_raw`, `text_raw` = summary + body, analyzer `mallette_folded`) for
//!   every kit, whatever its language: the target of typo-tolerant and prefix matching, and the only
//!   text field of kits in other languages.
//!
//! Each query word is searched in both stemmed families (its French stem in the `_fr` fields, its
//! English stem in the `_en` fields) and in the folded fields, so a query finds kits of either
//! language without knowing which one it is written in. No field stores positions (no phrase
//! queries): that keeps the postings — what a browser downloads — small.
//!
//! Filters and facets use one raw (untokenised) indexed + fast field per controlled field:
//! `themes`, `audiences`, `level`, `formats`, `materials`, `competences`, `accessibility`,
//! `language`, and `duration`, whose value is the bucket of `duration_minutes`: `lt30` (< 30),
//! `30-60` (30 to 60 inclusive), `60-120` (61 to 120), `gt120` (> 120); see
//! [`schema::duration_bucket`].
//!
//! ## Analysis ([`analysis`])
//!
//! SimpleTokenizer → RemoveLong(40 bytes) → LowerCaser → AsciiFoldingFilter → snowball stemmer.
//! Folding comes before stemming on both sides, so `donnees` and `données` meet. The analyzers are
//! registered on the index under the names recorded in its schema (`mallette_fr`, `mallette_en`,
//! `mallette_folded`); every function of this crate that creates or opens an index registers them
//! (see [`analysis::register_analyzers`] for anyone who opens a `tantivy::Index` by hand).
//!
//! ## Query semantics ([`Query`], [`Searcher::search`])
//!
//! The text is split and folded like the index. **Stop words** (`de`, `la`, `les`, `des`, `du`,
//! `un`, `pas`, `l'`, `d'`, `the`, `of`…) are dropped from the query — unless the query has
//! nothing else — because nearly every French kit contains them: they would only add noise to the
//! scores. They stay in the index, so `le` alone still finds something. Likewise a word's stem is
//! not searched when the stem is a stop word (the typo `pase` stems to `pas`).
//!
//! Each remaining word becomes an OR of:
//! - its stem in `title_*` (BM25 ×3), `summary_*` (×2) and `body_*` (×1), for `fr` and `en`
//!   (`navigateurs` → `navigateur`, `donnees` → `données`);
//! - its folded form as typed in `title_raw` (constant 0.3×3) and `text_raw` (0.3): the only
//!   match for kits in languages without stemming;
//! - in the same clause, its **typo corrections**, for a word of 4 characters or more that occurs
//!   in no document as typed: the folded words of the index within Levenshtein distance 1 (words of
//!   4–7 characters) or 2 (8 or more), transpositions costing 1, keeping only the closest distance
//!   found, never a stop word nor a word shorter than 4 characters, at most the 32 most frequent.
//!   The term dictionary is walked with tantivy's Levenshtein automaton (what `FuzzyTermQuery`
//!   does) but the choice of words is ours, and the snippet marks exactly those words
//!   (`thunderbrid` → `thunderbird`, `cokies` → `cookies`, `pase` → `passe`, `page`, `base`…
//!   but not `pas`). The 8 most frequent corrections are also searched by their **stems** in the
//!   stemmed fields, BM25 ×0.5: so `sauvegrde` → `sauvegarde` → stem `sauvegard` ranks the kit
//!   titled *Sauvegarder…* first, where constant scores alone would tie every kit that mentions
//!   the word;
//! - for the last word, when nothing follows it in the typed text (search as you type) and it has
//!   3 characters or more, a prefix match in the folded fields (constant 0.2×3 / 0.2).
//!
//! Typo tolerance applies only to words the index does not know as typed: a correctly spelled
//! `page` or `sécurité` is not widened to `base`, `sécurisé`…: on a synthetic corpus of 5,000 kits
//! this cut `sécurité` from 3,758 hits to the 1,797 kits that really contain it. The price: a word
//! that exists only as a typo somewhere in the content (one kit writes `pase`) is then matched
//! as typed, not corrected.
//!
//! Folded and typo clauses have a small constant score and corrections' stems half the weight,
//! so a match of the word as typed ranks above a mere typo match, while a typo still finds (and
//! ranks) its kit.
//!
//! Words are then combined with **AND** (every word must match in some form): this gives precise
//! results and ranks documents having all the words by BM25. If that finds nothing and the query
//! has several words, it is re-run with **OR** (any word), ranked by BM25, so that one unknown
//! word never empties the result list. (We chose AND-then-OR over a single OR query because BM25
//! has no coordination factor: in a plain OR, a kit repeating one word can outrank one that has
//! every word.) `mot de pase` → `mot AND (pase | passe | page | base…)`: the kit about *mots de
//! passe* matches through the stem `mot` and the correction `passe`, and ranks first because
//! `mot` is in its title.
//!
//! An **empty text** (or only punctuation) is browse mode: every document matches, hits are
//! ordered by folded title, `score` is 0.
//!
//! **Filters**: `(field, value)` pairs over the fields listed above; values of the same field are
//! OR-ed, fields are AND-ed. An unknown field name is an error; an unknown value simply matches
//! nothing.
//!
//! **Facets** are counted in the same single pass over the documents that match the text
//! (a custom collector reading the fast fields): a document is counted for field F's values when it
//! passes the filters of every field *other than F* (disjunctive facets: selecting `level=debutant`
//! still shows how many kits each other level would give). Values with a count of 0 are absent from
//! the map. `total` counts documents passing the text and every filter; `hits` are the best
//! `limit` of them (`limit` 0 gives counts only).
//!
//! ## Snippets (module `snippet`)
//!
//! The indexer stores only the first 4 KB of each body (`excerpt`); the snippet is a ~200-byte
//! window of it around the best group of matched words, HTML-escaped, matches in `<mark>`. Matches
//! are found by a single scan of the excerpt with the document's own analyzers (stem, folded form,
//! typo distance, prefix), never by re-running the query on whole bodies. A word that matches only
//! further down the body makes the kit a hit but cannot be highlighted: the snippet then shows the
//! start of the body.
//!
//! ## Files
//!
//! [`write_index`] writes a single merged segment: `meta.json`, `.managed.json` and one segment's
//! files (`<uuid>.{idx,term,store,fast,fieldnorm,…}`). There are no positions files.

pub mod analysis;
#[cfg(feature = "native")]
mod index;
pub mod lexicon;
mod query;
pub mod schema;
mod snippet;

use std::collections::BTreeMap;

use anyhow::{Context, Result};
pub use tantivy;
use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::{Directory, Index, IndexReader, ReloadPolicy};

#[cfg(feature = "native")]
pub use index::{write_index, write_index_with_lexicon};
pub use lexicon::{Lexicon, LexiconGroup};

/// What the build pipeline gives the indexer for each kit (or translation, or learning path).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchDoc {
    pub slug: String,
    pub url: String,
    pub title: String,
    pub summary: String,
    /// The text of the body's headings (indexed with the summary: they weigh more than the body).
    pub headings: String,
    /// Plain text of the body.
    pub body: String,
    /// `fr`, `en`, …: selects the stemmed fields (`en` → English, other non-`fr` → unstemmed only).
    pub language: String,
    pub themes: Vec<String>,
    pub audiences: Vec<String>,
    pub level: String,
    pub formats: Vec<String>,
    pub materials: Vec<String>,
    /// e.g. `pix:1.1`.
    pub competences: Vec<String>,
    pub accessibility: Vec<String>,
    /// The French and English labels of the values above (`Seniors`, `Sans écran`…): searchable,
    /// so that a query naming an audience, a level or a material prefers the kits that have it.
    pub labels: String,
    pub duration_minutes: u32,
    /// `kit` (or empty) or `parcours`: the `type` facet.
    pub kind: String,
    /// Last update, `yyyy-mm-dd` (or empty).
    pub updated: String,
    /// Date of the latest field report, `yyyy-mm-dd` (or empty); a kit with one is `tested`.
    pub last_session: String,
}

/// How hits are ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Sort {
    /// Best match first; without text, newest first.
    #[default]
    Relevance,
    /// Newest update first.
    Updated,
    /// Shortest first.
    Duration,
    /// Latest field session first (kits never tested last).
    LastSession,
    /// By title.
    Title,
}

impl Sort {
    /// `pertinence`/`relevance`, `date`, `duree`/`duration`, `seance`/`session`, `titre`/`title`.
    pub fn parse(name: &str) -> Option<Sort> {
        Some(match name {
            "" | "pertinence" | "relevance" => Sort::Relevance,
            "date" | "updated" => Sort::Updated,
            "duree" | "durée" | "duration" => Sort::Duration,
            "seance" | "séance" | "session" | "last_session" => Sort::LastSession,
            "titre" | "title" => Sort::Title,
            _ => return None,
        })
    }
}

/// A search request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// Typed text; empty = browse mode (all documents, newest first).
    pub text: String,
    /// `(field, value)`: AND across fields, OR within a field. Fields: see [`schema::FACETS`]
    /// (`duration`: `lt30`, `30-60`, `60-120`, `gt120`; `type`: `kit`, `parcours`; `tested`:
    /// `oui`).
    pub filters: Vec<(String, String)>,
    /// Maximum number of hits returned.
    pub limit: usize,
    pub sort: Sort,
}

/// A query word that matched through the lexicon: `word` as typed, `synonym` the group's first
/// word (`ordi` → `ordinateur`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Synonym {
    pub word: String,
    pub synonym: String,
}

/// One result.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub slug: String,
    pub url: String,
    pub title: String,
    pub summary: String,
    /// Matched words in `<mark>`, HTML-escaped otherwise.
    pub snippet_html: String,
    pub score: f32,
    pub level: String,
    pub audiences: Vec<String>,
    pub duration_minutes: u32,
    /// `kit` or `parcours`.
    pub kind: String,
    /// Query words this hit matched only through the lexicon.
    pub synonyms: Vec<Synonym>,
}

/// The answer to a [`Query`].
#[derive(Debug, Clone, PartialEq)]
pub struct Results {
    /// Documents matching the text and every filter.
    pub total: usize,
    /// The best `limit` of them.
    pub hits: Vec<Hit>,
    /// Field → value → count, disjunctive: counts for a field ignore that field's own filter.
    pub facets: BTreeMap<String, BTreeMap<String, u64>>,
    /// "Did you mean": the text with its unknown words corrected, when that finds more.
    pub suggestion: Option<String>,
}

/// What a query matches, before any stored field is read: [`Searcher::search`] without the hits'
/// contents. A browser reads the stored fields of the few hits it shows from small per-document
/// files instead of the index's doc store, then asks [`Matches::snippet_html`] for their snippets.
#[derive(Debug, Clone)]
pub struct Matches {
    /// Documents matching the text and every filter.
    pub total: usize,
    /// The best `limit` of them, best first, with their scores.
    pub docs: Vec<(tantivy::DocAddress, f32)>,
    /// As in [`Results::facets`].
    pub facets: BTreeMap<String, BTreeMap<String, u64>>,
    /// Per hit (as `docs`): query words it matched only through the lexicon.
    pub synonyms: Vec<Vec<Synonym>>,
    /// As in [`Results::suggestion`].
    pub suggestion: Option<String>,
    /// The analysed query words (with their typo corrections), for snippets.
    terms: Vec<query::QTerm>,
}

impl Matches {
    /// The snippet of a hit, from its stored `excerpt` and `language` ([`StoredDoc`]): exactly
    /// the `snippet_html` [`Searcher::search`] would give.
    pub fn snippet_html(&self, excerpt: &str, language: &str) -> String {
        snippet::snippet_html(excerpt, analysis::Family::of(language), &self.terms)
    }
}

/// The stored fields of one indexed document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoredDoc {
    pub slug: String,
    pub url: String,
    pub title: String,
    pub summary: String,
    /// The first [`schema::EXCERPT_BYTES`] of the body: the text snippets are cut from.
    pub excerpt: String,
    pub language: String,
    pub level: String,
    pub audiences: Vec<String>,
    pub duration_minutes: u32,
    pub kind: String,
}

/// An open index, ready to answer queries. Cheap to keep around; `Send + Sync`.
pub struct Searcher {
    reader: IndexReader,
    fields: schema::Fields,
    /// `lexicon.bin`, read lazily (see [`lexicon`]); `None` inside when the index has none.
    lexicon: std::sync::Mutex<Option<Option<lexicon::LexiconReader>>>,
    /// Folded words of the index by phonetic key, built at the first unknown word.
    phonetic: std::sync::OnceLock<query::PhoneticTable>,
}

impl Searcher {
    /// Wraps an already opened tantivy index (registers the analyzers on it).
    pub fn from_index(index: Index) -> Result<Searcher> {
        analysis::register_analyzers(index.tokenizers());
        let fields = schema::Fields::resolve(&index.schema())?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .context("opening search index reader")?;
        Ok(Searcher {
            reader,
            fields,
            lexicon: std::sync::Mutex::new(None),
            phonetic: std::sync::OnceLock::new(),
        })
    }

    /// Runs a query: see the crate doc for its semantics.
    pub fn search(&self, q: &Query) -> Result<Results> {
        query::run(self, q)
    }

    /// Matches, scores and facet counts of a query, without reading the hits' stored fields.
    pub fn search_matches(&self, q: &Query) -> Result<Matches> {
        query::matches(self, q, true)
    }

    /// [`Searcher::search_matches`], counting facets only if `count_facets`: without them a
    /// query reads no fast-field column but those of its filters (`facets` then holds only the
    /// filtered fields) — what a results-only view (a browser's search-as-you-type box) needs, at
    /// a fraction of the bytes.
    pub fn search_matches_with(&self, q: &Query, count_facets: bool) -> Result<Matches> {
        query::matches(self, q, count_facets)
    }

    /// The stored fields of a document (e.g. one of [`Matches::docs`]).
    pub fn stored(&self, addr: tantivy::DocAddress) -> Result<StoredDoc> {
        query::stored(self, addr)
    }

    /// The address of every document, in index order.
    pub fn doc_addresses(&self) -> Vec<tantivy::DocAddress> {
        let searcher = self.reader.searcher();
        let mut out = Vec::new();
        for (segment, reader) in searcher.segment_readers().iter().enumerate() {
            for doc in 0..reader.max_doc() {
                if !reader.is_deleted(doc) {
                    out.push(tantivy::DocAddress::new(segment as u32, doc));
                }
            }
        }
        out
    }

    /// For development: how each word of `text` scores on the documents of `slugs` (one line per
    /// word and document: the word's forms, lexicon groups, weight and score).
    pub fn explain(&self, text: &str, slugs: &[String]) -> Result<Vec<String>> {
        query::explain(self, text, slugs)
    }

    /// Number of indexed documents.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }
}

/// Opens an index written by [`write_index`] in `dir` (native, memory-mapped). The directory is
/// only read: nothing is written there (not even tantivy's lock file), so it may be read-only or
/// already published.
#[cfg(feature = "native")]
pub fn open_index(dir: &std::path::Path) -> Result<Searcher> {
    let mmap = tantivy::directory::MmapDirectory::open(dir)
        .with_context(|| format!("opening search index {}", dir.display()))?;
    open_directory(ReadOnlyDirectory(mmap))
        .with_context(|| format!("opening search index {}", dir.display()))
}

/// Opens an index over any tantivy [`Directory`] — e.g. a read-only directory over bytes fetched
/// by a browser. Needs no file system and starts no thread. Wrap the directory in
/// [`ReadOnlyDirectory`] unless it accepts tantivy's lock file.
pub fn open_directory(dir: impl Into<Box<dyn Directory>>) -> Result<Searcher> {
    let index = Index::open(dir).context("opening search index")?;
    Searcher::from_index(index)
}

/// Wraps a [`Directory`] so that tantivy only reads it: locks are no-ops (a reader takes the meta
/// lock, which on a file system creates `.tantivy-meta.lock`), writes and deletions fail, nothing
/// is watched. Reading an index needs nothing more.
#[derive(Debug, Clone)]
pub struct ReadOnlyDirectory<D>(pub D);

impl<D: Directory + Clone> Directory for ReadOnlyDirectory<D> {
    fn get_file_handle(
        &self,
        path: &std::path::Path,
    ) -> Result<std::sync::Arc<dyn tantivy::directory::FileHandle>, OpenReadError> {
        self.0.get_file_handle(path)
    }

    fn delete(&self, path: &std::path::Path) -> Result<(), DeleteError> {
        Err(DeleteError::IoError {
            io_error: std::sync::Arc::new(read_only()),
            filepath: path.to_path_buf(),
        })
    }

    fn exists(&self, path: &std::path::Path) -> Result<bool, OpenReadError> {
        self.0.exists(path)
    }

    fn open_write(
        &self,
        path: &std::path::Path,
    ) -> Result<tantivy::directory::WritePtr, OpenWriteError> {
        Err(OpenWriteError::IoError {
            io_error: std::sync::Arc::new(read_only()),
            filepath: path.to_path_buf(),
        })
    }

    fn atomic_read(&self, path: &std::path::Path) -> Result<Vec<u8>, OpenReadError> {
        self.0.atomic_read(path)
    }

    fn atomic_write(&self, _path: &std::path::Path, _data: &[u8]) -> std::io::Result<()> {
        Err(read_only())
    }

    fn sync_directory(&self) -> std::io::Result<()> {
        Ok(())
    }

    fn acquire_lock(
        &self,
        _lock: &tantivy::directory::Lock,
    ) -> Result<tantivy::directory::DirectoryLock, LockError> {
        Ok(tantivy::directory::DirectoryLock::from(Box::new(())))
    }

    fn watch(
        &self,
        _callback: tantivy::directory::WatchCallback,
    ) -> tantivy::Result<tantivy::directory::WatchHandle> {
        Ok(tantivy::directory::WatchHandle::empty())
    }
}

fn read_only() -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::PermissionDenied,
        "the search index is opened read-only",
    )
}

#[cfg(all(test, feature = "native"))]
mod tests;
