//! The build side (feature `export`): reads a tantivy index natively, with tantivy, and writes
//! the reader's format (see the crate doc). Nothing is written into the tantivy index's folder.

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

use tantivy::postings::Postings as _;
use tantivy::schema::{FieldType, IndexRecordOption, Schema};
use tantivy::{DocSet, Index, SegmentReader, TERMINATED};

use crate::bits::{put_bytes, put_varint};
use crate::format::{
    common_prefix, encode_postings, encode_rows, pack, page_chunks, put_terms, Chunking, FacetMeta,
    FieldMeta, FileMeta, GroupMeta, Meta, PageIndex, Postings,
};
use crate::source::MemorySource;
use crate::{Error, Reader, Result, META_FILE};

/// What to export and how to cut it.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    /// Fields whose terms share one dictionary. Every indexed text field in no listed group gets
    /// a group of its own (named after it). Empty (the default): a group `text` of the
    /// tokenized fields with frequencies, a group `typo` of the tokenized fields without (the
    /// targets of typo and prefix enumeration: their postings are never inline, which keeps the
    /// pages a fuzzy walk reads small), and a group per untokenized (`raw`) field.
    pub groups: Vec<GroupSpec>,
    /// Fast text column whose value order is the browse order (`title_sort`).
    pub sort_field: Option<String>,
    /// Fast text columns exported as facet columns; `None` (the default): every fast text
    /// column but the sort field.
    pub facet_fields: Option<Vec<String>>,
    /// Largest dictionary page (one chunk), unless one term's entry alone is larger.
    pub dict_page_bytes: usize,
    /// Postings chunks: a term's lists (all its fields) are never split across chunks unless
    /// they are larger than this.
    pub postings_chunk_bytes: usize,
    /// A list of at most this many bytes is stored inside its dictionary entry.
    pub inline_bytes: usize,
    /// Chunks of the norms and browse files.
    pub fixed_chunk_bytes: usize,
    /// A group's page index (the first term of each dictionary page) larger than this is not
    /// in the meta file but in a chunk of the `pages` file, fetched when the group is first used.
    pub inline_page_index_bytes: usize,
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions {
            groups: Vec::new(),
            sort_field: Some("title_sort".to_string()),
            facet_fields: None,
            dict_page_bytes: 1024,
            postings_chunk_bytes: 2048,
            inline_bytes: 24,
            fixed_chunk_bytes: 4096,
            inline_page_index_bytes: 1024,
        }
    }
}

/// Fields that share a dictionary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupSpec {
    pub name: String,
    pub fields: Vec<String>,
    /// Overrides [`ExportOptions::inline_bytes`] for this group.
    pub inline_bytes: Option<usize>,
}

impl GroupSpec {
    pub fn new(name: &str, fields: &[&str]) -> GroupSpec {
        GroupSpec {
            name: name.to_string(),
            fields: fields.iter().map(|f| f.to_string()).collect(),
            inline_bytes: None,
        }
    }
}

/// One exported file: its bytes and where its chunks start and end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportedFile {
    pub name: String,
    pub bytes: Vec<u8>,
    /// `(start, end)` of each chunk.
    pub chunks: Vec<(usize, usize)>,
}

/// The exported index: the meta file and the others, in file-number order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Export {
    pub meta: Vec<u8>,
    pub files: Vec<ExportedFile>,
}

impl Export {
    /// A reader over the export in memory.
    pub fn reader(&self) -> Result<Reader> {
        let source = MemorySource::new(self.files.iter().map(|f| f.bytes.clone()).collect());
        Reader::open(&self.meta, source)
    }

    /// Writes `meta` and each file whole into `dir` (for [`Reader::open_dir`]).
    pub fn write(&self, dir: &Path) -> io::Result<()> {
        std::fs::create_dir_all(dir)?;
        std::fs::write(dir.join(META_FILE), &self.meta)?;
        for f in &self.files {
            std::fs::write(dir.join(&f.name), &f.bytes)?;
        }
        Ok(())
    }

    /// Writes `meta` and every chunk as its own file `<name>.<chunk>` into `dir` (what a static
    /// host serves to the browser; [`crate::ChunkDirSource`] reads it).
    pub fn write_chunked(&self, dir: &Path) -> io::Result<()> {
        std::fs::create_dir_all(dir)?;
        std::fs::write(dir.join(META_FILE), &self.meta)?;
        for f in &self.files {
            for (i, &(a, b)) in f.chunks.iter().enumerate() {
                std::fs::write(dir.join(format!("{}.{i}", f.name)), &f.bytes[a..b])?;
            }
        }
        Ok(())
    }

    /// Total bytes of the meta file and every other file.
    pub fn total_bytes(&self) -> usize {
        self.meta.len() + self.files.iter().map(|f| f.bytes.len()).sum::<usize>()
    }
}

fn tv(e: tantivy::TantivyError) -> Error {
    Error::Format(format!("reading the tantivy index: {e}"))
}

/// Exports the tantivy index in `dir` (only read).
pub fn export_dir(dir: &Path, opts: &ExportOptions) -> Result<Export> {
    let index = Index::open_in_dir(dir).map_err(tv)?;
    export_index(&index, opts)
}

/// One indexed text field to export.
struct TextField {
    field: tantivy::schema::Field,
    name: String,
    freqs: bool,
    norms: bool,
    raw: bool,
}

fn text_fields(schema: &Schema) -> Vec<TextField> {
    schema
        .fields()
        .filter_map(|(field, entry)| {
            let FieldType::Str(opts) = entry.field_type() else {
                return None;
            };
            let ix = opts.get_indexing_options()?;
            Some(TextField {
                field,
                name: entry.name().to_string(),
                freqs: ix.index_option().has_freq(),
                norms: ix.fieldnorms(),
                raw: ix.tokenizer() == "raw",
            })
        })
        .collect()
}

fn fast_text_fields(schema: &Schema) -> Vec<String> {
    schema
        .fields()
        .filter(|(_, e)| matches!(e.field_type(), FieldType::Str(_)) && e.is_fast())
        .map(|(_, e)| e.name().to_string())
        .collect()
}

/// Groups of field indices (into `fields`), with their names.
fn make_groups(fields: &[TextField], opts: &ExportOptions) -> Result<Vec<Group>> {
    let pos = |name: &str| {
        fields
            .iter()
            .position(|f| f.name == name)
            .ok_or_else(|| Error::NoSuchField(name.to_string()))
    };
    let mut groups: Vec<Group> = Vec::new();
    if opts.groups.is_empty() {
        let typo: Vec<usize> = (0..fields.len())
            .filter(|&i| !fields[i].raw && !fields[i].freqs)
            .collect();
        let text: Vec<usize> = (0..fields.len())
            .filter(|&i| !fields[i].raw && fields[i].freqs)
            .collect();
        if !text.is_empty() {
            groups.push(Group {
                name: "text".into(),
                fields: text,
                inline_bytes: opts.inline_bytes,
            });
        }
        if !typo.is_empty() {
            groups.push(Group {
                name: "typo".into(),
                fields: typo,
                inline_bytes: 0,
            });
        }
    } else {
        for g in &opts.groups {
            let ids = g
                .fields
                .iter()
                .map(|n| pos(n))
                .collect::<Result<Vec<_>>>()?;
            groups.push(Group {
                name: g.name.clone(),
                fields: ids,
                inline_bytes: g.inline_bytes.unwrap_or(opts.inline_bytes),
            });
        }
    }
    for (i, f) in fields.iter().enumerate() {
        if !groups.iter().any(|g| g.fields.contains(&i)) {
            groups.push(Group {
                name: f.name.clone(),
                fields: vec![i],
                inline_bytes: opts.inline_bytes,
            });
        }
    }
    for g in &groups {
        if g.fields.len() > 64 {
            return Err(Error::Format(
                "a dictionary group holds at most 64 fields".into(),
            ));
        }
        if g.fields
            .iter()
            .any(|&i| groups.iter().filter(|h| h.fields.contains(&i)).count() > 1)
        {
            return Err(Error::Format(format!(
                "a field of group {} is in another group too",
                g.name
            )));
        }
    }
    Ok(groups)
}

/// Fields sharing one dictionary.
struct Group {
    name: String,
    fields: Vec<usize>,
    inline_bytes: usize,
}

/// The postings of a field's terms, in term order.
fn field_terms(reader: &SegmentReader, f: &TextField) -> Result<Vec<(String, u32, Postings)>> {
    let inv = reader.inverted_index(f.field).map_err(tv)?;
    let norms = if f.norms {
        Some(reader.get_fieldnorms_reader(f.field).map_err(tv)?)
    } else {
        None
    };
    let option = if f.freqs {
        IndexRecordOption::WithFreqs
    } else {
        IndexRecordOption::Basic
    };
    let mut out = Vec::new();
    let mut stream = inv.terms().stream()?;
    while stream.advance() {
        let term = std::str::from_utf8(stream.key())
            .map_err(|_| Error::Format(format!("a term of {} is not UTF-8", f.name)))?
            .to_string();
        let info = stream.value().clone();
        let mut postings = inv.read_postings_from_terminfo(&info, option)?;
        let mut p = Postings::default();
        let mut doc = postings.doc();
        while doc != TERMINATED {
            p.docs.push(doc);
            p.term_freqs
                .push(if f.freqs { postings.term_freq() } else { 1 });
            p.fieldnorm_ids.push(match &norms {
                Some(n) => n.fieldnorm_id(doc),
                None => crate::bm25::CONSTANT_FIELDNORM_ID,
            });
            doc = postings.advance();
        }
        if p.docs.len() != info.doc_freq as usize {
            return Err(Error::Format(format!(
                "{}:{term}: {} postings for a doc frequency of {}",
                f.name,
                p.docs.len(),
                info.doc_freq
            )));
        }
        out.push((term, info.doc_freq, p));
    }
    Ok(out)
}

/// Cuts a growing file into chunks.
struct Chunker {
    bytes: Vec<u8>,
    starts: Vec<usize>,
}

impl Chunker {
    fn new() -> Chunker {
        Chunker {
            bytes: Vec::new(),
            starts: vec![0],
        }
    }

    fn current_len(&self) -> usize {
        self.bytes.len() - self.starts.last().copied().unwrap_or(0)
    }

    fn cut(&mut self) {
        if self.current_len() > 0 {
            self.starts.push(self.bytes.len());
        }
    }

    fn finish(mut self, name: &str) -> ExportedFile {
        self.cut();
        let chunks = self.starts.windows(2).map(|w| (w[0], w[1])).collect();
        ExportedFile {
            name: name.to_string(),
            bytes: self.bytes,
            chunks,
        }
    }
}

fn fixed_file(name: &str, bytes: Vec<u8>, size: usize) -> ExportedFile {
    let chunks = (0..bytes.len())
        .step_by(size.max(1))
        .map(|a| (a, (a + size).min(bytes.len())))
        .collect();
    ExportedFile {
        name: name.to_string(),
        bytes,
        chunks,
    }
}

/// Exports an open tantivy index (one segment, or none for an empty index).
pub fn export_index(index: &Index, opts: &ExportOptions) -> Result<Export> {
    let schema = index.schema();
    let segments = index.searchable_segments().map_err(tv)?;
    if segments.len() > 1 {
        return Err(Error::Format(format!(
            "the index has {} segments: export reads single-segment indexes (merge it first)",
            segments.len()
        )));
    }
    let reader = match segments.first() {
        Some(s) => Some(SegmentReader::open(s).map_err(tv)?),
        None => None,
    };
    if reader.as_ref().is_some_and(|r| r.num_deleted_docs() > 0) {
        return Err(Error::Format("the index has deleted documents".into()));
    }
    let num_docs = reader.as_ref().map_or(0, |r| r.max_doc());

    let fields = text_fields(&schema);
    let groups = make_groups(&fields, opts)?;
    let mut files: Vec<ExportedFile> = Vec::new();
    let mut field_metas: Vec<Option<FieldMeta>> = vec![None; fields.len()];
    let mut group_metas = Vec::new();

    // Postings: file 0; dictionaries next, one per group; then the page indexes too large for
    // the meta file, one chunk each.
    let mut postings = Chunker::new();
    let mut dicts = Vec::new();
    let mut page_indexes = Chunker::new();
    let mut lazy_indexes = Vec::new(); // (group, chunk, pages)
    for (gi, group) in groups.iter().enumerate() {
        let (gname, ids) = (&group.name, &group.fields);
        // term → per slot (doc freq, encoded list)
        let mut terms: BTreeMap<String, Vec<(usize, u32, Vec<u8>)>> = BTreeMap::new();
        for (slot, &fi) in ids.iter().enumerate() {
            let f = &fields[fi];
            let mut total_num_tokens = 0;
            if let Some(r) = &reader {
                total_num_tokens = r.inverted_index(f.field).map_err(tv)?.total_num_tokens();
                for (term, df, p) in field_terms(r, f)? {
                    let enc = encode_postings(&p, f.freqs, f.norms);
                    terms.entry(term).or_default().push((slot, df, enc));
                }
            }
            field_metas[fi] = Some(FieldMeta {
                name: f.name.clone(),
                freqs: f.freqs,
                norms: f.norms,
                total_num_tokens,
                group: gi as u32,
                slot: slot as u32,
                norms_offset: 0,
            });
        }
        // Entries, cut into pages: a page is at most `dict_page_bytes` (unless one entry is
        // larger) and starts with a whole term.
        let entry_of = |term: &str, lists: &[(usize, u32, Vec<u8>)], lcp: usize| {
            let mut e = Vec::new();
            put_varint(&mut e, lcp as u64);
            put_bytes(&mut e, &term.as_bytes()[lcp..]);
            let mask: u64 = lists.iter().map(|(slot, _, _)| 1u64 << slot).sum();
            put_varint(&mut e, mask);
            let mut outside = Vec::new();
            for (_, df, enc) in lists {
                put_varint(&mut e, u64::from(*df));
                let inline = enc.len() <= group.inline_bytes;
                put_varint(&mut e, ((enc.len() as u64) << 1) | u64::from(inline));
                if inline {
                    e.extend_from_slice(enc);
                } else {
                    outside.extend_from_slice(enc);
                }
            }
            (e, outside)
        };
        // Per page: its entries and, per entry, its lists outside the page.
        let mut pages: Vec<(Vec<u8>, u64, Vec<Vec<u8>>)> = Vec::new();
        let mut first_terms = Vec::new();
        let mut prev = "";
        for (term, lists) in &terms {
            let open = pages.last().is_some_and(|p| p.1 > 0);
            let lcp = if open {
                common_prefix(prev.as_bytes(), term.as_bytes())
            } else {
                0
            };
            let (mut entry, mut outside) = entry_of(term, lists, lcp);
            // 25 bytes: the most a page header (three varints) takes.
            if open
                && 25 + pages.last().map_or(0, |p| p.0.len()) + entry.len() > opts.dict_page_bytes
            {
                (entry, outside) = entry_of(term, lists, 0);
                pages.push((Vec::new(), 0, Vec::new()));
            }
            if pages.last().is_none_or(|p| p.1 == 0) {
                if pages.is_empty() {
                    pages.push((Vec::new(), 0, Vec::new()));
                }
                first_terms.push(term.clone());
            }
            let page = pages.last_mut().expect("a page is open");
            page.0.extend_from_slice(&entry);
            page.1 += 1;
            page.2.push(outside);
            prev = term;
        }
        // Each page's lists: a run of postings chunks of its own (see `page_chunks`).
        let mut dict = Chunker::new();
        for (entries, n, outside) in pages {
            let base = postings.bytes.len() as u64;
            let first_chunk = postings.starts.len() as u64 - 1;
            let chunks = page_chunks(
                base,
                outside.iter().map(|o| o.len() as u64),
                opts.postings_chunk_bytes as u64,
            );
            for o in &outside {
                postings.bytes.extend_from_slice(o);
            }
            for &(_, end) in &chunks {
                postings.starts.push(end as usize);
            }
            put_varint(&mut dict.bytes, base);
            put_varint(&mut dict.bytes, first_chunk);
            put_varint(&mut dict.bytes, n);
            dict.bytes.extend_from_slice(&entries);
            dict.cut();
        }
        let mut index = Vec::new();
        put_terms(&mut index, &first_terms);
        let page_index = if index.len() <= opts.inline_page_index_bytes {
            PageIndex::Inline(first_terms)
        } else {
            lazy_indexes.push((gi, page_indexes.starts.len() as u32 - 1));
            page_indexes.bytes.extend_from_slice(&index);
            page_indexes.cut();
            PageIndex::Chunk {
                file: 0, // set below
                chunk: 0,
                pages: first_terms.len() as u32,
            }
        };
        dicts.push((format!("dict-{gname}"), dict));
        group_metas.push(GroupMeta {
            name: gname.clone(),
            dict_file: 0, // set below
            fields: ids.iter().map(|&i| i as u32).collect(),
            pages: page_index,
        });
    }
    files.push(postings.finish("postings"));
    for ((name, dict), g) in dicts.into_iter().zip(&mut group_metas) {
        g.dict_file = files.len() as u32;
        files.push(dict.finish(&name));
    }
    if !lazy_indexes.is_empty() {
        let file = files.len() as u32;
        for (gi, chunk) in lazy_indexes {
            if let PageIndex::Chunk { pages, .. } = group_metas[gi].pages {
                group_metas[gi].pages = PageIndex::Chunk { file, chunk, pages };
            }
        }
        files.push(page_indexes.finish("pages"));
    }

    // Field norms: num_docs bytes per field with norms.
    let mut norms = Vec::new();
    for (fi, f) in fields.iter().enumerate() {
        if !f.norms {
            continue;
        }
        let fm = field_metas[fi].as_mut().expect("every field is in a group");
        fm.norms_offset = norms.len() as u64;
        if let Some(r) = &reader {
            let n = r.get_fieldnorms_reader(f.field).map_err(tv)?;
            norms.extend((0..num_docs).map(|d| n.fieldnorm_id(d)));
        }
    }
    let norms_file = if fields.iter().any(|f| f.norms) {
        files.push(fixed_file("norms", norms, opts.fixed_chunk_bytes));
        Some(files.len() as u32 - 1)
    } else {
        None
    };

    // Facet columns: one chunk each.
    let fast = fast_text_fields(&schema);
    let facet_names: Vec<String> = match &opts.facet_fields {
        Some(names) => names.clone(),
        None => fast
            .iter()
            .filter(|n| Some(*n) != opts.sort_field.as_ref())
            .cloned()
            .collect(),
    };
    let mut facets = Chunker::new();
    let mut facet_metas = Vec::new();
    for name in &facet_names {
        if !fast.contains(name) {
            return Err(Error::NoSuchField(name.clone()));
        }
        let (values, rows) = match &reader {
            Some(r) => str_column(r, name)?,
            None => (Vec::new(), Vec::new()),
        };
        let chunk = facets.starts.len() as u32 - 1;
        facets.bytes.extend(encode_facet(&values, &rows));
        facets.cut();
        facet_metas.push(FacetMeta {
            name: name.clone(),
            file: 0, // set below
            chunk,
            num_values: values.len() as u32,
        });
    }
    // Number columns (u64 fast fields), in the same file, one chunk each.
    let mut number_metas = Vec::new();
    for (_, entry) in schema.fields() {
        if !(matches!(entry.field_type(), FieldType::U64(_)) && entry.is_fast()) {
            continue;
        }
        let rows: Vec<Vec<u64>> = match &reader {
            Some(r) => {
                let col = r.fast_fields().u64(entry.name()).map_err(tv)?;
                (0..num_docs)
                    .map(|d| col.values_for_doc(d).collect())
                    .collect()
            }
            None => Vec::new(),
        };
        let chunk = facets.starts.len() as u32 - 1;
        encode_rows(&mut facets.bytes, &rows, None);
        facets.cut();
        number_metas.push(FacetMeta {
            name: entry.name().to_string(),
            file: 0,
            chunk,
            num_values: 0,
        });
    }
    if !facet_metas.is_empty() || !number_metas.is_empty() {
        let file = files.len() as u32;
        for f in facet_metas.iter_mut().chain(&mut number_metas) {
            f.file = file;
        }
        files.push(facets.finish("facets"));
    }

    // Browse order.
    let browse_file = match (&opts.sort_field, &reader) {
        (Some(name), Some(r)) if fast.contains(name) => {
            let (_, rows) = str_column(r, name)?;
            let mut order: Vec<(u64, u32)> = rows
                .iter()
                .enumerate()
                .map(|(d, ords)| (ords.first().copied().map_or(u64::MAX, u64::from), d as u32))
                .collect();
            order.sort_unstable();
            let mut bytes = Vec::new();
            let w = crate::reader::browse_width(num_docs);
            pack(&mut bytes, order.iter().map(|&(_, d)| u64::from(d)), w);
            files.push(fixed_file("browse", bytes, opts.fixed_chunk_bytes));
            Some(files.len() as u32 - 1)
        }
        _ => None,
    };

    let meta = Meta {
        num_docs,
        files: files
            .iter()
            .map(|f| FileMeta {
                name: f.name.clone(),
                len: f.bytes.len() as u64,
                chunking: if f.name == "norms" || f.name == "browse" {
                    Chunking::Fixed(opts.fixed_chunk_bytes as u32)
                } else if f.name == "postings" {
                    Chunking::Paged(opts.postings_chunk_bytes as u32)
                } else {
                    let mut starts: Vec<u64> = f.chunks.iter().map(|c| c.0 as u64).collect();
                    starts.push(f.bytes.len() as u64);
                    if f.chunks.is_empty() {
                        starts = vec![0];
                    }
                    Chunking::Explicit(starts)
                },
            })
            .collect(),
        fields: field_metas
            .into_iter()
            .map(|f| f.expect("every field is in a group"))
            .collect(),
        groups: group_metas,
        postings_file: 0,
        norms_file,
        facets: facet_metas,
        numbers: number_metas,
        browse_file,
    };
    // Field ids are positions in `fields`, which the groups index: the same order.
    Ok(Export {
        meta: meta.encode(),
        files,
    })
}

/// A fast text column: its values (in ordinal order) and each document's ordinals.
fn str_column(r: &SegmentReader, name: &str) -> Result<(Vec<String>, Vec<Vec<u32>>)> {
    let num_docs = r.max_doc();
    let Some(col) = r.fast_fields().str(name).map_err(tv)? else {
        return Ok((Vec::new(), vec![Vec::new(); num_docs as usize]));
    };
    let mut values = Vec::with_capacity(col.num_terms());
    let mut buf = String::new();
    for ord in 0..col.num_terms() as u64 {
        buf.clear();
        if !col.ord_to_str(ord, &mut buf)? {
            return Err(Error::Format(format!("column {name}: no value {ord}")));
        }
        values.push(buf.clone());
    }
    let rows = (0..num_docs)
        .map(|d| col.term_ords(d).map(|o| o as u32).collect())
        .collect();
    Ok((values, rows))
}

fn encode_facet(values: &[String], rows: &[Vec<u32>]) -> Vec<u8> {
    let mut out = Vec::new();
    put_terms(&mut out, values);
    let rows: Vec<Vec<u64>> = rows
        .iter()
        .map(|r| r.iter().map(|&o| u64::from(o)).collect())
        .collect();
    encode_rows(&mut out, &rows, Some(values.len()));
    out
}
