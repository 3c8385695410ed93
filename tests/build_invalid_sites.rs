//! Building the instances of `tests/sites/invalid/`: each must fail with exit code 1, write
//! nothing, and print a diagnostic naming the file, line and column, what is wrong and what is
//! allowed.

mod common;

use common::*;

/// Build `tests/sites/invalid/<name>` and return stderr, asserting exit 1 and no output.
fn fails(name: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let run = build(&site(&format!("invalid/{name}")), &out);
    assert_eq!(
        run.code(),
        1,
        "{name}: expected exit 1, got {}:\n{}",
        run.code(),
        run.stderr
    );
    assert!(
        !out.exists(),
        "{name}: a failed build wrote {}",
        out.display()
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(leftovers.is_empty(), "{name}: staging folder left behind");
    run.stderr
}

fn assert_has(stderr: &str, expected: &str) {
    assert!(
        stderr.contains(expected),
        "expected {expected:?} in:\n{stderr}"
    );
}

#[test]
fn an_unknown_key_is_reported_with_the_closest_known_key() {
    let err = fails("unknown-key");
    assert_has(
        &err,
        "content/kits/cle-inconnue.md:5:1: clé inconnue `audience`",
    );
    assert_has(&err, "vouliez-vous dire `audiences` ?");
    assert!(
        !err.contains("`audiences` manque"),
        "no second error for the misspelt key"
    );
}

#[test]
fn a_value_outside_the_vocabulary_lists_the_allowed_values_and_the_closest() {
    let err = fails("value-outside-vocabulary");
    assert_has(&err, "content/kits/niveau-inconnu.md:6:8: `intermediare` n'est pas une valeur autorisée pour `level`");
    assert_has(&err, "vouliez-vous dire `intermediaire` ?");
    assert_has(&err, "`debutant`, `intermediaire`, `avance`");
}

#[test]
fn a_missing_required_field_is_named() {
    let err = fails("missing-required-field");
    assert_has(
        &err,
        "content/kits/sans-resume.md:1:1: le champ obligatoire `summary` manque",
    );
}

#[test]
fn a_wrong_type_is_reported_at_the_value() {
    let err = fails("wrong-type");
    assert_has(
        &err,
        "content/kits/mauvais-type.md:7:11: `duration` doit être",
    );
}

#[test]
fn malformed_yaml_is_reported_with_its_position() {
    let err = fails("malformed-yaml");
    assert_has(&err, "content/kits/yaml-casse.md:5:");
    assert_has(&err, "YAML invalide");
}

#[test]
fn a_file_without_front_matter_is_reported() {
    let err = fails("no-front-matter");
    assert_has(&err, "content/kits/sans-entete.md:1:1: pas d'en-tête YAML");
}

#[test]
fn front_matter_lower_in_the_file_is_reported_where_it_starts() {
    let err = fails("front-matter-not-at-start");
    assert_has(&err, "content/kits/entete-plus-bas.md:3:1: l'en-tête YAML doit commencer à la toute première ligne");
}

#[test]
fn an_empty_file_is_reported() {
    let err = fails("empty-file");
    assert_has(&err, "content/kits/vide.md:1:1: le fichier est vide");
}

#[test]
fn invalid_utf8_is_reported_at_the_first_bad_byte() {
    let err = fails("invalid-utf8");
    assert_has(
        &err,
        "content/kits/latin1.md:14:5: le fichier n'est pas en UTF-8 valide",
    );
}

#[test]
fn a_yaml_alias_bomb_is_refused_quickly() {
    let started = std::time::Instant::now();
    let err = fails("yaml-alias-bomb");
    assert_has(&err, "content/kits/bombe.md:4:8: les ancres et alias YAML");
    // Not a performance assertion: an expanded bomb would take minutes and gigabytes.
    assert!(started.elapsed().as_secs() < 60);
}

#[test]
fn duplicate_slugs_name_both_files() {
    let err = fails("duplicate-slug");
    assert_has(
        &err,
        "content/kits/vie-privee/mots-de-passe.md:1:1: l'identifiant `mots-de-passe` est déjà utilisé par content/kits/securite/mots-de-passe.md",
    );
}

#[test]
fn a_link_or_image_leaving_content_is_an_error_and_never_copied() {
    let err = fails("link-leaves-content");
    assert_has(
        &err,
        "content/kits/lien-dehors.md:16:1: le lien `../../mallette.toml` sort du dossier content/",
    );
    assert_has(
        &err,
        "content/kits/lien-dehors.md:18:1: le lien `../../../secret.png` sort du dossier content/",
    );
}

#[test]
fn all_errors_of_all_files_are_reported_at_once() {
    let err = fails("many-errors");
    assert_has(
        &err,
        "content/kits/a.md:4:20: `vie-privée` n'est pas une valeur autorisée pour `themes`",
    );
    assert_has(&err, "vouliez-vous dire `vie-privee` ?");
    assert_has(
        &err,
        "content/kits/a.md:6:8: `expert` n'est pas une valeur autorisée pour `level`",
    );
    assert_has(&err, "content/kits/b.md:7:11: durée illisible `3 jours`");
    assert_has(
        &err,
        "content/kits/b.md:8:10: la licence `CC-BY-SA` n'est pas autorisée",
    );
    assert_has(&err, "4 erreurs dans 2 fichiers : rien n'a été écrit.");
}

#[test]
fn links_to_missing_files_warn_in_build_and_fail_check() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let run = build(&site("links-missing"), &out);
    assert_eq!(run.code(), 0, "{}", run.stderr);
    assert_has(&run.stderr, "avertissement: content/kits/liens-morts.md:16:6: le lien `absent.md` pointe vers un fichier qui n'existe pas");
    let html = read(out.join("kits/liens-morts/index.html"));
    assert!(!html.contains("absent.md"), "a dead link is not published");

    let check = run_check(&site("links-missing"));
    assert_eq!(check.code(), 1, "{}", check.stderr);
    assert_has(&check.stderr, "erreur: content/kits/liens-morts.md:16:36: le lien `fiche.pdf` pointe vers un fichier qui n'existe pas");
}

fn run_check(root: &std::path::Path) -> Run {
    run(mallette().arg("check").arg("--root").arg(root))
}

#[test]
fn a_failed_build_leaves_the_previous_output_byte_for_byte() {
    let instance = copy_site("valid");
    let out_parent = tempfile::tempdir().unwrap();
    let out = out_parent.path().join("public");
    let first = build(instance.path(), &out);
    assert_eq!(first.code(), 0, "{}", first.stderr);
    let before = snapshot(&out);
    assert!(before.len() > 10);

    std::fs::write(
        instance.path().join("content/kits/casse.md"),
        "---\ntitle: [\n---\n",
    )
    .unwrap();
    let second = build(instance.path(), &out);
    assert_eq!(second.code(), 1, "{}", second.stderr);
    assert_eq!(snapshot(&out), before, "the previous site is untouched");
    let entries: Vec<_> = std::fs::read_dir(out_parent.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        entries,
        vec![std::ffi::OsString::from("public")],
        "no staging folder left behind"
    );
}

#[test]
fn a_successful_rebuild_replaces_the_output_without_stale_files() {
    let instance = copy_site("valid");
    let out_parent = tempfile::tempdir().unwrap();
    let out = out_parent.path().join("public");
    assert_eq!(build(instance.path(), &out).code(), 0);
    std::fs::remove_file(instance.path().join("content/kits/vie-privee/traceurs.md")).unwrap();
    // The other kit links to it: now a dead link, a warning.
    let run = build(instance.path(), &out);
    assert_eq!(run.code(), 0, "{}", run.stderr);
    assert!(
        !out.join("kits/traceurs/index.html").exists(),
        "the removed kit's page is gone"
    );
}

#[cfg(unix)]
#[test]
fn symlinks_are_never_followed_so_a_loop_cannot_hang_and_outside_files_never_leak() {
    let instance = copy_site("valid");
    let kits = instance.path().join("content/kits");
    std::os::unix::fs::symlink(&kits, kits.join("boucle")).unwrap();
    let secret = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(secret.path(), "SECRET-HORS-CONTENU").unwrap();
    std::os::unix::fs::symlink(secret.path(), kits.join("secret.png")).unwrap();
    std::fs::write(
        kits.join("lien-symbolique.md"),
        read(site("valid").join("content/kits/vie-privee/traceurs.md"))
            .replace("Les traceurs", "Lien symbolique")
            .replace("Du texte sur les traceurs.", "![secret](secret.png)"),
    )
    .unwrap();
    let out_parent = tempfile::tempdir().unwrap();
    let out = out_parent.path().join("public");
    let run = build(instance.path(), &out);
    assert_eq!(run.code(), 0, "{}", run.stderr);
    for (path, bytes) in snapshot(&out) {
        assert!(
            !String::from_utf8_lossy(&bytes).contains("SECRET-HORS-CONTENU"),
            "{} holds the content of a file outside content/",
            path.display()
        );
    }
    assert!(!out.join("kits/secret.png").exists());
}

#[test]
fn output_inside_content_is_refused_as_a_usage_error() {
    let instance = copy_site("valid");
    let run = build(instance.path(), &instance.path().join("content/public"));
    assert_eq!(run.code(), 2, "{}", run.stderr);
    let run = build(instance.path(), instance.path());
    assert_eq!(run.code(), 2, "{}", run.stderr);
    assert!(
        instance
            .path()
            .join("content/kits/vie-privee/traceurs.md")
            .exists(),
        "nothing deleted"
    );
}

#[test]
fn crlf_line_ends_and_a_bom_are_accepted() {
    let instance = copy_site("valid");
    let path = instance.path().join("content/kits/vie-privee/traceurs.md");
    let text = read(&path).replace('\n', "\r\n");
    std::fs::write(&path, format!("\u{feff}{text}")).unwrap();
    let out = instance.path().join("public");
    let run = build(instance.path(), &out);
    assert_eq!(run.code(), 0, "{}", run.stderr);
    assert!(
        read(out.join("kits/traceurs/index.html")).contains("Les traceurs dans les applications")
    );
}

#[test]
fn an_instance_with_only_content_and_a_one_line_config_builds() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("mallette.toml"), "title = \"Mini\"\n").unwrap();
    std::fs::create_dir_all(dir.path().join("content/kits")).unwrap();
    std::fs::copy(
        site("valid").join("content/kits/vie-privee/traceurs.md"),
        dir.path().join("content/kits/traceurs.md"),
    )
    .unwrap();
    let run = build(dir.path(), &dir.path().join("public"));
    assert_eq!(run.code(), 0, "{}", run.stderr);
    assert!(dir.path().join("public/kits/traceurs/index.html").exists());
    assert!(
        dir.path().join("public/static/style.css").exists(),
        "the built-in theme is used"
    );
}

#[test]
fn a_missing_config_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("content")).unwrap();
    let run = build(dir.path(), &dir.path().join("public"));
    assert_eq!(run.code(), 2);
    assert_has(&run.stderr, "mallette.toml");
}
