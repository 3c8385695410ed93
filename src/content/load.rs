//! Loading: walk `content/`, classify files and read the Markdown ones.
//!
//! - `content/kits/**/<slug>.md` and `content/kits/**/<slug>/index.md` are kits;
//!   `index.<lang>.md` (or `<slug>.<lang>.md`) is a translation of the same kit.
//! - Other `.md` files inside a kit folder, and every other file, are potential attachments.
//! - `.md` files anywhere else in `content/` (usually `content/pages/`) are plain pages.
//!
//! Symbolic links are never followed (walkdir's default) and never read or copied: a link loop
//! cannot hang the walk and a link cannot smuggle a file from outside `content/` into the site.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diagnostics::{Diagnostic, Problem};
use crate::model::{Source, SourceKind};
use crate::slug::{is_slug, slugify};
use crate::validate::is_language_tag;

/// Longest slug: the kit's archive `<slug>.zip` and every URL stay well inside the 255 bytes a
/// file name may have.
pub const MAX_SLUG_BYTES: usize = 100;

/// Everything read from `content/`.
#[derive(Debug, Default)]
pub struct Loaded {
    pub sources: Vec<Source>,
    /// Every regular file under `content/` (relative to the instance root, `/`-separated).
    pub files: BTreeSet<String>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Walk `<root>/content`. An unreadable `content/` folder is an I/O error (Err).
pub fn load(root: &Path) -> std::io::Result<Loaded> {
    let content = root.join("content");
    if !content.is_dir() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("{}: no content/ folder", content.display()),
        ));
    }
    let mut loaded = Loaded::default();
    let mut markdown: Vec<(PathBuf, String)> = Vec::new();
    for entry in WalkDir::new(&content)
        .follow_links(false)
        .sort_by_file_name()
    {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let path = e
                    .path()
                    .map(|p| rel(root, p))
                    .unwrap_or_else(|| "content".into());
                loaded.diagnostics.push(Diagnostic::error(
                    Path::new(&path),
                    0,
                    0,
                    Problem::Io {
                        detail: e.to_string(),
                    },
                ));
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue; // directories, and symlinks (never followed nor copied)
        }
        let name = entry.file_name().to_string_lossy();
        if name.starts_with('.') {
            continue; // .DS_Store, editor swap files, .gitkeep
        }
        let rel_path = rel(root, entry.path());
        if name.ends_with(".md") {
            markdown.push((entry.path().to_path_buf(), rel_path.clone()));
        }
        loaded.files.insert(rel_path);
    }

    let kit_folders: BTreeSet<&str> = loaded
        .files
        .iter()
        .filter_map(|f| f.strip_suffix("/index.md"))
        .filter(|dir| dir.starts_with("content/kits/"))
        .collect();
    let mut sources = Vec::new();
    for (abs_path, rel_path) in markdown {
        match classify(&rel_path, &kit_folders, &abs_path) {
            Class::Source => sources.push((abs_path, rel_path)),
            Class::Attachment => {}
            Class::Problem(problem) => {
                loaded
                    .diagnostics
                    .push(Diagnostic::error(Path::new(&rel_path), 1, 1, problem))
            }
        }
    }
    for (abs_path, rel_path) in sources {
        if let Some(source) = read_source(&abs_path, &rel_path, &mut loaded.diagnostics) {
            loaded.sources.push(source);
        }
    }
    Ok(loaded)
}

enum Class {
    /// A kit or a page.
    Source,
    /// A Markdown file beside a kit's `index.md` (a handout's source…).
    Attachment,
    Problem(Problem),
}

/// What a Markdown file of `content/` is. In `content/kits/`, a folder holding an `index.md` is
/// one kit and every other file in it (sub-folders included) one of its attachments: so the
/// kits folder itself cannot be a kit, a kit folder cannot hold another kit, and a file with a
/// kit's front-matter in a kit folder is a mistake (it would be published as is).
fn classify(rel_path: &str, kit_folders: &BTreeSet<&str>, abs_path: &Path) -> Class {
    if !rel_path.starts_with("content/kits/") {
        return Class::Source; // plain pages
    }
    let (dir, name) = rel_path.rsplit_once('/').unwrap_or(("", rel_path));
    // The kit folder `dir` is in (or is), if any: the nearest folder with an `index.md`.
    let enclosing = |from: &str| -> Option<String> {
        let mut folder = from;
        loop {
            if folder == "content/kits" || !folder.starts_with("content/kits") {
                return None;
            }
            if kit_folders.contains(folder) {
                return Some(format!("{folder}/index.md"));
            }
            folder = folder.rsplit_once('/')?.0;
        }
    };
    if split_language(name).0 == "index" {
        if dir == "content/kits" {
            return Class::Problem(Problem::KitsFolderIndex);
        }
        let parent = dir.rsplit_once('/').map_or("", |(p, _)| p);
        return match enclosing(parent) {
            Some(outer) => Class::Problem(Problem::NestedKit { outer }),
            None => Class::Source,
        };
    }
    match enclosing(dir) {
        Some(kit) if starts_with_front_matter(abs_path) => {
            Class::Problem(Problem::KitInKitFolder { kit })
        }
        Some(_) => Class::Attachment,
        None => Class::Source,
    }
}

/// Whether a file begins with a `---` line (a BOM allowed), as a kit or page does.
fn starts_with_front_matter(path: &Path) -> bool {
    let mut start = [0u8; 8];
    let Ok(mut file) = std::fs::File::open(path) else {
        return false;
    };
    let n = std::io::Read::read(&mut file, &mut start).unwrap_or(0);
    let start = &start[..n];
    let start = start.strip_prefix(b"\xef\xbb\xbf").unwrap_or(start);
    start.starts_with(b"---\n") || start.starts_with(b"---\r\n")
}

/// `index.en.md` → ("index", Some("en")); `x.md` → ("x", None).
fn split_language(file_name: &str) -> (&str, Option<&str>) {
    let stem = file_name.strip_suffix(".md").unwrap_or(file_name);
    match stem.rsplit_once('.') {
        Some((base, lang)) if is_language_tag(lang) => (base, Some(lang)),
        _ => (stem, None),
    }
}

/// Read and classify one Markdown file (also used by `serve` to re-read an edited file).
pub fn read_source(
    abs_path: &Path,
    rel_path: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Source> {
    let file = Path::new(rel_path);
    let bytes = match std::fs::read(abs_path) {
        Ok(bytes) => bytes,
        Err(e) => {
            diagnostics.push(Diagnostic::error(
                file,
                0,
                0,
                Problem::Io {
                    detail: e.to_string(),
                },
            ));
            return None;
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let valid = std::str::from_utf8(valid).unwrap_or_default();
            let line = valid.matches('\n').count() + 1;
            let column = valid
                .rsplit('\n')
                .next()
                .map(|l| l.chars().count())
                .unwrap_or(0)
                + 1;
            diagnostics.push(Diagnostic::error(file, line, column, Problem::NotUtf8));
            return None;
        }
    };
    let text = text
        .strip_prefix('\u{feff}')
        .unwrap_or(&text)
        .replace("\r\n", "\n");

    let in_kits_folder = rel_path.starts_with("content/kits/");
    let file_name = abs_path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let (base, language) = split_language(file_name);
    let (kind, slug) = if in_kits_folder {
        let slug = if base == "index" {
            abs_path
                .parent()
                .and_then(|p| p.file_name())
                .and_then(|n| n.to_str())
                .unwrap_or_default()
        } else {
            base
        };
        (SourceKind::Kit, slug.to_string())
    } else if rel_path.starts_with("content/parcours/") {
        (SourceKind::Parcours, base.to_string())
    } else {
        (SourceKind::Page, base.to_string())
    };
    if slug.len() > MAX_SLUG_BYTES {
        diagnostics.push(Diagnostic::error(
            file,
            0,
            0,
            Problem::SlugTooLong {
                slug: slug.clone(),
                max: MAX_SLUG_BYTES,
            },
        ));
        return None;
    }
    if !is_slug(&slug) {
        diagnostics.push(Diagnostic::error(
            file,
            0,
            0,
            Problem::BadSlug {
                suggestion: slugify(&slug),
                slug: slug.clone(),
            },
        ));
        return None;
    }
    Some(Source {
        rel_path: rel_path.to_string(),
        abs_path: abs_path.to_path_buf(),
        kind,
        slug,
        file_language: language.map(str::to_string),
        text,
    })
}

/// `/`-separated path of `path` relative to `root`.
pub fn rel(root: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}
