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

/// Interface language of messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Fr,
    En,
}

impl Lang {
    pub fn from_code(code: &str) -> Lang {
        if code.starts_with("fr") {
            Lang::Fr
        } else {
            Lang::En
        }
    }
}

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
    LinkLeavesContent {
        target: String,
    },
    LinkTargetMissing {
        target: String,
        suggestion: Option<String>,
    },
    LinkToSymlink {
        target: String,
    },
    UnknownTranslationOf {
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
            Problem::LinkLeavesContent { .. } => "link-leaves-content",
            Problem::LinkTargetMissing { .. } => "link-target-missing",
            Problem::LinkToSymlink { .. } => "link-to-symlink",
            Problem::UnknownTranslationOf { .. } => "unknown-translation-of",
            Problem::ExternalImage { .. } => "external-image",
            Problem::ImageWithoutAlt => "image-without-alt",
            Problem::NestingTooDeep { .. } => "nesting-too-deep",
            Problem::BadCatalog { .. } => "bad-catalog",
            Problem::InsecureLink { .. } => "insecure-link",
            Problem::MissingAnchor { .. } => "missing-anchor",
            Problem::StaleKit { .. } => "stale-kit",
            Problem::Io { .. } => "io",
        }
    }

    /// The message: what is wrong.
    pub fn message(&self, lang: Lang) -> String {
        let fr = lang == Lang::Fr;
        match self {
            Problem::NotUtf8 => pick(
                fr,
                "le fichier n'est pas en UTF-8 valide",
                "the file is not valid UTF-8",
            ),
            Problem::EmptyFile => pick(fr, "le fichier est vide", "the file is empty"),
            Problem::NoFrontMatter => pick(
                fr,
                "pas d'en-tête YAML : le fichier doit commencer par une ligne `---`",
                "no front-matter: the file must start with a `---` line",
            ),
            Problem::FrontMatterNotAtStart => pick(
                fr,
                "l'en-tête YAML doit commencer à la toute première ligne du fichier",
                "the front-matter must start on the very first line of the file",
            ),
            Problem::UnclosedFrontMatter => pick(
                fr,
                "l'en-tête YAML n'est jamais fermé par une ligne `---`",
                "the front-matter is never closed by a `---` line",
            ),
            Problem::YamlSyntax { detail } => {
                if fr {
                    format!("YAML invalide : {detail}")
                } else {
                    format!("invalid YAML: {detail}")
                }
            }
            Problem::YamlAlias => pick(
                fr,
                "les ancres et alias YAML (`&` et `*`) ne sont pas acceptés dans l'en-tête",
                "YAML anchors and aliases (`&` and `*`) are not allowed in front-matter",
            ),
            Problem::YamlTooDeep => pick(
                fr,
                "l'en-tête YAML est trop imbriqué",
                "the front-matter is nested too deeply",
            ),
            Problem::FrontMatterNotMapping => pick(
                fr,
                "l'en-tête doit être une liste de clés `clé: valeur`",
                "the front-matter must be a mapping of `key: value` pairs",
            ),
            Problem::DuplicateKey { key } => {
                if fr {
                    format!("la clé `{key}` apparaît deux fois")
                } else {
                    format!("the key `{key}` appears twice")
                }
            }
            Problem::UnknownKey { key, .. } => {
                if fr {
                    format!("clé inconnue `{key}`")
                } else {
                    format!("unknown key `{key}`")
                }
            }
            Problem::MissingField { field } => {
                if fr {
                    format!("le champ obligatoire `{field}` manque")
                } else {
                    format!("the required field `{field}` is missing")
                }
            }
            Problem::WrongType { field, expected } => {
                if fr {
                    format!("`{field}` doit être {}", expected_fr(expected))
                } else {
                    format!("`{field}` must be {expected}")
                }
            }
            Problem::NotInVocabulary { field, value, .. } => {
                if fr {
                    format!("`{value}` n'est pas une valeur autorisée pour `{field}`")
                } else {
                    format!("`{value}` is not an allowed value for `{field}`")
                }
            }
            Problem::BadLength {
                field,
                min,
                max,
                actual,
            } => {
                if fr {
                    format!(
                        "`{field}` doit faire de {min} à {max} caractères (il en fait {actual})"
                    )
                } else {
                    format!("`{field}` must be {min} to {max} characters long (it has {actual})")
                }
            }
            Problem::BadDuration { value } => {
                if fr {
                    format!("durée illisible `{value}`")
                } else {
                    format!("unreadable duration `{value}`")
                }
            }
            Problem::DurationOutOfRange { minutes } => {
                if fr {
                    format!("la durée ({minutes} min) doit être comprise entre 5 et 2880 minutes")
                } else {
                    format!("the duration ({minutes} min) must be between 5 and 2880 minutes")
                }
            }
            Problem::BadParticipants { detail } => {
                if fr {
                    format!("`participants` invalide : {detail}")
                } else {
                    format!("invalid `participants`: {detail}")
                }
            }
            Problem::BadDate { field, value } => {
                if fr {
                    format!("`{field}` : date invalide `{value}`")
                } else {
                    format!("`{field}`: invalid date `{value}`")
                }
            }
            Problem::BadLanguage { value } => {
                if fr {
                    format!("code de langue invalide `{value}`")
                } else {
                    format!("invalid language tag `{value}`")
                }
            }
            Problem::LanguageMismatch {
                file_lang,
                declared,
            } => {
                if fr {
                    format!("le nom du fichier indique la langue `{file_lang}` mais l'en-tête déclare `{declared}`")
                } else {
                    format!("the file name says language `{file_lang}` but the front-matter declares `{declared}`")
                }
            }
            Problem::BadCompetence { value, .. } => {
                if fr {
                    format!("compétence inconnue `{value}`")
                } else {
                    format!("unknown competence `{value}`")
                }
            }
            Problem::LicenseNotAllowed { value, .. } => {
                if fr {
                    format!("la licence `{value}` n'est pas autorisée sur ce wiki")
                } else {
                    format!("the licence `{value}` is not allowed on this wiki")
                }
            }
            Problem::EmptyList { field } => {
                if fr {
                    format!("`{field}` doit contenir au moins une valeur")
                } else {
                    format!("`{field}` must hold at least one value")
                }
            }
            Problem::BadSlug { slug, .. } => {
                if fr {
                    format!("nom de fichier `{slug}` invalide pour un identifiant de kit")
                } else {
                    format!("`{slug}` is not a valid kit identifier")
                }
            }
            Problem::DuplicateSlug { slug, other } => {
                if fr {
                    format!("l'identifiant `{slug}` est déjà utilisé par {other}")
                } else {
                    format!("the slug `{slug}` is already used by {other}")
                }
            }
            Problem::LinkLeavesContent { target } => {
                if fr {
                    format!(
                        "le lien `{target}` sort du dossier content/ : il ne sera ni lu ni copié"
                    )
                } else {
                    format!("the link `{target}` leaves the content/ folder: it is never read nor copied")
                }
            }
            Problem::LinkTargetMissing { target, .. } => {
                if fr {
                    format!("le lien `{target}` pointe vers un fichier qui n'existe pas")
                } else {
                    format!("the link `{target}` points to a file that does not exist")
                }
            }
            Problem::LinkToSymlink { target } => {
                if fr {
                    format!(
                        "le lien `{target}` pointe vers un lien symbolique, qui n'est jamais copié"
                    )
                } else {
                    format!("the link `{target}` points to a symbolic link, which is never copied")
                }
            }
            Problem::UnknownTranslationOf { slug } => {
                if fr {
                    format!("`translation_of` : aucun kit `{slug}`")
                } else {
                    format!("`translation_of`: no kit `{slug}`")
                }
            }
            Problem::BadCatalog { name, detail } => {
                if fr {
                    format!("catalogue fédéré « {name} » ignoré : {detail}")
                } else {
                    format!("federated catalog “{name}” skipped: {detail}")
                }
            }
            Problem::ImageWithoutAlt => pick(
                fr,
                "image sans texte alternatif",
                "image without alternative text",
            ),
            Problem::NestingTooDeep { max } => {
                if fr {
                    format!(
                        "listes, citations ou balises HTML imbriquées sur plus de {max} niveaux"
                    )
                } else {
                    format!("lists, quotes or HTML elements nested more than {max} levels deep")
                }
            }
            Problem::InsecureLink { url } => {
                if fr {
                    format!("lien non chiffré `{url}`")
                } else {
                    format!("unencrypted link `{url}`")
                }
            }
            Problem::MissingAnchor { target, anchor, .. } => {
                if fr {
                    format!("le lien `{target}` vise la section `#{anchor}`, qui n'existe pas")
                } else {
                    format!("the link `{target}` points to the section `#{anchor}`, which does not exist")
                }
            }
            Problem::StaleKit { updated, days } => {
                if fr {
                    format!(
                        "kit non mis à jour depuis {days} jours (dernière mise à jour : {updated})"
                    )
                } else {
                    format!("kit not updated for {days} days (last update: {updated})")
                }
            }
            Problem::ExternalImage { url } => {
                if fr {
                    format!("l'image `{url}` vient d'un autre site : elle est remplacée par un lien (aucune ressource externe)")
                } else {
                    format!("the image `{url}` comes from another site: it is replaced by a link (no external resource)")
                }
            }
            Problem::Io { detail } => {
                if fr {
                    format!("lecture impossible : {detail}")
                } else {
                    format!("cannot read: {detail}")
                }
            }
        }
    }

    /// What is allowed, or what to do instead.
    pub fn help(&self, lang: Lang) -> Option<String> {
        let fr = lang == Lang::Fr;
        let did_you_mean = |s: &str| {
            if fr {
                format!("vouliez-vous dire `{s}` ?")
            } else {
                format!("did you mean `{s}`?")
            }
        };
        let allowed_list = |allowed: &[String]| {
            let list = allowed
                .iter()
                .map(|a| format!("`{a}`"))
                .collect::<Vec<_>>()
                .join(", ");
            if fr {
                format!("valeurs autorisées : {list}")
            } else {
                format!("allowed values: {list}")
            }
        };
        let with_suggestion = |suggestion: &Option<String>, rest: String| match suggestion {
            Some(s) => format!("{} ({rest})", did_you_mean(s)),
            None => rest,
        };
        Some(match self {
            Problem::NoFrontMatter | Problem::UnclosedFrontMatter | Problem::FrontMatterNotAtStart => pick(
                fr,
                "un kit commence par `---`, les champs (title, summary, themes…), puis une ligne `---`",
                "a kit starts with `---`, its fields (title, summary, themes…), then a `---` line",
            ),
            Problem::EmptyFile => pick(
                fr,
                "créez le kit avec `mallette new \"Titre du kit\"` pour partir d'un modèle",
                "create the kit with `mallette new \"Kit title\"` to start from a template",
            ),
            Problem::NotUtf8 => pick(fr, "enregistrez le fichier en UTF-8", "save the file as UTF-8"),
            Problem::YamlAlias => pick(fr, "écrivez les valeurs en entier", "write the values out in full"),
            Problem::YamlSyntax { .. } => pick(
                fr,
                "vérifiez les crochets [ ], les guillemets et l'indentation près de cette ligne ou de la précédente",
                "check brackets [ ], quotes and indentation near this line or the one before",
            ),
            Problem::UnknownKey { suggestion, allowed, .. } => {
                let keys = allowed.join(", ");
                let rest = if fr { format!("clés connues : {keys}") } else { format!("known keys: {keys}") };
                with_suggestion(suggestion, rest)
            }
            Problem::NotInVocabulary { suggestion, allowed, .. } => with_suggestion(suggestion, allowed_list(allowed)),
            Problem::LicenseNotAllowed { suggestion, allowed, .. } => with_suggestion(suggestion, allowed_list(allowed)),
            Problem::BadDuration { .. } | Problem::DurationOutOfRange { .. } => pick(
                fr,
                "écrivez un nombre de minutes (`90`) ou une durée comme `1h30`, `45min`, `2h`",
                "write a number of minutes (`90`) or a duration such as `1h30`, `45min`, `2h`",
            ),
            Problem::BadParticipants { .. } => pick(
                fr,
                "écrivez `participants: {min: 4, max: 12}` avec 1 ≤ min ≤ max",
                "write `participants: {min: 4, max: 12}` with 1 ≤ min ≤ max",
            ),
            Problem::BadDate { .. } => pick(fr, "format attendu : AAAA-MM-JJ", "expected format: YYYY-MM-DD"),
            Problem::BadLanguage { .. } | Problem::LanguageMismatch { .. } => {
                pick(fr, "par exemple `fr`, `en`, `fr-BE`", "for example `fr`, `en`, `fr-BE`")
            }
            Problem::BadCompetence { suggestion, .. } => with_suggestion(
                suggestion,
                pick(
                    fr,
                    "forme `pix:1.1` (Pix 1.1 à 5.2) ou `digcomp:2.3` (DigComp 1.1 à 5.4)",
                    "form `pix:1.1` (Pix 1.1 to 5.2) or `digcomp:2.3` (DigComp 1.1 to 5.4)",
                ),
            ),
            Problem::BadSlug { suggestion, .. } => {
                if fr {
                    format!("lettres minuscules sans accents, chiffres et tirets, par exemple `{suggestion}`")
                } else {
                    format!("lower-case letters without accents, digits and hyphens, e.g. `{suggestion}`")
                }
            }
            Problem::DuplicateSlug { .. } => pick(
                fr,
                "chaque kit doit avoir un nom de fichier (ou de dossier) unique",
                "every kit needs a unique file (or folder) name",
            ),
            Problem::LinkLeavesContent { .. } => pick(
                fr,
                "placez le fichier à côté du kit, dans content/",
                "put the file next to the kit, inside content/",
            ),
            Problem::LinkTargetMissing { suggestion, .. } => with_suggestion(
                suggestion,
                pick(
                    fr,
                    "vérifiez le chemin relatif (par rapport au fichier du kit) et la casse",
                    "check the relative path (from the kit's file) and the letter case",
                ),
            ),
            Problem::WrongType { .. } | Problem::MissingField { .. } | Problem::EmptyList { .. } => pick(
                fr,
                "voir le modèle de kit : `mallette new \"Titre\"`",
                "see the kit template: `mallette new \"Title\"`",
            ),
            Problem::ImageWithoutAlt => pick(
                fr,
                "décrivez l'image entre les crochets : ![Capture de l'écran d'accueil](image.png)",
                "describe the image between the brackets: ![Home screen capture](image.png)",
            ),
            Problem::InsecureLink { url } => {
                let secure = url.replacen("http://", "https://", 1);
                if fr {
                    format!("utilisez `{secure}` si le site le permet")
                } else {
                    format!("use `{secure}` if the site supports it")
                }
            }
            Problem::MissingAnchor { suggestion, .. } => with_suggestion(
                suggestion,
                pick(
                    fr,
                    "l'ancre est le titre de la section en minuscules, sans accents, avec des tirets",
                    "the anchor is the section title in lower case, without accents, with hyphens",
                ),
            ),
            Problem::StaleKit { .. } => pick(
                fr,
                "relisez le kit et mettez à jour `updated`",
                "review the kit and update `updated`",
            ),
            Problem::ExternalImage { .. } => pick(
                fr,
                "téléchargez l'image et placez-la à côté du kit",
                "download the image and put it next to the kit",
            ),
            Problem::NestingTooDeep { .. } => pick(
                fr,
                "mettez les sous-parties à plat, sous des intertitres `###`",
                "flatten the sub-parts under `###` headings",
            ),
            _ => return None,
        })
    }
}

fn pick(fr: bool, fr_text: &str, en_text: &str) -> String {
    if fr { fr_text } else { en_text }.to_string()
}

fn expected_fr(expected: &str) -> &str {
    match expected {
        "a string" => "un texte",
        "a list of values" => "une liste de valeurs",
        "a value" => "une valeur simple",
        "true or false" => "`true` ou `false`",
        "a mapping {min, max}" => "de la forme {min, max}",
        "a date" => "une date",
        other => other,
    }
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
        let label = match (self.severity, lang) {
            (Severity::Error, Lang::Fr) => "erreur",
            (Severity::Error, Lang::En) => "error",
            (Severity::Warning, Lang::Fr) => "avertissement",
            (Severity::Warning, Lang::En) => "warning",
        };
        let mut out = format!(
            "{label}: {}: {}\n",
            self.location(),
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
            let _ = writeln!(out, " {pad} |");
            let _ = writeln!(out, " {number} | {line_text}");
            let _ = writeln!(out, " {pad} | {caret_pad}^");
        }
        if let Some(help) = self.problem.help(lang) {
            let word = if lang == Lang::Fr { "aide" } else { "help" };
            let _ = writeln!(out, "  = {word}: {help}");
        }
        out
    }
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
