//! The invariants of ARCHITECTURE.md that the source tree itself can show: data flows one way
//! between the stages (no module imports one that imports it back), the content stage never
//! writes a file, no source file grows past 800 lines, and ARCHITECTURE.md names every folder.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// `crate::<name>` paths a file uses (in `use` lines and in expressions), comments left out.
fn crate_modules_used(text: &str) -> BTreeSet<String> {
    let mut used = BTreeSet::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(i) = rest.find("crate::") {
            let after = &rest[i + "crate::".len()..];
            let name: String = after
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            // `use crate::{a, b}` names several modules.
            if name.is_empty() && after.starts_with('{') {
                let group = after[1..].split('}').next().unwrap_or("");
                for part in group.split(',') {
                    let module = part.trim().split("::").next().unwrap_or("").trim();
                    if !module.is_empty() {
                        used.insert(module.to_string());
                    }
                }
            } else if !name.is_empty() {
                used.insert(name);
            }
            rest = after;
        }
    }
    used
}

/// The module graph of a crate whose modules are the first path component under `dir`.
fn graph(dir: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in rust_files(dir) {
        let relative = file.strip_prefix(dir).unwrap();
        let first = relative.components().next().unwrap();
        let module = first
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        if module == "content" && dir.ends_with("src") {
            continue; // its own crate, checked on its own
        }
        let text = std::fs::read_to_string(&file).unwrap();
        let entry = edges.entry(module.clone()).or_default();
        for used in crate_modules_used(&text) {
            if used != module {
                entry.insert(used);
            }
        }
    }
    edges
}

/// A cycle of `edges`, if there is one.
fn find_cycle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in edges.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, edges, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for node in edges.keys() {
        if let Some(cycle) = visit(node, edges, &mut Vec::new(), &mut done) {
            return Some(cycle);
        }
    }
    None
}

#[test]
fn the_stages_import_each_other_one_way_only() {
    let binary = graph(&root().join("src"));
    assert_eq!(
        find_cycle(&binary),
        None,
        "import cycle in src/: {binary:#?}"
    );
    // Down the pipeline only: a stage never reaches a later one.
    let order = ["index", "render", "publish", "pipeline", "serve", "cmd"];
    for (i, stage) in order.iter().enumerate() {
        for later in &order[i + 1..] {
            assert!(
                !binary.get(*stage).is_some_and(|used| used.contains(*later)),
                "src/{stage} imports src/{later}, which comes after it"
            );
        }
    }
    let content = graph(&root().join("src/content"));
    assert_eq!(
        find_cycle(&content),
        None,
        "import cycle in src/content: {content:#?}"
    );
}

#[test]
fn the_content_stage_reads_and_never_writes() {
    for file in rust_files(&root().join("src/content")) {
        let text = std::fs::read_to_string(&file).unwrap();
        for call in [
            "fs::write",
            "fs::create_dir",
            "fs::remove",
            "fs::rename",
            "fs::copy",
            "File::create",
        ] {
            assert!(
                !text.contains(call),
                "{} calls {call}: the content stage only reads",
                file.display()
            );
        }
        for later in ["tera", "mallette_search", "axum", "lol_html"] {
            assert!(
                !text.contains(&format!("{later}::")),
                "{} uses {later}: the content stage knows nothing of the stages after it",
                file.display()
            );
        }
    }
}

#[test]
fn no_source_file_is_over_800_lines() {
    let mut long = Vec::new();
    for dir in ["src", "crates"] {
        for file in rust_files(&root().join(dir)) {
            let lines = std::fs::read_to_string(&file).unwrap().lines().count();
            if lines > 800 {
                long.push(format!("{} ({lines})", file.display()));
            }
        }
    }
    assert!(long.is_empty(), "split by job: {long:?}");
}

#[test]
fn architecture_md_names_every_folder_of_the_code() {
    let text = std::fs::read_to_string(root().join("ARCHITECTURE.md")).unwrap();
    for parent in ["src", "crates", "src/content"] {
        for entry in std::fs::read_dir(root().join(parent)).unwrap() {
            let entry = entry.unwrap();
            if !entry.file_type().unwrap().is_dir() {
                continue;
            }
            let name = format!("{parent}/{}/", entry.file_name().to_string_lossy());
            assert!(text.contains(&name), "ARCHITECTURE.md does not name {name}");
        }
    }
}
