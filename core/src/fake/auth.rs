//! Tokens: the five authentication endpoints and the `Authorization` check of the others.
//!
//! As the platform: `expire` is the remaining lifetime in seconds; asking again while at
//! least the reuse threshold of a token's life remains returns the same token, otherwise a
//! new one is issued and the old one stays valid until it expires. Failures of the token
//! endpoints are HTTP 200 with a non-zero code: 10003 missing or malformed fields, 10014
//! unknown app, 10015 wrong secret, 10012 invalid or outdated `app_ticket`, 99991664
//! invalid app token (store `tenant_access_token`).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use hyper::HeaderMap;
use serde_json::{Map, Value, json};

use super::config::{AppKind, FakeApp};
use super::ids;
use super::reply::{Rejection, Reply};
use super::routes::Endpoint;
use super::state::State;

/// HTTP status of the token-invalid answers of the message endpoints. [inferred]
pub(crate) const TOKEN_ERROR_STATUS: u16 = 400;
/// No `Authorization` header.
pub(crate) const NO_TOKEN: i64 = 99_991_661;
/// The token is unknown, expired or revoked.
pub(crate) const INVALID_TENANT_TOKEN: i64 = 99_991_663;
/// The app token given to the store `tenant_access_token` endpoint is invalid.
pub(crate) const INVALID_APP_TOKEN: i64 = 99_991_664;
/// `Authorization` is not of the form `Bearer t-…`.
pub(crate) const MALFORMED_TOKEN: i64 = 99_991_671;

/// The answer to an unknown, expired or revoked tenant token.
pub(crate) fn invalid_token() -> Rejection {
    Rejection::new(
        TOKEN_ERROR_STATUS,
        INVALID_TENANT_TOKEN,
        "Invalid access token for authorization. Please make a request with token attached.",
    )
}

/// The kind of a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum TokenKind {
    /// `tenant_access_token`, prefix `t-`.
    Tenant,
    /// `app_access_token`, prefix `a-`.
    App,
}

#[derive(Debug)]
struct Token {
    kind: TokenKind,
    app_id: String,
    tenant_key: String,
    expires: Instant,
}

/// The app and tenant a valid token belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Caller {
    pub app_id: String,
    pub tenant_key: String,
}

/// Every token issued and not yet expired or revoked, and the record of all issued.
#[derive(Debug, Default)]
pub(crate) struct Tokens {
    tokens: HashMap<String, Token>,
    current: HashMap<(TokenKind, String, String), String>,
    issued: Vec<String>,
}

impl Tokens {
    /// The token of `kind` for the app and tenant: the current one while at least
    /// `reuse` of its life remains, else a new one. Returns it with its `expire`.
    fn issue(
        &mut self,
        kind: TokenKind,
        caller: &Caller,
        lifetime: Duration,
        reuse: Duration,
        now: Instant,
    ) -> (String, u64) {
        self.tokens.retain(|_, token| token.expires > now);
        let key = (kind, caller.app_id.clone(), caller.tenant_key.clone());
        let reusable = self
            .current
            .get(&key)
            .and_then(|value| Some((value, self.tokens.get(value)?)))
            .map(|(value, token)| (value.clone(), token.expires.saturating_duration_since(now)))
            .filter(|(_, remaining)| *remaining >= reuse && !remaining.is_zero());
        if let Some((value, remaining)) = reusable {
            return (value, whole_seconds(remaining));
        }
        let value = ids::token(match kind {
            TokenKind::Tenant => "t-",
            TokenKind::App => "a-",
        });
        self.tokens.insert(
            value.clone(),
            Token {
                kind,
                app_id: caller.app_id.clone(),
                tenant_key: caller.tenant_key.clone(),
                expires: now + lifetime,
            },
        );
        self.current.insert(key, value.clone());
        self.issued.push(value.clone());
        (value, whole_seconds(lifetime))
    }

    /// Every token issued since the fake started, revoked and expired ones included.
    pub fn issued(&self) -> &[String] {
        &self.issued
    }

    /// Who a valid token of `kind` belongs to.
    fn caller(&self, value: &str, kind: TokenKind, now: Instant) -> Option<Caller> {
        self.tokens
            .get(value)
            .filter(|token| token.kind == kind && token.expires > now)
            .map(|token| Caller { app_id: token.app_id.clone(), tenant_key: token.tenant_key.clone() })
    }

    /// Revokes every token (the record of issued tokens stays).
    pub fn revoke_all(&mut self) {
        self.tokens.clear();
        self.current.clear();
    }
}

fn whole_seconds(duration: Duration) -> u64 {
    duration.as_secs_f64().round() as u64
}

/// Checks `Authorization: Bearer t-…` of a message endpoint.
pub(crate) fn authorize(state: &State, headers: &HeaderMap, now: Instant) -> Result<Caller, Rejection> {
    let Some(header) = headers.get(hyper::header::AUTHORIZATION) else {
        return Err(Rejection::new(
            TOKEN_ERROR_STATUS,
            NO_TOKEN,
            "Missing access token for authorization. Please make a request with token attached.",
        ));
    };
    let token = header
        .to_str()
        .ok()
        .and_then(|value| value.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|token| token.starts_with("t-"))
        .ok_or_else(|| {
            Rejection::new(
                TOKEN_ERROR_STATUS,
                MALFORMED_TOKEN,
                "Invalid access token for authorization. The token must look like `Bearer t-…`.",
            )
        })?;
    state.tokens.caller(token, TokenKind::Tenant, now).ok_or_else(invalid_token)
}

/// Answers a request to an authentication endpoint.
pub(crate) fn handle(state: &mut State, endpoint: Endpoint, body: &[u8], now: Instant) -> Reply {
    match answer(state, endpoint, body, now) {
        Ok(reply) => reply,
        Err(rejection) => rejection.into(),
    }
}

fn answer(state: &mut State, endpoint: Endpoint, body: &[u8], now: Instant) -> Result<Reply, Rejection> {
    let fields = match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(fields)) => fields,
        _ => return Err(invalid_param("the body must be a JSON object")),
    };
    let lifetime = state.settings.token_lifetime;
    let reuse = state.settings.reuse_threshold();
    match endpoint {
        Endpoint::TenantTokenInternal | Endpoint::AppTokenInternal => {
            let caller = credentials(state, &fields)?;
            let (tenant, expire) = state.tokens.issue(TokenKind::Tenant, &caller, lifetime, reuse, now);
            if endpoint == Endpoint::TenantTokenInternal {
                return Ok(token_reply(json!({
                    "code": 0, "msg": "ok", "tenant_access_token": tenant, "expire": expire,
                })));
            }
            let (app, expire) = state.tokens.issue(TokenKind::App, &caller, lifetime, reuse, now);
            Ok(token_reply(json!({
                "code": 0, "msg": "ok", "app_access_token": app, "expire": expire,
                "tenant_access_token": tenant,
            })))
        }
        Endpoint::AppToken => {
            let caller = credentials(state, &fields)?;
            let ticket = text(&fields, "app_ticket")?;
            if state.tickets.get(&caller.app_id).map(String::as_str) != Some(ticket) {
                return Err(Rejection::new(200, 10012, "app_ticket is invalid"));
            }
            let (app, expire) = state.tokens.issue(TokenKind::App, &caller, lifetime, reuse, now);
            Ok(token_reply(json!({
                "code": 0, "msg": "ok", "app_access_token": app, "expire": expire,
            })))
        }
        Endpoint::TenantToken => {
            let app_token = text(&fields, "app_access_token")?;
            let tenant_key = text(&fields, "tenant_key")?;
            let caller = state
                .tokens
                .caller(app_token, TokenKind::App, now)
                .ok_or_else(|| Rejection::new(200, INVALID_APP_TOKEN, "app access token invalid"))?;
            if caller.tenant_key != tenant_key {
                return Err(invalid_param("the app is not installed in this tenant"));
            }
            let (tenant, expire) = state.tokens.issue(TokenKind::Tenant, &caller, lifetime, reuse, now);
            Ok(token_reply(json!({
                "code": 0, "msg": "ok", "tenant_access_token": tenant, "expire": expire,
            })))
        }
        Endpoint::AppTicketResend => {
            let caller = credentials(state, &fields)?;
            let is_store = state.apps.get(&caller.app_id).is_some_and(|app| app.kind == AppKind::Store);
            if !is_store {
                return Err(invalid_param("only store apps receive an app_ticket"));
            }
            state.tickets.insert(caller.app_id, ids::app_ticket());
            Ok(token_reply(json!({"code": 0, "msg": "ok"})))
        }
        _ => Err(invalid_param("not an authentication endpoint")),
    }
}

fn token_reply(body: Value) -> Reply {
    Reply::json(200, body)
}

fn invalid_param(detail: &str) -> Rejection {
    Rejection::new(200, 10003, format!("invalid param: {detail}"))
}

fn text<'a>(fields: &'a Map<String, Value>, name: &str) -> Result<&'a str, Rejection> {
    fields
        .get(name)
        .and_then(Value::as_str)
        .filter(|value| !value.is_empty())
        .ok_or_else(|| invalid_param(&format!("`{name}` is required")))
}

/// Checks `app_id` and `app_secret`.
fn credentials(state: &State, fields: &Map<String, Value>) -> Result<Caller, Rejection> {
    let app_id = text(fields, "app_id")?;
    let secret = text(fields, "app_secret")?;
    let app: &FakeApp =
        state.apps.get(app_id).ok_or_else(|| Rejection::new(200, 10014, "app id not exists"))?;
    if app.app_secret != secret {
        return Err(Rejection::new(200, 10015, "app secret invalid"));
    }
    Ok(Caller { app_id: app.app_id.clone(), tenant_key: app.tenant_key.clone() })
}
