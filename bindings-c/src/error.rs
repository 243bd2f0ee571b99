//! The error object [`larkmsg_error`] and its accessors.

use std::ffi::{CString, c_char};
use std::ptr;

use larkmsg_core::{Error, ErrorKind};
use serde_json::Value;

use crate::ffi::cstring_lossy;
use crate::result::{kind_name, larkmsg_result};

/// Everything known about a failure: kind, message, Feishu code, HTTP status, log id and
/// the full JSON form (with violations, retry-after and `maybe_sent`).
///
/// Made by the library, freed by the caller with `larkmsg_error_free`.
pub struct larkmsg_error {
    result: larkmsg_result,
    error: Error,
    message: CString,
    log_id: Option<CString>,
    uuid: Option<CString>,
    json: CString,
}

impl larkmsg_error {
    /// An error object for `error`, reported as `result`.
    pub(crate) fn new(result: larkmsg_result, error: Error) -> Self {
        let json = serde_json::to_string(&error).unwrap_or_else(|_| {
            serde_json::json!({"kind": error.kind().as_str(), "message": error.to_string()}).to_string()
        });
        Self {
            result,
            message: cstring_lossy(error.to_string()),
            log_id: error.log_id().map(cstring_lossy),
            uuid: error.uuid().map(cstring_lossy),
            json: cstring_lossy(json),
            error,
        }
    }
}

/// Runs `read` on the error behind `error`, or gives `default` for NULL.
fn with<T>(error: *const larkmsg_error, default: T, read: impl FnOnce(&larkmsg_error) -> T) -> T {
    // SAFETY: callers of the accessors promise `error` is NULL or a live error object.
    match unsafe { error.as_ref() } {
        Some(error) => read(error),
        None => default,
    }
}

/// The result code of the error (never `LARKMSG_RESULT_OK`; `LARKMSG_RESULT_INVALID_ARGUMENT`
/// for NULL).
///
/// # Safety
/// `error` is NULL or an error object that was not freed yet.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn larkmsg_error_result(error: *const larkmsg_error) -> larkmsg_result {
    with(error, larkmsg_result::InvalidArgument, |e| e.result)
}

/// The stable kind name: `invalid_argument`, `auth`, `permission`, `rate_limited`, `api`,
/// `timeout`, `network`, `decode`, `config`, `tls` or `internal`. NULL for a NULL error.
///
/// Ownership: a static string; never free it.
///
/// # Safety
/// `error` is NULL or an error object that was not freed yet.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn larkmsg_error_kind(error: *const larkmsg_error) -> *const c_char {
    with(error, ptr::null(), |e| kind_name(e.error.kind()).as_ptr())
}

/// The readable message: kind, text, and the code, HTTP status and log id when known.
/// Never contains a secret. NULL for a NULL error.
///
/// Ownership: borrowed from `error`; valid until `larkmsg_error_free(error)`.
///
/// # Safety
/// `error` is NULL or an error object that was not freed yet.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn larkmsg_error_message(error: *const larkmsg_error) -> *const c_char {
    with(error, ptr::null(), |e| e.message.as_ptr())
}

/// The Feishu business code (`code` of the answer), or 0 when the platform gave none.
///
/// # Safety
/// `error` is NULL or an error object that was not freed yet.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn larkmsg_error_code(error: *const larkmsg_error) -> i64 {
    with(error, 0, |e| e.error.code().unwrap_or(0))
}

/// The HTTP status of the answer, or 0 when there was none.
///
/// # Safety
/// `error` is NULL or an error object that was not freed yet.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn larkmsg_error_http_status(error: *const larkmsg_error) -> u16 {
    with(error, 0, |e| e.error.http_status().unwrap_or(0))
}

/// The platform's log id (what support asks for), or NULL when there is none.
///
/// Ownership: borrowed from `error`; valid until `larkmsg_error_free(error)`.
///
/// # Safety
/// `error` is NULL or an error object that was not freed yet.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn larkmsg_error_log_id(error: *const larkmsg_error) -> *const c_char {
    with(error, ptr::null(), |e| e.log_id.as_ref().map_or(ptr::null(), |id| id.as_ptr()))
}

/// Whether the request may have reached the platform although the call failed (an answer
/// lost after sending): check before sending again.
///
/// # Safety
/// `error` is NULL or an error object that was not freed yet.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn larkmsg_error_maybe_sent(error: *const larkmsg_error) -> bool {
    with(error, false, |e| e.error.maybe_sent())
}

/// The de-duplication key the failed request carried (send message, reply, card entity
/// operations): the caller's or the generated one; NULL when it had none. It belongs to
/// the error. `larkmsg_resend` sends the call again with it.
///
/// # Safety
/// `error` is NULL or an error object that was not freed yet.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn larkmsg_error_uuid(error: *const larkmsg_error) -> *const c_char {
    with(error, ptr::null(), |e| e.uuid.as_ref().map_or(ptr::null(), |uuid| uuid.as_ptr()))
}

/// The call and flat request that send the failed call of `error` again with its `uuid`,
/// or why that is not possible.
pub(crate) fn resend_of(error: *const larkmsg_error) -> Result<(&'static str, Value), Error> {
    with(error, None, |e| e.error.resend().map(|resend| (resend.call(), resend.request().clone()))).ok_or_else(
        || {
            Error::new(
                ErrorKind::InvalidArgument,
                "failed: NULL, or an error that cannot be resent safely (only a failed call with a uuid can be)",
            )
        },
    )
}

/// The error as JSON: `kind`, `message`, and each known detail (`code`, `msg`,
/// `http_status`, `log_id`, `troubleshooter`, `violations` [{path, rule, message}],
/// `permission_violations`, `field_violations`, `retry_after_ms`, `maybe_sent`, `uuid`,
/// `resend` {call, request}).
/// NULL for a NULL error.
///
/// Ownership: borrowed from `error`; valid until `larkmsg_error_free(error)`.
///
/// # Safety
/// `error` is NULL or an error object that was not freed yet.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn larkmsg_error_json(error: *const larkmsg_error) -> *const c_char {
    with(error, ptr::null(), |e| e.json.as_ptr())
}

/// Frees an error object.
///
/// Ownership: takes `error` back; NULL is ignored.
///
/// # Safety
/// `error` is NULL or an error object from this library that was not freed yet.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn larkmsg_error_free(error: *mut larkmsg_error) {
    if !error.is_null() {
        // SAFETY: per the contract, `error` came from `Box::into_raw` in this library.
        drop(unsafe { Box::from_raw(error) });
    }
}
