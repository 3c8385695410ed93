//! Feed, sitemap, catalog and JSON-LD, read back with real parsers (Python's feedparser and pyld,
//! installed by .ci/run; see tests/support/parse_outputs.py).

mod common;

use common::*;
use serde_json::Value;

fn parsed(base_url: &str) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let run = run(mallette()
        .arg("build")
        .arg("--root")
        .arg(site("english"))
        .arg("--out")
        .arg(&out)
        .arg("--base-url")
        .arg(base_url));
    assert_eq!(run.code(), 0, "{}", run.stderr);
    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/parse_outputs.py");
    let output = std::process::Command::new("python3")
        .arg(script)
        .arg(&out)
        .arg("kits/passwords/index.html")
        .output()
        .expect("python3 runs");
    assert!(
        output.status.success(),
        "parsing failed (pip install feedparser pyld):\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn the_atom_feed_parses_and_lists_the_newest_kits_first() {
    let data = parsed("https://example.org/reseau/wiki/");
    let feed = &data["feed"];
    assert_eq!(feed["bozo"], false, "well-formed feed");
    assert_eq!(feed["title"], "Digital mediation kits");
    let entries = feed["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0]["title"], "Passwords and password managers");
    assert_eq!(
        entries[0]["link"],
        "https://example.org/reseau/wiki/kits/passwords/"
    );
    assert!(entries[0]["updated"]
        .as_str()
        .unwrap()
        .starts_with("2026-03-15"));
    assert_eq!(entries[0]["authors"][0], "Test collective");
    assert_eq!(entries[1]["title"], "Trackers in apps");
}

#[test]
fn the_sitemap_lists_kits_pages_and_browse_pages_with_absolute_urls() {
    let data = parsed("https://example.org/reseau/wiki/");
    let urls: Vec<&str> = data["sitemap"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u.as_str().unwrap())
        .collect();
    for expected in [
        "https://example.org/reseau/wiki/",
        "https://example.org/reseau/wiki/kits/passwords/",
        "https://example.org/reseau/wiki/pages/about/",
        "https://example.org/reseau/wiki/themes/vie-privee/",
    ] {
        assert!(urls.contains(&expected), "{expected} in {urls:?}");
    }
}

#[test]
fn the_catalog_holds_every_kit_with_its_metadata_and_a_schema_version() {
    let data = parsed("https://example.org/reseau/wiki/");
    let catalog = &data["catalog"];
    assert_eq!(catalog["catalog_version"], 2);
    assert_eq!(catalog["site"]["url"], "https://example.org/reseau/wiki/");
    let kits = catalog["kits"].as_array().unwrap();
    assert_eq!(kits.len(), 2);
    let passwords = kits.iter().find(|k| k["slug"] == "passwords").unwrap();
    assert_eq!(
        passwords["url"],
        "https://example.org/reseau/wiki/kits/passwords/"
    );
    assert_eq!(passwords["language"], "en");
    assert_eq!(passwords["license"], "CC-BY-SA-4.0");
    assert_eq!(passwords["duration_minutes"], 90);
    assert_eq!(passwords["participants"]["max"], 12);
    assert_eq!(passwords["competences"][0], "pix:4.1");
    assert_eq!(passwords["updated"], "2026-03-15");
}

#[test]
fn each_kit_page_carries_a_schema_org_learning_resource() {
    let data = parsed("https://example.org/reseau/wiki/");
    let expanded = &data["jsonld"]["kits/passwords/index.html"][0][0];
    let s = |key: &str| format!("https://schema.org/{key}");
    assert_eq!(expanded["@type"][0], s("LearningResource"));
    assert_eq!(
        expanded[s("name")][0]["@value"],
        "Passwords and password managers"
    );
    assert_eq!(expanded[s("timeRequired")][0]["@value"], "PT90M");
    assert_eq!(expanded[s("inLanguage")][0]["@value"], "en");
    assert_eq!(expanded[s("educationalLevel")][0]["@value"], "Intermediate");
    assert_eq!(expanded[s("dateModified")][0]["@value"], "2026-03-15");
    assert_eq!(
        expanded[s("url")][0]["@value"],
        "https://example.org/reseau/wiki/kits/passwords/"
    );
    let teaches = &expanded[s("teaches")][0];
    assert_eq!(teaches["@type"][0], s("DefinedTerm"));
    assert_eq!(teaches[s("termCode")][0]["@value"], "4.1");
    assert_eq!(teaches[s("inDefinedTermSet")][0]["@value"], "Pix");
    assert!(expanded[s("license")][0]["@value"]
        .as_str()
        .unwrap()
        .starts_with("https://creativecommons.org/licenses/by-sa/4.0/"));
    assert_eq!(
        expanded[s("audience")][0][s("educationalRole")][0]["@value"],
        "Adults"
    );
    assert_eq!(
        expanded[s("author")][0][s("name")][0]["@value"],
        "Test collective"
    );
}
