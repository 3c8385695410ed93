//! A read-only tantivy [`Directory`] whose files are cut into fixed-size chunks, each fetched
//! from a [`ChunkSource`] the first time tantivy reads a byte of it, then kept.
//!
//! This is how the browser reads an index without downloading it whole and without HTTP range
//! requests: the build (`src/search_assets.rs`) writes every chunk as its own static file, and the
//! worker's `fetch_chunk` loads one with a synchronous request (allowed in workers).

use std::collections::HashMap;
use std::fmt;
use std::io;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use mallette_search::tantivy::directory::error::{
    DeleteError, LockError, OpenReadError, OpenWriteError,
};
use mallette_search::tantivy::directory::{
    DirectoryLock, FileHandle, Lock, OwnedBytes, WatchCallback, WatchHandle, WritePtr,
};
use mallette_search::tantivy::{self, Directory, HasLen};

/// Where chunks come from: `fetch(file, chunk, buf)` fills `buf` (exactly the chunk's length)
/// with bytes `chunk * chunk_size ..` of file number `file`.
pub trait ChunkSource: Send + Sync + 'static {
    fn fetch(&self, file: u32, chunk: u32, buf: &mut [u8]) -> io::Result<()>;
}

/// One file of the index: its name, length and chunk size.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct FileSpec {
    pub path: String,
    pub len: usize,
    pub chunk: usize,
}

struct ChunkedFile {
    no: u32,
    len: usize,
    chunk_size: usize,
    chunks: Mutex<Vec<Option<OwnedBytes>>>,
    source: Arc<dyn ChunkSource>,
}

impl fmt::Debug for ChunkedFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ChunkedFile({}, {} bytes)", self.no, self.len)
    }
}

impl HasLen for ChunkedFile {
    fn len(&self) -> usize {
        self.len
    }
}

impl ChunkedFile {
    fn chunk(&self, i: usize) -> io::Result<OwnedBytes> {
        let mut chunks = self.chunks.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(bytes) = &chunks[i] {
            return Ok(bytes.clone());
        }
        let start = i * self.chunk_size;
        let end = (start + self.chunk_size).min(self.len);
        let mut buf = vec![0u8; end - start];
        self.source.fetch(self.no, i as u32, &mut buf)?;
        let bytes = OwnedBytes::new(buf);
        chunks[i] = Some(bytes.clone());
        Ok(bytes)
    }
}

impl FileHandle for ChunkedFile {
    fn read_bytes(&self, range: Range<usize>) -> io::Result<OwnedBytes> {
        if range.end > self.len || range.start > range.end {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("read {range:?} past the end of a {}-byte file", self.len),
            ));
        }
        if range.is_empty() {
            return Ok(OwnedBytes::empty());
        }
        let first = range.start / self.chunk_size;
        let last = (range.end - 1) / self.chunk_size;
        if first == last {
            // Within one chunk: share its bytes, no copy.
            let base = first * self.chunk_size;
            return Ok(self
                .chunk(first)?
                .slice(range.start - base..range.end - base));
        }
        let mut out = Vec::with_capacity(range.len());
        for i in first..=last {
            let chunk = self.chunk(i)?;
            let base = i * self.chunk_size;
            let from = range.start.max(base) - base;
            let to = range.end.min(base + chunk.len()) - base;
            out.extend_from_slice(&chunk.as_slice()[from..to]);
        }
        Ok(OwnedBytes::new(out))
    }
}

/// The index as chunked files. Read-only: writes fail, locks are no-ops, nothing is watched.
#[derive(Clone)]
pub struct ChunkedDirectory {
    files: Arc<HashMap<PathBuf, Arc<ChunkedFile>>>,
}

impl fmt::Debug for ChunkedDirectory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ChunkedDirectory({} files)", self.files.len())
    }
}

impl ChunkedDirectory {
    /// File number `i` of `specs` is fetched as `source.fetch(i, …)`.
    pub fn new(specs: &[FileSpec], source: Arc<dyn ChunkSource>) -> ChunkedDirectory {
        let files = specs
            .iter()
            .enumerate()
            .map(|(i, spec)| {
                let chunk_size = spec.chunk.max(1);
                let n = spec.len.div_ceil(chunk_size);
                let file = ChunkedFile {
                    no: i as u32,
                    len: spec.len,
                    chunk_size,
                    chunks: Mutex::new(vec![None; n]),
                    source: source.clone(),
                };
                (PathBuf::from(&spec.path), Arc::new(file))
            })
            .collect();
        ChunkedDirectory {
            files: Arc::new(files),
        }
    }

    fn file(&self, path: &Path) -> Result<&Arc<ChunkedFile>, OpenReadError> {
        self.files
            .get(path)
            .ok_or_else(|| OpenReadError::FileDoesNotExist(path.to_path_buf()))
    }
}

fn read_only(path: &Path) -> Arc<io::Error> {
    Arc::new(io::Error::new(
        io::ErrorKind::PermissionDenied,
        format!("{}: the search index is read-only", path.display()),
    ))
}

impl Directory for ChunkedDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        Ok(self.file(path)?.clone())
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        Ok(self.files.contains_key(path))
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        let file = self.file(path)?;
        file.read_bytes(0..file.len)
            .map(|b| b.as_slice().to_vec())
            .map_err(|e| OpenReadError::IoError {
                io_error: Arc::new(e),
                filepath: path.to_path_buf(),
            })
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        Err(DeleteError::IoError {
            io_error: read_only(path),
            filepath: path.to_path_buf(),
        })
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        Err(OpenWriteError::IoError {
            io_error: read_only(path),
            filepath: path.to_path_buf(),
        })
    }

    fn atomic_write(&self, path: &Path, _data: &[u8]) -> io::Result<()> {
        Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!("{}: the search index is read-only", path.display()),
        ))
    }

    fn sync_directory(&self) -> io::Result<()> {
        Ok(())
    }

    fn acquire_lock(&self, _lock: &Lock) -> Result<DirectoryLock, LockError> {
        Ok(DirectoryLock::from(Box::new(())))
    }

    fn watch(&self, _callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        Ok(WatchHandle::empty())
    }
}
