use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::scaffold;
use mallette_content::Failure;

#[derive(Args, Debug)]
pub struct NewArgs {
    /// Title of the kit, e.g. "Repérer une fausse information"
    pub title: String,
    /// Theme of the kit (a slug of the themes vocabulary)
    #[arg(long)]
    pub theme: Option<String>,
    /// Create a folder kit (content/kits/<slug>/index.md) to hold attachments
    #[arg(long)]
    pub folder: bool,
    /// Create a learning path (content/parcours/<slug>.md) instead of a kit
    #[arg(long, conflicts_with_all = ["theme", "folder"])]
    pub parcours: bool,
    /// Instance folder
    #[arg(long)]
    pub root: Option<PathBuf>,
}

pub fn run_new(args: NewArgs) -> Result<ExitCode, Failure> {
    let root = super::root_or_default(args.root);
    let path = if args.parcours {
        scaffold::new_parcours(&root, &args.title)?
    } else {
        scaffold::new_kit(&root, &args.title, args.theme.as_deref(), args.folder)?
    };
    println!("{}", path.display());
    Ok(ExitCode::SUCCESS)
}

#[derive(Args, Debug)]
pub struct InitArgs {
    /// Folder of the new instance (must not exist or be empty)
    pub dir: PathBuf,
    /// Name of the wiki
    #[arg(long, default_value = "Fiches ateliers de notre réseau")]
    pub name: String,
    /// Git address the CI workflows build mallette from when no release binary nor crates.io
    /// has the pinned version (default: mallette's own repository)
    #[arg(long, value_name = "GIT_URL")]
    pub mallette_source: Option<String>,
    /// Web address of the wiki's repository on its forge, e.g.
    /// https://codeberg.org/reseau/wiki: fills [forge] (edit links, contribution form, field
    /// reports)
    #[arg(long, value_name = "URL")]
    pub forge_url: Option<String>,
    /// The forge's kind when its host is not a well-known one: github, gitlab or forgejo
    #[arg(long, value_name = "KIND", requires = "forge_url")]
    pub forge_kind: Option<String>,
}

pub fn run_init(args: InitArgs) -> Result<ExitCode, Failure> {
    let files = scaffold::init(
        &args.dir,
        &args.name,
        args.mallette_source.as_deref(),
        args.forge_url.as_deref(),
        args.forge_kind.as_deref(),
    )?;
    for file in &files {
        println!("{}", file.display());
    }
    if !crate::term::quiet() {
        eprintln!(
            "Instance créée dans {} : `cd {}` puis `mallette serve --open` pour la prévisualiser.",
            args.dir.display(),
            args.dir.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}
