//! Injected faults: what they do, how a test asks for them, and the record they leave.
//!
//! A plan either hits the next `count` matching requests with one kind of fault
//! ([`FaultPlan::next`]) or hits each matching request with probability `rate` with one of
//! several kinds ([`FaultPlan::random`], for soak tests; give a `seed` to replay a run).
//! A plan without an endpoint matches every operation of the registry but not the
//! authentication endpoints; name an auth endpoint to fault it. Count plans are used in the
//! order they were injected and before random plans.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::routes::Route;

/// What an injected fault does to a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FaultKind {
    /// HTTP 500 with code 1500; the request is not processed.
    #[serde(rename = "status_5xx")]
    Status5xx,
    /// Close the connection as soon as the request head arrives, before reading the body
    /// and without answering; nothing is processed.
    #[serde(rename = "drop_before_read")]
    DropBeforeRead,
    /// Process the request (a message is accepted), then close the connection without
    /// answering.
    #[serde(rename = "drop_after_read")]
    DropAfterRead,
    /// Process the request, then answer after a delay longer than the client's timeout.
    #[serde(rename = "slow")]
    Slow,
    /// Process the request, then answer HTTP 200 with a body that is not JSON.
    #[serde(rename = "malformed")]
    Malformed,
    /// HTTP 429 with code 99991400 and `x-ogw-ratelimit-reset: 1`; not processed.
    #[serde(rename = "rate_limit")]
    RateLimit,
    /// Send message and reply only: HTTP 400 code 230020 (receiver frequency limit); not
    /// processed.
    #[serde(rename = "receiver_rate_limit")]
    ReceiverRateLimit,
    /// Revoke every token, then answer this request with code 99991663.
    #[serde(rename = "revoke_tokens")]
    RevokeTokens,
    /// HTTP 400 code 99991672: the app lacks a scope (named in `error.permission_violations`);
    /// not processed.
    #[serde(rename = "permission_denied")]
    PermissionDenied,
}

impl FaultKind {
    /// The kind's name, as in JSON and counters.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Status5xx => "status_5xx",
            Self::DropBeforeRead => "drop_before_read",
            Self::DropAfterRead => "drop_after_read",
            Self::Slow => "slow",
            Self::Malformed => "malformed",
            Self::RateLimit => "rate_limit",
            Self::ReceiverRateLimit => "receiver_rate_limit",
            Self::RevokeTokens => "revoke_tokens",
            Self::PermissionDenied => "permission_denied",
        }
    }

    /// Whether a request hit by this fault is still processed as usual.
    pub fn processes(self) -> bool {
        matches!(self, Self::DropAfterRead | Self::Slow | Self::Malformed)
    }

    fn applies_to(self, route: Route) -> bool {
        self != Self::ReceiverRateLimit || route.has_receiver_quota()
    }
}

/// A plan of faults to inject. JSON forms (the `/_fake/faults` control):
/// `{"kind": "status_5xx", "endpoint": "send_message", "count": 2}` and
/// `{"rate": 0.1, "kinds": ["status_5xx", "drop_after_read"], "seed": 7}`; both take
/// optional `endpoint` (a name such as `send_message` or a path) and `delay_ms` (for `slow`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "FaultSpec", into = "FaultSpec")]
pub enum FaultPlan {
    /// The next `count` matching requests get `kind`.
    Next {
        /// The fault.
        kind: FaultKind,
        /// How many requests it hits.
        count: u32,
        /// Only this endpoint (name or path); `None`: every operation of the registry.
        endpoint: Option<String>,
        /// Delay of a `slow` answer; `None`: the server's default.
        delay: Option<Duration>,
    },
    /// Each matching request gets, with probability `rate`, one of `kinds`.
    Random {
        /// Probability in 0..=1.
        rate: f64,
        /// The kinds to choose from, uniformly.
        kinds: Vec<FaultKind>,
        /// Seed of the random choices, for a reproducible run.
        seed: Option<u64>,
        /// Only this endpoint (name or path); `None`: every operation of the registry.
        endpoint: Option<String>,
        /// Delay of a `slow` answer; `None`: the server's default.
        delay: Option<Duration>,
    },
}

impl FaultPlan {
    /// The next `count` matching requests get `kind`.
    pub fn next(kind: FaultKind, count: u32) -> Self {
        Self::Next { kind, count, endpoint: None, delay: None }
    }

    /// Each matching request gets, with probability `rate`, one of `kinds`.
    pub fn random(rate: f64, kinds: impl IntoIterator<Item = FaultKind>) -> Self {
        Self::Random { rate, kinds: kinds.into_iter().collect(), seed: None, endpoint: None, delay: None }
    }

    /// Restricts the plan to one endpoint, by name (a call name of the registry such as
    /// `send_message`, or an authentication endpoint such as `tenant_access_token_internal`)
    /// or path.
    pub fn on(mut self, name_or_path: impl Into<String>) -> Self {
        match &mut self {
            Self::Next { endpoint, .. } | Self::Random { endpoint, .. } => {
                *endpoint = Some(name_or_path.into());
            }
        }
        self
    }

    /// Sets how long a `slow` fault waits before answering.
    pub fn delay(mut self, value: Duration) -> Self {
        match &mut self {
            Self::Next { delay, .. } | Self::Random { delay, .. } => *delay = Some(value),
        }
        self
    }

    /// Seeds a random plan (no effect on a count plan).
    pub fn seed(mut self, value: u64) -> Self {
        if let Self::Random { seed, .. } = &mut self {
            *seed = Some(value);
        }
        self
    }
}

/// The JSON form of a [`FaultPlan`].
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FaultSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    kind: Option<FaultKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    count: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    rate: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    kinds: Option<Vec<FaultKind>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    seed: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    endpoint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    delay_ms: Option<u64>,
}

impl TryFrom<FaultSpec> for FaultPlan {
    type Error = String;

    fn try_from(spec: FaultSpec) -> Result<Self, String> {
        let delay = spec.delay_ms.map(Duration::from_millis);
        match (spec.kind, spec.rate) {
            (Some(kind), None) => {
                Ok(Self::Next { kind, count: spec.count.unwrap_or(1), endpoint: spec.endpoint, delay })
            }
            (None, Some(rate)) => Ok(Self::Random {
                rate,
                kinds: spec.kinds.unwrap_or_default(),
                seed: spec.seed,
                endpoint: spec.endpoint,
                delay,
            }),
            _ => Err("a fault plan has either `kind` (and `count`) or `rate` (and `kinds`)".into()),
        }
    }
}

impl From<FaultPlan> for FaultSpec {
    fn from(plan: FaultPlan) -> Self {
        match plan {
            FaultPlan::Next { kind, count, endpoint, delay } => Self {
                kind: Some(kind),
                count: Some(count),
                endpoint,
                delay_ms: delay.map(|d| d.as_millis() as u64),
                ..Self::default()
            },
            FaultPlan::Random { rate, kinds, seed, endpoint, delay } => Self {
                rate: Some(rate),
                kinds: Some(kinds),
                seed,
                endpoint,
                delay_ms: delay.map(|d| d.as_millis() as u64),
                ..Self::default()
            },
        }
    }
}

/// What one injected fault did, so a test can reconcile client outcomes with the inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultRecord {
    /// Order of the fault among all injected faults, from 1.
    pub seq: u64,
    /// The fault.
    pub kind: FaultKind,
    /// The endpoint's name.
    pub endpoint: String,
    /// Whether the request was processed as usual (see [`FaultKind::processes`]).
    pub processed: bool,
    /// The code processing produced (0: accepted), when processed.
    pub code: Option<i64>,
    /// What processing created (`message_id`, `card_id` or `biz_id`), when accepted.
    pub id: Option<String>,
    /// The request's `uuid`, when its body was read and had one.
    pub uuid: Option<String>,
}

/// Why a fault plan was refused: an unknown endpoint, a rate outside 0..=1, or a random
/// plan without kinds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultPlanError(pub String);

impl std::fmt::Display for FaultPlanError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FaultPlanError {}

/// A fault chosen for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Fault {
    pub kind: FaultKind,
    pub delay: Option<Duration>,
}

/// An injected plan with what is left of it.
#[derive(Debug)]
struct ActivePlan {
    plan: FaultPlan,
    endpoint: Option<Route>,
    remaining: u32,
    rng: fastrand::Rng,
}

impl ActivePlan {
    fn matches(&self, endpoint: Route) -> bool {
        match self.endpoint {
            Some(only) => only == endpoint,
            None => !endpoint.is_auth(),
        }
    }
}

/// The injected plans and the record of faults.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    plans: Vec<ActivePlan>,
    log: Vec<FaultRecord>,
}

impl Faults {
    /// Adds a plan; fails on an unknown endpoint, a bad rate or an empty kind list.
    pub fn inject(&mut self, plan: FaultPlan) -> Result<(), FaultPlanError> {
        let (endpoint, remaining, rng) = match &plan {
            FaultPlan::Next { endpoint, count, .. } => (endpoint, *count, fastrand::Rng::new()),
            FaultPlan::Random { rate, kinds, seed, endpoint, .. } => {
                if !(0.0..=1.0).contains(rate) {
                    return Err(FaultPlanError(format!("rate must be within 0..=1, got {rate}")));
                }
                if kinds.is_empty() {
                    return Err(FaultPlanError("a random fault plan needs at least one kind".into()));
                }
                let rng = seed.map_or_else(fastrand::Rng::new, fastrand::Rng::with_seed);
                (endpoint, u32::MAX, rng)
            }
        };
        let endpoint = match endpoint {
            Some(name) => Some(
                Route::resolve(name).ok_or_else(|| FaultPlanError(format!("unknown endpoint `{name}`")))?,
            ),
            None => None,
        };
        self.plans.push(ActivePlan { plan, endpoint, remaining, rng });
        Ok(())
    }

    /// Chooses (and uses up) the fault for a request to `endpoint`, if any.
    pub fn take(&mut self, endpoint: Route) -> Option<Fault> {
        let next = self.plans.iter_mut().find(|active| {
            matches!(active.plan, FaultPlan::Next { kind, .. } if kind.applies_to(endpoint))
                && active.remaining > 0
                && active.matches(endpoint)
        });
        if let Some(active) = next {
            active.remaining -= 1;
            let fault = match &active.plan {
                FaultPlan::Next { kind, delay, .. } => Some(Fault { kind: *kind, delay: *delay }),
                FaultPlan::Random { .. } => None,
            };
            self.plans.retain(|active| active.remaining > 0);
            return fault;
        }
        for active in &mut self.plans {
            if !active.matches(endpoint) {
                continue;
            }
            let FaultPlan::Random { rate, kinds, delay, .. } = &active.plan else {
                continue;
            };
            let usable: Vec<FaultKind> =
                kinds.iter().copied().filter(|kind| kind.applies_to(endpoint)).collect();
            if usable.is_empty() || active.rng.f64() >= *rate {
                continue;
            }
            if let Some(kind) = usable.get(active.rng.usize(..usable.len())) {
                return Some(Fault { kind: *kind, delay: *delay });
            }
        }
        None
    }

    /// Records what a fault did, numbering it.
    pub fn record(&mut self, mut record: FaultRecord) {
        record.seq = self.log.len() as u64 + 1;
        self.log.push(record);
    }

    /// The plans still active (count plans with the count that is left).
    pub fn plans(&self) -> Vec<FaultPlan> {
        self.plans
            .iter()
            .map(|active| match &active.plan {
                FaultPlan::Next { kind, endpoint, delay, .. } => FaultPlan::Next {
                    kind: *kind,
                    count: active.remaining,
                    endpoint: endpoint.clone(),
                    delay: *delay,
                },
                random @ FaultPlan::Random { .. } => random.clone(),
            })
            .collect()
    }

    /// What the faults did so far.
    pub fn log(&self) -> &[FaultRecord] {
        &self.log
    }

    /// Removes every plan (the record stays).
    pub fn clear_plans(&mut self) {
        self.plans.clear();
    }
}
