//! Markdown → safe HTML, with links between kits and attachments resolved.
//!
//! One pass over pulldown-cmark's events does four jobs: give headings stable ids (for the table of
//! contents and `#anchors`), rewrite relative links and images (another kit's `.md` becomes its
//! page URL, a file becomes an attachment URL; see [`crate::links`]), collect the plain text for
//! the search index, and record problems with their line and column. The HTML that
//! pulldown-cmark writes (raw HTML included) then goes through ammonia, so that no script, event
//! handler, `javascript:` URL, iframe, style or resource from another origin reaches the site.

use std::collections::HashSet;
use std::sync::OnceLock;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Serialize;

use crate::diagnostics::Problem;
use crate::links::{LinkKind, LinkResolver, Resolved};
use crate::validate::slugify;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub text: String,
}

#[derive(Debug, Default)]
pub struct RenderedBody {
    pub html: String,
    pub toc: Vec<TocEntry>,
    /// Plain text of the body, for search.
    pub text: String,
    /// Files of `content/` this body links to (instance-relative paths), to copy into the site.
    pub attachments: Vec<String>,
    /// Every id given to a heading (for `#anchor` checks).
    pub ids: Vec<String>,
    /// Links with a `#fragment` to a document of the site: (line, column, written target,
    /// target document's path or None for this document, fragment).
    pub anchored_links: Vec<AnchoredLink>,
    /// Problems with their 1-based line and column in the file.
    pub problems: Vec<(usize, usize, Problem, Severity)>,
}

/// How serious a problem found while rendering is; `site` decides per command what to report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
    /// Only reported by `mallette check` (`http://` links).
    CheckOnly,
}

#[derive(Debug, Clone)]
pub struct AnchoredLink {
    pub line: usize,
    pub column: usize,
    pub written: String,
    pub document: Option<String>,
    pub fragment: String,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Render the body of the file `rel_path`, whose first line is line `body_line` of the file.
pub fn render(
    body: &str,
    body_line: usize,
    rel_path: &str,
    resolver: &dyn LinkResolver,
) -> RenderedBody {
    let mut out = RenderedBody::default();
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(body.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let position = |offset: usize| {
        let index = line_starts
            .partition_point(|&start| start <= offset)
            .saturating_sub(1);
        let column = body[line_starts[index]..offset.min(body.len())]
            .chars()
            .count()
            + 1;
        (body_line + index, column)
    };

    let mut events: Vec<Event> = Vec::new();
    let mut used_ids: HashSet<String> = HashSet::new();
    // Heading being collected: index of its Start event in `events`, its text, explicit id.
    let mut heading: Option<(usize, String)> = None;
    // Images replaced by links (external images) must close as links too.
    let mut image_as_link_depth: Vec<bool> = Vec::new();
    // Alt text of the image being read, and where it started.
    let mut image_alt: Option<(usize, usize, String)> = None;

    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                heading = Some((events.len(), String::new()));
                events.push(Event::Start(Tag::Heading {
                    level,
                    id,
                    classes,
                    attrs,
                }));
            }
            Event::End(TagEnd::Heading(level)) => {
                if let Some((start, text)) = heading.take() {
                    if let Event::Start(Tag::Heading { id, .. }) = &mut events[start] {
                        let base = match id {
                            Some(explicit) => explicit.to_string(),
                            None => {
                                let s = slugify(&text);
                                if s.is_empty() {
                                    "section".to_string()
                                } else {
                                    s
                                }
                            }
                        };
                        let mut unique = base.clone();
                        let mut n = 2;
                        while !used_ids.insert(unique.clone()) {
                            unique = format!("{base}-{n}");
                            n += 1;
                        }
                        *id = Some(CowStr::from(unique.clone()));
                        out.ids.push(unique.clone());
                        if matches!(level, HeadingLevel::H2 | HeadingLevel::H3) {
                            let level = if level == HeadingLevel::H2 { 2 } else { 3 };
                            out.toc.push(TocEntry {
                                level,
                                id: unique,
                                text: text.trim().to_string(),
                            });
                        }
                    }
                }
                events.push(Event::End(TagEnd::Heading(level)));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let (line, column) = position(range.start);
                if dest_url.starts_with("http://") {
                    out.problems.push((
                        line,
                        column,
                        Problem::InsecureLink {
                            url: dest_url.to_string(),
                        },
                        Severity::CheckOnly,
                    ));
                }
                if let Some(fragment) = dest_url.strip_prefix('#') {
                    out.anchored_links.push(AnchoredLink {
                        line,
                        column,
                        written: dest_url.to_string(),
                        document: None,
                        fragment: fragment.to_string(),
                    });
                }
                let dest = resolve(
                    &dest_url,
                    rel_path,
                    LinkKind::Link,
                    resolver,
                    line,
                    column,
                    &mut out,
                );
                events.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url: dest.into(),
                    title,
                    id,
                }));
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let (line, column) = position(range.start);
                image_alt = Some((line, column, String::new()));
                if is_external(&dest_url) {
                    out.problems.push((
                        line,
                        column,
                        Problem::ExternalImage {
                            url: dest_url.to_string(),
                        },
                        Severity::Warning,
                    ));
                    image_as_link_depth.push(true);
                    events.push(Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }));
                } else {
                    image_as_link_depth.push(false);
                    let dest = resolve(
                        &dest_url,
                        rel_path,
                        LinkKind::Image,
                        resolver,
                        line,
                        column,
                        &mut out,
                    );
                    events.push(Event::Start(Tag::Image {
                        link_type,
                        dest_url: dest.into(),
                        title,
                        id,
                    }));
                }
            }
            Event::End(TagEnd::Image) => {
                if let Some((line, column, alt)) = image_alt.take() {
                    if alt.trim().is_empty() {
                        out.problems.push((
                            line,
                            column,
                            Problem::ImageWithoutAlt,
                            Severity::Warning,
                        ));
                    }
                }
                if image_as_link_depth.pop().unwrap_or(false) {
                    events.push(Event::End(TagEnd::Link));
                } else {
                    events.push(Event::End(TagEnd::Image));
                }
            }
            Event::Text(ref text) | Event::Code(ref text) => {
                if let Some((_, heading_text)) = &mut heading {
                    heading_text.push_str(text);
                }
                if let Some((_, _, alt)) = &mut image_alt {
                    alt.push_str(text);
                }
                out.text.push_str(text);
                events.push(event);
            }
            Event::SoftBreak | Event::HardBreak => {
                out.text.push(' ');
                events.push(event);
            }
            Event::End(
                TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell | TagEnd::CodeBlock,
            ) => {
                out.text.push('\n');
                events.push(event);
            }
            other => events.push(other),
        }
    }

    let mut raw_html = String::with_capacity(body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut raw_html, events.into_iter());
    out.html = sanitize(&raw_html);
    out
}

fn resolve(
    dest: &str,
    rel_path: &str,
    kind: LinkKind,
    resolver: &dyn LinkResolver,
    line: usize,
    column: usize,
    out: &mut RenderedBody,
) -> String {
    match resolver.resolve(rel_path, dest, kind) {
        Resolved::Unchanged => dest.to_string(),
        Resolved::Page {
            url,
            document,
            fragment,
        } => {
            if let Some(fragment) = fragment {
                out.anchored_links.push(AnchoredLink {
                    line,
                    column,
                    written: dest.to_string(),
                    document: Some(document),
                    fragment,
                });
            }
            url
        }
        Resolved::Attachment { rel_path, url } => {
            out.attachments.push(rel_path);
            url
        }
        Resolved::Problem(problem) => {
            out.problems.push((line, column, problem, Severity::Error));
            // Never point at something outside the site: drop the target.
            "#".to_string()
        }
    }
}

/// `https://…`, `//host/…`: a resource on another origin.
pub fn is_external(url: &str) -> bool {
    url.starts_with("//") || has_scheme(url)
}

/// `mailto:`, `https:`, `javascript:`… (RFC 3986 scheme followed by `:`).
pub fn has_scheme(url: &str) -> bool {
    let trimmed = url.trim_start();
    match trimmed.find(':') {
        Some(i) if i > 0 => {
            let scheme = &trimmed[..i];
            scheme
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
                && !scheme.contains('/')
        }
        _ => false,
    }
}

fn sanitizer() -> &'static ammonia::Builder<'static> {
    static BUILDER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    BUILDER.get_or_init(|| {
        let mut builder = ammonia::Builder::default();
        builder
            .add_tags([
                "input",
                "details",
                "summary",
                "figure",
                "figcaption",
                "mark",
            ])
            .add_tag_attributes("input", ["type", "checked", "disabled"])
            .add_tag_attributes("div", ["id"])
            .add_allowed_classes("sup", ["footnote-reference", "footnote-definition-label"])
            .add_allowed_classes("div", ["footnote-definition"])
            .url_schemes(["http", "https", "mailto", "tel"].into_iter().collect())
            .attribute_filter(|element, attribute, value| {
                // Only checkboxes survive as inputs (Markdown task lists), always disabled.
                if element == "input" && attribute == "type" && value != "checkbox" {
                    return None;
                }
                // No resource from another origin: images, audio and video load from the site only.
                let loads_resource = matches!(attribute, "src" | "srcset" | "poster" | "data");
                if loads_resource && is_external(value) {
                    return None;
                }
                Some(value.into())
            });
        for heading in ["h1", "h2", "h3", "h4", "h5", "h6"] {
            builder.add_tag_attributes(heading, ["id"]);
        }
        builder
    })
}

/// Clean HTML written by pulldown-cmark from contributor Markdown.
pub fn sanitize(html: &str) -> String {
    let cleaned = sanitizer().clean(html).to_string();
    // Task-list checkboxes are display only.
    cleaned.replace(
        "<input type=\"checkbox\"",
        "<input disabled=\"\" type=\"checkbox\"",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    struct NoLinks;
    impl LinkResolver for NoLinks {
        fn resolve(&self, _from: &str, _dest: &str, _kind: LinkKind) -> Resolved {
            Resolved::Unchanged
        }
    }

    #[test]
    fn headings_get_unique_ids_and_toc() {
        let r = render(
            "## Déroulé\n\ntexte\n\n## Déroulé\n",
            1,
            "content/kits/x.md",
            &NoLinks,
        );
        assert!(r.html.contains("<h2 id=\"deroule\">"), "{}", r.html);
        assert!(r.html.contains("<h2 id=\"deroule-2\">"));
        assert_eq!(r.toc.len(), 2);
    }

    #[test]
    fn scripts_and_handlers_are_removed() {
        let r = render(
            "<script>alert(1)</script>\n\n<img src=\"https://evil.example/x.png\" onerror=\"alert(1)\">\n\n[x](javascript:alert(1))\n",
            1,
            "content/kits/x.md",
            &NoLinks,
        );
        assert!(!r.html.contains("script"), "{}", r.html);
        assert!(!r.html.contains("onerror"));
        assert!(!r.html.contains("evil.example"));
        assert!(!r.html.to_lowercase().contains("javascript:"));
    }

    #[test]
    fn schemes() {
        assert!(has_scheme("https://x"));
        assert!(has_scheme("JavaScript:alert(1)"));
        assert!(!has_scheme("../kit.md"));
        assert!(!has_scheme("dossier/fichier:1.pdf"));
    }
}
