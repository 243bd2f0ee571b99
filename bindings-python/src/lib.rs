//! The native part of the `larkmsg` Python package (`larkmsg._native`).
//!
//! Conversion only: requests and results cross as Python objects converted straight to
//! and from the core's JSON values (`convert`), options as JSON text; the core does every
//! check, retry and token refresh. Blocking calls release the GIL and block on the core's
//! shared, fork-aware runtime; async calls spawn on that runtime and their futures are
//! resolved in batches on their event loop (`completions`). Errors become the exceptions
//! of `larkmsg._errors`, built from the core's JSON form of the error.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

mod completions;
mod convert;
mod stream;

use larkmsg::fake::{FakeConfig, FakeServer};
use larkmsg::{
    CallExtras, ClientOptions, Error, OnProgress, Progress, ReceiveIdType, SendMessage, SendMessageRequest,
    runtime,
};
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use serde_json::Value;

use completions::Completions;

/// The core's error in its JSON form, plus `display`: the readable message.
fn error_json(error: &Error) -> String {
    let mut value = serde_json::to_value(error).unwrap_or_else(|_| serde_json::json!({}));
    if let Value::Object(map) = &mut value {
        map.insert("display".to_owned(), Value::String(error.to_string()));
        map.entry("kind").or_insert_with(|| Value::String(error.kind().as_str().to_owned()));
        map.entry("message").or_insert_with(|| Value::String(error.message().to_owned()));
    }
    value.to_string()
}

/// The `larkmsg` exception for `error` (`larkmsg._errors.from_json`).
fn to_py_err(py: Python<'_>, error: &Error) -> PyErr {
    let built = py
        .import("larkmsg._errors")
        .and_then(|module| module.call_method1("from_json", (error_json(error),)));
    match built {
        Ok(exception) => PyErr::from_value(exception),
        Err(_) => PyRuntimeError::new_err(error.to_string()),
    }
}

/// Set when the interpreter exits: from then on no runtime thread takes the GIL.
static EXITING: AtomicBool = AtomicBool::new(false);
/// Runtime threads holding the GIL or waiting for it.
static ATTACHED: AtomicUsize = AtomicUsize::new(0);
/// How long the exit waits for runtime threads to let go of the GIL.
const EXIT_WAIT: Duration = Duration::from_secs(5);

/// Runs `work` with the GIL on a thread of the core's runtime, unless the interpreter is
/// exiting: a thread that takes the GIL while the interpreter finalizes is stopped inside
/// Rust frames, which aborts the process.
fn attach_from_runtime(work: impl FnOnce(Python<'_>)) {
    ATTACHED.fetch_add(1, Ordering::SeqCst);
    if !EXITING.load(Ordering::SeqCst) {
        Python::attach(work);
    }
    ATTACHED.fetch_sub(1, Ordering::SeqCst);
}

/// Registered with `atexit`: keeps runtime threads from taking the GIL from now on and
/// waits, without the GIL, until those that hold or want it are done.
#[pyfunction]
fn before_exit(py: Python<'_>) {
    EXITING.store(true, Ordering::SeqCst);
    py.detach(|| {
        let deadline = Instant::now() + EXIT_WAIT;
        while ATTACHED.load(Ordering::SeqCst) > 0 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
    });
}

fn parse_json(text: &str) -> PyResult<Value> {
    serde_json::from_str(text).map_err(|e| PyValueError::new_err(format!("not JSON: {e}")))
}

/// A configured client of the core; cheap to share between threads.
#[pyclass(frozen, module = "larkmsg._native")]
struct NativeClient {
    inner: larkmsg::Client,
}

#[pymethods]
impl NativeClient {
    /// Builds a client from the core's `ClientOptions` as JSON text, with the secret options
    /// (`app_secret`, `tenant_access_token`, `app_ticket`) as a JSON object of their own, so
    /// that the Python side never holds them in the options.
    #[new]
    fn new(py: Python<'_>, options_json: &str, secrets_json: &str) -> PyResult<Self> {
        let mut options = parse_json(options_json)?;
        if let (Value::Object(options), Value::Object(secrets)) = (&mut options, parse_json(secrets_json)?) {
            options.extend(secrets);
        }
        let built = py.detach(|| ClientOptions::from_json(options).and_then(ClientOptions::build));
        built.map(|inner| Self { inner }).map_err(|e| to_py_err(py, &e))
    }

    /// Runs a call by name with its flat request (a `dict`: `bytes` values are handed over
    /// without a copy, path-likes as paths), blocking without the GIL; gives the result as
    /// a `dict`. `progress(total, done, sent, failed)` is called on this thread with the
    /// GIL; when it raises (a `KeyboardInterrupt` too), the call stops and the exception
    /// propagates.
    #[pyo3(signature = (name, request, progress = None))]
    fn call<'py>(
        &self,
        py: Python<'py>,
        name: &str,
        request: &Bound<'py, PyDict>,
        progress: Option<Py<PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let mut buffers = Vec::new();
        let request = convert::Request::with_buffers(&mut buffers).object(request)?;
        let client = &self.inner;
        let failure: Arc<Mutex<Option<PyErr>>> = Arc::default();
        let stop = Arc::new(tokio::sync::Notify::new());
        let report: OnProgress = {
            let (failure, stop) = (Arc::clone(&failure), Arc::clone(&stop));
            Box::new(move |seen: &Progress| {
                Python::attach(|py| {
                    let outcome = match &progress {
                        Some(callback) => {
                            callback.call1(py, (seen.total, seen.done, seen.sent, seen.failed)).map(drop)
                        }
                        None => Ok(()),
                    };
                    if let Err(error) = outcome.and_then(|()| py.check_signals()) {
                        failure.lock().unwrap_or_else(|p| p.into_inner()).get_or_insert(error);
                        stop.notify_one();
                    }
                });
            })
        };
        let extras = CallExtras::new(buffers, Some(report));
        let outcome = py.detach(|| {
            runtime::block_on(async {
                tokio::select! {
                    outcome = client.call_json_with(name, request, extras) => Some(outcome),
                    () = stop.notified() => None,
                }
            })
        });
        if let Some(error) = failure.lock().unwrap_or_else(|p| p.into_inner()).take() {
            return Err(error);
        }
        match outcome {
            Ok(Some(Ok(value))) => convert::to_python(py, &value),
            Ok(Some(Err(error))) => Err(to_py_err(py, &error)),
            Ok(None) => Err(PyRuntimeError::new_err("the call was stopped")),
            Err(error) => Err(to_py_err(py, &error)),
        }
    }

    /// Sends a plain text message (send message, its request built typed: no request object
    /// is converted and no request JSON is read), blocking without the GIL; gives the message
    /// as a `dict`, as `call("send_message", …)` does.
    #[pyo3(signature = (receive_id_type, receive_id, text, uuid = None))]
    fn send_text<'py>(
        &self,
        py: Python<'py>,
        receive_id_type: &str,
        receive_id: &str,
        text: &str,
        uuid: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let request = text_request(receive_id_type, receive_id, text, uuid);
        let client = &self.inner;
        let outcome = py.detach(|| runtime::block_on(send_text_value(client, request)));
        match outcome.and_then(|sent| sent) {
            Ok(value) => convert::to_python(py, &value),
            Err(error) => Err(to_py_err(py, &error)),
        }
    }

    /// `send_text` on the core's runtime: an asyncio future of the message as a `dict`, and
    /// the `Abort` that stops the call.
    #[pyo3(signature = (receive_id_type, receive_id, text, uuid = None))]
    fn send_text_async<'py>(
        &self,
        py: Python<'py>,
        receive_id_type: &str,
        receive_id: &str,
        text: &str,
        uuid: Option<&str>,
    ) -> PyResult<(Bound<'py, PyAny>, Abort)> {
        let request = text_request(receive_id_type, receive_id, text, uuid);
        let client = self.inner.clone();
        let work = async move { send_text_value(&client, request).await };
        future_of(py, work, |py, value| Ok(convert::to_python(py, &value)?.unbind()))
    }

    /// Starts a call on the core's runtime and gives an asyncio future of the running loop
    /// that receives the result as a `dict` (or the exception), and the `Abort` that stops
    /// the call; the request as for `call`.
    /// `progress(total, done, sent, failed)` runs on the loop (`call_soon_threadsafe`).
    #[pyo3(signature = (name, request, progress = None))]
    fn call_async<'py>(
        &self,
        py: Python<'py>,
        name: String,
        request: &Bound<'py, PyDict>,
        progress: Option<Py<PyAny>>,
    ) -> PyResult<(Bound<'py, PyAny>, Abort)> {
        let mut buffers = Vec::new();
        let request = convert::Request::with_buffers(&mut buffers).object(request)?;
        let client = self.inner.clone();
        let report: Option<OnProgress> = match progress {
            Some(callback) => {
                let loop_ref = py.import("asyncio")?.call_method0("get_running_loop")?.unbind();
                Some(Box::new(move |seen: &Progress| {
                    attach_from_runtime(|py| {
                        let args = (callback.clone_ref(py), seen.total, seen.done, seen.sent, seen.failed);
                        let _ = loop_ref.call_method1(py, "call_soon_threadsafe", args);
                    });
                }))
            }
            None => None,
        };
        let extras = CallExtras::new(buffers, report);
        let work = async move { client.call_json_with(&name, request, extras).await };
        future_of(py, work, |py, value| Ok(convert::to_python(py, &value)?.unbind()))
    }

    /// Creates and sends a streaming card entity from the core's `StreamCardOptions` as
    /// JSON text, blocking without the GIL; gives its stream.
    fn stream_card(&self, py: Python<'_>, options_json: &str) -> PyResult<stream::NativeCardStream> {
        stream::start(py, &self.inner, options_json)
    }

    /// `stream_card` on the core's runtime: an asyncio future of the stream, and its `Abort`.
    fn stream_card_async<'py>(
        &self,
        py: Python<'py>,
        options_json: &str,
    ) -> PyResult<(Bound<'py, PyAny>, Abort)> {
        stream::start_async(py, &self.inner, options_json)
    }

    /// Gives a store app the latest `app_ticket`.
    fn set_app_ticket(&self, py: Python<'_>, ticket: &str) -> PyResult<()> {
        let client = &self.inner;
        py.detach(|| client.set_app_ticket(ticket)).map_err(|e| to_py_err(py, &e))
    }
}

/// The typed send message request of a plain text message.
fn text_request(
    receive_id_type: &str,
    receive_id: &str,
    text: &str,
    uuid: Option<&str>,
) -> SendMessageRequest {
    let request = SendMessageRequest::text(ReceiveIdType::from(receive_id_type), receive_id, text);
    match uuid {
        Some(uuid) => request.uuid(uuid),
        None => request,
    }
}

/// Sends `request` and gives the message as JSON values, converted off the GIL.
async fn send_text_value(client: &larkmsg::Client, request: SendMessageRequest) -> larkmsg::Result<Value> {
    client.call_output_of::<SendMessage>(request).await?.into_value()
}

/// Runs `work` on the core's runtime and gives an asyncio future of the running loop that
/// receives `convert` of its result (or the exception), converted and resolved on the loop
/// with the other calls finished meanwhile, and the `Abort` that stops the work (for the
/// awaiting side to call when it is cancelled). The future is resolved whatever happens, a
/// panic in the core included (kind `internal`).
fn future_of<'py, T, F>(
    py: Python<'py>,
    work: F,
    convert: fn(Python<'_>, T) -> PyResult<Py<PyAny>>,
) -> PyResult<(Bound<'py, PyAny>, Abort)>
where
    T: Send + 'static,
    F: std::future::Future<Output = larkmsg::Result<T>> + Send + 'static,
{
    let event_loop = py.import("asyncio")?.call_method0("get_running_loop")?;
    let future = event_loop.call_method0("create_future")?;
    let completions = Completions::of(&event_loop)?;
    let future_ref = future.clone().unbind();
    let settle = move |outcome: larkmsg::Result<T>| {
        let resolve: completions::Resolve = Box::new(move |py| match outcome {
            Ok(value) => convert(py, value),
            Err(error) => Err(to_py_err(py, &error)),
        });
        completions.complete(future_ref, resolve);
    };
    let handle = runtime::spawn_settled(work, settle).map_err(|e| to_py_err(py, &e))?;
    Ok((future, Abort { handle }))
}

/// Stops a call's task: called when the coroutine awaiting its future is cancelled (once
/// the call is finished, it does nothing). Cheaper than a done callback on every future.
#[pyclass(frozen, module = "larkmsg._native")]
struct Abort {
    handle: tokio::task::AbortHandle,
}

#[pymethods]
impl Abort {
    /// Stops the call (nothing once it is finished).
    fn abort(&self) {
        self.handle.abort();
    }
}

/// A fake Feishu server on 127.0.0.1, serving on the core's runtime.
#[pyclass(frozen, module = "larkmsg._native")]
struct NativeFake {
    server: Mutex<Option<FakeServer>>,
    url: String,
}

impl NativeFake {
    fn with_server<T>(&self, run: impl FnOnce(&FakeServer) -> T) -> PyResult<T> {
        let guard = self.server.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        match guard.as_ref() {
            Some(server) => Ok(run(server)),
            None => Err(PyRuntimeError::new_err("the fake server is stopped")),
        }
    }
}

#[pymethods]
impl NativeFake {
    /// Starts a fake on `port` (0: any free port).
    #[new]
    #[pyo3(signature = (port = 0, quotas = false, latency_ms = 0, token_lifetime_seconds = None))]
    fn new(
        py: Python<'_>,
        port: u16,
        quotas: bool,
        latency_ms: u64,
        token_lifetime_seconds: Option<f64>,
    ) -> PyResult<Self> {
        let mut config = FakeConfig { port, quotas, ..FakeConfig::default() };
        config.latency = std::time::Duration::from_millis(latency_ms);
        if let Some(seconds) = token_lifetime_seconds {
            config.token_lifetime = std::time::Duration::try_from_secs_f64(seconds)
                .map_err(|e| PyValueError::new_err(format!("token_lifetime_seconds: {e}")))?;
        }
        let started = py.detach(|| runtime::block_on(FakeServer::start(config)));
        let server = match started {
            Ok(Ok(server)) => server,
            Ok(Err(io)) => return Err(PyRuntimeError::new_err(format!("cannot start the fake: {io}"))),
            Err(error) => return Err(to_py_err(py, &error)),
        };
        let url = server.url();
        Ok(Self { server: Mutex::new(Some(server)), url })
    }

    /// The base URL, `http://127.0.0.1:PORT`.
    #[getter]
    fn url(&self) -> String {
        self.url.clone()
    }

    /// Runs one of the fake's controls (`("GET", "inbox")`, `("POST", "faults", body)`, …);
    /// gives the HTTP status and the JSON answer as text.
    #[pyo3(signature = (method, name, body_json = None))]
    fn control(&self, method: &str, name: &str, body_json: Option<&str>) -> PyResult<(u16, String)> {
        let body = body_json.map(parse_json).transpose()?;
        self.with_server(|server| {
            let (status, answer) = server.control(method, name, body);
            (status, answer.to_string())
        })
    }

    /// Stops serving (idempotent).
    fn close(&self, py: Python<'_>) {
        let server = self.server.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take();
        if let Some(server) = server {
            py.detach(|| {
                let _ = runtime::block_on(server.shutdown());
            });
        }
    }
}

/// Builds message content or one card component from a spec as JSON text
/// (`larkmsg::content::build_content`); gives `{"msg_type", "content"}` or `{"element"}`
/// as JSON text.
#[pyfunction]
fn build_content(py: Python<'_>, spec_json: &str) -> PyResult<String> {
    larkmsg::content::build_content(parse_json(spec_json)?)
        .map(|built| built.to_json().to_string())
        .map_err(|violations| to_py_err(py, &Error::from(violations)))
}

/// Builds message content from a spec given as a `dict` (`larkmsg::content::build_message`);
/// gives `(msg_type, content)`. A spec of a card component is a `ValidationError` at
/// `spec` (use `build_content`).
#[pyfunction]
fn build_message(py: Python<'_>, spec: &Bound<'_, PyAny>) -> PyResult<(String, String)> {
    let content = larkmsg::content::build_message(convert::plain_object(spec)?)
        .map_err(|violations| to_py_err(py, &Error::from(violations)))?;
    Ok((content.msg_type().as_str().to_owned(), content.to_content_string()))
}

/// The `content` string of a `text` message taken as is (`larkmsg::content::TextContent`):
/// the text spec of `build_message` without the conversion of a spec.
#[pyfunction]
fn text_content(text: &str) -> String {
    larkmsg::content::TextContent::content_string(text)
}

/// Logs the core's events to stderr, filtered by `directive` (`larkmsg::logging::enable`).
#[pyfunction]
fn enable_logging(py: Python<'_>, directive: &str) -> PyResult<()> {
    larkmsg::logging::enable(directive).map_err(|e| to_py_err(py, &e))
}

/// Hands the core's events, filtered by `directive`, to `forward(level, target, message)`
/// (`larkmsg._logging`) with the GIL, on the thread that logged them; `level` is the
/// `logging` module's number (5 for trace).
#[pyfunction]
fn forward_logging(py: Python<'_>, directive: &str, forward: Py<PyAny>) -> PyResult<()> {
    let sink: larkmsg::logging::Sink = Arc::new(move |record: &larkmsg::logging::Record<'_>| {
        let level = match record.level {
            tracing::Level::ERROR => 40,
            tracing::Level::WARN => 30,
            tracing::Level::INFO => 20,
            tracing::Level::DEBUG => 10,
            tracing::Level::TRACE => 5,
        };
        attach_from_runtime(|py| {
            // A handler's failure is the `logging` module's to report (`handleError`).
            let _ = forward.call1(py, (level, record.target, record.message));
        });
    });
    larkmsg::logging::enable_with(directive, sink).map_err(|e| to_py_err(py, &e))
}

/// Raises the core's `ValidationError` for a value at `path` nested deeper than
/// `MAX_DEPTH` (found by the Python side before it serializes the value).
#[pyfunction]
fn too_deep(py: Python<'_>, path: &str) -> PyResult<()> {
    let violation = larkmsg::validate::too_deep(path);
    Err(to_py_err(py, &Error::from(larkmsg::Violations::from(violation))))
}

/// The `larkmsg._native` module.
#[pymodule]
fn _native(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.py().import("atexit")?.call_method1("register", (wrap_pyfunction!(before_exit, module)?,))?;
    module.add_class::<NativeClient>()?;
    module.add_class::<NativeFake>()?;
    module.add_class::<Abort>()?;
    module.add_class::<stream::NativeCardStream>()?;
    module.add_function(wrap_pyfunction!(build_content, module)?)?;
    module.add_function(wrap_pyfunction!(build_message, module)?)?;
    module.add_function(wrap_pyfunction!(text_content, module)?)?;
    module.add_function(wrap_pyfunction!(enable_logging, module)?)?;
    module.add_function(wrap_pyfunction!(forward_logging, module)?)?;
    module.add_function(wrap_pyfunction!(too_deep, module)?)?;
    module.add("MAX_DEPTH", larkmsg::validate::MAX_DEPTH)?;
    module.add("VERSION", env!("CARGO_PKG_VERSION"))?;
    module.add("DEFAULT_APP_ID", larkmsg::fake::DEFAULT_APP_ID)?;
    module.add("DEFAULT_APP_SECRET", larkmsg::fake::DEFAULT_APP_SECRET)?;
    module.add("STORE_APP_ID", larkmsg::fake::STORE_APP_ID)?;
    module.add("STORE_APP_SECRET", larkmsg::fake::STORE_APP_SECRET)?;
    module.add("FAKE_TENANT_KEY", larkmsg::fake::FAKE_TENANT_KEY)?;
    Ok(())
}
