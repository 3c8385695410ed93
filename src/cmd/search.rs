use std::path::PathBuf;
use std::process::ExitCode;

use std::io::Write as _;

use anyhow::Context as _;
use clap::Args;

use mallette_content::Failure;

use crate::index::SEARCH_INDEX_DIR;

#[derive(Args, Debug)]
pub struct SearchArgs {
    /// What to look for, e.g. "mot de passe"
    pub query: String,
    /// Filter as field=value (themes, audiences, level, formats, materials, competences,
    /// accessibility, language, duration=lt30|30-60|60-120|gt120, type=kit|parcours,
    /// tested=oui); repeatable
    #[arg(long = "filter", value_name = "FIELD=VALUE")]
    pub filters: Vec<String>,
    /// Order: pertinence (default; without text, newest first), date, duree, seance (latest
    /// field session), titre
    #[arg(long, default_value = "pertinence")]
    pub sort: String,
    /// Print results as JSON
    #[arg(long)]
    pub json: bool,
    /// Instance folder
    #[arg(long)]
    pub root: Option<PathBuf>,
    /// Built site folder [default: <root>/public]
    #[arg(long)]
    pub site: Option<PathBuf>,
    /// How many results
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
}

pub fn run(args: SearchArgs) -> Result<ExitCode, Failure> {
    let root = super::root_or_default(args.root);
    let site = args.site.unwrap_or_else(|| root.join("public"));
    let index_dir = site.join(SEARCH_INDEX_DIR);
    let mut filters = Vec::new();
    for filter in &args.filters {
        let (field, value) = filter.split_once('=').with_context(|| {
            format!("--filter `{filter}`: expected FIELD=VALUE, e.g. audiences=seniors")
        })?;
        filters.push((field.trim().to_string(), value.trim().to_string()));
    }
    let searcher = mallette_search::open_index(&index_dir).with_context(|| {
        format!(
            "no search index in {} — run `mallette build` first",
            site.display()
        )
    })?;
    let sort = mallette_search::Sort::parse(&args.sort).with_context(|| {
        format!(
            "--sort `{}`: expected pertinence, date, duree, seance or titre",
            args.sort
        )
    })?;
    let results = searcher.search(&mallette_search::Query {
        text: args.query.clone(),
        filters,
        limit: args.limit,
        sort,
    })?;
    let mut out = std::io::stdout().lock();
    if args.json {
        let hits: Vec<_> = results
            .hits
            .iter()
            .map(|h| {
                serde_json::json!({
                    "slug": h.slug, "url": h.url, "title": h.title, "summary": h.summary,
                    "snippet_html": h.snippet_html, "score": h.score, "level": h.level,
                    "audiences": h.audiences, "duration_minutes": h.duration_minutes,
                    "type": h.kind,
                    "synonyms": h.synonyms.iter().map(|s| serde_json::json!({
                        "word": s.word, "synonym": s.synonym,
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        let json = serde_json::json!({
            "query": args.query, "total": results.total, "hits": hits,
            "facets": results.facets, "suggestion": results.suggestion,
        });
        let _ = writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&json).unwrap_or_default()
        );
    } else {
        let noun = if results.total > 1 {
            "résultats / results"
        } else {
            "résultat / result"
        };
        let _ = writeln!(out, "{} {noun} pour « {} »", results.total, args.query);
        if let Some(suggestion) = &results.suggestion {
            let _ = writeln!(out, "Vouliez-vous dire « {suggestion} » ? / Did you mean?");
        }
        for (i, hit) in results.hits.iter().enumerate() {
            let via: Vec<String> = hit
                .synonyms
                .iter()
                .map(|s| format!("{} → {}", s.word, s.synonym))
                .collect();
            let via = if via.is_empty() {
                String::new()
            } else {
                format!("\n    (synonyme / synonym: {})", via.join(", "))
            };
            let kind = if hit.kind == "parcours" {
                "parcours · "
            } else {
                ""
            };
            // A closed pipe (`| head`) ends the listing quietly.
            if writeln!(
                out,
                "{:>2}. {kind}{}  [{}]  {}\n    {}{via}",
                i + 1,
                hit.title,
                hit.slug,
                hit.url,
                hit.summary
            )
            .is_err()
            {
                break;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
