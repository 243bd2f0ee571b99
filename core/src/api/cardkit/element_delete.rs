//! Delete a component of a card entity:
//! `DELETE /open-apis/cardkit/v1/cards/:card_id/elements/:element_id`.

use serde::{Deserialize, Serialize};

use super::{card_operation, check_common, check_element_id_param};
use crate::operation::{Operation, check_path_params};
use crate::validate::{Validator, Violations};

card_operation! {
    /// Delete a component (a container with everything in it):
    /// `DELETE /open-apis/cardkit/v1/cards/:card_id/elements/:element_id`.
    DeleteCardElement(DeleteCardElementRequest) =
        Delete "/open-apis/cardkit/v1/cards/:card_id/elements/:element_id", [card_id, element_id]
}

/// Delete a component request: the path parameters and the JSON body the page defines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct DeleteCardElementRequest {
    /// Path: the card entity's id (1 to 20 characters).
    #[serde(skip_serializing)]
    pub card_id: String,
    /// Path: the component to delete (1 to 20 characters).
    #[serde(skip_serializing)]
    pub element_id: String,
    /// Idempotency key (1 to 64 characters): one effect per key. Filled when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uuid: Option<String>,
    /// The operation's number on this card: strictly greater than the previous one's.
    pub sequence: i64,
}

impl DeleteCardElementRequest {
    /// Deletes the component `element_id` of the card `card_id`, as operation `sequence`.
    pub fn new(card_id: impl Into<String>, element_id: impl Into<String>, sequence: i64) -> Self {
        Self { card_id: card_id.into(), element_id: element_id.into(), uuid: None, sequence }
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
        check_path_params(&mut v, DeleteCardElement::PATH, &params);
        check_common(&mut v, &self.card_id, self.uuid.as_deref(), self.sequence);
        check_element_id_param(&mut v, &self.element_id);
        v.finish()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_body_has_uuid_and_sequence() {
        let request = DeleteCardElementRequest::new("1", "b_1", 9).uuid("u");
        assert!(request.validate().is_ok());
        assert_eq!(serde_json::to_value(&request).unwrap(), json!({"uuid": "u", "sequence": 9}));
        assert!(DeleteCardElementRequest::new("1", "b_1", -1).validate().unwrap_err().has_path("sequence"));
    }
}
