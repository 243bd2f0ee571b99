//! Card entity create: the card codes of the page, and the entity the fake keeps.

use serde_json::{Map, Value, json};

use super::support::{decoded, pause};
use super::{Input, param_error};
use crate::api::{CardType, CreateCard, CreateCardRequest};
use crate::endpoint::Endpoint;
use crate::fake::cards::CardEntity;
use crate::fake::ids;
use crate::fake::reply::{Rejection, Reply};
use crate::fake::state::Shared;
use crate::operation::Operation;
use crate::validate::{Rule, Violation, Violations};

/// The order in which the card codes are reported when a card breaks several rules.
const CARD_CODE_ORDER: [i64; 7] = [200220, 200860, 300303, 300302, 300307, 300301, 300305];

/// `POST /open-apis/cardkit/v1/cards`: a bad request is HTTP 400, code 10002, or one of the
/// card codes of the page: 200220 (`data` is not JSON), 200860 (`data` longer than the
/// 3,000,000 characters a card may have), 300301 (duplicate `element_id`), 300302
/// (`update_multi` false), 300303 (not schema 2.0), 300305 (over 200 components), 300307
/// (empty card or empty `data`).
pub(crate) async fn handle(shared: &Shared, input: &Input<'_>) -> Result<Reply, Rejection> {
    let generic = |violations: Violations| param_error(Endpoint::CreateCard, violations.to_string());
    let request = decoded::<CreateCard>(input).map_err(generic)?;
    CreateCard::validate(&request).map_err(|violations| rejection(&request, violations))?;
    pause(shared).await;
    let card_id = ids::card_id();
    let app_id = input.caller.app_id.clone();
    let card = serde_json::from_str(&request.data).unwrap_or(Value::Null);
    let template = request.card_type == CardType::Template;
    let mut state = shared.lock();
    let entity = CardEntity::new(app_id.clone(), card, template, state.now());
    state.cards.insert(card_id.clone(), entity);
    state.inbox.cards.push(json!({
        "card_id": card_id,
        "app_id": app_id,
        "type": request.card_type,
        "data": request.data,
        "sent": false,
    }));
    Ok(Reply::ok(json!({"card_id": card_id})))
}

/// The answer to a card that breaks a rule: the card codes of the page, else 10002.
fn rejection(request: &CreateCardRequest, violations: Violations) -> Rejection {
    let card_json = request.card_type == CardType::CardJson;
    let empty = request.data.is_empty()
        || card_json
            && serde_json::from_str::<Map<String, Value>>(&request.data).is_ok_and(|card| card.is_empty());
    if empty {
        return Rejection::new(400, 300307, "The card DSL is empty");
    }
    let found: Vec<_> = violations.as_slice().iter().filter_map(card_code).collect();
    let first = CARD_CODE_ORDER.iter().find_map(|code| found.iter().find(|(c, _)| c == code));
    match first {
        Some((code, msg)) => Rejection::new(400, *code, *msg),
        None => param_error(Endpoint::CreateCard, violations.to_string()),
    }
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
        // `data` is not empty here: a length violation is a card over the limit.
        Rule::Length if path == "data" => Some((200860, "Card content exceeds limit.")),
        Rule::Format if violation.message.ends_with("(platform code 200220)") => {
            Some((200220, "Failed to generate card content"))
        }
        _ => None,
    }
}
