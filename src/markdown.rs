//! Markdown → safe HTML, with links between kits and attachments resolved.
//!
//! One pass over pulldown-cmark's events does four jobs: give headings stable ids (for the table of
//! contents and `#anchors`), rewrite relative links and images (another kit's `.md` becomes its
//! page URL, a file becomes an attachment URL; see [`crate::links`]), collect the plain text for
//! the search index, and record problems with their line and column. The HTML that
//! pulldown-cmark writes (raw HTML included) then goes through ammonia, so that no script, event
//! handler, `javascript:` URL, iframe, style or resource from another origin reaches the site.
//!
//! Nesting is bounded: html5ever (inside ammonia) takes time quadratic in the depth of the
//! document, so 10,000 nested lists would take minutes. A body nested deeper than
//! [`MAX_NESTING`] elements is an error, and [`sanitize`] never hands html5ever more than
//! [`MAX_HTML_DEPTH`] open elements (deeper start tags are left out, their content kept).

use std::collections::{HashMap, HashSet};
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

/// Open elements beyond which [`sanitize`] leaves start tags out before html5ever parses them.
pub const MAX_HTML_DEPTH: usize = 256;

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

/// `https://…`, `//host/…`: a resource on another origin. The URL is read as a browser reads it
/// (WHATWG URL parsing): leading and trailing spaces and control characters dropped, tabs and
/// newlines removed anywhere, `\` taken for `/`; so `\\host/x`, `/\host/x`, ` //host/x` and
/// `ht<tab>tps://host/x` are all external.
pub fn is_external(url: &str) -> bool {
    let cleaned: String = url
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .map(|c| if c == '\\' { '/' } else { c })
        .collect();
    cleaned.starts_with("//") || has_scheme(&cleaned)
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
            .add_tag_attributes("input", ["type", "checked", "disabled", "aria-labelledby"])
            .add_tag_attributes("li", ["id"])
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
    sanitize_bounded(html).0
}

/// [`sanitize`], and whether the HTML nested deeper than [`MAX_HTML_DEPTH`] (tags were left out).
fn sanitize_bounded(html: &str) -> (String, bool) {
    let mut bounded = String::with_capacity(html.len());
    let cut = Nesting::default()
        .feed(html, MAX_HTML_DEPTH, Some(&mut bounded))
        .is_some();
    let cleaned = sanitizer().clean(&bounded).to_string();
    // Task-list checkboxes are display only; a code block that scrolls sideways can be scrolled
    // from the keyboard (axe rule `scrollable-region-focusable`).
    let cleaned = cleaned
        .replace(
            "<input type=\"checkbox\"",
            "<input disabled=\"\" type=\"checkbox\"",
        )
        .replace("<pre>", "<pre tabindex=\"0\">");
    (cleaned, cut)
}

/// Open elements of an HTML text read piece by piece, as a browser would count them roughly: void
/// elements never open, a `<p>`, `<li>`, `<td>`… closes its open sibling, an end tag closes up to
/// its element, the content of `<script>`, `<style>`… is text. Only a bound, not a parser.
#[derive(Default)]
struct Nesting {
    open: Vec<String>,
    /// Start tags left out because they were too deep, by name: their end tags go too.
    dropped: HashMap<String, usize>,
    /// Inside a raw-text element until its end tag.
    raw_text: Option<String>,
}

const VOID_ELEMENTS: [&str; 15] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta", "param",
    "source", "track", "wbr",
];
const RAW_TEXT_ELEMENTS: [&str; 9] = [
    "script",
    "style",
    "textarea",
    "title",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "plaintext",
];
/// Phrasing elements a closing sibling looks through (`<p><b>x<p>` closes the first `<p>`).
const PHRASING: [&str; 18] = [
    "a", "abbr", "b", "cite", "code", "em", "font", "i", "kbd", "mark", "q", "s", "samp", "small",
    "span", "strong", "sub", "sup",
];

/// For a start tag that closes an open sibling (`<li>` closes the previous `<li>`): the names
/// it closes, and whether it looks through anything but a table (`<tr>`, `<td>`) or only through
/// phrasing elements and `extra`.
fn sibling_rule(name: &str) -> Option<(&'static [&'static str], Option<&'static [&'static str]>)> {
    const BLOCKS: &[&str] = &["address", "div", "p"];
    Some(match name {
        "p" => (&["p"], Some(&[])),
        "li" => (&["li"], Some(BLOCKS)),
        "dt" | "dd" => (&["dt", "dd"], Some(BLOCKS)),
        "option" => (&["option"], Some(&[])),
        "rt" | "rp" => (&["rt", "rp"], Some(&[])),
        "tr" => (&["tr"], None),
        "td" | "th" => (&["td", "th"], None),
        "thead" | "tbody" | "tfoot" => (&["thead", "tbody", "tfoot"], None),
        _ => return None,
    })
}

impl Nesting {
    fn depth(&self) -> usize {
        self.open.len()
    }

    /// Read `html`; start tags that would open more than `max` elements are left out of `out`
    /// (with their end tags), everything else is copied as is. Returns the offset in `html` of the
    /// first start tag that went beyond `max`.
    fn feed(&mut self, html: &str, max: usize, mut out: Option<&mut String>) -> Option<usize> {
        let bytes = html.as_bytes();
        let mut first_too_deep = None;
        let mut copied = 0;
        let mut i = 0;
        while i < bytes.len() {
            if let Some(name) = &self.raw_text {
                // Skip to `</name` (any letter case).
                let end = find_end_tag(html, i, name);
                match end {
                    Some(at) => {
                        self.raw_text = None;
                        i = at;
                        continue;
                    }
                    None => break,
                }
            }
            let Some(lt) = html[i..].find('<').map(|p| i + p) else {
                break;
            };
            let rest = &bytes[lt + 1..];
            if rest.starts_with(b"!--") {
                i = comment_end(html, lt + 4);
                continue;
            }
            let is_end = rest.first() == Some(&b'/');
            let name_start = lt + 1 + usize::from(is_end);
            let is_tag = bytes
                .get(name_start)
                .is_some_and(|b| b.is_ascii_alphabetic());
            if !is_tag {
                if matches!(rest.first(), Some(b'!' | b'?')) {
                    i = html[lt..].find('>').map_or(bytes.len(), |p| lt + p + 1);
                } else {
                    i = lt + 1;
                }
                continue;
            }
            let name_end = html[name_start..]
                .find(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>')
                .map_or(bytes.len(), |p| name_start + p);
            let name = html[name_start..name_end].to_ascii_lowercase();
            let tag_end = tag_end(bytes, name_end);
            let self_closing = tag_end >= 2 && bytes[tag_end - 2] == b'/';
            let keep = if first_too_deep.is_some() && out.is_some() {
                // Past the first tag that went too deep, the document is pathological (and an
                // error): every further tag is left out, its text kept, so that html5ever's work
                // stays linear (it rescans the open elements for each tag).
                false
            } else if is_end {
                self.end_tag(&name)
            } else {
                let keep = self.start_tag(&name, self_closing, max);
                if !keep && first_too_deep.is_none() {
                    first_too_deep = Some(lt);
                }
                keep
            };
            if !keep {
                if let Some(out) = out.as_deref_mut() {
                    out.push_str(&html[copied..lt]);
                    copied = tag_end;
                }
            }
            i = tag_end;
        }
        if let Some(out) = out {
            out.push_str(&html[copied..]);
        }
        first_too_deep
    }

    fn start_tag(&mut self, name: &str, self_closing: bool, max: usize) -> bool {
        if VOID_ELEMENTS.contains(&name) || self_closing {
            return true;
        }
        if let Some((group, through)) = sibling_rule(name) {
            // An open sibling (`<tr><td>` then `<tr>`) is closed with what it holds.
            for at in (0..self.open.len()).rev() {
                let open = self.open[at].as_str();
                if group.contains(&open) {
                    self.open.truncate(at);
                    break;
                }
                let passes = match through {
                    None => open != "table",
                    Some(extra) => PHRASING.contains(&open) || extra.contains(&open),
                };
                if !passes {
                    break;
                }
            }
        }
        if self.open.len() >= max {
            *self.dropped.entry(name.to_string()).or_default() += 1;
            return false;
        }
        if RAW_TEXT_ELEMENTS.contains(&name) {
            self.raw_text = Some(name.to_string());
            return true;
        }
        self.open.push(name.to_string());
        true
    }

    fn end_tag(&mut self, name: &str) -> bool {
        if let Some(count) = self.dropped.get_mut(name).filter(|c| **c > 0) {
            *count -= 1;
            return false;
        }
        if let Some(at) = self.open.iter().rposition(|open| open == name) {
            self.open.truncate(at);
        }
        true
    }
}

/// Offset just after a comment whose `<!--` ends at `from`, as the HTML tokenizer ends it: `<!-->`
/// and `<!--->` are whole (empty) comments, otherwise the first `-->` or `--!>` ends it.
fn comment_end(html: &str, from: usize) -> usize {
    let rest = &html[from..];
    if rest.starts_with('>') {
        return from + 1;
    }
    if rest.starts_with("->") {
        return from + 2;
    }
    let close = rest.find("-->").map(|p| p + 3);
    let bang = rest.find("--!>").map(|p| p + 4);
    match (close, bang) {
        (Some(a), Some(b)) => from + a.min(b),
        (Some(a), None) | (None, Some(a)) => from + a,
        (None, None) => html.len(),
    }
}

/// Offset of the `<` of the first `</name` at or after `from`, ignoring letter case.
fn find_end_tag(html: &str, from: usize, name: &str) -> Option<usize> {
    let bytes = html.as_bytes();
    let mut i = from;
    while let Some(p) = html[i..].find("</") {
        let at = i + p;
        let candidate = &bytes[at + 2..];
        if candidate.len() >= name.len()
            && candidate[..name.len()].eq_ignore_ascii_case(name.as_bytes())
        {
            return Some(at);
        }
        i = at + 2;
    }
    None
}

/// Offset just after the `>` closing a tag whose name ends at `from`. As in the HTML tokenizer, a
/// quote opens a quoted value only right after `=`: `<p title=l'x>` ends at its `>`.
fn tag_end(bytes: &[u8], from: usize) -> usize {
    let mut k = from;
    while k < bytes.len() {
        match bytes[k] {
            b'>' => return k + 1,
            b'=' => {
                k += 1;
                while k < bytes.len() && bytes[k].is_ascii_whitespace() {
                    k += 1;
                }
                if let Some(&quote) = bytes.get(k).filter(|b| **b == b'"' || **b == b'\'') {
                    match bytes[k + 1..].iter().position(|&b| b == quote) {
                        Some(p) => k += p + 2,
                        None => return bytes.len(),
                    }
                }
            }
            _ => k += 1,
        }
    }
    bytes.len()
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
            let r = render(&body, 10, "content/kits/x.md", &NoLinks);
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
    fn ordinary_nesting_passes_untouched() {
        let body = "- a\n  - b\n    - c\n\n> q\n> > r\n\n<div><p>x<p>y</div>\n\n<table><tr><td>1<tr><td>2</table>\n";
        let r = render(body, 1, "content/kits/x.md", &NoLinks);
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        let mut unchanged = String::new();
        let deep = "<ul><li>".repeat(120);
        let first = Nesting::default().feed(&deep, MAX_HTML_DEPTH, Some(&mut unchanged));
        assert_eq!(first, None);
        assert_eq!(unchanged, deep, "under the bound nothing is left out");
        let mut bounded = String::new();
        let deeper = format!("{}<b>x</b>{}", "<div>".repeat(300), "</div>".repeat(300));
        assert_eq!(
            Nesting::default().feed(&deeper, MAX_HTML_DEPTH, Some(&mut bounded)),
            Some(MAX_HTML_DEPTH * 5)
        );
        // Past the first tag too deep, every tag is left out (text kept).
        assert_eq!(bounded, format!("{}x", "<div>".repeat(256)));
        // `<!-->` is a whole comment: the `<div>`s after it count.
        let mut n = Nesting::default();
        n.feed("<!--><div><div><!---><div><!-- a --!><div>", 10, None);
        assert_eq!(n.depth(), 4);
        // A quote is only a quote right after `=`.
        let mut n = Nesting::default();
        n.feed("<p title=l'x><b>y</b><p>z", 10, None);
        assert_eq!(n.depth(), 1);
        // Tags inside a script or a comment are text.
        let mut n = Nesting::default();
        n.feed(
            "<script>if (a<b) { x = '<div><div>' }</script><!-- <div> -->",
            1,
            None,
        );
        assert_eq!(n.depth(), 0);
    }

    #[test]
    fn task_checkboxes_are_named_by_their_item_and_code_blocks_take_focus() {
        let r = render(
            "## Task 1\n\n- [ ] projecteur\n- [x] ordinateurs\n\n```\ncode\n```\n",
            1,
            "content/kits/x.md",
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
