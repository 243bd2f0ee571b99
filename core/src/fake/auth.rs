//! The five authentication endpoints and the `Authorization` check of the others.
//!
//! As the platform: `expire` is the remaining lifetime in seconds; asking again while at
//! least the reuse threshold of a token's life remains returns the same token, otherwise a
//! new one is issued and the old one stays valid until it expires. Failures of the token
//! endpoints are HTTP 200 with a non-zero code: 10003 missing or malformed fields, 10014
//! unknown app, 10015 wrong secret, 10012 invalid or outdated `app_ticket`, 99991664
//! invalid app token (store `tenant_access_token`).

use std::time::Instant;

use hyper::HeaderMap;
use serde_json::{Map, Value, json};

use super::config::{AppKind, FakeApp};
use super::ids;
use super::reply::{Rejection, Reply};
use super::routes::AuthEndpoint;
use super::state::State;
use super::tokens::{Caller, TokenKind};

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
pub(crate) fn handle(state: &mut State, endpoint: AuthEndpoint, body: &[u8], now: Instant) -> Reply {
    match answer(state, endpoint, body, now) {
        Ok(reply) => reply,
        Err(rejection) => rejection.into(),
    }
}

fn answer(state: &mut State, endpoint: AuthEndpoint, body: &[u8], now: Instant) -> Result<Reply, Rejection> {
    let fields = match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(fields)) => fields,
        _ => return Err(invalid_param("the body must be a JSON object")),
    };
    let lifetime = state.settings.token_lifetime;
    let reuse = state.settings.reuse_threshold();
    match endpoint {
        AuthEndpoint::TenantTokenInternal | AuthEndpoint::AppTokenInternal => {
            let caller = credentials(state, &fields)?;
            let (tenant, expire) = state.tokens.issue(TokenKind::Tenant, &caller, lifetime, reuse, now);
            if endpoint == AuthEndpoint::TenantTokenInternal {
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
        AuthEndpoint::AppToken => {
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
        AuthEndpoint::TenantToken => {
            let app_token = text(&fields, "app_access_token")?;
            let tenant_key = text(&fields, "tenant_key")?;
            let caller = state
                .tokens
                .caller(app_token, TokenKind::App, now)
                .ok_or_else(|| Rejection::new(200, INVALID_APP_TOKEN, "app access token invalid"))?;
            if !state.apps.get(&caller.app_id).is_some_and(|app| app.is_installed_in(tenant_key)) {
                return Err(invalid_param("the app is not installed in this tenant"));
            }
            let caller = Caller { tenant_key: tenant_key.to_owned(), ..caller };
            let (tenant, expire) = state.tokens.issue(TokenKind::Tenant, &caller, lifetime, reuse, now);
            Ok(token_reply(json!({
                "code": 0, "msg": "ok", "tenant_access_token": tenant, "expire": expire,
            })))
        }
        AuthEndpoint::AppTicketResend => {
            let caller = credentials(state, &fields)?;
            let is_store = state.apps.get(&caller.app_id).is_some_and(|app| app.kind == AppKind::Store);
            if !is_store {
                return Err(invalid_param("only store apps receive an app_ticket"));
            }
            state.tickets.insert(caller.app_id, ids::app_ticket());
            Ok(token_reply(json!({"code": 0, "msg": "ok"})))
        }
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
