//! Self-contained checks (no `mallette` binary needed): a small index written with
//! `mallette_search::write_index` (French, English and German kits), an empty index, the two
//! on-disk layouts, the prefetch protocol, and damaged chunks (errors, never panics).

mod common;

use std::io;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Mutex;

use common::*;
use mallette_search::SearchDoc;
use mallette_search_reader::export::Export;
use mallette_search_reader::{ChunkDirSource, ChunkRef, ChunkSource, Reader, TermInfo};

fn doc(
    slug: &str,
    lang: &str,
    title: &str,
    summary: &str,
    body: &str,
    themes: &[&str],
) -> SearchDoc {
    SearchDoc {
        slug: slug.into(),
        url: format!("/kits/{slug}/"),
        title: title.into(),
        summary: summary.into(),
        body: body.into(),
        language: lang.into(),
        themes: themes.iter().map(|t| t.to_string()).collect(),
        audiences: vec!["adultes".into(), "seniors".into()],
        level: "debutant".into(),
        materials: if slug.len().is_multiple_of(2) {
            vec!["tablettes".into()]
        } else {
            vec![]
        },
        competences: vec!["pix:1.1".into(), "pix:3.2".into()],
        duration_minutes: (slug.len() as u32) * 10,
        ..Default::default()
    }
}

fn docs() -> Vec<SearchDoc> {
    let mut v = vec![
        doc("mots-de-passe", "fr", "Mots de passe solides", "Créer et retenir des mots de passe", "Un gestionnaire de mots de passe garde vos données. Les navigateurs proposent aussi de retenir les mots de passe.", &["securite"]),
        doc("navigateur", "fr", "Découvrir son navigateur", "Onglets, favoris, historique", "Le navigateur affiche les pages web. Les cookies suivent la navigation; effacer l'historique.", &["internet", "vie-privee"]),
        doc("thunderbird", "fr", "Courriel avec Thunderbird", "Lire et écrire ses courriels", "Thunderbird est un logiciel de courrier électronique. Les pièces jointes, les dossiers, les filtres.", &["courriel"]),
        doc("passwords", "en", "Strong passwords", "Create and remember passwords", "A password manager keeps your data safe. Browsers also offer to remember passwords.", &["securite"]),
        doc("browsers", "en-GB", "Your web browser", "Tabs, bookmarks, history", "The browser shows web pages. Cookies track browsing; clear the history often.", &["internet"]),
        doc("passwoerter", "de", "Sichere Passwörter", "Passwörter erstellen", "Ein Passwortmanager speichert Ihre Daten. Größe, Straße, Übung.", &["securite"]),
        doc("vide", "fr", "Un kit sans texte", "", "", &[]),
        doc("oeuvre", "", "L'œuvre et l'Ægypte", "Ligatures œ æ", "Cœur, sœur, œuvre; naïve, Noël, ça.", &["culture", "culture"]),
    ];
    // Enough documents for several posting blocks and pages.
    for i in 0..300 {
        let w = ["atelier", "donnees", "securite", "reseau", "partage"][i % 5];
        v.push(doc(
            &format!("kit-{i:03}"),
            if i % 7 == 0 { "en" } else { "fr" },
            &format!("Atelier {w} numéro {i}"),
            &format!("Un atelier sur {w} et le numérique {}", i % 13),
            &format!(
                "{w} {w} {} texte {}",
                "mot ".repeat(i % 17),
                "données ".repeat(i % 5)
            ),
            &[["securite", "internet", "courriel"][i % 3]],
        ));
    }
    v
}

fn synthetic() -> (tempdir::Dir, mallette_search::tantivy::Index) {
    let dir = tempdir::Dir::new("synthetic");
    mallette_search::write_index(docs(), dir.path()).unwrap();
    let index = open_tantivy(dir.path());
    (dir, index)
}

mod tempdir {
    use std::path::{Path, PathBuf};

    /// A folder under the cache, removed on drop.
    pub struct Dir(PathBuf);

    impl Dir {
        pub fn new(name: &str) -> Dir {
            static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
            let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let p = super::cache().join(format!("tmp-{name}-{}-{n}", std::process::id()));
            let _ = std::fs::remove_dir_all(&p);
            std::fs::create_dir_all(&p).unwrap();
            Dir(p)
        }
        pub fn path(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

#[test]
fn synthetic_index_parity() {
    let (_dir, index) = synthetic();
    let s = searcher(&index);
    let export = export(&index);
    let r = export.reader().unwrap();
    structure(&index, &s, &r);
    let mut rng = Rng(7);
    let mut words = sample_words(&r, 60, &mut rng);
    words.extend(
        [
            "passwords",
            "browser",
            "passworter",
            "oeuvre",
            "œuvre",
            "coeur",
            "naive",
        ]
        .map(String::from),
    );
    let (p, fuzzy, prefix) = queries_and_fuzzy(&index, &s, &r, &words);
    assert!(p.with_hits > 100 && p.max_diff <= 1e-4, "{p:?}");
    assert!(fuzzy > 0 && prefix > 0);
    // The German kit is only in the folded fields; English ones in the `_en` fields.
    let en = r.field("body_en").unwrap();
    assert!(r.doc_freq(en, "password").unwrap() >= 1);
    let raw = r.field("text_raw").unwrap();
    assert_eq!(r.doc_freq(raw, "passwortmanager").unwrap(), 1);
}

#[test]
fn empty_index() {
    let dir = tempdir::Dir::new("empty");
    mallette_search::write_index(Vec::<SearchDoc>::new(), dir.path()).unwrap();
    let index = open_tantivy(dir.path());
    let export = export(&index);
    let r = export.reader().unwrap();
    assert_eq!(r.num_docs(), 0);
    for (f, _) in r.fields() {
        assert!(r.term_info(f, "atelier").unwrap().is_none());
        assert!(r.prefix_terms(f, "").unwrap().is_empty());
        assert!(r.fuzzy_terms(f, "atelier", 2).unwrap().is_empty());
        assert_eq!(r.total_num_tokens(f), 0);
    }
    for name in r.facet_names().map(String::from).collect::<Vec<_>>() {
        assert!(r.facet(&name).unwrap().unwrap().values.is_empty());
    }
    assert!(r.browse_order().unwrap().is_empty());
}

/// Every term's postings, per field.
/// Field, term, docs, term frequencies, field-norm ids.
type AllPostings = Vec<(String, String, Vec<u32>, Vec<u32>, Vec<u8>)>;

fn everything(r: &Reader) -> AllPostings {
    let mut out = Vec::new();
    let fields: Vec<_> = r.fields().map(|(f, n)| (f, n.to_string())).collect();
    for (f, name) in fields {
        for (t, ti) in r.prefix_terms(f, "").unwrap() {
            let p = r.postings(&ti).unwrap();
            out.push((name.clone(), t, p.docs, p.term_freqs, p.fieldnorm_ids));
        }
    }
    out
}

#[test]
fn on_disk_layouts() {
    let (_dir, index) = synthetic();
    let export = export(&index);
    let mem = everything(&export.reader().unwrap());
    let whole = tempdir::Dir::new("whole");
    export.write(whole.path()).unwrap();
    assert_eq!(everything(&Reader::open_dir(whole.path()).unwrap()), mem);
    let chunked = tempdir::Dir::new("chunked");
    export.write_chunked(chunked.path()).unwrap();
    let meta = std::fs::read(chunked.path().join(mallette_search_reader::META_FILE)).unwrap();
    let r = Reader::open(&meta, ChunkDirSource::new(chunked.path())).unwrap();
    assert_eq!(everything(&r), mem);
    // Every chunk file was written, and the reader read each at most once.
    let files = std::fs::read_dir(chunked.path()).unwrap().count();
    let chunks: usize = export.files.iter().map(|f| f.chunks.len()).sum();
    assert_eq!(files, chunks + 1);
    let st = r.fetch_stats();
    let mut seen = st.log.clone();
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), st.log.len());
}

/// A source that serves nothing: every chunk must come through `insert`.
struct Refuse(Mutex<usize>);

impl ChunkSource for Refuse {
    fn fetch(&self, c: &ChunkRef<'_>) -> io::Result<Vec<u8>> {
        *self.0.lock().unwrap() += 1;
        Err(io::Error::new(
            io::ErrorKind::WouldBlock,
            format!("{} not prefetched", c.name),
        ))
    }
}

fn fill(r: &Reader, export: &Export, wanted: Vec<mallette_search_reader::Wanted>) -> usize {
    let n = wanted.len();
    for w in wanted {
        let f = &export.files[w.file as usize];
        let (a, b) = f.chunks[w.chunk as usize];
        assert_eq!((a as u64, (b - a) as u32), (w.offset, w.len));
        r.insert(&w, f.bytes[a..b].to_vec()).unwrap();
    }
    n
}

fn prefetch_run(export: &Export, words: &[&str]) {
    let r = Reader::open(&export.meta, Refuse(Mutex::new(0))).unwrap();
    let fields: Vec<_> = r.fields().map(|(f, _)| f).collect();
    for w in words {
        // Round 1 (and 2, for a lazily fetched page index): dictionary pages.
        let lookups: Vec<_> = fields.iter().map(|&f| (f, *w)).collect();
        while fill(&r, export, r.wanted_for_terms(&lookups)) > 0 {}
        let infos: Vec<TermInfo> = fields
            .iter()
            .filter_map(|&f| r.term_info(f, w).unwrap())
            .collect();
        // Then their postings, at once.
        fill(&r, export, r.wanted_for_postings(&infos));
        for t in &infos {
            r.postings(t).unwrap();
        }
        for &f in &fields {
            while fill(&r, export, r.wanted_for_prefix(f, w)) > 0 {}
            let p: Vec<TermInfo> = r
                .prefix_terms(f, w)
                .unwrap()
                .into_iter()
                .map(|x| x.1)
                .collect();
            fill(&r, export, r.wanted_for_postings(&p));
            for t in &p {
                r.postings(t).unwrap();
            }
            while fill(&r, export, r.wanted_for_fuzzy(f, w, 2)) > 0 {}
            r.fuzzy_terms(f, w, 2).unwrap();
        }
    }
    let names: Vec<String> = r
        .facet_names()
        .chain(r.number_names())
        .map(String::from)
        .collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    fill(&r, export, r.wanted_for_columns(&names));
    for n in r.facet_names().map(String::from).collect::<Vec<_>>() {
        r.facet(&n).unwrap();
    }
    for n in r.number_names().map(String::from).collect::<Vec<_>>() {
        r.numbers(&n).unwrap();
    }
    fill(&r, export, r.wanted_for_browse(0, r.num_docs()));
    r.browse_order().unwrap();
    // Nothing was left for the source.
    assert!(r
        .wanted_for_terms(&fields.iter().map(|&f| (f, words[0])).collect::<Vec<_>>())
        .is_empty());
}

#[test]
fn prefetch_protocol() {
    let (_dir, index) = synthetic();
    prefetch_run(
        &export(&index),
        &["navigateur", "passe", "atelier", "zzz", "a", "œuvre"],
    );
    let real = open_tantivy(&real_corpus_index());
    prefetch_run(
        &export(&real),
        &["navigateur", "thunderbird", "cokies", "mot", "chiffrement"],
    );
}

/// Damaged chunks give errors or other answers, never a panic (nor a hang).
#[test]
fn damaged_chunks_do_not_panic() {
    let (_dir, index) = synthetic();
    let good = export(&index);
    let mut rng = Rng(99);
    let trials: usize = std::env::var("DAMAGE_TRIALS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    for trial in 0..trials {
        let mut bad = good.clone();
        let fi = rng.below(bad.files.len());
        let f = &mut bad.files[fi];
        if f.bytes.is_empty() {
            continue;
        }
        for _ in 0..1 + rng.below(4) {
            let i = rng.below(f.bytes.len());
            f.bytes[i] = rng.next() as u8;
        }
        let r = match bad.reader() {
            Ok(r) => r,
            Err(_) => continue,
        };
        let run = catch_unwind(AssertUnwindSafe(|| {
            let _ = everything_fallible(&r);
        }));
        assert!(
            run.is_ok(),
            "trial {trial}: a damaged {} panicked",
            bad.files[fi].name
        );
    }
    // A damaged meta file is refused.
    for _ in 0..300 {
        let mut meta = good.meta.clone();
        let i = rng.below(meta.len());
        meta[i] = rng.next() as u8;
        let _ =
            catch_unwind(|| Reader::open(&meta, mallette_search_reader::MemorySource::default()))
                .expect("a damaged meta file panicked");
        meta.truncate(rng.below(meta.len()));
        let _ =
            catch_unwind(|| Reader::open(&meta, mallette_search_reader::MemorySource::default()))
                .expect("a truncated meta file panicked");
    }
}

fn everything_fallible(r: &Reader) -> mallette_search_reader::Result<()> {
    let fields: Vec<_> = r.fields().map(|(f, _)| f).collect();
    for f in fields {
        for (t, ti) in r.prefix_terms(f, "")? {
            let _ = r.postings(&ti);
            let _ = r.term_info(f, &t);
            let _ = r.term_scores(&ti, 2.0);
        }
        let _ = r.fuzzy_terms(f, "atelier", 2);
        for d in 0..r.num_docs().min(50) {
            let _ = r.fieldnorm_id(f, d);
        }
    }
    for n in r.facet_names().map(String::from).collect::<Vec<_>>() {
        if let Ok(Some(c)) = r.facet(&n) {
            for d in 0..r.num_docs() {
                let _ = c.ords(d);
            }
        }
    }
    for n in r.number_names().map(String::from).collect::<Vec<_>>() {
        let _ = r.numbers(&n);
    }
    let _ = r.browse_order();
    Ok(())
}
