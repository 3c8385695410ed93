//! Command-line entry points. Each command only parses its options and wires pipeline stages;
//! the work happens in the library modules.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use mallette_content::Failure;

use crate::term::{self, Verbosity};

mod build;
mod check;
mod completions;
mod fetch;
mod scaffold;
mod search;
mod serve;

/// Exit codes (docs/cli.md).
pub const EXIT_CONTENT: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

#[derive(Parser, Debug)]
#[command(
    name = "mallette",
    version,
    about = "Static wiki of digital-mediation workshop kits / Wiki statique de fiches ateliers"
)]
pub struct Cli {
    /// Print only errors (nothing on success); what a command writes on stdout stays
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Also print the time and counts of every build stage
    #[arg(short, long, global = true)]
    pub verbose: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Build the site into public/ (or --out)
    Build(build::BuildArgs),
    /// Check the content and report every problem, without writing a site
    Check(check::CheckArgs),
    /// Query the built search index from the terminal
    Search(search::SearchArgs),
    /// Build, serve on 127.0.0.1 and rebuild on every change (live reload)
    Serve(serve::ServeArgs),
    /// Create a new kit from the template
    New(scaffold::NewArgs),
    /// Create a new instance (settings, example kits, contributing guide, CI workflows)
    Init(scaffold::InitArgs),
    /// Download the catalogs of [[federation]] into federation/ (the only command using the network)
    FetchCatalogs(fetch::FetchArgs),
    /// Print the completion script of a shell (bash, zsh, fish, powershell, elvish)
    Completions(completions::CompletionsArgs),
    /// Print the manual page (roff), or write one page per command with --out DIR
    Man(completions::ManArgs),
}

pub fn run(cli: Cli) -> ExitCode {
    term::set_verbosity(if cli.quiet {
        Verbosity::Quiet
    } else if cli.verbose {
        Verbosity::Verbose
    } else {
        Verbosity::Normal
    });
    let result = match cli.command {
        Command::Build(args) => build::run(args),
        Command::Check(args) => check::run(args),
        Command::Search(args) => search::run(args),
        Command::Serve(args) => serve::run(args),
        Command::New(args) => scaffold::run_new(args),
        Command::Init(args) => scaffold::run_init(args),
        Command::FetchCatalogs(args) => fetch::run(args),
        Command::Completions(args) => completions::run_completions(args),
        Command::Man(args) => completions::run_man(args),
    };
    match result {
        Ok(code) => code,
        Err(failure) => report_failure(failure),
    }
}

/// Print a failure and give its exit code.
pub fn report_failure(failure: Failure) -> ExitCode {
    match failure {
        Failure::Content {
            diagnostics,
            sources,
            lang,
        } => {
            term::print_diagnostics(&diagnostics, &sources, lang);
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            let files: std::collections::BTreeSet<_> = diagnostics
                .iter()
                .filter(|d| d.is_error())
                .map(|d| &d.file)
                .collect();
            eprintln!(
                "\n{}",
                lang.format(
                    "failure.content",
                    &[
                        ("errors", &lang.count("errors", errors)),
                        ("files", &lang.count("files", files.len()))
                    ]
                )
            );
            ExitCode::from(EXIT_CONTENT)
        }
        Failure::Fatal(error) => {
            eprintln!("{}", term::fatal_line(&format!("{error:#}")));
            ExitCode::from(EXIT_USAGE)
        }
    }
}

/// `--root`, shared by every command.
pub fn root_or_default(root: Option<PathBuf>) -> PathBuf {
    root.unwrap_or_else(|| PathBuf::from("."))
}
