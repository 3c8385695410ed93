//! `mallette check`: every content diagnostic, without writing a site, in a format for people,
//! for GitHub Actions annotations, or as JSON (GitLab code-quality report; see docs/check-json.md).

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use mallette_content::diagnostics::{Diagnostic, Severity};
use mallette_content::{analyse, AnalyseOptions, Failure, Lang};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    Human,
    Json,
    Github,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Instance folder (holds mallette.toml and content/)
    #[arg(long)]
    pub root: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Warn about kits not updated for this many days [default: stale_after_days of mallette.toml, 730]
    #[arg(long)]
    pub stale_after_days: Option<i64>,
}

pub fn run(args: CheckArgs) -> Result<ExitCode, Failure> {
    let root = super::root_or_default(args.root);
    let options = AnalyseOptions {
        drafts: true,
        base_url: None,
        strict: true,
        stale_after_days: args.stale_after_days,
    };
    let (diagnostics, sources, lang, checked) = match analyse(&root, &options) {
        Ok(analysis) => {
            let lang = analysis.lang();
            (
                analysis.warnings,
                analysis.sources,
                lang,
                Some(analysis.documents.len()),
            )
        }
        Err(Failure::Content {
            diagnostics,
            sources,
            lang,
        }) => (diagnostics, sources, lang, None),
        Err(fatal) => return Err(fatal),
    };
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    match args.format {
        Format::Human => {
            crate::term::print_diagnostics(&diagnostics, &sources, lang);
            let warnings = lang.count("warnings", diagnostics.len() - errors);
            match checked {
                // -q: nothing on success.
                Some(_) if crate::term::quiet() => {}
                Some(files) => eprintln!(
                    "{}",
                    lang.format(
                        "check.clean",
                        &[
                            ("files", &lang.count("files-checked", files)),
                            ("warnings", &warnings)
                        ]
                    )
                ),
                None => eprintln!(
                    "\n{}",
                    lang.format(
                        "check.errors",
                        &[
                            ("errors", &lang.count("errors", errors)),
                            ("warnings", &warnings)
                        ]
                    )
                ),
            }
        }
        Format::Github => print!("{}", github(&diagnostics, lang)),
        Format::Json => println!("{}", json(&diagnostics, &sources, lang)),
    }
    Ok(if errors > 0 {
        ExitCode::from(super::EXIT_CONTENT)
    } else {
        ExitCode::SUCCESS
    })
}

/// GitHub Actions workflow commands: one `::error …::message` line per diagnostic.
pub fn github(diagnostics: &[Diagnostic], lang: Lang) -> String {
    let escape_data = |s: &str| {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    };
    let escape_property = |s: &str| escape_data(s).replace(':', "%3A").replace(',', "%2C");
    diagnostics
        .iter()
        .map(|d| {
            let command = if d.is_error() { "error" } else { "warning" };
            let mut message = d.problem.message(lang);
            if let Some(help) = d.problem.help(lang) {
                message.push_str(" — ");
                message.push_str(&help);
            }
            format!(
                "::{command} file={},line={},col={},title={}::{}\n",
                escape_property(&d.file.to_string_lossy()),
                d.line.max(1),
                d.column.max(1),
                escape_property(&format!("mallette {}", d.problem.code())),
                escape_data(&message)
            )
        })
        .collect()
}

/// A JSON array in GitLab's code-quality report shape, plus `line`, `column`, `level`, `message`
/// and `help` for editors. Documented in docs/check-json.md.
pub fn json(diagnostics: &[Diagnostic], _sources: &HashMap<String, String>, lang: Lang) -> String {
    let items: Vec<serde_json::Value> = diagnostics
        .iter()
        .map(|d| {
            let path = d.file.to_string_lossy().to_string();
            let message = d.problem.message(lang);
            let help = d.problem.help(lang);
            let description = match &help {
                Some(h) => format!("{message} ({h})"),
                None => message.clone(),
            };
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            (d.problem.code(), &path, d.line, d.column, &message).hash(&mut hasher);
            serde_json::json!({
                "description": description,
                "check_name": d.problem.code(),
                "fingerprint": format!("{:016x}", hasher.finish()),
                "severity": if d.severity == Severity::Error { "major" } else { "minor" },
                "location": { "path": path, "lines": { "begin": d.line.max(1) } },
                "level": if d.is_error() { "error" } else { "warning" },
                "line": d.line.max(1),
                "column": d.column.max(1),
                "message": message,
                "help": help,
            })
        })
        .collect();
    serde_json::to_string_pretty(&items).unwrap_or_else(|_| "[]".into())
}
