//! `check` in its three formats, `new` and `init`, as contributors and maintainers use them.

mod common;

use common::*;
use yaml_rust2::YamlLoader;

fn check(root: &std::path::Path, format: &str) -> Run {
    run(mallette()
        .arg("check")
        .arg("--root")
        .arg(root)
        .arg("--format")
        .arg(format))
}

#[test]
fn check_human_names_file_line_and_column_and_exits_1() {
    let run = check(&site("invalid/value-outside-vocabulary"), "human");
    assert_eq!(run.code(), 1);
    assert!(
        run.stderr.contains("content/kits/niveau-inconnu.md:6:8:"),
        "{}",
        run.stderr
    );
}

#[test]
fn check_github_prints_workflow_annotations() {
    let run = check(&site("invalid/unknown-key"), "github");
    assert_eq!(run.code(), 1);
    let line = run.stdout.lines().next().expect("one annotation");
    assert!(
        line.starts_with("::error file=content/kits/cle-inconnue.md,line=5,col=1,title=mallette unknown-key::clé inconnue `audience`"),
        "{line}"
    );
    assert!(line.contains("vouliez-vous dire `audiences`"));
}

#[test]
fn check_json_is_a_gitlab_code_quality_report_with_line_and_column() {
    let run = check(&site("invalid/many-errors"), "json");
    assert_eq!(run.code(), 1);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).expect("valid JSON");
    let items = report.as_array().expect("an array");
    assert_eq!(items.len(), 4);
    let level = items
        .iter()
        .find(|i| i["check_name"] == "not-in-vocabulary" && i["line"] == 6)
        .expect("level error");
    assert_eq!(level["location"]["path"], "content/kits/a.md");
    assert_eq!(level["location"]["lines"]["begin"], 6);
    assert_eq!(level["column"], 8);
    assert_eq!(level["severity"], "major");
    assert!(level["description"].as_str().unwrap().contains("`expert`"));
    assert!(level["fingerprint"].as_str().unwrap().len() >= 16);
    let fingerprints: std::collections::BTreeSet<_> =
        items.iter().map(|i| i["fingerprint"].to_string()).collect();
    assert_eq!(fingerprints.len(), items.len(), "fingerprints are unique");
}

#[test]
fn check_reports_dead_anchors_missing_alt_text_http_links_and_stale_kits() {
    let instance = copy_site("valid");
    let kit = instance.path().join("content/kits/vie-privee/traceurs.md");
    let text = read(&kit).replace(
        "Du texte sur les traceurs.",
        "Voir [la section](#objectifs) et [l'autre](../securite/mots-de-passe/index.md#deroule).\n\n![](photo.png)\n\n[site](http://example.org/)",
    );
    std::fs::write(
        &kit,
        text.replace("updated: 2026-01-10", "updated: 2019-01-10"),
    )
    .unwrap();
    std::fs::write(
        instance.path().join("content/kits/vie-privee/photo.png"),
        b"\x89PNG",
    )
    .unwrap();
    let run = check(instance.path(), "json");
    assert_eq!(run.code(), 1, "{}", run.stdout);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let names: Vec<(String, String, u64)> = report
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["check_name"].as_str().unwrap().to_string(),
                i["level"].as_str().unwrap().to_string(),
                i["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert!(
        names.contains(&("missing-anchor".into(), "error".into(), 16)),
        "{names:?}"
    );
    assert!(
        names.contains(&("image-without-alt".into(), "warning".into(), 18)),
        "{names:?}"
    );
    assert!(
        names.contains(&("insecure-link".into(), "warning".into(), 20)),
        "{names:?}"
    );
    assert!(
        names.contains(&("stale-kit".into(), "warning".into(), 11)),
        "{names:?}"
    );
    // `#deroule` exists in the other kit: no error for it.
    assert_eq!(
        names.iter().filter(|n| n.0 == "missing-anchor").count(),
        1,
        "{names:?}"
    );
}

#[test]
fn check_speaks_english_on_an_english_instance() {
    let instance = copy_site("invalid/unknown-key");
    std::fs::write(
        instance.path().join("mallette.toml"),
        "title = \"Wiki\"\nlanguage = \"en\"\n",
    )
    .unwrap();
    let run = check(instance.path(), "human");
    assert!(
        run.stderr
            .contains("error: content/kits/cle-inconnue.md:5:1: unknown key `audience`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("did you mean `audiences`?"));
}

#[test]
fn a_new_kit_passes_check_as_created() {
    let instance = copy_site("valid");
    let created = run(mallette()
        .arg("new")
        .arg("Vérifier une image virale")
        .arg("--theme")
        .arg("desinformation")
        .arg("--root")
        .arg(instance.path()));
    assert_eq!(created.code(), 0, "{}", created.stderr);
    let path = std::path::PathBuf::from(created.stdout.trim());
    assert!(
        path.ends_with("content/kits/verifier-une-image-virale.md"),
        "{}",
        path.display()
    );
    let text = read(&path);
    assert!(text.contains("title: \"Vérifier une image virale\""));
    assert!(text.contains("themes: [desinformation]"));
    assert!(
        text.contains("# Niveau : debutant, intermediaire, avance"),
        "allowed values in comments"
    );
    assert!(text.contains("## Déroulé"));
    let checked = check(instance.path(), "human");
    assert_eq!(checked.code(), 0, "{}", checked.stderr);

    let folder = run(mallette()
        .arg("new")
        .arg("Un kit avec pièces jointes")
        .arg("--folder")
        .arg("--root")
        .arg(instance.path()));
    assert!(folder
        .stdout
        .trim()
        .ends_with("content/kits/un-kit-avec-pieces-jointes/index.md"));
    let again = run(mallette()
        .arg("new")
        .arg("Vérifier une image virale")
        .arg("--root")
        .arg(instance.path()));
    assert_eq!(again.code(), 2, "never overwrites a kit");
    assert!(again.stderr.contains("already exists"));
}

#[test]
fn init_creates_an_instance_that_builds_and_checks_clean_with_valid_workflows() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("wiki");
    let created = run(mallette()
        .arg("init")
        .arg(&dir)
        .arg("--name")
        .arg("Réseau des médiathèques"));
    assert_eq!(created.code(), 0, "{}", created.stderr);
    assert!(read(dir.join("mallette.toml")).contains("title = \"Réseau des médiathèques\""));
    assert!(read(dir.join("CONTRIBUTING.md")).contains("mallette check"));
    assert!(read(dir.join(".gitignore")).contains("/public/"));
    let kits: Vec<_> = walkdir::WalkDir::new(dir.join("content/kits"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .collect();
    assert_eq!(kits.len(), 2, "two example kits");

    for workflow in [
        ".github/workflows/mallette.yml",
        ".gitlab-ci.yml",
        ".forgejo/workflows/mallette.yml",
        ".woodpecker.yml",
    ] {
        let docs = YamlLoader::load_from_str(&read(dir.join(workflow)))
            .unwrap_or_else(|e| panic!("{workflow}: {e}"));
        assert!(
            read(dir.join(workflow)).contains("mallette check"),
            "{workflow} checks merge requests"
        );
        assert!(
            read(dir.join(workflow)).contains("mallette build"),
            "{workflow} builds the site"
        );
        assert!(!docs.is_empty());
    }
    let github =
        &YamlLoader::load_from_str(&read(dir.join(".github/workflows/mallette.yml"))).unwrap()[0];
    assert!(!github["jobs"]["site"]["steps"].is_badvalue());
    assert!(!github["on"]["pull_request"].is_badvalue());
    let gitlab = &YamlLoader::load_from_str(&read(dir.join(".gitlab-ci.yml"))).unwrap()[0];
    assert_eq!(
        gitlab["pages"]["artifacts"]["paths"][0].as_str(),
        Some("public")
    );

    let checked = check(&dir, "human");
    assert_eq!(checked.code(), 0, "{}", checked.stderr);
    let built = build(&dir, &dir.join("public"));
    assert_eq!(built.code(), 0, "{}", built.stderr);
    assert!(dir
        .join("public/kits/premiers-pas-avec-un-smartphone/index.html")
        .exists());

    let again = run(mallette().arg("init").arg(&dir));
    assert_eq!(again.code(), 2, "never writes into a non-empty folder");
}
