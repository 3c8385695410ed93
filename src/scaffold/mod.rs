//! Scaffolding: a new kit from a template (`mallette new`) and a new instance (`mallette init`).
//!
//! The kit template is generated from the instance's own vocabularies, so the allowed values it
//! lists in comments are always the ones `check` accepts, and the kit passes `check` as created.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use mallette_content::config::Config;
use mallette_content::diagnostics::closest;
use mallette_content::draft::{KitDraft, Step};
use mallette_content::slug::slugify;
use mallette_content::vocabulary::Vocabularies;

/// `slug` cut at a hyphen to fit the longest slug a kit may have.
fn short_slug(slug: &str) -> String {
    let max = mallette_content::MAX_SLUG_BYTES;
    if slug.len() <= max {
        return slug.to_string();
    }
    let cut = &slug[..max];
    cut.rsplit_once('-')
        .map_or(cut, |(head, _)| head)
        .to_string()
}

/// Write a new kit for `title`; returns its path. Refuses to overwrite an existing file.
pub fn new_kit(root: &Path, title: &str, theme: Option<&str>, folder: bool) -> Result<PathBuf> {
    let config = Config::load(root)?;
    let vocabularies = Vocabularies::load(root)?;
    let length = title.trim().chars().count();
    if length > 120 {
        bail!("the title has {length} characters: a kit's title has 120 at most (put the rest in its summary)");
    }
    let slug = short_slug(&slugify(title));
    if slug.is_empty() {
        bail!("the title `{title}` gives an empty identifier: use letters or digits");
    }
    let themes = vocabularies.get("themes");
    let theme = match theme {
        Some(t) if themes.get(t).is_some() => t.to_string(),
        Some(t) => {
            let suggestion = closest(t, themes.terms.iter().map(|x| x.slug.as_str()));
            bail!(
                "--theme `{t}` is not in the themes vocabulary{} (allowed: {})",
                suggestion
                    .map(|s| format!(" — did you mean `{s}`?"))
                    .unwrap_or_default(),
                themes.slugs().join(", ")
            );
        }
        None => themes
            .terms
            .first()
            .map(|t| t.slug.clone())
            .context("the themes vocabulary is empty")?,
    };
    let kits = root.join("content/kits");
    let path = if folder {
        kits.join(&slug).join("index.md")
    } else {
        kits.join(format!("{slug}.md"))
    };
    let other = if folder {
        kits.join(format!("{slug}.md"))
    } else {
        kits.join(&slug).join("index.md")
    };
    if path.exists() || other.exists() {
        bail!(
            "{} already exists: choose another title",
            if path.exists() { &path } else { &other }.display()
        );
    }
    let text = kit_template(
        title,
        &theme,
        &config,
        &vocabularies,
        chrono::Local::now().date_naive(),
    );
    std::fs::create_dir_all(path.parent().unwrap())?;
    std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(path)
}

fn first(vocabularies: &Vocabularies, key: &str, preferred: &str) -> String {
    let vocabulary = vocabularies.get(key);
    if vocabulary.get(preferred).is_some() {
        preferred.to_string()
    } else {
        vocabulary
            .terms
            .first()
            .map(|t| t.slug.clone())
            .unwrap_or_default()
    }
}

/// The text of a new kit: every field with a valid example, allowed values in comments.
pub fn kit_template(
    title: &str,
    theme: &str,
    config: &Config,
    vocabularies: &Vocabularies,
    today: chrono::NaiveDate,
) -> String {
    let license = config
        .licenses
        .first()
        .cloned()
        .unwrap_or_else(|| "CC-BY-SA-4.0".into());
    let step = |title: &str, minutes: &str| Step {
        duration: minutes.into(),
        title: title.into(),
        description: String::new(),
    };
    KitDraft {
        title: title.into(),
        summary: "Ce que les participants sauront faire à la fin de l'atelier.".into(),
        themes: vec![theme.into()],
        audiences: vec![first(vocabularies, "audiences", "adultes")],
        level: first(vocabularies, "levels", "debutant"),
        duration: "1h30".into(),
        participants: Some(("4".into(), "12".into())),
        formats: vec![first(vocabularies, "formats", "atelier-collectif")],
        competences: vec![first(vocabularies, "competences", "pix:4.2")],
        prerequisites: Vec::new(),
        materials: vec![first(vocabularies, "materials", "ordinateurs")],
        accessibility: Vec::new(),
        license,
        authors: vec!["Votre nom ou celui de votre structure".into()],
        language: String::new(),
        created: today.to_string(),
        objectives:
            "- Ce que les participants comprennent.\n- Ce qu'ils savent faire en repartant.".into(),
        audience_and_prerequisites: "À qui s'adresse l'atelier, ce qu'il faut savoir faire avant."
            .into(),
        materials_text: "- Ce qu'il faut préparer, imprimer, installer.".into(),
        preparation: String::new(),
        steps: vec![
            step("Accueil et tour de table", "10"),
            step("Découverte", "30"),
            step("Mise en pratique", "40"),
            step("Bilan", "10"),
        ],
        adaptations: "Selon le public, sans vidéoprojecteur, avec une connexion faible…".into(),
        watch_out: "Les pièges à éviter.".into(),
        further: "Des ressources pour les participants et pour l'animateur ou l'animatrice.".into(),
    }
    .to_text(config, vocabularies)
}

const CONTRIBUTING: &str = include_str!("init/CONTRIBUTING.md");
const GITHUB_WORKFLOW: &str = include_str!("init/.github/workflows/mallette.yml");
const GITLAB_CI: &str = include_str!("init/.gitlab-ci.yml");
const GITIGNORE: &str = include_str!("init/gitignore");

/// Create a new instance in `dir` (which must not exist or be empty). Returns the files written.
pub fn init(dir: &Path, name: &str) -> Result<Vec<PathBuf>> {
    if dir.exists() && std::fs::read_dir(dir)?.next().is_some() {
        bail!("{} is not empty: choose a new folder", dir.display());
    }
    // A name is one line of text: control characters have no meaning in it, and TOML refuses
    // most of them.
    let name: String = name.chars().filter(|c| !c.is_control()).collect();
    let name = name.trim();
    if name.is_empty() {
        bail!("--name is empty: give the wiki a name, e.g. --name \"Réseau des médiathèques\"");
    }
    let title = toml::Value::String(name.to_string()).to_string();
    let config = format!(
        "# Settings of this wiki; every key is documented in mallette's README.\ntitle = {title}\ndescription = \"Les fiches ateliers de notre réseau de médiation numérique.\"\nbase_url = \"/\"\nlanguage = \"fr\"\n# edit_url = \"https://forge.example/reseau/wiki/-/edit/main/{{path}}\"\n"
    );
    let files: Vec<(&str, String)> = vec![
        ("mallette.toml", config),
        ("CONTRIBUTING.md", CONTRIBUTING.to_string()),
        (".github/workflows/mallette.yml", GITHUB_WORKFLOW.to_string()),
        (".gitlab-ci.yml", GITLAB_CI.to_string()),
        (".gitignore", GITIGNORE.to_string()),
        ("content/pages/a-propos.md", format!("---\ntitle: À propos\n---\n\n{name} rassemble les fiches ateliers de notre réseau. Pour proposer un kit, lisez le guide de contribution (CONTRIBUTING.md) du dépôt.\n")),
    ];
    let mut written = Vec::new();
    for (path, text) in files {
        let full = dir.join(path);
        std::fs::create_dir_all(full.parent().unwrap())?;
        std::fs::write(&full, text).with_context(|| format!("cannot write {}", full.display()))?;
        written.push(full);
    }
    written.push(new_kit(
        dir,
        "Premiers pas avec un smartphone",
        Some("outils-du-quotidien"),
        false,
    )?);
    written.push(new_kit(
        dir,
        "Repérer une arnaque par courriel",
        Some("securite"),
        true,
    )?);
    Ok(written)
}
