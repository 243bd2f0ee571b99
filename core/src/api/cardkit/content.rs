//! Stream text into a card entity:
//! `PUT /open-apis/cardkit/v1/cards/:card_id/elements/:element_id/content`.

use serde::{Deserialize, Serialize};

use super::{card_operation, check_common, check_element_id_param};
use crate::operation::{Operation, check_path_params};
use crate::validate::{Validator, Violations};

card_operation! {
    /// Stream text: `PUT /open-apis/cardkit/v1/cards/:card_id/elements/:element_id/content`.
    UpdateCardElementContent(UpdateCardElementContentRequest) =
        Put "/open-apis/cardkit/v1/cards/:card_id/elements/:element_id/content", [card_id, element_id]
}

/// Most characters a streamed text (`content`) may have.
pub const MAX_CARD_TEXT_CHARS: usize = 100_000;
/// Length range of `content`, in characters.
const CONTENT_CHARS: (usize, usize) = (1, MAX_CARD_TEXT_CHARS);

/// Stream text request: the `card_id` and `element_id` path parameters and the JSON body.
///
/// The card must be in streaming mode (else platform code 300309, or 200850 once streaming
/// mode closed by itself) and the element a `markdown` or `plain_text` one (300310). When
/// the text on the card is a prefix of `content`, the new tail is typed out after it;
/// otherwise the whole text is shown at once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct UpdateCardElementContentRequest {
    /// Path: the card entity's id (1 to 20 characters).
    #[serde(skip_serializing)]
    pub card_id: String,
    /// Path: the `element_id` of a `markdown` or `plain_text` element (1 to 20 characters).
    #[serde(skip_serializing)]
    pub element_id: String,
    /// Idempotency key (1 to 64 characters): one effect per key. Filled when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uuid: Option<String>,
    /// The element's new full text, not a delta (1 to 100,000 characters).
    pub content: String,
    /// The operation's number on this card: strictly greater than the previous one's.
    pub sequence: i64,
}

impl UpdateCardElementContentRequest {
    /// The full text `content` for the element `element_id` of the card `card_id`, as its
    /// operation number `sequence`.
    pub fn new(
        card_id: impl Into<String>,
        element_id: impl Into<String>,
        content: impl Into<String>,
        sequence: i64,
    ) -> Self {
        Self {
            card_id: card_id.into(),
            element_id: element_id.into(),
            uuid: None,
            content: content.into(),
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
        check_path_params(&mut v, UpdateCardElementContent::PATH, &params);
        check_common(&mut v, &self.card_id, self.uuid.as_deref(), self.sequence);
        check_element_id_param(&mut v, &self.element_id);
        let (min, max) = CONTENT_CHARS;
        v.chars("content", &self.content, min, max);
        v.finish()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::validate::Rule;

    #[test]
    fn the_path_holds_both_ids_and_the_body_the_text() {
        let request = UpdateCardElementContentRequest::new("7355", "answer", "你好", 2);
        assert!(request.validate().is_ok());
        assert_eq!(UpdateCardElementContent::path_params(&request), ["7355", "answer"]);
        assert_eq!(serde_json::to_value(&request).unwrap(), json!({"content": "你好", "sequence": 2}));
    }

    #[test]
    fn content_is_one_to_100000_characters() {
        let at_limit = UpdateCardElementContentRequest::new("1", "a", "标".repeat(100_000), 1);
        assert!(at_limit.validate().is_ok());
        for content in [String::new(), "标".repeat(100_001)] {
            let violations =
                UpdateCardElementContentRequest::new("1", "a", content, 1).validate().unwrap_err();
            assert_eq!(violations.as_slice()[0].path, "content");
            assert_eq!(violations.as_slice()[0].rule, Rule::Length);
        }
        let no_element = UpdateCardElementContentRequest::new("1", "", "x", 1).validate().unwrap_err();
        assert!(no_element.has_path("element_id"));
    }
}
