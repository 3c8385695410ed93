//! `build --offline`: a site that works opened from disk (`file://`), for a USB key in a library
//! with weak Wi-Fi.
//!
//! The site is built at base path `/`, then every same-site URL of every page becomes a path
//! relative to that page, ending in `index.html` (a browser opening files does not look for
//! `index.html` in a folder). Only attributes of real elements are rewritten, by an HTML
//! rewriter (lol_html): a kit that teaches HTML keeps `<a href="/contact">` in its code samples
//! exactly as written.

use std::cell::RefCell;

use anyhow::{Context, Result};
use lol_html::html_content::ContentType;
use lol_html::{element, rewrite_str, text, RewriteStrSettings};

/// The attributes holding a same-site URL: links, resources, forms, and the search script's data
/// attributes.
const ATTRIBUTES: [&str; 6] = [
    "href",
    "src",
    "action",
    "data-base",
    "data-manifest",
    "data-offline",
];

/// Rewrite every `/…` URL of [`ATTRIBUTES`] in `html`, a page at site path `page_file`
/// (`kits/x/index.html`), into a path relative to it.
pub fn relativize(html: &str, page_file: &str) -> Result<String> {
    let up = "../".repeat(page_file.matches('/').count());
    rewrite(html, &up).with_context(|| format!("rewriting the links of {page_file}"))
}

fn rewrite(html: &str, up: &str) -> Result<String, lol_html::errors::RewritingError> {
    let noscript = RefCell::new(String::new());
    let mut handlers: Vec<_> = ATTRIBUTES
        .iter()
        .map(|&attribute| {
            element!(format!("[{attribute}^=\"/\"]"), move |el| {
                if let Some(value) = el.get_attribute(attribute) {
                    if let Some(relative) = relative_url(&value, up) {
                        el.set_attribute(attribute, &relative)?;
                    }
                }
                Ok(())
            })
        })
        .collect();
    // A parser that runs scripts reads `<noscript>` as text, yet a browser without JavaScript
    // shows its links: rewrite its content as HTML too.
    handlers.push(text!("noscript", |chunk| {
        noscript.borrow_mut().push_str(chunk.as_str());
        if chunk.last_in_text_node() {
            let inner = rewrite(&noscript.take(), up)?;
            chunk.replace(&inner, ContentType::Html);
        } else {
            chunk.remove();
        }
        Ok(())
    }));
    let out = rewrite_str(
        html,
        RewriteStrSettings {
            element_content_handlers: handlers,
            ..RewriteStrSettings::new()
        },
    );
    out
}

/// `/kits/x/#deroule` seen from two folders down → `../../kits/x/index.html#deroule`; `None` for a
/// protocol-relative `//host/…` (not ours).
fn relative_url(value: &str, up: &str) -> Option<String> {
    let target = value.strip_prefix('/')?;
    if target.starts_with('/') {
        return None;
    }
    let (path, suffix) = match target.find(['#', '?']) {
        Some(i) => (&target[..i], &target[i..]),
        None => (target, ""),
    };
    let index = if path.is_empty() || path.ends_with('/') {
        "index.html"
    } else {
        ""
    };
    Some(format!("{up}{path}{index}{suffix}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_become_relative_file_paths() {
        let html = r#"<a href="/">a</a><a href="/kits/x/#deroule">b</a><link href="/static/style.css"><a href="https://e.org/">c</a><a href="//cdn/x">d</a><img src="/kits/g/x/p.png">"#;
        let out = relativize(html, "kits/y/index.html").unwrap();
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
            )
            .unwrap(),
            r#"<a title="/x" data-href="/y" href="kits/index.html">k</a>"#
        );
    }

    #[test]
    fn links_inside_noscript_are_rewritten_too() {
        let out = relativize(
            r#"<noscript><p>x</p><a class="term" href="/kits/">k</a></noscript>"#,
            "search/index.html",
        )
        .unwrap();
        assert_eq!(
            out,
            r#"<noscript><p>x</p><a class="term" href="../kits/index.html">k</a></noscript>"#
        );
    }

    #[test]
    fn code_samples_are_text_not_links() {
        let html = r#"<p><code>&lt;a href="/contact"&gt;</code></p><pre><code>&lt;a href="/contact"&gt;</code></pre><a href="/contact">c</a>"#;
        let out = relativize(html, "kits/y/index.html").unwrap();
        assert_eq!(
            out.matches(r#"&lt;a href="/contact"&gt;"#).count(),
            2,
            "{out}"
        );
        assert!(out.contains(r#"<a href="../../contact">c</a>"#), "{out}");
    }
}
