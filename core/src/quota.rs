//! The platform's documented quotas, as data: one table the pacer reads.
//!
//! Quotas are per app and per tenant. Send message, batch send and card create allow
//! 50 calls per second and 1000 per minute each; app feed cards 10 per second; send
//! message also allows 5 per second to the same receiver (user or group).

use std::collections::HashMap;
use std::time::Duration;

/// The endpoints larkmsg calls, for quotas, retries and counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    /// `POST /open-apis/im/v1/messages`.
    SendMessage,
    /// `POST /open-apis/message/v4/batch_send/`.
    BatchSend,
    /// `POST /open-apis/cardkit/v1/cards`.
    CreateCard,
    /// `POST /open-apis/im/v2/app_feed_card`.
    CreateAppFeedCard,
}

impl Endpoint {
    /// Every endpoint.
    pub const ALL: [Endpoint; 4] =
        [Self::SendMessage, Self::BatchSend, Self::CreateCard, Self::CreateAppFeedCard];

    /// The request path below the base URL.
    pub fn path(self) -> &'static str {
        match self {
            Self::SendMessage => "/open-apis/im/v1/messages",
            Self::BatchSend => "/open-apis/message/v4/batch_send/",
            Self::CreateCard => "/open-apis/cardkit/v1/cards",
            Self::CreateAppFeedCard => "/open-apis/im/v2/app_feed_card",
        }
    }

    /// A short snake_case name, used in logs and configuration.
    pub fn name(self) -> &'static str {
        match self {
            Self::SendMessage => "send_message",
            Self::BatchSend => "batch_send",
            Self::CreateCard => "create_card",
            Self::CreateAppFeedCard => "create_app_feed_card",
        }
    }

    /// Whether repeating the call after an ambiguous failure cannot cause a second visible
    /// effect. Send message carries a `uuid` the platform de-duplicates for an hour; a card
    /// entity that is never sent is invisible. Batch send and feed cards have no such key.
    pub fn repeat_is_safe(self) -> bool {
        matches!(self, Self::SendMessage | Self::CreateCard)
    }
}

/// At most `limit` calls in any window of length `per`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    /// Calls allowed per window.
    pub limit: u32,
    /// Window length.
    pub per: Duration,
}

impl Quota {
    /// `limit` calls per second.
    pub const fn per_second(limit: u32) -> Self {
        Self { limit, per: Duration::from_secs(1) }
    }

    /// `limit` calls per minute.
    pub const fn per_minute(limit: u32) -> Self {
        Self { limit, per: Duration::from_secs(60) }
    }
}

/// The quotas a client paces itself to; [`QuotaTable::documented`] holds the platform's.
#[derive(Debug, Clone, PartialEq)]
pub struct QuotaTable {
    endpoints: HashMap<Endpoint, Vec<Quota>>,
    per_receiver: Vec<Quota>,
    headroom: f64,
}

impl QuotaTable {
    /// The documented quotas, paced with 5 % headroom (see [`QuotaTable::headroom`]).
    pub fn documented() -> Self {
        let common = vec![Quota::per_second(50), Quota::per_minute(1000)];
        let endpoints = HashMap::from([
            (Endpoint::SendMessage, common.clone()),
            (Endpoint::BatchSend, common.clone()),
            (Endpoint::CreateCard, common),
            (Endpoint::CreateAppFeedCard, vec![Quota::per_second(10)]),
        ]);
        Self { endpoints, per_receiver: vec![Quota::per_second(5)], headroom: 0.95 }
    }

    /// No pacing at all: calls go out as fast as they come.
    pub fn unlimited() -> Self {
        Self { endpoints: HashMap::new(), per_receiver: Vec::new(), headroom: 1.0 }
    }

    /// Replaces the quotas of one endpoint (an empty list switches its pacing off).
    pub fn with_endpoint(mut self, endpoint: Endpoint, quotas: Vec<Quota>) -> Self {
        self.endpoints.insert(endpoint, quotas);
        self
    }

    /// Replaces the per-receiver quotas of send message (empty switches them off).
    pub fn with_per_receiver(mut self, quotas: Vec<Quota>) -> Self {
        self.per_receiver = quotas;
        self
    }

    /// Uses only this fraction of each quota (0 < fraction ≤ 1), so that requests arriving
    /// a little bunched up never exceed the server's window. Out-of-range values are clamped.
    pub fn with_headroom(mut self, fraction: f64) -> Self {
        self.headroom = if fraction.is_finite() { fraction.clamp(0.01, 1.0) } else { 1.0 };
        self
    }

    /// The fraction of each quota that is used.
    pub fn headroom(&self) -> f64 {
        self.headroom
    }

    /// The quotas of an endpoint.
    pub fn endpoint(&self, endpoint: Endpoint) -> &[Quota] {
        self.endpoints.get(&endpoint).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The per-receiver quotas of send message.
    pub fn per_receiver(&self) -> &[Quota] {
        &self.per_receiver
    }
}

impl Default for QuotaTable {
    fn default() -> Self {
        Self::documented()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_quotas_match_the_pages() {
        let table = QuotaTable::documented();
        for endpoint in [Endpoint::SendMessage, Endpoint::BatchSend, Endpoint::CreateCard] {
            assert_eq!(table.endpoint(endpoint), &[Quota::per_second(50), Quota::per_minute(1000)]);
        }
        assert_eq!(table.endpoint(Endpoint::CreateAppFeedCard), &[Quota::per_second(10)]);
        assert_eq!(table.per_receiver(), &[Quota::per_second(5)]);
    }

    #[test]
    fn quotas_can_be_retuned_or_switched_off() {
        let table = QuotaTable::documented()
            .with_endpoint(Endpoint::CreateAppFeedCard, vec![Quota::per_second(20)])
            .with_per_receiver(Vec::new())
            .with_headroom(7.0);
        assert_eq!(table.endpoint(Endpoint::CreateAppFeedCard), &[Quota::per_second(20)]);
        assert!(table.per_receiver().is_empty());
        assert_eq!(table.headroom(), 1.0);
        assert!(QuotaTable::unlimited().endpoint(Endpoint::SendMessage).is_empty());
    }
}
