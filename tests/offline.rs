//! Offline use: `build --offline` (a site opened from disk) and each kit's `.zip`.

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};

use common::*;

/// Every `href`, `src` and search-file value of `html`'s elements (read by the HTML oracle).
fn links(html: &str) -> Vec<String> {
    common::html::start_tags(html)
        .iter()
        .flat_map(|tag| {
            ["href", "src", "data-manifest", "data-offline"]
                .iter()
                .filter_map(|a| tag.get(a).map(str::to_string))
                .collect::<Vec<_>>()
        })
        .collect()
}

fn html_files(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.path().to_path_buf())
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect()
}

#[test]
fn an_offline_build_links_every_page_to_files_that_exist_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("usb");
    let run = run(mallette()
        .arg("build")
        .arg("--offline")
        .arg("--root")
        .arg(site("valid"))
        .arg("--out")
        .arg(&out));
    assert_eq!(run.code(), 0, "{}", run.stderr);
    let pages = html_files(&out);
    assert!(pages.len() > 15);
    let mut checked = 0;
    for page in &pages {
        let html = read(page);
        for link in links(&html) {
            if link.starts_with("https:")
                || link.starts_with("http:")
                || link.starts_with("mailto:")
                || link.starts_with('#')
                || link.starts_with("data:")
            {
                continue;
            }
            assert!(
                !link.starts_with('/'),
                "{}: `{link}` is absolute, it breaks under file://",
                page.display()
            );
            let path = link.split(['#', '?']).next().unwrap();
            let decoded = path.replace("%20", " ");
            let target = page.parent().unwrap().join(&decoded);
            assert!(
                target.is_file(),
                "{}: `{link}` leads to no file ({})",
                page.display(),
                target.display()
            );
            checked += 1;
        }
    }
    assert!(checked > 200, "{checked} links checked");
    let home = read(out.join("index.html"));
    assert!(
        home.contains("href=\"kits/index.html\""),
        "directory links name index.html"
    );
    let kit = read(out.join("kits/mots-de-passe/index.html"));
    assert!(kit.contains("href=\"../../static/style.css\""));
    // Search from disk: every page names the bundle that replaces fetching (its search in a
    // browser is tested by tests/search_browser.rs).
    assert!(
        kit.contains("data-offline=\"../../search/offline."),
        "the kit page names the offline search bundle"
    );
}

#[test]
fn only_offline_builds_carry_the_search_bundle() {
    let dir = tempfile::tempdir().unwrap();
    for (offline, name) in [(false, "web"), (true, "usb")] {
        let out = dir.path().join(name);
        let mut command = mallette();
        command.arg("build").arg("--root").arg(site("valid"));
        if offline {
            command.arg("--offline");
        }
        let run = run(command.arg("--out").arg(&out));
        assert_eq!(run.code(), 0, "{}", run.stderr);
        let bundles: Vec<String> = std::fs::read_dir(out.join("search"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("offline.") && n.ends_with(".js"))
            .collect();
        let home = read(out.join("index.html"));
        if offline {
            assert_eq!(bundles.len(), 1, "{bundles:?}");
            let bundle = read(out.join("search").join(&bundles[0]));
            assert!(
                bundle.contains("function createSearchEngine"),
                "the engine's code"
            );
            assert!(
                bundle.contains("self.malletteOfflineSearch = {\"manifest\":{"),
                "its data"
            );
            assert!(home.contains(&format!("data-offline=\"search/{}\"", bundles[0])));
        } else {
            assert!(bundles.is_empty(), "{bundles:?}");
            assert!(
                !home.contains("data-offline"),
                "a web build names no bundle"
            );
        }
    }
}

#[test]
fn each_kit_page_offers_a_zip_with_a_standalone_page_and_its_attachments() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    assert_eq!(build(&site("valid"), &out).code(), 0);
    let html = read(out.join("kits/mots-de-passe/index.html"));
    assert!(
        html.contains("href=\"/reseau/wiki/kits/mots-de-passe/mots-de-passe.zip\""),
        "zip link on the kit page"
    );

    let bytes = std::fs::read(out.join("kits/mots-de-passe/mots-de-passe.zip")).unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut names: Vec<String> = archive.file_names().map(str::to_string).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "mots-de-passe/fiche-memo.pdf",
            "mots-de-passe/index.html",
            "mots-de-passe/style.css"
        ]
    );
    let mut page = String::new();
    archive
        .by_name("mots-de-passe/index.html")
        .unwrap()
        .read_to_string(&mut page)
        .unwrap();
    assert!(page.contains("Mots de passe et gestionnaire"));
    assert!(
        page.contains("href=\"fiche-memo.pdf\""),
        "attachments linked beside the page"
    );
    assert!(page.contains("href=\"style.css\""));
    // Links to the rest of the site point to the site on the web.
    assert!(
        page.contains("href=\"https://example.org/reseau/wiki/themes/securite/\""),
        "{page}"
    );
    assert!(
        !page.contains("href=\"/"),
        "no link that breaks once unzipped"
    );
    let mut pdf = Vec::new();
    archive
        .by_name("mots-de-passe/fiche-memo.pdf")
        .unwrap()
        .read_to_end(&mut pdf)
        .unwrap();
    assert_eq!(
        pdf,
        std::fs::read(site("valid").join("content/kits/securite/mots-de-passe/fiche-memo.pdf"))
            .unwrap()
    );
}

#[test]
fn the_same_content_gives_the_same_zip() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    assert_eq!(build(&site("valid"), &a).code(), 0);
    assert_eq!(build(&site("valid"), &b).code(), 0);
    let zip = "kits/traceurs/traceurs.zip";
    assert_eq!(
        std::fs::read(a.join(zip)).unwrap(),
        std::fs::read(b.join(zip)).unwrap()
    );
}

/// The text of every `<code>` element of the kit page that teaches HTML.
fn code_samples(html: &str) -> Vec<String> {
    common::html::texts_of(html, "code")
}

#[test]
fn a_kit_that_teaches_html_keeps_its_code_samples_in_the_site_offline_and_in_its_zip() {
    let expected = [
        "<a href=\"/contact\">Contact</a>".to_string(),
        "<img src=\"/images/logo.png\" alt=\"Logo\">".to_string(),
        "<a href=\"/contact\">Contact</a>\n<img src=\"/images/logo.png\" alt=\"Logo\">\n<form action=\"/envoyer\">\n".to_string(),
    ];
    let dir = tempfile::tempdir().unwrap();
    let (web, usb) = (dir.path().join("web"), dir.path().join("usb"));
    let root = site("teaching-html");
    assert_eq!(build(&root, &web).code(), 0);
    let run = run(mallette()
        .arg("build")
        .arg("--offline")
        .arg("--root")
        .arg(&root)
        .arg("--out")
        .arg(&usb));
    assert_eq!(run.code(), 0, "{}", run.stderr);
    let page = "kits/premiere-page-html/index.html";

    let web_page = read(web.join(page));
    assert_eq!(code_samples(&web_page), expected, "normal site");
    let usb_page = read(usb.join(page));
    assert_eq!(code_samples(&usb_page), expected, "offline site");
    // …while the page's own links were made relative.
    assert!(usb_page.contains("href=\"../../kits/premiere-page-html/modele.txt\""));
    assert!(!usb_page.contains("href=\"/kits"));

    let bytes = std::fs::read(web.join("kits/premiere-page-html/premiere-page-html.zip")).unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut standalone = String::new();
    archive
        .by_name("premiere-page-html/index.html")
        .unwrap()
        .read_to_string(&mut standalone)
        .unwrap();
    assert_eq!(code_samples(&standalone), expected, "the kit's .zip");
    assert!(
        standalone.contains("href=\"modele.txt\""),
        "the attachment beside the page"
    );
    assert!(
        standalone.contains("href=\"https://example.org/themes/culture-numerique/\""),
        "links to the rest of the site point to it on the web"
    );
}
