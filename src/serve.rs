//! `mallette serve`: build, serve on 127.0.0.1, watch the instance and reload open pages.
//!
//! The site is built (drafts included, at `/`) into a private temporary folder with the same
//! atomic build as `mallette build`, so a change with errors never replaces the last good site:
//! the errors are printed in the terminal and sent to open pages, which show them in an overlay
//! until they are fixed. Pages learn about rebuilds through Server-Sent Events on
//! `/__mallette/events`; a small script (`/__mallette/live.js`, same origin, so the pages' CSP
//! allows it) is added to every HTML page served.

use std::io::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};
use notify::{RecursiveMode, Watcher as _};
use tiny_http::{Header, Response, Server};

use crate::diagnostics::Lang;
use crate::live::{LiveSite, Update};
use crate::site::{render_diagnostics, BuildOptions, Failure};

const LIVE_JS: &str = include_str!("serve_live.js");

/// What open pages are told.
#[derive(Debug, Clone)]
enum Event {
    Reload,
    Error(String),
}

/// Subscribers to the event stream, and the last error (for pages opened while it stands).
#[derive(Default)]
struct Hub {
    clients: Vec<Sender<Event>>,
    last_error: Option<String>,
}

impl Hub {
    fn broadcast(&mut self, event: Event) {
        self.last_error = match &event {
            Event::Error(text) => Some(text.clone()),
            Event::Reload => None,
        };
        self.clients
            .retain(|client| client.send(event.clone()).is_ok());
    }
}

pub struct ServeOptions {
    pub root: PathBuf,
    pub port: u16,
    pub open: bool,
}

/// A running server (tests use it through the command line, `run` blocks forever).
pub fn run(options: ServeOptions) -> Result<()> {
    let work = tempfile::Builder::new()
        .prefix("mallette-serve-")
        .tempdir()?;
    let out = work.path().join("site");
    let build_options = BuildOptions {
        root: options.root.clone(),
        out: out.clone(),
        base_url: Some("/".into()),
        drafts: true,
        offline: false,
    };
    let hub = Arc::new(Mutex::new(Hub::default()));

    let mut live: Option<LiveSite> = None;
    rebuild(&build_options, &mut live, &[], &hub, true);
    if !out.exists() {
        // No good build yet: serve a page that shows the errors and waits for a fix.
        std::fs::create_dir_all(&out)?;
        std::fs::write(out.join("index.html"), "<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>mallette</title></head><body><main><h1>mallette serve</h1><p>Le site n'a pas encore pu être construit : corrigez les erreurs affichées dans le terminal.</p></main></body></html>")?;
    }

    let server = Server::http(("127.0.0.1", options.port))
        .map_err(|e| anyhow::anyhow!("cannot listen: {e}"))?;
    let address: SocketAddr = server.server_addr().to_ip().context("server address")?;
    let url = format!("http://{address}/");
    // One line a script can read: tests and the benchmark wait for it.
    println!("Serving {} on {url}", options.root.display());
    eprintln!("Ctrl+C pour arrêter / to stop.");
    if options.open {
        let _ = std::process::Command::new("xdg-open").arg(&url).spawn();
    }

    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(tx)?;
    for watched in ["content", "themes", "vocabularies", "mallette.toml"] {
        let path = options.root.join(watched);
        if path.exists() {
            watcher.watch(&path, RecursiveMode::Recursive)?;
        }
    }
    {
        let hub = hub.clone();
        std::thread::spawn(move || watch_loop(rx, build_options, live, hub));
    }

    let server = Arc::new(server);
    loop {
        let request = match server.recv() {
            Ok(request) => request,
            Err(_) => continue,
        };
        let hub = hub.clone();
        let out = out.clone();
        std::thread::spawn(move || handle(request, &out, &hub));
    }
}

/// Only changes count: the build itself opens and reads every file, and inotify reports those
/// accesses too.
fn is_change(event: &notify::Result<notify::Event>) -> bool {
    match event {
        Ok(event) => matches!(
            event.kind,
            notify::EventKind::Create(_)
                | notify::EventKind::Modify(_)
                | notify::EventKind::Remove(_)
        ),
        Err(_) => true,
    }
}

/// Rebuild after each burst of changes: an editor's save is often several events (write, rename,
/// chmod); wait until none has come for [`DEBOUNCE`].
fn watch_loop(
    rx: Receiver<notify::Result<notify::Event>>,
    options: BuildOptions,
    mut live: Option<LiveSite>,
    hub: Arc<Mutex<Hub>>,
) {
    const DEBOUNCE: Duration = Duration::from_millis(20);
    let mut changed: Vec<PathBuf> = Vec::new();
    while let Ok(event) = rx.recv() {
        if !is_change(&event) {
            continue;
        }
        collect_paths(&event, &mut changed);
        while let Ok(more) = rx.recv_timeout(DEBOUNCE) {
            if is_change(&more) {
                collect_paths(&more, &mut changed);
            }
        }
        rebuild(&options, &mut live, &changed, &hub, false);
        changed.clear();
    }
}

/// Paths of a change event; an error (lost events) is recorded as "everything".
fn collect_paths(event: &notify::Result<notify::Event>, changed: &mut Vec<PathBuf>) {
    match event {
        Ok(event) => {
            for path in &event.paths {
                if !changed.contains(path) {
                    changed.push(path.clone());
                }
            }
        }
        Err(_) => changed.push(PathBuf::new()),
    }
}

/// Apply `changed` to the site: in place when only bodies changed, else a full atomic build.
fn rebuild(
    options: &BuildOptions,
    live: &mut Option<LiveSite>,
    changed: &[PathBuf],
    hub: &Arc<Mutex<Hub>>,
    first: bool,
) {
    let started = Instant::now();
    let incremental = match live.as_mut() {
        Some(site) if !changed.is_empty() => site.update(changed),
        _ => Ok(Update::NeedsFullBuild),
    };
    let result = match incremental {
        Ok(Update::Pages(pages)) => {
            let lang = live.as_ref().map(LiveSite::lang).unwrap_or(Lang::Fr);
            let message = if lang == Lang::Fr {
                "Page(s) mise(s) à jour"
            } else {
                "Page(s) updated"
            };
            eprintln!(
                "{message}: {} ({} ms)",
                pages.join(", "),
                started.elapsed().as_millis()
            );
            Ok(())
        }
        Ok(Update::NeedsFullBuild) => match LiveSite::build(options.clone()) {
            Ok((report, site)) => {
                let warnings = render_diagnostics(&report.warnings, &report.sources, report.lang);
                eprint!("{warnings}");
                let message = if report.lang == Lang::Fr {
                    "Site reconstruit"
                } else {
                    "Site rebuilt"
                };
                eprintln!(
                    "{message}: {} kits, {} ms",
                    report.kits,
                    started.elapsed().as_millis()
                );
                *live = Some(site);
                Ok(())
            }
            Err(failure) => Err(failure),
        },
        Err(failure) => Err(failure),
    };
    match result {
        Ok(()) => {
            if !first {
                hub.lock().unwrap().broadcast(Event::Reload);
            }
        }
        Err(Failure::Content {
            diagnostics,
            sources,
            lang,
        }) => {
            let text = render_diagnostics(&diagnostics, &sources, lang);
            eprint!("{text}");
            let kept = if lang == Lang::Fr {
                "Erreurs : le dernier site valide reste servi."
            } else {
                "Errors: the last good site is still served."
            };
            eprintln!("{kept}");
            hub.lock().unwrap().broadcast(Event::Error(text));
        }
        Err(Failure::Fatal(error)) => {
            let text = format!("error: {error:#}\n");
            eprint!("{text}");
            hub.lock().unwrap().broadcast(Event::Error(text));
        }
    }
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("valid header")
}

fn handle(request: tiny_http::Request, out: &Path, hub: &Arc<Mutex<Hub>>) {
    let url = request
        .url()
        .split(['?', '#'])
        .next()
        .unwrap_or("/")
        .to_string();
    if url == "/__mallette/events" {
        let (tx, rx) = mpsc::channel();
        let initial = {
            let mut hub = hub.lock().unwrap();
            hub.clients.push(tx);
            hub.last_error.clone()
        };
        // tiny_http buffers chunked bodies; events must reach the page at once, so write the
        // response on the raw connection and flush after each event.
        let mut writer = request.into_writer();
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n";
        if writer
            .write_all(head.as_bytes())
            .and_then(|_| writer.flush())
            .is_err()
        {
            return;
        }
        if let Some(text) = initial {
            if writer
                .write_all(&encode(&Event::Error(text)))
                .and_then(|_| writer.flush())
                .is_err()
            {
                return;
            }
        }
        loop {
            // A comment every 15 s detects closed connections (the write fails, the thread ends).
            let bytes = match rx.recv_timeout(Duration::from_secs(15)) {
                Ok(event) => encode(&event),
                Err(mpsc::RecvTimeoutError::Timeout) => b": keep-alive\n\n".to_vec(),
                Err(mpsc::RecvTimeoutError::Disconnected) => return,
            };
            if writer
                .write_all(&bytes)
                .and_then(|_| writer.flush())
                .is_err()
            {
                return;
            }
        }
    }
    if url == "/__mallette/live.js" {
        let response = Response::from_string(LIVE_JS)
            .with_header(header("Content-Type", "text/javascript; charset=utf-8"));
        let _ = request.respond(response);
        return;
    }
    let (status, path) = match resolve(out, &url) {
        Some(path) => (200, path),
        None => (404, out.join("404.html")),
    };
    let bytes = std::fs::read(&path).unwrap_or_default();
    let content_type = content_type(&path);
    let body = if content_type.starts_with("text/html") {
        inject_live_script(bytes)
    } else {
        bytes
    };
    let response = Response::from_data(body)
        .with_status_code(status)
        .with_header(header("Content-Type", content_type))
        .with_header(header("Cache-Control", "no-store"));
    let _ = request.respond(response);
}

/// The file for a URL path, refusing anything that would leave the site folder.
fn resolve(out: &Path, url: &str) -> Option<PathBuf> {
    let decoded = crate::links::percent_decode(url);
    let mut path = out.to_path_buf();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => return None,
            s if s.contains('\\') => return None,
            s => path.push(s),
        }
    }
    if path.is_dir() {
        path.push("index.html");
    }
    path.is_file().then_some(path)
}

fn inject_live_script(bytes: Vec<u8>) -> Vec<u8> {
    let html = String::from_utf8_lossy(&bytes);
    let tag = "<script src=\"/__mallette/live.js\" defer></script>";
    match html.rfind("</body>") {
        Some(i) => format!("{}{tag}{}", &html[..i], &html[i..]).into_bytes(),
        None => format!("{html}{tag}").into_bytes(),
    }
}

pub fn content_type(path: &Path) -> &'static str {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
    {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "pdf" => "application/pdf",
        "wasm" => "application/wasm",
        "txt" | "md" | "csv" => "text/plain; charset=utf-8",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

/// One Server-Sent Events message.
fn encode(event: &Event) -> Vec<u8> {
    match event {
        Event::Reload => b"event: reload\ndata: reload\n\n".to_vec(),
        Event::Error(text) => {
            let data: String = text.lines().map(|l| format!("data: {l}\n")).collect();
            format!("event: error\n{data}\n").into_bytes()
        }
    }
}
