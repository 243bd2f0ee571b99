//! Card entity `sequence` numbers shared by every process (`INCR`), so that any process
//! can update a card another created.

use std::sync::Arc;

use tokio::time::Instant;

use super::Redis;

/// How long a card's counter is kept after its last use: a card entity lives 14 days.
const SEQUENCE_LIFETIME_SECS: i64 = 14 * 24 * 60 * 60;

/// The sequences of the card entities of one app and tenant in Redis.
#[derive(Debug)]
pub(crate) struct SharedSequences {
    redis: Arc<Redis>,
    next: redis::Script,
}

impl SharedSequences {
    pub(crate) fn new(redis: Arc<Redis>) -> Self {
        Self { redis, next: redis::Script::new(include_str!("scripts/next_sequence.lua")) }
    }

    /// The next `sequence` of the card `card_id`, above `at_least` (what this process last
    /// used or learnt); `None` when Redis did not answer.
    pub(crate) async fn next(&self, card_id: &str, at_least: i64, deadline: Instant) -> Option<i64> {
        let key = self.redis.key(&format!("sequence:{card_id}"));
        let mut invocation = self.next.key(key);
        invocation.arg(at_least).arg(SEQUENCE_LIFETIME_SECS);
        self.redis
            .run(deadline, |mut connection| async move { invocation.invoke_async(&mut connection).await })
            .await
    }
}
