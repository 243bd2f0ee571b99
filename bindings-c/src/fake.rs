//! [`larkmsg_fake`]: the bundled fake Feishu server, for the tests of C programs.

use std::ffi::{CString, c_char};
use std::ptr;

use larkmsg_core::fake::{FakeConfig, FakeServer};
use larkmsg_core::{Error, ErrorKind, runtime};

use crate::error::larkmsg_error;
use crate::ffi::{cstring_lossy, guard, json_arg, require_out, str_arg, string_out, write_out};
use crate::result::larkmsg_result;

/// A fake Feishu server on 127.0.0.1 (auth endpoints and the four calls, with the
/// platform's checks and codes, an inbox, quotas and injected faults), for tests. Its
/// default self-built app is `cli_fake_app` / `fake_app_secret`.
///
/// Made by `larkmsg_fake_start`, stopped and freed by `larkmsg_fake_free`.
pub struct larkmsg_fake {
    fake: FakeServer,
    url: CString,
}

/// Starts a fake server on a free port of 127.0.0.1; it serves on the library's runtime.
///
/// Ownership: on success `*fake_out` receives the server, stopped and freed with
/// `larkmsg_fake_free`.
///
/// # Safety
/// `fake_out` and `error_out` are NULL or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn larkmsg_fake_start(
    fake_out: *mut *mut larkmsg_fake,
    error_out: *mut *mut larkmsg_error,
) -> larkmsg_result {
    guard(error_out, || {
        require_out(fake_out, "fake_out")?;
        let fake = runtime::block_on(FakeServer::start(FakeConfig::default()))?
            .map_err(|e| Error::new(ErrorKind::Network, format!("cannot start the fake server: {e}")))?;
        let url = cstring_lossy(fake.url());
        let object = Box::into_raw(Box::new(larkmsg_fake { fake, url }));
        // SAFETY: checked non-NULL above; writable per the contract.
        unsafe { write_out(fake_out, object) };
        Ok(())
    })
}

/// The fake's base URL, `http://127.0.0.1:PORT` (give it as `base_url` to a client), or
/// NULL for a NULL fake.
///
/// Ownership: borrowed from `fake`; valid until `larkmsg_fake_free(fake)`.
///
/// # Safety
/// `fake` is NULL or a live fake.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn larkmsg_fake_url(fake: *const larkmsg_fake) -> *const c_char {
    // SAFETY: per the contract.
    unsafe { fake.as_ref() }.map_or(ptr::null(), |fake| fake.url.as_ptr())
}

/// Runs one of the fake's controls, as `METHOD /_fake/NAME` would over HTTP:
/// `("GET", "inbox")`, `("DELETE", "inbox")`, `("POST", "reset")`, `("GET", "counters")`,
/// `("POST", "quotas", {"enabled": true})`, `("POST", "latency", {"ms": 20})`,
/// `("POST", "faults", {"kind": "status_5xx", "endpoint": "send_message", "count": 1})`,
/// `("DELETE", "faults")`, `("POST", "revoke_tokens")`, `("POST", "token_lifetime",
/// {"seconds": 2})`, `("GET", "app_ticket?app_id=…")`. `body_json` may be NULL.
///
/// Returns `LARKMSG_RESULT_OK` when the control answered, whatever its status (a refused
/// control answers 400 or 404 with `{"ok": false, "error": …}`).
///
/// Ownership: on success `*status_out` (when not NULL) receives the HTTP status and
/// `*json_out` (when not NULL) the answer as JSON, freed with `larkmsg_string_free`.
///
/// # Safety
/// `fake` is NULL or a live fake; `method`, `name` and `body_json` are NULL or
/// NUL-terminated strings; the out-parameters are NULL or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn larkmsg_fake_control(
    fake: *const larkmsg_fake,
    method: *const c_char,
    name: *const c_char,
    body_json: *const c_char,
    status_out: *mut u16,
    json_out: *mut *mut c_char,
    error_out: *mut *mut larkmsg_error,
) -> larkmsg_result {
    guard(error_out, || {
        // SAFETY: per the contract.
        let Some(fake) = (unsafe { fake.as_ref() }) else {
            return Err(crate::ffi::invalid("fake", "must not be NULL"));
        };
        // SAFETY: forwarded contract (three times).
        let (method, name) = unsafe { (str_arg(method, "method")?, str_arg(name, "name")?) };
        // SAFETY: forwarded contract.
        let body =
            if body_json.is_null() { None } else { Some(unsafe { json_arg(body_json, "body_json") }?) };
        let (status, answer) = fake.fake.control(method, name, body);
        if !json_out.is_null() {
            let text = string_out(answer.to_string())?;
            // SAFETY: non-NULL; writable per the contract.
            unsafe { write_out(json_out, text) };
        }
        // SAFETY: NULL or writable per the contract.
        unsafe { write_out(status_out, status) };
        Ok(())
    })
}

/// Stops the fake and frees it. Clients pointed at it get connection errors afterwards.
///
/// Ownership: takes `fake` back; NULL is ignored.
///
/// # Safety
/// `fake` is NULL or a fake from `larkmsg_fake_start` that was not freed yet, and no other
/// thread is using it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn larkmsg_fake_free(fake: *mut larkmsg_fake) {
    if !fake.is_null() {
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            // SAFETY: per the contract, `fake` came from `Box::into_raw` in `larkmsg_fake_start`.
            drop(unsafe { Box::from_raw(fake) });
        }));
    }
}
