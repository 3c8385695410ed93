//! Columns of the index as the reader decodes them: facet values with each document's ordinals,
//! and `u64` number columns.

use crate::bits::Cursor;
use crate::format::{decode_rows, get_terms};
use crate::{Error, Result};

/// A facet column: the field's values (sorted, as tantivy orders a column's dictionary) and, per
/// document, the ordinals of its values (in tantivy's order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacetColumn {
    pub values: Vec<String>,
    offsets: Vec<u32>,
    ords: Vec<u32>,
}

impl FacetColumn {
    /// Ordinals (indices in [`FacetColumn::values`]) of a document's values.
    pub fn ords(&self, doc: u32) -> &[u32] {
        let d = doc as usize;
        match (self.offsets.get(d), self.offsets.get(d + 1)) {
            (Some(&a), Some(&b)) => &self.ords[a as usize..b as usize],
            _ => &[],
        }
    }

    /// The value of an ordinal.
    pub fn value(&self, ord: u32) -> Option<&str> {
        self.values.get(ord as usize).map(String::as_str)
    }

    /// The ordinal of a value.
    pub fn ord_of(&self, value: &str) -> Option<u32> {
        self.values
            .binary_search_by(|v| v.as_str().cmp(value))
            .ok()
            .map(|i| i as u32)
    }

    pub fn num_docs(&self) -> u32 {
        self.offsets.len().saturating_sub(1) as u32
    }

    pub(crate) fn decode(buf: &[u8], num_docs: u32) -> Result<FacetColumn> {
        let mut c = Cursor::new(buf);
        let values = get_terms(&mut c)?;
        let (offsets, ords) = decode_rows(&mut c, num_docs as usize, values.len())?;
        if ords.iter().any(|&o| o >= values.len() as u64) {
            return Err(Error::Format("bad facet ordinal".into()));
        }
        Ok(FacetColumn {
            values,
            offsets,
            ords: ords.into_iter().map(|o| o as u32).collect(),
        })
    }
}

/// A number (`u64` fast field) column: each document's values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberColumn {
    offsets: Vec<u32>,
    values: Vec<u64>,
}

impl NumberColumn {
    /// A document's values (tantivy's `Column::values_for_doc`).
    pub fn values(&self, doc: u32) -> &[u64] {
        let d = doc as usize;
        match (self.offsets.get(d), self.offsets.get(d + 1)) {
            (Some(&a), Some(&b)) => &self.values[a as usize..b as usize],
            _ => &[],
        }
    }

    /// A document's first value (tantivy's `Column::first`).
    pub fn first(&self, doc: u32) -> Option<u64> {
        self.values(doc).first().copied()
    }

    pub(crate) fn decode(buf: &[u8], num_docs: u32) -> Result<NumberColumn> {
        let (offsets, values) = decode_rows(&mut Cursor::new(buf), num_docs as usize, 0)?;
        Ok(NumberColumn { offsets, values })
    }
}
