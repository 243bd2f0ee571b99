//! The authentication endpoints: their paths, the one POST they all take (no token, no
//! `data` wrapper, repeated on network and server errors and after throttling) and their
//! answer.

use std::time::Duration;

use bytes::Bytes;
use serde::Deserialize;
use tokio::time::Instant;

use crate::codes::{Then, classify};
use crate::config::RetryPolicy;
use crate::error::{Error, ErrorKind, Result};
use crate::http::{BaseUrl, DEFAULT_THROTTLE_WAIT, Http, NotJson, RawResponse};
use crate::operation::Method;

/// A self-built app's tenant access token.
pub(crate) const SELF_BUILT_TENANT_TOKEN: &str = "/open-apis/auth/v3/tenant_access_token/internal";
/// A store app's app access token.
pub(crate) const STORE_APP_TOKEN: &str = "/open-apis/auth/v3/app_access_token";
/// A store app's tenant access token.
pub(crate) const STORE_TENANT_TOKEN: &str = "/open-apis/auth/v3/tenant_access_token";
/// Asks the platform to push a store app's `app_ticket` again.
pub(crate) const APP_TICKET_RESEND: &str = "/open-apis/auth/v3/app_ticket/resend";

/// The answer of an auth endpoint (top level, no `data` wrapper): a token, or a refusal
/// (`code` not 0) the caller reports.
#[derive(Debug, Deserialize)]
pub(crate) struct AuthAnswer {
    #[serde(default)]
    pub(crate) code: i64,
    #[serde(default)]
    pub(crate) msg: String,
    #[serde(default)]
    pub(crate) tenant_access_token: Option<String>,
    #[serde(default)]
    pub(crate) app_access_token: Option<String>,
    #[serde(default)]
    pub(crate) expire: Option<u64>,
    #[serde(skip)]
    pub(crate) log_id: Option<String>,
    /// The HTTP status of the answer.
    #[serde(skip)]
    pub(crate) status: u16,
}

impl AuthAnswer {
    /// The error of a refusal (`code` not 0) of `what` (e.g. "a tenant access token"): the
    /// table's kind of the code, `auth` for a code it lists as a plain API error or does
    /// not list.
    pub(crate) fn refusal(self, what: &str) -> Error {
        let kind = match classify(self.code, self.status).0 {
            ErrorKind::Api => ErrorKind::Auth,
            kind => kind,
        };
        Error::new(kind, format!("the platform refused {what}: {}", self.msg))
            .with_api(self.code, self.msg)
            .with_http_status(self.status)
            .with_log_id(self.log_id)
    }
}

/// What to do after one answer of an auth endpoint.
enum Next {
    /// The answer, a token or a refusal for the caller.
    Answer(AuthAnswer),
    /// Throttled: wait, then ask again.
    After(Duration, Error),
    /// A server error or an unreadable answer: back off, then ask again (asking for a
    /// token twice has no visible effect).
    Backoff(Error),
    /// Give up.
    Fail(Error),
}

/// Reads one answer of an auth endpoint.
fn read(raw: RawResponse) -> Next {
    let mut answer: AuthAnswer = match serde_json::from_slice(&raw.body) {
        Ok(answer) => answer,
        Err(e) => {
            return match raw.not_json(&e) {
                NotJson::Throttled(wait, error) => Next::After(wait, error),
                NotJson::Refused(error) => Next::Fail(error),
                NotJson::Unreadable(error) => Next::Backoff(error),
            };
        }
    };
    answer.log_id = raw.log_id.clone();
    answer.status = raw.status;
    if answer.code == 0 && raw.status < 300 {
        return Next::Answer(answer);
    }
    match classify(answer.code, raw.status).1 {
        Then::WaitForReset | Then::HoldSubject => {
            let wait = raw.rate_limit_reset.unwrap_or(DEFAULT_THROTTLE_WAIT);
            Next::After(wait, answer.refusal("a token").with_retry_after(Some(wait)))
        }
        Then::Backoff => Next::Backoff(answer.refusal("a token")),
        Then::NewToken | Then::Fail => Next::Answer(answer),
    }
}

/// The authentication endpoints of one base URL.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AuthHttp<'a> {
    base_url: &'a BaseUrl,
    http: &'a Http,
    retry: &'a RetryPolicy,
    request_timeout: Duration,
}

impl<'a> AuthHttp<'a> {
    pub(crate) fn new(
        base_url: &'a BaseUrl,
        http: &'a Http,
        retry: &'a RetryPolicy,
        request_timeout: Duration,
    ) -> Self {
        Self { base_url, http, retry, request_timeout }
    }

    /// POSTs to an auth endpoint (no token; the answer has no `data` wrapper). Repeated on
    /// network and server errors, and after `x-ogw-ratelimit-reset` when throttled: asking
    /// for a token twice has no visible effect. A refusal (`code` not 0) is the answer.
    pub(crate) async fn post(
        &self,
        path: &str,
        body: serde_json::Value,
        deadline: Instant,
    ) -> Result<AuthAnswer> {
        let url = self.base_url.join(path);
        let body =
            Bytes::from(serde_json::to_vec(&body).map_err(|e| Error::new(ErrorKind::Decode, e.to_string()))?);
        let mut attempts = 0;
        loop {
            attempts += 1;
            let timeout = self.request_timeout.min(deadline.saturating_duration_since(Instant::now()));
            let outcome = self.http.send_json(Method::Post, &url, &[], None, body.clone(), timeout).await;
            let (wait, error) = match outcome.map(read) {
                Ok(Next::Answer(answer)) => return Ok(answer),
                Ok(Next::After(wait, error)) if wait <= self.retry.max_throttle_wait => (wait, error),
                Ok(Next::After(_, error) | Next::Fail(error)) => return Err(error),
                Ok(Next::Backoff(error)) => (self.retry.backoff(attempts), error),
                Err(no_answer) if no_answer.retryable => (self.retry.backoff(attempts), no_answer.error),
                Err(no_answer) => return Err(no_answer.error),
            };
            tracing::debug!(target: "larkmsg::auth", attempts, error = %error, "token request failed");
            if attempts >= self.retry.max_attempts || Instant::now() + wait >= deadline {
                return Err(error);
            }
            tokio::time::sleep(wait).await;
        }
    }
}
