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

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "wasm" => "application/wasm",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "xml" => "application/xml",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
            if let Ok(b) = u8::from_str_radix(hex, 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A static file server for `dir`, mounted at [`SUB_PATH`], on a free port of 127.0.0.1. Plain
/// files only: no range requests, no compression (like the simplest static host).
fn serve(dir: PathBuf) -> String {
    let server = tiny_http::Server::http("127.0.0.1:0").expect("bind 127.0.0.1");
    let port = server.server_addr().to_ip().unwrap().port();
    std::thread::spawn(move || {
        for request in server.incoming_requests() {
            let url = request
                .url()
                .split(['?', '#'])
                .next()
                .unwrap_or("")
                .to_string();
            let file = url.strip_prefix(SUB_PATH).map(|rel| {
                let rel = percent_decode(rel);
                let mut path = dir.join(rel.trim_start_matches('/'));
                if path.is_dir() {
                    path = path.join("index.html");
                }
                path
            });
            let response = match file {
                Some(path) if !url.contains("..") && path.is_file() => {
                    let bytes = std::fs::read(&path).unwrap_or_default();
                    let header =
                        tiny_http::Header::from_bytes("Content-Type", content_type(&path)).unwrap();
                    tiny_http::Response::from_data(bytes).with_header(header)
                }
                _ => tiny_http::Response::from_data(b"not found".to_vec()).with_status_code(404),
            };
            let _ = request.respond(response);
        }
    });
    format!("http://127.0.0.1:{port}{SUB_PATH}")
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
