//! The reader's edit distance against the automata tantivy's `FuzzyTermQuery` runs
//! (`levenshtein_automata`, transpositions costing 1), on random strings.

mod common;

use common::Rng;
use levenshtein_automata::{Distance, LevenshteinAutomatonBuilder};
use mallette_search_reader::levenshtein::distance;

fn random_word(rng: &mut Rng, alphabet: &[char], max_len: usize) -> String {
    let n = rng.below(max_len + 1);
    (0..n)
        .map(|_| alphabet[rng.below(alphabet.len())])
        .collect()
}

#[test]
fn same_distances_as_tantivys_automata() {
    let mut rng = Rng(12345);
    let alphabets: [&[char]; 3] = [
        &['a', 'b', 'c'],
        &['a', 'b', 'c', 'd', 'e', 'f'],
        &['a', 'é', 'è', 'œ', 'z'],
    ];
    let mut checked = 0;
    for d in 0..=2u8 {
        let builder = LevenshteinAutomatonBuilder::new(d, true);
        for alphabet in alphabets {
            for _ in 0..150 {
                let word = random_word(&mut rng, alphabet, 7);
                let dfa = builder.build_dfa(&word);
                for _ in 0..40 {
                    let cand = random_word(&mut rng, alphabet, 9);
                    let expected = match dfa.eval(&cand) {
                        Distance::Exact(k) => Some(k),
                        Distance::AtLeast(_) => None,
                    };
                    assert_eq!(
                        distance(&cand, &word, d),
                        expected,
                        "{cand:?} vs {word:?}, {d}"
                    );
                    checked += 1;
                }
            }
        }
    }
    // The restricted (optimal string alignment) distance: "ca" → "abc" is 3, not 2.
    let dfa = LevenshteinAutomatonBuilder::new(2, true).build_dfa("ca");
    assert!(matches!(dfa.eval("abc"), Distance::AtLeast(_)));
    eprintln!("{checked} pairs");
}
