//! The platform's rate limits, as data, and sliding windows that enforce them.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use super::routes::Endpoint;

/// One cap: at most `cap` requests in any window of `span`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cap {
    pub cap: usize,
    pub span: Duration,
}

const PER_SECOND: Duration = Duration::from_secs(1);
const PER_MINUTE: Duration = Duration::from_secs(60);

/// The caps of an endpoint, per app: 50/s and 1000/min for send message, batch send and
/// card create; 10/s for feed cards. Authentication endpoints are not limited.
pub(crate) fn caps(endpoint: Endpoint) -> &'static [Cap] {
    const MESSAGE: &[Cap] = &[Cap { cap: 50, span: PER_SECOND }, Cap { cap: 1000, span: PER_MINUTE }];
    const FEED_CARD: &[Cap] = &[Cap { cap: 10, span: PER_SECOND }];
    match endpoint {
        Endpoint::SendMessage | Endpoint::BatchSend | Endpoint::CreateCard => MESSAGE,
        Endpoint::CreateFeedCard => FEED_CARD,
        _ => &[],
    }
}

/// Send message: at most this many messages per second to one receiver.
pub(crate) const RECEIVER_CAP: Cap = Cap { cap: 5, span: PER_SECOND };

/// A refusal by an endpoint cap: the cap and the whole seconds until a slot frees (≥ 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Throttle {
    pub limit: usize,
    pub reset_secs: u64,
}

/// Times of the requests admitted within one cap's span.
#[derive(Debug, Default)]
struct Window(VecDeque<Instant>);

impl Window {
    fn prune(&mut self, cap: Cap, now: Instant) {
        while self.0.front().is_some_and(|at| now.duration_since(*at) >= cap.span) {
            self.0.pop_front();
        }
    }

    /// How long until a slot frees, if the window is full.
    fn wait(&mut self, cap: Cap, now: Instant) -> Option<Duration> {
        self.prune(cap, now);
        if self.0.len() < cap.cap {
            return None;
        }
        let oldest = self.0.front().copied().unwrap_or(now);
        Some(cap.span.saturating_sub(now.duration_since(oldest)))
    }
}

/// The sliding windows of every app, endpoint and receiver.
#[derive(Debug, Default)]
pub(crate) struct Quotas {
    endpoints: HashMap<(String, Endpoint), Vec<Window>>,
    receivers: HashMap<String, Window>,
}

impl Quotas {
    /// Admits a request of `app_id` to `endpoint`, or says which cap refuses it.
    pub fn admit(&mut self, app_id: &str, endpoint: Endpoint, now: Instant) -> Result<(), Throttle> {
        let caps = caps(endpoint);
        let windows = self
            .endpoints
            .entry((app_id.to_owned(), endpoint))
            .or_insert_with(|| caps.iter().map(|_| Window::default()).collect());
        for (cap, window) in caps.iter().zip(windows.iter_mut()) {
            if let Some(wait) = window.wait(*cap, now) {
                return Err(Throttle {
                    limit: cap.cap,
                    reset_secs: wait.as_secs_f64().ceil().max(1.0) as u64,
                });
            }
        }
        for window in windows.iter_mut() {
            window.0.push_back(now);
        }
        Ok(())
    }

    /// Admits a message to `receive_id`, or refuses it (5 per second per receiver).
    pub fn admit_receiver(&mut self, receive_id: &str, now: Instant) -> bool {
        let window = self.receivers.entry(receive_id.to_owned()).or_default();
        if window.wait(RECEIVER_CAP, now).is_some() {
            return false;
        }
        window.0.push_back(now);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fifty_per_second_then_throttled_until_the_oldest_leaves() {
        let mut quotas = Quotas::default();
        let start = Instant::now();
        for _ in 0..50 {
            assert!(quotas.admit("app", Endpoint::SendMessage, start).is_ok());
        }
        let refused = quotas.admit("app", Endpoint::SendMessage, start);
        assert_eq!(refused, Err(Throttle { limit: 50, reset_secs: 1 }));
        assert!(quotas.admit("other", Endpoint::SendMessage, start).is_ok());
        let later = start + Duration::from_secs(1);
        assert!(quotas.admit("app", Endpoint::SendMessage, later).is_ok());
    }

    #[test]
    fn thousand_per_minute() {
        let mut quotas = Quotas::default();
        let start = Instant::now();
        for i in 0..1000u64 {
            let at = start + Duration::from_millis(i * 50);
            assert!(quotas.admit("app", Endpoint::BatchSend, at).is_ok(), "{i}");
        }
        let at = start + Duration::from_millis(50_000);
        let refused = quotas.admit("app", Endpoint::BatchSend, at);
        assert_eq!(refused, Err(Throttle { limit: 1000, reset_secs: 10 }));
    }

    #[test]
    fn feed_cards_ten_per_second_and_receivers_five() {
        let mut quotas = Quotas::default();
        let now = Instant::now();
        for _ in 0..10 {
            assert!(quotas.admit("app", Endpoint::CreateFeedCard, now).is_ok());
        }
        assert!(quotas.admit("app", Endpoint::CreateFeedCard, now).is_err());
        for _ in 0..5 {
            assert!(quotas.admit_receiver("ou_1", now));
        }
        assert!(!quotas.admit_receiver("ou_1", now));
        assert!(quotas.admit_receiver("ou_2", now));
    }
}
