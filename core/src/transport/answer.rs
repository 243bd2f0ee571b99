//! Reading one answer: the envelope (its `data` left raw), and, for a failure, the error
//! and what the call does next (from the table of codes).

use std::time::Duration;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use crate::api::ErrorDetail;
use crate::codes::{Then, classify};
use crate::error::{Error, ErrorKind, Result};
use crate::http::RawResponse;

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
#[derive(Debug)]
pub(crate) enum Next {
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

/// Reads an answer: the `data` on success, else what to do next.
pub(crate) fn interpret(raw: &RawResponse) -> std::result::Result<&RawValue, Next> {
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
    let (kind, then) = classify(code, raw.status);
    let msg = if envelope.msg.is_empty() { format!("HTTP {}", raw.status) } else { envelope.msg.clone() };
    let error = Error::new(kind, msg)
        .with_api(code, envelope.msg)
        .with_http_status(raw.status)
        .with_log_id(log_id)
        .with_troubleshooter(details.troubleshooter)
        .with_platform_violations(details.permission_violations, details.field_violations);
    Err(match then {
        Then::NewToken => Next::NewToken(error),
        Then::WaitForReset => {
            let wait = raw.rate_limit_reset.unwrap_or(Duration::from_secs(1));
            Next::After(wait, error.with_retry_after(Some(wait)))
        }
        Then::HoldSubject => Next::ReceiverThrottled(error),
        Then::Backoff => Next::Backoff { error, maybe_took_effect: true },
        Then::Fail => Next::Fail(error),
    })
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

pub(crate) fn decode_data<T: DeserializeOwned>(data: &RawValue, raw: &RawResponse) -> Result<T> {
    serde_json::from_str(data.get()).map_err(|e| {
        Error::new(ErrorKind::Decode, format!("the answer's data does not have the documented form: {e}"))
            .with_http_status(raw.status)
            .with_log_id(raw.log_id.clone())
    })
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

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
        for code in [99991661, 99991663, 99991664, 99991665, 99991671] {
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
