//! The one language switch of mallette's own messages: diagnostics, the command line, `serve`,
//! and the dates, sizes and attribution sentences pages show.
//!
//! Every string lives in one catalog per language (`i18n/fr.yaml`, `i18n/en.yaml`, compiled in):
//! code asks for a key and gives the values of its `{placeholders}`; it never holds a French or an
//! English sentence itself, nor branches on the language. The built site's interface strings are
//! the theme's own (`themes/default/i18n/`), which an instance may override; these are not.

use std::collections::HashMap;
use std::sync::OnceLock;

const FR: &str = include_str!("i18n/fr.yaml");
const EN: &str = include_str!("i18n/en.yaml");

/// A language mallette speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    Fr,
    En,
}

impl Lang {
    /// The interface language for a language tag: French for `fr…`, English otherwise.
    pub fn from_code(code: &str) -> Lang {
        if code.starts_with("fr") {
            Lang::Fr
        } else {
            Lang::En
        }
    }

    /// `fr` or `en`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    /// The message `key`, placeholders left as written. A missing key gives the key itself (a unit
    /// test checks that both catalogs hold every key).
    pub fn text(self, key: &str) -> &'static str {
        catalog(self)
            .get(key)
            .map(String::as_str)
            .unwrap_or_else(|| fallback(key))
    }

    /// The message `key` with each `{name}` replaced by its value.
    pub fn format(self, key: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
        fill(self.text(key), args)
    }

    /// The message `key.one` or `key.other`, as the language's plural rule asks for `n`, with
    /// `{n}` and the other placeholders filled.
    pub fn plural(self, key: &str, n: usize, args: &[(&str, &dyn std::fmt::Display)]) -> String {
        let form = if self.singular(n) { "one" } else { "other" };
        let mut all: Vec<(&str, &dyn std::fmt::Display)> = vec![("n", &n)];
        all.extend_from_slice(args);
        fill(self.text(&format!("{key}.{form}")), &all)
    }

    /// `n` and its noun, `count.<noun>` of the catalog: `1 kit`, `0 page` (French), `0 pages`
    /// (English), `2 erreurs`.
    pub fn count(self, noun: &str, n: usize) -> String {
        self.plural(&format!("count.{noun}"), n, &[])
    }

    /// Whether `n` takes the singular: in French 0 and 1 do, in English only 1.
    fn singular(self, n: usize) -> bool {
        match self {
            Lang::Fr => n < 2,
            Lang::En => n == 1,
        }
    }
}

/// A duration as pages and search results show it, the same in French and English: `45 min`,
/// `2 h`, `1 h 30`.
pub fn duration_text(minutes: u32) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m:02}"),
    }
}

/// The name of a language in that language (readers look for their own): `de` → `Deutsch`.
/// Unknown codes are returned as written.
pub fn language_name(code: &str) -> String {
    let short = code.split('-').next().unwrap_or(code);
    match short {
        "fr" => "Français",
        "en" => "English",
        "de" => "Deutsch",
        "es" => "Español",
        "it" => "Italiano",
        "nl" => "Nederlands",
        "pt" => "Português",
        "br" => "Brezhoneg",
        "oc" => "Occitan",
        _ => return code.to_string(),
    }
    .to_string()
}

/// Replace each `{name}` of `template` by its value in `args` (unknown names are left).
pub fn fill(template: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after.find('}');
        let value = close.and_then(|c| {
            let name = &after[..c];
            args.iter().find(|(n, _)| *n == name).map(|(_, v)| (c, v))
        });
        match value {
            Some((c, v)) => {
                out.push_str(&v.to_string());
                rest = &after[c + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn catalog(lang: Lang) -> &'static HashMap<String, String> {
    static CATALOGS: OnceLock<[HashMap<String, String>; 2]> = OnceLock::new();
    let catalogs = CATALOGS.get_or_init(|| [parse(FR), parse(EN)]);
    &catalogs[lang as usize]
}

/// A missing key is a bug, caught by the tests; in a release it shows the key rather than panic.
fn fallback(key: &str) -> &'static str {
    static MISSING: OnceLock<std::sync::Mutex<HashMap<String, &'static str>>> = OnceLock::new();
    let mut missing = MISSING
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    missing
        .entry(key.to_string())
        .or_insert_with(|| Box::leak(key.to_string().into_boxed_str()))
}

fn parse(text: &str) -> HashMap<String, String> {
    let docs =
        yaml_rust2::YamlLoader::load_from_str(text).expect("message catalogs are valid YAML");
    let mut map = HashMap::new();
    if let Some(yaml_rust2::Yaml::Hash(entries)) = docs.first() {
        for (key, value) in entries {
            if let (Some(key), Some(value)) = (key.as_str(), value.as_str()) {
                map.insert(key.to_string(), value.to_string());
            }
        }
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placeholders(text: &str) -> Vec<&str> {
        let mut names: Vec<&str> = text
            .split('{')
            .skip(1)
            .filter_map(|s| s.split_once('}').map(|(n, _)| n))
            .filter(|n| n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
            .collect();
        names.sort();
        names
    }

    #[test]
    fn both_catalogs_hold_the_same_keys_and_placeholders() {
        let (fr, en) = (catalog(Lang::Fr), catalog(Lang::En));
        assert!(fr.len() > 50);
        for (key, text) in fr {
            let other = en
                .get(key)
                .unwrap_or_else(|| panic!("en.yaml lacks `{key}`"));
            assert_eq!(
                placeholders(text),
                placeholders(other),
                "placeholders of `{key}`"
            );
        }
        for key in en.keys() {
            assert!(fr.contains_key(key), "fr.yaml lacks `{key}`");
        }
    }

    #[test]
    fn counts_follow_each_language_s_plural_rule() {
        let fr: Vec<String> = [0, 1, 2, 10].map(|n| Lang::Fr.count("kits", n)).into();
        assert_eq!(fr, ["0 kit", "1 kit", "2 kits", "10 kits"]);
        let en: Vec<String> = [0, 1, 2].map(|n| Lang::En.count("pages", n)).into();
        assert_eq!(en, ["0 pages", "1 page", "2 pages"]);
        assert_eq!(Lang::Fr.count("errors", 1), "1 erreur");
        assert_eq!(Lang::Fr.count("errors", 3), "3 erreurs");
        assert_eq!(Lang::Fr.count("files", 0), "0 fichier");
        assert_eq!(
            Lang::Fr.plural(
                "serve.pages-updated",
                2,
                &[("pages", &"a, b"), ("millis", &5)]
            ),
            "Pages mises à jour : a, b (5 ms)"
        );
    }

    #[test]
    fn every_plural_message_has_both_forms_and_no_parenthesised_plural() {
        for lang in [Lang::Fr, Lang::En] {
            let catalog = catalog(lang);
            for key in catalog.keys() {
                if let Some(base) = key.strip_suffix(".one") {
                    assert!(catalog.contains_key(&format!("{base}.other")), "{key}");
                }
                if let Some(base) = key.strip_suffix(".other") {
                    assert!(catalog.contains_key(&format!("{base}.one")), "{key}");
                }
            }
            for (key, text) in catalog {
                assert!(
                    !text.contains("(s)"),
                    "`{key}` writes a plural as (s): {text}"
                );
            }
        }
    }

    #[test]
    fn placeholders_are_filled() {
        assert_eq!(
            Lang::Fr.format("problem.unknown-key", &[("key", &"audience")]),
            "clé inconnue `audience`"
        );
        assert_eq!(
            fill("{a} et {b} {c}", &[("a", &1), ("b", &"x")]),
            "1 et x {c}"
        );
    }
}
