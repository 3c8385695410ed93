//! Federation: kits of other instances, from their `catalog.json`, shown next to ours.
//!
//! `mallette fetch-catalogs` (the only command that uses the network, in `src/cmd/`) downloads each
//! catalog listed under `[[federation]]` in `mallette.toml` into `federation/<name>.json`, in the
//! repository. Builds read only those stored files (here), so they stay offline and reproducible. A
//! missing or malformed catalog is reported with its name and skipped: it never breaks the build.

use std::path::Path;

use chrono::NaiveDate;

use crate::catalog::{Catalog, CATALOG_VERSION};
use crate::config::Config;
use crate::diagnostics::{Diagnostic, Problem};
use crate::model::KitMeta;

/// A kit of another instance.
#[derive(Debug, Clone)]
pub struct RemoteKit {
    pub origin: String,
    pub origin_url: String,
    pub url: String,
    pub meta: KitMeta,
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
        if catalog.catalog_version != CATALOG_VERSION {
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
