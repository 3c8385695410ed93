//! The one build path, shared by `mallette build` and `mallette serve`:
//!
//! ```text
//! content::analyse ─▶ index::write ─▶ render::render_pages ─▶ publish (SiteWriter, assets, feeds)
//! ```
//!
//! [`build`] analyses the instance (every content error of every file, or an
//! [`Analysis`]), writes the search files first (pages name their content-hashed files), renders
//! every page into the publish stage's writer, then the theme's static files, the attachments and
//! the feeds, all into a staging folder that replaces the output only once everything is written.
//! Each stage reads the previous one's output; nothing is shared mutably.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};
use mallette_content::diagnostics::Diagnostic;
use mallette_content::{analyse, AnalyseOptions, Analysis, Failure, Lang};

use crate::index::{self, SearchAssets};
use crate::publish::{self, SiteWriter, Staging};
use crate::render::{self, KitArchive, PageLink, Renderer, Sink, Theme};

#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    pub out: PathBuf,
    pub base_url: Option<String>,
    pub drafts: bool,
    /// A site that works opened from disk (`file://`): relative links to `index.html` files.
    pub offline: bool,
    /// Replace `out` even if mallette did not write it.
    pub force: bool,
    /// Where the build says which stage it is in and how far it got (the terminal's progress
    /// line reads it from another thread).
    pub progress: Option<Arc<Progress>>,
}

/// The stages of a build, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Load and validate the content (`content::analyse`).
    Content,
    /// Write the search index.
    Search,
    /// Render every page (each written as soon as it is made).
    Render,
    /// Static files, attachments, feeds, and the swap into the output folder.
    Write,
}

impl Stage {
    pub const ALL: [Stage; 4] = [Stage::Content, Stage::Search, Stage::Render, Stage::Write];

    /// Its name in the message catalogs: `stage.<this>`.
    pub fn key(self) -> &'static str {
        match self {
            Stage::Content => "stage.content",
            Stage::Search => "stage.search",
            Stage::Render => "stage.render",
            Stage::Write => "stage.write",
        }
    }

    /// 1 to 4.
    pub fn number(self) -> usize {
        self as usize + 1
    }
}

/// How far a running build got: its stage and how many items of it are done (search documents,
/// pages). Written by the build, read by whoever shows it.
#[derive(Debug, Default)]
pub struct Progress {
    /// 0 before the build, else [`Stage::number`].
    stage: AtomicU8,
    done: AtomicUsize,
}

impl Progress {
    fn enter(&self, stage: Stage) {
        self.done.store(0, Ordering::Relaxed);
        self.stage.store(stage.number() as u8, Ordering::Relaxed);
    }

    fn step(&self) {
        self.done.fetch_add(1, Ordering::Relaxed);
    }

    /// The current stage (none before the build starts) and the items of it done.
    pub fn now(&self) -> (Option<Stage>, usize) {
        let stage = self.stage.load(Ordering::Relaxed) as usize;
        let stage = stage
            .checked_sub(1)
            .and_then(|i| Stage::ALL.get(i).copied());
        (stage, self.done.load(Ordering::Relaxed))
    }
}

/// How long each stage took and what it handled (`mallette build -v`).
#[derive(Debug, Clone, Default)]
pub struct Timings {
    pub content: Duration,
    pub search: Duration,
    pub render: Duration,
    pub write: Duration,
    /// Documents in the search index (kits and learning paths).
    pub search_documents: usize,
    /// HTML pages rendered.
    pub html_pages: usize,
}

impl Timings {
    pub fn of(&self, stage: Stage) -> Duration {
        match stage {
            Stage::Content => self.content,
            Stage::Search => self.search,
            Stage::Render => self.render,
            Stage::Write => self.write,
        }
    }
}

/// What a successful build did.
#[derive(Debug)]
pub struct Report {
    pub out: PathBuf,
    pub kits: usize,
    pub pages: usize,
    /// Learning paths.
    pub parcours: usize,
    /// Kits of federated catalogs shown.
    pub remote_kits: usize,
    pub files_written: usize,
    pub timings: Timings,
    pub warnings: Vec<Diagnostic>,
    pub sources: HashMap<String, String>,
    pub lang: Lang,
    pub millis: u128,
}

/// A build and what `serve` needs to apply later edits without a full build.
pub struct Built {
    pub report: Report,
    pub analysis: Analysis,
    pub search: SearchAssets,
    pub theme: Theme,
}

/// Build the site into `options.out`, atomically.
pub fn build(options: &BuildOptions) -> Result<Report, Failure> {
    build_keeping(options, false).map(|built| built.report)
}

/// [`build`], keeping the analysis. With `keep_bodies`, pages copy each body's HTML instead of
/// taking it (`serve` may render any page again after an edit; a build takes them, so that it
/// never holds every body at once).
pub fn build_keeping(options: &BuildOptions, keep_bodies: bool) -> Result<Built, Failure> {
    let started = Instant::now();
    let progress = options.progress.clone().unwrap_or_default();
    progress.enter(Stage::Content);
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
    let mut timings = Timings {
        content: started.elapsed(),
        ..Timings::default()
    };
    let theme = Theme::load(&analysis.root, &analysis.config.theme)?;
    let staging = Staging::new(&options.root, &options.out, options.force, analysis.lang())?;
    let (written, search) = write_site(
        &analysis,
        &theme,
        &staging,
        options.offline,
        &progress,
        &mut timings,
    )?;
    let swap = Instant::now();
    let out = staging.commit()?;
    timings.write += swap.elapsed();
    let kits = analysis
        .documents
        .iter()
        .filter(|a| a.doc.kit().is_some())
        .count();
    let report = Report {
        out,
        kits,
        pages: analysis
            .documents
            .iter()
            .filter(|a| a.doc.page().is_some())
            .count(),
        parcours: analysis
            .documents
            .iter()
            .filter(|a| a.doc.parcours().is_some())
            .count(),
        remote_kits: analysis.remote.len(),
        files_written: written,
        timings,
        lang: analysis.lang(),
        warnings: analysis.warnings.clone(),
        sources: analysis.sources.clone(),
        millis: started.elapsed().as_millis(),
    };
    Ok(Built {
        report,
        analysis,
        search,
        theme,
    })
}

/// The renderer of an analysed instance: its theme, settings and plain pages for the footer.
/// With `search`, pages name its files.
pub fn renderer<'a>(
    analysis: &'a Analysis,
    theme: &Theme,
    search: Option<&SearchAssets>,
) -> Result<Renderer<'a>> {
    let base = analysis.config.base_path();
    let page_links: Vec<PageLink> = analysis
        .documents
        .iter()
        .filter(|a| a.doc.page().is_some())
        .map(|a| PageLink {
            slug: a.doc.slug.clone(),
            title: a.doc.title().to_string(),
            url: format!("{base}{}", a.doc.url_path),
        })
        .collect();
    let mut renderer = Renderer::new(
        &analysis.config,
        &analysis.vocabularies,
        theme,
        base,
        &page_links,
    )?;
    if let Some(search) = search {
        renderer.set_search(search);
    }
    Ok(renderer)
}

/// The lexicon as the search crate takes it: each group's French words (the first is its main
/// word), then its English ones.
pub fn search_lexicon(lexicon: &mallette_content::lexicon::Lexicon) -> mallette_search::Lexicon {
    mallette_search::Lexicon {
        groups: lexicon
            .groups
            .iter()
            .map(|g| mallette_search::LexiconGroup {
                terms: g.fr.iter().chain(&g.en).cloned().collect(),
                related: g.related.clone(),
            })
            .collect(),
    }
}

/// Write the search files, every page, the assets and the feeds. Returns files written.
fn write_site(
    analysis: &Analysis,
    theme: &Theme,
    staging: &Staging,
    offline: bool,
    progress: &Progress,
    timings: &mut Timings,
) -> Result<(usize, SearchAssets)> {
    let config = &analysis.config;
    let kits = analysis.kit_entries();

    // The search index first: pages link to its content-hashed files. Documents are made one at
    // a time as the index takes them (their text is the bulk of a large build's memory); the
    // filter labels only need their metadata.
    let stage = Instant::now();
    progress.enter(Stage::Search);
    let metadata: Vec<_> = index::search_documents(analysis, &kits, false).collect();
    let labels = index::labels(&analysis.vocabularies, &config.language, &metadata);
    drop(metadata);
    let search = index::write(
        staging.path(),
        index::search_documents(analysis, &kits, true).inspect(|_| progress.step()),
        &search_lexicon(&analysis.lexicon),
        &labels,
        offline,
    )
    .context("writing the search index")?;
    timings.search_documents = progress.now().1;
    timings.search = stage.elapsed();

    let stage = Instant::now();
    progress.enter(Stage::Render);
    let renderer = renderer(analysis, theme, Some(&search))?;
    let writer = SiteWriter::staged(staging, analysis, theme, offline)?;
    let counted = Counted {
        sink: &writer,
        progress,
    };
    let pages = render::render_pages(analysis, &renderer, &kits, &analysis.remote, &counted, None)?;
    timings.html_pages = pages.len();
    timings.render = stage.elapsed();

    let stage = Instant::now();
    progress.enter(Stage::Write);
    let mut written = pages.len() + kits.len() + search.files_written;
    written += publish::write_assets(&writer, analysis, &kits, theme)?;
    written += publish::write_feeds(&writer, analysis, &kits, &pages)?;
    timings.write = stage.elapsed();
    Ok((written, search))
}

/// A sink that counts the pages going through it.
struct Counted<'a> {
    sink: &'a dyn Sink,
    progress: &'a Progress,
}

impl Sink for Counted<'_> {
    fn page(&self, file: &str, html: &str) -> Result<()> {
        self.sink.page(file, html)?;
        self.progress.step();
        Ok(())
    }

    fn archive(&self, archive: &KitArchive) -> Result<()> {
        self.sink.archive(archive)
    }
}
