//! Machine-readable outputs: the Atom feed (`feed.xml`), `sitemap.xml` and `catalog.json`.
//!
//! `catalog.json` is the contract with other instances and aggregators (federation reads it); its
//! shape is versioned by `catalog_version` and documented in `docs/catalog.md`.

use chrono::NaiveDate;
use serde::Serialize;

use crate::config::{license_info, Config};
use crate::model::KitMeta;

pub const CATALOG_VERSION: u32 = 1;

/// A published kit as these outputs need it.
pub struct PublishedKit<'a> {
    pub slug: &'a str,
    /// Absolute URL when `base_url` has a host, else a path from the site root.
    pub url: String,
    pub kit: &'a KitMeta,
    /// `(language, url)` of the kit's other languages.
    pub translations: Vec<(String, String)>,
}

/// The site's absolute origin and base (`https://example.org/wiki/`), or just the base path.
pub fn site_url(config: &Config) -> String {
    let base = config.base_url.trim();
    if base.contains("://") {
        format!("{}/", base.trim_end_matches('/'))
    } else {
        config.base_path()
    }
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

fn rfc3339(date: Option<NaiveDate>) -> String {
    date.map(|d| format!("{d}T00:00:00Z"))
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".into())
}

/// Atom feed of the newest kits (by last update), at most 50.
pub fn atom(config: &Config, kits: &[PublishedKit]) -> String {
    let site = site_url(config);
    let mut sorted: Vec<&PublishedKit> = kits.iter().collect();
    sorted.sort_by(|a, b| {
        let date = |k: &PublishedKit| k.kit.updated.or(k.kit.created);
        date(b).cmp(&date(a)).then_with(|| a.slug.cmp(b.slug))
    });
    sorted.truncate(50);
    let newest = sorted.first().and_then(|k| k.kit.updated.or(k.kit.created));
    let mut xml = String::new();
    xml.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    xml.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n",
        xml_escape(&config.language)
    ));
    xml.push_str(&format!("  <title>{}</title>\n", xml_escape(&config.title)));
    if !config.description.is_empty() {
        xml.push_str(&format!(
            "  <subtitle>{}</subtitle>\n",
            xml_escape(&config.description)
        ));
    }
    let id = |url: &str| {
        if url.contains("://") {
            url.to_string()
        } else {
            // Atom ids must be absolute IRIs; without a host in base_url, name the wiki instead.
            format!(
                "urn:mallette:{}:{}",
                crate::validate::slugify(&config.title),
                url.trim_matches('/').replace('/', ":")
            )
        }
    };
    xml.push_str(&format!("  <id>{}</id>\n", xml_escape(&id(&site))));
    xml.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        xml_escape(&site)
    ));
    xml.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}feed.xml\"/>\n",
        xml_escape(&site)
    ));
    xml.push_str(&format!("  <updated>{}</updated>\n", rfc3339(newest)));
    xml.push_str(&format!(
        "  <generator>mallette {}</generator>\n",
        env!("CARGO_PKG_VERSION")
    ));
    for k in sorted {
        xml.push_str("  <entry>\n");
        xml.push_str(&format!(
            "    <title>{}</title>\n",
            xml_escape(&k.kit.title)
        ));
        xml.push_str(&format!("    <id>{}</id>\n", xml_escape(&id(&k.url))));
        xml.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            xml_escape(&k.url)
        ));
        xml.push_str(&format!(
            "    <updated>{}</updated>\n",
            rfc3339(k.kit.updated.or(k.kit.created))
        ));
        if let Some(created) = k.kit.created {
            xml.push_str(&format!(
                "    <published>{}</published>\n",
                rfc3339(Some(created))
            ));
        }
        for author in &k.kit.authors {
            xml.push_str(&format!(
                "    <author><name>{}</name></author>\n",
                xml_escape(author)
            ));
        }
        for theme in &k.kit.themes {
            xml.push_str(&format!("    <category term=\"{}\"/>\n", xml_escape(theme)));
        }
        xml.push_str(&format!(
            "    <summary>{}</summary>\n",
            xml_escape(&k.kit.summary)
        ));
        xml.push_str(&format!(
            "    <rights>{}</rights>\n",
            xml_escape(&license_info(&k.kit.license).0)
        ));
        xml.push_str("  </entry>\n");
    }
    xml.push_str("</feed>\n");
    xml
}

/// `sitemap.xml` of the given page URLs with their last modification date.
pub fn sitemap(urls: &[(String, Option<NaiveDate>)]) -> String {
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for (url, date) in urls {
        xml.push_str(&format!("  <url><loc>{}</loc>", xml_escape(url)));
        if let Some(date) = date {
            xml.push_str(&format!("<lastmod>{date}</lastmod>"));
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

#[derive(Serialize)]
struct Catalog<'a> {
    catalog_version: u32,
    generator: String,
    site: CatalogSite<'a>,
    kits: Vec<CatalogKit<'a>>,
}

#[derive(Serialize)]
struct CatalogSite<'a> {
    title: &'a str,
    description: &'a str,
    url: String,
    language: &'a str,
}

#[derive(Serialize)]
struct CatalogKit<'a> {
    slug: &'a str,
    url: &'a str,
    title: &'a str,
    summary: &'a str,
    language: &'a str,
    license: &'a str,
    license_url: Option<String>,
    authors: &'a [String],
    themes: &'a [String],
    audiences: &'a [String],
    level: &'a str,
    duration_minutes: u32,
    participants: Option<CatalogParticipants>,
    formats: &'a [String],
    materials: &'a [String],
    competences: &'a [String],
    prerequisites: &'a [String],
    accessibility: &'a [String],
    created: Option<String>,
    updated: Option<String>,
    translations: Vec<CatalogTranslation<'a>>,
}

#[derive(Serialize)]
struct CatalogParticipants {
    min: u32,
    max: u32,
}

#[derive(Serialize)]
struct CatalogTranslation<'a> {
    language: &'a str,
    url: &'a str,
}

/// `catalog.json`: every published kit with its metadata.
pub fn catalog(config: &Config, kits: &[PublishedKit]) -> String {
    let catalog = Catalog {
        catalog_version: CATALOG_VERSION,
        generator: format!("mallette {}", env!("CARGO_PKG_VERSION")),
        site: CatalogSite {
            title: &config.title,
            description: &config.description,
            url: site_url(config),
            language: &config.language,
        },
        kits: kits
            .iter()
            .map(|k| CatalogKit {
                slug: k.slug,
                url: &k.url,
                title: &k.kit.title,
                summary: &k.kit.summary,
                language: &k.kit.language,
                license: &k.kit.license,
                license_url: license_info(&k.kit.license).1,
                authors: &k.kit.authors,
                themes: &k.kit.themes,
                audiences: &k.kit.audiences,
                level: &k.kit.level,
                duration_minutes: k.kit.duration_minutes,
                participants: k
                    .kit
                    .participants
                    .map(|(min, max)| CatalogParticipants { min, max }),
                formats: &k.kit.formats,
                materials: &k.kit.materials,
                competences: &k.kit.competences,
                prerequisites: &k.kit.prerequisites,
                accessibility: &k.kit.accessibility,
                created: k.kit.created.map(|d| d.to_string()),
                updated: k.kit.updated.map(|d| d.to_string()),
                translations: k
                    .translations
                    .iter()
                    .map(|(language, url)| CatalogTranslation { language, url })
                    .collect(),
            })
            .collect(),
    };
    serde_json::to_string_pretty(&catalog).unwrap_or_default()
}
