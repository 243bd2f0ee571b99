//! What the fake accepted, for a test to read.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Everything the fake accepted since start or the last reset, in arrival order.
///
/// Entries are JSON objects:
/// - `messages`: `{message_id, app_id, msg_type, content (the string as sent), uuid (or
///   null), chat_id, create_time}`, plus `receive_id_type` and `receive_id` for a sent
///   message, `parent_id`, `root_id`, `reply_in_thread` and `thread_id` (in a thread) for a
///   reply, and `card_id` when the message sent a card entity;
/// - `batches`: the request body plus `message_id` (`bm-…`), `app_id` and the `invalid_*`
///   lists of the answer;
/// - `cards`: `{card_id, app_id, type, data, sent}` where `sent` tells whether a message
///   used the card entity;
/// - `feed_cards`: the request body plus `biz_id`, `app_id`, `user_id_type` and
///   `failed_cards`;
/// - `images`: `{image_key, app_id, image_type, size}` of each image uploaded;
/// - `files`: `{file_key, app_id, file_type, file_name, duration, size}` of each file
///   uploaded (`size` in bytes, as received).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Inbox {
    /// Messages accepted by send message and reply.
    pub messages: Vec<Value>,
    /// Batches accepted by batch send.
    pub batches: Vec<Value>,
    /// Card entities created.
    pub cards: Vec<Value>,
    /// App feed cards created.
    pub feed_cards: Vec<Value>,
    /// Images uploaded.
    #[serde(default)]
    pub images: Vec<Value>,
    /// Files uploaded.
    #[serde(default)]
    pub files: Vec<Value>,
}
