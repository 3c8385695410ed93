//! Resolving relative links of a body: to another kit's page, to a plain page, or to an
//! attachment inside `content/`.
//!
//! Paths are resolved *lexically* (no `canonicalize`, which would follow symlinks) and must stay
//! inside `content/`; the target must be a regular file found by the loader's walk (which skips
//! symlinks). So a link can neither read nor copy anything outside `content/`.

use std::collections::{BTreeSet, HashMap};

use crate::diagnostics::Problem;
use crate::model::Document;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    Link,
    Image,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Resolved {
    /// External URL, anchor, or anything left as written.
    Unchanged,
    /// Another document's page URL (fragment kept), with that document's path and the fragment.
    Page {
        url: String,
        document: String,
        fragment: Option<String>,
    },
    /// A file of `content/` to copy into the site, and its URL.
    Attachment {
        rel_path: String,
        url: String,
    },
    Problem(Problem),
}

pub trait LinkResolver: Sync {
    fn resolve(&self, from_rel_path: &str, dest: &str, kind: LinkKind) -> Resolved;
}

/// The site's map of source files to URLs.
pub struct SiteLinks {
    /// Base path of the site (`/` or `/wiki/`).
    pub base: String,
    /// `content/kits/x/index.md` → `kits/x/`
    pub documents: HashMap<String, String>,
    /// Every regular file of `content/`.
    pub files: BTreeSet<String>,
    /// Source files of documents left out of this build (drafts): never attachments.
    pub left_out: BTreeSet<String>,
}

impl SiteLinks {
    /// The map of `documents` (their source path → URL path) and of every file of `content/`.
    pub fn new<'a>(
        base: String,
        documents: impl Iterator<Item = &'a Document>,
        files: &BTreeSet<String>,
    ) -> SiteLinks {
        SiteLinks {
            base,
            documents: documents
                .map(|d| (d.rel_path.clone(), d.url_path.clone()))
                .collect(),
            files: files.clone(),
            left_out: BTreeSet::new(),
        }
    }
}

impl LinkResolver for SiteLinks {
    fn resolve(&self, from: &str, dest: &str, kind: LinkKind) -> Resolved {
        let dest = dest.trim();
        if dest.is_empty()
            || dest.starts_with('#')
            || dest.starts_with('?')
            || has_scheme(dest)
            || dest.starts_with("//")
        {
            return Resolved::Unchanged;
        }
        let (path_part, fragment) = match dest.find(['#', '?']) {
            Some(i) => (&dest[..i], &dest[i..]),
            None => (dest, ""),
        };
        let decoded = percent_decode(path_part);
        let Some(target) = join_lexically(from, &decoded) else {
            return Resolved::Problem(Problem::LinkLeavesContent {
                target: dest.to_string(),
            });
        };
        let target = target.trim_end_matches('/').to_string();
        let page = |document: &str, url: &str| Resolved::Page {
            url: format!("{}{url}{fragment}", self.base),
            document: document.to_string(),
            fragment: fragment.strip_prefix('#').map(str::to_string),
        };
        if let Some(url) = self.documents.get(&target) {
            if kind == LinkKind::Link {
                return page(&target, url);
            }
        }
        if self.files.contains(&target) && !self.left_out.contains(&target) {
            let url_path = target.strip_prefix("content/").unwrap_or(&target);
            return Resolved::Attachment {
                url: format!("{}{}", self.base, percent_encode_path(url_path)),
                rel_path: target,
            };
        }
        // A link to a kit folder (`../mots-de-passe/`) means its index.md.
        let index = format!("{target}/index.md");
        if let Some(url) = self.documents.get(&index) {
            return page(&index, url);
        }
        Resolved::Problem(Problem::LinkTargetMissing {
            target: dest.to_string(),
            suggestion: self.suggest(&target, dest),
        })
    }
}

impl SiteLinks {
    /// A likely intended target: a web address written without `https://`, or a file of the same
    /// folder with a close name.
    fn suggest(&self, target: &str, dest: &str) -> Option<String> {
        if let Some(rest) = dest
            .strip_prefix("https//")
            .or_else(|| dest.strip_prefix("http//"))
        {
            return Some(format!("https://{rest}"));
        }
        let first = dest.split('/').next().unwrap_or_default();
        let tld = first.rsplit('.').next().unwrap_or_default();
        let looks_like_domain = first.contains('.')
            && (2..=6).contains(&tld.len())
            && tld.chars().all(|c| c.is_ascii_lowercase())
            && ![
                "md", "pdf", "png", "jpg", "svg", "zip", "py", "txt", "odt", "csv", "html",
            ]
            .contains(&tld);
        if looks_like_domain {
            return Some(format!("https://{dest}"));
        }
        let (folder, name) = target.rsplit_once('/')?;
        let prefix = format!("{folder}/");
        let siblings: Vec<&str> = self
            .files
            .range(prefix.clone()..)
            .take_while(|f| f.starts_with(&prefix))
            .map(|f| &f[prefix.len()..])
            .filter(|f| !f.contains('/'))
            .collect();
        let close = crate::diagnostics::closest(name, siblings.iter().copied())?;
        let dest_folder = dest
            .rsplit_once('/')
            .map(|(d, _)| format!("{d}/"))
            .unwrap_or_default();
        Some(format!("{dest_folder}{close}"))
    }
}

/// Join `dest` to the folder of `from` (both `/`-separated, instance-relative). None when the
/// result leaves `content/`. A leading `/` means the root of `content/`.
pub fn join_lexically(from: &str, dest: &str) -> Option<String> {
    let mut parts: Vec<&str> = if dest.starts_with('/') {
        vec!["content"]
    } else {
        let mut p: Vec<&str> = from.split('/').collect();
        p.pop();
        p
    };
    for segment in dest.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop();
                if parts.is_empty() {
                    return None;
                }
            }
            s => parts.push(s),
        }
    }
    if parts.first() != Some(&"content")
        || parts.len() < 2
        || parts.iter().any(|p| p.contains('\\'))
    {
        return None;
    }
    Some(parts.join("/"))
}

/// `%C3%A9` → `é`; invalid escapes stay as written.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Some(v) = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Encode what must be encoded in a URL path (spaces, `#`, `?`, non-ASCII stays as UTF-8 bytes).
pub fn percent_encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexical_join_stays_inside_content() {
        assert_eq!(
            join_lexically("content/kits/a/index.md", "../b.md").as_deref(),
            Some("content/kits/b.md")
        );
        assert_eq!(
            join_lexically("content/kits/a.md", "img/x.png").as_deref(),
            Some("content/kits/img/x.png")
        );
        assert_eq!(
            join_lexically("content/kits/a.md", "../../mallette.toml"),
            None
        );
        assert_eq!(
            join_lexically("content/kits/a.md", "../../../etc/passwd"),
            None
        );
        assert_eq!(
            join_lexically("content/kits/a.md", "/kits/b.md").as_deref(),
            Some("content/kits/b.md")
        );
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("fiche%20m%C3%A9mo.pdf"), "fiche mémo.pdf");
        assert_eq!(percent_decode("100%"), "100%");
    }
}
