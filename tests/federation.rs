//! Federation: kits of other instances from stored catalogs, and `fetch-catalogs`.

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;

use common::*;

#[test]
fn federated_kits_appear_in_browse_pages_and_search_marked_with_their_origin() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let run = build(&site("federated"), &out);
    assert_eq!(
        run.code(),
        0,
        "a broken catalog never breaks the build:\n{}",
        run.stderr
    );
    // The malformed catalog is named, with its position.
    assert!(
        run.stderr.contains("avertissement: federation/reseau-casse.json:1:54: catalogue fédéré « Réseau cassé » ignoré"),
        "{}",
        run.stderr
    );

    let term = read(out.join("audiences/seniors/index.html"));
    assert!(term.contains("Comprendre les cookies en une heure"));
    assert!(
        term.contains("href=\"https://national.example/wiki/kits/atelier-cookies/\""),
        "links to its origin"
    );
    assert!(term.contains("Réseau national"), "marked with its origin");
    let themes = read(out.join("themes/index.html"));
    let after = &themes[themes.find("Vie privée et données personnelles").unwrap()..];
    assert!(
        after[..after.find("</li>").unwrap()].contains('2'),
        "counted with our own kit"
    );

    let search = run_search(&out, "cookies");
    assert!(
        search.contains("https://national.example/wiki/kits/atelier-cookies/"),
        "{search}"
    );
    // Federated kits are not re-published in our own catalog.
    assert!(!read(out.join("catalog.json")).contains("atelier-cookies"));
}

fn run_search(site_dir: &std::path::Path, query: &str) -> String {
    run(mallette()
        .arg("search")
        .arg(query)
        .arg("--site")
        .arg(site_dir))
    .stdout
}

/// Serve `body` once per connection on a free loopback port; returns the address.
fn serve_once(body: &'static str, status: &'static str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap().to_string();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(4) {
            let Ok(mut stream) = stream else { continue };
            let mut buffer = [0u8; 4096];
            let _ = stream.read(&mut buffer);
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    address
}

#[test]
fn fetch_catalogs_stores_each_catalog_in_the_repository_and_refuses_a_malformed_one() {
    let catalog = r#"{"catalog_version": 1, "site": {"url": "https://autre.example/"}, "kits": [{"slug": "a", "url": "https://autre.example/kits/a/", "title": "Un kit d'ailleurs"}]}"#;
    let good = serve_once(catalog, "200 OK");
    let instance = copy_site("valid");
    let config = format!(
        "{}\n[[federation]]\nname = \"Autre réseau\"\ncatalog = \"http://{good}/catalog.json\"\n",
        read(instance.path().join("mallette.toml"))
    );
    std::fs::write(instance.path().join("mallette.toml"), &config).unwrap();
    let fetched = run(mallette()
        .arg("fetch-catalogs")
        .arg("--root")
        .arg(instance.path()));
    assert_eq!(fetched.code(), 0, "{}", fetched.stderr);
    assert!(
        fetched.stdout.contains("Autre réseau : 1 kit →"),
        "{}",
        fetched.stdout
    );
    assert_eq!(
        read(instance.path().join("federation/autre-reseau.json")),
        catalog
    );

    // The build then works offline from the stored copy.
    let out = instance.path().join("public");
    assert_eq!(build(instance.path(), &out).code(), 0);
    assert!(
        read(out.join("kits/index.html")).contains("Un kit d&#x27;ailleurs")
            || read(out.join("kits/index.html")).contains("Un kit d'ailleurs")
    );

    // A malformed download is refused and never replaces the stored copy.
    let bad = serve_once("<html>not json</html>", "200 OK");
    std::fs::write(
        instance.path().join("mallette.toml"),
        config.replace(&good, &bad),
    )
    .unwrap();
    let refused = run(mallette()
        .arg("fetch-catalogs")
        .arg("--root")
        .arg(instance.path()));
    assert_eq!(refused.code(), 2);
    assert!(
        refused.stderr.contains("Autre réseau")
            && refused.stderr.contains("not a mallette catalog.json"),
        "{}",
        refused.stderr
    );
    assert_eq!(
        read(instance.path().join("federation/autre-reseau.json")),
        catalog
    );
}
