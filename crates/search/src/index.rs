//! The native index writer (feature `native`).

use std::path::Path;

use anyhow::{bail, Context, Result};
use tantivy::indexer::NoMergePolicy;
use tantivy::store::Compressor;
use tantivy::{Index, IndexSettings, IndexWriter, TantivyDocument};

use crate::analysis::{self, Family};
use crate::schema::{self, Fields, EXCERPT_BYTES};
use crate::SearchDoc;

/// Memory budget of the single indexing thread. Small instances fit in one segment; larger ones
/// are merged into one at the end.
const WRITER_MEMORY: usize = 64 * 1024 * 1024;

/// Writes a complete index of `docs` into `dir` (created if missing). A directory that already
/// holds a tantivy index (`meta.json`) is emptied first; any other non-empty directory is refused.
/// The result is a single merged segment, doc store compressed with LZ4.
pub fn write_index(docs: &[SearchDoc], dir: &Path) -> Result<()> {
    prepare_dir(dir)?;
    let schema = schema::build_schema();
    let fields = Fields::resolve(&schema)?;
    let settings = IndexSettings {
        docstore_compression: Compressor::Lz4,
        ..IndexSettings::default()
    };
    let index = Index::builder()
        .schema(schema)
        .settings(settings)
        .create_in_dir(dir)
        .with_context(|| format!("creating search index in {}", dir.display()))?;
    analysis::register_analyzers(index.tokenizers());

    let mut writer: IndexWriter = index
        .writer_with_num_threads(1, WRITER_MEMORY)
        .context("opening search index writer")?;
    writer.set_merge_policy(Box::new(NoMergePolicy));
    for doc in docs {
        writer
            .add_document(to_document(&fields, doc))
            .with_context(|| format!("indexing `{}`", doc.slug))?;
    }
    writer.commit().context("committing search index")?;

    let segments = index.searchable_segment_ids()?;
    if segments.len() > 1 {
        writer
            .merge(&segments)
            .wait()
            .context("merging search index segments")?;
    }
    writer
        .garbage_collect_files()
        .wait()
        .context("cleaning search index files")?;
    writer.wait_merging_threads()?;
    drop(index);
    // The (empty) lock files are of no use to readers: keep them out of the published site.
    for lock in [".tantivy-writer.lock", ".tantivy-meta.lock"] {
        let path = dir.join(lock);
        if path.exists() {
            std::fs::remove_file(&path).with_context(|| format!("removing {}", path.display()))?;
        }
    }
    make_world_readable(dir)?;
    Ok(())
}

/// tantivy writes `meta.json` and `.managed.json` with mode 0600; the index is published as
/// static files, which a web server running as another user must be able to read.
#[cfg(unix)]
fn make_world_readable(dir: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let mut perms = std::fs::metadata(&path)?.permissions();
        if perms.mode() & 0o044 != 0o044 {
            perms.set_mode(perms.mode() | 0o644);
            std::fs::set_permissions(&path, perms)
                .with_context(|| format!("setting permissions of {}", path.display()))?;
        }
    }
    Ok(())
}

#[cfg(not(unix))]
fn make_world_readable(_dir: &Path) -> Result<()> {
    Ok(())
}

fn prepare_dir(dir: &Path) -> Result<()> {
    if dir.exists() {
        let non_empty = std::fs::read_dir(dir)?.next().is_some();
        if dir.join("meta.json").exists() {
            std::fs::remove_dir_all(dir)
                .with_context(|| format!("removing old search index {}", dir.display()))?;
        } else if non_empty {
            bail!(
                "{} is not empty and holds no search index: refusing to write into it",
                dir.display()
            );
        }
    }
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(())
}

fn to_document(f: &Fields, d: &SearchDoc) -> TantivyDocument {
    let mut doc = TantivyDocument::new();
    doc.add_text(f.slug, &d.slug);
    doc.add_text(f.url, &d.url);
    doc.add_text(f.title, &d.title);
    doc.add_text(f.summary, &d.summary);
    doc.add_text(f.excerpt, truncate_at_boundary(&d.body, EXCERPT_BYTES));

    let (title, summary, body) = match Family::of(&d.language) {
        Family::French => (Some(f.title_fr), Some(f.summary_fr), Some(f.body_fr)),
        Family::English => (Some(f.title_en), Some(f.summary_en), Some(f.body_en)),
        Family::Other => (None, None, None),
    };
    if let (Some(t), Some(s), Some(b)) = (title, summary, body) {
        doc.add_text(t, &d.title);
        doc.add_text(s, &d.summary);
        doc.add_text(b, &d.body);
    }
    doc.add_text(f.title_raw, &d.title);
    doc.add_text(f.text_raw, &d.summary);
    doc.add_text(f.text_raw, &d.body);

    let single = |v: &str| {
        if v.is_empty() {
            vec![]
        } else {
            vec![v.to_string()]
        }
    };
    let values: [Vec<String>; 9] = [
        d.themes.clone(),
        d.audiences.clone(),
        single(&d.level),
        d.formats.clone(),
        d.materials.clone(),
        d.competences.clone(),
        d.accessibility.clone(),
        single(&d.language),
        vec![schema::duration_bucket(d.duration_minutes).to_string()],
    ];
    for (field, vals) in f.facets.iter().zip(values) {
        for v in vals {
            doc.add_text(*field, v);
        }
    }
    doc.add_u64(f.duration_minutes, u64::from(d.duration_minutes));
    doc.add_text(f.title_sort, sort_key(&d.title));
    doc
}

/// Folded, lower-cased title, used to order browse-mode results.
fn sort_key(title: &str) -> String {
    let mut a = analysis::folded();
    let words: Vec<String> = analysis::tokens(&mut a, title)
        .into_iter()
        .map(|t| t.text)
        .collect();
    words.join(" ")
}

/// Cuts a string to at most `max` bytes at a char boundary (preferably at a whitespace).
fn truncate_at_boundary(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    match s[..end].rfind(char::is_whitespace) {
        Some(ws) if ws > max / 2 => &s[..ws],
        _ => &s[..end],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation() {
        assert_eq!(truncate_at_boundary("héhé", 2), "h");
        assert_eq!(truncate_at_boundary("abc def ghi", 9), "abc def");
        assert_eq!(truncate_at_boundary("abc", 9), "abc");
    }

    #[test]
    fn sort_keys_fold() {
        assert_eq!(sort_key("Éduquer  l'œil"), "eduquer l oeil");
    }
}
