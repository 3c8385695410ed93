//! # mallette-search-reader
//!
//! (module doc: see the end of this file's development; written with the measurements.)

mod bits;
pub mod bm25;
#[cfg(feature = "export")]
pub mod export;
mod format;
pub mod levenshtein;
pub mod ops;
mod reader;
mod source;

pub use bm25::Bm25Weight;
pub use format::Postings;
pub use reader::{FacetColumn, FetchStats, Field, NumberColumn, Reader, TermInfo, Wanted};
pub use source::{ChunkDirSource, ChunkRef, ChunkSource, DirSource, MemorySource};

/// Name of the meta file, beside the other files.
pub const META_FILE: &str = "meta";

/// What can go wrong reading an index.
#[derive(Debug)]
pub enum Error {
    /// A chunk could not be fetched.
    Io(std::io::Error),
    /// The bytes are not what this reader writes (another version, or damaged).
    Format(String),
    /// The index has no such field.
    NoSuchField(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Io(e) => write!(f, "reading the search index: {e}"),
            Error::Format(m) => write!(f, "search index: {m}"),
            Error::NoSuchField(n) => write!(f, "the search index has no field `{n}`"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io(e) => Some(e),
            _ => None,
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Error {
        Error::Io(e)
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
