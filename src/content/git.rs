//! Git history of the instance: the date of the last commit touching each file and the people
//! who wrote those commits.
//!
//! One `git log` over the whole repository, read once per build: asking git once per kit would cost
//! a process per file. Without git, or outside a repository, every answer is empty and the build
//! goes on silently (`updated` defaults to the last commit *when there is Git*: docs/content-format.md).

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::process::Command;

use chrono::NaiveDate;

#[derive(Debug, Default, Clone)]
pub struct FileHistory {
    pub last_commit: Option<NaiveDate>,
    /// Commit authors, in order of first appearance (newest first).
    pub authors: Vec<String>,
}

#[derive(Debug, Default)]
pub struct History {
    /// Instance-relative path (`content/kits/x.md`) → its history.
    by_path: HashMap<String, FileHistory>,
}

impl History {
    /// Read the history of `root`'s files; empty when git or the repository is missing.
    pub fn read(root: &Path) -> History {
        let Some(prefix) = git(root, &["rev-parse", "--show-prefix"]) else {
            return History::default();
        };
        let prefix = prefix.trim().to_string();
        // `--format` marks each commit with a line starting with \x01, then the changed files.
        let Some(log) = git(
            root,
            &[
                "log",
                "--no-merges",
                "--name-only",
                "--format=%x01%aI%x00%aN",
                "--no-renames",
                "--",
                "content",
            ],
        ) else {
            return History::default();
        };
        let mut by_path: HashMap<String, FileHistory> = HashMap::new();
        let mut seen_authors: HashMap<String, BTreeSet<String>> = HashMap::new();
        let mut current: Option<(Option<NaiveDate>, String)> = None;
        for line in log.lines() {
            if let Some(header) = line.strip_prefix('\u{1}') {
                let (date, author) = header.split_once('\0').unwrap_or((header, ""));
                let date = date
                    .get(..10)
                    .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
                current = Some((date, author.to_string()));
            } else if !line.is_empty() {
                let Some((date, author)) = &current else {
                    continue;
                };
                // git prints paths relative to the repository top; make them instance-relative.
                let Some(path) = line.strip_prefix(&prefix) else {
                    continue;
                };
                let entry = by_path.entry(path.to_string()).or_default();
                if entry.last_commit.is_none() {
                    entry.last_commit = *date;
                }
                if !author.is_empty()
                    && seen_authors
                        .entry(path.to_string())
                        .or_default()
                        .insert(author.clone())
                {
                    entry.authors.push(author.clone());
                }
            }
        }
        History { by_path }
    }

    pub fn of(&self, rel_path: &str) -> FileHistory {
        self.by_path.get(rel_path).cloned().unwrap_or_default()
    }
}

fn git(root: &Path, args: &[&str]) -> Option<String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}
