//! Instances: a theme override with colours and logo, and an English instance with no French
//! interface string left.

mod common;

use std::collections::BTreeMap;

use common::*;

#[test]
fn an_instance_overrides_theme_files_by_path_and_sets_colours_and_logo_in_its_config() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let run = build(&site("themed"), &out);
    assert_eq!(run.code(), 0, "{}", run.stderr);
    assert!(
        read(out.join("404.html")).contains("Perdu dans le réseau régional ?"),
        "overridden template"
    );
    let kit = read(out.join("kits/traceurs/index.html"));
    assert!(
        kit.contains("Les traceurs dans les applications"),
        "other templates fall back to the default theme"
    );
    assert!(
        read(out.join("static/extra.css")).contains("letter-spacing"),
        "extra static file of the instance theme"
    );
    assert!(
        out.join("static/style.css").exists(),
        "default static files stay"
    );
    let css = read(out.join("static/instance.css"));
    assert!(css.contains("--color-primary: #7a1f5c;"));
    assert!(css.contains("--color-accent: rgb(0 90 60);"));
    assert!(
        kit.contains("href=\"/static/instance.css\""),
        "pages load the instance colours"
    );
    assert!(
        kit.contains("src=\"/static/logo.svg\""),
        "the logo replaces the default one"
    );
    assert_eq!(
        read(out.join("static/logo.svg")),
        read(site("themed").join("logo-reseau.svg"))
    );
}

#[test]
fn a_colour_that_could_inject_css_is_refused() {
    let instance = copy_site("themed");
    let config = read(instance.path().join("mallette.toml")).replace(
        "#7a1f5c",
        "red; } body { background: url(https://evil.example/x)",
    );
    std::fs::write(instance.path().join("mallette.toml"), config).unwrap();
    let run = build(instance.path(), &instance.path().join("public"));
    assert_eq!(run.code(), 2);
    assert!(run.stderr.contains("[colors]"), "{}", run.stderr);
}

fn strings(lang: &str) -> BTreeMap<String, String> {
    let text = read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(format!("themes/default/i18n/{lang}.yaml")),
    );
    let docs = yaml_rust2::YamlLoader::load_from_str(&text).unwrap();
    docs[0]
        .as_hash()
        .unwrap()
        .iter()
        .filter_map(|(k, v)| Some((k.as_str()?.to_string(), v.as_str()?.to_string())))
        .collect()
}

#[test]
fn both_interface_languages_have_the_same_strings() {
    let fr = strings("fr");
    let en = strings("en");
    assert_eq!(fr.keys().collect::<Vec<_>>(), en.keys().collect::<Vec<_>>());
}

#[test]
fn an_english_instance_shows_no_french_interface_string() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let run = build(&site("english"), &out);
    assert_eq!(run.code(), 0, "{}", run.stderr);
    let fr = strings("fr");
    let en = strings("en");
    // French strings that differ from their English counterpart, cut at placeholders.
    let french: Vec<String> = fr
        .iter()
        .filter(|(k, v)| en.get(*k) != Some(v))
        .flat_map(|(_, v)| {
            v.split(['{', '}'])
                .map(str::trim)
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .filter(|piece| {
            piece.chars().count() >= 6 && !en.values().any(|e| e.contains(piece.as_str()))
        })
        .collect();
    assert!(
        french.len() > 40,
        "the check compares many strings: {}",
        french.len()
    );
    let mut pages = Vec::new();
    for entry in walkdir::WalkDir::new(&out)
        .into_iter()
        .filter_map(Result::ok)
    {
        if entry.path().extension().is_some_and(|e| e == "html") {
            pages.push((entry.path().to_path_buf(), read(entry.path())));
        }
    }
    assert!(pages.len() > 10);
    for (path, html) in &pages {
        assert!(html.contains("<html lang=\"en\""), "{}", path.display());
        // Addresses, form values, classes and ids are not strings shown: `/parcours/` is the paths'
        // URL in every language, `type=parcours` the search filter's parameter.
        let html = without_addresses(html);
        for piece in &french {
            assert!(
                !html.contains(piece.as_str()),
                "{} shows the French string {piece:?}",
                path.display()
            );
        }
    }
    let kit = read(out.join("kits/passwords/index.html"));
    for english_label in [
        "Intermediate",
        "Seniors",
        "Group workshop",
        "Computers",
        "Protecting personal data and privacy",
        "1 h 30",
        "March 15, 2026",
    ] {
        assert!(
            kit.contains(english_label),
            "English label {english_label:?}"
        );
    }
    // Vocabulary labels are English too (no French label of the default vocabularies).
    for french_label in [
        "Intermédiaire",
        "Atelier collectif",
        "Ordinateurs",
        "Vie privée et données personnelles",
    ] {
        assert!(
            !kit.contains(french_label),
            "French label {french_label:?} on an English kit page"
        );
    }
}

/// `html` without the values of `href`, `src`, `action`, `value`, `class` and `id` attributes,
/// nor JSON data blocks.
fn without_addresses(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    'scan: while !rest.is_empty() {
        // Data for scripts (the contribution form's vocabularies, in every language).
        if rest.starts_with("<script type=\"application/json\"") {
            let end = rest.find("</script>").unwrap_or(rest.len());
            rest = &rest[end..];
            continue;
        }
        for attr in [
            " href=\"",
            " src=\"",
            " action=\"",
            " value=\"",
            " class=\"",
            " id=\"",
        ] {
            if let Some(after) = rest.strip_prefix(attr) {
                out.push_str(attr);
                let end = after.find('"').unwrap_or(after.len());
                rest = &after[end..];
                continue 'scan;
            }
        }
        let c = rest.chars().next().unwrap();
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

#[test]
fn mallette_new_in_an_english_instance_writes_an_english_template_that_passes_check() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("wiki");
    copy_dir(&site("english"), &root);
    let made = run(mallette()
        .arg("new")
        .arg("Spotting a phishing email")
        .arg("--root")
        .arg(&root));
    assert_eq!(made.code(), 0, "{}", made.stderr);
    let text = read(&root.join("content/kits/spotting-a-phishing-email.md"));
    for english in [
        "# Themes: ",
        "## Objectives",
        "## Plan",
        "| Step | Duration | Description |",
        "Total: 1 h 30.",
        "## Going further",
    ] {
        assert!(text.contains(english), "{english} in:\n{text}");
    }
    for french in ["Objectifs", "Déroulé", "Thèmes", "Pour aller plus loin"] {
        assert!(!text.contains(french), "{french} in:\n{text}");
    }
    let checked = run(mallette().arg("check").arg("--root").arg(&root));
    assert_eq!(checked.code(), 0, "{}", checked.stdout);
}
