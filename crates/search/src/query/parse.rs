//! From the typed text to query words: durations taken out (`1h30`, `45 minutes`, `une
//! demi-journée`), stop and question words dropped, each remaining word analysed in every form
//! the engine and the snippet builder need.

use std::collections::HashMap;

use crate::analysis::{self, Tok};
use crate::lexicon::Kind;

/// One word of the query, in every form the engine and the snippet builder need.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct QTerm {
    /// Lower-cased, accent-folded, unstemmed.
    pub folded: String,
    /// As typed (for the "did you mean" text).
    pub typed: String,
    /// French stem of `folded`.
    pub fr: Option<String>,
    /// English stem of `folded`.
    pub en: Option<String>,
    /// Levenshtein distance allowed on `folded` (0, 1 for 4 letters, 2 for 5 or more).
    pub fuzzy: u8,
    /// The last word, still being typed: also matches as a prefix (≥ 3 chars).
    pub prefix: bool,
    /// Typo corrections: folded words of the index close to `folded` (see `typos`). Filled for
    /// words the index does not know.
    pub variants: Vec<String>,
    /// French stems of the most frequent `variants` (BM25-scored at a lower weight).
    pub variant_fr: Vec<String>,
    /// English stems of the most frequent `variants`.
    pub variant_en: Vec<String>,
    /// A glued compound's prefix and rest (`cyberharcelement` → `cyber`, `harcelement`).
    pub parts: Option<(String, String)>,
    /// Lexicon groups the word belongs to (alone or in a phrase of the query), with the
    /// group's first word.
    pub groups: Vec<(u32, Kind, String)>,
    /// Whether the word also finds kits through the related terms of its groups; set by
    /// `matches` (a word that already finds many kits does not need them).
    pub related: bool,
    /// How much matching this word is worth (its inverse document frequency); set by `matches`.
    pub weight: f32,
}

/// The analysed query.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Parsed {
    pub terms: Vec<QTerm>,
    /// A duration the text asks for, in minutes (`atelier seniors 1h` → 60).
    pub minutes: Option<u32>,
    /// The words lexicon phrases are looked up in, in order: every word but stop words and
    /// durations — question words included (`faire défiler` is a phrase of the lexicon) — each
    /// with the index of its term, if it has one.
    pub phrase_words: Vec<(String, Option<usize>)>,
}

/// Splits and analyses the typed text. Durations are taken out; stop words and question words
/// are dropped unless the query has nothing else. Duplicate words are kept once.
pub(crate) fn parse(text: &str) -> Parsed {
    let mut folder = analysis::folded_whole();
    let toks = analysis::tokens(&mut folder, text);
    let (minutes, used) = durations(&toks);
    let toks: Vec<(usize, Tok)> = toks
        .into_iter()
        .enumerate()
        .filter(|(i, _)| !used[*i])
        .collect();
    // The last word is "being typed" unless something (a space, a dot…) follows it.
    let open_end = toks.last().is_some_and(|(_, t)| t.to == text.len());
    let last_index = toks.len().saturating_sub(1);
    let noise = |w: &str| analysis::is_stop_word(w) || analysis::is_question_word(w);
    let all_noise = toks.iter().all(|(_, t)| noise(&t.text));
    let all_stop = toks.iter().all(|(_, t)| analysis::is_stop_word(&t.text));
    let mut fr = analysis::french_whole();
    let mut en = analysis::english();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut terms = Vec::new();
    let mut phrase_words = Vec::new();
    for (i, (_, tok)) in toks.iter().enumerate() {
        // `j'ai`: the verb, not AI (`ai` alone stays a word).
        let elided_verb = tok.text == "ai" && i > 0 && toks[i - 1].1.text == "j";
        let kept_noise = all_noise && (all_stop || !analysis::is_stop_word(&tok.text));
        if !analysis::is_stop_word(&tok.text) && !elided_verb {
            let index = seen
                .get(&tok.text)
                .copied()
                .or_else(|| (!noise(&tok.text) || kept_noise).then_some(terms.len()));
            phrase_words.push((tok.text.clone(), index));
        }
        if (noise(&tok.text) && !kept_noise) || elided_verb {
            continue;
        }
        if seen.contains_key(&tok.text) {
            continue;
        }
        seen.insert(tok.text.clone(), terms.len());
        let len = tok.text.chars().count();
        let fuzzy = match len {
            0..=3 => 0,
            4 => 1,
            _ => 2,
        };
        // A stem that is a stop word is dropped (unless the query is only stop words): the typo
        // `pase` stems to `pas`, which would match nearly every French text.
        let useful = |stem: Option<String>| stem.filter(|s| all_stop || !analysis::is_stop_word(s));
        let parts =
            analysis::compound_parts(&tok.text).map(|(p, r)| (p.to_string(), r.to_string()));
        terms.push(QTerm {
            fr: useful(analysis::stem_one(&mut fr, &tok.text)),
            en: useful(analysis::stem_one(&mut en, &tok.text)),
            fuzzy,
            prefix: open_end && i == last_index && len >= 3,
            variants: Vec::new(),
            variant_fr: Vec::new(),
            variant_en: Vec::new(),
            parts,
            groups: Vec::new(),
            related: true,
            weight: 1.0,
            typed: text[tok.from..tok.to].to_string(),
            folded: tok.text.clone(),
        });
    }
    Parsed {
        terms,
        minutes,
        phrase_words,
    }
}

/// Number words a duration may use.
fn number_word(w: &str) -> Option<u32> {
    Some(match w {
        "un" | "une" | "one" | "a" | "an" => 1,
        "deux" | "two" => 2,
        "trois" | "three" => 3,
        "quatre" | "four" => 4,
        "cinq" | "five" => 5,
        "six" => 6,
        "dix" | "ten" => 10,
        "quinze" | "fifteen" => 15,
        "vingt" | "twenty" => 20,
        "trente" | "thirty" => 30,
        "quarante" | "forty" => 40,
        "cinquante" | "fifty" => 50,
        "soixante" | "sixty" => 60,
        "quatre-vingt-dix" | "ninety" => 90,
        _ => return None,
    })
}

/// Minutes per unit word.
fn unit_word(w: &str) -> Option<u32> {
    Some(match w {
        "min" | "mn" | "mins" | "minute" | "minutes" => 1,
        "h" | "heure" | "heures" | "hour" | "hours" | "hr" | "hrs" => 60,
        "seance" | "session" => 0,
        _ => return None,
    })
}

/// A token like `1h30`, `45min`, `2h`, `90mn`: minutes.
fn compact_duration(w: &str) -> Option<u32> {
    let digits_end = w.find(|c: char| !c.is_ascii_digit())?;
    if digits_end == 0 {
        return None;
    }
    let n: u32 = w[..digits_end].parse().ok()?;
    let rest = &w[digits_end..];
    let unit_end = rest
        .find(|c: char| c.is_ascii_digit())
        .unwrap_or(rest.len());
    let unit = unit_word(&rest[..unit_end]).filter(|&u| u > 0)?;
    let extra: u32 = if unit_end < rest.len() {
        rest[unit_end..]
            .parse()
            .ok()
            .filter(|&m: &u32| unit == 60 && m < 60)?
    } else {
        0
    };
    Some(n * unit + extra)
}

/// The first duration the tokens express, and which tokens express it.
fn durations(toks: &[Tok]) -> (Option<u32>, Vec<bool>) {
    let mut used = vec![false; toks.len()];
    let word = |i: usize| toks.get(i).map(|t| t.text.as_str()).unwrap_or("");
    let mut found = None;
    let mut i = 0;
    while i < toks.len() && found.is_none() {
        let w = word(i);
        // `demi-journée`, `demi-heure`, `half day`, `quart d'heure`, `une journée`, `matinée`.
        let day_part = |w: &str| matches!(w, "journee" | "journees" | "jour" | "day");
        let hour = |w: &str| matches!(w, "heure" | "hour");
        if (w == "demi" || w == "half") && day_part(word(i + 1)) {
            found = Some((180, i, i + 1));
        } else if (w == "demi" || w == "half")
            && (hour(word(i + 1)) || word(i + 1) == "an" && hour(word(i + 2)))
        {
            let end = if hour(word(i + 1)) { i + 1 } else { i + 2 };
            found = Some((30, i, end));
        } else if w == "quart" && (hour(word(i + 1)) || word(i + 1) == "d" && hour(word(i + 2))) {
            let end = if hour(word(i + 1)) { i + 1 } else { i + 2 };
            found = Some((15, i, end));
        } else if matches!(w, "matinee" | "apres") && (w == "matinee" || word(i + 1) == "midi") {
            found = Some((180, i, if w == "matinee" { i } else { i + 1 }));
        } else if day_part(w)
            && matches!(
                word(i.wrapping_sub(1)),
                "une" | "la" | "1" | "a" | "one" | "full"
            )
        {
            found = Some((360, i - 1, i));
        } else if let Some(m) = compact_duration(w) {
            // `1h` `30`: minutes after the hours.
            let (m, end) = match word(i + 1).parse::<u32>() {
                Ok(extra) if extra < 60 && w.ends_with('h') => (m + extra, i + 1),
                _ => (m, i),
            };
            found = Some((m, i, end));
        } else if let Some(n) = w.parse::<u32>().ok().or_else(|| number_word(w)) {
            if let Some(unit) = unit_word(word(i + 1)).filter(|&u| u > 0) {
                let mut minutes = n * unit;
                let mut end = i + 1;
                // `1 h 30`, `2 heures 15`.
                if unit == 60 {
                    if let Ok(extra) = word(i + 2).parse::<u32>() {
                        if extra < 60 {
                            minutes += extra;
                            end = i + 2;
                            if unit_word(word(i + 3)) == Some(1) {
                                end = i + 3;
                            }
                        }
                    } else if word(i + 2) == "et" && word(i + 3) == "demie" {
                        minutes += 30;
                        end = i + 3;
                    }
                }
                if minutes > 0 {
                    found = Some((minutes, i, end));
                }
            }
        }
        i += 1;
    }
    let minutes = found.map(|(m, from, to)| {
        for u in used.iter_mut().take(to + 1).skip(from) {
            *u = true;
        }
        m
    });
    (minutes.filter(|&m| m > 0 && m <= 7 * 24 * 60), used)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(q: &str) -> Vec<String> {
        parse(q).terms.into_iter().map(|t| t.folded).collect()
    }

    #[test]
    fn stop_and_question_words_are_dropped_unless_alone() {
        assert_eq!(words("mot de pase "), vec!["mot", "pase"]);
        assert_eq!(words("de la"), vec!["de", "la"]);
        assert_eq!(
            words("comment est-ce que je peux protéger mes données ?"),
            vec!["proteger", "donnees"]
        );
        assert_eq!(words("how do I delete cookies"), vec!["delete", "cookies"]);
        // `j'ai` is the verb; `AI` stays.
        assert_eq!(words("j'ai un souci"), vec!["souci"]);
        assert_eq!(words("AI chatbots"), vec!["ai", "chatbots"]);
        // Only question words: kept (but not the stop words among them).
        assert_eq!(words("comment faire"), vec!["comment", "faire"]);
    }

    #[test]
    fn durations_are_read_and_taken_out() {
        for (q, minutes, rest) in [
            ("atelier seniors 1h", Some(60), vec!["atelier", "seniors"]),
            ("scratch 15 minutes", Some(15), vec!["scratch"]),
            ("python 1h30 enfants", Some(90), vec!["python", "enfants"]),
            ("atelier de 45 min", Some(45), vec!["atelier"]),
            (
                "une demi-journée sur les arnaques",
                Some(180),
                vec!["arnaques"],
            ),
            ("1 h 30 tablette", Some(90), vec!["tablette"]),
            ("deux heures", Some(120), vec![]),
            ("a 2 hour workshop", Some(120), vec!["workshop"]),
            ("pix 1.3", None, vec!["pix", "1", "3"]),
            ("règle du 3-2-1", None, vec!["regle", "3", "2", "1"]),
        ] {
            let p = parse(q);
            assert_eq!(p.minutes, minutes, "{q}");
            let got: Vec<String> = p.terms.into_iter().map(|t| t.folded).collect();
            assert_eq!(got, rest, "{q}");
        }
    }

    #[test]
    fn phrases_are_looked_up_with_their_question_words() {
        let p = parse("comment faire défiler la page");
        let words: Vec<(&str, Option<usize>)> = p
            .phrase_words
            .iter()
            .map(|(w, i)| (w.as_str(), *i))
            .collect();
        assert_eq!(
            words,
            vec![
                ("comment", None),
                ("faire", None),
                ("defiler", Some(0)),
                ("page", Some(1))
            ]
        );
    }

    #[test]
    fn stems_that_are_stop_words_are_dropped() {
        let t = parse("pase").terms;
        assert_eq!(t[0].fr, None);
        assert_eq!(parse("pas").terms[0].fr.as_deref(), Some("pas"));
    }

    #[test]
    fn fuzziness_prefix_and_compounds() {
        let t = parse("ciel cokies thunderbrid nav").terms;
        assert_eq!((t[0].fuzzy, t[0].prefix), (1, false));
        assert_eq!((t[1].fuzzy, t[1].prefix), (2, false));
        assert_eq!((t[2].fuzzy, t[2].prefix), (2, false));
        assert_eq!((t[3].fuzzy, t[3].prefix), (0, true));
        assert!(!parse("nav ").terms[0].prefix);
        let t = parse("cyberharcèlement").terms;
        assert_eq!(t[0].parts, Some(("cyber".into(), "harcelement".into())));
        assert_eq!(t[0].typed, "cyberharcèlement");
    }
}
