//! Quotas counted in Redis for every process of an app and tenant: one script reserves for
//! a call the earliest instant at which it fits all the quotas it falls under at once (its
//! endpoint's and its subject's), on the Redis server's clock, in the order the callers
//! ask; the caller sleeps until then and sends. A throttle the platform announced holds
//! the lane for every process.
//!
//! Each lane is a sorted set of the calls reserved within its longest window, scored by
//! the server's time (some in the future): exact sliding windows, as the platform counts.
//! A GCRA arrival time beside it spaces the calls of the shortest window out (a quarter of
//! its limit may go at once), so that a window's calls do not reach the platform as one
//! burst. Each window is paced [`ARRIVAL_MARGIN`] longer than the quota's (beyond the
//! table's headroom): calls of different processes reach the platform after different
//! delays, and one that arrives late must not fall into the next call's window.

use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use super::Redis;
use crate::endpoint::Endpoint;
use crate::operation::Subject;
use crate::quota::QuotaTable;
use crate::rate::Quota;

/// How much longer than its quota's window each window is paced in the shared store.
const ARRIVAL_MARGIN: Duration = Duration::from_millis(100);

/// What Redis answered to one call asking for room.
#[derive(Debug)]
pub(crate) enum Admission {
    /// Counted in every lane under `member` (to uncount it, see [`SharedPacer::refund`]),
    /// to be sent after `wait`.
    Reserved { member: String, wait: Duration },
    /// No room within the longest wait the caller accepts: the earliest is after this long.
    Refused(Duration),
}

/// The quota lanes of one app and tenant in Redis.
#[derive(Debug)]
pub(crate) struct SharedPacer {
    redis: Arc<Redis>,
    table: QuotaTable,
    admit: redis::Script,
    hold: redis::Script,
}

impl SharedPacer {
    pub(crate) fn new(redis: Arc<Redis>, table: QuotaTable) -> Self {
        Self {
            redis,
            table,
            admit: redis::Script::new(include_str!("scripts/admit.lua")),
            hold: redis::Script::new(include_str!("scripts/hold.lua")),
        }
    }

    /// Whether Redis is worth asking now.
    pub(crate) fn is_worth_asking(&self) -> bool {
        self.redis.is_worth_asking()
    }

    /// Reserves the earliest room for a call to `endpoint` about `subject` before
    /// `deadline`; a hold's end is followed by `jitter`, so that the callers it released do
    /// not all resume at once. `None` when Redis did not answer.
    pub(crate) async fn reserve(
        &self,
        endpoint: Endpoint,
        subject: Option<&Subject>,
        alias: Option<&Subject>,
        jitter: Duration,
        deadline: Instant,
    ) -> Option<Admission> {
        let member = uuid::Uuid::new_v4().to_string();
        let lanes = self.lanes(endpoint, subject, alias);
        let mut invocation = self.admit.prepare_invoke();
        for (key, _) in &lanes {
            invocation.key(key);
        }
        for (key, _) in &lanes {
            invocation.key(format!("{key}:gcra"));
        }
        for key in self.holds(endpoint, subject) {
            invocation.key(key);
        }
        let longest_wait = deadline.saturating_duration_since(Instant::now());
        invocation.arg(lanes.len()).arg(&member).arg(millis(jitter)).arg(millis(longest_wait));
        for (_, quotas) in &lanes {
            let spans: Vec<(u32, u64)> = quotas
                .iter()
                .map(|q| (q.limit.max(1), millis(q.per.div_f64(self.table.headroom()) + ARRIVAL_MARGIN)))
                .collect();
            let (limit, span) = spans.iter().min_by_key(|(_, span)| *span).copied().unwrap_or((1, 1));
            let interval = span / u64::from(limit);
            let burst = u64::from(limit.div_ceil(4));
            invocation.arg(interval).arg(interval * (burst - 1)).arg(spans.len());
            for (limit, span) in spans {
                invocation.arg(limit).arg(span);
            }
        }
        let (reserved, wait): (u8, u64) = self
            .redis
            .run(deadline, |mut connection| async move { invocation.invoke_async(&mut connection).await })
            .await?;
        let wait = Duration::from_millis(wait);
        Some(if reserved == 1 { Admission::Reserved { member, wait } } else { Admission::Refused(wait) })
    }

    /// Uncounts a call admitted as `member` that the platform refused (it used no quota).
    pub(crate) async fn refund(
        &self,
        endpoint: Endpoint,
        subject: Option<&Subject>,
        alias: Option<&Subject>,
        member: &str,
    ) {
        let mut pipe = redis::pipe();
        for (key, _) in self.lanes(endpoint, subject, alias) {
            pipe.zrem(key, member).ignore();
        }
        let deadline = Instant::now() + Duration::from_secs(1);
        let _: Option<()> = self
            .redis
            .run(deadline, |mut connection| async move { pipe.query_async(&mut connection).await })
            .await;
    }

    /// Holds every call to `endpoint`, in every process, for `wait`.
    pub(crate) async fn hold_endpoint(&self, endpoint: Endpoint, wait: Duration) {
        self.hold_key(self.redis.key(&format!("hold:{}", endpoint.name())), wait).await;
    }

    /// Holds every call about `subject`, in every process, for `wait`.
    pub(crate) async fn hold_subject(&self, subject: &Subject, wait: Duration) {
        self.hold_key(self.redis.key(&subject_key("hold", subject)), wait).await;
    }

    async fn hold_key(&self, key: String, wait: Duration) {
        let mut invocation = self.hold.key(key);
        invocation.arg(millis(wait).max(1));
        let deadline = Instant::now() + Duration::from_secs(1);
        let _: Option<u64> = self
            .redis
            .run(deadline, |mut connection| async move { invocation.invoke_async(&mut connection).await })
            .await;
    }

    /// The lanes a call counts in, with their quotas (lanes whose pacing is off left out):
    /// its endpoint's, its subject's and its subject's alias's.
    fn lanes(
        &self,
        endpoint: Endpoint,
        subject: Option<&Subject>,
        alias: Option<&Subject>,
    ) -> Vec<(String, &[Quota])> {
        let mut lanes = Vec::with_capacity(3);
        let quotas = self.table.endpoint(endpoint);
        if !quotas.is_empty() {
            lanes.push((self.redis.key(&format!("quota:{}", endpoint.name())), quotas));
        }
        for subject in crate::pacing::subjects(subject, alias) {
            let quotas = self.table.subject(subject.kind);
            if !quotas.is_empty() {
                lanes.push((self.redis.key(&subject_key("quota", subject)), quotas));
            }
        }
        lanes
    }

    /// The holds a call must wait for.
    fn holds(&self, endpoint: Endpoint, subject: Option<&Subject>) -> Vec<String> {
        let mut holds = vec![self.redis.key(&format!("hold:{}", endpoint.name()))];
        if let Some(subject) = subject {
            holds.push(self.redis.key(&subject_key("hold", subject)));
        }
        holds
    }
}

/// `quota:receiver:chat:oc_…`, `hold:card:7…`: a subject's key below the client's prefix.
fn subject_key(what: &str, subject: &Subject) -> String {
    format!("{what}:{}:{}", subject.kind.name(), subject.id)
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}
