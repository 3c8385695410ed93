//! Writing the site atomically, and never over what mallette did not write.
//!
//! Everything is written into a staging folder created *beside* the output folder (same file
//! system, so the final step is a rename). Only when every file is written does the staging folder
//! replace the output. If anything fails before, the staging folder is removed when dropped and the
//! previous output is left byte for byte as it was.
//!
//! Every build writes a [`MARKER`] file at the root of its output. An existing output is replaced
//! only when it holds that marker (or is empty): a `--out` pointed by mistake at a folder of other
//! files (a `.git`, `themes/`, someone's documents) or at a file is refused with exit 2, unless
//! `--force`. Builds into one output are serialised by a lock on the folder that holds it, and
//! whatever a killed build left there (its staging or old-output folder) is removed by the next.

use std::fs::File;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use mallette_content::Lang;

/// The file at the root of every built site that says mallette wrote it.
pub const MARKER: &str = ".mallette-site";

const MARKER_TEXT: &str = "This folder was written by mallette, the static wiki generator. Each build replaces it whole.\nCe dossier a été écrit par mallette. Chaque construction le remplace en entier.\n";

pub struct Staging {
    dir: tempfile::TempDir,
    out: PathBuf,
    /// Prefix of this output's leftovers beside it (`.mallette-old-public-`).
    old_prefix: String,
    /// Held until the staged site is in place: one build at a time per output folder.
    _lock: Option<File>,
}

impl Staging {
    /// Prepare a staging folder for `out`. Refuses an output that would swallow the instance, and
    /// (unless `force`) one that holds files mallette did not write.
    pub fn new(root: &Path, out: &Path, force: bool, lang: Lang) -> Result<Staging> {
        let parent = out
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
        let root_abs = std::fs::canonicalize(root)
            .with_context(|| format!("cannot open {}", root.display()))?;
        let parent_abs = std::fs::canonicalize(parent)?;
        let name = out
            .file_name()
            .context("--out needs a folder name")?
            .to_string_lossy()
            .into_owned();
        let out_abs = parent_abs.join(&name);
        if root_abs.starts_with(&out_abs) || out_abs.starts_with(root_abs.join("content")) {
            bail!(
                "{}",
                lang.format(
                    "out.instance",
                    &[("out", &out.display()), ("root", &root.display())]
                )
            );
        }
        if !force {
            refuse_what_is_not_ours(&out_abs, out, lang)?;
        }
        let lock = lock(&parent_abs, &name);
        // Holding the lock, any staging or old folder of this output is a killed build's.
        let staging_prefix = format!(".mallette-staging-{name}-");
        let old_prefix = format!(".mallette-old-{name}-");
        remove_leftovers(&parent_abs, &[&staging_prefix, &old_prefix]);
        let dir = tempfile::Builder::new()
            .prefix(&staging_prefix)
            .tempdir_in(&parent_abs)
            .with_context(|| {
                format!("cannot create a staging folder in {}", parent_abs.display())
            })?;
        let staging = Staging {
            dir,
            out: out_abs,
            old_prefix,
            _lock: lock,
        };
        staging.write(MARKER, MARKER_TEXT.as_bytes())?;
        Ok(staging)
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Write `bytes` at the site-relative path `rel`.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        let path = self.dir.path().join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))
    }

    /// Copy the file `source` to the site-relative path `rel`.
    pub fn copy(&self, source: &Path, rel: &str) -> Result<()> {
        let path = self.dir.path().join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::copy(source, &path)
            .with_context(|| format!("cannot copy {}", source.display()))?;
        Ok(())
    }

    /// Replace the output folder with the staged site.
    pub fn commit(self) -> Result<PathBuf> {
        let Staging {
            dir,
            out,
            old_prefix,
            _lock,
        } = self;
        let staged = dir.keep();
        if out.symlink_metadata().is_ok() {
            let parent = out.parent().unwrap_or(Path::new("."));
            let old = tempfile::Builder::new()
                .prefix(&old_prefix)
                .tempdir_in(parent)?
                .keep();
            // `old` exists as an empty folder; rename over it (allowed for empty folders).
            std::fs::remove_dir(&old)?;
            std::fs::rename(&out, &old)
                .with_context(|| format!("cannot move {} aside", out.display()))?;
            if let Err(e) = std::fs::rename(&staged, &out) {
                let _ = std::fs::rename(&old, &out);
                let _ = std::fs::remove_dir_all(&staged);
                return Err(e)
                    .with_context(|| format!("cannot move the new site to {}", out.display()));
            }
            let removed = if old.is_dir() {
                std::fs::remove_dir_all(&old)
            } else {
                std::fs::remove_file(&old) // a file replaced with --force
            };
            removed.with_context(|| format!("cannot remove {}", old.display()))?;
        } else {
            std::fs::rename(&staged, &out)
                .with_context(|| format!("cannot move the new site to {}", out.display()))?;
        }
        Ok(out)
    }
}

/// Whether `dir` is a site mallette wrote: its marker, or (for sites built before the marker
/// existed) a `catalog.json` whose generator is mallette beside a `search/` folder.
pub fn is_ours(dir: &Path) -> bool {
    if dir.join(MARKER).is_file() {
        return true;
    }
    let catalog = std::fs::read_to_string(dir.join("catalog.json")).unwrap_or_default();
    dir.join("search").is_dir() && catalog.contains("\"generator\": \"mallette ")
}

fn refuse_what_is_not_ours(out_abs: &Path, out: &Path, lang: Lang) -> Result<()> {
    let Ok(meta) = out_abs.symlink_metadata() else {
        return Ok(()); // nothing there yet
    };
    if !meta.is_dir() {
        bail!("{}", lang.format("out.is-file", &[("out", &out.display())]));
    }
    let empty = std::fs::read_dir(out_abs)
        .with_context(|| format!("cannot read {}", out.display()))?
        .next()
        .is_none();
    if !empty && !is_ours(out_abs) {
        bail!(
            "{}",
            lang.format(
                "out.not-ours",
                &[("out", &out.display()), ("marker", &MARKER)]
            )
        );
    }
    Ok(())
}

/// An exclusive lock on the folder that holds the output (waiting for another build to finish).
/// Where folders cannot be opened as files, builds go unserialised.
fn lock(parent: &Path, _name: &str) -> Option<File> {
    let file = File::open(parent).ok()?;
    file.lock().ok()?;
    Some(file)
}

fn remove_leftovers(parent: &Path, prefixes: &[&str]) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if prefixes.iter().any(|p| name.starts_with(p)) {
            let path = entry.path();
            let _ = if path.is_dir() {
                std::fs::remove_dir_all(&path)
            } else {
                std::fs::remove_file(&path)
            };
        }
    }
}
