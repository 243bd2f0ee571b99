//! Replace a component of a card entity:
//! `PUT /open-apis/cardkit/v1/cards/:card_id/elements/:element_id`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{card_operation, check_common, check_element_id_param, component_json};
use crate::api::card::string_or_json_text;
use crate::operation::{Operation, check_path_params};
use crate::validate::{Rule, Validator, Violations};

card_operation! {
    /// Replace a component: `PUT /open-apis/cardkit/v1/cards/:card_id/elements/:element_id`.
    UpdateCardElement(UpdateCardElementRequest) =
        Put "/open-apis/cardkit/v1/cards/:card_id/elements/:element_id", [card_id, element_id]
}

/// Replace a component request: the `card_id` and `element_id` path parameters and the body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct UpdateCardElementRequest {
    /// Path: the card entity's id (1 to 20 characters).
    #[serde(skip_serializing)]
    pub card_id: String,
    /// Path: the component to replace: a letter, then letters, digits or underscores
    /// (1 to 20 characters).
    #[serde(skip_serializing)]
    pub element_id: String,
    /// Idempotency key (1 to 64 characters): one effect per key. Filled when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uuid: Option<String>,
    /// The new component: one card JSON 2.0 component serialized to a string (1 to
    /// 1,000,000 characters); the object itself is serialized.
    #[serde(deserialize_with = "string_or_json_text")]
    #[cfg_attr(feature = "schema", schemars(schema_with = "crate::api::card::string_or_object"))]
    pub element: String,
    /// The operation's number on this card: strictly greater than the previous one's.
    pub sequence: i64,
}

impl UpdateCardElementRequest {
    /// Replaces the component `element_id` of the card `card_id` by `element`, as
    /// operation `sequence`.
    pub fn new(
        card_id: impl Into<String>,
        element_id: impl Into<String>,
        element: &Value,
        sequence: i64,
    ) -> Self {
        Self {
            card_id: card_id.into(),
            element_id: element_id.into(),
            uuid: None,
            element: element.to_string(),
            sequence,
        }
    }

    /// Sets the idempotency key.
    #[must_use]
    pub fn uuid(mut self, uuid: impl Into<String>) -> Self {
        self.uuid = Some(uuid.into());
        self
    }

    /// Checks every documented rule, the component's included; reports all violations
    /// together.
    ///
    /// # Errors
    /// The violations, when the request breaks a rule.
    pub fn validate(&self) -> Result<(), Violations> {
        let mut v = Validator::new();
        let params = [self.card_id.as_str(), self.element_id.as_str()];
        check_path_params(&mut v, UpdateCardElement::PATH, &params);
        check_common(&mut v, &self.card_id, self.uuid.as_deref(), self.sequence);
        check_element_id_param(&mut v, &self.element_id);
        if !self.element_id.is_empty() && !crate::card::is_element_id(&self.element_id) {
            let message =
                "must be a letter, then letters, digits or underscores (^[A-Za-z][A-Za-z0-9_]{0,19}$)";
            v.push("element_id", Rule::Format, message);
        }
        if let Some(element) = component_json(&mut v, "element", &self.element) {
            check_one_component(&mut v, "element", element);
        }
        v.finish()
    }
}

/// One component at `path`: checked as the components of an add are, reported at `path`.
fn check_one_component(v: &mut Validator, path: &str, element: Value) {
    let mut inner = Validator::new();
    crate::card::check_components(&mut inner, path, std::slice::from_ref(&element));
    if let Err(violations) = inner.finish() {
        let prefix = format!("{path}[0]");
        for violation in violations.into_vec() {
            let at = violation.path.strip_prefix(&prefix).map(|rest| format!("{path}{rest}"));
            v.push(at.unwrap_or(violation.path), violation.rule, violation.message);
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_component_and_its_id_are_checked() {
        let markdown = json!({"tag": "markdown", "element_id": "md_1", "content": "new"});
        let request = UpdateCardElementRequest::new("1", "md_1", &markdown, 2);
        assert!(request.validate().is_ok());
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            json!({"element": markdown.to_string(), "sequence": 2})
        );
        let bad = UpdateCardElementRequest::new("1", "1md", &json!({"content": "x"}), 2);
        let found: Vec<_> =
            bad.validate().unwrap_err().into_vec().into_iter().map(|v| (v.path, v.rule)).collect();
        assert_eq!(found, [("element_id".to_owned(), Rule::Format), ("element".to_owned(), Rule::Format)]);
        let bad_id =
            UpdateCardElementRequest::new("1", "md_1", &json!({"tag": "markdown", "element_id": "x-1"}), 2);
        assert_eq!(bad_id.validate().unwrap_err().as_slice()[0].path, "element.element_id");
    }
}
