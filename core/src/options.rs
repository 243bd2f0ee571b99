//! [`ClientOptions`]: every client setting as one serde value, so that every binding turns
//! its host's options (Python keywords, a JS object, a C JSON string) into a client the
//! same way.

use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;

use crate::auth::AppTicketCell;
use crate::client::{Client, ClientBuilder};
use crate::config::{Domain, RetryPolicy, Timeouts};
use crate::error::{Error, ErrorKind, Result};
use crate::quota::QuotaTable;
use crate::shared::SharedStore;
use crate::validate::{Validator, decode_value};

/// Client settings in their JSON form (snake_case keys, durations in milliseconds).
///
/// ```json
/// {"app_id": "cli_…", "app_secret": "…", "domain": "lark", "timeouts": {"request_ms": 5000},
///  "retry": {"max_attempts": 3}, "quotas": false,
///  "shared": {"redis_url": "redis://127.0.0.1:6379", "key_prefix": "larkmsg:"}}
/// ```
#[derive(Debug, Default, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ClientOptions {
    /// The app's id.
    #[serde(default)]
    pub app_id: Option<String>,
    /// The app's secret.
    #[serde(default)]
    pub app_secret: Option<crate::secret::Secret>,
    /// A ready tenant access token, used instead of the app's credentials.
    #[serde(default)]
    pub tenant_access_token: Option<crate::secret::Secret>,
    /// For a store app: the tenant that installed it.
    #[serde(default)]
    pub tenant_key: Option<String>,
    /// For a store app: the latest `app_ticket` (later ones via [`Client::set_app_ticket`]).
    #[serde(default)]
    pub app_ticket: Option<crate::secret::Secret>,
    /// `"feishu"` (default) or `"lark"`.
    #[serde(default)]
    pub domain: Option<String>,
    /// A custom base URL; wins over `domain`.
    #[serde(default)]
    pub base_url: Option<String>,
    /// Timeouts in milliseconds.
    #[serde(default)]
    pub timeouts: TimeoutOptions,
    /// Retry settings.
    #[serde(default)]
    pub retry: RetryOptions,
    /// `true` (default): pace to the documented quotas; `false`: no pacing.
    #[serde(default)]
    pub quotas: Option<bool>,
    /// Appended to the `User-Agent`.
    #[serde(default)]
    pub user_agent_suffix: Option<String>,
    /// Largest answer body read, in bytes (default 8 MiB).
    #[serde(default)]
    pub max_response_bytes: Option<u64>,
    /// Hosts that an `http://` base URL may name besides loopback ones; the app secret and
    /// tokens then cross the network unencrypted.
    #[serde(default)]
    pub insecure_http_hosts: Option<Vec<String>>,
    /// Quotas, tokens and card sequences shared by every process of the app through Redis
    /// (off by default).
    #[serde(default)]
    pub shared: Option<SharedOptions>,
    /// Root certificates (PEM text) trusted in addition to the system's.
    #[serde(default)]
    pub root_certificates_pem: Option<String>,
    /// A PEM file of root certificates trusted in addition to the system's.
    #[serde(default)]
    pub root_certificates_file: Option<String>,
    /// For the bindings' tests: every call panics inside the core.
    #[cfg(feature = "fake")]
    #[doc(hidden)]
    #[serde(default, rename = "_panic_in_calls_for_tests")]
    pub panic_in_calls_for_tests: bool,
}

/// [`SharedStore`] in JSON: `{"redis_url": "redis://…", "key_prefix": "…"}`.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct SharedOptions {
    /// `redis://[user:password@]host:port[/db]`.
    pub redis_url: crate::secret::Secret,
    /// Put before every key (default `larkmsg:`).
    #[serde(default)]
    pub key_prefix: Option<String>,
    /// Share of each quota one process uses while Redis does not answer (default 0.25).
    #[serde(default)]
    pub fallback_share: Option<f64>,
    /// Longest wait for one Redis command, in milliseconds (default 250).
    #[serde(default)]
    pub timeout_ms: Option<u64>,
}

impl SharedOptions {
    fn store(self) -> SharedStore {
        let mut store = SharedStore::redis(self.redis_url);
        if let Some(prefix) = self.key_prefix {
            store = store.key_prefix(prefix);
        }
        if let Some(share) = self.fallback_share {
            store = store.fallback_share(share);
        }
        if let Some(ms) = self.timeout_ms {
            store = store.timeout(Duration::from_millis(ms));
        }
        store
    }
}

/// [`Timeouts`] in milliseconds; absent fields keep their defaults.
#[derive(Debug, Default, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct TimeoutOptions {
    /// To open a connection.
    pub connect_ms: Option<u64>,
    /// For one attempt.
    pub request_ms: Option<u64>,
    /// For a whole call.
    pub total_ms: Option<u64>,
}

/// [`RetryPolicy`] with durations in milliseconds; absent fields keep their defaults.
#[derive(Debug, Default, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct RetryOptions {
    /// Attempts per call, the first included.
    pub max_attempts: Option<u32>,
    /// Wait before the first repeat after an error.
    pub initial_backoff_ms: Option<u64>,
    /// Longest wait between attempts after an error.
    pub max_backoff_ms: Option<u64>,
    /// Longest `x-ogw-ratelimit-reset` wait honoured.
    pub max_throttle_wait_ms: Option<u64>,
    /// Pause for one receiver after its per-receiver limit.
    pub receiver_backoff_ms: Option<u64>,
}

impl ClientOptions {
    /// Decodes options from JSON; unknown keys and wrong types are `invalid_argument` errors.
    /// No value of the options is quoted in them (a secret given in the wrong option stays
    /// hidden).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidArgument`] naming the key and what is wrong with it.
    pub fn from_json(value: serde_json::Value) -> Result<Self> {
        let values = quotable_values(&value);
        decode_value("", value).map_err(|violations| {
            let mut redacted = Validator::new();
            for violation in violations.into_vec() {
                let message =
                    values.iter().fold(violation.message, |message, value| message.replace(value, "***"));
                redacted.push(violation.path, violation.rule, message);
            }
            redacted.finish().map_or_else(Error::from, |()| config("the options do not decode"))
        })
    }

    /// Builds the client these options describe. The first client built this way in a
    /// process turns on logging from `LARKMSG_LOG` (see [`crate::logging`]).
    ///
    /// # Errors
    /// [`ErrorKind::Config`] for missing credentials, a bad domain or base URL.
    pub fn build(self) -> Result<Client> {
        crate::logging::enable_from_env();
        let mut builder = ClientBuilder::new();
        let mut tickets = None;
        builder = match (self.tenant_access_token, self.app_id, self.app_secret, self.tenant_key) {
            (Some(token), _, _, _) => builder.tenant_access_token(token),
            (None, Some(app_id), Some(secret), Some(tenant_key)) => {
                let cell = Arc::new(AppTicketCell::new());
                if let Some(ticket) = self.app_ticket {
                    cell.set(ticket);
                }
                tickets = Some(Arc::clone(&cell));
                builder.store_app(app_id, secret, tenant_key, cell)
            }
            (None, Some(app_id), Some(secret), None) => builder.app(app_id, secret),
            _ => {
                return Err(config(
                    "give app_id and app_secret (and tenant_key for a store app), or a token",
                ));
            }
        };
        builder = match (self.base_url, self.domain.as_deref()) {
            (Some(url), _) => builder.base_url(url),
            (None, None | Some("feishu")) => builder.domain(Domain::Feishu),
            (None, Some("lark")) => builder.domain(Domain::Lark),
            (None, Some(_)) => return Err(config("domain must be \"feishu\" or \"lark\"")),
        };
        builder = builder
            .timeouts(self.timeouts.apply(Timeouts::default()))
            .retry(self.retry.apply(RetryPolicy::default()));
        if self.quotas == Some(false) {
            builder = builder.quotas(QuotaTable::unlimited());
        }
        if let Some(suffix) = self.user_agent_suffix {
            builder = builder.user_agent_suffix(suffix);
        }
        if let Some(limit) = self.max_response_bytes {
            builder = builder.max_response_bytes(usize::try_from(limit).unwrap_or(usize::MAX));
        }
        for host in self.insecure_http_hosts.into_iter().flatten() {
            builder = builder.insecure_http_host(host);
        }
        if let Some(shared) = self.shared {
            builder = builder.shared_store(shared.store());
        }
        if let Some(pem) = self.root_certificates_pem {
            builder = builder.root_certificates_pem(pem);
        }
        if let Some(path) = self.root_certificates_file {
            builder = builder.root_certificates_file(path);
        }
        #[cfg(feature = "fake")]
        if self.panic_in_calls_for_tests {
            builder = builder.panic_in_calls_for_tests();
        }
        let client = builder.build()?;
        Ok(match tickets {
            Some(cell) => client.with_app_tickets(cell),
            None => client,
        })
    }
}

impl TimeoutOptions {
    fn apply(&self, mut timeouts: Timeouts) -> Timeouts {
        set_ms(&mut timeouts.connect, self.connect_ms);
        set_ms(&mut timeouts.request, self.request_ms);
        set_ms(&mut timeouts.total, self.total_ms);
        timeouts
    }
}

impl RetryOptions {
    fn apply(&self, mut retry: RetryPolicy) -> RetryPolicy {
        if let Some(attempts) = self.max_attempts {
            retry.max_attempts = attempts.max(1);
        }
        set_ms(&mut retry.initial_backoff, self.initial_backoff_ms);
        set_ms(&mut retry.max_backoff, self.max_backoff_ms);
        set_ms(&mut retry.max_throttle_wait, self.max_throttle_wait_ms);
        set_ms(&mut retry.receiver_backoff, self.receiver_backoff_ms);
        retry
    }
}

/// How serde's messages would quote each string and number in `options` (`"text"`,
/// `` `5` ``), longest first, so that a value inside another is replaced after it.
fn quotable_values(options: &serde_json::Value) -> Vec<String> {
    use serde_json::Value;
    let mut quoted = Vec::new();
    let mut pending = vec![options];
    while let Some(value) = pending.pop() {
        match value {
            Value::String(text) if !text.is_empty() => quoted.push(format!("{text:?}")),
            Value::Number(number) => quoted.push(format!("`{number}`")),
            Value::Array(items) => pending.extend(items),
            Value::Object(fields) => pending.extend(fields.values()),
            _ => {}
        }
    }
    quoted.sort_by_key(|text| std::cmp::Reverse(text.len()));
    quoted
}

fn set_ms(target: &mut Duration, ms: Option<u64>) {
    if let Some(ms) = ms {
        *target = Duration::from_millis(ms);
    }
}

fn config(message: &str) -> Error {
    Error::new(ErrorKind::Config, message)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn options_build_a_client() {
        let options = ClientOptions::from_json(json!({
            "app_id": "cli_1", "app_secret": "s", "base_url": "http://127.0.0.1:1",
            "timeouts": {"request_ms": 1500}, "retry": {"max_attempts": 2}, "quotas": false
        }))
        .unwrap();
        let client = options.build().unwrap();
        assert_eq!(client.timeouts().request, Duration::from_millis(1500));
    }

    #[test]
    fn unknown_keys_and_missing_credentials_are_errors() {
        let unknown = ClientOptions::from_json(json!({"app_id": "cli_1", "secret": "s"})).unwrap_err();
        assert_eq!(unknown.kind(), ErrorKind::InvalidArgument);
        assert_eq!(unknown.violations()[0].path, "secret");
        let missing = ClientOptions::from_json(json!({"app_id": "cli_1"})).unwrap().build().unwrap_err();
        assert_eq!(missing.kind(), ErrorKind::Config);
        let domain =
            ClientOptions::from_json(json!({"app_id": "a", "app_secret": "s", "domain": "x"})).unwrap();
        assert_eq!(domain.build().unwrap_err().kind(), ErrorKind::Config);
    }

    #[test]
    fn a_secret_in_the_wrong_option_is_not_echoed() {
        let secret = "s3cr3t-\"quoted\"-value";
        for options in [
            json!({"app_id": "cli_1", "app_secret": "s", "domain": secret}),
            json!({"app_id": "cli_1", "app_secret": "s", "quotas": secret}),
            json!({"app_id": "cli_1", "app_secret": "s", "timeouts": secret}),
            json!({"app_id": "cli_1", "app_secret": "s", "timeouts": {"connect_ms": secret}}),
            json!({"app_id": "cli_1", "app_secret": "s", "retry": {"max_attempts": [secret]}}),
            json!({"app_id": "cli_1", "app_secret": "s", "base_url": secret}),
            json!({"app_id": "cli_1", "app_secret": "s", "insecure_http_hosts": secret}),
            json!({"app_id": "cli_1", "app_secret": "s", "max_response_bytes": 987654321987.5}),
        ] {
            let error = ClientOptions::from_json(options.clone()).and_then(ClientOptions::build).unwrap_err();
            let shown = format!("{error} {error:?} {}", serde_json::to_string(&error).unwrap());
            assert!(!shown.contains("s3cr3t") && !shown.contains("987654321"), "{options}: {shown}");
        }
    }

    #[test]
    fn the_shared_store_option_builds_and_hides_its_url() {
        let options = json!({"app_id": "cli_1", "app_secret": "s", "base_url": "http://127.0.0.1:1",
            "shared": {"redis_url": "redis://:pa55word@127.0.0.1:1", "key_prefix": "svc:", "fallback_share": 0.5}});
        let options = ClientOptions::from_json(options).unwrap();
        assert!(!format!("{options:?}").contains("pa55word"));
        assert!(options.build().is_ok());
        let bad = json!({"app_id": "cli_1", "app_secret": "s", "shared": {"redis_url": "pa55word://x"}});
        let error = ClientOptions::from_json(bad).unwrap().build().unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Config);
        assert!(
            error.message().contains("shared.redis_url") && !error.message().contains("pa55word"),
            "{error}"
        );
        let unknown = json!({"app_id": "cli_1", "app_secret": "s", "shared": {"url": "redis://x"}});
        assert_eq!(ClientOptions::from_json(unknown).unwrap_err().violations()[0].path, "shared.url");
    }

    #[test]
    fn debug_of_options_hides_secrets() {
        let options =
            ClientOptions::from_json(json!({"app_id": "cli_1", "app_secret": "top-secret"})).unwrap();
        assert!(!format!("{options:?}").contains("top-secret"));
    }
}
