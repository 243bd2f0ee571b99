//! `interactive` messages: a card as card JSON, a template, or a card entity.
//!
//! Card JSON is kept as a [`serde_json::Value`]; card JSON 2.0 rules live in the card
//! module, not here.

use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use super::fields::CheckFields;
use super::json::{Object, ToJson, serialize_as_json};
use crate::validate::{Rule, Validator, decode_value, join};

/// Content of an `interactive` message.
#[derive(Debug, Clone, PartialEq)]
pub enum InteractiveContent {
    /// A card JSON object (1.0, or 2.0 with `"schema":"2.0"`), sent as is.
    Card(Value),
    /// A card built from a template: `{"type":"template","data":{...}}`.
    Template(TemplateCard),
    /// A card entity created before: `{"type":"card","data":{"card_id"}}` (send message only).
    CardEntity(CardEntity),
}

/// The `data` of a template card.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct TemplateCard {
    /// The template's id, e.g. `ctp_...`.
    pub template_id: String,
    /// The template version; the latest published one when absent.
    pub template_version_name: Option<String>,
    /// Values of the template's variables.
    pub template_variable: Option<Map<String, Value>>,
}

/// The `data` of a card entity reference.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CardEntity {
    /// The card entity's id.
    pub card_id: String,
}

/// `{"type": ..., "data": T}`: the envelope of template and card entity content.
#[derive(Deserialize)]
struct Envelope<T> {
    data: T,
}

impl InteractiveContent {
    /// A card given as card JSON (any JSON object).
    pub fn card_json(card: Value) -> Self {
        Self::Card(card)
    }

    /// A template card builder; add a version and variables, then convert with `into()`.
    pub fn template(template_id: impl Into<String>) -> TemplateCard {
        TemplateCard::new(template_id)
    }

    /// A card entity, by the id the card entity endpoint returned.
    pub fn card_entity(card_id: impl Into<String>) -> Self {
        Self::CardEntity(CardEntity { card_id: card_id.into() })
    }
}

impl TemplateCard {
    /// A template card with no version and no variables.
    pub fn new(template_id: impl Into<String>) -> Self {
        Self { template_id: template_id.into(), template_version_name: None, template_variable: None }
    }

    /// Sets the template version, e.g. `1.0.0`.
    pub fn version_name(mut self, version: impl Into<String>) -> Self {
        self.template_version_name = Some(version.into());
        self
    }

    /// Sets one template variable.
    pub fn variable(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.template_variable.get_or_insert_with(Map::new).insert(name.into(), value.into());
        self
    }
}

impl From<TemplateCard> for InteractiveContent {
    fn from(template: TemplateCard) -> Self {
        Self::Template(template)
    }
}

impl From<CardEntity> for InteractiveContent {
    fn from(entity: CardEntity) -> Self {
        Self::CardEntity(entity)
    }
}

impl ToJson for InteractiveContent {
    fn to_json(&self) -> Value {
        match self {
            Self::Card(card) => card.clone(),
            Self::Template(template) => {
                let data = Object::new()
                    .field("template_id", template.template_id.as_str())
                    .optional("template_version_name", template.template_version_name.as_deref())
                    .optional("template_variable", template.template_variable.clone());
                Object::new().field("type", "template").field("data", data.build()).build()
            }
            Self::CardEntity(entity) => {
                let data = Object::new().field("card_id", entity.card_id.as_str());
                Object::new().field("type", "card").field("data", data.build()).build()
            }
        }
    }
}

serialize_as_json!(InteractiveContent);

/// What kind of interactive content a JSON object is, by its `type`.
fn kind_of(value: &Value) -> Option<&str> {
    value.get("type").and_then(Value::as_str).filter(|kind| matches!(*kind, "template" | "card"))
}

fn data<T: DeserializeOwned, E: serde::de::Error>(value: Value) -> Result<T, E> {
    serde_json::from_value::<Envelope<T>>(value).map(|envelope| envelope.data).map_err(E::custom)
}

impl<'de> Deserialize<'de> for InteractiveContent {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        if !value.is_object() {
            return Err(D::Error::custom("interactive content must be a JSON object"));
        }
        match kind_of(&value) {
            Some("template") => data(value).map(Self::Template),
            Some(_) => data(value).map(Self::CardEntity),
            None => Ok(Self::Card(value)),
        }
    }
}

impl CheckFields for TemplateCard {
    fn check_fields(&self, v: &mut Validator, path: &str) {
        v.id(join(path, "template_id"), &self.template_id);
    }
}

impl CheckFields for CardEntity {
    fn check_fields(&self, v: &mut Validator, path: &str) {
        v.id(join(path, "card_id"), &self.card_id);
    }
}

/// Where interactive content goes: batch send takes no card entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CardTarget {
    /// Send message's `content`.
    Send,
    /// Batch send's `card`.
    Batch,
}

/// Checks an interactive JSON object at `path`: template and card entity shapes; card JSON
/// is left to the card module.
pub(crate) fn check_interactive(v: &mut Validator, path: &str, value: &Value, target: CardTarget) {
    let data_path = join(path, "data");
    match kind_of(value) {
        Some("template") => match decode_value::<Envelope<TemplateCard>>(path, value.clone()) {
            Ok(envelope) => envelope.data.check_fields(v, &data_path),
            Err(violations) => v.extend(violations),
        },
        Some(_) if target == CardTarget::Batch => {
            let message = "batch send does not support card entities; send card JSON or a template";
            v.push(join(path, "type"), Rule::Forbidden, message);
        }
        Some(_) => match decode_value::<Envelope<CardEntity>>(path, value.clone()) {
            Ok(envelope) => envelope.data.check_fields(v, &data_path),
            Err(violations) => v.extend(violations),
        },
        None => {}
    }
}
