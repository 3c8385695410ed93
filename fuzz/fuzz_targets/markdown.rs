//! Markdown → sanitised HTML. Any body must render without panicking or hanging, and the HTML must
//! never carry a script, an event handler, a `javascript:` URL or a resource from another origin.
#![no_main]

use std::collections::{BTreeSet, HashMap};
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use mallette::links::SiteLinks;

fn links() -> &'static SiteLinks {
    static LINKS: OnceLock<SiteLinks> = OnceLock::new();
    LINKS.get_or_init(|| SiteLinks {
        base: "/wiki/".to_string(),
        documents: HashMap::from([
            ("content/kits/a/index.md".to_string(), "kits/a/".to_string()),
            ("content/kits/b.md".to_string(), "kits/b/".to_string()),
            ("content/pages/about.md".to_string(), "pages/about/".to_string()),
        ]),
        files: BTreeSet::from([
            "content/kits/a/index.md".to_string(),
            "content/kits/a/fiche.pdf".to_string(),
            "content/kits/a/image.png".to_string(),
            "content/kits/b.md".to_string(),
            "content/pages/about.md".to_string(),
        ]),
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(body) = std::str::from_utf8(data) else {
        return;
    };
    let rendered = mallette::markdown::render(body, 5, "content/kits/a/index.md", links());
    check_safe(&rendered.html);
});

/// The sanitiser's promises, checked on the start tags of the output.
fn check_safe(html: &str) {
    let lower = html.to_ascii_lowercase();
    for forbidden in ["<script", "<iframe", "<style", "<object", "<embed", "<svg", "<math", "<form", "<link", "<meta", "<base"] {
        assert!(!lower.contains(forbidden), "{forbidden} survived in {html:?}");
    }
    let mut rest = lower.as_str();
    while let Some(start) = rest.find('<') {
        let tag_end = rest[start..].find('>').map_or(rest.len(), |e| start + e);
        let tag = &rest[start..tag_end];
        for (i, _) in tag.match_indices(" on") {
            let name: String = tag[i + 1..].chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
            assert!(
                !tag[i + 1 + name.len()..].starts_with('='),
                "event handler {name} in {tag:?}"
            );
        }
        for attribute in ["href=\"", "src=\"", "srcset=\"", "poster=\"", "data=\"", "cite=\""] {
            for (i, _) in tag.match_indices(attribute) {
                if i > 0 && tag.as_bytes()[i - 1] != b' ' {
                    continue;
                }
                let value = &tag[i + attribute.len()..];
                let value = value.split('"').next().unwrap_or("");
                let decoded = value.replace("&amp;", "&");
                let squeezed: String = decoded.chars().filter(|c| !c.is_whitespace() && !c.is_control()).collect();
                assert!(
                    !squeezed.starts_with("javascript:") && !squeezed.starts_with("vbscript:") && !squeezed.starts_with("data:"),
                    "dangerous URL in {tag:?}"
                );
                if attribute != "href=\"" && attribute != "cite=\"" {
                    assert!(
                        !(squeezed.starts_with("//") || squeezed.contains("://")),
                        "resource from another origin in {tag:?}"
                    );
                }
            }
        }
        rest = &rest[tag_end.min(rest.len())..];
        if rest.is_empty() {
            break;
        }
        rest = &rest[1..];
    }
}
