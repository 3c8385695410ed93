//! Durations, dates, file sizes and attribution sentences as pages show them, in the interface
//! language (words from the message catalog, `mallette_content::i18n`).

use chrono::Datelike;
pub use mallette_content::i18n::duration_text as duration;
use mallette_content::i18n::{fill, Lang};

/// `1er mars 2026`, `March 1, 2026`.
pub fn date(date: chrono::NaiveDate, lang: Lang) -> String {
    let months: Vec<&str> = lang.text("date.months").split(' ').collect();
    let month = months.get(date.month0() as usize).copied().unwrap_or("");
    let day = if date.day() == 1 {
        lang.text("date.first-day").to_string()
    } else {
        date.day().to_string()
    };
    lang.format(
        "date.long",
        &[("day", &day), ("month", &month), ("year", &date.year())],
    )
}

/// `512 octets`, `12 Ko`, `1,4 Mo`.
pub fn size(bytes: u64, lang: Lang) -> String {
    if bytes < 1024 {
        lang.format("size.bytes", &[("n", &bytes)])
    } else if bytes < 1024 * 1024 {
        let kb = (bytes as f64 / 1024.0).round() as u64;
        lang.format("size.kb", &[("n", &kb)])
    } else {
        let mb = format!("{:.1}", bytes as f64 / (1024.0 * 1024.0))
            .replace('.', lang.text("number.decimal-separator"));
        lang.format("size.mb", &[("n", &mb)])
    }
}

/// « Titre », par A et B, sous licence CC BY-SA 4.0.
pub fn attribution(title: &str, authors: &[String], license_name: &str, lang: Lang) -> String {
    let and = lang.text("list.and");
    let names = match authors {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{}{and}{last}", rest.join(", ")),
    };
    fill(
        lang.text("attribution"),
        &[
            ("title", &title),
            ("authors", &names),
            ("license", &license_name),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_sizes_and_attributions_in_both_languages() {
        let d = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        assert_eq!(date(d, Lang::Fr), "1er mars 2026");
        assert_eq!(date(d, Lang::En), "March 1, 2026");
        assert_eq!(size(1_500_000, Lang::Fr), "1,4 Mo");
        assert_eq!(size(2048, Lang::En), "2 KB");
        assert_eq!(
            attribution("T", &["A".into(), "B".into()], "CC0", Lang::Fr),
            "« T », par A et B, sous licence CC0."
        );
    }
}
