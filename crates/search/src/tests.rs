//! End-to-end tests: a small hand-made French index in a temporary directory.

use super::*;

#[allow(clippy::too_many_arguments)]
fn doc(
    slug: &str,
    title: &str,
    summary: &str,
    body: &str,
    language: &str,
    themes: &[&str],
    audiences: &[&str],
    level: &str,
    duration_minutes: u32,
) -> SearchDoc {
    let v = |xs: &[&str]| xs.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    SearchDoc {
        slug: slug.into(),
        url: format!("/kits/{slug}/"),
        title: title.into(),
        summary: summary.into(),
        body: body.into(),
        language: language.into(),
        themes: v(themes),
        audiences: v(audiences),
        level: level.into(),
        formats: vec!["atelier".into()],
        materials: vec![],
        competences: vec![],
        accessibility: vec![],
        duration_minutes,
        ..SearchDoc::default()
    }
}

fn corpus() -> Vec<SearchDoc> {
    let mut docs = vec![
        doc(
            "mots-de-passe",
            "Créer et gérer ses mots de passe",
            "Un atelier pour comprendre ce qu'est un mot de passe robuste et adopter un gestionnaire.",
            "Chaque participant invente une phrase de passe.\nOn compare ensuite la robustesse des \
             mots de passe avec un outil hors ligne, puis on installe KeePassXC.",
            "fr",
            &["securite"],
            &["seniors", "grand-public"],
            "debutant",
            90,
        ),
        doc(
            "thunderbird",
            "Configurer sa messagerie avec Thunderbird",
            "Installer Thunderbird et y ajouter un compte de courriel.",
            "Thunderbird est un logiciel libre de messagerie. On configure IMAP et SMTP.",
            "fr",
            &["communication"],
            &["grand-public"],
            "intermediaire",
            120,
        ),
        doc(
            "cookies",
            "Comprendre les cookies et le pistage",
            "Un jeu de cartes pour découvrir comment les sites suivent les internautes.",
            "Les cookies tiers permettent le pistage publicitaire. <script>alert(1)</script> & co.",
            "fr",
            &["securite", "vie-privee"],
            &["jeunes"],
            "debutant",
            45,
        ),
        doc(
            "donnees-personnelles",
            "Protéger ses données personnelles",
            "Quelles informations laissons-nous en ligne, et comment les limiter ?",
            "Le RGPD encadre le traitement des données. On apprend à demander leur suppression.",
            "fr",
            &["vie-privee"],
            &["seniors"],
            "intermediaire",
            20,
        ),
        doc(
            "navigateur",
            "Choisir et régler son navigateur web",
            "Firefox, Chromium : installer un navigateur et le rendre plus respectueux.",
            "Le navigateur est la porte d'entrée du web. Extensions, moteur de recherche, onglets.",
            "fr",
            &["internet"],
            &["grand-public"],
            "debutant",
            150,
        ),
        doc(
            "passwords-en",
            "Managing your passwords",
            "A workshop about strong passwords and password managers.",
            "Participants compare passwords and install a manager.",
            "en",
            &["securite"],
            &["grand-public"],
            "debutant",
            60,
        ),
        // A decoy: "mot" and "base" (one typo away from "pase").
        doc(
            "tableur",
            "Débuter avec un tableur",
            "Les bases du calcul dans une feuille : chaque mot compte.",
            "Une base de données simple dans un tableur. Le mot clé SOMME.",
            "fr",
            &["bureautique"],
            &["grand-public"],
            "debutant",
            60,
        ),
    ];
    docs[0].materials = vec!["ordinateur".into()];
    docs[4].materials = vec!["ordinateur".into(), "smartphone".into()];
    docs[2].accessibility = vec!["facile-a-lire".into()];
    docs[2].formats = vec!["jeu".into()];
    docs[0].competences = vec!["pix:4.1".into()];
    docs
}

struct Fixture {
    _dir: tempfile::TempDir,
    searcher: Searcher,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("search");
    write_index(&corpus(), &path).unwrap();
    let searcher = open_index(&path).unwrap();
    Fixture {
        _dir: dir,
        searcher,
    }
}

fn q(text: &str, filters: &[(&str, &str)]) -> Query {
    Query {
        text: text.into(),
        filters: filters
            .iter()
            .map(|(f, v)| (f.to_string(), v.to_string()))
            .collect(),
        limit: 10,
        sort: Sort::Relevance,
    }
}

fn slugs(r: &Results) -> Vec<&str> {
    r.hits.iter().map(|h| h.slug.as_str()).collect()
}

fn top(s: &Searcher, text: &str) -> String {
    let r = s.search(&q(text, &[])).unwrap();
    assert!(!r.hits.is_empty(), "no hit for {text:?}");
    r.hits[0].slug.clone()
}

fn facet(r: &Results, field: &str) -> Vec<(String, u64)> {
    r.facets[field]
        .iter()
        .map(|(k, v)| (k.clone(), *v))
        .collect()
}

fn pairs(xs: &[(&str, u64)]) -> Vec<(String, u64)> {
    xs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

#[test]
fn typo_and_morphology_queries() {
    let f = fixture();
    let s = &f.searcher;
    assert_eq!(top(s, "mot de pase"), "mots-de-passe");
    assert_eq!(top(s, "mot de passe"), "mots-de-passe");
    assert_eq!(top(s, "thunderbrid"), "thunderbird");
    assert_eq!(top(s, "cokies"), "cookies");
    assert_eq!(top(s, "donnees"), "donnees-personnelles");
    assert_eq!(top(s, "navigateurs"), "navigateur");
    assert_eq!(top(s, "NAVIGATEUR"), "navigateur");
    assert_eq!(top(s, "passwords"), "passwords-en");
    assert_eq!(top(s, "password manager"), "passwords-en");
    // Search as you type: an unfinished last word matches as a prefix.
    assert_eq!(top(s, "thunder"), "thunderbird");
    assert_eq!(top(s, "configurer sa messag"), "thunderbird");
}

#[test]
fn exact_match_outranks_typo_match() {
    let f = fixture();
    let r = f.searcher.search(&q("mot de pase", &[])).unwrap();
    let ranked = slugs(&r);
    assert_eq!(ranked[0], "mots-de-passe");
    // The decoy ("mot" + "base") may match, but below.
    if let Some(pos) = ranked.iter().position(|s| *s == "tableur") {
        assert!(pos > 0);
        assert!(r.hits[pos].score < r.hits[0].score);
    }
}

#[test]
fn known_words_are_not_widened_by_typo_tolerance() {
    let f = fixture();
    // "base" is in the index as typed: no fuzzy expansion to "passe" (mots-de-passe).
    let r = f.searcher.search(&q("base", &[])).unwrap();
    assert_eq!(slugs(&r), vec!["tableur"]);
    // "pase" is not: it is widened.
    let r = f.searcher.search(&q("pase", &[])).unwrap();
    assert!(slugs(&r).contains(&"mots-de-passe"));
}

#[test]
fn stop_words_and_fallback() {
    let f = fixture();
    let s = &f.searcher;
    // Stop words alone still run.
    let r = s.search(&q("le", &[])).unwrap();
    assert!(r.total > 0);
    // An unknown word does not empty the results (AND, then OR).
    assert_eq!(top(s, "thunderbird zzyzzyq"), "thunderbird");
    // Nothing at all.
    let r = s.search(&q("zzyzzyq", &[])).unwrap();
    assert_eq!(r.total, 0);
    assert!(r.hits.is_empty());
}

#[test]
fn hits_carry_metadata_and_escaped_snippets() {
    let f = fixture();
    let r = f.searcher.search(&q("thunderbrid", &[])).unwrap();
    let h = &r.hits[0];
    assert_eq!(h.url, "/kits/thunderbird/");
    assert_eq!(h.title, "Configurer sa messagerie avec Thunderbird");
    assert_eq!(h.level, "intermediaire");
    assert_eq!(h.audiences, vec!["grand-public"]);
    assert_eq!(h.duration_minutes, 120);
    assert!(h.score > 0.0);
    assert!(
        h.snippet_html.contains("<mark>Thunderbird</mark>"),
        "{}",
        h.snippet_html
    );

    let r = f.searcher.search(&q("cookies", &[])).unwrap();
    let snippet = &r.hits[0].snippet_html;
    assert!(snippet.contains("<mark>cookies</mark>"), "{snippet}");
    assert!(snippet.contains("&lt;script&gt;"), "{snippet}");
    assert!(!snippet.contains("<script>"), "{snippet}");

    let r = f.searcher.search(&q("donnees", &[])).unwrap();
    assert!(r.hits[0].snippet_html.contains("<mark>données</mark>"));
}

#[test]
fn filters_or_within_and_across_fields() {
    let f = fixture();
    let s = &f.searcher;
    let r = s.search(&q("", &[("level", "debutant")])).unwrap();
    assert_eq!(r.total, 5);
    let r = s
        .search(&q("", &[("themes", "securite"), ("themes", "vie-privee")]))
        .unwrap();
    assert_eq!(r.total, 4); // mots-de-passe, cookies, donnees, passwords-en
    let r = s
        .search(&q(
            "",
            &[
                ("themes", "securite"),
                ("themes", "vie-privee"),
                ("level", "intermediaire"),
            ],
        ))
        .unwrap();
    assert_eq!(slugs(&r), vec!["donnees-personnelles"]);
    let r = s.search(&q("", &[("materials", "smartphone")])).unwrap();
    assert_eq!(slugs(&r), vec!["navigateur"]);
    let r = s.search(&q("", &[("competences", "pix:4.1")])).unwrap();
    assert_eq!(slugs(&r), vec!["mots-de-passe"]);
    let r = s.search(&q("", &[("language", "en")])).unwrap();
    assert_eq!(slugs(&r), vec!["passwords-en"]);
    let r = s
        .search(&q(
            "",
            &[("accessibility", "facile-a-lire"), ("formats", "jeu")],
        ))
        .unwrap();
    assert_eq!(slugs(&r), vec!["cookies"]);
    // Text and filters together.
    let r = s.search(&q("passe", &[("audiences", "seniors")])).unwrap();
    assert_eq!(slugs(&r), vec!["mots-de-passe"]);
    // Unknown value: nothing; unknown field: an error.
    assert_eq!(s.search(&q("", &[("level", "expert")])).unwrap().total, 0);
    assert!(s.search(&q("", &[("colour", "red")])).is_err());
}

#[test]
fn duration_ranges() {
    let f = fixture();
    let s = &f.searcher;
    let get = |bucket: &str| {
        let mut v: Vec<String> = s
            .search(&q("", &[("duration", bucket)]))
            .unwrap()
            .hits
            .into_iter()
            .map(|h| h.slug)
            .collect();
        v.sort();
        v
    };
    assert_eq!(get("lt30"), vec!["donnees-personnelles"]);
    assert_eq!(get("30-60"), vec!["cookies", "passwords-en", "tableur"]);
    assert_eq!(get("60-120"), vec!["mots-de-passe", "thunderbird"]);
    assert_eq!(get("gt120"), vec!["navigateur"]);
    let r = s
        .search(&q("", &[("duration", "lt30"), ("duration", "gt120")]))
        .unwrap();
    assert_eq!(r.total, 2);
}

#[test]
fn disjunctive_facet_counts() {
    let f = fixture();
    let s = &f.searcher;
    // No filter: plain counts over everything.
    let r = s.search(&q("", &[])).unwrap();
    assert_eq!(r.total, 7);
    assert_eq!(
        facet(&r, "level"),
        pairs(&[("debutant", 5), ("intermediaire", 2)])
    );
    assert_eq!(
        facet(&r, "duration"),
        pairs(&[("30-60", 3), ("60-120", 2), ("gt120", 1), ("lt30", 1)])
    );
    assert_eq!(facet(&r, "language"), pairs(&[("en", 1), ("fr", 6)]));
    for field in schema::FACETS {
        assert!(r.facets.contains_key(field), "{field}");
    }

    // level=debutant: the level facet ignores its own filter, the others do not.
    let r = s.search(&q("", &[("level", "debutant")])).unwrap();
    assert_eq!(r.total, 5);
    assert_eq!(
        facet(&r, "level"),
        pairs(&[("debutant", 5), ("intermediaire", 2)])
    );
    assert_eq!(
        facet(&r, "themes"),
        pairs(&[
            ("bureautique", 1),
            ("internet", 1),
            ("securite", 3),
            ("vie-privee", 1)
        ])
    );

    // Two filtered fields: each facet applies the other's filter.
    let r = s
        .search(&q("", &[("level", "debutant"), ("audiences", "seniors")]))
        .unwrap();
    assert_eq!(slugs(&r), vec!["mots-de-passe"]);
    // level counts among seniors kits: mots-de-passe (debutant), donnees (intermediaire).
    assert_eq!(
        facet(&r, "level"),
        pairs(&[("debutant", 1), ("intermediaire", 1)])
    );
    // audiences counts among debutant kits.
    assert_eq!(
        facet(&r, "audiences"),
        pairs(&[("grand-public", 4), ("jeunes", 1), ("seniors", 1)])
    );

    // With text: counts are restricted to the documents matching the text.
    let r = s.search(&q("securite cookies", &[])).unwrap();
    assert_eq!(r.total, 1);
    let r = s.search(&q("passe", &[])).unwrap();
    let total: u64 = r.facets["level"].values().sum();
    assert_eq!(total as usize, r.total);
}

#[test]
fn browse_mode_sorted_by_title_and_limited() {
    let f = fixture();
    let mut query = q("  ", &[]);
    query.limit = 3;
    query.sort = Sort::Title;
    let r = f.searcher.search(&query).unwrap();
    assert_eq!(r.total, 7);
    let titles: Vec<&str> = r.hits.iter().map(|h| h.title.as_str()).collect();
    assert_eq!(
        titles,
        vec![
            "Choisir et régler son navigateur web",
            "Comprendre les cookies et le pistage",
            "Configurer sa messagerie avec Thunderbird",
        ]
    );
    assert!(r.hits.iter().all(|h| h.score == 0.0));
    // Counts only.
    query.limit = 0;
    let r = f.searcher.search(&query).unwrap();
    assert!(r.hits.is_empty());
    assert_eq!(r.total, 7);
    assert_eq!(r.facets["level"]["debutant"], 5);
}

#[test]
fn written_index_is_one_segment_and_rewritable() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("idx");
    write_index(&corpus(), &path).unwrap();
    // Writing again over an index replaces it.
    write_index(&corpus()[..2], &path).unwrap();
    let index = tantivy::Index::open_in_dir(&path).unwrap();
    assert_eq!(index.searchable_segment_ids().unwrap().len(), 1);
    drop(index);
    for entry in std::fs::read_dir(&path).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().to_string();
        assert!(!name.ends_with(".lock"), "{name}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = entry.metadata().unwrap().permissions().mode();
            assert_eq!(mode & 0o044, 0o044, "{name} is not world-readable");
        }
    }
    let s = open_index(&path).unwrap();
    assert_eq!(s.num_docs(), 2);
    s.search(&q("thunderbird", &[])).unwrap();
    drop(s);
    // Reading left nothing behind (no lock file).
    for entry in std::fs::read_dir(&path).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().to_string();
        assert!(!name.ends_with(".lock"), "{name} after reading");
    }
    // A non-empty directory that is not an index is refused.
    let other = dir.path().join("other");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("keep.txt"), "x").unwrap();
    assert!(write_index(&corpus(), &other).is_err());
    assert!(other.join("keep.txt").exists());
    // An empty corpus gives an empty, searchable index.
    let empty = dir.path().join("empty");
    write_index(&[], &empty).unwrap();
    let r = open_index(&empty).unwrap().search(&q("", &[])).unwrap();
    assert_eq!(r.total, 0);
}

#[test]
fn open_directory_from_bytes_in_ram() {
    // The browser path: copy the files into a RamDirectory and open it without mmap.
    use tantivy::directory::RamDirectory;
    use tantivy::Directory as _;
    let dir = tempfile::tempdir().unwrap();
    write_index(&corpus(), dir.path()).unwrap();
    let ram = RamDirectory::create();
    let _ = ReadOnlyDirectory(ram.clone()); // the wrapper accepts any cloneable Directory
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if name.to_string_lossy().starts_with(".tantivy") {
            continue;
        }
        let bytes = std::fs::read(entry.path()).unwrap();
        ram.atomic_write(std::path::Path::new(&name), &bytes)
            .unwrap();
    }
    let s = open_directory(ram).unwrap();
    assert_eq!(top(&s, "cokies"), "cookies");
}

#[test]
fn searcher_is_shareable() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Searcher>();
}

#[test]
fn matches_plus_stored_fields_give_the_same_hits_as_search() {
    let f = fixture();
    for (text, filters) in [
        ("mot de pase", vec![]),
        ("thunderbrid", vec![]),
        ("", vec![("level", "debutant")]),
        ("naviga", vec![]),
    ] {
        let query = q(text, &filters);
        let results = f.searcher.search(&query).unwrap();
        let m = f.searcher.search_matches(&query).unwrap();
        assert_eq!(m.total, results.total);
        assert_eq!(m.facets, results.facets);
        assert_eq!(m.docs.len(), results.hits.len());
        for ((addr, score), hit) in m.docs.iter().zip(&results.hits) {
            let doc = f.searcher.stored(*addr).unwrap();
            assert_eq!((doc.slug.as_str(), *score), (hit.slug.as_str(), hit.score));
            assert_eq!(
                m.snippet_html(&doc.excerpt, &doc.language),
                hit.snippet_html
            );
        }
    }
    assert_eq!(
        f.searcher.doc_addresses().len() as u64,
        f.searcher.num_docs()
    );
}

#[test]
fn matches_without_facet_counts() {
    let f = fixture();
    let query = q("mot de pase", &[("level", "debutant")]);
    let with = f.searcher.search_matches(&query).unwrap();
    let without = f.searcher.search_matches_with(&query, false).unwrap();
    assert_eq!(with.total, without.total);
    assert_eq!(with.docs, without.docs);
    assert!(without
        .facets
        .iter()
        .all(|(field, counts)| field == "level" || counts.is_empty()));
    assert!(!with.facets["themes"].is_empty());
}

fn lexicon_fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("index");
    let lexicon = Lexicon {
        groups: vec![
            LexiconGroup {
                terms: vec![
                    "navigation privée".into(),
                    "mode incognito".into(),
                    "incognito".into(),
                    "private window".into(),
                ],
                related: vec![],
            },
            LexiconGroup {
                terms: vec![
                    "navigateur".into(),
                    "navigateur web".into(),
                    "browser".into(),
                ],
                related: vec!["moteur de recherche".into()],
            },
        ],
    };
    write_index_with_lexicon(&corpus(), &path, &lexicon).unwrap();
    let searcher = open_index(&path).unwrap();
    Fixture {
        _dir: dir,
        searcher,
    }
}

#[test]
fn a_word_of_the_lexicon_finds_the_kit_written_with_another() {
    let f = lexicon_fixture();
    let r = f.searcher.search(&q("browsers", &[])).unwrap();
    assert_eq!(
        slugs(&r),
        vec!["navigateur"],
        "browsers finds the kit that says navigateur"
    );
    assert_eq!(
        r.hits[0].synonyms,
        vec![Synonym {
            word: "browsers".into(),
            synonym: "navigateur".into()
        }]
    );
    // Typed as the kit writes it: no synonym to report, and it scores higher.
    let direct = f.searcher.search(&q("navigateur", &[])).unwrap();
    assert!(direct.hits[0].synonyms.is_empty());
    assert!(direct.hits[0].score > r.hits[0].score);
}

/// A related term widens a rare word, not a word many kits already hold.
#[test]
fn related_terms_widen_rare_words_only() {
    let lexicon = Lexicon {
        groups: vec![LexiconGroup {
            terms: vec!["navigateur".into()],
            related: vec!["moteur de recherche".into()],
        }],
    };
    let build = |common: usize| {
        let mut docs = Vec::new();
        for i in 0..600 {
            let body = if i < common {
                "Ouvrir le navigateur et une page."
            } else if i < common + 5 {
                "Choisir un moteur de recherche."
            } else {
                "Classer des cartes sur la table."
            };
            docs.push(doc(
                &format!("k{i}"),
                "Atelier",
                "Un atelier.",
                body,
                "fr",
                &["securite"],
                &["adultes"],
                "debutant",
                60,
            ));
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("index");
        write_index_with_lexicon(&docs, &path, &lexicon).unwrap();
        let searcher = open_index(&path).unwrap();
        let total = searcher.search(&q("navigateur", &[])).unwrap().total;
        (dir, total)
    };
    // 3 kits say it: the 5 that say the related term come too.
    assert_eq!(build(3).1, 8);
    // 100 of 600 say it: only those.
    assert_eq!(build(100).1, 100);
}
