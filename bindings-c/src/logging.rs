//! `larkmsg_enable_logging`: the core's logging to stderr.

use std::ffi::c_char;

use crate::error::larkmsg_error;
use crate::ffi::{guard, str_arg};
use crate::result::larkmsg_result;

/// Logs the library's events to stderr, one line each, filtered by `directive`: a level
/// (`"trace"`, `"debug"`, `"info"`, `"warn"`, `"error"`, `"off"`) and/or `target=level`
/// pairs separated by commas (`"larkmsg=debug"`). Calling it again changes the directive.
/// Without a call, the first `larkmsg_client_new` reads the directive from the
/// environment variable `LARKMSG_LOG`. No line ever carries the app secret, an app ticket
/// or a token.
///
/// Fails with `LARKMSG_RESULT_INVALID_ARGUMENT` for a NULL or unparsable directive.
///
/// # Safety
/// `directive` is NULL or a NUL-terminated string; `error_out` is NULL or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn larkmsg_enable_logging(
    directive: *const c_char,
    error_out: *mut *mut larkmsg_error,
) -> larkmsg_result {
    guard(error_out, || {
        // SAFETY: forwarded contract.
        let directive = unsafe { str_arg(directive, "directive") }?;
        larkmsg_core::logging::enable(directive)
    })
}
