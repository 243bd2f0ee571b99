//! The envelope every Open Platform answer comes in: `{code, msg, data?, error?}`.
//!
//! Decoding is lenient: a missing `msg` is empty, unknown fields are ignored, and a `data`
//! of `null` or `{}` that does not fit `T` (as failed calls sometimes send) reads as `None`.

use serde::de::{DeserializeOwned, Deserializer};
use serde::{Deserialize, Serialize};

/// One answer of the platform: `code == 0` is success, `data` holds the result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(bound(serialize = "T: Serialize", deserialize = "T: DeserializeOwned"))]
#[non_exhaustive]
pub struct Envelope<T> {
    /// The platform's code: `0` on success, else the error code.
    pub code: i64,
    /// The platform's message; for people, never to branch on.
    #[serde(default)]
    pub msg: String,
    /// The result; absent on failure.
    #[serde(default, deserialize_with = "lenient_data", skip_serializing_if = "Option::is_none")]
    pub data: Option<T>,
    /// Details of a failure, when the platform sends them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorDetail>,
}

impl<T> Envelope<T> {
    /// Whether the platform reported success (`code == 0`).
    pub fn is_success(&self) -> bool {
        self.code == 0
    }
}

/// `data` as `T`; `null`, and `{}` when `T` cannot be empty, read as absent.
fn lenient_data<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    let value = serde_json::Value::deserialize(deserializer)?;
    let empty = match &value {
        serde_json::Value::Null => return Ok(None),
        serde_json::Value::Object(map) => map.is_empty(),
        _ => false,
    };
    match serde_json::from_value(value) {
        Ok(data) => Ok(Some(data)),
        Err(_) if empty => Ok(None),
        Err(error) => Err(serde::de::Error::custom(error)),
    }
}

/// The `error` object of a failed answer: what support and the caller need to act.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ErrorDetail {
    /// The request's log id, the one support asks for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_id: Option<String>,
    /// A link to the platform's troubleshooting page for this failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub troubleshooter: Option<String>,
    /// A longer description of the failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Free-form key/value details.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<ErrorDetailEntry>,
    /// Scopes the app lacks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub permission_violations: Vec<PermissionViolation>,
    /// Request fields the platform rejected.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub field_violations: Vec<FieldViolation>,
    /// Links to documentation that may help.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub helps: Vec<ErrorHelp>,
}

/// One `error.details` entry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ErrorDetailEntry {
    /// The detail's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// The detail's value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// One `error.permission_violations` entry: a scope the app lacks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PermissionViolation {
    /// The kind of violation (`type` on the wire).
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub violation_type: Option<String>,
    /// The scope or resource concerned, e.g. `im:message`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// What is missing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// One `error.field_violations` entry: a request field the platform rejected.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FieldViolation {
    /// The field's name or path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The value that was sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Why it was rejected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// One `error.helps` entry: a documentation link.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ErrorHelp {
    /// The link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// What it explains.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}
