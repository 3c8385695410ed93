//! The plain content model: what the loader and validator produce and every later stage reads.
//!
//! Data flows one way: `load` reads files into [`Source`]s, `validate` turns each into a
//! [`Document`] (or diagnostics), `site` links documents together, `render` and `index` read them.
//! Nothing here is mutated after validation except by the linking step that fills in URLs of
//! translations.

use std::path::PathBuf;

use chrono::NaiveDate;

/// A Markdown file of the instance, read but not yet understood.
#[derive(Debug, Clone)]
pub struct Source {
    /// Path relative to the instance root, with `/` separators (`content/kits/x/index.md`).
    pub rel_path: String,
    /// Absolute path on disk.
    pub abs_path: PathBuf,
    pub kind: SourceKind,
    /// Identifier from the file or folder name (`mots-de-passe`).
    pub slug: String,
    /// Language from a file suffix (`index.en.md` → `en`), if any.
    pub file_language: Option<String>,
    /// The file's text, decoded, without BOM, with `\n` line ends; None when unreadable.
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    Kit,
    Page,
    /// A learning path: `content/parcours/<slug>.md`.
    Parcours,
}

/// The validated front-matter of a kit.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KitMeta {
    pub title: String,
    pub summary: String,
    pub themes: Vec<String>,
    pub audiences: Vec<String>,
    pub level: String,
    pub duration_minutes: u32,
    pub participants: Option<(u32, u32)>,
    pub formats: Vec<String>,
    pub competences: Vec<String>,
    pub prerequisites: Vec<String>,
    pub materials: Vec<String>,
    pub accessibility: Vec<String>,
    pub license: String,
    pub authors: Vec<String>,
    pub language: String,
    pub translation_of: Option<String>,
    pub created: Option<NaiveDate>,
    pub updated: Option<NaiveDate>,
    pub draft: bool,
    /// Sessions run from this kit, as mediators reported them.
    pub field_reports: Vec<FieldReport>,
    /// People who reviewed the kit, and who translated it.
    pub reviewers: Vec<String>,
    pub translators: Vec<String>,
}

/// One session run from a kit, reported from the field.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldReport {
    pub date: NaiveDate,
    pub place: String,
    pub participants: Option<u32>,
    pub by: Option<String>,
    pub comment: Option<String>,
}

impl KitMeta {
    /// The date of the newest field report.
    pub fn last_session(&self) -> Option<NaiveDate> {
        self.field_reports.iter().map(|r| r.date).max()
    }

    /// The field reports, the newest first.
    pub fn reports_newest_first(&self) -> Vec<&FieldReport> {
        let mut reports: Vec<&FieldReport> = self.field_reports.iter().collect();
        reports.sort_by(|a, b| b.date.cmp(&a.date));
        reports
    }
}

impl KitMeta {
    /// Values of a taxonomy field (`themes`, `level`…), as a list.
    pub fn values_of(&self, field: &str) -> Vec<&str> {
        let list = match field {
            "themes" => &self.themes,
            "audiences" => &self.audiences,
            "formats" => &self.formats,
            "materials" => &self.materials,
            "competences" => &self.competences,
            "accessibility" => &self.accessibility,
            "level" => return vec![self.level.as_str()],
            _ => return Vec::new(),
        };
        list.iter().map(String::as_str).collect()
    }
}

/// The validated front-matter of a plain page.
#[derive(Debug, Clone, PartialEq)]
pub struct PageMeta {
    pub title: String,
    pub summary: Option<String>,
    pub draft: bool,
}

/// The validated front-matter of a learning path: kits in order, for a cycle of sessions.
#[derive(Debug, Clone, PartialEq)]
pub struct ParcoursMeta {
    pub title: String,
    pub summary: String,
    pub audiences: Vec<String>,
    pub themes: Vec<String>,
    pub level: Option<String>,
    pub license: String,
    pub authors: Vec<String>,
    pub steps: Vec<ParcoursStep>,
    pub draft: bool,
}

/// One step of a path: a kit (by slug), and what to adapt in this step.
#[derive(Debug, Clone, PartialEq)]
pub struct ParcoursStep {
    pub kit: String,
    pub note: Option<String>,
    /// Where the step is written (for diagnostics about the kit it names).
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Clone)]
pub enum Meta {
    Kit(KitMeta),
    Page(PageMeta),
    Parcours(ParcoursMeta),
}

/// A validated document: a kit or a page, with where it goes in the site.
#[derive(Debug, Clone)]
pub struct Document {
    pub rel_path: String,
    pub abs_path: PathBuf,
    pub slug: String,
    pub language: String,
    pub meta: Meta,
    /// Markdown body and the file line where it starts.
    pub body: String,
    pub body_line: usize,
    /// Site-relative URL path without leading slash (`kits/x/`, `en/kits/x/`).
    pub url_path: String,
    /// Authors of the commits touching the file (empty without Git).
    pub contributors: Vec<String>,
}

impl Document {
    pub fn kit(&self) -> Option<&KitMeta> {
        match &self.meta {
            Meta::Kit(k) => Some(k),
            _ => None,
        }
    }

    pub fn page(&self) -> Option<&PageMeta> {
        match &self.meta {
            Meta::Page(p) => Some(p),
            _ => None,
        }
    }

    pub fn parcours(&self) -> Option<&ParcoursMeta> {
        match &self.meta {
            Meta::Parcours(p) => Some(p),
            _ => None,
        }
    }

    pub fn title(&self) -> &str {
        match &self.meta {
            Meta::Kit(k) => &k.title,
            Meta::Page(p) => &p.title,
            Meta::Parcours(p) => &p.title,
        }
    }

    pub fn is_draft(&self) -> bool {
        match &self.meta {
            Meta::Kit(k) => k.draft,
            Meta::Page(p) => p.draft,
            Meta::Parcours(p) => p.draft,
        }
    }
}
