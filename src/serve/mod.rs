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

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use anyhow::{Context as _, Result};
use notify::{RecursiveMode, Watcher as _};
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};

use crate::pipeline::BuildOptions;

mod http;
mod live;
mod watch;

use live::LiveSite;

/// What open pages are told.
#[derive(Debug, Clone)]
pub(crate) enum Event {
    Reload,
    Error(String),
}

/// Subscribers to the event stream, and the last error (for pages opened while it stands).
#[derive(Default)]
pub(crate) struct Hub {
    clients: Vec<UnboundedSender<Event>>,
    last_error: Option<String>,
}

impl Hub {
    /// A new page's subscription: the standing error, if any, then every later event.
    pub(crate) fn subscribe(&mut self) -> (Option<Event>, UnboundedReceiver<Event>) {
        let (tx, rx) = unbounded_channel();
        self.clients.push(tx);
        (self.last_error.clone().map(Event::Error), rx)
    }

    pub(crate) fn broadcast(&mut self, event: Event) {
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
        force: false,
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
    let (_, lang) = watch::rebuild(&build_options, &mut live, &[], &hub, true);
    if !out.exists() {
        // No good build yet: serve a page that shows the errors and waits for a fix.
        std::fs::create_dir_all(&out)?;
        let page = format!(
            "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>mallette</title></head><body><main><h1>mallette serve</h1><p>{}</p></main></body></html>",
            lang.code(),
            lang.text("serve.not-built")
        );
        std::fs::write(out.join("index.html"), page)?;
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
    eprintln!("{}", lang.text("serve.stop"));
    if options.open {
        let _ = std::process::Command::new("xdg-open").arg(&url).spawn();
    }

    {
        let hub = hub.clone();
        std::thread::spawn(move || watch::watch_loop(rx, build_options, live, hub));
    }

    let app = axum::Router::new()
        .route("/__mallette/events", axum::routing::get(http::events))
        .route("/__mallette/ws", axum::routing::get(http::websocket))
        .route("/__mallette/live.js", axum::routing::get(http::live_js))
        .fallback(http::file)
        .with_state(Arc::new(Served { out, hub }));
    runtime
        .block_on(async { axum::serve(listener, app).await })
        .context("serving")?;
    Ok(())
}

/// What request handlers share: the site folder and the event hub.
pub(crate) struct Served {
    out: PathBuf,
    hub: Arc<Mutex<Hub>>,
}
