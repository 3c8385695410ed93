//! A minimal WebAssembly module over the reader, to measure what the reader weighs in a browser
//! engine (not shipped). It uses every part of the API a query needs: term lookups, postings,
//! BM25, union and top-k, prefix and typo enumeration, facet columns and the browse order.
//!
//! ```text
//! cargo build --profile wasm --target wasm32-unknown-unknown -p mallette-search-reader \
//!     --example wasm_probe --no-default-features
//! ```
//!
//! Import `env.fetch_chunk(name_ptr, name_len, chunk, len, dst) -> i32` (0 = success: the chunk
//! file `<name>.<chunk>`); exports `alloc`, `open(meta_ptr, meta_len)`,
//! `search(word_ptr, word_len, typos)` (every field's term, BM25, union, top 10, facet counts;
//! with `typos`, also prefix and distance-2 terms), `out_ptr`, `out_len`.

use std::cell::RefCell;
use std::io;

use mallette_search_reader::{ops, ChunkRef, ChunkSource, Reader};

#[cfg(target_arch = "wasm32")]
#[link(wasm_import_module = "env")]
extern "C" {
    fn fetch_chunk(name: *const u8, name_len: u32, chunk: u32, len: u32, dst: *mut u8) -> i32;
}

#[cfg(not(target_arch = "wasm32"))]
unsafe fn fetch_chunk(_: *const u8, _: u32, _: u32, _: u32, _: *mut u8) -> i32 {
    1
}

struct Imported;

impl ChunkSource for Imported {
    fn fetch(&self, c: &ChunkRef<'_>) -> io::Result<Vec<u8>> {
        let mut buf = vec![0u8; c.len as usize];
        let rc = unsafe {
            fetch_chunk(
                c.name.as_ptr(),
                c.name.len() as u32,
                c.chunk,
                c.len,
                buf.as_mut_ptr(),
            )
        };
        if rc != 0 {
            return Err(io::Error::other("fetch failed"));
        }
        Ok(buf)
    }
}

thread_local! {
    static READER: RefCell<Option<Reader>> = const { RefCell::new(None) };
    static OUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

#[no_mangle]
pub extern "C" fn alloc(len: usize) -> *mut u8 {
    let mut v = Vec::<u8>::with_capacity(len);
    let p = v.as_mut_ptr();
    std::mem::forget(v);
    p
}

unsafe fn input(ptr: *mut u8, len: usize) -> Vec<u8> {
    Vec::from_raw_parts(ptr, len, len)
}

fn set_out(s: String) {
    OUT.with(|o| *o.borrow_mut() = s.into_bytes());
}

/// # Safety
/// `ptr` is a buffer of `len` bytes from `alloc`, taken over.
#[no_mangle]
pub unsafe extern "C" fn open(ptr: *mut u8, len: usize) -> i32 {
    let meta = input(ptr, len);
    match Reader::open(&meta, Imported) {
        Ok(r) => {
            READER.with(|c| *c.borrow_mut() = Some(r));
            0
        }
        Err(e) => {
            set_out(e.to_string());
            1
        }
    }
}

fn run(r: &Reader, word: &str, typos: bool) -> mallette_search_reader::Result<String> {
    let mut lists = Vec::new();
    for (field, _) in r.fields() {
        if let Some(t) = r.term_info(field, word)? {
            lists.push(r.term_scores(&t, 2.0)?);
        }
        if !typos {
            continue;
        }
        for (_, t) in r.prefix_terms(field, word)?.into_iter().take(4) {
            lists.push(ops::constant(r.postings(&t)?.docs, 0.2));
        }
        for (_, t) in r.fuzzy_terms(field, word, 2)?.into_iter().take(4) {
            lists.push(ops::constant(r.postings(&t)?.docs, 0.3));
        }
    }
    let hits = ops::union(&lists);
    let top = ops::top(&hits, 10);
    let mut counts = Vec::new();
    let names: Vec<String> = r.facet_names().map(String::from).collect();
    for name in names {
        if let Some(col) = r.facet(&name)? {
            let mut c = vec![0u32; col.values.len()];
            for &(d, _) in &hits {
                for &o in col.ords(d) {
                    c[o as usize] += 1;
                }
            }
            counts.push(c);
        }
    }
    let browse = r.browse_range(0, 10)?;
    // Integers only (float formatting would weigh more than the reader): doc ids, the scores'
    // bits, counts.
    let mut out = String::new();
    let mut num = |v: u32| {
        out.push_str(&v.to_string());
        out.push(' ');
    };
    num(hits.len() as u32);
    for (d, s) in top {
        num(d);
        num(s.to_bits());
    }
    for c in counts.iter().flatten() {
        num(*c);
    }
    for d in browse {
        num(d);
    }
    Ok(out)
}

/// # Safety
/// `ptr` is a buffer of `len` bytes from `alloc`, taken over.
#[no_mangle]
pub unsafe extern "C" fn search(ptr: *mut u8, len: usize, typos: i32) -> i32 {
    let word = String::from_utf8_lossy(&input(ptr, len)).into_owned();
    READER.with(|c| match c.borrow().as_ref() {
        Some(r) => match run(r, &word, typos != 0) {
            Ok(s) => {
                set_out(s);
                0
            }
            Err(e) => {
                set_out(e.to_string());
                1
            }
        },
        None => 1,
    })
}

#[no_mangle]
pub extern "C" fn out_ptr() -> *const u8 {
    OUT.with(|o| o.borrow().as_ptr())
}

#[no_mangle]
pub extern "C" fn out_len() -> usize {
    OUT.with(|o| o.borrow().len())
}
