//! Decoding an answer's `data` and, in the same pass, keeping its top-level fields that
//! the result type does not model (a platform addition), so that no answer is read twice.

use std::borrow::Cow;
use std::fmt;

use serde::de::value::CowStrDeserializer;
use serde::de::{DeserializeOwned, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, Visitor};
use serde::forward_to_deserialize_any;
use serde_json::{Map, Value};

/// `T` decoded from the JSON text `text`, with the top-level fields whose names are not
/// among `T`'s fields (all of them when `T` ignores its input); `null` values left out.
pub(crate) fn decode_keeping_unmodeled<T: DeserializeOwned>(
    text: &str,
) -> serde_json::Result<(T, Map<String, Value>)> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let mut unmodeled = Map::new();
    let value = T::deserialize(Keeping { inner: &mut deserializer, unmodeled: &mut unmodeled })?;
    deserializer.end()?;
    Ok((value, unmodeled))
}

/// The top-level deserializer: a struct (or what ignores its input) sees only the fields
/// it names; the others go to `unmodeled`.
struct Keeping<'u, D> {
    inner: D,
    unmodeled: &'u mut Map<String, Value>,
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Keeping<'_, D> {
    type Error = D::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.inner.deserialize_any(visitor)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.inner.deserialize_map(Filter { fields, visitor, unmodeled: self.unmodeled })
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.inner.deserialize_any(Filter { fields: &[], visitor, unmodeled: self.unmodeled })
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
    }
}

/// Hands the visitor a map without the fields it does not name.
struct Filter<'u, V> {
    fields: &'static [&'static str],
    visitor: V,
    unmodeled: &'u mut Map<String, Value>,
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Filter<'_, V> {
    type Value = V::Value;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.visitor.expecting(formatter)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.visitor.visit_map(FilteredMap { inner: map, fields: self.fields, unmodeled: self.unmodeled })
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<V::Value, E> {
        self.visitor.visit_unit()
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<V::Value, E> {
        self.visitor.visit_none()
    }
}

struct FilteredMap<'u, A> {
    inner: A,
    fields: &'static [&'static str],
    unmodeled: &'u mut Map<String, Value>,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for FilteredMap<'_, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        while let Some(name) = self.inner.next_key_seed(Name)? {
            if self.fields.contains(&name.as_ref()) {
                let name: CowStrDeserializer<'_, A::Error> = name.into_deserializer();
                return seed.deserialize(name).map(Some);
            }
            let value: Value = self.inner.next_value()?;
            if !value.is_null() {
                self.unmodeled.insert(name.into_owned(), value);
            }
        }
        Ok(None)
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        self.inner.next_value_seed(seed)
    }
}

/// A field name, borrowed from the answer when it has no escape.
struct Name;

impl<'de> DeserializeSeed<'de> for Name {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Name {
    type Value = Cow<'de, str>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a field name")
    }

    fn visit_borrowed_str<E>(self, name: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(name))
    }

    fn visit_str<E>(self, name: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(name.to_owned()))
    }

    fn visit_string<E>(self, name: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(name))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::api::{CardOperationResult, FailedCard, Message};

    #[test]
    fn a_struct_keeps_what_it_does_not_model() {
        let text = r#"{"message_id":"om_1","chat_id":null,"new_field":{"a":[1,{"b":"\u00e9"}]},"gone":null,"n\u0061me2":2}"#;
        let (message, unmodeled) = decode_keeping_unmodeled::<Message>(text).unwrap();
        assert_eq!(message.message_id, "om_1");
        assert_eq!(message.chat_id, None);
        assert_eq!(Value::Object(unmodeled), json!({"new_field": {"a": [1, {"b": "é"}]}, "name2": 2}));
    }

    #[test]
    fn decoding_is_as_strict_as_without_keeping() {
        for text in
            ["null", "[]", r#"{"chat_id":"oc_1"}"#, r#"{"message_id":1}"#, r#"{"message_id":"om_1"} x"#]
        {
            let kept = decode_keeping_unmodeled::<Message>(text).map(|(message, _)| message);
            let plain = serde_json::from_str::<Message>(text);
            assert_eq!(kept.is_ok(), plain.is_ok(), "{text}");
            assert!(kept.is_err(), "{text}");
        }
        // Nested structs are decoded as they are: their unknown fields are not kept.
        let (failed, unmodeled) =
            decode_keeping_unmodeled::<FailedCard>(r#"{"biz_id":"b","extra":1}"#).unwrap();
        assert_eq!(failed.biz_id.as_deref(), Some("b"));
        assert_eq!(Value::Object(unmodeled), json!({"extra": 1}));
    }

    #[test]
    fn a_result_that_ignores_its_input_keeps_all_of_it() {
        let (_, unmodeled) = decode_keeping_unmodeled::<CardOperationResult>(r#"{"x":1,"y":null}"#).unwrap();
        assert_eq!(Value::Object(unmodeled), json!({"x": 1}));
        let (_, unmodeled) = decode_keeping_unmodeled::<CardOperationResult>("null").unwrap();
        assert!(unmodeled.is_empty());
    }
}
