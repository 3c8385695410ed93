//! The pages of the site: kit pages, plain pages, browse pages (one per taxonomy and per term,
//! with counts), the list of all kits, the home page, the search page and the 404 page.
//!
//! Input: the analysed documents, the kits of federated instances and a [`Renderer`]. Output:
//! every page handed to a [`Sink`] as soon as it is made (a large instance never holds its whole
//! site in memory); writing them is the sink's job.

use std::collections::{BTreeMap, HashSet};

use anyhow::Result;
use mallette_content::federation::RemoteKit;
use mallette_content::markdown::RenderedBody;
use mallette_content::model::KitMeta;
use mallette_content::vocabulary::TAXONOMIES;
use mallette_content::{Analysis, KitEntry};
use rayon::prelude::*;
use tera::Context;

use super::kit_page::{kit_page, KitArchive};
use super::paths::Paths;
use super::{CardView, PageView, Related, Renderer, TaxonomyView, TermView};

/// Where rendered pages go: the publish stage's writer (a staging folder, or the served site).
pub trait Sink: Sync {
    /// The page at the site-relative path `file`.
    fn page(&self, file: &str, html: &str) -> Result<()>;
    /// A kit's archive: its standalone page and attachments.
    fn archive(&self, archive: &KitArchive) -> Result<()>;
}

/// A body's HTML for its page: taken in a build, copied in `serve` ([`Analysis::keep_bodies`]).
pub(super) fn body_html(analysis: &Analysis, body: &RenderedBody) -> String {
    if analysis.keep_bodies {
        body.html()
    } else {
        body.take_html()
    }
}

/// Render every page of the site and hand each to `write` as soon as it is made (a large
/// instance never holds its whole site in memory). Returns the site-relative files written.
pub fn render_pages(
    analysis: &Analysis,
    renderer: &Renderer,
    kits: &[KitEntry],
    remote: &[RemoteKit],
    sink: &dyn Sink,
    only_kits: Option<&HashSet<String>>,
) -> Result<Vec<String>> {
    let emit = |file: String, html: String| -> Result<String> {
        sink.page(&file, &html)?;
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

    let related = Related::new(kits);
    let paths = Paths::new(analysis, kits, &renderer.base);
    // Learning paths first: their booklets copy the bodies that kit pages then take.
    let mut pages: Vec<String> = if only_kits.is_none() {
        super::parcours::parcours_pages(analysis, renderer, kits, sink)?
    } else {
        Vec::new()
    };
    let kit_pages: Vec<String> = kits
        .par_iter()
        .filter(|entry| only_kits.is_none_or(|only| only.contains(&entry.doc.rel_path)))
        .map(|entry| kit_page(analysis, renderer, entry, kits, &related, &paths, sink))
        .collect::<Result<_>>()?;
    pages.extend(kit_pages);

    // Plain pages show nothing of kits: a partial render (`only_kits`) leaves them.
    let plain_pages = analysis
        .documents
        .iter()
        .filter(|a| a.doc.page().is_some() && only_kits.is_none());
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

    // The competence map: what the kits cover, by competence and level.
    let metas: Vec<&KitMeta> = listing.iter().map(|(kit, _)| *kit).collect();
    let competence_map = super::competences::map(renderer, &metas);
    sink.page(
        "competences/coverage.svg",
        &super::competences::svg(
            &competence_map,
            &renderer.ui_string("competence_map_svg_title"),
            &renderer.ui_string("competence_map_empty"),
        ),
    )?;

    // Browse pages: one per taxonomy, one per term with at least one kit.
    for taxonomy in TAXONOMIES {
        let view = taxonomy_view(taxonomy.key);
        let mut context = Context::new();
        context.insert("taxonomy", &view);
        let template = if taxonomy.key == "competences" {
            context.insert("map", &competence_map);
            "competences.html"
        } else {
            "taxonomy.html"
        };
        pages.push(emit(
            format!("{}/index.html", taxonomy.key),
            renderer.render(template, "taxonomy", &view.url, context)?,
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

    pages.extend(language_pages(renderer, kits, sink)?);

    // Kits tested in the field: the newest session first.
    let mut tested: Vec<&(&KitMeta, CardView)> = listing
        .iter()
        .filter(|(kit, _)| !kit.field_reports.is_empty())
        .collect();
    tested.sort_by(|a, b| b.0.last_session().cmp(&a.0.last_session()));
    let tested_cards: Vec<&CardView> = tested.iter().map(|(_, card)| card).collect();
    let mut context = Context::new();
    context.insert("kits", &tested_cards);
    pages.push(emit(
        "field-tested/index.html".into(),
        renderer.render(
            "field-tested.html",
            "field-tested",
            &renderer.url("field-tested/"),
            context,
        )?,
    )?);

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
    context.insert("competence_svg", &competence_map.svg_url);
    context.insert(
        "parcours_count",
        &analysis
            .documents
            .iter()
            .filter(|a| a.doc.parcours().is_some())
            .count(),
    );
    context.insert("kit_count", &listing.len());
    context.insert(
        "home_taxonomies",
        &serde_json::json!({
            "audiences": taxonomy_view("audiences"),
            "themes": taxonomy_view("themes"),
            "materials": taxonomy_view("materials"),
            "levels": taxonomy_view("levels"),
        }),
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
    let (file, html) = super::contribute::contribute_page(analysis, renderer, renderer.offline())?;
    pages.push(emit(file, html)?);
    pages.push(emit(
        "404.html".into(),
        renderer.render("404.html", "404", &renderer.url("404.html"), Context::new())?,
    )?);
    Ok(pages)
}

/// Render the page (and archive) of one kit, `kits[index]`: what an edit of its body changes.
/// Returns the page's file.
pub fn render_one_kit(
    analysis: &Analysis,
    renderer: &Renderer,
    kits: &[KitEntry],
    index: usize,
    sink: &dyn Sink,
) -> Result<String> {
    kit_page(
        analysis,
        renderer,
        &kits[index],
        kits,
        &Related::new(kits),
        &Paths::new(analysis, kits, &renderer.base),
        sink,
    )
}

/// Browse pages per language (`/languages/en/`), when the instance has kits in several languages.
/// Unlike other browse pages they also list translations: an English reader wants every English kit.
fn language_pages(renderer: &Renderer, kits: &[KitEntry], sink: &dyn Sink) -> Result<Vec<String>> {
    let emit = |file: String, html: String| -> Result<String> {
        sink.page(&file, &html)?;
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
    let term = |code: &str, count: usize| TermView {
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
