//! Card entity `sequence` numbers: one above any this process used on the card and, with
//! a shared store, above any every process used (`INCR`), so that any process can update
//! a card another created.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::time::Instant;

use super::Redis;

/// How long a card's counter is kept after its last use: a card entity lives 14 days.
const SEQUENCE_LIFETIME_SECS: i64 = 14 * 24 * 60 * 60;
/// Cards remembered in this process before the map starts afresh.
const MAX_REMEMBERED: usize = 65_536;

/// The sequences of the card entities of one client.
#[derive(Debug, Default)]
pub(crate) struct CardSequences {
    shared: Option<(Arc<Redis>, redis::Script)>,
    /// The last sequence this process used on each card.
    local: Mutex<HashMap<String, i64>>,
}

impl CardSequences {
    /// Sequences shared through `redis` (this process's own while it does not answer).
    pub(crate) fn shared(redis: Arc<Redis>) -> Self {
        let script = redis::Script::new(include_str!("scripts/next_sequence.lua"));
        Self { shared: Some((redis, script)), local: Mutex::default() }
    }

    /// The next `sequence` of the card `card_id`, above `floor` (what the caller last used).
    pub(crate) async fn next(&self, card_id: &str, floor: i64, deadline: Instant) -> i64 {
        let floor = floor.max(crate::fork::lock(&self.local).get(card_id).copied().unwrap_or(0));
        let shared = match &self.shared {
            Some((redis, script)) => {
                let mut invocation = script.key(redis.key(&format!("sequence:{card_id}")));
                invocation.arg(floor).arg(SEQUENCE_LIFETIME_SECS);
                redis
                    .run(
                        deadline,
                        |mut connection| async move { invocation.invoke_async(&mut connection).await },
                    )
                    .await
            }
            None => None,
        };
        let next = shared.unwrap_or_else(|| floor.saturating_add(1));
        let mut local = crate::fork::lock(&self.local);
        if local.len() >= MAX_REMEMBERED {
            local.clear();
        }
        let last = local.entry(card_id.to_owned()).or_default();
        *last = (*last).max(next);
        next
    }
}
