//! Change some properties of a card entity's component:
//! `PATCH /open-apis/cardkit/v1/cards/:card_id/elements/:element_id`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{card_operation, check_common, check_element_id_param, component_json};
use crate::api::card::string_or_json_text;
use crate::operation::{Operation, check_path_params};
use crate::validate::{Rule, Validator, Violations, join, json_kind};

card_operation! {
    /// Update a component's properties:
    /// `PATCH /open-apis/cardkit/v1/cards/:card_id/elements/:element_id`.
    PatchCardElement(PatchCardElementRequest) =
        Patch "/open-apis/cardkit/v1/cards/:card_id/elements/:element_id", [card_id, element_id]
}

/// Update a component's properties request: the path parameters and the JSON body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct PatchCardElementRequest {
    /// Path: the card entity's id (1 to 20 characters).
    #[serde(skip_serializing)]
    pub card_id: String,
    /// Path: the component to change (1 to 20 characters).
    #[serde(skip_serializing)]
    pub element_id: String,
    /// The properties to change: a JSON object serialized to a string (1 to 1,000,000
    /// characters); the object itself is serialized. `tag` cannot change (platform code
    /// 300312); an `element_id` renames the component.
    #[serde(deserialize_with = "string_or_json_text")]
    #[cfg_attr(feature = "schema", schemars(schema_with = "crate::api::card::string_or_object"))]
    pub partial_element: String,
    /// Idempotency key (1 to 64 characters): one effect per key. Filled when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uuid: Option<String>,
    /// The operation's number on this card: strictly greater than the previous one's.
    pub sequence: i64,
}

impl PatchCardElementRequest {
    /// Sets the properties `partial_element` of the component `element_id` of the card
    /// `card_id`, as operation `sequence`.
    pub fn new(
        card_id: impl Into<String>,
        element_id: impl Into<String>,
        partial_element: &Value,
        sequence: i64,
    ) -> Self {
        Self {
            card_id: card_id.into(),
            element_id: element_id.into(),
            partial_element: partial_element.to_string(),
            uuid: None,
            sequence,
        }
    }

    /// Sets the idempotency key.
    #[must_use]
    pub fn uuid(mut self, uuid: impl Into<String>) -> Self {
        self.uuid = Some(uuid.into());
        self
    }

    /// Checks every documented rule; reports all violations together.
    ///
    /// # Errors
    /// The violations, when the request breaks a rule.
    pub fn validate(&self) -> Result<(), Violations> {
        let mut v = Validator::new();
        let params = [self.card_id.as_str(), self.element_id.as_str()];
        check_path_params(&mut v, PatchCardElement::PATH, &params);
        check_common(&mut v, &self.card_id, self.uuid.as_deref(), self.sequence);
        check_element_id_param(&mut v, &self.element_id);
        match component_json(&mut v, "partial_element", &self.partial_element) {
            Some(Value::Object(properties)) => {
                if properties.contains_key("tag") {
                    let message = "cannot change a component's tag (platform code 300312)";
                    v.push(join("partial_element", "tag"), Rule::Forbidden, message);
                }
                match properties.get("element_id") {
                    Some(Value::String(id)) if crate::card::is_element_id(id) => {}
                    Some(other) => {
                        let message = format!(
                            "must be a letter, then letters, digits or underscores \
                             (^[A-Za-z][A-Za-z0-9_]{{0,19}}$), got {other}"
                        );
                        v.push(join("partial_element", "element_id"), Rule::Format, message);
                    }
                    None => {}
                }
            }
            Some(other) => {
                let message = format!("must be a JSON object of properties, got {}", json_kind(&other));
                v.push("partial_element", Rule::Format, message);
            }
            None => {}
        }
        v.finish()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_tag_cannot_change() {
        let request = PatchCardElementRequest::new("1", "md_1", &json!({"content": "new"}), 3);
        assert!(request.validate().is_ok());
        let tag = PatchCardElementRequest::new("1", "md_1", &json!({"tag": "div", "element_id": "9"}), 3);
        let found: Vec<_> =
            tag.validate().unwrap_err().into_vec().into_iter().map(|v| (v.path, v.rule)).collect();
        assert_eq!(
            found,
            [
                ("partial_element.tag".to_owned(), Rule::Forbidden),
                ("partial_element.element_id".to_owned(), Rule::Format)
            ]
        );
        let list = PatchCardElementRequest::new("1", "md_1", &json!([1]), 3);
        assert_eq!(list.validate().unwrap_err().as_slice()[0].path, "partial_element");
    }
}
