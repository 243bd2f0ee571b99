//! Add components to a card entity: `POST /open-apis/cardkit/v1/cards/:card_id/elements`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{card_operation, check_common, component_json};
use crate::api::card::string_or_json_text;
use crate::enums::string_enum;
use crate::operation::{Operation, check_path_params};
use crate::validate::{Rule, Validator, Violations, json_kind};

card_operation! {
    /// Add components: `POST /open-apis/cardkit/v1/cards/:card_id/elements`.
    CreateCardElements(CreateCardElementsRequest) = Post "/open-apis/cardkit/v1/cards/:card_id/elements", [card_id]
}

/// Length range of `target_element_id`, in characters.
const TARGET_CHARS: (usize, usize) = (0, 20);

string_enum! {
    /// `type` of an add: where the components go.
    pub enum InsertType {
        /// Before the target component.
        InsertBefore = "insert_before",
        /// After the target component.
        InsertAfter = "insert_after",
        /// At the end of the target container, or of the card body without a target.
        Append = "append",
    }
}

/// Add components request: the `card_id` path parameter and the JSON body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct CreateCardElementsRequest {
    /// Path: the card entity's id (1 to 20 characters).
    #[serde(skip_serializing)]
    pub card_id: String,
    /// Where the components go (`insert_before`, `insert_after`, `append`).
    #[serde(rename = "type")]
    pub insert_type: InsertType,
    /// The component to insert before or after (required then), or the container to append
    /// to (the card body when left out); 0 to 20 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_element_id: Option<String>,
    /// Idempotency key (1 to 64 characters): one effect per key. Filled when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uuid: Option<String>,
    /// The operation's number on this card: strictly greater than the previous one's.
    pub sequence: i64,
    /// The components: a JSON array of card JSON 2.0 components serialized to a string
    /// (1 to 1,000,000 characters); the array itself is serialized.
    #[serde(deserialize_with = "string_or_json_text")]
    #[cfg_attr(feature = "schema", schemars(schema_with = "string_or_array"))]
    pub elements: String,
}

#[cfg(feature = "schema")]
fn string_or_array(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({"anyOf": [{"type": "string"}, {"type": "array"}]})
}

impl CreateCardElementsRequest {
    /// Adds `elements` (card JSON 2.0 components) to the card `card_id` as `insert_type`
    /// says, as operation `sequence`.
    pub fn new(
        card_id: impl Into<String>,
        insert_type: InsertType,
        elements: &[Value],
        sequence: i64,
    ) -> Self {
        Self {
            card_id: card_id.into(),
            insert_type,
            target_element_id: None,
            uuid: None,
            sequence,
            elements: Value::from(elements.to_vec()).to_string(),
        }
    }

    /// Sets the component to insert before or after, or the container to append to.
    #[must_use]
    pub fn target(mut self, element_id: impl Into<String>) -> Self {
        self.target_element_id = Some(element_id.into());
        self
    }

    /// Sets the idempotency key.
    #[must_use]
    pub fn uuid(mut self, uuid: impl Into<String>) -> Self {
        self.uuid = Some(uuid.into());
        self
    }

    /// Checks every documented rule, each component's included (a `tag`, unique and well
    /// formed `element_id`s, at most 200); reports all violations together.
    ///
    /// # Errors
    /// The violations, when the request breaks a rule.
    pub fn validate(&self) -> Result<(), Violations> {
        let mut v = Validator::new();
        check_path_params(&mut v, CreateCardElements::PATH, &[self.card_id.as_str()]);
        check_common(&mut v, &self.card_id, self.uuid.as_deref(), self.sequence);
        let positional = matches!(self.insert_type, InsertType::InsertBefore | InsertType::InsertAfter);
        if v.known("type", &self.insert_type) && positional {
            v.required("target_element_id", self.target_element_id.as_deref());
        }
        if let Some(target) = &self.target_element_id {
            let (min, max) = TARGET_CHARS;
            v.chars("target_element_id", target, min, max);
        }
        match component_json(&mut v, "elements", &self.elements) {
            Some(Value::Array(components)) if components.is_empty() => {
                v.push("elements", Rule::Items, "must hold at least one component");
            }
            Some(Value::Array(components)) => crate::card::check_components(&mut v, "elements", &components),
            Some(other) => {
                let message = format!("must be a JSON array of components, got {}", json_kind(&other));
                v.push("elements", Rule::Format, message);
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
    fn positions_need_a_target_and_components_are_checked() {
        let button =
            json!({"tag": "button", "element_id": "b_1", "text": {"tag": "plain_text", "content": "ok"}});
        let request =
            CreateCardElementsRequest::new("1", InsertType::InsertAfter, std::slice::from_ref(&button), 2);
        let violations = request.validate().unwrap_err();
        assert_eq!(violations.as_slice()[0].path, "target_element_id");
        let request = request.target("answer");
        assert!(request.validate().is_ok());
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            json!({"type": "insert_after", "target_element_id": "answer", "sequence": 2,
                   "elements": Value::from(vec![button.clone()]).to_string()})
        );
        let twice = CreateCardElementsRequest::new("1", InsertType::Append, &[button.clone(), button], 3);
        let found: Vec<_> =
            twice.validate().unwrap_err().into_vec().into_iter().map(|v| (v.path, v.rule)).collect();
        assert_eq!(found, [("elements[1].element_id".to_owned(), Rule::Unique)]);
        let untagged = CreateCardElementsRequest::new("1", InsertType::Append, &[json!({"content": "x"})], 4);
        assert_eq!(untagged.validate().unwrap_err().as_slice()[0].path, "elements[0]");
        let none = CreateCardElementsRequest::new("1", InsertType::Append, &[], 5);
        assert_eq!(none.validate().unwrap_err().as_slice()[0].rule, Rule::Items);
    }
}
