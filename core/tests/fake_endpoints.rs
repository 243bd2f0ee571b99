//! The fake's four message endpoints: checks, answers, inbox, uuid dedup, card entities.
#![cfg(feature = "fake")]
#![allow(clippy::unwrap_used)] // tests may unwrap (house rules)

mod fake_support;

use std::time::Duration;

use fake_support::*;
use larkmsg::fake::{DEFAULT_APP_ID, FAKE_TENANT_KEY};
use serde_json::{Value, json};

fn is_hex(text: &str) -> bool {
    text.bytes().all(|b| b.is_ascii_hexdigit())
}

#[tokio::test]
async fn send_message_answers_the_full_message_and_fills_the_inbox() {
    let fake = start().await;
    let token = token(&fake).await;
    let mut body = text("ou_7d8a", r#"<at user_id="ou_155">Tom</at> test content"#);
    body["uuid"] = json!("a0d69e20-1dd1-458b");
    let answer = post(&fake, SEND, &token, &body).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body["code"], 0);
    assert_eq!(answer.body["msg"], "success");
    assert!(answer.body.get("error").is_none());
    let log_id = answer.header("x-tt-logid");
    assert!(log_id[..14].bytes().all(|b| b.is_ascii_digit()) && is_hex(&log_id[14..]));

    let data = &answer.body["data"];
    let message_id = data["message_id"].as_str().unwrap();
    assert!(message_id.starts_with("om_") && message_id.len() == 35 && is_hex(&message_id[3..]));
    assert_eq!(data["msg_type"], "text");
    assert!(data["create_time"].as_str().unwrap().parse::<u64>().unwrap() > 1_600_000_000_000);
    assert_eq!(data["create_time"], data["update_time"]);
    assert_eq!((data["deleted"].clone(), data["updated"].clone()), (json!(false), json!(false)));
    assert!(data["chat_id"].as_str().unwrap().starts_with("oc_"));
    assert_eq!(
        data["sender"],
        json!({"id": DEFAULT_APP_ID, "id_type": "app_id", "sender_type": "app", "tenant_key": FAKE_TENANT_KEY})
    );
    assert_eq!(data["body"]["content"], r#"{"text":"@_user_1 test content"}"#);
    assert_eq!(
        data["mentions"],
        json!([{"key": "@_user_1", "id": "ou_155", "id_type": "open_id", "name": "Tom", "tenant_key": FAKE_TENANT_KEY}])
    );

    let inbox = fake.inbox();
    assert_eq!(inbox.messages.len(), 1);
    let entry = &inbox.messages[0];
    assert_eq!(entry["message_id"], message_id);
    assert_eq!(entry["receive_id"], "ou_7d8a");
    assert_eq!(entry["receive_id_type"], "open_id");
    assert_eq!(entry["msg_type"], "text");
    assert_eq!(entry["content"], body["content"]);
    assert_eq!(entry["uuid"], "a0d69e20-1dd1-458b");
    assert_eq!(fake.counters().requests["send_message"], 1);
}

#[tokio::test]
async fn chat_receivers_keep_their_chat_id() {
    let fake = start().await;
    let token = token(&fake).await;
    let path = "/open-apis/im/v1/messages?receive_id_type=chat_id";
    let answer = post(&fake, path, &token, &text("oc_84983ff6", "hi")).await;
    assert_eq!(answer.body["data"]["chat_id"], "oc_84983ff6");
    assert!(answer.body["data"].get("mentions").is_none());
}

#[tokio::test]
async fn content_type_must_be_json() {
    let fake = start().await;
    let token = token(&fake).await;
    let body = text("ou_1", "hi").to_string();
    for (content_type, code) in [
        (Some("text/plain"), 230001),
        (None, 230001),
        (Some("application/json; charset=utf-8"), 0),
        (Some("Application/JSON"), 0),
    ] {
        let mut request =
            client().post(format!("{}{SEND}", fake.url())).bearer_auth(&token).body(body.clone());
        if let Some(content_type) = content_type {
            request = request.header("Content-Type", content_type);
        }
        let answer = answer(request.send().await.unwrap()).await;
        assert_eq!(answer.code(), code, "{content_type:?}");
        assert_eq!(answer.status, if code == 0 { 200 } else { 400 });
    }
}

#[tokio::test]
async fn send_message_rejections() {
    let fake = start().await;
    let token = token(&fake).await;
    let ok = text("ou_1", "hi");
    let with = |field: &str, value: Value| {
        let mut body = ok.clone();
        body[field] = value;
        body
    };
    let without = |field: &str| {
        let mut body = ok.clone();
        body.as_object_mut().unwrap().remove(field);
        body
    };
    let base = "/open-apis/im/v1/messages";
    let cases = [
        (base.to_owned(), ok.clone(), "receive_id_type"),
        (format!("{base}?receive_id_type=phone"), ok.clone(), "receive_id_type"),
        (SEND.to_owned(), json!("text"), "body"),
        (SEND.to_owned(), without("receive_id"), "receive_id"),
        (SEND.to_owned(), with("msg_type", json!("video")), "msg_type"),
        (SEND.to_owned(), with("msg_type", json!(1)), "msg_type"),
        (SEND.to_owned(), without("content"), "content"),
        (SEND.to_owned(), with("content", json!({"text": "x"})), "content"),
        (SEND.to_owned(), with("content", json!("not json")), "content"),
        (SEND.to_owned(), with("uuid", json!("u".repeat(51))), "uuid"),
    ];
    for (path, body, field) in cases {
        let answer = post(&fake, &path, &token, &body).await;
        assert_eq!((answer.status, answer.code()), (400, 230001), "{body}");
        let msg = answer.body["msg"].as_str().unwrap();
        assert!(msg.contains(field), "{msg:?} names {field}");
    }
    let fifty = with("uuid", json!("界".repeat(50)));
    assert_eq!(post(&fake, SEND, &token, &fifty).await.code(), 0);
    assert_eq!(fake.inbox().messages.len(), 1);
}

#[tokio::test]
async fn the_request_body_may_have_150_kb_for_text_and_30_kb_for_post() {
    let fake = start().await;
    let token = token(&fake).await;
    let uuid = "a0d69e20-1dd1-458b-8525-dfeca4015204";
    // The body as a client sends it: with its uuid.
    let sized = |body: Value, field: &dyn Fn(&mut Value, usize), total: usize| {
        let mut at = body;
        at["uuid"] = json!(uuid);
        field(&mut at, 0);
        let overhead = serde_json::to_vec(&at).unwrap().len();
        field(&mut at, total - overhead);
        assert_eq!(serde_json::to_vec(&at).unwrap().len(), total);
        at
    };
    let text_fill = |body: &mut Value, len: usize| {
        body["content"] = json!(json!({"text": "a".repeat(len)}).to_string());
    };
    let limit = 150 * 1024;
    let at_limit = sized(text("ou_1", ""), &text_fill, limit);
    assert_eq!(post(&fake, SEND, &token, &at_limit).await.code(), 0);
    let over = sized(text("ou_1", ""), &text_fill, limit + 1);
    let answer = post(&fake, SEND, &token, &over).await;
    assert_eq!((answer.status, answer.code()), (400, 230025));
    // A content of exactly 150 KB makes a larger body.
    let content_at_limit = text("ou_1", &"a".repeat(limit - r#"{"text":""}"#.len()));
    assert_eq!(content_at_limit["content"].as_str().unwrap().len(), limit);
    assert_eq!(post(&fake, SEND, &token, &content_at_limit).await.code(), 230025);

    let post_fill = |body: &mut Value, len: usize| {
        let content =
            json!({"zh_cn": {"title": "t", "content": [[{"tag": "text", "text": "x".repeat(len)}]]}});
        body["content"] = json!(content.to_string());
    };
    let post_body = json!({"receive_id": "ou_2", "msg_type": "post", "content": ""});
    let uuid2 = |mut body: Value| {
        body["uuid"] = json!(uuid.replace('a', "b"));
        body
    };
    let at_limit = uuid2(sized(post_body.clone(), &post_fill, 30 * 1024));
    assert_eq!(post(&fake, SEND, &token, &at_limit).await.code(), 0);
    let over = uuid2(sized(post_body, &post_fill, 30 * 1024 + 1));
    assert_eq!(post(&fake, SEND, &token, &over).await.code(), 230025);
}

#[tokio::test]
async fn unknown_receivers_are_refused() {
    let fake = start().await;
    let token = token(&fake).await;
    let user = post(&fake, SEND, &token, &text("ou_unknown_1", "hi")).await;
    assert_eq!((user.status, user.code()), (400, 230013));
    let chat = "/open-apis/im/v1/messages?receive_id_type=chat_id";
    let group = post(&fake, chat, &token, &text("oc_unknown", "hi")).await;
    assert_eq!((group.status, group.code()), (400, 230002));
    assert!(fake.inbox().messages.is_empty());
}

#[tokio::test]
async fn repeated_uuid_returns_the_original_message() {
    let fake = start().await;
    let token = token(&fake).await;
    let mut body = text("ou_1", "once");
    body["uuid"] = json!("dedup-1");
    let first = post(&fake, SEND, &token, &body).await;
    let second = post(&fake, SEND, &token, &body).await;
    assert_eq!(first.body["data"], second.body["data"]);
    assert_eq!(fake.inbox().messages.len(), 1);

    body["uuid"] = json!("dedup-2");
    let other = post(&fake, SEND, &token, &body).await;
    assert_ne!(other.body["data"]["message_id"], first.body["data"]["message_id"]);
    assert_eq!(fake.inbox().messages.len(), 2);
    let mut no_uuid = text("ou_1", "twice");
    no_uuid.as_object_mut().unwrap().remove("uuid");
    post(&fake, SEND, &token, &no_uuid).await;
    post(&fake, SEND, &token, &no_uuid).await;
    assert_eq!(fake.inbox().messages.len(), 4);
}

#[tokio::test]
async fn concurrent_duplicate_uuid_gets_230049() {
    let fake = start().await;
    let token = token(&fake).await;
    fake.set_latency(Duration::from_millis(400));
    let mut body = text("ou_1", "slow");
    body["uuid"] = json!("in-flight");
    let first = {
        let (url, token, body) = (fake.url(), token.clone(), body.clone());
        tokio::spawn(async move {
            let response =
                client().post(format!("{url}{SEND}")).bearer_auth(token).json(&body).send().await.unwrap();
            answer(response).await.body
        })
    };
    tokio::time::sleep(Duration::from_millis(150)).await;
    let duplicate = post(&fake, SEND, &token, &body).await;
    assert_eq!((duplicate.status, duplicate.code()), (400, 230049));
    assert_eq!(duplicate.body["msg"], "The message is being sent.");
    let first = first.await.unwrap();
    assert_eq!(first["code"], 0);
    let later = post(&fake, SEND, &token, &body).await;
    assert_eq!(later.body["data"]["message_id"], first["data"]["message_id"]);
    assert_eq!(fake.inbox().messages.len(), 1);
}

#[tokio::test]
async fn card_entity_is_created_and_sent_once() {
    let fake = start().await;
    let token = token(&fake).await;
    let created = post(&fake, CARDS, &token, &card_request()).await;
    assert_eq!((created.status, created.code()), (200, 0), "{}", created.body);
    let card_id = created.body["data"]["card_id"].as_str().unwrap().to_owned();
    assert_eq!(card_id.len(), 19);
    assert!(card_id.bytes().all(|b| b.is_ascii_digit()));
    assert_eq!(fake.inbox().cards[0]["sent"], false);

    let send_card = |card_id: &str| {
        json!({
            "receive_id": "ou_1",
            "msg_type": "interactive",
            "content": json!({"type": "card", "data": {"card_id": card_id}}).to_string(),
        })
    };
    let sent = post(&fake, SEND, &token, &send_card(&card_id)).await;
    assert_eq!(sent.code(), 0);
    let again = post(&fake, SEND, &token, &send_card(&card_id)).await;
    assert_eq!((again.status, again.code()), (400, 230001));
    assert!(again.body["msg"].as_str().unwrap().contains("already sent"));
    let unknown = post(&fake, SEND, &token, &send_card("7000000000000000000")).await;
    assert_eq!((unknown.status, unknown.code()), (400, 230001));
    assert!(unknown.body["msg"].as_str().unwrap().contains("does not exist"));
    let missing =
        json!({"receive_id": "ou_1", "msg_type": "interactive", "content": r#"{"type":"card","data":{}}"#});
    assert_eq!(post(&fake, SEND, &token, &missing).await.code(), 230001);

    let inbox = fake.inbox();
    assert_eq!(inbox.messages.len(), 1);
    assert_eq!(inbox.messages[0]["card_id"], card_id.as_str());
    assert_eq!(inbox.cards[0]["sent"], true);
}

#[tokio::test]
async fn card_create_rejections() {
    let fake = start().await;
    let token = token(&fake).await;
    let card = |data: &str| json!({"type": "card_json", "data": data});
    let cases = [
        (json!({"type": "card_json"}), 10002),
        (json!({"type": "html", "data": "{}"}), 10002),
        (card("not json"), 200220),
        (json!({"type": "template", "data": "not json"}), 200220),
        (card(""), 300307),
        (
            card(&format!("{{\"schema\":\"2.0\",\"header\":{{}},\"x\":\"{}\"}}", "a".repeat(3_000_000))),
            200860,
        ),
        (card("{}"), 300307),
        (card(r#"{"elements":[]}"#), 300303),
        (card(r#"{"schema":"1.0","body":{}}"#), 300303),
        (card(r#"{"schema":"2.0","config":{"update_multi":false},"body":{}}"#), 300302),
    ];
    for (body, code) in cases {
        let answer = post(&fake, CARDS, &token, &body).await;
        assert_eq!((answer.status, answer.code()), (400, code), "{body}");
    }
    let template = json!({"type": "template", "data": r#"{"template_id":"AAqIi1B8abcef"}"#});
    assert_eq!(post(&fake, CARDS, &token, &template).await.code(), 0);
    assert_eq!(fake.inbox().cards.len(), 1);
}

#[tokio::test]
async fn batch_send_lists_unknown_ids_and_answers_errors_at_http_200() {
    let fake = start().await;
    let token = token(&fake).await;
    let body = json!({
        "msg_type": "text",
        "content": {"text": "test content"},
        "open_ids": ["ou_18eac85d", "ou_unknown_2"],
        "department_ids": ["unknown_dept"],
    });
    let answer = post(&fake, BATCH, &token, &body).await;
    assert_eq!((answer.status, answer.code()), (200, 0));
    assert_eq!(answer.body["msg"], "ok");
    let data = &answer.body["data"];
    let message_id = data["message_id"].as_str().unwrap();
    assert!(message_id.starts_with("bm-"));
    assert_eq!(data["invalid_open_ids"], json!(["ou_unknown_2"]));
    assert_eq!(data["invalid_department_ids"], json!(["unknown_dept"]));
    assert_eq!(data["invalid_user_ids"], json!([]));
    assert_eq!(data["invalid_union_ids"], json!([]));
    let inbox = fake.inbox();
    assert_eq!(inbox.batches[0]["message_id"], message_id);
    assert_eq!(inbox.batches[0]["open_ids"], body["open_ids"]);

    let ids: Vec<String> = (0..201).map(|i| format!("ou_{i}")).collect();
    let cases = [
        json!({"msg_type": "text", "content": {"text": "x"}}),
        json!({"msg_type": "text", "content": "{\"text\":\"x\"}", "open_ids": ["ou_1"]}),
        json!({"msg_type": "interactive", "content": {"text": "x"}, "open_ids": ["ou_1"]}),
        json!({"msg_type": "file", "content": {"file_key": "x"}, "open_ids": ["ou_1"]}),
        json!({"msg_type": "text", "content": {"text": "x"}, "department_ids": ["0"]}),
        json!({"msg_type": "text", "content": {"text": "x"}, "open_ids": ids}),
    ];
    for body in cases {
        let answer = post(&fake, BATCH, &token, &body).await;
        assert_eq!((answer.status, answer.code()), (200, 10003), "{body}");
        assert!(answer.body["error"]["log_id"].is_string());
    }
    let ids: Vec<String> = (0..200).map(|i| format!("ou_{i}")).collect();
    let max = json!({"msg_type": "text", "content": {"text": "x"}, "open_ids": ids});
    assert_eq!(post(&fake, BATCH, &token, &max).await.code(), 0);

    let no_slash = post(&fake, "/open-apis/message/v4/batch_send", &token, &max).await;
    assert_eq!(no_slash.status, 404);
}

#[tokio::test]
async fn feed_card_echoes_biz_id_and_reports_unknown_users() {
    let fake = start().await;
    let token = token(&fake).await;
    let answer = post(&fake, FEED, &token, &feed_card(&["ou_a0553eda", "ou_unknown_x"])).await;
    assert_eq!((answer.status, answer.code()), (200, 0), "{}", answer.body);
    let biz_id = "096e2927-40a6-41a3-9562-314d641d09ae";
    assert_eq!(
        answer.body["data"],
        json!({
            "failed_cards": [{"biz_id": biz_id, "user_id": "ou_unknown_x", "reason": "NOT_CREATED"}],
            "biz_id": biz_id,
        })
    );
    let mut without_biz_id = feed_card(&["ou_1"]);
    without_biz_id["app_feed_card"].as_object_mut().unwrap().remove("biz_id");
    let path = format!("{FEED}?user_id_type=user_id");
    let generated = post(&fake, &path, &token, &without_biz_id).await;
    let generated_id = generated.body["data"]["biz_id"].as_str().unwrap();
    assert_eq!(generated_id.len(), 36);
    let inbox = fake.inbox();
    assert_eq!(inbox.feed_cards.len(), 2);
    assert_eq!(inbox.feed_cards[1]["biz_id"], generated_id);
    assert_eq!(inbox.feed_cards[1]["user_id_type"], "user_id");
    assert_eq!(inbox.feed_cards[0]["user_id_type"], "open_id");

    let users: Vec<String> = (0..21).map(|i| format!("ou_{i}")).collect();
    let mut too_many = feed_card(&[]);
    too_many["user_ids"] = json!(users);
    let mut no_link = feed_card(&["ou_1"]);
    no_link["app_feed_card"].as_object_mut().unwrap().remove("link");
    let cases = [
        (format!("{FEED}?user_id_type=email"), feed_card(&["ou_1"])),
        (FEED.to_owned(), feed_card(&[])),
        (FEED.to_owned(), too_many),
        (FEED.to_owned(), no_link),
    ];
    for (path, body) in cases {
        let answer = post(&fake, &path, &token, &body).await;
        assert_eq!((answer.status, answer.code()), (400, 230001), "{path} {body}");
    }
    // The page marks app_feed_card and user_ids optional.
    assert_eq!(post(&fake, FEED, &token, &json!({"user_ids": ["ou_1"]})).await.code(), 0);
    let mut no_users = feed_card(&[]);
    no_users.as_object_mut().unwrap().remove("user_ids");
    assert_eq!(post(&fake, FEED, &token, &no_users).await.code(), 0);
    let users: Vec<String> = (0..20).map(|i| format!("ou_{i}")).collect();
    let mut twenty = feed_card(&[]);
    twenty["user_ids"] = json!(users);
    assert_eq!(post(&fake, FEED, &token, &twenty).await.code(), 0);
}

#[tokio::test]
async fn unknown_paths_are_404() {
    let fake = start().await;
    let token = token(&fake).await;
    let answer = post(&fake, "/open-apis/im/v1/chats", &token, &json!({})).await;
    assert_eq!(answer.status, 404);
}
