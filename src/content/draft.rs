//! A kit written from values rather than by hand: by `mallette new` (from example values) and by
//! the contribution form of the site (from what a contributor typed, in the browser, through the
//! validator module). Both write the file the same way — [`KitDraft::to_text`] — and check it with
//! the very validation `mallette check` runs ([`check_text`]), so a proposal that the form accepts
//! passes the repository's CI.

use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::frontmatter;
use crate::vocabulary::Vocabularies;

/// One step of the timed plan.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Step {
    /// `10`, `10 min`, `1h`.
    pub duration: String,
    pub title: String,
    pub description: String,
}

/// Everything a new kit file holds.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct KitDraft {
    pub title: String,
    pub summary: String,
    pub themes: Vec<String>,
    pub audiences: Vec<String>,
    pub level: String,
    pub duration: String,
    /// `(min, max)` as typed.
    pub participants: Option<(String, String)>,
    pub formats: Vec<String>,
    pub competences: Vec<String>,
    pub prerequisites: Vec<String>,
    pub materials: Vec<String>,
    pub accessibility: Vec<String>,
    pub license: String,
    pub authors: Vec<String>,
    /// Empty: the site's language.
    pub language: String,
    /// `YYYY-MM-DD`.
    pub created: String,
    // The body, section by section.
    pub objectives: String,
    pub audience_and_prerequisites: String,
    pub materials_text: String,
    pub preparation: String,
    pub steps: Vec<Step>,
    pub adaptations: String,
    pub watch_out: String,
    pub further: String,
}

/// A YAML double-quoted string (a JSON string is one).
fn quoted(text: &str) -> String {
    serde_json::to_string(text.trim()).unwrap_or_else(|_| "\"\"".into())
}

fn list(values: &[String]) -> String {
    let items: Vec<String> = values
        .iter()
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .map(|v| {
            if v.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                v.to_string()
            } else {
                quoted(v)
            }
        })
        .collect();
    format!("[{}]", items.join(", "))
}

/// A Markdown table cell: one line, no `|`.
fn cell(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "/")
}

impl KitDraft {
    /// The kit `mallette new` starts from: every field holds a valid example of the instance's
    /// vocabularies, every section a hint.
    pub fn example(
        title: &str,
        theme: &str,
        config: &Config,
        vocabularies: &Vocabularies,
        today: &str,
    ) -> KitDraft {
        let license = config
            .licenses
            .first()
            .cloned()
            .unwrap_or_else(|| "CC-BY-SA-4.0".into());
        let step = |title: &str, minutes: &str| Step {
            duration: minutes.into(),
            title: title.into(),
            description: String::new(),
        };
        KitDraft {
            title: title.into(),
            summary: "Ce que les participants sauront faire à la fin de l'atelier.".into(),
            themes: vec![theme.into()],
            audiences: vec![first(vocabularies, "audiences", "adultes")],
            level: first(vocabularies, "levels", "debutant"),
            duration: "1h30".into(),
            participants: Some(("4".into(), "12".into())),
            formats: vec![first(vocabularies, "formats", "atelier-collectif")],
            competences: vec![first(vocabularies, "competences", "pix:4.2")],
            prerequisites: Vec::new(),
            materials: vec![first(vocabularies, "materials", "ordinateurs")],
            accessibility: Vec::new(),
            license,
            authors: vec!["Votre nom ou celui de votre structure".into()],
            language: String::new(),
            created: today.to_string(),
            objectives:
                "- Ce que les participants comprennent.\n- Ce qu'ils savent faire en repartant."
                    .into(),
            audience_and_prerequisites:
                "À qui s'adresse l'atelier, ce qu'il faut savoir faire avant.".into(),
            materials_text: "- Ce qu'il faut préparer, imprimer, installer.".into(),
            preparation: String::new(),
            steps: vec![
                step("Accueil et tour de table", "10"),
                step("Découverte", "30"),
                step("Mise en pratique", "40"),
                step("Bilan", "10"),
            ],
            adaptations: "Selon le public, sans vidéoprojecteur, avec une connexion faible…".into(),
            watch_out: "Les pièges à éviter.".into(),
            further: "Des ressources pour les participants et pour l'animateur ou l'animatrice."
                .into(),
        }
    }

    /// The kit's file name in `content/kits/`.
    pub fn file_name(&self) -> String {
        let slug = crate::slug::slugify(&self.title);
        let max = crate::load::MAX_SLUG_BYTES;
        let slug = if slug.len() > max {
            let cut = &slug[..max];
            cut.rsplit_once('-')
                .map_or(cut, |(head, _)| head)
                .to_string()
        } else {
            slug
        };
        format!(
            "{}.md",
            if slug.is_empty() {
                "nouveau-kit"
            } else {
                &slug
            }
        )
    }

    /// The kit file: the front-matter, each field with the allowed values in a comment above it,
    /// then the body in the recommended sections.
    pub fn to_text(&self, config: &Config, vocabularies: &Vocabularies) -> String {
        let allowed = |key: &str| vocabularies.get(key).slugs().join(", ");
        let mut out = String::from("---\n");
        let mut field = |comment: Option<String>, line: String| {
            if let Some(comment) = comment {
                out.push_str(&format!("# {comment}\n"));
            }
            out.push_str(&line);
            out.push('\n');
        };
        field(None, format!("title: {}", quoted(&self.title)));
        field(
            Some("Une ou deux phrases (300 caractères au plus), montrées dans les listes et la recherche.".into()),
            format!("summary: {}", quoted(&self.summary)),
        );
        field(
            Some(format!("Thèmes : {}", allowed("themes"))),
            format!("themes: {}", list(&self.themes)),
        );
        field(
            Some(format!("Publics : {}", allowed("audiences"))),
            format!("audiences: {}", list(&self.audiences)),
        );
        field(
            Some(format!("Niveau : {}", allowed("levels"))),
            format!("level: {}", self.level.trim()),
        );
        field(
            Some("Durée : minutes (90) ou \"1h30\", \"45min\" ; de 5 à 2880 minutes.".into()),
            format!("duration: {}", quoted(&self.duration)),
        );
        if let Some((min, max)) = &self.participants {
            if !min.trim().is_empty() || !max.trim().is_empty() {
                field(
                    None,
                    format!("participants: {{min: {}, max: {}}}", min.trim(), max.trim()),
                );
            }
        }
        field(
            Some(format!("Formats : {}", allowed("formats"))),
            format!("formats: {}", list(&self.formats)),
        );
        field(
            Some("Compétences travaillées : pix:1.1 à pix:5.2, digcomp:1.1 à digcomp:5.4".into()),
            format!("competences: {}", list(&self.competences)),
        );
        field(
            Some(
                "Prérequis, même forme que les compétences (laisser vide s'il n'y en a pas)."
                    .into(),
            ),
            format!("prerequisites: {}", list(&self.prerequisites)),
        );
        field(
            Some(format!("Matériel : {}", allowed("materials"))),
            format!("materials: {}", list(&self.materials)),
        );
        field(
            Some(format!("Accessibilité : {}", allowed("accessibility"))),
            format!("accessibility: {}", list(&self.accessibility)),
        );
        field(
            Some(format!("Licence : {}", config.licenses.join(", "))),
            format!("license: {}", self.license.trim()),
        );
        field(None, format!("authors: {}", list_quoted(&self.authors)));
        if !self.language.trim().is_empty() && self.language.trim() != config.language {
            field(None, format!("language: {}", self.language.trim()));
        }
        if !self.created.trim().is_empty() {
            field(None, format!("created: {}", self.created.trim()));
            field(None, format!("updated: {}", self.created.trim()));
        }
        field(
            Some("draft: true  # un brouillon est visible avec `mallette serve`, pas publié par `mallette build`".into()),
            String::new(),
        );
        // The comment line above was the last: drop the empty line it left.
        if out.ends_with("\n\n") {
            out.pop();
        }
        out.push_str("---\n");
        let section = |out: &mut String, heading: &str, text: &str| {
            out.push_str(&format!("\n## {heading}\n\n{}\n", text.trim()));
        };
        section(&mut out, "Objectifs", &self.objectives);
        section(
            &mut out,
            "Public et prérequis",
            &self.audience_and_prerequisites,
        );
        section(&mut out, "Matériel", &self.materials_text);
        if !self.preparation.trim().is_empty() {
            section(&mut out, "Préparation", &self.preparation);
        }
        out.push_str("\n## Déroulé\n\n");
        let steps: Vec<&Step> = self
            .steps
            .iter()
            .filter(|s| !s.title.trim().is_empty() || !s.duration.trim().is_empty())
            .collect();
        if !steps.is_empty() {
            out.push_str("| Étape | Durée | Description |\n|---|---|---|\n");
            for step in &steps {
                out.push_str(&format!(
                    "| {} | {} | {} |\n",
                    cell(&step.title),
                    cell(&display_minutes(&step.duration)),
                    cell(&step.description)
                ));
            }
            let total: u32 = steps
                .iter()
                .filter_map(|s| crate::validate::parse_duration(&s.duration))
                .sum();
            out.push_str(&format!(
                "\nTotal : {}.\n",
                crate::i18n::duration_text(total)
            ));
        }
        section(&mut out, "Adaptations", &self.adaptations);
        section(&mut out, "Points de vigilance", &self.watch_out);
        section(&mut out, "Pour aller plus loin", &self.further);
        out
    }
}

/// `preferred` if the vocabulary `key` has it, else its first value.
fn first(vocabularies: &Vocabularies, key: &str, preferred: &str) -> String {
    let vocabulary = vocabularies.get(key);
    if vocabulary.get(preferred).is_some() {
        preferred.to_string()
    } else {
        vocabulary
            .terms
            .first()
            .map(|t| t.slug.clone())
            .unwrap_or_default()
    }
}

fn list_quoted(values: &[String]) -> String {
    let items: Vec<String> = values
        .iter()
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .map(quoted)
        .collect();
    format!("[{}]", items.join(", "))
}

/// `10` → `10 min`; a duration written otherwise stays as written.
fn display_minutes(text: &str) -> String {
    match crate::validate::parse_duration(text) {
        Some(minutes) => crate::i18n::duration_text(minutes),
        None => text.trim().to_string(),
    }
}

/// The diagnostics `mallette check` would give the kit file `text` at `rel_path` (front-matter:
/// every field, with line, column and the closest allowed value).
pub fn check_text(
    rel_path: &str,
    text: &str,
    config: &Config,
    vocabularies: &Vocabularies,
) -> Vec<Diagnostic> {
    let file = std::path::Path::new(rel_path);
    let at = |l: frontmatter::Located| vec![Diagnostic::error(file, l.line, l.column, l.problem)];
    let tree = frontmatter::split(text)
        .and_then(|split| frontmatter::parse_yaml(split.yaml, 2))
        .map_err(at);
    match tree {
        Err(diagnostics) => diagnostics,
        Ok(tree) => match crate::validate::validate_kit(file, &tree, config, vocabularies, None) {
            Ok(_) => Vec::new(),
            Err(diagnostics) => diagnostics,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        Config::parse("title = \"Test\"", std::path::Path::new("mallette.toml")).unwrap()
    }

    fn filled() -> KitDraft {
        KitDraft {
            title: "Repérer les faux SMS | colis".into(),
            summary: "Un \"jeu\" de cartes.".into(),
            themes: vec!["securite".into()],
            audiences: vec!["seniors".into()],
            level: "debutant".into(),
            duration: "1h".into(),
            participants: Some(("4".into(), "10".into())),
            license: "CC-BY-SA-4.0".into(),
            authors: vec!["Médiathèque de Lannion".into()],
            created: "2026-12-01".into(),
            objectives: "- Reconnaître un faux SMS.".into(),
            steps: vec![
                Step {
                    duration: "15".into(),
                    title: "Accueil".into(),
                    description: "Tour | de table".into(),
                },
                Step {
                    duration: "45 min".into(),
                    title: "Jeu".into(),
                    description: String::new(),
                },
            ],
            ..KitDraft::default()
        }
    }

    #[test]
    fn a_filled_draft_passes_the_check_and_totals_its_steps() {
        let text = filled().to_text(&config(), &Vocabularies::defaults());
        assert!(
            text.contains("| Accueil | 15 min | Tour / de table |"),
            "{text}"
        );
        assert!(text.contains("Total : 1 h."), "{text}");
        let problems = check_text(
            "content/kits/x.md",
            &text,
            &config(),
            &Vocabularies::defaults(),
        );
        assert!(problems.is_empty(), "{problems:?}\n{text}");
        assert_eq!(filled().file_name(), "reperer-les-faux-sms-colis.md");
    }

    #[test]
    fn an_empty_draft_gets_the_messages_of_check() {
        let text = KitDraft::default().to_text(&config(), &Vocabularies::defaults());
        let problems = check_text(
            "content/kits/x.md",
            &text,
            &config(),
            &Vocabularies::defaults(),
        );
        let codes: Vec<&str> = problems.iter().map(|d| d.problem.code()).collect();
        assert!(codes.contains(&"bad-length"), "{codes:?}");
        assert!(codes.contains(&"empty-list"), "{codes:?}");
    }
}
