//! Snippets: a short window of a result's stored body excerpt, HTML-escaped, with the words that
//! match the query wrapped in `<mark>`.
//!
//! Kept cheap on purpose (snippet generation dominates query time when whole bodies are
//! re-tokenised): only the stored excerpt (the first [`crate::schema::EXCERPT_BYTES`] of the body)
//! is scanned once with the folded analyzer (a token is stemmed with the document language's
//! stemmer only when it starts like a query stem), and a token is marked when
//! - its stem equals the query word's stem (`navigateurs` marks `navigateur`), or
//! - its folded form equals the query word's folded form (`donnees` marks `données`), or
//! - it is one of the typo corrections the query chose for the word (`thunderbrid` marks
//!   `Thunderbird`), or has the stem of one of the most frequent of them, or
//! - the query word is the unfinished last word and the token starts with it.
//!
//! The window ([`WINDOW_BYTES`]) is the one holding the most distinct query words, then the most
//! matches, then the earliest; it starts a little before its first match, on a word boundary.
//! Whitespace runs (newlines of the plain-text body) are collapsed to one space.

use crate::analysis::{self, Family};
use crate::query::QTerm;

/// Approximate snippet length in bytes.
pub(crate) const WINDOW_BYTES: usize = 200;
/// Context kept before the window's first match, in bytes.
const LEAD_BYTES: usize = 50;
/// Matches considered (the excerpt is small; this bounds the window search).
const MAX_MATCHES: usize = 256;

/// Builds the snippet HTML of `text` for the query words `terms`.
pub(crate) fn snippet_html(text: &str, family: Family, terms: &[QTerm]) -> String {
    if text.trim().is_empty() {
        return String::new();
    }
    let matches = find_matches(text, family, terms);
    let (start, end) = window(text, &matches);
    let mut out = String::with_capacity(WINDOW_BYTES * 2);
    if !text[..start].trim().is_empty() {
        out.push('…');
    }
    let mut pos = start;
    for m in matches.iter().filter(|m| m.from >= start && m.to <= end) {
        escape_into(&mut out, &text[pos..m.from]);
        out.push_str("<mark>");
        escape_into(&mut out, &text[m.from..m.to]);
        out.push_str("</mark>");
        pos = m.to;
    }
    escape_into(&mut out, &text[pos..end]);
    let trimmed_len = out.trim_end().len();
    out.truncate(trimmed_len);
    if end < text.len() {
        out.push('…');
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Match {
    from: usize,
    to: usize,
    term: usize,
}

fn find_matches(text: &str, family: Family, terms: &[QTerm]) -> Vec<Match> {
    if terms.is_empty() {
        return Vec::new();
    }
    let mut stemmer = match family {
        Family::French => Some(analysis::french()),
        Family::English => Some(analysis::english()),
        Family::Other => None,
    };
    // Per query word: its stem and the stems of its typo corrections, in the document's language.
    let query_stems: Vec<Vec<&str>> = terms
        .iter()
        .map(|t| {
            let (own, variants) = match family {
                Family::French => (t.fr.as_deref(), &t.variant_fr),
                Family::English => (t.en.as_deref(), &t.variant_en),
                Family::Other => (None, &t.variant_fr),
            };
            if family == Family::Other {
                return Vec::new();
            }
            own.into_iter()
                .chain(variants.iter().map(String::as_str))
                .collect()
        })
        .collect();

    let mut out: Vec<Match> = Vec::new();
    for tok in analysis::tokens(&mut analysis::folded(), text) {
        // The parts of a glued compound share its offsets: one mark per span.
        if out.last().is_some_and(|m| tok.from < m.to) {
            continue;
        }
        // Stemming is the expensive part: only stem a token that could match a query stem
        // (stemmers rewrite endings, so a matching token starts like the stem).
        let mut stem: Option<Option<String>> = None;
        let mut stem_matches = |query_stem: &str| {
            let head = query_stem
                .char_indices()
                .nth(2)
                .map_or(query_stem, |(i, _)| &query_stem[..i]);
            if !tok.text.starts_with(head) {
                return false;
            }
            let Some(an) = stemmer.as_mut() else {
                return false;
            };
            let s = stem.get_or_insert_with(|| analysis::stem_one(an, &tok.text));
            s.as_deref() == Some(query_stem)
        };
        let hit = terms.iter().zip(&query_stems).position(|(t, qs)| {
            tok.text == t.folded
                || (t.prefix && tok.text.starts_with(&t.folded))
                || qs.iter().any(|q| stem_matches(q))
                || t.variants.contains(&tok.text)
        });
        if let Some(term) = hit {
            out.push(Match {
                from: tok.from,
                to: tok.to,
                term,
            });
            if out.len() == MAX_MATCHES {
                break;
            }
        }
    }
    out
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The byte range shown: see the module doc.
fn window(text: &str, matches: &[Match]) -> (usize, usize) {
    let mut best: Option<(usize, usize, usize)> = None; // (distinct, count, first match index)
    for (i, first) in matches.iter().enumerate() {
        let limit = first.from + WINDOW_BYTES - LEAD_BYTES.min(first.from);
        let inside: Vec<&Match> = matches[i..].iter().take_while(|m| m.to <= limit).collect();
        let mut distinct: Vec<usize> = inside.iter().map(|m| m.term).collect();
        distinct.sort_unstable();
        distinct.dedup();
        let candidate = (distinct.len(), inside.len(), i);
        let better = match best {
            None => true,
            Some((d, c, _)) => (candidate.0, candidate.1) > (d, c),
        };
        if better {
            best = Some(candidate);
        }
    }
    let mut start = match best {
        None => 0,
        Some((_, _, i)) => {
            let first = matches[i].from;
            let lead_start = floor_boundary(text, first.saturating_sub(LEAD_BYTES));
            // Begin on a word: after the first whitespace of the lead, if any.
            match text[lead_start..first].find(char::is_whitespace) {
                Some(ws) if lead_start > 0 => lead_start + ws,
                _ => lead_start,
            }
        }
    };
    // Skip leading whitespace.
    start += text[start..].len() - text[start..].trim_start().len();
    let mut end = floor_boundary(text, start + WINDOW_BYTES);
    if end < text.len() {
        // End on a word boundary, never before the window's last match.
        let last_match_end = matches
            .iter()
            .filter(|m| m.from >= start && m.to <= end)
            .map(|m| m.to)
            .max()
            .unwrap_or(start);
        if let Some(ws) = text[last_match_end..end].rfind(char::is_whitespace) {
            end = last_match_end + ws;
        }
    }
    (start, end)
}

/// Appends `s` HTML-escaped, whitespace runs collapsed to one space.
fn escape_into(out: &mut String, s: &str) {
    let mut in_space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            if !in_space {
                out.push(' ');
            }
            in_space = true;
            continue;
        }
        in_space = false;
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::{osa_distance, parse};
    fn parse_text(q: &str) -> Vec<crate::query::QTerm> {
        parse(q).terms
    }

    fn snip(text: &str, q: &str) -> String {
        snippet_html(text, Family::French, &parse_text(q))
    }

    /// As if the index had offered these typo corrections.
    fn snip_typos(text: &str, q: &str, corrections: &[&str]) -> String {
        let mut terms = parse_text(q);
        for t in &mut terms {
            for c in corrections {
                if osa_distance(c, &t.folded, t.fuzzy as usize).is_some() {
                    t.variants.push(c.to_string());
                }
            }
        }
        snippet_html(text, Family::French, &terms)
    }

    #[test]
    fn marks_stems_folds_and_typos() {
        assert_eq!(
            snip_typos(
                "Les navigateurs <web> & Thunderbird.",
                "navigateur thunderbrid ",
                &["thunderbird"]
            ),
            "Les <mark>navigateurs</mark> &lt;web&gt; &amp; <mark>Thunderbird</mark>."
        );
        assert_eq!(
            snip("Protéger ses données", "donnees "),
            "Protéger ses <mark>données</mark>"
        );
        assert_eq!(
            snip_typos("Un mot de passe, pas plus", "mot de pase ", &["passe"]),
            "Un <mark>mot</mark> de <mark>passe</mark>, pas plus"
        );
    }

    #[test]
    fn window_moves_to_the_matches() {
        let text = format!("{} Les cookies servent.\n\nFin", "blabla ".repeat(100));
        let s = snip_typos(&text, "cokies", &["cookies"]);
        assert!(s.starts_with('…'), "{s}");
        assert!(s.contains("<mark>cookies</mark> servent. Fin"), "{s}");
        assert!(s.len() < WINDOW_BYTES + 40, "{s}");
    }

    #[test]
    fn no_match_shows_the_start() {
        let text = "mot ".repeat(200);
        let s = snip(&text, "");
        assert!(s.starts_with("mot mot"));
        assert!(s.ends_with('…'));
        assert_eq!(snip("", "x"), "");
        // Leading whitespace is no cut: no ellipsis.
        assert_eq!(snip("\n\nBonjour", "x"), "Bonjour");
    }
}
