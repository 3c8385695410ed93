//! `mallette fetch-catalogs`: the only command that uses the network. It downloads each catalog
//! listed under `[[federation]]` into `federation/<name>.json`, where builds read it
//! (`mallette_content::federation`), so that builds stay offline and reproducible.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::Args;
use mallette_content::catalog::Catalog;
use mallette_content::config::Config;
use mallette_content::Failure;

#[derive(Args, Debug)]
pub struct FetchArgs {
    /// Instance folder
    #[arg(long)]
    pub root: Option<PathBuf>,
}

pub fn run(args: FetchArgs) -> Result<ExitCode, Failure> {
    let root = super::root_or_default(args.root);
    let config = Config::load(&root)?;
    for (name, path, count) in fetch(&root, &config)? {
        println!("{name}: {count} kits → {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// Download every catalog of `[[federation]]` into `federation/`. Returns (name, path, kit count).
pub fn fetch(root: &Path, config: &Config) -> Result<Vec<(String, PathBuf, usize)>> {
    if config.federation.is_empty() {
        bail!("mallette.toml lists no [[federation]] catalog");
    }
    let agent = ureq::AgentBuilder::new()
        .timeout(std::time::Duration::from_secs(30))
        .build();
    let mut fetched = Vec::new();
    for remote in &config.federation {
        let body = agent
            .get(&remote.catalog)
            .call()
            .with_context(|| format!("{}: cannot download {}", remote.name, remote.catalog))?
            .into_string()
            .with_context(|| format!("{}: cannot read {}", remote.name, remote.catalog))?;
        // Check before storing, so a broken download never replaces a good copy.
        let catalog: Catalog = serde_json::from_str(&body).with_context(|| {
            format!(
                "{}: {} is not a mallette catalog.json",
                remote.name, remote.catalog
            )
        })?;
        let path = root.join(remote.stored_path());
        std::fs::create_dir_all(path.parent().unwrap())?;
        std::fs::write(&path, &body).with_context(|| format!("cannot write {}", path.display()))?;
        fetched.push((remote.name.clone(), path, catalog.kits.len()));
    }
    Ok(fetched)
}
