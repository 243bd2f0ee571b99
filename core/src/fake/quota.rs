//! The platform's rate limits, enforced with sliding windows: each operation's quotas
//! from the registry (the documented tiers) per app and per tenant, the 5 messages per
//! second of a chat, and the 10 operations per second of a card entity.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use crate::endpoint::Endpoint;
use crate::quota::QuotaTable;
use crate::rate::Quota;

/// A refusal by an endpoint cap: the cap and the whole seconds until a slot frees (≥ 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Throttle {
    pub limit: u32,
    pub reset_secs: u64,
}

/// Times of the requests admitted within one quota's window.
#[derive(Debug, Default)]
struct Window(VecDeque<Instant>);

impl Window {
    fn prune(&mut self, cap: Quota, now: Instant) {
        while self.0.front().is_some_and(|at| now.duration_since(*at) >= cap.per) {
            self.0.pop_front();
        }
    }

    /// How long until a slot frees, if the window is full.
    fn wait(&mut self, cap: Quota, now: Instant) -> Option<Duration> {
        self.prune(cap, now);
        if self.0.len() < cap.limit as usize {
            return None;
        }
        let oldest = self.0.front().copied().unwrap_or(now);
        Some(cap.per.saturating_sub(now.duration_since(oldest)))
    }
}

/// The sliding windows of every app and tenant, endpoint and receiver.
#[derive(Debug)]
pub(crate) struct Quotas {
    endpoints: HashMap<(String, String, Endpoint), Vec<Window>>,
    receivers: HashMap<String, Window>,
    receiver_caps: Vec<Quota>,
    cards: HashMap<String, Vec<Window>>,
    card_caps: Vec<Quota>,
}

impl Default for Quotas {
    fn default() -> Self {
        let documented = QuotaTable::documented();
        Self {
            endpoints: HashMap::new(),
            receivers: HashMap::new(),
            receiver_caps: documented.per_receiver().to_vec(),
            cards: HashMap::new(),
            card_caps: documented.per_card().to_vec(),
        }
    }
}

impl Quotas {
    /// Admits a request of `app_id` in the tenant `tenant_key` to `endpoint`, or says which
    /// cap refuses it.
    pub fn admit(
        &mut self,
        app_id: &str,
        tenant_key: &str,
        endpoint: Endpoint,
        now: Instant,
    ) -> Result<(), Throttle> {
        let caps = endpoint.quotas();
        let windows = self
            .endpoints
            .entry((app_id.to_owned(), tenant_key.to_owned(), endpoint))
            .or_insert_with(|| caps.iter().map(|_| Window::default()).collect());
        admit_all(caps, windows, now)
    }

    /// Admits an operation on the card entity `card_id`, or says which cap refuses it.
    pub fn admit_card(&mut self, card_id: &str, now: Instant) -> Result<(), Throttle> {
        let caps = &self.card_caps;
        let windows = self
            .cards
            .entry(card_id.to_owned())
            .or_insert_with(|| caps.iter().map(|_| Window::default()).collect());
        admit_all(caps, windows, now)
    }

    /// Admits a message to the chat `chat_id`, or refuses it (5 per second per chat).
    pub fn admit_receiver(&mut self, chat_id: &str, now: Instant) -> bool {
        let window = self.receivers.entry(chat_id.to_owned()).or_default();
        if self.receiver_caps.iter().any(|cap| window.wait(*cap, now).is_some()) {
            return false;
        }
        window.0.push_back(now);
        true
    }
}

/// Admits a request when every cap has room (counting it in each), else the first refusal.
fn admit_all(caps: &[Quota], windows: &mut [Window], now: Instant) -> Result<(), Throttle> {
    for (cap, window) in caps.iter().zip(windows.iter_mut()) {
        if let Some(wait) = window.wait(*cap, now) {
            return Err(Throttle { limit: cap.limit, reset_secs: wait.as_secs_f64().ceil().max(1.0) as u64 });
        }
    }
    for window in windows.iter_mut() {
        window.0.push_back(now);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fifty_per_second_then_throttled_until_the_oldest_leaves() {
        let mut quotas = Quotas::default();
        let start = Instant::now();
        for _ in 0..50 {
            assert!(quotas.admit("app", "t", Endpoint::SendMessage, start).is_ok());
        }
        let refused = quotas.admit("app", "t", Endpoint::SendMessage, start);
        assert_eq!(refused, Err(Throttle { limit: 50, reset_secs: 1 }));
        assert!(quotas.admit("other", "t", Endpoint::SendMessage, start).is_ok());
        assert!(quotas.admit("app", "another_tenant", Endpoint::SendMessage, start).is_ok());
        let later = start + Duration::from_secs(1);
        assert!(quotas.admit("app", "t", Endpoint::SendMessage, later).is_ok());
    }

    #[test]
    fn thousand_per_minute() {
        let mut quotas = Quotas::default();
        let start = Instant::now();
        for i in 0..1000u64 {
            let at = start + Duration::from_millis(i * 50);
            assert!(quotas.admit("app", "t", Endpoint::BatchSend, at).is_ok(), "{i}");
        }
        let at = start + Duration::from_millis(50_000);
        let refused = quotas.admit("app", "t", Endpoint::BatchSend, at);
        assert_eq!(refused, Err(Throttle { limit: 1000, reset_secs: 10 }));
    }

    #[test]
    fn feed_cards_ten_per_second_and_receivers_five() {
        let mut quotas = Quotas::default();
        let now = Instant::now();
        for _ in 0..10 {
            assert!(quotas.admit("app", "t", Endpoint::CreateAppFeedCard, now).is_ok());
        }
        assert!(quotas.admit("app", "t", Endpoint::CreateAppFeedCard, now).is_err());
        for _ in 0..5 {
            assert!(quotas.admit_receiver("ou_1", now));
        }
        assert!(!quotas.admit_receiver("ou_1", now));
        assert!(quotas.admit_receiver("ou_2", now));
        for _ in 0..10 {
            assert!(quotas.admit_card("7001", now).is_ok());
        }
        assert_eq!(quotas.admit_card("7001", now), Err(Throttle { limit: 10, reset_secs: 1 }));
        assert!(quotas.admit_card("7002", now).is_ok());
    }
}
