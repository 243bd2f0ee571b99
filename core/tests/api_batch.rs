//! Batch send: where the content goes, the id lists and their limits.

// Test helpers may unwrap too (clippy's allow-unwrap-in-tests covers only #[test] bodies).
#![allow(clippy::unwrap_used)]

use larkmsg::api::BatchSendRequest;
use larkmsg::validate::decode_value;
use larkmsg::{MsgType, Rule, Violation};
use serde_json::json;

fn text() -> BatchSendRequest {
    BatchSendRequest::from_content(MsgType::Text, json!({"text": "hi"})).open_ids(["ou_1"])
}

/// The violations outside `content` and `card`, which the content module checks.
fn own(request: &BatchSendRequest) -> Vec<Violation> {
    let all = request.validate().err().map(|v| v.into_vec()).unwrap_or_default();
    all.into_iter().filter(|v| !v.path.starts_with("content") && !v.path.starts_with("card")).collect()
}

fn found(violations: &[Violation]) -> Vec<(&str, Rule)> {
    violations.iter().map(|v| (v.path.as_str(), v.rule)).collect()
}

fn ids(count: usize) -> Vec<String> {
    (0..count).map(|i| format!("id_{i}")).collect()
}

#[test]
fn body_has_no_query() {
    let request = text();
    assert!(request.query().is_empty());
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        json!({"msg_type": "text", "content": {"text": "hi"}, "open_ids": ["ou_1"]})
    );
    assert_eq!(own(&request), []);
}

#[test]
fn only_five_message_types_are_allowed() {
    for msg_type in ["text", "image", "post", "share_chat"] {
        let request = BatchSendRequest::from_content(MsgType::from(msg_type), json!({})).open_ids(["ou_1"]);
        assert_eq!(own(&request), [], "{msg_type}");
    }
    assert_eq!(own(&BatchSendRequest::from_card(json!({})).open_ids(["ou_1"])), []);
    for msg_type in ["file", "share_user", "hologram"] {
        let request = BatchSendRequest::from_content(MsgType::from(msg_type), json!({})).open_ids(["ou_1"]);
        let violations = request.validate().unwrap_err().into_vec();
        assert_eq!(found(&violations), [("msg_type", Rule::Enum)], "{msg_type}");
        assert_eq!(
            violations[0].message,
            format!(
                "batch send supports msg_type text, image, post, share_chat, interactive, got {msg_type:?}"
            )
        );
    }
}

#[test]
fn content_types_need_content_and_forbid_card() {
    let mut request = text();
    request.content = None;
    request.card = Some(json!({"elements": []}));
    let violations = request.validate().unwrap_err().into_vec();
    assert_eq!(found(&violations), [("content", Rule::Required), ("card", Rule::Forbidden)]);
}

#[test]
fn interactive_needs_card_and_forbids_content() {
    let mut request = BatchSendRequest::from_card(json!({})).open_ids(["ou_1"]);
    request.card = None;
    request.content = Some(json!({"text": "hi"}));
    let violations = request.validate().unwrap_err().into_vec();
    assert_eq!(found(&violations), [("content", Rule::Forbidden), ("card", Rule::Required)]);
}

#[test]
fn at_least_one_receiver_list_has_an_id() {
    let none = BatchSendRequest::from_content(MsgType::Text, json!({"text": "hi"}));
    let violations = own(&none);
    assert_eq!(found(&violations), [("", Rule::OneOfRequired)]);
    assert_eq!(
        violations[0].message,
        "at least one of department_ids, open_ids, user_ids, union_ids must have an id"
    );
    let empty_lists = none.clone().department_ids(ids(0)).open_ids(ids(0)).user_ids(ids(0)).union_ids(ids(0));
    assert_eq!(found(&own(&empty_lists)), [("", Rule::OneOfRequired)]);
    assert_eq!(own(&none.clone().department_ids(["od-1"])), []);
    assert_eq!(own(&none.clone().user_ids(["u1"])), []);
    assert_eq!(own(&none.union_ids(["on_1"])), []);
}

#[test]
fn each_list_holds_at_most_200_ids() {
    type Setter = fn(BatchSendRequest, Vec<String>) -> BatchSendRequest;
    let setters: [(&str, Setter); 4] = [
        ("department_ids", |r, ids| r.department_ids(ids)),
        ("open_ids", |r, ids| r.open_ids(ids)),
        ("user_ids", |r, ids| r.user_ids(ids)),
        ("union_ids", |r, ids| r.union_ids(ids)),
    ];
    for (name, set) in setters {
        assert_eq!(own(&set(text(), ids(200))), [], "{name}");
        let violations = own(&set(text(), ids(201)));
        assert_eq!(found(&violations), [(name, Rule::Items)]);
        assert_eq!(violations[0].message, "must have at most 200 items, got 201");
    }
}

#[test]
fn root_department_is_forbidden() {
    let request = text().department_ids(["od-1", "0"]);
    let violations = own(&request);
    assert_eq!(found(&violations), [("department_ids[1]", Rule::Forbidden)]);
    // "0" is only special as a department.
    assert_eq!(own(&text().user_ids(["0"])), []);
}

#[test]
fn empty_ids_are_rejected() {
    let request = text().user_ids(["u1", ""]).open_ids([""]);
    assert_eq!(found(&own(&request)), [("open_ids[0]", Rule::Required), ("user_ids[1]", Rule::Required)]);
}

#[test]
fn every_violation_is_reported_together() {
    let mut request =
        BatchSendRequest::from_content(MsgType::Text, json!({})).department_ids(["0"]).union_ids(ids(201));
    request.content = None;
    request.card = Some(json!({}));
    assert_eq!(
        found(&request.validate().unwrap_err().into_vec()),
        [
            ("content", Rule::Required),
            ("card", Rule::Forbidden),
            ("department_ids[0]", Rule::Forbidden),
            ("union_ids", Rule::Items),
        ]
    );
}

#[test]
fn flat_form_rejects_unknown_fields() {
    let flat = json!({"msg_type": "text", "content": {"text": "hi"}, "open_id": ["ou_1"]});
    let violations = decode_value::<BatchSendRequest>("", flat).unwrap_err().into_vec();
    assert_eq!(found(&violations), [("open_id", Rule::UnknownField)]);
    let wrong_type = json!({"msg_type": "text", "content": {}, "open_ids": "ou_1"});
    let violations = decode_value::<BatchSendRequest>("", wrong_type).unwrap_err().into_vec();
    assert_eq!(found(&violations), [("open_ids", Rule::Format)]);
}
