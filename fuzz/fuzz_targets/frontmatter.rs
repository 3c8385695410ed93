//! Front-matter: split a file into YAML and body, parse the YAML with positions, validate it as a
//! kit. Any input must end in `Ok` or in diagnostics, never in a panic, a hang or a blow-up.
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use mallette::config::Config;
use mallette::vocabulary::Vocabularies;

fn setup() -> &'static (Config, Vocabularies) {
    static SETUP: OnceLock<(Config, Vocabularies)> = OnceLock::new();
    SETUP.get_or_init(|| {
        let config: Config = toml::from_str("title = \"Fuzz\"").expect("minimal config");
        (config, Vocabularies::defaults())
    })
}

fuzz_target!(|data: &[u8]| {
    // The loader refuses invalid UTF-8 before parsing; decode the same way it does.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text).replace("\r\n", "\n");
    let Ok(split) = mallette::frontmatter::split(&text) else {
        return;
    };
    assert!(split.body_line >= 2, "the body starts after the opening `---`");
    let Ok(root) = mallette::frontmatter::parse_yaml(split.yaml, 2) else {
        return;
    };
    let (config, vocabularies) = setup();
    let file = Path::new("content/kits/fuzz.md");
    match mallette::validate::validate_kit(file, &root, config, vocabularies, None) {
        Ok(_) => {}
        Err(diagnostics) => {
            assert!(!diagnostics.is_empty(), "a refusal names at least one problem")
        }
    }
    let _ = mallette::validate::validate_page(file, &root);
});
