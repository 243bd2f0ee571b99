//! App feed card create: the unknown users come back in `failed_cards`.

use serde_json::{Value, json};

use super::support::{checked, is_unknown, pause};
use super::{Input, param_error};
use crate::api::CreateAppFeedCard;
use crate::endpoint::Endpoint;
use crate::fake::reply::{Rejection, Reply};
use crate::fake::state::Shared;

/// `failed_cards[].reason` of an unknown user: the form of the docs' example (the enum
/// value would be `"2"`; clients must accept both).
pub(crate) const FEED_CARD_NOT_CREATED: &str = "NOT_CREATED";

/// `POST /open-apis/im/v2/app_feed_card`: a bad request is HTTP 400, code 230001.
pub(crate) async fn handle(shared: &Shared, input: &Input<'_>) -> Result<Reply, Rejection> {
    let request = checked::<CreateAppFeedCard>(input)
        .map_err(|violations| param_error(Endpoint::CreateAppFeedCard, violations.to_string()))?;
    let avatar_key = request.app_feed_card.as_ref().and_then(|card| card.avatar_key.as_deref());
    shared.lock().resources.check_avatar(&input.caller.app_id, avatar_key)?;
    pause(shared).await;
    let body = &input.body;
    let biz_id = body
        .get("app_feed_card")
        .and_then(|card| card.get("biz_id"))
        .and_then(Value::as_str)
        .filter(|id| !id.is_empty())
        .map_or_else(|| uuid::Uuid::new_v4().to_string(), str::to_owned);
    let failed_cards: Vec<Value> = body
        .get("user_ids")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .filter(|id| is_unknown(id))
        .map(|id| json!({"biz_id": biz_id, "user_id": id, "reason": FEED_CARD_NOT_CREATED}))
        .collect();
    let mut entry = body.as_object().cloned().unwrap_or_default();
    entry.insert("biz_id".into(), json!(biz_id));
    entry.insert("app_id".into(), json!(input.caller.app_id));
    entry.insert("user_id_type".into(), json!(input.query.get("user_id_type").unwrap_or("open_id")));
    entry.insert("failed_cards".into(), json!(failed_cards));
    shared.lock().inbox.feed_cards.push(Value::Object(entry));
    Ok(Reply::ok(json!({"failed_cards": failed_cards, "biz_id": biz_id})))
}
