//! Fuzz target: Markdown → sanitised HTML, with the sanitiser's promises checked on the output.
//! The checks live in checks.rs, shared with tests/fuzz_regressions.rs.
#![no_main]

#[path = "checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::markdown(data));
