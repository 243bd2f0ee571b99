//! What a card stream is asked to do ([`StreamCardOptions`], its JSON form for the
//! bindings) and the card entity it creates from them.

use std::time::Duration;

use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::api::UpdateCardElementContentRequest;
use crate::card::{StreamingConfig, check_card_entity, is_element_id};
use crate::enums::ReceiveIdType;
use crate::error::{Error, Result};
use crate::validate::{Rule, Validator, Violations, decode_value, join};

/// The element streamed into when the options name none.
pub const DEFAULT_ELEMENT_ID: &str = "answer";
/// The share of a card's 10 operations per second a stream uses by default.
pub const DEFAULT_RATE_SHARE: f64 = 0.8;
/// When streaming mode closes by itself on the platform: 10 minutes after it was turned on.
pub const DEFAULT_AUTO_CLOSE: Duration = Duration::from_secs(600);
/// How long `finish` keeps trying to put the final text on the card by default.
pub const DEFAULT_FINISH_TIMEOUT: Duration = Duration::from_secs(60);
/// The per-card quota the rate share applies to: 10 operations per second.
pub(crate) const CARD_OPERATIONS_PER_SECOND: f64 = 10.0;

/// How to stream an answer into a card entity: where to send the card, what card to
/// create, which element to stream into, and the pace.
///
/// Its JSON form (what every binding passes, all keys snake_case):
/// `{"receive_id_type": "open_id", "receive_id": "ou_…"}` or `{"reply_to": "om_…",
/// "reply_in_thread"?: bool}`, then optionally `"card"` (a card spec as
/// [`crate::content::build_content`]'s `card` payload: `header`, `config`, `elements`),
/// `"element_id"` (default `answer`; added to the card as a `markdown` element when the
/// card has no element with that id), `"text"` (the text shown before the first push),
/// `"streaming_config"` (`print_frequency_ms`, `print_step`, `print_strategy`),
/// `"summary"` (the chat preview after `finish`; default: the start of the final text),
/// `"rate_share"` (0 < share ≤ 1 of the card's 10 operations per second, default 0.8),
/// `"auto_close_ms"` (default 600000), `"finish_timeout_ms"` (default 60000) and `"uuid"`
/// (the send's de-duplication key).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StreamCardOptions {
    receive_id_type: Option<ReceiveIdType>,
    receive_id: Option<String>,
    reply_to: Option<String>,
    reply_in_thread: Option<bool>,
    card: Option<Value>,
    #[serde(default = "default_element_id")]
    element_id: String,
    #[serde(default)]
    text: String,
    streaming_config: Option<Value>,
    summary: Option<String>,
    #[serde(default = "default_rate_share")]
    rate_share: f64,
    auto_close_ms: Option<u64>,
    finish_timeout_ms: Option<u64>,
    uuid: Option<String>,
}

fn default_element_id() -> String {
    DEFAULT_ELEMENT_ID.to_owned()
}

fn default_rate_share() -> f64 {
    DEFAULT_RATE_SHARE
}

/// Where the card goes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Target {
    /// Sent to a user or chat.
    Receiver { id_type: ReceiveIdType, id: String },
    /// A reply to a message.
    Reply { message_id: String, in_thread: bool },
}

impl StreamCardOptions {
    fn empty() -> Self {
        Self {
            receive_id_type: None,
            receive_id: None,
            reply_to: None,
            reply_in_thread: None,
            card: None,
            element_id: default_element_id(),
            text: String::new(),
            streaming_config: None,
            summary: None,
            rate_share: DEFAULT_RATE_SHARE,
            auto_close_ms: None,
            finish_timeout_ms: None,
            uuid: None,
        }
    }

    /// A stream sent to one user or chat.
    pub fn to_receiver(receive_id_type: ReceiveIdType, receive_id: impl Into<String>) -> Self {
        Self { receive_id_type: Some(receive_id_type), receive_id: Some(receive_id.into()), ..Self::empty() }
    }

    /// A stream sent as a reply to the message `message_id`.
    pub fn reply_to(message_id: impl Into<String>) -> Self {
        Self { reply_to: Some(message_id.into()), ..Self::empty() }
    }

    /// Options from their JSON form (see the type's documentation).
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidArgument`] naming the field that does not decode.
    pub fn from_json(value: Value) -> Result<Self> {
        decode_value("", value).map_err(Error::from)
    }

    /// Replies in a thread (with [`StreamCardOptions::reply_to`]).
    #[must_use]
    pub fn in_thread(mut self, in_thread: bool) -> Self {
        self.reply_in_thread = Some(in_thread);
        self
    }

    /// The card to create, as a card spec (`{"header", "config", "elements"}`, the `card`
    /// payload of [`crate::content::build_content`]).
    #[must_use]
    pub fn card(mut self, spec: Value) -> Self {
        self.card = Some(spec);
        self
    }

    /// The element streamed into (default `answer`).
    #[must_use]
    pub fn element_id(mut self, element_id: impl Into<String>) -> Self {
        self.element_id = element_id.into();
        self
    }

    /// The text shown before the first push (e.g. "Thinking…").
    #[must_use]
    pub fn text(mut self, text: impl Into<String>) -> Self {
        self.text = text.into();
        self
    }

    /// The pace at which the platform prints streamed text.
    #[must_use]
    pub fn streaming_config(mut self, config: &StreamingConfig) -> Self {
        self.streaming_config = Some(config.to_value());
        self
    }

    /// The chat preview after [`crate::CardStream::finish`] (default: the start of the text).
    #[must_use]
    pub fn summary(mut self, summary: impl Into<String>) -> Self {
        self.summary = Some(summary.into());
        self
    }

    /// The share of the card's 10 operations per second the stream uses (0 < share ≤ 1).
    #[must_use]
    pub fn rate_share(mut self, share: f64) -> Self {
        self.rate_share = share;
        self
    }

    /// When the platform closes streaming mode by itself (default 10 minutes).
    #[must_use]
    pub fn auto_close(mut self, after: Duration) -> Self {
        self.auto_close_ms = Some(u64::try_from(after.as_millis()).unwrap_or(u64::MAX));
        self
    }

    /// How long `finish` keeps trying to put the final text on the card (default 60 s).
    #[must_use]
    pub fn finish_timeout(mut self, timeout: Duration) -> Self {
        self.finish_timeout_ms = Some(u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX));
        self
    }

    /// The de-duplication key of the message that sends the card.
    #[must_use]
    pub fn uuid(mut self, uuid: impl Into<String>) -> Self {
        self.uuid = Some(uuid.into());
        self
    }

    pub(crate) fn target(&self) -> Option<Target> {
        match (&self.receive_id_type, &self.receive_id, &self.reply_to) {
            (Some(id_type), Some(id), None) => {
                Some(Target::Receiver { id_type: id_type.clone(), id: id.clone() })
            }
            (None, None, Some(message_id)) => Some(Target::Reply {
                message_id: message_id.clone(),
                in_thread: self.reply_in_thread.unwrap_or(false),
            }),
            _ => None,
        }
    }

    pub(crate) fn initial_text(&self) -> &str {
        &self.text
    }

    pub(crate) fn streaming_config_value(&self) -> Option<&Value> {
        self.streaming_config.as_ref()
    }

    pub(crate) fn summary_text(&self) -> Option<&str> {
        self.summary.as_deref()
    }

    pub(crate) fn uuid_value(&self) -> Option<&str> {
        self.uuid.as_deref()
    }

    /// The least time between two operations of the stream.
    pub(crate) fn interval(&self) -> Duration {
        Duration::from_secs_f64(1.0 / (CARD_OPERATIONS_PER_SECOND * self.rate_share))
    }

    pub(crate) fn auto_close_after(&self) -> Duration {
        self.auto_close_ms.map_or(DEFAULT_AUTO_CLOSE, Duration::from_millis)
    }

    pub(crate) fn finish_timeout_after(&self) -> Duration {
        self.finish_timeout_ms.map_or(DEFAULT_FINISH_TIMEOUT, Duration::from_millis)
    }

    /// Checks the options and builds the card entity's card JSON: the card of the spec (or
    /// an empty one) in streaming mode, with the streamed element; reports every violation.
    pub(crate) fn card_json(&self) -> std::result::Result<Value, Violations> {
        let mut v = Validator::new();
        if self.target().is_none() {
            let message = "give either receive_id_type and receive_id, or reply_to";
            v.push("receive_id", Rule::OneOfRequired, message);
        }
        if !(self.rate_share > 0.0 && self.rate_share <= 1.0) {
            v.push(
                "rate_share",
                Rule::Format,
                format!("must be above 0 and at most 1, got {}", self.rate_share),
            );
        }
        for (name, value) in
            [("auto_close_ms", self.auto_close_ms), ("finish_timeout_ms", self.finish_timeout_ms)]
        {
            if value == Some(0) {
                v.push(name, Rule::Format, "must be above 0");
            }
        }
        if !is_element_id(&self.element_id) {
            let message = format!(
                "must be a letter, then letters, digits or underscores, at most 20 (^[A-Za-z][A-Za-z0-9_]{{0,19}}$), got {:?}",
                self.element_id
            );
            v.push("element_id", Rule::Format, message);
        }
        v.chars("text", &self.text, 0, crate::api::MAX_CARD_TEXT_CHARS);
        let streaming = self.streaming_config.as_ref().and_then(|config| {
            v.decode::<StreamingConfig>("streaming_config", config.clone()).map(|decoded| decoded.to_value())
        });
        let mut card = match &self.card {
            Some(spec) => {
                let built = crate::card::spec::card(&mut v, "card", spec.clone());
                built.map(|card| card.to_value())
            }
            None => Some(json!({"schema": "2.0", "body": {"elements": []}})),
        };
        // Without a valid element id the streamed element is missing: the card is not checked.
        if let Some(card) = card.as_mut().filter(|_| is_element_id(&self.element_id)) {
            self.prepare(&mut v, card, streaming);
            check_card_entity(&mut v, "card", card);
        }
        v.finish()?;
        Ok(card.unwrap_or(Value::Null))
    }

    /// Turns streaming mode on with its pace, and makes sure the streamed element is there
    /// (a text element) or adds it as `markdown`.
    fn prepare(&self, v: &mut Validator, card: &mut Value, streaming: Option<Value>) {
        let Some(object) = card.as_object_mut() else { return };
        let config = object.entry("config").or_insert_with(|| json!({}));
        if let Some(config) = config.as_object_mut() {
            config.insert("streaming_mode".to_owned(), Value::Bool(true));
            if let Some(streaming) = streaming {
                config.insert("streaming_config".to_owned(), streaming);
            }
        }
        match find_element(object, &self.element_id) {
            Some(tag) if matches!(tag.as_str(), "markdown" | "plain_text") => {}
            Some(tag) => {
                let message =
                    format!("names a {tag:?} component; text streams into markdown or plain_text only");
                v.push(join("card", "element_id"), Rule::Format, message);
            }
            None => {
                let element = json!({"tag": "markdown", "element_id": self.element_id, "content": self.text});
                let body = object.entry("body").or_insert_with(|| json!({}));
                if let Some(elements) = body
                    .as_object_mut()
                    .and_then(|body| body.entry("elements").or_insert_with(|| json!([])).as_array_mut())
                {
                    elements.push(element);
                }
            }
        }
    }

    /// The request that puts `text` on the card `card_id` as operation `sequence`.
    pub(crate) fn content_request(
        &self,
        card_id: &str,
        text: &str,
        sequence: i64,
    ) -> UpdateCardElementContentRequest {
        UpdateCardElementContentRequest::new(card_id, self.element_id.clone(), text, sequence)
    }
}

/// The tag of the component with `element_id` `id`, anywhere in the card.
fn find_element(object: &Map<String, Value>, id: &str) -> Option<String> {
    if object.get("element_id").and_then(Value::as_str) == Some(id) {
        return Some(object.get("tag").and_then(Value::as_str).unwrap_or_default().to_owned());
    }
    object.values().find_map(|child| match child {
        Value::Object(inner) => find_element(inner, id),
        Value::Array(items) => {
            items.iter().filter_map(Value::as_object).find_map(|inner| find_element(inner, id))
        }
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_card_streams_into_its_element() {
        let options = StreamCardOptions::to_receiver(ReceiveIdType::OpenId, "ou_1").text("Thinking…");
        let card = options.card_json().unwrap();
        assert_eq!(
            card,
            json!({"schema": "2.0", "body": {"elements": [{"tag": "markdown", "element_id": "answer", "content": "Thinking…"}]},
                   "config": {"streaming_mode": true}})
        );
        let spec = json!({"header": {"title": "AI"}, "config": {"summary": "x"},
                          "elements": [{"markdown": {"content": "", "element_id": "reply"}}]});
        let options = StreamCardOptions::reply_to("om_1")
            .card(spec)
            .element_id("reply")
            .streaming_config(&StreamingConfig::new().print_strategy(crate::card::PrintStrategy::Delay));
        let card = options.card_json().unwrap();
        assert_eq!(card["config"]["streaming_mode"], json!(true));
        assert_eq!(card["config"]["streaming_config"], json!({"print_strategy": "delay"}));
        assert_eq!(card["body"]["elements"].as_array().unwrap().len(), 1);
    }

    #[test]
    fn bad_options_are_reported_together() {
        let json = json!({"receive_id": "ou_1", "rate_share": 1.5, "element_id": "1x",
                          "card": {"elements": [{"button": {"text": "b", "element_id": "1x"}}]},
                          "streaming_config": {"print_strategy": 3}});
        let options = StreamCardOptions::from_json(json).unwrap();
        let violations = options.card_json().unwrap_err();
        let paths: Vec<_> = violations.as_slice().iter().map(|v| v.path.as_str()).collect();
        assert!(paths.contains(&"receive_id"), "{paths:?}");
        assert!(paths.contains(&"rate_share"), "{paths:?}");
        assert!(paths.contains(&"element_id"), "{paths:?}");
        assert!(paths.iter().any(|p| p.starts_with("streaming_config")), "{paths:?}");
        let button = StreamCardOptions::to_receiver(ReceiveIdType::OpenId, "ou_1")
            .card(json!({"elements": [{"button": {"text": "b", "element_id": "answer"}}]}));
        assert_eq!(button.card_json().unwrap_err().as_slice()[0].path, "card.element_id");
        let unknown = StreamCardOptions::from_json(json!({"reply_to": "om_1", "colour": "red"})).unwrap_err();
        assert_eq!(unknown.violations()[0].path, "colour");
    }
}
