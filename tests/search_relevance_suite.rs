//! The relevance suite: `tests/relevance/queries.yaml`, queries written the way mediators type
//! them (synonyms and paraphrases, whole questions, typos, audience and duration words, English,
//! filters, a kit's own words), over the starter wiki and the real corpus
//! (`tests/corpora/real-fr`), each with the kit a reader judged best (see
//! `tests/relevance/README.md`). Each category must put the best kit first, and in the first
//! three, for at least its share of queries. Run with `--nocapture` for the table and the
//! misses with their ranks.
//!
//! The search runs through `mallette_search` over the index `mallette build` wrote, as
//! `mallette search` does; `search_browser.rs` checks that the browser engine answers these
//! queries alike.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::{build_search, BuiltSearch};
use mallette_search::{Query, Searcher};
use yaml_rust2::{Yaml, YamlLoader};

/// Per category: (minimum top-1 share, minimum top-3 share). Set a little under what the engine
/// reaches, so that a change that makes search worse fails here.
const THRESHOLDS: [(&str, f64, f64); 7] = [
    ("synonym", 0.65, 0.90),
    ("question", 0.78, 0.90),
    ("typo", 0.95, 1.00),
    ("audience-duration", 0.85, 0.90),
    ("english", 0.90, 0.95),
    ("filter", 1.00, 1.00),
    ("exact", 1.00, 1.00),
];

pub struct Case {
    pub q: String,
    pub instance: String,
    pub category: String,
    pub best: String,
    pub filters: Vec<(String, String)>,
}

pub fn cases() -> Vec<Case> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/relevance/queries.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let docs = YamlLoader::load_from_str(&text).unwrap();
    let Yaml::Array(items) = &docs[0]["queries"] else {
        panic!("queries.yaml has no `queries` list")
    };
    items
        .iter()
        .map(|item| {
            let s = |k: &str| item[k].as_str().unwrap_or_default().to_string();
            let filters = match &item["filters"] {
                Yaml::Array(fs) => fs
                    .iter()
                    .map(|f| {
                        (
                            f[0].as_str().unwrap().to_string(),
                            f[1].as_str().unwrap().to_string(),
                        )
                    })
                    .collect(),
                _ => Vec::new(),
            };
            Case {
                q: s("q"),
                instance: s("instance"),
                category: s("category"),
                best: s("best"),
                filters,
            }
        })
        .collect()
}

fn instance_root(name: &str) -> PathBuf {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    match name {
        "starter" => repo.to_path_buf(),
        "real-fr" => repo.join("tests/corpora/real-fr"),
        other => panic!("unknown instance {other}"),
    }
}

fn searcher(name: &str) -> &'static Searcher {
    static STARTER: OnceLock<BuiltSearch> = OnceLock::new();
    static REAL: OnceLock<BuiltSearch> = OnceLock::new();
    let cell = if name == "starter" { &STARTER } else { &REAL };
    &cell
        .get_or_init(|| build_search(&instance_root(name)))
        .searcher
}

/// Rank (1-based) of the best kit in the first ten hits.
fn rank(case: &Case) -> Option<usize> {
    let r = searcher(&case.instance)
        .search(&Query {
            text: case.q.clone(),
            filters: case.filters.clone(),
            limit: 10,
            ..Query::default()
        })
        .unwrap();
    r.hits
        .iter()
        .position(|h| h.slug == case.best)
        .map(|i| i + 1)
}

#[test]
fn every_best_kit_of_the_suite_exists() {
    for case in cases() {
        let root = instance_root(&case.instance).join("content/kits");
        let exists = walkdir::WalkDir::new(&root).into_iter().flatten().any(|e| {
            let p = e.path();
            p.file_name()
                .is_some_and(|n| n == format!("{}.md", case.best).as_str())
                || (p.ends_with("index.md")
                    && p.parent()
                        .and_then(|d| d.file_name())
                        .is_some_and(|n| n == case.best.as_str()))
        });
        assert!(
            exists,
            "« {} »: no kit {} in {}",
            case.q, case.best, case.instance
        );
    }
}

#[test]
fn each_category_finds_its_best_kits_first() {
    let cases = cases();
    assert!(
        cases.len() >= 100,
        "the suite holds {} queries",
        cases.len()
    );
    let mut tally: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    let mut misses = Vec::new();
    for case in &cases {
        let rank = rank(case);
        let t = tally.entry(case.category.as_str()).or_default();
        t.0 += 1;
        t.1 += usize::from(rank == Some(1));
        t.2 += usize::from(rank.is_some_and(|r| r <= 3));
        if rank != Some(1) {
            misses.push(format!(
                "{:>3}  {:<8} {:<18} « {} » → {}",
                rank.map_or("-".to_string(), |r| r.to_string()),
                case.instance,
                case.category,
                case.q,
                case.best
            ));
        }
    }
    let mut report = String::from("category            top-1      top-3\n");
    let mut failures = Vec::new();
    for (category, min1, min3) in THRESHOLDS {
        let (n, first, top3) = tally.get(category).copied().unwrap_or_default();
        report.push_str(&format!(
            "{category:<18} {first:>3}/{n:<3}   {top3:>3}/{n:<3}\n"
        ));
        let share = |k: usize| if n == 0 { 0.0 } else { k as f64 / n as f64 };
        if share(first) < min1 || share(top3) < min3 {
            failures.push(format!(
                "{category}: top-1 {first}/{n} (needs {:.0} %), top-3 {top3}/{n} (needs {:.0} %)",
                min1 * 100.0,
                min3 * 100.0
            ));
        }
    }
    let (n, first, top3) = tally
        .values()
        .fold((0, 0, 0), |a, t| (a.0 + t.0, a.1 + t.1, a.2 + t.2));
    report.push_str(&format!(
        "{:<18} {first:>3}/{n:<3}   {top3:>3}/{n:<3}\n",
        "all"
    ));
    println!(
        "{report}\nnot first (rank, '-' = not in the first 10):\n{}",
        misses.join("\n")
    );
    assert!(failures.is_empty(), "{}\n{report}", failures.join("\n"));
}
