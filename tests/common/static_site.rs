//! The simplest static host, for the browser tests: the files of a built site under a sub-path,
//! on a free port of 127.0.0.1 — plain files, no range requests, no compression. std only (one
//! thread per connection, `Connection: close`).
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "wasm" => "application/wasm",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "xml" => "application/xml",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
            if let Ok(b) = u8::from_str_radix(hex, 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Serve `dir` at `sub_path` (`/reseau/wiki/` or `/`); returns the site's address.
pub fn serve(dir: PathBuf, sub_path: &'static str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let dir = dir.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(&stream);
                let mut request_line = String::new();
                if reader.read_line(&mut request_line).is_err() {
                    return;
                }
                // The rest of the headers.
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    line.clear();
                }
                let target = request_line.split_whitespace().nth(1).unwrap_or("/");
                let url = target.split(['?', '#']).next().unwrap_or("").to_string();
                let file = url.strip_prefix(sub_path).map(|rel| {
                    let mut path = dir.join(percent_decode(rel).trim_start_matches('/'));
                    if path.is_dir() {
                        path = path.join("index.html");
                    }
                    path
                });
                let mut stream = &stream;
                let (status, kind, body) = match file {
                    Some(path) if !url.contains("..") && path.is_file() => (
                        "200 OK",
                        content_type(&path),
                        std::fs::read(&path).unwrap_or_default(),
                    ),
                    _ => ("404 Not Found", "text/plain", b"not found".to_vec()),
                };
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(&body);
            });
        }
    });
    format!("http://127.0.0.1:{port}{sub_path}")
}
