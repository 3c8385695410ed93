//! One pass over the documents that match the text: the ones passing every filter (the hits,
//! ordered), and disjunctive facet counts — a document counts for field F's values when it
//! passes the filters of every field but F. A duration asked for in the text adds to the score
//! of the kits that come close to it.

use std::collections::BTreeMap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

use crate::schema::{DURATION_MINUTES, FACETS, LAST_SESSION, TITLE_SORT, TYPE, UPDATED};
use crate::Sort;

/// How a duration asked for in the text lifts a kit: `bonus` × closeness, closeness being 1 at
/// the asked duration and falling by half each time the kit's duration doubles or halves
/// (0 beyond ×4 or ÷4, and for kits of unknown duration).
#[derive(Debug, Clone, Copy)]
pub(crate) struct DurationWish {
    pub minutes: u32,
    pub bonus: Score,
}

impl DurationWish {
    fn lift(&self, kit_minutes: u64) -> Score {
        if kit_minutes == 0 {
            return 0.0;
        }
        let ratio = (kit_minutes as f32 / self.minutes.max(1) as f32)
            .log2()
            .abs();
        self.bonus * (1.0 - ratio / 2.0).max(0.0)
    }
}

/// The order of hits: by score (text queries), or by a column then score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Order {
    Score,
    Title,
    /// Largest `updated` first.
    Updated,
    /// Smallest known duration first.
    Duration,
    /// Largest `last_session` first.
    LastSession,
}

impl Order {
    pub(crate) fn of(sort: Sort, has_text: bool) -> Order {
        match sort {
            Sort::Relevance if has_text => Order::Score,
            Sort::Relevance | Sort::Updated => Order::Updated,
            Sort::Duration => Order::Duration,
            Sort::LastSession => Order::LastSession,
            Sort::Title => Order::Title,
        }
    }
}

/// A learning path's score is multiplied by this: it gathers kits (and their titles), so it
/// matches much of what they match; when a path and one of its kits answer alike, the kit, the
/// thing a mediator runs, comes first.
const PATH_WEIGHT: Score = 0.7;

pub(crate) struct FacetCollector {
    pub filters: Vec<Vec<String>>,
    pub order: Order,
    pub limit: usize,
    /// Count facets; when false, only the columns of filtered fields are read.
    pub count: bool,
    pub scoring: bool,
    pub duration: Option<DurationWish>,
}

pub(crate) struct FacetSegmentCollector {
    segment: SegmentOrdinal,
    columns: Vec<Option<StrColumn>>,
    /// Per facet: `None` = no filter; `Some(ords)` = accepted term ordinals (may be empty).
    wanted: Vec<Option<Vec<u64>>>,
    /// Per facet: count per term ordinal.
    counts: Vec<Vec<u64>>,
    title_sort: Option<StrColumn>,
    /// The column of a numeric order.
    order_column: Option<Column<u64>>,
    duration_column: Option<Column<u64>>,
    duration: Option<DurationWish>,
    /// The `type` column and the ordinal of `parcours` in it, when scoring.
    path_ord: Option<(StrColumn, u64)>,
    order: Order,
    limit: usize,
    hits: Vec<(DocId, Score)>,
    total: usize,
    ords: Vec<u64>,
}

/// A segment's harvest: total, best hits (with their sort keys) and facet counts.
pub(crate) struct SegmentFruit {
    pub total: usize,
    /// `(score, numeric key, title key, address)`.
    pub hits: Vec<(Score, u64, String, DocAddress)>,
    pub facets: Vec<BTreeMap<String, u64>>,
}

impl Collector for FacetCollector {
    type Fruit = SegmentFruit;
    type Child = FacetSegmentCollector;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<FacetSegmentCollector> {
        let ff = reader.fast_fields();
        let mut columns = Vec::with_capacity(FACETS.len());
        let mut wanted = Vec::with_capacity(FACETS.len());
        let mut counts = Vec::with_capacity(FACETS.len());
        for (name, values) in FACETS.iter().zip(&self.filters) {
            if !self.count && values.is_empty() {
                columns.push(None);
                wanted.push(None);
                counts.push(Vec::new());
                continue;
            }
            let column = ff.str(name)?;
            counts.push(vec![0u64; column.as_ref().map_or(0, |c| c.num_terms())]);
            if values.is_empty() {
                wanted.push(None);
            } else {
                let mut ords = Vec::new();
                if let Some(c) = &column {
                    for v in values {
                        if let Some(ord) = c.dictionary().term_ord(v.as_bytes())? {
                            ords.push(ord);
                        }
                    }
                }
                wanted.push(Some(ords));
            }
            columns.push(column);
        }
        let title_sort = match self.order {
            Order::Title => ff.str(TITLE_SORT)?,
            _ => None,
        };
        let order_column = match self.order {
            Order::Updated => Some(ff.u64(UPDATED)?),
            Order::Duration => Some(ff.u64(DURATION_MINUTES)?),
            Order::LastSession => Some(ff.u64(LAST_SESSION)?),
            Order::Score | Order::Title => None,
        };
        let duration_column = match self.duration {
            Some(_) => Some(ff.u64(DURATION_MINUTES)?),
            None => None,
        };
        let mut path_ord = None;
        if self.scoring {
            if let Some(column) = ff.str(FACETS[TYPE])? {
                if let Some(ord) = column.dictionary().term_ord(b"parcours")? {
                    path_ord = Some((column, ord));
                }
            }
        }
        Ok(FacetSegmentCollector {
            segment,
            columns,
            wanted,
            counts,
            title_sort,
            order_column,
            duration_column,
            duration: self.duration,
            path_ord,
            order: self.order,
            limit: self.limit,
            hits: Vec::new(),
            total: 0,
            ords: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        self.scoring
    }

    fn merge_fruits(&self, fruits: Vec<SegmentFruit>) -> tantivy::Result<SegmentFruit> {
        let mut total = 0;
        let mut hits = Vec::new();
        let mut facets = vec![BTreeMap::new(); FACETS.len()];
        for fruit in fruits {
            total += fruit.total;
            hits.extend(fruit.hits);
            for (acc, counts) in facets.iter_mut().zip(fruit.facets) {
                for (value, n) in counts {
                    *acc.entry(value).or_insert(0) += n;
                }
            }
        }
        sort_hits(&mut hits, self.order);
        hits.truncate(self.limit);
        Ok(SegmentFruit {
            total,
            hits,
            facets,
        })
    }
}

/// The numeric key of an order, made to sort ascending: newest first is the smallest key.
fn numeric_key(order: Order, value: Option<u64>) -> u64 {
    match (order, value) {
        (Order::Duration, Some(v)) if v > 0 => v,
        (Order::Duration, _) => u64::MAX,
        (Order::Updated | Order::LastSession, Some(v)) if v > 0 => u64::MAX - v,
        (Order::Updated | Order::LastSession, _) => u64::MAX,
        _ => 0,
    }
}

fn sort_hits(hits: &mut [(Score, u64, String, DocAddress)], order: Order) {
    let by_score = |a: &(Score, u64, String, DocAddress), b: &(Score, u64, String, DocAddress)| {
        b.0.total_cmp(&a.0).then(a.3.cmp(&b.3))
    };
    match order {
        Order::Score => hits.sort_by(by_score),
        Order::Title => hits.sort_by(|a, b| a.2.cmp(&b.2).then(a.3.cmp(&b.3))),
        _ => hits.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| by_score(a, b))),
    }
}

impl SegmentCollector for FacetSegmentCollector {
    type Fruit = SegmentFruit;

    fn collect(&mut self, doc: DocId, mut score: Score) {
        // Which filtered fields does this document fail?
        let mut failed = 0usize;
        let mut failed_field = 0usize;
        for (i, wanted) in self.wanted.iter().enumerate() {
            let Some(wanted) = wanted else { continue };
            let ok = match &self.columns[i] {
                Some(c) => c.term_ords(doc).any(|o| wanted.contains(&o)),
                None => false,
            };
            if !ok {
                failed += 1;
                failed_field = i;
                if failed > 1 {
                    return;
                }
            }
        }
        let mut count_field = |i: usize, ords: &mut Vec<u64>| {
            if let Some(c) = &self.columns[i] {
                ords.clear();
                ords.extend(c.term_ords(doc));
                for &o in ords.iter() {
                    if let Some(n) = self.counts[i].get_mut(o as usize) {
                        *n += 1;
                    }
                }
            }
        };
        let mut ords = std::mem::take(&mut self.ords);
        if failed == 1 {
            count_field(failed_field, &mut ords);
        } else {
            for i in 0..FACETS.len() {
                count_field(i, &mut ords);
            }
            self.total += 1;
            if let (Some(wish), Some(column)) = (&self.duration, &self.duration_column) {
                score += wish.lift(column.first(doc).unwrap_or(0));
            }
            if let Some((column, ord)) = &self.path_ord {
                if column.term_ords(doc).any(|o| o == *ord) {
                    score *= PATH_WEIGHT;
                }
            }
            self.hits.push((doc, score));
        }
        self.ords = ords;
    }

    fn harvest(mut self) -> SegmentFruit {
        // Keep this segment's best `limit` hits; the title key is only materialised for those.
        let order = self.order;
        let column = &self.order_column;
        let key = |d: DocId| numeric_key(order, column.as_ref().and_then(|c| c.first(d)));
        match order {
            Order::Score => self
                .hits
                .sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0))),
            Order::Title => {
                let col = &self.title_sort;
                let title = |d: DocId| {
                    col.as_ref()
                        .and_then(|c| c.term_ords(d).next())
                        .unwrap_or(u64::MAX)
                };
                self.hits.sort_by_key(|&(d, _)| (title(d), d));
            }
            _ => self.hits.sort_by(|a, b| {
                key(a.0)
                    .cmp(&key(b.0))
                    .then(b.1.total_cmp(&a.1))
                    .then(a.0.cmp(&b.0))
            }),
        }
        self.hits.truncate(self.limit);
        let mut buf = String::new();
        let hits = self
            .hits
            .iter()
            .map(|&(doc, score)| {
                let mut title = String::new();
                if let (Order::Title, Some(c)) = (order, &self.title_sort) {
                    if let Some(o) = c.term_ords(doc).next() {
                        if c.ord_to_str(o, &mut buf).unwrap_or(false) {
                            title = buf.clone();
                        }
                    }
                }
                (score, key(doc), title, DocAddress::new(self.segment, doc))
            })
            .collect();
        let mut facets = Vec::with_capacity(FACETS.len());
        for (column, counts) in self.columns.iter().zip(&self.counts) {
            let mut map = BTreeMap::new();
            if let Some(c) = column {
                for (ord, &n) in counts.iter().enumerate() {
                    if n > 0 && c.ord_to_str(ord as u64, &mut buf).unwrap_or(false) {
                        map.insert(buf.clone(), n);
                    }
                }
            }
            facets.push(map);
        }
        SegmentFruit {
            total: self.total,
            hits,
            facets,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_close_to_the_wish_lift_most() {
        let wish = DurationWish {
            minutes: 60,
            bonus: 2.0,
        };
        assert_eq!(wish.lift(60), 2.0);
        assert!(wish.lift(90) > wish.lift(120));
        assert!(wish.lift(45) > wish.lift(20));
        assert_eq!(wish.lift(240), 0.0);
        assert_eq!(wish.lift(0), 0.0);
    }
}
