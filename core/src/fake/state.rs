//! The fake's state, shared by the connections and the controls.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use indexmap::IndexMap;
use serde_json::Value;

use super::cards::CardEntity;
use super::config::{AppKind, FakeApp, FakeConfig, MAX_REUSE_THRESHOLD};
use super::counters::Counters;
use super::faults::Faults;
use super::ids;
use super::inbox::Inbox;
use super::quota::Quotas;
use super::resources::Resources;
use super::tokens::Tokens;
use crate::endpoint::Endpoint;

/// Settings a test may change while the fake runs.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub quotas: bool,
    pub latency: Duration,
    pub token_lifetime: Duration,
    pub token_reuse_threshold: Option<Duration>,
    pub slow_delay: Duration,
    /// Streaming mode of a card entity closes by itself this long after it was turned on.
    pub streaming_timeout: Duration,
}

impl Settings {
    /// A token is reused while at least this much of its life remains:
    /// the configured value, else `min(30 minutes, lifetime / 4)`.
    pub fn reuse_threshold(&self) -> Duration {
        self.token_reuse_threshold.unwrap_or_else(|| MAX_REUSE_THRESHOLD.min(self.token_lifetime / 4))
    }
}

/// What the fake remembers of a send message `uuid`.
#[derive(Debug, Clone)]
pub(crate) enum Dedup {
    /// A request with this uuid is being processed.
    InFlight,
    /// A message was sent at `at`; repeats get `message` back.
    Sent { at: Instant, message: Value },
}

/// Where a message the fake sent is: for replies to it.
#[derive(Debug, Clone)]
pub(crate) struct SentMessage {
    pub chat_id: String,
    pub root_id: Option<String>,
    pub thread_id: Option<String>,
}

/// Everything the fake knows.
#[derive(Debug)]
pub(crate) struct State {
    pub apps: IndexMap<String, FakeApp>,
    pub tickets: HashMap<String, String>,
    pub tokens: Tokens,
    pub settings: Settings,
    pub inbox: Inbox,
    /// Per app, endpoint and uuid.
    pub dedup: HashMap<(String, Endpoint, String), Dedup>,
    /// Every message sent, by id.
    pub messages: HashMap<String, SentMessage>,
    pub cards: HashMap<String, CardEntity>,
    /// Every image and file uploaded, by key.
    pub resources: Resources,
    pub counters: Counters,
    pub faults: Faults,
    pub quotas: Quotas,
    /// How far the fake's clock is ahead of the real one (`POST /_fake/clock`).
    pub clock_offset: Duration,
}

impl State {
    /// The state a server starts with.
    pub fn new(config: &FakeConfig) -> Self {
        let mut state = Self {
            apps: IndexMap::new(),
            tickets: HashMap::new(),
            tokens: Tokens::default(),
            settings: Settings {
                quotas: config.quotas,
                latency: config.latency,
                token_lifetime: config.token_lifetime,
                token_reuse_threshold: config.token_reuse_threshold,
                slow_delay: config.slow_delay,
                streaming_timeout: config.streaming_timeout,
            },
            inbox: Inbox::default(),
            dedup: HashMap::new(),
            messages: HashMap::new(),
            cards: HashMap::new(),
            resources: Resources::default(),
            counters: Counters::default(),
            faults: Faults::default(),
            quotas: Quotas::default(),
            clock_offset: Duration::ZERO,
        };
        for app in &config.apps {
            state.register_app(app.clone());
        }
        state
    }

    /// The fake's time: the runtime's clock (tokio's, so a test that pauses it controls the
    /// fake too) plus the offset a test advanced it by.
    pub fn now(&self) -> Instant {
        tokio::time::Instant::now().into_std() + self.clock_offset
    }

    /// Adds or replaces an app; a store app gets a fresh `app_ticket`.
    pub fn register_app(&mut self, app: FakeApp) {
        if app.kind == AppKind::Store {
            self.tickets.insert(app.app_id.clone(), ids::app_ticket());
        } else {
            self.tickets.remove(&app.app_id);
        }
        self.apps.insert(app.app_id.clone(), app);
    }

    /// The current `app_ticket` of a store app; with no `app_id`, of the first store app.
    pub fn app_ticket(&self, app_id: Option<&str>) -> Option<(String, String)> {
        let app_id = match app_id {
            Some(app_id) => app_id.to_owned(),
            None => self.apps.values().find(|app| app.kind == AppKind::Store)?.app_id.clone(),
        };
        let ticket = self.tickets.get(&app_id)?.clone();
        Some((app_id, ticket))
    }

    /// Forgets what happened: inbox, uuids, sent messages, card entities, uploads,
    /// counters, fault plans and records, quota windows. Apps, tokens and settings stay.
    pub fn reset(&mut self) {
        self.inbox = Inbox::default();
        self.dedup.clear();
        self.messages.clear();
        self.cards.clear();
        self.resources = Resources::default();
        self.counters = Counters::default();
        self.faults = Faults::default();
        self.quotas = Quotas::default();
    }
}

/// The state behind a lock. The lock is never held across an `await`.
#[derive(Debug)]
pub(crate) struct Shared(Mutex<State>);

impl Shared {
    /// Shared state for `config`.
    pub fn new(config: &FakeConfig) -> Self {
        Self(Mutex::new(State::new(config)))
    }

    /// Locks the state (a panic elsewhere does not make it unusable).
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
