//! Controlled vocabularies: the allowed values of `themes`, `audiences`, `level`, `formats`,
//! `materials`, `accessibility` and `competences`, with their French and English labels.
//!
//! The defaults (docs/content-format.md) are compiled in from `src/content/defaults/vocabularies.yaml`.
//! An instance adapts one with `vocabularies/<name>.yaml`:
//!
//! ```yaml
//! mode: extend          # extend (default): add values; replace: use only these values
//! values:
//!   - {slug: numerique-responsable, fr: "Numérique responsable", en: "Responsible digital"}
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{bail, Context, Result};
use yaml_rust2::{Yaml, YamlLoader};

const DEFAULTS: &str = include_str!("defaults/vocabularies.yaml");

/// One browsable, filterable field of a kit.
#[derive(Debug, Clone, Copy)]
pub struct Taxonomy {
    /// Front-matter key (`level`).
    pub field: &'static str,
    /// Vocabulary name and URL segment (`levels` → `/levels/debutant/`).
    pub key: &'static str,
}

/// Every taxonomy, in the order they appear in menus and on kit pages.
pub const TAXONOMIES: [Taxonomy; 7] = [
    Taxonomy {
        field: "themes",
        key: "themes",
    },
    Taxonomy {
        field: "audiences",
        key: "audiences",
    },
    Taxonomy {
        field: "level",
        key: "levels",
    },
    Taxonomy {
        field: "formats",
        key: "formats",
    },
    Taxonomy {
        field: "materials",
        key: "materials",
    },
    Taxonomy {
        field: "competences",
        key: "competences",
    },
    Taxonomy {
        field: "accessibility",
        key: "accessibility",
    },
];

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Term {
    pub slug: String,
    /// Language code → label.
    pub labels: BTreeMap<String, String>,
}

impl Term {
    pub fn label(&self, lang: &str) -> &str {
        label_in(&self.labels, lang).unwrap_or(&self.slug)
    }
}

fn label_in<'a>(labels: &'a BTreeMap<String, String>, lang: &str) -> Option<&'a str> {
    let short = lang.split('-').next().unwrap_or(lang);
    labels
        .get(lang)
        .or_else(|| labels.get(short))
        .or_else(|| labels.get("fr"))
        .or_else(|| labels.values().next())
        .map(String::as_str)
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Vocabulary {
    pub key: String,
    pub labels: BTreeMap<String, String>,
    pub terms: Vec<Term>,
    /// Only for `competences`: framework id → labels.
    pub frameworks: BTreeMap<String, BTreeMap<String, String>>,
    /// Only for `competences`: the domains (`pix:1`…), in order.
    #[serde(default)]
    pub domains: Vec<Term>,
}

impl Vocabulary {
    pub fn label(&self, lang: &str) -> &str {
        label_in(&self.labels, lang).unwrap_or(&self.key)
    }

    pub fn get(&self, slug: &str) -> Option<&Term> {
        self.terms.iter().find(|t| t.slug == slug)
    }

    pub fn slugs(&self) -> Vec<String> {
        self.terms.iter().map(|t| t.slug.clone()).collect()
    }

    /// The domain of competence `slug` (`pix:4.2` → the term `pix:4`), if known.
    pub fn domain_of(&self, slug: &str) -> Option<&Term> {
        let (framework, code) = slug.split_once(':')?;
        let domain = format!("{framework}:{}", code.split('.').next()?);
        self.domains.iter().find(|d| d.slug == domain)
    }

    pub fn framework_label(&self, framework: &str, lang: &str) -> String {
        self.frameworks
            .get(framework)
            .and_then(|labels| label_in(labels, lang))
            .unwrap_or(framework)
            .to_string()
    }
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Vocabularies {
    pub by_key: BTreeMap<String, Vocabulary>,
}

impl Vocabularies {
    /// The defaults, adapted by the instance's `vocabularies/*.yaml`.
    pub fn load(root: &Path) -> Result<Vocabularies> {
        let mut vocabularies = Vocabularies::defaults();
        let dir = root.join("vocabularies");
        if dir.is_dir() {
            let mut files: Vec<_> = std::fs::read_dir(&dir)
                .with_context(|| format!("cannot read {}", dir.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
                // The lexicon is not a vocabulary of values (see `crate::lexicon`).
                .filter(|p| !p.file_stem().is_some_and(|s| s == "lexicon"))
                .collect();
            files.sort();
            for file in files {
                vocabularies.apply_override(&file)?;
            }
        }
        Ok(vocabularies)
    }

    pub fn defaults() -> Vocabularies {
        let docs =
            YamlLoader::load_from_str(DEFAULTS).expect("built-in vocabularies are valid YAML");
        let mut by_key = BTreeMap::new();
        if let Yaml::Hash(map) = &docs[0] {
            for (key, body) in map {
                let key = key.as_str().unwrap_or_default().to_string();
                let vocabulary = Vocabulary {
                    key: key.clone(),
                    labels: labels_of(&body["label"]),
                    terms: terms_of(&body["values"]).expect("built-in vocabulary values are valid"),
                    domains: match &body["domains"] {
                        Yaml::Array(_) => {
                            terms_of(&body["domains"]).expect("built-in domains are valid")
                        }
                        _ => Vec::new(),
                    },
                    frameworks: match &body["frameworks"] {
                        Yaml::Hash(f) => f
                            .iter()
                            .map(|(k, v)| {
                                (k.as_str().unwrap_or_default().to_string(), labels_of(v))
                            })
                            .collect(),
                        _ => BTreeMap::new(),
                    },
                };
                by_key.insert(key, vocabulary);
            }
        }
        Vocabularies { by_key }
    }

    fn apply_override(&mut self, file: &Path) -> Result<()> {
        let name = file
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        self.apply_text(&name, &text, file)
    }

    /// Adapt the vocabulary `name` by the YAML `text` of `file` (named in messages).
    pub fn apply_text(&mut self, name: &str, text: &str, file: &Path) -> Result<()> {
        let name = name.to_string();
        let docs = YamlLoader::load_from_str(text)
            .with_context(|| format!("{}: invalid YAML", file.display()))?;
        let Some(doc) = docs.first() else {
            return Ok(());
        };
        let Some(vocabulary) = self.by_key.get_mut(&name) else {
            let known: Vec<_> = self.by_key.keys().cloned().collect();
            bail!(
                "{}: unknown vocabulary `{name}` (known: {})",
                file.display(),
                known.join(", ")
            );
        };
        let terms =
            terms_of(&doc["values"]).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
        match doc["mode"].as_str().unwrap_or("extend") {
            "replace" => vocabulary.terms = terms,
            "extend" => {
                for term in terms {
                    if let Some(existing) =
                        vocabulary.terms.iter_mut().find(|t| t.slug == term.slug)
                    {
                        existing.labels.extend(term.labels);
                    } else {
                        vocabulary.terms.push(term);
                    }
                }
            }
            other => bail!(
                "{}: `mode` must be `extend` or `replace`, not `{other}`",
                file.display()
            ),
        }
        if let Yaml::Hash(labels) = &doc["label"] {
            for (k, v) in labels {
                if let (Some(k), Some(v)) = (k.as_str(), v.as_str()) {
                    vocabulary.labels.insert(k.to_string(), v.to_string());
                }
            }
        }
        if let Yaml::Hash(frameworks) = &doc["frameworks"] {
            for (k, v) in frameworks {
                if let Some(k) = k.as_str() {
                    vocabulary.frameworks.insert(k.to_string(), labels_of(v));
                }
            }
        }
        Ok(())
    }

    pub fn get(&self, key: &str) -> &Vocabulary {
        self.by_key
            .get(key)
            .unwrap_or_else(|| panic!("vocabulary {key} exists"))
    }

    /// The label of value `slug` of vocabulary `key` in `lang` (the slug itself if unknown).
    pub fn term_label(&self, key: &str, slug: &str, lang: &str) -> String {
        self.get(key)
            .get(slug)
            .map(|t| t.label(lang).to_string())
            .unwrap_or_else(|| slug.to_string())
    }

    /// A value as a filter shows it: competences with their framework and code
    /// (`Pix 1.1 — Mener une recherche…`), other values by their label.
    pub fn filter_label(&self, key: &str, slug: &str, lang: &str) -> String {
        let label = self.term_label(key, slug, lang);
        match slug.split_once(':') {
            Some((framework, code)) if key == "competences" => {
                let framework = self.get(key).framework_label(framework, lang);
                format!("{framework} {code} — {label}")
            }
            _ => label,
        }
    }
}

fn labels_of(yaml: &Yaml) -> BTreeMap<String, String> {
    match yaml {
        Yaml::Hash(map) => map
            .iter()
            .filter_map(|(k, v)| Some((k.as_str()?.to_string(), v.as_str()?.to_string())))
            .collect(),
        _ => BTreeMap::new(),
    }
}

fn terms_of(yaml: &Yaml) -> Result<Vec<Term>, String> {
    let Yaml::Array(items) = yaml else {
        return Err("`values` must be a list of {slug, fr, en}".into());
    };
    items
        .iter()
        .map(|item| {
            let slug = item["slug"]
                .as_str()
                .ok_or("every value needs a `slug`")?
                .to_string();
            let mut labels = labels_of(item);
            labels.remove("slug");
            Ok(Term { slug, labels })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_hold_the_contract_values() {
        let v = Vocabularies::defaults();
        assert_eq!(v.get("themes").terms.len(), 10);
        assert_eq!(v.get("audiences").terms.len(), 8);
        assert_eq!(
            v.get("levels").slugs(),
            ["debutant", "intermediaire", "avance"]
        );
        let competences = v.get("competences");
        assert_eq!(
            competences
                .terms
                .iter()
                .filter(|t| t.slug.starts_with("pix:"))
                .count(),
            16
        );
        assert_eq!(
            competences
                .terms
                .iter()
                .filter(|t| t.slug.starts_with("digcomp:"))
                .count(),
            21
        );
        assert_eq!(
            v.get("themes").get("vie-privee").unwrap().label("en"),
            "Privacy and personal data"
        );
    }
}
