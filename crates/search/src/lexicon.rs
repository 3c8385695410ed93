//! The mediation lexicon on the search side: groups of words that name the same thing (French
//! words, with their English equivalents) and looser related terms.
//!
//! The content stage loads and validates the lexicon (the defaults, extended or replaced by an
//! instance's `vocabularies/lexicon.yaml`) and hands it here as a [`Lexicon`]. It is used twice,
//! so that the build, `mallette search` and the browser share one definition:
//!
//! - **at indexing**, [`DocMatcher`] finds the lexicon's phrases in each document (title,
//!   summary, headings, labels, body) and writes, in the document's `lex` field, one token per
//!   occurrence: `s<group>` when a word of the group occurs, `r<group>` when one of its related
//!   terms does. A kit writing *ordinateur* carries `s3`.
//! - **at query time**, the query's words are looked up in `lexicon.bin`, written beside the
//!   index files ([`write_file`]): a word of group 3 (*ordi*, *computer*) also searches `s3`
//!   (weight [`crate::query`]'s synonym weight) and `r3` (lower). So an English or colloquial
//!   word finds the French kit that never uses it, and counts less than a word typed as it is
//!   written in the kit.
//!
//! Phrases are compared as **keys**: their words folded, stop words left out, a final `s` or `x`
//! dropped, stemmed with the French stemmer (English words too: what matters is that both sides
//! are treated alike), so *mots de passe*, *mot de passe* and *mot-de-passe* are one key.
//!
//! ## `lexicon.bin`
//!
//! Read by the browser through the same chunked directory as the index, so its layout lets one
//! lookup read little: `MLEX` `u32 shards` `u32 offsets[shards + 1]` (little-endian, relative to
//! the end of the header), then the shards. A key lives in the shard of its **first** word's hash
//! ([`shard_of`]); a shard is UTF-8 lines `key\tgroup kind canonical|…`, e.g.
//! `mot pass\t12 s mot de passe|40 r gestionnaire de mots de passe`. A query reads the header
//! and one shard per word (about 1 KB: one or two 4 KB chunks).

// The writing side (document matching, the file's bytes) only runs in the native indexer; the
// browser build keeps only the reader and the keys.
#![cfg_attr(not(feature = "native"), allow(dead_code))]

use std::collections::{BTreeMap, HashMap};

use crate::analysis;

/// One group of the lexicon, as the content stage validated it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LexiconGroup {
    /// The group's words and phrases: French first (the first is the canonical one, shown in
    /// "matched through a synonym"), then English.
    pub terms: Vec<String>,
    /// Looser terms (broader, narrower, associated), searched at a lower weight.
    pub related: Vec<String>,
}

/// The whole lexicon.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lexicon {
    pub groups: Vec<LexiconGroup>,
}

impl Lexicon {
    /// Every phrase of every group, with the group's index and whether it is one of the group's
    /// words or one of its related terms.
    fn phrases(&self) -> impl Iterator<Item = (u32, &str, Kind)> {
        self.groups.iter().enumerate().flat_map(|(g, group)| {
            let g = g as u32;
            group
                .terms
                .iter()
                .map(move |t| (g, t.as_str(), Kind::Synonym))
                .chain(
                    group
                        .related
                        .iter()
                        .map(move |t| (g, t.as_str(), Kind::Related)),
                )
        })
    }
}

/// How a document or a query word relates to a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// One of the group's words.
    Synonym,
    /// One of the group's related terms.
    Related,
}

impl Kind {
    fn letter(self) -> char {
        match self {
            Kind::Synonym => 's',
            Kind::Related => 'r',
        }
    }

    /// The `lex` field token of group `group`.
    pub(crate) fn token(self, group: u32) -> String {
        format!("{}{group}", self.letter())
    }
}

/// Folds, drops stop words (unless nothing else is left) and stems with the French stemmer: the
/// key of a lexicon phrase, of a run of query words, of a run of document words.
pub(crate) struct Keys {
    folder: tantivy::tokenizer::TextAnalyzer,
    french: tantivy::tokenizer::TextAnalyzer,
    cache: HashMap<String, Option<String>>,
}

impl Keys {
    pub(crate) fn new() -> Keys {
        Keys {
            folder: analysis::folded_whole(),
            french: analysis::french_whole(),
            cache: HashMap::new(),
        }
    }

    /// The key word of a folded word: `None` for a stop word.
    pub(crate) fn word(&mut self, folded: &str) -> Option<String> {
        if let Some(k) = self.cache.get(folded) {
            return k.clone();
        }
        let key = if analysis::is_stop_word(folded) {
            None
        } else {
            // A plural's s (or x) goes before stemming: the French stemmer would leave
            // `browsers` and `browser`, or `smartphones` and `smartphone`, apart.
            let singular = match folded.strip_suffix(['s', 'x']) {
                Some(stem) if stem.len() >= 3 => stem,
                _ => folded,
            };
            analysis::stem_one(&mut self.french, singular)
        };
        if self.cache.len() < 200_000 {
            self.cache.insert(folded.to_string(), key.clone());
        }
        key
    }

    /// The key of a phrase (its key words joined by spaces), empty if it has none.
    pub(crate) fn phrase(&mut self, text: &str) -> Vec<String> {
        let words: Vec<String> = analysis::tokens(&mut self.folder, text)
            .into_iter()
            .map(|t| t.text)
            .collect();
        let keys: Vec<String> = words.iter().filter_map(|w| self.word(w)).collect();
        if keys.is_empty() {
            // Only stop words: keep them, stemmed (a group may name "la une").
            let mut french = analysis::french_whole();
            return words
                .iter()
                .filter_map(|w| analysis::stem_one(&mut french, w))
                .collect();
        }
        keys
    }
}

/// A phrase of the lexicon, as the ids of its key words (see [`DocMatcher`]).
#[derive(Debug, Clone)]
struct Phrase {
    keys: Box<[u32]>,
    group: u32,
    kind: Kind,
}

/// A folded document word that is a stop word (skipped, as [`Keys::word`] skips it).
const STOP: u32 = u32::MAX;
/// A document word whose key is in no phrase of the lexicon (it matches none, but it still
/// separates the words around it).
const OTHER: u32 = u32::MAX - 1;

/// Finds the lexicon's phrases in documents, for the `lex` field.
///
/// Every body of the site goes through here, so words are interned: each key word of a phrase
/// gets an id, each folded document word is mapped once to its key's id (or [`STOP`], [`OTHER`]),
/// and phrases are compared as slices of ids, without a string per word. (Comparing strings
/// cost a quarter of a 1,000-kit build's CPU time.)
pub(crate) struct DocMatcher {
    /// Id of a phrase key word → the phrases that start with it.
    by_first: Vec<Vec<Phrase>>,
    /// Phrase key word → its id.
    ids: HashMap<String, u32>,
    /// Folded document word → id of its key, [`STOP`] or [`OTHER`].
    seen: HashMap<String, u32>,
    folder: tantivy::tokenizer::TextAnalyzer,
    keys: Keys,
}

impl DocMatcher {
    pub(crate) fn new(lexicon: &Lexicon) -> DocMatcher {
        let mut keys = Keys::new();
        let mut ids: HashMap<String, u32> = HashMap::new();
        let mut by_first: Vec<Vec<Phrase>> = Vec::new();
        for (g, text, kind) in lexicon.phrases() {
            let phrase: Box<[u32]> = keys
                .phrase(text)
                .into_iter()
                .map(|k| {
                    let next = ids.len() as u32;
                    *ids.entry(k).or_insert(next)
                })
                .collect();
            let Some(&first) = phrase.first() else {
                continue;
            };
            if by_first.len() < ids.len() {
                by_first.resize_with(ids.len(), Vec::new);
            }
            let list = &mut by_first[first as usize];
            if !list
                .iter()
                .any(|p| p.keys == phrase && p.group == g && p.kind == kind)
            {
                list.push(Phrase {
                    keys: phrase,
                    group: g,
                    kind,
                });
            }
        }
        DocMatcher {
            by_first,
            ids,
            seen: HashMap::new(),
            folder: analysis::folded_whole(),
            keys,
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.by_first.iter().all(|p| p.is_empty())
    }

    /// The `lex` tokens of a document made of `texts`: one per occurrence of a phrase (a group's
    /// word or related term), `s`/`r` + group, space-separated. A phrase does not run across two
    /// texts.
    pub(crate) fn tokens(&mut self, texts: &[&str]) -> String {
        let mut counts: BTreeMap<(Kind, u32), u32> = BTreeMap::new();
        let mut words: Vec<u32> = Vec::new();
        for text in texts {
            words.clear();
            let mut stream = self.folder.token_stream(text);
            while tantivy::tokenizer::TokenStream::advance(&mut stream) {
                let folded = tantivy::tokenizer::TokenStream::token(&stream)
                    .text
                    .as_str();
                let id = match self.seen.get(folded) {
                    Some(&id) => id,
                    None => {
                        let id = match self.keys.word(folded) {
                            None => STOP,
                            Some(key) => self.ids.get(&key).copied().unwrap_or(OTHER),
                        };
                        if self.seen.len() < 200_000 {
                            self.seen.insert(folded.to_string(), id);
                        }
                        id
                    }
                };
                if id != STOP {
                    words.push(id);
                }
            }
            drop(stream);
            for i in 0..words.len() {
                let Some(phrases) = self.by_first.get(words[i] as usize) else {
                    continue;
                };
                for p in phrases {
                    if words[i..].starts_with(&p.keys) {
                        *counts.entry((p.kind, p.group)).or_default() += 1;
                    }
                }
            }
        }
        let mut out = String::new();
        for ((kind, group), n) in counts {
            // A word repeated a hundred times says no more than ten times: keep term
            // frequencies (hence the index) small.
            for _ in 0..n.min(10) {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(&kind.token(group));
            }
        }
        out
    }
}

/// One entry of `lexicon.bin`: a group a key belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    pub group: u32,
    pub kind: Kind,
    /// The group's first word (shown as "synonym of …").
    pub canonical: String,
}

/// Shard of a key's first word: FNV-1a, modulo the number of shards.
pub(crate) fn shard_of(first_word: &str, shards: u32) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in first_word.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h % shards.max(1)
}

/// Name of the lexicon file beside the index files.
pub const LEXICON_FILE: &str = "lexicon.bin";
const MAGIC: &[u8; 4] = b"MLEX";
/// Aimed bytes per shard.
const SHARD_BYTES: usize = 1024;

/// The bytes of `lexicon.bin` for `lexicon` (see the module doc); deterministic.
pub(crate) fn file_bytes(lexicon: &Lexicon) -> Vec<u8> {
    let mut keys = Keys::new();
    // key → entries, sorted for determinism.
    let mut table: BTreeMap<String, Vec<(u32, Kind)>> = BTreeMap::new();
    for (g, text, kind) in lexicon.phrases() {
        let key = keys.phrase(text).join(" ");
        if key.is_empty() {
            continue;
        }
        let list = table.entry(key).or_default();
        if !list.contains(&(g, kind)) {
            list.push((g, kind));
        }
    }
    let canonical = |g: u32| -> String {
        lexicon.groups[g as usize]
            .terms
            .first()
            .cloned()
            .unwrap_or_default()
            .replace(['\t', '\n', '|'], " ")
    };
    let lines: Vec<(String, String)> = table
        .into_iter()
        .map(|(key, mut entries)| {
            entries.sort();
            let body: Vec<String> = entries
                .iter()
                .map(|&(g, kind)| format!("{g} {} {}", kind.letter(), canonical(g)))
                .collect();
            let first = key.split(' ').next().unwrap_or_default().to_string();
            (first, format!("{key}\t{}\n", body.join("|")))
        })
        .collect();
    let total: usize = lines.iter().map(|(_, l)| l.len()).sum();
    let shards = total.div_ceil(SHARD_BYTES).clamp(1, 4096) as u32;
    let mut per_shard = vec![String::new(); shards as usize];
    for (first, line) in &lines {
        per_shard[shard_of(first, shards) as usize].push_str(line);
    }
    let mut out = Vec::with_capacity(total + 8 + 4 * (shards as usize + 1));
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&shards.to_le_bytes());
    let mut offset = 0u32;
    out.extend_from_slice(&offset.to_le_bytes());
    for s in &per_shard {
        offset += s.len() as u32;
        out.extend_from_slice(&offset.to_le_bytes());
    }
    for s in &per_shard {
        out.extend_from_slice(s.as_bytes());
    }
    out
}

/// Reads `lexicon.bin` through any byte-range reader, one shard at a time, keeping what it read.
pub(crate) struct LexiconReader {
    shards: u32,
    offsets: Vec<u32>,
    data_start: usize,
    /// Shard → key → entries.
    loaded: HashMap<u32, HashMap<String, Vec<Entry>>>,
}

impl LexiconReader {
    /// From the file's header; `read(range)` gives bytes of the file.
    pub(crate) fn open(
        read: &mut dyn FnMut(std::ops::Range<usize>) -> std::io::Result<Vec<u8>>,
        len: usize,
    ) -> std::io::Result<LexiconReader> {
        let bad = || std::io::Error::new(std::io::ErrorKind::InvalidData, "bad lexicon.bin");
        if len < 8 {
            return Err(bad());
        }
        let head = read(0..8)?;
        if &head[..4] != MAGIC {
            return Err(bad());
        }
        let shards = u32::from_le_bytes(head[4..8].try_into().map_err(|_| bad())?);
        let table_end = 8 + 4 * (shards as usize + 1);
        if shards == 0 || table_end > len {
            return Err(bad());
        }
        let table = read(8..table_end)?;
        let offsets = table
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        Ok(LexiconReader {
            shards,
            offsets,
            data_start: table_end,
            loaded: HashMap::new(),
        })
    }

    /// The entries of every key starting with `first` (`key words → entries`).
    pub(crate) fn lookup(
        &mut self,
        first: &str,
        read: &mut dyn FnMut(std::ops::Range<usize>) -> std::io::Result<Vec<u8>>,
    ) -> std::io::Result<Vec<(Vec<String>, Vec<Entry>)>> {
        let shard = shard_of(first, self.shards);
        if !self.loaded.contains_key(&shard) {
            let from = self.data_start + self.offsets[shard as usize] as usize;
            let to = self.data_start + self.offsets[shard as usize + 1] as usize;
            let bytes = if to > from {
                read(from..to)?
            } else {
                Vec::new()
            };
            let text = String::from_utf8_lossy(&bytes);
            let mut map: HashMap<String, Vec<Entry>> = HashMap::new();
            for line in text.lines() {
                let Some((key, body)) = line.split_once('\t') else {
                    continue;
                };
                let entries = body
                    .split('|')
                    .filter_map(|e| {
                        let mut parts = e.splitn(3, ' ');
                        let group = parts.next()?.parse().ok()?;
                        let kind = match parts.next()? {
                            "s" => Kind::Synonym,
                            "r" => Kind::Related,
                            _ => return None,
                        };
                        Some(Entry {
                            group,
                            kind,
                            canonical: parts.next().unwrap_or_default().to_string(),
                        })
                    })
                    .collect();
                map.insert(key.to_string(), entries);
            }
            self.loaded.insert(shard, map);
        }
        let map = &self.loaded[&shard];
        let mut out: Vec<(Vec<String>, Vec<Entry>)> = map
            .iter()
            .filter(|(k, _)| k.split(' ').next() == Some(first))
            .map(|(k, e)| (k.split(' ').map(str::to_string).collect(), e.clone()))
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lexicon() -> Lexicon {
        Lexicon {
            groups: vec![
                LexiconGroup {
                    terms: vec!["mot de passe".into(), "mdp".into(), "password".into()],
                    related: vec!["gestionnaire de mots de passe".into()],
                },
                LexiconGroup {
                    terms: vec!["ordinateur".into(), "ordi".into(), "computer".into()],
                    related: vec![],
                },
            ],
        }
    }

    #[test]
    fn documents_carry_the_groups_they_name() {
        let mut m = DocMatcher::new(&lexicon());
        assert_eq!(
            m.tokens(&[
                "Les mots de passe",
                "sur l'ordinateur, un gestionnaire de mots de passe"
            ]),
            "s0 s0 s1 r0"
        );
        // A phrase does not run across texts.
        assert_eq!(m.tokens(&["mot", "de passe"]), "");
    }

    #[test]
    fn the_file_answers_lookups_by_first_word() {
        let bytes = file_bytes(&lexicon());
        let mut read = |r: std::ops::Range<usize>| Ok(bytes[r].to_vec());
        let mut reader = LexiconReader::open(&mut read, bytes.len()).unwrap();
        let mut keys = Keys::new();
        let first = keys.word("mots").unwrap();
        let found = reader.lookup(&first, &mut read).unwrap();
        let mot_pass: Vec<_> = found
            .iter()
            .find(|(k, _)| k.len() == 2)
            .map(|(_, e)| e.iter().map(|e| (e.group, e.kind)).collect())
            .unwrap();
        assert_eq!(mot_pass, vec![(0, Kind::Synonym)]);
        let computer = keys.word("computer").unwrap();
        let found = reader.lookup(&computer, &mut read).unwrap();
        assert_eq!(found[0].1[0].canonical, "ordinateur");
        assert!(reader.lookup("zzz", &mut read).unwrap().is_empty());
    }
}
