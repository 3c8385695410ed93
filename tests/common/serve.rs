//! `mallette serve` as a process for the tests: started on an instance, stopped when dropped.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

pub struct Server {
    pub child: Child,
    /// `127.0.0.1:PORT`.
    pub address: String,
    pub log: tempfile::NamedTempFile,
    /// Lines of standard output after the address line.
    pub stdout: mpsc::Receiver<String>,
}

impl Server {
    pub fn log(&self) -> String {
        super::read(self.log.path())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `mallette serve --root <root>`, waiting for the address it prints.
pub fn start(root: &Path) -> Server {
    let mut command = super::mallette();
    command.arg("serve").arg("--root").arg(root);
    let server = start_command(command);
    assert!(
        server.address.starts_with("127.0.0.1:"),
        "serves on loopback only: {}",
        server.address
    );
    server
}

/// A `serve` command (with its arguments), waiting for the address it prints.
pub fn start_command(mut command: Command) -> Server {
    let log = tempfile::NamedTempFile::new().unwrap();
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(log.reopen().unwrap())
        .spawn()
        .expect("serve starts");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let line = rx
        .recv_timeout(Duration::from_secs(60))
        .unwrap_or_else(|_| {
            panic!(
                "serve prints its address; log:\n{}",
                super::read(log.path())
            )
        });
    let address = line
        .split("http://")
        .nth(1)
        .expect("an http:// address")
        .trim_end_matches('/')
        .to_string();
    Server {
        child,
        address,
        log,
        stdout: rx,
    }
}

/// `GET path` with `Host: <address>`: (status, body).
pub fn get(address: &str, path: &str) -> (u16, String) {
    request(
        address,
        &format!("GET {path} HTTP/1.0\r\nHost: {address}\r\n\r\n"),
    )
}

/// A raw HTTP/1.0 request: (status, body).
pub fn request(address: &str, text: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(address).unwrap();
    stream.write_all(text.as_bytes()).unwrap();
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

/// Poll `path` until its body contains `needle` (or `timeout` passes): whether it did.
pub fn wait_for(address: &str, path: &str, needle: &str, timeout: Duration) -> bool {
    let start = std::time::Instant::now();
    while start.elapsed() < timeout {
        if get(address, path).1.contains(needle) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}
