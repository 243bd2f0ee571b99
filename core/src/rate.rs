//! A rate: at most so many calls in a window, and the documented tiers of the platform's
//! rate-limit page that the operations name.

use std::time::Duration;

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

/// Tier 4 of the rate-limit page: 1000 per minute and 50 per second.
pub const TIER_4: &[Quota] = &[Quota::per_second(50), Quota::per_minute(1000)];
/// Tier 7 of the rate-limit page: 10 per second.
pub const TIER_7: &[Quota] = &[Quota::per_second(10)];
