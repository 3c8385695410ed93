use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::diagnostics::Lang;
use crate::site::{self, print_diagnostics, BuildOptions, Failure};

#[derive(Args, Debug)]
pub struct BuildArgs {
    /// Instance folder (holds mallette.toml and content/)
    #[arg(long)]
    pub root: Option<PathBuf>,
    /// Output folder [default: <root>/public]
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Public URL of the site, overrides base_url of mallette.toml
    #[arg(long)]
    pub base_url: Option<String>,
    /// Also build kits marked `draft: true`
    #[arg(long)]
    pub drafts: bool,
    /// Build a site that works opened from disk (file://), e.g. on a USB key
    #[arg(long)]
    pub offline: bool,
}

pub fn run(args: BuildArgs) -> Result<ExitCode, Failure> {
    let root = super::root_or_default(args.root);
    let out = args.out.unwrap_or_else(|| root.join("public"));
    let report = site::build(&BuildOptions {
        root,
        out,
        base_url: args.base_url,
        drafts: args.drafts,
        offline: args.offline,
    })?;
    print_diagnostics(&report.warnings, &report.sources, report.lang);
    if report.lang == Lang::Fr {
        eprintln!(
            "Site construit : {} kits, {} pages, {} fichiers en {} ms → {}",
            report.kits,
            report.pages,
            report.files_written,
            report.millis,
            report.out.display()
        );
    } else {
        eprintln!(
            "Built {} kits, {} pages, {} files in {} ms → {}",
            report.kits,
            report.pages,
            report.files_written,
            report.millis,
            report.out.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}
