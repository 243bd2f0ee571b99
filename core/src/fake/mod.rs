//! A faithful fake of the Feishu Open Platform on 127.0.0.1, for tests (feature `fake`).
//!
//! It serves the authentication endpoints and every operation of the registry (send
//! message, reply, batch send, card entity create, app feed card create, image and file
//! upload), routed by the
//! registry's methods and path templates, as the platform documents them: it checks the
//! token, the content type, the query and the body (with the core's own request models
//! and rules), answers with the documented HTTP statuses, codes and envelope
//! (`X-Tt-Logid`, `error.troubleshooter`), de-duplicates message `uuid`s, keeps card
//! entities (sent once; their sequence, streaming mode, components and text), enforces
//! the rate limits when asked, keeps an [`Inbox`] of what it
//! accepted, and injects faults on request. Tests in other languages drive it over HTTP
//! with the controls under `/_fake/` (below), or run the `larkmsg-fake` binary, which
//! prints its URL as its first line. Endpoints are named by the registry's call names
//! (`send_message`, `create_app_feed_card`, …) in counters and fault plans.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use larkmsg::fake::{FakeConfig, FakeServer, DEFAULT_APP_ID, DEFAULT_APP_SECRET};
//!
//! let fake = FakeServer::start(FakeConfig::default()).await?;
//! let base_url = fake.url(); // http://127.0.0.1:PORT — use it instead of open.feishu.cn
//! // … authenticate with DEFAULT_APP_ID / DEFAULT_APP_SECRET and send …
//! assert!(fake.inbox().messages.is_empty());
//! # Ok(()) }
//! ```
//!
//! # Controls
//!
//! JSON in and out; controls are not counted, throttled, delayed or faulted. Each has a
//! Rust twin on [`FakeServer`].
//!
//! | method and path | body | answer |
//! |---|---|---|
//! | `GET /_fake/inbox` | | the [`Inbox`] |
//! | `DELETE /_fake/inbox` | | `{"ok":true}`; empties the inbox only |
//! | `POST /_fake/reset` | | `{"ok":true}`; inbox, uuids, card entities, uploads, counters, faults, quota windows |
//! | `GET`/`POST /_fake/quotas` | `{"enabled":true}` | `{"enabled":…}` |
//! | `GET`/`POST /_fake/latency` | `{"ms":250}` | `{"ms":…}` |
//! | `GET /_fake/faults` | | `{"plans":[…],"log":[FaultRecord…]}` |
//! | `POST /_fake/faults` | a [`FaultPlan`] | `{"ok":true}` |
//! | `DELETE /_fake/faults` | | `{"ok":true}`; removes the plans (the log stays) |
//! | `POST /_fake/revoke_tokens` | | `{"ok":true}` |
//! | `GET`/`POST /_fake/token_lifetime` | `{"seconds":2, "reuse_threshold_seconds":0.5?}` | `{"seconds":…,"reuse_threshold_seconds":…}` |
//! | `GET /_fake/counters` | | the [`Counters`] |
//! | `GET /_fake/tokens` | | `{"issued":["t-…","a-…",…]}`: every token issued since start, for secrecy tests |
//! | `GET /_fake/app_ticket?app_id=…` | | `{"app_id":…,"app_ticket":…}` (default: the first store app) |
//! | `POST /_fake/apps` | a [`FakeApp`] | `{"ok":true}` |
//! | `POST /_fake/resources` | `{"image_key", "image_type"?}` or `{"file_key", "file_type"?}`, `"app_id"?` | `{"ok":true}`; the key counts as uploaded (by the default app) |
//! | `GET /_fake/cards` | | `{"cards":[card…]}`: every card entity, as below |
//! | `GET /_fake/card?card_id=…` | | one card entity: `card_id`, `app_id`, `sent`, `template`, `sequence` (the last accepted), `streaming_mode`, `streaming_timed_out`, `streaming_closes_in_ms`, `summary`, `texts` (`element_id` → text of each `markdown` and `plain_text` element), `card` (its card JSON), `operations` (`[{at_ms, call, sequence, code}]`: every operation that reached it, `at_ms` since it was created), `max_operations_per_second` (the most admitted in any one second), `expired` |
//! | `POST /_fake/cards` | `{"card", "card_id"?, "app_id"?, "template"?, "sequence"?, "sent"?, "age_seconds"?}` | `{"card_id":…}`; puts a card entity in place |
//! | `GET`/`POST /_fake/clock` | `{"advance_seconds":660}` | `{"offset_seconds":…}`; moves the fake's clock forward (streaming timeouts, the 14-day validity, tokens, quota windows) |
//! | `GET`/`POST /_fake/streaming_timeout` | `{"seconds":600}` | `{"seconds":…}`; when streaming mode closes by itself |
//!
//! Errors: HTTP 400 (bad body) or 404 (no such control) with `{"ok":false,"error":"…"}`.
//!
//! # Conventions
//!
//! Conventions of the fake (the platform's behaviour where the docs are silent is
//! inferred, and easy to change in one place):
//! - A message endpoint checks, in order: `Authorization`, the quota (when enforced),
//!   `Content-Type: application/json`, the query, the body.
//! - Endpoint quotas count per app and per tenant (a store app installed in several
//!   tenants, [`FakeApp::also_installed_in`], has each tenant's); a chat's 5 messages per
//!   second count every message that lands in it (sent by `chat_id`, to a user, whose
//!   chat with the bot it is, or as a reply to a message in it), whichever app sends.
//! - Receiver ids containing `unknown` are unknown users or chats: batch send lists them
//!   as invalid, feed card create in `failed_cards` (reason `"NOT_CREATED"`, the form of
//!   the docs' example), send message refuses them (230013; 230002 for a chat), reply
//!   refuses a message id with it (230001).
//! - Token errors of the operations are HTTP 400; the token endpoints answer
//!   HTTP 200 with codes 10003, 10012, 10014, 10015, 99991664.
//! - Fault plans without an endpoint hit every operation, not the token endpoints.
//! - A token is reused while at least `min(30 min, lifetime / 4)` of its life remains,
//!   unless [`FakeConfig::token_reuse_threshold`] says otherwise.
//! - Card entities live 14 days, and their streaming mode closes by itself 10 minutes
//!   after it was last turned on; the card operations' other conventions are in
//!   `cards.rs`. Operations on one card count against its 10 per second (HTTP 429, code
//!   99991400, when quotas are enforced: the pages do not say how the platform answers).
//! - The fake's clock is the runtime's (tokio's): a test that pauses tokio's clock (its
//!   feature `test-util`) moves the fake's time too; `POST /_fake/clock` moves it forward.
//! - Uploads answer keys `img_v3_…` and `file_v3_…`; messages, batches and feed cards
//!   accept only keys their app uploaded (or registered with `POST /_fake/resources`); see
//!   the codes in `resources.rs`.

mod auth;
mod cards;
mod config;
mod controls;
mod counters;
mod faults;
mod handlers;
mod ids;
mod inbox;
mod quota;
mod reply;
mod resources;
mod routes;
mod server;
mod state;
mod tokens;

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub use config::{
    AppKind, DEFAULT_APP_ID, DEFAULT_APP_SECRET, DEFAULT_SLOW_DELAY, DEFAULT_STREAMING_TIMEOUT,
    DEFAULT_TOKEN_LIFETIME, FAKE_TENANT_KEY, FakeApp, FakeConfig, MAX_REUSE_THRESHOLD, STORE_APP_ID,
    STORE_APP_SECRET,
};
pub use counters::Counters;
pub use faults::{FaultKind, FaultPlan, FaultPlanError, FaultRecord};
pub use inbox::Inbox;

use state::Shared;

/// A running fake server. It serves on the tokio runtime it was started on and stops
/// when dropped or [shut down](FakeServer::shutdown). Its methods mirror the `/_fake/`
/// HTTP controls and can be called from sync or async code.
pub struct FakeServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: JoinHandle<()>,
}

impl FakeServer {
    /// Binds 127.0.0.1 on `config.port` (0: any free port) and starts serving.
    ///
    /// # Errors
    /// When the port cannot be bound.
    pub async fn start(config: FakeConfig) -> std::io::Result<Self> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, config.port)).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::new(&config));
        let task = tokio::spawn(server::serve(listener, Arc::clone(&shared)));
        Ok(Self { addr, shared, task })
    }

    /// The base URL, `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops serving and closes every connection.
    pub async fn shutdown(mut self) {
        self.task.abort();
        let _ = (&mut self.task).await;
    }

    /// What the fake accepted since start or the last reset.
    pub fn inbox(&self) -> Inbox {
        self.shared.lock().inbox.clone()
    }

    /// Empties the inbox (nothing else).
    pub fn clear_inbox(&self) {
        self.shared.lock().inbox = Inbox::default();
    }

    /// Forgets the inbox, remembered uuids, card entities, counters, fault plans and
    /// records, and quota windows. Apps, tokens and settings stay.
    pub fn reset(&self) {
        self.shared.lock().reset();
    }

    /// Turns quota enforcement on or off.
    pub fn set_quotas(&self, enabled: bool) {
        self.shared.lock().settings.quotas = enabled;
    }

    /// Adds `latency` to the processing of every API request.
    pub fn set_latency(&self, latency: Duration) {
        self.shared.lock().settings.latency = latency;
    }

    /// Injects faults.
    ///
    /// # Errors
    /// An unknown endpoint, a rate outside 0..=1 or a random plan without kinds.
    pub fn inject(&self, plan: FaultPlan) -> Result<(), FaultPlanError> {
        self.shared.lock().faults.inject(plan)
    }

    /// Removes every fault plan (the record stays).
    pub fn clear_faults(&self) {
        self.shared.lock().faults.clear_plans();
    }

    /// The fault plans still active.
    pub fn fault_plans(&self) -> Vec<FaultPlan> {
        self.shared.lock().faults.plans()
    }

    /// What injected faults did, in order.
    pub fn fault_log(&self) -> Vec<FaultRecord> {
        self.shared.lock().faults.log().to_vec()
    }

    /// Runs one of the HTTP controls in-process: `control("POST", "faults", Some(plan))`
    /// does what `POST /_fake/faults` does. Gives the HTTP status and the JSON answer;
    /// for bindings that drive the fake without an HTTP client.
    pub fn control(
        &self,
        method: &str,
        name: &str,
        body: Option<serde_json::Value>,
    ) -> (u16, serde_json::Value) {
        let Ok(method) = hyper::Method::from_bytes(method.as_bytes()) else {
            return (405, serde_json::json!({"error": format!("no such method {method:?}")}));
        };
        let (name, query) = name.split_once('?').map_or((name, None), |(name, query)| (name, Some(query)));
        let path = format!("{}{name}", controls::PREFIX);
        let body = body.map(|value| value.to_string()).unwrap_or_default();
        let reply =
            controls::handle(&self.shared, &method, &path, &routes::Query::parse(query), body.as_bytes());
        let json = match reply.body {
            reply::Body::Json(value) => value,
            reply::Body::Raw(_, bytes) => {
                serde_json::Value::String(String::from_utf8_lossy(&bytes).into_owned())
            }
        };
        (reply.status, json)
    }

    /// Revokes every token issued so far.
    pub fn revoke_tokens(&self) {
        self.shared.lock().tokens.revoke_all();
    }

    /// Sets the lifetime of tokens issued from now on.
    pub fn set_token_lifetime(&self, lifetime: Duration) {
        self.shared.lock().settings.token_lifetime = lifetime;
    }

    /// Sets how much life a token must have left to be handed out again;
    /// `None`: `min(30 minutes, lifetime / 4)`.
    pub fn set_token_reuse_threshold(&self, threshold: Option<Duration>) {
        self.shared.lock().settings.token_reuse_threshold = threshold;
    }

    /// Every token (tenant and app) issued since start, revoked and expired ones included:
    /// what a test checks never appears in logs or errors.
    pub fn issued_tokens(&self) -> Vec<String> {
        self.shared.lock().tokens.issued().to_vec()
    }

    /// Counts of requests, token requests, throttled answers and faults.
    pub fn counters(&self) -> Counters {
        self.shared.lock().counters.clone()
    }

    /// The state of a card entity, as `GET /_fake/card?card_id=…` gives it.
    pub fn card(&self, card_id: &str) -> Option<serde_json::Value> {
        let state = self.shared.lock();
        let (now, timeout) = (state.now(), state.settings.streaming_timeout);
        state.cards.get(card_id).map(|card| card.to_json(card_id, now, timeout))
    }

    /// Moves the fake's clock forward by `by` (streaming timeouts, card validity, tokens).
    pub fn advance_clock(&self, by: Duration) {
        self.shared.lock().clock_offset += by;
    }

    /// Sets how long after it was last turned on a card entity's streaming mode closes.
    pub fn set_streaming_timeout(&self, timeout: Duration) {
        self.shared.lock().settings.streaming_timeout = timeout;
    }

    /// Adds or replaces an app; a store app gets a fresh `app_ticket`.
    pub fn register_app(&self, app: FakeApp) {
        self.shared.lock().register_app(app);
    }

    /// The current `app_ticket` of a store app (what the platform would push as an event).
    pub fn app_ticket(&self, app_id: &str) -> Option<String> {
        self.shared.lock().app_ticket(Some(app_id)).map(|(_, ticket)| ticket)
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl fmt::Debug for FakeServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeServer").field("url", &self.url()).finish_non_exhaustive()
    }
}
