//! Reading one answer: the envelope (its `data` left raw), and, for a failure, the error
//! and what the call does next (from the table of codes).

use std::time::Duration;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::api::ErrorDetail;
use crate::codes::{Then, classify};
use crate::error::{Error, ErrorKind, Result};
use crate::http::{DEFAULT_THROTTLE_WAIT, NotJson, RawResponse};

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
        Err(e) => return Err(unreadable(raw, &e)),
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
            let wait = raw.rate_limit_reset.unwrap_or(DEFAULT_THROTTLE_WAIT);
            Next::After(wait, error.with_retry_after(Some(wait)))
        }
        Then::HoldSubject => Next::ReceiverThrottled(error),
        Then::Backoff => Next::Backoff { error, maybe_took_effect: true },
        Then::Fail => Next::Fail(error),
    })
}

/// What follows an answer that is not the platform's JSON envelope.
fn unreadable(raw: &RawResponse, cause: &serde_json::Error) -> Next {
    match raw.not_json(cause) {
        NotJson::Throttled(wait, error) => Next::After(wait, error),
        NotJson::Refused(error) => Next::Fail(error),
        NotJson::Unreadable(error) => Next::Backoff { error, maybe_took_effect: true },
    }
}

/// The answer's `data` decoded, with its top-level fields `T` does not model.
pub(crate) fn decode_data<T: DeserializeOwned>(
    data: &RawValue,
    raw: &RawResponse,
) -> Result<(T, Map<String, Value>)> {
    super::unmodeled::decode_keeping_unmodeled(data.get()).map_err(|e| {
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
            content_type: Some("application/json".into()),
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
    fn a_page_that_is_not_json_at_4xx_fails_at_once_and_says_what_came_back() {
        let mut html = raw(404, "<html>Not Found</html>");
        html.content_type = Some("text/html".into());
        let Err(Next::Fail(error)) = interpret(&html) else { panic!("expected a failure") };
        assert_eq!(error.kind(), ErrorKind::Config);
        assert_eq!(error.http_status(), Some(404));
        assert!(error.message().contains("HTTP 404 with 22 bytes of text/html"), "{error}");
        assert!(error.message().contains("base URL"), "{error}");
        let Next::Fail(error) = next_of(403, "forbidden") else { panic!("expected a failure") };
        assert_eq!(error.kind(), ErrorKind::Api);
        assert!(matches!(next_of(429, "slow down"), Next::After(_, e) if e.kind() == ErrorKind::RateLimited));
        assert!(matches!(next_of(200, "<html>"), Next::Backoff { maybe_took_effect: true, .. }));
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
