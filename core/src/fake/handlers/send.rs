//! Send message and reply: `uuid` de-duplication, the 5 per second of a receiver, card
//! entities, mentions, reply chains and the message answer.
//!
//! - A `uuid` seen within the last hour (per app and endpoint) gets the original message
//!   back (same `message_id`) and adds nothing to the inbox; while the first request with
//!   that uuid is still being processed, a repeat gets HTTP 400 code 230049 "The message
//!   is being sent".
//! - The 5 per second count per chat: a user's p2p chat, a group, or the chat of the
//!   message replied to.
//! - A card entity (`{"type":"card","data":{"card_id":"…"}}`) is sent once: an unknown
//!   card id, one of another app, or one already sent gets HTTP 400 code 230001 with a
//!   message saying which (inferred: the docs only say an entity can be sent once).
//! - Text `<at user_id="ou_…">Name</at>` becomes `@_user_N` in `body.content` and an entry
//!   of `mentions`; `<at user_id="all"></at>` becomes `@_all`.
//! - A reply goes to the chat of the message replied to (a message the fake sent, or any
//!   other `om_…` id, whose chat is derived from it); its `parent_id` is that message, its
//!   `root_id` the root of the chain, and with `reply_in_thread` (or a parent in a thread)
//!   it gets a `thread_id`. A message id containing `unknown` does not exist (230001).

use std::time::Duration;

use serde_json::{Value, json};

use super::support::{checked, is_unknown, pause};
use super::{Input, param_error};
use crate::api::{ReplyMessage, SendMessage};
use crate::endpoint::Endpoint;
use crate::fake::ids;
use crate::fake::reply::{Rejection, Reply};
use crate::fake::state::{Dedup, SentMessage, Shared};
use crate::fake::tokens::Caller;
use crate::validate::{Rule, Violations};

/// How long a `uuid` is remembered.
pub(crate) const DEDUP_WINDOW: Duration = Duration::from_secs(3600);

/// `POST /open-apis/im/v1/messages`: a bad request is HTTP 400, code 230001 (230025 for a
/// request body over its limit). The body is measured by the core's rule, as a client sends
/// it: a request without a `uuid` counts the one the client would fill, so the fake is 46
/// bytes stricter than the platform with such a request.
pub(crate) async fn send_message(shared: &Shared, input: &Input<'_>) -> Result<Reply, Rejection> {
    let request = checked::<SendMessage>(input).map_err(|v| rejection(Endpoint::SendMessage, &v))?;
    let receive_id_type =
        request.receive_id_type.as_ref().map(|kind| kind.as_str().to_owned()).unwrap_or_default();
    let receive_id = request.receive_id.as_str();
    if is_unknown(receive_id) {
        return Err(if receive_id_type == "chat_id" {
            Rejection::new(400, 230002, "The bot can not be outside the group.")
        } else {
            Rejection::new(400, 230013, "Bot has NO availability to this user.")
        });
    }
    let chat_id =
        if receive_id_type == "chat_id" { receive_id.to_owned() } else { ids::chat_id_for(receive_id) };
    let placed = Placement { chat_id, root_id: None, parent_id: None, thread_id: None };
    let entry = json!({"receive_id_type": receive_id_type, "receive_id": receive_id});
    let message = Outgoing {
        endpoint: Endpoint::SendMessage,
        msg_type: request.msg_type.as_str(),
        content: &request.content,
        uuid: request.uuid.as_deref(),
    };
    deliver(shared, &input.caller, message, placed, entry).await
}

/// `POST /open-apis/im/v1/messages/:message_id/reply`: as send message.
pub(crate) async fn reply_message(shared: &Shared, input: &Input<'_>) -> Result<Reply, Rejection> {
    let request = checked::<ReplyMessage>(input).map_err(|v| rejection(Endpoint::ReplyMessage, &v))?;
    let parent_id = request.message_id.as_str();
    if is_unknown(parent_id) {
        return Err(param_error(Endpoint::ReplyMessage, format!("message {parent_id} does not exist")));
    }
    let parent = shared.lock().messages.get(parent_id).cloned().unwrap_or_else(|| SentMessage {
        chat_id: ids::chat_id_for(parent_id),
        root_id: None,
        thread_id: None,
    });
    let thread_id = parent
        .thread_id
        .clone()
        .or_else(|| request.reply_in_thread.unwrap_or(false).then(|| ids::thread_id_for(parent_id)));
    let placed = Placement {
        chat_id: parent.chat_id,
        root_id: Some(parent.root_id.unwrap_or_else(|| parent_id.to_owned())),
        parent_id: Some(parent_id.to_owned()),
        thread_id,
    };
    let entry = json!({"reply_in_thread": request.reply_in_thread.unwrap_or(false)});
    let message = Outgoing {
        endpoint: Endpoint::ReplyMessage,
        msg_type: request.msg_type.as_str(),
        content: &request.content,
        uuid: request.uuid.as_deref(),
    };
    deliver(shared, &input.caller, message, placed, entry).await
}

/// The answer to a request that broke a rule: 230025 for too long content, else the
/// endpoint's invalid parameter.
fn rejection(endpoint: Endpoint, violations: &Violations) -> Rejection {
    let too_long =
        violations.as_slice().iter().any(|v| v.rule == Rule::Size && v.path.starts_with("content"));
    if too_long {
        Rejection::new(400, 230025, "The length of the message content reaches its limit.")
    } else {
        param_error(endpoint, violations.to_string())
    }
}

/// What a message request asks to send.
struct Outgoing<'a> {
    endpoint: Endpoint,
    msg_type: &'a str,
    content: &'a str,
    uuid: Option<&'a str>,
}

/// Where a message lands: its chat and, for a reply, its place in the chain.
struct Placement {
    chat_id: String,
    root_id: Option<String>,
    parent_id: Option<String>,
    thread_id: Option<String>,
}

/// Sends a checked message: de-duplication, the chat's quota, card entities, then the
/// message, the inbox entry (`entry` plus the common fields) and the answer.
async fn deliver(
    shared: &Shared,
    caller: &Caller,
    message: Outgoing<'_>,
    placed: Placement,
    mut entry: Value,
) -> Result<Reply, Rejection> {
    let Outgoing { endpoint, msg_type, content, uuid } = message;
    let card_id = (msg_type == "interactive").then(|| card_entity_id(content)).flatten();
    let reservation = {
        let mut state = shared.lock();
        state.resources.check_message(&caller.app_id, msg_type, content)?;
        let now = state.now();
        let key = uuid
            .filter(|uuid| !uuid.is_empty())
            .map(|uuid| (caller.app_id.clone(), endpoint, uuid.to_owned()));
        if let Some(key) = &key {
            match state.dedup.get(key) {
                Some(Dedup::Sent { at, message }) if now.duration_since(*at) < DEDUP_WINDOW => {
                    return Ok(Reply::ok(message.clone()));
                }
                Some(Dedup::InFlight) => {
                    return Err(Rejection::new(400, 230049, "The message is being sent."));
                }
                _ => {}
            }
        }
        if state.settings.quotas && !state.quotas.admit_receiver(&placed.chat_id, now) {
            state.counters.throttled(crate::fake::routes::Route::Api(endpoint));
            return Err(receiver_limited());
        }
        if let Some(card_id) = &card_id {
            let card = state
                .cards
                .get_mut(card_id)
                .filter(|card| card.app_id == caller.app_id)
                .ok_or_else(|| param_error(endpoint, format!("card entity {card_id} does not exist")))?;
            if card.expired(now) {
                return Err(param_error(
                    endpoint,
                    format!("card entity {card_id} has expired; a card entity lives 14 days"),
                ));
            }
            if card.sent {
                return Err(param_error(
                    endpoint,
                    format!("card entity {card_id} was already sent; a card entity can be sent once"),
                ));
            }
            card.sent = true;
        }
        if let Some(key) = &key {
            state.dedup.insert(key.clone(), Dedup::InFlight);
        }
        Reservation { shared, key, card_id: card_id.clone(), done: false }
    };
    pause(shared).await;

    let now_ms = ids::unix_millis();
    let message_id = ids::message_id();
    let (shown, mentions) = if msg_type == "text" {
        mention(content, &caller.tenant_key)
    } else {
        (content.to_owned(), Vec::new())
    };
    let mut answer = json!({"message_id": message_id});
    let fields =
        [("root_id", &placed.root_id), ("parent_id", &placed.parent_id), ("thread_id", &placed.thread_id)];
    for (name, value) in fields {
        if let (Some(value), Some(object)) = (value, answer.as_object_mut()) {
            object.insert(name.into(), json!(value));
        }
    }
    if let Some(object) = answer.as_object_mut() {
        object.extend(
            json!({
                "msg_type": msg_type,
                "create_time": now_ms,
                "update_time": now_ms,
                "deleted": false,
                "updated": false,
                "chat_id": placed.chat_id,
                "sender": {
                    "id": caller.app_id,
                    "id_type": "app_id",
                    "sender_type": "app",
                    "tenant_key": caller.tenant_key,
                },
                "body": {"content": shown},
            })
            .as_object()
            .cloned()
            .unwrap_or_default(),
        );
        if !mentions.is_empty() {
            object.insert("mentions".into(), Value::Array(mentions));
        }
    }
    if let Some(object) = entry.as_object_mut() {
        let common = json!({
            "message_id": message_id,
            "app_id": caller.app_id,
            "msg_type": msg_type,
            "content": content,
            "uuid": uuid,
            "chat_id": placed.chat_id,
            "create_time": now_ms,
        });
        object.extend(common.as_object().cloned().unwrap_or_default());
        for (name, value) in fields {
            if let Some(value) = value {
                object.insert(name.into(), json!(value));
            }
        }
        if let Some(card_id) = &card_id {
            object.insert("card_id".into(), json!(card_id));
        }
    }
    let sent = SentMessage {
        chat_id: placed.chat_id.clone(),
        root_id: placed.root_id.clone(),
        thread_id: placed.thread_id.clone(),
    };
    reservation.commit(message_id, sent, answer.clone(), entry);
    Ok(Reply::ok(answer))
}

/// The `card_id` of interactive content `{"type":"card","data":{"card_id":"…"}}`
/// (empty when it is missing or not a string); `None` for other content.
fn card_entity_id(content: &str) -> Option<String> {
    let value: Value = serde_json::from_str(content).ok()?;
    if value.get("type").and_then(Value::as_str) != Some("card") {
        return None;
    }
    let id = value.get("data").and_then(|data| data.get("card_id"));
    Some(id.and_then(Value::as_str).unwrap_or_default().to_owned())
}

/// HTTP 400 code 230020: more than 5 messages per second to one receiver.
pub(crate) fn receiver_limited() -> Rejection {
    Rejection::new(400, 230020, "This operation triggers the frequency limit.")
}

/// A uuid marked in flight and a card entity marked sent, undone if the request is
/// abandoned (its connection closed) before the message is stored.
struct Reservation<'a> {
    shared: &'a Shared,
    key: Option<(String, Endpoint, String)>,
    card_id: Option<String>,
    done: bool,
}

impl Reservation<'_> {
    /// Stores the message: inbox entry, where it is (for replies), uuid memory, card
    /// entity state.
    fn commit(mut self, message_id: String, sent: SentMessage, message: Value, entry: Value) {
        let mut state = self.shared.lock();
        state.inbox.messages.push(entry);
        state.messages.insert(message_id, sent);
        if let Some(key) = self.key.take() {
            let at = state.now();
            state.dedup.insert(key, Dedup::Sent { at, message });
        }
        if let Some(card_id) = &self.card_id {
            let card = state
                .inbox
                .cards
                .iter_mut()
                .find(|card| card.get("card_id").and_then(Value::as_str) == Some(card_id));
            if let Some(object) = card.and_then(Value::as_object_mut) {
                object.insert("sent".into(), Value::Bool(true));
            }
        }
        self.done = true;
    }
}

impl Drop for Reservation<'_> {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        let mut state = self.shared.lock();
        if let Some(key) = &self.key {
            if matches!(state.dedup.get(key), Some(Dedup::InFlight)) {
                state.dedup.remove(key);
            }
        }
        if let Some(card) = self.card_id.as_ref().and_then(|id| state.cards.get_mut(id)) {
            card.sent = false;
        }
    }
}

/// Rewrites the `<at>` tags of text content as the platform shows them, with the mentions.
fn mention(content: &str, tenant_key: &str) -> (String, Vec<Value>) {
    let Ok(mut value) = serde_json::from_str::<Value>(content) else {
        return (content.to_owned(), Vec::new());
    };
    let Some(text) = value.get("text").and_then(Value::as_str) else {
        return (content.to_owned(), Vec::new());
    };
    let (shown, mentions) = rewrite_at_tags(text, tenant_key);
    if shown == text {
        return (content.to_owned(), mentions);
    }
    if let Some(object) = value.as_object_mut() {
        object.insert("text".into(), Value::String(shown));
    }
    (value.to_string(), mentions)
}

fn rewrite_at_tags(text: &str, tenant_key: &str) -> (String, Vec<Value>) {
    let mut shown = String::with_capacity(text.len());
    let mut mentions = Vec::new();
    let mut rest = text;
    while let Some((before, after)) = rest.split_once("<at ") {
        shown.push_str(before);
        let parsed = after.split_once("</at>").and_then(|(tag, tail)| {
            let (attributes, name) = tag.split_once('>')?;
            let (_, value) = attributes.split_once("user_id=\"")?;
            let (id, _) = value.split_once('"')?;
            Some((id, name, tail))
        });
        let Some((id, name, tail)) = parsed else {
            shown.push_str("<at ");
            rest = after;
            continue;
        };
        if id == "all" {
            shown.push_str("@_all");
        } else {
            let key = format!("@_user_{}", mentions.len() + 1);
            shown.push_str(&key);
            mentions.push(json!({
                "key": key, "id": id, "id_type": "open_id", "name": name, "tenant_key": tenant_key,
            }));
        }
        rest = tail;
    }
    shown.push_str(rest);
    (shown, mentions)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_tags_become_keys_and_mentions() {
        let (shown, mentions) =
            rewrite_at_tags(r#"hi <at user_id="ou_1">Tom</at> and <at user_id="all"></at> <at bad"#, "t");
        assert_eq!(shown, "hi @_user_1 and @_all <at bad");
        assert_eq!(
            mentions,
            vec![
                json!({"key": "@_user_1", "id": "ou_1", "id_type": "open_id", "name": "Tom", "tenant_key": "t"})
            ]
        );
    }
}
