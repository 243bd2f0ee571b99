//! The card entity operations after create: settings, full update, streamed text and the
//! four component operations, with the checks their pages list, in this order:
//!
//! 1. the request decodes and passes the core's rules (else 10002, or the card code a
//!    rule's message names: 300301, 300302, 300303, 300305, 300312, 200220);
//! 2. the card entity exists (200740), belongs to the caller's app (300311) and is younger
//!    than 14 days (200750);
//! 3. the card's 10 operations per second, when quotas are enforced (HTTP 429, 99991400);
//! 4. a `uuid` seen before: the same request gets its first answer again, another 200770;
//! 5. `sequence` is greater than the last accepted one (300317);
//! 6. the operation itself: streaming mode for a content update (300309, 200850), the
//!    element's existence and tag (300310 and the operations' own codes 300315, 300121,
//!    300313, 300314), and the changed card's rules (300301, 300305, and 200860 past
//!    [`crate::card::MAX_CARD_CHARS`]).
//!
//! Every operation that reaches a card entity is logged on it (`GET /_fake/card`).

use serde::Serialize;
use serde_json::{Map, Value, json};

use super::support::{decoded, pause, throttled};
use super::{Input, param_error};
use crate::api::{
    CreateCardElements, CreateCardElementsRequest, DeleteCardElement, DeleteCardElementRequest, InsertType,
    PatchCardElement, PatchCardElementRequest, UpdateCard, UpdateCardElement, UpdateCardElementContent,
    UpdateCardElementContentRequest, UpdateCardElementRequest, UpdateCardRequest, UpdateCardSettings,
    UpdateCardSettingsRequest,
};
use crate::endpoint::{Endpoint, Listed};
use crate::fake::cards::{
    CardEntity, CardOperation, StreamingNow, THROTTLED_CODE, body_elements, check_changed, component,
    parent_of,
};
use crate::fake::reply::{Rejection, Reply};
use crate::fake::routes::Route;
use crate::fake::state::Shared;
use crate::operation::Operation;
use crate::validate::Violations;

/// What the checks common to every card operation read of a request.
trait CardRequest: Serialize {
    fn card_id(&self) -> &str;
    fn uuid(&self) -> Option<&str>;
    fn sequence(&self) -> i64;
}

macro_rules! card_request {
    ($($request:ty),+) => {$(
        impl CardRequest for $request {
            fn card_id(&self) -> &str { &self.card_id }
            fn uuid(&self) -> Option<&str> { self.uuid.as_deref() }
            fn sequence(&self) -> i64 { self.sequence }
        }
    )+};
}

card_request!(
    UpdateCardSettingsRequest,
    UpdateCardRequest,
    UpdateCardElementContentRequest,
    CreateCardElementsRequest,
    UpdateCardElementRequest,
    PatchCardElementRequest,
    DeleteCardElementRequest
);

/// Handles the card operation `endpoint`.
pub(crate) async fn handle(
    shared: &Shared,
    endpoint: Endpoint,
    input: &Input<'_>,
) -> Result<Reply, Rejection> {
    match endpoint {
        Endpoint::UpdateCardSettings => run::<UpdateCardSettings>(shared, input, apply_settings).await,
        Endpoint::UpdateCard => run::<UpdateCard>(shared, input, apply_update).await,
        Endpoint::UpdateCardElementContent => {
            run::<UpdateCardElementContent>(shared, input, apply_content).await
        }
        Endpoint::CreateCardElements => run::<CreateCardElements>(shared, input, apply_create).await,
        Endpoint::UpdateCardElement => run::<UpdateCardElement>(shared, input, apply_replace).await,
        Endpoint::PatchCardElement => run::<PatchCardElement>(shared, input, apply_patch).await,
        Endpoint::DeleteCardElement => run::<DeleteCardElement>(shared, input, apply_delete).await,
        other => Err(param_error(other, "not a card entity operation")),
    }
}

/// What an operation's own step sees: the time, and the streaming timeout.
struct Now {
    at: std::time::Instant,
    streaming_timeout: std::time::Duration,
}

type Apply<R> = fn(&mut CardEntity, &R, &Now) -> Result<(), Rejection>;

/// Runs the checks of every card operation around the operation's own step `apply`.
async fn run<O>(shared: &Shared, input: &Input<'_>, apply: Apply<O::Request>) -> Result<Reply, Rejection>
where
    O: Operation + Listed,
    O::Request: CardRequest,
{
    let endpoint = O::ENDPOINT;
    let request = decoded::<O>(input).map_err(|v| param_error(endpoint, v.to_string()))?;
    O::validate(&request).map_err(|violations| rejection(endpoint, &violations))?;
    pause(shared).await;
    let mut guard = shared.lock();
    let state = &mut *guard;
    let now = Now { at: state.now(), streaming_timeout: state.settings.streaming_timeout };
    let card_id = request.card_id();
    let Some(card) = state.cards.get_mut(card_id) else {
        return Err(Rejection::new(400, 200_740, "The card entity does not exist"));
    };
    if card.app_id != input.caller.app_id {
        let msg = "The current application does not have permission to update/use this card";
        return Err(Rejection::new(400, 300_311, msg));
    }
    if card.expired(now.at) {
        return Err(Rejection::new(400, 200_750, "The card entity has expired"));
    }
    let log = |card: &mut CardEntity, code: i64| {
        let operation =
            CardOperation { at: now.at, call: endpoint.name(), sequence: request.sequence(), code };
        card.operations.push(operation);
    };
    if state.settings.quotas {
        if let Err(throttle) = state.quotas.admit_card(card_id, now.at) {
            log(card, THROTTLED_CODE);
            state.counters.throttled(Route::Api(endpoint));
            return Ok(throttled(throttle));
        }
    }
    let body = serde_json::to_value(&request).unwrap_or(Value::Null);
    if let Some((seen, code)) = request.uuid().and_then(|uuid| card.uuids.get(uuid)).cloned() {
        log(card, if seen == body { code } else { 200_770 });
        return if seen == body {
            Ok(Reply::ok(json!({})))
        } else {
            Err(Rejection::new(400, 200_770, "UUID conflict"))
        };
    }
    if request.sequence() <= card.sequence {
        log(card, 300_317);
        let msg = "The sequence number for operating on the card did not increment consecutively";
        return Err(Rejection::new(400, 300_317, msg));
    }
    let outcome = apply(card, &request, &now);
    log(card, outcome.as_ref().map_or_else(|rejection| rejection.code, |()| 0));
    outcome?;
    card.sequence = request.sequence();
    if let Some(uuid) = request.uuid() {
        card.uuids.insert(uuid.to_owned(), (body, 0));
    }
    Ok(Reply::ok(json!({})))
}

/// The answer to a request that breaks a rule: the platform code the first violation with
/// one names (`… (platform code 300302)`), else 10002.
fn rejection(endpoint: Endpoint, violations: &Violations) -> Rejection {
    let named = violations.as_slice().iter().find_map(|violation| {
        let (_, tail) = violation.message.rsplit_once("platform code ")?;
        let code: i64 = tail.trim_end_matches(')').parse().ok()?;
        Some((code, violation.to_string()))
    });
    match named {
        Some((code, msg)) => Rejection::new(400, code, msg),
        None => param_error(endpoint, violations.to_string()),
    }
}

/// The JSON text of a field the core's rules already accepted.
fn parsed(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or(Value::Null)
}

fn apply_settings(
    card: &mut CardEntity,
    request: &UpdateCardSettingsRequest,
    now: &Now,
) -> Result<(), Rejection> {
    let failed = || Rejection::new(400, 300_122, "Failed to update card configuration");
    let Value::Object(settings) = parsed(&request.settings) else { return Err(failed()) };
    if let Some(Value::Bool(on)) = settings.get("config").and_then(|config| config.get("streaming_mode")) {
        card.set_streaming(*on, now.at);
    }
    let object = card.card.as_object_mut().ok_or_else(failed)?;
    if let Some(Value::Object(config)) = settings.get("config") {
        let current = object.entry("config").or_insert_with(|| json!({}));
        if let Some(current) = current.as_object_mut() {
            current.extend(config.clone());
        }
    }
    if let Some(link) = settings.get("card_link") {
        object.insert("card_link".to_owned(), link.clone());
    }
    Ok(())
}

fn apply_update(card: &mut CardEntity, request: &UpdateCardRequest, now: &Now) -> Result<(), Rejection> {
    let new = parsed(&request.card.data);
    check_changed(&new)?;
    match new.pointer("/config/streaming_mode") {
        Some(Value::Bool(true)) if card.streaming_at(now.at, now.streaming_timeout) == StreamingNow::Open => {
        }
        Some(Value::Bool(on)) => card.set_streaming(*on, now.at),
        _ => {}
    }
    card.card = new;
    card.template = false;
    Ok(())
}

fn apply_content(
    card: &mut CardEntity,
    request: &UpdateCardElementContentRequest,
    now: &Now,
) -> Result<(), Rejection> {
    match card.streaming_at(now.at, now.streaming_timeout) {
        StreamingNow::Open => {}
        StreamingNow::Closed => return Err(Rejection::new(400, 300_309, "Card streaming closed")),
        StreamingNow::TimedOut => return Err(Rejection::new(400, 200_850, "Card streaming timeout")),
    }
    let id = request.element_id.as_str();
    if card.template && component(&mut card.card, id).is_none() {
        if let Some(elements) = body_elements(&mut card.card) {
            elements.push(json!({"tag": "markdown", "element_id": id, "content": ""}));
        }
    }
    let mut changed = card.card.clone();
    let element =
        component(&mut changed, id).ok_or_else(|| only_text(&format!("no element {id:?} in the card")))?;
    let tag = element.get("tag").and_then(Value::as_str).unwrap_or_default();
    if !matches!(tag, "markdown" | "plain_text") {
        return Err(only_text(&format!("element {id:?} is a {tag:?}, not markdown or plain_text")));
    }
    element["content"] = Value::String(request.content.clone());
    check_changed(&changed)?;
    card.card = changed;
    Ok(())
}

fn only_text(detail: &str) -> Rejection {
    Rejection::new(400, 300_310, format!("Only update text: {detail}"))
}

fn apply_create(
    card: &mut CardEntity,
    request: &CreateCardElementsRequest,
    _: &Now,
) -> Result<(), Rejection> {
    let failed = |detail: &str| Rejection::new(400, 300_315, format!("Failed to add element: {detail}"));
    let Value::Array(new) = parsed(&request.elements) else { return Err(failed("elements is not a list")) };
    let mut changed = card.card.clone();
    let target = request.target_element_id.as_deref().filter(|id| !id.is_empty());
    match (&request.insert_type, target) {
        (InsertType::Append, None) => {
            body_elements(&mut changed).ok_or_else(|| failed("no body"))?.extend(new)
        }
        (InsertType::Append, Some(id)) => {
            let container =
                component(&mut changed, id).ok_or_else(|| failed(&format!("no element {id:?}")))?;
            let key = if container.get("columns").is_some() { "columns" } else { "elements" };
            let list = container.as_object_mut().map(|object| object.entry(key).or_insert_with(|| json!([])));
            list.and_then(Value::as_array_mut)
                .ok_or_else(|| failed(&format!("{id:?} is not a container")))?
                .extend(new);
        }
        (position, Some(id)) => {
            let (items, index) =
                parent_of(&mut changed, id).ok_or_else(|| failed(&format!("no element {id:?}")))?;
            let at = if *position == InsertType::InsertBefore { index } else { index + 1 };
            items.splice(at..at, new);
        }
        (_, None) => return Err(failed("target_element_id is required")),
    }
    check_changed(&changed)?;
    card.card = changed;
    Ok(())
}

fn apply_replace(
    card: &mut CardEntity,
    request: &UpdateCardElementRequest,
    _: &Now,
) -> Result<(), Rejection> {
    let id = request.element_id.as_str();
    let mut changed = card.card.clone();
    let element = component(&mut changed, id).ok_or_else(|| {
        Rejection::new(400, 300_121, format!("Failed to replace element: no element {id:?}"))
    })?;
    *element = parsed(&request.element);
    check_changed(&changed)?;
    card.card = changed;
    Ok(())
}

fn apply_patch(card: &mut CardEntity, request: &PatchCardElementRequest, _: &Now) -> Result<(), Rejection> {
    let id = request.element_id.as_str();
    let failed =
        || Rejection::new(400, 300_313, format!("Failed to update element properties: no element {id:?}"));
    let mut changed = card.card.clone();
    let element = component(&mut changed, id).and_then(Value::as_object_mut).ok_or_else(failed)?;
    if let Value::Object(properties) = parsed(&request.partial_element) {
        element.extend(properties.into_iter().collect::<Map<String, Value>>());
    }
    check_changed(&changed)?;
    card.card = changed;
    Ok(())
}

fn apply_delete(card: &mut CardEntity, request: &DeleteCardElementRequest, _: &Now) -> Result<(), Rejection> {
    let id = request.element_id.as_str();
    let (items, index) = parent_of(&mut card.card, id).ok_or_else(|| {
        Rejection::new(400, 300_314, format!("Failed to delete element: no element {id:?}"))
    })?;
    items.remove(index);
    Ok(())
}
