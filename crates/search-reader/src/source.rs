//! Where the reader gets its bytes: a [`ChunkSource`] answers "chunk `c` of file `f`".

use std::io;
use std::path::{Path, PathBuf};

/// One chunk the reader wants: file number `file` (its position in the meta file's table, named
/// `name`), chunk number `chunk`, which is bytes `offset .. offset + len` of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChunkRef<'a> {
    pub file: u32,
    pub name: &'a str,
    pub chunk: u32,
    pub offset: u64,
    pub len: u32,
}

impl ChunkRef<'_> {
    /// The name of the chunk as its own static file: `<file name>.<chunk>` (what
    /// `Export::write_chunked` writes).
    pub fn chunk_file_name(&self) -> String {
        format!("{}.{}", self.name, self.chunk)
    }
}

/// Fetches chunks. The reader asks for each chunk at most once (it keeps them) and only for the
/// chunks a call needs; a source may serve them from the files whole (by `offset` and `len`) or
/// from per-chunk files (by `file`/`name` and `chunk`).
pub trait ChunkSource: Send + Sync {
    /// Exactly `chunk.len` bytes.
    fn fetch(&self, chunk: &ChunkRef<'_>) -> io::Result<Vec<u8>>;
}

impl<T: ChunkSource + ?Sized> ChunkSource for Box<T> {
    fn fetch(&self, chunk: &ChunkRef<'_>) -> io::Result<Vec<u8>> {
        (**self).fetch(chunk)
    }
}

impl<T: ChunkSource + ?Sized> ChunkSource for std::sync::Arc<T> {
    fn fetch(&self, chunk: &ChunkRef<'_>) -> io::Result<Vec<u8>> {
        (**self).fetch(chunk)
    }
}

/// The files in memory, by file number.
#[derive(Debug, Clone, Default)]
pub struct MemorySource {
    pub files: Vec<Vec<u8>>,
}

impl MemorySource {
    pub fn new(files: Vec<Vec<u8>>) -> MemorySource {
        MemorySource { files }
    }
}

fn slice(bytes: &[u8], c: &ChunkRef<'_>) -> io::Result<Vec<u8>> {
    let start = usize::try_from(c.offset).map_err(|_| eof(c))?;
    let end = start.checked_add(c.len as usize).ok_or_else(|| eof(c))?;
    bytes
        .get(start..end)
        .map(<[u8]>::to_vec)
        .ok_or_else(|| eof(c))
}

fn eof(c: &ChunkRef<'_>) -> io::Error {
    io::Error::new(
        io::ErrorKind::UnexpectedEof,
        format!(
            "chunk {} of {} is past the end of the file",
            c.chunk, c.name
        ),
    )
}

impl ChunkSource for MemorySource {
    fn fetch(&self, c: &ChunkRef<'_>) -> io::Result<Vec<u8>> {
        let file = self.files.get(c.file as usize).ok_or_else(|| {
            io::Error::new(io::ErrorKind::NotFound, format!("no file {}", c.name))
        })?;
        slice(file, c)
    }
}

/// The files whole in a folder (as `Export::write` writes them), read by offset.
#[derive(Debug, Clone)]
pub struct DirSource {
    pub dir: PathBuf,
}

impl DirSource {
    pub fn new(dir: impl Into<PathBuf>) -> DirSource {
        DirSource { dir: dir.into() }
    }
}

impl ChunkSource for DirSource {
    fn fetch(&self, c: &ChunkRef<'_>) -> io::Result<Vec<u8>> {
        use std::io::{Read, Seek, SeekFrom};
        let mut f = std::fs::File::open(self.dir.join(c.name))?;
        f.seek(SeekFrom::Start(c.offset))?;
        let mut buf = vec![0u8; c.len as usize];
        f.read_exact(&mut buf)?;
        Ok(buf)
    }
}

/// One file per chunk in a folder (`<name>.<chunk>`, as `Export::write_chunked` writes them:
/// what a static host serves to the browser).
#[derive(Debug, Clone)]
pub struct ChunkDirSource {
    pub dir: PathBuf,
}

impl ChunkDirSource {
    pub fn new(dir: impl AsRef<Path>) -> ChunkDirSource {
        ChunkDirSource {
            dir: dir.as_ref().to_path_buf(),
        }
    }
}

impl ChunkSource for ChunkDirSource {
    fn fetch(&self, c: &ChunkRef<'_>) -> io::Result<Vec<u8>> {
        let bytes = std::fs::read(self.dir.join(c.chunk_file_name()))?;
        if bytes.len() != c.len as usize {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "{} has {} bytes, not {}",
                    c.chunk_file_name(),
                    bytes.len(),
                    c.len
                ),
            ));
        }
        Ok(bytes)
    }
}
