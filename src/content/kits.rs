//! The kits of an analysed instance as every later stage lists them: which are listed (a
//! translation is reached from its original), and which belong to the same translation group.

use std::collections::{BTreeSet, HashMap};

use crate::analyse::Analysis;
use crate::markdown::RenderedBody;
use crate::model::{Document, KitMeta};
use crate::outputs::kit_attachments;

/// A kit of this instance: its document, metadata and rendered body.
pub struct KitEntry<'a> {
    pub doc: &'a Document,
    pub kit: &'a KitMeta,
    pub body: &'a RenderedBody,
    /// Shown in lists and counts (translations are reached from their original).
    pub listed: bool,
    /// Translation group: the original's slug.
    pub group: String,
    /// Indexes (in the list of kits) of the other kits of the same group.
    pub others_in_group: Vec<usize>,
}

/// The kits of this instance, in source order.
impl Analysis {
    /// The kits of this instance, in source order, with their translation groups.
    pub fn kit_entries(&self) -> Vec<KitEntry<'_>> {
        kit_entries(self)
    }
}

fn kit_entries(analysis: &Analysis) -> Vec<KitEntry<'_>> {
    let mut kits: Vec<KitEntry> = analysis
        .documents
        .iter()
        .filter_map(|a| {
            let kit = a.doc.kit()?;
            let is_translation =
                kit.translation_of.is_some() || !a.doc.url_path.starts_with("kits/");
            Some(KitEntry {
                doc: &a.doc,
                kit,
                body: &a.body,
                listed: !is_translation,
                group: kit
                    .translation_of
                    .clone()
                    .unwrap_or_else(|| a.doc.slug.clone()),
                others_in_group: Vec::new(),
            })
        })
        .collect();
    let mut groups: HashMap<String, Vec<usize>> = HashMap::new();
    for (index, kit) in kits.iter().enumerate() {
        groups.entry(kit.group.clone()).or_default().push(index);
    }
    for (index, kit) in kits.iter_mut().enumerate() {
        kit.others_in_group = groups[&kit.group]
            .iter()
            .copied()
            .filter(|&i| i != index)
            .collect();
    }
    kits
}

/// Other kits of the same translation group.
pub fn translations_of<'a>(entry: &KitEntry, kits: &'a [KitEntry<'a>]) -> Vec<&'a KitEntry<'a>> {
    entry.others_in_group.iter().map(|&i| &kits[i]).collect()
}

/// Every attachment to copy into the site (instance-relative paths).
pub fn all_attachments(analysis: &Analysis, kits: &[KitEntry]) -> BTreeSet<String> {
    let mut to_copy: BTreeSet<String> = BTreeSet::new();
    for entry in kits {
        to_copy.extend(kit_attachments(
            entry.doc,
            &entry.body.attachments,
            &analysis.files,
        ));
    }
    for analysed in analysis.documents.iter().filter(|a| a.doc.kit().is_none()) {
        to_copy.extend(analysed.body.attachments.iter().cloned());
    }
    to_copy
}
