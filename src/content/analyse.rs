//! [`analyse`]: everything that can find a content error, shared by `build`, `check` and `serve`.
//!
//! Load, validate every file (in parallel, while Git history is read), check what concerns several
//! files (unique URLs, translations), link and render every body, check `#anchors`, read federated
//! catalogs; then either every diagnostic of every file, or the [`Analysis`]. The pieces `serve`
//! re-runs on one edited file ([`parse_document`], [`body_diagnostics`],
//! [`Analysis::links`]) are the very functions used here, so an edit is judged exactly as a build
//! would judge it.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Problem};
use crate::error::Failure;
use crate::federation::RemoteKit;
use crate::frontmatter::{self, Located};
use crate::i18n::Lang;
use crate::links::SiteLinks;
use crate::load::{self, Loaded};
use crate::markdown::{self, RenderedBody, Severity as RenderSeverity};
use crate::model::{Document, Meta, Source, SourceKind};
use crate::validate;
use crate::vocabulary::Vocabularies;

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
    /// The mediation lexicon search expands queries with.
    pub lexicon: crate::lexicon::Lexicon,
    pub documents: Vec<Analysed>,
    pub files: BTreeSet<String>,
    pub warnings: Vec<Diagnostic>,
    pub sources: HashMap<String, String>,
    /// Kits of federated instances, from their stored catalogs.
    pub remote: Vec<RemoteKit>,
    /// Learning paths of federated instances.
    pub remote_parcours: Vec<crate::federation::RemoteParcours>,
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
    let lexicon = crate::lexicon::Lexicon::load(root)?;
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
                    // `updated` defaults to the last commit touching the file, with Git
                    // (docs/content-format.md).
                    kit.updated = kit.updated.or(file_history.last_commit);
                }
                doc.contributors = file_history.authors;
                documents.push(doc);
            }
            Err(mut errors) => diagnostics.append(&mut errors),
        }
    }

    diagnostics.extend(check_unique_urls(&documents));
    let kit_slugs: BTreeSet<&str> = documents
        .iter()
        .filter(|d| d.kit().is_some())
        .map(|d| d.slug.as_str())
        .collect();
    diagnostics.extend(check_parcours_steps(&documents, &kit_slugs));
    diagnostics.extend(check_translations(&documents, &kit_slugs, &texts));
    // A draft left out of the build is not published, not even as the file a link points to.
    let mut left_out = BTreeSet::new();
    if !drafts {
        left_out.extend(
            documents
                .iter()
                .filter(|d| d.is_draft())
                .map(|d| d.rel_path.clone()),
        );
        documents.retain(|d| !d.is_draft());
    }

    let mut links = SiteLinks::new(config.base_path(), documents.iter(), &files);
    links.left_out = left_out;
    let rendered: Vec<RenderedBody> = documents
        .par_iter()
        .map(|d| {
            let lang = crate::i18n::Lang::from_code(&d.language);
            markdown::render(&d.body, d.body_line, &d.rel_path, lang, &links)
        })
        .collect();
    // The Markdown has been rendered: its HTML and text are what the build uses from here on.
    for doc in &mut documents {
        doc.body = String::new();
    }
    for (doc, body) in documents.iter().zip(&rendered) {
        diagnostics.extend(body_diagnostics(&doc.rel_path, body, options.strict));
    }
    diagnostics.extend(check_anchors(&documents, &rendered, options.strict));
    diagnostics.extend(crate::outputs::check(&documents, &rendered, &files));
    if options.strict {
        let days = options.stale_after_days.unwrap_or(config.stale_after_days);
        diagnostics.extend(check_stale(&documents, (days > 0).then_some(days), &texts));
    }

    let (federated, catalog_problems) = crate::federation::load(root, &config);
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
        lexicon,
        documents: documents
            .into_iter()
            .zip(rendered)
            .map(|(doc, body)| Analysed { doc, body })
            .collect(),
        files,
        warnings: diagnostics,
        sources: texts,
        remote: federated.kits,
        remote_parcours: federated.parcours,
        keep_bodies: false,
    })
}

/// The diagnostics of a rendered body, by the rule of the command: a link to a missing file or
/// section is an error for `check` (`strict`) and a warning for a build (a real repository often
/// holds a few dead links: one must not stop the site from being published, but a pull request
/// must not add any); `http://` links are only reported by `check`; a link that *leaves*
/// `content/` is always an error.
pub fn body_diagnostics(rel_path: &str, body: &RenderedBody, strict: bool) -> Vec<Diagnostic> {
    let file = Path::new(rel_path);
    let mut diagnostics = Vec::new();
    for (line, column, problem, severity) in &body.problems {
        let is_error = match severity {
            RenderSeverity::Error => {
                strict || !matches!(problem, Problem::LinkTargetMissing { .. })
            }
            RenderSeverity::Warning => false,
            RenderSeverity::CheckOnly if strict => false,
            RenderSeverity::CheckOnly => continue,
        };
        diagnostics.push(if is_error {
            Diagnostic::error(file, *line, *column, problem.clone())
        } else {
            Diagnostic::warning(file, *line, *column, problem.clone())
        });
    }
    diagnostics
}

impl Analysis {
    /// The map of the site's sources to URLs that bodies are linked with.
    pub fn links(&self) -> SiteLinks {
        SiteLinks::new(
            self.config.base_path(),
            self.documents.iter().map(|a| &a.doc),
            &self.files,
        )
    }

    /// The interface language of the instance.
    pub fn lang(&self) -> Lang {
        Lang::from_code(&self.config.language)
    }
}

/// Parse and validate one source file into a [`Document`] (or its diagnostics).
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
        SourceKind::Parcours => {
            let parcours = validate::validate_parcours(file, &tree, config, vocabularies)?;
            (Meta::Parcours(parcours), config.language.clone())
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
        (SourceKind::Parcours, _) => format!("parcours/{}/", source.slug),
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

/// Kits whose last update is older than `days` (by `updated`, else `created`) and with no field
/// report in that time.
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
            // A session reported from the field says the kit still works.
            if kit
                .last_session()
                .is_some_and(|session| (today - session).num_days() <= days)
            {
                return None;
            }
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

/// Every step of a learning path names a kit of the instance, at most once per path.
fn check_parcours_steps(documents: &[Document], kits: &BTreeSet<&str>) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    for doc in documents {
        let Some(parcours) = doc.parcours() else {
            continue;
        };
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        for step in &parcours.steps {
            let file = Path::new(&doc.rel_path);
            if !kits.contains(step.kit.as_str()) {
                diagnostics.push(Diagnostic::error(
                    file,
                    step.line,
                    step.column,
                    Problem::UnknownKit {
                        slug: step.kit.clone(),
                        suggestion: crate::diagnostics::closest(&step.kit, kits.iter().copied()),
                    },
                ));
            } else if !seen.insert(step.kit.as_str()) {
                diagnostics.push(Diagnostic::error(
                    file,
                    step.line,
                    step.column,
                    Problem::RepeatedStep {
                        slug: step.kit.clone(),
                    },
                ));
            }
        }
    }
    diagnostics
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

fn check_translations(
    documents: &[Document],
    kit_slugs: &BTreeSet<&str>,
    texts: &HashMap<String, String>,
) -> Vec<Diagnostic> {
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
