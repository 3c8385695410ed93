//! mallette turns a Git repository of Markdown workshop kits into a static, searchable website.
//!
//! The build is a one-way pipeline of stages, each a folder with one job (ARCHITECTURE.md has the
//! bird's-eye view and the invariants):
//!
//! | stage | where | job |
//! |---|---|---|
//! | content | `src/content/` (crate `mallette-content`) | load, parse, validate, link and render the sources; every diagnostic |
//! | index | [`index`] | the search files of the built site (crate `mallette-search` writes the tantivy index) |
//! | render | [`render`] | the HTML of every page, through the theme |
//! | publish | [`publish`] | write the site: staging and atomic swap, assets, archives, feeds, offline links |
//!
//! [`pipeline`] wires them for `build` and `serve` alike; [`serve`] is the development server and
//! applies edits in place with the same functions; [`scaffold`] writes new kits and instances;
//! [`cmd`] holds the thin command-line entry points; [`term`] what they print on a terminal
//! beyond words (`-q`/`-v`, colours, the progress line).

pub mod cmd;
mod index;
mod pipeline;
mod publish;
mod render;
mod scaffold;
mod serve;
mod term;
