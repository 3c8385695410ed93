//! Exports a tantivy index written by `mallette build` into the reader's format.
//!
//! ```text
//! cargo run --release -p mallette-search-reader --example export -- SITE/search/index OUT [--chunked]
//! ```
//!
//! Writes `OUT/meta` and the files whole (for `Reader::open_dir`), or with `--chunked` one file
//! per chunk (`<file>.<chunk>`, what a static host serves), and prints their sizes.

use std::path::PathBuf;

use mallette_search_reader::export::{export_dir, ExportOptions};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let chunked = args.iter().any(|a| a == "--chunked");
    let paths: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let [index, out] = paths.as_slice() else {
        eprintln!("usage: export INDEX_DIR OUT_DIR [--chunked]");
        std::process::exit(2);
    };
    let export = export_dir(&PathBuf::from(index), &ExportOptions::default()).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(1);
    });
    let out = PathBuf::from(out);
    let written = if chunked {
        export.write_chunked(&out)
    } else {
        export.write(&out)
    };
    if let Err(e) = written {
        eprintln!("writing {}: {e}", out.display());
        std::process::exit(1);
    }
    println!("meta: {} bytes", export.meta.len());
    for f in &export.files {
        println!(
            "{}: {} bytes, {} chunks",
            f.name,
            f.bytes.len(),
            f.chunks.len()
        );
    }
    println!("total: {} bytes", export.total_bytes());
}
