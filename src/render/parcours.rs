//! The pages of learning paths: `/parcours/` (every path), `/parcours/<slug>/` (the steps in
//! order as numbered kit cards with their notes, the total duration, the materials and
//! competences of the whole cycle), its booklet (`livret/`, `booklet/` in English: every kit of
//! the path in order, each starting on a new A4 page, for printing) and its `.zip` (the booklet
//! and every kit's attachments).

use std::collections::BTreeSet;

use anyhow::{Context as _, Result};
use lol_html::{element, rewrite_str, RewriteStrSettings};
use mallette_content::config::license_info;
use mallette_content::{kit_attachments, Analysis, KitEntry, Lang};
use serde::Serialize;
use tera::Context;

use super::kit_page::{ArchivedFile, KitArchive};
use super::pages::Sink;
use super::{format, CardView, DurationView, LicenseView, Renderer, TermView};

#[derive(Serialize)]
struct StepView {
    number: usize,
    note: Option<String>,
    kit: CardView,
}

#[derive(Serialize)]
struct BookletKit {
    number: usize,
    note: Option<String>,
    anchor: String,
    kit: super::KitView,
}

#[derive(Serialize)]
pub struct ParcoursView {
    slug: String,
    title: String,
    summary: String,
    url: String,
    audiences: Vec<TermView>,
    themes: Vec<TermView>,
    level: Option<TermView>,
    steps: Vec<StepView>,
    total: DurationView,
    materials: Vec<TermView>,
    competences: Vec<TermView>,
    license: LicenseView,
    attribution: String,
    authors: Vec<String>,
    body_html: String,
    booklet_url: String,
    zip_url: String,
}

/// A path as the list of every path shows it (ours, and those of federated instances).
#[derive(Serialize)]
struct ParcoursCard {
    title: String,
    summary: String,
    url: String,
    steps: usize,
    total: DurationView,
    audiences: Vec<String>,
    origin: Option<super::OriginView>,
}

/// The booklet's folder inside a path's folder, in the interface language.
fn booklet_dir(lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => "livret/",
        Lang::En => "booklet/",
    }
}

/// Render every page of every learning path; returns the files written.
pub fn parcours_pages(
    analysis: &Analysis,
    renderer: &Renderer,
    kits: &[KitEntry],
    sink: &dyn Sink,
) -> Result<Vec<String>> {
    let mut files = Vec::new();
    let mut cards: Vec<ParcoursCard> = Vec::new();
    for analysed in &analysis.documents {
        let Some(parcours) = analysed.doc.parcours() else {
            continue;
        };
        let doc = &analysed.doc;
        let steps: Vec<(&mallette_content::model::ParcoursStep, &KitEntry)> = parcours
            .steps
            .iter()
            .filter_map(|step| {
                kits.iter()
                    .find(|k| k.listed && k.doc.slug == step.kit)
                    .map(|k| (step, k))
            })
            .collect();
        let union = |key: &str, values: &dyn Fn(&KitEntry) -> Vec<String>| -> Vec<TermView> {
            let mut seen = BTreeSet::new();
            let order: Vec<String> = analysis
                .vocabularies
                .get(key)
                .terms
                .iter()
                .map(|t| t.slug.clone())
                .collect();
            for (_, k) in &steps {
                seen.extend(values(k));
            }
            order
                .iter()
                .filter(|s| seen.contains(*s))
                .map(|s| renderer.term(key, s, 0))
                .collect()
        };
        let (license_name, license_url) = license_info(&parcours.license);
        let url = renderer.url(&doc.url_path);
        let booklet_path = format!("{}{}", doc.url_path, booklet_dir(renderer.ui_lang()));
        let view = ParcoursView {
            slug: doc.slug.clone(),
            title: parcours.title.clone(),
            summary: parcours.summary.clone(),
            url: url.clone(),
            audiences: parcours
                .audiences
                .iter()
                .map(|a| renderer.term("audiences", a, 0))
                .collect(),
            themes: parcours
                .themes
                .iter()
                .map(|t| renderer.term("themes", t, 0))
                .collect(),
            level: parcours
                .level
                .as_ref()
                .map(|l| renderer.term("levels", l, 0)),
            steps: steps
                .iter()
                .enumerate()
                .map(|(i, (step, k))| StepView {
                    number: i + 1,
                    note: step.note.clone(),
                    kit: renderer.card(k.doc, k.kit),
                })
                .collect(),
            total: renderer.duration(steps.iter().map(|(_, k)| k.kit.duration_minutes).sum()),
            materials: union("materials", &|k| k.kit.materials.clone()),
            competences: union("competences", &|k| k.kit.competences.clone()),
            attribution: format::attribution(
                &parcours.title,
                &parcours.authors,
                &license_name,
                renderer.ui_lang(),
            ),
            license: LicenseView {
                id: parcours.license.clone(),
                name: license_name,
                url: license_url,
            },
            authors: parcours.authors.clone(),
            body_html: analysed.body.html(),
            booklet_url: renderer.url(&booklet_path),
            zip_url: renderer.url(&format!("{}{}.zip", doc.url_path, doc.slug)),
        };

        let mut context = Context::new();
        context.insert("parcours", &view);
        let file = format!("{}index.html", doc.url_path);
        sink.page(
            &file,
            &renderer.render("parcours.html", "parcours", &url, context)?,
        )?;
        files.push(file);

        // The booklet: every kit's page content, its ids prefixed so that they stay unique.
        let booklet_kits: Vec<BookletKit> = steps
            .iter()
            .enumerate()
            .map(|(i, (step, k))| {
                let body = prefix_ids(&k.body.html(), &k.doc.slug)?;
                let kit = renderer.kit_view(
                    k.doc,
                    k.kit,
                    body,
                    Vec::new(),
                    Vec::new(),
                    Vec::new(),
                    Vec::new(),
                );
                Ok(BookletKit {
                    number: i + 1,
                    note: step.note.clone(),
                    anchor: format!("etape-{}", i + 1),
                    kit,
                })
            })
            .collect::<Result<_>>()?;
        let booklet = |standalone: bool| -> Result<String> {
            let mut context = Context::new();
            context.insert("parcours", &view);
            context.insert("kits", &booklet_kits);
            context.insert("standalone", &standalone);
            renderer.render(
                "booklet.html",
                "booklet",
                &renderer.url(&booklet_path),
                context,
            )
        };
        let file = format!("{booklet_path}index.html");
        sink.page(&file, &booklet(false)?)?;
        files.push(file);

        // The .zip: the booklet as its page, every kit's attachments in a folder of its own.
        let mut attachments = Vec::new();
        for (_, k) in &steps {
            for rel in kit_attachments(k.doc, &k.body.attachments, &analysis.files) {
                let name = rel.rsplit('/').next().unwrap_or(&rel).to_string();
                attachments.push(ArchivedFile {
                    name: format!("{}/{name}", k.doc.slug),
                    url: renderer.attachment(&rel, 0).url,
                    source: rel,
                });
            }
        }
        sink.archive(&KitArchive {
            slug: doc.slug.clone(),
            file: format!("{}{}.zip", doc.url_path, doc.slug),
            page_html: booklet(true)?,
            attachments,
        })?;
        cards.push(ParcoursCard {
            title: view.title.clone(),
            summary: view.summary.clone(),
            url: view.url.clone(),
            steps: view.steps.len(),
            total: view.total.clone(),
            audiences: view.audiences.iter().map(|a| a.label.clone()).collect(),
            origin: None,
        });
    }
    let known = |key: &str, slug: &str| {
        analysis
            .vocabularies
            .get(key)
            .get(slug)
            .map(|t| t.label(&renderer.lang).to_string())
    };
    for remote in &analysis.remote_parcours {
        let p = &remote.parcours;
        cards.push(ParcoursCard {
            title: p.title.chars().take(120).collect(),
            summary: p.summary.chars().take(300).collect(),
            url: p.url.clone(),
            steps: p.kits.len(),
            total: renderer.duration(p.duration_minutes),
            audiences: p
                .audiences
                .iter()
                .filter_map(|a| known("audiences", a))
                .collect(),
            origin: Some(super::OriginView {
                name: remote.origin.clone(),
                url: remote.origin_url.clone(),
            }),
        });
    }

    cards.sort_by_key(|c| c.title.to_lowercase());
    let mut context = Context::new();
    context.insert("all_parcours", &cards);
    files.push("parcours/index.html".into());
    sink.page(
        "parcours/index.html",
        &renderer.render(
            "parcours-list.html",
            "parcours-list",
            &renderer.url("parcours/"),
            context,
        )?,
    )?;
    Ok(files)
}

/// The ids of a kit's body (headings, task items) and the in-page links and labels that name
/// them, prefixed with the kit's slug: several bodies share one booklet page.
fn prefix_ids(html: &str, slug: &str) -> Result<String> {
    let prefixed = |value: &str| {
        value
            .split_whitespace()
            .map(|id| format!("{slug}-{id}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let handlers = vec![
        element!("[id]", |el| {
            if let Some(id) = el.get_attribute("id") {
                el.set_attribute("id", &prefixed(&id))?;
            }
            Ok(())
        }),
        element!("[aria-labelledby]", |el| {
            if let Some(ids) = el.get_attribute("aria-labelledby") {
                el.set_attribute("aria-labelledby", &prefixed(&ids))?;
            }
            Ok(())
        }),
        element!("a[href^='#']", |el| {
            if let Some(href) = el.get_attribute("href") {
                el.set_attribute("href", &format!("#{}", prefixed(&href[1..])))?;
            }
            Ok(())
        }),
    ];
    let out = rewrite_str(
        html,
        RewriteStrSettings {
            element_content_handlers: handlers,
            ..RewriteStrSettings::new()
        },
    );
    out.with_context(|| format!("the booklet's copy of {slug}"))
}
