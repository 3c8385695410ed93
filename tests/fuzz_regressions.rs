//! Replays every input kept in `fuzz/regressions/<target>/` (crashes, hangs and slow inputs found
//! by fuzzing or by hand) through the fuzz targets' own checks, on the stable toolchain, so that
//! they stay fixed. See docs/fuzzing.md.

#[path = "../fuzz/fuzz_targets/checks.rs"]
mod checks;

use std::path::Path;
use std::time::{Duration, Instant};

fn replay(target: &str, check: fn(&[u8])) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/regressions")
        .join(target);
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        let start = Instant::now();
        check(&data);
        // Debug builds are slow; a fixed hang still finishes well inside this.
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "{}: {:?}",
            path.display(),
            start.elapsed()
        );
        count += 1;
    }
    count
}

#[test]
fn every_kept_front_matter_input_is_handled() {
    assert!(replay("frontmatter", checks::frontmatter) > 0);
}

#[test]
fn every_kept_markdown_input_renders_safely() {
    assert!(replay("markdown", checks::markdown) > 0);
}

#[test]
fn every_kept_settings_input_is_handled() {
    assert!(replay("settings", checks::settings) > 0);
}

#[test]
fn every_kept_catalog_input_is_handled() {
    assert!(replay("catalog", checks::catalog) > 0);
}

#[test]
fn the_safety_check_catches_what_it_should() {
    for unsafe_html in [
        "<script>x</script>",
        "<p onclick=\"x\">a</p>",
        "<a href=\"java\tscript:x\">a</a>",
        "<img src=\"https://evil.example/x.png\">",
        "<p style=\"color:red\">a</p>",
        "<img src=\"\\\\evil.example/x.png\">",
        "<img src=\"/\t/evil.example/x.png\">",
        "<img srcset=\"/ok.png 1x, https://evil.example/x.png 2x\">",
    ] {
        assert!(
            std::panic::catch_unwind(|| checks::check_safe(unsafe_html)).is_err(),
            "{unsafe_html} passed the check"
        );
    }
    checks::check_safe("<a title=\"<script> onclick=x\" href=\"https://example.org/\">ok</a>");
    checks::check_safe("<img src=\"1https://tracker.example/pixel.gif\" alt=\"a relative path\">");
    checks::check_safe("<a href=\"jAvAs\u{1a}CrIpT:alert(1)\">a relative path too</a>");
    checks::check_safe(
        "<img src=\"htts//r:x.gif, max: 12\" alt=\"commas only separate srcset candidates\">",
    );
}
