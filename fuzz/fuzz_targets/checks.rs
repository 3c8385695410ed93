//! The checks behind the fuzz targets, shared with `tests/fuzz_regressions.rs` (which replays
//! every input kept in `fuzz/regressions/` on the stable toolchain, as part of `cargo test`).
//! Each function must return normally for any input: a panic, a hang or a blow-up is a bug.
#![allow(dead_code)]

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::sync::OnceLock;

#[path = "../../tests/common/html.rs"]
mod html;

use mallette_content::config::Config;
use mallette_content::links::SiteLinks;
use mallette_content::vocabulary::Vocabularies;

fn setup() -> &'static (Config, Vocabularies) {
    static SETUP: OnceLock<(Config, Vocabularies)> = OnceLock::new();
    SETUP.get_or_init(|| {
        let config: Config = toml::from_str("title = \"Fuzz\"").expect("minimal config");
        (config, Vocabularies::defaults())
    })
}

/// Front-matter: split a file into YAML and body, parse the YAML with positions, validate it as a
/// kit and as a plain page. Any input ends in `Ok` or in diagnostics.
pub fn frontmatter(data: &[u8]) {
    // The loader refuses invalid UTF-8 before parsing; decode the same way it does.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let text = text
        .strip_prefix('\u{feff}')
        .unwrap_or(text)
        .replace("\r\n", "\n");
    let Ok(split) = mallette_content::frontmatter::split(&text) else {
        return;
    };
    assert!(
        split.body_line >= 2,
        "the body starts after the opening `---`"
    );
    let Ok(root) = mallette_content::frontmatter::parse_yaml(split.yaml, 2) else {
        return;
    };
    let (config, vocabularies) = setup();
    let file = Path::new("content/kits/fuzz.md");
    if let Err(diagnostics) =
        mallette_content::validate::validate_kit(file, &root, config, vocabularies, None)
    {
        assert!(
            !diagnostics.is_empty(),
            "a refusal names at least one problem"
        );
    }
    let _ = mallette_content::validate::validate_page(file, &root);
}

fn links() -> &'static SiteLinks {
    static LINKS: OnceLock<SiteLinks> = OnceLock::new();
    LINKS.get_or_init(|| SiteLinks {
        base: "/wiki/".to_string(),
        documents: HashMap::from([
            ("content/kits/a/index.md".to_string(), "kits/a/".to_string()),
            ("content/kits/b.md".to_string(), "kits/b/".to_string()),
            (
                "content/pages/about.md".to_string(),
                "pages/about/".to_string(),
            ),
        ]),
        files: BTreeSet::from([
            "content/kits/a/index.md".to_string(),
            "content/kits/a/fiche.pdf".to_string(),
            "content/kits/a/image.png".to_string(),
            "content/kits/b.md".to_string(),
            "content/pages/about.md".to_string(),
        ]),
        left_out: BTreeSet::new(),
    })
}

/// Markdown → sanitised HTML: any body renders, and the HTML never carries a script, an event
/// handler, a `javascript:` URL or a resource from another origin.
pub fn markdown(data: &[u8]) {
    let Ok(body) = std::str::from_utf8(data) else {
        return;
    };
    let rendered = mallette_content::markdown::render(
        body,
        5,
        "content/kits/a/index.md",
        mallette_content::Lang::Fr,
        links(),
    );
    check_safe(&rendered.html());
}

/// The sanitiser's promises, checked on every start tag of the output as a browser reads it (the
/// HTML oracle of the tests, html5ever's tokenizer).
pub fn check_safe(html: &str) {
    for html::StartTag { name, attributes } in html::start_tags(html) {
        assert!(
            !matches!(
                name.as_str(),
                "script"
                    | "iframe"
                    | "frame"
                    | "style"
                    | "object"
                    | "embed"
                    | "svg"
                    | "math"
                    | "form"
                    | "link"
                    | "meta"
                    | "base"
                    | "template"
                    | "noscript"
            ),
            "<{name}> survived in {html:?}"
        );
        for (attribute, value) in attributes {
            assert!(
                !attribute.starts_with("on"),
                "event handler {attribute} on <{name}> in {html:?}"
            );
            assert!(attribute != "style", "inline style on <{name}> in {html:?}");
            // As a browser reads it: `java<tab>script:` is `javascript:`, but `java<0x1a>script:`
            // is a relative path (only tabs and newlines are dropped inside a URL).
            let squeezed = browser_url(&value).to_ascii_lowercase();
            if matches!(
                attribute.as_str(),
                "href" | "src" | "srcset" | "poster" | "data" | "cite" | "action" | "formaction"
            ) {
                for scheme in ["javascript:", "vbscript:", "data:"] {
                    assert!(
                        !squeezed.starts_with(scheme),
                        "{scheme} URL in <{name} {attribute}> in {html:?}"
                    );
                }
            }
            if matches!(attribute.as_str(), "src" | "poster" | "data") {
                assert!(
                    !loads_from_another_origin(&value),
                    "resource from another origin in <{name} {attribute}={value:?}>"
                );
            }
            if attribute == "srcset" {
                // Candidates are separated by commas, each a URL then an optional descriptor.
                for candidate in value.split(',') {
                    let url = candidate.trim_start().split([' ', '\t', '\n']).next();
                    assert!(
                        !loads_from_another_origin(url.unwrap_or("")),
                        "resource from another origin in <{name} srcset={value:?}>"
                    );
                }
            }
        }
    }
}

/// A URL as the WHATWG parser sees it: leading and trailing spaces and C0 controls dropped, tabs
/// and newlines removed anywhere, `\` taken for `/`.
pub fn browser_url(url: &str) -> String {
    url.trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .map(|c| if c == '\\' { '/' } else { c })
        .collect()
}

/// Whether a browser would fetch `url` from another origin, reading it as the WHATWG URL parser
/// does: leading and trailing spaces and controls dropped, tabs and newlines removed anywhere,
/// `\` taken for `/`, then `//host` or any scheme (`1https:` is no scheme: a relative path).
pub fn loads_from_another_origin(url: &str) -> bool {
    let cleaned = browser_url(url);
    if cleaned.starts_with("//") {
        return true;
    }
    match cleaned.find(':') {
        Some(i) if i > 0 => {
            let scheme = &cleaned[..i];
            scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        }
        _ => false,
    }
}

/// Settings and vocabularies: any bytes as `mallette.toml`, then as a vocabulary file of each
/// name. Any input ends in settings or in an error message naming the file.
pub fn settings(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Config::parse(text, Path::new("mallette.toml")) {
        Ok(config) => {
            assert!(
                !config.title.trim().is_empty(),
                "a config without title passed"
            );
            assert!(
                mallette_content::slug::is_slug(&config.theme),
                "theme {:?} passed",
                config.theme
            );
        }
        Err(e) => assert!(e.to_string().contains("mallette.toml"), "{e}"),
    }
    for name in ["themes", "audiences", "levels", "competences", "nothing"] {
        let mut vocabularies = Vocabularies::defaults();
        let file = Path::new("vocabularies/x.yaml");
        if let Err(e) = vocabularies.apply_text(name, text, file) {
            assert!(e.to_string().contains("vocabularies/x.yaml"), "{e}");
        }
    }
}

/// A federated catalog: any bytes as a stored `catalog.json`, read as a build reads it (at most
/// 100 kits kept). Ends in kits or in an error with a position, never in a panic or unbounded
/// memory.
pub fn catalog(data: &[u8]) {
    if let Ok((kits, _skipped)) = mallette_content::federation::parse_catalog(data, 100) {
        assert!(kits.len() <= 100);
    }
}
