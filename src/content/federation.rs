//! Federation: kits of other instances, from their `catalog.json`, shown next to ours.
//!
//! `mallette fetch-catalogs` (the only command that uses the network, in `src/cmd/`) downloads each
//! catalog listed under `[[federation]]` in `mallette.toml` into `federation/<name>.json`, in the
//! repository. Builds read only those stored files (here), so they stay offline and reproducible. A
//! missing or malformed catalog is reported with its name and skipped: it never breaks the build.

use std::path::Path;

use chrono::NaiveDate;

use crate::catalog::{CatalogKit, CatalogParcours, CatalogSite, READABLE_VERSIONS};
use crate::config::Config;
use crate::diagnostics::{Diagnostic, Problem};
use crate::model::KitMeta;

/// A learning path of another instance.
#[derive(Debug, Clone)]
pub struct RemoteParcours {
    pub origin: String,
    pub origin_url: String,
    pub parcours: CatalogParcours,
}

/// What the stored catalogs hold: kits and learning paths of other instances.
#[derive(Debug, Clone, Default)]
pub struct Federated {
    pub kits: Vec<RemoteKit>,
    pub parcours: Vec<RemoteParcours>,
}

/// A kit of another instance.
#[derive(Debug, Clone)]
pub struct RemoteKit {
    pub origin: String,
    pub origin_url: String,
    pub url: String,
    pub meta: KitMeta,
}

/// Read the stored catalogs. Problems are warnings naming the catalog; its kits are skipped.
/// At most `max_remote_kits` (mallette.toml) kits are kept over every catalog: a hostile or huge
/// catalog costs neither unbounded memory nor thousands of warning lines.
pub fn load(root: &Path, config: &Config) -> (Federated, Vec<Diagnostic>) {
    let mut kits = Vec::new();
    let mut paths = Vec::new();
    let mut diagnostics = Vec::new();
    let mut over_cap = 0usize;
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
        let file = match std::fs::File::open(root.join(&rel)) {
            Ok(file) => std::io::BufReader::new(file),
            Err(e) => {
                diagnostics.push(problem(format!("{e} (run `mallette fetch-catalogs`)")));
                continue;
            }
        };
        let room = config.max_remote_kits.saturating_sub(kits.len());
        let catalog = match read_capped(file, room) {
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
        if !READABLE_VERSIONS.contains(&catalog.catalog_version) {
            diagnostics.push(problem(format!(
                "unsupported catalog_version {}",
                catalog.catalog_version
            )));
            continue;
        }
        over_cap += catalog.skipped;
        // The origin is linked only when it is a web address (never `javascript:`…).
        let origin_url = if is_web_url(&catalog.site.url) {
            catalog.site.url.clone()
        } else {
            String::new()
        };
        for parcours in catalog.parcours {
            if is_web_url(&parcours.url) && !parcours.title.trim().is_empty() {
                paths.push(RemoteParcours {
                    origin: remote.name.clone(),
                    origin_url: origin_url.clone(),
                    parcours,
                });
            }
        }
        let mut unusable: Vec<String> = Vec::new();
        for kit in catalog.kits {
            // Only absolute web links leave the site; anything else would be a broken link here.
            if !is_web_url(&kit.url) || kit.title.trim().is_empty() {
                unusable.push(kit.slug);
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
                field_reports: kit
                    .field_reports
                    .into_iter()
                    .filter_map(|r| {
                        Some(crate::model::FieldReport {
                            date: NaiveDate::parse_from_str(&r.date, "%Y-%m-%d").ok()?,
                            place: r.place.chars().take(120).collect(),
                            participants: r.participants,
                            by: r.by,
                            comment: r.comment.map(|c| c.chars().take(2000).collect()),
                        })
                    })
                    .collect(),
                reviewers: kit.reviewers,
                translators: kit.translators,
            };
            kits.push(RemoteKit {
                origin: remote.name.clone(),
                origin_url: origin_url.clone(),
                url: kit.url,
                meta,
            });
        }
        // One line for all the unusable kits of a catalog, not one per kit.
        if let Some(first) = unusable.first() {
            let lang = crate::i18n::Lang::from_code(&config.language);
            diagnostics.push(problem(lang.plural(
                "detail.remote-kits-unusable",
                unusable.len(),
                &[("first", first)],
            )));
        }
    }
    if over_cap > 0 {
        diagnostics.push(Diagnostic::warning(
            Path::new("mallette.toml"),
            0,
            0,
            Problem::TooManyRemoteKits {
                kept: config.max_remote_kits,
                skipped: over_cap,
            },
        ));
    }
    (
        Federated {
            kits,
            parcours: paths,
        },
        diagnostics,
    )
}

fn is_web_url(url: &str) -> bool {
    let url = url.trim_start().to_ascii_lowercase();
    url.starts_with("https://") || url.starts_with("http://")
}

/// The kits of a catalog's `bytes` (at most `room`) and how many more it held: what a build
/// reads of a stored catalog.
pub fn parse_catalog(
    bytes: &[u8],
    room: usize,
) -> Result<(Vec<CatalogKit>, usize), serde_json::Error> {
    read_capped(bytes, room).map(|c| (c.kits, c.skipped))
}

/// A catalog whose kits beyond the first `room` are read but not kept.
struct Capped {
    catalog_version: u32,
    site: CatalogSite,
    kits: Vec<CatalogKit>,
    parcours: Vec<CatalogParcours>,
    skipped: usize,
}

/// Parse a catalog from `reader`, keeping at most `room` kits: the others are skipped as they are
/// read (`serde::de::IgnoredAny`), so memory stays bounded whatever the catalog's size.
fn read_capped(reader: impl std::io::Read, room: usize) -> Result<Capped, serde_json::Error> {
    use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
    use std::fmt;

    struct KitsSeed(usize);
    impl<'de> DeserializeSeed<'de> for KitsSeed {
        type Value = (Vec<CatalogKit>, usize);
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            struct KitsVisitor(usize);
            impl<'de> Visitor<'de> for KitsVisitor {
                type Value = (Vec<CatalogKit>, usize);
                fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    f.write_str("a list of kits")
                }
                fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                    let mut kits = Vec::new();
                    let mut skipped = 0;
                    while kits.len() < self.0 {
                        match seq.next_element::<CatalogKit>()? {
                            Some(kit) => kits.push(kit),
                            None => return Ok((kits, 0)),
                        }
                    }
                    while seq.next_element::<IgnoredAny>()?.is_some() {
                        skipped += 1;
                    }
                    Ok((kits, skipped))
                }
            }
            d.deserialize_seq(KitsVisitor(self.0))
        }
    }

    struct CatalogVisitor(usize);
    impl<'de> Visitor<'de> for CatalogVisitor {
        type Value = Capped;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a mallette catalog")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Capped, A::Error> {
            let mut version = None;
            let mut site = CatalogSite::default();
            let mut kits = None;
            let mut parcours = Vec::new();
            while let Some(key) = map.next_key::<String>()? {
                match key.as_str() {
                    "catalog_version" => version = Some(map.next_value()?),
                    "site" => site = map.next_value()?,
                    "parcours" => parcours = map.next_value()?,
                    "kits" => kits = Some(map.next_value_seed(KitsSeed(self.0))?),
                    _ => {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
            }
            let catalog_version =
                version.ok_or_else(|| serde::de::Error::missing_field("catalog_version"))?;
            let (kits, skipped) = kits.ok_or_else(|| serde::de::Error::missing_field("kits"))?;
            // Paths are few: capped like kits only in count.
            parcours.truncate(self.0.max(1));
            Ok(Capped {
                catalog_version,
                site,
                kits,
                parcours,
                skipped,
            })
        }
    }

    let mut deserializer = serde_json::Deserializer::from_reader(reader);
    let capped = deserializer.deserialize_map(CatalogVisitor(room))?;
    deserializer.end()?;
    Ok(capped)
}
