//! What the commands print on a terminal (docs/cli.md §2.1): colours only on a terminal and never
//! with `NO_COLOR`, the same plain text otherwise; `-q` and `-v`; the progress line of long
//! builds; counts in correct French and English.

mod common;

use std::path::Path;
use std::process::Command;

use common::{copy_site, mallette, read, run, site, Run};

/// `mallette <args>` under a pseudo-terminal (`script` of util-linux): what a user sees. `env`
/// is added to a clean environment (no `NO_COLOR`, no `CI`).
fn on_terminal(args: &[&str], env: &[(&str, &str)]) -> String {
    let mut line = shell_quote(env!("CARGO_BIN_EXE_mallette"));
    for arg in args {
        line.push(' ');
        line.push_str(&shell_quote(arg));
    }
    let mut command = Command::new("script");
    command
        .args(["-qec", &line, "/dev/null"])
        .env_remove("NO_COLOR")
        .env_remove("CI")
        .env("TERM", "xterm-256color")
        .stdin(std::process::Stdio::null());
    for (name, value) in env {
        command.env(name, value);
    }
    let output = command
        .output()
        .expect("`script` (util-linux) runs: the terminal tests need it");
    String::from_utf8_lossy(&output.stdout).replace("\r\n", "\n")
}

fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// Whether `text` holds a colour escape (SGR: `ESC [ … m`).
fn has_colour(text: &str) -> bool {
    text.split('\x1b').skip(1).any(|rest| {
        rest.strip_prefix('[').is_some_and(|code| {
            let end = code.find(|c: char| !(c.is_ascii_digit() || c == ';'));
            end.is_some_and(|end| code[end..].starts_with('m'))
        })
    })
}

fn check_many_errors(extra: &[&str]) -> Vec<String> {
    let root = site("invalid/many-errors");
    let mut args = vec!["check", "--root", root.to_str().unwrap()];
    args.extend_from_slice(extra);
    args.iter().map(|s| s.to_string()).collect()
}

#[test]
fn diagnostics_are_coloured_on_a_terminal() {
    let args = check_many_errors(&[]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let shown = on_terminal(&args, &[]);
    // The label in red, the place in bold, the caret red, the help bold.
    assert!(
        shown.contains("\x1b[1;31merreur\x1b[0m: \x1b[1mcontent/kits/a.md:4:20\x1b[0m: "),
        "{shown:?}"
    );
    assert!(shown.contains("\x1b[1;31m^\x1b[0m"), "{shown:?}");
    assert!(shown.contains("\x1b[1m= aide\x1b[0m: "), "{shown:?}");
    // Warnings in yellow (the valid fixture has one: an external image).
    let valid = site("valid");
    let shown = on_terminal(&["check", "--root", valid.to_str().unwrap()], &[]);
    assert!(
        shown.contains("\x1b[1;33mavertissement\x1b[0m: \x1b[1mcontent/kits/"),
        "{shown:?}"
    );
}

#[test]
fn no_colour_with_no_color_or_when_piped_and_the_same_text() {
    let args = check_many_errors(&[]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let piped = run(mallette().args(&args));
    assert_eq!(piped.code(), 1);
    assert!(!piped.stderr.contains('\x1b'), "{:?}", piped.stderr);
    assert!(piped.stderr.starts_with(
        "erreur: content/kits/a.md:4:20: `vie-privée` n'est pas une valeur autorisée pour `themes`\n   |\n 4 | themes: [securite, vie-privée]\n   |                    ^\n  = aide: vouliez-vous dire `vie-privee` ?"
    ));
    // NO_COLOR on a terminal: the plain text, character for character.
    let no_color = on_terminal(&args, &[("NO_COLOR", "1")]);
    assert!(!has_colour(&no_color), "{no_color:?}");
    assert_eq!(no_color, piped.stderr);
    // Even when a terminal is forced on by TERM, a pipe gets no colour.
    let piped = run(mallette().args(&args).env("TERM", "xterm-256color"));
    assert!(!piped.stderr.contains('\x1b'));
}

#[test]
fn a_fatal_error_is_red_on_a_terminal_only() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_str().unwrap();
    let shown = on_terminal(&["build", "--root", root], &[]);
    assert!(shown.starts_with("\x1b[1;31merror\x1b[0m: "), "{shown:?}");
    let piped = run(mallette().args(["build", "--root", root]));
    assert_eq!(piped.code(), 2);
    assert!(piped.stderr.starts_with("error: "), "{}", piped.stderr);
}

#[test]
fn quiet_prints_nothing_on_success_and_only_errors_on_failure() {
    let out = tempfile::tempdir().unwrap();
    let valid = site("valid");
    // The valid fixture has a warning: not shown with -q, nor the summary.
    let built = run(mallette()
        .args(["-q", "build", "--root"])
        .arg(&valid)
        .arg("--out")
        .arg(out.path().join("site")));
    assert_eq!(built.code(), 0, "{}", built.stderr);
    assert_eq!(built.stderr, "");
    assert_eq!(built.stdout, "");
    assert!(out.path().join("site/index.html").is_file());
    let normal = common::build(&valid, &out.path().join("site"));
    assert!(normal.stderr.contains("avertissement"));

    let checked = run(mallette().args(["check", "--quiet", "--root"]).arg(&valid));
    assert_eq!((checked.code(), checked.stderr.as_str()), (0, ""));
    // init -q: the files it wrote on stdout, nothing on stderr.
    let initialised = run(mallette().args(["init", "-q"]).arg(out.path().join("wiki")));
    assert_eq!((initialised.code(), initialised.stderr.as_str()), (0, ""));
    assert!(initialised.stdout.contains("mallette.toml"));

    // On failure: the errors and the line that counts them, nothing else.
    let root = site("invalid/many-errors");
    let failed = run(mallette()
        .args(["build", "-q", "--root"])
        .arg(&root)
        .arg("--out")
        .arg(out.path().join("x")));
    assert_eq!(failed.code(), 1);
    assert_eq!(
        failed.stderr.matches("erreur: ").count(),
        4,
        "{}",
        failed.stderr
    );
    assert!(failed
        .stderr
        .ends_with("\n4 erreurs dans 2 fichiers : rien n'a été écrit.\n"));
    assert!(!failed.stderr.contains("avertissement"));
}

#[test]
fn quiet_and_verbose_together_are_a_usage_error() {
    let r = run(mallette().args(["-q", "-v", "check"]));
    assert_eq!(r.code(), 2);
    assert!(
        r.stderr.contains("--quiet") && r.stderr.contains("--verbose"),
        "{}",
        r.stderr
    );
}

/// `[n/4] <stage> : <millis> ms — <counts>` lines of `-v`.
fn stage_lines(stderr: &str) -> Vec<(usize, String, u64, String)> {
    stderr
        .lines()
        .filter_map(|line| {
            let rest = line.strip_prefix('[')?;
            let (number, rest) = rest.split_once("/4] ")?;
            let (stage, rest) = rest.split_once(" : ").or_else(|| rest.split_once(": "))?;
            let (millis, counts) = rest.split_once(" ms — ")?;
            Some((
                number.parse().ok()?,
                stage.to_string(),
                millis.parse().ok()?,
                counts.to_string(),
            ))
        })
        .collect()
}

#[test]
fn verbose_prints_the_time_and_counts_of_every_stage() {
    let out = tempfile::tempdir().unwrap();
    let built = run(mallette()
        .args(["build", "-v", "--root"])
        .arg(site("valid"))
        .arg("--out")
        .arg(out.path().join("site")));
    assert_eq!(built.code(), 0, "{}", built.stderr);
    let stages = stage_lines(&built.stderr);
    let names: Vec<&str> = stages.iter().map(|(_, name, ..)| name.as_str()).collect();
    assert_eq!(
        names,
        [
            "lecture et validation du contenu",
            "index de recherche",
            "rendu des pages",
            "écriture des fichiers"
        ],
        "{}",
        built.stderr
    );
    assert_eq!(stages.iter().map(|s| s.0).collect::<Vec<_>>(), [1, 2, 3, 4]);
    let summary = built.stderr.lines().last().unwrap();
    assert!(
        summary.starts_with("Site construit : 4 kits, 1 page, "),
        "{summary}"
    );
    assert_eq!(stages[0].3, "4 kits, 1 page, 0 parcours");
    // As many documents in search as kits (this fixture has no learning path).
    assert_eq!(stages[1].3, "4 documents");
    let pages: usize = stages[2].3.trim_end_matches(" pages").parse().unwrap();
    let html = walk_html(&out.path().join("site"));
    assert_eq!(pages, html, "pages rendered vs .html files written");
    let files = stages[3].3.trim_end_matches(" fichiers").to_string();
    assert!(
        summary.contains(&format!(", {files} fichiers en ")),
        "{summary}"
    );
    // Stage times add up to no more than the whole build.
    let total: u64 = summary
        .split(" en ")
        .nth(1)
        .unwrap()
        .split(" ms")
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(stages.iter().map(|s| s.2).sum::<u64>() <= total + 4);

    // Without -v, none of it.
    let plain = common::build(&site("valid"), &out.path().join("site"));
    assert!(stage_lines(&plain.stderr).is_empty(), "{}", plain.stderr);
}

fn walk_html(dir: &Path) -> usize {
    let mut count = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            count += walk_html(&path);
        } else if path.extension().is_some_and(|e| e == "html") {
            count += 1;
        }
    }
    count
}

#[test]
fn a_long_build_shows_its_progress_on_a_terminal_only() {
    let out = tempfile::tempdir().unwrap();
    let out = out.path().join("site");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let args = [
        "build",
        "--root",
        root.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    let shown = on_terminal(&args, &[]);
    let summary = shown.lines().last().unwrap_or("");
    let millis: u64 = summary
        .split(" en ")
        .nth(1)
        .and_then(|s| s.split(" ms").next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("{shown:?}"));
    // The line appears after half a second; the starter wiki takes longer in a test build.
    if millis >= 1500 {
        assert!(shown.contains("\r[2/4] index de recherche… "), "{shown:?}");
        assert!(shown.contains("\r[3/4] rendu des pages… "), "{shown:?}");
        // Erased before the summary, which starts a clean line.
        assert!(shown.contains("\r\x1b[KSite construit : "), "{shown:?}");
    } else {
        eprintln!("build took {millis} ms: too short for a progress line");
    }
    // Never in CI, never when piped.
    let ci = on_terminal(&args, &[("CI", "true")]);
    assert!(!ci.contains('\r') && !ci.contains("[2/4]"), "{ci:?}");
    assert!(ci.contains("Site construit : "));
    let piped = run(mallette().args(args));
    assert!(!piped.stderr.contains('\r') && !piped.stderr.contains('\x1b'));
}

/// A one-kit instance in `language`.
fn one_kit_instance(language: &str) -> tempfile::TempDir {
    let dir = copy_site("valid");
    let toml = read(dir.path().join("mallette.toml"));
    std::fs::write(
        dir.path().join("mallette.toml"),
        format!("{toml}language = \"{language}\"\n"),
    )
    .unwrap();
    std::fs::remove_dir_all(dir.path().join("content/pages")).unwrap();
    let kits = dir.path().join("content/kits");
    let mut kit_files = Vec::new();
    collect_md(&kits, &mut kit_files);
    kit_files.sort();
    for extra in &kit_files[1..] {
        std::fs::remove_file(extra).unwrap();
    }
    dir
}

fn collect_md(dir: &Path, into: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect_md(&path, into);
        } else if path.extension().is_some_and(|e| e == "md") {
            into.push(path);
        }
    }
}

fn summary(run: &Run) -> &str {
    run.stderr.lines().last().unwrap_or("")
}

#[test]
fn counts_are_in_correct_french_and_english() {
    let fr = one_kit_instance("fr");
    let built = common::build(fr.path(), &fr.path().join("public"));
    assert_eq!(built.code(), 0, "{}", built.stderr);
    // French: 0 and 1 take the singular.
    assert!(
        summary(&built).starts_with("Site construit : 1 kit, 0 page, "),
        "{}",
        built.stderr
    );
    assert!(summary(&built).contains(" fichiers en "));
    let checked = run(mallette().arg("check").arg("--root").arg(fr.path()));
    assert!(
        summary(&checked).starts_with("1 fichier vérifié : aucune erreur, "),
        "{}",
        checked.stderr
    );

    let en = one_kit_instance("en");
    let built = common::build(en.path(), &en.path().join("public"));
    assert_eq!(built.code(), 0, "{}", built.stderr);
    // English: 0 takes the plural.
    assert!(
        summary(&built).starts_with("Built 1 kit, 0 pages, "),
        "{}",
        built.stderr
    );

    // One error in one file.
    let kit = {
        let mut files = Vec::new();
        collect_md(&en.path().join("content/kits"), &mut files);
        files.remove(0)
    };
    let broken: Vec<String> = read(&kit)
        .lines()
        .map(|l| {
            if l.starts_with("level:") {
                "level: expert".into()
            } else {
                l.to_string()
            }
        })
        .collect();
    std::fs::write(&kit, broken.join("\n") + "\n").unwrap();
    let failed = common::build(en.path(), &en.path().join("public"));
    assert_eq!(failed.code(), 1);
    assert_eq!(
        failed.stderr.matches("error: ").count(),
        1,
        "{}",
        failed.stderr
    );
    assert!(
        summary(&failed) == "1 error in 1 file: nothing was written.",
        "{}",
        failed.stderr
    );
}
