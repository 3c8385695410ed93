//! Each kit's `.zip`: its standalone page, the stylesheet and its attachments, to print or to copy
//! on a USB key.
//!
//! The standalone page comes from the render stage with the site's own URLs. Here, with an HTML
//! rewriter (lol_html: attributes of real elements only, never text, so code samples stay as
//! written), links to the kit's attachments become links to the files beside the page, and other
//! same-site links point to the site on the web when its address is known, or become plain text.

use std::io::Write as _;
use std::path::Path;

use anyhow::{Context, Result};
use lol_html::{element, rewrite_str, RewriteStrSettings};
use mallette_content::links::percent_encode_path;

use crate::render::KitArchive;

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

    /// The archive of `kit`: its page (links made to work once unzipped, see [`detach`]) and its
    /// attachments read from the instance at `root`. `base_path` is the path every same-site URL
    /// starts with (`/` or `/reseau/wiki/`), `site_url` the site's address when known.
    pub fn archive(
        &self,
        kit: &KitArchive,
        root: &Path,
        base_path: &str,
        site_url: &str,
    ) -> Result<Vec<u8>> {
        let page = detach(kit, base_path, site_url)?;
        let mut files: Vec<(String, Vec<u8>)> = Vec::new();
        for attachment in &kit.attachments {
            if let Ok(bytes) = std::fs::read(root.join(&attachment.source)) {
                let bytes = super::inert::make_inert(&attachment.source, bytes)?;
                files.push((attachment.name.clone(), bytes));
            }
        }
        files.push(("index.html".into(), page.into_bytes()));
        self.zip(&kit.slug, &files)
    }

    /// `<slug>/style.css` plus `files` as `<slug>/<name>`. Timestamps are fixed so that the same
    /// kit always gives the same archive.
    fn zip(&self, slug: &str, files: &[(String, Vec<u8>)]) -> Result<Vec<u8>> {
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

/// The standalone page of `kit`, taken out of the site: links and images of its attachments
/// point to the files beside it; other same-site links point to the site on the web when its
/// address is known, else they lose their `href` (an `<a>` without `href` is text).
fn detach(kit: &KitArchive, base_path: &str, site_url: &str) -> Result<String> {
    let absolute = site_url.contains("://");
    let attachments: Vec<(String, String)> = kit
        .attachments
        .iter()
        .map(|a| (a.url.clone(), percent_encode_path(&a.name)))
        .collect();
    let beside = |value: &str| {
        attachments
            .iter()
            .find(|(url, _)| url == value)
            .map(|(_, name)| name.clone())
    };
    let handlers = vec![
        element!("[href]", |el| {
            let Some(href) = el.get_attribute("href") else {
                return Ok(());
            };
            if let Some(name) = beside(&href) {
                el.set_attribute("href", &name)?;
            } else if let Some(rest) = href
                .strip_prefix(base_path)
                .filter(|rest| !rest.starts_with('/') && !href.starts_with("//"))
            {
                if absolute {
                    el.set_attribute("href", &format!("{site_url}{rest}"))?;
                } else {
                    el.remove_attribute("href");
                }
            }
            Ok(())
        }),
        element!("[src]", |el| {
            if let Some(name) = el.get_attribute("src").and_then(|src| beside(&src)) {
                el.set_attribute("src", &name)?;
            }
            Ok(())
        }),
    ];
    let page = rewrite_str(
        &kit.page_html,
        RewriteStrSettings {
            element_content_handlers: handlers,
            ..RewriteStrSettings::new()
        },
    );
    page.with_context(|| format!("rewriting the links of {}", kit.file))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::ArchivedFile;

    fn kit(html: &str) -> KitArchive {
        KitArchive {
            slug: "x".into(),
            file: "kits/x/x.zip".into(),
            page_html: html.into(),
            attachments: vec![ArchivedFile {
                name: "fiche mémo.pdf".into(),
                url: "/wiki/kits/x/fiche%20m%C3%A9mo.pdf".into(),
                source: "content/kits/x/fiche mémo.pdf".into(),
            }],
        }
    }

    #[test]
    fn detached_pages_link_to_the_site_on_the_web_or_to_nothing() {
        let html = r#"<a href="/wiki/themes/x/">x</a> <a href="/wiki/kits/x/fiche%20m%C3%A9mo.pdf">f</a> <code>&lt;a href="/wiki/themes/x/"&gt;</code>"#;
        assert_eq!(
            detach(&kit(html), "/wiki/", "https://ex.org/wiki/").unwrap(),
            r#"<a href="https://ex.org/wiki/themes/x/">x</a> <a href="fiche%20m%C3%A9mo.pdf">f</a> <code>&lt;a href="/wiki/themes/x/"&gt;</code>"#
        );
        assert_eq!(
            detach(&kit(html), "/wiki/", "/wiki/").unwrap(),
            r#"<a>x</a> <a href="fiche%20m%C3%A9mo.pdf">f</a> <code>&lt;a href="/wiki/themes/x/"&gt;</code>"#
        );
    }
}
