//! JSON building without a fallible serializer.
//!
//! Every content type builds its JSON form as a [`serde_json::Value`] ([`ToJson`]) and its
//! `Serialize` impl writes that value. Building a `Value` from strings, booleans, lists and
//! string-keyed maps cannot fail, so the JSON text of a content (`Value`'s `Display`) is
//! produced without a `Result`. Field order is insertion order (serde_json `preserve_order`).

use serde_json::{Map, Value};

/// A content type's JSON form, built directly so that it cannot fail.
pub(crate) trait ToJson {
    /// The JSON form, fields in the order of the platform's examples.
    fn to_json(&self) -> Value;
}

/// A JSON object under construction; optional fields are left out when `None`.
pub(crate) struct Object(Map<String, Value>);

impl Object {
    /// An empty object.
    pub(crate) fn new() -> Self {
        Self(Map::new())
    }

    /// Adds a field.
    pub(crate) fn field(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.0.insert(key.to_owned(), value.into());
        self
    }

    /// Adds a field when it has a value.
    pub(crate) fn optional(self, key: &str, value: Option<impl Into<Value>>) -> Self {
        match value {
            Some(value) => self.field(key, value),
            None => self,
        }
    }

    /// The finished object.
    pub(crate) fn build(self) -> Value {
        Value::Object(self.0)
    }
}

/// Implements `serde::Serialize` for content types by writing their [`ToJson`] form.
macro_rules! serialize_as_json {
    ($($ty:ty),+ $(,)?) => {
        $(
            impl serde::Serialize for $ty {
                fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    serde::Serialize::serialize(&$crate::content::json::ToJson::to_json(self), serializer)
                }
            }
        )+
    };
}
pub(crate) use serialize_as_json;
