//! Themes: templates, interface strings and static assets.
//!
//! The default theme (`themes/default/` of this repository) is compiled into the binary, so an
//! instance with only `content/` and `mallette.toml` builds. An instance overrides any file by
//! putting a file at the same path under its own `themes/<theme>/`; every other file falls back to
//! the default theme.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{bail, Context, Result};
use include_dir::{include_dir, Dir};
use walkdir::WalkDir;

static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

pub struct Theme {
    /// Theme-relative path (`templates/kit.html`, `static/style.css`) → bytes.
    files: BTreeMap<String, Vec<u8>>,
    /// The templates once parsed, kept so that `serve` does not parse them for every edit.
    pub compiled: std::sync::OnceLock<std::sync::Arc<tera::Tera>>,
}

impl Theme {
    pub fn load(root: &Path, name: &str) -> Result<Theme> {
        let mut files = BTreeMap::new();
        collect_embedded(&DEFAULT_THEME, &mut files);
        let dir = root.join("themes").join(name);
        if dir.is_dir() {
            for entry in WalkDir::new(&dir).follow_links(false) {
                let entry = entry.with_context(|| format!("cannot read {}", dir.display()))?;
                if entry.file_type().is_file() {
                    let rel = mallette_content::rel(&dir, entry.path());
                    let bytes = std::fs::read(entry.path())
                        .with_context(|| format!("cannot read {}", entry.path().display()))?;
                    files.insert(rel, bytes);
                }
            }
        } else if name != "default" {
            bail!("theme `{name}`: folder {} not found", dir.display());
        }
        Ok(Theme {
            files,
            compiled: std::sync::OnceLock::new(),
        })
    }

    /// `(name, source)` of every template (`kit.html`, `macros.html`…).
    pub fn templates(&self) -> Result<Vec<(String, String)>> {
        self.files
            .iter()
            .filter_map(|(path, bytes)| Some((path.strip_prefix("templates/")?, bytes)))
            .map(|(name, bytes)| {
                let text = String::from_utf8(bytes.clone())
                    .with_context(|| format!("template {name} is not UTF-8"))?;
                Ok((name.to_string(), text))
            })
            .collect()
    }

    /// Interface strings for `lang` (falling back to English, then French, for missing keys).
    pub fn strings(&self, lang: &str) -> Result<serde_json::Map<String, serde_json::Value>> {
        let mut strings = serde_json::Map::new();
        for fallback in ["fr", "en", lang] {
            let path = format!("i18n/{fallback}.yaml");
            let Some(bytes) = self.files.get(&path) else {
                continue;
            };
            let text =
                std::str::from_utf8(bytes).with_context(|| format!("{path} is not UTF-8"))?;
            let docs = yaml_rust2::YamlLoader::load_from_str(text)
                .with_context(|| format!("theme file {path}"))?;
            if let Some(yaml_rust2::Yaml::Hash(map)) = docs.first() {
                for (k, v) in map {
                    let (Some(k), Some(v)) = (k.as_str(), yaml_scalar(v)) else {
                        continue;
                    };
                    strings.insert(k.to_string(), serde_json::Value::String(v));
                }
            }
        }
        Ok(strings)
    }

    /// A file of the theme by its theme-relative path (`static/style.css`).
    pub fn file(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(Vec::as_slice)
    }

    /// `(path under static/, bytes)` of every static asset.
    pub fn static_files(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.files
            .iter()
            .filter_map(|(path, bytes)| Some((path.strip_prefix("static/")?, bytes.as_slice())))
    }
}

fn yaml_scalar(v: &yaml_rust2::Yaml) -> Option<String> {
    match v {
        yaml_rust2::Yaml::String(s) => Some(s.clone()),
        yaml_rust2::Yaml::Integer(i) => Some(i.to_string()),
        yaml_rust2::Yaml::Real(r) => Some(r.clone()),
        yaml_rust2::Yaml::Boolean(b) => Some(b.to_string()),
        _ => None,
    }
}

fn collect_embedded(dir: &Dir<'static>, files: &mut BTreeMap<String, Vec<u8>>) {
    for file in dir.files() {
        files.insert(
            file.path().to_string_lossy().replace('\\', "/"),
            file.contents().to_vec(),
        );
    }
    for sub in dir.dirs() {
        collect_embedded(sub, files);
    }
}
