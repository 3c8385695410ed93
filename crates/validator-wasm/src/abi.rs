//! The exported C ABI (wasm only): see the crate doc.

use std::cell::RefCell;

use crate::{check_draft, Context};

struct State {
    context: Option<Context>,
    out: Vec<u8>,
}

thread_local! {
    static STATE: RefCell<State> = const { RefCell::new(State { context: None, out: Vec::new() }) };
}

/// # Safety
/// `ptr` must come from [`alloc`] with this `len`.
unsafe fn take_input(ptr: *mut u8, len: usize) -> String {
    let bytes = Vec::from_raw_parts(ptr, len, len);
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

fn finish(result: Result<String, String>) -> i32 {
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        let (out, status) = match result {
            Ok(out) => (out, 0),
            Err(e) => (e, 1),
        };
        s.out = out.into_bytes();
        status
    })
}

#[no_mangle]
pub extern "C" fn alloc(len: usize) -> *mut u8 {
    let mut buf = Vec::<u8>::with_capacity(len);
    let ptr = buf.as_mut_ptr();
    std::mem::forget(buf);
    ptr
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
/// `ptr` must come from [`alloc`] with this `len`, filled with the context JSON.
#[no_mangle]
pub unsafe extern "C" fn context(ptr: *mut u8, len: usize) -> i32 {
    let input = take_input(ptr, len);
    finish(match serde_json::from_str::<Context>(&input) {
        Ok(context) => {
            STATE.with(|s| s.borrow_mut().context = Some(context));
            Ok(String::new())
        }
        Err(e) => Err(format!("form context: {e}")),
    })
}

/// # Safety
/// `ptr` must come from [`alloc`] with this `len`, filled with a `KitDraft` as JSON.
#[no_mangle]
pub unsafe extern "C" fn draft(ptr: *mut u8, len: usize) -> i32 {
    let input = take_input(ptr, len);
    let result = STATE.with(|s| {
        let s = s.borrow();
        let context = s.context.as_ref().ok_or("no context given")?;
        let draft = serde_json::from_str(&input).map_err(|e| format!("draft: {e}"))?;
        serde_json::to_string(&check_draft(context, &draft)).map_err(|e| e.to_string())
    });
    finish(result)
}
