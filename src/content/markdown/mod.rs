//! Markdown → safe HTML, with links between kits and attachments resolved.
//!
//! One pass over pulldown-cmark's events does four jobs: give headings stable ids (for the table of
//! contents and `#anchors`), rewrite relative links and images (another kit's `.md` becomes its
//! page URL, a file becomes an attachment URL; see [`crate::links`]), collect the plain text for
//! the search index, and record problems with their line and column. GitHub-style callouts
//! (`> [!TIP]`…) become boxes titled in the document's language (see [`callout_open`]). The HTML that
//! pulldown-cmark writes (raw HTML included) then goes through ammonia, so that no script, event
//! handler, `javascript:` URL, iframe, style or resource from another origin reaches the site.
//!
//! Nesting is bounded: html5ever (inside ammonia) takes time quadratic in the depth of the
//! document, so 10,000 nested lists would take minutes. A body nested deeper than
//! [`MAX_NESTING`] elements is an error, and [`sanitize`] never hands html5ever more than
//! [`MAX_HTML_DEPTH`] open elements (deeper start tags are left out, their content kept).

use std::collections::HashSet;

use pulldown_cmark::{BlockQuoteKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Serialize;

use crate::diagnostics::Problem;
use crate::i18n::Lang;
use crate::links::{is_external, LinkKind, LinkResolver, Resolved};
use crate::slug::slugify;

mod sanitize;
pub use sanitize::{sanitize, MAX_HTML_DEPTH};
use sanitize::{sanitize_bounded, Nesting};

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub text: String,
}

#[derive(Debug, Default)]
pub struct RenderedBody {
    /// Sanitised HTML. Given away to the page that shows it ([`RenderedBody::take_html`]): a
    /// large instance would otherwise hold every body until the end of its build.
    html: std::sync::Mutex<String>,
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

impl RenderedBody {
    /// The sanitised HTML, left in place.
    pub fn html(&self) -> String {
        self.html.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The sanitised HTML, taken: the body keeps an empty string. Each page is rendered once per
    /// build, so the page that shows a body takes it.
    pub fn take_html(&self) -> String {
        std::mem::take(&mut *self.html.lock().unwrap_or_else(|e| e.into_inner()))
    }
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

/// Deepest nesting of lists, quotes and HTML elements a body may have (each list level counts
/// twice: `<ul>` and `<li>`). Deeper is an error; browsers themselves stop nesting at 512.
pub const MAX_NESTING: usize = 100;

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}

/// The name of a callout kind: its class (`callout-tip`) and its title's key (`callout.tip`).
fn callout_name(kind: BlockQuoteKind) -> &'static str {
    match kind {
        BlockQuoteKind::Note => "note",
        BlockQuoteKind::Tip => "tip",
        BlockQuoteKind::Important => "important",
        BlockQuoteKind::Warning => "warning",
        BlockQuoteKind::Caution => "caution",
    }
}

/// The start of a callout box: a note landmark named by its title, which is also shown (so that
/// it is read, printed and copied with the text). The sanitiser keeps exactly these classes and
/// this role (`sanitize.rs`).
fn callout_open(kind: BlockQuoteKind, lang: Lang) -> String {
    let name = callout_name(kind);
    // The catalog's titles are plain words; escaped all the same.
    let title = lang
        .text(&format!("callout.{name}"))
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;");
    format!(
        "<aside class=\"callout callout-{name}\" role=\"note\" aria-label=\"{title}\">\n<p class=\"callout-title\">{title}</p>\n"
    )
}

/// Render the body of the file `rel_path`, whose first line is line `body_line` of the file,
/// written in `lang` (the titles of its callouts).
pub fn render(
    body: &str,
    body_line: usize,
    rel_path: &str,
    lang: Lang,
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
    // Open Markdown containers (quotes, lists, items) and open raw HTML elements.
    let mut containers = 0usize;
    let mut raw_html = Nesting::default();
    let mut too_deep_reported = false;
    // Start events of the open list items, so a task-list item can be given an id.
    let mut open_items: Vec<usize> = Vec::new();
    let mut tasks = 0usize;

    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        let deepest = match &event {
            Event::Start(Tag::BlockQuote(_) | Tag::List(_) | Tag::Item) => {
                containers += 1;
                (containers + raw_html.depth() > MAX_NESTING).then_some(range.start)
            }
            Event::End(TagEnd::BlockQuote(_) | TagEnd::List(_) | TagEnd::Item) => {
                containers = containers.saturating_sub(1);
                None
            }
            Event::Html(html) | Event::InlineHtml(html) => raw_html
                .feed(html, MAX_NESTING.saturating_sub(containers), None)
                .map(|offset| range.start + offset),
            _ => None,
        };
        if let Some(offset) = deepest.filter(|_| !too_deep_reported) {
            too_deep_reported = true;
            let (line, column) = position(offset);
            out.problems.push((
                line,
                column,
                Problem::NestingTooDeep { max: MAX_NESTING },
                Severity::Error,
            ));
        }
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
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                events.push(Event::Html(callout_open(kind, lang).into()));
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => {
                events.push(Event::Html("</aside>\n".into()));
            }
            Event::Start(Tag::Item) => {
                open_items.push(events.len());
                events.push(event);
            }
            Event::TaskListMarker(checked) => {
                // The checkbox is named by its item's text (axe rule `label`): the item gets an
                // id and the checkbox points at it.
                tasks += 1;
                let mut id = format!("task-{tasks}");
                let mut n = 2;
                while !used_ids.insert(id.clone()) {
                    id = format!("task-{tasks}-{n}");
                    n += 1;
                }
                if let Some(&item) = open_items.last() {
                    events[item] = Event::Html(format!("<li id=\"{id}\">").into());
                }
                let checked = if checked { " checked=\"\"" } else { "" };
                events.push(Event::InlineHtml(
                    format!("<input type=\"checkbox\"{checked} aria-labelledby=\"{id}\">").into(),
                ));
            }
            Event::End(
                TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell | TagEnd::CodeBlock,
            ) => {
                if matches!(event, Event::End(TagEnd::Item)) {
                    open_items.pop();
                }
                out.text.push('\n');
                events.push(event);
            }
            other => events.push(other),
        }
    }

    let mut html = String::with_capacity(body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    let (html, cut) = sanitize_bounded(&html);
    out.html = std::sync::Mutex::new(html);
    if cut && !too_deep_reported {
        // Deep nesting the event count missed (e.g. hundreds of nested emphases).
        out.problems.push((
            body_line,
            1,
            Problem::NestingTooDeep { max: MAX_NESTING },
            Severity::Error,
        ));
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::links::has_scheme;

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
            Lang::Fr,
            &NoLinks,
        );
        assert!(r.html().contains("<h2 id=\"deroule\">"), "{}", r.html());
        assert!(r.html().contains("<h2 id=\"deroule-2\">"));
        assert_eq!(r.toc.len(), 2);
    }

    #[test]
    fn scripts_and_handlers_are_removed() {
        let r = render(
            "<script>alert(1)</script>\n\n<img src=\"https://evil.example/x.png\" onerror=\"alert(1)\">\n\n[x](javascript:alert(1))\n",
            1,
            "content/kits/x.md",
            Lang::Fr,
            &NoLinks,
        );
        assert!(!r.html().contains("script"), "{}", r.html());
        assert!(!r.html().contains("onerror"));
        assert!(!r.html().contains("evil.example"));
        assert!(!r.html().to_lowercase().contains("javascript:"));
    }

    #[test]
    fn deep_nesting_is_an_error_at_its_line_and_stays_fast() {
        for body in [
            format!("intro\n\n{}fond\n", "> ".repeat(10_000)),
            format!("intro\n\n{}fond\n", "- ".repeat(10_000)),
            format!("intro\n\n{}fond\n", "<div>".repeat(10_000)),
            format!("intro\n\n{}fond\n", "<ul><li>".repeat(10_000)),
        ] {
            let start = std::time::Instant::now();
            let r = render(&body, 10, "content/kits/x.md", Lang::Fr, &NoLinks);
            assert!(start.elapsed().as_secs() < 20, "{:?}", start.elapsed());
            let deep: Vec<_> = r
                .problems
                .iter()
                .filter(|p| p.2 == Problem::NestingTooDeep { max: MAX_NESTING })
                .collect();
            assert_eq!(deep.len(), 1, "one error per body: {:?}", r.problems);
            assert_eq!(deep[0].0, 12, "on the line of the nesting");
            assert_eq!(deep[0].3, Severity::Error);
            assert!(r.html().contains("fond"), "the text is kept");
        }
    }

    #[test]
    fn task_checkboxes_are_named_by_their_item_and_code_blocks_take_focus() {
        let r = render(
            "## Task 1\n\n- [ ] projecteur\n- [x] ordinateurs\n\n```\ncode\n```\n",
            1,
            "content/kits/x.md",
            Lang::Fr,
            &NoLinks,
        );
        assert!(
            r.html().contains("<li id=\"task-1-2\"><input disabled=\"\" type=\"checkbox\" aria-labelledby=\"task-1-2\">"),
            "{}",
            r.html()
        );
        assert!(
            r.html()
                .contains("checked=\"\" aria-labelledby=\"task-2\">"),
            "{}",
            r.html()
        );
        assert!(
            r.html().contains("<pre tabindex=\"0\"><code>"),
            "{}",
            r.html()
        );
    }

    #[test]
    fn callouts_are_titled_boxes_and_raw_html_cannot_make_them_more() {
        let body = "> [!TIP]\n> Une **astuce**.\n\n> [!CAUTION]\n> Prudence.\n\n> Citation.\n";
        let fr = render(body, 1, "content/kits/x.md", Lang::Fr, &NoLinks).html();
        assert!(
            fr.contains("<aside class=\"callout callout-tip\" role=\"note\" aria-label=\"Astuce\">\n<p class=\"callout-title\">Astuce</p>\n<p>Une <strong>astuce</strong>.</p>\n</aside>"),
            "{fr}"
        );
        assert!(fr.contains("aria-label=\"Prudence\""), "{fr}");
        assert!(
            fr.contains("<blockquote>\n<p>Citation.</p>\n</blockquote>"),
            "{fr}"
        );
        let en = render(body, 1, "content/kits/x.md", Lang::En, &NoLinks).html();
        assert!(en.contains("<p class=\"callout-title\">Tip</p>"), "{en}");
        assert!(
            en.contains("<p class=\"callout-title\">Caution</p>"),
            "{en}"
        );
        let raw = render(
            "<aside class=\"callout evil\" role=\"alertdialog\" style=\"position:fixed\" onclick=\"x()\" aria-label=\"a\"><p class=\"callout-title big\">t</p></aside>",
            1,
            "content/kits/x.md",
            Lang::Fr,
            &NoLinks,
        )
        .html();
        assert_eq!(
            raw,
            "<aside class=\"callout\" aria-label=\"a\"><p class=\"callout-title\">t</p></aside>"
        );
    }

    #[test]
    fn urls_are_read_as_a_browser_reads_them() {
        for external in [
            "https://evil.example/x.png",
            "//evil.example/x.png",
            "\\\\evil.example/x.png",
            "/\\evil.example/x.png",
            " //evil.example/x.png",
            "/\t/evil.example/x.png",
            "\nhttps://evil.example/x.png",
            "ht\ttps://evil.example/x.png",
        ] {
            assert!(is_external(external), "{external:?}");
        }
        for local in [
            "image.png",
            "/static/x.png",
            "../kit/image.png",
            "1https://x",
        ] {
            assert!(!is_external(local), "{local:?}");
        }
        let r = render(
            "<img src=\"\\\\evil.example/a.png\" alt=\"a\"><img src=\"/&#9;/evil.example/b.png\" alt=\"b\">",
            1,
            "content/kits/x.md",
            Lang::Fr,
            &NoLinks,
        );
        assert!(!r.html().contains("evil"), "{}", r.html());
    }

    #[test]
    fn schemes() {
        assert!(has_scheme("https://x"));
        assert!(has_scheme("JavaScript:alert(1)"));
        assert!(!has_scheme("../kit.md"));
        assert!(!has_scheme("dossier/fichier:1.pdf"));
    }
}
