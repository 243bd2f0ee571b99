//! serde forms of the record fields that hold the platform's own JSON, and the conversions
//! of records to the core's JSON requests and from its JSON results.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use crate::error::NativeError;

/// A record field held as text: required (`String`) or optional (`Option<String>`).
pub(crate) trait Text: Sized {
    /// The text, when there is one.
    fn text(&self) -> Option<&str>;
    /// The field from the value read (`None`: absent or `null`), turned into text by `text_of`.
    fn from_value(value: Option<Value>, text_of: fn(Value) -> String) -> Self;
}

impl Text for String {
    fn text(&self) -> Option<&str> {
        Some(self)
    }

    fn from_value(value: Option<Value>, text_of: fn(Value) -> String) -> Self {
        value.map(text_of).unwrap_or_default()
    }
}

impl Text for Option<String> {
    fn text(&self) -> Option<&str> {
        self.as_deref()
    }

    fn from_value(value: Option<Value>, text_of: fn(Value) -> String) -> Self {
        value.map(text_of)
    }
}

/// A field of any JSON value, held as JSON text: written as the value the text is (or as
/// the string itself when it is not JSON, for the core to report at the field's path),
/// read as the text of whatever value came.
pub(crate) mod json_text {
    use super::*;

    pub(crate) fn serialize<T: Text, S: Serializer>(field: &T, serializer: S) -> Result<S::Ok, S::Error> {
        match field.text() {
            Some(text) => match serde_json::from_str::<Value>(text) {
                Ok(value) => value.serialize(serializer),
                Err(_) => serializer.serialize_str(text),
            },
            None => serializer.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, T: Text, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
        Ok(T::from_value(Option::<Value>::deserialize(deserializer)?, |value| value.to_string()))
    }
}

/// A field that is a string, or another JSON value standing for one (a number, an object
/// the core serializes): written as the string, read as the string or the value's JSON text.
pub(crate) mod string_or_json {
    use super::*;

    pub(crate) fn serialize<T: Text, S: Serializer>(field: &T, serializer: S) -> Result<S::Ok, S::Error> {
        match field.text() {
            Some(text) => serializer.serialize_str(text),
            None => serializer.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, T: Text, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
        let text_of = |value| match value {
            Value::String(text) => text,
            other => other.to_string(),
        };
        Ok(T::from_value(Option::<Value>::deserialize(deserializer)?, text_of))
    }
}

/// The core's flat JSON request of a request record.
pub(crate) fn request<R: Serialize>(record: &R) -> Result<Value, NativeError> {
    serde_json::to_value(record)
        .map_err(|e| crate::error::invalid_argument(format!("the request cannot be written as JSON: {e}")))
}

/// An operation's result record, which keeps the fields of the answer it does not model.
pub(crate) trait Answer {
    /// The fields the record models.
    const FIELDS: &'static [&'static str];
    /// Keeps the unmodeled fields (the text of a JSON object).
    fn keep_unmodeled(&mut self, fields: String);
}

/// The result record of the core's JSON result, keeping the top-level fields it does not
/// model (the core adds the answer's unmodeled fields to its JSON result). The call itself
/// succeeded, so a result that does not fit the record is a `decode` error that says the
/// call took effect.
pub(crate) fn result<R: DeserializeOwned + Answer>(mut value: Value) -> Result<R, NativeError> {
    let unmodeled = match &mut value {
        Value::Object(fields) if fields.keys().any(|name| !R::FIELDS.contains(&name.as_str())) => {
            let names: Vec<String> =
                fields.keys().filter(|name| !R::FIELDS.contains(&name.as_str())).cloned().collect();
            let taken: serde_json::Map<String, Value> =
                names.into_iter().filter_map(|name| fields.remove_entry(&name)).collect();
            Some(Value::Object(taken).to_string())
        }
        _ => None,
    };
    let mut record: R = decode(value)?;
    if let Some(fields) = unmodeled {
        record.keep_unmodeled(fields);
    }
    Ok(record)
}

/// A record from JSON; see [`result`].
fn decode<R: DeserializeOwned>(value: Value) -> Result<R, NativeError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let message =
            format!("the result does not fit this version's model at `{}`: {}", e.path(), e.inner());
        let NativeError::Failure { mut details } =
            larkmsg::Error::new(larkmsg::ErrorKind::Decode, message).into();
        details.maybe_sent = true;
        NativeError::Failure { details }
    })
}

/// Parses JSON text handed over by the host.
pub(crate) fn parse(what: &str, text: &str) -> Result<Value, NativeError> {
    serde_json::from_str(text).map_err(|e| crate::error::invalid_argument(format!("{what} is not JSON: {e}")))
}
