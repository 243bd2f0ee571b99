//! Helpers of the boundary: catching panics, reading C arguments, writing out-parameters.

use std::ffi::{CStr, CString, c_char};
use std::panic::{AssertUnwindSafe, catch_unwind};

use larkmsg_core::{Error, ErrorKind, runtime};
use serde_json::Value;

use crate::error::larkmsg_error;
use crate::result::larkmsg_result;

/// Runs `body`, catching any panic, and reports its outcome as a result code; on failure
/// `*error_out` (when not NULL) receives a new error object.
///
/// The body writes its out-parameters itself, after everything that can fail.
pub(crate) fn guard(
    error_out: *mut *mut larkmsg_error,
    body: impl FnOnce() -> Result<(), Error>,
) -> larkmsg_result {
    let (result, error) = match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => return larkmsg_result::Ok,
        Ok(Err(error)) => (larkmsg_result::of(error.kind()), error),
        Err(payload) => (larkmsg_result::Internal, runtime::panic_error(payload)),
    };
    if !error_out.is_null() {
        let object =
            catch_unwind(AssertUnwindSafe(|| Box::into_raw(Box::new(larkmsg_error::new(result, error)))));
        if let Ok(object) = object {
            // SAFETY: the caller promises `error_out` is NULL or points to writable storage.
            unsafe { error_out.write(object) };
        }
    }
    result
}

/// A C string of `text`, with any NUL characters dropped.
pub(crate) fn cstring_lossy(text: impl Into<String>) -> CString {
    let mut text: String = text.into();
    text.retain(|c| c != '\0');
    CString::new(text).unwrap_or_default()
}

/// An `invalid_argument` error about the argument `name`.
pub(crate) fn invalid(name: &str, problem: &str) -> Error {
    Error::new(ErrorKind::InvalidArgument, format!("{name} {problem}"))
}

/// The UTF-8 text of the C string argument `name`.
///
/// # Safety
/// `ptr` is NULL or a NUL-terminated string valid for the duration of the call.
pub(crate) unsafe fn str_arg<'a>(ptr: *const c_char, name: &str) -> Result<&'a str, Error> {
    if ptr.is_null() {
        return Err(invalid(name, "must not be NULL"));
    }
    // SAFETY: non-NULL and NUL-terminated per the contract.
    let text = unsafe { CStr::from_ptr(ptr) };
    text.to_str().map_err(|e| invalid(name, &format!("is not valid UTF-8 ({e})")))
}

/// The JSON value of the C string argument `name`.
///
/// # Safety
/// As [`str_arg`].
pub(crate) unsafe fn json_arg(ptr: *const c_char, name: &str) -> Result<Value, Error> {
    // SAFETY: forwarded contract.
    let text = unsafe { str_arg(ptr, name) }?;
    serde_json::from_str(text).map_err(|e| invalid(name, &format!("is not valid JSON ({e})")))
}

/// Checks that a required out-parameter is not NULL.
pub(crate) fn require_out<T>(ptr: *mut T, name: &str) -> Result<(), Error> {
    if ptr.is_null() { Err(invalid(name, "must not be NULL")) } else { Ok(()) }
}

/// A string handed to C (freed with `larkmsg_string_free`).
pub(crate) fn string_out(text: String) -> Result<*mut c_char, Error> {
    CString::new(text)
        .map(CString::into_raw)
        .map_err(|_| Error::new(ErrorKind::Decode, "the answer holds a NUL character"))
}

/// Writes `value` to the out-parameter `out` when it is not NULL.
///
/// # Safety
/// `out` is NULL or points to writable storage for a `T`.
pub(crate) unsafe fn write_out<T>(out: *mut T, value: T) {
    if !out.is_null() {
        // SAFETY: per the contract.
        unsafe { out.write(value) };
    }
}
