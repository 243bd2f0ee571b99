//! `share_chat` and `share_user` messages: a group's or a user's business card.

use serde::Deserialize;
use serde_json::Value;

use super::fields::CheckFields;
use super::json::{Object, ToJson, serialize_as_json};
use crate::validate::{Validator, join};

/// Content of a `share_chat` message: `{"chat_id"}` (batch send: `{"share_chat_id"}`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ShareChatContent {
    /// The id of the group to share.
    pub chat_id: String,
}

impl ShareChatContent {
    /// Shares this group.
    pub fn new(chat_id: impl Into<String>) -> Self {
        Self { chat_id: chat_id.into() }
    }
}

impl ToJson for ShareChatContent {
    fn to_json(&self) -> Value {
        Object::new().field("chat_id", self.chat_id.as_str()).build()
    }
}

impl CheckFields for ShareChatContent {
    fn check_fields(&self, v: &mut Validator, path: &str) {
        v.id(join(path, "chat_id"), &self.chat_id);
    }
}

/// Content of a `share_user` message: `{"user_id"}` (an open_id).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ShareUserContent {
    /// The open_id of the user to share.
    pub user_id: String,
}

impl ShareUserContent {
    /// Shares this user (by open_id).
    pub fn new(user_id: impl Into<String>) -> Self {
        Self { user_id: user_id.into() }
    }
}

impl ToJson for ShareUserContent {
    fn to_json(&self) -> Value {
        Object::new().field("user_id", self.user_id.as_str()).build()
    }
}

impl CheckFields for ShareUserContent {
    fn check_fields(&self, v: &mut Validator, path: &str) {
        v.id(join(path, "user_id"), &self.user_id);
    }
}

serialize_as_json!(ShareChatContent, ShareUserContent);
