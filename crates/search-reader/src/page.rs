//! One dictionary page as the reader decodes it: its terms, and per term and field the document
//! frequency and where the postings are.

use std::sync::Arc;

use crate::bits::Cursor;
use crate::format::page_chunks;
use crate::reader::{Field, Loc, TermInfo};
use crate::{Error, Result};

/// The postings chunks of one dictionary page: global number of the first, byte ranges.
#[derive(Debug)]
pub(crate) struct PageChunks {
    pub(crate) first: u32,
    pub(crate) ranges: Vec<(u64, u64)>,
}

/// One decoded dictionary page.
pub(crate) struct Page {
    pub(crate) raw: Arc<[u8]>,
    pub(crate) chunks: Arc<PageChunks>,
    pub(crate) terms: Vec<String>,
    /// Per term: the range of its slots in `slots`.
    pub(crate) ranges: Vec<(u32, u32)>,
    pub(crate) slots: Vec<SlotInfo>,
}

#[derive(Clone, Copy)]
pub(crate) struct SlotInfo {
    pub(crate) slot: u8,
    pub(crate) doc_freq: u32,
    pub(crate) inline: bool,
    /// Absolute offset in the postings file, or offset in the page if inline.
    pub(crate) offset: u64,
    pub(crate) len: u32,
}

impl Page {
    pub(crate) fn decode(
        raw: Arc<[u8]>,
        num_slots: usize,
        chunk_size: u32,
        postings_len: u64,
        num_docs: u32,
    ) -> Result<Page> {
        let mut c = Cursor::new(&raw);
        let base = c.varint()?;
        let first_chunk = c.varint_u32()?;
        let mut postings_at = base;
        let n = c.varint_usize()?;
        let mut outside = Vec::with_capacity(n.min(1 << 16));
        let mut terms = Vec::with_capacity(n.min(1 << 16));
        let mut ranges = Vec::with_capacity(n.min(1 << 16));
        let mut slots = Vec::new();
        let mut buf: Vec<u8> = Vec::new();
        for _ in 0..n {
            let lcp = c.varint_usize()?;
            if lcp > buf.len() {
                return Err(Error::Format(
                    "bad front coding in a dictionary page".into(),
                ));
            }
            buf.truncate(lcp);
            buf.extend_from_slice(c.bytes()?);
            terms.push(
                String::from_utf8(buf.clone())
                    .map_err(|_| Error::Format("invalid UTF-8 term".into()))?,
            );
            let mask = c.varint()?;
            if num_slots < 64 && mask >> num_slots != 0 {
                return Err(Error::Format("bad field mask".into()));
            }
            let start = slots.len() as u32;
            let entry_at = postings_at;
            for slot in 0..num_slots.min(64) {
                if mask & (1 << slot) == 0 {
                    continue;
                }
                let doc_freq = c.varint_u32()?;
                if doc_freq > num_docs {
                    return Err(Error::Format(
                        "a document frequency above the number of documents".into(),
                    ));
                }
                let code = c.varint()?;
                let len =
                    u32::try_from(code >> 1).map_err(|_| Error::Format("bad length".into()))?;
                let inline = code & 1 == 1;
                let offset = if inline {
                    let at = c.pos as u64;
                    c.take(len as usize)?;
                    at
                } else {
                    let at = postings_at;
                    postings_at = postings_at
                        .checked_add(u64::from(len))
                        .filter(|&end| end <= postings_len)
                        .ok_or_else(|| {
                            Error::Format("postings past the end of their file".into())
                        })?;
                    at
                };
                slots.push(SlotInfo {
                    slot: slot as u8,
                    doc_freq,
                    inline,
                    offset,
                    len,
                });
            }
            ranges.push((start, slots.len() as u32));
            outside.push(postings_at - entry_at);
        }
        let chunks = Arc::new(PageChunks {
            first: first_chunk,
            ranges: page_chunks(base, outside, u64::from(chunk_size)),
        });
        Ok(Page {
            raw,
            chunks,
            terms,
            ranges,
            slots,
        })
    }

    pub(crate) fn slot(&self, entry: usize, slot: u32) -> Option<&SlotInfo> {
        let (a, b) = self.ranges[entry];
        self.slots[a as usize..b as usize]
            .iter()
            .find(|s| u32::from(s.slot) == slot)
    }

    pub(crate) fn term_info(&self, field: Field, s: &SlotInfo) -> TermInfo {
        TermInfo {
            field,
            doc_freq: s.doc_freq,
            loc: if s.inline {
                Loc::Inline {
                    page: self.raw.clone(),
                    start: s.offset as u32,
                    len: s.len,
                }
            } else {
                Loc::File {
                    offset: s.offset,
                    len: s.len,
                    chunks: self.chunks.clone(),
                }
            },
        }
    }
}
