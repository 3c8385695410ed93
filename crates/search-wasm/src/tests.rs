//! The engine over chunks gives exactly what the native searcher gives, and reads only chunks.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Mutex;

use super::*;
use mallette_search::SearchDoc;

/// Chunks read from files on disk, every fetch recorded.
struct DiskSource {
    dir: PathBuf,
    specs: Vec<FileSpec>,
    fetched: Mutex<Vec<(u32, u32)>>,
}

impl ChunkSource for DiskSource {
    fn fetch(&self, file: u32, chunk: u32, buf: &mut [u8]) -> std::io::Result<()> {
        let spec = &self.specs[file as usize];
        let bytes = std::fs::read(self.dir.join(&spec.path))?;
        let start = chunk as usize * spec.chunk;
        buf.copy_from_slice(&bytes[start..start + buf.len()]);
        self.fetched.lock().unwrap().push((file, chunk));
        Ok(())
    }
}

fn docs() -> Vec<SearchDoc> {
    let kit = |slug: &str, title: &str, body: &str, level: &str| SearchDoc {
        slug: slug.into(),
        url: format!("/kits/{slug}/"),
        title: title.into(),
        summary: format!("Résumé de {title}"),
        body: body.into(),
        language: "fr".into(),
        themes: vec!["securite".into()],
        audiences: vec!["seniors".into()],
        level: level.into(),
        formats: vec![],
        materials: vec![],
        competences: vec![],
        accessibility: vec![],
        duration_minutes: 90,
        ..SearchDoc::default()
    };
    let mut docs = vec![
        kit(
            "mots-de-passe",
            "Mots de passe et gestionnaire",
            "On installe KeePassXC et on invente des phrases de passe.",
            "debutant",
        ),
        kit(
            "thunderbird",
            "Messagerie avec Thunderbird",
            "Thunderbird est un logiciel libre de messagerie.",
            "intermediaire",
        ),
    ];
    for i in 0..200 {
        docs.push(kit(
            &format!("kit-{i}"),
            &format!("Atelier numéro {i} sur les navigateurs"),
            &"Les navigateurs web gardent un historique et des cookies. ".repeat(20),
            ["debutant", "avance"][i % 2],
        ));
    }
    docs
}

#[test]
fn chunked_engine_matches_native_search() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("index");
    mallette_search::write_index(&docs(), &dir).unwrap();
    let native = mallette_search::open_index(&dir).unwrap();

    let mut specs: Vec<FileSpec> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            FileSpec {
                path: e.file_name().to_string_lossy().into_owned(),
                len: e.metadata().unwrap().len() as usize,
                chunk: 1000,
            }
        })
        .collect();
    specs.sort_by(|a, b| a.path.cmp(&b.path));
    let source = Arc::new(DiskSource {
        dir: dir.clone(),
        specs: specs.clone(),
        fetched: Mutex::new(Vec::new()),
    });
    let mut engine = Engine::open(
        &serde_json::to_string(&specs_json(&specs)).unwrap(),
        source.clone(),
    )
    .unwrap();

    for (text, filters) in [
        ("mot de pase", vec![]),
        ("thunderbrid", vec![]),
        ("navigateur", vec![("level", "avance")]),
        ("", vec![("level", "debutant")]),
        ("cooki", vec![]),
    ] {
        let query = Query {
            text: text.into(),
            filters: filters
                .iter()
                .map(|(f, v)| (f.to_string(), v.to_string()))
                .collect(),
            limit: 10,
            ..Query::default()
        };
        let expected = native.search(&query).unwrap();
        let input = serde_json::json!({ "q": text, "f": query.filters, "n": 10 }).to_string();
        let out: serde_json::Value = serde_json::from_str(&engine.search(&input).unwrap()).unwrap();
        assert_eq!(out["total"], expected.total, "{text}");
        assert_eq!(
            out["facets"],
            serde_json::to_value(&expected.facets).unwrap(),
            "{text}"
        );
        let hits = out["hits"].as_array().unwrap();
        assert_eq!(hits.len(), expected.hits.len());
        // The document files the browser would fetch: stored fields of each hit.
        let mut excerpts = Vec::new();
        for (hit, want) in hits.iter().zip(&expected.hits) {
            let (seg, doc) = hit["doc"].as_str().unwrap().split_once('-').unwrap();
            let addr = mallette_search::tantivy::DocAddress::new(
                seg.parse().unwrap(),
                doc.parse().unwrap(),
            );
            let stored = native.stored(addr).unwrap();
            assert_eq!(stored.slug, want.slug, "{text}");
            assert!((hit["score"].as_f64().unwrap() as f32 - want.score).abs() < 1e-4);
            excerpts.push(serde_json::json!({ "x": stored.excerpt, "g": stored.language }));
        }
        let snippets: Vec<String> = serde_json::from_str(
            &engine
                .snippets(&serde_json::Value::from(excerpts).to_string())
                .unwrap(),
        )
        .unwrap();
        let want: Vec<&str> = expected
            .hits
            .iter()
            .map(|h| h.snippet_html.as_str())
            .collect();
        assert_eq!(snippets, want, "{text}");
    }

    // Never a chunk twice, and the doc store beyond its footer is never read.
    let fetched = source.fetched.lock().unwrap().clone();
    let unique: BTreeSet<_> = fetched.iter().collect();
    assert_eq!(unique.len(), fetched.len());
    let store = specs
        .iter()
        .position(|s| s.path.ends_with(".store"))
        .unwrap();
    let store_chunks = fetched.iter().filter(|(f, _)| *f as usize == store).count();
    let total_store_chunks = specs[store].len.div_ceil(1000);
    assert!(
        store_chunks < total_store_chunks / 2,
        "{store_chunks} of {total_store_chunks} store chunks read"
    );
}

fn specs_json(specs: &[FileSpec]) -> serde_json::Value {
    specs
        .iter()
        .map(|s| serde_json::json!({ "path": s.path, "len": s.len, "chunk": s.chunk }))
        .collect()
}

#[test]
fn errors_are_reported_not_panics() {
    struct Failing;
    impl ChunkSource for Failing {
        fn fetch(&self, _: u32, _: u32, _: &mut [u8]) -> std::io::Result<()> {
            Err(std::io::Error::other("offline"))
        }
    }
    let files = r#"[{"path": "meta.json", "len": 100, "chunk": 64}]"#;
    assert!(Engine::open(files, Arc::new(Failing)).is_err());
    assert!(Engine::open("not json", Arc::new(Failing)).is_err());
}
