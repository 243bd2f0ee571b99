//! One call, start to end: pacing, the token, the request, the envelope, the mapping of
//! answers to errors, and the repeats that cannot duplicate anything.

use std::time::Duration;

use bytes::Bytes;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use tokio::time::Instant;
use tracing::Instrument;

use crate::api::ErrorDetail;
use crate::auth::{AuthAnswer, TokenManager};
use crate::config::{RetryPolicy, Timeouts};
use crate::error::{Error, ErrorKind, Result};
use crate::http::{Http, RawResponse};
use crate::pacing::Pacer;
use crate::quota::Endpoint;

/// Codes that mean the token was not accepted: drop it, fetch a new one, try again.
const TOKEN_REJECTED: [i64; 5] = [99991661, 99991663, 99991664, 99991665, 99991671];
/// "request trigger frequency limit".
const THROTTLED: i64 = 99991400;
/// Send message: more than 5 per second to one user or group.
const RECEIVER_THROTTLED: i64 = 230020;
/// Send message: a message with this uuid is being sent right now.
const BEING_SENT: i64 = 230049;
/// Internal errors the platform asks to retry later.
const INTERNAL: [i64; 4] = [1500, 2200, 5000, 10101];
/// Codes that mean the app or caller is not allowed.
const PERMISSION: [i64; 8] = [99991672, 99991401, 99991403, 230027, 230035, 11203, 11204, 11223];
/// Batch send: the app's daily message cap is used up.
const DAILY_CAP: i64 = 11247;
/// Store apps: the app ticket is invalid.
const APP_TICKET_INVALID: i64 = 10012;

/// One request to one endpoint.
#[derive(Debug)]
pub(crate) struct Call<'a> {
    pub(crate) endpoint: Endpoint,
    pub(crate) query: Vec<(&'static str, String)>,
    /// The JSON body; shared, not copied, by every attempt.
    pub(crate) body: Bytes,
    /// The receiver, for the per-receiver quota of send message.
    pub(crate) receiver: Option<&'a str>,
}

/// Sends calls to one base URL.
#[derive(Debug)]
pub(crate) struct Transport {
    base_url: String,
    http: Http,
    pub(crate) timeouts: Timeouts,
    pub(crate) retry: RetryPolicy,
}

/// The envelope, read without copying `data` (see [`crate::api::Envelope`] for the owned form).
#[derive(Debug, Deserialize)]
struct Envelope<'a> {
    #[serde(default)]
    code: i64,
    #[serde(default)]
    msg: String,
    #[serde(borrow, default)]
    data: Option<&'a RawValue>,
    #[serde(default)]
    error: Option<ErrorDetail>,
}

/// What to do after an attempt that did not succeed.
enum Next {
    /// Fetch a new token and try again (the first time without counting an attempt).
    NewToken(Error),
    /// Try again after `wait` (throttled: nothing took effect).
    After(Duration, Error),
    /// Pause sends to this receiver, then try again (nothing took effect).
    ReceiverThrottled(Error),
    /// Try again after an exponential backoff; `maybe_took_effect` says whether the failed
    /// attempt may have reached the platform and done its work.
    Backoff { error: Error, maybe_took_effect: bool },
    /// Give up with this error.
    Fail(Error),
}

impl Transport {
    pub(crate) fn new(base_url: String, http: Http, timeouts: Timeouts, retry: RetryPolicy) -> Self {
        Self { base_url, http, timeouts, retry }
    }

    /// Runs a call to its end and decodes the answer's `data`.
    pub(crate) async fn call<T: DeserializeOwned>(
        &self,
        call: &Call<'_>,
        tokens: &TokenManager,
        pacer: &Pacer,
        timeouts: &Timeouts,
    ) -> Result<T> {
        let span = tracing::info_span!(
            "larkmsg.call",
            endpoint = call.endpoint.name(),
            attempts = tracing::field::Empty,
            log_id = tracing::field::Empty
        );
        async {
            let outcome = self.call_inner(call, tokens, pacer, timeouts).await;
            match &outcome {
                Ok(_) => tracing::debug!(target: "larkmsg::call", "call succeeded"),
                Err(error) => tracing::info!(target: "larkmsg::call", %error, "call failed"),
            }
            outcome
        }
        .instrument(span)
        .await
    }

    async fn call_inner<T: DeserializeOwned>(
        &self,
        call: &Call<'_>,
        tokens: &TokenManager,
        pacer: &Pacer,
        timeouts: &Timeouts,
    ) -> Result<T> {
        let deadline = Instant::now() + timeouts.total;
        let url = format!("{}{}", self.base_url, call.endpoint.path());
        let repeat_is_safe = call.endpoint.repeat_is_safe();
        let mut attempts = 0;
        let mut refreshed_token = false;
        let mut maybe_took_effect = false;
        loop {
            attempts += 1;
            tracing::Span::current().record("attempts", attempts);
            pacer
                .acquire(call.endpoint, call.receiver, deadline)
                .await
                .map_err(|e| e.with_maybe_sent(maybe_took_effect))?;
            let token = tokens
                .tenant_token(self, deadline)
                .await
                .map_err(|e| e.with_maybe_sent(maybe_took_effect))?;
            let timeout = timeouts.request.min(deadline.saturating_duration_since(Instant::now()));
            let outcome =
                self.http.post_json(&url, &call.query, Some(&token), call.body.clone(), timeout).await;
            if let Ok(RawResponse { log_id: Some(log_id), .. }) = &outcome {
                tracing::Span::current().record("log_id", log_id.as_str());
            }
            let next = match outcome {
                Ok(raw) => match interpret(&raw) {
                    Ok(data) => {
                        tokens.accepted();
                        return decode_data(data, &raw).map_err(|e| e.with_maybe_sent(true));
                    }
                    Err(next) => next,
                },
                Err(no_answer) if no_answer.retryable => {
                    Next::Backoff { error: no_answer.error, maybe_took_effect: no_answer.maybe_reached }
                }
                // A redirect, an oversized answer, TLS or configuration: trying again cannot help.
                Err(no_answer) => {
                    maybe_took_effect |= no_answer.maybe_reached;
                    Next::Fail(no_answer.error)
                }
            };
            let (wait, error) = match next {
                // Nothing was processed: drop the token and repeat with a new one. The first
                // refresh is free; later ones (the platform revoked tokens again) are attempts.
                Next::NewToken(_)
                    if tokens.can_refresh()
                        && (!refreshed_token || attempts < self.retry.max_attempts)
                        && tokens.reject(&token).await =>
                {
                    tracing::debug!(target: "larkmsg::call", "token rejected; fetching a new one");
                    if !refreshed_token {
                        refreshed_token = true;
                        attempts -= 1;
                    }
                    continue;
                }
                Next::NewToken(error) | Next::Fail(error) => {
                    return Err(error.with_maybe_sent(maybe_took_effect));
                }
                Next::After(wait, error) => {
                    // The pacer holds every caller until then, so that the next calls wait, or
                    // fail at once when that is past their deadline, without asking again.
                    pacer.hold_endpoint(call.endpoint, Instant::now() + wait);
                    if wait > self.retry.max_throttle_wait {
                        return Err(error.with_maybe_sent(maybe_took_effect));
                    }
                    (Duration::ZERO, error)
                }
                Next::ReceiverThrottled(error) => {
                    let until = Instant::now() + self.retry.receiver_backoff;
                    match call.receiver {
                        Some(receiver) => pacer.hold_receiver(receiver, until),
                        None => pacer.hold_endpoint(call.endpoint, until),
                    }
                    (Duration::ZERO, error)
                }
                Next::Backoff { error, maybe_took_effect: took } => {
                    maybe_took_effect |= took;
                    if took && !repeat_is_safe {
                        return Err(error.with_maybe_sent(true));
                    }
                    (self.retry.backoff(attempts), error)
                }
            };
            tracing::debug!(target: "larkmsg::call", attempts, error = %error, "attempt failed");
            if attempts >= self.retry.max_attempts || Instant::now() + wait >= deadline {
                return Err(error.with_maybe_sent(maybe_took_effect));
            }
            tokio::time::sleep(wait).await;
        }
    }

    /// POSTs to an auth endpoint (no token; the answer has no `data` wrapper). Repeated on
    /// network and server errors: asking for a token twice has no visible effect.
    pub(crate) async fn post_auth(
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
            let timeout = self.timeouts.request.min(deadline.saturating_duration_since(Instant::now()));
            let error = match self.http.post_json(&url, &[], None, body.clone(), timeout).await {
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

/// Reads an answer: the `data` on success, else what to do next.
fn interpret(raw: &RawResponse) -> std::result::Result<&RawValue, Next> {
    let envelope: Envelope<'_> = match serde_json::from_slice(&raw.body) {
        Ok(envelope) => envelope,
        Err(e) => {
            let error =
                Error::new(ErrorKind::Decode, format!("the answer is not the platform's JSON envelope: {e}"))
                    .with_http_status(raw.status)
                    .with_log_id(raw.log_id.clone());
            return Err(match raw.status {
                429 => Next::After(
                    raw.rate_limit_reset.unwrap_or(Duration::from_secs(1)),
                    retyped(error, ErrorKind::RateLimited),
                ),
                // No readable answer: the request may or may not have taken effect.
                _ => Next::Backoff { error, maybe_took_effect: true },
            });
        }
    };
    if envelope.code == 0 && (200..300).contains(&raw.status) {
        return Ok(envelope.data.unwrap_or(RawValue::NULL));
    }
    let code = envelope.code;
    let details = envelope.error.unwrap_or_default();
    let log_id = raw.log_id.clone().or(details.log_id);
    let kind = kind_of(code, raw.status);
    let msg = if envelope.msg.is_empty() { format!("HTTP {}", raw.status) } else { envelope.msg.clone() };
    let error = Error::new(kind, msg)
        .with_api(code, envelope.msg)
        .with_http_status(raw.status)
        .with_log_id(log_id)
        .with_troubleshooter(details.troubleshooter)
        .with_platform_violations(details.permission_violations, details.field_violations);
    Err(match code {
        c if TOKEN_REJECTED.contains(&c) => Next::NewToken(error),
        THROTTLED => {
            let wait = raw.rate_limit_reset.unwrap_or(Duration::from_secs(1));
            Next::After(wait, error.with_retry_after(Some(wait)))
        }
        RECEIVER_THROTTLED => Next::ReceiverThrottled(error),
        // Another request with this uuid is sending the message: it may well be sent.
        BEING_SENT => Next::Backoff { error, maybe_took_effect: true },
        c if INTERNAL.contains(&c) || raw.status >= 500 => Next::Backoff { error, maybe_took_effect: true },
        _ if raw.status == 429 => {
            let wait = raw.rate_limit_reset.unwrap_or(Duration::from_secs(1));
            Next::After(wait, error.with_retry_after(Some(wait)))
        }
        _ => Next::Fail(error),
    })
}

fn kind_of(code: i64, status: u16) -> ErrorKind {
    match code {
        c if TOKEN_REJECTED.contains(&c) || c == APP_TICKET_INVALID => ErrorKind::Auth,
        c if PERMISSION.contains(&c) => ErrorKind::Permission,
        THROTTLED | RECEIVER_THROTTLED | DAILY_CAP => ErrorKind::RateLimited,
        _ if status == 429 => ErrorKind::RateLimited,
        _ => ErrorKind::Api,
    }
}

fn retyped(error: Error, kind: ErrorKind) -> Error {
    let mut fresh = Error::new(kind, error.message().to_owned())
        .with_log_id(error.log_id().map(str::to_owned))
        .with_retry_after(error.retry_after());
    if let Some(status) = error.http_status() {
        fresh = fresh.with_http_status(status);
    }
    fresh
}

fn decode_data<T: DeserializeOwned>(data: &RawValue, raw: &RawResponse) -> Result<T> {
    serde_json::from_str(data.get()).map_err(|e| {
        Error::new(ErrorKind::Decode, format!("the answer's data does not have the documented form: {e}"))
            .with_http_status(raw.status)
            .with_log_id(raw.log_id.clone())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(status: u16, body: &str) -> RawResponse {
        RawResponse {
            status,
            log_id: Some("log-1".into()),
            rate_limit_reset: None,
            body: Bytes::from(body.to_owned()),
        }
    }

    fn next_of(status: u16, body: &str) -> Next {
        match interpret(&raw(status, body)) {
            Ok(_) => panic!("expected a failure"),
            Err(next) => next,
        }
    }

    #[test]
    fn success_yields_data() {
        let answer = raw(200, r#"{"code":0,"msg":"ok","data":{"card_id":"7"}}"#);
        let data = interpret(&answer).ok().unwrap();
        assert_eq!(data.get(), r#"{"card_id":"7"}"#);
    }

    #[test]
    fn token_codes_ask_for_a_new_token() {
        for code in TOKEN_REJECTED {
            let body = format!(r#"{{"code":{code},"msg":"Invalid access token"}}"#);
            assert!(matches!(next_of(400, &body), Next::NewToken(e) if e.kind() == ErrorKind::Auth));
        }
    }

    #[test]
    fn throttling_waits_for_the_reset() {
        let mut answer = raw(429, r#"{"code":99991400,"msg":"request trigger frequency limit"}"#);
        answer.rate_limit_reset = Some(Duration::from_secs(2));
        match interpret(&answer) {
            Err(Next::After(wait, e)) => {
                assert_eq!(wait, Duration::from_secs(2));
                assert_eq!(e.kind(), ErrorKind::RateLimited);
                assert_eq!(e.retry_after(), Some(Duration::from_secs(2)));
            }
            _ => panic!("expected a wait"),
        }
    }

    #[test]
    fn server_errors_and_messages_being_sent_may_have_taken_effect() {
        assert!(matches!(
            next_of(500, r#"{"code":1500,"msg":"internal"}"#),
            Next::Backoff { maybe_took_effect: true, .. }
        ));
        assert!(matches!(
            next_of(502, "<html>bad gateway</html>"),
            Next::Backoff { maybe_took_effect: true, .. }
        ));
        assert!(matches!(
            next_of(400, r#"{"code":230049,"msg":"The message is being sent"}"#),
            Next::Backoff { maybe_took_effect: true, .. }
        ));
    }

    #[test]
    fn business_errors_carry_the_details() {
        let body = r#"{"code":99991672,"msg":"Access denied","error":{"log_id":"body-log","troubleshooter":"https://t","permission_violations":[{"type":"action_scope_required","subject":"im:message","description":"d"}]}}"#;
        let Next::Fail(error) = next_of(400, body) else { panic!("expected a failure") };
        assert_eq!(error.kind(), ErrorKind::Permission);
        assert_eq!(error.code(), Some(99991672));
        assert_eq!(error.log_id(), Some("log-1"));
        assert_eq!(error.troubleshooter(), Some("https://t"));
        assert_eq!(error.permission_violations()[0].subject.as_deref(), Some("im:message"));
        let mut no_header = raw(
            400,
            r#"{"code":230002,"msg":"The bot can not be outside the group.","error":{"log_id":"body-log"}}"#,
        );
        no_header.log_id = None;
        let Err(Next::Fail(error)) = interpret(&no_header) else { panic!("expected a failure") };
        assert_eq!(error.log_id(), Some("body-log"));
        assert_eq!(error.kind(), ErrorKind::Api);
    }

    #[test]
    fn legacy_errors_at_http_200_are_errors() {
        let Next::Fail(error) = next_of(200, r#"{"code":10003,"msg":"Invalid parameter."}"#) else {
            panic!()
        };
        assert_eq!(error.http_status(), Some(200));
        assert_eq!(error.code(), Some(10003));
    }
}
