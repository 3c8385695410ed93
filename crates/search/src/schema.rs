//! The one schema definition shared by the indexer and every reader (native and browser).
//!
//! | field | options | content |
//! |---|---|---|
//! | `slug` | raw, indexed, stored | the kit's slug |
//! | `url` | stored | the kit's URL (as the pipeline gives it) |
//! | `title`, `summary` | stored | shown in results |
//! | `excerpt` | stored | the first [`EXCERPT_BYTES`] of the plain-text body, for snippets |
//! | `title_fr`, `summary_fr`, `body_fr` | `mallette_fr`, freqs, no positions | French (and default) docs; `summary_*` holds the summary and the headings |
//! | `title_en`, `summary_en`, `body_en` | `mallette_en`, freqs, no positions | docs whose language is `en` |
//! | `title_raw`, `text_raw` | `mallette_folded`, doc ids only, no norms | every doc: typo-tolerant and prefix matching |
//! | `meta_fr` | `mallette_fr`, freqs | every doc: the French and English labels of its themes, audiences, level, formats, materials, accessibility and competences |
//! | `lex` | `mallette_lex`, freqs, no norms | the lexicon groups the doc names (see [`crate::lexicon`]) |
//! | the [`FACETS`] | raw, indexed, fast (+ stored for `level`, `audiences`, `language`, `type`) | filters and facet counts |
//! | `duration_minutes` | u64 stored, fast | shown in results; its bucket is the `duration` facet; duration words of a query and the duration sort read it |
//! | `updated`, `last_session` | u64 fast (`yyyymmdd`, 0 = unknown) | sorts: newest first, last field session |
//! | `title_sort` | raw fast | folded lower-cased title: title order |
//!
//! No field records positions: the engine never runs phrase queries, and positions are the
//! largest part of a text index. Changing anything here changes the index format: the browser
//! module must be rebuilt from the same commit as the indexer.

use anyhow::{anyhow, Result};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, STORED, STRING,
};

use crate::analysis;

/// How much of a body is stored for snippets (bytes, cut at a char boundary).
pub const EXCERPT_BYTES: usize = 4096;

/// The filterable / faceted fields, in the order facets are computed. `type` is `kit` or
/// `parcours` (a learning path); `tested` is `oui` for a kit with a field report.
pub const FACETS: [&str; 11] = [
    "themes",
    "audiences",
    "level",
    "formats",
    "materials",
    "competences",
    "accessibility",
    "language",
    "duration",
    "type",
    "tested",
];

/// Indices in [`FACETS`] of the facets returned in hits.
pub(crate) const AUDIENCES: usize = 1;
pub(crate) const LEVEL: usize = 2;
pub(crate) const LANGUAGE: usize = 7;
pub(crate) const TYPE: usize = 9;
/// Names of the fast fields the sorts and duration words read.
pub(crate) const DURATION_MINUTES: &str = "duration_minutes";
pub(crate) const UPDATED: &str = "updated";
pub(crate) const LAST_SESSION: &str = "last_session";
/// Name of the browse-order fast field (fast fields are looked up by name).
pub(crate) const TITLE_SORT: &str = "title_sort";

/// Facet fields whose values are also stored (they are returned in [`crate::Hit`]).
const STORED_FACETS: [&str; 4] = ["audiences", "level", "language", "type"];

/// A `yyyy-mm-dd` date (or its beginning) as the number `yyyymmdd`; 0 when it is not one.
pub fn date_number(date: &str) -> u64 {
    let digits: String = date.chars().filter(char::is_ascii_digit).take(8).collect();
    if digits.len() == 8 {
        digits.parse().unwrap_or(0)
    } else {
        0
    }
}

/// The bucket of the `duration` facet for a duration in minutes:
/// `lt30` (< 30), `30-60` (30..=60), `60-120` (61..=120), `gt120` (> 120).
pub fn duration_bucket(minutes: u32) -> &'static str {
    match minutes {
        0..=29 => "lt30",
        30..=60 => "30-60",
        61..=120 => "60-120",
        _ => "gt120",
    }
}

/// Field handles, resolved once from a schema.
#[derive(Debug, Clone)]
pub(crate) struct Fields {
    pub slug: Field,
    pub url: Field,
    pub title: Field,
    pub summary: Field,
    pub excerpt: Field,
    pub title_fr: Field,
    pub summary_fr: Field,
    pub body_fr: Field,
    pub title_en: Field,
    pub summary_en: Field,
    pub body_en: Field,
    pub title_raw: Field,
    pub text_raw: Field,
    pub meta_fr: Field,
    pub lex: Field,
    /// In the order of [`FACETS`].
    pub facets: [Field; 11],
    pub duration_minutes: Field,
    #[cfg_attr(not(feature = "native"), allow(dead_code))]
    pub updated: Field,
    #[cfg_attr(not(feature = "native"), allow(dead_code))]
    pub last_session: Field,
    /// Written by the indexer; the query side reads the fast column by name ([`TITLE_SORT`]).
    #[cfg_attr(not(feature = "native"), allow(dead_code))]
    pub title_sort: Field,
}

fn text(analyzer: &str, record: IndexRecordOption, norms: bool) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(analyzer)
            .set_index_option(record)
            .set_fieldnorms(norms),
    )
}

/// Builds the schema. Deterministic: the indexer and the browser build the same one.
pub fn build_schema() -> Schema {
    let mut b = Schema::builder();
    b.add_text_field("slug", STRING | STORED);
    b.add_text_field("url", STORED);
    b.add_text_field("title", STORED);
    b.add_text_field("summary", STORED);
    b.add_text_field("excerpt", STORED);
    let freqs = IndexRecordOption::WithFreqs;
    for (suffix, analyzer) in [("fr", analysis::FR), ("en", analysis::EN)] {
        for part in ["title", "summary", "body"] {
            b.add_text_field(&format!("{part}_{suffix}"), text(analyzer, freqs, true));
        }
    }
    let basic = IndexRecordOption::Basic;
    b.add_text_field("title_raw", text(analysis::FOLDED, basic, false));
    b.add_text_field("text_raw", text(analysis::FOLDED, basic, false));
    b.add_text_field("meta_fr", text(analysis::FR, freqs, true));
    // No norms: how many lexicon words a kit holds says nothing about how much it is about one.
    b.add_text_field("lex", text(analysis::LEX, freqs, false));
    for name in FACETS {
        let mut opts = STRING | FAST;
        if STORED_FACETS.contains(&name) {
            opts = opts | STORED;
        }
        b.add_text_field(name, opts);
    }
    b.add_u64_field(DURATION_MINUTES, STORED | FAST);
    b.add_u64_field(UPDATED, FAST);
    b.add_u64_field(LAST_SESSION, FAST);
    b.add_text_field(TITLE_SORT, TextOptions::default().set_fast("raw"));
    b.build()
}

impl Fields {
    /// Resolves the handles; fails if the schema is not the one [`build_schema`] makes.
    pub(crate) fn resolve(schema: &Schema) -> Result<Fields> {
        let f = |name: &str| {
            schema.get_field(name).map_err(|_| {
                anyhow!("search index has no field `{name}`: it was written by another version")
            })
        };
        let mut facets = [f("slug")?; 11];
        for (i, name) in FACETS.iter().enumerate() {
            facets[i] = f(name)?;
        }
        Ok(Fields {
            slug: f("slug")?,
            url: f("url")?,
            title: f("title")?,
            summary: f("summary")?,
            excerpt: f("excerpt")?,
            title_fr: f("title_fr")?,
            summary_fr: f("summary_fr")?,
            body_fr: f("body_fr")?,
            title_en: f("title_en")?,
            summary_en: f("summary_en")?,
            body_en: f("body_en")?,
            title_raw: f("title_raw")?,
            text_raw: f("text_raw")?,
            meta_fr: f("meta_fr")?,
            lex: f("lex")?,
            facets,
            duration_minutes: f(DURATION_MINUTES)?,
            updated: f(UPDATED)?,
            last_session: f(LAST_SESSION)?,
            title_sort: f(TITLE_SORT)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets() {
        assert_eq!(duration_bucket(0), "lt30");
        assert_eq!(duration_bucket(29), "lt30");
        assert_eq!(duration_bucket(30), "30-60");
        assert_eq!(duration_bucket(60), "30-60");
        assert_eq!(duration_bucket(61), "60-120");
        assert_eq!(duration_bucket(120), "60-120");
        assert_eq!(duration_bucket(121), "gt120");
    }

    #[test]
    fn schema_resolves() {
        Fields::resolve(&build_schema()).unwrap();
    }
}
