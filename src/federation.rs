//! Federation: kits of other instances, from their `catalog.json`, shown next to ours.
//!
//! `mallette fetch-catalogs` is the only command that uses the network: it downloads each catalog
//! listed under `[[federation]]` in `mallette.toml` and stores it in `federation/<name>.json`, in
//! the repository. Builds read only those stored files, so they stay offline and reproducible. A
//! missing or malformed catalog is reported with its name and skipped: it never breaks the build.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Problem};
use crate::model::KitMeta;
use crate::validate::slugify;

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

/// A kit of another instance.
#[derive(Debug, Clone)]
pub struct RemoteKit {
    pub origin: String,
    pub origin_url: String,
    pub url: String,
    pub meta: KitMeta,
}

#[derive(Deserialize)]
struct Catalog {
    catalog_version: u32,
    #[serde(default)]
    site: CatalogSite,
    kits: Vec<CatalogKit>,
}

#[derive(Deserialize, Default)]
struct CatalogSite {
    #[serde(default)]
    url: String,
}

#[derive(Deserialize)]
struct CatalogKit {
    slug: String,
    url: String,
    title: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    language: String,
    #[serde(default)]
    license: String,
    #[serde(default)]
    authors: Vec<String>,
    #[serde(default)]
    themes: Vec<String>,
    #[serde(default)]
    audiences: Vec<String>,
    #[serde(default)]
    level: String,
    #[serde(default)]
    duration_minutes: u32,
    #[serde(default)]
    participants: Option<Participants>,
    #[serde(default)]
    formats: Vec<String>,
    #[serde(default)]
    materials: Vec<String>,
    #[serde(default)]
    competences: Vec<String>,
    #[serde(default)]
    prerequisites: Vec<String>,
    #[serde(default)]
    accessibility: Vec<String>,
    #[serde(default)]
    created: Option<String>,
    #[serde(default)]
    updated: Option<String>,
}

#[derive(Deserialize)]
struct Participants {
    min: u32,
    max: u32,
}

/// Read the stored catalogs. Problems are warnings naming the catalog; its kits are skipped.
pub fn load(root: &Path, config: &Config) -> (Vec<RemoteKit>, Vec<Diagnostic>) {
    let mut kits = Vec::new();
    let mut diagnostics = Vec::new();
    for remote in &config.federation {
        let rel = remote.stored_path();
        let problem = |detail: String| {
            Diagnostic::warning(
                Path::new(&rel),
                0,
                0,
                Problem::BadCatalog {
                    name: remote.name.clone(),
                    detail,
                },
            )
        };
        let text = match std::fs::read_to_string(root.join(&rel)) {
            Ok(text) => text,
            Err(e) => {
                diagnostics.push(problem(format!("{e} (run `mallette fetch-catalogs`)")));
                continue;
            }
        };
        let catalog: Catalog = match serde_json::from_str(&text) {
            Ok(catalog) => catalog,
            Err(e) => {
                diagnostics.push(Diagnostic::warning(
                    Path::new(&rel),
                    e.line(),
                    e.column(),
                    Problem::BadCatalog {
                        name: remote.name.clone(),
                        detail: e.to_string(),
                    },
                ));
                continue;
            }
        };
        if catalog.catalog_version != crate::feeds::CATALOG_VERSION {
            diagnostics.push(problem(format!(
                "unsupported catalog_version {}",
                catalog.catalog_version
            )));
            continue;
        }
        for kit in catalog.kits {
            // Only absolute web links leave the site; anything else would be a broken link here.
            if !(kit.url.starts_with("https://") || kit.url.starts_with("http://"))
                || kit.title.trim().is_empty()
            {
                diagnostics.push(problem(format!(
                    "kit `{}` has no absolute URL or title: skipped",
                    kit.slug
                )));
                continue;
            }
            let date = |d: &Option<String>| {
                d.as_deref()
                    .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            };
            let meta = KitMeta {
                title: kit.title.chars().take(120).collect(),
                summary: kit.summary.chars().take(300).collect(),
                themes: kit.themes,
                audiences: kit.audiences,
                level: kit.level,
                duration_minutes: kit.duration_minutes,
                participants: kit.participants.map(|p| (p.min, p.max)),
                formats: kit.formats,
                competences: kit.competences,
                prerequisites: kit.prerequisites,
                materials: kit.materials,
                accessibility: kit.accessibility,
                license: kit.license,
                authors: kit.authors,
                language: if kit.language.is_empty() {
                    config.language.clone()
                } else {
                    kit.language
                },
                translation_of: None,
                created: date(&kit.created),
                updated: date(&kit.updated),
                draft: false,
            };
            kits.push(RemoteKit {
                origin: remote.name.clone(),
                origin_url: catalog.site.url.clone(),
                url: kit.url,
                meta,
            });
        }
    }
    (kits, diagnostics)
}

/// Download every catalog of `[[federation]]` into `federation/`. Returns (name, path, kit count).
pub fn fetch(root: &Path, config: &Config) -> Result<Vec<(String, PathBuf, usize)>> {
    if config.federation.is_empty() {
        bail!("mallette.toml lists no [[federation]] catalog");
    }
    let agent = ureq::AgentBuilder::new()
        .timeout(std::time::Duration::from_secs(30))
        .build();
    let mut fetched = Vec::new();
    for remote in &config.federation {
        let body = agent
            .get(&remote.catalog)
            .call()
            .with_context(|| format!("{}: cannot download {}", remote.name, remote.catalog))?
            .into_string()
            .with_context(|| format!("{}: cannot read {}", remote.name, remote.catalog))?;
        // Check before storing, so a broken download never replaces a good copy.
        let catalog: Catalog = serde_json::from_str(&body).with_context(|| {
            format!(
                "{}: {} is not a mallette catalog.json",
                remote.name, remote.catalog
            )
        })?;
        let path = root.join(remote.stored_path());
        std::fs::create_dir_all(path.parent().unwrap())?;
        std::fs::write(&path, &body).with_context(|| format!("cannot write {}", path.display()))?;
        fetched.push((remote.name.clone(), path, catalog.kits.len()));
    }
    Ok(fetched)
}
