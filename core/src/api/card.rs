//! Create card entity: `POST /open-apis/cardkit/v1/cards`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::enums::string_enum;
use crate::operation::{Method, Operation, Repeat};
use crate::rate::{Quota, TIER_4};
use crate::validate::{Rule, Validator, Violations, join, json_kind};

/// Create card entity: `POST /open-apis/cardkit/v1/cards`.
#[derive(Debug, Clone, Copy)]
pub struct CreateCard;

impl Operation for CreateCard {
    type Request = CreateCardRequest;
    type Output = CreateCardResult;
    const METHOD: Method = Method::Post;
    const PATH: &'static str = "/open-apis/cardkit/v1/cards";
    const QUOTAS: &'static [Quota] = TIER_4;
    const REPEAT: Repeat = Repeat::NoVisibleEffect;

    fn validate(request: &CreateCardRequest) -> Result<(), Violations> {
        request.validate()
    }
}

/// Length range of `type`, in characters.
const TYPE_CHARS: (usize, usize) = (1, 50);
/// Length range of `data`, in characters.
const DATA_CHARS: (usize, usize) = (1, crate::card::MAX_CARD_CHARS);

string_enum! {
    /// `type` of a card entity: what `data` holds.
    pub enum CardType {
        /// Card JSON 2.0 (`"schema": "2.0"`), serialized to a string.
        CardJson = "card_json",
        /// A template built with the card builder: `{template_id, template_version_name?, template_variable?}`.
        Template = "template",
    }
}

/// Create card entity request (the JSON body; there are no query parameters).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct CreateCardRequest {
    /// What `data` holds (`type` on the wire).
    #[serde(rename = "type")]
    pub card_type: CardType,
    /// The card JSON or template data, serialized to a string. The JSON form also takes
    /// the object itself, which is serialized (compact, keys in order).
    #[serde(deserialize_with = "string_or_json_text")]
    #[cfg_attr(feature = "schema", schemars(schema_with = "string_or_object"))]
    pub data: String,
}

impl CreateCardRequest {
    /// A card entity of `card_type` from `data`.
    pub fn new(card_type: CardType, data: impl Into<String>) -> Self {
        Self { card_type, data: data.into() }
    }

    /// A card entity from card JSON 2.0 text.
    pub fn card_json(data: impl Into<String>) -> Self {
        Self::new(CardType::CardJson, data)
    }

    /// A card entity from template data text (`{"template_id": …}`).
    pub fn template(data: impl Into<String>) -> Self {
        Self::new(CardType::Template, data)
    }

    /// The query parameters to send: none.
    pub fn query(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }

    /// Checks every documented rule, including the card JSON or template data; reports all
    /// violations together.
    ///
    /// # Errors
    /// Every violation, when the request breaks a rule.
    pub fn validate(&self) -> Result<(), Violations> {
        let mut v = Validator::new();
        let (type_min, type_max) = TYPE_CHARS;
        let type_ok =
            v.chars("type", self.card_type.as_str(), type_min, type_max) && v.known("type", &self.card_type);
        let (data_min, data_max) = DATA_CHARS;
        let data_ok = v.chars("data", &self.data, data_min, data_max);
        if type_ok && data_ok {
            match self.card_type {
                CardType::CardJson => crate::card::check_card_entity_str(&mut v, "data", &self.data),
                CardType::Template => check_template_data(&mut v, "data", &self.data),
                CardType::Unknown(_) => {}
            }
        }
        v.finish()
    }
}

/// A string as is, or any other JSON value as its compact JSON text.
pub(crate) fn string_or_json_text<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<String, D::Error> {
    match Value::deserialize(deserializer)? {
        Value::String(text) => Ok(text),
        other => Ok(other.to_string()),
    }
}

#[cfg(feature = "schema")]
pub(crate) fn string_or_object(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({"anyOf": [{"type": "string"}, {"type": "object"}]})
}

/// Template data: a JSON object with a non-empty string `template_id`, an optional string
/// `template_version_name` and an optional object `template_variable`; text that is not
/// JSON is platform code 200220.
fn check_template_data(v: &mut Validator, path: &str, data: &str) {
    let object = match serde_json::from_str::<Value>(data) {
        Ok(Value::Object(object)) => object,
        Ok(_) => {
            v.push(path, Rule::Format, "must be a JSON object with template_id");
            return;
        }
        Err(error) => {
            v.push(path, Rule::Format, format!("must be JSON text ({error}) (platform code 200220)"));
            return;
        }
    };
    let id_path = join(path, "template_id");
    match object.get("template_id") {
        Some(Value::String(id)) => {
            v.id(id_path, id);
        }
        Some(_) => v.push(id_path, Rule::Format, "must be a string"),
        None => v.push(id_path, Rule::Required, "is required"),
    }
    if let Some(version) = object.get("template_version_name").filter(|value| !value.is_string()) {
        let message = format!("must be a string, got {}", json_kind(version));
        v.push(join(path, "template_version_name"), Rule::Format, message);
    }
    if let Some(variables) = object.get("template_variable").filter(|value| !value.is_object()) {
        let message = format!("must be an object, got {}", json_kind(variables));
        v.push(join(path, "template_variable"), Rule::Format, message);
    }
}

/// The result of creating a card entity (its `data`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct CreateCardResult {
    /// The card entity's id; send it as `{"type":"card","data":{"card_id":…}}`.
    pub card_id: String,
}
