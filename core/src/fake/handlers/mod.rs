//! The operations as the fake serves them: the checks every request passes, then one
//! handler per operation of the registry (the `match` below must name every endpoint, so
//! an operation added to the registry needs a handler here to compile).
//!
//! Every request goes through, in order: `Authorization` (see `auth.rs`), the quota (when
//! enforced), `Content-Type: application/json` (`multipart/form-data` for the uploads),
//! then the operation's handler, which decodes
//! the flat request (path parameters, the operation's query parameters and the body) with
//! the core's own request model, checks it with the core's rules, and only then processes
//! it.
//!
//! Unknown ids: any receiver id that contains `unknown` (e.g. `ou_unknown_1`) is one the
//! fake does not know: batch send lists it in `invalid_*_ids`, feed card create in
//! `failed_cards`, send message refuses it (230013, or 230002 for a chat), reply refuses a
//! message id with it (230001, as an invalid `message_id`).

mod batch;
mod card;
mod cardkit;
mod feed_card;
mod send;
mod support;
mod upload;

use bytes::Bytes;
use hyper::HeaderMap;
use serde_json::Value;

use super::auth;
use super::reply::{Rejection, Reply};
use super::routes::{self, Query, Route};
use super::state::Shared;
use super::tokens::Caller;
use crate::endpoint::Endpoint;

pub(crate) use send::receiver_limited;
pub(crate) use support::{pause, throttled};

/// A request to one of the platform's endpoints, body read.
#[derive(Debug)]
pub(crate) struct ApiRequest {
    pub route: Route,
    pub path_params: Vec<String>,
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

/// What a handler gets: the caller and the request's parts, body parsed (a multipart
/// body as its fields, with its files' bytes in `buffers`).
#[derive(Debug)]
pub(crate) struct Input<'a> {
    pub caller: Caller,
    pub query: &'a Query,
    pub path_params: &'a [String],
    pub body: Value,
    pub buffers: Vec<Bytes>,
}

/// Processes a request as the platform would.
pub(crate) async fn process(shared: &Shared, request: &ApiRequest) -> Reply {
    let endpoint = match request.route {
        Route::Auth(auth_endpoint) => {
            pause(shared).await;
            let mut state = shared.lock();
            let now = state.now();
            return auth::handle(&mut state, auth_endpoint, &request.body, now);
        }
        Route::Api(endpoint) => endpoint,
    };
    let caller = {
        let mut state = shared.lock();
        let now = state.now();
        let caller = match auth::authorize(&state, &request.headers, now) {
            Ok(caller) => caller,
            Err(rejection) => return rejection.into(),
        };
        if state.settings.quotas {
            if let Err(throttle) = state.quotas.admit(&caller.app_id, &caller.tenant_key, endpoint, now) {
                state.counters.throttled(request.route);
                return throttled(throttle);
            }
        }
        caller
    };
    let (body, buffers) = if is_upload(endpoint) {
        let content_type = request.headers.get(hyper::header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
        match upload::form_fields(content_type, request.body.clone()).await {
            Ok(fields) => fields,
            Err(problem) => return param_error(endpoint, problem).into(),
        }
    } else {
        if !routes::is_json(&request.headers) {
            return param_error(endpoint, "Content-Type must be application/json").into();
        }
        // A body that is not JSON reaches the handler as `null`, after the query.
        (serde_json::from_slice(&request.body).unwrap_or(Value::Null), Vec::new())
    };
    let input = Input { caller, query: &request.query, path_params: &request.path_params, body, buffers };
    let outcome = match endpoint {
        Endpoint::SendMessage => send::send_message(shared, &input).await,
        Endpoint::ReplyMessage => send::reply_message(shared, &input).await,
        Endpoint::BatchSend => batch::handle(shared, &input).await,
        Endpoint::CreateCard => card::handle(shared, &input).await,
        Endpoint::CreateAppFeedCard => feed_card::handle(shared, &input).await,
        Endpoint::UploadImage => upload::image(shared, &input).await,
        Endpoint::UploadFile => upload::file(shared, &input).await,
        Endpoint::UpdateCardSettings
        | Endpoint::UpdateCard
        | Endpoint::UpdateCardElementContent
        | Endpoint::CreateCardElements
        | Endpoint::UpdateCardElement
        | Endpoint::PatchCardElement
        | Endpoint::DeleteCardElement => cardkit::handle(shared, endpoint, &input).await,
    };
    outcome.unwrap_or_else(Reply::from)
}

/// Whether the endpoint takes a `multipart/form-data` body.
fn is_upload(endpoint: Endpoint) -> bool {
    matches!(endpoint, Endpoint::UploadImage | Endpoint::UploadFile)
}

/// The endpoint's answer to an invalid parameter: send message, reply and feed card answer
/// HTTP 400 code 230001, card create and the card entity operations HTTP 400 code 10002, the
/// uploads HTTP 400 code 234001, and the legacy batch send HTTP 200 code 10003 (it reports
/// business errors at HTTP 200).
pub(crate) fn param_error(endpoint: Endpoint, msg: impl Into<String>) -> Rejection {
    match endpoint {
        Endpoint::CreateCard
        | Endpoint::UpdateCardSettings
        | Endpoint::UpdateCard
        | Endpoint::UpdateCardElementContent
        | Endpoint::CreateCardElements
        | Endpoint::UpdateCardElement
        | Endpoint::PatchCardElement
        | Endpoint::DeleteCardElement => Rejection::new(400, 10002, msg),
        Endpoint::BatchSend => Rejection::new(200, 10003, msg),
        Endpoint::UploadImage | Endpoint::UploadFile => Rejection::new(400, 234_001, msg),
        Endpoint::SendMessage | Endpoint::ReplyMessage | Endpoint::CreateAppFeedCard => {
            Rejection::new(400, 230001, msg)
        }
    }
}
