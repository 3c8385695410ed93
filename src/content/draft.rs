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

/// The words of a new kit file, in the instance's language (French, or English for an English
/// instance): comments of the front-matter, body headings, example values and hints.
struct Words {
    /// Before a colon: a space in French.
    colon: &'static str,
    summary_hint: &'static str,
    themes: &'static str,
    audiences: &'static str,
    level: &'static str,
    duration_hint: &'static str,
    formats: &'static str,
    competences_hint: &'static str,
    prerequisites_hint: &'static str,
    materials: &'static str,
    accessibility: &'static str,
    license: &'static str,
    draft_hint: &'static str,
    objectives: &'static str,
    audience_and_prerequisites: &'static str,
    materials_heading: &'static str,
    preparation: &'static str,
    plan: &'static str,
    plan_columns: &'static str,
    total: &'static str,
    adaptations: &'static str,
    watch_out: &'static str,
    further: &'static str,
    // Example values of `mallette new`.
    ex_summary: &'static str,
    ex_author: &'static str,
    ex_objectives: &'static str,
    ex_audience: &'static str,
    ex_materials: &'static str,
    ex_steps: [&'static str; 4],
    ex_adaptations: &'static str,
    ex_watch_out: &'static str,
    ex_further: &'static str,
}

const FRENCH: Words = Words {
    colon: " :",
    summary_hint: "Une ou deux phrases (300 caractères au plus), montrées dans les listes et la recherche.",
    themes: "Thèmes",
    audiences: "Publics",
    level: "Niveau",
    duration_hint: "Durée : minutes (90) ou \"1h30\", \"45min\" ; de 5 à 2880 minutes.",
    formats: "Formats",
    competences_hint: "Compétences travaillées : pix:1.1 à pix:5.2, digcomp:1.1 à digcomp:5.4",
    prerequisites_hint: "Prérequis, même forme que les compétences (laisser vide s'il n'y en a pas).",
    materials: "Matériel",
    accessibility: "Accessibilité",
    license: "Licence",
    draft_hint: "draft: true  # un brouillon est visible avec `mallette serve`, pas publié par `mallette build`",
    objectives: "Objectifs",
    audience_and_prerequisites: "Public et prérequis",
    materials_heading: "Matériel",
    preparation: "Préparation",
    plan: "Déroulé",
    plan_columns: "| Étape | Durée | Description |",
    total: "Total :",
    adaptations: "Adaptations",
    watch_out: "Points de vigilance",
    further: "Pour aller plus loin",
    ex_summary: "Ce que les participants sauront faire à la fin de l'atelier.",
    ex_author: "Votre nom ou celui de votre structure",
    ex_objectives: "- Ce que les participants comprennent.\n- Ce qu'ils savent faire en repartant.",
    ex_audience: "À qui s'adresse l'atelier, ce qu'il faut savoir faire avant.",
    ex_materials: "- Ce qu'il faut préparer, imprimer, installer.",
    ex_steps: ["Accueil et tour de table", "Découverte", "Mise en pratique", "Bilan"],
    ex_adaptations: "Selon le public, sans vidéoprojecteur, avec une connexion faible…",
    ex_watch_out: "Les pièges à éviter.",
    ex_further: "Des ressources pour les participants et pour l'animateur ou l'animatrice.",
};

const ENGLISH: Words = Words {
    colon: ":",
    summary_hint:
        "One or two sentences (300 characters at most), shown in lists and search results.",
    themes: "Themes",
    audiences: "Audiences",
    level: "Level",
    duration_hint: "Duration: minutes (90) or \"1h30\", \"45min\"; from 5 to 2880 minutes.",
    formats: "Formats",
    competences_hint: "Competences: pix:1.1 to pix:5.2, digcomp:1.1 to digcomp:5.4",
    prerequisites_hint:
        "Prerequisites, written like the competences (leave empty if there are none).",
    materials: "Materials",
    accessibility: "Accessibility",
    license: "Licence",
    draft_hint:
        "draft: true  # a draft shows in `mallette serve`, `mallette build` does not publish it",
    objectives: "Objectives",
    audience_and_prerequisites: "Audience and prerequisites",
    materials_heading: "Materials",
    preparation: "Preparation",
    plan: "Plan",
    plan_columns: "| Step | Duration | Description |",
    total: "Total:",
    adaptations: "Adaptations",
    watch_out: "Watch out",
    further: "Going further",
    ex_summary: "What participants will be able to do by the end of the workshop.",
    ex_author: "Your name or your organisation's",
    ex_objectives: "- What participants understand.\n- What they can do when they leave.",
    ex_audience: "Who the workshop is for, what they need to know beforehand.",
    ex_materials: "- What to prepare, print, install.",
    ex_steps: [
        "Welcome and introductions",
        "Discovery",
        "Hands-on practice",
        "Wrap-up",
    ],
    ex_adaptations: "Depending on the audience, without a projector, with a weak connection…",
    ex_watch_out: "Pitfalls to avoid.",
    ex_further: "Resources for participants and for the facilitator.",
};

fn words(config: &Config) -> &'static Words {
    if crate::Lang::from_code(&config.language) == crate::Lang::En {
        &ENGLISH
    } else {
        &FRENCH
    }
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
        let w = words(config);
        KitDraft {
            title: title.into(),
            summary: w.ex_summary.into(),
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
            authors: vec![w.ex_author.into()],
            language: String::new(),
            created: today.to_string(),
            objectives: w.ex_objectives.into(),
            audience_and_prerequisites: w.ex_audience.into(),
            materials_text: w.ex_materials.into(),
            preparation: String::new(),
            steps: vec![
                step(w.ex_steps[0], "10"),
                step(w.ex_steps[1], "30"),
                step(w.ex_steps[2], "40"),
                step(w.ex_steps[3], "10"),
            ],
            adaptations: w.ex_adaptations.into(),
            watch_out: w.ex_watch_out.into(),
            further: w.ex_further.into(),
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
        let w = words(config);
        let colon = w.colon;
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
            Some(w.summary_hint.into()),
            format!("summary: {}", quoted(&self.summary)),
        );
        field(
            Some(format!("{}{colon} {}", w.themes, allowed("themes"))),
            format!("themes: {}", list(&self.themes)),
        );
        field(
            Some(format!("{}{colon} {}", w.audiences, allowed("audiences"))),
            format!("audiences: {}", list(&self.audiences)),
        );
        field(
            Some(format!("{}{colon} {}", w.level, allowed("levels"))),
            format!("level: {}", self.level.trim()),
        );
        field(
            Some(w.duration_hint.into()),
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
            Some(format!("{}{colon} {}", w.formats, allowed("formats"))),
            format!("formats: {}", list(&self.formats)),
        );
        field(
            Some(w.competences_hint.into()),
            format!("competences: {}", list(&self.competences)),
        );
        field(
            Some(w.prerequisites_hint.into()),
            format!("prerequisites: {}", list(&self.prerequisites)),
        );
        field(
            Some(format!("{}{colon} {}", w.materials, allowed("materials"))),
            format!("materials: {}", list(&self.materials)),
        );
        field(
            Some(format!(
                "{}{colon} {}",
                w.accessibility,
                allowed("accessibility")
            )),
            format!("accessibility: {}", list(&self.accessibility)),
        );
        field(
            Some(format!(
                "{}{colon} {}",
                w.license,
                config.licenses.join(", ")
            )),
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
        field(Some(w.draft_hint.into()), String::new());
        // The comment line above was the last: drop the empty line it left.
        if out.ends_with("\n\n") {
            out.pop();
        }
        out.push_str("---\n");
        let section = |out: &mut String, heading: &str, text: &str| {
            out.push_str(&format!("\n## {heading}\n\n{}\n", text.trim()));
        };
        section(&mut out, w.objectives, &self.objectives);
        section(
            &mut out,
            w.audience_and_prerequisites,
            &self.audience_and_prerequisites,
        );
        section(&mut out, w.materials_heading, &self.materials_text);
        if !self.preparation.trim().is_empty() {
            section(&mut out, w.preparation, &self.preparation);
        }
        out.push_str(&format!("\n## {}\n\n", w.plan));
        let steps: Vec<&Step> = self
            .steps
            .iter()
            .filter(|s| !s.title.trim().is_empty() || !s.duration.trim().is_empty())
            .collect();
        if !steps.is_empty() {
            out.push_str(&format!("{}\n|---|---|---|\n", w.plan_columns));
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
                "\n{} {}.\n",
                w.total,
                crate::i18n::duration_text(total)
            ));
        }
        section(&mut out, w.adaptations, &self.adaptations);
        section(&mut out, w.watch_out, &self.watch_out);
        section(&mut out, w.further, &self.further);
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
