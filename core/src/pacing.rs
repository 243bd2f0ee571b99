//! Client-side pacing to the quota table: a call waits until every quota that applies to it
//! (its endpoint's, and its subject's, such as a message's receiver) has room, so that the
//! server never needs to throttle. When the server throttles anyway, the endpoint or
//! subject is held until the time it named, for every caller of the client; the callers a
//! hold released resume spread over a window, not all at once.
//!
//! With a shared store, the quotas are counted in Redis for every process of the app and
//! tenant (`shared/pacing.rs`); this process's own lanes then pace it, at its fallback
//! share of each quota, only while Redis does not answer.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use crate::endpoint::Endpoint;
use crate::error::{Error, ErrorKind, Result};
use crate::operation::Subject;
use crate::quota::QuotaTable;
use crate::rate::Quota;
use crate::shared::{Admission, SharedPacer};

/// Subjects tracked before idle ones are forgotten.
const SUBJECT_PRUNE_THRESHOLD: usize = 4096;

/// A sliding window: at most `limit` starts in any `span`.
#[derive(Debug)]
struct Window {
    limit: usize,
    span: Duration,
    starts: VecDeque<Instant>,
}

impl Window {
    fn new(quota: Quota, headroom: f64) -> Self {
        Self {
            limit: quota.limit.max(1) as usize,
            span: quota.per.div_f64(headroom),
            starts: VecDeque::with_capacity(quota.limit.min(1024) as usize),
        }
    }

    /// The earliest instant at which one more call fits.
    fn next_free(&mut self, now: Instant) -> Instant {
        while self.starts.front().is_some_and(|start| *start + self.span <= now) {
            self.starts.pop_front();
        }
        if self.starts.len() < self.limit {
            now
        } else {
            self.starts.front().map_or(now, |oldest| *oldest + self.span)
        }
    }

    fn record(&mut self, now: Instant) {
        self.starts.push_back(now);
    }

    /// Forgets one start at `at` (a call the server throttled: it used none of the quota).
    fn refund(&mut self, at: Instant) {
        if let Some(index) = self.starts.iter().rposition(|start| *start == at) {
            self.starts.remove(index);
        }
    }

    fn is_idle(&mut self, now: Instant) -> bool {
        self.next_free(now);
        self.starts.is_empty()
    }
}

#[derive(Debug, Default)]
struct Lane {
    windows: Vec<Window>,
    held_until: Option<Instant>,
}

impl Lane {
    fn new(quotas: &[Quota], headroom: f64) -> Self {
        Self { windows: quotas.iter().map(|q| Window::new(*q, headroom)).collect(), held_until: None }
    }

    fn next_free(&mut self, now: Instant) -> Instant {
        let held = self.held_until.filter(|until| *until > now).unwrap_or(now);
        self.windows.iter_mut().map(|w| w.next_free(now)).fold(held, Instant::max)
    }

    fn record(&mut self, now: Instant) {
        self.windows.iter_mut().for_each(|w| w.record(now));
    }

    fn refund(&mut self, at: Instant) {
        self.windows.iter_mut().for_each(|w| w.refund(at));
    }

    fn hold(&mut self, until: Instant) {
        self.held_until = Some(self.held_until.map_or(until, |held| held.max(until)));
    }
}

#[derive(Debug, Default)]
struct Lanes {
    endpoints: HashMap<Endpoint, Lane>,
    subjects: HashMap<Subject, Lane>,
    prune_at: usize,
}

/// Paces calls of one client to its [`QuotaTable`].
#[derive(Debug)]
pub(crate) struct Pacer {
    table: QuotaTable,
    lanes: Mutex<Lanes>,
    shared: Option<SharedPacer>,
}

/// Where a call was counted, to uncount it (see [`Pacer::refund`]).
#[derive(Debug)]
pub(crate) enum Counted {
    /// In this process's lanes, at this instant.
    Local(Instant),
    /// In the shared store, under this member.
    Shared(String),
}

impl Pacer {
    /// Paces this process alone.
    pub(crate) fn new(table: QuotaTable) -> Self {
        let endpoints =
            Endpoint::ALL.iter().map(|e| (*e, Lane::new(table.endpoint(*e), table.headroom()))).collect();
        let lanes = Lanes { endpoints, subjects: HashMap::new(), prune_at: SUBJECT_PRUNE_THRESHOLD };
        Self { table, lanes: Mutex::new(lanes), shared: None }
    }

    /// Whether calls are paced per receiver (then the client learns which chat a receiver
    /// is, see `Receivers`).
    pub(crate) fn paces_receivers(&self) -> bool {
        !self.table.per_receiver().is_empty()
    }

    /// Paces every process of the app and tenant through `shared`, and this one alone to
    /// `fallback_share` of each quota while the shared store does not answer.
    pub(crate) fn with_shared(table: QuotaTable, shared: SharedPacer, fallback_share: f64) -> Self {
        let local = table.clone().with_headroom(table.headroom() * fallback_share);
        Self { shared: Some(shared), ..Self::new(local) }
    }

    /// Waits until a call to `endpoint` (about `subject`, if given) fits every quota, then
    /// counts it and says where (see [`Pacer::refund`]). Fails, without waiting, when that
    /// would pass `deadline`. `alias` is the subject as the caller named it when this client
    /// knows it as `subject` (an `open_id` whose chat it learned): the call is counted under
    /// both, since the calls made before the chat was learned are counted under the alias
    /// alone (and, in a shared store, other processes may not have learned it yet).
    pub(crate) async fn acquire(
        &self,
        endpoint: Endpoint,
        subject: Option<&Subject>,
        alias: Option<&Subject>,
        deadline: Instant,
    ) -> Result<Counted> {
        if let Some(shared) = self.shared.as_ref().filter(|shared| shared.is_worth_asking()) {
            match shared.reserve(endpoint, subject, alias, self.jitter(endpoint), deadline).await {
                Some(Admission::Reserved { member, wait }) => {
                    tokio::time::sleep(wait).await;
                    return Ok(Counted::Shared(member));
                }
                Some(Admission::Refused(wait)) => {
                    let message = format!(
                        "{} has no room in the shared quota before the call's deadline \
                         (the quota is full, or the platform throttled it)",
                        endpoint.name()
                    );
                    return Err(Error::new(ErrorKind::RateLimited, message).with_retry_after(Some(wait)));
                }
                // Redis does not answer: this process paces itself below.
                None => {}
            }
        }
        self.acquire_local(endpoint, subject, alias, deadline).await.map(Counted::Local)
    }

    /// A random delay within the endpoint's shortest window (one second without quotas),
    /// added to the end of a hold so that the callers it released resume spread out.
    fn jitter(&self, endpoint: Endpoint) -> Duration {
        let window =
            self.table.endpoint(endpoint).iter().map(|q| q.per).min().unwrap_or(Duration::from_secs(1));
        window.mul_f64(fastrand::f64())
    }

    async fn acquire_local(
        &self,
        endpoint: Endpoint,
        subject: Option<&Subject>,
        alias: Option<&Subject>,
        deadline: Instant,
    ) -> Result<Instant> {
        loop {
            let now = Instant::now();
            let free_at = self.try_acquire(endpoint, subject, alias, now);
            let Some(free_at) = free_at else { return Ok(now) };
            let held = self.held(endpoint, subject, alias, free_at);
            if free_at > deadline {
                let wait = free_at.saturating_duration_since(Instant::now());
                let message = if held {
                    // Remembered from the platform's answer: asking again before then is useless.
                    format!(
                        "the platform throttled {} for another {:.0} s; not asking again before then",
                        endpoint.name(),
                        wait.as_secs_f64()
                    )
                } else {
                    format!("{} quota has no room before the call's deadline", endpoint.name())
                };
                return Err(Error::new(ErrorKind::RateLimited, message).with_retry_after(Some(wait)));
            }
            let resume_at = if held { (free_at + self.jitter(endpoint)).min(deadline) } else { free_at };
            tokio::time::sleep_until(resume_at).await;
        }
    }

    /// Counts the call and returns `None` when it fits now; else the instant to try again.
    fn try_acquire(
        &self,
        endpoint: Endpoint,
        subject: Option<&Subject>,
        alias: Option<&Subject>,
        now: Instant,
    ) -> Option<Instant> {
        let mut lanes = crate::fork::lock(&self.lanes);
        let lanes = &mut *lanes;
        let mut free_at = lanes.endpoints.get_mut(&endpoint).map_or(now, |lane| lane.next_free(now));
        for subject in subjects(subject, alias) {
            // With the subject's pacing off, a lane exists only while the server holds it.
            let quotas = self.table.subject(subject.kind);
            let lane = if quotas.is_empty() {
                lanes.subjects.get_mut(subject)
            } else {
                Some(
                    lanes
                        .subjects
                        .entry(subject.clone())
                        .or_insert_with(|| Lane::new(quotas, self.table.headroom())),
                )
            };
            if let Some(lane) = lane {
                free_at = free_at.max(lane.next_free(now));
            }
        }
        if free_at > now {
            return Some(free_at);
        }
        if let Some(lane) = lanes.endpoints.get_mut(&endpoint) {
            lane.record(now);
        }
        for subject in subjects(subject, alias) {
            if let Some(lane) = lanes.subjects.get_mut(subject) {
                lane.record(now);
            }
        }
        if lanes.subjects.len() > lanes.prune_at {
            lanes
                .subjects
                .retain(|_, lane| lane.held_until.is_some_and(|u| u > now) || !lane_is_idle(lane, now));
            lanes.prune_at = (lanes.subjects.len() * 2).max(SUBJECT_PRUNE_THRESHOLD);
        }
        None
    }

    /// Uncounts a call that the server throttled: it used none of the server's quota, so it
    /// must not hold back the calls after it (after a restart, a client that counted its
    /// throttled attempts would wait up to a window too long).
    pub(crate) async fn refund(
        &self,
        endpoint: Endpoint,
        subject: Option<&Subject>,
        alias: Option<&Subject>,
        counted: &Counted,
    ) {
        match (counted, &self.shared) {
            (Counted::Local(at), _) => self.refund_local(endpoint, subject, alias, *at),
            (Counted::Shared(member), Some(shared)) => shared.refund(endpoint, subject, alias, member).await,
            (Counted::Shared(_), None) => {}
        }
    }

    fn refund_local(
        &self,
        endpoint: Endpoint,
        subject: Option<&Subject>,
        alias: Option<&Subject>,
        at: Instant,
    ) {
        let mut lanes = crate::fork::lock(&self.lanes);
        if let Some(lane) = lanes.endpoints.get_mut(&endpoint) {
            lane.refund(at);
        }
        for subject in subjects(subject, alias) {
            if let Some(lane) = lanes.subjects.get_mut(subject) {
                lane.refund(at);
            }
        }
    }

    /// Whether a hold the server asked for lasts until `free_at` (not the quota windows).
    fn held(
        &self,
        endpoint: Endpoint,
        subject: Option<&Subject>,
        alias: Option<&Subject>,
        free_at: Instant,
    ) -> bool {
        let lanes = crate::fork::lock(&self.lanes);
        let endpoint_hold = lanes.endpoints.get(&endpoint).and_then(|lane| lane.held_until);
        let subject_holds = subjects(subject, alias).filter_map(|s| lanes.subjects.get(s)?.held_until);
        endpoint_hold.into_iter().chain(subject_holds).any(|until| until >= free_at)
    }

    /// Holds every call to `endpoint` for `wait` (the server said it is throttling), in
    /// every process when the store is shared.
    pub(crate) async fn hold_endpoint(&self, endpoint: Endpoint, wait: Duration) {
        {
            let mut lanes = crate::fork::lock(&self.lanes);
            lanes.endpoints.entry(endpoint).or_default().hold(Instant::now() + wait);
        }
        if let Some(shared) = &self.shared {
            shared.hold_endpoint(endpoint, wait).await;
        }
    }

    /// Holds every call about `subject` for `wait` (the server said it is throttling it),
    /// in every process when the store is shared.
    pub(crate) async fn hold_subject(&self, subject: &Subject, wait: Duration) {
        {
            let mut lanes = crate::fork::lock(&self.lanes);
            lanes.subjects.entry(subject.clone()).or_default().hold(Instant::now() + wait);
        }
        if let Some(shared) = &self.shared {
            shared.hold_subject(subject, wait).await;
        }
    }
}

/// The subject lanes a call counts in: its subject's and, when it differs, its alias's.
pub(crate) fn subjects<'a>(
    subject: Option<&'a Subject>,
    alias: Option<&'a Subject>,
) -> impl Iterator<Item = &'a Subject> {
    subject.into_iter().chain(alias.filter(|alias| Some(*alias) != subject))
}

fn lane_is_idle(lane: &mut Lane, now: Instant) -> bool {
    lane.windows.iter_mut().all(|w| w.is_idle(now))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn far() -> Instant {
        Instant::now() + Duration::from_secs(3600)
    }

    #[tokio::test(start_paused = true)]
    async fn endpoint_quota_spaces_calls_by_window() {
        let table =
            QuotaTable::unlimited().with_endpoint(Endpoint::CreateAppFeedCard, vec![Quota::per_second(10)]);
        let pacer = Pacer::new(table);
        let start = Instant::now();
        for _ in 0..30 {
            pacer.acquire(Endpoint::CreateAppFeedCard, None, None, far()).await.unwrap();
        }
        // 10 now, 10 after one second, 10 after two.
        assert_eq!(start.elapsed(), Duration::from_secs(2));
    }

    #[tokio::test(start_paused = true)]
    async fn subject_quota_applies_only_to_calls_with_that_subject() {
        let table = QuotaTable::unlimited().with_per_receiver(vec![Quota::per_second(5)]);
        let pacer = Pacer::new(table);
        let (a, b) = (Subject::user("open_id", "ou_a"), Subject::user("open_id", "ou_b"));
        let start = Instant::now();
        for i in 0..12 {
            let receiver = if i % 2 == 0 { &a } else { &b };
            pacer.acquire(Endpoint::SendMessage, Some(receiver), None, far()).await.unwrap();
        }
        // 6 per receiver at 5 per second: the 6th of each waits one second.
        assert_eq!(start.elapsed(), Duration::from_secs(1));
        let start = Instant::now();
        for _ in 0..20 {
            pacer.acquire(Endpoint::BatchSend, None, None, far()).await.unwrap();
        }
        assert_eq!(start.elapsed(), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn headroom_stretches_the_window() {
        let table = QuotaTable::unlimited()
            .with_endpoint(Endpoint::CreateCard, vec![Quota::per_second(2)])
            .with_headroom(0.5);
        let pacer = Pacer::new(table);
        let start = Instant::now();
        for _ in 0..3 {
            pacer.acquire(Endpoint::CreateCard, None, None, far()).await.unwrap();
        }
        assert_eq!(start.elapsed(), Duration::from_secs(2));
    }

    #[tokio::test(start_paused = true)]
    async fn a_hold_delays_every_caller_and_deadlines_are_kept() {
        let pacer = Pacer::new(QuotaTable::unlimited());
        let start = Instant::now();
        pacer.hold_endpoint(Endpoint::BatchSend, Duration::from_secs(3)).await;
        let error =
            pacer.acquire(Endpoint::BatchSend, None, None, start + Duration::from_secs(1)).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::RateLimited);
        assert_eq!(error.retry_after(), Some(Duration::from_secs(3)));
        pacer.acquire(Endpoint::BatchSend, None, None, far()).await.unwrap();
        let released = start.elapsed();
        assert!(released >= Duration::from_secs(3) && released < Duration::from_secs(4), "{released:?}");
        pacer.hold_subject(&Subject::chat("oc_x"), Duration::from_secs(1)).await;
        pacer.acquire(Endpoint::SendMessage, Some(&Subject::chat("oc_y")), None, far()).await.unwrap();
        assert_eq!(start.elapsed(), released, "another chat is not held");
        pacer.acquire(Endpoint::SendMessage, Some(&Subject::chat("oc_x")), None, far()).await.unwrap();
        assert!(start.elapsed() >= released + Duration::from_secs(1), "{:?}", start.elapsed());
    }

    #[tokio::test(start_paused = true)]
    async fn a_hold_on_the_id_a_call_names_applies_once_its_chat_is_known() {
        let pacer = Pacer::new(QuotaTable::unlimited());
        let (user, chat) = (Subject::user("open_id", "ou_a"), Subject::chat("oc_a"));
        let start = Instant::now();
        pacer.hold_subject(&user, Duration::from_secs(2)).await;
        let soon = start + Duration::from_secs(1);
        let error = pacer.acquire(Endpoint::SendMessage, Some(&chat), Some(&user), soon).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::RateLimited);
        assert!(error.to_string().contains("the platform throttled"), "{error}");
        pacer.acquire(Endpoint::SendMessage, Some(&chat), Some(&user), far()).await.unwrap();
        assert!(start.elapsed() >= Duration::from_secs(2), "{:?}", start.elapsed());
        pacer.acquire(Endpoint::SendMessage, Some(&chat), None, far()).await.unwrap();
    }

    #[tokio::test(start_paused = true)]
    async fn callers_released_from_a_hold_resume_spread_over_a_second() {
        let pacer = std::sync::Arc::new(Pacer::new(QuotaTable::unlimited()));
        let start = Instant::now();
        pacer.hold_endpoint(Endpoint::SendMessage, Duration::from_secs(2)).await;
        let waiters: Vec<_> = (0..50)
            .map(|_| {
                let pacer = std::sync::Arc::clone(&pacer);
                tokio::spawn(async move {
                    pacer.acquire(Endpoint::SendMessage, None, None, far()).await.unwrap();
                    start.elapsed()
                })
            })
            .collect();
        let mut resumed = Vec::new();
        for waiter in waiters {
            resumed.push(waiter.await.unwrap());
        }
        // Within the hold's end and one window after it; tokio's timer rounds a wake-up up to
        // its next millisecond, so a jitter just under a second resumes at 3.000 s.
        let within = |at: &Duration| *at >= Duration::from_secs(2) && *at <= Duration::from_millis(3001);
        assert!(resumed.iter().all(within), "{resumed:?}");
        let in_first_tenth = resumed.iter().filter(|at| **at < Duration::from_millis(2100)).count();
        assert!(in_first_tenth < 20, "{in_first_tenth} of 50 resumed within 100 ms of the hold's end");
    }

    #[tokio::test(start_paused = true)]
    async fn a_refunded_call_frees_its_slot() {
        let table = QuotaTable::unlimited().with_endpoint(Endpoint::SendMessage, vec![Quota::per_minute(2)]);
        let pacer = Pacer::new(table);
        let start = Instant::now();
        let first = pacer.acquire(Endpoint::SendMessage, None, None, far()).await.unwrap();
        pacer.acquire(Endpoint::SendMessage, None, None, far()).await.unwrap();
        pacer.refund(Endpoint::SendMessage, None, None, &first).await;
        pacer.acquire(Endpoint::SendMessage, None, None, far()).await.unwrap();
        assert_eq!(start.elapsed(), Duration::ZERO);
        pacer.acquire(Endpoint::SendMessage, None, None, far()).await.unwrap();
        assert_eq!(start.elapsed(), Duration::from_secs(60));
    }

    #[tokio::test(start_paused = true)]
    async fn idle_receivers_are_forgotten() {
        let pacer = Pacer::new(QuotaTable::documented().with_endpoint(Endpoint::SendMessage, Vec::new()));
        let first = SUBJECT_PRUNE_THRESHOLD + 1;
        for i in 0..first {
            let subject = Subject::chat(format!("old_{i}"));
            pacer.acquire(Endpoint::SendMessage, Some(&subject), None, far()).await.unwrap();
        }
        // All were active when the first prune ran: none forgotten yet.
        assert_eq!(pacer.lanes.lock().unwrap().subjects.len(), first);
        tokio::time::sleep(Duration::from_secs(5)).await;
        let second = first + 1;
        for i in 0..second {
            let subject = Subject::chat(format!("new_{i}"));
            pacer.acquire(Endpoint::SendMessage, Some(&subject), None, far()).await.unwrap();
        }
        let lanes = pacer.lanes.lock().unwrap();
        assert_eq!(lanes.subjects.len(), second);
        assert!(lanes.subjects.keys().all(|k| k.id.starts_with("chat:new_")));
    }
}
