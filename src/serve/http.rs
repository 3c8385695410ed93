//! The HTTP side of `serve`: the site's files (HTML pages with the live-reload script added; every
//! other file through tower-http's `ServeFile`: its type from its name, HEAD, ranges, conditional
//! requests), the event stream, the WebSocket and the live-reload script.

use std::convert::Infallible;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::sse::{self, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};

use axum::extract::Request;
use axum::middleware::Next;
use mime_guess::{mime, Mime};
use tower_http::services::ServeFile;

use super::{Event, Served};

const LIVE_JS: &str = include_str!("live.js");

/// Answer only requests made to this server by its own name: a `Host` that is `localhost` or an
/// IP address with our port (a DNS-rebinding page names its own domain), and, for the live-reload
/// channels, no `Origin` but this server's (any web page could otherwise open the WebSocket and
/// read the error overlay's source lines of draft kits).
pub(super) async fn only_our_origin(
    State(port): State<u16>,
    request: Request,
    next: Next,
) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("")
        .to_string();
    if !host_is_ours(&host, port) {
        return (StatusCode::FORBIDDEN, "unknown host").into_response();
    }
    if request.uri().path().starts_with("/__mallette/") {
        let origin = request
            .headers()
            .get(header::ORIGIN)
            .and_then(|o| o.to_str().ok());
        if origin.is_some_and(|o| o != format!("http://{host}")) {
            return (StatusCode::FORBIDDEN, "another origin").into_response();
        }
    }
    next.run(request).await
}

/// `localhost:5050`, `127.0.0.1:5050`, `[::1]:5050`, `192.168.1.20:5050` (with `port` 5050).
fn host_is_ours(host: &str, port: u16) -> bool {
    let (name, host_port) = match host.rsplit_once(':') {
        Some((name, p)) if !name.ends_with(':') && p.chars().all(|c| c.is_ascii_digit()) => {
            (name, p.parse::<u16>().ok())
        }
        _ => (host, None),
    };
    let port_ok = host_port.map_or(port == 80, |p| p == port);
    let name = name.trim_start_matches('[').trim_end_matches(']');
    port_ok && (name.eq_ignore_ascii_case("localhost") || name.parse::<std::net::IpAddr>().is_ok())
}

/// The event stream of one page: the standing error first (a page opened while the content has
/// errors shows them at once), then every rebuild. A comment every 15 s detects closed pages.
pub(super) async fn events(
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
pub(super) async fn websocket(
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

pub(super) async fn live_js() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        LIVE_JS,
    )
        .into_response()
}

/// A file of the built site (`404.html` for what does not exist): HTML pages read whole, with the
/// live script added; any other file served by `ServeFile` (a video can be sought, a large
/// attachment resumed). Nothing is cached: an edit shows on the next request.
pub(super) async fn file(State(served): State<Arc<Served>>, request: Request) -> Response {
    let found = resolve(&served.out, request.uri().path());
    let path = found.clone().unwrap_or_else(|| served.out.join("404.html"));
    let content_type = content_type(&path);
    if found.is_none() || content_type.essence_str() == mime::TEXT_HTML.essence_str() {
        let status = if found.is_some() {
            StatusCode::OK
        } else {
            StatusCode::NOT_FOUND
        };
        let bytes = tokio::fs::read(&path).await.unwrap_or_default();
        return (
            status,
            [
                (header::CONTENT_TYPE, content_type.as_ref()),
                (header::CACHE_CONTROL, "no-store"),
            ],
            inject_live_script(bytes),
        )
            .into_response();
    }
    match ServeFile::new_with_mime(&path, &content_type)
        .try_call(request)
        .await
    {
        Ok(response) => {
            let mut response = response.map(axum::body::Body::new);
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// The file for a URL path, refusing anything that would leave the site folder.
fn resolve(out: &Path, url: &str) -> Option<PathBuf> {
    let decoded = mallette_content::links::percent_decode(url);
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

/// The type of a file of the site, from its name (mime_guess: `.odt`, `.mp4`, `.wasm`…; unknown
/// names are `application/octet-stream`). Text is said to be UTF-8, as mallette writes it.
pub fn content_type(path: &Path) -> Mime {
    let guess = mime_guess::from_path(path).first_or_octet_stream();
    if guess.type_() == mime::TEXT && guess.get_param(mime::CHARSET).is_none() {
        format!("{guess}; charset=utf-8").parse().unwrap_or(guess)
    } else {
        guess
    }
}

/// One Server-Sent Events message (`event: reload` or `event: error` with the diagnostics).
fn sse_event(event: &Event) -> sse::Event {
    match event {
        Event::Reload => sse::Event::default().event("reload").data("reload"),
        Event::Error(text) => sse::Event::default().event("error").data(text.trim_end()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_file_names_and_text_is_utf8() {
        for (name, expected) in [
            ("index.html", "text/html; charset=utf-8"),
            ("static/style.css", "text/css; charset=utf-8"),
            ("static/search.js", "text/javascript; charset=utf-8"),
            ("search/meta.json", "application/json"),
            ("static/mallette_search.wasm", "application/wasm"),
            (
                "kits/x/fiche.odt",
                "application/vnd.oasis.opendocument.text",
            ),
            ("kits/x/demo.mp4", "video/mp4"),
            ("kits/x/fiche.pdf", "application/pdf"),
            ("kits/x/sans-extension", "application/octet-stream"),
        ] {
            assert_eq!(content_type(Path::new(name)).as_ref(), expected, "{name}");
        }
    }

    #[test]
    fn hosts() {
        for ok in [
            "localhost:5050",
            "127.0.0.1:5050",
            "[::1]:5050",
            "192.168.1.20:5050",
        ] {
            assert!(host_is_ours(ok, 5050), "{ok}");
        }
        for bad in [
            "evil.example:5050",
            "localhost:80",
            "127.0.0.1:5051",
            "",
            "localhost.evil.example:5050",
        ] {
            assert!(!host_is_ours(bad, 5050), "{bad}");
        }
    }
}
