//! Scaffolding: a new kit from a template (`mallette new`) and a new instance (`mallette init`).
//!
//! The kit template is generated from the instance's own vocabularies, so the allowed values it
//! lists in comments are always the ones `check` accepts, and the kit passes `check` as created.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use mallette_content::config::Config;
use mallette_content::diagnostics::closest;
use mallette_content::draft::KitDraft;
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

/// Write a new learning path for `title` (`content/parcours/<slug>.md`), whose steps are the
/// first kits of the instance; returns its path. Refuses to overwrite an existing file.
pub fn new_parcours(root: &Path, title: &str) -> Result<PathBuf> {
    let config = Config::load(root)?;
    let vocabularies = Vocabularies::load(root)?;
    let length = title.trim().chars().count();
    if length == 0 || length > 120 {
        bail!("the title has {length} characters: a path's title has 1 to 120");
    }
    let slug = short_slug(&slugify(title));
    if slug.is_empty() {
        bail!("the title `{title}` gives an empty identifier: use letters or digits");
    }
    let path = root.join("content/parcours").join(format!("{slug}.md"));
    if path.exists() {
        bail!("{} already exists: choose another title", path.display());
    }
    // Example steps: the first kits found (by path), so that the file passes `check` as created.
    let mut kits: Vec<String> = walkdir::WalkDir::new(root.join("content/kits"))
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let stem = name.strip_suffix(".md")?;
            if stem.contains('.') {
                return None; // translations
            }
            Some(if stem == "index" {
                e.path()
                    .parent()?
                    .file_name()?
                    .to_string_lossy()
                    .into_owned()
            } else {
                stem.to_string()
            })
        })
        .collect();
    kits.dedup();
    if kits.is_empty() {
        bail!("content/kits/ holds no kit yet: a path is made of kits; create some with `mallette new`");
    }
    // The placeholder words in the instance's language, like `new`'s kit template.
    let english = mallette_content::Lang::from_code(&config.language) == mallette_content::Lang::En;
    let words = if english {
        PathWords {
            note: "What to adapt at this step.",
            summary_hint: "One or two sentences (300 characters at most).",
            summary: "What the cycle brings, in how many sessions.",
            audiences: "Audiences:",
            themes: "Themes (optional):",
            license: "Licence:",
            authors: "Your name or your organisation's",
            kits: "The steps in order: a kit's identifier (its file without .md), or {kit: …, note: \"…\"}.",
            body: "## Rhythm\n\nHow many sessions, how far apart.\n\n## Between sessions\n\nWhat participants do at home, what the facilitator prepares.\n\n## Assessing\n\nWhat participants can do at the end of the cycle.\n",
        }
    } else {
        PathWords {
            note: "Ce qu'il faut adapter à cette étape.",
            summary_hint: "Une ou deux phrases (300 caractères au plus).",
            summary: "Ce que le cycle apporte, en combien de séances.",
            audiences: "Publics :",
            themes: "Thèmes (facultatif) :",
            license: "Licence :",
            authors: "Votre nom ou celui de votre structure",
            kits: "Les étapes dans l'ordre : l'identifiant d'un kit (son fichier sans .md), ou {kit: …, note: \"…\"}.",
            body: "## Le rythme\n\nCombien de séances, à quel intervalle.\n\n## Entre les séances\n\nCe que les participants font chez eux, ce que l'animateur prépare.\n\n## Évaluer\n\nCe que les participants savent faire à la fin du cycle.\n",
        }
    };
    let steps: String = kits
        .iter()
        .take(3)
        .enumerate()
        .map(|(i, kit)| {
            if i == 0 {
                format!("  - {{kit: {kit}, note: \"{}\"}}\n", words.note)
            } else {
                format!("  - {kit}\n")
            }
        })
        .collect();
    let license = config.licenses.first().cloned().unwrap_or_default();
    let audience = vocabularies
        .get("audiences")
        .terms
        .first()
        .map(|t| t.slug.clone())
        .unwrap_or_default();
    let title_yaml = toml::Value::String(title.trim().to_string()).to_string();
    let text = format!(
        "---\ntitle: {title_yaml}\n# {summary_hint}\nsummary: \"{summary}\"\n# {audiences_word} {audiences}\naudiences: [{audience}]\n# {themes_word} {themes}\nthemes: []\n# {license_word} {licenses}\nlicense: {license}\nauthors: [\"{authors}\"]\n# {kits_word}\nkits:\n{steps}---\n\n{body}",
        summary_hint = words.summary_hint,
        summary = words.summary,
        audiences_word = words.audiences,
        themes_word = words.themes,
        license_word = words.license,
        authors = words.authors,
        kits_word = words.kits,
        body = words.body,
        audiences = vocabularies.get("audiences").slugs().join(", "),
        themes = vocabularies.get("themes").slugs().join(", "),
        licenses = config.licenses.join(", "),
    );
    std::fs::create_dir_all(path.parent().unwrap())?;
    std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(path)
}

/// The placeholder words of `new --parcours`'s file, in one language.
struct PathWords {
    note: &'static str,
    summary_hint: &'static str,
    summary: &'static str,
    audiences: &'static str,
    themes: &'static str,
    license: &'static str,
    authors: &'static str,
    kits: &'static str,
    body: &'static str,
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

/// The text of a new kit: every field with a valid example, allowed values in comments.
pub fn kit_template(
    title: &str,
    theme: &str,
    config: &Config,
    vocabularies: &Vocabularies,
    today: chrono::NaiveDate,
) -> String {
    KitDraft::example(title, theme, config, vocabularies, &today.to_string())
        .to_text(config, vocabularies)
}

mod ci;

/// The Git address of mallette's own source (a placeholder until the project's forge is
/// decided): the last install route of the CI files `init` writes (`--mallette-source` replaces
/// it there).
pub const PROJECT_GIT_URL: &str = "https://codeberg.org/mallette/mallette.git";
/// Where mallette's release binaries are published:
/// `<RELEASES_URL>/v<version>/mallette-<version>-<target>.tar.gz` (`.zip` on Windows) and
/// `<RELEASES_URL>/v<version>/SHA256SUMS` (`.github/workflows/release.yml` uploads them).
pub const RELEASES_URL: &str = "https://github.com/mallette-wiki/mallette/releases/download";

const CONTRIBUTING: &str = include_str!("init/CONTRIBUTING.md");
const GITIGNORE: &str = include_str!("init/gitignore");

/// The forge side of a new wiki: issue forms (GitHub and Forgejo read the same format) and
/// GitLab issue templates for field reports and problems, and a pull/merge request template.
/// Every forge's files are written: a network may move its wiki from one forge to another.
const FORGE_FILES: [(&str, &str); 9] = [
    (
        ".github/ISSUE_TEMPLATE/retour-terrain.yml",
        include_str!("init/forge/retour-terrain.yml"),
    ),
    (
        ".github/ISSUE_TEMPLATE/probleme.yml",
        include_str!("init/forge/probleme.yml"),
    ),
    (
        ".github/pull_request_template.md",
        include_str!("init/forge/pull_request.md"),
    ),
    (
        ".forgejo/ISSUE_TEMPLATE/retour-terrain.yml",
        include_str!("init/forge/retour-terrain.yml"),
    ),
    (
        ".forgejo/ISSUE_TEMPLATE/probleme.yml",
        include_str!("init/forge/probleme.yml"),
    ),
    (
        ".forgejo/PULL_REQUEST_TEMPLATE.md",
        include_str!("init/forge/pull_request.md"),
    ),
    (
        ".gitlab/issue_templates/Retour terrain.md",
        include_str!("init/forge/gitlab-retour-terrain.md"),
    ),
    (
        ".gitlab/issue_templates/Problème.md",
        include_str!("init/forge/gitlab-probleme.md"),
    ),
    (
        ".gitlab/merge_request_templates/Default.md",
        include_str!("init/forge/pull_request.md"),
    ),
];

/// The `[forge]` table of a new wiki's mallette.toml: from `--forge-url` (and `--forge-kind`,
/// needed when the host is not a well-known one), or a commented example.
fn forge_table(forge_url: Option<&str>, forge_kind: Option<&str>) -> Result<String> {
    use mallette_content::forge::{ForgeKind, FORGE_KINDS};
    let Some(url) = forge_url else {
        return Ok("\n# The forge that hosts this wiki's repository: edit links, the contribution form and\n# field reports open its pages (kind: github, gitlab or forgejo).\n# [forge]\n# kind = \"forgejo\"\n# url = \"https://codeberg.org/reseau/wiki\"\n# branch = \"main\"\n".to_string());
    };
    let url = url.trim().trim_end_matches('/');
    if !(url.starts_with("https://") || url.starts_with("http://"))
        || url
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '\\')
    {
        bail!("--forge-url `{url}`: expected the repository's web address, e.g. https://codeberg.org/reseau/wiki");
    }
    let kind = match forge_kind {
        Some(name) => ForgeKind::parse(name).with_context(|| {
            format!(
                "--forge-kind `{name}`: expected one of {}",
                FORGE_KINDS.join(", ")
            )
        })?,
        None => ForgeKind::guess(url).with_context(|| {
            format!(
                "--forge-url `{url}`: which forge is it? Add --forge-kind (one of {})",
                FORGE_KINDS.join(", ")
            )
        })?,
    };
    Ok(format!(
        "\n# The forge that hosts this wiki's repository: edit links, the contribution form and\n# field reports open its pages.\n[forge]\nkind = \"{}\"\nurl = \"{url}\"\nbranch = \"main\"\n",
        kind.name()
    ))
}

/// Create a new instance in `dir` (which must not exist or be empty). Returns the files written.
/// `mallette_source` is the Git address its CI builds mallette from when neither a release
/// binary nor crates.io has it (default [`PROJECT_GIT_URL`]).
/// `forge_url` (and `forge_kind`) fill `[forge]` in its mallette.toml.
pub fn init(
    dir: &Path,
    name: &str,
    mallette_source: Option<&str>,
    forge_url: Option<&str>,
    forge_kind: Option<&str>,
) -> Result<Vec<PathBuf>> {
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
    let forge = forge_table(forge_url, forge_kind)?;
    let mut config = format!(
        "# Settings of this wiki; every key is documented in mallette's README.\ntitle = {title}\ndescription = \"Les fiches ateliers de notre réseau de médiation numérique.\"\nbase_url = \"/\"\nlanguage = \"fr\"\n# edit_url = \"https://forge.example/reseau/wiki/-/edit/main/{{path}}\"\n"
    );
    config.push_str(&forge);
    let ci_files = ci::files(mallette_source)?;
    let mut files: Vec<(&str, String)> = vec![
        ("mallette.toml", config),
        ("CONTRIBUTING.md", CONTRIBUTING.to_string()),
        (".gitignore", GITIGNORE.to_string()),
        ("content/pages/a-propos.md", format!("---\ntitle: À propos\n---\n\n{name} rassemble les fiches ateliers de notre réseau. Pour proposer un kit, lisez le guide de contribution (CONTRIBUTING.md) du dépôt.\n")),
    ];
    files.extend(ci_files);
    files.extend(FORGE_FILES.iter().map(|(p, t)| (*p, t.to_string())));
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
