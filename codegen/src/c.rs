//! The C library's generated Rust sources, from which cbindgen writes the header: one
//! blocking and one asynchronous function per operation, and `larkmsg_result`.

use std::fmt::Write as _;

use crate::api::Api;
use crate::docs::clean;
use crate::{Generated, HEADER};

/// Every generated source of the C library (formatted by the caller).
pub fn generate(api: &Api) -> Vec<Generated> {
    vec![
        Generated { path: "bindings-c/src/operations.rs".into(), text: operations(api) },
        Generated { path: "bindings-c/src/result.rs".into(), text: result(api) },
    ]
}

/// Rust doc comment lines, indented by `indent`.
fn doc(text: &str, indent: &str) -> String {
    let mut out = String::new();
    for line in clean(text).lines() {
        if line.is_empty() {
            let _ = writeln!(out, "{indent}///");
        } else {
            let _ = writeln!(out, "{indent}/// {line}");
        }
    }
    out
}

fn operations(api: &Api) -> String {
    let mut out = format!(
        "//! One blocking and one asynchronous function per operation of the registry, each a\n//! `larkmsg_call` / `larkmsg_call_async` of its name.\n//!\n//! {HEADER}\n\n"
    );
    out.push_str("use std::ffi::{c_char, c_void};\n\n");
    out.push_str("use crate::client::{call_async, call_blocking, larkmsg_callback, larkmsg_client};\n");
    out.push_str("use crate::progress::{call_async_with_progress, call_blocking_with_progress, larkmsg_progress_callback};\n");
    out.push_str("use crate::error::larkmsg_error;\nuse crate::result::larkmsg_result;\n");
    for op in &api.ops {
        let name = &op.name;
        out.push('\n');
        if op.progress {
            out.push_str(&progress_functions(op));
            continue;
        }
        out.push_str(&doc(&op.doc, ""));
        let _ = write!(
            out,
            "///\n/// Blocking: `request_json` is the call's flat request (`{}`; path and query parameters\n/// next to the body fields), `*response_out` receives its result (`{}`) as JSON.\n///\n",
            op.request, op.output
        );
        out.push_str(
            "/// Ownership: on success `*response_out` receives JSON freed with `larkmsg_string_free`.\n",
        );
        out.push_str(
            "/// Must not be called from a `larkmsg_callback`.\n///\n/// # Safety\n/// As `larkmsg_call`.\n",
        );
        let _ = write!(
            out,
            "#[unsafe(no_mangle)]\npub unsafe extern \"C\" fn larkmsg_{name}(\n    client: *const larkmsg_client,\n    request_json: *const c_char,\n    response_out: *mut *mut c_char,\n    error_out: *mut *mut larkmsg_error,\n) -> larkmsg_result {{\n    // SAFETY: forwarded contract.\n    unsafe {{ call_blocking(client, \"{name}\", request_json, response_out, error_out) }}\n}}\n\n"
        );
        let _ = write!(
            out,
            "/// `larkmsg_{name}` without blocking; the callback gets the outcome (see\n/// `larkmsg_call_async`).\n///\n/// # Safety\n/// As `larkmsg_call_async`.\n#[unsafe(no_mangle)]\npub unsafe extern \"C\" fn larkmsg_{name}_async(\n    client: *const larkmsg_client,\n    request_json: *const c_char,\n    callback: larkmsg_callback,\n    user_data: *mut c_void,\n    error_out: *mut *mut larkmsg_error,\n) -> larkmsg_result {{\n    // SAFETY: forwarded contract.\n    unsafe {{ call_async(client, \"{name}\", request_json, callback, user_data, error_out) }}\n}}\n"
        );
    }
    out
}

/// The two functions of a call that reports progress: its callback and user data come
/// before the out-parameters.
fn progress_functions(op: &crate::api::Op) -> String {
    let name = &op.name;
    let mut out = doc(&op.doc, "");
    let _ = write!(
        out,
        "///\n/// Blocking: `request_json` is the call's request (`{}`), `*response_out` receives its result (`{}`) as JSON.\n/// `progress` (may be NULL) is called on the calling thread, with `user_data`, after each request.\n///\n",
        op.request, op.output
    );
    out.push_str(
        "/// Ownership: on success `*response_out` receives JSON freed with `larkmsg_string_free`.\n",
    );
    out.push_str(
        "/// Must not be called from a `larkmsg_callback`.\n///\n/// # Safety\n/// As `larkmsg_call_ex`.\n",
    );
    let _ = write!(
        out,
        "#[unsafe(no_mangle)]\npub unsafe extern \"C\" fn larkmsg_{name}(\n    client: *const larkmsg_client,\n    request_json: *const c_char,\n    progress: larkmsg_progress_callback,\n    user_data: *mut c_void,\n    response_out: *mut *mut c_char,\n    error_out: *mut *mut larkmsg_error,\n) -> larkmsg_result {{\n    // SAFETY: forwarded contract.\n    unsafe {{ call_blocking_with_progress(client, \"{name}\", request_json, progress, user_data, response_out, error_out) }}\n}}\n\n"
    );
    let _ = write!(
        out,
        "/// `larkmsg_{name}` without blocking: `progress` (may be NULL) is called from a runtime\n/// thread, one report at a time, and `callback` once with the outcome, both with `user_data`.\n///\n/// # Safety\n/// As `larkmsg_call_async`.\n#[unsafe(no_mangle)]\npub unsafe extern \"C\" fn larkmsg_{name}_async(\n    client: *const larkmsg_client,\n    request_json: *const c_char,\n    progress: larkmsg_progress_callback,\n    callback: larkmsg_callback,\n    user_data: *mut c_void,\n    error_out: *mut *mut larkmsg_error,\n) -> larkmsg_result {{\n    // SAFETY: forwarded contract.\n    unsafe {{ call_async_with_progress(client, \"{name}\", request_json, progress, callback, user_data, error_out) }}\n}}\n"
    );
    out
}

fn variant(name: &str) -> String {
    name.split('_').map(|part| part[..1].to_uppercase() + &part[1..]).collect()
}

fn result(api: &Api) -> String {
    let mut out =
        format!("//! [`larkmsg_result`]: success, or the kind of a failure.\n//!\n//! {HEADER}\n\n");
    out.push_str("use std::ffi::CStr;\n\nuse larkmsg_core::ErrorKind;\n\n");
    out.push_str("/// The outcome of a call: `LARKMSG_RESULT_OK`, or the kind of the failure (the kinds are\n/// those of the core, shared by every binding; `LARKMSG_RESULT_INTERNAL` for a bug caught\n/// inside the library).\n");
    out.push_str("#[repr(C)]\n#[derive(Debug, Clone, Copy, PartialEq, Eq)]\npub enum larkmsg_result {\n    /// Success.\n    Ok = 0,\n");
    for kind in &api.kinds {
        out.push_str(&doc(kind.doc, "    "));
        let _ = writeln!(out, "    {} = {},", variant(kind.name), kind.code);
    }
    out.push_str("}\n\n");
    out.push_str("impl larkmsg_result {\n    /// The result code of an error kind.\n    pub(crate) fn of(kind: ErrorKind) -> Self {\n        match kind {\n");
    for kind in &api.kinds {
        let _ = writeln!(out, "            ErrorKind::{0} => Self::{0},", variant(kind.name));
    }
    out.push_str("            _ => Self::Internal,\n        }\n    }\n}\n\n");
    out.push_str("/// The stable name of an error kind, as a C string.\npub(crate) fn kind_name(kind: ErrorKind) -> &'static CStr {\n    match kind {\n");
    for kind in &api.kinds {
        let _ = writeln!(out, "        ErrorKind::{} => c\"{}\",", variant(kind.name), kind.name);
    }
    out.push_str("        _ => c\"internal\",\n    }\n}\n");
    out
}
