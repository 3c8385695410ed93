//! Building the `tests/sites/valid` instance (hosted under a sub-path) and reading the result as
//! a visitor would.

mod common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::*;

/// Build the valid fixture once for all tests of this file.
fn built() -> &'static Path {
    static OUT: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, out) = OUT.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let run = build(&site("valid"), &out);
        assert_eq!(run.code(), 0, "build failed:\n{}", run.stderr);
        (dir, out)
    });
    out
}

fn page(path: &str) -> String {
    read(built().join(path))
}

/// The body part of a page (between <main> and </main>), where contributor content lands.
fn main_of(html: &str) -> &str {
    let start = html.find("<main").expect("page has <main>");
    let end = html.rfind("</main>").expect("page has </main>");
    &html[start..end]
}

#[test]
fn a_kit_page_shows_every_metadata_field_with_its_label() {
    let html = page("kits/mots-de-passe/index.html");
    for expected in [
        "Mots de passe et gestionnaire",
        "Créer des phrases de passe solides",
        "Sécurité : mots de passe, arnaques, sauvegardes", // theme label
        "Seniors",                                         // audience label
        "Intermédiaire",                                   // level label
        "1 h 30",                                          // duration
        "Atelier collectif",                               // format label
        "Vidéoprojecteur",                                 // material label
        "Sécuriser l&#x27;environnement numérique",        // Pix 4.1 label
        "DigComp 2.2",                                     // framework label
        "Facile à lire et à comprendre (FALC)",            // accessibility label
        "Collectif de test",
        "15 mars 2026", // last update
        "CC BY-SA 4.0",
    ] {
        assert!(html.contains(expected), "kit page lacks {expected:?}");
    }
    assert!(
        html.contains(">4<") || html.contains("4 à 12") || html.contains("de 4"),
        "participants shown"
    );
}

#[test]
fn a_kit_page_renders_the_markdown_extensions() {
    let html = page("kits/mots-de-passe/index.html");
    assert!(html.contains("<h2 id=\"objectifs\">"), "heading ids");
    assert!(html.contains("<table>"), "tables");
    assert!(html.contains("type=\"checkbox\""), "task lists");
    assert!(html.contains("footnote-definition"), "footnotes");
}

#[test]
fn links_between_kits_become_page_links_under_the_sub_path() {
    let html = page("kits/mots-de-passe/index.html");
    assert!(
        html.contains("href=\"/reseau/wiki/kits/traceurs/#deroule\""),
        "link to the other kit's page"
    );
    assert!(
        html.contains("href=\"/reseau/wiki/static/style.css\""),
        "assets under the sub-path"
    );
    assert!(
        !html.contains("traceurs.md"),
        "no link to a Markdown source survives"
    );
}

#[test]
fn attachments_are_copied_and_listed_with_their_size() {
    let copied = built().join("kits/securite/mots-de-passe/fiche-memo.pdf");
    let source = site("valid").join("content/kits/securite/mots-de-passe/fiche-memo.pdf");
    assert_eq!(
        std::fs::read(&copied).unwrap(),
        std::fs::read(&source).unwrap()
    );
    let html = page("kits/mots-de-passe/index.html");
    assert!(html.contains("href=\"/reseau/wiki/kits/securite/mots-de-passe/fiche-memo.pdf\""));
    assert!(html.contains("3 Ko"), "attachment size shown");
}

#[test]
fn the_edit_link_points_to_the_source_file_on_the_forge() {
    let html = page("kits/mots-de-passe/index.html");
    assert!(html.contains(
        "https://forge.example/reseau/wiki/-/edit/main/content/kits/securite/mots-de-passe/index.md"
    ));
}

#[test]
fn translations_link_to_each_other() {
    let fr = page("kits/mots-de-passe/index.html");
    let en = page("en/kits/mots-de-passe/index.html");
    assert!(
        fr.contains("href=\"/reseau/wiki/en/kits/mots-de-passe/\""),
        "French page links the English one"
    );
    assert!(
        en.contains("href=\"/reseau/wiki/kits/mots-de-passe/\""),
        "English page links the French one"
    );
    assert!(en.contains("Passwords and password managers"));
}

#[test]
fn browse_pages_count_kits_per_term() {
    let themes = page("themes/index.html");
    let vie_privee = themes
        .find("Vie privée et données personnelles")
        .expect("theme listed");
    let after = &themes[vie_privee..];
    let count_text = &after[..after.find("</li>").unwrap_or(after.len())];
    assert!(
        count_text.contains('3'),
        "3 kits about vie-privee (translation not counted): {count_text}"
    );
    let term = page("themes/vie-privee/index.html");
    assert!(term.contains("Les traceurs dans les applications"));
    assert!(term.contains("Mots de passe et gestionnaire"));
    assert!(
        !term.contains("Passwords and password managers"),
        "translations are reached from their original"
    );
    assert!(built().join("levels/avance/index.html").exists());
    assert!(built().join("competences/pix-4-1/index.html").exists());
    assert!(
        !built().join("themes/parentalite/index.html").exists(),
        "no page for a term without kits"
    );
}

#[test]
fn the_home_lists_newest_kits_and_entry_points() {
    let html = page("index.html");
    let newest = html
        .find("Mots de passe et gestionnaire")
        .expect("newest kit on the home");
    let older = html
        .find("Les traceurs dans les applications")
        .expect("older kit on the home");
    assert!(newest < older, "newest first");
    assert!(
        html.contains("/reseau/wiki/audiences/seniors/"),
        "entry point by audience"
    );
    assert!(
        html.contains("/reseau/wiki/themes/securite/"),
        "entry point by theme"
    );
}

#[test]
fn plain_pages_search_page_and_404_exist() {
    assert!(page("pages/a-propos/index.html").contains("Ce wiki de test."));
    assert!(page("search/index.html").contains("name=\"q\""));
    assert!(built().join("404.html").exists());
}

#[test]
fn hostile_html_in_front_matter_and_body_is_neutralised() {
    let html = page("kits/contenu-hostile/index.html");
    let main = main_of(&html);
    assert!(
        !main.contains("<script"),
        "no script element in the page body"
    );
    assert!(!main.contains("<iframe"), "no iframe");
    assert!(!main.contains("<object"), "no object");
    assert!(!main.contains("<style"), "no style element");
    assert!(!main.contains("<svg"), "no svg");
    assert!(!main.contains("<img src=x"), "front-matter HTML is escaped");
    assert_eq!(
        tags_with_event_handlers(&html),
        Vec::<String>::new(),
        "no event handler on any element"
    );
    assert!(
        !main.to_lowercase().contains("href=\"javascript:"),
        "no javascript: URL"
    );
    assert!(!main.contains("href=\"data:"), "no data: URL");
    assert!(
        !main.contains("src=\"https://"),
        "no resource from another origin"
    );
    assert!(
        !main.contains("url(https://"),
        "no CSS url() to another origin"
    );
    assert!(main.contains("Paragraphe"), "the harmless text stays");
    assert!(
        main.contains("&lt;script&gt;alert(&quot;titre&quot;)"),
        "a title with HTML shows as text"
    );
    // Outside <main>, the only script allowed is the JSON-LD data block.
    for (i, _) in html.match_indices("<script") {
        assert!(
            html[i..].starts_with("<script type=\"application/ld+json\">")
                || html[i..].starts_with("<script src=")
        );
    }
}

#[test]
fn no_page_requests_another_origin() {
    for file in [
        "index.html",
        "kits/mots-de-passe/index.html",
        "themes/index.html",
        "search/index.html",
    ] {
        let html = page(file);
        for attr in [
            "src=\"http",
            "src=\"//",
            "<link rel=\"stylesheet\" href=\"http",
        ] {
            assert!(
                !html.contains(attr),
                "{file} loads something from another origin ({attr})"
            );
        }
        assert!(html.contains("Content-Security-Policy"), "{file} has a CSP");
    }
}

#[test]
fn an_instance_with_several_languages_gets_a_browse_page_per_language() {
    let languages = page("languages/index.html");
    assert!(languages.contains("English") && languages.contains("Français"));
    let english = page("languages/en/index.html");
    assert!(
        english.contains("Passwords and password managers"),
        "translations are listed by language"
    );
    assert!(!english.contains("Les traceurs dans les applications"));
    assert!(page("languages/fr/index.html").contains("Les traceurs dans les applications"));
}

#[test]
fn a_kit_page_suggests_related_kits_sharing_themes_but_not_its_own_translation() {
    let html = page("kits/mots-de-passe/index.html");
    let related = &html[html
        .find("id=\"related-title\"")
        .expect("a related section")..];
    assert!(
        related.contains("Les traceurs dans les applications"),
        "shares the theme vie-privee"
    );
    assert!(
        !related.contains("Passwords and password managers"),
        "its translation is not 'related'"
    );
}
