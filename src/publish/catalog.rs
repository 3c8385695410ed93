//! `catalog.json`: every published kit's metadata, for other instances and aggregators, in the
//! schema federation reads back (`mallette_content::catalog`, documented in `docs/catalog.md`).

use mallette_content::catalog::CATALOG_VERSION;
use mallette_content::catalog::{
    Catalog, CatalogFieldReport, CatalogKit, CatalogParcours, CatalogSite, Participants,
    Translation,
};
use mallette_content::config::{license_info, Config};

use super::feeds::PublishedKit;

/// `catalog.json` of `kits` and learning paths `parcours`.
pub fn catalog(config: &Config, kits: &[PublishedKit], parcours: Vec<CatalogParcours>) -> String {
    let owned = |v: &[String]| v.to_vec();
    let catalog = Catalog {
        catalog_version: CATALOG_VERSION,
        generator: format!("mallette {}", env!("CARGO_PKG_VERSION")),
        site: CatalogSite {
            title: config.title.clone(),
            description: config.description.clone(),
            url: config.site_url(),
            language: config.language.clone(),
        },
        kits: kits
            .iter()
            .map(|k| CatalogKit {
                slug: k.slug.to_string(),
                url: k.url.clone(),
                title: k.kit.title.clone(),
                summary: k.kit.summary.clone(),
                language: k.kit.language.clone(),
                license: k.kit.license.clone(),
                license_url: license_info(&k.kit.license).1,
                authors: owned(&k.kit.authors),
                themes: owned(&k.kit.themes),
                audiences: owned(&k.kit.audiences),
                level: k.kit.level.clone(),
                duration_minutes: k.kit.duration_minutes,
                participants: k
                    .kit
                    .participants
                    .map(|(min, max)| Participants { min, max }),
                formats: owned(&k.kit.formats),
                materials: owned(&k.kit.materials),
                competences: owned(&k.kit.competences),
                prerequisites: owned(&k.kit.prerequisites),
                accessibility: owned(&k.kit.accessibility),
                created: k.kit.created.map(|d| d.to_string()),
                updated: k.kit.updated.map(|d| d.to_string()),
                translations: k
                    .translations
                    .iter()
                    .map(|(language, url)| Translation {
                        language: language.clone(),
                        url: url.clone(),
                    })
                    .collect(),
                reviewers: owned(&k.kit.reviewers),
                translators: owned(&k.kit.translators),
                field_reports: k
                    .kit
                    .reports_newest_first()
                    .into_iter()
                    .map(|r| CatalogFieldReport {
                        date: r.date.to_string(),
                        place: r.place.clone(),
                        participants: r.participants,
                        by: r.by.clone(),
                        comment: r.comment.clone(),
                    })
                    .collect(),
            })
            .collect(),
        parcours,
    };
    serde_json::to_string_pretty(&catalog).unwrap_or_default()
}
