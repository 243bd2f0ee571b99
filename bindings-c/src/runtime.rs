//! `larkmsg_shutdown`: stops the library's runtime threads when a program is done with it.

use std::time::Duration;

use crate::error::larkmsg_error;
use crate::ffi::guard;
use crate::result::larkmsg_result;

/// How long `larkmsg_shutdown` waits for the runtime's tasks to end.
const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(5);

/// Stops the library's shared runtime and joins its threads (waiting up to 5 seconds for
/// work still running), so that nothing of the library runs or stays allocated afterwards
/// and leak checkers such as valgrind report no thread of it. Optional: without it the
/// threads end with the process. A later call of the library starts the runtime again.
///
/// Fails with `LARKMSG_RESULT_CONFIG` when called from a callback (a runtime thread).
///
/// # Safety
/// Call it when no other thread is inside a larkmsg function and every `_async` call has
/// called back; clients and fakes may still exist (free them first to release their memory
/// too). `error_out` is NULL or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn larkmsg_shutdown(error_out: *mut *mut larkmsg_error) -> larkmsg_result {
    // SAFETY: the caller's contract is the core's: no other user of the runtime.
    guard(error_out, || unsafe { larkmsg_core::runtime::shutdown(SHUTDOWN_TIMEOUT) })
}
