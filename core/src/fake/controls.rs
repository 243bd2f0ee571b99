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

use super::config::FakeApp;
use super::faults::FaultPlan;
use super::reply::Reply;
use super::resources::Registration;
use super::routes::Query;
use super::state::{Settings, Shared};

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
