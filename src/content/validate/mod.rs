//! Validation: from a parsed front-matter tree to a [`KitMeta`] or [`PageMeta`], reporting every
//! problem with its position (the rules: `docs/content-format.md`).
//!
//! The validator never stops at the first problem: it checks every key and collects all the
//! diagnostics, so a contributor fixes a file in one round.

use std::path::Path;

use crate::config::Config;
use crate::diagnostics::{closest, Diagnostic, Problem};
use crate::frontmatter::{Node, Value};
use crate::model::{KitMeta, PageMeta};
use crate::slug::{is_slug, slugify};
use crate::vocabulary::Vocabularies;

mod checker;
mod parcours;
mod reports;

pub use parcours::{validate_parcours, PARCOURS_KEYS};

use checker::Checker;

pub const KIT_KEYS: [&str; 22] = [
    "title",
    "summary",
    "themes",
    "audiences",
    "level",
    "duration",
    "participants",
    "formats",
    "competences",
    "prerequisites",
    "materials",
    "accessibility",
    "license",
    "authors",
    "language",
    "translation_of",
    "created",
    "updated",
    "draft",
    "field_reports",
    "reviewers",
    "translators",
];

pub const PAGE_KEYS: [&str; 4] = ["title", "summary", "draft", "language"];

/// Validate a kit's front-matter. `file_language` is the language given by the file name.
pub fn validate_kit(
    file: &Path,
    root: &Node,
    config: &Config,
    vocabularies: &Vocabularies,
    file_language: Option<&str>,
) -> Result<KitMeta, Vec<Diagnostic>> {
    let mut c = Checker {
        file,
        diagnostics: Vec::new(),
    };
    let Some(entries) = c.entries(root, &KIT_KEYS) else {
        return Err(c.diagnostics);
    };
    let get = |name: &str| entries.iter().find(|(k, _)| *k == name).map(|(_, v)| *v);
    let slugs = |key: &str| vocabularies.get(key).slugs();

    // Required fields first: report each missing one at the front-matter's first line, unless an
    // unknown key was already reported as a likely typo of it (`audience` → `audiences`).
    let suggested: Vec<String> = c
        .diagnostics
        .iter()
        .filter_map(|d| match &d.problem {
            Problem::UnknownKey { suggestion, .. } => suggestion.clone(),
            _ => None,
        })
        .collect();
    for required in [
        "title",
        "summary",
        "themes",
        "audiences",
        "level",
        "duration",
        "license",
        "authors",
    ] {
        if get(required).is_none() && !suggested.iter().any(|s| s == required) {
            c.error_at(
                1,
                1,
                Problem::MissingField {
                    field: required.into(),
                },
            );
        }
    }

    let title = get("title").and_then(|n| c.string("title", n, 1, 120));
    let summary = get("summary").and_then(|n| c.string("summary", n, 1, 300));
    let themes = get("themes").map(|n| c.vocabulary_list("themes", n, &slugs("themes"), true));
    let audiences =
        get("audiences").map(|n| c.vocabulary_list("audiences", n, &slugs("audiences"), true));
    let level = get("level").and_then(|n| match &n.value {
        Value::Scalar { .. } if !n.is_null() => c.vocabulary_value("level", n, &slugs("levels")),
        _ => {
            c.error(
                n,
                Problem::WrongType {
                    field: "level".into(),
                    expected: "value",
                },
            );
            None
        }
    });
    let duration = get("duration").and_then(|n| c.duration(n));
    let participants = get("participants").and_then(|n| c.participants(n));
    let formats = get("formats").map(|n| c.vocabulary_list("formats", n, &slugs("formats"), false));
    let competence_slugs = slugs("competences");
    let competences =
        get("competences").map(|n| c.competences("competences", n, &competence_slugs));
    let prerequisites =
        get("prerequisites").map(|n| c.competences("prerequisites", n, &competence_slugs));
    let materials =
        get("materials").map(|n| c.vocabulary_list("materials", n, &slugs("materials"), false));
    let accessibility = get("accessibility")
        .map(|n| c.vocabulary_list("accessibility", n, &slugs("accessibility"), false));
    let license = get("license").and_then(|n| {
        let value = c.string("license", n, 1, 64)?;
        if config.licenses.contains(&value) {
            Some(value)
        } else {
            let suggestion = closest(&value, config.licenses.iter().map(String::as_str));
            c.error(
                n,
                Problem::LicenseNotAllowed {
                    value,
                    suggestion,
                    allowed: config.licenses.clone(),
                },
            );
            None
        }
    });
    let authors = get("authors").map(|n| {
        let items = c.list("authors", n);
        if items.is_empty() && !matches!(n.value, Value::Mapping(_)) {
            c.error(
                n,
                Problem::EmptyList {
                    field: "authors".into(),
                },
            );
        }
        items
            .iter()
            .filter_map(|i| i.as_scalar())
            .map(|s| s.trim().to_string())
            .collect::<Vec<_>>()
    });
    let declared_language = get("language").and_then(|n| {
        let lang = c.language(n)?;
        if let Some(file_lang) = file_language {
            if file_lang != lang {
                c.error(
                    n,
                    Problem::LanguageMismatch {
                        file_lang: file_lang.into(),
                        declared: lang.clone(),
                    },
                );
            }
        }
        Some(lang)
    });
    let translation_of = get("translation_of").and_then(|n| {
        let slug = c.string("translation_of", n, 1, 200)?;
        if !is_slug(&slug) {
            c.error(
                n,
                Problem::BadSlug {
                    suggestion: slugify(&slug),
                    slug: slug.clone(),
                },
            );
        }
        Some(slug)
    });
    let created = get("created").and_then(|n| c.date("created", n));
    let updated = get("updated").and_then(|n| c.date("updated", n));
    let draft = get("draft").map(|n| c.boolean("draft", n)).unwrap_or(false);
    let field_reports = get("field_reports")
        .map(|n| c.field_reports(n))
        .unwrap_or_default();
    let mut names = |key: &str| -> Vec<String> {
        get(key)
            .map(|n| {
                c.list(key, n)
                    .iter()
                    .filter_map(|i| i.as_scalar())
                    .map(|s| s.trim().to_string())
                    .collect()
            })
            .unwrap_or_default()
    };
    let reviewers = names("reviewers");
    let translators = names("translators");

    if !c.diagnostics.is_empty() {
        return Err(c.diagnostics);
    }
    let language = declared_language
        .or_else(|| file_language.map(str::to_string))
        .unwrap_or_else(|| config.language.clone());
    Ok(KitMeta {
        title: title.unwrap_or_default(),
        summary: summary.unwrap_or_default(),
        themes: themes.unwrap_or_default(),
        audiences: audiences.unwrap_or_default(),
        level: level.unwrap_or_default(),
        duration_minutes: duration.unwrap_or_default(),
        participants,
        formats: formats.unwrap_or_default(),
        competences: competences.unwrap_or_default(),
        prerequisites: prerequisites.unwrap_or_default(),
        materials: materials.unwrap_or_default(),
        accessibility: accessibility.unwrap_or_default(),
        license: license.unwrap_or_default(),
        authors: authors.unwrap_or_default(),
        language,
        translation_of,
        created,
        updated,
        draft,
        field_reports,
        reviewers,
        translators,
    })
}

/// Validate a plain page's front-matter.
pub fn validate_page(file: &Path, root: &Node) -> Result<PageMeta, Vec<Diagnostic>> {
    let mut c = Checker {
        file,
        diagnostics: Vec::new(),
    };
    let Some(entries) = c.entries(root, &PAGE_KEYS) else {
        return Err(c.diagnostics);
    };
    let get = |name: &str| entries.iter().find(|(k, _)| *k == name).map(|(_, v)| *v);
    if get("title").is_none() {
        c.error_at(
            1,
            1,
            Problem::MissingField {
                field: "title".into(),
            },
        );
    }
    let title = get("title").and_then(|n| c.string("title", n, 1, 120));
    let summary = get("summary").and_then(|n| c.string("summary", n, 1, 300));
    let draft = get("draft").map(|n| c.boolean("draft", n)).unwrap_or(false);
    if let Some(n) = get("language") {
        c.language(n);
    }
    if !c.diagnostics.is_empty() {
        return Err(c.diagnostics);
    }
    Ok(PageMeta {
        title: title.unwrap_or_default(),
        summary,
        draft,
    })
}

/// `90`, `"90"`, `"1h30"`, `"1 h 30"`, `"2h"`, `"45min"`, `"45 mn"`, `"1h30min"` → minutes.
pub fn parse_duration(text: &str) -> Option<u32> {
    let compact: String = text
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if compact.is_empty() {
        return None;
    }
    let number_prefix = |s: &str| -> Option<(u32, usize)> {
        let digits: String = s.chars().take_while(|c| c.is_ascii_digit()).collect();
        if digits.is_empty() || digits.len() > 6 {
            return None;
        }
        Some((digits.parse().ok()?, digits.len()))
    };
    let (first, used) = number_prefix(&compact)?;
    let rest = &compact[used..];
    if rest.is_empty() {
        return Some(first);
    }
    for unit in ["minutes", "minute", "min", "mn", "m"] {
        if rest == unit {
            return Some(first);
        }
    }
    let after_hours = ["heures", "heure", "hours", "hour", "h"]
        .iter()
        .find_map(|u| rest.strip_prefix(u))?;
    let hours = first.checked_mul(60)?;
    if after_hours.is_empty() {
        return Some(hours);
    }
    let (minutes, used) = number_prefix(after_hours)?;
    let tail = &after_hours[used..];
    if !(tail.is_empty() || ["minutes", "min", "mn", "m"].contains(&tail)) || minutes >= 60 {
        return None;
    }
    hours.checked_add(minutes)
}

/// `fr`, `en`, `fr-BE`, `pt-BR`…
pub fn is_language_tag(text: &str) -> bool {
    let mut parts = text.split('-');
    let primary = parts.next().unwrap_or_default();
    (2..=3).contains(&primary.len())
        && primary.chars().all(|c| c.is_ascii_lowercase())
        && parts.all(|p| (2..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90"), Some(90));
        assert_eq!(parse_duration("1h30"), Some(90));
        assert_eq!(parse_duration("1 h 30"), Some(90));
        assert_eq!(parse_duration("2h"), Some(120));
        assert_eq!(parse_duration("45min"), Some(45));
        assert_eq!(parse_duration("1h30min"), Some(90));
        assert_eq!(parse_duration("1h75"), None);
        assert_eq!(parse_duration("une heure"), None);
    }
}
