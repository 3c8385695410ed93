//! The CI files `mallette init` writes: a workflow per forge and the two scripts they share.
//!
//! Every workflow installs mallette with `.mallette/install.sh`, which pins the version of the
//! binary that wrote it and tries the fastest route first (release binary checked against
//! `SHA256SUMS`, else `cargo install` from crates.io, else from mallette's Git source). The
//! templates hold `@MALLETTE_VERSION@`, `@MALLETTE_RELEASES@` and `@MALLETTE_GIT@`, filled here.

use anyhow::{bail, Result};

use super::{PROJECT_GIT_URL, RELEASES_URL};

const GITHUB_WORKFLOW: &str = include_str!("init/.github/workflows/mallette.yml");
const GITLAB_CI: &str = include_str!("init/.gitlab-ci.yml");
const FORGEJO_WORKFLOW: &str = include_str!("init/.forgejo/workflows/mallette.yml");
const WOODPECKER: &str = include_str!("init/.woodpecker.yml");
const INSTALL: &str = include_str!("init/mallette/install.sh");
const PUBLISH_PAGES: &str = include_str!("init/mallette/publish-pages.sh");

/// The version the CI files pin: this binary's.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The CI files of a new instance, by path, with mallette's Git source `source` (default
/// [`PROJECT_GIT_URL`]) as the last install route.
pub fn files(source: Option<&str>) -> Result<Vec<(&'static str, String)>> {
    let source = match source {
        Some(s) => checked_source(s)?,
        None => PROJECT_GIT_URL,
    };
    let install = INSTALL
        .replace("@MALLETTE_VERSION@", VERSION)
        .replace("@MALLETTE_RELEASES@", RELEASES_URL)
        .replace("@MALLETTE_GIT@", source);
    debug_assert!(!install.contains("@MALLETTE_"), "a placeholder is left");
    Ok(vec![
        (
            ".github/workflows/mallette.yml",
            GITHUB_WORKFLOW.to_string(),
        ),
        (".gitlab-ci.yml", GITLAB_CI.to_string()),
        (
            ".forgejo/workflows/mallette.yml",
            FORGEJO_WORKFLOW.to_string(),
        ),
        (".woodpecker.yml", WOODPECKER.to_string()),
        (".mallette/install.sh", install),
        (".mallette/publish-pages.sh", PUBLISH_PAGES.to_string()),
    ])
}

/// `--mallette-source`: an address `git clone` (and `cargo install --git`) understands, that can
/// sit between double quotes of a shell script as it is.
fn checked_source(source: &str) -> Result<&str> {
    let source = source.trim();
    if let Some(c) = source
        .chars()
        .find(|c| c.is_whitespace() || c.is_control() || "\"'`$\\{}".contains(*c))
    {
        bail!("--mallette-source `{source}` holds {c:?}: give a Git address such as {PROJECT_GIT_URL}");
    }
    let scheme = ["https://", "http://", "ssh://", "git://", "file://"]
        .iter()
        .any(|s| source.starts_with(s) && source.len() > s.len());
    // scp-like addresses: git@forge.example:reseau/mallette.git
    let scp = source
        .split_once(':')
        .is_some_and(|(host, path)| host.contains('@') && !host.contains('/') && !path.is_empty());
    if !scheme && !scp {
        bail!(
            "--mallette-source `{source}` is not a Git address: give one such as {PROJECT_GIT_URL}"
        );
    }
    Ok(source)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_placeholder_is_filled() {
        for (path, text) in files(Some("git@forge.example:reseau/mallette.git")).unwrap() {
            assert!(!text.contains("@MALLETTE_"), "{path}");
        }
        let install = &files(None).unwrap()[4].1;
        assert!(install.contains(&format!("MALLETTE_VERSION:-{VERSION}}}")));
        assert!(install.contains(PROJECT_GIT_URL));
    }

    #[test]
    fn a_source_that_could_break_the_script_is_refused() {
        for bad in [
            "",
            "codeberg.org/x",
            "https://x/$(id)",
            "https://x/\"y",
            "https://a b",
            "https://",
            "https://x/${HOME}",
        ] {
            assert!(files(Some(bad)).is_err(), "{bad:?}");
        }
        for good in [
            "https://framagit.org/reseau/mallette.git",
            "ssh://git@forge.example/reseau/mallette.git",
            "git@forge.example:reseau/mallette.git",
            "file:///srv/git/mallette.git",
        ] {
            assert!(files(Some(good)).is_ok(), "{good:?}");
        }
    }
}
