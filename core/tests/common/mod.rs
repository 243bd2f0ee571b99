//! Shared setup of the client tests: a fake server on 127.0.0.1 and a client for it.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use larkmsg::fake::{DEFAULT_APP_ID, DEFAULT_APP_SECRET, FakeConfig, FakeServer};
use larkmsg::{Client, ClientBuilder, QuotaTable, RetryPolicy, Timeouts};

/// A fake with the default apps, quotas off.
pub async fn fake() -> FakeServer {
    FakeServer::start(FakeConfig::default()).await.unwrap()
}

/// A builder for the fake's default self-built app, with pacing off and quick backoffs.
pub fn builder(fake: &FakeServer) -> ClientBuilder {
    Client::builder(DEFAULT_APP_ID, DEFAULT_APP_SECRET)
        .base_url(fake.url())
        .quotas(QuotaTable::unlimited())
        .retry(
            RetryPolicy::default()
                .with_initial_backoff(Duration::from_millis(10))
                .with_max_backoff(Duration::from_millis(50)),
        )
        .timeouts(Timeouts::default().with_request(Duration::from_secs(2)))
}

/// A client for the fake's default self-built app.
pub fn client(fake: &FakeServer) -> Client {
    builder(fake).build().unwrap()
}

/// Requests the fake saw at a message endpoint.
pub fn requests(fake: &FakeServer, endpoint: &str) -> u64 {
    fake.counters().requests.get(endpoint).copied().unwrap_or(0)
}

/// Token requests the fake saw, all auth endpoints together.
pub fn token_requests(fake: &FakeServer) -> u64 {
    fake.counters().token_requests.values().sum()
}
