//! Streaming an answer into a card entity, the "typewriter" card of AI assistants:
//! [`Client::stream_card`] creates a card entity in streaming mode, sends it (to a
//! receiver or as a reply), and hands back a [`CardStream`] to append text to.
//!
//! The stream does what the platform asks of such a card, so callers only append:
//! - **Coalescing.** Appends only change the text in memory; a background task pushes the
//!   latest full text (the content endpoint takes the whole text each time) at most once
//!   per interval, a share of the card's 10 operations per second
//!   ([`StreamCardOptions::rate_share`], 0.8 by default), and every operation also passes
//!   the client's per-card quota lane.
//! - **Sequence.** The stream numbers every operation it makes on the card, strictly
//!   increasing. When another writer moved the card's sequence (300317), it moves its own
//!   forward (by 1, 2, 4, … until accepted) and pushes the latest text again.
//! - **Streaming mode.** It closes by itself 10 minutes after it was turned on; a stream
//!   older than that turns it on again before its next push, and one the platform says is
//!   closed (300309, 200850, 200510) does the same and pushes again.
//! - **Finish.** [`CardStream::finish`] puts the exact final text on the card, then turns
//!   streaming mode off and sets the summary (the chat preview would otherwise stay
//!   "[生成中...]"). Each of the two is repeated after any failure that may pass later
//!   (throttling, timeouts, lost connections, server errors) until it lands or the finish
//!   deadline passes; the error then says which step did not land.
//! - **Drop.** A stream dropped without `finish` is finished in the background with the
//!   text so far; what could not be done is logged (`tracing`, target `larkmsg::stream`).
//!
//! The background task runs on the runtime that called `stream_card`.

mod options;
mod worker;

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use serde::Serialize;
use serde_json::json;
use tokio::sync::{Notify, watch};

use crate::api::{CreateCardRequest, ReplyMessageRequest, SendMessageRequest};
use crate::client::Client;
use crate::enums::MsgType;
use crate::error::{Error, ErrorKind, Result};
use crate::validate::{Rule, Violation, Violations};
use options::Target;
pub use options::{
    DEFAULT_AUTO_CLOSE, DEFAULT_ELEMENT_ID, DEFAULT_FINISH_TIMEOUT, DEFAULT_RATE_SHARE, StreamCardOptions,
};
use worker::Worker;

/// What a finished stream did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct StreamSummary {
    /// The card entity's id.
    pub card_id: String,
    /// The id of the message that sent the card.
    pub message_id: String,
    /// The last `sequence` the stream used on the card: the next operation on it must use
    /// a greater one.
    pub sequence: i64,
    /// Operations the stream made on the card (pushes, re-openings, the final settings,
    /// and the attempts the platform refused).
    pub operations: u64,
    /// Pushes of the text that landed.
    pub pushes: u64,
    /// Times another writer had moved the card's sequence (300317) and the stream moved
    /// its own forward.
    pub sequence_conflicts: u64,
    /// Times the stream turned streaming mode on again.
    pub reopened: u64,
    /// Characters of the final text.
    pub text_chars: u64,
    /// Milliseconds from the call of `finish` until the final text was on the card.
    pub final_text_ms: u64,
}

/// A card entity being streamed into; see the [module documentation](self).
///
/// [`CardStream::append`] and [`CardStream::push`] never wait: they change the text that
/// the background task pushes next. They fail once the stream failed for good (the error
/// that stopped it) or was finished.
#[derive(Debug)]
pub struct CardStream {
    shared: Arc<Shared>,
    card_id: String,
    message_id: String,
    outcome: watch::Receiver<Option<Result<StreamSummary>>>,
}

/// What the handle and the background task share.
#[derive(Debug)]
struct Shared {
    state: Mutex<State>,
    wake: Notify,
}

#[derive(Debug)]
struct State {
    /// The latest full text.
    text: String,
    /// Its length in characters.
    chars: usize,
    /// Bumped by every change of `text`.
    version: u64,
    /// `finish` was called (with the summary to set, if given).
    finish: Option<Option<String>>,
    /// The handle was dropped or closed without `finish`.
    closed: bool,
    /// The error that stopped the stream for good.
    failure: Option<Error>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Client {
    /// Creates a card entity in streaming mode from `options`, sends it, and gives the
    /// stream to append the answer to (see [`crate::stream`]).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidArgument`] with every violation of the options or the card
    /// (nothing is sent); otherwise the error of creating the card entity or of sending
    /// it (a card entity created but not sent is never shown to anyone).
    pub async fn stream_card(&self, options: StreamCardOptions) -> Result<CardStream> {
        let card = options.card_json()?;
        let target = options.target().ok_or_else(|| Error::new(ErrorKind::InvalidArgument, "no receiver"))?;
        let opened_at = tokio::time::Instant::now();
        let created = self.create_card(CreateCardRequest::card_json(card.to_string())).await?;
        let card_id = created.card_id;
        let content = json!({"type": "card", "data": {"card_id": card_id}}).to_string();
        let sent = match target {
            Target::Receiver { id_type, id } => {
                let mut request = SendMessageRequest::new(id_type, id, MsgType::Interactive, content);
                request.uuid = options.uuid_value().map(str::to_owned);
                self.send_message(request).await
            }
            Target::Reply { message_id, in_thread } => {
                let mut request =
                    ReplyMessageRequest::new(message_id, MsgType::Interactive, content).in_thread(in_thread);
                request.uuid = options.uuid_value().map(str::to_owned);
                self.reply_message(request).await
            }
        };
        let message_id = sent
            .map_err(|e| e.with_context(&format!("card entity {card_id} was created but not sent")))?
            .message_id;
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                text: String::new(),
                chars: 0,
                version: 0,
                finish: None,
                closed: false,
                failure: None,
            }),
            wake: Notify::new(),
        });
        let (publish, outcome) = watch::channel(None);
        let worker = Worker::new(
            self.clone(),
            Arc::clone(&shared),
            options,
            card_id.clone(),
            message_id.clone(),
            opened_at,
        );
        tokio::spawn(worker.run(publish));
        Ok(CardStream { shared, card_id, message_id, outcome })
    }
}

impl CardStream {
    /// The card entity's id.
    pub fn card_id(&self) -> &str {
        &self.card_id
    }

    /// The id of the message that sent the card.
    pub fn message_id(&self) -> &str {
        &self.message_id
    }

    /// Appends `delta` to the text (a token of an answer, say).
    ///
    /// # Errors
    /// The error that stopped the stream, or [`ErrorKind::InvalidArgument`] after `finish`
    /// or when the text would pass 100,000 characters.
    pub fn append(&self, delta: &str) -> Result<()> {
        self.change(delta, false)
    }

    /// Replaces the whole text (the platform types out what follows the old text when the
    /// old text is a prefix of the new one, and shows the new text at once otherwise).
    ///
    /// # Errors
    /// As [`CardStream::append`].
    pub fn push(&self, text: &str) -> Result<()> {
        self.change(text, true)
    }

    /// The text so far.
    pub fn text(&self) -> String {
        self.shared.lock().text.clone()
    }

    /// Appends `piece`, or with `replace` puts it in place of the text; a change that would
    /// pass the card text's limit changes nothing.
    fn change(&self, piece: &str, replace: bool) -> Result<()> {
        let mut state = self.shared.lock();
        if let Some(failure) = &state.failure {
            return Err(failure.clone());
        }
        if state.finish.is_some() || state.closed {
            return Err(Error::new(ErrorKind::InvalidArgument, "the stream is finished"));
        }
        let chars = piece.chars().count() + if replace { 0 } else { state.chars };
        let max = crate::api::MAX_CARD_TEXT_CHARS;
        if chars > max {
            let message = format!("the text would have {chars} characters; a card's text has at most {max}");
            let violation = Violation { path: "content".into(), rule: Rule::Length, message };
            return Err(Error::from(Violations::from(violation)));
        }
        if replace {
            state.text.clear();
        }
        state.text.push_str(piece);
        state.chars = chars;
        state.version += 1;
        drop(state);
        self.shared.wake.notify_one();
        Ok(())
    }

    /// Puts the exact text so far on the card, turns streaming mode off and sets the
    /// summary; see [`CardStream::finish_with`].
    ///
    /// # Errors
    /// As [`CardStream::finish_with`].
    pub async fn finish(&self) -> Result<StreamSummary> {
        self.finish_with(None, None).await
    }

    /// Finishes the stream: `text`, when given, replaces the text first; then the exact
    /// text is put on the card, streaming mode is turned off and the summary set
    /// (`summary`, else the options' summary, else the start of the text). A `text` over the
    /// card text's limit is refused and nothing is finished. Each step is
    /// repeated after failures that may pass until it lands or the options' finish timeout
    /// passes. Calling it again gives the same outcome.
    ///
    /// # Errors
    /// [`ErrorKind::Timeout`] when a step did not land before the deadline (the message
    /// says which, with the last failure); the error that stopped the stream earlier; or a
    /// refusal by the platform (the card expired, another app's card, …).
    pub async fn finish_with(&self, text: Option<&str>, summary: Option<&str>) -> Result<StreamSummary> {
        if let Some(text) = text {
            self.push(text)?;
        }
        {
            let mut state = self.shared.lock();
            if state.finish.is_none() && !state.closed {
                state.finish = Some(summary.map(str::to_owned));
            }
        }
        self.shared.wake.notify_one();
        let mut outcome = self.outcome.clone();
        let done = outcome.wait_for(Option::is_some).await;
        match done {
            Ok(value) => value.clone().unwrap_or_else(|| Err(stopped())),
            Err(_) => Err(stopped()),
        }
    }

    /// Blocking [`CardStream::finish_with`], on the shared runtime.
    ///
    /// # Errors
    /// As [`CardStream::finish_with`], and [`ErrorKind::Config`] inside an async runtime.
    pub fn finish_blocking(&self, text: Option<&str>, summary: Option<&str>) -> Result<StreamSummary> {
        crate::runtime::block_on(self.finish_with(text, summary))?
    }

    /// Finishes the stream in the background with the text so far (as dropping it does):
    /// for a caller that cannot wait, such as a cancelled task.
    pub fn close(&self) {
        self.shared.lock().closed = true;
        self.shared.wake.notify_one();
    }
}

fn stopped() -> Error {
    Error::new(ErrorKind::Config, "the stream's background task stopped (its runtime shut down)")
}

impl Drop for CardStream {
    fn drop(&mut self) {
        self.close();
    }
}
