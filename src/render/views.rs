//! The values templates receive (documented for theme authors in `docs/template-context.md`;
//! keep the two in step). All URLs are complete (base path included), so templates never build
//! URLs.

use std::collections::BTreeMap;

use mallette_content::markdown::TocEntry;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct TermView {
    pub slug: String,
    pub label: String,
    pub url: String,
    pub count: usize,
    /// Competences only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub framework: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub framework_label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TaxonomyView {
    pub key: String,
    pub label: String,
    pub url: String,
    pub terms: Vec<TermView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DurationView {
    pub minutes: u32,
    pub display: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct DateView {
    pub iso: String,
    pub display: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CardView {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub url: String,
    pub language: String,
    pub level: TermView,
    pub duration: DurationView,
    pub themes: Vec<TermView>,
    pub audiences: Vec<TermView>,
    pub updated: Option<DateView>,
    pub draft: bool,
    /// For kits of federated instances: where they come from.
    pub origin: Option<OriginView>,
    /// Sessions reported from the field.
    pub sessions: usize,
    /// The card already rendered by `card.html`, reused by every list the kit appears in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OriginView {
    pub name: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct AttachmentView {
    pub name: String,
    pub url: String,
    pub size_bytes: u64,
    pub size_display: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct LicenseView {
    pub id: String,
    pub name: String,
    pub url: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TranslationView {
    pub language: String,
    pub language_label: String,
    pub title: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct KitView {
    #[serde(flatten)]
    pub card: CardView,
    pub formats: Vec<TermView>,
    pub materials: Vec<TermView>,
    pub accessibility: Vec<TermView>,
    pub competences: Vec<TermView>,
    pub prerequisites: Vec<TermView>,
    pub participants: Option<BTreeMap<String, u32>>,
    pub license: LicenseView,
    pub attribution: String,
    pub authors: Vec<String>,
    pub contributors: Vec<String>,
    pub created: Option<DateView>,
    pub body_html: String,
    pub toc: Vec<TocEntry>,
    pub attachments: Vec<AttachmentView>,
    pub translations: Vec<TranslationView>,
    pub related: Vec<CardView>,
    pub edit_url: Option<String>,
    pub source_path: String,
    /// schema.org `LearningResource` as JSON, safe to print inside a `<script>` element.
    pub jsonld: String,
    /// The kit as a `.zip` for offline use.
    pub zip_url: Option<String>,
    /// In the standalone page of the `.zip`: the kit's address on the web, when known.
    pub online_url: Option<String>,
    pub reviewers: Vec<String>,
    pub translators: Vec<String>,
    /// Sessions reported from the field, newest first.
    pub field_reports: Vec<FieldReportView>,
    pub last_session: Option<DateView>,
    /// Links to the forge to report a session or a problem (with `[forge]` only).
    pub feedback: Option<FeedbackView>,
    /// The learning paths this kit is a step of.
    pub paths: Vec<super::paths::Membership>,
    /// Kits teaching its prerequisites, and kits building on what it teaches.
    pub before: Vec<CardView>,
    pub after: Vec<CardView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FieldReportView {
    pub date: DateView,
    pub place: String,
    pub participants: Option<u32>,
    pub by: Option<String>,
    pub comment: Option<String>,
}

/// The forge's new-issue page for this kit: ready links (a template body, for browsers without
/// JavaScript), and what the page's script needs to fill the body from the small form.
#[derive(Debug, Clone, Serialize)]
pub struct FeedbackView {
    pub report_url: String,
    pub problem_url: String,
    pub issue_base: String,
    pub title_param: String,
    pub body_param: String,
    pub report_title: String,
    pub problem_title: String,
    /// The body text before the YAML entry (names the kit and its file).
    pub report_intro: String,
    pub problem_intro: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PageView {
    pub slug: String,
    pub title: String,
    pub url: String,
    pub body_html: String,
    pub toc: Vec<TocEntry>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PageLink {
    pub slug: String,
    pub title: String,
    pub url: String,
}
