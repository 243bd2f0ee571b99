//! The result of a call by name, still typed: a binding writes it as JSON text in one pass
//! or takes it as JSON values, without building the values only to write them out again.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::{Error, ErrorKind, Result};

/// A typed result that can be written as JSON text or made into JSON values.
trait Encode: Send {
    fn to_value(&self) -> serde_json::Result<Value>;
    fn to_json(&self) -> serde_json::Result<String>;
}

impl<T: Serialize + Send> Encode for T {
    fn to_value(&self) -> serde_json::Result<Value> {
        serde_json::to_value(self)
    }

    fn to_json(&self) -> serde_json::Result<String> {
        serde_json::to_string(self)
    }
}

/// The result of [`Client::call_output`](crate::Client::call_output): the call's typed
/// result and the top-level fields of the answer's `data` that larkmsg does not model.
#[doc(hidden)]
pub struct CallOutput {
    output: Box<dyn Encode>,
    unmodeled: Map<String, Value>,
}

impl CallOutput {
    /// `output`, with the answer's unmodeled fields (none for a flow).
    pub(crate) fn new(output: impl Serialize + Send + 'static, unmodeled: Map<String, Value>) -> Self {
        Self { output: Box::new(output), unmodeled }
    }

    /// The result as JSON values: the typed result's fields, then the unmodeled ones.
    ///
    /// # Errors
    /// [`ErrorKind::Decode`] when the result cannot be encoded (not expected).
    pub fn into_value(self) -> Result<Value> {
        let mut json = self.output.to_value().map_err(encode_error)?;
        if let Value::Object(fields) = &mut json {
            for (name, value) in self.unmodeled {
                fields.entry(name).or_insert(value);
            }
        }
        Ok(json)
    }

    /// The result as JSON text, the same document as [`CallOutput::into_value`] gives.
    ///
    /// # Errors
    /// As [`CallOutput::into_value`].
    pub fn into_json(self) -> Result<String> {
        if !self.unmodeled.is_empty() {
            // Rare (the platform added a field): merge through values, as `into_value` does.
            return serde_json::to_string(&self.into_value()?).map_err(encode_error);
        }
        self.output.to_json().map_err(encode_error)
    }
}

fn encode_error(error: serde_json::Error) -> Error {
    Error::new(ErrorKind::Decode, format!("cannot encode the result: {error}"))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[derive(Serialize)]
    struct Sent {
        message_id: String,
        chat_id: Option<String>,
    }

    fn sent() -> Sent {
        Sent { message_id: "om_1".into(), chat_id: None }
    }

    #[test]
    fn text_and_values_are_the_same_document() {
        let text = CallOutput::new(sent(), Map::new()).into_json().unwrap();
        let value = CallOutput::new(sent(), Map::new()).into_value().unwrap();
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), value);
        assert_eq!(value, json!({"message_id": "om_1", "chat_id": null}));
    }

    #[test]
    fn unmodeled_fields_follow_the_modeled_ones_and_never_replace_them() {
        let unmodeled: Map<String, Value> =
            [("added".to_owned(), json!(1)), ("message_id".to_owned(), json!("om_other"))]
                .into_iter()
                .collect();
        let text = CallOutput::new(sent(), unmodeled.clone()).into_json().unwrap();
        let value = CallOutput::new(sent(), unmodeled).into_value().unwrap();
        assert_eq!(text, r#"{"message_id":"om_1","chat_id":null,"added":1}"#);
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), value);
    }
}
