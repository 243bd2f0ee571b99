//! Validation of send message's `content` string.

use serde_json::Value;

use super::fields::decode_checked;
use super::interactive::{CardTarget, check_interactive};
use super::media::{AudioContent, FileContent, ImageContent, MediaContent, StickerContent};
use super::post_check::{PostTarget, check_post};
use super::share::{ShareChatContent, ShareUserContent};
use super::system::SystemContent;
use super::text::TextContent;
use crate::enums::MsgType;
use crate::validate::{Rule, Validator};

/// Largest request body of a `text` message: 150 KB in UTF-8 bytes (platform code 230025).
pub const TEXT_MAX_BYTES: usize = 150 * 1024;

/// Largest request body of a `post` or `interactive` message: 30 KB in UTF-8 bytes
/// (platform code 230025).
pub const POST_CARD_MAX_BYTES: usize = 30 * 1024;

/// The request body limit of a msg_type, if it has one.
fn size_limit(msg_type: &MsgType) -> Option<usize> {
    match msg_type {
        MsgType::Text => Some(TEXT_MAX_BYTES),
        MsgType::Post | MsgType::Interactive => Some(POST_CARD_MAX_BYTES),
        _ => None,
    }
}

/// Checks send message's `content` string against its `msg_type`, recording every
/// violation below `path` (e.g. `content.zh_cn.content[0][1].tag`).
///
/// The content must be a JSON object of the msg_type's shape. The pages limit the request
/// body (150 KB for `text`, 30 KB for `post` and `interactive`); without the rest of the
/// body this checks the content's own share of it: the string as JSON-escaped in the body.
/// [`crate::SendMessageRequest::validate`] measures the whole body. Fields this version does
/// not model are accepted. An unknown `msg_type` is left to the caller.
pub fn check_message_content(v: &mut Validator, path: &str, msg_type: &MsgType, content: &str) {
    let body_bytes = encoded_len(content);
    check_body_size(v, path, msg_type, body_bytes, || body_bytes);
    check_content_shape(v, path, msg_type, content);
}

/// The bytes `text` takes as a JSON string, quotes and escapes included.
pub(crate) fn encoded_len(text: &str) -> usize {
    serde_json::to_string(text).map_or(text.len(), |encoded| encoded.len())
}

/// Checks that a request body carrying a `msg_type` message is within the page's limit; the
/// violation is at `path`, the content that makes the body. `bound` is at least the body's
/// size; `measure` gives it exactly and runs only when the bound passes the limit.
pub(crate) fn check_body_size(
    v: &mut Validator,
    path: &str,
    msg_type: &MsgType,
    bound: usize,
    measure: impl FnOnce() -> usize,
) {
    let Some(max) = size_limit(msg_type) else { return };
    if bound <= max {
        return;
    }
    let body_bytes = measure();
    if body_bytes > max {
        let message = format!(
            "makes the request body {body_bytes} bytes; a {msg_type} message's body must be at \
             most {} KB ({max} bytes) (platform code 230025)",
            max / 1024
        );
        v.push(path, Rule::Size, message);
    }
}

/// Checks the content's shape for `msg_type`, sizes aside.
pub(crate) fn check_content_shape(v: &mut Validator, path: &str, msg_type: &MsgType, content: &str) {
    if let MsgType::Unknown(_) = msg_type {
        return;
    }
    // A syntax error is about the string as a whole; its line and column help find it.
    let value = match serde_json::from_str::<Value>(content) {
        Ok(value) => value,
        Err(error) => return v.push(path, Rule::Format, format!("must be a JSON object string ({error})")),
    };
    if !value.is_object() {
        v.push(path, Rule::Format, format!("must be a JSON object for msg_type {msg_type}"));
        return;
    }
    match msg_type {
        MsgType::Text => decode_checked::<TextContent>(v, path, value),
        MsgType::Post => check_post(v, path, &value, PostTarget::Send),
        MsgType::Image => decode_checked::<ImageContent>(v, path, value),
        MsgType::File => decode_checked::<FileContent>(v, path, value),
        MsgType::Audio => decode_checked::<AudioContent>(v, path, value),
        MsgType::Media => decode_checked::<MediaContent>(v, path, value),
        MsgType::Sticker => decode_checked::<StickerContent>(v, path, value),
        MsgType::Interactive => check_interactive(v, path, &value, CardTarget::Send),
        MsgType::ShareChat => decode_checked::<ShareChatContent>(v, path, value),
        MsgType::ShareUser => decode_checked::<ShareUserContent>(v, path, value),
        MsgType::System => decode_checked::<SystemContent>(v, path, value),
        MsgType::Unknown(_) => {}
    }
}
