//! The mediation lexicon: groups of words that name the same thing in this field (everyday and
//! formal words, abbreviations, anglicisms, brand and generic names, the words of teenagers and
//! of seniors), each with its English equivalents, and looser related terms. Search uses it so
//! that a query in the visitor's words finds the kit written in other words (see the search
//! crate's `lexicon` module for how).
//!
//! The defaults are compiled in from `src/content/defaults/lexicon.yaml`. An instance adds its
//! own words, or replaces the whole lexicon, with `vocabularies/lexicon.yaml`:
//!
//! ```yaml
//! mode: extend          # extend (default): add these groups; replace: use only these
//! groups:
//!   - fr: [tiers-lieu, espace public numérique, epn]   # the first is the group's main word
//!     en: [community digital hub]                      # optional
//!     related: [médiathèque]                           # optional, weighs less
//! ```
//!
//! Every problem is reported with the file, line and column, what is wrong and what is allowed.

use std::path::Path;

use anyhow::{bail, Result};

use crate::diagnostics::closest;
use crate::frontmatter::{parse_yaml, Node, Value};

const DEFAULTS: &str = include_str!("defaults/lexicon.yaml");

/// The instance's file, inside `vocabularies/`.
pub const LEXICON_FILE: &str = "lexicon.yaml";

/// Bounds that keep a hostile or mistaken file from slowing every build and every search.
const MAX_GROUPS: usize = 20_000;
const MAX_TERMS_PER_GROUP: usize = 100;
const MAX_TERM_CHARS: usize = 80;

/// One group of the lexicon.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LexiconGroup {
    /// French words and phrases; the first is the group's main word.
    pub fr: Vec<String>,
    /// English equivalents.
    pub en: Vec<String>,
    /// Looser terms.
    pub related: Vec<String>,
}

/// The whole lexicon.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lexicon {
    pub groups: Vec<LexiconGroup>,
}

impl Lexicon {
    /// The built-in lexicon.
    pub fn defaults() -> Lexicon {
        parse(DEFAULTS, Path::new("src/content/defaults/lexicon.yaml"))
            .expect("the built-in lexicon is valid")
            .1
    }

    /// The defaults, extended or replaced by the instance's `vocabularies/lexicon.yaml`.
    pub fn load(root: &Path) -> Result<Lexicon> {
        let path = root.join("vocabularies").join(LEXICON_FILE);
        if !path.is_file() {
            return Ok(Lexicon::defaults());
        }
        let text = std::fs::read_to_string(&path)
            .map_err(|e| anyhow::anyhow!("vocabularies/{LEXICON_FILE}: cannot be read: {e}"))?;
        Lexicon::apply_text(
            Lexicon::defaults(),
            &text,
            Path::new("vocabularies/lexicon.yaml"),
        )
    }

    /// `base` adapted by the YAML `text` of `file` (named in messages).
    pub fn apply_text(base: Lexicon, text: &str, file: &Path) -> Result<Lexicon> {
        let (mode, own) = parse(text, file)?;
        let mut lexicon = match mode {
            Mode::Replace => Lexicon::default(),
            Mode::Extend => base,
        };
        lexicon.groups.extend(own.groups);
        if lexicon.groups.len() > MAX_GROUPS {
            bail!(
                "{}: the lexicon has {} groups; at most {MAX_GROUPS} are allowed",
                file.display(),
                lexicon.groups.len()
            );
        }
        Ok(lexicon)
    }

    /// Number of words and phrases, over every group.
    pub fn term_count(&self) -> usize {
        self.groups
            .iter()
            .map(|g| g.fr.len() + g.en.len() + g.related.len())
            .sum()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Extend,
    Replace,
}

fn at(file: &Path, node: &Node, message: impl std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!(
        "{}:{}:{}: {message}",
        file.display(),
        node.line,
        node.column
    )
}

fn unknown_key(file: &Path, key: &Node, name: &str, allowed: &[&str]) -> anyhow::Error {
    let hint = closest(name, allowed.iter().copied())
        .map(|c| format!(" (did you mean `{c}`?)"))
        .unwrap_or_default();
    at(
        file,
        key,
        format!(
            "unknown key `{name}`{hint}; allowed: {}",
            allowed.join(", ")
        ),
    )
}

fn parse(text: &str, file: &Path) -> Result<(Mode, Lexicon)> {
    let root = parse_yaml(text, 1).map_err(|e| {
        anyhow::anyhow!(
            "{}:{}:{}: {}",
            file.display(),
            e.line,
            e.column,
            e.problem.message(crate::Lang::En)
        )
    })?;
    let Value::Mapping(entries) = &root.value else {
        if root.is_null() {
            return Ok((Mode::Extend, Lexicon::default()));
        }
        return Err(at(
            file,
            &root,
            "the lexicon must be a mapping with `groups:` (and optionally `mode:`)",
        ));
    };
    let mut mode = Mode::Extend;
    let mut groups = Vec::new();
    for (key, value) in entries {
        let name = key.as_scalar().unwrap_or_default();
        match name {
            "version" => {}
            "mode" => {
                mode = match value.as_scalar() {
                    Some("extend") => Mode::Extend,
                    Some("replace") => Mode::Replace,
                    _ => return Err(at(file, value, "`mode` must be `extend` or `replace`")),
                }
            }
            "groups" => groups = parse_groups(file, value)?,
            _ => return Err(unknown_key(file, key, name, &["groups", "mode", "version"])),
        }
    }
    Ok((mode, Lexicon { groups }))
}

fn parse_groups(file: &Path, node: &Node) -> Result<Vec<LexiconGroup>> {
    if node.is_null() {
        return Ok(Vec::new());
    }
    let Value::Sequence(items) = &node.value else {
        return Err(at(
            file,
            node,
            "`groups` must be a list of groups, each `- fr: [mot, autre mot]`",
        ));
    };
    if items.len() > MAX_GROUPS {
        return Err(at(
            file,
            node,
            format!("at most {MAX_GROUPS} groups are allowed"),
        ));
    }
    let mut groups = Vec::with_capacity(items.len());
    for item in items {
        let Value::Mapping(entries) = &item.value else {
            return Err(at(file, item, "a group must be a mapping: `- fr: [mot, autre mot]` with optional `en:` and `related:`"));
        };
        let mut group = LexiconGroup::default();
        let mut has_fr = false;
        for (key, value) in entries {
            let name = key.as_scalar().unwrap_or_default();
            let list = match name {
                "fr" => {
                    has_fr = true;
                    &mut group.fr
                }
                "en" => &mut group.en,
                "related" => &mut group.related,
                _ => return Err(unknown_key(file, key, name, &["fr", "en", "related"])),
            };
            *list = terms(file, name, value)?;
        }
        if !has_fr || group.fr.is_empty() {
            return Err(at(file, item, "a group needs `fr:`, a list of at least one French word (the first is the group's main word)"));
        }
        if group.fr.len() + group.en.len() + group.related.len() > MAX_TERMS_PER_GROUP {
            return Err(at(
                file,
                item,
                format!("a group holds at most {MAX_TERMS_PER_GROUP} words"),
            ));
        }
        groups.push(group);
    }
    Ok(groups)
}

fn terms(file: &Path, key: &str, node: &Node) -> Result<Vec<String>> {
    let items: Vec<&Node> = match &node.value {
        Value::Sequence(items) => items.iter().collect(),
        Value::Scalar { .. } if !node.is_null() => vec![node],
        _ => {
            return Err(at(
                file,
                node,
                format!("`{key}` must be a list of words: `{key}: [mot, autre mot]`"),
            ))
        }
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let Some(text) = item.as_scalar() else {
            return Err(at(
                file,
                item,
                format!(
                    "each entry of `{key}` must be a word or a phrase, not a list or a mapping"
                ),
            ));
        };
        let text = text.trim();
        if text.is_empty() {
            return Err(at(file, item, format!("an entry of `{key}` is empty")));
        }
        if text.chars().count() > MAX_TERM_CHARS {
            return Err(at(
                file,
                item,
                format!("an entry of `{key}` has more than {MAX_TERM_CHARS} characters"),
            ));
        }
        if text.chars().any(char::is_control) {
            return Err(at(
                file,
                item,
                format!("an entry of `{key}` holds a control character"),
            ));
        }
        out.push(text.to_string());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_hold_at_least_400_groups_with_english() {
        let l = Lexicon::defaults();
        assert!(l.groups.len() >= 400, "{}", l.groups.len());
        let with_en = l.groups.iter().filter(|g| !g.en.is_empty()).count();
        assert!(
            with_en * 10 >= l.groups.len() * 9,
            "{with_en} of {}",
            l.groups.len()
        );
    }

    #[test]
    fn an_instance_extends_or_replaces() {
        let base = Lexicon::defaults();
        let n = base.groups.len();
        let file = Path::new("vocabularies/lexicon.yaml");
        let extended = Lexicon::apply_text(
            base.clone(),
            "groups:\n  - fr: [tiers-lieu, epn]\n    en: [makerspace]\n",
            file,
        )
        .unwrap();
        assert_eq!(extended.groups.len(), n + 1);
        assert_eq!(extended.groups[n].en, vec!["makerspace"]);
        let replaced =
            Lexicon::apply_text(base, "mode: replace\ngroups:\n  - fr: [epn]\n", file).unwrap();
        assert_eq!(replaced.groups.len(), 1);
    }

    #[test]
    fn mistakes_are_reported_with_line_column_and_what_is_allowed() {
        let file = Path::new("vocabularies/lexicon.yaml");
        let err = |text: &str| {
            Lexicon::apply_text(Lexicon::default(), text, file)
                .unwrap_err()
                .to_string()
        };
        let e = err("groups:\n  - fr: [epn]\n    english: [hub]\n");
        assert!(
            e.starts_with("vocabularies/lexicon.yaml:3:5: unknown key `english`"),
            "{e}"
        );
        assert!(e.contains("allowed: fr, en, related"), "{e}");
        let e = err("groups:\n  - en: [hub]\n");
        assert!(
            e.starts_with("vocabularies/lexicon.yaml:2:") && e.contains("a group needs `fr:`"),
            "{e}"
        );
        let e = err("groups:\n  - fr: [[a, b]]\n");
        assert!(
            e.contains(":2:10: each entry of `fr` must be a word"),
            "{e}"
        );
        let e = err("mode: merge\n");
        assert!(
            e.contains(":1:7: `mode` must be `extend` or `replace`"),
            "{e}"
        );
        let e = err("grups: []\n");
        assert!(e.contains("did you mean `groups`?"), "{e}");
    }
}
