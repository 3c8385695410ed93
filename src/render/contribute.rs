//! The contribution page (`/contribuer/`, `/contribute/` on an English instance): a form built
//! from the instance's own vocabularies and licences, whose script writes the kit file and checks
//! it with the validator module (the content stage in WebAssembly, `crates/validator-wasm`), then
//! opens the forge's "new file" page with the file in it. Without JavaScript the page shows the
//! kit template to copy and the link to the forge.

use anyhow::Result;
use mallette_content::draft::KitDraft;
use mallette_content::Analysis;
use serde::Serialize;
use sha2::{Digest, Sha256};
use tera::Context;

use super::{Renderer, TermView};

/// The validator module, built from `crates/validator-wasm` by `scripts/build-wasm.sh`.
pub static VALIDATOR_WASM: &[u8] = include_bytes!("../../assets/mallette_validator.wasm");
/// [`VALIDATOR_WASM`] gzipped (by `scripts/build-wasm.sh`): what browsers fetch and inflate.
pub static VALIDATOR_WASM_GZ: &[u8] = include_bytes!("../../assets/mallette_validator.wasm.gz");
/// `sha256sum` line of [`VALIDATOR_WASM`].
pub const VALIDATOR_SHA256: &str = include_str!("../../assets/mallette_validator.wasm.sha256");

/// Where the validator is published (content-hashed: cached forever).
pub fn validator_file() -> String {
    format!("static/validator.{}.wasm", &VALIDATOR_SHA256[..16])
}

/// Where an offline build puts the validator as a script (a page opened from disk can load a
/// script but not fetch a file).
pub fn validator_offline_file() -> String {
    format!("static/validator.{}.js", &VALIDATOR_SHA256[..16])
}

/// The offline script: the module in base64, for pages opened through `file://`.
pub fn validator_offline_script() -> String {
    use base64::Engine as _;
    format!(
        "// The contribution form's validator, for a site opened from disk (mallette build --offline).\nself.malletteValidatorWasm = \"{}\";\n",
        base64::engine::general_purpose::STANDARD.encode(VALIDATOR_WASM)
    )
}

/// The page's path: in the interface language.
pub fn contribute_path(lang: mallette_content::Lang) -> &'static str {
    match lang {
        mallette_content::Lang::Fr => "contribuer/",
        mallette_content::Lang::En => "contribute/",
    }
}

#[derive(Serialize)]
struct CompetenceGroup {
    label: String,
    terms: Vec<TermView>,
}

#[derive(Serialize)]
struct LicenseChoice {
    id: String,
    name: String,
}

#[derive(Serialize)]
struct ForgeTarget {
    new_file_base: String,
    name_param: String,
    text_param: String,
    message_param: Option<String>,
    /// The "new file" page with no content (the route for a file too long for a URL).
    empty_url: String,
}

#[derive(Serialize)]
struct ContributeView {
    themes: Vec<TermView>,
    audiences: Vec<TermView>,
    levels: Vec<TermView>,
    formats: Vec<TermView>,
    materials: Vec<TermView>,
    accessibility: Vec<TermView>,
    competences: Vec<CompetenceGroup>,
    licenses: Vec<LicenseChoice>,
    forge: Option<ForgeTarget>,
    /// The kit file `mallette new` writes, to copy by hand.
    template: String,
    /// What the validator needs: settings and vocabularies, as JSON.
    context_json: String,
    validator_url: String,
    validator_offline_url: Option<String>,
    validator_sha256: String,
    /// localStorage key of the draft (one per site).
    storage_key: String,
}

/// Render the contribution page; returns (site-relative file, HTML).
pub fn contribute_page(
    analysis: &Analysis,
    renderer: &Renderer,
    offline: bool,
) -> Result<(String, String)> {
    let vocabularies = &analysis.vocabularies;
    let config = &analysis.config;
    let terms = |key: &str| -> Vec<TermView> {
        vocabularies
            .get(key)
            .terms
            .iter()
            .map(|t| renderer.term(key, &t.slug, 0))
            .collect()
    };
    let competence_vocabulary = vocabularies.get("competences");
    let mut competences: Vec<CompetenceGroup> = Vec::new();
    for term in &competence_vocabulary.terms {
        let framework = term.slug.split(':').next().unwrap_or("");
        let label = match competence_vocabulary.domain_of(&term.slug) {
            Some(domain) => format!(
                "{} {} — {}",
                competence_vocabulary.framework_label(framework, &renderer.lang),
                domain.slug.split(':').nth(1).unwrap_or(""),
                domain.label(&renderer.lang)
            ),
            None => competence_vocabulary.framework_label(framework, &renderer.lang),
        };
        let view = renderer.term("competences", &term.slug, 0);
        match competences.last_mut() {
            Some(group) if group.label == label => group.terms.push(view),
            _ => competences.push(CompetenceGroup {
                label,
                terms: vec![view],
            }),
        }
    }
    let licenses = config
        .licenses
        .iter()
        .map(|id| LicenseChoice {
            id: id.clone(),
            name: mallette_content::config::license_info(id).0,
        })
        .collect();
    let forge = config.forge.as_ref().map(|forge| {
        let target = forge.new_file("content/kits");
        ForgeTarget {
            empty_url: target.base.clone(),
            new_file_base: target.base,
            name_param: target.name_param,
            text_param: target.text_param,
            message_param: target.message_param,
        }
    });
    let title = renderer.ui_string("contribute_example_title");
    let theme = vocabularies
        .get("themes")
        .terms
        .first()
        .map(|t| t.slug.clone())
        .unwrap_or_default();
    let template =
        KitDraft::example(&title, &theme, config, vocabularies, "").to_text(config, vocabularies);
    let context_json = serde_json::json!({
        "config": config,
        "vocabularies": vocabularies,
    })
    .to_string()
    // Inside a <script type="application/json"> element: `</script>` must not end it.
    .replace('<', "\\u003c");
    let view = ContributeView {
        themes: terms("themes"),
        audiences: terms("audiences"),
        levels: terms("levels"),
        formats: terms("formats"),
        materials: terms("materials"),
        accessibility: terms("accessibility"),
        competences,
        licenses,
        forge,
        template,
        context_json,
        validator_url: renderer.url(&validator_file()),
        validator_offline_url: offline.then(|| renderer.url(&validator_offline_file())),
        validator_sha256: VALIDATOR_SHA256
            .split_whitespace()
            .next()
            .unwrap_or("")
            .into(),
        storage_key: format!(
            "mallette-contribution:{}",
            hex(&Sha256::digest(config.site_url().as_bytes())[..6])
        ),
    };
    let path = contribute_path(renderer.ui_lang());
    let mut context = Context::new();
    context.insert("form", &view);
    let html = renderer.render(
        "contribute.html",
        "contribute",
        &renderer.url(path),
        context,
    )?;
    Ok((format!("{path}index.html"), html))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
