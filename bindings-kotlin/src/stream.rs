//! [`NativeCardStream`]: the core's card stream (`larkmsg::CardStream`) behind the Kotlin
//! `CardStream`, started by [`NativeClient::stream_card`] from a [`StreamCardOptions`]
//! record (the core's stream options, field for field) and finished into a
//! [`StreamSummary`] record.

use std::sync::Arc;

use serde::Serialize;

use crate::bridge;
use crate::client::NativeClient;
use crate::error::NativeError;
use crate::json;

/// How to stream an answer into a card entity: where to send the card (`receive_id_type`
/// with `receive_id`, or `reply_to`), what card to create, which element to stream into,
/// and the pace. Unset fields keep the core's defaults.
#[derive(Debug, Clone, PartialEq, Default, Serialize, uniffi::Record)]
pub struct StreamCardOptions {
    /// What kind of id `receive_id` is (`open_id`, `union_id`, `user_id`, `email`, `chat_id`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[uniffi(default)]
    pub receive_id_type: Option<String>,
    /// The user or chat the card is sent to.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[uniffi(default)]
    pub receive_id: Option<String>,
    /// The message the card replies to, instead of a receiver.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[uniffi(default)]
    pub reply_to: Option<String>,
    /// With `reply_to`: reply in a thread.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[uniffi(default)]
    pub reply_in_thread: Option<bool>,
    /// The card to create, as the JSON text of a card spec (`{"header", "config",
    /// "elements"}`, the `card` of `Larkmsg.buildContent`); streaming mode is turned on.
    #[serde(skip_serializing_if = "Option::is_none", with = "crate::json::json_text")]
    #[uniffi(default)]
    pub card: Option<String>,
    /// The element streamed into (default `answer`; added to the card as a `markdown`
    /// element when the card has none with that id).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[uniffi(default)]
    pub element_id: Option<String>,
    /// The text shown before the first push (e.g. "Thinking…").
    #[serde(skip_serializing_if = "Option::is_none")]
    #[uniffi(default)]
    pub text: Option<String>,
    /// The pace at which the platform prints streamed text, as JSON text
    /// (`{"print_frequency_ms", "print_step", "print_strategy"}`).
    #[serde(skip_serializing_if = "Option::is_none", with = "crate::json::json_text")]
    #[uniffi(default)]
    pub streaming_config: Option<String>,
    /// The chat preview after `finish` (default: the start of the final text).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[uniffi(default)]
    pub summary: Option<String>,
    /// The share of the card's 10 operations per second the stream uses (above 0, at most
    /// 1; default 0.8).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[uniffi(default)]
    pub rate_share: Option<f64>,
    /// When the platform closes streaming mode by itself, in milliseconds (default 600000).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[uniffi(default)]
    pub auto_close_ms: Option<i64>,
    /// How long `finish` keeps trying to put the final text on the card, in milliseconds
    /// (default 60000).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[uniffi(default)]
    pub finish_timeout_ms: Option<i64>,
    /// The de-duplication key of the message that sends the card.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[uniffi(default)]
    pub uuid: Option<String>,
}

/// What a finished stream did.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct StreamSummary {
    /// The card entity's id.
    pub card_id: String,
    /// The id of the message that sent the card.
    pub message_id: String,
    /// The last `sequence` the stream used: the next operation on the card needs a greater one.
    pub sequence: i64,
    /// Operations the stream made on the card, refused attempts included.
    pub operations: i64,
    /// Pushes of the text that landed.
    pub pushes: i64,
    /// Times another writer had moved the card's sequence and the stream moved past it.
    pub sequence_conflicts: i64,
    /// Times the stream turned streaming mode on again.
    pub reopened: i64,
    /// Characters of the final text.
    pub text_chars: i64,
    /// Milliseconds from `finish` until the final text was on the card.
    pub final_text_ms: i64,
}

fn count(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

impl From<larkmsg::StreamSummary> for StreamSummary {
    fn from(summary: larkmsg::StreamSummary) -> Self {
        Self {
            card_id: summary.card_id,
            message_id: summary.message_id,
            sequence: summary.sequence,
            operations: count(summary.operations),
            pushes: count(summary.pushes),
            sequence_conflicts: count(summary.sequence_conflicts),
            reopened: count(summary.reopened),
            text_chars: count(summary.text_chars),
            final_text_ms: count(summary.final_text_ms),
        }
    }
}

impl StreamCardOptions {
    /// The core's options; every field that does not decode is an `invalid_argument` error.
    fn core(&self) -> Result<larkmsg::StreamCardOptions, NativeError> {
        Ok(larkmsg::StreamCardOptions::from_json(json::request(self)?)?)
    }
}

/// A card entity being streamed into. Freed (or collected) before `finish`, it is finished
/// in the background with the text so far.
#[derive(uniffi::Object)]
pub struct NativeCardStream {
    inner: Arc<larkmsg::CardStream>,
}

impl NativeCardStream {
    fn of(stream: larkmsg::CardStream) -> Arc<Self> {
        Arc::new(Self { inner: Arc::new(stream) })
    }
}

#[uniffi::export]
impl NativeClient {
    /// Creates a card entity in streaming mode from `options`, sends it and gives the
    /// stream to append to; bad options fail before anything is sent.
    pub async fn stream_card(
        &self,
        options: StreamCardOptions,
    ) -> Result<Arc<NativeCardStream>, NativeError> {
        let options = options.core()?;
        let client = self.client()?;
        let stream = bridge::run(async move { client.stream_card(options).await }).await?;
        Ok(NativeCardStream::of(stream))
    }

    /// [`NativeClient::stream_card`], blocking the calling thread.
    pub fn stream_card_blocking(
        &self,
        options: StreamCardOptions,
    ) -> Result<Arc<NativeCardStream>, NativeError> {
        let options = options.core()?;
        let stream = bridge::block(self.client()?.stream_card(options))?;
        Ok(NativeCardStream::of(stream))
    }
}

#[uniffi::export]
impl NativeCardStream {
    /// The card entity's id.
    pub fn card_id(&self) -> String {
        self.inner.card_id().to_owned()
    }

    /// The id of the message that sent the card.
    pub fn message_id(&self) -> String {
        self.inner.message_id().to_owned()
    }

    /// Appends `delta` to the text; never waits.
    pub fn append(&self, delta: String) -> Result<(), NativeError> {
        Ok(self.inner.append(&delta)?)
    }

    /// Replaces the whole text; never waits.
    pub fn push(&self, text: String) -> Result<(), NativeError> {
        Ok(self.inner.push(&text)?)
    }

    /// The text so far.
    pub fn text(&self) -> String {
        self.inner.text()
    }

    /// Puts the exact text (`text` when given) on the card, turns streaming mode off and
    /// sets the summary (`summary`, else the options' one, else the start of the text).
    pub async fn finish(
        &self,
        text: Option<String>,
        summary: Option<String>,
    ) -> Result<StreamSummary, NativeError> {
        let stream = Arc::clone(&self.inner);
        let finished = async move { stream.finish_with(text.as_deref(), summary.as_deref()).await };
        Ok(bridge::run(finished).await?.into())
    }

    /// [`NativeCardStream::finish`], blocking the calling thread.
    pub fn finish_blocking(
        &self,
        text: Option<String>,
        summary: Option<String>,
    ) -> Result<StreamSummary, NativeError> {
        Ok(bridge::block(self.inner.finish_with(text.as_deref(), summary.as_deref()))?.into())
    }

    /// Finishes the stream in the background with the text so far; never waits.
    pub fn finish_in_background(&self) {
        self.inner.close();
    }
}
