use std::process::ExitCode;

use clap::Parser;

// mimalloc: the build allocates and frees many small strings on every thread (pages, cards,
// search documents); glibc's per-thread arenas kept a 10,000-kit build's freed memory resident.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = mallette::cmd::Cli::parse();
    mallette::cmd::run(cli)
}
