//! Incremental rebuilds for `mallette serve`: apply an edit without a full build when it can.
//!
//! The common edit while writing a kit changes its *body* only. Then nothing else in the site
//! depends on it but its own page and archive: lists, counts, feeds and related kits are built
//! from front-matter. So [`LiveSite::update`] re-reads, re-validates and re-renders just that file
//! and writes its page in place (each file is written to a temporary name and renamed, so a page
//! is never served half-written).
//!
//! A front-matter edit that keeps the kit's file, URL, language, draft state and translation
//! links (a theme, level, audience, title, summary…) re-renders what shows it: its page and its
//! translations', the pages of kits whose related kits change, every list (home, all kits, browse
//! and language pages), feeds, catalog and sitemap — not the thousands of other kit pages.
//! Anything else — a new or deleted file, a new attachment, a template, a vocabulary,
//! mallette.toml — asks for a full (atomic) build.
//!
//! The search index follows in the background: after an edit applied in place, a [`SearchJob`]
//! re-indexes the whole instance into a folder of its own (without holding up the page's reload),
//! then moves the new index chunks into the served site and rewrites the manifest pages name, in
//! place (the dev server sends every file with `Cache-Control: no-store`, so the next search reads
//! it). A newer edit or a full build makes a job that has not finished yet give up.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use anyhow::Context as _;

use mallette_content::diagnostics::Diagnostic;
use mallette_content::model::Meta;
use mallette_content::vocabulary::TAXONOMIES;
use mallette_content::{body_diagnostics, markdown, parse_document, read_source, rel};
use mallette_content::{Analysed, Analysis, Failure, Lang};

use crate::index::{self, Labels, SearchAssets};
use crate::pipeline::{self, BuildOptions, Built, Report};
use crate::publish::{self, write_in_place, SiteWriter};
use crate::render::{self, Related, Theme};

/// A built site and what is needed to update it.
pub struct LiveSite {
    pub options: BuildOptions,
    analysis: Analysis,
    search: SearchAssets,
    /// Loaded once: a theme change asks for a full build, which makes a new `LiveSite`.
    theme: Theme,
}

/// What [`LiveSite::update`] did.
pub enum Update {
    /// Pages rewritten in place (site-relative files).
    Pages(Vec<String>),
    /// The change needs a full build.
    NeedsFullBuild,
    /// Only files that are not part of the site changed (hidden files, an editor's temporary
    /// files): nothing to do.
    Nothing,
}

impl LiveSite {
    /// A full, atomic build.
    pub fn build(options: BuildOptions) -> Result<(Report, LiveSite), Failure> {
        let Built {
            report,
            analysis,
            search,
            theme,
        } = pipeline::build_keeping(&options, true)?;
        Ok((
            report,
            LiveSite {
                options,
                analysis,
                search,
                theme,
            },
        ))
    }

    pub fn lang(&self) -> Lang {
        self.analysis.lang()
    }

    /// Apply changed files (absolute paths) in place when only kit or page bodies changed.
    pub fn update(&mut self, changed: &[PathBuf]) -> Result<Update, Failure> {
        let root = self.options.root.clone();
        let mut indexes = Vec::new();
        let mut ignored = 0;
        for path in changed {
            // Hidden files (editor swap files, .DS_Store) are not part of the site: the loader
            // skips them too.
            if path
                .file_name()
                .is_some_and(|name| name.to_string_lossy().starts_with('.'))
            {
                ignored += 1;
                continue;
            }
            // Settings, vocabularies and theme files (also when deleted) change every page.
            let settings = lexical_relative(&root, path).is_some_and(|rel| {
                rel == "mallette.toml"
                    || rel.starts_with("themes/")
                    || rel.starts_with("vocabularies/")
                    || rel == "themes"
                    || rel == "vocabularies"
            });
            if settings {
                return Ok(Update::NeedsFullBuild);
            }
            let Some(rel) = relative(&root, path) else {
                // Gone since the event: a deleted file of the site needs a full build; anything
                // else was a temporary file of an editor's atomic save (written, then renamed
                // over the kit).
                let known = lexical_relative(&root, path).is_none_or(|rel| {
                    self.analysis.files.contains(&rel)
                        || self
                            .analysis
                            .documents
                            .iter()
                            .any(|a| a.doc.rel_path == rel)
                });
                if known {
                    return Ok(Update::NeedsFullBuild);
                }
                ignored += 1;
                continue;
            };
            let Some(index) = self
                .analysis
                .documents
                .iter()
                .position(|a| a.doc.rel_path == rel)
            else {
                return Ok(Update::NeedsFullBuild);
            };
            if !indexes.contains(&index) {
                indexes.push(index);
            }
        }
        if indexes.is_empty() {
            return Ok(if ignored > 0 && ignored == changed.len() {
                Update::Nothing
            } else {
                Update::NeedsFullBuild
            });
        }

        let links = self.analysis.links();
        let mut replacements = Vec::new();
        let mut meta_changed = false;
        for &index in &indexes {
            let old = &self.analysis.documents[index];
            let mut diagnostics = Vec::new();
            let Some(source) = read_source(&old.doc.abs_path, &old.doc.rel_path, &mut diagnostics)
            else {
                return Err(self.content_failure(diagnostics, None));
            };
            let text = source.text.clone();
            let mut doc =
                match parse_document(&source, &self.analysis.config, &self.analysis.vocabularies) {
                    Ok(doc) => doc,
                    Err(diagnostics) => {
                        return Err(
                            self.content_failure(diagnostics, Some((&old.doc.rel_path, text)))
                        )
                    }
                };
            // Git history does not change with an edit: keep what the full build found.
            doc.contributors = old.doc.contributors.clone();
            if let (Meta::Kit(new), Meta::Kit(previous)) = (&mut doc.meta, &old.doc.meta) {
                new.updated = new.updated.or(previous.updated);
            }
            if doc.url_path != old.doc.url_path {
                return Ok(Update::NeedsFullBuild);
            }
            if !same_meta(&doc.meta, &old.doc.meta) {
                if !lists_only_change(&old.doc.meta, &doc.meta) {
                    return Ok(Update::NeedsFullBuild);
                }
                meta_changed = true;
            }
            let lang = Lang::from_code(&doc.language);
            let body = markdown::render(&doc.body, doc.body_line, &doc.rel_path, lang, &links);
            // Judged as a build judges it (dead links are warnings there).
            let errors: Vec<Diagnostic> = body_diagnostics(&doc.rel_path, &body, false)
                .into_iter()
                .filter(Diagnostic::is_error)
                .collect();
            if !errors.is_empty() {
                return Err(self.content_failure(errors, Some((&doc.rel_path, text))));
            }
            if body.attachments != old.body.attachments {
                return Ok(Update::NeedsFullBuild); // new files to copy
            }
            self.analysis.sources.insert(doc.rel_path.clone(), text);
            replacements.push((index, doc, body));
        }
        // A front-matter edit changes what lists show: note each kit's related kits before it.
        let related_before = meta_changed.then(|| related_lists(&self.analysis));
        for (index, doc, body) in replacements {
            self.analysis.documents[index] = Analysed { doc, body };
        }
        if let Some(before) = related_before {
            let edited: HashSet<String> = indexes
                .iter()
                .map(|&i| self.analysis.documents[i].doc.rel_path.clone())
                .collect();
            return self.render_lists(&edited, &before).map(Update::Pages);
        }

        // Re-render the edited documents' pages.
        let renderer = pipeline::renderer(&self.analysis, &self.theme, Some(&self.search))?;
        let writer = SiteWriter::in_place(&self.options.out, &self.analysis, &self.theme)?;
        let kits = self.analysis.kit_entries();
        let mut written = Vec::new();
        for &index in &indexes {
            let rel = &self.analysis.documents[index].doc.rel_path;
            let Some(kit_index) = kits.iter().position(|k| &k.doc.rel_path == rel) else {
                return Ok(Update::NeedsFullBuild); // plain pages: rare, rebuild
            };
            written.push(render::render_one_kit(
                &self.analysis,
                &renderer,
                &kits,
                kit_index,
                &writer,
            )?);
        }
        Ok(Update::Pages(written))
    }

    /// After a front-matter edit of the `edited` kits (same files, same URLs, same translation
    /// links): their pages, their translations' pages, every kit whose related kits changed or
    /// show an edited one, every list (home, all kits, browse and language pages, search), the
    /// feeds, catalog and sitemap. Plain pages and the other kits' pages do not show it.
    fn render_lists(
        &self,
        edited: &HashSet<String>,
        related_before: &HashMap<String, Vec<String>>,
    ) -> Result<Vec<String>, Failure> {
        let kits = self.analysis.kit_entries();
        let mut only = edited.clone();
        for kit in kits.iter().filter(|k| edited.contains(&k.doc.rel_path)) {
            for other in mallette_content::translations_of(kit, &kits) {
                only.insert(other.doc.rel_path.clone());
            }
        }
        for (kit, related) in related_lists(&self.analysis) {
            if related_before.get(&kit) != Some(&related)
                || related.iter().any(|r| edited.contains(r))
            {
                only.insert(kit);
            }
        }
        let renderer = pipeline::renderer(&self.analysis, &self.theme, Some(&self.search))?;
        let out = self.options.out.clone();
        let writer = SiteWriter::in_place(&out, &self.analysis, &self.theme)?;
        let written = render::render_pages(
            &self.analysis,
            &renderer,
            &kits,
            &self.analysis.remote,
            &writer,
            Some(&only),
        )?;
        // The sitemap lists every page of the site, not only those rendered again.
        let all_pages: Vec<String> = walkdir::WalkDir::new(&out)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().ends_with(".html"))
            .filter_map(|e| {
                let rel = e.path().strip_prefix(&out).ok()?;
                Some(rel.to_string_lossy().replace('\\', "/"))
            })
            .collect();
        // A term that lost its last kit has no page any more.
        let rendered: HashSet<&str> = written.iter().map(String::as_str).collect();
        for page in &all_pages {
            let is_term_page = TAXONOMIES.iter().any(|t| {
                page.starts_with(&format!("{}/", t.key)) && page.matches('/').count() == 2
            });
            if is_term_page && !rendered.contains(page.as_str()) {
                let _ = std::fs::remove_file(out.join(page));
            }
        }
        let all_pages: Vec<String> = all_pages
            .into_iter()
            .filter(|p| out.join(p).exists())
            .collect();
        publish::write_feeds(&writer, &self.analysis, &kits, &all_pages)?;
        Ok(written)
    }

    /// Re-indexing the instance as it now is, to run off the watcher thread ([`SearchJob::run`]).
    pub fn search_job(&self, generation: u64) -> anyhow::Result<SearchJob> {
        let (docs, labels) = index::search_input(&self.analysis);
        Ok(SearchJob {
            out: self.options.out.clone(),
            manifest: self.search.manifest.clone(),
            docs,
            labels,
            lexicon: crate::pipeline::search_lexicon(&self.analysis.lexicon),
            generation,
            lang: self.lang(),
        })
    }

    fn content_failure(
        &self,
        diagnostics: Vec<Diagnostic>,
        source: Option<(&str, String)>,
    ) -> Failure {
        let mut sources = self.analysis.sources.clone();
        if let Some((rel, text)) = source {
            sources.insert(rel.to_string(), text);
        }
        Failure::Content {
            diagnostics,
            sources,
            lang: self.lang(),
        }
    }
}

/// Each kit's related kits (instance-relative paths), as its page shows them.
fn related_lists(analysis: &Analysis) -> HashMap<String, Vec<String>> {
    let kits = analysis.kit_entries();
    let related = Related::new(&kits);
    kits.iter()
        .map(|k| {
            let list = related
                .of(k, &kits)
                .iter()
                .map(|r| r.doc.rel_path.clone())
                .collect();
            (k.doc.rel_path.clone(), list)
        })
        .collect()
}

/// A front-matter change that only changes what pages and lists show of a kit: not whether it is
/// a draft, nor its language or the kit it translates (which regroup translations).
fn lists_only_change(old: &Meta, new: &Meta) -> bool {
    match (old, new) {
        (Meta::Kit(a), Meta::Kit(b)) => {
            a.draft == b.draft && a.language == b.language && a.translation_of == b.translation_of
        }
        _ => false,
    }
}

fn same_meta(a: &Meta, b: &Meta) -> bool {
    match (a, b) {
        (Meta::Kit(a), Meta::Kit(b)) => a == b,
        (Meta::Page(a), Meta::Page(b)) => a == b,
        _ => false,
    }
}

/// `path` relative to `root` without touching the disk (for a file that no longer exists).
fn lexical_relative(root: &Path, path: &Path) -> Option<String> {
    let canonical_root = std::fs::canonicalize(root).ok();
    let root = if path.starts_with(root) {
        root
    } else {
        canonical_root.as_deref().filter(|r| path.starts_with(r))?
    };
    Some(rel(root, path))
}

/// `path` relative to `root`, both resolved on disk (`None` when either does not exist).
fn relative(root: &Path, path: &Path) -> Option<String> {
    let root = std::fs::canonicalize(root).ok()?;
    let path = std::fs::canonicalize(path).ok()?;
    path.starts_with(&root).then(|| rel(&root, &path))
}

/// A search index to rebuild for the served site, made by [`LiveSite::search_job`].
pub struct SearchJob {
    out: PathBuf,
    /// The manifest the served pages name (site-relative).
    manifest: String,
    docs: Vec<mallette_search::SearchDoc>,
    labels: Labels,
    lexicon: mallette_search::Lexicon,
    /// The watcher's count of rebuilds when the job was made.
    generation: u64,
    /// The instance's language, for what the job prints.
    pub lang: Lang,
}

impl SearchJob {
    /// Write the index beside the served site, then — under `lock`, and only if `latest` is still
    /// this job's generation — move its chunks in and rewrite the pages' manifest. Returns whether
    /// the served site now searches the new index. The watcher holds `lock` while it rebuilds, so
    /// a job never writes into a site being replaced.
    pub fn run(self, latest: &AtomicU64, lock: &Mutex<()>) -> anyhow::Result<bool> {
        if latest.load(Ordering::SeqCst) != self.generation {
            return Ok(false); // a newer rebuild came before this job started
        }
        let parent = self.out.parent().context("served folder")?;
        let work = parent.join(format!("search-job-{}", self.generation));
        let _ = std::fs::remove_dir_all(&work);
        let result = self.write_and_swap(&work, latest, lock);
        let _ = std::fs::remove_dir_all(&work);
        result
    }

    fn write_and_swap(
        &self,
        work: &Path,
        latest: &AtomicU64,
        lock: &Mutex<()>,
    ) -> anyhow::Result<bool> {
        let assets = index::write(
            work,
            self.docs.iter().cloned(),
            &self.lexicon,
            &self.labels,
            false,
        )?;
        let manifest = std::fs::read(work.join(&assets.manifest))?;
        let _guard = lock.lock().unwrap_or_else(|e| e.into_inner());
        if latest.load(Ordering::SeqCst) != self.generation {
            return Ok(false);
        }
        // Index chunks live in folders named by their content's hash: move in the new ones.
        let chunks = self.out.join("search/i");
        for entry in std::fs::read_dir(work.join("search/i"))? {
            let entry = entry?;
            let target = chunks.join(entry.file_name());
            if !target.exists() {
                std::fs::rename(entry.path(), &target)
                    .with_context(|| format!("moving {}", target.display()))?;
            }
        }
        write_in_place(&self.out, &self.manifest, &manifest)?;
        Ok(true)
    }
}
