//! The competence map (`/competences/`): for each framework (Pix, DigComp 2.2), an accessible
//! table of its competences grouped by domain, by level, each cell the number of kits that work
//! on that competence at that level, linked to the search page with those two filters; empty
//! cells marked, so a network sees where kits are missing. The same counts drawn at build time as
//! an SVG heat map (`/competences/coverage.svg`), shown on the home page too. No JavaScript.

use std::collections::BTreeMap;

use mallette_content::model::KitMeta;
use serde::Serialize;

use super::{Renderer, TermView};

#[derive(Serialize)]
pub struct Cell {
    pub count: usize,
    pub url: String,
}

#[derive(Serialize)]
pub struct Row {
    pub code: String,
    pub label: String,
    pub url: String,
    /// At least one kit covers it (else it has no page to link to).
    pub covered: bool,
    pub cells: Vec<Cell>,
}

#[derive(Serialize)]
pub struct Domain {
    pub label: String,
    pub rows: Vec<Row>,
}

#[derive(Serialize)]
pub struct Framework {
    pub key: String,
    pub label: String,
    pub domains: Vec<Domain>,
    /// Competences with no kit at any level.
    pub missing: usize,
    pub total: usize,
}

#[derive(Serialize)]
pub struct CompetenceMap {
    pub levels: Vec<TermView>,
    pub frameworks: Vec<Framework>,
    pub svg_url: String,
}

/// The map of `kits` (the listed kits of the site and of federated instances).
pub fn map(renderer: &Renderer, kits: &[&KitMeta]) -> CompetenceMap {
    let vocabulary = renderer.vocabularies.get("competences");
    let levels: Vec<String> = renderer.vocabularies.get("levels").slugs();
    let mut counts: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for kit in kits {
        for c in &kit.competences {
            *counts.entry((c.as_str(), kit.level.as_str())).or_default() += 1;
        }
    }
    let mut frameworks: Vec<Framework> = Vec::new();
    for term in &vocabulary.terms {
        let (framework, code) = term.slug.split_once(':').unwrap_or(("", &term.slug));
        if frameworks.last().is_none_or(|f| f.key != framework) {
            frameworks.push(Framework {
                key: framework.to_string(),
                label: vocabulary.framework_label(framework, &renderer.lang),
                domains: Vec::new(),
                missing: 0,
                total: 0,
            });
        }
        let current = frameworks.last_mut().expect("pushed above");
        let domain_label = vocabulary
            .domain_of(&term.slug)
            .map(|d| {
                format!(
                    "{} {}",
                    d.slug.split(':').nth(1).unwrap_or(""),
                    d.label(&renderer.lang)
                )
            })
            .unwrap_or_default();
        if current
            .domains
            .last()
            .is_none_or(|d| d.label != domain_label)
        {
            current.domains.push(Domain {
                label: domain_label,
                rows: Vec::new(),
            });
        }
        let cells: Vec<Cell> = levels
            .iter()
            .map(|level| Cell {
                count: counts
                    .get(&(term.slug.as_str(), level.as_str()))
                    .copied()
                    .unwrap_or(0),
                url: renderer.url(&format!("search/?competences={}&level={level}", term.slug)),
            })
            .collect();
        current.total += 1;
        if cells.iter().all(|c| c.count == 0) {
            current.missing += 1;
        }
        let view = renderer.term("competences", &term.slug, 0);
        current
            .domains
            .last_mut()
            .expect("pushed above")
            .rows
            .push(Row {
                code: code.to_string(),
                label: view.label,
                url: view.url,
                covered: cells.iter().any(|c| c.count > 0),
                cells,
            });
    }
    CompetenceMap {
        levels: levels
            .iter()
            .map(|l| renderer.term("levels", l, 0))
            .collect(),
        frameworks,
        svg_url: renderer.url("competences/coverage.svg"),
    }
}

/// The heat map of the first framework (Pix): a row per competence, a column per level, darker
/// for more kits, the count written in each cell.
pub fn svg(map: &CompetenceMap, title: &str, empty_label: &str) -> String {
    let Some(framework) = map.frameworks.first() else {
        return String::new();
    };
    let rows: Vec<&Row> = framework.domains.iter().flat_map(|d| &d.rows).collect();
    let max = rows
        .iter()
        .flat_map(|r| r.cells.iter().map(|c| c.count))
        .max()
        .unwrap_or(0)
        .max(1);
    let (label_w, cell_w, cell_h, top) = (300, 110, 26, 60);
    let width = label_w + cell_w * map.levels.len() + 10;
    let height = top + cell_h * rows.len() + 10;
    let escape = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-labelledby=\"t\" font-family=\"system-ui, sans-serif\" font-size=\"13\">\n<title id=\"t\">{}</title>\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n",
        escape(title)
    );
    for (i, level) in map.levels.iter().enumerate() {
        let x = label_w + cell_w * i + cell_w / 2;
        out.push_str(&format!(
            "<text x=\"{x}\" y=\"{}\" text-anchor=\"middle\" font-weight=\"bold\" fill=\"#1a1a1a\">{}</text>\n",
            top - 14,
            escape(&level.label)
        ));
    }
    for (r, row) in rows.iter().enumerate() {
        let y = top + cell_h * r;
        let label: String = format!("{} {}", row.code, row.label)
            .chars()
            .take(44)
            .collect();
        out.push_str(&format!(
            "<text x=\"4\" y=\"{}\" fill=\"#1a1a1a\">{}</text>\n",
            y + 17,
            escape(&label)
        ));
        for (i, cell) in row.cells.iter().enumerate() {
            let x = label_w + cell_w * i;
            // From a pale to a dark blue; white text on the darker half.
            let share = cell.count as f64 / max as f64;
            let (fill, text_fill) = if cell.count == 0 {
                ("#f2f2f2".to_string(), "#595959")
            } else {
                let light = (90.0 - 60.0 * share).round();
                (
                    format!("hsl(214, 65%, {light}%)"),
                    if light < 60.0 { "#ffffff" } else { "#1a1a1a" },
                )
            };
            let text = if cell.count == 0 {
                empty_label.to_string()
            } else {
                cell.count.to_string()
            };
            out.push_str(&format!(
                "<rect x=\"{}\" y=\"{y}\" width=\"{}\" height=\"{}\" fill=\"{fill}\" stroke=\"#ffffff\"/>\n<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"{text_fill}\">{}</text>\n",
                x,
                cell_w,
                cell_h,
                x + cell_w / 2,
                y + 17,
                escape(&text)
            ));
        }
    }
    out.push_str("</svg>\n");
    out
}
