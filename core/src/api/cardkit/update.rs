//! Replace a card entity's whole card: `PUT /open-apis/cardkit/v1/cards/:card_id`.

use serde::{Deserialize, Serialize};

use super::{card_operation, check_common};
use crate::api::card::string_or_json_text;
use crate::enums::string_enum;
use crate::operation::{Operation, check_path_params};
use crate::validate::{Validator, Violations};

card_operation! {
    /// Full update of a card entity: `PUT /open-apis/cardkit/v1/cards/:card_id`.
    UpdateCard(UpdateCardRequest) = Put "/open-apis/cardkit/v1/cards/:card_id", [card_id]
}

/// Length range of `card.type`, in characters.
const TYPE_CHARS: (usize, usize) = (1, 50);
/// Length range of `card.data`, in characters.
const DATA_CHARS: (usize, usize) = (1, 1_000_000);

string_enum! {
    /// `card.type` of a full update: only card JSON.
    pub enum CardJsonType {
        /// Card JSON 2.0, serialized to a string.
        CardJson = "card_json",
    }
}

/// The new card of a full update.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct CardJson {
    /// What `data` holds: always `card_json` (`type` on the wire).
    #[serde(rename = "type")]
    pub card_type: CardJsonType,
    /// The complete card JSON 2.0, serialized to a string (1 to 1,000,000 characters); the
    /// object itself is serialized.
    #[serde(deserialize_with = "string_or_json_text")]
    #[cfg_attr(feature = "schema", schemars(schema_with = "crate::api::card::string_or_object"))]
    pub data: String,
}

/// Full update request: the `card_id` path parameter and the JSON body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct UpdateCardRequest {
    /// Path: the card entity's id (1 to 20 characters).
    #[serde(skip_serializing)]
    pub card_id: String,
    /// The new card, replacing everything the card entity held.
    pub card: CardJson,
    /// Idempotency key (1 to 64 characters): one effect per key. Filled when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uuid: Option<String>,
    /// The operation's number on this card: strictly greater than the previous one's.
    pub sequence: i64,
}

impl UpdateCardRequest {
    /// Replaces the card `card_id` with the card JSON text `data`, as operation `sequence`.
    pub fn new(card_id: impl Into<String>, data: impl Into<String>, sequence: i64) -> Self {
        let card = CardJson { card_type: CardJsonType::CardJson, data: data.into() };
        Self { card_id: card_id.into(), card, uuid: None, sequence }
    }

    /// Sets the idempotency key.
    #[must_use]
    pub fn uuid(mut self, uuid: impl Into<String>) -> Self {
        self.uuid = Some(uuid.into());
        self
    }

    /// Checks every documented rule, the card JSON 2.0 rules of a card entity included
    /// (schema 2.0, `update_multi`, unique `element_id`s, 200 components; a card over the
    /// advised 30 KB is logged as a warning); reports all violations together.
    ///
    /// # Errors
    /// The violations, when the request breaks a rule.
    pub fn validate(&self) -> Result<(), Violations> {
        let mut v = Validator::new();
        check_path_params(&mut v, UpdateCard::PATH, &[self.card_id.as_str()]);
        check_common(&mut v, &self.card_id, self.uuid.as_deref(), self.sequence);
        let (min, max) = TYPE_CHARS;
        let type_ok = v.chars("card.type", self.card.card_type.as_str(), min, max)
            && v.known("card.type", &self.card.card_type);
        let (min, max) = DATA_CHARS;
        if v.chars("card.data", &self.card.data, min, max) && type_ok {
            crate::card::check_card_entity_str(&mut v, "card.data", &self.card.data);
        }
        v.finish()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::validate::{Rule, decode_value};

    #[test]
    fn the_card_is_checked_as_a_card_entity() {
        let card = json!({"schema": "2.0", "body": {"elements": [{"tag": "markdown", "content": "hi"}]}});
        let flat = json!({"card_id": "1", "card": {"type": "card_json", "data": card}, "sequence": 4});
        let request: UpdateCardRequest = decode_value("", flat).unwrap();
        assert!(request.validate().is_ok());
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            json!({"card": {"type": "card_json", "data": card.to_string()}, "sequence": 4})
        );
        let old = UpdateCardRequest::new("1", r#"{"schema":"1.0","config":{"update_multi":false}}"#, 5);
        let violations = old.validate().unwrap_err();
        let found: Vec<_> = violations.as_slice().iter().map(|v| (v.path.as_str(), v.rule)).collect();
        assert!(found.contains(&("card.data.schema", Rule::Enum)), "{found:?}");
        assert!(found.contains(&("card.data.config.update_multi", Rule::Forbidden)), "{found:?}");
        let template = json!({"card_id": "1", "card": {"type": "template", "data": "{}"}, "sequence": 1});
        let request: UpdateCardRequest = decode_value("", template).unwrap();
        assert_eq!(request.validate().unwrap_err().as_slice()[0].path, "card.type");
    }
}
