//! Quota enforcement of the fake: endpoint windows (HTTP 429) and receivers (230020).
#![cfg(feature = "fake")]
#![allow(clippy::unwrap_used)] // tests may unwrap (house rules)

mod fake_support;

use fake_support::*;
use larkmsg::fake::{FakeConfig, FakeServer};
use serde_json::Value;
use tokio::task::JoinSet;

/// Sends `bodies` to `path` all at once; returns the answers.
async fn burst(fake: &FakeServer, path: &'static str, token: &str, bodies: Vec<Value>) -> Vec<Answer> {
    let client = client();
    let mut tasks = JoinSet::new();
    for body in bodies {
        let request = client.post(format!("{}{path}", fake.url())).bearer_auth(token).json(&body);
        tasks.spawn(async move { answer(request.send().await.unwrap()).await });
    }
    tasks.join_all().await
}

#[tokio::test]
async fn the_51st_message_within_a_second_gets_429() {
    let fake = FakeServer::start(FakeConfig { quotas: true, ..FakeConfig::default() }).await.unwrap();
    let token = token(&fake).await;
    let bodies = (0..51).map(|i| text(&format!("ou_{i}"), "hi")).collect();
    let answers = burst(&fake, SEND, &token, bodies).await;
    let accepted = answers.iter().filter(|a| a.status == 200).count();
    assert_eq!(accepted, 50);
    let throttled: Vec<&Answer> = answers.iter().filter(|a| a.status == 429).collect();
    assert_eq!(throttled.len(), 1);
    let refused = throttled[0];
    assert_eq!(refused.code(), 99991400);
    assert_eq!(refused.body["msg"], "request trigger frequency limit");
    assert_eq!(refused.header("x-ogw-ratelimit-limit"), "50");
    assert_eq!(refused.header("x-ogw-ratelimit-reset"), "1");
    assert_eq!(fake.inbox().messages.len(), 50);
    assert_eq!(fake.counters().throttled["send_message"], 1);
    assert_eq!(fake.counters().requests["send_message"], 51);
}

#[tokio::test]
async fn the_11th_feed_card_within_a_second_gets_429() {
    let fake = start().await;
    fake.set_quotas(true);
    let token = token(&fake).await;
    let bodies = (0..11).map(|_| feed_card(&["ou_1"])).collect();
    let answers = burst(&fake, FEED, &token, bodies).await;
    assert_eq!(answers.iter().filter(|a| a.status == 200).count(), 10);
    let refused = answers.iter().find(|a| a.status == 429).unwrap();
    assert_eq!(refused.header("x-ogw-ratelimit-limit"), "10");
    assert_eq!(fake.inbox().feed_cards.len(), 10);
}

#[tokio::test]
async fn the_6th_message_to_one_receiver_within_a_second_gets_230020() {
    let fake = start().await;
    fake.set_quotas(true);
    let token = token(&fake).await;
    let bodies = (0..6).map(|_| text("ou_same", "hi")).collect();
    let answers = burst(&fake, SEND, &token, bodies).await;
    assert_eq!(answers.iter().filter(|a| a.status == 200).count(), 5);
    let refused = answers.iter().find(|a| a.status != 200).unwrap();
    assert_eq!((refused.status, refused.code()), (400, 230020));
    assert_eq!(refused.body["msg"], "This operation triggers the frequency limit.");
    assert_eq!(fake.inbox().messages.len(), 5);
    assert_eq!(fake.counters().throttled["send_message"], 1);
    assert_eq!(post(&fake, SEND, &token, &text("ou_other", "hi")).await.code(), 0);
}

#[tokio::test]
async fn without_quotas_nothing_is_throttled() {
    let fake = start().await;
    let token = token(&fake).await;
    let bodies = (0..60).map(|_| text("ou_same", "hi")).collect();
    let answers = burst(&fake, SEND, &token, bodies).await;
    assert!(answers.iter().all(|a| a.status == 200));
    assert!(fake.counters().throttled.is_empty());
}
