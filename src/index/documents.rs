//! What the index holds: one [`SearchDoc`] per listed kit, per kit in another language than the
//! site's, and per kit of a federated instance; and the labels of every filter value, in the
//! interface language.

use std::collections::BTreeSet;

use mallette_content::federation::RemoteKit;
use mallette_content::i18n::language_name;
use mallette_content::model::KitMeta;
use mallette_content::slug::slugify;
use mallette_content::vocabulary::{Vocabularies, TAXONOMIES};
use mallette_content::{Analysis, KitEntry};
use mallette_search::SearchDoc;

use super::Labels;

/// The documents of `kits` and `remote` for the index. With `with_body` false their text is left
/// out (what the filter labels need is only their metadata). Documents are made one at a time as
/// the caller takes them: at 10,000 kits their text is the bulk of a build's memory.
pub fn search_documents<'a>(
    base: &'a str,
    kits: &'a [KitEntry],
    remote: &'a [RemoteKit],
    site_language: &'a str,
    with_body: bool,
) -> impl Iterator<Item = SearchDoc> + 'a {
    let doc = |slug: &str, url: String, kit: &KitMeta, body: String| SearchDoc {
        slug: slug.to_string(),
        url,
        title: kit.title.clone(),
        summary: kit.summary.clone(),
        body,
        language: kit.language.clone(),
        themes: kit.themes.clone(),
        audiences: kit.audiences.clone(),
        level: kit.level.clone(),
        formats: kit.formats.clone(),
        materials: kit.materials.clone(),
        competences: kit.competences.clone(),
        accessibility: kit.accessibility.clone(),
        duration_minutes: kit.duration_minutes,
    };
    let local = kits
        .iter()
        .filter(move |k| k.listed || k.kit.language != site_language)
        .map(move |k| {
            doc(
                &k.doc.slug,
                format!("{base}{}", k.doc.url_path),
                k.kit,
                if with_body {
                    k.body.text.clone()
                } else {
                    String::new()
                },
            )
        });
    local.chain(remote.iter().map(move |r| {
        doc(
            &slugify(&r.meta.title),
            r.url.clone(),
            &r.meta,
            String::new(),
        )
    }))
}

/// Every search document (with its text) of an analysed instance and the filter labels, all at
/// once: what `mallette serve` re-indexes after an edit applied in place.
pub fn search_input(analysis: &Analysis) -> (Vec<SearchDoc>, Labels) {
    let kits = analysis.kit_entries();
    let base = analysis.config.base_path();
    let docs: Vec<_> = search_documents(
        &base,
        &kits,
        &analysis.remote,
        &analysis.config.language,
        true,
    )
    .collect();
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
