//! Batch send's (`message/v4/batch_send/`) forms of content: `content` and `card` objects.

use serde::Deserialize;
use serde_json::Value;

use super::MessageContent;
use super::check::check_body_size;
use super::fields::{CheckFields, decode_checked};
use super::interactive::{CardTarget, InteractiveContent, check_interactive};
use super::json::{Object, ToJson};
use super::media::ImageContent;
use super::post_check::{PostTarget, check_post};
use super::text::{TextContent, styled};
use crate::enums::MsgType;
use crate::validate::{Rule, Validator, Violations, join};

/// The msg_types batch send supports.
pub const BATCH_MSG_TYPES: &[&str] = &["text", "image", "post", "share_chat", "interactive"];

/// A message in batch send's form: `content` for text, image, post and share_chat;
/// `card` for interactive.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchMessage {
    /// The message type.
    pub msg_type: MsgType,
    /// The `content` object (post wrapped as `{"post": ...}`, share_chat as `{"share_chat_id"}`).
    pub content: Option<Value>,
    /// The `card` object (card JSON or a template).
    pub card: Option<Value>,
}

/// Batch send's share_chat content: `{"share_chat_id"}`.
#[derive(Deserialize)]
struct BatchShareChat {
    share_chat_id: String,
}

impl CheckFields for BatchShareChat {
    fn check_fields(&self, v: &mut Validator, path: &str) {
        v.id(join(path, "share_chat_id"), &self.share_chat_id);
    }
}

/// Checks that batch send supports `msg_type` (text, image, post, share_chat,
/// interactive); use it for batch send's `msg_type` instead of [`Validator::known`].
pub fn check_batch_msg_type(v: &mut Validator, path: &str, msg_type: &MsgType) {
    if !BATCH_MSG_TYPES.contains(&msg_type.as_str()) {
        let message = format!(
            "batch send supports msg_type {}, got {:?}",
            BATCH_MSG_TYPES.join(", "),
            msg_type.as_str()
        );
        v.push(path, Rule::Enum, message);
    }
}

/// Checks batch send's `content` object against `msg_type`, recording every violation
/// below `path`: `{"text"}` (no style markup: `<b>`, `**`, `<i>`, `<u>`, `<s>`),
/// `{"image_key"}`, `{"post": {locale: ...}}` (no `md` node), `{"share_chat_id"}`.
/// Interactive and unsupported msg_types take no `content`; an unknown `msg_type` is left
/// to the caller.
///
/// The page limits the request body (150 KB for text, 30 KB for post); without the rest of
/// the body this checks the content's own share of it, its compact serialization.
/// [`crate::BatchSendRequest::validate`] measures the whole body.
pub fn check_batch_content(v: &mut Validator, path: &str, msg_type: &MsgType, content: &Value) {
    if v.depth(path, content) {
        check_batch_content_in(v, path, msg_type, content, content.to_string().len());
    }
}

/// [`check_batch_content`] in a request body of `body_bytes` bytes; `content` is within the
/// nesting limit.
pub(crate) fn check_batch_content_in(
    v: &mut Validator,
    path: &str,
    msg_type: &MsgType,
    content: &Value,
    body_bytes: usize,
) {
    match msg_type {
        MsgType::Unknown(_) => return,
        MsgType::Interactive => {
            v.push(path, Rule::Forbidden, "msg_type interactive sends its card in `card`, not `content`");
            return;
        }
        MsgType::Text | MsgType::Image | MsgType::Post | MsgType::ShareChat => {}
        other => {
            v.push(path, Rule::Forbidden, format!("batch send does not support msg_type {other}"));
            return;
        }
    }
    if !content.is_object() {
        v.push(path, Rule::Format, format!("must be a JSON object for msg_type {msg_type}"));
        return;
    }
    check_body_size(v, path, msg_type, body_bytes, || body_bytes);
    match msg_type {
        MsgType::Text => {
            decode_checked::<TextContent>(v, path, content.clone());
            if let Some((open, close)) = content.get("text").and_then(Value::as_str).and_then(styled) {
                let message = format!(
                    "batch send does not support bold, italic, underline or strikethrough in text \
                     messages; found {open}…{close}"
                );
                v.push(join(path, "text"), Rule::Forbidden, message);
            }
        }
        MsgType::Post => match content.get("post") {
            Some(post) => check_post(v, &join(path, "post"), post, PostTarget::Batch),
            None => v.push(join(path, "post"), Rule::Required, "is required"),
        },
        MsgType::Image => decode_checked::<ImageContent>(v, path, content.clone()),
        _ => decode_checked::<BatchShareChat>(v, path, content.clone()),
    }
}

/// Checks batch send's `card` object: a JSON object, card JSON or a template
/// (`{"type":"template","data":{"template_id",...}}`), not a card entity.
///
/// The page limits the request body to 30 KB; without the rest of the body this checks the
/// card's own share of it, its compact serialization. [`crate::BatchSendRequest::validate`]
/// measures the whole body.
pub fn check_batch_card(v: &mut Validator, path: &str, card: &Value) {
    if v.depth(path, card) {
        check_batch_card_in(v, path, card, card.to_string().len());
    }
}

/// [`check_batch_card`] in a request body of `body_bytes` bytes; `card` is within the
/// nesting limit.
pub(crate) fn check_batch_card_in(v: &mut Validator, path: &str, card: &Value, body_bytes: usize) {
    if !card.is_object() {
        v.push(path, Rule::Format, "must be a JSON object (card JSON or a template)");
        return;
    }
    check_body_size(v, path, &MsgType::Interactive, body_bytes, || body_bytes);
    check_interactive(v, path, card, CardTarget::Batch);
}

impl MessageContent {
    /// This content in batch send's form, checked against batch send's rules (supported
    /// msg_types, no `md` node in posts, no style markup in texts, sizes); violations have paths
    /// `msg_type`, `content...` or `card...`.
    ///
    /// # Errors
    /// Every violation of batch send's rules.
    pub fn to_batch(&self) -> Result<BatchMessage, Violations> {
        self.check_depth("card")?;
        let msg_type = self.msg_type();
        let mut v = Validator::new();
        let (content, card) = match self {
            Self::Text(text) => (Some(text.to_json()), None),
            Self::Image(image) => (Some(image.to_json()), None),
            Self::Post(post) => (Some(Object::new().field("post", post.to_json()).build()), None),
            Self::ShareChat(share) => {
                (Some(Object::new().field("share_chat_id", share.chat_id.as_str()).build()), None)
            }
            Self::Interactive(InteractiveContent::CardEntity(_)) => {
                let message = "batch send does not support card entities; send card JSON or a template";
                v.push("msg_type", Rule::Forbidden, message);
                (None, None)
            }
            Self::Interactive(card) => (None, Some(card.to_json())),
            _ => {
                check_batch_msg_type(&mut v, "msg_type", &msg_type);
                (None, None)
            }
        };
        if let Some(content) = &content {
            check_batch_content(&mut v, "content", &msg_type, content);
        }
        if let Some(card) = &card {
            check_batch_card(&mut v, "card", card);
        }
        v.finish()?;
        Ok(BatchMessage { msg_type, content, card })
    }
}
