//! State shared by every process of one app: quota decisions, tenant tokens and card
//! sequences, kept in Redis when a [`SharedStore`] is configured; otherwise each process
//! keeps its own in memory (the default).
//!
//! Every key of an app and tenant carries the hash tag `{app_id:tenant}`, so that the keys
//! one call touches share a Redis Cluster slot. When Redis cannot answer, the client goes
//! on alone: local pacing at [`SharedStore::fallback_share`] of each quota, tokens and
//! sequences from this process's memory, one warning per outage, and Redis again once it
//! answers.

mod pacing;
mod sequence;
mod tokens;

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use tokio::time::Instant;

use crate::error::{Error, ErrorKind, Result};
use crate::fork::ForkLocal;
use crate::secret::Secret;
pub(crate) use pacing::{Admission, SharedPacer};
pub(crate) use sequence::CardSequences;
pub(crate) use tokens::RedisTokenStore;

/// Default share of each quota one process uses while Redis is unreachable.
pub const DEFAULT_FALLBACK_SHARE: f64 = 0.25;
/// Default longest wait for one Redis command.
const DEFAULT_TIMEOUT: Duration = Duration::from_millis(250);
/// How long after a failure Redis is left alone before it is tried again.
const RETRY_AFTER_FAILURE: Duration = Duration::from_secs(1);

/// Where the processes of one app share their state: a Redis server (or cluster node
/// behind a proxy) by URL, with a prefix for every key.
#[derive(Clone)]
pub struct SharedStore {
    redis_url: Secret,
    key_prefix: String,
    fallback_share: f64,
    timeout: Duration,
}

impl std::fmt::Debug for SharedStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedStore")
            .field("key_prefix", &self.key_prefix)
            .field("fallback_share", &self.fallback_share)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl SharedStore {
    /// Redis at `url` (`redis://[user:password@]host:port[/db]`, `rediss://` for TLS is
    /// not built in), keys under `larkmsg:`.
    pub fn redis(url: impl Into<Secret>) -> Self {
        Self {
            redis_url: url.into(),
            key_prefix: "larkmsg:".to_owned(),
            fallback_share: DEFAULT_FALLBACK_SHARE,
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// Puts every key under `prefix` (default `larkmsg:`).
    #[must_use]
    pub fn key_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.key_prefix = prefix.into();
        self
    }

    /// The share of each quota this process paces itself to while Redis is unreachable
    /// (default 0.25; for N replicas, 1/N keeps them within the quota together). Clamped to
    /// 0.01–1.
    #[must_use]
    pub fn fallback_share(mut self, share: f64) -> Self {
        self.fallback_share = if share.is_finite() { share.clamp(0.01, 1.0) } else { DEFAULT_FALLBACK_SHARE };
        self
    }

    /// The longest wait for one Redis command before going on without it (default 250 ms).
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout.max(Duration::from_millis(1));
        self
    }

    /// The share of each quota used while Redis is unreachable.
    pub fn share_when_unreachable(&self) -> f64 {
        self.fallback_share
    }

    /// Connects lazily; fails only on a URL that is not a Redis URL (never quoting it).
    pub(crate) fn open(&self, scope: String) -> Result<Arc<Redis>> {
        let client = redis::Client::open(self.redis_url.expose()).map_err(|e| {
            Error::new(ErrorKind::Config, format!("shared.redis_url is not a Redis URL ({:?})", e.kind()))
        })?;
        let timeout = self.timeout;
        let connection = ForkLocal::new(|| Ok(Mutex::new(None)));
        Ok(Arc::new(Redis {
            client,
            connection,
            timeout,
            prefix: format!("{}{{{scope}}}:", self.key_prefix),
            health: Mutex::new(Health::default()),
            warned: AtomicBool::new(false),
        }))
    }
}

/// One Redis server as this client uses it: a connection per process, made on first use
/// and made anew after a failure, and whether it answered lately.
pub(crate) struct Redis {
    client: redis::Client,
    connection: ForkLocal<Mutex<Option<ConnectionManager>>>,
    timeout: Duration,
    /// `{prefix}{app_id:tenant}:`, the start of every key of this client.
    prefix: String,
    /// Failures so far and until when Redis is left alone after the last one.
    health: Mutex<Health>,
    /// Whether the current outage was logged.
    warned: AtomicBool,
}

/// How Redis has answered this process lately.
#[derive(Default)]
struct Health {
    /// Failures seen so far: a command started before the last one proves nothing.
    failures: u64,
    /// Until when Redis is left alone after the last failure.
    resting_until: Option<Instant>,
}

impl std::fmt::Debug for Redis {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Redis").field("prefix", &self.prefix).finish_non_exhaustive()
    }
}

impl Redis {
    /// The full name of the key `name` of this client's app and tenant.
    pub(crate) fn key(&self, name: &str) -> String {
        format!("{}{name}", self.prefix)
    }

    /// Whether Redis is worth asking now (it did not fail within the last second).
    pub(crate) fn is_worth_asking(&self) -> bool {
        crate::fork::lock(&self.health).resting_until.is_none_or(|until| Instant::now() >= until)
    }

    /// Runs `command` on this process's connection within the command timeout and
    /// `deadline`; `None` when Redis did not answer (logged once per outage).
    pub(crate) async fn run<T, F, Fut>(&self, deadline: Instant, command: F) -> Option<T>
    where
        F: FnOnce(ConnectionManager) -> Fut,
        Fut: Future<Output = redis::RedisResult<T>>,
    {
        if !self.is_worth_asking() {
            return None;
        }
        let failures_before = crate::fork::lock(&self.health).failures;
        let until = deadline.min(Instant::now() + self.timeout);
        let outcome = tokio::time::timeout_at(until, async { command(self.connection()?).await }).await;
        match outcome {
            Ok(Ok(value)) => {
                self.answered(failures_before);
                Some(value)
            }
            Ok(Err(error)) => {
                self.failed(&format!("{:?}", error.kind()));
                None
            }
            Err(_) => {
                // Past the call's deadline is the call's business, not an outage.
                if until < deadline {
                    self.failed("no answer in time");
                }
                None
            }
        }
    }

    /// This process's connection (connecting lazily, on the first command).
    fn connection(&self) -> redis::RedisResult<ConnectionManager> {
        let slot = self.connection.get().map_err(|_| {
            redis::RedisError::from((redis::ErrorKind::Client, "no connection in this process"))
        })?;
        if let Some(connection) = crate::fork::lock(slot).as_ref() {
            return Ok(connection.clone());
        }
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(self.timeout))
            .set_response_timeout(Some(self.timeout))
            .set_number_of_retries(1);
        let fresh = ConnectionManager::new_lazy_with_config(self.client.clone(), config)?;
        Ok(crate::fork::lock(slot).get_or_insert(fresh).clone())
    }

    /// Drops this process's connection: the next command connects anew.
    fn disconnect(&self) {
        if let Ok(slot) = self.connection.get() {
            crate::fork::lock(slot).take();
        }
    }

    /// Redis answered a command started when `failures_before` failures had been seen;
    /// an answer to a command older than the last failure does not end an outage.
    fn answered(&self, failures_before: u64) {
        let was_down = {
            let mut health = crate::fork::lock(&self.health);
            health.failures == failures_before && health.resting_until.take().is_some()
        };
        if was_down && self.warned.swap(false, Ordering::AcqRel) {
            tracing::info!(target: "larkmsg::shared", "Redis answers again; sharing quotas and tokens through it");
        }
    }

    fn failed(&self, why: &str) {
        self.disconnect();
        {
            let mut health = crate::fork::lock(&self.health);
            health.failures += 1;
            health.resting_until = Some(Instant::now() + RETRY_AFTER_FAILURE);
        }
        if !self.warned.swap(true, Ordering::AcqRel) {
            tracing::warn!(
                target: "larkmsg::shared",
                why,
                "Redis does not answer; pacing this process alone to its share of each quota until it does"
            );
        }
    }
}
