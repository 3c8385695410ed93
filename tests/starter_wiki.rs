//! The bundled starter wiki (`content/`) and the real corpus of ../shared: both build, and the
//! starter wiki covers what a mediator needs.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::*;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_starter_wiki_passes_check_without_any_warning() {
    let run = run(mallette().arg("check").arg("--root").arg(repo()));
    assert_eq!(run.code(), 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("aucune erreur, 0 avertissement"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_starter_wiki_covers_every_theme_and_audience_with_attachments_and_translations() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let built = build(repo(), &out);
    assert_eq!(built.code(), 0, "{}", built.stderr);
    let catalog: serde_json::Value = serde_json::from_str(&read(out.join("catalog.json"))).unwrap();
    let kits = catalog["kits"].as_array().unwrap();
    let french: Vec<_> = kits.iter().filter(|k| k["language"] == "fr").collect();
    assert!(french.len() >= 16, "{} French kits", french.len());
    let values = |field: &str| -> BTreeSet<String> {
        french
            .iter()
            .flat_map(|k| {
                k[field]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_str().unwrap().to_string())
            })
            .collect()
    };
    let vocabulary = mallette_content::vocabulary::Vocabularies::defaults();
    for (field, key) in [("themes", "themes"), ("audiences", "audiences")] {
        let used = values(field);
        for slug in vocabulary.get(key).slugs() {
            assert!(used.contains(&slug), "no starter kit for {field} `{slug}`");
        }
    }
    let translated = kits
        .iter()
        .filter(|k| k["language"] == "en" && !k["translations"].as_array().unwrap().is_empty())
        .count();
    assert!(translated >= 2, "{translated} English translations");
    let with_attachments = walkdir::WalkDir::new(out.join("kits"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| {
            e.path()
                .extension()
                .is_some_and(|x| x == "pdf" || x == "svg" || x == "csv" || x == "txt")
        })
        .filter_map(|e| e.path().parent().map(Path::to_path_buf))
        .collect::<BTreeSet<_>>();
    assert!(
        with_attachments.len() >= 3,
        "{} kits with attachments",
        with_attachments.len()
    );
    assert!(out.join("pages/a-propos/index.html").exists());
    assert!(out.join("pages/contribuer/index.html").exists());
}

#[test]
fn the_real_corpus_of_41_kits_builds_and_shows_labels_and_text() {
    let corpus = repo().join("tests/corpora/real-fr");
    if !corpus.is_dir() {
        // The corpus sits beside the clone on the project's machines and in CI.
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must provide {}",
            corpus.display()
        );
        eprintln!("skipped: {} not found", corpus.display());
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("real-fr");
    let run = build(&corpus, &out);
    assert_eq!(run.code(), 0, "{}", run.stderr);
    assert!(run.stderr.contains("41 kits"), "{}", run.stderr);
    let page = read(out.join("kits/decouvrir-thunderbird/index.html"));
    for expected in [
        "Découvrir Thunderbird",
        "Intermédiaire",
        "Prise en main : smartphone, ordinateur, courriel",
        "1 h 30",
        "Interagir",
        "Installer Thunderbird sur Windows",
    ] {
        assert!(page.contains(expected), "real kit page lacks {expected:?}");
    }
    // A typo finds what the corrected words find, first hit included (the corpus has two
    // password kits; "Mots de passe et phrases de passe" is first for both spellings).
    let first = |text: &str| {
        text.lines()
            .find(|l| l.starts_with(" 1. "))
            .unwrap_or_default()
            .to_string()
    };
    let typo = run_search(&out, "mot de pase");
    let right = run_search(&out, "mot de passe");
    assert!(first(&right).contains("de-passe"), "{right}");
    assert_eq!(first(&typo), first(&right), "{typo}");
    assert!(
        typo.contains("Vouliez-vous dire « mot de passe » ?"),
        "{typo}"
    );
    let search = run_search(&out, "code de cesar");
    assert!(
        search
            .lines()
            .nth(1)
            .unwrap_or_default()
            .contains("messages-secrets-code-de-cesar"),
        "{search}"
    );
}

fn run_search(site_dir: &Path, query: &str) -> String {
    run(mallette()
        .arg("search")
        .arg(query)
        .arg("--site")
        .arg(site_dir))
    .stdout
}
