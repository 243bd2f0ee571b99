//! One call, start to end: pacing, the token, the request, and the repeats that cannot
//! duplicate anything. Reading an answer is in `answer.rs`.

mod answer;
mod unmodeled;

#[cfg(test)]
pub(crate) use unmodeled::decode_keeping_unmodeled;

use std::time::Duration;

use tokio::time::Instant;
use tracing::Instrument;

use crate::auth::{AuthHttp, TokenManager};
use crate::config::{RetryPolicy, Timeouts};
use crate::endpoint::Endpoint;
use crate::error::Result;
use crate::http::{BaseUrl, Body, Http, RawResponse};
use crate::operation::Subject;
use crate::pacing::Pacer;
use answer::{Next, decode_data, interpret};
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

/// A call's answer: the decoded result, the answer's `data` as the platform sent it, and
/// the top-level fields of `data` the result does not model (`null` ones left out).
#[derive(Debug)]
pub(crate) struct Decoded<T> {
    pub(crate) output: T,
    pub(crate) raw: Box<RawValue>,
    pub(crate) unmodeled: Map<String, Value>,
}

/// One request to one endpoint.
#[derive(Debug)]
pub(crate) struct Call {
    pub(crate) endpoint: Endpoint,
    /// The path below the base URL, path parameters filled in.
    pub(crate) path: String,
    pub(crate) query: Vec<(&'static str, String)>,
    /// The body; shared, not copied, by every attempt (a file is opened anew each time).
    pub(crate) body: Body,
    /// The subject of the call's per-subject quota (a message's receiver), as this client
    /// knows it.
    pub(crate) subject: Option<Subject>,
    /// The subject as the request named it, when the client knows it by another name (the
    /// chat an `open_id`'s messages land in).
    pub(crate) alias: Option<Subject>,
}

/// Sends calls to one base URL.
/// What a call's last attempt left for its log line: the attempt's number and the log id
/// of its answer, if one came.
#[derive(Debug, Default)]
struct Trail {
    attempts: u32,
    log_id: Option<String>,
}

#[derive(Debug)]
pub(crate) struct Transport {
    base_url: BaseUrl,
    http: Http,
    pub(crate) timeouts: Timeouts,
    pub(crate) retry: RetryPolicy,
}

impl Transport {
    pub(crate) fn new(base_url: BaseUrl, http: Http, timeouts: Timeouts, retry: RetryPolicy) -> Self {
        Self { base_url, http, timeouts, retry }
    }

    /// Runs a call to its end and decodes the answer's `data` (given as sent too).
    pub(crate) async fn call<T: DeserializeOwned>(
        &self,
        call: &Call,
        tokens: &TokenManager,
        pacer: &Pacer,
        timeouts: &Timeouts,
    ) -> Result<Decoded<T>> {
        let span = tracing::info_span!("larkmsg.call", endpoint = call.endpoint.name());
        async {
            let mut trail = Trail::default();
            let outcome = self.call_inner(call, tokens, pacer, timeouts, &mut trail).await;
            let Trail { attempts, log_id } = &trail;
            let log_id = log_id.as_deref().unwrap_or("");
            match &outcome {
                Ok(_) => tracing::debug!(target: "larkmsg::call", attempts, log_id, "call succeeded"),
                Err(error) => {
                    tracing::warn!(target: "larkmsg::call", attempts, log_id, %error, "call failed")
                }
            }
            outcome
        }
        .instrument(span)
        .await
    }

    async fn call_inner<T: DeserializeOwned>(
        &self,
        call: &Call,
        tokens: &TokenManager,
        pacer: &Pacer,
        timeouts: &Timeouts,
        trail: &mut Trail,
    ) -> Result<Decoded<T>> {
        let deadline = Instant::now() + timeouts.total;
        let url = self.base_url.of(call.endpoint, &call.path);
        let method = call.endpoint.method();
        let repeat_is_safe = call.endpoint.repeat_is_safe();
        let mut attempts = 0;
        let mut refreshed_token = false;
        let mut maybe_took_effect = false;
        loop {
            attempts += 1;
            *trail = Trail { attempts, log_id: None };
            // The token first: a call counted against a quota goes out at once, so that the
            // calls counted in one window reach the platform within it.
            let token = tokens
                .tenant_token(&self.auth(), deadline)
                .await
                .map_err(|e| e.with_maybe_sent(maybe_took_effect))?;
            let counted = pacer
                .acquire(call.endpoint, call.subject.as_ref(), call.alias.as_ref(), deadline)
                .await
                .map_err(|e| e.with_maybe_sent(maybe_took_effect))?;
            let timeout = timeouts.request.min(deadline.saturating_duration_since(Instant::now()));
            let outcome = self.http.send(method, &url, &call.query, Some(&token), &call.body, timeout).await;
            if let Ok(RawResponse { log_id: Some(log_id), .. }) = &outcome {
                trail.log_id = Some(log_id.clone());
            }
            let next = match outcome {
                Ok(raw) => match interpret(&raw) {
                    Ok(data) => {
                        tokens.accepted(&token);
                        return decode_data(data, &raw)
                            .map(|(output, unmodeled)| Decoded { output, raw: data.to_owned(), unmodeled })
                            .map_err(|e| e.with_maybe_sent(true));
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
                    // The gateway refused it: it used none of the quota.
                    pacer.refund(call.endpoint, call.subject.as_ref(), call.alias.as_ref(), &counted).await;
                    // The pacer holds every caller until then, so that the next calls wait, or
                    // fail at once when that is past their deadline, without asking again.
                    pacer.hold_endpoint(call.endpoint, wait).await;
                    if wait > self.retry.max_throttle_wait {
                        return Err(error.with_maybe_sent(maybe_took_effect));
                    }
                    (Duration::ZERO, error)
                }
                Next::ReceiverThrottled(error) => {
                    let wait = self.retry.receiver_backoff;
                    match &call.subject {
                        Some(subject) => pacer.hold_subject(subject, wait).await,
                        None => pacer.hold_endpoint(call.endpoint, wait).await,
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
            let log_id = trail.log_id.as_deref().unwrap_or("");
            tracing::info!(target: "larkmsg::call", attempts, log_id, error = %error, "attempt failed");
            if attempts >= self.retry.max_attempts || Instant::now() + wait >= deadline {
                return Err(error.with_maybe_sent(maybe_took_effect));
            }
            tokio::time::sleep(wait).await;
        }
    }

    /// The authentication endpoints of this base URL, for the token manager.
    pub(crate) fn auth(&self) -> AuthHttp<'_> {
        AuthHttp::new(&self.base_url, &self.http, &self.retry, self.timeouts.request)
    }
}
