//! The core's content and card builders (one JSON spec entry point), logging and version.

use larkmsg::content::Built;

use crate::error::NativeError;
use crate::json;

/// What [`native_build_content`] built.
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum BuiltContent {
    /// A message content, checked against send message's rules: give `msg_type` and
    /// `content` to send message, reply or a batch.
    Message {
        /// The content's `msg_type` (`text`, `post`, `interactive`, …).
        msg_type: String,
        /// The `content` string the platform wants.
        content: String,
    },
    /// One card component, as card JSON text (from an `element` spec).
    Element {
        /// The component's card JSON.
        json: String,
    },
}

/// Builds message content or one card component from a spec as JSON text
/// (`larkmsg::content::build_content`: `{"text": "hi"}`, `{"card": {...}}`, …).
/// A spec that does not decode, or content that breaks a rule, is an `invalid_argument`
/// error with every violation.
#[uniffi::export]
pub fn native_build_content(spec_json: String) -> Result<BuiltContent, NativeError> {
    let built = larkmsg::content::build_content(json::parse("the spec", &spec_json)?)?;
    Ok(match built {
        Built::Content(content) => BuiltContent::Message {
            msg_type: content.msg_type().as_str().to_owned(),
            content: content.to_content_string(),
        },
        Built::Element(element) => BuiltContent::Element { json: element.to_string() },
    })
}

/// Logs the core's events to stderr, filtered by `directive` (`info`, `larkmsg=trace`, …).
#[uniffi::export]
pub fn native_enable_logging(directive: String) -> Result<(), NativeError> {
    Ok(larkmsg::logging::enable(&directive)?)
}

/// The library's version.
#[uniffi::export]
pub fn native_version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}
