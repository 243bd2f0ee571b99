//! The envelope's lenient decoding and the feed card failure reasons.

// Test helpers may unwrap too (clippy's allow-unwrap-in-tests covers only #[test] bodies).
#![allow(clippy::unwrap_used)]

use larkmsg::api::{
    BatchSendResult, CreateAppFeedCardResult, CreateCardResult, Envelope, FailedCardReason,
    FailedCardReasonKind, Message,
};
use serde_json::{Value, json};

#[test]
fn a_full_error_object_round_trips() {
    let answer = json!({
        "code": 99991672,
        "msg": "Access denied.",
        "error": {
            "log_id": "20240913161357",
            "troubleshooter": "https://open.feishu.cn/search?log_id=20240913161357",
            "message": "scope missing",
            "details": [{"key": "app_id", "value": "cli_1"}],
            "permission_violations": [{"type": "action_scope_required", "subject": "im:message", "description": "need it"}],
            "field_violations": [{"field": "receive_id", "value": "ou_x", "description": "bad id"}],
            "helps": [{"url": "https://open.feishu.cn/", "description": "docs"}]
        }
    });
    let envelope: Envelope<CreateCardResult> = serde_json::from_value(answer.clone()).unwrap();
    assert!(!envelope.is_success());
    let error = envelope.error.as_ref().unwrap();
    assert_eq!(error.permission_violations[0].violation_type.as_deref(), Some("action_scope_required"));
    assert_eq!(error.field_violations[0].field.as_deref(), Some("receive_id"));
    assert_eq!(error.helps[0].description.as_deref(), Some("docs"));
    assert_eq!(error.details[0].value.as_deref(), Some("cli_1"));
    assert_eq!(serde_json::to_value(&envelope).unwrap(), answer);
}

#[test]
fn decoding_is_lenient() {
    let envelope: Envelope<CreateCardResult> =
        serde_json::from_value(json!({"code": 0, "data": {"card_id": "c1", "new": true}, "extra": 1}))
            .unwrap();
    assert_eq!(envelope.msg, "");
    assert_eq!(envelope.data.unwrap().card_id, "c1");
    for data in [json!({}), Value::Null] {
        let failed: Envelope<CreateCardResult> =
            serde_json::from_value(json!({"code": 10002, "msg": "bad", "data": data, "error": {}})).unwrap();
        assert!(failed.data.is_none());
        assert_eq!(failed.error.unwrap(), Default::default());
    }
}

#[test]
fn a_malformed_result_is_still_an_error() {
    let wrong = json!({"code": 0, "msg": "ok", "data": {"card_id": 7}});
    assert!(serde_json::from_value::<Envelope<CreateCardResult>>(wrong).is_err());
    assert!(serde_json::from_value::<Envelope<CreateCardResult>>(json!({"msg": "ok"})).is_err());
}

#[test]
fn a_message_answer_needs_only_its_message_id() {
    // Fields the client does not need may be missing or null, as the official SDKs allow.
    let sparse: Message = serde_json::from_value(json!({"message_id": "om_1"})).unwrap();
    assert_eq!(sparse.message_id, "om_1");
    assert!(sparse.chat_id.is_none() && sparse.sender.is_none() && sparse.body.is_none());
    let nulls = json!({
        "message_id": "om_2", "chat_id": null, "sender": null, "body": null, "update_time": null,
        "create_time": null, "msg_type": null, "deleted": null, "updated": null, "mentions": null,
    });
    let message: Message = serde_json::from_value(nulls).unwrap();
    assert!(!message.deleted && message.mentions.is_empty() && message.update_time.is_none());
    let partial = json!({"message_id": "om_3", "sender": {"id": null}, "mentions": [{"key": "@_user_1", "name": null}]});
    let message: Message = serde_json::from_value(partial).unwrap();
    assert_eq!(message.mentions[0].key.as_deref(), Some("@_user_1"));
    assert!(message.mentions[0].name.is_none() && message.sender.unwrap().id.is_none());
    assert!(serde_json::from_value::<Message>(json!({"chat_id": "oc_1"})).is_err(), "message_id is needed");
}

#[test]
fn batch_and_feed_card_answers_with_nulls_decode() {
    let batch: BatchSendResult = serde_json::from_value(json!({
        "message_id": "bm-1", "invalid_open_ids": null, "invalid_user_ids": null,
        "invalid_department_ids": null, "invalid_union_ids": null,
    }))
    .unwrap();
    assert!(batch.invalid_open_ids.is_empty() && batch.invalid_department_ids.is_empty());
    let feed: CreateAppFeedCardResult = serde_json::from_value(json!({})).unwrap();
    assert!(feed.biz_id.is_none() && feed.failed_cards.is_empty());
    let feed: CreateAppFeedCardResult =
        serde_json::from_value(json!({"failed_cards": [{"user_id": null, "reason": null}], "biz_id": null}))
            .unwrap();
    assert!(feed.failed_cards[0].user_id.is_none() && feed.failed_cards[0].biz_id.is_none());
}

#[test]
fn empty_invalid_id_lists_may_be_left_out() {
    let result: BatchSendResult = serde_json::from_value(json!({"message_id": "bm-1"})).unwrap();
    assert!(result.invalid_department_ids.is_empty() && result.invalid_union_ids.is_empty());
    assert_eq!(serde_json::to_value(&result).unwrap(), json!({"message_id": "bm-1"}));
}

fn reason(value: Value) -> FailedCardReason {
    let data =
        json!({"failed_cards": [{"biz_id": "b", "user_id": "u", "reason": value.clone()}], "biz_id": "b"});
    let result: CreateAppFeedCardResult = serde_json::from_value(data.clone()).unwrap();
    assert_eq!(serde_json::to_value(&result).unwrap(), data, "round trip of {value}");
    result.failed_cards.into_iter().next().unwrap().reason.unwrap()
}

#[test]
fn reasons_decode_as_codes_and_names_and_round_trip() {
    let kinds = [
        FailedCardReasonKind::Unknown,
        FailedCardReasonKind::NoPermission,
        FailedCardReasonKind::NotCreated,
        FailedCardReasonKind::RateLimited,
        FailedCardReasonKind::Duplicated,
    ];
    let names = ["UNKNOWN", "NO_PERMISSION", "NOT_CREATED", "RATE_LIMITED", "DUPLICATED"];
    for (code, (kind, name)) in kinds.into_iter().zip(names).enumerate() {
        assert_eq!(reason(json!(code.to_string())).kind(), kind, "{code}");
        assert_eq!(reason(json!(name)).kind(), kind, "{name}");
        assert_eq!(reason(json!(code)).kind(), kind, "number {code}");
    }
    let two = reason(json!("2"));
    assert_eq!(two.as_str(), "2");
    assert_eq!(two.to_string(), "2");
    assert_eq!(reason(json!("not_created")).kind(), FailedCardReasonKind::NotCreated);
    assert_eq!(FailedCardReasonKind::RateLimited.as_str(), "rate_limited");
}

#[test]
fn unknown_reasons_are_kept() {
    let new = reason(json!("USER_RESIGNED"));
    assert_eq!(new.kind(), FailedCardReasonKind::Other);
    assert_eq!(new.as_str(), "USER_RESIGNED");
    assert_eq!(reason(json!("9")).kind(), FailedCardReasonKind::Other);
    assert_eq!(FailedCardReason::new("1").kind(), FailedCardReasonKind::NoPermission);
    let not_text = json!({"failed_cards": [{"biz_id": "b", "user_id": "u", "reason": true}], "biz_id": "b"});
    assert!(serde_json::from_value::<CreateAppFeedCardResult>(not_text).is_err());
}
