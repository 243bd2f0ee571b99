//! Counts of what reached the fake.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::faults::FaultKind;
use super::routes::Route;

/// What reached the fake since start or the last reset. Keys are the registry's call names
/// (`send_message`, `reply_message`, `batch_send`, `create_card`, `create_app_feed_card`, …),
/// the authentication endpoints' names (`tenant_access_token_internal`,
/// `app_access_token_internal`, `app_access_token`, `tenant_access_token`,
/// `app_ticket_resend`) and fault kinds (`status_5xx`, …).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counters {
    /// Requests that arrived at each message endpoint, whatever their fate.
    pub requests: BTreeMap<String, u64>,
    /// Requests that arrived at each authentication endpoint.
    pub token_requests: BTreeMap<String, u64>,
    /// Requests refused by quota enforcement (HTTP 429 or code 230020), per endpoint.
    pub throttled: BTreeMap<String, u64>,
    /// Faults injected, per kind.
    pub faults: BTreeMap<String, u64>,
    /// TCP connections accepted, controls included.
    #[serde(default)]
    pub connections: u64,
}

impl Counters {
    /// Counts a request arriving at `route`.
    pub(crate) fn request(&mut self, route: Route) {
        let map = if route.is_auth() { &mut self.token_requests } else { &mut self.requests };
        *map.entry(route.name().to_owned()).or_default() += 1;
    }

    /// Counts a throttled answer.
    pub(crate) fn throttled(&mut self, route: Route) {
        *self.throttled.entry(route.name().to_owned()).or_default() += 1;
    }

    /// Counts an accepted connection.
    pub(crate) fn connection(&mut self) {
        self.connections += 1;
    }

    /// Counts an injected fault.
    pub(crate) fn fault(&mut self, kind: FaultKind) {
        *self.faults.entry(kind.as_str().to_owned()).or_default() += 1;
    }
}
