//! The native layer of the `larkmsg` npm package: a client that takes and gives JSON, the
//! bundled fake server, the core's content and card builder, and its card checks.
//!
//! Everything here is conversion: JSON text in, the core's JSON out. The package's
//! JavaScript wrapper (`index.js`) maps camelCase to snake_case, builds `LarkError`
//! subclasses from the core's error JSON and offers the typed methods. A failure of the
//! core is thrown (or, for calls, resolved) as the core's error JSON, so the wrapper sees
//! every detail: kind, code, msg, HTTP status, log id, troubleshooter, violations.
//!
//! Calls run on the core's shared runtime (`larkmsg::runtime::runtime()`); each client's
//! calls are settled through one thread-safe function, which keeps Node's event loop alive
//! only while the client has calls in flight, so a process exits by itself when its work is
//! finished.

mod reports;
mod stream;

use std::sync::Arc;

use larkmsg::fake::{FakeConfig, FakeServer};
use larkmsg::validate::Validator;
use larkmsg::{
    CallExtras, CallOutput, Client, ClientOptions, OnProgress, Progress, ReceiveIdType, SendMessage,
    SendMessageRequest,
};
use napi::bindgen_prelude::{Buffer, FnArgs};
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi::{Env, Status};
use napi_derive::napi;
use serde_json::{Value, json};
use tokio::sync::Notify;

use reports::Reports;

/// A core error as a thrown JS error whose message is the error's JSON form.
fn throw(error: &larkmsg::Error) -> napi::Error {
    napi::Error::new(Status::GenericFailure, error_json(error).to_string())
}

fn error_json(error: &larkmsg::Error) -> Value {
    serde_json::to_value(error).unwrap_or_else(|_| json!({"kind": "decode", "message": error.to_string()}))
}

/// Parses JSON text handed over by the wrapper.
fn parse(what: &str, text: &str) -> napi::Result<Value> {
    serde_json::from_str(text).map_err(|e| {
        throw(&larkmsg::Error::new(larkmsg::ErrorKind::InvalidArgument, format!("{what} is not JSON: {e}")))
    })
}

/// The library's version.
#[napi]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// The deepest nesting of arrays and objects a request's field may have.
#[napi]
pub fn max_depth() -> u32 {
    u32::try_from(larkmsg::validate::MAX_DEPTH).unwrap_or(u32::MAX)
}

/// Throws the core's error for a value at `path` nested deeper than `maxDepth()` (found by
/// the wrapper before it converts the value).
#[napi]
pub fn too_deep(path: String) -> napi::Result<()> {
    Err(throw(&larkmsg::Error::from(larkmsg::Violations::from(larkmsg::validate::too_deep(&path)))))
}

/// The JS function that receives each log record: `(level, target, message)`. Weak: it
/// does not keep Node's event loop alive.
type OnRecord = ThreadsafeFunction<
    FnArgs<(&'static str, String, String)>,
    (),
    FnArgs<(&'static str, String, String)>,
    Status,
    false,
    true,
>;

/// Logs the core's events filtered by `directive` (`larkmsg::logging::enable`): to stderr,
/// or to `on_record(level, target, message)` on the JS thread (`level`: "trace" … "error").
/// Throws the core's error JSON for a directive that does not parse.
#[napi]
pub fn enable_logging(
    directive: String,
    #[napi(ts_arg_type = "(level: string, target: string, message: string) => void")] on_record: Option<
        OnRecord,
    >,
) -> napi::Result<()> {
    let installed = match on_record {
        None => larkmsg::logging::enable(&directive),
        Some(on_record) => {
            let sink: larkmsg::logging::Sink = Arc::new(move |record: &larkmsg::logging::Record<'_>| {
                let args = (record.level_name(), record.target.to_owned(), record.message.to_owned());
                // Queued for the JS thread; dropped once Node is shutting down.
                on_record.call(args.into(), ThreadsafeFunctionCallMode::NonBlocking);
            });
            larkmsg::logging::enable_with(&directive, sink)
        }
    };
    installed.map_err(|e| throw(&e))
}

impl NativeClient {
    /// Runs `call` on the runtime and settles the call `id` with its answer, whatever happens
    /// (a panic in the core included, kind `internal`). The answer's text is written on the
    /// runtime's thread, not on the JS thread.
    fn settle(
        &self,
        id: u32,
        call: impl Future<Output = larkmsg::Result<CallOutput>> + Send + 'static,
    ) -> napi::Result<()> {
        let on_settled = Arc::clone(&self.on_settled);
        larkmsg::runtime::spawn_settled(call, move |outcome| {
            let answer = outcome.and_then(CallOutput::into_json).map_or_else(
                |error| json!({"error": error_json(&error)}).to_string(),
                |text| format!(r#"{{"ok":{text}}}"#),
            );
            // Queued for the JS thread; dropped only once Node is shutting down.
            on_settled.call((id, answer).into(), ThreadsafeFunctionCallMode::NonBlocking);
        })
        .map(drop)
        .map_err(|e| throw(&e))
    }
}

/// The JS function that settles a call: `(id, answer)`, the answer as `callJson` describes
/// it. Weak: it keeps Node's event loop alive only while `keepAlive(true)` says calls are
/// in flight.
type OnSettled = ThreadsafeFunction<FnArgs<(u32, String)>, (), FnArgs<(u32, String)>, Status, false, true>;

/// A client of the core, built from `larkmsg::ClientOptions` in JSON (snake_case keys).
#[napi]
pub struct NativeClient {
    pub(crate) inner: Client,
    /// One function settles every call of this client, so that a call creates no
    /// thread-safe function of its own and completions that arrive together wake the JS
    /// thread once.
    on_settled: Arc<OnSettled>,
}

#[napi]
impl NativeClient {
    /// Builds the client; throws the core's error JSON for bad options. `onSettled(id,
    /// answer)` receives the answer of each call started with `callJson`.
    #[napi(constructor)]
    pub fn new(
        options_json: String,
        #[napi(ts_arg_type = "(id: number, answer: string) => void")] on_settled: OnSettled,
    ) -> napi::Result<Self> {
        let options = ClientOptions::from_json(parse("options", &options_json)?).map_err(|e| throw(&e))?;
        let inner = options.build().map_err(|e| throw(&e))?;
        Ok(Self { inner, on_settled: Arc::new(on_settled) })
    }

    /// Whether Node's event loop stays alive for this client: `true` while it has calls in
    /// flight, so that a process ends by itself once its calls are done.
    #[napi]
    pub fn keep_alive(&self, env: &Env, alive: bool) -> napi::Result<()> {
        let on_settled = self.on_settled.raw();
        // SAFETY: `on_settled` is this client's thread-safe function, alive as long as the
        // client; napi calls this method on the JS thread, where both functions must run.
        let status = unsafe {
            if alive {
                napi::sys::napi_ref_threadsafe_function(env.raw(), on_settled)
            } else {
                napi::sys::napi_unref_threadsafe_function(env.raw(), on_settled)
            }
        };
        napi::check_status!(status, "cannot change whether the client keeps Node's event loop alive")
    }

    /// Starts the call `name` with its flat request (JSON, snake_case) on the core's
    /// runtime, with the byte buffers the request names (`{"buffer": i}`, copied now) and,
    /// for the calls that report progress, `progress` called on the JS thread with the
    /// progress as JSON text (`{"total", "done", "sent", "failed"}`).
    /// When `progress` answers anything but `true` (the wrapper's function threw), the call stops.
    /// The call is settled by `onSettled(id, answer)`, the answer `{"ok": result}` or
    /// `{"error": coreErrorJson}` as JSON text.
    #[napi]
    pub fn call_json(
        &self,
        id: u32,
        name: String,
        request_json: String,
        buffers: Option<Vec<Buffer>>,
        #[napi(ts_arg_type = "(progress: string) => boolean")] progress: Option<
            ThreadsafeFunction<String, bool, String, Status, false>,
        >,
    ) -> napi::Result<()> {
        let client = self.inner.clone();
        let buffers =
            buffers.unwrap_or_default().iter().map(|buffer| bytes::Bytes::copy_from_slice(buffer)).collect();
        // The callback answers `false` when the user's function threw: the call stops.
        let stop = Arc::new(Notify::new());
        let reports = Arc::new(Reports::default());
        let report = progress.map(|callback| {
            let (stop, reports) = (Arc::clone(&stop), Arc::clone(&reports));
            Box::new(move |seen: &Progress| {
                let (stop, queued) = (Arc::clone(&stop), reports.queued());
                callback.call_with_return_value(
                    json!(seen).to_string(),
                    ThreadsafeFunctionCallMode::NonBlocking,
                    move |carry_on: napi::Result<bool>, _env| {
                        if !matches!(carry_on, Ok(true)) {
                            stop.notify_one();
                        }
                        drop(queued);
                        Ok(())
                    },
                );
            }) as OnProgress
        });
        let extras = CallExtras::new(buffers, report);
        let call = async move {
            let request = serde_json::from_str::<Value>(&request_json).map_err(|e| {
                larkmsg::Error::new(larkmsg::ErrorKind::InvalidArgument, format!("request is not JSON: {e}"))
            })?;
            let outcome = tokio::select! {
                outcome = client.call_output(&name, request, extras) => outcome,
                () = stop.notified() => Err(larkmsg::Error::new(
                    larkmsg::ErrorKind::Internal,
                    "the call was stopped: its progress callback threw",
                )),
            };
            // Settled after its reports, so that one that threw is seen before the answer.
            reports.all_handled().await;
            outcome
        };
        self.settle(id, call)
    }

    /// Sends a plain text message (send message with the text as its content, the request
    /// built typed, so its JSON is neither written nor read); settled as `callJson`'s calls.
    #[napi]
    pub fn call_send_text(
        &self,
        id: u32,
        receive_id_type: String,
        receive_id: String,
        text: String,
    ) -> napi::Result<()> {
        let client = self.inner.clone();
        let request = SendMessageRequest::text(ReceiveIdType::from(receive_id_type), receive_id, text);
        self.settle(id, async move { client.call_output_of::<SendMessage>(request).await })
    }

    /// Hands a store app the `app_ticket` the platform pushed.
    #[napi]
    pub fn set_app_ticket(&self, ticket: String) -> napi::Result<()> {
        self.inner.set_app_ticket(ticket).map_err(|e| throw(&e))
    }
}

/// The bundled fake Feishu server, serving on 127.0.0.1 on the core's runtime.
#[napi]
pub struct NativeFake {
    inner: Option<FakeServer>,
    url: String,
}

#[napi]
impl NativeFake {
    /// Starts a fake on `port` (0 or none: any free port) with the default apps.
    #[napi(factory)]
    pub fn start(port: Option<u32>) -> napi::Result<Self> {
        let port = u16::try_from(port.unwrap_or(0))
            .map_err(|_| napi::Error::new(Status::InvalidArg, "port must be at most 65535"))?;
        let config = FakeConfig { port, ..FakeConfig::default() };
        let started = larkmsg::runtime::block_on(FakeServer::start(config)).map_err(|e| throw(&e))?;
        let server = started
            .map_err(|e| napi::Error::new(Status::GenericFailure, format!("cannot start the fake: {e}")))?;
        Ok(Self { url: server.url(), inner: Some(server) })
    }

    /// The base URL, `http://127.0.0.1:PORT`.
    #[napi(getter)]
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// Runs a control (`"GET", "inbox"`; `"POST", "faults", plan`…); gives
    /// `{"status": N, "body": json}` as JSON text.
    #[napi]
    pub fn control(&self, method: String, name: String, body_json: Option<String>) -> napi::Result<String> {
        let Some(server) = &self.inner else {
            return Err(napi::Error::new(Status::GenericFailure, "the fake was stopped"));
        };
        let body = body_json.map(|text| parse("control body", &text)).transpose()?;
        let (status, answer) = server.control(&method, &name, body);
        Ok(json!({"status": status, "body": answer}).to_string())
    }

    /// Stops serving and closes every connection.
    #[napi]
    pub fn stop(&mut self) -> napi::Result<()> {
        if let Some(server) = self.inner.take() {
            larkmsg::runtime::block_on(server.shutdown()).map_err(|e| throw(&e))?;
        }
        Ok(())
    }
}

/// Builds message content or one card component from a spec in JSON
/// (`larkmsg::content::build_content`): gives `{"msg_type", "content"}` or `{"element"}` as
/// JSON text; throws the core's error JSON with every violation.
#[napi]
pub fn build_content(spec_json: String) -> napi::Result<String> {
    let built = larkmsg::content::build_content(parse("spec", &spec_json)?)
        .map_err(|violations| throw(&larkmsg::Error::from(violations)))?;
    Ok(built.to_json().to_string())
}

/// Builds message content from a spec in JSON (`larkmsg::content::build_message`): gives
/// `[msgType, content]`, the content as send message takes it, without wrapping it in
/// JSON; throws the core's error JSON with every violation (a spec of a card component is
/// one at `spec`: use `buildContent`).
#[napi]
pub fn build_message(spec_json: String) -> napi::Result<Vec<String>> {
    let content = larkmsg::content::build_message(parse("spec", &spec_json)?)
        .map_err(|violations| throw(&larkmsg::Error::from(violations)))?;
    Ok(vec![content.msg_type().as_str().to_owned(), content.to_content_string()])
}

/// Checks a card JSON 2.0 (as JSON text) against the card entity endpoint's rules; throws
/// the core's error JSON with every violation.
#[napi]
pub fn check_card(card_json: String) -> napi::Result<()> {
    let mut validator = Validator::new();
    larkmsg::card::check_card_entity_str(&mut validator, "card", &card_json);
    validator.finish().map_err(|violations| throw(&larkmsg::Error::from(violations)))
}
