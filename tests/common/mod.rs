//! Helpers shared by the integration tests: run the real `mallette` binary on fixture instances.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub mod html;
pub mod serve;
pub mod static_site;
#[allow(unused_imports)]
pub use html::tags_with_event_handlers;

pub fn mallette() -> Command {
    Command::new(env!("CARGO_BIN_EXE_mallette"))
}

pub fn sites() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sites")
}

pub fn site(name: &str) -> PathBuf {
    sites().join(name)
}

pub struct Run {
    pub output: Output,
    pub stderr: String,
    pub stdout: String,
}

impl Run {
    pub fn code(&self) -> i32 {
        self.output.status.code().unwrap_or(-1)
    }
}

pub fn run(command: &mut Command) -> Run {
    let output = command.output().expect("mallette runs");
    Run {
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        output,
    }
}

/// `mallette build --root <root> --out <out>`.
pub fn build(root: &Path, out: &Path) -> Run {
    run(mallette()
        .arg("build")
        .arg("--root")
        .arg(root)
        .arg("--out")
        .arg(out))
}

/// A site built into a temporary folder (kept as long as this lives) and its search index opened
/// as `mallette search` opens it.
pub struct BuiltSearch {
    _dir: tempfile::TempDir,
    pub site: PathBuf,
    pub searcher: mallette_search::Searcher,
}

/// Builds `root` (the build must succeed) and opens its search index.
pub fn build_search(root: &Path) -> BuiltSearch {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let run = build(root, &site);
    assert_eq!(
        run.code(),
        0,
        "build of {} failed:\n{}",
        root.display(),
        run.stderr
    );
    let searcher = mallette_search::open_index(&site.join("search/index")).unwrap();
    BuiltSearch {
        _dir: dir,
        site,
        searcher,
    }
}

pub fn read(path: impl AsRef<Path>) -> String {
    let path = path.as_ref();
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Copy a fixture instance into a fresh temporary folder (for tests that modify it).
pub fn copy_site(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&site(name), dir.path());
    dir
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Every file below `dir` with its bytes, sorted by path.
pub fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = walk(dir)
        .into_iter()
        .map(|p| {
            (
                p.strip_prefix(dir).unwrap().to_path_buf(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            out.extend(walk(&entry.path()));
        } else {
            out.push(entry.path());
        }
    }
    out
}

/// Fails, with the commands to run, when the browser tests cannot run: `tests/browser`'s
/// node_modules or Chromium is missing. Browser tests never pass silently.
pub fn browser_prerequisites() {
    let browser_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    assert!(
        browser_dir.join("node_modules/playwright-core").is_dir(),
        "tests/browser/node_modules is missing: run `npm ci --prefix tests/browser` (needs Node.js \
         20+), and `apt-get install -y chromium` for the browser"
    );
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        Path::new(&chromium).exists(),
        "{chromium} is missing: run `apt-get install -y chromium` (or set CHROMIUM)"
    );
}

/// Run `tests/browser/<script>` with `args` in Node.js; assert every step it reports passed.
pub fn run_browser_script(script: &str, args: &[&str]) {
    browser_prerequisites();
    let output = Command::new("node")
        .arg(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/browser")
                .join(script),
        )
        .args(args)
        .output()
        .expect("running node: is Node.js installed? (apt-get install -y nodejs)");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    assert!(
        output.status.success() && stdout.contains(" passed, 0 failed"),
        "{script} failed:\n{stdout}\n{stderr}"
    );
}
