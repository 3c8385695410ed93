//! The offline bundle: the search of a site opened from disk (`file://`).

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Result;

use super::{gzip, short_hash, write_file, ENGINE_WASM_GZ, WORKER_JS};

/// Write `search/offline.<hash>.js`, the search of a site opened from disk (`file://`), where a
/// page can neither fetch files nor start a worker, but can load a script: the worker's code
/// (which then runs on the page itself) followed by everything it would have fetched — the
/// manifest, the engine, the whole index and every result file — gzipped and in base64 strings.
/// `static/search.js` loads it instead of the worker when the page's URL is a `file:` one.
/// Returns the file's name.
pub(super) fn write(
    search_dir: &Path,
    manifest: &str,
    base_gz: &[u8],
    docs: &BTreeMap<String, &str>,
) -> Result<String> {
    use base64::Engine as _;
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
    let docs_json = serde_json::to_string(docs)?;
    let mut js =
        String::with_capacity(ENGINE_WASM_GZ.len() * 2 + base_gz.len() * 2 + docs_json.len());
    js.push_str(WORKER_JS);
    js.push_str("\n// The search files of this site, for use from file:// (written by mallette build --offline).\n");
    js.push_str("self.malletteOfflineSearch = {\"manifest\":");
    js.push_str(manifest);
    for (key, bytes) in [
        ("engine", ENGINE_WASM_GZ.to_vec()),
        ("base", base_gz.to_vec()),
        ("docs", gzip(docs_json.as_bytes())),
    ] {
        js.push_str(&format!(",\"{key}\":\""));
        js.push_str(&b64(&bytes));
        js.push('"');
    }
    js.push_str("};\n");
    let name = format!("offline.{}.js", short_hash(js.as_bytes()));
    write_file(&search_dir.join(&name), js.as_bytes())?;
    Ok(name)
}
