//! Pacing against the fake enforcing the documented quotas: every call gets through, none
#![cfg(feature = "fake")]
#![allow(clippy::unwrap_used, clippy::expect_used)]
//! is throttled, in about the minimum time the quotas allow.

mod common;

use std::time::{Duration, Instant};

use larkmsg::{QuotaTable, ReceiveIdType};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
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
    // Pacing keeps the server from throttling; on a loaded machine requests may still arrive
    // bunched up now and then, and the client then waits and repeats. Never more than 1 %.
    assert!(throttled <= 10, "{throttled} throttled answers: the client is not pacing");
    // 50 per second allows no faster than 19 s for 1000 (the first 50 go at once).
    assert!(elapsed >= Duration::from_secs(19), "{elapsed:?}");
}
