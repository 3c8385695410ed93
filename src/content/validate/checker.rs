//! The checks of single values (strings, lists, vocabulary values, durations, dates…), each
//! reporting its problems at the value's line and column.

use std::path::Path;

use chrono::NaiveDate;

use super::{is_language_tag, parse_duration};
use crate::diagnostics::{closest, Diagnostic, Problem};
use crate::frontmatter::{Node, Value};

/// Collects diagnostics for one file.
pub(super) struct Checker<'a> {
    pub(super) file: &'a Path,
    pub(super) diagnostics: Vec<Diagnostic>,
}

impl Checker<'_> {
    pub(super) fn error(&mut self, node: &Node, problem: Problem) {
        self.diagnostics.push(Diagnostic::error(
            self.file,
            node.line,
            node.column,
            problem,
        ));
    }

    pub(super) fn error_at(&mut self, line: usize, column: usize, problem: Problem) {
        self.diagnostics
            .push(Diagnostic::error(self.file, line, column, problem));
    }

    pub(super) fn string(
        &mut self,
        field: &str,
        node: &Node,
        min: usize,
        max: usize,
    ) -> Option<String> {
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
    pub(super) fn list<'n>(&mut self, field: &str, node: &'n Node) -> Vec<&'n Node> {
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
    pub(super) fn vocabulary_list(
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

    pub(super) fn vocabulary_value(
        &mut self,
        field: &str,
        node: &Node,
        allowed: &[String],
    ) -> Option<String> {
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

    pub(super) fn competences(
        &mut self,
        field: &str,
        node: &Node,
        allowed: &[String],
    ) -> Vec<String> {
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

    pub(super) fn duration(&mut self, node: &Node) -> Option<u32> {
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

    pub(super) fn participants(&mut self, node: &Node) -> Option<(u32, u32)> {
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

    pub(super) fn date(&mut self, field: &str, node: &Node) -> Option<NaiveDate> {
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

    pub(super) fn boolean(&mut self, field: &str, node: &Node) -> bool {
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

    pub(super) fn language(&mut self, node: &Node) -> Option<String> {
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
    pub(super) fn entries<'n>(
        &mut self,
        root: &'n Node,
        known: &[&str],
    ) -> Option<Vec<(&'n str, &'n Node)>> {
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
