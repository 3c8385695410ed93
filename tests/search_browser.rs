//! The search UI in a real browser: build the starter wiki (this repository's `content/`) under a
//! sub-path, serve it on 127.0.0.1, and drive headless Chromium with `tests/browser/search.mjs`
//! (type a query, see the expected kit, apply a filter, see counts and the URL change, reload the
//! URL and get the same state, go back). And the same wiki built with `--offline`, opened from
//! disk through `file://` with no server at all (`tests/browser/offline.mjs`): search finds kits
//! and its results open them. And the hostile fixture (`tests/sites/hostile`): search results show
//! its `<script>`-laden titles and summaries as text (`tests/browser/hostile.mjs`).
//!
//! Needs Node.js, Debian's `chromium` and `npm ci --prefix tests/browser` (`.ci/run` installs
//! them). Missing any of them fails the test with the command to run: it never passes silently.

mod common;

use std::path::{Path, PathBuf};

const SUB_PATH: &str = "/reseau/wiki/";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn serve(dir: PathBuf) -> String {
    common::static_site::serve(dir, SUB_PATH)
}

#[test]
fn search_ui_in_headless_chromium() {
    common::browser_prerequisites();

    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let run = common::run(common::mallette().args([
        "build",
        "--root",
        root().to_str().unwrap(),
        "--out",
        site.to_str().unwrap(),
        "--base-url",
        &format!("http://127.0.0.1{SUB_PATH}"),
    ]));
    assert_eq!(run.code(), 0, "build failed:\n{}", run.stderr);
    let base = serve(site);
    common::run_browser_script("search.mjs", &[&base]);
}

/// `mallette build --offline` of the instance at `root`, into a temporary folder.
fn offline_build(root: &Path) -> (tempfile::TempDir, PathBuf) {
    common::browser_prerequisites();
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let run = common::run(common::mallette().args([
        "build",
        "--offline",
        "--root",
        root.to_str().unwrap(),
        "--out",
        site.to_str().unwrap(),
    ]));
    assert_eq!(run.code(), 0, "build failed:\n{}", run.stderr);
    (out, site)
}

#[test]
fn offline_build_opened_from_disk_finds_kits_by_search() {
    let (_out, site) = offline_build(&root());
    common::run_browser_script("offline.mjs", &[site.to_str().unwrap()]);
}

#[test]
fn hostile_kit_strings_show_as_text_in_search_results() {
    let (_out, site) = offline_build(&common::site("hostile"));
    common::run_browser_script("hostile.mjs", &[site.to_str().unwrap()]);
}
