//! The uuid a send carried, on its result and its error, and the one-call resend after an
//! answer was lost; fields larkmsg does not model, in requests and in answers.

mod common;
mod hostile;

use larkmsg::api::SendMessage;
use larkmsg::fake::{FaultKind, FaultPlan};
use larkmsg::{Client, ErrorKind, MsgType, QuotaTable, ReceiveIdType, RetryPolicy, SendMessageRequest};
use serde_json::json;

#[tokio::test]
async fn a_send_whose_answer_was_lost_is_resent_once_with_its_uuid() {
    let fake = common::fake().await;
    let client = common::builder(&fake).retry(RetryPolicy::default().with_max_attempts(1)).build().unwrap();
    fake.inject(FaultPlan::next(FaultKind::DropAfterRead, 1).on("send_message")).unwrap();
    let error = client.send_text(ReceiveIdType::OpenId, "ou_alice", "once").await.unwrap_err();
    assert!(error.maybe_sent(), "{error}");
    let uuid = error.uuid().expect("the generated uuid is on the error").to_owned();
    assert_eq!(fake.inbox().messages[0]["uuid"], uuid.as_str(), "the uuid the platform saw");
    let json = serde_json::to_value(&error).unwrap();
    assert_eq!(json["uuid"], uuid.as_str());
    assert_eq!(json["resend"]["call"], "send_message");
    assert_eq!(json["resend"]["request"]["receive_id_type"], "open_id");
    assert!(!format!("{:?}", error.resend().unwrap()).contains("once"), "Debug leaves the content out");

    let message = client.resend_message(&error).await.unwrap();
    assert_eq!(message.uuid.as_deref(), Some(uuid.as_str()));
    let inbox = fake.inbox();
    assert_eq!(inbox.messages.len(), 1, "exactly one message");
    assert_eq!(inbox.messages[0]["message_id"], message.message_id.as_str());
    assert_eq!(common::requests(&fake, "send_message"), 2);
}

#[tokio::test]
async fn a_resend_keeps_the_extra_fields() {
    let fake = common::fake().await;
    let client = common::builder(&fake).retry(RetryPolicy::default().with_max_attempts(1)).build().unwrap();
    fake.inject(FaultPlan::next(FaultKind::DropAfterRead, 1).on("send_message")).unwrap();
    let request = json!({
        "receive_id_type": "chat_id", "receive_id": "oc_1", "msg_type": "text",
        "content": "{\"text\":\"x\"}", "extra_fields": {"new_flag": true},
    });
    let error = client.call_json("send_message", request).await.unwrap_err();
    assert_eq!(error.resend().unwrap().request()["extra_fields"], json!({"new_flag": true}));
    let message = client.resend(&error).await.unwrap();
    assert_eq!(message["uuid"], error.uuid().unwrap());
    assert_eq!(fake.inbox().messages.len(), 1);
    assert_eq!(common::requests(&fake, "send_message"), 2, "the resend was accepted, extra field and all");
}

#[tokio::test]
async fn a_broken_rule_or_a_batch_has_no_resend() {
    let fake = common::fake().await;
    let client = common::builder(&fake).retry(RetryPolicy::default().with_max_attempts(1)).build().unwrap();
    let broken = client.send_text(ReceiveIdType::OpenId, "", "x").await.unwrap_err();
    assert!(broken.resend().is_none() && broken.uuid().is_none());
    let refused = client.resend(&broken).await.unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::InvalidArgument);
    fake.inject(FaultPlan::next(FaultKind::DropAfterRead, 1).on("batch_send")).unwrap();
    let batch = json!({"msg_type": "text", "content": {"text": "x"}, "open_ids": ["ou_a"]});
    let lost = client.call_json("batch_send", batch).await.unwrap_err();
    assert!(lost.maybe_sent() && lost.resend().is_none(), "{lost}");
    assert!(client.resend(&lost).await.is_err());
    assert_eq!(common::requests(&fake, "batch_send"), 1, "never repeated");
}

#[tokio::test]
async fn extra_fields_reach_the_body_and_known_fields_stay_checked() {
    let fake = common::fake().await;
    let client = common::client(&fake);
    let request = json!({
        "msg_type": "text", "content": {"text": "x"}, "open_ids": ["ou_a"],
        "extra_fields": {"update_multi": false},
    });
    client.call_json("batch_send", request).await.unwrap();
    assert_eq!(fake.inbox().batches[0]["update_multi"], false);

    let known = json!({"msg_type": "text", "content": {"text": "x"}, "open_ids": ["ou_a"], "extra_fields": {"open_ids": ["ou_b"]}});
    let error = client.call_json("batch_send", known).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidArgument);
    assert_eq!(error.violations()[0].path, "extra_fields.open_ids");
    let not_object = json!({"receive_id_type": "open_id", "receive_id": "ou_a", "msg_type": "text", "content": "{\"text\":\"x\"}", "extra_fields": 1});
    let error = client.call_json("send_message", not_object).await.unwrap_err();
    assert_eq!(error.violations()[0].path, "extra_fields");
    let bad = json!({"receive_id_type": "open_id", "receive_id": "", "msg_type": "text", "content": "{\"text\":\"x\"}", "extra_fields": {"new": 1}});
    let error = client.call_json("send_message", bad).await.unwrap_err();
    assert_eq!(error.violations()[0].path, "receive_id", "the fields larkmsg knows are still checked");
    assert_eq!(fake.inbox().batches.len() + fake.inbox().messages.len(), 1, "nothing else was sent");
}

#[tokio::test]
async fn the_json_result_names_the_uuid_and_keeps_unmodeled_answer_fields() {
    let fake = common::fake().await;
    let client = common::client(&fake);
    let request = json!({"receive_id_type": "open_id", "receive_id": "ou_a", "msg_type": "text", "content": "{\"text\":\"x\"}", "uuid": "u-1"});
    let result = client.call_json("send_message", request).await.unwrap();
    assert_eq!(result["uuid"], "u-1");
    assert!(result["message_id"].as_str().unwrap().starts_with("om_"));
}

#[tokio::test]
async fn a_typed_call_keeps_the_answer_as_sent_and_sends_extra_fields() {
    let answer = r#"{"code":0,"msg":"success","data":{"message_id":"om_1","chat_id":null,"thread_id":"omt_9","new_field":{"a":1}}}"#;
    let server = hostile::Hostile::start(hostile::with_tokens(move |_| hostile::json(200, "", answer))).await;
    let client = Client::builder("cli_typed", "typed-secret")
        .base_url(server.url())
        .quotas(QuotaTable::unlimited())
        .build()
        .unwrap();
    let request = SendMessageRequest::new(ReceiveIdType::ChatId, "oc_1", MsgType::Text, r#"{"text":"x"}"#);
    let extra = serde_json::Map::from_iter([("update_multi".to_owned(), json!(true))]);
    let answered = client.call_with_fields::<SendMessage>(request.clone(), extra).await.unwrap();
    assert_eq!(answered.result.message_id, "om_1");
    assert!(answered.result.uuid.is_some(), "the generated uuid is on the result");
    assert!(answered.raw_json().contains(r#""thread_id":"omt_9""#), "{}", answered.raw_json());
    let unmodeled = answered.unmodeled_fields();
    assert_eq!(unmodeled.get("new_field"), Some(&json!({"a": 1})));
    assert!(!unmodeled.contains_key("chat_id") && !unmodeled.contains_key("message_id"), "{unmodeled:?}");
    let sent: serde_json::Value =
        serde_json::from_str(&server.requests().last().unwrap().body_text()).unwrap();
    assert_eq!(sent["update_multi"], true, "the extra field was sent: {sent}");
    assert_eq!(sent["receive_id"], "oc_1");

    let modeled = serde_json::Map::from_iter([("content".to_owned(), json!("{}"))]);
    let error = client.call_with_fields::<SendMessage>(request, modeled).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidArgument);
    assert_eq!(error.violations()[0].path, "extra_fields.content", "{error}");
    assert_eq!(server.count("/open-apis/im/"), 1, "a refused call is not sent");
}
