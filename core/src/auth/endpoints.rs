//! The authentication endpoints: their paths, the one POST they all take (no token, no
//! `data` wrapper, repeated on network and server errors) and their answer.

use std::time::Duration;

use bytes::Bytes;
use serde::Deserialize;
use tokio::time::Instant;

use crate::config::RetryPolicy;
use crate::error::{Error, ErrorKind, Result};
use crate::http::Http;
use crate::operation::Method;

/// A self-built app's tenant access token.
pub(crate) const SELF_BUILT_TENANT_TOKEN: &str = "/open-apis/auth/v3/tenant_access_token/internal";
/// A store app's app access token.
pub(crate) const STORE_APP_TOKEN: &str = "/open-apis/auth/v3/app_access_token";
/// A store app's tenant access token.
pub(crate) const STORE_TENANT_TOKEN: &str = "/open-apis/auth/v3/tenant_access_token";
/// Asks the platform to push a store app's `app_ticket` again.
pub(crate) const APP_TICKET_RESEND: &str = "/open-apis/auth/v3/app_ticket/resend";

/// The answer of an auth endpoint (top level, no `data` wrapper).
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
}

/// The authentication endpoints of one base URL.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AuthHttp<'a> {
    base_url: &'a str,
    http: &'a Http,
    retry: &'a RetryPolicy,
    request_timeout: Duration,
}

impl<'a> AuthHttp<'a> {
    pub(crate) fn new(
        base_url: &'a str,
        http: &'a Http,
        retry: &'a RetryPolicy,
        request_timeout: Duration,
    ) -> Self {
        Self { base_url, http, retry, request_timeout }
    }

    /// POSTs to an auth endpoint (no token; the answer has no `data` wrapper). Repeated on
    /// network and server errors: asking for a token twice has no visible effect.
    pub(crate) async fn post(
        &self,
        path: &str,
        body: serde_json::Value,
        deadline: Instant,
    ) -> Result<AuthAnswer> {
        let url = format!("{}{}", self.base_url, path);
        let body =
            Bytes::from(serde_json::to_vec(&body).map_err(|e| Error::new(ErrorKind::Decode, e.to_string()))?);
        let mut attempts = 0;
        loop {
            attempts += 1;
            let timeout = self.request_timeout.min(deadline.saturating_duration_since(Instant::now()));
            let error = match self.http.send_json(Method::Post, &url, &[], None, body.clone(), timeout).await
            {
                Ok(raw) if raw.status < 500 => {
                    let mut answer: AuthAnswer = serde_json::from_slice(&raw.body).map_err(|e| {
                        Error::new(ErrorKind::Decode, format!("the token answer is not valid JSON: {e}"))
                            .with_http_status(raw.status)
                            .with_log_id(raw.log_id.clone())
                    })?;
                    answer.log_id = raw.log_id;
                    return Ok(answer);
                }
                Ok(raw) => {
                    Error::new(ErrorKind::Api, format!("the token endpoint answered HTTP {}", raw.status))
                        .with_http_status(raw.status)
                        .with_log_id(raw.log_id)
                }
                Err(no_answer) if no_answer.retryable => no_answer.error,
                Err(no_answer) => return Err(no_answer.error),
            };
            let wait = self.retry.backoff(attempts);
            if attempts >= self.retry.max_attempts || Instant::now() + wait >= deadline {
                return Err(error);
            }
            tokio::time::sleep(wait).await;
        }
    }
}
