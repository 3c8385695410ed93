//! Writing the site atomically.
//!
//! Everything is written into a staging folder created *beside* the output folder (same file
//! system, so the final step is a rename). Only when every file is written does the staging folder
//! replace the output. If anything fails before, the staging folder is removed when dropped and the
//! previous output is left byte for byte as it was.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

pub struct Staging {
    dir: tempfile::TempDir,
    out: PathBuf,
}

impl Staging {
    /// Prepare a staging folder for `out`. Refuses an output that would swallow the instance.
    pub fn new(root: &Path, out: &Path) -> Result<Staging> {
        let parent = out
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
        let root_abs = std::fs::canonicalize(root)
            .with_context(|| format!("cannot open {}", root.display()))?;
        let parent_abs = std::fs::canonicalize(parent)?;
        let out_abs = parent_abs.join(out.file_name().context("--out needs a folder name")?);
        if root_abs.starts_with(&out_abs) || out_abs.starts_with(root_abs.join("content")) {
            bail!(
                "refusing to write the site to {}: it would replace the instance's own files (choose e.g. {}/public)",
                out.display(),
                root.display()
            );
        }
        let dir = tempfile::Builder::new()
            .prefix(".mallette-staging-")
            .tempdir_in(&parent_abs)
            .with_context(|| {
                format!("cannot create a staging folder in {}", parent_abs.display())
            })?;
        Ok(Staging { dir, out: out_abs })
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
        let Staging { dir, out } = self;
        let staged = dir.keep();
        if out.exists() {
            let parent = out.parent().unwrap_or(Path::new("."));
            let old = tempfile::Builder::new()
                .prefix(".mallette-old-")
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
            std::fs::remove_dir_all(&old)
                .with_context(|| format!("cannot remove {}", old.display()))?;
        } else {
            std::fs::rename(&staged, &out)
                .with_context(|| format!("cannot move the new site to {}", out.display()))?;
        }
        Ok(out)
    }
}
