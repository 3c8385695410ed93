//! The CI files `mallette init` writes, and the project's own workflows: valid for their forge
//! (the GitHub-workflow, GitLab-CI and Woodpecker JSON schemas that check-jsonschema ships,
//! actionlint, shellcheck), pinned to this binary's version, and the install route and the
//! Codeberg Pages publication of the scripts they share, run for real on local stand-ins.
//!
//! Needs check-jsonschema, actionlint (or its fork jactionlint) and shellcheck; nothing is
//! downloaded while the tests run. `scripts/test.sh` installs them; without them the tests fail
//! and say what to install.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use yaml_rust2::{Yaml, YamlLoader};

const VERSION: &str = env!("CARGO_PKG_VERSION");
const INSTALL_HINT: &str = "run scripts/test.sh, which installs them, or: \
    python3 -m pip install check-jsonschema jactionlint && apt-get install -y shellcheck";

/// A fresh instance from `mallette init` (with `extra` arguments).
fn init(extra: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("wiki");
    let created = run(mallette().arg("init").arg(&dir).args(extra));
    assert_eq!(created.code(), 0, "{}", created.stderr);
    (parent, dir)
}

/// The workflows of the project itself (.github/workflows/*.yml).
fn project_workflows() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(".github/workflows");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yml" || x == "yaml"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no workflow in {}", dir.display());
    files
}

/// Run a checking tool; fail with its output when it finds something.
fn passes(mut command: Command, what: &str) {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot run {command:?}: {e}; {INSTALL_HINT}"));
    assert!(
        output.status.success(),
        "{what} failed ({command:?}):\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

fn works(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success())
}

fn check_jsonschema(schema: &str, files: &[PathBuf]) {
    assert!(
        works("python3", &["-m", "check_jsonschema", "--version"]),
        "check-jsonschema is missing (`python3 -m check_jsonschema` fails): {INSTALL_HINT}"
    );
    let mut command = Command::new("python3");
    command
        .args(["-m", "check_jsonschema", "--builtin-schema"])
        .arg(format!("vendor.{schema}"))
        .args(files);
    passes(command, &format!("the {schema} schema"));
}

/// actionlint, or jactionlint (a maintained fork shipped as a PyPI wheel) with the checks of
/// actionlint (`--profile correctness`) and no network. Self-hosted labels: Forgejo's `docker`.
fn actionlint(files: &[PathBuf], config_dir: &Path) -> Command {
    let config = config_dir.join("actionlint.yaml");
    std::fs::write(&config, "self-hosted-runner:\n  labels: [docker]\n").unwrap();
    // shellcheck checks the scripts of `run:`; without it actionlint would skip them silently.
    assert!(
        works("shellcheck", &["--version"]),
        "shellcheck is missing: {INSTALL_HINT}"
    );
    let mut command = if works("actionlint", &["-version"]) {
        Command::new("actionlint")
    } else if works("jactionlint", &["--version"]) {
        jactionlint(Command::new("jactionlint"))
    } else if works("python3", &["-m", "jactionlint", "--version"]) {
        let mut c = Command::new("python3");
        c.args(["-m", "jactionlint"]);
        jactionlint(c)
    } else {
        panic!("actionlint is missing (neither actionlint nor jactionlint runs): {INSTALL_HINT}");
    };
    command.arg("--config-file").arg(&config).args(files);
    command
}

fn jactionlint(mut command: Command) -> Command {
    command.args(["--no-online", "--profile", "correctness"]);
    command
}

fn yaml(path: &Path) -> Yaml {
    YamlLoader::load_from_str(&read(path))
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .remove(0)
}

#[test]
fn the_github_and_forgejo_workflows_pass_the_github_workflow_schema() {
    let (_keep, dir) = init(&[]);
    let mut files = vec![
        dir.join(".github/workflows/mallette.yml"),
        dir.join(".forgejo/workflows/mallette.yml"),
    ];
    files.extend(project_workflows());
    check_jsonschema("github-workflows", &files);
}

#[test]
fn the_gitlab_ci_file_passes_the_gitlab_ci_schema() {
    let (_keep, dir) = init(&[]);
    check_jsonschema("gitlab-ci", &[dir.join(".gitlab-ci.yml")]);
}

#[test]
fn the_woodpecker_pipeline_passes_the_woodpecker_schema() {
    let (_keep, dir) = init(&[]);
    check_jsonschema("woodpecker-ci", &[dir.join(".woodpecker.yml")]);
}

#[test]
fn every_workflow_passes_actionlint() {
    let (keep, dir) = init(&[]);
    let mut files = vec![
        dir.join(".github/workflows/mallette.yml"),
        dir.join(".forgejo/workflows/mallette.yml"),
    ];
    files.extend(project_workflows());
    passes(actionlint(&files, keep.path()), "actionlint");
}

#[test]
fn the_ci_scripts_pass_shellcheck() {
    let (_keep, dir) = init(&[]);
    assert!(
        works("shellcheck", &["--version"]),
        "shellcheck is missing: {INSTALL_HINT}"
    );
    let mut command = Command::new("shellcheck");
    command
        .args(["--shell=sh", "--severity=style"])
        .arg(dir.join(".mallette/install.sh"))
        .arg(dir.join(".mallette/publish-pages.sh"));
    passes(command, "shellcheck");
}

#[test]
fn the_ci_files_pin_this_binary_and_install_it_by_the_shared_script() {
    let (_keep, dir) = init(&[]);
    let install = read(dir.join(".mallette/install.sh"));
    assert!(
        install.contains(&format!(
            "MALLETTE_VERSION=\"${{MALLETTE_VERSION:-{VERSION}}}\""
        )),
        "install.sh pins mallette {VERSION}:\n{install}"
    );
    assert!(install.contains("https://github.com/mallette-wiki/mallette/releases/download}\""));
    assert!(install.contains("MALLETTE_GIT:-https://codeberg.org/mallette/mallette.git}\""));
    for file in [
        ".github/workflows/mallette.yml",
        ".gitlab-ci.yml",
        ".forgejo/workflows/mallette.yml",
        ".woodpecker.yml",
        ".mallette/install.sh",
        ".mallette/publish-pages.sh",
    ] {
        let text = read(dir.join(file));
        assert!(
            !text.contains("@MALLETTE_"),
            "{file} has a placeholder left"
        );
        if !file.starts_with(".mallette/") {
            assert!(
                text.contains("sh .mallette/install.sh"),
                "{file} installs by the script"
            );
            assert!(text.contains("mallette check"), "{file} checks");
            assert!(text.contains("mallette build"), "{file} builds");
        }
    }
    // The caches follow the script, which holds the version.
    let github = yaml(&dir.join(".github/workflows/mallette.yml"));
    let steps = github["jobs"]["site"]["steps"].as_vec().unwrap();
    let cache = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/cache@"))
        })
        .expect("a cache step");
    assert_eq!(
        cache["with"]["path"].as_str(),
        Some("~/.cargo/bin/mallette")
    );
    assert!(cache["with"]["key"]
        .as_str()
        .unwrap()
        .contains("hashFiles('.mallette/install.sh')"));
    let gitlab = yaml(&dir.join(".gitlab-ci.yml"));
    assert_eq!(
        gitlab[".mallette"]["cache"]["key"]["files"][0].as_str(),
        Some(".mallette/install.sh")
    );
    assert_eq!(
        gitlab["pages"]["artifacts"]["paths"][0].as_str(),
        Some("public")
    );
    assert_eq!(
        gitlab["check"]["artifacts"]["reports"]["codequality"].as_str(),
        Some("gl-code-quality-report.json")
    );
    // Pages: one deployment at a time, the deploy job with what it needs and no more.
    let deploy = &github["jobs"]["deploy"];
    assert_eq!(deploy["concurrency"]["group"].as_str(), Some("pages"));
    assert_eq!(
        deploy["concurrency"]["cancel-in-progress"].as_bool(),
        Some(false)
    );
    for (scope, level) in [
        ("contents", "read"),
        ("pages", "write"),
        ("id-token", "write"),
    ] {
        assert_eq!(
            deploy["permissions"][scope].as_str(),
            Some(level),
            "{scope}"
        );
    }
    assert_eq!(
        deploy["permissions"].as_hash().unwrap().len(),
        3,
        "no other permission"
    );
    assert_eq!(github["permissions"]["contents"].as_str(), Some("read"));
}

/// The majors of the actions the GitHub workflows use: current ones (GitHub's runners dropped
/// the actions that run on Node 20 on 2026-09-16).
#[test]
fn the_github_workflows_use_current_action_majors() {
    let current = [
        "actions/checkout@v7",
        "actions/cache@v5",
        "actions/configure-pages@v6",
        "actions/upload-pages-artifact@v5",
        "actions/deploy-pages@v5",
        "actions/upload-artifact@v7",
        "actions/download-artifact@v8",
    ];
    let (_keep, dir) = init(&[]);
    let mut files = vec![dir.join(".github/workflows/mallette.yml")];
    files.extend(project_workflows());
    for file in files {
        for line in read(&file).lines() {
            if let Some(uses) = line.trim().trim_start_matches("- ").strip_prefix("uses: ") {
                assert!(
                    current.contains(&uses.trim()),
                    "{}: `{uses}` is not one of the current majors {current:?}",
                    file.display()
                );
            }
        }
    }
}

#[test]
fn mallette_source_replaces_the_git_route_and_a_hostile_one_is_refused() {
    let (_keep, dir) = init(&[
        "--mallette-source",
        "https://framagit.org/reseau/mallette.git",
    ]);
    let install = read(dir.join(".mallette/install.sh"));
    assert!(install.contains("MALLETTE_GIT:-https://framagit.org/reseau/mallette.git}\""));
    assert!(!install.contains("codeberg.org/mallette"));

    let parent = tempfile::tempdir().unwrap();
    for bad in ["https://x/$(id)", "not a url", "https://x/\"y"] {
        let refused = run(mallette()
            .arg("init")
            .arg(parent.path().join("w"))
            .args(["--mallette-source", bad]));
        assert_eq!(refused.code(), 2, "{bad}: {}", refused.stderr);
        assert!(
            refused.stderr.contains("--mallette-source"),
            "{}",
            refused.stderr
        );
        assert!(
            !parent.path().join("w").exists(),
            "nothing written for {bad}"
        );
    }
}

// ---- The install route, run on local stand-ins of the release page and of cargo ----

/// The release target `.mallette/install.sh` picks on this machine.
fn host_target() -> Option<&'static str> {
    match (std::env::consts::OS, std::env::consts::ARCH) {
        ("linux", "x86_64") => Some("x86_64-unknown-linux-gnu"),
        ("linux", "aarch64") => Some("aarch64-unknown-linux-gnu"),
        ("macos", "x86_64") => Some("x86_64-apple-darwin"),
        ("macos", "aarch64") => Some("aarch64-apple-darwin"),
        _ => None,
    }
}

fn write_executable(path: &Path, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// A stand-in of mallette that only says its version.
fn fake_mallette(version: &str) -> String {
    format!("#!/bin/sh\necho \"mallette {version}\"\n")
}

struct Sandbox {
    _dir: tempfile::TempDir,
    root: PathBuf,
    releases: PathBuf,
    fakes: PathBuf,
    log: PathBuf,
    home: PathBuf,
    instance: PathBuf,
}

impl Sandbox {
    /// An instance (with `init_args`), an empty release page, and stand-ins of cargo, rustup and
    /// cc that log their arguments: `cargo install` fails unless `cargo_git_works` and `--git`.
    fn new(init_args: &[&str], cargo_git_works: bool) -> Sandbox {
        let dir = tempfile::tempdir().unwrap();
        let instance = dir.path().join("wiki");
        let created = run(mallette().arg("init").arg(&instance).args(init_args));
        assert_eq!(created.code(), 0, "{}", created.stderr);
        let fakes = dir.path().join("fakes");
        let log = dir.path().join("calls.log");
        let git_branch = if cargo_git_works {
            format!(
                "mkdir -p \"$root/bin\"; printf '%s' '{}' > \"$root/bin/mallette\"; chmod 755 \"$root/bin/mallette\"; exit 0",
                fake_mallette(VERSION).replace('\'', "'\\''")
            )
        } else {
            "exit 101".into()
        };
        write_executable(
            &fakes.join("cargo"),
            &format!(
                "#!/bin/sh\necho \"cargo $*\" >> '{log}'\nroot=\nprev=\nfor a in \"$@\"; do [ \"$prev\" = --root ] && root=$a; prev=$a; done\ncase \" $* \" in *' --git '*) {git_branch} ;; esac\nexit 101\n",
                log = log.display()
            ),
        );
        for tool in ["rustup", "cc"] {
            write_executable(
                &fakes.join(tool),
                &format!("#!/bin/sh\necho \"{tool} $*\" >> '{}'\n", log.display()),
            );
        }
        let home = dir.path().join("home");
        std::fs::create_dir_all(&home).unwrap();
        Sandbox {
            root: dir.path().join("root"),
            releases: dir.path().join("releases"),
            _dir: dir,
            fakes,
            log,
            home,
            instance,
        }
    }

    /// Publish a release `v<VERSION>` for `target` on the local release page, its SHA256SUMS
    /// line holding `checksum` (the archive's own when None).
    fn publish(&self, target: &str, checksum: Option<&str>) {
        let name = format!("mallette-{VERSION}-{target}");
        let page = self.releases.join(format!("v{VERSION}"));
        write_executable(&page.join(&name).join("mallette"), &fake_mallette(VERSION));
        let archive = format!("{name}.tar.gz");
        let tar = Command::new("tar")
            .arg("-czf")
            .arg(&archive)
            .arg(&name)
            .current_dir(&page)
            .status()
            .unwrap();
        assert!(tar.success());
        std::fs::remove_dir_all(page.join(&name)).unwrap();
        let sum = Command::new("sha256sum")
            .arg(&archive)
            .current_dir(&page)
            .output()
            .unwrap();
        let line = String::from_utf8(sum.stdout).unwrap();
        let line = match checksum {
            Some(other) => format!("{other}  {archive}\n"),
            None => line,
        };
        std::fs::write(
            page.join("SHA256SUMS"),
            format!(
                "{}  mallette-{VERSION}-other.tar.gz\n{line}",
                "0".repeat(64)
            ),
        )
        .unwrap();
    }

    /// `sh .mallette/install.sh` in the instance, with only the stand-ins and the system's tools.
    fn install(&self) -> Run {
        run(Command::new("sh")
            .arg(".mallette/install.sh")
            .current_dir(&self.instance)
            .env_clear()
            .env(
                "PATH",
                format!("{}:/usr/local/bin:/usr/bin:/bin", self.fakes.display()),
            )
            .env("HOME", &self.home)
            .env("MALLETTE_ROOT", &self.root)
            .env(
                "MALLETTE_RELEASES",
                format!("file://{}", self.releases.display()),
            ))
    }

    fn calls(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn installed(&self) -> Option<String> {
        let out = Command::new(self.root.join("bin/mallette"))
            .arg("--version")
            .output()
            .ok()?;
        Some(String::from_utf8_lossy(&out.stdout).trim().to_string())
    }
}

#[test]
fn install_takes_the_release_binary_once_its_checksum_matches_and_keeps_it() {
    let Some(target) = host_target() else {
        eprintln!("no release binary is published for this system: the route is cargo's");
        return;
    };
    let sandbox = Sandbox::new(&[], false);
    sandbox.publish(target, None);
    let installed = sandbox.install();
    assert_eq!(installed.code(), 0, "{}", installed.stderr);
    assert!(
        installed.stderr.contains("checksum verified"),
        "{}",
        installed.stderr
    );
    assert_eq!(
        sandbox.installed().as_deref(),
        Some(&*format!("mallette {VERSION}"))
    );
    assert_eq!(sandbox.calls(), "", "no cargo, no rustup");

    // The next run (a restored cache) keeps it without any download.
    std::fs::remove_dir_all(&sandbox.releases).unwrap();
    let again = sandbox.install();
    assert_eq!(again.code(), 0, "{}", again.stderr);
    assert!(again.stderr.contains("already in"), "{}", again.stderr);
    assert_eq!(sandbox.calls(), "");
}

#[test]
fn install_stops_on_a_checksum_mismatch_and_installs_nothing() {
    let Some(target) = host_target() else {
        return;
    };
    let sandbox = Sandbox::new(&[], true);
    sandbox.publish(target, Some(&"ab".repeat(32)));
    let refused = sandbox.install();
    assert_eq!(refused.code(), 1, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("CHECKSUM MISMATCH"),
        "{}",
        refused.stderr
    );
    assert_eq!(sandbox.installed(), None);
    assert_eq!(sandbox.calls(), "", "no fallback after a mismatch");
}

#[test]
fn without_a_release_install_builds_from_crates_io_then_from_the_git_source() {
    let source = "https://framagit.org/reseau/mallette.git";
    let sandbox = Sandbox::new(&["--mallette-source", source], true);
    let installed = sandbox.install();
    assert_eq!(installed.code(), 0, "{}", installed.stderr);
    let root = sandbox.root.display();
    let calls: Vec<String> = sandbox
        .calls()
        .lines()
        .filter(|l| l.starts_with("cargo"))
        .map(String::from)
        .collect();
    assert_eq!(
        calls,
        [
            format!("cargo install --locked --force --root {root} mallette --version ={VERSION}"),
            format!(
                "cargo install --locked --force --root {root} --git {source} --tag v{VERSION} mallette"
            ),
        ],
        "{}",
        installed.stderr
    );
    assert!(sandbox.calls().contains("rustup toolchain install stable"));
    assert_eq!(
        sandbox.installed().as_deref(),
        Some(&*format!("mallette {VERSION}"))
    );
}

#[test]
fn install_fails_loudly_when_no_route_works() {
    let sandbox = Sandbox::new(&[], false);
    let failed = sandbox.install();
    assert_eq!(failed.code(), 1, "{}", failed.stderr);
    assert!(
        failed
            .stderr
            .contains("could not be installed by any route"),
        "{}",
        failed.stderr
    );
}

// ---- Codeberg Pages: the pages branch ----

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn publish_pages_replaces_the_pages_branch_with_one_commit_of_the_site() {
    let (keep, dir) = init(&[]);
    let remote = keep.path().join("remote.git");
    git(
        keep.path(),
        &["init", "-q", "--bare", remote.to_str().unwrap()],
    );
    std::fs::write(dir.join(".domains"), "wiki.reseau.example\n").unwrap();
    let publish = |page: &str| {
        std::fs::create_dir_all(dir.join("public")).unwrap();
        std::fs::write(dir.join("public/index.html"), page).unwrap();
        let published = run(Command::new("sh")
            .arg(".mallette/publish-pages.sh")
            .arg("public")
            .current_dir(&dir)
            .env("PAGES_REMOTE", format!("file://{}", remote.display())));
        assert_eq!(published.code(), 0, "{}", published.stderr);
    };
    publish("<p>one</p>");
    publish("<p>two</p>");
    assert_eq!(git(&remote, &["rev-list", "--count", "pages"]).trim(), "1");
    assert_eq!(git(&remote, &["show", "pages:index.html"]), "<p>two</p>");
    assert_eq!(
        git(&remote, &["show", "pages:.domains"]),
        "wiki.reseau.example\n"
    );

    // Without a token there is nothing to push with: said, not attempted.
    let refused = run(Command::new("sh")
        .arg(".mallette/publish-pages.sh")
        .current_dir(&dir)
        .env_remove("PAGES_REMOTE")
        .env_remove("PAGES_TOKEN")
        .env("FORGE_URL", "https://codeberg.org")
        .env("REPOSITORY", "reseau/wiki"));
    assert_eq!(refused.code(), 1);
    assert!(
        refused.stderr.contains("PAGES_TOKEN is empty"),
        "{}",
        refused.stderr
    );
}

// --- The forge side (issue: wiki loop) ------------------------------------------------------

#[test]
fn the_issue_forms_for_field_reports_and_problems_pass_the_github_issue_forms_schema() {
    let (_keep, dir) = init(&[]);
    let forms: Vec<PathBuf> = [".github", ".forgejo"]
        .iter()
        .flat_map(|d| {
            ["retour-terrain.yml", "probleme.yml"]
                .map(|f| dir.join(d).join("ISSUE_TEMPLATE").join(f))
        })
        .collect();
    check_jsonschema("github-issue-forms", &forms);
    let report = read(&dir.join(".github/ISSUE_TEMPLATE/retour-terrain.yml"));
    for field in [
        "Date de la séance",
        "Lieu",
        "Nombre de participants",
        "retour-terrain",
    ] {
        assert!(
            report.contains(field),
            "the field-report form asks for {field}"
        );
    }
    for file in [
        ".github/pull_request_template.md",
        ".forgejo/PULL_REQUEST_TEMPLATE.md",
        ".gitlab/merge_request_templates/Default.md",
        ".gitlab/issue_templates/Retour terrain.md",
        ".gitlab/issue_templates/Problème.md",
    ] {
        let text = read(&dir.join(file));
        assert!(
            text.contains("fiche") || text.contains("kit"),
            "{file}: {text}"
        );
    }
    assert!(
        read(&dir.join(".gitlab/merge_request_templates/Default.md")).contains("mallette check")
    );
}

#[test]
fn contributing_starts_with_the_web_route_then_git_then_what_a_red_check_means() {
    let (_keep, dir) = init(&[]);
    let text = read(&dir.join("CONTRIBUTING.md"));
    let web = text
        .find("## Depuis le site, sans rien installer")
        .expect("web route");
    let red = text.find("## Une vérification rouge ?").expect("red check");
    let git = text.find("## Avec Git").expect("git route");
    assert!(
        web < red && red < git,
        "web route, what red means, then Git"
    );
    assert!(text.contains("« Vérifier et ouvrir sur la forge »"));
    assert!(text.contains("« J'ai animé cet atelier »"));
}

#[test]
fn init_with_a_forge_url_fills_the_forge_table_and_the_built_site_links_to_it() {
    let (_keep, dir) = init(&["--forge-url", "https://framagit.org/reseau/wiki/"]);
    let config = read(&dir.join("mallette.toml"));
    assert!(
        config.contains("[forge]\nkind = \"gitlab\"\nurl = \"https://framagit.org/reseau/wiki\"\nbranch = \"main\"\n"),
        "{config}"
    );
    let out = dir.join("public");
    let built = run(mallette()
        .arg("build")
        .arg("--root")
        .arg(&dir)
        .arg("--out")
        .arg(&out));
    assert_eq!(built.code(), 0, "{}", built.stderr);
    let page = read(&out.join("kits/premiers-pas-avec-un-smartphone/index.html"));
    assert!(
        page.contains("https://framagit.org/reseau/wiki/-/issues/new?issue%5Btitle%5D="),
        "the field-report link opens the wiki's GitLab"
    );
    // A host mallette does not know needs its kind.
    let (_keep, dir) = init(&[
        "--forge-url",
        "https://git.example.org/reseau/wiki",
        "--forge-kind",
        "gitea",
    ]);
    assert!(read(&dir.join("mallette.toml")).contains("kind = \"forgejo\""));
}

#[test]
fn init_refuses_a_forge_it_cannot_name_and_writes_nothing() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("wiki");
    let r = run(mallette()
        .arg("init")
        .arg(&dir)
        .args(["--forge-url", "https://git.example.org/reseau/wiki"]));
    assert_eq!(r.code(), 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("--forge-url `https://git.example.org/reseau/wiki`: which forge is it? Add --forge-kind (one of github, gitlab, forgejo)"),
        "{}",
        r.stderr
    );
    assert!(!dir.exists(), "nothing written");
    let r = run(mallette()
        .arg("init")
        .arg(&dir)
        .args(["--forge-url", "ftp://x/y"]));
    assert_eq!(r.code(), 2);
    assert!(
        r.stderr.contains("expected the repository's web address"),
        "{}",
        r.stderr
    );
}
