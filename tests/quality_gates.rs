//! Quality gates on the built starter site (the repository's own `content/`): valid HTML (Nu Html
//! Checker), accessibility (axe-core in Chromium, a keyboard-only search flow, Lighthouse),
//! privacy (no reference to another origin, no cookie, a strict Content-Security-Policy on every
//! page). A deliberately broken instance (`tests/sites/broken-gates/`) shows that the gates fail
//! when they should.
//!
//! The browser and HTML gates are Node scripts in `tests/gates/` (see its README section in the
//! top-level README). They need `npm ci --ignore-scripts --prefix tests/gates`, Debian's
//! `chromium` and a Java runtime; without them these tests fail and say what to install.

mod common;
#[path = "gates/privacy.rs"]
mod privacy;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, MutexGuard, OnceLock};

use common::*;
use privacy::Finding;

const INSTALL: &str = "npm ci --ignore-scripts --prefix tests/gates";

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn gates() -> PathBuf {
    repo().join("tests/gates")
}

/// The starter site, built once for all the tests of this file.
fn starter_site() -> &'static Path {
    static SITE: OnceLock<tempfile::TempDir> = OnceLock::new();
    SITE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let run = build(repo(), &dir.path().join("site"));
        assert_eq!(run.code(), 0, "the starter site builds:\n{}", run.stderr);
        dir
    })
    .path()
    .join("site")
    .leak()
}

/// The browser gates run one at a time: Lighthouse measures time, and the machine has 2 cores.
fn browser_lock() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Run `node tests/gates/<script> <site> <args…>`: (exit code, stdout and stderr).
fn node_gate(script: &str, site: &Path, args: &[&str]) -> (i32, String) {
    let node = Command::new("node").arg("--version").output();
    assert!(
        node.is_ok_and(|o| o.status.success()),
        "node is missing: apt-get install -y nodejs npm, then {INSTALL}"
    );
    for package in [
        "axe-core",
        "playwright-core",
        "lighthouse",
        "chrome-launcher",
        "vnu-jar",
    ] {
        assert!(
            gates().join("node_modules").join(package).exists(),
            "tests/gates/node_modules/{package} is missing: run `{INSTALL}` \
             (and `apt-get install -y chromium default-jre-headless` if they are missing)"
        );
    }
    let output = Command::new("node")
        .arg(gates().join(script))
        .arg(site)
        .args(args)
        .output()
        .expect("node runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.code().unwrap_or(-1), text)
}

fn assert_gate_passes(script: &str, site: &Path, args: &[&str]) -> String {
    let _lock = browser_lock();
    let (code, output) = node_gate(script, site, args);
    assert_eq!(code, 0, "gate {script} failed (exit {code}):\n{output}");
    println!("{output}");
    output
}

fn html_pages(site: &Path) -> usize {
    snapshot(site)
        .iter()
        .filter(|(p, _)| p.extension().is_some_and(|e| e == "html"))
        .count()
}

// --- 2. Valid HTML ------------------------------------------------------------------------

#[test]
fn every_page_of_the_starter_site_is_valid_html() {
    let site = starter_site();
    let output = assert_gate_passes("html.mjs", site, &[]);
    let pages = html_pages(site);
    assert!(
        output.contains(&format!("vnu: {pages} pages")),
        "every one of the {pages} pages was checked:\n{output}"
    );
}

// --- 1. Accessibility ---------------------------------------------------------------------

#[test]
fn no_page_has_an_axe_violation_a_request_to_another_origin_or_a_cookie() {
    let site = starter_site();
    let output = assert_gate_passes("axe.mjs", site, &[]);
    assert!(
        output.contains(&format!("({} pages), 0 problem(s)", html_pages(site))),
        "{output}"
    );
}

#[test]
fn the_search_flow_works_with_the_keyboard_alone() {
    let output = assert_gate_passes("keyboard.mjs", starter_site(), &[]);
    assert!(output.contains("0 failure(s)"), "{output}");
}

#[test]
fn lighthouse_scores_meet_the_targets_on_every_kind_of_page() {
    let output = assert_gate_passes("lighthouse.mjs", starter_site(), &[]);
    assert!(
        output.contains("lighthouse: 7 pages, 0 target(s) missed"),
        "{output}"
    );
}

// --- 3. Privacy ---------------------------------------------------------------------------

fn findings(site: &Path, rules: &[&str]) -> Vec<Finding> {
    privacy::crawl(site)
        .into_iter()
        .filter(|f| rules.contains(&f.rule))
        .collect()
}

fn list(findings: &[Finding]) -> String {
    findings
        .iter()
        .map(|f| format!("  {f}\n"))
        .collect::<String>()
}

const REFERENCE_RULES: [&str; 12] = [
    "script",
    "stylesheet",
    "image",
    "font",
    "frame",
    "media",
    "embed",
    "css url()",
    "link",
    "form",
    "ping",
    "redirect",
];

#[test]
fn no_file_of_the_starter_site_references_another_origin() {
    let found = findings(starter_site(), &REFERENCE_RULES);
    assert!(
        found.is_empty(),
        "references to another origin:\n{}",
        list(&found)
    );
}

#[test]
fn the_hostile_fixture_site_references_no_other_origin_either() {
    let dir = tempfile::tempdir().unwrap();
    let run = build(&site("valid"), dir.path());
    assert_eq!(run.code(), 0, "{}", run.stderr);
    let found = findings(dir.path(), &REFERENCE_RULES);
    assert!(
        found.is_empty(),
        "references to another origin:\n{}",
        list(&found)
    );
    let found = findings(dir.path(), &["csp", "cookie"]);
    assert!(found.is_empty(), "{}", list(&found));
}

#[test]
fn no_cookie_is_set_or_read() {
    let found = findings(starter_site(), &["cookie"]);
    assert!(found.is_empty(), "cookies:\n{}", list(&found));
}

#[test]
fn every_page_carries_a_content_security_policy_that_allows_only_the_site() {
    let site = starter_site();
    assert!(html_pages(site) > 50, "the crawl sees the whole site");
    let found = findings(site, &["csp"]);
    assert!(found.is_empty(), "policies:\n{}", list(&found));
}

#[test]
fn the_privacy_crawl_sees_every_kind_of_reference() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path();
    let csp = r#"<meta http-equiv="Content-Security-Policy" content="default-src 'self'; img-src 'self' data:; script-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'self'">"#;
    std::fs::write(
        site.join("index.html"),
        format!(
            r#"<!DOCTYPE html><html><head>{csp}
<link rel="stylesheet" href="https://cdn.example/a.css">
<link rel="alternate" type="application/atom+xml" href="https://example.org/feed.xml">
<link rel="preload" as="font" href="//fonts.example/f.woff2">
<script src="HTTPS://cdn.example/a.js"></script>
<style>@import url("https://cdn.example/b.css"); body {{ background: url( 'https://cdn.example/bg.png' ) }}</style>
</head><body>
<a href="https://example.org/">a link is fine</a>
<img src="/ok.png" srcset="/ok-2x.png 2x, https://cdn.example/x-3x.png 3x" alt="">
<iframe src="https://video.example/embed"></iframe>
<video poster="https://cdn.example/p.jpg"><source src="https://cdn.example/v.mp4"></video>
<p style="background-image:url(https://cdn.example/s.png)">x</p>
<img src="https&#x3A;//cdn.example/entity.png" alt="">
<form action="https://collect.example/"></form>
<a href="/" ping="https://track.example/">ping</a>
<script>document.cookie = "a=b"</script>
</body></html>"#
        ),
    )
    .unwrap();
    std::fs::write(
        site.join("no-policy.html"),
        "<!DOCTYPE html><title>x</title>",
    )
    .unwrap();
    std::fs::write(
        site.join("style.css"),
        "/* url(https://in.a.comment/) */ @font-face { font-family: F; src: url(https://fonts.example/f.woff2) }",
    )
    .unwrap();
    std::fs::write(
        site.join("app.js"),
        "// see https://docs.example/ for details\nfetch('https://api.example/q'); const ns = 'http://www.w3.org/2000/svg';",
    )
    .unwrap();
    let all: Vec<String> = privacy::crawl(site).iter().map(|f| f.to_string()).collect();
    let expected = [
        "index.html: stylesheet: <link> loads https://cdn.example/a.css",
        "index.html: link: <link> loads //fonts.example/f.woff2",
        "index.html: script: <script> loads HTTPS://cdn.example/a.js",
        "index.html: image: <img> loads https://cdn.example/x-3x.png",
        "index.html: frame: <iframe> loads https://video.example/embed",
        "index.html: image: <video> loads https://cdn.example/p.jpg",
        "index.html: media: <source> loads https://cdn.example/v.mp4",
        "index.html: image: <img> loads https://cdn.example/entity.png",
        "index.html: form: <form> loads https://collect.example/",
        "index.html: ping: <a> pings https://track.example/",
        "index.html: css url(): inline style loads https://cdn.example/s.png",
        "index.html: css url(): inline style loads 'https://cdn.example/bg.png'",
        "index.html: stylesheet: inline style imports \"https://cdn.example/b.css\"",
        "index.html: csp: `script-src` allows `'unsafe-inline'`",
        "index.html: csp: the policy has no `form-action`",
        "no-policy.html: csp: no Content-Security-Policy meta element",
        "style.css: font: stylesheet loads https://fonts.example/f.woff2",
        "app.js: script: a script names https://api.example/q",
    ];
    for e in expected {
        assert!(all.iter().any(|f| f == e), "missing {e:?} in:\n{all:#?}");
    }
    assert_eq!(all.len(), expected.len(), "nothing else:\n{all:#?}");
}

// --- Acceptance: a deliberately broken page fails the gates ----------------------------------

#[test]
fn a_deliberately_broken_page_fails_the_axe_privacy_and_html_gates() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let run = build(&site("broken-gates"), &out);
    assert_eq!(run.code(), 0, "{}", run.stderr);

    // Privacy crawl: the remote stylesheet and the remote web font.
    let found: Vec<String> = privacy::crawl(&out).iter().map(|f| f.to_string()).collect();
    for expected in [
        "pages/a-propos/index.html: stylesheet: <link> loads https://fonts.example.net/css2?family=Roboto",
        "static/police.css: font: stylesheet loads \"https://fonts.example.net/roboto.woff2\"",
    ] {
        assert!(
            found.iter().any(|f| f == expected),
            "{expected:?} not in {found:#?}"
        );
    }

    let _lock = browser_lock();
    // axe: the image without alt text; the browser blocks and reports the remote font and sheet.
    let (code, output) = node_gate("axe.mjs", &out, &["--only", "/pages/a-propos/,/"]);
    assert_eq!(code, 1, "the axe gate fails:\n{output}");
    for expected in [
        "/pages/a-propos/: axe image-alt (critical)",
        "/pages/a-propos/: csp-violation: style-src-elem blocked https://fonts.example.net/css2?family=Roboto",
        "/pages/a-propos/: csp-violation: font-src blocked https://fonts.example.net/roboto.woff2",
        "/pages/a-propos/: external-request: stylesheet https://fonts.example.net/css2?family=Roboto",
    ] {
        assert!(output.contains(expected), "{expected:?} not in:\n{output}");
    }
    assert!(
        !output.contains("FAIL /:"),
        "the untouched home page passes:\n{output}"
    );

    // Nu Html Checker: an img element must have an alt attribute.
    let (code, output) = node_gate("html.mjs", &out, &[]);
    assert_eq!(code, 1, "the HTML gate fails:\n{output}");
    assert!(
        output.contains("pages/a-propos/index.html") && output.contains("alt"),
        "{output}"
    );
}
