//! # mallette-content: the content stage
//!
//! Everything that reads an instance's sources and can find a problem in them: `mallette.toml`,
//! the vocabularies, every Markdown file of `content/`, the Git history and the stored catalogs
//! of federated instances. Its one entry point, [`analyse`], returns either an [`Analysis`] — the
//! validated documents with their rendered bodies, which every later stage (search index, pages,
//! published files) reads and never changes — or every diagnostic of every file at once.
//!
//! ```text
//! load ─▶ frontmatter ─▶ validate ─▶ links ─▶ markdown ─▶ Analysis
//!  (files)  (YAML tree     (KitMeta,   (source →  (safe HTML,
//!            with lines)    PageMeta)   URL map)   text, problems)
//! ```
//!
//! This crate knows nothing of themes, pages, search files or output folders: it never writes a
//! file. The contract it implements is `docs/content-format.md`. The small leaves at the bottom
//! ([`i18n`], [`slug`], [`catalog`], [`diagnostics`]) are shared by every stage of mallette.
//!
//! Nothing here is read from outside the instance: the loader never follows symbolic links, and
//! links of a body are resolved lexically inside `content/` ([`links`]).

mod analyse;
pub mod catalog;
pub mod config;
pub mod diagnostics;
pub mod draft;
mod error;
pub mod federation;
pub mod forge;
pub mod frontmatter;
mod git;
pub mod i18n;
mod kits;
pub mod lexicon;
pub mod links;
mod load;
pub mod markdown;
pub mod model;
pub mod outputs;
pub mod slug;
pub mod validate;
pub mod vocabulary;

pub use analyse::{analyse, body_diagnostics, parse_document, AnalyseOptions, Analysed, Analysis};
pub use error::Failure;
pub use i18n::Lang;
pub use kits::{all_attachments, translations_of, KitEntry};
pub use load::{read_source, rel, MAX_SLUG_BYTES};
pub use outputs::kit_attachments;
