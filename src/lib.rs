//! mallette turns a Git repository of Markdown workshop kits into a static, searchable website.
//!
//! The build is a one-way pipeline of small stages, each in its own module:
//!
//! | stage | module | job |
//! |---|---|---|
//! | load | [`load`] | walk `content/`, classify files, decode text (never follows symlinks) |
//! | parse | [`frontmatter`] | split front-matter from body, parse YAML with positions |
//! | validate | [`validate`] | check every field against DESIGN.md §2 and the [`vocabulary`] |
//! | link | [`links`] | resolve relative links to kit pages and attachments inside `content/` |
//! | markdown | [`markdown`] | Markdown → sanitised HTML, heading ids, plain text for search |
//! | render | [`render`], [`theme`] | build template contexts, render Tera templates |
//! | index | `mallette_search` | write the tantivy index (crate `crates/search`) |
//! | write | [`output`] | write into a staging folder and swap it in atomically |
//!
//! [`site`] wires the stages together; [`cmd`] holds the thin command-line entry points.
//! Problems with content are [`diagnostics::Diagnostic`]s carrying file, line and column.
//!
//! Around the pipeline: [`pages`] renders every page of the site from the content model,
//! [`search_assets`] cuts the index into the files the browser fetches (and, for `--offline`, the
//! one script a page opened from disk loads instead), [`feeds`] writes Atom, sitemap and catalog,
//! [`offline`] the per-kit archives and the relative links of `--offline` builds, [`federation`]
//! reads other instances' stored catalogs. [`serve`] is the development server (axum; live reload
//! over a WebSocket) and [`live`] applies edits to the served site in place: a body edit renders
//! one page, a front-matter edit what shows the kit, and search is re-indexed in the background.

pub mod cmd;
pub mod config;
pub mod diagnostics;
pub mod federation;
pub mod feeds;
pub mod frontmatter;
pub mod git;
pub mod links;
pub mod live;
pub mod load;
pub mod markdown;
pub mod model;
pub mod offline;
pub mod output;
pub mod pages;
pub mod render;
pub mod scaffold;
pub mod search_assets;
pub mod serve;
pub mod site;
pub mod theme;
pub mod validate;
pub mod vocabulary;
