//! The rules a request must follow: one function per message endpoint.
//!
//! Each takes the query and the JSON body and returns the first rejection, with the
//! endpoint's documented HTTP status and code. This is the single place for request rules;
//! today it checks the basic shape (types, required fields, known enum values, sizes).

use serde_json::{Map, Value};

use crate::enums::{KnownValues, MsgType, ReceiveIdType, UserIdType};

use super::reply::Rejection;
use super::routes::{Endpoint, Query};

/// Largest text `content` of send message, in bytes (150 KB).
pub(crate) const TEXT_CONTENT_MAX: usize = 150 * 1024;
/// Largest post or card `content` of send message, in bytes (30 KB).
pub(crate) const RICH_CONTENT_MAX: usize = 30 * 1024;
/// Longest send message `uuid`, in characters.
const UUID_MAX_CHARS: usize = 50;
/// Message types batch send accepts.
const BATCH_MSG_TYPES: &[&str] = &["text", "image", "post", "share_chat", "interactive"];
/// Recipient lists of batch send, each at most 200 ids.
const BATCH_ID_LISTS: &[&str] = &["department_ids", "open_ids", "user_ids", "union_ids"];
const BATCH_IDS_MAX: usize = 200;
/// Card entity types.
const CARD_TYPES: &[&str] = &["card_json", "template"];
const CARD_DATA_MAX_CHARS: usize = 3_000_000;
/// `user_ids` of a feed card: 1 to 20.
const FEED_USERS_MAX: usize = 20;

/// `POST /open-apis/im/v1/messages`: HTTP 400, code 230001 (230025 for too long content).
pub(crate) fn check_send_message(query: &Query, body: &Value) -> Result<(), Rejection> {
    let bad = |msg: String| Endpoint::SendMessage.param_error(msg);
    let id_type = query.get("receive_id_type").ok_or_else(|| bad("receive_id_type is required".into()))?;
    if !ReceiveIdType::from(id_type).is_known() {
        return Err(bad(format!("receive_id_type `{id_type}` is invalid")));
    }
    let fields = object(body).ok_or_else(|| bad("the body must be a JSON object".into()))?;
    non_empty_str(fields, "receive_id").map_err(bad)?;
    let msg_type = non_empty_str(fields, "msg_type").map_err(bad)?;
    if !MsgType::from(msg_type).is_known() {
        return Err(bad(format!("msg_type `{msg_type}` is invalid")));
    }
    let content = non_empty_str(fields, "content").map_err(bad)?;
    if !serde_json::from_str::<Value>(content).is_ok_and(|value| value.is_object()) {
        return Err(bad("content must be a JSON object serialized as a string".into()));
    }
    if msg_type == "interactive" && card_entity_id(content).is_some_and(|id| id.is_empty()) {
        return Err(bad("content.data.card_id is required to send a card entity".into()));
    }
    let max = if msg_type == "text" { TEXT_CONTENT_MAX } else { RICH_CONTENT_MAX };
    if matches!(msg_type, "text" | "post" | "interactive") && content.len() > max {
        return Err(Rejection::new(400, 230025, "The length of the message content reaches its limit."));
    }
    match fields.get("uuid") {
        None | Some(Value::Null) => {}
        Some(Value::String(uuid)) if uuid.chars().count() <= UUID_MAX_CHARS => {}
        Some(_) => return Err(bad(format!("uuid must be a string of at most {UUID_MAX_CHARS} characters"))),
    }
    Ok(())
}

/// `POST /open-apis/message/v4/batch_send/`: HTTP 200, code 10003.
pub(crate) fn check_batch_send(_query: &Query, body: &Value) -> Result<(), Rejection> {
    let bad = |msg: String| Endpoint::BatchSend.param_error(msg);
    let fields = object(body).ok_or_else(|| bad("the body must be a JSON object".into()))?;
    let msg_type = non_empty_str(fields, "msg_type").map_err(bad)?;
    if !BATCH_MSG_TYPES.contains(&msg_type) {
        return Err(bad(format!("msg_type `{msg_type}` is invalid for batch send")));
    }
    let payload = if msg_type == "interactive" { "card" } else { "content" };
    if !fields.get(payload).is_some_and(Value::is_object) {
        return Err(bad(format!("{payload} is required and must be a JSON object")));
    }
    let mut recipients = 0;
    for list in BATCH_ID_LISTS {
        let ids = match fields.get(*list) {
            None | Some(Value::Null) => continue,
            Some(Value::Array(ids)) => ids,
            Some(_) => return Err(bad(format!("{list} must be a list of strings"))),
        };
        if ids.len() > BATCH_IDS_MAX {
            return Err(bad(format!("{list} has more than {BATCH_IDS_MAX} ids")));
        }
        for id in ids {
            match id.as_str() {
                Some("0") if *list == "department_ids" => {
                    return Err(bad("the root department 0 is not allowed".into()));
                }
                Some(_) => recipients += 1,
                None => return Err(bad(format!("{list} must be a list of strings"))),
            }
        }
    }
    if recipients == 0 {
        return Err(bad("one of department_ids, open_ids, user_ids, union_ids is required".into()));
    }
    Ok(())
}

/// `POST /open-apis/cardkit/v1/cards`: HTTP 400, code 10002; card JSON not of schema 2.0
/// → 300303, `config.update_multi` false → 300302, empty card → 300307.
pub(crate) fn check_create_card(_query: &Query, body: &Value) -> Result<(), Rejection> {
    let bad = |msg: String| Endpoint::CreateCard.param_error(msg);
    let fields = object(body).ok_or_else(|| bad("the body must be a JSON object".into()))?;
    let card_type = non_empty_str(fields, "type").map_err(bad)?;
    if !CARD_TYPES.contains(&card_type) {
        return Err(bad(format!("type `{card_type}` is invalid")));
    }
    let data = non_empty_str(fields, "data").map_err(bad)?;
    if data.chars().count() > CARD_DATA_MAX_CHARS {
        return Err(bad(format!("data is longer than {CARD_DATA_MAX_CHARS} characters")));
    }
    let Ok(card) = serde_json::from_str::<Value>(data) else {
        return Err(bad("data must be JSON serialized as a string".into()));
    };
    if card_type != "card_json" {
        return Ok(());
    }
    if card.as_object().is_none_or(Map::is_empty) {
        return Err(Rejection::new(400, 300307, "The card DSL is empty"));
    }
    if card.get("schema").and_then(Value::as_str) != Some("2.0") {
        return Err(Rejection::new(400, 300303, "Only schema 2.0 is supported"));
    }
    let update_multi = card.get("config").and_then(|config| config.get("update_multi"));
    if update_multi == Some(&Value::Bool(false)) {
        return Err(Rejection::new(400, 300302, "update_multi property is false"));
    }
    Ok(())
}

/// `POST /open-apis/im/v2/app_feed_card`: HTTP 400, code 230001.
pub(crate) fn check_create_feed_card(query: &Query, body: &Value) -> Result<(), Rejection> {
    let bad = |msg: String| Endpoint::CreateFeedCard.param_error(msg);
    if let Some(id_type) = query.get("user_id_type") {
        if !UserIdType::from(id_type).is_known() {
            return Err(bad(format!("user_id_type `{id_type}` is invalid")));
        }
    }
    let fields = object(body).ok_or_else(|| bad("the body must be a JSON object".into()))?;
    let card = fields
        .get("app_feed_card")
        .and_then(Value::as_object)
        .ok_or_else(|| bad("app_feed_card is required and must be an object".into()))?;
    let link = card.get("link").and_then(|link| link.get("link")).and_then(Value::as_str);
    if link.is_none_or(str::is_empty) {
        return Err(bad("app_feed_card.link.link is required when creating".into()));
    }
    let Some(users) = fields.get("user_ids").and_then(Value::as_array) else {
        return Err(bad("user_ids is required and must be a list of strings".into()));
    };
    if users.is_empty() || users.len() > FEED_USERS_MAX {
        return Err(bad(format!("user_ids must have 1 to {FEED_USERS_MAX} ids")));
    }
    if !users.iter().all(Value::is_string) {
        return Err(bad("user_ids must be a list of strings".into()));
    }
    Ok(())
}

/// The `card_id` of interactive content `{"type":"card","data":{"card_id":"…"}}`
/// (empty when it is missing or not a string); `None` for other content.
pub(crate) fn card_entity_id(content: &str) -> Option<String> {
    let value: Value = serde_json::from_str(content).ok()?;
    if value.get("type").and_then(Value::as_str) != Some("card") {
        return None;
    }
    let id = value.get("data").and_then(|data| data.get("card_id"));
    Some(id.and_then(Value::as_str).unwrap_or_default().to_owned())
}

fn object(body: &Value) -> Option<&Map<String, Value>> {
    body.as_object()
}

fn non_empty_str<'a>(fields: &'a Map<String, Value>, name: &str) -> Result<&'a str, String> {
    match fields.get(name) {
        Some(Value::String(value)) if !value.is_empty() => Ok(value),
        Some(Value::String(_)) | None | Some(Value::Null) => Err(format!("{name} is required")),
        Some(_) => Err(format!("{name} must be a string")),
    }
}
