//! Watching the instance and applying each burst of changes: in place when `live` can, else a
//! full build (the same atomic build as `mallette build`); then telling open pages.

use std::path::{Path, PathBuf};

use notify::{RecursiveMode, Watcher as _};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mallette_content::diagnostics::render_all;

use crate::term::{self, ProgressLine};
use mallette_content::{Failure, Lang};

use super::live::{LiveSite, SearchJob, Update};
use super::{Event, Hub};
use crate::pipeline::BuildOptions;

/// What `serve` watches: the instance's folder itself (so that `mallette.toml` saved by an
/// editor through a temporary file and a rename, or `content/` deleted and made again, are seen
/// every time) and, recursively, `content/`, `themes/` and `vocabularies/`.
pub(super) struct Watched {
    root: PathBuf,
    watcher: notify::RecommendedWatcher,
    /// The folders watched recursively now.
    folders: Vec<PathBuf>,
}

/// Folders of the instance whose files make the site.
const WATCHED_FOLDERS: [&str; 3] = ["content", "themes", "vocabularies"];

impl Watched {
    pub(super) fn start(
        root: &Path,
        events: mpsc::Sender<notify::Result<notify::Event>>,
    ) -> notify::Result<Watched> {
        let mut watcher = notify::recommended_watcher(events)?;
        watcher.watch(root, RecursiveMode::NonRecursive)?;
        let mut watched = Watched {
            root: root.to_path_buf(),
            watcher,
            folders: Vec::new(),
        };
        watched.refresh(&[]);
        Ok(watched)
    }

    /// Watch each folder of the instance that exists and is not watched, or that `changed` says
    /// was made or removed (its old watch died with it).
    fn refresh(&mut self, changed: &[PathBuf]) {
        for name in WATCHED_FOLDERS {
            let folder = self.root.join(name);
            let touched = changed.iter().any(|p| *p == folder);
            let watching = self.folders.contains(&folder);
            if folder.is_dir() && (touched || !watching) {
                let _ = self.watcher.unwatch(&folder);
                if self
                    .watcher
                    .watch(&folder, RecursiveMode::Recursive)
                    .is_ok()
                    && !watching
                {
                    self.folders.push(folder);
                }
            } else if !folder.exists() {
                self.folders.retain(|f| *f != folder);
            }
        }
    }

    fn is_part_of_the_instance(&self, path: &Path) -> bool {
        path.as_os_str().is_empty() // lost events: rebuild
            || *path == self.root.join("mallette.toml")
            || WATCHED_FOLDERS
                .iter()
                .any(|name| path.starts_with(self.root.join(name)))
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
pub(super) fn watch_loop(
    rx: Receiver<notify::Result<notify::Event>>,
    mut watched: Watched,
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
        // A folder deleted and made again has lost its watch: watch it again.
        watched.refresh(&changed);
        changed.retain(|path| watched.is_part_of_the_instance(path));
        if changed.is_empty() {
            continue; // another file of the instance's folder (public/, README…)
        }
        // Rebuilds hold the search lock: a background re-index never writes into a site being
        // replaced, and the new generation makes any unfinished one give up.
        let generation = generation_counter.fetch_add(1, Ordering::SeqCst) + 1;
        let in_place = {
            let _guard = search_lock.lock().unwrap_or_else(|e| e.into_inner());
            rebuild(&options, &mut live, &changed, &hub, false, None).0
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
        let lang = job.lang;
        match job.run(&latest, &lock) {
            Ok(true) if term::quiet() => {}
            Ok(true) => {
                let millis = started.elapsed().as_millis();
                eprintln!(
                    "{}",
                    lang.format("serve.search-updated", &[("millis", &millis)])
                );
            }
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

/// Apply `changed` to the site: in place when only what `live` can update changed, else a full
/// atomic build. Returns whether it was applied in place (then search is re-indexed in the
/// background) and the instance's language. `line`, the progress line of the first build, is
/// erased once the build is done.
pub(super) fn rebuild(
    options: &BuildOptions,
    live: &mut Option<LiveSite>,
    changed: &[PathBuf],
    hub: &Arc<Mutex<Hub>>,
    first: bool,
    line: Option<ProgressLine>,
) -> (bool, Lang) {
    let started = Instant::now();
    let mut in_place = false;
    let incremental = match live.as_mut() {
        Some(site) if !changed.is_empty() => site.update(changed),
        _ => Ok(Update::NeedsFullBuild),
    };
    let mut lang = live.as_ref().map(LiveSite::lang).unwrap_or(Lang::Fr);
    if matches!(incremental, Ok(Update::Nothing)) {
        return (false, lang);
    }
    let result = match incremental {
        Ok(Update::Pages(pages)) => {
            let shown = if pages.len() > 4 {
                format!(
                    "{}… ({})",
                    pages[..3].join(", "),
                    lang.count("pages", pages.len())
                )
            } else {
                pages.join(", ")
            };
            let millis = started.elapsed().as_millis();
            if !term::quiet() {
                eprintln!(
                    "{}",
                    lang.plural(
                        "serve.pages-updated",
                        pages.len(),
                        &[("pages", &shown), ("millis", &millis)]
                    )
                );
            }
            in_place = true;
            Ok(())
        }
        Ok(Update::NeedsFullBuild | Update::Nothing) => match build_then_erase(options, line) {
            Ok((report, site)) => {
                lang = report.lang;
                term::print_diagnostics(&report.warnings, &report.sources, report.lang);
                term::print_timings(&report);
                let millis = started.elapsed().as_millis();
                if !term::quiet() {
                    eprintln!(
                        "{}",
                        lang.format(
                            "serve.rebuilt",
                            &[
                                ("kits", &lang.count("kits", report.kits)),
                                ("millis", &millis)
                            ]
                        )
                    );
                }
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
            lang: failure_lang,
        }) => {
            lang = failure_lang;
            // The terminal's copy may be coloured; pages get the plain text.
            term::print_diagnostics(&diagnostics, &sources, lang);
            eprintln!("{}", lang.text("serve.errors-kept"));
            let text = render_all(&diagnostics, &sources, lang);
            hub.lock().unwrap().broadcast(Event::Error(text));
        }
        Err(Failure::Fatal(error)) => {
            let message = format!("{error:#}");
            eprintln!("{}", term::fatal_line(&message));
            hub.lock()
                .unwrap()
                .broadcast(Event::Error(format!("error: {message}\n")));
        }
    }
    (in_place, lang)
}

/// A full build; the progress line of the first one is erased before anything else is printed.
fn build_then_erase(
    options: &BuildOptions,
    line: Option<ProgressLine>,
) -> Result<(crate::pipeline::Report, LiveSite), Failure> {
    let built = LiveSite::build(options.clone());
    drop(line);
    built
}
