//! What a fake server starts with: its apps, port, token lifetime, quotas and latency.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// `app_id` of the default self-built app.
pub const DEFAULT_APP_ID: &str = "cli_fake_app";
/// `app_secret` of the default self-built app.
pub const DEFAULT_APP_SECRET: &str = "fake_app_secret";
/// `app_id` of the default store (ISV) app.
pub const STORE_APP_ID: &str = "cli_fake_store_app";
/// `app_secret` of the default store (ISV) app.
pub const STORE_APP_SECRET: &str = "fake_store_secret";
/// The tenant both default apps are installed in.
pub const FAKE_TENANT_KEY: &str = "fake_tenant";
/// Default token lifetime: two hours, as the platform.
pub const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(7200);
/// The platform reuses a token while at least this much of its life remains.
pub const MAX_REUSE_THRESHOLD: Duration = Duration::from_secs(30 * 60);
/// Default time after which a card entity's streaming mode closes by itself: 10 minutes,
/// as the platform.
pub const DEFAULT_STREAMING_TIMEOUT: Duration = Duration::from_secs(600);
/// Default delay of the `slow` fault: longer than any sensible client timeout in tests.
pub const DEFAULT_SLOW_DELAY: Duration = Duration::from_secs(10);

/// Whether an app is self-built (internal) or a store (ISV) app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppKind {
    /// A self-built app: gets tokens from the `…/internal` endpoints.
    SelfBuilt,
    /// A store app: needs an `app_ticket` and a `tenant_key`.
    Store,
}

/// An app the fake knows, with the tenant it is installed in.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FakeApp {
    /// The app's id (`cli_…`).
    pub app_id: String,
    /// The app's secret.
    pub app_secret: String,
    /// Self-built or store app.
    pub kind: AppKind,
    /// The tenant the app is installed in.
    #[serde(default = "default_tenant_key")]
    pub tenant_key: String,
    /// For a store app: the other tenants that installed it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_tenants: Vec<String>,
}

fn default_tenant_key() -> String {
    FAKE_TENANT_KEY.to_owned()
}

impl FakeApp {
    /// A self-built app in the fake tenant.
    pub fn self_built(app_id: impl Into<String>, app_secret: impl Into<String>) -> Self {
        Self {
            app_id: app_id.into(),
            app_secret: app_secret.into(),
            kind: AppKind::SelfBuilt,
            tenant_key: default_tenant_key(),
            other_tenants: Vec::new(),
        }
    }

    /// A store app installed in `tenant_key`.
    pub fn store(
        app_id: impl Into<String>,
        app_secret: impl Into<String>,
        tenant_key: impl Into<String>,
    ) -> Self {
        Self {
            app_id: app_id.into(),
            app_secret: app_secret.into(),
            kind: AppKind::Store,
            tenant_key: tenant_key.into(),
            other_tenants: Vec::new(),
        }
    }

    /// This store app, installed in `tenant_key` too.
    #[must_use]
    pub fn also_installed_in(mut self, tenant_key: impl Into<String>) -> Self {
        self.other_tenants.push(tenant_key.into());
        self
    }

    /// Whether the tenant `tenant_key` installed the app.
    pub fn is_installed_in(&self, tenant_key: &str) -> bool {
        self.tenant_key == tenant_key || self.other_tenants.iter().any(|other| other == tenant_key)
    }
}

impl fmt::Debug for FakeApp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeApp")
            .field("app_id", &self.app_id)
            .field("app_secret", &"<redacted>")
            .field("kind", &self.kind)
            .field("tenant_key", &self.tenant_key)
            .field("other_tenants", &self.other_tenants)
            .finish()
    }
}

/// How a [`FakeServer`](super::FakeServer) starts. Everything but `port` and `apps`
/// can be changed later through the server's controls.
#[derive(Debug, Clone)]
pub struct FakeConfig {
    /// Port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// The apps that can authenticate.
    pub apps: Vec<FakeApp>,
    /// Lifetime of a newly issued token.
    pub token_lifetime: Duration,
    /// A token is handed out again while at least this much of its life remains; `None`
    /// means `min(30 minutes, token_lifetime / 4)` (the platform's 30 minutes for the
    /// default two-hour lifetime, and still "same token" behaviour for short test lifetimes).
    pub token_reuse_threshold: Option<Duration>,
    /// Enforce the platform's rate limits.
    pub quotas: bool,
    /// Added to the processing of every API request (not the controls).
    pub latency: Duration,
    /// How long the `slow` fault waits before answering, unless the fault says otherwise.
    pub slow_delay: Duration,
    /// How long after it was last turned on a card entity's streaming mode closes by itself.
    pub streaming_timeout: Duration,
}

impl Default for FakeConfig {
    fn default() -> Self {
        Self {
            port: 0,
            apps: vec![
                FakeApp::self_built(DEFAULT_APP_ID, DEFAULT_APP_SECRET),
                FakeApp::store(STORE_APP_ID, STORE_APP_SECRET, FAKE_TENANT_KEY),
            ],
            token_lifetime: DEFAULT_TOKEN_LIFETIME,
            token_reuse_threshold: None,
            quotas: false,
            latency: Duration::ZERO,
            slow_delay: DEFAULT_SLOW_DELAY,
            streaming_timeout: DEFAULT_STREAMING_TIMEOUT,
        }
    }
}
