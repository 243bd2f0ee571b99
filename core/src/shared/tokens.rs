//! Tenant tokens kept in Redis for every process of an app and tenant: one process fetches
//! (a lease, `SET NX PX`), the others read its token; a rejected token is deleted only
//! while it is still the stored one. This process's memory keeps a copy for when Redis
//! does not answer, and saves reading Redis while its token is fresh.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use tokio::time::Instant;

use super::Redis;
use crate::secret::Secret;
use crate::token_store::{CachedToken, MemoryTokenStore, TokenStore};

/// Longest wait for Redis when reading or writing a token.
const TOKEN_COMMAND_BUDGET: Duration = Duration::from_secs(1);

/// A [`TokenStore`] in Redis, with this process's memory behind it.
#[derive(Debug)]
pub(crate) struct RedisTokenStore {
    redis: Arc<Redis>,
    local: MemoryTokenStore,
    /// Who holds a lease this process took (unique per store).
    holder: String,
    delete_if: redis::Script,
    release: redis::Script,
}

impl RedisTokenStore {
    pub(crate) fn new(redis: Arc<Redis>) -> Self {
        Self {
            redis,
            local: MemoryTokenStore::new(),
            holder: uuid::Uuid::new_v4().to_string(),
            delete_if: redis::Script::new(include_str!("scripts/delete_if.lua")),
            release: redis::Script::new(include_str!("scripts/release.lua")),
        }
    }

    fn deadline() -> Instant {
        Instant::now() + TOKEN_COMMAND_BUDGET
    }
}

#[async_trait]
impl TokenStore for RedisTokenStore {
    async fn get(&self, key: &str) -> Option<CachedToken> {
        // A fresh copy in memory saves a round trip: a token another process fetched since
        // stays valid beside it, and a revoked one is rejected, removed here and read anew.
        if let Some(local) = self.local.get(key).await.filter(|t| t.is_fresh(SystemTime::now())) {
            return Some(local);
        }
        let name = self.redis.key(key);
        let fields: Option<(Option<String>, Option<u64>, Option<u64>)> = self
            .redis
            .run(Self::deadline(), |mut connection| async move {
                redis::cmd("HMGET")
                    .arg(name)
                    .arg("token")
                    .arg("refresh_at_ms")
                    .arg("expires_at_ms")
                    .query_async(&mut connection)
                    .await
            })
            .await;
        match fields {
            Some((Some(token), Some(refresh_at), Some(expires_at))) => {
                let cached = CachedToken {
                    token: Secret::new(token),
                    refresh_at: at_millis(refresh_at),
                    expires_at: at_millis(expires_at),
                };
                self.local.put(key, cached.clone()).await;
                Some(cached)
            }
            Some(_) => None,
            None => self.local.get(key).await,
        }
    }

    async fn put(&self, key: &str, token: CachedToken) {
        self.local.put(key, token.clone()).await;
        let lifetime = token.expires_at.duration_since(SystemTime::now()).unwrap_or_default();
        let name = self.redis.key(key);
        let mut pipe = redis::pipe();
        pipe.atomic()
            .hset_multiple(
                &name,
                &[
                    ("token", token.token.expose().to_owned()),
                    ("refresh_at_ms", millis_since_epoch(token.refresh_at).to_string()),
                    ("expires_at_ms", millis_since_epoch(token.expires_at).to_string()),
                ],
            )
            .ignore()
            .pexpire(&name, i64::try_from(lifetime.as_millis()).unwrap_or(i64::MAX).max(1))
            .ignore();
        let _: Option<()> = self
            .redis
            .run(Self::deadline(), |mut connection| async move { pipe.query_async(&mut connection).await })
            .await;
    }

    async fn remove(&self, key: &str, token: &Secret) {
        self.local.remove(key, token).await;
        let mut invocation = self.delete_if.key(self.redis.key(key));
        invocation.arg("token").arg(token.expose());
        let _: Option<u64> =
            self.redis
                .run(Self::deadline(), |mut connection| async move {
                    invocation.invoke_async(&mut connection).await
                })
                .await;
    }

    async fn lease(&self, key: &str, ttl: Duration) -> bool {
        let name = self.redis.key(&format!("{key}:lease"));
        let holder = self.holder.clone();
        let ms = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1);
        let granted: Option<Option<String>> = self
            .redis
            .run(Self::deadline(), |mut connection| async move {
                redis::cmd("SET")
                    .arg(name)
                    .arg(holder)
                    .arg("NX")
                    .arg("PX")
                    .arg(ms)
                    .query_async(&mut connection)
                    .await
            })
            .await;
        // `None`: Redis did not answer, so this process fetches for itself.
        granted.is_none_or(|answer| answer.is_some())
    }

    async fn release(&self, key: &str) {
        let mut invocation = self.release.key(self.redis.key(&format!("{key}:lease")));
        invocation.arg(&self.holder);
        let _: Option<u64> =
            self.redis
                .run(Self::deadline(), |mut connection| async move {
                    invocation.invoke_async(&mut connection).await
                })
                .await;
    }
}

fn millis_since_epoch(at: SystemTime) -> u64 {
    at.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |since| u64::try_from(since.as_millis()).unwrap_or(u64::MAX))
}

fn at_millis(ms: u64) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_millis(ms)
}
