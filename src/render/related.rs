//! Related kits: up to four kits sharing themes and audiences, found without comparing every kit
//! with every other.

use std::collections::HashMap;

use mallette_content::KitEntry;

/// Finds related kits without comparing every kit with every other: listed kits by theme and by
/// audience, so only kits sharing something are scored.
pub struct Related {
    /// Listed kits grouped by what relatedness looks at: the score between two kits depends only
    /// on their groups, so a kit is scored against each group once instead of against every kit
    /// sharing a theme or an audience (with 50,000 kits that was billions of comparisons; an
    /// instance has a few hundred groups at most).
    groups: Vec<RelatedGroup>,
}

struct RelatedGroup {
    language: String,
    themes: Vec<String>,
    audiences: Vec<String>,
    /// The group's kits, by title (then source order).
    members: Vec<usize>,
}

impl Related {
    pub fn new(kits: &[KitEntry]) -> Related {
        let mut index: HashMap<(String, Vec<String>, Vec<String>), usize> = HashMap::new();
        let mut groups: Vec<RelatedGroup> = Vec::new();
        for (i, kit) in kits.iter().enumerate().filter(|(_, k)| k.listed) {
            let mut themes = kit.kit.themes.clone();
            themes.sort();
            themes.dedup();
            let mut audiences = kit.kit.audiences.clone();
            audiences.sort();
            audiences.dedup();
            let key = (kit.kit.language.clone(), themes, audiences);
            let g = *index.entry(key.clone()).or_insert_with(|| {
                groups.push(RelatedGroup {
                    language: key.0,
                    themes: key.1,
                    audiences: key.2,
                    members: Vec::new(),
                });
                groups.len() - 1
            });
            groups[g].members.push(i);
        }
        for group in &mut groups {
            group
                .members
                .sort_by(|&a, &b| kits[a].kit.title.cmp(&kits[b].kit.title).then(a.cmp(&b)));
        }
        Related { groups }
    }

    /// Up to four listed kits in the same language sharing the most themes (2 points each) and
    /// audiences (1 point each), at least 2 points; ties by title.
    pub fn of<'a>(&self, entry: &KitEntry, kits: &'a [KitEntry<'a>]) -> Vec<&'a KitEntry<'a>> {
        const WANTED: usize = 4;
        let mut scored: Vec<(usize, &RelatedGroup)> = self
            .groups
            .iter()
            .filter(|g| g.language == entry.kit.language)
            .map(|g| {
                let themes = entry.kit.themes.iter().filter(|t| g.themes.contains(t));
                let audiences = entry
                    .kit
                    .audiences
                    .iter()
                    .filter(|a| g.audiences.contains(a));
                (2 * themes.count() + audiences.count(), g)
            })
            .filter(|(score, _)| *score >= 2)
            .collect();
        scored.sort_by(|a, b| b.0.cmp(&a.0));
        let mut related: Vec<usize> = Vec::new();
        for level in scored.chunk_by(|a, b| a.0 == b.0) {
            let wanted = WANTED - related.len();
            // The first `wanted` eligible kits of each group of this score, then the first
            // `wanted` of those by title.
            let mut candidates: Vec<usize> = level
                .iter()
                .flat_map(|(_, g)| {
                    g.members
                        .iter()
                        .copied()
                        .filter(|&i| kits[i].group != entry.group)
                        .take(wanted)
                })
                .collect();
            candidates.sort_by(|&a, &b| kits[a].kit.title.cmp(&kits[b].kit.title).then(a.cmp(&b)));
            related.extend(candidates.into_iter().take(wanted));
            if related.len() == WANTED {
                break;
            }
        }
        related.into_iter().map(|i| &kits[i]).collect()
    }
}
