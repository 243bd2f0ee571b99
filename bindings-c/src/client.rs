//! [`larkmsg_client`]: options, the blocking calls and their asynchronous variants.

use std::ffi::{c_char, c_void};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::ptr;

use larkmsg_core::{
    CallExtras, CallOutput, Client, ClientOptions, Error, ReceiveIdType, SendMessage, SendMessageRequest,
    runtime,
};
use serde_json::{Value, json};

use crate::error::larkmsg_error;
use crate::ffi::{guard, json_arg, require_out, str_arg, string_out, write_out};
use crate::result::larkmsg_result;

/// A client: credentials, base URL, timeouts, retry policy and quotas, with its connection
/// pool and token cache. Thread-safe: one client may serve any number of threads and
/// concurrent calls.
///
/// Made by `larkmsg_client_new`, freed by `larkmsg_client_free`.
pub struct larkmsg_client {
    client: Client,
}

/// Called once with the outcome of an asynchronous call.
///
/// On success `result` is `LARKMSG_RESULT_OK`, `response_json` the response data and
/// `error` NULL; on failure `result` is the failure's code, `response_json` NULL and
/// `error` the error object. The callback owns both: it frees `response_json` with
/// `larkmsg_string_free` and `error` with `larkmsg_error_free`.
///
/// It runs on one of the library's runtime threads, not the caller's: it must be
/// thread-safe, return quickly, and must not make blocking larkmsg calls (they fail with
/// `LARKMSG_RESULT_CONFIG` there).
pub type larkmsg_callback = Option<
    unsafe extern "C" fn(
        user_data: *mut c_void,
        result: larkmsg_result,
        response_json: *mut c_char,
        error: *mut larkmsg_error,
    ),
>;

/// Makes a client from options given as a JSON object:
/// `{"app_id": "cli_…", "app_secret": "…"}` for a self-built app; add `"tenant_key"` (and
/// `"app_ticket"`) for a store app, or give `"tenant_access_token"` alone. Optional:
/// `"domain"` (`"feishu"` or `"lark"`), `"base_url"`, `"timeouts"` {`connect_ms`,
/// `request_ms`, `total_ms`}, `"retry"` {`max_attempts`, `initial_backoff_ms`,
/// `max_backoff_ms`, `max_throttle_wait_ms`, `receiver_backoff_ms`}, `"quotas"` (false: no
/// pacing), `"shared"` {`redis_url`, `key_prefix`, `fallback_share`, `timeout_ms`} (quotas,
/// tokens and card sequences shared with the app's other processes through Redis),
/// `"user_agent_suffix"`, `"max_response_bytes"` (largest answer read, default
/// 8 MiB), `"root_certificates_pem"` (PEM text) or `"root_certificates_file"` (a path):
/// root certificates trusted besides the system's, and `"insecure_http_hosts"` (hosts an
/// `http://` base URL may name besides loopback ones). Unknown keys are errors.
///
/// Ownership: on success `*client_out` receives a client the caller frees with
/// `larkmsg_client_free`.
///
/// # Safety
/// `options_json` is NULL or a NUL-terminated string; `client_out` and `error_out` are NULL
/// or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn larkmsg_client_new(
    options_json: *const c_char,
    client_out: *mut *mut larkmsg_client,
    error_out: *mut *mut larkmsg_error,
) -> larkmsg_result {
    guard(error_out, || {
        require_out(client_out, "client_out")?;
        // SAFETY: forwarded contract.
        let mut options = unsafe { json_arg(options_json, "options_json") }?;
        if let Value::Object(map) = &mut options {
            map.entry("user_agent_suffix").or_insert_with(|| json!("c"));
        }
        let client = ClientOptions::from_json(options)?.build()?;
        let object = Box::into_raw(Box::new(larkmsg_client { client }));
        // SAFETY: checked non-NULL above; writable per the contract.
        unsafe { write_out(client_out, object) };
        Ok(())
    })
}

/// Frees a client. Asynchronous calls already started keep their own reference and still
/// complete.
///
/// Ownership: takes `client` back; NULL is ignored.
///
/// # Safety
/// `client` is NULL or a client from `larkmsg_client_new` that was not freed yet, and no
/// other thread is using it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn larkmsg_client_free(client: *mut larkmsg_client) {
    if !client.is_null() {
        let _ = catch_unwind(AssertUnwindSafe(|| {
            // SAFETY: per the contract, `client` came from `Box::into_raw` in `larkmsg_client_new`.
            drop(unsafe { Box::from_raw(client) });
        }));
    }
}

/// Gives a store app's client the latest `app_ticket` (pushed by the platform as an event).
///
/// # Safety
/// `client` is NULL or a live client; `app_ticket` is NULL or a NUL-terminated string;
/// `error_out` is NULL or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn larkmsg_client_set_app_ticket(
    client: *const larkmsg_client,
    app_ticket: *const c_char,
    error_out: *mut *mut larkmsg_error,
) -> larkmsg_result {
    guard(error_out, || {
        // SAFETY: forwarded contract.
        let client = unsafe { client_arg(client) }?;
        // SAFETY: forwarded contract.
        let ticket = unsafe { str_arg(app_ticket, "app_ticket") }?;
        client.set_app_ticket(ticket.to_owned())
    })
}

/// # Safety
/// `client` is NULL or a live client.
pub(crate) unsafe fn client_arg<'a>(client: *const larkmsg_client) -> Result<&'a Client, Error> {
    // SAFETY: per the contract.
    match unsafe { client.as_ref() } {
        Some(object) => Ok(&object.client),
        None => Err(crate::ffi::invalid("client", "must not be NULL")),
    }
}

/// Runs the operation `name` blocking with the request JSON `request_json` (the generated
/// per-operation functions).
///
/// # Safety
/// As `larkmsg_call`.
pub(crate) unsafe fn call_blocking(
    client: *const larkmsg_client,
    name: &'static str,
    request_json: *const c_char,
    response_out: *mut *mut c_char,
    error_out: *mut *mut larkmsg_error,
) -> larkmsg_result {
    // SAFETY: forwarded contract.
    unsafe {
        run_blocking(
            client,
            || Ok(name),
            || json_arg(request_json, "request_json"),
            CallExtras::default,
            response_out,
            error_out,
        )
    }
}

/// Runs a call blocking (with its buffers and progress callback) and writes the response
/// JSON to `response_out`.
///
/// # Safety
/// As the exported blocking calls.
pub(crate) unsafe fn run_blocking(
    client: *const larkmsg_client,
    call: impl FnOnce() -> Result<&'static str, Error>,
    request: impl FnOnce() -> Result<Value, Error>,
    extras: impl FnOnce() -> CallExtras,
    response_out: *mut *mut c_char,
    error_out: *mut *mut larkmsg_error,
) -> larkmsg_result {
    // SAFETY: forwarded contract.
    unsafe {
        block_on_output(
            client,
            |client| {
                let (call, request) = (call()?, request()?);
                Ok(async move { client.call_output(call, request, extras()).await })
            },
            response_out,
            error_out,
        )
    }
}

/// Runs the call that `start` makes of the client (after checking its arguments), blocking,
/// and writes its answer's JSON text to `response_out`.
///
/// # Safety
/// As the exported blocking calls.
unsafe fn block_on_output<F>(
    client: *const larkmsg_client,
    start: impl FnOnce(Client) -> Result<F, Error>,
    response_out: *mut *mut c_char,
    error_out: *mut *mut larkmsg_error,
) -> larkmsg_result
where
    F: Future<Output = Result<CallOutput, Error>>,
{
    guard(error_out, || {
        require_out(response_out, "response_out")?;
        // SAFETY: forwarded contract.
        let call = start(unsafe { client_arg(client) }?.clone())?;
        let text = string_out(runtime::block_on(call)??.into_json()?)?;
        // SAFETY: checked non-NULL above; writable per the contract.
        unsafe { write_out(response_out, text) };
        Ok(())
    })
}

/// Runs the call named `call` (an operation such as `"send_message"` or `"upload_image"`,
/// or a flow such as `"send_image"`; see the per-call functions) with its request,
/// blocking the calling thread until it is done. The request is validated first: a broken
/// rule is `LARKMSG_RESULT_INVALID_ARGUMENT` and nothing is sent.
///
/// Ownership: on success `*response_out` receives the response data as JSON, freed with
/// `larkmsg_string_free`. Must not be called from a `larkmsg_callback`.
///
/// # Safety
/// `client` is NULL or a live client; `call` and `request_json` are NULL or NUL-terminated
/// strings; `response_out` and `error_out` are NULL or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn larkmsg_call(
    client: *const larkmsg_client,
    call: *const c_char,
    request_json: *const c_char,
    response_out: *mut *mut c_char,
    error_out: *mut *mut larkmsg_error,
) -> larkmsg_result {
    // SAFETY: forwarded contract.
    unsafe {
        run_blocking(
            client,
            || call_name(str_arg(call, "call")?),
            || json_arg(request_json, "request_json"),
            CallExtras::default,
            response_out,
            error_out,
        )
    }
}

/// Sends the failed call of `failed` again exactly as it was sent, with the same `uuid`,
/// blocking: the remedy when `larkmsg_error_maybe_sent(failed)`; within the platform's
/// one-hour window it never makes a second message. `LARKMSG_RESULT_INVALID_ARGUMENT` when
/// `failed` cannot be resent safely (a broken rule, or a batch).
///
/// Ownership: on success `*response_out` receives the result as JSON, freed with
/// `larkmsg_string_free`; `failed` stays the caller's.
///
/// # Safety
/// `client` is NULL or a live client; `failed` is NULL or an error object that was not
/// freed yet; `response_out` and `error_out` are NULL or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn larkmsg_resend(
    client: *const larkmsg_client,
    failed: *const larkmsg_error,
    response_out: *mut *mut c_char,
    error_out: *mut *mut larkmsg_error,
) -> larkmsg_result {
    let (call, request) = match crate::error::resend_of(failed) {
        Ok((call, request)) => (Ok(call), Ok(request)),
        Err(error) => (Err(error.clone()), Err(error)),
    };
    // SAFETY: forwarded contract.
    unsafe { run_blocking(client, || call, || request, CallExtras::default, response_out, error_out) }
}

/// The send message request of a text message, typed: it skips the JSON values a call by
/// name goes through, and is checked by the same rules.
///
/// # Safety
/// The pointers are NULL or NUL-terminated strings.
unsafe fn text_message(
    receive_id_type: *const c_char,
    receive_id: *const c_char,
    text: *const c_char,
) -> Result<SendMessageRequest, Error> {
    // SAFETY: forwarded contract (three times).
    let (id_type, id, text) = unsafe {
        (
            str_arg(receive_id_type, "receive_id_type")?,
            str_arg(receive_id, "receive_id")?,
            str_arg(text, "text")?,
        )
    };
    Ok(SendMessageRequest::text(ReceiveIdType::from(id_type), id, text))
}

/// Sends a text message, blocking: `receive_id_type` is `"open_id"`, `"union_id"`,
/// `"user_id"`, `"email"` or `"chat_id"`; `text` is the plain text (`<at>` tags allowed).
///
/// Ownership: on success `*response_out` receives the message as JSON, freed with
/// `larkmsg_string_free`.
///
/// # Safety
/// `client` is NULL or a live client; the strings are NULL or NUL-terminated;
/// `response_out` and `error_out` are NULL or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn larkmsg_send_text(
    client: *const larkmsg_client,
    receive_id_type: *const c_char,
    receive_id: *const c_char,
    text: *const c_char,
    response_out: *mut *mut c_char,
    error_out: *mut *mut larkmsg_error,
) -> larkmsg_result {
    // SAFETY: forwarded contract.
    unsafe {
        block_on_output(
            client,
            |client| {
                let request = text_message(receive_id_type, receive_id, text)?;
                Ok(async move { client.call_output_of::<SendMessage>(request).await })
            },
            response_out,
            error_out,
        )
    }
}

/// What the asynchronous calls carry to their callback thread.
struct Completion {
    callback: unsafe extern "C" fn(*mut c_void, larkmsg_result, *mut c_char, *mut larkmsg_error),
    user_data: *mut c_void,
}

// SAFETY: the callback contract requires the callback and its user data to be usable from
// another thread; the library never touches `user_data` itself.
unsafe impl Send for Completion {}

impl Completion {
    /// Hands a failure reported as `result` to the callback.
    fn fail(self, result: larkmsg_result, error: Error) {
        let error = Box::into_raw(Box::new(larkmsg_error::new(result, error)));
        // SAFETY: the caller gave a callback that takes these arguments (see larkmsg_callback).
        unsafe { (self.callback)(self.user_data, result, ptr::null_mut(), error) };
    }

    /// Hands the outcome to the callback (exactly once).
    fn complete(self, outcome: Result<CallOutput, Error>) {
        let delivered =
            catch_unwind(AssertUnwindSafe(|| outcome.and_then(CallOutput::into_json).and_then(string_out)));
        match delivered {
            Ok(Ok(text)) => {
                // SAFETY: the caller gave a callback that takes these arguments (see larkmsg_callback).
                unsafe { (self.callback)(self.user_data, larkmsg_result::Ok, text, ptr::null_mut()) };
            }
            Ok(Err(error)) => self.fail(larkmsg_result::of(error.kind()), error),
            Err(payload) => self.fail(larkmsg_result::Internal, runtime::panic_error(payload)),
        }
    }
}

/// Starts the operation `name` with the request JSON `request_json` (the generated
/// per-operation functions).
///
/// # Safety
/// As `larkmsg_call_async`.
pub(crate) unsafe fn call_async(
    client: *const larkmsg_client,
    name: &'static str,
    request_json: *const c_char,
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
            CallExtras::default,
            callback,
            user_data,
            error_out,
        )
    }
}

/// Starts a call (with its buffers and progress callback) on the shared runtime; the
/// callback gets its outcome.
///
/// # Safety
/// As the exported asynchronous calls.
pub(crate) unsafe fn run_async(
    client: *const larkmsg_client,
    call: &'static str,
    request: impl FnOnce() -> Result<Value, Error>,
    extras: impl FnOnce() -> CallExtras,
    callback: larkmsg_callback,
    user_data: *mut c_void,
    error_out: *mut *mut larkmsg_error,
) -> larkmsg_result {
    // SAFETY: forwarded contract.
    unsafe {
        spawn_output(
            client,
            |client| {
                let (request, extras) = (request()?, extras());
                Ok(async move { client.call_output(call, request, extras).await })
            },
            callback,
            user_data,
            error_out,
        )
    }
}

/// Starts the call that `start` makes of the client (after checking its arguments) on the
/// shared runtime; the callback gets its outcome.
///
/// # Safety
/// As the exported asynchronous calls.
unsafe fn spawn_output<F>(
    client: *const larkmsg_client,
    start: impl FnOnce(Client) -> Result<F, Error>,
    callback: larkmsg_callback,
    user_data: *mut c_void,
    error_out: *mut *mut larkmsg_error,
) -> larkmsg_result
where
    F: Future<Output = Result<CallOutput, Error>> + Send + 'static,
{
    guard(error_out, || {
        let Some(callback) = callback else {
            return Err(crate::ffi::invalid("callback", "must not be NULL"));
        };
        // SAFETY: forwarded contract.
        let call = start(unsafe { client_arg(client) }?.clone())?;
        let completion = Completion { callback, user_data };
        // Even a panic inside the call reaches the callback (as LARKMSG_RESULT_INTERNAL).
        runtime::spawn_settled(call, move |outcome| completion.complete(outcome))?;
        Ok(())
    })
}

/// The name of a call (an operation or a flow) as a static string, or an error for an
/// unknown one.
pub(crate) fn call_name(name: &str) -> Result<&'static str, Error> {
    larkmsg_core::call_names().find(|known| *known == name).ok_or_else(|| {
        let known: Vec<&str> = larkmsg_core::call_names().collect();
        crate::ffi::invalid("call", &format!("{name:?} is unknown; expected one of {}", known.join(", ")))
    })
}

/// Starts the call named `call` (as `larkmsg_call`) without blocking.
///
/// Returns `LARKMSG_RESULT_OK` when the call was started: `callback` is then invoked
/// exactly once, later, on a runtime thread, with `user_data` and the outcome (validation
/// errors included). Any other result means an argument was unusable (NULL client or
/// callback, request not UTF-8 or not JSON, unknown call): the callback is never invoked.
/// The client may be freed as soon as this returns. Calls still running when the process
/// exits never call back.
///
/// # Safety
/// `client` is NULL or a live client; `call` and `request_json` are NULL or NUL-terminated
/// strings; `user_data` is passed through untouched; `error_out` is NULL or valid for
/// writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn larkmsg_call_async(
    client: *const larkmsg_client,
    call: *const c_char,
    request_json: *const c_char,
    callback: larkmsg_callback,
    user_data: *mut c_void,
    error_out: *mut *mut larkmsg_error,
) -> larkmsg_result {
    let mut name = "";
    // SAFETY: forwarded contract.
    let checked = guard(error_out, || {
        name = call_name(unsafe { str_arg(call, "call") }?)?;
        Ok(())
    });
    if checked != larkmsg_result::Ok {
        return checked;
    }
    // SAFETY: forwarded contract.
    unsafe {
        run_async(
            client,
            name,
            || json_arg(request_json, "request_json"),
            CallExtras::default,
            callback,
            user_data,
            error_out,
        )
    }
}

/// `larkmsg_send_text` without blocking; the callback gets the outcome (see
/// `larkmsg_call_async`).
///
/// # Safety
/// As `larkmsg_send_text` for the strings, as `larkmsg_call_async` for the rest.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn larkmsg_send_text_async(
    client: *const larkmsg_client,
    receive_id_type: *const c_char,
    receive_id: *const c_char,
    text: *const c_char,
    callback: larkmsg_callback,
    user_data: *mut c_void,
    error_out: *mut *mut larkmsg_error,
) -> larkmsg_result {
    // SAFETY: forwarded contract.
    unsafe {
        spawn_output(
            client,
            |client| {
                let request = text_message(receive_id_type, receive_id, text)?;
                Ok(async move { client.call_output_of::<SendMessage>(request).await })
            },
            callback,
            user_data,
            error_out,
        )
    }
}
