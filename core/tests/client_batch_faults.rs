//! Batch send under every injected fault: a batch is never sent twice, and a batch that may
//! have been sent is reported with `maybe_sent()` instead of being repeated.
//!
//! The platform has no de-duplication key for batches, so the client repeats a batch only
//! after an answer that proves the attempt was refused before processing (HTTP 429, a
//! rejected token). A 5xx answer or a dropped connection proves nothing to a client, even
//! when the fake did not process the request: such a batch fails with `maybe_sent()`.
#![cfg(feature = "fake")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use larkmsg::content::TextContent;
use larkmsg::fake::{FakeServer, FaultKind, FaultPlan};
use larkmsg::{BatchSendRequest, BatchSendResult, Client, ErrorKind, MessageContent, RetryPolicy, Timeouts};

/// Client timeout of one attempt; `slow` faults answer after twice as long.
const ATTEMPT_TIMEOUT: Duration = Duration::from_millis(300);

fn batch(marker: &str) -> BatchSendRequest {
    BatchSendRequest::from(MessageContent::from(TextContent::new(marker)).to_batch().unwrap())
        .open_ids(["ou_a", "ou_b"])
}

fn client(fake: &FakeServer) -> Client {
    common::builder(fake).timeouts(Timeouts::default().with_request(ATTEMPT_TIMEOUT)).build().unwrap()
}

/// The batches of the inbox carrying `marker`.
fn copies(fake: &FakeServer, marker: &str) -> Vec<serde_json::Value> {
    fake.inbox().batches.into_iter().filter(|batch| batch["content"]["text"] == marker).collect()
}

/// Sends one batch through the given faults (used in order) and checks the attempts made.
async fn send_through(faults: &[FaultKind], attempts: u64) -> (FakeServer, larkmsg::Result<BatchSendResult>) {
    let fake = common::fake().await;
    let client = client(&fake);
    for kind in faults {
        fake.inject(FaultPlan::next(*kind, 1).on("batch_send").delay(ATTEMPT_TIMEOUT * 2)).unwrap();
    }
    let result = client.batch_send(batch("the batch")).await;
    assert_eq!(common::requests(&fake, "batch_send"), attempts, "{faults:?}: attempts");
    assert!(fake.fault_plans().is_empty(), "{faults:?}: every fault was used");
    (fake, result)
}

#[tokio::test]
async fn faults_after_processing_are_reported_as_maybe_sent_with_exactly_one_batch() {
    for (kind, error_kind) in [
        (FaultKind::DropAfterRead, ErrorKind::Network),
        (FaultKind::Slow, ErrorKind::Timeout),
        (FaultKind::Malformed, ErrorKind::Decode),
    ] {
        let (fake, result) = send_through(&[kind], 1).await;
        let error = result.unwrap_err();
        assert_eq!(error.kind(), error_kind, "{kind:?}: {error}");
        assert!(error.maybe_sent(), "{kind:?}: {error}");
        assert_eq!(copies(&fake, "the batch").len(), 1, "{kind:?}: the batch was processed once");
        let log = fake.fault_log();
        assert!(log[0].processed && log[0].code == Some(0), "{kind:?}: {log:?}");
        assert_eq!(log[0].id.as_deref(), copies(&fake, "the batch")[0]["message_id"].as_str());
    }
}

#[tokio::test]
async fn faults_a_client_cannot_tell_from_processing_are_reported_as_maybe_sent_and_not_repeated() {
    for (kind, error_kind) in
        [(FaultKind::Status5xx, ErrorKind::Api), (FaultKind::DropBeforeRead, ErrorKind::Network)]
    {
        let (fake, result) = send_through(&[kind], 1).await;
        let error = result.unwrap_err();
        assert_eq!(error.kind(), error_kind, "{kind:?}: {error}");
        assert!(error.maybe_sent(), "{kind:?}: {error}");
        assert!(copies(&fake, "the batch").is_empty(), "{kind:?}: the fake did not process it");
    }
}

#[tokio::test]
async fn refusals_before_processing_are_repeated_and_send_exactly_one_batch() {
    let cases: [&[FaultKind]; 3] = [
        &[FaultKind::RateLimit],
        &[FaultKind::RevokeTokens],
        &[FaultKind::RevokeTokens, FaultKind::RateLimit, FaultKind::RevokeTokens],
    ];
    for faults in cases {
        let (fake, result) = send_through(faults, faults.len() as u64 + 1).await;
        let sent = result.unwrap_or_else(|e| panic!("{faults:?}: {e}"));
        let copies = copies(&fake, "the batch");
        assert_eq!(copies.len(), 1, "{faults:?}: exactly one batch");
        assert_eq!(copies[0]["message_id"], sent.message_id.as_str(), "{faults:?}");
    }
}

#[tokio::test]
async fn a_refusal_that_is_not_retryable_fails_as_surely_not_sent() {
    let (fake, result) = send_through(&[FaultKind::PermissionDenied], 1).await;
    let error = result.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Permission, "{error}");
    assert!(!error.maybe_sent(), "{error}");
    assert!(copies(&fake, "the batch").is_empty());
}

#[tokio::test]
async fn repeats_stop_at_the_first_attempt_that_may_have_been_processed() {
    let cases: [(&[FaultKind], u64, usize); 3] = [
        (&[FaultKind::RateLimit, FaultKind::RevokeTokens, FaultKind::DropAfterRead], 3, 1),
        (&[FaultKind::RevokeTokens, FaultKind::Slow], 2, 1),
        (&[FaultKind::RateLimit, FaultKind::Status5xx], 2, 0),
    ];
    for (faults, attempts, processed) in cases {
        let (fake, result) = send_through(faults, attempts).await;
        let error = result.unwrap_err();
        assert!(error.maybe_sent(), "{faults:?}: {error}");
        assert_eq!(copies(&fake, "the batch").len(), processed, "{faults:?}");
    }
}

#[tokio::test]
async fn a_batch_refused_on_every_attempt_fails_as_surely_not_sent() {
    // The first token and each replacement are rejected; then no new token is fetched.
    let attempts = larkmsg::MAX_REJECTED_TOKENS_IN_A_ROW + 1;
    let (fake, result) = send_through(&vec![FaultKind::RevokeTokens; attempts], attempts as u64).await;
    let error = result.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Auth, "{error}");
    assert!(!error.maybe_sent(), "{error}");
    assert!(copies(&fake, "the batch").is_empty());

    let fake = common::fake().await;
    let impatient = common::builder(&fake)
        .retry(RetryPolicy::default().with_max_throttle_wait(Duration::from_millis(500)))
        .build()
        .unwrap();
    fake.inject(FaultPlan::next(FaultKind::RateLimit, 1).on("batch_send")).unwrap();
    let error = impatient.batch_send(batch("the batch")).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::RateLimited, "{error}");
    assert_eq!(error.retry_after(), Some(Duration::from_secs(1)), "{error}");
    assert!(!error.maybe_sent(), "{error}");
    assert!(copies(&fake, "the batch").is_empty());
}
