//! `mallette serve`: build, serve on 127.0.0.1, watch the instance and reload open pages.
//!
//! The site is built (drafts included, at `/`) into a private temporary folder with the same
//! atomic build as `mallette build`, so a change with errors never replaces the last good site:
//! the errors are printed in the terminal and sent to open pages, which show them in an overlay
//! until they are fixed. Pages learn about rebuilds through a WebSocket on `/__mallette/ws`,
//! opened by a small script (`/__mallette/live.js`, same origin, so the pages' CSP allows it)
//! added to every HTML page served. The same events are also sent as Server-Sent Events on
//! `/__mallette/events`, for scripts and `curl`.
//!
//! Why a WebSocket for pages: a browser opens at most 6 HTTP/1.1 connections to one host, and an
//! event stream holds one for as long as its tab is open: the seventh tab would never load.
//! WebSockets do not count against that limit. Why axum (tokio): every open tab holds a
//! connection; a thread-per-connection server with a small pool (tiny_http, used before) left a
//! page's own requests unanswered while those held its threads.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};
use axum::extract::State;
use axum::http::{header, StatusCode, Uri};
use axum::response::sse::{self, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use notify::{RecursiveMode, Watcher as _};
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};

use crate::diagnostics::Lang;
use crate::live::{LiveSite, SearchJob, Update};
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
    clients: Vec<UnboundedSender<Event>>,
    last_error: Option<String>,
}

impl Hub {
    /// A new page's subscription: the standing error, if any, then every later event.
    fn subscribe(&mut self) -> (Option<Event>, UnboundedReceiver<Event>) {
        let (tx, rx) = unbounded_channel();
        self.clients.push(tx);
        (self.last_error.clone().map(Event::Error), rx)
    }

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

    // Watch before the first build: an edit saved while it runs (or right after the address is
    // printed — adding a watch per folder takes a while on a large instance) is never missed.
    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(tx)?;
    for watched in ["content", "themes", "vocabularies", "mallette.toml"] {
        let path = options.root.join(watched);
        if path.exists() {
            watcher.watch(&path, RecursiveMode::Recursive)?;
        }
    }

    let mut live: Option<LiveSite> = None;
    rebuild(&build_options, &mut live, &[], &hub, true);
    if !out.exists() {
        // No good build yet: serve a page that shows the errors and waits for a fix.
        std::fs::create_dir_all(&out)?;
        std::fs::write(out.join("index.html"), "<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>mallette</title></head><body><main><h1>mallette serve</h1><p>Le site n'a pas encore pu être construit : corrigez les erreurs affichées dans le terminal.</p></main></body></html>")?;
    }

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the HTTP server")?;
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind(("127.0.0.1", options.port)))
        .map_err(|e| anyhow::anyhow!("cannot listen: {e}"))?;
    let address: SocketAddr = listener.local_addr().context("server address")?;
    let url = format!("http://{address}/");
    // One line a script can read: tests and the benchmark wait for it.
    println!("Serving {} on {url}", options.root.display());
    eprintln!("Ctrl+C pour arrêter / to stop.");
    if options.open {
        let _ = std::process::Command::new("xdg-open").arg(&url).spawn();
    }

    {
        let hub = hub.clone();
        std::thread::spawn(move || watch_loop(rx, build_options, live, hub));
    }

    let app = axum::Router::new()
        .route("/__mallette/events", axum::routing::get(events))
        .route("/__mallette/ws", axum::routing::get(websocket))
        .route("/__mallette/live.js", axum::routing::get(live_js))
        .fallback(file)
        .with_state(Arc::new(Served { out, hub }));
    runtime
        .block_on(async { axum::serve(listener, app).await })
        .context("serving")?;
    Ok(())
}

/// What request handlers share: the site folder and the event hub.
struct Served {
    out: PathBuf,
    hub: Arc<Mutex<Hub>>,
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
    let generation_counter = Arc::new(AtomicU64::new(0));
    let search_lock = Arc::new(Mutex::new(()));
    let (jobs, pending) = mpsc::channel();
    {
        let (latest, lock) = (generation_counter.clone(), search_lock.clone());
        std::thread::spawn(move || search_worker(pending, latest, lock));
    }
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
        // Rebuilds hold the search lock: a background re-index never writes into a site being
        // replaced, and the new generation makes any unfinished one give up.
        let generation = generation_counter.fetch_add(1, Ordering::SeqCst) + 1;
        let in_place = {
            let _guard = search_lock.lock().unwrap_or_else(|e| e.into_inner());
            rebuild(&options, &mut live, &changed, &hub, false)
        };
        if in_place {
            reindex(live.as_ref(), generation, &jobs);
        }
        changed.clear();
    }
}

/// After edits applied in place, hand the search index's update to the [`search_worker`].
fn reindex(live: Option<&LiveSite>, generation: u64, jobs: &mpsc::Sender<SearchJob>) {
    let Some(site) = live else { return };
    match site.search_job(generation) {
        Ok(job) => {
            let _ = jobs.send(job);
        }
        Err(error) => eprintln!("search: {error:#}"),
    }
}

/// Runs search re-index jobs one at a time, the newest first: jobs that a newer one replaced
/// while another ran are dropped unrun (a contributor saving every few seconds on a large
/// instance must not pile up whole re-indexings).
fn search_worker(jobs: mpsc::Receiver<SearchJob>, latest: Arc<AtomicU64>, lock: Arc<Mutex<()>>) {
    while let Ok(mut job) = jobs.recv() {
        while let Ok(newer) = jobs.try_recv() {
            job = newer;
        }
        let started = Instant::now();
        match job.run(&latest, &lock) {
            Ok(true) => eprintln!(
                "Index de recherche à jour / search index updated ({} ms)",
                started.elapsed().as_millis()
            ),
            Ok(false) => {} // a newer rebuild took over
            Err(error) => eprintln!("search: {error:#}"),
        }
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
) -> bool {
    let started = Instant::now();
    let mut in_place = false;
    let incremental = match live.as_mut() {
        Some(site) if !changed.is_empty() => site.update(changed),
        _ => Ok(Update::NeedsFullBuild),
    };
    if matches!(incremental, Ok(Update::Nothing)) {
        return false;
    }
    let result = match incremental {
        Ok(Update::Pages(pages)) => {
            let lang = live.as_ref().map(LiveSite::lang).unwrap_or(Lang::Fr);
            let message = if lang == Lang::Fr {
                "Page(s) mise(s) à jour"
            } else {
                "Page(s) updated"
            };
            let shown = if pages.len() > 4 {
                format!("{}… ({} pages)", pages[..3].join(", "), pages.len())
            } else {
                pages.join(", ")
            };
            eprintln!("{message}: {shown} ({} ms)", started.elapsed().as_millis());
            in_place = true;
            Ok(())
        }
        Ok(Update::NeedsFullBuild | Update::Nothing) => match LiveSite::build(options.clone()) {
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
    in_place
}

/// The event stream of one page: the standing error first (a page opened while the content has
/// errors shows them at once), then every rebuild. A comment every 15 s detects closed pages.
async fn events(
    State(served): State<Arc<Served>>,
) -> Sse<impl futures_util::Stream<Item = Result<sse::Event, Infallible>>> {
    let (initial, rx) = served.hub.lock().unwrap().subscribe();
    let later = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|event| (event, rx))
    });
    let stream = futures_util::StreamExt::map(
        futures_util::StreamExt::chain(futures_util::stream::iter(initial), later),
        |event| Ok(sse_event(&event)),
    );
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

/// The events of one page, over a WebSocket: text messages `reload`, or `error` + a newline + the
/// diagnostics. What the page sends is read only to notice it has gone.
async fn websocket(
    State(served): State<Arc<Served>>,
    upgrade: axum::extract::ws::WebSocketUpgrade,
) -> Response {
    upgrade.on_upgrade(move |mut socket| async move {
        use axum::extract::ws::Message;
        let (initial, mut rx) = served.hub.lock().unwrap().subscribe();
        if let Some(event) = initial {
            if socket
                .send(Message::Text(ws_text(&event).into()))
                .await
                .is_err()
            {
                return;
            }
        }
        loop {
            tokio::select! {
                event = rx.recv() => {
                    let Some(event) = event else { return };
                    if socket.send(Message::Text(ws_text(&event).into())).await.is_err() {
                        return;
                    }
                }
                incoming = socket.recv() => {
                    if !matches!(incoming, Some(Ok(_))) {
                        return;
                    }
                }
            }
        }
    })
}

fn ws_text(event: &Event) -> String {
    match event {
        Event::Reload => "reload".into(),
        Event::Error(text) => format!("error\n{text}"),
    }
}

async fn live_js() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        LIVE_JS,
    )
        .into_response()
}

/// A file of the built site (`404.html` for what does not exist), HTML pages with the live
/// script added.
async fn file(State(served): State<Arc<Served>>, uri: Uri) -> Response {
    let (status, path) = match resolve(&served.out, uri.path()) {
        Some(path) => (StatusCode::OK, path),
        None => (StatusCode::NOT_FOUND, served.out.join("404.html")),
    };
    let bytes = tokio::fs::read(&path).await.unwrap_or_default();
    let content_type = content_type(&path);
    let body = if content_type.starts_with("text/html") {
        inject_live_script(bytes)
    } else {
        bytes
    };
    (
        status,
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
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

/// One Server-Sent Events message (`event: reload` or `event: error` with the diagnostics).
fn sse_event(event: &Event) -> sse::Event {
    match event {
        Event::Reload => sse::Event::default().event("reload").data("reload"),
        Event::Error(text) => sse::Event::default().event("error").data(text.trim_end()),
    }
}
