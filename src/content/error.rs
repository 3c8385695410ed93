//! Why a build or a check failed: content errors (exit 1) or anything else (exit 2).

use std::collections::HashMap;

use crate::diagnostics::Diagnostic;
use crate::i18n::Lang;

/// Why a build or check failed.
#[derive(Debug)]
pub enum Failure {
    /// Content errors (exit 1): every diagnostic of every file, with the files' text for display.
    Content {
        diagnostics: Vec<Diagnostic>,
        sources: HashMap<String, String>,
        lang: Lang,
    },
    /// Usage, configuration, theme or I/O error (exit 2).
    Fatal(anyhow::Error),
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Failure {
        Failure::Fatal(e)
    }
}
