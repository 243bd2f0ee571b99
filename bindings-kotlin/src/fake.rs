//! [`FakeServer`]: the core's fake Feishu server on 127.0.0.1, for users' tests and ours.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use larkmsg::fake::{self as core_fake, FakeApp, FakeConfig};
use larkmsg::runtime;
use serde_json::Value;

/// A control of the fake failed.
#[derive(Debug, Clone, thiserror::Error, uniffi::Error)]
pub enum FakeError {
    /// The fake could not start (its port is taken, no runtime).
    #[error("the fake could not start: {reason}")]
    Start {
        /// Why.
        reason: String,
    },
    /// A control refused its input, or the fake is stopped.
    #[error("fake control failed with HTTP {status}: {answer}")]
    Control {
        /// The control's HTTP status (400: bad input, 404: no such control, 410: stopped).
        status: i32,
        /// Its answer.
        answer: String,
    },
}

/// How a [`FakeServer`] starts.
#[derive(Debug, Clone, uniffi::Record)]
pub struct FakeOptions {
    /// Port on 127.0.0.1; 0 picks a free one.
    #[uniffi(default = 0)]
    pub port: i32,
    /// Enforce the platform's rate limits.
    #[uniffi(default = false)]
    pub quotas: bool,
    /// Added to the processing of every API request, in milliseconds.
    #[uniffi(default = 0)]
    pub latency_ms: i64,
    /// Lifetime of issued tokens in seconds (default: the platform's two hours).
    #[uniffi(default = None)]
    pub token_lifetime_seconds: Option<f64>,
}

/// What the fake accepted, each entry as JSON text.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FakeInbox {
    /// Sent and replied messages.
    pub messages: Vec<String>,
    /// Batches.
    pub batches: Vec<String>,
    /// Card entities.
    pub cards: Vec<String>,
    /// App feed cards.
    pub feed_cards: Vec<String>,
    /// Uploaded images.
    pub images: Vec<String>,
    /// Uploaded files.
    pub files: Vec<String>,
}

/// What the fake counted, keyed by the registry's call names.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FakeCounters {
    /// Requests per endpoint.
    pub requests: HashMap<String, i64>,
    /// Requests per auth endpoint.
    pub token_requests: HashMap<String, i64>,
    /// Throttled answers per endpoint.
    pub throttled: HashMap<String, i64>,
    /// Injected faults per endpoint.
    pub faults: HashMap<String, i64>,
    /// TCP connections accepted.
    pub connections: i64,
}

/// The fake Feishu server of the core, serving on 127.0.0.1: the auth endpoints and every
/// operation, with the platform's checks, codes and envelope, an inbox, `uuid`
/// de-duplication, quotas when asked, and injected faults. It stops when stopped or freed.
#[derive(uniffi::Object)]
pub struct FakeServer {
    server: Mutex<Option<core_fake::FakeServer>>,
    url: String,
}

fn map(counts: std::collections::BTreeMap<String, u64>) -> HashMap<String, i64> {
    counts.into_iter().map(|(key, count)| (key, count_of(count))).collect()
}

fn count_of(count: u64) -> i64 {
    i64::try_from(count).unwrap_or(i64::MAX)
}

/// A duration in seconds given to a control: finite and not negative.
fn seconds_arg(seconds: f64) -> Result<Duration, FakeError> {
    Duration::try_from_secs_f64(seconds)
        .map_err(|e| FakeError::Control { status: 400, answer: format!("seconds: {e} (got {seconds})") })
}

fn texts(values: Vec<Value>) -> Vec<String> {
    values.iter().map(Value::to_string).collect()
}

impl FakeServer {
    fn guard(&self) -> MutexGuard<'_, Option<core_fake::FakeServer>> {
        self.server.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn with<T>(&self, run: impl FnOnce(&core_fake::FakeServer) -> T) -> Result<T, FakeError> {
        match self.guard().as_ref() {
            Some(server) => Ok(run(server)),
            None => Err(FakeError::Control { status: 410, answer: "the fake server is stopped".to_owned() }),
        }
    }

    /// Runs a control and keeps its JSON answer when it is HTTP 200.
    fn checked(&self, method: &str, name: &str, body: Option<Value>) -> Result<Value, FakeError> {
        let (status, answer) = self.with(|server| server.control(method, name, body))?;
        if status == 200 {
            Ok(answer)
        } else {
            Err(FakeError::Control { status: i32::from(status), answer: answer.to_string() })
        }
    }
}

#[uniffi::export]
impl FakeServer {
    /// Starts a fake with the default apps (`DEFAULT_APP_ID`, the store app).
    #[uniffi::constructor]
    pub fn start(options: FakeOptions) -> Result<Arc<Self>, FakeError> {
        let port = u16::try_from(options.port).map_err(|_| FakeError::Start {
            reason: format!("port must be 0 to 65535, got {}", options.port),
        })?;
        let latency = u64::try_from(options.latency_ms)
            .map_err(|_| FakeError::Start { reason: "latency_ms must not be negative".to_owned() })?;
        let mut config = FakeConfig {
            port,
            quotas: options.quotas,
            latency: Duration::from_millis(latency),
            ..FakeConfig::default()
        };
        if let Some(seconds) = options.token_lifetime_seconds {
            config.token_lifetime = Duration::try_from_secs_f64(seconds)
                .map_err(|e| FakeError::Start { reason: format!("token_lifetime_seconds: {e}") })?;
        }
        let server = match runtime::block_on(core_fake::FakeServer::start(config)) {
            Ok(Ok(server)) => server,
            Ok(Err(io)) => return Err(FakeError::Start { reason: io.to_string() }),
            Err(error) => return Err(FakeError::Start { reason: error.to_string() }),
        };
        let url = server.url();
        Ok(Arc::new(Self { server: Mutex::new(Some(server)), url }))
    }

    /// The base URL, `http://127.0.0.1:PORT`: a client's `baseUrl`.
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// Runs a control as `METHOD /_fake/NAME` would (`("GET", "inbox")`,
    /// `("POST", "faults", plan)`, …) and gives its JSON answer as text.
    pub fn control(
        &self,
        method: String,
        name: String,
        body_json: Option<String>,
    ) -> Result<String, FakeError> {
        let body = body_json
            .map(|text| serde_json::from_str(&text))
            .transpose()
            .map_err(|e| FakeError::Control { status: 400, answer: format!("the body is not JSON: {e}") })?;
        Ok(self.checked(&method, &name, body)?.to_string())
    }

    /// What the fake accepted.
    pub fn inbox(&self) -> Result<FakeInbox, FakeError> {
        let inbox = self.with(core_fake::FakeServer::inbox)?;
        Ok(FakeInbox {
            messages: texts(inbox.messages),
            batches: texts(inbox.batches),
            cards: texts(inbox.cards),
            feed_cards: texts(inbox.feed_cards),
            images: texts(inbox.images),
            files: texts(inbox.files),
        })
    }

    /// Empties the inbox.
    pub fn clear_inbox(&self) -> Result<(), FakeError> {
        self.with(core_fake::FakeServer::clear_inbox)
    }

    /// Forgets inbox, uuids, card entities, counters, faults and quota windows.
    pub fn reset(&self) -> Result<(), FakeError> {
        self.with(core_fake::FakeServer::reset)
    }

    /// Counts of requests, token requests, throttled answers, faults and connections.
    pub fn counters(&self) -> Result<FakeCounters, FakeError> {
        let counters = self.with(core_fake::FakeServer::counters)?;
        Ok(FakeCounters {
            requests: map(counters.requests),
            token_requests: map(counters.token_requests),
            throttled: map(counters.throttled),
            faults: map(counters.faults),
            connections: count_of(counters.connections),
        })
    }

    /// Requests seen at one endpoint, by its call name (`send_message`, …).
    pub fn requests(&self, endpoint: String) -> Result<i64, FakeError> {
        Ok(self.counters()?.requests.get(&endpoint).copied().unwrap_or(0))
    }

    /// Requests seen at every auth endpoint together.
    pub fn token_requests(&self) -> Result<i64, FakeError> {
        Ok(self.counters()?.token_requests.values().sum())
    }

    /// Makes the next `count` requests (at `endpoint`, or any operation) fail with `kind`:
    /// `status_5xx`, `drop_before_read`, `drop_after_read`, `slow`, `malformed`,
    /// `rate_limit`, `receiver_rate_limit`, `revoke_tokens`, `permission_denied`.
    pub fn inject_fault(
        &self,
        kind: String,
        endpoint: Option<String>,
        count: i32,
        delay_ms: Option<i64>,
    ) -> Result<(), FakeError> {
        let mut plan = serde_json::json!({"kind": kind, "count": count});
        if let Value::Object(fields) = &mut plan {
            if let Some(endpoint) = endpoint {
                fields.insert("endpoint".to_owned(), Value::String(endpoint));
            }
            if let Some(delay) = delay_ms {
                fields.insert("delay_ms".to_owned(), Value::from(delay));
            }
        }
        self.checked("POST", "faults", Some(plan)).map(drop)
    }

    /// Removes every fault plan.
    pub fn clear_faults(&self) -> Result<(), FakeError> {
        self.with(core_fake::FakeServer::clear_faults)
    }

    /// Forgets every token issued so far.
    pub fn revoke_tokens(&self) -> Result<(), FakeError> {
        self.with(core_fake::FakeServer::revoke_tokens)
    }

    /// Turns the platform's rate limits on or off.
    pub fn set_quotas(&self, enabled: bool) -> Result<(), FakeError> {
        self.with(|server| server.set_quotas(enabled))
    }

    /// Adds `ms` milliseconds to every API request.
    pub fn set_latency_ms(&self, ms: i64) -> Result<(), FakeError> {
        self.checked("POST", "latency", Some(serde_json::json!({"ms": ms}))).map(drop)
    }

    /// Sets the lifetime in seconds of tokens issued from now on.
    pub fn set_token_lifetime_seconds(&self, seconds: f64) -> Result<(), FakeError> {
        self.checked("POST", "token_lifetime", Some(serde_json::json!({"seconds": seconds}))).map(drop)
    }

    /// Every token issued since start: what must never appear in logs or errors.
    pub fn issued_tokens(&self) -> Result<Vec<String>, FakeError> {
        self.with(core_fake::FakeServer::issued_tokens)
    }

    /// A card entity's state as JSON text (`sequence`, `streaming_mode`, `summary`, `texts`
    /// by `element_id`, `card`, `operations` with their `call`, `sequence` and `code`, …);
    /// `None` when the fake holds no card `card_id`.
    pub fn card(&self, card_id: String) -> Result<Option<String>, FakeError> {
        Ok(self.with(|server| server.card(&card_id))?.map(|card| card.to_string()))
    }

    /// Moves the fake's clock forward (streaming mode's auto-close, the 14-day validity of
    /// card entities, token lifetimes).
    pub fn advance_clock_seconds(&self, seconds: f64) -> Result<(), FakeError> {
        let by = seconds_arg(seconds)?;
        self.with(|server| server.advance_clock(by))
    }

    /// Sets how long after it was turned on a card entity's streaming mode closes by itself
    /// (the platform's 10 minutes by default).
    pub fn set_streaming_timeout_seconds(&self, seconds: f64) -> Result<(), FakeError> {
        let timeout = seconds_arg(seconds)?;
        self.with(|server| server.set_streaming_timeout(timeout))
    }

    /// Adds or replaces an app (a store app gets a fresh `app_ticket`) in the fake tenant.
    pub fn register_app(&self, app_id: String, app_secret: String, store: bool) -> Result<(), FakeError> {
        let app = if store {
            FakeApp::store(app_id, app_secret, core_fake::FAKE_TENANT_KEY)
        } else {
            FakeApp::self_built(app_id, app_secret)
        };
        self.with(|server| server.register_app(app))
    }

    /// The current `app_ticket` of a store app (what the platform would push).
    pub fn app_ticket(&self, app_id: String) -> Result<Option<String>, FakeError> {
        self.with(|server| server.app_ticket(&app_id))
    }

    /// Stops serving and closes every connection (idempotent).
    pub fn stop(&self) {
        let server = self.guard().take();
        if let Some(server) = server {
            let _ = runtime::block_on(server.shutdown());
        }
    }

    /// `app_id` of the fake's default self-built app.
    pub fn default_app_id(&self) -> String {
        core_fake::DEFAULT_APP_ID.to_owned()
    }

    /// `app_secret` of the fake's default self-built app.
    pub fn default_app_secret(&self) -> String {
        core_fake::DEFAULT_APP_SECRET.to_owned()
    }
}
