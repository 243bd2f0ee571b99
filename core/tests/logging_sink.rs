//! `logging::enable_with` hands each line to a sink, as the bindings do for Python's
//! `logging` and a Node callback: levels as documented (a failed call a warning, a retried
//! attempt an info), each span field once however many attempts, no dependency's lines,
//! no secret.
#![cfg(feature = "fake")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};

use larkmsg::fake::{DEFAULT_APP_SECRET, FaultKind, FaultPlan};
use larkmsg::logging::{Record, Sink};
use larkmsg::{ReceiveIdType, RetryPolicy};
use tracing::Level;

mod common;

#[tokio::test]
async fn lines_reach_the_sink_with_their_level_and_each_field_once() {
    let lines: Arc<Mutex<Vec<(Level, String, String)>>> = Arc::default();
    let kept = Arc::clone(&lines);
    let sink: Sink = Arc::new(move |record: &Record<'_>| {
        kept.lock().unwrap().push((record.level, record.target.to_owned(), record.message.to_owned()))
    });
    larkmsg::logging::enable_with("trace", sink).unwrap();

    let fake = common::fake().await;
    let client = common::builder(&fake).retry(RetryPolicy::default().with_max_attempts(3)).build().unwrap();
    fake.inject(FaultPlan::next(FaultKind::Status5xx, 2).on("send_message")).unwrap();
    client.send_text(ReceiveIdType::OpenId, "ou_1", "after two retries").await.unwrap();
    fake.inject(FaultPlan::next(FaultKind::PermissionDenied, 1).on("send_message")).unwrap();
    client.send_text(ReceiveIdType::OpenId, "ou_1", "refused").await.unwrap_err();
    larkmsg::logging::enable("off").unwrap();

    let lines = lines.lock().unwrap().clone();
    let with =
        |level: Level, text: &str| lines.iter().filter(|(l, _, m)| *l == level && m.contains(text)).count();
    assert_eq!(with(Level::INFO, "attempt failed"), 2, "{lines:#?}");
    assert_eq!(with(Level::WARN, "call failed"), 1, "{lines:#?}");
    assert_eq!(with(Level::DEBUG, "call succeeded"), 1, "{lines:#?}");
    let third = lines.iter().find(|(_, _, m)| m.contains("call succeeded")).unwrap();
    assert!(third.2.contains("attempts=3"), "{third:?}");
    for (_, target, message) in &lines {
        assert!(target.starts_with("larkmsg"), "a dependency's line: {target} {message}");
        assert!(message.matches("endpoint=").count() <= 1, "a span field repeated: {message}");
        assert!(!message.contains(DEFAULT_APP_SECRET), "the secret in {message}");
        assert!(
            !message.contains("INFO") && !message.contains("WARN "),
            "the level is not in the text: {message}"
        );
    }
}
