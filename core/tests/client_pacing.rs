//! Pacing against the fake enforcing the documented quotas: every call gets through, none
//! is throttled, in about the minimum time the quotas allow. The client and the fake share
//! tokio's paused clock, so the figures do not depend on how busy the machine is.
#![cfg(feature = "fake")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use larkmsg::{QuotaTable, ReceiveIdType};
use tokio::time::Instant;

#[tokio::test(start_paused = true)]
async fn a_thousand_sends_to_ten_receivers_from_64_tasks_all_get_through() {
    let fake = common::fake().await;
    fake.set_quotas(true);
    let client = common::builder(&fake).quotas(QuotaTable::documented()).build().unwrap();
    let start = Instant::now();
    let tasks: Vec<_> = (0..64)
        .map(|task| {
            let client = client.clone();
            tokio::spawn(async move {
                let mut sent = 0;
                for n in (task..1000).step_by(64) {
                    let receiver = format!("ou_receiver_{}", n % 10);
                    client.send_text(ReceiveIdType::OpenId, receiver, format!("message {n}")).await?;
                    sent += 1;
                }
                Ok::<_, larkmsg::Error>(sent)
            })
        })
        .collect();
    let mut sent = 0;
    for task in tasks {
        sent += task.await.unwrap().unwrap();
    }
    let elapsed = start.elapsed();
    println!("1000 paced sends took {elapsed:?}");
    let throttled: u64 = fake.counters().throttled.values().sum();
    println!("throttled answers: {throttled}");
    assert_eq!(sent, 1000);
    assert_eq!(fake.inbox().messages.len(), 1000, "every call got through, none twice");
    assert_eq!(throttled, 0, "throttled answers: the client is not pacing");
    // 50 per second allows no faster than 19 s for 1000 (the first 50 go at once).
    assert!(elapsed >= Duration::from_secs(19), "{elapsed:?}");
}

/// A user's sends count against the chat they land in from the first: once the client has
/// learnt that chat, the sends made before still count, so the next ones wait for them.
#[tokio::test(start_paused = true)]
async fn sends_before_and_after_learning_a_users_chat_share_its_quota() {
    let fake = common::fake().await;
    fake.set_quotas(true);
    let client = common::builder(&fake).quotas(QuotaTable::documented()).build().unwrap();
    let burst = |from: usize| {
        let tasks: Vec<_> = (from..from + 5)
            .map(|n| {
                let client = client.clone();
                tokio::spawn(async move {
                    client.send_text(ReceiveIdType::OpenId, "ou_one", format!("m{n}")).await
                })
            })
            .collect();
        async move {
            for task in tasks {
                task.await.unwrap().unwrap();
            }
        }
    };
    let start = Instant::now();
    // Five by open_id, answered with the chat they landed in; then five more.
    burst(0).await;
    burst(5).await;
    let throttled: u64 = fake.counters().throttled.values().sum();
    assert_eq!(throttled, 0, "the sends made before the chat was learnt were forgotten");
    assert_eq!(fake.inbox().messages.len(), 10);
    assert!(start.elapsed() >= Duration::from_secs(1), "{:?}", start.elapsed());
}

/// Sends and replies that land in one chat share its 5 per second: a reply counts against
/// the chat of the message it answers, once the client has seen where that message landed.
#[tokio::test(start_paused = true)]
async fn sends_and_replies_to_one_chat_share_its_quota() {
    let fake = common::fake().await;
    fake.set_quotas(true);
    let client = common::builder(&fake).quotas(QuotaTable::documented()).build().unwrap();
    let first = client.send_text(ReceiveIdType::ChatId, "oc_shared", "first").await.unwrap();
    let start = Instant::now();
    let tasks: Vec<_> = (0..20)
        .map(|n| {
            let client = client.clone();
            let parent = first.message_id.clone();
            tokio::spawn(async move {
                if n % 2 == 0 {
                    client.send_text(ReceiveIdType::ChatId, "oc_shared", format!("send {n}")).await.map(drop)
                } else {
                    let request = larkmsg::api::ReplyMessageRequest::new(
                        parent,
                        larkmsg::MsgType::Text,
                        serde_json::json!({"text": format!("reply {n}")}).to_string(),
                    );
                    client.reply_message(request).await.map(drop)
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    let throttled: u64 = fake.counters().throttled.values().sum();
    assert_eq!(throttled, 0, "the chat's quota was exceeded: replies are paced apart from sends");
    assert_eq!(fake.inbox().messages.len(), 21);
    // 21 messages at 5 per second (4.75 with the headroom): at least 4 seconds.
    assert!(start.elapsed() >= Duration::from_secs(3), "{:?}", start.elapsed());
}

/// A store app serving two tenants: each tenant has its own 50 per second, on the client
/// and on the fake alike.
#[tokio::test(start_paused = true)]
async fn each_tenant_of_a_store_app_has_its_own_quota() {
    use larkmsg::fake::{FakeApp, STORE_APP_ID, STORE_APP_SECRET};
    let fake = common::fake().await;
    fake.register_app(
        FakeApp::store(STORE_APP_ID, STORE_APP_SECRET, "tenant_a").also_installed_in("tenant_b"),
    );
    fake.set_quotas(true);
    let ticket = fake.app_ticket(STORE_APP_ID).unwrap();
    let clients: Vec<_> = ["tenant_a", "tenant_b"]
        .into_iter()
        .map(|tenant| {
            let cell = std::sync::Arc::new(larkmsg::AppTicketCell::new());
            cell.set(ticket.clone());
            larkmsg::ClientBuilder::new()
                .store_app(STORE_APP_ID, STORE_APP_SECRET, tenant, cell)
                .base_url(fake.url())
                .quotas(QuotaTable::documented())
                .build()
                .unwrap()
        })
        .collect();
    let start = Instant::now();
    let tasks: Vec<_> = (0..2 * 90)
        .map(|n| {
            let client = clients[n % 2].clone();
            tokio::spawn(async move {
                client.send_text(ReceiveIdType::OpenId, format!("ou_{}", n / 2 % 30), "hi").await.map(drop)
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    let throttled: u64 = fake.counters().throttled.values().sum();
    assert_eq!(throttled, 0, "the fake counts both tenants against one quota");
    assert_eq!(fake.inbox().messages.len(), 180);
    // 90 per tenant at 50 per second each, side by side: under 2 s, not the 3.6 s of one quota.
    assert!(start.elapsed() < Duration::from_secs(2), "{:?}", start.elapsed());
}
