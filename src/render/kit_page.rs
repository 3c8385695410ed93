//! A kit's page, and the standalone page of its `.zip` (the kit alone, for printing or a USB key).

use anyhow::Result;
use mallette_content::{kit_attachments, translations_of, Analysis, KitEntry};
use tera::Context;

use super::pages::{body_html, Sink};
use super::paths::Paths;
use super::{Related, Renderer, TranslationView};

/// What a kit's archive holds, handed to the [`Sink`]: its standalone page, rendered with the
/// site's own URLs (the publish stage makes them work once unzipped), and its attachments.
pub struct KitArchive {
    pub slug: String,
    /// Site-relative path of the archive (`kits/x/x.zip`).
    pub file: String,
    pub page_html: String,
    pub attachments: Vec<ArchivedFile>,
}

/// An attachment inside a kit's archive.
pub struct ArchivedFile {
    /// File name inside the archive.
    pub name: String,
    /// Its URL in the site: links to it become links to the file beside the page.
    pub url: String,
    /// Instance-relative path of its source.
    pub source: String,
}

/// Render the page of `entry` and hand it and its archive to `sink`; returns the page's file.
pub(super) fn kit_page(
    analysis: &Analysis,
    renderer: &Renderer,
    entry: &KitEntry,
    kits: &[KitEntry],
    related: &Related,
    paths: &Paths,
    sink: &dyn Sink,
) -> Result<String> {
    let attachment_files = kit_attachments(entry.doc, &entry.body.attachments, &analysis.files);
    let attachments: Vec<_> = attachment_files
        .iter()
        .map(|rel| {
            let size = std::fs::metadata(analysis.root.join(rel))
                .map(|m| m.len())
                .unwrap_or(0);
            renderer.attachment(rel, size)
        })
        .collect();
    let translations: Vec<TranslationView> = translations_of(entry, kits)
        .into_iter()
        .map(|other| TranslationView {
            language: other.kit.language.clone(),
            language_label: renderer.language_label(&other.kit.language),
            title: other.kit.title.clone(),
            url: renderer.url(&other.doc.url_path),
        })
        .collect();
    let related = related
        .of(entry, kits)
        .into_iter()
        .map(|k| renderer.card(k.doc, k.kit))
        .collect();
    let mut view = renderer.kit_view(
        entry.doc,
        entry.kit,
        body_html(analysis, entry.body),
        entry.body.toc.clone(),
        attachments,
        translations,
        related,
    );
    view.paths = paths.memberships(&entry.doc.slug);
    let card = |k: &KitEntry| renderer.card(k.doc, k.kit);
    view.before = paths.before(entry, kits).into_iter().map(card).collect();
    view.after = paths.after(entry, kits).into_iter().map(card).collect();
    let mut context = Context::new();
    context.insert("kit", &view);
    let html = renderer.render("kit.html", "kit", &view.card.url, context)?;
    let file = format!("{}index.html", entry.doc.url_path);
    sink.page(&file, &html)?;

    // The standalone page of the .zip: no link to the archive itself, the kit's address on the
    // web when known.
    let site_url = analysis.config.site_url();
    let online_url = site_url
        .contains("://")
        .then(|| format!("{site_url}{}", entry.doc.url_path));
    let mut standalone = view;
    standalone.zip_url = None;
    standalone.online_url = online_url;
    // Names inside the archive: one folder, so two attachments of the same name (from two
    // folders) get `-2`, `-3`…, and none takes the page's or the stylesheet's name.
    let mut taken: Vec<String> = vec!["index.html".into(), "style.css".into()];
    let archived: Vec<ArchivedFile> = standalone
        .attachments
        .iter()
        .zip(&attachment_files)
        .map(|(attachment, rel)| {
            let name = unique_name(&attachment.name, &taken);
            taken.push(name.clone());
            ArchivedFile {
                name,
                url: attachment.url.clone(),
                source: rel.clone(),
            }
        })
        .collect();
    let mut context = Context::new();
    context.insert("kit", &standalone);
    let page_html = renderer.render("kit-standalone.html", "kit", &standalone.card.url, context)?;
    sink.archive(&KitArchive {
        slug: entry.doc.slug.clone(),
        file: format!("{}{}.zip", entry.doc.url_path, entry.doc.slug),
        page_html,
        attachments: archived,
    })?;
    Ok(file)
}

/// `name`, or `stem-2.ext`, `stem-3.ext`… if it is taken (compared without letter case, as
/// archives unpacked on Windows or macOS compare).
fn unique_name(name: &str, taken: &[String]) -> String {
    let is_taken = |candidate: &str| taken.iter().any(|t| t.eq_ignore_ascii_case(candidate));
    if !is_taken(name) {
        return name.to_string();
    }
    let (stem, extension) = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => (stem, format!(".{ext}")),
        _ => (name, String::new()),
    };
    (2..)
        .map(|n| format!("{stem}-{n}{extension}"))
        .find(|candidate| !is_taken(candidate))
        .unwrap_or_default()
}
