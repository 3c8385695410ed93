use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use std::sync::Arc;

use mallette_content::Failure;

use crate::pipeline::{self, BuildOptions, Progress};
use crate::term::{self, ProgressLine};

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
    /// Replace --out even if it holds files mallette did not write (or is a file)
    #[arg(long)]
    pub force: bool,
}

pub fn run(args: BuildArgs) -> Result<ExitCode, Failure> {
    let root = super::root_or_default(args.root);
    let out = args.out.unwrap_or_else(|| root.join("public"));
    let progress = Arc::new(Progress::default());
    // The progress line speaks the instance's language; before the settings are read, French.
    let lang = mallette_content::config::Config::load(&root)
        .map(|c| mallette_content::Lang::from_code(&c.language))
        .unwrap_or(mallette_content::Lang::Fr);
    let line = ProgressLine::start(&progress, lang);
    let report = pipeline::build(&BuildOptions {
        root,
        out,
        base_url: args.base_url,
        drafts: args.drafts,
        offline: args.offline,
        force: args.force,
        progress: Some(progress),
    });
    drop(line);
    let report = report?;
    if term::quiet() {
        return Ok(ExitCode::SUCCESS);
    }
    term::print_diagnostics(&report.warnings, &report.sources, report.lang);
    term::print_timings(&report);
    let lang = report.lang;
    eprintln!(
        "{}",
        lang.format(
            "build.done",
            &[
                ("kits", &lang.count("kits", report.kits)),
                ("pages", &lang.count("pages", report.pages)),
                ("files", &lang.count("files", report.files_written)),
                ("millis", &report.millis),
                ("out", &report.out.display()),
            ]
        )
    );
    Ok(ExitCode::SUCCESS)
}
