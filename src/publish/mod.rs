//! The publish stage: everything that writes the site's files.
//!
//! A [`SiteWriter`] is the [`Sink`] the render stage hands pages and kit archives to. It writes
//! them either into a [`Staging`] folder that replaces the output atomically once the whole site
//! is written (`build`), or in place into the site `serve` is serving, each file through a
//! temporary name and a rename so a page is never served half-written. An offline build's pages
//! get relative links on the way ([`offline`]). Here too: the theme's static files and the
//! attachments ([`write_assets`]), feeds, sitemap and catalog ([`write_feeds`]).
//!
//! Nothing here reads `content/` but the files the analysis listed (attachments, logo).

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use mallette_content::outputs::attachment_site_path;
use mallette_content::vocabulary::TAXONOMIES;
use mallette_content::{all_attachments, translations_of, Analysis, KitEntry};
use rayon::prelude::*;

use crate::render::{KitArchive, Sink, Theme};

mod archive;
mod catalog;
mod feeds;
mod inert;
mod offline;
mod staging;

pub use archive::KitZipper;
pub use staging::Staging;

/// Where a [`SiteWriter`] writes.
enum Target<'a> {
    /// A build's staging folder.
    Staging(&'a Staging),
    /// The folder `serve` serves: each file replaced through a temporary file and a rename.
    InPlace(PathBuf),
}

/// Writes the files of a site: the render stage's [`Sink`].
pub struct SiteWriter<'a> {
    target: Target<'a>,
    root: &'a Path,
    offline: bool,
    zipper: KitZipper,
    base_path: String,
    site_url: String,
}

impl<'a> SiteWriter<'a> {
    /// A writer into `staging` (a build). `offline` pages get relative links.
    pub fn staged(
        staging: &'a Staging,
        analysis: &'a Analysis,
        theme: &Theme,
        offline: bool,
    ) -> Result<SiteWriter<'a>> {
        SiteWriter::new(Target::Staging(staging), analysis, theme, offline)
    }

    /// A writer into the served folder `out` (`serve`'s edits applied in place).
    pub fn in_place(out: &Path, analysis: &'a Analysis, theme: &Theme) -> Result<SiteWriter<'a>> {
        SiteWriter::new(Target::InPlace(out.to_path_buf()), analysis, theme, false)
    }

    fn new(
        target: Target<'a>,
        analysis: &'a Analysis,
        theme: &Theme,
        offline: bool,
    ) -> Result<SiteWriter<'a>> {
        Ok(SiteWriter {
            target,
            root: &analysis.root,
            offline,
            zipper: KitZipper::new(theme.file("static/style.css").unwrap_or_default())?,
            base_path: analysis.config.base_path(),
            site_url: analysis.config.site_url(),
        })
    }

    /// Write `bytes` at the site-relative path `file`.
    pub fn file(&self, file: &str, bytes: &[u8]) -> Result<()> {
        match &self.target {
            Target::Staging(staging) => staging.write(file, bytes),
            Target::InPlace(out) => write_in_place(out, file, bytes),
        }
    }

    /// Copy the instance's file `rel` to the site-relative path `file` (made inert on the way:
    /// see [`inert`]).
    fn copy(&self, rel: &str, file: &str) -> Result<()> {
        let source = self.root.join(rel);
        if inert::needs_cleaning(rel) {
            let bytes = std::fs::read(&source)
                .with_context(|| format!("cannot read {}", source.display()))?;
            return self.file(file, &inert::make_inert(rel, bytes)?);
        }
        match &self.target {
            Target::Staging(staging) => staging.copy(&source, file),
            Target::InPlace(out) => {
                let bytes = std::fs::read(&source)
                    .with_context(|| format!("cannot read {}", source.display()))?;
                write_in_place(out, file, &bytes)
            }
        }
    }
}

impl Sink for SiteWriter<'_> {
    fn page(&self, file: &str, html: &str) -> Result<()> {
        if self.offline {
            self.file(file, offline::relativize(html, file)?.as_bytes())
        } else {
            self.file(file, html.as_bytes())
        }
    }

    fn archive(&self, archive: &KitArchive) -> Result<()> {
        let bytes = self
            .zipper
            .archive(archive, self.root, &self.base_path, &self.site_url)?;
        self.file(&archive.file, &bytes)
    }
}

/// The theme's static files, the instance's colours and logo, and every attachment. Returns the
/// number of files written.
pub fn write_assets(
    writer: &SiteWriter,
    analysis: &Analysis,
    kits: &[KitEntry],
    theme: &Theme,
) -> Result<usize> {
    let config = &analysis.config;
    let mut written = 0;
    for (path, bytes) in theme.static_files() {
        writer.file(&format!("static/{path}"), bytes)?;
        written += 1;
    }
    writer.file("static/instance.css", config.instance_css().as_bytes())?;
    // The contribution form's validator (and, for a site opened from disk, the same as a script).
    writer.file(
        &crate::render::validator_file(),
        crate::render::VALIDATOR_WASM,
    )?;
    writer.file(
        &format!("{}.gz", crate::render::validator_file()),
        crate::render::VALIDATOR_WASM_GZ,
    )?;
    written += 2;
    if writer.offline {
        writer.file(
            &crate::render::validator_offline_file(),
            crate::render::validator_offline_script().as_bytes(),
        )?;
        written += 1;
    }
    if let Some(logo) = &config.logo {
        let logo_file = format!("static/{}", crate::render::logo_file_name(logo));
        writer
            .copy(logo, &logo_file)
            .with_context(|| format!("mallette.toml: logo `{logo}`"))?;
    }
    // Attachments: files linked from bodies and files beside folder kits.
    let attachments = all_attachments(analysis, kits);
    attachments
        .par_iter()
        .try_for_each(|rel| writer.copy(rel, attachment_site_path(rel)))?;
    Ok(written + attachments.len())
}

/// `feed.xml`, `catalog.json` and `sitemap.xml` (listing the pages among `pages`). Returns
/// files written.
pub fn write_feeds<'a>(
    writer: &SiteWriter,
    analysis: &Analysis,
    kits: &'a [KitEntry<'a>],
    pages: &[String],
) -> Result<usize> {
    let config = &analysis.config;
    let site_url = config.site_url();
    let absolute = |url_path: &str| format!("{site_url}{url_path}");
    let published = |k: &'a KitEntry<'a>| feeds::PublishedKit {
        slug: &k.doc.slug,
        url: absolute(&k.doc.url_path),
        kit: k.kit,
        translations: translations_of(k, kits)
            .iter()
            .map(|o| (o.kit.language.clone(), absolute(&o.doc.url_path)))
            .collect(),
    };
    let all: Vec<_> = kits.iter().map(published).collect();
    let listed: Vec<_> = kits.iter().filter(|k| k.listed).map(published).collect();
    writer.file("feed.xml", feeds::atom(config, &listed).as_bytes())?;
    // Learning paths: their steps as the kits' addresses.
    let parcours = analysis
        .documents
        .iter()
        .filter_map(|a| Some((&a.doc, a.doc.parcours()?)))
        .map(|(doc, p)| {
            let steps: Vec<&KitEntry> = p
                .steps
                .iter()
                .filter_map(|s| kits.iter().find(|k| k.listed && k.doc.slug == s.kit))
                .collect();
            mallette_content::catalog::CatalogParcours {
                slug: doc.slug.clone(),
                url: absolute(&doc.url_path),
                title: p.title.clone(),
                summary: p.summary.clone(),
                audiences: p.audiences.clone(),
                themes: p.themes.clone(),
                level: p.level.clone(),
                license: p.license.clone(),
                authors: p.authors.clone(),
                kits: steps.iter().map(|k| absolute(&k.doc.url_path)).collect(),
                duration_minutes: steps.iter().map(|k| k.kit.duration_minutes).sum(),
            }
        })
        .collect();
    writer.file(
        "catalog.json",
        catalog::catalog(config, &all, parcours).as_bytes(),
    )?;

    let mut urls: Vec<(String, Option<chrono::NaiveDate>)> = vec![(absolute(""), None)];
    urls.extend(
        kits.iter()
            .map(|k| (absolute(&k.doc.url_path), k.kit.updated.or(k.kit.created))),
    );
    for file in pages {
        let Some(dir) = file.strip_suffix("index.html") else {
            continue;
        };
        let is_listing = dir == "kits/"
            || dir.starts_with("pages/")
            || dir.starts_with("parcours/")
            || dir == "field-tested/"
            || TAXONOMIES
                .iter()
                .any(|t| dir.starts_with(&format!("{}/", t.key)));
        let is_listing = is_listing || dir == "contribuer/" || dir == "contribute/";
        if is_listing {
            urls.push((absolute(dir), None));
        }
    }
    writer.file("sitemap.xml", feeds::sitemap(&urls).as_bytes())?;
    Ok(3)
}

/// Replace one file of a served site: write a temporary file beside it, then rename.
pub fn write_in_place(out: &Path, file: &str, bytes: &[u8]) -> Result<()> {
    let target = out.join(file);
    let parent = target.parent().context("page path")?;
    // A front-matter edit may give a term its first kit: its page is new.
    std::fs::create_dir_all(parent)?;
    let mut temporary = tempfile::NamedTempFile::new_in(parent)?;
    std::io::Write::write_all(&mut temporary, bytes)?;
    temporary
        .persist(&target)
        .with_context(|| format!("cannot write {}", target.display()))?;
    Ok(())
}
