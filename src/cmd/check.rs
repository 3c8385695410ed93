use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::diagnostics::Lang;
use crate::site::{self, print_diagnostics, Failure};

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Instance folder (holds mallette.toml and content/)
    #[arg(long)]
    pub root: Option<PathBuf>,
    /// Also check kits marked `draft: true`
    #[arg(long, default_value_t = true)]
    pub drafts: bool,
}

pub fn run(args: CheckArgs) -> Result<ExitCode, Failure> {
    let root = super::root_or_default(args.root);
    let analysis = site::analyse(
        &root,
        &site::AnalyseOptions {
            drafts: args.drafts,
            base_url: None,
            strict_links: true,
        },
    )?;
    let lang = Lang::from_code(&analysis.config.language);
    print_diagnostics(&analysis.warnings, &analysis.sources, lang);
    let documents = analysis.documents.len();
    if lang == Lang::Fr {
        eprintln!("{documents} fichiers vérifiés : aucune erreur.");
    } else {
        eprintln!("{documents} files checked: no error.");
    }
    Ok(ExitCode::SUCCESS)
}
