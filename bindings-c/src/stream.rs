//! [`larkmsg_card_stream`]: a card entity streamed into (`larkmsg::CardStream`), for the
//! "typewriter" answers of AI assistants.

use std::ffi::{CString, c_char};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::ptr;

use larkmsg_core::{CardStream, Error, StreamCardOptions, runtime};

use crate::client::{client_arg, larkmsg_client};
use crate::error::larkmsg_error;
use crate::ffi::{cstring_lossy, guard, invalid, json_arg, require_out, str_arg, string_out, write_out};
use crate::result::larkmsg_result;

/// A card entity in streaming mode, sent, being streamed into. Thread-safe.
///
/// Made by `larkmsg_card_stream_start`, freed by `larkmsg_card_stream_free`.
pub struct larkmsg_card_stream {
    stream: CardStream,
    card_id: CString,
    message_id: CString,
}

/// # Safety
/// `stream` is NULL or a live stream.
unsafe fn stream_arg<'a>(stream: *const larkmsg_card_stream) -> Result<&'a larkmsg_card_stream, Error> {
    // SAFETY: per the contract.
    unsafe { stream.as_ref() }.ok_or_else(|| invalid("stream", "must not be NULL"))
}

/// # Safety
/// `text` is NULL or a NUL-terminated string.
unsafe fn optional_str<'a>(text: *const c_char, name: &str) -> Result<Option<&'a str>, Error> {
    if text.is_null() {
        return Ok(None);
    }
    // SAFETY: forwarded contract.
    unsafe { str_arg(text, name) }.map(Some)
}

/// Creates a card entity in streaming mode and sends it, blocking until both are done.
/// `options_json` is the core's stream options: `{"receive_id_type", "receive_id"}` or
/// `{"reply_to", "reply_in_thread"?}`, and optionally `"card"` (a card spec as
/// `larkmsg_build_content`'s `card`), `"element_id"` (default `"answer"`), `"text"`,
/// `"streaming_config"`, `"summary"`, `"rate_share"` (of the card's 10 operations per
/// second, default 0.8), `"auto_close_ms"`, `"finish_timeout_ms"`, `"uuid"`. The stream
/// then pushes the latest text in the background, at that pace, with its own sequence.
///
/// Ownership: on success `*stream_out` receives a stream the caller frees with
/// `larkmsg_card_stream_free`. Must not be called from a `larkmsg_callback`.
///
/// # Safety
/// `client` is NULL or a live client; `options_json` is NULL or a NUL-terminated string;
/// `stream_out` and `error_out` are NULL or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn larkmsg_card_stream_start(
    client: *const larkmsg_client,
    options_json: *const c_char,
    stream_out: *mut *mut larkmsg_card_stream,
    error_out: *mut *mut larkmsg_error,
) -> larkmsg_result {
    guard(error_out, || {
        require_out(stream_out, "stream_out")?;
        // SAFETY: forwarded contract.
        let client = unsafe { client_arg(client) }?;
        // SAFETY: forwarded contract.
        let options = StreamCardOptions::from_json(unsafe { json_arg(options_json, "options_json") }?)?;
        let stream = runtime::block_on(client.stream_card(options))??;
        let card_id = cstring_lossy(stream.card_id());
        let message_id = cstring_lossy(stream.message_id());
        let object = Box::into_raw(Box::new(larkmsg_card_stream { stream, card_id, message_id }));
        // SAFETY: checked non-NULL above; writable per the contract.
        unsafe { write_out(stream_out, object) };
        Ok(())
    })
}

/// The card entity's id; NULL for a NULL stream.
///
/// Ownership: belongs to the stream (valid until `larkmsg_card_stream_free`).
///
/// # Safety
/// `stream` is NULL or a live stream.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn larkmsg_card_stream_card_id(stream: *const larkmsg_card_stream) -> *const c_char {
    // SAFETY: per the contract.
    unsafe { stream.as_ref() }.map_or(ptr::null(), |stream| stream.card_id.as_ptr())
}

/// The id of the message that sent the card; NULL for a NULL stream.
///
/// Ownership: belongs to the stream (valid until `larkmsg_card_stream_free`).
///
/// # Safety
/// `stream` is NULL or a live stream.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn larkmsg_card_stream_message_id(stream: *const larkmsg_card_stream) -> *const c_char {
    // SAFETY: per the contract.
    unsafe { stream.as_ref() }.map_or(ptr::null(), |stream| stream.message_id.as_ptr())
}

/// Appends `delta` (a token of the answer) to the text; never waits for the network. Fails
/// once the stream was finished or failed for good (with that failure), or when the text
/// would pass 100,000 characters (nothing is appended then).
///
/// # Safety
/// `stream` is NULL or a live stream; `delta` is NULL or a NUL-terminated string;
/// `error_out` is NULL or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn larkmsg_card_stream_append(
    stream: *const larkmsg_card_stream,
    delta: *const c_char,
    error_out: *mut *mut larkmsg_error,
) -> larkmsg_result {
    guard(error_out, || {
        // SAFETY: forwarded contract (twice).
        let (stream, delta) = unsafe { (stream_arg(stream)?, str_arg(delta, "delta")?) };
        stream.stream.append(delta)
    })
}

/// Replaces the whole text; never waits for the network. Fails as `larkmsg_card_stream_append`.
///
/// # Safety
/// As `larkmsg_card_stream_append`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn larkmsg_card_stream_push(
    stream: *const larkmsg_card_stream,
    text: *const c_char,
    error_out: *mut *mut larkmsg_error,
) -> larkmsg_result {
    guard(error_out, || {
        // SAFETY: forwarded contract (twice).
        let (stream, text) = unsafe { (stream_arg(stream)?, str_arg(text, "text")?) };
        stream.stream.push(text)
    })
}

/// Finishes the stream, blocking: `text` (when not NULL) replaces the text; the exact text
/// is put on the card, streaming mode turned off and the summary set (`summary`, else the
/// options' summary, else the start of the text). Each step is repeated after failures
/// that may pass until it lands or the finish timeout passes (`LARKMSG_RESULT_TIMEOUT`,
/// saying which step did not land). Calling it again gives the same outcome.
///
/// Ownership: on success `*summary_out` (when not NULL) receives the summary as JSON
/// (`card_id`, `message_id`, `sequence`, `operations`, `pushes`, `sequence_conflicts`,
/// `reopened`, `text_chars`, `final_text_ms`), freed with `larkmsg_string_free`. Must not be
/// called from a `larkmsg_callback`.
///
/// # Safety
/// `stream` is NULL or a live stream; `text` and `summary` are NULL or NUL-terminated
/// strings; `summary_out` and `error_out` are NULL or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn larkmsg_card_stream_finish(
    stream: *const larkmsg_card_stream,
    text: *const c_char,
    summary: *const c_char,
    summary_out: *mut *mut c_char,
    error_out: *mut *mut larkmsg_error,
) -> larkmsg_result {
    guard(error_out, || {
        // SAFETY: forwarded contract (three times).
        let (stream, text, summary) =
            unsafe { (stream_arg(stream)?, optional_str(text, "text")?, optional_str(summary, "summary")?) };
        let finished = stream.stream.finish_blocking(text, summary)?;
        let json = serde_json::to_string(&finished).unwrap_or_else(|_| "{}".to_owned());
        let json = string_out(json)?;
        if summary_out.is_null() {
            // SAFETY: `json` came from `CString::into_raw` just above.
            unsafe { crate::larkmsg_string_free(json) };
        } else {
            // SAFETY: non-NULL and writable per the contract.
            unsafe { write_out(summary_out, json) };
        }
        Ok(())
    })
}

/// Frees a stream. One not finished is finished in the background with the text so far
/// (failures are logged, see `larkmsg_enable_logging`).
///
/// Ownership: takes `stream` back; NULL is ignored.
///
/// # Safety
/// `stream` is NULL or a stream from `larkmsg_card_stream_start` that was not freed yet,
/// and no other thread is using it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn larkmsg_card_stream_free(stream: *mut larkmsg_card_stream) {
    if !stream.is_null() {
        let _ = catch_unwind(AssertUnwindSafe(|| {
            // SAFETY: per the contract, `stream` came from `Box::into_raw` in `larkmsg_card_stream_start`.
            drop(unsafe { Box::from_raw(stream) });
        }));
    }
}
