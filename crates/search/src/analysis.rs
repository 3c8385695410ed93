//! Text analysis shared by the indexer, the query side and the snippet builder.
//!
//! Three analyzers are registered on every [`tantivy::Index`] under fixed names (the names are
//! written into the index's schema, so the browser module must register the very same
//! analyzers before it searches — [`register_analyzers`] does it, and both
//! [`crate::write_index`] and the `open_*` functions call it):
//!
//! | name | chain | used by |
//! |---|---|---|
//! | [`FR`] `mallette_fr` | SimpleTokenizer → RemoveLong(40) → LowerCaser → AsciiFolding → French stemmer | `title_fr`, `summary_fr`, `body_fr` |
//! | [`EN`] `mallette_en` | SimpleTokenizer → RemoveLong(40) → LowerCaser → AsciiFolding → English stemmer | `title_en`, `summary_en`, `body_en` |
//! | [`FOLDED`] `mallette_folded` | SimpleTokenizer → RemoveLong(40) → LowerCaser → AsciiFolding | `title_raw`, `text_raw` (typo tolerance, prefixes) |
//! | [`LEX`] `mallette_lex` | whitespace | `lex`: the lexicon groups a document names (`s12 r40`) |
//!
//! The three text chains also split **glued compounds** after folding ([`CompoundSplit`]): a
//! word starting with one of a few productive prefixes (`cyber`, `anti`, `auto`, `visio`…) and
//! at least four more letters yields the word, then the prefix and the rest
//! (`cyberharcelement` → `cyberharcelement`, `cyber`, `harcelement`), so that a kit writing
//! *cyberharcèlement* and a query typing *cyber-harcèlement* (split by the tokenizer) meet.
//! Hyphenated and elided forms (`e-mail`, `l'ordinateur`) are split by the tokenizer itself.
//!
//! Folding happens *before* stemming so that a query typed without accents (`donnees`) is
//! stemmed exactly like the accented text of the kit (`données`). The snowball stemmer is a little
//! less precise on unaccented input, but identical treatment on both sides is what matters.

use std::collections::HashMap;

use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer, Token,
    TokenFilter, TokenStream, Tokenizer, TokenizerManager, WhitespaceTokenizer,
};

/// French analyzer name (lower-case, accent folding, French snowball stemming).
pub const FR: &str = "mallette_fr";
/// English analyzer name (lower-case, accent folding, English snowball stemming).
pub const EN: &str = "mallette_en";
/// Folded, unstemmed analyzer name (lower-case and accent folding only).
pub const FOLDED: &str = "mallette_folded";
/// Analyzer of the `lex` field: its tokens are written by the indexer (`s12`, `r40`).
pub const LEX: &str = "mallette_lex";

/// Tokens longer than this (in bytes) are dropped: they are URLs fragments, hashes, base64…
const MAX_TOKEN_LEN: usize = 40;

/// The common chain: SimpleTokenizer → RemoveLong → LowerCaser → AsciiFolding.
macro_rules! base {
    () => {
        TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(MAX_TOKEN_LEN))
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .filter(CompoundSplit)
    };
}

/// The French analyzer (see the module doc).
pub fn french() -> TextAnalyzer {
    base!().filter(CachedStemmer::french()).build()
}

/// The English analyzer (see the module doc).
pub fn english() -> TextAnalyzer {
    base!().filter(CachedStemmer::english()).build()
}

/// The folded, unstemmed analyzer (see the module doc).
pub fn folded() -> TextAnalyzer {
    base!().build()
}

/// Folding without compound splitting: lexicon keys compare runs of words as written.
pub(crate) fn folded_whole() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_LEN))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// The French stemmer over one folded word, without compound splitting.
pub(crate) fn french_whole() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_LEN))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(CachedStemmer::french())
        .build()
}

/// Registers the three analyzers on a tokenizer manager, e.g. `index.tokenizers()`.
pub fn register_analyzers(manager: &TokenizerManager) {
    manager.register(FR, french());
    manager.register(EN, english());
    manager.register(FOLDED, folded());
    manager.register(
        LEX,
        TextAnalyzer::builder(WhitespaceTokenizer::default()).build(),
    );
}

/// Token filter: snowball stemming (the stemmers of tantivy's `Stemmer`, same output), with a
/// cache of the words already stemmed. The index writer keeps one analyzer per field for the
/// whole build, and a site says the same few thousand words over and over: without the cache,
/// stemming every token of every body was about a tenth of a build's CPU time.
#[derive(Clone)]
pub struct CachedStemmer {
    algorithm: frostem::Algorithm,
}

impl CachedStemmer {
    pub fn french() -> CachedStemmer {
        CachedStemmer {
            algorithm: frostem::Algorithm::French,
        }
    }

    pub fn english() -> CachedStemmer {
        CachedStemmer {
            algorithm: frostem::Algorithm::English,
        }
    }
}

/// Words kept by one analyzer's cache, at most (a few MB).
const STEM_CACHE_WORDS: usize = 100_000;

impl TokenFilter for CachedStemmer {
    type Tokenizer<T: Tokenizer> = CachedStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> CachedStemmerFilter<T> {
        CachedStemmerFilter {
            algorithm: self.algorithm,
            cache: HashMap::new(),
            inner: tokenizer,
        }
    }
}

#[derive(Clone)]
pub struct CachedStemmerFilter<T> {
    algorithm: frostem::Algorithm,
    cache: HashMap<String, String>,
    inner: T,
}

impl<T: Tokenizer> Tokenizer for CachedStemmerFilter<T> {
    type TokenStream<'a> = CachedStemmerStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        CachedStemmerStream {
            tail: self.inner.token_stream(text),
            stemmer: frostem::Stemmer::new(self.algorithm),
            cache: &mut self.cache,
        }
    }
}

pub struct CachedStemmerStream<'a, T> {
    tail: T,
    stemmer: frostem::Stemmer,
    cache: &'a mut HashMap<String, String>,
}

impl<T: TokenStream> TokenStream for CachedStemmerStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if let Some(stem) = self.cache.get(token.text.as_str()) {
            token.text.clear();
            token.text.push_str(stem);
            return true;
        }
        let stem = self.stemmer.stem(&token.text).into_owned();
        if self.cache.len() < STEM_CACHE_WORDS {
            self.cache
                .insert(std::mem::take(&mut token.text), stem.clone());
        }
        token.text = stem;
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// Prefixes after which a glued word is also split (see the module doc). Only prefixes that
/// mediators glue to whole words: `tele`, `inter`, `photo`… would cut `telephone`, `internet`.
const COMPOUND_PREFIXES: [&str; 10] = [
    "cyber", "anti", "auto", "visio", "crypto", "micro", "multi", "hyper", "mini", "web",
];
/// A compound is split only if what follows the prefix has at least this many letters.
const COMPOUND_MIN_REST: usize = 4;

/// The parts of a glued compound (`cyberharcelement` → `cyber`, `harcelement`), if it is one.
pub(crate) fn compound_parts(folded: &str) -> Option<(&str, &str)> {
    COMPOUND_PREFIXES.iter().find_map(|p| {
        let rest = folded.strip_prefix(p)?;
        (rest.len() >= COMPOUND_MIN_REST && rest.bytes().all(|b| b.is_ascii_lowercase()))
            .then_some((*p, rest))
    })
}

/// Token filter: after a glued compound, also emits its prefix and its rest (same offsets).
#[derive(Clone)]
pub struct CompoundSplit;

impl TokenFilter for CompoundSplit {
    type Tokenizer<T: Tokenizer> = CompoundSplitFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> CompoundSplitFilter<T> {
        CompoundSplitFilter { inner: tokenizer }
    }
}

#[derive(Clone)]
pub struct CompoundSplitFilter<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for CompoundSplitFilter<T> {
    type TokenStream<'a> = CompoundSplitStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        CompoundSplitStream {
            tail: self.inner.token_stream(text),
            parts: Vec::new(),
        }
    }
}

pub struct CompoundSplitStream<S> {
    tail: S,
    /// Parts still to emit, in reverse order; the last one is the current token.
    parts: Vec<Token>,
}

impl<S: TokenStream> TokenStream for CompoundSplitStream<S> {
    fn advance(&mut self) -> bool {
        self.parts.pop();
        if !self.parts.is_empty() {
            return true;
        }
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token();
        if let Some((prefix, rest)) = compound_parts(&token.text) {
            let part = |text: &str| Token {
                text: text.to_string(),
                ..token.clone()
            };
            // Emitted after the whole word (which `token()` shows while `parts` is empty):
            // pushed as [rest, prefix, whole] so that pops give whole, prefix, rest.
            self.parts = vec![part(rest), part(prefix), token.clone()];
        }
        true
    }

    fn token(&self) -> &Token {
        self.parts.last().unwrap_or_else(|| self.tail.token())
    }

    fn token_mut(&mut self) -> &mut Token {
        match self.parts.last_mut() {
            Some(t) => t,
            None => self.tail.token_mut(),
        }
    }
}

/// Which stemmed field family a document's language is indexed into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Family {
    French,
    English,
    /// Any other language: only the folded (unstemmed) fields are indexed.
    Other,
}

impl Family {
    pub(crate) fn of(language: &str) -> Family {
        let primary = language
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match primary.as_str() {
            "fr" | "" => Family::French,
            "en" => Family::English,
            _ => Family::Other,
        }
    }
}

/// A token with its byte offsets in the analysed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Tok {
    pub from: usize,
    pub to: usize,
    pub text: String,
}

/// Runs an analyzer over a text and collects its tokens.
pub(crate) fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while stream.advance() {
        let t = stream.token();
        out.push(Tok {
            from: t.offset_from,
            to: t.offset_to,
            text: t.text.clone(),
        });
    }
    out
}

/// Analyzes a single (already folded) word with a stemming analyzer; `None` if it yields nothing.
pub(crate) fn stem_one(analyzer: &mut TextAnalyzer, word: &str) -> Option<String> {
    let mut stream = analyzer.token_stream(word);
    if stream.advance() {
        Some(stream.token().text.clone())
    } else {
        None
    }
}

/// French (and a few English) stop words, in folded form. They stay in the index (so that a query
/// made only of them, or a title like "Le Bon Coin", still works), but are dropped from queries that
/// have other words, where they would only add noise: nearly every French kit contains "de".
const STOP_WORDS: &[&str] = &[
    // French, folded, including elided forms (l', d', qu'…) that SimpleTokenizer splits off.
    "a", "au", "aux", "avec", "c", "ca", "ce", "ces", "cet", "cette", "d", "dans", "de", "des",
    "du", "elle", "elles", "en", "est", "et", "eux", "il", "ils", "j", "je", "l", "la", "le",
    "les", "leur", "leurs", "lui", "m", "ma", "mais", "me", "mes", "moi", "mon", "n", "ne", "nos",
    "notre", "nous", "on", "ou", "par", "pas", "pour", "qu", "que", "qui", "s", "sa", "se", "ses",
    "son", "sont", "sur", "t", "ta", "te", "tes", "toi", "ton", "tu", "un", "une", "vos", "votre",
    "vous", "y", // English.
    "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "is", "it", "its", "of", "or",
    "the", "this", "that", "to", "with",
];

/// Whether a folded word is a stop word (see [`STOP_WORDS`]).
pub(crate) fn is_stop_word(folded_word: &str) -> bool {
    STOP_WORDS.contains(&folded_word)
}

/// Words of questions and requests that say what the visitor wants, not what about: `comment`,
/// `pourquoi`, `est-ce que`, `je voudrais`, `how`, `what`… A query drops them (with the stop
/// words) unless nothing else is left; they never decide whether a kit matches.
const QUESTION_WORDS: &[&str] = &[
    // French, folded.
    "comment",
    "pourquoi",
    "quoi",
    "quel",
    "quelle",
    "quels",
    "quelles",
    "lequel",
    "laquelle",
    "lesquels",
    "lesquelles",
    "combien",
    "quand",
    "ou",
    "est",
    "ce",
    "faire",
    "fait",
    "faut",
    "peut",
    "peux",
    "puis",
    "pouvoir",
    "veux",
    "veut",
    "voudrais",
    "voudrait",
    "aimerais",
    "souhaite",
    "cherche",
    "besoin",
    "avoir",
    "etre",
    "suis",
    "sommes",
    "as",
    "ont",
    "va",
    "vais",
    "aller",
    "il",
    "y",
    "a",
    "t",
    "qu",
    "si",
    "donc",
    "alors",
    "tout",
    "tous",
    "toute",
    "toutes",
    "tres",
    "plus",
    "bien",
    "comme",
    "chez",
    "entre",
    "vers",
    "quelqu",
    "quelque",
    "quelques",
    "un",
    "une",
    "e",
    "svp",
    "merci",
    "idee",
    "idees",
    "moyen",
    "facon",
    "maniere",
    // English.
    "how",
    "what",
    "why",
    "which",
    "who",
    "when",
    "where",
    "do",
    "does",
    "can",
    "could",
    "should",
    "would",
    "i",
    "my",
    "me",
    "you",
    "your",
    "we",
    "our",
    "they",
    "them",
    "their",
    "about",
    "there",
    "any",
    "some",
    "need",
    "want",
    "find",
    "get",
    "make",
    "into",
    "on",
    "up",
    "not",
    "no",
    "if",
    "so",
    "all",
    "way",
    "ways",
];

/// Whether a folded query word only carries the question (see [`QUESTION_WORDS`]).
pub(crate) fn is_question_word(folded_word: &str) -> bool {
    QUESTION_WORDS.contains(&folded_word)
}

/// A key of French pronunciation for a folded word, for typo candidates that sound like it: `ç`,
/// `s` and `ss`; `c`, `k`, `qu`; `ph` and `f`; `é`, `è`, `ai`, `ei`; `eau`, `au` and `o`; `an`
/// and `en`; silent `h`, doubled letters and silent endings meet (`ortografe` and
/// `orthographe`, `sécurité` and `sequritai`). `word` is lower-cased, accents kept or not.
pub fn phonetic_key(word: &str) -> String {
    // Before folding: ç is an s, and é/è/ê are e's.
    let mut w: String = word
        .chars()
        .map(|c| match c {
            'ç' => 's',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'à' | 'â' | 'ä' => 'a',
            'î' | 'ï' => 'i',
            'ô' | 'ö' => 'o',
            'ù' | 'û' | 'ü' => 'u',
            'ÿ' => 'i',
            'œ' => 'e',
            'æ' => 'e',
            c => c,
        })
        .filter(|c| c.is_ascii_alphabetic())
        .collect();
    // Silent endings.
    for ending in ["ent", "es", "s", "x", "t", "d", "e", "h"] {
        if w.len() > ending.len() + 2 && w.ends_with(ending) {
            w.truncate(w.len() - ending.len());
            break;
        }
    }
    let rules: [(&str, &str); 34] = [
        ("eaux", "o"),
        ("eau", "o"),
        ("aux", "o"),
        ("sch", "C"),
        ("ch", "C"),
        ("sh", "C"),
        ("ph", "f"),
        ("th", "t"),
        ("gn", "N"),
        ("qu", "k"),
        ("ck", "k"),
        ("cc", "k"),
        ("ce", "se"),
        ("ci", "si"),
        ("cy", "si"),
        ("ge", "je"),
        ("gi", "ji"),
        ("gu", "g"),
        ("tion", "sion"),
        ("ai", "e"),
        ("ei", "e"),
        ("ay", "e"),
        ("au", "o"),
        ("ou", "U"),
        ("oi", "W"),
        ("ez", "e"),
        ("er", "e"),
        ("et", "e"),
        ("ain", "I"),
        ("ein", "I"),
        ("in", "I"),
        ("un", "I"),
        ("an", "A"),
        ("en", "A"),
    ];
    for (from, to) in rules {
        if w.contains(from) {
            w = w.replace(from, to);
        }
    }
    if w.len() > 3 && w.ends_with('e') {
        w.pop();
    }
    let mut out = String::with_capacity(w.len());
    for c in w.chars() {
        let c = match c {
            'c' | 'q' => 'k',
            'y' => 'i',
            'z' => 's',
            'w' => 'v',
            'x' => 'k',
            'h' => continue,
            'm' if out.ends_with('A') || out.ends_with('I') || out.ends_with('o') => continue,
            c => c,
        };
        if !out.ends_with(c) {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(mut a: TextAnalyzer, text: &str) -> Vec<String> {
        tokens(&mut a, text).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn french_folds_then_stems() {
        assert_eq!(all(french(), "données"), all(french(), "donnees"));
        assert_eq!(all(french(), "navigateurs"), all(french(), "navigateur"));
        assert_eq!(
            all(french(), "Mots de passe"),
            all(french(), "mot de passe")
        );
        assert_eq!(all(folded(), "L'Éducation"), vec!["l", "education"]);
    }

    #[test]
    fn glued_compounds_are_split() {
        assert_eq!(
            all(folded(), "Le cyberharcèlement, l'autodéfense"),
            vec![
                "le",
                "cyberharcelement",
                "cyber",
                "harcelement",
                "l",
                "autodefense",
                "auto",
                "defense"
            ]
        );
        // Not a compound: the rest is too short, or no known prefix.
        assert_eq!(all(folded(), "autour internet"), vec!["autour", "internet"]);
    }

    #[test]
    fn phonetic_keys_meet() {
        for (a, b) in [
            ("orthographe", "ortografe"),
            ("garçon", "garson"),
            ("sécurité", "securitai"),
            ("chapeau", "chapo"),
            ("téléphone", "telefonne"),
            ("hameçonnage", "amessonage"),
            ("quiz", "kis"),
        ] {
            assert_eq!(phonetic_key(a), phonetic_key(b), "{a} / {b}");
        }
        assert_ne!(phonetic_key("poisson"), phonetic_key("passion"));
    }

    #[test]
    fn families() {
        assert_eq!(Family::of("fr"), Family::French);
        assert_eq!(Family::of("fr-BE"), Family::French);
        assert_eq!(Family::of("EN"), Family::English);
        assert_eq!(Family::of("de"), Family::Other);
    }
}
