//! Where the files of `content/` land in the built site, and what may not land there.
//!
//! Every file of the built site has one owner: a document's page or archive, mallette itself
//! (home page, browse pages, feeds, search files, theme files), or one attachment. An attachment
//! whose place is already someone else's would silently replace it (a kit folder's `index.html`
//! over the kit's page, a `feed.xml` over the feed…): it is an error naming both. An HTML
//! attachment is refused too: served from the site's own address, its scripts would run there.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::diagnostics::{Diagnostic, Owner, Problem};
use crate::markdown::RenderedBody;
use crate::model::Document;
use crate::vocabulary::TAXONOMIES;

/// Files mallette writes at the root of every site.
const GENERATED_FILES: [&str; 6] = [
    "index.html",
    "404.html",
    "feed.xml",
    "sitemap.xml",
    "catalog.json",
    ".mallette-site",
];

/// Folders whose every file mallette writes (theme assets, search files).
const GENERATED_FOLDERS: [&str; 2] = ["static/", "search/"];

/// Extensions of files a browser runs as a page.
const HTML_EXTENSIONS: [&str; 7] = ["html", "htm", "xhtml", "xht", "shtml", "mht", "mhtml"];

/// Where an attachment goes in the site (`content/kits/x/fiche.pdf` → `kits/x/fiche.pdf`).
pub fn attachment_site_path(rel: &str) -> &str {
    rel.strip_prefix("content/").unwrap_or(rel)
}

/// Files of a kit: linked from its body, or beside its `index.md` in its folder.
pub fn kit_attachments(doc: &Document, linked: &[String], files: &BTreeSet<String>) -> Vec<String> {
    let mut result: Vec<String> = Vec::new();
    let file_name = doc.rel_path.rsplit('/').next().unwrap_or_default();
    if file_name.starts_with("index.") {
        let folder = &doc.rel_path[..doc.rel_path.len() - file_name.len()];
        for file in files.range(folder.to_string()..) {
            if !file.starts_with(folder) {
                break;
            }
            let name = &file[folder.len()..];
            let is_kit_source =
                !name.contains('/') && name.starts_with("index.") && name.ends_with(".md");
            if !is_kit_source {
                result.push(file.clone());
            }
        }
    }
    for file in linked {
        if !result.contains(file) {
            result.push(file.clone());
        }
    }
    result
}

/// Whether mallette writes the site file `path` itself (browse pages may or may not exist,
/// depending on counts: their folders' `index.html` are always reserved).
fn generated(path: &str) -> bool {
    if GENERATED_FILES.contains(&path) || GENERATED_FOLDERS.iter().any(|f| path.starts_with(f)) {
        return true;
    }
    let first = path.split('/').next().unwrap_or("");
    let browse =
        first == "kits" || first == "languages" || TAXONOMIES.iter().any(|t| t.key == first);
    browse && (path.ends_with("/index.html") && path.matches('/').count() <= 2)
}

/// Every attachment of `documents` (with their rendered `bodies`) that would replace a file
/// of the site, or that is an HTML page.
pub(crate) fn check(
    documents: &[Document],
    bodies: &[RenderedBody],
    files: &BTreeSet<String>,
) -> Vec<Diagnostic> {
    let mut owners: BTreeMap<String, Owner> = BTreeMap::new();
    for doc in documents {
        owners.insert(
            format!("{}index.html", doc.url_path),
            Owner::Page(doc.rel_path.clone()),
        );
        if doc.kit().is_some() {
            owners.insert(
                format!("{}{}.zip", doc.url_path, doc.slug),
                Owner::Archive(doc.rel_path.clone()),
            );
        }
    }
    let mut attachments: BTreeSet<String> = BTreeSet::new();
    for (doc, body) in documents.iter().zip(bodies) {
        if doc.kit().is_some() {
            attachments.extend(kit_attachments(doc, &body.attachments, files));
        } else {
            attachments.extend(body.attachments.iter().cloned());
        }
    }
    let mut diagnostics = Vec::new();
    for file in attachments {
        let at = |problem| Diagnostic::error(Path::new(&file), 0, 0, problem);
        let extension = file.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
        if extension.is_some_and(|e| HTML_EXTENSIONS.contains(&e.as_str())) {
            diagnostics.push(at(Problem::HtmlAttachment { file: file.clone() }));
            continue;
        }
        let site_path = attachment_site_path(&file);
        let owner = owners
            .get(site_path)
            .cloned()
            .or_else(|| generated(site_path).then_some(Owner::Generated));
        if let Some(owner) = owner {
            diagnostics.push(at(Problem::OutputClash {
                file: file.clone(),
                site_path: format!("/{site_path}"),
                owner,
            }));
        }
    }
    diagnostics
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_files_of_the_site() {
        for path in [
            "index.html",
            "feed.xml",
            "static/style.css",
            "search/x.json",
            "themes/index.html",
            "themes/securite/index.html",
            "kits/index.html",
        ] {
            assert!(generated(path), "{path}");
        }
        for path in ["kits/x/fiche.pdf", "themes/carte.pdf", "pages/x/plan.pdf"] {
            assert!(!generated(path), "{path}");
        }
    }
}
