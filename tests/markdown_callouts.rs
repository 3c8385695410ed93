//! GitHub-style callouts in kit Markdown (`> [!TIP]`, `> [!WARNING]`…): a titled box in the
//! kit's language on its page (docs/content-format.md §5.1); a plain quote stays a quote.

mod common;

use std::path::Path;

use common::*;

const FRONT_MATTER: &str = "---
title: Atelier
summary: Un atelier.
themes: [vie-privee]
audiences: [adolescents]
level: debutant
duration: 45min
license: CC-BY-4.0
authors: [Collectif de test]
updated: 2026-01-10
---
";

/// A French instance with one kit and its English translation, both with a tip, a warning and a
/// plain quote.
fn instance(dir: &Path) {
    std::fs::create_dir_all(dir.join("content/kits")).unwrap();
    std::fs::write(dir.join("mallette.toml"), "title = \"Réseau\"\n").unwrap();
    std::fs::write(
        dir.join("content/kits/atelier.md"),
        format!(
            "{FRONT_MATTER}\n## Préparation\n\n> [!TIP]\n> Testez la connexion **la veille**.\n\n\
             > [!WARNING]\n> Pas de vraies adresses.\n\n> Une citation ordinaire.\n"
        ),
    )
    .unwrap();
    std::fs::write(
        dir.join("content/kits/atelier.en.md"),
        format!(
            "{}\n## Preparation\n\n> [!TIP]\n> Test the connection.\n\n\
             > [!WARNING]\n> No real addresses.\n",
            FRONT_MATTER.replace("title: Atelier", "title: Workshop")
        ),
    )
    .unwrap();
}

#[test]
fn a_tip_and_a_warning_are_boxes_titled_in_the_kits_language_and_a_plain_quote_is_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    instance(dir.path());
    let out = dir.path().join("public");
    let run = build(dir.path(), &out);
    assert_eq!(run.code(), 0, "{}", run.stderr);

    let fr = read(out.join("kits/atelier/index.html"));
    assert!(
        fr.contains(
            "<aside class=\"callout callout-tip\" role=\"note\" aria-label=\"Astuce\">\n\
             <p class=\"callout-title\">Astuce</p>\n\
             <p>Testez la connexion <strong>la veille</strong>.</p>\n</aside>"
        ),
        "{fr}"
    );
    assert!(
        fr.contains(
            "<aside class=\"callout callout-warning\" role=\"note\" aria-label=\"Attention\">\n\
             <p class=\"callout-title\">Attention</p>\n<p>Pas de vraies adresses.</p>\n</aside>"
        ),
        "{fr}"
    );
    assert!(!fr.contains("[!TIP]") && !fr.contains("[!WARNING]"), "{fr}");
    assert!(
        fr.contains("<blockquote>\n<p>Une citation ordinaire.</p>\n</blockquote>"),
        "a plain quote stays a quote: {fr}"
    );
    assert_eq!(fr.matches("<blockquote").count(), 1, "{fr}");

    let en = read(out.join("en/kits/atelier/index.html"));
    assert!(
        en.contains("<aside class=\"callout callout-tip\" role=\"note\" aria-label=\"Tip\">\n<p class=\"callout-title\">Tip</p>"),
        "{en}"
    );
    assert!(
        en.contains("<aside class=\"callout callout-warning\" role=\"note\" aria-label=\"Warning\">\n<p class=\"callout-title\">Warning</p>"),
        "{en}"
    );
    assert!(!en.contains("Astuce") && !en.contains("Attention"), "{en}");

    assert!(
        read(out.join("static/style.css")).contains(".prose .callout-warning"),
        "the theme styles the boxes"
    );
}
