//! [`Answer`]: an operation's typed result together with the answer's `data` exactly as
//! the platform sent it, for the fields this version of larkmsg does not model yet.

use serde_json::value::RawValue;
use serde_json::{Map, Value};

/// The result of [`crate::Client::call`]: the decoded result and the answer's `data` as
/// the platform sent it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Answer<T> {
    /// The decoded result.
    pub result: T,
    raw: Box<RawValue>,
    unmodeled: Map<String, Value>,
}

impl<T> Answer<T> {
    pub(crate) fn new(result: T, raw: Box<RawValue>, unmodeled: Map<String, Value>) -> Self {
        Self { result, raw, unmodeled }
    }

    /// The top-level fields of the answer's `data` that the result does not model (a
    /// platform addition), with their values; `null` values are left out.
    pub fn unmodeled_fields(&self) -> &Map<String, Value> {
        &self.unmodeled
    }

    /// The answer's `data` as the platform sent it (JSON text; `null` when it sent none).
    pub fn raw_json(&self) -> &str {
        self.raw.get()
    }

    /// The decoded result, dropping the raw answer.
    pub fn into_result(self) -> T {
        self.result
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Message;

    #[test]
    fn unmodeled_fields_are_what_the_result_does_not_hold() {
        let text = r#"{"message_id":"om_1","chat_id":null,"new_field":{"a":1},"gone":null}"#;
        let raw = RawValue::from_string(text.to_owned()).unwrap();
        let (result, unmodeled) = crate::transport::decode_keeping_unmodeled::<Message>(text).unwrap();
        let answer = Answer::new(result, raw, unmodeled);
        assert_eq!(answer.result.message_id, "om_1");
        assert_eq!(
            answer.unmodeled_fields(),
            &Map::from_iter([("new_field".to_owned(), serde_json::json!({"a": 1}))])
        );
        assert!(answer.raw_json().contains("\"gone\":null"));
    }
}
