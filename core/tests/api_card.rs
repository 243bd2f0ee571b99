//! Create card entity: type and data limits, template data, the flat form.

// Test helpers may unwrap too (clippy's allow-unwrap-in-tests covers only #[test] bodies).
#![allow(clippy::unwrap_used)]

use larkmsg::api::{CardType, CreateCardRequest};
use larkmsg::validate::decode_value;
use larkmsg::{Rule, Violation};
use serde_json::json;

fn found(request: &CreateCardRequest) -> Vec<(String, Rule)> {
    let all = request.validate().err().map(|v| v.into_vec()).unwrap_or_default();
    all.into_iter().map(|v| (v.path, v.rule)).collect()
}

fn violations(request: &CreateCardRequest) -> Vec<Violation> {
    request.validate().unwrap_err().into_vec()
}

#[test]
fn body_uses_type_and_has_no_query() {
    let request = CreateCardRequest::template(r#"{"template_id":"t"}"#);
    assert!(request.query().is_empty());
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        json!({"type": "template", "data": "{\"template_id\":\"t\"}"})
    );
    assert_eq!(request.validate(), Ok(()));
    assert_eq!(CreateCardRequest::card_json("{}").card_type, CardType::CardJson);
}

#[test]
fn type_is_1_to_50_characters_and_known() {
    let fifty = CreateCardRequest::new(CardType::from("卡".repeat(50)), r#"{"template_id":"t"}"#);
    let fifty_violations = violations(&fifty);
    assert_eq!(fifty_violations.len(), 1);
    assert_eq!((fifty_violations[0].path.as_str(), fifty_violations[0].rule), ("type", Rule::Enum));
    assert!(fifty_violations[0].message.starts_with("must be one of card_json, template, got"));

    let fifty_one = CreateCardRequest::new(CardType::from("卡".repeat(51)), "{}");
    let fifty_one_violations = violations(&fifty_one);
    assert_eq!(fifty_one_violations.len(), 1);
    assert_eq!((fifty_one_violations[0].path.as_str(), fifty_one_violations[0].rule), ("type", Rule::Length));
    assert_eq!(fifty_one_violations[0].message, "must be 1 to 50 characters, got 51");

    let empty = CreateCardRequest::new(CardType::from(""), "{}");
    assert_eq!(found(&empty), [("type".to_owned(), Rule::Length)]);
}

#[test]
fn data_is_1_to_3_000_000_characters() {
    let empty = CreateCardRequest::template("");
    let empty_violations = violations(&empty);
    assert_eq!(found(&empty), [("data".to_owned(), Rule::Length)]);
    assert_eq!(empty_violations[0].message, "must be 1 to 3000000 characters, got 0");

    // Valid template data padded with Chinese characters to exactly 3,000,000 characters.
    let head = r#"{"template_id":"t","template_variable":{"x":""#;
    let tail = r#""}}"#;
    let padding = 3_000_000 - head.chars().count() - tail.chars().count();
    let mut data = format!("{head}{}{tail}", "卡".repeat(padding));
    assert_eq!(data.chars().count(), 3_000_000);
    let mut request = CreateCardRequest::template(data.clone());
    assert_eq!(request.validate(), Ok(()));

    data.insert(head.len(), '卡');
    request.data = data;
    let over = violations(&request);
    assert_eq!(over.len(), 1);
    assert_eq!((over[0].path.as_str(), over[0].rule), ("data", Rule::Length));
    assert_eq!(over[0].message, "must be 1 to 3000000 characters, got 3000001");
}

#[test]
fn template_data_must_be_an_object_with_template_id() {
    let cases: [(&str, &str, Rule); 7] = [
        ("{", "data", Rule::Format),
        (r#"["t"]"#, "data", Rule::Format),
        (r#"{"template_variable":{}}"#, "data.template_id", Rule::Required),
        (r#"{"template_id":""}"#, "data.template_id", Rule::Required),
        (r#"{"template_id":7}"#, "data.template_id", Rule::Format),
        (r#"{"template_id":"t","template_version_name":1}"#, "data.template_version_name", Rule::Format),
        (r#"{"template_id":"t","template_variable":"x"}"#, "data.template_variable", Rule::Format),
    ];
    for (data, path, rule) in cases {
        assert_eq!(found(&CreateCardRequest::template(data)), [(path.to_owned(), rule)], "{data}");
    }
    let full = r#"{"template_id":"t","template_version_name":"1.0.0","template_variable":{"a":[1]}}"#;
    assert_eq!(CreateCardRequest::template(full).validate(), Ok(()));
}

#[test]
fn every_violation_is_reported_together() {
    let mut request = CreateCardRequest::template(r#"{"template_id":"t"}"#);
    request.card_type = CardType::from("x".repeat(51));
    request.data.clear();
    assert_eq!(found(&request), [("type".to_owned(), Rule::Length), ("data".to_owned(), Rule::Length)]);
}

#[test]
fn flat_form_rejects_unknown_fields() {
    let flat = json!({"type": "card_json", "data": "{}", "schema": "2.0"});
    let violations = decode_value::<CreateCardRequest>("", flat).unwrap_err().into_vec();
    assert_eq!((violations[0].path.as_str(), violations[0].rule), ("schema", Rule::UnknownField));
    let request: CreateCardRequest = decode_value("", json!({"type": "widget", "data": "{}"})).unwrap();
    assert_eq!(request.card_type, CardType::Unknown("widget".into()));
    assert_eq!(found(&request), [("type".to_owned(), Rule::Enum)]);
}

#[test]
fn data_given_as_an_object_is_serialized_in_order() {
    let request: larkmsg::CreateCardRequest = larkmsg::validate::decode_value(
        "",
        serde_json::json!({"type": "card_json", "data": {"schema": "2.0", "body": {"elements": []}}}),
    )
    .unwrap();
    assert_eq!(request.data, r#"{"schema":"2.0","body":{"elements":[]}}"#);
    let text: larkmsg::CreateCardRequest =
        larkmsg::validate::decode_value("", serde_json::json!({"type": "card_json", "data": "{}"})).unwrap();
    assert_eq!(text.data, "{}");
}
