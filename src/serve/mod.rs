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

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context as _, Result};
use mallette_content::Lang;
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};

use crate::pipeline::{BuildOptions, Progress};
use crate::term::{self, ProgressLine};

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
    /// `None`: [`DEFAULT_PORT`], or the next free one.
    pub port: Option<u16>,
    /// Where to listen: 127.0.0.1 unless the user asks for another interface (a tablet on the
    /// local network).
    pub interface: IpAddr,
    pub open: bool,
}

/// The port `serve` listens on when none is given: always the same, so that a bookmark and the
/// tabs left open find the site again after a restart.
pub const DEFAULT_PORT: u16 = 5050;

/// How long a connection may take to send a request's headers.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// Build, serve and watch until Ctrl+C (or SIGTERM); then remove the served folder.
pub fn run(options: ServeOptions) -> Result<()> {
    let root = std::fs::canonicalize(&options.root).unwrap_or_else(|_| options.root.clone());
    let lang = mallette_content::config::Config::load(&root)
        .map(|c| Lang::from_code(&c.language))
        .unwrap_or(Lang::Fr);
    if !root.join("mallette.toml").is_file() {
        anyhow::bail!(
            "{}",
            lang.format("serve.no-instance", &[("root", &options.root.display())])
        );
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the HTTP server")?;
    // The port first: a taken port is said at once, not after a build of the whole instance.
    let listener = runtime.block_on(listen(options.interface, options.port, lang))?;
    let address: SocketAddr = listener.local_addr().context("server address")?;
    if !options.interface.is_loopback() {
        eprintln!(
            "{}",
            lang.format("serve.interface-warning", &[("address", &address)])
        );
    }

    let work = tempfile::Builder::new()
        .prefix("mallette-serve-")
        .tempdir()?;
    let out = work.path().join("site");
    let build_options = BuildOptions {
        root: root.clone(),
        out: out.clone(),
        base_url: Some("/".into()),
        drafts: true,
        offline: false,
        force: false,
        progress: Some(Arc::new(Progress::default())),
    };
    let hub = Arc::new(Mutex::new(Hub::default()));

    // Watch before the first build: an edit saved while it runs (or right after the address is
    // printed — adding a watch per folder takes a while on a large instance) is never missed.
    let (tx, rx) = mpsc::channel();
    let watched = watch::Watched::start(&root, tx)?;

    let mut live: Option<LiveSite> = None;
    let line = build_options
        .progress
        .as_ref()
        .and_then(|progress| ProgressLine::start(progress, lang));
    let (_, lang) = watch::rebuild(&build_options, &mut live, &[], &hub, true, line);
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

    // Ctrl+C and SIGTERM are caught from before the address is printed: a script that stops
    // `serve` as soon as it has read the address still stops it cleanly.
    let shutdown = {
        let _runtime = runtime.enter();
        shutdown_signal()
    };
    let url = format!("http://{address}/");
    // One line a script can read: tests and the benchmark wait for it.
    println!("Serving {} on {url}", options.root.display());
    if !term::quiet() {
        eprintln!("{}", lang.text("serve.stop"));
    }
    if options.open {
        if let Err(e) = open::that_detached(&url) {
            eprintln!("{}", lang.format("serve.open-failed", &[("error", &e)]));
        }
    }

    {
        let hub = hub.clone();
        std::thread::spawn(move || watch::watch_loop(rx, watched, build_options, live, hub));
    }

    let app = axum::Router::new()
        .route("/__mallette/events", axum::routing::get(http::events))
        .route("/__mallette/ws", axum::routing::get(http::websocket))
        .route("/__mallette/live.js", axum::routing::get(http::live_js))
        .fallback(http::file)
        .with_state(Arc::new(Served { out, hub }))
        .layer(axum::middleware::from_fn_with_state(
            address.port(),
            http::only_our_origin,
        ));
    runtime.block_on(serve_connections(listener, app, shutdown));
    // Dropping `work` removes the served folder.
    drop(work);
    Ok(())
}

/// A listener on `interface`: on `port`, or on [`DEFAULT_PORT`] or the next free port.
async fn listen(
    interface: IpAddr,
    port: Option<u16>,
    lang: Lang,
) -> Result<tokio::net::TcpListener> {
    if let Some(port) = port {
        return tokio::net::TcpListener::bind((interface, port))
            .await
            .map_err(|e| {
                anyhow::anyhow!(
                    "{}",
                    lang.format("serve.port-taken", &[("port", &port), ("error", &e)])
                )
            });
    }
    for port in DEFAULT_PORT..DEFAULT_PORT + 50 {
        if let Ok(listener) = tokio::net::TcpListener::bind((interface, port)).await {
            if port != DEFAULT_PORT && !term::quiet() {
                eprintln!(
                    "{}",
                    lang.format(
                        "serve.port-moved",
                        &[("wanted", &DEFAULT_PORT), ("port", &port)]
                    )
                );
            }
            return Ok(listener);
        }
    }
    // Fifty busy ports: let the system choose.
    Ok(tokio::net::TcpListener::bind((interface, 0)).await?)
}

/// Accept connections until Ctrl+C or SIGTERM. Each connection must send a request's headers
/// within [`HEADER_TIMEOUT`] (a half-sent request does not hold a connection forever).
async fn serve_connections(
    listener: tokio::net::TcpListener,
    app: axum::Router,
    shutdown: impl std::future::Future<Output = ()>,
) {
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let service = hyper_util::service::TowerToHyperService::new(app.clone());
                tokio::spawn(async move {
                    let _ = hyper::server::conn::http1::Builder::new()
                        .timer(hyper_util::rt::TokioTimer::new())
                        .header_read_timeout(HEADER_TIMEOUT)
                        .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                        .with_upgrades()
                        .await;
                });
            }
            _ = &mut shutdown => return,
        }
    }
}

/// Ctrl+C or SIGTERM. On Unix the handlers are installed by this call (inside the runtime), not
/// when the future is first polled, so no signal is missed in between.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, Signal, SignalKind};
        async fn received(signal: &mut Option<Signal>) {
            match signal {
                Some(signal) => {
                    signal.recv().await;
                }
                None => std::future::pending().await,
            }
        }
        let mut interrupt = signal(SignalKind::interrupt()).ok();
        let mut terminate = signal(SignalKind::terminate()).ok();
        async move {
            tokio::select! {
                _ = received(&mut interrupt) => {}
                _ = received(&mut terminate) => {}
            }
        }
    }
    #[cfg(not(unix))]
    {
        async {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

/// What request handlers share: the site folder and the event hub.
pub(crate) struct Served {
    out: PathBuf,
    hub: Arc<Mutex<Hub>>,
}
