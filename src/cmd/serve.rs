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
    /// Port [default: 5050, or the next free one]; a taken port given here is an error
    #[arg(long)]
    pub port: Option<u16>,
    /// Address to listen on, e.g. 0.0.0.0 to preview on a tablet of the local network (drafts
    /// are then visible on that network) [default: 127.0.0.1]
    #[arg(long, default_value = "127.0.0.1")]
    pub interface: std::net::IpAddr,
    /// Open the site in the default browser
    #[arg(long)]
    pub open: bool,
}

pub fn run(args: ServeArgs) -> Result<ExitCode, Failure> {
    serve::run(ServeOptions {
        root: super::root_or_default(args.root),
        port: args.port,
        interface: args.interface,
        open: args.open,
    })?;
    Ok(ExitCode::SUCCESS)
}
