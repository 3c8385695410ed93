#![no_main]
//! Fuzz target: a stored federated catalog (see checks.rs and docs/fuzzing.md).

#[path = "checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::catalog(data));
