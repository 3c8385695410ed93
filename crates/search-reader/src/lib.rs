//! mallette-search-reader (work in progress).
