//! Reply to a message: `POST /open-apis/im/v1/messages/:message_id/reply`.

use serde::{Deserialize, Serialize};

use super::message::{BodySize, Message, check_message_body};
use crate::enums::MsgType;
use crate::operation::{Method, Operation, Repeat, Subject, check_path_params};
use crate::rate::{Quota, TIER_4};
use crate::validate::{Rule, Validator, Violations};

/// Reply to a message.
#[derive(Debug, Clone, Copy)]
pub struct ReplyMessage;

impl Operation for ReplyMessage {
    type Request = ReplyMessageRequest;
    type Output = Message;
    const METHOD: Method = Method::Post;
    const PATH: &'static str = "/open-apis/im/v1/messages/:message_id/reply";
    const QUOTAS: &'static [Quota] = TIER_4;
    const REPEAT: Repeat = Repeat::Deduplicated;

    fn validate(request: &ReplyMessageRequest) -> Result<(), Violations> {
        request.validate()
    }

    fn path_params(request: &ReplyMessageRequest) -> Vec<&str> {
        vec![request.message_id.as_str()]
    }

    fn dedup_key(request: &mut ReplyMessageRequest) -> Option<&mut Option<String>> {
        Some(&mut request.uuid)
    }

    fn record_dedup_key(message: &mut Message, uuid: String) {
        message.uuid = Some(uuid);
    }

    /// The 5 per second of a chat are paced by the message replied to: the client cannot
    /// know its chat, but every reply to one message goes to the same chat.
    fn subject(request: &ReplyMessageRequest) -> Option<Subject> {
        Some(Subject::message(&request.message_id))
    }

    fn landed_in(message: &Message) -> Option<(&str, &str)> {
        Some((&message.message_id, message.chat_id.as_deref()?))
    }
}

/// Reply request: the `message_id` path parameter and the JSON body.
///
/// Serializing it gives exactly the HTTP body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ReplyMessageRequest {
    /// Path: the message replied to (`om_…`).
    #[serde(skip_serializing)]
    pub message_id: String,
    /// What `content` holds: any type send message takes except `system`.
    pub msg_type: MsgType,
    /// The reply's content: a JSON object serialized to a string.
    pub content: String,
    /// Replies in a thread (topic); a message already in a thread is replied to there anyway.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_in_thread: Option<bool>,
    /// Deduplication key: requests with the same `uuid` reply at most once per hour.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uuid: Option<String>,
}

impl ReplyMessageRequest {
    /// A reply of `content` (JSON text) of `msg_type` to the message `message_id`.
    pub fn new(message_id: impl Into<String>, msg_type: MsgType, content: impl Into<String>) -> Self {
        Self {
            message_id: message_id.into(),
            msg_type,
            content: content.into(),
            reply_in_thread: None,
            uuid: None,
        }
    }

    /// Replies in a thread.
    #[must_use]
    pub fn in_thread(mut self, in_thread: bool) -> Self {
        self.reply_in_thread = Some(in_thread);
        self
    }

    /// Sets the deduplication key.
    #[must_use]
    pub fn uuid(mut self, uuid: impl Into<String>) -> Self {
        self.uuid = Some(uuid.into());
        self
    }

    /// Checks every documented rule, including the content for `msg_type` and the size of
    /// the request body as it will be sent (see [`crate::SendMessageRequest::validate`]);
    /// reports all violations together.
    ///
    /// # Errors
    /// The violations, when the request breaks a rule.
    pub fn validate(&self) -> Result<(), Violations> {
        let mut v = Validator::new();
        check_path_params(&mut v, ReplyMessage::PATH, &[self.message_id.as_str()]);
        if self.msg_type == MsgType::System {
            v.push("msg_type", Rule::Enum, "a reply cannot be a system message");
        } else {
            let uuid = self.uuid.as_deref();
            let body = BodySize::of(
                self,
                uuid.is_some(),
                &[self.msg_type.as_str(), &self.content, uuid.unwrap_or("")],
            );
            check_message_body(&mut v, &self.msg_type, &self.content, uuid, body);
        }
        v.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::decode_value;

    #[test]
    fn the_path_parameter_is_not_part_of_the_body() {
        let request = ReplyMessageRequest::new("om_1", MsgType::Text, r#"{"text":"hi"}"#).in_thread(true);
        let body = serde_json::to_value(&request).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"msg_type": "text", "content": "{\"text\":\"hi\"}", "reply_in_thread": true})
        );
        assert_eq!(ReplyMessage::path_params(&request), ["om_1"]);
    }

    #[test]
    fn rules_are_those_of_send_message_plus_the_path() {
        let flat = serde_json::json!({"message_id": "", "msg_type": "system", "content": "{}"});
        let request: ReplyMessageRequest = decode_value("", flat).unwrap();
        let violations = request.validate().unwrap_err();
        let paths: Vec<_> = violations.as_slice().iter().map(|v| (v.path.as_str(), v.rule)).collect();
        assert_eq!(paths, [("message_id", Rule::Required), ("msg_type", Rule::Enum)]);
        let long_uuid =
            ReplyMessageRequest::new("om_1", MsgType::Text, r#"{"text":"hi"}"#).uuid("u".repeat(51));
        assert_eq!(long_uuid.validate().unwrap_err().as_slice()[0].path, "uuid");
        let empty_text = ReplyMessageRequest::new("om_1", MsgType::Text, r#"{"text":""}"#);
        assert_eq!(empty_text.validate().unwrap_err().as_slice()[0].path, "content.text");
    }
}
