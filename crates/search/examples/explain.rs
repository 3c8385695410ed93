//! Development aid: how each word of a query scores on given kits.
//! `cargo run --release -p mallette-search --example explain -- SITE/search/index "query" slug…`
fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let searcher = mallette_search::open_index(std::path::Path::new(&args[1]))?;
    for line in searcher.explain(&args[2], &args[3..])? {
        println!("{line}");
    }
    Ok(())
}
