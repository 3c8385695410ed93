use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = mallette::cmd::Cli::parse();
    mallette::cmd::run(cli)
}
