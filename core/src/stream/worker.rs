//! The background task of a [`super::CardStream`]: it waits for new text, pushes the
//! latest full text at the stream's pace with the stream's sequence, recovers from a moved
//! sequence and a closed streaming mode, and finishes.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::sync::watch;
use tokio::time::Instant;

use super::options::StreamCardOptions;
use super::{Shared, StreamSummary};
use crate::api::{MAX_SEQUENCE, UpdateCardSettingsRequest};
use crate::client::Client;
use crate::codes::{
    CARD_SEQUENCE_NOT_INCREASING, CARD_STREAMING_CLOSED, CARD_STREAMING_TIMEOUTS, retry_later,
};
use crate::error::{Error, ErrorKind, Result};

/// Times in a row the stream moves its sequence forward for one operation before it gives up.
const MAX_SEQUENCE_CONFLICTS: u32 = 31;
/// A stream turns streaming mode on again this long before the platform would close it.
const AUTO_CLOSE_MARGIN: Duration = Duration::from_secs(5);
/// Characters of the final text the default summary shows.
const SUMMARY_CHARS: usize = 60;

/// One operation of the stream.
enum Op<'a> {
    /// Put this full text on the card.
    Text(&'a str),
    /// Apply these settings.
    Settings(&'a Value),
}

/// A step of `finish`, repeated until it lands.
enum Final<'a> {
    /// The exact final text.
    Text(&'a str),
    /// Streaming mode off, with the summary.
    Off(&'a Value),
}

/// What the stream has to do next.
enum Job {
    Push,
    Finish { summary: Option<String>, dropped: bool },
}

pub(super) struct Worker {
    client: Client,
    shared: Arc<Shared>,
    options: StreamCardOptions,
    card_id: String,
    /// The last sequence used.
    sequence: i64,
    /// When the last operation started.
    last_start: Option<Instant>,
    interval: Duration,
    /// When streaming mode was last turned on (as sent, so never later than the platform's).
    opened_at: Instant,
    /// The version and text of the last push that landed.
    pushed: (u64, String),
    summary: StreamSummary,
}

impl Worker {
    pub(super) fn new(
        client: Client,
        shared: Arc<Shared>,
        options: StreamCardOptions,
        card_id: String,
        message_id: String,
        opened_at: Instant,
    ) -> Self {
        let initial = options.initial_text().to_owned();
        let summary = StreamSummary {
            card_id: card_id.clone(),
            message_id,
            sequence: 0,
            operations: 0,
            pushes: 0,
            sequence_conflicts: 0,
            reopened: 0,
            text_chars: 0,
            final_text_ms: 0,
        };
        Self {
            client,
            shared,
            interval: options.interval(),
            options,
            card_id,
            sequence: 0,
            last_start: None,
            opened_at,
            pushed: (0, initial),
            summary,
        }
    }

    /// Runs the stream to its end and publishes the outcome.
    pub(super) async fn run(mut self, publish: watch::Sender<Option<Result<StreamSummary>>>) {
        let outcome = self.stream().await;
        if let Err(error) = &outcome {
            tracing::warn!(target: "larkmsg::stream", card_id = %self.card_id, %error, "card stream did not finish");
        }
        publish.send_replace(Some(outcome));
    }

    async fn stream(&mut self) -> Result<StreamSummary> {
        loop {
            match self.next_job().await {
                Job::Push => {
                    self.wait_for_slot().await;
                    if self.finish_requested() {
                        continue;
                    }
                    let (version, text) = self.snapshot();
                    match self.push(&text).await {
                        Ok(()) => self.pushed = (version, text),
                        Err(error) if retry_later(&error) => {
                            tracing::debug!(target: "larkmsg::stream", card_id = %self.card_id, %error, "push failed; the next one carries the text");
                        }
                        Err(error) => return self.fail(error).await,
                    }
                }
                Job::Finish { summary, dropped } => {
                    if dropped {
                        tracing::debug!(target: "larkmsg::stream", card_id = %self.card_id, "stream dropped; finishing it");
                    }
                    return self.finish(summary).await;
                }
            }
        }
    }

    /// Waits until there is new text to push or the stream is to finish.
    async fn next_job(&self) -> Job {
        loop {
            {
                let state = self.shared.lock();
                if let Some(summary) = &state.finish {
                    return Job::Finish { summary: summary.clone(), dropped: false };
                }
                if state.closed {
                    return Job::Finish { summary: None, dropped: true };
                }
                if state.version != self.pushed.0 {
                    return Job::Push;
                }
            }
            self.shared.wake.notified().await;
        }
    }

    fn finish_requested(&self) -> bool {
        let state = self.shared.lock();
        state.finish.is_some() || state.closed
    }

    fn snapshot(&self) -> (u64, String) {
        let state = self.shared.lock();
        (state.version, state.text.clone())
    }

    /// Records the failure that stops the stream, waits for `finish` or the drop, and
    /// reports the failure then.
    async fn fail(&mut self, error: Error) -> Result<StreamSummary> {
        self.shared.lock().failure = Some(error.clone());
        loop {
            {
                let state = self.shared.lock();
                if state.finish.is_some() || state.closed {
                    return Err(error);
                }
            }
            self.shared.wake.notified().await;
        }
    }

    /// Waits until the stream's pace allows its next operation.
    async fn wait_for_slot(&self) {
        if let Some(last) = self.last_start {
            tokio::time::sleep_until(last + self.interval).await;
        }
    }

    /// Makes one operation at the stream's pace with the next sequence, moving the
    /// sequence forward while another writer is ahead of it.
    async fn send(&mut self, op: &Op<'_>) -> Result<()> {
        let mut step: i64 = 1;
        let mut conflicts = 0;
        loop {
            self.wait_for_slot().await;
            self.last_start = Some(Instant::now());
            self.summary.operations += 1;
            if self.sequence >= MAX_SEQUENCE {
                return Err(Error::new(ErrorKind::InvalidArgument, "the card's sequence reached 2147483647"));
            }
            self.sequence = self.client.next_card_sequence_above(&self.card_id, self.sequence).await;
            let outcome = match op {
                Op::Text(text) => {
                    let request = self.options.content_request(&self.card_id, text, self.sequence);
                    self.client.update_card_element_content(request).await.map(drop)
                }
                Op::Settings(settings) => {
                    let request = UpdateCardSettingsRequest::new(&self.card_id, settings, self.sequence);
                    self.client.update_card_settings(request).await.map(drop)
                }
            };
            match outcome {
                Err(error)
                    if error.code() == Some(CARD_SEQUENCE_NOT_INCREASING)
                        && conflicts < MAX_SEQUENCE_CONFLICTS =>
                {
                    conflicts += 1;
                    self.summary.sequence_conflicts += 1;
                    self.sequence = self.sequence.saturating_add(step).min(MAX_SEQUENCE - 1);
                    step = step.saturating_mul(2);
                    tracing::debug!(target: "larkmsg::stream", card_id = %self.card_id, sequence = self.sequence, "another writer moved the card's sequence");
                }
                other => return other,
            }
        }
    }

    /// Puts `text` on the card, turning streaming mode on first when it closed.
    async fn push(&mut self, text: &str) -> Result<()> {
        if self.opened_at.elapsed() + AUTO_CLOSE_MARGIN >= self.options.auto_close_after() {
            self.reopen().await?;
        }
        match self.send(&Op::Text(text)).await {
            Err(error) if streaming_closed(&error) => {
                self.reopen().await?;
                self.send(&Op::Text(text)).await
            }
            other => other,
        }?;
        self.summary.pushes += 1;
        Ok(())
    }

    /// Turns streaming mode on again, with the stream's pace.
    async fn reopen(&mut self) -> Result<()> {
        let mut config = json!({"streaming_mode": true});
        if let (Some(object), Some(pace)) = (config.as_object_mut(), self.options.streaming_config_value()) {
            object.insert("streaming_config".to_owned(), pace.clone());
        }
        let settings = json!({ "config": config });
        let sent_at = Instant::now();
        self.send(&Op::Settings(&settings)).await?;
        self.opened_at = sent_at;
        self.summary.reopened += 1;
        Ok(())
    }

    /// Puts the exact final text on the card, then turns streaming mode off with the summary.
    async fn finish(&mut self, summary: Option<String>) -> Result<StreamSummary> {
        let started = Instant::now();
        let deadline = started + self.options.finish_timeout_after();
        let (_, text) = self.snapshot();
        if !text.is_empty() && text != self.pushed.1 {
            self.until_landed(deadline, "the final text", &Final::Text(&text)).await?;
        }
        self.summary.final_text_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let shown = if text.is_empty() { self.pushed.1.clone() } else { text };
        let summary = summary
            .or_else(|| self.options.summary_text().map(str::to_owned))
            .unwrap_or_else(|| summary_of(&shown));
        let settings = json!({"config": {"streaming_mode": false, "summary": {"content": summary}}});
        self.until_landed(deadline, "turning streaming mode off", &Final::Off(&settings)).await?;
        self.summary.sequence = self.sequence;
        self.summary.text_chars = shown.chars().count() as u64;
        Ok(self.summary.clone())
    }

    async fn final_step(&mut self, step: &Final<'_>) -> Result<()> {
        match step {
            Final::Text(text) => self.push(text).await,
            Final::Off(settings) => self.send(&Op::Settings(settings)).await,
        }
    }

    /// Runs `step` until it lands, again after each failure that may pass, until `deadline`.
    async fn until_landed(&mut self, deadline: Instant, what: &str, step: &Final<'_>) -> Result<()> {
        loop {
            let error = match tokio::time::timeout_at(deadline, self.final_step(step)).await {
                Ok(Ok(())) => return Ok(()),
                Ok(Err(error)) if retry_later(&error) => error,
                Ok(Err(error)) => {
                    return Err(error.with_context(&format!("{what} did not land on card {}", self.card_id)));
                }
                Err(_) => Error::new(ErrorKind::Timeout, "no answer").with_maybe_sent(true),
            };
            if Instant::now() + self.interval >= deadline {
                let message = format!(
                    "{what} did not land on card {} before the finish deadline: {error}",
                    self.card_id
                );
                return Err(Error::new(ErrorKind::Timeout, message).with_maybe_sent(error.maybe_sent()));
            }
            tracing::debug!(target: "larkmsg::stream", card_id = %self.card_id, %error, "{what}: trying again");
            tokio::time::sleep(self.interval).await;
        }
    }
}

/// Whether the platform said the card's streaming mode is closed (off or timed out).
fn streaming_closed(error: &Error) -> bool {
    error.code().is_some_and(|code| code == CARD_STREAMING_CLOSED || CARD_STREAMING_TIMEOUTS.contains(&code))
}

/// The default summary: the text's first characters on one line.
fn summary_of(text: &str) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() <= SUMMARY_CHARS {
        return line;
    }
    let mut short: String = line.chars().take(SUMMARY_CHARS - 1).collect();
    short.push('…');
    short
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_is_the_start_of_the_text_on_one_line() {
        assert_eq!(summary_of("  Hello\n\nworld "), "Hello world");
        let long = "字".repeat(100);
        let summary = summary_of(&long);
        assert_eq!(summary.chars().count(), SUMMARY_CHARS);
        assert!(summary.ends_with('…'));
    }
}
