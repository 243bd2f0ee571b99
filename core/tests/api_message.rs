//! Send message: the flat request form, query/body split, validation and the response model.

// Test helpers may unwrap too (clippy's allow-unwrap-in-tests covers only #[test] bodies).
#![allow(clippy::unwrap_used)]

use larkmsg::api::{Envelope, Message, SendMessageRequest, SenderIdType, SenderType};
use larkmsg::validate::decode_value;
use larkmsg::{MsgType, ReceiveIdType, Rule, UserIdType, Violation};
use serde_json::{Value, json};

fn text_request() -> SendMessageRequest {
    SendMessageRequest::new(ReceiveIdType::OpenId, "ou_1", MsgType::Text, r#"{"text":"hi"}"#)
}

/// The violations at `path`.
fn at(request: &SendMessageRequest, path: &str) -> Vec<Violation> {
    let all = request.validate().err().map(|v| v.into_vec()).unwrap_or_default();
    all.into_iter().filter(|v| v.path == path).collect()
}

#[test]
fn flat_form_decodes_and_splits_into_query_and_body() {
    let flat = json!({
        "receive_id_type": "open_id",
        "receive_id": "ou_1",
        "msg_type": "text",
        "content": "{\"text\":\"hi\"}"
    });
    let request: SendMessageRequest = decode_value("", flat).unwrap();
    assert_eq!(request, text_request());
    assert_eq!(request.query(), [("receive_id_type", "open_id".to_owned())]);
    let body = serde_json::to_value(&request).unwrap();
    assert_eq!(body, json!({"receive_id": "ou_1", "msg_type": "text", "content": "{\"text\":\"hi\"}"}));
}

#[test]
fn uuid_is_sent_in_the_body() {
    let request = text_request().uuid("a0d69e20");
    let body = serde_json::to_string(&request).unwrap();
    assert_eq!(
        body,
        r#"{"receive_id":"ou_1","msg_type":"text","content":"{\"text\":\"hi\"}","uuid":"a0d69e20"}"#
    );
}

#[test]
fn query_is_empty_without_receive_id_type() {
    let mut request = text_request();
    request.receive_id_type = None;
    assert!(request.query().is_empty());
}

#[test]
fn unknown_field_is_rejected_with_its_path() {
    let flat = json!({
        "receive_id_type": "open_id",
        "recieve_id": "ou_1",
        "msg_type": "text",
        "content": "{}"
    });
    let violations = decode_value::<SendMessageRequest>("", flat).unwrap_err().into_vec();
    assert_eq!(violations.len(), 1);
    assert_eq!(violations[0].path, "recieve_id");
    assert_eq!(violations[0].rule, Rule::UnknownField);
}

#[test]
fn missing_body_field_is_required_and_named() {
    let flat = json!({"receive_id_type": "open_id", "receive_id": "ou_1", "msg_type": "text"});
    let violations = decode_value::<SendMessageRequest>("", flat).unwrap_err().into_vec();
    assert_eq!((violations[0].path.as_str(), violations[0].rule), ("content", Rule::Required));
    assert_eq!(violations[0].message, "missing field `content`");
}

#[test]
fn receive_id_type_is_required_and_known() {
    let mut request = text_request();
    request.receive_id_type = None;
    let missing = at(&request, "receive_id_type");
    assert_eq!(missing.len(), 1);
    assert_eq!(missing[0].rule, Rule::Required);
    request.receive_id_type = Some(ReceiveIdType::from("phone"));
    let unknown = at(&request, "receive_id_type");
    assert_eq!(unknown[0].rule, Rule::Enum);
    assert!(
        unknown[0].message.contains("open_id, union_id, user_id, email, chat_id"),
        "{}",
        unknown[0].message
    );
    for kind in ["open_id", "union_id", "user_id", "email", "chat_id"] {
        request.receive_id_type = Some(ReceiveIdType::from(kind));
        assert!(at(&request, "receive_id_type").is_empty(), "{kind}");
    }
}

#[test]
fn uuid_is_at_most_50_characters() {
    let fifty = text_request().uuid("去".repeat(50));
    assert!(at(&fifty, "uuid").is_empty());
    let fifty_one = text_request().uuid("去".repeat(51));
    let violations = at(&fifty_one, "uuid");
    assert_eq!(violations.len(), 1);
    assert_eq!(violations[0].rule, Rule::Length);
    assert_eq!(violations[0].message, "must be at most 50 characters, got 51");
}

#[test]
fn every_violation_is_reported_together() {
    let mut request = SendMessageRequest::new(ReceiveIdType::OpenId, "", MsgType::from("hologram"), "");
    request.receive_id_type = None;
    let request = request.uuid("x".repeat(51));
    let violations = request.validate().unwrap_err().into_vec();
    let found: Vec<(&str, Rule)> = violations.iter().map(|v| (v.path.as_str(), v.rule)).collect();
    assert_eq!(
        found,
        [
            ("receive_id_type", Rule::Required),
            ("receive_id", Rule::Required),
            ("msg_type", Rule::Enum),
            ("content", Rule::Required),
            ("uuid", Rule::Length),
        ]
    );
}

const RESPONSE_DATA: &str = r#"{
    "message_id": "om_1",
    "msg_type": "hologram",
    "create_time": "1615380573411",
    "update_time": "1615380573411",
    "deleted": false,
    "updated": false,
    "chat_id": "oc_1",
    "sender": {"id": "x_1", "id_type": "bot_id", "sender_type": "robot", "tenant_key": "t", "extra": 1},
    "body": {"content": "{}"},
    "mentions": [{"key": "@_user_1", "id": "x_2", "id_type": "lark_id", "name": "Tom"}],
    "new_field": {"a": 1}
}"#;

#[test]
fn response_keeps_unknown_enum_values_and_ignores_unknown_fields() {
    let message: Message = serde_json::from_str(RESPONSE_DATA).unwrap();
    assert_eq!(message.msg_type, Some(MsgType::Unknown("hologram".into())));
    let sender = message.sender.clone().unwrap();
    assert_eq!(sender.id_type, Some(SenderIdType::Unknown("bot_id".into())));
    assert_eq!(sender.sender_type, Some(SenderType::Unknown("robot".into())));
    assert_eq!(message.mentions[0].id_type, Some(UserIdType::Unknown("lark_id".into())));
    assert_eq!(message.root_id, None);
    let encoded = serde_json::to_value(&message).unwrap();
    assert_eq!(encoded["msg_type"], "hologram");
    assert_eq!(encoded["sender"]["id_type"], "bot_id");
    assert_eq!(encoded["sender"]["sender_type"], "robot");
    assert_eq!(encoded.get("new_field"), None);
    assert_eq!(encoded.get("root_id"), None);
}

#[test]
fn response_knows_the_documented_sender_values() {
    let mut data: Value = serde_json::from_str(RESPONSE_DATA).unwrap();
    data["sender"]["id_type"] = json!("open_id");
    data["sender"]["sender_type"] = json!("unknown");
    let envelope: Envelope<Message> = serde_json::from_value(json!({"code": 0, "data": data})).unwrap();
    let sender = envelope.data.unwrap().sender.unwrap();
    assert_eq!(sender.id_type, Some(SenderIdType::OpenId));
    assert_eq!(sender.sender_type, Some(SenderType::UnknownSender));
    assert_eq!(envelope.msg, "");
}
