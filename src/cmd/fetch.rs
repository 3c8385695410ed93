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
    let lang = mallette_content::Lang::from_code(&config.language);
    for (name, path, count) in fetch(&root, &config)? {
        println!(
            "{}",
            lang.format(
                "fetch.stored",
                &[
                    ("name", &name),
                    ("kits", &lang.count("kits", count)),
                    ("path", &path.display())
                ]
            )
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Download every catalog of `[[federation]]` into `federation/`. Returns (name, path, kit count).
pub fn fetch(root: &Path, config: &Config) -> Result<Vec<(String, PathBuf, usize)>> {
    if config.federation.is_empty() {
        bail!("mallette.toml lists no [[federation]] catalog");
    }
    // Redirects are followed by hand, to web addresses only: a catalog's server must not send
    // the download to a `file://` or another scheme.
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(std::time::Duration::from_secs(30)))
        .max_redirects(0)
        .max_redirects_will_error(false)
        .build()
        .into();
    let mut fetched = Vec::new();
    for remote in &config.federation {
        let body = download(&agent, &remote.catalog)
            .with_context(|| format!("{}: cannot download {}", remote.name, remote.catalog))?;
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

/// Largest catalog accepted (about 50,000 kits).
const MAX_CATALOG_BYTES: u64 = 64 * 1024 * 1024;

/// The body at `url`, following up to five redirects to `http(s)://` addresses.
fn download(agent: &ureq::Agent, url: &str) -> Result<String> {
    let mut url = url.to_string();
    for _ in 0..=5 {
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            bail!("`{url}` is not a web address (http:// or https://)");
        }
        let mut response = agent.get(&url).call()?;
        if response.status().is_redirection() {
            let location = response
                .headers()
                .get("location")
                .and_then(|l| l.to_str().ok())
                .context("a redirect without a Location")?;
            url = if location.contains("://") {
                location.to_string()
            } else {
                // A relative redirect: on the same server.
                let origin_end = url[8..].find('/').map_or(url.len(), |i| i + 8);
                format!(
                    "{}/{}",
                    &url[..origin_end],
                    location.trim_start_matches('/')
                )
            };
            continue;
        }
        return Ok(response
            .body_mut()
            .with_config()
            .limit(MAX_CATALOG_BYTES)
            .read_to_string()?);
    }
    bail!("too many redirects")
}
