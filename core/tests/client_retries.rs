//! Retries against the fake's injected faults: nothing lost, nothing sent twice.
#![cfg(feature = "fake")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use larkmsg::content::TextContent;
use larkmsg::fake::{FaultKind, FaultPlan};
use larkmsg::{
    BatchSendRequest, Client, ErrorKind, MessageContent, MsgType, ReceiveIdType, RetryPolicy,
    SendMessageRequest, Timeouts,
};

fn fault(kind: FaultKind, endpoint: &str) -> FaultPlan {
    FaultPlan::next(kind, 1).on(endpoint)
}

async fn send_once_through(kind: FaultKind) -> (larkmsg::fake::FakeServer, Client) {
    let fake = common::fake().await;
    let client = common::builder(&fake)
        .timeouts(Timeouts::default().with_request(Duration::from_millis(500)))
        .build()
        .unwrap();
    fake.inject(fault(kind, "send_message").delay(Duration::from_secs(2))).unwrap();
    (fake, client)
}

#[tokio::test]
async fn send_message_survives_every_fault_with_exactly_one_message() {
    for kind in [
        FaultKind::Status5xx,
        FaultKind::DropBeforeRead,
        FaultKind::DropAfterRead,
        FaultKind::Slow,
        FaultKind::Malformed,
        FaultKind::RevokeTokens,
    ] {
        let (fake, client) = send_once_through(kind).await;
        let message = client.send_text(ReceiveIdType::OpenId, "ou_a", "once").await;
        let message = message.unwrap_or_else(|e| panic!("{kind:?}: {e}"));
        let inbox = fake.inbox();
        assert_eq!(inbox.messages.len(), 1, "{kind:?}: exactly one message");
        assert_eq!(inbox.messages[0]["message_id"], message.message_id.as_str(), "{kind:?}");
        assert_eq!(fake.counters().faults.get(kind.as_str()), Some(&1), "{kind:?} was injected");
    }
}

#[tokio::test]
async fn throttling_waits_for_the_reset_header() {
    let fake = common::fake().await;
    let client = common::client(&fake);
    fake.inject(fault(FaultKind::RateLimit, "send_message")).unwrap();
    let start = Instant::now();
    client.send_text(ReceiveIdType::OpenId, "ou_a", "hi").await.unwrap();
    assert!(start.elapsed() >= Duration::from_secs(1), "waited {:?}", start.elapsed());
    assert_eq!(fake.inbox().messages.len(), 1);
}

#[tokio::test]
async fn the_receiver_limit_pauses_that_receiver_and_repeats() {
    let fake = common::fake().await;
    let backoff = Duration::from_millis(300);
    let client =
        common::builder(&fake).retry(RetryPolicy::default().with_receiver_backoff(backoff)).build().unwrap();
    fake.inject(fault(FaultKind::ReceiverRateLimit, "send_message")).unwrap();
    let start = Instant::now();
    client.send_text(ReceiveIdType::OpenId, "ou_busy", "hi").await.unwrap();
    assert!(start.elapsed() >= backoff, "waited {:?}", start.elapsed());
    assert_eq!(common::requests(&fake, "send_message"), 2);
    assert_eq!(fake.inbox().messages.len(), 1);
}

#[tokio::test]
async fn a_message_still_being_sent_by_another_request_is_reported_as_maybe_sent() {
    let fake = common::fake().await;
    let patient = common::client(&fake);
    let impatient = common::builder(&fake)
        .retry(RetryPolicy::default().with_max_attempts(2).with_initial_backoff(Duration::from_millis(10)))
        .build()
        .unwrap();
    for client in [&patient, &impatient] {
        client.send_text(ReceiveIdType::OpenId, "ou_a", "token warm-up").await.unwrap();
    }
    fake.reset();
    fake.set_latency(Duration::from_millis(1500));
    let request = SendMessageRequest::new(ReceiveIdType::OpenId, "ou_a", MsgType::Text, r#"{"text":"hi"}"#)
        .uuid("being-sent-elsewhere");
    let first = tokio::spawn({
        let request = request.clone();
        async move { patient.send_message(request).await }
    });
    while common::requests(&fake, "send_message") == 0 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let error = impatient.send_message(request).await.unwrap_err();
    assert_eq!(error.code(), Some(230049), "{error}");
    assert!(error.maybe_sent(), "the message is being sent by the first request: {error}");
    let message = first.await.unwrap().unwrap();
    let inbox = fake.inbox();
    assert_eq!(inbox.messages.len(), 1);
    assert_eq!(inbox.messages[0]["message_id"], message.message_id.as_str());
}

fn batch() -> BatchSendRequest {
    BatchSendRequest::from(MessageContent::from(TextContent::new("notice")).to_batch().unwrap())
        .open_ids(["ou_a"])
}

#[tokio::test]
async fn a_refused_connection_is_repeated_and_reported_as_not_sent() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let fake = common::fake().await;
    let client = common::builder(&fake).base_url(url).tenant_access_token("t-given").build().unwrap();
    let error = client.batch_send(batch()).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Network);
    assert!(!error.maybe_sent(), "{error}");
}

#[tokio::test]
async fn attempts_are_bounded() {
    let fake = common::fake().await;
    let client = common::client(&fake);
    fake.inject(FaultPlan::next(FaultKind::Status5xx, 100).on("send_message")).unwrap();
    let error = client.send_text(ReceiveIdType::OpenId, "ou_a", "hi").await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Api);
    assert_eq!(error.http_status(), Some(500));
    assert_eq!(common::requests(&fake, "send_message"), u64::from(RetryPolicy::default().max_attempts));
}

#[tokio::test]
async fn the_total_deadline_bounds_a_call() {
    let fake = common::fake().await;
    let client = common::builder(&fake)
        .timeouts(
            Timeouts::default().with_request(Duration::from_millis(300)).with_total(Duration::from_secs(1)),
        )
        .build()
        .unwrap();
    fake.inject(FaultPlan::next(FaultKind::Slow, 100).on("send_message").delay(Duration::from_secs(5)))
        .unwrap();
    let start = Instant::now();
    let error = client.send_text(ReceiveIdType::OpenId, "ou_a", "hi").await.unwrap_err();
    assert!(start.elapsed() < Duration::from_millis(1500), "{:?}", start.elapsed());
    assert_eq!(error.kind(), ErrorKind::Timeout);
    assert!(error.maybe_sent(), "the slow answers were processed: {error}");
}
