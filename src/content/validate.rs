//! Validation: from a parsed front-matter tree to a [`KitMeta`] or [`PageMeta`], reporting every
//! problem with its position (the rules: `docs/content-format.md`).
//!
//! The validator never stops at the first problem: it checks every key and collects all the
//! diagnostics, so a contributor fixes a file in one round.

use std::path::Path;

use chrono::NaiveDate;

use crate::config::Config;
use crate::diagnostics::{closest, Diagnostic, Problem};
use crate::frontmatter::{Node, Value};
use crate::model::{KitMeta, PageMeta};
use crate::slug::{is_slug, slugify};
use crate::vocabulary::Vocabularies;

pub const KIT_KEYS: [&str; 19] = [
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
];

pub const PAGE_KEYS: [&str; 4] = ["title", "summary", "draft", "language"];

/// Collects diagnostics for one file.
struct Checker<'a> {
    file: &'a Path,
    diagnostics: Vec<Diagnostic>,
}

impl Checker<'_> {
    fn error(&mut self, node: &Node, problem: Problem) {
        self.diagnostics.push(Diagnostic::error(
            self.file,
            node.line,
            node.column,
            problem,
        ));
    }

    fn error_at(&mut self, line: usize, column: usize, problem: Problem) {
        self.diagnostics
            .push(Diagnostic::error(self.file, line, column, problem));
    }

    fn string(&mut self, field: &str, node: &Node, min: usize, max: usize) -> Option<String> {
        match node.as_scalar() {
            Some(text) if !node.is_null() => {
                let text = text.trim().to_string();
                let count = text.chars().count();
                if count < min || count > max {
                    self.error(
                        node,
                        Problem::BadLength {
                            field: field.into(),
                            min,
                            max,
                            actual: count,
                        },
                    );
                }
                Some(text)
            }
            _ => {
                self.error(
                    node,
                    Problem::WrongType {
                        field: field.into(),
                        expected: "string",
                    },
                );
                None
            }
        }
    }

    /// A list of scalars (a single scalar counts as a one-item list).
    fn list<'n>(&mut self, field: &str, node: &'n Node) -> Vec<&'n Node> {
        match &node.value {
            Value::Sequence(items) => {
                let mut scalars = Vec::new();
                for item in items {
                    if item.as_scalar().is_some() && !item.is_null() {
                        scalars.push(item);
                    } else {
                        self.error(
                            item,
                            Problem::WrongType {
                                field: field.into(),
                                expected: "value",
                            },
                        );
                    }
                }
                scalars
            }
            Value::Scalar { .. } if node.is_null() => Vec::new(),
            Value::Scalar { .. } => vec![node],
            Value::Mapping(_) => {
                self.error(
                    node,
                    Problem::WrongType {
                        field: field.into(),
                        expected: "list",
                    },
                );
                Vec::new()
            }
        }
    }

    /// A list of values from a vocabulary.
    fn vocabulary_list(
        &mut self,
        field: &str,
        node: &Node,
        allowed: &[String],
        required: bool,
    ) -> Vec<String> {
        let items = self.list(field, node);
        if required && items.is_empty() && !matches!(node.value, Value::Mapping(_)) {
            self.error(
                node,
                Problem::EmptyList {
                    field: field.into(),
                },
            );
        }
        let mut values = Vec::new();
        for item in items {
            if let Some(v) = self.vocabulary_value(field, item, allowed) {
                if !values.contains(&v) {
                    values.push(v);
                }
            }
        }
        values
    }

    fn vocabulary_value(&mut self, field: &str, node: &Node, allowed: &[String]) -> Option<String> {
        let value = node.as_scalar()?.trim().to_string();
        if allowed.contains(&value) {
            return Some(value);
        }
        let suggestion = closest(&value, allowed.iter().map(String::as_str));
        self.error(
            node,
            Problem::NotInVocabulary {
                field: field.into(),
                value,
                suggestion,
                allowed: allowed.to_vec(),
            },
        );
        None
    }

    fn competences(&mut self, field: &str, node: &Node, allowed: &[String]) -> Vec<String> {
        let mut values = Vec::new();
        for item in self.list(field, node) {
            let raw = item.as_scalar().unwrap_or_default().trim();
            if allowed.iter().any(|a| a == raw) {
                if !values.iter().any(|v| v == raw) {
                    values.push(raw.to_string());
                }
                continue;
            }
            // "Pix 1.1", "pix 1.1", "PIX:1.1" → suggest "pix:1.1".
            let normalised = raw
                .to_lowercase()
                .replace([' ', '_'], ":")
                .replace("::", ":");
            let suggestion = if allowed.contains(&normalised) {
                Some(normalised)
            } else {
                closest(raw, allowed.iter().map(String::as_str))
            };
            self.error(
                item,
                Problem::BadCompetence {
                    value: raw.to_string(),
                    suggestion,
                },
            );
        }
        values
    }

    fn duration(&mut self, node: &Node) -> Option<u32> {
        let Some(text) = node.as_scalar().filter(|_| !node.is_null()) else {
            self.error(
                node,
                Problem::WrongType {
                    field: "duration".into(),
                    expected: "value",
                },
            );
            return None;
        };
        let Some(minutes) = parse_duration(text) else {
            self.error(
                node,
                Problem::BadDuration {
                    value: text.to_string(),
                },
            );
            return None;
        };
        if !(5..=2880).contains(&minutes) {
            self.error(node, Problem::DurationOutOfRange { minutes });
            return None;
        }
        Some(minutes)
    }

    fn participants(&mut self, node: &Node) -> Option<(u32, u32)> {
        let Value::Mapping(entries) = &node.value else {
            self.error(
                node,
                Problem::WrongType {
                    field: "participants".into(),
                    expected: "participants",
                },
            );
            return None;
        };
        let mut min = None;
        let mut max = None;
        for (key, value) in entries {
            let key_text = key.as_scalar().unwrap_or_default();
            let number = value.as_scalar().and_then(|v| v.trim().parse::<u32>().ok());
            match key_text {
                "min" | "max" => {
                    let Some(n) = number else {
                        self.error(
                            value,
                            Problem::BadParticipants {
                                detail: format!("`{key_text}` must be a whole number"),
                            },
                        );
                        continue;
                    };
                    if key_text == "min" {
                        min = Some(n)
                    } else {
                        max = Some(n)
                    }
                }
                other => {
                    let suggestion = closest(other, ["min", "max"]);
                    self.error(
                        key,
                        Problem::UnknownKey {
                            key: format!("participants.{other}"),
                            suggestion,
                            allowed: vec!["min".into(), "max".into()],
                        },
                    );
                }
            }
        }
        match (min, max) {
            (Some(min), Some(max)) if min >= 1 && min <= max => Some((min, max)),
            (Some(min), Some(max)) => {
                self.error(
                    node,
                    Problem::BadParticipants {
                        detail: format!("min = {min}, max = {max}"),
                    },
                );
                None
            }
            _ => {
                self.error(
                    node,
                    Problem::BadParticipants {
                        detail: "`min` and `max` are both needed".into(),
                    },
                );
                None
            }
        }
    }

    fn date(&mut self, field: &str, node: &Node) -> Option<NaiveDate> {
        let text = node.as_scalar().unwrap_or_default().trim();
        match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            Ok(date) if text.len() == 10 => Some(date),
            _ => {
                self.error(
                    node,
                    Problem::BadDate {
                        field: field.into(),
                        value: text.to_string(),
                    },
                );
                None
            }
        }
    }

    fn boolean(&mut self, field: &str, node: &Node) -> bool {
        match node.as_scalar() {
            Some("true") => true,
            Some("false") => false,
            _ => {
                self.error(
                    node,
                    Problem::WrongType {
                        field: field.into(),
                        expected: "bool",
                    },
                );
                false
            }
        }
    }

    fn language(&mut self, node: &Node) -> Option<String> {
        let text = node.as_scalar().unwrap_or_default().trim();
        if is_language_tag(text) {
            Some(text.to_string())
        } else {
            self.error(
                node,
                Problem::BadLanguage {
                    value: text.to_string(),
                },
            );
            None
        }
    }

    /// The mapping's entries, reporting unknown and duplicate keys. Returns (key, value) pairs of
    /// known keys.
    fn entries<'n>(&mut self, root: &'n Node, known: &[&str]) -> Option<Vec<(&'n str, &'n Node)>> {
        let Value::Mapping(entries) = &root.value else {
            self.error(root, Problem::FrontMatterNotMapping);
            return None;
        };
        let mut seen: Vec<&str> = Vec::new();
        let mut result = Vec::new();
        for (key, value) in entries {
            let Some(name) = key.as_scalar() else {
                self.error(key, Problem::FrontMatterNotMapping);
                continue;
            };
            if seen.contains(&name) {
                self.error(
                    key,
                    Problem::DuplicateKey {
                        key: name.to_string(),
                    },
                );
                continue;
            }
            seen.push(name);
            if known.contains(&name) {
                result.push((name, value));
            } else {
                let suggestion = closest(name, known.iter().copied());
                self.error(
                    key,
                    Problem::UnknownKey {
                        key: name.to_string(),
                        suggestion,
                        allowed: known.iter().map(|s| s.to_string()).collect(),
                    },
                );
            }
        }
        Some(result)
    }
}

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
