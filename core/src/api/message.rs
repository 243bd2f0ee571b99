//! Send message: `POST /open-apis/im/v1/messages?receive_id_type=…`.

use serde::{Deserialize, Serialize};

use super::lenient::null_as_default;
use crate::enums::{MsgType, ReceiveIdType, UserIdType, string_enum};
use crate::operation::{Method, Operation, Repeat, Subject};
use crate::rate::{Quota, TIER_4};
use crate::validate::{Rule, Validator, Violations};

/// Longest `uuid` the platform accepts, in characters.
pub(crate) const UUID_MAX_CHARS: usize = 50;

/// What the `uuid` the client fills when none is given adds to a JSON body:
/// `,"uuid":""` with a hyphenated UUID (36 characters) between the last quotes.
const FILLED_UUID_BODY_BYTES: usize = r#","uuid":"""#.len() + 36;

/// Send message: `POST /open-apis/im/v1/messages?receive_id_type=…`.
#[derive(Debug, Clone, Copy)]
pub struct SendMessage;

impl Operation for SendMessage {
    type Request = SendMessageRequest;
    type Output = Message;
    const METHOD: Method = Method::Post;
    const PATH: &'static str = "/open-apis/im/v1/messages";
    const QUERY: &'static [&'static str] = &["receive_id_type"];
    const QUOTAS: &'static [Quota] = TIER_4;
    const REPEAT: Repeat = Repeat::Deduplicated;

    fn validate(request: &SendMessageRequest) -> Result<(), Violations> {
        request.validate()
    }

    fn query(request: &SendMessageRequest) -> Vec<(&'static str, String)> {
        request.query()
    }

    fn dedup_key(request: &mut SendMessageRequest) -> Option<&mut Option<String>> {
        Some(&mut request.uuid)
    }

    fn record_dedup_key(message: &mut Message, uuid: String) {
        message.uuid = Some(uuid);
    }

    fn subject(request: &SendMessageRequest) -> Option<Subject> {
        let id_type = request.receive_id_type.as_ref().map_or("open_id", |kind| kind.as_str());
        Some(if id_type == "chat_id" {
            Subject::chat(&request.receive_id)
        } else {
            Subject::user(id_type, &request.receive_id)
        })
    }

    fn landed_in(message: &Message) -> Option<(&str, &str)> {
        Some((&message.message_id, message.chat_id.as_deref()?))
    }
}

/// Send message request: the `receive_id_type` query parameter and the JSON body.
///
/// Serializing it gives exactly the HTTP body; [`SendMessageRequest::query`] gives the query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct SendMessageRequest {
    /// Query: what kind of id `receive_id` is (required).
    #[serde(default, skip_serializing)]
    pub receive_id_type: Option<ReceiveIdType>,
    /// The receiving user or chat, an id of kind `receive_id_type`.
    pub receive_id: String,
    /// What `content` holds.
    pub msg_type: MsgType,
    /// The message content: a JSON object serialized to a string.
    pub content: String,
    /// Deduplication key: requests with the same `uuid` send at most one message per hour.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uuid: Option<String>,
}

impl SendMessageRequest {
    /// A request to send `content` (JSON text) of `msg_type` to `receive_id`.
    pub fn new(
        receive_id_type: ReceiveIdType,
        receive_id: impl Into<String>,
        msg_type: MsgType,
        content: impl Into<String>,
    ) -> Self {
        Self {
            receive_id_type: Some(receive_id_type),
            receive_id: receive_id.into(),
            msg_type,
            content: content.into(),
            uuid: None,
        }
    }

    /// A request to send `text` as a plain text message to `receive_id` (the text as is,
    /// `<at>` tags allowed).
    pub fn text(
        receive_id_type: ReceiveIdType,
        receive_id: impl Into<String>,
        text: impl Into<String>,
    ) -> Self {
        Self::new(
            receive_id_type,
            receive_id,
            MsgType::Text,
            crate::content::TextContent::content_string(text),
        )
    }

    /// Sets the deduplication key.
    pub fn uuid(mut self, uuid: impl Into<String>) -> Self {
        self.uuid = Some(uuid.into());
        self
    }

    /// The query parameters to send.
    pub fn query(&self) -> Vec<(&'static str, String)> {
        self.receive_id_type.iter().map(|kind| ("receive_id_type", kind.as_str().to_owned())).collect()
    }

    /// Checks every documented rule, including the content for `msg_type` and the size of
    /// the request body as it will be sent (150 KB for text, 30 KB for post and
    /// interactive, counting the `uuid` the client fills when none is given); reports all
    /// violations together.
    ///
    /// # Errors
    /// Every violation, when the request breaks a rule.
    pub fn validate(&self) -> Result<(), Violations> {
        let mut v = Validator::new();
        match &self.receive_id_type {
            Some(kind) => {
                v.known("receive_id_type", kind);
            }
            None => v.push("receive_id_type", Rule::Required, "is required"),
        }
        v.id("receive_id", &self.receive_id);
        let uuid = self.uuid.as_deref();
        let strings = [self.receive_id.as_str(), self.msg_type.as_str(), &self.content, uuid.unwrap_or("")];
        let body = BodySize::of(self, uuid.is_some(), &strings);
        check_message_body(&mut v, &self.msg_type, &self.content, uuid, body);
        v.finish()
    }
}

/// The size in bytes of `body` serialized as it will be sent: with the `uuid` the client
/// fills when `has_uuid` is false (a body that cannot be serialized counts as 0 bytes; the
/// client reports it when it serializes the request).
pub(crate) fn body_bytes(body: &impl Serialize, has_uuid: bool) -> usize {
    let filled = if has_uuid { 0 } else { FILLED_UUID_BODY_BYTES };
    serde_json::to_vec(body).map_or(0, |bytes| bytes.len() + filled)
}

/// What a message body holds besides its strings, at most: keys, punctuation, a boolean
/// and the `uuid` the client fills.
const BODY_FRAME_MAX_BYTES: usize = 256;

/// A request body's size, measured only when it matters: `bound` is at least the size
/// (every byte of the body's strings escaped at worst, as `\u00XX`, plus its frame), and
/// `measure` serializes the body to count it exactly.
pub(crate) struct BodySize<F: FnOnce() -> usize> {
    pub(crate) bound: usize,
    pub(crate) measure: F,
}

impl BodySize<fn() -> usize> {
    /// The size of `body`, whose string values are `strings` (see [`body_bytes`]).
    pub(crate) fn of<'a>(
        body: &'a impl Serialize,
        has_uuid: bool,
        strings: &[&str],
    ) -> BodySize<impl FnOnce() -> usize + 'a> {
        let bound = strings.iter().map(|s| s.len() * 6).sum::<usize>() + BODY_FRAME_MAX_BYTES;
        BodySize { bound, measure: move || body_bytes(body, has_uuid) }
    }
}

/// The rules send message and reply share: `msg_type`, the `content` for it, `uuid`, and
/// the size of the request body (see [`body_bytes`]): at most 150 KB for text, 30 KB for
/// post and interactive, reported at `content`.
pub(crate) fn check_message_body(
    v: &mut Validator,
    msg_type: &MsgType,
    content: &str,
    uuid: Option<&str>,
    body: BodySize<impl FnOnce() -> usize>,
) {
    let known_type = v.known("msg_type", msg_type);
    let has_content = v.required("content", Some(content));
    if let Some(uuid) = uuid {
        v.chars("uuid", uuid, 0, UUID_MAX_CHARS);
        v.no_control("uuid", uuid);
    }
    if known_type && has_content {
        crate::content::check_body_size(v, "content", msg_type, body.bound, body.measure);
        crate::content::check_content_shape(v, "content", msg_type, content);
    }
}

/// A message as the platform returns it (the `data` of send message and reply).
///
/// Only `message_id` is required: every other field may be missing or `null` in an
/// answer, as the official SDKs' models allow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Message {
    /// The message's id (`om_…`).
    pub message_id: String,
    /// The de-duplication key the request carried: the caller's, or the one the client
    /// generated (not part of the platform's answer). Sending again with it within an
    /// hour sends no second message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uuid: Option<String>,
    /// The root message's id; only for replies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root_id: Option<String>,
    /// The parent message's id; only for replies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
    /// The thread's id; only for messages in a thread.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread_id: Option<String>,
    /// What the body's content holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub msg_type: Option<MsgType>,
    /// Creation time, milliseconds since the epoch, as a string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_time: Option<String>,
    /// Last update time, milliseconds since the epoch, as a string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_time: Option<String>,
    /// Whether the message was recalled (always `false` when just sent).
    #[serde(default, deserialize_with = "null_as_default")]
    pub deleted: bool,
    /// Whether the message was edited (always `false` when just sent).
    #[serde(default, deserialize_with = "null_as_default")]
    pub updated: bool,
    /// The chat the message belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chat_id: Option<String>,
    /// Who sent it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender: Option<Sender>,
    /// The content as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<MessageBody>,
    /// The users mentioned in the message.
    #[serde(default, deserialize_with = "null_as_default", skip_serializing_if = "Vec::is_empty")]
    pub mentions: Vec<Mention>,
    /// The enclosing message's id; only inside merged-and-forwarded messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upper_message_id: Option<String>,
}

string_enum! {
    /// `sender.id_type`: what kind of id `sender.id` is.
    pub enum SenderIdType {
        /// A user, by open_id.
        OpenId = "open_id",
        /// An app, by app_id.
        AppId = "app_id",
    }
}

string_enum! {
    /// `sender.sender_type`: what sent the message.
    pub enum SenderType {
        /// A user.
        User = "user",
        /// An app (bot).
        App = "app",
        /// Anonymous (documented as not in effect).
        Anonymous = "anonymous",
        /// The platform's own `unknown` value (documented as not in effect).
        UnknownSender = "unknown",
    }
}

/// The sender of a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Sender {
    /// The sender's id, of kind `id_type`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// What kind of id `id` is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_type: Option<SenderIdType>,
    /// What sent the message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender_type: Option<SenderType>,
    /// The sender's tenant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_key: Option<String>,
}

/// A message's body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct MessageBody {
    /// The content: a JSON object serialized to a string, by `msg_type`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
}

/// A user mentioned in a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Mention {
    /// The placeholder in the content, e.g. `@_user_1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// The user's id, of kind `id_type`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// What kind of id `id` is (currently always `open_id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_type: Option<UserIdType>,
    /// The user's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The user's tenant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_key: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A text request whose content holds `fill` ASCII letters.
    fn text(receive_id: &str, fill: usize) -> SendMessageRequest {
        let content = format!(r#"{{"text":"{}"}}"#, "a".repeat(fill));
        SendMessageRequest::new(ReceiveIdType::OpenId, receive_id, MsgType::Text, content)
    }

    #[test]
    fn the_filled_uuid_is_as_long_as_the_one_the_client_generates() {
        let generated = uuid::Uuid::new_v4().to_string();
        let with = text("ou_1", 1).uuid(generated);
        let without = text("ou_1", 1);
        assert_eq!(body_bytes(&without, false), serde_json::to_vec(&with).unwrap().len());
    }

    #[test]
    fn the_bound_of_a_body_is_never_below_its_size() {
        for content in ["", r#"{"text":"a"}"#, &"\"\u{1}\n\\".repeat(5000), &"标".repeat(3000)] {
            for uuid in [None, Some("u".repeat(50))] {
                let mut request = text("ou_1", 0);
                request.content = content.to_owned();
                request.uuid = uuid;
                let strings = [
                    request.receive_id.as_str(),
                    request.msg_type.as_str(),
                    &request.content,
                    request.uuid.as_deref().unwrap_or(""),
                ];
                let size = BodySize::of(&request, request.uuid.is_some(), &strings);
                let bound = size.bound;
                assert!(bound >= (size.measure)(), "{content:.20}");
            }
        }
    }

    #[test]
    fn a_body_of_escaped_characters_is_measured_as_sent() {
        // Each `\"` of the content (2 bytes) is 4 bytes in the body: 40,000 of them make a
        // content of 80,000 bytes, under the text limit, and a body over it.
        let quotes = |count: usize| format!(r#"{{"text":"{}"}}"#, r#"\""#.repeat(count));
        let within = SendMessageRequest::new(ReceiveIdType::OpenId, "ou_1", MsgType::Text, quotes(30_000));
        assert!(within.validate().is_ok());
        let over = SendMessageRequest::new(ReceiveIdType::OpenId, "ou_1", MsgType::Text, quotes(40_000));
        assert!(over.content.len() < crate::content::TEXT_MAX_BYTES);
        let violations = over.validate().unwrap_err();
        let found: Vec<_> = violations.as_slice().iter().map(|v| (v.path.as_str(), v.rule)).collect();
        assert_eq!(found, [("content", Rule::Size)]);
    }

    #[test]
    fn the_size_limit_is_on_the_whole_body_as_sent() {
        let at_limit = |receive_id: &str| {
            let base = body_bytes(&text(receive_id, 0), false);
            text(receive_id, crate::content::TEXT_MAX_BYTES - base)
        };
        assert_eq!(body_bytes(&at_limit("ou_1"), false), crate::content::TEXT_MAX_BYTES);
        assert!(at_limit("ou_1").validate().is_ok());
        // The same content to a longer receiver id makes the body too large.
        let mut longer = at_limit("ou_1");
        longer.receive_id = "ou_12".into();
        let violations = longer.validate().unwrap_err();
        let found: Vec<_> = violations.as_slice().iter().map(|v| (v.path.as_str(), v.rule)).collect();
        assert_eq!(found, [("content", Rule::Size)]);
        // A given uuid counts as given: one shorter than 36 characters leaves room.
        assert!(longer.clone().uuid("u".repeat(35)).validate().is_ok());
        assert!(longer.uuid("u".repeat(36)).validate().is_err());
    }
}
