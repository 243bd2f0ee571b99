//! Send message: `POST /open-apis/im/v1/messages?receive_id_type=…`.

use serde::{Deserialize, Serialize};

use crate::enums::{MsgType, ReceiveIdType, UserIdType, string_enum};
use crate::operation::{Method, Operation, Repeat, Subject};
use crate::rate::{Quota, TIER_4};
use crate::validate::{Rule, Validator, Violations};

/// Longest `uuid` the platform accepts, in characters.
pub(crate) const UUID_MAX_CHARS: usize = 50;

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

    fn subject(request: &SendMessageRequest) -> Option<Subject> {
        let id_type = request.receive_id_type.as_ref().map_or("open_id", |kind| kind.as_str());
        Some(if id_type == "chat_id" {
            Subject::chat(&request.receive_id)
        } else {
            Subject::user(id_type, &request.receive_id)
        })
    }

    fn landed_in(message: &Message) -> Option<(&str, &str)> {
        Some((&message.message_id, &message.chat_id))
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

    /// Sets the deduplication key.
    pub fn uuid(mut self, uuid: impl Into<String>) -> Self {
        self.uuid = Some(uuid.into());
        self
    }

    /// The query parameters to send.
    pub fn query(&self) -> Vec<(&'static str, String)> {
        self.receive_id_type.iter().map(|kind| ("receive_id_type", kind.as_str().to_owned())).collect()
    }

    /// Checks every documented rule, including the content for `msg_type`; reports all
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
        check_message_body(&mut v, &self.msg_type, &self.content, self.uuid.as_deref());
        v.finish()
    }
}

/// The rules send message and reply share: `msg_type`, the `content` for it, and `uuid`.
pub(crate) fn check_message_body(v: &mut Validator, msg_type: &MsgType, content: &str, uuid: Option<&str>) {
    let known_type = v.known("msg_type", msg_type);
    let has_content = v.required("content", Some(content));
    if let Some(uuid) = uuid {
        v.chars("uuid", uuid, 0, UUID_MAX_CHARS);
        v.no_control("uuid", uuid);
    }
    if known_type && has_content {
        crate::content::check_message_content(v, "content", msg_type, content);
    }
}

/// A message as the platform returns it (the `data` of send message).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Message {
    /// The message's id (`om_…`).
    pub message_id: String,
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
    pub msg_type: MsgType,
    /// Creation time, milliseconds since the epoch, as a string.
    pub create_time: String,
    /// Last update time, milliseconds since the epoch, as a string.
    pub update_time: String,
    /// Whether the message was recalled (always `false` when just sent).
    #[serde(default)]
    pub deleted: bool,
    /// Whether the message was edited (always `false` when just sent).
    #[serde(default)]
    pub updated: bool,
    /// The chat the message belongs to.
    pub chat_id: String,
    /// Who sent it.
    pub sender: Sender,
    /// The content as sent.
    pub body: MessageBody,
    /// The users mentioned in the message.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
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
    pub id: String,
    /// What kind of id `id` is.
    pub id_type: SenderIdType,
    /// What sent the message.
    pub sender_type: SenderType,
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
    pub content: String,
}

/// A user mentioned in a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Mention {
    /// The placeholder in the content, e.g. `@_user_1`.
    pub key: String,
    /// The user's id, of kind `id_type`.
    pub id: String,
    /// What kind of id `id` is (currently always `open_id`).
    pub id_type: UserIdType,
    /// The user's name.
    pub name: String,
    /// The user's tenant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_key: Option<String>,
}
