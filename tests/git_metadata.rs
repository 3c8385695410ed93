//! Dates and contributors from Git history, and a silent fallback without Git.

mod common;

use std::process::Command;

use common::*;

fn git(dir: &std::path::Path, args: &[&str], author: &str, date: &str) {
    let status = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", author)
        .env("GIT_AUTHOR_EMAIL", "test@example.org")
        .env("GIT_COMMITTER_NAME", author)
        .env("GIT_COMMITTER_EMAIL", "test@example.org")
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

#[test]
fn a_kit_without_updated_takes_the_date_of_its_last_commit_and_lists_its_contributors() {
    let instance = copy_site("valid");
    let kit = instance.path().join("content/kits/vie-privee/traceurs.md");
    std::fs::write(&kit, read(&kit).replace("updated: 2026-01-10\n", "")).unwrap();
    git(
        instance.path(),
        &["init", "-q"],
        "Alice Martin",
        "2026-02-03T10:00:00+01:00",
    );
    git(
        instance.path(),
        &["add", "."],
        "Alice Martin",
        "2026-02-03T10:00:00+01:00",
    );
    git(
        instance.path(),
        &["commit", "-q", "-m", "first"],
        "Alice Martin",
        "2026-02-03T10:00:00+01:00",
    );
    std::fs::write(&kit, read(&kit).replace("Du texte", "Encore du texte")).unwrap();
    git(
        instance.path(),
        &["commit", "-q", "-am", "second"],
        "Bob Durand",
        "2026-04-21T09:30:00+02:00",
    );

    let out = instance.path().join("public");
    let run = build(instance.path(), &out);
    assert_eq!(run.code(), 0, "{}", run.stderr);
    let html = read(out.join("kits/traceurs/index.html"));
    assert!(
        html.contains("21 avril 2026"),
        "last commit date shown as last update"
    );
    assert!(
        html.contains("Bob Durand") && html.contains("Alice Martin"),
        "contributors from history"
    );
    // A kit with an explicit `updated` keeps it.
    assert!(read(out.join("kits/mots-de-passe/index.html")).contains("15 mars 2026"));
}

#[test]
fn without_git_the_build_falls_back_silently() {
    let instance = copy_site("valid");
    let run = run(mallette()
        .env("PATH", "/nonexistent")
        .arg("build")
        .arg("--root")
        .arg(instance.path())
        .arg("--out")
        .arg(instance.path().join("public")));
    assert_eq!(run.code(), 0, "{}", run.stderr);
    assert!(
        !run.stderr.contains("git"),
        "no message about git: {}",
        run.stderr
    );
}
