//! The four calls and the conveniences against the fake: results, validation before sending.
#![cfg(feature = "fake")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use larkmsg::api::{AppFeedCard, CardType};
use larkmsg::card::{Card, Element};
use larkmsg::content::{InteractiveContent, TextContent};
use larkmsg::{
    BatchSendRequest, CreateAppFeedCardRequest, CreateCardRequest, ErrorKind, MessageContent, MsgType,
    ReceiveIdType, SendMessageRequest,
};

#[tokio::test]
async fn send_text_delivers_one_message_with_a_uuid() {
    let fake = common::fake().await;
    let client = common::client(&fake);
    let message = client.send_text(ReceiveIdType::OpenId, "ou_alice", "你好").await.unwrap();
    assert!(message.message_id.starts_with("om_"), "{}", message.message_id);
    assert_eq!(message.msg_type, Some(MsgType::Text));
    assert_eq!(message.body.unwrap().content.as_deref(), Some(r#"{"text":"你好"}"#));
    let inbox = fake.inbox();
    assert_eq!(inbox.messages.len(), 1);
    // The result names the uuid the client generated, the one the platform saw.
    assert_eq!(message.uuid.as_deref(), inbox.messages[0]["uuid"].as_str());
    assert_eq!(inbox.messages[0]["receive_id"], "ou_alice");
    let uuid = inbox.messages[0]["uuid"].as_str().unwrap();
    assert_eq!(uuid.len(), 36, "a generated uuid: {uuid}");
}

#[tokio::test]
async fn a_given_uuid_is_kept() {
    let fake = common::fake().await;
    let client = common::client(&fake);
    let request =
        SendMessageRequest::new(ReceiveIdType::ChatId, "oc_team", MsgType::Text, r#"{"text":"hi"}"#)
            .uuid("my-key-1");
    let first = client.send_message(request.clone()).await.unwrap();
    let second = client.send_message(request).await.unwrap();
    assert_eq!(first.message_id, second.message_id);
    assert_eq!(fake.inbox().messages.len(), 1);
    assert_eq!(fake.inbox().messages[0]["uuid"], "my-key-1");
}

#[tokio::test]
async fn invalid_requests_never_reach_the_server() {
    let fake = common::fake().await;
    let client = common::client(&fake);
    let request = SendMessageRequest::new(ReceiveIdType::OpenId, "ou_a", MsgType::Text, r#"{"text":"hi"}"#)
        .uuid("x".repeat(51));
    let error = client.send_message(request).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidArgument);
    assert_eq!(error.violations()[0].path, "uuid");
    let feed = CreateAppFeedCardRequest::new(
        AppFeedCard::new("https://www.feishu.cn/").title("标".repeat(61)),
        ["ou_1"],
    );
    let error = client.create_app_feed_card(feed).await.unwrap_err();
    assert_eq!(error.violations()[0].path, "app_feed_card.title");
    assert_eq!(common::requests(&fake, "send_message") + common::requests(&fake, "create_app_feed_card"), 0);
    assert_eq!(common::token_requests(&fake), 0, "validation comes before authentication");
}

#[tokio::test]
async fn a_card_entity_is_created_then_sent_once() {
    let fake = common::fake().await;
    let client = common::client(&fake);
    let card = Card::new().element(Element::markdown("**done**"));
    let created =
        client.create_card(CreateCardRequest::new(CardType::CardJson, card.to_json_string())).await.unwrap();
    assert!(created.card_id.chars().all(|c| c.is_ascii_digit()), "{}", created.card_id);
    let entity = MessageContent::from(InteractiveContent::card_entity(&created.card_id));
    client.send(ReceiveIdType::OpenId, "ou_a", &entity).await.unwrap();
    let again = client.send(ReceiveIdType::OpenId, "ou_b", &entity).await.unwrap_err();
    assert_eq!(again.kind(), ErrorKind::Api);
    assert_eq!(again.http_status(), Some(400));
    assert_eq!(fake.inbox().messages.len(), 1);
}

#[tokio::test]
async fn batch_and_feed_card_report_unknown_ids() {
    let fake = common::fake().await;
    let client = common::client(&fake);
    let batch = MessageContent::from(TextContent::new("notice")).to_batch().unwrap();
    let result = client
        .batch_send(BatchSendRequest::from(batch).open_ids(["ou_a", "ou_unknown_1"]).department_ids(["od-1"]))
        .await
        .unwrap();
    assert!(result.message_id.starts_with("bm-"), "{}", result.message_id);
    assert_eq!(result.invalid_open_ids, vec!["ou_unknown_1".to_owned()]);
    let feed = CreateAppFeedCardRequest::new(
        AppFeedCard::new("https://www.feishu.cn/").biz_id("order-1"),
        ["ou_a", "ou_unknown_2"],
    );
    let result = client.create_app_feed_card(feed).await.unwrap();
    assert_eq!(result.biz_id.as_deref(), Some("order-1"));
    assert_eq!(result.failed_cards.len(), 1);
    assert_eq!(result.failed_cards[0].user_id.as_deref(), Some("ou_unknown_2"));
}

#[test]
fn the_blocking_facade_sends_on_the_shared_runtime() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let fake = runtime.block_on(common::fake());
    let client = common::client(&fake).blocking();
    let message = client.send_text(ReceiveIdType::OpenId, "ou_sync", "from a thread").unwrap();
    assert!(message.message_id.starts_with("om_"));
    let threads: Vec<_> = (0..4)
        .map(|i| {
            let client = client.clone();
            std::thread::spawn(move || {
                client.send_text(ReceiveIdType::OpenId, format!("ou_{i}"), "hi").unwrap()
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    assert_eq!(fake.inbox().messages.len(), 5);
}

#[tokio::test]
async fn calls_in_json_form_decode_validate_and_answer_json() {
    let fake = common::fake().await;
    let client = common::client(&fake);
    let request = serde_json::json!({
        "receive_id_type": "open_id", "receive_id": "ou_json", "msg_type": "text", "content": "{\"text\":\"hi\"}"
    });
    let answer = client.call_json("send_message", request).await.unwrap();
    assert!(answer["message_id"].as_str().unwrap().starts_with("om_"));
    assert_eq!(answer["sender"]["sender_type"], "app");

    let misspelt =
        serde_json::json!({"receive_id_type": "open_id", "receive_id": "ou_json", "msg_typ": "text"});
    let error = client.call_json("send_message", misspelt).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidArgument);
    assert_eq!(error.violations()[0].path, "msg_typ");
    let unknown = client.call_json("send_fax", serde_json::json!({})).await.unwrap_err();
    assert_eq!(unknown.kind(), ErrorKind::InvalidArgument);
    assert_eq!(fake.inbox().messages.len(), 1);
}

#[tokio::test]
async fn a_typed_request_answers_as_the_call_by_name_does() {
    use larkmsg::{CallExtras, SendMessage};
    let fake = common::fake().await;
    let client = common::client(&fake);
    let by_name = |id_type: &str| {
        serde_json::json!({
            "receive_id_type": id_type, "receive_id": "ou_same", "msg_type": "text", "content": "{\"text\":\"hi\"}"
        })
    };
    let typed = |id_type: &str| {
        SendMessageRequest::new(ReceiveIdType::from(id_type), "ou_same", MsgType::Text, r#"{"text":"hi"}"#)
    };
    let named = client.call_output("send_message", by_name("open_id"), CallExtras::default()).await.unwrap();
    let direct = client.call_output_of::<SendMessage>(typed("open_id")).await.unwrap();
    let (named, direct) = (named.into_value().unwrap(), direct.into_value().unwrap());
    let keys = |answer: &serde_json::Value| answer.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&named), keys(&direct));
    assert_eq!(named["body"], direct["body"]);
    assert_ne!(named["uuid"], direct["uuid"], "each gets its own uuid");

    let named =
        client.call_output("send_message", by_name("fax_id"), CallExtras::default()).await.err().unwrap();
    let direct = client.call_output_of::<SendMessage>(typed("fax_id")).await.err().unwrap();
    assert_eq!(named.kind(), ErrorKind::InvalidArgument);
    assert_eq!(named.violations(), direct.violations());
    assert_eq!(named.violations()[0].path, "receive_id_type");
    assert_eq!(fake.inbox().messages.len(), 2);
}

#[tokio::test]
async fn sequential_calls_share_one_connection() {
    let fake = common::fake().await;
    let client = common::client(&fake);
    for i in 0..20 {
        client.send_text(ReceiveIdType::OpenId, "ou_alice", &format!("m{i}")).await.unwrap();
    }
    assert_eq!(common::requests(&fake, "send_message"), 20);
    assert_eq!(fake.counters().connections, 1, "the token fetch and 20 sends use one connection");
}
