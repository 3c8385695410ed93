//! The meta file and the encodings shared by the writer ([`crate::export`]) and the reader.
//! The layout is described in the crate doc.

use crate::bits::{put_bytes, put_varint, BitReader, BitWriter, Cursor};
use crate::{Error, Result};

pub(crate) const MAGIC: &[u8; 4] = b"MSRX";
pub(crate) const VERSION: u8 = 1;

/// Postings are cut into blocks of this many documents, each with its own bit widths.
pub(crate) const BLOCK: usize = 128;

pub(crate) const FLAG_FREQS: u8 = 1;
pub(crate) const FLAG_NORMS: u8 = 2;

/// How a file is cut into chunks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Chunking {
    /// Chunks of this many bytes (the last one shorter).
    Fixed(u32),
    /// Chunk `i` is bytes `starts[i]..starts[i + 1]`.
    Explicit(Vec<u64>),
    /// The postings file: its chunks are described by the dictionary pages (see
    /// [`page_chunks`]), cut at this nominal size.
    Paged(u32),
}

/// The postings chunks of one dictionary page: its lists (the sizes of each term's lists
/// outside the page, in term order) start at `base` in a chunk of their own and are packed
/// greedily into chunks of `size` bytes — a term's lists go whole into the current chunk, or start
/// the next one if they do not fit; lists larger than a chunk fill whole chunks and their rest
/// stays open for the next terms. The writer cuts the file with this very function, the reader
/// replays it from the page alone.
pub(crate) fn page_chunks(
    base: u64,
    sizes: impl IntoIterator<Item = u64>,
    size: u64,
) -> Vec<(u64, u64)> {
    let size = size.max(1);
    let mut out = Vec::new();
    let (mut start, mut pos) = (base, base);
    for s in sizes {
        if s == 0 {
            continue;
        }
        if pos > start && pos - start + s > size {
            out.push((start, pos));
            start = pos;
        }
        pos = pos.saturating_add(s);
        while pos - start > size {
            out.push((start, start + size));
            start += size;
        }
    }
    if pos > start {
        out.push((start, pos));
    }
    out
}

/// Where a group's page index (the first term of each dictionary page) is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PageIndex {
    /// In the meta file.
    Inline(Vec<String>),
    /// In chunk `chunk` of file `file`, front-coded like [`put_terms`], `pages` terms.
    Chunk { file: u32, chunk: u32, pages: u32 },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FileMeta {
    pub name: String,
    pub len: u64,
    pub chunking: Chunking,
}

impl FileMeta {
    pub fn num_chunks(&self) -> usize {
        match &self.chunking {
            Chunking::Fixed(size) => self.len.div_ceil(u64::from(*size)) as usize,
            Chunking::Explicit(starts) => starts.len().saturating_sub(1),
            Chunking::Paged(_) => 0,
        }
    }

    /// Byte range of chunk `i` (`i < num_chunks()`; not for paged files).
    pub fn chunk_range(&self, i: usize) -> (u64, u64) {
        match &self.chunking {
            Chunking::Fixed(size) => {
                let start = i as u64 * u64::from(*size);
                (start, (start + u64::from(*size)).min(self.len))
            }
            Chunking::Explicit(starts) => (starts[i], starts[i + 1]),
            Chunking::Paged(_) => (0, 0),
        }
    }

    /// The chunk holding byte `offset` (`offset < len`; not for paged files).
    pub fn chunk_of(&self, offset: u64) -> usize {
        match &self.chunking {
            Chunking::Fixed(size) => (offset / u64::from(*size)) as usize,
            Chunking::Explicit(starts) => starts.partition_point(|&s| s <= offset) - 1,
            Chunking::Paged(_) => 0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FieldMeta {
    pub name: String,
    pub freqs: bool,
    pub norms: bool,
    pub total_num_tokens: u64,
    pub group: u32,
    /// Position of the field in its group (bit of the entries' field masks).
    pub slot: u32,
    /// Offset of the field's `num_docs` field-norm ids in the norms file.
    pub norms_offset: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GroupMeta {
    pub name: String,
    pub dict_file: u32,
    /// Field ids by slot.
    pub fields: Vec<u32>,
    /// The first term of each page (= chunk) of the dictionary file.
    pub pages: PageIndex,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FacetMeta {
    pub name: String,
    pub file: u32,
    pub chunk: u32,
    pub num_values: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Meta {
    pub num_docs: u32,
    pub files: Vec<FileMeta>,
    pub fields: Vec<FieldMeta>,
    pub groups: Vec<GroupMeta>,
    pub postings_file: u32,
    pub norms_file: Option<u32>,
    pub facets: Vec<FacetMeta>,
    /// Number (u64) columns; `num_values` unused.
    pub numbers: Vec<FacetMeta>,
    pub browse_file: Option<u32>,
}

fn put_opt(out: &mut Vec<u8>, v: Option<u32>) {
    put_varint(out, v.map_or(0, |v| u64::from(v) + 1));
}

fn get_opt(c: &mut Cursor) -> Result<Option<u32>> {
    let v = c.varint_u32()?;
    Ok(v.checked_sub(1))
}

/// Front-codes `terms` (sorted or not): common prefix with the previous one, then the rest.
#[cfg_attr(not(feature = "export"), allow(dead_code))]
pub(crate) fn put_terms(out: &mut Vec<u8>, terms: &[String]) {
    put_varint(out, terms.len() as u64);
    let mut prev: &str = "";
    for t in terms {
        let lcp = common_prefix(prev.as_bytes(), t.as_bytes());
        put_varint(out, lcp as u64);
        put_bytes(out, &t.as_bytes()[lcp..]);
        prev = t;
    }
}

pub(crate) fn get_terms(c: &mut Cursor) -> Result<Vec<String>> {
    let n = c.varint_usize()?;
    let mut out: Vec<String> = Vec::with_capacity(n.min(1 << 16));
    let mut buf: Vec<u8> = Vec::new();
    for _ in 0..n {
        let lcp = c.varint_usize()?;
        if lcp > buf.len() {
            return Err(Error::Format("bad front coding".into()));
        }
        buf.truncate(lcp);
        buf.extend_from_slice(c.bytes()?);
        out.push(
            String::from_utf8(buf.clone()).map_err(|_| Error::Format("invalid UTF-8".into()))?,
        );
    }
    Ok(out)
}

/// Length of the common prefix of two byte strings, cut back to a UTF-8 boundary of `b`.
pub(crate) fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let mut n = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    while n > 0 && n < b.len() && (b[n] & 0xC0) == 0x80 {
        n -= 1;
    }
    n
}

impl Meta {
    #[cfg_attr(not(feature = "export"), allow(dead_code))]
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        out.push(VERSION);
        put_varint(&mut out, u64::from(self.num_docs));
        put_varint(&mut out, self.files.len() as u64);
        for f in &self.files {
            put_bytes(&mut out, f.name.as_bytes());
            put_varint(&mut out, f.len);
            match &f.chunking {
                Chunking::Fixed(size) => {
                    out.push(0);
                    put_varint(&mut out, u64::from(*size));
                }
                Chunking::Explicit(starts) => {
                    out.push(1);
                    put_varint(&mut out, starts.len().saturating_sub(1) as u64);
                    for w in starts.windows(2) {
                        put_varint(&mut out, w[1] - w[0]);
                    }
                }
                Chunking::Paged(size) => {
                    out.push(2);
                    put_varint(&mut out, u64::from(*size));
                }
            }
        }
        put_varint(&mut out, self.fields.len() as u64);
        for f in &self.fields {
            put_bytes(&mut out, f.name.as_bytes());
            let flags = if f.freqs { FLAG_FREQS } else { 0 } | if f.norms { FLAG_NORMS } else { 0 };
            out.push(flags);
            put_varint(&mut out, f.total_num_tokens);
            put_varint(&mut out, u64::from(f.group));
            put_varint(&mut out, u64::from(f.slot));
            put_varint(&mut out, f.norms_offset);
        }
        put_varint(&mut out, self.groups.len() as u64);
        for g in &self.groups {
            put_bytes(&mut out, g.name.as_bytes());
            put_varint(&mut out, u64::from(g.dict_file));
            put_varint(&mut out, g.fields.len() as u64);
            for &f in &g.fields {
                put_varint(&mut out, u64::from(f));
            }
            match &g.pages {
                PageIndex::Inline(terms) => {
                    out.push(0);
                    put_terms(&mut out, terms);
                }
                PageIndex::Chunk { file, chunk, pages } => {
                    out.push(1);
                    put_varint(&mut out, u64::from(*file));
                    put_varint(&mut out, u64::from(*chunk));
                    put_varint(&mut out, u64::from(*pages));
                }
            }
        }
        put_varint(&mut out, u64::from(self.postings_file));
        put_opt(&mut out, self.norms_file);

        for f in [&self.facets, &self.numbers] {
            put_varint(&mut out, f.len() as u64);
            for f in f {
                put_bytes(&mut out, f.name.as_bytes());
                put_varint(&mut out, u64::from(f.file));
                put_varint(&mut out, u64::from(f.chunk));
                put_varint(&mut out, u64::from(f.num_values));
            }
        }
        put_opt(&mut out, self.browse_file);
        out
    }

    pub fn decode(buf: &[u8]) -> Result<Meta> {
        let mut c = Cursor::new(buf);
        if c.take(4)? != MAGIC {
            return Err(Error::Format(
                "not a mallette search index (bad magic)".into(),
            ));
        }
        let version = c.u8()?;
        if version != VERSION {
            return Err(Error::Format(format!(
                "search index format {version}, this reader reads {VERSION}"
            )));
        }
        let num_docs = c.varint_u32()?;
        let n = c.varint_usize()?;
        let mut files = Vec::with_capacity(n.min(1024));
        for _ in 0..n {
            let name = c.string()?;
            let len = c.varint()?;
            let chunking = match c.u8()? {
                0 => Chunking::Fixed(c.varint_u32()?.max(1)),
                1 => {
                    let k = c.varint_usize()?;
                    let mut starts = Vec::with_capacity(k.min(1 << 20) + 1);
                    let mut at = 0u64;
                    starts.push(0);
                    for _ in 0..k {
                        at += c.varint()?;
                        starts.push(at);
                    }
                    if at != len {
                        return Err(Error::Format(format!("chunks of {name} do not add up")));
                    }
                    Chunking::Explicit(starts)
                }
                2 => Chunking::Paged(c.varint_u32()?.max(1)),
                k => return Err(Error::Format(format!("unknown chunking {k}"))),
            };
            files.push(FileMeta {
                name,
                len,
                chunking,
            });
        }
        let n = c.varint_usize()?;
        let mut fields = Vec::with_capacity(n.min(1024));
        for _ in 0..n {
            let name = c.string()?;
            let flags = c.u8()?;
            fields.push(FieldMeta {
                name,
                freqs: flags & FLAG_FREQS != 0,
                norms: flags & FLAG_NORMS != 0,
                total_num_tokens: c.varint()?,
                group: c.varint_u32()?,
                slot: c.varint_u32()?,
                norms_offset: c.varint()?,
            });
        }
        let n = c.varint_usize()?;
        let mut groups = Vec::with_capacity(n.min(1024));
        for _ in 0..n {
            let name = c.string()?;
            let dict_file = c.varint_u32()?;
            let k = c.varint_usize()?;
            let mut gf = Vec::with_capacity(k.min(64));
            for _ in 0..k {
                gf.push(c.varint_u32()?);
            }
            let pages = match c.u8()? {
                0 => PageIndex::Inline(get_terms(&mut c)?),
                1 => PageIndex::Chunk {
                    file: c.varint_u32()?,
                    chunk: c.varint_u32()?,
                    pages: c.varint_u32()?,
                },
                k => return Err(Error::Format(format!("unknown page index {k}"))),
            };
            groups.push(GroupMeta {
                name,
                dict_file,
                fields: gf,
                pages,
            });
        }
        let postings_file = c.varint_u32()?;
        let norms_file = get_opt(&mut c)?;
        let mut columns = [Vec::new(), Vec::new()];
        for list in &mut columns {
            let n = c.varint_usize()?;
            for _ in 0..n {
                list.push(FacetMeta {
                    name: c.string()?,
                    file: c.varint_u32()?,
                    chunk: c.varint_u32()?,
                    num_values: c.varint_u32()?,
                });
            }
        }
        let [facets, numbers] = columns;
        let browse_file = get_opt(&mut c)?;
        let meta = Meta {
            num_docs,
            files,
            fields,
            groups,
            postings_file,
            norms_file,
            facets,
            numbers,
            browse_file,
        };
        meta.validate()?;
        Ok(meta)
    }

    fn validate(&self) -> Result<()> {
        let nf = self.files.len() as u32;
        let file_ok = |f: u32| f < nf;
        let bad = |what: &str| Err(Error::Format(format!("inconsistent meta: {what}")));
        if !file_ok(self.postings_file)
            || !matches!(
                self.files[self.postings_file as usize].chunking,
                Chunking::Paged(_)
            )
            || self.norms_file.is_some_and(|f| !file_ok(f))
            || self.browse_file.is_some_and(|f| !file_ok(f))
        {
            return bad("file id");
        }
        for (i, g) in self.groups.iter().enumerate() {
            if !file_ok(g.dict_file) || g.fields.len() > 64 {
                return bad("group");
            }
            let n_pages = match &g.pages {
                PageIndex::Inline(t) => t.len(),
                PageIndex::Chunk { file, chunk, pages } => {
                    if !file_ok(*file) || *chunk as usize >= self.files[*file as usize].num_chunks()
                    {
                        return bad("page index chunk");
                    }
                    *pages as usize
                }
            };
            if self.files[g.dict_file as usize].num_chunks() != n_pages {
                return bad("dictionary pages");
            }
            for (slot, &f) in g.fields.iter().enumerate() {
                let fm = self.fields.get(f as usize);
                if fm.is_none_or(|fm| fm.group as usize != i || fm.slot as usize != slot) {
                    return bad("group fields");
                }
            }
        }
        for f in &self.fields {
            if f.group as usize >= self.groups.len() {
                return bad("field group");
            }
        }
        for f in self.facets.iter().chain(&self.numbers) {
            if !file_ok(f.file) || f.chunk as usize >= self.files[f.file as usize].num_chunks() {
                return bad("facet chunk");
            }
        }
        Ok(())
    }
}

/// One posting list as decoded: documents in increasing order, their term frequencies
/// (1 for a field indexed without frequencies) and field-norm ids (the constant id 1 for a
/// field without norms).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Postings {
    pub docs: Vec<u32>,
    pub term_freqs: Vec<u32>,
    pub fieldnorm_ids: Vec<u8>,
}

impl Postings {
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// `(doc, term frequency)` pairs in doc order.
    pub fn iter(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.docs
            .iter()
            .copied()
            .zip(self.term_freqs.iter().copied())
    }
}

/// Encodes a posting list (see the crate doc).
#[cfg_attr(not(feature = "export"), allow(dead_code))]
pub(crate) fn encode_postings(p: &Postings, freqs: bool, norms: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let mut prev: i64 = -1;
    for start in (0..p.docs.len()).step_by(BLOCK) {
        let end = (start + BLOCK).min(p.docs.len());
        let deltas: Vec<u64> = (start..end)
            .map(|i| {
                let d = (i64::from(p.docs[i]) - prev - 1) as u64;
                prev = i64::from(p.docs[i]);
                d
            })
            .collect();
        let dw = crate::bits::bits_for(deltas.iter().copied().max().unwrap_or(0));
        out.push(dw);
        let tfs: Vec<u64> = p.term_freqs[start..end]
            .iter()
            .map(|&t| u64::from(t.max(1) - 1))
            .collect();
        let tw = crate::bits::bits_for(tfs.iter().copied().max().unwrap_or(0));
        if freqs {
            out.push(tw);
        }
        let ns = &p.fieldnorm_ids[start..end];
        let nmin = ns.iter().copied().min().unwrap_or(0);
        let nw = crate::bits::bits_for(u64::from(ns.iter().copied().max().unwrap_or(0) - nmin));
        if norms {
            out.push(nmin);
            out.push(nw);
        }
        let mut w = BitWriter::new(&mut out);
        for &d in &deltas {
            w.write(d, dw);
        }
        if freqs {
            for &t in &tfs {
                w.write(t, tw);
            }
        }
        if norms {
            for &n in ns {
                w.write(u64::from(n - nmin), nw);
            }
        }
        w.finish();
    }
    out
}

/// Decodes `df` postings.
pub(crate) fn decode_postings(buf: &[u8], df: usize, freqs: bool, norms: bool) -> Result<Postings> {
    let mut p = Postings {
        docs: Vec::with_capacity(df),
        term_freqs: Vec::with_capacity(df),
        fieldnorm_ids: Vec::with_capacity(df),
    };
    let mut c = Cursor::new(buf);
    let mut prev: i64 = -1;
    let mut left = df;
    while left > 0 {
        let n = left.min(BLOCK);
        let dw = c.u8()?;
        let tw = if freqs { c.u8()? } else { 0 };
        let (nmin, nw) = if norms {
            (c.u8()?, c.u8()?)
        } else {
            (crate::bm25::CONSTANT_FIELDNORM_ID, 0)
        };
        if dw > 32 || tw > 32 || nw > 8 {
            return Err(Error::Format("bad posting block".into()));
        }
        let mut r = BitReader::new(&c.buf[c.pos..]);
        for _ in 0..n {
            let d = prev + 1 + r.read(dw)? as i64;
            if d > i64::from(u32::MAX) {
                return Err(Error::Format("doc id overflow".into()));
            }
            p.docs.push(d as u32);
            prev = d;
        }
        if freqs {
            for _ in 0..n {
                p.term_freqs.push(r.read(tw)? as u32 + 1);
            }
        } else {
            p.term_freqs.resize(p.term_freqs.len() + n, 1);
        }
        if norms {
            for _ in 0..n {
                let v = u64::from(nmin) + r.read(nw)?;
                p.fieldnorm_ids
                    .push(u8::try_from(v).map_err(|_| Error::Format("bad norm".into()))?);
            }
        } else {
            p.fieldnorm_ids.resize(p.fieldnorm_ids.len() + n, nmin);
        }
        c.pos += r.bytes_used();
        left -= n;
    }
    Ok(p)
}

/// Column rows: each document's values (`u64`s: a text column's ordinals, or numbers).
///
/// Encoded as one of: `0` bitsets of `width` bits per row (text columns whose rows are strictly
/// increasing ordinals below `width`); `1` lists: `u8` count width, `u8` value width, varint
/// minimum, then every row's count, then every value minus the minimum; `2` exactly one value per
/// row: `u8` value width, varint minimum, the values minus the minimum.
#[cfg_attr(not(feature = "export"), allow(dead_code))]
pub(crate) fn encode_rows(out: &mut Vec<u8>, rows: &[Vec<u64>], bitset_width: Option<usize>) {
    let increasing = rows.iter().all(|r| r.windows(2).all(|w| w[0] < w[1]));
    let total: usize = rows.iter().map(Vec::len).sum();
    let max_count = rows.iter().map(Vec::len).max().unwrap_or(0);
    let min = rows.iter().flatten().copied().min().unwrap_or(0);
    let max = rows.iter().flatten().copied().max().unwrap_or(0);
    let vw = crate::bits::bits_for(max - min);
    let cw = crate::bits::bits_for(max_count as u64);
    let list_bits = rows.len() * cw as usize + total * vw as usize;
    let single = !rows.is_empty() && rows.iter().all(|r| r.len() == 1);
    let single_bits = if single {
        total * vw as usize
    } else {
        usize::MAX
    };
    let bitset_bits = match bitset_width {
        Some(w) if increasing && rows.iter().flatten().all(|&v| v < w as u64) => rows.len() * w,
        _ => usize::MAX,
    };
    let mut w;
    if bitset_bits < list_bits.min(single_bits) {
        let width = bitset_width.unwrap_or(0);
        out.push(0);
        w = BitWriter::new(out);
        for r in rows {
            let mut bits = 0u64;
            let mut k = 0;
            for ord in 0..width as u64 {
                // Written in runs of up to 56 bits.
                if r.contains(&ord) {
                    bits |= 1 << k;
                }
                k += 1;
                if k == 56 {
                    w.write(bits, 56);
                    (bits, k) = (0, 0);
                }
            }
            w.write(bits, k);
        }
    } else if single_bits <= list_bits {
        out.push(2);
        out.push(vw);
        put_varint(out, min);
        w = BitWriter::new(out);
        for r in rows {
            w.write(r[0] - min, vw);
        }
    } else {
        out.push(1);
        out.push(cw);
        out.push(vw);
        put_varint(out, min);
        w = BitWriter::new(out);
        for r in rows {
            w.write(r.len() as u64, cw);
        }
        for &v in rows.iter().flatten() {
            w.write(v - min, vw);
        }
    }
    w.finish();
}

/// Decodes [`encode_rows`]: per-row offsets (`n + 1`) into the values.
pub(crate) fn decode_rows(
    c: &mut Cursor,
    n: usize,
    bitset_width: usize,
) -> Result<(Vec<u32>, Vec<u64>)> {
    let mut offsets = Vec::with_capacity(n + 1);
    let mut values = Vec::new();
    offsets.push(0u32);
    let bad = || Error::Format("bad column".into());
    match c.u8()? {
        0 => {
            let mut r = BitReader::new(&c.buf[c.pos..]);
            for _ in 0..n {
                for v in 0..bitset_width as u64 {
                    if r.read(1)? == 1 {
                        values.push(v);
                    }
                }
                offsets.push(values.len() as u32);
            }
        }
        1 => {
            let (cw, vw) = (c.u8()?, c.u8()?);
            let min = c.varint()?;
            if cw > 32 || vw > 56 {
                return Err(bad());
            }
            let mut r = BitReader::new(&c.buf[c.pos..]);
            let mut counts = Vec::with_capacity(n);
            let mut total = 0u64;
            for _ in 0..n {
                let k = r.read(cw)?;
                total += k;
                counts.push(k);
            }
            // Values of zero bits cost nothing to read: bound them.
            if total > (n as u64 + 1) * 1024 {
                return Err(bad());
            }
            for count in counts {
                for _ in 0..count {
                    values.push(min.checked_add(r.read(vw)?).ok_or_else(bad)?);
                }
                offsets.push(u32::try_from(values.len()).map_err(|_| bad())?);
            }
        }
        2 => {
            let vw = c.u8()?;
            let min = c.varint()?;
            if vw > 56 {
                return Err(bad());
            }
            let mut r = BitReader::new(&c.buf[c.pos..]);
            for _ in 0..n {
                values.push(min.checked_add(r.read(vw)?).ok_or_else(bad)?);
                offsets.push(values.len() as u32);
            }
        }
        k => return Err(Error::Format(format!("unknown column kind {k}"))),
    }
    Ok((offsets, values))
}

/// Encodes `values` of `width` bits each.
#[cfg_attr(not(feature = "export"), allow(dead_code))]
pub(crate) fn pack(out: &mut Vec<u8>, values: impl IntoIterator<Item = u64>, width: u8) {
    let mut w = BitWriter::new(out);
    for v in values {
        w.write(v, width);
    }
    w.finish();
}

#[cfg(test)]
#[path = "format_tests.rs"]
mod tests;
