//! Hostile input, each with its exact expected outcome: script and event-handler payloads in every
//! front-matter string and in a body (the sanitised output), path traversal (errors with line and
//! column), a 10 MB body, 10,000 nested lists, quotes or HTML elements, 50,000 small kits. Time and
//! peak memory are bounded; a build reads nothing outside the instance's own folders (never outside
//! `content/` for what a kit references) and writes nothing outside `--out`.
//!
//! The classic bad-input classes (unknown key, vocabulary, YAML alias bomb, invalid UTF-8,
//! symlinks…) are in `build_invalid_sites.rs`. Huge inputs are generated here, in temporary
//! folders, rather than committed.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::*;

// --- helpers ----------------------------------------------------------------------------------

/// A finished command with its wall time and peak resident memory (VmHWM, sampled from /proc).
struct Measured {
    output: Output,
    elapsed: Duration,
    peak_rss_mb: u64,
}

impl Measured {
    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }
    fn code(&self) -> i32 {
        self.output.status.code().unwrap_or(-1)
    }
}

fn measured(command: &mut Command) -> Measured {
    let start = Instant::now();
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("mallette runs");
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak_kb = 0u64;
    // Drain the pipes on threads so a chatty build never blocks on a full pipe.
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out_thread = std::thread::spawn(move || {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut out, &mut v).ok();
        v
    });
    let err_thread = std::thread::spawn(move || {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut err, &mut v).ok();
        v
    });
    let status = loop {
        if let Ok(text) = std::fs::read_to_string(&status_file) {
            if let Some(kb) = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse::<u64>().ok())
            {
                peak_kb = peak_kb.max(kb);
            }
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Measured {
        output: Output {
            status,
            stdout: out_thread.join().unwrap(),
            stderr: err_thread.join().unwrap(),
        },
        elapsed: start.elapsed(),
        peak_rss_mb: peak_kb / 1024,
    }
}

fn build_measured(root: &Path, out: &Path) -> Measured {
    measured(
        mallette()
            .arg("build")
            .arg("--root")
            .arg(root)
            .arg("--out")
            .arg(out),
    )
}

fn assert_bounded(run: &Measured, what: &str, max_seconds: u64, max_rss_mb: u64) {
    println!(
        "{what}: {:.1} s, peak RSS {} MB",
        run.elapsed.as_secs_f64(),
        run.peak_rss_mb
    );
    assert!(
        run.elapsed < Duration::from_secs(max_seconds),
        "{what} took {:?} (limit {max_seconds} s)",
        run.elapsed
    );
    assert!(
        run.peak_rss_mb < max_rss_mb,
        "{what} peaked at {} MB (limit {max_rss_mb} MB)",
        run.peak_rss_mb
    );
}

const FRONT_MATTER: &str = "---
title: Un kit
summary: Un résumé.
themes: [securite]
audiences: [adultes]
level: debutant
duration: 30
license: CC0-1.0
authors: [Essai]
---
";

/// A temporary instance with the given kits (`name` → whole file).
fn instance(kits: &[(&str, String)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("mallette.toml"), "title = \"Essai\"\n").unwrap();
    let kits_dir = dir.path().join("content/kits");
    std::fs::create_dir_all(&kits_dir).unwrap();
    for (name, text) in kits {
        std::fs::write(kits_dir.join(name), text).unwrap();
    }
    dir
}

fn text_files(dir: &Path) -> Vec<(PathBuf, String)> {
    snapshot(dir)
        .into_iter()
        .filter_map(|(p, bytes)| String::from_utf8(bytes).ok().map(|t| (p, t)))
        .collect()
}

/// The kit body's HTML inside its page (between the prose wrapper and the first section after
/// it: attachments, field reports or credits).
fn kit_body(page: &str) -> &str {
    let start = r#"<div class="prose kit-body">"#;
    let i = page.find(start).expect("kit body") + start.len();
    let j = page[i..]
        .find(r#"<section class="kit-section "#)
        .map(|j| i + j)
        .expect("a section after the body");
    page[i..j]
        .trim()
        .strip_suffix("</div>")
        .expect("the body's wrapper closes")
        .trim()
}

/// Tera's HTML escaping, to state exactly how a payload shows.
fn escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;")
}

fn hostile_site() -> &'static Path {
    static SITE: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    SITE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let run = build(&site("hostile"), dir.path());
        assert_eq!(run.code(), 0, "{}", run.stderr);
        let diagnostics = run.stderr.split("Site construit").next().unwrap();
        assert_eq!(
            diagnostics,
            "avertissement: content/kits/corps-hostile.md:67:1: l'image `https://evil.example/image.png` \
             vient d'un autre site : elle est remplacée par un lien (aucune ressource externe)\n    |\n \
             67 | ![image distante](https://evil.example/image.png)\n    | ^\n  = aide: téléchargez \
             l'image et placez-la à côté du kit\n",
            "the only diagnostic is the external image's warning"
        );
        dir
    })
    .path()
}

// --- payloads in front-matter strings -------------------------------------------------------------

const TITLE: &str = r#"</script><script>alert("titre")</script><img src=x onerror=alert(1)>"#;
const SUMMARY: &str = r#""><svg onload=alert('resume')> ' onmouseover='alert(2)' </title><!-- ]]> javascript:alert(3)"#;
const AUTHORS: [&str; 4] = [
    "<img src=x onerror=alert('auteur')>",
    r#"</script><script>alert("auteur 2")</script>"#,
    r#"" onfocus="alert(1)" autofocus=""#,
    "]]><script>alert(1)</script><![CDATA[",
];

#[test]
fn payloads_in_every_front_matter_string_show_as_text_everywhere() {
    let site = hostile_site();
    let page = read(site.join("kits/champs-hostiles/index.html"));
    // The kit page: title element, heading, summary (text and meta description), authors.
    assert!(
        page.contains(&format!("<title>{} · ", escaped(TITLE))),
        "{page}"
    );
    assert!(page.contains(&format!("<h1>{}</h1>", escaped(TITLE))));
    assert!(page.contains(&format!(
        "<meta name=\"description\" content=\"{}\">",
        escaped(SUMMARY)
    )));
    assert!(page.contains(&format!(
        "<p class=\"lead kit-summary\">{}</p>",
        escaped(SUMMARY)
    )));
    let authors: Vec<String> = AUTHORS.iter().map(|a| escaped(a)).collect();
    assert!(page.contains(&format!("<dd>{}</dd>", authors.join(", "))));
    // The plain page's title and summary, and the instance's own title (mallette.toml).
    let plain = read(site.join("pages/page-hostile/index.html"));
    assert!(plain.contains(&format!(
        "<h1>{}</h1>",
        escaped(r#"<iframe src="javascript:alert('page')"></iframe>"#)
    )));
    assert!(page.contains(&format!(
        "<span>{}</span>",
        escaped("Réseau <script>alert('titre du site')</script>")
    )));

    // JSON-LD: no `<` at all inside the data block, so `</script>` cannot close it; the data
    // reads back to the exact strings.
    let start = page.find("<script type=\"application/ld+json\">").unwrap();
    let block = &page[start + 35..];
    let block = &block[..block.find("</script>").unwrap()];
    assert!(!block.contains('<'), "{block}");
    let data: serde_json::Value = serde_json::from_str(block).unwrap();
    assert_eq!(data["name"], TITLE);
    assert_eq!(data["description"], SUMMARY);
    let names: Vec<&str> = data["author"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, AUTHORS);

    // catalog.json holds the exact strings (data, for other programs to escape).
    let catalog: serde_json::Value =
        serde_json::from_str(&read(site.join("catalog.json"))).unwrap();
    let kit = catalog["kits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["slug"] == "champs-hostiles")
        .unwrap();
    assert_eq!(kit["title"], TITLE);
    assert_eq!(kit["summary"], SUMMARY);

    // The Atom feed: XML-escaped, so no element but the feed's own.
    let feed = read(site.join("feed.xml"));
    assert!(feed.contains(
        "<title>&lt;/script&gt;&lt;script&gt;alert(&quot;titre&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;</title>"
    ), "{feed}");
    assert!(feed.contains(
        "<author><name>]]&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;![CDATA[</name></author>"
    ));

    // Everywhere: no payload became markup.
    for (path, text) in text_files(site) {
        let is_markup = path
            .extension()
            .is_some_and(|e| e == "html" || e == "xml" || e == "svg");
        if !is_markup {
            continue;
        }
        for forbidden in [
            "<script>alert",
            "<img src=x",
            "<svg onload",
            "<iframe",
            "<![CDATA[",
        ] {
            assert!(
                !text.contains(forbidden),
                "{}: {forbidden} in the output",
                path.display()
            );
        }
        assert_eq!(
            tags_with_event_handlers(&text),
            Vec::<String>::new(),
            "{}",
            path.display()
        );
    }
}

// --- payloads in a body -----------------------------------------------------------------------

#[test]
fn hostile_html_in_a_body_gives_exactly_the_expected_sanitised_output() {
    let page = read(hostile_site().join("kits/corps-hostile/index.html"));
    let body = kit_body(&page);
    let expected_file = site("hostile/expected/corps-hostile.html");
    if std::env::var_os("MALLETTE_BLESS").is_some() {
        std::fs::write(&expected_file, format!("{body}\n")).unwrap();
    }
    let expected = read(&expected_file);
    assert_eq!(
        body,
        expected.trim_end(),
        "the sanitised body changed (check it, then MALLETTE_BLESS=1 to accept)"
    );
    // What the expected output guarantees, stated once more.
    let lower = body.to_ascii_lowercase();
    for forbidden in [
        "<script",
        "<style",
        "<iframe",
        "<object",
        "<embed",
        "<svg",
        "<math",
        "<form",
        "<link",
        "<base",
        "<meta",
        "<video",
        "<audio",
        "<template",
        "href=\"javascript",
        "href=\"vbscript",
        "href=\"data:",
        "src=\"http",
        "src=\"//",
        " srcset=",
        " style=",
        "url(",
    ] {
        assert!(!lower.contains(forbidden), "{forbidden} in:\n{body}");
    }
    assert_eq!(tags_with_event_handlers(body), Vec::<String>::new());
    // Raw HTML is not resolved: a relative link stays as written and nothing is copied.
    assert!(body.contains(r#"<a href="../../../mallette.toml" rel="noopener noreferrer">"#));
    let copied: Vec<_> = snapshot(hostile_site())
        .into_iter()
        .filter(|(p, _)| p.ends_with("mallette.toml") || p.ends_with("passwd"))
        .collect();
    assert!(copied.is_empty(), "{copied:?}");
}

// --- path traversal -----------------------------------------------------------------------------

#[test]
fn path_traversal_in_links_and_images_is_an_error_at_each_line_and_reads_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let run = build(&site("hostile-paths"), &out);
    assert_eq!(run.code(), 1, "{}", run.stderr);
    let errors: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("erreur: "))
        .collect();
    let leaves = |line: usize, target: &str| {
        format!(
            "erreur: content/kits/dossier/traversee.md:{line}:1: le lien `{target}` sort du dossier content/ : il ne sera ni lu ni copié"
        )
    };
    let expected = [
        leaves(12, "../../../secret.txt"),
        leaves(13, "../../../mallette.toml"),
        leaves(14, "../../../../../../../../etc/passwd"),
        leaves(15, "..%2F..%2F..%2Fsecret.txt"),
        leaves(16, "%2e%2e/%2e%2e/%2e%2e/secret.txt"),
        leaves(17, "permis.txt/../../../../secret.txt"),
        // Markdown reads `\.` as an escaped dot: the target is `......\secret.txt`.
        leaves(18, r"......\secret.txt"),
        leaves(19, "/../secret.txt"),
        leaves(20, "../../../mallette.toml"),
    ];
    assert_eq!(errors, expected, "\n{}", run.stderr);
    assert!(run
        .stderr
        .contains("9 erreurs dans 1 fichier : rien n'a été écrit."));
    assert!(!out.exists(), "a failed build writes nothing");
    assert!(!run.stderr.contains("SECRET-HORS-CONTENU"));
}

// --- no read outside the instance, no write outside --out -------------------------------------------

/// Every path a process tree opened, created, renamed or removed, from `strace -ff` logs:
/// (path, written) pairs.
fn traced_paths(trace_dir: &Path) -> Vec<(String, bool)> {
    let mut paths = Vec::new();
    for (file, text) in text_files(trace_dir) {
        let _ = file;
        for line in text.lines() {
            if line.contains("= -1 ") {
                continue; // failed calls touched nothing
            }
            let Some(q) = line.find('"') else { continue };
            let Some(len) = line[q + 1..].find('"') else {
                continue;
            };
            let path = line[q + 1..q + 1 + len].to_string();
            let call = &line[..q];
            let written = call.contains("mkdir")
                || call.contains("rename")
                || call.contains("unlink")
                || call.contains("link")
                || call.starts_with("creat")
                || line.contains("O_WRONLY")
                || line.contains("O_RDWR")
                || line.contains("O_CREAT");
            paths.push((path, written));
        }
    }
    paths
}

#[test]
fn a_build_reads_only_its_instance_and_writes_only_beside_out() {
    let strace = Command::new("strace").arg("-V").output();
    assert!(
        strace.is_ok_and(|o| o.status.success()),
        "strace is missing: apt-get install -y strace"
    );
    let work = tempfile::tempdir().unwrap();
    let root = work.path().join("instance");
    copy_dir(&site("hostile"), &root);
    // A file beside content/ that no kit may read, and one outside the instance.
    std::fs::write(root.join("secret.txt"), "SECRET").unwrap();
    std::fs::write(work.path().join("outside.txt"), "SECRET").unwrap();
    let out_parent = work.path().join("deploy");
    std::fs::create_dir(&out_parent).unwrap();
    let out = out_parent.join("site");
    let traces = work.path().join("trace");
    std::fs::create_dir(&traces).unwrap();
    let before = snapshot(&root);
    let status = Command::new("strace")
        .args(["-ff", "-qq", "-e", "trace=open,openat,openat2,creat,mkdir,mkdirat,rename,renameat,renameat2,unlink,unlinkat,rmdir,link,linkat,symlink,symlinkat,truncate"])
        .arg("-o")
        .arg(traces.join("t"))
        .arg(env!("CARGO_BIN_EXE_mallette"))
        .arg("build")
        .arg("--root")
        .arg(&root)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let root_s = root.to_string_lossy().to_string();
    let work_s = work.path().to_string_lossy().to_string();
    let out_parent_s = out_parent.to_string_lossy().to_string();
    let mut read_in_instance = Vec::new();
    for (path, written) in traced_paths(&traces) {
        if written {
            assert!(
                path.starts_with(&format!("{out_parent_s}/")) || path == "/dev/null",
                "wrote outside --out's folder: {path}"
            );
            continue;
        }
        if let Some(rel) = path.strip_prefix(&format!("{root_s}/")) {
            read_in_instance.push(rel.to_string());
        } else if path.starts_with(&work_s) {
            assert!(
                path == root_s || path.starts_with(&out_parent_s),
                "read outside the instance: {path}"
            );
        }
    }
    for rel in &read_in_instance {
        let allowed = ["content", "themes", "vocabularies", "federation", ".git"]
            .iter()
            .any(|d| rel == d || rel.starts_with(&format!("{d}/")))
            || rel == "mallette.toml";
        assert!(
            allowed,
            "read {rel} in the instance, outside its own folders"
        );
    }
    assert!(read_in_instance
        .iter()
        .any(|r| r == "content/kits/corps-hostile.md"));
    assert_eq!(snapshot(&root), before, "the instance is left as it was");
    let beside: Vec<_> = std::fs::read_dir(&out_parent)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        beside,
        vec![std::ffi::OsString::from("site")],
        "no staging folder is left"
    );
    let leaked: Vec<_> = text_files(&out)
        .into_iter()
        .filter(|(_, t)| t.contains("SECRET"))
        .map(|(p, _)| p)
        .collect();
    assert!(leaked.is_empty(), "{leaked:?}");
}

// --- sizes: 10 MB body, 10,000 nested levels, 50,000 kits ---------------------------------------

#[test]
fn a_10_mb_body_builds_in_bounded_time_and_memory() {
    let mut body = String::with_capacity(10 * 1024 * 1024 + 4096);
    let mut n = 0;
    while body.len() < 10 * 1024 * 1024 {
        n += 1;
        body.push_str(&format!(
            "## Séquence {n}\n\nLes participants créent une *phrase de passe* de {n} mots et la \
             testent avec le [gestionnaire](https://example.org/{n}) ; **durée** : {n} minutes.\n\n\
             - étape `un` {n}\n- étape deux\n  - détail {n}\n\n> Citation {n} de l'animatrice.\n\n\
             | colonne | valeur |\n|---|---|\n| a | {n} |\n\n"
        ));
    }
    let dir = instance(&[("enorme.md", format!("{FRONT_MATTER}\n{body}"))]);
    let out = tempfile::tempdir().unwrap();
    let run = build_measured(dir.path(), &out.path().join("site"));
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert_bounded(&run, "10 MB body", 300, 2048);
    let page = read(out.path().join("site/kits/enorme/index.html"));
    assert!(page.contains(&format!("<h2 id=\"sequence-{n}\">Séquence {n}</h2>")));
    assert!(page.len() > 10 * 1024 * 1024);
}

#[test]
fn a_10_mb_single_line_of_markup_is_bounded_too() {
    // Pathological single lines: unclosed emphasis, brackets, raw HTML start tags.
    let size = 10 * 1024 * 1024;
    let kits = [
        (
            "etoiles.md",
            format!("{FRONT_MATTER}\n{}\n", "*a ".repeat(size / 3)),
        ),
        (
            "crochets.md",
            format!("{FRONT_MATTER}\n{}\n", "[a](".repeat(size / 4)),
        ),
        (
            "divs.md",
            format!("{FRONT_MATTER}\n{}\n", "<div>".repeat(size / 5)),
        ),
    ];
    let dir = instance(&kits);
    let out = tempfile::tempdir().unwrap();
    let run = build_measured(dir.path(), &out.path().join("site"));
    assert_bounded(&run, "10 MB lines", 300, 3072);
    // The deep `<div>`s are an error at their line; the two others build.
    assert_eq!(run.code(), 1, "{}", run.stderr());
    let errors: Vec<String> = run
        .stderr()
        .lines()
        .filter(|l| l.starts_with("erreur: "))
        .map(str::to_string)
        .collect();
    assert_eq!(
        errors,
        ["erreur: content/kits/divs.md:12:501: listes, citations ou balises HTML imbriquées sur plus de 100 niveaux"]
    );
}

#[test]
fn ten_thousand_nested_lists_quotes_or_elements_are_an_error_at_their_line() {
    let kits = [
        (
            "listes.md",
            format!("{FRONT_MATTER}\nIntro.\n\n{}fond\n", "- ".repeat(10_000)),
        ),
        (
            "listes-indentees.md",
            format!(
                "{FRONT_MATTER}\n{}",
                (0..10_000)
                    .map(|i| format!("{}- niveau {i}\n", " ".repeat(2 * i)))
                    .take(200)
                    .collect::<String>()
            ),
        ),
        (
            "citations.md",
            format!("{FRONT_MATTER}\nIntro.\n\n{}fond\n", "> ".repeat(10_000)),
        ),
        (
            "citations-lignes.md",
            format!(
                "{FRONT_MATTER}\n{}",
                (1..=10_000)
                    .map(|i| format!("{} ligne\n", ">".repeat(i.min(10_000))))
                    .take(300)
                    .collect::<String>()
            ),
        ),
        (
            "elements.md",
            format!(
                "{FRONT_MATTER}\nIntro.\n\n{}fond\n",
                "<blockquote>".repeat(10_000)
            ),
        ),
    ];
    let dir = instance(&kits);
    let out = tempfile::tempdir().unwrap();
    let run = build_measured(dir.path(), &out.path().join("site"));
    assert_bounded(&run, "10,000 nested levels", 120, 1024);
    assert_eq!(run.code(), 1, "{}", run.stderr());
    let message = "listes, citations ou balises HTML imbriquées sur plus de 100 niveaux";
    let mut errors: Vec<String> = run
        .stderr()
        .lines()
        .filter(|l| l.starts_with("erreur: "))
        .map(str::to_string)
        .collect();
    errors.sort();
    let mut expected = vec![
        // 2 elements per list level (`<ul>`, `<li>`): the 51st level, at column 101.
        format!("erreur: content/kits/listes.md:14:101: {message}"),
        // Indented lists: one line per level from line 12, the 51st level on line 62.
        format!("erreur: content/kits/listes-indentees.md:62:101: {message}"),
        format!("erreur: content/kits/citations.md:14:201: {message}"),
        format!("erreur: content/kits/citations-lignes.md:112:101: {message}"),
        format!("erreur: content/kits/elements.md:14:1201: {message}"),
    ];
    expected.sort();
    assert_eq!(errors, expected, "\n{}", run.stderr());
    assert!(run.stderr().contains("5 erreurs dans 5 fichiers"));
}

#[test]
fn fifty_thousand_small_kits_build_in_bounded_time_and_memory() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("mallette.toml"),
        "title = \"Cinquante mille\"\n",
    )
    .unwrap();
    let themes = ["vie-privee", "securite", "cryptoparty", "desinformation"];
    for i in 0..50_000 {
        let folder = dir.path().join(format!("content/kits/g{:02}", i / 1000));
        if i % 1000 == 0 {
            std::fs::create_dir_all(&folder).unwrap();
        }
        std::fs::write(
            folder.join(format!("kit-{i:05}.md")),
            format!(
                "---\ntitle: Kit numéro {i}\nsummary: Un petit kit généré pour l'essai de charge.\n\
                 themes: [{}]\naudiences: [adultes]\nlevel: debutant\nduration: 30\nlicense: CC0-1.0\n\
                 authors: [Essai]\n---\n\nCorps du kit {i}.\n",
                themes[i % 4]
            ),
        )
        .unwrap();
    }
    let out = tempfile::tempdir().unwrap();
    let run = build_measured(dir.path(), &out.path().join("site"));
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert_bounded(&run, "50,000 kits", 900, 3072);
    assert!(
        run.stderr()
            .contains("Site construit : 50000 kits, 0 page,"),
        "{}",
        run.stderr()
    );
    assert!(out.path().join("site/kits/kit-49999/index.html").exists());
}
