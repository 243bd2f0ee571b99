//! The controls under `/_fake/`, so tests in any language can drive the fake over HTTP.
//! JSON in and out; they are not counted, throttled, delayed or faulted. The table of
//! controls is in the `fake` module's documentation.
//!
//! Errors: HTTP 400 (bad body) or 404 (no such control) with `{"ok":false,"error":"…"}`.

use std::time::Duration;

use hyper::Method;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::cards::CardEntity;
use super::config::FakeApp;
use super::faults::FaultPlan;
use super::ids;
use super::reply::Reply;
use super::resources::Registration;
use super::routes::Query;
use super::state::{Settings, Shared, State};

/// Paths of the controls start with this.
pub(crate) const PREFIX: &str = "/_fake/";

#[derive(Deserialize)]
struct Enabled {
    enabled: bool,
}

#[derive(Deserialize)]
struct Latency {
    ms: u64,
}

#[derive(Deserialize)]
struct Seconds {
    seconds: f64,
}

#[derive(Deserialize)]
struct Advance {
    advance_seconds: f64,
}

/// A card entity a test puts in place (`POST /_fake/cards`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedCard {
    /// The id to give it (default: a fresh one).
    card_id: Option<String>,
    /// Its card JSON (an object, or its text).
    card: Value,
    /// The app that created it (default: the first app).
    app_id: Option<String>,
    /// Created from a template (its components unknown).
    #[serde(default)]
    template: bool,
    /// The last accepted sequence.
    #[serde(default)]
    sequence: i64,
    /// Whether a message already sent it.
    #[serde(default)]
    sent: bool,
    /// How long ago it was created (and its streaming mode turned on).
    #[serde(default)]
    age_seconds: f64,
}

#[derive(Deserialize)]
struct Lifetime {
    seconds: f64,
    #[serde(default)]
    reuse_threshold_seconds: Option<f64>,
}

/// Answers a control request.
pub(crate) fn handle(shared: &Shared, method: &Method, path: &str, query: &Query, body: &[u8]) -> Reply {
    let name = path.strip_prefix(PREFIX).unwrap_or_default();
    let mut state = shared.lock();
    match (method.as_str(), name) {
        ("GET", "inbox") => Reply::json(200, json!(state.inbox)),
        ("DELETE", "inbox") => {
            state.inbox = Default::default();
            ok()
        }
        ("POST", "reset") => {
            state.reset();
            ok()
        }
        ("GET", "quotas") => Reply::json(200, json!({"enabled": state.settings.quotas})),
        ("POST", "quotas") => match parse::<Enabled>(body) {
            Ok(enabled) => {
                state.settings.quotas = enabled.enabled;
                Reply::json(200, json!({"enabled": enabled.enabled}))
            }
            Err(reply) => reply,
        },
        ("GET", "latency") => latency(&state.settings),
        ("POST", "latency") => match parse::<Latency>(body) {
            Ok(latency_ms) => {
                state.settings.latency = Duration::from_millis(latency_ms.ms);
                latency(&state.settings)
            }
            Err(reply) => reply,
        },
        ("GET", "faults") => {
            Reply::json(200, json!({"plans": state.faults.plans(), "log": state.faults.log()}))
        }
        ("POST", "faults") => match parse::<FaultPlan>(body) {
            Ok(plan) => match state.faults.inject(plan) {
                Ok(()) => ok(),
                Err(error) => bad_request(&error.0),
            },
            Err(reply) => reply,
        },
        ("DELETE", "faults") => {
            state.faults.clear_plans();
            ok()
        }
        ("POST", "revoke_tokens") => {
            state.tokens.revoke_all();
            ok()
        }
        ("GET", "token_lifetime") => lifetime(&state.settings),
        ("POST", "token_lifetime") => match parse::<Lifetime>(body) {
            Ok(lifetime_body) => {
                let seconds = |value: f64| Duration::try_from_secs_f64(value).ok();
                let Some(lifetime_value) = seconds(lifetime_body.seconds) else {
                    return bad_request("seconds must be a non-negative number");
                };
                let reuse = match lifetime_body.reuse_threshold_seconds {
                    Some(value) => match seconds(value) {
                        Some(reuse) => Some(reuse),
                        None => return bad_request("reuse_threshold_seconds must be non-negative"),
                    },
                    None => None,
                };
                state.settings.token_lifetime = lifetime_value;
                state.settings.token_reuse_threshold = reuse;
                lifetime(&state.settings)
            }
            Err(reply) => reply,
        },
        ("GET", "counters") => Reply::json(200, json!(state.counters)),
        ("GET", "cards") => {
            let (now, timeout) = (state.now(), state.settings.streaming_timeout);
            let cards: Vec<Value> =
                state.cards.iter().map(|(id, card)| card.to_json(id, now, timeout)).collect();
            Reply::json(200, json!({"cards": cards}))
        }
        ("GET", "card") => {
            let (now, timeout) = (state.now(), state.settings.streaming_timeout);
            match query
                .get("card_id")
                .and_then(|id| state.cards.get(id).map(|card| card.to_json(id, now, timeout)))
            {
                Some(card) => Reply::json(200, card),
                None => error(404, "no card entity with that card_id"),
            }
        }
        ("POST", "cards") => match parse::<SeedCard>(body) {
            Ok(seed) => seed_card(&mut state, seed),
            Err(reply) => reply,
        },
        ("GET", "clock") => clock(state.clock_offset),
        ("POST", "clock") => match parse::<Advance>(body) {
            Ok(advance) => match Duration::try_from_secs_f64(advance.advance_seconds) {
                Ok(by) => {
                    state.clock_offset += by;
                    clock(state.clock_offset)
                }
                Err(_) => bad_request("advance_seconds must be a non-negative number"),
            },
            Err(reply) => reply,
        },
        ("GET", "streaming_timeout") => streaming_timeout(&state.settings),
        ("POST", "streaming_timeout") => match parse::<Seconds>(body) {
            Ok(seconds) => match Duration::try_from_secs_f64(seconds.seconds) {
                Ok(timeout) => {
                    state.settings.streaming_timeout = timeout;
                    streaming_timeout(&state.settings)
                }
                Err(_) => bad_request("seconds must be a non-negative number"),
            },
            Err(reply) => reply,
        },
        ("GET", "tokens") => Reply::json(200, json!({"issued": state.tokens.issued()})),
        ("GET", "app_ticket") => match state.app_ticket(query.get("app_id")) {
            Some((app_id, ticket)) => Reply::json(200, json!({"app_id": app_id, "app_ticket": ticket})),
            None => error(404, "no store app with that app_id"),
        },
        ("POST", "apps") => match parse::<FakeApp>(body) {
            Ok(app) => {
                state.register_app(app);
                ok()
            }
            Err(reply) => reply,
        },
        ("POST", "resources") => match parse::<Registration>(body).map(Registration::resource) {
            Ok(Ok(resource)) => {
                state.resources.insert(resource);
                ok()
            }
            Ok(Err(problem)) => bad_request(problem),
            Err(reply) => reply,
        },
        _ => error(404, &format!("no control {method} {path}")),
    }
}

fn latency(settings: &Settings) -> Reply {
    Reply::json(200, json!({"ms": settings.latency.as_millis() as u64}))
}

fn clock(offset: Duration) -> Reply {
    Reply::json(200, json!({"offset_seconds": offset.as_secs_f64()}))
}

fn streaming_timeout(settings: &Settings) -> Reply {
    Reply::json(200, json!({"seconds": settings.streaming_timeout.as_secs_f64()}))
}

fn seed_card(state: &mut State, seed: SeedCard) -> Reply {
    let card = match seed.card {
        Value::String(text) => match serde_json::from_str(&text) {
            Ok(card) => card,
            Err(e) => return bad_request(&format!("card is not JSON: {e}")),
        },
        card => card,
    };
    let Some(app_id) = seed.app_id.or_else(|| state.apps.keys().next().cloned()) else {
        return bad_request("no app to own the card");
    };
    let Ok(age) = Duration::try_from_secs_f64(seed.age_seconds) else {
        return bad_request("age_seconds must be a non-negative number");
    };
    let created = state.now().checked_sub(age).unwrap_or_else(|| state.now());
    let mut entity = CardEntity::new(app_id, card, seed.template, created);
    entity.sequence = seed.sequence;
    entity.sent = seed.sent;
    let card_id = seed.card_id.unwrap_or_else(ids::card_id);
    state.cards.insert(card_id.clone(), entity);
    Reply::json(200, json!({"card_id": card_id}))
}

fn lifetime(settings: &Settings) -> Reply {
    Reply::json(
        200,
        json!({
            "seconds": settings.token_lifetime.as_secs_f64(),
            "reuse_threshold_seconds": settings.reuse_threshold().as_secs_f64(),
        }),
    )
}

fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, Reply> {
    serde_json::from_slice(body).map_err(|error| bad_request(&error.to_string()))
}

fn ok() -> Reply {
    Reply::json(200, json!({"ok": true}))
}

fn bad_request(message: &str) -> Reply {
    error(400, message)
}

fn error(status: u16, message: &str) -> Reply {
    Reply::json(status, json!({"ok": false, "error": Value::String(message.to_owned())}))
}
