//! The sanitiser every body's HTML goes through (ammonia), and the bound on nesting that keeps
//! html5ever's work linear on hostile input.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::links::is_external;

/// The classes of a callout box (`<aside>`), as `mod.rs` writes them.
const CALLOUT_CLASSES: [&str; 6] = [
    "callout",
    "callout-note",
    "callout-tip",
    "callout-important",
    "callout-warning",
    "callout-caution",
];

/// Open elements beyond which [`sanitize`] leaves start tags out before html5ever parses them.
pub const MAX_HTML_DEPTH: usize = 256;

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
            // Callouts (`> [!TIP]`, mod.rs): the box, its kind and its title. Raw HTML may write
            // the same box, never anything more (no other class, no other role, no style).
            .add_tag_attributes("aside", ["role", "aria-label"])
            .add_allowed_classes("aside", CALLOUT_CLASSES)
            .add_allowed_classes("p", ["callout-title"])
            .url_schemes(["http", "https", "mailto", "tel"].into_iter().collect())
            .attribute_filter(|element, attribute, value| {
                // Only checkboxes survive as inputs (Markdown task lists), always disabled.
                if element == "input" && attribute == "type" && value != "checkbox" {
                    return None;
                }
                // A box is a note, nothing a screen reader would announce as a control or alert.
                if element == "aside" && attribute == "role" && value != "note" {
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
pub(super) fn sanitize_bounded(html: &str) -> (String, bool) {
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
pub(super) struct Nesting {
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
    pub(super) fn depth(&self) -> usize {
        self.open.len()
    }

    /// Read `html`; start tags that would open more than `max` elements are left out of `out`
    /// (with their end tags), everything else is copied as is. Returns the offset in `html` of the
    /// first start tag that went beyond `max`.
    pub(super) fn feed(
        &mut self,
        html: &str,
        max: usize,
        mut out: Option<&mut String>,
    ) -> Option<usize> {
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
    use crate::links::{LinkKind, LinkResolver, Resolved};
    use crate::markdown::render;

    struct NoLinks;
    impl LinkResolver for NoLinks {
        fn resolve(&self, _from: &str, _dest: &str, _kind: LinkKind) -> Resolved {
            Resolved::Unchanged
        }
    }

    #[test]
    fn ordinary_nesting_passes_untouched() {
        let body = "- a\n  - b\n    - c\n\n> q\n> > r\n\n<div><p>x<p>y</div>\n\n<table><tr><td>1<tr><td>2</table>\n";
        let r = render(
            body,
            1,
            "content/kits/x.md",
            crate::i18n::Lang::Fr,
            &NoLinks,
        );
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
}
