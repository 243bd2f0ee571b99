//! The HTTP side: accepting connections, reading requests, applying faults.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use serde_json::json;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

use super::auth;
use super::controls;
use super::faults::{Fault, FaultKind, FaultRecord};
use super::handlers::{self, ApiRequest};
use super::ids;
use super::quota::Throttle;
use super::reply::{Rejection, Reply};
use super::routes::{Query, Route};
use super::state::Shared;

/// Largest request body the fake reads: a 30 MB upload and its form (card data may be
/// 3,000,000 characters).
const MAX_BODY: usize = 32 * 1024 * 1024;

/// Returned by the service to make hyper close the connection without answering.
#[derive(Debug)]
pub(crate) struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by an injected fault")
    }
}

impl std::error::Error for Dropped {}

/// Accepts connections until the task is aborted; aborting it closes every connection.
pub(crate) async fn serve(listener: TcpListener, shared: Arc<Shared>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    shared.lock().counters.connection();
                    connections.spawn(serve_connection(stream, Arc::clone(&shared)));
                }
                Err(error) => {
                    tracing::warn!(%error, "fake server: accept failed");
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

async fn serve_connection(stream: TcpStream, shared: Arc<Shared>) {
    let _ = stream.set_nodelay(true);
    let service = service_fn(move |request| {
        let shared = Arc::clone(&shared);
        async move { handle(&shared, request).await }
    });
    let builder = auto::Builder::new(TokioExecutor::new());
    if let Err(error) = builder.serve_connection(TokioIo::new(stream), service).await {
        tracing::debug!(%error, "fake server: connection ended");
    }
}

/// Answers one request, or drops the connection.
async fn handle(shared: &Shared, request: Request<Incoming>) -> Result<Response<Full<Bytes>>, Dropped> {
    let log_id = ids::log_id();
    let path = request.uri().path().to_owned();
    let query = Query::parse(request.uri().query());
    let method = request.method().clone();
    if path.starts_with(controls::PREFIX) {
        let body = read_body(request.into_body()).await?;
        let reply = controls::handle(shared, &method, &path, &query, &body);
        return Ok(reply.into_response(&log_id));
    }
    let Some((route, path_params)) = Route::find(&method, &path) else {
        let reply = Reply::json(404, json!({"code": 404, "msg": "404 page not found"}));
        return Ok(reply.into_response(&log_id));
    };
    let fault = {
        let mut state = shared.lock();
        state.counters.request(route);
        let fault = state.faults.take(route);
        if let Some(fault) = fault {
            state.counters.fault(fault.kind);
        }
        fault
    };
    if let Some(Fault { kind: FaultKind::DropBeforeRead, .. }) = fault {
        record(shared, FaultKind::DropBeforeRead, route, None, None);
        return Err(Dropped);
    }
    let (parts, body) = request.into_parts();
    let body = read_body(body).await?;
    let request = ApiRequest { route, path_params, headers: parts.headers, query, body };
    let Some(fault) = fault else {
        let reply = handlers::process(shared, &request).await;
        return Ok(reply.into_response(&log_id));
    };
    if !fault.kind.processes() {
        let reply = refuse(shared, fault.kind, route);
        record(shared, fault.kind, route, Some(&request), None);
        return Ok(reply.into_response(&log_id));
    }
    let reply = handlers::process(shared, &request).await;
    record(shared, fault.kind, route, Some(&request), Some(&reply));
    match fault.kind {
        FaultKind::DropAfterRead => Err(Dropped),
        FaultKind::Slow => {
            let delay = fault.delay.unwrap_or_else(|| shared.lock().settings.slow_delay);
            tokio::time::sleep(delay).await;
            Ok(reply.into_response(&log_id))
        }
        FaultKind::Malformed => {
            Ok(Reply::raw(200, "text/html; charset=utf-8", "<html><body>502 Bad Gateway</body></html>")
                .into_response(&log_id))
        }
        _ => Ok(reply.into_response(&log_id)),
    }
}

/// The answer of a fault that does not process the request.
fn refuse(shared: &Shared, kind: FaultKind, route: Route) -> Reply {
    match kind {
        FaultKind::RateLimit => {
            let quotas = match route {
                Route::Api(endpoint) => endpoint.quotas(),
                Route::Auth(_) => &[],
            };
            handlers::throttled(Throttle { limit: quotas.first().map_or(50, |q| q.limit), reset_secs: 1 })
        }
        FaultKind::ReceiverRateLimit => handlers::receiver_limited().into(),
        FaultKind::RevokeTokens => {
            shared.lock().tokens.revoke_all();
            auth::invalid_token().into()
        }
        FaultKind::PermissionDenied => Reply::json(
            400,
            json!({
                "code": 99991672,
                "msg": "Access denied. One of the following scopes is required: [im:message, im:message:send_as_bot].",
                "error": {"permission_violations": [
                    {"type": "action_scope_required", "subject": "im:message", "description": "Send messages as the app"}
                ]}
            }),
        ),
        _ => Rejection::new(500, 1500, "internal error, please retry later").into(),
    }
}

/// Records what a fault did.
fn record(
    shared: &Shared,
    kind: FaultKind,
    route: Route,
    request: Option<&ApiRequest>,
    reply: Option<&Reply>,
) {
    let code = reply.and_then(Reply::code);
    let record = FaultRecord {
        seq: 0,
        kind,
        endpoint: route.name().to_owned(),
        processed: reply.is_some(),
        code,
        id: reply.filter(|_| code == Some(0)).and_then(Reply::created_id),
        uuid: request.and_then(ApiRequest::uuid),
    };
    shared.lock().faults.record(record);
}

async fn read_body(body: Incoming) -> Result<Bytes, Dropped> {
    Limited::new(body, MAX_BODY).collect().await.map(|collected| collected.to_bytes()).map_err(|_| Dropped)
}
