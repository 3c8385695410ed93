//! `mallette completions <shell>` and `mallette man`: shell completions and the manual page,
//! both generated from the command-line definition itself, so they never go out of date.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Args, CommandFactory};
use clap_complete::Shell;

use mallette_content::Failure;

#[derive(Args, Debug)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, powershell or elvish
    #[arg(value_enum)]
    pub shell: Shell,
}

#[derive(Args, Debug)]
pub struct ManArgs {
    /// Write one page per command (mallette.1, mallette-build.1…) into this folder instead of
    /// printing mallette(1) on stdout
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

pub fn run_completions(args: CompletionsArgs) -> Result<ExitCode, Failure> {
    let mut command = super::Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "mallette", &mut script);
    print_bytes(&script);
    Ok(ExitCode::SUCCESS)
}

pub fn run_man(args: ManArgs) -> Result<ExitCode, Failure> {
    let command = super::Cli::command().disable_help_subcommand(true);
    match args.out {
        None => print_bytes(&one_page(command).context("rendering the manual page")?),
        Some(dir) => {
            std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
            let pages = one_page_per_command(command, &dir)
                .with_context(|| format!("writing the manual pages into {}", dir.display()))?;
            for page in pages {
                println!("{}", page.display());
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// mallette(1) and mallette-<command>(1) in `dir`; returns their paths.
fn one_page_per_command(mut command: clap::Command, dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    command.build();
    let source = source();
    let mut pages = vec![clap_mangen::Man::new(command.clone())
        .source(&source)
        .generate_to(dir)?];
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        pages.push(
            clap_mangen::Man::new(sub.clone())
                .source(&source)
                .generate_to(dir)?,
        );
    }
    Ok(pages)
}

/// The `.TH` source field of every page: `mallette 0.1.0`.
fn source() -> String {
    format!("mallette {}", env!("CARGO_PKG_VERSION"))
}

/// mallette(1) as one page: the main page, then a section per command with its synopsis and
/// options, so that `mallette man > mallette.1` is the whole manual.
fn one_page(mut command: clap::Command) -> std::io::Result<Vec<u8>> {
    command.build();
    let mut page = Vec::new();
    clap_mangen::Man::new(command.clone())
        .source(source())
        .render(&mut page)?;
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        let man = clap_mangen::Man::new(sub.clone());
        let name = format!("MALLETTE {}", sub.get_name().to_uppercase());
        page.extend_from_slice(format!(".SH \"{name}\"\n").as_bytes());
        for render in [
            clap_mangen::Man::render_description_section,
            clap_mangen::Man::render_synopsis_section,
            clap_mangen::Man::render_options_section,
        ] {
            let mut section = Vec::new();
            render(&man, &mut section)?;
            // Each part is a page fragment: the preamble (already in the page), then its own
            // `.SH TITLE`. Below the command's heading, the description needs no title and the
            // others become sub-headings.
            for line in String::from_utf8_lossy(&section).lines() {
                if line.starts_with(".ie ") || line.starts_with(".el ") || line == ".SH DESCRIPTION"
                {
                    continue;
                }
                let line = match line.strip_prefix(".SH ") {
                    Some(title) => format!(".SS {title}"),
                    None => line.to_string(),
                };
                page.extend_from_slice(line.as_bytes());
                page.push(b'\n');
            }
        }
    }
    Ok(page)
}

/// Write to stdout; a closed pipe (`| head`) is not an error.
fn print_bytes(bytes: &[u8]) {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(bytes).and_then(|()| out.flush());
}
