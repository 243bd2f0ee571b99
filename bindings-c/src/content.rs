//! `larkmsg_build_content`: message content and cards built by the core from a JSON spec.

use std::ffi::c_char;

use crate::error::larkmsg_error;
use crate::ffi::{guard, json_arg, require_out, string_out, write_out};
use crate::result::larkmsg_result;

/// Builds a message content (or one card component) from a spec given as JSON: an object
/// with one key naming what to build and its arguments, e.g. `{"text": "hi"}`,
/// `{"image": {"image_key": "img_…"}}`, `{"post": {"zh_cn": {"title": "…", "content":
/// [[{"tag": "text", "text": "…"}]]}}}`, `{"template": {"template_id": "ctp_…"}}`,
/// `{"card_entity": {"card_id": "…"}}`, or a card JSON 2.0 card:
/// `{"card": {"header": {"title": "…"}, "config": {…}, "elements": [{"markdown":
/// {"content": "**hi**"}}, {"button": {"text": "OK", "value": {"ok": true}}}]}}`. Every
/// kind and field is listed in the documentation of `larkmsg::content::build_content`.
///
/// The core checks what it built against send message's rules (a card against card JSON
/// 2.0's). On success `*out_json` receives `{"msg_type": "…", "content": "…"}`: the
/// `msg_type` and `content` string of a send message request (for an `element` spec,
/// `{"element": {…}}`: the component's card JSON).
///
/// Fails with `LARKMSG_RESULT_INVALID_ARGUMENT` for a NULL or non-JSON spec and for a spec
/// that breaks a rule; the error's JSON lists every violation with its path.
///
/// Ownership: on success `*out_json` receives a string the caller frees with
/// `larkmsg_string_free`.
///
/// # Safety
/// `spec_json` is NULL or a NUL-terminated string; `out_json` and `error_out` are NULL or
/// valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn larkmsg_build_content(
    spec_json: *const c_char,
    out_json: *mut *mut c_char,
    error_out: *mut *mut larkmsg_error,
) -> larkmsg_result {
    guard(error_out, || {
        require_out(out_json, "out_json")?;
        // SAFETY: forwarded contract.
        let spec = unsafe { json_arg(spec_json, "spec_json") }?;
        let built = larkmsg_core::content::build_content(spec)?;
        let text = string_out(built.to_json().to_string())?;
        // SAFETY: checked non-NULL above; writable per the contract.
        unsafe { write_out(out_json, text) };
        Ok(())
    })
}
