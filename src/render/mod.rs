//! The render stage: from the analysed content (and the search files' names) to the HTML of every
//! page, through the theme's Tera templates.
//!
//! [`Renderer`] holds what every page shares (settings, strings, vocabularies, base path, the
//! compiled templates); [`views`] the values templates receive; [`pages`] renders every page of
//! the site; [`kit_page`] a kit's page and the standalone page of its archive; [`related`] finds
//! related kits. Rendering never writes a file: pages go to a [`Sink`] (the publish stage's).

use std::collections::BTreeMap;

use anyhow::{Context as _, Result};
use serde_json::Value as Json;
use tera::{Context, Tera};

use mallette_content::config::{license_info, Config};
use mallette_content::i18n::language_name;
use mallette_content::links::percent_encode_path;
use mallette_content::markdown::TocEntry;
use mallette_content::model::{Document, KitMeta};
use mallette_content::slug::slugify;
use mallette_content::vocabulary::{Vocabularies, TAXONOMIES};
use mallette_content::Lang;

use crate::index::SearchAssets;

mod bounds;
mod competences;
mod contribute;
mod format;
mod kit_page;
mod pages;
mod parcours;
mod paths;
mod related;
mod theme;
mod views;

pub use contribute::{
    validator_file, validator_offline_file, validator_offline_script, VALIDATOR_WASM,
    VALIDATOR_WASM_GZ,
};
#[cfg(test)]
pub use kit_page::ArchivedFile;
pub use kit_page::KitArchive;
pub use pages::{render_one_kit, render_pages, Sink};
pub use related::Related;
pub use theme::Theme;
pub use views::*;

/// What every page shares: site settings, strings, vocabularies, base path.
pub struct Renderer<'a> {
    pub config: &'a Config,
    pub vocabularies: &'a Vocabularies,
    pub base: String,
    /// The interface language: `fr` or `en` (as templates receive it).
    pub lang: String,
    ui: Lang,
    tera: std::sync::Arc<Tera>,
    globals: Context,
}

impl<'a> Renderer<'a> {
    pub fn new(
        config: &'a Config,
        vocabularies: &'a Vocabularies,
        theme: &Theme,
        base: String,
        pages: &[PageLink],
    ) -> Result<Renderer<'a>> {
        let ui = Lang::from_code(&config.language);
        let lang = ui.code().to_string();
        let tera = match theme.compiled.get() {
            Some(tera) => tera.clone(),
            None => {
                let mut tera = Tera::default();
                tera.set_escape_fn(escape_html);
                let templates = theme.templates()?;
                bounds::check_recursion(&templates).context("theme templates")?;
                bounds::register_functions(&mut tera);
                tera.add_raw_templates(templates)
                    .map_err(tera_error)
                    .context("theme templates")?;
                let tera = std::sync::Arc::new(tera);
                let _ = theme.compiled.set(tera.clone());
                tera
            }
        };
        let mut globals = Context::new();
        globals.insert(
            "site",
            &serde_json::json!({
                "title": config.title,
                "description": config.description,
                "base_url": config.base_url,
                "language": config.language,
                "edit_url": config.edit_url,
                "logo_url": config.logo.as_ref().map(|logo| format!("{base}static/{}", logo_file_name(logo))),
            }),
        );
        globals.insert("base", &base);
        globals.insert("lang", &lang);
        globals.insert("t", &theme.strings(&lang)?);
        globals.insert(
            "generator",
            &format!("mallette {}", env!("CARGO_PKG_VERSION")),
        );
        globals.insert("pages", pages);
        globals.insert(
            "contribute_url",
            &format!("{base}{}", contribute::contribute_path(ui)),
        );
        let nav: Vec<Json> = TAXONOMIES
            .iter()
            .map(|t| {
                serde_json::json!({
                    "key": t.key,
                    "label": vocabularies.get(t.key).label(&lang),
                    "url": format!("{base}{}/", t.key),
                })
            })
            .collect();
        globals.insert("nav_taxonomies", &nav);
        Ok(Renderer {
            config,
            vocabularies,
            base,
            lang,
            ui,
            tera,
            globals,
        })
    }

    /// An interface string of the theme (`t.<key>` in templates).
    pub fn ui_string(&self, key: &str) -> String {
        self.globals
            .get("t")
            .and_then(|t| t.get(key))
            .and_then(|v| v.as_str())
            .unwrap_or(key)
            .to_string()
    }

    /// Render `template` for the page at `page_url` with extra variables.
    pub fn render(
        &self,
        template: &str,
        page_kind: &str,
        page_url: &str,
        extra: Context,
    ) -> Result<String> {
        let mut context = self.globals.clone();
        context.insert("page_kind", page_kind);
        context.insert("page_url", page_url);
        context.extend(extra);
        let html = self
            .tera
            .render(template, &context)
            .map_err(tera_error)
            .with_context(|| format!("template {template}"))?;
        if html.len() > bounds::MAX_PAGE_BYTES {
            anyhow::bail!(
                "template {template}: the page at {page_url} is {} MB, over the limit of {} MB",
                html.len() / (1024 * 1024),
                bounds::MAX_PAGE_BYTES / (1024 * 1024)
            );
        }
        Ok(html)
    }

    pub fn ui_lang(&self) -> Lang {
        self.ui
    }

    /// Whether the site is built to be opened from disk (`--offline`).
    pub fn offline(&self) -> bool {
        self.globals
            .get("search")
            .and_then(|s| s.get("offline_url"))
            .is_some_and(|v| !v.is_null())
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// URL segment of a term (`pix:1.1` → `pix-1-1`).
    pub fn term_slug(slug: &str) -> String {
        slug.replace([':', '.'], "-")
    }

    pub fn term(&self, taxonomy_key: &str, slug: &str, count: usize) -> TermView {
        let vocabulary = self.vocabularies.get(taxonomy_key);
        let label = vocabulary
            .get(slug)
            .map(|t| t.label(&self.lang).to_string())
            .unwrap_or_else(|| slug.to_string());
        let (framework, code) = match slug.split_once(':') {
            Some((f, c)) if taxonomy_key == "competences" => {
                (Some(f.to_string()), Some(c.to_string()))
            }
            _ => (None, None),
        };
        TermView {
            slug: slug.to_string(),
            label,
            url: self.url(&format!("{taxonomy_key}/{}/", Self::term_slug(slug))),
            count,
            framework_label: framework
                .as_ref()
                .map(|f| vocabulary.framework_label(f, &self.lang)),
            framework,
            code,
        }
    }

    fn terms(&self, taxonomy_key: &str, slugs: &[String]) -> Vec<TermView> {
        slugs
            .iter()
            .map(|s| self.term(taxonomy_key, s, 0))
            .collect()
    }

    pub fn duration(&self, minutes: u32) -> DurationView {
        DurationView {
            minutes,
            display: format::duration(minutes),
        }
    }

    pub fn date(&self, date: Option<chrono::NaiveDate>) -> Option<DateView> {
        let date = date?;
        Some(DateView {
            iso: date.format("%Y-%m-%d").to_string(),
            display: format::date(date, self.ui),
        })
    }

    pub fn card(&self, doc: &Document, kit: &KitMeta) -> CardView {
        CardView {
            slug: doc.slug.clone(),
            title: kit.title.clone(),
            summary: kit.summary.clone(),
            url: self.url(&doc.url_path),
            language: kit.language.clone(),
            level: self.term("levels", &kit.level, 0),
            duration: self.duration(kit.duration_minutes),
            themes: self.terms("themes", &kit.themes),
            audiences: self.terms("audiences", &kit.audiences),
            updated: self.date(kit.updated.or(kit.created)),
            draft: kit.draft,
            sessions: kit.field_reports.len(),
            origin: None,
            html: None,
        }
    }

    /// Card of a kit of another instance: links to its page there, names its origin.
    pub fn remote_card(&self, remote: &mallette_content::federation::RemoteKit) -> CardView {
        let kit = &remote.meta;
        let known = |key: &str, values: &[String]| -> Vec<TermView> {
            let vocabulary = self.vocabularies.get(key);
            values
                .iter()
                .filter(|v| vocabulary.get(v).is_some())
                .map(|v| self.term(key, v, 0))
                .collect()
        };
        CardView {
            slug: slugify(&kit.title),
            title: kit.title.clone(),
            summary: kit.summary.clone(),
            url: remote.url.clone(),
            language: kit.language.clone(),
            level: self.term("levels", &kit.level, 0),
            duration: self.duration(kit.duration_minutes),
            themes: known("themes", &kit.themes),
            audiences: known("audiences", &kit.audiences),
            updated: self.date(kit.updated.or(kit.created)),
            draft: false,
            sessions: kit.field_reports.len(),
            html: None,
            origin: Some(OriginView {
                name: remote.origin.clone(),
                url: remote.origin_url.clone(),
            }),
        }
    }

    /// Hand the search files' URLs to every page.
    pub fn set_search(&mut self, search: &SearchAssets) {
        self.globals.insert(
            "search",
            &serde_json::json!({
                "manifest_url": format!("{}{}", self.base, search.manifest),
                "script_url": format!("{}{}", self.base, search.script),
                "offline_url": search.offline_bundle.as_ref().map(|b| format!("{}{b}", self.base)),
                "filters": search.filters,
                "fields": crate::index::FILTER_FIELDS.join(" "),
            }),
        );
    }

    #[allow(clippy::too_many_arguments)]
    pub fn kit_view(
        &self,
        doc: &Document,
        kit: &KitMeta,
        body_html: String,
        toc: Vec<TocEntry>,
        attachments: Vec<AttachmentView>,
        translations: Vec<TranslationView>,
        related: Vec<CardView>,
    ) -> KitView {
        let (name, url) = license_info(&kit.license);
        let attribution = format::attribution(&kit.title, &kit.authors, &name, self.ui);
        let edit_url = self.config.edit_url_of(&doc.rel_path);
        let field_reports = kit
            .reports_newest_first()
            .into_iter()
            .filter_map(|r| {
                Some(FieldReportView {
                    date: self.date(Some(r.date))?,
                    place: r.place.clone(),
                    participants: r.participants,
                    by: r.by.clone(),
                    comment: r.comment.clone(),
                })
            })
            .collect();
        let feedback = self.feedback(doc, kit);
        let jsonld = self.jsonld(doc, kit);
        KitView {
            jsonld,
            zip_url: Some(self.url(&format!("{}{}.zip", doc.url_path, doc.slug))),
            online_url: None,
            card: self.card(doc, kit),
            formats: self.terms("formats", &kit.formats),
            materials: self.terms("materials", &kit.materials),
            accessibility: self.terms("accessibility", &kit.accessibility),
            competences: self.terms("competences", &kit.competences),
            prerequisites: self.terms("competences", &kit.prerequisites),
            participants: kit
                .participants
                .map(|(min, max)| BTreeMap::from([("min".into(), min), ("max".into(), max)])),
            license: LicenseView {
                id: kit.license.clone(),
                name,
                url,
            },
            attribution,
            authors: kit.authors.clone(),
            contributors: doc.contributors.clone(),
            created: self.date(kit.created),
            body_html,
            toc,
            attachments,
            translations,
            related,
            edit_url,
            source_path: doc.rel_path.clone(),
            reviewers: kit.reviewers.clone(),
            translators: kit.translators.clone(),
            field_reports,
            last_session: self.date(kit.last_session()),
            feedback,
            paths: Vec::new(),
            before: Vec::new(),
            after: Vec::new(),
        }
    }

    /// The forge's new-issue links of a kit: a session report whose body holds a ready YAML
    /// entry for `field_reports`, and a problem report.
    fn feedback(&self, doc: &Document, kit: &KitMeta) -> Option<FeedbackView> {
        let forge = self.config.forge.as_ref()?;
        let issue = forge.new_issue();
        let fill = |key: &str| {
            mallette_content::i18n::fill(
                &self.ui_string(key),
                &[("title", &kit.title), ("path", &doc.rel_path)],
            )
        };
        let report_title = fill("report_issue_title");
        let problem_title = fill("problem_issue_title");
        let report_intro = fill("report_issue_intro");
        let problem_intro = fill("problem_issue_intro");
        let template = format!(
            "{report_intro}\n\n```yaml\n  - {{date: {}, place: \"…\", participants: 8, by: \"…\", comment: \"…\"}}\n```\n",
            self.ui_string("report_date_placeholder")
        );
        Some(FeedbackView {
            report_url: issue.url(&report_title, &template, None),
            problem_url: issue.url(&problem_title, &problem_intro, None),
            issue_base: issue.base,
            title_param: issue.name_param,
            body_param: issue.text_param,
            report_title,
            problem_title,
            report_intro,
            problem_intro,
        })
    }

    /// schema.org `LearningResource` of a kit (issue: feeds and machine-readable data).
    fn jsonld(&self, doc: &Document, kit: &KitMeta) -> String {
        let term_label = |key: &str, slug: &str| self.term(key, slug, 0).label;
        let competence = |slug: &String| {
            let term = self.term("competences", slug, 0);
            serde_json::json!({
                "@type": "DefinedTerm",
                "termCode": term.code,
                "name": term.label,
                "inDefinedTermSet": term.framework_label,
            })
        };
        let mut value = serde_json::json!({
            "@context": "https://schema.org",
            "@type": "LearningResource",
            "name": kit.title,
            "description": kit.summary,
            "inLanguage": kit.language,
            "educationalLevel": term_label("levels", &kit.level),
            "timeRequired": format!("PT{}M", kit.duration_minutes),
            "keywords": kit.themes.iter().map(|t| term_label("themes", t)).collect::<Vec<_>>().join(", "),
            "learningResourceType": kit.formats.iter().map(|f| term_label("formats", f)).collect::<Vec<_>>(),
            "audience": kit.audiences.iter().map(|a| serde_json::json!({
                "@type": "EducationalAudience",
                "educationalRole": term_label("audiences", a),
            })).collect::<Vec<_>>(),
            "teaches": kit.competences.iter().map(competence).collect::<Vec<_>>(),
            "competencyRequired": kit.prerequisites.iter().map(competence).collect::<Vec<_>>(),
            "author": kit.authors.iter().map(|a| serde_json::json!({"@type": "Person", "name": a})).collect::<Vec<_>>(),
            "license": license_info(&kit.license).1,
            "isAccessibleForFree": true,
        });
        let site_url = self.config.site_url();
        if site_url.contains("://") {
            value["url"] = serde_json::Value::String(format!("{site_url}{}", doc.url_path));
        }
        if let Some(created) = kit.created {
            value["dateCreated"] = created.to_string().into();
        }
        if let Some(updated) = kit.updated.or(kit.created) {
            value["dateModified"] = updated.to_string().into();
        }
        if !kit.field_reports.is_empty() {
            // Sessions run from the kit: how many, and each as a comment from where it happened.
            value["interactionStatistic"] = serde_json::json!({
                "@type": "InteractionCounter",
                "interactionType": "https://schema.org/UseAction",
                "userInteractionCount": kit.field_reports.len(),
            });
            value["comment"] = kit
                .reports_newest_first()
                .iter()
                .map(|r| {
                    let mut c = serde_json::json!({
                        "@type": "Comment",
                        "dateCreated": r.date.to_string(),
                        "locationCreated": {"@type": "Place", "name": r.place},
                    });
                    if let Some(text) = &r.comment {
                        c["text"] = text.clone().into();
                    }
                    if let Some(by) = &r.by {
                        c["author"] = serde_json::json!({"@type": "Person", "name": by});
                    }
                    c
                })
                .collect();
        }
        let json = serde_json::to_string_pretty(&value).unwrap_or_default();
        // `</script>` or `<!--` in a title must not end the script element.
        json.replace('<', "\\u003c")
            .replace('>', "\\u003e")
            .replace('&', "\\u0026")
    }

    pub fn attachment(&self, rel_path: &str, size: u64) -> AttachmentView {
        let name = rel_path.rsplit('/').next().unwrap_or(rel_path).to_string();
        let url_path = rel_path.strip_prefix("content/").unwrap_or(rel_path);
        AttachmentView {
            name,
            url: self.url(&percent_encode_path(url_path)),
            size_bytes: size,
            size_display: self.size(size),
        }
    }

    pub fn size(&self, bytes: u64) -> String {
        format::size(bytes, self.ui)
    }

    /// A language named in that language (readers look for their own).
    pub fn language_label(&self, code: &str) -> String {
        language_name(code)
    }
}

/// Where the instance's logo is copied inside `static/`.
pub fn logo_file_name(logo: &str) -> String {
    let extension = std::path::Path::new(logo)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("png");
    format!("logo.{extension}")
}

/// HTML-escape template values. Tera's default also escapes `/`, which makes every URL unreadable
/// in the page source without adding safety inside quoted attributes and text.
pub fn escape_html(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + input.len() / 8);
    for c in input.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
    out
}

/// Tera's errors hide the useful part in their source chain.
pub fn tera_error(error: tera::Error) -> anyhow::Error {
    let mut message = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    anyhow::anyhow!(message)
}
