//! [`Client`] and [`ClientBuilder`]: credentials, base URL, timeouts, retries and quotas.

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use crate::auth::{AppTicketCell, AppTicketSource, Credentials, TokenManager};
use crate::config::{Domain, RetryPolicy, Timeouts};
use crate::endpoint::Listed;
use crate::error::{Error, ErrorKind, Result};
use crate::http::{Body, Http, HttpSettings};
use crate::operation::expand_path;
use crate::pacing::Pacer;
use crate::quota::QuotaTable;
use crate::secret::Secret;
use crate::token_store::{MemoryTokenStore, TokenStore};
use crate::transport::{Call, Transport};
use crate::validate::decode_value;

/// Default time before expiry at which a token is refreshed.
const REFRESH_AHEAD: Duration = Duration::from_secs(300);

/// Builds a [`Client`].
#[derive(Clone)]
pub struct ClientBuilder {
    credentials: Option<Credentials>,
    domain: Domain,
    timeouts: Timeouts,
    retry: RetryPolicy,
    quotas: QuotaTable,
    token_store: Option<Arc<dyn TokenStore>>,
    refresh_ahead: Duration,
    user_agent_suffix: Option<String>,
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("credentials", &self.credentials)
            .field("domain", &self.domain)
            .field("timeouts", &self.timeouts)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            credentials: None,
            domain: Domain::default(),
            timeouts: Timeouts::default(),
            retry: RetryPolicy::default(),
            quotas: QuotaTable::documented(),
            token_store: None,
            refresh_ahead: REFRESH_AHEAD,
            user_agent_suffix: None,
        }
    }
}

impl ClientBuilder {
    /// A builder without credentials; give them with [`ClientBuilder::app`],
    /// [`ClientBuilder::store_app`] or [`ClientBuilder::tenant_access_token`].
    pub fn new() -> Self {
        Self::default()
    }

    /// Authenticates as a self-built app.
    pub fn app(mut self, app_id: impl Into<String>, app_secret: impl Into<Secret>) -> Self {
        self.credentials =
            Some(Credentials::SelfBuilt { app_id: app_id.into(), app_secret: app_secret.into() });
        self
    }

    /// Authenticates as a store (ISV) app installed by the tenant `tenant_key`; `tickets`
    /// gives the `app_ticket` the platform pushes to the app.
    pub fn store_app(
        mut self,
        app_id: impl Into<String>,
        app_secret: impl Into<Secret>,
        tenant_key: impl Into<String>,
        tickets: Arc<dyn AppTicketSource>,
    ) -> Self {
        self.credentials = Some(Credentials::Store {
            app_id: app_id.into(),
            app_secret: app_secret.into(),
            tenant_key: tenant_key.into(),
            tickets,
        });
        self
    }

    /// Uses a ready tenant access token as is (never refreshed).
    pub fn tenant_access_token(mut self, token: impl Into<Secret>) -> Self {
        self.credentials = Some(Credentials::Token(token.into()));
        self
    }

    /// Calls Feishu, Lark, or a custom base URL.
    pub fn domain(mut self, domain: Domain) -> Self {
        self.domain = domain;
        self
    }

    /// Calls a custom base URL (`https://…`, or `http://127.0.0.1:…` for a fake).
    pub fn base_url(self, url: impl Into<String>) -> Self {
        self.domain(Domain::Custom(url.into()))
    }

    /// Sets every timeout.
    pub fn timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// Sets how calls are repeated after failures.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Sets the quotas the client paces itself to; [`QuotaTable::unlimited`] switches pacing off.
    pub fn quotas(mut self, quotas: QuotaTable) -> Self {
        self.quotas = quotas;
        self
    }

    /// Keeps tokens in `store` instead of this process's memory.
    pub fn token_store(mut self, store: Arc<dyn TokenStore>) -> Self {
        self.token_store = Some(store);
        self
    }

    /// Fetches a new token this long before the current one expires (default 5 minutes,
    /// at most half the token's lifetime).
    pub fn refresh_ahead(mut self, ahead: Duration) -> Self {
        self.refresh_ahead = ahead;
        self
    }

    /// Appends to the `User-Agent` (bindings name their language here).
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(suffix.into());
        self
    }

    /// Builds the client; fails with [`ErrorKind::Config`] on missing credentials or a bad URL.
    ///
    /// # Errors
    /// [`ErrorKind::Config`] naming what is missing or wrong.
    pub fn build(self) -> Result<Client> {
        let credentials = self.credentials.ok_or_else(|| {
            Error::new(
                ErrorKind::Config,
                "no credentials: give an app id and secret, a store app, or a token",
            )
        })?;
        check_credentials(&credentials)?;
        let base_url = check_base_url(self.domain.base_url())?;
        let user_agent = match &self.user_agent_suffix {
            Some(suffix) => format!("larkmsg/{} {suffix}", env!("CARGO_PKG_VERSION")),
            None => format!("larkmsg/{} (rust)", env!("CARGO_PKG_VERSION")),
        };
        let http = Http::new(HttpSettings { connect_timeout: self.timeouts.connect, user_agent })?;
        let store = self.token_store.unwrap_or_else(|| Arc::new(MemoryTokenStore::new()));
        let inner = Inner {
            app_id: app_id_of(&credentials),
            transport: Transport::new(base_url, http, self.timeouts, self.retry),
            tokens: TokenManager::new(credentials, store, self.refresh_ahead),
            pacer: Pacer::new(self.quotas),
        };
        Ok(Client { inner: Arc::new(inner), timeouts: self.timeouts, tickets: None })
    }
}

fn check_credentials(credentials: &Credentials) -> Result<()> {
    let missing = match credentials {
        Credentials::SelfBuilt { app_id, app_secret } => {
            [("app_id", app_id.is_empty()), ("app_secret", app_secret.expose().is_empty())]
                .iter()
                .find(|(_, empty)| *empty)
                .map(|(name, _)| *name)
        }
        Credentials::Store { app_id, app_secret, tenant_key, .. } => [
            ("app_id", app_id.is_empty()),
            ("app_secret", app_secret.expose().is_empty()),
            ("tenant_key", tenant_key.is_empty()),
        ]
        .iter()
        .find(|(_, empty)| *empty)
        .map(|(name, _)| *name),
        Credentials::Token(token) => token.expose().is_empty().then_some("tenant_access_token"),
    };
    match missing {
        Some(name) => Err(Error::new(ErrorKind::Config, format!("{name} must not be empty"))),
        None => Ok(()),
    }
}

fn check_base_url(base_url: &str) -> Result<String> {
    match url::Url::parse(base_url) {
        Ok(url) if matches!(url.scheme(), "https" | "http") && url.host().is_some() => {
            Ok(base_url.to_owned())
        }
        Ok(_) => Err(Error::new(ErrorKind::Config, format!("base URL {base_url:?} must be an http(s) URL"))),
        Err(e) => Err(Error::new(ErrorKind::Config, format!("base URL {base_url:?} is not a URL: {e}"))),
    }
}

fn app_id_of(credentials: &Credentials) -> Option<String> {
    match credentials {
        Credentials::SelfBuilt { app_id, .. } | Credentials::Store { app_id, .. } => Some(app_id.clone()),
        Credentials::Token(_) => None,
    }
}

/// A Feishu / Lark client: one connection pool, one token cache and one pacer, shared by
/// every clone. Cheap to clone; safe to share between tasks and threads.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    timeouts: Timeouts,
    tickets: Option<Arc<AppTicketCell>>,
}

struct Inner {
    app_id: Option<String>,
    transport: Transport,
    tokens: TokenManager,
    pacer: Pacer,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("app_id", &self.inner.app_id)
            .field("timeouts", &self.timeouts)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A builder for a self-built app.
    pub fn builder(app_id: impl Into<String>, app_secret: impl Into<Secret>) -> ClientBuilder {
        ClientBuilder::new().app(app_id, app_secret)
    }

    /// This client with other timeouts for the calls made through it; it shares the
    /// connection pool, tokens and pacing of the original.
    pub fn with_timeouts(&self, timeouts: Timeouts) -> Client {
        Client { inner: Arc::clone(&self.inner), timeouts, tickets: self.tickets.clone() }
    }

    /// This client with a handle on the ticket cell its store-app credentials read, so that
    /// [`Client::set_app_ticket`] can pass on the tickets the platform pushes.
    pub(crate) fn with_app_tickets(mut self, tickets: Arc<AppTicketCell>) -> Client {
        self.tickets = Some(tickets);
        self
    }

    /// Passes on an `app_ticket` the platform pushed to a store app built from
    /// [`crate::ClientOptions`]; fails with [`ErrorKind::Config`] for any other client.
    ///
    /// # Errors
    /// [`ErrorKind::Config`] when the client was not built as a store app from options.
    pub fn set_app_ticket(&self, ticket: impl Into<Secret>) -> Result<()> {
        let tickets = self.tickets.as_ref().ok_or_else(|| {
            Error::new(ErrorKind::Config, "this client was not built as a store app from options")
        })?;
        tickets.set(ticket);
        Ok(())
    }

    /// The timeouts of calls made through this client.
    pub fn timeouts(&self) -> Timeouts {
        self.timeouts
    }

    /// Runs one operation: validates the request (nothing is sent when it breaks a rule),
    /// fills its de-duplication key, then sends it paced, authenticated and repeated when
    /// that is safe, and decodes the answer's `data`.
    pub(crate) async fn run<O: Listed>(&self, mut request: O::Request) -> Result<O::Output> {
        O::validate(&request)?;
        if let Some(key) = O::dedup_key(&mut request)
            && key.is_none()
        {
            *key = Some(uuid::Uuid::new_v4().to_string());
        }
        let body = match O::form(&request) {
            Some(form) => Body::Form(form),
            None => Body::Json(
                serde_json::to_vec(&request)
                    .map_err(|e| {
                        Error::new(ErrorKind::InvalidArgument, format!("the request cannot be encoded: {e}"))
                    })?
                    .into(),
            ),
        };
        let call = Call {
            endpoint: O::ENDPOINT,
            path: expand_path(O::PATH, &O::path_params(&request)),
            query: O::query(&request),
            body,
            subject: O::subject(&request),
        };
        let inner = &*self.inner;
        inner.transport.call(&call, &inner.tokens, &inner.pacer, &self.timeouts).await
    }

    /// [`Client::run`] with the request as its flat JSON object (its `{"buffer": i}` files
    /// taken from `buffers`) and the result as JSON.
    pub(crate) async fn run_json<O: Listed>(
        &self,
        request: Value,
        buffers: Vec<bytes::Bytes>,
    ) -> Result<Value> {
        let request = crate::file::with_buffers(buffers, || decode_value::<O::Request>("", request))
            .map_err(Error::from)?;
        let output = self.run::<O>(request).await?;
        serde_json::to_value(output)
            .map_err(|e| Error::new(ErrorKind::Decode, format!("cannot encode the result: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_checks_credentials_and_url() {
        let missing = ClientBuilder::new().build().unwrap_err();
        assert_eq!(missing.kind(), ErrorKind::Config);
        let empty = Client::builder("cli_1", "").build().unwrap_err();
        assert!(empty.message().contains("app_secret"), "{empty}");
        let bad_url = Client::builder("cli_1", "s").base_url("ftp://x").build().unwrap_err();
        assert_eq!(bad_url.kind(), ErrorKind::Config);
        assert!(Client::builder("cli_1", "s").base_url("http://127.0.0.1:1").build().is_ok());
    }

    #[test]
    fn debug_shows_no_secret() {
        let client = Client::builder("cli_1", "very-secret").build().unwrap();
        let builder = Client::builder("cli_1", "very-secret");
        for text in [format!("{client:?}"), format!("{builder:?}")] {
            assert!(text.contains("cli_1") && !text.contains("very-secret"), "{text}");
        }
    }
}
