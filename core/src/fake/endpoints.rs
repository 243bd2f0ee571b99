//! The message endpoints: the common checks, then batch send, card create and feed card
//! create (send message lives in `send.rs`).
//!
//! Every request goes through, in order: `Authorization` (see `auth.rs`), the quota (when
//! enforced), `Content-Type: application/json`, then the endpoint's check function in
//! `checks.rs` (query parameters, then the body). Only then is it processed.
//!
//! Unknown ids: any receiver id that contains `unknown` (e.g. `ou_unknown_1`) is one the
//! fake does not know: batch send lists it in `invalid_*_ids`, feed card create in
//! `failed_cards`, send message refuses it (230013, or 230002 for a chat).

use std::time::{Duration, Instant};

use bytes::Bytes;
use hyper::HeaderMap;
use serde_json::{Map, Value, json};

use super::auth::{self, Caller};
use super::checks;
use super::ids;
use super::quota::Throttle;
use super::reply::{Rejection, Reply};
use super::routes::{self, Endpoint, Query};
use super::send;
use super::state::{CardEntity, Shared};

/// Marks a receiver id the fake treats as unknown.
pub(crate) const UNKNOWN_MARKER: &str = "unknown";
/// `failed_cards[].reason` of an unknown user: the form of the docs' example (the enum
/// value would be `"2"`; clients must accept both).
pub(crate) const FEED_CARD_NOT_CREATED: &str = "NOT_CREATED";

/// Whether the fake treats this receiver id as unknown.
pub(crate) fn is_unknown(id: &str) -> bool {
    id.contains(UNKNOWN_MARKER)
}

/// A request to one of the platform's endpoints, body read.
#[derive(Debug)]
pub(crate) struct ApiRequest {
    pub endpoint: Endpoint,
    pub headers: HeaderMap,
    pub query: Query,
    pub body: Bytes,
}

impl ApiRequest {
    /// The `uuid` of the body, if it is JSON and has one.
    pub fn uuid(&self) -> Option<String> {
        let body: Value = serde_json::from_slice(&self.body).ok()?;
        body.get("uuid")?.as_str().map(str::to_owned)
    }
}

/// HTTP 429 `{"code":99991400}` with the `x-ogw-ratelimit-*` headers.
pub(crate) fn throttled(throttle: Throttle) -> Reply {
    Reply::json(429, json!({"code": 99_991_400, "msg": "request trigger frequency limit"}))
        .header("x-ogw-ratelimit-limit", throttle.limit)
        .header("x-ogw-ratelimit-reset", throttle.reset_secs)
}

/// The part of an added latency left to a thread's sleep: tokio's timer rounds up to whole
/// milliseconds and wakes up to a millisecond or two late, which alone would add 5 to 10 %
/// to a 20 ms latency.
const FINE_PAUSE: Duration = Duration::from_millis(3);

/// Waits the added latency, if any, to within a fraction of a millisecond: the timer for
/// most of it, then a blocking-pool thread's sleep until the deadline.
pub(crate) async fn pause(shared: &Shared) {
    let latency = shared.lock().settings.latency;
    if latency.is_zero() {
        return;
    }
    let deadline = Instant::now() + latency;
    if let Some(coarse) = latency.checked_sub(FINE_PAUSE) {
        tokio::time::sleep(coarse).await;
    }
    let fine = tokio::task::spawn_blocking(move || {
        std::thread::sleep(deadline.saturating_duration_since(Instant::now()));
    });
    if fine.await.is_err() {
        tokio::time::sleep_until(tokio::time::Instant::from_std(deadline)).await;
    }
}

/// Processes a request as the platform would.
pub(crate) async fn process(shared: &Shared, request: &ApiRequest) -> Reply {
    let endpoint = request.endpoint;
    if endpoint.is_auth() {
        pause(shared).await;
        let mut state = shared.lock();
        return auth::handle(&mut state, endpoint, &request.body, Instant::now());
    }
    let caller = {
        let mut state = shared.lock();
        let now = Instant::now();
        let caller = match auth::authorize(&state, &request.headers, now) {
            Ok(caller) => caller,
            Err(rejection) => return rejection.into(),
        };
        if state.settings.quotas {
            if let Err(throttle) = state.quotas.admit(&caller.app_id, endpoint, now) {
                state.counters.throttled(endpoint);
                return throttled(throttle);
            }
        }
        caller
    };
    if !routes::is_json(&request.headers) {
        return endpoint.param_error("Content-Type must be application/json").into();
    }
    // A body that is not JSON reaches the check function as `null`, after the query.
    let body = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
    let query = &request.query;
    let outcome = match endpoint {
        Endpoint::SendMessage => return send::handle(shared, &caller, query, &body).await,
        Endpoint::BatchSend => batch_send(shared, &caller, query, &body).await,
        Endpoint::CreateCard => create_card(shared, &caller, query, &body).await,
        Endpoint::CreateFeedCard => create_feed_card(shared, &caller, query, &body).await,
        _ => Err(endpoint.param_error("not a message endpoint")),
    };
    outcome.unwrap_or_else(Reply::from)
}

async fn batch_send(
    shared: &Shared,
    caller: &Caller,
    query: &Query,
    body: &Value,
) -> Result<Reply, Rejection> {
    checks::check_batch_send(query, body)?;
    pause(shared).await;
    let message_id = ids::batch_message_id();
    let mut data = Map::new();
    data.insert("message_id".into(), json!(message_id));
    for (list, invalid) in [
        ("department_ids", "invalid_department_ids"),
        ("open_ids", "invalid_open_ids"),
        ("user_ids", "invalid_user_ids"),
        ("union_ids", "invalid_union_ids"),
    ] {
        let unknown: Vec<Value> = body
            .get(list)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|id| id.as_str().is_some_and(is_unknown))
            .cloned()
            .collect();
        data.insert(invalid.into(), Value::Array(unknown));
    }
    let mut entry = body.as_object().cloned().unwrap_or_default();
    entry.insert("app_id".into(), json!(caller.app_id));
    entry.extend(data.clone());
    shared.lock().inbox.batches.push(Value::Object(entry));
    Ok(Reply::success("ok", Value::Object(data)))
}

async fn create_card(
    shared: &Shared,
    caller: &Caller,
    query: &Query,
    body: &Value,
) -> Result<Reply, Rejection> {
    checks::check_create_card(query, body)?;
    pause(shared).await;
    let card_id = ids::card_id();
    let mut state = shared.lock();
    state.cards.insert(card_id.clone(), CardEntity { app_id: caller.app_id.clone(), sent: false });
    state.inbox.cards.push(json!({
        "card_id": card_id,
        "app_id": caller.app_id,
        "type": body.get("type"),
        "data": body.get("data"),
        "sent": false,
    }));
    Ok(Reply::ok(json!({"card_id": card_id})))
}

async fn create_feed_card(
    shared: &Shared,
    caller: &Caller,
    query: &Query,
    body: &Value,
) -> Result<Reply, Rejection> {
    checks::check_create_feed_card(query, body)?;
    pause(shared).await;
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
    entry.insert("app_id".into(), json!(caller.app_id));
    entry.insert("user_id_type".into(), json!(query.get("user_id_type").unwrap_or("open_id")));
    entry.insert("failed_cards".into(), json!(failed_cards));
    shared.lock().inbox.feed_cards.push(Value::Object(entry));
    Ok(Reply::ok(json!({"failed_cards": failed_cards, "biz_id": biz_id})))
}
