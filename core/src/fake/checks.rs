//! The rules a request must follow: one function per message endpoint.
//!
//! The fake applies the same documented rules as the client, from the core's request
//! models (`crate::api`): the query and the body are decoded into the endpoint's request
//! type and validated. A request that breaks them is rejected with the endpoint's
//! documented HTTP status and code, naming every violation.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::api::{
    BatchSendRequest, CardType, CreateAppFeedCardRequest, CreateCardRequest, SendMessageRequest,
};
use crate::validate::{Rule, Violation, Violations, decode_value};

use super::reply::Rejection;
use super::routes::{Endpoint, Query};

/// `POST /open-apis/im/v1/messages`: HTTP 400, code 230001 (230025 for too long content).
pub(crate) fn check_send_message(query: &Query, body: &Value) -> Result<(), Rejection> {
    let flat = flatten(Endpoint::SendMessage, query, &["receive_id_type"], body)?;
    checked::<SendMessageRequest>(flat, SendMessageRequest::validate).map_err(|violations| {
        let too_long =
            violations.as_slice().iter().any(|v| v.rule == Rule::Size && v.path.starts_with("content"));
        if too_long {
            Rejection::new(400, 230025, "The length of the message content reaches its limit.")
        } else {
            Endpoint::SendMessage.param_error(violations.to_string())
        }
    })
}

/// `POST /open-apis/message/v4/batch_send/`: HTTP 200, code 10003.
pub(crate) fn check_batch_send(query: &Query, body: &Value) -> Result<(), Rejection> {
    let flat = flatten(Endpoint::BatchSend, query, &[], body)?;
    checked::<BatchSendRequest>(flat, BatchSendRequest::validate)
        .map_err(|violations| Endpoint::BatchSend.param_error(violations.to_string()))
}

/// `POST /open-apis/cardkit/v1/cards`: HTTP 400, code 10002, or the card codes 300301
/// (duplicate `element_id`), 300302 (`update_multi` false), 300303 (not schema 2.0),
/// 300305 (over 200 components), 300307 (empty card), 200860 (card too large).
pub(crate) fn check_create_card(query: &Query, body: &Value) -> Result<(), Rejection> {
    let flat = flatten(Endpoint::CreateCard, query, &[], body)?;
    let generic = |violations: Violations| Endpoint::CreateCard.param_error(violations.to_string());
    let request = decode_value::<CreateCardRequest>("", flat).map_err(generic)?;
    request.validate().map_err(|violations| {
        let card_json = request.card_type == CardType::CardJson;
        if card_json
            && serde_json::from_str::<Map<String, Value>>(&request.data).is_ok_and(|card| card.is_empty())
        {
            return Rejection::new(400, 300307, "The card DSL is empty");
        }
        let found: Vec<_> = violations.as_slice().iter().filter_map(card_code).collect();
        let first = CARD_CODE_ORDER.iter().find_map(|code| found.iter().find(|(c, _)| c == code));
        match first {
            Some((code, msg)) => Rejection::new(400, *code, *msg),
            None => generic(violations),
        }
    })
}

/// The order in which the card codes are reported when a card breaks several rules.
const CARD_CODE_ORDER: [i64; 6] = [300303, 300302, 300307, 300301, 300305, 200860];

/// `POST /open-apis/im/v2/app_feed_card`: HTTP 400, code 230001.
pub(crate) fn check_create_feed_card(query: &Query, body: &Value) -> Result<(), Rejection> {
    let flat = flatten(Endpoint::CreateFeedCard, query, &["user_id_type"], body)?;
    checked::<CreateAppFeedCardRequest>(flat, CreateAppFeedCardRequest::validate)
        .map_err(|violations| Endpoint::CreateFeedCard.param_error(violations.to_string()))
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

/// The body with the endpoint's query parameters added: the flat form the request
/// models decode.
fn flatten(endpoint: Endpoint, query: &Query, names: &[&str], body: &Value) -> Result<Value, Rejection> {
    let Some(fields) = body.as_object() else {
        return Err(endpoint.param_error("the body must be a JSON object".to_owned()));
    };
    let mut flat: Map<String, Value> = fields.clone();
    for name in names {
        if let Some(value) = query.get(name) {
            flat.insert((*name).to_owned(), Value::String(value.to_owned()));
        }
    }
    Ok(Value::Object(flat))
}

fn checked<T: DeserializeOwned>(
    flat: Value,
    validate: impl Fn(&T) -> Result<(), Violations>,
) -> Result<(), Violations> {
    validate(&decode_value::<T>("", flat)?)
}

/// The platform's dedicated code for a card entity violation, if it has one.
fn card_code(violation: &Violation) -> Option<(i64, &'static str)> {
    let path = violation.path.as_str();
    match violation.rule {
        Rule::Unique => Some((300301, "Duplicate element_id in card component.")),
        Rule::Forbidden if path.ends_with("config.update_multi") => {
            Some((300302, "update_multi property is false"))
        }
        Rule::Required | Rule::Enum if path == "data.schema" => {
            Some((300303, "Only schema 2.0 is supported"))
        }
        Rule::Items if path == "data" => Some((300305, "The number of card components exceeds 200")),
        Rule::Required if path == "data" => Some((300307, "The card DSL is empty")),
        Rule::Size if path == "data" => Some((200860, "Card content exceeds limit.")),
        _ => None,
    }
}
