//! Fuzz target: front-matter splitting, YAML parsing with positions, kit and page validation.
//! The checks live in checks.rs, shared with tests/fuzz_regressions.rs.
#![no_main]

#[path = "checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::frontmatter(data));
