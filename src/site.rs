//! The build pipeline: `load → validate → link → render → index → write`.
//!
//! [`analyse`] runs everything that can find a content error (load, validate, link, Markdown) and
//! is shared by `build` and `check`. [`build`] then renders the pages with the theme, writes the
//! search index and copies attachments into a staging folder, and swaps it in atomically.
//! Parallel stages use rayon; every stage reads the previous one's output and nothing is shared
//! mutably.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context as _, Result};
use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Lang, Problem};
use crate::federation::RemoteKit;
use crate::frontmatter::{self, Located};
use crate::links::SiteLinks;
use crate::load::{self, Loaded};
use crate::markdown::{self, RenderedBody, Severity as RenderSeverity};
use crate::model::{Document, KitMeta, Meta, Source, SourceKind};
use crate::output::Staging;
use crate::pages;
use crate::render::{PageLink, Renderer};
use crate::theme::Theme;
use crate::validate;
use crate::vocabulary::{Vocabularies, TAXONOMIES};

#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    pub out: PathBuf,
    pub base_url: Option<String>,
    pub drafts: bool,
    /// A site that works opened from disk (`file://`): relative links to `index.html` files.
    pub offline: bool,
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
    /// Kits of federated instances, from their stored catalogs.
    pub remote: Vec<RemoteKit>,
    /// Pages leave each body's HTML in place instead of taking it: `serve` may render any page
    /// again after an edit. (A build takes them, so that it never holds every body at once.)
    pub keep_bodies: bool,
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
    // The source texts now only serve diagnostics (moved, not copied: at 10,000 kits each copy
    // is 60 MB).
    let texts: HashMap<String, String> =
        sources.into_iter().map(|s| (s.rel_path, s.text)).collect();
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
    // The Markdown has been rendered: its HTML and text are what the build uses from here on.
    for doc in &mut documents {
        doc.body = String::new();
    }
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

    let (remote, catalog_problems) = crate::federation::load(root, &config);
    diagnostics.extend(catalog_problems);

    diagnostics.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(Failure::Content {
            diagnostics,
            sources: texts,
            lang,
        });
    }
    // From here on the texts only serve to show warnings: keep those of files that have some.
    let mut texts = texts;
    let warned: BTreeSet<String> = diagnostics
        .iter()
        .map(|d| d.file.to_string_lossy().into_owned())
        .collect();
    texts.retain(|path, _| warned.contains(path));
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
        remote,
        keep_bodies: false,
    })
}

pub fn parse_document(
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
    build_keeping(options, false).map(|(report, _, _)| report)
}

/// Build, and keep what `serve` needs to apply later edits without a full build.
pub fn build_keeping(
    options: &BuildOptions,
    keep_bodies: bool,
) -> Result<(Report, Analysis, crate::search_assets::SearchAssets), Failure> {
    let started = Instant::now();
    let mut analysis = analyse(
        &options.root,
        &AnalyseOptions {
            drafts: options.drafts,
            // Offline pages link relatively; they are built at `/` and then rewritten.
            base_url: if options.offline {
                Some("/".into())
            } else {
                options.base_url.clone()
            },
            strict: false,
            stale_after_days: None,
        },
    )?;
    analysis.keep_bodies = keep_bodies;
    let staging = Staging::new(&options.root, &options.out)?;
    let (written, search) = write_site(&analysis, &staging, options.offline)?;
    let out = staging.commit()?;
    let kits = analysis
        .documents
        .iter()
        .filter(|a| a.doc.kit().is_some())
        .count();
    let report = Report {
        out,
        kits,
        pages: analysis.documents.len() - kits,
        files_written: written,
        lang: Lang::from_code(&analysis.config.language),
        warnings: analysis.warnings.clone(),
        sources: analysis.sources.clone(),
        millis: started.elapsed().as_millis(),
    };
    Ok((report, analysis, search))
}

/// The renderer of an analysed instance: its theme, settings and plain pages for the footer.
pub fn renderer<'a>(analysis: &'a Analysis, theme: &Theme) -> Result<Renderer<'a>> {
    let base = analysis.config.base_path();
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
    Renderer::new(
        &analysis.config,
        &analysis.vocabularies,
        theme,
        base,
        &page_links,
    )
}

/// The search documents (with their text) and filter labels of an analysed instance, all at once:
/// what `mallette serve` re-indexes after an edit applied in place.
pub fn search_input(
    analysis: &Analysis,
    renderer: &Renderer,
) -> (
    Vec<mallette_search::SearchDoc>,
    crate::search_assets::Labels,
) {
    let kits = pages::kit_entries(analysis);
    let language = &analysis.config.language;
    let docs: Vec<_> =
        search_documents(renderer, &kits, &analysis.remote, language, true).collect();
    let labels = crate::search_assets::labels(renderer, &docs);
    (docs, labels)
}

/// Render every page, write the search index, copy assets and attachments. Returns files written.
fn write_site(
    analysis: &Analysis,
    staging: &Staging,
    offline: bool,
) -> Result<(usize, crate::search_assets::SearchAssets)> {
    let config = &analysis.config;
    let theme = Theme::load(&analysis.root, &config.theme)?;
    let mut renderer = renderer(analysis, &theme)?;
    let kits = pages::kit_entries(analysis);

    // The search index first: pages link to its content-hashed files.
    // Documents are made one at a time as the index takes them (their text is the bulk of a
    // large build's memory); the filter labels only need their metadata.
    let metadata: Vec<_> =
        search_documents(&renderer, &kits, &analysis.remote, &config.language, false).collect();
    let search_labels = crate::search_assets::labels(&renderer, &metadata);
    drop(metadata);
    let search = crate::search_assets::write_with(
        staging.path(),
        search_documents(&renderer, &kits, &analysis.remote, &config.language, true),
        &search_labels,
        offline,
    )
    .context("writing the search index")?;
    renderer.set_search(&search);

    let style_css = theme.file("static/style.css").unwrap_or_default();
    // Pages are written as soon as they are rendered: a large instance never holds its whole
    // site in memory. Offline builds rewrite each page's links for file://.
    let write = |file: &str, bytes: &[u8]| -> Result<()> {
        if offline && file.ends_with(".html") {
            let html = String::from_utf8_lossy(bytes);
            staging.write(file, crate::offline::relativize(&html, file).as_bytes())
        } else {
            staging.write(file, bytes)
        }
    };
    let rendered = pages::render_pages(
        analysis,
        &renderer,
        &kits,
        &analysis.remote,
        style_css,
        &write,
        None,
    )?;
    let mut written = rendered.len() + kits.len() + search.files_written;

    // Theme assets, the instance's colours and logo.
    for (path, bytes) in theme.static_files() {
        staging.write(&format!("static/{path}"), bytes)?;
        written += 1;
    }
    staging.write("static/instance.css", config.instance_css().as_bytes())?;
    if let Some(logo) = &config.logo {
        let logo_file = format!("static/{}", crate::render::logo_file_name(logo));
        staging
            .copy(&analysis.root.join(logo), &logo_file)
            .with_context(|| format!("mallette.toml: logo `{logo}`"))?;
    }

    // Attachments: files linked from bodies and files beside folder kits.
    let attachments = pages::all_attachments(analysis, &kits);
    attachments.par_iter().try_for_each(|rel| {
        staging.copy(&analysis.root.join(rel), pages::attachment_site_path(rel))
    })?;
    written += attachments.len();

    written += write_feeds(
        analysis,
        &|file, bytes| staging.write(file, bytes),
        &kits,
        &rendered,
    )?;
    Ok((written, search))
}

/// What the search index holds: listed kits, kits in another language than the site's, and the
/// kits of federated instances.
fn search_documents<'a>(
    renderer: &'a Renderer,
    kits: &'a [pages::KitEntry],
    remote: &'a [RemoteKit],
    site_language: &'a str,
    with_body: bool,
) -> impl Iterator<Item = mallette_search::SearchDoc> + 'a {
    let doc = |slug: &str, url: String, kit: &KitMeta, body: String| mallette_search::SearchDoc {
        slug: slug.to_string(),
        url,
        title: kit.title.clone(),
        summary: kit.summary.clone(),
        body,
        language: kit.language.clone(),
        themes: kit.themes.clone(),
        audiences: kit.audiences.clone(),
        level: kit.level.clone(),
        formats: kit.formats.clone(),
        materials: kit.materials.clone(),
        competences: kit.competences.clone(),
        accessibility: kit.accessibility.clone(),
        duration_minutes: kit.duration_minutes,
    };
    let local = kits
        .iter()
        .filter(move |k| k.listed || k.kit.language != site_language)
        .map(move |k| {
            doc(
                &k.doc.slug,
                renderer.url(&k.doc.url_path),
                k.kit,
                if with_body {
                    k.body.text.clone()
                } else {
                    String::new()
                },
            )
        });
    local.chain(remote.iter().map(move |r| {
        doc(
            &crate::validate::slugify(&r.meta.title),
            r.url.clone(),
            &r.meta,
            String::new(),
        )
    }))
}

/// `feed.xml`, `catalog.json` and `sitemap.xml` (listing the pages among `rendered`). Returns
/// files written.
pub fn write_feeds<'a>(
    analysis: &Analysis,
    write: pages::WriteFile,
    kits: &'a [pages::KitEntry<'a>],
    rendered: &[String],
) -> Result<usize> {
    let config = &analysis.config;
    let site_url = crate::feeds::site_url(config);
    let absolute = |url_path: &str| format!("{site_url}{url_path}");
    let published = |k: &'a pages::KitEntry<'a>| crate::feeds::PublishedKit {
        slug: &k.doc.slug,
        url: absolute(&k.doc.url_path),
        kit: k.kit,
        translations: pages::translations_of(k, kits)
            .iter()
            .map(|o| (o.kit.language.clone(), absolute(&o.doc.url_path)))
            .collect(),
    };
    let all: Vec<_> = kits.iter().map(published).collect();
    let listed: Vec<_> = kits.iter().filter(|k| k.listed).map(published).collect();
    write("feed.xml", crate::feeds::atom(config, &listed).as_bytes())?;
    write(
        "catalog.json",
        crate::feeds::catalog(config, &all).as_bytes(),
    )?;

    let mut urls: Vec<(String, Option<chrono::NaiveDate>)> = vec![(absolute(""), None)];
    urls.extend(
        kits.iter()
            .map(|k| (absolute(&k.doc.url_path), k.kit.updated.or(k.kit.created))),
    );
    for file in rendered {
        let Some(dir) = file.strip_suffix("index.html") else {
            continue;
        };
        let is_listing = dir == "kits/"
            || dir.starts_with("pages/")
            || TAXONOMIES
                .iter()
                .any(|t| dir.starts_with(&format!("{}/", t.key)));
        if is_listing {
            urls.push((absolute(dir), None));
        }
    }
    write("sitemap.xml", crate::feeds::sitemap(&urls).as_bytes())?;
    Ok(3)
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
