//! BM25 exactly as tantivy 0.27 computes it (`tantivy::query::Bm25Weight`), operation for
//! operation in `f32`, so that scores summed and boosted the way tantivy's `BooleanQuery` and
//! `BoostQuery` do reproduce its scores.
//!
//! For a term of document frequency `n` in a field, over `N` documents whose field holds
//! `total_num_tokens` tokens in all:
//!
//! ```text
//! idf    = ln(1 + (N − n + 0.5) / (n + 0.5))
//! weight = idf × (1 + K1) × boost                 (K1 = 1.2; tantivy's TermWeight applies the
//!                                                  boost of enclosing BoostQuerys here)
//! avgdl  = total_num_tokens / N
//! norm   = K1 × (1 − B + B × dl / avgdl)           (B = 0.75; dl = FIELD_NORMS_TABLE[fieldnorm id])
//! score  = weight × tf / (tf + norm)
//! ```
//!
//! A field indexed without field norms scores every document with the field-norm id 1 (as
//! tantivy's `FieldNormReader::constant(_, 1)`), a field without frequencies with `tf = 1`.

/// tantivy's `K1`.
pub const K1: f32 = 1.2;
/// tantivy's `B`.
pub const B: f32 = 0.75;

/// The field-norm id of documents of a field indexed without norms.
pub const CONSTANT_FIELDNORM_ID: u8 = 1;

const IDENTITY_PART: u8 = 24;

/// tantivy's (and Lucene's) decoding of a field-norm byte into a field length.
const fn decode_fieldnorm_byte(b: u8) -> u32 {
    if b < IDENTITY_PART {
        b as u32
    } else {
        let e = b - IDENTITY_PART;
        let bits = (e & 0b111) as u32;
        let shift = e >> 3;
        let exp = if shift == 0 {
            bits
        } else {
            (bits | 8) << (shift - 1) as u32
        };
        IDENTITY_PART as u32 + exp
    }
}

const fn table() -> [u32; 256] {
    let mut t = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = decode_fieldnorm_byte(i as u8);
        i += 1;
    }
    t
}

/// Field-norm id → field length (tantivy's `FIELD_NORMS_TABLE`).
pub const FIELD_NORMS_TABLE: [u32; 256] = table();

/// The field length a field-norm id stands for.
pub fn id_to_fieldnorm(id: u8) -> u32 {
    FIELD_NORMS_TABLE[id as usize]
}

/// The field-norm id of a field length (the largest id whose length is ≤ `fieldnorm`).
pub fn fieldnorm_to_id(fieldnorm: u32) -> u8 {
    match FIELD_NORMS_TABLE.binary_search(&fieldnorm) {
        Ok(i) => i as u8,
        Err(i) => (i - 1) as u8,
    }
}

/// `tantivy::query::bm25::idf`.
pub fn idf(doc_freq: u64, doc_count: u64) -> f32 {
    let doc_freq = doc_freq.min(doc_count);
    let x = ((doc_count - doc_freq) as f32 + 0.5) / (doc_freq as f32 + 0.5);
    (1.0 + x).ln()
}

/// The BM25 weight of one term in one field: `tantivy::query::Bm25Weight` for one term.
#[derive(Clone, Debug)]
pub struct Bm25Weight {
    weight: f32,
    average_fieldnorm: f32,
    cache: [f32; 256],
}

impl Bm25Weight {
    /// `Bm25Weight::for_one_term(term_doc_freq, total_num_docs, avg_fieldnorm)`.
    pub fn for_one_term(term_doc_freq: u64, total_num_docs: u64, avg_fieldnorm: f32) -> Self {
        Self::new(idf(term_doc_freq, total_num_docs), avg_fieldnorm)
    }

    /// The weight of a term whose field holds `total_num_tokens` tokens over `total_num_docs`
    /// documents (what `Bm25Weight::for_terms` computes from a searcher's statistics).
    pub fn for_term(term_doc_freq: u64, total_num_docs: u64, total_num_tokens: u64) -> Self {
        let average_fieldnorm = total_num_tokens as f32 / total_num_docs as f32;
        Self::for_one_term(term_doc_freq, total_num_docs, average_fieldnorm)
    }

    /// From an idf (`Bm25Weight::new_without_explain`).
    pub fn new(idf: f32, average_fieldnorm: f32) -> Self {
        let mut cache = [0f32; 256];
        for (id, c) in cache.iter_mut().enumerate() {
            let fieldnorm = FIELD_NORMS_TABLE[id];
            *c = K1 * (1.0 - B + B * fieldnorm as f32 / average_fieldnorm);
        }
        Bm25Weight {
            weight: idf * (1.0 + K1),
            average_fieldnorm,
            cache,
        }
    }

    /// The weight multiplied by `boost` (`Bm25Weight::boost_by`): what tantivy scores a term
    /// with inside `BoostQuery`s whose boosts multiply to `boost`.
    pub fn boost_by(&self, boost: f32) -> Self {
        if boost == 1.0 {
            return self.clone();
        }
        Bm25Weight {
            weight: self.weight * boost,
            ..self.clone()
        }
    }

    /// The score of a document where the term occurs `term_freq` times, the field's length
    /// being encoded by `fieldnorm_id`.
    #[inline]
    pub fn score(&self, fieldnorm_id: u8, term_freq: u32) -> f32 {
        self.weight * self.tf_factor(fieldnorm_id, term_freq)
    }

    #[inline]
    fn tf_factor(&self, fieldnorm_id: u8, term_freq: u32) -> f32 {
        let term_freq = term_freq as f32;
        let norm = self.cache[fieldnorm_id as usize];
        term_freq / (term_freq + norm)
    }

    /// `idf × (1 + K1) × boost`.
    pub fn weight(&self) -> f32 {
        self.weight
    }

    pub fn average_fieldnorm(&self) -> f32 {
        self.average_fieldnorm
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_lucene_small_float() {
        assert_eq!(FIELD_NORMS_TABLE[0], 0);
        assert_eq!(FIELD_NORMS_TABLE[1], 1);
        assert_eq!(FIELD_NORMS_TABLE[40], 40);
        assert_eq!(FIELD_NORMS_TABLE[255], 2_013_265_944);
        for i in 0..41 {
            assert_eq!(fieldnorm_to_id(i), i as u8);
        }
        assert_eq!(fieldnorm_to_id(41), 40);
        assert_eq!(fieldnorm_to_id(u32::MAX), 255);
    }
}
