//! How kits lead to one another: the learning paths a kit belongs to ("étape 2 sur 4 du
//! parcours …"), and the kits to run before and after it by competence — "Avant": kits whose
//! competences cover this kit's prerequisites; "Et après ?": kits whose prerequisites this kit's
//! competences cover, at the same or the next level.
//!
//! Computed once per build from indexes by competence (and level), never by comparing every pair
//! of kits: each kit looks at a few short lists, and stops at [`WANTED`] kits.

use std::collections::HashMap;

use mallette_content::{Analysis, KitEntry};

/// Kits shown before and after a kit, at most.
pub const WANTED: usize = 4;

/// A kit's place in one learning path.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Membership {
    pub title: String,
    pub url: String,
    pub step: usize,
    pub steps: usize,
}

pub struct Paths {
    /// Kit slug → its places in learning paths.
    memberships: HashMap<String, Vec<Membership>>,
    /// Competence → listed kits teaching it, by title.
    teaching: HashMap<String, Vec<usize>>,
    /// (competence, level) → listed kits requiring it, by title.
    requiring: HashMap<(String, String), Vec<usize>>,
    levels: Vec<String>,
}

impl Paths {
    pub fn new(analysis: &Analysis, kits: &[KitEntry], base: &str) -> Paths {
        let mut memberships: HashMap<String, Vec<Membership>> = HashMap::new();
        for doc in analysis.documents.iter().map(|a| &a.doc) {
            let Some(parcours) = doc.parcours() else {
                continue;
            };
            for (i, step) in parcours.steps.iter().enumerate() {
                memberships
                    .entry(step.kit.clone())
                    .or_default()
                    .push(Membership {
                        title: parcours.title.clone(),
                        url: format!("{base}{}", doc.url_path),
                        step: i + 1,
                        steps: parcours.steps.len(),
                    });
            }
        }
        let mut order: Vec<usize> = (0..kits.len()).filter(|&i| kits[i].listed).collect();
        order.sort_by(|&a, &b| kits[a].kit.title.cmp(&kits[b].kit.title).then(a.cmp(&b)));
        let mut teaching: HashMap<String, Vec<usize>> = HashMap::new();
        let mut requiring: HashMap<(String, String), Vec<usize>> = HashMap::new();
        for &i in &order {
            let kit = kits[i].kit;
            for c in &kit.competences {
                teaching.entry(c.clone()).or_default().push(i);
            }
            for p in &kit.prerequisites {
                requiring
                    .entry((p.clone(), kit.level.clone()))
                    .or_default()
                    .push(i);
            }
        }
        Paths {
            memberships,
            teaching,
            requiring,
            levels: analysis.vocabularies.get("levels").slugs(),
        }
    }

    pub fn memberships(&self, slug: &str) -> Vec<Membership> {
        self.memberships.get(slug).cloned().unwrap_or_default()
    }

    /// Kits to run before `entry`: they teach its prerequisites.
    pub fn before<'a>(&self, entry: &KitEntry, kits: &'a [KitEntry<'a>]) -> Vec<&'a KitEntry<'a>> {
        let lists = entry
            .kit
            .prerequisites
            .iter()
            .filter_map(|p| self.teaching.get(p));
        pick(lists, entry, kits)
    }

    /// Kits to run after `entry`: they require what it teaches, at its level or the next.
    pub fn after<'a>(&self, entry: &KitEntry, kits: &'a [KitEntry<'a>]) -> Vec<&'a KitEntry<'a>> {
        let level = self.levels.iter().position(|l| *l == entry.kit.level);
        let next: Vec<&String> = match level {
            Some(i) => self.levels[i..(i + 2).min(self.levels.len())]
                .iter()
                .collect(),
            None => vec![&entry.kit.level],
        };
        let lists = entry.kit.competences.iter().flat_map(|c| {
            next.iter()
                .filter_map(move |l| self.requiring.get(&(c.clone(), (*l).clone())))
        });
        pick(lists, entry, kits)
    }
}

/// The first [`WANTED`] kits of `lists`, in the kit's language, without itself or its
/// translations, each once.
fn pick<'a, 'l>(
    lists: impl Iterator<Item = &'l Vec<usize>>,
    entry: &KitEntry,
    kits: &'a [KitEntry<'a>],
) -> Vec<&'a KitEntry<'a>> {
    let mut chosen: Vec<usize> = Vec::new();
    for list in lists {
        for &i in list {
            if chosen.len() == WANTED {
                break;
            }
            let other = &kits[i];
            if other.group != entry.group
                && other.kit.language == entry.kit.language
                && !chosen.contains(&i)
            {
                chosen.push(i);
            }
        }
    }
    chosen.sort_by(|&a, &b| kits[a].kit.title.cmp(&kits[b].kit.title));
    chosen.into_iter().map(|i| &kits[i]).collect()
}
