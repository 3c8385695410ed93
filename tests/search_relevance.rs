//! Relevance of search on real content, through the native path (the index `mallette build`
//! writes, read by `mallette_search` as `mallette search` does): queries without accents, plurals
//! and other inflections, typos, prefixes, English, filters. The browser runs the same engine on
//! the same index (tests/search_browser.rs checks it answers alike).

mod common;

use std::path::Path;
use std::sync::OnceLock;

use mallette_search::{Query, Results, Searcher};

use common::{build_search, BuiltSearch};

/// The starter wiki of this repository, built once for all tests.
fn starter() -> &'static BuiltSearch {
    static BUILT: OnceLock<BuiltSearch> = OnceLock::new();
    BUILT.get_or_init(|| build_search(Path::new(env!("CARGO_MANIFEST_DIR"))))
}

fn search(s: &Searcher, text: &str, filters: &[(&str, &str)]) -> Results {
    s.search(&Query {
        text: text.into(),
        filters: filters
            .iter()
            .map(|(f, v)| (f.to_string(), v.to_string()))
            .collect(),
        limit: 10,
        ..Query::default()
    })
    .unwrap()
}

fn slugs(r: &Results) -> Vec<&str> {
    r.hits.iter().map(|h| h.slug.as_str()).collect()
}

#[track_caller]
fn assert_first(s: &Searcher, text: &str, slug: &str) {
    let r = search(s, text, &[]);
    assert_eq!(
        r.hits.first().map(|h| h.slug.as_str()),
        Some(slug),
        "« {text} »: expected {slug} first, got {:?}",
        slugs(&r)
    );
}

#[test]
fn queries_without_accents_find_accented_words() {
    let s = &starter().searcher;
    assert_first(s, "code de cesar", "code-de-cesar-debranche");
    assert_first(s, "hameconnage", "arnaques-et-hameconnage-seniors");
    assert_first(s, "impots", "accompagner-une-demarche-en-ligne");
    assert_first(s, "sobriete", "sobriete-numerique-au-quotidien");
    assert_first(s, "video", "premier-appel-video-a-distance");
    assert_first(
        s,
        "confidentialite reseaux sociaux",
        "reseaux-sociaux-parametres-ados",
    );
    assert_first(
        s,
        "demarches administratives",
        "accompagner-une-demarche-en-ligne",
    );
}

#[test]
fn plurals_and_inflections_meet_their_stem() {
    let s = &starter().searcher;
    assert_first(s, "arnaques", "arnaques-et-hameconnage-seniors");
    assert_first(s, "sauvegardes", "sauvegarder-ses-donnees");
    assert_first(s, "chiffrement", "chiffrer-disque-et-cle-usb");
    assert_first(s, "courriels", "courriel-premiers-pas");
    assert_first(s, "pisteurs", "traqueurs-applications-smartphone");
    assert_first(s, "logiciel libre", "decouvrir-les-logiciels-libres");
    assert_first(s, "fausses informations", "fausses-nouvelles-ados");
    assert_first(s, "image virale", "verifier-une-image-virale");
    let r = search(s, "donnees personnelles", &[]);
    assert!(
        slugs(&r)[..3].contains(&"cartes-a-trier-mes-donnees"),
        "« donnees personnelles »: {:?}",
        slugs(&r)
    );
}

#[test]
fn typos_are_forgiven() {
    let s = &starter().searcher;
    assert_first(s, "mot de pase", "mots-de-passe-et-gestionnaire");
    assert_first(s, "scrath", "premier-jeu-scratch");
    assert_first(s, "cryptopraty", "premiere-cryptoparty");
    assert_first(s, "sauvgarder", "sauvegarder-ses-donnees");
}

#[test]
fn the_last_word_matches_as_a_prefix_while_typing() {
    let s = &starter().searcher;
    assert_first(s, "smartphon", "premiers-pas-smartphone-seniors");
    assert_first(s, "cryptop", "premiere-cryptoparty");
}

#[test]
fn english_kits_answer_english_words() {
    let s = &starter().searcher;
    let r = search(s, "password manager", &[]);
    let first = r.hits.first().expect("a hit for « password manager »");
    assert_eq!(first.slug, "mots-de-passe-et-gestionnaire");
    assert!(
        first.title.starts_with("Strong passwords"),
        "{}",
        first.title
    );
    let r = search(s, "password", &[("language", "en")]);
    assert!(r
        .hits
        .iter()
        .all(|h| h.url.contains("/en/") || h.title.is_ascii()));
}

#[test]
fn filters_narrow_and_facets_stay_disjunctive() {
    let s = &starter().searcher;
    let all = search(s, "atelier", &[]);
    let beginners = search(s, "atelier", &[("level", "debutant")]);
    assert!(beginners.total > 0 && beginners.total < all.total);
    assert!(beginners.hits.iter().all(|h| h.level == "debutant"));
    // The level facet ignores the level filter; the other facets follow it.
    assert_eq!(beginners.facets["level"], all.facets["level"]);
    assert_ne!(beginners.facets["themes"], all.facets["themes"]);

    // OR within a field, AND across fields.
    let one = search(s, "", &[("themes", "securite")]).total;
    let two = search(s, "", &[("themes", "securite"), ("themes", "vie-privee")]).total;
    assert!(two >= one);
    let both = search(s, "", &[("themes", "securite"), ("level", "debutant")]);
    assert!(both.total <= one);
    assert!(both.hits.iter().all(|h| h.level == "debutant"));

    // Duration ranges.
    let short = search(s, "", &[("duration", "30-60")]);
    assert!(short.total > 0);
    assert!(short
        .hits
        .iter()
        .all(|h| (30..=60).contains(&h.duration_minutes)));
    // Typo and filter together.
    let r = search(s, "mot de pase", &[("audiences", "seniors")]);
    assert_eq!(
        r.hits.first().map(|h| h.slug.as_str()),
        Some("mots-de-passe-et-gestionnaire")
    );
}

#[test]
fn snippets_highlight_matched_words() {
    let s = &starter().searcher;
    // Singular query, plural in the text: the stem meets it, the text's own word is marked.
    let r = search(s, "escroquerie", &[]);
    assert!(
        r.hits[0].snippet_html.contains("<mark>escroqueries</mark>"),
        "{}",
        r.hits[0].snippet_html
    );
}

/// `mallette search` answers what the library answers on the built site.
#[test]
fn command_line_gives_the_same_top_results() {
    let built = starter();
    for query in ["mot de pase", "code de cesar", "arnaques"] {
        let run = common::run(common::mallette().args([
            "search",
            "--json",
            "--site",
            built.site.to_str().unwrap(),
            query,
        ]));
        assert_eq!(run.code(), 0, "{}", run.stderr);
        let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        let cli: Vec<&str> = json["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["slug"].as_str().unwrap())
            .collect();
        let lib = search(&built.searcher, query, &[]);
        assert_eq!(cli, slugs(&lib), "« {query} »");
    }
}

/// Acceptance on the corpus of real French kits (shared/corpora/real-fr, beside the repository).
#[test]
fn real_french_corpus_finds_keepass_and_caesar() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpora/real-fr");
    if !root.join("mallette.toml").exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "{} is missing in CI",
            root.display()
        );
        eprintln!("note: {} not found, skipped", root.display());
        return;
    }
    let built = build_search(&root);
    let s = &built.searcher;
    // The corpus has two password kits: the typo must rank them as the corrected words do
    // ("Mots de passe et phrases de passe" first, then KeePass), both in the first two.
    let typo = search(s, "mot de pase", &[]);
    let right = search(s, "mot de passe", &[]);
    assert_eq!(
        slugs(&typo)[..2],
        slugs(&right)[..2],
        "« mot de pase »: {:?}",
        slugs(&typo)
    );
    assert!(
        typo.hits[..2].iter().any(|h| h.title.contains("KeePass")),
        "« mot de pase »: {:?}",
        slugs(&typo)
    );
    let r = search(s, "code de cesar", &[]);
    assert_eq!(slugs(&r).first(), Some(&"messages-secrets-code-de-cesar"));
}
