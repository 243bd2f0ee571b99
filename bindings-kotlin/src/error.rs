//! What crosses the boundary when a call fails: the core's error, every detail of it, as
//! one record. The Kotlin layer turns it into the `LarkException` of its kind.

use std::fmt;

/// A failed call: the core's error with its details.
#[derive(Debug, Clone, uniffi::Error)]
pub enum NativeError {
    /// The call failed; `details` says how.
    Failure {
        /// Everything the core knows about the failure.
        details: ErrorDetails,
    },
}

impl fmt::Display for NativeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self::Failure { details } = self;
        f.write_str(&details.display)
    }
}

impl std::error::Error for NativeError {}

/// Everything known about a failed call, as the core reports it. It never holds the app
/// secret or a token.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ErrorDetails {
    /// The stable snake_case kind shared by every binding (`invalid_argument`, `auth`, …).
    pub kind: String,
    /// A description, without the details that have their own field.
    pub message: String,
    /// The readable form: kind, message, code, HTTP status and log id.
    pub display: String,
    /// The platform's error `code`, when it answered with one.
    #[uniffi(default)]
    pub code: Option<i64>,
    /// The platform's error `msg`, when it answered with one.
    #[uniffi(default)]
    pub msg: Option<String>,
    /// The HTTP status of the answer, when there was one.
    #[uniffi(default)]
    pub http_status: Option<i32>,
    /// The request's log id (`X-Tt-Logid`): what support asks for.
    #[uniffi(default)]
    pub log_id: Option<String>,
    /// The platform's troubleshooting link.
    #[uniffi(default)]
    pub troubleshooter: Option<String>,
    /// The rules the request broke (kind `invalid_argument`); nothing was sent.
    #[uniffi(default)]
    pub violations: Vec<Violation>,
    /// Scopes or policies the platform says the app lacks.
    #[uniffi(default)]
    pub permission_violations: Vec<PermissionViolation>,
    /// Fields the platform rejected.
    #[uniffi(default)]
    pub field_violations: Vec<FieldViolation>,
    /// How long the platform asked to wait before trying again, in milliseconds.
    #[uniffi(default)]
    pub retry_after_ms: Option<i64>,
    /// Whether the request may have taken effect although the call failed; when `false`,
    /// nothing was sent. A message is sent again safely with the same `uuid`.
    #[uniffi(default)]
    pub maybe_sent: bool,
    /// The de-duplication key the failed request carried (yours, or the generated one).
    #[uniffi(default)]
    pub uuid: Option<String>,
    /// The call that sends the failed one again with its `uuid`, when that is safe.
    #[uniffi(default)]
    pub resend_call: Option<String>,
    /// Its flat request, as JSON text.
    #[uniffi(default)]
    pub resend_request_json: Option<String>,
}

/// One broken rule of a request.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Violation {
    /// The field's path (`app_feed_card.buttons.buttons[2]`).
    pub path: String,
    /// The rule's stable name (`length`, `required`, …).
    pub rule: String,
    /// What is wrong, with the limit.
    pub message: String,
}

/// A scope or policy the platform says the app lacks.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct PermissionViolation {
    /// The kind of violation (`type` on the wire).
    pub violation_type: Option<String>,
    /// The scope or resource concerned, e.g. `im:message`.
    pub subject: Option<String>,
    /// What is missing.
    pub description: Option<String>,
}

/// A request field the platform rejected.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FieldViolation {
    /// The field's name or path.
    pub field: Option<String>,
    /// The value that was sent.
    pub value: Option<String>,
    /// Why it was rejected.
    pub description: Option<String>,
}

impl From<larkmsg::Error> for NativeError {
    fn from(error: larkmsg::Error) -> Self {
        let details = ErrorDetails {
            kind: error.kind().as_str().to_owned(),
            message: error.message().to_owned(),
            display: error.to_string(),
            code: error.code(),
            msg: error.msg().map(str::to_owned),
            http_status: error.http_status().map(i32::from),
            log_id: error.log_id().map(str::to_owned),
            troubleshooter: error.troubleshooter().map(str::to_owned),
            violations: error
                .violations()
                .iter()
                .map(|v| Violation {
                    path: v.path.clone(),
                    rule: v.rule.as_str().to_owned(),
                    message: v.message.clone(),
                })
                .collect(),
            permission_violations: error
                .permission_violations()
                .iter()
                .map(|v| PermissionViolation {
                    violation_type: v.violation_type.clone(),
                    subject: v.subject.clone(),
                    description: v.description.clone(),
                })
                .collect(),
            field_violations: error
                .field_violations()
                .iter()
                .map(|v| FieldViolation {
                    field: v.field.clone(),
                    value: v.value.clone(),
                    description: v.description.clone(),
                })
                .collect(),
            retry_after_ms: error
                .retry_after()
                .map(|wait| i64::try_from(wait.as_millis()).unwrap_or(i64::MAX)),
            maybe_sent: error.maybe_sent(),
            uuid: error.uuid().map(str::to_owned),
            resend_call: error.resend().map(|resend| resend.call().to_owned()),
            resend_request_json: error.resend().map(|resend| resend.request().to_string()),
        };
        Self::Failure { details }
    }
}

impl From<larkmsg::Violations> for NativeError {
    fn from(violations: larkmsg::Violations) -> Self {
        larkmsg::Error::from(violations).into()
    }
}

/// An `invalid_argument` error naming what is wrong with an argument.
pub(crate) fn invalid_argument(message: String) -> NativeError {
    larkmsg::Error::new(larkmsg::ErrorKind::InvalidArgument, message).into()
}
