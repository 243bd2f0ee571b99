//! The quotas a client paces itself to: the table the pacer reads, built from the registry
//! (each operation names its tier of the rate-limit page, see `rate.rs`).
//!
//! Quotas are per API, per app and per tenant. Most messaging endpoints are tier 4
//! (1000 per minute and 50 per second); app feed cards tier 7 (10 per second). Messages
//! also allow 5 per second to the same receiver (a user, or a chat shared by its bots), and
//! a card entity 10 operations per second (its settings, content and components).

use std::collections::HashMap;

use crate::endpoint::Endpoint;
use crate::operation::SubjectKind;
use crate::rate::Quota;

/// The documented per-subject quotas.
fn documented_subject(kind: SubjectKind) -> Vec<Quota> {
    match kind {
        SubjectKind::Receiver => vec![Quota::per_second(5)],
        SubjectKind::Card => vec![Quota::per_second(10)],
    }
}

/// The quotas a client paces itself to; [`QuotaTable::documented`] holds the platform's.
#[derive(Debug, Clone, PartialEq)]
pub struct QuotaTable {
    endpoints: HashMap<Endpoint, Vec<Quota>>,
    subjects: HashMap<SubjectKind, Vec<Quota>>,
    headroom: f64,
}

impl QuotaTable {
    /// The documented quotas of every endpoint of the registry, paced with 5 % headroom
    /// (see [`QuotaTable::headroom`]).
    pub fn documented() -> Self {
        let endpoints = Endpoint::ALL.iter().map(|e| (*e, e.quotas().to_vec())).collect();
        let subjects = [SubjectKind::Receiver, SubjectKind::Card]
            .into_iter()
            .map(|k| (k, documented_subject(k)))
            .collect();
        Self { endpoints, subjects, headroom: 0.95 }
    }

    /// No pacing at all: calls go out as fast as they come.
    pub fn unlimited() -> Self {
        Self { endpoints: HashMap::new(), subjects: HashMap::new(), headroom: 1.0 }
    }

    /// Replaces the quotas of one endpoint (an empty list switches its pacing off).
    #[must_use]
    pub fn with_endpoint(mut self, endpoint: Endpoint, quotas: Vec<Quota>) -> Self {
        self.endpoints.insert(endpoint, quotas);
        self
    }

    /// Replaces the quotas of one kind of subject (an empty list switches them off).
    #[must_use]
    pub fn with_subject(mut self, kind: SubjectKind, quotas: Vec<Quota>) -> Self {
        self.subjects.insert(kind, quotas);
        self
    }

    /// Replaces the per-receiver quotas of messages (empty switches them off).
    #[must_use]
    pub fn with_per_receiver(self, quotas: Vec<Quota>) -> Self {
        self.with_subject(SubjectKind::Receiver, quotas)
    }

    /// Uses only this fraction of each quota (0 < fraction ≤ 1), so that requests arriving
    /// a little bunched up never exceed the server's window. Out-of-range values are clamped.
    #[must_use]
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

    /// The quotas of one kind of subject.
    pub fn subject(&self, kind: SubjectKind) -> &[Quota] {
        self.subjects.get(&kind).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The per-receiver quotas of messages.
    pub fn per_receiver(&self) -> &[Quota] {
        self.subject(SubjectKind::Receiver)
    }

    /// The per-card quotas of card entity operations.
    pub fn per_card(&self) -> &[Quota] {
        self.subject(SubjectKind::Card)
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
        for endpoint in
            [Endpoint::SendMessage, Endpoint::ReplyMessage, Endpoint::BatchSend, Endpoint::CreateCard]
        {
            assert_eq!(table.endpoint(endpoint), &[Quota::per_second(50), Quota::per_minute(1000)]);
        }
        assert_eq!(table.endpoint(Endpoint::CreateAppFeedCard), &[Quota::per_second(10)]);
        assert_eq!(table.per_receiver(), &[Quota::per_second(5)]);
        assert_eq!(table.per_card(), &[Quota::per_second(10)]);
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
