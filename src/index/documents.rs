//! What the index holds: one [`SearchDoc`] per listed kit, per kit in another language than the
//! site's, and per kit of a federated instance; and the labels of every filter value, in the
//! interface language.

use std::collections::BTreeSet;

use mallette_content::i18n::language_name;
use mallette_content::model::KitMeta;
use mallette_content::slug::slugify;
use mallette_content::vocabulary::{Vocabularies, TAXONOMIES};
use mallette_content::{Analysis, KitEntry};
use mallette_search::SearchDoc;

use super::Labels;

/// The searchable labels of a kit's values: French and English, every taxonomy.
fn value_labels(vocabularies: &Vocabularies, kit: &KitMeta) -> String {
    let mut out = String::new();
    for t in TAXONOMIES {
        let values: Vec<&String> = match t.field {
            "themes" => kit.themes.iter().collect(),
            "audiences" => kit.audiences.iter().collect(),
            "level" => std::iter::once(&kit.level).collect(),
            "formats" => kit.formats.iter().collect(),
            "materials" => kit.materials.iter().collect(),
            "competences" => kit.competences.iter().collect(),
            "accessibility" => kit.accessibility.iter().collect(),
            _ => Vec::new(),
        };
        for value in values.into_iter().filter(|v| !v.is_empty()) {
            for lang in ["fr", "en"] {
                out.push_str(&vocabularies.term_label(t.key, value, lang));
                out.push_str(". ");
            }
        }
    }
    out
}

/// The documents of `kits`, of the instance's learning paths and of `remote` for the index.
/// With `with_body` false their text is left out (what the filter labels need is only their
/// metadata). Documents are made one at a time as the caller takes them: at 10,000 kits their
/// text is the bulk of a build's memory.
pub fn search_documents<'a>(
    analysis: &'a Analysis,
    kits: &'a [KitEntry],
    with_body: bool,
) -> impl Iterator<Item = SearchDoc> + 'a {
    let base = analysis.config.base_path();
    let site_language = analysis.config.language.as_str();
    let vocabularies = &analysis.vocabularies;
    let doc = move |slug: &str, url: String, kit: &KitMeta, body: String, headings: String| {
        let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        SearchDoc {
            slug: slug.to_string(),
            url,
            title: kit.title.clone(),
            summary: kit.summary.clone(),
            headings,
            body,
            language: kit.language.clone(),
            themes: kit.themes.clone(),
            audiences: kit.audiences.clone(),
            level: kit.level.clone(),
            formats: kit.formats.clone(),
            materials: kit.materials.clone(),
            competences: kit.competences.clone(),
            accessibility: kit.accessibility.clone(),
            labels: if with_body {
                value_labels(vocabularies, kit)
            } else {
                String::new()
            },
            duration_minutes: kit.duration_minutes,
            kind: "kit".into(),
            updated: date(kit.updated.or(kit.created)),
            last_session: date(kit.field_reports.iter().map(|r| r.date).max()),
        }
    };
    let local = {
        let base = base.clone();
        kits.iter()
            .filter(move |k| k.listed || k.kit.language != site_language)
            .map(move |k| {
                let (body, headings) = if with_body {
                    let headings: Vec<&str> = k.body.toc.iter().map(|t| t.text.as_str()).collect();
                    (k.body.text.clone(), headings.join(". "))
                } else {
                    (String::new(), String::new())
                };
                doc(
                    &k.doc.slug,
                    format!("{base}{}", k.doc.url_path),
                    k.kit,
                    body,
                    headings,
                )
            })
    };
    let minutes: std::collections::HashMap<&str, u32> = kits
        .iter()
        .map(|k| (k.doc.slug.as_str(), k.kit.duration_minutes))
        .collect();
    let titles: std::collections::HashMap<&str, &str> = kits
        .iter()
        .map(|k| (k.doc.slug.as_str(), k.kit.title.as_str()))
        .collect();
    let paths = analysis.documents.iter().filter_map(move |a| {
        let p = a.doc.parcours()?;
        if p.draft {
            return None;
        }
        let steps: Vec<String> = p
            .steps
            .iter()
            .map(|s| {
                let title = titles.get(s.kit.as_str()).copied().unwrap_or(&s.kit);
                match &s.note {
                    Some(note) => format!("{title}. {note}"),
                    None => title.to_string(),
                }
            })
            .collect();
        let as_kit = KitMeta {
            title: p.title.clone(),
            summary: p.summary.clone(),
            themes: p.themes.clone(),
            audiences: p.audiences.clone(),
            level: p.level.clone().unwrap_or_default(),
            duration_minutes: p
                .steps
                .iter()
                .map(|s| minutes.get(s.kit.as_str()).copied().unwrap_or(0))
                .sum(),
            language: a.doc.language.clone(),
            ..KitMeta::default()
        };
        let mut d = doc(
            &a.doc.slug,
            format!("{}{}", analysis.config.base_path(), a.doc.url_path),
            &as_kit,
            if with_body {
                format!("{}\n{}", a.body.text, steps.join("\n"))
            } else {
                String::new()
            },
            // The kits' titles only in the body: a path ranks below a kit whose own title
            // matches, above kits that only mention the words.
            String::new(),
        );
        d.kind = "parcours".into();
        if with_body {
            // So that "parcours", "cycle" or "learning path" in a query prefers the paths.
            d.labels
                .push_str("Parcours. Cycle de séances. Learning path. ");
        }
        Some(d)
    });
    local
        .chain(paths)
        .chain(analysis.remote.iter().map(move |r| {
            doc(
                &slugify(&r.meta.title),
                r.url.clone(),
                &r.meta,
                String::new(),
                String::new(),
            )
        }))
}

/// Every search document (with its text) of an analysed instance and the filter labels, all at
/// once: what `mallette serve` re-indexes after an edit applied in place.
pub fn search_input(analysis: &Analysis) -> (Vec<SearchDoc>, Labels) {
    let kits = analysis.kit_entries();
    let docs: Vec<_> = search_documents(analysis, &kits, true).collect();
    let labels = labels(&analysis.vocabularies, &analysis.config.language, &docs);
    (docs, labels)
}

/// The labels of every filter value found in `docs`, and of the filter fields, in `lang` (the
/// interface language), in each vocabulary's order.
pub fn labels(vocabularies: &Vocabularies, lang: &str, docs: &[SearchDoc]) -> Labels {
    let lang = mallette_content::Lang::from_code(lang).code();
    let mut labels = Labels::new();
    let mut fields = Vec::new();
    for t in TAXONOMIES {
        let vocabulary = vocabularies.get(t.key);
        fields.push((t.field.to_string(), vocabulary.label(lang).to_string()));
        let present: BTreeSet<&str> = docs.iter().flat_map(|d| doc_values(d, t.field)).collect();
        let known: Vec<&str> = vocabulary
            .terms
            .iter()
            .map(|term| term.slug.as_str())
            .collect();
        let ordered = known
            .iter()
            .filter(|v| present.contains(*v))
            .chain(present.iter().filter(|v| !known.contains(v)));
        let values = ordered
            .filter(|v| !v.is_empty())
            .map(|value| {
                (
                    value.to_string(),
                    vocabularies.filter_label(t.key, value, lang),
                )
            })
            .collect();
        labels.insert(t.field.to_string(), values);
    }
    let languages: BTreeSet<&str> = docs.iter().map(|d| d.language.as_str()).collect();
    labels.insert(
        "language".into(),
        languages
            .into_iter()
            .map(|l| (l.to_string(), language_name(l)))
            .collect(),
    );
    labels.insert("_fields".into(), fields);
    labels
}

fn doc_values<'a>(doc: &'a SearchDoc, field: &str) -> Vec<&'a str> {
    let list = |v: &'a Vec<String>| v.iter().map(String::as_str).collect();
    match field {
        "themes" => list(&doc.themes),
        "audiences" => list(&doc.audiences),
        "level" => vec![doc.level.as_str()],
        "formats" => list(&doc.formats),
        "materials" => list(&doc.materials),
        "competences" => list(&doc.competences),
        "accessibility" => list(&doc.accessibility),
        _ => Vec::new(),
    }
}
