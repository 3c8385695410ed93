//! Content diagnostics: what is wrong in a contributor's file, where, and what is allowed.
//!
//! Every stage that reads content (load, front-matter, validate, links) reports problems as
//! [`Diagnostic`]s instead of failing fast, so that one build shows *all* the errors of *all* the
//! files at once. A diagnostic carries a structured [`Problem`]; its text is produced here, in one
//! place, in French or English (the instance's language), so the wording stays consistent and the
//! JSON and GitHub formats of `mallette check` can reuse the same data.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;

/// How bad a diagnostic is: errors fail the build (exit 1), warnings are only printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

pub use crate::i18n::Lang;

/// What is wrong. Each variant knows its message and its help text in both languages.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    NotUtf8,
    EmptyFile,
    NoFrontMatter,
    FrontMatterNotAtStart,
    UnclosedFrontMatter,
    YamlSyntax {
        detail: String,
    },
    YamlAlias,
    YamlTooDeep,
    FrontMatterNotMapping,
    DuplicateKey {
        key: String,
    },
    UnknownKey {
        key: String,
        suggestion: Option<String>,
        allowed: Vec<String>,
    },
    MissingField {
        field: String,
    },
    WrongType {
        field: String,
        /// What the field takes, as a catalog key `expected.<this>` (`string`, `list`…).
        expected: &'static str,
    },
    NotInVocabulary {
        field: String,
        value: String,
        suggestion: Option<String>,
        allowed: Vec<String>,
    },
    BadLength {
        field: String,
        min: usize,
        max: usize,
        actual: usize,
    },
    BadDuration {
        value: String,
    },
    DurationOutOfRange {
        minutes: u32,
    },
    BadParticipants {
        detail: String,
    },
    BadDate {
        field: String,
        value: String,
    },
    BadLanguage {
        value: String,
    },
    LanguageMismatch {
        file_lang: String,
        declared: String,
    },
    BadCompetence {
        value: String,
        suggestion: Option<String>,
    },
    LicenseNotAllowed {
        value: String,
        suggestion: Option<String>,
        allowed: Vec<String>,
    },
    EmptyList {
        field: String,
    },
    BadSlug {
        slug: String,
        suggestion: String,
    },
    DuplicateSlug {
        slug: String,
        other: String,
    },
    SlugTooLong {
        slug: String,
        max: usize,
    },
    /// `content/kits/index.md`: the kits folder itself cannot be a kit.
    KitsFolderIndex,
    /// A kit folder (`…/<slug>/index.md`) inside another kit's folder.
    NestedKit {
        outer: String,
    },
    /// A file with a kit's front-matter inside another kit's folder, where it would be published
    /// as an attachment.
    KitInKitFolder {
        kit: String,
    },
    /// A file of `content/` whose place in the site is a generated file's.
    OutputClash {
        file: String,
        site_path: String,
        owner: Owner,
    },
    /// An HTML file linked or beside a kit: it would run on the site's origin.
    HtmlAttachment {
        file: String,
    },
    LinkLeavesContent {
        target: String,
    },
    LinkTargetMissing {
        target: String,
        suggestion: Option<String>,
    },
    UnknownTranslationOf {
        slug: String,
    },
    /// A step of a learning path names no kit.
    UnknownKit {
        slug: String,
        suggestion: Option<String>,
    },
    RepeatedStep {
        slug: String,
    },
    ImageWithoutAlt,
    /// Lists, quotes or HTML elements of a body nested deeper than `max` levels.
    NestingTooDeep {
        max: usize,
    },
    BadCatalog {
        name: String,
        detail: String,
    },
    TooManyRemoteKits {
        kept: usize,
        skipped: usize,
    },
    InsecureLink {
        url: String,
    },
    MissingAnchor {
        target: String,
        anchor: String,
        suggestion: Option<String>,
    },
    StaleKit {
        updated: String,
        days: i64,
    },
    ExternalImage {
        url: String,
    },
    Io {
        detail: String,
    },
}

impl Problem {
    /// A short stable identifier, used by `check --format json`.
    pub fn code(&self) -> &'static str {
        match self {
            Problem::NotUtf8 => "not-utf8",
            Problem::EmptyFile => "empty-file",
            Problem::NoFrontMatter => "no-front-matter",
            Problem::FrontMatterNotAtStart => "front-matter-not-at-start",
            Problem::UnclosedFrontMatter => "unclosed-front-matter",
            Problem::YamlSyntax { .. } => "yaml-syntax",
            Problem::YamlAlias => "yaml-alias",
            Problem::YamlTooDeep => "yaml-too-deep",
            Problem::FrontMatterNotMapping => "front-matter-not-mapping",
            Problem::DuplicateKey { .. } => "duplicate-key",
            Problem::UnknownKey { .. } => "unknown-key",
            Problem::MissingField { .. } => "missing-field",
            Problem::WrongType { .. } => "wrong-type",
            Problem::NotInVocabulary { .. } => "not-in-vocabulary",
            Problem::BadLength { .. } => "bad-length",
            Problem::BadDuration { .. } => "bad-duration",
            Problem::DurationOutOfRange { .. } => "duration-out-of-range",
            Problem::BadParticipants { .. } => "bad-participants",
            Problem::BadDate { .. } => "bad-date",
            Problem::BadLanguage { .. } => "bad-language",
            Problem::LanguageMismatch { .. } => "language-mismatch",
            Problem::BadCompetence { .. } => "bad-competence",
            Problem::LicenseNotAllowed { .. } => "license-not-allowed",
            Problem::EmptyList { .. } => "empty-list",
            Problem::BadSlug { .. } => "bad-slug",
            Problem::DuplicateSlug { .. } => "duplicate-slug",
            Problem::SlugTooLong { .. } => "slug-too-long",
            Problem::KitsFolderIndex => "kits-folder-index",
            Problem::NestedKit { .. } => "nested-kit",
            Problem::KitInKitFolder { .. } => "kit-in-kit-folder",
            Problem::OutputClash { .. } => "output-clash",
            Problem::HtmlAttachment { .. } => "html-attachment",
            Problem::LinkLeavesContent { .. } => "link-leaves-content",
            Problem::LinkTargetMissing { .. } => "link-target-missing",
            Problem::UnknownTranslationOf { .. } => "unknown-translation-of",
            Problem::UnknownKit { .. } => "unknown-kit",
            Problem::RepeatedStep { .. } => "repeated-step",
            Problem::ExternalImage { .. } => "external-image",
            Problem::ImageWithoutAlt => "image-without-alt",
            Problem::NestingTooDeep { .. } => "nesting-too-deep",
            Problem::BadCatalog { .. } => "bad-catalog",
            Problem::TooManyRemoteKits { .. } => "too-many-remote-kits",
            Problem::InsecureLink { .. } => "insecure-link",
            Problem::MissingAnchor { .. } => "missing-anchor",
            Problem::StaleKit { .. } => "stale-kit",
            Problem::Io { .. } => "io",
        }
    }

    /// The message: what is wrong (catalog key `problem.<code>`).
    pub fn message(&self, lang: Lang) -> String {
        let key = format!("problem.{}", self.code());
        let message = match self {
            Problem::WrongType { field, expected } => {
                let expected = lang.text(&format!("expected.{expected}"));
                lang.format(&key, &[("field", field), ("expected", &expected)])
            }
            Problem::OutputClash {
                file,
                site_path,
                owner,
            } => {
                let owner = match owner {
                    Owner::Page(source) => lang.format("owner.kit-page", &[("file", source)]),
                    Owner::Archive(source) => lang.format("owner.kit-archive", &[("file", source)]),
                    Owner::Generated => lang.text("owner.generated").to_string(),
                };
                lang.format(
                    &key,
                    &[("file", file), ("site_path", site_path), ("owner", &owner)],
                )
            }
            Problem::TooManyRemoteKits { kept, skipped } => lang.format(
                &key,
                &[
                    ("kept", &lang.count("kits-kept", *kept)),
                    ("skipped", &lang.count("kits-skipped", *skipped)),
                ],
            ),
            Problem::StaleKit { updated, days } => lang.format(
                &key,
                &[
                    ("updated", updated),
                    ("days", &lang.count("days", (*days).max(0) as usize)),
                ],
            ),
            _ => {
                let args = self.args();
                let args: Vec<(&str, &dyn std::fmt::Display)> = args
                    .iter()
                    .map(|(name, value)| (*name, value as &dyn std::fmt::Display))
                    .collect();
                lang.format(&key, &args)
            }
        };
        printable(&message)
    }

    /// The values a message names, by placeholder.
    fn args(&self) -> Vec<(&'static str, String)> {
        let s = |v: &str| v.to_string();
        match self {
            Problem::YamlSyntax { detail }
            | Problem::BadParticipants { detail }
            | Problem::Io { detail } => vec![("detail", s(detail))],
            Problem::DuplicateKey { key } | Problem::UnknownKey { key, .. } => {
                vec![("key", s(key))]
            }
            Problem::MissingField { field } | Problem::EmptyList { field } => {
                vec![("field", s(field))]
            }
            Problem::WrongType { field, expected } => {
                vec![("field", s(field)), ("expected", s(expected))]
            }
            Problem::NotInVocabulary { field, value, .. } | Problem::BadDate { field, value } => {
                vec![("field", s(field)), ("value", s(value))]
            }
            Problem::BadLength {
                field,
                min,
                max,
                actual,
            } => vec![
                ("field", s(field)),
                ("min", min.to_string()),
                ("max", max.to_string()),
                ("actual", actual.to_string()),
            ],
            Problem::BadDuration { value }
            | Problem::BadLanguage { value }
            | Problem::BadCompetence { value, .. }
            | Problem::LicenseNotAllowed { value, .. } => vec![("value", s(value))],
            Problem::DurationOutOfRange { minutes } => vec![("minutes", minutes.to_string())],
            Problem::LanguageMismatch {
                file_lang,
                declared,
            } => vec![("file_lang", s(file_lang)), ("declared", s(declared))],
            Problem::BadSlug { slug, .. } => vec![("slug", s(slug))],
            Problem::DuplicateSlug { slug, other } => vec![("slug", s(slug)), ("other", s(other))],
            Problem::SlugTooLong { slug, max } => vec![
                ("slug", s(slug)),
                ("max", max.to_string()),
                ("length", slug.len().to_string()),
            ],
            Problem::NestedKit { outer } => vec![("outer", s(outer))],
            Problem::KitInKitFolder { kit } => vec![("kit", s(kit))],
            Problem::OutputClash {
                file, site_path, ..
            } => vec![("file", s(file)), ("site_path", s(site_path))],
            Problem::HtmlAttachment { file } => vec![("file", s(file))],
            Problem::LinkLeavesContent { target } | Problem::LinkTargetMissing { target, .. } => {
                vec![("target", s(target))]
            }
            Problem::UnknownTranslationOf { slug }
            | Problem::UnknownKit { slug, .. }
            | Problem::RepeatedStep { slug } => vec![("slug", s(slug))],
            Problem::BadCatalog { name, detail } => vec![("name", s(name)), ("detail", s(detail))],
            Problem::NestingTooDeep { max } => vec![("max", max.to_string())],
            Problem::InsecureLink { url } | Problem::ExternalImage { url } => vec![("url", s(url))],
            Problem::MissingAnchor { target, anchor, .. } => {
                vec![("target", s(target)), ("anchor", s(anchor))]
            }
            Problem::NotUtf8
            | Problem::EmptyFile
            | Problem::NoFrontMatter
            | Problem::FrontMatterNotAtStart
            | Problem::UnclosedFrontMatter
            | Problem::YamlAlias
            | Problem::YamlTooDeep
            | Problem::FrontMatterNotMapping
            | Problem::ImageWithoutAlt
            | Problem::KitsFolderIndex
            // Counted in `message`, by the language's plural rule.
            | Problem::TooManyRemoteKits { .. }
            | Problem::StaleKit { .. } => Vec::new(),
        }
    }

    /// What is allowed, or what to do instead (catalog keys `help.…`).
    pub fn help(&self, lang: Lang) -> Option<String> {
        self.help_text(lang).map(|help| printable(&help))
    }

    fn help_text(&self, lang: Lang) -> Option<String> {
        let text = |key: &str| lang.text(key).to_string();
        let allowed_list = |allowed: &[String]| {
            let list = allowed
                .iter()
                .map(|a| format!("`{a}`"))
                .collect::<Vec<_>>()
                .join(", ");
            lang.format("help.allowed-values", &[("list", &list)])
        };
        // "did you mean `x`? (rest)" when there is a likely intended value, else just the rest.
        let with_suggestion = |suggestion: &Option<String>, rest: String| match suggestion {
            Some(s) => {
                let did_you_mean = lang.format("help.did-you-mean", &[("suggestion", s)]);
                lang.format(
                    "help.suggestion-and",
                    &[("did_you_mean", &did_you_mean), ("rest", &rest)],
                )
            }
            None => rest,
        };
        Some(match self {
            Problem::NoFrontMatter
            | Problem::UnclosedFrontMatter
            | Problem::FrontMatterNotAtStart => text("help.front-matter"),
            Problem::EmptyFile => text("help.empty-file"),
            Problem::NotUtf8 => text("help.not-utf8"),
            Problem::YamlAlias => text("help.yaml-alias"),
            Problem::YamlSyntax { .. } => text("help.yaml-syntax"),
            Problem::UnknownKey {
                suggestion,
                allowed,
                ..
            } => {
                let keys = allowed.join(", ");
                with_suggestion(
                    suggestion,
                    lang.format("help.known-keys", &[("keys", &keys)]),
                )
            }
            Problem::NotInVocabulary {
                suggestion,
                allowed,
                ..
            }
            | Problem::LicenseNotAllowed {
                suggestion,
                allowed,
                ..
            } => with_suggestion(suggestion, allowed_list(allowed)),
            Problem::BadDuration { .. } | Problem::DurationOutOfRange { .. } => {
                text("help.duration")
            }
            Problem::BadParticipants { .. } => text("help.bad-participants"),
            Problem::BadDate { .. } => text("help.bad-date"),
            Problem::BadLanguage { .. } | Problem::LanguageMismatch { .. } => text("help.language"),
            Problem::BadCompetence { suggestion, .. } => {
                with_suggestion(suggestion, text("help.bad-competence"))
            }
            Problem::BadSlug { suggestion, .. } => {
                lang.format("help.bad-slug", &[("suggestion", suggestion)])
            }
            Problem::DuplicateSlug { .. } => text("help.duplicate-slug"),
            Problem::SlugTooLong { .. } => text("help.slug-too-long"),
            Problem::KitsFolderIndex | Problem::NestedKit { .. } => text("help.kit-folder"),
            Problem::KitInKitFolder { .. } => text("help.kit-in-kit-folder"),
            Problem::OutputClash { .. } => text("help.output-clash"),
            Problem::HtmlAttachment { .. } => text("help.html-attachment"),
            Problem::LinkLeavesContent { .. } => text("help.link-leaves-content"),
            Problem::LinkTargetMissing { suggestion, .. } => {
                with_suggestion(suggestion, text("help.link-target-missing"))
            }
            Problem::WrongType { .. }
            | Problem::MissingField { .. }
            | Problem::EmptyList { .. } => text("help.template"),
            Problem::ImageWithoutAlt => text("help.image-without-alt"),
            Problem::InsecureLink { url } => {
                let secure = url.replacen("http://", "https://", 1);
                lang.format("help.insecure-link", &[("secure", &secure)])
            }
            Problem::MissingAnchor { suggestion, .. } => {
                with_suggestion(suggestion, text("help.missing-anchor"))
            }
            Problem::StaleKit { .. } => text("help.stale-kit"),
            Problem::UnknownKit { suggestion, .. } => {
                with_suggestion(suggestion, text("help.unknown-kit"))
            }
            Problem::RepeatedStep { .. } => text("help.repeated-step"),
            Problem::TooManyRemoteKits { .. } => text("help.too-many-remote-kits"),
            Problem::ExternalImage { .. } => text("help.external-image"),
            Problem::NestingTooDeep { .. } => text("help.nesting-too-deep"),
            _ => return None,
        })
    }
}

/// `text` with every control character written as an escape (`\u{a}`): a value from a file
/// (a remote catalog's title, a YAML key) can never start a new line in a terminal or a CI log,
/// where `\n::error …` would forge a GitHub Actions command, nor move the cursor.
pub fn printable(text: &str) -> String {
    if !text.chars().any(char::is_control) {
        return text.to_string();
    }
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// What writes a file of the built site.
#[derive(Debug, Clone, PartialEq)]
pub enum Owner {
    /// The page of the kit or page whose source is this file.
    Page(String),
    /// The `.zip` of the kit whose source is this file.
    Archive(String),
    /// mallette itself (home page, feeds, search files, theme files…).
    Generated,
}

/// One problem at one place of one file.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path relative to the instance root (`content/kits/x.md`), for display.
    pub file: PathBuf,
    /// 1-based line and column (0 when the problem concerns the whole file).
    pub line: usize,
    pub column: usize,
    pub problem: Problem,
}

impl Diagnostic {
    pub fn error(file: &Path, line: usize, column: usize, problem: Problem) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            file: file.to_path_buf(),
            line,
            column,
            problem,
        }
    }

    pub fn warning(file: &Path, line: usize, column: usize, problem: Problem) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            file: file.to_path_buf(),
            line,
            column,
            problem,
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `content/kits/x.md:3:1`
    pub fn location(&self) -> String {
        let file = self.file.display();
        if self.line == 0 {
            format!("{file}")
        } else {
            format!("{file}:{}:{}", self.line, self.column.max(1))
        }
    }

    /// The human form: `error: file:line:col: message` then the source line and the help.
    pub fn render_human(&self, lang: Lang, source: Option<&str>) -> String {
        self.render_styled(lang, source, &|_, text| text.to_string())
    }

    /// [`render_human`](Self::render_human), each [`Part`] passed through `paint` (a terminal
    /// colours them; the characters between the parts are the same).
    pub fn render_styled(&self, lang: Lang, source: Option<&str>, paint: Paint) -> String {
        let label = lang.text(match self.severity {
            Severity::Error => "severity.error",
            Severity::Warning => "severity.warning",
        });
        let mut out = format!(
            "{}: {}: {}\n",
            paint(Part::Label(self.severity), label),
            paint(Part::Location, &self.location()),
            self.problem.message(lang)
        );
        if let Some(full_line) = source.and_then(|s| s.lines().nth(self.line.wrapping_sub(1))) {
            let number = self.line.to_string();
            let pad = " ".repeat(number.len());
            // A very long line (a hostile 10 MB body) is shown as a window around the column.
            const WIDTH: usize = 120;
            let column = self.column.saturating_sub(1);
            let skip = column.saturating_sub(WIDTH / 2);
            let mut line_text: String = full_line.chars().skip(skip).take(WIDTH).collect();
            let mut caret_pad: String = line_text
                .chars()
                .take(column - skip)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            if skip > 0 {
                line_text.insert(0, '…');
                caret_pad.insert(0, ' ');
            }
            if full_line.chars().nth(skip + WIDTH).is_some() {
                line_text.push('…');
            }
            let gutter = |left: &str| paint(Part::Gutter, &format!(" {left} |"));
            let _ = writeln!(out, "{}", gutter(&pad));
            let _ = writeln!(out, "{} {line_text}", gutter(&number));
            let caret = paint(Part::Caret(self.severity), "^");
            let _ = writeln!(out, "{} {caret_pad}{caret}", gutter(&pad));
        }
        if let Some(help) = self.problem.help(lang) {
            let label = paint(Part::Help, &format!("= {}", lang.text("diagnostic.help")));
            let _ = writeln!(out, "  {label}: {help}");
        }
        out
    }
}

/// The parts of a diagnostic's human form that a terminal may style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// `erreur` / `avertissement`.
    Label(Severity),
    /// `file:line:col`.
    Location,
    /// The line number and the bar before the source line.
    Gutter,
    /// The `^` under the column.
    Caret(Severity),
    /// `= aide`.
    Help,
}

/// How a part is written: the plain text, or with a terminal's escape codes around it.
pub type Paint<'a> = &'a dyn Fn(Part, &str) -> String;

/// Diagnostics for people, each with its source line (`sources`: file → text).
pub fn render_all(
    diagnostics: &[Diagnostic],
    sources: &std::collections::HashMap<String, String>,
    lang: Lang,
) -> String {
    render_all_styled(diagnostics, sources, lang, &|_, text| text.to_string())
}

/// [`render_all`], each [`Part`] passed through `paint`.
pub fn render_all_styled(
    diagnostics: &[Diagnostic],
    sources: &std::collections::HashMap<String, String>,
    lang: Lang,
    paint: Paint,
) -> String {
    diagnostics
        .iter()
        .map(|diagnostic| {
            let source = sources
                .get(&diagnostic.file.to_string_lossy().to_string())
                .map(String::as_str);
            diagnostic.render_styled(lang, source, paint)
        })
        .collect()
}

/// The closest candidate to `input`, if it is close enough to be a likely typo.
pub fn closest<'a, I: IntoIterator<Item = &'a str>>(input: &str, candidates: I) -> Option<String> {
    let input_lower = input.to_lowercase();
    candidates
        .into_iter()
        .map(|c| {
            (
                strsim::damerau_levenshtein(&input_lower, &c.to_lowercase()),
                c,
            )
        })
        .filter(|(distance, c)| {
            let limit = (c.chars().count().max(input.chars().count()) / 3).max(1);
            *distance <= limit
        })
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, c)| c.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_finds_plural_and_accent_typos() {
        assert_eq!(
            closest("audience", ["audiences", "themes", "level"]).as_deref(),
            Some("audiences")
        );
        assert_eq!(
            closest("intermediare", ["debutant", "intermediaire", "avance"]).as_deref(),
            Some("intermediaire")
        );
        assert_eq!(closest("zzzz", ["audiences", "themes"]), None);
    }
}
