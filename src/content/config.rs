//! `mallette.toml`: the instance's settings. Only `title` is required.

use std::path::Path;

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};

use crate::slug::slugify;

pub const DEFAULT_LICENSES: [&str; 4] = ["CC-BY-SA-4.0", "CC-BY-4.0", "CC0-1.0", "etalab-2.0"];

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Name of the wiki, shown in every page header.
    pub title: String,
    /// One or two sentences shown on the home page and in feeds.
    #[serde(default)]
    pub description: String,
    /// Public URL of the site, possibly with a sub-path (`https://example.org/reseau/wiki/`).
    #[serde(default)]
    pub base_url: String,
    /// Language of the interface and default language of kits (`fr` or `en`).
    #[serde(default = "default_language")]
    pub language: String,
    /// Pattern of the "edit this kit" link, with `{path}` replaced by the file's path (overrides
    /// the one `[forge]` gives).
    #[serde(default)]
    pub edit_url: Option<String>,
    /// The forge hosting the repository: edit links, the contribution form, field reports.
    #[serde(default)]
    pub forge: Option<crate::forge::Forge>,
    /// SPDX ids of allowed licences (replaces the default list).
    #[serde(default = "default_licenses")]
    pub licenses: Vec<String>,
    /// Theme name: `themes/<theme>/` overrides files of the built-in default theme.
    #[serde(default = "default_theme")]
    pub theme: String,
    /// How many kits the home page lists as newest.
    #[serde(default = "default_recent")]
    pub recent_kits: usize,
    /// `mallette check` warns about kits not updated for this many days (0 turns it off).
    #[serde(default = "default_stale")]
    pub stale_after_days: i64,
    /// Logo shown in the header: a path inside the instance (`logo.svg`).
    #[serde(default)]
    pub logo: Option<String>,
    /// Colours of the theme: `primary = "#1d4f91"` sets the CSS custom property
    /// `--color-primary` (see the `:root` block of the theme's style.css for the names).
    #[serde(default)]
    pub colors: std::collections::BTreeMap<String, String>,
    /// Other instances whose kits are shown here (`[[federation]]` with `name` and `catalog`).
    #[serde(default)]
    pub federation: Vec<Remote>,
    /// At most this many kits of federated instances are shown (over every catalog).
    #[serde(default = "default_max_remote_kits")]
    pub max_remote_kits: usize,
}

/// One `[[federation]]` entry of mallette.toml.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Remote {
    /// Name shown as the kits' origin ("Réseau des médiathèques de Bretagne").
    pub name: String,
    /// URL of the other instance's `catalog.json`.
    pub catalog: String,
}

impl Remote {
    /// Where the stored copy lives, relative to the instance root.
    pub fn stored_path(&self) -> String {
        format!("federation/{}.json", slugify(&self.name))
    }
}

fn default_language() -> String {
    "fr".into()
}
fn default_licenses() -> Vec<String> {
    DEFAULT_LICENSES.iter().map(|s| s.to_string()).collect()
}
fn default_theme() -> String {
    "default".into()
}
fn default_recent() -> usize {
    6
}
fn default_max_remote_kits() -> usize {
    5000
}
fn default_stale() -> i64 {
    730
}

impl Config {
    pub fn load(root: &Path) -> Result<Config> {
        let path = root.join("mallette.toml");
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                bail!("{}: not found — an instance needs a mallette.toml with at least `title = \"…\"`", path.display())
            }
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        };
        Config::parse(&text, &path)
    }

    /// The settings in `text`, the content of `path` (named in messages).
    pub fn parse(text: &str, path: &Path) -> Result<Config> {
        let config: Config =
            toml::from_str(text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        if config.title.trim().is_empty() {
            bail!("{}: `title` must not be empty", path.display());
        }
        if let Some(forge) = &config.forge {
            if !forge.url_is_valid() {
                bail!(
                    "{}: [forge] `url = \"{}\"` must be the repository's web address, e.g. `url = \"https://codeberg.org/reseau/wiki\"`",
                    path.display(),
                    forge.url
                );
            }
        }
        // A theme is a folder of `themes/`: its name is never a path.
        if !crate::slug::is_slug(&config.theme) {
            bail!(
                "{}: `theme = \"{}\"` must name a folder of themes/ (lower-case letters, digits and hyphens), e.g. `theme = \"mon-reseau\"` for themes/mon-reseau/",
                path.display(),
                config.theme
            );
        }
        // Two catalogs stored in the same file would overwrite each other.
        let mut stored: Vec<(String, &str)> = Vec::new();
        for remote in &config.federation {
            let stored_path = remote.stored_path();
            if let Some((_, other)) = stored.iter().find(|(p, _)| *p == stored_path) {
                bail!(
                    "{}: [[federation]] `{}` and `{other}` would both be stored in {stored_path}: give them names that differ in letters or digits",
                    path.display(),
                    remote.name
                );
            }
            stored.push((stored_path, &remote.name));
        }
        for (name, value) in &config.colors {
            let name_ok = !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            // Only colour syntax: no `;`, `}`, `url(` or quotes can reach the stylesheet.
            let value_ok = !value.is_empty()
                && value
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || " #(),.%-/".contains(c))
                && !value.to_lowercase().contains("url");
            if !name_ok || !value_ok {
                bail!("{}: [colors] `{name} = \"{value}\"`: use a name like `primary` and a colour like `#1d4f91` or `rgb(29 79 145)`", path.display());
            }
        }
        Ok(config)
    }

    /// `static/instance.css`: the `[colors]` of mallette.toml as CSS custom properties.
    pub fn instance_css(&self) -> String {
        let mut css = String::from("/* Generated by mallette from [colors] of mallette.toml. */\n");
        if !self.colors.is_empty() {
            css.push_str(":root {\n");
            for (name, value) in &self.colors {
                css.push_str(&format!("  --color-{name}: {value};\n"));
            }
            css.push_str("}\n");
        }
        css
    }

    /// The site's absolute origin and base (`https://example.org/wiki/`), or just the base path
    /// when `base_url` has no host.
    pub fn site_url(&self) -> String {
        let base = self.base_url.trim();
        if base.contains("://") {
            format!("{}/", base.trim_end_matches('/'))
        } else {
            self.base_path()
        }
    }

    /// The "edit this kit" link of the file at `path`: `edit_url`'s pattern, else the forge's.
    pub fn edit_url_of(&self, path: &str) -> Option<String> {
        match (&self.edit_url, &self.forge) {
            (Some(pattern), _) => Some(pattern.replace("{path}", path)),
            (None, Some(forge)) => Some(forge.edit_url(path)),
            (None, None) => None,
        }
    }

    /// The path part of `base_url`, always starting and ending with `/`.
    pub fn base_path(&self) -> String {
        base_path_of(&self.base_url)
    }
}

pub fn base_path_of(base_url: &str) -> String {
    let without_scheme = match base_url.find("://") {
        Some(i) => {
            let rest = &base_url[i + 3..];
            rest.find('/').map(|j| &rest[j..]).unwrap_or("/")
        }
        None => base_url,
    };
    let trimmed = without_scheme.trim_matches('/');
    if trimmed.is_empty() {
        "/".to_string()
    } else {
        format!("/{trimmed}/")
    }
}

/// Name and URL of the licences a kit may use.
pub fn license_info(id: &str) -> (String, Option<String>) {
    let known = [
        (
            "CC-BY-SA-4.0",
            "CC BY-SA 4.0",
            "https://creativecommons.org/licenses/by-sa/4.0/deed.fr",
        ),
        (
            "CC-BY-4.0",
            "CC BY 4.0",
            "https://creativecommons.org/licenses/by/4.0/deed.fr",
        ),
        (
            "CC-BY-SA-3.0",
            "CC BY-SA 3.0",
            "https://creativecommons.org/licenses/by-sa/3.0/deed.fr",
        ),
        (
            "CC-BY-3.0",
            "CC BY 3.0",
            "https://creativecommons.org/licenses/by/3.0/deed.fr",
        ),
        (
            "CC-BY-NC-SA-4.0",
            "CC BY-NC-SA 4.0",
            "https://creativecommons.org/licenses/by-nc-sa/4.0/deed.fr",
        ),
        (
            "CC0-1.0",
            "CC0 1.0",
            "https://creativecommons.org/publicdomain/zero/1.0/deed.fr",
        ),
        (
            "etalab-2.0",
            "Licence Ouverte 2.0 (Etalab)",
            "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
        ),
        ("ISC", "ISC", "https://spdx.org/licenses/ISC.html"),
        ("MIT", "MIT", "https://spdx.org/licenses/MIT.html"),
        (
            "GFDL-1.3",
            "GNU FDL 1.3",
            "https://www.gnu.org/licenses/fdl-1.3.html",
        ),
    ];
    match known.iter().find(|(k, _, _)| *k == id) {
        Some((_, name, url)) => (name.to_string(), Some(url.to_string())),
        None => (
            id.to_string(),
            Some(format!("https://spdx.org/licenses/{id}.html")),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_path_handles_sub_paths() {
        assert_eq!(base_path_of(""), "/");
        assert_eq!(base_path_of("/"), "/");
        assert_eq!(base_path_of("https://example.org"), "/");
        assert_eq!(
            base_path_of("https://example.org/reseau/wiki"),
            "/reseau/wiki/"
        );
        assert_eq!(base_path_of("/wiki/"), "/wiki/");
    }
}
