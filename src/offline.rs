//! Offline use: a `.zip` of each kit (a standalone page and its attachments) and `build --offline`,
//! a site that works opened from disk (`file://`), for a USB key in a library with weak Wi-Fi.
//!
//! `--offline` builds the site at base path `/`, then rewrites every same-site URL of every page
//! into a path relative to that page, ending in `index.html` (a browser opening files does not
//! look for `index.html` in a folder).

use std::io::Write as _;

use anyhow::Result;

/// Rewrite `href="/…"`, `src="/…"` (and `action`, and the search script's data attributes) of `html`, a page at site path `page_file`
/// (`kits/x/index.html`), into relative paths to files.
pub fn relativize(html: &str, page_file: &str) -> String {
    /// The attributes holding a same-site URL.
    const ATTRIBUTES: [&str; 6] = [
        "href",
        "src",
        "action",
        "data-base",
        "data-manifest",
        "data-offline",
    ];
    let depth = page_file.matches('/').count();
    let up = "../".repeat(depth);
    let mut out = String::with_capacity(html.len() + html.len() / 16);
    let mut rest = html;
    // One pass over the page: every `="/` is a candidate, kept when an attribute above precedes it
    // (browse pages of large instances hold thousands of links: searching the rest of the page for
    // each attribute at every link would be quadratic).
    while let Some(index) = rest.find("=\"/") {
        let before = &rest[..index];
        let ours = ATTRIBUTES.iter().any(|a| {
            before.ends_with(a)
                && before[..before.len() - a.len()]
                    .chars()
                    .next_back()
                    .is_some_and(char::is_whitespace)
        });
        // Keep everything up to the opening quote.
        out.push_str(&rest[..index + 2]);
        rest = &rest[index + 3..];
        if !ours || rest.starts_with('/') {
            // Another attribute, or a protocol-relative `//host`: not ours, leave it.
            out.push('/');
            continue;
        }
        let end = rest.find('"').unwrap_or(rest.len());
        let target = &rest[..end];
        let (path, suffix) = match target.find(['#', '?']) {
            Some(i) => (&target[..i], &target[i..]),
            None => (target, ""),
        };
        out.push_str(&up);
        out.push_str(path);
        if path.is_empty() || path.ends_with('/') {
            out.push_str("index.html");
        }
        out.push_str(suffix);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// For a page taken out of the site (the kit's standalone page): same-site links point to the
/// site on the web when its address is known, else they become plain text.
/// `base_path` is the path every same-site URL starts with (`/` or `/reseau/wiki/`).
pub fn detach(html: &str, base_path: &str, site_url: &str) -> String {
    let absolute = site_url.contains("://");
    let marker = format!("href=\"{base_path}");
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(index) = rest.find(&marker) {
        let after = &rest[index + marker.len()..];
        if after.starts_with('/') {
            out.push_str(&rest[..index + marker.len()]);
            rest = after;
            continue;
        }
        let end = after.find('"').unwrap_or(after.len());
        if absolute {
            out.push_str(&rest[..index]);
            out.push_str(&format!("href=\"{site_url}{}\"", &after[..end]));
        } else {
            // Drop the attribute (and the space before it): an <a> without href is text.
            out.push_str(rest[..index].trim_end_matches(' '));
        }
        rest = &after[(end + 1).min(after.len())..];
    }
    out.push_str(rest);
    out
}

/// Makes the `.zip` of each kit. The stylesheet is the same in every archive: it is compressed
/// once and copied raw into each one, which saves compressing it again for thousands of kits.
pub struct KitZipper {
    /// A one-file archive holding `style.css`, compressed.
    style: Vec<u8>,
}

impl KitZipper {
    pub fn new(style_css: &[u8]) -> Result<KitZipper> {
        let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        writer.start_file("style.css", options())?;
        writer.write_all(style_css)?;
        Ok(KitZipper {
            style: writer.finish()?.into_inner(),
        })
    }

    /// `<slug>/style.css` plus `files` as `<slug>/<name>`. Timestamps are fixed so that the same
    /// kit always gives the same archive.
    pub fn zip(&self, slug: &str, files: &[(String, Vec<u8>)]) -> Result<Vec<u8>> {
        let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, bytes) in files {
            writer.start_file(format!("{slug}/{name}"), options())?;
            writer.write_all(bytes)?;
        }
        let mut style = zip::ZipArchive::new(std::io::Cursor::new(self.style.as_slice()))?;
        writer.raw_copy_file_rename(style.by_index_raw(0)?, format!("{slug}/style.css"))?;
        Ok(writer.finish()?.into_inner())
    }
}

fn options() -> zip::write::SimpleFileOptions {
    zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        // Fast compression: thousands of archives per build, HTML compresses well anyway.
        .compression_level(Some(1))
        .last_modified_time(zip::DateTime::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detached_pages_link_to_the_site_on_the_web_or_to_nothing() {
        let html = r#"<a href="/themes/x/">x</a> <a href="fiche.pdf">f</a>"#;
        assert_eq!(
            detach(
                &html.replace("\"/", "\"/wiki/"),
                "/wiki/",
                "https://ex.org/wiki/"
            ),
            r#"<a href="https://ex.org/wiki/themes/x/">x</a> <a href="fiche.pdf">f</a>"#
        );
        assert_eq!(
            detach(html, "/", "/"),
            r#"<a>x</a> <a href="fiche.pdf">f</a>"#
        );
    }

    #[test]
    fn urls_become_relative_file_paths() {
        let html = r#"<a href="/">a</a><a href="/kits/x/#deroule">b</a><link href="/static/style.css"><a href="https://e.org/">c</a><a href="//cdn/x">d</a><img src="/kits/g/x/p.png">"#;
        let out = relativize(html, "kits/y/index.html");
        assert!(out.contains(r#"href="../../index.html""#), "{out}");
        assert!(
            out.contains(r#"href="../../kits/x/index.html#deroule""#),
            "{out}"
        );
        assert!(out.contains(r#"href="../../static/style.css""#));
        assert!(out.contains(r#"href="https://e.org/""#));
        assert!(out.contains(r#"href="//cdn/x""#));
        assert!(out.contains(r#"src="../../kits/g/x/p.png""#));
        assert_eq!(
            relativize(
                r#"<a title="/x" data-href="/y" href="/kits/">k</a>"#,
                "index.html"
            ),
            r#"<a title="/x" data-href="/y" href="kits/index.html">k</a>"#
        );
    }
}
