//! Whatever the input, mallette keeps working, loses nothing and lets no one in: the output
//! folder, kits swallowed by a folder, files replacing generated ones, attachments, hostile
//! federated catalogs, templates, leftovers and races (`serve` has its own file:
//! tests/serve_behaviour.rs).

mod common;

use std::io::{Read, Write};
use std::path::Path;

use common::*;

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A minimal kit's front-matter with `extra` lines, and a body.
fn kit(title: &str, extra: &str, body: &str) -> String {
    format!(
        "---\ntitle: {title}\nsummary: Un kit de test.\nthemes: [securite]\naudiences: [adultes]\nlevel: debutant\nduration: 30\nlicense: CC-BY-SA-4.0\nauthors: [Test]\n{extra}---\n\n{body}\n"
    )
}

/// An instance in a fresh folder with `files` (path, text) beside a one-line mallette.toml.
fn instance(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("mallette.toml"), "title = \"Test\"\n");
    for (path, text) in files {
        write(&dir.path().join(path), text);
    }
    dir
}

fn check(root: &Path) -> Run {
    run(mallette().arg("check").arg("--root").arg(root))
}

// ------------------------------------------------------------------------- 1. --out

#[test]
fn an_out_folder_holding_other_files_is_refused_and_left_as_it_was_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("mes-documents");
    write(&out.join(".git/HEAD"), "ref: refs/heads/main\n");
    write(&out.join("notes.txt"), "à garder\n");
    let before = snapshot(&out);
    let refused = build(&site("valid"), &out);
    assert_eq!(refused.code(), 2, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("refus de remplacer")
            && refused.stderr.contains("mes-documents")
            && refused.stderr.contains("--force"),
        "{}",
        refused.stderr
    );
    assert_eq!(snapshot(&out), before, "nothing of the folder changed");

    let forced = run(mallette()
        .arg("build")
        .arg("--root")
        .arg(site("valid"))
        .arg("--out")
        .arg(&out)
        .arg("--force"));
    assert_eq!(forced.code(), 0, "{}", forced.stderr);
    assert!(out.join(".mallette-site").is_file());
    assert!(!out.join("notes.txt").exists());
    // Its own output is replaced without --force, every time.
    assert_eq!(build(&site("valid"), &out).code(), 0);
    assert_eq!(build(&site("valid"), &out).code(), 0);
}

#[test]
fn an_out_that_is_a_file_is_refused_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("rapport.odt");
    std::fs::write(&file, b"un rapport").unwrap();
    let run = build(&site("valid"), &file);
    assert_eq!(run.code(), 2, "{}", run.stderr);
    assert!(run.stderr.contains("c'est un fichier"), "{}", run.stderr);
    assert_eq!(std::fs::read(&file).unwrap(), b"un rapport");
}

#[test]
fn an_empty_folder_is_a_fine_out() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("vide");
    std::fs::create_dir(&out).unwrap();
    assert_eq!(build(&site("valid"), &out).code(), 0);
    assert!(out.join("index.html").is_file());
}

// ------------------------------------------------------------------------- 2. nothing swallowed

#[test]
fn an_index_md_that_would_swallow_sibling_kits_is_an_error_and_no_source_is_published() {
    let root = instance(&[
        ("content/kits/securite/index.md", &kit("Rangement", "", "x")),
        (
            "content/kits/securite/mots-de-passe.md",
            &kit("Mots de passe", "draft: true\n", "brouillon"),
        ),
        (
            "content/kits/securite/arnaques/index.md",
            &kit("Arnaques", "", "y"),
        ),
        ("content/kits/index.md", &kit("Tout", "", "z")),
    ]);
    let out = root.path().join("public");
    let run = build(root.path(), &out);
    assert_eq!(run.code(), 1, "{}", run.stderr);
    assert!(run.stderr.contains("erreur: content/kits/index.md:1:1: content/kits/index.md ferait du dossier content/kits un seul kit"), "{}", run.stderr);
    assert!(run.stderr.contains("erreur: content/kits/securite/mots-de-passe.md:1:1: ce fichier a l'en-tête d'un kit mais se trouve dans le dossier du kit content/kits/securite/index.md"), "{}", run.stderr);
    assert!(run.stderr.contains("erreur: content/kits/securite/arnaques/index.md:1:1: ce kit est dans le dossier d'un autre kit (content/kits/securite/index.md)"), "{}", run.stderr);
    assert!(!out.exists());
    assert_eq!(check(root.path()).code(), 1, "check agrees with build");
}

#[test]
fn a_draft_linked_from_a_published_kit_is_never_published() {
    let root = instance(&[
        (
            "content/kits/public.md",
            &kit("Public", "", "Voir [le brouillon](brouillon.md)."),
        ),
        (
            "content/kits/brouillon.md",
            &kit("Brouillon", "draft: true\n", "Texte secret du brouillon."),
        ),
    ]);
    let out = root.path().join("public");
    let run = build(root.path(), &out);
    assert_eq!(run.code(), 0, "{}", run.stderr);
    let published: Vec<String> = snapshot(&out)
        .into_iter()
        .filter(|(_, bytes)| String::from_utf8_lossy(bytes).contains("Texte secret"))
        .map(|(path, _)| path.display().to_string())
        .collect();
    assert!(published.is_empty(), "the draft's text is in {published:?}");
    assert!(!out.join("kits/brouillon.md").exists());
}

// ------------------------------------------------------------------------- 3. one owner per path

#[test]
fn a_file_of_content_never_replaces_a_generated_file() {
    let root = instance(&[
        (
            "content/kits/sauvegardes/index.md",
            &kit(
                "Sauvegardes",
                "",
                "[Flux](../../feed.xml) et [style](../../static/style.css).",
            ),
        ),
        ("content/kits/sauvegardes/sauvegardes.zip", "PK faux"),
        ("content/feed.xml", "<feed>faux</feed>"),
        ("content/static/style.css", "body{}"),
    ]);
    let out = root.path().join("public");
    let run = build(root.path(), &out);
    assert_eq!(run.code(), 1, "{}", run.stderr);
    for expected in [
        "erreur: content/kits/sauvegardes/sauvegardes.zip: `content/kits/sauvegardes/sauvegardes.zip` serait publié à l'adresse /kits/sauvegardes/sauvegardes.zip, qui est l'archive .zip de content/kits/sauvegardes/index.md",
        "erreur: content/feed.xml: `content/feed.xml` serait publié à l'adresse /feed.xml, qui est un fichier que mallette écrit lui-même",
        "erreur: content/static/style.css: `content/static/style.css` serait publié à l'adresse /static/style.css",
    ] {
        assert!(run.stderr.contains(expected), "{expected}\n{}", run.stderr);
    }
    assert!(!out.exists());
    assert_eq!(check(root.path()).code(), 1);
}

// ------------------------------------------------------------------------- 4. inert attachments

#[test]
fn an_html_attachment_is_refused_with_its_name() {
    let root = instance(&[
        (
            "content/kits/page-web/index.md",
            &kit("Page web", "", "Le modèle."),
        ),
        (
            "content/kits/page-web/index.html",
            "<script>alert(document.domain)</script>",
        ),
    ]);
    let run = build(root.path(), &root.path().join("public"));
    assert_eq!(run.code(), 1, "{}", run.stderr);
    assert!(run.stderr.contains("erreur: content/kits/page-web/index.html: `content/kits/page-web/index.html` est une page HTML"), "{}", run.stderr);
}

#[test]
fn an_svg_attachment_is_published_without_what_runs() {
    let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script><image href="https://traceur.example/p.png"/><circle r="5"/></svg>"#;
    let root = instance(&[
        (
            "content/kits/roue/index.md",
            &kit("Roue", "", "![La roue](roue.svg)"),
        ),
        ("content/kits/roue/roue.svg", svg),
    ]);
    let out = root.path().join("public");
    let run = build(root.path(), &out);
    assert_eq!(run.code(), 0, "{}", run.stderr);
    let published = read(out.join("kits/roue/roue.svg"));
    assert!(published.contains("<circle r=\"5\"/>"), "{published}");
    for gone in ["alert", "onload", "<script", "traceur.example"] {
        assert!(!published.contains(gone), "{gone}: {published}");
    }
    let mut archive =
        zip::ZipArchive::new(std::fs::File::open(out.join("kits/roue/roue.zip")).unwrap()).unwrap();
    let mut zipped = String::new();
    archive
        .by_name("roue/roue.svg")
        .unwrap()
        .read_to_string(&mut zipped)
        .unwrap();
    assert_eq!(zipped, published, "the archive carries the same clean file");
}

#[test]
fn what_check_accepts_build_builds_two_attachments_of_one_name_included() {
    let root = instance(&[
        (
            "content/kits/deux/index.md",
            &kit(
                "Deux fiches",
                "",
                "[Fiche A](a/fiche.pdf) et [fiche B](../b/fiche.pdf).",
            ),
        ),
        ("content/kits/deux/a/fiche.pdf", "A"),
        ("content/kits/b/fiche.pdf", "B"),
    ]);
    assert_eq!(
        check(root.path()).code(),
        0,
        "{}",
        check(root.path()).stderr
    );
    let out = root.path().join("public");
    let run = build(root.path(), &out);
    assert_eq!(run.code(), 0, "{}", run.stderr);
    let mut archive =
        zip::ZipArchive::new(std::fs::File::open(out.join("kits/deux/deux.zip")).unwrap()).unwrap();
    let mut names: Vec<String> = archive.file_names().map(str::to_string).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "deux/fiche-2.pdf",
            "deux/fiche.pdf",
            "deux/index.html",
            "deux/style.css"
        ]
    );
    let mut page = String::new();
    archive
        .by_name("deux/index.html")
        .unwrap()
        .read_to_string(&mut page)
        .unwrap();
    assert!(
        page.contains("href=\"fiche.pdf\"") && page.contains("href=\"fiche-2.pdf\""),
        "{page}"
    );
}

#[test]
fn a_slug_too_long_to_be_a_file_name_is_an_error_in_check_and_build() {
    let slug = "a".repeat(252);
    let root = instance(&[(&format!("content/kits/{slug}.md"), &kit("Long", "", "x"))]);
    for run in [
        check(root.path()),
        build(root.path(), &root.path().join("public")),
    ] {
        assert_eq!(run.code(), 1, "{}", run.stderr);
        assert!(
            run.stderr.contains("fait 252 octets : 100 au plus"),
            "{}",
            run.stderr
        );
    }
}

// ------------------------------------------------------------------------- 5. federated catalogs

fn federated(catalog: &str, extra_config: &str) -> tempfile::TempDir {
    let root = instance(&[
        ("content/kits/local.md", &kit("Local", "", "x")),
        ("federation/autre-reseau.json", catalog),
    ]);
    write(
        &root.path().join("mallette.toml"),
        &format!("title = \"Test\"\n{extra_config}\n[[federation]]\nname = \"Autre réseau\"\ncatalog = \"https://autre.example/catalog.json\"\n"),
    );
    root
}

fn remote_kit(i: usize, title: &str) -> String {
    format!(
        r#"{{"slug":"k{i}","url":"https://autre.example/kits/k{i}/","title":"{title} {i}","level":"debutant","themes":["securite"]}}"#
    )
}

#[test]
fn a_catalog_links_its_site_only_by_a_web_address() {
    let catalog = format!(
        r#"{{"catalog_version":1,"site":{{"url":"javascript:alert(1)"}},"kits":[{}]}}"#,
        remote_kit(1, "Distant")
    );
    let root = federated(&catalog, "");
    let out = root.path().join("public");
    let run = build(root.path(), &out);
    assert_eq!(run.code(), 0, "{}", run.stderr);
    let kits = read(out.join("kits/index.html"));
    assert!(kits.contains("Distant 1"), "the remote kit is listed");
    assert!(!kits.to_lowercase().contains("javascript:"), "{kits}");
}

#[test]
fn a_huge_catalog_is_capped_with_one_warning() {
    let kits: Vec<String> = (0..20_000).map(|i| remote_kit(i, "Distant")).collect();
    let mut bad: Vec<String> = (0..500)
        .map(|i| format!(r#"{{"slug":"bad{i}","url":"ftp://x","title":"X"}}"#))
        .collect();
    bad.extend(kits);
    let catalog = format!(r#"{{"catalog_version":1,"kits":[{}]}}"#, bad.join(","));
    let root = federated(&catalog, "max_remote_kits = 1000\n");
    let out = root.path().join("public");
    let run = build(root.path(), &out);
    assert_eq!(run.code(), 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("1000 kits gardés, 19500 laissés de côté"),
        "{}",
        run.stderr
    );
    assert_eq!(
        run.stderr.matches("avertissement").count(),
        2,
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("500 kits sans adresse web absolue ou sans titre ignorés"),
        "{}",
        run.stderr
    );
    let catalog = read(out.join("catalog.json"));
    assert!(
        !catalog.contains("Distant"),
        "remote kits are not republished"
    );
}

#[test]
fn a_remote_string_never_forges_a_line_of_the_ci_log() {
    let catalog = r#"{"catalog_version":1,"kits":[{"slug":"x\n::error file=README.md::forged","url":"nowhere","title":"X"}]}"#;
    let root = federated(catalog, "");
    let run = build(root.path(), &root.path().join("public"));
    assert_eq!(run.code(), 0, "{}", run.stderr);
    assert!(
        !run.stderr.lines().any(|l| l.starts_with("::error")),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("x\\u{a}::error"), "{}", run.stderr);
}

#[test]
fn two_federation_entries_stored_in_one_file_are_an_error() {
    let root = instance(&[("content/kits/local.md", &kit("Local", "", "x"))]);
    write(
        &root.path().join("mallette.toml"),
        "title = \"Test\"\n[[federation]]\nname = \"Réseau A\"\ncatalog = \"https://a.example/c.json\"\n[[federation]]\nname = \"réseau a\"\ncatalog = \"https://b.example/c.json\"\n",
    );
    let run = build(root.path(), &root.path().join("public"));
    assert_eq!(run.code(), 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("would both be stored in federation/reseau-a.json"),
        "{}",
        run.stderr
    );
}

/// A one-request HTTP server on 127.0.0.1 answering `response` (raw), in a thread.
fn answer_once(response: &'static str) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap().to_string();
    std::thread::spawn(move || {
        if let Ok((mut stream, _)) = listener.accept() {
            let mut buffer = [0u8; 2048];
            let _ = stream.read(&mut buffer);
            let _ = stream.write_all(response.as_bytes());
        }
    });
    address
}

#[test]
fn fetch_catalogs_follows_no_redirect_out_of_the_web() {
    let address = answer_once(
        "HTTP/1.1 302 Found\r\nLocation: file:///etc/passwd\r\nContent-Length: 0\r\n\r\n",
    );
    let root = instance(&[("content/kits/local.md", &kit("Local", "", "x"))]);
    write(
        &root.path().join("mallette.toml"),
        &format!("title = \"Test\"\n[[federation]]\nname = \"Redirige\"\ncatalog = \"http://{address}/catalog.json\"\n"),
    );
    let run = run(mallette()
        .arg("fetch-catalogs")
        .arg("--root")
        .arg(root.path()));
    assert_eq!(run.code(), 2, "no panic (101): {}", run.stderr);
    assert!(
        run.stderr
            .contains("file:///etc/passwd` is not a web address"),
        "{}",
        run.stderr
    );
    assert!(!root.path().join("federation").exists());
}

// ------------------------------------------------------------------------- 7. templates

fn themed(template: &str, source: &str) -> tempfile::TempDir {
    let root = instance(&[
        ("content/kits/local.md", &kit("Local", "", "x")),
        (&format!("themes/t/templates/{template}"), source),
    ]);
    write(
        &root.path().join("mallette.toml"),
        "title = \"Test\"\ntheme = \"t\"\n",
    );
    root
}

#[test]
fn a_template_that_includes_itself_is_an_error_naming_it_not_a_crash() {
    for (template, source, named) in [
        ("404.html", "{% include \"404.html\" %}", "404.html → 404.html"),
        ("macros.html", "{% macro plural(n, zero, one, many) %}{{ self::plural(n=n, zero=zero, one=one, many=many) }}{% endmacro plural %}", "macros.html::plural"),
    ] {
        let root = themed(template, source);
        let out_parent = tempfile::tempdir().unwrap();
        let run = build(root.path(), &out_parent.path().join("public"));
        assert_eq!(run.code(), 2, "{template}: {}", run.stderr);
        assert!(run.stderr.contains(named), "{template}: {}", run.stderr);
        let left: Vec<_> = std::fs::read_dir(out_parent.path()).unwrap().collect();
        assert!(left.is_empty(), "no staging folder left: {left:?}");
    }
}

#[test]
fn a_huge_range_and_get_env_are_refused() {
    for (source, message) in [
        (
            "{% for i in range(end=1000000000) %}x{% endfor %}",
            "1000000000 values asked, at most 10000",
        ),
        ("{{ get_env(name=\"HOME\") }}", "get_env() is disabled"),
    ] {
        let root = themed("404.html", source);
        let run = build(root.path(), &root.path().join("public"));
        assert_eq!(run.code(), 2, "{}", run.stderr);
        assert!(run.stderr.contains(message), "{}", run.stderr);
    }
}

#[test]
fn a_theme_must_be_a_folder_of_themes() {
    let root = instance(&[("content/kits/local.md", &kit("Local", "", "x"))]);
    write(
        &root.path().join("mallette.toml"),
        "title = \"Test\"\ntheme = \"../../etc\"\n",
    );
    let run = build(root.path(), &root.path().join("public"));
    assert_eq!(run.code(), 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("must name a folder of themes/"),
        "{}",
        run.stderr
    );
}

// ------------------------------------------------------------------------- 8. leftovers, races, bytes

#[test]
fn a_killed_build_leaves_nothing_the_next_one_does_not_remove() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    for leftover in [
        ".mallette-staging-public-abc123",
        ".mallette-old-public-def456",
    ] {
        write(&dir.path().join(leftover).join("index.html"), "old");
    }
    write(&dir.path().join("autre.txt"), "not ours");
    assert_eq!(build(&site("valid"), &out).code(), 0);
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["autre.txt", "public"]);
}

#[test]
fn concurrent_builds_into_one_out_all_succeed() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let children: Vec<_> = (0..8)
        .map(|_| {
            mallette()
                .arg("build")
                .arg("--root")
                .arg(site("valid"))
                .arg("--out")
                .arg(&out)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let output = child.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    assert!(out.join("index.html").is_file() && out.join(".mallette-site").is_file());
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "only public/ is left"
    );
}

#[test]
fn the_same_input_builds_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    for offline in [false, true] {
        let (a, b) = (
            dir.path().join(format!("a{offline}")),
            dir.path().join(format!("b{offline}")),
        );
        for out in [&a, &b] {
            let mut command = mallette();
            command
                .arg("build")
                .arg("--root")
                .arg(site("valid"))
                .arg("--out")
                .arg(out);
            if offline {
                command.arg("--offline");
            }
            assert_eq!(run(&mut command).code(), 0);
        }
        assert_eq!(snapshot(&a), snapshot(&b), "offline: {offline}");
    }
}

// ------------------------------------------------------------------------- 9. new and init

#[test]
fn new_with_a_very_long_title_is_a_clear_error_and_a_long_one_passes_check() {
    let root = instance(&[]);
    let too_long = "Atelier ".repeat(25);
    let run_long = run(mallette()
        .arg("new")
        .arg(&too_long)
        .arg("--root")
        .arg(root.path()));
    assert_eq!(run_long.code(), 2, "{}", run_long.stderr);
    assert!(
        run_long.stderr.contains("120 at most"),
        "{}",
        run_long.stderr
    );
    let long = "Découvrir pas à pas les démarches administratives en ligne avec les personnes âgées de la commune";
    let created = run(mallette()
        .arg("new")
        .arg(long)
        .arg("--root")
        .arg(root.path()));
    assert_eq!(created.code(), 0, "{}", created.stderr);
    let checked = check(root.path());
    assert_eq!(checked.code(), 0, "{}", checked.stderr);
}

#[test]
fn init_with_control_characters_in_the_name_writes_valid_toml() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("wiki");
    let created = run(mallette()
        .arg("init")
        .arg(&root)
        .arg("--name")
        .arg("Réseau\u{1}\u{7f} \"des\" médiathèques\u{1b}[31m"));
    assert_eq!(created.code(), 0, "{}", created.stderr);
    let config: toml::Value = toml::from_str(&read(root.join("mallette.toml"))).unwrap();
    assert_eq!(
        config["title"].as_str(),
        Some("Réseau \"des\" médiathèques[31m")
    );
    assert_eq!(check(&root).code(), 0);
}
