//! `NativeCardStream`: the core's card stream (`larkmsg::CardStream`) for the wrapper's
//! `CardStream`; options in and answers out as JSON text, as the calls do.

use std::sync::{Arc, Mutex, PoisonError};

use larkmsg::{CardStream, StreamCardOptions};
use napi::bindgen_prelude::Object;
use napi::{Env, Status};
use napi_derive::napi;
use serde_json::{Value, json};

use crate::{NativeClient, error_json, throw};

/// A card entity being streamed into: made empty, then started with `start`; finished in
/// the background when garbage collected before `finish`.
#[napi]
#[derive(Default)]
pub struct NativeCardStream {
    inner: Arc<Mutex<Option<Arc<CardStream>>>>,
}

impl NativeCardStream {
    fn stream(&self) -> napi::Result<Arc<CardStream>> {
        let guard = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        guard.clone().ok_or_else(|| napi::Error::new(Status::GenericFailure, "the stream is not started"))
    }
}

/// `{"ok": value}` or `{"error": coreErrorJson}` as JSON text.
fn answer(outcome: larkmsg::Result<Value>) -> String {
    match outcome {
        Ok(value) => json!({"ok": value}),
        Err(error) => json!({"error": error_json(&error)}),
    }
    .to_string()
}

#[napi]
impl NativeCardStream {
    /// An empty stream.
    #[napi(constructor)]
    pub fn new() -> Self {
        Self::default()
    }

    /// Creates and sends the card entity of `client` from the core's `StreamCardOptions`
    /// (JSON, snake_case) on the core's runtime. The promise resolves to
    /// `{"ok": {"card_id", "message_id"}}` or `{"error": coreErrorJson}` as JSON text.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn start<'env>(
        &self,
        env: &'env Env,
        client: &NativeClient,
        options_json: String,
    ) -> napi::Result<Object<'env>> {
        let (deferred, promise) = env.create_deferred()?;
        let client = client.inner.clone();
        let slot = Arc::clone(&self.inner);
        let work = async move {
            let options = serde_json::from_str::<Value>(&options_json).map_err(|e| {
                larkmsg::Error::new(larkmsg::ErrorKind::InvalidArgument, format!("options are not JSON: {e}"))
            })?;
            let stream = client.stream_card(StreamCardOptions::from_json(options)?).await?;
            let ids = json!({"card_id": stream.card_id(), "message_id": stream.message_id()});
            *slot.lock().unwrap_or_else(PoisonError::into_inner) = Some(Arc::new(stream));
            Ok(ids)
        };
        larkmsg::runtime::spawn_settled(work, move |outcome| {
            let text = answer(outcome);
            deferred.resolve(move |_env| Ok(text));
        })
        .map_err(|e| throw(&e))?;
        Ok(promise)
    }

    /// Appends to the text (never waits); throws the core's error JSON.
    #[napi]
    pub fn append(&self, delta: String) -> napi::Result<()> {
        self.stream()?.append(&delta).map_err(|e| throw(&e))
    }

    /// Replaces the whole text (never waits); throws the core's error JSON.
    #[napi]
    pub fn push(&self, text: String) -> napi::Result<()> {
        self.stream()?.push(&text).map_err(|e| throw(&e))
    }

    /// The text so far.
    #[napi]
    pub fn text(&self) -> napi::Result<String> {
        Ok(self.stream()?.text())
    }

    /// Finishes the stream on the core's runtime. The promise resolves to
    /// `{"ok": summary}` or `{"error": coreErrorJson}` as JSON text.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn finish<'env>(
        &self,
        env: &'env Env,
        text: Option<String>,
        summary: Option<String>,
    ) -> napi::Result<Object<'env>> {
        let (deferred, promise) = env.create_deferred()?;
        let stream = self.stream()?;
        let work = async move {
            let summary = stream.finish_with(text.as_deref(), summary.as_deref()).await?;
            Ok(serde_json::to_value(summary).unwrap_or(Value::Null))
        };
        larkmsg::runtime::spawn_settled(work, move |outcome| {
            let text = answer(outcome);
            deferred.resolve(move |_env| Ok(text));
        })
        .map_err(|e| throw(&e))?;
        Ok(promise)
    }

    /// Finishes the stream in the background with the text so far (never waits).
    #[napi]
    pub fn close(&self) -> napi::Result<()> {
        self.stream()?.close();
        Ok(())
    }
}
