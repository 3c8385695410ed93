//! The native index writer (feature `native`).

use std::borrow::Borrow;
use std::path::Path;

use anyhow::{bail, Context, Result};
use tantivy::directory::MmapDirectory;
use tantivy::indexer::SingleSegmentIndexWriter;
use tantivy::store::Compressor;
use tantivy::tokenizer::TokenizerManager;
use tantivy::{Index, IndexSettings, TantivyDocument};

use crate::analysis::{self, Family};
use crate::lexicon::{self, DocMatcher, Lexicon};
use crate::schema::{self, Fields, EXCERPT_BYTES};
use crate::SearchDoc;

/// Memory budget of the segment writer's arenas (the index is written as one segment, in memory
/// until it is finalised).
const WRITER_MEMORY: usize = 64 * 1024 * 1024;

/// Writes a complete index of `docs` into `dir` (created if missing). A directory that already
/// holds a tantivy index (`meta.json`) is emptied first; any other non-empty directory is refused.
/// The result is a single segment, doc store compressed with LZ4.
///
/// Documents are indexed one by one on the calling thread, as `docs` yields them, with tantivy's
/// single-segment writer: a caller that builds them lazily never holds them all. (tantivy's usual
/// `IndexWriter` queues up to 10,000 documents for its indexing threads — about 20 KB each here,
/// 200 MB at 10,000 kits — and writes several segments that then have to be merged.)
pub fn write_index<D: Borrow<SearchDoc>>(
    docs: impl IntoIterator<Item = D>,
    dir: &Path,
) -> Result<()> {
    write_index_with_lexicon(docs, dir, &Lexicon::default())
}

/// [`write_index`], with the groups of `lexicon` each document names in its `lex` field and
/// `lexicon.bin` beside the index files (see [`crate::lexicon`]).
pub fn write_index_with_lexicon<D: Borrow<SearchDoc>>(
    docs: impl IntoIterator<Item = D>,
    dir: &Path,
    lexicon: &Lexicon,
) -> Result<()> {
    prepare_dir(dir)?;
    let mut matcher = DocMatcher::new(lexicon);
    let schema = schema::build_schema();
    let fields = Fields::resolve(&schema)?;
    let settings = IndexSettings {
        docstore_compression: Compressor::Lz4,
        ..IndexSettings::default()
    };
    let tokenizers = TokenizerManager::default();
    analysis::register_analyzers(&tokenizers);
    let directory = MmapDirectory::open(dir)
        .with_context(|| format!("opening search index folder {}", dir.display()))?;
    let mut writer: SingleSegmentIndexWriter = Index::builder()
        .schema(schema)
        .settings(settings)
        .tokenizers(tokenizers)
        .single_segment_index_writer(directory, WRITER_MEMORY)
        .with_context(|| format!("creating search index in {}", dir.display()))?;
    for doc in docs {
        let doc = doc.borrow();
        writer
            .add_document(to_document(&fields, doc, &mut matcher))
            .with_context(|| format!("indexing `{}`", doc.slug))?;
    }
    let index = writer.finalize().context("committing search index")?;
    if !lexicon.groups.is_empty() {
        // Through the index's own directory, which ends the file with tantivy's footer: readers
        // open it like the index's files (and refuse it if damaged).
        use std::io::Write as _;
        use tantivy::directory::TerminatingWrite as _;
        use tantivy::Directory as _;
        let mut file = index
            .directory()
            .open_write(Path::new(lexicon::LEXICON_FILE))
            .context("writing the lexicon beside the search index")?;
        file.write_all(&lexicon::file_bytes(lexicon))?;
        file.terminate()?;
    }
    drop(index);
    // The (empty) lock files are of no use to readers: keep them out of the published site.
    for lock in [".tantivy-writer.lock", ".tantivy-meta.lock"] {
        let path = dir.join(lock);
        if path.exists() {
            std::fs::remove_file(&path).with_context(|| format!("removing {}", path.display()))?;
        }
    }
    name_segments_by_content(dir)?;
    make_world_readable(dir)?;
    Ok(())
}

/// tantivy names a segment's files after a random id: every build of the same kits would publish
/// files of other names (defeating CDN caches, making built sites impossible to compare). Rename
/// each segment after a hash of its files' contents instead, in `meta.json` too, and list the
/// managed files in a fixed order.
fn name_segments_by_content(dir: &Path) -> Result<()> {
    use sha2::{Digest, Sha256};
    let meta_path = dir.join("meta.json");
    let mut meta = std::fs::read_to_string(&meta_path).context("reading meta.json")?;
    let json: serde_json::Value = serde_json::from_str(&meta).context("parsing meta.json")?;
    let ids: Vec<String> = json["segments"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["segment_id"].as_str().map(str::to_string))
        .collect();
    let mut names: Vec<String> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    for hyphenated in ids {
        let simple = hyphenated.replace('-', "");
        let mut files: Vec<String> = names
            .iter()
            .filter(|n| n.starts_with(&format!("{simple}.")))
            .cloned()
            .collect();
        files.sort();
        let mut hasher = Sha256::new();
        for file in &files {
            hasher.update(file[simple.len()..].as_bytes());
            hasher.update(std::fs::read(dir.join(file))?);
        }
        let digest = hasher.finalize();
        let new_simple: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
        let new_hyphenated = format!(
            "{}-{}-{}-{}-{}",
            &new_simple[..8],
            &new_simple[8..12],
            &new_simple[12..16],
            &new_simple[16..20],
            &new_simple[20..]
        );
        for file in &files {
            let renamed = format!("{new_simple}{}", &file[simple.len()..]);
            std::fs::rename(dir.join(file), dir.join(&renamed))?;
            names.retain(|n| n != file);
            names.push(renamed);
        }
        meta = meta.replace(&hyphenated, &new_hyphenated);
    }
    std::fs::write(&meta_path, meta).context("writing meta.json")?;
    let mut managed: Vec<&String> = names.iter().filter(|n| !n.starts_with('.')).collect();
    managed.sort();
    std::fs::write(dir.join(".managed.json"), serde_json::to_string(&managed)?)
        .context("writing .managed.json")?;
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

fn to_document(f: &Fields, d: &SearchDoc, matcher: &mut DocMatcher) -> TantivyDocument {
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
        if !d.headings.is_empty() {
            doc.add_text(s, &d.headings);
        }
        doc.add_text(b, &d.body);
    }
    doc.add_text(f.title_raw, &d.title);
    doc.add_text(f.text_raw, &d.summary);
    doc.add_text(f.text_raw, &d.body);
    if !d.labels.is_empty() {
        doc.add_text(f.meta_fr, &d.labels);
    }
    if !matcher.is_empty() {
        let lex = matcher.tokens(&[&d.title, &d.summary, &d.labels, &d.body]);
        if !lex.is_empty() {
            doc.add_text(f.lex, &lex);
        }
    }

    let single = |v: &str| {
        if v.is_empty() {
            vec![]
        } else {
            vec![v.to_string()]
        }
    };
    let kind = if d.kind.is_empty() { "kit" } else { &d.kind };
    let tested = if d.last_session.is_empty() {
        vec![]
    } else {
        vec!["oui".to_string()]
    };
    let values: [Vec<String>; 11] = [
        d.themes.clone(),
        d.audiences.clone(),
        single(&d.level),
        d.formats.clone(),
        d.materials.clone(),
        d.competences.clone(),
        d.accessibility.clone(),
        single(&d.language),
        vec![schema::duration_bucket(d.duration_minutes).to_string()],
        vec![kind.to_string()],
        tested,
    ];
    for (field, vals) in f.facets.iter().zip(values) {
        for v in vals {
            doc.add_text(*field, v);
        }
    }
    doc.add_u64(f.duration_minutes, u64::from(d.duration_minutes));
    doc.add_u64(f.updated, schema::date_number(&d.updated));
    doc.add_u64(f.last_session, schema::date_number(&d.last_session));
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
