//! Templates come from the instance (`themes/<name>/`), that is from anyone who can open a pull
//! request: rendering them must stay bounded. Tera has no recursion limit (a template including
//! itself, or a macro calling itself, overflows the stack and aborts the process), so recursion
//! is refused before any page is rendered, naming the templates; `range()` is capped; a page may
//! not grow past [`MAX_PAGE_BYTES`]; and `get_env()`, which would publish the builder's
//! environment (CI secrets), is disabled.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use anyhow::{bail, Result};
use tera::{Tera, Value};

/// Longest `range()` a template may ask for.
pub const MAX_RANGE: i64 = 10_000;

/// Largest page a template may render.
pub const MAX_PAGE_BYTES: usize = 64 * 1024 * 1024;

/// Replace Tera's `range` by a bounded one and `get_env` by a refusal.
pub fn register_functions(tera: &mut Tera) {
    tera.register_function("range", bounded_range);
    tera.register_function(
        "get_env",
        |_: &HashMap<String, Value>| -> tera::Result<Value> {
            Err(tera::Error::msg(
                "get_env() is disabled: a page must not publish the environment of the machine that builds it",
            ))
        },
    );
}

fn bounded_range(args: &HashMap<String, Value>) -> tera::Result<Value> {
    let number = |name: &str, default: Option<i64>| -> tera::Result<i64> {
        match args.get(name) {
            Some(v) => v.as_i64().ok_or_else(|| {
                tera::Error::msg(format!("range(): `{name}` must be a whole number"))
            }),
            None => default.ok_or_else(|| tera::Error::msg(format!("range(): `{name}` is needed"))),
        }
    };
    let start = number("start", Some(0))?;
    let end = number("end", None)?;
    let step = number("step_by", Some(1))?;
    if step <= 0 {
        return Err(tera::Error::msg("range(): `step_by` must be positive"));
    }
    let count = if end > start {
        (end - start + step - 1) / step
    } else {
        0
    };
    if count > MAX_RANGE {
        return Err(tera::Error::msg(format!(
            "range(): {count} values asked, at most {MAX_RANGE}"
        )));
    }
    Ok(Value::Array(
        (0..count).map(|i| Value::from(start + i * step)).collect(),
    ))
}

/// Refuse templates that include, extend or import themselves (directly or not) and macros that
/// call themselves (directly or not), naming the templates of the cycle.
pub fn check_recursion(templates: &[(String, String)]) -> Result<()> {
    // Nodes: a template (`page.html`) or a macro (`macros.html::card`).
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (name, source) in templates {
        let mut namespaces: HashMap<String, String> = HashMap::new();
        namespaces.insert("self".into(), name.clone());
        let mut current = name.clone();
        for (kind, body) in tags(source) {
            let words: Vec<&str> = body.split_whitespace().collect();
            if kind == Kind::Statement {
                match words.first().copied() {
                    Some("import") => {
                        if let (Some(target), Some(&"as"), Some(ns)) =
                            (quoted(&body), words.get(2), words.get(3))
                        {
                            // Importing only names macros: it runs nothing (a macro file
                            // imports itself to call its own macros).
                            namespaces.insert(ns.to_string(), target);
                        }
                        continue;
                    }
                    Some("include") | Some("extends") => {
                        for target in all_quoted(&body) {
                            edges.entry(current.clone()).or_default().insert(target);
                        }
                        continue;
                    }
                    Some("macro") => {
                        let macro_name: String = words
                            .get(1)
                            .unwrap_or(&"")
                            .chars()
                            .take_while(|c| c.is_alphanumeric() || *c == '_')
                            .collect();
                        current = format!("{name}::{macro_name}");
                        continue;
                    }
                    Some("endmacro") => {
                        current = name.clone();
                        continue;
                    }
                    _ => {}
                }
            }
            for (ns, called) in macro_calls(&body) {
                if let Some(file) = namespaces.get(&ns) {
                    edges
                        .entry(current.clone())
                        .or_default()
                        .insert(format!("{file}::{called}"));
                }
            }
        }
    }
    if let Some(cycle) = find_cycle(&edges) {
        bail!(
            "templates call themselves ({}): a template cannot include, extend or import itself and a macro cannot call itself, even through others",
            cycle.join(" → ")
        );
    }
    Ok(())
}

#[derive(PartialEq)]
enum Kind {
    Statement,
    Expression,
}

/// The content of every `{% … %}` and `{{ … }}` of a template (comments `{# … #}` skipped).
fn tags(source: &str) -> Vec<(Kind, String)> {
    let mut out = Vec::new();
    let mut rest = source;
    while let Some(i) = rest.find('{') {
        let after = &rest[i + 1..];
        let (kind, close) = match after.chars().next() {
            Some('%') => (Kind::Statement, "%}"),
            Some('{') => (Kind::Expression, "}}"),
            Some('#') => {
                rest = after.find("#}").map_or("", |e| &after[e + 2..]);
                continue;
            }
            _ => {
                rest = after;
                continue;
            }
        };
        let Some(end) = after[1..].find(close) else {
            break;
        };
        let body = after[1..1 + end].trim_matches(|c: char| c == '-' || c.is_whitespace());
        out.push((kind, body.to_string()));
        rest = &after[1 + end + close.len()..];
    }
    out
}

fn all_quoted(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(['"', '\'', '`']) {
        let quote = rest[start..].chars().next().unwrap_or('"');
        let after = &rest[start + 1..];
        let Some(end) = after.find(quote) else { break };
        found.push(after[..end].to_string());
        rest = &after[end + 1..];
    }
    found
}

fn quoted(text: &str) -> Option<String> {
    all_quoted(text).into_iter().next()
}

/// `ns::name(` calls in an expression.
fn macro_calls(text: &str) -> Vec<(String, String)> {
    let mut calls = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("::") {
        let before: String = rest[..i]
            .chars()
            .rev()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let after = &rest[i + 2..];
        let name: String = after
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if !before.is_empty()
            && !name.is_empty()
            && after[name.len()..].trim_start().starts_with('(')
        {
            calls.push((before, name));
        }
        rest = after;
    }
    calls
}

fn find_cycle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if !done.insert(node.to_string()) {
            return None;
        }
        path.push(node.to_string());
        for next in edges.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, edges, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        None
    }
    let mut done = BTreeSet::new();
    edges
        .keys()
        .find_map(|node| visit(node, edges, &mut Vec::new(), &mut done))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(files: &[(&str, &str)]) -> Vec<(String, String)> {
        files
            .iter()
            .map(|(n, s)| (n.to_string(), s.to_string()))
            .collect()
    }

    #[test]
    fn recursion_is_found_through_includes_and_macros() {
        assert!(check_recursion(&t(&[
            ("a.html", "{% include \"b.html\" %}"),
            ("b.html", "{% include \"a.html\" %}")
        ]))
        .is_err());
        assert!(check_recursion(&t(&[(
            "m.html",
            "{% macro f(n) %}{{ self::f(n=n) }}{% endmacro f %}"
        )]))
        .is_err());
        let err = check_recursion(&t(&[
            ("m.html", "{% import \"m.html\" as m %}{% macro f() %}{{ m::g() }}{% endmacro %}{% macro g() %}{{ m::f() }}{% endmacro %}"),
        ]))
        .unwrap_err()
        .to_string();
        assert!(err.contains("m.html::f"), "{err}");
        // A macro file importing itself (to call its own macros) is fine, as the default theme does.
        assert!(check_recursion(&t(&[
            ("base.html", "{% import \"m.html\" as m %}{{ m::f() }}"),
            ("m.html", "{% import \"m.html\" as m %}{% macro f() %}{{ m::g() }}{% endmacro %}{% macro g() %}x{% endmacro %}"),
            ("page.html", "{% extends \"base.html\" %}"),
        ]))
        .is_ok());
    }
}
