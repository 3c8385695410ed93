//! Slugs: the identifiers of kits, pages and vocabulary values, as they appear in URLs.

/// Lower-case ASCII letters, digits and single hyphens.
pub fn is_slug(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !text.starts_with('-')
        && !text.ends_with('-')
        && !text.contains("--")
}

/// `Mots de passe : le B.A.-BA` → `mots-de-passe-le-b-a-ba`
pub fn slugify(text: &str) -> String {
    let ascii = deunicode::deunicode(text).to_lowercase();
    let mut slug = String::new();
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert!(is_slug("mots-de-passe"));
        assert!(!is_slug("Mots de passe"));
        assert_eq!(
            slugify("Vérifier une image virale !"),
            "verifier-une-image-virale"
        );
    }
}
