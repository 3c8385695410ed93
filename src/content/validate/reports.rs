//! `field_reports`: the sessions mediators ran from a kit, each `{date, place, participants, by,
//! comment}`, checked like every other field (every problem at its line and column).

use super::Checker;
use crate::diagnostics::{closest, Problem};
use crate::frontmatter::{Node, Value};
use crate::model::FieldReport;

/// The keys of one report.
pub const REPORT_KEYS: [&str; 5] = ["date", "place", "participants", "by", "comment"];

impl Checker<'_> {
    pub(super) fn field_reports(&mut self, node: &Node) -> Vec<FieldReport> {
        let items = match &node.value {
            Value::Sequence(items) => items,
            Value::Scalar { .. } if node.is_null() => return Vec::new(),
            _ => {
                self.error(
                    node,
                    Problem::WrongType {
                        field: "field_reports".into(),
                        expected: "reports",
                    },
                );
                return Vec::new();
            }
        };
        items.iter().filter_map(|item| self.report(item)).collect()
    }

    fn report(&mut self, item: &Node) -> Option<FieldReport> {
        let Value::Mapping(entries) = &item.value else {
            self.error(
                item,
                Problem::WrongType {
                    field: "field_reports".into(),
                    expected: "report",
                },
            );
            return None;
        };
        let before = self.diagnostics.len();
        let (mut date, mut place, mut participants, mut by, mut comment) =
            (None, None, None, None, None);
        for (key, value) in entries {
            let name = key.as_scalar().unwrap_or_default();
            let field = format!("field_reports.{name}");
            match name {
                "date" => date = self.date(&field, value),
                "place" => place = self.string(&field, value, 1, 120),
                "by" => by = self.string(&field, value, 1, 120),
                "comment" => comment = self.string(&field, value, 1, 2000),
                "participants" => {
                    match value.as_scalar().and_then(|v| v.trim().parse::<u32>().ok()) {
                        Some(n) if (1..=10_000).contains(&n) => participants = Some(n),
                        _ => self.error(
                            value,
                            Problem::WrongType {
                                field,
                                expected: "count",
                            },
                        ),
                    }
                }
                other => {
                    let suggestion = closest(other, REPORT_KEYS);
                    self.error(
                        key,
                        Problem::UnknownKey {
                            key: format!("field_reports.{other}"),
                            suggestion,
                            allowed: REPORT_KEYS.iter().map(|k| k.to_string()).collect(),
                        },
                    );
                }
            }
        }
        for (required, missing) in [("date", date.is_none()), ("place", place.is_none())] {
            let reported = self.diagnostics[before..]
                .iter()
                .any(|d| matches!(&d.problem, Problem::WrongType { field, .. } | Problem::BadDate { field, .. } | Problem::BadLength { field, .. } if field.ends_with(required)));
            if missing && !reported {
                self.error(
                    item,
                    Problem::MissingField {
                        field: format!("field_reports.{required}"),
                    },
                );
            }
        }
        Some(FieldReport {
            date: date?,
            place: place?,
            participants,
            by,
            comment,
        })
    }
}
