//! Client settings: where to send, how long to wait, how to retry.

use std::time::Duration;

/// Which platform to call.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Domain {
    /// Feishu: `https://open.feishu.cn` (the default).
    #[default]
    Feishu,
    /// Lark, the international brand: `https://open.larksuite.com`.
    Lark,
    /// Any other base URL: a private deployment, a proxy, or a fake server in tests.
    Custom(String),
}

impl Domain {
    /// The base URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        match self {
            Self::Feishu => "https://open.feishu.cn",
            Self::Lark => "https://open.larksuite.com",
            Self::Custom(url) => url.trim_end_matches('/'),
        }
    }
}

/// How long to wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Timeouts {
    /// To open a connection (default 10 s).
    pub connect: Duration,
    /// For one attempt: send the request and read the whole answer (default 30 s).
    pub request: Duration,
    /// For a whole call: pacing, token, every attempt and the waits between them (default 60 s).
    pub total: Duration,
}

impl Timeouts {
    /// Sets the time to open a connection.
    #[must_use]
    pub fn with_connect(mut self, connect: Duration) -> Self {
        self.connect = connect;
        self
    }

    /// Sets the time for one attempt.
    #[must_use]
    pub fn with_request(mut self, request: Duration) -> Self {
        self.request = request;
        self
    }

    /// Sets the time for a whole call.
    #[must_use]
    pub fn with_total(mut self, total: Duration) -> Self {
        self.total = total;
        self
    }
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(10),
            request: Duration::from_secs(30),
            total: Duration::from_secs(60),
        }
    }
}

/// When and how to repeat a failed attempt. A call is repeated only when that cannot cause
/// a second visible effect (see [`crate::Endpoint::repeat_is_safe`]) or when the request
/// surely never took effect (connection refused, throttled, token rejected).
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Attempts per call, the first included (default 5; 1 disables retries).
    pub max_attempts: u32,
    /// Wait before the first repeat after an error; doubled each time (default 200 ms).
    pub initial_backoff: Duration,
    /// Longest wait between attempts after an error (default 5 s).
    pub max_backoff: Duration,
    /// Longest `x-ogw-ratelimit-reset` wait honoured after HTTP 429 (default 30 s); a longer
    /// one fails the call with `rate_limited` and the wait as `retry_after`.
    pub max_throttle_wait: Duration,
    /// Pause for one receiver after the platform's per-receiver limit (230020) (default 1 s).
    pub receiver_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 5,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            max_throttle_wait: Duration::from_secs(30),
            receiver_backoff: Duration::from_secs(1),
        }
    }
}

impl RetryPolicy {
    /// One attempt per call, no repeats.
    pub fn disabled() -> Self {
        Self { max_attempts: 1, ..Self::default() }
    }

    /// Sets the attempts per call, the first included (at least 1).
    #[must_use]
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Sets the wait before the first repeat after an error.
    #[must_use]
    pub fn with_initial_backoff(mut self, wait: Duration) -> Self {
        self.initial_backoff = wait;
        self
    }

    /// Sets the longest wait between attempts after an error.
    #[must_use]
    pub fn with_max_backoff(mut self, wait: Duration) -> Self {
        self.max_backoff = wait;
        self
    }

    /// Sets the longest `x-ogw-ratelimit-reset` wait honoured.
    #[must_use]
    pub fn with_max_throttle_wait(mut self, wait: Duration) -> Self {
        self.max_throttle_wait = wait;
        self
    }

    /// Sets the pause for one receiver after the platform's per-receiver limit.
    #[must_use]
    pub fn with_receiver_backoff(mut self, wait: Duration) -> Self {
        self.receiver_backoff = wait;
        self
    }

    /// The wait before repeat number `repeat` (1-based): exponential, capped, with jitter
    /// (a random value between half and all of it), so that callers do not retry in step.
    pub(crate) fn backoff(&self, repeat: u32) -> Duration {
        let exponent = repeat.saturating_sub(1).min(16);
        let full = self.initial_backoff.saturating_mul(1 << exponent).min(self.max_backoff);
        full.mul_f64(0.5 + fastrand::f64() * 0.5)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap_with_jitter() {
        let policy = RetryPolicy::default();
        for _ in 0..100 {
            let first = policy.backoff(1);
            assert!(first >= Duration::from_millis(100) && first <= Duration::from_millis(200));
            let third = policy.backoff(3);
            assert!(third >= Duration::from_millis(400) && third <= Duration::from_millis(800));
            let late = policy.backoff(30);
            assert!(late >= Duration::from_millis(2500) && late <= Duration::from_secs(5));
        }
    }

    #[test]
    fn domains_name_their_base_urls() {
        assert_eq!(Domain::default().base_url(), "https://open.feishu.cn");
        assert_eq!(Domain::Lark.base_url(), "https://open.larksuite.com");
        assert_eq!(Domain::Custom("http://127.0.0.1:8080/".into()).base_url(), "http://127.0.0.1:8080");
    }
}
