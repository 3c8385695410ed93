//! `mallette serve` as users expect it and as an attacker finds it: a port one can bookmark, a
//! taken port said at once, only its own origin answered, no leftovers after Ctrl+C, edits seen
//! after folders are deleted and made again, `mallette.toml` saved atomically seen every time,
//! attachments served with their type, by range and by HEAD.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::Duration;

use common::serve::{get, request, start, start_command, wait_for};
use common::*;

const PATIENCE: Duration = Duration::from_secs(30);

#[test]
fn serve_listens_on_a_fixed_port_by_default() {
    let instance = copy_site("valid");
    let server = start(instance.path());
    let port: u16 = server.address.rsplit(':').next().unwrap().parse().unwrap();
    assert!((5050..5100).contains(&port), "{}", server.address);
    if port != 5050 {
        assert!(
            server.log().contains("le port 5050 est pris"),
            "{}",
            server.log()
        );
    }
}

#[test]
fn a_taken_port_is_an_error_naming_it_before_any_build() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    // An instance with a content error: a build, had it run first, would print it.
    let instance = copy_site("valid");
    std::fs::write(
        instance.path().join("content/kits/vie-privee/traceurs.md"),
        "---\ntitle: [\n---\n",
    )
    .unwrap();
    let run = run(mallette()
        .arg("serve")
        .arg("--root")
        .arg(instance.path())
        .arg("--port")
        .arg(port.to_string()));
    assert_eq!(run.code(), 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains(&format!("le port {port} est déjà pris")),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("traceurs.md"),
        "no build ran: {}",
        run.stderr
    );
}

#[test]
fn outside_an_instance_serve_says_to_run_init() {
    let empty = tempfile::tempdir().unwrap();
    let run = run(mallette().arg("serve").arg("--root").arg(empty.path()));
    assert_eq!(run.code(), 2, "{}", run.stderr);
    assert!(run.stderr.contains("mallette init"), "{}", run.stderr);
}

#[test]
fn serve_on_another_interface_warns_that_drafts_are_visible() {
    let instance = copy_site("valid");
    let mut command = mallette();
    command
        .arg("serve")
        .arg("--root")
        .arg(instance.path())
        .arg("--interface")
        .arg("0.0.0.0");
    let server = start_command(command);
    assert!(server.address.starts_with("0.0.0.0:"), "{}", server.address);
    let port = server.address.rsplit(':').next().unwrap();
    let local = format!("127.0.0.1:{port}");
    assert_eq!(get(&local, "/").0, 200);
    assert!(
        server.log().contains("brouillons compris"),
        "{}",
        server.log()
    );
}

#[test]
fn serve_answers_only_its_own_origin() {
    let instance = copy_site("valid");
    let server = start(instance.path());
    let a = &server.address;
    assert_eq!(get(a, "/").0, 200);
    let port = a.rsplit(':').next().unwrap();
    // DNS rebinding: another name for this address.
    let (status, _) = request(
        a,
        &format!("GET / HTTP/1.0\r\nHost: evil.example:{port}\r\n\r\n"),
    );
    assert_eq!(status, 403);
    // Another page opening the live-reload channels.
    for path in ["/__mallette/events", "/__mallette/ws"] {
        let (status, _) = request(
            a,
            &format!("GET {path} HTTP/1.0\r\nHost: {a}\r\nOrigin: https://evil.example\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"),
        );
        assert_eq!(status, 403, "{path}");
    }
    let (status, _) = request(
        a,
        &format!("GET /__mallette/live.js HTTP/1.0\r\nHost: {a}\r\nOrigin: http://{a}\r\n\r\n"),
    );
    assert_eq!(status, 200, "its own origin is served");
}

#[test]
fn a_half_sent_request_is_dropped() {
    let instance = copy_site("valid");
    let server = start(instance.path());
    let mut stream = TcpStream::connect(&server.address).unwrap();
    write!(stream, "GET / HTTP/1.1\r\nHost: {}\r\n", server.address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(40)))
        .unwrap();
    let mut buffer = Vec::new();
    let result = stream.read_to_end(&mut buffer);
    let timed_out = matches!(&result, Err(e) if e.kind() == std::io::ErrorKind::WouldBlock || e.kind() == std::io::ErrorKind::TimedOut);
    assert!(
        !timed_out,
        "the server closed the connection itself: {result:?}"
    );
}

#[test]
fn ctrl_c_leaves_no_temporary_folder() {
    let instance = copy_site("valid");
    let temporary = tempfile::tempdir().unwrap();
    let mut command = mallette();
    command
        .arg("serve")
        .arg("--root")
        .arg(instance.path())
        .env("TMPDIR", temporary.path());
    let mut server = start_command(command);
    assert_eq!(
        std::fs::read_dir(temporary.path()).unwrap().count(),
        1,
        "the served site"
    );
    let pid = server.child.id().to_string();
    assert!(std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap()
        .success());
    let status = server.child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    let left: Vec<_> = std::fs::read_dir(temporary.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

/// A raw HTTP/1.0 request: (status, header lines in lower case, body).
fn exchange(address: &str, text: &str) -> (u16, String, String) {
    let mut stream = TcpStream::connect(address).unwrap();
    stream.write_all(text.as_bytes()).unwrap();
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, head.to_ascii_lowercase(), body.to_string())
}

#[test]
fn attachments_are_served_with_their_type_by_range_and_by_head() {
    let instance = copy_site("valid");
    let kit = instance.path().join("content/kits/securite/mots-de-passe");
    std::fs::write(kit.join("fiche.odt"), "odt").unwrap();
    std::fs::write(kit.join("demo.mp4"), "0123456789abcdef").unwrap();
    let server = start(instance.path());
    let a = &server.address;
    let url = "/kits/securite/mots-de-passe";

    let (status, head, body) = exchange(
        a,
        &format!("GET {url}/fiche.odt HTTP/1.0\r\nHost: {a}\r\n\r\n"),
    );
    assert_eq!(status, 200, "{head}");
    assert!(
        head.contains("\r\ncontent-type: application/vnd.oasis.opendocument.text\r\n"),
        "{head}"
    );
    assert!(head.contains("\r\ncache-control: no-store\r\n"), "{head}");
    assert_eq!(body, "odt");

    let (status, head, body) = exchange(
        a,
        &format!("GET {url}/demo.mp4 HTTP/1.0\r\nHost: {a}\r\n\r\n"),
    );
    assert_eq!(status, 200, "{head}");
    assert!(head.contains("\r\ncontent-type: video/mp4\r\n"), "{head}");
    assert_eq!(body, "0123456789abcdef");

    // A video is sought by ranges; HEAD says the size without the bytes.
    let (status, head, body) = exchange(
        a,
        &format!("GET {url}/demo.mp4 HTTP/1.0\r\nHost: {a}\r\nRange: bytes=2-5\r\n\r\n"),
    );
    assert_eq!(status, 206, "{head}");
    assert!(
        head.contains("\r\ncontent-range: bytes 2-5/16\r\n"),
        "{head}"
    );
    assert_eq!(body, "2345");
    let (status, head, body) = exchange(
        a,
        &format!("HEAD {url}/demo.mp4 HTTP/1.0\r\nHost: {a}\r\n\r\n"),
    );
    assert_eq!(status, 200, "{head}");
    assert!(head.contains("\r\ncontent-length: 16\r\n"), "{head}");
    assert_eq!(body, "");

    // Pages still get the live-reload script; the host check still holds for files.
    let (status, head, body) = exchange(
        a,
        &format!("GET /kits/mots-de-passe/ HTTP/1.0\r\nHost: {a}\r\n\r\n"),
    );
    assert_eq!(status, 200, "{head}");
    assert!(
        head.contains("\r\ncontent-type: text/html; charset=utf-8\r\n"),
        "{head}"
    );
    assert!(body.contains("/__mallette/live.js"), "{body}");
    let port = a.rsplit(':').next().unwrap();
    let (status, _, _) = exchange(
        a,
        &format!("GET {url}/demo.mp4 HTTP/1.0\r\nHost: evil.example:{port}\r\n\r\n"),
    );
    assert_eq!(status, 403);
    let (status, head, _) = exchange(
        a,
        &format!("GET {url}/nothing.odt HTTP/1.0\r\nHost: {a}\r\n\r\n"),
    );
    assert_eq!(status, 404, "{head}");
    assert!(
        head.contains("\r\ncontent-type: text/html; charset=utf-8\r\n"),
        "{head}"
    );
}

fn save_atomically(path: &Path, text: &str) {
    let temporary = path.with_file_name(".mallette.toml.tmp");
    std::fs::write(&temporary, text).unwrap();
    std::fs::rename(&temporary, path).unwrap();
}

#[test]
fn mallette_toml_saved_atomically_is_seen_every_time() {
    let instance = copy_site("valid");
    let config = instance.path().join("mallette.toml");
    let original = read(&config);
    let server = start(instance.path());
    for title in ["Premier titre", "Second titre", "Troisième titre"] {
        save_atomically(&config, &original.replace("Réseau de test", title));
        assert!(
            wait_for(&server.address, "/", title, PATIENCE),
            "{title}\n{}",
            server.log()
        );
    }
}

#[test]
fn edits_are_seen_after_content_is_deleted_and_made_again() {
    let instance = copy_site("valid");
    let content = instance.path().join("content");
    let server = start(instance.path());
    let saved = tempfile::tempdir().unwrap();
    copy_dir(&content, saved.path());
    std::fs::remove_dir_all(&content).unwrap();
    std::thread::sleep(Duration::from_millis(500));
    copy_dir(saved.path(), &content);
    std::thread::sleep(Duration::from_millis(500));
    let kit = content.join("kits/vie-privee/traceurs.md");
    let text = read(&kit).replace("Du texte sur les traceurs.", "Un mot neuf : zeppelin.");
    std::fs::write(&kit, text).unwrap();
    assert!(
        wait_for(&server.address, "/kits/traceurs/", "zeppelin", PATIENCE),
        "{}",
        server.log()
    );
}

#[test]
fn deleting_a_theme_override_brings_the_default_back() {
    let instance = copy_site("themed");
    let override_404 = instance.path().join("themes/reseau/templates/404.html");
    let custom = read(&override_404);
    let marker = custom
        .lines()
        .find(|l| l.contains("<h1") || l.contains("<p"))
        .map(str::trim)
        .unwrap_or("")
        .to_string();
    let server = start(instance.path());
    assert!(
        get(&server.address, "/404.html").1.contains(&marker),
        "the override is served"
    );
    let templates = instance.path().join("themes/reseau/templates");
    std::fs::remove_dir_all(&templates).unwrap();
    let started = std::time::Instant::now();
    while get(&server.address, "/404.html").1.contains(&marker) {
        assert!(
            started.elapsed() < PATIENCE,
            "the override stays: {}",
            server.log()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    // …and the folder made again is watched again.
    copy_dir(
        &common::site("themed").join("themes/reseau/templates"),
        &templates,
    );
    assert!(
        wait_for(&server.address, "/404.html", &marker, PATIENCE),
        "{}",
        server.log()
    );
}
