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
