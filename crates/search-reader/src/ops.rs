//! Combining scored document lists the way tantivy's `BooleanQuery` does: a `Should`-only
//! query matches any clause and sums the scores of those that match; with `Must` clauses a
//! document must match all of them, and the `Should` clauses that also match add their scores.
//! A `BoostQuery` around a term query is [`crate::Reader::term_scores`]'s `boost`; around
//! anything else, [`boost`].
//!
//! Lists are `(doc, score)` in increasing doc order. Sums are taken in clause order; tantivy
//! sums in its scorers' order, which may differ in the last bits of an `f32`.

/// `(doc, score)` pairs in increasing doc order.
pub type Scored = Vec<(u32, f32)>;

/// Documents in any list, scores summed (`Occur::Should` clauses only).
pub fn union(lists: &[Scored]) -> Scored {
    match lists {
        [] => Vec::new(),
        [one] => one.clone(),
        _ => {
            let n = lists
                .iter()
                .filter_map(|l| l.last().map(|&(d, _)| d as usize + 1))
                .max()
                .unwrap_or(0);
            let mut acc: Vec<Option<f32>> = vec![None; n];
            for l in lists {
                for &(d, s) in l {
                    let a = &mut acc[d as usize];
                    *a = Some(a.map_or(s, |v| v + s));
                }
            }
            acc.into_iter()
                .enumerate()
                .filter_map(|(d, s)| s.map(|s| (d as u32, s)))
                .collect()
        }
    }
}

/// Documents in every list, scores summed (`Occur::Must` clauses only).
pub fn intersection(lists: &[Scored]) -> Scored {
    let Some((first, rest)) = lists.split_first() else {
        return Vec::new();
    };
    let mut out = first.clone();
    for l in rest {
        let mut j = 0;
        out.retain_mut(|(d, s)| {
            while j < l.len() && l[j].0 < *d {
                j += 1;
            }
            if j < l.len() && l[j].0 == *d {
                *s += l[j].1;
                true
            } else {
                false
            }
        });
    }
    out
}

/// A `BooleanQuery` of `Must` and `Should` clauses: with no `Must`, [`union`] of the `Should`s;
/// otherwise the [`intersection`] of the `Must`s, plus the scores of the `Should`s that match.
pub fn boolean(must: &[Scored], should: &[Scored]) -> Scored {
    if must.is_empty() {
        return union(should);
    }
    let mut out = intersection(must);
    let extra = union(should);
    let mut j = 0;
    for (d, s) in &mut out {
        while j < extra.len() && extra[j].0 < *d {
            j += 1;
        }
        if j < extra.len() && extra[j].0 == *d {
            *s += extra[j].1;
        }
    }
    out
}

/// Every score multiplied by `boost` (a `BoostQuery` around a compound query).
pub fn boost(mut list: Scored, boost: f32) -> Scored {
    for (_, s) in &mut list {
        *s *= boost;
    }
    list
}

/// The same documents, each scored `score` (a `ConstScoreQuery`, or a `TermSetQuery`'s 1.0
/// boosted).
pub fn constant(docs: impl IntoIterator<Item = u32>, score: f32) -> Scored {
    docs.into_iter().map(|d| (d, score)).collect()
}

/// The best `limit` documents: score descending, then doc id ascending (tantivy's `TopDocs`
/// order).
pub fn top(list: &Scored, limit: usize) -> Scored {
    let mut v = list.clone();
    v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    v.truncate(limit);
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn combinators() {
        let a = vec![(1, 1.0), (3, 1.0), (5, 1.0)];
        let b = vec![(3, 2.0), (4, 2.0)];
        assert_eq!(
            union(&[a.clone(), b.clone()]),
            vec![(1, 1.0), (3, 3.0), (4, 2.0), (5, 1.0)]
        );
        assert_eq!(intersection(&[a.clone(), b.clone()]), vec![(3, 3.0)]);
        assert_eq!(
            boolean(std::slice::from_ref(&a), std::slice::from_ref(&b)),
            vec![(1, 1.0), (3, 3.0), (5, 1.0)]
        );
        assert_eq!(top(&union(&[a, b]), 2), vec![(3, 3.0), (4, 2.0)]);
    }
}
