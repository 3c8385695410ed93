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
//!
//! Folding happens *before* stemming so that a query typed without accents (`donnees`) is
//! stemmed exactly like the accented text of the kit (`données`). The snowball stemmer is a little
//! less precise on unaccented input, but identical treatment on both sides is what matters.

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    TextAnalyzer, TokenizerManager,
};

/// French analyzer name (lower-case, accent folding, French snowball stemming).
pub const FR: &str = "mallette_fr";
/// English analyzer name (lower-case, accent folding, English snowball stemming).
pub const EN: &str = "mallette_en";
/// Folded, unstemmed analyzer name (lower-case and accent folding only).
pub const FOLDED: &str = "mallette_folded";

/// Tokens longer than this (in bytes) are dropped: they are URLs fragments, hashes, base64…
const MAX_TOKEN_LEN: usize = 40;

/// The common chain: SimpleTokenizer → RemoveLong → LowerCaser → AsciiFolding.
macro_rules! base {
    () => {
        TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(MAX_TOKEN_LEN))
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
    };
}

/// The French analyzer (see the module doc).
pub fn french() -> TextAnalyzer {
    base!().filter(Stemmer::new(Language::French)).build()
}

/// The English analyzer (see the module doc).
pub fn english() -> TextAnalyzer {
    base!().filter(Stemmer::new(Language::English)).build()
}

/// The folded, unstemmed analyzer (see the module doc).
pub fn folded() -> TextAnalyzer {
    base!().build()
}

/// Registers the three analyzers on a tokenizer manager, e.g. `index.tokenizers()`.
pub fn register_analyzers(manager: &TokenizerManager) {
    manager.register(FR, french());
    manager.register(EN, english());
    manager.register(FOLDED, folded());
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
    fn families() {
        assert_eq!(Family::of("fr"), Family::French);
        assert_eq!(Family::of("fr-BE"), Family::French);
        assert_eq!(Family::of("EN"), Family::English);
        assert_eq!(Family::of("de"), Family::Other);
    }
}
