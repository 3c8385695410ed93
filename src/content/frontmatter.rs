//! Splitting a Markdown file into its YAML front-matter and its body, and parsing that YAML into a
//! small tree that remembers the line and column of every key and value.
//!
//! Why not deserialize straight into a struct with serde? Because contributors need errors that
//! point at the exact line and column of the wrong key or value, and suggest the right one; serde
//! YAML crates report at best the first error. So we parse with yaml-rust2's event API into
//! [`Node`]s carrying positions, and `validate` walks that tree reporting every problem.
//!
//! Hostile input is bounded here: YAML aliases are refused outright (no "billion laughs"
//! expansion is possible), nesting is limited to [`MAX_DEPTH`], and the front-matter is limited to
//! [`MAX_FRONT_MATTER_BYTES`].

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use crate::diagnostics::Problem;

pub const MAX_DEPTH: usize = 16;
pub const MAX_FRONT_MATTER_BYTES: usize = 64 * 1024;

/// A YAML value with its position (1-based line and column in the *file*).
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A scalar; `quoted` tells whether it was written in quotes (then it is always a string).
    Scalar {
        text: String,
        quoted: bool,
    },
    Sequence(Vec<Node>),
    Mapping(Vec<(Node, Node)>),
}

impl Node {
    /// The scalar's text, if this is a scalar.
    pub fn as_scalar(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// A plain (unquoted) empty scalar or `~`/`null`: YAML's null.
    pub fn is_null(&self) -> bool {
        matches!(&self.value, Value::Scalar { text, quoted: false } if text.is_empty() || text == "~" || text == "null")
    }
}

/// A file split into front-matter and body.
#[derive(Debug)]
pub struct Split<'a> {
    /// The YAML text between the two `---` lines.
    pub yaml: &'a str,
    /// The Markdown body after the closing `---` line.
    pub body: &'a str,
    /// 1-based line number of the body's first line in the file.
    pub body_line: usize,
}

/// A problem found while splitting or parsing, with its 1-based position.
#[derive(Debug, Clone, PartialEq)]
pub struct Located {
    pub line: usize,
    pub column: usize,
    pub problem: Problem,
}

fn located(line: usize, column: usize, problem: Problem) -> Located {
    Located {
        line,
        column,
        problem,
    }
}

fn is_delimiter(line: &str) -> bool {
    line.trim_end() == "---"
}

/// Split `text` (already decoded, BOM removed, line ends normalised to `\n`).
/// The front-matter must start at byte 0; a `---` further down is body text.
pub fn split(text: &str) -> Result<Split<'_>, Located> {
    if text.trim().is_empty() {
        return Err(located(1, 1, Problem::EmptyFile));
    }
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if !is_delimiter(first) {
        // Say "not at the start" when a front-matter block clearly sits lower in the file.
        let mut offset_line = 1;
        let mut seen_text_line = None;
        for line in text.lines() {
            if is_delimiter(line) {
                seen_text_line = Some(offset_line);
                break;
            }
            offset_line += 1;
        }
        if let Some(line) = seen_text_line {
            let next_is_key = text
                .lines()
                .nth(line)
                .map(|l| {
                    l.split_once(':')
                        .is_some_and(|(k, _)| !k.is_empty() && !k.contains(' '))
                })
                .unwrap_or(false);
            if next_is_key {
                return Err(located(line, 1, Problem::FrontMatterNotAtStart));
            }
        }
        return Err(located(1, 1, Problem::NoFrontMatter));
    }
    let yaml_start = first.len();
    let mut position = yaml_start;
    let mut line_number = 1;
    for line in lines {
        line_number += 1;
        if is_delimiter(line) {
            let yaml = &text[yaml_start..position];
            let body = &text[position + line.len()..];
            if yaml.len() > MAX_FRONT_MATTER_BYTES {
                return Err(located(
                    2,
                    1,
                    Problem::YamlSyntax {
                        detail: format!("front-matter larger than {MAX_FRONT_MATTER_BYTES} bytes"),
                    },
                ));
            }
            return Ok(Split {
                yaml,
                body,
                body_line: line_number + 1,
            });
        }
        position += line.len();
    }
    Err(located(1, 1, Problem::UnclosedFrontMatter))
}

/// Parse the front-matter YAML. `first_line` is the file line of the YAML's first line (2 when the
/// file starts with `---`), so that positions refer to the file.
pub fn parse_yaml(yaml: &str, first_line: usize) -> Result<Node, Located> {
    let line_of = |m: &Marker| m.line() + first_line - 1;
    let column_of = |m: &Marker| m.col() + 1;
    let mut parser = Parser::new_from_str(yaml);
    // Stack of containers under construction; each holds its node and, for mappings, a pending key.
    enum Frame {
        Seq(Node),
        Map(Node, Option<Node>),
    }
    let mut stack: Vec<Frame> = Vec::new();
    let mut root: Option<Node> = None;

    loop {
        let (event, mark) = parser.next_token().map_err(|e| {
            located(
                line_of(e.marker()),
                column_of(e.marker()),
                Problem::YamlSyntax {
                    detail: e.info().to_string(),
                },
            )
        })?;
        let (line, column) = (line_of(&mark), column_of(&mark));
        let finished: Option<Node> = match event {
            Event::StreamEnd => break,
            Event::DocumentEnd => {
                if root.is_some() || stack.is_empty() {
                    break;
                }
                None
            }
            Event::Nothing | Event::StreamStart | Event::DocumentStart => None,
            Event::Alias(_) => return Err(located(line, column, Problem::YamlAlias)),
            Event::Scalar(text, style, _, _) => {
                let quoted = !matches!(style, TScalarStyle::Plain);
                Some(Node {
                    value: Value::Scalar { text, quoted },
                    line,
                    column,
                })
            }
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(located(line, column, Problem::YamlTooDeep));
                }
                let is_seq = matches!(event, Event::SequenceStart(..));
                let node = Node {
                    value: if is_seq {
                        Value::Sequence(Vec::new())
                    } else {
                        Value::Mapping(Vec::new())
                    },
                    line,
                    column,
                };
                stack.push(if is_seq {
                    Frame::Seq(node)
                } else {
                    Frame::Map(node, None)
                });
                None
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(Frame::Seq(node)) | Some(Frame::Map(node, _)) => Some(node),
                None => None,
            },
        };
        if let Some(node) = finished {
            match stack.last_mut() {
                None => {
                    root = Some(node);
                }
                Some(Frame::Seq(parent)) => {
                    if let Value::Sequence(items) = &mut parent.value {
                        items.push(node);
                    }
                }
                Some(Frame::Map(parent, pending_key)) => match pending_key.take() {
                    None => *pending_key = Some(node),
                    Some(key) => {
                        if let Value::Mapping(entries) = &mut parent.value {
                            entries.push((key, node));
                        }
                    }
                },
            }
        }
    }
    Ok(root.unwrap_or(Node {
        value: Value::Scalar {
            text: String::new(),
            quoted: false,
        },
        line: first_line,
        column: 1,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_finds_body_line() {
        let s = split("---\ntitle: x\n---\nbody\n").unwrap();
        assert_eq!(s.yaml, "title: x\n");
        assert_eq!(s.body, "body\n");
        assert_eq!(s.body_line, 4);
    }

    #[test]
    fn later_dashes_are_body_text() {
        let s = split("---\ntitle: x\n---\ntext\n---\nmore\n").unwrap();
        assert_eq!(s.body, "text\n---\nmore\n");
    }

    #[test]
    fn front_matter_lower_in_file_is_reported_there() {
        let e = split("# Titre\n\n---\ntitle: x\n---\n").unwrap_err();
        assert_eq!((e.line, e.problem), (3, Problem::FrontMatterNotAtStart));
    }

    #[test]
    fn positions_are_file_positions() {
        let root = parse_yaml("title: x\nthemes:\n  - a\n  - b\n", 2).unwrap();
        let Value::Mapping(entries) = root.value else {
            panic!()
        };
        assert_eq!((entries[1].0.line, entries[1].0.column), (3, 1));
        let Value::Sequence(items) = &entries[1].1.value else {
            panic!()
        };
        assert_eq!((items[1].line, items[1].column), (5, 5));
    }

    #[test]
    fn aliases_are_refused() {
        let e = parse_yaml("a: &x [1]\nb: *x\n", 2).unwrap_err();
        assert_eq!(e.problem, Problem::YamlAlias);
        assert_eq!(e.line, 3);
    }
}
