//! Attachments made inert. An SVG file is an image *and* a document that can run scripts when
//! opened on its own, at the site's address: before it is published, everything in it that runs
//! or loads something from elsewhere is removed, as the body's HTML is sanitised (scripts,
//! foreign objects, event handlers, `javascript:` and external references, animations that
//! rewrite links, external style sheets and `url()`s). HTML attachments never get this far: the
//! content stage refuses them.

use std::cell::RefCell;

use anyhow::{Context, Result};
use lol_html::html_content::ContentType;
use lol_html::{comments, element, rewrite_str, text, RewriteStrSettings};

/// Elements removed with their content.
const ACTIVE_ELEMENTS: [&str; 7] = [
    "script",
    "foreignobject",
    "iframe",
    "embed",
    "object",
    "handler",
    "listener",
];

/// Whether the file `name` is one [`make_inert`] rewrites.
pub fn needs_cleaning(name: &str) -> bool {
    name.to_ascii_lowercase().ends_with(".svg")
}

/// The bytes to publish for the attachment `name`.
pub fn make_inert(name: &str, bytes: Vec<u8>) -> Result<Vec<u8>> {
    if !needs_cleaning(name) {
        return Ok(bytes);
    }
    let text = String::from_utf8_lossy(&bytes);
    Ok(svg(&text)
        .with_context(|| format!("cleaning {name}"))?
        .into_bytes())
}

/// `url(…)` or `@import` that would load something from elsewhere.
fn loads_from_elsewhere(css: &str) -> bool {
    let lower = css.to_ascii_lowercase();
    lower.contains("@import")
        || lower.contains("expression(")
        || lower.match_indices("url(").any(|(i, _)| {
            let target = lower[i + 4..].trim_start_matches([' ', '"', '\'']);
            !(target.starts_with('#') || target.starts_with("data:image/"))
        })
}

fn allowed_reference(element: &str, value: &str) -> bool {
    let v = value.trim().to_ascii_lowercase();
    v.starts_with('#')
        || [
            "data:image/png",
            "data:image/jpeg",
            "data:image/gif",
            "data:image/webp",
        ]
        .iter()
        .any(|p| v.starts_with(p))
        || (element == "a" && (v.starts_with("https://") || v.starts_with("mailto:")))
}

/// An SVG document without anything that runs or loads from elsewhere.
pub fn svg(text: &str) -> Result<String, lol_html::errors::RewritingError> {
    let style = RefCell::new(String::new());
    let handlers = vec![
        element!("*", |el| {
            let name = el.tag_name().to_ascii_lowercase();
            if ACTIVE_ELEMENTS.contains(&name.as_str()) {
                el.remove();
                return Ok(());
            }
            let animates_links = name.starts_with("animate") || name == "set";
            let attributes: Vec<(String, String)> = el
                .attributes()
                .iter()
                .map(|a| (a.name(), a.value()))
                .collect();
            for (attribute, value) in attributes {
                let lower = attribute.to_ascii_lowercase();
                let drop = lower.starts_with("on")
                    || (animates_links && lower == "attributename" && value.contains("href"))
                    || ((lower == "href" || lower.ends_with(":href"))
                        && !allowed_reference(&name, &value))
                    || (lower == "style" && loads_from_elsewhere(&value));
                if animates_links && lower == "attributename" && value.contains("href") {
                    el.remove();
                    return Ok(());
                }
                if drop {
                    el.remove_attribute(&attribute);
                }
            }
            Ok(())
        }),
        text!("style", |chunk| {
            style.borrow_mut().push_str(chunk.as_str());
            if chunk.last_in_text_node() {
                let css = style.take();
                if loads_from_elsewhere(&css) {
                    chunk.replace("", ContentType::Text);
                } else {
                    chunk.replace(&css, ContentType::Html);
                }
            } else {
                chunk.remove();
            }
            Ok(())
        }),
        // `<?xml-stylesheet href="…"?>` reads as a comment to an HTML parser.
        comments!("*", |comment| {
            if comment.text().contains("xml-stylesheet") {
                comment.remove();
            }
            Ok(())
        }),
    ];
    let out = rewrite_str(
        text,
        RewriteStrSettings {
            element_content_handlers: handlers,
            ..RewriteStrSettings::new()
        },
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_svg_keeps_its_drawing_and_loses_what_runs() {
        let hostile = r##"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" onload="alert(1)"><script>alert(2)</script><foreignObject><iframe src="https://evil.example/"></iframe></foreignObject><style>@import url(https://evil.example/x.css); rect{fill:red}</style><a xlink:href="javascript:alert(3)"><rect width="10" height="10" onclick="alert(4)" style="fill:url(https://evil.example/p)"/></a><image href="https://evil.example/i.png"/><use href="#r"/><set attributeName="href" to="javascript:alert(5)"/><circle r="4" fill="blue"/></svg>"##;
        let clean = svg(hostile).unwrap();
        for gone in [
            "alert",
            "evil.example",
            "<script",
            "foreignObject",
            "onload",
            "onclick",
            "@import",
            "<set",
        ] {
            assert!(!clean.contains(gone), "{gone} in {clean}");
        }
        assert!(clean.contains(r##"<use href="#r"/>"##), "{clean}");
        assert!(clean.contains(r#"<circle r="4" fill="blue"/>"#), "{clean}");
        assert!(clean.starts_with("<?xml version=\"1.0\"?><svg"), "{clean}");
    }
}
