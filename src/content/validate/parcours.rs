//! A learning path's front-matter: `title`, `summary`, `audiences`, optional `themes` and
//! `level`, `license`, `authors`, and `kits`: the steps in order, each a kit's slug or
//! `{kit: slug, note: "…"}`. Whether each slug names a kit is checked once every file is read
//! (`analyse`).

use std::path::Path;

use super::Checker;
use crate::config::Config;
use crate::diagnostics::{closest, Diagnostic, Problem};
use crate::frontmatter::{Node, Value};
use crate::model::{ParcoursMeta, ParcoursStep};
use crate::slug::is_slug;
use crate::vocabulary::Vocabularies;

pub const PARCOURS_KEYS: [&str; 9] = [
    "title",
    "summary",
    "audiences",
    "themes",
    "level",
    "license",
    "authors",
    "kits",
    "draft",
];

const STEP_KEYS: [&str; 2] = ["kit", "note"];

/// Validate a learning path's front-matter.
pub fn validate_parcours(
    file: &Path,
    root: &Node,
    config: &Config,
    vocabularies: &Vocabularies,
) -> Result<ParcoursMeta, Vec<Diagnostic>> {
    let mut c = Checker {
        file,
        diagnostics: Vec::new(),
    };
    let Some(entries) = c.entries(root, &PARCOURS_KEYS) else {
        return Err(c.diagnostics);
    };
    let get = |name: &str| entries.iter().find(|(k, _)| *k == name).map(|(_, v)| *v);
    for required in [
        "title",
        "summary",
        "audiences",
        "license",
        "authors",
        "kits",
    ] {
        if get(required).is_none() {
            c.error_at(
                1,
                1,
                Problem::MissingField {
                    field: required.into(),
                },
            );
        }
    }
    let slugs = |key: &str| vocabularies.get(key).slugs();
    let title = get("title").and_then(|n| c.string("title", n, 1, 120));
    let summary = get("summary").and_then(|n| c.string("summary", n, 1, 300));
    let audiences =
        get("audiences").map(|n| c.vocabulary_list("audiences", n, &slugs("audiences"), true));
    let themes = get("themes").map(|n| c.vocabulary_list("themes", n, &slugs("themes"), false));
    let level = get("level").and_then(|n| c.vocabulary_value("level", n, &slugs("levels")));
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
        c.list("authors", n)
            .iter()
            .filter_map(|i| i.as_scalar())
            .map(|s| s.trim().to_string())
            .collect::<Vec<_>>()
    });
    let steps = get("kits").map(|n| c.steps(n)).unwrap_or_default();
    let draft = get("draft").map(|n| c.boolean("draft", n)).unwrap_or(false);
    if !c.diagnostics.is_empty() {
        return Err(c.diagnostics);
    }
    Ok(ParcoursMeta {
        title: title.unwrap_or_default(),
        summary: summary.unwrap_or_default(),
        audiences: audiences.unwrap_or_default(),
        themes: themes.unwrap_or_default(),
        level,
        license: license.unwrap_or_default(),
        authors: authors.unwrap_or_default(),
        steps,
        draft,
    })
}

impl Checker<'_> {
    fn steps(&mut self, node: &Node) -> Vec<ParcoursStep> {
        let Value::Sequence(items) = &node.value else {
            self.error(
                node,
                Problem::WrongType {
                    field: "kits".into(),
                    expected: "steps",
                },
            );
            return Vec::new();
        };
        if items.is_empty() {
            self.error(
                node,
                Problem::EmptyList {
                    field: "kits".into(),
                },
            );
        }
        let mut steps = Vec::new();
        for item in items {
            let (kit_node, note) = match &item.value {
                Value::Scalar { .. } => (item, None),
                Value::Mapping(entries) => {
                    let mut kit = None;
                    let mut note = None;
                    for (key, value) in entries {
                        match key.as_scalar().unwrap_or_default() {
                            "kit" => kit = Some(value),
                            "note" => note = self.string("kits.note", value, 1, 1000),
                            other => {
                                let suggestion = closest(other, STEP_KEYS);
                                self.error(
                                    key,
                                    Problem::UnknownKey {
                                        key: format!("kits.{other}"),
                                        suggestion,
                                        allowed: STEP_KEYS.iter().map(|k| k.to_string()).collect(),
                                    },
                                );
                            }
                        }
                    }
                    match kit {
                        Some(kit) => (kit, note),
                        None => {
                            self.error(
                                item,
                                Problem::MissingField {
                                    field: "kits.kit".into(),
                                },
                            );
                            continue;
                        }
                    }
                }
                Value::Sequence(_) => {
                    self.error(
                        item,
                        Problem::WrongType {
                            field: "kits".into(),
                            expected: "steps",
                        },
                    );
                    continue;
                }
            };
            let slug = kit_node.as_scalar().unwrap_or_default().trim().to_string();
            if !is_slug(&slug) {
                self.error(
                    kit_node,
                    Problem::BadSlug {
                        suggestion: crate::slug::slugify(&slug),
                        slug,
                    },
                );
                continue;
            }
            steps.push(ParcoursStep {
                kit: slug,
                note,
                line: kit_node.line,
                column: kit_node.column,
            });
        }
        steps
    }
}
