//! The wiki loop: a contributor without Git proposes a kit from the site's form and reports a
//! session from a kit page; maintainers review on the forge. Field reports in the content, and
//! the form and links in a real browser for each kind of forge (tests/browser/contribute.mjs).

mod common;

use std::path::Path;

use common::*;

fn build_site(root: &Path) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let run = build(root, &out);
    assert_eq!(run.code(), 0, "{}", run.stderr);
    (dir, out)
}

#[test]
fn a_kit_page_shows_its_field_reports_and_the_catalog_carries_them() {
    let (_dir, out) = build_site(&site("wiki-loop"));
    let page = read(out.join("kits/arnaques-au-telephone/index.html"));
    assert!(
        page.contains("Animé 2 fois — dernier retour le 20 novembre 2026"),
        "{page}"
    );
    assert!(page.contains("Médiathèque de Lannion"));
    assert!(page.contains("Prévoir 15 minutes de plus pour les questions."));
    assert!(
        page.contains("<dd>Camille Relectrice</dd>"),
        "reviewers shown with the credits"
    );
    assert!(
        page.contains("\"userInteractionCount\": 2"),
        "JSON-LD counts the sessions"
    );
    let other = read(out.join("kits/premier-courriel/index.html"));
    assert!(other.contains("Pas encore de retour de séance"));

    let catalog: serde_json::Value = serde_json::from_str(&read(out.join("catalog.json"))).unwrap();
    let kit = catalog["kits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["slug"] == "arnaques-au-telephone")
        .unwrap();
    assert_eq!(
        kit["field_reports"][0]["date"], "2026-11-20",
        "newest first"
    );
    assert_eq!(kit["field_reports"][1]["participants"], 9);

    let tested = read(out.join("field-tested/index.html"));
    assert!(
        tested.contains("Les arnaques au téléphone")
            && !tested.contains("Envoyer son premier courriel")
    );
}

#[test]
fn a_malformed_field_report_is_an_error_at_its_line() {
    let instance = copy_site("wiki-loop");
    let kit = instance
        .path()
        .join("content/kits/arnaques-au-telephone.md");
    let text = read(&kit).replace(
        "    participants: 6\n",
        "    participants: beaucoup\n    lieu: Guingamp\n",
    );
    std::fs::write(&kit, text).unwrap();
    let run = run(mallette().arg("check").arg("--root").arg(instance.path()));
    assert_eq!(run.code(), 1, "{}", run.stderr);
    assert!(run.stderr.contains("erreur: content/kits/arnaques-au-telephone.md:16:19: `field_reports.participants` doit être un nombre entier de 1 à 10000"), "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "content/kits/arnaques-au-telephone.md:17:5: clé inconnue `field_reports.lieu`"
        ),
        "{}",
        run.stderr
    );
}

/// The file a forge's "new file" URL carries: (file name, text).
fn decode(kind: &str, url: &str) -> (String, String) {
    let (_, query) = url.split_once('?').expect("a query");
    let mut name = String::new();
    let mut text = String::new();
    for pair in query.split('&') {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = percent_decode(&value.replace('+', " "));
        match (kind, key) {
            ("gitlab", "file_name") | ("github" | "forgejo", "filename") => name = value,
            ("gitlab", "content") | ("github" | "forgejo", "value") => text = value,
            _ => {}
        }
    }
    (name, text)
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

#[test]
fn the_contribution_form_and_report_links_work_with_each_forge_in_a_real_browser() {
    browser_prerequisites();
    for (kind, repo, new_file) in [
        (
            "github",
            "https://github.com/reseau/wiki",
            "https://github.com/reseau/wiki/new/main/content/kits?",
        ),
        (
            "gitlab",
            "https://framagit.org/reseau/wiki",
            "https://framagit.org/reseau/wiki/-/new/main/content/kits?",
        ),
        (
            "forgejo",
            "https://codeberg.org/reseau/wiki",
            "https://codeberg.org/reseau/wiki/_new/main/content/kits/?",
        ),
    ] {
        let instance = copy_site("wiki-loop");
        std::fs::write(
            instance.path().join("mallette.toml"),
            format!("title = \"Wiki des médiathèques\"\n\n[forge]\nkind = \"{kind}\"\nurl = \"{repo}\"\n"),
        )
        .unwrap();
        let (_dir, out) = build_site(instance.path());
        let base = static_site::serve(out, "/");
        let results = tempfile::tempdir().unwrap();
        run_browser_script(
            "contribute.mjs",
            &[&base, kind, results.path().to_str().unwrap()],
        );

        // The empty form's errors are `mallette check`'s, word for word.
        let empty: serde_json::Value =
            serde_json::from_str(&read(results.path().join("empty.json"))).unwrap();
        let file = instance.path().join("content/kits/nouveau-kit.md");
        std::fs::write(&file, empty["text"].as_str().unwrap()).unwrap();
        let checked = run(mallette()
            .arg("check")
            .arg("--root")
            .arg(instance.path())
            .arg("--format")
            .arg("json"));
        assert_eq!(checked.code(), 1);
        let report: serde_json::Value = serde_json::from_str(&checked.stdout).unwrap();
        let mut from_check: Vec<String> = report
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["level"] == "error")
            .map(|d| match d["help"].as_str() {
                Some(help) => format!("{} — {help}", d["message"].as_str().unwrap()),
                None => d["message"].as_str().unwrap().to_string(),
            })
            .collect();
        let mut from_form: Vec<String> = empty["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e.as_str().unwrap().to_string())
            .collect();
        from_check.sort();
        from_form.sort();
        assert_eq!(from_form, from_check, "{kind}");
        std::fs::remove_file(&file).unwrap();

        // The filled form's file, as the forge receives it, passes `mallette check`.
        let filled: serde_json::Value =
            serde_json::from_str(&read(results.path().join("filled.json"))).unwrap();
        let url = filled["url"].as_str().unwrap();
        assert!(url.starts_with(new_file), "{kind}: {url}");
        let (name, text) = decode(kind, url);
        assert_eq!(name, "reperer-les-faux-sms-de-livraison.md");
        assert!(
            text.contains("title: \"Repérer les faux SMS de livraison\""),
            "{text}"
        );
        std::fs::write(instance.path().join("content/kits").join(&name), &text).unwrap();
        let checked = run(mallette().arg("check").arg("--root").arg(instance.path()));
        assert_eq!(checked.code(), 0, "{kind}: {}\n{text}", checked.stderr);
    }
}
