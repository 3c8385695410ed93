//! What mallette prints on a terminal, beyond the words themselves: how much of it (`-q`, `-v`),
//! whether diagnostics are coloured, and the progress line of long builds.
//!
//! Colour and the progress line only ever go to a terminal: when stderr is a file or a pipe (a
//! CI log, a test), the text is byte for byte the plain one. `NO_COLOR` (https://no-color.org)
//! turns colour off, `CI` the progress line.

use std::ffi::OsString;
use std::io::{IsTerminal, Write as _};
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use mallette_content::diagnostics::{render_all_styled, Diagnostic, Part, Severity};
use mallette_content::Lang;

use crate::pipeline::{Progress, Report, Stage};

/// How much the commands say on stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verbosity {
    /// `-q`: errors only.
    Quiet,
    Normal,
    /// `-v`: also the time and counts of every build stage.
    Verbose,
}

static VERBOSITY: AtomicU8 = AtomicU8::new(Verbosity::Normal as u8);

pub fn set_verbosity(verbosity: Verbosity) {
    VERBOSITY.store(verbosity as u8, Ordering::Relaxed);
}

pub fn verbosity() -> Verbosity {
    match VERBOSITY.load(Ordering::Relaxed) {
        0 => Verbosity::Quiet,
        1 => Verbosity::Normal,
        _ => Verbosity::Verbose,
    }
}

pub fn quiet() -> bool {
    verbosity() == Verbosity::Quiet
}

/// Whether stderr gets colours: a terminal, `NO_COLOR` unset or empty, and not `TERM=dumb`.
pub fn colour_on_stderr() -> bool {
    colour_allowed(
        std::io::stderr().is_terminal(),
        std::env::var_os("NO_COLOR"),
        std::env::var_os("TERM"),
    )
}

/// The colour rule, for a stream that is (or is not) a terminal.
pub fn colour_allowed(terminal: bool, no_color: Option<OsString>, term: Option<OsString>) -> bool {
    terminal && no_color.is_none_or(|v| v.is_empty()) && term.is_none_or(|t| t != "dumb")
}

const RESET: &str = "\x1b[0m";

/// The escape sequence of a part of a diagnostic: errors red, warnings yellow, the place bold.
fn style(part: Part) -> &'static str {
    match part {
        Part::Label(Severity::Error) | Part::Caret(Severity::Error) => "\x1b[1;31m",
        Part::Label(Severity::Warning) | Part::Caret(Severity::Warning) => "\x1b[1;33m",
        Part::Location | Part::Help => "\x1b[1m",
        Part::Gutter => "\x1b[1;34m",
    }
}

/// Diagnostics for people, in colour when `colour` (else exactly
/// [`mallette_content::diagnostics::render_all`]).
pub fn diagnostics(
    diagnostics: &[Diagnostic],
    sources: &std::collections::HashMap<String, String>,
    lang: Lang,
    colour: bool,
) -> String {
    if colour {
        render_all_styled(diagnostics, sources, lang, &|part, text| {
            format!("{}{text}{RESET}", style(part))
        })
    } else {
        render_all_styled(diagnostics, sources, lang, &|_, text| text.to_string())
    }
}

/// Print diagnostics on stderr, coloured on a terminal; with `-q`, the errors only.
pub fn print_diagnostics(
    list: &[Diagnostic],
    sources: &std::collections::HashMap<String, String>,
    lang: Lang,
) {
    let shown: Vec<Diagnostic>;
    let list = if quiet() {
        shown = list.iter().filter(|d| d.is_error()).cloned().collect();
        &shown[..]
    } else {
        list
    };
    eprint!("{}", diagnostics(list, sources, lang, colour_on_stderr()));
}

/// `error: …` for a failure that is not about content, `error` in red on a terminal.
pub fn fatal_line(message: &str) -> String {
    if colour_on_stderr() {
        format!(
            "{}error{RESET}: {message}",
            style(Part::Label(Severity::Error))
        )
    } else {
        format!("error: {message}")
    }
}

/// `-v`: one line per build stage, its time and what it handled, on stderr.
pub fn print_timings(report: &Report) {
    if verbosity() < Verbosity::Verbose {
        return;
    }
    let lang = report.lang;
    let t = &report.timings;
    for stage in Stage::ALL {
        let counts = match stage {
            Stage::Content => {
                let mut counts = vec![
                    lang.count("kits", report.kits),
                    lang.count("pages", report.pages),
                    lang.count("parcours", report.parcours),
                ];
                if report.remote_kits > 0 {
                    counts.push(lang.count("remote-kits", report.remote_kits));
                }
                counts.join(", ")
            }
            Stage::Search => lang.count("documents", t.search_documents),
            Stage::Render => lang.count("pages", t.html_pages),
            Stage::Write => lang.count("files", report.files_written),
        };
        eprintln!(
            "{}",
            lang.format(
                "timing.stage",
                &[
                    ("number", &stage.number()),
                    ("stage", &lang.text(stage.key())),
                    ("millis", &t.of(stage).as_millis()),
                    ("counts", &counts),
                ]
            )
        );
    }
}

/// Whether a progress line may be drawn: stderr a terminal (not `TERM=dumb`), not in CI, not
/// `-q`.
pub fn progress_allowed() -> bool {
    !quiet()
        && std::io::stderr().is_terminal()
        && std::env::var_os("CI").is_none_or(|v| v.is_empty())
        && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
}

/// The progress line of a build on a terminal, redrawn in place (`\r`) from another thread
/// while the build runs. Short builds show nothing: it appears after half a second.
pub struct ProgressLine {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

/// When the line first appears, and how often it is redrawn.
const DELAY: Duration = Duration::from_millis(500);
const TICK: Duration = Duration::from_millis(100);

impl ProgressLine {
    /// A line following `progress`, or nothing when [`progress_allowed`] says no.
    pub fn start(progress: &Arc<Progress>, lang: Lang) -> Option<ProgressLine> {
        if !progress_allowed() {
            return None;
        }
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (stop, progress) = (stop.clone(), progress.clone());
            std::thread::spawn(move || draw(&progress, &stop, lang))
        };
        Some(ProgressLine {
            stop,
            thread: Some(thread),
        })
    }
}

impl Drop for ProgressLine {
    /// Stop drawing and erase the line, before anything else is printed.
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            thread.thread().unpark();
            let _ = thread.join();
        }
    }
}

fn draw(progress: &Progress, stop: &AtomicBool, lang: Lang) {
    let started = Instant::now();
    let mut drawn = false;
    let mut stderr = std::io::stderr();
    while !stop.load(Ordering::Relaxed) {
        std::thread::park_timeout(TICK);
        if stop.load(Ordering::Relaxed) || started.elapsed() < DELAY {
            continue;
        }
        let line = progress_text(progress, lang);
        if !line.is_empty() {
            // `\x1b[K`: erase what a longer previous line left.
            let _ = write!(stderr, "\r{line}\x1b[K");
            let _ = stderr.flush();
            drawn = true;
        }
    }
    if drawn {
        let _ = write!(stderr, "\r\x1b[K");
        let _ = stderr.flush();
    }
}

/// `[2/4] index de recherche… 1200 documents`.
pub fn progress_text(progress: &Progress, lang: Lang) -> String {
    let (Some(stage), done) = progress.now() else {
        return String::new();
    };
    let counts = match stage {
        Stage::Search => lang.count("documents", done),
        Stage::Render => lang.count("pages", done),
        Stage::Content | Stage::Write => String::new(),
    };
    lang.format(
        "progress.stage",
        &[
            ("number", &stage.number()),
            ("stage", &lang.text(stage.key())),
            ("counts", &counts),
        ],
    )
    .trim_end()
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_only_on_a_terminal_without_no_color() {
        let none = None::<OsString>;
        assert!(colour_allowed(true, none.clone(), Some("xterm".into())));
        assert!(!colour_allowed(false, none.clone(), Some("xterm".into())));
        assert!(!colour_allowed(true, Some("1".into()), None));
        // An empty NO_COLOR does not count (no-color.org).
        assert!(colour_allowed(true, Some("".into()), None));
        assert!(!colour_allowed(true, none, Some("dumb".into())));
    }
}
