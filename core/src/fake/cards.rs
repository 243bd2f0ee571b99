//! Card entities as the fake keeps them: who created them, whether a message sent them,
//! their card JSON, the last accepted `sequence`, streaming mode and when it was last
//! turned on, the `uuid`s seen, and a log of every operation that reached them.
//!
//! Conventions (inferred where the pages are silent):
//! - Streaming mode closes by itself [`Settings::streaming_timeout`] (10 minutes) after it
//!   was last turned on; a content update then gets 200850, and 300309 once settings
//!   turned it off.
//! - A card entity lives 14 days ([`CARD_VALIDITY`]); every operation on an older one gets
//!   200750, and sending it HTTP 400 code 230001.
//! - A repeated `uuid` with the same request gets the first answer again without a second
//!   effect; with another request, 200770 "UUID conflict".
//! - A template card's components are not known to the fake: a content update creates the
//!   `markdown` element it names.
//!
//! [`Settings::streaming_timeout`]: super::state::Settings

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};

use super::reply::Rejection;

/// How long a card entity can be operated after it was created.
pub(crate) const CARD_VALIDITY: Duration = Duration::from_secs(14 * 24 * 3600);

/// Streaming mode of a card entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Streaming {
    /// Off (never on, or turned off by settings or a full update).
    Off,
    /// On since the instant it was last turned on.
    On(Instant),
}

/// Streaming mode as a content update sees it at one instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StreamingNow {
    /// On: text can be streamed.
    Open,
    /// Turned off (300309).
    Closed,
    /// Closed by itself after the timeout (200850).
    TimedOut,
}

/// One operation that reached a card entity: when, which call, its sequence, the answer's code.
#[derive(Debug, Clone)]
pub(crate) struct CardOperation {
    pub at: Instant,
    pub call: &'static str,
    pub sequence: i64,
    pub code: i64,
}

/// A card entity.
#[derive(Debug, Clone)]
pub(crate) struct CardEntity {
    pub app_id: String,
    pub sent: bool,
    pub created_at: Instant,
    /// The card JSON (for a template card, only what was streamed into it).
    pub card: Value,
    /// The card was created from a template, whose components the fake does not know.
    pub template: bool,
    /// The last accepted `sequence` (0 before the first operation).
    pub sequence: i64,
    pub streaming: Streaming,
    /// Answers to the requests seen, by `uuid`: the request's body and the answer's code.
    pub uuids: HashMap<String, (Value, i64)>,
    pub operations: Vec<CardOperation>,
}

impl CardEntity {
    /// A card entity created at `now` from card JSON or (`template`) template data.
    pub fn new(app_id: String, card: Value, template: bool, now: Instant) -> Self {
        let streaming_mode = card.pointer("/config/streaming_mode") == Some(&Value::Bool(true));
        let card = if template { json!({"body": {"elements": []}}) } else { card };
        Self {
            app_id,
            sent: false,
            created_at: now,
            card,
            template,
            sequence: 0,
            streaming: if streaming_mode { Streaming::On(now) } else { Streaming::Off },
            uuids: HashMap::new(),
            operations: Vec::new(),
        }
    }

    /// Whether the entity is older than its validity at `now`.
    pub fn expired(&self, now: Instant) -> bool {
        now.saturating_duration_since(self.created_at) >= CARD_VALIDITY
    }

    /// Streaming mode at `now`, with streaming closing `timeout` after it was turned on.
    pub fn streaming_at(&self, now: Instant, timeout: Duration) -> StreamingNow {
        match self.streaming {
            Streaming::Off => StreamingNow::Closed,
            Streaming::On(since) if now.saturating_duration_since(since) >= timeout => StreamingNow::TimedOut,
            Streaming::On(_) => StreamingNow::Open,
        }
    }

    /// Turns streaming mode on (from `now`) or off; turning it on again restarts the clock.
    pub fn set_streaming(&mut self, on: bool, now: Instant) {
        self.streaming = if on { Streaming::On(now) } else { Streaming::Off };
    }

    /// The most operations admitted within any one second (throttled ones left out).
    pub fn max_per_second(&self) -> usize {
        let times: Vec<Instant> =
            self.operations.iter().filter(|op| op.code != THROTTLED_CODE).map(|op| op.at).collect();
        let mut most = 0;
        let mut start = 0;
        for end in 0..times.len() {
            while times[end].saturating_duration_since(times[start]) >= Duration::from_secs(1) {
                start += 1;
            }
            most = most.max(end - start + 1);
        }
        most
    }

    /// The state a test reads (`GET /_fake/card`), times relative to `now`.
    pub fn to_json(&self, card_id: &str, now: Instant, timeout: Duration) -> Value {
        let streaming = self.streaming_at(now, timeout);
        let streaming_closes_in_ms = match self.streaming {
            Streaming::On(since) if streaming == StreamingNow::Open => {
                Some(timeout.saturating_sub(now.saturating_duration_since(since)).as_millis() as u64)
            }
            _ => None,
        };
        let operations: Vec<Value> = self
            .operations
            .iter()
            .map(|op| {
                json!({
                    "at_ms": op.at.saturating_duration_since(self.created_at).as_secs_f64() * 1000.0,
                    "call": op.call,
                    "sequence": op.sequence,
                    "code": op.code,
                })
            })
            .collect();
        json!({
            "card_id": card_id,
            "app_id": self.app_id,
            "sent": self.sent,
            "template": self.template,
            "sequence": self.sequence,
            "streaming_mode": streaming == StreamingNow::Open,
            "streaming_timed_out": streaming == StreamingNow::TimedOut,
            "streaming_closes_in_ms": streaming_closes_in_ms,
            "summary": self.card.pointer("/config/summary/content").cloned().unwrap_or(Value::Null),
            "texts": texts(&self.card),
            "card": self.card,
            "operations": operations,
            "max_operations_per_second": self.max_per_second(),
            "expired": self.expired(now),
        })
    }
}

/// The code the log records for a throttled operation.
pub(crate) const THROTTLED_CODE: i64 = 99_991_400;

/// `element_id` → text of every `markdown` and `plain_text` element of `card`.
fn texts(card: &Value) -> Map<String, Value> {
    let mut found = Map::new();
    visit(card, &mut |object| {
        let tag = object.get("tag").and_then(Value::as_str);
        if let (Some("markdown" | "plain_text"), Some(Value::String(id))) = (tag, object.get("element_id")) {
            found.insert(id.clone(), object.get("content").cloned().unwrap_or(Value::Null));
        }
    });
    found
}

/// Calls `f` on every object in `value`, depth first.
fn visit(value: &Value, f: &mut impl FnMut(&Map<String, Value>)) {
    match value {
        Value::Object(object) => {
            f(object);
            object.values().for_each(|child| visit(child, f));
        }
        Value::Array(items) => items.iter().for_each(|item| visit(item, f)),
        _ => {}
    }
}

/// Whether `value` is a component with `element_id` `id`.
fn has_id(value: &Value, id: &str) -> bool {
    value.get("element_id").and_then(Value::as_str) == Some(id)
}

/// The list holding the component `id` and its index in it.
pub(crate) fn parent_of<'a>(value: &'a mut Value, id: &str) -> Option<(&'a mut Vec<Value>, usize)> {
    match value {
        Value::Array(items) => {
            if let Some(index) = items.iter().position(|item| has_id(item, id)) {
                return Some((items, index));
            }
            items.iter_mut().find_map(|item| parent_of(item, id))
        }
        Value::Object(object) => object.values_mut().find_map(|child| parent_of(child, id)),
        _ => None,
    }
}

/// The component `id`.
pub(crate) fn component<'a>(card: &'a mut Value, id: &str) -> Option<&'a mut Value> {
    let (items, index) = parent_of(card, id)?;
    items.get_mut(index)
}

/// The `element_id`s of `value` (itself and everything inside it).
pub(crate) fn element_ids(value: &Value) -> Vec<String> {
    let mut ids = Vec::new();
    visit(value, &mut |object| {
        if let Some(Value::String(id)) = object.get("element_id") {
            ids.push(id.clone());
        }
    });
    ids
}

/// Elements plus components of `card` (objects with a string `tag`).
pub(crate) fn tagged_count(card: &Value) -> usize {
    let mut count = 0;
    visit(card, &mut |object| count += usize::from(object.get("tag").is_some_and(Value::is_string)));
    count
}

/// The body's element list of `card`, created when missing.
pub(crate) fn body_elements(card: &mut Value) -> Option<&mut Vec<Value>> {
    let object = card.as_object_mut()?;
    let body = object.entry("body").or_insert_with(|| json!({}));
    body.as_object_mut()?.entry("elements").or_insert_with(|| json!([])).as_array_mut()
}

/// The answer when a changed card breaks a rule of card entities: 300301 (an `element_id`
/// twice), 300305 (over 200 components) or 200860 (JSON text over the
/// [`crate::card::MAX_CARD_CHARS`] characters a created card may have; the pages' 30 KB is
/// advice, not a limit).
pub(crate) fn check_changed(card: &Value) -> Result<(), Rejection> {
    let mut ids = element_ids(card);
    ids.sort_unstable();
    if ids.windows(2).any(|pair| pair[0] == pair[1]) {
        return Err(Rejection::new(400, 300_301, "Duplicate element_id in card component."));
    }
    if tagged_count(card) > crate::card::MAX_COMPONENTS {
        return Err(Rejection::new(400, 300_305, "The number of card components exceeds 200"));
    }
    if card.to_string().chars().count() > crate::card::MAX_CARD_CHARS {
        return Err(Rejection::new(400, 200_860, "Card content exceeds limit."));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_are_found_at_any_depth() {
        let mut card = json!({"body": {"elements": [
            {"tag": "markdown", "element_id": "a", "content": "x"},
            {"tag": "column_set", "element_id": "cs", "columns": [
                {"tag": "column", "elements": [{"tag": "markdown", "element_id": "b", "content": "y"}]}
            ]}
        ]}});
        component(&mut card, "b").unwrap()["content"] = json!("z");
        assert_eq!(texts(&card), json!({"a": "x", "b": "z"}).as_object().cloned().unwrap());
        let (items, index) = parent_of(&mut card, "cs").unwrap();
        items.remove(index);
        assert_eq!(element_ids(&card), ["a"]);
        assert_eq!(tagged_count(&card), 1);
        assert!(check_changed(&card).is_ok());
    }

    #[test]
    fn a_changed_card_is_refused_only_past_the_size_limit_not_the_advice() {
        let card =
            |chars: usize| json!({"body": {"elements": [{"tag": "markdown", "content": "a".repeat(chars)}]}});
        let overhead = card(0).to_string().chars().count();
        assert!(check_changed(&card(40 * 1024)).is_ok());
        assert!(check_changed(&card(crate::card::MAX_CARD_CHARS - overhead)).is_ok());
        let refused = check_changed(&card(crate::card::MAX_CARD_CHARS - overhead + 1)).unwrap_err();
        assert_eq!(refused.code, 200_860);
    }

    #[test]
    fn streaming_closes_by_itself_and_the_rate_is_counted_per_second() {
        let start = Instant::now();
        let mut card =
            CardEntity::new("app".into(), json!({"config": {"streaming_mode": true}}), false, start);
        let timeout = Duration::from_secs(600);
        assert_eq!(card.streaming_at(start + Duration::from_secs(599), timeout), StreamingNow::Open);
        assert_eq!(card.streaming_at(start + timeout, timeout), StreamingNow::TimedOut);
        card.set_streaming(false, start);
        assert_eq!(card.streaming_at(start, timeout), StreamingNow::Closed);
        for ms in [0, 100, 200, 999, 1000, 1500] {
            let at = start + Duration::from_millis(ms);
            card.operations.push(CardOperation { at, call: "x", sequence: 1, code: 0 });
        }
        card.operations.push(CardOperation { at: start, call: "x", sequence: 1, code: THROTTLED_CODE });
        assert_eq!(card.max_per_second(), 4);
        assert!(card.expired(start + CARD_VALIDITY));
    }
}
