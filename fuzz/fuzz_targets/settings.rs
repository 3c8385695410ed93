#![no_main]
//! Fuzz target: mallette.toml and vocabulary files (see checks.rs and docs/fuzzing.md).

#[path = "checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::settings(data));
