//! Feeds for readers and robots: the Atom feed (`feed.xml`) and `sitemap.xml`.

use chrono::NaiveDate;
use mallette_content::config::{license_info, Config};
use mallette_content::model::KitMeta;
use mallette_content::slug::slugify;

/// A published kit as these outputs need it.
pub struct PublishedKit<'a> {
    pub slug: &'a str,
    /// Absolute URL when `base_url` has a host, else a path from the site root.
    pub url: String,
    pub kit: &'a KitMeta,
    /// `(language, url)` of the kit's other languages.
    pub translations: Vec<(String, String)>,
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
    let site = config.site_url();
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
                slugify(&config.title),
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
