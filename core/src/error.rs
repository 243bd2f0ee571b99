//! The one error type of larkmsg, with a stable [`ErrorKind`] shared by every binding.
//!
//! An [`Error`] carries what support asks for: the HTTP status, the platform's `code` and
//! `msg`, the `log_id`, the troubleshooter link, permission and field violations, and how
//! long to wait before retrying. It never contains the app secret or a token: messages are
//! built from these fields only, and transport errors are reduced to their kind.

use std::fmt::{self, Display};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::api::{FieldViolation, PermissionViolation};
use crate::validate::{Violation, Violations};

/// Generates [`ErrorKind`] and what the bindings build from it, from one list.
macro_rules! error_kinds {
    ($(
        $(#[doc = $doc:literal])*
        $variant:ident = $name:literal, code = $code:literal, class = $class:literal,
        parent = $parent:expr;
    )+) => {
        /// What went wrong, as a stable snake_case name (`invalid_argument`, `rate_limited`, …).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        #[non_exhaustive]
        pub enum ErrorKind {
            $( $(#[doc = $doc])* $variant, )+
        }

        impl ErrorKind {
            /// Every kind, in the order of the list.
            pub const ALL: &'static [ErrorKind] = &[$(Self::$variant),+];

            /// The stable snake_case name shared by every binding.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $name,)+ }
            }

            /// The kind's number in the C API's `larkmsg_result` (0 is success).
            #[doc(hidden)]
            pub fn c_code(self) -> u32 {
                match self { $(Self::$variant => $code,)+ }
            }

            /// The name of the kind's error class in every binding (`InvalidArgumentError`).
            #[doc(hidden)]
            pub fn class_name(self) -> &'static str {
                match self { $(Self::$variant => $class,)+ }
            }

            /// The kind whose class is this kind's parent class, if any.
            #[doc(hidden)]
            pub fn parent(self) -> Option<ErrorKind> {
                match self { $(Self::$variant => $parent,)+ }
            }

            /// The kind's documentation.
            pub fn docs(self) -> &'static str {
                match self { $(Self::$variant => concat!($($doc, "\n"),*),)+ }
            }
        }
    };
}

error_kinds! {
    /// The request broke a documented rule, or an argument was missing or malformed (not
    /// UTF-8, not JSON, NULL); nothing was sent. The violations name each field and rule.
    InvalidArgument = "invalid_argument", code = 1, class = "InvalidArgumentError", parent = None;
    /// Authentication failed: bad credentials, a rejected token or app ticket.
    Auth = "auth", code = 2, class = "AuthError", parent = Some(ErrorKind::Api);
    /// The app lacks a scope or the caller is not allowed (IP, availability, quota used up).
    Permission = "permission", code = 3, class = "PermissionDeniedError", parent = Some(ErrorKind::Api);
    /// The platform throttled the call and the retries did not get through.
    RateLimited = "rate_limited", code = 4, class = "RateLimitedError", parent = Some(ErrorKind::Api);
    /// The platform answered with a business error code.
    Api = "api", code = 5, class = "ApiError", parent = None;
    /// No answer within the timeout or the call's deadline.
    Timeout = "timeout", code = 6, class = "TimeoutError", parent = None;
    /// The connection failed or was dropped.
    Network = "network", code = 7, class = "NetworkError", parent = None;
    /// The answer could not be decoded.
    Decode = "decode", code = 8, class = "DecodeError", parent = None;
    /// The client is misconfigured: bad options or base URL, missing credentials, a blocking
    /// call from inside an async runtime or a callback.
    Config = "config", code = 9, class = "ConfigError", parent = None;
    /// The TLS handshake failed: the server's certificate is not trusted (unknown issuer,
    /// expired, another host's) or TLS could not be negotiated. Never retried.
    Tls = "tls", code = 10, class = "TlsError", parent = None;
    /// A bug inside larkmsg was caught (a panic); the call ended without a result.
    Internal = "internal", code = 100, class = "InternalError", parent = None;
}

impl Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Everything known about a failed call.
#[derive(Debug, Clone)]
pub struct Error {
    inner: Box<Details>,
}

#[derive(Debug, Clone)]
struct Details {
    kind: ErrorKind,
    message: String,
    http_status: Option<u16>,
    code: Option<i64>,
    msg: Option<String>,
    log_id: Option<String>,
    troubleshooter: Option<String>,
    violations: Vec<Violation>,
    permission_violations: Vec<PermissionViolation>,
    field_violations: Vec<FieldViolation>,
    retry_after: Option<Duration>,
    maybe_sent: bool,
    uuid: Option<String>,
    resend: Option<Resend>,
}

/// How to send a failed call again without risk of a second effect (see
/// [`Error::resend`]): the call's name and its flat request, with the `uuid` it carried.
#[derive(Clone, PartialEq)]
pub struct Resend {
    call: &'static str,
    request: serde_json::Value,
}

impl Resend {
    pub(crate) fn new(call: &'static str, request: serde_json::Value) -> Self {
        Self { call, request }
    }

    /// The call's name (`send_message`, `reply_message`, …).
    pub fn call(&self) -> &'static str {
        self.call
    }

    /// The flat request (path, query and body fields together, as the JSON call takes
    /// it), with the `uuid` it was sent with.
    pub fn request(&self) -> &serde_json::Value {
        &self.request
    }
}

/// Names the call only: the request holds the message's content.
impl fmt::Debug for Resend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Resend").field("call", &self.call).finish_non_exhaustive()
    }
}

impl Error {
    /// An error of `kind` with a message; the other fields are empty.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            inner: Box::new(Details {
                kind,
                message: message.into(),
                http_status: None,
                code: None,
                msg: None,
                log_id: None,
                troubleshooter: None,
                violations: Vec::new(),
                permission_violations: Vec::new(),
                field_violations: Vec::new(),
                retry_after: None,
                maybe_sent: false,
                uuid: None,
                resend: None,
            }),
        }
    }

    /// The stable kind of the error.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// A readable description (without the fields that have their own accessor).
    pub fn message(&self) -> &str {
        &self.inner.message
    }

    /// The HTTP status of the answer, when there was one.
    pub fn http_status(&self) -> Option<u16> {
        self.inner.http_status
    }

    /// The platform's error `code`, when it answered with one.
    pub fn code(&self) -> Option<i64> {
        self.inner.code
    }

    /// The platform's error `msg`, when it answered with one.
    pub fn msg(&self) -> Option<&str> {
        self.inner.msg.as_deref()
    }

    /// The request's log id (`X-Tt-Logid` or `error.log_id`): what support asks for.
    pub fn log_id(&self) -> Option<&str> {
        self.inner.log_id.as_deref()
    }

    /// The platform's troubleshooting link.
    pub fn troubleshooter(&self) -> Option<&str> {
        self.inner.troubleshooter.as_deref()
    }

    /// The rules the request broke (kind [`ErrorKind::InvalidArgument`]).
    pub fn violations(&self) -> &[Violation] {
        &self.inner.violations
    }

    /// Scopes or policies the platform says the app lacks.
    pub fn permission_violations(&self) -> &[PermissionViolation] {
        &self.inner.permission_violations
    }

    /// Fields the platform rejected.
    pub fn field_violations(&self) -> &[FieldViolation] {
        &self.inner.field_violations
    }

    /// How long the platform asked to wait before trying again, when it said.
    pub fn retry_after(&self) -> Option<Duration> {
        self.inner.retry_after
    }

    /// Whether the request may have reached the platform and taken effect although the
    /// call failed (a batch whose answer was lost). Such a call is never repeated blindly.
    ///
    /// The remedy for a message is to send it again with the same `uuid` ([`Error::uuid`]):
    /// the platform keeps at most one message per `uuid` (for an hour), and
    /// [`crate::Client::resend`] does it in one call. A batch has no such key: find out
    /// whether it arrived before sending it again. When `false`, nothing was sent.
    pub fn maybe_sent(&self) -> bool {
        self.inner.maybe_sent
    }

    /// The de-duplication key the failed request carried (send message, reply, card entity
    /// operations): the caller's, or the one the client generated.
    pub fn uuid(&self) -> Option<&str> {
        self.inner.uuid.as_deref()
    }

    /// The same call with the same `uuid`, for a call the platform de-duplicates that
    /// failed after its request was built (not for a broken rule): sending it again within
    /// the platform's one-hour window takes effect at most once, whether or not the first
    /// attempt arrived. [`crate::Client::resend`] sends it.
    pub fn resend(&self) -> Option<&Resend> {
        self.inner.resend.as_ref()
    }

    /// The same error with the `uuid` its request carried and how to resend it.
    pub(crate) fn with_resend(mut self, uuid: String, resend: Resend) -> Self {
        self.inner.uuid = Some(uuid);
        self.inner.resend = Some(resend);
        self
    }

    pub(crate) fn with_http_status(mut self, status: u16) -> Self {
        self.inner.http_status = Some(status);
        self
    }

    pub(crate) fn with_api(mut self, code: i64, msg: impl Into<String>) -> Self {
        self.inner.code = Some(code);
        self.inner.msg = Some(msg.into());
        self
    }

    pub(crate) fn with_log_id(mut self, log_id: Option<String>) -> Self {
        if log_id.is_some() {
            self.inner.log_id = log_id;
        }
        self
    }

    pub(crate) fn with_troubleshooter(mut self, link: Option<String>) -> Self {
        self.inner.troubleshooter = link;
        self
    }

    pub(crate) fn with_platform_violations(
        mut self,
        permissions: Vec<PermissionViolation>,
        fields: Vec<FieldViolation>,
    ) -> Self {
        self.inner.permission_violations = permissions;
        self.inner.field_violations = fields;
        self
    }

    pub(crate) fn with_retry_after(mut self, wait: Option<Duration>) -> Self {
        self.inner.retry_after = wait;
        self
    }

    /// The same error with `context` before its message (`"final text: …"`).
    pub(crate) fn with_context(mut self, context: &str) -> Self {
        self.inner.message = format!("{context}: {}", self.inner.message);
        self
    }

    pub(crate) fn with_maybe_sent(mut self, maybe_sent: bool) -> Self {
        self.inner.maybe_sent = maybe_sent;
        self
    }
}

impl From<Violations> for Error {
    fn from(violations: Violations) -> Self {
        let mut error = Self::new(ErrorKind::InvalidArgument, violations.to_string());
        error.inner.violations = violations.into_vec();
        error
    }
}

impl Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = &self.inner;
        write!(f, "{}: {}", d.kind, d.message)?;
        let mut extras = Vec::new();
        if let Some(code) = d.code {
            extras.push(format!("code {code}"));
        }
        if let Some(status) = d.http_status {
            extras.push(format!("http {status}"));
        }
        if let Some(log_id) = &d.log_id {
            extras.push(format!("log_id {log_id}"));
        }
        if let Some(wait) = d.retry_after {
            extras.push(format!("retry after {:.1}s", wait.as_secs_f64()));
        }
        if let Some(uuid) = &d.uuid {
            extras.push(format!("uuid {uuid}"));
        }
        if !extras.is_empty() {
            write!(f, " [{}]", extras.join(", "))?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// The JSON form every binding builds its exceptions from: `kind`, `message`, and each
/// known detail (`code`, `msg`, `http_status`, `log_id`, `troubleshooter`, `violations`,
/// `permission_violations`, `field_violations`, `retry_after_ms`, `maybe_sent`, `uuid`, and
/// `resend`: `{"call", "request"}`, what [`Error::resend`] gives).
impl Serialize for Error {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let d = &self.inner;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("kind", &d.kind)?;
        map.serialize_entry("message", &d.message)?;
        if let Some(code) = d.code {
            map.serialize_entry("code", &code)?;
        }
        if let Some(msg) = &d.msg {
            map.serialize_entry("msg", msg)?;
        }
        if let Some(status) = d.http_status {
            map.serialize_entry("http_status", &status)?;
        }
        if let Some(log_id) = &d.log_id {
            map.serialize_entry("log_id", log_id)?;
        }
        if let Some(link) = &d.troubleshooter {
            map.serialize_entry("troubleshooter", link)?;
        }
        map.serialize_entry("violations", &d.violations)?;
        map.serialize_entry("permission_violations", &d.permission_violations)?;
        map.serialize_entry("field_violations", &d.field_violations)?;
        if let Some(wait) = d.retry_after {
            map.serialize_entry("retry_after_ms", &(wait.as_millis() as u64))?;
        }
        map.serialize_entry("maybe_sent", &d.maybe_sent)?;
        if let Some(uuid) = &d.uuid {
            map.serialize_entry("uuid", uuid)?;
        }
        if let Some(resend) = &d.resend {
            map.serialize_entry(
                "resend",
                &serde_json::json!({"call": resend.call, "request": &resend.request}),
            )?;
        }
        map.end()
    }
}

/// Result of a larkmsg call.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::Rule;

    #[test]
    fn display_names_kind_code_status_and_log_id() {
        let error = Error::new(ErrorKind::Api, "The bot can not be outside the group.")
            .with_api(230002, "The bot can not be outside the group.")
            .with_http_status(400)
            .with_log_id(Some("20240913161357".into()));
        assert_eq!(
            error.to_string(),
            "api: The bot can not be outside the group. [code 230002, http 400, log_id 20240913161357]"
        );
    }

    #[test]
    fn violations_become_invalid_argument() {
        let violations = Violations::from(Violation {
            path: "uuid".into(),
            rule: Rule::Length,
            message: "must be at most 50 characters, got 51".into(),
        });
        let error = Error::from(violations);
        assert_eq!(error.kind(), ErrorKind::InvalidArgument);
        assert_eq!(error.violations()[0].path, "uuid");
        assert!(error.to_string().contains("uuid: must be at most 50 characters, got 51"));
    }

    #[test]
    fn the_json_form_has_every_known_detail() {
        let error = Error::new(ErrorKind::RateLimited, "throttled")
            .with_api(99991400, "request trigger frequency limit")
            .with_http_status(429)
            .with_retry_after(Some(Duration::from_millis(1500)));
        let json = serde_json::to_value(&error).unwrap();
        assert_eq!(json["kind"], "rate_limited");
        assert_eq!(json["code"], 99991400);
        assert_eq!(json["http_status"], 429);
        assert_eq!(json["retry_after_ms"], 1500);
        assert_eq!(json["maybe_sent"], false);
        assert!(json.get("log_id").is_none());
    }

    #[test]
    fn kinds_have_stable_names_and_codes() {
        let names: Vec<_> = ErrorKind::ALL.iter().map(|k| serde_json::to_string(k).unwrap()).collect();
        assert_eq!(
            names.join(","),
            "\"invalid_argument\",\"auth\",\"permission\",\"rate_limited\",\"api\",\"timeout\",\"network\",\"decode\",\"config\",\"tls\",\"internal\""
        );
        for (i, kind) in ErrorKind::ALL.iter().enumerate() {
            assert_eq!(serde_json::to_string(kind).unwrap(), format!("\"{}\"", kind.as_str()));
            assert!(kind.c_code() > 0, "0 is the C API's success");
            assert!(ErrorKind::ALL[i + 1..].iter().all(|other| other.c_code() != kind.c_code()));
            assert!(kind.class_name().ends_with("Error"));
            assert!(kind.parent().is_none_or(|parent| parent.parent().is_none()));
        }
        // A panic caught at the C boundary kept its number when it became `internal`.
        assert_eq!(ErrorKind::Internal.c_code(), 100);
    }
}
