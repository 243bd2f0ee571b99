//! Calls that take byte buffers or report progress: [`larkmsg_buffer`],
//! [`larkmsg_progress`] and its callback, `larkmsg_call_ex`, and the helpers of the
//! generated functions of the flows that report progress.

use std::ffi::{c_char, c_void};

use bytes::Bytes;
use larkmsg_core::{CallExtras, OnProgress, Progress};

use crate::client::{call_name, larkmsg_callback, larkmsg_client, run_async, run_blocking};
use crate::error::larkmsg_error;
use crate::ffi::{invalid, json_arg, str_arg};
use crate::result::larkmsg_result;

/// Bytes handed to a call: a file to upload that the request names as `{"buffer": i}`
/// (`i` is its index in the array). The library copies them before the call returns.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct larkmsg_buffer {
    /// The first byte (may be NULL when `len` is 0).
    pub data: *const u8,
    /// The number of bytes.
    pub len: usize,
}

/// How far a call to many receivers is, counted in receivers.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct larkmsg_progress {
    /// Receivers in the call.
    pub total: u64,
    /// Receivers whose request is finished.
    pub done: u64,
    /// Receivers whose request succeeded.
    pub sent: u64,
    /// Receivers whose request failed.
    pub failed: u64,
}

/// Called after each request of a call to many receivers, one call at a time, with the
/// caller's `user_data` and the progress (valid only during the call).
pub type larkmsg_progress_callback =
    Option<unsafe extern "C" fn(user_data: *mut c_void, progress: *const larkmsg_progress)>;

/// A progress callback with its user data, movable to the runtime's threads.
struct Reporter {
    callback: unsafe extern "C" fn(*mut c_void, *const larkmsg_progress),
    user_data: *mut c_void,
}

// SAFETY: the callback contract lets the library call it, with its user data, from the
// runtime's threads (one report at a time).
unsafe impl Send for Reporter {}

impl Reporter {
    fn report(&self, progress: &Progress) {
        let reported = larkmsg_progress {
            total: progress.total,
            done: progress.done,
            sent: progress.sent,
            failed: progress.failed,
        };
        // SAFETY: the caller gave a callback that takes these arguments.
        unsafe { (self.callback)(self.user_data, &reported) };
    }
}

fn on_progress(callback: larkmsg_progress_callback, user_data: *mut c_void) -> Option<OnProgress> {
    let reporter = Reporter { callback: callback?, user_data };
    Some(Box::new(move |progress: &Progress| reporter.report(progress)))
}

/// Copies the caller's buffers.
///
/// # Safety
/// `buffers` is NULL (with `count` 0) or points to `count` buffers whose `data` points to
/// `len` readable bytes.
unsafe fn copy_buffers(
    buffers: *const larkmsg_buffer,
    count: usize,
) -> Result<Vec<Bytes>, larkmsg_core::Error> {
    if count == 0 {
        return Ok(Vec::new());
    }
    if buffers.is_null() {
        return Err(invalid("buffers", "must not be NULL when buffer_count is not 0"));
    }
    // SAFETY: per the contract, `buffers` points to `count` buffers.
    let buffers = unsafe { std::slice::from_raw_parts(buffers, count) };
    buffers
        .iter()
        .enumerate()
        .map(|(i, buffer)| match (buffer.data.is_null(), buffer.len) {
            (_, 0) => Ok(Bytes::new()),
            (true, _) => Err(invalid(&format!("buffers[{i}].data"), "must not be NULL when len is not 0")),
            // SAFETY: per the contract, `data` points to `len` readable bytes.
            (false, len) => {
                Ok(Bytes::copy_from_slice(unsafe { std::slice::from_raw_parts(buffer.data, len) }))
            }
        })
        .collect()
}

/// Runs the call named `call` as `larkmsg_call` does, with `buffer_count` byte buffers
/// the request names as `{"buffer": i}` (e.g. `{"image_type": "message", "image":
/// {"buffer": 0}}` for `upload_image`) and, for a call that reports progress, `progress`
/// (may be NULL) called on the calling thread with `user_data` after each request.
///
/// Ownership: the buffers are copied before this returns; on success `*response_out`
/// receives the result as JSON, freed with `larkmsg_string_free`. Must not be called from
/// a `larkmsg_callback`.
///
/// # Safety
/// `client` is NULL or a live client; `call` and `request_json` are NULL or NUL-terminated
/// strings; `buffers` is NULL (with `buffer_count` 0) or points to `buffer_count` buffers
/// whose `data` is readable for `len` bytes; `response_out` and `error_out` are NULL or
/// valid for writing.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn larkmsg_call_ex(
    client: *const larkmsg_client,
    call: *const c_char,
    request_json: *const c_char,
    buffers: *const larkmsg_buffer,
    buffer_count: usize,
    progress: larkmsg_progress_callback,
    user_data: *mut c_void,
    response_out: *mut *mut c_char,
    error_out: *mut *mut larkmsg_error,
) -> larkmsg_result {
    let mut copied = Vec::new();
    // SAFETY: forwarded contract.
    let checked = crate::ffi::guard(error_out, || {
        copied = unsafe { copy_buffers(buffers, buffer_count) }?;
        Ok(())
    });
    if checked != larkmsg_result::Ok {
        return checked;
    }
    // SAFETY: forwarded contract.
    unsafe {
        run_blocking(
            client,
            || call_name(str_arg(call, "call")?),
            || json_arg(request_json, "request_json"),
            move || CallExtras::new(copied, on_progress(progress, user_data)),
            response_out,
            error_out,
        )
    }
}

/// A generated blocking function of a flow that reports progress.
///
/// # Safety
/// As `larkmsg_call_ex`.
pub(crate) unsafe fn call_blocking_with_progress(
    client: *const larkmsg_client,
    name: &'static str,
    request_json: *const c_char,
    progress: larkmsg_progress_callback,
    user_data: *mut c_void,
    response_out: *mut *mut c_char,
    error_out: *mut *mut larkmsg_error,
) -> larkmsg_result {
    // SAFETY: forwarded contract.
    unsafe {
        run_blocking(
            client,
            || Ok(name),
            || json_arg(request_json, "request_json"),
            || CallExtras::new(Vec::new(), on_progress(progress, user_data)),
            response_out,
            error_out,
        )
    }
}

/// A generated asynchronous function of a flow that reports progress.
///
/// # Safety
/// As `larkmsg_call_async`.
pub(crate) unsafe fn call_async_with_progress(
    client: *const larkmsg_client,
    name: &'static str,
    request_json: *const c_char,
    progress: larkmsg_progress_callback,
    callback: larkmsg_callback,
    user_data: *mut c_void,
    error_out: *mut *mut larkmsg_error,
) -> larkmsg_result {
    // SAFETY: forwarded contract.
    unsafe {
        run_async(
            client,
            name,
            || json_arg(request_json, "request_json"),
            || CallExtras::new(Vec::new(), on_progress(progress, user_data)),
            callback,
            user_data,
            error_out,
        )
    }
}
