//! The C API of `bindings-c` with arbitrary bytes and NULL pointers: options, call names,
//! requests, text arguments, out-parameters and callbacks, in any order. Calls go to
//! clients whose base URL is a closed port of 127.0.0.1 (retries off, short timeouts), so
//! nothing waits and nothing leaves the machine; clients made from fuzzed options are only
//! made, given app tickets and freed.
//!
//! `HostileAnswer` gives a server on 127.0.0.1 fuzzed bytes to answer every request with
//! (any status line, headers, lengths and body), and calls go there: to a ready token, and
//! to a self-built app whose token request gets the same answer.
//!
//! Never a panic (not even one caught at the boundary), never a call to a closed port
//! reported as done; every failure gives a complete error object whose result, kind,
//! message and JSON agree; out-parameters are written only on success (a hostile answer's
//! success is JSON); no secret shows in an error.
#![no_main]

use std::ffi::{CStr, CString, c_char, c_void};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::ptr;
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::Duration;

use arbitrary::Arbitrary;
use larkmsg_capi::*;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

/// The app secret and the token of the clients calls go to; never in an error.
const APP_SECRET: &str = "fuzz-app-secret-5b1e0c";
const TOKEN: &str = "fuzz-tenant-token-77d2aa";

/// A C string argument: NULL, or arbitrary bytes (NUL bytes dropped, any UTF-8 or not).
#[derive(Debug, Arbitrary)]
enum Arg {
    Null,
    Bytes(Vec<u8>),
}

impl Arg {
    fn to_c(&self) -> Option<CString> {
        match self {
            Self::Null => None,
            Self::Bytes(bytes) => {
                Some(CString::new(bytes.iter().copied().filter(|&b| b != 0).collect::<Vec<u8>>()).unwrap())
            }
        }
    }
}

/// The pointer of an optional C string.
fn ptr_of(arg: &Option<CString>) -> *const c_char {
    arg.as_ref().map_or(ptr::null(), |text| text.as_ptr())
}

/// Which client a call goes to.
#[derive(Debug, Clone, Copy, Arbitrary)]
enum Target {
    Null,
    /// A ready tenant token.
    Token,
    /// A self-built app (the call first asks for a token).
    SelfBuilt,
    /// A store app without an app ticket yet.
    StoreApp,
}

/// The C functions of one call each: every operation of the registry and the flows that
/// report no progress.
#[derive(Debug, Clone, Copy, Arbitrary)]
enum Endpoint {
    SendMessage,
    ReplyMessage,
    BatchSend,
    CreateCard,
    UpdateCardSettings,
    UpdateCard,
    UpdateCardElementContent,
    CreateCardElements,
    UpdateCardElement,
    PatchCardElement,
    DeleteCardElement,
    CreateAppFeedCard,
    UploadImage,
    UploadFile,
    SendImage,
    SendFile,
}

type Blocking = unsafe extern "C" fn(
    *const larkmsg_client,
    *const c_char,
    *mut *mut c_char,
    *mut *mut larkmsg_error,
) -> larkmsg_result;
type Asynchronous = unsafe extern "C" fn(
    *const larkmsg_client,
    *const c_char,
    larkmsg_callback,
    *mut c_void,
    *mut *mut larkmsg_error,
) -> larkmsg_result;

/// A PNG header of 64 x 48 pixels, base64-encoded.
const PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAEAAAAAwCAYAAAAAAAAAAAAAAA==";

impl Endpoint {
    /// The call's name and its blocking and asynchronous functions.
    fn functions(self) -> (&'static str, Blocking, Asynchronous) {
        match self {
            Self::SendMessage => ("send_message", larkmsg_send_message, larkmsg_send_message_async),
            Self::ReplyMessage => ("reply_message", larkmsg_reply_message, larkmsg_reply_message_async),
            Self::BatchSend => ("batch_send", larkmsg_batch_send, larkmsg_batch_send_async),
            Self::CreateCard => ("create_card", larkmsg_create_card, larkmsg_create_card_async),
            Self::UpdateCardSettings => {
                ("update_card_settings", larkmsg_update_card_settings, larkmsg_update_card_settings_async)
            }
            Self::UpdateCard => ("update_card", larkmsg_update_card, larkmsg_update_card_async),
            Self::UpdateCardElementContent => (
                "update_card_element_content",
                larkmsg_update_card_element_content,
                larkmsg_update_card_element_content_async,
            ),
            Self::CreateCardElements => {
                ("create_card_elements", larkmsg_create_card_elements, larkmsg_create_card_elements_async)
            }
            Self::UpdateCardElement => {
                ("update_card_element", larkmsg_update_card_element, larkmsg_update_card_element_async)
            }
            Self::PatchCardElement => {
                ("patch_card_element", larkmsg_patch_card_element, larkmsg_patch_card_element_async)
            }
            Self::DeleteCardElement => {
                ("delete_card_element", larkmsg_delete_card_element, larkmsg_delete_card_element_async)
            }
            Self::CreateAppFeedCard => {
                ("create_app_feed_card", larkmsg_create_app_feed_card, larkmsg_create_app_feed_card_async)
            }
            Self::UploadImage => ("upload_image", larkmsg_upload_image, larkmsg_upload_image_async),
            Self::UploadFile => ("upload_file", larkmsg_upload_file, larkmsg_upload_file_async),
            Self::SendImage => ("send_image", larkmsg_send_image, larkmsg_send_image_async),
            Self::SendFile => ("send_file", larkmsg_send_file, larkmsg_send_file_async),
        }
    }

    /// A valid request of the call, for the hostile answers.
    fn request(self) -> String {
        let card = "\"card_id\":\"7000000000000000001\",\"sequence\":2";
        match self {
            Self::SendMessage => {
                r#"{"receive_id_type":"open_id","receive_id":"ou_1","msg_type":"text","content":"{\"text\":\"hi\"}"}"#.into()
            }
            Self::ReplyMessage => r#"{"message_id":"om_1","msg_type":"text","content":"{\"text\":\"hi\"}"}"#.into(),
            Self::BatchSend => r#"{"msg_type":"text","content":{"text":"hi"},"open_ids":["ou_1"]}"#.into(),
            Self::CreateCard => r#"{"type":"template","data":"{\"template_id\":\"ctp_1\"}"}"#.into(),
            Self::UpdateCardSettings => format!(r#"{{{card},"settings":{{"config":{{"streaming_mode":false}}}}}}"#),
            Self::UpdateCard => format!(
                r#"{{{card},"card":{{"type":"card_json","data":"{{\"schema\":\"2.0\",\"body\":{{\"elements\":[]}}}}"}}}}"#
            ),
            Self::UpdateCardElementContent => format!(r#"{{{card},"element_id":"answer","content":"hi"}}"#),
            Self::CreateCardElements => format!(
                r#"{{{card},"type":"append","elements":"[{{\"tag\":\"markdown\",\"element_id\":\"more\",\"content\":\"hi\"}}]"}}"#
            ),
            Self::UpdateCardElement => format!(
                r#"{{{card},"element_id":"answer","element":{{"tag":"markdown","element_id":"answer","content":"hi"}}}}"#
            ),
            Self::PatchCardElement => format!(r#"{{{card},"element_id":"answer","partial_element":{{"content":"hi"}}}}"#),
            Self::DeleteCardElement => format!(r#"{{{card},"element_id":"answer"}}"#),
            Self::CreateAppFeedCard => {
                r#"{"app_feed_card":{"title":"t","link":{"link":"https://www.feishu.cn/"}},"user_ids":["ou_1"]}"#.into()
            }
            Self::UploadImage => format!(r#"{{"image_type":"message","image":{{"base64":"{PNG}"}}}}"#),
            Self::UploadFile => r#"{"file_type":"pdf","file_name":"a.pdf","file":{"base64":"JVBERi0xLjQK"}}"#.into(),
            Self::SendImage => format!(r#"{{"receive_id_type":"open_id","receive_id":"ou_1","image":{{"base64":"{PNG}"}}}}"#),
            Self::SendFile => {
                r#"{"receive_id_type":"open_id","receive_id":"ou_1","file_name":"a.pdf","file":{"base64":"JVBERi0xLjQK"}}"#.into()
            }
        }
    }
}

/// The C functions of the flows that report progress.
#[derive(Debug, Clone, Copy, Arbitrary)]
enum Flow {
    BatchSendAll,
    CreateAppFeedCardAll,
    SendCampaign,
}

type FlowBlocking = unsafe extern "C" fn(
    *const larkmsg_client,
    *const c_char,
    larkmsg_progress_callback,
    *mut c_void,
    *mut *mut c_char,
    *mut *mut larkmsg_error,
) -> larkmsg_result;
type FlowAsynchronous = unsafe extern "C" fn(
    *const larkmsg_client,
    *const c_char,
    larkmsg_progress_callback,
    larkmsg_callback,
    *mut c_void,
    *mut *mut larkmsg_error,
) -> larkmsg_result;

impl Flow {
    fn functions(self) -> (FlowBlocking, FlowAsynchronous) {
        match self {
            Self::BatchSendAll => (larkmsg_batch_send_all, larkmsg_batch_send_all_async),
            Self::CreateAppFeedCardAll => {
                (larkmsg_create_app_feed_card_all, larkmsg_create_app_feed_card_all_async)
            }
            Self::SendCampaign => (larkmsg_send_campaign, larkmsg_send_campaign_async),
        }
    }
}

#[derive(Debug, Arbitrary)]
enum Op {
    NewClient {
        options: Arg,
        client_out: bool,
        error_out: bool,
        set_ticket: Option<Arg>,
    },
    Call {
        target: Target,
        call: Arg,
        request: Arg,
        response_out: bool,
        error_out: bool,
    },
    Endpoint {
        target: Target,
        endpoint: Endpoint,
        request: Arg,
        response_out: bool,
        error_out: bool,
    },
    SendText {
        target: Target,
        id_type: Arg,
        id: Arg,
        text: Arg,
        response_out: bool,
        error_out: bool,
    },
    SetAppTicket {
        target: Target,
        ticket: Arg,
        error_out: bool,
    },
    CallAsync {
        target: Target,
        call: Arg,
        request: Arg,
        callback: bool,
        error_out: bool,
    },
    EndpointAsync {
        target: Target,
        endpoint: Endpoint,
        request: Arg,
        callback: bool,
        error_out: bool,
    },
    Flow {
        target: Target,
        flow: Flow,
        request: Arg,
        progress: bool,
        response_out: bool,
        error_out: bool,
    },
    FlowAsync {
        target: Target,
        flow: Flow,
        request: Arg,
        progress: bool,
        callback: bool,
        error_out: bool,
    },
    CallEx {
        target: Target,
        call: Arg,
        request: Arg,
        buffers: Vec<Option<Vec<u8>>>,
        progress: bool,
        response_out: bool,
        error_out: bool,
    },
    SendTextAsync {
        target: Target,
        id_type: Arg,
        id: Arg,
        text: Arg,
        callback: bool,
        error_out: bool,
    },
    FakeControl {
        fake: bool,
        method: Arg,
        name: Arg,
        body: Arg,
        status_out: bool,
        json_out: bool,
    },
    HostileAnswer {
        answer: Vec<u8>,
        self_built: bool,
        endpoint: Endpoint,
        asynchronous: bool,
    },
    Nulls,
}

fuzz_target!(|ops: Vec<Op>| {
    for op in ops {
        run(op);
    }
});

fn run(op: Op) {
    match op {
        Op::NewClient { options, client_out, error_out, set_ticket } => {
            new_client(&options, client_out, error_out, set_ticket)
        }
        Op::Call { target, call, request, response_out, error_out } => {
            let (call, request) = (call.to_c(), request.to_c());
            blocking(response_out, error_out, reports(&call), |response, error| unsafe {
                larkmsg_call(client(target), ptr_of(&call), ptr_of(&request), response, error)
            });
        }
        Op::Endpoint { target, endpoint, request, response_out, error_out } => {
            let request = request.to_c();
            let (_, function, _) = endpoint.functions();
            blocking(response_out, error_out, false, |response, error| unsafe {
                function(client(target), ptr_of(&request), response, error)
            });
        }
        Op::SendText { target, id_type, id, text, response_out, error_out } => {
            let (id_type, id, text) = (id_type.to_c(), id.to_c(), text.to_c());
            blocking(response_out, error_out, false, |response, error| unsafe {
                larkmsg_send_text(
                    client(target),
                    ptr_of(&id_type),
                    ptr_of(&id),
                    ptr_of(&text),
                    response,
                    error,
                )
            });
        }
        Op::SetAppTicket { target, ticket, error_out } => {
            let ticket = ticket.to_c();
            let mut error = ptr::null_mut();
            let error_ptr = if error_out { &raw mut error } else { ptr::null_mut() };
            let result = unsafe { larkmsg_client_set_app_ticket(client(target), ptr_of(&ticket), error_ptr) };
            check_outcome(result, error_out, error, &[]);
        }
        Op::CallAsync { target, call, request, callback, error_out } => {
            let (call, request) = (call.to_c(), request.to_c());
            asynchronous(callback, error_out, reports(&call), |callback, data, error| unsafe {
                larkmsg_call_async(client(target), ptr_of(&call), ptr_of(&request), callback, data, error)
            });
        }
        Op::EndpointAsync { target, endpoint, request, callback, error_out } => {
            let request = request.to_c();
            let (_, _, function) = endpoint.functions();
            asynchronous(callback, error_out, false, |callback, data, error| unsafe {
                function(client(target), ptr_of(&request), callback, data, error)
            });
        }
        Op::Flow { target, flow, request, progress, response_out, error_out } => {
            let request = request.to_c();
            let (function, _) = flow.functions();
            let progress = progress.then_some(on_progress as unsafe extern "C" fn(_, _));
            blocking(response_out, error_out, true, |response, error| unsafe {
                function(client(target), ptr_of(&request), progress, ptr::null_mut(), response, error)
            });
        }
        Op::FlowAsync { target, flow, request, progress, callback, error_out } => {
            let request = request.to_c();
            let (_, function) = flow.functions();
            let progress = progress.then_some(on_progress as unsafe extern "C" fn(_, _));
            asynchronous(callback, error_out, true, |callback, data, error| unsafe {
                function(client(target), ptr_of(&request), progress, callback, data, error)
            });
        }
        Op::CallEx { target, call, request, buffers, progress, response_out, error_out } => {
            let (call, request) = (call.to_c(), request.to_c());
            // A buffer without bytes has a NULL `data` and a length of 1 (refused).
            let buffers: Vec<larkmsg_buffer> = buffers
                .iter()
                .map(|bytes| match bytes {
                    Some(bytes) => larkmsg_buffer { data: bytes.as_ptr(), len: bytes.len() },
                    None => larkmsg_buffer { data: ptr::null(), len: 1 },
                })
                .collect();
            let progress = progress.then_some(on_progress as unsafe extern "C" fn(_, _));
            blocking(response_out, error_out, reports(&call), |response, error| unsafe {
                larkmsg_call_ex(
                    client(target),
                    ptr_of(&call),
                    ptr_of(&request),
                    buffers.as_ptr(),
                    buffers.len(),
                    progress,
                    ptr::null_mut(),
                    response,
                    error,
                )
            });
        }
        Op::SendTextAsync { target, id_type, id, text, callback, error_out } => {
            let (id_type, id, text) = (id_type.to_c(), id.to_c(), text.to_c());
            asynchronous(callback, error_out, false, |callback, data, error| unsafe {
                larkmsg_send_text_async(
                    client(target),
                    ptr_of(&id_type),
                    ptr_of(&id),
                    ptr_of(&text),
                    callback,
                    data,
                    error,
                )
            });
        }
        Op::FakeControl { fake: live, method, name, body, status_out, json_out } => {
            fake_control(live, &method, &name, &body, status_out, json_out)
        }
        Op::HostileAnswer { answer, self_built, endpoint, asynchronous } => {
            hostile_answer(answer, self_built, endpoint, asynchronous)
        }
        Op::Nulls => nulls(),
    }
}

/// The answer the hostile server gives every request, and its port.
fn hostile() -> &'static (u16, Arc<Mutex<Vec<u8>>>) {
    static SERVER: OnceLock<(u16, Arc<Mutex<Vec<u8>>>)> = OnceLock::new();
    SERVER.get_or_init(|| {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let answer = Arc::new(Mutex::new(Vec::new()));
        let shared = Arc::clone(&answer);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let answer = shared.lock().unwrap().clone();
                std::thread::spawn(move || answer_with(stream, &answer));
            }
        });
        (port, answer)
    })
}

/// Reads a request's head (and what follows, briefly), writes `answer`, hangs up.
fn answer_with(mut stream: TcpStream, answer: &[u8]) {
    let _ = stream.set_read_timeout(Some(Duration::from_millis(50)));
    let mut request = Vec::new();
    let mut buffer = [0_u8; 4096];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") && request.len() < 1 << 20 {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(read) => request.extend_from_slice(&buffer[..read]),
        }
    }
    let _ = stream.write_all(answer);
    let _ = stream.shutdown(std::net::Shutdown::Both);
}

/// A call whose answer (and token answer) is fuzzed bytes: whatever they hold, the call
/// ends with a clean outcome, within its timeouts and the answer size cap.
fn hostile_answer(answer: Vec<u8>, self_built: bool, endpoint: Endpoint, asynchronous: bool) {
    static CLIENTS: OnceLock<[usize; 2]> = OnceLock::new();
    let (port, shared) = hostile();
    *shared.lock().unwrap() = answer;
    let clients = CLIENTS.get_or_init(|| {
        let common = format!(
            r#""base_url": "http://127.0.0.1:{port}", "retry": {{"max_attempts": 2, "initial_backoff_ms": 1}},
               "timeouts": {{"connect_ms": 200, "request_ms": 300, "total_ms": 1000}}, "quotas": false,
               "max_response_bytes": 65536"#
        );
        [
            format!(r#"{{"tenant_access_token": "{TOKEN}", {common}}}"#),
            format!(r#"{{"app_id": "cli_fuzz", "app_secret": "{APP_SECRET}", {common}}}"#),
        ]
        .map(|options| {
            let options = CString::new(options).unwrap();
            let mut client = ptr::null_mut();
            let result = unsafe { larkmsg_client_new(options.as_ptr(), &raw mut client, ptr::null_mut()) };
            assert_eq!(result, larkmsg_result::Ok);
            client as usize
        })
    });
    let client = clients[usize::from(self_built)] as *const larkmsg_client;
    let call = CString::new(endpoint.functions().0).unwrap();
    let request = CString::new(endpoint.request()).unwrap();
    if asynchronous {
        let outcome = Outcome::default();
        let data = &raw const outcome as *mut c_void;
        let started = unsafe {
            larkmsg_call_async(
                client,
                call.as_ptr(),
                request.as_ptr(),
                Some(on_settled),
                data,
                ptr::null_mut(),
            )
        };
        assert_eq!(started, larkmsg_result::Ok);
        let mut done = outcome.done.lock().unwrap();
        while done.is_none() {
            done = outcome.signal.wait(done).unwrap();
        }
        return;
    }
    let mut response: *mut c_char = ptr::null_mut();
    let mut error = ptr::null_mut();
    let result =
        unsafe { larkmsg_call(client, call.as_ptr(), request.as_ptr(), &raw mut response, &raw mut error) };
    check_response(result, response);
    check_outcome(result, true, error, &[APP_SECRET, TOKEN]);
}

/// A progress report: its counts agree with each other.
unsafe extern "C" fn on_progress(_user_data: *mut c_void, progress: *const larkmsg_progress) {
    // SAFETY: the library passes a report valid for the call.
    let progress = unsafe { &*progress };
    assert!(
        progress.done <= progress.total && progress.sent + progress.failed == progress.done,
        "{progress:?}"
    );
}

/// A success hands over JSON; a failure nothing.
fn check_response(result: larkmsg_result, response: *mut c_char) {
    if result == larkmsg_result::Ok {
        let text = unsafe { CStr::from_ptr(response) }.to_str().expect("a response is UTF-8");
        serde_json::from_str::<Value>(text).expect("a response is JSON");
    } else {
        assert!(response.is_null(), "response_out written on failure");
    }
    unsafe { larkmsg_string_free(response) };
}

/// The callback of a hostile answer's asynchronous call: any outcome, but a clean one.
unsafe extern "C" fn on_settled(
    user_data: *mut c_void,
    result: larkmsg_result,
    response: *mut c_char,
    error: *mut larkmsg_error,
) {
    check_response(result, response);
    check_outcome(result, result != larkmsg_result::Ok, error, &[APP_SECRET, TOKEN]);
    // SAFETY: `user_data` is the `Outcome` the caller waits on.
    let outcome = unsafe { &*(user_data as *const Outcome) };
    *outcome.done.lock().unwrap() = Some(result);
    outcome.signal.notify_all();
}

/// Makes a client from fuzzed options, maybe gives it an app ticket, frees it. Its calls
/// are never made: its base URL may be anywhere.
fn new_client(options: &Arg, client_out: bool, error_out: bool, set_ticket: Option<Arg>) {
    let options = options.to_c();
    let mut client: *mut larkmsg_client = ptr::null_mut();
    let mut error = ptr::null_mut();
    let client_ptr = if client_out { &raw mut client } else { ptr::null_mut() };
    let error_ptr = if error_out { &raw mut error } else { ptr::null_mut() };
    let result = unsafe { larkmsg_client_new(ptr_of(&options), client_ptr, error_ptr) };
    let secrets = options.as_ref().map(|text| secrets_in(&text.to_string_lossy())).unwrap_or_default();
    let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();
    check_outcome(result, error_out, error, &secrets);
    assert_eq!(result == larkmsg_result::Ok, !client.is_null(), "client_out written iff OK");
    if let Some(ticket) = set_ticket {
        let ticket = ticket.to_c();
        let mut error = ptr::null_mut();
        let result = unsafe { larkmsg_client_set_app_ticket(client, ptr_of(&ticket), &raw mut error) };
        check_outcome(result, true, error, &secrets);
    }
    unsafe { larkmsg_client_free(client) };
}

/// The secret values of options given as JSON text: strings of the secret keys that
/// appear once in the text (so an error naming them can only have taken them from there).
fn secrets_in(text: &str) -> Vec<String> {
    let Ok(Value::Object(options)) = serde_json::from_str::<Value>(text) else {
        return Vec::new();
    };
    ["app_secret", "tenant_access_token", "app_ticket"]
        .iter()
        .filter_map(|key| options.get(*key)?.as_str())
        .filter(|secret| secret.len() >= 4 && text.matches(*secret).count() == 1)
        .map(str::to_owned)
        .collect()
}

/// Runs a blocking call with or without its out-parameters; a closed port never answers,
/// so the call always fails, and the response stays unwritten.
fn blocking(
    response_out: bool,
    error_out: bool,
    reports: bool,
    call: impl FnOnce(*mut *mut c_char, *mut *mut larkmsg_error) -> larkmsg_result,
) {
    let mut response: *mut c_char = ptr::null_mut();
    let mut error = ptr::null_mut();
    let response_ptr = if response_out { &raw mut response } else { ptr::null_mut() };
    let error_ptr = if error_out { &raw mut error } else { ptr::null_mut() };
    let result = call(response_ptr, error_ptr);
    if result == larkmsg_result::Ok {
        assert!(reports, "a call to a closed port reported success");
        if response_out {
            check_response(result, response);
        }
        return;
    }
    assert!(response.is_null(), "response_out written on failure");
    check_outcome(result, error_out, error, &[APP_SECRET, TOKEN]);
}

/// Whether the call named `call` is a flow to many receivers, whose success is a report
/// that may list every receiver as failed (so a call to a closed port may succeed).
fn reports(call: &Option<CString>) -> bool {
    let flows: [&[u8]; 3] = [b"batch_send_all", b"create_app_feed_card_all", b"send_campaign"];
    call.as_ref().is_some_and(|name| flows.contains(&name.as_bytes()))
}

/// What an asynchronous call's callback hands over.
#[derive(Default)]
struct Outcome {
    /// Whether a success is allowed (see [`reports`]).
    reports: bool,
    done: Mutex<Option<larkmsg_result>>,
    signal: Condvar,
}

unsafe extern "C" fn on_done(
    user_data: *mut c_void,
    result: larkmsg_result,
    response: *mut c_char,
    error: *mut larkmsg_error,
) {
    // SAFETY: `user_data` is the `Outcome` the caller waits on.
    let outcome = unsafe { &*(user_data as *const Outcome) };
    if result == larkmsg_result::Ok {
        assert!(outcome.reports, "an asynchronous call to a closed port reported success");
        check_response(result, response);
    } else {
        assert!(response.is_null(), "a failed asynchronous call handed over a response");
        assert!(!error.is_null(), "a failed asynchronous call handed over no error");
        check_outcome(result, true, error, &[APP_SECRET, TOKEN]);
    }
    *outcome.done.lock().unwrap() = Some(result);
    outcome.signal.notify_all();
}

/// Starts an asynchronous call; when it started, waits for its one callback.
fn asynchronous(
    callback: bool,
    error_out: bool,
    reports: bool,
    start: impl FnOnce(larkmsg_callback, *mut c_void, *mut *mut larkmsg_error) -> larkmsg_result,
) {
    let outcome = Outcome { reports, ..Outcome::default() };
    let mut error = ptr::null_mut();
    let error_ptr = if error_out { &raw mut error } else { ptr::null_mut() };
    let callback_fn: larkmsg_callback = if callback { Some(on_done) } else { None };
    let result = start(callback_fn, &raw const outcome as *mut c_void, error_ptr);
    if !callback {
        assert_ne!(result, larkmsg_result::Ok, "started without a callback");
    }
    check_outcome(result, error_out, error, &[APP_SECRET, TOKEN]);
    if result == larkmsg_result::Ok {
        let done = outcome.done.lock().unwrap();
        let (done, timeout) =
            outcome.signal.wait_timeout_while(done, Duration::from_secs(10), |done| done.is_none()).unwrap();
        assert!(!timeout.timed_out(), "a started call never called back");
        assert!(done.is_some());
    }
}

/// The shared fake every `FakeControl` operation talks to (no client ever calls it).
fn fake() -> *const larkmsg_fake {
    static FAKE: OnceLock<usize> = OnceLock::new();
    *FAKE.get_or_init(|| {
        let mut fake = ptr::null_mut();
        let result = unsafe { larkmsg_fake_start(&raw mut fake, ptr::null_mut()) };
        assert_eq!(result, larkmsg_result::Ok);
        fake as usize
    }) as *const larkmsg_fake
}

fn fake_control(live: bool, method: &Arg, name: &Arg, body: &Arg, status_out: bool, json_out: bool) {
    let (method, name, body) = (method.to_c(), name.to_c(), body.to_c());
    let fake = if live { fake() } else { ptr::null() };
    let mut status = 0u16;
    let mut json: *mut c_char = ptr::null_mut();
    let mut error = ptr::null_mut();
    let status_ptr = if status_out { &raw mut status } else { ptr::null_mut() };
    let json_ptr = if json_out { &raw mut json } else { ptr::null_mut() };
    let result = unsafe {
        larkmsg_fake_control(
            fake,
            ptr_of(&method),
            ptr_of(&name),
            ptr_of(&body),
            status_ptr,
            json_ptr,
            &raw mut error,
        )
    };
    check_outcome(result, true, error, &[]);
    if result == larkmsg_result::Ok {
        assert!(!status_out || status != 0, "no status for a control that answered");
        if json_out {
            let text = unsafe { CStr::from_ptr(json) }.to_str().expect("the answer is UTF-8");
            serde_json::from_str::<Value>(text).expect("the answer is JSON");
        }
    } else {
        assert!(status == 0 && json.is_null(), "out-parameters written on failure");
    }
    unsafe { larkmsg_string_free(json) };
}

/// Every function that takes a pointer, given NULL.
fn nulls() {
    unsafe {
        let null_error: *const larkmsg_error = ptr::null();
        assert_eq!(larkmsg_error_result(null_error), larkmsg_result::InvalidArgument);
        assert!(larkmsg_error_kind(null_error).is_null());
        assert!(larkmsg_error_message(null_error).is_null());
        assert_eq!(larkmsg_error_code(null_error), 0);
        assert_eq!(larkmsg_error_http_status(null_error), 0);
        assert!(larkmsg_error_log_id(null_error).is_null());
        assert!(!larkmsg_error_maybe_sent(null_error));
        assert!(larkmsg_error_json(null_error).is_null());
        larkmsg_error_free(ptr::null_mut());
        larkmsg_string_free(ptr::null_mut());
        larkmsg_client_free(ptr::null_mut());
        larkmsg_fake_free(ptr::null_mut());
        assert!(larkmsg_fake_url(ptr::null()).is_null());
        assert!(!larkmsg_fake_url(fake()).is_null());
        let version = CStr::from_ptr(larkmsg_version()).to_str().unwrap();
        assert!(!version.is_empty());
        let result = larkmsg_fake_start(ptr::null_mut(), ptr::null_mut());
        assert_eq!(result, larkmsg_result::InvalidArgument);
    }
}

/// Asserts what a result and its error object must be, then frees the error: OK has no
/// error; a failure with an `error_out` has an error object that agrees with the result,
/// reads as UTF-8 text and JSON, and names none of `secrets`.
fn check_outcome(result: larkmsg_result, error_out: bool, error: *mut larkmsg_error, secrets: &[&str]) {
    assert_ne!(result, larkmsg_result::Internal, "a panic was caught at the boundary");
    if result == larkmsg_result::Ok || !error_out {
        assert!(error.is_null(), "an error object for {result:?}");
        return;
    }
    assert!(!error.is_null(), "no error object for {result:?}");
    unsafe {
        assert_eq!(larkmsg_error_result(error), result);
        let kind = CStr::from_ptr(larkmsg_error_kind(error)).to_str().unwrap();
        let message = CStr::from_ptr(larkmsg_error_message(error)).to_str().expect("the message is UTF-8");
        assert!(message.starts_with(kind), "{message:?} does not start with its kind {kind}");
        let json = CStr::from_ptr(larkmsg_error_json(error)).to_str().expect("the JSON is UTF-8");
        let form: Value = serde_json::from_str(json).expect("the error's JSON parses");
        assert_eq!(form["kind"], kind);
        let log_id = larkmsg_error_log_id(error);
        if !log_id.is_null() {
            CStr::from_ptr(log_id).to_str().expect("the log id is UTF-8");
        }
        let _ =
            (larkmsg_error_code(error), larkmsg_error_http_status(error), larkmsg_error_maybe_sent(error));
        for secret in secrets {
            assert!(!message.contains(secret) && !json.contains(secret), "a secret in {json}");
        }
        larkmsg_error_free(error);
    }
}

/// The clients calls go to, made once: a closed port of 127.0.0.1, one attempt, short
/// timeouts, no pacing.
fn client(target: Target) -> *const larkmsg_client {
    static CLIENTS: OnceLock<[usize; 3]> = OnceLock::new();
    let clients = CLIENTS.get_or_init(|| {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let common = format!(
            r#""base_url": "http://127.0.0.1:{port}", "retry": {{"max_attempts": 1}},
               "timeouts": {{"connect_ms": 200, "request_ms": 500, "total_ms": 1000}}, "quotas": false"#
        );
        [
            format!(r#"{{"tenant_access_token": "{TOKEN}", {common}}}"#),
            format!(r#"{{"app_id": "cli_fuzz", "app_secret": "{APP_SECRET}", {common}}}"#),
            format!(
                r#"{{"app_id": "cli_fuzz", "app_secret": "{APP_SECRET}", "tenant_key": "t_fuzz", {common}}}"#
            ),
        ]
        .map(|options| {
            let options = CString::new(options).unwrap();
            let mut client = ptr::null_mut();
            let result = unsafe { larkmsg_client_new(options.as_ptr(), &raw mut client, ptr::null_mut()) };
            assert_eq!(result, larkmsg_result::Ok);
            client as usize
        })
    });
    match target {
        Target::Null => ptr::null(),
        Target::Token => clients[0] as *const larkmsg_client,
        Target::SelfBuilt => clients[1] as *const larkmsg_client,
        Target::StoreApp => clients[2] as *const larkmsg_client,
    }
}
