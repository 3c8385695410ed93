//! The pages of the site: kit pages, plain pages, browse pages (one per taxonomy and per term,
//! with counts), the list of all kits, the home page, the search page and the 404 page.
//!
//! Input: the analysed documents, the kits of federated instances and a [`Renderer`]. Output: a
//! list of `(site-relative file, HTML)`; writing them is the caller's job.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::Path;

use anyhow::Result;
use rayon::prelude::*;
use tera::Context;

use crate::federation::RemoteKit;
use crate::markdown::RenderedBody;
use crate::model::{Document, KitMeta};
use crate::render::{CardView, PageView, Renderer, TaxonomyView, TranslationView};
use crate::site::Analysis;
use crate::vocabulary::TAXONOMIES;

/// A kit of this instance: its document, metadata and rendered body.
pub struct KitEntry<'a> {
    pub doc: &'a Document,
    pub kit: &'a KitMeta,
    pub body: &'a RenderedBody,
    /// Shown in lists and counts (translations are reached from their original).
    pub listed: bool,
    /// Translation group: the original's slug.
    pub group: String,
    /// Indexes (in the list of kits) of the other kits of the same group.
    pub others_in_group: Vec<usize>,
}

/// The kits of this instance, in source order.
pub fn kit_entries(analysis: &Analysis) -> Vec<KitEntry<'_>> {
    let mut kits: Vec<KitEntry> = analysis
        .documents
        .iter()
        .filter_map(|a| {
            let kit = a.doc.kit()?;
            let is_translation =
                kit.translation_of.is_some() || !a.doc.url_path.starts_with("kits/");
            Some(KitEntry {
                doc: &a.doc,
                kit,
                body: &a.body,
                listed: !is_translation,
                group: kit
                    .translation_of
                    .clone()
                    .unwrap_or_else(|| a.doc.slug.clone()),
                others_in_group: Vec::new(),
            })
        })
        .collect();
    let mut groups: HashMap<String, Vec<usize>> = HashMap::new();
    for (index, kit) in kits.iter().enumerate() {
        groups.entry(kit.group.clone()).or_default().push(index);
    }
    for (index, kit) in kits.iter_mut().enumerate() {
        kit.others_in_group = groups[&kit.group]
            .iter()
            .copied()
            .filter(|&i| i != index)
            .collect();
    }
    kits
}

/// Other kits of the same translation group.
pub fn translations_of<'a>(entry: &KitEntry, kits: &'a [KitEntry<'a>]) -> Vec<&'a KitEntry<'a>> {
    entry.others_in_group.iter().map(|&i| &kits[i]).collect()
}

/// Finds related kits without comparing every kit with every other: listed kits by theme and by
/// audience, so only kits sharing something are scored.
pub struct Related {
    /// Listed kits grouped by what relatedness looks at: the score between two kits depends only
    /// on their groups, so a kit is scored against each group once instead of against every kit
    /// sharing a theme or an audience (with 50,000 kits that was billions of comparisons; an
    /// instance has a few hundred groups at most).
    groups: Vec<RelatedGroup>,
}

struct RelatedGroup {
    language: String,
    themes: Vec<String>,
    audiences: Vec<String>,
    /// The group's kits, by title (then source order).
    members: Vec<usize>,
}

impl Related {
    pub fn new(kits: &[KitEntry]) -> Related {
        let mut index: HashMap<(String, Vec<String>, Vec<String>), usize> = HashMap::new();
        let mut groups: Vec<RelatedGroup> = Vec::new();
        for (i, kit) in kits.iter().enumerate().filter(|(_, k)| k.listed) {
            let mut themes = kit.kit.themes.clone();
            themes.sort();
            themes.dedup();
            let mut audiences = kit.kit.audiences.clone();
            audiences.sort();
            audiences.dedup();
            let key = (kit.kit.language.clone(), themes, audiences);
            let g = *index.entry(key.clone()).or_insert_with(|| {
                groups.push(RelatedGroup {
                    language: key.0,
                    themes: key.1,
                    audiences: key.2,
                    members: Vec::new(),
                });
                groups.len() - 1
            });
            groups[g].members.push(i);
        }
        for group in &mut groups {
            group
                .members
                .sort_by(|&a, &b| kits[a].kit.title.cmp(&kits[b].kit.title).then(a.cmp(&b)));
        }
        Related { groups }
    }

    /// Up to four listed kits in the same language sharing the most themes (2 points each) and
    /// audiences (1 point each), at least 2 points; ties by title.
    pub fn of<'a>(&self, entry: &KitEntry, kits: &'a [KitEntry<'a>]) -> Vec<&'a KitEntry<'a>> {
        const WANTED: usize = 4;
        let mut scored: Vec<(usize, &RelatedGroup)> = self
            .groups
            .iter()
            .filter(|g| g.language == entry.kit.language)
            .map(|g| {
                let themes = entry.kit.themes.iter().filter(|t| g.themes.contains(t));
                let audiences = entry
                    .kit
                    .audiences
                    .iter()
                    .filter(|a| g.audiences.contains(a));
                (2 * themes.count() + audiences.count(), g)
            })
            .filter(|(score, _)| *score >= 2)
            .collect();
        scored.sort_by(|a, b| b.0.cmp(&a.0));
        let mut related: Vec<usize> = Vec::new();
        for level in scored.chunk_by(|a, b| a.0 == b.0) {
            let wanted = WANTED - related.len();
            // The first `wanted` eligible kits of each group of this score, then the first
            // `wanted` of those by title.
            let mut candidates: Vec<usize> = level
                .iter()
                .flat_map(|(_, g)| {
                    g.members
                        .iter()
                        .copied()
                        .filter(|&i| kits[i].group != entry.group)
                        .take(wanted)
                })
                .collect();
            candidates.sort_by(|&a, &b| kits[a].kit.title.cmp(&kits[b].kit.title).then(a.cmp(&b)));
            related.extend(candidates.into_iter().take(wanted));
            if related.len() == WANTED {
                break;
            }
        }
        related.into_iter().map(|i| &kits[i]).collect()
    }
}

/// Writes a file of the site (site-relative path, bytes): pages hand over what they make as soon
/// as it is made, instead of keeping it all in memory.
/// A body's HTML for its page: taken in a build, copied in `serve` ([`Analysis::keep_bodies`]).
fn body_html(analysis: &Analysis, body: &crate::markdown::RenderedBody) -> String {
    if analysis.keep_bodies {
        body.html()
    } else {
        body.take_html()
    }
}

pub type WriteFile<'a> = &'a (dyn Fn(&str, &[u8]) -> Result<()> + Sync);

/// Render every page of the site and hand each to `write` as soon as it is made (a large
/// instance never holds its whole site in memory). Returns the site-relative files written.
pub fn render_pages(
    analysis: &Analysis,
    renderer: &Renderer,
    kits: &[KitEntry],
    remote: &[RemoteKit],
    style_css: &[u8],
    write: WriteFile,
    only_kits: Option<&HashSet<String>>,
) -> Result<Vec<String>> {
    let emit = |file: String, html: String| -> Result<String> {
        write(&file, html.as_bytes())?;
        Ok(file)
    };
    let listed: Vec<&KitEntry> = kits.iter().filter(|k| k.listed).collect();
    // Everything that appears in lists: our listed kits and federated ones, as (metadata, card).
    let mut listing: Vec<(&KitMeta, CardView)> = listed
        .iter()
        .map(|k| (k.kit, renderer.card(k.doc, k.kit)))
        .collect();
    listing.extend(remote.iter().map(|r| (&r.meta, renderer.remote_card(r))));
    listing.sort_by_key(|(kit, _)| kit.title.to_lowercase());
    // A kit appears in about ten lists (each of its themes, audiences, level…): render its card
    // once, lists then only copy it.
    listing
        .par_iter_mut()
        .try_for_each(|(_, card)| -> Result<()> {
            let mut context = Context::new();
            context.insert("kit", &*card);
            card.html = Some(renderer.render("card.html", "card", &card.url, context)?);
            Ok(())
        })?;

    let mut counts: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for (kit, _) in &listing {
        for taxonomy in TAXONOMIES {
            for value in kit.values_of(taxonomy.field) {
                *counts.entry((taxonomy.key, value)).or_default() += 1;
            }
        }
    }
    let taxonomy_view = |key: &str| -> TaxonomyView {
        let vocabulary = analysis.vocabularies.get(key);
        TaxonomyView {
            key: key.to_string(),
            label: vocabulary.label(&renderer.lang).to_string(),
            url: renderer.url(&format!("{key}/")),
            terms: vocabulary
                .terms
                .iter()
                .map(|t| {
                    renderer.term(
                        key,
                        &t.slug,
                        counts.get(&(key, t.slug.as_str())).copied().unwrap_or(0),
                    )
                })
                .collect(),
        }
    };

    let zipper = crate::offline::KitZipper::new(style_css)?;
    let related = Related::new(kits);
    let mut pages: Vec<String> = kits
        .par_iter()
        .filter(|entry| only_kits.is_none_or(|only| only.contains(&entry.doc.rel_path)))
        .map(|entry| {
            let (file, html) = kit_page(analysis, renderer, entry, kits, &related, &zipper, write)?;
            write(&file, html.as_bytes())?;
            Ok(file)
        })
        .collect::<Result<_>>()?;

    // Plain pages show nothing of kits: a partial render (`only_kits`) leaves them.
    let plain_pages = analysis
        .documents
        .iter()
        .filter(|a| a.doc.kit().is_none() && only_kits.is_none());
    for analysed in plain_pages {
        let view = PageView {
            slug: analysed.doc.slug.clone(),
            title: analysed.doc.title().to_string(),
            url: renderer.url(&analysed.doc.url_path),
            body_html: body_html(analysis, &analysed.body),
            toc: analysed.body.toc.clone(),
        };
        let mut context = Context::new();
        context.insert("page", &view);
        let html = renderer.render("page.html", "page", &view.url, context)?;
        pages.push(emit(format!("{}index.html", analysed.doc.url_path), html)?);
    }

    // Browse pages: one per taxonomy, one per term with at least one kit.
    for taxonomy in TAXONOMIES {
        let view = taxonomy_view(taxonomy.key);
        let mut context = Context::new();
        context.insert("taxonomy", &view);
        pages.push(emit(
            format!("{}/index.html", taxonomy.key),
            renderer.render("taxonomy.html", "taxonomy", &view.url, context)?,
        )?);
        for term in view.terms.iter().filter(|t| t.count > 0) {
            let term_cards: Vec<&CardView> = listing
                .iter()
                .filter(|(kit, _)| kit.values_of(taxonomy.field).contains(&term.slug.as_str()))
                .map(|(_, card)| card)
                .collect();
            let mut context = Context::new();
            context.insert("taxonomy", &view);
            context.insert("term", term);
            context.insert("kits", &term_cards);
            let file = format!(
                "{}/{}/index.html",
                taxonomy.key,
                Renderer::term_slug(&term.slug)
            );
            pages.push(emit(
                file,
                renderer.render("term.html", "term", &term.url, context)?,
            )?);
        }
    }

    pages.extend(language_pages(renderer, kits, write)?);

    let all_cards: Vec<&CardView> = listing.iter().map(|(_, card)| card).collect();
    let mut context = Context::new();
    context.insert("kits", &all_cards);
    pages.push(emit(
        "kits/index.html".into(),
        renderer.render("kits.html", "kits", &renderer.url("kits/"), context)?,
    )?);

    // Home: the newest of our own kits, and entry points.
    let mut recent = listed.clone();
    recent.sort_by(|a, b| {
        let date = |k: &KitEntry| k.kit.updated.or(k.kit.created);
        date(b)
            .cmp(&date(a))
            .then_with(|| a.kit.title.cmp(&b.kit.title))
    });
    let recent_cards: Vec<CardView> = recent
        .iter()
        .take(analysis.config.recent_kits)
        .map(|k| renderer.card(k.doc, k.kit))
        .collect();
    let mut context = Context::new();
    context.insert("recent_kits", &recent_cards);
    context.insert("kit_count", &listing.len());
    context.insert(
        "home_taxonomies",
        &serde_json::json!({ "audiences": taxonomy_view("audiences"), "themes": taxonomy_view("themes") }),
    );
    pages.push(emit(
        "index.html".into(),
        renderer.render("home.html", "home", &renderer.url(""), context)?,
    )?);

    pages.push(emit(
        "search/index.html".into(),
        renderer.render(
            "search.html",
            "search",
            &renderer.url("search/"),
            Context::new(),
        )?,
    )?);
    pages.push(emit(
        "404.html".into(),
        renderer.render("404.html", "404", &renderer.url("404.html"), Context::new())?,
    )?);
    Ok(pages)
}

/// Render the page (and archive) of one kit, `kits[index]`: what an edit of its body changes.
pub fn render_one_kit(
    analysis: &Analysis,
    renderer: &Renderer,
    kits: &[KitEntry],
    index: usize,
    style_css: &[u8],
    write: WriteFile,
) -> Result<(String, String)> {
    let zipper = crate::offline::KitZipper::new(style_css)?;
    kit_page(
        analysis,
        renderer,
        &kits[index],
        kits,
        &Related::new(kits),
        &zipper,
        write,
    )
}

/// Browse pages per language (`/languages/en/`), when the instance has kits in several languages.
/// Unlike other browse pages they also list translations: an English reader wants every English kit.
fn language_pages(renderer: &Renderer, kits: &[KitEntry], write: WriteFile) -> Result<Vec<String>> {
    let emit = |file: String, html: String| -> Result<String> {
        write(&file, html.as_bytes())?;
        Ok(file)
    };
    let mut by_language: BTreeMap<&str, Vec<&KitEntry>> = BTreeMap::new();
    for kit in kits {
        by_language
            .entry(kit.kit.language.as_str())
            .or_default()
            .push(kit);
    }
    if by_language.len() < 2 {
        return Ok(Vec::new());
    }
    let term = |code: &str, count: usize| crate::render::TermView {
        slug: code.to_string(),
        label: renderer.language_label(code),
        url: renderer.url(&format!("languages/{code}/")),
        count,
        framework: None,
        framework_label: None,
        code: None,
    };
    let view = TaxonomyView {
        key: "languages".into(),
        label: renderer.ui_string("languages"),
        url: renderer.url("languages/"),
        terms: by_language
            .iter()
            .map(|(code, kits)| term(code, kits.len()))
            .collect(),
    };
    let mut pages = Vec::new();
    let mut context = Context::new();
    context.insert("taxonomy", &view);
    pages.push(emit(
        "languages/index.html".to_string(),
        renderer.render("taxonomy.html", "taxonomy", &view.url, context)?,
    )?);
    for (code, entries) in &by_language {
        let mut entries = entries.clone();
        entries.sort_by_key(|k| k.kit.title.to_lowercase());
        let cards: Vec<CardView> = entries
            .iter()
            .map(|k| renderer.card(k.doc, k.kit))
            .collect();
        let term = term(code, cards.len());
        let mut context = Context::new();
        context.insert("taxonomy", &view);
        context.insert("term", &term);
        context.insert("kits", &cards);
        pages.push(emit(
            format!("languages/{code}/index.html"),
            renderer.render("term.html", "term", &term.url, context)?,
        )?);
    }
    Ok(pages)
}

fn kit_page(
    analysis: &Analysis,
    renderer: &Renderer,
    entry: &KitEntry,
    kits: &[KitEntry],
    related: &Related,
    zipper: &crate::offline::KitZipper,
    write: WriteFile,
) -> Result<(String, String)> {
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
    let view = renderer.kit_view(
        entry.doc,
        entry.kit,
        body_html(analysis, entry.body),
        entry.body.toc.clone(),
        attachments,
        translations,
        related,
    );
    let mut context = Context::new();
    context.insert("kit", &view);
    let html = renderer.render("kit.html", "kit", &view.card.url, context)?;

    // The .zip: a standalone page whose links to attachments point to the files beside it.
    let mut standalone = view.clone();
    standalone.zip_url = None;
    let site_url = crate::feeds::site_url(&analysis.config);
    standalone.online_url = site_url
        .contains("://")
        .then(|| format!("{site_url}{}", entry.doc.url_path));
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for (attachment, rel) in standalone.attachments.iter_mut().zip(&attachment_files) {
        let name = attachment.name.clone();
        standalone.body_html = standalone
            .body_html
            .replace(&format!("\"{}\"", attachment.url), &format!("\"{name}\""));
        attachment.url = crate::links::percent_encode_path(&name);
        if let Ok(bytes) = std::fs::read(analysis.root.join(rel)) {
            files.push((name, bytes));
        }
    }
    let mut context = Context::new();
    context.insert("kit", &standalone);
    let page = renderer.render("kit-standalone.html", "kit", &view.card.url, context)?;
    let page = crate::offline::detach(&page, &analysis.config.base_path(), &site_url);
    files.push(("index.html".into(), page.into_bytes()));
    let archive = zipper.zip(&entry.doc.slug, &files)?;
    write(
        &format!("{}{}.zip", entry.doc.url_path, entry.doc.slug),
        &archive,
    )?;

    Ok((format!("{}index.html", entry.doc.url_path), html))
}

/// Files of a kit: linked from its body, or beside its `index.md` in its folder.
pub fn kit_attachments(doc: &Document, linked: &[String], files: &BTreeSet<String>) -> Vec<String> {
    let mut result: Vec<String> = Vec::new();
    let file_name = doc.rel_path.rsplit('/').next().unwrap_or_default();
    if file_name.starts_with("index.") {
        let folder = &doc.rel_path[..doc.rel_path.len() - file_name.len()];
        for file in files.range(folder.to_string()..) {
            if !file.starts_with(folder) {
                break;
            }
            let name = &file[folder.len()..];
            let is_kit_source =
                !name.contains('/') && name.starts_with("index.") && name.ends_with(".md");
            if !is_kit_source {
                result.push(file.clone());
            }
        }
    }
    for file in linked {
        if !result.contains(file) {
            result.push(file.clone());
        }
    }
    result
}

/// Every attachment to copy into the site (instance-relative paths).
pub fn all_attachments(analysis: &Analysis, kits: &[KitEntry]) -> BTreeSet<String> {
    let mut to_copy: BTreeSet<String> = BTreeSet::new();
    for entry in kits {
        to_copy.extend(kit_attachments(
            entry.doc,
            &entry.body.attachments,
            &analysis.files,
        ));
    }
    for analysed in analysis.documents.iter().filter(|a| a.doc.kit().is_none()) {
        to_copy.extend(analysed.body.attachments.iter().cloned());
    }
    to_copy
}

/// Where an attachment goes in the site.
pub fn attachment_site_path(rel: &str) -> &str {
    rel.strip_prefix("content/").unwrap_or(rel)
}

/// Absolute path of an attachment's source.
pub fn attachment_source(analysis: &Analysis, rel: &str) -> std::path::PathBuf {
    Path::new(&analysis.root).join(rel)
}
