//! The C API of larkmsg, a Feishu / Lark messaging SDK: `liblarkmsg.so`, `liblarkmsg.a`
//! and `include/larkmsg.h` (generated from this crate by cbindgen).
//!
//! Conventions (those of rustls-ffi):
//! - Objects are opaque handles made by a `larkmsg_*_new` / `larkmsg_*_start` function and
//!   released by the matching `larkmsg_*_free`, which accepts NULL.
//! - Every fallible function returns a [`larkmsg_result`]: `LARKMSG_RESULT_OK` or the kind
//!   of the failure. Its out-parameters are written only on success. On failure, when
//!   `error_out` is not NULL, `*error_out` receives a [`larkmsg_error`] the caller frees
//!   with `larkmsg_error_free`.
//! - Every string the library hands out as `char *` is freed with `larkmsg_string_free`;
//!   a `const char *` belongs to the object it came from and lives as long as it does.
//! - Requests and responses are JSON strings (UTF-8): the request is the call's flat
//!   object of query parameters and body fields, the response the result's `data`.
//! - NULL arguments, invalid UTF-8 and invalid JSON are `LARKMSG_RESULT_INVALID_ARGUMENT`
//!   errors, never crashes; no Rust panic crosses the boundary.
#![allow(non_camel_case_types)]

mod client;
mod content;
mod error;
mod fake;
mod ffi;
mod logging;
mod operations;
mod progress;
mod result;
mod runtime;
mod stream;

use std::ffi::{CStr, CString, c_char};

// Every type and function of the C API is also a Rust item of this crate (the fuzz
// targets call them so).
pub use client::*;
pub use content::*;
pub use error::*;
pub use fake::*;
pub use operations::*;
pub use progress::*;
pub use result::*;
pub use runtime::*;
pub use stream::*;

static VERSION: &CStr = match CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
    Ok(version) => version,
    Err(_) => c"unknown",
};

/// The version of the library, e.g. `"0.1.0"`.
///
/// Ownership: a static string; never free it.
#[unsafe(no_mangle)]
pub extern "C" fn larkmsg_version() -> *const c_char {
    VERSION.as_ptr()
}

/// Frees a string the library handed out as `char *` (a response, a control's answer).
///
/// Ownership: takes `string` back; NULL is ignored.
///
/// # Safety
/// `string` is NULL or a string returned by this library that was not freed yet.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn larkmsg_string_free(string: *mut c_char) {
    if !string.is_null() {
        // SAFETY: per the contract, `string` came from `CString::into_raw` in this library.
        drop(unsafe { CString::from_raw(string) });
    }
}
