//! The tokens the fake issued: who they belong to, when they expire, which is current.
//!
//! As the platform: asking again while at least the reuse threshold of a token's life
//! remains returns the same token, otherwise a new one is issued and the old one stays
//! valid until it expires.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use super::ids;

/// The kind of a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum TokenKind {
    /// `tenant_access_token`, prefix `t-`.
    Tenant,
    /// `app_access_token`, prefix `a-`.
    App,
}

#[derive(Debug)]
struct Token {
    kind: TokenKind,
    app_id: String,
    tenant_key: String,
    expires: Instant,
}

/// The app and tenant a valid token belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Caller {
    pub app_id: String,
    pub tenant_key: String,
}

/// Every token issued and not yet expired or revoked, and the record of all issued.
#[derive(Debug, Default)]
pub(crate) struct Tokens {
    tokens: HashMap<String, Token>,
    current: HashMap<(TokenKind, String, String), String>,
    issued: Vec<String>,
}

impl Tokens {
    /// The token of `kind` for the app and tenant: the current one while at least
    /// `reuse` of its life remains, else a new one. Returns it with its `expire`.
    pub fn issue(
        &mut self,
        kind: TokenKind,
        caller: &Caller,
        lifetime: Duration,
        reuse: Duration,
        now: Instant,
    ) -> (String, u64) {
        self.tokens.retain(|_, token| token.expires > now);
        let key = (kind, caller.app_id.clone(), caller.tenant_key.clone());
        let reusable = self
            .current
            .get(&key)
            .and_then(|value| Some((value, self.tokens.get(value)?)))
            .map(|(value, token)| (value.clone(), token.expires.saturating_duration_since(now)))
            .filter(|(_, remaining)| *remaining >= reuse && !remaining.is_zero());
        if let Some((value, remaining)) = reusable {
            return (value, whole_seconds(remaining));
        }
        let value = ids::token(match kind {
            TokenKind::Tenant => "t-",
            TokenKind::App => "a-",
        });
        self.tokens.insert(
            value.clone(),
            Token {
                kind,
                app_id: caller.app_id.clone(),
                tenant_key: caller.tenant_key.clone(),
                expires: now + lifetime,
            },
        );
        self.current.insert(key, value.clone());
        self.issued.push(value.clone());
        (value, whole_seconds(lifetime))
    }

    /// Every token issued since the fake started, revoked and expired ones included.
    pub fn issued(&self) -> &[String] {
        &self.issued
    }

    /// Who a valid token of `kind` belongs to.
    pub fn caller(&self, value: &str, kind: TokenKind, now: Instant) -> Option<Caller> {
        self.tokens
            .get(value)
            .filter(|token| token.kind == kind && token.expires > now)
            .map(|token| Caller { app_id: token.app_id.clone(), tenant_key: token.tenant_key.clone() })
    }

    /// Revokes every token (the record of issued tokens stays).
    pub fn revoke_all(&mut self) {
        self.tokens.clear();
        self.current.clear();
    }
}

fn whole_seconds(duration: Duration) -> u64 {
    duration.as_secs_f64().round() as u64
}
