//! Bounded edit distance of the terms of a dictionary to a word — the language tantivy's
//! `FuzzyTermQuery::new(term, distance, true)` accepts: Levenshtein distance over Unicode
//! characters where swapping two adjacent characters costs 1 (the "restricted" Damerau distance,
//! or optimal string alignment, which the Schulz–Mihov automata of the `levenshtein_automata`
//! crate implement).
//!
//! The matcher keeps one row of the dynamic-programming table per character of the candidate, so
//! the rows of a shared prefix are computed once: consecutive terms of a front-coded dictionary
//! page only recompute their own suffixes (`Matcher::truncate`), and a dictionary page whose
//! key range cannot hold any term within the distance is never fetched
//! (`Matcher::range_may_match`).

/// Distances above this are all "too far" (`u8` cells).
const FAR: u8 = u8::MAX;

/// Incremental matcher of candidates against one word.
pub(crate) struct Matcher {
    word: Vec<char>,
    max: u8,
    /// The candidate's characters so far.
    chars: Vec<char>,
    /// `rows[i][j]` = distance of the first `i` candidate characters to the first `j` word
    /// characters, capped at `max + 1`. `rows.len() == chars.len() + 1`.
    rows: Vec<Vec<u8>>,
}

impl Matcher {
    pub fn new(word: &str, max: u8) -> Matcher {
        let word: Vec<char> = word.chars().collect();
        let first: Vec<u8> = (0..=word.len()).map(|j| cap(j, max)).collect();
        Matcher {
            word,
            max,
            chars: Vec::new(),
            rows: vec![first],
        }
    }

    /// Number of candidate characters pushed.
    pub fn depth(&self) -> usize {
        self.chars.len()
    }

    /// Pops characters back to `depth`.
    pub fn truncate(&mut self, depth: usize) {
        self.chars.truncate(depth);
        self.rows.truncate(depth + 1);
    }

    /// Appends one candidate character.
    pub fn push(&mut self, c: char) {
        let i = self.chars.len() + 1;
        let prev = &self.rows[i - 1];
        let mut row = Vec::with_capacity(self.word.len() + 1);
        row.push(cap(i, self.max));
        for j in 1..=self.word.len() {
            let cost = u8::from(self.word[j - 1] != c);
            let mut v = (prev[j].saturating_add(1))
                .min(row[j - 1].saturating_add(1))
                .min(prev[j - 1].saturating_add(cost));
            if i > 1 && j > 1 && c == self.word[j - 2] && self.chars[i - 2] == self.word[j - 1] {
                v = v.min(self.rows[i - 2][j - 2].saturating_add(1));
            }
            row.push(v.min(self.max + 1));
        }
        self.chars.push(c);
        self.rows.push(row);
    }

    /// The distance of the candidate pushed so far, if within the maximum.
    pub fn distance(&self) -> Option<u8> {
        let d = *self.rows.last()?.last()?;
        (d <= self.max).then_some(d)
    }

    /// Whether some extension of the candidate (itself included) may be within the distance.
    /// Never false when one is; may be true when none is (a transposition across the last
    /// character is accounted for from the row before).
    pub fn alive(&self) -> bool {
        let n = self.rows.len();
        let min = |r: &Vec<u8>| r.iter().copied().min().unwrap_or(FAR);
        if min(&self.rows[n - 1]) <= self.max {
            return true;
        }
        n >= 2 && min(&self.rows[n - 2]).saturating_add(1) <= self.max
    }

    /// Whether a term `t` with `lo ≤ t < hi` (no upper bound if `hi` is `None`) may be within
    /// the distance. Exact up to [`Matcher::alive`]'s approximation. Leaves the matcher as it
    /// found it.
    pub fn range_may_match(&mut self, lo: &str, hi: Option<&str>) -> bool {
        let depth = self.depth();
        let lo: Vec<char> = lo.chars().collect();
        let hi: Option<Vec<char>> = hi.map(|h| h.chars().collect());
        let r = self.range_rec(&lo, hi.as_deref(), 0, true, hi.is_some());
        self.truncate(depth);
        r
    }

    /// The candidate so far is `lo[..k]` if `tight_lo`, `hi[..k]` if `tight_hi` (both when they
    /// share that prefix); is any string within bounds extending it within the distance?
    fn range_rec(
        &mut self,
        lo: &[char],
        hi: Option<&[char]>,
        k: usize,
        mut tight_lo: bool,
        tight_hi: bool,
    ) -> bool {
        if !self.alive() {
            return false;
        }
        let upper = match (tight_hi, hi) {
            (true, Some(h)) if k < h.len() => Some(h[k]),
            (true, _) => return false, // the candidate is `hi` itself: neither it nor any extension is < hi
            _ => None,
        };
        if tight_lo && k == lo.len() {
            // The candidate equals `lo`: itself and every extension are ≥ lo.
            tight_lo = false;
            if self.distance().is_some() {
                // lo itself is in range (lo < hi, as hi is a strictly greater first term).
                return true;
            }
        }
        if !tight_lo && !tight_hi {
            return true; // any suffix: `alive` says one may do
        }
        // A candidate tight on `hi` only (a proper prefix of hi) is < hi: in range.
        if !tight_lo && self.distance().is_some() {
            return true;
        }
        // Next character: strictly between the bounds is free, on a bound stays tight.
        let lower = if tight_lo { Some(lo[k]) } else { None };
        let above = |c: char| lower.is_none_or(|l| c > l);
        let below = |c: char| upper.is_none_or(|u| c < u);
        let depth = self.depth();
        // Free characters: those of the word, then any one other (all others act alike).
        let mut candidates: Vec<char> = self
            .word
            .iter()
            .copied()
            .filter(|&c| above(c) && below(c))
            .collect();
        if let Some(other) = other_char(&self.word, lower, upper) {
            candidates.push(other);
        }
        candidates.sort_unstable();
        candidates.dedup();
        for c in candidates {
            self.push(c);
            let ok = self.alive();
            self.truncate(depth);
            if ok {
                return true;
            }
        }
        if let Some(l) = lower {
            self.push(l);
            let ok = self.range_rec(lo, hi, k + 1, true, upper == Some(l));
            self.truncate(depth);
            if ok {
                return true;
            }
        }
        if let Some(u) = upper {
            if lower != Some(u) {
                self.push(u);
                let ok = self.range_rec(lo, hi, k + 1, false, true);
                self.truncate(depth);
                if ok {
                    return true;
                }
            }
        }
        false
    }
}

fn cap(v: usize, max: u8) -> u8 {
    v.min(usize::from(max) + 1) as u8
}

/// A character strictly between `lower` and `upper` that is not in `word`, if any.
fn other_char(word: &[char], lower: Option<char>, upper: Option<char>) -> Option<char> {
    let mut c = match lower {
        Some(l) => next_char(l)?,
        None => '\0',
    };
    loop {
        if upper.is_some_and(|u| c >= u) {
            return None;
        }
        if !word.contains(&c) {
            return Some(c);
        }
        c = next_char(c)?;
    }
}

fn next_char(c: char) -> Option<char> {
    let mut v = c as u32 + 1;
    if (0xD800..0xE000).contains(&v) {
        v = 0xE000;
    }
    char::from_u32(v)
}

/// The restricted Damerau–Levenshtein distance of `a` and `b`, if ≤ `max`.
pub fn distance(a: &str, b: &str, max: u8) -> Option<u8> {
    let mut m = Matcher::new(b, max);
    for c in a.chars() {
        m.push(c);
    }
    m.distance()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(distance("thunderbird", "thunderbrid", 2), Some(1));
        assert_eq!(distance("cookies", "cokies", 1), Some(1));
        assert_eq!(distance("cookies", "cake", 1), None);
        assert_eq!(distance("ete", "ete", 0), Some(0));
        assert_eq!(distance("passe", "pase", 2), Some(1));
        assert_eq!(distance("ab", "ba", 1), Some(1));
        // Restricted: a transposed pair is not edited again (unrestricted Damerau would give 2).
        assert_eq!(distance("abc", "ca", 2), None);
        assert_eq!(distance("", "abc", 2), None);
        assert_eq!(distance("", "ab", 2), Some(2));
        assert_eq!(distance("éa", "aé", 1), Some(1));
    }

    /// Brute force: does any string of `alphabet` up to `len` chars in [lo, hi) match?
    fn brute(
        word: &str,
        max: u8,
        lo: &str,
        hi: Option<&str>,
        alphabet: &[char],
        len: usize,
    ) -> bool {
        let mut stack = vec![String::new()];
        while let Some(s) = stack.pop() {
            if s.as_str() >= lo
                && hi.is_none_or(|h| s.as_str() < h)
                && distance(&s, word, max).is_some()
            {
                return true;
            }
            if s.chars().count() < len {
                for &c in alphabet {
                    let mut t = s.clone();
                    t.push(c);
                    stack.push(t);
                }
            }
        }
        false
    }

    #[test]
    fn ranges_never_miss() {
        // Small alphabet, all short ranges: a range holding a match is never pruned.
        let alphabet = ['a', 'b', 'c', 'd'];
        let mut words = Vec::new();
        for a in alphabet {
            for b in alphabet {
                words.push(format!("{a}{b}"));
                for c in alphabet {
                    words.push(format!("{a}{b}{c}"));
                }
            }
        }
        let bounds: Vec<String> = words.iter().step_by(5).cloned().collect();
        for word in ["abc", "dab", "ca"] {
            for max in [1u8, 2] {
                let mut m = Matcher::new(word, max);
                for (i, lo) in bounds.iter().enumerate() {
                    for hi in bounds[i + 1..].iter().take(4).map(Some).chain([None]) {
                        let hi = hi.map(String::as_str);
                        if brute(word, max, lo, hi, &alphabet, 5) {
                            assert!(m.range_may_match(lo, hi), "{word} {max} [{lo}, {hi:?})");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn ranges_prune() {
        let mut m = Matcher::new("thunderbrid", 2);
        assert!(!m.range_may_match("abc", Some("abd")));
        assert!(m.range_may_match("thu", Some("thv")));
        assert!(m.range_may_match("a", Some("z")));
        let mut m = Matcher::new("cokies", 1);
        assert!(!m.range_may_match("dab", Some("dac")));
        assert!(m.range_may_match("dab", Some("dzz"))); // dokies
        assert!(m.range_may_match("coa", Some("coz")));
    }
}
