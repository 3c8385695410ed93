//! # mallette-validator-wasm
//!
//! The contribution form of a mallette site (`/contribuer/`) writes a kit file from what a
//! contributor typed and checks it before sending it to the forge. Both jobs are the content
//! stage's own code, compiled to WebAssembly: the file is written by
//! `mallette_content::draft::KitDraft::to_text` (what `mallette new` uses) and checked by
//! `mallette_content::draft::check_text` (the validation of `mallette check`), with the same
//! messages and suggestions, in the instance's language.
//!
//! ABI (all JSON in and out, through memory the page fills with [`alloc`]):
//! - `context(ptr, len)`: `{"config": <mallette.toml as JSON>, "vocabularies": …}` — once;
//! - `draft(ptr, len)`: a `KitDraft` → `{"file_name", "text", "diagnostics": [{line, column,
//!   severity, code, field, message, help}]}` (`field` is the front-matter key at the line);
//! - the result is read at `out_ptr()` / `out_len()`; a status of 1 means the output is an error.

use mallette_content::config::Config;
use mallette_content::diagnostics::Severity;
use mallette_content::draft::{check_text, KitDraft};
use mallette_content::vocabulary::Vocabularies;
use mallette_content::Lang;
use serde::{Deserialize, Serialize};

#[cfg(target_arch = "wasm32")]
mod abi;

/// What the form knows of the instance.
#[derive(Deserialize)]
pub struct Context {
    pub config: Config,
    pub vocabularies: Vocabularies,
}

#[derive(Serialize)]
pub struct Checked {
    pub file_name: String,
    pub text: String,
    pub diagnostics: Vec<Message>,
}

#[derive(Serialize)]
pub struct Message {
    pub line: usize,
    pub column: usize,
    pub severity: &'static str,
    pub code: &'static str,
    pub field: String,
    pub message: String,
    pub help: Option<String>,
}

/// The kit file of `draft` and what `mallette check` says of it.
pub fn check_draft(context: &Context, draft: &KitDraft) -> Checked {
    let text = draft.to_text(&context.config, &context.vocabularies);
    let file_name = draft.file_name();
    let rel = format!("content/kits/{file_name}");
    let lang = Lang::from_code(&context.config.language);
    let diagnostics = check_text(&rel, &text, &context.config, &context.vocabularies)
        .into_iter()
        .map(|d| Message {
            line: d.line,
            column: d.column,
            severity: if d.severity == Severity::Error {
                "error"
            } else {
                "warning"
            },
            code: d.problem.code(),
            field: field_at(&text, d.line, &d.problem),
            message: d.problem.message(lang),
            help: d.problem.help(lang),
        })
        .collect();
    Checked {
        file_name,
        text,
        diagnostics,
    }
}

/// The front-matter key a diagnostic is about: named by the problem (a missing field), else the
/// key of the line it points at (or of the entry that line belongs to).
fn field_at(text: &str, line: usize, problem: &mallette_content::diagnostics::Problem) -> String {
    use mallette_content::diagnostics::Problem;
    if let Problem::MissingField { field } = problem {
        return field.clone();
    }
    let lines: Vec<&str> = text.lines().collect();
    let mut index = line.saturating_sub(1).min(lines.len().saturating_sub(1));
    loop {
        let candidate = lines.get(index).copied().unwrap_or("");
        let starts_a_key = candidate
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic());
        if let (true, Some((key, _))) = (starts_a_key, candidate.split_once(':')) {
            return key.trim().to_string();
        }
        if index == 0 {
            return String::new();
        }
        index -= 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context() -> Context {
        Context {
            config: Config::parse("title = \"T\"", std::path::Path::new("mallette.toml")).unwrap(),
            vocabularies: Vocabularies::defaults(),
        }
    }

    #[test]
    fn a_typo_gets_the_suggestion_of_check_on_its_field() {
        let draft = KitDraft {
            title: "Un kit".into(),
            summary: "Résumé.".into(),
            themes: vec!["securite".into()],
            audiences: vec!["seniors".into()],
            level: "intermediare".into(),
            duration: "1h".into(),
            license: "CC-BY-SA-4.0".into(),
            authors: vec!["A".into()],
            ..KitDraft::default()
        };
        let checked = check_draft(&context(), &draft);
        assert_eq!(checked.diagnostics.len(), 1, "{}", checked.text);
        let d = &checked.diagnostics[0];
        assert_eq!(d.field, "level");
        assert_eq!(
            d.message,
            "`intermediare` n'est pas une valeur autorisée pour `level`"
        );
        assert!(d
            .help
            .as_deref()
            .unwrap()
            .starts_with("vouliez-vous dire `intermediaire` ?"));
    }

    #[test]
    fn the_context_the_build_writes_is_read_back() {
        let json = serde_json::json!({
            "config": context().config,
            "vocabularies": Vocabularies::defaults(),
        });
        let back: Context = serde_json::from_value(json).unwrap();
        assert_eq!(
            back.vocabularies.get("levels").slugs(),
            ["debutant", "intermediaire", "avance"]
        );
    }
}
