//! The reader: opens the meta file, then fetches chunks as calls need them (see the crate doc for
//! the format).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use crate::bits::{BitReader, Cursor};
use crate::bm25::{Bm25Weight, CONSTANT_FIELDNORM_ID};
pub use crate::columns::{FacetColumn, NumberColumn};
use crate::format::{decode_postings, get_terms, Chunking, Meta, PageIndex, Postings};
use crate::levenshtein::Matcher;
use crate::page::{Page, PageChunks};
use crate::source::{ChunkRef, ChunkSource};
use crate::{Error, Result};

/// A field of the index (its position in the meta file's field table).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Field(pub u32);

/// Where a term's postings are.
#[derive(Debug, Clone)]
pub(crate) enum Loc {
    /// In the postings file, in chunks of the page's table.
    File {
        offset: u64,
        len: u32,
        chunks: Arc<PageChunks>,
    },
    /// In the dictionary page itself.
    Inline {
        page: Arc<[u8]>,
        start: u32,
        len: u32,
    },
}

/// A term of a field: its document frequency and where its postings are.
#[derive(Debug, Clone)]
pub struct TermInfo {
    pub field: Field,
    pub doc_freq: u32,
    pub(crate) loc: Loc,
}

impl TermInfo {
    /// Whether the postings are in the dictionary page (reading them fetches nothing).
    pub fn is_inline(&self) -> bool {
        matches!(self.loc, Loc::Inline { .. })
    }
}

/// A chunk the reader will need: [`crate::ChunkRef`], owned.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Wanted {
    pub file: u32,
    pub name: String,
    pub chunk: u32,
    pub offset: u64,
    pub len: u32,
}

impl Wanted {
    pub fn as_ref(&self) -> ChunkRef<'_> {
        ChunkRef {
            file: self.file,
            name: &self.name,
            chunk: self.chunk,
            offset: self.offset,
            len: self.len,
        }
    }
}

/// What the reader fetched (not what it served from its cache).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FetchStats {
    pub chunks: usize,
    pub bytes: u64,
    /// `(file name, chunk, bytes)`, in fetch order.
    pub log: Vec<(String, u32, u32)>,
}

/// An open index. `Send + Sync`; fetched chunks and decoded pages are kept.
pub struct Reader {
    meta: Meta,
    /// Per group, its page index once known.
    page_index: Mutex<HashMap<u32, Arc<Vec<String>>>>,
    source: Box<dyn ChunkSource>,
    chunks: Mutex<HashMap<(u32, u32), Chunk>>,
    pages: Mutex<HashMap<(u32, u32), Arc<Page>>>,
    facets: Mutex<HashMap<u32, Arc<FacetColumn>>>,
    numbers: Mutex<HashMap<u32, Arc<NumberColumn>>>,
    stats: Mutex<FetchStats>,
}

/// A fetched chunk.
type Chunk = Arc<[u8]>;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Reader {
    /// Opens an index from its meta file (`meta`, which a browser gets with its first request)
    /// and a source of the other files' chunks.
    pub fn open(meta: &[u8], source: impl ChunkSource + 'static) -> Result<Reader> {
        let meta = Meta::decode(meta)?;
        let mut page_index = HashMap::new();
        for (i, g) in meta.groups.iter().enumerate() {
            if let PageIndex::Inline(t) = &g.pages {
                page_index.insert(i as u32, Arc::new(t.clone()));
            }
        }
        Ok(Reader {
            meta,
            page_index: Mutex::new(page_index),
            source: Box::new(source),
            chunks: Mutex::new(HashMap::new()),
            pages: Mutex::new(HashMap::new()),
            facets: Mutex::new(HashMap::new()),
            numbers: Mutex::new(HashMap::new()),
            stats: Mutex::new(FetchStats::default()),
        })
    }

    /// Opens an index written whole into `dir` (`Export::write`): `dir/meta` and the files
    /// beside it, read by offset.
    pub fn open_dir(dir: impl AsRef<std::path::Path>) -> Result<Reader> {
        let dir = dir.as_ref();
        let meta = std::fs::read(dir.join(crate::META_FILE))?;
        Reader::open(&meta, crate::source::DirSource::new(dir))
    }

    /// Number of documents (tantivy's `max_doc`: the `N` of BM25).
    pub fn num_docs(&self) -> u32 {
        self.meta.num_docs
    }

    /// The indexed text fields, by name.
    pub fn fields(&self) -> impl Iterator<Item = (Field, &str)> {
        self.meta
            .fields
            .iter()
            .enumerate()
            .map(|(i, f)| (Field(i as u32), f.name.as_str()))
    }

    /// An indexed field by name.
    pub fn field(&self, name: &str) -> Option<Field> {
        self.meta
            .fields
            .iter()
            .position(|f| f.name == name)
            .map(|i| Field(i as u32))
    }

    /// An indexed field by name, or an error naming it.
    pub fn field_or_err(&self, name: &str) -> Result<Field> {
        self.field(name)
            .ok_or_else(|| Error::NoSuchField(name.to_string()))
    }

    fn fmeta(&self, f: Field) -> &crate::format::FieldMeta {
        &self.meta.fields[f.0 as usize]
    }

    pub fn field_name(&self, f: Field) -> &str {
        &self.fmeta(f).name
    }

    /// Whether the field records term frequencies (otherwise every one is 1).
    pub fn has_freqs(&self, f: Field) -> bool {
        self.fmeta(f).freqs
    }

    /// Whether the field records field norms (otherwise every document has the id 1).
    pub fn has_norms(&self, f: Field) -> bool {
        self.fmeta(f).norms
    }

    /// Tokens of the field over all documents, as tantivy counts them for BM25's average field
    /// length (`InvertedIndexReader::total_num_tokens`).
    pub fn total_num_tokens(&self, f: Field) -> u64 {
        self.fmeta(f).total_num_tokens
    }

    /// The names of the facet columns.
    pub fn facet_names(&self) -> impl Iterator<Item = &str> {
        self.meta.facets.iter().map(|f| f.name.as_str())
    }

    /// Chunks and bytes fetched so far.
    pub fn fetch_stats(&self) -> FetchStats {
        lock(&self.stats).clone()
    }

    /// The names of the files, by file number.
    pub fn file_names(&self) -> Vec<&str> {
        self.meta.files.iter().map(|f| f.name.as_str()).collect()
    }

    // ---- chunks -------------------------------------------------------------------------

    fn chunk(&self, file: u32, i: usize) -> Result<Arc<[u8]>> {
        let fm = &self.meta.files[file as usize];
        if i >= fm.num_chunks() {
            return Err(Error::Format(format!(
                "chunk {i} of {} out of range",
                fm.name
            )));
        }
        let (a, b) = fm.chunk_range(i);
        self.chunk_at(file, i, a, b)
    }

    /// Chunk `i` of a file, bytes `a..b`.
    fn chunk_at(&self, file: u32, i: usize, a: u64, b: u64) -> Result<Arc<[u8]>> {
        if let Some(c) = lock(&self.chunks).get(&(file, i as u32)) {
            if b.checked_sub(a) != Some(c.len() as u64) {
                return Err(Error::Format(format!(
                    "chunk {i} of file {file} is not where the index says"
                )));
            }
            return Ok(c.clone());
        }
        let fm = &self.meta.files[file as usize];
        if b < a || b > fm.len {
            return Err(Error::Format(format!(
                "chunk {i} of {} out of range",
                fm.name
            )));
        }
        let len = (b - a) as u32;
        let r = ChunkRef {
            file,
            name: &fm.name,
            chunk: i as u32,
            offset: a,
            len,
        };
        let bytes = self.source.fetch(&r)?;
        if bytes.len() != len as usize {
            return Err(Error::Format(format!(
                "chunk {i} of {} has {} bytes, expected {len}",
                fm.name,
                bytes.len()
            )));
        }
        let bytes: Arc<[u8]> = bytes.into();
        lock(&self.chunks).insert((file, i as u32), bytes.clone());
        let mut st = lock(&self.stats);
        st.chunks += 1;
        st.bytes += u64::from(len);
        st.log.push((fm.name.clone(), i as u32, len));
        Ok(bytes)
    }

    fn read_range(&self, file: u32, offset: u64, len: u64) -> Result<Vec<u8>> {
        let fm = &self.meta.files[file as usize];
        if offset.checked_add(len).is_none_or(|end| end > fm.len) {
            return Err(Error::Format(format!("read past the end of {}", fm.name)));
        }
        let mut out = Vec::with_capacity(len as usize);
        if len == 0 {
            return Ok(out);
        }
        let first = fm.chunk_of(offset);
        let last = fm.chunk_of(offset + len - 1);
        for i in first..=last {
            let c = self.chunk(file, i)?;
            let (a, _) = fm.chunk_range(i);
            let from = offset.max(a) - a;
            let to = (offset + len).min(a + c.len() as u64) - a;
            out.extend_from_slice(&c[from as usize..to as usize]);
        }
        Ok(out)
    }

    /// The first term of each dictionary page of a group (fetched the first time if not in the
    /// meta file).
    fn first_terms(&self, group: u32) -> Result<Arc<Vec<String>>> {
        if let Some(t) = lock(&self.page_index).get(&group) {
            return Ok(t.clone());
        }
        let g = &self.meta.groups[group as usize];
        let PageIndex::Chunk { file, chunk, pages } = g.pages else {
            return Err(Error::Format("page index".into()));
        };
        let raw = self.chunk(file, chunk as usize)?;
        let terms = get_terms(&mut Cursor::new(&raw))?;
        if terms.len() != pages as usize || terms.windows(2).any(|w| w[0] >= w[1]) {
            return Err(Error::Format(format!(
                "page index of {} is inconsistent",
                g.name
            )));
        }
        let terms = Arc::new(terms);
        lock(&self.page_index).insert(group, terms.clone());
        Ok(terms)
    }

    fn page(&self, group: u32, page: usize) -> Result<Arc<Page>> {
        if let Some(p) = lock(&self.pages).get(&(group, page as u32)) {
            return Ok(p.clone());
        }
        let g = &self.meta.groups[group as usize];
        let first_terms = self.first_terms(group)?;
        let raw = self.chunk(g.dict_file, page)?;
        let postings_len = self.meta.files[self.meta.postings_file as usize].len;
        let p = Arc::new(Page::decode(
            raw,
            g.fields.len(),
            self.postings_chunk_size(),
            postings_len,
            self.meta.num_docs,
        )?);
        if p.terms.first().map(String::as_str) != first_terms.get(page).map(String::as_str) {
            return Err(Error::Format(
                "dictionary page does not start with its first term".into(),
            ));
        }
        lock(&self.pages).insert((group, page as u32), p.clone());
        Ok(p)
    }

    fn postings_chunk_size(&self) -> u32 {
        match self.meta.files[self.meta.postings_file as usize].chunking {
            Chunking::Paged(size) => size,
            _ => u32::MAX,
        }
    }

    /// Bytes `offset .. offset + len` of the postings file, from the chunks of a page's table.
    fn read_postings_range(&self, chunks: &PageChunks, offset: u64, len: u64) -> Result<Vec<u8>> {
        let end = offset.checked_add(len).ok_or_else(crate::bits::truncated)?;
        let mut out = Vec::with_capacity(len as usize);
        let first = chunks.ranges.partition_point(|&(_, b)| b <= offset);
        for (k, &(a, b)) in chunks.ranges.iter().enumerate().skip(first) {
            if a >= end {
                break;
            }
            let c = self.chunk_at(self.meta.postings_file, (chunks.first as usize) + k, a, b)?;
            let from = offset.max(a) - a;
            let to = end.min(b) - a;
            out.extend_from_slice(&c[from as usize..to as usize]);
        }
        if out.len() as u64 != len {
            return Err(Error::Format("postings outside their page's chunks".into()));
        }
        Ok(out)
    }

    // ---- terms --------------------------------------------------------------------------

    /// A term of a field, if the field has it.
    pub fn term_info(&self, field: Field, term: &str) -> Result<Option<TermInfo>> {
        let fm = self.fmeta(field);
        let first_terms = self.first_terms(fm.group)?;
        let n = first_terms.partition_point(|f| f.as_str() <= term);
        if n == 0 {
            return Ok(None);
        }
        let page = self.page(fm.group, n - 1)?;
        let Ok(i) = page.terms.binary_search_by(|t| t.as_str().cmp(term)) else {
            return Ok(None);
        };
        Ok(page.slot(i, fm.slot).map(|s| page.term_info(field, s)))
    }

    /// Number of documents whose field has the term (0 if none).
    pub fn doc_freq(&self, field: Field, term: &str) -> Result<u32> {
        Ok(self.term_info(field, term)?.map_or(0, |t| t.doc_freq))
    }

    /// The terms of a field starting with `prefix` (all of them for ""), in term order.
    pub fn prefix_terms(&self, field: Field, prefix: &str) -> Result<Vec<(String, TermInfo)>> {
        let fm = self.fmeta(field);
        let first_terms = self.first_terms(fm.group)?;
        let start = first_terms
            .partition_point(|f| f.as_str() <= prefix)
            .saturating_sub(1);
        let mut out = Vec::new();
        for p in start..first_terms.len() {
            if p > start && !first_terms[p].starts_with(prefix) && first_terms[p].as_str() > prefix
            {
                break;
            }
            let page = self.page(fm.group, p)?;
            for (i, t) in page.terms.iter().enumerate() {
                if t.starts_with(prefix) {
                    if let Some(s) = page.slot(i, fm.slot) {
                        out.push((t.clone(), page.term_info(field, s)));
                    }
                } else if t.as_str() > prefix {
                    return Ok(out);
                }
            }
        }
        Ok(out)
    }

    /// The terms of a field within edit distance `distance` of `word` (Levenshtein over
    /// characters, adjacent transpositions costing 1: tantivy's
    /// `FuzzyTermQuery::new(term, distance, true)`), in term order. Only the dictionary pages
    /// whose key range may hold such a term are fetched.
    pub fn fuzzy_terms(
        &self,
        field: Field,
        word: &str,
        distance: u8,
    ) -> Result<Vec<(String, TermInfo)>> {
        let fm = self.fmeta(field);
        let mut out = Vec::new();
        let mut m = Matcher::new(word, distance);
        for p in self.fuzzy_pages(fm.group, word, distance)? {
            let page = self.page(fm.group, p)?;
            m.truncate(0);
            let mut prev: &str = "";
            let mut dead_at: Option<usize> = None;
            for (i, t) in page.terms.iter().enumerate() {
                let common = common_chars(prev, t);
                prev = t;
                if dead_at.is_some_and(|d| common >= d) {
                    continue; // shares a prefix no extension of which matches
                }
                dead_at = None;
                m.truncate(common.min(m.depth()));
                for c in t.chars().skip(m.depth()) {
                    m.push(c);
                    if !m.alive() {
                        dead_at = Some(m.depth());
                        break;
                    }
                }
                if dead_at.is_none() && m.distance().is_some() {
                    if let Some(s) = page.slot(i, fm.slot) {
                        out.push((t.clone(), page.term_info(field, s)));
                    }
                }
            }
        }
        Ok(out)
    }

    /// How many dictionary pages [`Reader::fuzzy_terms`] reads, of how many.
    pub fn fuzzy_page_count(
        &self,
        field: Field,
        word: &str,
        distance: u8,
    ) -> Result<(usize, usize)> {
        let fm = self.fmeta(field);
        let total = self.first_terms(fm.group)?.len();
        Ok((self.fuzzy_pages(fm.group, word, distance)?.len(), total))
    }

    fn fuzzy_pages(&self, group: u32, word: &str, distance: u8) -> Result<Vec<usize>> {
        let first_terms = self.first_terms(group)?;
        let mut m = Matcher::new(word, distance);
        Ok((0..first_terms.len())
            .filter(|&p| {
                let hi = first_terms.get(p + 1).map(String::as_str);
                m.range_may_match(&first_terms[p], hi)
            })
            .collect())
    }

    // ---- postings and norms ---------------------------------------------------------------

    /// The postings of a term: documents in order, with term frequencies and field-norm ids.
    pub fn postings(&self, t: &TermInfo) -> Result<Postings> {
        let fm = self.fmeta(t.field);
        if t.doc_freq > self.meta.num_docs {
            return Err(Error::Format(
                "a document frequency above the number of documents".into(),
            ));
        }
        let bytes;
        let buf: &[u8] = match &t.loc {
            Loc::Inline { page, start, len } => page
                .get(*start as usize..(*start + *len) as usize)
                .ok_or_else(crate::bits::truncated)?,
            Loc::File {
                offset,
                len,
                chunks,
            } => {
                bytes = self.read_postings_range(chunks, *offset, u64::from(*len))?;
                &bytes
            }
        };
        let p = decode_postings(buf, t.doc_freq as usize, fm.freqs, fm.norms)?;
        if p.docs.last().is_some_and(|&d| d >= self.meta.num_docs) {
            return Err(Error::Format("posting past the last document".into()));
        }
        Ok(p)
    }

    /// The field-norm id of a document for a field (tantivy's `FieldNormReader::fieldnorm_id`;
    /// 1 for a field without norms, as tantivy scores those).
    pub fn fieldnorm_id(&self, field: Field, doc: u32) -> Result<u8> {
        let fm = self.fmeta(field);
        if !fm.norms {
            return Ok(CONSTANT_FIELDNORM_ID);
        }
        if doc >= self.meta.num_docs {
            return Err(Error::Format(format!("no document {doc}")));
        }
        let file = self
            .meta
            .norms_file
            .ok_or_else(|| Error::Format("no norms file".into()))?;
        Ok(self.read_range(file, fm.norms_offset + u64::from(doc), 1)?[0])
    }

    // ---- planning fetches ------------------------------------------------------------------

    fn want(&self, out: &mut Vec<Wanted>, file: u32, chunk: usize, a: u64, b: u64) {
        if lock(&self.chunks).contains_key(&(file, chunk as u32)) {
            return;
        }
        let w = Wanted {
            file,
            name: self.meta.files[file as usize].name.clone(),
            chunk: chunk as u32,
            offset: a,
            len: (b - a) as u32,
        };
        if !out.contains(&w) {
            out.push(w);
        }
    }

    fn want_chunk(&self, out: &mut Vec<Wanted>, file: u32, chunk: usize) {
        let fm = &self.meta.files[file as usize];
        if chunk < fm.num_chunks() {
            let (a, b) = fm.chunk_range(chunk);
            self.want(out, file, chunk, a, b);
        }
    }

    /// The page index of a group if known; otherwise records its chunk as wanted.
    fn known_first_terms(&self, group: u32, out: &mut Vec<Wanted>) -> Option<Arc<Vec<String>>> {
        if let Some(t) = lock(&self.page_index).get(&group) {
            return Some(t.clone());
        }
        if let PageIndex::Chunk { file, chunk, .. } = self.meta.groups[group as usize].pages {
            self.want_chunk(out, file, chunk as usize);
        }
        None
    }

    fn want_page(&self, out: &mut Vec<Wanted>, group: u32, page: usize) {
        if lock(&self.pages).contains_key(&(group, page as u32)) {
            return;
        }
        self.want_chunk(out, self.meta.groups[group as usize].dict_file, page);
    }

    /// The chunks that [`Reader::term_info`] of each lookup would fetch, not yet here: so that a
    /// caller (a browser worker) fetches them all at once, in parallel, then
    /// [`Reader::insert`]s them before running the lookups. A group whose page index is not
    /// in the meta file and not yet fetched yields that chunk only: ask again once it is in.
    pub fn wanted_for_terms(&self, lookups: &[(Field, &str)]) -> Vec<Wanted> {
        let mut out = Vec::new();
        for &(field, term) in lookups {
            let group = self.fmeta(field).group;
            if let Some(first_terms) = self.known_first_terms(group, &mut out) {
                let n = first_terms.partition_point(|f| f.as_str() <= term);
                if n > 0 {
                    self.want_page(&mut out, group, n - 1);
                }
            }
        }
        out
    }

    /// The chunks [`Reader::prefix_terms`] would fetch, not yet here (see
    /// [`Reader::wanted_for_terms`]).
    pub fn wanted_for_prefix(&self, field: Field, prefix: &str) -> Vec<Wanted> {
        let mut out = Vec::new();
        let group = self.fmeta(field).group;
        if let Some(first_terms) = self.known_first_terms(group, &mut out) {
            let start = first_terms
                .partition_point(|f| f.as_str() <= prefix)
                .saturating_sub(1);
            for p in start..first_terms.len() {
                if p > start
                    && !first_terms[p].starts_with(prefix)
                    && first_terms[p].as_str() > prefix
                {
                    break;
                }
                self.want_page(&mut out, group, p);
            }
        }
        out
    }

    /// The chunks [`Reader::fuzzy_terms`] would fetch, not yet here (see
    /// [`Reader::wanted_for_terms`]).
    pub fn wanted_for_fuzzy(&self, field: Field, word: &str, distance: u8) -> Vec<Wanted> {
        let mut out = Vec::new();
        let group = self.fmeta(field).group;
        if self.known_first_terms(group, &mut out).is_some() {
            for p in self.fuzzy_pages(group, word, distance).unwrap_or_default() {
                self.want_page(&mut out, group, p);
            }
        }
        out
    }

    /// The chunks [`Reader::postings`] of these terms would fetch, not yet here.
    pub fn wanted_for_postings(&self, terms: &[TermInfo]) -> Vec<Wanted> {
        let mut out = Vec::new();
        for t in terms {
            if let Loc::File {
                offset,
                len,
                chunks,
            } = &t.loc
            {
                let end = offset + u64::from(*len);
                for (k, &(a, b)) in chunks.ranges.iter().enumerate() {
                    if b > *offset && a < end {
                        self.want(
                            &mut out,
                            self.meta.postings_file,
                            chunks.first as usize + k,
                            a,
                            b,
                        );
                    }
                }
            }
        }
        out
    }

    /// The chunks of these facet or number columns not yet here.
    pub fn wanted_for_columns(&self, names: &[&str]) -> Vec<Wanted> {
        let mut out = Vec::new();
        for f in self.meta.facets.iter().chain(&self.meta.numbers) {
            if names.contains(&f.name.as_str()) {
                self.want_chunk(&mut out, f.file, f.chunk as usize);
            }
        }
        out
    }

    /// The chunks [`Reader::browse_range`] would fetch, not yet here.
    pub fn wanted_for_browse(&self, start: u32, count: u32) -> Vec<Wanted> {
        let mut out = Vec::new();
        let n = self.meta.num_docs;
        let end = start.saturating_add(count).min(n);
        if let (Some(file), true) = (self.meta.browse_file, start < end) {
            let w = u64::from(browse_width(n));
            let fm = &self.meta.files[file as usize];
            let first = fm.chunk_of(u64::from(start) * w / 8);
            let last = fm.chunk_of((u64::from(end) * w).div_ceil(8) - 1);
            for c in first..=last {
                self.want_chunk(&mut out, file, c);
            }
        }
        out
    }

    /// Gives the reader a chunk fetched by the caller (see [`Reader::wanted_for_terms`]).
    pub fn insert(&self, w: &Wanted, bytes: Vec<u8>) -> Result<()> {
        let fm = self
            .meta
            .files
            .get(w.file as usize)
            .ok_or_else(|| Error::Format(format!("no file {}", w.file)))?;
        if bytes.len() != w.len as usize || fm.name != w.name {
            return Err(Error::Format(format!(
                "chunk {} of {}: {} bytes, expected {}",
                w.chunk,
                w.name,
                bytes.len(),
                w.len
            )));
        }
        lock(&self.chunks).insert((w.file, w.chunk), bytes.into());
        let mut st = lock(&self.stats);
        st.chunks += 1;
        st.bytes += u64::from(w.len);
        st.log.push((w.name.clone(), w.chunk, w.len));
        Ok(())
    }

    /// The BM25 weight of a term of `doc_freq` documents in `field` (before any boost).
    pub fn bm25(&self, field: Field, doc_freq: u32) -> Bm25Weight {
        Bm25Weight::for_term(
            u64::from(doc_freq),
            u64::from(self.meta.num_docs),
            self.fmeta(field).total_num_tokens,
        )
    }

    /// The BM25 score of every document of a term, in doc order, its weight boosted by `boost`
    /// — what tantivy's `TermQuery` (`WithFreqs`) inside `BoostQuery`s multiplying to `boost`
    /// scores.
    pub fn term_scores(&self, t: &TermInfo, boost: f32) -> Result<Vec<(u32, f32)>> {
        let w = self.bm25(t.field, t.doc_freq).boost_by(boost);
        let p = self.postings(t)?;
        Ok((0..p.len())
            .map(|i| (p.docs[i], w.score(p.fieldnorm_ids[i], p.term_freqs[i])))
            .collect())
    }

    // ---- facets and browse order ------------------------------------------------------------

    /// A facet column by field name (`None` if the index has no such column).
    pub fn facet(&self, name: &str) -> Result<Option<Arc<FacetColumn>>> {
        let Some(i) = self.meta.facets.iter().position(|f| f.name == name) else {
            return Ok(None);
        };
        if let Some(c) = lock(&self.facets).get(&(i as u32)) {
            return Ok(Some(c.clone()));
        }
        let fm = &self.meta.facets[i];
        let raw = self.chunk(fm.file, fm.chunk as usize)?;
        let col = Arc::new(FacetColumn::decode(&raw, self.meta.num_docs)?);
        if col.values.len() != fm.num_values as usize {
            return Err(Error::Format(format!(
                "facet column {name} is inconsistent"
            )));
        }
        lock(&self.facets).insert(i as u32, col.clone());
        Ok(Some(col))
    }

    /// The names of the number columns.
    pub fn number_names(&self) -> impl Iterator<Item = &str> {
        self.meta.numbers.iter().map(|f| f.name.as_str())
    }

    /// A number column (a `u64` fast field) by name (`None` if the index has no such column).
    pub fn numbers(&self, name: &str) -> Result<Option<Arc<NumberColumn>>> {
        let Some(i) = self.meta.numbers.iter().position(|f| f.name == name) else {
            return Ok(None);
        };
        if let Some(c) = lock(&self.numbers).get(&(i as u32)) {
            return Ok(Some(c.clone()));
        }
        let fm = &self.meta.numbers[i];
        let raw = self.chunk(fm.file, fm.chunk as usize)?;
        let col = Arc::new(NumberColumn::decode(&raw, self.meta.num_docs)?);
        lock(&self.numbers).insert(i as u32, col.clone());
        Ok(Some(col))
    }

    /// Documents `start .. start + count` of the browse order (by the sort column's value, then
    /// doc id; documents without a value last): fetches only the chunks holding them.
    pub fn browse_range(&self, start: u32, count: u32) -> Result<Vec<u32>> {
        let n = self.meta.num_docs;
        let Some(file) = self.meta.browse_file else {
            return Ok((start.min(n)..start.saturating_add(count).min(n)).collect());
        };
        let end = start.saturating_add(count).min(n);
        if start >= end {
            return Ok(Vec::new());
        }
        let w = browse_width(n);
        let bit0 = u64::from(start) * u64::from(w);
        let bit1 = u64::from(end) * u64::from(w);
        let byte0 = bit0 / 8;
        let byte1 = bit1.div_ceil(8);
        let bytes = self.read_range(file, byte0, byte1 - byte0)?;
        let mut r = BitReader::new(&bytes);
        r.read((bit0 % 8) as u8)?;
        let mut out = Vec::with_capacity((end - start) as usize);
        for _ in start..end {
            let d = r.read(w)? as u32;
            if d >= n {
                return Err(Error::Format("bad browse order".into()));
            }
            out.push(d);
        }
        Ok(out)
    }

    /// Every document in browse order.
    pub fn browse_order(&self) -> Result<Vec<u32>> {
        self.browse_range(0, self.meta.num_docs)
    }
}

/// Bits per document id in the browse file.
pub(crate) fn browse_width(num_docs: u32) -> u8 {
    crate::bits::bits_for(u64::from(num_docs.saturating_sub(1))).max(1)
}

fn common_chars(a: &str, b: &str) -> usize {
    a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count()
}
