//! The exported C ABI (wasm only): see the crate doc.

use std::cell::RefCell;
use std::sync::Arc;

use crate::{ChunkSource, Engine};

#[link(wasm_import_module = "env")]
extern "C" {
    fn fetch_chunk(file: u32, chunk: u32, dst: *mut u8, len: u32) -> i32;
}

/// Chunks come from the worker's `fetch_chunk`.
struct ImportedSource;

impl ChunkSource for ImportedSource {
    fn fetch(&self, file: u32, chunk: u32, buf: &mut [u8]) -> std::io::Result<()> {
        // SAFETY: the import writes exactly `buf.len()` bytes at `buf`.
        let status = unsafe { fetch_chunk(file, chunk, buf.as_mut_ptr(), buf.len() as u32) };
        if status == 0 {
            Ok(())
        } else {
            Err(std::io::Error::other(format!(
                "could not fetch chunk {chunk} of index file {file}"
            )))
        }
    }
}

struct State {
    engine: Option<Engine>,
    out: Vec<u8>,
}

thread_local! {
    static STATE: RefCell<State> = const { RefCell::new(State { engine: None, out: Vec::new() }) };
}

/// Takes over an input buffer filled by the loader.
///
/// # Safety
/// `ptr` must come from [`alloc`] with this `len`.
unsafe fn take_input(ptr: *mut u8, len: usize) -> String {
    let bytes = Vec::from_raw_parts(ptr, len, len);
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

fn finish(result: Result<String, String>) -> i32 {
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        match result {
            Ok(out) => {
                s.out = out.into_bytes();
                0
            }
            Err(e) => {
                s.out = e.into_bytes();
                1
            }
        }
    })
}

#[no_mangle]
pub extern "C" fn alloc(len: usize) -> *mut u8 {
    let mut buf = Vec::<u8>::with_capacity(len);
    let ptr = buf.as_mut_ptr();
    std::mem::forget(buf);
    ptr
}

/// # Safety
/// `ptr` must come from [`alloc`] with this `len`.
#[no_mangle]
pub unsafe extern "C" fn dealloc(ptr: *mut u8, len: usize) {
    drop(Vec::from_raw_parts(ptr, 0, len));
}

#[no_mangle]
pub extern "C" fn out_ptr() -> *const u8 {
    STATE.with(|s| s.borrow().out.as_ptr())
}

#[no_mangle]
pub extern "C" fn out_len() -> usize {
    STATE.with(|s| s.borrow().out.len())
}

/// # Safety
/// `ptr` must come from [`alloc`] with this `len`, filled with the JSON list of index files.
#[no_mangle]
pub unsafe extern "C" fn open(ptr: *mut u8, len: usize) -> i32 {
    let files = take_input(ptr, len);
    let result = Engine::open(&files, Arc::new(ImportedSource));
    let status = match result {
        Ok(engine) => {
            STATE.with(|s| s.borrow_mut().engine = Some(engine));
            Ok(String::new())
        }
        Err(e) => Err(e),
    };
    finish(status)
}

/// The engine is taken out of the state while it runs: the chunk import may call back into
/// [`alloc`], never into the engine.
fn with_engine(f: impl FnOnce(&mut Engine) -> Result<String, String>) -> i32 {
    let engine = STATE.with(|s| s.borrow_mut().engine.take());
    let Some(mut engine) = engine else {
        return finish(Err("the search index is not open".into()));
    };
    let result = f(&mut engine);
    STATE.with(|s| s.borrow_mut().engine = Some(engine));
    finish(result)
}

/// # Safety
/// `ptr` must come from [`alloc`] with this `len`, filled with a JSON query.
#[no_mangle]
pub unsafe extern "C" fn search(ptr: *mut u8, len: usize) -> i32 {
    let input = take_input(ptr, len);
    with_engine(|e| e.search(&input))
}

/// # Safety
/// `ptr` must come from [`alloc`] with this `len`, filled with JSON excerpts.
#[no_mangle]
pub unsafe extern "C" fn snippets(ptr: *mut u8, len: usize) -> i32 {
    let input = take_input(ptr, len);
    with_engine(|e| e.snippets(&input))
}
