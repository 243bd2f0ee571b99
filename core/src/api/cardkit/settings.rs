//! Update a card entity's settings: `PATCH /open-apis/cardkit/v1/cards/:card_id/settings`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{card_operation, check_common};
use crate::api::card::string_or_json_text;
use crate::card::PrintStrategy;
use crate::operation::{Operation, check_path_params};
use crate::validate::{Rule, Validator, Violations, decode_str, join, json_kind};

card_operation! {
    /// Update card entity settings: `PATCH /open-apis/cardkit/v1/cards/:card_id/settings`.
    UpdateCardSettings(UpdateCardSettingsRequest) = Patch "/open-apis/cardkit/v1/cards/:card_id/settings", [card_id]
}

/// Length range of `settings`, in characters.
const SETTINGS_CHARS: (usize, usize) = (1, 100_000);
/// The fields `settings` may hold.
const SETTINGS_FIELDS: [&str; 2] = ["config", "card_link"];

/// Update card entity settings request: the `card_id` path parameter and the JSON body.
///
/// Serializing it gives exactly the HTTP body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct UpdateCardSettingsRequest {
    /// Path: the card entity's id (1 to 20 characters).
    #[serde(skip_serializing)]
    pub card_id: String,
    /// The card JSON 2.0 `config` and/or `card_link`, as a JSON object serialized to a
    /// string (1 to 100,000 characters); the object itself is serialized. Streaming mode is
    /// `config.streaming_mode`, its pace `config.streaming_config`, the chat preview
    /// `config.summary.content`.
    #[serde(deserialize_with = "string_or_json_text")]
    #[cfg_attr(feature = "schema", schemars(schema_with = "crate::api::card::string_or_object"))]
    pub settings: String,
    /// Idempotency key (1 to 64 characters): one effect per key. Filled when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uuid: Option<String>,
    /// The operation's number on this card: strictly greater than the previous one's.
    pub sequence: i64,
}

impl UpdateCardSettingsRequest {
    /// Settings `settings` (a JSON object such as `{"config": {"streaming_mode": false}}`)
    /// for the card `card_id`, as its operation number `sequence`.
    pub fn new(card_id: impl Into<String>, settings: &Value, sequence: i64) -> Self {
        Self { card_id: card_id.into(), settings: settings.to_string(), uuid: None, sequence }
    }

    /// Sets the idempotency key.
    #[must_use]
    pub fn uuid(mut self, uuid: impl Into<String>) -> Self {
        self.uuid = Some(uuid.into());
        self
    }

    /// Checks every documented rule; reports all violations together.
    ///
    /// The settings must be a JSON object with `config` and/or `card_link` (both objects);
    /// `config.update_multi` must not be `false` (platform code 300302), and
    /// `config.streaming_mode`, `config.summary.content` and
    /// `config.streaming_config.print_strategy` must have their documented types and values.
    ///
    /// # Errors
    /// The violations, when the request breaks a rule.
    pub fn validate(&self) -> Result<(), Violations> {
        let mut v = Validator::new();
        check_path_params(&mut v, UpdateCardSettings::PATH, &[self.card_id.as_str()]);
        check_common(&mut v, &self.card_id, self.uuid.as_deref(), self.sequence);
        let (min, max) = SETTINGS_CHARS;
        if v.chars("settings", &self.settings, min, max) {
            check_settings(&mut v, "settings", &self.settings);
        }
        v.finish()
    }
}

/// The settings text at `path`: a JSON object of `config` and `card_link`.
fn check_settings(v: &mut Validator, path: &str, text: &str) {
    let object = match decode_str::<Value>(path, text) {
        Ok(Value::Object(object)) => object,
        Ok(other) => {
            let message =
                format!("must be a JSON object with config and/or card_link, got {}", json_kind(&other));
            v.push(path, Rule::Format, message);
            return;
        }
        Err(violations) => {
            for violation in violations.into_vec() {
                v.push(
                    violation.path,
                    violation.rule,
                    format!("{} (platform code 200220)", violation.message),
                );
            }
            return;
        }
    };
    if !SETTINGS_FIELDS.iter().any(|field| object.contains_key(*field)) {
        v.push(path, Rule::OneOfRequired, "must hold config and/or card_link (platform code 300307)");
    }
    for key in object.keys().filter(|key| !SETTINGS_FIELDS.contains(&key.as_str())) {
        v.push(join(path, key), Rule::Forbidden, "settings hold only config and card_link");
    }
    if let Some(link) = object.get("card_link").filter(|link| !link.is_object()) {
        v.push(join(path, "card_link"), Rule::Format, format!("must be an object, got {}", json_kind(link)));
    }
    match object.get("config") {
        Some(Value::Object(config)) => check_config(v, &join(path, "config"), config),
        Some(other) => {
            v.push(
                join(path, "config"),
                Rule::Format,
                format!("must be an object, got {}", json_kind(other)),
            );
        }
        None => {}
    }
}

/// The documented fields of a card's `config` that a settings update commonly sets.
fn check_config(v: &mut Validator, path: &str, config: &Map<String, Value>) {
    if config.get("update_multi") == Some(&Value::Bool(false)) {
        let message = "must not be false: a card entity is always a shared card (platform code 300302)";
        v.push(join(path, "update_multi"), Rule::Forbidden, message);
    }
    for flag in ["streaming_mode", "update_multi", "enable_forward"] {
        if let Some(value) = config.get(flag).filter(|value| !value.is_boolean()) {
            v.push(join(path, flag), Rule::Format, format!("must be a boolean, got {}", json_kind(value)));
        }
    }
    match config.get("summary") {
        Some(Value::Object(summary)) => {
            if let Some(content) = summary.get("content").filter(|content| !content.is_string()) {
                let message = format!("must be a string, got {}", json_kind(content));
                v.push(join(path, "summary.content"), Rule::Format, message);
            }
        }
        Some(other) => {
            v.push(
                join(path, "summary"),
                Rule::Format,
                format!("must be an object, got {}", json_kind(other)),
            );
        }
        None => {}
    }
    let strategy = config.get("streaming_config").and_then(|streaming| streaming.get("print_strategy"));
    if let Some(strategy) = strategy {
        let path = join(path, "streaming_config.print_strategy");
        match strategy.as_str() {
            Some(name) => {
                v.known(path, &PrintStrategy::from(name));
            }
            None => v.push(path, Rule::Format, format!("must be a string, got {}", json_kind(strategy))),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::validate::decode_value;

    fn paths(request: &UpdateCardSettingsRequest) -> Vec<(String, Rule)> {
        let violations = request.validate().map(|()| Vec::new()).unwrap_or_else(Violations::into_vec);
        violations.into_iter().map(|v| (v.path, v.rule)).collect()
    }

    #[test]
    fn the_body_is_settings_uuid_and_sequence() {
        let settings = json!({"config": {"streaming_mode": false, "summary": {"content": "done"}}});
        let request = UpdateCardSettingsRequest::new("7355", &settings, 3).uuid("u-1");
        assert!(request.validate().is_ok());
        let body = serde_json::to_value(&request).unwrap();
        assert_eq!(body, json!({"settings": settings.to_string(), "uuid": "u-1", "sequence": 3}));
    }

    #[test]
    fn settings_may_be_given_as_an_object() {
        let flat = json!({"card_id": "1", "settings": {"config": {"streaming_mode": true}}, "sequence": 1});
        let request: UpdateCardSettingsRequest = decode_value("", flat).unwrap();
        assert_eq!(request.settings, r#"{"config":{"streaming_mode":true}}"#);
    }

    #[test]
    fn every_rule_is_reported() {
        let settings = json!({
            "config": {"update_multi": false, "streaming_mode": "yes", "summary": "x",
                       "streaming_config": {"print_strategy": "slow"}},
            "header": {}
        });
        let request = UpdateCardSettingsRequest::new("c".repeat(21), &settings, 0).uuid("u".repeat(65));
        assert_eq!(
            paths(&request),
            [
                ("card_id".to_owned(), Rule::Length),
                ("uuid".to_owned(), Rule::Length),
                ("sequence".to_owned(), Rule::Format),
                ("settings.header".to_owned(), Rule::Forbidden),
                ("settings.config.update_multi".to_owned(), Rule::Forbidden),
                ("settings.config.streaming_mode".to_owned(), Rule::Format),
                ("settings.config.summary".to_owned(), Rule::Format),
                ("settings.config.streaming_config.print_strategy".to_owned(), Rule::Enum),
            ]
        );
        let mut not_json = UpdateCardSettingsRequest::new("1", &json!({}), 1);
        not_json.settings = "{".into();
        assert!(paths(&not_json)[0].0.starts_with("settings"));
        let empty = UpdateCardSettingsRequest::new("1", &json!({}), 2_147_483_648);
        assert_eq!(
            paths(&empty),
            [("sequence".to_owned(), Rule::Format), ("settings".to_owned(), Rule::OneOfRequired)]
        );
    }
}
