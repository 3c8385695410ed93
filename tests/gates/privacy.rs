//! The privacy gate, in plain Rust: crawl a built site's files and report every reference that
//! would make a visitor's browser contact another origin (scripts, stylesheets, images, fonts,
//! frames, media, CSS `url()` and `@import`, form targets, pings), every cookie set or read, and
//! every page whose Content-Security-Policy is missing or allows more than the site itself.
//!
//! Used by `tests/quality_gates.rs` (included with `#[path]`), on the starter site and on a
//! deliberately broken instance.

use std::path::{Path, PathBuf};

#[path = "../common/html.rs"]
mod html;
use html::StartTag;

/// One problem: the file (relative to the site), the rule and what was found.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub file: String,
    pub rule: &'static str,
    pub detail: String,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}: {}", self.file, self.rule, self.detail)
    }
}

/// Sources a page's Content-Security-Policy may allow, per directive. `'self'` and `'none'` are
/// allowed everywhere; `data:` only for images (the favicon may be inlined); `'wasm-unsafe-eval'`
/// only for scripts (the search module).
fn allowed_source(directive: &str, source: &str) -> bool {
    matches!(source, "'self'" | "'none'")
        || (directive == "img-src" && source == "data:")
        || (directive == "script-src" && source == "'wasm-unsafe-eval'")
}

/// Directives every page's policy must carry.
const REQUIRED_DIRECTIVES: [&str; 4] = ["default-src", "object-src", "base-uri", "form-action"];

/// Crawl `site` and return every finding, sorted by file.
pub fn crawl(site: &Path) -> Vec<Finding> {
    let mut findings = Vec::new();
    for path in files(site) {
        let rel = path
            .strip_prefix(site)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default()
            .to_ascii_lowercase();
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue; // binary files (images, index segments, zips) reference nothing
        };
        let mut report = |rule: &'static str, detail: String| {
            findings.push(Finding {
                file: rel.clone(),
                rule,
                detail,
            })
        };
        match extension.as_str() {
            "html" | "htm" => check_html(&text, &mut report),
            "svg" => check_html(&text, &mut report),
            "css" => check_css(&text, "stylesheet", &mut report),
            "js" | "mjs" => check_script(&text, &mut report),
            _ => {}
        }
    }
    findings
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let entry = entry.unwrap();
            let kind = entry.file_type().unwrap();
            if kind.is_dir() {
                stack.push(entry.path());
            } else {
                out.push(entry.path());
            }
        }
    }
    out.sort();
    out
}

/// A URL that makes the browser leave the site's origin: `//host`, or any scheme but `data:`
/// (`data:` is only fine where the policy allows it, which the CSP check covers).
pub fn is_other_origin(url: &str) -> bool {
    let url = url.trim().trim_matches(|c| c == '"' || c == '\'').trim();
    let lower: String = url
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    if lower.starts_with("//") || lower.starts_with("\\\\") || lower.starts_with("/\\") {
        return true;
    }
    match lower.find(':') {
        Some(i) if i > 0 => {
            let scheme = &lower[..i];
            scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme != "data"
                && scheme != "blob"
        }
        _ => false,
    }
}

/// Walk the start tags of an HTML (or SVG) document, then the text of its `<style>` elements,
/// as the HTML oracle (html5ever's tokenizer) reads them: attribute values entity-decoded.
fn tags(html: &str, mut on_tag: impl FnMut(&StartTag), mut on_style: impl FnMut(&str)) {
    let parsed = html::parse(html);
    for tag in &parsed.tags {
        on_tag(tag);
    }
    for style in &parsed.styles {
        on_style(style);
    }
}

fn check_html(html: &str, report: &mut impl FnMut(&'static str, String)) {
    let mut csp: Option<String> = None;
    let mut resource_before_csp = None;
    let mut styles = Vec::new();
    let mut style_elements = Vec::new();
    let mut found: Vec<(&'static str, String)> = Vec::new();
    tags(
        html,
        |tag| {
            let name = tag.name.as_str();
            let mut resource = |kind: &'static str, url: &str| {
                if is_other_origin(url) {
                    found.push((kind, format!("<{name}> loads {url}")));
                }
            };
            // Which attributes of which elements make the browser fetch something.
            let fetched: &[(&str, &'static str)] = match name {
                "script" => &[("src", "script")],
                "img" => &[("src", "image"), ("srcset", "image")],
                "source" => &[("src", "media"), ("srcset", "image")],
                "video" => &[("src", "media"), ("poster", "image")],
                "audio" | "track" => &[("src", "media")],
                "iframe" | "frame" => &[("src", "frame")],
                "embed" => &[("src", "embed")],
                "object" => &[("data", "embed"), ("codebase", "embed")],
                "input" => &[("src", "image")],
                "image" | "use" | "feimage" => &[("href", "image"), ("xlink:href", "image")],
                "body" | "table" | "td" | "th" => &[("background", "image")],
                "form" => &[("action", "form")],
                "button" => &[("formaction", "form")],
                _ => &[],
            };
            for (attribute, kind) in fetched {
                if let Some(value) = tag.get(attribute) {
                    if attribute.ends_with("srcset") {
                        for candidate in value.split(',') {
                            resource(kind, candidate.split_whitespace().next().unwrap_or(""));
                        }
                    } else {
                        resource(kind, value);
                    }
                }
            }
            if name == "link" {
                let rel = tag.get("rel").unwrap_or("").to_ascii_lowercase();
                let navigational = rel.split_whitespace().all(|r| {
                    matches!(
                        r,
                        "alternate"
                            | "canonical"
                            | "author"
                            | "license"
                            | "next"
                            | "prev"
                            | "help"
                            | "bookmark"
                            | "me"
                            | "search"
                    )
                });
                if !navigational || rel.is_empty() {
                    let kind = if rel.contains("stylesheet") {
                        "stylesheet"
                    } else if rel.contains("icon") {
                        "image"
                    } else {
                        "link"
                    };
                    resource(kind, tag.get("href").unwrap_or(""));
                    if let Some(srcset) = tag.get("imagesrcset") {
                        for candidate in srcset.split(',') {
                            resource("image", candidate.split_whitespace().next().unwrap_or(""));
                        }
                    }
                }
            }
            if let Some(ping) = tag.get("ping") {
                found.push(("ping", format!("<{name}> pings {ping}")));
            }
            if let Some(style) = tag.get("style") {
                styles.push(style.to_string());
            }
            if name == "meta" {
                let equiv = tag.get("http-equiv").unwrap_or("").to_ascii_lowercase();
                if equiv == "content-security-policy" && csp.is_none() {
                    csp = Some(tag.get("content").unwrap_or("").to_string());
                }
                if equiv == "set-cookie" {
                    found.push(("cookie", "<meta http-equiv=\"set-cookie\">".to_string()));
                }
                if equiv == "refresh"
                    && is_other_origin(
                        tag.get("content")
                            .unwrap_or("")
                            .split_once('=')
                            .map_or("", |(_, url)| url),
                    )
                {
                    found.push((
                        "redirect",
                        "<meta http-equiv=\"refresh\"> to another origin".to_string(),
                    ));
                }
            }
            let loads = matches!(
                name,
                "link" | "script" | "img" | "style" | "iframe" | "object"
            );
            if loads && csp.is_none() && resource_before_csp.is_none() {
                resource_before_csp = Some(name.to_string());
            }
        },
        |style| style_elements.push(style.to_string()),
    );
    for (rule, detail) in found {
        report(rule, detail);
    }
    for style in styles.into_iter().chain(style_elements) {
        check_css(&style, "inline style", report);
    }
    if html.trim_start().to_ascii_lowercase().starts_with("<svg") || html.contains("<?xml") {
        return; // SVG images carry no policy of their own
    }
    match csp {
        None => report("csp", "no Content-Security-Policy meta element".to_string()),
        Some(policy) => {
            if let Some(element) = resource_before_csp {
                report(
                    "csp",
                    format!("<{element}> comes before the policy, which does not cover it"),
                );
            }
            let mut seen = Vec::new();
            for directive in policy.split(';').map(str::trim).filter(|d| !d.is_empty()) {
                let mut parts = directive.split_whitespace();
                let name = parts.next().unwrap_or("").to_ascii_lowercase();
                for source in parts {
                    if !allowed_source(&name, source) {
                        report("csp", format!("`{name}` allows `{source}`"));
                    }
                }
                seen.push(name);
            }
            for required in REQUIRED_DIRECTIVES {
                if !seen.iter().any(|s| s == required) {
                    report("csp", format!("the policy has no `{required}`"));
                }
            }
        }
    }
}

/// `url(…)` and `@import` of a stylesheet (comments skipped).
fn check_css(css: &str, context: &'static str, report: &mut impl FnMut(&'static str, String)) {
    let mut text = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(i) = rest.find("/*") {
        text.push_str(&rest[..i]);
        rest = rest[i + 2..]
            .find("*/")
            .map_or("", |e| &rest[i + 2 + e + 2..]);
    }
    text.push_str(rest);
    let lower = text.to_ascii_lowercase();
    for (i, _) in lower.match_indices("url(") {
        if lower[..i].trim_end().ends_with("@import") {
            continue; // reported as an import below
        }
        let inner = &text[i + 4..];
        let url = inner[..inner.find(')').unwrap_or(inner.len())].trim();
        if is_other_origin(url) {
            let kind = if lower[..i]
                .rfind("@font-face")
                .is_some_and(|f| lower[f..i].matches('}').count() == 0)
            {
                "font"
            } else {
                "css url()"
            };
            report(kind, format!("{context} loads {url}"));
        }
    }
    for (i, _) in lower.match_indices("@import") {
        let target = text[i + 7..].trim_start();
        let target = target.strip_prefix("url(").unwrap_or(target);
        let url: String = target
            .chars()
            .take_while(|c| !matches!(c, ';' | ')' | ' ' | '\n'))
            .collect();
        if is_other_origin(&url) {
            report("stylesheet", format!("{context} imports {url}"));
        }
    }
}

/// Shipped scripts: no absolute URL to another origin (XML namespaces excepted), no cookie.
fn check_script(js: &str, report: &mut impl FnMut(&'static str, String)) {
    for (i, _) in js.match_indices("://") {
        let start = js[..i]
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || "+-.".contains(c)))
            .map_or(0, |s| s + 1);
        let scheme = js[start..i].to_ascii_lowercase();
        if !matches!(scheme.as_str(), "http" | "https" | "ws" | "wss" | "ftp") {
            continue;
        }
        let end = js[i..]
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '`' | ')' | '<'))
            .map_or(js.len(), |e| i + e);
        let url = &js[start..end];
        let namespace = url.starts_with("http://www.w3.org/");
        // Only URLs a script can use: in a string literal (a comment's link loads nothing).
        let in_string = js[..start].ends_with(['"', '\'', '`']);
        if in_string && !namespace {
            report("script", format!("a script names {url}"));
        }
    }
    for needle in ["document.cookie", "cookieStore", "Set-Cookie"] {
        if js.contains(needle) {
            report("cookie", format!("a script uses `{needle}`"));
        }
    }
}
