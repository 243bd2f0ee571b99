//! Send message: `uuid` de-duplication, card entities, mentions and the message answer.
//!
//! - A `uuid` seen within the last hour gets the original message back (same
//!   `message_id`) and adds nothing to the inbox; while the first request with that uuid is
//!   still being processed, a repeat gets HTTP 400 code 230049 "The message is being sent".
//! - A card entity (`{"type":"card","data":{"card_id":"…"}}`) is sent once: an unknown
//!   card id, one of another app, or one already sent gets HTTP 400 code 230001 with a
//!   message saying which (inferred: the docs only say an entity can be sent once).
//! - Text `<at user_id="ou_…">Name</at>` becomes `@_user_N` in `body.content` and an entry
//!   of `mentions`; `<at user_id="all"></at>` becomes `@_all`.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::auth::Caller;
use super::checks;
use super::endpoints::{is_unknown, pause};
use super::ids;
use super::reply::{Rejection, Reply};
use super::routes::{Endpoint, Query};
use super::state::{Dedup, Shared};

/// How long a `uuid` is remembered.
pub(crate) const DEDUP_WINDOW: Duration = Duration::from_secs(3600);

/// Answers a send message request whose token, quota and content type passed.
pub(crate) async fn handle(shared: &Shared, caller: &Caller, query: &Query, body: &Value) -> Reply {
    match send(shared, caller, query, body).await {
        Ok(reply) => reply,
        Err(rejection) => rejection.into(),
    }
}

async fn send(shared: &Shared, caller: &Caller, query: &Query, body: &Value) -> Result<Reply, Rejection> {
    checks::check_send_message(query, body)?;
    let text = |name: &str| body.get(name).and_then(Value::as_str).unwrap_or_default();
    let receive_id_type = query.get("receive_id_type").unwrap_or_default();
    let (receive_id, msg_type, content) = (text("receive_id"), text("msg_type"), text("content"));
    let uuid = Some(text("uuid")).filter(|uuid| !uuid.is_empty());
    let card_id = (msg_type == "interactive").then(|| checks::card_entity_id(content)).flatten();
    let reservation = {
        let mut state = shared.lock();
        let now = Instant::now();
        let key = uuid.map(|uuid| (caller.app_id.clone(), uuid.to_owned()));
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
        if state.settings.quotas && !state.quotas.admit_receiver(receive_id, now) {
            state.counters.throttled(Endpoint::SendMessage);
            return Err(receiver_limited());
        }
        if is_unknown(receive_id) {
            return Err(if receive_id_type == "chat_id" {
                Rejection::new(400, 230002, "The bot can not be outside the group.")
            } else {
                Rejection::new(400, 230013, "Bot has NO availability to this user.")
            });
        }
        if let Some(card_id) = &card_id {
            let card = state.cards.get_mut(card_id).filter(|card| card.app_id == caller.app_id).ok_or_else(
                || Endpoint::SendMessage.param_error(format!("card entity {card_id} does not exist")),
            )?;
            if card.sent {
                return Err(Endpoint::SendMessage.param_error(format!(
                    "card entity {card_id} was already sent; a card entity can be sent once"
                )));
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
    let chat_id =
        if receive_id_type == "chat_id" { receive_id.to_owned() } else { ids::chat_id_for(receive_id) };
    let (shown, mentions) = if msg_type == "text" {
        mention(content, &caller.tenant_key)
    } else {
        (content.to_owned(), Vec::new())
    };
    let mut message = json!({
        "message_id": message_id,
        "msg_type": msg_type,
        "create_time": now_ms,
        "update_time": now_ms,
        "deleted": false,
        "updated": false,
        "chat_id": chat_id,
        "sender": {
            "id": caller.app_id,
            "id_type": "app_id",
            "sender_type": "app",
            "tenant_key": caller.tenant_key,
        },
        "body": {"content": shown},
    });
    if let (false, Some(object)) = (mentions.is_empty(), message.as_object_mut()) {
        object.insert("mentions".into(), Value::Array(mentions));
    }
    let mut entry = json!({
        "message_id": message_id,
        "app_id": caller.app_id,
        "receive_id_type": receive_id_type,
        "receive_id": receive_id,
        "msg_type": msg_type,
        "content": content,
        "uuid": uuid,
        "chat_id": chat_id,
        "create_time": now_ms,
    });
    if let (Some(card_id), Some(object)) = (&card_id, entry.as_object_mut()) {
        object.insert("card_id".into(), json!(card_id));
    }
    reservation.commit(message.clone(), entry);
    Ok(Reply::ok(message))
}

/// HTTP 400 code 230020: more than 5 messages per second to one receiver.
pub(crate) fn receiver_limited() -> Rejection {
    Rejection::new(400, 230020, "This operation triggers the frequency limit.")
}

/// A uuid marked in flight and a card entity marked sent, undone if the request is
/// abandoned (its connection closed) before the message is stored.
struct Reservation<'a> {
    shared: &'a Shared,
    key: Option<(String, String)>,
    card_id: Option<String>,
    done: bool,
}

impl Reservation<'_> {
    /// Stores the message: inbox entry, uuid memory, card entity state.
    fn commit(mut self, message: Value, entry: Value) {
        let mut state = self.shared.lock();
        state.inbox.messages.push(entry);
        if let Some(key) = self.key.take() {
            let at = Instant::now();
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
