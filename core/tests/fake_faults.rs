//! Injected faults do what they say, and the record reconciles them with the inbox.
#![cfg(feature = "fake")]
#![allow(clippy::unwrap_used)] // tests may unwrap (house rules)

mod fake_support;

use std::time::Duration;

use fake_support::*;
use larkmsg::fake::{FaultKind, FaultPlan};
use serde_json::json;

#[tokio::test]
async fn status_5xx_is_not_processed_and_only_hits_count_requests() {
    let fake = start().await;
    let token = token(&fake).await;
    fake.inject(FaultPlan::next(FaultKind::Status5xx, 2)).unwrap();
    for _ in 0..2 {
        let answer = post(&fake, SEND, &token, &text("ou_1", "hi")).await;
        assert_eq!((answer.status, answer.code()), (500, 1500));
        assert!(answer.body["error"]["troubleshooter"].is_string());
    }
    assert!(fake.inbox().messages.is_empty());
    assert_eq!(post(&fake, SEND, &token, &text("ou_1", "hi")).await.code(), 0);
    assert_eq!(fake.counters().faults["status_5xx"], 2);
    let log = fake.fault_log();
    assert_eq!(log.len(), 2);
    assert!(!log[0].processed && log[0].code.is_none() && log[0].seq == 1);
    assert!(fake.fault_plans().is_empty());
}

#[tokio::test]
async fn drop_before_read_is_a_connection_error_and_nothing_is_processed() {
    let fake = start().await;
    let token = token(&fake).await;
    fake.inject(FaultPlan::next(FaultKind::DropBeforeRead, 1)).unwrap();
    let mut body = text("ou_1", "lost");
    body["uuid"] = json!("drop-before");
    let result = try_post(&fake, SEND, &token, &body).await;
    assert!(result.is_err(), "expected a connection error");
    assert!(fake.inbox().messages.is_empty());
    let log = fake.fault_log();
    assert_eq!(log[0].kind, FaultKind::DropBeforeRead);
    assert!(!log[0].processed);
    assert_eq!(log[0].uuid, None);
    let retry = post(&fake, SEND, &token, &body).await;
    assert_eq!(retry.code(), 0);
    assert_eq!(fake.inbox().messages.len(), 1);
}

#[tokio::test]
async fn drop_after_read_processes_then_closes_and_a_retry_is_deduplicated() {
    let fake = start().await;
    let token = token(&fake).await;
    fake.inject(FaultPlan::next(FaultKind::DropAfterRead, 1).on("send_message")).unwrap();
    let mut body = text("ou_1", "sent but unanswered");
    body["uuid"] = json!("drop-after");
    assert!(try_post(&fake, SEND, &token, &body).await.is_err());
    let inbox = fake.inbox();
    assert_eq!(inbox.messages.len(), 1);
    let log = fake.fault_log();
    assert!(log[0].processed);
    assert_eq!(log[0].code, Some(0));
    assert_eq!(log[0].uuid.as_deref(), Some("drop-after"));
    assert_eq!(Some(inbox.messages[0]["message_id"].as_str().unwrap()), log[0].id.as_deref());
    let retry = post(&fake, SEND, &token, &body).await;
    assert_eq!(retry.body["data"]["message_id"], inbox.messages[0]["message_id"]);
    assert_eq!(fake.inbox().messages.len(), 1);
}

#[tokio::test]
async fn slow_processes_then_answers_after_the_client_gave_up() {
    let fake = start().await;
    let token = token(&fake).await;
    fake.inject(FaultPlan::next(FaultKind::Slow, 1).delay(Duration::from_secs(3))).unwrap();
    let client = reqwest::Client::builder().no_proxy().timeout(Duration::from_millis(500)).build().unwrap();
    let result =
        client.post(format!("{}{CARDS}", fake.url())).bearer_auth(&token).json(&card_request()).send().await;
    assert!(result.unwrap_err().is_timeout());
    assert_eq!(fake.inbox().cards.len(), 1);
    let log = fake.fault_log();
    assert_eq!(log[0].endpoint, "create_card");
    assert_eq!(log[0].id.as_deref(), fake.inbox().cards[0]["card_id"].as_str());
}

#[tokio::test]
async fn malformed_answers_200_with_a_body_that_is_not_json() {
    let fake = start().await;
    let token = token(&fake).await;
    fake.inject(FaultPlan::next(FaultKind::Malformed, 1)).unwrap();
    let response = client()
        .post(format!("{}{FEED}", fake.url()))
        .bearer_auth(&token)
        .json(&feed_card(&["ou_1"]))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let bytes = response.bytes().await.unwrap();
    assert!(serde_json::from_slice::<serde_json::Value>(&bytes).is_err());
    assert_eq!(fake.inbox().feed_cards.len(), 1);
}

#[tokio::test]
async fn rate_limit_answers_429_with_headers_and_is_not_processed() {
    let fake = start().await;
    let token = token(&fake).await;
    fake.inject(FaultPlan::next(FaultKind::RateLimit, 1).on(FEED)).unwrap();
    let answer = post(&fake, FEED, &token, &feed_card(&["ou_1"])).await;
    assert_eq!((answer.status, answer.code()), (429, 99991400));
    assert_eq!(answer.body["msg"], "request trigger frequency limit");
    assert_eq!(answer.header("x-ogw-ratelimit-limit"), "10");
    assert_eq!(answer.header("x-ogw-ratelimit-reset"), "1");
    assert!(fake.inbox().feed_cards.is_empty());
}

#[tokio::test]
async fn receiver_rate_limit_only_hits_send_message() {
    let fake = start().await;
    let token = token(&fake).await;
    fake.inject(FaultPlan::next(FaultKind::ReceiverRateLimit, 1)).unwrap();
    let batch = json!({"msg_type": "text", "content": {"text": "x"}, "open_ids": ["ou_1"]});
    assert_eq!(post(&fake, BATCH, &token, &batch).await.code(), 0);
    let answer = post(&fake, SEND, &token, &text("ou_1", "hi")).await;
    assert_eq!((answer.status, answer.code()), (400, 230020));
    assert!(fake.inbox().messages.is_empty());
}

#[tokio::test]
async fn revoke_tokens_fault_revokes_every_token() {
    let fake = start().await;
    let token = token(&fake).await;
    fake.inject(FaultPlan::next(FaultKind::RevokeTokens, 1)).unwrap();
    let answer = post(&fake, SEND, &token, &text("ou_1", "hi")).await;
    assert_eq!((answer.status, answer.code()), (400, 99991663));
    let again = post(&fake, SEND, &token, &text("ou_1", "hi")).await;
    assert_eq!(again.code(), 99991663);
    let fresh = fake_support::token(&fake).await;
    assert_ne!(fresh, token);
    assert_eq!(post(&fake, SEND, &fresh, &text("ou_1", "hi")).await.code(), 0);
}

#[tokio::test]
async fn faults_skip_auth_endpoints_unless_named() {
    let fake = start().await;
    fake.inject(FaultPlan::next(FaultKind::Status5xx, 1)).unwrap();
    let token = token(&fake).await;
    fake.clear_faults();
    fake.inject(FaultPlan::next(FaultKind::Status5xx, 1).on("tenant_access_token_internal")).unwrap();
    let answer = post(&fake, SEND, &token, &text("ou_1", "hi")).await;
    assert_eq!(answer.code(), 0);
    let failed =
        post_json(&fake, TENANT_TOKEN, &json!({"app_id": "cli_fake_app", "app_secret": "fake_app_secret"}))
            .await;
    assert_eq!(failed.status, 500);
    assert!(fake.inject(FaultPlan::next(FaultKind::Slow, 1).on("nowhere")).is_err());
}

#[tokio::test]
async fn random_plans_follow_their_rate() {
    let fake = start().await;
    let token = token(&fake).await;
    fake.inject(FaultPlan::random(1.0, [FaultKind::Status5xx, FaultKind::RateLimit]).seed(7)).unwrap();
    for _ in 0..5 {
        let answer = post(&fake, SEND, &token, &text("ou_1", "hi")).await;
        assert!([500, 429].contains(&answer.status));
    }
    let counters = fake.counters();
    let total: u64 = counters.faults.values().sum();
    assert_eq!(total, 5);
    fake.clear_faults();
    fake.inject(FaultPlan::random(0.0, [FaultKind::Status5xx])).unwrap();
    assert_eq!(post(&fake, SEND, &token, &text("ou_1", "hi")).await.code(), 0);
    assert!(fake.inject(FaultPlan::random(1.5, [FaultKind::Slow])).is_err());
    assert!(fake.inject(FaultPlan::random(0.5, [])).is_err());
}

#[tokio::test]
async fn drops_surface_on_a_pooled_keep_alive_connection() {
    let fake = start().await;
    let token = token(&fake).await;
    let client = client();
    let send =
        || client.post(format!("{}{SEND}", fake.url())).bearer_auth(&token).json(&text("ou_1", "hi")).send();
    assert_eq!(send().await.unwrap().status(), 200);
    fake.inject(FaultPlan::next(FaultKind::DropBeforeRead, 1)).unwrap();
    assert!(send().await.is_err());
    assert_eq!(send().await.unwrap().status(), 200);
    fake.inject(FaultPlan::next(FaultKind::DropAfterRead, 1)).unwrap();
    assert!(send().await.is_err());
    assert_eq!(fake.inbox().messages.len(), 3);
    assert_eq!(fake.counters().requests["send_message"], 4);
}
