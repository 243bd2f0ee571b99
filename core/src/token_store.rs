//! Where tokens are kept: in memory by default, or anywhere a deployment chooses (e.g. a
//! shared cache so that several processes of one app use one token).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use async_trait::async_trait;

use crate::secret::Secret;

/// A token and when to stop using it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CachedToken {
    /// The token.
    pub token: Secret,
    /// When the platform stops accepting it.
    pub expires_at: SystemTime,
    /// When to fetch a new one (ahead of expiry).
    pub refresh_at: SystemTime,
}

impl CachedToken {
    /// Whether the token is still good to use without refreshing.
    pub fn is_fresh(&self, now: SystemTime) -> bool {
        now < self.refresh_at && now < self.expires_at
    }
}

/// Keeps tokens between calls. Implementations must be cheap to call and never fail: a
/// store that cannot answer should behave as if it held nothing.
#[async_trait]
pub trait TokenStore: Send + Sync {
    /// The token kept under `key`, if any.
    async fn get(&self, key: &str) -> Option<CachedToken>;
    /// Keeps `token` under `key`, replacing what was there.
    async fn put(&self, key: &str, token: CachedToken);
    /// Forgets the token under `key`, but only if it is still `token` (another caller may
    /// already have stored a newer one).
    async fn remove(&self, key: &str, token: &Secret);

    /// Asks to be, for at most `ttl`, the one fetcher of the token under `key` among every
    /// process sharing this store: `true` means fetch it (then [`TokenStore::release`]),
    /// `false` that another process is fetching it (read it again shortly). A store of one
    /// process (the default) always answers `true`; so does a store that cannot answer.
    async fn lease(&self, _key: &str, _ttl: Duration) -> bool {
        true
    }

    /// Ends a lease [`TokenStore::lease`] granted.
    async fn release(&self, _key: &str) {}
}

/// The default store: tokens kept in this process's memory.
#[derive(Debug, Default)]
pub struct MemoryTokenStore {
    tokens: Mutex<HashMap<String, CachedToken>>,
}

impl MemoryTokenStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// The map, locked inside the fork gate: a child forked while another thread uses the
    /// store finds it unlocked.
    fn tokens(&self) -> crate::fork::Locked<'_, HashMap<String, CachedToken>> {
        crate::fork::lock(&self.tokens)
    }
}

#[async_trait]
impl TokenStore for MemoryTokenStore {
    async fn get(&self, key: &str) -> Option<CachedToken> {
        self.tokens().get(key).cloned()
    }

    async fn put(&self, key: &str, token: CachedToken) {
        self.tokens().insert(key.to_owned(), token);
    }

    async fn remove(&self, key: &str, token: &Secret) {
        let mut tokens = self.tokens();
        if tokens.get(key).is_some_and(|kept| &kept.token == token) {
            tokens.remove(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn token(value: &str) -> CachedToken {
        let now = SystemTime::now();
        CachedToken {
            token: Secret::new(value),
            expires_at: now + Duration::from_secs(7200),
            refresh_at: now + Duration::from_secs(6900),
        }
    }

    #[tokio::test]
    async fn remove_only_forgets_the_named_token() {
        let store = MemoryTokenStore::new();
        store.put("k", token("t-new")).await;
        store.remove("k", &Secret::new("t-old")).await;
        assert_eq!(store.get("k").await.unwrap().token.expose(), "t-new");
        store.remove("k", &Secret::new("t-new")).await;
        assert!(store.get("k").await.is_none());
    }

    #[test]
    fn freshness_ends_at_refresh_time() {
        let cached = token("t-1");
        assert!(cached.is_fresh(SystemTime::now()));
        assert!(!cached.is_fresh(cached.refresh_at));
    }
}
