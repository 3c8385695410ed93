//! `mallette serve`: a real server on a free port of 127.0.0.1, edited while it runs.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::sync::mpsc;
use std::time::Duration;

use common::serve::{get, start};
use common::*;

/// Subscribe to the event stream; events arrive on the returned channel as (name, data).
fn events(address: &str) -> mpsc::Receiver<(String, String)> {
    let mut stream = TcpStream::connect(address).unwrap();
    write!(
        stream,
        "GET /__mallette/events HTTP/1.1\r\nHost: {address}\r\n\r\n"
    )
    .unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let reader = BufReader::new(stream);
        let (mut name, mut data) = (String::new(), String::new());
        for line in reader.lines().map_while(Result::ok) {
            if let Some(n) = line.strip_prefix("event: ") {
                name = n.to_string();
            } else if let Some(d) = line.strip_prefix("data: ") {
                data.push_str(d);
                data.push('\n');
            } else if line.is_empty() && !name.is_empty() {
                if tx
                    .send((std::mem::take(&mut name), std::mem::take(&mut data)))
                    .is_err()
                {
                    break;
                }
            }
        }
    });
    // Give the server a moment to register the subscriber.
    std::thread::sleep(Duration::from_millis(200));
    rx
}

fn next_event(rx: &mpsc::Receiver<(String, String)>) -> (String, String) {
    rx.recv_timeout(Duration::from_secs(60))
        .expect("an event within a minute")
}

#[test]
fn editing_a_kit_reloads_pages_errors_keep_the_last_good_site_and_a_fix_recovers() {
    let instance = copy_site("valid");
    let kit = instance.path().join("content/kits/vie-privee/traceurs.md");
    let server = start(instance.path());

    let (status, html) = get(&server.address, "/kits/traceurs/");
    assert_eq!(status, 200);
    assert!(html.contains("Du texte sur les traceurs."));
    assert!(
        html.contains("/__mallette/live.js"),
        "pages get the live-reload script"
    );
    assert!(get(&server.address, "/__mallette/live.js")
        .1
        .contains("/__mallette/ws"));

    // 1. An edit: a reload event, then the new HTML.
    let rx = events(&server.address);
    std::fs::write(
        &kit,
        read(&kit).replace("Du texte sur les traceurs.", "Un texte modifié en direct."),
    )
    .unwrap();
    assert_eq!(next_event(&rx).0, "reload");
    assert!(get(&server.address, "/kits/traceurs/")
        .1
        .contains("Un texte modifié en direct."));

    // 2. An error: reported as an event with file and line; the last good page is still served.
    std::fs::write(
        &kit,
        read(&kit).replace("level: debutant", "level: debutnt"),
    )
    .unwrap();
    let (name, data) = next_event(&rx);
    assert_eq!(name, "error");
    assert!(
        data.contains("content/kits/vie-privee/traceurs.md:6:8"),
        "{data}"
    );
    assert!(data.contains("vouliez-vous dire `debutant`"), "{data}");
    let (status, html) = get(&server.address, "/kits/traceurs/");
    assert_eq!(status, 200);
    assert!(
        html.contains("Un texte modifié en direct."),
        "the last good build is still served"
    );

    // A page opened while the error stands learns about it at once.
    let late = events(&server.address);
    assert_eq!(next_event(&late).0, "error");

    // 3. The fix: back to a reload and fresh HTML.
    // Saved the way many editors save: a temporary file beside the kit, renamed over it; and a
    // hidden swap file written meanwhile. Neither is part of the site.
    let saved = read(&kit).replace("level: debutnt", "level: avance");
    let temporary = kit.with_file_name("traceurs.md.tmp-save");
    std::fs::write(kit.with_file_name(".traceurs.md.swp"), "swap").unwrap();
    std::fs::write(&temporary, saved).unwrap();
    std::fs::rename(&temporary, &kit).unwrap();
    assert_eq!(next_event(&rx).0, "reload");
    assert!(get(&server.address, "/kits/traceurs/").1.contains("Avancé"));
    // A front-matter change (the level) moves the kit between browse pages, without a full
    // build: its page, the lists and the related kits are rendered again in place.
    assert!(get(&server.address, "/levels/avance/")
        .1
        .contains("Les traceurs dans les applications"));
    assert!(!get(&server.address, "/levels/debutant/")
        .1
        .contains("Les traceurs dans les applications"));
    let log = server.log();
    assert_eq!(
        log.matches("Site reconstruit").count(),
        1,
        "only the first build is a full one:\n{log}"
    );
    assert!(
        log.contains("levels/avance/index.html") || log.contains("pages)"),
        "{log}"
    );
}

#[test]
fn drafts_are_served_with_a_banner_and_paths_cannot_escape_the_site() {
    let instance = copy_site("valid");
    let kit = instance.path().join("content/kits/vie-privee/traceurs.md");
    std::fs::write(
        &kit,
        read(&kit).replace("updated: 2026-01-10", "updated: 2026-01-10\ndraft: true"),
    )
    .unwrap();
    let server = start(instance.path());
    let (status, html) = get(&server.address, "/kits/traceurs/");
    assert_eq!(status, 200, "drafts are built by serve");
    assert!(html.contains("Brouillon"), "draft banner");
    assert_eq!(get(&server.address, "/../../../../etc/passwd").0, 404);
    assert_eq!(get(&server.address, "/%2e%2e/%2e%2e/etc/passwd").0, 404);
    let (status, body) = get(&server.address, "/nothing-here/");
    assert_eq!(status, 404);
    assert!(body.contains("<h1"), "the site's own 404 page");
}

/// In Debian's headless Chromium (`tests/browser/live-reload.mjs`): eight tabs all load and
/// connect, a saved edit reloads the open pages with the new text, an error shows an overlay with
/// file and line over the last good page, the fix removes it.
#[test]
fn open_tabs_reload_on_save_and_show_errors_in_a_real_browser() {
    let instance = copy_site("valid");
    let kit = instance.path().join("content/kits/vie-privee/traceurs.md");
    let server = start(instance.path());
    let base = format!("http://{}/", server.address);
    let result = std::panic::catch_unwind(|| {
        run_browser_script(
            "live-reload.mjs",
            &[&base, "/kits/traceurs/", kit.to_str().unwrap()],
        )
    });
    if result.is_err() {
        panic!("server log:\n{}", server.log());
    }
}
