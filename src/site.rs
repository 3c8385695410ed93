//! The build pipeline: `load → validate → link → render → index → write`.
//!
//! [`analyse`] runs everything that can find a content error (load, validate, link, Markdown) and
//! is shared by `build` and `check`. [`build`] then renders the pages with the theme, writes the
//! search index and copies attachments into a staging folder, and swaps it in atomically.
//! Parallel stages use rayon; every stage reads the previous one's output and nothing is shared
//! mutably.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context as _, Result};
use rayon::prelude::*;
use tera::Context;

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Lang, Problem};
use crate::frontmatter::{self, Located};
use crate::links::SiteLinks;
use crate::load::{self, Loaded};
use crate::markdown::{self, RenderedBody, Severity as RenderSeverity};
use crate::model::{Document, KitMeta, Meta, Source, SourceKind};
use crate::output::Staging;
use crate::render::{CardView, PageLink, PageView, Renderer, TaxonomyView, TranslationView};
use crate::theme::Theme;
use crate::validate;
use crate::vocabulary::{Vocabularies, TAXONOMIES};

#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    pub out: PathBuf,
    pub base_url: Option<String>,
    pub drafts: bool,
}

/// Why a build or check failed.
#[derive(Debug)]
pub enum Failure {
    /// Content errors (exit 1): every diagnostic of every file, with the files' text for display.
    Content {
        diagnostics: Vec<Diagnostic>,
        sources: HashMap<String, String>,
        lang: Lang,
    },
    /// Usage, configuration, theme or I/O error (exit 2).
    Fatal(anyhow::Error),
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Failure {
        Failure::Fatal(e)
    }
}

/// A document with its rendered body.
pub struct Analysed {
    pub doc: Document,
    pub body: RenderedBody,
}

/// Everything known about the instance once its content is valid.
pub struct Analysis {
    pub root: PathBuf,
    pub config: Config,
    pub vocabularies: Vocabularies,
    pub documents: Vec<Analysed>,
    pub files: BTreeSet<String>,
    pub warnings: Vec<Diagnostic>,
    pub sources: HashMap<String, String>,
}

/// How strict an analysis is.
#[derive(Debug, Clone, Default)]
pub struct AnalyseOptions {
    /// Keep kits marked `draft: true`.
    pub drafts: bool,
    /// Overrides `base_url` of mallette.toml.
    pub base_url: Option<String>,
    /// The contributors' gate (`check`) rather than a build: links to missing files or sections
    /// are errors rather than warnings (a real repository often holds a few dead links, and one
    /// should not stop the site from being published, but a pull request must not add any), and
    /// `http://` links and stale kits are reported. A link that *leaves* `content/` is always an
    /// error.
    pub strict: bool,
    /// With `strict`: warn about kits whose `updated` date is older than this many days.
    pub stale_after_days: Option<i64>,
}

/// Load, validate, link and render Markdown; report all content errors at once.
pub fn analyse(root: &Path, options: &AnalyseOptions) -> Result<Analysis, Failure> {
    let drafts = options.drafts;
    let base_url = options.base_url.as_deref();
    let mut config = Config::load(root)?;
    if let Some(base_url) = base_url {
        config.base_url = base_url.to_string();
    }
    let lang = Lang::from_code(&config.language);
    let vocabularies = Vocabularies::load(root)?;
    let Loaded {
        sources,
        files,
        mut diagnostics,
    } = load::load(root).map_err(|e| Failure::Fatal(anyhow::anyhow!(e)))?;
    let texts: HashMap<String, String> = sources
        .iter()
        .map(|s| (s.rel_path.clone(), s.text.clone()))
        .collect();

    // Validate every file in parallel, while git reads the history.
    let (results, history) = rayon::join(
        || -> Vec<Result<Document, Vec<Diagnostic>>> {
            sources
                .par_iter()
                .map(|source| parse_document(source, &config, &vocabularies))
                .collect()
        },
        || crate::git::History::read(root),
    );
    let mut documents = Vec::new();
    for result in results {
        match result {
            Ok(mut doc) => {
                let file_history = history.of(&doc.rel_path);
                if let Meta::Kit(kit) = &mut doc.meta {
                    kit.updated = kit.updated.or(file_history.last_commit);
                }
                doc.contributors = file_history.authors;
                documents.push(doc);
            }
            Err(mut errors) => diagnostics.append(&mut errors),
        }
    }

    diagnostics.extend(check_unique_urls(&documents));
    diagnostics.extend(check_translations(&documents, &texts));
    if !drafts {
        documents.retain(|d| !d.is_draft());
    }

    let links = SiteLinks {
        base: config.base_path(),
        documents: documents
            .iter()
            .map(|d| (d.rel_path.clone(), d.url_path.clone()))
            .collect(),
        files: files.clone(),
    };
    let rendered: Vec<RenderedBody> = documents
        .par_iter()
        .map(|d| markdown::render(&d.body, d.body_line, &d.rel_path, &links))
        .collect();
    for (doc, body) in documents.iter().zip(&rendered) {
        let file = Path::new(&doc.rel_path);
        for (line, column, problem, severity) in &body.problems {
            let is_error = match severity {
                RenderSeverity::Error => {
                    options.strict || !matches!(problem, Problem::LinkTargetMissing { .. })
                }
                RenderSeverity::Warning => false,
                RenderSeverity::CheckOnly if options.strict => false,
                RenderSeverity::CheckOnly => continue,
            };
            diagnostics.push(if is_error {
                Diagnostic::error(file, *line, *column, problem.clone())
            } else {
                Diagnostic::warning(file, *line, *column, problem.clone())
            });
        }
    }
    diagnostics.extend(check_anchors(&documents, &rendered, options.strict));
    if options.strict {
        let days = options.stale_after_days.unwrap_or(config.stale_after_days);
        diagnostics.extend(check_stale(&documents, (days > 0).then_some(days), &texts));
    }

    diagnostics.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(Failure::Content {
            diagnostics,
            sources: texts,
            lang,
        });
    }
    Ok(Analysis {
        root: root.to_path_buf(),
        config,
        vocabularies,
        documents: documents
            .into_iter()
            .zip(rendered)
            .map(|(doc, body)| Analysed { doc, body })
            .collect(),
        files,
        warnings: diagnostics,
        sources: texts,
    })
}

fn parse_document(
    source: &Source,
    config: &Config,
    vocabularies: &Vocabularies,
) -> Result<Document, Vec<Diagnostic>> {
    let file = Path::new(&source.rel_path);
    let at = |l: Located| vec![Diagnostic::error(file, l.line, l.column, l.problem)];
    let split = frontmatter::split(&source.text).map_err(at)?;
    let tree = frontmatter::parse_yaml(split.yaml, 2).map_err(at)?;
    let (meta, language) = match source.kind {
        SourceKind::Kit => {
            let kit = validate::validate_kit(
                file,
                &tree,
                config,
                vocabularies,
                source.file_language.as_deref(),
            )?;
            let language = kit.language.clone();
            (Meta::Kit(kit), language)
        }
        SourceKind::Page => {
            let page = validate::validate_page(file, &tree)?;
            (
                Meta::Page(page),
                source
                    .file_language
                    .clone()
                    .unwrap_or_else(|| config.language.clone()),
            )
        }
    };
    let url_path = match (source.kind, &source.file_language) {
        (SourceKind::Kit, Some(lang)) => format!("{lang}/kits/{}/", source.slug),
        (SourceKind::Kit, None) => format!("kits/{}/", source.slug),
        (SourceKind::Page, Some(lang)) => format!("{lang}/pages/{}/", source.slug),
        (SourceKind::Page, None) => format!("pages/{}/", source.slug),
    };
    Ok(Document {
        rel_path: source.rel_path.clone(),
        abs_path: source.abs_path.clone(),
        slug: source.slug.clone(),
        language,
        meta,
        body: split.body.to_string(),
        body_line: split.body_line,
        url_path,
        contributors: Vec::new(),
    })
}

/// `#section` links, within a document or to another one, must name a heading of the target.
fn check_anchors(
    documents: &[Document],
    rendered: &[RenderedBody],
    strict: bool,
) -> Vec<Diagnostic> {
    let ids_by_path: HashMap<&str, &[String]> = documents
        .iter()
        .zip(rendered)
        .map(|(d, r)| (d.rel_path.as_str(), r.ids.as_slice()))
        .collect();
    let mut diagnostics = Vec::new();
    for (doc, body) in documents.iter().zip(rendered) {
        for link in &body.anchored_links {
            let target = link.document.as_deref().unwrap_or(&doc.rel_path);
            let Some(ids) = ids_by_path.get(target) else {
                continue;
            };
            if link.fragment.is_empty() || ids.iter().any(|id| *id == link.fragment) {
                continue;
            }
            let problem = Problem::MissingAnchor {
                target: link.written.clone(),
                anchor: link.fragment.clone(),
                suggestion: crate::diagnostics::closest(
                    &link.fragment,
                    ids.iter().map(String::as_str),
                )
                .map(|id| format!("#{id}")),
            };
            let file = Path::new(&doc.rel_path);
            diagnostics.push(if strict {
                Diagnostic::error(file, link.line, link.column, problem)
            } else {
                Diagnostic::warning(file, link.line, link.column, problem)
            });
        }
    }
    diagnostics
}

/// Kits whose last update is older than `days` (by `updated`, else `created`).
fn check_stale(
    documents: &[Document],
    days: Option<i64>,
    texts: &HashMap<String, String>,
) -> Vec<Diagnostic> {
    let Some(days) = days else { return Vec::new() };
    let today = chrono::Local::now().date_naive();
    documents
        .iter()
        .filter_map(|doc| {
            let kit = doc.kit()?;
            let updated = kit.updated.or(kit.created)?;
            let age = (today - updated).num_days();
            if age <= days {
                return None;
            }
            let key = if kit.updated.is_some() {
                "updated"
            } else {
                "created"
            };
            let line = texts
                .get(&doc.rel_path)
                .and_then(|t| t.lines().position(|l| l.starts_with(key)))
                .map_or(1, |i| i + 1);
            Some(Diagnostic::warning(
                Path::new(&doc.rel_path),
                line,
                1,
                Problem::StaleKit {
                    updated: updated.to_string(),
                    days: age,
                },
            ))
        })
        .collect()
}

fn check_unique_urls(documents: &[Document]) -> Vec<Diagnostic> {
    let mut first_by_url: HashMap<&str, &str> = HashMap::new();
    let mut diagnostics = Vec::new();
    for doc in documents {
        if let Some(other) = first_by_url.insert(&doc.url_path, &doc.rel_path) {
            diagnostics.push(Diagnostic::error(
                Path::new(&doc.rel_path),
                1,
                1,
                Problem::DuplicateSlug {
                    slug: doc.slug.clone(),
                    other: other.to_string(),
                },
            ));
            first_by_url.insert(&doc.url_path, other);
        }
    }
    diagnostics
}

fn check_translations(documents: &[Document], texts: &HashMap<String, String>) -> Vec<Diagnostic> {
    let kit_slugs: BTreeSet<&str> = documents
        .iter()
        .filter(|d| d.kit().is_some())
        .map(|d| d.slug.as_str())
        .collect();
    let mut diagnostics = Vec::new();
    for doc in documents {
        if let Some(target) = doc.kit().and_then(|k| k.translation_of.as_deref()) {
            if !kit_slugs.contains(target) {
                let line = texts
                    .get(&doc.rel_path)
                    .and_then(|t| t.lines().position(|l| l.starts_with("translation_of")))
                    .map(|i| i + 1)
                    .unwrap_or(1);
                diagnostics.push(Diagnostic::error(
                    Path::new(&doc.rel_path),
                    line,
                    1,
                    Problem::UnknownTranslationOf {
                        slug: target.to_string(),
                    },
                ));
            }
        }
    }
    diagnostics
}

/// What a successful build did.
#[derive(Debug)]
pub struct Report {
    pub out: PathBuf,
    pub kits: usize,
    pub pages: usize,
    pub files_written: usize,
    pub warnings: Vec<Diagnostic>,
    pub sources: HashMap<String, String>,
    pub lang: Lang,
    pub millis: u128,
}

/// Build the site into `options.out`, atomically.
pub fn build(options: &BuildOptions) -> Result<Report, Failure> {
    let started = Instant::now();
    let analysis = analyse(
        &options.root,
        &AnalyseOptions {
            drafts: options.drafts,
            base_url: options.base_url.clone(),
            strict: false,
            stale_after_days: None,
        },
    )?;
    let staging = Staging::new(&options.root, &options.out)?;
    let written = write_site(&analysis, &staging)?;
    let out = staging.commit()?;
    let kits = analysis
        .documents
        .iter()
        .filter(|a| a.doc.kit().is_some())
        .count();
    Ok(Report {
        out,
        kits,
        pages: analysis.documents.len() - kits,
        files_written: written,
        lang: Lang::from_code(&analysis.config.language),
        warnings: analysis.warnings,
        sources: analysis.sources,
        millis: started.elapsed().as_millis(),
    })
}

/// A kit in the site: its document, metadata and rendered body.
struct KitEntry<'a> {
    doc: &'a Document,
    kit: &'a KitMeta,
    body: &'a RenderedBody,
    /// Shown in lists and counts (translations are reached from their original).
    listed: bool,
    /// Translation group: the original's slug.
    group: String,
}

/// Render every page, write the search index, copy assets and attachments. Returns files written.
fn write_site(analysis: &Analysis, staging: &Staging) -> Result<usize> {
    let config = &analysis.config;
    let theme = Theme::load(&analysis.root, &config.theme)?;
    let base = config.base_path();
    let page_links: Vec<PageLink> = analysis
        .documents
        .iter()
        .filter(|a| a.doc.kit().is_none())
        .map(|a| PageLink {
            slug: a.doc.slug.clone(),
            title: a.doc.title().to_string(),
            url: format!("{base}{}", a.doc.url_path),
        })
        .collect();
    let renderer = Renderer::new(
        config,
        &analysis.vocabularies,
        &theme,
        base.clone(),
        &page_links,
    )?;

    let kits: Vec<KitEntry> = analysis
        .documents
        .iter()
        .filter_map(|a| {
            let kit = a.doc.kit()?;
            let is_translation =
                kit.translation_of.is_some() || a.doc.url_path.split('/').next() != Some("kits");
            Some(KitEntry {
                doc: &a.doc,
                kit,
                body: &a.body,
                listed: !is_translation,
                group: kit
                    .translation_of
                    .clone()
                    .unwrap_or_else(|| a.doc.slug.clone()),
            })
        })
        .collect();
    let listed: Vec<&KitEntry> = kits.iter().filter(|k| k.listed).collect();

    // Counts per taxonomy term, over listed kits.
    let mut counts: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for entry in &listed {
        for taxonomy in TAXONOMIES {
            for value in entry.kit.values_of(taxonomy.field) {
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

    let mut pages: Vec<(String, String)> = Vec::new(); // (site-relative file, html)

    // Kit pages, in parallel.
    let kit_pages: Vec<Result<(String, String)>> = kits
        .par_iter()
        .map(|entry| {
            let attachments = kit_attachments(entry.doc, &entry.body.attachments, &analysis.files)
                .into_iter()
                .map(|rel| {
                    let size = std::fs::metadata(analysis.root.join(&rel))
                        .map(|m| m.len())
                        .unwrap_or(0);
                    renderer.attachment(&rel, size)
                })
                .collect();
            let translations: Vec<TranslationView> = kits
                .iter()
                .filter(|other| {
                    other.group == entry.group && other.doc.url_path != entry.doc.url_path
                })
                .map(|other| TranslationView {
                    language: other.kit.language.clone(),
                    language_label: renderer.language_label(&other.kit.language),
                    title: other.kit.title.clone(),
                    url: renderer.url(&other.doc.url_path),
                })
                .collect();
            let related = related_kits(entry, &listed)
                .into_iter()
                .map(|k| renderer.card(k.doc, k.kit))
                .collect();
            let view = renderer.kit_view(
                entry.doc,
                entry.kit,
                entry.body.html.clone(),
                entry.body.toc.clone(),
                attachments,
                translations,
                related,
            );
            let mut context = Context::new();
            context.insert("kit", &view);
            let html = renderer.render("kit.html", "kit", &view.card.url, context)?;
            Ok((format!("{}index.html", entry.doc.url_path), html))
        })
        .collect();
    for page in kit_pages {
        pages.push(page?);
    }

    // Plain pages.
    for analysed in analysis.documents.iter().filter(|a| a.doc.kit().is_none()) {
        let view = PageView {
            slug: analysed.doc.slug.clone(),
            title: analysed.doc.title().to_string(),
            url: renderer.url(&analysed.doc.url_path),
            body_html: analysed.body.html.clone(),
            toc: analysed.body.toc.clone(),
        };
        let mut context = Context::new();
        context.insert("page", &view);
        pages.push((
            format!("{}index.html", analysed.doc.url_path),
            renderer.render("page.html", "page", &view.url, context)?,
        ));
    }

    // Cards of listed kits, A–Z, reused by list pages.
    let mut listed_sorted = listed.clone();
    listed_sorted.sort_by_key(|k| k.kit.title.to_lowercase());
    let cards: Vec<(&KitEntry, CardView)> = listed_sorted
        .iter()
        .map(|k| (*k, renderer.card(k.doc, k.kit)))
        .collect();

    // Browse pages: one per taxonomy, one per term with at least one kit.
    for taxonomy in TAXONOMIES {
        let view = taxonomy_view(taxonomy.key);
        let mut context = Context::new();
        context.insert("taxonomy", &view);
        pages.push((
            format!("{}/index.html", taxonomy.key),
            renderer.render("taxonomy.html", "taxonomy", &view.url, context)?,
        ));
        for term in view.terms.iter().filter(|t| t.count > 0) {
            let term_cards: Vec<&CardView> = cards
                .iter()
                .filter(|(k, _)| {
                    k.kit
                        .values_of(taxonomy.field)
                        .contains(&term.slug.as_str())
                })
                .map(|(_, c)| c)
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
            pages.push((
                file,
                renderer.render("term.html", "term", &term.url, context)?,
            ));
        }
    }

    // All kits.
    let all_cards: Vec<&CardView> = cards.iter().map(|(_, c)| c).collect();
    let mut context = Context::new();
    context.insert("kits", &all_cards);
    pages.push((
        "kits/index.html".into(),
        renderer.render("kits.html", "kits", &renderer.url("kits/"), context)?,
    ));

    // Home.
    let mut recent: Vec<&KitEntry> = listed.clone();
    recent.sort_by(|a, b| {
        let date = |k: &KitEntry| k.kit.updated.or(k.kit.created);
        date(b)
            .cmp(&date(a))
            .then_with(|| a.kit.title.cmp(&b.kit.title))
    });
    let recent_cards: Vec<CardView> = recent
        .iter()
        .take(config.recent_kits)
        .map(|k| renderer.card(k.doc, k.kit))
        .collect();
    let mut context = Context::new();
    context.insert("recent_kits", &recent_cards);
    context.insert("kit_count", &listed.len());
    context.insert(
        "home_taxonomies",
        &serde_json::json!({ "audiences": taxonomy_view("audiences"), "themes": taxonomy_view("themes") }),
    );
    pages.push((
        "index.html".into(),
        renderer.render("home.html", "home", &base, context)?,
    ));

    // Search page and 404.
    pages.push((
        "search/index.html".into(),
        renderer.render(
            "search.html",
            "search",
            &renderer.url("search/"),
            Context::new(),
        )?,
    ));
    pages.push((
        "404.html".into(),
        renderer.render("404.html", "404", &renderer.url("404.html"), Context::new())?,
    ));

    let mut written = pages.len();
    pages
        .par_iter()
        .try_for_each(|(file, html)| staging.write(file, html.as_bytes()))?;

    // Theme assets, the instance's colours and logo.
    for (path, bytes) in theme.static_files() {
        staging.write(&format!("static/{path}"), bytes)?;
        written += 1;
    }
    staging.write("static/instance.css", config.instance_css().as_bytes())?;
    if let Some(logo) = &config.logo {
        let source = analysis.root.join(logo);
        staging
            .copy(
                &source,
                &format!("static/{}", crate::render::logo_file_name(logo)),
            )
            .with_context(|| format!("mallette.toml: logo `{logo}`"))?;
    }

    // Attachments: files linked from bodies and files beside folder kits.
    let mut to_copy: BTreeSet<String> = BTreeSet::new();
    for entry in &kits {
        to_copy.extend(kit_attachments(
            entry.doc,
            &entry.body.attachments,
            &analysis.files,
        ));
    }
    for analysed in analysis.documents.iter().filter(|a| a.doc.kit().is_none()) {
        to_copy.extend(analysed.body.attachments.iter().cloned());
    }
    to_copy.par_iter().try_for_each(|rel| {
        let site_path = rel.strip_prefix("content/").unwrap_or(rel);
        staging.copy(&analysis.root.join(rel), site_path)
    })?;
    written += to_copy.len();

    // Feed, sitemap and catalog.
    let site_url = crate::feeds::site_url(config);
    let absolute = |url_path: &str| format!("{site_url}{url_path}");
    let published: Vec<crate::feeds::PublishedKit> = kits
        .iter()
        .map(|k| crate::feeds::PublishedKit {
            slug: &k.doc.slug,
            url: absolute(&k.doc.url_path),
            kit: k.kit,
            translations: kits
                .iter()
                .filter(|o| o.group == k.group && o.doc.url_path != k.doc.url_path)
                .map(|o| (o.kit.language.clone(), absolute(&o.doc.url_path)))
                .collect(),
        })
        .collect();
    let listed_published: Vec<crate::feeds::PublishedKit> = published
        .iter()
        .zip(&kits)
        .filter(|(_, k)| k.listed)
        .map(|(p, _)| crate::feeds::PublishedKit {
            slug: p.slug,
            url: p.url.clone(),
            kit: p.kit,
            translations: p.translations.clone(),
        })
        .collect();
    staging.write(
        "feed.xml",
        crate::feeds::atom(config, &listed_published).as_bytes(),
    )?;
    staging.write(
        "catalog.json",
        crate::feeds::catalog(config, &published).as_bytes(),
    )?;
    let mut sitemap_urls: Vec<(String, Option<chrono::NaiveDate>)> = vec![(absolute(""), None)];
    sitemap_urls.extend(
        kits.iter()
            .map(|k| (absolute(&k.doc.url_path), k.kit.updated.or(k.kit.created))),
    );
    sitemap_urls.extend(
        analysis
            .documents
            .iter()
            .filter(|a| a.doc.kit().is_none())
            .map(|a| (absolute(&a.doc.url_path), None)),
    );
    for (file, _) in &pages {
        if let Some(dir) = file.strip_suffix("index.html") {
            let is_browse = TAXONOMIES
                .iter()
                .any(|t| dir.starts_with(&format!("{}/", t.key)))
                || dir == "kits/";
            if is_browse {
                sitemap_urls.push((absolute(dir), None));
            }
        }
    }
    staging.write(
        "sitemap.xml",
        crate::feeds::sitemap(&sitemap_urls).as_bytes(),
    )?;
    written += 3;

    // Search index.
    let search_docs: Vec<mallette_search::SearchDoc> = kits
        .iter()
        .filter(|k| k.listed || k.kit.language != config.language)
        .map(|k| mallette_search::SearchDoc {
            slug: k.doc.slug.clone(),
            url: renderer.url(&k.doc.url_path),
            title: k.kit.title.clone(),
            summary: k.kit.summary.clone(),
            body: k.body.text.clone(),
            language: k.kit.language.clone(),
            themes: k.kit.themes.clone(),
            audiences: k.kit.audiences.clone(),
            level: k.kit.level.clone(),
            formats: k.kit.formats.clone(),
            materials: k.kit.materials.clone(),
            competences: k.kit.competences.clone(),
            accessibility: k.kit.accessibility.clone(),
            duration_minutes: k.kit.duration_minutes,
        })
        .collect();
    mallette_search::write_index(&search_docs, &staging.path().join(SEARCH_INDEX_DIR))
        .context("writing the search index")?;
    Ok(written)
}

/// Where the search index sits inside the built site.
pub const SEARCH_INDEX_DIR: &str = "search/index";

/// Files of a kit: linked from its body, or beside its `index.md` in its folder.
fn kit_attachments(doc: &Document, linked: &[String], files: &BTreeSet<String>) -> Vec<String> {
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

/// Up to four listed kits in the same language sharing the most themes and audiences.
fn related_kits<'a>(entry: &KitEntry, listed: &[&'a KitEntry<'a>]) -> Vec<&'a KitEntry<'a>> {
    let mut scored: Vec<(usize, &KitEntry)> = listed
        .iter()
        .filter(|other| other.group != entry.group && other.kit.language == entry.kit.language)
        .map(|other| {
            let themes = other
                .kit
                .themes
                .iter()
                .filter(|t| entry.kit.themes.contains(t))
                .count();
            let audiences = other
                .kit
                .audiences
                .iter()
                .filter(|a| entry.kit.audiences.contains(a))
                .count();
            (themes * 2 + audiences, *other)
        })
        .filter(|(score, _)| *score >= 2)
        .collect();
    scored.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then_with(|| a.1.kit.title.cmp(&b.1.kit.title))
    });
    scored.into_iter().take(4).map(|(_, k)| k).collect()
}

/// Diagnostics for humans, each with its source line.
pub fn render_diagnostics(
    diagnostics: &[Diagnostic],
    sources: &HashMap<String, String>,
    lang: Lang,
) -> String {
    diagnostics
        .iter()
        .map(|diagnostic| {
            let source = sources
                .get(&diagnostic.file.to_string_lossy().to_string())
                .map(String::as_str);
            diagnostic.render_human(lang, source)
        })
        .collect()
}

/// Print diagnostics for humans on stderr.
pub fn print_diagnostics(
    diagnostics: &[Diagnostic],
    sources: &HashMap<String, String>,
    lang: Lang,
) {
    eprint!("{}", render_diagnostics(diagnostics, sources, lang));
}
