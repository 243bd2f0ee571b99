//! Tenant access tokens: fetched from the auth endpoints, cached in a [`TokenStore`],
//! refreshed ahead of expiry, fetched once for any number of concurrent callers.

mod credentials;
mod endpoints;

use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use serde_json::json;
use tokio::time::Instant;

use crate::codes::{APP_TICKET_INVALID, APP_TOKEN_INVALID};
use crate::error::{Error, ErrorKind, Result};
use crate::fork::ForkLocal;
use crate::secret::Secret;
use crate::token_store::{CachedToken, TokenStore};
pub(crate) use credentials::Credentials;
pub use credentials::{AppTicketCell, AppTicketSource};
pub(crate) use endpoints::AuthHttp;
use endpoints::{
    APP_TICKET_RESEND, AuthAnswer, SELF_BUILT_TENANT_TOKEN, STORE_APP_TOKEN, STORE_TENANT_TOKEN,
};

/// The longest lifetime a token is kept for, whatever `expire` says (the platform's tokens
/// live at most 2 hours).
const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(2 * 60 * 60);
/// The shortest: an `expire` of 0 or a few seconds must not mean one token request per call.
const MIN_TOKEN_LIFETIME: Duration = Duration::from_secs(2);
/// Tokens the platform may reject in a row (with none accepted in between) before a
/// rejection stops fetching a new token, for a minute: a platform that rejects every token
/// costs the first token and this many more, however many callers and attempts see it.
pub const MAX_REJECTED_TOKENS_IN_A_ROW: usize = 3;
/// How long a run of rejected tokens stops new fetches.
const REJECTION_PAUSE: Duration = Duration::from_secs(60);
/// Longest time one process may hold the lease on fetching a token for every process
/// sharing the store (a process that dies while fetching delays the others this long).
const LEASE_TTL: Duration = Duration::from_secs(10);
/// How often a process waiting for another's token looks for it.
const LEASE_POLL: Duration = Duration::from_millis(20);

/// Fetches, caches and refreshes the tenant access token of one client.
#[derive(Debug)]
pub(crate) struct TokenManager {
    credentials: Credentials,
    store: Arc<dyn TokenStore>,
    refresh_ahead: Duration,
    fetching: ForkLocal<tokio::sync::Mutex<()>>,
    rejections: Mutex<Rejections>,
    /// Whether `rejections` holds anything (read by every successful call, without a lock).
    any_rejected: AtomicBool,
    /// A fingerprint of the last token the platform accepted: its later rejection is a
    /// revocation, not a sign of a platform that rejects every token.
    last_accepted: AtomicU64,
}

/// The tokens the platform rejected since it last accepted one: however many callers see
/// those rejections, only a few new tokens are fetched, then none for a while.
#[derive(Debug, Default)]
struct Rejections {
    tokens: Vec<Secret>,
    paused_until: Option<Instant>,
}

impl std::fmt::Debug for dyn TokenStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenStore")
    }
}

impl TokenManager {
    pub(crate) fn new(credentials: Credentials, store: Arc<dyn TokenStore>, refresh_ahead: Duration) -> Self {
        let fetching = ForkLocal::new(|| Ok(tokio::sync::Mutex::new(())));
        Self {
            credentials,
            store,
            refresh_ahead,
            fetching,
            rejections: Mutex::default(),
            any_rejected: AtomicBool::new(false),
            last_accepted: AtomicU64::new(0),
        }
    }

    /// A tenant access token that is good to use now.
    pub(crate) async fn tenant_token(&self, auth: &AuthHttp<'_>, deadline: Instant) -> Result<Secret> {
        if let Credentials::Token(token) = &self.credentials {
            return Ok(token.clone());
        }
        let key = self.tenant_key();
        if let Some(token) = self.fresh(&key).await {
            return Ok(token);
        }
        // Single flight: one caller fetches, the others wait and then find its token.
        let lock = self.fetching.get()?;
        let _fetching = tokio::time::timeout_at(deadline, lock.lock())
            .await
            .map_err(|_| Error::new(ErrorKind::Timeout, "timed out waiting for the tenant access token"))?;
        loop {
            if let Some(token) = self.fresh(&key).await {
                return Ok(token);
            }
            // Across processes sharing the store: one holds the lease and fetches, the
            // others read its token when it lands (or take the lease when it lapses).
            if self.store.lease(&key, LEASE_TTL).await {
                // The holder before may have stored its token since it was looked for.
                if let Some(token) = self.fresh(&key).await {
                    self.store.release(&key).await;
                    return Ok(token);
                }
                let fetched = self.fetch_tenant_token(auth, deadline).await;
                if let Ok(cached) = &fetched {
                    self.store.put(&key, cached.clone()).await;
                    tracing::debug!(target: "larkmsg::auth", "fetched a new tenant access token");
                }
                self.store.release(&key).await;
                return fetched.map(|cached| cached.token);
            }
            if Instant::now() + LEASE_POLL >= deadline {
                return Err(Error::new(
                    ErrorKind::Timeout,
                    "timed out waiting for the tenant access token another process is fetching",
                ));
            }
            tokio::time::sleep(LEASE_POLL).await;
        }
    }

    /// After the platform rejected `token`: forgets it, so that the next call fetches a new
    /// one, and gives `true` (try again). Gives `false` (give up) once
    /// [`MAX_REJECTED_TOKENS_IN_A_ROW`] tokens were rejected without one accepted in between, for
    /// [`REJECTION_PAUSE`]: a platform that rejects every token costs a few token requests,
    /// not one per caller and attempt.
    pub(crate) async fn reject(&self, token: &Secret) -> bool {
        if matches!(self.credentials, Credentials::Token(_)) {
            return false;
        }
        match self.count_rejection(token) {
            Rejection::Refetch => {
                self.store.remove(&self.tenant_key(), token).await;
                true
            }
            Rejection::Paused => false,
            Rejection::PauseStarts => {
                // Logged outside the lock: sections of the fork gate do not nest.
                tracing::warn!(
                    target: "larkmsg::auth",
                    "the platform rejected {MAX_REJECTED_TOKENS_IN_A_ROW} tokens in a row; no new token for {}s",
                    REJECTION_PAUSE.as_secs()
                );
                false
            }
        }
    }

    /// Counts a rejection of `token` and says what follows.
    fn count_rejection(&self, token: &Secret) -> Rejection {
        let mut rejections = crate::fork::lock(&self.rejections);
        let now = Instant::now();
        if rejections.paused_until.is_some_and(|until| now < until) {
            return Rejection::Paused;
        }
        if rejections.paused_until.take().is_some() {
            rejections.tokens.clear();
        }
        if fingerprint(token) == self.last_accepted.load(Ordering::Acquire) {
            // A token that worked was revoked: fetch another, counting starts again.
            rejections.tokens.clear();
            return Rejection::Refetch;
        }
        if rejections.tokens.contains(token) {
            return Rejection::Refetch;
        }
        if rejections.tokens.len() >= MAX_REJECTED_TOKENS_IN_A_ROW {
            rejections.paused_until = Some(now + REJECTION_PAUSE);
            return Rejection::PauseStarts;
        }
        rejections.tokens.push(token.clone());
        self.any_rejected.store(true, Ordering::Release);
        Rejection::Refetch
    }

    /// The platform accepted `token`: rejections start counting again.
    pub(crate) fn accepted(&self, token: &Secret) {
        let accepted = fingerprint(token);
        if self.last_accepted.load(Ordering::Relaxed) != accepted {
            self.last_accepted.store(accepted, Ordering::Release);
        }
        if self.any_rejected.swap(false, Ordering::AcqRel) {
            *crate::fork::lock(&self.rejections) = Rejections::default();
        }
    }

    /// Whether a rejected token can be replaced (not a fixed token given by the caller).
    pub(crate) fn can_refresh(&self) -> bool {
        !matches!(self.credentials, Credentials::Token(_))
    }

    fn tenant_key(&self) -> String {
        match &self.credentials {
            Credentials::SelfBuilt { app_id, .. } => format!("tenant_access_token:{app_id}"),
            Credentials::Store { app_id, tenant_key, .. } => {
                format!("tenant_access_token:{app_id}:{tenant_key}")
            }
            Credentials::Token(_) => String::new(),
        }
    }

    async fn fresh(&self, key: &str) -> Option<Secret> {
        self.store.get(key).await.filter(|t| t.is_fresh(SystemTime::now())).map(|t| t.token)
    }

    async fn fetch_tenant_token(&self, auth: &AuthHttp<'_>, deadline: Instant) -> Result<CachedToken> {
        match &self.credentials {
            Credentials::SelfBuilt { app_id, app_secret } => {
                let body = json!({ "app_id": app_id, "app_secret": app_secret.expose() });
                let answer = auth.post(SELF_BUILT_TENANT_TOKEN, body, deadline).await?;
                self.cached(answer, TokenKind::Tenant)
            }
            Credentials::Store { app_id, app_secret, tenant_key, tickets } => {
                let store = StoreApp { app_id, app_secret, tenant_key, tickets: tickets.as_ref() };
                self.fetch_store_tenant_token(auth, &store, deadline).await
            }
            Credentials::Token(token) => Ok(CachedToken {
                token: token.clone(),
                expires_at: SystemTime::UNIX_EPOCH,
                refresh_at: SystemTime::UNIX_EPOCH,
            }),
        }
    }

    async fn fetch_store_tenant_token(
        &self,
        auth: &AuthHttp<'_>,
        app: &StoreApp<'_>,
        deadline: Instant,
    ) -> Result<CachedToken> {
        let mut app_token = self.store_app_token(auth, app, deadline).await?;
        for attempt in 0..2 {
            let body = json!({ "app_access_token": app_token.expose(), "tenant_key": app.tenant_key });
            let answer = auth.post(STORE_TENANT_TOKEN, body, deadline).await?;
            if answer.code == APP_TOKEN_INVALID && attempt == 0 {
                self.store.remove(&app.app_token_key(), &app_token).await;
                app_token = self.store_app_token(auth, app, deadline).await?;
                continue;
            }
            return self.cached(answer, TokenKind::Tenant);
        }
        Err(Error::new(ErrorKind::Auth, "the platform rejected a freshly fetched app access token"))
    }

    async fn store_app_token(
        &self,
        auth: &AuthHttp<'_>,
        app: &StoreApp<'_>,
        deadline: Instant,
    ) -> Result<Secret> {
        let key = app.app_token_key();
        if let Some(token) = self.fresh(&key).await {
            return Ok(token);
        }
        let Some(ticket) = app.tickets.app_ticket().await else {
            self.resend_ticket(auth, app, deadline).await;
            return Err(Error::new(
                ErrorKind::Auth,
                "no app_ticket has arrived for this store app yet; the platform was asked to push one again",
            ));
        };
        let body = json!({ "app_id": app.app_id, "app_secret": app.app_secret.expose(), "app_ticket": ticket.expose() });
        let answer = auth.post(STORE_APP_TOKEN, body, deadline).await?;
        if answer.code == APP_TICKET_INVALID {
            self.resend_ticket(auth, app, deadline).await;
        }
        let cached = self.cached(answer, TokenKind::App)?;
        let token = cached.token.clone();
        self.store.put(&key, cached).await;
        Ok(token)
    }

    /// Asks the platform to push the app ticket again; failures are only logged, since the
    /// caller reports the missing ticket anyway.
    async fn resend_ticket(&self, auth: &AuthHttp<'_>, app: &StoreApp<'_>, deadline: Instant) {
        let body = json!({ "app_id": app.app_id, "app_secret": app.app_secret.expose() });
        match auth.post(APP_TICKET_RESEND, body, deadline).await {
            Ok(answer) if answer.code == 0 => {
                tracing::info!(target: "larkmsg::auth", "asked for the app_ticket again")
            }
            Ok(answer) => {
                tracing::warn!(target: "larkmsg::auth", code = answer.code, msg = %answer.msg, "app_ticket resend refused")
            }
            Err(error) => tracing::warn!(target: "larkmsg::auth", %error, "app_ticket resend failed"),
        }
    }

    fn cached(&self, answer: AuthAnswer, kind: TokenKind) -> Result<CachedToken> {
        if answer.code != 0 {
            let what = match kind {
                TokenKind::Tenant => "a tenant access token",
                TokenKind::App => "an app access token",
            };
            return Err(answer.refusal(what));
        }
        let status = answer.status;
        let token = match kind {
            TokenKind::Tenant => answer.tenant_access_token,
            TokenKind::App => answer.app_access_token,
        };
        let (Some(token), Some(expire)) = (token.filter(|t| !t.is_empty()), answer.expire) else {
            return Err(Error::new(ErrorKind::Decode, "the token answer has no token or no expire")
                .with_http_status(status)
                .with_log_id(answer.log_id));
        };
        let now = SystemTime::now();
        let lifetime = Duration::from_secs(expire).clamp(MIN_TOKEN_LIFETIME, MAX_TOKEN_LIFETIME);
        let ahead = self.refresh_ahead.min(lifetime / 2);
        Ok(CachedToken {
            token: Secret::new(token),
            expires_at: now + lifetime,
            refresh_at: now + lifetime - ahead,
        })
    }
}

/// A fingerprint of a token, to recognize it without keeping it (never 0).
fn fingerprint(token: &Secret) -> u64 {
    let mut hasher = DefaultHasher::new();
    token.expose().hash(&mut hasher);
    hasher.finish().max(1)
}

/// What a rejected token leads to.
enum Rejection {
    /// Forget it and fetch another.
    Refetch,
    /// Give up: no new token for a while.
    Paused,
    /// Give up, and the pause starts now.
    PauseStarts,
}

#[derive(Clone, Copy)]
enum TokenKind {
    Tenant,
    App,
}

struct StoreApp<'a> {
    app_id: &'a str,
    app_secret: &'a Secret,
    tenant_key: &'a str,
    tickets: &'a dyn AppTicketSource,
}

impl StoreApp<'_> {
    fn app_token_key(&self) -> String {
        format!("app_access_token:{}", self.app_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_debug_hides_secrets() {
        let credentials =
            Credentials::SelfBuilt { app_id: "cli_1".into(), app_secret: Secret::new("s3cr3t") };
        let text = format!("{credentials:?}");
        assert!(text.contains("cli_1") && !text.contains("s3cr3t"), "{text}");
        assert!(!format!("{:?}", Credentials::Token(Secret::new("t-abc"))).contains("t-abc"));
    }

    fn manager() -> TokenManager {
        let credentials = Credentials::SelfBuilt { app_id: "cli_1".into(), app_secret: Secret::new("s") };
        TokenManager::new(credentials, Arc::new(crate::MemoryTokenStore::new()), Duration::from_secs(300))
    }

    fn answer(expire: u64) -> AuthAnswer {
        AuthAnswer {
            code: 0,
            msg: String::new(),
            tenant_access_token: Some("t-1".into()),
            app_access_token: None,
            expire: Some(expire),
            log_id: None,
            status: 200,
        }
    }

    #[test]
    fn token_lifetimes_are_clamped() {
        let manager = manager();
        let start = SystemTime::now();
        let huge = manager.cached(answer(u64::MAX), TokenKind::Tenant).unwrap();
        assert!(huge.expires_at <= SystemTime::now() + MAX_TOKEN_LIFETIME);
        let none = manager.cached(answer(0), TokenKind::Tenant).unwrap();
        assert!(none.expires_at >= start + MIN_TOKEN_LIFETIME);
        assert!(none.refresh_at >= start + MIN_TOKEN_LIFETIME / 2);
    }

    #[tokio::test]
    async fn rejections_stop_fetching_after_a_few_tokens() {
        let manager = manager();
        for i in 0..MAX_REJECTED_TOKENS_IN_A_ROW {
            let token = Secret::new(format!("t-{i}"));
            assert!(manager.reject(&token).await, "token {i}");
            assert!(manager.reject(&token).await, "the same token again costs nothing");
        }
        assert!(!manager.reject(&Secret::new("t-last")).await);
        assert!(!manager.reject(&Secret::new("t-0")).await, "paused");
        manager.accepted(&Secret::new("t-good"));
        assert!(manager.reject(&Secret::new("t-after")).await);
    }

    #[tokio::test]
    async fn revoking_tokens_that_worked_never_pauses_fetching() {
        let manager = manager();
        for i in 0..3 * MAX_REJECTED_TOKENS_IN_A_ROW {
            let token = Secret::new(format!("t-{i}"));
            manager.accepted(&token);
            assert!(manager.reject(&token).await, "a revoked token {i} is replaced");
        }
        for i in 0..MAX_REJECTED_TOKENS_IN_A_ROW {
            assert!(manager.reject(&Secret::new(format!("new-{i}"))).await);
        }
        assert!(!manager.reject(&Secret::new("new-last")).await, "tokens that never worked still pause");
    }

    #[tokio::test]
    async fn ticket_cell_keeps_the_last_ticket() {
        let cell = AppTicketCell::new();
        assert!(cell.app_ticket().await.is_none());
        cell.set("ticket-1");
        cell.set("ticket-2");
        assert_eq!(cell.app_ticket().await.unwrap().expose(), "ticket-2");
    }
}
