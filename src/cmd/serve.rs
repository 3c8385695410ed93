use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::serve::{self, ServeOptions};
use mallette_content::Failure;

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Instance folder (holds mallette.toml and content/)
    #[arg(long)]
    pub root: Option<PathBuf>,
    /// Port on 127.0.0.1 [default: a free port]
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Open the site in the default browser
    #[arg(long)]
    pub open: bool,
}

pub fn run(args: ServeArgs) -> Result<ExitCode, Failure> {
    serve::run(ServeOptions {
        root: super::root_or_default(args.root),
        port: args.port,
        open: args.open,
    })?;
    Ok(ExitCode::SUCCESS)
}
