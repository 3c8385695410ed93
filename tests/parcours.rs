//! Learning paths and the competence map: a path's page, booklet and archive; kit pages naming
//! their paths and the kits to run before and after them; the competence table; errors with
//! their line for a bad path; English labels.

mod common;

use std::io::Read;
use std::path::Path;

use common::*;

fn built(root: &Path) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let run = build(root, &out);
    assert_eq!(run.code(), 0, "{}", run.stderr);
    (dir, out)
}

/// Offsets of `needles` in `text`, in the order given (each must be there).
fn positions(text: &str, needles: &[&str]) -> Vec<usize> {
    needles
        .iter()
        .map(|n| text.find(n).unwrap_or_else(|| panic!("`{n}` missing")))
        .collect()
}

#[test]
fn a_path_page_shows_its_steps_in_order_with_the_total_and_what_the_cycle_needs() {
    let (_dir, out) = built(&site("parcours"));
    let page = read(out.join("parcours/cycle/index.html"));
    let at = positions(
        &page,
        &[
            "Chercher une information",
            "Partager un document",
            "Collaborer à distance",
        ],
    );
    assert!(at.windows(2).all(|w| w[0] < w[1]), "steps in order");
    assert!(page.contains("Étape 1") && page.contains("Étape 3"));
    assert!(
        page.contains("Imprimez le mémo pour chacun."),
        "the step's note"
    );
    assert!(page.contains("<dd>4 h 30</dd>"), "60 + 90 + 120 minutes");
    assert!(
        page.contains("Vidéoprojecteur") && page.contains("Ordinateurs"),
        "the materials of every step"
    );
    assert!(page.contains("Une séance par semaine."), "the body");
    let list = read(out.join("parcours/index.html"));
    assert!(list.contains("Un cycle en trois séances") && list.contains("1 parcours"));
}

#[test]
fn the_booklet_holds_every_kit_body_in_order_and_the_zip_every_attachment() {
    let (_dir, out) = built(&site("parcours"));
    let booklet = read(out.join("parcours/cycle/livret/index.html"));
    let at = positions(
        &booklet,
        &[
            "Texte de Chercher une information.",
            "Texte de Partager un document.",
            "Texte de Collaborer à distance.",
        ],
    );
    assert!(at.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(booklet.matches("class=\"booklet-kit kit\"").count(), 3);
    assert!(!booklet.contains("class=\"site-header\""), "no navigation");
    // Several bodies share the page: their ids are made unique, and their links follow.
    let ids: Vec<String> = html::start_tags(&booklet)
        .iter()
        .filter_map(|t| t.get("id").map(str::to_string))
        .collect();
    let unique: std::collections::BTreeSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "duplicate ids: {ids:?}");
    assert!(
        booklet.contains("href=\"#b-partager-objectifs\""),
        "in-page links follow their ids"
    );

    let mut zip =
        zip::ZipArchive::new(std::fs::File::open(out.join("parcours/cycle/cycle.zip")).unwrap())
            .unwrap();
    let mut names: Vec<String> = zip.file_names().map(str::to_string).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "cycle/b-partager/fiche.pdf",
            "cycle/index.html",
            "cycle/style.css"
        ]
    );
    let mut page = String::new();
    zip.by_name("cycle/index.html")
        .unwrap()
        .read_to_string(&mut page)
        .unwrap();
    assert!(
        page.contains("href=\"b-partager/fiche.pdf\""),
        "attachments beside the booklet"
    );
    assert!(page.contains("href=\"style.css\""));
}

#[test]
fn kit_pages_name_their_paths_and_the_kits_before_and_after_them() {
    let (_dir, out) = built(&site("parcours"));
    let b = read(out.join("kits/b-partager/index.html"));
    assert!(
        b.contains(
            "Étape 2 sur 3 du parcours <a href=\"/parcours/cycle/\">Un cycle en trois séances</a>"
        ),
        "{b}"
    );
    let before = &b[b.find("id=\"before-title\"").expect("a before section")..];
    let before = &before[..before.find("</section>").unwrap()];
    assert!(
        before.contains("Chercher une information"),
        "teaches b's prerequisite"
    );
    let after = &b[b.find("id=\"after-title\"").expect("an after section")..];
    let after = &after[..after.find("</section>").unwrap()];
    assert!(
        after.contains("Collaborer à distance"),
        "requires what b teaches, at the next level"
    );
    assert!(
        !after.contains("Administrer un serveur"),
        "two levels up is not next"
    );
    let d = read(out.join("kits/d-expert/index.html"));
    assert!(!d.contains("Étape"), "not in a path");
}

#[test]
fn the_competence_map_counts_kits_by_competence_and_level() {
    let (_dir, out) = built(&site("parcours"));
    let map = read(out.join("competences/index.html"));
    assert!(map.contains("<caption>Pix : nombre de kits par compétence et par niveau</caption>"));
    assert!(map.contains("scope=\"rowgroup\""));
    assert!(
        map.contains("<a href=\"/search/?competences=pix:1.1&amp;level=debutant\">1 kit</a>"),
        "{map}"
    );
    assert!(
        map.contains("14 compétences sur 16 n&#x27;ont encore aucun kit."),
        "pix:1.1 and 2.1 only"
    );
    assert_eq!(
        map.matches("coverage-empty").count(),
        16 * 3 - 2 + 21 * 3,
        "every empty cell marked"
    );
    let svg = read(out.join("competences/coverage.svg"));
    assert!(svg.starts_with("<svg") && svg.contains("<title id=\"t\">"));
    assert!(
        read(out.join("index.html")).contains("competences/coverage.svg"),
        "on the home page"
    );
}

#[test]
fn the_catalog_lists_paths_with_their_kits() {
    let (_dir, out) = built(&site("parcours"));
    let catalog: serde_json::Value = serde_json::from_str(&read(out.join("catalog.json"))).unwrap();
    assert_eq!(catalog["catalog_version"], 2);
    let path = &catalog["parcours"][0];
    assert_eq!(path["title"], "Un cycle en trois séances");
    assert_eq!(path["kits"][1], "https://parcours.example/kits/b-partager/");
    assert_eq!(path["duration_minutes"], 270);
}

#[test]
fn a_bad_path_is_an_error_at_its_line_with_the_closest_kit() {
    let instance = copy_site("parcours");
    std::fs::write(
        instance.path().join("content/parcours/mauvais.md"),
        "---\ntitle: Mauvais\nsummary: x\naudiences: [seniors]\nlicense: CC-BY-SA-4.0\nauthors: [T]\nkits:\n  - a-chercher\n  - b-partagr\n  - a-chercher\n---\n",
    )
    .unwrap();
    std::fs::write(
        instance.path().join("content/parcours/faute.md"),
        "---\ntitle: Faute\nsummary: x\naudiences: [seniors]\nlicense: CC-BY-SA-4.0\nauthors: [T]\nkits:\n  - {kit: c-collaborer, nota: x}\n---\n",
    )
    .unwrap();
    let run = run(mallette().arg("check").arg("--root").arg(instance.path()));
    assert_eq!(run.code(), 1, "{}", run.stderr);
    for expected in [
        "erreur: content/parcours/mauvais.md:9:5: aucun kit `b-partagr` dans ce wiki",
        "vouliez-vous dire `b-partager` ?",
        "erreur: content/parcours/mauvais.md:10:5: le kit `a-chercher` est déjà une étape de ce parcours",
        "erreur: content/parcours/faute.md:8:25: clé inconnue `kits.nota`",
    ] {
        assert!(run.stderr.contains(expected), "{expected}\n{}", run.stderr);
    }
}

#[test]
fn new_parcours_writes_a_path_that_passes_check() {
    let instance = copy_site("parcours");
    let created = run(mallette()
        .args(["new", "--parcours", "Un cycle d'hiver", "--root"])
        .arg(instance.path()));
    assert_eq!(created.code(), 0, "{}", created.stderr);
    assert!(instance
        .path()
        .join("content/parcours/un-cycle-d-hiver.md")
        .is_file());
    let checked = run(mallette().arg("check").arg("--root").arg(instance.path()));
    assert_eq!(checked.code(), 0, "{}", checked.stderr);
}

#[test]
fn new_parcours_on_an_english_instance_writes_english_placeholders() {
    let instance = copy_site("parcours");
    std::fs::write(
        instance.path().join("mallette.toml"),
        "title = \"Paths\"\nlanguage = \"en\"\n",
    )
    .unwrap();
    let created = run(mallette()
        .args(["new", "--parcours", "A winter cycle", "--root"])
        .arg(instance.path()));
    assert_eq!(created.code(), 0, "{}", created.stderr);
    let text = read(instance.path().join("content/parcours/a-winter-cycle.md"));
    assert!(text.contains("## Between sessions"), "{text}");
    assert!(text.contains("What to adapt at this step."), "{text}");
    assert!(!text.contains("séances"), "{text}");
    let checked = run(mallette().arg("check").arg("--root").arg(instance.path()));
    assert_eq!(checked.code(), 0, "{}", checked.stderr);
}

#[test]
fn an_english_instance_has_english_labels_and_a_booklet_folder() {
    let instance = copy_site("parcours");
    std::fs::write(
        instance.path().join("mallette.toml"),
        "title = \"Paths\"\nlanguage = \"en\"\n",
    )
    .unwrap();
    let (_dir, out) = built(instance.path());
    let b = read(out.join("kits/b-partager/index.html"));
    assert!(b.contains("Step 2 of 3 of the path"), "{b}");
    assert!(b.contains("What next?"));
    assert!(out.join("parcours/cycle/booklet/index.html").is_file());
    assert!(read(out.join("competences/index.html")).contains("Competence map"));
}

/// The text of each page of a PDF (pdftotext, from poppler-utils).
fn pdf_pages(pdf: &Path) -> Vec<String> {
    let output = std::process::Command::new("pdftotext")
        .arg("-layout")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs: apt-get install -y poppler-utils");
    assert!(output.status.success());
    String::from_utf8_lossy(&output.stdout)
        .split('\u{c}')
        .map(str::to_string)
        .filter(|p| !p.trim().is_empty())
        .collect()
}

#[test]
fn the_booklet_prints_on_a4_with_each_kit_from_a_new_page() {
    browser_prerequisites();
    let (_dir, out) = built(&site("parcours"));
    let base = static_site::serve(out, "/");
    let pdf = tempfile::tempdir().unwrap().keep().join("livret.pdf");
    run_browser_script(
        "booklet.mjs",
        &[
            &format!("{base}parcours/cycle/livret/"),
            pdf.to_str().unwrap(),
        ],
    );
    let info = std::process::Command::new("pdfinfo")
        .arg(&pdf)
        .output()
        .unwrap();
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(info.contains("(A4)"), "A4 pages: {info}");
    let pages = pdf_pages(&pdf);
    assert!(
        pages.len() >= 4,
        "a cover and three kits: {} pages",
        pages.len()
    );
    // Each kit starts a page: its step number and title are at the top of one.
    for (step, title) in [
        (1, "Chercher une information"),
        (2, "Partager un document"),
        (3, "Collaborer à distance"),
    ] {
        let starts = pages.iter().any(|p| {
            let head: String = p
                .lines()
                .filter(|l| !l.trim().is_empty())
                .take(3)
                .collect::<Vec<_>>()
                .join(" ");
            head.contains(&format!("Étape {step}")) && head.contains(title)
        });
        assert!(
            starts,
            "no page starts with step {step} ({title}):\n{pages:#?}"
        );
    }
}
