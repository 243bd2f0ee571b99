//! `NativeCardStream`: the core's card stream (`larkmsg::CardStream`) for the Python
//! wrapper (`larkmsg._stream`); options in and the summary out as JSON text.

use std::sync::Arc;

use larkmsg::{CardStream, Client, StreamCardOptions};
use pyo3::prelude::*;

use crate::{Abort, future_of, parse_json, to_py_err};

/// A card entity being streamed into; finished in the background when garbage collected
/// before `finish`.
#[pyclass(frozen, module = "larkmsg._native")]
pub(crate) struct NativeCardStream {
    inner: Arc<CardStream>,
}

fn options(py: Python<'_>, options_json: &str) -> PyResult<StreamCardOptions> {
    StreamCardOptions::from_json(parse_json(options_json)?).map_err(|e| to_py_err(py, &e))
}

/// Starts a stream, blocking without the GIL.
pub(crate) fn start(py: Python<'_>, client: &Client, options_json: &str) -> PyResult<NativeCardStream> {
    let options = options(py, options_json)?;
    let started = py.detach(|| client.blocking().stream_card(options));
    started.map(|stream| NativeCardStream { inner: Arc::new(stream) }).map_err(|e| to_py_err(py, &e))
}

/// Starts a stream on the core's runtime; an asyncio future of it, and its `Abort`.
pub(crate) fn start_async<'py>(
    py: Python<'py>,
    client: &Client,
    options_json: &str,
) -> PyResult<(Bound<'py, PyAny>, Abort)> {
    let options = options(py, options_json)?;
    let client = client.clone();
    future_of(py, async move { client.stream_card(options).await }, |py, stream| {
        Ok(Bound::new(py, NativeCardStream { inner: Arc::new(stream) })?.into_any().unbind())
    })
}

fn summary_json(summary: &larkmsg::StreamSummary) -> String {
    serde_json::to_string(summary).unwrap_or_else(|_| "{}".to_owned())
}

#[pymethods]
impl NativeCardStream {
    /// The card entity's id.
    #[getter]
    fn card_id(&self) -> String {
        self.inner.card_id().to_owned()
    }

    /// The id of the message that sent the card.
    #[getter]
    fn message_id(&self) -> String {
        self.inner.message_id().to_owned()
    }

    /// Appends to the text (never waits).
    fn append(&self, py: Python<'_>, delta: &str) -> PyResult<()> {
        let stream = &self.inner;
        py.detach(|| stream.append(delta)).map_err(|e| to_py_err(py, &e))
    }

    /// Replaces the whole text (never waits).
    fn push(&self, py: Python<'_>, text: &str) -> PyResult<()> {
        let stream = &self.inner;
        py.detach(|| stream.push(text)).map_err(|e| to_py_err(py, &e))
    }

    /// The text so far.
    fn text(&self) -> String {
        self.inner.text()
    }

    /// Finishes the stream, blocking without the GIL; gives the summary as JSON text.
    #[pyo3(signature = (text = None, summary = None))]
    fn finish(&self, py: Python<'_>, text: Option<String>, summary: Option<String>) -> PyResult<String> {
        let stream = &self.inner;
        let outcome = py.detach(|| stream.finish_blocking(text.as_deref(), summary.as_deref()));
        outcome.map(|summary| summary_json(&summary)).map_err(|e| to_py_err(py, &e))
    }

    /// Finishes the stream on the core's runtime; an asyncio future of the summary (JSON
    /// text), and its `Abort`.
    #[pyo3(signature = (text = None, summary = None))]
    fn finish_async<'py>(
        &self,
        py: Python<'py>,
        text: Option<String>,
        summary: Option<String>,
    ) -> PyResult<(Bound<'py, PyAny>, Abort)> {
        let stream = Arc::clone(&self.inner);
        let work = async move { stream.finish_with(text.as_deref(), summary.as_deref()).await };
        future_of(py, work, |py, summary| Ok(summary_json(&summary).into_pyobject(py)?.into_any().unbind()))
    }

    /// Finishes the stream in the background with the text so far (never waits).
    fn close(&self) {
        self.inner.close();
    }
}
